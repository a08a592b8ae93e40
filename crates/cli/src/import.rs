//! `silkroute import osm` and `silkroute gen`: feeds from OpenStreetMap and synthetic networks.

use crate::args::{GenArgs, ImportGtfsArgs, ImportOsmArgs};
use crate::failure::{CmdResult, Failure};
use silkroute_import::osm::{import, OsmOptions};
use silkroute_import::synthetic::{generate, GenOptions};
use silkroute_import::ImportError;
use std::process::ExitCode;
use std::time::Instant;

fn failure(e: ImportError) -> Failure {
    match e {
        ImportError::Invalid(_) => Failure::usage(e),
        e => Failure::failed(e),
    }
}

pub fn osm(args: ImportOsmArgs) -> CmdResult {
    let started = Instant::now();
    let opts = OsmOptions {
        rail: args.rail,
        roads: args.roads.iter().map(|r| r.trim().to_string()).collect(),
        ferries: args.ferries,
        country: args.country.clone(),
        timezone: args.timezone.clone(),
        progress: !args.quiet,
    };
    let stats = import(&args.file, &args.out, &opts).map_err(failure)?;
    let secs = started.elapsed().as_secs_f64();
    eprintln!(
        "imported {} ways into {} places and {} links ({} border posts, {} ferry transfers) in {:.2} s ({:.1} MB/s); feed written to {}",
        stats.ways,
        stats.places,
        stats.links,
        stats.border_posts,
        stats.transfers,
        secs,
        stats.bytes as f64 / 1e6 / secs,
        args.out.display()
    );
    if args.country.is_none() {
        eprintln!(
            "countries: {} (from Natural Earth 1:110m polygons); {} border crossings",
            stats.countries, stats.crossings
        );
    }
    if stats.crossings_without_post > 0 {
        eprintln!(
            "warning: {} of the border crossings have no border post (barrier=border_control) in OpenStreetMap: placed at the last node before the line",
            stats.crossings_without_post
        );
    }
    if stats.without_country > 0 {
        eprintln!(
            "warning: {} places lie in no country's polygon (out at sea, or over {} km from any country): country ZZ",
            stats.without_country, 55
        );
    }
    if stats.utc_assumed > 0 {
        eprintln!(
            "warning: {} places are in countries without a default time zone: UTC assumed (give --timezone)",
            stats.utc_assumed
        );
    }
    eprintln!(
        "data © OpenStreetMap contributors, available under the Open Database Licence (ODbL 1.0)"
    );
    Ok(ExitCode::SUCCESS)
}

pub fn gtfs(args: ImportGtfsArgs) -> CmdResult {
    let started = Instant::now();
    let c = &args.country;
    if c.len() != 2 || !c.chars().all(|c| c.is_ascii_uppercase()) {
        return Err(Failure::usage(anyhow::anyhow!(
            "--country: `{c}` is not an ISO 3166-1 alpha-2 code (two capital letters)"
        )));
    }
    let stats = silkroute_import::gtfs::import(
        &args.file,
        &args.out,
        &silkroute_import::gtfs::GtfsOptions { country: c.clone() },
    )
    .map_err(failure)?;
    eprintln!(
        "imported {} stops into {} places, {} links, {} footpaths and {} services ({} trips, {} stop events; {} trips left out) in {:.2} s; feed written to {}",
        stats.stops,
        stats.places,
        stats.links,
        stats.footpaths,
        stats.services,
        stats.trips,
        stats.stop_events,
        stats.skipped_trips,
        started.elapsed().as_secs_f64(),
        args.out.display()
    );
    Ok(ExitCode::SUCCESS)
}

pub fn gen(args: GenArgs) -> CmdResult {
    let started = Instant::now();
    if args.timetable {
        let stats = silkroute_import::synthetic::generate_timetable(
            silkroute_import::synthetic::TimetableOptions {
                stations: args.nodes,
                seed: args.seed,
                headway_min: args.headway_min,
            },
            &args.out,
        )
        .map_err(failure)?;
        eprintln!(
            "generated a GTFS timetable of {} stations, {} lines, {} trips and {} stop events in {:.2} s; written to {}",
            stats.stations,
            stats.lines,
            stats.trips,
            stats.stop_events,
            started.elapsed().as_secs_f64(),
            args.out.display()
        );
        return Ok(ExitCode::SUCCESS);
    }
    let stats = generate(
        GenOptions {
            nodes: args.nodes,
            seed: args.seed,
            deletion: args.deletion,
            highway_every: args.highway_every,
        },
        &args.out,
    )
    .map_err(failure)?;
    eprintln!(
        "generated {} junctions and {} links in {:.2} s; feed written to {}",
        stats.places,
        stats.links,
        started.elapsed().as_secs_f64(),
        args.out.display()
    );
    Ok(ExitCode::SUCCESS)
}
