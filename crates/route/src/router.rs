//! The [`Router`]: one network ready to query, and every query on it.
//!
//! The CLI and the server both hold `Router`s (one per scenario combination) and call the same
//! methods; each method takes one request type and returns one answer type of
//! [`crate::answer`]. Whether a contraction hierarchy or Dijkstra answers is decided here.

use crate::alternatives::{alternatives, AlternativesRequest};
use crate::answer::{
    CompareResponse, MatrixResponse, PlaceInfo, PlaceRef, PlacesResponse, ReachResponse,
    RouteResponse,
};
use crate::compare::compare;
use crate::fast::{best_matrix, best_route_with, hierarchy_for, QueryPool};
use crate::itinerary::{with_distributions, Itinerary};
use crate::matrix::reach;
use crate::objective::Objective;
use crate::pareto::{pareto, ParetoRequest};
use crate::places::{names_of, normalize_name, parse_lat_lon, PlaceFinder, UnknownPlace};
use crate::search::{RouteError, RouteRequest};
use silkroute_graph::{compile, CompileError, CompiledNetwork, Graph, Hierarchy, Metric};
use silkroute_model::{Cargo, Criterion, Mode, Network, PlaceId};
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
    hierarchies: Vec<(Metric, Hierarchy)>,
    scenarios: Vec<String>,
    names: OnceLock<PlaceFinder>,
    coordinates: OnceLock<PlaceFinder>,
    queries: QueryPool,
}

impl Router {
    /// Compiles `net` (with `scenarios` applied, named for the answers).
    pub fn new(net: Network, scenarios: Vec<String>) -> Result<Router, CompileError> {
        let graph = compile(&net)?;
        Ok(Router::with_graph(net, graph, Vec::new(), scenarios))
    }

    /// The network of a graph file, with its graph and hierarchies.
    pub fn from_compiled(c: CompiledNetwork) -> Router {
        Router::with_graph(c.network, c.graph, c.hierarchies, Vec::new())
    }

    fn with_graph(
        net: Network,
        graph: Graph,
        hierarchies: Vec<(Metric, Hierarchy)>,
        scenarios: Vec<String>,
    ) -> Router {
        Router {
            net,
            graph,
            hierarchies,
            scenarios,
            names: OnceLock::new(),
            coordinates: OnceLock::new(),
            queries: QueryPool::default(),
        }
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
        self.finder().find(query)
    }

    /// The name index.
    pub fn finder(&self) -> &PlaceFinder {
        self.names.get_or_init(|| PlaceFinder::new(&self.net))
    }

    /// Avoids a country (ISO code) or a place (any name) in `req`.
    pub fn avoid(&self, req: &mut RouteRequest, text: &str) -> Result<(), UnknownPlace> {
        req.avoid(&self.net, self.finder(), text)
    }

    /// The best itinerary for `req`, with its distribution (hierarchy when one fits).
    pub fn best(
        &self,
        req: &RouteRequest,
        deadline_h: Option<f64>,
    ) -> Result<Itinerary, RouteError> {
        best_route_with(
            &self.net,
            &self.graph,
            &self.hierarchies,
            &self.queries,
            req,
            deadline_h,
        )
    }

    /// The itineraries `q` asks for.
    pub fn route(&self, q: &RouteQuery) -> Result<RouteResponse, RouteError> {
        let req = &q.request;
        let routes = match &q.menu {
            Menu::Best => vec![self.best(req, q.deadline_h)?],
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
            routes,
        })
    }

    /// The route request a matrix or reach query makes from `from` to `to`.
    fn template(from: PlaceId, to: PlaceId, objective: Objective, s: &Shipment) -> RouteRequest {
        let mut req = RouteRequest::new(from, to, objective);
        req.modes = s.modes.clone();
        req.cargo = s.cargo;
        req
    }

    /// Every origin to every destination (origins in parallel; a hierarchy when one fits).
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
        let note = hierarchy_for(&self.hierarchies, &template).map(|(metric, _)| {
            format!("contraction hierarchy for {metric}: only the minimised criterion is filled in")
        });
        let cells = best_matrix(
            &self.net,
            &self.graph,
            &self.hierarchies,
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
            places: reach(&self.net, &self.graph, &template, q.budget),
        }
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
