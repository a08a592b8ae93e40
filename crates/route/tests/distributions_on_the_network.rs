//! Time distributions of real itineraries of the built-in network: for every pair of terminals
//! the reported p50 is never below the running time, the quantiles are ordered and agree with
//! the simulator; splitting a link leaves the distribution unchanged; `--by time` and `--by p90`
//! are judged by what they report.

use silkroute_feed::builtin;
use silkroute_graph::compile;
use silkroute_model::{Link, Mode, Network, Place, PlaceKind};
use silkroute_route::Criterion;
use silkroute_route::{
    best_route, route, Itinerary, LegKind, Objective, PlaceFinder, RouteRequest,
};

fn terminals(net: &Network) -> Vec<silkroute_model::PlaceId> {
    (0..net.places.len() as u32)
        .map(silkroute_model::PlaceId)
        .filter(|&p| net.place(p).kind != PlaceKind::BorderPost)
        .collect()
}

fn running_h(it: &Itinerary) -> f64 {
    it.legs
        .iter()
        .filter(|l| l.kind == LegKind::Run)
        .map(|l| l.time_h)
        .sum()
}

/// The simulator's `q` quantile and the band of order statistics within which a correct
/// method lies with 99.9 % probability.
fn band(samples: &[f64], q: f64) -> (f64, f64) {
    let n = samples.len() as f64;
    let d = 3.3 * (q * (1.0 - q) / n).sqrt();
    let at = |r: f64| samples[((n * r) as usize).min(samples.len() - 1)];
    (at(q - d), at(q + d))
}

#[test]
fn every_terminal_pair_has_a_median_above_its_running_time_and_agrees_with_the_simulator() {
    let net = builtin();
    let graph = compile(&net).unwrap();
    let places = terminals(&net);
    let mut checked = 0;
    for modes in [vec![], vec![Mode::Rail], vec![Mode::Road]] {
        for &a in &places {
            for &b in &places {
                if a == b {
                    continue;
                }
                let mut req = RouteRequest::new(a, b, Objective::Least(Criterion::Time));
                req.modes = modes.iter().copied().collect();
                let Ok(it) = best_route(&net, &graph, &[], &req, None) else {
                    continue;
                };
                let t = it.summary.time_h;
                let (name_a, name_b) = (&net.place(a).id, &net.place(b).id);
                let running = running_h(&it);
                assert!(
                    t.p50 >= running - 1e-6,
                    "{name_a} → {name_b} {modes:?}: p50 {} below the running time {running}",
                    t.p50
                );
                let p95 = t.p95.unwrap();
                assert!(t.p50 <= t.p90 && t.p90 <= p95, "{name_a} → {name_b}: {t:?}");
                checked += 1;
                // every 40th itinerary against 20,000 draws of the simulator
                if checked % 40 == 0 {
                    let samples = it.simulate(20_000, checked as u64);
                    for (q, v) in [(0.5, t.p50), (0.9, t.p90), (0.95, p95)] {
                        let (lo, hi) = band(&samples, q);
                        let sim = samples[(samples.len() as f64 * q) as usize];
                        assert!(
                            (v - sim).abs() <= 0.05 * sim || (lo <= v && v <= hi),
                            "{name_a} → {name_b} {modes:?} p{}: {v} vs simulator {sim}",
                            q * 100.0
                        );
                    }
                }
            }
        }
    }
    assert!(checked > 1000, "only {checked} itineraries");
}

/// Lanzhou–Urumqi cut into eight links of the same total length and speed, through seven new
/// stations: the rides of Xi'an → Urumqi are the same, and so is the distribution.
#[test]
fn splitting_a_link_leaves_the_distribution_unchanged() {
    let whole = builtin();
    let mut split = whole.clone();
    let i = split
        .links
        .iter()
        .position(|l| l.id == "lanzhou-urumqi-rail")
        .unwrap();
    let link: Link = split.links.to_mut().remove(i);
    let (from, to) = (split.place(link.from).clone(), split.place(link.to).clone());
    let pieces = 8;
    let mut prev = link.from;
    for k in 1..=pieces {
        let next = if k == pieces {
            link.to
        } else {
            let f = k as f64 / pieces as f64;
            split.add_place(Place {
                id: format!("lanxin-{k}"),
                name_en: format!("Lanxin station {k}"),
                name_zh: None,
                name_ru: None,
                aliases: vec![],
                country: from.country.clone(),
                lat: from.lat + f * (to.lat - from.lat),
                lon: from.lon + f * (to.lon - from.lon),
                kind: PlaceKind::RailTerminal,
                timezone: from.timezone.clone(),
                source: "test: a station on the Lanzhou–Urumqi line".into(),
            })
        };
        split.links.push(Link {
            id: format!("lanxin-{k}"),
            from: prev,
            to: next,
            length_km: link.length_km / pieces as f64,
            ..link.clone()
        });
        prev = next;
    }
    let ask = |net: &Network| {
        let graph = compile(net).unwrap();
        let f = PlaceFinder::new(net);
        let mut req = RouteRequest::new(
            f.find("xian").unwrap(),
            f.find("urumqi").unwrap(),
            Objective::Least(Criterion::Time),
        );
        req.modes = [Mode::Rail].into_iter().collect();
        route(net, &graph, &req)
            .unwrap()
            .with_distribution(Some(80.0))
    };
    let (a, b) = (ask(&whole), ask(&split));
    assert_eq!(
        b.legs.iter().filter(|l| l.kind == LegKind::Run).count(),
        a.legs.iter().filter(|l| l.kind == LegKind::Run).count() + pieces - 1
    );
    let (ta, tb) = (a.summary.time_h, b.summary.time_h);
    for (x, y) in [
        (ta.p50, tb.p50),
        (ta.p90, tb.p90),
        (ta.p95.unwrap(), tb.p95.unwrap()),
    ] {
        assert!((x - y).abs() <= 0.01 * x, "{ta:?} vs {tb:?}");
    }
    let (pa, pb) = (
        a.summary.on_time_probability.unwrap(),
        b.summary.on_time_probability.unwrap(),
    );
    assert!((pa - pb).abs() <= 0.01, "{pa} vs {pb}");
}

/// The fastest route's p50 is never later than the safest route's, and the safest route's p90
/// never later than the fastest route's: each is judged by the quantile the answer reports.
#[test]
fn fastest_and_safest_are_judged_by_the_quantiles_they_report() {
    let net = builtin();
    let graph = compile(&net).unwrap();
    let places = terminals(&net);
    for &a in &places {
        for &b in &places {
            if a == b {
                continue;
            }
            let ask = |objective| {
                best_route(&net, &graph, &[], &RouteRequest::new(a, b, objective), None)
            };
            let (Ok(fast), Ok(safe)) = (
                ask(Objective::Least(Criterion::Time)),
                ask(Objective::Least(Criterion::P90)),
            ) else {
                continue;
            };
            let (f, s) = (fast.summary.time_h, safe.summary.time_h);
            assert!(
                f.p50 <= s.p50 + 1e-9,
                "{a:?} → {b:?}: fastest p50 {} vs safest {}",
                f.p50,
                s.p50
            );
            assert!(
                s.p90 <= f.p90 + 1e-9,
                "{a:?} → {b:?}: safest p90 {} vs fastest {}",
                s.p90,
                f.p90
            );
            assert_eq!(fast.objective_value, f.p50);
            assert_eq!(safe.objective_value, s.p90);
        }
    }
}
