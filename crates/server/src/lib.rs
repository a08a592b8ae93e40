//! The silkroute HTTP API.
//!
//! Principal items:
//! - [`AppState`]: the loaded network, compiled once for the baseline and once per built-in
//!   scenario (other scenario combinations are compiled on demand and kept within a memory
//!   budget, the least recently used going first).
//! - [`app`]: the axum [`Router`](axum::Router); tests call it without opening a socket.
//! - [`serve`]: bind, serve, and shut down gracefully on Ctrl-C or SIGTERM: no new
//!   connections, requests in flight answered (for up to [`DRAIN_TIMEOUT`]), then exit.
//!
//! Under load: at most [`Limits::running`] computations at once and [`Limits::queued`] requests
//! waiting, beyond which `503 overloaded` with `Retry-After` (`/health` never waits); at most
//! [`MAX_CONNECTIONS`] connections, each closed when a request head takes longer than
//! [`HEADER_READ_TIMEOUT`] to arrive or the connection idles that long (slow or idle clients
//! cannot hold the server).
//!
//! Every endpoint answers JSON. Errors are `{"error": {"code", "message", "param"}}` with a 4xx
//! status for bad input (404 for an unknown place, with suggestions).

mod admission;
mod error;
mod handlers;
mod openapi;
pub mod query;
mod state;
mod web;

pub use admission::Limits;
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
/// Longest a request may wait and compute before it is answered with 503.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);
/// Most connections open at once; further clients wait in the listen backlog. Each idle one
/// costs about 17 KB, so 4,096 hold under 70 MB. (`silkroute serve` raises the process's
/// open-file limit to fit them where the system allows.)
pub const MAX_CONNECTIONS: usize = 4096;
/// Longest a client may take to send a request head, or leave a kept-alive connection idle.
pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);
/// Longest the server waits for requests in flight after Ctrl-C or SIGTERM.
pub const DRAIN_TIMEOUT: Duration = Duration::from_secs(30);

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
    serve_on(listener, state, shutdown_signal()).await;
    Ok(())
}

/// Serves `state` on `listener` until `shutdown` completes; then accepts no more connections,
/// closes idle ones and waits up to [`DRAIN_TIMEOUT`] for the requests in flight.
pub async fn serve_on(
    listener: tokio::net::TcpListener,
    state: Arc<AppState>,
    shutdown: impl std::future::Future<Output = ()>,
) {
    use hyper_util::rt::{TokioIo, TokioTimer};
    use hyper_util::server::graceful::GracefulShutdown;
    use hyper_util::service::TowerToHyperService;

    let service = TowerToHyperService::new(app(state));
    let connections = Arc::new(tokio::sync::Semaphore::new(MAX_CONNECTIONS));
    let graceful = GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let permit = tokio::select! {
            p = connections.clone().acquire_owned() => p.expect("the semaphore is never closed"),
            _ = &mut shutdown => break,
        };
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(e) => {
                    // out of file descriptors and the like: wait, do not spin
                    tracing::warn!("accept failed: {e}");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            _ = &mut shutdown => break,
        };
        let _ = stream.set_nodelay(true);
        let conn = hyper::server::conn::http1::Builder::new()
            .timer(TokioTimer::new())
            .header_read_timeout(HEADER_READ_TIMEOUT)
            .serve_connection(TokioIo::new(stream), service.clone());
        let conn = graceful.watch(conn);
        tokio::spawn(async move {
            if let Err(e) = conn.await {
                tracing::debug!("connection ended: {e}");
            }
            drop(permit);
        });
    }
    drop(listener);
    tracing::info!("draining requests in flight");
    tokio::select! {
        _ = graceful.shutdown() => tracing::info!("all requests answered"),
        _ = tokio::time::sleep(DRAIN_TIMEOUT) => {
            tracing::warn!("requests still running after {} s; stopping", DRAIN_TIMEOUT.as_secs());
        }
    }
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
