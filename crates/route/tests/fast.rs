//! The contraction hierarchy gives the same best routes as Dijkstra: every pair of places of
//! the built-in network, for time, cost and CO2e, as a route and as a matrix.

use silkroute_feed::{builtin, builtin_scenario};
use silkroute_graph::hierarchy::prepare;
use silkroute_graph::{compile, HierarchyQuery, Metric};
use silkroute_model::{Network, PlaceId};
use silkroute_route::Criterion;
use silkroute_route::{
    fast_metric, matrix, matrix_fast, route, route_fast, Cargo, Objective, PlaceFinder, RouteError,
    RouteRequest,
};

/// Weights are rounded to 0.01 of a unit per edge, so two equally good routes may differ by
/// that much per edge in the exact (floating-point) total.
fn close(a: f64, b: f64, edges: usize, metric: Metric, factor: f64) -> bool {
    (a - b).abs() <= (edges as f64 + 2.0) * 0.5 / metric.scale() * factor + 1e-9 * a.abs()
}

fn every_pair_agrees(net: &Network) {
    let graph = compile(net).unwrap();
    let cargo = Cargo::default();
    for (objective, metric, factor) in [
        (Objective::Least(Criterion::Time), Metric::Time, 1.0),
        (Objective::Least(Criterion::Cost), Metric::Cost, cargo.feu),
        (
            Objective::Least(Criterion::Co2),
            Metric::Co2,
            cargo.tonnes / 1000.0,
        ),
    ] {
        let (h, _) = prepare(&graph, metric);
        let mut q = HierarchyQuery::new(&h);
        let places: Vec<PlaceId> = (0..net.places.len() as u32).map(PlaceId).collect();
        let mut answered = 0;
        for &from in &places {
            for &to in &places {
                if from == to {
                    continue;
                }
                let req = RouteRequest::new(from, to, objective);
                assert_eq!(fast_metric(&req), Some(metric));
                let slow = route(net, &graph, &req);
                let fast = route_fast(net, &graph, &mut q, metric, &req);
                match (slow, fast) {
                    (Ok(s), Ok(f)) => {
                        answered += 1;
                        let edges = s.legs.len() + f.legs.len();
                        assert!(
                            close(s.objective_value, f.objective_value, edges, metric, factor),
                            "{} → {} by {metric}: Dijkstra {} vs hierarchy {}",
                            net.place(from).id,
                            net.place(to).id,
                            s.objective_value,
                            f.objective_value
                        );
                    }
                    (Err(RouteError::NoRoute { .. }), Err(RouteError::NoRoute { .. })) => {}
                    (s, f) => panic!(
                        "{} → {}: Dijkstra {:?} vs hierarchy {:?}",
                        net.place(from).id,
                        net.place(to).id,
                        s.map(|i| i.objective_value),
                        f.map(|i| i.objective_value)
                    ),
                }
            }
        }
        assert!(answered > places.len() * 10, "{answered} pairs routed");
        // The matrix agrees with Dijkstra's matrix cell by cell.
        let template = RouteRequest::new(places[0], places[0], objective);
        let slow = matrix(net, &graph, &template, &places, &places);
        let fast = matrix_fast(net, &graph, &h, metric, &template, &places, &places);
        for (rs, rf) in slow.iter().zip(&fast) {
            for (cs, cf) in rs.iter().zip(rf) {
                match (cs.objective_value, cf.objective_value) {
                    (Some(a), Some(b)) => {
                        assert!(
                            close(a, b, 60, metric, factor),
                            "{}→{}: {a} vs {b}",
                            cs.from,
                            cs.to
                        )
                    }
                    (a, b) => assert_eq!(a.is_some(), b.is_some(), "{}→{}", cs.from, cs.to),
                }
            }
        }
    }
}

#[test]
fn the_hierarchy_routes_every_pair_of_the_builtin_network_like_dijkstra() {
    every_pair_agrees(&builtin());
}

#[test]
fn the_hierarchy_routes_every_pair_with_the_cku_railway_open_like_dijkstra() {
    let net = builtin_scenario("cku-open")
        .unwrap()
        .unwrap()
        .applied_to(&builtin())
        .unwrap();
    every_pair_agrees(&net);
}

#[test]
fn xian_to_tashkent_through_the_hierarchy_has_the_same_legs_as_dijkstra() {
    let net = builtin();
    let graph = compile(&net).unwrap();
    let f = PlaceFinder::new(&net);
    for (objective, metric) in [
        (Objective::Least(Criterion::Time), Metric::Time),
        (Objective::Least(Criterion::Cost), Metric::Cost),
        (Objective::Least(Criterion::Co2), Metric::Co2),
    ] {
        let req = RouteRequest::new(
            f.find("Xi'an").unwrap(),
            f.find("Tashkent").unwrap(),
            objective,
        );
        let (h, _) = prepare(&graph, metric);
        let fast = route_fast(&net, &graph, &mut HierarchyQuery::new(&h), metric, &req).unwrap();
        let slow = route(&net, &graph, &req).unwrap();
        let elements = |it: &silkroute_route::Itinerary| {
            it.legs
                .iter()
                .map(|l| (l.kind, l.element.clone()))
                .collect::<Vec<_>>()
        };
        assert_eq!(elements(&fast), elements(&slow), "by {metric}");
        assert_eq!(fast.legs.first().unwrap().from, "xian");
        assert_eq!(fast.legs.last().unwrap().to, "tashkent");
    }
}

#[test]
fn requests_with_filters_are_left_to_dijkstra() {
    let net = builtin();
    let f = PlaceFinder::new(&net);
    let mut req = RouteRequest::new(
        f.find("Xi'an").unwrap(),
        f.find("Almaty").unwrap(),
        Objective::Least(Criterion::Time),
    );
    req.modes.insert(silkroute_model::Mode::Rail);
    assert_eq!(fast_metric(&req), None);
    let p90 = RouteRequest::new(req.from, req.to, Objective::Least(Criterion::P90));
    assert_eq!(fast_metric(&p90), None);
}

/// A router built from a graph file keeps its hierarchy query labels between queries (and a
/// label set for another hierarchy is not reused): its answers equal fresh-state answers for
/// every pair, asked twice in a row.
#[test]
fn a_router_reusing_query_labels_answers_like_fresh_queries() {
    // Without services the router answers on infrastructure, with the hierarchies.
    let mut net = builtin();
    net.services.clear();
    let graph = compile(&net).unwrap();
    let hierarchies: Vec<_> = [Metric::Time, Metric::Cost]
        .into_iter()
        .map(|m| (m, prepare(&graph, m).0))
        .collect();
    let router = silkroute_route::Router::from_compiled(silkroute_graph::CompiledNetwork {
        network: net.clone(),
        graph: graph.clone(),
        hierarchies: hierarchies.clone(),
        customizable: None,
        customizable_graph: None,
        customizations: Vec::new(),
    })
    .expect("the generated network has no services to lay");
    let places: Vec<PlaceId> = (0..net.places.len() as u32).map(PlaceId).collect();
    for round in 0..2 {
        for (i, &from) in places.iter().enumerate() {
            let to = places[(i * 7 + round + 1) % places.len()];
            if from == to {
                continue;
            }
            for objective in [
                Objective::Least(Criterion::Time),
                Objective::Least(Criterion::Cost),
            ] {
                let req = RouteRequest::new(from, to, objective);
                let reused = router.best(&req, None);
                let fresh = silkroute_route::best_route(&net, &graph, &hierarchies, &req, None);
                assert_eq!(
                    reused.map(|it| (it.objective_value, it.legs.len())),
                    fresh.map(|it| (it.objective_value, it.legs.len())),
                    "{} → {} by {}",
                    net.place(from).id,
                    net.place(to).id,
                    objective.name()
                );
            }
        }
    }
}
