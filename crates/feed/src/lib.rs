//! Load and validate a silkroute network feed, and apply scenarios to it.
//!
//! Principal items:
//! - [`load_dir`]: read a feed folder of CSV files (see `docs/feed.md`) into a [`Network`],
//!   or a [`Report`] naming every problem (file, line, field, what is wrong).
//! - [`builtin`]: the China–Central Asia network compiled into the binary.
//! - [`load_demand`]: trade flows per origin–destination pair (for compare and assignment).
//! - [`Scenario`]: a TOML file of edits (open the CKU railway, close a border) applied in order.
//!
//! [`Network`]: silkroute_model::Network

mod builtin;
mod csv_table;
mod demand;
mod error;
mod export;
mod load;
mod report;
mod scenario;
mod schema;
mod validate;

pub use builtin::{
    builtin, builtin_scenario, builtin_scenario_names, offered_scenarios, resolve_scenario,
    BUILTIN_FILES,
};
pub use demand::{
    builtin_demand, load_demand, parse_demand, CargoUnit, DemandRow, BUILTIN_DEMAND, TONNES_PER_TEU,
};
pub use error::FeedError;
pub use export::network_geojson;
pub use load::{country_timezone, load_dir, load_files, FEED_FILES};
pub use report::{Problem, Report, Severity};
pub use scenario::{apply_in_order, Scenario, ScenarioError};
pub use schema::FeedFile;
pub use validate::validate;
