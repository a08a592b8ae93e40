//! The [`Router`]: one network ready to query, and every query on it.
//!
//! The CLI and the server both hold `Router`s (one per scenario combination) and call the same
//! methods; each method takes one request type and returns one answer type of
//! [`crate::answer`]. Whether a contraction hierarchy or Dijkstra answers is decided here.

use crate::alternatives::{alternatives, AlternativesRequest};
use crate::answer::{
    CompareResponse, MatrixResponse, PlaceInfo, PlaceRef, PlacesResponse, ReachResponse,
    RouteResponse, Timing,
};
use crate::compare::compare;
use crate::customized::{Customizable, Customizing};
use crate::fast::{best_matrix, best_route_with, hierarchy_for, QueryPool};
use crate::itinerary::TimeRange;
use crate::itinerary::{with_distributions, Itinerary, LegKind};
use crate::journey::{earliest_arrival, Journey, Surcharges};
use crate::matrix::reach;
use crate::objective::Objective;
use crate::pareto::{pareto, ParetoRequest};
use crate::places::{names_of, normalize_name, parse_lat_lon, PlaceFinder, UnknownPlace};
use crate::search::{check_request, no_route_error, RouteError, RouteRequest};
use crate::timed::{local_time, timed_itinerary};
use rayon::prelude::*;
use silkroute_graph::{
    compile, compile_edited, compile_in_frame, CompileError, CompiledNetwork, Graph, Hierarchy,
    Metric,
};
use silkroute_graph::{Instant, Timetable};
use silkroute_model::{Cargo, Costs, Criterion, Mode, Network, PlaceId, PlaceKind};
use std::collections::BTreeSet;
use std::sync::OnceLock;

/// Most options a Pareto menu may be asked for (CLI `--cap`, API `cap`).
pub const MAX_PARETO_CAP: usize = 50;
/// Options of a Pareto menu by default.
pub const DEFAULT_PARETO_CAP: usize = 8;
/// Relative tolerance of a Pareto menu by default.
pub const DEFAULT_EPSILON: f64 = 0.01;
/// Most alternatives one query may ask for (CLI `--alternatives`, API `alternatives`).
pub const MAX_ALTERNATIVES: usize = 10;
/// The Pareto criteria by default.
pub const DEFAULT_CRITERIA: [Criterion; 3] = [Criterion::Time, Criterion::Cost, Criterion::Co2];

/// The Monday of the reference week (`reference`'s, or the feed's) and the instant it starts in
/// the zone of `place`: the week over which undated queries and the assignment spread the ready
/// times.
pub fn reference_week(
    net: &Network,
    place: PlaceId,
    reference: Option<jiff::civil::Date>,
) -> Result<(jiff::civil::Date, Instant), InvalidParameter> {
    let reference = reference.unwrap_or(net.reference_date);
    let monday = week_start(reference);
    let zone =
        jiff::tz::TimeZone::get(&net.place(place).timezone).unwrap_or(jiff::tz::TimeZone::UTC);
    let start = monday
        .to_datetime(jiff::civil::Time::midnight())
        .to_zoned_datetime(zone)
        .map(|z| z.timestamp().as_second())
        .map_err(|e| {
            InvalidParameter::new("reference_date", format!("no midnight on {monday}: {e}"))
        })?;
    Ok((monday, start))
}

/// A parameter that cannot be used, named as the API names it (`cap`, `within`); the CLI shows
/// it as `--cap`, `--within`.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{message}")]
pub struct InvalidParameter {
    /// The parameter at fault.
    pub param: &'static str,
    /// What is wrong.
    pub message: String,
}

impl InvalidParameter {
    /// `param` is wrong because of `message`.
    pub fn new(param: &'static str, message: impl Into<String>) -> InvalidParameter {
        InvalidParameter {
            param,
            message: message.into(),
        }
    }
}

/// Which itineraries a route query returns.
#[derive(Debug, Clone, PartialEq)]
pub enum Menu {
    /// The best one by the request's objective.
    Best,
    /// Every non-dominated itinerary over `criteria`, at most `cap` of them.
    Pareto {
        /// 1 to 4 criteria.
        criteria: Vec<Criterion>,
        /// Options within this relative tolerance on every criterion count as one.
        epsilon: f64,
        /// Most options kept (the best per criterion always are).
        cap: usize,
    },
    /// Up to `count` genuinely different itineraries.
    Alternatives {
        /// How many, the best included.
        count: usize,
    },
}

impl Menu {
    /// A Pareto menu; missing settings take their defaults, out-of-range ones are refused.
    pub fn pareto(
        criteria: Option<Vec<Criterion>>,
        epsilon: Option<f64>,
        cap: Option<usize>,
    ) -> Result<Menu, InvalidParameter> {
        let criteria = criteria.unwrap_or_else(|| DEFAULT_CRITERIA.to_vec());
        let mut unique = criteria.clone();
        unique.sort();
        unique.dedup();
        if criteria.is_empty() || unique.len() != criteria.len() {
            return Err(InvalidParameter::new(
                "criteria",
                "give 1 to 4 different criteria of time, p90, cost, co2",
            ));
        }
        let epsilon = epsilon.unwrap_or(DEFAULT_EPSILON);
        if !(0.0..1.0).contains(&epsilon) {
            return Err(InvalidParameter::new(
                "epsilon",
                format!("{epsilon} is not in [0, 1)"),
            ));
        }
        let cap = cap.unwrap_or(DEFAULT_PARETO_CAP);
        if !(1..=MAX_PARETO_CAP).contains(&cap) {
            return Err(InvalidParameter::new(
                "cap",
                format!("{cap} is not between 1 and {MAX_PARETO_CAP}"),
            ));
        }
        Ok(Menu::Pareto {
            criteria,
            epsilon,
            cap,
        })
    }

    /// Up to `count` alternatives (1 to [`MAX_ALTERNATIVES`]).
    pub fn alternatives(count: usize) -> Result<Menu, InvalidParameter> {
        if !(1..=MAX_ALTERNATIVES).contains(&count) {
            return Err(InvalidParameter::new(
                "alternatives",
                format!("{count} is not between 1 and {MAX_ALTERNATIVES}"),
            ));
        }
        Ok(Menu::Alternatives { count })
    }

    /// How the options were chosen, in words (none for a single best route).
    pub fn describe(&self) -> Option<String> {
        match self {
            Menu::Best => None,
            Menu::Pareto {
                criteria,
                epsilon,
                cap,
            } => {
                let names: Vec<&str> = criteria.iter().map(|c| c.as_str()).collect();
                Some(format!(
                    "pareto over {} (epsilon {epsilon}, cap {cap})",
                    names.join(", ")
                ))
            }
            Menu::Alternatives { .. } => {
                Some("alternatives: other borders, or less than 50 % of run distance shared".into())
            }
        }
    }
}

/// A route query: the question, the menu and an optional deadline.
#[derive(Debug, Clone)]
pub struct RouteQuery {
    /// Origin, destination, filters, cargo and (for [`Menu::Best`] and alternatives) the
    /// objective.
    pub request: RouteRequest,
    /// Which itineraries to return.
    pub menu: Menu,
    /// A deadline, hours: each itinerary gets the odds of making it.
    pub deadline_h: Option<f64>,
    /// When the cargo is ready.
    pub when: When,
}

/// When the cargo is ready (or must arrive) for a route query.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum When {
    /// No date: ready at a random moment of the reference week (the feed's when `None`).
    Undated {
        /// Any day of the week to use.
        reference: Option<jiff::civil::Date>,
    },
    /// Ready at `at`; with a window, every non-dominated departure within it.
    Depart {
        /// The ready instant.
        at: Instant,
        /// The window, hours.
        window_h: Option<f64>,
    },
    /// The latest ready time that arrives by this instant.
    ArriveBy(Instant),
}

/// What makes two journeys the same itinerary ([`Journey::signature`]).
type Signature = Vec<(crate::journey::Carrier, u32)>;

/// How a matrix on services is filled in.
pub const WEEK_NOTE: &str = "on services: each cell is the journey of median objective value over the reference week's 168 ready times (one an hour): time_sum_p50_h its planned ready-to-arrival hours (waits included), time_sum_p90_h the sum of its steps' bad cases; a pair that some ready time cannot reach is empty";

/// Ready times an undated query spreads over the reference week: one an hour.
pub const UNDATED_SAMPLES: usize = 168;
/// Itineraries an undated answer lists (the rest still count in its distribution).
pub const MAX_UNDATED_ITINERARIES: usize = 5;
/// Graphs of more nodes get no search-based hint with a "no route" error (each try is a
/// search; without a hierarchy for it, seconds at 2 M nodes).
pub const EXPLAINED_NODES: usize = 200_000;
/// Departures a window lists at most.
pub const MAX_WINDOW_DEPARTURES: usize = 60;
/// How far a window moves on after an option on demand (no timetabled departure bounds it):
/// one hour.
pub const WINDOW_STEP_S: Instant = 3600;

pub use silkroute_model::week_start;

/// A mixture of shifted distributions: ready time `k` of the week follows its itinerary's
/// distribution moved by the difference of its planned time from the itinerary's.
struct Mixture {
    /// Per itinerary: its distribution and the shifts of its ready times, each with how many
    /// ready times share it (identical shifts are common: a frequency service's wait does not
    /// depend on the ready time).
    parts: Vec<MixturePart>,
    samples: usize,
}

/// One itinerary's distribution and its ready times' shifts with their counts.
type MixturePart = (crate::distribution::Cumulative, Vec<(f64, usize)>);

impl Mixture {
    fn part(
        d: crate::distribution::TimeDistribution,
        shifts: impl IntoIterator<Item = f64>,
    ) -> MixturePart {
        let mut counted: Vec<(f64, usize)> = Vec::new();
        for s in shifts {
            match counted.iter_mut().find(|(x, _)| *x == s) {
                Some((_, n)) => *n += 1,
                None => counted.push((s, 1)),
            }
        }
        (d.cumulative(), counted)
    }

    fn cdf(&self, x: f64) -> f64 {
        let mut sum = 0.0;
        for (d, shifts) in &self.parts {
            for &(s, n) in shifts {
                sum += n as f64 * d.probability_within(x - s);
            }
        }
        sum / self.samples as f64
    }

    /// The `q` quantile, to a hundredth of an hour.
    fn quantile(&self, q: f64) -> f64 {
        let (mut lo, mut hi) = (0.0, 1.0);
        while self.cdf(hi) < q && hi < 1e7 {
            hi *= 2.0;
        }
        while hi - lo > 0.01 {
            let mid = 0.5 * (lo + hi);
            if self.cdf(mid) < q {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        hi
    }
}

/// Filters and cargo shared by matrix and reach requests.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Shipment {
    /// Allowed modes (all when empty).
    pub modes: BTreeSet<Mode>,
    /// The cargo.
    pub cargo: Cargo,
}

/// A matrix query: the best route from every origin to every destination.
#[derive(Debug, Clone)]
pub struct MatrixRequest {
    /// Origins.
    pub origins: Vec<PlaceId>,
    /// Destinations.
    pub destinations: Vec<PlaceId>,
    /// What each cell minimises.
    pub objective: Objective,
    /// Modes and cargo.
    pub shipment: Shipment,
}

/// A reach query: the places within a budget of one origin.
#[derive(Debug, Clone)]
pub struct ReachRequest {
    /// Origin.
    pub from: PlaceId,
    /// What the budget measures.
    pub objective: Objective,
    /// The budget in the objective's unit (hours, USD, kg CO2e); see [`parse_budget`].
    pub budget: f64,
    /// Modes and cargo.
    pub shipment: Shipment,
}

/// A places query.
#[derive(Debug, Clone, Default)]
pub struct PlacesRequest {
    /// Text to find in any name (case, accents and apostrophes ignored).
    pub text: Option<String>,
    /// ISO country code (any case).
    pub country: Option<String>,
}

/// The budget of a reach query as typed: a duration (`10d`, `72h`) for the time objectives, a
/// positive number (optionally ending in `usd` or `kg`) otherwise.
pub fn parse_budget(objective: &Objective, text: &str) -> Result<f64, InvalidParameter> {
    if objective.criterion().is_some_and(Criterion::is_time) {
        return crate::duration::parse_duration_h(text)
            .map_err(|m| InvalidParameter::new("within", m));
    }
    let t = text.trim().to_ascii_lowercase();
    t.trim_end_matches("usd")
        .trim_end_matches("kg")
        .trim()
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite() && *v > 0.0)
        .ok_or_else(|| {
            InvalidParameter::new("within", format!("`{text}` is not a positive number"))
        })
}

/// A network with its graph, place names and (from a graph file) contraction hierarchies,
/// ready for every query.
pub struct Router {
    net: Network,
    graph: Graph,
    timetable: Timetable,
    /// The services that carry people, laid for passenger journeys.
    passenger_timetable: Timetable,
    hierarchies: Vec<(Metric, Hierarchy)>,
    customizable: Option<Customizable>,
    scenarios: Vec<String>,
    names: OnceLock<PlaceFinder>,
    coordinates: OnceLock<PlaceFinder>,
    queries: QueryPool,
}

impl Router {
    /// Compiles `net` (with `scenarios` applied, named for the answers).
    pub fn new(net: Network, scenarios: Vec<String>) -> Result<Router, CompileError> {
        let graph = compile(&net)?;
        Router::with_graph(net, graph, Vec::new(), None, scenarios)
    }

    /// The network of a graph file, with its graph and hierarchies.
    pub fn from_compiled(c: CompiledNetwork) -> Result<Router, CompileError> {
        let customizable = match (c.customizable, c.customizable_graph) {
            (Some(cch), Some((every, frame))) => Some(Customizable::prepared_on(
                cch,
                Customizing::Never,
                every,
                frame,
            )),
            (cch, _) => cch.map(|cch| Customizable::new(cch, Customizing::Never)),
        };
        let customizations = c.customizations;
        Router::with_graph(
            c.network,
            c.graph,
            c.hierarchies,
            customizable.map(|cch| cch.with_stored(customizations)),
            Vec::new(),
        )
    }

    /// `net`, a network derived from this router's by `scenarios` (their names follow this
    /// router's), ready to query. With a customizable hierarchy, `net` is compiled in the frame
    /// of this router's graph ([`compile_in_frame`]; only the elements edited, and what edited
    /// services change, are laid again when nothing else changed, [`compile_edited`]) and, when the scenarios close elements,
    /// change their figures or open elements the hierarchy was prepared with (a graph file's is
    /// prepared on every element, open, closed or planned), the hierarchy answers on the new
    /// graph after a customization for its weights: a re-weighting, no new contraction. When
    /// the scenarios add edges the hierarchy never saw (places or links added, a link moved to
    /// another gauge), the graph compiled in the frame is searched with Dijkstra; so is a
    /// scenario that re-opens what an earlier one closed when the hierarchy was prepared on
    /// the stored graph alone (a network whose elements were all open: it is framed on the
    /// earlier scenario's graph). Without a customizable hierarchy, `net` is compiled afresh,
    /// as [`Router::new`] does.
    pub fn derive(&self, net: Network, scenarios: Vec<String>) -> Result<Router, CompileError> {
        let names = self.scenarios.iter().cloned().chain(scenarios).collect();
        let Some(customizable) = &self.customizable else {
            return Router::new(net, names);
        };
        // A scenario that only closes, opens or slows elements, or suspends, starts or
        // reschedules services, lays those again on this graph; any other is compiled in its
        // frame.
        let edited = match net.edits_from(&self.net) {
            Some(edits) => compile_edited(&net, &edits, &self.graph)?,
            None => None,
        };
        let framed = match edited {
            Some(graph) => Some(graph),
            None => compile_in_frame(&net, &self.graph)?,
        };
        let Some(graph) = framed else {
            return Router::new(net, names);
        };
        let customizable = customizable.for_graph(&graph, &self.graph);
        Router::with_graph(net, graph, Vec::new(), customizable, names)
    }

    fn with_graph(
        net: Network,
        graph: Graph,
        hierarchies: Vec<(Metric, Hierarchy)>,
        customizable: Option<Customizable>,
        scenarios: Vec<String>,
    ) -> Result<Router, CompileError> {
        let timetable = Timetable::compile(&net, &graph)?;
        let passenger_timetable = Timetable::compile_for(&net, &graph, true)?;
        Ok(Router {
            net,
            graph,
            timetable,
            passenger_timetable,
            hierarchies,
            customizable,
            scenarios,
            names: OnceLock::new(),
            coordinates: OnceLock::new(),
            queries: QueryPool::default(),
        })
    }

    /// Its cargo services laid on the graph.
    pub fn timetable(&self) -> &Timetable {
        &self.timetable
    }

    /// The services that carry people, laid for passenger journeys.
    pub fn passenger_timetable(&self) -> &Timetable {
        &self.passenger_timetable
    }

    /// The services `req` may ride: those that carry passengers for a journey of people,
    /// else those that carry cargo.
    pub fn timetable_for(&self, req: &RouteRequest) -> &Timetable {
        if req.passengers {
            &self.passenger_timetable
        } else {
            &self.timetable
        }
    }

    /// `text` as an instant: an ISO 8601 date-time with an offset or a `[zone]`, or without
    /// one in the time zone of `place` (`2026-12-07T09:00`, `2026-12-07` for midnight).
    pub fn instant(
        &self,
        param: &'static str,
        text: &str,
        place: PlaceId,
    ) -> Result<Instant, InvalidParameter> {
        let t = text.trim();
        if let Ok(z) = t.parse::<jiff::ZonedDateTime>() {
            return Ok(z.timestamp().as_second());
        }
        if let Ok(ts) = t.parse::<jiff::Timestamp>() {
            return Ok(ts.as_second());
        }
        let civil = t
            .parse::<jiff::civil::DateTime>()
            .or_else(|_| {
                t.parse::<jiff::civil::Date>()
                    .map(|d| d.to_datetime(jiff::civil::Time::midnight()))
            })
            .map_err(|_| {
                InvalidParameter::new(
                    param,
                    format!("`{text}` is not an ISO 8601 date or date-time like 2026-12-07T09:00"),
                )
            })?;
        let zone_name = &self.net.place(place).timezone;
        let zone = jiff::tz::TimeZone::get(zone_name)
            .map_err(|e| InvalidParameter::new(param, format!("time zone {zone_name}: {e}")))?;
        civil
            .to_zoned_datetime(zone)
            .map(|z| z.timestamp().as_second())
            .map_err(|e| InvalidParameter::new(param, format!("`{text}`: {e}")))
    }

    /// The time frame of a route query from its parameters as typed (CLI and HTTP alike).
    pub fn when(
        &self,
        from: PlaceId,
        to: PlaceId,
        depart: Option<&str>,
        arrive_by: Option<&str>,
        window: Option<&str>,
        reference_date: Option<&str>,
    ) -> Result<When, InvalidParameter> {
        if depart.is_some() && arrive_by.is_some() {
            return Err(InvalidParameter::new(
                "arrive_by",
                "give a departure or an arrival deadline, not both",
            ));
        }
        if reference_date.is_some() && (depart.is_some() || arrive_by.is_some()) {
            return Err(InvalidParameter::new(
                "reference_date",
                "a reference week is for undated queries; this one has a date",
            ));
        }
        let window_h = window
            .map(|w| {
                crate::duration::parse_duration_h(w)
                    .map_err(|m| InvalidParameter::new("window", m))
                    .and_then(|h| {
                        if h > 0.0 && h <= 60.0 * 24.0 {
                            Ok(h)
                        } else {
                            Err(InvalidParameter::new(
                                "window",
                                "give a window from 1h to 60d",
                            ))
                        }
                    })
            })
            .transpose()?;
        match (depart, arrive_by) {
            (Some(d), None) => Ok(When::Depart {
                at: self.instant("depart", d, from)?,
                window_h,
            }),
            (None, Some(a)) => {
                if window_h.is_some() {
                    return Err(InvalidParameter::new(
                        "window",
                        "a window needs a departure (depart)",
                    ));
                }
                Ok(When::ArriveBy(self.instant("arrive_by", a, to)?))
            }
            _ => {
                if window_h.is_some() {
                    return Err(InvalidParameter::new(
                        "window",
                        "a window needs a departure (depart)",
                    ));
                }
                let reference = reference_date
                    .map(|r| {
                        r.trim().parse::<jiff::civil::Date>().map_err(|_| {
                            InvalidParameter::new(
                                "reference_date",
                                format!("`{r}` is not a date like 2026-06-01"),
                            )
                        })
                    })
                    .transpose()?;
                Ok(When::Undated { reference })
            }
        }
    }

    /// Whether route queries run on services: the network has open services, or a date was
    /// asked for. Networks without any (an OpenStreetMap import) route on infrastructure,
    /// with a contraction hierarchy when one fits.
    pub fn uses_services(&self, req: &RouteRequest, when: &When) -> bool {
        !self.timetable_for(req).patterns.is_empty() || !matches!(when, When::Undated { .. })
    }

    /// The network.
    pub fn network(&self) -> &Network {
        &self.net
    }

    /// Its routing graph.
    pub fn graph(&self) -> &Graph {
        &self.graph
    }

    /// Its contraction hierarchies (only a graph file's baseline has any).
    pub fn hierarchies(&self) -> &[(Metric, Hierarchy)] {
        &self.hierarchies
    }

    /// Its customizable hierarchy (only a graph file's may have one).
    pub fn customizable(&self) -> Option<&Customizable> {
        self.customizable.as_ref()
    }

    /// Sets when its customizable hierarchy (if any) customizes for new weights: a graph
    /// file's router starts with [`Customizing::Never`] (one query is answered sooner by
    /// Dijkstra); a server sets [`Customizing::InBackground`].
    pub fn set_customizing(&mut self, customizing: Customizing) {
        if let Some(c) = &mut self.customizable {
            c.set_customizing(customizing);
        }
    }

    /// The scenarios applied, in order.
    pub fn scenarios(&self) -> &[String] {
        &self.scenarios
    }

    /// The place called `query` (id, any name, or `lat,lon` for the nearest place), or the
    /// closest names. The name index is built on first use; `lat,lon` queries never need it.
    pub fn find(&self, query: &str) -> Result<PlaceId, UnknownPlace> {
        if parse_lat_lon(query).is_some() {
            let by_position = self
                .coordinates
                .get_or_init(|| PlaceFinder::for_queries(&self.net, &[query]));
            if let Ok(p) = by_position.find(query) {
                return Ok(p);
            }
        }
        // An exact id first: ids that differ only in punctuation (`g222-70`, `g22-270`) share
        // a normalised name.
        if let Some(p) = self.net.place_id(query.trim()) {
            return Ok(p);
        }
        self.finder().find(query)
    }

    /// The name index.
    pub fn finder(&self) -> &PlaceFinder {
        self.names.get_or_init(|| PlaceFinder::new(&self.net))
    }

    /// Avoids a country (ISO code) or a place (any name) in `req`.
    /// A place's id is looked up first (a binary search on a graph file), so that avoiding a
    /// place by its id neither decodes every place nor builds the name index.
    pub fn avoid(&self, req: &mut RouteRequest, text: &str) -> Result<(), UnknownPlace> {
        if text.trim().len() != 2 {
            if let Some(p) = self.net.place_id(text.trim()) {
                req.avoid_places.insert(p);
                return Ok(());
            }
        }
        req.avoid(&self.net, self.finder(), text)
    }

    /// Whether [`Router::best`] would answer `req` by a Dijkstra search over the whole graph:
    /// no services to ride, no contraction hierarchy for its objective and no customization of
    /// the customizable one for its weights (a one-shot command on a big graph file then
    /// takes seconds where a hierarchy takes milliseconds).
    pub fn searches_whole_graph(&self, req: &RouteRequest) -> bool {
        !self.uses_services(req, &When::Undated { reference: None })
            && hierarchy_for(&self.hierarchies, req).is_none()
            && !self
                .customizable
                .as_ref()
                .is_some_and(|c| c.answers(req) && c.has_customization(req))
    }

    /// The best itinerary for `req`, with its distribution: on the services (undated, the
    /// itinerary that serves most ready times of the reference week, its time over the ready
    /// times it serves) when the network has any, else on infrastructure (a hierarchy when one
    /// fits).
    pub fn best(
        &self,
        req: &RouteRequest,
        deadline_h: Option<f64>,
    ) -> Result<Itinerary, RouteError> {
        let undated = When::Undated { reference: None };
        if self.uses_services(req, &undated) {
            let q = RouteQuery {
                request: req.clone(),
                menu: Menu::Best,
                deadline_h,
                when: undated,
            };
            return Ok(self.on_services(&q)?.0.remove(0));
        }
        best_route_with(
            &self.net,
            &self.graph,
            &self.hierarchies,
            self.customizable.as_ref(),
            &self.queries,
            req,
            deadline_h,
        )
    }

    /// The itineraries `q` asks for. When there are none, the error says which of the
    /// request's constraints stands in the way, if dropping one alone gives a route (on graphs
    /// of at most [`EXPLAINED_NODES`] nodes: each try is a search).
    pub fn route(&self, q: &RouteQuery) -> Result<RouteResponse, RouteError> {
        self.answer(q).map_err(|e| self.explain(&q.request, e))
    }

    /// `e` with a hint when it is "no route": the first of these that gives a best route, and
    /// what that route does that the request forbade: one mode added to the mode filter (in
    /// the order of `Mode::ALL`) or the filter dropped, the via places dropped, the avoided
    /// places and countries dropped; else, for a rail border post as destination, why trains
    /// do not end there.
    fn explain(&self, req: &RouteRequest, e: RouteError) -> RouteError {
        let RouteError::NoRoute {
            from,
            to,
            constraint,
            hint,
        } = e
        else {
            return e;
        };
        // Each relaxation is a search: on a big graph, where a search without a hierarchy
        // takes seconds, only the border-post hint is given.
        let searched = self.graph.nodes().len() <= EXPLAINED_NODES;
        let found = |relax: &dyn Fn(&mut RouteRequest)| {
            let mut relaxed = req.clone();
            relax(&mut relaxed);
            searched.then(|| self.best(&relaxed, None).ok()).flatten()
        };
        let place_of = |id: &str| self.net.place_id(id);
        let mut hint = hint;
        if hint.is_empty() && !req.modes.is_empty() && req.modes.len() < Mode::ALL.len() {
            // One mode more, in the order of Mode::ALL, before the filter dropped whole.
            let wider = Mode::ALL.into_iter().filter(|m| !req.modes.contains(m));
            let tries = wider.map(Some).chain([None]).find_map(|added| {
                found(&|r| match added {
                    Some(m) => {
                        r.modes.insert(m);
                    }
                    None => r.modes.clear(),
                })
                .map(|it| (added, it))
            });
            if let Some((added, it)) = tries {
                let name = |id: &str| {
                    place_of(id).map_or(id.to_string(), |p| self.net.place(p).name_en.clone())
                };
                let outside: Vec<String> = it
                    .legs
                    .iter()
                    .filter(|l| l.kind == LegKind::Run && !req.modes.contains(&l.mode))
                    .map(|l| format!("{} → {} by {}", name(&l.from), name(&l.to), l.mode.as_str()))
                    .collect();
                if !outside.is_empty() {
                    hint = format!(
                        "; {} there is one, with {}{}",
                        match added {
                            Some(m) => format!("with {} added to the modes", m.as_str()),
                            None => "without the mode filter".to_string(),
                        },
                        outside[..outside.len().min(3)].join(", "),
                        if outside.len() > 3 { " …" } else { "" }
                    );
                }
            }
        }
        if hint.is_empty() && !req.via.is_empty() && found(&|r| r.via.clear()).is_some() {
            hint = "; there is one that does not pass the via places".into();
        }
        if hint.is_empty() && (!req.avoid_places.is_empty() || !req.avoid_countries.is_empty()) {
            if let Some(it) = found(&|r| {
                r.avoid_places.clear();
                r.avoid_countries.clear();
            }) {
                // What of the avoided the best route without avoiding passes, in its order.
                let mut passed: Vec<String> = Vec::new();
                for id in it.legs.iter().flat_map(|l| [&l.from, &l.to]) {
                    let Some(p) = place_of(id) else { continue };
                    let place = self.net.place(p);
                    let touched = if req.avoid_places.contains(&p) {
                        Some(place.name_en.clone())
                    } else {
                        req.avoid_countries
                            .contains(&place.country)
                            .then(|| place.country.clone())
                    };
                    if let Some(t) = touched.filter(|t| !passed.contains(t)) {
                        passed.push(t);
                    }
                }
                if !passed.is_empty() {
                    hint = format!(
                        "; every route touches an avoided place or country: the best one without avoiding passes {}",
                        passed.join(", ")
                    );
                }
            }
        }
        let post = self.net.place(req.to);
        let by_rail = req.modes.is_empty() || req.modes.contains(&Mode::Rail);
        let rail_post = || {
            self.graph
                .place_nodes(req.to)
                .iter()
                .any(|&v| self.graph.node(v).layer.mode == Mode::Rail)
        };
        if hint.is_empty() && post.kind == PlaceKind::BorderPost && by_rail && rail_post() {
            hint = format!(
                "; {} is a border post: trains pass it on the way across and do not set cargo down there, so a journey by rail does not end there",
                post.name_en
            );
        }
        RouteError::NoRoute {
            from,
            to,
            constraint,
            hint,
        }
    }

    /// The itineraries `q` asks for, without explaining a failure.
    fn answer(&self, q: &RouteQuery) -> Result<RouteResponse, RouteError> {
        let req = &q.request;
        let mut timing = None;
        let routes = match &q.menu {
            Menu::Best if self.uses_services(&q.request, &q.when) => {
                let (routes, t) = self.on_services(q)?;
                timing = Some(t);
                routes
            }
            Menu::Best => vec![self.best(req, q.deadline_h)?],
            Menu::Pareto {
                criteria,
                epsilon,
                cap,
            } if self.uses_services(&q.request, &q.when) => {
                let (routes, t) = self.pareto_on_services(q, criteria, *epsilon, *cap)?;
                timing = Some(t);
                routes
            }
            Menu::Pareto {
                criteria,
                epsilon,
                cap,
            } => {
                let mut p = ParetoRequest::new(req.clone());
                p.criteria = criteria.clone();
                p.epsilon = *epsilon;
                p.cap = *cap;
                p.deadline_h = q.deadline_h;
                pareto(&self.net, &self.graph, &p)?
            }
            Menu::Alternatives { count } if self.uses_services(&q.request, &q.when) => {
                let (routes, t) = self.alternatives_on_services(q, *count)?;
                timing = Some(t);
                routes
            }
            Menu::Alternatives { count } => with_distributions(
                alternatives(
                    &self.net,
                    &self.graph,
                    &AlternativesRequest::new(req.clone(), *count),
                )?,
                q.deadline_h,
            ),
        };
        let (by, objective) = match &q.menu {
            Menu::Pareto { .. } => (
                Criterion::Time.as_str().to_string(),
                "every option that no other beats on all the criteria, fastest first".to_string(),
            ),
            _ => (req.objective.name().to_string(), req.objective.explain()),
        };
        Ok(RouteResponse {
            from: PlaceRef::of(&self.net, req.from),
            to: PlaceRef::of(&self.net, req.to),
            by,
            objective,
            scenarios: self.scenarios.clone(),
            cargo: req.cargo,
            menu: q.menu.describe(),
            timing,
            routes,
        })
    }

    /// A best-route query on the services: dated, arrive-by, a departure window, or undated
    /// (ready at a random moment of the reference week).
    fn on_services(&self, q: &RouteQuery) -> Result<(Vec<Itinerary>, Timing), RouteError> {
        let req = &q.request;
        check_request(&self.net, req)?;
        let none = || no_route_error(&self.net, req);
        let search = |ready: Instant| {
            earliest_arrival(&self.net, &self.graph, self.timetable_for(req), req, ready)
        };
        let itinerary = |j: &Journey| {
            timed_itinerary(&self.net, &self.graph, self.timetable_for(req), req, j)
                .with_distribution(q.deadline_h)
        };
        match q.when {
            When::Depart { at, window_h: None } => {
                let j = search(at).ok_or_else(none)?;
                Ok((
                    vec![itinerary(&j)],
                    Timing::new(
                        "depart",
                        format!("ready at {}", local_time(&self.net, req.from, at)),
                    ),
                ))
            }
            When::Depart {
                at,
                window_h: Some(window_h),
            } => {
                let end = at + (window_h * 3600.0) as Instant;
                let mut out: Vec<Journey> = Vec::new();
                let mut t = at;
                while t < end && out.len() < MAX_WINDOW_DEPARTURES {
                    let Some(j) = search(t) else { break };
                    let next = j.latest_ready();
                    // A timetabled departure is shown from the latest ready time that catches it.
                    let j = match next {
                        Some(r) if r > t => j.ready_at(r, &req.objective),
                        _ => j,
                    };
                    match out.last() {
                        // The same departure caught from a later ready time.
                        Some(prev) if prev.arrival == j.arrival => {
                            out.pop();
                            out.push(j);
                        }
                        // An option on demand (no timetabled departure), the same as before:
                        // listed once, from the first ready time it is the best.
                        Some(prev)
                            if next.is_none()
                                && prev.latest_ready().is_none()
                                && prev.signature() == j.signature() => {}
                        _ => out.push(j),
                    }
                    t = match next {
                        Some(r) => r + 1,
                        None => t + WINDOW_STEP_S,
                    };
                }
                if out.is_empty() {
                    return Err(none());
                }
                let routes = out.iter().map(itinerary).collect();
                Ok((
                    routes,
                    Timing::new(
                        "window",
                        format!(
                            "every departure from {} to {} that no later-ready one beats: the latest ready time of each timetabled one and its arrival; an option on demand (trucks, frequency services) from the first hour it is the best",
                            local_time(&self.net, req.from, at),
                            local_time(&self.net, req.from, end)
                        ),
                    ),
                ))
            }
            When::ArriveBy(deadline) => {
                if req.objective != Objective::Least(Criterion::Time) {
                    return Err(RouteError::Invalid(InvalidParameter::new(
                        "arrive_by",
                        "an arrival deadline needs the time objective (by=time)",
                    )));
                }
                // Arrival never decreases with the ready time (FIFO), so the latest ready
                // time that still arrives in time is found by bisection, to the minute.
                let (mut lo, mut hi) = (deadline - crate::journey::HORIZON_S, deadline);
                let arrives = |r: Instant| search(r).is_some_and(|j| j.arrival <= deadline);
                if !arrives(lo) {
                    return Err(none());
                }
                while hi - lo > 60 {
                    let mid = lo + (hi - lo) / 2;
                    if arrives(mid) {
                        lo = mid;
                    } else {
                        hi = mid;
                    }
                }
                let j = search(lo).ok_or_else(none)?;
                let j = match j.latest_ready() {
                    Some(r) if r > lo => j.ready_at(r, &req.objective),
                    _ => j,
                };
                Ok((
                    vec![itinerary(&j)],
                    Timing::new(
                        "arrive_by",
                        format!(
                            "the latest ready time that arrives by {}",
                            local_time(&self.net, req.to, deadline)
                        ),
                    ),
                ))
            }
            When::Undated { reference } => {
                let (routes, timing, _) = self.undated(q, reference, None)?;
                Ok((routes, timing))
            }
        }
    }

    /// Alternatives on services, by the penalty method of [`crate::alternatives`]: after each
    /// itinerary found, the runs and border crossings it uses weigh `1 + penalty` times more
    /// (a surcharge of `penalty` × the edge's own weight, [`Surcharges`]) and the query runs
    /// again; a candidate is kept when it is dissimilar to every one kept before. Each is
    /// reported with its true numbers (undated: its time over the ready times it serves in the
    /// penalised week): the best first, then the others in order of the objective.
    fn alternatives_on_services(
        &self,
        q: &RouteQuery,
        count: usize,
    ) -> Result<(Vec<Itinerary>, Timing), RouteError> {
        let req = &q.request;
        check_request(&self.net, req)?;
        let rule = AlternativesRequest::new(req.clone(), count);
        let own_weight: Vec<f64> = self
            .graph
            .edges()
            .iter()
            .map(|e| req.objective.weight(&e.costs(&req.cargo)))
            .collect();
        let mut factors = vec![1.0; own_weight.len()];
        let mut accepted: Vec<(Itinerary, f64)> = Vec::new();
        let mut timing = None;
        for attempt in 0..count * 8 {
            if accepted.len() >= count {
                break;
            }
            let extra = factors
                .iter()
                .zip(&own_weight)
                .map(|(f, w)| (f - 1.0) * w)
                .collect();
            let surcharges = Surcharges::new(&self.graph, self.timetable_for(req), extra);
            let found = match q.when {
                When::Depart { at, window_h: None } => {
                    crate::journey::earliest_arrivals(
                        &self.net,
                        &self.graph,
                        self.timetable_for(req),
                        req,
                        at,
                        &[req.to],
                        Some(&surcharges),
                    )
                    .pop()
                    .flatten()
                    .map(|j| {
                        let it = timed_itinerary(&self.net, &self.graph, self.timetable_for(req), req, &j)
                            .with_distribution(q.deadline_h);
                        let t = Timing::new(
                            "depart",
                            format!("ready at {}", local_time(&self.net, req.from, at)),
                        );
                        (it, t, vec![j])
                    })
                    .ok_or_else(|| no_route_error(&self.net, req))
                }
                When::Undated { reference } => {
                    self.undated(q, reference, Some(&surcharges))
                        .map(|(mut routes, t, group)| (routes.remove(0), t, group))
                }
                _ => {
                    return Err(RouteError::Invalid(InvalidParameter::new(
                        "alternatives",
                        "alternatives are for a departure or an undated query, not a window or an arrival deadline",
                    )))
                }
            };
            let (candidate, t, group) = match found {
                Ok(x) => x,
                Err(e) if attempt == 0 => return Err(e),
                Err(_) => break,
            };
            timing.get_or_insert(t);
            let used = group.iter().flat_map(|j| {
                j.steps.iter().filter_map(|s| match s {
                    crate::journey::JourneyStep::Edge { edge, .. } => Some(*edge as usize),
                    _ => None,
                })
            });
            crate::alternatives::penalize(&self.graph, &mut factors, used, rule.penalty);
            if accepted
                .iter()
                .all(|(a, _)| crate::alternatives::dissimilar(&candidate, a, rule.max_shared))
            {
                let m = &candidate.summary;
                let value = req.objective.weight(&Costs {
                    time_p50_h: m.time_h.p50,
                    time_p90_h: m.time_h.p90,
                    usd: m.cost_usd,
                    co2e_kg: m.co2e_kg,
                    km: m.distance_km,
                });
                accepted.push((candidate, value));
            }
        }
        // The unpenalised best first; the others by their objective's value (undated, each
        // over the ready times it serves in its own penalised week).
        if accepted.len() > 1 {
            accepted[1..].sort_by(|a, b| a.1.total_cmp(&b.1));
        }
        let timing = timing.expect("a first attempt");
        Ok((accepted.into_iter().map(|(it, _)| it).collect(), timing))
    }

    /// The itinerary of a group of journeys that follow it at different ready times: shown at
    /// the ready time of median duration, its time the mixture over the group's ready times
    /// (with the odds of `deadline_h`); and that mixture's part for the week's distribution.
    fn group_itinerary(
        &self,
        req: &RouteRequest,
        group: &[&Journey],
        deadline_h: Option<f64>,
    ) -> (Itinerary, MixturePart) {
        let hours = |j: &Journey| (j.arrival - j.ready) as f64 / 3600.0;
        let mut by_time = group.to_vec();
        by_time.sort_by(|a, b| hours(a).total_cmp(&hours(b)));
        let rep = by_time[by_time.len() / 2];
        let mut it = timed_itinerary(&self.net, &self.graph, self.timetable_for(req), req, rep);
        let shifts = group.iter().map(|j| hours(j) - hours(rep));
        let mut own = Mixture {
            parts: vec![Mixture::part(it.time_distribution(), shifts)],
            samples: group.len(),
        };
        let t = &mut it.summary.time_h;
        (t.p50, t.p90, t.p95) = (
            own.quantile(0.5),
            own.quantile(0.9),
            Some(own.quantile(0.95)),
        );
        t.method = "mixture";
        it.summary.deadline_h = deadline_h;
        it.summary.on_time_probability = deadline_h.map(|h| own.cdf(h));
        (it, own.parts.pop().expect("one part"))
    }

    /// A Pareto menu on services: for a dated query, the journeys no other beats on arrival,
    /// money, emissions and vehicles; undated, those of every ready time of the reference week,
    /// grouped into itineraries (each with its time over the ready times it serves), and then
    /// the ones no other beats on the menu's criteria.
    fn pareto_on_services(
        &self,
        q: &RouteQuery,
        criteria: &[Criterion],
        epsilon: f64,
        cap: usize,
    ) -> Result<(Vec<Itinerary>, Timing), RouteError> {
        let req = &q.request;
        check_request(&self.net, req)?;
        let search = |ready: Instant| {
            crate::journey::pareto_journeys(
                &self.net,
                &self.graph,
                self.timetable_for(req),
                req,
                ready,
            )
        };
        let (journeys, timing): (Vec<Vec<Journey>>, Timing) = match q.when {
            When::Depart { at, window_h: None } => (
                vec![search(at)],
                Timing::new(
                    "depart",
                    format!("ready at {}", local_time(&self.net, req.from, at)),
                ),
            ),
            When::Undated { reference } => {
                let (monday, start) = self.week(req, reference)?;
                let step = 7 * 24 * 3600 / UNDATED_SAMPLES as Instant;
                let all = (0..UNDATED_SAMPLES as Instant)
                    .into_par_iter()
                    .map(|k| search(start + k * step + step / 2))
                    .collect();
                (
                    all,
                    Timing::new(
                        "undated",
                        format!(
                            "the options of every ready time of the week of {monday} ({UNDATED_SAMPLES} ready times), each with its time over the ready times it serves"
                        ),
                    ),
                )
            }
            _ => {
                return Err(RouteError::Invalid(InvalidParameter::new(
                    "pareto",
                    "a Pareto menu is for a departure or an undated query, not a window or an arrival deadline",
                )))
            }
        };
        if journeys.iter().all(|js| js.is_empty()) {
            return Err(no_route_error(&self.net, req));
        }
        // Group by itinerary; each group's time over the ready times it serves.
        let mut groups: Vec<(Signature, Vec<Journey>)> = Vec::new();
        for j in journeys.into_iter().flatten() {
            let sig = j.signature();
            match groups.iter_mut().find(|(s, _)| *s == sig) {
                Some((_, js)) => js.push(j),
                None => groups.push((sig, vec![j])),
            }
        }
        let hours = |j: &Journey| (j.arrival - j.ready) as f64 / 3600.0;
        let mut options: Vec<Itinerary> = groups
            .into_iter()
            .map(|(_, js)| {
                let group: Vec<&Journey> = js.iter().collect();
                let (mut it, _) = self.group_itinerary(req, &group, q.deadline_h);
                it.summary.time_h.sum_p50 = js.iter().map(hours).sum::<f64>() / js.len() as f64;
                it
            })
            .collect();
        // The menu: no option beaten on every criterion by more than epsilon.
        let value = |it: &Itinerary, c: &Criterion| match c {
            Criterion::Time => it.summary.time_h.p50,
            Criterion::P90 => it.summary.time_h.p90,
            Criterion::Cost => it.summary.cost_usd,
            Criterion::Co2 => it.summary.co2e_kg,
        };
        let beats = |a: &Itinerary, b: &Itinerary| {
            criteria
                .iter()
                .all(|c| value(a, c) <= value(b, c) * (1.0 + epsilon) + 1e-9)
                && criteria.iter().any(|c| value(a, c) < value(b, c) - 1e-9)
        };
        let kept: Vec<bool> = options
            .iter()
            .map(|b| !options.iter().any(|a| !std::ptr::eq(a, b) && beats(a, b)))
            .collect();
        let mut menu: Vec<Itinerary> = options
            .drain(..)
            .zip(kept)
            .filter_map(|(it, k)| k.then_some(it))
            .collect();
        menu.sort_by(|a, b| a.summary.time_h.p50.total_cmp(&b.summary.time_h.p50));
        if menu.len() > cap {
            // Keep the best per criterion, then the fastest of the rest.
            let mut keep: Vec<usize> = criteria
                .iter()
                .filter_map(|c| {
                    (0..menu.len())
                        .min_by(|&i, &j| value(&menu[i], c).total_cmp(&value(&menu[j], c)))
                })
                .collect();
            for i in 0..menu.len() {
                if keep.len() >= cap.max(criteria.len()) {
                    break;
                }
                if !keep.contains(&i) {
                    keep.push(i);
                }
            }
            keep.sort_unstable();
            keep.dedup();
            menu = keep.into_iter().map(|i| menu[i].clone()).collect();
        }
        Ok((menu, timing))
    }

    /// Cargo ready at a random moment of the reference week: the best journey for each of
    /// [`UNDATED_SAMPLES`] ready times spread evenly over it, grouped into the itineraries
    /// they follow, and the mixed distribution of the ready-to-arrival time.
    /// With `surcharges`, the searches weigh them (alternatives); the journeys of the most used
    /// itinerary come back too.
    fn undated(
        &self,
        q: &RouteQuery,
        reference: Option<jiff::civil::Date>,
        surcharges: Option<&Surcharges>,
    ) -> Result<(Vec<Itinerary>, Timing, Vec<Journey>), RouteError> {
        let req = &q.request;
        let (monday, start) = self.week(req, reference)?;
        let step = 7 * 24 * 3600 / UNDATED_SAMPLES as Instant;
        let search = |ready: Instant| {
            crate::journey::earliest_arrivals(
                &self.net,
                &self.graph,
                self.timetable_for(req),
                req,
                ready,
                &[req.to],
                surcharges,
            )
            .pop()
            .flatten()
        };
        // A journey whose first timetabled departure is still caught from a later ready time is
        // that time's best journey too (Journey::ready_at), so a search is needed only once the
        // ready time passes it. Chunks of a day run in parallel.
        const CHUNK: usize = 24;
        let journeys: Vec<Journey> = (0..UNDATED_SAMPLES.div_ceil(CHUNK))
            .into_par_iter()
            .flat_map_iter(|c| {
                let mut out = Vec::with_capacity(CHUNK);
                let mut caught: Option<(Journey, Instant)> = None;
                for k in c * CHUNK..((c + 1) * CHUNK).min(UNDATED_SAMPLES) {
                    let ready = start + k as Instant * step + step / 2;
                    if let Some((j, latest)) = &caught {
                        if ready <= *latest {
                            out.push(j.ready_at(ready, &req.objective));
                            continue;
                        }
                    }
                    let found = search(ready);
                    caught = found
                        .as_ref()
                        .and_then(|j| j.latest_ready().map(|l| (j.clone(), l)));
                    out.extend(found);
                }
                out
            })
            .collect();
        if journeys.len() < UNDATED_SAMPLES {
            return Err(no_route_error(&self.net, req));
        }
        // Group by the itinerary followed, most used first.
        let mut groups: Vec<(Signature, Vec<usize>)> = Vec::new();
        for (k, j) in journeys.iter().enumerate() {
            let sig = j.signature();
            match groups.iter_mut().find(|(s, _)| *s == sig) {
                Some((_, ks)) => ks.push(k),
                None => groups.push((sig, vec![k])),
            }
        }
        groups.sort_by_key(|g| std::cmp::Reverse(g.1.len()));
        let hours = |j: &Journey| (j.arrival - j.ready) as f64 / 3600.0;
        let mut routes = Vec::new();
        let mut parts = Vec::new();
        let mut shares = Vec::new();
        // Σ over the ready times of what every step's bad day adds to the planned journey.
        let mut bad_days_h = 0.0;
        for (_, ks) in groups.iter().take(MAX_UNDATED_ITINERARIES) {
            let group: Vec<&Journey> = ks.iter().map(|&k| &journeys[k]).collect();
            let (it, part) = self.group_itinerary(req, &group, q.deadline_h);
            bad_days_h += ks.len() as f64 * it.summary.time_h.bad_days_h();
            parts.push(part);
            shares.push(ks.len() as f64 / journeys.len() as f64);
            routes.push(it);
        }
        // Groups past the cap still count in the mixture, by their own distributions.
        for (_, ks) in groups.iter().skip(MAX_UNDATED_ITINERARIES) {
            let rep = &journeys[ks[0]];
            let it = timed_itinerary(&self.net, &self.graph, self.timetable_for(req), req, rep);
            bad_days_h += ks.len() as f64 * it.summary.time_h.bad_days_h();
            let shifts = ks.iter().map(|&k| hours(&journeys[k]) - hours(rep));
            parts.push(Mixture::part(it.time_distribution(), shifts));
        }
        let mixture = Mixture {
            parts,
            samples: journeys.len(),
        };
        let (p50, p90, p95) = (
            mixture.quantile(0.5),
            mixture.quantile(0.9),
            mixture.quantile(0.95),
        );
        let planned: Vec<f64> = journeys.iter().map(hours).collect();
        let mean_planned = planned.iter().sum::<f64>() / planned.len() as f64;
        let mut timing = Timing::new(
            "undated",
            format!(
                "cargo ready at a random moment of the week of {monday} ({} ready times, one every {} min); {} itinerar{} serve{} them",
                journeys.len(),
                step / 60,
                groups.len(),
                if groups.len() == 1 { "y" } else { "ies" },
                if groups.len() == 1 { "s" } else { "" }
            ),
        );
        timing.ready_to_arrival_h = Some(TimeRange {
            p50,
            p90,
            p95: Some(p95),
            method: "mixture",
            sum_p50: mean_planned,
            sum_p90: mean_planned + bad_days_h / journeys.len() as f64,
        });
        timing.shares = shares;
        timing.on_time_probability = q.deadline_h.map(|h| mixture.cdf(h));
        let top = groups[0].1.iter().map(|&k| journeys[k].clone()).collect();
        Ok((routes, timing, top))
    }

    /// The Monday of the reference week and the instant it starts at the origin
    /// ([`reference_week`]).
    fn week(
        &self,
        req: &RouteRequest,
        reference: Option<jiff::civil::Date>,
    ) -> Result<(jiff::civil::Date, Instant), RouteError> {
        reference_week(&self.net, req.from, reference).map_err(RouteError::Invalid)
    }

    /// `samples` seeded draws of an undated route's ready-to-arrival hours from the simulator
    /// (crate::simulator): the oracle of the distribution [`Router::route`] reports.
    pub fn simulate_undated(
        &self,
        q: &RouteQuery,
        samples: usize,
        seed: u64,
    ) -> Result<Vec<f64>, RouteError> {
        let reference = match q.when {
            When::Undated { reference } => reference,
            _ => None,
        };
        let (_, start) = self.week(&q.request, reference)?;
        Ok(crate::simulator::simulate_week(
            &self.net,
            &self.graph,
            self.timetable_for(&q.request),
            &q.request,
            start,
            samples,
            seed,
        ))
    }

    /// The route request a matrix or reach query makes from `from` to `to`.
    fn template(from: PlaceId, to: PlaceId, objective: Objective, s: &Shipment) -> RouteRequest {
        let mut req = RouteRequest::new(from, to, objective);
        req.modes = s.modes.clone();
        req.cargo = s.cargo;
        req
    }

    /// Every origin to every destination (origins in parallel): from a per-metric hierarchy
    /// when one fits (only the minimised criterion filled in, said in the note), else from the
    /// customizable hierarchy once it is customized for the request's weights, else by
    /// Dijkstra from each origin (these two fill in every criterion along the route).
    pub fn matrix(&self, q: &MatrixRequest) -> MatrixResponse {
        let (Some(&o), Some(&d)) = (q.origins.first(), q.destinations.first()) else {
            return MatrixResponse {
                by: q.objective.name().to_string(),
                scenarios: self.scenarios.clone(),
                cargo: q.shipment.cargo,
                note: None,
                cells: Vec::new(),
            };
        };
        let template = Router::template(o, d, q.objective, &q.shipment);
        if self.uses_services(&template, &When::Undated { reference: None }) {
            return MatrixResponse {
                by: q.objective.name().to_string(),
                scenarios: self.scenarios.clone(),
                cargo: q.shipment.cargo,
                note: Some(WEEK_NOTE.to_string()),
                cells: self
                    .week_matrix(&template, &q.origins, &q.destinations)
                    .into_iter()
                    .flatten()
                    .filter(|c| c.from != c.to)
                    .collect(),
            };
        }
        let note = hierarchy_for(&self.hierarchies, &template).map(|(metric, _)| {
            format!("contraction hierarchy for {metric}: only the minimised criterion is filled in")
        });
        let cells = best_matrix(
            &self.net,
            &self.graph,
            &self.hierarchies,
            self.customizable.as_ref(),
            &template,
            &q.origins,
            &q.destinations,
        );
        MatrixResponse {
            by: q.objective.name().to_string(),
            scenarios: self.scenarios.clone(),
            cargo: q.shipment.cargo,
            note,
            cells: cells
                .into_iter()
                .flatten()
                .filter(|c| c.from != c.to)
                .collect(),
        }
    }

    /// The places within `q.budget` of `q.from`, best first.
    pub fn reach(&self, q: &ReachRequest) -> ReachResponse {
        let template = Router::template(q.from, q.from, q.objective, &q.shipment);
        ReachResponse {
            from: PlaceRef::of(&self.net, q.from),
            by: q.objective.name().to_string(),
            within: q.budget,
            scenarios: self.scenarios.clone(),
            cargo: q.shipment.cargo,
            places: if self.uses_services(&template, &When::Undated { reference: None }) {
                self.week_reach(&template, q.budget)
            } else {
                reach(&self.net, &self.graph, &template, q.budget)
            },
        }
    }

    /// For each of `targets`, the planned journeys of the reference week's ready times from
    /// `req.from` (one search per ready time serves every target).
    fn week_journeys(&self, req: &RouteRequest, targets: &[PlaceId]) -> Vec<Vec<Journey>> {
        let mut out = vec![Vec::with_capacity(UNDATED_SAMPLES); targets.len()];
        let Ok((_, start)) = self.week(req, None) else {
            return out;
        };
        let step = 7 * 24 * 3600 / UNDATED_SAMPLES as Instant;
        for k in 0..UNDATED_SAMPLES as Instant {
            let ready = start + k * step + step / 2;
            let found = crate::journey::earliest_arrivals(
                &self.net,
                &self.graph,
                self.timetable_for(req),
                req,
                ready,
                targets,
                None,
            );
            for (slot, j) in out.iter_mut().zip(found) {
                if let Some(j) = j {
                    slot.push(j);
                }
            }
        }
        out
    }

    /// The week's summary of one origin–destination pair: the journey of median objective
    /// value over the ready times, with its totals ([`Journey::totals`]). `None` unless every
    /// ready time reaches the destination.
    fn week_cell(&self, req: &RouteRequest, mut js: Vec<Journey>) -> Option<(Costs, f64, f64)> {
        if js.len() < UNDATED_SAMPLES {
            return None;
        }
        js.sort_by(|a, b| a.weight.total_cmp(&b.weight));
        let mid = &js[js.len() / 2];
        let t = mid.totals(&self.net, &self.graph, self.timetable_for(req), &req.cargo);
        Some((t, mid.weight, t.time_p50_h))
    }

    fn week_matrix(
        &self,
        template: &RouteRequest,
        origins: &[PlaceId],
        destinations: &[PlaceId],
    ) -> Vec<Vec<crate::matrix::MatrixCell>> {
        origins
            .par_iter()
            .map(|&o| {
                let mut req = template.clone();
                req.from = o;
                req.via.clear();
                let weeks = self.week_journeys(&req, destinations);
                destinations
                    .iter()
                    .zip(weeks)
                    .map(|(&d, js)| {
                        let t = if d == o {
                            None
                        } else {
                            self.week_cell(&req, js)
                        };
                        crate::matrix::MatrixCell {
                            from: self.net.place(o).id.clone(),
                            to: self.net.place(d).id.clone(),
                            time_sum_p50_h: t.map(|(t, _, _)| t.time_p50_h),
                            time_sum_p90_h: t.map(|(t, _, _)| t.time_p90_h),
                            cost_usd: t.map(|(t, _, _)| t.usd),
                            co2e_kg: t.map(|(t, _, _)| t.co2e_kg),
                            distance_km: t.map(|(t, _, _)| t.km),
                            objective_value: t.map(|(_, v, _)| v),
                        }
                    })
                    .collect()
            })
            .collect()
    }

    fn week_reach(&self, template: &RouteRequest, budget: f64) -> Vec<crate::matrix::Reachable> {
        let mut req = template.clone();
        req.via.clear();
        let targets: Vec<PlaceId> = (0..self.net.places.len() as u32)
            .map(PlaceId)
            .filter(|&p| p != req.from)
            .collect();
        let weeks = self.week_journeys(&req, &targets);
        let mut out: Vec<crate::matrix::Reachable> = targets
            .iter()
            .zip(weeks)
            .filter_map(|(&p, js)| {
                let (t, value, _) = self.week_cell(&req, js)?;
                if value > budget {
                    return None;
                }
                Some(crate::matrix::Reachable::new(&self.net, p, value, &t))
            })
            .collect();
        crate::matrix::Reachable::sort(&mut out);
        out
    }

    /// `req` (places of this network) asked of this network and of `scenario`.
    pub fn compare(
        &self,
        scenario: &Router,
        req: &RouteRequest,
    ) -> Result<CompareResponse, RouteError> {
        let (comparison, baseline_route, scenario_route) = compare(self, scenario, req)?;
        Ok(CompareResponse {
            scenarios: scenario.scenarios.clone(),
            by: req.objective.name().to_string(),
            comparison,
            baseline_route,
            scenario_route,
        })
    }

    /// The places whose names contain `q.text`, in `q.country` (see [`places`]).
    pub fn places(&self, q: &PlacesRequest) -> Result<PlacesResponse, InvalidParameter> {
        places(&self.net, q)
    }
}

/// The places of `net` whose names contain `q.text`, in `q.country`; an unknown country is an
/// error that lists the countries of the network. Needs no graph.
pub fn places(net: &Network, q: &PlacesRequest) -> Result<PlacesResponse, InvalidParameter> {
    let country = q.country.as_ref().map(|c| c.trim().to_ascii_uppercase());
    if let Some(c) = &country {
        if !net.places.iter().any(|p| &p.country == c) {
            let mut known: Vec<&str> = net.places.iter().map(|p| p.country.as_str()).collect();
            known.sort();
            known.dedup();
            return Err(InvalidParameter::new(
                "country",
                format!(
                    "no places in country `{c}`; countries in this network: {}",
                    known.join(", ")
                ),
            ));
        }
    }
    let needle = q.text.as_deref().map(normalize_name).unwrap_or_default();
    let places = net
        .places
        .iter()
        .filter(|p| country.as_ref().is_none_or(|c| &p.country == c))
        .filter(|p| needle.is_empty() || names_of(p).any(|n| normalize_name(n).contains(&needle)))
        .map(PlaceInfo::of)
        .collect();
    Ok(PlacesResponse { places })
}
