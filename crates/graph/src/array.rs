//! Arrays of plain numbers that live either in memory or in a memory-mapped graph file.
//!
//! The big arrays of a compiled network (the edges and their offsets, each place's nodes, the
//! contraction hierarchies' search graphs) are stored in the graph file exactly as they sit in
//! memory: little-endian, aligned.
//! Opening a file maps it and views those arrays in place ([`Array::mapped`]), so opening costs
//! no decoding and no copy, and two processes that open one file share its pages in the page
//! cache.

use bytemuck::Pod;
use memmap2::{Mmap, MmapMut, MmapOptions};
use std::fmt;
use std::ops::Deref;
use std::sync::Arc;

/// A read-only graph file mapped into memory.
///
/// Graph files are written to a temporary file and renamed over the old one
/// ([`write_graph_file`](crate::write_graph_file)), so a file that silkroute rewrites is a new
/// file: a mapping of the old one keeps seeing the old bytes.
#[derive(Clone)]
pub struct MappedFile(Arc<Mmap>, Arc<std::fs::File>);

impl MappedFile {
    /// Maps `file` read-only.
    pub fn map(file: &std::fs::File) -> std::io::Result<MappedFile> {
        // SAFETY: the mapping is read-only and its bytes are only ever viewed as byte slices
        // or, through bytemuck, as slices of plain integers (any bit pattern is valid, so a
        // changed byte gives a wrong number, never undefined behaviour). What memmap2 cannot
        // rule out is another program truncating the file while it is mapped (a SIGBUS on
        // reading past the new end); silkroute never truncates a graph file in place (it
        // writes a new file and renames it), which is the usual contract of mapped data files
        // (OSRM, Valhalla, RoutingKit readers).
        #[allow(unsafe_code)]
        let map = unsafe { Mmap::map(file)? };
        Ok(MappedFile(Arc::new(map), Arc::new(file.try_clone()?)))
    }

    /// A private, copy-on-write mapping of bytes `start..start + len` (`len` > 0), with where
    /// they begin in it: pages are read from the file until written, and a written page is
    /// the process's own copy (the file never changes).
    fn private_copy(&self, start: usize, len: usize) -> std::io::Result<(MmapMut, usize)> {
        // Offsets must be a multiple of the page size (of 64 KiB on Windows).
        let skip = start % (1 << 16);
        // SAFETY: as for `map`: a private mapping of a file silkroute never truncates in
        // place; its bytes are only viewed as plain integers, and writes go to private pages.
        #[allow(unsafe_code)]
        let map = unsafe {
            MmapOptions::new()
                .offset((start - skip) as u64)
                .len(skip + len)
                .map_copy(&*self.1)?
        };
        Ok((map, skip))
    }

    /// The file's bytes.
    pub(crate) fn bytes(&self) -> &[u8] {
        &self.0
    }
}

impl fmt::Debug for MappedFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "MappedFile({} bytes)", self.0.len())
    }
}

/// A slice of plain numbers (or `#[repr(C)]` records of them), owned or viewed in a mapped
/// graph file. Dereferences to `&[T]`.
#[derive(Clone)]
pub(crate) struct Array<T: Pod> {
    inner: Inner<T>,
}

enum Inner<T> {
    Owned(Vec<T>),
    Mapped {
        file: MappedFile,
        start: usize,
        len: usize,
    },
    /// A mapped array changed in place: its own copy of the pages written.
    Private {
        map: MmapMut,
        skip: usize,
        len: usize,
    },
}

impl<T: Pod> Clone for Inner<T> {
    fn clone(&self) -> Self {
        match self {
            Inner::Owned(v) => Inner::Owned(v.clone()),
            Inner::Mapped { file, start, len } => Inner::Mapped {
                file: file.clone(),
                start: *start,
                len: *len,
            },
            Inner::Private { map, skip, len } => {
                let bytes = &map[*skip..*skip + len * std::mem::size_of::<T>()];
                Inner::Owned(bytemuck::cast_slice(bytes).to_vec())
            }
        }
    }
}

/// Why bytes of a graph file cannot be viewed as an array.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum ArrayError {
    /// The range lies outside the file.
    #[error("bytes {start}..{end} lie outside the file ({file_len} bytes)")]
    OutOfFile {
        /// First byte.
        start: usize,
        /// One past the last byte.
        end: usize,
        /// File length.
        file_len: usize,
    },
    /// The range does not start at a multiple of the element's alignment, or its length is not
    /// a whole number of elements.
    #[error("bytes {start}..{end} are not an aligned array of {size}-byte elements")]
    Misaligned {
        /// First byte.
        start: usize,
        /// One past the last byte.
        end: usize,
        /// Element size in bytes.
        size: usize,
    },
}

impl<T: Pod> Array<T> {
    /// Views bytes `start..start + byte_len` of `file` as an array of `T`.
    pub fn mapped(
        file: &MappedFile,
        start: usize,
        byte_len: usize,
    ) -> Result<Array<T>, ArrayError> {
        let end = start.saturating_add(byte_len);
        let Some(bytes) = file.bytes().get(start..end) else {
            return Err(ArrayError::OutOfFile {
                start,
                end,
                file_len: file.bytes().len(),
            });
        };
        let size = std::mem::size_of::<T>();
        let slice: &[T] = bytemuck::try_cast_slice(bytes).map_err(|_| ArrayError::Misaligned {
            start,
            end,
            size,
        })?;
        Ok(Array {
            inner: Inner::Mapped {
                file: file.clone(),
                start,
                len: slice.len(),
            },
        })
    }

    /// The array to change. A mapped one becomes a private copy-on-write mapping of its
    /// bytes (only the pages written are copied; a copy in memory if the mapping fails).
    pub(crate) fn make_mut(&mut self) -> &mut [T] {
        if let Inner::Mapped { file, start, len } = &self.inner {
            let bytes = len * std::mem::size_of::<T>();
            self.inner = match file.private_copy(*start, bytes) {
                Ok((map, skip)) if bytes > 0 => Inner::Private {
                    map,
                    skip,
                    len: *len,
                },
                _ => Inner::Owned(self.to_vec()),
            };
        }
        match &mut self.inner {
            Inner::Owned(v) => v,
            Inner::Private { map, skip, len } => {
                bytemuck::cast_slice_mut(&mut map[*skip..*skip + *len * std::mem::size_of::<T>()])
            }
            Inner::Mapped { .. } => unreachable!("made private above"),
        }
    }

    /// Where the array starts in its mapped file (`None` when it is owned).
    pub(crate) fn file_offset(&self) -> Option<u64> {
        match &self.inner {
            Inner::Owned(_) | Inner::Private { .. } => None,
            Inner::Mapped { start, .. } => Some(*start as u64),
        }
    }

    /// True when the array is a view into a mapped file.
    pub(crate) fn is_mapped(&self) -> bool {
        matches!(self.inner, Inner::Mapped { .. })
    }

    /// The array's bytes, as stored in a graph file.
    pub(crate) fn as_bytes(&self) -> &[u8] {
        bytemuck::cast_slice(self)
    }
}

impl<T: Pod> Deref for Array<T> {
    type Target = [T];
    fn deref(&self) -> &[T] {
        match &self.inner {
            Inner::Owned(v) => v,
            Inner::Mapped { file, start, len } => {
                let end = start + len * std::mem::size_of::<T>();
                // `Array::mapped` checked range and alignment; the mapping never moves.
                bytemuck::cast_slice(&file.bytes()[*start..end])
            }
            Inner::Private { map, skip, len } => {
                // Aligned as in the file: the mapping starts on a page.
                bytemuck::cast_slice(&map[*skip..*skip + len * std::mem::size_of::<T>()])
            }
        }
    }
}

impl<T: Pod> From<Vec<T>> for Array<T> {
    fn from(v: Vec<T>) -> Array<T> {
        Array {
            inner: Inner::Owned(v),
        }
    }
}

impl<T: Pod> Default for Array<T> {
    fn default() -> Array<T> {
        Vec::new().into()
    }
}

impl<T: Pod + fmt::Debug> fmt::Debug for Array<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl<T: Pod + PartialEq> PartialEq for Array<T> {
    fn eq(&self, other: &Array<T>) -> bool {
        **self == **other
    }
}
