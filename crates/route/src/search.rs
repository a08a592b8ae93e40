//! The route search: Dijkstra over (via-phase, node) states with mode and avoid filters.

use crate::itinerary::Itinerary;
use crate::objective::Objective;
use crate::places::{PlaceFinder, UnknownPlace};
use silkroute_graph::{Graph, NodeId};
use silkroute_model::Cargo;
use silkroute_model::{Mode, Network, PlaceId};
use std::cmp::Ordering;
use std::collections::{BTreeSet, BinaryHeap, HashSet};

/// A route question.
#[derive(Debug, Clone)]
pub struct RouteRequest {
    /// Origin.
    pub from: PlaceId,
    /// Destination.
    pub to: PlaceId,
    /// What to minimise.
    pub objective: Objective,
    /// Allowed modes (all when empty).
    pub modes: BTreeSet<Mode>,
    /// Places to pass through, in order.
    pub via: Vec<PlaceId>,
    /// Places not to touch.
    pub avoid_places: HashSet<PlaceId>,
    /// Countries (ISO codes) not to touch.
    pub avoid_countries: HashSet<String>,
    /// The cargo.
    pub cargo: Cargo,
    /// Whether the itinerary includes the export clearance at the origin when the cargo leaves
    /// its customs territory (false: the shipper has it done).
    pub export_clearance: bool,
    /// Whether it includes the import clearance at the destination (false: the consignee has
    /// it done, or the cargo stays under bond).
    pub import_clearance: bool,
    /// Drivers on each truck: 1, or 2 (multi-manning: the truck stops only for the daily
    /// rest). Their hours follow the feed's driving_rules.csv.
    pub crew: u8,
    /// A journey of people rather than goods: only services that carry passengers, no trucks
    /// or chartered trains, no customs clearance of goods, and no minimum connection time
    /// (changes within a station take none).
    pub passengers: bool,
}

impl RouteRequest {
    /// A request from `from` to `to` minimising `objective` for one FEU, all modes allowed.
    pub fn new(from: PlaceId, to: PlaceId, objective: Objective) -> RouteRequest {
        RouteRequest {
            from,
            to,
            objective,
            modes: BTreeSet::new(),
            via: Vec::new(),
            avoid_places: HashSet::new(),
            avoid_countries: HashSet::new(),
            cargo: Cargo::default(),
            export_clearance: true,
            import_clearance: true,
            crew: 1,
            passengers: false,
        }
    }
}

impl RouteRequest {
    /// Avoids `text`: an ISO country code of the network (`KZ`, any case) or a place by any name.
    pub fn avoid(
        &mut self,
        net: &Network,
        finder: &PlaceFinder,
        text: &str,
    ) -> Result<(), UnknownPlace> {
        let code = text.trim().to_ascii_uppercase();
        if code.len() == 2 && net.places.iter().any(|p| p.country == code) {
            self.avoid_countries.insert(code);
        } else {
            self.avoid_places.insert(finder.find(text)?);
        }
        Ok(())
    }
}

/// Why no itinerary could be given.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RouteError {
    /// No route satisfies the request.
    #[error("no route from {from} to {to}{constraint}{hint}")]
    NoRoute {
        /// Origin name.
        from: String,
        /// Destination name.
        to: String,
        /// The constraints that applied, in words (may be empty).
        constraint: String,
        /// What would give a route, in words after a `; ` (`; without the mode filter there
        /// is one: Aktau → Baku by sea`), or empty when nothing was found or tried.
        hint: String,
    },
    /// The request contradicts itself (avoiding the origin, say).
    #[error("{0}")]
    Contradiction(String),
    /// A parameter cannot be used with this query.
    #[error("{0}")]
    Invalid(crate::router::InvalidParameter),
}

#[derive(Clone, Copy, PartialEq)]
struct QueueItem {
    weight: f64,
    state: u32,
}

impl Eq for QueueItem {}

impl Ord for QueueItem {
    fn cmp(&self, other: &Self) -> Ordering {
        other
            .weight
            .total_cmp(&self.weight)
            .then_with(|| other.state.cmp(&self.state))
    }
}

impl PartialOrd for QueueItem {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// How a state was reached.
#[derive(Clone, Copy, PartialEq, Debug)]
pub(crate) enum Step {
    /// Origin: boarded here.
    Start,
    /// Along this edge (index into `Graph::edges`) from the previous state.
    Edge { prev: u32, edge: u32 },
    /// Passed the via place of the previous phase at the same node.
    Via { prev: u32 },
}

/// Finds the best itinerary for `req` on `graph` (compiled from `net`).
pub fn route(net: &Network, graph: &Graph, req: &RouteRequest) -> Result<Itinerary, RouteError> {
    check_request(net, req)?;
    let tree = search(net, graph, req, true);
    match tree.target {
        Some(t) => Ok(Itinerary::build(net, graph, req, tree.n, &tree.path_to(t))),
        None => Err(no_route_error(net, req)),
    }
}

/// Rejects requests that avoid their own origin, destination or via places.
pub(crate) fn check_request(net: &Network, req: &RouteRequest) -> Result<(), RouteError> {
    if req.from == req.to {
        return Err(RouteError::Contradiction(format!(
            "the origin and the destination are both {}: nothing to route",
            net.place(req.from).name_en
        )));
    }
    for (p, what) in std::iter::once((req.from, "origin"))
        .chain(std::iter::once((req.to, "destination")))
        .chain(req.via.iter().map(|v| (*v, "via place")))
    {
        if req.avoid_places.contains(&p) || req.avoid_countries.contains(&net.place(p).country) {
            return Err(RouteError::Contradiction(format!(
                "the {what} {} is avoided by the request",
                net.place(p).name_en
            )));
        }
    }
    Ok(())
}

/// The "no route" error, naming the constraints that applied.
pub(crate) fn no_route_error(net: &Network, req: &RouteRequest) -> RouteError {
    let name = |p: PlaceId| net.place(p).name_en.clone();
    let mut c = Vec::new();
    if !req.modes.is_empty() {
        let m: Vec<&str> = req.modes.iter().map(|m| m.as_str()).collect();
        c.push(format!("by {}", m.join(", ")));
    }
    if !req.via.is_empty() {
        let v: Vec<String> = req.via.iter().map(|p| name(*p)).collect();
        c.push(format!("via {}", v.join(", ")));
    }
    if !req.avoid_places.is_empty() || !req.avoid_countries.is_empty() {
        c.push("with the places and countries avoided".into());
    }
    RouteError::NoRoute {
        from: name(req.from),
        to: name(req.to),
        constraint: if c.is_empty() {
            String::new()
        } else {
            format!(" {}", c.join(" "))
        },
        hint: String::new(),
    }
}

/// The result of a search: the best weight and how each (phase, node) state was reached.
pub(crate) struct SearchTree {
    /// Number of graph nodes (a state is `phase * n + node`).
    pub n: usize,
    /// Number of via phases plus one.
    pub phases: usize,
    /// Best weight per state (infinite when unreached).
    pub dist: Vec<f64>,
    /// How each reached state was reached.
    pub step: Vec<Option<Step>>,
    /// The settled destination state, when the search stopped at one.
    pub target: Option<u32>,
}

impl SearchTree {
    /// The steps from the origin to `state`.
    pub fn path_to(&self, mut state: u32) -> Vec<(u32, Step)> {
        let mut out = Vec::new();
        loop {
            let st = self.step[state as usize].expect("reached states have a step");
            out.push((state, st));
            match st {
                Step::Start => break,
                Step::Edge { prev, .. } | Step::Via { prev } => state = prev,
            }
        }
        out.reverse();
        out
    }

    /// The best final-phase state at a place, if reached.
    pub fn best_state_at(&self, graph: &Graph, place: PlaceId) -> Option<u32> {
        let base = (self.phases - 1) * self.n;
        graph
            .place_nodes(place)
            .iter()
            .map(|v| (base + v.index()) as u32)
            .filter(|&s| self.dist[s as usize].is_finite())
            .min_by(|&a, &b| self.dist[a as usize].total_cmp(&self.dist[b as usize]))
    }
}

/// The nodes of the places `req` avoids (inland and international), sorted.
pub(crate) fn avoided_nodes(graph: &Graph, req: &RouteRequest) -> Vec<NodeId> {
    let mut avoided: Vec<NodeId> = req
        .avoid_places
        .iter()
        .flat_map(|&p| graph.nodes_of_place(p))
        .collect();
    avoided.sort_unstable();
    avoided
}

/// Whether a search for `req` may touch a node: its mode is allowed and its place and
/// country are not avoided. The avoided places' nodes come from the graph's place lists, so a
/// node's record (decoded from a graph file) is read only when modes or countries are
/// filtered.
pub(crate) fn allowed_nodes<'a>(
    net: &'a Network,
    graph: &'a Graph,
    req: &'a RouteRequest,
) -> impl Fn(NodeId) -> bool + Sync + 'a {
    let avoided = avoided_nodes(graph, req);
    let by_record = !req.modes.is_empty() || !req.avoid_countries.is_empty();
    move |node: NodeId| {
        avoided.binary_search(&node).is_err()
            && (!by_record || {
                let nd = graph.node(node);
                (req.modes.is_empty() || req.modes.contains(&nd.layer.mode))
                    && (req.avoid_countries.is_empty()
                        || !req.avoid_countries.contains(&net.place(nd.place).country))
            })
    }
}

/// Runs the search for `req`. With `stop_at_target` it stops when the destination is settled
/// (a point-to-point query); otherwise it explores every reachable state (one-to-all, for
/// matrices and reach), and `req.to` is ignored.
pub(crate) fn search(
    net: &Network,
    graph: &Graph,
    req: &RouteRequest,
    stop_at_target: bool,
) -> SearchTree {
    search_penalized(net, graph, req, stop_at_target, None)
}

/// [`search`] with each edge's weight multiplied by `factors[edge]` (used to find alternatives).
pub(crate) fn search_penalized(
    net: &Network,
    graph: &Graph,
    req: &RouteRequest,
    stop_at_target: bool,
    factors: Option<&[f64]>,
) -> SearchTree {
    let n = graph.nodes().len();
    let phases = req.via.len() + 1;
    let allowed = allowed_nodes(net, graph, req);
    let mut dist = vec![f64::INFINITY; n * phases];
    let mut step: Vec<Option<Step>> = vec![None; n * phases];
    let mut settled = vec![false; n * phases];
    let mut heap = BinaryHeap::new();
    for &v in graph.place_nodes(req.from) {
        if !allowed(v) {
            continue;
        }
        let w = req.objective.board_weight(&graph.node(v).board_wait);
        if w < dist[v.index()] {
            dist[v.index()] = w;
            step[v.index()] = Some(Step::Start);
            heap.push(QueueItem {
                weight: w,
                state: v.0,
            });
        }
    }
    let mut target = None;
    while let Some(QueueItem { weight, state }) = heap.pop() {
        let s = state as usize;
        if settled[s] {
            continue;
        }
        settled[s] = true;
        let (phase, v) = (s / n, NodeId((s % n) as u32));
        let place = graph.node(v).place;
        // Cargo ends inland, through customs (not on a port's or airport's international side).
        if stop_at_target && phase == phases - 1 && place == req.to && !graph.node(v).international
        {
            target = Some(state);
            break;
        }
        if phase < phases - 1 && place == req.via[phase] && !graph.node(v).international {
            let next = s + n;
            if weight < dist[next] {
                dist[next] = weight;
                step[next] = Some(Step::Via { prev: state });
                heap.push(QueueItem {
                    weight,
                    state: next as u32,
                });
            }
        }
        for ei in graph.out_edges(v) {
            let e = &graph.edges()[ei];
            if !allowed(e.head) {
                continue;
            }
            let t = phase * n + e.head.index();
            let factor = factors.map_or(1.0, |f| f[ei]);
            let w = weight + factor * req.objective.edge_weight(e, &req.cargo);
            if w < dist[t] {
                dist[t] = w;
                step[t] = Some(Step::Edge {
                    prev: state,
                    edge: ei as u32,
                });
                heap.push(QueueItem {
                    weight: w,
                    state: t as u32,
                });
            }
        }
    }
    SearchTree {
        n,
        phases,
        dist,
        step,
        target,
    }
}
