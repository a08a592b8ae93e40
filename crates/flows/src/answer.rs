//! The answers of the assignment queries, as `silkroute assign --json` and
//! `silkroute critical --json` print them.

use crate::assignment::{Assignment, EdgeFlow, OdRoute, SegmentFlow};
use crate::critical::Criticality;
use crate::demand::Demand;
use crate::frequencies::ServiceFrequency;
use serde::Serialize;

/// Answer of an equilibrium assignment.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AssignResponse {
    /// Scenarios applied, in order.
    pub scenarios: Vec<String>,
    /// Iterations run.
    pub iterations: usize,
    /// Relative gap reached.
    pub relative_gap: f64,
    /// Wall-clock seconds of the assignment.
    pub seconds: f64,
    /// Σ generalized cost × flow, USD per day.
    pub total_cost_usd_per_day: f64,
    /// Demand assigned, tonnes per day.
    pub demand_t_per_day: f64,
    /// Demand without any route, tonnes per day.
    pub stranded_t_per_day: f64,
    /// Every loaded edge, busiest (by volume/capacity, then tonnes) first.
    pub edges: Vec<EdgeFlow>,
    /// The commodity segments: value of time, tonnes, units and mode split of each.
    pub segments: Vec<SegmentFlow>,
    /// Whether services ran the departures their load needs (else as published).
    pub frequencies_follow_flow: bool,
    /// Assignments run (more than one when frequencies follow flow).
    pub frequency_rounds: usize,
    /// The cargo services with their loads and departures, most over their published ones
    /// first (path-based methods on services).
    pub services: Vec<ServiceFrequency>,
    /// The cheapest route of each origin–destination pair and segment at the final costs.
    pub od_routes: Vec<OdRoute>,
}

impl AssignResponse {
    /// The answer of `result`, the assignment of `demand` that took `seconds`, with its
    /// loaded `edges` ([`Assignment::edge_flows`]).
    pub fn of(
        scenarios: Vec<String>,
        demand: &Demand,
        result: &Assignment,
        seconds: f64,
        edges: Vec<EdgeFlow>,
    ) -> AssignResponse {
        AssignResponse {
            scenarios,
            iterations: result.iterations,
            relative_gap: result.relative_gap,
            seconds,
            total_cost_usd_per_day: result.total_cost_usd_per_day,
            demand_t_per_day: demand.total(),
            stranded_t_per_day: result.stranded_total(),
            segments: result.segments.clone(),
            frequencies_follow_flow: result.frequencies_follow_flow,
            frequency_rounds: result.frequency_rounds,
            services: result.services.clone(),
            od_routes: result.routes.clone(),
            edges,
        }
    }
}

/// Answer of a criticality ranking.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CriticalResponse {
    /// Scenarios applied, in order.
    pub scenarios: Vec<String>,
    /// Links and border crossings, most stranded demand first, then largest cost increase.
    pub elements: Vec<Criticality>,
}
