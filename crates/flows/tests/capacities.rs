//! Capacities of physical facilities: a single-track line (a border post, a yard) is one
//! facility for both directions, a double-track line one per direction, and an element without
//! a capacity is reported as missing.

mod common;

use silkroute_flows::{
    assign, AssignmentConfig, CapacityBasis, CostModel, Demand, Method, VolumeDelay,
};
use silkroute_graph::{EdgeKind, Graph};
use silkroute_model::Network;

/// `links` rows: `(id, mode, track, duration_h, capacity t/day)`, every one between `o` and
/// `d` (both in one country, so no customs), usable both ways.
fn feed(links: &[(&str, &str, &str, f64, Option<f64>)]) -> (Network, Graph) {
    let places = "id,name_en,country,lat,lon,kind,source\n\
                  o,o,CN,30.0,100.0,city,test\nd,d,CN,30.5,100.5,city,test\n";
    let mut l = String::from(
        "id,from,to,mode,gauge_mm,length_km,duration_h,track,capacity,capacity_unit,status,source\n",
    );
    for (id, mode, track, h, cap) in links {
        let gauge = if *mode == "rail" { "1435" } else { "" };
        let (c, u) = match cap {
            Some(c) => ((c * 365.0).to_string(), "t_per_year"),
            None => (String::new(), ""),
        };
        l += &format!("{id},o,d,{mode},{gauge},1,{h},{track},{c},{u},open,test\n");
    }
    common::network(&[
        ("places.csv", places.to_string()),
        ("links.csv", l),
        ("modes.csv", "mode,default_speed_kmh,run_p90_factor,default_wait_p50_h,default_wait_p90_h,default_energy,source\nroad,50,1,0,0,diesel,test\nrail,50,1,0,0,diesel,test\n".into()),
        ("cost_factors.csv", "mode,country,usd_per_feu_km,source\nroad,*,0,test\nrail,*,0,test\n".into()),
        ("emission_factors.csv", "mode,energy,ttw_g_per_tkm,wtw_g_per_tkm,source\nroad,diesel,60,75,test\nrail,diesel,20,25,test\n".into()),
    ])
}

/// Linear volume–delay (BPR with alpha = beta = 1), 1 USD per tonne-hour, to a gap of 1e-9.
fn linear() -> AssignmentConfig {
    AssignmentConfig {
        cost: CostModel {
            value_of_time_usd_per_t_h: 1.0,
            alpha: 1.0,
            beta: 1.0,
            ..CostModel::default()
        },
        method: Method::BiconjugateFrankWolfe,
        relative_gap: 1e-9,
        max_iterations: 10_000,
        ..AssignmentConfig::default()
    }
}

/// Tonnes per day on `link` in both directions.
fn on_link(net: &Network, graph: &Graph, flows: &[f64], link: &str) -> f64 {
    graph
        .edges()
        .iter()
        .enumerate()
        .filter(|(_, e)| matches!(e.kind(), EdgeKind::Run(l) if net.links[l as usize].id == link))
        .map(|(i, _)| flows[i])
        .sum()
}

/// 3,000 t/day from o to d and 500 back, over a line that congests (1 h + 1 h × v / 1,000)
/// beside a road that does not (2 h flat). At equilibrium the line costs what the road does,
/// 2 h, so its volume is 1,000 t/day: on a single-track line that is both directions together
/// (1,000 in all), on a double-track line each direction (2,000 in all: 1,000 each way, the
/// 500 going back all by rail).
fn line_beside_a_road(track: &str) -> f64 {
    let (net, graph) = feed(&[
        ("line", "rail", track, 1.0, Some(1000.0)),
        ("road", "road", "", 2.0, None),
    ]);
    let (o, d) = (net.place_id("o").unwrap(), net.place_id("d").unwrap());
    let mut demand = Demand::default();
    demand.add(o, d, 3000.0);
    demand.add(d, o, 500.0);
    let result = assign(&net, &graph, &demand, &linear(), |_, _| {});
    assert!(result.relative_gap <= 1e-9, "gap {}", result.relative_gap);
    let total =
        on_link(&net, &graph, &result.flows, "line") + on_link(&net, &graph, &result.flows, "road");
    assert!((total - 3500.0).abs() < 1e-6, "conservation: {total}");
    on_link(&net, &graph, &result.flows, "line")
}

#[test]
fn a_single_track_line_is_one_capacity_for_both_directions() {
    let line = line_beside_a_road("single");
    assert!((line - 1000.0).abs() < 0.5, "{line} t/day on the line");
}

#[test]
fn a_double_track_line_has_a_capacity_each_way() {
    let line = line_beside_a_road("double");
    // 1,000 o → d and all 500 d → o (it never reaches 1,000 that way)
    assert!((line - 1500.0).abs() < 0.5, "{line} t/day on the line");
}

#[test]
fn the_output_says_which_capacity_is_shared_and_which_is_missing() {
    let (net, graph) = feed(&[
        ("line", "rail", "single", 1.0, Some(1000.0)),
        ("road", "road", "", 1.0, None),
    ]);
    let (o, d) = (net.place_id("o").unwrap(), net.place_id("d").unwrap());
    let mut demand = Demand::default();
    demand.add(o, d, 600.0);
    demand.add(d, o, 200.0);
    let config = AssignmentConfig {
        method: Method::AllOrNothing,
        ..linear()
    };
    let result = assign(&net, &graph, &demand, &config, |_, _| {});
    let flows = result.edge_flows(&net, &graph, &config.cost);
    for f in flows.iter().filter(|f| f.element == "line") {
        assert_eq!(f.capacity_basis, CapacityBasis::BothDirections);
        assert_eq!(f.capacity_t_per_day, Some(1000.0));
        // both directions' 800 t/day against the one capacity
        assert!((f.facility_tonnes_per_day - 800.0).abs() < 1e-9, "{f:?}");
        assert!((f.volume_capacity.unwrap() - 0.8).abs() < 1e-9, "{f:?}");
        // 1 h × 1 × (800 / 1,000)^1
        assert!((f.delay_h - 0.8).abs() < 1e-9, "{f:?}");
    }
    assert_eq!(flows.iter().filter(|f| f.element == "line").count(), 2);
    for f in flows.iter().filter(|f| f.element == "road") {
        assert_eq!(f.capacity_basis, CapacityBasis::Missing);
        assert_eq!(f.capacity_t_per_day, None);
        assert_eq!(f.volume_capacity, None);
        assert_eq!(f.delay_h, 0.0);
    }
}

/// 5,000 t/day over a line of 1,000 t/day capacity (1 h at free flow) beside a road of 10 h
/// flat: the line fills until its time is 10 h. BPR (0.15, 4): 1 + 0.15 x⁴ = 10, x = 60^¼ =
/// 2.783; Spiess's conical with a = 4 (b = 7/6): 1 + excess(x) = 10 gives x = 1 + 62/55 =
/// 2.127. The conical function holds the volume nearer the capacity.
fn line_over_capacity(volume_delay: VolumeDelay) -> f64 {
    let (net, graph) = feed(&[
        ("line", "rail", "double", 1.0, Some(1000.0)),
        ("road", "road", "", 10.0, None),
    ]);
    let (o, d) = (net.place_id("o").unwrap(), net.place_id("d").unwrap());
    let mut demand = Demand::default();
    demand.add(o, d, 5000.0);
    let config = AssignmentConfig {
        cost: CostModel {
            value_of_time_usd_per_t_h: 1.0,
            volume_delay,
            ..CostModel::default()
        },
        method: Method::BiconjugateFrankWolfe,
        relative_gap: 1e-10,
        max_iterations: 20_000,
        ..AssignmentConfig::default()
    };
    let result = assign(&net, &graph, &demand, &config, |_, _| {});
    on_link(&net, &graph, &result.flows, "line")
}

#[test]
fn bpr_lets_a_line_run_far_over_capacity() {
    let line = line_over_capacity(VolumeDelay::Bpr);
    assert!((line - 1000.0 * 60f64.powf(0.25)).abs() < 1.0, "{line}");
}

#[test]
fn the_conical_function_holds_a_line_nearer_its_capacity() {
    let line = line_over_capacity(VolumeDelay::Conical { a: 4.0 });
    assert!((line - 1000.0 * (1.0 + 62.0 / 55.0)).abs() < 1.0, "{line}");
}

#[test]
fn the_conical_delay_at_twice_the_capacity_is_eight_free_flow_times() {
    // excess(2) = 1 + sqrt(16 + (7/6)²) + 4 − 7/6 = 1 + 25/6 + 4 − 7/6 = 8
    let (net, graph) = feed(&[("line", "rail", "double", 1.0, Some(1000.0))]);
    let (o, d) = (net.place_id("o").unwrap(), net.place_id("d").unwrap());
    let mut demand = Demand::default();
    demand.add(o, d, 2000.0);
    let config = AssignmentConfig {
        cost: CostModel {
            volume_delay: VolumeDelay::Conical { a: 4.0 },
            ..CostModel::default()
        },
        method: Method::AllOrNothing,
        ..AssignmentConfig::default()
    };
    let result = assign(&net, &graph, &demand, &config, |_, _| {});
    let flows = result.edge_flows(&net, &graph, &config.cost);
    let line = flows.iter().find(|f| f.element == "line").unwrap();
    assert!((line.delay_h - 8.0).abs() < 1e-9, "{line:?}");
}
