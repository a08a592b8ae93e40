//! The network's places and links and the graph's nodes in a graph file: one postcard record
//! after another, an offset per record, and for places and links their numbers sorted by id. A
//! reader decodes a record when it is first asked for ([`silkroute_model::Table`]).
//!
//! A record is read with `pread` (its two offsets, then its bytes), not through the mapping:
//! the kernel maps a file's pages into a process a whole page-cache folio at a time (up to
//! 2 MB on the 6.18 kernel measured), so a route reading a few thousand records scattered over
//! the file, or a binary search over the id index, made tens of megabytes resident per
//! section (`bench/open_route.sh` and docs/big-networks.md). Reading copies a record's bytes
//! from the page cache instead, which stays shared and is not the process's memory. The mapped
//! arrays serve the check of every offset when the file is checked.

use crate::array::Array;
use serde::de::DeserializeOwned;
use silkroute_model::{Source, SourceTable, StoredRows};
use std::marker::PhantomData;
use std::sync::Arc;

/// Records of type `T` in a graph file.
pub(crate) struct FileRows<T> {
    /// The open file, to read single records from.
    file: Arc<std::fs::File>,
    /// The records, one after another.
    bytes: Array<u8>,
    /// Record `i` is `bytes[at[i]..at[i + 1]]`.
    at: Array<u64>,
    /// The file's sources, which records cite by number.
    sources: Arc<[Source]>,
    /// Record numbers sorted by id (places and links).
    by_id: Option<Array<u32>>,
    record: PhantomData<fn() -> T>,
}

impl<T> FileRows<T> {
    /// The records of `bytes` at offsets `at`, citing `sources`, with their numbers sorted by
    /// id (`by_id`) when stored. Only what costs no pass over the arrays is checked here (the
    /// first and last offsets, the index's length); [`FileRows::check`] checks every offset
    /// and index entry when the file is checked, and a record whose offsets do not fit reads
    /// as no bytes, an error of its decoding, never a panic.
    pub(crate) fn new(
        file: Arc<std::fs::File>,
        bytes: Array<u8>,
        at: Array<u64>,
        sources: Arc<[Source]>,
        by_id: Option<Array<u32>>,
    ) -> Result<FileRows<T>, String> {
        if at.first() != Some(&0) || at.last() != Some(&(bytes.len() as u64)) {
            return Err("the record offsets do not fit the records".into());
        }
        if by_id.as_ref().is_some_and(|ids| ids.len() != at.len() - 1) {
            return Err("the id index does not fit the records".into());
        }
        let mapped = |o: Option<u64>| o.ok_or("the records are not in a mapped file");
        mapped(bytes.file_offset())?;
        mapped(at.file_offset())?;
        if let Some(ids) = &by_id {
            mapped(ids.file_offset())?;
        }
        Ok(FileRows {
            file,
            bytes,
            at,
            sources,
            by_id,
            record: PhantomData,
        })
    }

    /// Every offset is in order and every entry of the id index names a record (a pass over
    /// both arrays, when the file is checked).
    pub(crate) fn check(&self) -> Result<(), String> {
        if self.at.windows(2).any(|w| w[0] > w[1]) {
            return Err("the record offsets do not fit the records".into());
        }
        let n = self.at.len() - 1;
        if let Some(by_id) = &self.by_id {
            if by_id.iter().any(|&i| i as usize >= n) {
                return Err("the id index does not fit the records".into());
            }
        }
        Ok(())
    }

    /// Reads `buf.len()` bytes at `offset` bytes into `array` (a mapped array of this file).
    fn read<A: bytemuck::Pod>(&self, array: &Array<A>, offset: u64, buf: &mut [u8]) -> bool {
        let end = std::mem::size_of_val::<[A]>(array) as u64;
        if offset + buf.len() as u64 > end {
            return false;
        }
        #[cfg(unix)]
        {
            use std::os::unix::fs::FileExt;
            let start = array.file_offset().unwrap_or(0);
            self.file.read_exact_at(buf, start + offset).is_ok()
        }
        #[cfg(not(unix))]
        {
            // Elsewhere through the mapping (the RSS figures were measured on Linux).
            let bytes: &[u8] = bytemuck::cast_slice(array);
            buf.copy_from_slice(&bytes[offset as usize..offset as usize + buf.len()]);
            true
        }
    }

    /// Record `i`'s bytes; none when its offsets do not fit or cannot be read (a file not
    /// checked, or changed since).
    fn record_bytes(&self, i: usize) -> Vec<u8> {
        let mut ends = [0u8; 16];
        if !self.read(&self.at, 8 * i as u64, &mut ends) {
            return Vec::new();
        }
        let a = u64::from_le_bytes(ends[..8].try_into().expect("8 bytes"));
        let b = u64::from_le_bytes(ends[8..].try_into().expect("8 bytes"));
        let mut record = vec![0u8; b.saturating_sub(a).min(1 << 30) as usize];
        if b < a || !self.read(&self.bytes, a, &mut record) {
            return Vec::new();
        }
        record
    }

    /// Entry `k` of the id index.
    fn by_id(&self, k: usize) -> Option<usize> {
        let ids = self.by_id.as_ref()?;
        let mut entry = [0u8; 4];
        self.read(ids, 4 * k as u64, &mut entry)
            .then(|| u32::from_le_bytes(entry) as usize)
    }
}

impl<T: DeserializeOwned> FileRows<T> {
    /// Decodes record `i`.
    pub(crate) fn decode(&self, i: usize) -> Result<T, String> {
        let bytes = self.record_bytes(i);
        self.decode_bytes(i, &bytes)
    }

    /// Decodes record `i` from the mapping: the check of every record, which reads every page
    /// anyway (a `pread` per record took 10 s for the 7.6 million records of the 2 M grid).
    pub(crate) fn decode_mapped(&self, i: usize) -> Result<T, String> {
        let bytes = match (self.at.get(i), self.at.get(i + 1)) {
            (Some(&a), Some(&b)) => self.bytes.get(a as usize..b as usize).unwrap_or(&[]),
            _ => &[],
        };
        self.decode_bytes(i, bytes)
    }

    fn decode_bytes(&self, i: usize, bytes: &[u8]) -> Result<T, String> {
        SourceTable::read_shared(self.sources.clone(), || postcard::from_bytes(bytes))
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

    fn row_in_pass(&self, i: usize) -> Result<T, String> {
        self.decode_mapped(i)
    }

    fn find_id(&self, id: &str) -> Option<usize> {
        let n = self.by_id.as_ref()?.len();
        // Past the last record whose id is not above `id`: the last of those with this id
        // (the later wins, as in `Network::place_id`).
        let (mut lo, mut hi) = (0, n);
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            match self.by_id(mid) {
                Some(i) if self.id_of(i).as_str() <= id => lo = mid + 1,
                _ => hi = mid,
            }
        }
        let last = self.by_id(lo.checked_sub(1)?)?;
        (last < self.at.len() - 1 && self.id_of(last) == id).then_some(last)
    }

    fn has_id_index(&self) -> bool {
        self.by_id.is_some()
    }
}

impl<T> FileRows<T> {
    /// Record `i`'s id, read without decoding the record: places and links (the records kept
    /// this way with an id index) start with their id, a postcard string; "" if the bytes are
    /// not one.
    fn id_of(&self, i: usize) -> String {
        leading_str(&self.record_bytes(i)).unwrap_or("").to_owned()
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

/// Record numbers of `rows` sorted by id (`id_of`; stable: of equal ids, the earlier first).
pub(crate) fn sorted_by_id<T>(
    rows: &silkroute_model::Table<T>,
    id_of: impl Fn(&T) -> &String,
) -> Vec<u32> {
    let mut order: Vec<u32> = (0..rows.len() as u32).collect();
    order.sort_by(|&a, &b| id_of(&rows[a as usize]).cmp(id_of(&rows[b as usize])));
    order
}
