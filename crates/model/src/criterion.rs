//! The one vocabulary of what a route can be judged by, and what an element costs by it.

use crate::cargo::Cargo;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// A criterion a route is judged by. The serde and command-line names are `time`, `p90`,
/// `cost` and `co2`; code compares the variants, never their names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "clap", derive(clap::ValueEnum))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Criterion {
    /// Typical (p50) door-to-door hours, waits included.
    Time,
    /// Bad-case hours: the sum of each element's p90 (waits included).
    P90,
    /// USD for the cargo.
    Cost,
    /// Well-to-wheel kg CO2e for the cargo.
    Co2,
}

impl Criterion {
    /// Every criterion.
    pub const ALL: [Criterion; 4] = [
        Criterion::Time,
        Criterion::P90,
        Criterion::Cost,
        Criterion::Co2,
    ];

    /// The name used on the command line, in query strings and in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Criterion::Time => "time",
            Criterion::P90 => "p90",
            Criterion::Cost => "cost",
            Criterion::Co2 => "co2",
        }
    }

    /// True for the two time criteria (their budgets are durations).
    pub fn is_time(self) -> bool {
        matches!(self, Criterion::Time | Criterion::P90)
    }
}

impl fmt::Display for Criterion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Criterion {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        Criterion::ALL
            .into_iter()
            .find(|c| c.as_str() == s)
            .ok_or_else(|| format!("`{s}` is not a criterion (expected time, p90, cost or co2)"))
    }
}

/// What one element of a route (an edge, a wait, a whole itinerary) costs a given cargo, by
/// every criterion at once. The single place where tariffs and emission intensities are scaled
/// by the cargo: [`Costs::per_cargo`].
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Costs {
    /// Typical hours.
    pub time_p50_h: f64,
    /// Bad-case hours.
    pub time_p90_h: f64,
    /// USD for the cargo.
    pub usd: f64,
    /// Well-to-wheel kg CO2e for the cargo.
    pub co2e_kg: f64,
    /// Distance, km.
    pub km: f64,
}

impl Costs {
    /// The costs for `cargo` of something priced per FEU and emitting per tonne.
    pub fn per_cargo(
        time_p50_h: f64,
        time_p90_h: f64,
        usd_per_feu: f64,
        g_co2e_per_t: f64,
        km: f64,
        cargo: &Cargo,
    ) -> Costs {
        Costs {
            time_p50_h,
            time_p90_h,
            usd: cargo.usd(usd_per_feu),
            co2e_kg: cargo.co2e_kg(g_co2e_per_t),
            km,
        }
    }

    /// Hours only (a wait): no money, no emissions, no distance.
    pub fn hours(time_p50_h: f64, time_p90_h: f64) -> Costs {
        Costs {
            time_p50_h,
            time_p90_h,
            ..Costs::default()
        }
    }

    /// The value by one criterion.
    pub fn get(&self, c: Criterion) -> f64 {
        match c {
            Criterion::Time => self.time_p50_h,
            Criterion::P90 => self.time_p90_h,
            Criterion::Cost => self.usd,
            Criterion::Co2 => self.co2e_kg,
        }
    }
}

impl std::ops::Add for Costs {
    type Output = Costs;
    fn add(self, o: Costs) -> Costs {
        Costs {
            time_p50_h: self.time_p50_h + o.time_p50_h,
            time_p90_h: self.time_p90_h + o.time_p90_h,
            usd: self.usd + o.usd,
            co2e_kg: self.co2e_kg + o.co2e_kg,
            km: self.km + o.km,
        }
    }
}

impl std::ops::AddAssign for Costs {
    fn add_assign(&mut self, o: Costs) {
        *self = *self + o;
    }
}
