//! The same request through `silkroute … --json` and through the HTTP API gives the same JSON.

use assert_cmd::Command;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use serde_json::Value;
use silkroute_server::{app, AppState};
use std::sync::Arc;
use tower::ServiceExt;

fn cli(args: &[&str]) -> Value {
    let out = Command::cargo_bin("silkroute")
        .unwrap()
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "silkroute {}: {}",
        args.join(" "),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "silkroute {}: not JSON ({e}): {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stdout)
        )
    })
}

async fn api(state: &Arc<AppState>, uri: &str) -> Value {
    let resp = app(state.clone())
        .oneshot(Request::get(uri).body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = resp.status();
    let bytes = resp.into_body().collect().await.unwrap().to_bytes();
    let v: Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(status, StatusCode::OK, "{uri}: {v}");
    v
}

#[tokio::test(flavor = "multi_thread")]
async fn every_query_answers_the_same_json_on_the_command_line_and_over_http() {
    let state = Arc::new(AppState::new(silkroute_feed::builtin()).unwrap());
    let pairs: [(&[&str], &str); 12] = [
        (
            &[
                "trip",
                "Xi'an",
                "Almaty",
                "Tashkent",
                "--passport",
                "CN",
                "--date",
                "2025-05-29",
                "--stay",
                "14d,20d",
                "--json",
            ],
            "/v1/trip?places=Xi%27an,Almaty,Tashkent&passport=CN&date=2025-05-29&stay=14d,20d",
        ),
        (
            &["route", "Xi'an", "Tashkent", "--json"],
            "/v1/route?from=Xi%27an&to=Tashkent",
        ),
        (
            &[
                "route",
                "xian",
                "almaty",
                "--modes",
                "rail",
                "--deadline",
                "6d",
                "--json",
            ],
            "/v1/route?from=xian&to=almaty&modes=rail&deadline=6d",
        ),
        (
            &[
                "route", "xian", "tashkent", "--pareto", "--cap", "4", "--json",
            ],
            "/v1/route?from=xian&to=tashkent&pareto=true&cap=4",
        ),
        (
            &[
                "route",
                "xian",
                "tashkent",
                "--alternatives",
                "3",
                "--by",
                "cost",
                "--json",
            ],
            "/v1/route?from=xian&to=tashkent&alternatives=3&by=cost",
        ),
        (
            &[
                "route", "urumqi", "baku", "--via", "aktau", "--avoid", "RU", "--cargo", "25t",
                "--json",
            ],
            "/v1/route?from=urumqi&to=baku&via=aktau&avoid=RU&cargo=25t",
        ),
        (
            &[
                "matrix",
                "--from",
                "xian,almaty",
                "--to",
                "tashkent,urumqi",
                "--by",
                "cost",
                "--json",
            ],
            "/v1/matrix?from=xian,almaty&to=tashkent&to=urumqi&by=cost",
        ),
        (
            &[
                "reach", "urumqi", "--within", "5d", "--modes", "rail", "--json",
            ],
            "/v1/reach?from=urumqi&within=5d&modes=rail",
        ),
        (
            &["places", "--country", "KZ", "--json"],
            "/v1/places?country=KZ",
        ),
        (&["places", "alma", "--json"], "/v1/places?q=alma"),
        (&["scenarios", "--json"], "/v1/scenarios"),
        (
            &[
                "compare",
                "Kashgar",
                "Andijan",
                "--modes",
                "rail",
                "--scenario",
                "cku-open",
                "--json",
            ],
            "/v1/compare?from=Kashgar&to=Andijan&modes=rail&scenario=cku-open",
        ),
    ];
    for (args, uri) in pairs {
        let (a, b) = (cli(args), api(&state, uri).await);
        assert!(
            a == b,
            "silkroute {} and GET {uri} differ:\nCLI: {}\nAPI: {}",
            args.join(" "),
            &a.to_string()[..a.to_string().len().min(600)],
            &b.to_string()[..b.to_string().len().min(600)]
        );
    }
}
