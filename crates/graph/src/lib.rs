//! Compile a [`Network`](silkroute_model::Network) into a routing [`Graph`].
//!
//! Principal items:
//! - [`compile`]: network → graph, in milliseconds.
//! - [`Graph`]: compact arrays (CSR adjacency) of [`Node`]s and [`Edge`]s.
//! - [`Node`]: one per place and [`Layer`](silkroute_model::Layer) (mode and gauge state), the
//!   "virtual network" of the NODUS freight model, so that changing mode or gauge is an explicit,
//!   timed and priced [`EdgeKind::Transfer`].
//! - [`Edge`]: a run along a link, a border crossing, or a transfer, with its time (p50, p90),
//!   money per FEU and CO2e per tonne already worked out; queries scale them for the cargo.
//!
//! - [`write_graph_file`] / [`read_graph_file`]: the compiled graph file (sections with their
//!   checksums, memory-mapped: the hierarchies are viewed in place, not decoded).
//! - [`Hierarchy`]: contraction hierarchies for single-criterion queries on big graphs.
//! - [`Timetable`]: the open services laid on the graph as [`Pattern`]s (stop nodes, the edges
//!   between them, stop times, departures), for the timetable router.
//!
//! Only `open` elements are compiled; scenarios open planned ones before compiling.

mod array;
mod checked;
mod compile;
mod file;
mod graph;
pub mod hierarchy;
mod lines;
mod records;
mod timetable;

pub use compile::{
    compile, compile_edited, compile_every_element, compile_for_customizable, compile_in_frame,
    CompileError,
};
pub use file::{
    is_graph_file, is_graph_path, read_graph_file, reseal_checksums, write_graph_file,
    CompiledNetwork, GraphFileError, GraphFileWriter, FORMAT_VERSION, HEADER_LEN, MAGIC,
};
pub use graph::{
    Adjacency, Edge, EdgeFrame, EdgeKind, EdgeShape, Graph, Node, NodeId, Topology, Wait, WaitBasis,
};
pub use hierarchy::{Hierarchy, HierarchyQuery, Metric, NoMetric};
pub use lines::Line;
pub use timetable::{
    Departures, HopTotals, Instant, Pattern, PatternStop, Timetable, TimetableError, HORIZON_DAYS,
};
