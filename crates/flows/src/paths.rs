//! Path-based equilibria: every share of a pair's demand keeps the routes it uses (columns)
//! with their flows.
//!
//! - [`gradient_projection`]: the least-cost user equilibrium by gradient projection
//!   (Jayakrishnan, Tsai, Prashker & Rajadhyaksha, "A faster path-based algorithm for traffic
//!   assignment", Transportation Research Record 1443, 1994). Each iteration finds every share's
//!   cheapest route at the current costs (groups in parallel, from one snapshot of the costs),
//!   adds it to the share's columns if new, and then, share by share and with the costs updated
//!   after every move (Gauss–Seidel), moves flow from each dearer route to the cheapest by a
//!   Newton step: the cost difference over the sum of the delay derivatives of the edges the two
//!   routes do not share. Frank–Wolfe moves all pairs towards one all-or-nothing loading and
//!   stalls near the equilibrium; a per-pair Newton step keeps converging, so gaps of 1e-8 and
//!   below are reached.
//! - [`nested_logit`]: the stochastic user equilibrium of a nested logit over modes and routes by
//!   the method of successive averages on route flows.
//!
//! Costs are compared in hours-equivalent (USD / the segment's value of time).

use crate::assignment::{AssignmentConfig, Choice};
use crate::cost::EdgeCosts;
use crate::loading::{Column, Loader, Share, NO_CARRIER};
use silkroute_model::{Mode, PlaceId};
use std::collections::BTreeMap;

/// A route of one share with its flow, tonnes per day.
struct Route {
    column: Column,
    flow: f64,
}

/// One share of a pair's demand in one segment and the routes it uses.
struct Commodity {
    od: (PlaceId, PlaceId),
    segment: usize,
    vot: f64,
    tonnes: f64,
    routes: Vec<Route>,
}

impl Commodity {
    /// Adds `column` to the routes (with no flow) unless a route with its edges and carriers is
    /// there (found again at other delays, its flow-independent cost may differ in the last
    /// bits); its index.
    fn offer(&mut self, column: Column) -> usize {
        match self
            .routes
            .iter()
            .position(|r| r.column.edges == column.edges && r.column.carriers == column.carriers)
        {
            Some(k) => k,
            None => {
                self.routes.push(Route { column, flow: 0.0 });
                self.routes.len() - 1
            }
        }
    }
}

/// What an equilibrium method leaves for the assignment's answer.
pub(crate) struct Equilibrium {
    /// Tonnes per day per edge, per segment.
    pub by_segment: Vec<Vec<f64>>,
    /// Σ tonnes × the flow-independent part of each route's cost, USD per day.
    pub fixed_usd: f64,
    pub iterations: usize,
    pub gap: f64,
    /// Tonnes per day that found no route, per pair.
    pub stranded: Vec<((PlaceId, PlaceId), f64)>,
    /// Tonnes per day ridden on each (pattern, edge), when the method keeps route flows (the
    /// path-based ones); `None` for the Frank–Wolfe variants.
    pub rides: Option<BTreeMap<(u32, u32), f64>>,
}

/// Edge delays kept up to date as flows move: the facility volumes, each facility's edges.
struct Delays<'a> {
    costs: &'a EdgeCosts,
    volume: Vec<f64>,
    edges_of: Vec<Vec<u32>>,
    delay_h: Vec<f64>,
}

impl<'a> Delays<'a> {
    fn new(costs: &'a EdgeCosts) -> Delays<'a> {
        let m = costs.facility.len();
        let mut edges_of = vec![Vec::new(); costs.facilities];
        for (e, &f) in costs.facility.iter().enumerate() {
            edges_of[f as usize].push(e as u32);
        }
        Delays {
            costs,
            volume: vec![0.0; costs.facilities],
            edges_of,
            delay_h: vec![0.0; m],
        }
    }

    /// Edge flows, volumes and delays recomputed from the routes (no drift from many small
    /// moves); returns the edge flows.
    fn reset(&mut self, commodities: &[Commodity]) -> Vec<f64> {
        let mut x = vec![0.0; self.delay_h.len()];
        for c in commodities {
            for r in &c.routes {
                for &e in &r.column.edges {
                    x[e as usize] += r.flow;
                }
            }
        }
        self.volume.iter_mut().for_each(|v| *v = 0.0);
        for (e, &f) in self.costs.facility.iter().enumerate() {
            self.volume[f as usize] += x[e];
        }
        for e in 0..x.len() {
            self.delay_h[e] = self
                .costs
                .delay_h(e, self.volume[self.costs.facility[e] as usize]);
        }
        x
    }

    /// The route's cost per tonne in hours-equivalent at value of time `vot`.
    fn cost_h(&self, c: &Column, vot: f64) -> f64 {
        c.fixed_usd / vot
            + c.edges
                .iter()
                .map(|&e| self.delay_h[e as usize])
                .sum::<f64>()
    }

    fn slope(&self, e: u32) -> f64 {
        let f = self.costs.facility[e as usize] as usize;
        self.costs.delay_slope(e as usize, self.volume[f])
    }

    /// Adds `delta` tonnes per day to edge `e`'s facility and updates its delays.
    fn add(&mut self, e: u32, delta: f64) {
        let f = self.costs.facility[e as usize] as usize;
        self.volume[f] += delta;
        for &g in &self.edges_of[f] {
            self.delay_h[g as usize] = self.costs.delay_h(g as usize, self.volume[f]);
        }
    }
}

/// Every share of the demand as a commodity, routed on its cheapest route at free flow (or none).
fn start(loader: &Loader, found: Vec<Vec<Share>>) -> Vec<Commodity> {
    let mut out = Vec::new();
    for (g, shares) in loader.groups.iter().zip(found) {
        for s in shares {
            let mut c = Commodity {
                od: (g.origin, g.dests[s.dest].0),
                segment: g.segment,
                vot: g.vot,
                tonnes: s.tonnes,
                routes: Vec::new(),
            };
            if let Some(column) = s.column {
                c.routes.push(Route {
                    column,
                    flow: s.tonnes,
                });
            }
            out.push(c);
        }
    }
    out
}

/// The answer's pieces from the commodities' route flows.
fn finish(loader: &Loader, commodities: &[Commodity], iterations: usize, gap: f64) -> Equilibrium {
    let m = loader.graph.edges().len();
    let mut by_segment = vec![vec![0.0; m]; loader.segments];
    let mut fixed_usd = 0.0;
    let mut stranded: Vec<((PlaceId, PlaceId), f64)> = Vec::new();
    let mut rides: BTreeMap<(u32, u32), f64> = BTreeMap::new();
    for c in commodities {
        if c.routes.is_empty() {
            match stranded.last_mut() {
                Some((od, t)) if *od == c.od => *t += c.tonnes,
                _ => stranded.push((c.od, c.tonnes)),
            }
        }
        for r in &c.routes {
            fixed_usd += r.flow * r.column.fixed_usd;
            for &e in &r.column.edges {
                by_segment[c.segment][e as usize] += r.flow;
            }
            for (&e, &p) in r.column.edges.iter().zip(&r.column.carriers) {
                if p != NO_CARRIER {
                    *rides.entry((p, e)).or_insert(0.0) += r.flow;
                }
            }
        }
    }
    Equilibrium {
        by_segment,
        fixed_usd,
        iterations,
        gap,
        stranded,
        rides: Some(rides),
    }
}

/// Gradient projection from an all-or-nothing start to `config.relative_gap` or
/// `config.max_iterations`; `progress(iteration, gap)` after every iteration.
pub(crate) fn gradient_projection(
    loader: &Loader,
    config: &AssignmentConfig,
    progress: &mut dyn FnMut(usize, f64),
) -> Equilibrium {
    let m = loader.graph.edges().len();
    let mut commodities = start(loader, loader.all_shares(&vec![0.0; m], None));
    let mut delays = Delays::new(loader.costs);
    let mut mark = vec![0u32; m];
    let mut stamp = 0u32;
    let (mut iterations, mut gap) = (0, f64::INFINITY);
    while iterations < config.max_iterations {
        delays.reset(&commodities);
        let found = loader.all_shares(&delays.delay_h, None);
        // The gap at the snapshot, in USD: Σ flow × route cost against Σ demand × cheapest cost.
        let mut total = 0.0;
        let mut cheapest = 0.0;
        for (c, s) in commodities.iter().zip(found.iter().flatten()) {
            for r in &c.routes {
                total += r.flow * c.vot * delays.cost_h(&r.column, c.vot);
            }
            if let Some(col) = &s.column {
                cheapest += c.tonnes * c.vot * delays.cost_h(col, c.vot);
            }
        }
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
        // Gauss–Seidel: share by share, with the delays updated after every move.
        for (c, s) in commodities.iter_mut().zip(found.into_iter().flatten()) {
            if let Some(col) = s.column {
                c.offer(col);
            }
            if c.routes.len() >= 2 {
                equilibrate(c, &mut delays, &mut mark, &mut stamp);
            }
        }
    }
    finish(loader, &commodities, iterations, gap)
}

/// One projected Newton step for one share: flow from each dearer route to the cheapest, as
/// much as the cost difference over the delay derivative of the routes' differing edges says
/// (all of it where no differing edge is congestible); routes left without flow are dropped.
fn equilibrate(c: &mut Commodity, delays: &mut Delays, mark: &mut [u32], stamp: &mut u32) {
    let best = (0..c.routes.len())
        .min_by(|&a, &b| {
            delays
                .cost_h(&c.routes[a].column, c.vot)
                .total_cmp(&delays.cost_h(&c.routes[b].column, c.vot))
        })
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
        // Recomputed: earlier moves of this share changed the delays.
        let difference = delays.cost_h(&c.routes[k].column, c.vot)
            - delays.cost_h(&c.routes[best].column, c.vot);
        if difference <= 0.0 {
            continue;
        }
        // Σ derivatives over the edges on exactly one of the two routes.
        let mut slope: f64 = c.routes[best]
            .column
            .edges
            .iter()
            .map(|&e| delays.slope(e))
            .sum();
        for &e in &c.routes[k].column.edges {
            if mark[e as usize] == on_best {
                slope -= delays.slope(e);
            } else {
                slope += delays.slope(e);
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
            delays.add(c.routes[k].column.edges[i], -shift);
        }
        for i in 0..c.routes[best].column.edges.len() {
            delays.add(c.routes[best].column.edges[i], shift);
        }
    }
    let floor = 1e-12 * c.tonnes.max(1.0);
    let mut k = 0;
    c.routes.retain(|r| {
        let keep = r.flow > floor || k == best;
        k += 1;
        keep
    });
}

/// Iterations at which the nested logit looks for new routes: the first four, the powers of two
/// and then every 32nd. In between, only the route flows move (no search), which is cheap.
fn searches_at(iteration: usize) -> bool {
    iteration <= 4 || iteration.is_power_of_two() || iteration % 32 == 0
}

/// Iterations at which the searches include the cheapest route of each mode alone (the others
/// search over all modes only): the first four and the powers of two.
fn searches_each_mode_at(iteration: usize) -> bool {
    iteration <= 4 || iteration.is_power_of_two()
}

/// The nested logit's stochastic user equilibrium by the method of successive averages: at
/// iteration n every share's route flows move 1/n of the way to the logit shares at the current
/// costs, over the routes found so far (the cheapest route overall, and the cheapest of each
/// mode alone; see [`searches_at`] and [`searches_each_mode_at`]). Stops when the relative change `Σ |target − flow| / Σ demand` is at
/// most `config.relative_gap`.
pub(crate) fn nested_logit(
    loader: &Loader,
    config: &AssignmentConfig,
    progress: &mut dyn FnMut(usize, f64),
) -> Equilibrium {
    let Choice::NestedLogit { dispersion, nest } = config.choice else {
        unreachable!("nested_logit is called for a logit choice")
    };
    let m = loader.graph.edges().len();
    let mut commodities = start(loader, loader.all_shares(&vec![0.0; m], None));
    let mut delays = Delays::new(loader.costs);
    let nests = loader.nest_searches();
    let (mut iterations, mut gap) = (0, f64::INFINITY);
    let demand: f64 = commodities.iter().map(|c| c.tonnes).sum();
    let mut target = Vec::new();
    while iterations < config.max_iterations {
        iterations += 1;
        delays.reset(&commodities);
        if searches_at(iterations) {
            let each_mode = if searches_each_mode_at(iterations) {
                &nests[..]
            } else {
                &[]
            };
            for modes in std::iter::once(None).chain(each_mode.iter().map(|n| Some(&n[..]))) {
                let found = loader.all_shares(&delays.delay_h, modes);
                for (c, s) in commodities.iter_mut().zip(found.into_iter().flatten()) {
                    if let Some(col) = s.column {
                        c.offer(col);
                    }
                }
            }
        }
        let mut change = 0.0;
        for c in commodities.iter_mut() {
            if c.routes.is_empty() {
                continue;
            }
            logit_shares(c, &delays, dispersion, nest, &mut target);
            let step = 1.0 / iterations as f64;
            for (r, p) in c.routes.iter_mut().zip(&target) {
                let y = c.tonnes * p;
                change += (y - r.flow).abs();
                r.flow += step * (y - r.flow);
            }
        }
        gap = if demand > 0.0 { change / demand } else { 0.0 };
        progress(iterations, gap);
        if gap <= config.relative_gap && !searches_at(iterations + 1) || gap == 0.0 {
            break;
        }
    }
    finish(loader, &commodities, iterations, gap)
}

/// The nested logit's probabilities of a share's routes at the current costs (in `out`, in the
/// order of `c.routes`): utility `V = −dispersion × ln(cost) + ln(path size)`, routes grouped
/// in nests by main mode, `P(route | nest) = exp(V / nest) / Σ_nest exp(V / nest)`, nest logsum
/// `I = ln Σ_nest exp(V / nest)`, `P(nest) = exp(nest × I) / Σ exp(nest × I)`. Computed from
/// the maximum down, so that no exponential overflows.
fn logit_shares(c: &Commodity, delays: &Delays, dispersion: f64, nest: f64, out: &mut Vec<f64>) {
    out.clear();
    let size = path_sizes(c, &delays.costs.distance_km);
    let v: Vec<f64> = c
        .routes
        .iter()
        .zip(&size)
        .map(|(r, ps)| -dispersion * delays.cost_h(&r.column, c.vot).max(1e-12).ln() + ps.ln())
        .collect();
    let mut modes: Vec<Mode> = c.routes.iter().map(|r| r.column.main_mode).collect();
    modes.sort();
    modes.dedup();
    // Per nest: its largest V / nest and Σ exp(V / nest − that).
    let within: Vec<(f64, f64)> = modes
        .iter()
        .map(|&mode| {
            let top = c
                .routes
                .iter()
                .zip(&v)
                .filter(|(r, _)| r.column.main_mode == mode)
                .map(|(_, v)| v / nest)
                .fold(f64::NEG_INFINITY, f64::max);
            let sum = c
                .routes
                .iter()
                .zip(&v)
                .filter(|(r, _)| r.column.main_mode == mode)
                .map(|(_, v)| (v / nest - top).exp())
                .sum::<f64>();
            (top, sum)
        })
        .collect();
    // nest × logsum of each nest
    let scaled: Vec<f64> = within
        .iter()
        .map(|(top, sum)| nest * (top + sum.ln()))
        .collect();
    let top = scaled.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let denominator: f64 = scaled.iter().map(|s| (s - top).exp()).sum();
    for (r, v) in c.routes.iter().zip(&v) {
        let n = modes
            .iter()
            .position(|&m| m == r.column.main_mode)
            .expect("every route's mode is a nest");
        let p_nest = (scaled[n] - top).exp() / denominator;
        let p_within = (v / nest - within[n].0).exp() / within[n].1;
        out.push(p_nest * p_within);
    }
}

/// The path size of each of a share's routes (Ben-Akiva & Bierlaire 1999, "Discrete choice
/// methods and their applications to short term travel decisions"): `Σ_e∈route (km_e / km_route)
/// / (routes using e)`. 1 for a route that shares no kilometre with the others, 1/n for n routes
/// over the same track (the same train line ridden by different services), so that overlapping
/// routes do not count as independent alternatives; 1 for a route without kilometres.
fn path_sizes(c: &Commodity, distance_km: &[f64]) -> Vec<f64> {
    let mut using: std::collections::HashMap<u32, u32> = std::collections::HashMap::new();
    for r in &c.routes {
        let mut edges = r.column.edges.clone();
        edges.sort_unstable();
        edges.dedup();
        for e in edges {
            *using.entry(e).or_insert(0) += 1;
        }
    }
    c.routes
        .iter()
        .map(|r| {
            let km: f64 = r
                .column
                .edges
                .iter()
                .map(|&e| distance_km[e as usize])
                .sum();
            if km <= 0.0 {
                return 1.0;
            }
            r.column
                .edges
                .iter()
                .map(|&e| distance_km[e as usize] / km / using[&e] as f64)
                .sum()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn column(edge: u32, fixed_usd: f64, main_mode: Mode) -> Column {
        Column {
            edges: vec![edge],
            fixed_usd,
            carriers: Vec::new(),
            main_mode,
        }
    }

    /// Three uncongested edges of the given lengths.
    fn free_edges(distance_km: Vec<f64>) -> EdgeCosts {
        EdgeCosts {
            money_usd: vec![0.0; 3],
            wait_h: vec![0.0; 3],
            free_hours: vec![0.0; 3],
            distance_km,
            capacity: vec![f64::INFINITY; 3],
            facility: vec![0, 1, 2],
            facilities: 3,
            alpha: 0.15,
            beta: 4.0,
            volume_delay: crate::cost::VolumeDelay::Bpr,
        }
    }

    /// Three routes of fixed cost, two by road (10 and 12) and one by rail (11): the nested
    /// logit's closed form.
    #[test]
    fn nested_logit_shares_match_the_closed_form() {
        let costs = free_edges(vec![1.0; 3]);
        let delays = Delays::new(&costs);
        let c = Commodity {
            od: (PlaceId(0), PlaceId(1)),
            segment: 0,
            vot: 2.0,
            tonnes: 1.0,
            routes: vec![
                Route {
                    column: column(0, 20.0, Mode::Road),
                    flow: 1.0,
                },
                Route {
                    column: column(1, 24.0, Mode::Road),
                    flow: 0.0,
                },
                Route {
                    column: column(2, 22.0, Mode::Rail),
                    flow: 0.0,
                },
            ],
        };
        let (beta, nest) = (3.4_f64, 0.5_f64);
        let mut p = Vec::new();
        logit_shares(&c, &delays, beta, nest, &mut p);
        // in hours-equivalent the costs are 10, 12 and 11
        let e = |cost: f64| cost.powf(-beta / nest);
        let road_sum = e(10.0) + e(12.0);
        let (road, rail) = (road_sum.powf(nest), e(11.0).powf(nest));
        let p_road = road / (road + rail);
        let expected = [
            p_road * e(10.0) / road_sum,
            p_road * e(12.0) / road_sum,
            1.0 - p_road,
        ];
        for (got, want) in p.iter().zip(expected) {
            assert!((got - want).abs() < 1e-12, "{got} vs {want}");
        }
        // A nest coefficient of 1 is a multinomial logit over the three routes.
        logit_shares(&c, &delays, beta, 1.0, &mut p);
        let all = 10f64.powf(-beta) + 12f64.powf(-beta) + 11f64.powf(-beta);
        assert!((p[0] - 10f64.powf(-beta) / all).abs() < 1e-12);
    }

    /// Two routes over the same track (ridden by different services) and one of its own, all
    /// at the same cost: the path size halves each of the two, so the shares are 1/4, 1/4, 1/2
    /// instead of a third each.
    #[test]
    fn routes_over_the_same_track_share_one_route_s_weight() {
        let costs = free_edges(vec![100.0, 300.0, 400.0]);
        let delays = Delays::new(&costs);
        let track = |service: u32| Column {
            edges: vec![0, 1],
            fixed_usd: 20.0,
            carriers: vec![service, service],
            main_mode: Mode::Rail,
        };
        let c = Commodity {
            od: (PlaceId(0), PlaceId(1)),
            segment: 0,
            vot: 1.0,
            tonnes: 1.0,
            routes: vec![
                Route {
                    column: track(0),
                    flow: 1.0,
                },
                Route {
                    column: track(1),
                    flow: 0.0,
                },
                Route {
                    column: column(2, 20.0, Mode::Rail),
                    flow: 0.0,
                },
            ],
        };
        let mut p = Vec::new();
        logit_shares(&c, &delays, 3.4, 1.0, &mut p);
        for (got, want) in p.iter().zip([0.25, 0.25, 0.5]) {
            assert!((got - want).abs() < 1e-12, "{p:?}");
        }
    }
}
