//! Services: who carries goods and people, where they stop and when they run.
//!
//! A [`Service`] is a stop pattern ([`ServiceStop`]s in running order) with a [`Schedule`]:
//! either a timetable ([`Calendar`]: weekdays, date ranges, explicit dates, exceptions, and the
//! departure times of day at the first stop, in the first stop's time zone) or a frequency with
//! a documented wait model ([`WaitModel`]). A return service exists only if the data has one.

use crate::network::PlaceId;
use crate::source::Source;
use crate::vocabulary::{Mode, Status};
use jiff::civil::{Date, Time, Weekday};
use serde::{Deserialize, Serialize};
use std::str::FromStr;

/// A regular service: a container train, a ferry line, a cargo flight, a passenger train.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Service {
    /// Stable slug.
    pub id: String,
    /// Human name.
    pub name: String,
    /// Operator, when known.
    pub operator: Option<String>,
    /// Mode.
    pub mode: Mode,
    /// What it carries.
    pub carries: Carries,
    /// Capacity per departure, FEU (containers) or seats for passenger services.
    pub capacity_per_departure: Option<f64>,
    /// Published end-to-end price per FEU, USD. A part-way ride pays by distance share, unless
    /// `fares` prices it.
    pub tariff_usd_per_feu: Option<f64>,
    /// A tariff table: the price of rides between two of its stops (service_fares.csv). Pairs
    /// not in it pay the end-to-end tariff's distance share (or the track's own money).
    pub fares: Vec<Fare>,
    /// What a passenger pays, one way, for rides between two of its stops
    /// (passenger_fares.csv); other rides of people pay the distance share of the fare from
    /// its first stop to its last, when that is known.
    #[serde(default)]
    pub passenger_fares: Vec<PassengerFare>,
    /// Stops in running order.
    pub stops: Vec<ServiceStop>,
    /// When it runs.
    pub schedule: Schedule,
    /// Open, planned or closed.
    pub status: Status,
    /// Expected opening year of a planned service.
    pub opening_year: Option<u16>,
    /// Where the data comes from.
    pub source: Source,
}

/// A walk for passengers (footpaths.csv, from GTFS transfers.txt): between two stations, one
/// way, in a fixed time; or, with `from` equal to `to`, the minimum time to change from one
/// service to another at that station.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Footpath {
    /// Where the walk starts.
    pub from: PlaceId,
    /// Where it ends.
    pub to: PlaceId,
    /// How long it takes, minutes.
    pub minutes: f64,
    /// Where the figure comes from.
    pub source: Source,
}

/// The price of a ride of a service between two of its stops.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Fare {
    /// Where the cargo boards.
    pub from: PlaceId,
    /// Where it alights (a later stop).
    pub to: PlaceId,
    /// USD per FEU.
    pub usd_per_feu: f64,
    /// Where the price comes from.
    pub source: Source,
}

/// A passenger's one-way fare for a ride between two stops of a service.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PassengerFare {
    /// Where the passenger boards.
    pub from: PlaceId,
    /// Where they alight (a later stop).
    pub to: PlaceId,
    /// USD per passenger.
    pub usd: f64,
    /// Where the price comes from.
    pub source: Source,
}

/// Emissions of carrying one passenger one kilometre by a mode, well-to-wheel (ISO 14083:
/// passenger activity in passenger-km).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PassengerFactor {
    /// The mode.
    pub mode: crate::Mode,
    /// g CO2e per passenger-km, well-to-wheel.
    pub wtw_g_per_pkm: f64,
    /// Where the figure comes from.
    pub source: Source,
}

impl Service {
    /// The fare of a ride from stop `from` to stop `to` for one passenger, with its source:
    /// the fare of that pair, or the distance share (`share` of the service's length) of the
    /// fare from the first stop to the last.
    pub fn passenger_fare(&self, from: PlaceId, to: PlaceId, share: f64) -> Option<(f64, String)> {
        if let Some(f) = self
            .passenger_fares
            .iter()
            .find(|f| f.from == from && f.to == to)
        {
            return Some((f.usd, f.source.to_string()));
        }
        let (first, last) = (self.stops.first()?.place, self.stops.last()?.place);
        self.passenger_fares
            .iter()
            .find(|f| f.from == first && f.to == last)
            .map(|f| {
                (
                    f.usd * share,
                    format!(
                        "{:.0} % by distance of the end-to-end fare: {}",
                        share * 100.0,
                        f.source
                    ),
                )
            })
    }

    /// Average departures per week: the frequency, or the calendar's departures in the week of
    /// `reference` (a Monday-to-Sunday week).
    pub fn departures_per_week(&self, reference: Date) -> f64 {
        match &self.schedule {
            Schedule::Frequency { per_week, .. } => *per_week,
            Schedule::Timetable(c) => {
                let monday = week_start(reference);
                let days = (0..7)
                    .filter_map(|d| monday.checked_add(jiff::Span::new().days(d)).ok())
                    .filter(|d| c.runs_on(*d))
                    .count();
                (days * c.times.len()) as f64
            }
        }
    }
}

/// The Monday of the week of `d`.
pub fn week_start(d: Date) -> Date {
    let back = i64::from(d.weekday().to_monday_zero_offset());
    d.checked_sub(jiff::Span::new().days(back)).unwrap_or(d)
}

/// What a service carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Carries {
    /// Goods only.
    Cargo,
    /// People only.
    Passengers,
    /// Both (a ferry with trucks and passengers, belly cargo on a passenger flight).
    Both,
}

impl Carries {
    /// Whether goods can ride.
    pub fn cargo(self) -> bool {
        matches!(self, Carries::Cargo | Carries::Both)
    }

    /// Whether people can ride.
    pub fn passengers(self) -> bool {
        matches!(self, Carries::Passengers | Carries::Both)
    }

    /// The name used in feeds.
    pub fn as_str(self) -> &'static str {
        match self {
            Carries::Cargo => "cargo",
            Carries::Passengers => "passengers",
            Carries::Both => "both",
        }
    }
}

impl FromStr for Carries {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "cargo" => Ok(Carries::Cargo),
            "passengers" => Ok(Carries::Passengers),
            "both" => Ok(Carries::Both),
            other => Err(format!(
                "unknown value `{other}` (expected cargo, passengers or both)"
            )),
        }
    }
}

/// One stop of a service's pattern.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServiceStop {
    /// The place.
    pub place: PlaceId,
    /// Hours from the departure at the first stop to the arrival here; `None` when the data
    /// gives none (the graph compiler then computes it from the running times on the track and
    /// labels it an estimate).
    pub arrive_h: Option<f64>,
    /// Hours from the departure at the first stop to the departure from here.
    pub depart_h: Option<f64>,
    /// Whether cargo or passengers may board here.
    pub pickup: bool,
    /// Whether cargo or passengers may alight here.
    pub dropoff: bool,
    /// The links the service runs on from the previous stop to this one (indices into
    /// `Network::links`), in order; empty when the data names none (the compiler takes the
    /// shortest path on the service's mode).
    pub via: Vec<u32>,
}

/// When a service runs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Schedule {
    /// Departures at given times on given days.
    Timetable(Calendar),
    /// A number of departures per week whose times are not known; the wait to board follows
    /// `wait`.
    Frequency {
        /// Departures per week.
        per_week: f64,
        /// How long cargo that arrives at a random moment waits.
        wait: WaitModel,
    },
}

/// The wait for a frequency service by cargo ready at a random moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum WaitModel {
    /// Regular departures at unknown times: the wait is uniform over the headway
    /// (median half the headway, p90 0.9 headways).
    Uniform,
    /// Irregular departures (a ferry that sails when full): departures form a Poisson process,
    /// the wait is exponential with the headway as its mean (median ln 2 ≈ 0.69 headways, p90
    /// ln 10 ≈ 2.3 headways).
    Exponential,
}

impl WaitModel {
    /// The `q` quantile (0 < q < 1) of the wait for a headway of `headway_h` hours.
    pub fn quantile_h(self, headway_h: f64, q: f64) -> f64 {
        match self {
            WaitModel::Uniform => q * headway_h,
            WaitModel::Exponential => -(1.0 - q).ln() * headway_h,
        }
    }

    /// The name used in feeds.
    pub fn as_str(self) -> &'static str {
        match self {
            WaitModel::Uniform => "uniform",
            WaitModel::Exponential => "exponential",
        }
    }
}

impl FromStr for WaitModel {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "uniform" => Ok(WaitModel::Uniform),
            "exponential" => Ok(WaitModel::Exponential),
            other => Err(format!(
                "unknown wait model `{other}` (expected uniform or exponential)"
            )),
        }
    }
}

/// The days a timetabled service runs and its departure times at the first stop.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Calendar {
    /// Weekdays it runs on, Monday first (none: only on `added` dates).
    pub weekdays: [bool; 7],
    /// Departure times of day at the first stop, local time of the first stop.
    pub times: Vec<Time>,
    /// First day of the weekday pattern (inclusive), if bounded.
    pub start: Option<Date>,
    /// Last day of the weekday pattern (inclusive), if bounded.
    pub end: Option<Date>,
    /// Extra dates it runs (a dated tourist train).
    pub added: Vec<Date>,
    /// Dates it does not run although the pattern says so.
    pub removed: Vec<Date>,
}

impl Calendar {
    /// Whether the service leaves its first stop on local date `d`.
    pub fn runs_on(&self, d: Date) -> bool {
        if self.added.contains(&d) {
            return true;
        }
        if self.removed.contains(&d) {
            return false;
        }
        let in_range = self.start.is_none_or(|s| d >= s) && self.end.is_none_or(|e| d <= e);
        in_range && self.weekdays[d.weekday().to_monday_zero_offset() as usize]
    }

    /// The last date it can run, if bounded: `end` or the last added date.
    pub fn last_date(&self) -> Option<Date> {
        let added = self.added.iter().max().copied();
        match (!self.weekdays.contains(&true), self.end) {
            (true, _) => added,
            (false, Some(e)) => Some(added.map_or(e, |a| a.max(e))),
            (false, None) => None,
        }
    }
}

/// Parses a weekday name as feeds write it: `mon` … `sun` or the full English name, any case.
pub fn parse_weekday(s: &str) -> Result<Weekday, String> {
    const DAYS: [(&str, &str, Weekday); 7] = [
        ("mon", "monday", Weekday::Monday),
        ("tue", "tuesday", Weekday::Tuesday),
        ("wed", "wednesday", Weekday::Wednesday),
        ("thu", "thursday", Weekday::Thursday),
        ("fri", "friday", Weekday::Friday),
        ("sat", "saturday", Weekday::Saturday),
        ("sun", "sunday", Weekday::Sunday),
    ];
    let w = s.trim().to_ascii_lowercase();
    DAYS.iter()
        .find(|(short, long, _)| w == *short || w == *long)
        .map(|d| d.2)
        .ok_or_else(|| format!("`{s}` is not a weekday (mon, tue, … sun, or the full name)"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn a_calendar_runs_on_its_weekdays_within_its_range_and_exceptions() {
        let c = Calendar {
            weekdays: [false, false, true, false, false, false, false],
            times: vec![Time::constant(10, 0, 0, 0)],
            start: Some(date(2024, 3, 6)),
            end: None,
            added: vec![date(2024, 3, 9)],
            removed: vec![date(2024, 3, 13)],
        };
        assert!(c.runs_on(date(2024, 3, 6)));
        assert!(!c.runs_on(date(2024, 3, 7)));
        assert!(c.runs_on(date(2024, 3, 9)));
        assert!(!c.runs_on(date(2024, 3, 13)));
        assert!(c.runs_on(date(2024, 3, 20)));
        assert!(!c.runs_on(date(2024, 2, 28)));
    }

    #[test]
    fn weekdays_are_short_or_full_names_and_nothing_else() {
        assert_eq!(parse_weekday("Wed"), Ok(Weekday::Wednesday));
        assert_eq!(parse_weekday("wednesday"), Ok(Weekday::Wednesday));
        assert!(parse_weekday("wednesdy").is_err());
        assert!(parse_weekday("we").is_err());
    }

    #[test]
    fn wait_quantiles_follow_their_models() {
        assert!((WaitModel::Uniform.quantile_h(100.0, 0.5) - 50.0).abs() < 1e-9);
        assert!((WaitModel::Exponential.quantile_h(100.0, 0.5) - 69.3147).abs() < 1e-3);
        assert!((WaitModel::Exponential.quantile_h(100.0, 0.9) - 230.2585).abs() < 1e-3);
    }
}
