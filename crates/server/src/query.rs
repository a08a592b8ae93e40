//! Request parameters (query string for GET, JSON body for POST) and their translation into the
//! [`Router`]'s request types. Unknown parameters are refused by name; a list parameter is
//! given as `a,b`, as a repeated key (`via=a&via=b`) or, in a JSON body, as an array.

use crate::error::AppError;
use crate::state::AppState;
use axum::http::StatusCode;
use serde::{Deserialize, Deserializer};
use silkroute_model::{Criterion, Mode, PlaceId};
use silkroute_route::{
    parse_duration_h, Cargo, InvalidParameter, MatrixRequest, Menu, Objective, PlacesRequest,
    ReachRequest, RouteQuery, RouteRequest, Router, Shipment, UnknownPlace,
};
use std::sync::Arc;

/// A list given as `"a,b"`, as repeated query keys, or as a JSON array; items are trimmed and
/// empty ones dropped.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct List(pub Vec<String>);

impl<'de> Deserialize<'de> for List {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<List, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            One(String),
            Many(Vec<String>),
        }
        let raw = match Raw::deserialize(d)? {
            Raw::One(s) => vec![s],
            Raw::Many(v) => v,
        };
        Ok(List(
            raw.iter()
                .flat_map(|s| s.split(','))
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect(),
        ))
    }
}

/// Parameters of `/v1/route` (query string for GET, JSON body for POST).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct RouteParams {
    /// Origin: place id or name (English, Chinese, Russian), or `lat,lon`.
    #[param(required = true, min_length = 1, example = "xian")]
    #[schema(required = true, min_length = 1, nullable = false, example = "xian")]
    pub from: Option<String>,
    /// Destination.
    #[param(required = true, min_length = 1, example = "tashkent")]
    #[schema(
        required = true,
        min_length = 1,
        nullable = false,
        example = "tashkent"
    )]
    pub to: Option<String>,
    /// `time` (default), `p90`, `cost`, `co2` or `balanced` (not with `pareto`).
    pub by: Option<String>,
    /// USD per hour for `balanced`.
    pub value_of_time: Option<f64>,
    /// Allowed modes: `rail,road,sea,air`.
    #[param(value_type = Option<Vec<String>>)]
    #[schema(value_type = Option<Vec<String>>)]
    pub modes: Option<List>,
    /// Places to pass, in order.
    #[param(value_type = Option<Vec<String>>)]
    #[schema(value_type = Option<Vec<String>>)]
    pub via: Option<List>,
    /// Places or ISO country codes to avoid.
    #[param(value_type = Option<Vec<String>>)]
    #[schema(value_type = Option<Vec<String>>)]
    pub avoid: Option<List>,
    /// Scenarios to apply, in order (`cku-open`): the built-in ones that apply to the network
    /// and those the server was started with (`serve --scenario`); see `/v1/scenarios`.
    #[param(value_type = Option<Vec<String>>)]
    #[schema(value_type = Option<Vec<String>>)]
    pub scenario: Option<List>,
    /// `40ft` (default), `20ft` or a mass such as `25t`.
    pub cargo: Option<String>,
    /// Deadline such as `12d` or `300h`: adds the on-time probability.
    pub deadline: Option<String>,
    /// Include the export clearance at the origin when the cargo leaves its customs
    /// territory (default true; false: the shipper has it done).
    pub export_clearance: Option<bool>,
    /// Include the import clearance at the destination (default true; false: the consignee has
    /// it done, or the cargo stays under bond).
    pub import_clearance: Option<bool>,
    /// Drivers per truck: 1 (default) or 2 (the truck stops only for the daily rest).
    pub crew: Option<u8>,
    /// A journey of people (default false): only services that carry passengers.
    pub passengers: Option<bool>,
    /// Return the Pareto menu.
    pub pareto: Option<bool>,
    /// Pareto criteria: `time,cost,co2[,p90]` (only with `pareto`).
    #[param(value_type = Option<Vec<String>>)]
    #[schema(value_type = Option<Vec<String>>)]
    pub criteria: Option<List>,
    /// Pareto epsilon, in [0, 1) (default 0.01; only with `pareto`).
    pub epsilon: Option<f64>,
    /// Pareto cap, 1 to 50 (default 8; only with `pareto`).
    #[param(minimum = 1, maximum = 50)]
    #[schema(minimum = 1, maximum = 50)]
    pub cap: Option<usize>,
    /// Number of alternatives, 1 to 10 (not with `pareto`).
    #[param(minimum = 1, maximum = 10)]
    #[schema(minimum = 1, maximum = 10)]
    pub alternatives: Option<usize>,
    /// When the cargo is ready: ISO 8601 date-time, in the origin's time zone unless an offset
    /// or `[zone]` is given (`2026-12-07T09:00`).
    pub depart: Option<String>,
    /// Arrive by this instant (the destination's zone unless given): the latest departure.
    pub arrive_by: Option<String>,
    /// With `depart`: list every departure in this window that no later one beats (`7d`).
    pub window: Option<String>,
    /// Undated queries: use the week of this date (default: the feed's reference week).
    pub reference_date: Option<String>,
}

/// Parameters of `/v1/compare`.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct CompareParams {
    /// Origin.
    #[param(required = true, min_length = 1, example = "xian")]
    pub from: Option<String>,
    /// Destination.
    #[param(required = true, min_length = 1, example = "tashkent")]
    pub to: Option<String>,
    /// Scenarios to compare with the baseline, applied in order.
    #[param(required = true, value_type = Vec<String>, min_items = 1, example = json!(["cku-open"]))]
    pub scenario: Option<List>,
    /// `time` (default), `p90`, `cost`, `co2` or `balanced`.
    pub by: Option<String>,
    /// USD per hour for `balanced`.
    pub value_of_time: Option<f64>,
    /// Allowed modes.
    #[param(value_type = Option<Vec<String>>)]
    pub modes: Option<List>,
    /// Places to pass, in order.
    #[param(value_type = Option<Vec<String>>)]
    pub via: Option<List>,
    /// Places or ISO country codes to avoid.
    #[param(value_type = Option<Vec<String>>)]
    pub avoid: Option<List>,
    /// Cargo.
    pub cargo: Option<String>,
}

/// Parameters of `/v1/matrix`.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct MatrixParams {
    /// Origins.
    #[param(required = true, value_type = Vec<String>, min_items = 1, example = json!(["xian", "urumqi"]))]
    #[schema(required = true, value_type = Vec<String>, min_items = 1, example = json!(["xian", "urumqi"]))]
    pub from: Option<List>,
    /// Destinations (default: the origins).
    #[param(value_type = Option<Vec<String>>)]
    #[schema(value_type = Option<Vec<String>>)]
    pub to: Option<List>,
    /// Objective.
    pub by: Option<String>,
    /// USD per hour for `balanced`.
    pub value_of_time: Option<f64>,
    /// Allowed modes.
    #[param(value_type = Option<Vec<String>>)]
    #[schema(value_type = Option<Vec<String>>)]
    pub modes: Option<List>,
    /// Scenarios.
    #[param(value_type = Option<Vec<String>>)]
    #[schema(value_type = Option<Vec<String>>)]
    pub scenario: Option<List>,
    /// Cargo.
    pub cargo: Option<String>,
}

/// Parameters of `/v1/reach`.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ReachParams {
    /// Origin.
    #[param(required = true, min_length = 1, example = "xian")]
    pub from: Option<String>,
    /// Budget: `10d`/`72h` for time or p90, a number for cost (USD) or co2 (kg).
    #[param(required = true, min_length = 1, example = "10d")]
    pub within: Option<String>,
    /// Objective.
    pub by: Option<String>,
    /// USD per hour for `balanced`.
    pub value_of_time: Option<f64>,
    /// Allowed modes.
    #[param(value_type = Option<Vec<String>>)]
    pub modes: Option<List>,
    /// Scenarios.
    #[param(value_type = Option<Vec<String>>)]
    pub scenario: Option<List>,
    /// Cargo.
    pub cargo: Option<String>,
}

/// Parameters of `/v1/places`.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PlacesParams {
    /// Text to search in any name (case, accents and apostrophes ignored).
    pub q: Option<String>,
    /// ISO country code.
    pub country: Option<String>,
}

/// Parameters that only choose scenarios.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ScenarioParams {
    /// Scenarios, in order.
    #[param(value_type = Option<Vec<String>>)]
    pub scenario: Option<List>,
}

/// A 400 naming the parameter of an [`InvalidParameter`].
impl From<InvalidParameter> for AppError {
    fn from(e: InvalidParameter) -> AppError {
        AppError::invalid(e.param, e.message)
    }
}

/// The router for a `scenario` parameter.
pub fn router(state: &AppState, scenario: Option<&List>) -> Result<Arc<Router>, AppError> {
    let names = scenario.map(|l| l.0.clone()).unwrap_or_default();
    state
        .router(&names)
        .map_err(|e| AppError::invalid("scenario", e))
}

/// Finds a place or answers 404 with suggestions.
pub fn place(r: &Router, param: &str, value: Option<&String>) -> Result<PlaceId, AppError> {
    let v = value
        .filter(|v| !v.trim().is_empty())
        .ok_or_else(|| AppError::missing(param))?;
    r.find(v).map_err(|e| unknown_place(param, e))
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
fn objective(by: Option<&str>, value_of_time: Option<f64>) -> Result<Objective, AppError> {
    Objective::from_name(by.unwrap_or("time"), value_of_time)
        .map_err(|e| AppError::invalid(e.param, e.message))
}

/// Modes and cargo.
fn shipment(modes: Option<&List>, cargo: Option<&String>) -> Result<Shipment, AppError> {
    let modes = modes
        .map(|l| l.0.clone())
        .unwrap_or_default()
        .iter()
        .map(|m| m.parse::<Mode>().map_err(|e| AppError::invalid("modes", e)))
        .collect::<Result<_, _>>()?;
    let cargo = cargo
        .map(|c| {
            c.parse::<Cargo>()
                .map_err(|e| AppError::invalid("cargo", e))
        })
        .transpose()?
        .unwrap_or_default();
    Ok(Shipment { modes, cargo })
}

/// The fields a route and a comparison share.
struct Question<'a> {
    from: Option<&'a String>,
    to: Option<&'a String>,
    by: Option<&'a str>,
    value_of_time: Option<f64>,
    modes: Option<&'a List>,
    via: Option<&'a List>,
    avoid: Option<&'a List>,
    cargo: Option<&'a String>,
}

fn route_request(r: &Router, q: Question) -> Result<RouteRequest, AppError> {
    let mut req = RouteRequest::new(
        place(r, "from", q.from)?,
        place(r, "to", q.to)?,
        objective(q.by, q.value_of_time)?,
    );
    let s = shipment(q.modes, q.cargo)?;
    req.modes = s.modes;
    req.cargo = s.cargo;
    for v in q.via.map(|l| l.0.clone()).unwrap_or_default() {
        req.via.push(place(r, "via", Some(&v))?);
    }
    for a in q.avoid.map(|l| l.0.clone()).unwrap_or_default() {
        r.avoid(&mut req, &a)
            .map_err(|e| unknown_place("avoid", e))?;
    }
    Ok(req)
}

/// The route query of `p` on `r`. Parameters that the chosen menu would ignore are refused.
pub fn route_query(r: &Router, p: &RouteParams) -> Result<RouteQuery, AppError> {
    let pareto = p.pareto == Some(true);
    if pareto {
        for (name, given) in [
            ("by", p.by.is_some()),
            ("value_of_time", p.value_of_time.is_some()),
            ("alternatives", p.alternatives.is_some()),
        ] {
            if given {
                return Err(AppError::invalid(
                    name,
                    format!("`{name}` does not apply to a Pareto menu (pareto=true)"),
                ));
            }
        }
    } else {
        for (name, given) in [
            ("criteria", p.criteria.is_some()),
            ("epsilon", p.epsilon.is_some()),
            ("cap", p.cap.is_some()),
        ] {
            if given {
                return Err(AppError::invalid(
                    name,
                    format!("`{name}` only applies to a Pareto menu: add pareto=true"),
                ));
            }
        }
    }
    let request = route_request(
        r,
        Question {
            from: p.from.as_ref(),
            to: p.to.as_ref(),
            by: p.by.as_deref(),
            value_of_time: p.value_of_time,
            modes: p.modes.as_ref(),
            via: p.via.as_ref(),
            avoid: p.avoid.as_ref(),
            cargo: p.cargo.as_ref(),
        },
    )?;
    let mut request = request;
    request.export_clearance = p.export_clearance.unwrap_or(true);
    request.import_clearance = p.import_clearance.unwrap_or(true);
    request.passengers = p.passengers.unwrap_or(false);
    request.crew = match p.crew {
        None => 1,
        Some(c @ (1 | 2)) => c,
        Some(c) => {
            return Err(AppError::invalid(
                "crew",
                format!("a truck's crew is 1 or 2 drivers, not {c}"),
            ))
        }
    };
    let menu = if pareto {
        let criteria = p
            .criteria
            .as_ref()
            .map(|l| {
                l.0.iter()
                    .map(|c| {
                        c.parse::<Criterion>()
                            .map_err(|e| AppError::invalid("criteria", e))
                    })
                    .collect::<Result<Vec<_>, _>>()
            })
            .transpose()?;
        Menu::pareto(criteria, p.epsilon, p.cap)?
    } else if let Some(n) = p.alternatives {
        Menu::alternatives(n)?
    } else {
        Menu::Best
    };
    let deadline_h = p
        .deadline
        .as_deref()
        .map(|d| parse_duration_h(d).map_err(|e| AppError::invalid("deadline", e)))
        .transpose()?;
    let when = r.when(
        request.from,
        request.to,
        p.depart.as_deref(),
        p.arrive_by.as_deref(),
        p.window.as_deref(),
        p.reference_date.as_deref(),
    )?;
    Ok(RouteQuery {
        request,
        menu,
        deadline_h,
        when,
    })
}

/// The comparison question of `p`, on the baseline `r`.
pub fn compare_request(r: &Router, p: &CompareParams) -> Result<RouteRequest, AppError> {
    route_request(
        r,
        Question {
            from: p.from.as_ref(),
            to: p.to.as_ref(),
            by: p.by.as_deref(),
            value_of_time: p.value_of_time,
            modes: p.modes.as_ref(),
            via: p.via.as_ref(),
            avoid: p.avoid.as_ref(),
            cargo: p.cargo.as_ref(),
        },
    )
}

/// The matrix request of `p` on `r`, within `max_cells`.
pub fn matrix_request(
    r: &Router,
    p: &MatrixParams,
    max_cells: usize,
) -> Result<MatrixRequest, AppError> {
    let from = p
        .from
        .as_ref()
        .map(|l| l.0.clone())
        .filter(|v| !v.is_empty())
        .ok_or_else(|| AppError::missing("from"))?;
    let to =
        p.to.as_ref()
            .map(|l| l.0.clone())
            .filter(|v| !v.is_empty())
            .unwrap_or_else(|| from.clone());
    if from.len() * to.len() > max_cells {
        return Err(AppError::invalid(
            "from",
            format!(
                "{} × {} cells is more than the limit of {max_cells}",
                from.len(),
                to.len()
            ),
        ));
    }
    Ok(MatrixRequest {
        origins: from
            .iter()
            .map(|n| place(r, "from", Some(n)))
            .collect::<Result<_, _>>()?,
        destinations: to
            .iter()
            .map(|n| place(r, "to", Some(n)))
            .collect::<Result<_, _>>()?,
        objective: objective(p.by.as_deref(), p.value_of_time)?,
        shipment: shipment(p.modes.as_ref(), p.cargo.as_ref())?,
    })
}

/// The reach request of `p` on `r`.
pub fn reach_request(r: &Router, p: &ReachParams) -> Result<ReachRequest, AppError> {
    let from = place(r, "from", p.from.as_ref())?;
    let objective = objective(p.by.as_deref(), p.value_of_time)?;
    let within = p
        .within
        .as_deref()
        .ok_or_else(|| AppError::missing("within"))?;
    Ok(ReachRequest {
        from,
        objective,
        budget: silkroute_route::parse_budget(&objective, within)?,
        shipment: shipment(p.modes.as_ref(), p.cargo.as_ref())?,
    })
}

/// The places request of `p`.
pub fn places_request(p: &PlacesParams) -> PlacesRequest {
    PlacesRequest {
        text: p.q.clone(),
        country: p.country.clone(),
    }
}

/// Parameters of `/v1/trip` (query string).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct TripParams {
    /// The start, then the destinations, comma-separated (`xian,almaty,tashkent`): place ids
    /// or names.
    #[param(required = true, min_length = 1, example = "xian,almaty")]
    #[schema(
        required = true,
        min_length = 1,
        nullable = false,
        example = "xian,almaty"
    )]
    pub places: Option<String>,
    /// The traveller's passport: ISO 3166-1 alpha-2 code (`CN`).
    #[param(required = true, min_length = 1, example = "CN")]
    #[schema(required = true, min_length = 1, nullable = false, example = "CN")]
    pub passport: Option<String>,
    /// When the traveller sets off: `2026-06-01` or `2026-06-01T08:00`, local at the start
    /// (default: now).
    pub date: Option<String>,
    /// Days at each destination: `14d` for all, or one per destination (`5d,3d`).
    pub stay: Option<String>,
    /// `tourism` (default), `business`, `transit`, `work`, `study`, `family` or `medical`.
    pub purpose: Option<String>,
    /// Modes to ride: `rail,road,sea,air` (default: any).
    #[param(value_type = Option<Vec<String>>)]
    #[schema(value_type = Option<Vec<String>>)]
    pub modes: Option<List>,
}

/// The trip request of `params`.
pub fn trip_request(r: &Router, p: &TripParams) -> Result<silkroute_route::TripRequest, AppError> {
    let places = p
        .places
        .as_deref()
        .filter(|v| !v.trim().is_empty())
        .ok_or_else(|| AppError::missing("places"))?;
    let stops = places
        .split(',')
        .map(|name| r.find(name.trim()).map_err(|e| unknown_place("places", e)))
        .collect::<Result<Vec<PlaceId>, AppError>>()?;
    let passport = p
        .passport
        .as_deref()
        .filter(|v| !v.trim().is_empty())
        .ok_or_else(|| AppError::missing("passport"))?;
    r.trip_request(
        stops,
        passport,
        p.date.as_deref(),
        p.stay.as_deref(),
        p.purpose.as_deref(),
        shipment(p.modes.as_ref(), None)?.modes,
    )
    .map_err(AppError::from)
}
