//! Many-to-many queries: a matrix of best routes between places, and the places reachable from
//! one origin within a budget. One one-to-all search per origin, origins in parallel (rayon).

use crate::search::{search, RouteRequest, SearchTree, Step};
use rayon::prelude::*;
use serde::Serialize;
use silkroute_graph::{Graph, NodeId};
use silkroute_model::{Costs, Network, PlaceId};

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
                            .map(|s| (totals_along(graph, &req, &tree, s), tree.dist[s as usize]))
                    };
                    cell(net, o, d, t)
                })
                .collect()
        })
        .collect()
}

/// The cell from `o` to `d` of a best route with the totals along it and its objective value
/// (`None`: no route).
pub(crate) fn cell(
    net: &Network,
    o: PlaceId,
    d: PlaceId,
    best: Option<(Costs, f64)>,
) -> MatrixCell {
    MatrixCell {
        from: net.place(o).id.clone(),
        to: net.place(d).id.clone(),
        time_sum_p50_h: best.map(|(t, _)| t.time_p50_h),
        time_sum_p90_h: best.map(|(t, _)| t.time_p90_h),
        cost_usd: best.map(|(t, _)| t.usd),
        co2e_kg: best.map(|(t, _)| t.co2e_kg),
        distance_km: best.map(|(t, _)| t.km),
        objective_value: best.map(|(_, v)| v),
    }
}

/// Totals of the best path to a state, summed along the search tree without building the legs.
fn totals_along(graph: &Graph, req: &RouteRequest, tree: &SearchTree, mut state: u32) -> Costs {
    let mut t = Costs::default();
    loop {
        match tree.step[state as usize].expect("reached states have a step") {
            Step::Start => {
                let node = NodeId((state as usize % tree.n) as u32);
                return t + graph.node(node).board_wait.costs();
            }
            Step::Via { prev } => state = prev,
            Step::Edge { prev, edge } => {
                t += graph.edges()[edge as usize].costs(&req.cargo);
                state = prev;
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

impl Reachable {
    /// Place `p` reached with objective value `value` and the route's totals `t`.
    pub(crate) fn new(net: &Network, p: PlaceId, value: f64, t: &Costs) -> Reachable {
        let pl = net.place(p);
        Reachable {
            id: pl.id.clone(),
            name: pl.name_en.clone(),
            country: pl.country.clone(),
            coordinates: [pl.lon, pl.lat],
            value,
            time_sum_p50_h: t.time_p50_h,
            cost_usd: t.usd,
            co2e_kg: t.co2e_kg,
        }
    }

    /// Best first, ties by id.
    pub(crate) fn sort(places: &mut [Reachable]) {
        places.sort_by(|a, b| a.value.total_cmp(&b.value).then_with(|| a.id.cmp(&b.id)));
    }
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
            let t = totals_along(graph, &req, &tree, s);
            Some(Reachable::new(net, p, tree.dist[s as usize], &t))
        })
        .collect();
    Reachable::sort(&mut out);
    out
}
