//! Transit time as a distribution.
//!
//! Every leg of an itinerary has a typical (p50) and bad-case (p90) time and a family:
//! - `fixed`: p90 = p50, no spread;
//! - `uniform`: a wait for a departure with headway `H` is uniform on `[0, H]`
//!   (p50 = H/2, p90 = 0.9 H), as is a wait whose p50 is zero;
//! - `lognormal`: anything else (running, border clearance, handling, default waits), with
//!   median `m = p50` and `sigma = ln(p90 / p50) / z90`, `z90 = 1.2815515655`.
//!
//! Legs are independent. The total is computed by discretised convolution on a grid of
//! `bins` cells (each leg's mass is put at cell centres from its CDF), or by seeded Monte Carlo;
//! a test checks that both agree.

use rand::{rngs::StdRng, Rng, SeedableRng};
use rand_distr::{Distribution as _, StandardNormal};
use serde::Serialize;

/// The 90 % quantile of the standard normal distribution.
pub const Z90: f64 = 1.281_551_565_5;

/// The family of a leg's time.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "family", rename_all = "lowercase")]
pub enum TimeFamily {
    /// Always `hours`.
    Fixed {
        /// The time.
        hours: f64,
    },
    /// Uniform on `[0, max_h]`.
    Uniform {
        /// Upper bound.
        max_h: f64,
    },
    /// Lognormal with `ln T ~ N(mu, sigma²)`.
    Lognormal {
        /// Mean of ln hours.
        mu: f64,
        /// Standard deviation of ln hours.
        sigma: f64,
    },
}

impl TimeFamily {
    /// Fits a family to a typical and a bad-case time; `uniform_wait` marks a wait for a
    /// departure with a known headway.
    pub fn fit(p50: f64, p90: f64, uniform_wait: bool) -> TimeFamily {
        if p90 <= p50 + 1e-12 {
            TimeFamily::Fixed { hours: p50 }
        } else if uniform_wait || p50 <= 1e-9 {
            TimeFamily::Uniform { max_h: p90 / 0.9 }
        } else {
            TimeFamily::Lognormal {
                mu: p50.ln(),
                sigma: (p90 / p50).ln() / Z90,
            }
        }
    }

    /// P(T ≤ t).
    pub fn cdf(&self, t: f64) -> f64 {
        match *self {
            TimeFamily::Fixed { hours } => {
                if t >= hours {
                    1.0
                } else {
                    0.0
                }
            }
            TimeFamily::Uniform { max_h } => (t / max_h).clamp(0.0, 1.0),
            TimeFamily::Lognormal { mu, sigma } => {
                if t <= 0.0 {
                    0.0
                } else {
                    0.5 * libm::erfc(-(t.ln() - mu) / (sigma * std::f64::consts::SQRT_2))
                }
            }
        }
    }

    /// A time below which the probability is negligible (≈ 1e-7).
    fn lower(&self) -> f64 {
        match *self {
            TimeFamily::Fixed { hours } => hours,
            TimeFamily::Uniform { .. } => 0.0,
            TimeFamily::Lognormal { mu, sigma } => (mu - 5.2 * sigma).exp(),
        }
    }

    /// A time beyond which the probability is negligible (≈ 1e-6).
    fn upper(&self) -> f64 {
        match *self {
            TimeFamily::Fixed { hours } => hours,
            TimeFamily::Uniform { max_h } => max_h,
            TimeFamily::Lognormal { mu, sigma } => (mu + 4.75 * sigma).exp(),
        }
    }

    /// One random draw.
    fn sample(&self, rng: &mut StdRng) -> f64 {
        match *self {
            TimeFamily::Fixed { hours } => hours,
            TimeFamily::Uniform { max_h } => rng.random::<f64>() * max_h,
            TimeFamily::Lognormal { mu, sigma } => {
                let z: f64 = StandardNormal.sample(rng);
                (mu + sigma * z).exp()
            }
        }
    }
}

/// The distribution of a total time, as a probability mass on a regular grid.
#[derive(Debug, Clone)]
pub struct TimeDistribution {
    /// Cell width, hours.
    pub step_h: f64,
    /// Mass of cell `i`, centred on `i * step_h`.
    pub mass: Vec<f64>,
}

impl TimeDistribution {
    /// Convolves independent legs on a grid of about `bins` cells. Each leg is discretised only
    /// over its support (from its 1e-7 to its 1 − 1e-6 quantile), so the work is proportional to
    /// the grid length times the legs' own widths; fixed legs together are one shift.
    pub fn convolve(legs: &[TimeFamily], bins: usize) -> TimeDistribution {
        let span: f64 = legs.iter().map(TimeFamily::upper).sum();
        let step_h = (span / bins.max(16) as f64).max(1e-6);
        let fixed: f64 = legs
            .iter()
            .filter_map(|l| match l {
                TimeFamily::Fixed { hours } => Some(*hours),
                _ => None,
            })
            .sum();
        let (mut offset, mut total) = discretize(&TimeFamily::Fixed { hours: fixed }, step_h);
        for leg in legs
            .iter()
            .filter(|l| !matches!(l, TimeFamily::Fixed { .. }))
        {
            let (o, pmf) = discretize(leg, step_h);
            total = convolve(&total, &pmf);
            offset += o;
        }
        let mut mass = vec![0.0; offset];
        mass.extend(total);
        TimeDistribution { step_h, mass }
    }

    /// The `q` quantile, hours (linear within the cell).
    pub fn quantile(&self, q: f64) -> f64 {
        let mut acc = 0.0;
        for (i, m) in self.mass.iter().enumerate() {
            if acc + m >= q && *m > 0.0 {
                let frac = (q - acc) / m;
                return (i as f64 - 0.5 + frac) * self.step_h;
            }
            acc += m;
        }
        (self.mass.len() as f64 - 0.5) * self.step_h
    }

    /// P(total ≤ t).
    pub fn probability_within(&self, t: f64) -> f64 {
        let mut acc = 0.0;
        for (i, m) in self.mass.iter().enumerate() {
            let lo = (i as f64 - 0.5) * self.step_h;
            let hi = lo + self.step_h;
            if t >= hi {
                acc += m;
            } else if t > lo {
                acc += m * (t - lo) / self.step_h;
            }
        }
        acc.min(1.0)
    }
}

/// The leg's mass on the grid as `(first cell, masses from that cell on)`.
fn discretize(leg: &TimeFamily, step_h: f64) -> (usize, Vec<f64>) {
    if let TimeFamily::Fixed { hours } = leg {
        // Split the point mass between the two nearest cells so its mean is kept.
        let x = hours / step_h;
        let i = x.floor() as usize;
        let f = x - x.floor();
        return (i, vec![1.0 - f, f]);
    }
    let first = ((leg.lower() / step_h).floor() as usize).saturating_sub(1);
    let last = (leg.upper() / step_h).ceil() as usize + 2;
    let mut v = Vec::with_capacity(last - first + 1);
    let mut prev = if first == 0 {
        0.0
    } else {
        leg.cdf((first as f64 - 0.5) * step_h)
    };
    v.push(0.0);
    v[0] = leg.cdf((first as f64 + 0.5) * step_h) - prev;
    prev += v[0];
    for i in first + 1..last {
        let c = leg.cdf((i as f64 + 0.5) * step_h);
        v.push(c - prev);
        prev = c;
    }
    if let Some(last) = v.last_mut() {
        *last += 1.0 - prev;
    }
    // mass below the first cell (≈ 1e-7) joins the first cell
    let below = if first == 0 {
        0.0
    } else {
        leg.cdf((first as f64 - 0.5) * step_h)
    };
    v[0] += below;
    (first, v)
}

fn convolve(a: &[f64], b: &[f64]) -> Vec<f64> {
    let mut out = vec![0.0; a.len() + b.len() - 1];
    for (i, x) in a.iter().enumerate() {
        if *x < 1e-15 {
            continue;
        }
        for (j, y) in b.iter().enumerate() {
            out[i + j] += x * y;
        }
    }
    while out.len() > 1 && out.last().is_some_and(|m| *m < 1e-15) {
        out.pop();
    }
    out
}

/// Seeded Monte Carlo samples of the total time, sorted ascending.
pub fn monte_carlo(legs: &[TimeFamily], samples: usize, seed: u64) -> Vec<f64> {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut out: Vec<f64> = (0..samples)
        .map(|_| legs.iter().map(|l| l.sample(&mut rng)).sum())
        .collect();
    out.sort_by(f64::total_cmp);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fit_reproduces_its_p50_and_p90() {
        let f = TimeFamily::fit(10.0, 30.0, false);
        assert!((f.cdf(10.0) - 0.5).abs() < 1e-9);
        assert!((f.cdf(30.0) - 0.9).abs() < 1e-6);
        let u = TimeFamily::fit(12.0, 21.6, true);
        assert!((u.cdf(12.0) - 0.5).abs() < 1e-9 && (u.cdf(21.6) - 0.9).abs() < 1e-9);
    }

    #[test]
    fn convolution_keeps_the_mass_and_the_mean() {
        let legs = [
            TimeFamily::fit(10.0, 30.0, false),
            TimeFamily::fit(12.0, 21.6, true),
            TimeFamily::Fixed { hours: 48.3 },
        ];
        let d = TimeDistribution::convolve(&legs, 2000);
        let total: f64 = d.mass.iter().sum();
        assert!((total - 1.0).abs() < 1e-9);
        let mean: f64 = d
            .mass
            .iter()
            .enumerate()
            .map(|(i, m)| i as f64 * d.step_h * m)
            .sum();
        let expected = (10f64.ln() + (3f64.ln() / Z90).powi(2) / 2.0).exp() + 12.0 + 48.3;
        assert!(
            (mean - expected).abs() / expected < 0.01,
            "{mean} vs {expected}"
        );
    }
}
