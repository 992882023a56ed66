//! JSON text in and out of the core, the same code natively and in the wasm: our own
//! parser ([`from_str`]) and printer, so the `.wasm` carries no serde machinery (no typed
//! deserializers, no serde-wasm-bindgen) and no serde at all: values are our own
//! [`Value`] (shaped like serde_json's), written with [`json!`](crate::json!); wire
//! shapes are read and written by hand with the helpers below ([`ToJson`], [`text`],
//! [`integer`]). Across the wasm boundary, JSON text travels (`JSON.parse` /
//! `JSON.stringify` on the JS side): one crossing per value, and a `__proto__` key stays a
//! plain key both ways.

mod macros;
mod map;
mod parse;
mod value;

pub use map::{Iter, Map};
pub use parse::MAX_DEPTH;
pub use value::{At, Key, Number, Value};

/// Parses JSON text; the error says why and where, without echoing the text.
pub fn from_str(text: &str) -> Result<Value, String> {
    parse::parse(text)
}

/// A value as compact JSON text.
pub fn to_string(value: &Value) -> String {
    let mut out = String::new();
    write_value(&mut out, value);
    out
}

/// A type the package hands out as JSON (results, route answers), and anything a
/// [`json!`](crate::json!) value may be written with.
pub trait ToJson {
    /// The value, with the field names of API.md.
    fn to_json(&self) -> Value;
}

impl ToJson for Value {
    fn to_json(&self) -> Value {
        self.clone()
    }
}

impl ToJson for Map<String, Value> {
    fn to_json(&self) -> Value {
        Value::Object(self.clone())
    }
}

impl ToJson for str {
    fn to_json(&self) -> Value {
        Value::String(self.to_string())
    }
}

impl ToJson for String {
    fn to_json(&self) -> Value {
        Value::String(self.clone())
    }
}

impl ToJson for bool {
    fn to_json(&self) -> Value {
        Value::Bool(*self)
    }
}

impl ToJson for f64 {
    /// `null` for NaN and the infinities, as serde_json writes them.
    fn to_json(&self) -> Value {
        Number::from_f64(*self).map_or(Value::Null, Value::Number)
    }
}

macro_rules! integers_to_json {
    ($($t:ty => $via:ty),*) => {$(
        impl ToJson for $t {
            fn to_json(&self) -> Value {
                Value::Number(Number::from(*self as $via))
            }
        }
    )*};
}
integers_to_json!(i64 => i64, i32 => i64, u8 => u64, u16 => u64, u32 => u64, u64 => u64, usize => u64);

impl<T: ToJson> ToJson for Option<T> {
    fn to_json(&self) -> Value {
        self.as_ref().map_or(Value::Null, T::to_json)
    }
}

impl<T: ToJson> ToJson for [T] {
    fn to_json(&self) -> Value {
        Value::Array(self.iter().map(T::to_json).collect())
    }
}

impl<T: ToJson> ToJson for Vec<T> {
    fn to_json(&self) -> Value {
        self.as_slice().to_json()
    }
}

impl<T: ToJson + ?Sized> ToJson for &T {
    fn to_json(&self) -> Value {
        (**self).to_json()
    }
}

/// The text of a decimal number (JSON's grammar, or digits and dots) as f64, `None` when
/// it is not one. Rust's parser natively; the host's `Number` in the wasm, which keeps
/// float-parsing code and tables out of the `.wasm`. Both round correctly.
pub fn parse_f64(text: &str) -> Option<f64> {
    #[cfg(target_arch = "wasm32")]
    {
        // `Number(text)`: strict about the whole text (but "" is 0, hence the check).
        let n = text.parse::<js_sys::Number>().ok()?.value_of();
        (!text.is_empty() && !n.is_nan()).then_some(n)
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        text.parse().ok()
    }
}

/// A float as the shortest text that reads back the same. Rust's natively; the host's
/// `String(n)` in the wasm (which writes `1e-7` where Rust writes `0.0000001`).
pub fn f64_text(f: f64) -> String {
    #[cfg(target_arch = "wasm32")]
    {
        js_sys::Number::from(f)
            .to_string_with_radix(10)
            .map(String::from)
            .unwrap_or_default()
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        f.to_string()
    }
}

/// A type read out of JSON by hand (Orchestrator's entities, the module's rows).
pub trait FromJson: Sized {
    /// The value, or what is wrong with it (the field's name, never its text).
    fn from_json(value: &Value) -> Result<Self, String>;
}

impl<T: FromJson> FromJson for Vec<T> {
    /// Each item of an array; the first item that is not a `T` fails the whole list.
    fn from_json(value: &Value) -> Result<Self, String> {
        match value {
            Value::Array(items) => items.iter().map(T::from_json).collect(),
            _ => Err("not a list".into()),
        }
    }
}

impl FromJson for Map<String, Value> {
    fn from_json(value: &Value) -> Result<Self, String> {
        value
            .as_object()
            .cloned()
            .ok_or_else(|| "not an object".into())
    }
}

/// `value[name]` when it is a string.
pub fn text(value: &Value, name: &str) -> Option<String> {
    value.get(name).and_then(Value::as_str).map(str::to_string)
}

/// `value[name]` when it is an integer.
pub fn integer(value: &Value, name: &str) -> Option<i64> {
    value.get(name).and_then(Value::as_i64)
}

/// `value[name]` when it is a string, else an error that names the field.
pub fn required_text(value: &Value, name: &str) -> Result<String, String> {
    text(value, name).ok_or_else(|| format!("{name} is missing or not a string"))
}

/// `value[name]` when it is an integer, else an error that names the field.
pub fn required_integer(value: &Value, name: &str) -> Result<i64, String> {
    integer(value, name).ok_or_else(|| format!("{name} is missing or not an integer"))
}

/// A JSON number as text (`2`, `-7`, `0.5`).
pub fn number_text(n: &Number) -> String {
    match (n.as_i64(), n.as_u64(), n.as_f64()) {
        (Some(i), _, _) => i.to_string(),
        (None, Some(u), _) => u.to_string(),
        (None, None, Some(f)) => f64_text(f),
        _ => "null".into(),
    }
}

/// Compact JSON text of a value: keys in the map's order, strings escaped as JSON
/// requires (quote, backslash, control characters), everything else as is.
pub fn write_value(out: &mut String, value: &Value) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => out.push_str(&number_text(n)),
        Value::String(s) => write_str(out, s),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_value(out, item);
            }
            out.push(']');
        }
        Value::Object(map) => write_map(out, map),
    }
}

/// An object's members as compact JSON text.
pub fn map_to_string(map: &Map<String, Value>) -> String {
    let mut out = String::new();
    write_map(&mut out, map);
    out
}

fn write_map(out: &mut String, map: &Map<String, Value>) {
    out.push('{');
    for (i, (k, v)) in map.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        write_str(out, k);
        out.push(':');
        write_value(out, v);
    }
    out.push('}');
}

fn write_str(out: &mut String, s: &str) {
    out.push('"');
    // Runs of printable ASCII are copied at once; everything else goes through
    // push_escaped, one character at a time.
    let mut run = 0;
    for (i, b) in s.bytes().enumerate() {
        if (0x20..0x7f).contains(&b) && b != b'"' && b != b'\\' {
            continue;
        }
        if b & 0xC0 == 0x80 {
            continue; // inside a multi-byte character: its lead byte handled it
        }
        out.push_str(&s[run..i]);
        let c = s[i..].chars().next().unwrap_or_default();
        push_escaped(out, c);
        run = i + c.len_utf8();
    }
    out.push_str(&s[run..]);
    out.push('"');
}

/// One character of a JSON string: quote, backslash and control characters escaped (the
/// Unicode line and paragraph separators too, so the text is safe in a log line or a JS
/// source), everything else as is.
pub fn push_escaped(out: &mut String, c: char) {
    match c {
        '"' => out.push_str("\\\""),
        '\\' => out.push_str("\\\\"),
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        c if c.is_control() || c == '\u{2028}' || c == '\u{2029}' => {
            const HEX: &[u8; 16] = b"0123456789abcdef";
            out.push_str("\\u");
            for shift in [12, 8, 4, 0] {
                out.push(HEX[((c as usize) >> shift) & 15] as char);
            }
        }
        c => out.push(c),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json;

    #[test]
    fn text_both_ways() {
        let v: Value = from_str(r#"{"b":[1,2.5,"x"],"a":null}"#).unwrap();
        assert_eq!(v, json!({"a": null, "b": [1, 2.5, "x"]}));
        assert_eq!(to_string(&v), r#"{"a":null,"b":[1,2.5,"x"]}"#);
        assert!(from_str("{oops").is_err());
        assert_eq!(number_text(&Number::from(-7i64)), "-7");
        assert_eq!(number_text(&Number::from_f64(0.5).unwrap()), "0.5");
    }

    #[test]
    fn the_wasm_printer_writes_what_serde_json_writes() {
        let values = [
            json!({"__proto__": {"x": 1}, "a": [true, false, null], "b": "q\"uote\\ back\nline\ttab\u{1}\u{1f} é ✅"}),
            json!([1, -2, 3.25, 1e-7, u64::MAX, i64::MIN, "", {}]),
            json!("plain"),
        ];
        // Escaped beyond what serde_json escapes (DEL, C1, line separators): the same string.
        let mut out = String::new();
        write_value(&mut out, &json!("a\u{7f}\u{2028}b"));
        assert_eq!(out, r#""a\u007f\u2028b""#);
        assert_eq!(from_str(&out).unwrap(), json!("a\u{7f}\u{2028}b"));
        for v in values {
            let mut out = String::new();
            write_value(&mut out, &v);
            assert_eq!(from_str(&out).unwrap(), v, "{out}");
            // Floats may be spelled otherwise (0.0000001 for 1e-7): the same number.
            let theirs =
                serde_json::to_string(&serde_json::from_str::<serde_json::Value>(&out).unwrap())
                    .unwrap();
            if !theirs.contains("e-") {
                assert_eq!(out, theirs);
            }
        }
    }
}
