//! The timetable router: earliest arrival on services, from a ready time.
//!
//! A time-dependent Dijkstra on a condensed graph (docs/methodology.md §10). Its states:
//! - *free* at a graph node: the cargo stands at a place on a layer, on no vehicle;
//! - *on a truck* at a road node (trucks run on demand after a booking lead time);
//! - *on a service* at a stop of its line (crates/graph/src/lines.rs; of its pattern under the
//!   p90 and balanced objectives), labelled with the departure from that stop and the pattern
//!   ridden;
//! - *on a chartered train* at a rail node, with the place it was formed at (a charter may only
//!   carry cargo between places no service covers).
//!
//! Every change of service is a connection: the mode's minimum connection time, then the next
//! departure of the timetable (or the stated quantile of a frequency's wait). Borders and gauge
//! changes on a service's track are timed events of the ride, not changes of service. Labels
//! are earliest instants; all transitions are FIFO (a later start never arrives earlier), so
//! the first time the destination is settled is its earliest arrival.

use crate::search::RouteRequest;
use rustc_hash::FxHashMap as HashMap;
use silkroute_graph::{Adjacency, Departures, EdgeKind, Graph, Instant, NodeId, Timetable};
use silkroute_model::{Costs, Mode, Network, Pause, PlaceId, PlaceKind, Procedure, Shift};
use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// The quantile of a frequency service's wait used in dated queries: the median.
pub const FREQUENCY_WAIT_QUANTILE: f64 = 0.5;

/// Hours weigh this much (objective units per hour) in searches by money or emissions, whose
/// own weights ignore time: among options that cost the same to rounding noise (sums of the same
/// per-km rates in another order differ by 1e-12), the faster one wins; 60 days add 0.0014.
pub const TIME_TIE_BREAK_PER_H: f64 = 1e-6;

/// The weight of `costs` in a timetable search by `objective`: its own weight, plus
/// [`TIME_TIE_BREAK_PER_H`] per hour when the objective does not count time.
pub(crate) fn search_weight(objective: &crate::Objective, costs: &Costs) -> f64 {
    use silkroute_model::Criterion;
    let tie = match objective {
        crate::Objective::Least(Criterion::Cost | Criterion::Co2) => {
            TIME_TIE_BREAK_PER_H * costs.time_p50_h
        }
        _ => 0.0,
    };
    objective.weight(costs) + tie
}

/// The longest journey searched: 60 days.
pub const HORIZON_S: Instant = 60 * 24 * 3600;

/// Extra weight per graph edge, in the objective's units, added wherever a journey uses the
/// edge: on a truck, a chartered train or a service. An infinite surcharge closes the edge, and
/// every service whose track uses it is suspended (as a scenario's closure does). The
/// alternatives menu penalises the edges of the routes found with it; the assignment on
/// services charges congestion and closes elements with it.
#[derive(Debug, Clone)]
pub struct Surcharges {
    per_edge: Vec<f64>,
    /// Per pattern and hop: the sum over the hop's edges.
    per_hop: Vec<Vec<f64>>,
    /// Per pattern: its track uses a closed edge.
    suspended: Vec<bool>,
}

impl Surcharges {
    /// `per_edge[e]` for each edge of `graph` (missing entries count as 0).
    pub fn new(graph: &Graph, tt: &Timetable, mut per_edge: Vec<f64>) -> Surcharges {
        per_edge.resize(graph.edges().len(), 0.0);
        let per_hop: Vec<Vec<f64>> = tt
            .patterns
            .iter()
            .map(|p| {
                p.hops
                    .iter()
                    .map(|hop| hop.iter().map(|&e| per_edge[e as usize]).sum())
                    .collect()
            })
            .collect();
        let suspended = per_hop
            .iter()
            .map(|hops| hops.iter().any(|h: &f64| h.is_infinite()))
            .collect();
        Surcharges {
            per_edge,
            per_hop,
            suspended,
        }
    }

    /// The surcharge of edge `e`.
    pub fn edge(&self, e: usize) -> f64 {
        self.per_edge[e]
    }
}

/// Why cargo waits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WaitReason {
    /// The minimum connection time of `mode` before boarding.
    Connection(Mode),
    /// The next timetabled departure of a pattern.
    Timetable(u32),
    /// The median wait for a frequency service (pattern index).
    Frequency(u32),
    /// Booking a truck.
    TruckBooking,
    /// Forming a chartered train.
    CharterFormation,
    /// A service's scheduled stop at an intermediate place, cargo on board (pattern index).
    Dwell(u32),
    /// A border crossing's posts are closed (index into `Network::borders`).
    BorderClosed(u32),
    /// A traveller's minimum change time between services at a station (index into
    /// `Network::footpaths` of the row from the station to itself).
    Change(u32),
}

/// Who moves the cargo over an edge.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Carrier {
    /// A service (pattern index).
    Service(u32),
    /// A chartered train.
    Charter,
    /// A truck on demand.
    Truck,
    /// Handling at a place (a change of mode or gauge between vehicles).
    Handling,
}

/// One step of a journey, in time order.
#[derive(Debug, Clone, PartialEq)]
pub enum JourneyStep {
    /// Waiting at a node.
    Wait {
        /// Where.
        node: NodeId,
        /// From.
        from: Instant,
        /// Until.
        to: Instant,
        /// Why.
        reason: WaitReason,
    },
    /// Customs clearance at the origin (export) or the destination (import), on the node the
    /// cargo leaves or arrives on.
    Customs {
        /// Where.
        node: NodeId,
        /// Export or import.
        procedure: Procedure,
        /// Index into `Network::clearances` of the figures; `None` where the feed has none.
        row: Option<u32>,
        /// From.
        from: Instant,
        /// Until.
        to: Instant,
    },
    /// A traveller walking from one station to another (index into `Network::footpaths`).
    Walk {
        /// Index into `Network::footpaths`.
        footpath: u32,
        /// The node left.
        from_node: NodeId,
        /// The node reached.
        to_node: NodeId,
        /// Starts.
        depart: Instant,
        /// Ends.
        arrive: Instant,
    },
    /// Traversing a graph edge.
    Edge {
        /// Index into the graph's edges.
        edge: u32,
        /// Starts.
        depart: Instant,
        /// Ends (after the crew's breaks and rests on the way, for a truck).
        arrive: Instant,
        /// On what.
        carrier: Carrier,
        /// For a truck's run where the feed has drivers' hours: the rules and the crew's
        /// shift when it sets off.
        driving: Option<Driving>,
    },
}

/// The drivers' hours of a truck on one edge: which rules apply and the crew's shift when it
/// sets off on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Driving {
    /// Index into `Network::driving_rules`.
    pub rules: u16,
    /// The crew's clocks at the start of the edge.
    pub shift: Shift,
}

impl Driving {
    /// The breaks and rests in `driving_s` seconds of driving from this shift, and the time
    /// the drive takes with them, seconds.
    pub fn pauses(&self, net: &Network, driving_s: i64) -> (Vec<Pause>, i64) {
        let mut out = Vec::new();
        let rules = &net.driving_rules[self.rules as usize];
        let (_, took) = self.shift.drive(rules, driving_s, |p| out.push(p));
        (out, took)
    }

    /// The seconds of breaks and rests in `driving_s` seconds of driving.
    pub fn paused_s(&self, net: &Network, driving_s: i64) -> i64 {
        let rules = &net.driving_rules[self.rules as usize];
        self.shift.drive(rules, driving_s, |_| {}).1 - driving_s
    }
}

/// A journey found by [`earliest_arrival`].
#[derive(Debug, Clone, PartialEq)]
pub struct Journey {
    /// When the cargo was ready at the origin.
    pub ready: Instant,
    /// When it arrives.
    pub arrival: Instant,
    /// The objective's value (for `time`: hours from ready to arrival).
    pub weight: f64,
    /// The steps.
    pub steps: Vec<JourneyStep>,
    /// How long the first timetabled departure boarded leaves after the cargo could board it
    /// (0 when it boards the moment it is ready); `None` when it boards no timetabled service.
    pub first_departure_slack_s: Option<Instant>,
}

impl Journey {
    /// The services ridden, in order (pattern indices), with the charter and truck legs as
    /// `None`: what makes two journeys "the same itinerary" in a profile.
    pub fn signature(&self) -> Vec<(Carrier, u32)> {
        let mut out: Vec<(Carrier, u32)> = Vec::new();
        for s in &self.steps {
            if let JourneyStep::Edge { edge, carrier, .. } = s {
                out.push((*carrier, *edge));
            }
        }
        out
    }

    /// Planned totals for `cargo`: the sum of the steps' typical hours (ready to arrival), the
    /// sum of their bad-case hours (timetabled waits and connections fixed, a frequency wait at
    /// its 0.9 quantile, truck booking and charter formation at the mode's p90, each edge at
    /// its p90 stretched like the timetable), money, emissions and km, a service's tariff share
    /// where it has one.
    pub fn totals(
        &self,
        net: &Network,
        graph: &Graph,
        tt: &Timetable,
        cargo: &silkroute_model::Cargo,
    ) -> Costs {
        let hours = (self.arrival - self.ready) as f64 / 3600.0;
        let (mut p90, mut usd, mut g, mut km) = (0.0, 0.0, 0.0, 0.0);
        for s in &self.steps {
            match s {
                JourneyStep::Edge {
                    edge,
                    carrier,
                    depart,
                    arrive,
                    driving,
                } => {
                    let e = &graph.edges()[*edge as usize];
                    // Breaks and rests take as long in the bad case.
                    let paused_h = driving.map_or(0.0, |d| {
                        d.paused_s(net, (e.time_p50_h * 3600.0).round() as i64) as f64 / 3600.0
                    });
                    let h = (arrive - depart) as f64 / 3600.0 - paused_h;
                    p90 += paused_h
                        + if e.time_p50_h > 0.0 {
                            e.time_p90_h * h / e.time_p50_h
                        } else {
                            h
                        };
                    usd += match carrier {
                        Carrier::Service(p) => tt.patterns[*p as usize].edge_usd_per_feu(*edge, e),
                        _ => e.cost_usd_per_feu,
                    };
                    g += e.wtw_g_per_t;
                    km += e.distance_km;
                }
                JourneyStep::Walk { depart, arrive, .. } => {
                    p90 += (arrive - depart) as f64 / 3600.0;
                }
                JourneyStep::Customs { row, from, to, .. } => {
                    let h = (to - from) as f64 / 3600.0;
                    let c = row.map(|r| &net.clearances[r as usize]);
                    p90 += c.map_or(h, |c| c.p90_h.max(h));
                    usd += c.map_or(0.0, |c| c.fee_usd);
                }
                JourneyStep::Wait {
                    node,
                    from,
                    to,
                    reason,
                } => {
                    let h = (to - from) as f64 / 3600.0;
                    let mode = graph.node(*node).layer.mode;
                    p90 += match reason {
                        WaitReason::Frequency(p) => match tt.patterns[*p as usize].departures {
                            Departures::Frequency { headway_s, wait } => {
                                wait.quantile_h(headway_s as f64 / 3600.0, 0.9)
                            }
                            Departures::Timetable { .. } => h,
                        },
                        WaitReason::TruckBooking | WaitReason::CharterFormation => net
                            .mode_defaults(mode)
                            .map_or(h, |d| d.default_wait_p90_h.max(h)),
                        _ => h,
                    };
                }
            }
        }
        Costs::per_cargo(hours, p90.max(hours), usd, g, km, cargo)
    }

    /// This journey for cargo ready at `later`, between its ready time and
    /// [`Journey::latest_ready`]: the steps before its first timetabled departure move by the
    /// difference, which the wait for that departure absorbs; the rest is unchanged. It is the
    /// best journey from `later` as it was from its own ready time (every journey from `later`
    /// is one from the earlier ready time with a longer first wait, which weighs the same
    /// amount more under every objective).
    pub fn ready_at(&self, later: Instant, objective: &crate::Objective) -> Journey {
        let d = later - self.ready;
        let mut out = self.clone();
        out.ready = later;
        out.first_departure_slack_s = self.first_departure_slack_s.map(|s| s - d);
        let h = d as f64 / 3600.0;
        out.weight -= search_weight(objective, &Costs::hours(h, h));
        for s in &mut out.steps {
            match s {
                JourneyStep::Wait {
                    reason: WaitReason::Timetable(_),
                    from,
                    ..
                } => {
                    *from += d;
                    break;
                }
                JourneyStep::Wait { from, to, .. } | JourneyStep::Customs { from, to, .. } => {
                    *from += d;
                    *to += d;
                }
                JourneyStep::Edge { depart, arrive, .. }
                | JourneyStep::Walk { depart, arrive, .. } => {
                    *depart += d;
                    *arrive += d;
                }
            }
        }
        out
    }

    /// The latest ready time that still arrives as this journey does: the ready time plus the
    /// wait for its first timetabled departure (connections, bookings and a frequency's wait at
    /// its stated quantile move with the ready time). `None` when the journey boards no
    /// timetabled service (then every later ready time arrives later).
    pub fn latest_ready(&self) -> Option<Instant> {
        self.first_departure_slack_s.map(|s| self.ready + s)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum How {
    Origin,
    /// Export-cleared at the origin, on the node of the state.
    Export,
    /// Import-cleared at the destination (a Pareto label's last step).
    Import,
    Edge(u32),
    BookTruck,
    Unload,
    Board {
        ready: Instant,
    },
    Stay,
    Alight,
    FormCharter,
    LeaveCharter,
    /// A traveller's walk (index into `Network::footpaths`).
    Walk(u32),
}

/// One state of a journey's chain of parents, with what its label and its parent's say.
#[derive(Debug, Clone, Copy)]
struct ChainStep {
    state: u32,
    /// How it was reached.
    how: How,
    /// The previous state (`u32::MAX` at the origin).
    from: u32,
    /// Its instant.
    at: Instant,
    /// The pattern its label rides.
    trip: u32,
    /// The previous state's instant.
    t_from: Instant,
    /// The pattern the previous state's label rides.
    from_trip: u32,
    /// The previous state's crew shift.
    shift: Shift,
}

impl ChainStep {
    /// `state`, reached by `how` with label `l`, from state `from` (its instant, pattern and
    /// crew shift).
    #[allow(clippy::too_many_arguments)]
    fn new(
        state: u32,
        how: How,
        l: &Label,
        from: u32,
        t_from: Instant,
        from_trip: u32,
        shift: Shift,
    ) -> ChainStep {
        ChainStep {
            state,
            how,
            from,
            at: l.at,
            trip: l.trip,
            t_from,
            from_trip,
            shift,
        }
    }
}

/// A label: the objective's weight so far, then the instant (ties go to the earlier).
#[derive(Debug, Clone, Copy, PartialEq)]
struct Label {
    weight: f64,
    at: Instant,
    /// Money so far, USD (for Pareto menus).
    usd: f64,
    /// Emissions so far, kg CO2e (for Pareto menus).
    co2e_kg: f64,
    /// Vehicles boarded so far: services, trucks, charters (for Pareto menus).
    vehicles: u16,
    /// The pattern of the service last boarded (a line's ride state holds the trips of
    /// several patterns: this says which one the label rides); `u32::MAX` before any.
    trip: u32,
    /// On a truck: the crew's shift (one per state: the label kept is the best by the
    /// objective, not the most rested crew; docs/methodology.md §13).
    shift: Shift,
}

impl Label {
    const UNREACHED: Label = Label {
        weight: f64::INFINITY,
        at: Instant::MAX,
        usd: f64::INFINITY,
        co2e_kg: f64::INFINITY,
        vehicles: u16::MAX,
        trip: u32::MAX,
        shift: Shift::FRESH,
    };

    /// Pareto dominance over arrival, money, emissions and vehicles (ties dominate).
    fn dominates(&self, other: &Label) -> bool {
        self.at <= other.at
            && self.usd <= other.usd + 1e-9
            && self.co2e_kg <= other.co2e_kg + 1e-9
            && self.vehicles <= other.vehicles
    }

    fn better_than(self, other: Label) -> bool {
        self.weight < other.weight || (self.weight == other.weight && self.at < other.at)
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
struct Queued {
    weight: f64,
    at: Instant,
    state: u32,
}

impl Queued {
    /// `state` queued with label `l` (its label is kept in `Search::label`: the queue holds
    /// only what orders it).
    fn new(l: &Label, state: u32) -> Queued {
        Queued {
            weight: l.weight,
            at: l.at,
            state,
        }
    }

    /// Whether this entry beats `other` as [`Label::better_than`] does.
    fn better_than(&self, other: &Queued) -> bool {
        self.weight < other.weight || (self.weight == other.weight && self.at < other.at)
    }
}

impl Eq for Queued {}

impl PartialOrd for Queued {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Queued {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.weight
            .total_cmp(&other.weight)
            .then(self.at.cmp(&other.at))
            .then(self.state.cmp(&other.state))
    }
}

struct Search<'a> {
    net: &'a Network,
    graph: &'a Graph,
    /// The graph's edges and offsets as slices, taken once.
    adj: Adjacency<'a>,
    tt: &'a Timetable,
    req: &'a RouteRequest,
    n: usize,
    /// Local states per via phase (free, truck, off-charter, ride); charters come after all
    /// phases.
    charter_base: usize,
    /// `via.len() + 1`: the places passed so far, in order.
    phases: usize,
    charters: HashMap<(NodeId, PlaceId, usize), usize>,
    charter_of: Vec<(NodeId, PlaceId, usize)>,
    /// Per state: the best label, and how it was reached; `UNREACHED` where not `touched`.
    label: Vec<Label>,
    parent: Vec<(u32, How)>,
    /// The states whose label this search set (reset when it ends; see [`Buffers`]).
    touched: Vec<u32>,
    heap: BinaryHeap<Reverse<Queued>>,
    /// Set for a Pareto search: labels kept per state instead of one.
    pareto: Option<ParetoLabels>,
    /// Extra weights per edge, if any.
    surcharges: Option<&'a Surcharges>,
    /// The customs territory the search stays in (cargo that does not leave it is not
    /// cleared), or `None`: the cargo leaves its territory, export-cleared at the origin and
    /// import-cleared at the destination.
    inside: Option<&'a str>,
    /// `inside` as an index into `Timetable::territories`.
    inside_territory: Option<u32>,
    /// The one place a single-label search looks for, if one: labels that weigh more than
    /// the best arrival there found so far (`bound`, import clearance included) cannot lead
    /// to a better one and are dropped (weights only grow along a journey).
    target: Option<PlaceId>,
    bound: f64,
    /// Arrivals after this instant are not answers (and do not set `bound`).
    horizon: Instant,
}

/// A search's label and parent arrays, kept on the thread between searches: a search resets
/// only the states it touched, instead of allocating and filling arrays over every state of
/// the timetable (on a subway feed, most of a query's time).
#[derive(Default)]
struct Buffers {
    label: Vec<Label>,
    parent: Vec<(u32, How)>,
    touched: Vec<u32>,
    heap: BinaryHeap<Reverse<Queued>>,
}

thread_local! {
    static BUFFERS: std::cell::RefCell<Vec<Buffers>> = const { std::cell::RefCell::new(Vec::new()) };
}

impl Drop for Search<'_> {
    fn drop(&mut self) {
        for &s in &self.touched {
            self.label[s as usize] = Label::UNREACHED;
            self.parent[s as usize] = (u32::MAX, How::Origin);
        }
        self.touched.clear();
        self.heap.clear();
        let buffers = Buffers {
            label: std::mem::take(&mut self.label),
            parent: std::mem::take(&mut self.parent),
            touched: std::mem::take(&mut self.touched),
            heap: std::mem::take(&mut self.heap),
        };
        // (During thread shutdown the pool may be gone: the buffers are then dropped.)
        let _ = BUFFERS.try_with(|pool| pool.borrow_mut().push(buffers));
    }
}

/// The label sets of a Pareto search.
#[derive(Default)]
struct ParetoLabels {
    /// Every label made: its state, values, parent label and how it was reached.
    arena: Vec<(u32, Label, u32, How, bool)>,
    /// Live labels per state.
    bags: HashMap<u32, Vec<u32>>,
    /// Labels at the destination.
    done: Vec<u32>,
    /// The label being expanded.
    current: u32,
    /// Queue by instant.
    queue: BinaryHeap<Reverse<(Instant, u32)>>,
}

/// The best journey to `req.to` by `req.objective` of cargo ready at `req.from` at `ready`
/// (for `time`: the earliest arrival), riding the open services of `tt`, trucks on demand and
/// chartered trains where no service covers the pair; modes, avoided places and countries as
/// in `req`. Money and emissions do not depend on the hour, so the search is exact for every
/// objective whose time part is the arrival. `None` when nothing arrives within the timetable
/// horizon.
pub fn earliest_arrival(
    net: &Network,
    graph: &Graph,
    tt: &Timetable,
    req: &RouteRequest,
    ready: Instant,
) -> Option<Journey> {
    earliest_arrivals(net, graph, tt, req, ready, &[req.to], None)
        .pop()
        .flatten()
}

/// [`earliest_arrival`] to each of `targets` (in their order) from one search: the matrix and
/// reach queries on services. `req.to` is ignored. With `surcharges`, the objective's weight
/// of every edge used includes its surcharge (and closed edges are not used).
pub fn earliest_arrivals(
    net: &Network,
    graph: &Graph,
    tt: &Timetable,
    req: &RouteRequest,
    ready: Instant,
    targets: &[PlaceId],
    surcharges: Option<&Surcharges>,
) -> Vec<Option<Journey>> {
    // Cargo for its own customs territory may stay in it, uncleared, or leave it, export-cleared
    // and import-cleared on return; whichever the objective weighs less (inside on a tie). For
    // another territory it leaves.
    let home = net.territory_of(req.from);
    let same: Vec<usize> = (0..targets.len())
        .filter(|&i| net.territory_of(targets[i]) == home)
        .collect();
    let every: Vec<usize> = (0..targets.len()).collect();
    let mut out = search_to(
        net, graph, tt, req, ready, &every, targets, None, surcharges,
    );
    if !same.is_empty() {
        let found = search_to(
            net,
            graph,
            tt,
            req,
            ready,
            &same,
            targets,
            Some(home),
            surcharges,
        );
        for (&i, inside) in same.iter().zip(found) {
            let Some(inside) = inside else { continue };
            let leaves_better = out[i]
                .as_ref()
                .is_some_and(|j| (j.weight, j.arrival) < (inside.weight, inside.arrival));
            if !leaves_better {
                out[i] = Some(inside);
            }
        }
    }
    out
}

/// One search from `req.from` to the targets `wanted` (indices into `targets`), inside a
/// customs territory or leaving it.
#[allow(clippy::too_many_arguments)]
fn search_to(
    net: &Network,
    graph: &Graph,
    tt: &Timetable,
    req: &RouteRequest,
    ready: Instant,
    wanted_targets: &[usize],
    targets: &[PlaceId],
    inside: Option<&str>,
    surcharges: Option<&Surcharges>,
) -> Vec<Option<Journey>> {
    let n = graph.nodes().len();
    let mut s = Search::new(net, graph, tt, req, false);
    s.surcharges = surcharges;
    s.stay_inside(inside);
    let mut wanted: HashMap<PlaceId, Vec<usize>> = HashMap::default();
    for (k, &i) in wanted_targets.iter().enumerate() {
        wanted.entry(targets[i]).or_default().push(k);
    }
    let mut out = vec![None; wanted_targets.len()];
    let mut left = wanted.len();
    if left == 1 {
        s.target = wanted.keys().next().copied().filter(|&p| p != req.from);
        s.horizon = ready + HORIZON_S;
    }
    s.start(ready);
    let horizon = ready + crate::journey::HORIZON_S;
    // Arrivals at a target with their import clearance, settled once no label left in the
    // queue can beat them.
    let mut arrived: BinaryHeap<Reverse<Queued>> = BinaryHeap::new();
    loop {
        let next = s.heap.peek().map(|Reverse(q)| *q);
        while let Some(Reverse(a)) = arrived.peek().copied() {
            if next.is_some_and(|q| q.better_than(&a)) {
                break;
            }
            arrived.pop();
            let place = graph.node(NodeId((s.split(a.state).1 % n) as u32)).place;
            if let Some(slots) = wanted.remove(&place) {
                let j = s.cleared_journey(a.state, ready);
                if let Some((&last, others)) = slots.split_last() {
                    for &k in others {
                        out[k] = Some(j.clone());
                    }
                    out[last] = Some(j);
                }
                left -= 1;
            }
        }
        if left == 0 {
            break;
        }
        let Some(Reverse(q)) = s.heap.pop() else {
            break;
        };
        let (state, l) = (q.state, s.label[q.state as usize]);
        // A stale entry: the state has been reached better since.
        if l.weight != q.weight || l.at != q.at || l.at > horizon {
            continue;
        }
        let (phase, st) = s.split(state);
        let free = st < n || (2 * n..3 * n).contains(&st);
        if free && phase + 1 == s.phases {
            let v = NodeId((st % n) as u32);
            let place = graph.node(v).place;
            if place != req.from && !graph.node(v).international && wanted.contains_key(&place) {
                arrived.push(Reverse(Queued::new(&s.import(v, l), state)));
            }
        }
        s.expand(state, l);
    }
    out
}

/// Labels a Pareto search may make before it stops (a guard against label explosion on big
/// networks; the built-in network needs a few thousand).
pub const MAX_PARETO_LABELS: usize = 200_000;

/// Every journey to `req.to` of cargo ready at `ready` that no other beats on arrival, money,
/// emissions and the number of vehicles (a multi-label time-dependent search; labels that tie
/// on all four are one). Earliest arrival first. Empty when nothing arrives.
pub fn pareto_journeys(
    net: &Network,
    graph: &Graph,
    tt: &Timetable,
    req: &RouteRequest,
    ready: Instant,
) -> Vec<Journey> {
    // Between two places of one customs territory the menu holds the journeys inside it and
    // those that leave it (cleared out and back in), whichever no other beats.
    let leaving = pareto_search(net, graph, tt, req, ready, None);
    let home = net.territory_of(req.from);
    if net.territory_of(req.to) != home {
        return leaving.into_iter().map(|(_, j)| j).collect();
    }
    let mut menu = pareto_search(net, graph, tt, req, ready, Some(home));
    for (l, j) in leaving {
        // A journey that ties on all four with one inside is that one (no clearance).
        if menu.iter().any(|(m, _)| m.dominates(&l)) {
            continue;
        }
        menu.retain(|(m, _)| !l.dominates(m));
        menu.push((l, j));
    }
    menu.sort_by_key(|(l, _)| l.at);
    menu.into_iter().map(|(_, j)| j).collect()
}

/// [`pareto_journeys`] inside a customs territory, or leaving it.
fn pareto_search(
    net: &Network,
    graph: &Graph,
    tt: &Timetable,
    req: &RouteRequest,
    ready: Instant,
    inside: Option<&str>,
) -> Vec<(Label, Journey)> {
    let n = graph.nodes().len();
    let mut s = Search::new(net, graph, tt, req, true);
    s.stay_inside(inside);
    s.start(ready);
    let horizon = ready + HORIZON_S;
    loop {
        let p = s.pareto.as_mut().expect("a Pareto search");
        let Some(Reverse((at, idx))) = p.queue.pop() else {
            break;
        };
        let (state, l, _, _, dead) = p.arena[idx as usize];
        if dead || at > horizon || p.arena.len() > MAX_PARETO_LABELS {
            if p.arena.len() > MAX_PARETO_LABELS {
                break;
            }
            continue;
        }
        if p.done.iter().any(|&d| p.arena[d as usize].1.dominates(&l)) {
            continue;
        }
        let (phase, st) = s.split(state);
        let free = st < n || (2 * n..3 * n).contains(&st);
        let v = NodeId((st % n) as u32);
        if free
            && phase + 1 == s.phases
            && graph.node(v).place == req.to
            && !graph.node(v).international
        {
            let cleared = s.import(v, l);
            let p = s.pareto.as_mut().expect("a Pareto search");
            if p.done
                .iter()
                .any(|&d| p.arena[d as usize].1.dominates(&cleared))
            {
                continue;
            }
            let arena = &p.arena;
            p.done.retain(|&d| !cleared.dominates(&arena[d as usize].1));
            let end = p.arena.len() as u32;
            p.arena.push((state, cleared, idx, How::Import, false));
            p.done.push(end);
            continue;
        }
        let p = s.pareto.as_mut().expect("a Pareto search");
        p.current = idx;
        s.expand(state, l);
    }
    let p = s.pareto.as_ref().expect("a Pareto search");
    let mut done = p.done.clone();
    done.sort_by_key(|&d| p.arena[d as usize].1.at);
    done.into_iter()
        .map(|d| (p.arena[d as usize].1, s.pareto_journey(d, ready)))
        .collect()
}

impl<'a> Search<'a> {
    /// A search on `tt` for `req`: one label per state, or label sets (`pareto`).
    fn new(
        net: &'a Network,
        graph: &'a Graph,
        tt: &'a Timetable,
        req: &'a RouteRequest,
        pareto: bool,
    ) -> Search<'a> {
        let n = graph.nodes().len();
        let next = 3 * n + tt.ride_slots as usize;
        let states = if pareto {
            0
        } else {
            next * (req.via.len() + 1)
        };
        let mut buffers = BUFFERS
            .with(|pool| pool.borrow_mut().pop())
            .unwrap_or_default();
        if buffers.label.len() < states {
            buffers.label.resize(states, Label::UNREACHED);
            buffers.parent.resize(states, (u32::MAX, How::Origin));
        }
        Search {
            net,
            graph,
            adj: graph.adjacency(),
            tt,
            req,
            n,
            charter_base: next,
            phases: req.via.len() + 1,
            charters: HashMap::default(),
            charter_of: Vec::new(),
            label: buffers.label,
            parent: buffers.parent,
            touched: buffers.touched,
            heap: buffers.heap,
            pareto: pareto.then(|| ParetoLabels {
                current: u32::MAX,
                ..ParetoLabels::default()
            }),
            surcharges: None,
            inside: None,
            inside_territory: None,
            target: None,
            bound: f64::INFINITY,
            horizon: Instant::MAX,
        }
    }

    /// Whether edge `ei` is a customs clearance of goods at a port or airport that people pass
    /// without its figures and without a step of their journey (passport control is not
    /// modelled).
    fn people_pass(&self, ei: usize) -> bool {
        self.req.passengers && matches!(self.adj.edges[ei].kind(), EdgeKind::Clearance { .. })
    }

    /// Whether the cargo leaves its customs territory in this search (and is cleared).
    fn clears(&self) -> bool {
        self.inside.is_none() && !self.req.passengers
    }

    /// The clearance row, costs and duration of `procedure` on node `v`.
    fn customs(&self, v: NodeId, procedure: Procedure) -> (Option<u32>, Costs, Instant) {
        let nd = self.graph.node(v);
        let (row, c) = self.net.customs(nd.place, nd.layer.mode, procedure);
        let costs = c.costs(&self.req.cargo);
        (row, costs, Self::hours(c.p50_h))
    }

    /// `l` at the destination node `v` after its import clearance (when the search clears and
    /// the request wants it).
    fn import(&self, v: NodeId, l: Label) -> Label {
        if !self.clears() || !self.req.import_clearance {
            return l;
        }
        let (_, costs, dt) = self.customs(v, Procedure::Import);
        self.step(l, &costs, l.at + dt)
    }

    /// The journey to the free state `end`, with the import clearance there.
    fn cleared_journey(&self, end: u32, ready: Instant) -> Journey {
        let mut j = self.journey(end, ready);
        if self.clears() && self.req.import_clearance {
            let v = NodeId((self.split(end).1 % self.n) as u32);
            let (row, _, _) = self.customs(v, Procedure::Import);
            let l = self.import(v, self.label[end as usize]);
            j.steps.push(JourneyStep::Customs {
                node: v,
                procedure: Procedure::Import,
                row,
                from: j.arrival,
                to: l.at,
            });
            j.arrival = l.at;
            j.weight = l.weight;
        }
        j
    }

    /// The cargo ready at the origin at `ready`, free on each of its allowed nodes.
    fn start(&mut self, ready: Instant) {
        let start = Label {
            weight: 0.0,
            at: ready,
            usd: 0.0,
            co2e_kg: 0.0,
            vehicles: 0,
            trip: u32::MAX,
            shift: Shift::FRESH,
        };
        let phase = self.advance(0, self.req.from);
        for &v in self.graph.place_nodes(self.req.from) {
            if self.allowed_node(v) {
                let id = self.id(phase, v.index());
                if self.clears() && self.req.export_clearance {
                    let (_, costs, dt) = self.customs(v, Procedure::Export);
                    let cleared = self.step(start, &costs, ready + dt);
                    self.relax(id, cleared, u32::MAX, How::Export);
                } else {
                    self.relax(id, start, u32::MAX, How::Origin);
                }
            }
        }
    }

    fn allowed_mode(&self, m: Mode) -> bool {
        self.req.modes.is_empty() || self.req.modes.contains(&m)
    }

    fn allowed_node(&self, v: NodeId) -> bool {
        let nd = self.graph.node(v);
        self.allowed_mode(nd.layer.mode) && !self.blocked(nd.place)
    }

    /// Whether the request avoids `place`, or the search stays in a customs territory
    /// `place` is not in.
    fn blocked(&self, place: PlaceId) -> bool {
        self.req.avoid_places.contains(&place)
            || self
                .req
                .avoid_countries
                .contains(&self.net.place(place).country)
            || self.inside_territory.is_some_and(|t| {
                // Per place when services are laid; else (no timetable) from the network.
                match self.tt.territory_of.get(place.index()) {
                    Some(&own) => own != t,
                    None => self
                        .inside
                        .is_some_and(|i| self.net.territory_of(place) != i),
                }
            })
    }

    /// Keeps the search inside the customs territory `inside` (or lets it leave: `None`).
    fn stay_inside(&mut self, inside: Option<&'a str>) {
        self.inside = inside;
        self.inside_territory = inside.map(|t| {
            self.tt
                .territories
                .iter()
                .position(|x| x == t)
                .map_or(u32::MAX, |i| i as u32)
        });
    }

    fn relax(&mut self, state: u32, l: Label, from: u32, how: How) {
        if l.weight.is_infinite() {
            return;
        }
        if let Some(p) = self.pareto.as_mut() {
            if p.done.iter().any(|&d| p.arena[d as usize].1.dominates(&l)) {
                return;
            }
            let bag = p.bags.entry(state).or_default();
            if bag.iter().any(|&i| p.arena[i as usize].1.dominates(&l)) {
                return;
            }
            let arena = &mut p.arena;
            bag.retain(|&i| {
                let dominated = l.dominates(&arena[i as usize].1);
                if dominated {
                    arena[i as usize].4 = true;
                }
                !dominated
            });
            let idx = arena.len() as u32;
            let parent = if from == u32::MAX {
                u32::MAX
            } else {
                p.current
            };
            arena.push((state, l, parent, how, false));
            bag.push(idx);
            p.queue.push(Reverse((l.at, idx)));
            return;
        }
        if l.weight > self.bound {
            return;
        }
        let s = state as usize;
        if s >= self.label.len() {
            self.label.resize(s + 1, Label::UNREACHED);
            self.parent.resize(s + 1, (u32::MAX, How::Origin));
        }
        if l.better_than(self.label[s]) {
            self.label[s] = l;
            self.parent[s] = (from, how);
            self.touched.push(state);
            if let Some(target) = self.target {
                let (phase, st) = self.split(state);
                let n = self.n;
                let v = NodeId((st % n) as u32);
                if (st < n || (2 * n..3 * n).contains(&st))
                    && l.at <= self.horizon
                    && phase + 1 == self.phases
                    && self.graph.node(v).place == target
                    && !self.graph.node(v).international
                {
                    self.bound = self.bound.min(self.import(v, l).weight);
                }
            }
            self.heap.push(Reverse(Queued::new(&l, state)));
        }
    }

    fn hours(h: f64) -> Instant {
        (h * 3600.0).round() as Instant
    }

    /// `l` moved on by `costs` and to the instant `at`.
    fn step(&self, l: Label, costs: &Costs, at: Instant) -> Label {
        Label {
            weight: l.weight + search_weight(&self.req.objective, costs),
            at,
            usd: l.usd + costs.usd,
            co2e_kg: l.co2e_kg + costs.co2e_kg,
            vehicles: l.vehicles,
            trip: l.trip,
            shift: l.shift,
        }
    }

    /// `l` on board one more vehicle.
    fn boarded(mut l: Label) -> Label {
        l.vehicles = l.vehicles.saturating_add(1);
        l
    }

    /// A wait from `l` until `at` (p90 `p90_h` when it has a spread).
    fn wait(&self, l: Label, at: Instant, p90_h: Option<f64>) -> Label {
        let h = (at - l.at) as f64 / 3600.0;
        self.step(l, &Costs::hours(h, p90_h.unwrap_or(h).max(h)), at)
    }

    /// Edge `ei` taken at its typical time (no wait after it: waits are the router's own),
    /// with its surcharge.
    fn edge(&self, l: Label, ei: usize) -> Label {
        let e = &self.adj.edges[ei];
        let l = match e.kind() {
            EdgeKind::Border { border, .. } => {
                let opens = self.tt.border_opens(border, l.at);
                if opens > l.at {
                    self.wait(l, opens, None)
                } else {
                    l
                }
            }
            _ => l,
        };
        let c = Costs::per_cargo(
            e.time_p50_h,
            e.time_p90_h,
            e.cost_usd_per_feu,
            e.wtw_g_per_t,
            e.distance_km,
            &self.req.cargo,
        );
        let mut next = self.step(l, &c, l.at + Self::hours(e.time_p50_h));
        if let Some(s) = self.surcharges {
            next.weight += s.per_edge[ei];
        }
        next
    }

    /// The drivers' hours that apply on edges leaving `place` (by its country) for the
    /// request's crew, if the feed has any.
    fn rules_at(&self, place: PlaceId) -> Option<u16> {
        if self.net.driving_rules.is_empty() {
            return None;
        }
        let country = &self.net.place(place).country;
        self.net
            .driving_rules_of(country, self.req.crew)
            .map(|r| r as u16)
    }

    /// Edge `ei` on a truck: a run with the breaks and rests its crew must take on the way; a
    /// border crossing where the cargo changes trucks (a fresh crew) or the crew waits (a
    /// wait counts as a break, a closed post's long wait as the daily rest).
    fn truck_edge(&self, l: Label, ei: usize) -> Label {
        let e = &self.adj.edges[ei];
        let rules = self.rules_at(self.graph.node(e.tail).place);
        match e.kind() {
            EdgeKind::Border { border, .. } => {
                let closed_s = self.tt.border_opens(border, l.at) - l.at;
                let mut next = self.edge(l, ei);
                if self.net.borders[border as usize].vehicle_change.is_some() {
                    next.shift = Shift::FRESH;
                    next.vehicles = next.vehicles.saturating_add(1);
                } else if let Some(r) = rules {
                    let r = &self.net.driving_rules[r as usize];
                    let crossing_s = Self::hours(e.time_p50_h);
                    next.shift = l.shift.stand(r, closed_s, true).stand(r, crossing_s, false);
                }
                next
            }
            _ => {
                let Some(r) = rules else {
                    return self.edge(l, ei);
                };
                let driving_s = Self::hours(e.time_p50_h);
                let (shift, took) =
                    l.shift
                        .drive(&self.net.driving_rules[r as usize], driving_s, |_| {});
                let paused_h = (took - driving_s) as f64 / 3600.0;
                let c = Costs::per_cargo(
                    e.time_p50_h + paused_h,
                    e.time_p90_h + paused_h,
                    e.cost_usd_per_feu,
                    e.wtw_g_per_t,
                    e.distance_km,
                    &self.req.cargo,
                );
                let mut next = self.step(l, &c, l.at + took);
                if let Some(s) = self.surcharges {
                    next.weight += s.per_edge[ei];
                }
                next.shift = shift;
                next
            }
        }
    }

    /// On a service at ride state `state` (leaving its stop at `l.at`): ride on stop by stop. A
    /// single-label search scans the pattern in one go (as RAPTOR scans a route): each later
    /// stop's label is set without queueing it, until a stop an earlier trip of the line
    /// already leaves no later (FIFO: that trip is ahead from there on). A Pareto search
    /// queues every stop.
    fn ride(&mut self, state: u32, l: Label) {
        let (phase, st) = self.split(state);
        let graph = self.graph;
        let (p, i0) = self.ride_at(st, l.trip);
        let base = st - i0;
        let pattern = &self.tt.patterns[p];
        // Whether a stop or the track may be avoided (or outside the search's territory).
        let may_block = !self.req.avoid_places.is_empty()
            || !self.req.avoid_countries.is_empty()
            || self
                .inside_territory
                .is_some_and(|t| self.tt.pattern_territory[p] != Some(t));
        let mode_allowed = self.allowed_mode(pattern.mode);
        let (mut st, mut l, mut from, mut phase) = (st, l, state, phase);
        loop {
            let i = st - base;
            if i + 1 >= pattern.stops.len() {
                break;
            }
            let (here, next) = (&pattern.stops[i], &pattern.stops[i + 1]);
            let avoided = may_block
                && pattern.hops[i]
                    .iter()
                    .any(|&e| self.blocked(graph.node(self.adj.edges[e as usize].head).place));
            if avoided {
                break;
            }
            let t = l.at;
            let mut arrived = self.step(
                l,
                &pattern.hop_costs(i, &self.req.cargo),
                t + (next.arrive_s - here.depart_s),
            );
            if let Some(s) = self.surcharges {
                arrived.weight += s.per_hop[p][i];
            }
            let onward = self.wait(arrived, t + (next.depart_s - here.depart_s), None);
            let ph = if self.req.via.is_empty() {
                phase
            } else {
                pattern.hops[i].iter().fold(phase, |ph, &e| {
                    self.advance(ph, graph.node(self.adj.edges[e as usize].head).place)
                })
            };
            let stay = self.id(ph, st + 1);
            // The stop's node is on the pattern's layer: without anything to avoid, its mode
            // decides.
            let allowed = if may_block {
                self.allowed_node(next.node)
            } else {
                mode_allowed
            };
            if next.dropoff && allowed {
                let off = self.id(ph, next.node.index());
                self.relax(off, arrived, from, How::Alight);
            }
            if self.pareto.is_some() {
                self.relax(stay, onward, from, How::Stay);
                break;
            }
            let k = stay as usize;
            if onward.weight > self.bound || !onward.better_than(self.label[k]) {
                break;
            }
            self.label[k] = onward;
            self.parent[k] = (from, How::Stay);
            self.touched.push(stay);
            (st, l, from, phase) = (st + 1, onward, stay, ph);
        }
    }

    /// The pattern and stop index of ride state `st` (local) whose label rides `trip`.
    fn ride_at(&self, st: usize, trip: u32) -> (usize, usize) {
        let slot = (st - 3 * self.n) as u32;
        let (lines, patterns) = (&self.tt.line_ride, &self.tt.pattern_ride);
        match lines.first() {
            Some(&first) if slot >= first => {
                let li = lines.partition_point(|&b| b <= slot) - 1;
                (trip as usize, (slot - lines[li]) as usize)
            }
            _ => {
                let p = patterns.partition_point(|&b| b <= slot) - 1;
                (p, (slot - patterns[p]) as usize)
            }
        }
    }

    fn charter_state(&mut self, v: NodeId, formed_at: PlaceId, phase: usize) -> u32 {
        let next = self.charter_of.len();
        let k = *self.charters.entry((v, formed_at, phase)).or_insert(next);
        if k == next {
            self.charter_of.push((v, formed_at, phase));
        }
        (self.phases * self.charter_base + k) as u32
    }

    /// The global id of local state `local` in via phase `phase`.
    fn id(&self, phase: usize, local: usize) -> u32 {
        (phase * self.charter_base + local) as u32
    }

    /// The via phase and the local state of `id` (charters: `charter_base + k`).
    fn split(&self, id: u32) -> (usize, usize) {
        let id = id as usize;
        let regular = self.phases * self.charter_base;
        if id < regular {
            (id / self.charter_base, id % self.charter_base)
        } else {
            let k = id - regular;
            (self.charter_of[k].2, self.charter_base + k)
        }
    }

    /// The phase after passing `place` in phase `phase`.
    fn advance(&self, phase: usize, place: PlaceId) -> usize {
        if phase < self.req.via.len() && self.req.via[phase] == place {
            phase + 1
        } else {
            phase
        }
    }

    fn expand(&mut self, state: u32, l: Label) {
        let (phase, st) = self.split(state);
        let (n, graph, net) = (self.n, self.graph, self.net);
        let t = l.at;
        if st < n || (2 * n..3 * n).contains(&st) {
            // Free at a node; off a chartered train (which may not be followed by another, or
            // charters would cover in two pieces a pair a service serves) from 2n.
            let after_charter = st >= n;
            let v = NodeId((st % n) as u32);
            let nd = graph.node(v);
            let defaults = (!self.req.passengers)
                .then(|| net.mode_defaults(nd.layer.mode))
                .flatten();
            if let Some(d) = defaults {
                let after = t + Self::hours(d.default_wait_p50_h);
                let waited = self.wait(l, after, Some(d.default_wait_p90_h));
                match nd.layer.mode {
                    Mode::Road => {
                        let truck = self.id(phase, n + v.index());
                        let mut booked = Self::boarded(waited);
                        booked.shift = Shift::FRESH;
                        self.relax(truck, booked, state, How::BookTruck)
                    }
                    Mode::Rail if !after_charter && nd.layer.gauge.is_some() => {
                        let c = self.charter_state(v, nd.place, phase);
                        self.relax(c, Self::boarded(waited), state, How::FormCharter);
                    }
                    _ => {}
                }
            }
            let base = if after_charter { 2 * n } else { 0 };
            for ei in self.adj.out_edges(v) {
                let e = &self.adj.edges[ei];
                let at_place =
                    matches!(e.kind(), EdgeKind::Transfer(_) | EdgeKind::Clearance { .. });
                if at_place && self.allowed_node(e.head) {
                    let next = if self.people_pass(ei) {
                        l
                    } else {
                        self.edge(l, ei)
                    };
                    let to = self.id(phase, base + e.head.index());
                    self.relax(to, next, state, How::Edge(ei as u32));
                }
            }
            if self.req.passengers && !self.tt.walks.is_empty() {
                for &fi in &self.tt.walks[nd.place.index()] {
                    let f = &net.footpaths[fi as usize];
                    let h = f.minutes / 60.0;
                    let walked = self.step(l, &Costs::hours(h, h), t + Self::hours(h));
                    let ph = self.advance(phase, f.to);
                    for &w in graph.place_nodes(f.to) {
                        if self.allowed_node(w) {
                            self.relax(self.id(ph, w.index()), walked, state, How::Walk(fi));
                        }
                    }
                }
            }
            // Boarding: one look-up per line (the earliest trip of a line arrives first at
            // every later stop at the same money and emissions, so under time, cost or CO2e it
            // is the best); under p90 and balanced, whose weights mix a pattern's own running
            // times with money, every pattern is asked and labelled.
            let by_pattern = !matches!(
                self.req.objective,
                crate::Objective::Least(
                    silkroute_model::Criterion::Time
                        | silkroute_model::Criterion::Cost
                        | silkroute_model::Criterion::Co2
                )
            );
            let boarding = if by_pattern {
                self.tt.boarding_at(v)
            } else {
                self.tt.line_boarding_at(v)
            };
            for &(b, i) in boarding {
                let (p0, mode) = if by_pattern {
                    (b, self.tt.patterns[b as usize].mode)
                } else {
                    let line = &self.tt.lines[b as usize];
                    (line.first_pattern, line.mode)
                };
                if !self.allowed_mode(mode)
                    || self.surcharges.is_some_and(|s| s.suspended[p0 as usize])
                {
                    continue;
                }
                // Cargo: the mode's handling and cut-off; people: the station's change time
                // when they change from another service (none at the start of the trip).
                let connection = if self.req.passengers {
                    self.tt
                        .change_at(nd.place)
                        .filter(|_| l.vehicles > 0)
                        .map_or(0, |fi| {
                            Self::hours(net.footpaths[fi as usize].minutes / 60.0)
                        })
                } else {
                    net.mode_defaults(mode)
                        .map_or(0, |d| Self::hours(d.min_connection_h))
                };
                let ready = t + connection;
                // A ride of the line already leaves this stop by `ready` at no more weight:
                // every trip boarded here would be worse (single-label searches).
                if !by_pattern && self.pareto.is_none() {
                    let slot = self.tt.line_ride[b as usize] as usize + i as usize;
                    let ride = self.id(phase, 3 * n + slot) as usize;
                    if let Some(ex) = self.label.get(ride) {
                        if ex.weight <= l.weight && ex.at <= ready {
                            continue;
                        }
                    }
                }
                let next = if by_pattern {
                    self.tt.patterns[b as usize]
                        .next_departure(i as usize, ready, FREQUENCY_WAIT_QUANTILE)
                        .map(|dep| (b, dep))
                } else {
                    self.tt.lines[b as usize].next_departure(
                        &self.tt.patterns,
                        i as usize,
                        ready,
                        FREQUENCY_WAIT_QUANTILE,
                    )
                };
                if let Some((p, dep)) = next {
                    // A table line's trips are timetabled (no look at the pattern).
                    let tabled = !by_pattern && self.tt.lines[b as usize].is_table();
                    let departures = (!tabled).then(|| &self.tt.patterns[p as usize].departures);
                    let p90 = match departures {
                        Some(Departures::Frequency { headway_s, wait }) => {
                            Some(wait.quantile_h(*headway_s as f64 / 3600.0, 0.9))
                        }
                        _ => None,
                    };
                    let boarded = self.wait(l, dep, p90.map(|w| w + connection as f64 / 3600.0));
                    let slot = if by_pattern {
                        self.tt.pattern_ride[p as usize]
                    } else {
                        self.tt.line_ride[b as usize]
                    };
                    let ride = self.id(phase, 3 * n + slot as usize + i as usize);
                    let mut on = Self::boarded(boarded);
                    on.trip = p;
                    self.relax(ride, on, state, How::Board { ready });
                }
            }
        } else if st < 2 * n {
            // On a truck (unloading ends the charter rule: a truck leg came between).
            let v = NodeId((st - n) as u32);
            let unloaded = self.id(phase, v.index());
            self.relax(unloaded, l, state, How::Unload);
            for ei in self.adj.out_edges(v) {
                let e = &self.adj.edges[ei];
                let moves = matches!(e.kind(), EdgeKind::Run(_) | EdgeKind::Border { .. });
                if moves && graph.node(e.head).layer.mode == Mode::Road && self.allowed_node(e.head)
                {
                    let next = self.truck_edge(l, ei);
                    let ph = self.advance(phase, graph.node(e.head).place);
                    let to = self.id(ph, n + e.head.index());
                    self.relax(to, next, state, How::Edge(ei as u32));
                }
            }
        } else if st < self.charter_base {
            self.ride(state, l);
        } else {
            // On a chartered train.
            let (v, formed_at, _) = self.charter_of[st - self.charter_base];
            let place = graph.node(v).place;
            let whole_train = self.req.cargo.feu >= silkroute_model::WHOLE_TRAIN_FEU;
            if place != formed_at
                && net.place(place).kind != PlaceKind::BorderPost
                && (whole_train || !self.tt.covered.contains(&(Mode::Rail, formed_at, place)))
            {
                let off = self.id(phase, 2 * n + v.index());
                self.relax(off, l, state, How::LeaveCharter);
            }
            for ei in self.adj.out_edges(v) {
                let e = &self.adj.edges[ei];
                let head = graph.node(e.head).layer;
                if head.mode == Mode::Rail && head.gauge.is_some() && self.allowed_node(e.head) {
                    let next = self.edge(l, ei);
                    let ph = self.advance(phase, graph.node(e.head).place);
                    let c = self.charter_state(e.head, formed_at, ph);
                    self.relax(c, next, state, How::Edge(ei as u32));
                }
            }
        }
    }

    /// Walks the parents back from `end` into steps in time order.
    fn journey(&self, end: u32, ready: Instant) -> Journey {
        let mut chain = Vec::new();
        let mut at = end;
        while at != u32::MAX {
            let (from, how) = self.parent[at as usize];
            let (t_from, shift, from_trip) = if from == u32::MAX {
                (ready, Shift::FRESH, u32::MAX)
            } else {
                let l = self.label[from as usize];
                (l.at, l.shift, l.trip)
            };
            chain.push(ChainStep::new(
                at,
                how,
                &self.label[at as usize],
                from,
                t_from,
                from_trip,
                shift,
            ));
            at = from;
        }
        chain.reverse();
        self.journey_of(&chain, ready, self.label[end as usize])
    }

    /// The journey of the Pareto label `end`.
    fn pareto_journey(&self, end: u32, ready: Instant) -> Journey {
        let p = self.pareto.as_ref().expect("a Pareto search");
        let mut chain = Vec::new();
        let mut at = end;
        while at != u32::MAX {
            let (state, l, parent, how, _) = p.arena[at as usize];
            let (from, t_from, shift, from_trip) = if parent == u32::MAX {
                (u32::MAX, ready, Shift::FRESH, u32::MAX)
            } else {
                let (s, pl, ..) = p.arena[parent as usize];
                (s, pl.at, pl.shift, pl.trip)
            };
            chain.push(ChainStep::new(
                state, how, &l, from, t_from, from_trip, shift,
            ));
            at = parent;
        }
        chain.reverse();
        self.journey_of(&chain, ready, p.arena[end as usize].1)
    }

    /// Steps in time order from a chain of states.
    fn journey_of(&self, chain: &[ChainStep], ready: Instant, end: Label) -> Journey {
        let n = self.n;
        let mut steps = Vec::new();
        let mut slack = None;
        for c in chain {
            let (state, how, from, t, t_from, shift) =
                (c.state, c.how, c.from, c.at, c.t_from, c.shift);
            let (_, st) = self.split(state);
            let from_local = (from != u32::MAX).then(|| self.split(from).1);
            match how {
                How::Origin | How::Unload | How::LeaveCharter => {}
                How::Walk(fi) => steps.push(JourneyStep::Walk {
                    footpath: fi,
                    from_node: NodeId((from_local.unwrap_or(0) % n) as u32),
                    to_node: NodeId((st % n) as u32),
                    depart: t_from,
                    arrive: t,
                }),
                How::Export | How::Import => {
                    let v = NodeId((st % n) as u32);
                    let procedure = if how == How::Export {
                        Procedure::Export
                    } else {
                        Procedure::Import
                    };
                    steps.push(JourneyStep::Customs {
                        node: v,
                        procedure,
                        row: self.customs(v, procedure).0,
                        from: t_from,
                        to: t,
                    });
                }
                How::BookTruck => steps.push(JourneyStep::Wait {
                    node: NodeId((st % n) as u32),
                    from: t_from,
                    to: t,
                    reason: WaitReason::TruckBooking,
                }),
                How::FormCharter => steps.push(JourneyStep::Wait {
                    node: self.charter_of[st - self.charter_base].0,
                    from: t_from,
                    to: t,
                    reason: WaitReason::CharterFormation,
                }),
                How::Edge(e) if self.people_pass(e as usize) => {}
                How::Edge(e) => {
                    let mut t_from = t_from;
                    if let EdgeKind::Border { border, .. } = self.adj.edges[e as usize].kind() {
                        let opens = self.tt.border_opens(border, t_from);
                        if opens > t_from {
                            steps.push(JourneyStep::Wait {
                                node: self.adj.edges[e as usize].tail,
                                from: t_from,
                                to: opens,
                                reason: WaitReason::BorderClosed(border),
                            });
                            t_from = opens;
                        }
                    }
                    let carrier = if st < n || (2 * n..3 * n).contains(&st) {
                        Carrier::Handling
                    } else if st < 2 * n {
                        Carrier::Truck
                    } else {
                        Carrier::Charter
                    };
                    let edge = &self.adj.edges[e as usize];
                    let driving = match (carrier, edge.kind()) {
                        (Carrier::Truck, EdgeKind::Run(_)) => self
                            .rules_at(self.graph.node(edge.tail).place)
                            .map(|rules| Driving { rules, shift }),
                        _ => None,
                    };
                    steps.push(JourneyStep::Edge {
                        edge: e,
                        depart: t_from,
                        arrive: t,
                        carrier,
                        driving,
                    });
                }
                How::Board { ready: after } => {
                    let (p, _) = self.ride_at(st, c.trip);
                    let node = NodeId((from_local.unwrap_or(0) % n) as u32);
                    let mode = self.tt.patterns[p].mode;
                    if after > t_from {
                        let change = self
                            .req
                            .passengers
                            .then(|| self.tt.change_at(self.graph.node(node).place))
                            .flatten();
                        let reason =
                            change.map_or(WaitReason::Connection(mode), WaitReason::Change);
                        steps.push(JourneyStep::Wait {
                            node,
                            from: t_from,
                            to: after,
                            reason,
                        });
                    }
                    let timetabled =
                        matches!(self.tt.patterns[p].departures, Departures::Timetable { .. });
                    if timetabled && slack.is_none() {
                        slack = Some(t - after);
                    }
                    if t > after {
                        let reason = match self.tt.patterns[p].departures {
                            Departures::Timetable { .. } => WaitReason::Timetable(p as u32),
                            Departures::Frequency { .. } => WaitReason::Frequency(p as u32),
                        };
                        steps.push(JourneyStep::Wait {
                            node,
                            from: after,
                            to: t,
                            reason,
                        });
                    }
                }
                How::Stay | How::Alight => {
                    // The hop from the stop of `from` to the next stop.
                    let fs = from_local.unwrap_or(0);
                    let (p, i) = self.ride_at(fs, c.from_trip);
                    self.hop_steps(p, i, t_from, &mut steps);
                    let next = &self.tt.patterns[p].stops[i + 1];
                    if how == How::Stay && next.depart_s > next.arrive_s {
                        steps.push(JourneyStep::Wait {
                            node: next.node,
                            from: t - (next.depart_s - next.arrive_s),
                            to: t,
                            reason: WaitReason::Dwell(p as u32),
                        });
                    }
                }
            }
        }
        Journey {
            ready,
            arrival: end.at,
            weight: end.weight,
            steps,
            first_departure_slack_s: slack,
        }
    }

    /// The edges of hop `i` of pattern `p`, leaving stop `i` at `depart`, each timed by its
    /// typical time and the whole hop stretched to the stop times of the timetable.
    fn hop_steps(&self, p: usize, i: usize, depart: Instant, steps: &mut Vec<JourneyStep>) {
        let pattern = &self.tt.patterns[p];
        let (here, next) = (&pattern.stops[i], &pattern.stops[i + 1]);
        let scheduled = (next.arrive_s - here.depart_s) as f64;
        let edges = &pattern.hops[i];
        let typical: f64 = edges
            .iter()
            .map(|&e| self.adj.edges[e as usize].time_p50_h * 3600.0)
            .sum();
        let scale = if typical > 0.0 {
            scheduled / typical
        } else {
            1.0
        };
        let mut clock = depart as f64;
        for &e in edges {
            let dt = self.adj.edges[e as usize].time_p50_h * 3600.0 * scale;
            steps.push(JourneyStep::Edge {
                edge: e,
                depart: clock.round() as Instant,
                arrive: (clock + dt).round() as Instant,
                carrier: Carrier::Service(p as u32),
                driving: None,
            });
            clock += dt;
        }
    }
}
