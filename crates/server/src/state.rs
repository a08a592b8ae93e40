//! What the server holds: one [`Router`] per scenario combination.

use crate::admission::{Admission, Limits};
use silkroute_feed::{apply_in_order, offered_scenarios, Scenario};
use silkroute_graph::CompiledNetwork;
use silkroute_model::Network;
use silkroute_route::Router;
use std::collections::HashMap;
use std::sync::atomic::Ordering::Relaxed;
use std::sync::{Arc, Mutex, RwLock};

/// Most scenario combinations kept compiled beyond the baseline and the single scenarios.
const CACHED_COMBINATIONS: usize = 64;

/// A router kept for a scenario combination.
struct Cached {
    router: Arc<Router>,
    /// Its estimated size (`router_bytes`); 0 for the baseline and the scenarios prepared at
    /// start, which are always kept (a lazy state prepares its single scenarios on demand,
    /// and keeps them within the budget like combinations).
    bytes: usize,
    /// When it was last asked for (a count of requests), to let the least recently used go.
    used: std::sync::atomic::AtomicU64,
}

/// The server's state: the baseline network and the scenarios it offers, compiled on demand.
pub struct AppState {
    scenarios: Vec<Scenario>,
    cache: RwLock<HashMap<Vec<String>, Cached>>,
    /// Estimated bytes the scenario combinations compiled on demand may hold together; the
    /// least recently used goes when another would not fit ([`AppState::with_cache_budget`]).
    cache_budget_bytes: usize,
    /// Requests for a router so far (the clock of [`Cached::used`]).
    clock: std::sync::atomic::AtomicU64,
    /// The combinations being prepared, each with a lock its preparer holds: a request for
    /// one waits for it instead of preparing it again (seconds and gigabytes on a big graph).
    preparing: Mutex<HashMap<Vec<String>, Arc<Mutex<()>>>>,
    admission: Admission,
}

impl AppState {
    /// Prepares `net` and its built-in scenarios. A built-in scenario that does not apply to
    /// the network (a custom feed without the CKU elements) is not offered.
    pub fn new(net: Network) -> Result<AppState, String> {
        let baseline = Router::new(net, Vec::new()).map_err(|e| e.to_string())?;
        AppState::with_baseline(baseline)
    }

    /// Like [`AppState::new`], but a scenario's network is compiled when it is first asked
    /// for, not at start: for engines opened many times over (a sweep opens one per scenario).
    /// `scenarios` names the scenarios `net` already has applied (for the answers).
    pub fn lazy(net: Network, scenarios: Vec<String>) -> Result<AppState, String> {
        AppState::lazy_with(Router::new(net, scenarios).map_err(|e| e.to_string())?)
    }

    /// Like [`AppState::lazy`], with a router ready.
    fn lazy_with(baseline: Router) -> Result<AppState, String> {
        let offered = offered_scenarios(baseline.network()).map_err(|e| e.to_string())?;
        let mut state = AppState::of(baseline);
        state.scenarios = offered.into_iter().map(|(s, _)| s).collect();
        Ok(state)
    }

    /// A state with `baseline` and no scenario offered yet.
    fn of(baseline: Router) -> AppState {
        AppState {
            scenarios: Vec::new(),
            cache: RwLock::new(HashMap::from([(Vec::new(), Cached::kept(baseline))])),
            cache_budget_bytes: default_cache_budget_bytes(),
            clock: Default::default(),
            preparing: Mutex::default(),
            admission: Admission::new(Limits::default()),
        }
    }

    /// The same state keeping scenarios compiled on demand (combinations, and a lazy state's
    /// single scenarios) within `bytes`
    /// (estimated from its network and graph); the default is a quarter of the machine's memory. On a
    /// big network each combination holds its own network and graph (gigabytes at 2 M
    /// nodes): a combination that does not fit is prepared for its request and dropped.
    pub fn with_cache_budget(mut self, bytes: usize) -> AppState {
        self.cache_budget_bytes = bytes;
        self
    }

    /// The scenarios compiled on demand and kept now (combinations, and a lazy state's single
    /// scenarios), least recently used first, with their estimated bytes.
    pub fn cached_combinations(&self) -> Vec<(Vec<String>, usize)> {
        on_demand(&self.cache.read().expect("cache lock"))
    }

    /// Like [`AppState::new`], with the baseline's graph and hierarchies taken from a graph
    /// file. Its customizable hierarchy, if any, customizes in the background for weights no
    /// hierarchy answers (another objective, `avoid`, `modes`, a scenario), so that the
    /// requests after the first take milliseconds; a scenario that closes elements, changes
    /// their figures or opens closed or planned ones is such a re-weighting
    /// ([`Router::derive`]).
    pub fn from_compiled(compiled: CompiledNetwork) -> Result<AppState, String> {
        AppState::with_baseline(AppState::file_router(compiled)?)
    }

    /// Like [`AppState::from_compiled`], but the built-in scenarios are prepared when first
    /// asked for (an engine opened only to derive scenarios from: a Python sweep).
    pub fn from_compiled_lazy(compiled: CompiledNetwork) -> Result<AppState, String> {
        AppState::lazy_with(AppState::file_router(compiled)?)
    }

    fn file_router(compiled: CompiledNetwork) -> Result<Router, String> {
        let mut baseline = Router::from_compiled(compiled).map_err(|e| e.to_string())?;
        baseline.set_customizing(silkroute_route::Customizing::InBackground);
        Ok(baseline)
    }

    /// A state whose baseline is this one's with more scenarios applied: `net` (this
    /// baseline's network with them) named `names`. Derived from this baseline's router
    /// ([`Router::derive`]): on a graph file, a re-weighting of its customizable hierarchy
    /// where the scenarios allow. Its own scenarios are compiled when first asked for.
    pub fn derived(&self, net: Network, names: Vec<String>) -> Result<AppState, String> {
        let router = self
            .baseline()
            .derive(net, names)
            .map_err(|e| e.to_string())?;
        AppState::lazy_with(router)
    }

    fn with_baseline(baseline: Router) -> Result<AppState, String> {
        let offered = offered_scenarios(baseline.network()).map_err(|e| e.to_string())?;
        let mut state = AppState::of(baseline);
        for (s, edited) in offered {
            state.prepare_offered(s, edited)?;
        }
        Ok(state)
    }

    /// Offers `s`, prepared now from `edited` (the baseline's network with `s` applied).
    fn prepare_offered(&mut self, s: Scenario, edited: Network) -> Result<(), String> {
        let names = vec![s.name.clone()];
        let router = self
            .baseline()
            .derive(edited, names.clone())
            .map_err(|e| e.to_string())?;
        self.cache
            .get_mut()
            .expect("cache lock")
            .insert(names, Cached::kept(router));
        self.scenarios.push(s);
        Ok(())
    }

    /// The same state offering `extra` scenarios beside the built-in ones (a user's files, as
    /// `serve --scenario` gives them), each prepared now (compiled, or on a graph file derived
    /// as a re-weighting where it can be: [`Router::derive`]), as the built-in ones are: one
    /// that cannot apply is refused now, not at the first request that names it, and that
    /// request does not wait for a preparation. Each must apply to the baseline's network and
    /// have a name that is not offered yet and that a request can give (no comma).
    pub fn offering(mut self, extra: Vec<Scenario>) -> Result<AppState, String> {
        for s in extra {
            if s.name.contains(',') || s.name.trim().is_empty() {
                return Err(format!(
                    "scenario {}: the name `{}` cannot be asked for (`scenario=` lists names separated by commas)",
                    s.file, s.name
                ));
            }
            if self.scenarios.iter().any(|o| o.name == s.name) {
                return Err(format!(
                    "scenario {}: a scenario named `{}` is already offered",
                    s.file, s.name
                ));
            }
            let edited = s
                .applied_to(self.baseline().network())
                .map_err(|e| e.to_string())?;
            self.prepare_offered(s, edited)?;
        }
        Ok(self)
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
        if let Some(r) = self.cached(names) {
            return Ok(r);
        }
        let chosen = names
            .iter()
            .map(|name| {
                self.scenarios
                    .iter()
                    .find(|s| &s.name == name)
                    .ok_or_else(|| {
                        let offered: Vec<&str> =
                            self.scenarios.iter().map(|s| s.name.as_str()).collect();
                        format!(
                            "unknown scenario `{name}` (offered: {})",
                            offered.join(", ")
                        )
                    })
            })
            .collect::<Result<Vec<&Scenario>, String>>()?;
        // Requests for the same combination wait for one preparation; others go on.
        let slot = self
            .preparing
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .entry(names.to_vec())
            .or_default()
            .clone();
        let _preparing = slot.lock().unwrap_or_else(|e| e.into_inner());
        // Another request may have prepared it while this one waited.
        if let Some(r) = self.cached(names) {
            return Ok(r);
        }
        let prepared = self.prepare(names, chosen);
        if let Ok(router) = &prepared {
            self.keep(names, router);
        }
        // Cached (or failed) before the slot goes, so that no request prepares it again.
        self.preparing
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(names);
        prepared
    }

    /// The router kept for `names`, marked as used now.
    fn cached(&self, names: &[String]) -> Option<Arc<Router>> {
        let cache = self.cache.read().expect("cache lock");
        let c = cache.get(names)?;
        c.used.store(self.clock.fetch_add(1, Relaxed) + 1, Relaxed);
        Some(c.router.clone())
    }

    /// Keeps `router` for `names` if it fits the budget, letting the least recently used
    /// combinations go to make room (at most [`CACHED_COMBINATIONS`] kept).
    fn keep(&self, names: &[String], router: &Arc<Router>) {
        let bytes = router_bytes(router).max(1);
        if bytes > self.cache_budget_bytes {
            tracing::info!(
                "scenarios {names:?} not kept: about {} MB, over the cache budget of {} MB",
                bytes >> 20,
                self.cache_budget_bytes >> 20
            );
            return;
        }
        // Routers let go are dropped after the lock: freeing a big network takes a while, and
        // every request waits for the lock meanwhile.
        let mut evicted = Vec::new();
        let mut cache = self.cache.write().expect("cache lock");
        let kept = on_demand(&cache);
        let (mut held, mut count) = (kept.iter().map(|(_, b)| b).sum::<usize>(), kept.len());
        for (oldest, b) in kept {
            if held + bytes <= self.cache_budget_bytes && count < CACHED_COMBINATIONS {
                break;
            }
            evicted.extend(cache.remove(&oldest));
            (held, count) = (held - b, count - 1);
        }
        tracing::info!("scenarios {names:?} kept: about {} MB", bytes >> 20);
        cache.insert(
            names.to_vec(),
            Cached {
                router: router.clone(),
                bytes,
                used: (self.clock.fetch_add(1, Relaxed) + 1).into(),
            },
        );
        drop(cache);
        drop(evicted);
    }

    /// The baseline with `chosen` (named `names`) applied, derived from the baseline's router.
    fn prepare(&self, names: &[String], chosen: Vec<&Scenario>) -> Result<Arc<Router>, String> {
        let started = std::time::Instant::now();
        let baseline = self.baseline();
        let net = apply_in_order(baseline.network(), chosen).map_err(|e| e.to_string())?;
        let router = baseline
            .derive(net, names.to_vec())
            .map_err(|e| e.to_string())?;
        tracing::info!(
            "scenarios {names:?} prepared in {:.2} s ({})",
            started.elapsed().as_secs_f64(),
            match (baseline.customizable(), router.customizable()) {
                (None, _) => "compiled",
                (Some(_), Some(_)) => "a re-weighting of the customizable hierarchy",
                (Some(_), None) => "edges the hierarchy never saw: searched with Dijkstra",
            }
        );
        Ok(Arc::new(router))
    }

    /// The baseline.
    pub fn baseline(&self) -> Arc<Router> {
        self.cache
            .read()
            .expect("cache lock")
            .get(&Vec::new())
            .expect("the baseline was prepared at start")
            .router
            .clone()
    }
}

/// The routers compiled on demand among `cache`, least recently used first, with their
/// estimated bytes.
fn on_demand(cache: &HashMap<Vec<String>, Cached>) -> Vec<(Vec<String>, usize)> {
    let mut kept: Vec<(u64, Vec<String>, usize)> = cache
        .iter()
        .filter(|(_, c)| c.bytes > 0)
        .map(|(names, c)| (c.used.load(Relaxed), names.clone(), c.bytes))
        .collect();
    kept.sort();
    kept.into_iter().map(|(_, n, b)| (n, b)).collect()
}

impl Cached {
    /// A router kept for good (the baseline, an offered scenario).
    fn kept(router: Router) -> Cached {
        Cached {
            router: Arc::new(router),
            bytes: 0,
            used: 0.into(),
        }
    }
}

/// The memory of a table's records: each record's size and its strings' bytes (`strings`),
/// or, for a table still in a graph file, its size and 64 bytes per record as if every one
/// were decoded (the most it can take), without decoding it.
fn table_bytes<T>(table: &silkroute_model::Table<T>, strings: impl Fn(&T) -> usize) -> usize {
    let record = std::mem::size_of::<T>();
    if table.is_stored() {
        table.len() * (record + 64)
    } else {
        table.iter().map(|r| record + strings(r)).sum()
    }
}

/// An estimate of the memory a router compiled for a scenario combination holds of its own:
/// its network (places and links with their strings, services) and its graph (nodes and
/// edges, and the frame of the customizable hierarchy it shares). Only its order of magnitude
/// matters: it bounds the cache of combinations.
fn router_bytes(router: &Router) -> usize {
    use std::mem::size_of;
    let net = router.network();
    let graph = router.graph();
    let places = table_bytes(&net.places, |p| {
        p.id.len() + p.name_en.len() + p.country.len() + p.timezone.len()
    });
    let links = table_bytes(&net.links, |l| {
        l.id.len() + l.geometry.as_ref().map_or(0, |g| g.len() * 16)
    });
    let services = net.services.len() * 1024;
    let graph_bytes = graph.nodes().len() * size_of::<silkroute_graph::Node>()
        + std::mem::size_of_val(graph.edges())
        + graph.edges().len() * 4;
    places + links + services + graph_bytes
}

/// A quarter of the machine's memory (`MemTotal` in /proc/meminfo), or 4 GiB where it cannot
/// be read; read once per process (a sweep makes a state per scenario).
fn default_cache_budget_bytes() -> usize {
    static BUDGET: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    *BUDGET.get_or_init(|| {
        std::fs::read_to_string("/proc/meminfo")
            .ok()
            .and_then(|m| {
                m.lines()
                    .find(|l| l.starts_with("MemTotal:"))
                    .and_then(|l| l.split_whitespace().nth(1))
                    .and_then(|kb| kb.parse::<usize>().ok())
            })
            .map_or(4 << 30, |kb| kb * 1024 / 4)
    })
}
