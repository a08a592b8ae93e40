//! `silkroute export geojson`: the network as a GeoJSON FeatureCollection for QGIS.

use crate::args::{ExportArgs, ExportFormat};
use crate::context::{apply_scenarios, load_network};
use crate::failure::{CmdResult, Failure};
use crate::write::write_atomic;
use silkroute_model::Network;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

pub fn run(feed: &Option<PathBuf>, args: ExportArgs) -> CmdResult {
    let (net, _) = apply_scenarios(load_network(feed)?, &args.scenario)?;
    let text = match args.format {
        ExportFormat::Geojson => silkroute_feed::network_geojson(&net).to_string(),
        ExportFormat::GraphCsv => graph_csv(&net).map_err(Failure::failed)?,
    };
    match &args.output {
        Some(path) => {
            write_atomic(path, text.as_bytes()).map_err(Failure::failed)?;
            eprintln!("wrote {}", path.display());
        }
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(text.as_bytes())?;
            out.write_all(b"\n")?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The compiled graph as an edge list, with virtual boarding and arrival edges per place so that
/// a plain shortest-path library reproduces silkroute's answers from `from:X` to `to:Y`.
pub fn graph_csv(net: &Network) -> anyhow::Result<String> {
    let graph = silkroute_graph::compile(net)?;
    let cargo = silkroute_route::Cargo::default();
    let name = |n: silkroute_graph::NodeId| {
        let nd = graph.node(n);
        format!("{}|{}", net.place(nd.place).id, nd.layer)
    };
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "tail",
        "head",
        "kind",
        "element",
        "time_p50_h",
        "time_p90_h",
        "cost_usd",
        "co2e_kg",
        "distance_km",
    ])?;
    for (i, nd) in graph.nodes().iter().enumerate() {
        let n = silkroute_graph::NodeId(i as u32);
        let place = &net.place(nd.place).id;
        w.write_record([
            format!("from:{place}"),
            name(n),
            "board".into(),
            String::new(),
            nd.board_wait.p50_h.to_string(),
            nd.board_wait.p90_h.to_string(),
            "0".into(),
            "0".into(),
            "0".into(),
        ])?;
        w.write_record([
            name(n),
            format!("to:{place}"),
            "arrive".into(),
            String::new(),
            "0".into(),
            "0".into(),
            "0".into(),
            "0".into(),
            "0".into(),
        ])?;
    }
    for e in graph.edges() {
        let (kind, element) = e.kind().element_id(net);
        let (kind, element) = (kind.as_str(), element.to_string());
        w.write_record([
            name(e.tail),
            name(e.head),
            kind.into(),
            element,
            (e.time_p50_h + e.wait_p50_h).to_string(),
            (e.time_p90_h + e.wait_p90_h).to_string(),
            cargo.usd(e.cost_usd_per_feu).to_string(),
            cargo.co2e_kg(e.wtw_g_per_t).to_string(),
            e.distance_km.to_string(),
        ])?;
    }
    Ok(String::from_utf8(
        w.into_inner().map_err(|e| anyhow::anyhow!("{e}"))?,
    )?)
}
