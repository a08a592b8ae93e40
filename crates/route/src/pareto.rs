//! Pareto menus: every non-dominated itinerary over (p50 time, cost, CO2e[, p90 time]).
//!
//! Multi-criteria label setting (Martins' algorithm) over the same (via-phase, node) states as
//! the single-criterion search. Labels are popped in lexicographic order of their criteria
//! vectors, so a popped label is never improved upon. With `epsilon > 0` a new label is
//! discarded when an existing label at its state (or at the destination) is within a factor
//! `1 + epsilon` of it on every criterion; labels are only *removed* from a state's bag under
//! exact dominance, so the menu is an epsilon-cover of the true Pareto set: every Pareto-optimal
//! itinerary has one in the menu no worse than `(1 + epsilon)` times it on every criterion
//! (before the `cap` is applied).

use crate::itinerary::Itinerary;
use crate::search::{check_request, no_route_error, RouteError, RouteRequest, Step};
use silkroute_graph::{Graph, NodeId};
use silkroute_model::{Costs, Criterion, Network};
use std::cmp::Ordering;
use std::collections::BinaryHeap;

/// A Pareto question: the route request (its objective is ignored) and the menu settings.
#[derive(Debug, Clone)]
pub struct ParetoRequest {
    /// Origin, destination, filters and cargo.
    pub route: RouteRequest,
    /// The criteria, 2 to 4 of them.
    pub criteria: Vec<Criterion>,
    /// Relative tolerance of dominance (0.01 = options within 1 % on every criterion count as
    /// the same).
    pub epsilon: f64,
    /// Most itineraries to return (the best per criterion are always kept).
    pub cap: usize,
    /// A deadline, hours: each option gets the odds of making it.
    pub deadline_h: Option<f64>,
}

impl ParetoRequest {
    /// Default criteria (p50 time, cost, CO2e), epsilon 0.01 and a cap of 8.
    pub fn new(route: RouteRequest) -> ParetoRequest {
        ParetoRequest {
            route,
            criteria: vec![Criterion::Time, Criterion::Cost, Criterion::Co2],
            epsilon: 0.01,
            cap: 8,
            deadline_h: None,
        }
    }
}

const MAX_CRITERIA: usize = 4;
type Vector = [f64; MAX_CRITERIA];

#[derive(Clone)]
struct Label {
    state: u32,
    cost: Vector,
    prev: Option<u32>,
    step: Step,
    alive: bool,
}

#[derive(PartialEq)]
struct Item {
    cost: Vector,
    label: u32,
}

impl Eq for Item {}

impl Ord for Item {
    fn cmp(&self, other: &Self) -> Ordering {
        for i in 0..MAX_CRITERIA {
            match other.cost[i].total_cmp(&self.cost[i]) {
                Ordering::Equal => continue,
                o => return o,
            }
        }
        other.label.cmp(&self.label)
    }
}

impl PartialOrd for Item {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// The labels of a search, each state's bag of non-dominated labels, the labels that reached
/// the destination, and the queue.
struct Bags {
    labels: Vec<Label>,
    bags: Vec<Vec<u32>>,
    at_target: Vec<u32>,
    heap: BinaryHeap<Item>,
    epsilon: f64,
}

impl Bags {
    fn new(states: usize, epsilon: f64) -> Bags {
        Bags {
            labels: Vec::new(),
            bags: vec![Vec::new(); states],
            at_target: Vec::new(),
            heap: BinaryHeap::new(),
            epsilon,
        }
    }

    /// Adds `lab` unless a label at its state or at the destination covers it (within
    /// epsilon); removes the labels of its state it dominates exactly, and queues it.
    fn push(&mut self, lab: Label) {
        let s = lab.state as usize;
        let labels = &mut self.labels;
        let dominated = self.bags[s].iter().chain(self.at_target.iter()).any(|&o| {
            labels[o as usize].alive && covers(&labels[o as usize].cost, &lab.cost, self.epsilon)
        });
        if dominated {
            return;
        }
        for &o in &self.bags[s] {
            let other = &mut labels[o as usize];
            if other.alive && covers(&lab.cost, &other.cost, 0.0) {
                other.alive = false;
            }
        }
        let id = labels.len() as u32;
        self.bags[s].retain(|&o| labels[o as usize].alive);
        self.bags[s].push(id);
        self.heap.push(Item {
            cost: lab.cost,
            label: id,
        });
        labels.push(lab);
    }
}

/// `a` dominates `b` within a factor `1 + eps` on every criterion.
fn covers(a: &Vector, b: &Vector, eps: f64) -> bool {
    a.iter().zip(b).all(|(x, y)| *x <= y * (1.0 + eps) + 1e-9)
}

/// The Pareto menu for `req`, each option with its time distribution, fastest first by the
/// p50 of the total. Errors as [`crate::route`] does.
pub fn pareto(
    net: &Network,
    graph: &Graph,
    req: &ParetoRequest,
) -> Result<Vec<Itinerary>, RouteError> {
    if req.criteria.is_empty() || req.criteria.len() > MAX_CRITERIA {
        return Err(RouteError::Contradiction(
            "a Pareto menu needs 1 to 4 criteria".into(),
        ));
    }
    let r = &req.route;
    check_request(net, r)?;
    let n = graph.nodes().len();
    let phases = r.via.len() + 1;
    let k = req.criteria.len();
    let vector = |costs: Costs| {
        let mut v = [0.0; MAX_CRITERIA];
        for (i, c) in req.criteria.iter().enumerate() {
            v[i] = costs.get(*c);
        }
        v
    };
    let allowed = |node: NodeId| {
        let nd = graph.node(node);
        (r.modes.is_empty() || r.modes.contains(&nd.layer.mode))
            && !r.avoid_places.contains(&nd.place)
            && (r.avoid_countries.is_empty()
                || !r.avoid_countries.contains(&net.place(nd.place).country))
    };
    let is_target = |state: usize| {
        let nd = graph.node(NodeId((state % n) as u32));
        state / n == phases - 1 && nd.place == r.to && !nd.international
    };
    let mut bags = Bags::new(n * phases, req.epsilon);
    for &v in graph.place_nodes(r.from) {
        if !allowed(v) {
            continue;
        }
        let lab = Label {
            state: v.0,
            cost: vector(graph.node(v).board_wait.costs()),
            prev: None,
            step: Step::Start,
            alive: true,
        };
        bags.push(lab);
    }
    while let Some(Item { label, .. }) = bags.heap.pop() {
        let labels = &bags.labels;
        if !labels[label as usize].alive {
            continue;
        }
        let (state, cost) = (
            labels[label as usize].state as usize,
            labels[label as usize].cost,
        );
        if is_target(state) {
            if !bags
                .at_target
                .iter()
                .any(|&o| covers(&labels[o as usize].cost, &cost, req.epsilon) && o != label)
            {
                bags.at_target.push(label);
            }
            continue;
        }
        let (phase, v) = (state / n, NodeId((state % n) as u32));
        if phase < phases - 1 && graph.node(v).place == r.via[phase] && !graph.node(v).international
        {
            let lab = Label {
                state: (state + n) as u32,
                cost,
                prev: Some(label),
                step: Step::Via { prev: state as u32 },
                alive: true,
            };
            bags.push(lab);
        }
        for ei in graph.out_edges(v) {
            let e = &graph.edges()[ei];
            if !allowed(e.head) {
                continue;
            }
            let d = vector(e.costs(&r.cargo));
            let mut c = cost;
            for i in 0..k {
                c[i] += d[i];
            }
            let lab = Label {
                state: (phase * n + e.head.index()) as u32,
                cost: c,
                prev: Some(label),
                step: Step::Edge {
                    prev: state as u32,
                    edge: ei as u32,
                },
                alive: true,
            };
            bags.push(lab);
        }
    }
    // Exact non-dominance among the destination labels, then the cap.
    let Bags {
        labels, at_target, ..
    } = bags;
    let mut front: Vec<u32> = Vec::new();
    for &l in &at_target {
        let c = &labels[l as usize].cost;
        let dominated = at_target.iter().any(|&o| {
            let oc = &labels[o as usize].cost;
            o != l && covers(oc, c, 0.0) && (oc != c || o < l)
        });
        if !dominated {
            front.push(l);
        }
    }
    if front.is_empty() {
        return Err(no_route_error(net, r));
    }
    let chosen = select(&front, &labels, k, req.cap);
    let mut out: Vec<Itinerary> = chosen
        .into_iter()
        .map(|l| {
            let mut steps = Vec::new();
            let mut cur = Some(l);
            while let Some(c) = cur {
                let lab = &labels[c as usize];
                steps.push((lab.state, lab.step));
                cur = lab.prev;
            }
            steps.reverse();
            Itinerary::build(net, graph, r, n, &steps).with_distribution(req.deadline_h)
        })
        .collect();
    // fastest first by the p50 of the total, the figure the menu shows
    out.sort_by(|a, b| a.summary.time_h.p50.total_cmp(&b.summary.time_h.p50));
    Ok(out)
}

/// Keeps at most `cap` labels: the best on each criterion first, then greedily the one farthest
/// (in criteria normalised to the front's range) from those already kept.
fn select(front: &[u32], labels: &[Label], k: usize, cap: usize) -> Vec<u32> {
    if front.len() <= cap {
        return front.to_vec();
    }
    let mut kept: Vec<u32> = Vec::new();
    for i in 0..k {
        if let Some(&best) = front
            .iter()
            .min_by(|&&a, &&b| labels[a as usize].cost[i].total_cmp(&labels[b as usize].cost[i]))
        {
            if !kept.contains(&best) && kept.len() < cap {
                kept.push(best);
            }
        }
    }
    let (mut lo, mut hi) = (
        [f64::INFINITY; MAX_CRITERIA],
        [f64::NEG_INFINITY; MAX_CRITERIA],
    );
    for &l in front {
        for i in 0..k {
            lo[i] = lo[i].min(labels[l as usize].cost[i]);
            hi[i] = hi[i].max(labels[l as usize].cost[i]);
        }
    }
    let norm = |l: u32, i: usize| {
        let span = hi[i] - lo[i];
        if span > 0.0 {
            (labels[l as usize].cost[i] - lo[i]) / span
        } else {
            0.0
        }
    };
    while kept.len() < cap {
        let next = front
            .iter()
            .filter(|l| !kept.contains(l))
            .map(|&l| {
                let d = kept
                    .iter()
                    .map(|&m| {
                        (0..k)
                            .map(|i| (norm(l, i) - norm(m, i)).powi(2))
                            .sum::<f64>()
                    })
                    .fold(f64::INFINITY, f64::min);
                (d, l)
            })
            .max_by(|a, b| a.0.total_cmp(&b.0).then(b.1.cmp(&a.1)));
        match next {
            Some((_, l)) => kept.push(l),
            None => break,
        }
    }
    kept
}

/// The criteria vector of an itinerary, in the order of `criteria` (the time criteria are the
/// sums of the legs' quantiles, which the label search adds up).
pub fn criteria_of(it: &Itinerary, criteria: &[Criterion]) -> Vec<f64> {
    criteria
        .iter()
        .map(|c| match c {
            Criterion::Time => it.summary.time_h.sum_p50,
            Criterion::Cost => it.summary.cost_usd,
            Criterion::Co2 => it.summary.co2e_kg,
            Criterion::P90 => it.summary.time_h.sum_p90,
        })
        .collect()
}
