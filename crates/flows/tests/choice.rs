//! Commodity segments and the nested logit choice, on networks drawn here.

mod common;

use silkroute_feed::{CargoUnit, DemandRow};
use silkroute_flows::{assign, AssignmentConfig, Choice, CostModel, Demand, Method};
use silkroute_graph::Graph;
use silkroute_model::{Mode, Network};

/// Places `o` and `d` (Kazakhstan), joined by `links` rows
/// `id,mode,duration_h,usd_per_feu_km,capacity_t_per_year` (capacity "" = none); every link
/// 100 km long.
fn feed(links: &[(&str, &str, f64, Option<f64>)], road_usd_per_feu_km: f64) -> (Network, Graph) {
    let places = "id,name_en,country,lat,lon,kind,source\no,o,KZ,43.0,76.0,city,test\nd,d,KZ,43.5,77.0,city,test\n";
    let mut l = String::from(
        "id,from,to,mode,gauge_mm,length_km,duration_h,capacity,capacity_unit,status,source\n",
    );
    for (id, mode, h, cap) in links {
        let gauge = if *mode == "rail" { "1520" } else { "" };
        let (c, u) = match cap {
            Some(c) => (c.to_string(), "t_per_year"),
            None => (String::new(), ""),
        };
        l += &format!("{id},o,d,{mode},{gauge},100,{h},{c},{u},open,test\n");
    }
    common::network(&[
        ("places.csv", places.to_string()),
        ("links.csv", l),
        ("modes.csv", "mode,default_speed_kmh,run_p90_factor,default_wait_p50_h,default_wait_p90_h,default_energy,source\nroad,50,1,0,0,diesel,test\nrail,50,1,0,0,diesel,test\n".into()),
        ("cost_factors.csv", format!("mode,country,usd_per_feu_km,source\nroad,*,{road_usd_per_feu_km},test\nrail,*,0,test\n")),
        ("emission_factors.csv", "mode,energy,ttw_g_per_tkm,wtw_g_per_tkm,source\nroad,diesel,60,75,test\nrail,diesel,20,25,test\n".into()),
    ])
}

fn link_flow(net: &Network, graph: &Graph, flows: &[f64], link: &str) -> f64 {
    graph
        .edges()
        .iter()
        .enumerate()
        .filter(|(_, e)| matches!(e.kind(), silkroute_graph::EdgeKind::Run(l) if net.links[l as usize].id == link))
        .map(|(i, _)| flows[i])
        .sum()
}

fn logit(dispersion: f64, nest: f64) -> AssignmentConfig {
    AssignmentConfig {
        choice: Choice::NestedLogit { dispersion, nest },
        relative_gap: 1e-6,
        max_iterations: 20_000,
        ..AssignmentConfig::default()
    }
}

#[test]
fn road_and_rail_split_as_the_logit_says() {
    // No congestion: a road of 10 h and a rail line of 11 h (value of time 1, no money). Each
    // mode is a nest of one route, so the shares are 10^-β : 11^-β whatever the nest coefficient.
    let (net, graph) = feed(
        &[("road", "road", 10.0, None), ("rail", "rail", 11.0, None)],
        0.0,
    );
    let mut demand = Demand::default();
    demand.add(
        net.place_id("o").unwrap(),
        net.place_id("d").unwrap(),
        1000.0,
    );
    for nest in [0.5, 1.0] {
        let a = assign(&net, &graph, &demand, &logit(3.4, nest), |_, _| {});
        let road = link_flow(&net, &graph, &a.flows, "road");
        let want = 1000.0 * 10f64.powf(-3.4) / (10f64.powf(-3.4) + 11f64.powf(-3.4));
        assert!(
            (road - want).abs() < 0.01,
            "nest {nest}: road {road} vs {want}"
        );
        assert!((road + link_flow(&net, &graph, &a.flows, "rail") - 1000.0).abs() < 1e-6);
    }
}

#[test]
fn the_logit_equilibrium_approaches_least_cost_as_the_dispersion_grows() {
    // Two roads with capacities: at the user equilibrium both cost the same. The logit puts
    // more on the dearer one; the larger the dispersion, the closer to the user equilibrium.
    let (net, graph) = feed(
        &[
            ("fast", "road", 10.0, Some(800.0 * 365.0)),
            ("slow", "road", 14.0, Some(1200.0 * 365.0)),
        ],
        0.0,
    );
    let mut demand = Demand::default();
    demand.add(
        net.place_id("o").unwrap(),
        net.place_id("d").unwrap(),
        3000.0,
    );
    let ue = assign(
        &net,
        &graph,
        &demand,
        &AssignmentConfig {
            method: Method::GradientProjection,
            relative_gap: 1e-10,
            ..AssignmentConfig::default()
        },
        |_, _| {},
    );
    let ue_fast = link_flow(&net, &graph, &ue.flows, "fast");
    let mut previous = f64::INFINITY;
    for dispersion in [2.0, 8.0, 32.0, 100.0] {
        let a = assign(&net, &graph, &demand, &logit(dispersion, 1.0), |_, _| {});
        let fast = link_flow(&net, &graph, &a.flows, "fast");
        let off = (fast - ue_fast).abs();
        assert!(
            off < previous,
            "dispersion {dispersion}: {off} t/day off, was {previous}"
        );
        previous = off;
        assert!((fast + link_flow(&net, &graph, &a.flows, "slow") - 3000.0).abs() < 1e-6);
    }
    assert!(
        previous < 0.02 * 3000.0,
        "at dispersion 128: {previous} t/day from the UE"
    );
}

fn row(net: &Network, commodity: &str, tonnes: f64, value_usd: f64, unit: CargoUnit) -> DemandRow {
    DemandRow {
        line: 2,
        origin: net.place_id("o").unwrap(),
        destination: net.place_id("d").unwrap(),
        commodity: commodity.into(),
        tonnes_per_year: tonnes * 365.0,
        teu_per_year: None,
        value_usd: Some(value_usd * tonnes * 365.0),
        unit,
        source: "test".into(),
    }
}

#[test]
fn valuable_goods_pay_for_speed_and_bulk_takes_the_cheap_slow_way() {
    // A road of 10 h at 100 USD/FEU-km (100 km × 100 USD / 20 t = 500 USD/t) against a free
    // rail line of 60 h. Electronics at 20,000 USD/t: 0.8 %/day → 6.67 USD/t-h, 50 h saved = 333 USD/t < 500:
    // rail. At 40,000 USD/t: 13.3 USD/t-h → 667 USD/t > 500: road. Fertilizer at 400 USD/t in
    // bulk (10 %/year): rail.
    let (net, graph) = feed(
        &[("road", "road", 10.0, None), ("rail", "rail", 60.0, None)],
        100.0,
    );
    let rows = [
        row(&net, "chips", 100.0, 40_000.0, CargoUnit::Container),
        row(&net, "electronics", 200.0, 20_000.0, CargoUnit::Container),
        row(&net, "fertilizer", 300.0, 400.0, CargoUnit::Bulk),
    ];
    let demand = Demand::by_commodity(&rows);
    assert_eq!(demand.segments.len(), 3);
    let a = assign(
        &net,
        &graph,
        &demand,
        &AssignmentConfig::default(),
        |_, _| {},
    );
    let on =
        |segment: usize, link: &str| link_flow(&net, &graph, &a.flows_by_segment[segment], link);
    assert!((on(0, "road") - 100.0).abs() < 1e-6, "chips by road");
    assert!((on(1, "rail") - 200.0).abs() < 1e-6, "electronics by rail");
    assert!((on(2, "rail") - 300.0).abs() < 1e-6, "fertilizer by rail");
    let vot: Vec<f64> = a
        .segments
        .iter()
        .map(|s| s.value_of_time_usd_per_t_h)
        .collect();
    assert!((vot[0] - 40_000.0 * 0.008 / 24.0).abs() < 1e-9);
    assert!((vot[2] - 400.0 * 0.10 / 365.0 / 24.0).abs() < 1e-9);
    assert_eq!(
        a.segments[0].tonne_km_share_by_mode.get(&Mode::Road),
        Some(&1.0)
    );
    assert!(
        (a.segments[1].units_per_day - 20.0).abs() < 1e-9,
        "200 t = 20 TEU"
    );
    assert!(
        (a.segments[2].units_per_day - 300.0 / 70.0).abs() < 1e-9,
        "wagons of 70 t"
    );
    // One segment at one value of time (1 USD/t-h): 50 h saved are worth 50 USD, less than the
    // road's 500 USD: everything by rail.
    let merged = Demand::merged(&rows);
    let b = assign(
        &net,
        &graph,
        &merged,
        &AssignmentConfig {
            cost: CostModel::default(),
            ..AssignmentConfig::default()
        },
        |_, _| {},
    );
    assert!((link_flow(&net, &graph, &b.flows, "rail") - 600.0).abs() < 1e-6);
}
