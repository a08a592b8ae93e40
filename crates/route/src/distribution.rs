//! Transit time as a distribution (the model is written down in docs/methodology.md §9).
//!
//! Every leg of an itinerary has a typical (p50) and bad-case (p90) time and a family:
//! - `fixed`: p90 = p50, no spread;
//! - `uniform`: a wait for a departure with headway `H` is uniform on `[0, H]`
//!   (p50 = H/2, p90 = 0.9 H), as is a wait whose p50 is zero;
//! - `lognormal`: anything else (running, border clearance, handling, default waits), with
//!   median `m = p50` and `sigma = ln(p90 / p50) / z90`, `z90 = 1.2815515655`.
//!
//! The random variables of an itinerary ([`TimeComponent`]s) are independent: each wait, border
//! clearance and transfer is one, and each *ride* (consecutive runs of one vehicle, see
//! [`Leg::ride`](crate::Leg::ride)) is one, because a ride has one running-time delay shared by
//! all its links: link `i` of a ride takes `exp(mu_i + sigma_i z)` with one standard normal `z`
//! per ride. Splitting a link therefore leaves the distribution unchanged.
//!
//! Two ways to get the total's distribution:
//! - [`simulate`]: seeded draws of whole itineraries, leg by leg along a clock: the reference
//!   every other method is tested against;
//! - [`TimeDistribution::of`]: discretised convolution on a grid fitted to the bulk of the
//!   total (its p99), not to the legs' extreme tails, with the mass beyond kept in an overflow
//!   cell. Because every time is non-negative, `P(total ≤ t)` for `t` on the grid depends only
//!   on each component's mass below `t`, so truncating the components at the grid's end is
//!   exact; the grid only limits the resolution.

use rand::{rngs::StdRng, Rng, SeedableRng};
use rand_distr::{Distribution as _, StandardNormal};
use serde::Serialize;

/// The 90 % quantile of the standard normal distribution.
pub const Z90: f64 = 1.281_551_565_5;
/// The 99 % quantile of the standard normal distribution.
const Z99: f64 = 2.326_347_874_0;
/// The 1e-9 quantile of the standard normal distribution (a lognormal's practical lower end).
const Z_LOW: f64 = -5.997_807_015;

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
    /// Exponential with mean `mean_h`: the wait for irregular departures (a Poisson process).
    Exponential {
        /// Mean, hours.
        mean_h: f64,
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
            TimeFamily::Exponential { mean_h } => {
                if t <= 0.0 {
                    0.0
                } else {
                    1.0 - (-t / mean_h).exp()
                }
            }
            TimeFamily::Lognormal { mu, sigma } => {
                if t <= 0.0 {
                    0.0
                } else {
                    0.5 * libm::erfc(-(t.ln() - mu) / (sigma * std::f64::consts::SQRT_2))
                }
            }
        }
    }

    /// The time at standard-normal score `z`: the `Φ(z)` quantile. For a ride this is how the
    /// one delay of the ride maps to each of its links.
    pub fn at_z(&self, z: f64) -> f64 {
        match *self {
            TimeFamily::Fixed { hours } => hours,
            TimeFamily::Uniform { max_h } => {
                max_h * 0.5 * libm::erfc(-z / std::f64::consts::SQRT_2)
            }
            TimeFamily::Exponential { mean_h } => {
                // 1 − Φ(z) = Φ(−z), computed directly so that the upper tail keeps its digits.
                -mean_h * (0.5 * libm::erfc(z / std::f64::consts::SQRT_2)).ln()
            }
            TimeFamily::Lognormal { mu, sigma } => (mu + sigma * z).exp(),
        }
    }

    /// The `q` quantile (by bisection on the CDF for the lognormal).
    pub fn quantile(&self, q: f64) -> f64 {
        match *self {
            TimeFamily::Fixed { hours } => hours,
            TimeFamily::Uniform { max_h } => q.clamp(0.0, 1.0) * max_h,
            TimeFamily::Exponential { mean_h } => -mean_h * (1.0 - q.clamp(0.0, 1.0 - 1e-15)).ln(),
            TimeFamily::Lognormal { .. } => {
                let (mut lo, mut hi) = (-12.0f64, 12.0f64);
                for _ in 0..80 {
                    let mid = 0.5 * (lo + hi);
                    if 0.5 * libm::erfc(-mid / std::f64::consts::SQRT_2) < q {
                        lo = mid;
                    } else {
                        hi = mid;
                    }
                }
                self.at_z(0.5 * (lo + hi))
            }
        }
    }

    /// A time below which the probability is negligible (1e-9).
    fn lower(&self) -> f64 {
        match *self {
            TimeFamily::Fixed { hours } => hours,
            TimeFamily::Uniform { .. } | TimeFamily::Exponential { .. } => 0.0,
            TimeFamily::Lognormal { mu, sigma } => (mu + Z_LOW * sigma).exp(),
        }
    }

    /// One random draw.
    pub fn sample(&self, rng: &mut StdRng) -> f64 {
        match *self {
            TimeFamily::Fixed { hours } => hours,
            TimeFamily::Uniform { max_h } => rng.random::<f64>() * max_h,
            TimeFamily::Exponential { mean_h } => -mean_h * (1.0 - rng.random::<f64>()).ln(),
            TimeFamily::Lognormal { mu, sigma } => {
                let z: f64 = StandardNormal.sample(rng);
                (mu + sigma * z).exp()
            }
        }
    }
}

/// One independent random variable of an itinerary's time, as [`simulate`] draws it.
#[derive(Debug, Clone, PartialEq)]
pub enum TimeComponent {
    /// A leg on its own (wait, clearance, handling).
    Leg(TimeFamily),
    /// A ride: its links share one standard normal score `z`.
    Ride(Vec<TimeFamily>),
}

impl TimeComponent {
    /// The component as one family. A ride of lognormal links with one `sigma` (all links of
    /// one mode have it: their p90 is `run_p90_factor × p50`) is exactly lognormal with median
    /// Σ p50 and the same sigma; a ride mixing sigmas is fitted to its exact Σ p50 and Σ p90
    /// (the quantiles of a comonotone sum add up).
    pub fn family(&self) -> TimeFamily {
        match self {
            TimeComponent::Leg(f) => *f,
            TimeComponent::Ride(links) => {
                let p50: f64 = links.iter().map(|f| f.at_z(0.0)).sum();
                let p90: f64 = links.iter().map(|f| f.at_z(Z90)).sum();
                TimeFamily::fit(p50, p90, false)
            }
        }
    }
}

/// Seeded draws of the total time of an itinerary given as its components in order, sorted
/// ascending: the reference the fast method is tested against.
///
/// The draw walks the components along a clock, one after the other, so that a timetable can be
/// added here: a wait would then become "the next departure after the clock" instead of a draw
/// from its family.
pub fn simulate(components: &[TimeComponent], samples: usize, seed: u64) -> Vec<f64> {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut out: Vec<f64> = (0..samples)
        .map(|_| {
            let mut clock_h = 0.0;
            for c in components {
                clock_h += match c {
                    TimeComponent::Leg(f) => f.sample(&mut rng),
                    TimeComponent::Ride(links) => {
                        let z: f64 = StandardNormal.sample(&mut rng);
                        links.iter().map(|f| f.at_z(z)).sum()
                    }
                };
            }
            clock_h
        })
        .collect();
    out.sort_by(f64::total_cmp);
    out
}

/// The distribution of a total time: probability mass on a regular grid of cells centred on
/// `origin_h + i × step_h`, and the mass beyond the grid's last cell.
#[derive(Debug, Clone)]
pub struct TimeDistribution {
    /// Centre of the first cell, hours: the sum of the components' lower ends (all mass below
    /// it is negligible, about 1e-9 per component).
    pub origin_h: f64,
    /// Cell width, hours (0 when the total is computed exactly, see `exact`).
    pub step_h: f64,
    /// Mass of cell `i`.
    pub mass: Vec<f64>,
    /// Mass beyond the last cell (kept exactly: the grid ends past the total's p99).
    pub overflow: f64,
    /// For a total with at most one random component: the fixed hours and that component,
    /// from which quantiles and odds are computed exactly instead of from the grid.
    pub exact: Option<(f64, Option<TimeFamily>)>,
}

impl TimeDistribution {
    /// Number of grid cells to start with (quantiles are read with linear interpolation inside
    /// a cell; the property tests check the agreement with [`simulate`]).
    pub const BINS: usize = 200;

    /// Most cells a grid gets when it is refined.
    const MAX_BINS: usize = 3200;

    /// Mass allowed beyond the grid: the grid is widened until the total's p99 lies on it.
    const MAX_OVERFLOW: f64 = 0.01;

    /// Mass allowed in one cell: where the total's density is so peaked that a cell holds more
    /// (a heavy-tailed clearance whose bulk is a few hours but whose p99 is weeks), the cells
    /// are made finer. Any reading of `P(total ≤ t)` inside a cell is within its mass.
    const MAX_CELL_MASS: f64 = 0.025;

    /// The distribution of the sum of independent `components` (each given as one family).
    ///
    /// The grid starts at the sum of the components' lower ends and first spans the sum of
    /// their widths to the p90 plus the widest p90-to-p99 stretch, a guess at the total's p99;
    /// it is doubled while more than 1 % of the mass lies beyond it, and narrowed once to the
    /// total's p99 (plus a margin) when the guess was more than twice too wide. Then, where a
    /// cell holds more than 2.5 % of the mass, the cells are made finer (up to 3,200 of them).
    /// A total with one random component is not discretised: its quantiles and odds are exact.
    pub fn of(components: &[TimeFamily]) -> TimeDistribution {
        let origin_h: f64 = components.iter().map(TimeFamily::lower).sum();
        let random: Vec<&TimeFamily> = components
            .iter()
            .filter(|c| !matches!(c, TimeFamily::Fixed { .. }))
            .collect();
        if random.len() <= 1 {
            let shift_h = components
                .iter()
                .filter_map(|c| match c {
                    TimeFamily::Fixed { hours } => Some(*hours),
                    _ => None,
                })
                .sum();
            return TimeDistribution {
                origin_h,
                step_h: 0.0,
                mass: vec![1.0],
                overflow: 0.0,
                exact: Some((shift_h, random.first().map(|c| **c))),
            };
        }
        let mut bins = Self::BINS;
        let width = |c: &TimeFamily, z: f64| c.at_z(z) - c.lower();
        let mut span: f64 = random.iter().map(|c| width(c, Z90)).sum::<f64>()
            + random
                .iter()
                .map(|c| width(c, Z99) - width(c, Z90))
                .fold(0.0, f64::max);
        span = span.max(1e-6);
        let (mut narrowed, mut refined) = (false, false);
        for _ in 0..64 {
            let d = Self::on_grid(&random, origin_h, span / bins as f64, bins);
            if d.overflow > Self::MAX_OVERFLOW && span < 1e12 {
                span *= 2.0;
                continue;
            }
            let p99 = d.quantile(0.99) - origin_h;
            if !narrowed && p99 < 0.5 * span {
                narrowed = true;
                span = (1.25 * p99).max(1e-6);
                continue;
            }
            let peak = d.mass.iter().copied().fold(0.0, f64::max);
            if !refined && peak > Self::MAX_CELL_MASS && bins < Self::MAX_BINS {
                refined = true;
                bins = ((bins as f64 * peak / Self::MAX_CELL_MASS).ceil() as usize)
                    .min(Self::MAX_BINS);
                continue;
            }
            return d;
        }
        Self::on_grid(&random, origin_h, span / bins as f64, bins)
    }

    /// Convolves the components on `bins + 1` cells of width `step_h` from `origin_h`.
    fn on_grid(
        random: &[&TimeFamily],
        origin_h: f64,
        step_h: f64,
        bins: usize,
    ) -> TimeDistribution {
        let mut pmfs: Vec<(usize, Vec<f64>)> =
            random.iter().map(|c| discretize(c, step_h, bins)).collect();
        // Narrow components first: the running total stays short for as long as possible.
        pmfs.sort_by_key(|(first, v)| first + v.len());
        let mut total_first = 0;
        let mut total = vec![1.0];
        for (first, pmf) in &pmfs {
            total_first += first;
            if total_first > bins {
                total.clear();
                break;
            }
            total = convolve_truncated(&total, pmf, bins + 1 - total_first);
            // Drop leading cells of negligible mass (their mass joins the first kept cell), so
            // the running total stays as short as its real support.
            let lead = total
                .iter()
                .take(total.len() - 1)
                .take_while(|m| **m < 1e-13)
                .count();
            if lead > 0 {
                let dropped: f64 = total[..lead].iter().sum();
                total.drain(..lead);
                total[0] += dropped;
                total_first += lead;
            }
        }
        let mut mass = vec![0.0; total_first.min(bins + 1)];
        mass.extend(total);
        let in_grid: f64 = mass.iter().sum();
        TimeDistribution {
            origin_h,
            step_h,
            mass,
            overflow: (1.0 - in_grid).max(0.0),
            exact: None,
        }
    }

    /// The `q` quantile, hours (linear within the cell). A quantile beyond the grid (more than
    /// `1 − overflow`) is reported as the grid's end, a lower bound.
    pub fn quantile(&self, q: f64) -> f64 {
        if let Some((shift_h, random)) = self.exact {
            return shift_h + random.map_or(0.0, |c| c.quantile(q));
        }
        let mut acc = 0.0;
        for (i, m) in self.mass.iter().enumerate() {
            if acc + m >= q && *m > 0.0 {
                let frac = ((q - acc) / m).clamp(0.0, 1.0);
                return self.origin_h + (i as f64 - 0.5 + frac) * self.step_h;
            }
            acc += m;
        }
        self.origin_h + (self.mass.len() as f64 - 0.5) * self.step_h
    }

    /// P(total ≤ t). Beyond the grid the mass on it is returned, a lower bound that is at most
    /// `overflow` (≤ 1 %) short.
    pub fn probability_within(&self, t: f64) -> f64 {
        self.within(t, None)
    }

    /// [`TimeDistribution::probability_within`], with the cells' running sums when given.
    fn within(&self, t: f64, running: Option<&[f64]>) -> f64 {
        if let Some((shift_h, random)) = self.exact {
            return match random {
                Some(c) => c.cdf(t - shift_h),
                None if t >= shift_h => 1.0,
                None => 0.0,
            };
        }
        let x = (t - self.origin_h) / self.step_h + 0.5;
        if x <= 0.0 {
            return 0.0;
        }
        let full = (x.floor() as usize).min(self.mass.len());
        let mut acc: f64 = match running {
            Some(r) => r[full],
            None => self.mass[..full].iter().sum(),
        };
        if full < self.mass.len() {
            acc += self.mass[full] * (x - full as f64);
        }
        acc.min(1.0)
    }

    /// The distribution with its cells' running sums, for many
    /// [`Cumulative::probability_within`] evaluations in constant time each (the mixture of an
    /// undated query makes thousands).
    pub fn cumulative(self) -> Cumulative {
        let mut running = Vec::with_capacity(self.mass.len() + 1);
        let mut acc = 0.0;
        running.push(0.0);
        for m in &self.mass {
            acc += m;
            running.push(acc);
        }
        Cumulative { d: self, running }
    }
}

/// A [`TimeDistribution`] with the running sums of its cells' masses.
#[derive(Debug, Clone)]
pub struct Cumulative {
    d: TimeDistribution,
    /// `running[k]`: the mass of cells `0..k`.
    running: Vec<f64>,
}

impl Cumulative {
    /// As [`TimeDistribution::probability_within`] (the same sums, added in the same order).
    pub fn probability_within(&self, t: f64) -> f64 {
        self.d.within(t, Some(&self.running))
    }
}

/// The component's mass on cells `k = 0..=bins` centred on `lower + k × step_h`, as
/// `(first cell with mass, masses from that cell on)`; cell 0 also takes the mass below it.
/// Mass beyond cell `bins` is left out (it is overflow whatever the other components do).
fn discretize(c: &TimeFamily, step_h: f64, bins: usize) -> (usize, Vec<f64>) {
    let lower = c.lower();
    let edge = |k: usize| c.cdf(lower + (k as f64 + 0.5) * step_h);
    let mut first = 0;
    let mut prev = edge(0);
    // Skip leading cells of negligible mass.
    while prev < 1e-13 && first < bins {
        first += 1;
        prev = edge(first);
    }
    let mut v = Vec::with_capacity(64);
    v.push(prev);
    for k in first + 1..=bins {
        if prev >= 1.0 - 1e-13 {
            break;
        }
        let c = edge(k);
        v.push(c - prev);
        prev = c;
    }
    (first, v)
}

/// `a * b`, keeping the first `len` cells (the rest is beyond the grid).
fn convolve_truncated(a: &[f64], b: &[f64], len: usize) -> Vec<f64> {
    let n = (a.len() + b.len() - 1).min(len);
    let mut out = vec![0.0; n];
    for (i, x) in a.iter().enumerate().take(n) {
        if *x < 1e-16 {
            continue;
        }
        let m = b.len().min(n - i);
        for (o, y) in out[i..i + m].iter_mut().zip(&b[..m]) {
            *o += x * y;
        }
    }
    while out.len() > 1 && out.last().is_some_and(|m| *m < 1e-16) {
        out.pop();
    }
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
        assert!((f.at_z(Z90) - 30.0).abs() < 1e-6);
        let u = TimeFamily::fit(12.0, 21.6, true);
        assert!((u.cdf(12.0) - 0.5).abs() < 1e-9 && (u.cdf(21.6) - 0.9).abs() < 1e-9);
        assert!((u.at_z(Z90) - 21.6).abs() < 1e-6);
    }

    #[test]
    fn convolution_keeps_the_mass_and_the_median_of_a_single_lognormal() {
        let legs = [
            TimeFamily::fit(10.0, 30.0, false),
            TimeFamily::Fixed { hours: 48.3 },
        ];
        let d = TimeDistribution::of(&legs);
        let total: f64 = d.mass.iter().sum::<f64>() + d.overflow;
        assert!((total - 1.0).abs() < 1e-9);
        assert!(d.overflow <= 0.01);
        assert!((d.quantile(0.5) - 58.3).abs() < 0.05, "{}", d.quantile(0.5));
        assert!((d.quantile(0.9) - 78.3).abs() < 0.2, "{}", d.quantile(0.9));
    }

    #[test]
    fn the_grid_keeps_the_mass_and_the_mean() {
        // two random components: the grid, not the exact single-component path
        let legs = [
            TimeFamily::fit(10.0, 30.0, false),
            TimeFamily::fit(12.0, 21.6, true),
            TimeFamily::Fixed { hours: 48.3 },
        ];
        let d = TimeDistribution::of(&legs);
        assert!(d.exact.is_none());
        let total: f64 = d.mass.iter().sum::<f64>() + d.overflow;
        assert!((total - 1.0).abs() < 1e-9);
        // mean of the mass on the grid, the overflow at the grid's end (a lower bound)
        let end = d.origin_h + d.mass.len() as f64 * d.step_h;
        let mean: f64 = d
            .mass
            .iter()
            .enumerate()
            .map(|(i, m)| (d.origin_h + i as f64 * d.step_h) * m)
            .sum::<f64>()
            + d.overflow * end;
        let expected = (10f64.ln() + (3f64.ln() / Z90).powi(2) / 2.0).exp() + 12.0 + 48.3;
        assert!(
            mean <= expected * 1.01 && mean > expected * 0.95,
            "{mean} vs {expected}"
        );
    }

    #[test]
    fn a_heavy_tailed_border_does_not_blur_the_median() {
        // Eastbound Irkeshtam (p50 4 h, p90 60 h) after 25 h of driving: the median of the
        // total is above the driving time, whatever the tail.
        let legs = [
            TimeFamily::fit(25.0, 25.0 * 1.3, false),
            TimeFamily::fit(4.0, 60.0, false),
        ];
        let d = TimeDistribution::of(&legs);
        let sim = simulate(&legs.map(TimeComponent::Leg), 40_000, 7);
        let p50 = sim[sim.len() / 2];
        assert!(d.quantile(0.5) > 25.0);
        assert!(
            (d.quantile(0.5) - p50).abs() / p50 < 0.02,
            "{} vs {p50}",
            d.quantile(0.5)
        );
    }

    #[test]
    fn a_ride_is_one_lognormal_with_the_summed_median() {
        let links: Vec<TimeFamily> = [3.0, 5.0, 12.0]
            .iter()
            .map(|h| TimeFamily::fit(*h, h * 1.3, false))
            .collect();
        let ride = TimeComponent::Ride(links).family();
        let whole = TimeFamily::fit(20.0, 26.0, false);
        match (ride, whole) {
            (
                TimeFamily::Lognormal { mu: a, sigma: s },
                TimeFamily::Lognormal { mu: b, sigma: t },
            ) => assert!((a - b).abs() < 1e-12 && (s - t).abs() < 1e-12),
            other => panic!("{other:?}"),
        }
    }
}
