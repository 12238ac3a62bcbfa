//! Slices by key, packed into two lists: what the interpreter leaves for
//! the descriptors (each element's options message, each option
//! statement's destination). A corpus has one entry per element or option
//! statement, and they stay until the descriptors are written; a hash map
//! of a `Vec` per entry was three to five times the size.

/// Slices of `T` by key `K`, each with a small `extra` value. Recorded in
/// any order; [`Packed::seal`] sorts them for [`Packed::get`].
///
/// Architecture invariant: every `get` comes after the `seal` that follows
/// the last `insert` (the interpreter seals a file's stores when it is
/// done with the file); of entries recorded with equal keys, the last one
/// is the one found, as a map's `insert` would leave it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Packed<K, T, X = ()> {
    entries: Vec<Entry<K, X>>,
    /// Every entry's slice, one after another.
    items: Vec<T>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Entry<K, X> {
    key: K,
    /// The slice's place in `items`.
    start: u32,
    len: u32,
    extra: X,
}

impl<K, T, X> Default for Packed<K, T, X> {
    fn default() -> Self {
        Packed {
            entries: Vec::new(),
            items: Vec::new(),
        }
    }
}

impl<K: Ord + Copy, T: Copy, X: Copy> Packed<K, T, X> {
    /// Records `slice` and `extra` under `key`.
    pub fn insert(&mut self, key: K, slice: &[T], extra: X) {
        // One file's entries are far from 4 Gi items: spans, which address
        // its source in `u32`, would overflow first.
        let start = u32::try_from(self.items.len()).unwrap_or(u32::MAX);
        self.items.extend_from_slice(slice);
        self.entries.push(Entry {
            key,
            start,
            len: u32::try_from(slice.len()).unwrap_or(0),
            extra,
        });
    }

    /// Sorts the entries by key, stably (so the last of equal keys stays
    /// last), and frees the lists' slack.
    pub fn seal(&mut self) {
        self.entries.sort_by_key(|entry| entry.key);
        self.entries.shrink_to_fit();
        self.items.shrink_to_fit();
    }

    /// The slice and extra value last recorded under `key`.
    pub fn get(&self, key: K) -> Option<(&[T], X)> {
        let after = self.entries.partition_point(|entry| entry.key <= key);
        let entry = self.entries[..after].last().filter(|e| e.key == key)?;
        let start = entry.start as usize;
        let slice = self.items.get(start..start + entry.len as usize)?;
        Some((slice, entry.extra))
    }

    /// Appends `more` to the slice under `key` (to an empty one with
    /// `extra` when there is none), and seals again. The old slice stays in
    /// the list, unused: for the few options a printed descriptor adds.
    pub fn append(&mut self, key: K, more: &[T], extra: X) {
        let (mut slice, extra) = match self.get(key) {
            Some((slice, extra)) => (slice.to_vec(), extra),
            None => (Vec::new(), extra),
        };
        slice.extend_from_slice(more);
        self.insert(key, &slice, extra);
        self.seal();
    }

    pub fn contains_key(&self, key: K) -> bool {
        self.get(key).is_some()
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::Packed;

    #[test]
    fn finds_each_slice_by_key_in_any_order_of_recording() {
        let mut packed: Packed<u32, i32, bool> = Packed::default();
        packed.insert(30, &[3, 0], true);
        packed.insert(10, &[1], false);
        packed.insert(20, &[], false);
        packed.seal();
        assert_eq!(packed.get(10), Some((&[1][..], false)));
        assert_eq!(packed.get(20), Some((&[][..], false)));
        assert_eq!(packed.get(30), Some((&[3, 0][..], true)));
        assert_eq!(packed.get(15), None);
        assert_eq!(packed.get(31), None);
        assert_eq!(packed.get(0), None);
        assert_eq!(packed.len(), 3);
    }

    #[test]
    fn the_last_of_equal_keys_counts() {
        let mut packed: Packed<(u32, u8), u8> = Packed::default();
        packed.insert((7, 1), b"first", ());
        packed.insert((7, 0), b"other", ());
        packed.insert((7, 1), b"second", ());
        packed.seal();
        assert_eq!(packed.get((7, 1)), Some((&b"second"[..], ())));
        assert_eq!(packed.get((7, 0)), Some((&b"other"[..], ())));
        assert!(!packed.contains_key((7, 2)));
    }

    #[test]
    fn appending_extends_a_slice_or_makes_one() {
        let mut packed: Packed<u32, u8> = Packed::default();
        packed.insert(1, b"ab", ());
        packed.insert(2, b"x", ());
        packed.seal();
        packed.append(1, b"cd", ());
        packed.append(3, b"new", ());
        assert_eq!(packed.get(1), Some((&b"abcd"[..], ())));
        assert_eq!(packed.get(2), Some((&b"x"[..], ())));
        assert_eq!(packed.get(3), Some((&b"new"[..], ())));
    }

    #[test]
    fn an_empty_store_finds_nothing() {
        let packed: Packed<u32, u8> = Packed::default();
        assert!(packed.is_empty());
        assert_eq!(packed.get(0), None);
    }
}
