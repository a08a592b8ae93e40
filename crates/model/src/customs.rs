//! Customs: which countries share a customs territory, and what clearing cargo out of or into
//! a country costs by mode.
//!
//! The model (docs/methodology.md §12): cargo that leaves its customs territory is
//! export-cleared at the origin and import-cleared at the destination, each a leg of its own;
//! every entry into a country on the way is a frontier formality: a land border crossing
//! (borders.csv, CPMM's figures) or, by air and sea, an exit at the port or airport of
//! departure and an entry at the port or airport of arrival. Countries the cargo only crosses
//! see it under a transit regime (rail under seal, TIR): no import or export there.

use crate::network::PlaceId;
use crate::source::Source;
use crate::vocabulary::Mode;
use serde::{Deserialize, Serialize};
use std::fmt;

/// A country and the customs territory it belongs to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Country {
    /// ISO 3166-1 alpha-2 code (`KZ`).
    pub code: String,
    /// English name.
    pub name_en: String,
    /// The customs territory: a union's name (`EAEU`) where goods move between its members
    /// without customs, else the country's own code.
    pub customs_territory: String,
    /// Where the data comes from.
    pub source: Source,
}

/// What customs do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Procedure {
    /// Export declaration at the origin, when the cargo leaves its customs territory.
    Export,
    /// Import declaration at the destination, when the cargo entered from another territory.
    Import,
    /// Frontier formalities leaving a country through a port or an airport.
    Exit,
    /// Frontier formalities entering a country through a port or an airport.
    Entry,
}

impl Procedure {
    /// All procedures.
    pub const ALL: [Procedure; 4] = [
        Procedure::Export,
        Procedure::Import,
        Procedure::Exit,
        Procedure::Entry,
    ];

    /// The name used in feeds and output.
    pub fn as_str(self) -> &'static str {
        match self {
            Procedure::Export => "export",
            Procedure::Import => "import",
            Procedure::Exit => "exit",
            Procedure::Entry => "entry",
        }
    }
}

impl fmt::Display for Procedure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Procedure {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Procedure::ALL
            .into_iter()
            .find(|p| p.as_str() == s.trim())
            .ok_or_else(|| {
                format!("unknown procedure `{s}` (expected export, import, exit or entry)")
            })
    }
}

/// One row of clearances.csv: what a procedure costs in a country (or at one place), by one
/// mode or by all.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CustomsClearance {
    /// Stable slug.
    pub id: String,
    /// ISO country code.
    pub country: String,
    /// The place it applies to; `None`: every place of the country.
    pub place: Option<PlaceId>,
    /// The mode it applies to; `None`: every mode.
    pub mode: Option<Mode>,
    /// What is done.
    pub procedure: Procedure,
    /// Typical hours.
    pub p50_h: f64,
    /// Bad-case hours.
    pub p90_h: f64,
    /// Fees and charges per consignment (one FEU), USD.
    pub fee_usd: f64,
    /// Where the figures come from.
    pub source: Source,
}

impl CustomsClearance {
    /// Its hours and fee as a [`crate::Clearance`].
    pub fn figures(&self) -> crate::Clearance {
        crate::Clearance {
            p50_h: self.p50_h,
            p90_h: self.p90_h,
            fee_usd: self.fee_usd,
        }
    }

    /// How well this row fits `place` in `country` by `mode`: `None` when it does not apply,
    /// higher when more specific (a place beats a country, a mode beats every mode).
    pub fn fit(
        &self,
        place: PlaceId,
        country: &str,
        mode: Mode,
        procedure: Procedure,
    ) -> Option<u8> {
        if self.procedure != procedure || self.country != country {
            return None;
        }
        let place_fit = match self.place {
            Some(p) if p == place => 2,
            Some(_) => return None,
            None => 0,
        };
        let mode_fit = match self.mode {
            Some(m) if m == mode => 1,
            Some(_) => return None,
            None => 0,
        };
        Some(place_fit + mode_fit)
    }
}

/// When a border post works: on some weekdays, within a daily window, in one time zone, except
/// on closed dates (holidays). Cargo reaching a closed post waits for it to open.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OpeningHours {
    /// Weekdays it opens, Monday first.
    pub weekdays: [bool; 7],
    /// Opens, local time.
    pub open: jiff::civil::Time,
    /// Closes, local time (after `open`).
    pub close: jiff::civil::Time,
    /// IANA zone of the times.
    pub timezone: String,
    /// Closed dates, inclusive ranges (first, last).
    pub closed: Vec<(jiff::civil::Date, jiff::civil::Date)>,
}

impl OpeningHours {
    /// Whether the post opens at all on local date `d`.
    pub fn opens_on(&self, d: jiff::civil::Date) -> bool {
        self.weekdays[d.weekday().to_monday_zero_offset() as usize]
            && !self.closed.iter().any(|&(a, b)| a <= d && d <= b)
    }

    /// The first instant (Unix seconds) at or after `t` at which the post is open, in `zone`
    /// (this opening's `timezone`, resolved by the caller); `None` when it does not open within
    /// `horizon_days`.
    pub fn next_open(&self, t: i64, zone: &jiff::tz::TimeZone, horizon_days: i64) -> Option<i64> {
        let now = zone.to_datetime(jiff::Timestamp::from_second(t).ok()?);
        for k in 0..=horizon_days {
            let day = now.date().checked_add(jiff::Span::new().days(k)).ok()?;
            if !self.opens_on(day) {
                continue;
            }
            let at = |time: jiff::civil::Time| {
                day.to_datetime(time)
                    .to_zoned_datetime(zone.clone())
                    .ok()
                    .map(|z| z.timestamp().as_second())
            };
            let (open, close) = (at(self.open)?, at(self.close)?);
            if t < close {
                return Some(open.max(t));
            }
        }
        None
    }

    /// How the hours read in output: `mon–fri 08:00–20:00 Asia/Bishkek, closed 2 periods`.
    pub fn describe(&self) -> String {
        const NAMES: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
        let open: Vec<usize> = (0..7).filter(|&i| self.weekdays[i]).collect();
        let consecutive = open.windows(2).all(|w| w[1] == w[0] + 1);
        let days = match open.as_slice() {
            [] => "never".to_string(),
            [d] => NAMES[*d].to_string(),
            all if all.len() == 7 => "daily".to_string(),
            [first, .., last] if consecutive => format!("{}–{}", NAMES[*first], NAMES[*last]),
            many => many.iter().map(|&i| NAMES[i]).collect::<Vec<_>>().join(","),
        };
        let mut s = format!(
            "{days} {}–{} {}",
            self.open.strftime("%H:%M"),
            self.close.strftime("%H:%M"),
            self.timezone
        );
        if !self.closed.is_empty() {
            s.push_str(&format!(
                ", closed on {} listed holiday periods",
                self.closed.len()
            ));
        }
        s
    }
}
