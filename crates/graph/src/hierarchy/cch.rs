//! Customizable contraction hierarchies (Dibbelt, Strasser & Wagner 2016): contraction once
//! for every metric, then a customization for any weights (another criterion, nodes or modes
//! forbidden), then queries in milliseconds.
//!
//! - [`Cch::build`]: a nested-dissection order of the nodes ([`dissection`](super::dissection))
//!   and the chordal supergraph it implies: every node's higher neighbours form a clique after
//!   the node is eliminated. Only the graph's shape counts, not its weights. Ranks are then
//!   renumbered by a post-order of the elimination tree, so that every subtree is a range.
//! - [`Cch::customize`]: the weights of the original edges put on the hierarchy's arcs, then
//!   every lower triangle `(y, x, z)`, `y` below `x` below `z`, relaxes the arc `x–z` through
//!   `y` in both directions ("basic customization": each node pulls through its lower
//!   neighbours, as RoutingKit does; disjoint subtrees in parallel).
//! - [`CchQuery`]: the elimination-tree query: from the sources and the targets, up their
//!   ancestors in the elimination tree, relaxing every upward arc (no priority queue); the
//!   path unpacked back to graph edges through the triangles that made each arc.
//!
//! Arcs are numbered by their lower end's rank (`up_first`), each list sorted by the higher
//! end, so the arc between two ranks is a binary search away.

use super::dissection::nested_dissection;
use super::{HierarchyPath, Weight, INFINITY};
use crate::array::Array;
use rayon::prelude::*;

/// "No arc" for an edge that is a loop, "no parent" for a root.
const NONE: u32 = u32::MAX;
/// More edges, or arcs, than a hierarchy takes (an edge's arc and direction share a u32).
const MAX_EDGES: usize = 1 << 31;

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
    /// First lower arc of each rank (one more entry than nodes): the arcs from lower ranks.
    pub(crate) down_first: Array<u32>,
    /// Lower end of each lower arc (ascending within a rank's).
    pub(crate) down_tail: Array<u32>,
    /// The arc of each lower arc.
    pub(crate) down_arc: Array<u32>,
    /// For each graph edge: the arc it lies on × 2, + 1 when it runs from the higher end to
    /// the lower; `u32::MAX` for a loop.
    pub(crate) edge_arc: Array<u32>,
    /// Every edge but loops, ordered by the arc it lies on (then by number): the edges of an
    /// arc are a binary search away.
    pub(crate) arc_edges: Array<u32>,
    /// What partial customizations look arcs' edges up with, made on the first.
    pub(crate) listed_arc: Derived<ArcEdgeIndex>,
    /// [`Cch::triangles`], counted when first asked for.
    pub(crate) triangle_count: Derived<u64>,
}

/// Which arcs have edges on them, and where: `edge_arc` of each of `arc_edges` (so that a
/// binary search reads one array), and a bit per arc that has edges (most arcs are fill-in).
pub(crate) struct ArcEdgeIndex {
    listed: Vec<u32>,
    has_edges: Vec<u64>,
    /// A bit per arc, all clear between partial customizations: the arcs queued (each bit is
    /// cleared when its arc is recomputed, so nothing needs clearing afterwards and no page
    /// of it is touched twice).
    queued: std::sync::Mutex<Vec<u64>>,
}

impl Clone for ArcEdgeIndex {
    fn clone(&self) -> Self {
        ArcEdgeIndex {
            listed: self.listed.clone(),
            has_edges: self.has_edges.clone(),
            queued: std::sync::Mutex::new(vec![0; self.has_edges.len()]),
        }
    }
}

/// What a [`Cch`] makes from its other arrays when first needed; it never tells two
/// hierarchies apart.
#[derive(Clone)]
pub(crate) struct Derived<T>(std::sync::OnceLock<T>);

impl<T> Default for Derived<T> {
    fn default() -> Self {
        Derived(std::sync::OnceLock::new())
    }
}

impl<T> PartialEq for Derived<T> {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl<T> std::fmt::Debug for Derived<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("(derived)")
    }
}

/// The weights of a [`Cch`] for one metric: per arc, upwards and downwards, and the edge
/// weights they were made from (to unpack paths: an arc's weight is an edge's on it or a
/// lower triangle's).
///
/// A customization stored in a graph file ([`StoredCustomization`]) is viewed in the mapped
/// file; a partial customization of it copies it first.
#[derive(Debug, Clone, PartialEq)]
pub struct CchMetric {
    pub(crate) up_weight: Array<Weight>,
    pub(crate) down_weight: Array<Weight>,
    pub(crate) edge_weight: Array<Weight>,
}

/// A customization made when the graph file was built and stored in it, for the requests
/// whose weights `key` names (what the routing layer makes of an objective, cargo and
/// filters); their weights are integers at `scale` units per unit of value. A reader does not
/// trust the key alone: the stored edge weights tell what it was customized for.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredCustomization {
    /// The weights' name.
    pub key: String,
    /// Integer units per unit of value (hour, USD or kg CO2e).
    pub scale: f64,
    /// The customization.
    pub metric: CchMetric,
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
        Cch::from_order(nested_dissection(coordinates, edges), edges)
    }

    /// Contracts a graph of `node_at.len()` nodes in the given order (`node_at[r]` is the node
    /// of rank `r`, least important first), for an order made elsewhere (another tool's nested
    /// dissection, to compare).
    ///
    /// # Panics
    /// If `node_at` is not a permutation, there are 2³¹ edges or more, or an edge names a node
    /// that does not exist.
    pub fn from_order(node_at: Vec<u32>, edges: &[(u32, u32)]) -> (Cch, CchStats) {
        assert!(edges.len() < MAX_EDGES, "too many edges for a CCH");
        let n = node_at.len();
        let mut rank = vec![NONE; n];
        for (r, &v) in node_at.iter().enumerate() {
            assert!(rank[v as usize] == NONE, "the order names node {v} twice");
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
        // Ranks by a post-order of the elimination tree (children before parents, so every
        // subtree is a range of ranks, which customizes apart from the others). Any
        // topological order of the elimination tree fills the same graph (Liu 1990, "The role
        // of elimination trees in sparse factorization"): the arcs are only renamed.
        let parent: Vec<u32> = up
            .iter()
            .map(|l| l.first().copied().unwrap_or(NONE))
            .collect();
        let mut size = vec![1u32; n];
        for x in 0..n {
            if parent[x] != NONE {
                size[parent[x] as usize] += size[x];
            }
        }
        let mut next_start = vec![0u32; n];
        let mut post = vec![0u32; n];
        let mut roots_start = 0;
        for x in (0..n).rev() {
            let start = match parent[x] {
                NONE => {
                    roots_start += size[x];
                    roots_start - size[x]
                }
                p => {
                    next_start[p as usize] += size[x];
                    next_start[p as usize] - size[x]
                }
            };
            next_start[x] = start;
            post[x] = start + size[x] - 1;
        }
        drop((parent, size, next_start));
        let mut relabelled: Vec<Vec<u32>> = vec![Vec::new(); n];
        for (x, list) in up.into_iter().enumerate() {
            let mut list: Vec<u32> = list.into_iter().map(|z| post[z as usize]).collect();
            list.sort_unstable();
            relabelled[post[x] as usize] = list;
        }
        let up = relabelled;
        let node_at: Vec<u32> = {
            let mut at = vec![0u32; n];
            for (x, &v) in node_at.iter().enumerate() {
                at[post[x] as usize] = v;
            }
            at
        };
        drop(rank);
        let mut up_first = Vec::with_capacity(n + 1);
        up_first.push(0u32);
        let total: usize = up.iter().map(Vec::len).sum();
        // An edge's arc and direction share a u32 (arc × 2 + direction).
        assert!(total < MAX_EDGES, "too many arcs for a CCH");
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
        let stats = CchStats {
            nodes: n,
            arcs: up_head.len(),
            tree_height,
        };
        let cch = Cch::assemble(node_at, up_first, up_head, edges);
        (cch, stats)
    }

    /// The hierarchy of the order `node_at` and the arcs by lower rank (`up_first`,
    /// `up_head`, each list ascending), with what follows from them: the ranks, the arcs seen
    /// from above, each edge's arc and the edges by arc.
    fn assemble(
        node_at: Vec<u32>,
        up_first: Vec<u32>,
        up_head: Vec<u32>,
        edges: &[(u32, u32)],
    ) -> Cch {
        let mut rank = vec![0u32; node_at.len()];
        for (r, &v) in node_at.iter().enumerate() {
            rank[v as usize] = r as u32;
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
        let (down_first, down_tail, down_arc) = transpose(&up_first, &up_head);
        let mut arc_edges: Vec<u32> = (0..edges.len() as u32)
            .filter(|&e| edge_arc[e as usize] != NONE)
            .collect();
        arc_edges.par_sort_unstable_by_key(|&e| (edge_arc[e as usize] / 2, e));
        Cch {
            rank: rank.into(),
            node_at: node_at.into(),
            up_first: up_first.into(),
            up_head: up_head.into(),
            down_first: down_first.into(),
            down_tail: down_tail.into(),
            down_arc: down_arc.into(),
            edge_arc: edge_arc.into(),
            arc_edges: arc_edges.into(),
            listed_arc: Derived::default(),
            triangle_count: Derived::default(),
        }
    }

    /// Nodes ordered.
    pub fn nodes(&self) -> usize {
        self.rank.len()
    }

    /// Whether its arrays are viewed in a mapped graph file (not copied into memory).
    pub fn is_mapped(&self) -> bool {
        self.up_head.is_mapped() && self.down_arc.is_mapped() && self.edge_arc.is_mapped()
    }

    /// The graph node at each rank, least important first (to give another tool the same
    /// order).
    pub fn order(&self) -> &[u32] {
        &self.node_at
    }

    /// Edges of the graph it was prepared on.
    pub fn edges(&self) -> usize {
        self.edge_arc.len()
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

    /// The number of nodes in each rank's subtree of the elimination tree.
    fn subtree_sizes(&self) -> Vec<u32> {
        let mut size = vec![1u32; self.nodes()];
        for x in 0..self.nodes() {
            let p = self.parent(x as u32);
            if p != NONE {
                size[p as usize] += size[x];
            }
        }
        size
    }

    /// The lower end of arc `a`.
    fn tail(&self, a: usize) -> u32 {
        (self.up_first.partition_point(|&f| f as usize <= a) - 1) as u32
    }

    /// Checks that a stored hierarchy fits a graph of `nodes` nodes and `edges` (tail, head):
    /// the order is a permutation, the arcs go up and are sorted, every node's higher
    /// neighbours but its parent are its parent's too (so every lower triangle's third arc
    /// exists), and every edge's arc joins its ends. Linear scans, in parallel; the error of
    /// the first rank or edge at fault.
    pub fn check(&self, nodes: usize, edges: &[(u32, u32)]) -> Result<(), CchError> {
        let edge_count = edges.len();
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
        first_error(nodes, |x| {
            let x = x as u32;
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
            Ok(())
        })?;
        // Ranks are a post-order of the elimination tree: each subtree's range of ranks lies
        // in its parent's (customization splits the arcs by subtree). With the arcs chordal,
        // a node's lower neighbours are in its subtree, so in its range.
        let size = self.subtree_sizes();
        for x in 0..nodes {
            let parent = self.parent(x as u32);
            if parent != NONE
                && subtree_first(x, size[x]) < subtree_first(parent as usize, size[parent as usize])
            {
                return bad(format!(
                    "the ranks are not a post-order of the elimination tree at rank {x}"
                ));
            }
        }
        // The lower arcs: each rank's list names arcs that end there, from ascending lower
        // ranks; as many as there are arcs, so each arc is named exactly once.
        let arcs = self.up_head.len();
        if self.down_first.len() != nodes + 1
            || self.down_first.first() != Some(&0)
            || self.down_first.last().map(|&l| l as usize) != Some(arcs)
            || self.down_first.windows(2).any(|w| w[0] > w[1])
            || self.down_tail.len() != arcs
            || self.down_arc.len() != arcs
        {
            return bad("the lower arc offsets do not fit the arcs".into());
        }
        first_error(nodes, |x| {
            let lower = self.down_first[x] as usize..self.down_first[x + 1] as usize;
            let tails = &self.down_tail[lower.clone()];
            if tails.windows(2).any(|w| w[0] >= w[1]) {
                return bad(format!("the lower arcs of rank {x} are not in order"));
            }
            for (&y, &a) in tails.iter().zip(&self.down_arc[lower]) {
                let fits = (y as usize) < nodes
                    && self.arcs_of(y).contains(&(a as usize))
                    && self.up_head[a as usize] as usize == x;
                if !fits {
                    return bad(format!(
                        "a lower arc of rank {x} is not an arc from rank {y}"
                    ));
                }
            }
            Ok(())
        })?;
        if self.edge_arc.len() != edge_count {
            return bad(format!(
                "{} edge arcs for {} edges",
                self.edge_arc.len(),
                edge_count
            ));
        }
        first_error(edge_count, |e| {
            let ea = self.edge_arc[e];
            let (a, b) = edges[e];
            if a as usize >= nodes || b as usize >= nodes {
                return bad(format!("edge {e} names a missing node"));
            }
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
            if fits {
                Ok(())
            } else {
                bad(format!("edge {e} is on the wrong arc"))
            }
        })?;
        // Every edge but loops once, ordered by arc then number.
        let key = |e: u32| self.edge_arc.get(e as usize).map(|&ea| (ea / 2, e));
        if self.edge_arc.iter().filter(|&&ea| ea != NONE).count() != self.arc_edges.len()
            || self
                .arc_edges
                .iter()
                .any(|&e| key(e).is_none_or(|(a, _)| a as usize >= arcs))
            || self.arc_edges.windows(2).any(|w| key(w[0]) >= key(w[1]))
        {
            return bad("the edges are not listed by arc".into());
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
        let task_nodes = (self.nodes() / (rayon::current_num_threads() * 8)).max(4096);
        self.customize_split(weights, task_nodes, 256)
    }

    /// [`customize`](Cch::customize) with subtrees of at most `task_nodes` nodes customized
    /// in parallel and the lower neighbours of a node above them split between threads when
    /// it has `split_lower` or more (the answer is the same whatever they are; tests set them
    /// small to reach every path on small graphs).
    #[doc(hidden)]
    pub fn customize_split(
        &self,
        weights: &[Weight],
        task_nodes: usize,
        split_lower: usize,
    ) -> CchMetric {
        assert_eq!(weights.len(), self.edge_arc.len(), "one weight per edge");
        let arcs = self.arcs();
        let mut up_weight = vec![INFINITY; arcs];
        let mut down_weight = vec![INFINITY; arcs];
        for (&ea, &w) in self.edge_arc.iter().zip(weights) {
            if ea == NONE {
                continue;
            }
            let a = (ea / 2) as usize;
            let weight = if ea % 2 == 0 {
                &mut up_weight[a]
            } else {
                &mut down_weight[a]
            };
            *weight = (*weight).min(w);
        }
        let g = Arcs {
            up_first: &self.up_first,
            up_head: &self.up_head,
            down_first: &self.down_first,
            down_tail: &self.down_tail,
            down_arc: &self.down_arc,
        };
        let n = self.nodes();
        // Ranks are a post-order of the elimination tree: a subtree is a range of ranks whose
        // arcs are a range of arcs, and its triangles never leave it. The subtrees of at most
        // `task_nodes` nodes under a bigger parent customize in parallel, then the nodes
        // above them (the top separators) one by one, each with its lower neighbours split
        // between the threads when it has many.
        let size = self.subtree_sizes();
        let mut tasks = Vec::new();
        let (mut up_rest, mut down_rest, mut offset) =
            (&mut up_weight[..], &mut down_weight[..], 0usize);
        for x in 0..n {
            let parent = self.parent(x as u32);
            let top = parent == NONE || size[parent as usize] as usize > task_nodes;
            if size[x] as usize <= task_nodes && top {
                let lo = subtree_first(x, size[x]);
                let (start, end) = (g.up_first[lo] as usize, g.up_first[x + 1] as usize);
                let (_, rest) = std::mem::take(&mut up_rest).split_at_mut(start - offset);
                let (up, rest) = rest.split_at_mut(end - start);
                up_rest = rest;
                let (_, rest) = std::mem::take(&mut down_rest).split_at_mut(start - offset);
                let (down, rest) = rest.split_at_mut(end - start);
                down_rest = rest;
                offset = end;
                tasks.push((lo..x + 1, start, up, down));
            }
        }
        tasks.into_par_iter().for_each_init(
            || vec![NONE; n],
            |arc_to, (ranks, base, up, down)| {
                for x in ranks {
                    g.customize_node(x, up, down, base, arc_to);
                }
            },
        );
        let mut arc_to = vec![NONE; n];
        for (x, &nodes_below) in size.iter().enumerate() {
            if nodes_below as usize > task_nodes {
                if (g.down_first[x + 1] - g.down_first[x]) as usize >= split_lower {
                    g.customize_node_in_parallel(x, &mut up_weight, &mut down_weight, &mut arc_to);
                } else {
                    g.customize_node(x, &mut up_weight, &mut down_weight, 0, &mut arc_to);
                }
            }
        }
        CchMetric {
            up_weight: up_weight.into(),
            down_weight: down_weight.into(),
            edge_weight: weights.to_vec().into(),
        }
    }
}

impl Cch {
    /// Makes `metric` (a customization of this hierarchy) the customization for `weights`
    /// (one per graph edge) by recomputing only the arcs the changed edges can reach: the
    /// arcs of the changed edges, from their edges and lower triangles, then, when an arc's
    /// weight changes, the arcs above it whose weight came through it or can come through
    /// it now, lowest first ("partial customization", Dibbelt, Strasser & Wagner 2016, as
    /// RoutingKit's `CustomizableContractionHierarchyPartialCustomization` does). The
    /// result is the one [`customize`](Cch::customize) gives for `weights`; its cost is
    /// that of the arcs recomputed, which it returns: a few thousand for a closed place or
    /// border on a big graph, against every arc for a whole customization.
    ///
    /// # Panics
    /// If `weights` does not have one entry per edge, or `metric` is not of this hierarchy.
    pub fn recustomize(&self, metric: &mut CchMetric, weights: &[Weight]) -> usize {
        assert_eq!(weights.len(), self.edge_arc.len(), "one weight per edge");
        let changed: Vec<(u32, Weight)> = metric
            .edge_weight
            .par_iter()
            .zip(weights)
            .enumerate()
            .filter(|(_, (old, new))| old != new)
            .map(|(e, (_, &new))| (e as u32, new))
            .collect();
        self.recustomize_edges(metric, &changed)
    }

    /// [`recustomize`](Cch::recustomize) given the edges whose weight changes and their new
    /// weights (edge, weight), without a pass over every edge.
    ///
    /// # Panics
    /// If an edge does not exist, or `metric` is not of this hierarchy.
    pub fn recustomize_edges(&self, metric: &mut CchMetric, changed: &[(u32, Weight)]) -> usize {
        self.recustomize_within(metric, changed, u64::MAX)
            .expect("no limit")
    }

    /// The lower triangles of the hierarchy: what a whole customization goes through, the
    /// measure of [`recustomize_within`](Cch::recustomize_within)'s limit.
    pub fn triangles(&self) -> u64 {
        *self.triangle_count.0.get_or_init(|| {
            (0..self.nodes() as u32)
                .map(|x| {
                    let d = self.arcs_of(x).len() as u64;
                    d * d.saturating_sub(1) / 2
                })
                .sum()
        })
    }

    /// [`recustomize_edges`](Cch::recustomize_edges) that gives up once it has gone through
    /// more than `max_steps` entries of the arc lists (a whole customization goes through
    /// about [`triangles`](Cch::triangles)): the arcs a change reaches can be most of the
    /// top separators' (a line closed across a grid), and recomputing them one by one then
    /// costs more than a whole customization, which also runs on every core. `None` when it
    /// gave up: `metric` is then half changed and must be dropped.
    ///
    /// # Panics
    /// If an edge does not exist, or `metric` is not of this hierarchy.
    pub fn recustomize_within(
        &self,
        metric: &mut CchMetric,
        changed: &[(u32, Weight)],
        max_steps: u64,
    ) -> Option<usize> {
        assert_eq!(
            metric.up_weight.len(),
            self.arcs(),
            "a metric of this hierarchy"
        );
        let index = self.listed_arc.0.get_or_init(|| {
            let listed: Vec<u32> = self
                .arc_edges
                .par_iter()
                .map(|&e| self.edge_arc[e as usize])
                .collect();
            let mut has_edges = vec![0u64; self.arcs().div_ceil(64)];
            for &ea in &listed {
                has_edges[(ea / 2) as usize / 64] |= 1 << ((ea / 2) % 64);
            }
            let queued = std::sync::Mutex::new(vec![0u64; has_edges.len()]);
            ArcEdgeIndex {
                listed,
                has_edges,
                queued,
            }
        });
        // Arcs to recompute with their lower ends, lowest first, each queued once (an arc
        // queues only arcs with a higher lower end, so none is queued after its turn).
        if changed.is_empty() {
            return Some(0);
        }
        let mut queue = std::collections::BinaryHeap::new();
        // The shared bits when no other partial customization holds them, else new ones.
        let mut shared = index.queued.try_lock().ok();
        let mut own: Vec<u64>;
        let queued: &mut Vec<u64> = match shared.as_deref_mut() {
            Some(bits) => bits,
            None => {
                own = vec![0u64; self.arcs().div_ceil(64)];
                &mut own
            }
        };
        type Queue = std::collections::BinaryHeap<std::cmp::Reverse<(u32, u32)>>;
        let push = |queue: &mut Queue, queued: &mut [u64], a: usize, x: u32| {
            if queued[a / 64] & (1 << (a % 64)) == 0 {
                queued[a / 64] |= 1 << (a % 64);
                queue.push(std::cmp::Reverse((a as u32, x)));
            }
        };
        let edge_weights = metric.edge_weight.make_mut();
        for &(e, w) in changed {
            edge_weights[e as usize] = w;
            let ea = self.edge_arc[e as usize];
            if ea != NONE {
                let a = (ea / 2) as usize;
                push(&mut queue, queued, a, self.tail(a));
            }
        }
        let (up_w, down_w) = (metric.up_weight.make_mut(), metric.down_weight.make_mut());
        let edge_weight = &*metric.edge_weight;
        let (mut recomputed, mut steps) = (0, 0u64);
        while let Some(std::cmp::Reverse((a, x))) = queue.pop() {
            recomputed += 1;
            let (a, x) = (a as usize, x as usize);
            queued[a / 64] &= !(1 << (a % 64));
            let y = self.up_head[a] as usize;
            steps += (self.lower_of(x).len()
                + 2 * self.lower_of(y).len()
                + self.arcs_of(x as u32).len()
                + self.arcs_of(y as u32).len()) as u64;
            if steps > max_steps {
                for std::cmp::Reverse((a, _)) in queue.drain() {
                    queued[a as usize / 64] &= !(1 << (a % 64));
                }
                return None;
            }
            let (old_up, old_down) = (up_w[a], down_w[a]);
            // The arc's own edges, then its lower triangles x–z–y: z below both.
            let (mut up, mut down) = (INFINITY, INFINITY);
            if index.has_edges[a / 64] & (1 << (a % 64)) != 0 {
                let listed = &index.listed;
                let first = listed.partition_point(|&ea| ((ea / 2) as usize) < a);
                for (&ea, &e) in listed[first..].iter().zip(&self.arc_edges[first..]) {
                    if (ea / 2) as usize != a {
                        break;
                    }
                    let w = edge_weight[e as usize];
                    if ea % 2 == 0 {
                        up = up.min(w);
                    } else {
                        down = down.min(w);
                    }
                }
            }
            let (xs, ys) = (self.lower_of(x), self.lower_of(y));
            let (zx_arcs, zy_arcs) = (&self.down_arc[xs.clone()], &self.down_arc[ys.clone()]);
            for_each_common(&self.down_tail[xs], &self.down_tail[ys], |i, j| {
                let (zx, zy) = (zx_arcs[i] as usize, zy_arcs[j] as usize);
                up = up.min(down_w[zx].saturating_add(up_w[zy]));
                down = down.min(down_w[zy].saturating_add(up_w[zx]));
            });
            (up_w[a], down_w[a]) = (up, down);
            if (up, down) == (old_up, old_down) {
                continue;
            }
            // An arc above is recomputed if its weight came through this arc's old weight
            // or would be less through the new one.
            // This arc as the upper side x–y of a triangle x–z, z–y (x < z < y): the top
            // z–y, whose up weight is z → x → y and down weight y → x → z.
            let (below, y_low) = (self.arcs_of(x as u32).start..a, self.lower_of(y));
            let y_low_arcs = &self.down_arc[y_low.clone()];
            for_each_common(
                &self.up_head[below.clone()],
                &self.down_tail[y_low],
                |i, j| {
                    // z → x then x → y (this arc up); y → x (this arc down) then x → z.
                    let (xz, top) = (below.start + i, y_low_arcs[j] as usize);
                    let (t_up, t_down) = (up_w[top], down_w[top]);
                    if down_w[xz].saturating_add(old_up) == t_up
                        || old_down.saturating_add(up_w[xz]) == t_down
                        || down_w[xz].saturating_add(up) < t_up
                        || down.saturating_add(up_w[xz]) < t_down
                    {
                        push(&mut queue, queued, top, self.up_head[xz]);
                    }
                },
            );
            // This arc as the lower side x–y of a triangle x–z, y–z (y < z): the top y–z,
            // whose up weight is y → x → z and down weight z → x → y.
            let (above, y_up) = (a + 1..self.arcs_of(x as u32).end, self.arcs_of(y as u32));
            for_each_common(
                &self.up_head[above.clone()],
                &self.up_head[y_up.clone()],
                |i, j| {
                    // y → x (this arc down) then x → z; z → x then x → y (this arc up).
                    let (xz, top) = (above.start + i, y_up.start + j);
                    let (t_up, t_down) = (up_w[top], down_w[top]);
                    if old_down.saturating_add(up_w[xz]) == t_up
                        || down_w[xz].saturating_add(old_up) == t_down
                        || down.saturating_add(up_w[xz]) < t_up
                        || down_w[xz].saturating_add(up) < t_down
                    {
                        push(&mut queue, queued, top, y as u32);
                    }
                },
            );
        }
        Some(recomputed)
    }

    /// The lower arcs of rank `x` (positions in `down_tail` and `down_arc`).
    fn lower_of(&self, x: usize) -> std::ops::Range<usize> {
        self.down_first[x] as usize..self.down_first[x + 1] as usize
    }
}

impl CchMetric {
    /// Arcs it weighs.
    pub fn arcs(&self) -> usize {
        self.up_weight.len()
    }

    /// The graph edges' weights it was customized for.
    pub fn edge_weights(&self) -> &[Weight] {
        &self.edge_weight
    }
}

/// Calls `each(i, j)` for every value that the ascending lists `a` and `b` both hold, at
/// `a[i]` and `b[j]`.
#[inline]
fn for_each_common(a: &[u32], b: &[u32], mut each: impl FnMut(usize, usize)) {
    let (mut i, mut j) = (0, 0);
    while let (Some(&u), Some(&v)) = (a.get(i), b.get(j)) {
        match u.cmp(&v) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                each(i, j);
                i += 1;
                j += 1;
            }
        }
    }
}

/// The error of the first of `0..count` at which `test` fails, the tests run in parallel.
fn first_error(
    count: usize,
    test: impl Fn(usize) -> Result<(), CchError> + Sync,
) -> Result<(), CchError> {
    match (0..count).into_par_iter().find_map_first(|i| test(i).err()) {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

/// The lowest rank of the subtree of rank `x` that has `size` nodes, in a post-order (0 for a
/// size that does not fit, which a check then refuses).
fn subtree_first(x: usize, size: u32) -> usize {
    (x + 1).saturating_sub(size as usize)
}

/// A hierarchy's arrays as plain slices, for customization.
struct Arcs<'a> {
    up_first: &'a [u32],
    up_head: &'a [u32],
    down_first: &'a [u32],
    down_tail: &'a [u32],
    down_arc: &'a [u32],
}

impl Arcs<'_> {
    /// Relaxes the arcs of rank `x` through each of its lower triangles. `up` and `down` hold
    /// the weights of the arcs from number `base` on (those of `x`'s subtree at least);
    /// `arc_to` is scratch of one entry per rank.
    fn customize_node(
        &self,
        x: usize,
        up: &mut [Weight],
        down: &mut [Weight],
        base: usize,
        arc_to: &mut [u32],
    ) {
        let (s, e) = (self.up_first[x] as usize, self.up_first[x + 1] as usize);
        for (a, &z) in (s..e).zip(&self.up_head[s..e]) {
            arc_to[z as usize] = (a - base) as u32;
        }
        // Every lower neighbour y of x closes a triangle with x and each of its higher
        // neighbours z above x: x → y → z and z → y → x.
        let lower = self.down_first[x] as usize..self.down_first[x + 1] as usize;
        for (&y, &yx) in self.down_tail[lower.clone()]
            .iter()
            .zip(&self.down_arc[lower])
        {
            let yx = yx as usize - base;
            let (x_to_y, y_to_x) = (down[yx], up[yx]);
            if x_to_y == INFINITY && y_to_x == INFINITY {
                continue;
            }
            let y = y as usize;
            let arcs = self.up_first[y] as usize..self.up_first[y + 1] as usize;
            if let Some(from) = self.same_above(y, x, e - s) {
                // y's arcs above x lead where x's do, in the same order (y < x: they lie
                // before x's in the arrays).
                let (ys, ye) = (from - base, arcs.end - base);
                let (below_up, x_up) = up.split_at_mut(s - base);
                let (below_down, x_down) = down.split_at_mut(s - base);
                relax_through(&mut x_up[..e - s], x_to_y, &below_up[ys..ye]);
                relax_through(&mut x_down[..e - s], y_to_x, &below_down[ys..ye]);
                continue;
            }
            for (yz, &z) in arcs.clone().zip(&self.up_head[arcs]).rev() {
                if z as usize <= x {
                    break;
                }
                let (yz, xz) = (yz - base, arc_to[z as usize] as usize);
                let through = x_to_y.saturating_add(up[yz]);
                if through < up[xz] {
                    up[xz] = through;
                }
                let through = down[yz].saturating_add(y_to_x);
                if through < down[xz] {
                    down[xz] = through;
                }
            }
        }
    }

    /// Where the arcs of `y` to ranks above `x` start when they are as many as `x`'s arcs
    /// (`x_arcs`): `y` is a lower neighbour of `x`, so its higher neighbours above `x` are
    /// among `x`'s (the arcs are chordal), and as many means the same, in the same order. In a
    /// dense separator near the top of the elimination tree most lower triangles are of this
    /// kind; they are relaxed as two slices side by side, without looking each arc up.
    fn same_above(&self, y: usize, x: usize, x_arcs: usize) -> Option<usize> {
        let arcs = self.up_first[y] as usize..self.up_first[y + 1] as usize;
        if arcs.len() < x_arcs {
            return None;
        }
        let from = arcs.end - x_arcs;
        // Ascending heads: the arcs from `from` on are above `x` when the first of them is
        // (and then the one before it is `x` itself or below).
        (x_arcs == 0 || self.up_head[from] as usize > x)
            .then_some(from)
            .filter(|&f| f == arcs.start || self.up_head[f - 1] as usize <= x)
    }

    /// [`customize_node`](Arcs::customize_node) for a node with many lower neighbours, split
    /// between the threads (each keeps the least weights it finds; then the least of all).
    fn customize_node_in_parallel(
        &self,
        x: usize,
        up: &mut [Weight],
        down: &mut [Weight],
        arc_to: &mut [u32],
    ) {
        let (s, e) = (self.up_first[x] as usize, self.up_first[x + 1] as usize);
        for (a, &z) in (s..e).zip(&self.up_head[s..e]) {
            arc_to[z as usize] = (a - s) as u32;
        }
        let (arc_to, up_now, down_now) = (&*arc_to, &*up, &*down);
        let lower = self.down_first[x] as usize..self.down_first[x + 1] as usize;
        let fresh = || (vec![INFINITY; e - s], vec![INFINITY; e - s]);
        let (best_up, best_down) = lower
            .into_par_iter()
            .with_min_len(64)
            .fold(fresh, |(mut bu, mut bd), i| {
                let (y, yx) = (self.down_tail[i] as usize, self.down_arc[i] as usize);
                let (x_to_y, y_to_x) = (down_now[yx], up_now[yx]);
                let arcs = self.up_first[y] as usize..self.up_first[y + 1] as usize;
                if let Some(from) = self.same_above(y, x, e - s) {
                    relax_through(&mut bu, x_to_y, &up_now[from..arcs.end]);
                    relax_through(&mut bd, y_to_x, &down_now[from..arcs.end]);
                    return (bu, bd);
                }
                for (yz, &z) in arcs.clone().zip(&self.up_head[arcs]).rev() {
                    if z as usize <= x {
                        break;
                    }
                    let xz = arc_to[z as usize] as usize;
                    bu[xz] = bu[xz].min(x_to_y.saturating_add(up_now[yz]));
                    bd[xz] = bd[xz].min(down_now[yz].saturating_add(y_to_x));
                }
                (bu, bd)
            })
            .reduce(fresh, |(mut au, mut ad), (bu, bd)| {
                for (a, b) in au.iter_mut().zip(bu) {
                    *a = (*a).min(b);
                }
                for (a, b) in ad.iter_mut().zip(bd) {
                    *a = (*a).min(b);
                }
                (au, ad)
            });
        for (w, b) in up[s..e].iter_mut().zip(best_up) {
            *w = (*w).min(b);
        }
        for (w, b) in down[s..e].iter_mut().zip(best_down) {
            *w = (*w).min(b);
        }
    }
}

/// `best[k] = min(best[k], through + arcs[k])`: the lower triangles through one lower
/// neighbour whose arcs above match the node's own ([`Arcs::same_above`]).
#[inline]
fn relax_through(best: &mut [Weight], through: Weight, arcs: &[Weight]) {
    if through == INFINITY {
        return;
    }
    for (b, &w) in best.iter_mut().zip(arcs) {
        *b = (*b).min(w.saturating_add(through));
    }
}

/// The arcs seen from their higher end: for each rank, its lower neighbours (ascending) and
/// the arc to each.
fn transpose(up_first: &[u32], up_head: &[u32]) -> (Vec<u32>, Vec<u32>, Vec<u32>) {
    let n = up_first.len().saturating_sub(1);
    let mut down_first = vec![0u32; n + 1];
    for &z in up_head {
        if (z as usize) < n {
            down_first[z as usize + 1] += 1;
        }
    }
    for i in 0..n {
        down_first[i + 1] += down_first[i];
    }
    let mut fill = down_first.clone();
    let mut down_tail = vec![0u32; up_head.len()];
    let mut down_arc = vec![0u32; up_head.len()];
    for y in 0..n {
        let arcs = up_first[y] as usize..up_first[y + 1] as usize;
        for (a, &z) in arcs.clone().zip(&up_head[arcs]) {
            let z = z as usize;
            if z < n {
                let slot = fill[z] as usize;
                down_tail[slot] = y as u32;
                down_arc[slot] = a as u32;
                fill[z] += 1;
            }
        }
    }
    (down_first, down_tail, down_arc)
}

/// A rank reached by a sweep ([`CchQuery::labels`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Label {
    /// The rank.
    pub rank: u32,
    /// The best weight from the sweep's starts.
    pub weight: Weight,
    /// The arc it was reached by (its lower end a rank of the same sweep), `u32::MAX` at a
    /// start.
    pub arc: u32,
}

/// The best weight through a rank that both `forward` labels (of sources) and `backward`
/// labels (of targets) reach ([`CchQuery::labels`], each ascending by rank), with that rank,
/// if any: the shortest path's weight from those sources to those targets.
pub fn meet(forward: &[Label], backward: &[Label]) -> Option<(Weight, u32)> {
    let (mut i, mut j) = (0, 0);
    let mut best: Option<(Weight, u32)> = None;
    while let (Some(f), Some(b)) = (forward.get(i), backward.get(j)) {
        match f.rank.cmp(&b.rank) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                let through = f.weight.saturating_add(b.weight);
                if through < INFINITY && best.is_none_or(|(w, _)| through < w) {
                    best = Some((through, f.rank));
                }
                i += 1;
                j += 1;
            }
        }
    }
    best
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

/// Relaxes the arcs `arcs` of rank `x` (their heads and weights given as slices, so that the
/// loop checks no bounds but the labels').
#[inline]
fn relax(
    arcs: std::ops::Range<usize>,
    heads: &[u32],
    weights: &[Weight],
    dist: &mut [Weight],
    arc_of: &mut [u32],
    x: usize,
) {
    let d = dist[x];
    for ((a, &z), &w) in arcs.zip(heads).zip(weights) {
        let through = d.saturating_add(w);
        let z = z as usize;
        if through < dist[z] {
            dist[z] = through;
            arc_of[z] = a as u32;
        }
    }
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
    ) -> Option<HierarchyPath> {
        let (weight, meet) = self.run(sources, targets);
        let path = meet.and_then(|m| self.unpack(weight, m));
        self.clear();
        path
    }

    /// The weight of the shortest path, without the path.
    pub fn distance(
        &mut self,
        sources: &[(u32, Weight)],
        targets: &[(u32, Weight)],
    ) -> Option<Weight> {
        let (weight, meet) = self.run(sources, targets);
        self.clear();
        meet.map(|_| weight)
    }

    /// The labels of one sweep up the elimination tree from `starts` (graph nodes with the
    /// weight of starting there): upwards from sources (`forward`), or over the downward
    /// weights from targets. Every rank reached with a finite weight, ascending; two such lists,
    /// one of each direction, [`meet`] at the best weight between their starts, and
    /// [`CchQuery::path_of_labels`] unpacks that path. A matrix sweeps once per origin and once
    /// per destination instead of once per pair.
    pub fn labels(&mut self, starts: &[(u32, Weight)], forward: bool) -> Vec<Label> {
        self.seed(starts, forward);
        let cch = self.cch;
        let up_first: &[u32] = &cch.up_first;
        let up_head: &[u32] = &cch.up_head;
        let st = &mut self.state;
        let (dist, arc_of, ranks, weights) = if forward {
            (
                &mut st.forward,
                &mut st.forward_arc,
                &st.forward_ranks,
                &self.metric.up_weight,
            )
        } else {
            (
                &mut st.backward,
                &mut st.backward_arc,
                &st.backward_ranks,
                &self.metric.down_weight,
            )
        };
        let mut labels = Vec::with_capacity(ranks.len());
        for &x in ranks {
            let xi = x as usize;
            if dist[xi] == INFINITY {
                continue;
            }
            labels.push(Label {
                rank: x,
                weight: dist[xi],
                arc: arc_of[xi],
            });
            let arcs = up_first[xi] as usize..up_first[xi + 1] as usize;
            relax(
                arcs.clone(),
                &up_head[arcs.clone()],
                &weights[arcs],
                dist,
                arc_of,
                xi,
            );
        }
        self.clear();
        labels
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
            if f == x && st.forward[xi] < best {
                relax(
                    arcs.clone(),
                    &up_head[arcs.clone()],
                    &m.up_weight[arcs.clone()],
                    &mut st.forward,
                    &mut st.forward_arc,
                    xi,
                );
            }
            if b == x && st.backward[xi] < best {
                relax(
                    arcs.clone(),
                    &up_head[arcs.clone()],
                    &m.down_weight[arcs],
                    &mut st.backward,
                    &mut st.backward_arc,
                    xi,
                );
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

    /// The graph path of `weight` through rank `meet` where `forward` and `backward` labels
    /// met ([`meet`]); `None` if the metric's weights do not unpack (a damaged customization).
    pub fn path_of_labels(
        &self,
        forward: &[Label],
        backward: &[Label],
        weight: Weight,
        meet: u32,
    ) -> Option<HierarchyPath> {
        let arc = |labels: &[Label], x: u32| {
            labels[labels
                .binary_search_by_key(&x, |l| l.rank)
                .expect("an arc of a sweep starts at a rank it reached")]
            .arc
        };
        self.unpack_through(weight, meet, |up, x| {
            arc(if up { forward } else { backward }, x)
        })
    }

    /// The graph path through the meeting rank `meet` of the last query's labels.
    fn unpack(&self, weight: Weight, meet: u32) -> Option<HierarchyPath> {
        let st = &self.state;
        self.unpack_through(weight, meet, |up, x| {
            if up {
                st.forward_arc[x as usize]
            } else {
                st.backward_arc[x as usize]
            }
        })
    }

    /// The graph path through rank `meet`, each rank's arc towards the source (`up`) or the
    /// target given by `arc_of` ([`NONE`] at a start); `None` if an arc does not unpack.
    fn unpack_through(
        &self,
        weight: Weight,
        meet: u32,
        arc_of: impl Fn(bool, u32) -> u32,
    ) -> Option<HierarchyPath> {
        let cch = self.cch;
        // Up from the source: arcs walked upwards, collected from the meeting node down.
        let mut up_arcs = Vec::new();
        let mut x = meet;
        while arc_of(true, x) != NONE {
            let a = arc_of(true, x) as usize;
            up_arcs.push(a);
            x = cch.tail(a);
        }
        let source = cch.node_at[x as usize];
        let mut edges = Vec::new();
        for &a in up_arcs.iter().rev() {
            self.unpack_arc(a, true, &mut edges)?;
        }
        // Down to the target: arcs walked downwards.
        let mut x = meet;
        while arc_of(false, x) != NONE {
            let a = arc_of(false, x) as usize;
            self.unpack_arc(a, false, &mut edges)?;
            x = cch.tail(a);
        }
        Some(HierarchyPath {
            weight,
            source,
            target: cch.node_at[x as usize],
            edges,
        })
    }

    /// Appends the graph edges of arc `a` walked upwards (`up`) or downwards: an edge on the
    /// arc with the arc's weight, else the lower triangle whose two arcs add up to it. `None`
    /// if neither makes an arc's weight: a customization does not leave that, a damaged one
    /// stored in a file (checksums refitted) can.
    fn unpack_arc(&self, a: usize, up: bool, out: &mut Vec<u32>) -> Option<()> {
        let cch = self.cch;
        let m = self.metric;
        let mut stack = vec![(a, up)];
        'arcs: while let Some((a, up)) = stack.pop() {
            let w = if up { m.up_weight[a] } else { m.down_weight[a] };
            let edge_arc: &[u32] = &cch.edge_arc;
            let arc_edges: &[u32] = &cch.arc_edges;
            let first = arc_edges.partition_point(|&e| (edge_arc[e as usize] / 2) < a as u32);
            let on = arc_edges[first..]
                .iter()
                .take_while(|&&e| (edge_arc[e as usize] / 2) == a as u32);
            for &e in on {
                let downwards = cch.edge_arc[e as usize] % 2 == 1;
                if downwards != up && m.edge_weight[e as usize] == w {
                    out.push(e);
                    continue 'arcs;
                }
            }
            let (x, z) = (cch.tail(a) as usize, cch.up_head[a] as usize);
            let below_x = cch.down_first[x] as usize..cch.down_first[x + 1] as usize;
            let below_z = cch.down_first[z] as usize..cch.down_first[z + 1] as usize;
            let (mut i, mut j) = (below_x.start, below_z.start);
            while i < below_x.end && j < below_z.end {
                let (yx_tail, yz_tail) = (cch.down_tail[i], cch.down_tail[j]);
                if yx_tail < yz_tail {
                    i += 1;
                } else if yz_tail < yx_tail {
                    j += 1;
                } else {
                    let (yx, yz) = (cch.down_arc[i] as usize, cch.down_arc[j] as usize);
                    // Pushed in reverse: the first half is popped first.
                    if up && m.down_weight[yx].saturating_add(m.up_weight[yz]) == w {
                        // x → y → z: arc y–x downwards, then y–z upwards.
                        stack.push((yz, true));
                        stack.push((yx, false));
                        continue 'arcs;
                    }
                    if !up && m.down_weight[yz].saturating_add(m.up_weight[yx]) == w {
                        // z → y → x: arc y–z downwards, then y–x upwards.
                        stack.push((yx, true));
                        stack.push((yz, false));
                        continue 'arcs;
                    }
                    i += 1;
                    j += 1;
                }
            }
            return None;
        }
        Some(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A hierarchy written by hand from its arcs (identity order), with what the other arrays
    /// follow from.
    fn by_hand(nodes: u32, up: &[&[u32]], edges: &[(u32, u32)]) -> Cch {
        let mut up_first = vec![0u32];
        let mut up_head = Vec::new();
        for list in up {
            up_head.extend_from_slice(list);
            up_first.push(up_head.len() as u32);
        }
        Cch::assemble((0..nodes).collect(), up_first, up_head, edges)
    }

    #[test]
    fn check_refuses_a_tree_out_of_post_order_and_a_graph_that_is_not_chordal() {
        // 0 → 2, 1 → 3, 2 → 3: node 2's subtree {0, 2} is not the range [1, 2].
        let edges = [(0, 2), (1, 3), (2, 3)];
        let cch = by_hand(4, &[&[2], &[3], &[3], &[]], &edges);
        let err = cch.check(4, &edges).unwrap_err().to_string();
        assert!(err.contains("post-order"), "{err}");
        // The same graph in post-order is accepted: 0 → 1, 2 → 3, 1 → 3.
        let edges = [(0, 1), (2, 3), (1, 3)];
        assert_eq!(
            by_hand(4, &[&[1], &[3], &[3], &[]], &edges).check(4, &edges),
            Ok(())
        );
        // 0 joins 1 and 2, which are not joined: eliminating 0 needs the arc 1–2.
        let edges = [(0, 1), (0, 2)];
        let err = by_hand(3, &[&[1, 2], &[], &[]], &edges)
            .check(3, &edges)
            .unwrap_err()
            .to_string();
        assert!(err.contains("not chordal"), "{err}");
    }

    #[test]
    #[should_panic(expected = "twice")]
    fn an_order_that_names_a_node_twice_is_refused() {
        Cch::from_order(vec![0, 0, 1], &[(0, 1)]);
    }

    /// A customization whose arc weights no edge or triangle makes (one stored in a file whose
    /// checksums were refitted) gives no path, not a panic, when a path is unpacked.
    #[test]
    fn a_damaged_customization_gives_no_path_instead_of_a_panic() {
        let coordinates = [[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0]];
        let edges = [(0, 1), (1, 2), (0, 2), (2, 3), (3, 0)];
        let (cch, _) = Cch::build(&coordinates, &edges);
        let mut metric = cch.customize(&[2, 3, 10, 1, 1]);
        for w in metric
            .up_weight
            .make_mut()
            .iter_mut()
            .chain(metric.down_weight.make_mut().iter_mut())
        {
            *w = 7;
        }
        let mut q = CchQuery::new(&cch, &metric, None);
        assert!(q.distance(&[(0, 0)], &[(2, 0)]).is_some());
        assert_eq!(q.path(&[(0, 0)], &[(2, 0)]), None);
    }

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
        assert_eq!(q.distance(&[(2, 0)], &[(0, 0)]), Some(2));
        assert_eq!(q.distance(&[(1, 0)], &[(0, 0)]), Some(5));
        let state = q.into_state();
        let metric = cch.customize(&[2, 3, 4, 1, INFINITY]);
        let mut q = CchQuery::new(&cch, &metric, Some(state));
        let p = q.path(&[(0, 0)], &[(2, 0)]).unwrap();
        assert_eq!((p.weight, p.edges), (4, vec![2]));
        assert_eq!(q.distance(&[(2, 0)], &[(0, 0)]), None);
        assert_eq!(q.path(&[(3, 0)], &[(1, 0)]), None);
    }
}
