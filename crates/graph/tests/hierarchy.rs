//! Contraction hierarchies against plain Dijkstra on random small graphs: the same weights for
//! every pair, paths that are real and add up, and matrices that agree cell by cell.

use proptest::prelude::*;
use silkroute_graph::hierarchy::{Hierarchy, HierarchyQuery, Weight, INFINITY};

mod common;

use common::dijkstra;

fn graph() -> impl Strategy<Value = (usize, Vec<(u32, u32, Weight)>)> {
    (2usize..40).prop_flat_map(|n| {
        let edge = (0..n as u32, 0..n as u32, 0u32..50);
        (Just(n), prop::collection::vec(edge, 0..n * 4))
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn every_pair_matches_dijkstra((n, edges) in graph()) {
        let (h, _) = Hierarchy::build(n, &edges);
        let mut q = HierarchyQuery::new(&h);
        for s in 0..n as u32 {
            let reference = dijkstra(n, &edges, &[(s, 0)]);
            for t in 0..n as u32 {
                let found = q.path(&[(s, 0)], &[(t, 0)]);
                match found {
                    None => prop_assert_eq!(reference[t as usize], INFINITY, "{} -> {}", s, t),
                    Some(p) => {
                        prop_assert_eq!(p.weight, reference[t as usize], "{} -> {}", s, t);
                        // The unpacked path is a chain of real edges from s to t that adds up.
                        let mut at = s;
                        let mut sum: Weight = 0;
                        for &e in &p.edges {
                            let (tail, head, w) = edges[e as usize];
                            prop_assert_eq!(tail, at);
                            at = head;
                            sum += w;
                        }
                        prop_assert_eq!(at, t);
                        prop_assert_eq!(sum, p.weight);
                    }
                }
            }
        }
    }

    #[test]
    fn several_weighted_sources_and_targets((n, edges) in graph(), a in 0u32..40, b in 0u32..40, wa in 0u32..30, wb in 0u32..30, c in 0u32..40, wc in 0u32..30) {
        let (a, b, c) = (a % n as u32, b % n as u32, c % n as u32);
        let (h, _) = Hierarchy::build(n, &edges);
        let mut q = HierarchyQuery::new(&h);
        let reference = dijkstra(n, &edges, &[(a, wa), (b, wb)]);
        for t in 0..n as u32 {
            let got = q.distance(&[(a, wa), (b, wb)], &[(t, 0)]).unwrap_or(INFINITY);
            prop_assert_eq!(got, reference[t as usize]);
            let two = q.distance(&[(a, wa), (b, wb)], &[(t, 0), (c, wc)]).unwrap_or(INFINITY);
            prop_assert_eq!(two, reference[t as usize].min(reference[c as usize].saturating_add(wc)));
        }
    }

    #[test]
    fn matrix_matches_dijkstra((n, edges) in graph()) {
        let (h, _) = Hierarchy::build(n, &edges);
        let all: Vec<Vec<(u32, Weight)>> = (0..n as u32).map(|v| vec![(v, 0)]).collect();
        let m = h.many_to_many(&all, &all);
        for (s, row) in m.iter().enumerate() {
            let reference = dijkstra(n, &edges, &[(s as u32, 0)]);
            prop_assert_eq!(row, &reference);
        }
    }
}

#[test]
fn a_grid_keeps_its_shortest_paths_and_stays_small() {
    // 30 × 30 grid, both directions, weights from a fixed formula.
    let side = 30u32;
    let id = |x: u32, y: u32| y * side + x;
    let mut edges = Vec::new();
    for y in 0..side {
        for x in 0..side {
            let w = 10 + (x * 7 + y * 13) % 17;
            if x + 1 < side {
                edges.push((id(x, y), id(x + 1, y), w));
                edges.push((id(x + 1, y), id(x, y), w));
            }
            if y + 1 < side {
                edges.push((id(x, y), id(x, y + 1), w + 3));
                edges.push((id(x, y + 1), id(x, y), w + 3));
            }
        }
    }
    let n = (side * side) as usize;
    let (h, stats) = Hierarchy::build(n, &edges);
    assert_eq!(stats.arcs, edges.len());
    assert!(h.check(edges.len()).is_ok());
    // Shortcuts stay within a small multiple of the original arcs on a planar grid.
    assert!(stats.shortcuts < 3 * stats.arcs, "{stats:?}");
    let mut q = HierarchyQuery::new(&h);
    for s in (0..n as u32).step_by(37) {
        let reference = dijkstra(n, &edges, &[(s, 0)]);
        for t in (0..n as u32).step_by(11) {
            assert_eq!(
                q.distance(&[(s, 0)], &[(t, 0)]),
                Some(reference[t as usize])
            );
        }
    }
}

#[test]
fn a_damaged_hierarchy_is_refused_by_check() {
    let edges = vec![(0, 1, 5), (1, 2, 5), (2, 0, 5)];
    let (h, _) = Hierarchy::build(3, &edges);
    assert!(h.check(3).is_ok());
    assert!(h.check(1).is_err(), "edge references beyond the graph");
}
