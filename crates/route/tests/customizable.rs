//! The customizable hierarchy gives the same best routes as Dijkstra for what the per-metric
//! hierarchies cannot answer: the p90 and balanced objectives, a mode filter, an avoided
//! country or place, on the built-in network's infrastructure, one contraction for all.

use silkroute_feed::{builtin, Scenario};
use silkroute_graph::hierarchy::{prepare, prepare_customizable};
use silkroute_graph::{
    compile, compile_edited, compile_for_customizable, read_graph_file, write_graph_file,
    CompiledNetwork, EdgeFrame, Metric,
};
use silkroute_model::{Mode, Network, PlaceId};
use silkroute_route::{
    route, stored_customization, Cargo, Criterion, Customizable, Customizing, LegKind,
    MatrixRequest, Objective, RouteError, RouteRequest, Router, Shipment,
};

/// "scenario: from → to by objective", for an assertion's message.
fn pair_label(net: &Network, scenario: &str, req: &RouteRequest) -> String {
    format!(
        "{scenario}: {} → {} by {}",
        net.place(req.from).id,
        net.place(req.to).id,
        req.objective.name()
    )
}

/// Infrastructure only (no services), as a big imported network is.
fn network() -> Network {
    let mut net = builtin();
    net.services.clear();
    net
}

/// Weights are integers (at most half a unit of rounding per edge), so two equally good
/// routes may differ by a hair in the exact total.
fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-3 + 1e-9 * a.abs()
}

fn place(net: &Network, id: &str) -> PlaceId {
    net.place_id(id)
        .unwrap_or_else(|| panic!("{id} is in the built-in network"))
}

/// A router on the graph file `silkroute build` writes for `net`, written and read back: its
/// graph (a node for every element), the time hierarchy and the customizable hierarchy
/// (prepared on every element, open or not: the built-in network has planned ones),
/// customizing as told.
fn file_router(net: &Network, customizing: Customizing) -> Router {
    file_router_storing(net, customizing, &[])
}

/// [`file_router`] on a file that also stores the customizations for `stored` (as `silkroute
/// build --customize` does).
fn file_router_storing(net: &Network, customizing: Customizing, stored: &[Criterion]) -> Router {
    let (graph, every) = compile_for_customizable(net).unwrap();
    let every = every.expect("the CKU railway is planned");
    let cch = prepare_customizable(&every, &graph.coordinates(net)).0;
    let frame = EdgeFrame::of(&graph, &every).unwrap();
    let customizations = stored
        .iter()
        .map(|&c| {
            stored_customization(
                &cch,
                &graph,
                Some(&frame),
                Objective::Least(c),
                Cargo::default(),
            )
        })
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("builtin.srg");
    write_graph_file(
        &path,
        &CompiledNetwork {
            network: net.clone(),
            hierarchies: vec![(Metric::Time, prepare(&graph, Metric::Time).0)],
            customizable: Some(cch),
            customizable_graph: Some((every.clone(), frame)),
            customizations,
            graph,
        },
    )
    .unwrap();
    let compiled = read_graph_file(&path).unwrap();
    assert!(
        compiled.customizable_graph.is_some(),
        "every element's graph read back"
    );
    let mut router = Router::from_compiled(compiled).expect("no services to lay");
    router.set_customizing(customizing);
    router
}

/// The CKU railway opened (its services are not in this network): edges of planned elements.
fn cku_railway_open() -> Scenario {
    Scenario::parse(
        r#"
    name = "cku-railway-open"
    [[link]]
    ids = ["cku-kashgar-torugart-cn", "cku-torugart-makmal", "cku-makmal-jalal-abad"]
    status = "open"
    [[border]]
    ids = ["cku-torugart"]
    status = "open"
    [[transfer]]
    ids = ["cku-makmal-gauge"]
    status = "open"
    "#,
        "test",
    )
    .expect("parses")
}

/// Restricts a request (the places are Khorgos and Tashkent).
type Filter = fn(&mut RouteRequest, (PlaceId, PlaceId));

#[test]
fn every_objective_and_filter_agrees_with_dijkstra() {
    let net = network();
    let graph = compile(&net).unwrap();
    let (cch, _) = prepare_customizable(&graph, &graph.coordinates(&net));
    let customizable = Customizable::new(cch, Customizing::Immediately);
    let n = net.places.len();
    let objectives = [
        Objective::Least(Criterion::Time),
        Objective::Least(Criterion::P90),
        Objective::Least(Criterion::Cost),
        Objective::Least(Criterion::Co2),
        Objective::Balanced {
            value_of_time_usd_per_h: 20.0,
        },
    ];
    let khorgos = (place(&net, "khorgos"), place(&net, "tashkent"));
    let filters: [(&str, Filter); 5] = [
        ("nothing", |_, _| {}),
        ("rail only", |r, _| {
            r.modes.insert(Mode::Rail);
        }),
        ("Kazakhstan avoided", |r, _| {
            r.avoid_countries.insert("KZ".into());
        }),
        ("Khorgos avoided", |r, k| {
            r.avoid_places.insert(k.0);
        }),
        // A hub airport: its international (airside) nodes are avoided too.
        ("Tashkent avoided", |r, k| {
            r.avoid_places.insert(k.1);
        }),
    ];
    let mut answered = 0;
    let mut none = 0;
    for objective in objectives {
        for (what, filter) in filters {
            for i in 0..n {
                let (from, to) = (PlaceId(i as u32), PlaceId(((i * 7 + 3) % n) as u32));
                let mut req = RouteRequest::new(from, to, objective);
                filter(&mut req, khorgos);
                assert!(customizable.answers(&req));
                let slow = route(&net, &graph, &req);
                let fast = customizable
                    .route(&net, &graph, &req)
                    .expect("customized at once");
                let label = format!(
                    "{} → {} by {} with {what}",
                    net.place(from).id,
                    net.place(to).id,
                    objective.name()
                );
                match (slow, fast) {
                    (Ok(s), Ok(f)) => {
                        answered += 1;
                        assert!(
                            close(s.objective_value, f.objective_value),
                            "{label}: Dijkstra {} vs customized {}",
                            s.objective_value,
                            f.objective_value
                        );
                        // The customized route keeps the request's filters.
                        for leg in f.legs.iter().filter(|l| l.kind == LegKind::Run) {
                            assert!(
                                req.modes.is_empty() || req.modes.contains(&leg.mode),
                                "{label}: {:?}",
                                leg.mode
                            );
                            let at = net.place(place(&net, &leg.to));
                            assert!(!req.avoid_places.contains(&place(&net, &leg.to)), "{label}");
                            assert!(!req.avoid_countries.contains(&at.country), "{label}");
                        }
                    }
                    (Err(RouteError::NoRoute { .. }), Err(RouteError::NoRoute { .. })) => none += 1,
                    (Err(RouteError::Contradiction(_)), Err(RouteError::Contradiction(_))) => {
                        none += 1
                    }
                    (s, f) => panic!(
                        "{label}: Dijkstra {:?} vs customized {:?}",
                        s.map(|i| i.objective_value),
                        f.map(|i| i.objective_value)
                    ),
                }
            }
        }
    }
    assert!(
        answered > 10 * n,
        "{answered} answered, {none} without a route"
    );
}

/// The time objective with a filter searches two candidates (least Σ p50, least Σ p90), each
/// on its own customization once they are made; the answer stays Dijkstra's.
#[test]
fn a_filtered_time_route_uses_two_customizations() {
    let net = network();
    let graph = compile(&net).unwrap();
    let router = file_router(&net, Customizing::Immediately);
    let mut req = RouteRequest::new(place(&net, "xian"), place(&net, "almaty"), Objective::TIME);
    req.modes.insert(Mode::Road);
    best_as_dijkstra(&router, &net, &graph, &req);
    assert_eq!(router.customizable().unwrap().customizations(), 2);
}

/// A router on a graph file's parts with a customizable hierarchy that customizes in the
/// background (as a server's does): the first request with an avoided country is answered
/// by Dijkstra while the customization is made, the next by the customization, both as
/// Dijkstra answers.
#[test]
fn a_router_answers_avoid_and_p90_on_the_customizable_hierarchy() {
    let net = network();
    let graph = compile(&net).unwrap();
    let router = file_router(&net, Customizing::InBackground);
    let customizable = router
        .customizable()
        .expect("kept from the compiled network");
    let (from, to) = (place(&net, "xian"), place(&net, "tashkent"));
    for round in 0..2 {
        let mut req = RouteRequest::new(from, to, Objective::Least(Criterion::Cost));
        req.avoid_countries.insert("KZ".into());
        let via_router = router.best(&req, None).unwrap();
        let dijkstra = route(&net, &graph, &req).unwrap();
        assert!(
            close(via_router.objective_value, dijkstra.objective_value),
            "round {round}: {} vs {}",
            via_router.objective_value,
            dijkstra.objective_value
        );
        // Without services, the first wait is the mode's default, said as what it is.
        let first = via_router
            .legs
            .iter()
            .find(|l| l.kind == LegKind::Wait)
            .expect("a wait to board");
        let expected = match first.mode {
            Mode::Road => "book a truck on demand",
            Mode::Rail => "wait for a chartered train to be formed",
            _ => "wait for the next",
        };
        assert!(
            first.description.starts_with(expected),
            "{}",
            first.description
        );
        customizable.wait_for_background();
        assert_eq!(customizable.customizations(), 1, "round {round}");
        // From now on the customization answers (Dijkstra answered round 0).
        let customized = customizable
            .route(&net, router.graph(), &req)
            .expect("kept after the first request")
            .unwrap();
        assert!(close(customized.objective_value, dijkstra.objective_value));
        assert!(via_router
            .legs
            .iter()
            .all(|l| net.place(place(&net, &l.to)).country != "KZ"));
    }
}

/// A scenario on a graph file: the scenarios that close elements, change their figures or
/// open the planned CKU railway are re-weightings of the file's customizable hierarchy (the
/// network compiled in the frame of the file's graph; the hierarchy was prepared on every
/// element, open or not, and the edges of elements not open in the scenario are forbidden).
/// Infrastructure only (a network with services routes on them, not on the hierarchy). Every
/// answer is the one Dijkstra finds on the scenario's network compiled afresh, nothing runs
/// over a closed element, and the opened railway carries some of the routes.
#[test]
fn scenarios_that_close_or_change_elements_reweight_the_hierarchy() {
    let net = network();
    let baseline = file_router(&net, Customizing::Immediately);
    let n = net.places.len();
    let objectives = [
        Objective::Least(Criterion::Time),
        Objective::Least(Criterion::P90),
        Objective::Least(Criterion::Cost),
        Objective::Balanced {
            value_of_time_usd_per_h: 20.0,
        },
    ];
    let builtin_scenario = |name: &str| {
        silkroute_feed::builtin_scenario(name)
            .expect("built in")
            .expect("parses")
    };
    // The Caspian crossings closed and the Almaty–Shymkent road slowed to 30 km/h.
    let caspian_and_slow_road = Scenario::parse(
        r#"
        name = "caspian-closed-slow-road"
        [[link]]
        ids = ["kuryk-alat-sea", "aktau-alat-sea"]
        status = "closed"
        [[link]]
        ids = ["almaty-shymkent-road"]
        speed_kmh = 30.0
        "#,
        "test",
    )
    .expect("parses");
    let cku_open = cku_railway_open();
    let closed = ["khorgos-altynkol", "khorgos-nur-zholy-road"];
    let (mut through_khorgos, mut through_cku) = (0, 0);
    for scenario in [
        builtin_scenario("khorgos-closed"),
        builtin_scenario("faster-customs"),
        caspian_and_slow_road,
        cku_open,
    ] {
        let name = scenario.name.clone();
        let edited = scenario.applied_to(baseline.network()).expect("applies");
        // Elements closed, opened or changed: only those are laid again on the file's graph.
        let edits = edited
            .edits_from(baseline.network())
            .expect("elements edited");
        assert!(
            !(edits.links.is_empty() && edits.borders.is_empty()),
            "{name}"
        );
        let derived = baseline
            .derive(edited.clone(), vec![name.clone()])
            .expect("compiles");
        assert_eq!(derived.scenarios(), std::slice::from_ref(&name));
        assert!(derived.customizable().is_some(), "{name}: a re-weighting");
        let fresh = compile(&edited).unwrap();
        for objective in objectives {
            for i in 0..n {
                let (from, to) = (PlaceId(i as u32), PlaceId(((i * 11 + 5) % n) as u32));
                let req = RouteRequest::new(from, to, objective);
                let label = pair_label(&net, &name, &req);
                let slow = silkroute_route::best_route(&edited, &fresh, &[], &req, None);
                let fast = derived.best(&req, None);
                match (slow, fast) {
                    (Ok(s), Ok(f)) => {
                        assert!(
                            close(s.objective_value, f.objective_value),
                            "{label}: Dijkstra {} vs derived {}",
                            s.objective_value,
                            f.objective_value
                        );
                        let crosses_khorgos =
                            f.legs.iter().any(|l| closed.contains(&l.element.as_str()));
                        assert!(!(name == "khorgos-closed" && crosses_khorgos), "{label}");
                        through_khorgos += usize::from(crosses_khorgos);
                        through_cku +=
                            usize::from(f.legs.iter().any(|l| l.element.starts_with("cku-")));
                    }
                    (Err(RouteError::NoRoute { .. }), Err(RouteError::NoRoute { .. })) => {}
                    (Err(RouteError::Contradiction(_)), Err(RouteError::Contradiction(_))) => {}
                    (s, f) => panic!(
                        "{label}: Dijkstra {:?} vs derived {:?}",
                        s.map(|i| i.objective_value),
                        f.map(|i| i.objective_value)
                    ),
                }
            }
        }
        if let Some(c) = derived.customizable() {
            // The answers came from the hierarchy, not from Dijkstra.
            assert!(c.customizations() > 0, "{name}");
        }
    }
    // Khorgos is on routes where it is open: closing it is a test of something; and the
    // opened railway is on routes found through the hierarchy.
    assert!(through_khorgos > 0);
    assert!(through_cku > 0);
}

/// `router`'s best itinerary for `req`, checked against the Dijkstra search's on `net` and its
/// `graph`.
fn best_as_dijkstra(
    router: &Router,
    net: &Network,
    graph: &silkroute_graph::Graph,
    req: &RouteRequest,
) -> silkroute_route::Itinerary {
    let fast = router.best(req, None).unwrap();
    let slow = silkroute_route::best_route(net, graph, &[], req, None).unwrap();
    assert!(
        close(fast.objective_value, slow.objective_value),
        "{} vs {}",
        fast.objective_value,
        slow.objective_value
    );
    fast
}

/// The built-in scenario that closes the Khorgos crossings, applied to `net` and derived from
/// `router` (its graph framed on the file's).
fn khorgos_closed(router: &Router, net: &Network) -> (Network, Router) {
    let scenario = silkroute_feed::builtin_scenario("khorgos-closed")
        .expect("built in")
        .expect("parses");
    let edited = scenario.applied_to(net).expect("applies");
    let derived = router
        .derive(edited.clone(), vec![scenario.name.clone()])
        .expect("compiles");
    (edited, derived)
}

/// After one customization for an objective, a place avoided and a border crossing closed
/// are partial customizations of it (the few arcs the changed edges reach recomputed), not
/// whole ones; a mode filter, which changes most edges, is a whole one. Every answer is
/// Dijkstra's.
#[test]
fn a_place_avoided_or_a_crossing_closed_is_a_partial_customization() {
    let net = network();
    let graph = compile(&net).unwrap();
    let router = file_router(&net, Customizing::Immediately);
    let customizable = router.customizable().expect("in the file");
    let by_cost = |from: &str, to: &str| {
        RouteRequest::new(
            place(&net, from),
            place(&net, to),
            Objective::Least(Criterion::Cost),
        )
    };
    best_as_dijkstra(&router, &net, &graph, &by_cost("xian", "tashkent"));
    assert_eq!(customizable.customizations_made(), (1, 0));
    // Khorgos avoided: from the customization for cost.
    let mut avoiding = by_cost("urumqi", "almaty");
    avoiding.avoid_places.insert(place(&net, "khorgos"));
    let itinerary = best_as_dijkstra(&router, &net, &graph, &avoiding);
    assert!(itinerary.legs.iter().all(|l| l.to != "khorgos"));
    assert_eq!(customizable.customizations_made(), (1, 1));
    // The Khorgos crossings closed by a scenario: its graph is framed on the file's, and its
    // customization is made from the kept ones.
    let (edited, derived) = khorgos_closed(&router, &net);
    let fresh = compile(&edited).unwrap();
    best_as_dijkstra(&derived, &edited, &fresh, &by_cost("urumqi", "almaty"));
    assert_eq!(customizable.customizations_made(), (1, 2));
    // Rail only changes most edges' weights: a whole customization.
    let mut rail = by_cost("xian", "tashkent");
    rail.modes.insert(Mode::Rail);
    best_as_dijkstra(&router, &net, &graph, &rail);
    assert_eq!(customizable.customizations_made(), (2, 2));
}

/// A one-shot command (never customizing) on a graph file that stores the customizations for
/// the time objective's two criteria: a route by time with a place avoided, or with a scenario
/// that closes a border, is answered by partial customizations of the stored ones, never a
/// whole one, and is Dijkstra's; an objective with nothing stored is left to Dijkstra.
#[test]
fn stored_customizations_answer_a_one_shot_command_with_a_place_avoided_or_a_scenario() {
    let net = network();
    let graph = compile(&net).unwrap();
    let router = file_router_storing(&net, Customizing::Never, &[Criterion::Time, Criterion::P90]);
    let customizable = router.customizable().expect("in the file");
    let mut req = RouteRequest::new(
        place(&net, "urumqi"),
        place(&net, "almaty"),
        Objective::TIME,
    );
    req.avoid_places.insert(place(&net, "khorgos"));
    assert!(!router.searches_whole_graph(&req));
    let fast = best_as_dijkstra(&router, &net, &graph, &req);
    assert!(fast.legs.iter().all(|l| l.to != "khorgos"));
    // The p50 and the p90 candidates, each from its stored customization.
    assert_eq!(customizable.customizations_made(), (0, 2));
    // A hub airport avoided, airside included (flying through Tashkent is quicker).
    let mut req = RouteRequest::new(
        place(&net, "kashgar"),
        place(&net, "beyneu"),
        Objective::TIME,
    );
    req.avoid_places.insert(place(&net, "tashkent"));
    let fast = best_as_dijkstra(&router, &net, &graph, &req);
    assert!(fast.legs.iter().all(|l| l.to != "tashkent"));
    assert_eq!(customizable.customizations_made(), (0, 4));
    // The Khorgos crossings closed by a scenario.
    let (edited, derived) = khorgos_closed(&router, &net);
    let req = RouteRequest::new(
        place(&net, "urumqi"),
        place(&net, "almaty"),
        Objective::TIME,
    );
    best_as_dijkstra(&derived, &edited, &compile(&edited).unwrap(), &req);
    assert_eq!(customizable.customizations_made(), (0, 6));
    // Nothing stored for cost with a filter: Dijkstra's business, and said so.
    let mut by_cost = RouteRequest::new(
        place(&net, "urumqi"),
        place(&net, "almaty"),
        Objective::Least(Criterion::Cost),
    );
    by_cost.avoid_places.insert(place(&net, "khorgos"));
    assert!(router.searches_whole_graph(&by_cost));
    router.best(&by_cost, None).unwrap();
    assert_eq!(customizable.customizations_made(), (0, 6));
}

/// A matrix on a graph file for what no per-metric hierarchy answers (the p90 and balanced
/// objectives, a mode filter), today and with the CKU railway opened: from the customizable
/// hierarchy, every criterion summed along each cell's route, the same as Dijkstra's matrix on
/// the same network, every place to every place.
#[test]
fn a_matrix_from_the_customizable_hierarchy_equals_dijkstras() {
    let net = network();
    let baseline = file_router(&net, Customizing::Immediately);
    let opened = baseline
        .derive(
            cku_railway_open().applied_to(&net).expect("applies"),
            vec!["cku-railway-open".into()],
        )
        .expect("compiles");
    let places: Vec<PlaceId> = (0..net.places.len() as u32).map(PlaceId).collect();
    for router in [&baseline, &opened] {
        for objective in [
            Objective::Least(Criterion::P90),
            Objective::Balanced {
                value_of_time_usd_per_h: 20.0,
            },
        ] {
            let q = MatrixRequest {
                origins: places.clone(),
                destinations: places.clone(),
                objective,
                shipment: Shipment {
                    modes: [Mode::Road, Mode::Rail].into(),
                    cargo: Cargo::default(),
                },
            };
            let customizations = router.customizable().unwrap().customizations();
            let fast = router.matrix(&q);
            assert_eq!(fast.note, None);
            assert_eq!(
                router.customizable().unwrap().customizations(),
                customizations + 1,
                "customized for the matrix's weights"
            );
            let mut template = RouteRequest::new(places[0], places[1], objective);
            template.modes = q.shipment.modes.clone();
            let slow = silkroute_route::matrix(
                router.network(),
                router.graph(),
                &template,
                &places,
                &places,
            );
            let slow: Vec<_> = slow
                .into_iter()
                .flatten()
                .filter(|c| c.from != c.to)
                .collect();
            assert_eq!(fast.cells.len(), slow.len());
            let mut reached = 0;
            for (f, s) in fast.cells.iter().zip(&slow) {
                assert_eq!((&f.from, &f.to), (&s.from, &s.to));
                let label = format!("{} → {} by {}", f.from, f.to, objective.name());
                match (f.objective_value, s.objective_value) {
                    (Some(a), Some(b)) => {
                        assert!(close(a, b), "{label}: {a} vs Dijkstra {b}");
                        reached += 1;
                    }
                    (None, None) => {}
                    (a, b) => panic!("{label}: {a:?} vs Dijkstra {b:?}"),
                }
                // Every criterion is filled in along the route (two equally good routes
                // may differ in the others; the built-in network has none such here).
                for (a, b) in [
                    (f.time_sum_p50_h, s.time_sum_p50_h),
                    (f.time_sum_p90_h, s.time_sum_p90_h),
                    (f.cost_usd, s.cost_usd),
                    (f.co2e_kg, s.co2e_kg),
                    (f.distance_km, s.distance_km),
                ] {
                    assert_eq!(a.is_some(), b.is_some(), "{label}");
                    if let (Some(a), Some(b)) = (a, b) {
                        assert!(close(a, b), "{label}: {a} vs Dijkstra {b}");
                    }
                }
            }
            assert!(reached > places.len(), "most pairs are reachable");
        }
    }
}

/// A router tells which requests it would answer by a Dijkstra search of the whole graph (a
/// one-shot command on a big graph file says so instead of searching): those no hierarchy of
/// the file answers and whose weights the customizable one has not been customized for.
#[test]
fn a_router_tells_which_requests_would_search_the_whole_graph() {
    let net = network();
    let (from, to) = (place(&net, "xian"), place(&net, "tashkent"));
    let by = |c: Criterion| RouteRequest::new(from, to, Objective::Least(c));
    let never = file_router(&net, Customizing::Never);
    // The file has the time hierarchy only.
    assert!(!never.searches_whole_graph(&by(Criterion::Time)));
    assert!(never.searches_whole_graph(&by(Criterion::Cost)));
    assert!(never.searches_whole_graph(&by(Criterion::P90)));
    let mut avoiding = by(Criterion::Time);
    avoiding.avoid_countries.insert("KZ".into());
    assert!(never.searches_whole_graph(&avoiding));
    // Customizing when asked, the customizable hierarchy answers them all.
    let immediately = file_router(&net, Customizing::Immediately);
    for c in [Criterion::Cost, Criterion::P90, Criterion::Co2] {
        assert!(!immediately.searches_whole_graph(&by(c)));
    }
    // With services to ride, the timetable answers.
    let with_services = Router::new(builtin(), Vec::new()).unwrap();
    assert!(!with_services.searches_whole_graph(&by(Criterion::P90)));
}

/// A graph file of the built-in network with its services: every built-in scenario, two of
/// which suspend or start services, is laid again on the file's graph (waits to board at the
/// services' stops, mode changes into them and single-hop tariffs included), and the router
/// derived from the file's answers as one built afresh on the scenario's network does.
#[test]
fn scenarios_that_edit_services_answer_as_the_network_compiled_afresh() {
    let net = builtin();
    let baseline = file_router(&net, Customizing::Never);
    let n = net.places.len();
    let mut services_edited = 0;
    for name in [
        "khorgos-closed",
        "faster-customs",
        "caspian-storm",
        "cku-open",
    ] {
        let scenario = silkroute_feed::builtin_scenario(name)
            .expect("built in")
            .expect("parses");
        let edited = scenario.applied_to(baseline.network()).expect("applies");
        let edits = edited
            .edits_from(baseline.network())
            .expect("elements edited, none added");
        services_edited += usize::from(!edits.services.is_empty());
        // Laid again on the file's graph, not compiled in its frame.
        assert!(
            compile_edited(&edited, &edits, baseline.graph())
                .expect("compiles")
                .is_some(),
            "{name}"
        );
        let derived = baseline
            .derive(edited.clone(), vec![name.to_string()])
            .expect("compiles");
        let fresh = Router::new(edited, vec![name.to_string()]).expect("compiles");
        for objective in [
            Objective::Least(Criterion::Time),
            Objective::Least(Criterion::Cost),
        ] {
            for i in (0..n).step_by(7) {
                let (from, to) = (PlaceId(i as u32), PlaceId(((i * 7 + 3) % n) as u32));
                let req = RouteRequest::new(from, to, objective);
                let label = pair_label(&net, name, &req);
                match (fresh.best(&req, None), derived.best(&req, None)) {
                    (Ok(a), Ok(b)) => {
                        assert!(
                            close(a.objective_value, b.objective_value),
                            "{label}: afresh {} vs derived {}",
                            a.objective_value,
                            b.objective_value
                        );
                        let elements = |it: &silkroute_route::Itinerary| {
                            it.legs
                                .iter()
                                .map(|l| l.element.clone())
                                .collect::<Vec<_>>()
                        };
                        assert_eq!(elements(&a), elements(&b), "{label}");
                    }
                    (Err(a), Err(b)) => assert_eq!(a.to_string(), b.to_string(), "{label}"),
                    (a, b) => panic!(
                        "{label}: afresh {:?} vs derived {:?}",
                        a.map(|i| i.objective_value),
                        b.map(|i| i.objective_value)
                    ),
                }
            }
        }
    }
    assert_eq!(
        services_edited, 2,
        "caspian-storm and cku-open edit services"
    );
}
