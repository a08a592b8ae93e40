//! Node contraction: builds a [`Hierarchy`] from a weighted directed graph.

use super::query::RankQueue;
use super::{Weight, INFINITY, NO_ARC};
use crate::array::Array;
use bytemuck::{Pod, Zeroable};
use rayon::prelude::*;
use std::sync::Mutex;

/// Nodes a witness search settles before it gives up (RoutingKit's default): a path it does
/// not find in time is taken to be missing, which costs a shortcut, never a wrong answer.
const WITNESS_POPS: usize = 500;

/// A contraction hierarchy over a directed graph with integer weights.
///
/// Every original arc and every shortcut is an *arc*: arc `i` is either the original graph edge
/// `arc_first[i]` (when `arc_second[i]` is `u32::MAX`) or the concatenation of arcs
/// `arc_first[i]` and `arc_second[i]`. The search graphs are stored by rank, both in one array:
/// for rank `r`, `search[first[r][0]..first[r][1]]` are its arcs to higher-ranked nodes (the
/// upward graph) and `search[first[r][1]..first[r + 1][0]]` its arcs *from* higher-ranked nodes
/// (the downward graph, searched backwards from a target); `search_arc` gives each one's arc.
/// A settled rank's stall test reads one of its lists and its relaxation the other, so the two
/// side by side share cache lines (RoutingKit keeps them apart).
#[derive(Debug, Clone, PartialEq)]
pub struct Hierarchy {
    pub(crate) rank: Array<u32>,
    pub(crate) node_at: Array<u32>,
    /// Per rank (and one past the last), where its upward and its downward arcs start.
    pub(crate) first: Array<[u32; 2]>,
    pub(crate) search: Array<SearchArc>,
    pub(crate) search_arc: Array<u32>,
    pub(crate) arc_first: Array<u32>,
    pub(crate) arc_second: Array<u32>,
}

/// An arc of a search graph: the rank at its other end and its weight (8 bytes, stored in a
/// graph file as it sits in memory).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Pod, Zeroable)]
#[repr(C)]
pub struct SearchArc {
    /// Rank of the node at the other end.
    pub rank: u32,
    /// Weight.
    pub weight: Weight,
}

/// What preprocessing did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BuildStats {
    /// Nodes contracted.
    pub nodes: usize,
    /// Original arcs kept (the lightest of parallel edges, no loops, no infinite weights).
    pub arcs: usize,
    /// Shortcuts added.
    pub shortcuts: usize,
}

#[derive(Clone, Copy)]
struct Adj {
    node: u32,
    weight: Weight,
    arc: u32,
    /// Original arcs the arc stands for.
    hops: u32,
}

/// One direction of a witness search: per node the round that reached it and its weight
/// (side by side: one cache line read per node looked at), and the queue. A new round
/// forgets every node at once.
struct WitnessSide {
    label: Vec<(u32, Weight)>,
    round: u32,
    queue: RankQueue,
}

impl WitnessSide {
    fn new(n: usize) -> WitnessSide {
        WitnessSide {
            label: vec![(0, INFINITY); n],
            round: 0,
            queue: RankQueue::new(n),
        }
    }

    /// The weight `x` is reached with in this round, if it is.
    fn reached(&self, x: u32) -> Option<Weight> {
        let (round, d) = self.label[x as usize];
        (round == self.round).then_some(d)
    }

    fn start(&mut self, x: u32) {
        self.round = self.round.wrapping_add(1);
        if self.round == 0 {
            self.label.fill((0, INFINITY));
            self.round = 1;
        }
        self.queue.clear();
        self.queue.push_or_decrease(x, 0);
        self.label[x as usize] = (self.round, 0);
    }

    /// Settles the next node, relaxing `lists` around `bypass`; true when this side meets
    /// `other` within `len`.
    fn settle(
        &mut self,
        other: &WitnessSide,
        lists: &[Vec<Adj>],
        bypass: u32,
        len: Weight,
    ) -> bool {
        let Some((d, x)) = self.queue.pop() else {
            return false;
        };
        let meets = |y: u32, dy: Weight| {
            other
                .reached(y)
                .is_some_and(|o| dy.saturating_add(o) <= len)
        };
        if meets(x, d) {
            return true;
        }
        let mut met = false;
        for a in &lists[x as usize] {
            if a.node == bypass {
                continue;
            }
            let nd = d.saturating_add(a.weight);
            if self.reached(a.node).is_some_and(|old| nd >= old) {
                continue;
            }
            self.label[a.node as usize] = (self.round, nd);
            self.queue.push_or_decrease(a.node, nd);
            met |= meets(a.node, nd);
        }
        met
    }
}

/// Whether a path at most as heavy as a shortcut exists around the node being contracted: a
/// bidirectional search from the shortcut's tail (kept between the heads tried for one tail)
/// and its head, as RoutingKit's `ShorterPathTest` does.
struct Witness {
    forward: WitnessSide,
    backward: WitnessSide,
    bypass: u32,
}

impl Witness {
    fn new(n: usize) -> Witness {
        Witness {
            forward: WitnessSide::new(n),
            backward: WitnessSide::new(n),
            bypass: u32::MAX,
        }
    }

    /// Starts the forward side at `source`, avoiding `bypass`.
    fn pin(&mut self, source: u32, bypass: u32) {
        self.forward.start(source);
        self.bypass = bypass;
    }

    /// True when a path from the pinned source to `target` weighs at most `len`.
    fn exists(&mut self, out: &[Vec<Adj>], inn: &[Vec<Adj>], target: u32, len: Weight) -> bool {
        if self.forward.reached(target).is_some_and(|d| d <= len) {
            return true;
        }
        self.backward.start(target);
        let mut pops = 0;
        while let (Some(f), Some(b)) = (self.forward.queue.min(), self.backward.queue.min()) {
            if f.saturating_add(b) > len {
                return false;
            }
            let met = if f <= b {
                self.forward.settle(&self.backward, out, self.bypass, len)
            } else {
                self.backward.settle(&self.forward, inn, self.bypass, len)
            };
            if met {
                return true;
            }
            pops += 1;
            if pops > WITNESS_POPS {
                return false;
            }
        }
        false
    }
}

struct Contractor {
    out: Vec<Vec<Adj>>,
    inn: Vec<Vec<Adj>>,
    arc_first: Vec<u32>,
    arc_second: Vec<u32>,
    /// Per node: one more than the highest level among its contracted neighbours.
    level: Vec<u32>,
    witness: Witness,
}

impl Contractor {
    /// Calls `shortcut(in arc, out arc)` for every pair of arcs around `v` with no witness.
    /// The loop of [`importance`], but `shortcut` may add the shortcut at once (the witness
    /// searches for the next pairs then see it, as RoutingKit's do), which needs the lists
    /// mutable between searches.
    fn shortcuts(&mut self, v: u32, mut shortcut: impl FnMut(&mut Contractor, Adj, Adj)) {
        let vi = v as usize;
        for i in 0..self.inn[vi].len() {
            let from = self.inn[vi][i];
            self.witness.pin(from.node, v);
            for j in 0..self.out[vi].len() {
                let to = self.out[vi][j];
                if to.node == from.node {
                    continue;
                }
                let len = from.weight.saturating_add(to.weight);
                if !self.witness.exists(&self.out, &self.inn, to.node, len) {
                    shortcut(self, from, to);
                }
            }
        }
    }

    /// Contracts `v`: adds its shortcuts, then takes its arcs out of the remaining graph and
    /// returns them (to higher and from higher nodes).
    fn contract(&mut self, v: u32) -> (Vec<Adj>, Vec<Adj>) {
        self.shortcuts(v, |c, from, to| {
            let arc = c.new_arc(from.arc, to.arc);
            let a = Adj {
                node: to.node,
                weight: from.weight.saturating_add(to.weight),
                arc,
                hops: from.hops + to.hops,
            };
            add_or_lighten(
                &mut c.out[from.node as usize],
                &mut c.inn[to.node as usize],
                from.node,
                a,
            );
        });
        let vi = v as usize;
        let outs = std::mem::take(&mut self.out[vi]);
        let ins = std::mem::take(&mut self.inn[vi]);
        for a in &outs {
            self.inn[a.node as usize].retain(|b| b.node != v);
        }
        for a in &ins {
            self.out[a.node as usize].retain(|b| b.node != v);
        }
        (outs, ins)
    }

    fn new_arc(&mut self, first: u32, second: u32) -> u32 {
        self.arc_first.push(first);
        self.arc_second.push(second);
        (self.arc_first.len() - 1) as u32
    }
}

/// How late `v` should be contracted (RoutingKit's importance): its level, then the arcs and
/// the original arcs (hops) its shortcuts would add per arc and hop its contraction removes.
/// Reads the remaining graph only, so that several nodes are weighed side by side, each with
/// its own `witness`.
fn importance(
    out: &[Vec<Adj>],
    inn: &[Vec<Adj>],
    level: u32,
    v: u32,
    witness: &mut Witness,
) -> Weight {
    let vi = v as usize;
    let (mut added, mut added_hops) = (0u64, 0u64);
    for from in &inn[vi] {
        witness.pin(from.node, v);
        for to in &out[vi] {
            if to.node != from.node
                && !witness.exists(out, inn, to.node, from.weight.saturating_add(to.weight))
            {
                added += 1;
                added_hops += u64::from(from.hops + to.hops);
            }
        }
    }
    let removed = 1 + (inn[vi].len() + out[vi].len()) as u64;
    let removed_hops = 1 + inn[vi]
        .iter()
        .chain(&out[vi])
        .map(|a| u64::from(a.hops))
        .sum::<u64>();
    let key =
        1 + 1000 * u64::from(level) + 1000 * added / removed + 1000 * added_hops / removed_hops;
    key.min(u64::from(INFINITY - 1)) as Weight
}

/// Neighbours weighed side by side (one witness per thread) when a contraction leaves at least
/// this many: weighing neighbours takes five sixths of the contraction's time. The loop runs on
/// a worker of the pool, so a split costs little (docs/benchmarks.md: 20.7–24.8 s on two
/// threads against 26.9 s on one, 250 k grid).
const PARALLEL_NEIGHBOURS: usize = 2;

/// The contraction order `contracted` renumbered for the caches (RoutingKit's
/// `optimize_order_for_cache`): for each node that no arc leads up to, in turn, the nodes of its
/// upward search space not yet numbered take the highest free numbers, in contraction order.
/// Every arc still leads to a higher number, and the nodes a query settles lie close together.
fn order_for_cache(contracted: &[u32], up: &[Vec<Adj>], down: &[Vec<Adj>]) -> Vec<u32> {
    let n = contracted.len();
    let mut rank = vec![0u32; n];
    for (r, &v) in contracted.iter().enumerate() {
        rank[v as usize] = r as u32;
    }
    let mut bottom = vec![true; n];
    for a in up.iter().chain(down).flatten() {
        bottom[a.node as usize] = false;
    }
    let mut order = vec![0u32; n];
    let mut end = n;
    let mut placed = vec![false; n];
    let mut queue = RankQueue::new(n);
    for v in 0..n {
        if !bottom[v] {
            continue;
        }
        let segment_end = end;
        placed[v] = true;
        queue.push_or_decrease(v as u32, rank[v]);
        while let Some((_, x)) = queue.pop() {
            end -= 1;
            order[end] = x;
            for a in up[x as usize].iter().chain(&down[x as usize]) {
                if !placed[a.node as usize] {
                    placed[a.node as usize] = true;
                    queue.push_or_decrease(a.node, rank[a.node as usize]);
                }
            }
        }
        order[end..segment_end].reverse();
    }
    debug_assert_eq!(end, 0, "every node lies above a bottom node");
    order
}

/// Adds arc `a` from `tail` (to `a.node`) to the tail's out list and the head's in list, or
/// makes the arc between them lighter if it is heavier.
fn add_or_lighten(out: &mut Vec<Adj>, inn: &mut Vec<Adj>, tail: u32, a: Adj) {
    match out.iter_mut().find(|b| b.node == a.node) {
        Some(b) if b.weight <= a.weight => {}
        Some(b) => {
            *b = a;
            let back = inn
                .iter_mut()
                .find(|b| b.node == tail)
                .expect("in and out lists agree");
            *back = Adj { node: tail, ..a };
        }
        None => {
            out.push(a);
            inn.push(Adj { node: tail, ..a });
        }
    }
}

impl Hierarchy {
    /// Contracts a graph of `nodes` nodes with directed `edges` `(tail, head, weight)`; the
    /// index of an edge in `edges` is what paths are unpacked to. Edges of weight
    /// [`INFINITY`](super::INFINITY) and loops are left out; of parallel edges the lightest is
    /// kept.
    pub fn build(nodes: usize, edges: &[(u32, u32, Weight)]) -> (Hierarchy, BuildStats) {
        let mut c = Contractor {
            out: vec![Vec::new(); nodes],
            inn: vec![Vec::new(); nodes],
            arc_first: Vec::new(),
            arc_second: Vec::new(),
            level: vec![0; nodes],
            witness: Witness::new(nodes),
        };
        // Arcs by tail, then head (RoutingKit's input order: the order of the adjacency lists
        // decides ties in the witness searches and the queue, and so the contraction order).
        let mut sorted: Vec<u32> = (0..edges.len() as u32).collect();
        sorted.sort_unstable_by_key(|&i| (edges[i as usize].0, edges[i as usize].1, i));
        for i in sorted {
            let (t, h, w) = edges[i as usize];
            if t == h || w == INFINITY {
                continue;
            }
            let existing = c.out[t as usize].iter().position(|a| a.node == h);
            match existing {
                Some(k) if c.out[t as usize][k].weight <= w => {}
                Some(k) => {
                    let arc = c.out[t as usize][k].arc;
                    c.arc_first[arc as usize] = i;
                    c.out[t as usize][k].weight = w;
                    let back = c.inn[h as usize]
                        .iter_mut()
                        .find(|a| a.node == t)
                        .expect("in and out lists agree");
                    back.weight = w;
                }
                None => {
                    let arc = c.new_arc(i, NO_ARC);
                    let a = Adj {
                        node: h,
                        weight: w,
                        arc,
                        hops: 1,
                    };
                    c.out[t as usize].push(a);
                    c.inn[h as usize].push(Adj { node: t, ..a });
                }
            }
        }
        let original_arcs = c.arc_first.len();

        // Least important first; after each contraction its neighbours' importance is
        // computed again (RoutingKit's order: smaller search spaces than lazy updates give).
        // The loop runs on a worker of the thread pool, so that weighing neighbours side by
        // side splits work between workers already running (from a thread outside the pool,
        // each call waits for a sleeping worker to be woken: 47 s on one thread against 24 s).
        let (node_at, mut up, mut down) = rayon::scope(|_| {
            let witnesses: Vec<Mutex<Witness>> = (0..rayon::current_num_threads())
                .map(|_| Mutex::new(Witness::new(nodes)))
                .collect();
            let weigh = |c: &Contractor, v: u32| {
                let mut w = witnesses[rayon::current_thread_index().unwrap_or(0) % witnesses.len()]
                    .lock()
                    .expect("one witness per thread");
                importance(&c.out, &c.inn, c.level[v as usize], v, &mut w)
            };
            let mut queue = RankQueue::new(nodes);
            let keys: Vec<Weight> = (0..nodes as u32)
                .into_par_iter()
                .map(|v| weigh(&c, v))
                .collect();
            for (v, key) in keys.into_iter().enumerate() {
                queue.set(v as u32, key);
            }
            let mut up: Vec<Vec<Adj>> = vec![Vec::new(); nodes];
            let mut down: Vec<Vec<Adj>> = vec![Vec::new(); nodes];
            let mut node_at = Vec::with_capacity(nodes);
            let mut neighbours = Vec::new();
            let mut is_neighbour = vec![false; nodes];
            while let Some((_, v)) = queue.pop() {
                let vi = v as usize;
                node_at.push(v);
                let (outs, ins) = c.contract(v);
                for a in ins.iter().chain(&outs) {
                    if !is_neighbour[a.node as usize] {
                        is_neighbour[a.node as usize] = true;
                        neighbours.push(a.node);
                    }
                }
                up[vi] = outs;
                down[vi] = ins;
                for &x in &neighbours {
                    let xi = x as usize;
                    is_neighbour[xi] = false;
                    c.level[xi] = c.level[xi].max(c.level[vi] + 1);
                }
                if neighbours.len() >= PARALLEL_NEIGHBOURS {
                    let keys: Vec<Weight> = neighbours.par_iter().map(|&x| weigh(&c, x)).collect();
                    for (&x, key) in neighbours.iter().zip(keys) {
                        queue.set(x, key);
                    }
                } else {
                    for &x in &neighbours {
                        let key =
                            importance(&c.out, &c.inn, c.level[x as usize], x, &mut c.witness);
                        queue.set(x, key);
                    }
                }
                neighbours.clear();
            }
            (node_at, up, down)
        });

        let node_at = order_for_cache(&node_at, &up, &down);
        let mut rank = vec![0u32; nodes];
        for (r, &v) in node_at.iter().enumerate() {
            rank[v as usize] = r as u32;
        }
        // Both search graphs in rank order, each rank's upward arcs then its downward ones:
        // offsets, packed (rank, weight) arcs, arc ids.
        let mut first = Vec::with_capacity(nodes + 1);
        let (mut search, mut search_arc) = (Vec::new(), Vec::new());
        for &v in &node_at {
            let start = search.len() as u32;
            let mut mid = start;
            for (k, lists) in [&mut up, &mut down].into_iter().enumerate() {
                let mut list = std::mem::take(&mut lists[v as usize]);
                list.sort_unstable_by_key(|a| rank[a.node as usize]);
                for a in list {
                    search.push(SearchArc {
                        rank: rank[a.node as usize],
                        weight: a.weight,
                    });
                    search_arc.push(a.arc);
                }
                if k == 0 {
                    mid = search.len() as u32;
                }
            }
            first.push([start, mid]);
        }
        first.push([search.len() as u32; 2]);
        let stats = BuildStats {
            nodes,
            arcs: original_arcs,
            shortcuts: c.arc_first.len() - original_arcs,
        };
        let h = Hierarchy {
            rank: rank.into(),
            node_at: node_at.into(),
            first: first.into(),
            search: search.into(),
            search_arc: search_arc.into(),
            arc_first: c.arc_first.into(),
            arc_second: c.arc_second.into(),
        };
        (h, stats)
    }

    /// Number of nodes.
    pub fn nodes(&self) -> usize {
        self.rank.len()
    }

    /// The rank of node `v` (its place in the contraction order, 0 contracted first).
    pub fn rank_of(&self, v: u32) -> u32 {
        self.rank[v as usize]
    }

    /// True when the hierarchy's arrays are views into a mapped graph file (not copies).
    pub fn is_mapped(&self) -> bool {
        self.search.is_mapped() && self.arc_first.is_mapped()
    }

    /// Number of arcs in the upward and downward search graphs together.
    pub fn search_arcs(&self) -> usize {
        self.search.len()
    }

    /// Checks the internal consistency of a hierarchy read from a file: array lengths, ranks
    /// that are a permutation, arcs that point upwards, arc references in range. Returns what is
    /// wrong, in words.
    pub fn check(&self, edges: usize) -> Result<(), String> {
        let n = self.rank.len();
        if self.node_at.len() != n || self.first.len() != n + 1 {
            return Err("array lengths do not match the node count".into());
        }
        for (r, &v) in self.node_at.iter().enumerate() {
            if v as usize >= n || self.rank[v as usize] as usize != r {
                return Err(format!("rank {r} is not a permutation entry"));
            }
        }
        let arcs = self.arc_first.len();
        if self.arc_second.len() != arcs {
            return Err("arc tables differ in length".into());
        }
        let (first, heads, ids) = (&self.first, &self.search, &self.search_arc);
        if heads.len() != ids.len() {
            return Err("search arrays differ in length".into());
        }
        if first[0][0] != 0
            || first[n] != [heads.len() as u32; 2]
            || first
                .windows(2)
                .any(|w| w[0][0] > w[0][1] || w[0][1] > w[1][0])
        {
            return Err("search offsets are not increasing".into());
        }
        for r in 0..n {
            let [start, mid] = first[r];
            for i in start as usize..first[r + 1][0] as usize {
                let what = if i < mid as usize {
                    "upward"
                } else {
                    "downward"
                };
                if heads[i].rank as usize >= n || heads[i].rank as usize <= r {
                    return Err(format!("{what} arc {i} does not lead to a higher rank"));
                }
                if ids[i] as usize >= arcs {
                    return Err(format!("{what} arc {i} names a missing arc"));
                }
            }
        }
        for i in 0..arcs {
            let (a, b) = (self.arc_first[i], self.arc_second[i]);
            if b == NO_ARC {
                if a as usize >= edges {
                    return Err(format!("arc {i} names a missing graph edge"));
                }
            } else if a as usize >= i || b as usize >= i {
                return Err(format!("shortcut {i} refers to a later arc"));
            }
        }
        Ok(())
    }
}
