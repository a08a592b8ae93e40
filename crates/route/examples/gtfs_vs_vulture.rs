//! Earliest arrivals on an imported GTFS feed beside vulture (a Rust RAPTOR from crates.io) on
//! the same random station pairs and departure times: answers compared one by one, query times
//! side by side (docs/benchmarks.md).
//!
//! ```text
//! silkroute import gtfs FEED.zip --out DIR
//! cargo run --release -p silkroute-route --example gtfs_vs_vulture -- FEED.zip DIR DATE [N] [SEED]
//! ```
//!
//! Both see the same model: a station is its platforms, a change within a station takes no
//! time (vulture: 0 s footpaths between every two platforms of a station; ours: the imported
//! footpaths.csv left out), no footpaths between stations, departures of DATE and the next day. Queries leave a station between
//! 05:00 and 22:00 of DATE (local time of the feed's agency).

use gtfs_structures::{GtfsReader, LocationType, StopTransfer, TransferType};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use silkroute_graph::{compile, Timetable};
use silkroute_model::PlaceId;
use silkroute_route::{earliest_arrival, Criterion, Objective, RouteRequest};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Instant;
use vulture::gtfs::{GtfsTimetable, OvernightDays};
use vulture::{Duration, RaptorCache, SecondOfDay, StopIdx, Timetable as _};

fn slug(id: &str) -> String {
    let mut s: String = id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    while s.contains("--") {
        s = s.replace("--", "-");
    }
    s.trim_matches('-').to_string()
}

fn percentile(v: &mut [f64], p: f64) -> f64 {
    v.sort_by(f64::total_cmp);
    v[((v.len() - 1) as f64 * p).round() as usize]
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() < 4 {
        eprintln!("usage: gtfs_vs_vulture FEED.zip DIR DATE [N] [SEED]");
        std::process::exit(2);
    }
    let (zip, dir, date) = (&args[1], &args[2], &args[3]);
    let n: usize = args.get(4).and_then(|a| a.parse().ok()).unwrap_or(10_000);
    let seed: u64 = args.get(5).and_then(|a| a.parse().ok()).unwrap_or(1);

    // Ours: the imported feed, its graph and passenger timetable.
    let t = Instant::now();
    let (mut net, _) =
        silkroute_feed::load_dir(std::path::Path::new(dir)).expect("the imported feed");
    // The same model as vulture's below: changes take no time (transfers.txt's change times
    // and walks left out).
    net.footpaths.clear();
    let graph = compile(&net).expect("graph");
    let tt = Timetable::compile_for(&net, &graph, true).expect("timetable");
    let ours_load_ms = t.elapsed().as_secs_f64() * 1e3;
    println!(
        "silkroute timetable: {} patterns in {} lines ({} tables of trips)",
        tt.patterns.len(),
        tt.lines.len(),
        tt.lines.iter().filter(|l| l.is_table()).count()
    );

    // vulture: the same GTFS with 0 s changes between the platforms of a station.
    let t = Instant::now();
    let mut gtfs = GtfsReader::default()
        .read_shapes(false)
        .read_from_path(zip)
        .expect("GTFS");
    let mut children: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (id, s) in &gtfs.stops {
        if let (Some(p), LocationType::StopPoint) = (s.parent_station.as_deref(), &s.location_type)
        {
            children.entry(p.to_owned()).or_default().push(id.clone());
        }
    }
    for kids in children.values() {
        for a in kids {
            let s = Arc::make_mut(gtfs.stops.get_mut(a).expect("stop"));
            s.transfers.clear();
            for b in kids.iter().filter(|b| *b != a) {
                s.transfers.push(StopTransfer {
                    to_stop_id: b.clone(),
                    transfer_type: TransferType::MinTime,
                    min_transfer_time: Some(0),
                });
            }
        }
    }
    let day: jiff02::civil::Date = date.parse().expect("DATE like 2024-12-16");
    let vt = GtfsTimetable::new_with_overnight_days(&gtfs, day, OvernightDays(1)).expect("vulture");
    let mut cache = RaptorCache::for_timetable(&vt);
    let vulture_load_ms = t.elapsed().as_secs_f64() * 1e3;

    // Stations served by both: parent stations with their platforms, and stand-alone stops.
    let endpoints = |id: &str| -> Vec<(StopIdx, Duration)> {
        if children.contains_key(id) {
            vt.station_stops(id).to_vec()
        } else {
            vt.stop_idx(id)
                .map(|s| vec![(s, Duration::ZERO)])
                .unwrap_or_default()
        }
    };
    let mut ids: Vec<&String> = gtfs
        .stops
        .iter()
        .filter(|(id, s)| children.contains_key(*id) || s.parent_station.is_none())
        .map(|(id, _)| id)
        .collect();
    ids.sort();
    type Endpoints = Vec<(StopIdx, Duration)>;
    let stations: Vec<(&String, PlaceId, Endpoints)> = ids
        .into_iter()
        .filter_map(|id| net.place_id(&slug(id)).map(|p| (id, p, endpoints(id))))
        .filter(|(_, _, e)| !e.is_empty())
        .collect();
    let zone = jiff::tz::TimeZone::get(&net.place(stations[0].1).timezone).expect("zone");
    let midnight = date
        .parse::<jiff::civil::Date>()
        .expect("date")
        .to_datetime(jiff::civil::Time::midnight())
        .to_zoned_datetime(zone)
        .expect("midnight")
        .timestamp()
        .as_second();
    let mut rng = StdRng::seed_from_u64(seed);
    let (mut equal, mut differ, mut both_none, mut shown) = (0, 0, 0, 0);
    let (mut ours_us, mut theirs_us) = (Vec::with_capacity(n), Vec::with_capacity(n));
    for _ in 0..n {
        let a = rng.random_range(0..stations.len());
        let mut b = rng.random_range(0..stations.len());
        while b == a {
            b = rng.random_range(0..stations.len());
        }
        let depart = rng.random_range(5 * 3600..=22 * 3600) as i64;
        let mut req = RouteRequest::new(
            stations[a].1,
            stations[b].1,
            Objective::Least(Criterion::Time),
        );
        req.passengers = true;
        let t = Instant::now();
        let ours = earliest_arrival(&net, &graph, &tt, &req, midnight + depart)
            .map(|j| j.arrival - midnight);
        ours_us.push(t.elapsed().as_secs_f64() * 1e6);
        let (src, dst) = (&stations[a].2, &stations[b].2);
        let t = Instant::now();
        let theirs = vt
            .query()
            .from(src)
            .to(dst)
            .max_transfers(20)
            .depart_at(SecondOfDay(depart as u32))
            .run_with_cache(&mut cache)
            .iter()
            .map(|j| i64::from(j.arrival().0))
            .min();
        theirs_us.push(t.elapsed().as_secs_f64() * 1e6);
        match (ours, theirs) {
            (None, None) => both_none += 1,
            (x, y) if x == y => equal += 1,
            (x, y) => {
                differ += 1;
                if shown < 10 {
                    shown += 1;
                    eprintln!(
                        "differ: {} → {} at {depart} s: ours {x:?}, vulture {y:?}",
                        stations[a].0, stations[b].0
                    );
                }
            }
        }
    }
    println!(
        "{n} queries on {} stations, {date}: equal arrivals {equal}, both unreachable {both_none}, different {differ}",
        stations.len()
    );
    println!(
        "silkroute: load {ours_load_ms:.0} ms, median {:.1} µs, p90 {:.1} µs",
        percentile(&mut ours_us, 0.5),
        percentile(&mut ours_us, 0.9)
    );
    println!(
        "vulture:   load {vulture_load_ms:.0} ms, median {:.1} µs, p90 {:.1} µs",
        percentile(&mut theirs_us, 0.5),
        percentile(&mut theirs_us, 0.9)
    );
}
