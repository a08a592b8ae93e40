//! Queries on a compiled graph: the best route for a cargo, explained leg by leg.
//!
//! Principal items:
//! - [`Cargo`]: what is shipped (one 40 ft container by default); scales money and CO2e.
//! - [`Objective`]: what "best" means (time, cost, CO2e, or cost plus value of time).
//! - [`RouteRequest`] → [`route`] → [`Itinerary`]: every leg (run, border, transfer, wait) with
//!   time (p50, p90), USD, kg CO2e and the source of each number.
//! - [`PlaceFinder`]: places by id or by English, Chinese or Russian name, forgiving about case,
//!   accents and apostrophes, with suggestions for unknown names.
//! - [`AlternativesRequest`] → [`alternatives`]: genuinely different itineraries (penalty method).
//! - [`Router`]: a network ready to query; every query (route, Pareto menu, alternatives,
//!   matrix, reach, compare, places) is a method taking one request type and returning one
//!   answer type ([`RouteResponse`], [`MatrixResponse`], …) that the CLI and the server share.
//! - [`Router::compare`]: one question asked of a baseline and a scenario network.
//! - [`matrix`] and [`reach`]: many-to-many tables and isochrone-like reach, origins in parallel.
//! - [`best_route`] and [`best_matrix`]: the same answers from a contraction hierarchy when
//!   one fits the request ([`route_fast`], [`matrix_fast`]), for big imported or generated
//!   networks; Dijkstra otherwise.
//! - [`ParetoRequest`] → [`pareto`]: the menu of non-dominated itineraries over time, cost, CO2e.

mod alternatives;
mod answer;
mod compare;
mod customized;
mod distribution;
mod duration;
mod fast;
mod itinerary;
mod journey;
mod matrix;
mod objective;
mod pareto;
mod places;
mod router;
mod search;
mod simulator;
mod timed;
mod trip;

pub use alternatives::{alternatives, dissimilar, shared_fraction, AlternativesRequest};
pub use answer::{
    CompareResponse, MatrixResponse, PlaceInfo, PlaceRef, PlacesResponse, ReachResponse,
    RouteResponse, ScenarioInfo, ScenariosResponse, Timing,
};
pub use compare::{Comparison, Reachability};
pub use customized::{stored_customization, Customizable, Customizing};
pub use distribution::{simulate, TimeComponent, TimeDistribution, TimeFamily, Z90};
pub use duration::parse_duration_h;
pub use fast::{
    best_matrix, best_route, best_route_with, fast_metric, hierarchy_for, matrix_fast, route_fast,
    QueryPool,
};
pub use itinerary::{
    with_distributions, DriverPause, EmissionLine, EmissionTotals, Emissions, Itinerary, Leg,
    LegKind, Summary, TimeRange,
};
pub use journey::{
    earliest_arrival, earliest_arrivals, pareto_journeys, Carrier, Driving, Journey, JourneyStep,
    Surcharges, WaitReason, FREQUENCY_WAIT_QUANTILE,
};
pub use matrix::{matrix, reach, MatrixCell, Reachable};
pub use objective::{Objective, ObjectiveError};
pub use pareto::{criteria_of, pareto, ParetoRequest};
pub use places::{normalize_name, PlaceFinder, UnknownPlace};
pub use router::{
    parse_budget, places, reference_week, week_start, InvalidParameter, MatrixRequest, Menu,
    PlacesRequest, ReachRequest, RouteQuery, Router, Shipment, When, DEFAULT_CRITERIA,
    DEFAULT_EPSILON, DEFAULT_PARETO_CAP, MAX_ALTERNATIVES, MAX_PARETO_CAP,
};
pub use search::{route, RouteError, RouteRequest};
pub use silkroute_model::{Cargo, Costs, Criterion, TONNES_PER_FEU};
pub use timed::{local_time, timed_itinerary};
pub use trip::{
    Alternative, CountryStay, EntryStatus, PeriodUse, TripJourney, TripLeg, TripLegKind,
    TripOption, TripProblem, TripRequest, TripResponse, Verdict,
};
