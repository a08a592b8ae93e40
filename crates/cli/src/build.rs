//! `silkroute build [FEED] -o FILE`: compile a feed into a graph file with contraction
//! hierarchies (one per metric, and a customizable one for any other weights), for fast
//! queries on big networks.

use crate::args::BuildArgs;
use crate::context::{apply_scenarios, load_network};
use crate::failure::{CmdResult, Failure};
use rayon::prelude::*;
use silkroute_graph::hierarchy::{prepare, prepare_customizable};
use silkroute_graph::{compile, compile_for_customizable, EdgeFrame, EdgeShape, GraphFileWriter};
use silkroute_route::{stored_customization, Cargo, Criterion, Objective};
use std::process::ExitCode;
use std::time::Instant;

pub fn run(args: BuildArgs) -> CmdResult {
    let started = Instant::now();
    let (net, scenarios) = apply_scenarios(load_network(&args.feed)?, &args.scenario)?;
    let loaded = started.elapsed();
    // With a customizable hierarchy, the graph holds a node for every element and the
    // hierarchy is prepared on every element, open or not, so that a scenario that opens a
    // closed or planned one re-weights it.
    let (graph, every_element) = if args.no_customizable {
        (compile(&net).map_err(Failure::failed)?, None)
    } else {
        compile_for_customizable(&net).map_err(Failure::failed)?
    };
    let compiled_at = started.elapsed();
    eprintln!(
        "loaded {} places and {} links in {:.2} s{}; graph of {} nodes and {} edges in {:.2} s",
        net.places.len(),
        net.links.len(),
        loaded.as_secs_f64(),
        if scenarios.is_empty() {
            String::new()
        } else {
            format!(" (scenarios: {})", scenarios.join(", "))
        },
        graph.nodes().len(),
        graph.edges().len(),
        (compiled_at - loaded).as_secs_f64()
    );
    // The customizations to store: each criterion once, none without a customizable hierarchy.
    let mut customized: Vec<Criterion> = Vec::new();
    for c in args.customize.iter().flatten() {
        if !customized.contains(c) && !args.no_customizable {
            customized.push(*c);
        }
    }
    // The file is written part by part and each part dropped once written: the network (most
    // of the memory at 2 M nodes) goes before anything is contracted.
    let mut file = GraphFileWriter::create(
        &args.output,
        &args.metrics,
        !args.no_customizable,
        every_element.is_some(),
        customized.len(),
    )
    .map_err(Failure::failed)?;
    // Where the graph's edges are among every element's, stored beside its shape.
    let frame = match &every_element {
        Some(every) => Some(EdgeFrame::of(&graph, every).ok_or_else(|| {
            Failure::failed(anyhow::anyhow!(
                "the graph has an edge that every element's graph has not"
            ))
        })?),
        None => None,
    };
    file.network(&net, &graph, every_element.as_ref().zip(frame.as_ref()))
        .map_err(Failure::failed)?;
    // Every element's graph has the graph's nodes: the same coordinates.
    let coordinates = (!args.no_customizable).then(|| graph.coordinates(&net));
    drop(net);
    if let Some(coordinates) = coordinates {
        let t = Instant::now();
        let (cch, stats) = match &every_element {
            Some(every) => prepare_customizable(every, &coordinates),
            None => prepare_customizable(&graph, &coordinates),
        };
        let not_open = every_element
            .as_ref()
            .map_or(0, |every| every.edge_count() - graph.edges().len());
        drop(every_element);
        eprintln!(
            "customizable hierarchy: {} arcs, elimination tree {} high, in {:.2} s{}",
            stats.arcs,
            stats.tree_height,
            t.elapsed().as_secs_f64(),
            if not_open > 0 {
                format!(" (with the {not_open} edges of closed and planned elements, forbidden until a scenario opens them)")
            } else {
                String::new()
            }
        );
        file.customizable(&cch).map_err(Failure::failed)?;
        release_freed_memory();
        for (i, &criterion) in customized.iter().enumerate() {
            let t = Instant::now();
            let objective = Objective::Least(criterion);
            let c = stored_customization(&cch, &graph, frame.as_ref(), objective, Cargo::default());
            file.customization(i, &c).map_err(Failure::failed)?;
            eprintln!(
                "customized for {criterion} (stored: {:.1} MB) in {:.2} s",
                (c.metric.arcs() * 8 + c.metric.edge_weights().len() * 4) as f64 / 1e6,
                t.elapsed().as_secs_f64()
            );
        }
    }
    let hierarchies: Vec<_> = args
        .metrics
        .par_iter()
        .map(|&m| {
            let t = Instant::now();
            let (h, stats) = prepare(&graph, m);
            eprintln!(
                "contracted for {m}: {} arcs, {} shortcuts, in {:.2} s",
                stats.arcs,
                stats.shortcuts,
                t.elapsed().as_secs_f64()
            );
            (m, h)
        })
        .collect();
    for (m, h) in &hierarchies {
        file.hierarchy(*m, h).map_err(Failure::failed)?;
    }
    let bytes = file.finish().map_err(Failure::failed)?;
    eprintln!(
        "wrote {} ({:.1} MB) in {:.2} s in all",
        args.output.display(),
        bytes as f64 / 1e6,
        started.elapsed().as_secs_f64()
    );
    Ok(ExitCode::SUCCESS)
}

/// Gives the heap memory freed so far back to the system. glibc keeps freed memory of small
/// and middle-sized blocks for reuse; the contraction of the customizable hierarchy leaves
/// hundreds of MB of them (a list of higher neighbours per node) while each customization
/// that follows takes two fresh arrays of 4 bytes per arc, so without this the build's peak
/// is those arrays above the kept garbage (3.17 GB at 2 M nodes; docs/big-networks.md).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn release_freed_memory() {
    // SAFETY: malloc_trim only releases free memory of the allocator's own arenas; it takes
    // no pointer and touches no live allocation.
    #[allow(unsafe_code)]
    unsafe {
        libc::malloc_trim(0);
    }
}

/// Elsewhere the allocator keeps what it keeps.
#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn release_freed_memory() {}
