//! `silkroute places [TEXT] [--country KZ]`, as a table or as the JSON of `/v1/places`.

use crate::args::PlacesArgs;
use crate::context::load_network;
use crate::failure::{print_json, CmdResult};
use crate::route::invalid;
use crate::table::{render, Align};
use silkroute_route::PlacesRequest;
use std::path::PathBuf;
use std::process::ExitCode;

pub fn run(feed: &Option<PathBuf>, args: PlacesArgs) -> CmdResult {
    let net = load_network(feed)?;
    let answer = silkroute_route::places(
        &net,
        &PlacesRequest {
            text: args.text,
            country: args.country,
        },
    )
    .map_err(invalid)?;
    if args.json {
        print_json(&answer)?;
        return Ok(ExitCode::SUCCESS);
    }
    let places = &answer.places;
    let rows: Vec<Vec<String>> = places
        .iter()
        .map(|p| {
            vec![
                p.id.clone(),
                p.name.clone(),
                p.name_zh.clone().unwrap_or_default(),
                p.name_ru.clone().unwrap_or_default(),
                p.country.clone(),
                p.kind.as_str().to_string(),
                format!("{:.4}", p.coordinates[1]),
                format!("{:.4}", p.coordinates[0]),
            ]
        })
        .collect();
    let l = Align::Left;
    let r = Align::Right;
    say_raw!(
        "{}",
        render(
            &[
                "id",
                "name",
                "中文",
                "русский",
                "country",
                "kind",
                "lat",
                "lon"
            ],
            &[l, l, l, l, l, l, r, r],
            &rows
        )
    );
    tell!("{} place(s)", rows.len());
    Ok(ExitCode::SUCCESS)
}
