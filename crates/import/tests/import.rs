//! Importing OpenStreetMap data and generating synthetic networks, as an analyst would: the
//! feed written validates, one-way streets stay one-way, and routes on it match Dijkstra.

use silkroute_feed::load_dir;
use silkroute_graph::hierarchy::prepare;
use silkroute_graph::{compile, HierarchyQuery, Metric};
use silkroute_import::osm::{import, OsmOptions};
use silkroute_import::synthetic::{generate, GenOptions};
use silkroute_import::ImportError;
use silkroute_model::{Mode, PlaceId, PlaceKind};
use silkroute_route::Criterion;
use silkroute_route::{
    route, route_fast, LegKind, Menu, Objective, RouteError, RouteQuery, RouteRequest, Router, When,
};
use std::path::{Path, PathBuf};

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/tiny.osm.pbf")
}

fn options() -> OsmOptions {
    OsmOptions {
        rail: true,
        roads: vec!["primary".into(), "secondary".into(), "residential".into()],
        ferries: false,
        country: Some("KZ".into()),
        timezone: Some("Asia/Almaty".into()),
        progress: false,
    }
}

#[test]
fn a_small_extract_becomes_a_valid_feed_with_junctions_only_where_ways_meet() {
    let dir = tempfile::tempdir().unwrap();
    let stats = import(&fixture(), dir.path(), &options()).unwrap();
    assert_eq!(stats.ways, 4, "the footway is left out");
    assert_eq!(stats.places, 7, "{stats:?}");
    assert_eq!(stats.links, 5, "{stats:?}");
    assert_eq!(stats.border_posts, 1);
    // load_dir fails on any error; warnings are allowed.
    let (net, _warnings) = load_dir(dir.path()).unwrap();
    let post = net.place(net.place_id("n2").unwrap());
    assert_eq!(post.kind, PlaceKind::BorderPost);
    assert_eq!(post.name_en, "Test post");
    assert!(post.source.contains("OpenStreetMap"));
    // The node is the number in the id; every place cites it with the same text (stored once).
    assert!(post.source.contains("number in the id (n<node>)"));
    assert!(net.places.iter().all(|p| p.source == post.source));
    // The residential road keeps its bend (node 6) as geometry, not as a place.
    assert!(net.place_id("n6").is_none());
    let bend = net.links.iter().find(|l| l.id == "w102-1").unwrap();
    assert_eq!(bend.geometry.as_ref().unwrap().len(), 3);
    let rail = net.links.iter().find(|l| l.mode == Mode::Rail).unwrap();
    assert_eq!(rail.gauge.unwrap().0, 1520);
    assert_eq!(rail.electrified, Some(true));
    let primary = net.links.iter().find(|l| l.id == "w100-1").unwrap();
    assert_eq!(primary.speed_kmh, Some(60.0));
    assert!(primary.source.contains("maxspeed=60"));
    assert!(primary.source.contains("(w<way>-<segment>)") && !primary.source.contains("100"));
}

#[test]
fn a_one_way_street_is_routed_one_way() {
    let dir = tempfile::tempdir().unwrap();
    import(&fixture(), dir.path(), &options()).unwrap();
    let (net, _) = load_dir(dir.path()).unwrap();
    let graph = compile(&net).unwrap();
    let p = |id: &str| net.place_id(id).unwrap();
    let there = route(
        &net,
        &graph,
        &RouteRequest::new(p("n1"), p("n4"), Objective::Least(Criterion::Time)),
    );
    assert!(there.is_ok());
    let back = route(
        &net,
        &graph,
        &RouteRequest::new(p("n4"), p("n1"), Objective::Least(Criterion::Time)),
    );
    assert!(matches!(back, Err(RouteError::NoRoute { .. })), "{back:?}");
}

#[test]
fn a_truncated_pbf_gives_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let bytes = std::fs::read(fixture()).unwrap();
    let cut = dir.path().join("cut.osm.pbf");
    for keep in [20, bytes.len() / 2, bytes.len() - 10] {
        std::fs::write(&cut, &bytes[..keep]).unwrap();
        let err = import(&cut, &dir.path().join("out"), &options()).unwrap_err();
        assert!(matches!(err, ImportError::BadPbf { .. }), "{keep}: {err}");
        let text = err.to_string();
        assert!(
            text.contains("cut.osm.pbf") && text.contains("truncated or corrupt"),
            "{text}"
        );
    }
}

#[test]
fn a_file_that_is_not_pbf_gives_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let junk = dir.path().join("junk.osm.pbf");
    std::fs::write(&junk, b"<?xml version='1.0'?><osm></osm>").unwrap();
    let err = import(&junk, &dir.path().join("out"), &options()).unwrap_err();
    assert!(matches!(err, ImportError::BadPbf { .. }), "{err}");
}

#[test]
fn nothing_selected_or_an_unknown_road_class_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let mut o = options();
    o.rail = false;
    o.roads.clear();
    assert!(matches!(
        import(&fixture(), dir.path(), &o),
        Err(ImportError::Invalid(_))
    ));
    o.roads = vec!["highwayy".into()];
    let err = import(&fixture(), dir.path(), &o).unwrap_err();
    assert!(err.to_string().contains("highwayy"));
}

fn gen(dir: &Path, seed: u64) -> String {
    generate(
        GenOptions {
            nodes: 900,
            seed,
            deletion: 0.15,
            highway_every: 8,
        },
        dir,
    )
    .unwrap();
    std::fs::read_to_string(dir.join("links.csv")).unwrap()
}

#[test]
fn the_same_seed_generates_the_same_network() {
    let (a, b, c) = (
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
    );
    assert_eq!(gen(a.path(), 7), gen(b.path(), 7));
    assert_ne!(gen(a.path(), 7), gen(c.path(), 8));
}

#[test]
fn hierarchy_routes_on_a_generated_network_match_dijkstra() {
    let dir = tempfile::tempdir().unwrap();
    gen(dir.path(), 3);
    // load_dir fails on any error; warnings are allowed.
    let (net, _warnings) = load_dir(dir.path()).unwrap();
    let graph = compile(&net).unwrap();
    let (h, _) = prepare(&graph, Metric::Time);
    let mut q = HierarchyQuery::new(&h);
    let n = net.places.len() as u32;
    let mut routed = 0;
    for i in 0..200u32 {
        let (a, b) = (PlaceId((i * 7919) % n), PlaceId((i * 104_729 + 13) % n));
        if a == b {
            continue;
        }
        let req = RouteRequest::new(a, b, Objective::Least(Criterion::Time));
        match (
            route(&net, &graph, &req),
            route_fast(&net, &graph, &mut q, Metric::Time, &req),
        ) {
            (Ok(s), Ok(f)) => {
                routed += 1;
                let tolerance = (s.legs.len() + f.legs.len()) as f64 * 0.5 / Metric::Time.scale();
                assert!((s.objective_value - f.objective_value).abs() <= tolerance + 1e-9);
            }
            (Err(_), Err(_)) => {}
            (s, f) => panic!("{a:?}→{b:?}: {:?} vs {:?}", s.is_ok(), f.is_ok()),
        }
    }
    assert!(routed > 150, "{routed}");
}

/// Imports the synthetic two-country extract into `dir` with countries from the polygons.
fn import_two_countries(dir: &Path) -> silkroute_import::osm::OsmStats {
    let pbf = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/two_countries.osm.pbf");
    let opts = OsmOptions {
        country: None,
        timezone: None,
        ..options()
    };
    import(&pbf, dir, &opts).unwrap()
}

#[test]
fn a_cross_border_extract_takes_its_countries_from_polygons_and_crosses_at_the_border_posts() {
    let dir = tempfile::tempdir().unwrap();
    let stats = import_two_countries(dir.path());
    assert_eq!(stats.countries, 2, "{stats:?}");
    assert_eq!(
        stats.crossings, 2,
        "the road through the posts and the other: {stats:?}"
    );
    assert_eq!(
        stats.crossings_without_post, 1,
        "the road without a post: {stats:?}"
    );
    let (net, _) = load_dir(dir.path()).unwrap();
    let place = |id: &str| net.place(net.place_id(id).unwrap()).clone();
    for (id, country, zone) in [
        ("n1", "KZ", "Asia/Almaty"),
        ("n2", "KZ", "Asia/Almaty"),
        ("n3", "CN", "Asia/Shanghai"),
        ("n4", "CN", "Asia/Shanghai"),
    ] {
        assert_eq!(
            (place(id).country.as_str(), place(id).timezone.as_str()),
            (country, zone)
        );
    }
    // The way crosses at the Kazakh post: a crossing of no length to its twin place on the
    // Chinese side, then the road on as a link. The parameter table's figures: Kazakhstan's
    // exit formalities (kz-exit: 4.2 h, 8.4 h, 317 USD) and China's entry by road, which the
    // table lacks (0, said in the source); the other way China's exit (none) and Kazakhstan's
    // entry (kz-entry: 4.2 h, 8.4 h, 317 USD).
    assert_eq!(net.borders.len(), 2);
    let b = net
        .borders
        .iter()
        .find(|b| b.id == "w200-2-border")
        .unwrap();
    let twin = net.place_id("n2-cn").unwrap();
    assert_eq!(
        (b.from_post, b.to_post),
        (net.place_id("n2").unwrap(), twin)
    );
    assert_eq!((b.mode, b.length_km), (Mode::Road, 0.0));
    assert_eq!(place("n2-cn").country, "CN");
    assert_eq!(
        (place("n2-cn").lon, place("n2-cn").lat),
        (place("n2").lon, place("n2").lat)
    );
    let on = net.links.iter().find(|l| l.id == "w200-2").unwrap();
    assert_eq!((on.from, on.to), (twin, net.place_id("n3").unwrap()));
    assert_eq!(
        (b.forward.p50_h, b.forward.p90_h, b.forward.fee_usd),
        (4.2, 8.4, 317.0)
    );
    assert_eq!(
        (b.reverse.p50_h, b.reverse.p90_h, b.reverse.fee_usd),
        (4.2, 8.4, 317.0)
    );
    assert!(
        b.source.contains("kz-exit") && b.source.contains("entry CN: no figures"),
        "{}",
        b.source
    );
    // The road without a post crosses at its last node before the line, and says so.
    let open = net
        .borders
        .iter()
        .find(|b| b.id == "w202-1-border")
        .unwrap();
    assert_eq!(open.from_post, net.place_id("n10").unwrap());
    assert!(
        open.source.contains("no border_control node"),
        "{}",
        open.source
    );
    // Cargo ready on Monday 1 June 2026 from the Kazakh town to the Chinese one crosses there,
    // export-cleared at the origin and import-cleared at the destination (the countries'
    // clearances.csv rows, written with the feed).
    let req = RouteRequest::new(
        net.place_id("n1").unwrap(),
        net.place_id("n5").unwrap(),
        Objective::Least(Criterion::Time),
    );
    let router = Router::new(net, Vec::new()).unwrap();
    let answer = router
        .route(&RouteQuery {
            request: req,
            menu: Menu::Best,
            deadline_h: None,
            when: When::Depart {
                at: 1_780_272_000, // 2026-06-01T00:00Z
                window_h: None,
            },
        })
        .unwrap();
    let r = &answer.routes[0];
    let kinds: Vec<_> = r
        .legs
        .iter()
        .map(|l| (l.kind, l.from.as_str(), l.to.as_str()))
        .collect();
    assert!(
        kinds.contains(&(LegKind::Border, "n2", "n2-cn")),
        "{kinds:?}"
    );
    assert_eq!(
        kinds.first().map(|k| k.0),
        Some(LegKind::Customs),
        "{kinds:?}"
    );
    assert_eq!(
        kinds.last().map(|k| k.0),
        Some(LegKind::Customs),
        "{kinds:?}"
    );
}

#[test]
fn an_undated_route_on_infrastructure_is_cleared_where_it_leaves_and_enters_a_territory() {
    let dir = tempfile::tempdir().unwrap();
    import_two_countries(dir.path());
    let (net, _) = load_dir(dir.path()).unwrap();
    let graph = compile(&net).unwrap();
    let req = RouteRequest::new(
        net.place_id("n1").unwrap(),
        net.place_id("n5").unwrap(),
        Objective::Least(Criterion::Time),
    );
    // No services: the route runs on infrastructure, with the same clearance legs.
    let it = route(&net, &graph, &req).unwrap();
    let first = &it.legs[0];
    let last = it.legs.last().unwrap();
    assert_eq!(
        (first.kind, first.element.as_str()),
        (LegKind::Customs, "kz-export")
    );
    assert_eq!(
        (last.kind, last.element.as_str()),
        (LegKind::Customs, "cn-import")
    );
    assert_eq!((last.time_h, last.time_p90_h), (32.02, 97.39));
    // Within one country: no clearance.
    let inside = RouteRequest::new(
        net.place_id("n3").unwrap(),
        net.place_id("n5").unwrap(),
        Objective::Least(Criterion::Time),
    );
    let it = route(&net, &graph, &inside).unwrap();
    assert!(it.legs.iter().all(|l| l.kind != LegKind::Customs));
}
