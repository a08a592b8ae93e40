//! Loading the network the command works on: the built-in one or `--feed DIR`, with scenarios.

use crate::failure::{CmdResult, Failure};
use anyhow::anyhow;
use silkroute_feed::{
    builtin, builtin_scenario, builtin_scenario_names, load_dir, FeedError, Scenario,
};
use silkroute_model::Network;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Loads the feed (warnings are not printed here; `validate` shows them).
pub fn load_network(feed: &Option<PathBuf>) -> Result<Network, Failure> {
    match feed {
        None => Ok(builtin()),
        Some(dir) => match load_dir(dir) {
            Ok((net, _warnings)) => Ok(net),
            Err(e @ FeedError::Invalid(_)) => Err(Failure::failed(anyhow!(
                "{e}\n(run `silkroute validate {}` for the full report)",
                dir.display()
            ))),
            Err(e) => Err(Failure::failed(e)),
        },
    }
}

/// Resolves `NAME|FILE` scenario arguments and applies them in order. Returns their names.
pub fn apply_scenarios(net: &mut Network, args: &[String]) -> Result<Vec<String>, Failure> {
    let mut names = Vec::new();
    for arg in args {
        let scenario = resolve(arg)?;
        scenario.apply(net).map_err(Failure::usage)?;
        names.push(scenario.name.clone());
    }
    Ok(names)
}

fn resolve(arg: &str) -> Result<Scenario, Failure> {
    if let Some(s) = builtin_scenario(arg) {
        return s.map_err(Failure::failed);
    }
    let path = Path::new(arg);
    if path.exists() {
        return Scenario::from_file(path).map_err(Failure::usage);
    }
    Err(Failure::usage(anyhow!(
        "unknown scenario `{arg}`: not a built-in scenario ({}) and no such file",
        builtin_scenario_names().join(", ")
    )))
}

/// `silkroute scenarios`.
pub fn list_scenarios() -> CmdResult {
    for name in builtin_scenario_names() {
        let s = builtin_scenario(name)
            .expect("listed")
            .map_err(Failure::failed)?;
        say!("{:<16} {}", s.name, s.description);
    }
    Ok(ExitCode::SUCCESS)
}
