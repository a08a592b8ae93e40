//! `silkroute matrix`: best routes between many places, as CSV or as the JSON of `/v1/matrix`.

use crate::args::{MatrixArgs, TableFormat};
use crate::context::load_router;
use crate::failure::{CmdResult, Failure};
use crate::route::objective;
use crate::write::write_atomic;
use anyhow::anyhow;
use silkroute_model::{PlaceId, PlaceKind};
use silkroute_route::{MatrixRequest, MatrixResponse};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

/// Largest number of cells one call computes.
pub const MAX_CELLS: usize = 1_000_000;

pub fn run(feed: &Option<PathBuf>, args: MatrixArgs) -> CmdResult {
    let router = load_router(feed, &args.scenario)?;
    let net = router.network();
    let resolve = |names: &[String]| -> Result<Vec<PlaceId>, Failure> {
        names
            .iter()
            .map(|n| router.find(n).map_err(Failure::usage))
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
    let answer = router.matrix(&MatrixRequest {
        origins,
        destinations,
        objective: objective(&args.by, args.value_of_time)?,
        shipment: args.shipment.to_shipment(),
    });
    if let Some(note) = &answer.note {
        eprintln!("note: {note}");
    }
    let json = args.json || args.format == TableFormat::Json;
    let text = if json {
        serde_json::to_string_pretty(&answer).map_err(Failure::failed)? + "\n"
    } else {
        csv_text(&answer)?
    };
    match &args.output {
        Some(path) => write_atomic(path, text.as_bytes()).map_err(Failure::failed)?,
        None => std::io::stdout().lock().write_all(text.as_bytes())?,
    }
    Ok(ExitCode::SUCCESS)
}

/// One row per cell (pandas reads it as it is).
fn csv_text(answer: &MatrixResponse) -> Result<String, Failure> {
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
    for c in &answer.cells {
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
    .map_err(Failure::failed)
}
