//! Maps by HUD ID for the indexes an import keeps across a whole file (a row per client, enrollment
//! or event): a UUID key (Hearth's own IDs, and most systems') takes its 16 bytes, not a `String`
//! or a [`HudKey`] of 24, so that a state-wide file of millions of rows stays within the import's
//! memory bound.

use crate::interop::format::HudKey;
use std::collections::HashMap;

pub(super) struct KeyMap<V> {
    uuids: HashMap<[u8; 16], V>,
    others: HashMap<Box<str>, V>,
}

impl<V> Default for KeyMap<V> {
    fn default() -> Self {
        KeyMap {
            uuids: HashMap::new(),
            others: HashMap::new(),
        }
    }
}

impl<V> KeyMap<V> {
    /// A map for about `rows` UUID keys: allocated once, so that growing it leaves no freed tables
    /// behind (the allocator keeps those of a few megabytes resident).
    pub(super) fn with_capacity(rows: usize) -> Self {
        KeyMap {
            uuids: HashMap::with_capacity(rows),
            others: HashMap::new(),
        }
    }

    pub(super) fn get(&self, key: &HudKey) -> Option<&V> {
        match key {
            HudKey::Uuid(id) => self.uuids.get(id.as_bytes()),
            HudKey::Hud(text) => self.others.get(text.as_str()),
        }
    }

    /// The value of `key`, inserting `new()` first when it has none.
    pub(super) fn get_or_insert_with(&mut self, key: &HudKey, new: impl FnOnce() -> V) -> &mut V {
        match key {
            HudKey::Uuid(id) => self.uuids.entry(*id.as_bytes()).or_insert_with(new),
            HudKey::Hud(text) => self.others.entry(text.as_str().into()).or_insert_with(new),
        }
    }

    /// Every entry, with its key.
    pub(super) fn into_entries(self) -> impl Iterator<Item = (HudKey, V)> {
        let uuids = self
            .uuids
            .into_iter()
            .map(|(id, v)| (HudKey::Uuid(uuid::Uuid::from_bytes(id)), v));
        let others = self
            .others
            .into_iter()
            .map(|(text, v)| (HudKey::Hud(text.into()), v));
        uuids.chain(others)
    }

    /// Room for `rows` UUID keys in all.
    pub(super) fn reserve(&mut self, rows: usize) {
        self.uuids.reserve(rows.saturating_sub(self.uuids.len()));
    }

    pub(super) fn len(&self) -> usize {
        self.uuids.len() + self.others.len()
    }

    pub(super) fn contains_key(&self, key: &HudKey) -> bool {
        self.get(key).is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuid_and_other_keys_are_found_apart() {
        let mut map = KeyMap::default();
        let uuid = HudKey::Uuid(uuid::Uuid::from_u128(7));
        let other = HudKey::Hud("C-7".to_owned());
        *map.get_or_insert_with(&uuid, || 0) += 1;
        *map.get_or_insert_with(&uuid, || 0) += 1;
        *map.get_or_insert_with(&other, || 10) += 1;
        assert_eq!(map.get(&uuid), Some(&2));
        assert_eq!(map.get(&other), Some(&11));
        assert_eq!(map.len(), 2);
        assert!(!map.contains_key(&HudKey::Uuid(uuid::Uuid::from_u128(8))));
    }
}
