//! The route response shared by the CLI (`--json`) and the HTTP API: the JSON contract.

use crate::cargo::Cargo;
use crate::itinerary::Itinerary;
use serde::Serialize;
use silkroute_model::{Network, PlaceId};

/// A place as named in responses.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlaceRef {
    /// Place id.
    pub id: String,
    /// English name.
    pub name: String,
}

impl PlaceRef {
    /// The reference of a place of `net`.
    pub fn of(net: &Network, p: PlaceId) -> PlaceRef {
        PlaceRef {
            id: net.place(p).id.clone(),
            name: net.place(p).name_en.clone(),
        }
    }
}

/// Answer to a route question: one itinerary, a Pareto menu or alternatives.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RouteResponse {
    /// Origin.
    pub from: PlaceRef,
    /// Destination.
    pub to: PlaceRef,
    /// Objective name (`time`, `p90`, `cost`, `co2`, `balanced`).
    pub by: String,
    /// What the objective minimises, in words.
    pub objective: String,
    /// Scenarios applied, in order.
    pub scenarios: Vec<String>,
    /// The cargo.
    pub cargo: Cargo,
    /// For menus: how the options were chosen.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub menu: Option<String>,
    /// The itineraries (one for a plain route).
    pub routes: Vec<Itinerary>,
}
