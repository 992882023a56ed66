//! A small map by string key for the per-process caches and flights: a few entries
//! (credentials, processes, requests in flight), so a list searched in order beats a
//! hash map, in the `.wasm` (no hash table code per value type) and in time.

/// Entries by key, in insertion order.
#[derive(Debug)]
pub(super) struct Keyed<V>(Vec<(String, V)>);

impl<V> Default for Keyed<V> {
    fn default() -> Self {
        Keyed(Vec::new())
    }
}

impl<V> Keyed<V> {
    pub(super) fn get(&self, key: &str) -> Option<&V> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    /// Sets `key` to `value`, replacing what it had.
    pub(super) fn insert(&mut self, key: String, value: V) {
        self.remove(&key);
        self.0.push((key, value));
    }

    pub(super) fn remove(&mut self, key: &str) {
        self.0.retain(|(k, _)| k != key);
    }

    /// Keeps the entries whose value passes `keep`.
    pub(super) fn retain(&mut self, keep: impl Fn(&V) -> bool) {
        self.0.retain(|(_, v)| keep(v));
    }

    #[cfg(test)]
    pub(super) fn len(&self) -> usize {
        self.0.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn insert_replaces_and_remove_forgets() {
        let mut m = Keyed::default();
        m.insert("a".into(), 1);
        m.insert("b".into(), 2);
        m.insert("a".into(), 3);
        assert_eq!((m.get("a"), m.get("b"), m.len()), (Some(&3), Some(&2), 2));
        m.remove("a");
        m.retain(|v| *v != 2);
        assert_eq!((m.get("a"), m.get("b"), m.len()), (None, None, 0));
    }
}
