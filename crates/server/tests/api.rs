//! The HTTP API, called through the router without a socket: status codes, JSON shapes, bad
//! parameters, unknown places, limits.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use serde_json::Value;
use silkroute_server::{app, AppState};
use std::path::Path;
use std::sync::Arc;
use tower::ServiceExt;

fn state() -> Arc<AppState> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/mini");
    let (net, _) = silkroute_feed::load_dir(&dir).unwrap();
    Arc::new(AppState::new(net).unwrap())
}

async fn call(req: Request<Body>) -> (StatusCode, Value) {
    let resp = app(state()).oneshot(req).await.unwrap();
    let status = resp.status();
    let bytes = resp.into_body().collect().await.unwrap().to_bytes();
    let v = serde_json::from_slice(&bytes)
        .unwrap_or_else(|_| panic!("not JSON: {}", String::from_utf8_lossy(&bytes)));
    (status, v)
}

async fn get(uri: &str) -> (StatusCode, Value) {
    call(Request::get(uri).body(Body::empty()).unwrap()).await
}

fn assert_error(v: &Value, code: &str, param: Option<&str>) {
    assert_eq!(v["error"]["code"], code, "{v}");
    assert!(
        v["error"]["message"]
            .as_str()
            .is_some_and(|m| !m.is_empty()),
        "{v}"
    );
    if let Some(p) = param {
        assert_eq!(v["error"]["param"], p, "{v}");
    }
}

#[tokio::test]
async fn health_answers() {
    let (s, v) = get("/health").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["status"], "ok");
}

#[tokio::test]
async fn a_route_has_the_cli_json_shape() {
    let (s, v) = get(
        "/v1/route?from=Xi%27an&to=%D0%90%D0%BB%D0%BC%D0%B0%D1%82%D1%8B&modes=rail&deadline=6d",
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["from"]["id"], "xian");
    assert_eq!(v["to"]["id"], "almaty");
    let r = &v["routes"][0];
    assert_eq!(r["summary"]["gauge_changes"], 1);
    assert!(r["summary"]["time_h"]["p95"].is_number());
    let p = r["summary"]["on_time_probability"].as_f64().unwrap();
    assert!((0.0..=1.0).contains(&p));
    assert_eq!(r["geometry"]["type"], "LineString");
    assert!(r["emissions"]["totals"]["tonne_km"].as_f64().unwrap() > 0.0);
}

#[tokio::test]
async fn post_takes_the_same_parameters_as_json() {
    let body = r#"{"from": "xian", "to": "almaty", "modes": ["rail"], "pareto": true}"#;
    let (s, v) = call(
        Request::post("/v1/route")
            .header("content-type", "application/json")
            .body(Body::from(body))
            .unwrap(),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert!(v["menu"].as_str().unwrap().starts_with("pareto"));
    assert!(!v["routes"].as_array().unwrap().is_empty());
}

#[tokio::test]
async fn customs_legs_come_with_the_route_and_can_be_left_out() {
    let kinds = |v: &Value| -> Vec<String> {
        v["routes"][0]["legs"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|l| l["kind"] == "customs")
            .map(|l| l["description"].as_str().unwrap().to_string())
            .collect()
    };
    // The test feed has no clearances.csv: the legs are there and say that figures are missing.
    let (s, v) = get("/v1/route?from=xian&to=almaty&modes=rail&depart=2026-12-08T09:00").await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let k = kinds(&v);
    assert_eq!(k.len(), 2, "{k:?}");
    assert!(k[0].starts_with("export clearance at Xi'an (CN)"), "{k:?}");
    assert!(k[1].starts_with("import clearance at Almaty (KZ)"), "{k:?}");
    assert!(k[1].contains("no figures in the feed"), "{k:?}");
    let (s, v) = get("/v1/route?from=xian&to=almaty&modes=rail&depart=2026-12-08T09:00&export_clearance=false&import_clearance=false").await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert!(kinds(&v).is_empty(), "{v}");
    let (s, v) = get("/v1/route?from=xian&to=almaty&import_clearance=maybe").await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
}

#[tokio::test]
async fn a_missing_to_is_a_400() {
    let (s, v) = get("/v1/route?from=xian").await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_error(&v, "missing_parameter", Some("to"));
}

#[tokio::test]
async fn an_unknown_place_is_a_404_with_suggestions() {
    let (s, v) = get("/v1/route?from=xian&to=Almatyy").await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert_error(&v, "unknown_place", Some("to"));
    assert_eq!(v["error"]["suggestions"][0]["id"], "almaty");
}

#[tokio::test]
async fn an_unknown_objective_is_a_400() {
    let (s, v) = get("/v1/route?from=xian&to=almaty&by=fastest").await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_error(&v, "invalid_parameter", Some("by"));
}

#[tokio::test]
async fn unknown_query_keys_and_bad_types_are_400() {
    let (s, v) = get("/v1/route?from=xian&to=almaty&colour=red").await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_error(&v, "unknown_parameter", Some("colour"));
    let (s, _) = get("/v1/route?from=xian&to=almaty&pareto=maybe").await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn no_route_is_a_404() {
    let (s, v) = get("/v1/route?from=xian&to=almaty&modes=air").await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert_error(&v, "no_route", None);
}

#[tokio::test]
async fn a_huge_matrix_is_refused() {
    let names: Vec<String> = (0..10_000).map(|i| format!("p{i}")).collect();
    let body = serde_json::json!({"from": names, "to": names}).to_string();
    // 10,000 × 10,000 names do not even fit the body limit; a smaller list over the cell limit
    // is refused by the matrix check.
    let (s, v) = call(
        Request::post("/v1/matrix")
            .header("content-type", "application/json")
            .body(Body::from(body))
            .unwrap(),
    )
    .await;
    assert_eq!(s, StatusCode::PAYLOAD_TOO_LARGE, "{v}");
    assert_error(&v, "body_too_large", None);
    let names: Vec<String> = (0..101).map(|_| "xian".to_string()).collect();
    let body = serde_json::json!({"from": names}).to_string();
    let (s, v) = call(
        Request::post("/v1/matrix")
            .header("content-type", "application/json")
            .body(Body::from(body))
            .unwrap(),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
    assert_error(&v, "invalid_parameter", Some("from"));
}

#[tokio::test]
async fn a_10_mb_body_is_a_413_and_the_server_keeps_serving() {
    let router = app(state());
    let big = vec![b'a'; 10 * 1024 * 1024];
    let resp = router
        .clone()
        .oneshot(
            Request::post("/v1/route")
                .header("content-type", "application/json")
                .body(Body::from(big))
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let resp = router
        .oneshot(Request::get("/health").body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
}

#[tokio::test]
async fn matrix_reach_places_scenarios_and_network() {
    let (s, v) = get("/v1/matrix?from=xian,almaty&by=cost").await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["cells"].as_array().unwrap().len(), 2);
    let (s, v) = get("/v1/reach?from=xian&within=4d").await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert!(!v["places"].as_array().unwrap().is_empty());
    let (s, v) = get("/v1/reach?from=xian&within=soon").await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_error(&v, "invalid_parameter", Some("within"));
    let (s, v) = get("/v1/places?q=%E8%A5%BF%E5%AE%89").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["places"][0]["id"], "xian");
    let (s, v) = get("/v1/scenarios").await;
    assert_eq!(s, StatusCode::OK);
    assert!(v["scenarios"].is_array());
    let (s, v) = get("/v1/network.geojson").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["type"], "FeatureCollection");
    let (s, v) = get("/v1/network.geojson?scenario=atlantis").await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_error(&v, "invalid_parameter", Some("scenario"));
}

#[tokio::test]
async fn the_openapi_document_lists_the_endpoints() {
    let (s, v) = get("/openapi.json").await;
    assert_eq!(s, StatusCode::OK);
    assert!(v["openapi"].as_str().unwrap().starts_with("3."));
    for path in [
        "/v1/route",
        "/v1/matrix",
        "/v1/reach",
        "/v1/places",
        "/v1/scenarios",
        "/v1/network.geojson",
        "/health",
    ] {
        assert!(v["paths"][path].is_object(), "{path} missing");
    }
}

#[tokio::test]
async fn unknown_paths_are_json_404s() {
    let (s, v) = get("/v2/teleport").await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert_error(&v, "not_found", None);
}

#[tokio::test]
async fn the_web_page_and_its_assets_are_served_from_the_binary() {
    let resp = app(state())
        .oneshot(Request::get("/").body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let html = String::from_utf8(
        resp.into_body()
            .collect()
            .await
            .unwrap()
            .to_bytes()
            .to_vec(),
    )
    .unwrap();
    assert!(html.contains(r#"<script type="module" src="/assets/app.js">"#));
    assert!(
        !html.contains("http://") && !html.contains("https://"),
        "no external requests"
    );
    for (file, ctype) in [
        ("app.js", "text/javascript"),
        ("maplibre-gl.mjs", "text/javascript"),
        ("maplibre-gl-worker.mjs", "text/javascript"),
        ("style.css", "text/css"),
        ("countries-110m.json", "application/json"),
    ] {
        let resp = app(state())
            .oneshot(
                Request::get(format!("/assets/{file}"))
                    .body(Body::empty())
                    .unwrap(),
            )
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::OK, "{file}");
        assert!(
            resp.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with(ctype),
            "{file}"
        );
    }
    let (s, v) = get("/assets/../Cargo.toml").await;
    assert_eq!(s, StatusCode::NOT_FOUND, "{v}");
}

#[tokio::test]
async fn compare_needs_a_scenario_and_answers_both_sides() {
    let (s, v) = get("/v1/compare?from=xian&to=almaty").await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_error(&v, "missing_parameter", Some("scenario"));
    // the mini feed has no CKU elements, so only scenarios that apply to it are offered
    let (s, v) = get("/v1/compare?from=xian&to=almaty&scenario=cku-open").await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
    assert_error(&v, "invalid_parameter", Some("scenario"));
}

#[tokio::test]
async fn compare_on_the_built_in_network_shows_what_the_cku_railway_changes() {
    let state = Arc::new(AppState::new(silkroute_feed::builtin()).unwrap());
    let req = Request::get("/v1/compare?from=Kashgar&to=Andijan&modes=rail&scenario=cku-open")
        .body(Body::empty())
        .unwrap();
    let resp = app(state).oneshot(req).await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let v: Value =
        serde_json::from_slice(&resp.into_body().collect().await.unwrap().to_bytes()).unwrap();
    assert_eq!(v["comparison"]["route_changed"], true);
    assert!(
        v["comparison"]["delta_distance_km"].as_f64().unwrap() < -2000.0,
        "{}",
        v["comparison"]
    );
    assert_eq!(v["scenario_route"]["summary"]["borders"][0], "cku-torugart");
}

/// A server started from a graph file answers plain questions from its hierarchies: the same
/// routes and matrix values as the server that searches with Dijkstra.
#[tokio::test]
async fn a_graph_file_server_answers_like_the_dijkstra_server() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/mini");
    let (net, _) = silkroute_feed::load_dir(&dir).unwrap();
    let graph = silkroute_graph::compile(&net).unwrap();
    let hierarchies = silkroute_graph::Metric::ALL
        .iter()
        .map(|&m| (m, silkroute_graph::hierarchy::prepare(&graph, m).0))
        .collect();
    let fast = Arc::new(
        AppState::from_compiled(silkroute_graph::CompiledNetwork {
            network: net,
            graph,
            hierarchies,
            customizable: None,
            customizable_graph: None,
            customizations: Vec::new(),
        })
        .unwrap(),
    );
    for by in ["time", "cost", "co2"] {
        let uri = format!("/v1/route?from=xian&to=almaty&by={by}");
        let (s1, slow) = get(&uri).await;
        let resp = app(fast.clone())
            .oneshot(Request::get(&uri).body(Body::empty()).unwrap())
            .await
            .unwrap();
        assert_eq!(resp.status(), s1);
        let bytes = resp.into_body().collect().await.unwrap().to_bytes();
        let quick: Value = serde_json::from_slice(&bytes).unwrap();
        let legs = |v: &Value| {
            v["routes"][0]["legs"]
                .as_array()
                .unwrap()
                .iter()
                .map(|l| l["element"].clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(legs(&slow), legs(&quick), "by {by}");
    }
}

#[tokio::test]
async fn dated_routes_take_iso_dates_and_refuse_others_naming_the_parameter() {
    let (status, v) = get("/v1/route?from=xian&to=almaty&modes=rail&depart=2026-12-08T09:00").await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!(v["timing"]["kind"], "depart");
    let legs = v["routes"][0]["legs"].as_array().unwrap();
    assert!(legs.iter().any(|l| l["service"] == "xian-almaty-train"));
    assert!(legs
        .iter()
        .all(|l| l["departs"].is_string() && l["arrives"].is_string()));
    let (status, v) = get("/v1/route?from=xian&to=almaty&depart=soon").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_error(&v, "invalid_parameter", Some("depart"));
    let (status, v) = get("/v1/route?from=xian&to=almaty&reference_date=2026-06-31").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_error(&v, "invalid_parameter", Some("reference_date"));
    let (status, v) = get("/v1/route?from=xian&to=almaty&arrive_by=2026-12-20T00:00&by=cost").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_error(&v, "invalid_parameter", Some("arrive_by"));
}

/// A GET on the built-in network (passenger services and entry rules).
async fn get_builtin(uri: &str) -> (StatusCode, Value) {
    let state = Arc::new(AppState::new(silkroute_feed::builtin()).unwrap());
    let resp = app(state)
        .oneshot(Request::get(uri).body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = resp.status();
    let bytes = resp.into_body().collect().await.unwrap().to_bytes();
    (status, serde_json::from_slice(&bytes).unwrap())
}

#[tokio::test]
async fn a_trip_names_the_rule_of_every_entry() {
    let (s, v) =
        get_builtin("/v1/trip?places=Xi%27an,Almaty&passport=CN&date=2025-06-01&stay=14d").await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["verdict"], "allowed");
    let kz = v["stays"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["country"] == "KZ")
        .unwrap();
    assert_eq!(kz["rule"]["id"], "CN-KZ-2023-11-10");
    assert_eq!(kz["rule"]["regime"], "visa_free");
}

#[tokio::test]
async fn bad_trip_parameters_are_400_naming_the_parameter() {
    for (query, code, param) in [
        (
            "places=xian,almaty&passport=XX",
            "invalid_parameter",
            "passport",
        ),
        (
            "places=xian,almaty&passport=CN&date=01.06.2025",
            "invalid_parameter",
            "date",
        ),
        (
            "places=xian,almaty&passport=CN&stay=-3d",
            "invalid_parameter",
            "stay",
        ),
        (
            "places=xian,almaty&passport=CN&purpose=sightseeing",
            "invalid_parameter",
            "purpose",
        ),
        ("places=xian&passport=CN", "invalid_parameter", "places"),
        ("places=xian,almaty", "missing_parameter", "passport"),
    ] {
        let (s, v) = get_builtin(&format!("/v1/trip?{query}")).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{query}: {v}");
        assert_error(&v, code, Some(param));
    }
}

/// `serve --scenario FILE`: a user's scenario is offered beside the built-in ones and answers
/// like any; one naming an element the network has not, or a name already offered, is refused
/// when the server starts.
#[tokio::test]
async fn a_users_scenario_is_offered_and_answers() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/mini");
    let (net, _) = silkroute_feed::load_dir(&dir).unwrap();
    let scenario = |text: &str| silkroute_feed::Scenario::parse(text, "mine.toml").unwrap();
    let rail_closed = "name = \"alashankou-rail-closed\"\n[[link]]\nids = [\"xian-alashankou\"]\nstatus = \"closed\"\n";
    let state = AppState::new(net.clone())
        .unwrap()
        .offering(vec![scenario(rail_closed)])
        .unwrap();
    let app = app(Arc::new(state));
    let answer = |uri: &str| {
        let app = app.clone();
        let uri = uri.to_string();
        async move {
            let resp = app
                .oneshot(Request::get(uri).body(Body::empty()).unwrap())
                .await
                .unwrap();
            let status = resp.status();
            let bytes = resp.into_body().collect().await.unwrap().to_bytes();
            (status, serde_json::from_slice::<Value>(&bytes).unwrap())
        }
    };
    let (s, v) = answer("/v1/scenarios").await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        v["scenarios"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["name"] == "alashankou-rail-closed"),
        "{v}"
    );
    let (_, v) = answer("/v1/route?from=xian&to=almaty&modes=rail").await;
    assert!(v.to_string().contains("\"xian-alashankou\""), "{v}");
    let (s, v) =
        answer("/v1/route?from=xian&to=almaty&modes=rail&scenario=alashankou-rail-closed").await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let text = v.to_string();
    assert!(!text.contains("\"xian-alashankou\""), "{text}");
    assert!(text.contains("\"xian-khorgos\""), "{text}");
    assert!(
        text.contains("\"scenarios\":[\"alashankou-rail-closed\"]"),
        "{text}"
    );

    let unknown = "name = \"x\"\n[[link]]\nids = [\"no-such-link\"]\nstatus = \"closed\"\n";
    let refused = AppState::new(net.clone())
        .unwrap()
        .offering(vec![scenario(unknown)])
        .err()
        .expect("refused");
    assert!(refused.contains("no-such-link"), "{refused}");
    let twice = AppState::new(net)
        .unwrap()
        .offering(vec![scenario(rail_closed), scenario(rail_closed)])
        .err()
        .expect("refused");
    assert!(twice.contains("already offered"), "{twice}");
    let comma = "name = \"a,b\"\n[[link]]\nids = [\"xian-alashankou\"]\nstatus = \"closed\"\n";
    let unnamable = AppState::new(silkroute_feed::load_dir(&dir).unwrap().0)
        .unwrap()
        .offering(vec![scenario(comma)])
        .err()
        .expect("refused");
    assert!(unnamable.contains("cannot be asked for"), "{unnamable}");
}

/// A state opened from a graph file and derived with a scenario (what a Python sweep does for
/// each scenario) answers on the file's customizable hierarchy, re-weighted, and names its
/// scenario: one that closes a border, and one that opens the planned CKU railway (the file's
/// hierarchy was prepared on every element, open or not, as `silkroute build` prepares it).
#[test]
fn a_state_derived_from_a_graph_file_reweights_its_customizable_hierarchy() {
    let net = silkroute_feed::builtin();
    let (graph, every) = silkroute_graph::compile_for_customizable(&net).unwrap();
    let every = every.expect("the built-in network has planned elements");
    let customizable =
        Some(silkroute_graph::hierarchy::prepare_customizable(&every, &graph.coordinates(&net)).0);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("builtin.srg");
    let frame = silkroute_graph::EdgeFrame::of(&graph, &every).unwrap();
    let compiled = silkroute_graph::CompiledNetwork {
        network: net,
        graph,
        hierarchies: Vec::new(),
        customizable,
        customizable_graph: Some((every, frame)),
        customizations: Vec::new(),
    };
    silkroute_graph::write_graph_file(&path, &compiled).unwrap();
    let state = AppState::from_compiled(silkroute_graph::read_graph_file(&path).unwrap()).unwrap();
    for name in ["khorgos-closed", "cku-open"] {
        let scenario = silkroute_feed::builtin_scenario(name).unwrap().unwrap();
        let edited = scenario.applied_to(state.baseline().network()).unwrap();
        let derived = state.derived(edited, vec![name.to_string()]).unwrap();
        let baseline = derived.baseline();
        assert!(baseline.customizable().is_some(), "{name}: a re-weighting");
        assert_eq!(baseline.scenarios(), [name.to_string()]);
    }
}

/// Scenario combinations compiled on demand are kept within the cache's budget: the least
/// recently used goes when another would not fit, one that fits nothing is prepared for its
/// request alone, and every answer is the same either way.
#[test]
fn scenario_combinations_are_kept_within_the_cache_budget() {
    let names = |list: &[&str]| list.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let (ab, ac) = (
        names(&["cku-open", "khorgos-closed"]),
        names(&["cku-open", "caspian-storm"]),
    );
    let net = || silkroute_feed::builtin();
    // Without a bound worth the name, both are kept.
    let roomy = AppState::new(net()).unwrap();
    let answer = |s: &AppState, n: &[String]| {
        let r = s.router(n).unwrap();
        let (from, to) = (r.find("kashgar").unwrap(), r.find("tashkent").unwrap());
        let req = silkroute_route::RouteRequest::new(from, to, silkroute_route::Objective::TIME);
        r.best(&req, None).unwrap().summary.time_h.sum_p50
    };
    let (ab_h, ac_h) = (answer(&roomy, &ab), answer(&roomy, &ac));
    let kept = roomy.cached_combinations();
    assert_eq!(
        kept.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>(),
        [ab.clone(), ac.clone()]
    );
    let one = kept[0].1.max(kept[1].1);
    // Room for one: the older goes, and comes back when asked for again.
    let tight = AppState::new(net())
        .unwrap()
        .with_cache_budget(one + one / 2);
    assert_eq!(answer(&tight, &ab), ab_h);
    assert_eq!(answer(&tight, &ac), ac_h);
    assert_eq!(tight.cached_combinations()[..].len(), 1);
    assert_eq!(tight.cached_combinations()[0].0, ac);
    assert_eq!(answer(&tight, &ab), ab_h);
    assert_eq!(tight.cached_combinations()[0].0, ab);
    // Room for none: each request prepares its own, with the same answers.
    let none = AppState::new(net()).unwrap().with_cache_budget(1);
    assert_eq!(answer(&none, &ab), ab_h);
    assert_eq!(answer(&none, &ab), ab_h);
    assert!(none.cached_combinations().is_empty());
    // The baseline and the scenarios prepared at start stay whatever the budget.
    let cku = names(&["cku-open"]);
    assert!(Arc::ptr_eq(
        &none.router(&cku).unwrap(),
        &none.router(&cku).unwrap()
    ));
    assert!(Arc::ptr_eq(&none.baseline(), &none.router(&[]).unwrap()));
    // A combination prepared for its request alone is another each time.
    assert!(!Arc::ptr_eq(
        &none.router(&ab).unwrap(),
        &none.router(&ab).unwrap()
    ));
}
