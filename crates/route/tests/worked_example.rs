//! The worked example of docs/methodology.md §7, checked number by number.

use silkroute_feed::load_dir;
use silkroute_graph::compile;
use silkroute_model::Mode;
use silkroute_route::Criterion;
use silkroute_route::{route, LegKind, Objective, PlaceFinder, RouteRequest};
use std::path::Path;

#[test]
fn methodology_worked_example_xian_almaty_by_cost() {
    let (net, _) =
        load_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/mini")).unwrap();
    let graph = compile(&net).unwrap();
    let f = PlaceFinder::new(&net);
    let mut req = RouteRequest::new(
        f.find("xian").unwrap(),
        f.find("almaty").unwrap(),
        Objective::Least(Criterion::Cost),
    );
    req.modes.insert(Mode::Rail);
    let it = route(&net, &graph, &req).unwrap();
    let kinds: Vec<LegKind> = it.legs.iter().map(|l| l.kind).collect();
    assert_eq!(
        kinds,
        [
            LegKind::Customs,
            LegKind::Wait,
            LegKind::Run,
            LegKind::Border,
            LegKind::Transfer,
            LegKind::Run,
            LegKind::Customs
        ]
    );
    // The mini feed has no clearances.csv: export and import clearance cost nothing, and say so.
    assert!(it.legs[0].description.contains("no figures in the feed"));
    let usd: Vec<f64> = it.legs.iter().map(|l| l.cost_usd).collect();
    assert_eq!(usd, [0.0, 0.0, 3240.0, 350.0, 180.0, 528.0, 0.0]);
    let co2: Vec<f64> = it
        .legs
        .iter()
        .map(|l| (l.co2e_kg * 10.0).round() / 10.0)
        .collect();
    assert_eq!(co2, [0.0, 0.0, 1188.0, 3.5, 30.0, 145.2, 0.0]);
    assert_eq!((it.legs[1].time_h, it.legs[1].time_p90_h), (12.0, 21.6));
    assert_eq!(it.summary.cost_usd, 4298.0);
    assert!((it.summary.co2e_kg - 1366.72).abs() < 1e-9);
    assert_eq!(it.summary.borders, ["khorgos-altynkol"]);
    assert_eq!(it.summary.gauge_changes, 1);

    // ISO 14083 breakdown (docs/methodology.md §8)
    let t = &it.emissions.totals;
    let close = |a: f64, b: f64| (a - b).abs() < 1e-6;
    assert!(close(t.tonne_km, 60_760.0), "{}", t.tonne_km);
    assert!(close(t.ttw_kg, 1093.68), "{}", t.ttw_kg);
    assert!(close(t.transport_wtw_kg, 1336.72), "{}", t.transport_wtw_kg);
    assert!(close(t.wtt_kg, 243.04), "{}", t.wtt_kg);
    assert!(close(t.hub_kg, 30.0));
    assert!(close(t.total_kg, it.summary.co2e_kg));
    assert!((t.intensity_g_per_tkm.unwrap() - 22.494).abs() < 1e-3);
    assert_eq!(it.emissions.lines.len(), 4, "run, border, transfer, run");
}
