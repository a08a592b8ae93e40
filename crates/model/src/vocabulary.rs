//! Small enums shared by every element: modes, gauges, layers, statuses.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// A mode of transport.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// Railway (has a gauge).
    Rail,
    /// Road haulage by truck.
    Road,
    /// Sea or lake shipping (Caspian ferries and feeders).
    Sea,
    /// Air cargo.
    Air,
}

impl Mode {
    /// All modes, in a fixed order.
    pub const ALL: [Mode; 4] = [Mode::Rail, Mode::Road, Mode::Sea, Mode::Air];

    /// The lowercase name used in feeds and output.
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Rail => "rail",
            Mode::Road => "road",
            Mode::Sea => "sea",
            Mode::Air => "air",
        }
    }
}

impl fmt::Display for Mode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Mode {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "rail" => Ok(Mode::Rail),
            "road" => Ok(Mode::Road),
            "sea" => Ok(Mode::Sea),
            "air" => Ok(Mode::Air),
            other => Err(format!(
                "unknown mode `{other}` (expected rail, road, sea or air)"
            )),
        }
    }
}

/// A railway track gauge in millimetres (1435 standard, 1520 Russian/broad).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Gauge(pub u16);

impl Gauge {
    /// Standard gauge, used in China, Türkiye and Europe.
    pub const STANDARD: Gauge = Gauge(1435);
    /// Russian (broad) gauge, used from Kazakhstan westward to Georgia.
    pub const RUSSIAN: Gauge = Gauge(1520);

    /// The gauge in millimetres.
    pub fn mm(self) -> u16 {
        self.0
    }
}

/// What cargo is riding on at a place: a mode and, for rail, the gauge.
///
/// A place has one graph node per layer it touches (the "virtual network" of NODUS), so that a
/// change of mode or gauge is an explicit transfer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Layer {
    /// The mode.
    pub mode: Mode,
    /// The gauge, for rail only.
    pub gauge: Option<Gauge>,
}

impl Layer {
    /// A rail layer of the given gauge.
    pub fn rail(gauge_mm: u16) -> Layer {
        Layer {
            mode: Mode::Rail,
            gauge: Some(Gauge(gauge_mm)),
        }
    }

    /// A layer of a mode without gauge (road, sea, air).
    pub fn of(mode: Mode) -> Layer {
        Layer { mode, gauge: None }
    }
}

impl fmt::Display for Layer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.gauge {
            Some(g) => write!(f, "{}-{}", self.mode, g.0),
            None => write!(f, "{}", self.mode),
        }
    }
}

/// The kind of network element a route or a flow uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum ElementKind {
    /// A link.
    Link,
    /// A border crossing.
    Border,
    /// A transfer between modes or gauges at a place.
    Transfer,
    /// Customs clearance (a row of clearances.csv, or none where the feed has no figures).
    Clearance,
}

impl ElementKind {
    /// The lowercase name used in output.
    pub fn as_str(self) -> &'static str {
        match self {
            ElementKind::Link => "link",
            ElementKind::Border => "border",
            ElementKind::Transfer => "transfer",
            ElementKind::Clearance => "clearance",
        }
    }
}

impl fmt::Display for ElementKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Whether an element can be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// In operation; routed on.
    Open,
    /// Announced or under construction; routed on only when a scenario opens it.
    Planned,
    /// Not in operation.
    Closed,
}

impl Status {
    /// The lowercase name used in feeds.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Open => "open",
            Status::Planned => "planned",
            Status::Closed => "closed",
        }
    }
}

impl FromStr for Status {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "open" => Ok(Status::Open),
            "planned" => Ok(Status::Planned),
            "closed" => Ok(Status::Closed),
            other => Err(format!(
                "unknown status `{other}` (expected open, planned or closed)"
            )),
        }
    }
}

/// What kind of place this is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PlaceKind {
    /// A city (with its terminals and airport).
    City,
    /// A rail terminal or junction station.
    RailTerminal,
    /// A sea port.
    Port,
    /// An airport.
    Airport,
    /// A border post on one side of a crossing.
    BorderPost,
    /// A node of an imported or generated network (a junction or the end of a way).
    Junction,
}

impl PlaceKind {
    /// The snake_case name used in feeds.
    pub fn as_str(self) -> &'static str {
        match self {
            PlaceKind::City => "city",
            PlaceKind::RailTerminal => "rail_terminal",
            PlaceKind::Port => "port",
            PlaceKind::Airport => "airport",
            PlaceKind::BorderPost => "border_post",
            PlaceKind::Junction => "junction",
        }
    }
}

impl FromStr for PlaceKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "city" => Ok(PlaceKind::City),
            "rail_terminal" => Ok(PlaceKind::RailTerminal),
            "port" => Ok(PlaceKind::Port),
            "airport" => Ok(PlaceKind::Airport),
            "border_post" => Ok(PlaceKind::BorderPost),
            "junction" => Ok(PlaceKind::Junction),
            other => Err(format!(
                "unknown place kind `{other}` (expected city, rail_terminal, port, airport, border_post or junction)"
            )),
        }
    }
}

/// Number of running tracks on a rail link.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Track {
    /// One track, trains pass at loops.
    Single,
    /// Two or more tracks.
    Double,
}

impl FromStr for Track {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "single" => Ok(Track::Single),
            "double" => Ok(Track::Double),
            other => Err(format!(
                "unknown track `{other}` (expected single or double)"
            )),
        }
    }
}
