//! Routes on a customizable contraction hierarchy: what the per-metric hierarchies cannot
//! answer (the p90 and balanced objectives, a criterion without its own hierarchy, `--modes`,
//! `--avoid`) on a big graph file, without Dijkstra over the whole graph.
//!
//! A request's edge weights are its objective's weight of each edge for its cargo, or
//! "forbidden" where the edge enters a node the request may not touch — the same weights and
//! the same filter as the Dijkstra search ([`route`](crate::route)), in integers. The
//! hierarchy is customized for them once (seconds on millions of nodes) and the customization
//! kept for the next requests with the same weights; each query then takes well under a
//! millisecond. A customization costs about ten one-to-one Dijkstra searches, so when it is
//! made is the embedding program's choice ([`Customizing`]): a server makes it in the
//! background while Dijkstra answers the first request, a one-shot command line never does.
//! Requests with via places always go to Dijkstra.

use crate::fast::{ends, itinerary_of_path, starts};
use crate::itinerary::Itinerary;
use crate::matrix::{cell, MatrixCell};
use crate::search::{
    allowed_nodes, avoided_nodes, check_request, no_route_error, RouteError, RouteRequest,
};
use rayon::prelude::*;
use silkroute_graph::hierarchy::{
    meet, Cch, CchMetric, CchQuery, CchState, Label, StoredCustomization, Weight, INFINITY,
};
use silkroute_graph::{Edge, EdgeFrame, EdgeShape, Graph, NodeId, Topology, Wait};
use silkroute_model::{Network, PlaceId};
use std::sync::{Arc, Mutex};

/// A customizable hierarchy with the customizations made for recent requests.
pub struct Customizable {
    cch: Arc<Cch>,
    /// Where the hierarchy's edges are in the graph queries run on, when that graph is not
    /// the one the hierarchy was prepared on (a scenario's, compiled in the frame of that one;
    /// or a graph file's open elements, when the hierarchy was prepared on every element);
    /// `None`: the same graph.
    frame: Option<Arc<EdgeFrame>>,
    /// The shape of the graph the hierarchy was prepared on, when it holds elements that are
    /// not open (closed, planned: see [`silkroute_graph::compile_for_customizable`]): a
    /// scenario that opens them is framed on it directly.
    prepared_on: Option<Arc<Topology>>,
    /// Tells this frame's customizations from those of the other frames that share the kept
    /// list (0: the graph of the router it was opened with).
    frame_id: u64,
    customizing: Customizing,
    kept: Arc<Kept>,
    /// Customizations stored in the graph file (viewed in the mapping), the first bases of
    /// partial customizations; never dropped.
    stored: Arc<Vec<(String, Arc<Customization>)>>,
    /// Weights being customized in the background.
    pending: Arc<Mutex<Vec<String>>>,
    /// Weights whose partial customization reached too far and gave up: a whole customization
    /// is theirs, and a partial one is not tried again.
    too_far: Arc<Mutex<std::collections::HashSet<String>>>,
    /// Customizations made whole and made partially from a kept one, by this hierarchy and
    /// the scenarios framed on it.
    made: Arc<[std::sync::atomic::AtomicUsize; 2]>,
    states: Mutex<Vec<CchState>>,
}

/// Customizations by the key of their weights (frame and request), the most recently used
/// last; shared by a hierarchy and every scenario framed on it, so that scenarios do not
/// multiply the memory (each customization holds two weights per arc).
type Kept = Mutex<Vec<(String, Arc<Customization>)>>;

/// When a request whose weights have no customization yet gets one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Customizing {
    /// Never: only customizations already kept answer (a one-shot command: Dijkstra answers a
    /// single query sooner than a customization is made).
    Never,
    /// At once, before answering (many queries with the same weights follow: sweeps, tests).
    Immediately,
    /// In a background thread, while Dijkstra answers this request (a server: the next
    /// requests with these weights take milliseconds).
    InBackground,
}

/// One customization: the hierarchy's weights for one request's objective, cargo and filters.
struct Customization {
    metric: CchMetric,
    /// Integer weight units per unit of the objective (hours, USD, kg CO2e).
    scale: f64,
}

/// Customizations kept: each holds two weights per arc, hundreds of MB on a big graph.
const KEPT_CUSTOMIZATIONS: usize = 4;

impl Customizable {
    /// Wraps a customizable hierarchy of the graph queries will run on.
    pub fn new(cch: Cch, customizing: Customizing) -> Customizable {
        Customizable {
            cch: Arc::new(cch),
            frame: None,
            prepared_on: None,
            frame_id: 0,
            customizing,
            kept: Arc::default(),
            stored: Arc::default(),
            pending: Arc::default(),
            too_far: Arc::default(),
            made: Arc::default(),
            states: Mutex::new(Vec::new()),
        }
    }

    /// Wraps a customizable hierarchy prepared on `every`, the shape of the graph of every
    /// element of a network, open or not, for queries on the graph of its open elements, whose
    /// edges `frame` places in `every` (a graph file's: see
    /// [`CompiledNetwork::customizable_graph`](silkroute_graph::CompiledNetwork)).
    pub fn prepared_on(
        cch: Cch,
        customizing: Customizing,
        every: Topology,
        frame: EdgeFrame,
    ) -> Customizable {
        Customizable {
            frame: Some(Arc::new(frame)),
            prepared_on: Some(Arc::new(every)),
            ..Customizable::new(cch, customizing)
        }
    }

    /// The same hierarchy for `graph`, a scenario's graph compiled in the frame of `mine`
    /// (the graph this answers on), if it fits: `graph` has no node and no edge that the
    /// graph the hierarchy was prepared on lacks (see [`EdgeFrame`]). An element the scenario
    /// opens fits when the hierarchy was prepared on every element ([`Self::prepared_on`]).
    /// It customizes as this does, and its customizations share this one's budget
    /// ([`KEPT_CUSTOMIZATIONS`] in all, one made at a time).
    pub fn for_graph(&self, graph: &Graph, mine: &Graph) -> Option<Customizable> {
        static FRAMES: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
        let frame = match (&self.prepared_on, &self.frame) {
            (Some(every), _) => EdgeFrame::of(graph, every.as_ref())?,
            (None, Some(frame)) => frame.then(&EdgeFrame::of(graph, mine)?),
            (None, None) => EdgeFrame::of(graph, mine)?,
        };
        Some(Customizable {
            cch: self.cch.clone(),
            frame: Some(Arc::new(frame)),
            prepared_on: self.prepared_on.clone(),
            frame_id: FRAMES.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
            customizing: self.customizing,
            kept: self.kept.clone(),
            stored: self.stored.clone(),
            pending: self.pending.clone(),
            too_far: self.too_far.clone(),
            made: self.made.clone(),
            states: Mutex::new(Vec::new()),
        })
    }

    /// Takes the customizations a graph file stores ([`stored_customization`]) as bases:
    /// every request whose weights differ from one of them in few edges (none, a place
    /// avoided, a scenario's closures) gets a partial customization of it, even when it never
    /// customizes ([`Customizing::Never`], a one-shot command), instead of Dijkstra. Stored
    /// customizations of another hierarchy (another number of edges or arcs) are left out.
    pub fn with_stored(mut self, stored: Vec<StoredCustomization>) -> Customizable {
        let fits = |c: &StoredCustomization| {
            c.metric.edge_weights().len() == self.cch.edges() && c.metric.arcs() == self.cch.arcs()
        };
        self.stored = Arc::new(
            stored
                .into_iter()
                .filter(fits)
                .map(|c| {
                    let customization = Customization {
                        metric: c.metric,
                        scale: c.scale,
                    };
                    (c.key, Arc::new(customization))
                })
                .collect(),
        );
        self
    }

    /// Changes when it customizes.
    pub fn set_customizing(&mut self, customizing: Customizing) {
        self.customizing = customizing;
    }

    /// Customizations kept for this graph's weights.
    pub fn customizations(&self) -> usize {
        let mine = format!("{}|", self.frame_id);
        self.kept
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
            .filter(|(k, _)| k.starts_with(&mine))
            .count()
    }

    /// Customizations made so far by this hierarchy and the scenarios framed on it: (whole,
    /// partial), a partial one made from a kept one by recomputing what a few changed edges
    /// reach (a place avoided, a crossing closed).
    pub fn customizations_made(&self) -> (usize, usize) {
        let [whole, partial] = &*self.made;
        let get = |n: &std::sync::atomic::AtomicUsize| n.load(std::sync::atomic::Ordering::Relaxed);
        (get(whole), get(partial))
    }

    /// Waits until no customization is being made in the background.
    pub fn wait_for_background(&self) {
        while !self
            .pending
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .is_empty()
        {
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
    }

    /// Whether it has a customization for `req`'s weights now, or makes one when asked
    /// ([`Customizing::Immediately`]), or can most likely make one from a stored one (one for
    /// the same objective and cargo, whose weights differ from `req`'s only by its filters),
    /// not having tried and given up (the changes reached too far).
    pub fn has_customization(&self, req: &RouteRequest) -> bool {
        if matches!(self.customizing, Customizing::Immediately) {
            return true;
        }
        let key = format!("{}|{}", self.frame_id, weights_key(req));
        if self.stores_for(req) && !self.gave_up(&key) {
            return true;
        }
        let kept = self.kept.lock().unwrap_or_else(|e| e.into_inner());
        kept.iter().any(|(k, _)| *k == key)
    }

    /// Whether a customization stored in the file was made for `req`'s objective and cargo
    /// (its weights then differ from `req`'s by `req`'s filters only).
    fn stores_for(&self, req: &RouteRequest) -> bool {
        let weights = weights_key(req);
        let unfiltered = objective_and_cargo(&weights);
        self.stored
            .iter()
            .any(|(k, _)| objective_and_cargo(k) == unfiltered)
    }

    /// Whether it answers `req` (anything but via places).
    pub fn answers(&self, req: &RouteRequest) -> bool {
        req.via.is_empty()
    }

    /// The best itinerary for `req` (which [`answers`](Customizable::answers) must accept):
    /// the same as Dijkstra's, up to weights rounded to integers. `None` when its weights
    /// have no customization (yet): the caller searches otherwise.
    pub fn route(
        &self,
        net: &Network,
        graph: &Graph,
        req: &RouteRequest,
    ) -> Option<Result<Itinerary, RouteError>> {
        if let Err(e) = check_request(net, req) {
            return Some(Err(e));
        }
        let c = self.customization(net, graph, req)?;
        Some(self.route_on(net, graph, req, &c))
    }

    /// The best route's totals from every origin to every destination for `template`'s
    /// objective, cargo and filters (its `from`, `to` and `via` ignored), as Dijkstra's
    /// matrix gives them ([`crate::matrix`]): every criterion summed along the route, the
    /// objective's value of those sums. One sweep up the elimination tree per origin and per
    /// destination, then for each pair the best rank both reach and the path through it,
    /// unpacked. `None` when its weights have no customization (yet), as for
    /// [`Customizable::route`].
    pub fn matrix(
        &self,
        net: &Network,
        graph: &Graph,
        template: &RouteRequest,
        origins: &[PlaceId],
        destinations: &[PlaceId],
    ) -> Option<Vec<Vec<MatrixCell>>> {
        let c = self.customization(net, graph, template)?;
        let allowed = allowed_nodes(net, graph, template);
        let board = |w: &Wait| integer(template.objective.board_weight(w), c.scale);
        let pooled = || self.states.lock().unwrap_or_else(|e| e.into_inner()).pop();
        let to: Vec<Vec<Label>> = destinations
            .par_iter()
            .map_init(pooled, |state, &d| {
                let mut q = CchQuery::new(&self.cch, &c.metric, state.take());
                let labels = q.labels(&ends(graph, d, &allowed), false);
                *state = Some(q.into_state());
                labels
            })
            .collect();
        let rows = origins
            .par_iter()
            .map_init(pooled, |state, &o| {
                let mut q = CchQuery::new(&self.cch, &c.metric, state.take());
                let forward = q.labels(&starts(graph, o, &allowed, board), true);
                let row = destinations
                    .iter()
                    .zip(&to)
                    .map(|(&d, backward)| {
                        let best =
                            meet(&forward, backward)
                                .filter(|_| o != d)
                                .and_then(|(w, m)| {
                                    let path = q.path_of_labels(&forward, backward, w, m)?;
                                    let mut totals =
                                        graph.node(NodeId(path.source)).board_wait.costs();
                                    for &e in &path.edges {
                                        totals += graph.edges()[self.graph_edge(e)]
                                            .costs(&template.cargo);
                                    }
                                    Some((totals, template.objective.weight(&totals)))
                                });
                        cell(net, o, d, best)
                    })
                    .collect();
                *state = Some(q.into_state());
                row
            })
            .collect();
        Some(rows)
    }

    fn route_on(
        &self,
        net: &Network,
        graph: &Graph,
        req: &RouteRequest,
        c: &Customization,
    ) -> Result<Itinerary, RouteError> {
        let allowed = allowed_nodes(net, graph, req);
        let board = |w: &Wait| integer(req.objective.board_weight(w), c.scale);
        let sources = starts(graph, req.from, &allowed, board);
        let targets = ends(graph, req.to, &allowed);
        let state = self.states.lock().unwrap_or_else(|e| e.into_inner()).pop();
        let mut q = CchQuery::new(&self.cch, &c.metric, state);
        let path = q.path(&sources, &targets);
        let mut states = self.states.lock().unwrap_or_else(|e| e.into_inner());
        // One kept state per worker thread is useful; more is memory.
        if states.len() < rayon::current_num_threads() {
            states.push(q.into_state());
        }
        drop(states);
        let path = path.ok_or_else(|| no_route_error(net, req))?;
        let edges: Vec<u32> = path
            .edges
            .iter()
            .map(|&e| self.graph_edge(e) as u32)
            .collect();
        Ok(itinerary_of_path(net, graph, req, path.source, &edges))
    }

    /// The edge of the graph queries run on that the hierarchy's edge `e` of a path is (a
    /// forbidden edge is never on a path; an edge the frame lacks is forbidden).
    fn graph_edge(&self, e: u32) -> usize {
        match &self.frame {
            Some(frame) => frame.edge(e as usize).expect("a path's edges exist"),
            None => e as usize,
        }
    }

    /// The customization for `req`'s weights: a kept one, or a new one (kept in its turn)
    /// when it customizes at once; `None` otherwise (after starting one in the background
    /// when it does that).
    fn customization(
        &self,
        net: &Network,
        graph: &Graph,
        req: &RouteRequest,
    ) -> Option<Arc<Customization>> {
        let key = format!("{}|{}", self.frame_id, weights_key(req));
        {
            let mut kept = self.kept.lock().unwrap_or_else(|e| e.into_inner());
            if let Some(i) = kept.iter().position(|(k, _)| *k == key) {
                let found = kept.remove(i);
                let c = found.1.clone();
                kept.push(found);
                return Some(c);
            }
        }
        // A stored customization made for these weights but for the places avoided answers
        // as it is (trusted as the file's per-metric hierarchies are: both were made from the
        // file's edges when it was built), or with those places' edges forbidden.
        if let Some(base) = self.stored_base(req) {
            if req.avoid_places.is_empty() {
                return Some(base);
            }
            if let Some(c) = self.with_places_avoided(&key, &base, graph, req) {
                return Some(self.keep_partial(key, c));
            }
        }

        // Never customizing, it makes partial customizations of the stored ones only, for
        // the objective and cargo they were made for.
        if self.customizing == Customizing::Never && !self.stores_for(req) {
            return None;
        }
        let allowed = allowed_nodes(net, graph, req);
        let frame = self.frame.as_deref();
        let (values, finite_total) = values(graph, frame, req.objective, &req.cargo, &allowed);
        // Weights whose partial customization gave up are not tried again.
        if !self.gave_up(&key) {
            if let Some(c) = self.derived(&key, &values, finite_total) {
                return Some(self.keep_partial(key, c));
            }
        }
        match self.customizing {
            Customizing::Never => None,
            Customizing::Immediately => {
                let (weights, scale) = weights(&values, finite_total);
                self.made[0].fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let c = Arc::new(Customization {
                    metric: self.cch.customize(&weights),
                    scale,
                });
                keep(&self.kept, key, c.clone());
                Some(c)
            }
            Customizing::InBackground => {
                {
                    // One customization at a time (each takes every core for seconds on a big
                    // graph); the kept ones are looked at again under this lock, so a
                    // customization that has just finished is not made twice.
                    let mut pending = self.pending.lock().unwrap_or_else(|e| e.into_inner());
                    let kept = self.kept.lock().unwrap_or_else(|e| e.into_inner());
                    if !pending.is_empty() || kept.iter().any(|(k, _)| *k == key) {
                        return None;
                    }
                    drop(kept);
                    pending.push(key.clone());
                }
                // Whatever happens to the thread, its key leaves the pending list.
                let done = Pending {
                    list: self.pending.clone(),
                    key: key.clone(),
                };
                let (weights, scale) = weights(&values, finite_total);
                let (cch, kept, made) = (self.cch.clone(), self.kept.clone(), self.made.clone());
                // If no thread can be started, `done` is dropped with the closure.
                let _ = std::thread::Builder::new()
                    .name("customize".into())
                    .spawn(move || {
                        let _done = done;
                        let metric = match background_pool() {
                            Some(pool) => pool.install(|| cch.customize(&weights)),
                            None => cch.customize(&weights),
                        };
                        made[0].fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        keep(&kept, key, Arc::new(Customization { metric, scale }));
                    });
                None
            }
        }
    }

    /// The stored customization for `req`'s weights but for its places avoided, when `req`
    /// runs on the file's own graph and filters nothing else.
    fn stored_base(&self, req: &RouteRequest) -> Option<Arc<Customization>> {
        if self.frame_id != 0 || !req.modes.is_empty() || !req.avoid_countries.is_empty() {
            return None;
        }
        let unfiltered = RouteRequest {
            avoid_places: Default::default(),
            ..req.clone()
        };
        let weights = weights_key(&unfiltered);
        let (_, base) = self.stored.iter().find(|(k, _)| *k == weights)?;
        Some(base.clone())
    }

    /// `base` ([`Customizable::stored_base`]) with the edges entering `req`'s avoided places
    /// forbidden, found from the heads of the hierarchy's edges (4 bytes each, when it was
    /// prepared on every element's shape) instead of weighing every edge again (96 bytes each).
    /// `None` without that shape, or when the partial customization gives up.
    fn with_places_avoided(
        &self,
        key: &str,
        base: &Customization,
        graph: &Graph,
        req: &RouteRequest,
    ) -> Option<Customization> {
        let every = self.prepared_on.as_deref()?;
        let avoided = avoided_nodes(graph, req);
        let old = base.metric.edge_weights();
        let changed: Vec<(u32, Weight)> = (0..every.edge_count())
            .into_par_iter()
            .filter(|&e| old[e] != INFINITY && avoided.binary_search(&every.head(e)).is_ok())
            .map(|e| (e as u32, INFINITY))
            .collect();
        self.partially(key, base, &changed)
    }

    /// `base` with the edges `changed` (edge, new weight) by a partial customization, within
    /// [`PARTIAL_ROOM`], for the weights `key`; `None` when it gives up, which is remembered
    /// ([`Customizable::gave_up`]), or gave up before.
    fn partially(
        &self,
        key: &str,
        base: &Customization,
        changed: &[(u32, Weight)],
    ) -> Option<Customization> {
        if self.gave_up(key) {
            return None;
        }
        let mut metric = base.metric.clone();
        let room = (self.cch.triangles() / PARTIAL_ROOM).max(PARTIAL_ROOM_LEAST);
        if self
            .cch
            .recustomize_within(&mut metric, changed, room)
            .is_none()
        {
            let mut too_far = self.too_far.lock().unwrap_or_else(|e| e.into_inner());
            too_far.insert(key.to_string());
            return None;
        }
        Some(Customization {
            metric,
            scale: base.scale,
        })
    }

    /// Whether a partial customization for the weights `key` reached too far and gave up.
    fn gave_up(&self, key: &str) -> bool {
        let too_far = self.too_far.lock().unwrap_or_else(|e| e.into_inner());
        too_far.contains(key)
    }

    /// Counts and keeps a customization made partially, for the weights `key`.
    fn keep_partial(&self, key: String, c: Customization) -> Arc<Customization> {
        self.made[1].fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let c = Arc::new(c);
        keep(&self.kept, key, c.clone());
        c
    }

    /// A customization for the edge values `values` made from a kept one by a partial
    /// customization ([`Cch::recustomize_within`]), when one is near enough: its scale keeps
    /// every path's weight in 31 bits for these values, at most [`DERIVED_CHANGES`] of the
    /// edges weigh otherwise, and the arcs they reach are few enough ([`PARTIAL_ROOM`]). The
    /// kept one with the fewest changes is copied and changed. A place avoided, a crossing
    /// closed or a few links slowed take milliseconds so, against seconds for a whole
    /// customization on a big graph. Weights whose partial customization gave up (`key`) are
    /// not tried again.
    fn derived(&self, key: &str, values: &[f64], finite_total: f64) -> Option<Customization> {
        let kept: Vec<Arc<Customization>> = self
            .kept
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
            .map(|(_, c)| c.clone())
            .chain(self.stored.iter().map(|(_, c)| c.clone()))
            .collect();
        let limit = (values.len() as f64 * DERIVED_CHANGES) as usize;
        let nearest = kept
            .iter()
            .filter(|c| fits_31_bits(finite_total, c.scale))
            .filter_map(|c| {
                let changed = changes(values, c, limit)?;
                Some((changed, c))
            })
            .min_by_key(|(changed, _)| changed.len())?;
        let (changed, base) = nearest;
        self.partially(key, base, &changed)
    }
}

/// A partial customization may go through a sixteenth of the lower triangles a whole one
/// goes through, then gives up ([`Cch::recustomize_within`]): a closed place or a few
/// slowed links stay far below (a few hundred arcs recomputed, a millisecond at 2 million
/// nodes); a line closed across a grid's top separators reaches as many triangles as a whole
/// customization, and giving up early wastes a sixteenth of one.
const PARTIAL_ROOM: u64 = 16;

/// The room of a partial customization on a small graph, whatever its triangles: a million
/// entries of the arc lists, about a millisecond.
const PARTIAL_ROOM_LEAST: u64 = 1 << 20;

/// The share of a hierarchy's edges that may weigh otherwise for a customization to be made
/// from a kept one ([`Customizable::derived`]) rather than afresh: a tenth. Beyond, a mode
/// filtered out or another criterion, the changes reach most arcs and a whole customization,
/// which runs on every core, is faster; below, [`PARTIAL_ROOM`] decides.
const DERIVED_CHANGES: f64 = 0.1;

/// The edges (number, integer weight) whose weight for `values` at `c`'s scale differs
/// from `c`'s, if there are at most `limit`.
fn changes(values: &[f64], c: &Customization, limit: usize) -> Option<Vec<(u32, Weight)>> {
    let old = c.metric.edge_weights();
    let changed = std::sync::atomic::AtomicUsize::new(0);
    let found: Option<Vec<(u32, Weight)>> = values
        .par_iter()
        .zip(old)
        .enumerate()
        .filter_map(|(e, (&v, &w))| {
            let now = integer(v, c.scale);
            (now != w).then_some((e as u32, now))
        })
        .map(|change| {
            let seen = changed.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            (seen < limit).then_some(change)
        })
        .collect();
    found
}

/// The threads background customizations run on: their own, so that the requests answered
/// meanwhile (whose searches use rayon's global pool) never queue behind a customization's
/// tasks; the operating system shares the cores. `None` if the threads cannot be started.
fn background_pool() -> Option<&'static rayon::ThreadPool> {
    static POOL: std::sync::OnceLock<Option<rayon::ThreadPool>> = std::sync::OnceLock::new();
    POOL.get_or_init(|| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(rayon::current_num_threads())
            .thread_name(|i| format!("customize-{i}"))
            .build()
            .ok()
    })
    .as_ref()
}

/// A key in the pending list until dropped.
struct Pending {
    list: Arc<Mutex<Vec<String>>>,
    key: String,
}

impl Drop for Pending {
    fn drop(&mut self) {
        self.list
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .retain(|k| *k != self.key);
    }
}

/// Keeps a customization, the oldest dropped beyond [`KEPT_CUSTOMIZATIONS`].
fn keep(kept: &Kept, key: String, c: Arc<Customization>) {
    let mut kept = kept.lock().unwrap_or_else(|e| e.into_inner());
    kept.retain(|(k, _)| *k != key);
    if kept.len() >= KEPT_CUSTOMIZATIONS {
        kept.remove(0);
    }
    kept.push((key, c));
}

/// `objective`'s value for `cargo` of each of the hierarchy's edges (those of `graph`, or of
/// the graph `frame` places `graph` in), infinite where the edge enters a node not `allowed`
/// or the frame lacks it, and the sum of the finite ones.
fn values(
    graph: &Graph,
    frame: Option<&EdgeFrame>,
    objective: crate::Objective,
    cargo: &silkroute_model::Cargo,
    allowed: &(dyn Fn(NodeId) -> bool + Sync),
) -> (Vec<f64>, f64) {
    let value = |e: &Edge| {
        if allowed(e.head) {
            objective.edge_weight(e, cargo)
        } else {
            f64::INFINITY
        }
    };
    let values: Vec<f64> = match frame {
        None => graph.edges().par_iter().map(value).collect(),
        Some(frame) => (0..frame.len())
            .into_par_iter()
            .map(|f| {
                frame
                    .edge(f)
                    .map_or(f64::INFINITY, |e| value(&graph.edges()[e]))
            })
            .collect(),
    };
    // Summed in order, so that a build writes the same scale, and file, every time.
    let finite_total = values.iter().filter(|v| v.is_finite()).sum();
    (values, finite_total)
}

/// The customization a graph file stores for `objective` with `cargo` and no filter
/// ([`Customizable::with_stored`]): made once when the file is built, as OSRM's
/// `osrm-customize` writes its cell metrics, so that a one-shot command with a place avoided
/// or a scenario makes a partial customization of it in milliseconds instead of searching the
/// whole graph. `graph` is the graph queries run on, `frame` where its edges are among the
/// hierarchy's (a graph file's open elements within every element's).
pub fn stored_customization(
    cch: &Cch,
    graph: &Graph,
    frame: Option<&EdgeFrame>,
    objective: crate::Objective,
    cargo: silkroute_model::Cargo,
) -> StoredCustomization {
    let (values, finite_total) = values(graph, frame, objective, &cargo, &|_| true);
    let (weights, scale) = weights(&values, finite_total);
    let template = RouteRequest {
        cargo,
        ..RouteRequest::new(PlaceId(0), PlaceId(0), objective)
    };
    StoredCustomization {
        key: weights_key(&template),
        scale,
        metric: cch.customize(&weights),
    }
}

/// Integer weights of `values` and their scale (units per hour, USD or kg CO2e).
fn weights(values: &[f64], finite_total: f64) -> (Vec<Weight>, f64) {
    let scale = scale_for(finite_total);
    let weights: Vec<Weight> = values.par_iter().map(|&v| integer(v, scale)).collect();
    (weights, scale)
}

/// The part of a [`weights_key`] that names the objective and cargo (before the filters).
fn objective_and_cargo(key: &str) -> &str {
    key.match_indices('|')
        .nth(2)
        .map_or(key, |(i, _)| &key[..i])
}

/// What a request's edge weights depend on: its objective, cargo and filters.
fn weights_key(req: &RouteRequest) -> String {
    let mut places: Vec<u32> = req.avoid_places.iter().map(|p| p.0).collect();
    places.sort_unstable();
    let mut countries: Vec<&String> = req.avoid_countries.iter().collect();
    countries.sort_unstable();
    format!(
        "{:?}|{}|{}|{:?}|{:?}|{:?}",
        req.objective,
        req.cargo.feu.to_bits(),
        req.cargo.tonnes.to_bits(),
        req.modes,
        places,
        countries
    )
}

/// Integer units per unit of value (hour, USD or kg CO2e): 360,000 (0.01 s of an hour), less
/// when the sum of every finite value, `finite_total`, would not fit in 31 bits (so that no
/// path's weight can overflow).
fn scale_for(finite_total: f64) -> f64 {
    let fine = 100.0 * 3600.0;
    if finite_total <= 0.0 {
        fine
    } else {
        fine.min(f64::from(1u32 << 31) / finite_total)
    }
}

/// Whether values summing to `finite_total` fit in 31 bits at `scale`.
fn fits_31_bits(finite_total: f64, scale: f64) -> bool {
    finite_total * scale <= f64::from(1u32 << 31)
}

/// `value` in integer units, [`INFINITY`] for a forbidden edge.
fn integer(value: f64, scale: f64) -> Weight {
    if !value.is_finite() {
        return INFINITY;
    }
    let w = (value * scale).round();
    if w <= 0.0 {
        0
    } else {
        (w as Weight).min(INFINITY - 1)
    }
}
