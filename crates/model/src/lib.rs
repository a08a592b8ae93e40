//! The silkroute network model: plain, sourced data with no I/O and no algorithms.
//!
//! Principal types:
//! - [`Network`]: every collection of a feed, with ids resolved to indices.
//! - [`Place`], [`Link`], [`BorderCrossing`], [`Transfer`]: the infrastructure.
//! - [`Service`]: who runs on it, with its stops ([`ServiceStop`]) and [`Schedule`].
//! - [`Layer`]: a mode and (for rail) a gauge; a place has one graph node per layer it touches.
//! - [`Country`], [`CustomsClearance`]: customs territories and what clearing cargo costs.
//! - [`DrivingRules`], [`Shift`]: drivers' hours on the road.
//! - [`ModeDefaults`], [`CostFactor`], [`EmissionFactor`]: the parameter tables.
//!
//! Units are in field names (`_km`, `_h`, `_usd`, `_kg`, `_g_per_tkm`). Money is USD per 40 ft
//! container (FEU) unless stated. Coordinates are WGS84 degrees.

mod cargo;
mod criterion;
mod customs;
mod driving;
mod elements;
mod entry;
mod network;
mod parameters;
mod service;
mod source;
mod table;
mod vocabulary;

pub use cargo::{Cargo, TONNES_PER_FEU, WHOLE_TRAIN_FEU};
pub use criterion::{Costs, Criterion};
pub use customs::{Country, CustomsClearance, OpeningHours, Procedure};
pub use driving::{DrivingRules, Pause, PauseKind, Shift};
pub use elements::{
    BorderCrossing, Capacity, CapacityUnit, Clearance, Link, Place, Transfer, TravellerAccess,
    VehicleChange,
};
pub use entry::{DaysInPeriod, EntryRule, Purpose, Regime};
pub use network::{ElementEdits, Network, PlaceId, DEFAULT_REFERENCE_DATE};
pub use parameters::{CostFactor, EmissionFactor, ModeDefaults};
pub use service::{
    parse_weekday, week_start, Calendar, Carries, Fare, Footpath, PassengerFactor, PassengerFare,
    Schedule, Service, ServiceStop, WaitModel,
};
pub use source::{Source, SourceTable, Sources};
pub use table::{Iter as TableIter, StoredRows, Table};
pub use vocabulary::{ElementKind, Gauge, Layer, Mode, PlaceKind, Status, Track};
