//! `silkroute matrix`: best routes between many places, as CSV or JSON.

use crate::args::{MatrixArgs, TableFormat};
use crate::context::load_prepared;
use crate::failure::{CmdResult, Failure};
use crate::route::objective;
use crate::write::write_atomic;
use anyhow::anyhow;
use silkroute_model::{PlaceId, PlaceKind};
use silkroute_route::{best_matrix, hierarchy_for, PlaceFinder, RouteRequest};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

/// Largest number of cells one call computes.
pub const MAX_CELLS: usize = 1_000_000;

pub fn run(feed: &Option<PathBuf>, args: MatrixArgs) -> CmdResult {
    let prepared = load_prepared(feed, &args.scenario)?;
    let (net, graph) = (&prepared.net, &prepared.graph);
    let finder = PlaceFinder::new(net);
    let resolve = |names: &[String]| -> Result<Vec<PlaceId>, Failure> {
        names
            .iter()
            .map(|n| finder.find(n).map_err(Failure::usage))
            .collect()
    };
    let (origins, destinations) = if args.all_terminals {
        let all: Vec<PlaceId> = (0..net.places.len() as u32)
            .map(PlaceId)
            .filter(|p| net.place(*p).kind != PlaceKind::BorderPost)
            .collect();
        (all.clone(), all)
    } else {
        let o = resolve(&args.from)?;
        let d = if args.to.is_empty() {
            o.clone()
        } else {
            resolve(&args.to)?
        };
        (o, d)
    };
    if origins.is_empty() || destinations.is_empty() {
        return Err(Failure::usage(anyhow!(
            "the matrix has no origins or no destinations"
        )));
    }
    if origins.len() * destinations.len() > MAX_CELLS {
        return Err(Failure::usage(anyhow!(
            "{} × {} cells is more than the limit of {MAX_CELLS}",
            origins.len(),
            destinations.len()
        )));
    }
    let mut template = RouteRequest::new(origins[0], destinations[0], objective(args.by, None)?);
    args.shipment.apply(&mut template);
    if let Some((metric, _)) = hierarchy_for(&prepared.hierarchies, &template) {
        eprintln!(
            "note: contraction hierarchy for {metric}: only the minimised criterion is filled in"
        );
    }
    let cells = best_matrix(
        net,
        graph,
        &prepared.hierarchies,
        &template,
        &origins,
        &destinations,
    );
    let text = match args.format {
        TableFormat::Json => {
            let flat: Vec<_> = cells.iter().flatten().filter(|c| c.from != c.to).collect();
            serde_json::to_string_pretty(&serde_json::json!({
                "by": template.objective.name(),
                "cargo": template.cargo,
                "cells": flat,
            }))
            .map_err(Failure::failed)?
        }
        TableFormat::Csv => {
            let mut w = csv::Writer::from_writer(Vec::new());
            w.write_record([
                "from",
                "to",
                "time_sum_p50_h",
                "time_sum_p90_h",
                "cost_usd",
                "co2e_kg",
                "distance_km",
            ])
            .map_err(Failure::failed)?;
            let f = |v: Option<f64>| v.map(|x| format!("{x:.2}")).unwrap_or_default();
            for c in cells.iter().flatten().filter(|c| c.from != c.to) {
                w.write_record([
                    c.from.clone(),
                    c.to.clone(),
                    f(c.time_sum_p50_h),
                    f(c.time_sum_p90_h),
                    f(c.cost_usd),
                    f(c.co2e_kg),
                    f(c.distance_km),
                ])
                .map_err(Failure::failed)?;
            }
            String::from_utf8(
                w.into_inner()
                    .map_err(|e| Failure::failed(anyhow!("{e}")))?,
            )
            .map_err(Failure::failed)?
        }
    };
    match &args.output {
        Some(path) => write_atomic(path, text.as_bytes()).map_err(Failure::failed)?,
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(text.as_bytes())?;
            if args.format == TableFormat::Json {
                out.write_all(b"\n")?;
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
