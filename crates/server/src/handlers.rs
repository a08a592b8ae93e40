//! The endpoints: each parses its parameters into a [`Router`](silkroute_route::Router)
//! request, calls the router and answers its typed response.

use crate::error::{AppError, ErrorBody};
use crate::query::{
    self, CompareParams, MatrixParams, PlacesParams, ReachParams, RouteParams, ScenarioParams,
};
use crate::state::AppState;
use crate::MAX_MATRIX_CELLS;
use axum::extract::rejection::JsonRejection;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use axum_extra::extract::{Query, QueryRejection};
use serde::Serialize;
use silkroute_route::{
    CompareResponse, MatrixResponse, PlacesResponse, ReachResponse, RouteError, RouteResponse,
    ScenarioInfo, ScenariosResponse,
};
use std::sync::Arc;

type ApiResult<T> = Result<Json<T>, AppError>;

/// The parameter a deserializer message names (``unknown field `x` ``, ``duplicate field `x` ``).
fn named_param(message: &str) -> Option<String> {
    let start = message.find('`')? + 1;
    let len = message[start..].find('`')?;
    Some(message[start..start + len].to_string())
}

fn query_error(e: QueryRejection) -> AppError {
    let text = e.body_text();
    let mut err = AppError::new(StatusCode::BAD_REQUEST, "invalid_parameter", text.clone());
    if text.contains("unknown field") {
        err.code = "unknown_parameter";
    }
    err.param = named_param(&text);
    err
}

fn json_error(e: JsonRejection) -> AppError {
    let code = if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        "body_too_large"
    } else if e.body_text().contains("unknown field") {
        "unknown_parameter"
    } else {
        "invalid_body"
    };
    // A body that is not valid JSON or does not fit the parameters is a bad request (400), as
    // a bad query string is; only size (413) and content type (415) keep their own status.
    let status = match e.status() {
        s @ (StatusCode::PAYLOAD_TOO_LARGE | StatusCode::UNSUPPORTED_MEDIA_TYPE) => s,
        _ => StatusCode::BAD_REQUEST,
    };
    let mut err = AppError::new(status, code, e.body_text());
    err.param = named_param(&e.body_text()).filter(|_| code != "body_too_large");
    err
}

fn route_error(e: RouteError) -> AppError {
    e.into()
}

/// Answer of `/health`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct HealthResponse {
    /// `ok`.
    pub status: &'static str,
    /// Server version.
    pub version: &'static str,
    /// Places in the baseline network.
    pub places: usize,
    /// Links.
    pub links: usize,
    /// Border crossings.
    pub borders: usize,
    /// Scenarios offered.
    pub scenarios: Vec<String>,
}

/// `GET /health`
#[utoipa::path(get, path = "/health", responses((status = 200, description = "The server is up", body = HealthResponse)))]
pub async fn health(State(state): State<Arc<AppState>>) -> Json<HealthResponse> {
    let r = state.baseline();
    let net = r.network();
    Json(HealthResponse {
        status: "ok",
        version: env!("CARGO_PKG_VERSION"),
        places: net.places.len(),
        links: net.links.len(),
        borders: net.borders.len(),
        scenarios: state.scenarios().iter().map(|s| s.name.clone()).collect(),
    })
}

/// `GET /v1/places?q=&country=`
#[utoipa::path(get, path = "/v1/places", params(PlacesParams), responses(
    (status = 200, description = "Places whose names contain q", body = PlacesResponse),
    (status = 400, description = "Bad or unknown parameter, or a country without places", body = ErrorBody),
    (status = 503, description = "Overloaded (too many requests waiting) or timed out; retry after Retry-After seconds", body = ErrorBody,
        headers(("Retry-After" = u32, description = "Seconds to wait before retrying")))))]
pub async fn places(
    State(state): State<Arc<AppState>>,
    q: Result<Query<PlacesParams>, QueryRejection>,
) -> ApiResult<PlacesResponse> {
    let Query(q) = q.map_err(query_error)?;
    let req = query::places_request(&q);
    let s = state.clone();
    let answer = state
        .admission()
        .compute(move || Ok(s.baseline().places(&req)?))
        .await?;
    Ok(Json(answer))
}

/// `GET /v1/scenarios`
#[utoipa::path(get, path = "/v1/scenarios", responses((status = 200, description = "The scenarios offered: the built-in ones that apply and those given to `serve --scenario`", body = ScenariosResponse)))]
pub async fn scenarios(State(state): State<Arc<AppState>>) -> Json<ScenariosResponse> {
    Json(scenarios_response(state.scenarios()))
}

/// The scenarios on offer as an answer (also printed by `silkroute scenarios --json`).
pub fn scenarios_response(list: &[silkroute_feed::Scenario]) -> ScenariosResponse {
    ScenariosResponse {
        scenarios: list
            .iter()
            .map(|s| ScenarioInfo {
                name: s.name.clone(),
                description: s.description.clone(),
                source: s.source.clone(),
            })
            .collect(),
    }
}

/// `GET /v1/network.geojson?scenario=`
#[utoipa::path(get, path = "/v1/network.geojson", params(ScenarioParams), responses(
    (status = 200, description = "GeoJSON FeatureCollection of places, links and border crossings", body = Object),
    (status = 400, description = "Bad or unknown parameter", body = ErrorBody),
    (status = 503, description = "Overloaded (too many requests waiting) or timed out; retry after Retry-After seconds", body = ErrorBody,
        headers(("Retry-After" = u32, description = "Seconds to wait before retrying")))))]
pub async fn network(
    State(state): State<Arc<AppState>>,
    q: Result<Query<ScenarioParams>, QueryRejection>,
) -> ApiResult<serde_json::Value> {
    let Query(q) = q.map_err(query_error)?;
    let s = state.clone();
    let answer = state
        .admission()
        .compute(move || {
            let r = query::router(&s, q.scenario.as_ref())?;
            let fc = silkroute_feed::network_geojson(r.network());
            serde_json::to_value(fc).map_err(|e| {
                AppError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", e.to_string())
            })
        })
        .await?;
    Ok(Json(answer))
}

/// Every computation (a scenario compiled on first use included) runs off the async threads,
/// within the admission limits and the time limit, so `/health` answers whatever the load.
async fn route_answer(state: Arc<AppState>, params: RouteParams) -> ApiResult<RouteResponse> {
    let s = state.clone();
    let answer = state
        .admission()
        .compute(move || {
            let r = query::router(&s, params.scenario.as_ref())?;
            let q = query::route_query(&r, &params)?;
            r.route(&q).map_err(route_error)
        })
        .await?;
    Ok(Json(answer))
}

/// `GET /v1/route`
#[utoipa::path(get, path = "/v1/route", params(RouteParams), responses(
    (status = 200, description = "Itineraries", body = RouteResponse),
    (status = 400, description = "Bad, unknown or contradictory parameter", body = ErrorBody),
    (status = 404, description = "Unknown place (with suggestions) or no route", body = ErrorBody),
    (status = 503, description = "Overloaded (too many requests waiting) or timed out; retry after Retry-After seconds", body = ErrorBody,
        headers(("Retry-After" = u32, description = "Seconds to wait before retrying")))))]
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
    (status = 400, description = "Bad, unknown or contradictory parameter", body = ErrorBody),
    (status = 404, description = "Unknown place or no route", body = ErrorBody),
    (status = 413, description = "Body too large", body = ErrorBody),
    (status = 415, description = "The body is not declared as JSON (Content-Type: application/json)", body = ErrorBody),
    (status = 503, description = "Overloaded (too many requests waiting) or timed out; retry after Retry-After seconds", body = ErrorBody,
        headers(("Retry-After" = u32, description = "Seconds to wait before retrying")))))]
pub async fn route_post(
    State(state): State<Arc<AppState>>,
    body: Result<Json<RouteParams>, JsonRejection>,
) -> ApiResult<RouteResponse> {
    let Json(params) = body.map_err(json_error)?;
    route_answer(state, params).await
}

async fn matrix_answer(state: Arc<AppState>, params: MatrixParams) -> ApiResult<MatrixResponse> {
    let s = state.clone();
    let answer = state
        .admission()
        .compute(move || {
            let r = query::router(&s, params.scenario.as_ref())?;
            let req = query::matrix_request(&r, &params, MAX_MATRIX_CELLS)?;
            Ok(r.matrix(&req))
        })
        .await?;
    Ok(Json(answer))
}

/// `GET /v1/matrix?from=a,b&to=c,d`
#[utoipa::path(get, path = "/v1/matrix", params(MatrixParams), responses(
    (status = 200, description = "Cells", body = MatrixResponse),
    (status = 400, description = "Bad or unknown parameter, or too many cells", body = ErrorBody),
    (status = 404, description = "Unknown place", body = ErrorBody),
    (status = 503, description = "Overloaded (too many requests waiting) or timed out; retry after Retry-After seconds", body = ErrorBody,
        headers(("Retry-After" = u32, description = "Seconds to wait before retrying")))))]
pub async fn matrix_get(
    State(state): State<Arc<AppState>>,
    q: Result<Query<MatrixParams>, QueryRejection>,
) -> ApiResult<MatrixResponse> {
    let Query(params) = q.map_err(query_error)?;
    matrix_answer(state, params).await
}

/// `POST /v1/matrix`
#[utoipa::path(post, path = "/v1/matrix", request_body = MatrixParams, responses(
    (status = 200, description = "Cells", body = MatrixResponse),
    (status = 400, description = "Bad or unknown parameter, or too many cells", body = ErrorBody),
    (status = 404, description = "Unknown place", body = ErrorBody),
    (status = 413, description = "Body too large", body = ErrorBody),
    (status = 415, description = "The body is not declared as JSON (Content-Type: application/json)", body = ErrorBody),
    (status = 503, description = "Overloaded (too many requests waiting) or timed out; retry after Retry-After seconds", body = ErrorBody,
        headers(("Retry-After" = u32, description = "Seconds to wait before retrying")))))]
pub async fn matrix_post(
    State(state): State<Arc<AppState>>,
    body: Result<Json<MatrixParams>, JsonRejection>,
) -> ApiResult<MatrixResponse> {
    let Json(params) = body.map_err(json_error)?;
    matrix_answer(state, params).await
}

/// `GET /v1/reach?from=&within=10d`
#[utoipa::path(get, path = "/v1/reach", params(ReachParams), responses(
    (status = 200, description = "Reachable places", body = ReachResponse),
    (status = 400, description = "Bad or unknown parameter", body = ErrorBody),
    (status = 404, description = "Unknown place", body = ErrorBody),
    (status = 503, description = "Overloaded (too many requests waiting) or timed out; retry after Retry-After seconds", body = ErrorBody,
        headers(("Retry-After" = u32, description = "Seconds to wait before retrying")))))]
pub async fn reach(
    State(state): State<Arc<AppState>>,
    q: Result<Query<ReachParams>, QueryRejection>,
) -> ApiResult<ReachResponse> {
    let Query(params) = q.map_err(query_error)?;
    let s = state.clone();
    let answer = state
        .admission()
        .compute(move || {
            let r = query::router(&s, params.scenario.as_ref())?;
            let req = query::reach_request(&r, &params)?;
            Ok(r.reach(&req))
        })
        .await?;
    Ok(Json(answer))
}

/// `GET /v1/compare?from=&to=&scenario=cku-open`: baseline and scenario side by side.
#[utoipa::path(get, path = "/v1/compare", params(CompareParams), responses(
    (status = 200, description = "Baseline and scenario routes and their differences", body = CompareResponse),
    (status = 400, description = "Bad or unknown parameter (a scenario is required)", body = ErrorBody),
    (status = 404, description = "Unknown place", body = ErrorBody),
    (status = 503, description = "Overloaded (too many requests waiting) or timed out; retry after Retry-After seconds", body = ErrorBody,
        headers(("Retry-After" = u32, description = "Seconds to wait before retrying")))))]
pub async fn compare(
    State(state): State<Arc<AppState>>,
    q: Result<Query<CompareParams>, QueryRejection>,
) -> ApiResult<CompareResponse> {
    let Query(params) = q.map_err(query_error)?;
    if params.scenario.as_ref().is_none_or(|l| l.0.is_empty()) {
        return Err(AppError::missing("scenario"));
    }
    let s = state.clone();
    let answer = state
        .admission()
        .compute(move || {
            let base = s.baseline();
            let scen = query::router(&s, params.scenario.as_ref())?;
            let req = query::compare_request(&base, &params)?;
            base.compare(&scen, &req).map_err(route_error)
        })
        .await?;
    Ok(Json(answer))
}

/// Any other path.
pub async fn not_found() -> AppError {
    AppError::new(
        StatusCode::NOT_FOUND,
        "not_found",
        "no such endpoint; see /openapi.json",
    )
}

/// `GET /v1/trip`
#[utoipa::path(get, path = "/v1/trip", params(crate::query::TripParams), responses(
    (status = 200, description = "The trip: journeys on passenger services, every country stayed in with its entry rule, problems and alternatives", body = silkroute_route::TripResponse),
    (status = 400, description = "Bad or unknown parameter (passport, date, stay, purpose, modes)", body = ErrorBody),
    (status = 404, description = "Unknown place (with suggestions) or no passenger service", body = ErrorBody),
    (status = 503, description = "Overloaded (too many requests waiting) or timed out; retry after Retry-After seconds", body = ErrorBody,
        headers(("Retry-After" = u32, description = "Seconds to wait before retrying")))))]
pub async fn trip(
    State(state): State<Arc<AppState>>,
    q: Result<Query<crate::query::TripParams>, QueryRejection>,
) -> ApiResult<silkroute_route::TripResponse> {
    let Query(params) = q.map_err(query_error)?;
    let s = state.clone();
    let answer = state
        .admission()
        .compute(move || {
            let r = s.baseline();
            let req = crate::query::trip_request(&r, &params)?;
            r.trip(&req).map_err(route_error)
        })
        .await?;
    Ok(Json(answer))
}
