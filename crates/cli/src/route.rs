//! `silkroute route FROM TO`: the best itinerary, as a table or JSON.

use crate::args::{By, RouteArgs};
use crate::context::{apply_scenarios, load_network};
use crate::failure::{CmdResult, Failure};
use crate::table::{num, render, Align};
use anyhow::anyhow;
use serde::Serialize;
use silkroute_graph::compile;
use silkroute_model::{Network, PlaceId};
use silkroute_route::{
    route, Itinerary, LegKind, Objective, PlaceFinder, RouteError, RouteRequest,
};
use std::path::PathBuf;
use std::process::ExitCode;

/// A place as named in responses.
#[derive(Serialize)]
struct PlaceRef {
    id: String,
    name: String,
}

/// The `--json` response (the contract in the README).
#[derive(Serialize)]
struct RouteResponse<'a> {
    from: PlaceRef,
    to: PlaceRef,
    by: &'static str,
    objective: String,
    scenarios: Vec<String>,
    cargo: silkroute_route::Cargo,
    routes: Vec<&'a Itinerary>,
}

pub fn run(feed: &Option<PathBuf>, args: RouteArgs) -> CmdResult {
    let mut net = load_network(feed)?;
    let scenarios = apply_scenarios(&mut net, &args.scenario)?;
    let graph = compile(&net).map_err(Failure::failed)?;
    let finder = PlaceFinder::new(&net);
    let find = |q: &str| finder.find(q).map_err(Failure::usage);
    let objective = match args.by {
        By::Time => Objective::Time,
        By::Cost => Objective::Cost,
        By::Co2 => Objective::Co2,
        By::Balanced => Objective::Balanced {
            value_of_time_usd_per_h: args
                .value_of_time
                .unwrap_or(Objective::DEFAULT_VALUE_OF_TIME),
        },
    };
    if args.value_of_time.is_some() && args.by != By::Balanced {
        return Err(Failure::usage(anyhow!(
            "--value-of-time only applies with --by balanced"
        )));
    }
    let mut req = RouteRequest::new(find(&args.from)?, find(&args.to)?, objective);
    req.cargo = args.cargo;
    req.modes = args.modes.iter().copied().collect();
    for v in &args.via {
        req.via.push(find(v)?);
    }
    for a in &args.avoid {
        let code = a.trim().to_ascii_uppercase();
        if code.len() == 2 && net.places.iter().any(|p| p.country == code) {
            req.avoid_countries.insert(code);
        } else {
            req.avoid_places.insert(find(a)?);
        }
    }
    let itinerary = match route(&net, &graph, &req) {
        Ok(it) => it,
        Err(e @ RouteError::NoRoute { .. }) => {
            return Err(Failure::failed(anyhow!(
                "{e}{}",
                if scenarios.is_empty()
                    && !net
                        .links
                        .iter()
                        .all(|l| l.status == silkroute_model::Status::Open)
                {
                    " (planned lines are closed unless a scenario opens them, e.g. --scenario cku-open)"
                } else {
                    ""
                }
            )))
        }
        Err(e) => return Err(Failure::usage(e)),
    };
    let place_ref = |p: PlaceId| PlaceRef {
        id: net.place(p).id.clone(),
        name: net.place(p).name_en.clone(),
    };
    if args.json {
        let resp = RouteResponse {
            from: place_ref(req.from),
            to: place_ref(req.to),
            by: objective.name(),
            objective: objective.explain(),
            scenarios,
            cargo: req.cargo,
            routes: vec![&itinerary],
        };
        println!(
            "{}",
            serde_json::to_string_pretty(&resp).map_err(Failure::failed)?
        );
        return Ok(ExitCode::SUCCESS);
    }
    print_text(&net, &graph, &req, &itinerary, &scenarios, args.sources);
    Ok(ExitCode::SUCCESS)
}

fn print_text(
    net: &Network,
    graph: &silkroute_graph::Graph,
    req: &RouteRequest,
    it: &Itinerary,
    scenarios: &[String],
    sources: bool,
) {
    let name = |id: &str| {
        net.place_id(id)
            .map(|p| net.place(p).name_en.clone())
            .unwrap_or_else(|| id.to_string())
    };
    println!(
        "{} → {} · {}",
        net.place(req.from).name_en,
        net.place(req.to).name_en,
        req.objective.explain()
    );
    let scen = if scenarios.is_empty() {
        "none (today's network)".to_string()
    } else {
        scenarios.join(", ")
    };
    println!("cargo: {} · scenarios: {scen}\n", req.cargo);
    let rows: Vec<Vec<String>> = it
        .legs
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let mode = match l.gauge_mm {
                Some(g) => format!("{}-{g}", l.mode),
                None => l.mode.to_string(),
            };
            let kind = match l.kind {
                LegKind::Run => "run",
                LegKind::Border => "border",
                LegKind::Transfer if l.gauge_change => "gauge",
                LegKind::Transfer => "transfer",
                LegKind::Wait => "wait",
            };
            vec![
                (i + 1).to_string(),
                name(&l.from),
                name(&l.to),
                mode,
                kind.to_string(),
                num(l.distance_km, 0),
                num(l.time_h, 1),
                num(l.time_p90_h, 1),
                num(l.cost_usd, 0),
                num(l.co2e_kg, 1),
                l.description.clone(),
            ]
        })
        .collect();
    let (l, r) = (Align::Left, Align::Right);
    print!(
        "{}",
        render(
            &[
                "#",
                "from",
                "to",
                "mode",
                "what",
                "km",
                "hours",
                "p90 h",
                "USD",
                "kg CO2e",
                "what happens"
            ],
            &[r, l, l, l, l, r, r, r, r, r, l],
            &rows
        )
    );
    let s = &it.summary;
    println!(
        "\ntotal: {} km · {} h typical ({:.1} days), {} h bad case ({:.1} days) · {} USD · {} kg CO2e (well-to-wheel)",
        num(s.distance_km, 0),
        num(s.time_h.p50, 1),
        s.time_h.p50 / 24.0,
        num(s.time_h.p90, 1),
        s.time_h.p90 / 24.0,
        num(s.cost_usd, 0),
        num(s.co2e_kg, 0)
    );
    let modes: Vec<&str> = s.modes.iter().map(|m| m.as_str()).collect();
    println!(
        "borders: {} · gauge changes: {} · modes: {}",
        if s.borders.is_empty() {
            "none".to_string()
        } else {
            s.borders.join(", ")
        },
        s.gauge_changes,
        modes.join(", ")
    );
    print_other_criteria(net, graph, req, it);
    if sources {
        println!("\nsources:");
        for (i, l) in it.legs.iter().enumerate() {
            println!("  {:>2}. {}", i + 1, l.source);
            if let Some(c) = &l.cost_source {
                println!("      cost: {c}");
            }
            if let Some(e) = &l.emission_source {
                println!("      CO2e: {e}");
            }
        }
    } else {
        println!("(--sources lists where every number comes from; --json gives every field)");
    }
}

/// One line per other criterion whose best route differs, so the trade-off is visible.
fn print_other_criteria(
    net: &Network,
    graph: &silkroute_graph::Graph,
    req: &RouteRequest,
    it: &Itinerary,
) {
    let mut lines = Vec::new();
    for objective in [Objective::Time, Objective::Cost, Objective::Co2] {
        if objective.name() == req.objective.name() {
            continue;
        }
        let mut other = req.clone();
        other.objective = objective;
        let Ok(alt) = route(net, graph, &other) else {
            continue;
        };
        let same = alt
            .legs
            .iter()
            .map(|l| &l.element)
            .eq(it.legs.iter().map(|l| &l.element));
        let s = &alt.summary;
        let via = if s.borders.is_empty() {
            "no border".to_string()
        } else {
            s.borders.join(", ")
        };
        lines.push(format!(
            "  by {:<5} {}: {:.1} days typical, {} USD, {} kg CO2e, via {via}",
            objective.name(),
            if same { "same route" } else { "differs " },
            s.time_h.p50 / 24.0,
            num(s.cost_usd, 0),
            num(s.co2e_kg, 0),
        ));
    }
    if !lines.is_empty() {
        println!("\nother criteria:");
        for l in lines {
            println!("{l}");
        }
    }
}
