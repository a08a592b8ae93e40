//! Travellers changing trains: the minimum change time at a station and a walk between two
//! stations (footpaths.csv, from GTFS transfers.txt), on a city drawn here.
//!
//! The city: the North line runs X → A (50 km, one hour, daily at 08:00); the South line runs
//! B → Y from the station B, 1 km from A (daily at 09:10 and 09:40), and the Express runs A → Y
//! (daily at 09:03). Walking from A to B takes 15 minutes; changing trains at A takes 5.

use silkroute_feed::load_files;
use silkroute_model::Criterion;
use silkroute_route::{Itinerary, LegKind, Menu, Objective, RouteQuery, RouteRequest, Router};
use std::collections::HashMap;

const PLACES: &str = "id,name_en,country,lat,lon,kind,timezone,source
x,X,CN,40,116,rail_terminal,Asia/Shanghai,test
a,A,CN,40.45,116,rail_terminal,Asia/Shanghai,test
b,B,CN,40.459,116,rail_terminal,Asia/Shanghai,test
y,Y,CN,40.9,116,rail_terminal,Asia/Shanghai,test
";

const LINKS: &str = "id,from,to,mode,gauge_mm,length_km,speed_kmh,status,source
x-a,x,a,rail,1435,50,50,open,test
b-y,b,y,rail,1435,50,50,open,test
a-y,a,y,rail,1435,50,50,open,test
";

const MODES: &str = "mode,default_speed_kmh,run_p90_factor,default_wait_p50_h,default_wait_p90_h,min_connection_h,default_energy,source
rail,50,1.0,48,96,3,electric,test
";

const COSTS: &str = "mode,country,usd_per_feu_km,source
rail,*,1.0,test
";

const EMISSIONS: &str = "mode,energy,ttw_g_per_tkm,wtw_g_per_tkm,source
rail,electric,0,20,test
";

const SERVICES: &str = "id,name,mode,carries,stops,frequency_per_week,wait_model,days,times,start_date,end_date,add_dates,remove_dates,tariff_usd_per_feu,status,source
north,North line,rail,passengers,x;a,,,daily,08:00,,,,,,open,test
south,South line,rail,passengers,b;y,,,daily,09:10;09:40,,,,,,open,test
express,Express,rail,passengers,a;y,,,daily,09:03,,,,,,open,test
";

fn router(footpaths: Option<&str>, services: &str) -> Router {
    let mut files: HashMap<&'static str, Vec<u8>> = HashMap::new();
    files.insert("places.csv", PLACES.as_bytes().to_vec());
    files.insert("links.csv", LINKS.as_bytes().to_vec());
    files.insert("modes.csv", MODES.as_bytes().to_vec());
    files.insert("cost_factors.csv", COSTS.as_bytes().to_vec());
    files.insert("emission_factors.csv", EMISSIONS.as_bytes().to_vec());
    files.insert("services.csv", services.as_bytes().to_vec());
    if let Some(f) = footpaths {
        files.insert("footpaths.csv", f.as_bytes().to_vec());
    }
    let (net, _) = load_files(&files).unwrap_or_else(|e| panic!("invalid drawn city: {e}"));
    Router::new(net, Vec::new()).unwrap()
}

fn trip(r: &Router, passengers: bool) -> Option<Itinerary> {
    let mut request = RouteRequest::new(
        r.find("x").unwrap(),
        r.find("y").unwrap(),
        Objective::Least(Criterion::Time),
    );
    request.passengers = passengers;
    let when = r
        .when(
            request.from,
            request.to,
            Some("2026-06-01T07:00"),
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
    r.route(&q).ok().map(|mut a| a.routes.remove(0))
}

/// The city without the Express.
fn without_express() -> String {
    SERVICES
        .lines()
        .filter(|l| !l.starts_with("express,"))
        .collect::<Vec<_>>()
        .join("\n")
}

fn clock(t: &Option<String>) -> &str {
    &t.as_deref().unwrap()[11..16]
}

const FOOTPATHS: &str = "from,to,minutes,source
a,b,15,test: the walk through the passage
a,a,5,test: the change time at A
";

#[test]
fn a_traveller_walks_to_the_next_station_and_takes_the_first_train_after_the_walk() {
    let r = router(Some(FOOTPATHS), &without_express());
    let it = trip(&r, true).expect("a trip");
    let walk = it
        .legs
        .iter()
        .find(|l| l.kind == LegKind::Walk)
        .expect("a walk");
    assert_eq!((walk.from.as_str(), walk.to.as_str()), ("a", "b"));
    assert_eq!(
        (clock(&walk.departs), clock(&walk.arrives)),
        ("09:00", "09:15")
    );
    // 09:10 is gone by the time the walk ends: the 09:40 South line, arriving 10:40.
    let south = it
        .legs
        .iter()
        .find(|l| l.kind == LegKind::Run && l.service.as_deref() == Some("south"))
        .expect("the South line");
    assert_eq!(clock(&south.departs), "09:40");
    assert_eq!(&it.summary.arrives.as_deref().unwrap()[11..16], "10:40");
}

#[test]
fn without_the_footpath_there_is_no_way_from_a_to_b() {
    let r = router(None, &without_express());
    assert!(trip(&r, true).is_none());
}

#[test]
fn a_change_shorter_than_the_stations_change_time_is_not_offered() {
    // The Express leaves A at 09:03, three minutes after the North line arrives: with a
    // five-minute change time at A it is missed, and the walk to B and the 09:40 wins.
    let r = router(Some(FOOTPATHS), SERVICES);
    let it = trip(&r, true).unwrap();
    assert!(it
        .legs
        .iter()
        .all(|l| l.service.as_deref() != Some("express")));
    let change = it
        .legs
        .iter()
        .find(|l| l.kind == LegKind::Wait && l.description.contains("change time"));
    assert!(change.is_none(), "no change at A: the traveller walks on");
    assert_eq!(&it.summary.arrives.as_deref().unwrap()[11..16], "10:40");

    // With a two-minute change time the Express is caught after a two-minute change.
    let two = FOOTPATHS.replace("a,a,5", "a,a,2");
    let r = router(Some(&two), SERVICES);
    let it = trip(&r, true).unwrap();
    let change = it
        .legs
        .iter()
        .find(|l| l.kind == LegKind::Wait && l.description.contains("change time"))
        .expect("the change at A");
    assert_eq!(
        (clock(&change.departs), clock(&change.arrives)),
        ("09:00", "09:02")
    );
    assert_eq!(&it.summary.arrives.as_deref().unwrap()[11..16], "10:03");
}

#[test]
fn cargo_never_walks() {
    let services = SERVICES.replace(",passengers,", ",both,");
    let r = router(Some(FOOTPATHS), &services);
    if let Some(it) = trip(&r, false) {
        assert!(it.legs.iter().all(|l| l.kind != LegKind::Walk));
    }
}
