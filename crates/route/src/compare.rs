//! Baseline versus scenario: the same question asked of two networks.

use crate::itinerary::{Itinerary, Summary};
use crate::router::Router;
use crate::search::{RouteError, RouteRequest};
use serde::Serialize;

/// Which of the two networks have a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Reachability {
    /// Both have one.
    #[serde(rename = "both")]
    Both,
    /// Only the baseline (the scenario cut the pair off).
    #[serde(rename = "baseline only")]
    BaselineOnly,
    /// Only the scenario (it connects the pair).
    #[serde(rename = "scenario only")]
    ScenarioOnly,
    /// Neither.
    #[serde(rename = "neither")]
    Neither,
}

impl Reachability {
    /// The name used in JSON and CSV.
    pub fn as_str(self) -> &'static str {
        match self {
            Reachability::Both => "both",
            Reachability::BaselineOnly => "baseline only",
            Reachability::ScenarioOnly => "scenario only",
            Reachability::Neither => "neither",
        }
    }
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
    /// Which networks have a route.
    pub reachable: Reachability,
}

/// Routes `req` on both networks, as [`Router::best`] does. `req` refers to places of the
/// baseline; the scenario's places are found by the same ids (scenarios keep every place).
pub(crate) fn compare(
    base: &Router,
    scen: &Router,
    req: &RouteRequest,
) -> Result<(Comparison, Option<Itinerary>, Option<Itinerary>), RouteError> {
    let (bnet, snet) = (base.network(), scen.network());
    let a = match base.best(req, None) {
        Ok(it) => Some(it),
        Err(RouteError::NoRoute { .. }) => None,
        Err(e) => return Err(e),
    };
    let mut sreq = req.clone();
    let id = |p: silkroute_model::PlaceId| bnet.place(p).id.clone();
    let map = |p: silkroute_model::PlaceId| {
        snet.place_id(&id(p))
            .expect("scenarios keep every place of the baseline")
    };
    sreq.from = map(req.from);
    sreq.to = map(req.to);
    sreq.via = req.via.iter().map(|v| map(*v)).collect();
    sreq.avoid_places = req.avoid_places.iter().map(|v| map(*v)).collect();
    let b = match scen.best(&sreq, None) {
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
            (Some(_), Some(_)) => Reachability::Both,
            (Some(_), None) => Reachability::BaselineOnly,
            (None, Some(_)) => Reachability::ScenarioOnly,
            (None, None) => Reachability::Neither,
        },
    };
    Ok((c, a, b))
}
