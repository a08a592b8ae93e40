//! The endpoints.

use crate::error::AppError;
use crate::query::{
    self, List, MatrixParams, PlacesParams, ReachParams, RouteParams, ScenarioParams,
};
use crate::state::AppState;
use crate::{MAX_MATRIX_CELLS, REQUEST_TIMEOUT};
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::Json;
use serde_json::{json, Value};
use silkroute_model::PlaceId;
use silkroute_route::{
    alternatives, normalize_name, pareto, reach as reach_places, AlternativesRequest,
    ParetoRequest, PlaceRef, RouteError, RouteRequest, RouteResponse,
};
use std::sync::Arc;

type ApiResult<T> = Result<Json<T>, AppError>;

fn query_error(e: QueryRejection) -> AppError {
    AppError::new(StatusCode::BAD_REQUEST, "invalid_parameter", e.body_text())
}

fn json_error(e: JsonRejection) -> AppError {
    let code = if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        "body_too_large"
    } else {
        "invalid_body"
    };
    AppError::new(e.status(), code, e.body_text())
}

/// Runs CPU work off the async threads, within the request time limit.
async fn compute<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, AppError> + Send + 'static,
) -> Result<T, AppError> {
    match tokio::time::timeout(REQUEST_TIMEOUT, tokio::task::spawn_blocking(f)).await {
        Ok(Ok(r)) => r,
        Ok(Err(e)) => Err(AppError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            e.to_string(),
        )),
        Err(_) => Err(AppError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "timeout",
            format!(
                "the request took longer than {} s",
                REQUEST_TIMEOUT.as_secs()
            ),
        )),
    }
}

fn route_error(e: RouteError) -> AppError {
    match e {
        RouteError::NoRoute { .. } => {
            AppError::new(StatusCode::NOT_FOUND, "no_route", e.to_string())
        }
        RouteError::Contradiction(m) => AppError::new(StatusCode::BAD_REQUEST, "contradiction", m),
    }
}

/// `GET /health`
#[utoipa::path(get, path = "/health", responses((status = 200, description = "The server is up")))]
pub async fn health(State(state): State<Arc<AppState>>) -> Json<Value> {
    let p = state.baseline();
    Json(json!({
        "status": "ok",
        "version": env!("CARGO_PKG_VERSION"),
        "places": p.net.places.len(),
        "links": p.net.links.len(),
        "borders": p.net.borders.len(),
        "scenarios": state.scenarios().iter().map(|s| s.name.clone()).collect::<Vec<_>>(),
    }))
}

/// `GET /v1/places?q=&country=`
#[utoipa::path(get, path = "/v1/places", params(PlacesParams), responses((status = 200, description = "Places whose names contain q")))]
pub async fn places(
    State(state): State<Arc<AppState>>,
    q: Result<Query<PlacesParams>, QueryRejection>,
) -> ApiResult<Value> {
    let Query(q) = q.map_err(query_error)?;
    let p = state.baseline();
    let needle = q.q.as_deref().map(normalize_name).unwrap_or_default();
    let country = q.country.map(|c| c.trim().to_ascii_uppercase());
    let list: Vec<Value> = p
        .net
        .places
        .iter()
        .filter(|pl| country.as_ref().is_none_or(|c| &pl.country == c))
        .filter(|pl| {
            needle.is_empty()
                || [
                    Some(&pl.id),
                    Some(&pl.name_en),
                    pl.name_zh.as_ref(),
                    pl.name_ru.as_ref(),
                ]
                .into_iter()
                .flatten()
                .chain(pl.aliases.iter())
                .any(|n| normalize_name(n).contains(&needle))
        })
        .map(|pl| {
            json!({
                "id": pl.id, "name": pl.name_en, "name_zh": pl.name_zh, "name_ru": pl.name_ru,
                "country": pl.country, "kind": pl.kind.as_str(), "coordinates": [pl.lon, pl.lat],
            })
        })
        .collect();
    Ok(Json(json!({ "places": list })))
}

/// `GET /v1/scenarios`
#[utoipa::path(get, path = "/v1/scenarios", responses((status = 200, description = "Built-in scenarios")))]
pub async fn scenarios(State(state): State<Arc<AppState>>) -> Json<Value> {
    let list: Vec<Value> = state
        .scenarios()
        .iter()
        .map(|s| json!({"name": s.name, "description": s.description, "source": s.source}))
        .collect();
    Json(json!({ "scenarios": list }))
}

/// `GET /v1/network.geojson?scenario=`
#[utoipa::path(get, path = "/v1/network.geojson", params(ScenarioParams), responses((status = 200, description = "GeoJSON FeatureCollection")))]
pub async fn network(
    State(state): State<Arc<AppState>>,
    q: Result<Query<ScenarioParams>, QueryRejection>,
) -> ApiResult<Value> {
    let Query(q) = q.map_err(query_error)?;
    let p = query::prepared(&state, q.scenario.map(List::Text).as_ref())?;
    let fc = silkroute_feed::network_geojson(&p.net);
    Ok(Json(serde_json::to_value(fc).map_err(|e| {
        AppError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", e.to_string())
    })?))
}

async fn route_answer(state: Arc<AppState>, params: RouteParams) -> ApiResult<RouteResponse> {
    let p = query::prepared(&state, params.scenario.as_ref())?;
    let req: RouteRequest = query::route_request(&p, &params)?;
    let deadline = params
        .deadline
        .as_deref()
        .map(|d| query::duration_h("deadline", d))
        .transpose()?;
    if params.pareto == Some(true) && params.alternatives.is_some() {
        return Err(AppError::invalid(
            "alternatives",
            "choose either pareto or alternatives",
        ));
    }
    let mut pr = ParetoRequest::new(req.clone());
    pr.deadline_h = deadline;
    if params.pareto == Some(true) {
        pr.criteria = query::criteria(params.criteria.as_ref())?;
        if let Some(e) = params.epsilon {
            if !(0.0..1.0).contains(&e) {
                return Err(AppError::invalid(
                    "epsilon",
                    format!("{e} is not in [0, 1)"),
                ));
            }
            pr.epsilon = e;
        }
        if let Some(c) = params.cap {
            if !(1..=50).contains(&c) {
                return Err(AppError::invalid(
                    "cap",
                    format!("{c} is not between 1 and 50"),
                ));
            }
            pr.cap = c;
        }
    }
    if let Some(n) = params.alternatives {
        if !(1..=10).contains(&n) {
            return Err(AppError::invalid(
                "alternatives",
                format!("{n} is not between 1 and 10"),
            ));
        }
    }
    let pareto_wanted = params.pareto == Some(true);
    let alt = params.alternatives;
    let p2 = p.clone();
    let work = move || {
        let (routes, menu) = if pareto_wanted {
            let names: Vec<&str> = pr.criteria.iter().map(|c| c.name()).collect();
            let menu = format!(
                "pareto over {} (epsilon {}, cap {})",
                names.join(", "),
                pr.epsilon,
                pr.cap
            );
            (
                pareto(&p2.net, &p2.graph, &pr)
                    .map(|r| silkroute_route::with_distributions(r, deadline)),
                Some(menu),
            )
        } else if let Some(n) = alt {
            (
                alternatives(
                    &p2.net,
                    &p2.graph,
                    &AlternativesRequest::new(pr.route.clone(), n),
                )
                .map(|r| silkroute_route::with_distributions(r, deadline)),
                Some(
                    "alternatives: other borders, or less than 50 % of run distance shared"
                        .to_string(),
                ),
            )
        } else {
            (
                silkroute_route::best_route(
                    &p2.net,
                    &p2.graph,
                    &p2.hierarchies,
                    &pr.route,
                    deadline,
                )
                .map(|r| vec![r]),
                None,
            )
        };
        Ok((routes.map_err(route_error)?, menu))
    };
    // A single route takes well under a millisecond: answer it on the async worker. Menus and
    // alternatives run several searches: off the async threads, within the time limit.
    let (routes, menu): (Vec<silkroute_route::Itinerary>, Option<String>) =
        if pareto_wanted || alt.is_some() {
            compute(work).await?
        } else {
            work()?
        };
    Ok(Json(RouteResponse {
        from: PlaceRef::of(&p.net, req.from),
        to: PlaceRef::of(&p.net, req.to),
        by: req.objective.name().to_string(),
        objective: req.objective.explain(),
        scenarios: p.scenarios.clone(),
        cargo: req.cargo,
        menu,
        routes,
    }))
}

/// `GET /v1/route`
#[utoipa::path(get, path = "/v1/route", params(RouteParams), responses(
    (status = 200, description = "Itineraries", body = RouteResponse),
    (status = 400, description = "Bad parameter"),
    (status = 404, description = "Unknown place (with suggestions) or no route")))]
pub async fn route_get(
    State(state): State<Arc<AppState>>,
    q: Result<Query<RouteParams>, QueryRejection>,
) -> ApiResult<RouteResponse> {
    let Query(params) = q.map_err(query_error)?;
    route_answer(state, params).await
}

/// `POST /v1/route` with the parameters as a JSON body.
#[utoipa::path(post, path = "/v1/route", request_body = RouteParams, responses(
    (status = 200, description = "Itineraries", body = RouteResponse),
    (status = 400, description = "Bad parameter"),
    (status = 404, description = "Unknown place or no route"),
    (status = 413, description = "Body too large")))]
pub async fn route_post(
    State(state): State<Arc<AppState>>,
    body: Result<Json<RouteParams>, JsonRejection>,
) -> ApiResult<RouteResponse> {
    let Json(params) = body.map_err(json_error)?;
    route_answer(state, params).await
}

async fn matrix_answer(state: Arc<AppState>, params: MatrixParams) -> ApiResult<Value> {
    let p = query::prepared(&state, params.scenario.as_ref())?;
    let from = params
        .from
        .as_ref()
        .map(List::items)
        .filter(|v| !v.is_empty())
        .ok_or_else(|| AppError::missing("from"))?;
    let to = params
        .to
        .as_ref()
        .map(List::items)
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| from.clone());
    if from.len() * to.len() > MAX_MATRIX_CELLS {
        return Err(AppError::invalid(
            "from",
            format!(
                "{} × {} cells is more than the limit of {MAX_MATRIX_CELLS}",
                from.len(),
                to.len()
            ),
        ));
    }
    let origins: Vec<PlaceId> = from
        .iter()
        .map(|n| query::place(&p, "from", Some(n)))
        .collect::<Result<_, _>>()?;
    let dests: Vec<PlaceId> = to
        .iter()
        .map(|n| query::place(&p, "to", Some(n)))
        .collect::<Result<_, _>>()?;
    let mut template = RouteRequest::new(
        origins[0],
        dests[0],
        query::objective(params.by.as_deref(), None)?,
    );
    template.cargo = query::cargo(params.cargo.as_ref())?;
    template.modes = query::modes(params.modes.as_ref())?.into_iter().collect();
    let by = template.objective.name();
    let cells = compute(move || {
        Ok(silkroute_route::best_matrix(
            &p.net,
            &p.graph,
            &p.hierarchies,
            &template,
            &origins,
            &dests,
        ))
    })
    .await?;
    let flat: Vec<_> = cells
        .into_iter()
        .flatten()
        .filter(|c| c.from != c.to)
        .collect();
    Ok(Json(json!({"by": by, "cells": flat})))
}

/// `GET /v1/matrix?from=a,b&to=c,d`
#[utoipa::path(get, path = "/v1/matrix", params(MatrixParams), responses((status = 200, description = "Cells"), (status = 400, description = "Bad parameter or too many cells")))]
pub async fn matrix_get(
    State(state): State<Arc<AppState>>,
    q: Result<Query<MatrixParams>, QueryRejection>,
) -> ApiResult<Value> {
    let Query(params) = q.map_err(query_error)?;
    matrix_answer(state, params).await
}

/// `POST /v1/matrix`
#[utoipa::path(post, path = "/v1/matrix", request_body = MatrixParams, responses((status = 200, description = "Cells"), (status = 400, description = "Bad parameter or too many cells")))]
pub async fn matrix_post(
    State(state): State<Arc<AppState>>,
    body: Result<Json<MatrixParams>, JsonRejection>,
) -> ApiResult<Value> {
    let Json(params) = body.map_err(json_error)?;
    matrix_answer(state, params).await
}

/// `GET /v1/reach?from=&within=10d`
#[utoipa::path(get, path = "/v1/reach", params(ReachParams), responses((status = 200, description = "Reachable places")))]
pub async fn reach(
    State(state): State<Arc<AppState>>,
    q: Result<Query<ReachParams>, QueryRejection>,
) -> ApiResult<Value> {
    let Query(params) = q.map_err(query_error)?;
    let p = query::prepared(&state, params.scenario.map(List::Text).as_ref())?;
    let from = query::place(&p, "from", params.from.as_ref())?;
    let objective = query::objective(params.by.as_deref(), None)?;
    let within = params
        .within
        .as_deref()
        .ok_or_else(|| AppError::missing("within"))?;
    let budget = match objective.name() {
        "time" | "p90" => query::duration_h("within", within)?,
        _ => within
            .trim()
            .parse::<f64>()
            .ok()
            .filter(|v| v.is_finite() && *v > 0.0)
            .ok_or_else(|| {
                AppError::invalid("within", format!("`{within}` is not a positive number"))
            })?,
    };
    let mut req = RouteRequest::new(from, from, objective);
    req.cargo = query::cargo(params.cargo.as_ref())?;
    req.modes = query::modes(params.modes.map(List::Text).as_ref())?
        .into_iter()
        .collect();
    let p2 = p.clone();
    let list = compute(move || Ok(reach_places(&p2.net, &p2.graph, &req, budget))).await?;
    Ok(Json(
        json!({"from": PlaceRef::of(&p.net, from), "by": objective.name(), "within": budget, "places": list}),
    ))
}

/// `GET /v1/compare?from=&to=&scenario=cku-open`: baseline and scenario side by side.
#[utoipa::path(get, path = "/v1/compare", params(RouteParams), responses(
    (status = 200, description = "Baseline and scenario summaries and their differences"),
    (status = 400, description = "Bad parameter (a scenario is required)"),
    (status = 404, description = "Unknown place")))]
pub async fn compare(
    State(state): State<Arc<AppState>>,
    q: Result<Query<RouteParams>, QueryRejection>,
) -> ApiResult<Value> {
    let Query(params) = q.map_err(query_error)?;
    if params.scenario.is_none() {
        return Err(AppError::missing("scenario"));
    }
    let base = state.baseline();
    let scen = query::prepared(&state, params.scenario.as_ref())?;
    let req = query::route_request(&base, &params)?;
    let (c, a, b) = silkroute_route::compare(
        silkroute_route::Variant {
            net: &base.net,
            graph: &base.graph,
        },
        silkroute_route::Variant {
            net: &scen.net,
            graph: &scen.graph,
        },
        &req,
    )
    .map_err(route_error)?;
    Ok(Json(json!({
        "scenarios": scen.scenarios,
        "by": req.objective.name(),
        "comparison": c,
        "baseline_route": a,
        "scenario_route": b,
    })))
}

/// Any other path.
pub async fn not_found() -> AppError {
    AppError::new(
        StatusCode::NOT_FOUND,
        "not_found",
        "no such endpoint; see /openapi.json",
    )
}
