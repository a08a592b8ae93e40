//! Loading the network the command works on: the built-in one or `--feed DIR`, with scenarios.

use crate::failure::{print_json, CmdResult, Failure};
use anyhow::anyhow;
use silkroute_feed::{
    builtin, builtin_scenario, builtin_scenario_names, load_dir, FeedError, Scenario,
};
use silkroute_graph::{is_graph_file, read_graph_file};
use silkroute_model::Network;
use silkroute_route::Router;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Loads the feed (warnings are not printed here; `validate` shows them). `--feed` may also
/// name a graph file written by `silkroute build`.
pub fn load_network(feed: &Option<PathBuf>) -> Result<Network, Failure> {
    match feed {
        None => Ok(builtin()),
        Some(file) if names_graph_file(file) => read_graph_file(file)
            .map(|c| c.network)
            .map_err(Failure::failed),
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

/// True when `path` is a file that starts like a graph file.
pub fn names_graph_file(path: &Path) -> bool {
    use std::io::Read;
    let mut head = [0u8; 8];
    path.is_file()
        && std::fs::File::open(path)
            .and_then(|mut f| f.read_exact(&mut head))
            .is_ok()
        && is_graph_file(&head)
}

/// Graphs with more nodes than this get a hint to build a graph file with hierarchies.
const BIG_GRAPH_NODES: usize = 100_000;

/// The network of `--feed` (or a graph file) with the scenarios applied, ready to query. A
/// graph file's graph and hierarchies are used as they are when no scenario changes them.
pub fn load_router(feed: &Option<PathBuf>, scenarios: &[String]) -> Result<Router, Failure> {
    let net = match feed.as_ref().filter(|f| names_graph_file(f)) {
        Some(file) => {
            let c = read_graph_file(file).map_err(Failure::failed)?;
            if scenarios.is_empty() {
                return Router::from_compiled(c).map_err(Failure::failed);
            }
            // A scenario edits the network: the stored graph and hierarchies no longer apply.
            c.network
        }
        None => load_network(feed)?,
    };
    let (net, names) = apply_scenarios(net, scenarios)?;
    let router = Router::new(net, names).map_err(Failure::failed)?;
    if router.graph().nodes().len() > BIG_GRAPH_NODES {
        eprintln!(
            "note: {} graph nodes searched with Dijkstra; `silkroute build` a graph file and pass it as --feed for fast queries",
            router.graph().nodes().len()
        );
    }
    Ok(router)
}

/// Resolves `NAME|FILE` scenario arguments and applies them in order to `net`: the network with
/// every scenario applied and their names, or the first scenario's error (nothing half applied).
pub fn apply_scenarios(
    mut net: Network,
    args: &[String],
) -> Result<(Network, Vec<String>), Failure> {
    let mut names = Vec::new();
    for arg in args {
        let scenario = resolve(arg)?;
        net = scenario.applied_to(&net).map_err(Failure::usage)?;
        names.push(scenario.name.clone());
    }
    Ok((net, names))
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

/// `silkroute scenarios [--json]`: the built-in scenarios that apply to the network.
pub fn list_scenarios(feed: &Option<PathBuf>, json: bool) -> CmdResult {
    let net = load_network(feed)?;
    let offered: Vec<_> = silkroute_feed::offered_scenarios(&net)
        .map_err(Failure::failed)?
        .into_iter()
        .map(|(s, _)| s)
        .collect();
    let answer = silkroute_server::scenarios_response(&offered);
    if json {
        print_json(&answer)?;
        return Ok(ExitCode::SUCCESS);
    }
    for s in &answer.scenarios {
        say!("{:<16} {}", s.name, s.description);
    }
    Ok(ExitCode::SUCCESS)
}
