//! `silkroute reach FROM --within 10d`: places reachable within a budget, as a table or as the
//! JSON of `/v1/reach`.

use crate::args::ReachArgs;
use crate::context::load_router;
use crate::failure::{print_json, CmdResult, Failure};
use crate::route::{invalid, objective};
use crate::table::{num, render, Align};
use crate::write::write_atomic;
use silkroute_route::{parse_budget, ReachRequest};
use std::path::PathBuf;
use std::process::ExitCode;

pub fn run(feed: &Option<PathBuf>, args: ReachArgs) -> CmdResult {
    let router = load_router(feed, &args.scenario)?;
    let from = router.find(&args.from).map_err(Failure::usage)?;
    let objective = objective(&args.by, args.value_of_time)?;
    let budget = parse_budget(&objective, &args.within).map_err(invalid)?;
    let answer = router.reach(&ReachRequest {
        from,
        objective,
        budget,
        shipment: args.shipment.to_shipment(),
    });
    let places = &answer.places;
    if let Some(path) = &args.geojson {
        let features = places
            .iter()
            .map(|p| crate::write::feature(geojson::GeometryValue::new_point(p.coordinates), p))
            .collect::<anyhow::Result<Vec<_>>>()
            .map_err(Failure::failed)?;
        let fc = geojson::FeatureCollection::from_iter(features);
        write_atomic(path, fc.to_string().as_bytes()).map_err(Failure::failed)?;
        eprintln!("wrote {}", path.display());
    }
    if args.json {
        print_json(&answer)?;
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
    tell!(
        "reachable from {} within {} ({}):\n",
        router.network().place(from).name_en,
        args.within,
        objective.explain()
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
    tell!("{} place(s)", rows.len());
    Ok(ExitCode::SUCCESS)
}
