//! Trucks as they run, on a network drawn here: drivers' hours per country and crew, border
//! queues, and the change of truck at a border where the other side's trucks take over.
//!
//! ```text
//!   Xinzhu (CN) ── 800 km ── Post CN | Post KZ ── 1,200 km ── Aral (KZ) ── 800 km ── Aktobe (KZ)
//!                                    (transload)
//!   Aktobe ── 100 km ── Post KZ-W | Post RU ── 100 km ── Orsk (RU)   (a 12 h queue, no change)
//! ```
//!
//! Roads at 80 km/h with no spread, so times are exact. China: 4 h then 20 min, 10 h a day;
//! elsewhere AETR: 4.5 h then 45 min, 9 h a day, 11 h rest within a 13 h spread; two drivers:
//! 18 h, then 9 h rest, within 21 h.

use silkroute_feed::load_files;
use silkroute_model::{Mode, PauseKind};
use silkroute_route::{
    Criterion, Itinerary, Leg, LegKind, Menu, Objective, RouteQuery, RouteRequest, Router,
};
use std::collections::HashMap;

const PLACES: &str = "id,name_en,country,lat,lon,kind,timezone,source
xinzhu,Xinzhu,CN,44.0,87.0,city,Asia/Shanghai,test
pcn,Post CN,CN,44.2,80.4,border_post,Asia/Shanghai,test
pkz,Post KZ,KZ,44.2,80.3,border_post,Asia/Almaty,test
aral,Aral,KZ,46.8,61.7,city,Asia/Almaty,test
aktobe,Aktobe,KZ,50.3,57.2,city,Asia/Almaty,test
pkzw,Post KZ-W,KZ,51.0,58.0,border_post,Asia/Almaty,test
pru,Post RU,RU,51.1,58.1,border_post,Europe/Moscow,test
orsk,Orsk,RU,51.2,58.6,city,Europe/Moscow,test
";

const LINKS: &str = "id,from,to,mode,length_km,speed_kmh,status,source
xinzhu-pcn,xinzhu,pcn,road,800,80,open,test
pkz-aral,pkz,aral,road,1200,80,open,test
aral-aktobe,aral,aktobe,road,800,80,open,test
aktobe-pkzw,aktobe,pkzw,road,100,80,open,test
pru-orsk,pru,orsk,road,100,80,open,test
";

const BORDERS: &str = "id,from_post,to_post,mode,gauge_mm,gauge_change,length_km,forward_p50_h,forward_p90_h,reverse_p50_h,reverse_p90_h,forward_fee_usd,reverse_fee_usd,vehicle_change,status,source
khorgos,pcn,pkz,road,,no,0,5,5,5,5,100,100,transload,open,test
kz-ru,pkzw,pru,road,,no,0,12,12,12,12,50,50,,open,test
";

const MODES: &str = "mode,default_speed_kmh,run_p90_factor,default_wait_p50_h,default_wait_p90_h,min_connection_h,default_energy,source
road,80,1.0,2,2,0,diesel,test
";

const COSTS: &str = "mode,country,usd_per_feu_km,source
road,*,1.0,test
";

const EMISSIONS: &str = "mode,energy,ttw_g_per_tkm,wtw_g_per_tkm,source
road,diesel,60,75,test
";

const RULES: &str =
    "country,crew,continuous_driving_h,break_h,daily_driving_h,daily_rest_h,duty_spread_h,source
*,1,4.5,0.75,9,11,13,AETR (test)
*,2,,0.75,18,9,21,AETR multi-manning (test)
CN,1,4,0.3333,10,11,13,China (test)
CN,2,,0.3333,20,9,21,China two drivers (test)
";

fn router() -> Router {
    let files: HashMap<&'static str, Vec<u8>> = [
        ("places.csv", PLACES),
        ("links.csv", LINKS),
        ("borders.csv", BORDERS),
        ("modes.csv", MODES),
        ("cost_factors.csv", COSTS),
        ("emission_factors.csv", EMISSIONS),
        ("driving_rules.csv", RULES),
    ]
    .into_iter()
    .map(|(k, v)| (k, v.as_bytes().to_vec()))
    .collect();
    let (net, report) =
        load_files(&files).unwrap_or_else(|e| panic!("the drawn network is invalid: {e}"));
    assert!(!report.has_errors());
    Router::new(net, Vec::new()).unwrap()
}

fn route(r: &Router, from: &str, to: &str, crew: u8) -> Itinerary {
    let mut request = RouteRequest::new(
        r.find(from).unwrap(),
        r.find(to).unwrap(),
        Objective::Least(Criterion::Time),
    );
    request.modes.insert(Mode::Road);
    request.crew = crew;
    let when = r
        .when(
            request.from,
            request.to,
            Some("2026-12-07T06:00"),
            None,
            None,
            None,
        )
        .unwrap();
    let q = RouteQuery {
        request,
        menu: Menu::Best,
        deadline_h: None,
        when,
    };
    r.route(&q).unwrap().routes.remove(0)
}

fn run<'a>(it: &'a Itinerary, element: &str) -> &'a Leg {
    it.legs
        .iter()
        .find(|l| l.kind == LegKind::Run && l.element == element)
        .unwrap_or_else(|| panic!("no run on {element}"))
}

/// The pauses of a leg as (kind, hours, km driven on the leg before it).
fn pauses(leg: &Leg) -> Vec<(PauseKind, f64, f64)> {
    leg.pauses
        .iter()
        .map(|p| {
            (
                p.kind,
                (p.hours * 100.0).round() / 100.0,
                p.after_km.round(),
            )
        })
        .collect()
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 0.01
}

use PauseKind::{Break, DailyRest};

#[test]
fn a_truck_driving_2000_km_in_kazakhstan_rests_as_the_aetr_rules_say() {
    let r = router();
    let it = route(&r, "pkz", "aktobe", 1);
    // 2,000 km at 80 km/h: 25 h at the wheel. 4.5 h (360 km), break; 4.5 h (720 km), daily
    // rest; 4.5 h (1,080 km), break; 4.5 h more reach the day's 9 h at 1,440 km (1,200 + 240
    // km on the next road): the rest, which is also the break; 4.5 h, break; 2.5 h.
    let first = run(&it, "pkz-aral");
    assert_eq!(
        pauses(first),
        [
            (Break, 0.75, 360.0),
            (DailyRest, 11.0, 720.0),
            (Break, 0.75, 1080.0)
        ]
    );
    assert!(
        close(first.time_h, 15.0 + 0.75 + 11.0 + 0.75),
        "{}",
        first.time_h
    );
    // The shift goes on over the place: 1.5 h driven since the break at 1,080 km, 6 h since
    // the rest.
    let second = run(&it, "aral-aktobe");
    assert_eq!(
        pauses(second),
        [(DailyRest, 11.0, 240.0), (Break, 0.75, 600.0)]
    );
    assert!(close(second.time_h, 10.0 + 11.0 + 0.75));
    assert!(
        second
            .description
            .contains("1 daily rest of 11 h and 1 break of 45 min"),
        "{}",
        second.description
    );
    assert!(second.source.contains("AETR (test)"), "{}", second.source);
    // 25 h of driving, 3 breaks and 2 rests.
    let on_road: f64 = it
        .legs
        .iter()
        .filter(|l| l.kind == LegKind::Run)
        .map(|l| l.time_h)
        .sum();
    assert!(close(on_road, 25.0 + 3.0 * 0.75 + 2.0 * 11.0), "{on_road}");
}

#[test]
fn two_drivers_keep_the_truck_moving_and_stop_only_for_the_daily_rest() {
    let r = router();
    let it = route(&r, "pkz", "aktobe", 2);
    // 18 h (1,440 km: 240 km after Aral), then 9 h rest, then 7 h.
    assert!(run(&it, "pkz-aral").pauses.is_empty());
    assert_eq!(pauses(run(&it, "aral-aktobe")), [(DailyRest, 9.0, 240.0)]);
    let on_road: f64 = it
        .legs
        .iter()
        .filter(|l| l.kind == LegKind::Run)
        .map(|l| l.time_h)
        .sum();
    assert!(close(on_road, 25.0 + 9.0), "{on_road}");
    assert!(
        run(&it, "aral-aktobe").description.contains("(2 drivers)"),
        "{}",
        run(&it, "aral-aktobe").description
    );
}

#[test]
fn chinese_rules_apply_in_china_and_the_kazakh_truck_starts_fresh_after_the_transload() {
    let r = router();
    let it = route(&r, "xinzhu", "aral", 1);
    // In China 800 km = 10 h: 4 h, 20 min, 4 h, 20 min, 2 h; the daily 10 h are used up at
    // the post.
    let cn = run(&it, "xinzhu-pcn");
    assert_eq!(
        pauses(cn),
        [(Break, 0.33, 320.0), (Break, 0.33, 640.0)],
        "{}",
        cn.description
    );
    let border = it.legs.iter().find(|l| l.kind == LegKind::Border).unwrap();
    assert!(
        border.description.contains("transloaded"),
        "{}",
        border.description
    );
    // A Kazakh truck and crew take over: the first pause is a break after 4.5 h, not a rest.
    let kz = run(&it, "pkz-aral");
    assert_eq!(kz.pauses[0].kind, Break);
    assert!(close(kz.pauses[0].after_km, 360.0));
    assert_ne!(cn.ride, kz.ride, "a change of truck is a new ride");
}

#[test]
fn a_long_border_queue_is_a_break_not_a_rest() {
    let r = router();
    // From Aral: 800 + 100 km = 11.25 h of driving (a break at 4.5 h, a rest at 9 h, a break
    // at 13.5 h of the shift's driving: after the rest 2.25 h), then 12 h in the queue, which
    // spends the 13 h spread: the crew must rest before it drives the 100 km to Orsk.
    let it = route(&r, "aral", "orsk", 1);
    let last = run(&it, "pru-orsk");
    assert_eq!(
        pauses(last),
        [(DailyRest, 11.0, 0.0)],
        "{}",
        last.description
    );
    assert!(close(last.time_h, 1.25 + 11.0));
}
