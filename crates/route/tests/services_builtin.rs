//! The built-in network on services: the timetabled Urumqi–Almaty train, and every pair of
//! its terminals checked as a forwarder would look at the itinerary.

use rayon::prelude::*;
use silkroute_feed::builtin;
use silkroute_model::{Mode, PlaceKind};
use silkroute_route::Router;
use silkroute_route::{Criterion, Itinerary, LegKind, Menu, Objective, RouteQuery, RouteRequest};

fn query(r: &Router, from: &str, to: &str, depart: Option<&str>, modes: &[Mode]) -> RouteQuery {
    let mut request = RouteRequest::new(
        r.find(from).unwrap(),
        r.find(to).unwrap(),
        Objective::Least(Criterion::Time),
    );
    request.modes.extend(modes.iter().copied());
    let when = r
        .when(request.from, request.to, depart, None, None, None)
        .unwrap();
    RouteQuery {
        request,
        menu: Menu::Best,
        deadline_h: None,
        when,
    }
}

fn rides(it: &Itinerary) -> Vec<&str> {
    let mut out: Vec<&str> = Vec::new();
    for l in it.legs.iter().filter(|l| l.kind == LegKind::Run) {
        let s = l.service.as_deref().unwrap_or("?");
        if out.last() != Some(&s) {
            out.push(s);
        }
    }
    out
}

#[test]
fn urumqi_almaty_by_rail_rides_the_wednesday_train_or_waits_for_it() {
    let r = Router::new(builtin(), Vec::new()).unwrap();
    // Tuesday 8 December 2026, 09:00 in Urumqi (Beijing time): in time for Wednesday's train
    // after the 24 h terminal cut-off.
    let q = query(
        &r,
        "Urumqi",
        "Almaty",
        Some("2026-12-08T09:00"),
        &[Mode::Rail],
    );
    let it = r.route(&q).unwrap().routes.remove(0);
    assert_eq!(rides(&it), ["urumqi-almaty-train"]);
    let board = it.legs.iter().find(|l| l.kind == LegKind::Run).unwrap();
    assert_eq!(
        board.departs.as_deref(),
        Some("2026-12-09T12:00+08:00[Asia/Shanghai]")
    );
    let arrives = it.summary.arrives.clone().unwrap();
    assert!(arrives.starts_with("2026-12-1") && arrives.ends_with("+05:00[Asia/Almaty]"));
    // Thursday: the next train is the following Wednesday.
    let q = query(
        &r,
        "Urumqi",
        "Almaty",
        Some("2026-12-10T09:00"),
        &[Mode::Rail],
    );
    let it = r.route(&q).unwrap().routes.remove(0);
    assert_eq!(rides(&it), ["urumqi-almaty-train"]);
    let board = it.legs.iter().find(|l| l.kind == LegKind::Run).unwrap();
    assert_eq!(
        board.departs.as_deref(),
        Some("2026-12-16T12:00+08:00[Asia/Shanghai]")
    );
}

/// Every pair of the built-in network's terminals, default modes, undated: no place visited
/// twice, a wait of at least the minimum connection time (or the truck's booking, the
/// charter's formation) at every change of vehicle, and the week's p50 never below the
/// running time of the fastest itinerary that serves it.
#[test]
fn every_pair_of_terminals_gives_an_itinerary_a_forwarder_would_accept() {
    let net = builtin();
    let r = Router::new(net.clone(), Vec::new()).unwrap();
    let terminals: Vec<_> = (0..net.places.len() as u32)
        .map(silkroute_model::PlaceId)
        .filter(|&p| net.place(p).kind != PlaceKind::BorderPost)
        // Places only planned lines reach (Makmal on the CKU) have no route today.
        .filter(|&p| {
            net.links
                .iter()
                .any(|l| l.status == silkroute_model::Status::Open && (l.from == p || l.to == p))
        })
        .collect();
    let pairs: Vec<_> = terminals
        .iter()
        .flat_map(|&a| terminals.iter().map(move |&b| (a, b)))
        .filter(|(a, b)| a != b)
        .collect();
    let problems: Vec<String> = pairs
        .par_iter()
        .filter_map(|&(a, b)| {
            let mut request = RouteRequest::new(a, b, Objective::Least(Criterion::Time));
            request.modes.clear();
            let q = RouteQuery {
                request,
                menu: Menu::Best,
                deadline_h: None,
                when: silkroute_route::When::Undated { reference: None },
            };
            let answer = match r.route(&q) {
                Ok(a) => a,
                Err(e) => return Some(format!("{}→{}: {e}", net.place(a).id, net.place(b).id)),
            };
            let name = format!("{} → {}", net.place(a).id, net.place(b).id);
            let mut out = Vec::new();
            for it in &answer.routes {
                out.extend(check(&net, it).into_iter().map(|p| format!("{name}: {p}")));
            }
            let timing = answer.timing.unwrap();
            let t = timing.ready_to_arrival_h.unwrap();
            // The week's bad case adds to its planned mean what each itinerary's bad days add,
            // weighted by the ready times it serves (when every itinerary is listed).
            if (timing.shares.iter().sum::<f64>() - 1.0).abs() < 1e-9 {
                let bad_days_h: f64 = answer
                    .routes
                    .iter()
                    .zip(&timing.shares)
                    .map(|(it, share)| share * it.summary.time_h.bad_days_h())
                    .sum();
                if (t.bad_days_h() - bad_days_h).abs() > 1e-6 {
                    out.push(format!(
                        "{name}: the week's sum_p90 {:.1} h is its sum_p50 {:.1} h plus {:.1} h, not the itineraries' {bad_days_h:.1} h",
                        t.sum_p90,
                        t.sum_p50,
                        t.bad_days_h()
                    ));
                }
            }
            let fastest_moving = answer
                .routes
                .iter()
                .map(moving_h)
                .fold(f64::INFINITY, f64::min);
            if t.p50 < fastest_moving - 1e-6 {
                out.push(format!(
                    "{name}: p50 {:.1} h below the running time {fastest_moving:.1} h",
                    t.p50
                ));
            }
            if !(t.p50 <= t.p90 && t.p90 <= t.p95.unwrap()) {
                out.push(format!("{name}: quantiles out of order {t:?}"));
            }
            (!out.is_empty()).then(|| out.join("\n"))
        })
        .collect();
    assert!(
        problems.is_empty(),
        "{} of {} pairs:\n{}",
        problems.len(),
        pairs.len(),
        problems[..problems.len().min(20)].join("\n")
    );
}

/// Hours moving: every leg but the waits.
fn moving_h(it: &Itinerary) -> f64 {
    it.legs
        .iter()
        .filter(|l| l.kind != LegKind::Wait)
        .map(|l| l.time_h)
        .sum()
}

fn check(net: &silkroute_model::Network, it: &Itinerary) -> Vec<String> {
    let mut out = Vec::new();
    // Places in order, repeats at one place (waits, transfers) collapsed.
    let mut places: Vec<&str> = Vec::new();
    for l in &it.legs {
        for p in [&l.from, &l.to] {
            if places.last() != Some(&p.as_str()) {
                places.push(p);
            }
        }
    }
    let mut seen = std::collections::HashSet::new();
    for p in &places {
        if !seen.insert(*p) {
            out.push(format!("visits {p} twice: {}", places.join(" → ")));
            break;
        }
    }
    // Every change of vehicle waits at least the least connection (or booking) time.
    let mut prev_vehicle: Option<&str> = None;
    let mut waited = 0.0;
    for l in &it.legs {
        match l.kind {
            LegKind::Wait => {
                if !l.description.starts_with("scheduled stop") {
                    waited += l.time_h;
                }
            }
            LegKind::Run => {
                let vehicle = l.service.as_deref().unwrap_or("?");
                if prev_vehicle != Some(vehicle) {
                    let need = match vehicle {
                        "truck" | "charter" => net
                            .mode_defaults(l.mode)
                            .map_or(0.0, |d| d.default_wait_p50_h),
                        _ => net
                            .mode_defaults(l.mode)
                            .map_or(0.0, |d| d.min_connection_h),
                    };
                    if waited + 1e-9 < need {
                        out.push(format!(
                            "boards {vehicle} at {} after {waited:.1} h, less than {need} h",
                            l.from
                        ));
                    }
                }
                prev_vehicle = Some(vehicle);
                waited = 0.0;
            }
            LegKind::Border | LegKind::Transfer | LegKind::Customs | LegKind::Walk => {}
        }
    }
    out.extend(customs_problems(net, it));
    out
}

/// Every entry into a country is cleared: a land border crossing, or by air and sea an exit
/// where the flight or sailing leaves and an entry where it lands; cargo that changes customs
/// territory is export-cleared first and import-cleared last.
fn customs_problems(net: &silkroute_model::Network, it: &Itinerary) -> Vec<String> {
    let mut out = Vec::new();
    let place = |id: &str| net.place(net.place_id(id).expect("a place of the network"));
    let territory = |id: &str| net.customs_territory(&place(id).country).to_string();
    let customs = |i: usize, procedure: &str, at: &str| {
        it.legs.get(i).is_some_and(|l| {
            l.kind == LegKind::Customs && l.from == at && l.description.contains(procedure)
        })
    };
    let (first, last) = (&it.legs[0].from, &it.legs[it.legs.len() - 1].to);
    if territory(first) != territory(last) {
        if !customs(0, "export clearance", first) {
            out.push(format!(
                "leaves {} without an export clearance at {first}",
                territory(first)
            ));
        }
        if !customs(it.legs.len() - 1, "import clearance", last) {
            out.push(format!(
                "enters {} without an import clearance at {last}",
                territory(last)
            ));
        }
    }
    for (i, l) in it.legs.iter().enumerate() {
        if l.kind != LegKind::Run || place(&l.from).country == place(&l.to).country {
            continue;
        }
        if territory(&l.from) == territory(&l.to) {
            continue;
        }
        let before = it.legs[..i].iter().rev().find(|b| b.kind != LegKind::Wait);
        let after = it.legs[i + 1..].iter().find(|a| {
            a.kind != LegKind::Wait && (a.kind != LegKind::Run || a.service != l.service)
        });
        // A change of flight or ship at a hub stays on its international side (transit
        // under bond): the exit and entry are those of the first and last rides.
        let international_ride = |x: &&silkroute_route::Leg| {
            x.kind == LegKind::Run && x.mode == l.mode && territory(&x.from) != territory(&x.to)
        };
        let exit = before.is_some_and(|b| {
            (b.kind == LegKind::Customs && b.description.starts_with("leave"))
                || international_ride(&b)
        });
        let entry = after.is_some_and(|a| {
            (a.kind == LegKind::Customs && a.description.starts_with("enter"))
                || international_ride(&a)
        });
        if !exit || !entry {
            out.push(format!(
                "{} → {} by {} crosses into {} without {}",
                l.from,
                l.to,
                l.mode,
                place(&l.to).country,
                if exit {
                    "an entry clearance"
                } else {
                    "an exit clearance"
                }
            ));
        }
    }
    out
}

/// The undated distribution agrees with the simulator (ready time uniform over the week, one
/// delay per ride, missed connections waiting for the next departure) within 5 % at p50, p90
/// and p95, on pairs that ride timetabled trains, frequency trains, ferries, flights and trucks.
#[test]
fn the_weeks_distribution_agrees_with_the_simulator() {
    let r = Router::new(builtin(), Vec::new()).unwrap();
    // Osh → Kashgar and Bishkek → Kashgar cross Irkeshtam and Torugart eastbound, whose
    // clearance p90 is 15× and 12× its p50 (the heaviest tails of the built-in network).
    // A border with opening hours is left out: the planned distribution takes the wait for the
    // post to open as planned, the simulator re-times it (Xi'an → Tashkent by any mode, via
    // Irkeshtam's Mon–Fri calendar: p90 6.6 % below the simulator; docs/methodology.md §12).
    let cases: [(&str, &str, &[Mode]); 10] = [
        ("Xi'an", "Tashkent", &[Mode::Rail]),
        ("Urumqi", "Almaty", &[Mode::Rail]),
        ("Chengdu", "Tashkent", &[Mode::Rail]),
        ("Xi'an", "Almaty", &[Mode::Rail]),
        ("Aktau", "Baku", &[]),
        ("Baku", "Xi'an", &[]),
        ("Kashgar", "Osh", &[]),
        ("Xi'an", "Baku", &[Mode::Rail, Mode::Sea]),
        ("Osh", "Kashgar", &[Mode::Road]),
        ("Bishkek", "Kashgar", &[Mode::Road]),
    ];
    let mut report = Vec::new();
    for (from, to, modes) in cases {
        let q = query(&r, from, to, None, modes);
        let answer = r.route(&q).unwrap();
        let t = answer.timing.unwrap().ready_to_arrival_h.unwrap();
        // The simulator's own p95 wanders with the tail: with 4,000 draws its standard error is
        // about 7 % behind a clearance whose p90 is 15× its p50 (lognormal, sigma 2.1), so the
        // heavy-tailed pairs get 40,000 draws (about 2 %).
        let heavy = to == "Kashgar";
        let sim = r
            .simulate_undated(&q, if heavy { 40_000 } else { 4000 }, 7)
            .unwrap();
        let at = |p: f64| sim[((sim.len() as f64 * p) as usize).min(sim.len() - 1)];
        for (name, ours, theirs) in [
            ("p50", t.p50, at(0.5)),
            ("p90", t.p90, at(0.9)),
            ("p95", t.p95.unwrap(), at(0.95)),
        ] {
            let off = (ours - theirs).abs() / theirs;
            report.push(format!(
                "{from} → {to} {name}: ours {ours:.1} h, simulator {theirs:.1} h ({:+.1} %)",
                100.0 * (ours - theirs) / theirs
            ));
            // Known gap (docs/methodology.md §12): the planned distribution takes the first
            // timetabled departure as caught; an export clearance whose p90 is 12× its p50
            // (China's) can miss the weekly Saturday train from Xi'an, which the simulator lets
            // wait a week: by rail to Almaty our p90 is 7 % optimistic (40,000 draws). There
            // the bound is one-sided: no more than 8 % below, no more than 5 % above.
            let known_gap = from == "Xi'an" && to == "Almaty" && name == "p90";
            let ok = if known_gap {
                ours >= 0.92 * theirs && ours <= 1.05 * theirs
            } else {
                off <= 0.05
            };
            assert!(ok, "{}", report.join("\n"));
        }
    }
    eprintln!("{}", report.join("\n"));
}

#[test]
fn a_journey_moved_to_a_later_ready_time_is_what_a_new_search_finds() {
    // The undated query reuses a journey for every ready time up to its latest ready time
    // (Journey::ready_at) instead of searching again; on the built-in network, for terminal
    // pairs, objectives and all modes or rail only, every ready time of the week in 20-minute
    // steps agrees.
    use silkroute_route::earliest_arrival;
    let r = Router::new(builtin(), Vec::new()).unwrap();
    let (net, graph, tt) = (r.network(), r.graph(), r.timetable());
    let terminals: Vec<_> = net
        .places
        .iter()
        .enumerate()
        .filter(|(_, p)| p.kind != PlaceKind::BorderPost)
        .map(|(i, _)| silkroute_model::PlaceId(i as u32))
        .collect();
    let (_, monday) = silkroute_route::reference_week(net, terminals[0], None).unwrap();
    // Every 37th terminal pair, and the pairs of the three timetabled trains, which the rail-only
    // queries below ride (with all modes most journeys fly, drive or charter).
    let mut pairs: Vec<_> = terminals
        .iter()
        .flat_map(|&a| terminals.iter().map(move |&b| (a, b)))
        .filter(|(a, b)| a != b)
        .step_by(37)
        .collect();
    for (a, b) in [
        ("urumqi", "almaty"),
        ("chengdu", "tashkent"),
        ("xian", "almaty"),
    ] {
        pairs.push((r.find(a).unwrap(), r.find(b).unwrap()));
    }
    let objectives = [
        Objective::Least(Criterion::Time),
        Objective::Least(Criterion::Cost),
        Objective::Balanced {
            value_of_time_usd_per_h: 20.0,
        },
    ];
    let checked: usize = pairs
        .par_iter()
        .map(|&(a, b)| {
            let mut n = 0;
            for (objective, modes) in objectives
                .iter()
                .flat_map(|o| [(*o, vec![]), (*o, vec![Mode::Rail])])
            {
                let mut req = RouteRequest::new(a, b, objective);
                req.modes.extend(modes);
                let mut caught: Option<(silkroute_route::Journey, i64)> = None;
                for k in 0..7 * 72 {
                    let ready = monday + k * 1200;
                    let fresh = earliest_arrival(net, graph, tt, &req, ready);
                    if let (Some((j, latest)), Some(f)) = (&caught, &fresh) {
                        if ready <= *latest {
                            let moved = j.ready_at(ready, &objective);
                            assert_eq!(moved.arrival, f.arrival, "{a:?} → {b:?} at {ready}");
                            assert!(
                                (moved.weight - f.weight).abs() < 1e-6 * f.weight.abs().max(1.0)
                            );
                            n += 1;
                            continue;
                        }
                    }
                    caught = fresh
                        .as_ref()
                        .and_then(|j| j.latest_ready().map(|l| (j.clone(), l)));
                }
            }
            n
        })
        .sum();
    assert!(checked > 500, "only {checked} ready times reused a journey");
}
