//! Writes the seed inputs of every fuzz target into `fuzz/corpus/TARGET/seed-*`: the files of
//! the small test feed and of the built-in feed, the built-in scenarios, a demand file, a
//! drawn GTFS zip, a graph file of the test feed, the OpenStreetMap test extract and the
//! queries of the README. The fuzzers grow the corpora from these; `cargo fuzz cmin` minimises
//! them. Run: `cargo run -p silkroute-fuzz --example seeds`.

use silkroute_feed::{BUILTIN_FILES, FEED_FILES};
use silkroute_fuzz::MINI_FILES;
use std::io::Write;
use std::path::{Path, PathBuf};

fn corpus(target: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fuzz/corpus")
        .join(target);
    std::fs::create_dir_all(&dir).expect("a corpus folder");
    dir
}

fn seed(target: &str, name: &str, bytes: &[u8]) {
    let path = corpus(target).join(format!("seed-{name}"));
    std::fs::write(&path, bytes).expect("a seed file");
}

fn picked(pick: u8, bytes: &[u8]) -> Vec<u8> {
    let mut v = vec![pick];
    v.extend_from_slice(bytes);
    v
}

fn main() {
    // feed_csv: every feed file, from the small feed (even pick) and the built-in feed (odd).
    for (i, (name, _)) in FEED_FILES.iter().enumerate() {
        let stem = name.trim_end_matches(".csv");
        if let Some((_, b)) = MINI_FILES.iter().find(|(n, _)| n == name) {
            seed("feed_csv", &format!("mini-{stem}"), &picked(2 * i as u8, b));
        }
        if let Some((_, t)) = BUILTIN_FILES.iter().find(|(n, _)| n == name) {
            seed(
                "feed_csv",
                &format!("builtin-{stem}"),
                &picked(2 * i as u8 + 1, t.as_bytes()),
            );
        }
    }

    // scenario_toml: the built-in scenarios and one drawn for the small feed.
    let scenarios = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/scenarios");
    for entry in std::fs::read_dir(&scenarios).expect("data/scenarios") {
        let path = entry.expect("an entry").path();
        let name = path.file_stem().unwrap().to_string_lossy().to_string();
        seed("scenario_toml", &name, &std::fs::read(&path).unwrap());
    }
    seed(
        "scenario_toml",
        "mini",
        br#"name = "mini-what-if"
description = "Khorgos closed, Dostyk slower, a new link"
source = "fuzz seed"

[[border]]
ids = ["khorgos-altynkol", "khorgos-road"]
status = "closed"

[[border]]
ids = ["alashankou-dostyk"]
clearance_factor = 2.5

[[link]]
ids = ["xian-alashankou"]
speed_kmh = 30

[[service]]
ids = ["xian-almaty-train"]
frequency_per_week = 2
"#,
    );

    // demand_csv: the small feed's places.
    seed(
        "demand_csv",
        "mini",
        b"origin,destination,commodity,tonnes_per_year,teu_per_year,value_usd,source\n\
xian,almaty,electronics,100000,,300000000,fuzz seed\n\
almaty,xian,cotton,,2000,,fuzz seed\n",
    );

    // gtfs_zip: a drawn feed with a parent station, frequencies and transfers.
    seed("gtfs_zip", "drawn", &drawn_gtfs());

    // graph_file: the small feed compiled with two hierarchies and the customizable one.
    let net =
        silkroute_feed::load_files(&MINI_FILES.iter().map(|(n, b)| (*n, b.to_vec())).collect())
            .expect("the mini feed")
            .0;
    let graph = silkroute_graph::compile(&net).expect("compiles");
    let hierarchies = [silkroute_graph::Metric::Time, silkroute_graph::Metric::Cost]
        .into_iter()
        .map(|m| (m, silkroute_graph::hierarchy::prepare(&graph, m).0))
        .collect();
    let customizable =
        Some(silkroute_graph::hierarchy::prepare_customizable(&graph, &graph.coordinates(&net)).0);
    let compiled = silkroute_graph::CompiledNetwork {
        network: net,
        graph,
        hierarchies,
        customizable,
        customizable_graph: None,
        customizations: Vec::new(),
    };
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("mini.srg");
    silkroute_graph::write_graph_file(&file, &compiled).expect("writes");
    seed("graph_file", "mini", &std::fs::read(&file).unwrap());
    // The same with its first link planned: the customizable hierarchy prepared on every
    // element, whose shape the file stores (since format 11).
    let mut net = compiled.network;
    net.links[0].status = silkroute_model::Status::Planned;
    let (graph, shape) = silkroute_graph::compile_for_customizable(&net).expect("compiles");
    let shape = shape.expect("a planned link");
    let customizable =
        Some(silkroute_graph::hierarchy::prepare_customizable(&shape, &graph.coordinates(&net)).0);
    let frame = silkroute_graph::EdgeFrame::of(&graph, &shape).expect("open edges among all");
    // With a stored customization (since format 13): p90, as `build` makes it, so that the
    // target's p90 request is answered from it.
    let stored = customizable.as_ref().map(|cch| {
        silkroute_route::stored_customization(
            cch,
            &graph,
            Some(&frame),
            silkroute_route::Objective::Least(silkroute_route::Criterion::P90),
            silkroute_route::Cargo::default(),
        )
    });
    let compiled = silkroute_graph::CompiledNetwork {
        hierarchies: vec![(
            silkroute_graph::Metric::Time,
            silkroute_graph::hierarchy::prepare(&graph, silkroute_graph::Metric::Time).0,
        )],
        network: net,
        graph,
        customizable,
        customizable_graph: Some((shape, frame)),
        customizations: stored.into_iter().collect(),
    };
    silkroute_graph::write_graph_file(&file, &compiled).expect("writes");
    seed("graph_file", "mini-planned", &std::fs::read(&file).unwrap());

    // osm_pbf: the importer's test extract.
    let pbf = Path::new(env!("CARGO_MANIFEST_DIR")).join("../import/tests/data/tiny.osm.pbf");
    seed("osm_pbf", "tiny", &std::fs::read(pbf).unwrap());

    // http_query: the README's questions, one per endpoint.
    let queries: [(u8, &str); 12] = [
        (0, "from=Xi%27an&to=Tashkent"),
        (
            0,
            "from=xian&to=almaty&modes=rail,road&date=2026-06-01&objective=p90",
        ),
        (0, "from=urumqi&to=baku&pareto=true&via=aktau"),
        (
            0,
            "from=kashgar&to=osh&alternatives=3&avoid=irkeshtam&scenario=cku-open",
        ),
        (
            1,
            "origins=xian,chengdu&destinations=almaty,tashkent&objective=cost",
        ),
        (2, "from=xian&hours=240&modes=rail"),
        (
            3,
            "stops=xian,almaty,tashkent&passport=DE&date=2026-06-01&stay=10&purpose=tourism",
        ),
        (4, "from=xian&to=tashkent&scenario=cku-open"),
        (5, "q=alm&limit=5"),
        (6, ""),
        (7, "scenario=khorgos-closed"),
        (8, ""),
    ];
    for (i, (pick, q)) in queries.iter().enumerate() {
        seed(
            "http_query",
            &format!("{i:02}"),
            &picked(*pick, q.as_bytes()),
        );
    }

    // http_json: bodies for POST /v1/route (even) and /v1/matrix (odd).
    seed(
        "http_json",
        "route",
        &picked(
            0,
            br#"{"from":"xian","to":"tashkent","modes":["rail","road"],"objective":"p90","date":"2026-06-01"}"#,
        ),
    );
    seed(
        "http_json",
        "matrix",
        &picked(
            1,
            br#"{"origins":["xian","chengdu"],"destinations":["almaty","bishkek"],"objective":"time"}"#,
        ),
    );
    println!("seeds written under fuzz/corpus/");
}

/// A small GTFS feed: one agency, a station with two platforms, a stand-alone stop, a route
/// with a timed trip and a frequency-based one, a calendar with an exception, a transfer.
fn drawn_gtfs() -> Vec<u8> {
    let files: [(&str, &str); 9] = [
        (
            "agency.txt",
            "agency_id,agency_name,agency_url,agency_timezone\nA,Drawn Rail,https://example.org,Europe/Helsinki\n",
        ),
        (
            "stops.txt",
            "stop_id,stop_name,stop_lat,stop_lon,location_type,parent_station\n\
HKI,Helsinki,60.1719,24.9414,1,\nHKI1,Helsinki track 1,60.1718,24.9413,0,HKI\n\
HKI2,Helsinki track 2,60.1720,24.9415,0,HKI\nPSL,Pasila,60.1989,24.9334,0,\n\
TKL,Tikkurila,60.2925,25.0440,0,\n",
        ),
        (
            "routes.txt",
            "route_id,agency_id,route_short_name,route_long_name,route_type\nR,A,R,Helsinki–Tikkurila,2\n",
        ),
        (
            "trips.txt",
            "route_id,service_id,trip_id\nR,WK,T1\nR,WK,T2\nR,WK,F1\n",
        ),
        (
            "stop_times.txt",
            "trip_id,arrival_time,departure_time,stop_id,stop_sequence\n\
T1,08:00:00,08:00:00,HKI1,1\nT1,08:05:00,08:06:00,PSL,2\nT1,08:15:00,08:15:00,TKL,3\n\
T2,09:00:00,09:00:00,TKL,1\nT2,,,PSL,2\nT2,09:20:00,09:20:00,HKI2,3\n\
F1,10:00:00,10:00:00,HKI2,1\nF1,10:12:00,10:12:00,TKL,2\n",
        ),
        (
            "calendar.txt",
            "service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,start_date,end_date\n\
WK,1,1,1,1,1,0,0,20260101,20261231\n",
        ),
        (
            "calendar_dates.txt",
            "service_id,date,exception_type\nWK,20260601,2\nWK,20260606,1\n",
        ),
        (
            "frequencies.txt",
            "trip_id,start_time,end_time,headway_secs\nF1,10:00:00,12:00:00,1800\n",
        ),
        (
            "transfers.txt",
            "from_stop_id,to_stop_id,transfer_type,min_transfer_time\nHKI1,HKI2,2,180\nPSL,PSL,2,120\n",
        ),
    ];
    let mut buf = std::io::Cursor::new(Vec::new());
    {
        let mut zip = zip::ZipWriter::new(&mut buf);
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        for (name, text) in files {
            zip.start_file(name, opts).expect("a zip entry");
            zip.write_all(text.as_bytes()).expect("zip bytes");
        }
        zip.finish().expect("a zip");
    }
    buf.into_inner()
}
