//! The timetable router beside vulture's RAPTOR (crates.io) on the same trips: a synthetic sea
//! grid (tests/common/sea_grid.rs: 900 ports, 300 lines of 20 stops sailing 4 times a day, three
//! weeks of trips), where only services move and connections take no time, so both answer the
//! same earliest-arrival question. Measured: 200 random queries one at a time, and the profile
//! an undated query needs (168 hourly ready times over a week) for one pair: silkroute's 168
//! searches, silkroute reusing a journey up to its latest ready time (as `Router` does for
//! undated queries), and vulture's rRAPTOR range query over the same 168 departure times.
//!
//! `cargo bench -p silkroute-route --bench raptor`

#[path = "../tests/common/mod.rs"]
mod common;

use common::sea_grid::{raptor_arrival, raptor_arrival_with, raptor_time, sea_grid, EPOCH};
use criterion::{criterion_group, criterion_main, Criterion};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use silkroute_model::{Mode, PlaceId};
use silkroute_route::{earliest_arrival, Objective, RouteRequest};
use std::hint::black_box;
use vulture::{RaptorCache, StopIdx, Timetable as _};

fn benches(c: &mut Criterion) {
    let g = sea_grid(30, 300, 20, 4, 21, 7);
    let mut rng = StdRng::seed_from_u64(1);
    let queries: Vec<(u32, u32, i64)> = (0..200)
        .map(|_| {
            let from = rng.random_range(0..g.ports as u32);
            let mut to = rng.random_range(0..g.ports as u32);
            while to == from {
                to = rng.random_range(0..g.ports as u32);
            }
            (from, to, EPOCH + rng.random_range(0..7 * 24 * 3600))
        })
        .collect();
    let request = |from: u32, to: u32| {
        let mut req = RouteRequest::new(
            PlaceId(from),
            PlaceId(to),
            Objective::Least(silkroute_route::Criterion::Time),
        );
        req.modes.insert(Mode::Sea);
        req
    };
    let ours = |&(from, to, ready): &(u32, u32, i64)| {
        earliest_arrival(&g.net, &g.graph, &g.tt, &request(from, to), ready).map(|j| j.arrival)
    };
    // Same answers before timing anything.
    let mut reached = 0;
    for q in &queries {
        let (a, b) = (ours(q), raptor_arrival(&g, q.0, q.1, q.2));
        let a = a.filter(|&t| t < EPOCH + 21 * 24 * 3600);
        assert_eq!(a, b, "{q:?}");
        reached += usize::from(a.is_some());
    }
    eprintln!(
        "sea grid: {} ports, {} patterns, {} of {} queries reached",
        g.ports,
        g.tt.patterns.len(),
        reached,
        queries.len()
    );

    let mut group = c.benchmark_group("earliest arrival, 200 queries");
    group.sample_size(10);
    group.bench_function("silkroute time-dependent Dijkstra", |b| {
        b.iter(|| queries.iter().filter_map(|q| ours(black_box(q))).count())
    });
    let mut cache = RaptorCache::for_timetable(&g.raptor);
    group.bench_function("vulture RAPTOR (cache reused)", |b| {
        b.iter(|| {
            queries
                .iter()
                .filter_map(|&(from, to, ready)| {
                    raptor_arrival_with(&g, &mut cache, from, to, ready)
                })
                .count()
        })
    });
    group.finish();

    // The undated profile of one reached pair: 168 hourly ready times over the week.
    let &(from, to, _) = queries
        .iter()
        .find(|q| ours(q).is_some())
        .expect("a reached pair");
    let readies: Vec<i64> = (0..168).map(|k| EPOCH + k * 3600 + 1800).collect();
    let mut group = c.benchmark_group("one week's profile (168 ready times), one pair");
    group.sample_size(10);
    group.bench_function("silkroute, 168 searches", |b| {
        b.iter(|| readies.iter().filter_map(|&r| ours(&(from, to, r))).count())
    });
    let objective = Objective::Least(silkroute_route::Criterion::Time);
    group.bench_function(
        "silkroute, searches reused up to each journey's latest ready time",
        |b| {
            b.iter(|| {
                let req = request(from, to);
                let mut caught: Option<(silkroute_route::Journey, i64)> = None;
                let mut n = 0;
                for &r in &readies {
                    if let Some((j, latest)) = &caught {
                        if r <= *latest {
                            n += usize::from(j.ready_at(r, &objective).arrival > 0);
                            continue;
                        }
                    }
                    let found = earliest_arrival(&g.net, &g.graph, &g.tt, &req, r);
                    caught = found
                        .as_ref()
                        .and_then(|j| j.latest_ready().map(|l| (j.clone(), l)));
                    n += usize::from(found.is_some());
                }
                n
            })
        },
    );
    group.bench_function("vulture rRAPTOR range query", |b| {
        b.iter(|| {
            g.raptor
                .query()
                .from(StopIdx::new(from))
                .to(StopIdx::new(to))
                .max_transfers(64)
                .depart_in_window(readies.iter().map(|&r| raptor_time(r)))
                .run_with_cache(&mut cache)
                .len()
        })
    });
    group.finish();
}

criterion_group!(raptor, benches);
criterion_main!(raptor);
