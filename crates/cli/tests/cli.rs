//! The `silkroute` binary as a user runs it: exit codes, messages, JSON and files.

use assert_cmd::Command;
use predicates::prelude::*;
use std::path::{Path, PathBuf};

fn mini() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/mini")
}

fn silkroute() -> Command {
    Command::cargo_bin("silkroute").unwrap()
}

/// A copy of the mini feed in a temporary folder, with one edit applied to one file.
fn broken_feed(file: &str, from: &str, to: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(mini()).unwrap() {
        let p = entry.unwrap().path();
        let mut text = std::fs::read_to_string(&p).unwrap();
        if p.file_name().unwrap() == file {
            assert!(text.contains(from));
            text = text.replacen(from, to, 1);
        }
        std::fs::write(dir.path().join(p.file_name().unwrap()), text).unwrap();
    }
    dir
}

#[test]
fn an_unknown_place_exits_2_and_suggests_names() {
    silkroute()
        .args([
            "--feed",
            mini().to_str().unwrap(),
            "route",
            "Xain",
            "Almaty",
        ])
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("unknown place `Xain`")
                .and(predicate::str::contains("Xi'an (xian)")),
        );
}

#[test]
fn places_are_found_by_any_name_ignoring_case_accents_and_apostrophes() {
    for name in ["xian", "Xi'an", "XI’AN", "西安", "Сиань"] {
        silkroute()
            .args([
                "--feed",
                mini().to_str().unwrap(),
                "route",
                name,
                "Алматы",
                "--json",
            ])
            .assert()
            .success()
            .stdout(predicate::str::contains("\"id\": \"xian\""));
    }
}

#[test]
fn a_bad_flag_value_exits_2() {
    silkroute()
        .args([
            "--feed",
            mini().to_str().unwrap(),
            "route",
            "xian",
            "almaty",
            "--by",
            "fastest",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("invalid value 'fastest'"));
    silkroute()
        .args([
            "--feed",
            mini().to_str().unwrap(),
            "route",
            "xian",
            "almaty",
            "--cargo",
            "0t",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("is not a cargo"));
    silkroute()
        .args([
            "--feed",
            mini().to_str().unwrap(),
            "route",
            "xian",
            "almaty",
            "--modes",
            "rail,boat",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown mode `boat`"));
}

#[test]
fn an_unknown_scenario_exits_2() {
    silkroute()
        .args([
            "--feed",
            mini().to_str().unwrap(),
            "route",
            "xian",
            "almaty",
            "--scenario",
            "no-such",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown scenario `no-such`"));
}

/// A missing feed folder or graph file is named once, with the system's reason once (an error
/// that carries its cause in its own text used to print the cause twice).
#[test]
fn a_missing_feed_is_named_with_its_reason_once() {
    let out = silkroute()
        .args(["--feed", "/no/such/feed", "route", "xian", "almaty"])
        .assert()
        .code(1)
        .get_output()
        .stderr
        .clone();
    let stderr = String::from_utf8(out).unwrap();
    assert!(stderr.contains("/no/such/feed"), "{stderr}");
    assert_eq!(
        stderr.matches("No such file or directory").count(),
        1,
        "{stderr}"
    );
}

#[test]
fn a_broken_feed_fails_with_file_line_and_field() {
    let dir = broken_feed("links.csv", ",2900,60,", ",2900,sixty,");
    silkroute()
        .args([
            "--feed",
            dir.path().to_str().unwrap(),
            "route",
            "xian",
            "almaty",
        ])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "links.csv:2: field `speed_kmh`: `sixty` is not a number",
        ));
    silkroute()
        .args(["validate", dir.path().to_str().unwrap()])
        .assert()
        .code(1)
        .stdout(
            predicate::str::contains("links.csv:2: field `speed_kmh`:")
                .and(predicate::str::contains("NOT valid")),
        );
}

#[test]
fn validate_accepts_a_valid_feed() {
    silkroute()
        .args(["validate", mini().to_str().unwrap()])
        .assert()
        .success()
        .stdout(predicate::str::contains("valid: 0 error(s)"));
}

#[test]
fn validate_reports_json() {
    let dir = broken_feed("places.csv", ",KZ,43.25,", ",KAZ,43.25,");
    let out = silkroute()
        .args(["validate", dir.path().to_str().unwrap(), "--json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["valid"], false);
    let p = &v["problems"][0];
    assert_eq!(
        (p["file"].as_str(), p["line"].as_u64(), p["field"].as_str()),
        (Some("places.csv"), Some(7), Some("country"))
    );
}

#[test]
fn route_json_follows_the_contract() {
    let out = silkroute()
        .args([
            "--feed",
            mini().to_str().unwrap(),
            "route",
            "xian",
            "almaty",
            "--modes",
            "rail",
            "--json",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["from"]["id"], "xian");
    assert_eq!(v["to"]["name"], "Almaty");
    assert_eq!(v["by"], "time");
    assert!(v["scenarios"].as_array().unwrap().is_empty());
    let r = &v["routes"][0];
    let s = &r["summary"];
    for key in ["cost_usd", "co2e_kg", "distance_km"] {
        assert!(s[key].as_f64().unwrap() > 0.0, "{key}");
    }
    assert!(s["time_h"]["p90"].as_f64() >= s["time_h"]["p50"].as_f64());
    assert_eq!(s["gauge_changes"], 1);
    assert_eq!(s["modes"], serde_json::json!(["rail"]));
    assert_eq!(s["borders"].as_array().unwrap().len(), 1);
    let legs = r["legs"].as_array().unwrap();
    assert_eq!(legs[0]["from"], "xian");
    for leg in legs {
        for key in ["from", "to", "mode", "kind", "source"] {
            assert!(leg[key].is_string(), "leg lacks {key}: {leg}");
        }
        for key in ["distance_km", "time_h", "cost_usd", "co2e_kg"] {
            assert!(leg[key].is_number(), "leg lacks {key}: {leg}");
        }
        assert!(["run", "border", "transfer", "wait", "customs"]
            .contains(&leg["kind"].as_str().unwrap()));
    }
    assert_eq!(r["geometry"]["type"], "LineString");
    assert_eq!(
        r["geometry"]["coordinates"][0],
        serde_json::json!([108.9, 34.2667])
    );
}

#[test]
fn no_route_exits_1_with_a_message() {
    silkroute()
        .args([
            "--feed",
            mini().to_str().unwrap(),
            "route",
            "xian",
            "almaty",
            "--modes",
            "air",
        ])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "no route from Xi'an to Almaty by air",
        ));
}

#[test]
fn no_route_across_the_caspian_by_land_names_the_sea_leg_not_a_scenario() {
    silkroute()
        .args(["route", "aktau", "baku", "--modes", "rail,road"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "no route from Aktau to Baku by rail, road; with sea added to the modes there is one, with Aktau → Port of Baku (Alat) by sea",
        ))
        .stderr(predicate::str::contains("--scenario").not());
}

#[test]
fn no_route_by_rail_around_kazakhstan_today_names_the_scenario_that_opens_one() {
    // Kashgar to Andijan by rail without Kazakhstan needs the CKU railway, planned today.
    silkroute()
        .args([
            "route", "kashgar", "andijan", "--modes", "rail", "--avoid", "KZ",
        ])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "(with --scenario cku-open there is one: rail,",
        ))
        .stderr(predicate::str::contains("via cku-torugart"));
}

#[test]
fn no_route_with_every_way_avoided_names_what_the_best_route_would_pass() {
    // Kashgar's flights go through Urumqi; its roads to Osh through the two passes.
    silkroute()
        .args([
            "route",
            "kashgar",
            "osh",
            "--avoid",
            "irkeshtam-cn",
            "--avoid",
            "torugart-cn",
            "--avoid",
            "urumqi",
        ])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "every route touches an avoided place or country: the best one without avoiding passes Irkeshtam (Chinese port)",
        ));
}

#[test]
fn no_route_to_a_rail_border_post_says_trains_do_not_set_cargo_down_there() {
    silkroute()
        .args(["route", "urumqi", "alashankou"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "no route from Urumqi to Alashankou; Alashankou is a border post: trains pass it",
        ));
    // By road the post is not reached at all, and trains have nothing to do with it.
    silkroute()
        .args(["route", "urumqi", "alashankou", "--modes", "road"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("border post").not());
}

#[test]
fn avoiding_the_origin_country_is_a_usage_error() {
    silkroute()
        .args([
            "--feed",
            mini().to_str().unwrap(),
            "route",
            "xian",
            "almaty",
            "--avoid",
            "CN",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("origin Xi'an is avoided"));
}

#[test]
fn export_geojson_writes_a_feature_collection() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("net.geojson");
    silkroute()
        .args([
            "--feed",
            mini().to_str().unwrap(),
            "export",
            "geojson",
            "-o",
            file.to_str().unwrap(),
        ])
        .assert()
        .success();
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert_eq!(v["type"], "FeatureCollection");
    assert_eq!(v["features"].as_array().unwrap().len(), 6 + 6 + 3);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
        assert_eq!(
            mode, 0o644,
            "a new file is readable by others, as files usually are"
        );
    }
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(
        names.len(),
        1,
        "no temporary file is left behind: {names:?}"
    );
}

#[test]
fn export_into_a_missing_folder_fails_cleanly() {
    silkroute()
        .args([
            "--feed",
            mini().to_str().unwrap(),
            "export",
            "geojson",
            "-o",
            "/no/such/dir/net.geojson",
        ])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "cannot create a temporary file beside /no/such/dir/net.geojson: No such file or directory",
        ));
}

#[test]
fn places_filters_by_country() {
    silkroute()
        .args([
            "--feed",
            mini().to_str().unwrap(),
            "places",
            "--country",
            "kz",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains("almaty").and(predicate::str::contains("xian").not()));
    silkroute()
        .args([
            "--feed",
            mini().to_str().unwrap(),
            "places",
            "--country",
            "FR",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no places in country `FR`"));
}

#[test]
fn a_broken_demand_file_names_the_file_line_and_field() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("badod.csv");
    std::fs::write(&file, "origin,destination,commodity,tonnes_per_year,source\nxian,almaty,goods,1000,test\nxian,nowhere,goods,10,test\n").unwrap();
    silkroute()
        .args([
            "--feed",
            mini().to_str().unwrap(),
            "assign",
            "-q",
            "--demand",
            file.to_str().unwrap(),
        ])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(format!(
            "{}:3: field `destination`: unknown place id `nowhere`",
            file.display()
        )));
}

#[test]
fn a_demand_row_with_an_unknown_unit_and_bad_logit_parameters_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("units.csv");
    std::fs::write(&file, "origin,destination,commodity,tonnes_per_year,value_usd,unit,source\nxian,almaty,goods,1000,3000000,container,test\nalmaty,xian,ore,500,100000,crates,test\n").unwrap();
    let run = |extra: &[&str]| {
        let mut args: Vec<String> = vec![
            "--feed".into(),
            mini().display().to_string(),
            "assign".into(),
            "-q".into(),
            "--demand".into(),
            file.display().to_string(),
        ];
        args.extend(extra.iter().map(|a| a.to_string()));
        silkroute().args(&args).assert()
    };
    run(&[]).code(1).stderr(predicate::str::contains(format!(
        "{}:3: field `unit`: `crates` is not a cargo unit (container, bulk or vehicles)",
        file.display()
    )));
    std::fs::write(&file, "origin,destination,commodity,tonnes_per_year,value_usd,unit,source\nxian,almaty,goods,1000,3000000,container,test\n").unwrap();
    run(&["--choice", "logit", "--nest", "1.5"])
        .code(2)
        .stderr(predicate::str::contains(
            "nest coefficient 1.5 is not in (0, 1]",
        ));
    run(&["--choice", "probit"]).code(2);
    run(&["--frequencies", "weekly"]).code(2);
    run(&["--choice", "logit", "--segments", "none"]).success();
}

#[test]
fn assign_and_compare_work_on_a_feed_with_its_demand() {
    let dir = tempfile::tempdir().unwrap();
    let demand = dir.path().join("demand.csv");
    std::fs::write(&demand, "origin,destination,commodity,tonnes_per_year,source\nxian,almaty,goods,3650000,test\nalmaty,xian,metals,365000,test\n").unwrap();
    let out = silkroute()
        .args([
            "--feed",
            mini().to_str().unwrap(),
            "assign",
            "-q",
            "--json",
            "--demand",
            demand.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!((v["demand_t_per_day"].as_f64().unwrap() - 11000.0).abs() < 1e-6);
    assert!(v["relative_gap"].as_f64().unwrap() <= 1e-4);
    let scenario = dir.path().join("closed.toml");
    std::fs::write(&scenario, "name = \"closed\"\n[[border]]\nids = [\"khorgos-altynkol\", \"khorgos-road\"]\nstatus = \"closed\"\n").unwrap();
    let deltas = dir.path().join("deltas.csv");
    silkroute()
        .args([
            "--feed",
            mini().to_str().unwrap(),
            "compare",
            "--od",
            demand.to_str().unwrap(),
            "--scenario",
            scenario.to_str().unwrap(),
            "-o",
            deltas.to_str().unwrap(),
        ])
        .assert()
        .success();
    let text = std::fs::read_to_string(&deltas).unwrap();
    assert!(
        text.starts_with("from,to,reachable,route_changed"),
        "{text}"
    );
    assert_eq!(text.lines().count(), 3);
}

#[test]
fn a_reader_that_goes_away_does_not_make_it_panic() {
    use std::process::{Command as Std, Stdio};
    let mut child = Std::new(assert_cmd::cargo::cargo_bin("silkroute"))
        .args(["route", "Xi'an", "Tashkent", "--pareto"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take()); // like `| head -0`: the pipe is closed before anything is read
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(out.status.code(), Some(0));
}

/// `build` writes a graph file; routing on it gives the same itinerary as the feed, and a cut
/// file is refused with a clear message.
#[test]
fn a_built_graph_file_routes_like_the_builtin_network_and_a_cut_one_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("builtin.srg");
    silkroute()
        .args(["build", "-o"])
        .arg(&file)
        .assert()
        .success()
        .stderr(predicate::str::contains("contracted for time"));
    let legs = |out: &[u8]| {
        let v: serde_json::Value = serde_json::from_slice(out).unwrap();
        v["routes"][0]["legs"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l["element"].as_str().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    for by in ["time", "cost", "co2", "p90"] {
        let plain = silkroute()
            .args(["route", "Xi'an", "Tashkent", "--json", "--by", by])
            .output()
            .unwrap();
        let from_file = silkroute()
            .args(["route", "Xi'an", "Tashkent", "--json", "--by", by, "--feed"])
            .arg(&file)
            .output()
            .unwrap();
        assert!(from_file.status.success());
        assert_eq!(legs(&plain.stdout), legs(&from_file.stdout), "by {by}");
    }
    let bytes = std::fs::read(&file).unwrap();
    std::fs::write(&file, &bytes[..bytes.len() / 2]).unwrap();
    silkroute()
        .args(["route", "Xi'an", "Tashkent", "--feed"])
        .arg(&file)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("truncated graph file"));
}

/// `import osm` on a small extract writes a feed that validates; a cut PBF is refused.
#[test]
fn an_osm_extract_imports_and_a_truncated_one_is_refused() {
    let pbf = Path::new(env!("CARGO_MANIFEST_DIR")).join("../import/tests/data/tiny.osm.pbf");
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("feed");
    silkroute()
        .args([
            "import",
            "osm",
            "--quiet",
            "--roads",
            "primary,secondary,residential",
            "--rail",
            "--country",
            "KZ",
            "--out",
        ])
        .arg(&out)
        .arg(&pbf)
        .assert()
        .success()
        .stderr(predicate::str::contains("OpenStreetMap contributors"));
    silkroute().arg("validate").arg(&out).assert().success();
    silkroute()
        .args(["route", "43.2000,76.9000", "43.2150,76.9300", "--feed"])
        .arg(&out)
        .assert()
        .success()
        .stdout(predicate::str::contains("node 1 → node 4"));
    let cut = dir.path().join("cut.osm.pbf");
    let bytes = std::fs::read(&pbf).unwrap();
    std::fs::write(&cut, &bytes[..bytes.len() - 10]).unwrap();
    silkroute()
        .args(["import", "osm", "--quiet", "--roads", "primary", "--out"])
        .arg(dir.path().join("other"))
        .arg(&cut)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("truncated or corrupt"));
}

/// `gen` writes a seeded feed that validates.
#[test]
fn gen_writes_a_valid_synthetic_feed() {
    let dir = tempfile::tempdir().unwrap();
    silkroute()
        .args(["gen", "--nodes", "400", "--seed", "5", "--out"])
        .arg(dir.path())
        .assert()
        .success();
    silkroute()
        .arg("validate")
        .arg(dir.path())
        .assert()
        .success();
}

#[test]
fn a_deadline_without_a_unit_is_refused() {
    // `--deadline 5` once meant five hours, silently
    silkroute()
        .args(["route", "Osh", "Kashgar", "--deadline", "5"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "no unit: write 5d for days or 5h for hours",
        ));
    silkroute()
        .args(["reach", "Almaty", "--within", "3"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no unit"));
}

#[test]
fn a_route_from_a_place_to_itself_is_refused() {
    silkroute()
        .args(["route", "Almaty", "almaty"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "the origin and the destination are both Almaty",
        ));
}

#[test]
fn a_scenario_factor_beyond_100_is_refused_with_its_file_and_key() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = dir.path().join("huge.toml");
    std::fs::write(
        &scenario,
        "name = \"huge\"\n[[border]]\nids = [\"khorgos-altynkol\"]\nclearance_factor = 1e308\n",
    )
    .unwrap();
    silkroute()
        .args(["route", "Xi'an", "Almaty", "--scenario"])
        .arg(&scenario)
        .assert()
        .failure()
        .stderr(
            predicate::str::contains("huge.toml")
                .and(predicate::str::contains("clearance_factor"))
                .and(predicate::str::contains("(0, 100]"))
                .and(predicate::str::contains(
                    "`clearance_factor`: 1e308 is above 100",
                )),
        );
}

#[test]
fn an_assignment_of_zero_iterations_is_refused() {
    silkroute()
        .args(["assign", "--max-iterations", "0"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--max-iterations"));
}

/// A server's log written to a pipe or a file has no ANSI colour codes.
#[test]
fn the_server_log_in_a_pipe_has_no_colour_codes() {
    use std::io::{BufRead, BufReader};
    use std::process::{Command as Std, Stdio};
    let mut child = Std::new(assert_cmd::cargo::cargo_bin("silkroute"))
        .args(["serve", "--addr", "127.0.0.1:0"])
        .env("RUST_LOG", "info")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stderr.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(line.contains("listening on"), "{line}");
    assert!(!line.contains('\u{1b}'), "colour codes in {line:?}");
}

#[test]
fn the_two_directions_of_a_gauge_transfer_are_told_apart_in_the_assign_table() {
    let out = silkroute()
        .args(["assign", "--quiet", "--top", "40"])
        .env("COLUMNS", "160")
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let rows: Vec<&str> = text
        .lines()
        .filter(|l| l.contains("dostyk-gauge"))
        .collect();
    assert_eq!(rows.len(), 2, "{text}");
    assert!(
        rows.iter().any(|r| r.contains("rail-1435 → rail-1520"))
            && rows.iter().any(|r| r.contains("rail-1520 → rail-1435")),
        "{}",
        rows.join("\n")
    );
}

#[test]
fn dates_that_are_not_iso_8601_or_contradict_each_other_are_usage_errors() {
    silkroute()
        .args(["route", "Urumqi", "Almaty", "--depart", "next tuesday"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "--depart: `next tuesday` is not an ISO 8601 date",
        ));
    silkroute()
        .args(["route", "Urumqi", "Almaty", "--depart", "2026-13-01"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--depart"));
    silkroute()
        .args(["route", "Urumqi", "Almaty", "--window", "7d"])
        .assert()
        .code(2);
    silkroute()
        .args([
            "route",
            "Urumqi",
            "Almaty",
            "--depart",
            "2026-12-08T09:00",
            "--window",
            "90d",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "--window: give a window from 1h to 60d",
        ));
}

#[test]
fn a_dated_route_prints_local_times_and_the_service() {
    silkroute()
        .args([
            "route",
            "Urumqi",
            "Almaty",
            "--modes",
            "rail",
            "--depart",
            "2026-12-08T09:00",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains("Wed 09 12:00"))
        .stdout(predicate::str::contains(
            "Urumqi–Almaty timetabled freight train",
        ))
        .stdout(predicate::str::contains("+05:00[Asia/Almaty]"));
}

#[test]
fn a_trip_with_bad_arguments_exits_2_naming_the_argument() {
    for (args, named) in [
        (vec!["--passport", "XX"], "--passport"),
        (vec!["--passport", "CN", "--date", "2025/06/01"], "--date"),
        (vec!["--passport", "CN", "--stay", "-3d"], "--stay"),
        (
            vec!["--passport", "CN", "--purpose", "sightseeing"],
            "--purpose",
        ),
    ] {
        silkroute()
            .args(["trip", "Xi'an", "Almaty"])
            .args(&args)
            .assert()
            .code(2)
            .stderr(predicate::str::contains(named));
    }
}

#[test]
fn a_chinese_tourist_on_the_tourist_train_day_is_shown_the_rule_and_the_train() {
    silkroute()
        .args([
            "trip",
            "Xi'an",
            "Almaty",
            "--passport",
            "CN",
            "--date",
            "2025-05-29",
            "--stay",
            "14d",
        ])
        .assert()
        .success()
        .stdout(
            predicate::str::contains("verdict: allowed")
                .and(predicate::str::contains("rule CN-KZ-2023-11-10"))
                .and(predicate::str::contains("Y29 Xi'an–Almaty tourist train")),
        );
}
