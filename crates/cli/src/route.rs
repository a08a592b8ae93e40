//! `silkroute route FROM TO`: the best itinerary, a Pareto menu or alternatives, as a table or
//! as the JSON of `/v1/route`.

use crate::args::RouteArgs;
use crate::context::load_router;
use crate::failure::{print_json, CmdResult, Failure};
use crate::table::{num, render, Align};
use anyhow::anyhow;
use silkroute_route::{
    Criterion, InvalidParameter, Itinerary, LegKind, Menu, Objective, RouteError, RouteQuery,
    RouteRequest, RouteResponse, Router,
};
use std::path::PathBuf;
use std::process::ExitCode;

/// A usage error naming the option (`--cap`) of an API parameter (`cap`).
pub fn invalid(e: InvalidParameter) -> Failure {
    Failure::usage(anyhow!("--{}: {}", e.param.replace('_', "-"), e.message))
}

/// The objective for `--by` (and `--value-of-time`).
pub fn objective(by: &str, value_of_time: Option<f64>) -> Result<Objective, Failure> {
    Objective::from_name(by, value_of_time)
        .map_err(|e| invalid(InvalidParameter::new(e.param, e.message)))
}

/// Maps a routing error to its exit code. When there is no route on today's network and one
/// of the built-in scenarios that apply to it gives one (the CKU railway opened, say), the
/// message says which.
pub fn route_failure(router: &Router, q: &RouteQuery, e: RouteError) -> Failure {
    match e {
        RouteError::NoRoute { .. } => {
            let hint = if router.scenarios().is_empty() {
                scenario_with_a_route(router, q)
            } else {
                None
            };
            Failure::failed(anyhow!("{e}{}", hint.unwrap_or_default()))
        }
        e => Failure::usage(e),
    }
}

/// ` (with --scenario NAME there is one: …)` for the first built-in scenario that applies to
/// the router's network and gives `q` a route.
fn scenario_with_a_route(router: &Router, q: &RouteQuery) -> Option<String> {
    let offered = silkroute_feed::offered_scenarios(router.network()).ok()?;
    offered.into_iter().find_map(|(s, net)| {
        // The best route alone: a failure here needs no explaining.
        let it = router
            .derive(net, vec![s.name.clone()])
            .ok()?
            .best(&q.request, None)
            .ok()?;
        let modes: Vec<&str> = it.summary.modes.iter().map(|m| m.as_str()).collect();
        Some(format!(
            " (with --scenario {} there is one: {}, p50 {:.1} d, via {})",
            s.name,
            modes.join(", "),
            it.summary.time_h.p50 / 24.0,
            crossings(&it.summary)
        ))
    })
}

/// The route query of the command line, as `/v1/route` makes it from its parameters.
fn route_query(router: &Router, args: &RouteArgs) -> Result<RouteQuery, Failure> {
    let find = |q: &str| router.find(q).map_err(Failure::usage);
    let mut request = RouteRequest::new(
        find(&args.from)?,
        find(&args.to)?,
        objective(&args.by, args.value_of_time)?,
    );
    args.shipment.apply(&mut request);
    for v in &args.via {
        request.via.push(find(v)?);
    }
    for a in &args.avoid {
        router.avoid(&mut request, a).map_err(Failure::usage)?;
    }
    request.export_clearance = !args.no_export_clearance;
    request.import_clearance = !args.no_import_clearance;
    request.crew = args.crew;
    request.passengers = args.passengers;
    let menu = if args.pareto {
        Menu::pareto(
            Some(args.criteria.clone()),
            Some(args.epsilon),
            Some(args.cap as usize),
        )
        .map_err(invalid)?
    } else if let Some(n) = args.alternatives {
        Menu::alternatives(n as usize).map_err(invalid)?
    } else {
        Menu::Best
    };
    let when = router
        .when(
            request.from,
            request.to,
            args.depart.as_deref(),
            args.arrive_by.as_deref(),
            args.window.as_deref(),
            args.reference_date.as_deref(),
        )
        .map_err(invalid)?;
    Ok(RouteQuery {
        request,
        menu,
        deadline_h: args.deadline,
        when,
    })
}

pub fn run(feed: &Option<PathBuf>, args: RouteArgs) -> CmdResult {
    let router = load_router(feed, &args.scenario)?;
    let q = route_query(&router, &args)?;
    let answer = router
        .route(&q)
        .map_err(|e| route_failure(&router, &q, e))?;
    crate::context::note_whole_graph_search(&router, &q.request);
    if args.json {
        print_json(&answer)?;
        return Ok(ExitCode::SUCCESS);
    }
    match q.menu {
        Menu::Best if answer.timing.is_some() => print_timed(&router, &q, &answer, args.sources),
        Menu::Best => print_text(&router, &q.request, &answer.routes[0], args.sources),
        Menu::Pareto { .. } | Menu::Alternatives { .. } => {
            print_menu(&router, &q, &answer.routes, args.sources)
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn print_text(router: &Router, req: &RouteRequest, it: &Itinerary, sources: bool) {
    let net = router.network();
    let scenarios = router.scenarios();
    let name = |id: &str| {
        net.place_id(id)
            .map(|p| net.place(p).name_en.clone())
            .unwrap_or_else(|| id.to_string())
    };
    tell!(
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
    tell!("cargo: {} · scenarios: {scen}\n", req.cargo);
    let rows: Vec<Vec<String>> = it
        .legs
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let mode = layer_name(l);
            let kind = kind_name(l);
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
    tell!(
        "\ntotal: {} km · {} USD · {} kg CO2e (well-to-wheel, ISO 14083)",
        num(s.distance_km, 0),
        num(s.cost_usd, 0),
        num(s.co2e_kg, 0)
    );
    tell!("time: {}", time_line(s));
    print_crossings(s);
    print_other_criteria(router, req, it);
    print_sources(it, sources);
}

/// `2026-12-16T12:00+08:00[Asia/Shanghai]` as `Wed 16 12:00` (the month and the zone are in
/// the lines under the table).
fn short_time(zoned: &str) -> String {
    zoned
        .parse::<jiff::ZonedDateTime>()
        .map(|z| z.strftime("%a %d %H:%M").to_string())
        .unwrap_or_else(|_| zoned.to_string())
}

/// The mode of a leg with its gauge (`rail-1520`), as the tables show it.
fn layer_name(l: &silkroute_route::Leg) -> String {
    match l.gauge_mm {
        Some(g) => format!("{}-{g}", l.mode),
        None => l.mode.to_string(),
    }
}

/// The kind of a leg as the tables show it.
fn kind_name(l: &silkroute_route::Leg) -> &'static str {
    match l.kind {
        LegKind::Run => "run",
        LegKind::Border => "border",
        LegKind::Transfer if l.gauge_change => "gauge",
        LegKind::Transfer => "transfer",
        LegKind::Wait => "wait",
        LegKind::Customs => "customs",
        LegKind::Walk => "walk",
    }
}

/// A route on services: legs with local departure and arrival times and the services that
/// carry them; for an undated query, the distribution over the reference week and the other
/// itineraries that serve part of it; for a window, one line per departure.
fn print_timed(router: &Router, q: &RouteQuery, answer: &RouteResponse, sources: bool) {
    let net = router.network();
    let req = &q.request;
    let timing = answer.timing.as_ref().expect("timed answers have a timing");
    let name = |id: &str| {
        net.place_id(id)
            .map(|p| net.place(p).name_en.clone())
            .unwrap_or_else(|| id.to_string())
    };
    tell!(
        "{} → {} · {}",
        net.place(req.from).name_en,
        net.place(req.to).name_en,
        req.objective.explain()
    );
    let scenarios = router.scenarios();
    let who = if req.passengers {
        "people, on services that carry passengers (money and CO2e here are for one container; `silkroute trip` gives fares and CO2e per passenger, and the entry rules)".to_string()
    } else {
        format!("cargo: {}", req.cargo)
    };
    tell!(
        "{who} · scenarios: {} · {}\n",
        if scenarios.is_empty() {
            "none (today's network)".to_string()
        } else {
            scenarios.join(", ")
        },
        timing.description
    );
    if timing.kind == "window" {
        let rows: Vec<Vec<String>> = answer
            .routes
            .iter()
            .enumerate()
            .map(|(i, it)| {
                let s = &it.summary;
                let services: Vec<&str> = it
                    .legs
                    .iter()
                    .filter(|l| l.kind == LegKind::Run)
                    .filter_map(|l| l.service.as_deref())
                    .fold(Vec::new(), |mut v, x| {
                        if v.last() != Some(&x) {
                            v.push(x);
                        }
                        v
                    });
                vec![
                    (i + 1).to_string(),
                    s.ready.as_deref().map(short_time).unwrap_or_default(),
                    s.arrives.as_deref().map(short_time).unwrap_or_default(),
                    num(s.time_h.sum_p50 / 24.0, 1),
                    num(s.cost_usd, 0),
                    services.join(" + "),
                ]
            })
            .collect();
        let (l, r) = (Align::Left, Align::Right);
        say_raw!(
            "{}",
            render(
                &["#", "ready by", "arrives", "days", "USD", "services"],
                &[r, l, l, r, r, l],
                &rows
            )
        );
        tell!("\ntimes are local: the origin's zone for \"ready by\", the destination's for \"arrives\"; --json gives every leg");
        return;
    }
    let it = &answer.routes[0];
    let rows: Vec<Vec<String>> = it
        .legs
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let mode = layer_name(l);
            let place = if l.from == l.to {
                name(&l.from)
            } else {
                format!("{} → {}", name(&l.from), name(&l.to))
            };
            vec![
                (i + 1).to_string(),
                place,
                mode,
                kind_name(l).to_string(),
                l.departs.as_deref().map(short_time).unwrap_or_default(),
                l.arrives.as_deref().map(short_time).unwrap_or_default(),
                num(l.time_h, 1),
                num(l.cost_usd, 0),
                num(l.co2e_kg, 0),
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
                "where",
                "mode",
                "what",
                "starts",
                "ends",
                "hours",
                "USD",
                "kg CO2e",
                "what happens"
            ],
            &[r, l, l, l, l, l, r, r, r, l],
            &rows
        )
    );
    let s = &it.summary;
    let zones: Vec<String> = [req.from, req.to]
        .iter()
        .map(|&p| format!("{} {}", net.place(p).name_en, net.place(p).timezone))
        .collect();
    tell!(
        "\nlocal times ({}); ready {} → arrives {}",
        zones.join(", "),
        s.ready.as_deref().unwrap_or("?"),
        s.arrives.as_deref().unwrap_or("?")
    );
    tell!(
        "total: {} km · {} USD · {} kg CO2e (well-to-wheel, ISO 14083)",
        num(s.distance_km, 0),
        num(s.cost_usd, 0),
        num(s.co2e_kg, 0)
    );
    match (&timing.ready_to_arrival_h, timing.kind) {
        (Some(t), "undated") => {
            tell!(
                "time, ready at a random moment of the week: p50 {:.1} d ({} h) · p90 {:.1} d ({} h) · p95 {:.1} d ({} h) [mixture over the week's ready times; planned mean {} h]",
                t.p50 / 24.0,
                num(t.p50, 0),
                t.p90 / 24.0,
                num(t.p90, 0),
                t.p95.unwrap_or(f64::NAN) / 24.0,
                num(t.p95.unwrap_or(f64::NAN), 0),
                num(t.sum_p50, 0)
            );
            if let (Some(d), Some(p)) = (q.deadline_h, timing.on_time_probability) {
                tell!(
                    "on time within {:.1} d ({} h): {:.0} %",
                    d / 24.0,
                    num(d, 0),
                    p * 100.0
                );
            }
            tell!(
                "this itinerary (shown for one ready time of the week) serves {:.0} % of ready times",
                timing.shares.first().copied().unwrap_or(1.0) * 100.0
            );
            for (k, (other, share)) in answer.routes.iter().zip(&timing.shares).enumerate().skip(1)
            {
                tell!(
                    "  itinerary {}: {:.0} % of ready times, via {}, p50 {:.1} d",
                    k + 1,
                    share * 100.0,
                    crossings(&other.summary),
                    other.summary.time_h.p50 / 24.0
                );
            }
        }
        _ => tell!("time: {}", time_line(s)),
    }
    print_crossings(s);
    print_other_criteria_timed(router, q, it);
    print_sources(it, sources);
}

/// The other criteria's best routes on services, at the same time frame.
fn print_other_criteria_timed(router: &Router, q: &RouteQuery, it: &Itinerary) {
    let mut lines = Vec::new();
    for criterion in [Criterion::Time, Criterion::Cost, Criterion::Co2] {
        let objective = Objective::Least(criterion);
        if objective == q.request.objective || matches!(q.when, silkroute_route::When::ArriveBy(_))
        {
            continue;
        }
        let mut other = q.clone();
        other.request.objective = objective;
        other.deadline_h = None;
        let Ok(answer) = router.route(&other) else {
            continue;
        };
        let alt = &answer.routes[0];
        let same = alt.same_route(it);
        let s = &alt.summary;
        let p50 = answer
            .timing
            .as_ref()
            .and_then(|t| t.ready_to_arrival_h.map(|r| r.p50))
            .unwrap_or(s.time_h.p50);
        lines.push(format!(
            "  by {:<5} {}: p50 {:.1} d, {} USD, {} kg CO2e, via {}",
            objective.name(),
            if same { "same route" } else { "differs " },
            p50 / 24.0,
            num(s.cost_usd, 0),
            num(s.co2e_kg, 0),
            crossings(s),
        ));
    }
    if !lines.is_empty() {
        tell!("\nother criteria:");
        for l in lines {
            tell!("{l}");
        }
    }
}

/// The borders, ports, gauge changes and modes of an itinerary.
fn print_crossings(s: &silkroute_route::Summary) {
    let modes: Vec<&str> = s.modes.iter().map(|m| m.as_str()).collect();
    tell!(
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
}

/// Where every leg's numbers come from (`--sources`), or how to ask for it.
fn print_sources(it: &Itinerary, sources: bool) {
    if sources {
        tell!("\nsources:");
        for (i, l) in it.legs.iter().enumerate() {
            tell!("  {:>2}. {}", i + 1, l.source);
            if let Some(c) = &l.cost_source {
                tell!("      cost: {c}");
            }
            if let Some(e) = &l.emission_source {
                tell!("      CO2e: {e}");
            }
        }
    } else {
        tell!("(--sources lists where every number comes from; --json gives every field)");
    }
}

/// One line per other criterion whose best route differs, so the trade-off is visible.
fn print_other_criteria(router: &Router, req: &RouteRequest, it: &Itinerary) {
    let mut lines = Vec::new();
    for criterion in Criterion::ALL {
        let objective = Objective::Least(criterion);
        if objective == req.objective {
            continue;
        }
        let mut other = req.clone();
        other.objective = objective;
        let nodes = router.graph().nodes().len();
        if nodes > crate::context::BIG_GRAPH_NODES && router.searches_whole_graph(&other) {
            lines.push(format!(
                "  by {:<5} not searched: no hierarchy of the graph file answers it and \
                 Dijkstra would search all {} nodes (ask `--by {0}`)",
                objective.name(),
                num(nodes as f64, 0),
            ));
            continue;
        }
        let Ok(alt) = router.best(&other, None) else {
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
        tell!("\nother criteria:");
        for l in lines {
            tell!("{l}");
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

fn print_menu(router: &Router, q: &RouteQuery, routes: &[Itinerary], sources: bool) {
    let (net, scenarios, req) = (router.network(), router.scenarios(), &q.request);
    let title = match q.menu {
        Menu::Pareto { .. } => "Pareto menu",
        _ => "alternatives",
    };
    tell!(
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
        let note = match (marks.is_empty(), buys.is_empty()) {
            (true, _) => buys,
            (false, true) => marks.join(", "),
            (false, false) => format!("{}; {buys}", marks.join(", ")),
        };
        rows.push(vec![
            (n + 1).to_string(),
            format!("{:.1}", s.time_h.p50 / 24.0),
            format!("{:.1}", s.time_h.p90 / 24.0),
            num(s.cost_usd, 0),
            num(s.co2e_kg, 0),
            num(s.distance_km, 0),
            modes.join("+"),
            crossings(s),
            note,
        ]);
        prev = Some(it);
    }
    let (l, r) = (Align::Left, Align::Right);
    say_raw!(
        "{}",
        render(
            &[
                "#",
                "p50 d",
                "p90 d",
                "USD",
                "kg CO2e",
                "km",
                "modes",
                "borders · ports",
                "best at; vs the faster option above"
            ],
            &[r, r, r, r, r, r, l, l, l],
            &rows
        )
    );
    if routes
        .iter()
        .any(|r| r.summary.on_time_probability.is_some())
    {
        tell!("\non-time probability within the deadline:");
        for (n, &i) in order.iter().enumerate() {
            if let Some(p) = routes[i].summary.on_time_probability {
                tell!("  option {}: {:.0} %", n + 1, p * 100.0);
            }
        }
    }
    tell!(
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
