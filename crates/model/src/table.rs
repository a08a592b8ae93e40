//! A table of records (the network's places or links) that may stay in a file until read.
//!
//! A network loaded from a feed holds its records in memory. A network opened from a graph file
//! of millions of places and links leaves them in the file's mapping and decodes a record the
//! first time it is asked for, keeping it for the next time: a route that touches a few hundred
//! records decodes those, not the 5.6 million of the 2 M-node grid (2.2 s and 1.5 GB when the
//! whole table was decoded at opening). Iterating a stored table decodes every record; code on
//! the query path asks for records by index instead. A scenario that edits a few stored records
//! keeps its edited copies beside the file's (the rest stay in the mapping).

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

/// Records kept in a file, decoded one at a time.
pub trait StoredRows<T>: Send + Sync {
    /// How many records are stored.
    fn len(&self) -> usize;

    /// True when no record is stored.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Decodes record `i` (`i < len()`). The file was checked when it was opened (every record
    /// decoded once, or the check remembered for these exact bytes), so an error here means
    /// that the file changed under the mapping; the message says what failed.
    fn row(&self, i: usize) -> Result<T, String>;

    /// Decodes record `i` as part of a pass over every record ([`Table::try_for_each_uncached`]):
    /// the same record, read the way that suits a pass (a mapped file's pages in order).
    fn row_in_pass(&self, i: usize) -> Result<T, String> {
        self.row(i)
    }

    /// The index of the record whose id is `id`, from an index stored beside the records;
    /// `None` when no record has it or no index is stored (see [`StoredRows::has_id_index`]).
    fn find_id(&self, id: &str) -> Option<usize> {
        let _ = id;
        None
    }

    /// Whether [`StoredRows::find_id`] answers from a stored index.
    fn has_id_index(&self) -> bool {
        false
    }
}

/// Records kept in a file and those decoded so far (shared by the table's clones).
struct Stored<T> {
    rows: Arc<dyn StoredRows<T>>,
    decoded: Arc<elsa::sync::FrozenMap<u32, Box<T>>>,
}

impl<T> Clone for Stored<T> {
    fn clone(&self) -> Self {
        Stored {
            rows: self.rows.clone(),
            decoded: self.decoded.clone(),
        }
    }
}

/// A table of records indexed from 0: the stored records first (if any), then those held in
/// memory (all of them for a network loaded from a feed; those a scenario added for one opened
/// from a graph file).
pub struct Table<T> {
    stored: Option<Stored<T>>,
    /// Stored records edited ([`Table::get_mut`]), which replace the file's.
    edited: BTreeMap<u32, T>,
    rows: Vec<T>,
}

impl<T> Table<T> {
    /// An empty table.
    pub fn new() -> Table<T> {
        Table {
            stored: None,
            edited: BTreeMap::new(),
            rows: Vec::new(),
        }
    }

    /// A table of records kept in a file.
    pub fn stored(rows: Arc<dyn StoredRows<T>>) -> Table<T> {
        Table {
            stored: Some(Stored {
                rows,
                decoded: Arc::new(elsa::sync::FrozenMap::new()),
            }),
            edited: BTreeMap::new(),
            rows: Vec::new(),
        }
    }

    fn stored_len(&self) -> usize {
        self.stored.as_ref().map_or(0, |s| s.rows.len())
    }

    /// The number of records.
    pub fn len(&self) -> usize {
        self.stored_len() + self.rows.len()
    }

    /// True when the table has no record.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether some records are still in a file (iterating then decodes them all).
    pub fn is_stored(&self) -> bool {
        self.stored.is_some()
    }

    /// Record `i`, or `None` past the end.
    ///
    /// # Panics
    /// When a stored record cannot be decoded: the file changed while it was mapped, which the
    /// graph file's documentation forbids (replace a file by renaming a new one over it).
    pub fn get(&self, i: usize) -> Option<&T> {
        let n = self.stored_len();
        if i >= n {
            return self.rows.get(i - n);
        }
        let stored = self.stored.as_ref()?;
        let key = i as u32;
        if let Some(row) = self.edited.get(&key) {
            return Some(row);
        }
        if let Some(row) = stored.decoded.get(&key) {
            return Some(row);
        }
        let row = stored
            .rows
            .row(i)
            .unwrap_or_else(|e| panic!("a graph file changed while it was open: {e}"));
        Some(stored.decoded.insert(key, Box::new(row)))
    }

    /// The first record.
    pub fn first(&self) -> Option<&T> {
        self.get(0)
    }

    /// The last record.
    pub fn last(&self) -> Option<&T> {
        self.len().checked_sub(1).and_then(|i| self.get(i))
    }

    /// The records in order (decoding the stored ones that were not yet).
    pub fn iter(&self) -> Iter<'_, T> {
        Iter {
            table: self,
            at: 0,
            end: self.len(),
        }
    }

    /// Calls `f` on every record in order, stopping at its first error or at a stored record
    /// that cannot be decoded (its error). Stored records that were not decoded yet are
    /// decoded for the call and dropped, not kept: a check of every record of a big file
    /// leaves the table as small as it found it.
    pub fn try_for_each_uncached(
        &self,
        mut f: impl FnMut(usize, &T) -> Result<(), String>,
    ) -> Result<(), String> {
        let n = self.stored_len();
        if let Some(stored) = &self.stored {
            for i in 0..n {
                let key = i as u32;
                match self.edited.get(&key).or_else(|| stored.decoded.get(&key)) {
                    Some(row) => f(i, row)?,
                    None => f(i, &stored.rows.row_in_pass(i)?)?,
                }
            }
        }
        for (k, row) in self.rows.iter().enumerate() {
            f(n + k, row)?;
        }
        Ok(())
    }

    /// The index of the stored record with id `id`, from the file's index; `None` when the
    /// table is not stored, has no index or no such record. (The index is the file's: a record
    /// edited to another id is still found under its stored one.)
    pub fn find_stored_id(&self, id: &str) -> Option<usize> {
        self.stored.as_ref().and_then(|s| s.rows.find_id(id))
    }

    /// The index of the last record whose id (`id_of`) is `id`: among the records held in
    /// memory, then through the stored records' id index, else (no index) by decoding every
    /// stored record.
    pub fn position_of_id(&self, id: &str, id_of: impl Fn(&T) -> &str) -> Option<usize> {
        let n = self.stored_len();
        if let Some(k) = self.rows.iter().rposition(|r| id_of(r) == id) {
            return Some(n + k);
        }
        if self.has_stored_id_index() {
            // An edited record may have left its stored id or taken another one.
            if let Some((&k, _)) = self.edited.iter().rev().find(|(_, r)| id_of(r) == id) {
                return Some(k as usize);
            }
            return self
                .find_stored_id(id)
                .filter(|&i| self.get(i).is_some_and(|r| id_of(r) == id));
        }
        (0..n)
            .rev()
            .find(|&i| self.get(i).is_some_and(|r| id_of(r) == id))
    }

    /// Whether the stored records have an id index ([`Table::find_stored_id`]).
    pub fn has_stored_id_index(&self) -> bool {
        self.stored.as_ref().is_some_and(|s| s.rows.has_id_index())
    }

    /// The number of stored records (0 for a table held in memory): records from this index
    /// on are held in memory.
    pub fn stored_count(&self) -> usize {
        self.stored_len()
    }

    /// The records held in memory, every one: a stored table is decoded whole first (scenarios
    /// that edit records do this; a query never does).
    pub fn to_mut(&mut self) -> &mut Vec<T>
    where
        T: Clone,
    {
        if let Some(stored) = self.stored.take() {
            let n = stored.rows.len();
            let mut all = Vec::with_capacity(n + self.rows.len());
            let put_back = Table {
                stored: Some(stored),
                edited: std::mem::take(&mut self.edited),
                rows: Vec::new(),
            };
            all.extend((0..n).map(|i| put_back[i].clone()));
            all.append(&mut self.rows);
            self.rows = all;
        }
        &mut self.rows
    }

    /// Record `i`, to edit, or `None` past the end. A stored record is decoded alone and its
    /// edited copy replaces it for this table (its clones made before keep the file's); the
    /// other stored records stay in the file.
    pub fn get_mut(&mut self, i: usize) -> Option<&mut T>
    where
        T: Clone,
    {
        let n = self.stored_len();
        if i >= n {
            return self.rows.get_mut(i - n);
        }
        let key = i as u32;
        if !self.edited.contains_key(&key) {
            let row = self.get(i)?.clone();
            self.edited.insert(key, row);
        }
        self.edited.get_mut(&key)
    }

    /// The indices of the records in which this table differs from `base`, in order, when it
    /// has `base`'s length; `None` otherwise. Two tables of the same file compare only the
    /// records edited or held in memory (the file's records are the same); other tables compare
    /// every record.
    pub fn differing(&self, base: &Table<T>) -> Option<Vec<usize>>
    where
        T: PartialEq,
    {
        if self.len() != base.len() {
            return None;
        }
        let same_file = match (&self.stored, &base.stored) {
            (Some(a), Some(b)) => Arc::ptr_eq(&a.rows, &b.rows),
            _ => false,
        };
        if !same_file {
            let pairs = self.iter().zip(base.iter()).enumerate();
            return Some(pairs.filter(|(_, (a, b))| a != b).map(|(i, _)| i).collect());
        }
        let n = self.stored_len();
        let mut candidates: Vec<usize> = self
            .edited
            .keys()
            .chain(base.edited.keys())
            .map(|&k| k as usize)
            .chain(n..self.len())
            .collect();
        candidates.sort_unstable();
        candidates.dedup();
        candidates.retain(|&i| self.get(i) != base.get(i));
        Some(candidates)
    }

    /// The number of stored records edited in memory ([`Table::get_mut`]).
    pub fn edited_count(&self) -> usize {
        self.edited.len()
    }

    /// The records, to edit (a stored table is decoded whole first, see [`Table::to_mut`]).
    pub fn iter_mut(&mut self) -> std::slice::IterMut<'_, T>
    where
        T: Clone,
    {
        self.to_mut().iter_mut()
    }

    /// Appends a record and returns its index.
    pub fn push(&mut self, row: T) -> usize {
        self.rows.push(row);
        self.len() - 1
    }

    /// The records as a vector (decoding a stored table whole).
    pub fn into_vec(mut self) -> Vec<T>
    where
        T: Clone,
    {
        self.to_mut();
        self.rows
    }

    /// The records as a slice, when all are held in memory (`None` for a stored table).
    pub fn as_slice(&self) -> Option<&[T]> {
        self.stored.is_none().then_some(self.rows.as_slice())
    }
}

impl<T> Default for Table<T> {
    fn default() -> Self {
        Table::new()
    }
}

impl<T: Clone> Clone for Table<T> {
    fn clone(&self) -> Self {
        Table {
            stored: self.stored.clone(),
            edited: self.edited.clone(),
            rows: self.rows.clone(),
        }
    }
}

impl<T> From<Vec<T>> for Table<T> {
    fn from(rows: Vec<T>) -> Table<T> {
        Table {
            stored: None,
            edited: BTreeMap::new(),
            rows,
        }
    }
}

impl<T> FromIterator<T> for Table<T> {
    fn from_iter<I: IntoIterator<Item = T>>(iter: I) -> Table<T> {
        Table::from(iter.into_iter().collect::<Vec<T>>())
    }
}

impl<T> std::ops::Index<usize> for Table<T> {
    type Output = T;

    fn index(&self, i: usize) -> &T {
        let len = self.len();
        self.get(i)
            .unwrap_or_else(|| panic!("index {i} out of a table of {len} records"))
    }
}

impl<T: Clone> std::ops::IndexMut<usize> for Table<T> {
    fn index_mut(&mut self, i: usize) -> &mut T {
        let len = self.len();
        self.get_mut(i)
            .unwrap_or_else(|| panic!("index {i} out of a table of {len} records"))
    }
}

/// The records of a [`Table`] in order.
pub struct Iter<'a, T> {
    table: &'a Table<T>,
    at: usize,
    end: usize,
}

impl<'a, T> Iterator for Iter<'a, T> {
    type Item = &'a T;

    fn next(&mut self) -> Option<&'a T> {
        if self.at >= self.end {
            return None;
        }
        let row = self.table.get(self.at);
        self.at += 1;
        row
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = self.end - self.at;
        (n, Some(n))
    }

    fn nth(&mut self, n: usize) -> Option<&'a T> {
        self.at = self.at.saturating_add(n).min(self.end);
        self.next()
    }
}

impl<T> DoubleEndedIterator for Iter<'_, T> {
    fn next_back(&mut self) -> Option<Self::Item> {
        if self.at >= self.end {
            return None;
        }
        self.end -= 1;
        self.table.get(self.end)
    }
}

impl<T> ExactSizeIterator for Iter<'_, T> {}

impl<'a, T> IntoIterator for &'a Table<T> {
    type Item = &'a T;
    type IntoIter = Iter<'a, T>;

    fn into_iter(self) -> Iter<'a, T> {
        self.iter()
    }
}

impl<T: fmt::Debug> fmt::Debug for Table<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.stored {
            None => self.rows.fmt(f),
            Some(s) => write!(
                f,
                "Table({} stored records, {} decoded, {} edited, {} in memory)",
                s.rows.len(),
                s.decoded.len(),
                self.edited.len(),
                self.rows.len()
            ),
        }
    }
}

impl<T: Serialize> Serialize for Table<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.iter())
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Table<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Table<T>, D::Error> {
        Vec::<T>::deserialize(d).map(Table::from)
    }
}

impl<T: PartialEq> PartialEq for Table<T> {
    fn eq(&self, other: &Table<T>) -> bool {
        self.len() == other.len() && self.iter().zip(other.iter()).all(|(a, b)| a == b)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// Squares, counting the decodings.
    struct Squares {
        n: usize,
        decoded: AtomicUsize,
    }

    impl StoredRows<u64> for Squares {
        fn len(&self) -> usize {
            self.n
        }
        fn row(&self, i: usize) -> Result<u64, String> {
            self.decoded.fetch_add(1, Ordering::Relaxed);
            Ok((i * i) as u64)
        }
    }

    #[test]
    fn a_stored_table_decodes_a_record_once_when_asked_and_takes_records_after_it() {
        let squares = Arc::new(Squares {
            n: 1000,
            decoded: AtomicUsize::new(0),
        });
        let mut table = Table::stored(squares.clone());
        assert_eq!(table.len(), 1000);
        assert_eq!(table[30], 900);
        assert_eq!(table[30], 900);
        assert_eq!(table.get(999), Some(&998_001));
        assert_eq!(table.get(1000), None);
        assert_eq!(squares.decoded.load(Ordering::Relaxed), 2);
        // A clone shares what was decoded.
        let copy = table.clone();
        assert_eq!(copy[30], 900);
        assert_eq!(squares.decoded.load(Ordering::Relaxed), 2);
        // Records added go after the stored ones, without decoding them.
        assert_eq!(table.push(7), 1000);
        assert_eq!(table[1000], 7);
        assert_eq!(squares.decoded.load(Ordering::Relaxed), 2);
        assert_eq!(table.iter().next_back(), Some(&7));
        // Editing a stored record decodes it alone; the clone made before keeps the file's.
        table[1] = 5;
        assert!(table.is_stored());
        assert_eq!(table.edited_count(), 1);
        assert_eq!(squares.decoded.load(Ordering::Relaxed), 3);
        assert_eq!(table.len(), 1001);
        assert_eq!(table.iter().take(3).copied().collect::<Vec<_>>(), [0, 5, 4]);
        assert_eq!(table[1000], 7);
        assert_eq!(copy.len(), 1000);
        assert_eq!(copy[1], 1);
        // A pass over every record sees the edit; so does the whole table decoded into memory.
        let mut seen = Vec::new();
        table
            .try_for_each_uncached(|i, &r| {
                if i < 3 {
                    seen.push(r);
                }
                Ok(())
            })
            .unwrap();
        assert_eq!(seen, [0, 5, 4]);
        let mut whole = table.clone();
        whole.to_mut();
        assert!(!whole.is_stored());
        assert!(whole == table);
        assert_eq!(whole[1], 5);
        // What differs from the table it was copied from: the edited record alone; from a
        // table of another file (here with the same records), every record that differs.
        assert_eq!(table.differing(&table.clone()), Some(vec![]));
        let mut before = table.clone();
        before[1] = 1;
        assert_eq!(table.differing(&before), Some(vec![1]));
        let another_file = Arc::new(Squares {
            n: 1000,
            decoded: AtomicUsize::new(0),
        });
        let mut other = Table::stored(another_file);
        other.push(7);
        assert_eq!(table.differing(&other), Some(vec![1]));
        assert_eq!(copy.differing(&other), None, "another length");
        // Found by id: without an index, by decoding; the later record wins.
        assert_eq!(copy.position_of_id("900", |_| "x"), None);
        fn ids(r: &u64) -> &str {
            if *r == 900 || *r == 5 {
                "dup"
            } else {
                "other"
            }
        }
        assert_eq!(copy.position_of_id("dup", ids), Some(30));
        assert_eq!(table.position_of_id("dup", ids), Some(30));
        table.push(900);
        assert_eq!(table.position_of_id("dup", ids), Some(1001));
        let json = serde_json::to_string(&copy).unwrap();
        let back: Table<u64> = serde_json::from_str(&json).unwrap();
        assert!(back == copy);
    }
}
