//! Loading the network the command works on: the built-in one or `--feed DIR`, with scenarios.

use crate::failure::{print_json, CmdResult, Failure};
use anyhow::anyhow;
use silkroute_feed::{
    apply_in_order, builtin, builtin_scenario, load_dir, resolve_scenario, FeedError, Scenario,
};
use silkroute_graph::{is_graph_path, read_graph_file};
use silkroute_model::Network;
use silkroute_route::Router;
use std::path::PathBuf;
use std::process::ExitCode;

/// Loads the feed (warnings are not printed here; `validate` shows them). `--feed` may also
/// name a graph file written by `silkroute build`.
pub fn load_network(feed: &Option<PathBuf>) -> Result<Network, Failure> {
    match feed {
        None => Ok(builtin()),
        Some(file) if is_graph_path(file) => read_graph_file(file)
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

/// Graphs with more nodes than this get a hint to build a graph file with hierarchies.
pub(crate) const BIG_GRAPH_NODES: usize = 100_000;

/// The network of `--feed` (or a graph file) with the scenarios applied, ready to query. A
/// graph file's graph and hierarchies are used as they are when no scenario changes them;
/// with scenarios, its network is compiled in the frame of its graph, so that its customizable
/// hierarchy still fits a scenario that closes elements, changes figures or opens closed or
/// planned ones ([`Router::derive`]; a one-shot command still searches such weights with
/// Dijkstra).
pub fn load_router(feed: &Option<PathBuf>, scenarios: &[String]) -> Result<Router, Failure> {
    let router = match feed.as_ref().filter(|f| is_graph_path(f)) {
        Some(file) => {
            let c = read_graph_file(file).map_err(Failure::failed)?;
            let baseline = Router::from_compiled(c).map_err(Failure::failed)?;
            if scenarios.is_empty() {
                return Ok(baseline);
            }
            let (net, names) = applied(baseline.network(), scenarios)?;
            baseline.derive(net, names).map_err(Failure::failed)?
        }
        None => {
            let (net, names) = apply_scenarios(load_network(feed)?, scenarios)?;
            Router::new(net, names).map_err(Failure::failed)?
        }
    };
    if router.graph().nodes().len() > BIG_GRAPH_NODES
        && router.hierarchies().is_empty()
        && router.customizable().is_none()
    {
        eprintln!(
            "note: {} graph nodes searched with Dijkstra; `silkroute build` a graph file and pass it as --feed for fast queries",
            router.graph().nodes().len()
        );
    }
    Ok(router)
}

/// Says on stderr when `req` was answered (or would be) by a Dijkstra search of a big graph:
/// no hierarchy of the graph file answers its weights, and no customization of the
/// customizable one was made (a one-shot command makes only partial customizations of those
/// stored in the file, which give up when the changes reach too far).
pub fn note_whole_graph_search(router: &Router, req: &silkroute_route::RouteRequest) {
    let nodes = router.graph().nodes().len();
    if nodes > BIG_GRAPH_NODES
        && (!router.hierarchies().is_empty() || router.customizable().is_some())
        && router.searches_whole_graph(req)
    {
        eprintln!(
            "note: {nodes} graph nodes searched with Dijkstra: no hierarchy of the graph file answers these weights and the changes reach too far for a partial customization of those it stores; `silkroute serve` and Python customize for many queries"
        );
    }
}

/// Resolves `NAME|FILE` scenario arguments and applies them in order to `net`: the network with
/// every scenario applied and their names, or the first scenario's error (nothing half applied).
pub fn apply_scenarios(net: Network, args: &[String]) -> Result<(Network, Vec<String>), Failure> {
    if args.is_empty() {
        return Ok((net, Vec::new()));
    }
    applied(&net, args)
}

/// [`apply_scenarios`] on a borrowed network (each scenario copies the network it edits).
fn applied(net: &Network, args: &[String]) -> Result<(Network, Vec<String>), Failure> {
    let scenarios = args
        .iter()
        .map(|arg| resolve(arg))
        .collect::<Result<Vec<_>, _>>()?;
    let edited = apply_in_order(net, &scenarios).map_err(Failure::usage)?;
    Ok((edited, scenarios.into_iter().map(|s| s.name).collect()))
}

fn resolve(arg: &str) -> Result<Scenario, Failure> {
    match builtin_scenario(arg) {
        // A shipped scenario that does not parse is a build defect, not bad usage.
        Some(s) => s.map_err(Failure::failed),
        None => resolve_scenario(arg).map_err(Failure::usage),
    }
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
