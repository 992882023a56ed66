//! [`Map`]: members kept sorted by key, each key once. A JSON object's members (so
//! objects are handed out with their keys in alphabetical order, as they always were),
//! and the few other small string-keyed tables of the core.
//!
//! Building one from many members sorts once (never one shifting insert per member,
//! which attacker-sized objects would make quadratic); a repeated key keeps its last
//! value, as `JSON.parse` does. A lookup is a binary search.

/// Members sorted by key, each key once: a JSON object's, and the few other string-keyed
/// tables of the core (the token and release caches, the requests in flight, the refusal
/// log's windows).
#[derive(Clone, Debug, PartialEq)]
pub struct Map<K, V> {
    members: Vec<(K, V)>,
}

impl<V> Default for Map<String, V> {
    fn default() -> Self {
        Map {
            members: Vec::new(),
        }
    }
}

/// How [`Map::iter`] lends members: `(&key, &value)`, as a map does.
pub type Iter<'a, V> =
    std::iter::Map<std::slice::Iter<'a, (String, V)>, fn(&'a (String, V)) -> (&'a String, &'a V)>;

impl<V> Map<String, V> {
    /// An empty object.
    pub fn new() -> Self {
        Self::default()
    }

    fn find(&self, key: &str) -> Result<usize, usize> {
        self.members.binary_search_by(|(k, _)| k.as_str().cmp(key))
    }

    /// The value under `key`.
    pub fn get(&self, key: &str) -> Option<&V> {
        self.find(key).ok().map(|i| &self.members[i].1)
    }

    /// Whether `key` is a member.
    pub fn contains_key(&self, key: &str) -> bool {
        self.find(key).is_ok()
    }

    /// Sets `key` to `value`; the value it had, if any.
    pub fn insert(&mut self, key: String, value: V) -> Option<V> {
        match self.find(&key) {
            Ok(i) => Some(std::mem::replace(&mut self.members[i].1, value)),
            Err(i) => {
                self.members.insert(i, (key, value));
                None
            }
        }
    }

    /// Removes `key`; the value it had, if any.
    pub fn remove(&mut self, key: &str) -> Option<V> {
        let i = self.find(key).ok()?;
        Some(self.members.remove(i).1)
    }

    /// The value under `key`, inserted by `make` first when there is none.
    pub fn get_or_insert_with(&mut self, key: &str, make: impl FnOnce() -> V) -> &mut V {
        let i = match self.find(key) {
            Ok(i) => i,
            Err(i) => {
                self.members.insert(i, (key.to_string(), make()));
                i
            }
        };
        &mut self.members[i].1
    }

    /// Keeps the members for which `keep` says yes.
    pub fn retain(&mut self, mut keep: impl FnMut(&String, &mut V) -> bool) {
        self.members.retain_mut(|(k, v)| keep(k, v));
    }

    /// How many members.
    pub fn len(&self) -> usize {
        self.members.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.members.is_empty()
    }

    /// The members in key order.
    pub fn iter(&self) -> Iter<'_, V> {
        self.members.iter().map(|(k, v)| (k, v))
    }

    /// The keys in order.
    pub fn keys(&self) -> impl Iterator<Item = &String> {
        self.members.iter().map(|(k, _)| k)
    }

    /// Sorted by key, and of a repeated key only the last member (sorting the reversed
    /// members stably puts the last of equal keys first).
    fn settle(&mut self) {
        self.members.reverse();
        self.members.sort_by(|a, b| a.0.cmp(&b.0));
        self.members.dedup_by(|later, first| later.0 == first.0);
    }
}

impl<V> FromIterator<(String, V)> for Map<String, V> {
    fn from_iter<T: IntoIterator<Item = (String, V)>>(members: T) -> Self {
        let mut map = Map {
            members: members.into_iter().collect(),
        };
        map.settle();
        map
    }
}

impl<V> Extend<(String, V)> for Map<String, V> {
    fn extend<T: IntoIterator<Item = (String, V)>>(&mut self, members: T) {
        self.members.extend(members);
        self.settle();
    }
}

impl<V> IntoIterator for Map<String, V> {
    type Item = (String, V);
    type IntoIter = std::vec::IntoIter<(String, V)>;

    fn into_iter(self) -> Self::IntoIter {
        self.members.into_iter()
    }
}

impl<'a, V> IntoIterator for &'a Map<String, V> {
    type Item = (&'a String, &'a V);
    type IntoIter = Iter<'a, V>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json;
    use crate::json::Value;

    #[test]
    fn objects_keep_keys_sorted_and_the_last_of_a_repeated_key() {
        let m: Map<String, Value> = [("b", 1), ("a", 2), ("b", 3), ("c", 4), ("a", 5)]
            .into_iter()
            .map(|(k, v)| (k.to_string(), json!(v)))
            .collect();
        assert_eq!(
            json::to_string(&Value::Object(m.clone())),
            r#"{"a":5,"b":3,"c":4}"#
        );
        let mut m = m;
        assert_eq!(m.insert("b".into(), json!(9)), Some(json!(3)));
        assert_eq!(m.insert("aa".into(), json!(0)), None);
        m.extend([
            ("c".to_string(), json!(null)),
            ("0".to_string(), json!(true)),
        ]);
        assert_eq!(
            m.keys().map(String::as_str).collect::<Vec<_>>(),
            ["0", "a", "aa", "b", "c"]
        );
        assert_eq!(m.get("c"), Some(&Value::Null));
        assert_eq!(m.remove("a"), Some(json!(5)));
        assert!(!m.contains_key("a"));
        *m.get_or_insert_with("z", || json!([])) = json!("set");
        assert_eq!(Value::Object(m.clone())["z"], "set");
        m.retain(|k, v| k != "0" && !v.is_null());
        assert_eq!(
            m.keys().map(String::as_str).collect::<Vec<_>>(),
            ["aa", "b", "z"]
        );
    }
}
