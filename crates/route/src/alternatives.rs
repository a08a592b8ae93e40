//! Genuinely different alternatives, by the penalty method.
//!
//! After each route is found, the weights of its runs and border crossings (both directions)
//! are multiplied by `1 + penalty`, and the search is run again. A candidate is accepted when,
//! compared with every route already accepted, it crosses a different set of borders **or**
//! shares less than `max_shared` (default 50 %) of its run distance with it. Candidates are
//! reported with their true (unpenalised) numbers, in order of the objective.

use crate::itinerary::{Itinerary, LegKind};
use crate::search::{check_request, no_route_error, search_penalized, RouteError, RouteRequest};
use silkroute_graph::{EdgeKind, Graph};
use silkroute_model::Network;
use std::collections::HashSet;

/// Settings of an alternatives query.
#[derive(Debug, Clone)]
pub struct AlternativesRequest {
    /// The route question.
    pub route: RouteRequest,
    /// How many itineraries to return at most (the best included).
    pub count: usize,
    /// Largest fraction of a candidate's run distance it may share with an accepted route that
    /// crosses the same borders.
    pub max_shared: f64,
    /// Weight increase applied to the elements of each route found.
    pub penalty: f64,
}

impl AlternativesRequest {
    /// `count` alternatives with the default rule (share < 50 % or other borders, penalty 0.5).
    pub fn new(route: RouteRequest, count: usize) -> AlternativesRequest {
        AlternativesRequest {
            route,
            count,
            max_shared: 0.5,
            penalty: 0.5,
        }
    }
}

/// Fraction of `a`'s run distance on links that `b` also uses.
pub fn shared_fraction(a: &Itinerary, b: &Itinerary) -> f64 {
    let theirs: HashSet<&str> = b
        .legs
        .iter()
        .filter(|l| l.kind == LegKind::Run)
        .map(|l| l.element.as_str())
        .collect();
    let total: f64 = a
        .legs
        .iter()
        .filter(|l| l.kind == LegKind::Run)
        .map(|l| l.distance_km)
        .sum();
    let shared: f64 = a
        .legs
        .iter()
        .filter(|l| l.kind == LegKind::Run && theirs.contains(l.element.as_str()))
        .map(|l| l.distance_km)
        .sum();
    if total > 0.0 {
        shared / total
    } else {
        0.0
    }
}

/// True when `a` and `b` count as different under the rule of [`AlternativesRequest`].
pub fn dissimilar(a: &Itinerary, b: &Itinerary, max_shared: f64) -> bool {
    let borders = |i: &Itinerary| i.summary.borders.iter().cloned().collect::<HashSet<_>>();
    borders(a) != borders(b) || shared_fraction(a, b) < max_shared
}

/// Multiplies by `1 + penalty` the factors of every edge of the runs and border crossings that
/// `used` (edge indices) passes, in both directions; transfers are not penalised.
pub(crate) fn penalize(
    graph: &Graph,
    factors: &mut [f64],
    used: impl IntoIterator<Item = usize>,
    penalty: f64,
) {
    let element_of = |e: &silkroute_graph::Edge| match e.kind() {
        EdgeKind::Run(i) => Some((0u8, i)),
        EdgeKind::Border { border, .. } => Some((1u8, border)),
        EdgeKind::Transfer(_) | EdgeKind::Clearance { .. } => None,
    };
    let used: HashSet<(u8, u32)> = used
        .into_iter()
        .filter_map(|e| element_of(&graph.edges()[e]))
        .collect();
    for (i, e) in graph.edges().iter().enumerate() {
        if element_of(e).is_some_and(|k| used.contains(&k)) {
            factors[i] *= 1.0 + penalty;
        }
    }
}

/// Up to `req.count` mutually dissimilar itineraries, best first.
pub fn alternatives(
    net: &Network,
    graph: &Graph,
    req: &AlternativesRequest,
) -> Result<Vec<Itinerary>, RouteError> {
    let r = &req.route;
    check_request(net, r)?;
    let mut factors = vec![1.0; graph.edges().len()];
    let mut accepted: Vec<Itinerary> = Vec::new();
    for _ in 0..req.count.max(1) * 8 {
        if accepted.len() >= req.count {
            break;
        }
        let tree = search_penalized(net, graph, r, true, Some(&factors));
        let Some(target) = tree.target else { break };
        let steps = tree.path_to(target);
        let candidate = Itinerary::build(net, graph, r, tree.n, &steps);
        let used = steps.iter().filter_map(|&(_, s)| match s {
            crate::search::Step::Edge { edge, .. } => Some(edge as usize),
            _ => None,
        });
        penalize(graph, &mut factors, used, req.penalty);
        if accepted
            .iter()
            .all(|a| dissimilar(&candidate, a, req.max_shared))
        {
            accepted.push(candidate);
        }
    }
    if accepted.is_empty() {
        return Err(no_route_error(net, r));
    }
    accepted.sort_by(|a, b| a.objective_value.total_cmp(&b.objective_value));
    Ok(accepted)
}
