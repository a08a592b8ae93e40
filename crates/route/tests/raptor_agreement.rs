//! The timetable router against an independent implementation of RAPTOR (vulture, from
//! crates.io): on random sea grids, where nothing moves but services and connections take no
//! time, both find the same earliest arrival for random pairs and ready times.

mod common;

use common::sea_grid::{raptor_arrival, sea_grid, EPOCH};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use silkroute_model::{Mode, PlaceId};
use silkroute_route::{earliest_arrival, Objective, RouteRequest};

#[test]
fn earliest_arrival_equals_raptor_on_random_sea_grids() {
    let mut compared = 0;
    let mut reached = 0;
    for seed in 0..6u64 {
        let g = sea_grid(6, 14, 8, 3, 14, seed);
        let mut rng = StdRng::seed_from_u64(100 + seed);
        for _ in 0..60 {
            let from = rng.random_range(0..g.ports as u32);
            let to = rng.random_range(0..g.ports as u32);
            if from == to {
                continue;
            }
            let ready = EPOCH + rng.random_range(0..7 * 24 * 3600);
            let mut req = RouteRequest::new(
                PlaceId(from),
                PlaceId(to),
                Objective::Least(silkroute_route::Criterion::Time),
            );
            req.modes.insert(Mode::Sea);
            let ours = earliest_arrival(&g.net, &g.graph, &g.tt, &req, ready)
                .map(|j| j.arrival)
                // RAPTOR sees 14 days of trips; compare within them.
                .filter(|&a| a < EPOCH + 14 * 24 * 3600);
            let theirs = raptor_arrival(&g, from, to, ready);
            assert_eq!(ours, theirs, "seed {seed}: {from} → {to} ready {ready}");
            compared += 1;
            reached += usize::from(ours.is_some());
        }
    }
    // The grids are connected enough that most pairs are reached.
    assert!(
        compared > 300 && reached * 2 > compared,
        "{reached} of {compared}"
    );
}
