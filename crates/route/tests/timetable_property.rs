//! The timetable router (earliest arrival and the Pareto set over arrival, money, emissions and
//! vehicles) against a brute force on random small timetables: a time-expanded
//! Dijkstra that enumerates every trip of every service (not only the next one) and every
//! truck leg, so it relies on no FIFO argument. A frequency service departs, in a dated query, the
//! stated quantile of its wait after the cargo is ready for it (FREQUENCY_WAIT_QUANTILE), in the
//! oracle as in the router. Charters are priced out here (a formation time beyond the horizon);
//! they are covered by the scenario tests.

use proptest::prelude::*;
use silkroute_feed::load_files;
use silkroute_graph::{Departures, EdgeKind, Graph, Instant, NodeId, Pattern, Timetable};
use silkroute_model::{Mode, Network};
use silkroute_route::{
    earliest_arrival, pareto_journeys, Criterion, Objective, RouteRequest, Router,
    FREQUENCY_WAIT_QUANTILE,
};
use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};

#[derive(Debug, Clone)]
struct Spec {
    places: usize,
    /// (from, to, km) rail links: a chain, then extras.
    rail: Vec<(usize, usize, u32)>,
    /// (from, to, km) road links.
    road: Vec<(usize, usize, u32)>,
    /// (stops, weekday bits, minutes of day, or departures per week of a frequency service).
    services: Vec<(Vec<usize>, u8, u32, Option<u32>)>,
    /// Per service (empty: none): hours of every hop, given as stop times in
    /// service_stops.csv (services on the same stops at other speeds overtake one another).
    hop_hours: Vec<Option<u32>>,
    /// Per service (empty: none): a bounded calendar, (first day after Monday 25 May 2026,
    /// days it lasts).
    dates: Vec<Option<(u32, u32)>>,
    /// Ready: minutes after Monday 1 June 2026 00:00 UTC.
    ready_min: u32,
    from: usize,
    to: usize,
}

fn spec() -> impl Strategy<Value = Spec> {
    (3usize..7).prop_flat_map(|n| {
        let chain = proptest::collection::vec(50u32..800, n - 1);
        let extra = proptest::collection::vec((0..n, 0..n, 50u32..800), 0..3);
        let road = proptest::collection::vec((0..n, 0..n, 50u32..800), 0..4);
        let services = proptest::collection::vec(
            (
                proptest::collection::vec(0..n, 2..4),
                1u8..128,
                0u32..1440,
                proptest::option::weighted(0.3, 1u32..30),
            ),
            1..5,
        );
        (chain, extra, road, services, 0u32..(14 * 1440), 0..n, 0..n).prop_map(
            move |(chain, extra, road, services, ready_min, from, to)| {
                let mut rail: Vec<_> = chain
                    .iter()
                    .enumerate()
                    .map(|(i, &km)| (i, i + 1, km))
                    .collect();
                rail.extend(extra.into_iter().filter(|(a, b, _)| a != b));
                let services = services
                    .into_iter()
                    .map(|(mut stops, days, minute, frequency)| {
                        stops.dedup();
                        (stops, days, minute, frequency)
                    })
                    .filter(|(stops, ..)| stops.len() >= 2 && stops[0] != stops[stops.len() - 1])
                    .collect();
                Spec {
                    places: n,
                    rail,
                    road: road.into_iter().filter(|(a, b, _)| a != b).collect(),
                    services,
                    hop_hours: Vec::new(),
                    dates: Vec::new(),
                    ready_min,
                    from,
                    to,
                }
            },
        )
    })
}

/// Timetabled services on bounded calendars over two stop sequences, at several speeds: the
/// timetable gathers their trips into lines (tables of trips that do not overtake).
fn lines_spec() -> impl Strategy<Value = Spec> {
    (3usize..7).prop_flat_map(|n| {
        let chain = proptest::collection::vec(50u32..800, n - 1);
        let template = || {
            proptest::collection::vec(0..n, 2..5).prop_map(|mut v| {
                v.dedup();
                v
            })
        };
        let services = proptest::collection::vec(
            (
                0usize..2,
                1u8..128,
                0u32..1440,
                proptest::option::of(1u32..14),
                (0u32..10, 3u32..30),
            ),
            2..9,
        );
        (
            chain,
            template(),
            template(),
            services,
            0u32..(14 * 1440),
            0..n,
            0..n,
        )
            .prop_map(move |(chain, a, b, services, ready_min, from, to)| {
                let rail = chain
                    .iter()
                    .enumerate()
                    .map(|(i, &km)| (i, i + 1, km))
                    .collect();
                let templates = [a, b];
                let services: Vec<_> = services
                    .into_iter()
                    .filter(|s| {
                        let t = &templates[s.0];
                        t.len() >= 2 && t[0] != t[t.len() - 1]
                    })
                    .collect();
                Spec {
                    places: n,
                    rail,
                    road: Vec::new(),
                    hop_hours: services.iter().map(|s| s.3).collect(),
                    dates: services.iter().map(|s| Some(s.4)).collect(),
                    services: services
                        .iter()
                        .map(|s| (templates[s.0].clone(), s.1, s.2, None))
                        .collect(),
                    ready_min,
                    from,
                    to,
                }
            })
    })
}

fn network(s: &Spec) -> Result<Network, String> {
    let mut places = String::from("id,name_en,country,lat,lon,kind,source\n");
    for i in 0..s.places {
        places.push_str(&format!("p{i},P{i},KZ,{},{},city,test\n", 40 + i, 60 + i));
    }
    let mut links = String::from("id,from,to,mode,gauge_mm,length_km,speed_kmh,status,source\n");
    for (k, (a, b, km)) in s.rail.iter().enumerate() {
        links.push_str(&format!("r{k},p{a},p{b},rail,1520,{km},50,open,test\n"));
    }
    for (k, (a, b, km)) in s.road.iter().enumerate() {
        links.push_str(&format!("d{k},p{a},p{b},road,,{km},60,open,test\n"));
    }
    let mut transfers = String::from("id,place,from_mode,from_gauge_mm,to_mode,to_gauge_mm,both_ways,handling_p50_h,handling_p90_h,cost_usd,hub_co2e_kg_per_t,status,source\n");
    for i in 0..s.places {
        let touches_road = s.road.iter().any(|&(a, b, _)| a == i || b == i);
        if touches_road {
            transfers.push_str(&format!(
                "t{i},p{i},rail,1520,road,,yes,1,2,10,1,open,test\n"
            ));
        }
    }
    let mut services = String::from(
        "id,name,mode,stops,frequency_per_week,wait_model,days,times,start_date,end_date,status,source\n",
    );
    let mut service_stops = String::from("service,seq,place,arrive_h,depart_h\n");
    let monday = jiff::civil::date(2026, 5, 25);
    for (k, (stops, days, minute, frequency)) in s.services.iter().enumerate() {
        let names = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
        let d: Vec<&str> = (0..7)
            .filter(|i| days & (1 << i) != 0)
            .map(|i| names[i])
            .collect();
        let mut st: Vec<String> = stops.iter().map(|p| format!("p{p}")).collect();
        if let Some(Some(h)) = s.hop_hours.get(k) {
            for (i, p) in st.iter().enumerate() {
                let at = i as u32 * h;
                service_stops.push_str(&format!("s{k},{i},{p},{at},{at}\n"));
            }
            st.clear();
        }
        let (start, end) = match s.dates.get(k) {
            Some(Some((first, days))) => {
                let day = |n: u32| {
                    monday
                        .checked_add(jiff::Span::new().days(i64::from(n)))
                        .unwrap()
                };
                (day(*first).to_string(), day(first + days).to_string())
            }
            _ => (String::new(), String::new()),
        };
        match frequency {
            Some(f) => {
                let model = if f % 2 == 0 { "uniform" } else { "exponential" };
                services.push_str(&format!(
                    "s{k},S{k},rail,{},{f},{model},,,,,open,test\n",
                    st.join(";")
                ))
            }
            None => services.push_str(&format!(
                "s{k},S{k},rail,{},,,{},{:02}:{:02},{start},{end},open,test\n",
                st.join(";"),
                d.join(";"),
                minute / 60,
                minute % 60
            )),
        }
    }
    let files: HashMap<&str, Vec<u8>> = [
        ("places.csv", places),
        ("links.csv", links),
        ("transfers.csv", transfers),
        ("services.csv", services),
        ("service_stops.csv", service_stops),
        ("modes.csv", "mode,default_speed_kmh,run_p90_factor,default_wait_p50_h,default_wait_p90_h,min_connection_h,default_energy,source\nrail,50,1.3,1999,1999,5,diesel,test\nroad,60,1.3,12,24,1,diesel,test\n".into()),
        ("cost_factors.csv", "mode,country,usd_per_feu_km,source\nrail,*,1,test\nroad,*,2,test\n".into()),
        ("emission_factors.csv", "mode,energy,ttw_g_per_tkm,wtw_g_per_tkm,source\nrail,diesel,18,22,test\nroad,diesel,60,75,test\n".into()),
    ]
    .into_iter()
    .map(|(k, v)| (k, v.into_bytes()))
    .collect();
    load_files(&files)
        .map(|(n, _)| n)
        .map_err(|e| e.to_string())
}

/// The trip starts of pattern `p` that board at stop `i` for cargo ready there at `t` (after
/// the minimum connection `conn`): every enumerated trip departing then or later, or for a
/// frequency service the one that departs the stated quantile of the wait after `t + conn`.
fn boardable(p: &Pattern, trips: &[Instant], i: usize, t: Instant, conn: Instant) -> Vec<Instant> {
    let st = &p.stops[i];
    match p.departures {
        Departures::Frequency { headway_s, wait } => {
            // The wait model scales with its headway: in seconds here, as in the router.
            let w = wait.quantile_h(headway_s as f64, FREQUENCY_WAIT_QUANTILE);
            vec![t + conn + w.round() as Instant - st.depart_s]
        }
        Departures::Timetable { .. } => trips
            .iter()
            .copied()
            .filter(|&start| start + st.depart_s >= t + conn)
            .collect(),
    }
}

/// Brute force: Dijkstra over (free node | on a truck at a node | trip k of pattern p at
/// stop i) with every trip enumerated.
fn brute_force(
    net: &Network,
    graph: &Graph,
    tt: &Timetable,
    req: &RouteRequest,
    ready: Instant,
) -> Option<Instant> {
    #[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
    enum S {
        Free(u32),
        Truck(u32),
        Trip(u32, Instant, u16),
    }
    let h = |x: f64| (x * 3600.0).round() as Instant;
    let horizon = ready + 60 * 24 * 3600;
    let trips: Vec<Vec<Instant>> = tt
        .patterns
        .iter()
        .map(|p| p.trip_starts(ready - 70 * 24 * 3600, horizon))
        .collect();
    let mut best: HashMap<S, Instant> = HashMap::new();
    let mut heap = BinaryHeap::new();
    for &v in graph.place_nodes(req.from) {
        heap.push(Reverse((ready, S::Free(v.0))));
    }
    while let Some(Reverse((t, s))) = heap.pop() {
        if t > horizon || best.get(&s).is_some_and(|&b| b <= t) {
            continue;
        }
        best.insert(s, t);
        let mut push = |s2: S, t2: Instant| heap.push(Reverse((t2, s2)));
        match s {
            S::Free(v) => {
                let nd = graph.node(NodeId(v));
                if nd.place == req.to {
                    return Some(t);
                }
                if nd.layer.mode == Mode::Road {
                    push(
                        S::Truck(v),
                        t + h(net.mode_defaults(Mode::Road).unwrap().default_wait_p50_h),
                    );
                }
                for ei in graph.out_edges(NodeId(v)) {
                    let e = &graph.edges()[ei];
                    if matches!(e.kind(), EdgeKind::Transfer(_)) {
                        push(S::Free(e.head.0), t + h(e.time_p50_h));
                    }
                }
                for (pi, p) in tt.patterns.iter().enumerate() {
                    let conn = h(net.mode_defaults(p.mode).unwrap().min_connection_h);
                    for (i, st) in p.stops.iter().enumerate() {
                        if st.node.0 != v || !st.pickup {
                            continue;
                        }
                        for start in boardable(p, &trips[pi], i, t, conn) {
                            push(S::Trip(pi as u32, start, i as u16), start + st.depart_s);
                        }
                    }
                }
            }
            S::Truck(v) => {
                push(S::Free(v), t);
                for ei in graph.out_edges(NodeId(v)) {
                    let e = &graph.edges()[ei];
                    if matches!(e.kind(), EdgeKind::Run(_))
                        && graph.node(e.head).layer.mode == Mode::Road
                    {
                        push(S::Truck(e.head.0), t + h(e.time_p50_h));
                    }
                }
            }
            S::Trip(pi, start, i) => {
                let p = &tt.patterns[pi as usize];
                let i = i as usize;
                if i + 1 < p.stops.len() {
                    let next = &p.stops[i + 1];
                    push(S::Trip(pi, start, i as u16 + 1), start + next.depart_s);
                    if next.dropoff {
                        push(S::Free(next.node.0), start + next.arrive_s);
                    }
                }
            }
        }
    }
    None
}

/// A label of the brute-force Pareto search: (arrival, USD, kg CO2e, vehicles).
type Values = (Instant, f64, f64, u16);

fn dominates(a: &Values, b: &Values) -> bool {
    a.0 <= b.0 && a.1 <= b.1 + 1e-9 && a.2 <= b.2 + 1e-9 && a.3 <= b.3
}

/// Brute-force Pareto set over arrival, money, emissions and vehicles: labels per explicit
/// state (every trip enumerated), processed in time order.
fn brute_force_pareto(
    net: &Network,
    graph: &Graph,
    tt: &Timetable,
    req: &RouteRequest,
    ready: Instant,
) -> Vec<Values> {
    #[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
    enum S {
        Free(u32),
        Truck(u32),
        Trip(u32, Instant, u16),
    }
    let h = |x: f64| (x * 3600.0).round() as Instant;
    let cargo = req.cargo;
    let horizon = ready + 60 * 24 * 3600;
    let trips: Vec<Vec<Instant>> = tt
        .patterns
        .iter()
        .map(|p| p.trip_starts(ready - 70 * 24 * 3600, horizon))
        .collect();
    let mut bags: HashMap<S, Vec<Values>> = HashMap::new();
    let mut done: Vec<Values> = Vec::new();
    let mut heap = BinaryHeap::new();
    let push = |heap: &mut BinaryHeap<Reverse<(Instant, u64, S)>>,
                store: &mut Vec<(S, Values)>,
                s: S,
                v: Values| {
        store.push((s, v));
        heap.push(Reverse((v.0, store.len() as u64 - 1, s)));
    };
    let mut store: Vec<(S, Values)> = Vec::new();
    for &v in graph.place_nodes(req.from) {
        push(&mut heap, &mut store, S::Free(v.0), (ready, 0.0, 0.0, 0));
    }
    while let Some(Reverse((t, k, s))) = heap.pop() {
        let v = store[k as usize].1;
        if t > horizon || done.iter().any(|d| dominates(d, &v)) {
            continue;
        }
        let bag = bags.entry(s).or_default();
        if bag.iter().any(|b| dominates(b, &v)) {
            continue;
        }
        bag.retain(|b| !dominates(&v, b));
        bag.push(v);
        let edge_cost = |e: &silkroute_graph::Edge| {
            (cargo.usd(e.cost_usd_per_feu), cargo.co2e_kg(e.wtw_g_per_t))
        };
        match s {
            S::Free(n) => {
                let nd = graph.node(NodeId(n));
                if nd.place == req.to {
                    done.retain(|d| !dominates(&v, d));
                    done.push(v);
                    continue;
                }
                if nd.layer.mode == Mode::Road {
                    let wait = h(net.mode_defaults(Mode::Road).unwrap().default_wait_p50_h);
                    push(
                        &mut heap,
                        &mut store,
                        S::Truck(n),
                        (t + wait, v.1, v.2, v.3 + 1),
                    );
                }
                for ei in graph.out_edges(NodeId(n)) {
                    let e = &graph.edges()[ei];
                    if matches!(e.kind(), EdgeKind::Transfer(_)) {
                        let (u, c) = edge_cost(e);
                        push(
                            &mut heap,
                            &mut store,
                            S::Free(e.head.0),
                            (t + h(e.time_p50_h), v.1 + u, v.2 + c, v.3),
                        );
                    }
                }
                for (pi, p) in tt.patterns.iter().enumerate() {
                    let conn = h(net.mode_defaults(p.mode).unwrap().min_connection_h);
                    for (i, st) in p.stops.iter().enumerate() {
                        if st.node.0 != n || !st.pickup {
                            continue;
                        }
                        for start in boardable(p, &trips[pi], i, t, conn) {
                            push(
                                &mut heap,
                                &mut store,
                                S::Trip(pi as u32, start, i as u16),
                                (start + st.depart_s, v.1, v.2, v.3 + 1),
                            );
                        }
                    }
                }
            }
            S::Truck(n) => {
                push(&mut heap, &mut store, S::Free(n), v);
                for ei in graph.out_edges(NodeId(n)) {
                    let e = &graph.edges()[ei];
                    if matches!(e.kind(), EdgeKind::Run(_))
                        && graph.node(e.head).layer.mode == Mode::Road
                    {
                        let (u, c) = edge_cost(e);
                        push(
                            &mut heap,
                            &mut store,
                            S::Truck(e.head.0),
                            (t + h(e.time_p50_h), v.1 + u, v.2 + c, v.3),
                        );
                    }
                }
            }
            S::Trip(pi, start, i) => {
                let p = &tt.patterns[pi as usize];
                let i = i as usize;
                if i + 1 < p.stops.len() {
                    let next = &p.stops[i + 1];
                    let c = p.hop_costs(i, &cargo);
                    let (u, co2) = (v.1 + c.usd, v.2 + c.co2e_kg);
                    push(
                        &mut heap,
                        &mut store,
                        S::Trip(pi, start, i as u16 + 1),
                        (start + next.depart_s, u, co2, v.3),
                    );
                    if next.dropoff {
                        push(
                            &mut heap,
                            &mut store,
                            S::Free(next.node.0),
                            (start + next.arrive_s, u, co2, v.3),
                        );
                    }
                }
            }
        }
    }
    done.sort_by(|a, b| a.partial_cmp(b).unwrap());
    done
}

/// Earliest arrival and the Pareto menu of the router equal the brute force's on `s`.
fn check(s: &Spec) -> Result<(), TestCaseError> {
    prop_assume!(s.from != s.to);
    let net = network(s).map_err(|e| TestCaseError::fail(format!("invalid random feed: {e}")))?;
    let r = Router::new(net, Vec::new()).unwrap();
    let (net, graph, tt) = (r.network(), r.graph(), r.timetable());
    let req = RouteRequest::new(
        net.place_id(&format!("p{}", s.from)).unwrap(),
        net.place_id(&format!("p{}", s.to)).unwrap(),
        Objective::Least(Criterion::Time),
    );
    let ready = jiff::civil::date(2026, 6, 1)
        .to_datetime(jiff::civil::Time::midnight())
        .to_zoned_datetime(jiff::tz::TimeZone::UTC)
        .unwrap()
        .timestamp()
        .as_second()
        + i64::from(s.ready_min) * 60;
    let ours = earliest_arrival(net, graph, tt, &req, ready).map(|j| j.arrival);
    let oracle = brute_force(net, graph, tt, &req, ready);
    prop_assert_eq!(ours, oracle);
    // The Pareto set over arrival, money, emissions and vehicles.
    let mut menu: Vec<Values> = pareto_journeys(net, graph, tt, &req, ready)
        .iter()
        .map(|j| {
            let t = j.totals(net, graph, tt, &req.cargo);
            let vehicles = j
                .signature()
                .iter()
                .fold((0u16, None), |(n, prev), (c, _)| {
                    let boards = matches!(
                        c,
                        silkroute_route::Carrier::Service(_)
                            | silkroute_route::Carrier::Truck
                            | silkroute_route::Carrier::Charter
                    );
                    if boards && prev != Some(*c) {
                        (n + 1, Some(*c))
                    } else if boards {
                        (n, prev)
                    } else {
                        (n, None)
                    }
                })
                .0;
            (j.arrival, t.usd, t.co2e_kg, vehicles)
        })
        .collect();
    menu.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let oracle = brute_force_pareto(net, graph, tt, &req, ready);
    prop_assert_eq!(
        menu.len(),
        oracle.len(),
        "ours {:?} vs brute force {:?}",
        menu,
        oracle
    );
    for (a, b) in menu.iter().zip(&oracle) {
        prop_assert!(
            a.0 == b.0 && (a.1 - b.1).abs() < 1e-6 && (a.2 - b.2).abs() < 1e-6 && a.3 == b.3,
            "ours {:?} vs brute force {:?}",
            menu,
            oracle
        );
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn earliest_arrival_and_the_pareto_set_equal_a_time_expanded_brute_force(s in spec()) {
        check(&s)?;
    }

    #[test]
    fn lines_of_trips_on_bounded_calendars_equal_the_brute_force(s in lines_spec()) {
        check(&s)?;
    }
}
