//! The compiled graph file: a network, its routing graph and its contraction hierarchies in
//! one file that loads without parsing CSV or contracting again.
//!
//! Layout (all integers little-endian):
//!
//! | bytes | content |
//! |---|---|
//! | 0..8 | magic `SILKGRPH` |
//! | 8..12 | format version ([`FORMAT_VERSION`]) |
//! | 12..16 | CRC-32 of the payload |
//! | 16..24 | payload length in bytes |
//! | 24..40 | version of silkroute that wrote it, UTF-8, zero-padded |
//! | 40.. | payload: bincode (fixed-width integers) of the network, graph and hierarchies |
//!
//! Reading checks the magic (a foreign file), the version, the length (a truncated file), the
//! checksum (a corrupt file), then decodes and checks that every reference inside points to
//! something that exists, so a bad file gives an error, never a panic or wrong answers.

use crate::graph::Graph;
use crate::hierarchy::{Hierarchy, Metric};
use serde::{Deserialize, Serialize};
use silkroute_model::Network;
use std::io::Write;
use std::path::{Path, PathBuf};

/// The first eight bytes of every graph file.
pub const MAGIC: &[u8; 8] = b"SILKGRPH";
/// The payload layout version this build reads and writes.
pub const FORMAT_VERSION: u32 = 7;
const HEADER_LEN: usize = 40;

/// A network compiled for routing, as stored in a graph file.
#[derive(Debug, Clone)]
pub struct CompiledNetwork {
    /// The network (places, links … with their sources).
    pub network: Network,
    /// Its routing graph.
    pub graph: Graph,
    /// Contraction hierarchies, one per metric prepared.
    pub hierarchies: Vec<(Metric, Hierarchy)>,
}

impl CompiledNetwork {
    /// The hierarchy for `metric`, if one was prepared.
    pub fn hierarchy(&self, metric: Metric) -> Option<&Hierarchy> {
        crate::hierarchy::find(&self.hierarchies, metric)
    }
}

#[derive(Serialize)]
struct PayloadRef<'a> {
    network: &'a Network,
    graph: &'a Graph,
    hierarchies: &'a [(Metric, Hierarchy)],
}

#[derive(Deserialize)]
struct Payload {
    network: Network,
    graph: Graph,
    hierarchies: Vec<(Metric, Hierarchy)>,
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
    #[error("{path}: graph file format version {found}, written by silkroute {writer}; this build reads version {FORMAT_VERSION}; rebuild it with `silkroute build`")]
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
    /// The payload does not match its checksum.
    #[error("{path}: corrupt graph file: checksum {found:08x}, the header says {expected:08x}")]
    Checksum {
        /// The file.
        path: PathBuf,
        /// Checksum of the bytes present.
        found: u32,
        /// Checksum in the header.
        expected: u32,
    },
    /// The payload could not be decoded, or its parts do not fit together.
    #[error("{path}: corrupt graph file: {reason}")]
    Corrupt {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
}

fn config() -> impl bincode::config::Config {
    bincode::config::standard()
        .with_little_endian()
        .with_fixed_int_encoding()
}

/// Writes `compiled` to `path` (to a temporary file beside it, then renamed, so an existing
/// file is never left half-written).
pub fn write_graph_file(path: &Path, compiled: &CompiledNetwork) -> Result<u64, GraphFileError> {
    let io = |source| GraphFileError::Io {
        path: path.to_path_buf(),
        source,
    };
    let payload = bincode::serde::encode_to_vec(
        PayloadRef {
            network: &compiled.network,
            graph: &compiled.graph,
            hierarchies: &compiled.hierarchies,
        },
        config(),
    )
    .map_err(|e| GraphFileError::Corrupt {
        path: path.to_path_buf(),
        reason: format!("cannot encode: {e}"),
    })?;
    let mut header = Vec::with_capacity(HEADER_LEN);
    header.extend_from_slice(MAGIC);
    header.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
    header.extend_from_slice(&crc32fast::hash(&payload).to_le_bytes());
    header.extend_from_slice(&(payload.len() as u64).to_le_bytes());
    let mut writer = [0u8; 16];
    let v = env!("CARGO_PKG_VERSION").as_bytes();
    writer[..v.len().min(16)].copy_from_slice(&v[..v.len().min(16)]);
    header.extend_from_slice(&writer);
    let mut file = atomic_write_file::AtomicWriteFile::open(path).map_err(io)?;
    file.write_all(&header).map_err(io)?;
    file.write_all(&payload).map_err(io)?;
    // fsync, rename over the old file, fsync the folder
    file.commit().map_err(io)?;
    Ok((header.len() + payload.len()) as u64)
}

/// Reads and checks a graph file. The file is read twice from disk (once for the checksum,
/// once to decode), never held in memory whole, so peak memory is that of the decoded network.
pub fn read_graph_file(path: &Path) -> Result<CompiledNetwork, GraphFileError> {
    use std::io::{Read, Seek, SeekFrom};
    let io = |source| GraphFileError::Io {
        path: path.to_path_buf(),
        source,
    };
    let mut file = std::fs::File::open(path).map_err(io)?;
    let size = file.metadata().map_err(io)?.len();
    let mut head = Vec::with_capacity(HEADER_LEN);
    (&mut file)
        .take(HEADER_LEN as u64)
        .read_to_end(&mut head)
        .map_err(io)?;
    let header = parse_header(path, &head, size)?;
    let mut reader = std::io::BufReader::with_capacity(1 << 22, file);
    let mut hasher = crc32fast::Hasher::new();
    let mut buf = vec![0u8; 1 << 22];
    loop {
        let n = reader.read(&mut buf).map_err(io)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    drop(buf);
    check_crc(path, &header, hasher.finalize())?;
    let mut file = reader.into_inner();
    file.seek(SeekFrom::Start(HEADER_LEN as u64)).map_err(io)?;
    // A BufReader lets bincode read fixed-size fields straight from the buffer.
    let mut payload = std::io::BufReader::with_capacity(1 << 22, file.take(header.payload_len));
    // bincode allocates a string's bytes before reading them, trusting the length in the file;
    // a limit near the payload's size refuses a corrupt length (found by fuzzing: a 30 GB
    // string in a 200 KB file) instead of asking the allocator for it. The limit is a
    // compile-time constant, so it comes in steps of 4× from 1 MiB.
    let len = header.payload_len;
    let decoded = match len {
        n if n <= 1 << 20 => decode_within::<{ 1 << 20 }>(&mut payload),
        n if n <= 1 << 22 => decode_within::<{ 1 << 22 }>(&mut payload),
        n if n <= 1 << 24 => decode_within::<{ 1 << 24 }>(&mut payload),
        n if n <= 1 << 26 => decode_within::<{ 1 << 26 }>(&mut payload),
        n if n <= 1 << 28 => decode_within::<{ 1 << 28 }>(&mut payload),
        n if n <= 1 << 30 => decode_within::<{ 1 << 30 }>(&mut payload),
        n if n <= 1 << 32 => decode_within::<{ 1 << 32 }>(&mut payload),
        n if n <= 1 << 34 => decode_within::<{ 1 << 34 }>(&mut payload),
        _ => decode_within::<{ 1 << 36 }>(&mut payload),
    };
    let left = payload.buffer().len() as u64 + payload.get_ref().limit();
    finish(path, decoded.map_err(|e| e.to_string()), left)
}

/// Decodes the payload, reading and allocating at most `LIMIT` bytes for it.
fn decode_within<const LIMIT: usize>(
    payload: &mut std::io::BufReader<std::io::Take<std::fs::File>>,
) -> Result<Payload, bincode::error::DecodeError> {
    bincode::serde::decode_from_reader(
        payload,
        bincode::config::standard()
            .with_little_endian()
            .with_fixed_int_encoding()
            .with_limit::<LIMIT>(),
    )
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

struct Header {
    crc: u32,
    payload_len: u64,
}

/// Checks the header against the file size: magic, version, announced length.
fn parse_header(path: &Path, bytes: &[u8], size: u64) -> Result<Header, GraphFileError> {
    let p = || path.to_path_buf();
    if !bytes.starts_with(MAGIC) {
        return Err(GraphFileError::Foreign(p()));
    }
    if bytes.len() < HEADER_LEN {
        return Err(GraphFileError::Truncated {
            path: p(),
            found: size,
            expected: HEADER_LEN as u64,
        });
    }
    let u32_at = |i: usize| u32::from_le_bytes(bytes[i..i + 4].try_into().expect("4 bytes"));
    let version = u32_at(8);
    if version != FORMAT_VERSION {
        let writer = String::from_utf8_lossy(&bytes[24..40])
            .trim_end_matches('\0')
            .to_string();
        return Err(GraphFileError::Version {
            path: p(),
            found: version,
            writer,
        });
    }
    let crc = u32_at(12);
    let payload_len = u64::from_le_bytes(bytes[16..24].try_into().expect("8 bytes"));
    let total = HEADER_LEN as u64 + payload_len;
    if size < total {
        return Err(GraphFileError::Truncated {
            path: p(),
            found: size,
            expected: total,
        });
    }
    if size > total {
        return Err(GraphFileError::Corrupt {
            path: p(),
            reason: format!("{} bytes after the payload", size - total),
        });
    }
    Ok(Header { crc, payload_len })
}

fn check_crc(path: &Path, header: &Header, found: u32) -> Result<(), GraphFileError> {
    if found != header.crc {
        return Err(GraphFileError::Checksum {
            path: path.to_path_buf(),
            found,
            expected: header.crc,
        });
    }
    Ok(())
}

/// Rebuilds the network's index and checks that every part fits the others.
fn finish(
    path: &Path,
    decoded: Result<Payload, String>,
    left_over: u64,
) -> Result<CompiledNetwork, GraphFileError> {
    let corrupt = |reason: String| GraphFileError::Corrupt {
        path: path.to_path_buf(),
        reason,
    };
    let decoded = decoded.map_err(|e| {
        corrupt(format!(
            "cannot decode ({e}); rebuild it with `silkroute build`"
        ))
    })?;
    if left_over != 0 {
        return Err(corrupt(format!(
            "{left_over} bytes left over after the payload"
        )));
    }
    let network = decoded.network.indexed();
    if network
        .clearances
        .iter()
        .any(|c| c.place.is_some_and(|p| p.index() >= network.places.len()))
    {
        return Err(corrupt("a clearance names a missing place".to_string()));
    }
    check_network(&network).map_err(corrupt)?;
    check_values(&network).map_err(corrupt)?;
    decoded.graph.check(&network).map_err(corrupt)?;
    for (m, h) in &decoded.hierarchies {
        if h.nodes() != decoded.graph.nodes().len() {
            return Err(corrupt(format!(
                "the {m} hierarchy has the wrong node count"
            )));
        }
        h.check(decoded.graph.edges().len())
            .map_err(|e| corrupt(format!("the {m} hierarchy: {e}")))?;
    }
    Ok(CompiledNetwork {
        network,
        graph: decoded.graph,
        hierarchies: decoded.hierarchies,
    })
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
    for l in &net.links {
        if !(ok(l.length_km) && l.speed_kmh.is_none_or(ok) && l.duration_h.is_none_or(ok)) {
            return bad("link", &l.id);
        }
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

/// Place references of the network's elements are in range.
fn check_network(net: &Network) -> Result<(), String> {
    let n = net.places.len();
    let bad = |what: &str, id: &str| Err(format!("{what} {id} names a missing place"));
    for l in &net.links {
        if l.from.index() >= n || l.to.index() >= n {
            return bad("link", &l.id);
        }
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
