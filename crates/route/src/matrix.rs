//! Many-to-many queries: a matrix of best routes between places, and the places reachable from
//! one origin within a budget. One one-to-all search per origin, origins in parallel (rayon).

use crate::search::{search, RouteRequest, SearchTree, Step};
use rayon::prelude::*;
use serde::Serialize;
use silkroute_graph::{Graph, NodeId};
use silkroute_model::{Network, PlaceId};

/// One cell of a matrix: the best itinerary's totals, or `None` when unreachable.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MatrixCell {
    /// Origin place id.
    pub from: String,
    /// Destination place id.
    pub to: String,
    /// Sum of the legs' p50 hours (what `by=time` minimises in a matrix; not the p50 of the
    /// total, which a route answer reports as `summary.time_h.p50`).
    pub time_sum_p50_h: Option<f64>,
    /// Sum of the legs' p90 hours (conservative: every element has its bad day at once).
    pub time_sum_p90_h: Option<f64>,
    /// USD for the cargo.
    pub cost_usd: Option<f64>,
    /// Well-to-wheel kg CO2e.
    pub co2e_kg: Option<f64>,
    /// Kilometres.
    pub distance_km: Option<f64>,
    /// Value of the objective that was minimised.
    pub objective_value: Option<f64>,
}

/// The best route from every origin to every destination, minimising `template.objective`
/// with its filters and cargo (`template.from`, `to` and `via` are ignored).
pub fn matrix(
    net: &Network,
    graph: &Graph,
    template: &RouteRequest,
    origins: &[PlaceId],
    destinations: &[PlaceId],
) -> Vec<Vec<MatrixCell>> {
    origins
        .par_iter()
        .map(|&o| {
            let mut req = template.clone();
            req.from = o;
            req.via.clear();
            let tree = search(net, graph, &req, false);
            destinations
                .iter()
                .map(|&d| {
                    let t = if d == o {
                        None
                    } else {
                        tree.best_state_at(graph, d)
                            .map(|s| Totals::along(graph, &req, &tree, s))
                    };
                    MatrixCell {
                        from: net.place(o).id.clone(),
                        to: net.place(d).id.clone(),
                        time_sum_p50_h: t.map(|t| t.time_p50_h),
                        time_sum_p90_h: t.map(|t| t.time_p90_h),
                        cost_usd: t.map(|t| t.cost_usd),
                        co2e_kg: t.map(|t| t.co2e_kg),
                        distance_km: t.map(|t| t.distance_km),
                        objective_value: t.map(|t| t.objective_value),
                    }
                })
                .collect()
        })
        .collect()
}

/// Totals of the best path to a state, summed along the search tree without building the legs.
#[derive(Clone, Copy)]
struct Totals {
    time_p50_h: f64,
    time_p90_h: f64,
    cost_usd: f64,
    co2e_kg: f64,
    distance_km: f64,
    objective_value: f64,
}

impl Totals {
    fn along(graph: &Graph, req: &RouteRequest, tree: &SearchTree, mut state: u32) -> Totals {
        let mut t = Totals {
            time_p50_h: 0.0,
            time_p90_h: 0.0,
            cost_usd: 0.0,
            co2e_kg: 0.0,
            distance_km: 0.0,
            objective_value: tree.dist[state as usize],
        };
        loop {
            match tree.step[state as usize].expect("reached states have a step") {
                Step::Start => {
                    let w = &graph
                        .node(NodeId((state as usize % tree.n) as u32))
                        .board_wait;
                    t.time_p50_h += w.p50_h;
                    t.time_p90_h += w.p90_h;
                    return t;
                }
                Step::Via { prev } => state = prev,
                Step::Edge { prev, edge } => {
                    let e = &graph.edges()[edge as usize];
                    t.time_p50_h += e.time_p50_h + e.wait_p50_h;
                    t.time_p90_h += e.time_p90_h + e.wait_p90_h;
                    t.cost_usd += e.cost_usd_per_feu * req.cargo.feu;
                    t.co2e_kg += e.wtw_g_per_t * req.cargo.tonnes / 1000.0;
                    t.distance_km += e.distance_km;
                    state = prev;
                }
            }
        }
    }
}

/// A place reachable within the budget.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Reachable {
    /// Place id.
    pub id: String,
    /// English name.
    pub name: String,
    /// ISO country code.
    pub country: String,
    /// `[lon, lat]`.
    pub coordinates: [f64; 2],
    /// Best value of the objective (hours, USD, kg CO2e).
    pub value: f64,
    /// Sum of the legs' p50 hours of that route.
    pub time_sum_p50_h: f64,
    /// USD of that route.
    pub cost_usd: f64,
    /// Kg CO2e of that route.
    pub co2e_kg: f64,
}

/// Every place reachable from `template.from` whose best objective value is at most `budget`,
/// best first (the origin itself excluded).
pub fn reach(net: &Network, graph: &Graph, template: &RouteRequest, budget: f64) -> Vec<Reachable> {
    let mut req = template.clone();
    req.via.clear();
    let tree = search(net, graph, &req, false);
    let mut out: Vec<Reachable> = (0..net.places.len() as u32)
        .map(PlaceId)
        .filter(|&p| p != req.from)
        .filter_map(|p| {
            let s = tree.best_state_at(graph, p)?;
            if tree.dist[s as usize] > budget {
                return None;
            }
            let t = Totals::along(graph, &req, &tree, s);
            let pl = net.place(p);
            Some(Reachable {
                id: pl.id.clone(),
                name: pl.name_en.clone(),
                country: pl.country.clone(),
                coordinates: [pl.lon, pl.lat],
                value: tree.dist[s as usize],
                time_sum_p50_h: t.time_p50_h,
                cost_usd: t.cost_usd,
                co2e_kg: t.co2e_kg,
            })
        })
        .collect();
    out.sort_by(|a, b| a.value.total_cmp(&b.value).then_with(|| a.id.cmp(&b.id)));
    out
}
