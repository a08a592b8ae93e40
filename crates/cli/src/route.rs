//! `silkroute route FROM TO`: the best itinerary, as a table or JSON.

use crate::args::{By, RouteArgs};
use crate::context::{load_prepared, Prepared};
use crate::failure::{print_json, CmdResult, Failure};
use crate::table::{num, render, Align};
use anyhow::anyhow;
use clap::ValueEnum;
use silkroute_model::Network;
use silkroute_route::{
    alternatives, pareto, AlternativesRequest, Itinerary, LegKind, Objective, ParetoRequest,
    PlaceFinder, PlaceRef, RouteError, RouteRequest, RouteResponse,
};
use std::path::PathBuf;
use std::process::ExitCode;

/// The objective for `--by` (and `--value-of-time`).
pub fn objective(by: By, value_of_time: Option<f64>) -> Result<Objective, Failure> {
    let name = by.to_possible_value().expect("no skipped values");
    Objective::from_name(name.get_name(), value_of_time)
        .map_err(|e| Failure::usage(anyhow!("--{}: {e}", e.param.replace('_', "-"))))
}

/// Maps a routing error to its exit code, with a hint about planned lines.
pub fn route_failure(net: &Network, scenarios: &[String], e: RouteError) -> Failure {
    match e {
        RouteError::NoRoute { .. } => {
            let hint = scenarios.is_empty()
                && net
                    .links
                    .iter()
                    .any(|l| l.status == silkroute_model::Status::Planned);
            Failure::failed(anyhow!(
                "{e}{}",
                if hint {
                    " (planned lines are closed unless a scenario opens them, e.g. --scenario cku-open)"
                } else {
                    ""
                }
            ))
        }
        e => Failure::usage(e),
    }
}

pub fn run(feed: &Option<PathBuf>, args: RouteArgs) -> CmdResult {
    let prepared = load_prepared(feed, &args.scenario)?;
    let (net, graph, scenarios) = (&prepared.net, &prepared.graph, &prepared.scenarios);
    let queries: Vec<&str> = [args.from.as_str(), args.to.as_str()]
        .into_iter()
        .chain(args.via.iter().map(String::as_str))
        .chain(args.avoid.iter().map(String::as_str))
        .collect();
    let finder = PlaceFinder::for_queries(net, &queries);
    let find = |q: &str| finder.find(q).map_err(Failure::usage);
    let objective = objective(args.by, args.value_of_time)?;
    let mut req = RouteRequest::new(find(&args.from)?, find(&args.to)?, objective);
    args.shipment.apply(&mut req);
    for v in &args.via {
        req.via.push(find(v)?);
    }
    for a in &args.avoid {
        req.avoid(net, &finder, a).map_err(Failure::usage)?;
    }
    let mode = if args.pareto {
        Mode::Pareto
    } else if args.alternatives.is_some() {
        Mode::Alternatives
    } else {
        Mode::Best
    };
    let routes = match mode {
        Mode::Best => best_route(&prepared, &req, args.deadline).map(|it| vec![it]),
        Mode::Pareto => {
            let mut p = ParetoRequest::new(req.clone());
            p.criteria = args.criteria.clone();
            p.epsilon = args.epsilon;
            p.cap = args.cap as usize;
            p.deadline_h = args.deadline;
            pareto(net, graph, &p)
        }
        Mode::Alternatives => alternatives(
            net,
            graph,
            &AlternativesRequest::new(req.clone(), args.alternatives.unwrap_or(3) as usize),
        )
        .map(|r| silkroute_route::with_distributions(r, args.deadline)),
    }
    .map_err(|e| route_failure(net, scenarios, e))?;
    if args.json {
        let resp = RouteResponse {
            from: PlaceRef::of(net, req.from),
            to: PlaceRef::of(net, req.to),
            by: objective.name().to_string(),
            objective: objective.explain(),
            scenarios: scenarios.to_vec(),
            cargo: req.cargo,
            menu: match mode {
                Mode::Best => None,
                Mode::Pareto => Some(format!(
                    "pareto over {} (epsilon {}, cap {})",
                    args.criteria
                        .iter()
                        .map(|c| c.name())
                        .collect::<Vec<_>>()
                        .join(", "),
                    args.epsilon,
                    args.cap
                )),
                Mode::Alternatives => Some(
                    "alternatives: other borders, or less than 50 % of run distance shared".into(),
                ),
            },
            routes,
        };
        print_json(&resp)?;
        return Ok(ExitCode::SUCCESS);
    }
    match mode {
        Mode::Best => print_text(&prepared, &req, &routes[0], scenarios, args.sources),
        Mode::Pareto | Mode::Alternatives => {
            print_menu(net, &req, &routes, scenarios, mode, args.sources)
        }
    }
    Ok(ExitCode::SUCCESS)
}

#[derive(Clone, Copy, PartialEq)]
enum Mode {
    Best,
    Pareto,
    Alternatives,
}

/// The best route with its distribution: from the graph file's hierarchy when it has one for a
/// plain request, otherwise by Dijkstra.
fn best_route(
    prepared: &Prepared,
    req: &RouteRequest,
    deadline_h: Option<f64>,
) -> Result<Itinerary, RouteError> {
    silkroute_route::best_route(
        &prepared.net,
        &prepared.graph,
        &prepared.hierarchies,
        req,
        deadline_h,
    )
}

fn print_text(
    prepared: &Prepared,
    req: &RouteRequest,
    it: &Itinerary,
    scenarios: &[String],
    sources: bool,
) {
    let net = &prepared.net;
    let name = |id: &str| {
        net.place_id(id)
            .map(|p| net.place(p).name_en.clone())
            .unwrap_or_else(|| id.to_string())
    };
    say!(
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
    say!("cargo: {} · scenarios: {scen}\n", req.cargo);
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
    say_raw!(
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
    say!(
        "\ntotal: {} km · {} USD · {} kg CO2e (well-to-wheel, ISO 14083)",
        num(s.distance_km, 0),
        num(s.cost_usd, 0),
        num(s.co2e_kg, 0)
    );
    say!("time: {}", time_line(s));
    let modes: Vec<&str> = s.modes.iter().map(|m| m.as_str()).collect();
    say!(
        "borders: {}{} · gauge changes: {} · modes: {}",
        if s.borders.is_empty() {
            "none".to_string()
        } else {
            s.borders.join(", ")
        },
        if s.ports.is_empty() {
            String::new()
        } else {
            format!(" · sea ports: {}", s.ports.join(" → "))
        },
        s.gauge_changes,
        modes.join(", ")
    );
    print_other_criteria(prepared, req, it);
    if sources {
        say!("\nsources:");
        for (i, l) in it.legs.iter().enumerate() {
            say!("  {:>2}. {}", i + 1, l.source);
            if let Some(c) = &l.cost_source {
                say!("      cost: {c}");
            }
            if let Some(e) = &l.emission_source {
                say!("      CO2e: {e}");
            }
        }
    } else {
        say!("(--sources lists where every number comes from; --json gives every field)");
    }
}

/// One line per other criterion whose best route differs, so the trade-off is visible.
fn print_other_criteria(prepared: &Prepared, req: &RouteRequest, it: &Itinerary) {
    let mut lines = Vec::new();
    for objective in [
        Objective::Time,
        Objective::TimeP90,
        Objective::Cost,
        Objective::Co2,
    ] {
        if objective.name() == req.objective.name() {
            continue;
        }
        let mut other = req.clone();
        other.objective = objective;
        let Ok(alt) = best_route(prepared, &other, None) else {
            continue;
        };
        let same = alt.same_route(it);
        let s = &alt.summary;
        let via = crossings(s);
        lines.push(format!(
            "  by {:<5} {}: p50 {:.1} d, {} USD, {} kg CO2e, via {via}",
            objective.name(),
            if same { "same route" } else { "differs " },
            s.time_h.p50 / 24.0,
            num(s.cost_usd, 0),
            num(s.co2e_kg, 0),
        ));
    }
    if !lines.is_empty() {
        say!("\nother criteria:");
        for l in lines {
            say!("{l}");
        }
    }
}

/// "p50 4.2 d · p90 6.0 d · p95 6.9 d", plus the deadline odds when asked.
fn time_line(s: &silkroute_route::Summary) -> String {
    let t = &s.time_h;
    let mut line = format!(
        "p50 {:.1} d ({} h) · p90 {:.1} d ({} h)",
        t.p50 / 24.0,
        num(t.p50, 0),
        t.p90 / 24.0,
        num(t.p90, 0)
    );
    if let Some(p95) = t.p95 {
        line.push_str(&format!(" · p95 {:.1} d ({} h)", p95 / 24.0, num(p95, 0)));
    }
    line.push_str(&format!(
        " [{}; sum of leg medians {} h]",
        t.method,
        num(t.sum_p50, 0)
    ));
    if let (Some(d), Some(p)) = (s.deadline_h, s.on_time_probability) {
        line.push_str(&format!(
            "\non time within {:.1} d ({} h): {:.0} %",
            d / 24.0,
            num(d, 0),
            p * 100.0
        ));
    }
    line
}

fn print_menu(
    net: &Network,
    req: &RouteRequest,
    routes: &[Itinerary],
    scenarios: &[String],
    mode: Mode,
    sources: bool,
) {
    let title = if mode == Mode::Pareto {
        "Pareto menu"
    } else {
        "alternatives"
    };
    say!(
        "{} → {} · {title}: {} option(s) · cargo: {} · scenarios: {}\n",
        net.place(req.from).name_en,
        net.place(req.to).name_en,
        routes.len(),
        req.cargo,
        if scenarios.is_empty() {
            "none".to_string()
        } else {
            scenarios.join(", ")
        }
    );
    let best = |f: fn(&Itinerary) -> f64| {
        routes
            .iter()
            .enumerate()
            .min_by(|a, b| f(a.1).total_cmp(&f(b.1)))
            .map(|(i, _)| i)
    };
    let fastest = best(|i| i.summary.time_h.p50);
    let cheapest = best(|i| i.summary.cost_usd);
    let greenest = best(|i| i.summary.co2e_kg);
    let mut order: Vec<usize> = (0..routes.len()).collect();
    order.sort_by(|&a, &b| {
        routes[a]
            .summary
            .time_h
            .p50
            .total_cmp(&routes[b].summary.time_h.p50)
    });
    let mut rows = Vec::new();
    let mut prev: Option<&Itinerary> = None;
    for (n, &i) in order.iter().enumerate() {
        let it = &routes[i];
        let s = &it.summary;
        let mut marks = Vec::new();
        if Some(i) == fastest {
            marks.push("fastest");
        }
        if Some(i) == cheapest {
            marks.push("cheapest");
        }
        if Some(i) == greenest {
            marks.push("greenest");
        }
        let buys = match prev {
            Some(p) => {
                let extra_days = (s.time_h.p50 - p.summary.time_h.p50) / 24.0;
                let saved = p.summary.cost_usd - s.cost_usd;
                let co2 = p.summary.co2e_kg - s.co2e_kg;
                let signed = |v: f64| {
                    if v >= 0.0 {
                        format!("+{}", num(v, 0))
                    } else {
                        format!("-{}", num(-v, 0))
                    }
                };
                let mut text = format!(
                    "{:+.1} d, {} USD, {} kg CO2e",
                    extra_days,
                    signed(-saved),
                    signed(-co2)
                );
                if extra_days >= 0.5 && saved > 0.0 {
                    text.push_str(&format!(
                        " (each extra day saves {} USD)",
                        num(saved / extra_days, 0)
                    ));
                }
                text
            }
            None => String::new(),
        };
        let modes: Vec<&str> = s.modes.iter().map(|m| m.as_str()).collect();
        rows.push(vec![
            (n + 1).to_string(),
            marks.join(", "),
            format!("{:.1}", s.time_h.p50 / 24.0),
            format!("{:.1}", s.time_h.p90 / 24.0),
            num(s.cost_usd, 0),
            num(s.co2e_kg, 0),
            num(s.distance_km, 0),
            modes.join("+"),
            crossings(s),
            buys,
        ]);
        prev = Some(it);
    }
    let (l, r) = (Align::Left, Align::Right);
    say_raw!(
        "{}",
        render(
            &[
                "#",
                "",
                "p50 d",
                "p90 d",
                "USD",
                "kg CO2e",
                "km",
                "modes",
                "borders · ports",
                "vs the faster option above"
            ],
            &[r, l, r, r, r, r, r, l, l, l],
            &rows
        )
    );
    if routes
        .iter()
        .any(|r| r.summary.on_time_probability.is_some())
    {
        say!("\non-time probability within the deadline:");
        for (n, &i) in order.iter().enumerate() {
            if let Some(p) = routes[i].summary.on_time_probability {
                say!("  option {}: {:.0} %", n + 1, p * 100.0);
            }
        }
    }
    say!(
        "\n(run with --json for every leg of every option{})",
        if sources {
            ""
        } else {
            "; --sources with a single route lists sources"
        }
    );
}

/// Borders and sea ports of a route, for one table cell.
fn crossings(s: &silkroute_route::Summary) -> String {
    let mut parts = s.borders.clone();
    if !s.ports.is_empty() {
        parts.push(format!("ports {}", s.ports.join("→")));
    }
    if parts.is_empty() {
        "-".into()
    } else {
        parts.join(", ")
    }
}
