//! Single-criterion queries answered by a contraction hierarchy (big imported or generated
//! networks): the same best routes as [`route`](crate::route) and [`matrix`](crate::matrix),
//! found without exploring the whole graph.
//!
//! Only plain requests qualify: objective `time`, `cost` or `co2`, every mode allowed, no via
//! places, nothing avoided (the hierarchy is built for one weight on the whole graph). The
//! callers fall back to Dijkstra otherwise.

use crate::customized::Customizable;
use crate::itinerary::Itinerary;
use crate::matrix::MatrixCell;
use crate::objective::Objective;
use crate::search::{check_request, no_route_error, RouteError, RouteRequest, Step};
use silkroute_graph::hierarchy::QueryState;
use silkroute_graph::hierarchy::{Weight, INFINITY};
use silkroute_graph::{Graph, Hierarchy, HierarchyQuery, Metric, NodeId, Wait};
use silkroute_model::{Criterion, Network, PlaceId};
use std::sync::Mutex;

/// The hierarchy metric that answers `req`, if the request is plain enough for one.
pub fn fast_metric(req: &RouteRequest) -> Option<Metric> {
    if !req.modes.is_empty()
        || !req.via.is_empty()
        || !req.avoid_places.is_empty()
        || !req.avoid_countries.is_empty()
    {
        return None;
    }
    req.objective
        .criterion()
        .and_then(|c| Metric::try_from(c).ok())
}

/// The inland nodes of `place` a search may start from (`allowed`), each with the weight of
/// boarding there (`board`: the wait to board as a weight).
pub(crate) fn starts(
    graph: &Graph,
    place: PlaceId,
    allowed: impl Fn(NodeId) -> bool,
    board: impl Fn(&Wait) -> Weight,
) -> Vec<(u32, Weight)> {
    graph
        .place_nodes(place)
        .iter()
        .filter(|&&v| allowed(v))
        .map(|&v| (v.0, board(&graph.node(v).board_wait)))
        .collect()
}

/// The inland nodes of `place` a search may end at (`allowed`); ending weighs nothing.
pub(crate) fn ends(
    graph: &Graph,
    place: PlaceId,
    allowed: impl Fn(NodeId) -> bool,
) -> Vec<(u32, Weight)> {
    graph
        .place_nodes(place)
        .iter()
        .filter(|&&v| allowed(v))
        .map(|v| (v.0, 0))
        .collect()
}

/// Every node: a plain request (the only kind a per-metric hierarchy answers) filters none.
fn any(_: NodeId) -> bool {
    true
}

/// The best itinerary for `req` found with `hierarchy` (built for `metric` on `graph`).
/// `query` is reusable state for that hierarchy.
pub fn route_fast(
    net: &Network,
    graph: &Graph,
    query: &mut HierarchyQuery,
    metric: Metric,
    req: &RouteRequest,
) -> Result<Itinerary, RouteError> {
    check_request(net, req)?;
    let path = query
        .path(
            &starts(graph, req.from, any, |w| metric.board_weight(w)),
            &ends(graph, req.to, any),
        )
        .ok_or_else(|| no_route_error(net, req))?;
    Ok(itinerary_of_path(net, graph, req, path.source, &path.edges))
}

/// The itinerary of a path that a hierarchy unpacked: from graph node `source` along `edges`.
pub(crate) fn itinerary_of_path(
    net: &Network,
    graph: &Graph,
    req: &RouteRequest,
    source: u32,
    edges: &[u32],
) -> Itinerary {
    let mut steps = vec![(source, Step::Start)];
    for &e in edges {
        let prev = steps.last().expect("starts with the source").0;
        let head = graph.edges()[e as usize].head.0;
        steps.push((head, Step::Edge { prev, edge: e }));
    }
    Itinerary::build(net, graph, req, graph.nodes().len(), &steps)
}

/// The matrix of best values of the objective between places, by the bucket algorithm on
/// `hierarchy` (built for `metric`). Only the minimised criterion is filled in (and
/// `objective_value`); the other totals are `None` because the paths are not unpacked.
pub fn matrix_fast(
    net: &Network,
    graph: &Graph,
    hierarchy: &Hierarchy,
    metric: Metric,
    template: &RouteRequest,
    origins: &[PlaceId],
    destinations: &[PlaceId],
) -> Vec<Vec<MatrixCell>> {
    let sources: Vec<_> = origins
        .iter()
        .map(|&o| starts(graph, o, any, |w| metric.board_weight(w)))
        .collect();
    let targets: Vec<_> = destinations.iter().map(|&d| ends(graph, d, any)).collect();
    let weights = hierarchy.many_to_many(&sources, &targets);
    let cargo = &template.cargo;
    origins
        .iter()
        .zip(weights)
        .map(|(&o, row)| {
            destinations
                .iter()
                .zip(row)
                .map(|(&d, w)| {
                    let value = (w != INFINITY && o != d).then(|| metric.value_for(w, cargo));
                    MatrixCell {
                        from: net.place(o).id.clone(),
                        to: net.place(d).id.clone(),
                        time_sum_p50_h: value.filter(|_| metric == Metric::Time),
                        time_sum_p90_h: None,
                        cost_usd: value.filter(|_| metric == Metric::Cost),
                        co2e_kg: value.filter(|_| metric == Metric::Co2),
                        distance_km: None,
                        objective_value: value,
                    }
                })
                .collect()
        })
        .collect()
}

/// The hierarchy among `hierarchies` that answers `req`, with its metric, if there is one.
pub fn hierarchy_for<'h>(
    hierarchies: &'h [(Metric, Hierarchy)],
    req: &RouteRequest,
) -> Option<(Metric, &'h Hierarchy)> {
    let metric = fast_metric(req)?;
    silkroute_graph::hierarchy::find(hierarchies, metric).map(|h| (metric, h))
}

/// The best itinerary for `req`, with its time distribution (and the odds of `deadline_h`):
/// each search from a hierarchy among `hierarchies` when one answers it (see
/// [`hierarchy_for`]), otherwise by Dijkstra ([`route`](crate::route)).
///
/// The time objectives are judged by what the answer reports, the quantiles of the total:
/// `time` returns, of the routes with the least Σ p50 and the least Σ p90 of their legs, the one
/// whose total has the lower p50; `p90` the one whose total has the lower p90. The itinerary's
/// `objective_value` is that quantile. (A search cannot minimise a quantile of a sum directly; a
/// route best on either sum is a candidate, so the fastest route's p50 is never later than
/// the safest route's, and the reverse for p90. On a graph file that has a hierarchy for time but
/// none for p90, the second candidate is skipped rather than searched by Dijkstra.)
pub fn best_route(
    net: &Network,
    graph: &Graph,
    hierarchies: &[(Metric, Hierarchy)],
    req: &RouteRequest,
    deadline_h: Option<f64>,
) -> Result<Itinerary, RouteError> {
    best_route_with(
        net,
        graph,
        hierarchies,
        None,
        &QueryPool::default(),
        req,
        deadline_h,
    )
}

/// Hierarchy query labels kept between queries, per metric (a [`Router`](crate::Router) keeps
/// one, as fast_paths keeps a `PathCalculator` per thread): a query on a hierarchy of n nodes
/// then costs what it touches, not O(n) to allocate and clear its labels.
#[derive(Default)]
pub struct QueryPool {
    states: Mutex<Vec<(Metric, QueryState)>>,
}

impl QueryPool {
    /// Runs `f` with a query on `h` (built for `metric`), reusing kept labels when there are.
    pub fn with_query<T>(
        &self,
        metric: Metric,
        h: &Hierarchy,
        f: impl FnOnce(&mut HierarchyQuery) -> T,
    ) -> T {
        let kept = {
            let mut states = self.states.lock().unwrap_or_else(|e| e.into_inner());
            states
                .iter()
                .position(|(m, _)| *m == metric)
                .map(|i| states.swap_remove(i).1)
        };
        let mut q = match kept {
            Some(state) => HierarchyQuery::with_state(h, state),
            None => HierarchyQuery::new(h),
        };
        let out = f(&mut q);
        let mut states = self.states.lock().unwrap_or_else(|e| e.into_inner());
        // At most one kept state per metric and worker thread is useful; more is memory.
        if states.len() < MAX_KEPT_STATES {
            states.push((metric, q.into_state()));
        }
        out
    }
}

/// Most query states a [`QueryPool`] keeps.
const MAX_KEPT_STATES: usize = 32;

/// [`best_route`] with hierarchy query labels from `pool`, and a search that no hierarchy
/// answers made on `customizable` when there is one and it [answers](Customizable::answers)
/// the request.
pub fn best_route_with(
    net: &Network,
    graph: &Graph,
    hierarchies: &[(Metric, Hierarchy)],
    customizable: Option<&Customizable>,
    pool: &QueryPool,
    req: &RouteRequest,
    deadline_h: Option<f64>,
) -> Result<Itinerary, RouteError> {
    let search = |r: &RouteRequest| match hierarchy_for(hierarchies, r) {
        Some((metric, h)) => pool.with_query(metric, h, |q| route_fast(net, graph, q, metric, r)),
        None => customizable
            .filter(|c| c.answers(r))
            .and_then(|c| c.route(net, graph, r))
            .unwrap_or_else(|| crate::search::route(net, graph, r)),
    };
    let (other, judged): (Objective, fn(&Itinerary) -> f64) = match req.objective {
        Objective::Least(Criterion::Time) => {
            (Objective::Least(Criterion::P90), |it| it.summary.time_h.p50)
        }
        Objective::Least(Criterion::P90) => (Objective::Least(Criterion::Time), |it| {
            it.summary.time_h.p90
        }),
        _ => return search(req).map(|it| it.with_distribution(deadline_h)),
    };
    let mut other_req = req.clone();
    other_req.objective = other;
    let skip = hierarchy_for(hierarchies, req).is_some()
        && hierarchy_for(hierarchies, &other_req).is_none();
    // The two candidates are searched side by side (two Dijkstra searches on a big graph take
    // seconds each).
    let (first, second) = rayon::join(
        || search(req),
        || (!skip).then(|| search(&other_req).ok()).flatten(),
    );
    let first = first?;
    let second = second.filter(|b| !b.same_route(&first));
    let mut best = first.with_distribution(deadline_h);
    if let Some(candidate) = second.map(|b| b.with_distribution(deadline_h)) {
        if judged(&candidate) < judged(&best) - 1e-9 {
            best = candidate;
        }
    }
    best.objective_value = judged(&best);
    Ok(best)
}

/// The matrix for `template`: by buckets on a hierarchy among `hierarchies` when one answers
/// it (only the minimised criterion filled in), else on `customizable` when there is one, it
/// [answers](Customizable::answers) the request and has a customization for its weights,
/// otherwise by Dijkstra ([`matrix`](crate::matrix)); the last two fill in every criterion.
pub fn best_matrix(
    net: &Network,
    graph: &Graph,
    hierarchies: &[(Metric, Hierarchy)],
    customizable: Option<&Customizable>,
    template: &RouteRequest,
    origins: &[PlaceId],
    destinations: &[PlaceId],
) -> Vec<Vec<MatrixCell>> {
    match hierarchy_for(hierarchies, template) {
        Some((metric, h)) => matrix_fast(net, graph, h, metric, template, origins, destinations),
        None => customizable
            .filter(|c| c.answers(template))
            .and_then(|c| c.matrix(net, graph, template, origins, destinations))
            .unwrap_or_else(|| crate::matrix::matrix(net, graph, template, origins, destinations)),
    }
}
