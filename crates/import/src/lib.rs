//! Feeds from other sources, written as silkroute feed folders (see docs/feed.md):
//!
//! - [`osm::import`]: an OpenStreetMap extract (`.osm.pbf`, read with the `osmpbf` crate,
//!   blocks decoded in parallel) → junction places, rail / road / ferry links with their way
//!   geometry, one-way streets, speeds from `maxspeed` or the road class, gauges and
//!   electrification from the rail tags, border posts from `barrier=border_control`; each
//!   place's country from country polygons ([`countries`]), and a way that changes country at
//!   a border post becomes a border crossing with the parameter tables' clearance figures.
//! - [`gtfs::import`]: a GTFS feed (`gtfs-structures`) → stations, links and passenger
//!   services with their calendars.
//! - [`synthetic::generate`]: a seeded road-like grid with random deletions and a faster
//!   highway layer, of any size, for benchmarks.
//!
//! Both write `places.csv`, `links.csv` (and `transfers.csv` for ferries) and copy the
//! parameter tables (`modes.csv`, `cost_factors.csv`, `emission_factors.csv`) of the built-in
//! network, each file through a temporary file renamed into place.

pub mod countries;
pub mod gtfs;
pub mod osm;
pub mod synthetic;
mod write;

pub use write::{FeedWriter, ImportError};
