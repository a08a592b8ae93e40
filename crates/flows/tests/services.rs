//! The assignment on services, on a network drawn here: two rail corridors A → B, each with
//! its daily train; the short one has a capacity.
//!
//! ```text
//!        M1 (300 km + 100 km, 1,000 t/day on M1–B)
//!   A <                                     > B
//!        M2 (400 km + 200 km, no capacity given)
//! ```

mod common;

use silkroute_flows::{assign, critical, AssignmentConfig, CostModel, Demand, Method};
use silkroute_graph::{EdgeKind, Graph, Timetable};
use silkroute_model::Network;
use std::sync::Arc;

fn drawn() -> (Network, Graph, Arc<Timetable>) {
    let (net, graph) = common::network(&[
        ("places.csv", "id,name_en,country,lat,lon,kind,source\na,A,KZ,43,70,city,test\nm1,M1,KZ,43.5,72,city,test\nm2,M2,KZ,42.5,72,city,test\nb,B,KZ,43,74,city,test\n"),
        ("links.csv", "id,from,to,mode,gauge_mm,length_km,speed_kmh,capacity,capacity_unit,status,source\na-m1,a,m1,rail,1520,300,50,,,open,test\nm1-b,m1,b,rail,1520,100,50,365000,t_per_year,open,test\na-m2,a,m2,rail,1520,400,50,,,open,test\nm2-b,m2,b,rail,1520,200,50,,,open,test\n"),
        ("modes.csv", "mode,default_speed_kmh,run_p90_factor,default_wait_p50_h,default_wait_p90_h,min_connection_h,default_energy,source\nrail,50,1.0,48,96,2,diesel,test\n"),
        ("cost_factors.csv", "mode,country,usd_per_feu_km,source\nrail,*,1.0,test\n"),
        ("emission_factors.csv", "mode,energy,ttw_g_per_tkm,wtw_g_per_tkm,source\nrail,diesel,18,22,test\n"),
        ("services.csv", "id,name,mode,stops,frequency_per_week,wait_model,days,times,start_date,end_date,add_dates,remove_dates,tariff_usd_per_feu,status,source\nnorth,North train,rail,a;m1;b,,,daily,10:00,,,,,,open,test\nsouth,South train,rail,a;m2;b,,,daily,10:00,,,,,,open,test\n"),
    ]);
    let tt = Timetable::compile(&net, &graph).unwrap();
    (net, graph, Arc::new(tt))
}

fn config(tt: &Arc<Timetable>) -> AssignmentConfig {
    AssignmentConfig {
        method: Method::BiconjugateFrankWolfe,
        cost: CostModel {
            value_of_time_usd_per_t_h: 1.0,
            alpha: 1.0,
            beta: 1.0,
            ..CostModel::default()
        },
        relative_gap: 1e-6,
        max_iterations: 500,
        services: Some(tt.clone()),
        ..AssignmentConfig::default()
    }
}

fn demand(net: &Network, tonnes: f64) -> Demand {
    let mut d = Demand::default();
    d.add(
        net.place_id("a").unwrap(),
        net.place_id("b").unwrap(),
        tonnes,
    );
    d
}

/// Tonnes per day on link `id` (both directions).
fn on_link(net: &Network, graph: &Graph, flows: &[f64], id: &str) -> f64 {
    graph
        .edges()
        .iter()
        .zip(flows)
        .filter(|(e, _)| matches!(e.kind(), EdgeKind::Run(l) if net.links[l as usize].id == id))
        .map(|(_, f)| f)
        .sum()
}

#[test]
fn light_demand_rides_the_faster_train() {
    let (net, graph, tt) = drawn();
    let a = assign(&net, &graph, &demand(&net, 100.0), &config(&tt), |_, _| {});
    assert!((on_link(&net, &graph, &a.flows, "m1-b") - 100.0).abs() < 1e-6);
    assert_eq!(on_link(&net, &graph, &a.flows, "m2-b"), 0.0);
    assert_eq!(a.routes.len(), 1);
    assert_eq!(a.routes[0].services, ["north"]);
    assert_eq!(a.routes[0].elements, ["a-m1", "m1-b"]);
    assert!(a.stranded.is_empty());
}

#[test]
fn heavy_demand_splits_over_both_trains_where_their_costs_are_equal() {
    let (net, graph, tt) = drawn();
    // 10,000 t/day. The south train is 4 h slower and 200 USD/FEU dearer; the north train's
    // M1–B hop (2 h, 1,000 t/day) slows by 2 h × v / 1,000 (BPR with alpha = beta = 1), so
    // north takes flow until that delay is worth what south costs more: 7,000 t/day.
    let a = assign(
        &net,
        &graph,
        &demand(&net, 10000.0),
        &config(&tt),
        |_, _| {},
    );
    let (north, south) = (
        on_link(&net, &graph, &a.flows, "m1-b"),
        on_link(&net, &graph, &a.flows, "m2-b"),
    );
    assert!((north + south - 10000.0).abs() < 1e-6, "{north} + {south}");
    assert!(north > 0.0 && south > 0.0, "{north} / {south}");
    assert!(a.relative_gap <= 1e-6, "gap {}", a.relative_gap);
    // At equilibrium the north train's congestion surcharge (value of 2 h × v / 1000) equals
    // the south train's extra cost per tonne: 4 h of value plus 200 USD/FEU of 20 t.
    let surcharge = 1.0 * 2.0 * north / 1000.0;
    let south_extra = 4.0 * 1.0 + 200.0 / 20.0;
    assert!(
        (surcharge - south_extra).abs() < 0.01,
        "{surcharge} vs {south_extra}"
    );
}

#[test]
fn closing_the_north_track_suspends_its_train_and_critical_ranks_it_first() {
    let (net, graph, tt) = drawn();
    let d = demand(&net, 100.0);
    let cfg = config(&tt);
    let base = assign(&net, &graph, &d, &cfg, |_, _| {});
    let closed = AssignmentConfig {
        closed_edges: graph
            .edges()
            .iter()
            .map(|e| matches!(e.kind(), EdgeKind::Run(l) if net.links[l as usize].id == "a-m1"))
            .collect(),
        ..cfg.clone()
    };
    let a = assign(&net, &graph, &d, &closed, |_, _| {});
    // The north train does not run at all: not even from M1 to B.
    assert_eq!(on_link(&net, &graph, &a.flows, "m1-b"), 0.0);
    assert!((on_link(&net, &graph, &a.flows, "m2-b") - 100.0).abs() < 1e-6);
    assert_eq!(a.routes[0].services, ["south"]);
    let ranking = critical(&net, &graph, &d, &cfg, &base);
    assert_eq!(ranking.len(), 2, "{ranking:?}");
    assert!(ranking.iter().all(|c| c.stranded_tonnes_per_day == 0.0));
    // South is 4 h and 10 USD per tonne dearer: 1,400 USD/day for 100 t, less the north
    // hop's congestion at 100 t/day (2 h × 100 / 1,000 = 0.2 USD per tonne): 1,380.
    for c in &ranking {
        assert!(
            (c.cost_increase_usd_per_day - 1380.0).abs() < 1e-6,
            "{}: {}",
            c.element,
            c.cost_increase_usd_per_day
        );
    }
}
