//! The silkroute HTTP API.
//!
//! Principal items:
//! - [`AppState`]: the loaded network, compiled once for the baseline and once per built-in
//!   scenario (other scenario combinations are compiled on demand and cached).
//! - [`app`]: the axum [`Router`](axum::Router); tests call it without opening a socket.
//! - [`serve`]: bind, serve, and shut down gracefully on Ctrl-C or SIGTERM.
//!
//! Every endpoint answers JSON. Errors are `{"error": {"code", "message", "param"}}` with a 4xx
//! status for bad input (404 for an unknown place, with suggestions).

mod error;
mod handlers;
mod openapi;
pub mod query;
mod state;
mod web;

pub use error::{AppError, ErrorBody};
pub use handlers::scenarios_response;
pub use openapi::openapi_document;
pub use state::AppState;

use axum::extract::DefaultBodyLimit;
use axum::routing::get;
use axum::Router;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tower_http::trace::{DefaultMakeSpan, DefaultOnResponse, TraceLayer};
use tracing::Level;

/// Largest request body accepted, bytes.
pub const MAX_BODY_BYTES: usize = 64 * 1024;
/// Largest matrix (origins × destinations) one request may ask for.
pub const MAX_MATRIX_CELLS: usize = 10_000;
/// Longest a request may compute before it is answered with 503.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

/// The router with every endpoint.
pub fn app(state: Arc<AppState>) -> Router {
    Router::new()
        .route("/", get(web::index))
        .route("/assets/{file}", get(web::asset))
        .route("/health", get(handlers::health))
        .route("/openapi.json", get(openapi::document))
        .route("/v1/places", get(handlers::places))
        .route("/v1/scenarios", get(handlers::scenarios))
        .route("/v1/network.geojson", get(handlers::network))
        .route(
            "/v1/route",
            get(handlers::route_get).post(handlers::route_post),
        )
        .route(
            "/v1/matrix",
            get(handlers::matrix_get).post(handlers::matrix_post),
        )
        .route("/v1/reach", get(handlers::reach))
        .route("/v1/trip", get(handlers::trip))
        .route("/v1/compare", get(handlers::compare))
        .fallback(handlers::not_found)
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(DefaultMakeSpan::new().level(Level::INFO))
                .on_response(DefaultOnResponse::new().level(Level::INFO)),
        )
        .with_state(state)
}

/// Serves `state` on `addr` until Ctrl-C or SIGTERM, then finishes the requests in flight.
pub async fn serve(addr: SocketAddr, state: Arc<AppState>) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    tracing::info!("silkroute listening on http://{}", listener.local_addr()?);
    axum::serve(listener, app(state))
        .with_graceful_shutdown(shutdown_signal())
        .await
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutting down");
}
