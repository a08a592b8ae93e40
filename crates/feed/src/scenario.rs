//! Scenarios: TOML files of edits applied to a network in order ("what if the CKU railway opens").
//!
//! ```toml
//! name = "cku-open"
//! description = "The China–Kyrgyzstan–Uzbekistan railway opens."
//! source = "https://www.railwaygazette.com/..."
//!
//! [[link]]
//! ids = ["cku-kashgar-torugart-cn"]
//! status = "open"
//!
//! [[border]]
//! ids = ["cku-torugart"]
//! status = "open"
//! clearance_factor = 0.5
//! ```

use serde::Deserialize;
use silkroute_model::{Network, Status};
use std::path::Path;

/// Why a scenario could not be read or applied.
#[derive(Debug, thiserror::Error)]
pub enum ScenarioError {
    /// The file could not be read.
    #[error("cannot read scenario {file}: {source}")]
    Read {
        /// The scenario file.
        file: String,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The TOML is malformed or has an unknown key or a bad value.
    #[error("scenario {file}: {message}")]
    Parse {
        /// The scenario file.
        file: String,
        /// What the TOML parser said, with line and column.
        message: String,
    },
    /// An edit names an element that does not exist.
    #[error(
        "scenario {file}: [[{table}]] #{index} key `ids`: no {table} with id `{id}` in the network"
    )]
    UnknownId {
        /// The scenario file.
        file: String,
        /// `link`, `border`, `transfer` or `service`.
        table: &'static str,
        /// 1-based position of the edit in its table.
        index: usize,
        /// The id that was not found.
        id: String,
    },
    /// An edit has a value that cannot apply.
    #[error("scenario {file}: [[{table}]] #{index} key `{key}`: {message}")]
    BadValue {
        /// The scenario file.
        file: String,
        /// The table.
        table: &'static str,
        /// 1-based position of the edit.
        index: usize,
        /// The key.
        key: &'static str,
        /// What is wrong.
        message: String,
    },
}

/// A named set of edits to a network.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Short name (`cku-open`).
    pub name: String,
    /// What the scenario represents.
    #[serde(default)]
    pub description: String,
    /// Where the assumption comes from.
    #[serde(default)]
    pub source: String,
    /// Edits to links.
    #[serde(default, rename = "link")]
    pub links: Vec<LinkEdit>,
    /// Edits to border crossings.
    #[serde(default, rename = "border")]
    pub borders: Vec<BorderEdit>,
    /// Edits to transfers.
    #[serde(default, rename = "transfer")]
    pub transfers: Vec<TransferEdit>,
    /// Edits to services.
    #[serde(default, rename = "service")]
    pub services: Vec<ServiceEdit>,
    /// The file it was read from (or `builtin:NAME`).
    #[serde(skip)]
    pub file: String,
}

/// Changes to one or more links.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LinkEdit {
    /// Link ids.
    pub ids: Vec<String>,
    /// New status.
    pub status: Option<Status>,
    /// New running speed, km/h.
    pub speed_kmh: Option<f64>,
    /// New running time, hours.
    pub duration_h: Option<f64>,
}

/// Changes to one or more border crossings.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BorderEdit {
    /// Border ids.
    pub ids: Vec<String>,
    /// New status.
    pub status: Option<Status>,
    /// Multiply every clearance time (both directions, p50 and p90) by this.
    pub clearance_factor: Option<f64>,
    /// Multiply every fee by this.
    pub fee_factor: Option<f64>,
}

/// Changes to one or more transfers.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TransferEdit {
    /// Transfer ids.
    pub ids: Vec<String>,
    /// New status.
    pub status: Option<Status>,
    /// Multiply handling times by this.
    pub handling_factor: Option<f64>,
}

/// Changes to one or more services.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceEdit {
    /// Service ids.
    pub ids: Vec<String>,
    /// New status.
    pub status: Option<Status>,
    /// New departures per week.
    pub frequency_per_week: Option<f64>,
}

impl Scenario {
    /// Parses a scenario from TOML text; `file` names it in errors.
    pub fn parse(text: &str, file: &str) -> Result<Scenario, ScenarioError> {
        let mut s: Scenario = toml::from_str(text).map_err(|e| ScenarioError::Parse {
            file: file.to_string(),
            message: e.to_string().trim_end().replace('\n', " "),
        })?;
        s.file = file.to_string();
        Ok(s)
    }

    /// Reads a scenario file.
    pub fn from_file(path: &Path) -> Result<Scenario, ScenarioError> {
        let file = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| ScenarioError::Read {
            file: file.clone(),
            source,
        })?;
        Scenario::parse(&text, &file)
    }

    /// Applies the edits to `net` in order. On error the network may be partly edited; callers
    /// apply scenarios to their own copy.
    pub fn apply(&self, net: &mut Network) -> Result<(), ScenarioError> {
        let file = &self.file;
        let positive =
            |table: &'static str, index: usize, key: &'static str, v: Option<f64>| match v {
                Some(x) if !(x.is_finite() && x > 0.0) => Err(ScenarioError::BadValue {
                    file: file.clone(),
                    table,
                    index,
                    key,
                    message: format!("{x} must be a positive number"),
                }),
                _ => Ok(()),
            };
        let unknown = |table: &'static str, index: usize, id: &str| ScenarioError::UnknownId {
            file: file.clone(),
            table,
            index,
            id: id.to_string(),
        };
        for (i, e) in self.links.iter().enumerate() {
            let index = i + 1;
            positive("link", index, "speed_kmh", e.speed_kmh)?;
            positive("link", index, "duration_h", e.duration_h)?;
            for id in &e.ids {
                let l = net
                    .links
                    .iter_mut()
                    .find(|l| &l.id == id)
                    .ok_or_else(|| unknown("link", index, id))?;
                if let Some(s) = e.status {
                    l.status = s;
                }
                if let Some(v) = e.speed_kmh {
                    l.speed_kmh = Some(v);
                    l.duration_h = None;
                }
                if let Some(v) = e.duration_h {
                    l.duration_h = Some(v);
                }
            }
        }
        for (i, e) in self.borders.iter().enumerate() {
            let index = i + 1;
            positive("border", index, "clearance_factor", e.clearance_factor)?;
            positive("border", index, "fee_factor", e.fee_factor)?;
            for id in &e.ids {
                let b = net
                    .borders
                    .iter_mut()
                    .find(|b| &b.id == id)
                    .ok_or_else(|| unknown("border", index, id))?;
                if let Some(s) = e.status {
                    b.status = s;
                }
                for c in [&mut b.forward, &mut b.reverse] {
                    if let Some(f) = e.clearance_factor {
                        c.p50_h *= f;
                        c.p90_h *= f;
                    }
                    if let Some(f) = e.fee_factor {
                        c.fee_usd *= f;
                    }
                }
            }
        }
        for (i, e) in self.transfers.iter().enumerate() {
            let index = i + 1;
            positive("transfer", index, "handling_factor", e.handling_factor)?;
            for id in &e.ids {
                let t = net
                    .transfers
                    .iter_mut()
                    .find(|t| &t.id == id)
                    .ok_or_else(|| unknown("transfer", index, id))?;
                if let Some(s) = e.status {
                    t.status = s;
                }
                if let Some(f) = e.handling_factor {
                    t.handling_p50_h *= f;
                    t.handling_p90_h *= f;
                }
            }
        }
        for (i, e) in self.services.iter().enumerate() {
            let index = i + 1;
            positive("service", index, "frequency_per_week", e.frequency_per_week)?;
            for id in &e.ids {
                let s = net
                    .services
                    .iter_mut()
                    .find(|s| &s.id == id)
                    .ok_or_else(|| unknown("service", index, id))?;
                if let Some(st) = e.status {
                    s.status = st;
                }
                if let Some(f) = e.frequency_per_week {
                    s.frequency_per_week = f;
                }
            }
        }
        Ok(())
    }
}
