//! What the server holds: the network, compiled per scenario combination.

use silkroute_feed::{builtin_scenario, builtin_scenario_names, Scenario};
use silkroute_graph::{compile, CompiledNetwork, Graph, Hierarchy, Metric};
use silkroute_model::Network;
use silkroute_route::PlaceFinder;
use std::collections::HashMap;
use std::sync::{Arc, RwLock};

/// A network with scenarios applied, compiled and indexed by name.
pub struct Prepared {
    /// The network.
    pub net: Network,
    /// Its routing graph.
    pub graph: Graph,
    /// Its place names.
    pub finder: PlaceFinder,
    /// Scenario names applied, in order.
    pub scenarios: Vec<String>,
    /// Contraction hierarchies (the baseline of a graph file only).
    pub hierarchies: Vec<(Metric, Hierarchy)>,
}

impl Prepared {
    fn new(net: Network, scenarios: Vec<String>) -> Result<Prepared, String> {
        let graph = compile(&net).map_err(|e| e.to_string())?;
        let finder = PlaceFinder::new(&net);
        Ok(Prepared {
            net,
            graph,
            finder,
            scenarios,
            hierarchies: Vec::new(),
        })
    }
}

/// The server's state: the baseline network and the scenarios it offers.
pub struct AppState {
    base: Network,
    scenarios: Vec<Scenario>,
    cache: RwLock<HashMap<Vec<String>, Arc<Prepared>>>,
}

impl AppState {
    /// Prepares `net` and its built-in scenarios. Fails if a built-in scenario does not apply
    /// to the network (e.g. a custom feed without the CKU elements): such scenarios are left out.
    pub fn new(net: Network) -> Result<AppState, String> {
        AppState::new_with(net, true)
    }

    fn new_with(net: Network, compile_baseline: bool) -> Result<AppState, String> {
        let mut scenarios = Vec::new();
        let mut cache = HashMap::new();
        for name in builtin_scenario_names() {
            let s = builtin_scenario(name)
                .expect("listed")
                .map_err(|e| e.to_string())?;
            // A scenario that names elements this network lacks (a custom feed) is not offered.
            let mut edited = net.clone();
            if s.apply(&mut edited).is_ok() {
                let names = vec![s.name.clone()];
                cache.insert(names.clone(), Arc::new(Prepared::new(edited, names)?));
                scenarios.push(s);
            }
        }
        if compile_baseline {
            cache.insert(
                Vec::new(),
                Arc::new(Prepared::new(net.clone(), Vec::new())?),
            );
        }
        Ok(AppState {
            base: net,
            scenarios,
            cache: RwLock::new(cache),
        })
    }

    /// Like [`AppState::new`], with the baseline's graph and hierarchies taken from a graph
    /// file (scenarios are compiled from its network as usual).
    pub fn from_compiled(compiled: CompiledNetwork) -> Result<AppState, String> {
        let state = AppState::new_with(compiled.network.clone(), false)?;
        let finder = PlaceFinder::new(&compiled.network);
        let base = Prepared {
            net: compiled.network,
            graph: compiled.graph,
            finder,
            scenarios: Vec::new(),
            hierarchies: compiled.hierarchies,
        };
        state
            .cache
            .write()
            .expect("cache lock")
            .insert(Vec::new(), Arc::new(base));
        Ok(state)
    }

    /// The scenarios offered.
    pub fn scenarios(&self) -> &[Scenario] {
        &self.scenarios
    }

    /// The network with these scenarios applied in order, compiled (cached).
    pub fn prepared(&self, names: &[String]) -> Result<Arc<Prepared>, String> {
        if let Some(p) = self.cache.read().expect("cache lock").get(names) {
            return Ok(p.clone());
        }
        let mut net = self.base.clone();
        for name in names {
            let s = self
                .scenarios
                .iter()
                .find(|s| &s.name == name)
                .ok_or_else(|| format!("unknown scenario `{name}`"))?;
            s.apply(&mut net).map_err(|e| e.to_string())?;
        }
        let p = Arc::new(Prepared::new(net, names.to_vec())?);
        let mut cache = self.cache.write().expect("cache lock");
        if cache.len() < 64 {
            cache.insert(names.to_vec(), p.clone());
        }
        Ok(p)
    }

    /// The baseline.
    pub fn baseline(&self) -> Arc<Prepared> {
        self.prepared(&[])
            .expect("the baseline was prepared at start")
    }
}
