//! Integer edge weights for one criterion.

use super::{Weight, INFINITY};
use crate::graph::{Edge, Wait};
use serde::{Deserialize, Serialize};
use silkroute_model::{Cargo, Costs, Criterion};

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

    /// The criterion this metric measures.
    pub fn criterion(self) -> Criterion {
        match self {
            Metric::Time => Criterion::Time,
            Metric::Cost => Criterion::Cost,
            Metric::Co2 => Criterion::Co2,
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

    /// The cargo the weights are for: one FEU (USD per FEU) of one kilotonne, so that kg CO2e
    /// for it are g per tonne.
    const UNIT_CARGO: Cargo = Cargo {
        feu: 1.0,
        tonnes: 1000.0,
    };

    /// The weight of a graph edge.
    pub fn edge_weight(self, e: &Edge) -> Weight {
        self.weight_of(e.costs(&Metric::UNIT_CARGO).get(self.criterion()))
    }

    /// The weight of boarding at the origin (the typical wait for time, nothing otherwise).
    pub fn board_weight(self, wait: &Wait) -> Weight {
        self.weight_of(wait.costs().get(self.criterion()))
    }

    /// A weight back in the criterion's unit for `cargo` (hours, USD, kg CO2e).
    pub fn value_for(self, w: Weight, cargo: &Cargo) -> f64 {
        let v = self.natural(w);
        Costs::per_cargo(v, v, v, v, 0.0, cargo).get(self.criterion())
    }

    /// A weight back in the natural unit (hours, USD per FEU, g per tonne).
    pub fn natural(self, w: Weight) -> f64 {
        w as f64 / self.scale()
    }
}

impl std::fmt::Display for Metric {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.criterion().as_str())
    }
}

/// Why a criterion has no metric.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("no contraction hierarchy can be built for `{0}` (sums of p90s are not one metric; use time, cost or co2)")]
pub struct NoMetric(pub Criterion);

impl TryFrom<Criterion> for Metric {
    type Error = NoMetric;
    fn try_from(c: Criterion) -> Result<Metric, NoMetric> {
        match c {
            Criterion::Time => Ok(Metric::Time),
            Criterion::Cost => Ok(Metric::Cost),
            Criterion::Co2 => Ok(Metric::Co2),
            Criterion::P90 => Err(NoMetric(c)),
        }
    }
}
