//! Customs on a small network drawn here: cleared at every entry into a country by any mode,
//! transit under seal, customs unions, and border posts with opening hours.
//!
//! The network (rail 1520 mm beyond China, no gauge change drawn: customs are the point):
//!
//! ```text
//!   Urumqi (CN) ══ Post CN | Post KZ ══ Almaty (KZ) ══ Post KZ-S | Post UZ ══ Tashkent (UZ)
//!      ✈──────────────────────────────✈ (daily flight 10:00)   │
//!   Kashgar (CN) ── Irk CN | Irk KG ── Osh (KG)     Almaty ── Korday | KG post ── Bishkek by road
//!                                      Osh ── Bishkek by road (650 km)
//!                                      Osh ══ Post KG-W | Post UZ-E ══ Tashkent (the Fergana line)
//! ```

use silkroute_feed::load_files;
use silkroute_model::Mode;
use silkroute_route::{
    Criterion, Itinerary, LegKind, Menu, Objective, RouteQuery, RouteRequest, Router,
};
use std::collections::HashMap;

const PLACES: &str = "id,name_en,country,lat,lon,kind,timezone,source
urumqi,Urumqi,CN,43.8,87.6,city,Asia/Shanghai,test
pcn,Post CN,CN,44.2,80.4,border_post,Asia/Shanghai,test
pkz,Post KZ,KZ,44.2,80.3,border_post,Asia/Almaty,test
almaty,Almaty,KZ,43.2,76.9,city,Asia/Almaty,test
pkzs,Post KZ-S,KZ,41.5,69.2,border_post,Asia/Almaty,test
puz,Post UZ,UZ,41.4,69.2,border_post,Asia/Tashkent,test
tashkent,Tashkent,UZ,41.3,69.3,city,Asia/Tashkent,test
korday,Korday,KZ,43.0,74.7,border_post,Asia/Almaty,test
kgpost,KG post,KG,42.95,74.68,border_post,Asia/Bishkek,test
bishkek,Bishkek,KG,42.9,74.6,city,Asia/Bishkek,test
kashgar,Kashgar,CN,39.5,76.0,city,Asia/Shanghai,test
irkcn,Irk CN,CN,39.7,74.9,border_post,Asia/Shanghai,test
irkkg,Irk KG,KG,39.7,74.8,border_post,Asia/Bishkek,test
osh,Osh,KG,40.5,72.8,city,Asia/Bishkek,test
pkgw,Post KG-W,KG,40.7,72.6,border_post,Asia/Bishkek,test
puze,Post UZ-E,UZ,40.7,72.5,border_post,Asia/Tashkent,test
";

const LINKS: &str = "id,from,to,mode,gauge_mm,length_km,speed_kmh,status,source
urumqi-pcn,urumqi,pcn,rail,1520,650,50,open,test
pkz-almaty,pkz,almaty,rail,1520,350,50,open,test
almaty-pkzs,almaty,pkzs,rail,1520,800,50,open,test
puz-tashkent,puz,tashkent,rail,1520,20,50,open,test
urumqi-almaty-air,urumqi,almaty,air,,900,600,open,test
almaty-korday,almaty,korday,road,,230,60,open,test
kgpost-bishkek,kgpost,bishkek,road,,20,60,open,test
kashgar-irkcn,kashgar,irkcn,road,,100,50,open,test
irkkg-osh,irkkg,osh,road,,250,50,open,test
osh-bishkek,osh,bishkek,road,,650,50,open,test
osh-pkgw,osh,pkgw,rail,1520,30,50,open,test
puze-tashkent,puze,tashkent,rail,1520,300,50,open,test
";

const BORDERS: &str = "id,from_post,to_post,mode,gauge_mm,gauge_change,length_km,forward_p50_h,forward_p90_h,reverse_p50_h,reverse_p90_h,forward_fee_usd,reverse_fee_usd,open_days,open_hours,open_timezone,closed_dates,status,source
cn-kz,pcn,pkz,rail,1520,no,5,10,20,10,20,100,100,,,,,open,test
kz-uz,pkzs,puz,rail,1520,no,5,6,12,6,12,50,50,,,,,open,test
korday,korday,kgpost,road,,no,2,1,2,1,2,20,20,,,,,open,test
irkeshtam,irkcn,irkkg,road,,no,5,2,4,2,4,50,50,mon-fri,08:00-20:00,Asia/Bishkek,2026-12-14..2026-12-15,open,test
kg-uz,pkgw,puze,rail,1520,no,5,6,12,6,12,50,50,,,,,open,test
";

const TRANSFERS: &str = "id,place,from_mode,from_gauge_mm,to_mode,to_gauge_mm,both_ways,handling_p50_h,handling_p90_h,cost_usd,hub_co2e_kg_per_t,status,source
urumqi-air,urumqi,rail,1520,air,,yes,1,2,10,1,open,test
almaty-air,almaty,air,,rail,1520,yes,1,2,10,1,open,test
almaty-road,almaty,rail,1520,road,,yes,1,2,10,1,open,test
";

const MODES: &str = "mode,default_speed_kmh,run_p90_factor,default_wait_p50_h,default_wait_p90_h,min_connection_h,default_energy,source
rail,50,1.0,12,24,2,diesel,test
road,50,1.0,12,24,1,diesel,test
air,600,1.0,24,48,3,kerosene,test
";

const COSTS: &str = "mode,country,usd_per_feu_km,source
rail,*,1.0,test
road,*,2.0,test
air,*,10.0,test
";

const EMISSIONS: &str = "mode,energy,ttw_g_per_tkm,wtw_g_per_tkm,source
rail,diesel,18,22,test
road,diesel,60,75,test
air,kerosene,600,750,test
";

const COUNTRIES: &str = "code,name_en,customs_territory,source
CN,China,CN,test
KZ,Kazakhstan,EAEU,test
KG,Kyrgyzstan,EAEU,test
UZ,Uzbekistan,UZ,test
";

const CLEARANCES: &str = "id,country,place,mode,procedure,p50_h,p90_h,fee_usd,source
cn-export,CN,,*,export,1,4,10,test
cn-import,CN,,*,import,30,60,10,test
cn-exit-air,CN,,air,exit,2,4,20,test
kz-entry-air,KZ,,air,entry,5,10,30,test
kz-exit,KZ,,*,exit,1,2,0,test
kz-entry,KZ,,*,entry,4,8,0,test
kz-export,KZ,,*,export,3,6,0,test
kz-import,KZ,,*,import,7,14,40,test
kz-import-almaty-air,KZ,almaty,air,import,6,12,45,test
kg-import,KG,,*,import,2,4,0,test
kg-export,KG,,*,export,2,4,0,test
uz-import,UZ,,*,import,8,16,0,test
uz-export,UZ,,*,export,8,16,0,test
";

const SERVICES: &str = "id,name,mode,stops,frequency_per_week,wait_model,days,times,start_date,end_date,add_dates,remove_dates,tariff_usd_per_feu,status,source
flight,Urumqi–Almaty flight,air,urumqi;almaty,,,mon;tue;wed;thu;fri;sat;sun,10:00,,,,,,open,test
";

fn router() -> Router {
    let files: HashMap<&'static str, Vec<u8>> = [
        ("places.csv", PLACES),
        ("links.csv", LINKS),
        ("borders.csv", BORDERS),
        ("transfers.csv", TRANSFERS),
        ("modes.csv", MODES),
        ("cost_factors.csv", COSTS),
        ("emission_factors.csv", EMISSIONS),
        ("countries.csv", COUNTRIES),
        ("clearances.csv", CLEARANCES),
        ("services.csv", SERVICES),
    ]
    .into_iter()
    .map(|(k, v)| (k, v.as_bytes().to_vec()))
    .collect();
    let (net, report) =
        load_files(&files).unwrap_or_else(|e| panic!("the drawn network is invalid: {e}"));
    assert!(!report.has_errors());
    Router::new(net, Vec::new()).unwrap()
}

fn route(
    r: &Router,
    from: &str,
    to: &str,
    depart: &str,
    modes: &[Mode],
    edit: impl Fn(&mut RouteRequest),
) -> Itinerary {
    menu(r, from, to, depart, modes, edit, Menu::Best).remove(0)
}

/// The itineraries of `menu` from `from` to `to`, leaving at `depart`.
fn menu(
    r: &Router,
    from: &str,
    to: &str,
    depart: &str,
    modes: &[Mode],
    edit: impl Fn(&mut RouteRequest),
    menu: Menu,
) -> Vec<Itinerary> {
    let mut request = RouteRequest::new(
        r.find(from).unwrap(),
        r.find(to).unwrap(),
        Objective::Least(Criterion::Time),
    );
    request.modes.extend(modes.iter().copied());
    edit(&mut request);
    let when = r
        .when(request.from, request.to, Some(depart), None, None, None)
        .unwrap();
    let q = RouteQuery {
        request,
        menu,
        deadline_h: None,
        when,
    };
    r.route(&q).unwrap().routes
}

/// The customs legs as (place, clearances.csv row).
fn customs(it: &Itinerary) -> Vec<(String, String)> {
    it.legs
        .iter()
        .filter(|l| l.kind == LegKind::Customs)
        .map(|l| (l.from.clone(), l.element.clone()))
        .collect()
}

fn pairs(v: &[(&str, &str)]) -> Vec<(String, String)> {
    v.iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

#[test]
fn a_flight_into_kazakhstan_is_cleared_out_of_china_and_into_kazakhstan_at_the_airports() {
    let r = router();
    let it = route(
        &r,
        "urumqi",
        "almaty",
        "2026-12-07T06:00",
        &[Mode::Air],
        |_| {},
    );
    assert_eq!(
        customs(&it),
        pairs(&[
            ("urumqi", "cn-export"),
            ("urumqi", "cn-exit-air"),
            ("almaty", "kz-entry-air"),
            ("almaty", "kz-import-almaty-air"),
        ])
    );
    // Export 1 h and exit 2 h (06:00 → 09:00) leave no room for the 3 h air connection before
    // 10:00: the flight of Tuesday 10:00 is taken; 1.5 h in the air (08:30 in Almaty, +05:00),
    // entry 5 h, import 6 h.
    let run = it.legs.iter().find(|l| l.kind == LegKind::Run).unwrap();
    assert_eq!(
        run.departs.as_deref(),
        Some("2026-12-08T10:00+08:00[Asia/Shanghai]")
    );
    let last = it.legs.last().unwrap();
    assert_eq!(last.kind, LegKind::Customs);
    assert!(
        last.description.contains("import clearance at Almaty"),
        "{}",
        last.description
    );
    assert_eq!(
        last.arrives.as_deref(),
        Some("2026-12-08T19:30+05:00[Asia/Almaty]")
    );
    assert_eq!(last.cost_usd, 45.0);
}

#[test]
fn a_rail_transit_through_kazakhstan_under_seal_is_not_cleared_there() {
    let r = router();
    let it = route(
        &r,
        "urumqi",
        "tashkent",
        "2026-12-07T06:00",
        &[Mode::Rail],
        |_| {},
    );
    assert_eq!(
        customs(&it),
        pairs(&[("urumqi", "cn-export"), ("tashkent", "uz-import")])
    );
    assert_eq!(it.summary.borders, ["cn-kz", "kz-uz"]);
}

#[test]
fn cargo_inside_the_eurasian_customs_union_is_not_cleared_and_china_to_china_stays_inside() {
    let r = router();
    let it = route(&r, "almaty", "bishkek", "2026-12-07T06:00", &[], |_| {});
    assert!(customs(&it).is_empty(), "{:?}", customs(&it));
    // Kazakhstan to Kyrgyzstan through China would need two clearances; inside the union it
    // goes straight.
    let it = route(&r, "pkz", "bishkek", "2026-12-07T06:00", &[], |_| {});
    assert!(customs(&it).is_empty());
}

#[test]
fn cargo_between_union_members_leaves_the_union_when_that_is_cheaper() {
    let r = router();
    // Osh to Almaty: 900 km by road inside the union (via Bishkek and Korday) or 1,150 km by
    // rail through Uzbekistan, cleared out of Kyrgyzstan and into Kazakhstan. The road is
    // faster; the rail, at half the road's rate per km, is cheaper even with its clearances.
    let fastest = route(&r, "osh", "almaty", "2026-12-07T06:00", &[], |_| {});
    assert!(customs(&fastest).is_empty(), "{:?}", customs(&fastest));
    assert_eq!(fastest.summary.borders, ["korday"]);
    let cheapest = route(&r, "osh", "almaty", "2026-12-07T06:00", &[], |q| {
        q.objective = Objective::Least(Criterion::Cost);
    });
    assert_eq!(
        customs(&cheapest),
        pairs(&[("osh", "kg-export"), ("almaty", "kz-import")])
    );
    assert_eq!(cheapest.summary.borders, ["kg-uz", "kz-uz"]);
    // Goods of the union going from one part of it to another are in customs transit through
    // Uzbekistan: declared at the start, completed at the end, no duties.
    let said: Vec<&str> = cheapest
        .legs
        .iter()
        .filter(|l| l.kind == LegKind::Customs)
        .map(|l| l.description.as_str())
        .collect();
    assert!(
        said[0].starts_with("customs transit declared at Osh (KG)"),
        "{said:?}"
    );
    assert!(
        said[1].starts_with("customs transit completed at Almaty (KZ)"),
        "{said:?}"
    );
    assert!(cheapest.summary.cost_usd < fastest.summary.cost_usd);

    // The menu by time and cost holds both: the one inside and the one leaving.
    let pareto = Menu::Pareto {
        criteria: vec![Criterion::Time, Criterion::Cost],
        epsilon: 0.0,
        cap: 8,
    };
    let options = menu(&r, "osh", "almaty", "2026-12-07T06:00", &[], |_| {}, pareto);
    let borders: Vec<Vec<String>> = options
        .iter()
        .map(|it| it.summary.borders.clone())
        .collect();
    assert!(borders.contains(&vec!["korday".to_string()]), "{borders:?}");
    assert!(
        borders.contains(&vec!["kg-uz".to_string(), "kz-uz".to_string()]),
        "{borders:?}"
    );
}

#[test]
fn the_shipper_can_leave_out_the_clearances_at_origin_and_destination() {
    let r = router();
    let it = route(
        &r,
        "urumqi",
        "almaty",
        "2026-12-07T06:00",
        &[Mode::Air],
        |q| {
            q.export_clearance = false;
            q.import_clearance = false;
        },
    );
    assert_eq!(
        customs(&it),
        pairs(&[("urumqi", "cn-exit-air"), ("almaty", "kz-entry-air")])
    );
}

#[test]
fn a_weekend_arrival_at_irkeshtam_waits_for_monday() {
    let r = router();
    // Friday 18:00 Kashgar time (16:00 in Bishkek): export 1 h, a truck booked in 12 h, 2 h to
    // the post: Saturday 09:00 Beijing time, 07:00 in Bishkek. The post opens Monday 08:00.
    let it = route(
        &r,
        "kashgar",
        "osh",
        "2026-12-04T18:00",
        &[Mode::Road],
        |_| {},
    );
    let wait = it
        .legs
        .iter()
        .find(|l| {
            l.description
                .starts_with("wait for the border post to open")
        })
        .expect("a wait for the post");
    assert_eq!(
        wait.arrives.as_deref(),
        Some("2026-12-07T10:00+08:00[Asia/Shanghai]")
    );
    assert!(
        wait.description
            .contains("mon–fri 08:00–20:00 Asia/Bishkek"),
        "{}",
        wait.description
    );
    let border = it.legs.iter().find(|l| l.kind == LegKind::Border).unwrap();
    assert_eq!(
        border.departs.as_deref(),
        Some("2026-12-07T10:00+08:00[Asia/Shanghai]")
    );
}

#[test]
fn a_holiday_closure_keeps_the_post_shut_on_a_weekday() {
    let r = router();
    // Monday 14 and Tuesday 15 December are listed as closed: a Sunday arrival waits until
    // Wednesday 08:00 Bishkek time.
    let it = route(
        &r,
        "kashgar",
        "osh",
        "2026-12-12T18:00",
        &[Mode::Road],
        |_| {},
    );
    let border = it.legs.iter().find(|l| l.kind == LegKind::Border).unwrap();
    assert_eq!(
        border.departs.as_deref(),
        Some("2026-12-16T10:00+08:00[Asia/Shanghai]")
    );
}
