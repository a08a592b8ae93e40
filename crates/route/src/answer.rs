//! The answers to every query: the JSON contract shared by the CLI (`--json`) and the HTTP API.
//!
//! Each query of the [`Router`](crate::Router) returns one of these types; the CLI prints it
//! with `--json` (or renders it as a table) and the server returns it as the body, so the same
//! request gives the same JSON through both.

use crate::compare::Comparison;
use crate::itinerary::{Itinerary, TimeRange};
use crate::matrix::{MatrixCell, Reachable};
use serde::Serialize;
use silkroute_model::{Cargo, Network, Place, PlaceId, PlaceKind};

/// A place as named in answers.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlaceRef {
    /// Place id.
    pub id: String,
    /// English name.
    pub name: String,
}

impl PlaceRef {
    /// The reference of a place of `net`.
    pub fn of(net: &Network, p: PlaceId) -> PlaceRef {
        PlaceRef {
            id: net.place(p).id.clone(),
            name: net.place(p).name_en.clone(),
        }
    }
}

/// A place with its names, country, kind and position.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlaceInfo {
    /// Place id.
    pub id: String,
    /// English name.
    pub name: String,
    /// Chinese name.
    pub name_zh: Option<String>,
    /// Russian name.
    pub name_ru: Option<String>,
    /// Other names.
    pub aliases: Vec<String>,
    /// ISO 3166-1 alpha-2 country code.
    pub country: String,
    /// What kind of place it is.
    pub kind: PlaceKind,
    /// `[lon, lat]`, WGS84 degrees.
    pub coordinates: [f64; 2],
    /// Where the data comes from.
    pub source: String,
}

impl PlaceInfo {
    /// The answer's view of a place.
    pub fn of(p: &Place) -> PlaceInfo {
        PlaceInfo {
            id: p.id.clone(),
            name: p.name_en.clone(),
            name_zh: p.name_zh.clone(),
            name_ru: p.name_ru.clone(),
            aliases: p.aliases.clone(),
            country: p.country.clone(),
            kind: p.kind,
            coordinates: [p.lon, p.lat],
            source: p.source.to_string(),
        }
    }
}

/// Answer to a places query.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlacesResponse {
    /// The places, in feed order.
    pub places: Vec<PlaceInfo>,
}

/// Answer to a route question: one itinerary, a Pareto menu or alternatives.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RouteResponse {
    /// Origin.
    pub from: PlaceRef,
    /// Destination.
    pub to: PlaceRef,
    /// Objective name (`time`, `p90`, `cost`, `co2`, `balanced`); for a Pareto menu, the
    /// criterion its options are ordered by (`time`).
    pub by: String,
    /// What the objective minimises, in words (for menus: how the options were chosen).
    pub objective: String,
    /// Scenarios applied, in order.
    pub scenarios: Vec<String>,
    /// The cargo.
    pub cargo: Cargo,
    /// For menus: how the options were chosen.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub menu: Option<String>,
    /// When: what was asked and, for an undated query, the distribution over the week.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timing: Option<Timing>,
    /// The itineraries (one for a plain route).
    pub routes: Vec<Itinerary>,
}

/// The time frame of an answer on services.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Timing {
    /// `depart`, `arrive_by`, `window` or `undated`.
    pub kind: &'static str,
    /// What was asked, in words.
    pub description: String,
    /// Undated: the time from ready to arrival for cargo ready at a random moment of the
    /// reference week (origin wait included), over every itinerary that serves it. Its
    /// `sum_p50` is the mean planned time over the ready times, its `sum_p90` the mean of each
    /// ready time's planned time with every step's bad day at once.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ready_to_arrival_h: Option<TimeRange>,
    /// Undated: the share of the week's ready times each listed itinerary serves, in the order
    /// of `routes`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub shares: Vec<f64>,
    /// Undated with a deadline: the odds of arriving within it, over the week.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub on_time_probability: Option<f64>,
}

impl Timing {
    /// A time frame of `kind` described by `description`.
    pub fn new(kind: &'static str, description: String) -> Timing {
        Timing {
            kind,
            description,
            ready_to_arrival_h: None,
            shares: Vec::new(),
            on_time_probability: None,
        }
    }
}

/// Answer to a matrix query: one cell per ordered pair of distinct places.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MatrixResponse {
    /// Objective minimised in every cell.
    pub by: String,
    /// Scenarios applied, in order.
    pub scenarios: Vec<String>,
    /// The cargo.
    pub cargo: Cargo,
    /// When a contraction hierarchy answered: only the minimised criterion is filled in.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Origin-major, destination-minor; the diagonal left out.
    pub cells: Vec<MatrixCell>,
}

/// Answer to a reach query.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReachResponse {
    /// Origin.
    pub from: PlaceRef,
    /// Objective the budget measures.
    pub by: String,
    /// The budget, in the objective's unit (hours, USD, kg CO2e).
    pub within: f64,
    /// Scenarios applied, in order.
    pub scenarios: Vec<String>,
    /// The cargo.
    pub cargo: Cargo,
    /// Places within the budget, best first.
    pub places: Vec<Reachable>,
}

/// Answer to a comparison of the baseline with a scenario for one pair.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CompareResponse {
    /// Scenarios applied to the compared network, in order.
    pub scenarios: Vec<String>,
    /// Objective minimised on both networks.
    pub by: String,
    /// Totals and differences.
    pub comparison: Comparison,
    /// The baseline's route (absent when there is none).
    pub baseline_route: Option<Itinerary>,
    /// The scenario's route.
    pub scenario_route: Option<Itinerary>,
}

/// A scenario on offer.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ScenarioInfo {
    /// Its name (`cku-open`).
    pub name: String,
    /// What it changes.
    pub description: String,
    /// Where its numbers come from.
    pub source: String,
}

/// Answer to a scenarios query.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ScenariosResponse {
    /// The built-in scenarios that apply to this network.
    pub scenarios: Vec<ScenarioInfo>,
}
