//! The elements of a network: places, links, border crossings and transfers.

use crate::network::PlaceId;
use crate::source::Source;
use crate::vocabulary::{Gauge, Layer, Mode, PlaceKind, Status, Track};
use serde::{Deserialize, Serialize};

/// A location where cargo can start, end, cross a border or change mode.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Place {
    /// Stable lowercase slug (`xian`).
    pub id: String,
    /// English name (`Xi'an`).
    pub name_en: String,
    /// Chinese name (`西安`).
    pub name_zh: Option<String>,
    /// Russian name (`Сиань`).
    pub name_ru: Option<String>,
    /// Other names (`Kashi`, `Nur-Sultan`).
    pub aliases: Vec<String>,
    /// ISO 3166-1 alpha-2 country code.
    pub country: String,
    /// Latitude, WGS84 degrees.
    pub lat: f64,
    /// Longitude, WGS84 degrees.
    pub lon: f64,
    /// What kind of place this is.
    pub kind: PlaceKind,
    /// IANA time zone of the place's clocks (`Asia/Shanghai`, also in Xinjiang: China Railway
    /// publishes Beijing time).
    pub timezone: String,
    /// Where the data comes from.
    pub source: Source,
}

/// A capacity with its unit, as reported.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Capacity {
    /// The number.
    pub value: f64,
    /// Its unit.
    pub unit: CapacityUnit,
}

/// Units in which capacities are reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CapacityUnit {
    /// Trains per day (both directions unless the source says otherwise).
    TrainsPerDay,
    /// Road vehicles per day.
    VehiclesPerDay,
    /// Tonnes per year.
    TPerYear,
    /// Twenty-foot equivalent units per year.
    TeuPerYear,
}

impl std::str::FromStr for CapacityUnit {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim() {
            "trains_per_day" => Ok(CapacityUnit::TrainsPerDay),
            "vehicles_per_day" => Ok(CapacityUnit::VehiclesPerDay),
            "t_per_year" => Ok(CapacityUnit::TPerYear),
            "teu_per_year" => Ok(CapacityUnit::TeuPerYear),
            other => Err(format!(
                "unknown capacity unit `{other}` (expected trains_per_day, vehicles_per_day, t_per_year or teu_per_year)"
            )),
        }
    }
}

/// A physical connection of one mode between two places, usable in both directions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Link {
    /// Stable slug.
    pub id: String,
    /// One end.
    pub from: PlaceId,
    /// The other end.
    pub to: PlaceId,
    /// Mode of transport.
    pub mode: Mode,
    /// Track gauge, rail only.
    pub gauge: Option<Gauge>,
    /// Route length in km.
    pub length_km: f64,
    /// Average commercial running speed of freight, km/h.
    pub speed_kmh: Option<f64>,
    /// Running time in hours; overrides the speed.
    pub duration_h: Option<f64>,
    /// Single or double track (rail).
    pub track: Option<Track>,
    /// Electrified (rail).
    pub electrified: Option<bool>,
    /// Emission-factor energy key; `None` means the default for the mode.
    pub energy: Option<String>,
    /// Reported capacity.
    pub capacity: Option<Capacity>,
    /// Open, planned or closed.
    pub status: Status,
    /// Expected opening year of a planned link.
    pub opening_year: Option<u16>,
    /// Usable only from `from` to `to` (a one-way street); links are two-way by default.
    #[serde(default)]
    pub oneway: bool,
    /// The line on the map, `[lon, lat]` points from `from` to `to`, when known (OpenStreetMap
    /// way geometry); otherwise the link is drawn straight.
    #[serde(default)]
    pub geometry: Option<Vec<[f64; 2]>>,
    /// Where the data comes from.
    pub source: Source,
}

impl Link {
    /// The layer this link runs on.
    pub fn layer(&self) -> Layer {
        Layer {
            mode: self.mode,
            gauge: self.gauge,
        }
    }

    /// The emission-factor energy key of this link: the explicit `energy`, else for rail
    /// `electric`/`diesel` from `electrified`, else the mode's default.
    pub fn energy_key<'a>(&'a self, mode_default: &'a str) -> &'a str {
        if let Some(e) = &self.energy {
            return e;
        }
        match (self.mode, self.electrified) {
            (Mode::Rail, Some(true)) => "electric",
            (Mode::Rail, Some(false)) => "diesel",
            _ => mode_default,
        }
    }
}

/// Clearance at a border in one direction (also the figures of a customs procedure).
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct Clearance {
    /// Typical (median) hours, both sides' formalities and queueing.
    pub p50_h: f64,
    /// Bad-case (90th percentile) hours.
    pub p90_h: f64,
    /// Fees and charges per FEU, USD.
    pub fee_usd: f64,
}

impl Clearance {
    /// What these figures cost `cargo`: hours, and the fee per FEU (no distance, no emissions).
    pub fn costs(&self, cargo: &crate::Cargo) -> crate::Costs {
        crate::Costs::per_cargo(self.p50_h, self.p90_h, self.fee_usd, 0.0, 0.0, cargo)
    }
}

/// A border crossing between a post on each side.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BorderCrossing {
    /// Stable slug (`alashankou-dostyk`).
    pub id: String,
    /// Post on one side.
    pub from_post: PlaceId,
    /// Post on the other side.
    pub to_post: PlaceId,
    /// Rail or road.
    pub mode: Mode,
    /// Gauge of the track crossing the line (rail).
    pub gauge: Option<Gauge>,
    /// Whether the gauge changes at this crossing (a gauge transfer sits at one of the posts).
    pub gauge_change: bool,
    /// Distance between the posts, km.
    pub length_km: f64,
    /// Clearance from `from_post` to `to_post`.
    pub forward: Clearance,
    /// Clearance from `to_post` to `from_post`.
    pub reverse: Clearance,
    /// Reported capacity.
    pub capacity: Option<Capacity>,
    /// When the posts work, if not around the clock.
    #[serde(default)]
    pub opening_hours: Option<crate::OpeningHours>,
    /// Whether trucks hand their cargo to another vehicle here (road crossings).
    #[serde(default)]
    pub vehicle_change: Option<VehicleChange>,
    /// Whether travellers may cross here (none: the data does not say).
    #[serde(default)]
    pub travellers: Option<TravellerAccess>,
    /// Open, planned or closed.
    pub status: Status,
    /// Expected opening year of a planned crossing.
    pub opening_year: Option<u16>,
    /// Where the data comes from.
    pub source: Source,
}

impl BorderCrossing {
    /// The layer the crossing runs on.
    pub fn layer(&self) -> Layer {
        Layer {
            mode: self.mode,
            gauge: self.gauge,
        }
    }
}

/// Whether people may use a border crossing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TravellerAccess {
    /// Open to travellers (`yes`).
    Open,
    /// Open to travellers only with a special permit (`permit`): not offered by the planner.
    Permit,
    /// Freight only (`no`).
    FreightOnly,
}

impl std::str::FromStr for TravellerAccess {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "yes" => Ok(TravellerAccess::Open),
            "permit" => Ok(TravellerAccess::Permit),
            "no" => Ok(TravellerAccess::FreightOnly),
            _ => Err(format!(
                "`{s}` is not an answer for travellers (yes, permit or no)"
            )),
        }
    }
}

/// How cargo changes trucks at a road border: the vehicle of one side may not drive on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VehicleChange {
    /// The cargo is unloaded from one truck and loaded onto another (Khorgos: Chinese trucks
    /// may not operate in Central Asia).
    Transload,
    /// The trailer is handed to a tractor of the other side in the neutral zone (Irkeshtam,
    /// Torugart).
    TrailerSwap,
}

impl VehicleChange {
    /// How a user reads it: `transloaded to another truck`.
    pub fn describe(self) -> &'static str {
        match self {
            VehicleChange::Transload => "transloaded to a truck of the other side",
            VehicleChange::TrailerSwap => "trailer handed to a tractor of the other side",
        }
    }
}

impl std::str::FromStr for VehicleChange {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "transload" => Ok(VehicleChange::Transload),
            "trailer_swap" => Ok(VehicleChange::TrailerSwap),
            _ => Err(format!(
                "`{s}` is not a vehicle change (transload or trailer_swap)"
            )),
        }
    }
}

/// A change of mode or gauge at one place: transloading, bogie exchange, rail to ferry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Transfer {
    /// Stable slug.
    pub id: String,
    /// Where it happens.
    pub place: PlaceId,
    /// Layer the cargo arrives on.
    pub from: Layer,
    /// Layer the cargo leaves on.
    pub to: Layer,
    /// Whether the same numbers apply in reverse.
    pub both_ways: bool,
    /// Typical handling hours.
    pub handling_p50_h: f64,
    /// Bad-case handling hours.
    pub handling_p90_h: f64,
    /// Handling charge per FEU, USD.
    pub cost_usd: f64,
    /// Hub emissions per tonne handled, kg CO2e.
    pub hub_co2e_kg_per_t: f64,
    /// Reported capacity.
    pub capacity: Option<Capacity>,
    /// Open, planned or closed.
    pub status: Status,
    /// Expected opening year of a planned transfer.
    pub opening_year: Option<u16>,
    /// Where the data comes from.
    pub source: Source,
}

impl Transfer {
    /// True when this transfer changes the gauge of a rail movement.
    pub fn is_gauge_change(&self) -> bool {
        self.from.mode == Mode::Rail
            && self.to.mode == Mode::Rail
            && self.from.gauge != self.to.gauge
    }
}
