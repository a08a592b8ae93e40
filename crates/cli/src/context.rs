//! Loading the network the command works on: the built-in one or `--feed DIR`, with scenarios.

use crate::failure::{CmdResult, Failure};
use anyhow::anyhow;
use silkroute_feed::{
    builtin, builtin_scenario, builtin_scenario_names, load_dir, FeedError, Scenario,
};
use silkroute_graph::{compile, is_graph_file, read_graph_file, Graph, Hierarchy, Metric};
use silkroute_model::Network;
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

/// A network ready to query: its graph and, from a graph file, its contraction hierarchies.
pub struct Prepared {
    /// The network, scenarios applied.
    pub net: Network,
    /// Its routing graph.
    pub graph: Graph,
    /// Hierarchies from the graph file (none for feeds, or once a scenario changed the network).
    pub hierarchies: Vec<(Metric, Hierarchy)>,
    /// Names of the scenarios applied.
    pub scenarios: Vec<String>,
}

/// Graphs with more nodes than this get a hint to build a graph file with hierarchies.
const BIG_GRAPH_NODES: usize = 100_000;

/// Loads the feed or graph file, applies the scenarios and compiles (unless the graph file
/// already holds the graph).
pub fn load_prepared(feed: &Option<PathBuf>, scenarios: &[String]) -> Result<Prepared, Failure> {
    let mut net = match feed.as_ref().filter(|f| names_graph_file(f)) {
        Some(file) => {
            let c = read_graph_file(file).map_err(Failure::failed)?;
            if scenarios.is_empty() {
                return Ok(Prepared {
                    net: c.network,
                    graph: c.graph,
                    hierarchies: c.hierarchies,
                    scenarios: Vec::new(),
                });
            }
            // A scenario edits the network: the stored graph and hierarchies no longer apply.
            c.network
        }
        None => load_network(feed)?,
    };
    let names = apply_scenarios(&mut net, scenarios)?;
    let graph = compile(&net).map_err(Failure::failed)?;
    if graph.nodes().len() > BIG_GRAPH_NODES {
        eprintln!(
            "note: {} graph nodes searched with Dijkstra; `silkroute build` a graph file and pass it as --feed for fast queries",
            graph.nodes().len()
        );
    }
    Ok(Prepared {
        net,
        graph,
        hierarchies: Vec::new(),
        scenarios: names,
    })
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
