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
use crate::frequencies::{follow_flow, Frequencies, ServiceFrequency, MAX_ROUNDS};
use crate::loading::{over_segments, Loader};
use crate::paths::{gradient_projection, nested_logit, Equilibrium};
use serde::Serialize;
use silkroute_feed::CargoUnit;
use silkroute_graph::{EdgeKind, Graph, Timetable};
use silkroute_model::{ElementKind, Mode, Network, PlaceId};
use std::collections::BTreeMap;
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
    /// The default: gradient projection (exact to small gaps, and it knows which service each
    /// tonne rides, which frequencies that follow flow need).
    pub const DEFAULT: Method = Method::GradientProjection;
    /// The default's name.
    pub const DEFAULT_NAME: &'static str = "gp";

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

/// How shippers choose between modes and routes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Choice {
    /// Each tonne takes a route of least generalized cost (a deterministic user equilibrium,
    /// solved by [`Method`]).
    LeastCost,
    /// Nested logit: modes are nests (a route's mode is that of most of its kilometres), routes
    /// their alternatives; utility `−dispersion × ln(cost)`; a stochastic user equilibrium by the
    /// method of successive averages over the routes found (docs/assignment.md, "Choice").
    NestedLogit {
        /// The weight of log cost in the utility (> 0); large values approach least cost.
        dispersion: f64,
        /// The nest coefficient in (0, 1]: 1 is a multinomial logit over all routes; smaller
        /// values make routes of one mode closer substitutes of each other than of other modes.
        nest: f64,
    },
}

impl Choice {
    /// The choices as the CLI, HTTP and Python name them.
    pub const NAMES: [&'static str; 2] = ["logit", "least-cost"];
    /// The choice of `silkroute assign` and Python when none is named (and of
    /// [`AssignmentConfig::for_network`]): the nested logit with its default parameters.
    pub const DEFAULT_NAME: &'static str = "logit";

    /// `least-cost`, or `logit` with `dispersion` (in (0, 100]) and `nest` (in (0, 1]), each
    /// defaulting to [`Choice::DEFAULT_LOGIT`]'s.
    pub fn parse(name: &str, dispersion: Option<f64>, nest: Option<f64>) -> Result<Choice, String> {
        let Choice::NestedLogit {
            dispersion: d0,
            nest: n0,
        } = Choice::DEFAULT_LOGIT
        else {
            unreachable!("the default logit is a logit")
        };
        match name.trim() {
            "least-cost" => Ok(Choice::LeastCost),
            "logit" => {
                let dispersion = dispersion.unwrap_or(d0);
                let nest = nest.unwrap_or(n0);
                // Beyond ~100 the logit is least cost in all but name, and successive averages
                // converge slowly on so sharp a choice: --choice least-cost is the way there.
                if !(dispersion > 0.0 && dispersion <= 100.0) {
                    return Err(format!(
                        "dispersion {dispersion} is not in (0, 100] (for least cost: --choice least-cost)"
                    ));
                }
                if !(nest > 0.0 && nest <= 1.0) {
                    return Err(format!("nest coefficient {nest} is not in (0, 1]"));
                }
                Ok(Choice::NestedLogit { dispersion, nest })
            }
            other => Err(format!("`{other}` is not a choice (least-cost or logit)")),
        }
    }

    /// The default logit: dispersion 3.4 (Nodus's demonstration model, jourquin/Nodus
    /// `demo/MLogit-R.costs`: −3.37 and −3.50 on log cost, estimated with R's mlogit on its
    /// demonstration data — not a calibration for this corridor) and nest coefficient 0.5 (an
    /// assumption: no sourced value was found).
    pub const DEFAULT_LOGIT: Choice = Choice::NestedLogit {
        dispersion: 3.4,
        nest: 0.5,
    };
}

/// Settings of an assignment. `Default` is the least-cost equilibrium by gradient projection
/// (the building block the tests check against closed forms); what `silkroute assign` runs is
/// [`AssignmentConfig::for_network`]'s nested logit.
#[derive(Debug, Clone)]
pub struct AssignmentConfig {
    /// How shippers choose (least cost by default).
    pub choice: Choice,
    /// The method of the least-cost equilibrium.
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
    /// Published frequencies, or more departures where the flow needs them (path-based methods
    /// on services).
    pub frequencies: Frequencies,
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
    /// The settings for `net` (compiled as `graph`) as `silkroute assign` starts from: the
    /// default nested logit ([`Choice::DEFAULT_LOGIT`]; `method` for a least-cost choice),
    /// stopping at `relative_gap` or after `max_iterations`, at `value_of_time_usd_per_t_h` for
    /// goods of unknown value; on the network's services when it has any (their timetable
    /// compiled here), else on the infrastructure.
    pub fn for_network(
        net: &silkroute_model::Network,
        graph: &silkroute_graph::Graph,
        method: Method,
        relative_gap: f64,
        max_iterations: usize,
        value_of_time_usd_per_t_h: f64,
    ) -> Result<AssignmentConfig, silkroute_graph::TimetableError> {
        Ok(AssignmentConfig {
            choice: Choice::DEFAULT_LOGIT,
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
            choice: Choice::LeastCost,
            frequencies: Frequencies::FollowFlow,
            method: Method::DEFAULT,
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
    /// Tonnes per day per edge, per segment (in the order of the demand's segments).
    pub flows_by_segment: Vec<Vec<f64>>,
    /// Generalized cost per tonne per edge at those flows, USD, at the mean value of time of
    /// the tonnes on it (the default value of time where none).
    pub costs: Vec<f64>,
    /// Iterations run.
    pub iterations: usize,
    /// Relative gap reached (for a logit choice: the relative change of route flows).
    pub relative_gap: f64,
    /// Σ cost × flow, USD per day (boarding waits included).
    pub total_cost_usd_per_day: f64,
    /// Demand that found no route, tonnes per day, by pair.
    pub stranded: Vec<((PlaceId, PlaceId), f64)>,
    /// Cheapest generalized cost per tonne of each pair at the final costs (the tonnes-weighted
    /// mean over its segments).
    pub od_cost: Vec<((PlaceId, PlaceId), f64)>,
    /// Per pair and segment, its cheapest route at the final costs (at a user equilibrium every
    /// used route of a pair costs the same, up to the relative gap; this is one of them).
    pub routes: Vec<OdRoute>,
    /// Per segment: its value of time, tonnes and how its tonne-km split between modes.
    pub segments: Vec<SegmentFlow>,
    /// The cargo services with their loads and departures (path-based methods on services),
    /// most over their published departures first.
    pub services: Vec<ServiceFrequency>,
    /// Assignments run (more than one when frequencies follow flow).
    pub frequency_rounds: usize,
    /// Whether the departures followed the flow (else as published).
    pub frequencies_follow_flow: bool,
}

/// What one commodity segment does in the assignment.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SegmentFlow {
    /// The commodity.
    pub name: String,
    /// Containers, bulk or vehicles.
    pub unit: CargoUnit,
    /// Value density, USD per tonne, when the demand gives values.
    pub value_usd_per_t: Option<f64>,
    /// Value of time used, USD per tonne-hour.
    pub value_of_time_usd_per_t_h: f64,
    /// Demand, tonnes per day.
    pub tonnes_per_day: f64,
    /// Demand in its units per day: TEU (10 t), wagons (bulk, 70 t) or cars (vehicles, 1.5 t).
    pub units_per_day: f64,
    /// Tonne-km per day by mode (rail, road, sea, air), as shares of the segment's tonne-km.
    pub tonne_km_share_by_mode: BTreeMap<Mode, f64>,
}

/// Tonnes per unit of a segment: a TEU (the feed's 10 t), a bulk wagon of the 1520 mm network
/// (70 t: Kazakh-built gondolas, Qazaqstan Temir Zholy), a car (1.5 t: an **estimate**, the mass
/// of a compact car or small crossover).
pub fn tonnes_per_unit(unit: CargoUnit) -> f64 {
    match unit {
        CargoUnit::Container => silkroute_feed::TONNES_PER_TEU,
        CargoUnit::Bulk => 70.0,
        CargoUnit::Vehicles => 1.5,
    }
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
    let path_based = matches!(config.choice, Choice::NestedLogit { .. })
        || config.method == Method::GradientProjection;
    let follow = config.frequencies == Frequencies::FollowFlow && path_based;
    let mut config = config.clone();
    let mut adjusted: Option<Network> = None;
    let mut rounds = 0;
    loop {
        rounds += 1;
        let now = adjusted.as_ref().unwrap_or(net);
        let costs = EdgeCosts::new(now, graph, &config.cost);
        let loader = Loader::new(now, graph, demand, &costs, &config);
        let eq = match (config.choice, config.method) {
            (Choice::NestedLogit { .. }, _) => nested_logit(&loader, &config, &mut progress),
            (_, Method::GradientProjection) => gradient_projection(&loader, &config, &mut progress),
            _ => frank_wolfe(&loader, &config, &mut progress),
        };
        let (services, next) = match (&config.services, &eq.rides) {
            (Some(tt), Some(rides)) => follow_flow(net, now, tt, rides, follow),
            _ => (Vec::new(), None),
        };
        let next = match next {
            Some(n) if rounds < MAX_ROUNDS => Timetable::compile(&n, graph)
                .ok()
                .map(|tt| (n, Arc::new(tt))),
            _ => None,
        };
        match next {
            Some((n, tt)) => {
                drop(loader);
                config.services = Some(tt);
                adjusted = Some(n);
            }
            None => {
                let mut a = answer(now, graph, demand, &config, &loader, eq);
                a.services = services;
                a.frequency_rounds = rounds;
                a.frequencies_follow_flow = follow;
                return a;
            }
        }
    }
}

/// The answer of equilibrium `eq` found by `loader` on `net`.
fn answer(
    net: &Network,
    graph: &Graph,
    demand: &Demand,
    config: &AssignmentConfig,
    loader: &Loader,
    eq: Equilibrium,
) -> Assignment {
    let costs = loader.costs;
    let m = graph.edges().len();
    let x = over_segments(m, &eq.by_segment);
    let delay = costs.delays_h(&x);
    let last = loader.load(&delay, true);
    // USD per hour of delay per edge: Σ over segments of tonnes × value of time.
    let valued: Vec<f64> = (0..m)
        .map(|e| {
            eq.by_segment
                .iter()
                .zip(&loader.vot)
                .map(|(xs, v)| xs[e] * v)
                .sum()
        })
        .collect();
    let default_vot = config.cost.value_of_time_usd_per_t_h;
    let mut od: BTreeMap<(PlaceId, PlaceId), (f64, f64)> = BTreeMap::new();
    for ((o, d, _), cost, tonnes) in &last.od_cost {
        let e = od.entry((*o, *d)).or_insert((0.0, 0.0));
        e.0 += cost * tonnes;
        e.1 += tonnes;
    }
    let mut stranded: BTreeMap<(PlaceId, PlaceId), f64> = BTreeMap::new();
    for (p, t) in &eq.stranded {
        *stranded.entry(*p).or_insert(0.0) += t;
    }
    let routes = last
        .routes
        .iter()
        .map(|((o, d, s), cost, column)| {
            let tonnes = demand.pairs.get(&(*o, *d, *s)).copied().unwrap_or(0.0);
            let edges: Vec<usize> = column.edges.iter().map(|&e| e as usize).collect();
            let mut r = od_route(net, graph, (*o, *d), tonnes, *cost, &edges);
            r.segment = demand.segments[*s].name.clone();
            if let Some(tt) = &config.services {
                r.services = column
                    .services()
                    .iter()
                    .map(|&p| {
                        net.services[tt.patterns[p as usize].service as usize]
                            .id
                            .clone()
                    })
                    .collect();
                r.services.dedup();
            }
            r
        })
        .collect();
    let segments = demand
        .segments
        .iter()
        .enumerate()
        .map(|(s, seg)| {
            let tonnes: f64 = demand
                .pairs
                .iter()
                .filter(|((_, _, k), _)| *k == s)
                .map(|(_, t)| t)
                .sum();
            let mut km: BTreeMap<Mode, f64> = BTreeMap::new();
            for (e, edge) in graph.edges().iter().enumerate() {
                if matches!(edge.kind(), EdgeKind::Run(_) | EdgeKind::Border { .. }) {
                    *km.entry(graph.node(edge.head).layer.mode).or_insert(0.0) +=
                        eq.by_segment[s][e] * edge.distance_km;
                }
            }
            let all: f64 = km.values().sum();
            SegmentFlow {
                name: seg.name.clone(),
                unit: seg.unit,
                value_usd_per_t: seg.value_usd_per_t,
                value_of_time_usd_per_t_h: loader.vot[s],
                tonnes_per_day: tonnes,
                units_per_day: tonnes / tonnes_per_unit(seg.unit),
                tonne_km_share_by_mode: km
                    .into_iter()
                    .filter(|(_, v)| *v > 0.0)
                    .map(|(k, v)| (k, v / all))
                    .collect(),
            }
        })
        .collect();
    Assignment {
        total_cost_usd_per_day: eq.fixed_usd
            + valued.iter().zip(&delay).map(|(a, b)| a * b).sum::<f64>(),
        costs: (0..m)
            .map(|e| {
                let vot = if x[e] > 0.0 {
                    valued[e] / x[e]
                } else {
                    default_vot
                };
                costs.base(e, vot) + vot * delay[e]
            })
            .collect(),
        flows: x,
        flows_by_segment: eq.by_segment,
        iterations: eq.iterations,
        relative_gap: eq.gap,
        stranded: stranded.into_iter().collect(),
        od_cost: od
            .into_iter()
            .map(|(p, (c, t))| (p, if t > 0.0 { c / t } else { 0.0 }))
            .collect(),
        routes,
        segments,
        services: Vec::new(),
        frequency_rounds: 1,
        frequencies_follow_flow: false,
    }
}

/// All-or-nothing, Frank–Wolfe, conjugate or bi-conjugate Frank–Wolfe, as `config.method` says,
/// in hours-equivalent (each segment's cost / its value of time): the route cost is its
/// flow-independent part plus the congestion delay of its edges, and Beckmann's objective is
/// `F + Σ_e ∫₀^{x_e} delay_e(v) dv`, with F linear in the route flows. A facility both
/// directions share (a single-track line, a border post, a yard) is congested by the volume of
/// both: each edge's delay is taken at its facility's volume.
fn frank_wolfe(
    loader: &Loader,
    config: &AssignmentConfig,
    progress: &mut dyn FnMut(usize, f64),
) -> Equilibrium {
    let costs = loader.costs;
    let m = costs.facility.len();
    let first = loader.load(&vec![0.0; m], false);
    let mut xs = first.by_segment;
    let total = |xs: &[Vec<f64>]| over_segments(m, xs);
    let mut fixed = (first.fixed_h, first.fixed_usd);
    let mut stranded = first.stranded;
    let mut iterations = 0;
    let mut gap = f64::INFINITY;
    type Target = (Vec<Vec<f64>>, (f64, f64));
    let mut prev_target: Option<Target> = None;
    let mut prev_prev_target: Option<Target> = None;
    let mut prev_lambda = 1.0;
    // The relative gap in USD, each segment's tonnes at their own value of time: Σ cost × flow
    // against Σ demand × the cheapest cost.
    let usd_gap = |xs: &[Vec<f64>], fixed_usd: f64, delay: &[f64], cheapest_usd: f64| -> f64 {
        let total = fixed_usd
            + xs.iter()
                .zip(&loader.vot)
                .map(|(xs_s, v)| v * xs_s.iter().zip(delay).map(|(a, b)| a * b).sum::<f64>())
                .sum::<f64>();
        if total > 0.0 {
            ((total - cheapest_usd) / total).max(0.0)
        } else {
            0.0
        }
    };
    if config.method != Method::AllOrNothing {
        while iterations < config.max_iterations {
            let x = total(&xs);
            let delay = costs.delays_h(&x);
            let y = loader.load(&delay, false);
            gap = usd_gap(&xs, fixed.1, &delay, y.cheapest_usd);
            stranded = y.stranded.clone();
            iterations += 1;
            progress(iterations, gap);
            if gap <= config.relative_gap {
                break;
            }
            // Target point: y mixed with the previous targets (direction_weights), then the step.
            let v = costs.volumes(&x);
            let hess: Vec<f64> = (0..m).map(|e| costs.delay_slope(e, v[e])).collect();
            let y_total = y.total(m);
            let beta = direction_weights(
                config.method,
                &hess,
                &x,
                &y_total,
                prev_target.as_ref().map(|t| total(&t.0)).as_deref(),
                prev_prev_target.as_ref().map(|t| total(&t.0)).as_deref(),
                prev_lambda,
            );
            let mix = |yv: &[Vec<f64>]| -> Vec<Vec<f64>> {
                (0..yv.len())
                    .map(|s| {
                        (0..m)
                            .map(|i| {
                                beta.0 * yv[s][i]
                                    + prev_target.as_ref().map_or(0.0, |t| beta.1 * t.0[s][i])
                                    + prev_prev_target
                                        .as_ref()
                                        .map_or(0.0, |t| beta.2 * t.0[s][i])
                            })
                            .collect()
                    })
                    .collect()
            };
            let target = mix(&y.by_segment);
            let mix_fixed = |f: fn(&(f64, f64)) -> f64, yf: f64| {
                beta.0 * yf
                    + prev_target.as_ref().map_or(0.0, |t| beta.1 * f(&t.1))
                    + prev_prev_target.as_ref().map_or(0.0, |t| beta.2 * f(&t.1))
            };
            let target_fixed = (
                mix_fixed(|p| p.0, y.fixed_h),
                mix_fixed(|p| p.1, y.fixed_usd),
            );
            let lambda = line_search(costs, (&x, fixed.0), (&total(&target), target_fixed.0));
            for (xs_s, t_s) in xs.iter_mut().zip(&target) {
                for e in 0..m {
                    xs_s[e] += lambda * (t_s[e] - xs_s[e]);
                }
            }
            fixed.0 += lambda * (target_fixed.0 - fixed.0);
            fixed.1 += lambda * (target_fixed.1 - fixed.1);
            prev_prev_target = prev_target.take();
            prev_target = Some((target, target_fixed));
            prev_lambda = lambda;
        }
    } else {
        // All-or-nothing: the relative gap of its loading at the delays it causes.
        let x = total(&xs);
        let delay = costs.delays_h(&x);
        let y = loader.load(&delay, false);
        gap = usd_gap(&xs, fixed.1, &delay, y.cheapest_usd);
        progress(1, gap);
        iterations = 1;
    }
    Equilibrium {
        by_segment: xs,
        fixed_usd: fixed.1,
        iterations,
        gap,
        stranded,
        rides: None,
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
                g += costs.delay_h(e, v[e]) * d;
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
    /// The commodity segment.
    pub segment: String,
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
        let id = match graph.edges()[e].kind() {
            EdgeKind::Run(l) => net.links[l as usize].id.clone(),
            EdgeKind::Border { border, .. } => {
                borders.push(net.borders[border as usize].id.clone());
                net.borders[border as usize].id.clone()
            }
            EdgeKind::Transfer(x) => net.transfers[x as usize].id.clone(),
            EdgeKind::Clearance { .. } => graph.edges()[e].kind().element_id(net).1.to_string(),
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
        segment: String::new(),
    }
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
                let (kind, element) = e.kind().element_id(net);
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
                let basis = CapacityBasis::of(net, e.kind());
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
