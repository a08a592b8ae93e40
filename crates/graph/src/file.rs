//! The compiled graph file: a network, its routing graph and its contraction hierarchies in
//! one file that opens without parsing CSV or contracting again.
//!
//! Layout (format version [`FORMAT_VERSION`], all integers little-endian):
//!
//! | bytes | content |
//! |---|---|
//! | 0..8 | magic `SILKGRPH` |
//! | 8..12 | format version |
//! | 12..16 | number of sections |
//! | 16..24 | file length in bytes |
//! | 24..40 | version of silkroute that wrote it, UTF-8, zero-padded |
//! | 40..44 | CRC-32 of the section table |
//! | 44..48 | zero |
//! | 48.. | section table, 40 bytes a section: name (16 bytes, zero-padded), offset (u64), length (u64), CRC-32 (u32), zero (u32) |
//! | … | the sections, each at a multiple of 64 bytes |
//!
//! Sections: `network`, `sources` and `nodes` (the network's tables with each source as its
//! number in `sources`, the distinct sources, and the graph's nodes, in
//! [postcard](https://postcard.jamesmunns.com/wire-format); a version 8 file has no `sources`
//! and holds the sources as text in `network`), `edges` (96-byte
//! [`Edge`](crate::Edge)s), `first_out` (u32), the place → node lists (`place_first`,
//! `place_nodes`, `intl_first`, `intl_nodes`: u32), when the network has closed or planned
//! elements the shape of the graph of every element, open or not (`every.first_out`,
//! `every.head`: u32, `every.kind`: 3 × u32 an edge; a [`Topology`]), and for each prepared
//! metric seven arrays of
//! its hierarchy (`time.rank`, `time.first`: 2 × u32 a rank, `time.search`: 8-byte arcs of
//! rank and weight, each rank's upward then downward ones, `time.search_arc` …: u32), and the
//! nine arrays of the customizable hierarchy when there is one (`cch.rank` …: u32; prepared on
//! the graph, or, when the network has closed or planned elements, on the graph of every
//! element), and after it the customizations made when the file was built, four sections
//! each (`cchm.0.key`: the weights' name and scale in postcard; `cchm.0.up`, `cchm.0.down`:
//! u32 per arc; `cchm.0.edge`: u32 per edge of the hierarchy). The arrays
//! are stored as they sit in memory: reading maps the file ([`MappedFile`]) and views them in
//! place, so several processes opening one file share their pages.
//!
//! Reading checks the magic (a foreign file), the version (a file of an older layout: rebuild),
//! the length (a truncated file), the table's and every section's checksum (a corrupt file,
//! naming the section), then decodes and checks that every reference inside points to
//! something that exists (linear scans), so a bad file gives an error, never a panic or wrong
//! answers.

use crate::array::{Array, MappedFile};
use crate::checked;
use crate::graph::{EdgeFrame, EdgeShape, Graph, Node, NodeLists, Topology};
use crate::hierarchy::{Cch, CchMetric, Hierarchy, Metric, StoredCustomization};
use crate::records::{self, FileRows};
use bytemuck::Pod;
use rayon::prelude::*;
use silkroute_model::{Link, Network, Place, SourceTable, StoredRows, Table};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

// The arrays are written as they sit in memory and read back the same way: the layout is
// little-endian only.
#[cfg(target_endian = "big")]
compile_error!("graph files store their arrays little-endian, as they sit in memory");

/// The first eight bytes of every graph file.
pub const MAGIC: &[u8; 8] = b"SILKGRPH";
/// The layout version this build writes. Versions up to 7 were one bincode payload behind a
/// 40-byte header (the "v2" file); version 8 is the sectioned, memory-mapped file; version 9
/// adds the `sources` section (the network cites its sources by number); version 10 prepares
/// the customizable hierarchy on every element, open or not, when some are closed or planned
/// (so a scenario that opens one re-weights it); version 11 stores the shape of that graph of
/// every element instead of leaving the reader to compile it again; version 12 stores the
/// places and links as records of their own, decoded one at a time when asked for, with the
/// places' numbers sorted by id; version 13 may store customizations of the customizable
/// hierarchy (a version 12 file is read as one without).
pub const FORMAT_VERSION: u32 = 14;
/// The oldest layout version this build reads: 12 (earlier files held the places and links
/// inside the `network` section, decoded whole at every opening).
const OLDEST_READ: u32 = 14;
/// Bytes before the section table.
pub const HEADER_LEN: usize = 48;
const ENTRY_LEN: usize = 40;
const SECTION_ALIGN: usize = 64;
/// More sections than any file has (22 of the network and graph + 3 of every element's shape +
/// 10 per metric + 9 of the customizable hierarchy + 4 per stored customization, of which
/// [`MAX_STORED_CUSTOMIZATIONS`]); a larger count is corruption.
const MAX_SECTIONS: usize = 128;
/// More customizations than a file stores.
pub const MAX_STORED_CUSTOMIZATIONS: usize = 8;
/// The sections of a stored customization, after `cchm.N.`.
const CUSTOMIZATION_SECTIONS: [&str; 4] = ["key", "up", "down", "edge"];

/// A network compiled for routing, as stored in a graph file.
#[derive(Debug, Clone)]
pub struct CompiledNetwork {
    /// The network (places, links … with their sources).
    pub network: Network,
    /// Its routing graph.
    pub graph: Graph,
    /// Contraction hierarchies, one per metric prepared.
    pub hierarchies: Vec<(Metric, Hierarchy)>,
    /// The customizable hierarchy (any weights after a customization), if one was prepared.
    pub customizable: Option<Cch>,
    /// The shape of the graph the customizable hierarchy was prepared on when it is not
    /// `graph`: every element of the network, open or not, when some are closed or planned
    /// ([`compile_for_customizable`](crate::compile_for_customizable)), with where `graph`'s
    /// edges are in it (the frame is not stored: a reader finds the edges again).
    pub customizable_graph: Option<(Topology, EdgeFrame)>,
    /// Customizations of the customizable hierarchy made when the file was built (at most
    /// [`MAX_STORED_CUSTOMIZATIONS`]).
    pub customizations: Vec<StoredCustomization>,
}

impl CompiledNetwork {
    /// The hierarchy for `metric`, if one was prepared.
    pub fn hierarchy(&self, metric: Metric) -> Option<&Hierarchy> {
        crate::hierarchy::find(&self.hierarchies, metric)
    }
}

/// The sections of the network, in file order: its tables but places and links (postcard),
/// the places and links as records (one postcard record after another, each record's offset,
/// the places' numbers sorted by id), the sources records cite, the graph's nodes (records and
/// offsets likewise).
const ENCODED_SECTIONS: [&str; 10] = [
    "network",
    "places",
    "places.at",
    "places.by_id",
    "links",
    "links.at",
    "links.by_id",
    "sources",
    "nodes",
    "nodes.at",
];

/// The section names of the graph's arrays, in file order.
const GRAPH_SECTIONS: [&str; 6] = [
    "edges",
    "first_out",
    "place_first",
    "place_nodes",
    "intl_first",
    "intl_nodes",
];

/// The graph's arrays, with their section names.
fn graph_arrays(g: &Graph) -> [(&'static str, &[u8]); 6] {
    let arrays = [
        g.edges.as_bytes(),
        g.first_out.as_bytes(),
        g.place_nodes.first.as_bytes(),
        g.place_nodes.nodes.as_bytes(),
        g.international_nodes.first.as_bytes(),
        g.international_nodes.nodes.as_bytes(),
    ];
    std::array::from_fn(|i| (GRAPH_SECTIONS[i], arrays[i]))
}

/// The section names of the shape of every element's graph, in file order.
const EVERY_SECTIONS: [&str; 4] = [
    "every.first_out",
    "every.head",
    "every.kind",
    "every.own_of",
];

/// The arrays of a shape and of where the graph's edges are in it, with their section names.
fn topology_arrays<'a>((t, frame): (&'a Topology, &'a EdgeFrame)) -> [(&'static str, &'a [u8]); 4] {
    let arrays = [
        t.first_out.as_bytes(),
        t.heads.as_bytes(),
        t.kind_codes.as_bytes(),
        frame.as_bytes(),
    ];
    std::array::from_fn(|i| (EVERY_SECTIONS[i], arrays[i]))
}

/// The format versions this build reads, in words.
fn readable_versions() -> String {
    if OLDEST_READ == FORMAT_VERSION {
        format!("version {FORMAT_VERSION} only")
    } else {
        format!("versions {OLDEST_READ} to {FORMAT_VERSION}")
    }
}

/// The section names of a hierarchy's arrays (after the metric's name), in file order.
const HIERARCHY_SECTIONS: [&str; 7] = [
    "rank",
    "node_at",
    "first",
    "search",
    "search_arc",
    "arc_first",
    "arc_second",
];

/// The ten arrays of a hierarchy, with their section names (after the metric's name).
fn hierarchy_arrays(h: &Hierarchy) -> [(&'static str, &[u8]); 7] {
    let arrays = [
        h.rank.as_bytes(),
        h.node_at.as_bytes(),
        h.first.as_bytes(),
        h.search.as_bytes(),
        h.search_arc.as_bytes(),
        h.arc_first.as_bytes(),
        h.arc_second.as_bytes(),
    ];
    std::array::from_fn(|i| (HIERARCHY_SECTIONS[i], arrays[i]))
}

/// The section names of the customizable hierarchy's arrays (after `cch.`), in file order.
const CUSTOMIZABLE_SECTIONS: [&str; 9] = [
    "rank",
    "node_at",
    "up_first",
    "up_head",
    "down_first",
    "down_tail",
    "down_arc",
    "edge_arc",
    "arc_edges",
];

/// The arrays of a customizable hierarchy, with their section names (after `cch.`).
fn customizable_arrays(c: &Cch) -> [(&'static str, &[u8]); 9] {
    let arrays = [
        c.rank.as_bytes(),
        c.node_at.as_bytes(),
        c.up_first.as_bytes(),
        c.up_head.as_bytes(),
        c.down_first.as_bytes(),
        c.down_tail.as_bytes(),
        c.down_arc.as_bytes(),
        c.edge_arc.as_bytes(),
        c.arc_edges.as_bytes(),
    ];
    std::array::from_fn(|i| (CUSTOMIZABLE_SECTIONS[i], arrays[i]))
}

/// Why a graph file could not be written or read.
#[derive(Debug, thiserror::Error)]
pub enum GraphFileError {
    /// The file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The error.
        source: std::io::Error,
    },
    /// The file does not start with the magic bytes.
    #[error("{0}: not a silkroute graph file (it does not start with SILKGRPH); build one with `silkroute build FEED -o FILE`")]
    Foreign(PathBuf),
    /// The file was written by a build with another layout.
    #[error("{path}: graph file format version {found}{}, written by silkroute {writer}; this build reads {}; rebuild it with `silkroute build`", if *found < 8 { " (the bincode layout)" } else { "" }, readable_versions())]
    Version {
        /// The file.
        path: PathBuf,
        /// The version in the file.
        found: u32,
        /// The silkroute version that wrote it.
        writer: String,
    },
    /// The file is shorter than its header says.
    #[error("{path}: truncated graph file: {found} bytes, the header announces {expected}")]
    Truncated {
        /// The file.
        path: PathBuf,
        /// Bytes present.
        found: u64,
        /// Bytes announced.
        expected: u64,
    },
    /// A section (or the section table) does not match its checksum.
    #[error("{path}: corrupt graph file: {section} has checksum {found:08x}, the table says {expected:08x}")]
    Checksum {
        /// The file.
        path: PathBuf,
        /// `section <name>`, or `the section table`.
        section: String,
        /// Checksum of the bytes present.
        found: u32,
        /// Checksum recorded.
        expected: u32,
    },
    /// A section could not be decoded, or the parts do not fit together.
    #[error("{path}: corrupt graph file: {reason}")]
    Corrupt {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
}

/// Writes `compiled` to `path` (to a temporary file beside it, then renamed, so an existing
/// file is never left half-written, and a process that has the old file mapped keeps it).
pub fn write_graph_file(path: &Path, compiled: &CompiledNetwork) -> Result<u64, GraphFileError> {
    let metrics: Vec<Metric> = compiled.hierarchies.iter().map(|(m, _)| *m).collect();
    // The shape of every element's graph goes with the customizable hierarchy prepared on it.
    let every = compiled
        .customizable_graph
        .as_ref()
        .filter(|_| compiled.customizable.is_some())
        .map(|(every, frame)| (every, frame));
    let customizations = if compiled.customizable.is_some() {
        &compiled.customizations[..]
    } else {
        &[]
    };
    let mut file = GraphFileWriter::create(
        path,
        &metrics,
        compiled.customizable.is_some(),
        every.is_some(),
        customizations.len(),
    )?;
    file.network(&compiled.network, &compiled.graph, every)?;
    if let Some(c) = &compiled.customizable {
        file.customizable(c)?;
    }
    for (i, c) in customizations.iter().enumerate() {
        file.customization(i, c)?;
    }
    for (m, h) in &compiled.hierarchies {
        file.hierarchy(*m, h)?;
    }
    file.finish()
}

/// A graph file written part by part, so that a build can drop each part once it is written
/// (the network before contracting: at 2 M nodes it is most of the memory). The parts come in
/// a fixed order, named when the file is created: [`GraphFileWriter::network`] (the network, its
/// graph and the shape of every element's), [`GraphFileWriter::customizable`] when there is
/// one, each [`GraphFileWriter::customization`] of it, then one
/// [`GraphFileWriter::hierarchy`] per metric in the order given; [`GraphFileWriter::finish`]
/// writes the section table and puts the file in place. Dropped before that, the file is not
/// created (an existing one stays).
pub struct GraphFileWriter {
    path: PathBuf,
    file: std::io::BufWriter<atomic_write_file::AtomicWriteFile>,
    /// Every section's name, in the order they are written.
    names: Vec<String>,
    /// Offset, length and checksum of the sections written so far.
    written: Vec<(usize, usize, u32)>,
    /// Bytes written so far.
    at: usize,
    /// A section failed: the file cannot be finished.
    failed: bool,
}

impl GraphFileWriter {
    /// Starts writing the graph file `path` with hierarchies for `metrics` (in that order), a
    /// customizable one if `customizable` with `customizations` of it, and the shape of every
    /// element's graph if `every_element` (given to [`GraphFileWriter::network`]).
    pub fn create(
        path: &Path,
        metrics: &[Metric],
        customizable: bool,
        every_element: bool,
        customizations: usize,
    ) -> Result<GraphFileWriter, GraphFileError> {
        if customizations > MAX_STORED_CUSTOMIZATIONS || (customizations > 0 && !customizable) {
            return Err(corrupt(
                path,
                format!("cannot store {customizations} customizations (at most {MAX_STORED_CUSTOMIZATIONS}, of a customizable hierarchy)"),
            ));
        }
        let mut names: Vec<String> = ENCODED_SECTIONS
            .iter()
            .chain(&GRAPH_SECTIONS)
            .map(|n| n.to_string())
            .collect();
        if every_element {
            names.extend(EVERY_SECTIONS.iter().map(|n| n.to_string()));
        }
        if customizable {
            names.extend(CUSTOMIZABLE_SECTIONS.iter().map(|n| format!("cch.{n}")));
        }
        for i in 0..customizations {
            names.extend(
                CUSTOMIZATION_SECTIONS
                    .iter()
                    .map(|n| format!("cchm.{i}.{n}")),
            );
        }
        for m in metrics {
            names.extend(HIERARCHY_SECTIONS.iter().map(|n| format!("{m}.{n}")));
        }
        if let Some(long) = names.iter().find(|n| n.len() > 16) {
            return Err(corrupt(
                path,
                format!("cannot write a section named `{long}`: names have 16 bytes"),
            ));
        }
        let file = atomic_write_file::AtomicWriteFile::open(path).map_err(|e| io(path, e))?;
        let mut writer = GraphFileWriter {
            path: path.to_path_buf(),
            file: std::io::BufWriter::with_capacity(1 << 20, file),
            written: Vec::with_capacity(names.len()),
            at: 0,
            failed: false,
            names,
        };
        // Header and table are written last, over these zeros.
        let table_end = HEADER_LEN + writer.names.len() * ENTRY_LEN;
        writer.pad_to(table_end)?;
        Ok(writer)
    }

    /// Writes the network's tables, its routing graph and, when the network has closed or
    /// planned elements, the shape of the graph of every element (what the customizable
    /// hierarchy is prepared on: [`compile_for_customizable`](crate::compile_for_customizable)).
    pub fn network(
        &mut self,
        network: &Network,
        graph: &Graph,
        every: Option<(&Topology, &EdgeFrame)>,
    ) -> Result<(), GraphFileError> {
        let head = network.without_places_and_links();
        let (written, sources) = SourceTable::write(|| -> Result<(), GraphFileError> {
            self.encoded("network", &head)?;
            let at = self.records("places", &network.places)?;
            self.section("places.at", bytemuck::cast_slice(&at))?;
            let by_id = records::sorted_by_id(&network.places, |p| &p.id);
            self.section("places.by_id", bytemuck::cast_slice(&by_id))?;
            let at = self.records("links", &network.links)?;
            self.section("links.at", bytemuck::cast_slice(&at))?;
            let by_id = records::sorted_by_id(&network.links, |l| &l.id);
            self.section("links.by_id", bytemuck::cast_slice(&by_id))
        });
        written?;
        self.encoded("sources", &sources)?;
        let at = self.records("nodes", &graph.nodes)?;
        self.section("nodes.at", bytemuck::cast_slice(&at))?;
        for (name, bytes) in graph_arrays(graph) {
            self.section(name, bytes)?;
        }
        for (name, bytes) in every.map(topology_arrays).into_iter().flatten() {
            self.section(name, bytes)?;
        }
        Ok(())
    }

    /// Writes the customizable hierarchy.
    pub fn customizable(&mut self, c: &Cch) -> Result<(), GraphFileError> {
        for (name, bytes) in customizable_arrays(c) {
            self.section(&format!("cch.{name}"), bytes)?;
        }
        Ok(())
    }

    /// Writes the `i`-th customization of the customizable hierarchy.
    pub fn customization(
        &mut self,
        i: usize,
        c: &StoredCustomization,
    ) -> Result<(), GraphFileError> {
        self.encoded(&format!("cchm.{i}.key"), &(&c.key, c.scale))?;
        self.section(&format!("cchm.{i}.up"), c.metric.up_weight.as_bytes())?;
        self.section(&format!("cchm.{i}.down"), c.metric.down_weight.as_bytes())?;
        self.section(&format!("cchm.{i}.edge"), c.metric.edge_weight.as_bytes())
    }

    /// Writes the hierarchy of `metric`.
    pub fn hierarchy(&mut self, metric: Metric, h: &Hierarchy) -> Result<(), GraphFileError> {
        for (name, bytes) in hierarchy_arrays(h) {
            self.section(&format!("{metric}.{name}"), bytes)?;
        }
        Ok(())
    }

    /// Writes the header and the section table and puts the file in place (fsync, rename over
    /// the old file, fsync the folder). Returns the file's length in bytes.
    pub fn finish(self) -> Result<u64, GraphFileError> {
        if let Some(missing) = self.names.get(self.written.len()) {
            return Err(corrupt(
                &self.path,
                format!("section `{missing}` was never written"),
            ));
        }
        let mut table = Vec::with_capacity(self.names.len() * ENTRY_LEN);
        for (name, &(offset, len, crc)) in self.names.iter().zip(&self.written) {
            let mut field = [0u8; 16];
            field[..name.len()].copy_from_slice(name.as_bytes());
            table.extend_from_slice(&field);
            table.extend_from_slice(&(offset as u64).to_le_bytes());
            table.extend_from_slice(&(len as u64).to_le_bytes());
            table.extend_from_slice(&crc.to_le_bytes());
            table.extend_from_slice(&0u32.to_le_bytes());
        }
        let file_len = self.at;
        let mut header = Vec::with_capacity(HEADER_LEN);
        header.extend_from_slice(MAGIC);
        header.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
        header.extend_from_slice(&(self.names.len() as u32).to_le_bytes());
        header.extend_from_slice(&(file_len as u64).to_le_bytes());
        let mut writer = [0u8; 16];
        let v = env!("CARGO_PKG_VERSION").as_bytes();
        writer[..v.len().min(16)].copy_from_slice(&v[..v.len().min(16)]);
        header.extend_from_slice(&writer);
        header.extend_from_slice(&crc32fast::hash(&table).to_le_bytes());
        header.extend_from_slice(&0u32.to_le_bytes());
        let path = self.path;
        let mut file = self
            .file
            .into_inner()
            .map_err(|e| io(&path, e.into_error()))?;
        use std::io::{Seek, SeekFrom};
        file.seek(SeekFrom::Start(0)).map_err(|e| io(&path, e))?;
        file.write_all(&header).map_err(|e| io(&path, e))?;
        file.write_all(&table).map_err(|e| io(&path, e))?;
        file.commit().map_err(|e| io(&path, e))?;
        Ok(file_len as u64)
    }

    /// Writes the next section, `name`, from `bytes`.
    fn section(&mut self, name: &str, bytes: &[u8]) -> Result<(), GraphFileError> {
        self.write_with(name, |w| w.write_all(bytes).map_err(Encoding::Io))
    }

    /// Writes the next section, `name`, as `value` encoded in postcard, streamed to the file.
    fn encoded<T: serde::Serialize>(
        &mut self,
        name: &str,
        value: &T,
    ) -> Result<(), GraphFileError> {
        self.write_with(name, |w| {
            // postcard writes a byte at a time: buffered here, checksummed in blocks.
            let mut buffered = std::io::BufWriter::with_capacity(1 << 16, w);
            postcard::to_io(value, &mut buffered).map_err(Encoding::Postcard)?;
            buffered.flush().map_err(Encoding::Io)
        })
    }

    /// Writes the next section, `name`, as `rows` encoded in postcard one after another;
    /// returns each record's offset in the section and the section's length.
    fn records<T: serde::Serialize>(
        &mut self,
        name: &str,
        rows: &Table<T>,
    ) -> Result<Vec<u64>, GraphFileError> {
        let mut at = Vec::with_capacity(rows.len() + 1);
        at.push(0u64);
        self.write_with(name, |w| {
            let mut buffered = std::io::BufWriter::with_capacity(1 << 16, w);
            let mut record = Vec::new();
            let mut end = 0u64;
            for row in rows {
                record.clear();
                record = postcard::to_extend(row, record).map_err(Encoding::Postcard)?;
                buffered.write_all(&record).map_err(Encoding::Io)?;
                end += record.len() as u64;
                at.push(end);
            }
            buffered.flush().map_err(Encoding::Io)
        })?;
        Ok(at)
    }

    fn write_with(
        &mut self,
        name: &str,
        write: impl FnOnce(&mut Checksummed<'_>) -> Result<(), Encoding>,
    ) -> Result<(), GraphFileError> {
        if self.failed {
            return Err(corrupt(
                &self.path,
                format!("section `{name}` not written: an earlier section failed"),
            ));
        }
        let expected = self.names.get(self.written.len());
        if expected.map(String::as_str) != Some(name) {
            self.failed = true;
            return Err(corrupt(
                &self.path,
                format!(
                    "section `{name}` written out of order (expected {})",
                    expected.map_or("none".to_string(), |e| format!("`{e}`"))
                ),
            ));
        }
        // Failed from here on unless the section is written whole.
        self.failed = true;
        let start = self.at.next_multiple_of(SECTION_ALIGN);
        self.pad_to(start)?;
        let mut w = Checksummed {
            out: &mut self.file,
            crc: crc32fast::Hasher::new(),
            len: 0,
            error: None,
        };
        let written = write(&mut w);
        if let Err(e) = written {
            // postcard reports a failed write as a full buffer: the I/O error kept by the
            // writer is the one to tell.
            return Err(match (e, w.error.take()) {
                (Encoding::Io(e), _) | (Encoding::Postcard(_), Some(e)) => io(&self.path, e),
                (Encoding::Postcard(e), None) => {
                    corrupt(&self.path, format!("cannot encode the {name}: {e}"))
                }
            });
        }
        let (len, crc) = (w.len, w.crc.finalize());
        self.written.push((start, len, crc));
        self.at = start + len;
        self.failed = false;
        Ok(())
    }

    /// Writes zeros up to byte `to`.
    fn pad_to(&mut self, to: usize) -> Result<(), GraphFileError> {
        let zeros = [0u8; SECTION_ALIGN];
        while self.at < to {
            let n = (to - self.at).min(zeros.len());
            self.file
                .write_all(&zeros[..n])
                .map_err(|e| io(&self.path, e))?;
            self.at += n;
        }
        Ok(())
    }
}

/// Why a section could not be written.
enum Encoding {
    Io(std::io::Error),
    Postcard(postcard::Error),
}

/// A writer that counts and checksums what goes through it, and keeps the last error.
struct Checksummed<'w> {
    out: &'w mut std::io::BufWriter<atomic_write_file::AtomicWriteFile>,
    crc: crc32fast::Hasher,
    len: usize,
    error: Option<std::io::Error>,
}

impl Write for Checksummed<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.out.write(buf).inspect_err(|e| {
            self.error = Some(std::io::Error::new(e.kind(), e.to_string()));
        })?;
        self.crc.update(&buf[..n]);
        self.len += n;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.out.flush()
    }
}

/// An I/O error on `path`.
fn io(path: &Path, source: std::io::Error) -> GraphFileError {
    GraphFileError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// The little-endian u32 at `bytes[at..at + 4]` (the caller has checked the length).
fn u32_at(bytes: &[u8], at: usize) -> u32 {
    u32::from_le_bytes(bytes[at..at + 4].try_into().expect("4 bytes"))
}

/// The little-endian u64 at `bytes[at..at + 8]` (the caller has checked the length).
fn u64_at(bytes: &[u8], at: usize) -> u64 {
    u64::from_le_bytes(bytes[at..at + 8].try_into().expect("8 bytes"))
}

/// A corrupt-file error for `path`.
fn corrupt(path: &Path, reason: String) -> GraphFileError {
    GraphFileError::Corrupt {
        path: path.to_path_buf(),
        reason,
    }
}

/// One entry of the section table.
struct Section {
    name: String,
    start: usize,
    len: usize,
}

/// Opens and checks a graph file: maps it, checks the header and every section's checksum,
/// decodes the network's tables and views the edges and hierarchies in the mapping.
pub fn read_graph_file(path: &Path) -> Result<CompiledNetwork, GraphFileError> {
    let io = |source| GraphFileError::Io {
        path: path.to_path_buf(),
        source,
    };
    let file = Arc::new(std::fs::File::open(path).map_err(io)?);
    let size = file.metadata().map_err(io)?.len();
    if size < HEADER_LEN as u64 {
        // Too short to map usefully (and an empty file cannot be mapped): classify the head.
        let head = std::fs::read(path).map_err(io)?;
        parse_header(path, &head, size)?;
        return Err(truncated(path, size, HEADER_LEN as u64));
    }
    let map = MappedFile::map(&file).map_err(io)?;
    let bytes = map.bytes();
    let count = parse_header(path, bytes, size)?;
    // Checked before, these exact bytes skip the checksums and checks that read every page.
    let identity = checked::identity(&file, u32_at(bytes, 40));
    let known = identity.as_ref().is_some_and(checked::remembered);
    let sections = section_table(path, bytes, count, !known)?;
    let corrupt = |reason: String| corrupt(path, reason);
    let find = |name: &str| {
        sections
            .iter()
            .find(|s| s.name == name)
            .ok_or_else(|| corrupt(format!("section `{name}` is missing")))
    };
    let section_bytes = |s: &Section| &bytes[s.start..s.start + s.len];
    let network_bytes = section_bytes(find("network")?);
    let texts: Vec<String> = postcard::from_bytes(section_bytes(find("sources")?))
        .map_err(|e| corrupt(format!("section `sources` cannot be decoded ({e})")))?;
    let sources = SourceTable::shared(texts);
    let head: Network =
        SourceTable::read_shared(sources.clone(), || postcard::from_bytes(network_bytes))
            .map_err(|e| corrupt(format!("section `network` cannot be decoded ({e})")))?;
    let (network, (places, links)) = stored_records(path, &file, &map, &find, head, sources)?;
    let nodes: Arc<FileRows<Node>> = Arc::new(
        FileRows::new(
            file.clone(),
            mapped(path, &map, find("nodes")?)?,
            mapped(path, &map, find("nodes.at")?)?,
            Arc::from(Vec::new()),
            None,
        )
        .map_err(|e| corrupt(format!("section `nodes`: {e}")))?,
    );
    let graph = Graph {
        nodes: Table::stored(nodes.clone()),
        edges: mapped(path, &map, find("edges")?)?,
        first_out: mapped(path, &map, find("first_out")?)?,
        place_nodes: NodeLists {
            first: mapped(path, &map, find("place_first")?)?,
            nodes: mapped(path, &map, find("place_nodes")?)?,
        },
        international_nodes: NodeLists {
            first: mapped(path, &map, find("intl_first")?)?,
            nodes: mapped(path, &map, find("intl_nodes")?)?,
        },
    };
    let mut hierarchies = Vec::new();
    for metric in Metric::ALL {
        let prefix = format!("{metric}.");
        if !sections.iter().any(|s| s.name.starts_with(&prefix)) {
            continue;
        }
        let a = |name: &str| find(&format!("{prefix}{name}"));
        let h = Hierarchy {
            rank: mapped(path, &map, a("rank")?)?,
            node_at: mapped(path, &map, a("node_at")?)?,
            first: mapped(path, &map, a("first")?)?,
            search: mapped(path, &map, a("search")?)?,
            search_arc: mapped(path, &map, a("search_arc")?)?,
            arc_first: mapped(path, &map, a("arc_first")?)?,
            arc_second: mapped(path, &map, a("arc_second")?)?,
        };
        hierarchies.push((metric, h));
    }
    let customizable = if sections.iter().any(|s| s.name.starts_with("cch.")) {
        let a = |name: &str| find(&format!("cch.{name}"));
        Some(Cch {
            rank: mapped(path, &map, a("rank")?)?,
            node_at: mapped(path, &map, a("node_at")?)?,
            up_first: mapped(path, &map, a("up_first")?)?,
            up_head: mapped(path, &map, a("up_head")?)?,
            down_first: mapped(path, &map, a("down_first")?)?,
            down_tail: mapped(path, &map, a("down_tail")?)?,
            down_arc: mapped(path, &map, a("down_arc")?)?,
            edge_arc: mapped(path, &map, a("edge_arc")?)?,
            arc_edges: mapped(path, &map, a("arc_edges")?)?,
            listed_arc: Default::default(),
            triangle_count: Default::default(),
        })
    } else {
        None
    };
    let every = if sections.iter().any(|s| s.name.starts_with("every.")) {
        Some((
            Topology {
                first_out: mapped(path, &map, find("every.first_out")?)?,
                heads: mapped(path, &map, find("every.head")?)?,
                kind_codes: mapped(path, &map, find("every.kind")?)?,
            },
            mapped(path, &map, find("every.own_of")?)?,
        ))
    } else {
        None
    };
    let mut compiled = finish(
        path,
        network,
        (!known).then_some((&*places, &*links, &*nodes)),
        graph,
        hierarchies,
        customizable,
        every,
    )?;
    for i in 0.. {
        let Some(key) = sections.iter().find(|s| s.name == format!("cchm.{i}.key")) else {
            break;
        };
        let Some(cch) = &compiled.customizable else {
            return Err(corrupt(
                "a customization is stored without a customizable hierarchy".to_string(),
            ));
        };
        let a = |name: &str| find(&format!("cchm.{i}.{name}"));
        let (key, scale): (String, f64) = postcard::from_bytes(section_bytes(key))
            .map_err(|e| corrupt(format!("section `cchm.{i}.key` cannot be decoded ({e})")))?;
        let metric = CchMetric {
            up_weight: mapped(path, &map, a("up")?)?,
            down_weight: mapped(path, &map, a("down")?)?,
            edge_weight: mapped(path, &map, a("edge")?)?,
        };
        if metric.up_weight.len() != cch.arcs()
            || metric.down_weight.len() != cch.arcs()
            || metric.edge_weight.len() != cch.edges()
        {
            return Err(corrupt(format!(
                "customization {i} has {} and {} arc weights and {} edge weights, for a customizable hierarchy of {} arcs and {} edges",
                metric.up_weight.len(),
                metric.down_weight.len(),
                metric.edge_weight.len(),
                cch.arcs(),
                cch.edges()
            )));
        }
        if !(scale.is_finite() && scale > 0.0) {
            return Err(corrupt(format!(
                "customization {i} has the scale {scale}, not a positive number"
            )));
        }
        compiled
            .customizations
            .push(StoredCustomization { key, scale, metric });
    }
    if let (false, Some(identity)) = (known, &identity) {
        checked::remember(identity);
    }
    Ok(compiled)
}

/// The places and links of a graph file, to check one record at a time.
type StoredRecords = (Arc<FileRows<Place>>, Arc<FileRows<Link>>);

/// `head` (the network but its places and links) with its places and links viewed in the
/// mapping as records decoded when asked for.
fn stored_records<'a>(
    path: &Path,
    file: &Arc<std::fs::File>,
    map: &MappedFile,
    find: &impl Fn(&str) -> Result<&'a Section, GraphFileError>,
    mut head: Network,
    sources: Arc<[silkroute_model::Source]>,
) -> Result<(Network, StoredRecords), GraphFileError> {
    fn rows<'a, T>(
        path: &Path,
        file: &Arc<std::fs::File>,
        map: &MappedFile,
        find: &impl Fn(&str) -> Result<&'a Section, GraphFileError>,
        sources: &Arc<[silkroute_model::Source]>,
        name: &str,
        with_ids: bool,
    ) -> Result<FileRows<T>, GraphFileError> {
        let ids = with_ids
            .then(|| mapped(path, map, find(&format!("{name}.by_id"))?))
            .transpose()?;
        FileRows::new(
            file.clone(),
            mapped(path, map, find(name)?)?,
            mapped(path, map, find(&format!("{name}.at"))?)?,
            sources.clone(),
            ids,
        )
        .map_err(|e| corrupt(path, format!("section `{name}`: {e}")))
    }
    let places: Arc<FileRows<Place>> =
        Arc::new(rows(path, file, map, find, &sources, "places", true)?);
    let links: Arc<FileRows<Link>> =
        Arc::new(rows(path, file, map, find, &sources, "links", true)?);
    if !head.places.is_empty() || !head.links.is_empty() {
        return Err(corrupt(
            path,
            "section `network` holds places or links of its own".to_string(),
        ));
    }
    head.places = Table::stored(places.clone());
    head.links = Table::stored(links.clone());
    Ok((head, (places, links)))
}

/// Views a section as an array in the mapping.
fn mapped<T: Pod>(path: &Path, map: &MappedFile, s: &Section) -> Result<Array<T>, GraphFileError> {
    Array::mapped(map, s.start, s.len)
        .map_err(|e| corrupt(path, format!("section `{}`: {e}", s.name)))
}

fn truncated(path: &Path, found: u64, expected: u64) -> GraphFileError {
    GraphFileError::Truncated {
        path: path.to_path_buf(),
        found,
        expected,
    }
}

/// True when `bytes` start like a graph file (used to tell a graph file from a feed folder).
pub fn is_graph_file(bytes: &[u8]) -> bool {
    bytes.starts_with(MAGIC)
}

/// True when `path` is a file that starts like a graph file (a feed folder is not).
pub fn is_graph_path(path: &Path) -> bool {
    use std::io::Read;
    let mut head = [0u8; 8];
    path.is_file()
        && std::fs::File::open(path)
            .and_then(|mut f| f.read_exact(&mut head))
            .is_ok()
        && is_graph_file(&head)
}

/// Checks the header against the file size: magic, version, announced length. Returns the
/// number of sections.
fn parse_header(path: &Path, bytes: &[u8], size: u64) -> Result<usize, GraphFileError> {
    let p = || path.to_path_buf();
    if !bytes.starts_with(MAGIC) {
        return Err(GraphFileError::Foreign(p()));
    }
    if bytes.len() < 12 {
        return Err(truncated(path, size, HEADER_LEN as u64));
    }
    let version = u32_at(bytes, 8);
    if !(OLDEST_READ..=FORMAT_VERSION).contains(&version) {
        let writer = bytes
            .get(24..40)
            .map(|w| {
                String::from_utf8_lossy(w)
                    .trim_end_matches('\0')
                    .to_string()
            })
            .unwrap_or_else(|| "(unknown)".into());
        return Err(GraphFileError::Version {
            path: p(),
            found: version,
            writer,
        });
    }
    if bytes.len() < HEADER_LEN {
        return Err(truncated(path, size, HEADER_LEN as u64));
    }
    let count = u32_at(bytes, 12) as usize;
    let total = u64_at(bytes, 16);
    if size < total {
        return Err(truncated(path, size, total));
    }
    if size > total {
        return Err(corrupt(
            path,
            format!("{} bytes after the announced end", size - total),
        ));
    }
    if count > MAX_SECTIONS || HEADER_LEN + count * ENTRY_LEN > bytes.len() {
        return Err(corrupt(
            path,
            format!("the header announces {count} sections"),
        ));
    }
    Ok(count)
}

/// Reads the section table and checks its checksum, every section's bounds and alignment and
/// every section's checksum (in parallel: a big file is read at the speed of memory).
fn section_table(
    path: &Path,
    bytes: &[u8],
    count: usize,
    checksums: bool,
) -> Result<Vec<Section>, GraphFileError> {
    let corrupt = |reason: String| corrupt(path, reason);
    let table = &bytes[HEADER_LEN..HEADER_LEN + count * ENTRY_LEN];
    let expected = u32_at(bytes, 40);
    let found = crc32fast::hash(table);
    if found != expected {
        return Err(GraphFileError::Checksum {
            path: path.to_path_buf(),
            section: "the section table".into(),
            found,
            expected,
        });
    }
    if bytes[44..48] != [0; 4] {
        return Err(corrupt("the header's reserved bytes are not zero".into()));
    }
    let mut sections = Vec::with_capacity(count);
    let mut crcs = Vec::with_capacity(count);
    // Sections follow the table and each other in order, without overlapping.
    let mut free_from = (HEADER_LEN + table.len()) as u64;
    for entry in table.chunks_exact(ENTRY_LEN) {
        let name = std::str::from_utf8(&entry[..16])
            .map(|n| n.trim_end_matches('\0').to_string())
            .map_err(|_| corrupt("a section name is not UTF-8".into()))?;
        let (start, len) = (u64_at(entry, 16), u64_at(entry, 24));
        let crc = u32_at(entry, 32);
        let end = start.saturating_add(len);
        if end > bytes.len() as u64 || start < free_from {
            return Err(corrupt(format!(
                "section `{name}` lies outside the file or over another"
            )));
        }
        if entry[36..40] != [0; 4] {
            return Err(corrupt(format!(
                "section `{name}`: reserved bytes are not zero"
            )));
        }
        free_from = end;
        if start % SECTION_ALIGN as u64 != 0 {
            return Err(corrupt(format!("section `{name}` is not aligned")));
        }
        if sections.iter().any(|s: &Section| s.name == name) {
            return Err(corrupt(format!("section `{name}` appears twice")));
        }
        sections.push(Section {
            name,
            start: start as usize,
            len: len as usize,
        });
        crcs.push(crc);
    }
    if !checksums {
        return Ok(sections);
    }
    let bad = sections
        .par_iter()
        .zip(&crcs)
        .map(|(s, &expected)| {
            (
                s,
                expected,
                crc32fast::hash(&bytes[s.start..s.start + s.len]),
            )
        })
        .find_first(|(_, expected, found)| expected != found);
    if let Some((s, expected, found)) = bad {
        return Err(GraphFileError::Checksum {
            path: path.to_path_buf(),
            section: format!("section `{}`", s.name),
            found,
            expected,
        });
    }
    Ok(sections)
}

/// Rebuilds the network's index and checks that every part fits the others: every record and
/// index when `records` are given (the stored places and links, to decode one by one), only
/// what costs no pass over the file's pages when not (its bytes were checked before).
fn finish(
    path: &Path,
    network: Network,
    records: Option<(&FileRows<Place>, &FileRows<Link>, &FileRows<Node>)>,
    graph: Graph,
    hierarchies: Vec<(Metric, Hierarchy)>,
    customizable: Option<Cch>,
    every: Option<(Topology, Array<u32>)>,
) -> Result<CompiledNetwork, GraphFileError> {
    let corrupt = |reason: String| corrupt(path, reason);
    let network = network.indexed();
    if network
        .clearances
        .iter()
        .any(|c| c.place.is_some_and(|p| p.index() >= network.places.len()))
    {
        return Err(corrupt("a clearance names a missing place".to_string()));
    }
    let full = records.is_some();
    if let Some((places, links, nodes)) = records {
        check_network(&network).map_err(corrupt)?;
        check_values(&network).map_err(corrupt)?;
        check_records(places, links, network.places.len()).map_err(corrupt)?;
        // Every node decodes: `Graph::check` reads each one once, with its own checks.
        nodes
            .check()
            .map_err(|e| corrupt(format!("section `nodes`: {e}")))?;
        graph.check(&network).map_err(corrupt)?;
    }
    for (m, h) in &hierarchies {
        if h.nodes() != graph.nodes().len() {
            return Err(corrupt(format!(
                "the {m} hierarchy has the wrong node count"
            )));
        }
        if full {
            h.check(graph.edges().len())
                .map_err(|e| corrupt(format!("the {m} hierarchy: {e}")))?;
        }
    }
    // The shape of every element's graph, stored with the customizable hierarchy prepared on
    // it whenever the network has closed or planned elements.
    let every = match (every, &customizable) {
        (Some((every, own_of)), Some(_)) => {
            if full {
                every
                    .check()
                    .map_err(|e| corrupt(format!("every element's graph: {e}")))?;
            }
            if every.node_count() != graph.nodes().len() {
                return Err(corrupt(
                    "every element's graph does not fit the graph".to_string(),
                ));
            }
            if own_of.len() != every.edge_count() {
                return Err(corrupt(
                    "section `every.own_of` does not fit every element's graph".to_string(),
                ));
            }
            Some((every, own_of))
        }
        (Some(_), None) => {
            return Err(corrupt(
                "every element's graph is stored without a customizable hierarchy".to_string(),
            ))
        }
        (None, Some(c)) if c.edges() != graph.edges().len() => {
            return Err(corrupt(format!(
                "the customizable hierarchy has {} edges, the graph {}, and the file holds no \
                 graph of every element that it could be prepared on",
                c.edges(),
                graph.edges().len()
            )))
        }
        (None, _) => None,
    };
    // Where the graph's edges are among every element's: stored; a full check finds them
    // again and compares.
    let customizable_graph = match every {
        Some((every, own_of)) => {
            let frame = EdgeFrame::stored(own_of);
            if full {
                let found = EdgeFrame::of(&graph, &every).ok_or_else(|| {
                    corrupt("the graph has an edge that every element's graph has not".to_string())
                })?;
                if found != frame {
                    return Err(corrupt(
                        "section `every.own_of` does not place the graph's edges".to_string(),
                    ));
                }
            }
            Some((every, frame))
        }
        None => None,
    };
    if let Some(c) = customizable.as_ref().filter(|_| full) {
        let on: &dyn EdgeShape = match &customizable_graph {
            Some((every, _)) => every,
            None => &graph,
        };
        c.check(on.node_count(), &on.edge_pairs())
            .map_err(|e| corrupt(format!("the customizable hierarchy: {e}")))?;
    }
    Ok(CompiledNetwork {
        network,
        graph,
        hierarchies,
        customizable,
        customizable_graph,
        customizations: Vec::new(),
    })
}

/// Sets the announced length and the checksums of a graph file's image to fit its bytes (the
/// section table's and every section's whose bounds lie in the image): lets a fuzzer and the
/// tests reach the decoders and structural checks behind them. Does nothing to bytes that do
/// not start like a current file.
#[doc(hidden)]
pub fn reseal_checksums(bytes: &mut [u8]) {
    if bytes.len() < HEADER_LEN
        || !bytes.starts_with(MAGIC)
        || !(OLDEST_READ..=FORMAT_VERSION).contains(&u32_at(bytes, 8))
    {
        return;
    }
    let len = bytes.len() as u64;
    bytes[16..24].copy_from_slice(&len.to_le_bytes());
    let count = (u32_at(bytes, 12) as usize)
        .min(MAX_SECTIONS)
        .min((bytes.len() - HEADER_LEN) / ENTRY_LEN);
    for k in 0..count {
        let e = HEADER_LEN + k * ENTRY_LEN;
        let (start, len) = (u64_at(bytes, e + 16), u64_at(bytes, e + 24));
        let end = start.saturating_add(len);
        if end <= bytes.len() as u64 {
            let crc = crc32fast::hash(&bytes[start as usize..end as usize]);
            bytes[e + 32..e + 36].copy_from_slice(&crc.to_le_bytes());
        }
    }
    let table_crc = crc32fast::hash(&bytes[HEADER_LEN..HEADER_LEN + count * ENTRY_LEN]);
    bytes[40..44].copy_from_slice(&table_crc.to_le_bytes());
}

/// The numbers the searches add to instants and weigh are finite, not negative and below
/// 10⁶ (hours, km, km/h, USD): a feed's loader refuses anything else with its own ranges, but a
/// graph file's payload is only checksummed (found by fuzzing: a mode's default wait of 10¹⁵
/// hours overflowed the departure arithmetic).
fn check_values(net: &Network) -> Result<(), String> {
    let ok = |x: f64| x.is_finite() && (0.0..=1e6).contains(&x);
    let bad = |what: &str, id: &str| Err(format!("{what} {id} has a value out of range"));
    for m in &net.modes {
        let v = [
            m.default_speed_kmh,
            m.run_p90_factor,
            m.default_wait_p50_h,
            m.default_wait_p90_h,
            m.min_connection_h,
        ];
        if !v.into_iter().all(ok) {
            return bad("mode", &m.mode.to_string());
        }
    }
    // Stored links are checked one at a time (`check_records`).
    if !net.links.is_stored() {
        net.links.iter().try_for_each(link_values)?;
    }
    for b in &net.borders {
        let c = [&b.forward, &b.reverse];
        if !(ok(b.length_km)
            && c.iter()
                .all(|c| ok(c.p50_h) && ok(c.p90_h) && ok(c.fee_usd)))
        {
            return bad("border crossing", &b.id);
        }
    }
    for t in &net.transfers {
        if ![t.handling_p50_h, t.handling_p90_h, t.cost_usd]
            .into_iter()
            .all(ok)
        {
            return bad("transfer", &t.id);
        }
    }
    for c in &net.clearances {
        if ![c.p50_h, c.p90_h, c.fee_usd].into_iter().all(ok) {
            return bad("clearance of", &c.country);
        }
    }
    for r in &net.driving_rules {
        let v = [
            r.break_h,
            r.daily_driving_h,
            r.daily_rest_h,
            r.duty_spread_h,
        ];
        if !(v.into_iter().all(ok) && r.continuous_driving_h.is_none_or(ok)) {
            return bad("driving rule of", r.country.as_deref().unwrap_or("*"));
        }
    }
    for s in &net.services {
        let times = s
            .stops
            .iter()
            .flat_map(|st| [st.arrive_h, st.depart_h])
            .flatten();
        let frequency = match &s.schedule {
            silkroute_model::Schedule::Frequency { per_week, .. } => ok(*per_week),
            silkroute_model::Schedule::Timetable(_) => true,
        };
        if !(frequency && times.into_iter().all(ok)) {
            return bad("service", &s.id);
        }
    }
    Ok(())
}

/// A link's numbers are in range (see `check_values`).
fn link_values(l: &Link) -> Result<(), String> {
    let ok = |x: f64| x.is_finite() && (0.0..=1e6).contains(&x);
    if ok(l.length_km) && l.speed_kmh.is_none_or(ok) && l.duration_h.is_none_or(ok) {
        Ok(())
    } else {
        Err(format!("link {} has a value out of range", l.id))
    }
}

/// A link's ends are among the `places` places.
fn link_places(l: &Link, places: usize) -> Result<(), String> {
    if l.from.index() >= places || l.to.index() >= places {
        return Err(format!("link {} names a missing place", l.id));
    }
    Ok(())
}

/// Every stored place and link decodes, and every link fits (`link_places`, `link_values`):
/// each record decoded and dropped, in parallel, none kept.
fn check_records(
    places: &FileRows<Place>,
    links: &FileRows<Link>,
    place_count: usize,
) -> Result<(), String> {
    check_rows(places, "places", |_| Ok(()))?;
    check_rows(links, "links", |l| {
        link_places(l, place_count)?;
        link_values(l)
    })
}

/// Section `name`'s records: the offsets and id index fit, then every record decodes (from the
/// mapping, in parallel, dropped at once) and passes `each`.
fn check_rows<T: serde::de::DeserializeOwned>(
    rows: &FileRows<T>,
    name: &str,
    each: impl Fn(&T) -> Result<(), String> + Sync,
) -> Result<(), String> {
    rows.check().map_err(|e| format!("section `{name}`: {e}"))?;
    (0..rows.len()).into_par_iter().try_for_each(|i| {
        let row = rows
            .decode_mapped(i)
            .map_err(|e| format!("section `{name}`: {e}"))?;
        each(&row)
    })
}

/// Place references of the network's elements are in range.
fn check_network(net: &Network) -> Result<(), String> {
    let n = net.places.len();
    let bad = |what: &str, id: &str| Err(format!("{what} {id} names a missing place"));
    // Stored links are checked one at a time (`check_records`).
    if !net.links.is_stored() {
        net.links.iter().try_for_each(|l| link_places(l, n))?;
    }
    for b in &net.borders {
        if b.from_post.index() >= n || b.to_post.index() >= n {
            return bad("border crossing", &b.id);
        }
    }
    for t in &net.transfers {
        if t.place.index() >= n {
            return bad("transfer", &t.id);
        }
    }
    for s in &net.services {
        if s.stops.iter().any(|p| p.place.index() >= n) {
            return bad("service", &s.id);
        }
    }
    for f in &net.footpaths {
        if f.from.index() >= n || f.to.index() >= n || !(0.0..=1440.0).contains(&f.minutes) {
            return Err("a footpath names a missing place or has no time".into());
        }
    }
    Ok(())
}
