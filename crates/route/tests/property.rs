//! Property tests: on random small multimodal networks the router's best value equals
//! Bellman–Ford's, Pareto menus equal the non-dominated set of all simple paths, and
//! alternatives obey their dissimilarity rule. Failing cases print the generated network.

use proptest::prelude::*;
use silkroute_graph::{compile, Graph, NodeId};
use silkroute_model::*;
use silkroute_route::{
    alternatives, criteria_of, dissimilar, pareto, route, AlternativesRequest, Cargo, Criterion,
    Objective, ParetoRequest, RouteError, RouteRequest,
};

const COUNTRIES: [&str; 3] = ["AA", "BB", "CC"];

#[derive(Debug, Clone)]
struct Spec {
    countries: Vec<usize>,
    links: Vec<(usize, usize, u8, f64, f64)>, // from, to, layer (0 rail1435, 1 rail1520, 2 road), km, speed
    borders: Vec<(usize, usize, u8, f64, f64, f64)>, // from, to, layer, p50, p90 extra, fee
    transfers: Vec<(usize, u8, u8, f64, f64, f64)>, // place, from layer, to layer, hours, cost, hub
    services: Vec<(usize, usize, f64)>,       // rail stops a→b, per week
}

fn layer(l: u8) -> (Mode, Option<Gauge>) {
    match l {
        0 => (Mode::Rail, Some(Gauge(1435))),
        1 => (Mode::Rail, Some(Gauge(1520))),
        _ => (Mode::Road, None),
    }
}

fn spec() -> impl Strategy<Value = Spec> {
    (3usize..6).prop_flat_map(|n| {
        (
            proptest::collection::vec(0usize..3, n),
            proptest::collection::vec((0..n, 0..n, 0u8..3, 10.0f64..500.0, 20.0f64..90.0), 4..16),
            proptest::collection::vec(
                (
                    0..n,
                    0..n,
                    0u8..3,
                    0.5f64..30.0,
                    0.0f64..30.0,
                    0.0f64..500.0,
                ),
                1..6,
            ),
            proptest::collection::vec(
                (
                    0..n,
                    0u8..3,
                    0u8..3,
                    0.5f64..12.0,
                    1.0f64..300.0,
                    0.1f64..3.0,
                ),
                2..10,
            ),
            proptest::collection::vec((0..n, 0..n, 0.2f64..14.0), 0..3),
        )
            .prop_map(|(countries, links, borders, transfers, services)| Spec {
                countries,
                links,
                borders,
                transfers,
                services,
            })
    })
}

fn network(s: &Spec) -> Network {
    let places = s
        .countries
        .iter()
        .enumerate()
        .map(|(i, c)| Place {
            id: format!("p{i}"),
            name_en: format!("P{i}"),
            name_zh: None,
            name_ru: None,
            aliases: vec![],
            country: COUNTRIES[*c].to_string(),
            lat: 40.0 + i as f64,
            lon: 70.0 + i as f64,
            kind: PlaceKind::City,
            timezone: "Asia/Almaty".into(),
            source: "test".into(),
        })
        .collect::<Vec<_>>();
    let mut links = Vec::new();
    for (k, &(a, b, l, km, speed)) in s.links.iter().enumerate() {
        if a == b || s.countries[a] != s.countries[b] {
            continue;
        }
        let (mode, gauge) = layer(l);
        links.push(Link {
            id: format!("l{k}"),
            from: PlaceId(a as u32),
            to: PlaceId(b as u32),
            mode,
            gauge,
            length_km: km,
            speed_kmh: Some(speed),
            duration_h: None,
            track: None,
            electrified: Some(k % 2 == 0),
            energy: None,
            capacity: None,
            status: if k % 7 == 6 {
                Status::Planned
            } else {
                Status::Open
            },
            opening_year: Some(2030),
            oneway: false,
            geometry: None,
            source: "test".into(),
        });
    }
    let mut borders = Vec::new();
    for (k, &(a, b, l, p50, extra, fee)) in s.borders.iter().enumerate() {
        if a == b || s.countries[a] == s.countries[b] {
            continue;
        }
        let (mode, gauge) = layer(l);
        let c = Clearance {
            p50_h: p50,
            p90_h: p50 + extra,
            fee_usd: fee,
        };
        borders.push(BorderCrossing {
            id: format!("b{k}"),
            from_post: PlaceId(a as u32),
            to_post: PlaceId(b as u32),
            mode,
            gauge,
            gauge_change: false,
            length_km: 5.0,
            forward: c,
            reverse: Clearance {
                p50_h: p50 * 1.5,
                ..c
            },
            capacity: None,
            opening_hours: None,
            vehicle_change: None,
            travellers: None,
            status: Status::Open,
            opening_year: None,
            source: "test".into(),
        });
    }
    let mut transfers = Vec::new();
    for (k, &(p, a, b, h, cost, hub)) in s.transfers.iter().enumerate() {
        if a == b {
            continue;
        }
        let (fm, fg) = layer(a);
        let (tm, tg) = layer(b);
        transfers.push(Transfer {
            id: format!("t{k}"),
            place: PlaceId(p as u32),
            from: Layer {
                mode: fm,
                gauge: fg,
            },
            to: Layer {
                mode: tm,
                gauge: tg,
            },
            both_ways: k % 3 != 0,
            handling_p50_h: h,
            handling_p90_h: h * 2.0,
            cost_usd: cost,
            hub_co2e_kg_per_t: hub,
            capacity: None,
            status: Status::Open,
            opening_year: None,
            source: "test".into(),
        });
    }
    let stop = |p: usize, i: usize| ServiceStop {
        place: PlaceId(p as u32),
        arrive_h: None,
        depart_h: None,
        pickup: i == 0,
        dropoff: i == 1,
        via: Vec::new(),
    };
    let services = s
        .services
        .iter()
        .enumerate()
        .filter(|(_, (a, b, _))| a != b)
        .map(|(k, &(a, b, f))| Service {
            id: format!("s{k}"),
            name: format!("S{k}"),
            operator: None,
            mode: Mode::Rail,
            carries: Carries::Cargo,
            capacity_per_departure: None,
            stops: vec![stop(a, 0), stop(b, 1)],
            schedule: Schedule::Frequency {
                per_week: f,
                wait: WaitModel::Uniform,
            },
            tariff_usd_per_feu: None,
            fares: Vec::new(),
            passenger_fares: Vec::new(),
            status: Status::Open,
            opening_year: None,
            source: "test".into(),
        })
        .collect();
    let defaults = |mode, speed, wait| ModeDefaults {
        mode,
        default_speed_kmh: speed,
        run_p90_factor: 1.3,
        default_wait_p50_h: wait,
        default_wait_p90_h: wait * 2.0,
        min_connection_h: 0.0,
        default_energy: "diesel".into(),
        source: "test".into(),
    };
    let cf = |mode, country: Option<&str>, usd| CostFactor {
        mode,
        country: country.map(str::to_string),
        usd_per_feu_km: usd,
        source: "test".into(),
    };
    let ef = |mode, energy: &str, ttw, wtw| EmissionFactor {
        mode,
        energy: energy.into(),
        ttw_g_per_tkm: ttw,
        wtw_g_per_tkm: wtw,
        source: "test".into(),
    };
    Network::new(
        places,
        links,
        borders,
        transfers,
        services,
        vec![
            defaults(Mode::Rail, 45.0, 30.0),
            defaults(Mode::Road, 50.0, 6.0),
        ],
        vec![
            cf(Mode::Rail, None, 1.6),
            cf(Mode::Rail, Some("BB"), 0.9),
            cf(Mode::Road, None, 2.5),
        ],
        vec![
            ef(Mode::Rail, "diesel", 18.0, 22.0),
            ef(Mode::Rail, "electric", 0.0, 15.0),
            ef(Mode::Road, "diesel", 60.0, 75.0),
        ],
    )
}

/// The brute-force oracle: Bellman–Ford over (via phase, node) states with the router's rules.
fn bellman_ford(net: &Network, g: &Graph, req: &RouteRequest) -> Option<f64> {
    let n = g.nodes().len();
    let phases = req.via.len() + 1;
    let ok = |v: NodeId| {
        let nd = g.node(v);
        (req.modes.is_empty() || req.modes.contains(&nd.layer.mode))
            && !req.avoid_places.contains(&nd.place)
            && !req.avoid_countries.contains(&net.place(nd.place).country)
    };
    let mut d = vec![f64::INFINITY; n * phases];
    for &v in g.place_nodes(req.from) {
        if ok(v) {
            d[v.index()] = d[v.index()].min(req.objective.board_weight(&g.node(v).board_wait));
        }
    }
    for _ in 0..(n * phases + 1) {
        let mut changed = false;
        for ph in 0..phases {
            for v in 0..n {
                let s = ph * n + v;
                if !d[s].is_finite() {
                    continue;
                }
                if ph + 1 < phases && g.nodes()[v].place == req.via[ph] && d[s] < d[s + n] {
                    d[s + n] = d[s];
                    changed = true;
                }
                for ei in g.out_edges(NodeId(v as u32)) {
                    let e = &g.edges()[ei];
                    if !ok(e.head) {
                        continue;
                    }
                    let t = ph * n + e.head.index();
                    let w = d[s] + req.objective.edge_weight(e, &req.cargo);
                    if w < d[t] - 1e-12 {
                        d[t] = w;
                        changed = true;
                    }
                }
            }
        }
        if !changed {
            break;
        }
    }
    g.place_nodes(req.to)
        .iter()
        .map(|v| d[(phases - 1) * n + v.index()])
        .filter(|x| x.is_finite())
        .min_by(f64::total_cmp)
}

/// Two different places of an `n`-place network from two random numbers.
fn pair(n: usize, a: usize, b: usize) -> (PlaceId, PlaceId) {
    let from = a % n;
    let to = (from + 1 + b % (n - 1)) % n;
    (PlaceId(from as u32), PlaceId(to as u32))
}

fn objective(k: u8) -> Objective {
    match k {
        0 => Objective::Least(Criterion::Time),
        1 => Objective::Least(Criterion::Cost),
        2 => Objective::Least(Criterion::Co2),
        3 => Objective::Least(Criterion::P90),
        _ => Objective::Balanced {
            value_of_time_usd_per_h: 15.0,
        },
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]

    #[test]
    fn the_router_agrees_with_bellman_ford(
        s in spec(), from in 0usize..7, to in 0usize..7, obj in 0u8..5, via in proptest::option::of(0usize..7),
        modes in 0u8..4, avoid in proptest::option::of(0usize..7), tonnes in 1.0f64..40.0,
    ) {
        let net = network(&s);
        let n = net.places.len();
        let g = compile(&net).unwrap();
        let (a, b) = pair(n, from, to);
        let mut req = RouteRequest::new(a, b, objective(obj));
        req.cargo = Cargo::tonnes(tonnes);
        if let Some(v) = via { req.via.push(PlaceId((v % n) as u32)); }
        match modes { 1 => { req.modes.insert(Mode::Rail); } 2 => { req.modes.insert(Mode::Road); } _ => {} }
        if let Some(a) = avoid { req.avoid_places.insert(PlaceId((a % n) as u32)); }
        let oracle = bellman_ford(&net, &g, &req);
        match route(&net, &g, &req) {
            Ok(it) => {
                let best = oracle.expect("router found a route that Bellman–Ford did not");
                prop_assert!((it.objective_value - best).abs() <= 1e-6 * best.max(1.0), "router {} vs Bellman–Ford {best}", it.objective_value);
                let (cost, co2): (f64, f64) = it.legs.iter().fold((0.0, 0.0), |a, l| (a.0 + l.cost_usd, a.1 + l.co2e_kg));
                prop_assert!((cost - it.summary.cost_usd).abs() < 1e-6 && (co2 - it.summary.co2e_kg).abs() < 1e-6);
                if let Objective::Least(Criterion::Time) = req.objective {
                    prop_assert!((it.objective_value - it.summary.time_h.sum_p50).abs() < 1e-6);
                }
            }
            Err(RouteError::NoRoute { .. }) => prop_assert!(oracle.is_none(), "router found no route, Bellman–Ford found {oracle:?}"),
            Err(RouteError::Contradiction(_)) => prop_assert!(avoid.is_some()),
            Err(e @ RouteError::Invalid(_)) => prop_assert!(false, "infrastructure search refused: {e}"),
        }
    }

    #[test]
    fn pareto_menus_are_the_non_dominated_simple_paths(s in spec(), from in 0usize..7, to in 0usize..7) {
        let net = network(&s);
        let n = net.places.len();
        let g = compile(&net).unwrap();
        let (a, b) = pair(n, from, to);
        let req = RouteRequest::new(a, b, Objective::Least(Criterion::Time));
        let all = simple_path_vectors(&g, &req);
        let mut pr = ParetoRequest::new(req.clone());
        pr.epsilon = 0.0;
        pr.cap = 10_000;
        let crit = [Criterion::Time, Criterion::Cost, Criterion::Co2];
        match pareto(&net, &g, &pr) {
            Ok(menu) => {
                let got: Vec<Vec<f64>> = menu.iter().map(|it| {
                    let mut v = criteria_of(it, &crit);
                    v[0] = it.summary.time_h.sum_p50;
                    v
                }).collect();
                let dominates = |a: &[f64], b: &[f64]| a.iter().zip(b).all(|(x, y)| *x <= y + 1e-6) && a.iter().zip(b).any(|(x, y)| *x < y - 1e-6);
                for v in &got {
                    prop_assert!(!all.iter().any(|p| dominates(p, v)), "menu option {v:?} is dominated");
                }
                for p in all.iter().filter(|p| !all.iter().any(|q| dominates(q, p))) {
                    prop_assert!(got.iter().any(|v| v.iter().zip(p).all(|(x, y)| (x - y).abs() <= 1e-6 * y.max(1.0))), "Pareto point {p:?} missing from {got:?}");
                }
            }
            Err(RouteError::NoRoute { .. }) => prop_assert!(all.is_empty()),
            Err(e) => prop_assert!(false, "{e}"),
        }
    }

    #[test]
    fn alternatives_obey_the_dissimilarity_rule(s in spec(), from in 0usize..7, to in 0usize..7, k in 1usize..5) {
        let net = network(&s);
        let n = net.places.len();
        let g = compile(&net).unwrap();
        let (a, b) = pair(n, from, to);
        let req = RouteRequest::new(a, b, Objective::Least(Criterion::Time));
        if let Ok(alts) = alternatives(&net, &g, &AlternativesRequest::new(req.clone(), k)) {
            prop_assert!(alts.len() <= k);
            let best = route(&net, &g, &req).unwrap();
            prop_assert!((alts[0].objective_value - best.objective_value).abs() < 1e-6, "the first alternative is the best route");
            for i in 0..alts.len() {
                for j in 0..i {
                    prop_assert!(dissimilar(&alts[i], &alts[j], 0.5) || dissimilar(&alts[j], &alts[i], 0.5), "alternatives {i} and {j} are too alike");
                }
            }
        }
    }
}

/// Criteria vectors (sum of p50 hours, USD, kg CO2e) of every simple path between the places.
fn simple_path_vectors(g: &Graph, req: &RouteRequest) -> Vec<Vec<f64>> {
    let mut out = Vec::new();
    for &o in g.place_nodes(req.from) {
        let w = &g.node(o).board_wait;
        let mut on = vec![false; g.nodes().len()];
        dfs(g, req, o, [w.p50_h, 0.0, 0.0], &mut on, &mut out);
    }
    out
}

fn dfs(
    g: &Graph,
    req: &RouteRequest,
    v: NodeId,
    acc: [f64; 3],
    on: &mut [bool],
    out: &mut Vec<Vec<f64>>,
) {
    if g.node(v).place == req.to {
        out.push(acc.to_vec());
        return;
    }
    on[v.index()] = true;
    for ei in g.out_edges(v) {
        let e = &g.edges()[ei];
        if on[e.head.index()] {
            continue;
        }
        let next = [
            acc[0] + e.time_p50_h + e.wait_p50_h,
            acc[1] + e.cost_usd_per_feu * req.cargo.feu,
            acc[2] + e.wtw_g_per_t * req.cargo.tonnes / 1000.0,
        ];
        dfs(g, req, e.head, next, on, out);
    }
    on[v.index()] = false;
}
