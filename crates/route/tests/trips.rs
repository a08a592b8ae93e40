//! Travellers' trips on the built-in network: passenger services, and at every entry the rule
//! of entry_rules.csv that applies to the passport on that day.

use silkroute_feed::{builtin, load_files, BUILTIN_FILES};
use silkroute_route::{Alternative, EntryStatus, Router, TripResponse, Verdict};
use std::collections::HashMap;

fn router() -> Router {
    Router::new(builtin(), Vec::new()).unwrap()
}

fn trip(r: &Router, places: &[&str], passport: &str, date: &str, stay: &str) -> TripResponse {
    let stops = places.iter().map(|p| r.find(p).unwrap()).collect();
    let req = r
        .trip_request(
            stops,
            passport,
            Some(date),
            Some(stay),
            None,
            Default::default(),
        )
        .unwrap();
    r.trip(&req).unwrap()
}

#[test]
fn a_chinese_tourist_enters_kazakhstan_visa_free_for_fourteen_days_in_june_2025() {
    let t = trip(&router(), &["Xi'an", "Almaty"], "CN", "2025-06-01", "14d");
    assert_eq!(t.verdict, Verdict::Allowed);
    let kz = t.stays.iter().find(|s| s.country == "KZ").unwrap();
    assert_eq!(kz.status, EntryStatus::Allowed);
    let rule = kz.rule.as_ref().unwrap();
    assert_eq!(rule.id, "CN-KZ-2023-11-10");
    assert_eq!(rule.regime.as_str(), "visa_free");
    assert!(rule.source.contains("http"), "the rule's source is shown");
    assert_eq!(kz.days_per_stay, Some(30));
    let period = kz.period.unwrap();
    assert_eq!((period.days_allowed, period.period_days), (90, 180));
    assert_eq!(period.days_used, kz.days);
}

#[test]
fn twenty_days_in_uzbekistan_were_refused_in_may_2025_and_allowed_in_july() {
    let r = router();
    let may = trip(&r, &["Almaty", "Tashkent"], "CN", "2025-05-01", "20d");
    assert_eq!(may.verdict, Verdict::Refused);
    let uz = may.stays.iter().find(|s| s.country == "UZ").unwrap();
    assert_eq!(uz.status, EntryStatus::Refused);
    assert_eq!(uz.rule.as_ref().unwrap().id, "CN-UZ-2021-03-01");
    assert_eq!(uz.days_per_stay, Some(10));
    let problem = &may.problems[0];
    assert_eq!(problem.rule.as_deref(), Some("CN-UZ-2021-03-01"));
    assert!(
        problem.message.contains("allows 10 days"),
        "{}",
        problem.message
    );
    // The legal alternative: a stay short enough that entry and exit days make 10.
    assert!(problem.alternatives.iter().any(|a| matches!(
        a,
        Alternative::ShorterStay { place, max_stay_days: 9 } if place == "tashkent"
    )));

    let july = trip(&r, &["Almaty", "Tashkent"], "CN", "2025-07-01", "20d");
    assert_eq!(july.verdict, Verdict::Allowed);
    let uz = july.stays.iter().find(|s| s.country == "UZ").unwrap();
    assert_eq!(uz.rule.as_ref().unwrap().id, "CN-UZ-2025-06-01");
}

#[test]
fn a_tour_with_more_than_90_days_in_180_in_uzbekistan_is_flagged() {
    let r = router();
    // Four stays of 29 nights in Tashkent, with two nights in Almaty between them: each stay
    // keeps within 30 days, the fourth brings the days in Uzbekistan past 90 in 180.
    let t = trip(
        &r,
        &[
            "Almaty", "Tashkent", "Almaty", "Tashkent", "Almaty", "Tashkent", "Almaty", "Tashkent",
        ],
        "CN",
        "2025-07-01",
        "29d,2d,29d,2d,29d,2d,29d",
    );
    assert_eq!(t.verdict, Verdict::Refused);
    let problem = t
        .problems
        .iter()
        .find(|p| p.country == "UZ")
        .expect("the period rule is broken in Uzbekistan");
    assert!(
        problem.message.contains("allows 90 in 180"),
        "{}",
        problem.message
    );
    let stays: Vec<_> = t.stays.iter().filter(|s| s.country == "UZ").collect();
    assert_eq!(stays.len(), 4);
    assert!(stays[..3].iter().all(|s| s.status == EntryStatus::Allowed));
    assert!(stays[3].period.unwrap().days_used > 90);
}

#[test]
fn a_passport_that_needs_a_visa_gets_its_lead_time_and_fee() {
    // Chinese citizens need Tajikistan's e-visa (45 days, 2 days to get, 50 USD).
    let t = trip(&router(), &["Urumqi", "Dushanbe"], "CN", "2026-06-01", "7d");
    assert_eq!(t.verdict, Verdict::VisaNeeded);
    let tj = t.stays.iter().find(|s| s.country == "TJ").unwrap();
    assert_eq!(tj.status, EntryStatus::VisaNeeded);
    let rule = tj.rule.as_ref().unwrap();
    assert_eq!(rule.regime.as_str(), "e_visa");
    assert_eq!(
        (rule.visa_lead_days, rule.visa_fee_usd),
        (Some(2), Some(50.0))
    );
    assert!(
        tj.notes
            .iter()
            .any(|n| n.contains("apply 2 days ahead, fee 50 USD")),
        "{:?}",
        tj.notes
    );
    // The over-55 visa waiver has a condition the traveller's request cannot show: named, not
    // applied.
    assert!(tj.notes.iter().any(|n| n.starts_with("not applied")));
}

#[test]
fn the_tourist_train_of_29_may_2025_is_found() {
    let t = trip(&router(), &["Xi'an", "Almaty"], "CN", "2025-05-29", "14d");
    let j = &t.journeys[0];
    let on_train = j
        .legs
        .iter()
        .any(|l| l.service.as_deref() == Some("y29-xian-almaty-tourist-train"));
    let as_option = j
        .other_options
        .iter()
        .any(|o| o.services.iter().any(|s| s.contains("Y29")));
    assert!(on_train || as_option, "{j:#?}");
    let rail = j
        .other_options
        .iter()
        .find(|o| o.mode.to_string() == "rail")
        .expect("the train beside the flight");
    assert!(
        rail.departs.starts_with("2025-05-29T11:30"),
        "{}",
        rail.departs
    );
}

#[test]
fn an_unknown_rule_is_said_to_be_unknown() {
    // A traveller whose start is the only known country: the feed below has no rule for KZ
    // passports in UZ.
    let mut files: HashMap<&str, Vec<u8>> = BUILTIN_FILES
        .iter()
        .map(|(n, c)| (*n, c.as_bytes().to_vec()))
        .collect();
    let rules = String::from_utf8(files["entry_rules.csv"].clone()).unwrap();
    let kept: Vec<&str> = rules.lines().filter(|l| !l.starts_with("KZ,UZ,")).collect();
    files.insert("entry_rules.csv", (kept.join("\n") + "\n").into_bytes());
    let (net, _) = load_files(&files).unwrap();
    let r = Router::new(net, Vec::new()).unwrap();
    let t = trip(&r, &["Almaty", "Tashkent"], "KZ", "2026-06-01", "5d");
    assert_eq!(t.verdict, Verdict::Unknown);
    let uz = t.stays.iter().find(|s| s.country == "UZ").unwrap();
    assert_eq!(uz.status, EntryStatus::Unknown);
    assert!(uz.notes[0].contains("no entry rule in the data"));
}

#[test]
fn bad_parameters_are_refused_naming_the_parameter() {
    let r = router();
    let stops = vec![r.find("xian").unwrap(), r.find("almaty").unwrap()];
    let err = |passport: &str, date: &str, stay: &str, purpose: &str| {
        r.trip_request(
            stops.clone(),
            passport,
            Some(date),
            Some(stay),
            Some(purpose),
            Default::default(),
        )
        .unwrap_err()
        .param
    };
    assert_eq!(err("XX", "2025-06-01", "3d", "tourism"), "passport");
    assert_eq!(err("CN", "01/06/2025", "3d", "tourism"), "date");
    assert_eq!(err("CN", "2025-06-01", "-3d", "tourism"), "stay");
    assert_eq!(err("CN", "2025-06-01", "3d", "sightseeing"), "purpose");
}

#[test]
fn a_change_of_flights_is_not_an_entry() {
    // Tashkent → Tbilisi flies through Istanbul: a US citizen changes flights there without
    // entering Türkiye, and enters Georgia.
    let t = trip(
        &router(),
        &["Tashkent", "Tbilisi"],
        "US",
        "2026-06-01",
        "7d",
    );
    let tr = t
        .stays
        .iter()
        .find(|s| s.country == "TR")
        .expect("via Istanbul");
    assert_eq!(tr.status, EntryStatus::AirsideTransit);
    assert!(tr.rule.is_none());
    assert!(
        t.problems.iter().all(|p| p.country != "TR"),
        "{:?}",
        t.problems
    );
    let ge = t.stays.iter().find(|s| s.country == "GE").unwrap();
    assert_eq!(ge.status, EntryStatus::Allowed);
}
