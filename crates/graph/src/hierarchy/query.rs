//! Queries on a [`Hierarchy`]: point to point with the path, and many to many.

use super::contract::{Hierarchy, SearchArc};
use super::{prefetch, Weight, INFINITY, NO_ARC};
use rayon::prelude::*;

/// How a rank was reached in one direction of a search: the arc (its position in that
/// direction's search graph) and the rank it came from.
#[derive(Clone, Copy, bytemuck::Zeroable)]
struct Pred {
    arc: u32,
    rank: u32,
}

const NO_PRED: Pred = Pred {
    arc: NO_ARC,
    rank: NO_ARC,
};

/// A 4-ary min-heap of ranks by weight with decrease-key: each rank is queued at most once
/// (its position kept per rank), so a search pops no stale entries (RoutingKit's `MinIDQueue`).
pub(super) struct RankQueue {
    items: Vec<(Weight, u32)>,
    /// Per rank, the bitwise complement of its position (0: not queued), so that a new queue
    /// is zeroed memory the system hands out untouched: one query on a graph of millions of
    /// ranks makes resident only the pages of the ranks it queues.
    position: Vec<u32>,
}

const NOT_QUEUED: u32 = u32::MAX;

impl RankQueue {
    pub(super) fn new(n: usize) -> RankQueue {
        RankQueue {
            items: Vec::new(),
            position: vec![!NOT_QUEUED; n],
        }
    }

    fn position(&self, r: u32) -> u32 {
        !self.position[r as usize]
    }

    pub(super) fn clear(&mut self) {
        for (_, r) in self.items.drain(..) {
            self.position[r as usize] = !NOT_QUEUED;
        }
    }

    pub(super) fn min(&self) -> Option<Weight> {
        self.items.first().map(|&(w, _)| w)
    }

    /// Queues `r` with `weight`, or moves it to `weight` (up or down) if it is queued.
    pub(super) fn set(&mut self, r: u32, weight: Weight) {
        match self.position(r) {
            NOT_QUEUED => self.push_or_decrease(r, weight),
            p => {
                let old = self.items[p as usize].0;
                self.items[p as usize].0 = weight;
                if weight < old {
                    self.sift_up(p as usize);
                } else {
                    self.sift_down(p as usize);
                }
            }
        }
    }

    /// Queues `r` with `weight`, or lowers its weight if it is queued.
    pub(super) fn push_or_decrease(&mut self, r: u32, weight: Weight) {
        let at = match self.position(r) {
            NOT_QUEUED => {
                self.items.push((weight, r));
                self.items.len() - 1
            }
            p => {
                debug_assert!(weight <= self.items[p as usize].0, "a key only decreases");
                self.items[p as usize].0 = weight;
                p as usize
            }
        };
        self.sift_up(at);
    }

    pub(super) fn pop(&mut self) -> Option<(Weight, u32)> {
        let top = *self.items.first()?;
        self.position[top.1 as usize] = !NOT_QUEUED;
        let last = self.items.pop().expect("not empty");
        if !self.items.is_empty() {
            self.items[0] = last;
            self.sift_down(0);
        }
        Some(top)
    }

    fn sift_up(&mut self, mut at: usize) {
        let item = self.items[at];
        while at > 0 {
            let parent = (at - 1) / 4;
            if self.items[parent].0 <= item.0 {
                break;
            }
            self.put(at, self.items[parent]);
            at = parent;
        }
        self.put(at, item);
    }

    /// Puts `item` at slot `at` and records its position.
    fn put(&mut self, at: usize, item: (Weight, u32)) {
        self.items[at] = item;
        self.position[item.1 as usize] = !(at as u32);
    }

    fn sift_down(&mut self, mut at: usize) {
        let item = self.items[at];
        let len = self.items.len();
        loop {
            let first = 4 * at + 1;
            if first >= len {
                break;
            }
            let mut best = first;
            for c in first + 1..(first + 4).min(len) {
                if self.items[c].0 < self.items[best].0 {
                    best = c;
                }
            }
            if self.items[best].0 >= item.0 {
                break;
            }
            self.put(at, self.items[best]);
            at = best;
        }
        self.put(at, item);
    }
}

/// One direction of a search: a distance and a predecessor per rank (apart: the stall test and
/// the relaxations read only distances, four bytes a rank), the ranks touched, the queue.
struct Side {
    /// Per rank, the bitwise complement of its distance (0: not reached), and how it was
    /// reached (written whenever its distance is): zeroed memory, resident only where a
    /// search goes (see [`RankQueue`]).
    dist: Vec<Weight>,
    pred: Vec<Pred>,
    touched: Vec<u32>,
    queue: RankQueue,
}

impl Side {
    fn new(n: usize) -> Side {
        Side {
            dist: vec![!INFINITY; n],
            pred: bytemuck::allocation::zeroed_vec(n),
            touched: Vec::new(),
            queue: RankQueue::new(n),
        }
    }

    fn dist(&self, r: u32) -> Weight {
        !self.dist[r as usize]
    }

    fn reset(&mut self) {
        for r in self.touched.drain(..) {
            self.dist[r as usize] = !INFINITY;
        }
        self.queue.clear();
    }

    fn start(&mut self, h: &Hierarchy, starts: &[(u32, Weight)]) {
        self.reset();
        for &(node, w) in starts {
            let Some(&r) = h.rank.get(node as usize) else {
                continue;
            };
            self.improve(r, w, NO_PRED);
        }
    }

    /// Takes `dist` (reached by `pred`) for rank `r` if it is lighter than what `r` has, and
    /// queues `r`.
    fn improve(&mut self, r: u32, dist: Weight, pred: Pred) {
        let d = &mut self.dist[r as usize];
        if dist < !*d {
            if *d == !INFINITY {
                self.touched.push(r);
            }
            *d = !dist;
            self.pred[r as usize] = pred;
            self.queue.push_or_decrease(r, dist);
        }
    }

    fn min(&self) -> Weight {
        self.queue.min().unwrap_or(INFINITY)
    }

    /// Settles the next rank; returns it with its weight and whether it is stalled (a
    /// higher-ranked node reaches it more cheaply, so it lies on no shortest path from here).
    fn settle(&mut self, g: &SearchGraphs, forward: bool) -> Option<(u32, Weight, bool)> {
        let (d, r) = self.queue.pop()?;
        // The rank now on top is most likely the next one settled: its arcs are fetched while
        // this one is worked on (where it starts was fetched when it was queued, below).
        if let Some(&(_, next)) = self.queue.items.first() {
            let [start, mid] = g.first[next as usize];
            for a in [start, mid] {
                if let Some(arc) = g.search.get(a as usize) {
                    prefetch(arc);
                }
            }
        }
        let [start, mid] = g.first[r as usize];
        let end = g.first[r as usize + 1][0];
        // Forward: the downward arcs for the stall test, the upward ones relaxed; backward the
        // other way round.
        let (test, next) = if forward {
            (mid..end, start..mid)
        } else {
            (start..mid, mid..end)
        };
        let stalled = g.search[test.start as usize..test.end as usize]
            .iter()
            .any(|a| (!self.dist[a.rank as usize]).saturating_add(a.weight) < d);
        if !stalled {
            let (start, end) = (next.start as usize, next.end as usize);
            // The predecessor is the arc's position in the search graph; its hierarchy arc is
            // looked up only for a path (one array less read per relaxation).
            for (at, x) in (start..end).zip(&g.search[start..end]) {
                let pred = Pred {
                    arc: at as u32,
                    rank: r,
                };
                prefetch(&g.first[x.rank as usize]);
                self.improve(x.rank, d.saturating_add(x.weight), pred);
            }
        }
        Some((r, d, stalled))
    }
}

/// The search graphs of a hierarchy as plain slices, taken once per search (a mapped array is a
/// few instructions away from its slice).
struct SearchGraphs<'a> {
    first: &'a [[u32; 2]],
    search: &'a [SearchArc],
}

impl Hierarchy {
    fn search_graphs(&self) -> SearchGraphs<'_> {
        SearchGraphs {
            first: &self.first,
            search: &self.search,
        }
    }
}

/// A shortest path found in a hierarchy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HierarchyPath {
    /// Total weight, start weights included.
    pub weight: Weight,
    /// The source node the path starts at.
    pub source: u32,
    /// The target node it ends at.
    pub target: u32,
    /// The original edges (indices given to [`Hierarchy::build`]), in order.
    pub edges: Vec<u32>,
}

/// Reusable state for point-to-point queries on one hierarchy (one per thread).
pub struct HierarchyQuery<'h> {
    h: &'h Hierarchy,
    fwd: Side,
    bwd: Side,
    settled: usize,
}

/// The labels of a point-to-point query, apart from its hierarchy, to be kept between queries:
/// creating them costs O(nodes), a query resets only the ranks it touched.
pub struct QueryState {
    fwd: Side,
    bwd: Side,
}

impl QueryState {
    /// Labels for a hierarchy of `nodes` nodes.
    pub fn new(nodes: usize) -> QueryState {
        QueryState {
            fwd: Side::new(nodes),
            bwd: Side::new(nodes),
        }
    }

    /// The number of nodes the labels are for.
    pub fn nodes(&self) -> usize {
        self.fwd.dist.len()
    }
}

impl<'h> HierarchyQuery<'h> {
    /// Query state for `h`.
    pub fn new(h: &'h Hierarchy) -> HierarchyQuery<'h> {
        HierarchyQuery::with_state(h, QueryState::new(h.nodes()))
    }

    /// Queries on `h` with labels kept from earlier queries (new ones if `state` is for a
    /// hierarchy of another size).
    pub fn with_state(h: &'h Hierarchy, state: QueryState) -> HierarchyQuery<'h> {
        let state = if state.nodes() == h.nodes() {
            state
        } else {
            QueryState::new(h.nodes())
        };
        HierarchyQuery {
            h,
            fwd: state.fwd,
            bwd: state.bwd,
            settled: 0,
        }
    }

    /// The labels, to keep for the next query on a hierarchy of the same size.
    pub fn into_state(self) -> QueryState {
        QueryState {
            fwd: self.fwd,
            bwd: self.bwd,
        }
    }

    /// The lightest path from any of `sources` to any of `targets`, each `(node, start
    /// weight)`: the weight of a path is its start weight plus its edges plus its end weight.
    pub fn path(
        &mut self,
        sources: &[(u32, Weight)],
        targets: &[(u32, Weight)],
    ) -> Option<HierarchyPath> {
        let (weight, meet) = self.meet(sources, targets)?;
        let h = self.h;
        let mut arcs = Vec::new();
        let mut r = meet;
        while self.fwd.pred[r as usize].arc != NO_ARC {
            arcs.push(h.search_arc[self.fwd.pred[r as usize].arc as usize]);
            r = self.fwd.pred[r as usize].rank;
        }
        let source = h.node_at[r as usize];
        arcs.reverse();
        let mut r = meet;
        while self.bwd.pred[r as usize].arc != NO_ARC {
            arcs.push(h.search_arc[self.bwd.pred[r as usize].arc as usize]);
            r = self.bwd.pred[r as usize].rank;
        }
        let target = h.node_at[r as usize];
        let mut edges = Vec::new();
        for a in arcs {
            h.unpack(a, &mut edges);
        }
        Some(HierarchyPath {
            weight,
            source,
            target,
            edges,
        })
    }

    /// Nodes settled by the last query, both directions (its search space).
    pub fn last_settled(&self) -> usize {
        self.settled
    }

    /// The weight of the lightest path, without the path.
    pub fn distance(
        &mut self,
        sources: &[(u32, Weight)],
        targets: &[(u32, Weight)],
    ) -> Option<Weight> {
        self.meet(sources, targets).map(|(w, _)| w)
    }

    fn meet(
        &mut self,
        sources: &[(u32, Weight)],
        targets: &[(u32, Weight)],
    ) -> Option<(Weight, u32)> {
        let h = self.h;
        self.fwd.start(h, sources);
        self.bwd.start(h, targets);
        let g = h.search_graphs();
        let mut best = INFINITY;
        let mut meet = None;
        self.settled = 0;
        loop {
            let (fmin, bmin) = (self.fwd.min(), self.bwd.min());
            if fmin.min(bmin) >= best {
                break;
            }
            let forward = fmin <= bmin;
            let (this, other) = if forward {
                (&mut self.fwd, &self.bwd)
            } else {
                (&mut self.bwd, &self.fwd)
            };
            let Some((r, d, _)) = this.settle(&g, forward) else {
                break; // not reached: the side chosen has a queued rank below `best`
            };
            self.settled += 1;
            let o = other.dist(r);
            if o != INFINITY && d.saturating_add(o) < best {
                best = d.saturating_add(o);
                meet = Some(r);
            }
        }
        meet.map(|m| (best, m))
    }
}

impl Hierarchy {
    /// Appends the original edges of arc `a` to `out`, in order.
    fn unpack(&self, a: u32, out: &mut Vec<u32>) {
        let mut stack = vec![a];
        while let Some(a) = stack.pop() {
            let (first, second) = (self.arc_first[a as usize], self.arc_second[a as usize]);
            if second == NO_ARC {
                out.push(first);
            } else {
                stack.push(second);
                stack.push(first);
            }
        }
    }

    /// The weight of the lightest path from every source to every target (the bucket
    /// algorithm); each source and target is a set of `(node, start weight)`. Unreachable pairs
    /// get [`INFINITY`](super::INFINITY). Sources are searched in parallel.
    pub fn many_to_many(
        &self,
        sources: &[Vec<(u32, Weight)>],
        targets: &[Vec<(u32, Weight)>],
    ) -> Vec<Vec<Weight>> {
        let n = self.nodes();
        let g = self.search_graphs();
        // Backward search from every target; bucket entries (rank, target, weight).
        let mut entries: Vec<(u32, u32, Weight)> = targets
            .par_iter()
            .enumerate()
            .map_init(
                || Side::new(n),
                |side, (j, t)| {
                    side.start(self, t);
                    let mut found = Vec::new();
                    while let Some((r, d, stalled)) = side.settle(&g, false) {
                        if !stalled {
                            found.push((r, j as u32, d));
                        }
                    }
                    found
                },
            )
            .flatten()
            .collect();
        entries.par_sort_unstable_by_key(|e| e.0);
        let mut bucket_first = vec![0u32; n + 1];
        for e in &entries {
            bucket_first[e.0 as usize + 1] += 1;
        }
        for r in 0..n {
            bucket_first[r + 1] += bucket_first[r];
        }
        sources
            .par_iter()
            .map_init(
                || Side::new(n),
                |side, s| {
                    let mut row = vec![INFINITY; targets.len()];
                    side.start(self, s);
                    while let Some((r, d, stalled)) = side.settle(&g, true) {
                        if stalled {
                            continue;
                        }
                        let b = bucket_first[r as usize] as usize
                            ..bucket_first[r as usize + 1] as usize;
                        for &(_, j, dj) in &entries[b] {
                            let w = d.saturating_add(dj);
                            if w < row[j as usize] {
                                row[j as usize] = w;
                            }
                        }
                    }
                    row
                },
            )
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Pushes, decreases and pops in any order give the ranks in the order of their lowest
        /// weight, as a sorted list does.
        #[test]
        fn the_rank_queue_pops_in_weight_order(ops in prop::collection::vec((0u32..40, 0u32..1000, any::<bool>()), 1..300)) {
            let mut queue = RankQueue::new(40);
            let mut reference: std::collections::BTreeMap<u32, Weight> = Default::default();
            for (r, w, pop) in ops {
                if pop {
                    let want = reference.iter().map(|(&r, &w)| (w, r)).min();
                    match queue.pop() {
                        Some((got_w, got_r)) => {
                            prop_assert_eq!(Some(got_w), want.map(|x| x.0));
                            prop_assert_eq!(reference.remove(&got_r), Some(got_w));
                        }
                        None => prop_assert!(want.is_none()),
                    }
                } else if reference.get(&r).is_none_or(|&old| w < old) {
                    reference.insert(r, w);
                    queue.push_or_decrease(r, w);
                }
            }
            queue.clear();
            prop_assert!((0..40).all(|r| queue.position(r) == NOT_QUEUED));
        }
    }
}
