//! Generalized cost per tonne on each edge, with BPR volume–delay on capacity-limited elements.

use crate::demand::Segment;
use serde::Serialize;
use silkroute_feed::CargoUnit;
use silkroute_graph::{EdgeKind, Graph};
use silkroute_model::{Capacity, CapacityUnit, Cargo, Mode, Network, Track};
use std::collections::HashMap;

/// Tonnes of cargo on one container train: an **estimate**, 50 FEU × 20 t (China Railway
/// Express trains run 41–55 wagons; see docs/assignment.md).
pub const TONNES_PER_TRAIN: f64 = 1000.0;
/// Tonnes of cargo per truck: one FEU with 20 t (the tariff reference load).
pub const TONNES_PER_VEHICLE: f64 = 20.0;

/// Whose capacity an edge's flow uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CapacityBasis {
    /// A facility both directions use: a single-track line, a border post, a gauge-change yard.
    /// The capacity is for both directions together, and so is the volume it is compared with.
    BothDirections,
    /// A facility with its own capacity each way: a double-track line, a road, a sea or air
    /// link.
    PerDirection,
    /// The feed gives no capacity: the element is not congested in the assignment. Reported,
    /// never silently taken as infinite.
    Missing,
}

impl CapacityBasis {
    /// Whether the element of edge kind `kind` (in `net`) is one facility for both directions.
    pub fn of(net: &Network, kind: EdgeKind) -> CapacityBasis {
        let (capacity, shared) = match kind {
            EdgeKind::Run(l) => {
                let link = &net.links[l as usize];
                let single_track = link.mode == Mode::Rail && link.track != Some(Track::Double);
                (link.capacity, single_track)
            }
            EdgeKind::Border { border, .. } => (net.borders[border as usize].capacity, true),
            EdgeKind::Transfer(t) => (net.transfers[t as usize].capacity, true),
            EdgeKind::Clearance { .. } => (None, false),
        };
        match (capacity.filter(|c| c.value > 0.0), shared) {
            (None, _) => CapacityBasis::Missing,
            (Some(_), true) => CapacityBasis::BothDirections,
            (Some(_), false) => CapacityBasis::PerDirection,
        }
    }
}

/// A reported capacity in tonnes of cargo per day (per direction or for both, as
/// [`CapacityBasis`] says).
pub fn capacity_t_per_day(c: &Capacity) -> f64 {
    match c.unit {
        CapacityUnit::TPerYear => c.value / 365.0,
        CapacityUnit::TeuPerYear => c.value * silkroute_feed::TONNES_PER_TEU / 365.0,
        CapacityUnit::TrainsPerDay => c.value * TONNES_PER_TRAIN,
        CapacityUnit::VehiclesPerDay => c.value * TONNES_PER_VEHICLE,
    }
}

/// The volume–delay function: time over free-flow time as a function of volume / capacity `x`.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub enum VolumeDelay {
    /// Bureau of Public Roads (1964): `1 + alpha x^beta` ([`CostModel::alpha`],
    /// [`CostModel::beta`]). Gentle over capacity: at x = 2 with the defaults, 3.4 × free flow.
    #[default]
    Bpr,
    /// Spiess's conical function (Transportation Science 24(2), 1990):
    /// `2 + sqrt(a² (1 − x)² + b²) − a (1 − x) − b` with `b = (2a − 1) / (2a − 2)`, `a > 1`;
    /// 1 at free flow, 2 at capacity, and over capacity rising with slope `a` — the
    /// strict-capacity option (`a` plays the role of BPR's exponent; 4 matches beta = 4).
    Conical {
        /// The steepness `a` (> 1).
        a: f64,
    },
}

impl VolumeDelay {
    /// The names the CLI and Python take: `bpr`, and `conical` (a = 4).
    pub const NAMES: [&'static str; 2] = ["bpr", "conical"];

    /// The factor over free-flow time minus 1, at volume / capacity `x`.
    fn excess(self, alpha: f64, beta: f64, x: f64) -> f64 {
        match self {
            VolumeDelay::Bpr => alpha * x.powf(beta),
            VolumeDelay::Conical { a } => {
                let b = (2.0 * a - 1.0) / (2.0 * a - 2.0);
                let y = 1.0 - x;
                1.0 + (a * a * y * y + b * b).sqrt() - a * y - b
            }
        }
    }

    /// d excess / dx.
    fn slope(self, alpha: f64, beta: f64, x: f64) -> f64 {
        match self {
            VolumeDelay::Bpr => alpha * beta * x.powf(beta - 1.0),
            VolumeDelay::Conical { a } => {
                let b = (2.0 * a - 1.0) / (2.0 * a - 2.0);
                let y = 1.0 - x;
                a - a * a * y / (a * a * y * y + b * b).sqrt()
            }
        }
    }
}

impl std::str::FromStr for VolumeDelay {
    type Err = String;
    /// `bpr`, or `conical` (a = 4: as steep over capacity as BPR's exponent 4 suggests).
    fn from_str(s: &str) -> Result<VolumeDelay, String> {
        match s.trim() {
            "bpr" => Ok(VolumeDelay::Bpr),
            "conical" => Ok(VolumeDelay::Conical { a: 4.0 }),
            other => Err(format!(
                "`{other}` is not a volume-delay function (bpr or conical)"
            )),
        }
    }
}

/// What a day in transit costs, as a share of the goods' value: what turns a segment's value
/// density into its value of time (docs/assignment.md, "Commodity segments").
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TimeCostRates {
    /// Manufactured goods in containers or as vehicles, per day: 0.8 % (Hummels 2001, "Time as
    /// a Trade Barrier", GTAP Working Paper 18: "each day saved in shipping time is worth
    /// 0.8 percent ad-valorem for manufactured goods"; Hummels & Schaur 2013, AER 103(7),
    /// find 0.6–2.1 % per day).
    pub manufactured_per_day: f64,
    /// Bulk goods, per day: the interest on the capital in transit only, 10 % a year / 365
    /// (Schönsleben, Integral Logistics Management, §11.4.1b: interest rates of 5–15 % of the
    /// inventory's value a year).
    pub bulk_per_day: f64,
}

impl Default for TimeCostRates {
    fn default() -> Self {
        TimeCostRates {
            manufactured_per_day: 0.008,
            bulk_per_day: 0.10 / 365.0,
        }
    }
}

/// How a tonne weighs money against time, and how congestion slows elements down.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CostModel {
    /// USD per tonne-hour of goods whose value is not known (default 1.0 = 20 USD/h per 20 t
    /// FEU, as `--by balanced`).
    pub value_of_time_usd_per_t_h: f64,
    /// What a day costs as a share of value, for segments whose value density is known.
    pub time_cost: TimeCostRates,
    /// BPR alpha (0.15).
    pub alpha: f64,
    /// BPR beta (4).
    pub beta: f64,
    /// The volume–delay function (BPR unless the conical one is asked for).
    pub volume_delay: VolumeDelay,
}

impl Default for CostModel {
    fn default() -> Self {
        CostModel {
            value_of_time_usd_per_t_h: 1.0,
            time_cost: TimeCostRates::default(),
            alpha: 0.15,
            beta: 4.0,
            volume_delay: VolumeDelay::Bpr,
        }
    }
}

impl CostModel {
    /// The value of time of a segment, USD per tonne-hour: its value density × the day rate of
    /// its kind of goods / 24, or [`CostModel::value_of_time_usd_per_t_h`] when its value is
    /// not known (or comes to zero).
    pub fn value_of_time(&self, segment: &Segment) -> f64 {
        let rate = match segment.unit {
            CargoUnit::Bulk => self.time_cost.bulk_per_day,
            CargoUnit::Container | CargoUnit::Vehicles => self.time_cost.manufactured_per_day,
        };
        segment
            .value_usd_per_t
            .map(|v| v * rate / 24.0)
            .filter(|v| *v > 0.0)
            .unwrap_or(self.value_of_time_usd_per_t_h)
    }
}

/// The per-edge constants of the cost functions.
#[derive(Debug, Clone)]
pub(crate) struct EdgeCosts {
    /// Money per tonne, USD — does not depend on flow.
    pub money_usd: Vec<f64>,
    /// Fixed waits, hours — do not depend on flow.
    pub wait_h: Vec<f64>,
    /// Free-flow hours of the congestible part.
    pub free_hours: Vec<f64>,
    /// Length, km (0 for a transfer or a clearance): what routes overlap by in a logit.
    pub distance_km: Vec<f64>,
    /// Capacity of the edge's facility, tonnes per day (infinite when unknown).
    pub capacity: Vec<f64>,
    /// The facility each edge loads: edges of one shared facility (both directions of a
    /// single-track line, a border post, a yard) have the same index.
    pub facility: Vec<u32>,
    /// Number of facilities.
    pub facilities: usize,
    pub alpha: f64,
    pub beta: f64,
    pub volume_delay: VolumeDelay,
}

impl EdgeCosts {
    pub fn new(net: &Network, graph: &Graph, model: &CostModel) -> EdgeCosts {
        let m = graph.edges().len();
        let (mut money_usd, mut wait_h, mut capacity, mut free_hours) = (
            Vec::with_capacity(m),
            Vec::with_capacity(m),
            Vec::with_capacity(m),
            Vec::with_capacity(m),
        );
        let one_tonne = Cargo::tonnes(1.0);
        let mut distance_km = Vec::with_capacity(m);
        let mut facility = Vec::with_capacity(m);
        let mut shared: HashMap<(u8, u32), u32> = HashMap::new();
        let mut facilities = 0u32;
        for e in graph.edges() {
            let key = match (CapacityBasis::of(net, e.kind()), e.kind()) {
                (CapacityBasis::BothDirections, EdgeKind::Run(l)) => Some((0, l)),
                (CapacityBasis::BothDirections, EdgeKind::Border { border, .. }) => {
                    Some((1, border))
                }
                (CapacityBasis::BothDirections, EdgeKind::Transfer(t)) => Some((2, t)),
                _ => None,
            };
            let f = match key {
                Some(k) => *shared.entry(k).or_insert_with(|| {
                    facilities += 1;
                    facilities - 1
                }),
                None => {
                    facilities += 1;
                    facilities - 1
                }
            };
            facility.push(f);
            let cap = match e.kind() {
                EdgeKind::Run(i) => net.links[i as usize].capacity,
                EdgeKind::Border { border, .. } => net.borders[border as usize].capacity,
                EdgeKind::Transfer(i) => net.transfers[i as usize].capacity,
                EdgeKind::Clearance { .. } => None,
            };
            distance_km.push(e.distance_km);
            money_usd.push(one_tonne.usd(e.cost_usd_per_feu));
            wait_h.push(e.wait_p50_h);
            free_hours.push(e.time_p50_h);
            capacity.push(
                cap.map(|c| capacity_t_per_day(&c))
                    .filter(|c| *c > 0.0)
                    .unwrap_or(f64::INFINITY),
            );
        }
        EdgeCosts {
            money_usd,
            wait_h,
            free_hours,
            distance_km,
            capacity,
            facility,
            facilities: facilities as usize,
            alpha: model.alpha,
            beta: model.beta,
            volume_delay: model.volume_delay,
        }
    }

    /// Per edge, the volume of its facility at edge flows `x`: the edge's own flow, or on a
    /// facility both directions share the sum over its edges. The cost functions below take
    /// this volume.
    pub fn volumes(&self, x: &[f64]) -> Vec<f64> {
        let mut per_facility = vec![0.0; self.facilities];
        for (e, &f) in self.facility.iter().enumerate() {
            per_facility[f as usize] += x[e];
        }
        self.facility
            .iter()
            .map(|&f| per_facility[f as usize])
            .collect()
    }

    /// The congestion delay hours of every edge at edge flows `x`.
    pub fn delays_h(&self, x: &[f64]) -> Vec<f64> {
        let v = self.volumes(x);
        (0..x.len()).map(|e| self.delay_h(e, v[e])).collect()
    }

    /// The flow-independent cost per tonne of edge `e` at value of time `vot`: money, fixed
    /// waits, free-flow time.
    pub fn base(&self, e: usize, vot: f64) -> f64 {
        self.money_usd[e] + vot * (self.wait_h[e] + self.free_hours[e])
    }

    /// The volume–delay factor minus 1 at facility volume `v` (BPR: `alpha (v / c)^beta`).
    pub fn congestion(&self, e: usize, v: f64) -> f64 {
        let c = self.capacity[e];
        if c.is_finite() {
            self.volume_delay.excess(self.alpha, self.beta, v / c)
        } else {
            0.0
        }
    }

    /// Delay hours over free flow at facility volume `v`.
    pub fn delay_h(&self, e: usize, v: f64) -> f64 {
        self.free_hours[e] * self.congestion(e, v)
    }

    /// d delay_h / d v (at zero volume too: BPR with beta = 1 rises from the start).
    pub fn delay_slope(&self, e: usize, v: f64) -> f64 {
        let c = self.capacity[e];
        if c.is_finite() && (v > 0.0 || self.beta >= 1.0) {
            self.free_hours[e] * self.volume_delay.slope(self.alpha, self.beta, v / c) / c
        } else {
            0.0
        }
    }
}
