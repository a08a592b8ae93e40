//! Critical elements: what closing each link or border crossing costs the assigned trade.

use crate::assignment::{assign, Assignment, AssignmentConfig};
use crate::demand::Demand;
use crate::frequencies::Frequencies;
use rayon::prelude::*;
use serde::Serialize;
use silkroute_graph::{Graph, Timetable};
use silkroute_model::{ElementKind, Network};
use std::sync::Arc;

/// What closing one element does.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Criticality {
    /// Link or border crossing.
    pub kind: ElementKind,
    /// Element id.
    pub element: String,
    /// Tonnes per day on it in the base assignment (both directions).
    pub base_tonnes_per_day: f64,
    /// Increase of total generalized cost, USD per day, for the demand still served.
    pub cost_increase_usd_per_day: f64,
    /// Demand left without any route, tonnes per day.
    pub stranded_tonnes_per_day: f64,
}

/// Closes, one at a time, every link and border crossing that carries flow in `base`, re-assigns
/// (elements in parallel) and ranks them: most stranded demand first, then largest cost increase.
/// Services keep the departures they ran in `base` (a closure is a disruption: the flow moves,
/// the timetables do not follow it).
pub fn critical(
    net: &Network,
    graph: &Graph,
    demand: &Demand,
    config: &AssignmentConfig,
    base: &Assignment,
) -> Vec<Criticality> {
    let mut elements: Vec<(ElementKind, u32, f64)> = Vec::new();
    for (i, e) in graph.edges().iter().enumerate() {
        let key = e.kind().element();
        if matches!(key.0, ElementKind::Transfer | ElementKind::Clearance) {
            continue;
        }
        match elements.iter_mut().find(|(k, id, _)| (*k, *id) == key) {
            Some(x) => x.2 += base.flows[i],
            None => elements.push((key.0, key.1, base.flows[i])),
        }
    }
    elements.retain(|(_, _, f)| *f > 1e-9);
    // The network as the base ran it, its departures held.
    let as_run;
    let (net_run, config) = if base.frequencies_follow_flow && config.services.is_some() {
        as_run = crate::frequencies::network_as_run(net, &base.services);
        match Timetable::compile(&as_run, graph) {
            Ok(tt) => (
                &as_run,
                AssignmentConfig {
                    services: Some(Arc::new(tt)),
                    frequencies: Frequencies::Published,
                    ..config.clone()
                },
            ),
            Err(_) => (net, config.clone()),
        }
    } else {
        (net, config.clone())
    };
    let base_stranded = base.stranded_total();
    let mut out: Vec<Criticality> = elements
        .par_iter()
        .map(|&(kind, id, flow)| {
            let closed: Vec<bool> = graph
                .edges()
                .iter()
                .map(|e| e.kind().element() == (kind, id))
                .collect();
            let cfg = AssignmentConfig {
                closed_edges: closed,
                parallel: false,
                ..config.clone()
            };
            let a = assign(net_run, graph, demand, &cfg, |_, _| {});
            let stranded = a.stranded_total() - base_stranded;
            // Cost of the demand still served, compared on the same demand: the base cost of the
            // stranded pairs is removed before the comparison.
            // Only the tonnes stranded by the closure: on services a pair can be partly
            // stranded already in the base (some ready times reach nothing).
            let stranded_base_cost: f64 = a
                .stranded
                .iter()
                .filter_map(|(od, t)| {
                    let before: f64 = base
                        .stranded
                        .iter()
                        .filter(|(p, _)| p == od)
                        .map(|(_, t)| t)
                        .sum();
                    base.od_cost
                        .iter()
                        .find(|(p, _)| p == od)
                        .map(|(_, c)| c * (t - before).max(0.0))
                })
                .sum();
            Criticality {
                kind,
                element: if kind == ElementKind::Link {
                    net.links[id as usize].id.clone()
                } else {
                    net.borders[id as usize].id.clone()
                },
                base_tonnes_per_day: flow,
                cost_increase_usd_per_day: a.total_cost_usd_per_day
                    - (base.total_cost_usd_per_day - stranded_base_cost),
                stranded_tonnes_per_day: stranded.max(0.0),
            }
        })
        .collect();
    out.sort_by(|a, b| {
        b.stranded_tonnes_per_day
            .total_cmp(&a.stranded_tonnes_per_day)
            .then(
                b.cost_increase_usd_per_day
                    .total_cmp(&a.cost_increase_usd_per_day),
            )
    });
    out
}
