//! The routing graph: nodes, edges, and the adjacency arrays.

use serde::{Deserialize, Serialize};
use silkroute_model::{Cargo, Costs, ElementKind, Layer, Network, PlaceId, Procedure};
use std::ops::Range;

/// Index of a node in [`Graph::nodes`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
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
/// scale them by the cargo.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Edge {
    /// Start node.
    pub tail: NodeId,
    /// End node.
    pub head: NodeId,
    /// What it is.
    pub kind: EdgeKind,
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
    /// Index into `Network::cost_factors` used for a per-km tariff, if any.
    pub cost_factor: Option<u32>,
    /// Index into `Network::services` whose tariff priced this edge, if any.
    pub tariff_service: Option<u32>,
    /// Index into `Network::emission_factors` used, if any.
    pub emission_factor: Option<u32>,
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

/// The compiled routing graph: nodes, and edges grouped by tail node (CSR).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Graph {
    pub(crate) nodes: Vec<Node>,
    pub(crate) edges: Vec<Edge>,
    pub(crate) first_out: crate::array::Array<u32>,
    pub(crate) place_nodes: Vec<Vec<NodeId>>,
    /// The international nodes of each place (ports and airports with flights or sailings to
    /// another customs territory).
    #[serde(default)]
    pub(crate) international_nodes: Vec<Vec<NodeId>>,
}

impl Graph {
    /// All nodes.
    pub fn nodes(&self) -> &[Node] {
        &self.nodes
    }

    /// All edges, grouped by tail.
    pub fn edges(&self) -> &[Edge] {
        &self.edges
    }

    /// One node.
    pub fn node(&self, n: NodeId) -> &Node {
        &self.nodes[n.index()]
    }

    /// Indices (into [`Graph::edges`]) of the edges leaving `n`.
    pub fn out_edges(&self, n: NodeId) -> Range<usize> {
        self.first_out[n.index()] as usize..self.first_out[n.index() + 1] as usize
    }

    /// The inland nodes of a place (one per layer it touches), where cargo starts and ends;
    /// empty for a place nothing reaches.
    pub fn place_nodes(&self, p: PlaceId) -> &[NodeId] {
        self.place_nodes
            .get(p.index())
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    /// The international nodes of a place: its port's or airport's side beyond customs.
    pub fn international_nodes(&self, p: PlaceId) -> &[NodeId] {
        self.international_nodes
            .get(p.index())
            .map(Vec::as_slice)
            .unwrap_or(&[])
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
        if let Some((i, _)) = self
            .nodes
            .iter()
            .enumerate()
            .find(|(_, nd)| nd.place.index() >= net.places.len())
        {
            return Err(format!("node {i} names a missing place"));
        }
        for v in 0..n {
            for i in self.first_out[v] as usize..self.first_out[v + 1] as usize {
                let e = &self.edges[i];
                if e.tail.index() != v || e.head.index() >= n {
                    return Err(format!("edge {i} does not join its nodes"));
                }
                let ok = match e.kind {
                    EdgeKind::Run(l) => (l as usize) < net.links.len(),
                    EdgeKind::Border { border, .. } => (border as usize) < net.borders.len(),
                    EdgeKind::Transfer(t) => (t as usize) < net.transfers.len(),
                    EdgeKind::Clearance { row, .. } => {
                        row.is_none_or(|r| (r as usize) < net.clearances.len())
                    }
                };
                let refs = e
                    .cost_factor
                    .is_none_or(|c| (c as usize) < net.cost_factors.len())
                    && e.tariff_service
                        .is_none_or(|s| (s as usize) < net.services.len())
                    && e.emission_factor
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
        if self.place_nodes.len() > net.places.len()
            || self.international_nodes.len() > net.places.len()
            || self
                .place_nodes
                .iter()
                .chain(&self.international_nodes)
                .flatten()
                .any(|v| v.index() >= n)
        {
            return Err("the place index names missing nodes".into());
        }
        for nd in &self.nodes {
            if let WaitBasis::Services { services, .. } = &nd.board_wait.basis {
                if services.iter().any(|s| *s as usize >= net.services.len()) {
                    return Err("a wait names a missing service".into());
                }
            }
        }
        Ok(())
    }
}
