//! Nested dissection: a metric-independent node order for a customizable contraction
//! hierarchy ([`Cch`](super::Cch)).
//!
//! A cell of the graph is cut in two by a straight line (of four directions and every split
//! point between a quarter and three quarters of its nodes, the one with the fewest separator
//! nodes per node of the smaller side); the separator nodes
//! are ranked above both halves, which are ordered the same way in turn. Disconnected parts of
//! a cell are ordered apart (they need no separator). This is the geometric bisection that
//! inertial flow (Schild & Sommer 2015, RoutingKit's default order) starts from, without its
//! max-flow refinement of the cut: separators are the boundary of one half rather than a
//! minimum vertex cut, so they are larger than RoutingKit's on irregular road networks; the
//! comparison is in docs/benchmarks.md.

use rayon::prelude::*;

/// Cells of at most this many nodes are ordered by degree instead of cut again.
const LEAF: usize = 8;
/// Cells of at least this many nodes order their two halves in parallel.
const PARALLEL: usize = 4096;

/// A part of the graph: its nodes (global numbers), their projected coordinates and the
/// edges among them (local numbers, both directions).
struct Cell {
    ids: Vec<u32>,
    xy: Vec<[f32; 2]>,
    first: Vec<u32>,
    adj: Vec<u32>,
}

impl Cell {
    fn len(&self) -> usize {
        self.ids.len()
    }

    fn neighbours(&self, i: usize) -> &[u32] {
        &self.adj[self.first[i] as usize..self.first[i + 1] as usize]
    }

    /// The cells of the nodes of each label `0..count`, in one pass.
    fn parts(&self, label: &[u32], count: usize) -> Vec<Cell> {
        let mut cells: Vec<Cell> = (0..count)
            .map(|_| Cell {
                ids: Vec::new(),
                xy: Vec::new(),
                first: vec![0],
                adj: Vec::new(),
            })
            .collect();
        let mut local = vec![0u32; self.len()];
        for i in 0..self.len() {
            let c = &mut cells[label[i] as usize];
            local[i] = c.ids.len() as u32;
            c.ids.push(self.ids[i]);
            c.xy.push(self.xy[i]);
        }
        for i in 0..self.len() {
            let l = label[i];
            let c = &mut cells[l as usize];
            c.adj.extend(
                self.neighbours(i)
                    .iter()
                    .filter(|&&j| label[j as usize] == l)
                    .map(|&j| local[j as usize]),
            );
            c.first.push(c.adj.len() as u32);
        }
        cells
    }
}

/// The elimination order of a graph of `coordinates.len()` nodes (`[lon, lat]` each) and
/// `edges` (either direction; loops and repeats allowed): the node at each rank, least
/// important first.
pub(crate) fn nested_dissection(coordinates: &[[f64; 2]], edges: &[(u32, u32)]) -> Vec<u32> {
    let n = coordinates.len();
    let mut degree = vec![0u32; n + 1];
    for &(a, b) in edges {
        if a != b {
            degree[a as usize] += 1;
            degree[b as usize] += 1;
        }
    }
    let mut first = Vec::with_capacity(n + 1);
    first.push(0u32);
    for d in &degree[..n] {
        first.push(first.last().copied().unwrap_or(0) + d);
    }
    let mut fill = first.clone();
    let mut adj = vec![0u32; first[n] as usize];
    for &(a, b) in edges {
        if a != b {
            adj[fill[a as usize] as usize] = b;
            fill[a as usize] += 1;
            adj[fill[b as usize] as usize] = a;
            fill[b as usize] += 1;
        }
    }
    // Repeated edges only slow the cuts down: drop them.
    let mut dedup_first = Vec::with_capacity(n + 1);
    let mut dedup = Vec::with_capacity(adj.len());
    dedup_first.push(0u32);
    for v in 0..n {
        let list = &mut adj[first[v] as usize..first[v + 1] as usize];
        list.sort_unstable();
        let start = dedup.len();
        for &x in list.iter() {
            if dedup.len() == start || dedup.last() != Some(&x) {
                dedup.push(x);
            }
        }
        dedup_first.push(dedup.len() as u32);
    }
    let mean_lat = if n == 0 {
        0.0
    } else {
        coordinates.iter().map(|c| c[1]).sum::<f64>() / n as f64
    };
    let shrink = mean_lat.to_radians().cos();
    let xy = coordinates
        .iter()
        .map(|c| [(c[0] * shrink) as f32, c[1] as f32])
        .collect();
    let cell = Cell {
        ids: (0..n as u32).collect(),
        xy,
        first: dedup_first,
        adj: dedup,
    };
    let mut order = Vec::with_capacity(n);
    dissect(cell, &mut order);
    order
}

/// Appends the elimination order of `cell` to `order`.
fn dissect(cell: Cell, order: &mut Vec<u32>) {
    if cell.len() <= LEAF {
        let mut nodes: Vec<usize> = (0..cell.len()).collect();
        nodes.sort_by_key(|&i| (cell.neighbours(i).len(), i));
        order.extend(nodes.iter().map(|&i| cell.ids[i]));
        return;
    }
    let (component, count) = components(&cell);
    if count > 1 {
        let parts = cell.parts(&component, count);
        drop(cell);
        for part in parts {
            dissect(part, order);
        }
        return;
    }
    let label = bisect(&cell);
    let Ok([a, b, separator]) = <[Cell; 3]>::try_from(cell.parts(&label, 3)) else {
        unreachable!("three labels, three cells");
    };
    let big = cell.len() >= PARALLEL;
    drop(cell);
    if big {
        let (oa, ob) = rayon::join(
            || {
                let mut o = Vec::with_capacity(a.len());
                dissect(a, &mut o);
                o
            },
            || {
                let mut o = Vec::with_capacity(b.len());
                dissect(b, &mut o);
                o
            },
        );
        order.extend(oa);
        order.extend(ob);
    } else {
        dissect(a, order);
        dissect(b, order);
    }
    order.extend(separator.ids);
}

/// Labels the connected components of `cell` 0, 1, … and counts them.
fn components(cell: &Cell) -> (Vec<u32>, usize) {
    const UNSEEN: u32 = u32::MAX;
    let mut label = vec![UNSEEN; cell.len()];
    let mut count = 0usize;
    let mut stack = Vec::new();
    for s in 0..cell.len() {
        if label[s] != UNSEEN {
            continue;
        }
        let c = count as u32;
        count += 1;
        label[s] = c;
        stack.push(s as u32);
        while let Some(v) = stack.pop() {
            for &w in cell.neighbours(v as usize) {
                if label[w as usize] == UNSEEN {
                    label[w as usize] = c;
                    stack.push(w);
                }
            }
        }
    }
    (label, count)
}

/// Splits a connected cell: label 0 and 1 for the two halves, 2 for the separator. For each of
/// four directions the nodes are sorted along it and every split point between a quarter and
/// three quarters is scored in one sweep: the separator is the boundary of the side that has
/// the smaller one, and the split kept is the one of least separator per node of the smaller
/// half (a ratio cut: a straight cut through a narrow waist beats a balanced cut through the
/// middle of a wide region).
fn bisect(cell: &Cell) -> Vec<u32> {
    const DIRECTIONS: [[f32; 2]; 4] = [
        [1.0, 0.0],
        [0.0, 1.0],
        [
            std::f32::consts::FRAC_1_SQRT_2,
            std::f32::consts::FRAC_1_SQRT_2,
        ],
        [
            std::f32::consts::FRAC_1_SQRT_2,
            -std::f32::consts::FRAC_1_SQRT_2,
        ],
    ];
    let n = cell.len();
    let best = DIRECTIONS
        .par_iter()
        .map(|d| {
            let key = |i: usize| cell.xy[i][0] * d[0] + cell.xy[i][1] * d[1];
            let mut by_key: Vec<u32> = (0..n as u32).collect();
            by_key.sort_unstable_by(|&i, &j| {
                key(i as usize).total_cmp(&key(j as usize)).then(i.cmp(&j))
            });
            let (split, score, prefix_side) = sweep(cell, &by_key);
            (score, split, prefix_side, by_key)
        })
        .min_by(|a, b| a.0.total_cmp(&b.0));
    let Some((_, split, prefix_side, by_key)) = best else {
        return vec![0; n];
    };
    let mut side = vec![1u32; n];
    for &i in &by_key[..split] {
        side[i as usize] = 0;
    }
    let cut_side = if prefix_side { 0 } else { 1 };
    let mut label = side.clone();
    for i in 0..n {
        if side[i] == cut_side
            && cell
                .neighbours(i)
                .iter()
                .any(|&j| side[j as usize] != cut_side)
        {
            label[i] = 2;
        }
    }
    label
}

/// The best split of `by_key` (a cell's nodes in order along a direction): the prefix length,
/// its score (separator nodes per node of the smaller side) and whether the separator is the
/// prefix's boundary (else the suffix's).
fn sweep(cell: &Cell, by_key: &[u32]) -> (usize, f64, bool) {
    let n = by_key.len();
    // For a prefix node: its neighbours in the suffix; for a suffix node: its neighbours in
    // the prefix.
    let mut count = vec![0u32; n];
    let mut in_prefix = vec![false; n];
    let (mut prefix_boundary, mut suffix_boundary) = (0usize, 0usize);
    let (lo, hi) = ((n / 4).max(1), (3 * n / 4).max(1).min(n - 1));
    let mut best = (n / 2, f64::INFINITY, true);
    for (p, &v) in by_key.iter().enumerate().take(hi) {
        let v = v as usize;
        if count[v] > 0 {
            suffix_boundary -= 1;
        }
        let mut outside = 0;
        for &u in cell.neighbours(v) {
            let u = u as usize;
            if in_prefix[u] {
                count[u] -= 1;
                if count[u] == 0 {
                    prefix_boundary -= 1;
                }
            } else {
                outside += 1;
                count[u] += 1;
                if count[u] == 1 {
                    suffix_boundary += 1;
                }
            }
        }
        in_prefix[v] = true;
        count[v] = outside;
        if outside > 0 {
            prefix_boundary += 1;
        }
        let len = p + 1;
        if len >= lo {
            let smaller = len.min(n - len) as f64;
            let (size, prefix_side) = if prefix_boundary <= suffix_boundary {
                (prefix_boundary, true)
            } else {
                (suffix_boundary, false)
            };
            let score = size as f64 / smaller;
            if score < best.1 {
                best = (len, score, prefix_side);
            }
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::nested_dissection;

    #[test]
    fn a_path_is_cut_in_the_middle_and_every_node_is_ranked_once() {
        let coordinates: Vec<[f64; 2]> = (0..100).map(|i| [i as f64 * 0.01, 40.0]).collect();
        let edges: Vec<(u32, u32)> = (0..99).map(|i| (i, i + 1)).collect();
        let order = nested_dissection(&coordinates, &edges);
        let mut seen = order.clone();
        seen.sort_unstable();
        assert_eq!(seen, (0..100).collect::<Vec<u32>>());
        // The top-ranked node separates the path into two halves of about 50.
        let top = *order.last().unwrap();
        assert!((45..=55).contains(&top), "top separator node {top}");
    }

    #[test]
    fn a_grid_gets_a_separator_of_one_row() {
        let side = 40u32;
        let coordinates: Vec<[f64; 2]> = (0..side * side)
            .map(|v| [(v % side) as f64 * 0.01, (v / side) as f64 * 0.01])
            .collect();
        let mut edges = Vec::new();
        for v in 0..side * side {
            if v % side + 1 < side {
                edges.push((v, v + 1));
            }
            if v / side + 1 < side {
                edges.push((v, v + side));
            }
        }
        let order = nested_dissection(&coordinates, &edges);
        assert_eq!(order.len(), (side * side) as usize);
        // The last `side` nodes are one straight cut: one column or one row.
        let top: Vec<u32> = order[order.len() - side as usize..].to_vec();
        let same_column = top.iter().all(|v| v % side == top[0] % side);
        let same_row = top.iter().all(|v| v / side == top[0] / side);
        assert!(same_column || same_row, "top separator {top:?}");
    }
}
