//! Times silkroute queries on the built-in network and prints JSON (used by bench/peers.py,
//! which runs networkx and igraph on the same graph in the same run).
//!
//! `cargo run --release -p silkroute-route --example time_queries -- FROM TO REPEATS`

use silkroute_graph::compile;
use silkroute_model::{PlaceId, PlaceKind};
use silkroute_route::Criterion;
use silkroute_route::{matrix, pareto, route, Objective, ParetoRequest, PlaceFinder, RouteRequest};
use std::time::Instant;

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let from = args.get(1).map(String::as_str).unwrap_or("xian");
    let to = args.get(2).map(String::as_str).unwrap_or("tashkent");
    let repeats: usize = args.get(3).and_then(|r| r.parse().ok()).unwrap_or(200);
    let t = Instant::now();
    let net = silkroute_feed::builtin();
    let load_s = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let graph = compile(&net).expect("built-in network compiles");
    let compile_s = t.elapsed().as_secs_f64();
    let f = PlaceFinder::new(&net);
    let (a, b) = (
        f.find(from).expect("origin"),
        f.find(to).expect("destination"),
    );
    let req = RouteRequest::new(a, b, Objective::Least(Criterion::Time));
    let route_s = median(
        (0..repeats)
            .map(|_| {
                let t = Instant::now();
                let r = route(&net, &graph, &req).expect("route");
                std::hint::black_box(r);
                t.elapsed().as_secs_f64()
            })
            .collect(),
    );
    let best = route(&net, &graph, &req).expect("route").objective_value;
    let pr = ParetoRequest::new(req.clone());
    let mut menu = 0;
    let pareto_s = median(
        (0..repeats)
            .map(|_| {
                let t = Instant::now();
                let m = pareto(&net, &graph, &pr).expect("menu");
                menu = m.len();
                t.elapsed().as_secs_f64()
            })
            .collect(),
    );
    let terminals: Vec<PlaceId> = (0..net.places.len() as u32)
        .map(PlaceId)
        .filter(|p| net.place(*p).kind != PlaceKind::BorderPost)
        .collect();
    let mut cells = Vec::new();
    let matrix_s = median(
        (0..repeats.clamp(3, 20))
            .map(|_| {
                let t = Instant::now();
                cells = matrix(&net, &graph, &req, &terminals, &terminals);
                t.elapsed().as_secs_f64()
            })
            .collect(),
    );
    let reachable = cells
        .iter()
        .flatten()
        .filter(|c| c.objective_value.is_some())
        .count();
    let values: Vec<serde_json::Value> = cells
        .iter()
        .flatten()
        .filter(|c| c.from != c.to)
        .map(|c| serde_json::json!([c.from, c.to, c.objective_value]))
        .collect();
    println!(
        "{}",
        serde_json::json!({
            "nodes": graph.nodes().len(), "edges": graph.edges().len(), "places": net.places.len(),
            "load_s": load_s, "compile_s": compile_s,
            "route_median_s": route_s, "route_value_h": best,
            "pareto_median_s": pareto_s, "pareto_options": menu,
            "terminals": terminals.len(), "matrix_median_s": matrix_s, "matrix_reachable_cells": reachable,
            "matrix_values": values,
        })
    );
}
