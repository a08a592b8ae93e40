//! Times each step of a scenario on a graph file (`cargo run --release -p silkroute-route
//! --example derive_timing -- FILE.srg SCENARIO.toml`): open, copy the network, apply, lay
//! the edited elements again (when only elements were edited), compile in the frame of the
//! file's graph, find the file's edges again, and all of
//! `Router::derive` (the customization is timed by the server, in the background).

use silkroute_graph::{compile_edited, compile_in_frame, read_graph_file, EdgeFrame};
use silkroute_route::Router;
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let t = Instant::now();
    let c = read_graph_file(std::path::Path::new(&args[1])).expect("graph file");
    println!("open {:.2} s", t.elapsed().as_secs_f64());
    let t = Instant::now();
    let baseline = Router::from_compiled(c).expect("router");
    println!("router {:.2} s", t.elapsed().as_secs_f64());
    let t = Instant::now();
    let copy = baseline.network().clone();
    println!("clone {:.2} s", t.elapsed().as_secs_f64());
    drop(copy);
    let t = Instant::now();
    let s = silkroute_feed::resolve_scenario(&args[2]).expect("scenario");
    let net = s.applied_to(baseline.network()).expect("applies");
    println!("apply {:.2} s", t.elapsed().as_secs_f64());
    let t = Instant::now();
    if let Some(edits) = net.edits_from(baseline.network()) {
        let edited = compile_edited(&net, &edits, baseline.graph()).expect("compiles");
        println!(
            "lay the {} edited elements and {} services again {:.2} s ({})",
            edits.links.len() + edits.borders.len() + edits.transfers.len(),
            edits.services.len(),
            t.elapsed().as_secs_f64(),
            edited.is_some()
        );
    }
    let t = Instant::now();
    let graph = compile_in_frame(&net, baseline.graph())
        .expect("compiles")
        .expect("in frame");
    println!("compile in frame {:.2} s", t.elapsed().as_secs_f64());
    let t = Instant::now();
    // (Framed on the stored graph: a scenario that opens planned elements is framed on every
    // element's graph by `derive`, and shows `false` here.)
    let frame = EdgeFrame::of(&graph, baseline.graph());
    println!(
        "edge frame {:.2} s ({})",
        t.elapsed().as_secs_f64(),
        frame.is_some()
    );
    drop(graph);
    let t = Instant::now();
    let derived = baseline.derive(net, vec![s.name]).expect("derive");
    println!("derive (all) {:.2} s", t.elapsed().as_secs_f64());
    drop(derived);
}
