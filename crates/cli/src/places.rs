//! `silkroute places [--country KZ]`.

use crate::args::PlacesArgs;
use crate::context::load_network;
use crate::failure::{print_json, CmdResult, Failure};
use crate::table::{render, Align};
use anyhow::anyhow;
use std::path::PathBuf;
use std::process::ExitCode;

pub fn run(feed: &Option<PathBuf>, args: PlacesArgs) -> CmdResult {
    let net = load_network(feed)?;
    let country = args.country.map(|c| c.trim().to_ascii_uppercase());
    if let Some(c) = &country {
        if !net.places.iter().any(|p| &p.country == c) {
            let mut known: Vec<&str> = net.places.iter().map(|p| p.country.as_str()).collect();
            known.sort();
            known.dedup();
            return Err(Failure::usage(anyhow!(
                "no places in country `{c}`; countries in this network: {}",
                known.join(", ")
            )));
        }
    }
    let places: Vec<_> = net
        .places
        .iter()
        .filter(|p| country.as_ref().is_none_or(|c| &p.country == c))
        .collect();
    if args.json {
        print_json(&places)?;
        return Ok(ExitCode::SUCCESS);
    }
    let rows: Vec<Vec<String>> = places
        .iter()
        .map(|p| {
            vec![
                p.id.clone(),
                p.name_en.clone(),
                p.name_zh.clone().unwrap_or_default(),
                p.name_ru.clone().unwrap_or_default(),
                p.country.clone(),
                p.kind.as_str().to_string(),
                format!("{:.4}", p.lat),
                format!("{:.4}", p.lon),
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
    say!("{} place(s)", rows.len());
    Ok(ExitCode::SUCCESS)
}
