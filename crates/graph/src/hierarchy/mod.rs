//! Contraction hierarchies: preprocessing that makes single-criterion queries and matrices on
//! big graphs fast, with answers identical to Dijkstra on the same integer weights.
//!
//! Principal items:
//! - [`Hierarchy::build`]: contracts the nodes one by one, least important first, adding
//!   shortcuts that keep every shortest path. Importance and witness searches follow
//!   RoutingKit's contraction (level, then shortcuts added per arc and per original arc
//!   removed; bidirectional witness searches of at most 500 settled nodes; every neighbour
//!   weighed again after each contraction; ties fall as in RoutingKit), then the order
//!   renumbered for the caches: on the 250 k grid the same order as RoutingKit's, 339 nodes
//!   settled per query (373 with the lazy updates used before).
//! - [`HierarchyQuery`]: bidirectional upward search with stall-on-demand; several sources and
//!   targets with start weights (a place with one node per layer, the wait to board at the
//!   origin); the path unpacked back to graph edges.
//! - [`Hierarchy::many_to_many`]: the bucket algorithm for matrices (one backward search per
//!   target, one forward search per source, sources in parallel).
//! - [`Cch`]: a customizable contraction hierarchy (nested-dissection order, independent of
//!   the weights), customized in seconds for any weights ([`Cch::customize`]) and queried by
//!   its elimination tree ([`CchQuery`]): scenarios, forbidden nodes and every objective
//!   without contracting again.
//! - [`Metric`]: time, cost or CO2e of a [`Graph`](crate::Graph) edge as an integer weight.
//!
//! Nodes are numbered by rank inside the hierarchy, so the last, most important nodes (which
//! every long query visits) sit together in memory.

mod cch;
mod contract;
mod dissection;
mod metric;
mod query;

pub use cch::{
    meet, Cch, CchError, CchMetric, CchQuery, CchState, CchStats, Label, StoredCustomization,
};
pub use contract::{BuildStats, Hierarchy};
pub use metric::{Metric, NoMetric};
pub use query::{HierarchyPath, HierarchyQuery, QueryState};

/// An integer edge weight; sums saturate at [`INFINITY`].
pub type Weight = u32;

/// The weight of "unreachable".
pub const INFINITY: Weight = u32::MAX;

/// Marks the second half of an original arc (see [`Hierarchy`]).
pub(crate) const NO_ARC: u32 = u32::MAX;

use crate::graph::Graph;

/// Contracts `graph` for `metric` (the edge list of the graph, weighted by the metric).
pub fn prepare(graph: &Graph, metric: Metric) -> (Hierarchy, BuildStats) {
    let edges: Vec<(u32, u32, Weight)> = graph
        .edges()
        .iter()
        .map(|e| (e.tail.0, e.head.0, metric.edge_weight(e)))
        .collect();
    Hierarchy::build(graph.nodes().len(), &edges)
}

/// Orders and contracts `graph` into a customizable hierarchy, its nodes at `coordinates`
/// ([`Graph::coordinates`]).
pub fn prepare_customizable(
    graph: &impl crate::EdgeShape,
    coordinates: &[[f64; 2]],
) -> (Cch, CchStats) {
    Cch::build(coordinates, &graph.edge_pairs())
}

/// The hierarchy for `metric` among `hierarchies`, if one was prepared.
pub fn find(hierarchies: &[(Metric, Hierarchy)], metric: Metric) -> Option<&Hierarchy> {
    hierarchies
        .iter()
        .find(|(m, _)| *m == metric)
        .map(|(_, h)| h)
}

/// Asks the processor to bring `x` into its caches without waiting for it. A rank's arcs and
/// the labels they lead to are three dependent loads from memory (where its arcs start, the
/// arcs, their heads' labels); the CH query fetches the first two ahead for the rank it will
/// most likely settle next, which makes the 250 k grid's queries 15–20 % faster
/// (docs/benchmarks.md). (The elimination-tree query of the customizable hierarchy reads long
/// runs of arcs, which the processor fetches ahead by itself: hints there made it slower.)
/// A no-op on processors other than x86_64.
#[inline(always)]
pub(super) fn prefetch<T>(x: &T) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: a prefetch is a hint that never faults, and `x` is a valid reference; the SSE
    // feature it needs is part of every x86_64 target.
    #[allow(unsafe_code)]
    unsafe {
        core::arch::x86_64::_mm_prefetch::<{ core::arch::x86_64::_MM_HINT_T0 }>(
            (x as *const T).cast::<i8>(),
        )
    };
    #[cfg(not(target_arch = "x86_64"))]
    let _ = x;
}
