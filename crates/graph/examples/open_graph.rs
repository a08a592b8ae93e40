//! Opens a graph file and says how long each step took and how much memory the process holds
//! (for docs/big-networks.md): `cargo run --release -p silkroute-graph --example open_graph -- FILE`.

use std::time::Instant;

fn rss_kb() -> String {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .unwrap_or("?")
            .to_string()
    };
    format!(
        "RSS {} kB (anonymous {} kB, file-backed {} kB)",
        field("VmRSS:"),
        field("RssAnon:"),
        field("RssFile:")
    )
}

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: open_graph FILE");
        std::process::exit(2);
    };
    let t = Instant::now();
    match silkroute_graph::read_graph_file(std::path::Path::new(&path)) {
        Ok(c) => {
            println!(
                "opened {path} in {:.1} ms: {} places, {} links, {} nodes, {} edges, {} hierarchies; {}",
                t.elapsed().as_secs_f64() * 1e3,
                c.network.places.len(),
                c.network.links.len(),
                c.graph.nodes().len(),
                c.graph.edges().len(),
                c.hierarchies.len(),
                rss_kb()
            );
        }
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    }
}
