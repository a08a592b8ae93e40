//! Generalized cost per tonne on each edge, with BPR volume–delay on capacity-limited elements.

use silkroute_graph::{EdgeKind, Graph};
use silkroute_model::{Capacity, CapacityUnit, Cargo, Network};

/// Tonnes of cargo on one container train: an **estimate**, 50 FEU × 20 t (China Railway
/// Express trains run 41–55 wagons; see docs/assignment.md).
pub const TONNES_PER_TRAIN: f64 = 1000.0;
/// Tonnes of cargo per truck: one FEU with 20 t (the tariff reference load).
pub const TONNES_PER_VEHICLE: f64 = 20.0;

/// A reported capacity in tonnes of cargo per day and direction.
pub fn capacity_t_per_day(c: &Capacity) -> f64 {
    match c.unit {
        CapacityUnit::TPerYear => c.value / 365.0,
        CapacityUnit::TeuPerYear => c.value * silkroute_feed::TONNES_PER_TEU / 365.0,
        CapacityUnit::TrainsPerDay => c.value * TONNES_PER_TRAIN,
        CapacityUnit::VehiclesPerDay => c.value * TONNES_PER_VEHICLE,
    }
}

/// How a tonne weighs money against time, and how congestion slows elements down.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CostModel {
    /// USD per tonne-hour (default 1.0 = 20 USD/h per 20 t FEU, as `--by balanced`).
    pub value_of_time_usd_per_t_h: f64,
    /// BPR alpha (0.15).
    pub alpha: f64,
    /// BPR beta (4).
    pub beta: f64,
}

impl Default for CostModel {
    fn default() -> Self {
        CostModel {
            value_of_time_usd_per_t_h: 1.0,
            alpha: 0.15,
            beta: 4.0,
        }
    }
}

/// The per-edge constants of the cost functions.
#[derive(Debug, Clone)]
pub(crate) struct EdgeCosts {
    /// Money per tonne plus the value of the fixed time (waits) — does not depend on flow.
    pub fixed: Vec<f64>,
    /// Value of the congestible free-flow time, USD per tonne.
    pub free: Vec<f64>,
    /// Capacity, tonnes per day (infinite when unknown).
    pub capacity: Vec<f64>,
    /// Free-flow hours of the congestible part.
    pub free_hours: Vec<f64>,
    pub alpha: f64,
    pub beta: f64,
}

impl EdgeCosts {
    pub fn new(net: &Network, graph: &Graph, model: &CostModel) -> EdgeCosts {
        let vot = model.value_of_time_usd_per_t_h;
        let m = graph.edges().len();
        let (mut fixed, mut free, mut capacity, mut free_hours) = (
            Vec::with_capacity(m),
            Vec::with_capacity(m),
            Vec::with_capacity(m),
            Vec::with_capacity(m),
        );
        let one_tonne = Cargo::tonnes(1.0);
        for e in graph.edges() {
            let cap = match e.kind {
                EdgeKind::Run(i) => net.links[i as usize].capacity,
                EdgeKind::Border { border, .. } => net.borders[border as usize].capacity,
                EdgeKind::Transfer(i) => net.transfers[i as usize].capacity,
                EdgeKind::Clearance { .. } => None,
            };
            fixed.push(one_tonne.usd(e.cost_usd_per_feu) + vot * e.wait_p50_h);
            free.push(vot * e.time_p50_h);
            free_hours.push(e.time_p50_h);
            capacity.push(
                cap.map(|c| capacity_t_per_day(&c))
                    .filter(|c| *c > 0.0)
                    .unwrap_or(f64::INFINITY),
            );
        }
        EdgeCosts {
            fixed,
            free,
            capacity,
            free_hours,
            alpha: model.alpha,
            beta: model.beta,
        }
    }

    /// The flow-independent cost per tonne of edge `e`: money, fixed waits, free-flow time.
    pub fn base(&self, e: usize) -> f64 {
        self.fixed[e] + self.free[e]
    }

    /// The value of the congestion delay per tonne of edge `e` at flow `v`.
    pub fn surcharge(&self, e: usize, v: f64) -> f64 {
        self.free[e] * self.congestion(e, v)
    }

    /// The BPR term `alpha (v / c)^beta`.
    pub fn congestion(&self, e: usize, v: f64) -> f64 {
        let c = self.capacity[e];
        if c.is_finite() {
            self.alpha * (v / c).powf(self.beta)
        } else {
            0.0
        }
    }

    /// Delay hours over free flow at flow `v`.
    pub fn delay_h(&self, e: usize, v: f64) -> f64 {
        self.free_hours[e] * self.congestion(e, v)
    }

    /// d surcharge / d v.
    pub fn derivative(&self, e: usize, v: f64) -> f64 {
        let c = self.capacity[e];
        if c.is_finite() && v > 0.0 {
            self.free[e] * self.alpha * self.beta * (v / c).powf(self.beta - 1.0) / c
        } else {
            0.0
        }
    }
}
