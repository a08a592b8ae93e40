//! The web page at `/`, with every asset compiled into the binary (no CDN, works offline).
//! Sources in `web/`; the vendored MapLibre GL, world-atlas and topojson-client files are
//! refreshed by `web/vendor.sh` (see docs/web.md).

use crate::error::AppError;
use axum::extract::Path;
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Response};

const INDEX: &str = include_str!("../../../web/index.html");

/// `(file name, content type, bytes)` of every asset under `/assets/`.
const ASSETS: [(&str, &str, &[u8]); 7] = [
    (
        "app.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../../web/app.js"),
    ),
    (
        "style.css",
        "text/css; charset=utf-8",
        include_bytes!("../../../web/style.css"),
    ),
    (
        "maplibre-gl.mjs",
        "text/javascript; charset=utf-8",
        include_bytes!("../../../web/vendor/maplibre-gl.mjs"),
    ),
    (
        "maplibre-gl-worker.mjs",
        "text/javascript; charset=utf-8",
        include_bytes!("../../../web/vendor/maplibre-gl-worker.mjs"),
    ),
    (
        "maplibre-gl.css",
        "text/css; charset=utf-8",
        include_bytes!("../../../web/vendor/maplibre-gl.css"),
    ),
    (
        "countries-110m.json",
        "application/json",
        include_bytes!("../../../web/vendor/countries-110m.json"),
    ),
    (
        "topojson-client.min.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../../web/vendor/topojson-client.min.js"),
    ),
];

/// `GET /`
pub async fn index() -> Html<&'static str> {
    Html(INDEX)
}

/// `GET /assets/{file}`
pub async fn asset(Path(file): Path<String>) -> Result<Response, AppError> {
    let (_, content_type, bytes) = ASSETS
        .iter()
        .find(|(name, _, _)| *name == file)
        .ok_or_else(|| {
            AppError::new(
                StatusCode::NOT_FOUND,
                "not_found",
                format!("no asset `{file}`"),
            )
        })?;
    Ok((
        [
            (header::CONTENT_TYPE, *content_type),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        *bytes,
    )
        .into_response())
}
