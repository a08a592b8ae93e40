//! `silkroute import gtfs` on the sample feeds of gtfs-kit (downloaded by tests/gtfs/fetch.sh,
//! not committed), then `validate`, then passenger routes; and broken feeds refused with a
//! clear error. Without the downloaded feeds the tests say so and pass, unless
//! SILKROUTE_REQUIRE_GTFS is set (tests/run.sh sets it after downloading them).

use assert_cmd::Command;
use predicates::prelude::*;
use std::path::{Path, PathBuf};

fn feed(name: &str) -> Option<PathBuf> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/gtfs/data")
        .join(name);
    if p.exists() {
        return Some(p);
    }
    assert!(
        std::env::var_os("SILKROUTE_REQUIRE_GTFS").is_none(),
        "{} is missing: run tests/gtfs/fetch.sh",
        p.display()
    );
    eprintln!(
        "skipped: {} is missing (run tests/gtfs/fetch.sh)",
        p.display()
    );
    None
}

fn silkroute() -> Command {
    Command::cargo_bin("silkroute").unwrap()
}

/// Imports `name` into a temporary folder and checks that it validates.
fn imported(name: &str) -> Option<tempfile::TempDir> {
    let zip = feed(name)?;
    let out = tempfile::tempdir().unwrap();
    silkroute()
        .args(["import", "gtfs"])
        .arg(&zip)
        .arg("--out")
        .arg(out.path())
        .args(["--country", "US"])
        .assert()
        .success()
        .stderr(predicate::str::contains("0 trips left out"));
    silkroute()
        .arg("validate")
        .arg(out.path())
        .assert()
        .success()
        .stdout(predicate::str::contains("valid: 0 error(s)"));
    Some(out)
}

/// The JSON answer of a passenger route.
fn route(dir: &Path, from: &str, to: &str, depart: &str) -> serde_json::Value {
    let out = silkroute()
        .args([
            "route",
            from,
            to,
            "--passengers",
            "--json",
            "--depart",
            depart,
            "--feed",
        ])
        .arg(dir)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    serde_json::from_slice(&out).unwrap()
}

fn arrives(v: &serde_json::Value) -> String {
    v["routes"][0]["summary"]["arrives"]
        .as_str()
        .unwrap()
        .to_string()
}

#[test]
fn the_demo_transit_feed_imports_and_routes_on_its_frequencies() {
    for name in ["sample_gtfs.zip", "sample_gtfs_2.zip"] {
        let Some(dir) = imported(name) else { return };
        // STBA (Stagecoach → Beatty Airport) runs every 30 min from 06:00 on weekdays
        // (frequencies.txt), taking 20 min.
        let v = route(
            dir.path(),
            "stagecoach",
            "beatty-airport",
            "2010-06-07T06:05",
        );
        assert_eq!(
            arrives(&v),
            "2010-06-07T06:50-07:00[America/Los_Angeles]",
            "{name}"
        );
    }
}

#[test]
fn the_cairns_buses_with_missing_stop_times_import_and_route() {
    let Some(dir) = imported("cairns_gtfs.zip") else {
        return;
    };
    let places = std::fs::read_to_string(dir.path().join("places.csv")).unwrap();
    assert_eq!(
        places.lines().count(),
        1 + 416,
        "one place per stop (no parents)"
    );
    let services = std::fs::read_to_string(dir.path().join("services.csv")).unwrap();
    assert!(
        services.contains(",road,passengers,"),
        "buses are road services"
    );
}

#[test]
fn the_nyc_subway_routes_station_to_station_like_the_timetable_says() {
    let Some(dir) = imported("nyc_subway_gtfs.zip") else {
        return;
    };
    // 91 stations: each parent station with its N and S platforms is one place.
    let places = std::fs::read_to_string(dir.path().join("places.csv")).unwrap();
    assert_eq!(places.lines().count(), 1 + 91);
    // transfers.txt gives every station a 180 s change time (a row from the station to itself).
    let footpaths = std::fs::read_to_string(dir.path().join("footpaths.csv")).unwrap();
    assert!(footpaths.contains("\n101,101,3.00,GTFS transfers.txt"));
    // Van Cortlandt Park (101) to South Ferry (142) on Monday 6 January 2025 at 08:00: the 1
    // local leaves at 08:02; changing to the 2 express at 96 St and back to the 1 at Chambers
    // St, three minutes each, arrives 09:02.
    let v = route(dir.path(), "101", "142", "2025-01-06T08:00");
    assert_eq!(arrives(&v), "2025-01-06T09:02-05:00[America/New_York]");
    let legs = v["routes"][0]["legs"].as_array().unwrap();
    let services: Vec<&str> = legs
        .iter()
        .filter(|l| l["kind"] == "run")
        .filter_map(|l| l["service"].as_str())
        .collect();
    assert!(services.iter().any(|s| s.starts_with("2-")), "{services:?}");
    let changes: Vec<(&str, f64)> = legs
        .iter()
        .filter(|l| {
            l["description"]
                .as_str()
                .unwrap()
                .starts_with("minimum change time")
        })
        .map(|l| (l["from"].as_str().unwrap(), l["time_h"].as_f64().unwrap()))
        .collect();
    assert_eq!(changes, [("120", 0.05), ("137", 0.05)]);
    // Without the change times the same trip arrives 08:56, as vulture's RAPTOR finds on the
    // feed with 0 s changes.
    std::fs::remove_file(dir.path().join("footpaths.csv")).unwrap();
    let v = route(dir.path(), "101", "142", "2025-01-06T08:00");
    assert_eq!(arrives(&v), "2025-01-06T08:56-05:00[America/New_York]");
}

#[test]
fn a_truncated_or_foreign_zip_is_refused_naming_the_file() {
    let Some(zip) = feed("nyc_subway_gtfs.zip") else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let bytes = std::fs::read(zip).unwrap();
    let cut = tmp.path().join("cut.zip");
    std::fs::write(&cut, &bytes[..bytes.len() / 2]).unwrap();
    silkroute()
        .args(["import", "gtfs"])
        .arg(&cut)
        .arg("--out")
        .arg(tmp.path().join("out"))
        .assert()
        .failure()
        .stderr(predicate::str::contains("cut.zip"));
    let text = tmp.path().join("notes.zip");
    std::fs::write(&text, "not a zip").unwrap();
    silkroute()
        .args(["import", "gtfs"])
        .arg(&text)
        .arg("--out")
        .arg(tmp.path().join("out"))
        .assert()
        .failure()
        .stderr(predicate::str::contains("notes.zip"));
    assert!(!tmp.path().join("out").join("places.csv").exists());
}
