//! Travellers' trips on the built-in network (docs/benchmarks.md): a trip query plans each
//! journey on passenger services, the other modes beside it, and checks every entry against
//! entry_rules.csv. No peer plans trips with entry rules; the plain earliest arrival on
//! passenger services (one search, what a journey planner answers) is timed beside it.
//!
//! `cargo bench -p silkroute-route --bench trip`

use criterion::{criterion_group, criterion_main, Criterion};
use silkroute_route::{earliest_arrival, Objective, RouteRequest, Router};

fn trips(c: &mut Criterion) {
    let r = Router::new(silkroute_feed::builtin(), Vec::new()).expect("the built-in network");
    let ask = |places: &[&str], passport: &str, date: &str, stay: &str| {
        let stops = places.iter().map(|p| r.find(p).expect("a place")).collect();
        r.trip_request(
            stops,
            passport,
            Some(date),
            Some(stay),
            None,
            Default::default(),
        )
        .expect("a trip request")
    };
    let mut g = c.benchmark_group("trip");
    let one = ask(&["Xi'an", "Almaty"], "CN", "2025-06-01", "14d");
    g.bench_function("Xi'an → Almaty, CN, 14 days", |b| {
        b.iter(|| std::hint::black_box(r.trip(&one).expect("a trip")))
    });
    let tour = ask(
        &["Almaty", "Tashkent", "Samarkand", "Tashkent"],
        "DE",
        "2026-06-01",
        "3d",
    );
    g.bench_function("Almaty → Tashkent → Samarkand → Tashkent, DE", |b| {
        b.iter(|| std::hint::black_box(r.trip(&tour).expect("a trip")))
    });
    let mut rr = RouteRequest::new(
        r.find("xian").unwrap(),
        r.find("almaty").unwrap(),
        Objective::Least(silkroute_route::Criterion::Time),
    );
    rr.passengers = true;
    let ready = one.start;
    g.bench_function(
        "reference: one earliest arrival on passenger services",
        |b| {
            b.iter(|| {
                std::hint::black_box(earliest_arrival(
                    r.network(),
                    r.graph(),
                    r.passenger_timetable(),
                    &rr,
                    ready,
                ))
            })
        },
    );
    g.finish();
}

criterion_group!(benches, trips);
criterion_main!(benches);
