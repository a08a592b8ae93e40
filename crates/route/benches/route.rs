//! Criterion benchmarks on the built-in network: one route query by silkroute's router next to
//! petgraph's Dijkstra on the same compiled graph (same weights, a super-source for the
//! boarding waits), the Pareto menu, the terminal-to-terminal matrix, and compilation.
//!
//! `cargo bench -p silkroute-route --bench route`

use criterion::{criterion_group, criterion_main, Criterion};
use petgraph::graph::{DiGraph, NodeIndex};
use silkroute_graph::compile;
use silkroute_model::{PlaceId, PlaceKind};
use silkroute_route::Criterion as RouteCriterion;
use silkroute_route::{matrix, pareto, route, Objective, ParetoRequest, PlaceFinder, RouteRequest};
use std::hint::black_box;

fn benches(c: &mut Criterion) {
    let net = silkroute_feed::builtin();
    let graph = compile(&net).expect("compiles");
    let f = PlaceFinder::new(&net);
    let (from, to) = (f.find("xian").unwrap(), f.find("tashkent").unwrap());
    let req = RouteRequest::new(from, to, Objective::Least(RouteCriterion::Time));

    // The same graph for petgraph: edge weight = typical hours incl. waits; node n = super-source
    // with edges to the origin's nodes weighted by their boarding waits.
    let n = graph.nodes().len();
    let mut pg: DiGraph<(), f64> = DiGraph::with_capacity(n + 1, graph.edges().len() + 8);
    for _ in 0..=n {
        pg.add_node(());
    }
    for e in graph.edges() {
        pg.add_edge(
            NodeIndex::new(e.tail.index()),
            NodeIndex::new(e.head.index()),
            e.time_p50_h + e.wait_p50_h,
        );
    }
    let source = NodeIndex::new(n);
    for &v in graph.place_nodes(from) {
        pg.add_edge(
            source,
            NodeIndex::new(v.index()),
            graph.node(v).board_wait.p50_h,
        );
    }
    let targets: Vec<NodeIndex> = graph
        .place_nodes(to)
        .iter()
        .map(|v| NodeIndex::new(v.index()))
        .collect();
    let petgraph_best = || {
        let d = petgraph::algo::dijkstra(&pg, source, None, |e| *e.weight());
        targets
            .iter()
            .filter_map(|t| d.get(t))
            .copied()
            .fold(f64::INFINITY, f64::min)
    };
    let ours = route(&net, &graph, &req).unwrap().objective_value;
    let theirs = petgraph_best();
    assert!(
        (ours - theirs).abs() < 1e-9,
        "silkroute {ours} vs petgraph {theirs}"
    );

    let mut g = c.benchmark_group("route xian-tashkent by time");
    g.bench_function("silkroute route()", |b| {
        b.iter(|| black_box(route(&net, &graph, black_box(&req)).unwrap()))
    });
    g.bench_function("petgraph dijkstra (one-to-all)", |b| {
        b.iter(|| black_box(petgraph_best()))
    });
    g.finish();

    let it = route(&net, &graph, &req).unwrap();
    c.bench_function(
        "time distribution of the xian-tashkent itinerary (convolution)",
        |b| b.iter(|| black_box(it.clone().with_distribution(Some(240.0)))),
    );
    let mut rail_req = req.clone();
    rail_req.modes = [silkroute_model::Mode::Rail].into_iter().collect();
    let rail = route(&net, &graph, &rail_req).unwrap();
    c.bench_function(
        "time distribution of the xian-tashkent rail itinerary (16 legs, convolution)",
        |b| b.iter(|| black_box(rail.clone().with_distribution(Some(240.0)))),
    );
    let pr = ParetoRequest::new(req.clone());
    c.bench_function(
        "pareto menu xian-tashkent (time, cost, co2), each option with its distribution",
        |b| b.iter(|| black_box(pareto(&net, &graph, &pr).unwrap())),
    );
    let terminals: Vec<PlaceId> = (0..net.places.len() as u32)
        .map(PlaceId)
        .filter(|p| net.place(*p).kind != PlaceKind::BorderPost)
        .collect();
    c.bench_function("matrix all terminals by time", |b| {
        b.iter(|| black_box(matrix(&net, &graph, &req, &terminals, &terminals)))
    });
    c.bench_function("compile built-in network", |b| {
        b.iter(|| black_box(compile(&net).unwrap()))
    });
    let cku = silkroute_feed::builtin_scenario("cku-open")
        .unwrap()
        .unwrap();
    c.bench_function("apply cku-open to a copy and compile", |b| {
        b.iter(|| {
            let n = cku.applied_to(&net).unwrap();
            black_box(compile(&n).unwrap())
        })
    });
    // Routes on services (the timetable router), through the Router as the CLI asks them.
    let router = silkroute_route::Router::new(net.clone(), Vec::new()).unwrap();
    let at = router.instant("depart", "2026-12-07T09:00", from).unwrap();
    let ask = |when| silkroute_route::RouteQuery {
        request: req.clone(),
        menu: silkroute_route::Menu::Best,
        deadline_h: None,
        when,
    };
    let mut g = c.benchmark_group("route xian-tashkent on services");
    let dated = ask(silkroute_route::When::Depart { at, window_h: None });
    g.bench_function("dated (--depart)", |b| {
        b.iter(|| black_box(router.route(black_box(&dated)).unwrap()))
    });
    let window = ask(silkroute_route::When::Depart {
        at,
        window_h: Some(168.0),
    });
    g.bench_function("7-day window", |b| {
        b.iter(|| black_box(router.route(black_box(&window)).unwrap()))
    });
    let undated = ask(silkroute_route::When::Undated { reference: None });
    g.bench_function("undated (168 ready times and the mixture)", |b| {
        b.iter(|| black_box(router.route(black_box(&undated)).unwrap()))
    });
    let mut rail_dated = dated.clone();
    rail_dated.request.modes = [silkroute_model::Mode::Rail].into_iter().collect();
    g.bench_function("dated, rail only", |b| {
        b.iter(|| black_box(router.route(black_box(&rail_dated)).unwrap()))
    });
    g.finish();
    c.bench_function("load built-in feed (parse + validate)", |b| {
        b.iter(|| black_box(silkroute_feed::builtin()))
    });
}

criterion_group!(name = route_benches; config = Criterion::default().sample_size(50); targets = benches);
criterion_main!(route_benches);
