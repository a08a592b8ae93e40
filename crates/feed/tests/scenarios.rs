//! Scenario files: parsing, applying, and errors that name the file and key.

use silkroute_feed::{load_dir, Scenario, ScenarioError};
use silkroute_model::Status;
use std::path::Path;

fn mini() -> silkroute_model::Network {
    load_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/mini"))
        .unwrap()
        .0
}

#[test]
fn closing_a_border_and_slowing_customs_edits_the_network() {
    let s = Scenario::parse(
        r#"
name = "khorgos-closed"
[[border]]
ids = ["khorgos-altynkol"]
status = "closed"
[[border]]
ids = ["alashankou-dostyk"]
clearance_factor = 0.5
"#,
        "test.toml",
    )
    .unwrap();
    let net = s.applied_to(&mini()).unwrap();
    let k = net
        .borders
        .iter()
        .find(|b| b.id == "khorgos-altynkol")
        .unwrap();
    assert_eq!(k.status, Status::Closed);
    let a = net
        .borders
        .iter()
        .find(|b| b.id == "alashankou-dostyk")
        .unwrap();
    assert_eq!((a.forward.p50_h, a.forward.p90_h), (5.0, 15.0));
}

#[test]
fn an_unknown_key_names_the_file_and_the_key() {
    let e = Scenario::parse(
        "name = \"x\"\n[[link]]\nids = [\"a\"]\nsped_kmh = 3\n",
        "slow.toml",
    )
    .unwrap_err();
    let msg = e.to_string();
    assert!(msg.starts_with("scenario slow.toml:"), "{msg}");
    assert!(msg.contains("sped_kmh"), "{msg}");
}

#[test]
fn an_unknown_id_names_the_table_and_the_id() {
    let s = Scenario::parse(
        "name = \"x\"\n[[border]]\nids = [\"nowhere\"]\nstatus = \"open\"\n",
        "x.toml",
    )
    .unwrap();
    let e = s.applied_to(&mini()).unwrap_err();
    let ScenarioError::Problems { problems, .. } = &e else {
        panic!("{e}")
    };
    assert!(
        matches!(&problems[..], [ScenarioError::UnknownId { id, .. }] if id == "nowhere"),
        "{e}"
    );
    assert!(e.to_string().contains("[[border]] #1"), "{e}");
}

#[test]
fn a_non_positive_factor_is_rejected() {
    let s = Scenario::parse(
        "name = \"x\"\n[[border]]\nids = [\"khorgos-road\"]\nclearance_factor = -1\n",
        "x.toml",
    )
    .unwrap();
    let e = s.applied_to(&mini()).unwrap_err();
    assert!(e.to_string().contains("key `clearance_factor`"), "{e}");
}

#[test]
fn a_scenario_can_add_a_place_and_a_link() {
    let s = Scenario::parse(
        r#"
name = "new-terminal"
[[new_place]]
id = "zharkent"
name_en = "Zharkent"
country = "KZ"
lat = 44.17
lon = 80.0
kind = "city"
source = "test"
[[new_link]]
id = "zharkent-almaty-road"
from = "zharkent"
to = "almaty"
mode = "road"
length_km = 330
speed_kmh = 60
source = "test"
"#,
        "add.toml",
    )
    .unwrap();
    let net = s.applied_to(&mini()).unwrap();
    assert!(net.place_id("zharkent").is_some());
    assert!(net.links.iter().any(|l| l.id == "zharkent-almaty-road"));
}

#[test]
fn an_added_link_across_a_border_is_refused_with_its_key() {
    let s = Scenario::parse(
        "name = \"x\"\n[[new_link]]\nid = \"bad\"\nfrom = \"xian\"\nto = \"almaty\"\nmode = \"road\"\nlength_km = 3000\nsource = \"t\"\n",
        "x.toml",
    )
    .unwrap();
    let e = s.applied_to(&mini()).unwrap_err();
    assert!(e.to_string().contains("[[new_link]] #1 key `to`"), "{e}");
}

#[test]
fn a_scenario_adds_services_with_a_frequency_or_a_timetable() {
    let s = Scenario::parse(
        r#"
name = "new-trains"
[[new_service]]
id = "almaty-xian-train"
name = "Almaty–Xi'an return train"
mode = "rail"
stops = ["almaty", "xian"]
frequency_per_week = 2
source = "what-if"
[[new_service]]
id = "xian-almaty-express"
name = "Xi'an–Almaty express"
mode = "rail"
stops = ["xian", "khorgos", "almaty"]
days = ["mon", "thu"]
times = ["10:00"]
source = "what-if"
"#,
        "test.toml",
    )
    .unwrap();
    let net = s.applied_to(&mini()).unwrap();
    let express = net
        .services
        .iter()
        .find(|x| x.id == "xian-almaty-express")
        .unwrap();
    // Nobody boards or alights at the border post.
    assert!(!express.stops[1].pickup && !express.stops[1].dropoff);
    assert!(matches!(
        express.schedule,
        silkroute_model::Schedule::Timetable(_)
    ));
    assert!(net.services.iter().any(|x| x.id == "almaty-xian-train"));
}

#[test]
fn a_new_service_without_a_schedule_or_with_unknown_stops_is_refused() {
    let s = Scenario::parse(
        r#"
name = "bad"
[[new_service]]
id = "ghost"
name = "Ghost"
mode = "rail"
stops = ["xian", "atlantis"]
frequency_per_week = 1
source = "what-if"
[[new_service]]
id = "vague"
name = "Vague"
mode = "rail"
stops = ["xian", "almaty"]
source = "what-if"
"#,
        "bad.toml",
    )
    .unwrap();
    let e = s.applied_to(&mini()).unwrap_err().to_string();
    assert!(e.contains("unknown place `atlantis`"), "{e}");
    assert!(
        e.contains("give either frequency_per_week or days with times"),
        "{e}"
    );
}

#[test]
fn a_scenario_changes_a_services_calendar_or_puts_a_frequency_service_on_a_timetable() {
    use silkroute_model::Schedule;
    let net = silkroute_feed::builtin();
    let s = Scenario::parse(
        r#"
name = "new-days"
[[service]]
ids = ["xian-almaty-train"]
days = ["wed", "saturday"]
times = ["09:00", "21:00"]
add_dates = ["2026-07-02"]
remove_dates = ["2026-07-04"]
[[service]]
ids = ["kuryk-alat-ferry"]
days = ["tue"]
times = ["18:00"]
"#,
        "days.toml",
    )
    .unwrap();
    let changed = s.applied_to(&net).unwrap();
    let service = |id: &str| changed.services.iter().find(|x| x.id == id).unwrap();
    let Schedule::Timetable(c) = &service("xian-almaty-train").schedule else {
        panic!("still timetabled")
    };
    assert_eq!(c.weekdays, [false, false, true, false, false, true, false]);
    assert_eq!(c.times.len(), 2);
    let date = |d: &str| d.parse::<jiff::civil::Date>().unwrap();
    assert!(c.runs_on(date("2026-07-02"))); // a Thursday, added
    assert!(!c.runs_on(date("2026-07-04"))); // a Saturday, removed
    assert!(c.runs_on(date("2026-07-08"))); // a Wednesday
    let Schedule::Timetable(f) = &service("kuryk-alat-ferry").schedule else {
        panic!("the ferry should now run to a timetable")
    };
    assert_eq!(f.weekdays, [false, true, false, false, false, false, false]);
    // The network it was applied to is unchanged.
    assert!(matches!(
        net.services
            .iter()
            .find(|x| x.id == "kuryk-alat-ferry")
            .unwrap()
            .schedule,
        Schedule::Frequency { .. }
    ));
}

#[test]
fn calendar_edits_that_cannot_apply_are_refused_with_their_keys() {
    let net = silkroute_feed::builtin();
    let s = Scenario::parse(
        r#"
name = "bad-days"
[[service]]
ids = ["xian-almaty-train"]
days = ["wednesdy"]
[[service]]
ids = ["kuryk-alat-ferry"]
days = ["tue"]
[[service]]
ids = ["xian-almaty-train"]
times = ["25:00"]
[[service]]
ids = ["xian-almaty-train"]
add_dates = ["2026-02-30"]
"#,
        "bad-days.toml",
    )
    .unwrap();
    let e = s.applied_to(&net).unwrap_err().to_string();
    assert!(e.contains("[[service]] #1 key `days`"), "{e}");
    assert!(e.contains("wednesdy"), "{e}");
    assert!(
        e.contains("[[service]] #2 key `days`") && e.contains("give both days and times"),
        "{e}"
    );
    assert!(
        e.contains("[[service]] #3 key `times`") && e.contains("25:00"),
        "{e}"
    );
    assert!(
        e.contains("[[service]] #4 key `add_dates`") && e.contains("2026-02-30"),
        "{e}"
    );
}

#[test]
fn built_in_scenarios_fit_the_built_in_network_and_not_another() {
    let net = silkroute_feed::builtin();
    let other = mini();
    for name in silkroute_feed::builtin_scenario_names() {
        let s = silkroute_feed::builtin_scenario(name).unwrap().unwrap();
        assert!(s.fits(&net), "{name} fits the corridor network");
        assert!(s.applied_to(&net).is_ok(), "{name} applies to it");
        // The test feed has none of the corridor's elements: offered nothing, copied never.
        assert!(
            !s.fits(&other),
            "{name} names elements the test feed does not have"
        );
        assert!(s.applied_to(&other).is_err());
    }
    assert!(silkroute_feed::offered_scenarios(&other)
        .unwrap()
        .is_empty());
}

/// What lets `Scenario::applied_to` skip validating a graph file's network again after a
/// scenario that only edits elements: no edit of statuses, speeds, durations or factors makes a
/// valid network invalid. Every link, border crossing, transfer and service of the built-in
/// network closed, planned, re-opened, slowed or rescaled at once, the network checked whole.
#[test]
fn editing_elements_never_makes_a_valid_network_invalid() {
    let net = silkroute_feed::builtin();
    let ids = |v: Vec<&str>| {
        v.iter()
            .map(|id| format!("\"{id}\""))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let links = ids(net.links.iter().map(|l| l.id.as_str()).collect());
    let borders = ids(net.borders.iter().map(|b| b.id.as_str()).collect());
    let transfers = ids(net.transfers.iter().map(|t| t.id.as_str()).collect());
    let services = ids(net.services.iter().map(|s| s.id.as_str()).collect());
    for status in ["closed", "planned", "open"] {
        let toml = format!(
            "name = \"all-{status}\"\n\
             [[link]]\nids = [{links}]\nstatus = \"{status}\"\nspeed_kmh = 7.5\ncapacity_factor = 0.1\n\
             [[link]]\nids = [{links}]\nduration_h = 99.0\n\
             [[border]]\nids = [{borders}]\nstatus = \"{status}\"\nclearance_factor = 30.0\nfee_factor = 0.01\ncapacity_factor = 5.0\n\
             [[transfer]]\nids = [{transfers}]\nstatus = \"{status}\"\nhandling_factor = 12.0\n\
             [[service]]\nids = [{services}]\nstatus = \"{status}\"\n"
        );
        let s = Scenario::parse(&toml, "all.toml").expect("parses");
        assert!(s.only_edits());
        let edited = s.applied_to(&net).expect("validated whole, no error");
        assert!(!silkroute_feed::validate(&edited).has_errors());
        assert!(edited.links.iter().all(|l| l.status.as_str() == status));
    }
}
