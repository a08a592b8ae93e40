//! Demand as tonnes per day between places, kept by commodity segment.

use serde::Serialize;
use silkroute_feed::{CargoUnit, DemandRow};
use silkroute_model::PlaceId;
use std::collections::BTreeMap;

/// A group of goods that chooses its routes alike: one commodity of the demand file, with its
/// value density and the way it travels.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Segment {
    /// The commodity, as the demand file names it (or `all` when segments are merged).
    pub name: String,
    /// Value of the goods, USD per tonne (Σ value_usd / Σ tonnes over the rows that give a
    /// value); `None` when no row gives one.
    pub value_usd_per_t: Option<f64>,
    /// Containers, bulk or vehicles.
    pub unit: CargoUnit,
}

/// Destinations with tonnes per day.
pub type Destinations = Vec<(PlaceId, f64)>;

/// Origin–destination flows, tonnes per day, per segment.
#[derive(Debug, Clone, PartialEq)]
pub struct Demand {
    /// The segments; `pairs` refers to them by index.
    pub segments: Vec<Segment>,
    /// `(origin, destination, segment) → tonnes per day`.
    pub pairs: BTreeMap<(PlaceId, PlaceId, usize), f64>,
}

impl Default for Demand {
    /// No demand, in one segment `all` (containers, no value given).
    fn default() -> Demand {
        Demand {
            segments: vec![Segment {
                name: "all".into(),
                value_usd_per_t: None,
                unit: CargoUnit::Container,
            }],
            pairs: BTreeMap::new(),
        }
    }
}

impl Demand {
    /// The ways of segmenting demand, as the CLI, HTTP and Python name them: `commodity` (a
    /// segment per commodity, each at its own value of time) and `none` (one segment).
    pub const SEGMENTATIONS: [&'static str; 2] = ["commodity", "none"];

    /// Demand rows segmented as `segments` says (one of [`Demand::SEGMENTATIONS`]).
    pub fn from_rows(rows: &[DemandRow], segments: &str) -> Result<Demand, String> {
        match segments.trim() {
            "commodity" => Ok(Demand::by_commodity(rows)),
            "none" => Ok(Demand::merged(rows)),
            other => Err(format!(
                "`{other}` is not a segmentation (commodity or none)"
            )),
        }
    }

    /// Demand rows (tonnes per year) as tonnes per day, one segment per commodity (in order of
    /// first appearance); a commodity's unit is that of its first row.
    pub fn by_commodity(rows: &[DemandRow]) -> Demand {
        let mut index: BTreeMap<&str, usize> = BTreeMap::new();
        let mut segments = Vec::new();
        // Σ value and Σ tonnes of the rows that give a value, per segment
        let mut valued: Vec<(f64, f64)> = Vec::new();
        let mut pairs = BTreeMap::new();
        for r in rows {
            let s = *index.entry(r.commodity.as_str()).or_insert_with(|| {
                segments.push(Segment {
                    name: r.commodity.clone(),
                    value_usd_per_t: None,
                    unit: r.unit,
                });
                valued.push((0.0, 0.0));
                segments.len() - 1
            });
            if let Some(v) = r.value_usd.filter(|_| r.tonnes_per_year > 0.0) {
                valued[s].0 += v;
                valued[s].1 += r.tonnes_per_year;
            }
            *pairs.entry((r.origin, r.destination, s)).or_insert(0.0) += r.tonnes_per_year / 365.0;
        }
        for (seg, (value, tonnes)) in segments.iter_mut().zip(valued) {
            seg.value_usd_per_t = (tonnes > 0.0).then(|| value / tonnes);
        }
        Demand { segments, pairs }
    }

    /// Demand rows (tonnes per year) as tonnes per day in one segment `all`: every tonne at the
    /// same value of time, whatever it is (as before commodity segments).
    pub fn merged(rows: &[DemandRow]) -> Demand {
        let mut d = Demand::default();
        for r in rows {
            d.add(r.origin, r.destination, r.tonnes_per_year / 365.0);
        }
        d
    }

    /// Adds `t` tonnes per day from `o` to `d` in the first segment.
    pub fn add(&mut self, o: PlaceId, d: PlaceId, t: f64) {
        *self.pairs.entry((o, d, 0)).or_insert(0.0) += t;
    }

    /// Total tonnes per day.
    pub fn total(&self) -> f64 {
        self.pairs.values().sum()
    }

    /// Tonnes per day of each origin–destination pair, over all segments.
    pub fn pair_totals(&self) -> BTreeMap<(PlaceId, PlaceId), f64> {
        let mut m = BTreeMap::new();
        for (&(o, d, _), &t) in &self.pairs {
            *m.entry((o, d)).or_insert(0.0) += t;
        }
        m
    }

    /// The (origin, segment) groups, each with its destinations and tonnes per day.
    pub fn groups(&self) -> Vec<((PlaceId, usize), Destinations)> {
        let mut m: BTreeMap<(PlaceId, usize), Destinations> = BTreeMap::new();
        for (&(o, d, s), &t) in &self.pairs {
            if t > 0.0 {
                m.entry((o, s)).or_default().push((d, t));
            }
        }
        m.into_iter().collect()
    }
}
