//! Who may enter a country, for how long and why: entry rules by passport and destination
//! (entry_rules.csv), dated, with their sources.

use crate::source::Source;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// How holders of a passport enter a country under a rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Regime {
    /// No visa: entry on the passport, within the rule's days.
    VisaFree,
    /// A visa issued at the border on arrival.
    VisaOnArrival,
    /// An electronic visa applied for online before travel.
    EVisa,
    /// A visa from a consulate before travel.
    VisaRequired,
    /// Entry barred.
    NoAdmission,
}

impl Regime {
    /// Every regime, as entry_rules.csv writes them.
    pub const ALL: [Regime; 5] = [
        Regime::VisaFree,
        Regime::VisaOnArrival,
        Regime::EVisa,
        Regime::VisaRequired,
        Regime::NoAdmission,
    ];

    /// The name used in files and answers (`visa_free`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            Regime::VisaFree => "visa_free",
            Regime::VisaOnArrival => "visa_on_arrival",
            Regime::EVisa => "e_visa",
            Regime::VisaRequired => "visa_required",
            Regime::NoAdmission => "no_admission",
        }
    }

    /// Whether the traveller must get a visa before setting off.
    pub fn needs_visa_before_travel(self) -> bool {
        matches!(self, Regime::EVisa | Regime::VisaRequired)
    }
}

impl fmt::Display for Regime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Regime {
    type Err = String;
    fn from_str(s: &str) -> Result<Regime, String> {
        Regime::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| {
                format!(
                    "`{s}` is not a regime (one of {})",
                    Regime::ALL.map(Regime::as_str).join(", ")
                )
            })
    }
}

/// Why a traveller goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "clap", derive(clap::ValueEnum))]
#[serde(rename_all = "lowercase")]
pub enum Purpose {
    /// Holidays and sightseeing.
    Tourism,
    /// Meetings, negotiations, trade fairs (not employment).
    Business,
    /// Passing through on the way to another country.
    Transit,
    /// Employment.
    Work,
    /// Study.
    Study,
    /// Visiting family or friends.
    Family,
    /// Medical treatment.
    Medical,
}

impl Purpose {
    /// Every purpose, as entry_rules.csv writes them.
    pub const ALL: [Purpose; 7] = [
        Purpose::Tourism,
        Purpose::Business,
        Purpose::Transit,
        Purpose::Work,
        Purpose::Study,
        Purpose::Family,
        Purpose::Medical,
    ];

    /// The name used in files and answers (`tourism`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            Purpose::Tourism => "tourism",
            Purpose::Business => "business",
            Purpose::Transit => "transit",
            Purpose::Work => "work",
            Purpose::Study => "study",
            Purpose::Family => "family",
            Purpose::Medical => "medical",
        }
    }
}

impl fmt::Display for Purpose {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Purpose {
    type Err = String;
    fn from_str(s: &str) -> Result<Purpose, String> {
        Purpose::ALL
            .into_iter()
            .find(|p| p.as_str() == s)
            .ok_or_else(|| {
                format!(
                    "`{s}` is not a purpose (one of {})",
                    Purpose::ALL.map(Purpose::as_str).join(", ")
                )
            })
    }
}

/// A limit on the days spent in a country: `days` in any `period_days` consecutive days
/// (90 in 180).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DaysInPeriod {
    /// The most days that may be spent in the country…
    pub days: u32,
    /// …in any window of this many consecutive days.
    pub period_days: u32,
}

/// One row of entry_rules.csv: how holders of `passport` enter `destination` between two
/// dates.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EntryRule {
    /// The rule's id: `passport-destination-valid_from` (`CN-UZ-2025-06-01`).
    pub id: String,
    /// ISO 3166-1 alpha-2 code of the passport's country.
    pub passport: String,
    /// ISO 3166-1 alpha-2 code of the country entered.
    pub destination: String,
    /// First day the rule applies (none: since before the data starts).
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub valid_from: Option<Date>,
    /// Last day the rule applies (none: until further notice).
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub valid_to: Option<Date>,
    /// How the traveller enters.
    pub regime: Regime,
    /// The most days of one stay, entry and exit days counted (none: not limited by the rule,
    /// or set by the visa issued).
    pub days_per_stay: Option<u32>,
    /// The most days in any period (90 in 180), when the rule sets one.
    pub days_per_period: Option<DaysInPeriod>,
    /// The purposes the rule allows.
    pub purposes: Vec<Purpose>,
    /// For a visa or e-visa: the usual days between applying and getting it.
    pub visa_lead_days: Option<u32>,
    /// For a visa or e-visa: its fee, USD.
    pub visa_fee_usd: Option<f64>,
    /// A condition the columns cannot express (a tour group, an onward ticket, an age), in
    /// words; such a rule is shown but not applied.
    pub condition: Option<String>,
    /// Where the rule comes from.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub source: Source,
}

impl EntryRule {
    /// Whether the rule applies on `day`.
    pub fn applies_on(&self, day: Date) -> bool {
        self.valid_from.is_none_or(|f| f <= day) && self.valid_to.is_none_or(|t| day <= t)
    }

    /// Whether the rule allows `purpose`.
    pub fn allows(&self, purpose: Purpose) -> bool {
        self.purposes.contains(&purpose)
    }
}
