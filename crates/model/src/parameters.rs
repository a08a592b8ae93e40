//! Parameter tables: per-mode defaults, per-km tariffs and emission intensities.

use crate::source::Source;
use crate::vocabulary::Mode;
use serde::{Deserialize, Serialize};

/// Defaults that apply to a mode when an element gives no value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModeDefaults {
    /// The mode.
    pub mode: Mode,
    /// Running speed when a link gives none, km/h.
    pub default_speed_kmh: f64,
    /// Bad-case running time = typical × this factor.
    pub run_p90_factor: f64,
    /// Typical wait to move without a service, hours: the booking lead time of a truck, the
    /// formation of a chartered train (sea and air move only by service).
    pub default_wait_p50_h: f64,
    /// Bad-case wait to move without a service, hours.
    pub default_wait_p90_h: f64,
    /// The least time between arriving on one service (or at the origin) and boarding another
    /// of this mode at the same place: handling, terminal cut-off, hours.
    pub min_connection_h: f64,
    /// Emission-factor energy key used when a link gives none.
    pub default_energy: String,
    /// Where the data comes from.
    pub source: Source,
}

/// A per-km tariff of a mode in a country (or the default of the mode).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CostFactor {
    /// The mode.
    pub mode: Mode,
    /// ISO country code, `None` for the default row (`*`).
    pub country: Option<String>,
    /// USD per FEU-km.
    pub usd_per_feu_km: f64,
    /// Where the data comes from.
    pub source: Source,
}

/// An ISO 14083 / GLEC emission intensity.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EmissionFactor {
    /// The mode.
    pub mode: Mode,
    /// Energy key (`diesel`, `electric`, `mdo`, `kerosene`).
    pub energy: String,
    /// Tank-to-wheel grams CO2e per tonne-km.
    pub ttw_g_per_tkm: f64,
    /// Well-to-wheel grams CO2e per tonne-km.
    pub wtw_g_per_tkm: f64,
    /// Where the data comes from.
    pub source: Source,
}
