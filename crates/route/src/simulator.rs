//! The simulator of an undated route on services: the test oracle of the week's distribution
//! (docs/methodology.md §11).
//!
//! Each draw: a ready time uniform over the reference week; the journey the router plans for
//! it; then the journey run with random times: one running-time delay per ride (its legs share
//! one standard normal score), clearance, handling, truck booking and charter formation drawn
//! on their own, a frequency service's wait drawn from its model, and every timetabled
//! departure taken as the first departure of that service at or after the moment the cargo is
//! ready for it, so a delayed arrival that misses its connection waits for the next one.

use crate::distribution::TimeFamily;
use crate::journey::{earliest_arrival, Journey, JourneyStep, WaitReason};
use crate::search::RouteRequest;
use crate::timed::timed_itinerary;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rand_distr::{Distribution, StandardNormal};
use silkroute_graph::{Departures, EdgeKind, Graph, Instant, Timetable};
use silkroute_model::Network;
use std::collections::HashMap;

/// `samples` seeded draws of the ready-to-arrival hours of cargo ready at a random moment of
/// the week starting at `week_start`, sorted. Draws whose journey the router cannot plan are
/// left out.
pub fn simulate_week(
    net: &Network,
    graph: &Graph,
    tt: &Timetable,
    req: &RouteRequest,
    week_start: Instant,
    samples: usize,
    seed: u64,
) -> Vec<f64> {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut out = Vec::with_capacity(samples);
    for _ in 0..samples {
        let ready = week_start + (rng.random::<f64>() * 7.0 * 86_400.0) as Instant;
        let Some(j) = earliest_arrival(net, graph, tt, req, ready) else {
            continue;
        };
        if let Some(t) = run(net, graph, tt, req, &j, &mut rng) {
            out.push((t - ready) as f64 / 3600.0);
        }
    }
    out.sort_by(f64::total_cmp);
    out
}

/// The arrival instant of journey `j` run with random times.
fn run(
    net: &Network,
    graph: &Graph,
    tt: &Timetable,
    req: &RouteRequest,
    j: &Journey,
    rng: &mut StdRng,
) -> Option<Instant> {
    let legs = timed_itinerary(net, graph, tt, req, j).legs;
    let mut z_of_ride: HashMap<u32, f64> = HashMap::new();
    let mut clock = j.ready as f64;
    let secs = |h: f64| h * 3600.0;
    for (step, leg) in j.steps.iter().zip(&legs) {
        match step {
            JourneyStep::Wait {
                node,
                reason,
                from,
                to,
                ..
            } => match reason {
                WaitReason::Timetable(p) => {
                    let pattern = &tt.patterns[*p as usize];
                    let i = pattern
                        .stops
                        .iter()
                        .position(|s| s.node == *node && s.pickup)?;
                    clock = pattern.next_departure(i, clock.ceil() as Instant, 0.5)? as f64;
                }
                WaitReason::Frequency(p) => {
                    if let Departures::Frequency { .. } = tt.patterns[*p as usize].departures {
                        clock += secs(leg.distribution.sample(rng));
                    }
                }
                WaitReason::TruckBooking | WaitReason::CharterFormation => {
                    clock += secs(leg.distribution.sample(rng));
                }
                WaitReason::Connection(_) | WaitReason::Dwell(_) | WaitReason::Change(_) => {
                    clock += (to - from) as f64;
                }
                // Applied at the crossing itself, for whenever the cargo gets there.
                WaitReason::BorderClosed(_) => {}
            },
            JourneyStep::Customs { .. } => clock += secs(leg.distribution.sample(rng)),
            JourneyStep::Walk { depart, arrive, .. } => clock += (arrive - depart) as f64,
            JourneyStep::Edge { edge, driving, .. } => {
                let e = &graph.edges()[*edge as usize];
                if let EdgeKind::Border { border, .. } = e.kind() {
                    clock = tt.border_opens(border, clock.ceil() as Instant) as f64;
                }
                // A truck's crew pauses by the hours it actually drives.
                let run = match driving {
                    Some(_) => TimeFamily::fit(e.time_p50_h, e.time_p90_h, false),
                    None => leg.distribution,
                };
                let hours = match leg.ride {
                    Some(r) => {
                        let z = *z_of_ride
                            .entry(r)
                            .or_insert_with(|| StandardNormal.sample(rng));
                        run.at_z(z)
                    }
                    None => run.sample(rng),
                };
                clock += match driving {
                    Some(d) => d.pauses(net, secs(hours).round() as i64).1 as f64,
                    None => secs(hours),
                };
            }
        }
    }
    Some(clock.round() as Instant)
}
