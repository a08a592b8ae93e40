//! The network's places and links in a graph file: one postcard record after another, an
//! offset per record, and for places their numbers sorted by id. A reader decodes a record when
//! it is first asked for ([`silkroute_model::Table`]).

use crate::array::Array;
use serde::de::DeserializeOwned;
use silkroute_model::{Place, Source, SourceTable, StoredRows};
use std::marker::PhantomData;
use std::sync::Arc;

/// Records of type `T` viewed in a mapped graph file.
pub(crate) struct FileRows<T> {
    /// The records, one after another.
    bytes: Array<u8>,
    /// Record `i` is `bytes[at[i]..at[i + 1]]`.
    at: Array<u64>,
    /// The file's sources, which records cite by number.
    sources: Arc<[Source]>,
    /// Record numbers sorted by id (places only).
    by_id: Option<Array<u32>>,
    record: PhantomData<fn() -> T>,
}

impl<T> FileRows<T> {
    /// The records of `bytes` at offsets `at`, citing `sources`. The offsets are checked
    /// (they start at 0, never fall and end at the section's end): a record's bounds are
    /// always in the section.
    pub(crate) fn new(
        bytes: Array<u8>,
        at: Array<u64>,
        sources: Arc<[Source]>,
        by_id: Option<Array<u32>>,
    ) -> Result<FileRows<T>, String> {
        let fits = at.first() == Some(&0)
            && at.last() == Some(&(bytes.len() as u64))
            && at.windows(2).all(|w| w[0] <= w[1]);
        if !fits {
            return Err("the record offsets do not fit the records".into());
        }
        let n = at.len() - 1;
        if let Some(by_id) = &by_id {
            if by_id.len() != n || by_id.iter().any(|&i| i as usize >= n) {
                return Err("the id index does not fit the records".into());
            }
        }
        Ok(FileRows {
            bytes,
            at,
            sources,
            by_id,
            record: PhantomData,
        })
    }

    fn record_bytes(&self, i: usize) -> &[u8] {
        &self.bytes[self.at[i] as usize..self.at[i + 1] as usize]
    }
}

impl<T: DeserializeOwned> FileRows<T> {
    /// Decodes record `i`.
    pub(crate) fn decode(&self, i: usize) -> Result<T, String> {
        SourceTable::read_shared(self.sources.clone(), || {
            postcard::from_bytes(self.record_bytes(i))
        })
        .map_err(|e| format!("record {i} cannot be decoded ({e})"))
    }
}

impl<T: DeserializeOwned> StoredRows<T> for FileRows<T> {
    fn len(&self) -> usize {
        self.at.len() - 1
    }

    fn row(&self, i: usize) -> Result<T, String> {
        self.decode(i)
    }

    fn find_id(&self, id: &str) -> Option<usize> {
        let by_id = self.by_id.as_ref()?;
        // Past the last record whose id is not above `id`: the last of those with this id
        // (the later wins, as in `Network::place_id`).
        let upper = by_id.partition_point(|&i| self.id_of(i as usize) <= id);
        let last = *by_id.get(upper.checked_sub(1)?)? as usize;
        (self.id_of(last) == id).then_some(last)
    }

    fn has_id_index(&self) -> bool {
        self.by_id.is_some()
    }
}

impl<T> FileRows<T> {
    /// Record `i`'s id, read without decoding the record: places and links (the records kept
    /// this way) start with their id, a postcard string; "" if the bytes are not one.
    fn id_of(&self, i: usize) -> &str {
        leading_str(self.record_bytes(i)).unwrap_or("")
    }
}

/// The postcard string at the start of `bytes`.
fn leading_str(bytes: &[u8]) -> Option<&str> {
    let mut len = 0usize;
    for (k, &b) in bytes.iter().enumerate().take(5) {
        len |= ((b & 0x7f) as usize) << (7 * k);
        if b & 0x80 == 0 {
            let text = bytes.get(k + 1..k + 1 + len)?;
            return std::str::from_utf8(text).ok();
        }
    }
    None
}

/// Record numbers of `places` sorted by id (stable: of equal ids, the earlier first).
pub(crate) fn sorted_by_id(places: &silkroute_model::Table<Place>) -> Vec<u32> {
    let mut order: Vec<u32> = (0..places.len() as u32).collect();
    order.sort_by(|&a, &b| places[a as usize].id.cmp(&places[b as usize].id));
    order
}
