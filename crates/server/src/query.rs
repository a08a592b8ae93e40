//! Request parameters (query string or JSON body) and their translation into route requests.

use crate::error::AppError;
use crate::state::{AppState, Prepared};
use axum::http::StatusCode;
use serde::Deserialize;
use silkroute_model::{Mode, PlaceId};
use silkroute_route::{Cargo, Criterion, Objective, RouteRequest, UnknownPlace};
use std::sync::Arc;

/// A list given either as `"a,b"` or as `["a", "b"]`.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(untagged)]
pub enum List {
    /// Comma-separated.
    Text(String),
    /// JSON array.
    Items(Vec<String>),
}

impl List {
    /// The items, trimmed, empty ones dropped.
    pub(crate) fn items(&self) -> Vec<String> {
        match self {
            List::Text(t) => t
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect(),
            List::Items(v) => v
                .iter()
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect(),
        }
    }
}

/// Parameters of `/v1/route` (query string for GET, JSON body for POST).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct RouteParams {
    /// Origin: place id or name (English, Chinese, Russian).
    pub from: Option<String>,
    /// Destination.
    pub to: Option<String>,
    /// `time` (default), `p90`, `cost`, `co2` or `balanced`.
    pub by: Option<String>,
    /// USD per hour for `balanced`.
    pub value_of_time: Option<f64>,
    /// Allowed modes: `rail,road,sea,air`.
    #[param(value_type = Option<String>)]
    pub modes: Option<List>,
    /// Places to pass, in order.
    #[param(value_type = Option<String>)]
    pub via: Option<List>,
    /// Places or ISO country codes to avoid.
    #[param(value_type = Option<String>)]
    pub avoid: Option<List>,
    /// Built-in scenarios to apply, in order (`cku-open`).
    #[param(value_type = Option<String>)]
    pub scenario: Option<List>,
    /// `40ft` (default), `20ft` or a mass such as `25t`.
    pub cargo: Option<String>,
    /// Deadline such as `12d` or `300h`: adds the on-time probability.
    pub deadline: Option<String>,
    /// Return the Pareto menu.
    pub pareto: Option<bool>,
    /// Pareto criteria: `time,cost,co2[,p90]`.
    #[param(value_type = Option<String>)]
    pub criteria: Option<List>,
    /// Pareto epsilon (default 0.01).
    pub epsilon: Option<f64>,
    /// Pareto cap (default 8, at most 50).
    pub cap: Option<usize>,
    /// Number of alternatives (1–10).
    pub alternatives: Option<usize>,
}

/// Parameters of `/v1/matrix`.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct MatrixParams {
    /// Origins.
    #[param(value_type = String)]
    pub from: Option<List>,
    /// Destinations (default: the origins).
    #[param(value_type = Option<String>)]
    pub to: Option<List>,
    /// Objective.
    pub by: Option<String>,
    /// Allowed modes.
    #[param(value_type = Option<String>)]
    pub modes: Option<List>,
    /// Scenarios.
    #[param(value_type = Option<String>)]
    pub scenario: Option<List>,
    /// Cargo.
    pub cargo: Option<String>,
}

/// Parameters of `/v1/reach`.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ReachParams {
    /// Origin.
    pub from: Option<String>,
    /// Budget: `10d`/`72h` for time, a number for cost (USD) or co2 (kg).
    pub within: Option<String>,
    /// Objective.
    pub by: Option<String>,
    /// Allowed modes.
    pub modes: Option<String>,
    /// Scenarios.
    pub scenario: Option<String>,
    /// Cargo.
    pub cargo: Option<String>,
}

/// Parameters of `/v1/places`.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct PlacesParams {
    /// Text to search in any name (case, accents and apostrophes ignored).
    pub q: Option<String>,
    /// ISO country code.
    pub country: Option<String>,
}

/// Parameters that only choose scenarios.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ScenarioParams {
    /// Scenarios, comma-separated.
    pub scenario: Option<String>,
}

/// The prepared network for a `scenario` parameter.
pub fn prepared(state: &AppState, scenario: Option<&List>) -> Result<Arc<Prepared>, AppError> {
    let names = scenario.map(List::items).unwrap_or_default();
    state
        .prepared(&names)
        .map_err(|e| AppError::invalid("scenario", e))
}

/// Finds a place or answers 404 with suggestions.
pub fn place(p: &Prepared, param: &str, value: Option<&String>) -> Result<PlaceId, AppError> {
    let v = value
        .filter(|v| !v.trim().is_empty())
        .ok_or_else(|| AppError::missing(param))?;
    p.finder.find(v).map_err(|e| unknown_place(param, e))
}

/// 404 for a place that matched nothing, with suggestions.
fn unknown_place(param: &str, e: UnknownPlace) -> AppError {
    AppError {
        status: StatusCode::NOT_FOUND,
        code: "unknown_place",
        message: e.to_string(),
        param: Some(param.to_string()),
        suggestions: e.suggestions,
    }
}

/// The objective for `by` and `value_of_time` parameters.
pub fn objective(by: Option<&str>, value_of_time: Option<f64>) -> Result<Objective, AppError> {
    Objective::from_name(by.unwrap_or("time"), value_of_time)
        .map_err(|e| AppError::invalid(e.param, e.message))
}

/// Modes from a list.
pub fn modes(list: Option<&List>) -> Result<Vec<Mode>, AppError> {
    list.map(List::items)
        .unwrap_or_default()
        .iter()
        .map(|m| m.parse::<Mode>().map_err(|e| AppError::invalid("modes", e)))
        .collect()
}

/// Cargo from text.
pub fn cargo(text: Option<&String>) -> Result<Cargo, AppError> {
    text.map(|c| {
        c.parse::<Cargo>()
            .map_err(|e| AppError::invalid("cargo", e))
    })
    .unwrap_or(Ok(Cargo::default()))
}

/// Parses `12d`, `36h` or hours for parameter `param`.
pub fn duration_h(param: &str, s: &str) -> Result<f64, AppError> {
    silkroute_route::parse_duration_h(s).map_err(|e| AppError::invalid(param, e))
}

/// The route request of `params` on `p`.
pub fn route_request(p: &Prepared, params: &RouteParams) -> Result<RouteRequest, AppError> {
    let objective = objective(params.by.as_deref(), params.value_of_time)?;
    let mut req = RouteRequest::new(
        place(p, "from", params.from.as_ref())?,
        place(p, "to", params.to.as_ref())?,
        objective,
    );
    req.cargo = cargo(params.cargo.as_ref())?;
    req.modes = modes(params.modes.as_ref())?.into_iter().collect();
    for v in params.via.as_ref().map(List::items).unwrap_or_default() {
        req.via.push(place(p, "via", Some(&v))?);
    }
    for a in params.avoid.as_ref().map(List::items).unwrap_or_default() {
        req.avoid(&p.net, &p.finder, &a)
            .map_err(|e| unknown_place("avoid", e))?;
    }
    Ok(req)
}

/// Pareto criteria from a list.
pub fn criteria(list: Option<&List>) -> Result<Vec<Criterion>, AppError> {
    let items = list
        .map(List::items)
        .unwrap_or_else(|| vec!["time".into(), "cost".into(), "co2".into()]);
    items
        .iter()
        .map(|c| {
            c.parse::<Criterion>()
                .map_err(|e| AppError::invalid("criteria", e))
        })
        .collect()
}
