//! Cheapest routes at given congestion delays, for every share of the demand: what every
//! equilibrium method loads. On the infrastructure one Dijkstra per (origin, segment); on
//! services the timetable router from each origin at [`READY_TIMES`] ready times of the
//! reference week.
//!
//! Costs are per tonne in USD for a segment at its value of time `vot`: a route's cost is its
//! flow-independent part (money, waits, scheduled and free-flow times, the origin's boarding)
//! plus `vot ×` the congestion delay hours of its edges. The equilibrium methods work in
//! hours-equivalent (cost / vot), in which every segment sees the same delay function: the
//! multi-class problem then has a symmetric Jacobian and Beckmann's objective. Their relative
//! gaps are in USD, each segment's tonnes at their own costs.

use crate::assignment::{AssignmentConfig, READY_TIMES};
use crate::cost::EdgeCosts;
use crate::demand::Demand;
use crate::shortest::{tree, NONE};
use rayon::prelude::*;
use silkroute_graph::{EdgeKind, Graph, Instant, NodeId, Timetable};
use silkroute_model::{Cargo, Mode, Network, PlaceId};
use silkroute_route::{
    earliest_arrivals, reference_week, Carrier, Journey, JourneyStep, Objective, RouteRequest,
    Surcharges,
};
use std::collections::{BTreeMap, BTreeSet};

/// A route as path-based methods keep it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Column {
    /// Its edges, in order.
    pub edges: Vec<u32>,
    /// The part of its cost per tonne that does not depend on flow, USD.
    pub fixed_usd: f64,
    /// Per edge, the pattern that carries it ([`NO_CARRIER`] for a truck, a charter, a
    /// transfer; empty on the infrastructure).
    pub carriers: Vec<u32>,
    /// The mode of most of its kilometres: the nest it belongs to in a nested logit.
    pub main_mode: Mode,
}

impl Column {
    /// The services ridden, in order (pattern indices; none on the infrastructure).
    pub fn services(&self) -> Vec<u32> {
        let mut out: Vec<u32> = Vec::new();
        for &p in &self.carriers {
            if p != NO_CARRIER && out.last() != Some(&p) {
                out.push(p);
            }
        }
        out
    }
}

/// In [`Column::carriers`]: the edge is not ridden on a service.
pub(crate) const NO_CARRIER: u32 = u32::MAX;

/// One share of a pair's demand in one segment and its cheapest route (if any): on the
/// infrastructure one share per pair, on services one per ready time.
pub(crate) struct Share {
    /// The destination's index in its group.
    pub dest: usize,
    /// Tonnes per day of this share.
    pub tonnes: f64,
    pub column: Option<Column>,
}

/// The demand of one origin in one segment.
pub(crate) struct Group {
    pub origin: PlaceId,
    pub segment: usize,
    /// Value of time of the segment, USD per tonne-hour.
    pub vot: f64,
    /// Destinations with tonnes per day.
    pub dests: Vec<(PlaceId, f64)>,
}

/// Delays made ready for many searches, per segment: edge weights on the infrastructure, the
/// router's per-hop sums on services.
pub(crate) enum Prepared {
    Infrastructure(Vec<f64>),
    Services(Surcharges),
}

/// An all-or-nothing loading: every share on its cheapest route at given delays.
pub(crate) struct Loading {
    /// Tonnes per day per edge, per segment.
    pub by_segment: Vec<Vec<f64>>,
    /// Σ tonnes × the flow-independent cost of each route / vot (hours-equivalent).
    pub fixed_h: f64,
    /// Σ tonnes × the flow-independent cost of each route, USD per day.
    pub fixed_usd: f64,
    /// Σ tonnes × each route's whole cost at the delays it was found with, USD per day.
    pub cheapest_usd: f64,
    /// Tonnes per day without a route, per pair.
    pub stranded: Vec<((PlaceId, PlaceId), f64)>,
    /// Mean cheapest cost per tonne (over ready times) per pair and segment, with its tonnes.
    pub od_cost: Vec<((PlaceId, PlaceId, usize), f64, f64)>,
    /// Per pair and segment, the route of median cost over the ready times.
    pub routes: Vec<((PlaceId, PlaceId, usize), f64, Column)>,
}

impl Loading {
    fn empty(segments: usize, m: usize) -> Loading {
        Loading {
            by_segment: vec![vec![0.0; m]; segments],
            fixed_h: 0.0,
            fixed_usd: 0.0,
            cheapest_usd: 0.0,
            stranded: Vec::new(),
            od_cost: Vec::new(),
            routes: Vec::new(),
        }
    }

    /// Tonnes per day per edge over all segments.
    pub fn total(&self, m: usize) -> Vec<f64> {
        over_segments(m, &self.by_segment)
    }
}

/// Tonnes per day on each of `m` edges over all segments, from tonnes per edge per segment
/// (zeros when the demand has no segment: an empty demand file).
pub(crate) fn over_segments(m: usize, by_segment: &[Vec<f64>]) -> Vec<f64> {
    let mut x = vec![0.0; m];
    for s in by_segment {
        for (a, b) in x.iter_mut().zip(s) {
            *a += b;
        }
    }
    x
}

/// What the equilibrium loads: the infrastructure or the services.
pub(crate) struct Loader<'a> {
    pub net: &'a Network,
    pub graph: &'a Graph,
    pub costs: &'a EdgeCosts,
    pub config: &'a AssignmentConfig,
    /// The (origin, segment) groups of the demand.
    pub groups: Vec<Group>,
    pub segments: usize,
    /// Per segment, its value of time.
    pub vot: Vec<f64>,
    /// Usable edges (not closed).
    usable: Vec<bool>,
    /// Per mode set of a nest search, the usable edges within it.
    within: BTreeMap<Vec<Mode>, Vec<bool>>,
}

impl<'a> Loader<'a> {
    pub fn new(
        net: &'a Network,
        graph: &'a Graph,
        demand: &Demand,
        costs: &'a EdgeCosts,
        config: &'a AssignmentConfig,
    ) -> Loader<'a> {
        let m = graph.edges().len();
        let usable: Vec<bool> = if config.closed_edges.len() == m {
            config.closed_edges.iter().map(|c| !c).collect()
        } else {
            vec![true; m]
        };
        let vot: Vec<f64> = demand
            .segments
            .iter()
            .map(|s| config.cost.value_of_time(s))
            .collect();
        let groups = demand
            .groups()
            .into_iter()
            .map(|((origin, segment), dests)| Group {
                origin,
                segment,
                vot: vot[segment],
                dests,
            })
            .collect();
        let mut within = BTreeMap::new();
        for modes in nest_searches(graph) {
            let mask = graph
                .edges()
                .iter()
                .enumerate()
                .map(|(e, edge)| {
                    usable[e]
                        && modes.contains(&graph.node(edge.tail).layer.mode)
                        && modes.contains(&graph.node(edge.head).layer.mode)
                })
                .collect();
            within.insert(modes, mask);
        }
        Loader {
            net,
            graph,
            costs,
            config,
            groups,
            segments: demand.segments.len(),
            vot,
            usable,
            within,
        }
    }

    /// The mode sets searched for the nests of a nested logit: each mode alone.
    pub fn nest_searches(&self) -> Vec<Vec<Mode>> {
        self.within.keys().cloned().collect()
    }

    /// The delays (hours per edge) made ready for each segment's searches.
    pub fn prepare(&self, delay_h: &[f64]) -> Vec<Prepared> {
        self.vot
            .iter()
            .map(|&vot| match &self.config.services {
                None => Prepared::Infrastructure(
                    (0..delay_h.len())
                        .map(|e| self.costs.base(e, vot) + vot * delay_h[e])
                        .collect(),
                ),
                Some(tt) => Prepared::Services(Surcharges::new(
                    self.graph,
                    tt,
                    (0..delay_h.len())
                        .map(|e| {
                            if self.usable[e] {
                                vot * delay_h[e]
                            } else {
                                f64::INFINITY
                            }
                        })
                        .collect(),
                )),
            })
            .collect()
    }

    /// The shares of `group` (per destination in its order; on services [`READY_TIMES`] per
    /// destination) with their cheapest routes, using only `modes` when given.
    pub fn shares(
        &self,
        prepared: &[Prepared],
        group: &Group,
        modes: Option<&[Mode]>,
    ) -> Vec<Share> {
        match &prepared[group.segment] {
            Prepared::Infrastructure(weights) => {
                let usable = match modes {
                    Some(ms) => &self.within[ms],
                    None => &self.usable,
                };
                let t = tree(
                    self.graph,
                    group.origin,
                    |v: NodeId| group.vot * self.graph.node(v).board_wait.p50_h,
                    weights,
                    usable,
                );
                group
                    .dests
                    .iter()
                    .enumerate()
                    .map(|(k, &(d, tonnes))| Share {
                        dest: k,
                        tonnes,
                        column: t.best_node(self.graph, d).map(|node| {
                            let mut edges = Vec::new();
                            let mut v = node;
                            while t.pred_edge[v.index()] != NONE {
                                let e = t.pred_edge[v.index()];
                                edges.push(e);
                                v = self.graph.edges()[e as usize].tail;
                            }
                            edges.reverse();
                            let fixed_usd = group.vot * self.graph.node(v).board_wait.p50_h
                                + edges
                                    .iter()
                                    .map(|&e| self.costs.base(e as usize, group.vot))
                                    .sum::<f64>();
                            self.column(edges, fixed_usd, Vec::new())
                        }),
                    })
                    .collect()
            }
            Prepared::Services(surcharges) => {
                let tt = self.config.services.as_ref().expect("services prepared");
                let share = 1.0 / READY_TIMES as f64;
                let found = self.journeys(tt, surcharges, group, modes);
                let mut out = Vec::with_capacity(group.dests.len() * READY_TIMES);
                for (k, &(_, tonnes)) in group.dests.iter().enumerate() {
                    for ready in 0..READY_TIMES {
                        let column = found.get(ready).and_then(|js| js[k].as_ref()).map(|j| {
                            let (mut edges, mut carriers) = (Vec::new(), Vec::new());
                            for s in &j.steps {
                                if let JourneyStep::Edge { edge, carrier, .. } = s {
                                    edges.push(*edge);
                                    carriers.push(match carrier {
                                        Carrier::Service(p) => *p,
                                        _ => NO_CARRIER,
                                    });
                                }
                            }
                            let on_edges: f64 =
                                edges.iter().map(|&e| surcharges.edge(e as usize)).sum();
                            self.column(edges, j.weight - on_edges, carriers)
                        });
                        out.push(Share {
                            dest: k,
                            tonnes: tonnes * share,
                            column,
                        });
                    }
                }
                out
            }
        }
    }

    fn column(&self, edges: Vec<u32>, fixed_usd: f64, carriers: Vec<u32>) -> Column {
        let mut km = [0.0f64; Mode::ALL.len()];
        for &e in &edges {
            let edge = &self.graph.edges()[e as usize];
            if matches!(edge.kind(), EdgeKind::Run(_) | EdgeKind::Border { .. }) {
                let mode = self.graph.node(edge.head).layer.mode;
                if let Some(i) = Mode::ALL.iter().position(|&m| m == mode) {
                    km[i] += edge.distance_km;
                }
            }
        }
        let main_mode = (0..km.len())
            .filter(|&i| km[i] > 0.0)
            .max_by(|&a, &b| km[a].total_cmp(&km[b]))
            .map_or(Mode::Road, |i| Mode::ALL[i]);
        Column {
            edges,
            fixed_usd,
            carriers,
            main_mode,
        }
    }

    /// The cheapest journeys of one tonne of `group` to each of its destinations, per ready
    /// time of the reference week (none when the origin has no reference week).
    fn journeys(
        &self,
        tt: &Timetable,
        surcharges: &Surcharges,
        group: &Group,
        modes: Option<&[Mode]>,
    ) -> Vec<Vec<Option<Journey>>> {
        let objective = Objective::Balanced {
            value_of_time_usd_per_h: group.vot,
        };
        let mut req = RouteRequest::new(group.origin, group.origin, objective);
        req.cargo = Cargo::tonnes(1.0);
        if let Some(ms) = modes {
            req.modes = ms.iter().copied().collect::<BTreeSet<Mode>>();
        }
        let targets: Vec<PlaceId> = group.dests.iter().map(|d| d.0).collect();
        let Ok((_, start)) = reference_week(self.net, group.origin, None) else {
            return Vec::new();
        };
        let step = 7 * 24 * 3600 / READY_TIMES as Instant;
        (0..READY_TIMES as Instant)
            .map(|k| {
                let ready = start + k * step + step / 2;
                earliest_arrivals(
                    self.net,
                    self.graph,
                    tt,
                    &req,
                    ready,
                    &targets,
                    Some(surcharges),
                )
            })
            .collect()
    }

    /// The shares of every group at `delay_h`, groups in parallel when configured, in the order
    /// of `self.groups`.
    pub fn all_shares(&self, delay_h: &[f64], modes: Option<&[Mode]>) -> Vec<Vec<Share>> {
        let prepared = self.prepare(delay_h);
        if self.config.parallel {
            self.groups
                .par_iter()
                .map(|g| self.shares(&prepared, g, modes))
                .collect()
        } else {
            self.groups
                .iter()
                .map(|g| self.shares(&prepared, g, modes))
                .collect()
        }
    }

    /// Every share on its cheapest route at `delay_h`; with `want_routes`, the route of every
    /// pair and segment too.
    pub fn load(&self, delay_h: &[f64], want_routes: bool) -> Loading {
        if self.config.services.is_none() && !want_routes {
            return self.load_trees(delay_h);
        }
        let m = self.graph.edges().len();
        let mut out = Loading::empty(self.segments, m);
        // Summed in group order, so results do not depend on thread scheduling.
        for (g, shares) in self.groups.iter().zip(self.all_shares(delay_h, None)) {
            let mut per_dest: Vec<Vec<(f64, Column)>> = vec![Vec::new(); g.dests.len()];
            for s in shares {
                let Some(c) = s.column else {
                    let od = (g.origin, g.dests[s.dest].0);
                    match out.stranded.last_mut() {
                        Some((p, t)) if *p == od => *t += s.tonnes,
                        _ => out.stranded.push((od, s.tonnes)),
                    }
                    continue;
                };
                let delay: f64 = c.edges.iter().map(|&e| delay_h[e as usize]).sum();
                let x = &mut out.by_segment[g.segment];
                for &e in &c.edges {
                    x[e as usize] += s.tonnes;
                }
                out.fixed_usd += s.tonnes * c.fixed_usd;
                out.fixed_h += s.tonnes * c.fixed_usd / g.vot;
                out.cheapest_usd += s.tonnes * (c.fixed_usd + g.vot * delay);
                per_dest[s.dest].push((c.fixed_usd + g.vot * delay, c));
            }
            for ((d, tonnes), mut found) in g.dests.iter().zip(per_dest) {
                if found.is_empty() {
                    continue;
                }
                let key = (g.origin, *d, g.segment);
                let mean = found.iter().map(|f| f.0).sum::<f64>() / found.len() as f64;
                out.od_cost.push((key, mean, *tonnes));
                found.sort_by(|a, b| a.0.total_cmp(&b.0));
                let median = found.swap_remove(found.len() / 2).1;
                out.routes.push((key, mean, median));
            }
        }
        out
    }
}

impl Loader<'_> {
    /// [`Loader::load`] on the infrastructure without routes: each group's shortest-path tree
    /// loaded by walking back from every destination (no route is kept), groups in parallel,
    /// summed in group order.
    fn load_trees(&self, delay_h: &[f64]) -> Loading {
        let m = self.graph.edges().len();
        let prepared = self.prepare(delay_h);
        let one = |g: &Group| {
            let Prepared::Infrastructure(weights) = &prepared[g.segment] else {
                unreachable!("the infrastructure prepares weights")
            };
            let t = tree(
                self.graph,
                g.origin,
                |v: NodeId| g.vot * self.graph.node(v).board_wait.p50_h,
                weights,
                &self.usable,
            );
            let mut x = vec![0.0; m];
            let (mut fixed_usd, mut cheapest_usd) = (0.0, 0.0);
            let mut od_cost = Vec::new();
            let mut stranded = Vec::new();
            for &(d, tonnes) in &g.dests {
                let Some(node) = t.best_node(self.graph, d) else {
                    stranded.push(((g.origin, d), tonnes));
                    continue;
                };
                let mut delay = 0.0;
                let mut v = node;
                while t.pred_edge[v.index()] != NONE {
                    let e = t.pred_edge[v.index()] as usize;
                    x[e] += tonnes;
                    delay += delay_h[e];
                    v = self.graph.edges()[e].tail;
                }
                let cost = t.dist[node.index()];
                fixed_usd += tonnes * (cost - g.vot * delay);
                cheapest_usd += tonnes * cost;
                od_cost.push(((g.origin, d, g.segment), cost, tonnes));
            }
            (x, fixed_usd, cheapest_usd, od_cost, stranded)
        };
        let parts: Vec<_> = if self.config.parallel {
            self.groups.par_iter().map(one).collect()
        } else {
            self.groups.iter().map(one).collect()
        };
        let mut out = Loading::empty(self.segments, m);
        for (g, (x, fixed_usd, cheapest_usd, od_cost, stranded)) in self.groups.iter().zip(parts) {
            for (a, b) in out.by_segment[g.segment].iter_mut().zip(x) {
                *a += b;
            }
            out.fixed_usd += fixed_usd;
            out.fixed_h += fixed_usd / g.vot;
            out.cheapest_usd += cheapest_usd;
            out.od_cost.extend(od_cost);
            out.stranded.extend(stranded);
        }
        out
    }
}

/// The mode sets of the nest searches on `graph`: each of its modes alone (a route of one
/// mode from end to end; routes that combine modes come from the search over all modes).
fn nest_searches(graph: &Graph) -> Vec<Vec<Mode>> {
    let modes: BTreeSet<Mode> = graph.nodes().iter().map(|n| n.layer.mode).collect();
    modes.into_iter().map(|m| vec![m]).collect()
}
