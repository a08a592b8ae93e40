//! Transit time distributions: convolution agrees with Monte Carlo, quantiles are ordered, and
//! the chance of making a deadline rises with the deadline.

use proptest::prelude::*;
use silkroute_route::{monte_carlo, TimeDistribution, TimeFamily};

/// Tolerance of the agreement between convolution and Monte Carlo quantiles: 2 % of the value
/// plus one grid cell. With 20,000 samples the sampling error of a p90 is well below 1 %.
const REL_TOL: f64 = 0.02;

fn families() -> impl Strategy<Value = Vec<TimeFamily>> {
    let leg = (0.5f64..200.0, 1.0f64..4.0, 0u8..3).prop_map(|(p50, ratio, kind)| match kind {
        0 => TimeFamily::fit(p50, p50 * ratio, false),
        1 => TimeFamily::fit(p50, p50 * 1.8, true),
        _ => TimeFamily::Fixed { hours: p50 },
    });
    proptest::collection::vec(leg, 1..12)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(40))]

    #[test]
    fn convolution_agrees_with_monte_carlo(legs in families(), seed in any::<u64>()) {
        let d = TimeDistribution::convolve(&legs, silkroute_route::Itinerary::DISTRIBUTION_BINS);
        let samples = monte_carlo(&legs, 20_000, seed);
        for q in [0.5, 0.9, 0.95] {
            let conv = d.quantile(q);
            let mc = samples[((samples.len() as f64) * q) as usize];
            let tol = REL_TOL * mc + d.step_h;
            prop_assert!((conv - mc).abs() <= tol, "q{q}: convolution {conv} vs Monte Carlo {mc} (tol {tol})");
        }
    }

    #[test]
    fn quantiles_are_ordered_and_deadline_odds_rise(legs in families(), a in 1.0f64..2000.0, b in 1.0f64..2000.0) {
        let d = TimeDistribution::convolve(&legs, silkroute_route::Itinerary::DISTRIBUTION_BINS);
        let (p50, p90, p95) = (d.quantile(0.5), d.quantile(0.9), d.quantile(0.95));
        prop_assert!(p50 <= p90 && p90 <= p95, "{p50} {p90} {p95}");
        let (lo, hi) = if a < b { (a, b) } else { (b, a) };
        prop_assert!(d.probability_within(lo) <= d.probability_within(hi) + 1e-12);
        prop_assert!((d.probability_within(p90) - 0.9).abs() < 0.01);
    }
}

#[test]
fn a_deterministic_chain_is_its_sum() {
    let legs = [
        TimeFamily::Fixed { hours: 10.0 },
        TimeFamily::Fixed { hours: 32.5 },
    ];
    let d = TimeDistribution::convolve(&legs, 1000);
    assert!((d.quantile(0.5) - 42.5).abs() <= d.step_h);
    assert!(d.probability_within(40.0) < 0.01 && d.probability_within(45.0) > 0.99);
}
