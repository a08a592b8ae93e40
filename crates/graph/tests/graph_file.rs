//! The compiled graph file: what is written is read back; a truncated, corrupt, foreign or
//! future file is refused with an error that says so.

use silkroute_feed::builtin;
use silkroute_graph::hierarchy::prepare;
use silkroute_graph::{
    compile, read_graph_file, write_graph_file, CompiledNetwork, GraphFileError, Metric,
};
use std::path::Path;

fn compiled() -> CompiledNetwork {
    let network = builtin();
    let graph = compile(&network).unwrap();
    let hierarchies = Metric::ALL
        .iter()
        .map(|&m| (m, prepare(&graph, m).0))
        .collect();
    CompiledNetwork {
        network,
        graph,
        hierarchies,
    }
}

fn written(dir: &Path) -> (std::path::PathBuf, Vec<u8>) {
    let path = dir.join("builtin.srg");
    write_graph_file(&path, &compiled()).unwrap();
    let bytes = std::fs::read(&path).unwrap();
    (path, bytes)
}

#[test]
fn the_builtin_network_reads_back_as_written() {
    let dir = tempfile::tempdir().unwrap();
    let (path, _) = written(dir.path());
    let back = read_graph_file(&path).unwrap();
    let original = compiled();
    assert_eq!(back.network.places, original.network.places);
    assert_eq!(back.network.links, original.network.links);
    assert_eq!(back.graph.edges(), original.graph.edges());
    assert_eq!(back.graph.nodes(), original.graph.nodes());
    assert_eq!(back.hierarchies.len(), 3);
    for ((m1, h1), (m2, h2)) in back.hierarchies.iter().zip(&original.hierarchies) {
        assert_eq!(m1, m2);
        assert_eq!(h1, h2);
    }
    // The place index is rebuilt on reading.
    assert!(back.network.place_id("tashkent").is_some());
}

#[test]
fn a_truncated_file_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let (path, bytes) = written(dir.path());
    for keep in [10, 39, 41, bytes.len() / 2, bytes.len() - 1] {
        std::fs::write(&path, &bytes[..keep]).unwrap();
        let err = read_graph_file(&path).unwrap_err();
        assert!(
            matches!(err, GraphFileError::Truncated { .. }),
            "{keep}: {err}"
        );
        assert!(err.to_string().contains("truncated"), "{err}");
    }
}

#[test]
fn a_flipped_byte_is_caught_by_the_checksum() {
    let dir = tempfile::tempdir().unwrap();
    let (path, mut bytes) = written(dir.path());
    for at in [40, bytes.len() / 3, bytes.len() - 1] {
        bytes[at] ^= 0x55;
        std::fs::write(&path, &bytes).unwrap();
        let err = read_graph_file(&path).unwrap_err();
        assert!(
            matches!(err, GraphFileError::Checksum { .. }),
            "{at}: {err}"
        );
        bytes[at] ^= 0x55;
    }
}

#[test]
fn a_foreign_file_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("places.csv");
    std::fs::write(&path, "id,name_en\nxian,Xi'an\n").unwrap();
    let err = read_graph_file(&path).unwrap_err();
    assert!(matches!(err, GraphFileError::Foreign(_)), "{err}");
    assert!(err.to_string().contains("not a silkroute graph file"));
}

#[test]
fn a_file_of_another_format_version_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let (path, mut bytes) = written(dir.path());
    bytes[8..12].copy_from_slice(&99u32.to_le_bytes());
    std::fs::write(&path, &bytes).unwrap();
    let err = read_graph_file(&path).unwrap_err();
    assert!(err.to_string().contains("version 99"), "{err}");
}

#[test]
fn a_well_checksummed_but_inconsistent_payload_is_refused() {
    // A link that names a place that does not exist, written with a valid checksum: the
    // structural checks must catch it.
    let dir = tempfile::tempdir().unwrap();
    let mut c = compiled();
    c.network.links[0].to = silkroute_model::PlaceId(1_000_000);
    let path = dir.path().join("bad.srg");
    write_graph_file(&path, &c).unwrap();
    let err = read_graph_file(&path).unwrap_err();
    assert!(matches!(err, GraphFileError::Corrupt { .. }), "{err}");
}

/// A file whose checksum fits but whose first place id claims 20 GB (found by fuzzing, with a
/// 30 GB string in a 7 KB file): refused as corrupt before anything of that size is allocated.
#[test]
fn a_corrupt_length_is_refused_without_allocating_it() {
    let dir = tempfile::tempdir().unwrap();
    let (path, mut bytes) = written(dir.path());
    // the payload opens with the number of places (u64), then the first id's length (u64)
    bytes[48..56].copy_from_slice(&20_000_000_000u64.to_le_bytes());
    let crc = crc32fast::hash(&bytes[40..]);
    bytes[12..16].copy_from_slice(&crc.to_le_bytes());
    std::fs::write(&path, &bytes).unwrap();
    let err = read_graph_file(&path).unwrap_err();
    assert!(matches!(err, GraphFileError::Corrupt { .. }), "{err}");
    assert!(err.to_string().contains("builtin.srg"), "{err}");
    assert!(err.to_string().contains("LimitExceeded"), "{err}");
}

/// A well-checksummed file with a negative edge time (found by fuzzing: the timetable's
/// track search went round a negative cycle for ever) is refused as corrupt.
#[test]
fn a_negative_weight_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let mut c = compiled();
    let mut graph = serde_json::to_value(&c.graph).unwrap();
    graph["edges"][3]["time_p50_h"] = serde_json::json!(-1.0);
    c.graph = serde_json::from_value(graph).unwrap();
    let path = dir.path().join("poisoned.srg");
    write_graph_file(&path, &c).unwrap();
    let err = read_graph_file(&path).unwrap_err();
    assert!(
        err.to_string()
            .contains("edge 3 has a negative, NaN or out-of-range weight"),
        "{err}"
    );
}

#[test]
fn writing_over_an_existing_file_never_leaves_it_half_written() {
    let dir = tempfile::tempdir().unwrap();
    let (path, bytes) = written(dir.path());
    // Writing into a folder that does not exist fails and leaves nothing behind.
    let missing = dir.path().join("no/such/dir/x.srg");
    assert!(write_graph_file(&missing, &compiled()).is_err());
    // The earlier file is intact.
    assert_eq!(std::fs::read(&path).unwrap(), bytes);
    let leftovers = std::fs::read_dir(dir.path()).unwrap().count();
    assert_eq!(leftovers, 1);
}
