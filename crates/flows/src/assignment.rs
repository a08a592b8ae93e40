//! Traffic assignment: all-or-nothing and user equilibrium (Frank–Wolfe, conjugate Frank–Wolfe).
//!
//! The equilibrium minimises Beckmann's objective `Σ_e ∫₀^{x_e} c_e(v) dv` over edge flows `x`
//! that carry the demand. Each iteration loads all demand on shortest paths at current costs
//! (all-or-nothing, one Dijkstra per origin, origins in parallel), chooses a search direction
//! (plain Frank–Wolfe: towards that loading; conjugate: a combination with the previous target
//! that is conjugate with respect to the Hessian, Mitradjieva & Lindberg 2013), and moves by a
//! bisection line search. It stops when the relative gap
//! `(Σ c·x − Σ demand × shortest cost) / Σ c·x` is at most the target.

use crate::cost::{CapacityBasis, CostModel, EdgeCosts, TONNES_PER_TRAIN, TONNES_PER_VEHICLE};
use crate::demand::Demand;
use crate::paths::{gradient_projection, Equilibrium};
use crate::shortest::tree;
use rayon::prelude::*;
use serde::Serialize;
use silkroute_graph::{EdgeKind, Graph, Instant, NodeId, Timetable};
use silkroute_model::{Cargo, ElementKind, Mode, Network, PlaceId};
use silkroute_route::{
    earliest_arrivals, reference_week, JourneyStep, Objective, RouteRequest, Surcharges,
};
use std::sync::Arc;

/// How to assign.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// Every OD pair on its shortest path at free-flow costs.
    AllOrNothing,
    /// Frank–Wolfe.
    FrankWolfe,
    /// Conjugate Frank–Wolfe.
    ConjugateFrankWolfe,
    /// Bi-conjugate Frank–Wolfe: directions conjugate to the previous two.
    BiconjugateFrankWolfe,
    /// Path-based gradient projection (Jayakrishnan et al. 1994): reaches gaps of 1e-8 where
    /// the Frank–Wolfe variants stall.
    GradientProjection,
}

impl Method {
    /// Every method with its name (`aon`, `fw`, `cfw`, `bfw`, `gp`), as the CLI, HTTP and
    /// Python name them.
    pub const NAMES: [(&'static str, Method); 5] = [
        ("aon", Method::AllOrNothing),
        ("fw", Method::FrankWolfe),
        ("cfw", Method::ConjugateFrankWolfe),
        ("bfw", Method::BiconjugateFrankWolfe),
        ("gp", Method::GradientProjection),
    ];
}

impl std::str::FromStr for Method {
    type Err = String;
    fn from_str(s: &str) -> Result<Method, String> {
        Method::NAMES
            .iter()
            .find(|(n, _)| *n == s.trim())
            .map(|(_, m)| *m)
            .ok_or_else(|| format!("`{s}` is not a method (aon, fw, cfw, bfw or gp)"))
    }
}

/// Settings of an assignment.
#[derive(Debug, Clone)]
pub struct AssignmentConfig {
    /// The method.
    pub method: Method,
    /// Stop at this relative gap (default 1e-4).
    pub relative_gap: f64,
    /// Stop after this many iterations even if the gap is larger.
    pub max_iterations: usize,
    /// Generalized cost and volume–delay parameters.
    pub cost: CostModel,
    /// Edges that may not be used (closures), by edge index; empty = all usable.
    pub closed_edges: Vec<bool>,
    /// Run the shortest paths of the origins in parallel.
    pub parallel: bool,
    /// Carry the demand on these services (the network's compiled timetable) with the
    /// timetable router, cargo ready at [`READY_TIMES`] moments spread evenly over the
    /// reference week; `None`: on the infrastructure graph with per-place boarding waits (a
    /// network without services).
    pub services: Option<Arc<Timetable>>,
}

/// Ready times per origin over the reference week in an assignment on services: one every
/// 6 hours, each carrying an equal share of the day's demand.
pub const READY_TIMES: usize = 28;

impl AssignmentConfig {
    /// The settings for `net` (compiled as `graph`): `method`, stopping at `relative_gap` or
    /// after `max_iterations`, at `value_of_time_usd_per_t_h`; on the network's services when
    /// it has any (their timetable compiled here), else on the infrastructure.
    pub fn for_network(
        net: &silkroute_model::Network,
        graph: &silkroute_graph::Graph,
        method: Method,
        relative_gap: f64,
        max_iterations: usize,
        value_of_time_usd_per_t_h: f64,
    ) -> Result<AssignmentConfig, silkroute_graph::TimetableError> {
        Ok(AssignmentConfig {
            method,
            relative_gap,
            max_iterations,
            cost: CostModel {
                value_of_time_usd_per_t_h,
                ..CostModel::default()
            },
            services: if net.services.is_empty() {
                None
            } else {
                Some(Arc::new(Timetable::compile(net, graph)?))
            },
            ..AssignmentConfig::default()
        })
    }
}

impl Default for AssignmentConfig {
    fn default() -> Self {
        AssignmentConfig {
            method: Method::BiconjugateFrankWolfe,
            relative_gap: 1e-4,
            max_iterations: 2000,
            cost: CostModel::default(),
            closed_edges: Vec::new(),
            parallel: true,
            services: None,
        }
    }
}

/// The flow on one directed edge.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EdgeFlow {
    /// Index of the edge in the graph.
    pub edge: usize,
    /// Link, border crossing or transfer.
    pub kind: ElementKind,
    /// Id of the link, border crossing or transfer.
    pub element: String,
    /// Which way: `from → to` place ids, or for a transfer the layers (`rail-1435 → rail-1520`).
    pub direction: String,
    /// Mode.
    pub mode: Mode,
    /// Place id at the tail.
    pub from: String,
    /// Place id at the head.
    pub to: String,
    /// Tonnes per day.
    pub tonnes_per_day: f64,
    /// TEU per day (10 t per TEU).
    pub teu_per_day: f64,
    /// Trains per day for rail (1,000 t per train), trucks per day for road (20 t per truck).
    pub vehicles_per_day: Option<f64>,
    /// Whether the capacity is for both directions together, per direction, or missing.
    pub capacity_basis: CapacityBasis,
    /// Capacity in tonnes per day (for both directions or this one, as `capacity_basis` says),
    /// when known.
    pub capacity_t_per_day: Option<f64>,
    /// Tonnes per day on the facility: both directions on a shared one, else this edge's.
    pub facility_tonnes_per_day: f64,
    /// Facility volume / capacity.
    pub volume_capacity: Option<f64>,
    /// Hours of delay over free flow at this volume.
    pub delay_h: f64,
    /// Generalized cost per tonne at this volume, USD.
    pub cost_usd_per_t: f64,
}

/// The result of an assignment.
#[derive(Debug, Clone)]
pub struct Assignment {
    /// Tonnes per day per edge.
    pub flows: Vec<f64>,
    /// Generalized cost per tonne per edge at those flows.
    pub costs: Vec<f64>,
    /// Iterations run.
    pub iterations: usize,
    /// Relative gap reached.
    pub relative_gap: f64,
    /// Σ cost × flow, USD per day (boarding waits included).
    pub total_cost_usd_per_day: f64,
    /// Demand that found no route, tonnes per day, by pair.
    pub stranded: Vec<((PlaceId, PlaceId), f64)>,
    /// Shortest generalized cost per tonne of each pair at the final costs.
    pub od_cost: Vec<((PlaceId, PlaceId), f64)>,
    /// The cheapest route of every pair at the final costs (at equilibrium every used route of
    /// a pair costs the same, up to the relative gap; this is one of them).
    pub routes: Vec<OdRoute>,
}

/// An all-or-nothing loading: every pair on its cheapest route at given surcharges.
struct Loading {
    /// Tonnes per day per edge.
    edges: Vec<f64>,
    /// Σ tonnes × the part of each route's cost that does not depend on flow, USD per day.
    fixed: f64,
    /// Σ tonnes × each route's whole cost at the surcharges it was found with.
    sptt: f64,
    stranded: Vec<((PlaceId, PlaceId), f64)>,
    od_cost: Vec<((PlaceId, PlaceId), f64)>,
    routes: Vec<OdRoute>,
}

impl Loading {
    /// Nothing loaded on `m` edges.
    fn empty(m: usize) -> Loading {
        Loading {
            edges: vec![0.0; m],
            fixed: 0.0,
            sptt: 0.0,
            stranded: Vec::new(),
            od_cost: Vec::new(),
            routes: Vec::new(),
        }
    }
}

/// A route as path-based methods keep it: its edges in order and the part of its cost per
/// tonne that does not depend on flow (money, waits, scheduled and free-flow times, the origin's
/// boarding).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Column {
    pub edges: Vec<u32>,
    pub fixed: f64,
}

/// One share of a pair's demand and its cheapest route (if any) at given surcharges: on the
/// infrastructure one share per pair, on services one per ready time.
pub(crate) struct Share {
    /// The destination's index in its origin's list ([`Demand::by_origin`]).
    pub dest: usize,
    /// Tonnes per day of this share.
    pub tonnes: f64,
    pub column: Option<Column>,
}

/// Surcharges made ready for many searches: edge weights on the infrastructure, the router's
/// per-hop sums on services.
pub(crate) enum Prepared {
    Infrastructure(Vec<f64>),
    Services(Surcharges),
}

/// What the equilibrium loads: the infrastructure or the services.
pub(crate) struct Loader<'a> {
    net: &'a Network,
    graph: &'a Graph,
    demand: &'a Demand,
    costs: &'a EdgeCosts,
    usable: Vec<bool>,
    start_cost: Vec<f64>,
    config: &'a AssignmentConfig,
}

impl Loader<'_> {
    /// The surcharges per edge (USD per tonne over the flow-independent cost) prepared for
    /// [`Loader::shares`]; closed edges are never used.
    pub fn prepare(&self, surcharge: &[f64]) -> Prepared {
        match &self.config.services {
            None => Prepared::Infrastructure(
                (0..surcharge.len())
                    .map(|e| self.costs.base(e) + surcharge[e])
                    .collect(),
            ),
            Some(tt) => Prepared::Services(Surcharges::new(
                self.graph,
                tt,
                (0..surcharge.len())
                    .map(|e| {
                        if self.usable[e] {
                            surcharge[e]
                        } else {
                            f64::INFINITY
                        }
                    })
                    .collect(),
            )),
        }
    }

    /// The demand's origins, each with its destinations and tonnes per day.
    pub fn origins(&self) -> Vec<(PlaceId, Vec<(PlaceId, f64)>)> {
        self.demand.by_origin().into_iter().collect()
    }

    /// Shares of the demand of origin `o` per destination (in the order of `dests`; on
    /// services [`READY_TIMES`] per destination, ready time by ready time) with their cheapest
    /// routes at the prepared surcharges.
    pub fn shares(&self, prepared: &Prepared, o: PlaceId, dests: &[(PlaceId, f64)]) -> Vec<Share> {
        match prepared {
            Prepared::Infrastructure(weights) => {
                let t = tree(
                    self.graph,
                    o,
                    |v: NodeId| self.start_cost[v.index()],
                    weights,
                    &self.usable,
                );
                dests
                    .iter()
                    .enumerate()
                    .map(|(k, &(d, tonnes))| Share {
                        dest: k,
                        tonnes,
                        column: t.best_node(self.graph, d).map(|node| {
                            let mut edges = Vec::new();
                            let mut v = node;
                            while t.pred_edge[v.index()] != crate::shortest::NONE {
                                let e = t.pred_edge[v.index()];
                                edges.push(e);
                                v = self.graph.edges()[e as usize].tail;
                            }
                            edges.reverse();
                            let fixed = self.start_cost[v.index()]
                                + edges
                                    .iter()
                                    .map(|&e| self.costs.base(e as usize))
                                    .sum::<f64>();
                            Column { edges, fixed }
                        }),
                    })
                    .collect()
            }
            Prepared::Services(surcharges) => {
                let tt = self.config.services.as_ref().expect("services prepared");
                let share = 1.0 / READY_TIMES as f64;
                let found = self.journeys(tt, surcharges, o, dests);
                let mut out = Vec::with_capacity(dests.len() * READY_TIMES);
                for (k, &(_, tonnes)) in dests.iter().enumerate() {
                    for ready in 0..READY_TIMES {
                        let column = found.get(ready).and_then(|js| js[k].as_ref()).map(|j| {
                            let edges: Vec<u32> = j
                                .steps
                                .iter()
                                .filter_map(|s| match s {
                                    JourneyStep::Edge { edge, .. } => Some(*edge),
                                    _ => None,
                                })
                                .collect();
                            let on_edges: f64 =
                                edges.iter().map(|&e| surcharges.edge(e as usize)).sum();
                            Column {
                                edges,
                                fixed: j.weight - on_edges,
                            }
                        });
                        out.push(Share {
                            dest: k,
                            tonnes: tonnes * share,
                            column,
                        });
                    }
                }
                out
            }
        }
    }

    /// The cheapest journeys of one tonne from `o` to each of `dests`, per ready time of the
    /// reference week (none when the origin has no reference week).
    fn journeys(
        &self,
        tt: &Timetable,
        surcharges: &Surcharges,
        o: PlaceId,
        dests: &[(PlaceId, f64)],
    ) -> Vec<Vec<Option<silkroute_route::Journey>>> {
        let objective = Objective::Balanced {
            value_of_time_usd_per_h: self.config.cost.value_of_time_usd_per_t_h,
        };
        let mut req = RouteRequest::new(o, o, objective);
        req.cargo = Cargo::tonnes(1.0);
        let targets: Vec<PlaceId> = dests.iter().map(|d| d.0).collect();
        let Ok((_, start)) = reference_week(self.net, o, None) else {
            return Vec::new();
        };
        let step = 7 * 24 * 3600 / READY_TIMES as Instant;
        (0..READY_TIMES as Instant)
            .map(|k| {
                let ready = start + k * step + step / 2;
                earliest_arrivals(
                    self.net,
                    self.graph,
                    tt,
                    &req,
                    ready,
                    &targets,
                    Some(surcharges),
                )
            })
            .collect()
    }

    /// Every pair on its cheapest route when edge `e` costs `surcharge[e]` USD per tonne over
    /// its flow-independent cost; the routes themselves when `want_routes`.
    fn load(&self, surcharge: &[f64], want_routes: bool) -> Loading {
        match &self.config.services {
            None => self.on_infrastructure(surcharge, want_routes),
            Some(tt) => self.on_services(tt, surcharge, want_routes),
        }
    }

    fn on_infrastructure(&self, surcharge: &[f64], want_routes: bool) -> Loading {
        let weights: Vec<f64> = (0..surcharge.len())
            .map(|e| self.costs.base(e) + surcharge[e])
            .collect();
        let l = all_or_nothing(
            self.graph,
            self.demand,
            &weights,
            &self.start_cost,
            &self.usable,
            self.config.parallel,
        );
        let fixed = (0..l.edges.len())
            .map(|e| l.edges[e] * self.costs.base(e))
            .sum::<f64>()
            + l.starts
                .iter()
                .zip(&self.start_cost)
                .map(|(a, b)| a * b)
                .sum::<f64>();
        let routes = if want_routes {
            tree_routes(
                self.net,
                self.graph,
                self.demand,
                &weights,
                &self.start_cost,
                &self.usable,
            )
        } else {
            Vec::new()
        };
        Loading {
            edges: l.edges,
            fixed,
            sptt: l.sptt,
            stranded: l.stranded,
            od_cost: l.od_cost,
            routes,
        }
    }

    /// The timetable router from every origin at [`READY_TIMES`] ready times of the reference
    /// week to all its destinations, with the surcharges (and closed edges) in its weights.
    fn on_services(&self, tt: &Timetable, surcharge: &[f64], want_routes: bool) -> Loading {
        let (net, graph) = (self.net, self.graph);
        let Prepared::Services(surcharges) = self.prepare(surcharge) else {
            unreachable!("a loader with services prepares for services")
        };
        let origins = self.origins();
        let m = graph.edges().len();
        let one = |(o, dests): &(PlaceId, Vec<(PlaceId, f64)>)| {
            let share = 1.0 / READY_TIMES as f64;
            let mut part = Loading::empty(m);
            // Per destination: the journeys reached.
            let mut found: Vec<Vec<silkroute_route::Journey>> = vec![Vec::new(); dests.len()];
            for js in self.journeys(tt, &surcharges, *o, dests) {
                for ((k, &(_, tonnes)), j) in dests.iter().enumerate().zip(js) {
                    let Some(j) = j else { continue };
                    let t = tonnes * share;
                    let mut on_edges = 0.0;
                    for s in &j.steps {
                        if let JourneyStep::Edge { edge, .. } = s {
                            part.edges[*edge as usize] += t;
                            on_edges += surcharges.edge(*edge as usize);
                        }
                    }
                    part.fixed += t * (j.weight - on_edges);
                    part.sptt += t * j.weight;
                    found[k].push(j);
                }
            }
            for ((d, tonnes), js) in dests.iter().zip(found) {
                let missed = READY_TIMES - js.len();
                if missed > 0 {
                    part.stranded
                        .push(((*o, *d), tonnes * missed as f64 * share));
                }
                if js.is_empty() {
                    continue;
                }
                let mean = js.iter().map(|j| j.weight).sum::<f64>() / js.len() as f64;
                part.od_cost.push(((*o, *d), mean));
                if want_routes {
                    let mut by_weight: Vec<&silkroute_route::Journey> = js.iter().collect();
                    by_weight.sort_by(|a, b| a.weight.total_cmp(&b.weight));
                    let median = by_weight[by_weight.len() / 2];
                    let edges: Vec<usize> = median
                        .steps
                        .iter()
                        .filter_map(|s| match s {
                            JourneyStep::Edge { edge, .. } => Some(*edge as usize),
                            _ => None,
                        })
                        .collect();
                    let mut route = od_route(net, graph, (*o, *d), *tonnes, mean, &edges);
                    for s in &median.steps {
                        if let JourneyStep::Edge {
                            carrier: silkroute_route::Carrier::Service(p),
                            ..
                        } = s
                        {
                            let id = &net.services[tt.patterns[*p as usize].service as usize].id;
                            if route.services.last() != Some(id) {
                                route.services.push(id.clone());
                            }
                        }
                    }
                    part.routes.push(route);
                }
            }
            part
        };
        let parts: Vec<Loading> = if self.config.parallel {
            origins.par_iter().map(one).collect()
        } else {
            origins.iter().map(one).collect()
        };
        // Summed in origin order, so results do not depend on thread scheduling.
        let mut out = Loading::empty(m);
        for p in parts {
            for (a, b) in out.edges.iter_mut().zip(p.edges) {
                *a += b;
            }
            out.fixed += p.fixed;
            out.sptt += p.sptt;
            out.stranded.extend(p.stranded);
            out.od_cost.extend(p.od_cost);
            out.routes.extend(p.routes);
        }
        out
    }
}

/// The infrastructure's all-or-nothing loading, with the boarding at each origin node.
struct TreeLoading {
    edges: Vec<f64>,
    starts: Vec<f64>,
    sptt: f64,
    stranded: Vec<((PlaceId, PlaceId), f64)>,
    od_cost: Vec<((PlaceId, PlaceId), f64)>,
}

fn all_or_nothing(
    graph: &Graph,
    demand: &Demand,
    weights: &[f64],
    start_cost: &[f64],
    usable: &[bool],
    parallel: bool,
) -> TreeLoading {
    let origins: Vec<(PlaceId, Vec<(PlaceId, f64)>)> = demand.by_origin().into_iter().collect();
    let m = graph.edges().len();
    let n = graph.nodes().len();
    let one = |(o, dests): &(PlaceId, Vec<(PlaceId, f64)>)| {
        let t = tree(
            graph,
            *o,
            |v: NodeId| start_cost[v.index()],
            weights,
            usable,
        );
        let mut edges = vec![0.0; m];
        let mut starts = vec![0.0; n];
        let mut sptt = 0.0;
        let mut stranded = Vec::new();
        let mut od_cost = Vec::new();
        for &(d, tonnes) in dests {
            match t.best_node(graph, d) {
                Some(node) => {
                    sptt += tonnes * t.dist[node.index()];
                    od_cost.push(((*o, d), t.dist[node.index()]));
                    t.load(graph, node, tonnes, &mut edges);
                    // the origin node the path starts from
                    let mut v = node;
                    while t.pred_edge[v.index()] != crate::shortest::NONE {
                        v = graph.edges()[t.pred_edge[v.index()] as usize].tail;
                    }
                    starts[v.index()] += tonnes;
                }
                None => stranded.push(((*o, d), tonnes)),
            }
        }
        (edges, starts, sptt, stranded, od_cost)
    };
    let parts: Vec<_> = if parallel {
        origins.par_iter().map(one).collect()
    } else {
        origins.iter().map(one).collect()
    };
    // Summed in origin order, so results do not depend on thread scheduling.
    let mut out = TreeLoading {
        edges: vec![0.0; m],
        starts: vec![0.0; n],
        sptt: 0.0,
        stranded: Vec::new(),
        od_cost: Vec::new(),
    };
    for (e, s, sptt, stranded, od) in parts {
        for (a, b) in out.edges.iter_mut().zip(e) {
            *a += b;
        }
        for (a, b) in out.starts.iter_mut().zip(s) {
            *a += b;
        }
        out.sptt += sptt;
        out.stranded.extend(stranded);
        out.od_cost.extend(od);
    }
    out
}

/// Assigns `demand` (tonnes per day) to the network. `progress(iteration, gap)` is called after
/// every iteration.
pub fn assign(
    net: &Network,
    graph: &Graph,
    demand: &Demand,
    config: &AssignmentConfig,
    mut progress: impl FnMut(usize, f64),
) -> Assignment {
    let costs = EdgeCosts::new(net, graph, &config.cost);
    let m = graph.edges().len();
    let usable: Vec<bool> = if config.closed_edges.len() == m {
        config.closed_edges.iter().map(|c| !c).collect()
    } else {
        vec![true; m]
    };
    let start_cost: Vec<f64> = graph
        .nodes()
        .iter()
        .map(|nd| config.cost.value_of_time_usd_per_t_h * nd.board_wait.p50_h)
        .collect();
    let loader = Loader {
        net,
        graph,
        demand,
        costs: &costs,
        usable,
        start_cost,
        config,
    };
    // The route cost is its flow-independent part plus Σ over its edges of the surcharge
    // s_e(x_e) = value of the congestion delay; Beckmann's objective is then
    // F + Σ_e ∫₀^{x_e} s_e(v) dv, with F linear in the route flows.
    // A facility both directions share (a single-track line, a border post, a yard) is
    // congested by the volume of both: each edge's surcharge is taken at its facility's volume.
    let surcharge = |x: &[f64]| -> Vec<f64> {
        let v = costs.volumes(x);
        (0..m).map(|e| costs.surcharge(e, v[e])).collect()
    };
    let Equilibrium {
        x,
        fixed,
        iterations,
        gap,
        stranded,
        od_cost,
    } = match config.method {
        Method::GradientProjection => gradient_projection(&loader, &costs, config, &mut progress),
        _ => frank_wolfe(&loader, &costs, config, &mut progress),
    };
    let tstt = |x: &[f64], fixed: f64, s: &[f64]| -> f64 {
        fixed + x.iter().zip(s).map(|(a, b)| a * b).sum::<f64>()
    };
    let sc = surcharge(&x);
    let routes = loader.load(&sc, true).routes;
    Assignment {
        total_cost_usd_per_day: tstt(&x, fixed, &sc),
        costs: (0..m).map(|e| costs.base(e) + sc[e]).collect(),
        flows: x,
        iterations,
        relative_gap: gap,
        stranded,
        od_cost,
        routes,
    }
}

/// All-or-nothing, Frank–Wolfe, conjugate or bi-conjugate Frank–Wolfe, as `config.method` says.
fn frank_wolfe(
    loader: &Loader,
    costs: &EdgeCosts,
    config: &AssignmentConfig,
    progress: &mut dyn FnMut(usize, f64),
) -> Equilibrium {
    let m = costs.facility.len();
    let surcharge = |x: &[f64]| -> Vec<f64> {
        let v = costs.volumes(x);
        (0..m).map(|e| costs.surcharge(e, v[e])).collect()
    };
    let first = loader.load(&vec![0.0; m], false);
    let mut x = first.edges;
    let mut fixed = first.fixed;
    let mut stranded = first.stranded;
    let mut od_cost = first.od_cost;
    let mut iterations = 0;
    let mut gap = f64::INFINITY;
    let mut prev_target: Option<(Vec<f64>, f64)> = None;
    let mut prev_prev_target: Option<(Vec<f64>, f64)> = None;
    let mut prev_lambda = 1.0;
    let tstt = |x: &[f64], fixed: f64, s: &[f64]| -> f64 {
        fixed + x.iter().zip(s).map(|(a, b)| a * b).sum::<f64>()
    };
    if config.method != Method::AllOrNothing {
        while iterations < config.max_iterations {
            let sc = surcharge(&x);
            let y = loader.load(&sc, false);
            let total = tstt(&x, fixed, &sc);
            gap = if total > 0.0 {
                ((total - y.sptt) / total).max(0.0)
            } else {
                0.0
            };
            stranded = y.stranded.clone();
            od_cost = y.od_cost.clone();
            iterations += 1;
            progress(iterations, gap);
            if gap <= config.relative_gap {
                break;
            }
            // Target point: y mixed with the previous targets (direction_weights), then the step.
            let v = costs.volumes(&x);
            let hess: Vec<f64> = (0..m).map(|e| costs.derivative(e, v[e])).collect();
            let beta = direction_weights(
                config.method,
                &hess,
                &x,
                &y.edges,
                prev_target.as_ref().map(|t| &t.0[..]),
                prev_prev_target.as_ref().map(|t| &t.0[..]),
                prev_lambda,
            );
            let target: Vec<f64> = (0..m)
                .map(|i| {
                    beta.0 * y.edges[i]
                        + prev_target.as_ref().map_or(0.0, |t| beta.1 * t.0[i])
                        + prev_prev_target.as_ref().map_or(0.0, |t| beta.2 * t.0[i])
                })
                .collect();
            let target_fixed = beta.0 * y.fixed
                + prev_target.as_ref().map_or(0.0, |t| beta.1 * t.1)
                + prev_prev_target.as_ref().map_or(0.0, |t| beta.2 * t.1);
            let lambda = line_search(costs, (&x, fixed), (&target, target_fixed));
            for e in 0..m {
                x[e] += lambda * (target[e] - x[e]);
            }
            fixed += lambda * (target_fixed - fixed);
            prev_prev_target = prev_target.take();
            prev_target = Some((target, target_fixed));
            prev_lambda = lambda;
        }
    } else {
        gap = 0.0;
    }
    Equilibrium {
        x,
        fixed,
        iterations,
        gap,
        stranded,
        od_cost,
    }
}

/// Weights of (the all-or-nothing loading y, the previous target s1, the one before s2) in the
/// next target point: plain Frank–Wolfe uses y alone; the conjugate method mixes in s1, the
/// bi-conjugate method s1 and s2, so that the direction s − x is conjugate (with respect to the
/// diagonal Hessian `hess` = c'(x)) to the previous direction(s).
fn direction_weights(
    method: Method,
    hess: &[f64],
    x: &[f64],
    y_edges: &[f64],
    prev_target: Option<&[f64]>,
    prev_prev_target: Option<&[f64]>,
    prev_lambda: f64,
) -> (f64, f64, f64) {
    let m = x.len();
    let dot = |u: &dyn Fn(usize) -> f64, w: &dyn Fn(usize) -> f64| -> f64 {
        (0..m)
            .filter(|&e| hess[e] > 0.0)
            .map(|e| hess[e] * u(e) * w(e))
            .sum()
    };
    let bfw_ready = method == Method::BiconjugateFrankWolfe
        && prev_prev_target.is_some()
        && prev_lambda < 0.999;
    if let (true, Some(s1), Some(s2)) = (bfw_ready, prev_target, prev_prev_target) {
        let tau = prev_lambda;
        let a = |e: usize| y_edges[e] - x[e];
        let b = |e: usize| s1[e] - x[e];
        let c = |e: usize| s2[e] - x[e];
        let d2 = |e: usize| tau * s1[e] + (1.0 - tau) * s2[e] - x[e];
        let (ad2, d2d2) = (dot(&a, &d2), dot(&d2, &d2));
        let mu = if d2d2 > 0.0 {
            (-(1.0 - tau) * ad2 / d2d2).max(0.0)
        } else {
            0.0
        };
        let (ab, bb, cb) = (dot(&a, &b), dot(&b, &b), dot(&c, &b));
        let nu = if bb > 0.0 {
            (-(ab + mu * cb) / bb).max(0.0)
        } else {
            0.0
        };
        let b0 = 1.0 / (1.0 + nu + mu);
        return (b0, nu * b0, mu * b0);
    }
    if matches!(
        method,
        Method::ConjugateFrankWolfe | Method::BiconjugateFrankWolfe
    ) {
        if let Some(s1) = prev_target {
            let a = |e: usize| y_edges[e] - x[e];
            let b = |e: usize| s1[e] - x[e];
            let (num, q) = (dot(&b, &a), dot(&b, &b));
            let den = num - q;
            let alpha = if den != 0.0 {
                (num / den).clamp(0.0, 0.99)
            } else {
                0.0
            };
            return (1.0 - alpha, alpha, 0.0);
        }
    }
    (1.0, 0.0, 0.0)
}

/// The step λ in [0, 1] from the current loading (edges `x`, flow-independent cost `fx`)
/// towards the target (`s`, `fs`) that minimises Beckmann's objective: bisection on its
/// derivative along s − x.
fn line_search(costs: &EdgeCosts, (x, fx): (&[f64], f64), (s, fs): (&[f64], f64)) -> f64 {
    let slope = |lambda: f64| -> f64 {
        let at: Vec<f64> = (0..x.len())
            .map(|e| x[e] + lambda * (s[e] - x[e]))
            .collect();
        let v = costs.volumes(&at);
        let mut g = fs - fx;
        for e in 0..x.len() {
            let d = s[e] - x[e];
            if d != 0.0 {
                g += costs.surcharge(e, v[e]) * d;
            }
        }
        g
    };
    if slope(1.0) <= 0.0 {
        return 1.0;
    }
    let (mut lo, mut hi) = (0.0, 1.0);
    for _ in 0..60 {
        let mid = 0.5 * (lo + hi);
        if slope(mid) > 0.0 {
            hi = mid
        } else {
            lo = mid
        }
    }
    0.5 * (lo + hi)
}

/// The cheapest route of one origin–destination pair at the equilibrium costs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OdRoute {
    /// Origin place id.
    pub from: String,
    /// Destination place id.
    pub to: String,
    /// Demand, tonnes per day.
    pub tonnes_per_day: f64,
    /// Generalized cost per tonne of the route, USD.
    pub cost_usd_per_t: f64,
    /// Border crossings on the route.
    pub borders: Vec<String>,
    /// Elements (links, borders, transfers) in order.
    pub elements: Vec<String>,
    /// Services ridden, in order (empty on the infrastructure model).
    pub services: Vec<String>,
}

/// The route of pair `od` over `edges` (in order).
fn od_route(
    net: &Network,
    graph: &Graph,
    (o, d): (PlaceId, PlaceId),
    tonnes: f64,
    cost_usd_per_t: f64,
    edges: &[usize],
) -> OdRoute {
    let mut borders = Vec::new();
    let mut elements: Vec<String> = Vec::new();
    for &e in edges {
        let id = match graph.edges()[e].kind {
            EdgeKind::Run(l) => net.links[l as usize].id.clone(),
            EdgeKind::Border { border, .. } => {
                borders.push(net.borders[border as usize].id.clone());
                net.borders[border as usize].id.clone()
            }
            EdgeKind::Transfer(x) => net.transfers[x as usize].id.clone(),
            EdgeKind::Clearance { .. } => graph.edges()[e].kind.element_id(net).1.to_string(),
        };
        elements.push(id);
    }
    OdRoute {
        from: net.place(o).id.clone(),
        to: net.place(d).id.clone(),
        tonnes_per_day: tonnes,
        cost_usd_per_t,
        borders,
        elements,
        services: Vec::new(),
    }
}

/// The cheapest route of every pair on the infrastructure at edge weights `weights`.
fn tree_routes(
    net: &Network,
    graph: &Graph,
    demand: &Demand,
    weights: &[f64],
    start_cost: &[f64],
    usable: &[bool],
) -> Vec<OdRoute> {
    let mut out = Vec::new();
    for (o, dests) in demand.by_origin() {
        let t = tree(graph, o, |v: NodeId| start_cost[v.index()], weights, usable);
        for (d, tonnes) in dests {
            let Some(node) = t.best_node(graph, d) else {
                continue;
            };
            let mut edges = Vec::new();
            let mut v = node;
            while t.pred_edge[v.index()] != crate::shortest::NONE {
                let e = t.pred_edge[v.index()] as usize;
                edges.push(e);
                v = graph.edges()[e].tail;
            }
            edges.reverse();
            out.push(od_route(
                net,
                graph,
                (o, d),
                tonnes,
                t.dist[node.index()],
                &edges,
            ));
        }
    }
    out
}

impl Assignment {
    /// The flows per directed edge with their loads, capacities and delays, busiest first
    /// (edges without flow left out).
    pub fn edge_flows(&self, net: &Network, graph: &Graph, model: &CostModel) -> Vec<EdgeFlow> {
        let costs = EdgeCosts::new(net, graph, model);
        let volumes = costs.volumes(&self.flows);
        let mut out: Vec<EdgeFlow> = graph
            .edges()
            .iter()
            .enumerate()
            .filter(|(i, _)| self.flows[*i] > 1e-9)
            .map(|(i, e)| {
                let (kind, element) = e.kind.element_id(net);
                // the facility's capacity in t/day, as the cost functions use it
                let cap = Some(costs.capacity[i]).filter(|c| c.is_finite());
                let (tail, head) = (graph.node(e.tail), graph.node(e.head));
                // A transfer starts and ends at one place: its direction is the change of layer.
                let direction = if kind == ElementKind::Transfer {
                    format!("{} → {}", tail.layer, head.layer)
                } else {
                    format!(
                        "{} → {}",
                        net.place(tail.place).id,
                        net.place(head.place).id
                    )
                };
                let v = self.flows[i];
                let mode = graph.node(e.head).layer.mode;
                let basis = CapacityBasis::of(net, e.kind);
                EdgeFlow {
                    edge: i,
                    kind,
                    element: element.to_string(),
                    direction,
                    mode,
                    from: net.place(graph.node(e.tail).place).id.clone(),
                    to: net.place(graph.node(e.head).place).id.clone(),
                    tonnes_per_day: v,
                    teu_per_day: v / silkroute_feed::TONNES_PER_TEU,
                    vehicles_per_day: match (kind, mode) {
                        (ElementKind::Link | ElementKind::Border, Mode::Rail) => {
                            Some(v / TONNES_PER_TRAIN)
                        }
                        (ElementKind::Link | ElementKind::Border, Mode::Road) => {
                            Some(v / TONNES_PER_VEHICLE)
                        }
                        _ => None,
                    },
                    capacity_basis: basis,
                    capacity_t_per_day: cap,
                    facility_tonnes_per_day: volumes[i],
                    volume_capacity: cap.map(|c| volumes[i] / c),
                    delay_h: costs.delay_h(i, volumes[i]),
                    cost_usd_per_t: self.costs[i],
                }
            })
            .collect();
        out.sort_by(|a, b| {
            let key = |f: &EdgeFlow| f.volume_capacity.unwrap_or(-1.0);
            key(b)
                .total_cmp(&key(a))
                .then(b.tonnes_per_day.total_cmp(&a.tonnes_per_day))
        });
        out
    }

    /// Tonnes per day that found no route.
    pub fn stranded_total(&self) -> f64 {
        self.stranded.iter().map(|(_, t)| t).sum()
    }
}
