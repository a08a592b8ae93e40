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
use silkroute_model::{
    Gauge, Link, Mode, Network, Place, PlaceKind, Schedule, ServiceStop, Status, WaitModel,
};
use std::path::Path;

/// Why a scenario could not be read or applied.
#[derive(Debug, thiserror::Error)]
pub enum ScenarioError {
    /// Every problem of a scenario that could not be applied (nothing was applied).
    #[error(
        "scenario {file} cannot be applied; nothing was changed:\n{}",
        list_problems(file, problems)
    )]
    Problems {
        /// The scenario file.
        file: String,
        /// Each problem, in the order of the file's tables.
        problems: Vec<ScenarioError>,
    },
    /// The edited network fails validation (nothing was applied).
    #[error("scenario {file} makes the network invalid; nothing was changed:\n{report}")]
    Invalid {
        /// The scenario file.
        file: String,
        /// The validation report of the edited network (errors and warnings).
        report: crate::Report,
    },
    /// Neither a built-in scenario, nor a file, nor TOML text.
    #[error("unknown scenario `{arg}`: not a built-in scenario ({builtin}) and no such file")]
    Unknown {
        /// What was asked for.
        arg: String,
        /// The built-in scenarios' names, comma-separated.
        builtin: String,
    },
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
    /// Places to add.
    #[serde(default, rename = "new_place")]
    pub new_places: Vec<NewPlace>,
    /// Links to add (after the new places).
    #[serde(default, rename = "new_link")]
    pub new_links: Vec<NewLink>,
    /// Services to add (after the new places and links).
    #[serde(default, rename = "new_service")]
    pub new_services: Vec<NewService>,
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
    /// Multiply the capacity by this.
    pub capacity_factor: Option<f64>,
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
    /// Multiply the capacity by this.
    pub capacity_factor: Option<f64>,
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
    /// New departures per week (a frequency service).
    pub frequency_per_week: Option<f64>,
    /// New weekdays (`mon` … `sun`, or `daily`); with `times`, a frequency service becomes
    /// timetabled.
    pub days: Option<Vec<String>>,
    /// New departure times at the first stop, local time (`09:30`).
    pub times: Option<Vec<String>>,
    /// Dates added to the calendar (`2026-07-01`).
    #[serde(default)]
    pub add_dates: Vec<String>,
    /// Dates removed from the calendar.
    #[serde(default)]
    pub remove_dates: Vec<String>,
}

/// Weekdays from `mon` … `sun` / full names / `daily`; the key at fault and why, if one is not.
fn parse_days(days: &[String]) -> Result<[bool; 7], (&'static str, String)> {
    let mut weekdays = [false; 7];
    for d in days {
        if d == "daily" {
            weekdays = [true; 7];
        } else {
            let w = silkroute_model::parse_weekday(d).map_err(|e| ("days", e))?;
            weekdays[w.to_monday_zero_offset() as usize] = true;
        }
    }
    Ok(weekdays)
}

/// Times of day (`09:30`), at least one.
fn parse_times(times: &[String]) -> Result<Vec<jiff::civil::Time>, (&'static str, String)> {
    if times.is_empty() {
        return Err((
            "times",
            "a timetabled service needs its departure times".into(),
        ));
    }
    times
        .iter()
        .map(|t| {
            t.parse()
                .map_err(|_| ("times", format!("`{t}` is not a time of day like 09:30")))
        })
        .collect()
}

/// Dates (`2026-07-01`) of `key`.
fn parse_dates(
    key: &'static str,
    dates: &[String],
) -> Result<Vec<jiff::civil::Date>, (&'static str, String)> {
    dates
        .iter()
        .map(|d| {
            d.parse()
                .map_err(|_| (key, format!("`{d}` is not a date like 2026-07-01")))
        })
        .collect()
}

/// A service added by a scenario: a frequency, or a timetable (`days` with `times`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewService {
    /// Id (slug, new).
    pub id: String,
    /// Name.
    pub name: String,
    /// Mode.
    pub mode: String,
    /// Place ids in running order (cargo boards anywhere but the last stop and alights anywhere
    /// but the first, never at a border post).
    pub stops: Vec<String>,
    /// Departures per week (a frequency service).
    pub frequency_per_week: Option<f64>,
    /// `uniform` (default) or `exponential`.
    pub wait_model: Option<String>,
    /// Weekdays (`mon` … `sun`, or `daily`) of a timetabled service.
    #[serde(default)]
    pub days: Vec<String>,
    /// Departure times at the first stop, local time (`09:30`).
    #[serde(default)]
    pub times: Vec<String>,
    /// End-to-end price per FEU, USD.
    pub tariff_usd_per_feu: Option<f64>,
    /// Where it comes from (an estimate says so).
    pub source: String,
}

/// A place added by a scenario.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewPlace {
    /// Id (slug, new).
    pub id: String,
    /// English name.
    pub name_en: String,
    /// ISO country code.
    pub country: String,
    /// Latitude.
    pub lat: f64,
    /// Longitude.
    pub lon: f64,
    /// Kind (`city`, `rail_terminal`, `port`, `airport`, `border_post`).
    pub kind: String,
    /// IANA time zone; the country's zone when omitted.
    pub timezone: Option<String>,
    /// Where it comes from.
    pub source: String,
}

/// A link added by a scenario (open unless `status` says otherwise).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewLink {
    /// Id (slug, new).
    pub id: String,
    /// One end.
    pub from: String,
    /// The other end.
    pub to: String,
    /// Mode.
    pub mode: String,
    /// Gauge for rail.
    pub gauge_mm: Option<u16>,
    /// Length, km.
    pub length_km: f64,
    /// Speed, km/h.
    pub speed_kmh: Option<f64>,
    /// Running time, hours.
    pub duration_h: Option<f64>,
    /// Status (default open).
    pub status: Option<Status>,
    /// Where it comes from.
    pub source: String,
}

/// One line per problem, without the file name the heading already gives.
fn list_problems(file: &str, problems: &[ScenarioError]) -> String {
    let prefix = format!("scenario {file}: ");
    problems
        .iter()
        .map(|p| {
            let text = p.to_string();
            format!("  - {}", text.strip_prefix(&prefix).unwrap_or(&text))
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The largest factor a scenario may apply to a sourced figure (speeds, clearance times, fees,
/// capacities, handling times).
pub const MAX_FACTOR: f64 = 100.0;

/// A number as a user can read it in a message: `1e308`, not 309 digits.
fn shown(x: f64) -> String {
    if x.is_finite() && x.abs() >= 1e6 {
        format!("{x:e}")
    } else {
        x.to_string()
    }
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

    /// Whether every element the scenario edits is in `net`, and every new link's ends are in
    /// `net` or among its new places: a cheap test before [`Scenario::applied_to`] copies the
    /// network (a built-in scenario names the corridor's elements, which an imported network
    /// of millions of places does not have).
    pub fn fits(&self, net: &Network) -> bool {
        // One pass over each table, however many ids the scenario names.
        fn all_in<'w, 'i, E: 'w>(
            edits: &'w [E],
            ids_of: impl Fn(&'w E) -> &'w [String],
            table: impl Iterator<Item = &'i str>,
        ) -> bool {
            let wanted: std::collections::HashSet<&str> = edits
                .iter()
                .flat_map(|e| ids_of(e).iter().map(String::as_str))
                .collect();
            wanted.is_empty()
                || positions(edits.iter().flat_map(&ids_of), table).len() == wanted.len()
        }
        let place =
            |id: &str| net.place_id(id).is_some() || self.new_places.iter().any(|p| p.id == id);
        let link_ids: std::collections::HashSet<&str> = self
            .links
            .iter()
            .flat_map(|e| e.ids.iter().map(String::as_str))
            .collect();
        let links_fit = link_positions(&self.links, net).len() == link_ids.len();
        links_fit
            && all_in(
                &self.borders,
                |e| &e.ids,
                net.borders.iter().map(|b| b.id.as_str()),
            )
            && all_in(
                &self.transfers,
                |e| &e.ids,
                net.transfers.iter().map(|t| t.id.as_str()),
            )
            && all_in(
                &self.services,
                |e| &e.ids,
                net.services.iter().map(|s| s.id.as_str()),
            )
            && self
                .new_links
                .iter()
                .all(|l| place(&l.from) && place(&l.to))
    }

    /// A copy of `net` with the edits applied; `net` itself is never touched, so a scenario is
    /// either applied whole or refused.
    ///
    /// The copy is validated as a loaded feed is ([`crate::validate`]), except when the network
    /// keeps its places and links in a graph file (validated when it was built) and the
    /// scenario only edits elements it has ([`Scenario::only_edits`]): those edits change no
    /// field a validation error reads (ids, modes, places, gauges, energies, stops), so the copy
    /// has the network's errors, none; a test holds every kind of edit to this. Checking the
    /// 2 M-node grid's 7 million records took seconds for a scenario that closes five links.
    pub fn applied_to(&self, net: &Network) -> Result<Network, ScenarioError> {
        let mut copy = net.clone();
        self.apply_in_place(&mut copy)?;
        if self.only_edits() && net.links.is_stored() && net.places.is_stored() {
            return Ok(copy);
        }
        let report = crate::validate(&copy);
        if report.has_errors() {
            return Err(ScenarioError::Invalid {
                file: self.file.clone(),
                report,
            });
        }
        Ok(copy)
    }

    /// Whether the scenario only edits elements of the network (statuses, speeds, durations,
    /// factors, calendars) and adds none.
    pub fn only_edits(&self) -> bool {
        self.new_places.is_empty() && self.new_links.is_empty() && self.new_services.is_empty()
    }

    /// Applies the edits to `net` in order. On error the network may be partly edited, which
    /// is why only [`Scenario::applied_to`] is public.
    fn apply_in_place(&self, net: &mut Network) -> Result<(), ScenarioError> {
        let mut errors = Vec::new();
        let file = &self.file;
        let positive =
            |table: &'static str, index: usize, key: &'static str, v: Option<f64>| match v {
                Some(x) if !(x.is_finite() && x > 0.0) => Err(ScenarioError::BadValue {
                    file: file.clone(),
                    table,
                    index,
                    key,
                    message: format!("{} must be a positive number", shown(x)),
                }),
                _ => Ok(()),
            };
        // A factor scales a sourced figure: a factor of 1e308 is a typing error, not a scenario.
        let factor = |table: &'static str, index: usize, key: &'static str, v: Option<f64>| {
            positive(table, index, key, v)?;
            match v {
                Some(x) if x > MAX_FACTOR => Err(ScenarioError::BadValue {
                    file: file.clone(),
                    table,
                    index,
                    key,
                    message: format!(
                        "{} is above {MAX_FACTOR}: a factor must be in (0, {MAX_FACTOR}]",
                        shown(x)
                    ),
                }),
                _ => Ok(()),
            }
        };
        let unknown = |table: &'static str, index: usize, id: &str| ScenarioError::UnknownId {
            file: file.clone(),
            table,
            index,
            id: id.to_string(),
        };
        // Each edited element found in one pass over its table (a network may have millions).
        let link_at = link_positions(&self.links, net);
        let border_at = positions(
            self.borders.iter().flat_map(|e| &e.ids),
            net.borders.iter().map(|b| b.id.as_str()),
        );
        let transfer_at = positions(
            self.transfers.iter().flat_map(|e| &e.ids),
            net.transfers.iter().map(|t| t.id.as_str()),
        );
        let service_at = positions(
            self.services.iter().flat_map(|e| &e.ids),
            net.services.iter().map(|s| s.id.as_str()),
        );
        for (i, e) in self.links.iter().enumerate() {
            let edit = |net: &mut Network| -> Result<(), ScenarioError> {
                let index = i + 1;
                positive("link", index, "speed_kmh", e.speed_kmh)?;
                positive("link", index, "duration_h", e.duration_h)?;
                factor("link", index, "capacity_factor", e.capacity_factor)?;
                for id in &e.ids {
                    let l = link_at
                        .get(id.as_str())
                        .map(|&k| &mut net.links[k])
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
                    if let (Some(f), Some(c)) = (e.capacity_factor, l.capacity.as_mut()) {
                        c.value *= f;
                    }
                }
                Ok(())
            };
            if let Err(e) = edit(net) {
                errors.push(e);
            }
        }
        for (i, e) in self.borders.iter().enumerate() {
            let edit = |net: &mut Network| -> Result<(), ScenarioError> {
                let index = i + 1;
                factor("border", index, "clearance_factor", e.clearance_factor)?;
                factor("border", index, "fee_factor", e.fee_factor)?;
                factor("border", index, "capacity_factor", e.capacity_factor)?;
                for id in &e.ids {
                    let b = border_at
                        .get(id.as_str())
                        .map(|&k| &mut net.borders[k])
                        .ok_or_else(|| unknown("border", index, id))?;
                    if let Some(s) = e.status {
                        b.status = s;
                    }
                    if let (Some(f), Some(c)) = (e.capacity_factor, b.capacity.as_mut()) {
                        c.value *= f;
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
                Ok(())
            };
            if let Err(e) = edit(net) {
                errors.push(e);
            }
        }
        for (i, e) in self.transfers.iter().enumerate() {
            let edit = |net: &mut Network| -> Result<(), ScenarioError> {
                let index = i + 1;
                factor("transfer", index, "handling_factor", e.handling_factor)?;
                for id in &e.ids {
                    let t = transfer_at
                        .get(id.as_str())
                        .map(|&k| &mut net.transfers[k])
                        .ok_or_else(|| unknown("transfer", index, id))?;
                    if let Some(s) = e.status {
                        t.status = s;
                    }
                    if let Some(f) = e.handling_factor {
                        t.handling_p50_h *= f;
                        t.handling_p90_h *= f;
                    }
                }
                Ok(())
            };
            if let Err(e) = edit(net) {
                errors.push(e);
            }
        }
        for (i, e) in self.services.iter().enumerate() {
            let edit = |net: &mut Network| -> Result<(), ScenarioError> {
                let index = i + 1;
                positive("service", index, "frequency_per_week", e.frequency_per_week)?;
                for id in &e.ids {
                    let s = service_at
                        .get(id.as_str())
                        .map(|&k| &mut net.services[k])
                        .ok_or_else(|| unknown("service", index, id))?;
                    if let Some(st) = e.status {
                        s.status = st;
                    }
                    let bad = |(key, message): (&'static str, String)| ScenarioError::BadValue {
                        file: file.clone(),
                        table: "service",
                        index,
                        key,
                        message,
                    };
                    let weekdays = e.days.as_deref().map(parse_days).transpose().map_err(bad)?;
                    let times = e
                        .times
                        .as_deref()
                        .map(parse_times)
                        .transpose()
                        .map_err(bad)?;
                    let added = parse_dates("add_dates", &e.add_dates).map_err(bad)?;
                    let removed = parse_dates("remove_dates", &e.remove_dates).map_err(bad)?;
                    let calendar_edit = weekdays.is_some()
                        || times.is_some()
                        || !added.is_empty()
                        || !removed.is_empty();
                    if calendar_edit {
                        if e.frequency_per_week.is_some() {
                            return Err(bad((
                                "frequency_per_week",
                                "give either a frequency or calendar changes, not both".into(),
                            )));
                        }
                        if let Schedule::Frequency { .. } = s.schedule {
                            // A frequency service gets a timetable only when it is given whole.
                            match (&weekdays, &times) {
                                (Some(_), Some(_)) => {
                                    s.schedule = Schedule::Timetable(Default::default())
                                }
                                _ => {
                                    return Err(bad((
                                        "days",
                                        format!("`{id}` runs at a frequency: give both days and times to put it on a timetable"),
                                    )))
                                }
                            }
                        }
                        if let Schedule::Timetable(c) = &mut s.schedule {
                            if let Some(w) = weekdays {
                                c.weekdays = w;
                            }
                            if let Some(t) = &times {
                                c.times = t.clone();
                            }
                            c.removed.retain(|d| !added.contains(d));
                            c.added.extend(added.iter().copied());
                            c.added.retain(|d| !removed.contains(d));
                            c.removed.extend(removed.iter().copied());
                        }
                    }
                    if let Some(f) = e.frequency_per_week {
                        match &mut s.schedule {
                            Schedule::Frequency { per_week, .. } => *per_week = f,
                            Schedule::Timetable(_) => {
                                return Err(ScenarioError::BadValue {
                                    file: file.clone(),
                                    table: "service",
                                    index,
                                    key: "frequency_per_week",
                                    message: format!("`{id}` runs to a timetable, not a frequency"),
                                })
                            }
                        }
                    }
                }
                Ok(())
            };
            if let Err(e) = edit(net) {
                errors.push(e);
            }
        }
        self.add_places_and_links(net, &mut errors);
        if errors.is_empty() {
            Ok(())
        } else {
            Err(ScenarioError::Problems {
                file: self.file.clone(),
                problems: errors,
            })
        }
    }

    fn add_places_and_links(&self, net: &mut Network, errors: &mut Vec<ScenarioError>) {
        let bad = |table: &'static str, index: usize, key: &'static str, message: String| {
            ScenarioError::BadValue {
                file: self.file.clone(),
                table,
                index,
                key,
                message,
            }
        };
        for (i, p) in self.new_places.iter().enumerate() {
            let edit = |net: &mut Network| -> Result<(), ScenarioError> {
                let index = i + 1;
                if !crate::csv_table::is_slug(&p.id) {
                    return Err(bad(
                        "new_place",
                        index,
                        "id",
                        format!("`{}` is not a valid id", p.id),
                    ));
                }
                if net.place_id(&p.id).is_some() {
                    return Err(bad(
                        "new_place",
                        index,
                        "id",
                        format!("a place `{}` exists already", p.id),
                    ));
                }
                if !(p.country.len() == 2 && p.country.bytes().all(|b| b.is_ascii_uppercase())) {
                    return Err(bad(
                        "new_place",
                        index,
                        "country",
                        format!("`{}` is not an ISO code like KZ", p.country),
                    ));
                }
                if !(-90.0..=90.0).contains(&p.lat) {
                    return Err(bad(
                        "new_place",
                        index,
                        "lat",
                        format!("{} is out of range", p.lat),
                    ));
                }
                if !(-180.0..=180.0).contains(&p.lon) {
                    return Err(bad(
                        "new_place",
                        index,
                        "lon",
                        format!("{} is out of range", p.lon),
                    ));
                }
                let kind: PlaceKind = p
                    .kind
                    .parse()
                    .map_err(|e| bad("new_place", index, "kind", e))?;
                let timezone = match &p.timezone {
                    Some(tz) if jiff::tz::TimeZone::get(tz).is_ok() => tz.clone(),
                    Some(tz) => {
                        return Err(bad(
                            "new_place",
                            index,
                            "timezone",
                            format!("`{tz}` is not an IANA time zone name like Asia/Almaty"),
                        ))
                    }
                    None => crate::load::country_timezone(&p.country)
                        .ok_or_else(|| {
                            bad(
                                "new_place",
                                index,
                                "timezone",
                                format!("missing, and country {} has no default zone", p.country),
                            )
                        })?
                        .to_string(),
                };
                net.add_place(Place {
                    id: p.id.clone(),
                    name_en: p.name_en.clone(),
                    name_zh: None,
                    name_ru: None,
                    aliases: Vec::new(),
                    country: p.country.clone(),
                    lat: p.lat,
                    lon: p.lon,
                    kind,
                    timezone,
                    source: p.source.as_str().into(),
                });
                Ok(())
            };
            if let Err(e) = edit(net) {
                errors.push(e);
            }
        }
        for (i, l) in self.new_links.iter().enumerate() {
            let edit = |net: &mut Network| -> Result<(), ScenarioError> {
                let index = i + 1;
                if !crate::csv_table::is_slug(&l.id) || net.links.iter().any(|x| x.id == l.id) {
                    return Err(bad(
                        "new_link",
                        index,
                        "id",
                        format!("`{}` is not a new valid link id", l.id),
                    ));
                }
                let from = net.place_id(&l.from).ok_or_else(|| {
                    bad(
                        "new_link",
                        index,
                        "from",
                        format!("unknown place `{}`", l.from),
                    )
                })?;
                let to = net.place_id(&l.to).ok_or_else(|| {
                    bad("new_link", index, "to", format!("unknown place `{}`", l.to))
                })?;
                let mode: Mode = l
                    .mode
                    .parse()
                    .map_err(|e| bad("new_link", index, "mode", e))?;
                match (mode, l.gauge_mm) {
                    (Mode::Rail, None) => {
                        return Err(bad(
                            "new_link",
                            index,
                            "gauge_mm",
                            "a rail link needs a gauge".into(),
                        ))
                    }
                    (m, Some(_)) if m != Mode::Rail => {
                        return Err(bad(
                            "new_link",
                            index,
                            "gauge_mm",
                            format!("a {m} link cannot have a gauge"),
                        ))
                    }
                    _ => {}
                }
                if matches!(mode, Mode::Rail | Mode::Road)
                    && net.place(from).country != net.place(to).country
                {
                    return Err(bad(
                        "new_link",
                        index,
                        "to",
                        "a land link cannot cross a border; add a border crossing".into(),
                    ));
                }
                if !(l.length_km.is_finite() && l.length_km > 0.0) {
                    return Err(bad(
                        "new_link",
                        index,
                        "length_km",
                        format!("{} must be positive", l.length_km),
                    ));
                }
                for (key, v) in [("speed_kmh", l.speed_kmh), ("duration_h", l.duration_h)] {
                    if let Some(x) = v {
                        if !(x.is_finite() && x > 0.0) {
                            return Err(bad(
                                "new_link",
                                index,
                                key,
                                format!("{x} must be positive"),
                            ));
                        }
                    }
                }
                net.links.push(Link {
                    id: l.id.clone(),
                    from,
                    to,
                    mode,
                    gauge: l.gauge_mm.map(Gauge),
                    length_km: l.length_km,
                    speed_kmh: l.speed_kmh,
                    duration_h: l.duration_h,
                    track: None,
                    electrified: None,
                    energy: None,
                    capacity: None,
                    status: l.status.unwrap_or(Status::Open),
                    opening_year: None,
                    oneway: false,
                    geometry: None,
                    source: l.source.as_str().into(),
                });
                Ok(())
            };
            if let Err(e) = edit(net) {
                errors.push(e);
            }
        }
        for (i, n) in self.new_services.iter().enumerate() {
            let edit = |net: &mut Network| -> Result<(), ScenarioError> {
                let index = i + 1;
                let bad =
                    |key: &'static str, message: String| bad("new_service", index, key, message);
                if !crate::csv_table::is_slug(&n.id) || net.services.iter().any(|x| x.id == n.id) {
                    return Err(bad(
                        "id",
                        format!("`{}` is not a new valid service id", n.id),
                    ));
                }
                let mode: Mode = n.mode.parse().map_err(|e| bad("mode", e))?;
                let mut places = Vec::new();
                for p in &n.stops {
                    places.push(
                        net.place_id(p)
                            .ok_or_else(|| bad("stops", format!("unknown place `{p}`")))?,
                    );
                }
                if places.len() < 2 {
                    return Err(bad("stops", "a service needs at least two stops".into()));
                }
                let count = places.len();
                let stops = places
                    .iter()
                    .enumerate()
                    .map(|(k, &place)| {
                        let post = net.place(place).kind == PlaceKind::BorderPost;
                        ServiceStop {
                            place,
                            arrive_h: None,
                            depart_h: None,
                            pickup: k + 1 < count && !post,
                            dropoff: k > 0 && !post,
                            via: Vec::new(),
                        }
                    })
                    .collect();
                let schedule = match (n.frequency_per_week, n.days.is_empty()) {
                    (Some(f), true) => {
                        if !(f.is_finite() && f > 0.0) {
                            return Err(bad(
                                "frequency_per_week",
                                format!("{} must be positive", shown(f)),
                            ));
                        }
                        let wait = match n.wait_model.as_deref() {
                            None => WaitModel::Uniform,
                            Some(w) => w.parse().map_err(|e| bad("wait_model", e))?,
                        };
                        Schedule::Frequency { per_week: f, wait }
                    }
                    (None, false) => {
                        let weekdays = parse_days(&n.days).map_err(|(k, m)| bad(k, m))?;
                        let times = parse_times(&n.times).map_err(|(k, m)| bad(k, m))?;
                        Schedule::Timetable(silkroute_model::Calendar {
                            weekdays,
                            times,
                            ..Default::default()
                        })
                    }
                    _ => {
                        return Err(bad(
                            "frequency_per_week",
                            "give either frequency_per_week or days with times".into(),
                        ))
                    }
                };
                net.services.push(silkroute_model::Service {
                    id: n.id.clone(),
                    name: n.name.clone(),
                    operator: None,
                    mode,
                    carries: silkroute_model::Carries::Cargo,
                    capacity_per_departure: None,
                    tariff_usd_per_feu: n.tariff_usd_per_feu,
                    fares: Vec::new(),
                    passenger_fares: Vec::new(),
                    stops,
                    schedule,
                    status: Status::Open,
                    opening_year: None,
                    source: n.source.as_str().into(),
                });
                Ok(())
            };
            if let Err(e) = edit(net) {
                errors.push(e);
            }
        }
    }
}

/// Where each of the `wanted` ids first occurs among `ids`, in one pass over `ids`.
fn positions<'w, 'i>(
    wanted: impl IntoIterator<Item = &'w String>,
    ids: impl Iterator<Item = &'i str>,
) -> std::collections::HashMap<&'w str, usize> {
    let wanted: std::collections::HashSet<&'w str> =
        wanted.into_iter().map(String::as_str).collect();
    let mut at = std::collections::HashMap::with_capacity(wanted.len());
    if wanted.is_empty() {
        return at;
    }
    for (k, id) in ids.enumerate() {
        if let Some(&w) = wanted.get(id) {
            at.entry(w).or_insert(k);
        }
    }
    at
}

/// Where each link the edits name is in `net`'s links (those found): through a graph file's
/// stored id index, so that its links stay in the file, else in one pass over the links.
fn link_positions<'w>(
    edits: &'w [LinkEdit],
    net: &Network,
) -> std::collections::HashMap<&'w str, usize> {
    let wanted = edits.iter().flat_map(|e| &e.ids);
    if !net.links.has_stored_id_index() {
        return positions(wanted, net.links.iter().map(|l| l.id.as_str()));
    }
    wanted
        .filter_map(|id| {
            let at = net
                .links
                .position_of_id(id, |l: &silkroute_model::Link| &l.id);
            at.map(|k| (id.as_str(), k))
        })
        .collect()
}

/// `net` with `scenarios` applied in order: each copies the network it edits (so `net` is
/// not copied first), and the first one that cannot apply is the error (nothing half applied).
/// A copy of `net` when there are none.
pub fn apply_in_order<'s>(
    net: &Network,
    scenarios: impl IntoIterator<Item = &'s Scenario>,
) -> Result<Network, ScenarioError> {
    let mut edited: Option<Network> = None;
    for s in scenarios {
        edited = Some(s.applied_to(edited.as_ref().unwrap_or(net))?);
    }
    Ok(edited.unwrap_or_else(|| net.clone()))
}
