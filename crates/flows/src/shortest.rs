//! One-to-all shortest paths with per-edge weights (the all-or-nothing step of assignment).

use silkroute_graph::{Graph, NodeId};
use silkroute_model::PlaceId;
use std::cmp::Ordering;
use std::collections::BinaryHeap;

#[derive(PartialEq)]
struct Item(f64, u32);
impl Eq for Item {}
impl Ord for Item {
    fn cmp(&self, o: &Self) -> Ordering {
        o.0.total_cmp(&self.0).then_with(|| o.1.cmp(&self.1))
    }
}
impl PartialOrd for Item {
    fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}

/// A shortest-path tree from one origin place.
pub(crate) struct Tree {
    pub dist: Vec<f64>,
    pub pred_edge: Vec<u32>,
}

pub(crate) const NONE: u32 = u32::MAX;

/// Dijkstra from every node of `origin`, each starting at `start(node)`, with `weight[edge]`
/// and `usable[edge]`.
pub(crate) fn tree(
    graph: &Graph,
    origin: PlaceId,
    start: impl Fn(NodeId) -> f64,
    weight: &[f64],
    usable: &[bool],
) -> Tree {
    let n = graph.nodes().len();
    let mut dist = vec![f64::INFINITY; n];
    let mut pred_edge = vec![NONE; n];
    let mut heap = BinaryHeap::new();
    for &v in graph.place_nodes(origin) {
        let d = start(v);
        if d < dist[v.index()] {
            dist[v.index()] = d;
            heap.push(Item(d, v.0));
        }
    }
    while let Some(Item(d, v)) = heap.pop() {
        if d > dist[v as usize] {
            continue;
        }
        for ei in graph.out_edges(NodeId(v)) {
            if !usable[ei] {
                continue;
            }
            let e = &graph.edges()[ei];
            let nd = d + weight[ei];
            if nd < dist[e.head.index()] {
                dist[e.head.index()] = nd;
                pred_edge[e.head.index()] = ei as u32;
                heap.push(Item(nd, e.head.0));
            }
        }
    }
    Tree { dist, pred_edge }
}

impl Tree {
    /// The best node of a destination place, if reached.
    pub fn best_node(&self, graph: &Graph, place: PlaceId) -> Option<NodeId> {
        graph
            .place_nodes(place)
            .iter()
            .copied()
            .filter(|v| self.dist[v.index()].is_finite())
            .min_by(|a, b| self.dist[a.index()].total_cmp(&self.dist[b.index()]))
    }
}
