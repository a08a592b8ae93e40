//! Frequencies that follow flow, on a network drawn here: one rail line A → B (400 km) with a
//! train of 50 FEU (1,000 t) that runs once a week on Mondays.

mod common;

use silkroute_flows::{assign, AssignmentConfig, Demand, Frequencies, Method};
use silkroute_graph::{Graph, Timetable};
use silkroute_model::Network;
use std::sync::Arc;

fn drawn() -> (Network, Graph, Arc<Timetable>) {
    let (net, graph) = common::network(&[
        ("places.csv", "id,name_en,country,lat,lon,kind,source\na,A,KZ,43,70,city,test\nb,B,KZ,43,74,city,test\n"),
        ("links.csv", "id,from,to,mode,gauge_mm,length_km,speed_kmh,status,source\na-b,a,b,rail,1520,400,50,open,test\n"),
        ("modes.csv", "mode,default_speed_kmh,run_p90_factor,default_wait_p50_h,default_wait_p90_h,min_connection_h,default_energy,source\nrail,50,1.0,48,96,2,diesel,test\n"),
        ("cost_factors.csv", "mode,country,usd_per_feu_km,source\nrail,*,1.0,test\n"),
        ("emission_factors.csv", "mode,energy,ttw_g_per_tkm,wtw_g_per_tkm,source\nrail,diesel,18,22,test\n"),
        ("services.csv", "id,name,mode,capacity_per_departure,stops,days,times,status,source\nweekly,Weekly train,rail,50,a;b,mon,10:00,open,test\n"),
    ]);
    let tt = Timetable::compile(&net, &graph).unwrap();
    (net, graph, Arc::new(tt))
}

#[test]
fn a_train_that_carries_three_trainloads_a_day_runs_three_times_a_day() {
    let (net, graph, tt) = drawn();
    let mut demand = Demand::default();
    demand.add(
        net.place_id("a").unwrap(),
        net.place_id("b").unwrap(),
        3000.0,
    );
    let run = |frequencies| {
        let config = AssignmentConfig {
            method: Method::GradientProjection,
            frequencies,
            services: Some(tt.clone()),
            ..AssignmentConfig::default()
        };
        assign(&net, &graph, &demand, &config, |_, _| {})
    };
    let published = run(Frequencies::Published);
    let s = &published.services[0];
    assert_eq!(s.service, "weekly");
    assert!((s.tonnes_per_day - 3000.0).abs() < 1e-6);
    assert_eq!(s.tonnes_per_departure, Some(1000.0));
    assert_eq!(s.published_departures_per_week, 1.0);
    // 3,000 t a day at 1,000 t a train: 21 trains a week
    assert!((s.needed_departures_per_week.unwrap() - 21.0).abs() < 1e-9);
    assert_eq!(s.departures_per_week, 1.0, "published: not changed");
    assert_eq!(published.frequency_rounds, 1);

    let follow = run(Frequencies::FollowFlow);
    let s = &follow.services[0];
    assert!((s.departures_per_week - 21.0).abs() < 1e-9);
    assert!(follow.frequencies_follow_flow && follow.frequency_rounds == 2);
    // Per tonne at 1 USD/t-h: 20 USD of track money (400 km × 1 USD/FEU-km / 20 t) and 8 h on
    // the train, plus the wait. Cargo is ready at 28 moments of the week (03:00, 09:00, 15:00,
    // 21:00 each day) and boards 2 h after it is ready at the earliest (the minimum
    // connection): for the Monday 10:00 train it waits 7 h from Monday 03:00 and 169 h from
    // 09:00, 88 h on average. For a train every 8 hours at times not published it waits the 2 h
    // and half the headway, 4 h.
    let cost = |a: &silkroute_flows::Assignment| a.od_cost[0].1;
    assert!(
        (cost(&published) - (20.0 + 8.0 + 88.0)).abs() < 0.5,
        "{}",
        cost(&published)
    );
    assert!(
        (cost(&follow) - (20.0 + 8.0 + 2.0 + 4.0)).abs() < 0.5,
        "{}",
        cost(&follow)
    );
}
