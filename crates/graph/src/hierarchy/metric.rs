//! Integer edge weights for one criterion.

use super::{Weight, INFINITY};
use crate::graph::{Edge, Wait};
use serde::{Deserialize, Serialize};

/// A single criterion a [`Hierarchy`](super::Hierarchy) is built for. Weights are integers in
/// hundredths of the criterion's unit (0.01 s, 0.01 USD per FEU, 0.01 g CO2e per tonne), so that
/// sums are exact and hierarchy answers equal Dijkstra's on the same weights.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Metric {
    /// Typical hours, waits after transfers included (the `time` objective).
    Time,
    /// USD per FEU (the `cost` objective; any cargo scales it by a constant).
    Cost,
    /// Well-to-wheel g CO2e per tonne (the `co2` objective; any cargo scales it).
    Co2,
}

impl Metric {
    /// Every metric, in the order they are stored in a graph file.
    pub const ALL: [Metric; 3] = [Metric::Time, Metric::Cost, Metric::Co2];

    /// The objective name (`time`, `cost`, `co2`).
    pub fn name(self) -> &'static str {
        match self {
            Metric::Time => "time",
            Metric::Cost => "cost",
            Metric::Co2 => "co2",
        }
    }

    /// Integer units per natural unit (per hour, per USD, per g).
    pub fn scale(self) -> f64 {
        match self {
            Metric::Time => 360_000.0,
            Metric::Cost | Metric::Co2 => 100.0,
        }
    }

    /// `value` (hours, USD, g) as an integer weight, rounded to the nearest unit.
    pub fn weight_of(self, value: f64) -> Weight {
        let w = (value * self.scale()).round();
        if w.is_nan() || w < 0.0 {
            0
        } else if w >= (INFINITY - 1) as f64 {
            INFINITY - 1
        } else {
            w as Weight
        }
    }

    /// The weight of a graph edge.
    pub fn edge_weight(self, e: &Edge) -> Weight {
        self.weight_of(match self {
            Metric::Time => e.time_p50_h + e.wait_p50_h,
            Metric::Cost => e.cost_usd_per_feu,
            Metric::Co2 => e.wtw_g_per_t,
        })
    }

    /// The weight of boarding at the origin (the typical wait for time, nothing otherwise).
    pub fn board_weight(self, wait: &Wait) -> Weight {
        match self {
            Metric::Time => self.weight_of(wait.p50_h),
            Metric::Cost | Metric::Co2 => 0,
        }
    }

    /// A weight back in the natural unit (hours, USD per FEU, g per tonne).
    pub fn natural(self, w: Weight) -> f64 {
        w as f64 / self.scale()
    }
}

impl std::fmt::Display for Metric {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}
