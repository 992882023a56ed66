//! A small table of values by text key: a vector of pairs, searched from the front.
//!
//! The package's process-wide tables are small (a few access tokens, releases and
//! requests in flight; at most [`crate::module::log::MAX_SOURCES`] refusal sources), so
//! a linear search costs less than hashing and keeps the `.wasm` small: a `BTreeMap`
//! adds 10–14 KB of code per value type.

/// Values by key; a key appears at most once.
#[derive(Debug, Clone)]
pub struct Keyed<V> {
    entries: Vec<(String, V)>,
}

impl<V> Default for Keyed<V> {
    fn default() -> Self {
        Keyed {
            entries: Vec::new(),
        }
    }
}

impl<V> Keyed<V> {
    fn position(&self, key: &str) -> Option<usize> {
        self.entries.iter().position(|(k, _)| k == key)
    }

    /// The value under `key`.
    pub fn get(&self, key: &str) -> Option<&V> {
        self.position(key).map(|i| &self.entries[i].1)
    }

    /// The value under `key`, inserted with `make` when there is none.
    pub fn get_or_insert_with(&mut self, key: &str, make: impl FnOnce() -> V) -> &mut V {
        let i = match self.position(key) {
            Some(i) => i,
            None => {
                self.entries.push((key.to_string(), make()));
                self.entries.len() - 1
            }
        };
        &mut self.entries[i].1
    }

    /// Sets the value under `key`, replacing one that was there.
    pub fn insert(&mut self, key: String, value: V) {
        match self.position(&key) {
            Some(i) => self.entries[i].1 = value,
            None => self.entries.push((key, value)),
        }
    }

    /// Removes the value under `key`.
    pub fn remove(&mut self, key: &str) -> Option<V> {
        self.position(key).map(|i| self.entries.swap_remove(i).1)
    }

    /// Keeps the entries for which `keep` is true.
    pub fn retain(&mut self, mut keep: impl FnMut(&str, &V) -> bool) {
        self.entries.retain(|(k, v)| keep(k, v));
    }

    /// How many entries there are.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The entries, in no particular order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &V)> {
        self.entries.iter().map(|(k, v)| (k.as_str(), v))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_holds_one_value() {
        let mut t = Keyed::default();
        t.insert("a".into(), 1);
        t.insert("b".into(), 2);
        t.insert("a".into(), 3);
        assert_eq!((t.len(), t.get("a"), t.get("b")), (2, Some(&3), Some(&2)));
        *t.get_or_insert_with("c", || 0) += 5;
        *t.get_or_insert_with("c", || 100) += 1;
        assert_eq!(t.get("c"), Some(&6));
        assert_eq!(t.remove("a"), Some(3));
        assert_eq!(t.get("a"), None);
        t.retain(|k, _| k != "b");
        assert_eq!(t.iter().collect::<Vec<_>>(), vec![("c", &6)]);
        assert!(!t.is_empty());
    }
}
