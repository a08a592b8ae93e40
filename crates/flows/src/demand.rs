//! Demand as tonnes per day between places.

use silkroute_feed::DemandRow;
use silkroute_model::PlaceId;
use std::collections::BTreeMap;

/// Origin–destination flows, tonnes per day, aggregated over commodities.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Demand {
    /// `(origin, destination) → tonnes per day`.
    pub pairs: BTreeMap<(PlaceId, PlaceId), f64>,
}

impl Demand {
    /// Aggregates demand rows (tonnes per year) into tonnes per day.
    pub fn from_rows(rows: &[DemandRow]) -> Demand {
        let mut pairs = BTreeMap::new();
        for r in rows {
            *pairs.entry((r.origin, r.destination)).or_insert(0.0) += r.tonnes_per_year / 365.0;
        }
        Demand { pairs }
    }

    /// Adds `t` tonnes per day from `o` to `d`.
    pub fn add(&mut self, o: PlaceId, d: PlaceId, t: f64) {
        *self.pairs.entry((o, d)).or_insert(0.0) += t;
    }

    /// Total tonnes per day.
    pub fn total(&self) -> f64 {
        self.pairs.values().sum()
    }

    /// The origins, each with its destinations.
    pub fn by_origin(&self) -> BTreeMap<PlaceId, Vec<(PlaceId, f64)>> {
        let mut m: BTreeMap<PlaceId, Vec<(PlaceId, f64)>> = BTreeMap::new();
        for (&(o, d), &t) in &self.pairs {
            if t > 0.0 {
                m.entry(o).or_default().push((d, t));
            }
        }
        m
    }
}
