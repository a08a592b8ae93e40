//! Transit time distributions: the fast grid method agrees with the simulator of whole
//! itineraries on the ranges the real data has (borders whose p90 is up to 20× their p50, rides
//! of many links, weekly waits), quantiles are ordered, and the chance of making a deadline
//! rises with the deadline.

use proptest::prelude::*;
use silkroute_route::{simulate, TimeComponent, TimeDistribution, TimeFamily};

/// Agreement asked of the quantiles (relative) and of the deadline odds (absolute).
const QUANTILE_TOL: f64 = 0.05;
const ODDS_TOL: f64 = 0.03;
/// Draws of the simulator per case. With p90/p50 ratios of 20 the simulator's own sampling
/// error of a p95 can reach 1–2 %, so a quantile also agrees when it lies within the simulator's
/// 99.9 % confidence band (order statistics at ranks `q ± 3.3 √(q(1 − q)/n)`).
const SAMPLES: usize = 100_000;

/// One component as the feed makes them: clearances and handling (lognormal, p90/p50 up to
/// 20; the feed's largest is 15), waits for a departure (uniform, headways up to 800 h; the
/// feed's longest, 0.46 departures a week, is 365 h), default waits (lognormal),
/// fixed times, and rides of several links sharing one delay (a mode's run p90 factor).
fn component() -> impl Strategy<Value = TimeComponent> {
    prop_oneof![
        3 => (0.5f64..200.0, 1.0f64..20.0)
            .prop_map(|(p50, ratio)| TimeComponent::Leg(TimeFamily::fit(p50, p50 * ratio, false))),
        2 => (1.0f64..800.0)
            .prop_map(|headway| TimeComponent::Leg(TimeFamily::fit(headway / 2.0, 0.9 * headway, true))),
        1 => (0.0f64..100.0).prop_map(|h| TimeComponent::Leg(TimeFamily::Fixed { hours: h })),
        3 => (proptest::collection::vec(0.2f64..120.0, 1..10), 1.0f64..2.5).prop_map(|(links, factor)| {
            TimeComponent::Ride(links.iter().map(|h| TimeFamily::fit(*h, h * factor, false)).collect())
        }),
    ]
}

fn itinerary() -> impl Strategy<Value = Vec<TimeComponent>> {
    proptest::collection::vec(component(), 1..12)
}

fn families(components: &[TimeComponent]) -> Vec<TimeFamily> {
    components.iter().map(TimeComponent::family).collect()
}

fn empirical(samples: &[f64], q: f64) -> f64 {
    samples[(((samples.len() as f64) * q) as usize).min(samples.len() - 1)]
}

/// True when `fast` is within `QUANTILE_TOL` of the simulator's `q` quantile or inside its
/// sampling band.
fn agrees(samples: &[f64], q: f64, fast: f64) -> bool {
    let sim = empirical(samples, q);
    let band = 3.3 * (q * (1.0 - q) / samples.len() as f64).sqrt();
    (fast - sim).abs() <= QUANTILE_TOL * sim
        || (empirical(samples, q - band) <= fast && fast <= empirical(samples, q + band))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn the_grid_agrees_with_the_simulator(components in itinerary(), seed in any::<u64>(), rank in 0.02f64..0.98) {
        let d = TimeDistribution::of(&families(&components));
        let samples = simulate(&components, SAMPLES, seed);
        for q in [0.5, 0.9, 0.95] {
            let fast = d.quantile(q);
            prop_assert!(agrees(&samples, q, fast),
                "p{}: grid {fast} vs simulator {}", q * 100.0, empirical(&samples, q));
        }
        // deadline odds at a deadline somewhere in the bulk
        let deadline = empirical(&samples, rank);
        let share = samples.partition_point(|t| *t <= deadline) as f64 / samples.len() as f64;
        let odds = d.probability_within(deadline);
        prop_assert!((odds - share).abs() <= ODDS_TOL, "deadline {deadline}: grid {odds} vs simulator {share}");
    }

    #[test]
    fn quantiles_are_ordered_and_deadline_odds_rise(components in itinerary(), a in 1.0f64..3000.0, b in 1.0f64..3000.0) {
        let d = TimeDistribution::of(&families(&components));
        let (p50, p90, p95) = (d.quantile(0.5), d.quantile(0.9), d.quantile(0.95));
        prop_assert!(p50 <= p90 && p90 <= p95, "{p50} {p90} {p95}");
        let (lo, hi) = if a < b { (a, b) } else { (b, a) };
        prop_assert!(d.probability_within(lo) <= d.probability_within(hi) + 1e-12);
        let continuous = families(&components).iter().any(|f| !matches!(f, TimeFamily::Fixed { .. }));
        if continuous {
            prop_assert!((d.probability_within(p90) - 0.9).abs() < 0.01);
        } else {
            prop_assert!(d.probability_within(p90) == 1.0);
        }
        prop_assert!(d.overflow <= 0.01);
    }

    /// The running sums give the odds the cell sums give, anywhere.
    #[test]
    fn running_sums_give_the_same_odds(components in itinerary(), t in -10.0f64..5000.0) {
        let d = TimeDistribution::of(&families(&components));
        let odds = d.probability_within(t);
        let c = d.clone().cumulative();
        prop_assert!((c.probability_within(t) - odds).abs() <= 1e-12, "{t}");
    }

    /// The median of a sum of non-negative times is at least the median of any part of it, and
    /// a ride's median is its summed running time: the total's p50 never falls below the
    /// running time of the rides.
    #[test]
    fn the_median_is_never_below_the_running_time(components in itinerary()) {
        let d = TimeDistribution::of(&families(&components));
        let running: f64 = components
            .iter()
            .filter(|c| matches!(c, TimeComponent::Ride(_)))
            .map(|c| c.family().at_z(0.0))
            .sum();
        prop_assert!(d.quantile(0.5) >= running * (1.0 - 1e-3), "p50 {} below running {running}", d.quantile(0.5));
    }
}

#[test]
fn a_deterministic_chain_is_its_sum() {
    let legs = [
        TimeFamily::Fixed { hours: 10.0 },
        TimeFamily::Fixed { hours: 32.5 },
    ];
    let d = TimeDistribution::of(&legs);
    assert!((d.quantile(0.5) - 42.5).abs() < 1e-3);
    assert!(d.probability_within(40.0) < 0.01 && d.probability_within(45.0) > 0.99);
}

/// The case of the first round's report: 25 h of driving, then eastbound Irkeshtam (p50 4 h,
/// p90 60 h): the old grid, sized by the border's 1 − 1e-6 quantile, had cells of about 90 h
/// and put the median at 19 h.
#[test]
fn a_heavy_tailed_border_after_a_long_drive() {
    let components = [
        TimeComponent::Leg(TimeFamily::fit(12.0, 24.0, false)),
        TimeComponent::Ride(vec![
            TimeFamily::fit(10.0, 13.0, false),
            TimeFamily::fit(15.0, 19.5, false),
        ]),
        TimeComponent::Leg(TimeFamily::fit(4.0, 60.0, false)),
    ];
    let d = TimeDistribution::of(&families(&components));
    let samples = simulate(&components, 100_000, 1);
    let p50 = d.quantile(0.5);
    assert!(p50 > 25.0, "p50 {p50} below 25 h of driving");
    let sim = empirical(&samples, 0.5);
    assert!((p50 - sim).abs() / sim < 0.02, "{p50} vs {sim}");
    let share = samples.partition_point(|t| *t <= 24.0) as f64 / samples.len() as f64;
    assert!((d.probability_within(24.0) - share).abs() < 0.01);
}
