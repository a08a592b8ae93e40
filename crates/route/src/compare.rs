//! Baseline versus scenario: the same question asked of two networks.

use crate::itinerary::{Itinerary, Summary};
use crate::search::{route, RouteError, RouteRequest};
use serde::Serialize;
use silkroute_graph::Graph;
use silkroute_model::Network;

/// A network and its compiled graph.
#[derive(Clone, Copy)]
pub struct Variant<'a> {
    /// The network.
    pub net: &'a Network,
    /// Its graph.
    pub graph: &'a Graph,
}

/// The two answers to one origin–destination question and their differences
/// (scenario minus baseline).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Comparison {
    /// Origin id.
    pub from: String,
    /// Destination id.
    pub to: String,
    /// Baseline totals (absent when there is no route).
    pub baseline: Option<Summary>,
    /// Scenario totals.
    pub scenario: Option<Summary>,
    /// Difference of typical hours (sum of leg medians).
    pub delta_time_h: Option<f64>,
    /// Difference of USD.
    pub delta_cost_usd: Option<f64>,
    /// Difference of kg CO2e.
    pub delta_co2e_kg: Option<f64>,
    /// Difference of km.
    pub delta_distance_km: Option<f64>,
    /// True when the sequence of links, borders and transfers differs.
    pub route_changed: bool,
    /// `both`, `baseline only`, `scenario only` or `neither`.
    pub reachable: &'static str,
}

/// Routes `req` (ids of places must exist in both networks) on both variants. `req` refers to
/// places of the baseline; the scenario's places are found by the same ids.
pub fn compare(
    base: Variant,
    scen: Variant,
    req: &RouteRequest,
) -> Result<(Comparison, Option<Itinerary>, Option<Itinerary>), RouteError> {
    let a = match route(base.net, base.graph, req) {
        Ok(it) => Some(it),
        Err(RouteError::NoRoute { .. }) => None,
        Err(e) => return Err(e),
    };
    let mut sreq = req.clone();
    let id = |p: silkroute_model::PlaceId| base.net.place(p).id.clone();
    let map = |p: silkroute_model::PlaceId| {
        scen.net
            .place_id(&id(p))
            .expect("scenarios keep every place of the baseline")
    };
    sreq.from = map(req.from);
    sreq.to = map(req.to);
    sreq.via = req.via.iter().map(|v| map(*v)).collect();
    sreq.avoid_places = req.avoid_places.iter().map(|v| map(*v)).collect();
    let b = match route(scen.net, scen.graph, &sreq) {
        Ok(it) => Some(it),
        Err(RouteError::NoRoute { .. }) => None,
        Err(e) => return Err(e),
    };
    let delta = |f: fn(&Summary) -> f64| match (&a, &b) {
        (Some(x), Some(y)) => Some(f(&y.summary) - f(&x.summary)),
        _ => None,
    };
    let elements = |it: &Option<Itinerary>| {
        it.as_ref()
            .map(|i| i.legs.iter().map(|l| l.element.clone()).collect::<Vec<_>>())
    };
    let c = Comparison {
        from: id(req.from),
        to: id(req.to),
        baseline: a.as_ref().map(|i| i.summary.clone()),
        scenario: b.as_ref().map(|i| i.summary.clone()),
        delta_time_h: delta(|s| s.time_h.sum_p50),
        delta_cost_usd: delta(|s| s.cost_usd),
        delta_co2e_kg: delta(|s| s.co2e_kg),
        delta_distance_km: delta(|s| s.distance_km),
        route_changed: elements(&a) != elements(&b),
        reachable: match (&a, &b) {
            (Some(_), Some(_)) => "both",
            (Some(_), None) => "baseline only",
            (None, Some(_)) => "scenario only",
            (None, None) => "neither",
        },
    };
    Ok((c, a, b))
}
