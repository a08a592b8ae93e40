//! The OpenAPI document, generated from the handlers and types by utoipa.

use axum::Json;
use utoipa::OpenApi;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "silkroute",
        description = "Freight routes across the China–Central Asia corridors: itineraries with time, cost and CO2e, Pareto menus, matrices and reach; and travellers' trips with the entry rules of every country."
    ),
    paths(
        crate::handlers::health,
        crate::handlers::places,
        crate::handlers::scenarios,
        crate::handlers::network,
        crate::handlers::route_get,
        crate::handlers::route_post,
        crate::handlers::matrix_get,
        crate::handlers::matrix_post,
        crate::handlers::reach,
        crate::handlers::compare,
        crate::handlers::trip,
    ),
    components(schemas(
        silkroute_route::RouteResponse,
        silkroute_route::MatrixResponse,
        silkroute_route::ReachResponse,
        silkroute_route::PlacesResponse,
        silkroute_route::CompareResponse,
        silkroute_route::ScenariosResponse,
        silkroute_route::TripResponse,
        crate::handlers::HealthResponse,
        crate::error::ErrorBody,
        crate::query::RouteParams,
        crate::query::MatrixParams,
        crate::query::TripParams
    ))
)]
struct ApiDoc;

/// The OpenAPI 3.1 document of every endpoint (also printed by `silkroute openapi`).
pub fn openapi_document() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
}

/// `GET /openapi.json`
pub async fn document() -> Json<utoipa::openapi::OpenApi> {
    Json(openapi_document())
}
