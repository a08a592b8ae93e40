//! The compiled graph file: what is written is read back (the hierarchies viewed in the
//! mapping); a truncated, corrupt, foreign, older or future file, a flipped byte in any section
//! and an index out of range in any array are refused with an error that says so.

use silkroute_feed::builtin;
use silkroute_graph::hierarchy::{prepare, prepare_customizable, Cch, StoredCustomization};
use silkroute_graph::{
    compile, compile_for_customizable, read_graph_file, write_graph_file, CompiledNetwork, Edge,
    EdgeFrame, EdgeShape, GraphFileError, GraphFileWriter, Metric, HEADER_LEN,
};
use std::path::Path;

/// The built-in network as `silkroute build` compiles it: a node for every element, the
/// customizable hierarchy prepared on every element, open or not (the CKU railway is planned).
fn compiled() -> CompiledNetwork {
    let network = builtin();
    let (graph, every) = compile_for_customizable(&network).unwrap();
    let every = every.expect("planned elements");
    let hierarchies = Metric::ALL
        .iter()
        .map(|&m| (m, prepare(&graph, m).0))
        .collect();
    let cch = prepare_customizable(&every, &graph.coordinates(&network)).0;
    let frame = EdgeFrame::of(&graph, &every).unwrap();
    // A customization stored with the hierarchy: the time metric on the open elements' edges.
    let weights: Vec<u32> = (0..frame.len())
        .map(|f| {
            frame
                .edge(f)
                .map_or(u32::MAX, |e| Metric::Time.edge_weight(&graph.edges()[e]))
        })
        .collect();
    let stored = StoredCustomization {
        key: "Least(Time)|test".into(),
        scale: 360_000.0,
        metric: cch.customize(&weights),
    };
    CompiledNetwork {
        network,
        graph,
        hierarchies,
        customizable: Some(cch),
        customizable_graph: Some((every, frame)),
        customizations: vec![stored],
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
        assert!(h1.is_mapped() && !h2.is_mapped());
    }
    let (c1, c2) = (back.customizable.unwrap(), original.customizable.unwrap());
    assert_eq!(c1, c2);
    assert!(c1.is_mapped() && !c2.is_mapped());
    // The shape of the graph of every element, which the customizable hierarchy was prepared
    // on, is stored and read back, with the open elements' place in it.
    let (every, frame) = back.customizable_graph.expect("planned elements");
    let (every_then, frame_then) = original.customizable_graph.unwrap();
    assert_eq!(every, every_then);
    assert_eq!(every.node_count(), back.graph.nodes().len());
    assert_eq!(frame, frame_then);
    assert!(every.edge_count() > back.graph.edges().len());
    // The stored customization, viewed in the mapping.
    assert_eq!(back.customizations, original.customizations);
    assert_eq!(back.customizations.len(), 1);
    // The place index is rebuilt on reading.
    assert!(back.network.place_id("tashkent").is_some());
}

/// A stored customization of another hierarchy (other arcs and edges) or with a scale that
/// is not a positive number is refused, naming the customization.
#[test]
fn a_customization_that_does_not_fit_its_hierarchy_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("builtin.srg");
    let (square, _) = Cch::build(&[[0.0, 0.0], [1.0, 0.0], [1.0, 1.0]], &[(0, 1), (1, 2)]);
    let mut c = compiled();
    c.customizations[0].metric = square.customize(&[1, 2]);
    write_graph_file(&path, &c).unwrap();
    let err = read_graph_file(&path).unwrap_err().to_string();
    assert!(
        err.contains("customization 0 has 2 and 2 arc weights and 2 edge weights"),
        "{err}"
    );
    let mut c = compiled();
    c.customizations[0].scale = -1.0;
    write_graph_file(&path, &c).unwrap();
    let err = read_graph_file(&path).unwrap_err().to_string();
    assert!(err.contains("customization 0 has the scale -1"), "{err}");
}

#[test]
fn a_truncated_file_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let (path, bytes) = written(dir.path());
    for keep in [10, 39, 41, HEADER_LEN + 7, bytes.len() / 2, bytes.len() - 1] {
        std::fs::write(&path, &bytes[..keep]).unwrap();
        let err = read_graph_file(&path).unwrap_err();
        assert!(
            matches!(err, GraphFileError::Truncated { .. }),
            "{keep}: {err}"
        );
        assert!(err.to_string().contains("truncated"), "{err}");
    }
}

/// The section table of a file image: name, first byte, length.
fn sections(bytes: &[u8]) -> Vec<(String, usize, usize)> {
    let count = u32::from_le_bytes(bytes[12..16].try_into().unwrap()) as usize;
    (0..count)
        .map(|k| {
            let e = &bytes[HEADER_LEN + k * 40..HEADER_LEN + (k + 1) * 40];
            let name = String::from_utf8(e[..16].to_vec()).unwrap();
            let start = u64::from_le_bytes(e[16..24].try_into().unwrap()) as usize;
            let len = u64::from_le_bytes(e[24..32].try_into().unwrap()) as usize;
            (name.trim_end_matches('\0').to_string(), start, len)
        })
        .collect()
}

#[test]
fn a_flipped_byte_in_any_section_is_caught_by_its_checksum() {
    let dir = tempfile::tempdir().unwrap();
    let (path, mut bytes) = written(dir.path());
    let table = sections(&bytes);
    // the network, its places and links (records, offsets, id index), its sources,
    // the nodes (records, offsets), the edges, their offsets, two place → node lists of two
    // arrays each, the 3 arrays of every element's shape and where the graph's edges are in
    // it, 3 × 7 hierarchy arrays, the customizable hierarchy's 9 and the 4 of its stored
    // customization
    assert_eq!(table.len(), 54);
    for (name, start, len) in table {
        for at in [start, start + len / 2, start + len - 1] {
            bytes[at] ^= 0x55;
            std::fs::write(&path, &bytes).unwrap();
            let err = read_graph_file(&path).unwrap_err();
            assert!(
                matches!(err, GraphFileError::Checksum { .. }),
                "{name} at {at}: {err}"
            );
            assert!(
                err.to_string().contains(&format!("section `{name}`")),
                "{err}"
            );
            bytes[at] ^= 0x55;
        }
    }
    // the section table itself
    bytes[HEADER_LEN + 20] ^= 1;
    std::fs::write(&path, &bytes).unwrap();
    let err = read_graph_file(&path).unwrap_err();
    assert!(err.to_string().contains("the section table"), "{err}");
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

/// A file of the earlier layout (format version 7: one bincode payload behind a 40-byte header
/// of magic, version, CRC-32, length and writer) is refused with the advice to rebuild it.
#[test]
fn a_file_of_the_bincode_layout_is_refused_with_advice_to_rebuild() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.srg");
    let payload = vec![7u8; 1000];
    let mut bytes = b"SILKGRPH".to_vec();
    bytes.extend_from_slice(&7u32.to_le_bytes());
    bytes.extend_from_slice(&crc32fast::hash(&payload).to_le_bytes());
    bytes.extend_from_slice(&(payload.len() as u64).to_le_bytes());
    bytes.extend_from_slice(b"0.1.0\0\0\0\0\0\0\0\0\0\0\0");
    bytes.extend_from_slice(&payload);
    std::fs::write(&path, &bytes).unwrap();
    let err = read_graph_file(&path).unwrap_err();
    assert!(
        matches!(err, GraphFileError::Version { found: 7, .. }),
        "{err}"
    );
    let message = err.to_string();
    assert!(message.contains("old.srg"), "{message}");
    assert!(
        message.contains("version 7 (the bincode layout), written by silkroute 0.1.0"),
        "{message}"
    );
    assert!(
        message.contains("rebuild it with `silkroute build`"),
        "{message}"
    );
}

/// Writes `bytes` with one section changed by `edit` and every checksum fitted again, so that
/// only the structural checks stand between the change and an answer.
fn resealed_with(path: &Path, bytes: &[u8], section: &str, edit: impl Fn(&mut [u8])) {
    let mut bytes = bytes.to_vec();
    let (_, start, len) = sections(&bytes)
        .into_iter()
        .find(|(n, _, _)| n == section)
        .unwrap();
    edit(&mut bytes[start..start + len]);
    silkroute_graph::reseal_checksums(&mut bytes);
    std::fs::write(path, &bytes).unwrap();
}

#[test]
fn an_out_of_range_index_in_any_array_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let (path, bytes) = written(dir.path());
    let far = u32::MAX - 7;
    let cases: [(&str, usize, &str); 22] = [
        (
            "links.by_id",
            0,
            "section `links`: the id index does not fit the records",
        ),
        (
            "every.own_of",
            0,
            "section `every.own_of` does not place the graph's edges",
        ),
        (
            "nodes.at",
            0,
            "section `nodes`: the record offsets do not fit the records",
        ),
        (
            "places.at",
            8,
            "section `places`: the record offsets do not fit the records",
        ),
        (
            "links.at",
            0,
            "section `links`: the record offsets do not fit the records",
        ),
        (
            "places.by_id",
            0,
            "section `places`: the id index does not fit the records",
        ),
        ("links", 0, "section `links`: record 0 cannot be decoded"),
        // edge 0's head: the second u32 of its record; edge 1's kind tag: the third
        ("edges", 4, "edge 0 does not join its nodes"),
        (
            "every.head",
            0,
            "every element's edge 0 leads to a missing node",
        ),
        (
            "every.first_out",
            4,
            "the offsets of every element's edges do not fit them",
        ),
        ("edges", 96 + 8, "edge 1 has an unknown kind"),
        ("first_out", 8, "edge offsets do not fit the edges"),
        ("place_nodes", 0, "the place index names missing nodes"),
        ("intl_first", 4, "the place index names missing nodes"),
        (
            "time.search_arc",
            0,
            "the time hierarchy: upward arc 0 names a missing arc",
        ),
        (
            "time.first",
            4,
            "the time hierarchy: search offsets are not increasing",
        ),
        (
            "cost.node_at",
            0,
            "the cost hierarchy: rank 0 is not a permutation entry",
        ),
        (
            "co2.arc_first",
            0,
            "the co2 hierarchy: arc 0 names a missing graph edge",
        ),
        (
            "time.search",
            0,
            "the time hierarchy: upward arc 0 does not lead to a higher rank",
        ),
        (
            "cch.up_head",
            0,
            "the customizable hierarchy: the arcs of rank 0 do not go up in order",
        ),
        (
            "cch.edge_arc",
            0,
            "the customizable hierarchy: edge 0 is on the wrong arc",
        ),
        (
            "cch.down_arc",
            0,
            "the customizable hierarchy: a lower arc of rank",
        ),
    ];
    for (section, at, expected) in cases {
        resealed_with(&path, &bytes, section, |b| {
            b[at..at + 4].copy_from_slice(&far.to_le_bytes())
        });
        let err = read_graph_file(&path).unwrap_err();
        assert!(
            matches!(err, GraphFileError::Corrupt { .. }),
            "{section}: {err}"
        );
        assert!(err.to_string().contains(expected), "{section}: {err}");
    }
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

/// A file whose checksums fit but whose network claims twenty thousand million places
/// (fuzzing once found a 30 GB string in a 7 KB file): refused as corrupt, naming the section,
/// before anything of that size is allocated.
#[test]
fn a_corrupt_length_is_refused_without_allocating_it() {
    let dir = tempfile::tempdir().unwrap();
    let (path, bytes) = written(dir.path());
    let claim = postcard::to_allocvec(&20_000_000_000u64).unwrap();
    resealed_with(&path, &bytes, "network", |b| {
        b[..claim.len()].copy_from_slice(&claim)
    });
    let err = read_graph_file(&path).unwrap_err();
    assert!(matches!(err, GraphFileError::Corrupt { .. }), "{err}");
    assert!(err.to_string().contains("builtin.srg"), "{err}");
    assert!(
        err.to_string()
            .contains("section `network` cannot be decoded"),
        "{err}"
    );
}

/// A well-checksummed file with a negative edge time (found by fuzzing: the timetable's
/// track search went round a negative cycle for ever) is refused as corrupt.
#[test]
fn a_negative_weight_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let (path, bytes) = written(dir.path());
    let at = 3 * std::mem::size_of::<Edge>() + std::mem::offset_of!(Edge, time_p50_h);
    resealed_with(&path, &bytes, "edges", |b| {
        b[at..at + 8].copy_from_slice(&(-1.0f64).to_le_bytes())
    });
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

/// A section table whose entries overlap, with every checksum fitted, is refused.
#[test]
fn overlapping_sections_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let (path, mut bytes) = written(dir.path());
    let first_offset = HEADER_LEN + 16;
    let second_offset = HEADER_LEN + 40 + 16;
    let start = bytes[first_offset..first_offset + 8].to_vec();
    bytes[second_offset..second_offset + 8].copy_from_slice(&start);
    silkroute_graph::reseal_checksums(&mut bytes);
    std::fs::write(&path, &bytes).unwrap();
    let err = read_graph_file(&path).unwrap_err();
    assert!(
        err.to_string()
            .contains("section `places` lies outside the file or over another"),
        "{err}"
    );
}

/// A build writes the file part by part (the network, then each hierarchy as it is made): a
/// build that stops in between, or writes its parts out of order, leaves the earlier file as
/// it was and nothing beside it.
#[test]
fn a_file_written_part_by_part_is_in_place_only_when_finished() {
    let dir = tempfile::tempdir().unwrap();
    let (path, bytes) = written(dir.path());
    let c = compiled();
    let metrics: Vec<Metric> = c.hierarchies.iter().map(|(m, _)| *m).collect();
    let every = c
        .customizable_graph
        .as_ref()
        .map(|(every, frame)| (every, frame));

    let mut file = GraphFileWriter::create(&path, &metrics, true, true, 0).unwrap();
    file.network(&c.network, &c.graph, every).unwrap();
    drop(file); // stopped before the hierarchies
    assert_eq!(std::fs::read(&path).unwrap(), bytes);

    let mut file = GraphFileWriter::create(&path, &metrics, true, true, 0).unwrap();
    file.network(&c.network, &c.graph, every).unwrap();
    let err = file.hierarchy(metrics[0], &c.hierarchies[0].1).unwrap_err();
    assert!(
        err.to_string()
            .contains("section `time.rank` written out of order (expected `cch.rank`)"),
        "{err}"
    );
    let err = file.finish().unwrap_err();
    assert!(
        err.to_string()
            .contains("section `cch.rank` was never written"),
        "{err}"
    );
    assert_eq!(std::fs::read(&path).unwrap(), bytes);
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);

    // Written in order, part by part, the file is the one written at once.
    let mut file = GraphFileWriter::create(&path, &metrics, true, true, 1).unwrap();
    file.network(&c.network, &c.graph, every).unwrap();
    file.customizable(c.customizable.as_ref().unwrap()).unwrap();
    file.customization(0, &c.customizations[0]).unwrap();
    for (m, h) in &c.hierarchies {
        file.hierarchy(*m, h).unwrap();
    }
    let len = file.finish().unwrap();
    assert_eq!(len as usize, bytes.len());
    assert_eq!(std::fs::read(&path).unwrap(), bytes);
}

/// Sources are stored once, in the `sources` section, and cited by number: the network reads
/// back with one shared text per source; a number outside the table is a corrupt file, and so
/// is a file without the table. The places and links are records of their own, found by id
/// through the stored index.
#[test]
fn sources_are_stored_once_and_records_cite_them_by_number() {
    let dir = tempfile::tempdir().unwrap();
    let (path, bytes) = written(dir.path());
    let back = read_graph_file(&path).unwrap();
    let original = compiled();
    assert!(back.network.places.is_stored() && back.network.links.is_stored());
    assert_eq!(back.network.links, original.network.links);
    for p in original.network.places.iter() {
        assert_eq!(
            back.network.place_id(&p.id),
            original.network.place_id(&p.id)
        );
    }
    assert_eq!(back.network.place_id("xian-nowhere"), None);
    assert_eq!(back.network.place_id(""), None);
    let cited = |net: &silkroute_model::Network| {
        let mut texts: Vec<&str> = net.links.iter().map(|l| l.source.as_str()).collect();
        texts.sort_unstable();
        texts.dedup();
        texts.len()
    };
    let named = |wanted: &str| {
        sections(&bytes)
            .into_iter()
            .enumerate()
            .find(|(_, (name, _, _))| name == wanted)
            .unwrap()
    };
    let (sources_entry, (_, start, len)) = named("sources");
    let table: Vec<String> = postcard::from_bytes(&bytes[start..start + len]).unwrap();
    assert!(
        table.len() >= cited(&original.network),
        "every source in the table"
    );
    let links_len = named("links").1 .2;
    assert!(
        links_len < bytes.len() / 4,
        "the links cite sources by number ({links_len} bytes)"
    );

    // A table of one source: every number above 0 is out of it.
    resealed_with(&path, &bytes, "sources", |table| {
        table[0] = 1; // the table's length, a varint
    });
    let err = read_graph_file(&path).unwrap_err();
    assert!(err.to_string().contains("cannot be decoded"), "{err}");

    // The table renamed away: the file still checksums, but its network cannot be read.
    resealed_with(&path, &bytes, "network", |_| {});
    let mut renamed = std::fs::read(&path).unwrap();
    let entry = HEADER_LEN + 40 * sources_entry;
    assert_eq!(&renamed[entry..entry + 7], b"sources");
    renamed[entry..entry + 7].copy_from_slice(b"sourcez");
    silkroute_graph::reseal_checksums(&mut renamed);
    std::fs::write(&path, &renamed).unwrap();
    let err = read_graph_file(&path).unwrap_err();
    assert!(
        err.to_string().contains("section `sources` is missing"),
        "{err}"
    );
}

/// A customizable hierarchy prepared on neither the stored graph nor the graph of every
/// element of the stored network is refused: here the graph was compiled without a node for
/// every element, so every element's graph has nodes the graph lacks. Stored with the shape of
/// every element's graph, the shape does not fit the graph; without it, the hierarchy fits
/// no graph in the file.
#[test]
fn a_customizable_hierarchy_that_fits_no_graph_of_the_network_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mismatch.srg");
    let mut c = compiled();
    c.graph = compile(&c.network).unwrap();
    c.hierarchies.clear();
    write_graph_file(&path, &c).unwrap();
    let err = read_graph_file(&path).unwrap_err().to_string();
    assert!(
        err.contains("corrupt graph file: every element's graph does not fit the graph"),
        "{err}"
    );
    c.customizable_graph = None;
    write_graph_file(&path, &c).unwrap();
    let err = read_graph_file(&path).unwrap_err().to_string();
    assert!(
        err.contains("corrupt graph file: the customizable hierarchy has")
            && err.contains("the file holds no graph of every element"),
        "{err}"
    );
}

/// A file checked once is remembered (a stamp in `SILKROUTE_CHECKED_DIR`) once its times are
/// settled, and a file changed since, even with valid checksums, is checked again.
#[test]
fn a_checked_file_is_remembered_and_checked_again_when_it_changes() {
    let dir = tempfile::tempdir().unwrap();
    let stamps = dir.path().join("stamps");
    // Other tests of this binary may stamp here too: their stamps are as true.
    std::env::set_var("SILKROUTE_CHECKED_DIR", &stamps);
    let (path, bytes) = written(dir.path());
    // Just written: not remembered (its times could be shared with a next write).
    read_graph_file(&path).unwrap();
    let stamp_of = || std::fs::read_dir(&stamps).map(|d| d.count()).unwrap_or(0);
    let before = stamp_of();
    std::thread::sleep(std::time::Duration::from_millis(2100));
    read_graph_file(&path).unwrap();
    assert_eq!(stamp_of(), before + 1, "a stamp for the settled file");
    let back = read_graph_file(&path).unwrap();
    assert_eq!(
        back.network.place_id("xian"),
        compiled().network.place_id("xian")
    );
    // Changed with fitting checksums: refused, the stamp notwithstanding.
    resealed_with(&path, &bytes, "links", |b| {
        b[..4].copy_from_slice(&(u32::MAX - 7).to_le_bytes())
    });
    let err = read_graph_file(&path).unwrap_err();
    assert!(
        err.to_string()
            .contains("section `links`: record 0 cannot be decoded"),
        "{err}"
    );
}
