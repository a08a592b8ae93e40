//! Replays every committed fuzz input on the stable toolchain: the minimised corpora
//! (`fuzz/corpus/TARGET/`) and every crash the fuzzers found (`fuzz/regressions/TARGET/`,
//! each fixed since). A panic names the file that caused it.

use std::path::{Path, PathBuf};

fn inputs(kind: &str, target: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fuzz")
        .join(kind)
        .join(target);
    let mut files: Vec<PathBuf> = match std::fs::read_dir(&dir) {
        Ok(entries) => entries
            .map(|e| e.expect("a readable folder entry").path())
            .filter(|p| p.is_file())
            .collect(),
        Err(_) => Vec::new(),
    };
    files.sort();
    files
}

fn replay(target: &str) {
    let (_, body) = silkroute_fuzz::TARGETS
        .iter()
        .find(|(n, _)| *n == target)
        .expect("a known target");
    let corpus = inputs("corpus", target);
    assert!(
        !corpus.is_empty(),
        "fuzz/corpus/{target} is empty: the corpus is committed with the target"
    );
    for file in corpus.iter().chain(&inputs("regressions", target)) {
        let data = std::fs::read(file).expect("a readable input");
        if let Err(panic) = std::panic::catch_unwind(|| body(&data)) {
            let what = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            panic!("{target}: {} fails: {what}", file.display());
        }
    }
}

#[test]
fn feed_csv() {
    replay("feed_csv");
}

#[test]
fn scenario_toml() {
    replay("scenario_toml");
}

#[test]
fn demand_csv() {
    replay("demand_csv");
}

#[test]
fn gtfs_zip() {
    replay("gtfs_zip");
}

#[test]
fn graph_file() {
    replay("graph_file");
}

#[test]
fn osm_pbf() {
    replay("osm_pbf");
}

#[test]
fn http_query() {
    replay("http_query");
}

#[test]
fn http_json() {
    replay("http_json");
}

#[test]
fn every_target_is_replayed() {
    let names: Vec<&str> = silkroute_fuzz::TARGETS.iter().map(|(n, _)| *n).collect();
    let source = include_str!("replay.rs");
    for n in names {
        assert!(
            source.contains(&format!("replay(\"{n}\")")),
            "{n} is not replayed"
        );
        let target = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../fuzz/fuzz_targets")
            .join(format!("{n}.rs"));
        assert!(
            target.is_file(),
            "no cargo-fuzz target {}",
            target.display()
        );
    }
}
