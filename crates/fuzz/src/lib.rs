//! The bodies of silkroute's fuzz targets: every parser and endpoint fed arbitrary bytes.
//!
//! Each target takes the fuzzer's bytes and runs them through one input surface the way a
//! user's file or request would go: parse, then (when the input is accepted) compile and query.
//! A target panics only when silkroute misbehaves: a panic inside the library, a 5xx answer
//! from the HTTP API, an error that names no file, or an accepted input that breaks a later
//! step. Refusing bad input with an error is the expected outcome.
//!
//! `fuzz/` (a cargo-fuzz project, nightly) drives these with libFuzzer; `cargo test -p
//! silkroute-fuzz` replays the committed corpora (`fuzz/corpus/TARGET/`) and every crash found
//! (`fuzz/regressions/TARGET/`) on the stable toolchain. docs/reliability.md has the figures.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use silkroute_feed::{load_files, Report, Scenario, BUILTIN_FILES, FEED_FILES};
use silkroute_model::Network;
use silkroute_server::{app, AppState};
use std::collections::HashMap;
use std::io::Write;
use std::sync::{Arc, OnceLock};
use tower::ServiceExt;

/// A fuzz target: the name of its folder under `fuzz/corpus/` and its body.
pub type Target = (&'static str, fn(&[u8]));

/// Every target, by the name cargo-fuzz knows it by.
pub const TARGETS: [Target; 8] = [
    ("feed_csv", feed_csv),
    ("scenario_toml", scenario_toml),
    ("demand_csv", demand_csv),
    ("gtfs_zip", gtfs_zip),
    ("graph_file", graph_file),
    ("osm_pbf", osm_pbf),
    ("http_query", http_query),
    ("http_json", http_json),
];

/// The small test feed of `tests/fixtures/mini` (eight places, two borders, one service).
pub const MINI_FILES: [(&str, &[u8]); 8] = [
    (
        "places.csv",
        include_bytes!("../../../tests/fixtures/mini/places.csv"),
    ),
    (
        "links.csv",
        include_bytes!("../../../tests/fixtures/mini/links.csv"),
    ),
    (
        "borders.csv",
        include_bytes!("../../../tests/fixtures/mini/borders.csv"),
    ),
    (
        "transfers.csv",
        include_bytes!("../../../tests/fixtures/mini/transfers.csv"),
    ),
    (
        "services.csv",
        include_bytes!("../../../tests/fixtures/mini/services.csv"),
    ),
    (
        "modes.csv",
        include_bytes!("../../../tests/fixtures/mini/modes.csv"),
    ),
    (
        "cost_factors.csv",
        include_bytes!("../../../tests/fixtures/mini/cost_factors.csv"),
    ),
    (
        "emission_factors.csv",
        include_bytes!("../../../tests/fixtures/mini/emission_factors.csv"),
    ),
];

fn mini_files() -> HashMap<&'static str, Vec<u8>> {
    MINI_FILES.iter().map(|(n, b)| (*n, b.to_vec())).collect()
}

fn mini_network() -> &'static Network {
    static NET: OnceLock<Network> = OnceLock::new();
    NET.get_or_init(|| load_files(&mini_files()).expect("the mini fixture loads").0)
}

fn builtin_state() -> &'static Arc<AppState> {
    static STATE: OnceLock<Arc<AppState>> = OnceLock::new();
    STATE.get_or_init(|| {
        let net = silkroute_feed::builtin();
        Arc::new(AppState::new(net).expect("the built-in network compiles"))
    })
}

fn runtime() -> &'static tokio::runtime::Runtime {
    static RT: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RT.get_or_init(|| {
        tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .expect("a tokio runtime")
    })
}

/// Every problem of a refused input names its file and says what is wrong.
fn check_report(report: &Report) {
    assert!(
        report.has_errors(),
        "an input was refused without an error:\n{report}"
    );
    for p in &report.problems {
        assert!(!p.file.is_empty(), "a problem names no file: {p:?}");
        assert!(!p.message.is_empty(), "a problem says nothing: {p:?}");
    }
}

/// Sends `req` to the API of `state`; panics on a 5xx answer or an answer that is not JSON.
/// Returns the status.
fn call(state: &Arc<AppState>, req: Request<Body>) -> StatusCode {
    let uri = req.uri().to_string();
    runtime().block_on(async {
        let resp = app(state.clone())
            .oneshot(req)
            .await
            .expect("the router is infallible");
        let status = resp.status();
        let bytes = resp.into_body().collect().await.expect("a body").to_bytes();
        assert!(
            !status.is_server_error(),
            "{uri}: {status}: {}",
            String::from_utf8_lossy(&bytes)
        );
        if uri != "/" && !uri.starts_with("/assets/") {
            let v: serde_json::Value = serde_json::from_slice(&bytes).unwrap_or_else(|e| {
                panic!(
                    "{uri}: {status}: not JSON ({e}): {}",
                    String::from_utf8_lossy(&bytes)
                )
            });
            if status.is_client_error() {
                let message = v["error"]["message"].as_str().unwrap_or("");
                assert!(
                    !message.is_empty(),
                    "{uri}: {status} without a message: {v}"
                );
            }
        }
        status
    })
}

fn get(state: &Arc<AppState>, uri: &str) -> StatusCode {
    match Request::get(uri).body(Body::empty()) {
        Ok(req) => call(state, req),
        // hyper refuses such a request line before it reaches the API
        Err(_) => StatusCode::BAD_REQUEST,
    }
}

/// Queries a network that was accepted: routes between its first and last places (undated,
/// dated, cargo and passenger), a matrix, reach and the network layer. None may fail with 5xx.
fn exercise(net: Network) {
    let Some((first, last)) = net.places.first().zip(net.places.last()) else {
        return;
    };
    let (a, b) = (enc(&first.id), enc(&last.id));
    let Ok(state) = AppState::lazy(net, Vec::new()) else {
        return;
    };
    let state = Arc::new(state);
    for uri in [
        format!("/v1/route?from={a}&to={b}"),
        format!("/v1/route?from={a}&to={b}&date=2026-06-01&objective=cost"),
        format!("/v1/route?from={a}&to={b}&pareto=true"),
        format!("/v1/route?from={a}&to={b}&alternatives=3&objective=p90"),
        format!("/v1/matrix?origins={a},{b}&destinations={b},{a}"),
        format!("/v1/reach?from={a}&hours=200"),
        format!("/v1/trip?stops={a},{b}&passport=CN&date=2026-06-01&stay=7"),
        "/v1/network.geojson".to_string(),
        "/v1/places".to_string(),
    ] {
        get(&state, &uri);
    }
}

/// Percent-encodes a place id for a query string.
fn enc(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A file of a feed replaced by the input: the first byte picks the file (any of the feed's
/// files, required or optional) and the base feed (even: the small test feed, which is then
/// compiled and queried; odd: the built-in feed, loaded and validated); the rest is the file.
pub fn feed_csv(data: &[u8]) {
    let Some((&pick, bytes)) = data.split_first() else {
        return;
    };
    let (name, _) = FEED_FILES[(pick as usize / 2) % FEED_FILES.len()];
    let builtin = pick % 2 == 1;
    let mut files: HashMap<&str, Vec<u8>> = if builtin {
        BUILTIN_FILES
            .iter()
            .map(|(n, t)| (*n, t.as_bytes().to_vec()))
            .collect()
    } else {
        mini_files()
    };
    files.insert(name, bytes.to_vec());
    match load_files(&files) {
        Ok((net, _warnings)) => {
            let _ = silkroute_feed::validate(&net);
            if !builtin {
                exercise(net);
            }
        }
        Err(silkroute_feed::FeedError::Invalid(report)) => check_report(&report),
        Err(e) => panic!("in-memory files cannot fail to read: {e}"),
    }
}

/// A scenario file: parsed, applied to the small test feed, and the result queried.
pub fn scenario_toml(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        // Scenario::from_file refuses a file that is not UTF-8 before parsing
        return;
    };
    match Scenario::parse(text, "fuzz.toml") {
        Ok(s) => match s.applied_to(mini_network()) {
            Ok(net) => exercise(net),
            Err(e) => assert!(e.to_string().contains("fuzz.toml"), "{e}"),
        },
        Err(e) => assert!(e.to_string().contains("fuzz.toml"), "{e}"),
    }
}

/// A demand file for the small test feed: parsed, then assigned (a few iterations).
pub fn demand_csv(data: &[u8]) {
    let net = mini_network();
    let mut report = Report::default();
    let rows = silkroute_feed::parse_demand("demand.csv", data, net, &mut report);
    if report.has_errors() {
        check_report(&report);
        return;
    }
    let Ok(graph) = silkroute_graph::compile(net) else {
        return;
    };
    let demand = silkroute_flows::Demand::by_commodity(&rows);
    let config = silkroute_flows::AssignmentConfig::for_network(
        net,
        &graph,
        silkroute_flows::Method::FrankWolfe,
        1e-4,
        5,
        2.0,
    )
    .expect("the mini fixture's timetable compiles");
    let result = silkroute_flows::assign(net, &graph, &demand, &config, |_, _| {});
    let flows = result.edge_flows(net, &graph, &config.cost);
    for f in &flows {
        assert!(
            f.tonnes_per_day.is_finite() && f.tonnes_per_day >= 0.0,
            "flow {f:?}"
        );
    }
}

/// A scratch folder for one input (in memory where the system has /dev/shm).
fn scratch() -> tempfile::TempDir {
    let shm = std::path::Path::new("/dev/shm");
    if shm.is_dir() {
        if let Ok(d) = tempfile::tempdir_in(shm) {
            return d;
        }
    }
    tempfile::tempdir().expect("a temporary folder")
}

fn write_input(dir: &std::path::Path, name: &str, data: &[u8]) -> std::path::PathBuf {
    let path = dir.join(name);
    let mut f = std::fs::File::create(&path).expect("a scratch file");
    f.write_all(data).expect("writing a scratch file");
    path
}

/// An imported feed folder is either refused with an error naming its file, or loads and is
/// queried.
fn load_imported(out: &std::path::Path) {
    match silkroute_feed::load_dir(out) {
        Ok((net, _)) => exercise(net),
        Err(silkroute_feed::FeedError::Invalid(report)) => check_report(&report),
        Err(e) => panic!("an imported feed cannot be read back: {e}"),
    }
}

/// A GTFS zip: imported (`silkroute import gtfs`), the feed it wrote loaded and queried.
pub fn gtfs_zip(data: &[u8]) {
    let dir = scratch();
    let zip = write_input(dir.path(), "feed.zip", data);
    let out = dir.path().join("out");
    let opts = silkroute_import::gtfs::GtfsOptions {
        country: "FI".into(),
    };
    match silkroute_import::gtfs::import(&zip, &out, &opts) {
        Ok(_) => load_imported(&out),
        Err(e) => assert!(e.to_string().contains("feed.zip"), "{e}"),
    }
}

/// A graph file (`silkroute build`): read, checked, and queried when accepted. A mutated file
/// would almost never pass the sections' CRC-32s, so that the decoders and the structural checks
/// behind them are fuzzed too, the checksums are fitted to the bytes
/// ([`silkroute_graph::reseal_checksums`]) when the last byte of the writer field is even (as a
/// real file's is); an odd one leaves the file as it came.
pub fn graph_file(data: &[u8]) {
    const WRITER_END: usize = 40;
    let mut data = data.to_vec();
    if data.len() >= WRITER_END && data[WRITER_END - 1] % 2 == 0 {
        silkroute_graph::reseal_checksums(&mut data);
    }
    let dir = scratch();
    let path = write_input(dir.path(), "net.srg", &data);
    match silkroute_graph::read_graph_file(&path) {
        Ok(compiled) => {
            if let Ok(state) = AppState::from_compiled(compiled) {
                let state = Arc::new(state);
                let net = state.baseline().network().clone();
                if let Some((a, b)) = net.places.first().zip(net.places.last()) {
                    get(
                        &state,
                        &format!("/v1/route?from={}&to={}", enc(&a.id), enc(&b.id)),
                    );
                    let p90 = format!("/v1/route?from={}&to={}&by=p90", enc(&a.id), enc(&b.id));
                    get(&state, &p90);
                    // Again once the customization for p90 (made in the background) is kept:
                    // customized, queried and unpacked on the fuzzed file.
                    if let Some(c) = state.baseline().customizable() {
                        c.wait_for_background();
                    }
                    get(&state, &p90);
                }
            }
        }
        Err(e) => assert!(e.to_string().contains("net.srg"), "{e}"),
    }
}

/// An OpenStreetMap PBF: imported (rail, main roads, ferries), the feed loaded and queried.
pub fn osm_pbf(data: &[u8]) {
    let dir = scratch();
    let pbf = write_input(dir.path(), "map.osm.pbf", data);
    let out = dir.path().join("out");
    let opts = silkroute_import::osm::OsmOptions {
        rail: true,
        roads: vec!["motorway".into(), "trunk".into(), "primary".into()],
        ferries: true,
        country: Some("FI".into()),
        timezone: Some("Europe/Helsinki".into()),
        progress: false,
    };
    match silkroute_import::osm::import(&pbf, &out, &opts) {
        Ok(_) => load_imported(&out),
        Err(e) => assert!(e.to_string().contains("map.osm.pbf"), "{e}"),
    }
}

/// The endpoints a query string can reach, picked by the input's first byte.
const GET_PATHS: [&str; 9] = [
    "/v1/route",
    "/v1/matrix",
    "/v1/reach",
    "/v1/trip",
    "/v1/compare",
    "/v1/places",
    "/v1/scenarios",
    "/v1/network.geojson",
    "/health",
];

/// A query string sent to one endpoint of the API on the built-in network.
pub fn http_query(data: &[u8]) {
    let Some((&pick, query)) = data.split_first() else {
        return;
    };
    let path = GET_PATHS[pick as usize % GET_PATHS.len()];
    let Ok(query) = std::str::from_utf8(query) else {
        return;
    };
    get(builtin_state(), &format!("{path}?{query}"));
}

/// A JSON body posted to `/v1/route` (first byte even) or `/v1/matrix` (odd) on the built-in
/// network.
pub fn http_json(data: &[u8]) {
    let Some((&pick, body)) = data.split_first() else {
        return;
    };
    let path = if pick % 2 == 0 {
        "/v1/route"
    } else {
        "/v1/matrix"
    };
    let req = Request::post(path)
        .header("content-type", "application/json")
        .body(Body::from(body.to_vec()))
        .expect("a fixed request line");
    call(builtin_state(), req);
}
