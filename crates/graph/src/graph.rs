//! The routing graph: nodes, edges, and the adjacency arrays.

use crate::array::Array;
use bytemuck::{Pod, Zeroable};
use serde::{Deserialize, Serialize};
use silkroute_model::{Cargo, Costs, ElementKind, Layer, Network, PlaceId, Procedure, Table};
use std::ops::Range;

/// Index of a node in [`Graph::nodes`].
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, Pod, Zeroable,
)]
#[repr(transparent)]
pub struct NodeId(pub u32);

impl NodeId {
    /// The index as `usize`.
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// Where a wait to board comes from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum WaitBasis {
    /// Half the headway of the open services of this mode stopping here.
    Services {
        /// Indices into `Network::services`.
        services: Vec<u32>,
        /// Their total departures per week.
        departures_per_week: f64,
    },
    /// No service known: the mode's default wait from modes.csv.
    ModeDefault,
}

/// The wait to board a layer at a place.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Wait {
    /// Typical wait, hours.
    pub p50_h: f64,
    /// Bad-case wait, hours.
    pub p90_h: f64,
    /// Where the number comes from.
    pub basis: WaitBasis,
}

/// A place on one layer: "Dostyk on 1520 mm rail".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Node {
    /// The place.
    pub place: PlaceId,
    /// The mode and gauge.
    pub layer: Layer,
    /// Wait to board this layer here (at the origin or after a change of mode).
    pub board_wait: Wait,
    /// The international side of a port or airport: flights and sailings to or from another
    /// customs territory call here, and cargo passes customs (an exit or entry edge) between
    /// this node and the place's node of the same layer.
    #[serde(default)]
    pub international: bool,
}

/// What an edge represents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum EdgeKind {
    /// Running along a link (index into `Network::links`).
    Run(u32),
    /// Crossing a border (index into `Network::borders`), `forward` from `from_post` to `to_post`.
    Border {
        /// Index into `Network::borders`.
        border: u32,
        /// True from `from_post` to `to_post`.
        forward: bool,
    },
    /// Changing mode or gauge (index into `Network::transfers`).
    Transfer(u32),
    /// Customs at a port or airport, between its inland node and its international side.
    Clearance {
        /// Exit (inland → international side) or entry (international side → inland).
        procedure: Procedure,
        /// Index into `Network::clearances` of the figures charged; `None` where the feed has
        /// none (validation warns; the edge then costs nothing).
        row: Option<u32>,
    },
}

/// A directed, fully costed edge. Money is per FEU and emissions per tonne of cargo; queries
/// scale them by the cargo. 96 bytes of plain numbers, stored in a graph file as it sits in
/// memory (its kind and element references encoded; read them with [`Edge::kind`],
/// [`Edge::cost_factor`], [`Edge::tariff_service`] and [`Edge::emission_factor`]).
#[derive(Clone, Copy, PartialEq, Pod, Zeroable)]
#[repr(C)]
pub struct Edge {
    /// Start node.
    pub tail: NodeId,
    /// End node.
    pub head: NodeId,
    /// The kind: tag (0 run, 1 border, 2 transfer, 3 clearance), element index, and the
    /// border's direction (1 forward) or the clearance's procedure (0 export, 1 import, 2 exit,
    /// 3 entry). [`Graph::check`] refuses any other code in a graph file.
    pub(crate) kind_code: [u32; 3],
    /// Cost factor, tariff service and emission factor indices; [`NONE`] where absent.
    pub(crate) refs: [u32; 3],
    /// Distance, km.
    pub distance_km: f64,
    /// Typical time, hours (running, clearance or handling).
    pub time_p50_h: f64,
    /// Bad-case time, hours.
    pub time_p90_h: f64,
    /// Wait for a departure after this edge (a transfer to another mode), typical, hours.
    pub wait_p50_h: f64,
    /// Same, bad case.
    pub wait_p90_h: f64,
    /// Money per FEU, USD.
    pub cost_usd_per_feu: f64,
    /// Well-to-wheel emissions per tonne of cargo, grams CO2e (hub emissions included).
    pub wtw_g_per_t: f64,
    /// Tank-to-wheel emissions per tonne of cargo, grams CO2e.
    pub ttw_g_per_t: f64,
}

/// An absent index in an [`Edge`]'s encoded references.
pub(crate) const NONE: u32 = u32::MAX;

impl Edge {
    /// An edge of `kind` from `tail` to `head` with its element references, every number zero.
    pub(crate) fn new(
        tail: NodeId,
        head: NodeId,
        kind: EdgeKind,
        cost_factor: Option<u32>,
        tariff_service: Option<u32>,
        emission_factor: Option<u32>,
    ) -> Edge {
        let kind_code = match kind {
            EdgeKind::Run(l) => [0, l, 0],
            EdgeKind::Border { border, forward } => [1, border, forward as u32],
            EdgeKind::Transfer(t) => [2, t, 0],
            EdgeKind::Clearance { procedure, row } => [
                3,
                row.unwrap_or(NONE),
                match procedure {
                    Procedure::Export => 0,
                    Procedure::Import => 1,
                    Procedure::Exit => 2,
                    Procedure::Entry => 3,
                },
            ],
        };
        Edge {
            tail,
            head,
            kind_code,
            refs: [
                cost_factor.unwrap_or(NONE),
                tariff_service.unwrap_or(NONE),
                emission_factor.unwrap_or(NONE),
            ],
            ..Edge::zeroed()
        }
    }

    /// What the edge represents, or `None` for a code no build writes.
    pub(crate) fn decoded_kind(&self) -> Option<EdgeKind> {
        let [tag, index, flag] = self.kind_code;
        Some(match (tag, flag) {
            (0, 0) => EdgeKind::Run(index),
            (1, 0 | 1) => EdgeKind::Border {
                border: index,
                forward: flag == 1,
            },
            (2, 0) => EdgeKind::Transfer(index),
            (3, p) => EdgeKind::Clearance {
                procedure: match p {
                    0 => Procedure::Export,
                    1 => Procedure::Import,
                    2 => Procedure::Exit,
                    3 => Procedure::Entry,
                    _ => return None,
                },
                row: (index != NONE).then_some(index),
            },
            _ => return None,
        })
    }

    /// What the edge represents.
    pub fn kind(&self) -> EdgeKind {
        // Every edge is built by `Edge::new` or read from a file whose codes `Graph::check`
        // verified; a code no build writes (only a hand-made edge has one) reads as a run.
        let kind = self.decoded_kind();
        debug_assert!(kind.is_some(), "edge kind code {:?}", self.kind_code);
        kind.unwrap_or(EdgeKind::Run(self.kind_code[1]))
    }

    fn reference(&self, i: usize) -> Option<u32> {
        (self.refs[i] != NONE).then_some(self.refs[i])
    }

    /// Index into `Network::cost_factors` used for a per-km tariff, if any.
    pub fn cost_factor(&self) -> Option<u32> {
        self.reference(0)
    }

    /// Index into `Network::services` whose tariff priced this edge, if any.
    pub fn tariff_service(&self) -> Option<u32> {
        self.reference(1)
    }

    /// Index into `Network::emission_factors` used, if any.
    pub fn emission_factor(&self) -> Option<u32> {
        self.reference(2)
    }
}

impl std::fmt::Debug for Edge {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Edge")
            .field("tail", &self.tail)
            .field("head", &self.head)
            .field("kind", &self.decoded_kind())
            .field("distance_km", &self.distance_km)
            .field("time_p50_h", &self.time_p50_h)
            .field("time_p90_h", &self.time_p90_h)
            .field("wait_p50_h", &self.wait_p50_h)
            .field("wait_p90_h", &self.wait_p90_h)
            .field("cost_usd_per_feu", &self.cost_usd_per_feu)
            .field("wtw_g_per_t", &self.wtw_g_per_t)
            .field("ttw_g_per_t", &self.ttw_g_per_t)
            .field("cost_factor", &self.cost_factor())
            .field("tariff_service", &self.tariff_service())
            .field("emission_factor", &self.emission_factor())
            .finish()
    }
}

impl EdgeKind {
    /// The kind of element and its index in the network's links, borders or transfers.
    pub fn element(self) -> (ElementKind, u32) {
        match self {
            EdgeKind::Run(i) => (ElementKind::Link, i),
            EdgeKind::Border { border, .. } => (ElementKind::Border, border),
            EdgeKind::Transfer(i) => (ElementKind::Transfer, i),
            EdgeKind::Clearance { row, .. } => (ElementKind::Clearance, row.unwrap_or(u32::MAX)),
        }
    }

    /// The kind and id of the element in `net`.
    pub fn element_id(self, net: &Network) -> (ElementKind, &str) {
        match self {
            EdgeKind::Run(i) => (ElementKind::Link, &net.links[i as usize].id),
            EdgeKind::Border { border, .. } => {
                (ElementKind::Border, &net.borders[border as usize].id)
            }
            EdgeKind::Transfer(i) => (ElementKind::Transfer, &net.transfers[i as usize].id),
            EdgeKind::Clearance { row, .. } => (
                ElementKind::Clearance,
                row.map_or("none", |r| net.clearances[r as usize].id.as_str()),
            ),
        }
    }
}

impl Edge {
    /// What traversing this edge costs `cargo`, by every criterion; times include the wait for
    /// a departure after the edge. The one cost function every search and total uses.
    pub fn costs(&self, cargo: &Cargo) -> Costs {
        Costs::per_cargo(
            self.time_p50_h + self.wait_p50_h,
            self.time_p90_h + self.wait_p90_h,
            self.cost_usd_per_feu,
            self.wtw_g_per_t,
            self.distance_km,
            cargo,
        )
    }
}

impl Wait {
    /// What this wait costs: hours only.
    pub fn costs(&self) -> Costs {
        Costs::hours(self.p50_h, self.p90_h)
    }
}

/// Nodes listed per place (CSR): place `p`'s are `nodes[first[p]..first[p + 1]]`. Two flat
/// arrays, viewed in a mapped graph file, instead of one small list per place.
#[derive(Debug, Clone, Default)]
pub(crate) struct NodeLists {
    pub(crate) first: Array<u32>,
    pub(crate) nodes: Array<NodeId>,
}

impl NodeLists {
    /// The lists `(place index, node)` for `places` places, in node order within a place.
    pub(crate) fn of(
        places: usize,
        entries: impl Iterator<Item = (usize, NodeId)> + Clone,
    ) -> NodeLists {
        let mut first = vec![0u32; places + 1];
        for (p, _) in entries.clone() {
            first[p + 1] += 1;
        }
        for p in 0..places {
            first[p + 1] += first[p];
        }
        let mut next = first.clone();
        let mut nodes = vec![NodeId(0); first[places] as usize];
        for (p, v) in entries {
            nodes[next[p] as usize] = v;
            next[p] += 1;
        }
        NodeLists {
            first: first.into(),
            nodes: nodes.into(),
        }
    }

    /// Place `p`'s nodes; none for a place beyond the lists.
    fn get(&self, p: usize) -> &[NodeId] {
        match (self.first.get(p), self.first.get(p + 1)) {
            (Some(&a), Some(&b)) => self.nodes.get(a as usize..b as usize).unwrap_or(&[]),
            _ => &[],
        }
    }

    /// Offsets that start at 0, never fall and end at the node count; at most `places` lists;
    /// nodes below `nodes`.
    fn fits(&self, places: usize, nodes: usize) -> bool {
        let f = &self.first;
        (f.is_empty() || (f[0] == 0 && f[f.len() - 1] as usize == self.nodes.len()))
            && f.len() <= places + 1
            && f.windows(2).all(|w| w[0] <= w[1])
            && self.nodes.iter().all(|v| v.index() < nodes)
    }
}

/// A graph's edges grouped by tail node, as slices ([`Graph::adjacency`]).
#[derive(Debug, Clone, Copy)]
pub struct Adjacency<'a> {
    first_out: &'a [u32],
    /// All edges, grouped by tail.
    pub edges: &'a [Edge],
}

impl Adjacency<'_> {
    /// Indices (into `edges`) of the edges leaving `n`.
    pub fn out_edges(&self, n: NodeId) -> Range<usize> {
        self.first_out[n.index()] as usize..self.first_out[n.index() + 1] as usize
    }
}

/// The compiled routing graph: nodes, and edges grouped by tail node (CSR).
#[derive(Debug, Clone)]
pub struct Graph {
    pub(crate) nodes: Table<Node>,
    pub(crate) edges: Array<Edge>,
    pub(crate) first_out: Array<u32>,
    pub(crate) place_nodes: NodeLists,
    /// The international nodes of each place (ports and airports with flights or sailings to
    /// another customs territory).
    pub(crate) international_nodes: NodeLists,
}

impl Graph {
    /// All nodes (a graph file's are decoded one at a time when asked for).
    pub fn nodes(&self) -> &Table<Node> {
        &self.nodes
    }

    /// All edges, grouped by tail.
    pub fn edges(&self) -> &[Edge] {
        &self.edges
    }

    /// Every node's `[lon, lat]`: its place's, in `net` (which this graph was compiled from).
    pub fn coordinates(&self, net: &silkroute_model::Network) -> Vec<[f64; 2]> {
        self.nodes
            .iter()
            .map(|n| {
                let p = net.place(n.place);
                [p.lon, p.lat]
            })
            .collect()
    }

    /// One node.
    pub fn node(&self, n: NodeId) -> &Node {
        &self.nodes[n.index()]
    }

    /// Indices (into [`Graph::edges`]) of the edges leaving `n`.
    pub fn out_edges(&self, n: NodeId) -> Range<usize> {
        self.adjacency().out_edges(n)
    }

    /// The edges and their offsets as plain slices, for a search to take once (the arrays may
    /// be views into a mapped graph file, a few instructions away from their slices).
    pub fn adjacency(&self) -> Adjacency<'_> {
        Adjacency {
            first_out: &self.first_out,
            edges: &self.edges,
        }
    }

    /// The inland nodes of a place (one per layer it touches), where cargo starts and ends;
    /// empty for a place nothing reaches.
    pub fn place_nodes(&self, p: PlaceId) -> &[NodeId] {
        self.place_nodes.get(p.index())
    }

    /// The international nodes of a place: its port's or airport's side beyond customs.
    pub fn international_nodes(&self, p: PlaceId) -> &[NodeId] {
        self.international_nodes.get(p.index())
    }

    /// Every node of a place: its inland nodes, then its international ones.
    pub fn nodes_of_place(&self, p: PlaceId) -> impl Iterator<Item = NodeId> + '_ {
        self.place_nodes(p)
            .iter()
            .chain(self.international_nodes(p))
            .copied()
    }
}

/// How the edges of a graph compiled in the frame of another
/// ([`compile_in_frame`](crate::compile_in_frame)) stand to the frame's: for each edge of the
/// frame, the same edge (same tail, head and kind) in the new graph, if it is still there. A
/// customizable hierarchy prepared on the frame answers on the new graph with the frame's
/// edges that have gone (closed elements) forbidden.
#[derive(Debug, Clone, PartialEq)]
pub struct EdgeFrame {
    /// For each edge of the frame, its index in the new graph or [`NONE`].
    own_of: Array<u32>,
}

/// A graph's edges as far as framing ([`EdgeFrame::of`]) and a customizable hierarchy need
/// them: the nodes they join and what they represent, without their figures. [`Graph`] has
/// it, and so has [`Topology`], which keeps nothing else.
pub trait EdgeShape {
    /// Number of nodes.
    fn node_count(&self) -> usize;
    /// Number of edges.
    fn edge_count(&self) -> usize;
    /// The edges leaving `n`, as edge indices.
    fn edges_out(&self, n: NodeId) -> Range<usize>;
    /// Edge `e`'s head.
    fn head(&self, e: usize) -> NodeId;
    /// Edge `e`'s kind, encoded as in [`Edge`].
    fn kind_code(&self, e: usize) -> [u32; 3];

    /// Every edge as (tail, head) node numbers, in edge order.
    fn edge_pairs(&self) -> Vec<(u32, u32)> {
        let mut pairs = Vec::with_capacity(self.edge_count());
        for v in 0..self.node_count() as u32 {
            pairs.extend(self.edges_out(NodeId(v)).map(|e| (v, self.head(e).0)));
        }
        pairs
    }
}

impl EdgeShape for Graph {
    fn node_count(&self) -> usize {
        self.nodes.len()
    }
    fn edge_count(&self) -> usize {
        self.edges.len()
    }
    fn edges_out(&self, n: NodeId) -> Range<usize> {
        self.out_edges(n)
    }
    fn head(&self, e: usize) -> NodeId {
        self.edges[e].head
    }
    fn kind_code(&self, e: usize) -> [u32; 3] {
        self.edges[e].kind_code
    }
}

/// The shape of a graph without its figures: for each edge its head and kind, grouped by
/// tail (16 bytes an edge and 4 a node where a [`Graph`] holds 96 an edge). How the graph of
/// every element, open or not, is kept and stored: its edges are only framed and checked,
/// never searched.
#[derive(Debug, Clone, PartialEq)]
pub struct Topology {
    pub(crate) first_out: Array<u32>,
    pub(crate) heads: Array<NodeId>,
    pub(crate) kind_codes: Array<[u32; 3]>,
}

impl Topology {
    /// The shape of `graph`.
    pub fn of(graph: &Graph) -> Topology {
        Topology {
            first_out: graph.first_out.to_vec().into(),
            heads: graph
                .edges
                .iter()
                .map(|e| e.head)
                .collect::<Vec<_>>()
                .into(),
            kind_codes: graph
                .edges
                .iter()
                .map(|e| e.kind_code)
                .collect::<Vec<_>>()
                .into(),
        }
    }

    /// Checks that the arrays of a shape read from a file fit together: offsets that start at
    /// 0, never fall and end at the edge count, one head and one kind per edge, heads among
    /// the nodes. Returns what is wrong.
    pub(crate) fn check(&self) -> Result<(), String> {
        let f = &self.first_out;
        let edges = self.heads.len();
        if f.is_empty()
            || f[0] != 0
            || f[f.len() - 1] as usize != edges
            || f.windows(2).any(|w| w[0] > w[1])
            || self.kind_codes.len() != edges
        {
            return Err("the offsets of every element's edges do not fit them".into());
        }
        let nodes = f.len() - 1;
        match self.heads.iter().position(|h| h.index() >= nodes) {
            Some(e) => Err(format!("every element's edge {e} leads to a missing node")),
            None => Ok(()),
        }
    }

    /// Whether the arrays are views into a mapped file.
    pub fn is_mapped(&self) -> bool {
        self.first_out.is_mapped() && self.heads.is_mapped() && self.kind_codes.is_mapped()
    }
}

impl EdgeShape for Topology {
    fn node_count(&self) -> usize {
        self.first_out.len().saturating_sub(1)
    }
    fn edge_count(&self) -> usize {
        self.heads.len()
    }
    fn edges_out(&self, n: NodeId) -> Range<usize> {
        self.first_out[n.index()] as usize..self.first_out[n.index() + 1] as usize
    }
    fn head(&self, e: usize) -> NodeId {
        self.heads[e]
    }
    fn kind_code(&self, e: usize) -> [u32; 3] {
        self.kind_codes[e]
    }
}

impl EdgeFrame {
    /// The frame of `graph` in `frame`: `None` when `graph` has a node or an edge `frame` has
    /// not (a scenario that adds places or links, changes a link's layer, or opens an element
    /// `frame` does not lay), so that a hierarchy of `frame` cannot answer on it.
    pub fn of(graph: &Graph, frame: &impl EdgeShape) -> Option<EdgeFrame> {
        if graph.nodes.len() != frame.node_count() {
            return None;
        }
        // A node's edges are scanned; a node with many (a crafted file's parallel edges) has
        // them sorted by head and kind (stably: equal ones in their order) and binary-searched,
        // so that it costs a search per edge, not a scan.
        const SCANNED: usize = 32;
        let key = |f: u32| (frame.head(f as usize).0, frame.kind_code(f as usize));
        let mut sorted: Vec<u32> = Vec::new();
        for v in 0..frame.node_count() {
            let out = frame.edges_out(NodeId(v as u32));
            if out.len() > SCANNED {
                if sorted.is_empty() {
                    sorted = (0..frame.edge_count() as u32).collect();
                }
                sorted[out].sort_by_key(|&f| key(f));
            }
        }
        let mut own_of = vec![NONE; frame.edge_count()];
        for (e, edge) in graph.edges.iter().enumerate() {
            let out = frame.edges_out(edge.tail);
            let wanted = (edge.head.0, edge.kind_code);
            let unused = |f: &u32| own_of[*f as usize] == NONE;
            let same = if out.len() > SCANNED {
                let mine = &sorted[out];
                let from = mine.partition_point(|&f| key(f) < wanted);
                *mine[from..]
                    .iter()
                    .take_while(|&&f| key(f) == wanted)
                    .find(|f| unused(f))?
            } else {
                out.map(|f| f as u32)
                    .find(|f| unused(f) && key(*f) == wanted)?
            };
            own_of[same as usize] = e as u32;
        }
        Some(EdgeFrame {
            own_of: own_of.into(),
        })
    }

    /// Edges of the frame.
    pub fn len(&self) -> usize {
        self.own_of.len()
    }

    /// Whether the frame has no edges.
    pub fn is_empty(&self) -> bool {
        self.own_of.is_empty()
    }

    /// The new graph's edge for the frame's edge `frame_edge`, `None` where it has gone.
    pub fn edge(&self, frame_edge: usize) -> Option<usize> {
        let own = self.own_of[frame_edge];
        (own != NONE).then_some(own as usize)
    }

    /// Frames composed: `self` places graph B in graph A, `next` graph C in B; the result
    /// places C in A.
    pub fn then(&self, next: &EdgeFrame) -> EdgeFrame {
        EdgeFrame {
            own_of: self
                .own_of
                .iter()
                .map(|&b| {
                    if b == NONE {
                        NONE
                    } else {
                        next.own_of[b as usize]
                    }
                })
                .collect::<Vec<u32>>()
                .into(),
        }
    }

    /// A frame stored in a graph file (checked by the reader against [`EdgeFrame::of`] when
    /// it checks the file).
    pub(crate) fn stored(own_of: Array<u32>) -> EdgeFrame {
        EdgeFrame { own_of }
    }

    /// Its array's bytes, as stored in a graph file.
    pub(crate) fn as_bytes(&self) -> &[u8] {
        self.own_of.as_bytes()
    }
}

impl Graph {
    /// Checks that the arrays of a graph read from a file fit together and fit `net`: node and
    /// edge references in range, offsets increasing, elements that exist. Returns what is wrong.
    pub fn check(&self, net: &silkroute_model::Network) -> Result<(), String> {
        let (n, m) = (self.nodes.len(), self.edges.len());
        if self.first_out.len() != n + 1
            || self.first_out[0] != 0
            || self.first_out[n] as usize != m
            || self.first_out.windows(2).any(|w| w[0] > w[1])
        {
            return Err("edge offsets do not fit the edges".into());
        }
        // One pass over the nodes, none of them kept (a graph file's are decoded one at a time).
        self.nodes.try_for_each_uncached(|i, nd| {
            if nd.place.index() >= net.places.len() {
                return Err(format!("node {i} names a missing place"));
            }
            if let WaitBasis::Services { services, .. } = &nd.board_wait.basis {
                if services.iter().any(|s| *s as usize >= net.services.len()) {
                    return Err("a wait names a missing service".into());
                }
            }
            Ok(())
        })?;
        for v in 0..n {
            for i in self.first_out[v] as usize..self.first_out[v + 1] as usize {
                let e = &self.edges[i];
                if e.tail.index() != v || e.head.index() >= n {
                    return Err(format!("edge {i} does not join its nodes"));
                }
                let Some(kind) = e.decoded_kind() else {
                    return Err(format!("edge {i} has an unknown kind"));
                };
                let ok = match kind {
                    EdgeKind::Run(l) => (l as usize) < net.links.len(),
                    EdgeKind::Border { border, .. } => (border as usize) < net.borders.len(),
                    EdgeKind::Transfer(t) => (t as usize) < net.transfers.len(),
                    EdgeKind::Clearance { row, .. } => {
                        row.is_none_or(|r| (r as usize) < net.clearances.len())
                    }
                };
                let refs = e
                    .cost_factor()
                    .is_none_or(|c| (c as usize) < net.cost_factors.len())
                    && e.tariff_service()
                        .is_none_or(|s| (s as usize) < net.services.len())
                    && e.emission_factor()
                        .is_none_or(|f| (f as usize) < net.emission_factors.len());
                if !ok || !refs {
                    return Err(format!("edge {i} names a missing element"));
                }
                // A negative or NaN weight would send the searches round a cycle for ever, a
                // huge one overflow the instants they add hours to.
                let hours = [e.time_p50_h, e.time_p90_h, e.wait_p50_h, e.wait_p90_h];
                let others = [
                    e.distance_km,
                    e.cost_usd_per_feu,
                    e.wtw_g_per_t,
                    e.ttw_g_per_t,
                ];
                if hours.iter().any(|w| w.is_nan() || *w < 0.0 || *w > 1e6)
                    || others.iter().any(|w| w.is_nan() || *w < 0.0 || *w > 1e12)
                {
                    return Err(format!(
                        "edge {i} has a negative, NaN or out-of-range weight"
                    ));
                }
            }
        }
        if !self.place_nodes.fits(net.places.len(), n)
            || !self.international_nodes.fits(net.places.len(), n)
        {
            return Err("the place index names missing nodes".into());
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_and_reference_reads_back_from_the_encoded_edge() {
        let mut kinds = vec![
            EdgeKind::Run(7),
            EdgeKind::Border {
                border: 3,
                forward: true,
            },
            EdgeKind::Border {
                border: 3,
                forward: false,
            },
            EdgeKind::Transfer(0),
        ];
        for procedure in Procedure::ALL {
            kinds.push(EdgeKind::Clearance {
                procedure,
                row: None,
            });
            kinds.push(EdgeKind::Clearance {
                procedure,
                row: Some(12),
            });
        }
        for kind in kinds {
            let e = Edge::new(NodeId(1), NodeId(2), kind, Some(4), None, Some(0));
            assert_eq!(e.kind(), kind);
            assert_eq!(e.decoded_kind(), Some(kind));
            assert_eq!(
                (e.cost_factor(), e.tariff_service(), e.emission_factor()),
                (Some(4), None, Some(0))
            );
        }
        assert_eq!(std::mem::size_of::<Edge>(), 96);
    }
}
