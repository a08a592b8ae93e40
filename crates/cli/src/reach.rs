//! `silkroute reach FROM --within 10d`: places reachable within a budget.

use crate::args::{parse_duration_h, By, ReachArgs};
use crate::context::{apply_scenarios, load_network};
use crate::failure::{print_json, CmdResult, Failure};
use crate::route::objective;
use crate::table::{num, render, Align};
use crate::write::write_atomic;
use anyhow::anyhow;
use silkroute_graph::compile;
use silkroute_route::{reach, PlaceFinder, RouteRequest};
use std::path::PathBuf;
use std::process::ExitCode;

pub fn run(feed: &Option<PathBuf>, args: ReachArgs) -> CmdResult {
    let mut net = load_network(feed)?;
    apply_scenarios(&mut net, &args.scenario)?;
    let graph = compile(&net).map_err(Failure::failed)?;
    let finder = PlaceFinder::new(&net);
    let from = finder.find(&args.from).map_err(Failure::usage)?;
    let budget = match args.by {
        By::Time | By::P90 => {
            parse_duration_h(&args.within).map_err(|e| Failure::usage(anyhow!("--within: {e}")))?
        }
        By::Cost | By::Co2 | By::Balanced => args
            .within
            .trim()
            .trim_end_matches("usd")
            .trim_end_matches("kg")
            .trim()
            .parse::<f64>()
            .ok()
            .filter(|v| v.is_finite() && *v > 0.0)
            .ok_or_else(|| {
                Failure::usage(anyhow!(
                    "--within: `{}` is not a positive number",
                    args.within
                ))
            })?,
    };
    let mut req = RouteRequest::new(from, from, objective(args.by, None)?);
    args.shipment.apply(&mut req);
    let places = reach(&net, &graph, &req, budget);
    if let Some(path) = &args.geojson {
        let features: Vec<serde_json::Value> = places
            .iter()
            .map(|p| {
                serde_json::json!({
                    "type": "Feature",
                    "geometry": {"type": "Point", "coordinates": p.coordinates},
                    "properties": {
                        "id": p.id, "name": p.name, "country": p.country, "value": p.value,
                        "time_sum_p50_h": p.time_sum_p50_h, "cost_usd": p.cost_usd, "co2e_kg": p.co2e_kg,
                    },
                })
            })
            .collect();
        let fc = serde_json::json!({"type": "FeatureCollection", "features": features});
        write_atomic(path, fc.to_string().as_bytes()).map_err(Failure::failed)?;
        eprintln!("wrote {}", path.display());
    }
    if args.json {
        let out = serde_json::json!({
            "from": {"id": net.place(from).id, "name": net.place(from).name_en},
            "by": req.objective.name(),
            "within": budget,
            "places": places,
        });
        print_json(&out)?;
        return Ok(ExitCode::SUCCESS);
    }
    let rows: Vec<Vec<String>> = places
        .iter()
        .map(|p| {
            vec![
                p.id.clone(),
                p.name.clone(),
                p.country.clone(),
                num(p.value, 1),
                format!("{:.1}", p.time_sum_p50_h / 24.0),
                num(p.cost_usd, 0),
                num(p.co2e_kg, 0),
            ]
        })
        .collect();
    let (l, r) = (Align::Left, Align::Right);
    say!(
        "reachable from {} within {} ({}):\n",
        net.place(from).name_en,
        args.within,
        req.objective.explain()
    );
    say_raw!(
        "{}",
        render(
            &[
                "id",
                "name",
                "country",
                "best",
                "Σ p50 days",
                "USD",
                "kg CO2e"
            ],
            &[l, l, l, r, r, r, r],
            &rows
        )
    );
    say!("{} place(s)", rows.len());
    Ok(ExitCode::SUCCESS)
}
