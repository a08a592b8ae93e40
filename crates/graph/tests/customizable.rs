//! Customizable contraction hierarchies against plain Dijkstra on random small graphs: one
//! contraction, several random re-weightings (forbidden edges among them), the same weights for
//! every pair and paths made of real edges that add up.

use proptest::prelude::*;
use silkroute_graph::hierarchy::{meet, Cch, CchQuery, Weight, INFINITY};

mod common;

/// Dijkstra from several weighted starts on `edges` weighted by `weights`; the reference.
fn dijkstra(
    n: usize,
    edges: &[(u32, u32)],
    weights: &[Weight],
    starts: &[(u32, Weight)],
) -> Vec<Weight> {
    let weighted: Vec<(u32, u32, Weight)> = edges
        .iter()
        .zip(weights)
        .map(|(&(a, b), &w)| (a, b, w))
        .collect();
    common::dijkstra(n, &weighted, starts)
}

/// A random graph: nodes with coordinates (some sharing one, as a place's layers do), edges
/// with loops and parallels, and three weightings of them in which an edge may be forbidden.
type Case = (Vec<[f64; 2]>, Vec<(u32, u32)>, Vec<Vec<Weight>>);

fn case() -> impl Strategy<Value = Case> {
    (2usize..60).prop_flat_map(|n| {
        let coordinate =
            (0u8..8, 0u8..8).prop_map(|(x, y)| [70.0 + x as f64 * 0.5, 40.0 + y as f64 * 0.5]);
        let edge = (0..n as u32, 0..n as u32);
        (
            prop::collection::vec(coordinate, n),
            prop::collection::vec(edge, 0..n * 4),
        )
            .prop_flat_map(|(coordinates, edges)| {
                let m = edges.len();
                let weight = prop_oneof![8 => 0u32..100, 1 => Just(INFINITY)];
                let weighting = prop::collection::vec(weight, m);
                (
                    Just(coordinates),
                    Just(edges),
                    prop::collection::vec(weighting, 3),
                )
            })
    })
}

/// Checks that `edges[path]` runs from `s` to `t` and weighs `weight`.
fn walk(
    edges: &[(u32, u32)],
    weights: &[Weight],
    path: &[u32],
    s: u32,
    t: u32,
) -> Result<Weight, TestCaseError> {
    let mut at = s;
    let mut sum: Weight = 0;
    for &e in path {
        let (tail, head) = edges[e as usize];
        prop_assert_eq!(tail, at);
        prop_assert!(weights[e as usize] != INFINITY, "a forbidden edge was used");
        at = head;
        sum += weights[e as usize];
    }
    prop_assert_eq!(at, t);
    Ok(sum)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn every_pair_under_every_weighting_matches_dijkstra((coordinates, edges, weightings) in case()) {
        let n = coordinates.len();
        let (cch, stats) = Cch::build(&coordinates, &edges);
        prop_assert!(cch.check(n, &edges).is_ok());
        prop_assert_eq!(stats.nodes, n);
        let mut state = None;
        for weights in &weightings {
            let metric = cch.customize(weights);
            // Parallel subtrees and split top nodes give the very same weights.
            for (task_nodes, split_lower) in [(1, 1), (2, 3), (7, 2), (n, usize::MAX)] {
                prop_assert_eq!(&cch.customize_split(weights, task_nodes, split_lower), &metric);
            }
            let mut q = CchQuery::new(&cch, &metric, state.take());
            for s in 0..n as u32 {
                let reference = dijkstra(n, &edges, weights, &[(s, 0)]);
                for t in 0..n as u32 {
                    match q.path(&[(s, 0)], &[(t, 0)]) {
                        None => prop_assert_eq!(reference[t as usize], INFINITY, "{} -> {}", s, t),
                        Some(p) => {
                            prop_assert_eq!(p.weight, reference[t as usize], "{} -> {}", s, t);
                            prop_assert_eq!((p.source, p.target), (s, t));
                            let sum = walk(&edges, weights, &p.edges, s, t)?;
                            prop_assert_eq!(sum, p.weight);
                        }
                    }
                }
            }
            state = Some(q.into_state());
        }
    }

    /// A customization changed in place for other weights (every edge's, or a few edges'
    /// raised, lowered or forbidden) equals a new customization for them.
    #[test]
    fn a_partial_customization_equals_a_whole_one(
        (coordinates, edges, weightings) in case(),
        changes in prop::collection::vec((0usize..240, prop_oneof![8 => 0u32..100, 1 => Just(INFINITY)]), 0..6),
    ) {
        let (cch, _) = Cch::build(&coordinates, &edges);
        let mut metric = cch.customize(&weightings[0]);
        for weights in &weightings[1..] {
            cch.recustomize(&mut metric, weights);
            prop_assert_eq!(&metric, &cch.customize(weights));
            // Then a few edges changed, as a scenario or a place avoided changes them.
            let mut changed = weights.clone();
            for &(e, w) in &changes {
                if let Some(old) = changed.get_mut(e) {
                    *old = w;
                }
            }
            let recomputed = cch.recustomize(&mut metric, &changed);
            prop_assert_eq!(&metric, &cch.customize(&changed));
            // Each arc at most once: arcs are recomputed lowest first.
            prop_assert!(recomputed <= cch.arcs());
            if changed == *weights {
                prop_assert_eq!(recomputed, 0, "nothing changed, nothing recomputed");
            }
        }
    }

    #[test]
    fn several_weighted_sources_and_targets((coordinates, edges, weightings) in case(), picks in prop::collection::vec((0u32..60, 0u32..30), 4)) {
        let n = coordinates.len() as u32;
        let (cch, _) = Cch::build(&coordinates, &edges);
        let sources = [(picks[0].0 % n, picks[0].1), (picks[1].0 % n, picks[1].1)];
        let targets = [(picks[2].0 % n, picks[2].1), (picks[3].0 % n, picks[3].1)];
        for weights in &weightings {
            let metric = cch.customize(weights);
            let mut q = CchQuery::new(&cch, &metric, None);
            let reference = dijkstra(n as usize, &edges, weights, &sources);
            let expected = targets
                .iter()
                .map(|&(t, w)| reference[t as usize].saturating_add(w))
                .min()
                .unwrap();
            prop_assert_eq!(q.distance(&sources, &targets).unwrap_or(INFINITY), expected);
            // A matrix's way: each side's labels alone, then where they meet.
            let (forward, backward) = (q.labels(&sources, true), q.labels(&targets, false));
            let met = meet(&forward, &backward);
            prop_assert_eq!(met.map_or(INFINITY, |(w, _)| w), expected);
            if let Some((w, rank)) = met {
                let p = q.path_of_labels(&forward, &backward, w, rank).expect("unpacks");
                let start = sources.iter().filter(|s| s.0 == p.source).map(|s| s.1).min().unwrap();
                let end = targets.iter().filter(|t| t.0 == p.target).map(|t| t.1).min().unwrap();
                let sum = walk(&edges, weights, &p.edges, p.source, p.target)?;
                prop_assert_eq!(start + sum + end, expected);
            }
            if let Some(p) = q.path(&sources, &targets) {
                prop_assert_eq!(p.weight, expected);
                let start = sources.iter().filter(|s| s.0 == p.source).map(|s| s.1).min().unwrap();
                let end = targets.iter().filter(|t| t.0 == p.target).map(|t| t.1).min().unwrap();
                let sum = walk(&edges, weights, &p.edges, p.source, p.target)?;
                prop_assert_eq!(start + sum + end, expected);
            } else {
                prop_assert_eq!(expected, INFINITY);
            }
        }
    }
}

#[test]
fn a_grid_keeps_its_shortest_paths_under_a_closure() {
    // 30 × 30 grid of both directions; then the middle column is closed (a border shut).
    let side = 30u32;
    let id = |x: u32, y: u32| y * side + x;
    let mut edges = Vec::new();
    let mut weights = Vec::new();
    let mut coordinates = Vec::new();
    for y in 0..side {
        for x in 0..side {
            coordinates.push([75.0 + x as f64 * 0.1, 42.0 + y as f64 * 0.1]);
            let w = 10 + (x * 7 + y * 13) % 17;
            if x + 1 < side {
                edges.extend([(id(x, y), id(x + 1, y)), (id(x + 1, y), id(x, y))]);
                weights.extend([w, w]);
            }
            if y + 1 < side {
                edges.extend([(id(x, y), id(x, y + 1)), (id(x, y + 1), id(x, y))]);
                weights.extend([w + 3, w + 3]);
            }
        }
    }
    let n = (side * side) as usize;
    let (cch, stats) = Cch::build(&coordinates, &edges);
    // A grid's elimination tree is shallow: about a separator per level, not a path.
    assert!(stats.tree_height < 4 * side as usize, "{stats:?}");
    let closed: Vec<Weight> = edges
        .iter()
        .zip(&weights)
        .map(|(&(a, b), &w)| {
            if a % side == side / 2 || b % side == side / 2 {
                INFINITY
            } else {
                w
            }
        })
        .collect();
    for weights in [&weights, &closed] {
        let metric = cch.customize(weights);
        let mut q = CchQuery::new(&cch, &metric, None);
        for s in (0..n as u32).step_by(37) {
            let reference = dijkstra(n, &edges, weights, &[(s, 0)]);
            for t in (0..n as u32).step_by(11) {
                assert_eq!(
                    q.distance(&[(s, 0)], &[(t, 0)]).unwrap_or(INFINITY),
                    reference[t as usize]
                );
            }
        }
    }
    // The closure made from the open grid's customization by a partial one: the same
    // weights; given no room, the partial customization gives up.
    let changed: Vec<(u32, Weight)> = (0..edges.len() as u32)
        .filter(|&e| closed[e as usize] != weights[e as usize])
        .map(|e| (e, INFINITY))
        .collect();
    let mut metric = cch.customize(&weights);
    assert_eq!(
        cch.recustomize_within(&mut metric.clone(), &changed, 0),
        None
    );
    let recomputed = cch
        .recustomize_within(&mut metric, &changed, cch.triangles() * 8)
        .expect("room enough");
    assert_eq!(metric, cch.customize(&closed));
    assert!(
        recomputed > changed.len() / 2,
        "{recomputed} arcs recomputed"
    );
    // With the column closed, the west cannot reach the east.
    let metric = cch.customize(&closed);
    let mut q = CchQuery::new(&cch, &metric, None);
    assert_eq!(q.path(&[(id(0, 0), 0)], &[(id(side - 1, 0), 0)]), None);
}

#[test]
fn a_damaged_hierarchy_is_refused_by_check() {
    let coordinates = [[0.0, 0.0], [1.0, 0.0], [1.0, 1.0]];
    let edges = vec![(0, 1), (1, 2), (2, 0)];
    let (cch, _) = Cch::build(&coordinates, &edges);
    assert!(cch.check(3, &edges).is_ok());
    assert!(cch.check(4, &edges).is_err(), "a node too many");
    assert!(cch.check(3, &edges[..2]).is_err(), "an edge too few");
    let other = vec![(0, 1), (1, 2), (1, 1)];
    assert!(cch.check(3, &other).is_err(), "an edge on the wrong arc");
}
