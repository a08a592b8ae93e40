//! Scenarios on services, each on a small network drawn here: connections, calendars, through
//! trains across a border and a gauge change, frequency waits, direction and time zones.
//!
//! The network: A — B — Post CN | Post KZ — C — D by rail (1435 mm in China, 1520 mm in
//! Kazakhstan, the gauge changed at Post KZ), 50 km/h, and a road C — D.

use silkroute_feed::load_files;
use silkroute_model::{Mode, Network};
use silkroute_route::{Criterion, Itinerary};
use silkroute_route::{LegKind, Menu, Objective, RouteError, RouteQuery, RouteRequest, Router};
use std::collections::HashMap;

const PLACES: &str = "id,name_en,country,lat,lon,kind,timezone,source
a,A,CN,40,100,city,,test
b,B,CN,41,90,city,,test
pcn,Post CN,CN,42,80,border_post,,test
pkz,Post KZ,KZ,42,79.9,border_post,,test
c,C,KZ,43,77,city,,test
d,D,KZ,44,75,city,,test
";

const LINKS: &str = "id,from,to,mode,gauge_mm,length_km,speed_kmh,status,source
a-b,a,b,rail,1435,500,50,open,test
b-pcn,b,pcn,rail,1435,100,50,open,test
pkz-c,pkz,c,rail,1520,300,50,open,test
c-d,c,d,rail,1520,200,50,open,test
c-d-road,c,d,road,,200,50,open,test
";

const BORDERS: &str = "id,from_post,to_post,mode,gauge_mm,gauge_change,length_km,forward_p50_h,forward_p90_h,reverse_p50_h,reverse_p90_h,forward_fee_usd,reverse_fee_usd,status,source
pcn-pkz,pcn,pkz,rail,1435,yes,10,4,8,4,8,100,100,open,test
";

const TRANSFERS: &str = "id,place,from_mode,from_gauge_mm,to_mode,to_gauge_mm,both_ways,handling_p50_h,handling_p90_h,cost_usd,hub_co2e_kg_per_t,status,source
pkz-gauge,pkz,rail,1435,rail,1520,yes,2,4,50,1,open,test
c-rail-road,c,rail,1520,road,,yes,1,2,20,1,open,test
d-rail-road,d,rail,1520,road,,yes,1,2,20,1,open,test
";

const MODES: &str = "mode,default_speed_kmh,run_p90_factor,default_wait_p50_h,default_wait_p90_h,min_connection_h,default_energy,source
rail,50,1.0,48,96,3,diesel,test
road,50,1.0,12,24,1,diesel,test
";

const COSTS: &str = "mode,country,usd_per_feu_km,source
rail,*,1.0,test
road,*,2.0,test
";

const EMISSIONS: &str = "mode,energy,ttw_g_per_tkm,wtw_g_per_tkm,source
rail,diesel,18,22,test
road,diesel,60,75,test
";

const SERVICE_HEADER: &str = "id,name,mode,stops,frequency_per_week,wait_model,days,times,start_date,end_date,add_dates,remove_dates,tariff_usd_per_feu,status,source\n";

/// The drawn network with `services` rows (after the header) and optional stop patterns.
fn network(services: &str, stops: Option<&str>, places: &str) -> Network {
    match load_files(&files(services, stops, places)) {
        Ok((net, _)) => net,
        Err(e) => panic!("the drawn network is invalid: {e}"),
    }
}

/// The drawn network's files.
fn files(services: &str, stops: Option<&str>, places: &str) -> HashMap<&'static str, Vec<u8>> {
    let mut files: HashMap<&'static str, Vec<u8>> = HashMap::new();
    files.insert("places.csv", places.as_bytes().to_vec());
    files.insert("links.csv", LINKS.as_bytes().to_vec());
    files.insert("borders.csv", BORDERS.as_bytes().to_vec());
    files.insert("transfers.csv", TRANSFERS.as_bytes().to_vec());
    files.insert("modes.csv", MODES.as_bytes().to_vec());
    files.insert("cost_factors.csv", COSTS.as_bytes().to_vec());
    files.insert("emission_factors.csv", EMISSIONS.as_bytes().to_vec());
    files.insert(
        "services.csv",
        format!("{SERVICE_HEADER}{services}").into_bytes(),
    );
    if let Some(s) = stops {
        files.insert("service_stops.csv", s.as_bytes().to_vec());
    }
    files
}

fn router(services: &str) -> Router {
    Router::new(network(services, None, PLACES), Vec::new()).unwrap()
}

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

/// The itinerary on `depart`, without its customs legs: these scenarios are about timetables
/// (the drawn feed has no clearance figures; customs have their own tests in customs.rs).
fn dated(r: &Router, from: &str, to: &str, depart: &str) -> Itinerary {
    let q = query(r, from, to, Some(depart), &[Mode::Rail]);
    let mut it = r.route(&q).unwrap().routes.remove(0);
    it.legs.retain(|l| l.kind != LegKind::Customs);
    it
}

fn hours_between(a: &str, b: &str) -> f64 {
    let a: jiff::ZonedDateTime = a.parse().unwrap();
    let b: jiff::ZonedDateTime = b.parse().unwrap();
    (b.timestamp().as_second() - a.timestamp().as_second()) as f64 / 3600.0
}

/// The services ridden, in order.
fn services(it: &Itinerary) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for l in it.legs.iter().filter(|l| l.kind != LegKind::Wait) {
        if let Some(s) = &l.service {
            if out.last() != Some(s) {
                out.push(s.clone());
            }
        }
    }
    out
}

const DAILY: &str = "daily,Daily A–D,rail,a;d,,,daily,10:00,,,,,,open,test\n";
const MONDAYS: &str = "mondays,Monday A–D,rail,a;d,,,mon,10:00,,,,,,open,test\n";

#[test]
fn a_connection_missed_by_one_minute_waits_for_the_next_departure() {
    let r = router(DAILY);
    // Three hours of minimum connection: ready 06:59 catches the 10:00, ready 07:01 does not.
    let caught = dated(&r, "a", "d", "2026-12-07T06:59");
    let missed = dated(&r, "a", "d", "2026-12-07T07:01");
    let (caught, missed) = (
        caught.summary.arrives.unwrap(),
        missed.summary.arrives.unwrap(),
    );
    assert_eq!(hours_between(&caught, &missed), 24.0);
}

#[test]
fn a_weekly_monday_service_asked_on_a_tuesday_waits_six_days() {
    let r = router(MONDAYS);
    // Tuesday 2026-12-08 07:00: connection until 10:00, then six days to Monday 10:00.
    let it = dated(&r, "a", "d", "2026-12-08T07:00");
    let waits: Vec<f64> = it
        .legs
        .iter()
        .filter(|l| l.kind == LegKind::Wait)
        .map(|l| l.time_h)
        .collect();
    assert_eq!(waits, [3.0, 6.0 * 24.0]);
    let board = it.legs.iter().find(|l| l.kind == LegKind::Run).unwrap();
    assert_eq!(
        board.departs.as_deref(),
        Some("2026-12-14T10:00+08:00[Asia/Shanghai]")
    );
}

#[test]
fn a_through_train_crosses_the_border_and_the_gauge_change_without_a_change_of_service() {
    let r = router(DAILY);
    let it = dated(&r, "a", "d", "2026-12-07T06:00");
    assert_eq!(services(&it), ["daily"]);
    let kinds: Vec<LegKind> = it.legs.iter().map(|l| l.kind).collect();
    assert_eq!(
        kinds,
        [
            LegKind::Wait, // minimum connection
            LegKind::Wait, // until 10:00
            LegKind::Run,
            LegKind::Run,
            LegKind::Border,
            LegKind::Transfer,
            LegKind::Run,
            LegKind::Run,
        ]
    );
    assert!(it.legs[2..]
        .iter()
        .all(|l| l.service.as_deref() == Some("daily")));
    assert!(it.legs.iter().any(|l| l.gauge_change));
    // 10 + 2 h of running, the border's 4 h, the gauge change's 2 h, 6 + 4 h: 28 h.
    let ride = hours_between(
        it.legs[2].departs.as_deref().unwrap(),
        it.legs[7].arrives.as_deref().unwrap(),
    );
    assert_eq!(ride, 28.0);
}

#[test]
fn cargo_cannot_alight_at_a_border_post() {
    let r = router(DAILY);
    let q = query(&r, "a", "pkz", Some("2026-12-07T06:00"), &[Mode::Rail]);
    assert!(matches!(r.route(&q), Err(RouteError::NoRoute { .. })));
}

#[test]
fn a_frequency_services_wait_follows_its_model() {
    // Seven a week: a 24 h headway. Dated: the median wait, 12 h (uniform) or 24 ln 2 h
    // (exponential); undated: the wait is random, uniform or exponential.
    for (model, median_h, p90_h) in [
        ("uniform", 12.0, 21.6),
        (
            "exponential",
            24.0 * std::f64::consts::LN_2,
            24.0 * 10f64.ln(),
        ),
    ] {
        let r = router(&format!(
            "often,Frequent A–B,rail,a;b,7,{model},,,,,,,,open,test\n"
        ));
        let it = dated(&r, "a", "b", "2026-12-07T06:00");
        let wait = it.legs.iter().find(|l| l.service.is_some()).unwrap();
        assert_eq!(wait.kind, LegKind::Wait);
        assert!(
            (wait.time_h - median_h).abs() < 1e-3,
            "{model}: {}",
            wait.time_h
        );
        let q = query(&r, "a", "b", None, &[Mode::Rail]);
        let answer = r.route(&q).unwrap();
        let t = answer.timing.unwrap().ready_to_arrival_h.unwrap();
        // 3 h connection and 10 h running, both fixed here.
        assert!(
            (t.p50 - (13.0 + median_h)).abs() < 0.2,
            "{model} p50 {}",
            t.p50
        );
        assert!(
            (t.p90 - (13.0 + p90_h)).abs() < 0.5,
            "{model} p90 {}",
            t.p90
        );
    }
}

#[test]
fn a_service_runs_backwards_only_where_the_data_says_so() {
    let r = router(DAILY);
    let there = dated(&r, "a", "d", "2026-12-07T06:00");
    assert_eq!(services(&there), ["daily"]);
    let back = dated(&r, "d", "a", "2026-12-07T06:00");
    assert!(!services(&back).contains(&"daily".to_string()));
    let with_return = router(&format!(
        "{DAILY}daily-back,Daily D–A,rail,d;a,,,daily,10:00,,,,,,open,test\n"
    ));
    let back = dated(&with_return, "d", "a", "2026-12-07T06:00");
    assert_eq!(services(&back), ["daily-back"]);
}

#[test]
fn a_service_across_two_time_zones_prints_both_local_times() {
    let r = router(DAILY);
    let it = dated(&r, "a", "d", "2026-12-07T06:00");
    let first = &it.legs[2];
    let last = it.legs.last().unwrap();
    assert_eq!(
        first.departs.as_deref(),
        Some("2026-12-07T10:00+08:00[Asia/Shanghai]")
    );
    // 28 h later: 2026-12-08T14:00+08:00 = 11:00+05:00 in Kazakhstan.
    assert_eq!(
        last.arrives.as_deref(),
        Some("2026-12-08T11:00+05:00[Asia/Almaty]")
    );
}

#[test]
fn local_times_hold_across_a_daylight_saving_change() {
    // The same network placed in Germany and Finland (one hour apart, both change clocks on
    // the last Sunday of March): a daily 01:30 departure from A.
    let places = PLACES
        .replace(",CN,", ",DE,")
        .replace(",KZ,", ",FI,")
        .replace(
            "d,D,FI,44,75,city,,test",
            "d,D,FI,44,75,city,Europe/Helsinki,test",
        )
        .replace(
            "c,C,FI,43,77,city,,test",
            "c,C,FI,43,77,city,Europe/Helsinki,test",
        )
        .replace(
            "pkz,Post KZ,FI,42,79.9,border_post,,test",
            "pkz,Post KZ,FI,42,79.9,border_post,Europe/Helsinki,test",
        );
    let net = network(
        "night,Night A–D,rail,a;d,,,daily,01:30,,,,,,open,test\n",
        None,
        &places,
    );
    let r = Router::new(net, Vec::new()).unwrap();
    // Saturday 28 March 2026, 01:30 CET (+01:00); Sunday's 01:30 is still CET; Monday's CEST.
    let sat = dated(&r, "a", "d", "2026-03-27T20:00");
    let mon = dated(&r, "a", "d", "2026-03-29T20:00");
    let dep = |it: &Itinerary| it.legs[2].departs.clone().unwrap();
    assert_eq!(dep(&sat), "2026-03-28T01:30+01:00[Europe/Berlin]");
    assert_eq!(dep(&mon), "2026-03-30T01:30+02:00[Europe/Berlin]");
    // 28 h after Saturday 00:30 UTC is Sunday 04:30 UTC: 07:30 in Helsinki, already summer
    // time (+03:00) since 01:00 UTC that morning.
    assert_eq!(
        sat.legs.last().unwrap().arrives.as_deref(),
        Some("2026-03-29T07:30+03:00[Europe/Helsinki]")
    );
    // The departure one day later is 23 hours later in absolute time across the change.
    let sun = dated(&r, "a", "d", "2026-03-28T20:00");
    assert_eq!(hours_between(&dep(&sat), &dep(&sun)), 24.0);
    assert_eq!(hours_between(&dep(&sun), &dep(&mon)), 23.0);
}

#[test]
fn stop_times_and_boarding_rules_come_from_service_stops() {
    // A train A → C → D that only sets down at C and takes 30 h to C by timetable.
    let stops = "service,seq,place,arrive_h,depart_h,pickup,dropoff,via
sd,1,a,,0,,,
sd,2,c,30,31,no,yes,
sd,3,d,36,,,,
";
    let net = network(
        "sd,Set-down A–C–D,rail,,,,daily,10:00,,,,,,open,test\n",
        Some(stops),
        PLACES,
    );
    let r = Router::new(net, Vec::new()).unwrap();
    let it = dated(&r, "a", "c", "2026-12-07T06:00");
    assert_eq!(
        it.summary.arrives.as_deref(),
        Some("2026-12-08T13:00+05:00[Asia/Almaty]")
    );
    // Nobody boards at C: C → D goes by truck (or a charter), not by this train.
    let onward = dated(&r, "c", "d", "2026-12-07T06:00");
    assert!(!services(&onward).contains(&"sd".to_string()));
}

#[test]
fn a_whole_train_is_chartered_where_a_single_container_waits_for_the_service() {
    let r = router(MONDAYS);
    // Tuesday: one container waits six days for Monday's train; 50 containers fill a train
    // of their own, formed in 48 h.
    let one = dated(&r, "a", "d", "2026-12-08T07:00");
    assert_eq!(services(&one), ["mondays"]);
    let mut q = query(&r, "a", "d", Some("2026-12-08T07:00"), &[Mode::Rail]);
    q.request.cargo = "50x40ft".parse().unwrap();
    let train = r.route(&q).unwrap().routes.remove(0);
    assert_eq!(services(&train), ["charter"]);
    assert!(train.legs[0].description.contains("export clearance"));
    assert!(train.legs[1].description.contains("fills a train"));
}

#[test]
fn alternatives_on_services_are_different_itineraries_with_their_true_numbers() {
    // C → D: the daily 10:00 train (3 h connection, 4 h ride) or a truck (12 h booking, 4 h).
    let r = router("cd,Daily C–D,rail,c;d,,,daily,10:00,,,,,,open,test\n");
    for depart in [Some("2026-12-07T06:00"), None] {
        let mut q = query(&r, "c", "d", depart, &[]);
        q.menu = Menu::alternatives(3).unwrap();
        let routes = r.route(&q).unwrap().routes;
        let ridden: Vec<Vec<String>> = routes.iter().map(services).collect();
        // First what `route` answers: dated, the 10:00 train; undated, the truck, which is
        // faster for the 15 ready hours of each day after 07:00.
        let best = r
            .route(&query(&r, "c", "d", depart, &[]))
            .unwrap()
            .routes
            .remove(0);
        assert_eq!(ridden[0], services(&best), "{depart:?}");
        let mut sorted = ridden.clone();
        sorted.sort();
        assert_eq!(sorted, [["cd"], ["truck"]], "{depart:?}");
        assert_eq!(
            ridden[0],
            [if depart.is_some() { "cd" } else { "truck" }],
            "{depart:?}"
        );
        let truck = &routes[ridden.iter().position(|s| s == &["truck"]).unwrap()];
        assert!(truck
            .legs
            .iter()
            .any(|l| l.kind == LegKind::Run && l.mode == Mode::Road));
        // The truck's numbers are its own, not the penalised search's: the same as asking for
        // road only.
        let road = r
            .route(&query(&r, "c", "d", depart, &[Mode::Road]))
            .unwrap()
            .routes
            .remove(0);
        assert_eq!(truck.summary.cost_usd, road.summary.cost_usd);
        if depart.is_some() {
            assert_eq!(truck.summary.time_h.p50, road.summary.time_h.p50);
        }
    }
}

#[test]
fn a_window_lists_every_train_and_the_truck_between_them() {
    // C → D from Monday 06:00 for 3 days: the daily 10:00 train (3 h connection, 4 h ride)
    // arrives at 14:00; a truck (12 h booking, 4 h drive) beats it from 07:00 until 22:00,
    // when it would arrive after the next day's train.
    let r = router("cd,Daily C–D,rail,c;d,,,daily,10:00,,,,,,open,test\n");
    let mut q = query(&r, "c", "d", None, &[]);
    q.when = r
        .when(
            q.request.from,
            q.request.to,
            Some("2026-12-07T06:00"),
            None,
            Some("3d"),
            None,
        )
        .unwrap();
    let routes = r.route(&q).unwrap().routes;
    let listed: Vec<(String, String)> = routes
        .iter()
        .map(|it| {
            let ready = it.summary.ready.clone().unwrap();
            let carrier = services(it).join("+");
            (ready[11..16].to_string() + &ready[..10][8..], carrier)
        })
        .collect();
    let want = [
        ("07:0007", "cd"),
        ("07:0007", "truck"),
        ("07:0008", "cd"),
        ("07:0008", "truck"),
        ("07:0009", "cd"),
        ("07:0009", "truck"),
        ("07:0010", "cd"),
    ];
    let want: Vec<(String, String)> = want
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
    assert_eq!(listed, want);
    // Arrivals only grow: no listed departure is beaten by a later one.
    for w in routes.windows(2) {
        assert!(w[0].summary.arrives < w[1].summary.arrives);
    }
}

#[test]
fn a_scenario_that_moves_the_monday_train_to_tuesday_is_caught_the_same_day() {
    let s = silkroute_feed::Scenario::parse(
        "name = \"tuesdays\"\n[[service]]\nids = [\"mondays\"]\ndays = [\"tue\"]\ntimes = [\"11:00\"]\n",
        "tuesdays.toml",
    )
    .unwrap();
    let net = s.applied_to(&network(MONDAYS, None, PLACES)).unwrap();
    let r = Router::new(net, vec!["tuesdays".into()]).unwrap();
    let it = dated(&r, "a", "d", "2026-12-08T07:00");
    let board = it.legs.iter().find(|l| l.kind == LegKind::Run).unwrap();
    assert_eq!(
        board.departs.as_deref(),
        Some("2026-12-08T11:00+08:00[Asia/Shanghai]")
    );
}

/// The money of the runs ridden on service `id`.
fn track_usd(it: &Itinerary, id: &str) -> f64 {
    it.legs
        .iter()
        .filter(|l| l.kind == LegKind::Run && l.service.as_deref() == Some(id))
        .map(|l| l.cost_usd)
        .sum()
}

#[test]
fn a_tariff_table_prices_part_way_rides_and_the_rest_pay_by_distance_share() {
    // A — B — posts — C — D daily, 1,000 USD/FEU end to end over 1,100 km of track; the
    // table prices A → C at 700 and B → D at 400.
    let service = "abcd,A–D,rail,a;b;c;d,,,daily,10:00,,,,,1000,open,test\n";
    let mut f = files(service, None, PLACES);
    f.insert(
        "service_fares.csv",
        b"service,from,to,usd_per_feu,source\nabcd,a,c,700,test table\nabcd,b,d,400,test table\n"
            .to_vec(),
    );
    let (net, _) = load_files(&f).unwrap();
    let r = Router::new(net, Vec::new()).unwrap();
    let ride = |from: &str, to: &str| {
        let it = dated(&r, from, to, "2026-12-07T06:00");
        assert_eq!(services(&it), ["abcd"], "{from} → {to}");
        track_usd(&it, "abcd")
    };
    assert!((ride("a", "c") - 700.0).abs() < 1e-6);
    assert!((ride("b", "d") - 400.0).abs() < 1e-6);
    // Not in the table: the distance share, 500 of 1,100 km and all of it.
    assert!((ride("a", "b") - 1000.0 * 500.0 / 1100.0).abs() < 1e-6);
    assert!((ride("a", "d") - 1000.0).abs() < 1e-6);
    // The cost note names the table.
    let it = dated(&r, "a", "c", "2026-12-07T06:00");
    let run = it.legs.iter().find(|l| l.kind == LegKind::Run).unwrap();
    assert!(
        run.cost_source.as_deref().unwrap().contains("tariff table"),
        "{run:?}"
    );
}

#[test]
fn a_tariff_table_where_a_longer_ride_is_cheaper_is_refused() {
    let service = "abcd,A–D,rail,a;b;c;d,,,daily,10:00,,,,,1000,open,test\n";
    let mut f = files(service, None, PLACES);
    f.insert(
        "service_fares.csv",
        b"service,from,to,usd_per_feu,source\nabcd,a,c,700,t\nabcd,a,d,600,t\n".to_vec(),
    );
    let (net, _) = load_files(&f).unwrap();
    let e = Router::new(net, Vec::new()).err().unwrap().to_string();
    assert!(
        e.contains(
            "fare from `a` to `d` (600 USD/FEU) is below the fare to the stop before it (700"
        ),
        "{e}"
    );
}

#[test]
fn fares_that_do_not_fit_the_service_are_refused_with_line_and_field() {
    let service = "abcd,A–D,rail,a;b;c;d,,,daily,10:00,,,,,1000,open,test\n";
    let mut f = files(service, None, PLACES);
    f.insert(
        "service_fares.csv",
        b"service,from,to,usd_per_feu,source\nghost,a,c,1,t\nabcd,c,a,1,t\nabcd,a,pkz,1,t\nabcd,a,c,-5,t\nabcd,a,c,1,t\nabcd,a,c,2,t\n"
            .to_vec(),
    );
    let e = load_files(&f).err().unwrap().to_string();
    for expected in [
        "service_fares.csv:2: field `service`: unknown service id `ghost`",
        "service_fares.csv:3: field `to`: `a` does not come after `c`",
        "service_fares.csv:4: field `to`: `pkz` is not a stop of `abcd`",
        "service_fares.csv:5: field `usd_per_feu`: -5 is out of range",
        "service_fares.csv:7: field `to`: a second price for `a` → `c`",
    ] {
        assert!(e.contains(expected), "missing «{expected}» in:\n{e}");
    }
}

#[test]
fn a_journey_is_reused_for_later_ready_times_only_while_its_first_train_is_caught() {
    // A → B at 10:00 daily (3 h connection), then B → D at 22:00: ready at 07:00 boards the
    // first train the moment it may, so no later ready time catches it; every ready time of
    // two days in 10-minute steps, moved or searched afresh, arrives the same.
    let r = router(
        "ab,A–B,rail,a;b,,,daily,10:00,,,,,,open,test\nbd,B–D,rail,b;d,,,daily,22:00,,,,,,open,test\n",
    );
    let (net, graph, tt) = (r.network(), r.graph(), r.timetable());
    let mut req = RouteRequest::new(
        r.find("a").unwrap(),
        r.find("d").unwrap(),
        Objective::Least(Criterion::Time),
    );
    req.modes.insert(Mode::Rail);
    let at = |s: &str| {
        s.parse::<jiff::ZonedDateTime>()
            .unwrap()
            .timestamp()
            .as_second()
    };
    let exact = silkroute_route::earliest_arrival(
        net,
        graph,
        tt,
        &req,
        at("2026-12-07T07:00+08:00[Asia/Shanghai]"),
    )
    .unwrap();
    assert_eq!(exact.latest_ready(), Some(exact.ready));
    let start = at("2026-12-07T00:00+08:00[Asia/Shanghai]");
    let mut caught: Option<(silkroute_route::Journey, i64)> = None;
    let mut reused = 0;
    for k in 0..2 * 144 {
        let ready = start + k * 600;
        let fresh = silkroute_route::earliest_arrival(net, graph, tt, &req, ready).unwrap();
        if let Some((j, latest)) = &caught {
            if ready <= *latest {
                assert_eq!(
                    j.ready_at(ready, &req.objective).arrival,
                    fresh.arrival,
                    "ready {k}"
                );
                reused += 1;
                continue;
            }
        }
        caught = fresh.latest_ready().map(|l| (fresh.clone(), l));
    }
    assert!(reused > 200, "{reused}");
}
