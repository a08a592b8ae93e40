//! Path-based user equilibrium: gradient projection (Jayakrishnan, Tsai, Prashker & Rajadhyaksha,
//! "A faster path-based algorithm for traffic assignment", Transportation Research Record 1443,
//! 1994).
//!
//! Every share of a pair's demand keeps the routes it uses with their flows (columns). Each
//! iteration finds every share's cheapest route at the current costs (origins in parallel, from
//! one snapshot of the costs), adds it to the share's columns if new, and then, share by share
//! and with the costs updated after every move (Gauss–Seidel), moves flow from each dearer route
//! to the cheapest by a Newton step: the cost difference over the sum of the cost derivatives of
//! the edges the two routes do not share. Frank–Wolfe moves all pairs towards one all-or-nothing
//! loading and stalls near the equilibrium; a per-pair Newton step keeps converging, so gaps of
//! 1e-8 and below are reached (docs/assignment.md).

use crate::assignment::{AssignmentConfig, Column, Loader, Share};
use crate::cost::EdgeCosts;
use rayon::prelude::*;
use silkroute_model::PlaceId;

/// A route of one share with its flow, tonnes per day.
struct Route {
    column: Column,
    flow: f64,
}

/// One share of a pair's demand and the routes it uses.
struct Commodity {
    od: (PlaceId, PlaceId),
    tonnes: f64,
    routes: Vec<Route>,
}

/// What an equilibrium method leaves for the assignment's answer.
pub(crate) struct Equilibrium {
    /// Tonnes per day per edge.
    pub x: Vec<f64>,
    /// Σ tonnes × the flow-independent part of each route's cost.
    pub fixed: f64,
    pub iterations: usize,
    pub gap: f64,
    pub stranded: Vec<((PlaceId, PlaceId), f64)>,
    pub od_cost: Vec<((PlaceId, PlaceId), f64)>,
}

/// Edge surcharges kept up to date as flows move: the facility volumes, each facility's edges.
struct Costs<'a> {
    costs: &'a EdgeCosts,
    volume: Vec<f64>,
    edges_of: Vec<Vec<u32>>,
    surcharge: Vec<f64>,
}

impl<'a> Costs<'a> {
    fn new(costs: &'a EdgeCosts, x: &[f64]) -> Costs<'a> {
        let mut edges_of = vec![Vec::new(); costs.facilities];
        for (e, &f) in costs.facility.iter().enumerate() {
            edges_of[f as usize].push(e as u32);
        }
        let mut c = Costs {
            costs,
            volume: vec![0.0; costs.facilities],
            edges_of,
            surcharge: vec![0.0; x.len()],
        };
        c.reset(x);
        c
    }

    /// Volumes and surcharges recomputed from edge flows `x` (no drift from many small moves).
    fn reset(&mut self, x: &[f64]) {
        self.volume.iter_mut().for_each(|v| *v = 0.0);
        for (e, &f) in self.costs.facility.iter().enumerate() {
            self.volume[f as usize] += x[e];
        }
        for e in 0..x.len() {
            self.surcharge[e] = self
                .costs
                .surcharge(e, self.volume[self.costs.facility[e] as usize]);
        }
    }

    fn route_cost(&self, c: &Column) -> f64 {
        c.fixed
            + c.edges
                .iter()
                .map(|&e| self.surcharge[e as usize])
                .sum::<f64>()
    }

    fn derivative(&self, e: u32) -> f64 {
        let f = self.costs.facility[e as usize] as usize;
        self.costs.derivative(e as usize, self.volume[f])
    }

    /// Adds `delta` tonnes per day to edge `e` and updates its facility's surcharges.
    fn add(&mut self, x: &mut [f64], e: u32, delta: f64) {
        x[e as usize] += delta;
        let f = self.costs.facility[e as usize] as usize;
        self.volume[f] += delta;
        for &g in &self.edges_of[f] {
            self.surcharge[g as usize] = self.costs.surcharge(g as usize, self.volume[f]);
        }
    }
}

/// Gradient projection from an all-or-nothing start to `config.relative_gap` or
/// `config.max_iterations`; `progress(iteration, gap)` after every iteration.
pub(crate) fn gradient_projection(
    loader: &Loader,
    costs: &EdgeCosts,
    config: &AssignmentConfig,
    progress: &mut dyn FnMut(usize, f64),
) -> Equilibrium {
    let m = costs.facility.len();
    let origins = loader.origins();
    let find = |surcharge: &[f64]| -> Vec<Vec<Share>> {
        let prepared = loader.prepare(surcharge);
        if config.parallel {
            origins
                .par_iter()
                .map(|(o, dests)| loader.shares(&prepared, *o, dests))
                .collect()
        } else {
            origins
                .iter()
                .map(|(o, dests)| loader.shares(&prepared, *o, dests))
                .collect()
        }
    };
    // The start: every share on its cheapest route at free flow.
    let mut commodities: Vec<Commodity> = Vec::new();
    let mut x = vec![0.0; m];
    for ((o, dests), shares) in origins.iter().zip(find(&vec![0.0; m])) {
        for s in shares {
            let mut routes = Vec::new();
            if let Some(column) = s.column {
                for &e in &column.edges {
                    x[e as usize] += s.tonnes;
                }
                routes.push(Route {
                    column,
                    flow: s.tonnes,
                });
            }
            commodities.push(Commodity {
                od: (*o, dests[s.dest].0),
                tonnes: s.tonnes,
                routes,
            });
        }
    }
    let mut state = Costs::new(costs, &x);
    let mut mark = vec![0u32; m];
    let mut stamp = 0u32;
    let (mut iterations, mut gap) = (0, f64::INFINITY);
    let (mut stranded, mut od_cost) = (Vec::new(), Vec::new());
    while iterations < config.max_iterations {
        // Recompute flows from the routes: moves add and subtract, and sums drift.
        x.iter_mut().for_each(|v| *v = 0.0);
        for c in &commodities {
            for r in &c.routes {
                for &e in &r.column.edges {
                    x[e as usize] += r.flow;
                }
            }
        }
        state.reset(&x);
        let found = find(&state.surcharge);
        // The gap at the snapshot: Σ flow × route cost against Σ demand × cheapest cost.
        let total: f64 = commodities
            .iter()
            .flat_map(|c| &c.routes)
            .map(|r| r.flow * state.route_cost(&r.column))
            .sum();
        let mut cheapest = 0.0;
        let mut pair_costs: Vec<((PlaceId, PlaceId), f64, usize)> = Vec::new();
        stranded.clear();
        for (c, s) in commodities.iter().zip(found.iter().flatten()) {
            match &s.column {
                Some(col) => {
                    let cost = state.route_cost(col);
                    cheapest += c.tonnes * cost;
                    match pair_costs.last_mut() {
                        Some(p) if p.0 == c.od => {
                            p.1 += cost;
                            p.2 += 1;
                        }
                        _ => pair_costs.push((c.od, cost, 1)),
                    }
                }
                None => match stranded.last_mut() {
                    Some((od, t)) if *od == c.od => *t += c.tonnes,
                    _ => stranded.push((c.od, c.tonnes)),
                },
            }
        }
        od_cost = pair_costs
            .into_iter()
            .map(|(od, sum, n)| (od, sum / n as f64))
            .collect();
        gap = if total > 0.0 {
            ((total - cheapest) / total).max(0.0)
        } else {
            0.0
        };
        iterations += 1;
        progress(iterations, gap);
        if gap <= config.relative_gap {
            break;
        }
        // Gauss–Seidel: share by share, with the costs updated after every move.
        for (c, s) in commodities.iter_mut().zip(found.into_iter().flatten()) {
            if let Some(col) = s.column {
                if !c.routes.iter().any(|r| r.column == col) {
                    c.routes.push(Route {
                        column: col,
                        flow: 0.0,
                    });
                }
            }
            if c.routes.len() < 2 {
                continue;
            }
            equilibrate(c, &mut state, &mut x, &mut mark, &mut stamp);
        }
    }
    let fixed = commodities
        .iter()
        .flat_map(|c| &c.routes)
        .map(|r| r.flow * r.column.fixed)
        .sum();
    Equilibrium {
        x,
        fixed,
        iterations,
        gap,
        stranded,
        od_cost,
    }
}

/// One projected Newton step for one share: flow from each dearer route to the cheapest, as
/// much as the cost difference over the derivative of the routes' differing edges says (all of
/// it where no differing edge is congestible); routes left without flow are dropped.
fn equilibrate(
    c: &mut Commodity,
    state: &mut Costs,
    x: &mut [f64],
    mark: &mut [u32],
    stamp: &mut u32,
) {
    let costs: Vec<f64> = c
        .routes
        .iter()
        .map(|r| state.route_cost(&r.column))
        .collect();
    let best = (0..costs.len())
        .min_by(|&a, &b| costs[a].total_cmp(&costs[b]))
        .expect("two routes or more");
    *stamp = stamp.wrapping_add(1);
    if *stamp == 0 {
        mark.iter_mut().for_each(|v| *v = 0);
        *stamp = 1;
    }
    let on_best = *stamp;
    for &e in &c.routes[best].column.edges {
        mark[e as usize] = on_best;
    }
    for k in 0..c.routes.len() {
        if k == best || c.routes[k].flow <= 0.0 {
            continue;
        }
        // Recomputed: earlier moves of this share changed the costs.
        let best_cost = state.route_cost(&c.routes[best].column);
        let difference = state.route_cost(&c.routes[k].column) - best_cost;
        if difference <= 0.0 {
            continue;
        }
        // Σ derivatives over the edges on exactly one of the two routes.
        let mut slope: f64 = c.routes[best]
            .column
            .edges
            .iter()
            .map(|&e| state.derivative(e))
            .sum();
        for &e in &c.routes[k].column.edges {
            if mark[e as usize] == on_best {
                slope -= state.derivative(e);
            } else {
                slope += state.derivative(e);
            }
        }
        let shift = if slope > 0.0 {
            (difference / slope).min(c.routes[k].flow)
        } else {
            c.routes[k].flow
        };
        if shift <= 0.0 {
            continue;
        }
        c.routes[k].flow -= shift;
        c.routes[best].flow += shift;
        for i in 0..c.routes[k].column.edges.len() {
            let e = c.routes[k].column.edges[i];
            state.add(x, e, -shift);
        }
        for i in 0..c.routes[best].column.edges.len() {
            let e = c.routes[best].column.edges[i];
            state.add(x, e, shift);
        }
    }
    let keep_best = c.routes[best].column.clone();
    c.routes
        .retain(|r| r.flow > 1e-12 * c.tonnes.max(1.0) || r.column == keep_best);
}
