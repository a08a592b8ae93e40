//! `silkroute compare`: what a scenario changes, for one pair or for every pair of an OD file.

use crate::args::CompareArgs;
use crate::context::{apply_scenarios, load_network};
use crate::failure::{print_json, CmdResult, Failure};
use crate::route::objective;
use crate::table::{num, render, Align};
use crate::write::write_atomic;
use anyhow::anyhow;
use silkroute_route::{Comparison, Itinerary, RouteRequest, Router};
use std::path::PathBuf;
use std::process::ExitCode;

pub fn run(feed: &Option<PathBuf>, args: CompareArgs) -> CmdResult {
    let base_net = load_network(feed)?;
    let (scen_net, names) = apply_scenarios(base_net.clone(), &args.scenario)?;
    let base = Router::new(base_net, Vec::new()).map_err(Failure::failed)?;
    let scen = Router::new(scen_net, names.clone()).map_err(Failure::failed)?;
    let objective = objective(&args.by, args.value_of_time)?;
    let template = |from, to| {
        let mut r = RouteRequest::new(from, to, objective);
        args.shipment.apply(&mut r);
        r
    };
    if let Some(od) = &args.od {
        let rows = silkroute_feed::load_demand(od, base.network()).map_err(|r| {
            Failure::failed(anyhow!("{}: the OD file is not valid:\n{r}", od.display()))
        })?;
        let mut pairs: Vec<(silkroute_model::PlaceId, silkroute_model::PlaceId)> =
            rows.iter().map(|r| (r.origin, r.destination)).collect();
        pairs.sort();
        pairs.dedup();
        let results: Vec<Comparison> = pairs
            .iter()
            .map(|&(o, d)| base.compare(&scen, &template(o, d)).map(|c| c.comparison))
            .collect::<Result<_, _>>()
            .map_err(Failure::usage)?;
        let text = if args.json {
            serde_json::to_string_pretty(
                &serde_json::json!({"scenarios": names, "by": objective.name(), "pairs": results}),
            )
            .map_err(Failure::failed)?
        } else {
            deltas_csv(&results).map_err(Failure::failed)?
        };
        match &args.output {
            Some(p) => {
                write_atomic(p, text.as_bytes()).map_err(Failure::failed)?;
                let changed = results.iter().filter(|c| c.route_changed).count();
                eprintln!(
                    "wrote {} ({} pairs, {changed} with a changed route)",
                    p.display(),
                    results.len()
                );
            }
            None => say!("{text}"),
        }
        return Ok(ExitCode::SUCCESS);
    }
    let find = |q: &Option<String>| {
        base.find(q.as_deref().unwrap_or_default())
            .map_err(Failure::usage)
    };
    let req = template(find(&args.from)?, find(&args.to)?);
    let answer = base.compare(&scen, &req).map_err(Failure::usage)?;
    if args.json {
        print_json(&answer)?;
        return Ok(ExitCode::SUCCESS);
    }
    let (c, a, b) = (
        &answer.comparison,
        &answer.baseline_route,
        &answer.scenario_route,
    );
    tell!(
        "{} → {} · baseline vs {} · {}\n",
        base.network().place(req.from).name_en,
        base.network().place(req.to).name_en,
        names.join(" + "),
        objective.explain()
    );
    let column = |it: &Option<Itinerary>| -> Vec<String> {
        match it {
            None => vec!["no route".into(); 7],
            Some(i) => {
                let s = &i.summary;
                vec![
                    format!("{:.1}", s.time_h.sum_p50 / 24.0),
                    format!("{:.1}", s.time_h.sum_p90 / 24.0),
                    num(s.cost_usd, 0),
                    num(s.co2e_kg, 0),
                    num(s.distance_km, 0),
                    if s.borders.is_empty() {
                        "-".into()
                    } else {
                        s.borders.join(", ")
                    },
                    s.gauge_changes.to_string(),
                ]
            }
        }
    };
    let (ca, cb) = (column(a), column(b));
    let d = |v: Option<f64>, scale: f64, dec: usize| {
        v.map(|x| format!("{:+.*}", dec, x / scale))
            .unwrap_or_default()
    };
    let deltas = [
        d(c.delta_time_h, 24.0, 1),
        String::new(),
        d(c.delta_cost_usd, 1.0, 0),
        d(c.delta_co2e_kg, 1.0, 0),
        d(c.delta_distance_km, 1.0, 0),
        String::new(),
        String::new(),
    ];
    let labels = [
        "days (sum of p50)",
        "days (sum of p90)",
        "USD",
        "kg CO2e",
        "km",
        "borders",
        "gauge changes",
    ];
    let rows: Vec<Vec<String>> = (0..labels.len())
        .map(|i| {
            vec![
                labels[i].to_string(),
                ca[i].clone(),
                cb[i].clone(),
                deltas[i].clone(),
            ]
        })
        .collect();
    let scen_label = names.join(" + ");
    say_raw!(
        "{}",
        render(
            &["", "baseline", &scen_label, "change"],
            &[Align::Left, Align::Right, Align::Right, Align::Right],
            &rows
        )
    );
    tell!(
        "\nroute {}",
        if c.route_changed {
            "changes"
        } else {
            "is the same"
        }
    );
    for (label, it) in [("baseline", &a), (scen_label.as_str(), &b)] {
        if let Some(i) = it {
            let mut places: Vec<String> = i.legs.iter().map(|l| l.to.clone()).collect();
            places.dedup();
            places.retain(|p| p != &base.network().place(req.from).id);
            tell!(
                "  {label}: {} → {}",
                base.network().place(req.from).id,
                places.join(" → ")
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn deltas_csv(rows: &[Comparison]) -> anyhow::Result<String> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "from",
        "to",
        "reachable",
        "route_changed",
        "baseline_time_h",
        "scenario_time_h",
        "delta_time_h",
        "baseline_cost_usd",
        "scenario_cost_usd",
        "delta_cost_usd",
        "baseline_co2e_kg",
        "scenario_co2e_kg",
        "delta_co2e_kg",
        "baseline_borders",
        "scenario_borders",
    ])?;
    let f = |v: Option<f64>| v.map(|x| format!("{x:.2}")).unwrap_or_default();
    for c in rows {
        let (a, b) = (c.baseline.as_ref(), c.scenario.as_ref());
        w.write_record([
            c.from.clone(),
            c.to.clone(),
            c.reachable.as_str().to_string(),
            c.route_changed.to_string(),
            f(a.map(|s| s.time_h.sum_p50)),
            f(b.map(|s| s.time_h.sum_p50)),
            f(c.delta_time_h),
            f(a.map(|s| s.cost_usd)),
            f(b.map(|s| s.cost_usd)),
            f(c.delta_cost_usd),
            f(a.map(|s| s.co2e_kg)),
            f(b.map(|s| s.co2e_kg)),
            f(c.delta_co2e_kg),
            a.map(|s| s.borders.join(";")).unwrap_or_default(),
            b.map(|s| s.borders.join(";")).unwrap_or_default(),
        ])?;
    }
    Ok(String::from_utf8(
        w.into_inner().map_err(|e| anyhow!("{e}"))?,
    )?)
}
