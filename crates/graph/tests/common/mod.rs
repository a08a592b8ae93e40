//! What the hierarchy tests compare against.

use silkroute_graph::hierarchy::{Weight, INFINITY};
use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// Dijkstra from several weighted starts; the reference answer.
pub fn dijkstra(n: usize, edges: &[(u32, u32, Weight)], starts: &[(u32, Weight)]) -> Vec<Weight> {
    let mut adj = vec![Vec::new(); n];
    for &(t, h, w) in edges {
        if w != INFINITY {
            adj[t as usize].push((h, w));
        }
    }
    let mut dist = vec![INFINITY; n];
    let mut heap = BinaryHeap::new();
    for &(s, w) in starts {
        if w < dist[s as usize] {
            dist[s as usize] = w;
            heap.push(Reverse((w, s)));
        }
    }
    while let Some(Reverse((d, v))) = heap.pop() {
        if d > dist[v as usize] {
            continue;
        }
        for &(x, w) in &adj[v as usize] {
            let nd = d.saturating_add(w);
            if nd < dist[x as usize] {
                dist[x as usize] = nd;
                heap.push(Reverse((nd, x)));
            }
        }
    }
    dist
}
