//! silkroute's contraction hierarchy versus the fast_paths crate on one graph file, same
//! integer weights (the `time` metric), same random queries; answers must be equal.
//! Usage: ch-peers GRAPH.srg [QUERIES] [MATRIX_SIDE] [edges.csv] [answers.csv]
//!        ch-peers prep ours|fast_paths EDGES.bin   (peak memory of one preprocessing alone;
//!        EDGES.bin is written by the first form as GRAPH.srg.edges: u32 little-endian
//!        node count, then tail, head, weight per edge)
//!        ch-peers cch GRAPH.srg ANSWERS.csv   (the customizable hierarchy: order, contraction,
//!        customization for time and for cost, queries on the pairs of ANSWERS.csv, written by
//!        the first form, answers compared; also writes GRAPH.srg.coords: f32 little-endian
//!        latitude then longitude per node, for RoutingKit's inertial-flow order)
//!        ch-peers query GRAPH.srg ANSWERS.csv   (the file's `time` hierarchy as stored, the
//!        pairs of ANSWERS.csv queried back to back for their distance, as the RoutingKit
//!        driver does; answers compared; without ANSWERS.csv, 10,000 random pairs answered by
//!        that hierarchy are written to it; `… rebuild` contracts the file's edges afresh and
//!        writes the order as GRAPH.srg.rank for RoutingKit's build_given_rank)
//!        ch-peers partial GRAPH.srg [CLOSURES]   (partial customization: the customizable
//!        hierarchy customized for time, then CLOSURES random nodes closed one at a time (every
//!        edge in or out forbidden) and opened again, and the line between columns 700 and 701
//!        closed on rows 600–800 (scaled to smaller grids), each by recomputing the arcs it reaches; one closure checked
//!        against a whole customization. Writes GRAPH.srg.cchorder (our order, u32 per rank)
//!        and GRAPH.srg.changes (the edges of each change, one line each) for RoutingKit's
//!        partial customization on the same arcs)
//! Prints one JSON object.

use silkroute_graph::hierarchy::{Hierarchy, HierarchyQuery, Weight};
use silkroute_graph::{read_graph_file, Metric};
use std::time::Instant;

fn rss_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1).map(|v| v.parse().unwrap_or(0)))
        })
        .unwrap_or(0)
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

/// fast_paths' preprocessing of the same edges (loops left out, as ours does).
fn fast_paths_prepare(edges: &[(u32, u32, Weight)]) -> fast_paths::FastGraph {
    let mut input = fast_paths::InputGraph::new();
    for &(a, b, w) in edges {
        if a != b {
            input.add_edge(a as usize, b as usize, w as usize);
        }
    }
    input.freeze();
    fast_paths::prepare(&input)
}

fn prep_only(which: &str, file: &str) {
    let bytes = std::fs::read(file).expect("edge file");
    let words: Vec<u32> = bytes
        .chunks_exact(4)
        .map(|c| u32::from_le_bytes(c.try_into().unwrap()))
        .collect();
    drop(bytes);
    let n = words[0] as usize;
    let edges: Vec<(u32, u32, Weight)> = words[1..]
        .chunks_exact(3)
        .map(|c| (c[0], c[1], c[2]))
        .collect();
    drop(words);
    let before = rss_kb();
    let t = Instant::now();
    let extra = match which {
        "ours" => Hierarchy::build(n, &edges).1.shortcuts,
        _ => {
            let fp = fast_paths_prepare(&edges);
            fp.get_num_out_edges() + fp.get_num_in_edges()
        }
    };
    println!(
        "{{\"prep\":\"{which}\",\"nodes\":{n},\"edges\":{},\"seconds\":{:.2},\"arcs_or_shortcuts\":{extra},\"rss_kb_edges_loaded\":{before},\"peak_rss_kb\":{}}}",
        edges.len(),
        t.elapsed().as_secs_f64(),
        rss_kb()
    );
}

/// The customizable hierarchy on the graph file's edges, against the answers of the CH.
fn cch(file: &str, answers: &str) {
    use silkroute_graph::hierarchy::{prepare_customizable, CchQuery};
    let c = read_graph_file(std::path::Path::new(file)).expect("graph file");
    let g = &c.graph;
    let mut coords = Vec::with_capacity(g.nodes().len() * 8);
    for node in g.nodes() {
        let p = c.network.place(node.place);
        coords.extend_from_slice(&(p.lat as f32).to_le_bytes());
        coords.extend_from_slice(&(p.lon as f32).to_le_bytes());
    }
    std::fs::write(format!("{file}.coords"), coords).unwrap();
    let time: Vec<Weight> = g
        .edges()
        .iter()
        .map(|e| Metric::Time.edge_weight(e))
        .collect();
    let cost: Vec<Weight> = g
        .edges()
        .iter()
        .map(|e| Metric::Cost.edge_weight(e))
        .collect();
    let before = rss_kb();
    let t = Instant::now();
    // CCH_ORDER=FILE: contract in another tool's order (u32 little-endian, node per rank).
    let (cch, stats) = match std::env::var("CCH_ORDER") {
        Ok(f) => {
            let b = std::fs::read(f).unwrap();
            let order = b
                .chunks_exact(4)
                .map(|c| u32::from_le_bytes(c.try_into().unwrap()))
                .collect();
            let pairs: Vec<(u32, u32)> = g.edges().iter().map(|e| (e.tail.0, e.head.0)).collect();
            silkroute_graph::hierarchy::Cch::from_order(order, &pairs)
        }
        Err(_) => prepare_customizable(g, &g.coordinates(&c.network)),
    };
    let prep = t.elapsed().as_secs_f64();
    let after_prep = rss_kb();
    let t = Instant::now();
    let metric = cch.customize(&time);
    let customize_time = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let metric_cost = cch.customize(&cost);
    let customize_cost = t.elapsed().as_secs_f64();
    drop(metric_cost);
    // The pairs and their answers: ANSWERS.csv when it exists, else 10,000 random pairs
    // answered by the file's time hierarchy (written to ANSWERS.csv for RoutingKit).
    let pairs = read_or_write_answers(
        answers,
        c.hierarchy(Metric::Time)
            .expect("a time hierarchy in the file"),
        g.nodes().len() as u32,
    );
    let mut q = CchQuery::new(&cch, &metric, None);
    let mut dist_t = Vec::with_capacity(pairs.len());
    let mut path_t = Vec::with_capacity(pairs.len());
    let mut mismatches = 0;
    for &(a, b, want) in &pairs {
        let t = Instant::now();
        let got = q.distance(&[(a, 0)], &[(b, 0)]);
        dist_t.push(t.elapsed().as_secs_f64());
        let t = Instant::now();
        let p = q.path(&[(a, 0)], &[(b, 0)]);
        path_t.push(t.elapsed().as_secs_f64());
        if got != want || p.map(|p| p.weight) != want {
            mismatches += 1;
        }
    }
    println!(
        "{{\"cch\":\"{file}\",\"nodes\":{},\"arcs\":{},\"tree_height\":{},\"prep_s\":{prep:.2},\"rss_kb_before\":{before},\"peak_rss_kb_after_prep\":{after_prep},\"customize_time_s\":{customize_time:.3},\"customize_cost_s\":{customize_cost:.3},\"queries\":{},\"mismatches\":{mismatches},\"distance_median_us\":{:.2},\"path_median_us\":{:.2}}}",
        stats.nodes,
        stats.arcs,
        stats.tree_height,
        pairs.len(),
        median(dist_t) * 1e6,
        median(path_t) * 1e6,
    );
}

/// Partial customizations: closures of single nodes and of a line across the grid.
fn partial(file: &str, closures: usize) {
    use rand::{Rng, SeedableRng};
    use silkroute_graph::hierarchy::{prepare_customizable, INFINITY};
    let c = read_graph_file(std::path::Path::new(file)).expect("graph file");
    let g = &c.graph;
    let time: Vec<Weight> = g
        .edges()
        .iter()
        .map(|e| Metric::Time.edge_weight(e))
        .collect();
    let t = Instant::now();
    let (cch, stats) = prepare_customizable(g, &g.coordinates(&c.network));
    let prep = t.elapsed().as_secs_f64();
    std::fs::write(
        format!("{file}.cchorder"),
        cch.order()
            .iter()
            .flat_map(|v| v.to_le_bytes())
            .collect::<Vec<u8>>(),
    )
    .unwrap();
    let t = Instant::now();
    let mut metric = cch.customize(&time);
    let customize_s = t.elapsed().as_secs_f64();
    // A node's column and row from its place's id, `gCOL-ROW`.
    let cell = |node: u32| -> Option<(u32, u32)> {
        let id = &c.network.place(g.nodes()[node as usize].place).id;
        let (col, row) = id.strip_prefix('g')?.split_once('-')?;
        Some((col.parse().ok()?, row.parse().ok()?))
    };
    let mut changes: Vec<Vec<u32>> = Vec::new();
    let mut rng = rand::rngs::StdRng::seed_from_u64(7);
    let n = g.nodes().len() as u32;
    let picked: Vec<u32> = (0..closures).map(|_| rng.random_range(0..n)).collect();
    let touching: Vec<Vec<u32>> = {
        let mut by_node: std::collections::HashMap<u32, Vec<u32>> =
            picked.iter().map(|&v| (v, Vec::new())).collect();
        for (i, e) in g.edges().iter().enumerate() {
            for end in [e.tail.0, e.head.0] {
                if let Some(list) = by_node.get_mut(&end) {
                    list.push(i as u32);
                }
            }
        }
        picked.iter().map(|v| by_node[v].clone()).collect()
    };
    changes.extend(touching);
    // The barrier scenario's line at 2 M nodes (1,415 columns), scaled to the grid's size.
    let side = (0..n)
        .filter_map(cell)
        .map(|(col, _)| col)
        .max()
        .unwrap_or(0)
        + 1;
    let scaled = |v: u32| v * side / 1415;
    let (column, rows) = (scaled(700), scaled(600)..=scaled(800));
    let line: Vec<u32> = g
        .edges()
        .iter()
        .enumerate()
        .filter(|(_, e)| match (cell(e.tail.0), cell(e.head.0)) {
            (Some((ca, ra)), Some((cb, rb))) => {
                ca.min(cb) <= column && ca.max(cb) > column && rows.contains(&ra.min(rb))
            }
            _ => false,
        })
        .map(|(i, _)| i as u32)
        .collect();
    changes.push(line);
    let mut out = String::new();
    for list in &changes {
        out.push_str(
            &list
                .iter()
                .map(u32::to_string)
                .collect::<Vec<_>>()
                .join(" "),
        );
        out.push('\n');
    }
    std::fs::write(format!("{file}.changes"), out).unwrap();
    let (mut close_t, mut open_t, mut close_arcs) = (Vec::new(), Vec::new(), Vec::new());
    let mut weights = time.clone();
    let mut checked = false;
    let mut line_json = String::new();
    for (k, list) in changes.iter().enumerate() {
        let close: Vec<(u32, Weight)> = list.iter().map(|&e| (e, INFINITY)).collect();
        let open: Vec<(u32, Weight)> = list.iter().map(|&e| (e, time[e as usize])).collect();
        let t = Instant::now();
        let arcs = cch.recustomize_edges(&mut metric, &close);
        let closed = t.elapsed().as_secs_f64();
        if !checked && !list.is_empty() {
            for &e in list {
                weights[e as usize] = INFINITY;
            }
            assert!(
                metric == cch.customize(&weights),
                "partial differs from whole"
            );
            weights.clone_from(&time);
            checked = true;
        }
        let t = Instant::now();
        let back = cch.recustomize_edges(&mut metric, &open);
        let opened = t.elapsed().as_secs_f64();
        if k == changes.len() - 1 {
            line_json = format!(
                "\"line_edges\":{},\"line_close_ms\":{:.3},\"line_arcs\":{arcs},\"line_open_ms\":{:.3},\"line_open_arcs\":{back}",
                list.len(),
                closed * 1e3,
                opened * 1e3
            );
        } else {
            close_t.push(closed);
            open_t.push(opened);
            close_arcs.push(arcs as f64);
        }
    }
    // The same closure given as a whole weight vector: the pass that finds what changed.
    let whole_vector_t = {
        for &e in &changes[0] {
            weights[e as usize] = INFINITY;
        }
        let t = Instant::now();
        cch.recustomize(&mut metric, &weights);
        t.elapsed().as_secs_f64()
    };
    let clone_t = {
        let t = Instant::now();
        let copy = metric.clone();
        let s = t.elapsed().as_secs_f64();
        drop(copy);
        s
    };
    println!(
        "{{\"partial\":\"{file}\",\"nodes\":{},\"arcs\":{},\"prep_s\":{prep:.2},\"customize_s\":{customize_s:.3},\"triangles\":{},\"closures\":{},\"close_median_ms\":{:.3},\"close_max_ms\":{:.3},\"close_median_arcs\":{},\"open_median_ms\":{:.3},{line_json},\"first_closure_as_weight_vector_ms\":{:.3},\"metric_clone_ms\":{:.1},\"checked_against_whole\":{checked}}}",
        stats.nodes,
        stats.arcs,
        cch.triangles(),
        close_t.len(),
        median(close_t.clone()) * 1e3,
        close_t.iter().cloned().fold(0.0, f64::max) * 1e3,
        median(close_arcs),
        median(open_t) * 1e3,
        whole_vector_t * 1e3,
        clone_t * 1e3,
    );
}

/// The query pairs and their answers: ANSWERS.csv when it exists, else 10,000 random pairs of
/// the `nodes` nodes (seed 42) answered by `h`, written to ANSWERS.csv for RoutingKit's driver.
fn read_or_write_answers(answers: &str, h: &Hierarchy, nodes: u32) -> Vec<(u32, u32, Option<u32>)> {
    if let Ok(text) = std::fs::read_to_string(answers) {
        return text
            .lines()
            .skip(1)
            .map(|l| {
                let f: Vec<&str> = l.split(',').collect();
                (
                    f[0].parse().unwrap(),
                    f[1].parse().unwrap(),
                    f[2].parse().ok(),
                )
            })
            .collect();
    }
    use rand::{Rng, SeedableRng};
    let mut hq = HierarchyQuery::new(h);
    let mut rng = rand::rngs::StdRng::seed_from_u64(42);
    let pairs: Vec<_> = (0..10_000)
        .map(|_| {
            let (a, b) = (rng.random_range(0..nodes), rng.random_range(0..nodes));
            (a, b, hq.distance(&[(a, 0)], &[(b, 0)]))
        })
        .collect();
    let mut out = String::from("source,target,distance\n");
    for (a, b, d) in &pairs {
        out.push_str(&format!(
            "{a},{b},{}\n",
            d.map_or(String::new(), |d| d.to_string())
        ));
    }
    std::fs::write(answers, out).unwrap();
    pairs
}

fn query(file: &str, answers: &str, rebuild: bool) {
    let c = read_graph_file(std::path::Path::new(file)).expect("graph file");
    let (built, prep_s, rank_out) = if rebuild {
        let edges: Vec<(u32, u32, Weight)> = c
            .graph
            .edges()
            .iter()
            .map(|e| (e.tail.0, e.head.0, Metric::Time.edge_weight(e)))
            .collect();
        let t = Instant::now();
        let (h, _) = Hierarchy::build(c.graph.nodes().len(), &edges);
        (
            Some(h),
            t.elapsed().as_secs_f64(),
            Some(format!("{file}.rank")),
        )
    } else {
        (None, 0.0, None)
    };
    let h = built.as_ref().unwrap_or_else(|| {
        c.hierarchy(Metric::Time)
            .expect("a time hierarchy in the file")
    });
    if let Some(out) = rank_out {
        // For RoutingKit's build_given_rank: the rank of every node, u32 little-endian.
        let ranks: Vec<u8> = (0..h.nodes() as u32)
            .flat_map(|v| h.rank_of(v).to_le_bytes())
            .collect();
        std::fs::write(out, ranks).unwrap();
    }
    // ANSWERS.csv when it exists, else 10,000 random pairs answered by this hierarchy (written
    // to ANSWERS.csv for RoutingKit's driver).
    let pairs = read_or_write_answers(answers, h, c.graph.nodes().len() as u32);
    let mut q = HierarchyQuery::new(h);
    // CH_PEERS_REPEAT=R runs the pairs R times and reports the lowest median (each run's median
    // on stderr): this VM's neighbours move a single run's median by ±10 %.
    let repeat: usize = std::env::var("CH_PEERS_REPEAT")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(1);
    let (mut best, mut medians) = (f64::INFINITY, Vec::new());
    let (mut settled, mut mismatches) = (0usize, 0);
    for _ in 0..repeat.max(1) {
        let mut times = Vec::new();
        (settled, mismatches) = (0, 0);
        for &(a, b, want) in &pairs {
            let t = Instant::now();
            let d = q.distance(&[(a, 0)], &[(b, 0)]);
            times.push(t.elapsed().as_secs_f64());
            settled += q.last_settled();
            if d != want {
                mismatches += 1;
            }
        }
        let m = median(times) * 1e6;
        medians.push(format!("{m:.2}"));
        best = best.min(m);
    }
    eprintln!("medians: {}", medians.join(","));
    println!(
        "{{\"graph\":\"{file}\",\"rebuilt_prep_s\":{prep_s:.2},\"queries\":{},\"mismatches\":{mismatches},\"ours_mean_settled\":{},\"ours_median_us\":{best:.2}}}",
        pairs.len(),
        settled / pairs.len().max(1),
    );
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("prep") {
        return prep_only(&args[2], &args[3]);
    }
    if args.get(1).map(String::as_str) == Some("query") {
        return query(
            &args[2],
            &args[3],
            args.get(4).is_some_and(|a| a == "rebuild"),
        );
    }
    if args.get(1).map(String::as_str) == Some("partial") {
        return partial(&args[2], args.get(3).map_or(100, |s| s.parse().unwrap()));
    }
    if args.get(1).map(String::as_str) == Some("cch") {
        return cch(&args[2], &args[3]);
    }
    let path = std::path::Path::new(&args[1]);
    let queries: usize = args.get(2).map_or(10_000, |s| s.parse().unwrap());
    let side: usize = args.get(3).map_or(1000, |s| s.parse().unwrap());
    let t = Instant::now();
    let c = read_graph_file(path).expect("graph file");
    let load_s = t.elapsed().as_secs_f64();
    let g = &c.graph;
    let n = g.nodes().len();
    let edges: Vec<(u32, u32, Weight)> = g
        .edges()
        .iter()
        .map(|e| (e.tail.0, e.head.0, Metric::Time.edge_weight(e)))
        .collect();
    if let Some(out) = args.get(4) {
        let mut s = String::from("id,source,target,cost\n");
        for (i, (a, b, w)) in edges.iter().enumerate() {
            s.push_str(&format!("{i},{a},{b},{w}\n"));
        }
        std::fs::write(out, s).unwrap();
    }
    let mut dump = Vec::with_capacity(4 + edges.len() * 12);
    dump.extend_from_slice(&(n as u32).to_le_bytes());
    for &(a, b, w) in &edges {
        for x in [a, b, w] {
            dump.extend_from_slice(&x.to_le_bytes());
        }
    }
    std::fs::write(format!("{}.edges", path.display()), dump).unwrap();
    if std::env::var("CH_PEERS_DUMP_ONLY").is_ok() {
        return;
    }
    let rss_before = rss_kb();

    let t = Instant::now();
    let (ours, stats) = Hierarchy::build(n, &edges);
    let ours_prep = t.elapsed().as_secs_f64();
    let rss_ours = rss_kb();

    let t = Instant::now();
    let fp = fast_paths_prepare(&edges);
    let fp_prep = t.elapsed().as_secs_f64();
    let rss_fp = rss_kb();

    use rand::{Rng, SeedableRng};
    let mut rng = rand::rngs::StdRng::seed_from_u64(42);
    let pairs: Vec<(u32, u32)> = (0..queries)
        .map(|_| (rng.random_range(0..n as u32), rng.random_range(0..n as u32)))
        .collect();
    let mut q = HierarchyQuery::new(&ours);
    let mut fpc = fast_paths::create_calculator(&fp);
    let mut ours_t = Vec::with_capacity(queries);
    let mut fp_t = Vec::with_capacity(queries);
    let mut mismatches = 0;
    let mut reachable = 0;
    let mut settled = 0usize;
    let mut answers = String::from("source,target,distance\n");
    for &(a, b) in &pairs {
        let t = Instant::now();
        let d = q.distance(&[(a, 0)], &[(b, 0)]);
        ours_t.push(t.elapsed().as_secs_f64());
        settled += q.last_settled();
        let t = Instant::now();
        let p = fpc.calc_path(&fp, a as usize, b as usize);
        fp_t.push(t.elapsed().as_secs_f64());
        let fd = p.map(|p| p.get_weight() as u64);
        if d.map(u64::from) != fd {
            mismatches += 1;
        }
        if d.is_some() {
            reachable += 1;
        }
        answers.push_str(&format!(
            "{a},{b},{}\n",
            d.map_or(String::new(), |d| d.to_string())
        ));
    }
    if let Some(out) = args.get(5) {
        std::fs::write(out, &answers).unwrap();
    }
    // Matrix: ours by buckets; fast_paths has no many-to-many, so side × side single queries
    // on a sample of rows, extrapolated.
    let sources: Vec<Vec<(u32, Weight)>> = (0..side)
        .map(|_| vec![(rng.random_range(0..n as u32), 0)])
        .collect();
    let targets: Vec<Vec<(u32, Weight)>> = (0..side)
        .map(|_| vec![(rng.random_range(0..n as u32), 0)])
        .collect();
    let t = Instant::now();
    let m = ours.many_to_many(&sources, &targets);
    let ours_matrix = t.elapsed().as_secs_f64();
    let rows = 10.min(side);
    let t = Instant::now();
    let mut matrix_mismatch = 0;
    for (i, s) in sources.iter().take(rows).enumerate() {
        for (j, d) in targets.iter().enumerate() {
            let w = fpc
                .calc_path(&fp, s[0].0 as usize, d[0].0 as usize)
                .map(|p| p.get_weight() as u64);
            if w != Some(m[i][j] as u64).filter(|&x| x != u32::MAX as u64) {
                matrix_mismatch += 1;
            }
        }
    }
    let fp_matrix = t.elapsed().as_secs_f64() * side as f64 / rows as f64;
    println!(
        "{{\"graph\":\"{}\",\"nodes\":{n},\"edges\":{},\"load_s\":{load_s:.3},\"ours_prep_s\":{ours_prep:.2},\"ours_shortcuts\":{},\"fast_paths_prep_s\":{fp_prep:.2},\"fast_paths_shortcuts\":{},\"rss_kb_before\":{rss_before},\"rss_kb_after_ours\":{rss_ours},\"rss_kb_after_fast_paths\":{rss_fp},\"queries\":{queries},\"reachable\":{reachable},\"mismatches\":{mismatches},\"ours_mean_settled\":{},\"ours_median_us\":{:.2},\"fast_paths_median_us\":{:.2},\"matrix\":\"{side}x{side}\",\"ours_matrix_s\":{ours_matrix:.3},\"fast_paths_matrix_s_extrapolated\":{fp_matrix:.2},\"matrix_mismatches_sampled\":{matrix_mismatch}}}",
        path.display(),
        edges.len(),
        stats.shortcuts,
        fp.get_num_out_edges() + fp.get_num_in_edges(),
        settled / queries.max(1),
        median(ours_t) * 1e6,
        median(fp_t) * 1e6,
    );
}
