//! A crossing closed to travellers is never offered to one: a bus from A (China) to B
//! (Kazakhstan) over a border post that borders.csv marks freight-only, then open.

use silkroute_feed::load_files;
use silkroute_route::{RouteError, Router};
use std::collections::HashMap;

const PLACES: &str = "id,name_en,country,lat,lon,kind,timezone,source
a,A,CN,44,81,city,Asia/Shanghai,test
pcn,Post CN,CN,44,80.5,border_post,Asia/Shanghai,test
pkz,Post KZ,KZ,44,80.4,border_post,Asia/Almaty,test
b,B,KZ,44,79,city,Asia/Almaty,test
";

const LINKS: &str = "id,from,to,mode,length_km,speed_kmh,status,source
a-pcn,a,pcn,road,50,50,open,test
pkz-b,pkz,b,road,100,50,open,test
";

const MODES: &str = "mode,default_speed_kmh,run_p90_factor,default_wait_p50_h,default_wait_p90_h,min_connection_h,default_energy,source
road,50,1.0,12,24,1,diesel,test
";

const COSTS: &str = "mode,country,usd_per_feu_km,source
road,*,2.0,test
";

const EMISSIONS: &str = "mode,energy,ttw_g_per_tkm,wtw_g_per_tkm,source
road,diesel,60,75,test
";

const SERVICES: &str = "id,name,mode,carries,stops,frequency_per_week,wait_model,days,times,start_date,end_date,add_dates,remove_dates,tariff_usd_per_feu,status,source
bus,A–B bus,road,passengers,a;b,,,daily,08:00,,,,,,open,test
";

const RULES: &str = "passport,destination,valid_from,valid_to,regime,days_per_stay,days_per_period,period_days,purposes,visa_lead_days,visa_fee_usd,condition,source
CN,KZ,2023-11-10,,visa_free,30,90,180,tourism;transit,,,,test
";

fn router(passengers: &str) -> Router {
    let borders = format!(
        "id,from_post,to_post,mode,gauge_change,length_km,forward_p50_h,forward_p90_h,reverse_p50_h,reverse_p90_h,passengers,status,source
pcn-pkz,pcn,pkz,road,no,1,2,4,2,4,{passengers},open,test
"
    );
    let mut files: HashMap<&'static str, Vec<u8>> = HashMap::new();
    files.insert("places.csv", PLACES.as_bytes().to_vec());
    files.insert("links.csv", LINKS.as_bytes().to_vec());
    files.insert("borders.csv", borders.into_bytes());
    files.insert("modes.csv", MODES.as_bytes().to_vec());
    files.insert("cost_factors.csv", COSTS.as_bytes().to_vec());
    files.insert("emission_factors.csv", EMISSIONS.as_bytes().to_vec());
    files.insert("services.csv", SERVICES.as_bytes().to_vec());
    files.insert("entry_rules.csv", RULES.as_bytes().to_vec());
    let (net, _) = load_files(&files).unwrap_or_else(|e| panic!("invalid drawn network: {e}"));
    Router::new(net, Vec::new()).unwrap()
}

fn trip(r: &Router) -> Result<silkroute_route::TripResponse, RouteError> {
    let stops = vec![r.find("a").unwrap(), r.find("b").unwrap()];
    let req = r
        .trip_request(
            stops,
            "CN",
            Some("2026-06-01"),
            Some("3d"),
            None,
            Default::default(),
        )
        .unwrap();
    r.trip(&req)
}

#[test]
fn a_freight_only_crossing_is_never_offered_to_a_traveller() {
    for closed in ["no", "permit"] {
        let r = router(closed);
        assert!(
            matches!(trip(&r), Err(RouteError::NoRoute { .. })),
            "passengers = {closed}"
        );
        // The bus is left out for people, with the reason.
        assert!(r
            .passenger_timetable()
            .suspended
            .iter()
            .any(|e| e.to_string().contains("not open to travellers")));
    }
}

#[test]
fn the_same_bus_over_an_open_crossing_takes_the_traveller() {
    let t = trip(&router("yes")).unwrap();
    let ride = t.journeys[0]
        .legs
        .iter()
        .find(|l| l.kind == silkroute_route::TripLegKind::Ride)
        .unwrap();
    assert_eq!(ride.borders, ["pcn-pkz"]);
    let kz = t.stays.iter().find(|s| s.country == "KZ").unwrap();
    assert_eq!(kz.rule.as_ref().unwrap().id, "CN-KZ-2023-11-10");
}
