//! `silkroute assign` and `silkroute critical`: trade flows, bottlenecks, critical elements.

use crate::args::AssignArgs;
use crate::context::{apply_scenarios, load_network};
use crate::failure::{print_json, CmdResult, Failure};
use crate::table::{num, render, Align};
use crate::write::write_atomic;
use anyhow::anyhow;
use indicatif::{ProgressBar, ProgressStyle};
use silkroute_flows::{
    assign, critical, AssignResponse, AssignmentConfig, CapacityBasis, Choice, CriticalResponse,
    Demand, EdgeFlow,
};
use silkroute_graph::compile;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

pub fn run(feed: &Option<PathBuf>, args: AssignArgs, rank_critical: bool) -> CmdResult {
    let (net, scenarios) = apply_scenarios(load_network(feed)?, &args.scenario)?;
    let graph = compile(&net).map_err(Failure::failed)?;
    let rows = match &args.demand {
        Some(path) => silkroute_feed::load_demand(path, &net).map_err(|r| {
            Failure::failed(anyhow!(
                "{}: the demand file is not valid:\n{r}",
                path.display()
            ))
        })?,
        None => {
            if feed.is_some() {
                return Err(Failure::usage(anyhow!("with --feed, give --demand FILE (the built-in demand refers to the built-in network)")));
            }
            silkroute_feed::builtin_demand(&net).map_err(|report| {
                Failure::failed(anyhow!(
                    "the built-in demand is invalid (a build defect):\n{report}"
                ))
            })?
        }
    };
    let demand = Demand::from_rows(&rows, &args.segments)
        .map_err(|e| Failure::usage(anyhow!("--segments: {e}")))?;
    let method = args.method;
    let config = AssignmentConfig::for_network(
        &net,
        &graph,
        method,
        args.gap,
        args.max_iterations as usize,
        args.value_of_time,
    )
    .map_err(|e| Failure::failed(anyhow!("{e}")))?;
    let mut config = config;
    config.cost.volume_delay = args
        .volume_delay
        .parse()
        .map_err(|e: String| Failure::usage(anyhow!("--volume-delay: {e}")))?;
    config.choice = Choice::parse(&args.choice, args.dispersion, args.nest)
        .map_err(|e| Failure::usage(anyhow!("--choice: {e}")))?;
    config.frequencies = args
        .frequencies
        .parse()
        .map_err(|e: String| Failure::usage(anyhow!("--frequencies: {e}")))?;
    let carried = if config.services.is_some() {
        format!(
            "on the services (cargo ready at {} moments of the week of {})",
            silkroute_flows::READY_TIMES,
            silkroute_route::week_start(net.reference_date)
        )
    } else {
        "on the infrastructure (per-place boarding waits: the network has no services)".to_string()
    };
    let bar = progress(args.quiet, "assigning");
    let started = std::time::Instant::now();
    let result = assign(&net, &graph, &demand, &config, |i, gap| {
        bar.set_message(format!("iteration {i}, relative gap {gap:.2e}"));
        bar.tick();
    });
    bar.finish_and_clear();
    let seconds = started.elapsed().as_secs_f64();
    let flows = result.edge_flows(&net, &graph, &config.cost);
    if let Some(p) = &args.csv {
        write_atomic(p, flows_csv(&flows).map_err(Failure::failed)?.as_bytes())
            .map_err(Failure::failed)?;
        eprintln!("wrote {}", p.display());
    }
    if let Some(p) = &args.geojson {
        let fc = flows_geojson(&net, &flows).map_err(Failure::failed)?;
        write_atomic(p, fc.to_string().as_bytes()).map_err(Failure::failed)?;
        eprintln!("wrote {}", p.display());
    }
    if rank_critical {
        let bar = progress(args.quiet, "closing each loaded element in turn");
        let ranking = critical(&net, &graph, &demand, &config, &result);
        bar.finish_and_clear();
        if args.json {
            print_json(&CriticalResponse {
                scenarios,
                elements: ranking,
            })?;
            return Ok(ExitCode::SUCCESS);
        }
        tell!(
            "critical elements ({} demand pairs, {} t/day {carried}; scenarios: {})\n",
            demand.pair_totals().len(),
            num(demand.total(), 0),
            list(&scenarios)
        );
        let rows: Vec<Vec<String>> = ranking
            .iter()
            .take(args.top)
            .enumerate()
            .map(|(i, c)| {
                vec![
                    (i + 1).to_string(),
                    c.kind.to_string(),
                    c.element.clone(),
                    num(c.base_tonnes_per_day, 0),
                    num(c.stranded_tonnes_per_day, 0),
                    num(c.cost_increase_usd_per_day, 0),
                ]
            })
            .collect();
        tell!("(cost change: total generalized cost of the demand still served; negative when stranded demand frees capacity for the rest)\n");
        let (l, r) = (Align::Left, Align::Right);
        say_raw!(
            "{}",
            render(
                &[
                    "#",
                    "kind",
                    "element",
                    "t/day on it",
                    "stranded t/day",
                    "cost change USD/day (served)"
                ],
                &[r, l, l, r, r, r],
                &rows
            )
        );
        return Ok(ExitCode::SUCCESS);
    }
    if args.json {
        print_json(&AssignResponse::of(
            scenarios, &demand, &result, seconds, flows,
        ))?;
        return Ok(ExitCode::SUCCESS);
    }
    tell!(
        "assignment: {} pairs in {} segment(s), {} t/day {carried}; {}; {} iteration(s), {} {:.1e}, {:.2} s; scenarios: {}",
        demand.pair_totals().len(),
        demand.segments.len(),
        num(demand.total(), 0),
        match config.choice {
            Choice::LeastCost => "least-cost user equilibrium".to_string(),
            Choice::NestedLogit { dispersion, nest } =>
                format!("nested logit (dispersion {dispersion}, nest {nest})"),
        },
        result.iterations,
        match config.choice {
            Choice::LeastCost => "relative gap",
            Choice::NestedLogit { .. } => "relative change of route flows",
        },
        result.relative_gap,
        seconds,
        list(&scenarios)
    );
    if result.stranded_total() > 0.0 {
        tell!(
            "stranded (no route): {} t/day",
            num(result.stranded_total(), 0)
        );
    }
    tell!("\nmost loaded elements (by volume/capacity, then tonnes; ⇄: a capacity both directions share, and v/c counts both):\n");
    say_raw!("{}", flows_table(&flows, args.top));
    if !result.services.is_empty() {
        tell!(
            "\ncargo services ({}; t/day on each one's busiest edge):\n",
            if result.frequencies_follow_flow {
                format!(
                    "departures follow the flow: a service runs the departures its load needs, at times not published, and cargo waits for that headway; {} assignment rounds",
                    result.frequency_rounds
                )
            } else {
                "departures as published".to_string()
            }
        );
        say_raw!("{}", services_table(&result.services, args.top));
    }
    if result.segments.len() > 1 {
        tell!("\ncommodity segments (value of time from value density: docs/assignment.md; mode shares of tonne-km):\n");
        say_raw!("{}", segments_table(&result.segments));
    }
    Ok(ExitCode::SUCCESS)
}

/// The cargo services with their loads and departures.
fn services_table(services: &[silkroute_flows::ServiceFrequency], top: usize) -> String {
    let rows: Vec<Vec<String>> = services
        .iter()
        .take(top)
        .map(|s| {
            vec![
                s.service.clone(),
                s.mode.to_string(),
                num(s.tonnes_per_day, 0),
                s.tonnes_per_departure
                    .map(|t| num(t, 0))
                    .unwrap_or_else(|| "unknown".into()),
                format!("{:.1}", s.published_departures_per_week),
                s.needed_departures_per_week
                    .map(|n| format!("{n:.1}"))
                    .unwrap_or_default(),
                format!("{:.1}", s.departures_per_week),
            ]
        })
        .collect();
    let (l, r) = (Align::Left, Align::Right);
    render(
        &[
            "service",
            "mode",
            "t/day",
            "t/departure",
            "published/week",
            "needed/week",
            "run/week",
        ],
        &[l, l, r, r, r, r, r],
        &rows,
    )
}

/// The segments with their values of time, volumes and mode shares.
fn segments_table(segments: &[silkroute_flows::SegmentFlow]) -> String {
    use silkroute_model::Mode;
    let modes = [Mode::Rail, Mode::Road, Mode::Sea, Mode::Air];
    let unit_name = |u: silkroute_feed::CargoUnit| match u {
        silkroute_feed::CargoUnit::Container => "TEU",
        silkroute_feed::CargoUnit::Bulk => "wagons",
        silkroute_feed::CargoUnit::Vehicles => "cars",
    };
    let rows: Vec<Vec<String>> = segments
        .iter()
        .map(|s| {
            let mut row = vec![
                s.name.clone(),
                s.value_usd_per_t.map(|v| num(v, 0)).unwrap_or_default(),
                format!("{:.3}", s.value_of_time_usd_per_t_h),
                num(s.tonnes_per_day, 0),
                format!("{} {}", num(s.units_per_day, 0), unit_name(s.unit)),
            ];
            for m in modes {
                row.push(
                    s.tonne_km_share_by_mode
                        .get(&m)
                        .map(|v| format!("{:.0} %", v * 100.0))
                        .unwrap_or_default(),
                );
            }
            row
        })
        .collect();
    let (l, r) = (Align::Left, Align::Right);
    render(
        &[
            "segment",
            "USD/t",
            "VOT USD/t-h",
            "t/day",
            "units/day",
            "rail",
            "road",
            "sea",
            "air",
        ],
        &[l, r, r, r, r, r, r, r, r],
        &rows,
    )
}

fn list(s: &[String]) -> String {
    if s.is_empty() {
        "none".into()
    } else {
        s.join(", ")
    }
}

fn progress(quiet: bool, what: &str) -> ProgressBar {
    if quiet {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new_spinner();
    bar.set_style(
        ProgressStyle::with_template("{spinner} {prefix}: {msg} [{elapsed}]")
            .expect("valid template"),
    );
    bar.set_prefix(what.to_string());
    bar.enable_steady_tick(Duration::from_millis(200));
    bar
}

/// The busiest edges as a text table.
pub fn flows_table(flows: &[EdgeFlow], top: usize) -> String {
    let rows: Vec<Vec<String>> = flows
        .iter()
        .take(top)
        .map(|f| {
            vec![
                format!("{} {}", f.mode, f.kind),
                f.element.clone(),
                f.direction.clone(),
                num(f.tonnes_per_day, 0),
                f.vehicles_per_day
                    .map(|v| format!("{v:.1}"))
                    .unwrap_or_default(),
                match (f.capacity_t_per_day, f.capacity_basis) {
                    (Some(c), CapacityBasis::BothDirections) => format!("{} ⇄", num(c, 0)),
                    (Some(c), _) => num(c, 0),
                    (None, _) => "missing".into(),
                },
                f.volume_capacity
                    .map(|v| format!("{v:.2}"))
                    .unwrap_or_else(|| "-".into()),
                format!("{:.1}", f.delay_h),
            ]
        })
        .collect();
    let (l, r) = (Align::Left, Align::Right);
    render(
        &[
            "what",
            "element",
            "direction",
            "t/day",
            "veh/day",
            "cap t/day",
            "v/c",
            "delay h",
        ],
        &[l, l, l, r, r, r, r, r],
        &rows,
    )
}

fn flows_csv(flows: &[EdgeFlow]) -> anyhow::Result<String> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "kind",
        "element",
        "from",
        "to",
        "mode",
        "tonnes_per_day",
        "teu_per_day",
        "vehicles_per_day",
        "capacity_basis",
        "capacity_t_per_day",
        "facility_tonnes_per_day",
        "volume_capacity",
        "delay_h",
        "cost_usd_per_t",
    ])?;
    let o = |v: Option<f64>| v.map(|x| format!("{x:.3}")).unwrap_or_default();
    for f in flows {
        w.write_record([
            f.kind.to_string(),
            f.element.clone(),
            f.from.clone(),
            f.to.clone(),
            f.mode.to_string(),
            format!("{:.3}", f.tonnes_per_day),
            format!("{:.3}", f.teu_per_day),
            o(f.vehicles_per_day),
            serde_json::to_value(f.capacity_basis)?
                .as_str()
                .unwrap_or_default()
                .to_string(),
            o(f.capacity_t_per_day),
            format!("{:.3}", f.facility_tonnes_per_day),
            o(f.volume_capacity),
            format!("{:.3}", f.delay_h),
            format!("{:.3}", f.cost_usd_per_t),
        ])?;
    }
    Ok(String::from_utf8(
        w.into_inner().map_err(|e| anyhow!("{e}"))?,
    )?)
}

fn flows_geojson(
    net: &silkroute_model::Network,
    flows: &[EdgeFlow],
) -> anyhow::Result<geojson::FeatureCollection> {
    let mut features = Vec::new();
    for f in flows {
        let (Some(a), Some(b)) = (net.place_id(&f.from), net.place_id(&f.to)) else {
            continue;
        };
        let (a, b) = (net.place(a), net.place(b));
        let line = geojson::GeometryValue::new_line_string([[a.lon, a.lat], [b.lon, b.lat]]);
        features.push(crate::write::feature(line, f)?);
    }
    Ok(geojson::FeatureCollection::from_iter(features))
}
