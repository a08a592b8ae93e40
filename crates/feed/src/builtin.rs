//! The built-in China–Central Asia network and scenarios, compiled into the binary from
//! `data/builtin/` and `data/scenarios/`.

use crate::load::load_files;
use crate::scenario::{Scenario, ScenarioError};
use silkroute_model::Network;
use std::collections::HashMap;

/// The built-in feed files, by name.
pub const BUILTIN_FILES: [(&str, &str); 16] = [
    (
        "places.csv",
        include_str!("../../../data/builtin/places.csv"),
    ),
    ("links.csv", include_str!("../../../data/builtin/links.csv")),
    (
        "borders.csv",
        include_str!("../../../data/builtin/borders.csv"),
    ),
    (
        "transfers.csv",
        include_str!("../../../data/builtin/transfers.csv"),
    ),
    (
        "services.csv",
        include_str!("../../../data/builtin/services.csv"),
    ),
    (
        "service_stops.csv",
        include_str!("../../../data/builtin/service_stops.csv"),
    ),
    (
        "entry_rules.csv",
        include_str!("../../../data/builtin/entry_rules.csv"),
    ),
    (
        "passenger_fares.csv",
        include_str!("../../../data/builtin/passenger_fares.csv"),
    ),
    (
        "passenger_factors.csv",
        include_str!("../../../data/builtin/passenger_factors.csv"),
    ),
    (
        "countries.csv",
        include_str!("../../../data/builtin/countries.csv"),
    ),
    (
        "clearances.csv",
        include_str!("../../../data/builtin/clearances.csv"),
    ),
    (
        "driving_rules.csv",
        include_str!("../../../data/builtin/driving_rules.csv"),
    ),
    ("modes.csv", include_str!("../../../data/builtin/modes.csv")),
    (
        "cost_factors.csv",
        include_str!("../../../data/builtin/cost_factors.csv"),
    ),
    (
        "emission_factors.csv",
        include_str!("../../../data/builtin/emission_factors.csv"),
    ),
    (
        "feed_info.csv",
        include_str!("../../../data/builtin/feed_info.csv"),
    ),
];

const BUILTIN_SCENARIOS: [(&str, &str); 4] = [
    (
        "cku-open",
        include_str!("../../../data/scenarios/cku-open.toml"),
    ),
    (
        "khorgos-closed",
        include_str!("../../../data/scenarios/khorgos-closed.toml"),
    ),
    (
        "caspian-storm",
        include_str!("../../../data/scenarios/caspian-storm.toml"),
    ),
    (
        "faster-customs",
        include_str!("../../../data/scenarios/faster-customs.toml"),
    ),
];

/// The built-in network. It is validated by the test suite, so loading cannot fail at run time;
/// a broken built-in feed is a build defect and panics with the report.
pub fn builtin() -> Network {
    let files: HashMap<&str, Vec<u8>> = BUILTIN_FILES
        .iter()
        .map(|(name, text)| (*name, text.as_bytes().to_vec()))
        .collect();
    match load_files(&files) {
        Ok((net, _warnings)) => net,
        Err(e) => panic!("the built-in network is invalid (a build defect): {e}"),
    }
}

/// Names of the scenarios shipped with silkroute.
pub fn builtin_scenario_names() -> Vec<&'static str> {
    BUILTIN_SCENARIOS.iter().map(|(n, _)| *n).collect()
}

/// A shipped scenario by name, or `None`.
pub fn builtin_scenario(name: &str) -> Option<Result<Scenario, ScenarioError>> {
    BUILTIN_SCENARIOS
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(n, text)| Scenario::parse(text, &format!("builtin:{n}")))
}

/// The scenario `arg` names: a built-in scenario, a TOML file, or TOML text (a sweep ships
/// scenarios to its workers as text: text has a line break, a name or a path does not).
pub fn resolve_scenario(arg: &str) -> Result<Scenario, ScenarioError> {
    if let Some(s) = builtin_scenario(arg) {
        return s;
    }
    if arg.contains('\n') {
        return Scenario::parse(arg, "scenario text");
    }
    let path = std::path::Path::new(arg);
    if path.exists() {
        return Scenario::from_file(path);
    }
    Err(ScenarioError::Unknown {
        arg: arg.to_string(),
        builtin: builtin_scenario_names().join(", "),
    })
}

/// The shipped scenarios that apply to `net`, each with the network it makes. A scenario that
/// names elements `net` lacks (a custom feed without the CKU railway) is left out; a shipped
/// scenario that does not parse is an error (a build defect).
pub fn offered_scenarios(net: &Network) -> Result<Vec<(Scenario, Network)>, ScenarioError> {
    let mut out = Vec::new();
    for name in builtin_scenario_names() {
        let s = builtin_scenario(name).expect("listed")?;
        if !s.fits(net) {
            continue;
        }
        if let Ok(edited) = s.applied_to(net) {
            out.push((s, edited));
        }
    }
    Ok(out)
}
