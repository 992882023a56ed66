//! JSON values: [`Value`], its [`Number`] and its object [`Map`].
//!
//! Shaped like `crate::json::Value` (the same variants, accessors and equality), so code
//! and tests read the same, but without serde: no serializer, no B-tree. An object is a
//! vector of members kept sorted by key, which is how the package has always handed
//! objects out (keys in alphabetical order). Building one from many members sorts once
//! (never one shifting insert per member, which attacker-sized objects would make
//! quadratic); a repeated key keeps its last value, as `JSON.parse` does.

use std::ops::{Index, IndexMut};

use super::Map;

/// Any JSON value.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum Value {
    /// `null`
    #[default]
    Null,
    /// `true` or `false`
    Bool(bool),
    /// A number: an integer when it fits i64 or u64, else a finite float.
    Number(Number),
    /// A string.
    String(String),
    /// An array.
    Array(Vec<Value>),
    /// An object.
    Object(Map<String, Value>),
}

/// A JSON number.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Number(N);

#[derive(Clone, Copy, Debug, PartialEq)]
enum N {
    PosInt(u64),
    NegInt(i64),
    Float(f64),
}

impl Number {
    /// A float as a number; `None` for NaN and the infinities, which JSON cannot hold.
    pub fn from_f64(f: f64) -> Option<Number> {
        f.is_finite().then_some(Number(N::Float(f)))
    }

    /// The number as i64, when it is an integer that fits.
    pub fn as_i64(&self) -> Option<i64> {
        match self.0 {
            N::PosInt(u) => i64::try_from(u).ok(),
            N::NegInt(i) => Some(i),
            N::Float(_) => None,
        }
    }

    /// The number as u64, when it is a non-negative integer.
    pub fn as_u64(&self) -> Option<u64> {
        match self.0 {
            N::PosInt(u) => Some(u),
            _ => None,
        }
    }

    /// The number as f64 (integers beyond 2^53 round).
    pub fn as_f64(&self) -> Option<f64> {
        Some(match self.0 {
            N::PosInt(u) => u as f64,
            N::NegInt(i) => i as f64,
            N::Float(f) => f,
        })
    }
}

impl From<u64> for Number {
    fn from(u: u64) -> Self {
        Number(N::PosInt(u))
    }
}

impl From<i64> for Number {
    fn from(i: i64) -> Self {
        match u64::try_from(i) {
            Ok(u) => Number(N::PosInt(u)),
            Err(_) => Number(N::NegInt(i)),
        }
    }
}

impl Value {
    /// `self[key]` of an object, or `self[index]` of an array.
    pub fn get<I: Key>(&self, at: I) -> Option<&Value> {
        at.find(self)
    }

    /// The string, if this is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// The members, if this is an object.
    pub fn as_object(&self) -> Option<&Map<String, Value>> {
        match self {
            Value::Object(m) => Some(m),
            _ => None,
        }
    }

    /// The members, mutably, if this is an object.
    pub fn as_object_mut(&mut self) -> Option<&mut Map<String, Value>> {
        match self {
            Value::Object(m) => Some(m),
            _ => None,
        }
    }

    /// The items, if this is an array.
    pub fn as_array(&self) -> Option<&Vec<Value>> {
        match self {
            Value::Array(items) => Some(items),
            _ => None,
        }
    }

    /// The boolean, if this is one.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// The number as i64, if this is an integer that fits.
    pub fn as_i64(&self) -> Option<i64> {
        self.number().and_then(Number::as_i64)
    }

    /// The number as u64, if this is a non-negative integer.
    pub fn as_u64(&self) -> Option<u64> {
        self.number().and_then(Number::as_u64)
    }

    /// The number as f64, if this is a number.
    pub fn as_f64(&self) -> Option<f64> {
        self.number().and_then(Number::as_f64)
    }

    fn number(&self) -> Option<&Number> {
        match self {
            Value::Number(n) => Some(n),
            _ => None,
        }
    }

    /// Whether this is `null`.
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// Whether this is a string.
    pub fn is_string(&self) -> bool {
        matches!(self, Value::String(_))
    }

    /// Whether this is an object.
    pub fn is_object(&self) -> bool {
        matches!(self, Value::Object(_))
    }

    /// Whether this is an array.
    pub fn is_array(&self) -> bool {
        matches!(self, Value::Array(_))
    }
}

/// What indexes a [`Value`]: a key (`&str`, `String`) or a position (`usize`).
pub trait Key {
    /// The key or the position.
    fn at(&self) -> At<'_>;

    /// The value at this key or position, if there is one.
    fn find<'v>(&self, value: &'v Value) -> Option<&'v Value> {
        match (self.at(), value) {
            (At::Key(k), Value::Object(m)) => m.get(k),
            (At::Position(i), Value::Array(items)) => items.get(i),
            _ => None,
        }
    }
}

/// A key of an object or a position in an array.
pub enum At<'a> {
    /// An object's member.
    Key(&'a str),
    /// An array's item.
    Position(usize),
}

impl Key for str {
    fn at(&self) -> At<'_> {
        At::Key(self)
    }
}

impl Key for String {
    fn at(&self) -> At<'_> {
        At::Key(self)
    }
}

impl Key for usize {
    fn at(&self) -> At<'_> {
        At::Position(*self)
    }
}

impl<T: Key + ?Sized> Key for &T {
    fn at(&self) -> At<'_> {
        (**self).at()
    }
}

static NULL: Value = Value::Null;

/// `value["key"]` / `value[0]`: `null` when there is nothing there (never a panic).
impl<I: Key> Index<I> for Value {
    type Output = Value;

    fn index(&self, at: I) -> &Value {
        at.find(self).unwrap_or(&NULL)
    }
}

/// `value["key"] = …` / `value[i] = …`, meant for values the package builds. Where
/// serde_json would panic, this makes room instead: a value that is not an object (an
/// array) becomes an empty one first, and an array grows with `null`s up to `i`.
impl<I: Key> IndexMut<I> for Value {
    fn index_mut(&mut self, at: I) -> &mut Value {
        match at.at() {
            At::Key(k) => {
                if !self.is_object() {
                    *self = Value::Object(Map::new());
                }
                match self {
                    Value::Object(m) => m.get_or_insert_with(k, || Value::Null),
                    _ => unreachable!("an object since the line above"),
                }
            }
            At::Position(i) => {
                if !self.is_array() {
                    *self = Value::Array(Vec::new());
                }
                match self {
                    Value::Array(items) => {
                        if items.len() <= i {
                            items.resize(i + 1, Value::Null);
                        }
                        &mut items[i]
                    }
                    _ => unreachable!("an array since the line above"),
                }
            }
        }
    }
}

/// `map["key"]`: `null` when there is no such member.
impl Index<&str> for Map<String, Value> {
    type Output = Value;

    fn index(&self, key: &str) -> &Value {
        self.get(key).unwrap_or(&NULL)
    }
}

impl PartialEq<str> for Value {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == Some(other)
    }
}

impl PartialEq<&str> for Value {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == Some(*other)
    }
}

impl PartialEq<String> for Value {
    fn eq(&self, other: &String) -> bool {
        self.as_str() == Some(other.as_str())
    }
}

impl PartialEq<i64> for Value {
    fn eq(&self, other: &i64) -> bool {
        self.as_i64() == Some(*other)
    }
}

impl PartialEq<bool> for Value {
    fn eq(&self, other: &bool) -> bool {
        self.as_bool() == Some(*other)
    }
}

impl From<String> for Value {
    fn from(s: String) -> Self {
        Value::String(s)
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::String(s.to_string())
    }
}

impl From<Map<String, Value>> for Value {
    fn from(m: Map<String, Value>) -> Self {
        Value::Object(m)
    }
}

impl From<Vec<Value>> for Value {
    fn from(items: Vec<Value>) -> Self {
        Value::Array(items)
    }
}

impl FromIterator<Value> for Value {
    fn from_iter<T: IntoIterator<Item = Value>>(items: T) -> Self {
        Value::Array(items.into_iter().collect())
    }
}

impl std::fmt::Display for Value {
    /// Compact JSON text, as [`super::to_string`] writes it.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&super::to_string(self))
    }
}

/// serde_json's value as ours, for tests that use serde_json as their oracle.
#[cfg(test)]
pub(crate) fn from_serde(v: serde_json::Value) -> Value {
    match v {
        serde_json::Value::Null => Value::Null,
        serde_json::Value::Bool(b) => Value::Bool(b),
        serde_json::Value::Number(n) => Value::Number(match (n.as_u64(), n.as_i64()) {
            (Some(u), _) => Number::from(u),
            (None, Some(i)) => Number::from(i),
            _ => n
                .as_f64()
                .and_then(Number::from_f64)
                .unwrap_or(Number::from(0u64)),
        }),
        serde_json::Value::String(s) => Value::String(s),
        serde_json::Value::Array(items) => {
            Value::Array(items.into_iter().map(from_serde).collect())
        }
        serde_json::Value::Object(m) => {
            Value::Object(m.into_iter().map(|(k, v)| (k, from_serde(v))).collect())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json;

    #[test]
    fn accessors_and_numbers_mean_what_serde_json_means() {
        let v = json!({"n": -3, "u": u64::MAX, "f": 0.5, "s": "x", "a": [1, {"k/e~y": true}]});
        assert_eq!(v["n"].as_i64(), Some(-3));
        assert_eq!(v["n"].as_u64(), None);
        assert_eq!(v["u"].as_i64(), None);
        assert_eq!(v["u"].as_u64(), Some(u64::MAX));
        assert_eq!(v["f"].as_i64(), None);
        assert_eq!(v["f"].as_f64(), Some(0.5));
        assert_eq!(v["s"], "x");
        assert_eq!(v["a"][0], 1);
        assert_eq!(v["missing"]["deeper"], Value::Null);
        assert_eq!(v["a"][1]["k/e~y"], true);
        assert_eq!(v.get("a").and_then(|a| a.get(9)), None);
        assert_ne!(json!(1), json!(1.0));
        assert_eq!(Number::from_f64(f64::NAN), None);
    }
}
