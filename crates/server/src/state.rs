//! What the server holds: one [`Router`] per scenario combination.

use crate::admission::{Admission, Limits};
use silkroute_feed::{offered_scenarios, Scenario};
use silkroute_graph::CompiledNetwork;
use silkroute_model::Network;
use silkroute_route::Router;
use std::collections::HashMap;
use std::sync::{Arc, RwLock};

/// Most scenario combinations kept compiled beyond the baseline and the single scenarios.
const CACHED_COMBINATIONS: usize = 64;

/// The server's state: the baseline network and the scenarios it offers, compiled on demand.
pub struct AppState {
    base: Network,
    scenarios: Vec<Scenario>,
    cache: RwLock<HashMap<Vec<String>, Arc<Router>>>,
    admission: Admission,
}

impl AppState {
    /// Prepares `net` and its built-in scenarios. A built-in scenario that does not apply to
    /// the network (a custom feed without the CKU elements) is not offered.
    pub fn new(net: Network) -> Result<AppState, String> {
        let baseline = Router::new(net.clone(), Vec::new()).map_err(|e| e.to_string())?;
        AppState::with_baseline(net, baseline)
    }

    /// Like [`AppState::new`], but a scenario's network is compiled when it is first asked
    /// for, not at start: for engines opened many times over (a sweep opens one per scenario).
    pub fn lazy(net: Network) -> Result<AppState, String> {
        let baseline = Router::new(net.clone(), Vec::new()).map_err(|e| e.to_string())?;
        let scenarios = offered_scenarios(&net)
            .map_err(|e| e.to_string())?
            .into_iter()
            .map(|(s, _)| s)
            .collect();
        let cache = HashMap::from([(Vec::new(), Arc::new(baseline))]);
        Ok(AppState {
            base: net,
            scenarios,
            cache: RwLock::new(cache),
            admission: Admission::new(Limits::default()),
        })
    }

    /// Like [`AppState::new`], with the baseline's graph and hierarchies taken from a graph
    /// file (scenarios are compiled from its network as usual). Its customizable hierarchy,
    /// if any, customizes in the background for weights no hierarchy answers (another
    /// objective, `avoid`, `modes`), so that the requests after the first take milliseconds.
    pub fn from_compiled(compiled: CompiledNetwork) -> Result<AppState, String> {
        let net = compiled.network.clone();
        let mut baseline = Router::from_compiled(compiled).map_err(|e| e.to_string())?;
        baseline.set_customizing(silkroute_route::Customizing::InBackground);
        AppState::with_baseline(net, baseline)
    }

    fn with_baseline(net: Network, baseline: Router) -> Result<AppState, String> {
        let mut scenarios = Vec::new();
        let mut cache = HashMap::new();
        for (s, edited) in offered_scenarios(&net).map_err(|e| e.to_string())? {
            let names = vec![s.name.clone()];
            let router = Router::new(edited, names.clone()).map_err(|e| e.to_string())?;
            cache.insert(names, Arc::new(router));
            scenarios.push(s);
        }
        cache.insert(Vec::new(), Arc::new(baseline));
        Ok(AppState {
            base: net,
            scenarios,
            cache: RwLock::new(cache),
            admission: Admission::new(Limits::default()),
        })
    }

    /// The same state with other admission limits (computations at once and requests waiting).
    pub fn with_limits(mut self, limits: Limits) -> AppState {
        self.admission = Admission::new(limits);
        self
    }

    /// The admission limits.
    pub fn limits(&self) -> Limits {
        self.admission.limits()
    }

    pub(crate) fn admission(&self) -> &Admission {
        &self.admission
    }

    /// The scenarios offered.
    pub fn scenarios(&self) -> &[Scenario] {
        &self.scenarios
    }

    /// The network with these scenarios applied in order, ready to query (cached).
    pub fn router(&self, names: &[String]) -> Result<Arc<Router>, String> {
        if let Some(r) = self.cache.read().expect("cache lock").get(names) {
            return Ok(r.clone());
        }
        let mut net = self.base.clone();
        for name in names {
            let s = self
                .scenarios
                .iter()
                .find(|s| &s.name == name)
                .ok_or_else(|| {
                    let offered: Vec<&str> =
                        self.scenarios.iter().map(|s| s.name.as_str()).collect();
                    format!(
                        "unknown scenario `{name}` (offered: {})",
                        offered.join(", ")
                    )
                })?;
            net = s.applied_to(&net).map_err(|e| e.to_string())?;
        }
        let router = Arc::new(Router::new(net, names.to_vec()).map_err(|e| e.to_string())?);
        let mut cache = self.cache.write().expect("cache lock");
        if cache.len() < CACHED_COMBINATIONS + 1 + self.scenarios.len() {
            cache.insert(names.to_vec(), router.clone());
        }
        Ok(router)
    }

    /// The baseline.
    pub fn baseline(&self) -> Arc<Router> {
        self.router(&[])
            .expect("the baseline was prepared at start")
    }
}
