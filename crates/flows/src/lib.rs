//! Where trade flows go and where they jam.
//!
//! Principal items:
//! - [`Demand`]: tonnes per day between places (from a demand file).
//! - [`assign`]: all-or-nothing or capacity-restrained user equilibrium by Frank–Wolfe, conjugate
//!   or bi-conjugate Frank–Wolfe (Mitradjieva & Lindberg 2013), stopping at a relative gap.
//! - [`CostModel`]: generalized cost per tonne = money + value of time × hours, with BPR
//!   volume–delay on capacity-limited elements.
//! - [`critical`]: rank elements by what their closure costs.
//!
//! Flows are tonnes per day on the directed edges of the compiled graph; capacities apply per
//! direction (see docs/assignment.md).

mod answer;
mod assignment;
mod cost;
mod critical;
mod demand;
mod frequencies;
mod loading;
mod paths;
mod shortest;

pub use answer::{AssignResponse, CriticalResponse};
pub use assignment::{
    assign, tonnes_per_unit, Assignment, AssignmentConfig, Choice, EdgeFlow, Method, OdRoute,
    SegmentFlow, READY_TIMES,
};
pub use cost::{
    capacity_t_per_day, CapacityBasis, CostModel, TimeCostRates, VolumeDelay, TONNES_PER_TRAIN,
    TONNES_PER_VEHICLE,
};
pub use critical::{critical, Criticality};
pub use demand::{Demand, Segment};
pub use frequencies::{network_as_run, Frequencies, ServiceFrequency, MAX_ROUNDS};
