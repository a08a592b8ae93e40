//! The OpenAPI document is the contract: every endpoint declares its parameters (in the query,
//! with the required ones marked) and its answers, and every real answer validates against the
//! schema its status declares.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use serde_json::{json, Value};
use silkroute_server::{app, AppState};
use std::sync::{Arc, OnceLock};
use tower::ServiceExt;

fn state() -> Arc<AppState> {
    static STATE: OnceLock<Arc<AppState>> = OnceLock::new();
    STATE
        .get_or_init(|| Arc::new(AppState::new(silkroute_feed::builtin()).unwrap()))
        .clone()
}

async fn call(req: Request<Body>) -> (StatusCode, Value) {
    let resp = app(state()).oneshot(req).await.unwrap();
    let status = resp.status();
    let bytes = resp.into_body().collect().await.unwrap().to_bytes();
    let v = serde_json::from_slice(&bytes)
        .unwrap_or_else(|_| panic!("not JSON: {}", String::from_utf8_lossy(&bytes)));
    (status, v)
}

async fn document() -> Value {
    let (s, doc) = call(Request::get("/openapi.json").body(Body::empty()).unwrap()).await;
    assert_eq!(s, StatusCode::OK);
    doc
}

/// The JSON schema of the answer `method path` declares for `status`, with the document's
/// components beside it so that `$ref`s resolve.
fn answer_schema(doc: &Value, method: &str, path: &str, status: StatusCode) -> Value {
    let op = &doc["paths"][path][method];
    let schema = &op["responses"][status.as_str()]["content"]["application/json"]["schema"];
    assert!(
        schema.is_object(),
        "{method} {path} declares no JSON schema for {status}: {}",
        op["responses"]
    );
    let mut root = schema.clone();
    root["components"] = doc["components"].clone();
    root
}

fn assert_valid(doc: &Value, method: &str, path: &str, status: StatusCode, answer: &Value) {
    let schema = answer_schema(doc, method, path, status);
    let validator = jsonschema::validator_for(&schema)
        .unwrap_or_else(|e| panic!("{method} {path}: the schema does not compile: {e}"));
    let errors: Vec<String> = validator
        .iter_errors(answer)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .take(5)
        .collect();
    assert!(
        errors.is_empty(),
        "{method} {path} answered {status} with JSON that does not match its schema:\n{}",
        errors.join("\n")
    );
}

#[tokio::test]
async fn every_endpoint_declares_its_parameters_and_answers() {
    let doc = document().await;
    let paths = doc["paths"].as_object().unwrap();
    let mut operations = 0;
    for (path, item) in paths {
        for (method, op) in item.as_object().unwrap() {
            operations += 1;
            let ok = &op["responses"]["200"]["content"]["application/json"]["schema"];
            assert!(
                ok.is_object(),
                "{method} {path}: no schema for its 200 answer"
            );
            for p in op["parameters"].as_array().into_iter().flatten() {
                assert_eq!(p["in"], "query", "{method} {path}: {p}");
                assert!(
                    p["schema"].is_object(),
                    "{method} {path}: {p} has no schema"
                );
            }
            for (status, r) in op["responses"].as_object().unwrap() {
                if status.starts_with('4') {
                    assert!(
                        r["content"]["application/json"]["schema"].is_object(),
                        "{method} {path}: no schema for its {status} answer"
                    );
                }
            }
            if method == "post" {
                assert!(
                    op["requestBody"]["content"]["application/json"]["schema"].is_object(),
                    "{method} {path}: no request body schema"
                );
            }
        }
    }
    assert!(operations >= 10, "only {operations} operations");
    // Parameters without which the endpoint cannot answer are marked required.
    let required = |path: &str, name: &str| {
        doc["paths"][path]["get"]["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["name"] == name)
            .unwrap_or_else(|| panic!("{path} has no parameter {name}"))["required"]
            == true
    };
    for (path, name) in [
        ("/v1/route", "from"),
        ("/v1/route", "to"),
        ("/v1/matrix", "from"),
        ("/v1/reach", "from"),
        ("/v1/reach", "within"),
        ("/v1/compare", "scenario"),
    ] {
        assert!(
            required(path, name),
            "{path}: {name} is not marked required"
        );
    }
    let body =
        &doc["paths"]["/v1/route"]["post"]["requestBody"]["content"]["application/json"]["schema"];
    let body = if let Some(r) = body["$ref"].as_str() {
        doc["components"]["schemas"][r.rsplit('/').next().unwrap()].clone()
    } else {
        body.clone()
    };
    let req: Vec<&str> = body["required"]
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    assert!(req.contains(&"from") && req.contains(&"to"), "{body}");
}

#[tokio::test]
async fn every_real_answer_matches_its_declared_schema() {
    let doc = document().await;
    let gets = [
        ("/health", StatusCode::OK),
        ("/v1/places", StatusCode::OK),
        ("/v1/places?q=alma", StatusCode::OK),
        ("/v1/places?country=XX", StatusCode::BAD_REQUEST),
        ("/v1/scenarios", StatusCode::OK),
        ("/v1/network.geojson", StatusCode::OK),
        ("/v1/route?from=xian&to=almaty", StatusCode::OK),
        ("/v1/route?from=xian&to=almaty&deadline=5d", StatusCode::OK),
        ("/v1/route?from=xian&to=almaty&pareto=true", StatusCode::OK),
        (
            "/v1/route?from=xian&to=almaty&alternatives=3",
            StatusCode::OK,
        ),
        (
            "/v1/route?from=xian&to=almaty&colour=red",
            StatusCode::BAD_REQUEST,
        ),
        ("/v1/route?from=xian&to=Almatyy", StatusCode::NOT_FOUND),
        (
            "/v1/route?from=xian&to=almaty&modes=sea",
            StatusCode::NOT_FOUND,
        ),
        ("/v1/matrix?from=xian,almaty&by=cost", StatusCode::OK),
        (
            "/v1/trip?places=xian,almaty,tashkent&passport=CN&date=2025-05-01&stay=20d",
            StatusCode::OK,
        ),
        (
            "/v1/trip?places=urumqi,dushanbe&passport=CN&date=2026-06-01",
            StatusCode::OK,
        ),
        (
            "/v1/trip?places=xian,almaty&passport=CN&stay=-1d",
            StatusCode::BAD_REQUEST,
        ),
        (
            "/v1/trip?places=xian,nowhere&passport=CN",
            StatusCode::NOT_FOUND,
        ),
        ("/v1/reach?from=xian&within=4d", StatusCode::OK),
        ("/v1/reach?from=xian&within=soon", StatusCode::BAD_REQUEST),
        (
            "/v1/compare?from=xian&to=almaty&scenario=cku-open",
            StatusCode::OK,
        ),
        ("/v1/compare?from=xian&to=almaty", StatusCode::BAD_REQUEST),
    ];
    // The check can fail: an answer of the wrong shape does not validate.
    let schema = answer_schema(&doc, "get", "/v1/places", StatusCode::OK);
    let validator = jsonschema::validator_for(&schema).unwrap();
    assert!(!validator.is_valid(&json!({"places": [{"id": 1}]})));
    let schema = answer_schema(&doc, "get", "/v1/route", StatusCode::OK);
    let validator = jsonschema::validator_for(&schema).unwrap();
    assert!(!validator.is_valid(&json!({"from": {"id": "xian"}, "routes": []})));
    for (uri, status) in gets {
        let (s, v) = call(Request::get(uri).body(Body::empty()).unwrap()).await;
        assert_eq!(s, status, "{uri}: {v}");
        let path = uri.split('?').next().unwrap();
        assert_valid(&doc, "get", path, s, &v);
    }
    for (path, body) in [
        (
            "/v1/route",
            json!({"from": "xian", "to": "almaty", "modes": ["rail"]}),
        ),
        (
            "/v1/matrix",
            json!({"from": ["xian", "almaty"], "to": "urumqi"}),
        ),
    ] {
        let req = Request::post(path)
            .header("content-type", "application/json")
            .body(Body::from(body.to_string()))
            .unwrap();
        let (s, v) = call(req).await;
        assert_eq!(s, StatusCode::OK, "{path}: {v}");
        assert_valid(&doc, "post", path, s, &v);
    }
}

#[tokio::test]
async fn list_parameters_may_repeat_and_unknown_ones_are_named() {
    let (s, a) = call(
        Request::get("/v1/route?from=xian&to=almaty&via=urumqi&modes=rail&modes=road")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{a}");
    let (_, b) = call(
        Request::get("/v1/route?from=xian&to=almaty&via=urumqi&modes=rail,road")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(a, b, "repeated keys and commas mean the same list");
    let (s, v) = call(
        Request::get("/v1/matrix?from=xian&from=almaty&to=urumqi")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["cells"].as_array().unwrap().len(), 2, "{v}");
    let (s, v) = call(
        Request::get("/v1/route?from=xian&to=almaty&colour=red")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(v["error"]["code"], "unknown_parameter", "{v}");
    assert_eq!(v["error"]["param"], "colour", "{v}");
    // Parameters the chosen query would ignore are refused, not dropped.
    for (uri, param) in [
        (
            "/v1/compare?from=xian&to=almaty&scenario=cku-open&pareto=true",
            "pareto",
        ),
        (
            "/v1/compare?from=xian&to=almaty&scenario=cku-open&deadline=5d",
            "deadline",
        ),
        ("/v1/route?from=xian&to=almaty&cap=5", "cap"),
        ("/v1/route?from=xian&to=almaty&pareto=true&by=cost", "by"),
    ] {
        let (s, v) = call(Request::get(uri).body(Body::empty()).unwrap()).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{uri}: {v}");
        assert_eq!(v["error"]["param"], param, "{uri}: {v}");
    }
}
