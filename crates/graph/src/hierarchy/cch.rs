//! Customizable contraction hierarchies (Dibbelt, Strasser & Wagner 2016): contraction once
//! for every metric, then a customization in seconds for any weights (another criterion, a
//! scenario, nodes or modes forbidden), then queries in a fraction of a millisecond.
//!
//! - [`Cch::build`]: a nested-dissection order of the nodes ([`dissection`](super::dissection))
//!   and the chordal supergraph it implies: every node's higher neighbours form a clique after
//!   the node is eliminated. Only the graph's shape counts, not its weights.
//! - [`Cch::customize`]: the weights of the original edges put on the hierarchy's arcs, then
//!   every lower triangle `(x, y, z)`, `x` below `y` below `z`, relaxes the arc `y–z` through
//!   `x` in both directions ("basic customization", in rank order).
//! - [`CchQuery`]: the elimination-tree query: from the sources and the targets, up their
//!   ancestors in the elimination tree, relaxing every upward arc (no priority queue); the
//!   path unpacked back to graph edges through the triangles that made each arc.
//!
//! Arcs are numbered by their lower end's rank (`up_first`), each list sorted by the higher
//! end, so the arc between two ranks is a binary search away.

use super::dissection::nested_dissection;
use super::{Weight, INFINITY};
use crate::array::Array;
use rayon::prelude::*;

/// "No arc" for an edge that is a loop, "no parent" for a root.
const NONE: u32 = u32::MAX;
/// Marks an arc weight made by an original edge (its number in the low 31 bits), not by a
/// triangle.
const VIA_EDGE: u32 = 1 << 31;

/// A customizable contraction hierarchy: the node order and the arcs of the chordal
/// supergraph, independent of any weight.
#[derive(Debug, Clone, PartialEq)]
pub struct Cch {
    /// Rank of each graph node.
    pub(crate) rank: Array<u32>,
    /// Graph node at each rank.
    pub(crate) node_at: Array<u32>,
    /// First arc of each rank (one more entry than nodes).
    pub(crate) up_first: Array<u32>,
    /// Higher end of each arc (ascending within a rank's arcs).
    pub(crate) up_head: Array<u32>,
    /// For each graph edge: the arc it lies on × 2, + 1 when it runs from the higher end to
    /// the lower; `u32::MAX` for a loop.
    pub(crate) edge_arc: Array<u32>,
}

/// The weights of a [`Cch`] for one metric: per arc, upwards and downwards, and how each was
/// made (an original edge or a triangle).
#[derive(Debug, Clone)]
pub struct CchMetric {
    up_weight: Vec<Weight>,
    down_weight: Vec<Weight>,
    up_via: Vec<u32>,
    down_via: Vec<u32>,
}

impl CchMetric {
    /// Bytes held.
    pub fn memory_bytes(&self) -> usize {
        self.up_weight.len() * 16
    }
}

/// What building a [`Cch`] made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CchStats {
    /// Nodes ordered.
    pub nodes: usize,
    /// Arcs of the chordal supergraph (original node pairs and fill-in).
    pub arcs: usize,
    /// Height of the elimination tree (the most nodes a query walks from one end).
    pub tree_height: usize,
}

/// Why a stored [`Cch`] does not fit its graph.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct CchError(String);

impl Cch {
    /// Orders and contracts a graph of `coordinates.len()` nodes (`[lon, lat]` each) with the
    /// directed `edges` (tail, head; loops and parallel edges allowed). Edge numbers are their
    /// positions in `edges`.
    ///
    /// # Panics
    /// If there are 2³¹ edges or more, or an edge names a node that does not exist.
    pub fn build(coordinates: &[[f64; 2]], edges: &[(u32, u32)]) -> (Cch, CchStats) {
        assert!(edges.len() < VIA_EDGE as usize, "too many edges for a CCH");
        let n = coordinates.len();
        let node_at = nested_dissection(coordinates, edges);
        let mut rank = vec![0u32; n];
        for (r, &v) in node_at.iter().enumerate() {
            rank[v as usize] = r as u32;
        }
        // Each rank's higher neighbours; eliminating a node adds its higher neighbours but
        // the lowest to the lowest's (its parent in the elimination tree).
        let mut up: Vec<Vec<u32>> = vec![Vec::new(); n];
        for &(a, b) in edges {
            let (ra, rb) = (rank[a as usize], rank[b as usize]);
            if ra != rb {
                up[ra.min(rb) as usize].push(ra.max(rb));
            }
        }
        let mut depth = vec![0u32; n];
        for x in 0..n {
            let mut list = std::mem::take(&mut up[x]);
            list.sort_unstable();
            list.dedup();
            if let Some((&parent, rest)) = list.split_first() {
                up[parent as usize].extend_from_slice(rest);
            }
            up[x] = list;
        }
        let mut up_first = Vec::with_capacity(n + 1);
        up_first.push(0u32);
        let total: usize = up.iter().map(Vec::len).sum();
        assert!(total < NONE as usize, "too many arcs for a CCH");
        let mut up_head = Vec::with_capacity(total);
        for list in &up {
            up_head.extend_from_slice(list);
            up_first.push(up_head.len() as u32);
        }
        drop(up);
        let mut tree_height = 0;
        for x in (0..n).rev() {
            let (s, e) = (up_first[x] as usize, up_first[x + 1] as usize);
            if s < e {
                depth[x] = depth[up_head[s] as usize] + 1;
            }
            tree_height = tree_height.max(depth[x] as usize + 1);
        }
        let find = |lo: u32, hi: u32| -> u32 {
            let (s, e) = (
                up_first[lo as usize] as usize,
                up_first[lo as usize + 1] as usize,
            );
            let i = up_head[s..e]
                .binary_search(&hi)
                .expect("every edge's node pair is an arc");
            (s + i) as u32
        };
        let edge_arc: Vec<u32> = edges
            .par_iter()
            .map(|&(a, b)| {
                let (ra, rb) = (rank[a as usize], rank[b as usize]);
                if ra == rb {
                    NONE
                } else {
                    find(ra.min(rb), ra.max(rb)) * 2 + u32::from(ra > rb)
                }
            })
            .collect();
        let stats = CchStats {
            nodes: n,
            arcs: up_head.len(),
            tree_height,
        };
        let cch = Cch {
            rank: rank.into(),
            node_at: node_at.into(),
            up_first: up_first.into(),
            up_head: up_head.into(),
            edge_arc: edge_arc.into(),
        };
        (cch, stats)
    }

    /// Nodes ordered.
    pub fn nodes(&self) -> usize {
        self.rank.len()
    }

    /// Arcs of the chordal supergraph.
    pub fn arcs(&self) -> usize {
        self.up_head.len()
    }

    fn arcs_of(&self, x: u32) -> std::ops::Range<usize> {
        self.up_first[x as usize] as usize..self.up_first[x as usize + 1] as usize
    }

    /// The parent of rank `x` in the elimination tree (its lowest higher neighbour).
    fn parent(&self, x: u32) -> u32 {
        let r = self.arcs_of(x);
        if r.is_empty() {
            NONE
        } else {
            self.up_head[r.start]
        }
    }

    /// The arc between ranks `lo < hi`.
    fn arc(&self, lo: u32, hi: u32) -> Option<usize> {
        let r = self.arcs_of(lo);
        self.up_head[r.clone()]
            .binary_search(&hi)
            .ok()
            .map(|i| r.start + i)
    }

    /// The lower end of arc `a`.
    fn tail(&self, a: usize) -> u32 {
        (self.up_first.partition_point(|&f| f as usize <= a) - 1) as u32
    }

    /// Checks that a stored hierarchy fits a graph of `nodes` nodes and `edges` (tail, head):
    /// the order is a permutation, the arcs go up and are sorted, every node's higher
    /// neighbours but its parent are its parent's too (so every lower triangle's third arc
    /// exists), and every edge's arc joins its ends. Linear scans.
    pub fn check(&self, nodes: usize, edges: &[(u32, u32)]) -> Result<(), CchError> {
        let bad = |what: String| Err(CchError(what));
        if self.rank.len() != nodes || self.node_at.len() != nodes {
            return bad(format!(
                "the order has {} nodes, the graph {nodes}",
                self.rank.len()
            ));
        }
        for (v, &r) in self.rank.iter().enumerate() {
            if r as usize >= nodes || self.node_at[r as usize] as usize != v {
                return bad(format!("the order is not a permutation at node {v}"));
            }
        }
        if self.up_first.len() != nodes + 1
            || self.up_first.first() != Some(&0)
            || self.up_first.last().map(|&l| l as usize) != Some(self.up_head.len())
            || self.up_first.windows(2).any(|w| w[0] > w[1])
        {
            return bad("the arc offsets do not fit the arcs".into());
        }
        for x in 0..nodes as u32 {
            let heads = &self.up_head[self.arcs_of(x)];
            if heads
                .first()
                .is_some_and(|&h| h <= x || h as usize >= nodes)
                || heads.windows(2).any(|w| w[0] >= w[1])
                || heads.last().is_some_and(|&h| h as usize >= nodes)
            {
                return bad(format!("the arcs of rank {x} do not go up in order"));
            }
            if let Some((&parent, rest)) = heads.split_first() {
                let of_parent = &self.up_head[self.arcs_of(parent)];
                let mut k = 0;
                for &z in rest {
                    while k < of_parent.len() && of_parent[k] < z {
                        k += 1;
                    }
                    if k == of_parent.len() || of_parent[k] != z {
                        return bad(format!(
                            "the arcs of rank {x} are not chordal (rank {z} is missing above its parent)"
                        ));
                    }
                }
            }
        }
        if self.edge_arc.len() != edges.len() {
            return bad(format!(
                "{} edge arcs for {} edges",
                self.edge_arc.len(),
                edges.len()
            ));
        }
        for (e, (&ea, &(a, b))) in self.edge_arc.iter().zip(edges).enumerate() {
            let (ra, rb) = (self.rank[a as usize], self.rank[b as usize]);
            let fits = if ra == rb {
                ea == NONE
            } else {
                let arc = (ea / 2) as usize;
                arc < self.up_head.len()
                    && (ea % 2 == 1) == (ra > rb)
                    && self.arcs_of(ra.min(rb)).contains(&arc)
                    && self.up_head[arc] == ra.max(rb)
            };
            if !fits {
                return bad(format!("edge {e} is on the wrong arc"));
            }
        }
        Ok(())
    }

    /// The hierarchy's weights for `weights` (one per graph edge, [`INFINITY`] for an edge that
    /// may not be used): every arc the lightest of its edges, then every lower triangle in
    /// rank order.
    ///
    /// # Panics
    /// If `weights` does not have one entry per edge.
    pub fn customize(&self, weights: &[Weight]) -> CchMetric {
        assert_eq!(weights.len(), self.edge_arc.len(), "one weight per edge");
        let arcs = self.arcs();
        let mut up_weight = vec![INFINITY; arcs];
        let mut down_weight = vec![INFINITY; arcs];
        let mut up_via = vec![NONE; arcs];
        let mut down_via = vec![NONE; arcs];
        for (e, (&ea, &w)) in self.edge_arc.iter().zip(weights).enumerate() {
            if ea == NONE || w == INFINITY {
                continue;
            }
            let a = (ea / 2) as usize;
            let (weight, via) = if ea % 2 == 0 {
                (&mut up_weight, &mut up_via)
            } else {
                (&mut down_weight, &mut down_via)
            };
            if w < weight[a] {
                weight[a] = w;
                via[a] = VIA_EDGE | e as u32;
            }
        }
        let up_first: &[u32] = &self.up_first;
        let up_head: &[u32] = &self.up_head;
        for x in 0..self.nodes() {
            let (s, e) = (up_first[x] as usize, up_first[x + 1] as usize);
            for i in s..e {
                let y = up_head[i] as usize;
                // y → x is arc i downwards, x → y upwards.
                let (y_to_x, x_to_y) = (down_weight[i], up_weight[i]);
                if y_to_x == INFINITY && x_to_y == INFINITY {
                    continue;
                }
                let mut k = up_first[y] as usize;
                for j in i + 1..e {
                    let z = up_head[j];
                    while up_head[k] != z {
                        k += 1;
                    }
                    let through = y_to_x.saturating_add(up_weight[j]);
                    if through < up_weight[k] {
                        up_weight[k] = through;
                        up_via[k] = x as u32;
                    }
                    let through = down_weight[j].saturating_add(x_to_y);
                    if through < down_weight[k] {
                        down_weight[k] = through;
                        down_via[k] = x as u32;
                    }
                }
            }
        }
        CchMetric {
            up_weight,
            down_weight,
            up_via,
            down_via,
        }
    }
}

/// A shortest path found in a [`Cch`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CchPath {
    /// Total weight, start and end weights included.
    pub weight: Weight,
    /// The source node the path starts from.
    pub source: u32,
    /// The target node it ends at.
    pub target: u32,
    /// The graph edges, in order.
    pub edges: Vec<u32>,
}

/// Labels of elimination-tree queries, kept between queries so that a query costs what it
/// touches.
#[derive(Debug, Clone)]
pub struct CchState {
    forward: Vec<Weight>,
    backward: Vec<Weight>,
    forward_arc: Vec<u32>,
    backward_arc: Vec<u32>,
    forward_ranks: Vec<u32>,
    backward_ranks: Vec<u32>,
    seen: Vec<u8>,
}

impl CchState {
    /// Labels for a hierarchy of `nodes` nodes.
    pub fn new(nodes: usize) -> CchState {
        CchState {
            forward: vec![INFINITY; nodes],
            backward: vec![INFINITY; nodes],
            forward_arc: vec![NONE; nodes],
            backward_arc: vec![NONE; nodes],
            forward_ranks: Vec::new(),
            backward_ranks: Vec::new(),
            seen: vec![0; nodes],
        }
    }

    /// Nodes it has labels for.
    pub fn nodes(&self) -> usize {
        self.forward.len()
    }
}

/// Elimination-tree queries on a customized [`Cch`].
pub struct CchQuery<'a> {
    cch: &'a Cch,
    metric: &'a CchMetric,
    state: CchState,
}

/// Bits of [`CchState::seen`].
const SEEN_FORWARD: u8 = 1;
const SEEN_BACKWARD: u8 = 2;

impl<'a> CchQuery<'a> {
    /// A query on `cch` with `metric`, reusing `state` when it has the right size.
    pub fn new(cch: &'a Cch, metric: &'a CchMetric, state: Option<CchState>) -> CchQuery<'a> {
        let state = state
            .filter(|s| s.nodes() == cch.nodes())
            .unwrap_or_else(|| CchState::new(cch.nodes()));
        CchQuery { cch, metric, state }
    }

    /// The labels, for the next query.
    pub fn into_state(self) -> CchState {
        self.state
    }

    /// The shortest path from any of `sources` to any of `targets` (graph nodes with the
    /// weight of starting or ending there), if one exists.
    pub fn path(
        &mut self,
        sources: &[(u32, Weight)],
        targets: &[(u32, Weight)],
    ) -> Option<CchPath> {
        let (weight, meet) = self.run(sources, targets);
        let path = meet.map(|m| self.unpack(weight, m));
        self.clear();
        path
    }

    /// The weight of the shortest path, [`INFINITY`] when there is none.
    pub fn distance(&mut self, sources: &[(u32, Weight)], targets: &[(u32, Weight)]) -> Weight {
        let (weight, _) = self.run(sources, targets);
        self.clear();
        weight
    }

    /// Labels the starts and collects their ancestors, ascending.
    fn seed(&mut self, starts: &[(u32, Weight)], forward: bool) {
        let cch = self.cch;
        let st = &mut self.state;
        let (dist, ranks, bit) = if forward {
            (&mut st.forward, &mut st.forward_ranks, SEEN_FORWARD)
        } else {
            (&mut st.backward, &mut st.backward_ranks, SEEN_BACKWARD)
        };
        for &(v, w) in starts {
            let Some(&r) = cch.rank.get(v as usize) else {
                continue;
            };
            if w < dist[r as usize] {
                dist[r as usize] = w;
            }
            let mut x = r;
            while x != NONE && st.seen[x as usize] & bit == 0 {
                st.seen[x as usize] |= bit;
                ranks.push(x);
                x = cch.parent(x);
            }
        }
        ranks.sort_unstable();
    }

    /// Both sweeps, merged in rank order so that a label no better than the best meeting so
    /// far is not relaxed. Returns the best weight and the rank where the best path meets.
    fn run(
        &mut self,
        sources: &[(u32, Weight)],
        targets: &[(u32, Weight)],
    ) -> (Weight, Option<u32>) {
        self.seed(sources, true);
        self.seed(targets, false);
        let cch = self.cch;
        let m = self.metric;
        let up_first: &[u32] = &cch.up_first;
        let up_head: &[u32] = &cch.up_head;
        let st = &mut self.state;
        let (mut i, mut j) = (0, 0);
        let mut best = INFINITY;
        let mut meet = None;
        while i < st.forward_ranks.len() || j < st.backward_ranks.len() {
            let f = st.forward_ranks.get(i).copied().unwrap_or(NONE);
            let b = st.backward_ranks.get(j).copied().unwrap_or(NONE);
            let x = f.min(b);
            let xi = x as usize;
            if f == x {
                i += 1;
            }
            if b == x {
                j += 1;
            }
            if f == x && b == x {
                let through = st.forward[xi].saturating_add(st.backward[xi]);
                if through < best {
                    best = through;
                    meet = Some(x);
                }
            }
            let arcs = up_first[xi] as usize..up_first[xi + 1] as usize;
            if f == x {
                let d = st.forward[xi];
                if d < best {
                    for a in arcs.clone() {
                        let z = up_head[a] as usize;
                        let through = d.saturating_add(m.up_weight[a]);
                        if through < st.forward[z] {
                            st.forward[z] = through;
                            st.forward_arc[z] = a as u32;
                        }
                    }
                }
            }
            if b == x {
                let d = st.backward[xi];
                if d < best {
                    for a in arcs {
                        let z = up_head[a] as usize;
                        let through = d.saturating_add(m.down_weight[a]);
                        if through < st.backward[z] {
                            st.backward[z] = through;
                            st.backward_arc[z] = a as u32;
                        }
                    }
                }
            }
        }
        (best, meet)
    }

    /// Resets the labels the last query touched.
    fn clear(&mut self) {
        let st = &mut self.state;
        for &x in &st.forward_ranks {
            st.forward[x as usize] = INFINITY;
            st.forward_arc[x as usize] = NONE;
            st.seen[x as usize] = 0;
        }
        for &x in &st.backward_ranks {
            st.backward[x as usize] = INFINITY;
            st.backward_arc[x as usize] = NONE;
            st.seen[x as usize] = 0;
        }
        st.forward_ranks.clear();
        st.backward_ranks.clear();
    }

    /// The graph path through the meeting rank `meet`.
    fn unpack(&self, weight: Weight, meet: u32) -> CchPath {
        let cch = self.cch;
        let st = &self.state;
        // Up from the source: arcs walked upwards, collected from the meeting node down.
        let mut up_arcs = Vec::new();
        let mut x = meet;
        while st.forward_arc[x as usize] != NONE {
            let a = st.forward_arc[x as usize] as usize;
            up_arcs.push(a);
            x = cch.tail(a);
        }
        let source = cch.node_at[x as usize];
        let mut edges = Vec::new();
        for &a in up_arcs.iter().rev() {
            self.unpack_arc(a, true, &mut edges);
        }
        // Down to the target: arcs walked downwards.
        let mut x = meet;
        while st.backward_arc[x as usize] != NONE {
            let a = st.backward_arc[x as usize] as usize;
            self.unpack_arc(a, false, &mut edges);
            x = cch.tail(a);
        }
        CchPath {
            weight,
            source,
            target: cch.node_at[x as usize],
            edges,
        }
    }

    /// Appends the graph edges of arc `a` walked upwards (`up`) or downwards.
    fn unpack_arc(&self, a: usize, up: bool, out: &mut Vec<u32>) {
        let cch = self.cch;
        let m = self.metric;
        let mut stack = vec![(a, up)];
        while let Some((a, up)) = stack.pop() {
            let via = if up { m.up_via[a] } else { m.down_via[a] };
            if via & VIA_EDGE != 0 {
                out.push(via & !VIA_EDGE);
                continue;
            }
            let (y, z) = (cch.tail(a), cch.up_head[a]);
            let (xy, xz) = match (cch.arc(via, y), cch.arc(via, z)) {
                (Some(xy), Some(xz)) => (xy, xz),
                _ => unreachable!("a triangle's arcs exist (checked with the hierarchy)"),
            };
            // Pushed in reverse: the first half is popped first.
            if up {
                // y → x → z: arc x–y downwards, then x–z upwards.
                stack.push((xz, true));
                stack.push((xy, false));
            } else {
                // z → x → y: arc x–z downwards, then x–y upwards.
                stack.push((xy, true));
                stack.push((xz, false));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A square with a diagonal drawn in the test: 0 → 1 → 2 costs 2 + 3, the diagonal 0 → 2
    /// costs 10, then the diagonal becomes cheap in a second customization.
    #[test]
    fn two_customizations_of_one_square() {
        let coordinates = [[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0]];
        let edges = [(0, 1), (1, 2), (0, 2), (2, 3), (3, 0)];
        let (cch, stats) = Cch::build(&coordinates, &edges);
        cch.check(4, &edges).unwrap();
        assert_eq!(stats.nodes, 4);
        let metric = cch.customize(&[2, 3, 10, 1, 1]);
        let mut q = CchQuery::new(&cch, &metric, None);
        let p = q.path(&[(0, 0)], &[(2, 0)]).unwrap();
        assert_eq!((p.weight, p.edges.clone()), (5, vec![0, 1]));
        assert_eq!(q.distance(&[(2, 0)], &[(0, 0)]), 2);
        assert_eq!(q.distance(&[(1, 0)], &[(0, 0)]), 5);
        let state = q.into_state();
        let metric = cch.customize(&[2, 3, 4, 1, INFINITY]);
        let mut q = CchQuery::new(&cch, &metric, Some(state));
        let p = q.path(&[(0, 0)], &[(2, 0)]).unwrap();
        assert_eq!((p.weight, p.edges), (4, vec![2]));
        assert_eq!(q.distance(&[(2, 0)], &[(0, 0)]), INFINITY);
        assert_eq!(q.path(&[(3, 0)], &[(1, 0)]), None);
    }
}
