//! Reading a feed's CSV files into a [`Network`], row by row, collecting every problem.

use crate::csv_table::{Row, Table};
use crate::error::FeedError;
use crate::report::Report;
use crate::schema::FeedFile;
use crate::validate::{self, Lines};
use silkroute_model::{
    parse_weekday, BorderCrossing, Calendar, Capacity, CapacityUnit, Carries, Clearance,
    CostFactor, Country, CustomsClearance, DaysInPeriod, DrivingRules, EmissionFactor, EntryRule,
    Footpath, Gauge, Layer, Link, Mode, ModeDefaults, Network, OpeningHours, PassengerFactor,
    PassengerFare, Place, PlaceId, PlaceKind, Procedure, Purpose, Regime, Schedule, Service,
    ServiceStop, Status, Track, Transfer, TravellerAccess, VehicleChange, WaitModel,
};
use std::collections::{HashMap, HashSet};
use std::io::Read;
use std::path::Path;
use std::str::FromStr;

/// The files of a feed and whether each is required (from [`FeedFile`]).
pub const FEED_FILES: [(&str, bool); FeedFile::ALL.len()] = {
    let mut out = [("", false); FeedFile::ALL.len()];
    let mut i = 0;
    while i < FeedFile::ALL.len() {
        out[i] = (FeedFile::ALL[i].name(), FeedFile::ALL[i].is_required());
        i += 1;
    }
    out
};

/// Loads the feed in folder `dir`. On success returns the network and a report holding only
/// warnings; when any error is found returns [`FeedError::Invalid`] with every problem.
pub fn load_dir(dir: &Path) -> Result<(Network, Report), FeedError> {
    let meta = std::fs::metadata(dir).map_err(|source| FeedError::Folder {
        path: dir.to_path_buf(),
        source,
    })?;
    if !meta.is_dir() {
        return Err(FeedError::Folder {
            path: dir.to_path_buf(),
            source: std::io::Error::new(std::io::ErrorKind::InvalidInput, "not a folder"),
        });
    }
    let mut sources: HashMap<&'static str, Box<dyn Read>> = HashMap::new();
    for (name, _) in FEED_FILES {
        let path = dir.join(name);
        match std::fs::File::open(&path) {
            Ok(file) => {
                if file.metadata().is_ok_and(|m| m.is_dir()) {
                    return Err(FeedError::File {
                        path,
                        source: std::io::Error::new(
                            std::io::ErrorKind::InvalidInput,
                            "a folder, not a file",
                        ),
                    });
                }
                sources.insert(name, Box::new(file));
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(source) => return Err(FeedError::File { path, source }),
        }
    }
    load_sources(sources)
}

/// Loads a feed from file contents keyed by file name (`places.csv` …).
pub fn load_files(files: &HashMap<&str, Vec<u8>>) -> Result<(Network, Report), FeedError> {
    let sources = FEED_FILES
        .iter()
        .filter_map(|&(name, _)| {
            files
                .get(name)
                .map(|bytes| (name, Box::new(bytes.as_slice()) as Box<dyn Read>))
        })
        .collect();
    load_sources(sources)
}

/// Loads a feed whose files are read from `sources`, each row as it comes: a feed is never
/// held whole in memory.
fn load_sources<'r>(
    mut sources: HashMap<&'static str, Box<dyn Read + 'r>>,
) -> Result<(Network, Report), FeedError> {
    let mut report = Report::default();
    let mut tables: HashMap<&'static str, Table<'r>> = HashMap::new();
    for (name, required) in FEED_FILES {
        match sources.remove(name) {
            Some(source) => {
                let file = FeedFile::named(name).expect("FEED_FILES come from FeedFile");
                let (req, known) = (file.required_columns(), file.columns());
                if let Some(t) = Table::open(name, source, req, known, &mut report) {
                    tables.insert(name, t);
                }
            }
            None if required => report.error(name, None, None, "required file is missing"),
            None => {}
        }
    }
    let mut lines = Lines::default();
    let places = tables
        .remove("places.csv")
        .map(|mut t| read_places(&mut t, &mut lines, &mut report))
        .unwrap_or_default();
    let index: HashMap<String, PlaceId> = places
        .iter()
        .enumerate()
        .map(|(i, p)| (p.id.clone(), PlaceId(i as u32)))
        .collect();
    let ctx = Ctx {
        index: &index,
        places: &places,
    };
    let links = tables
        .remove("links.csv")
        .map(|mut t| read_links(&mut t, &ctx, &mut lines, &mut report))
        .unwrap_or_default();
    let borders = tables
        .remove("borders.csv")
        .map(|mut t| read_borders(&mut t, &ctx, &mut lines, &mut report))
        .unwrap_or_default();
    let transfers = tables
        .remove("transfers.csv")
        .map(|mut t| read_transfers(&mut t, &ctx, &mut lines, &mut report))
        .unwrap_or_default();
    let stops = tables.remove("service_stops.csv");
    let mut services = match (tables.remove("services.csv"), stops) {
        (Some(mut t), mut stops) => read_services(
            &mut t,
            stops.as_mut(),
            &ctx,
            &links,
            &mut lines,
            &mut report,
        ),
        (None, Some(_)) => {
            report.error(
                "service_stops.csv",
                None,
                None,
                "stop patterns without services.csv",
            );
            Vec::new()
        }
        (None, None) => Vec::new(),
    };
    if let Some(mut t) = tables.remove("service_fares.csv") {
        read_fares(&mut t, &ctx, &mut services, &mut report);
    }
    if let Some(mut t) = tables.remove("passenger_fares.csv") {
        read_passenger_fares(&mut t, &ctx, &mut services, &mut report);
    }
    let passenger_factors = tables
        .remove("passenger_factors.csv")
        .map(|mut t| read_passenger_factors(&mut t, &mut report))
        .unwrap_or_default();
    let footpaths = tables
        .remove("footpaths.csv")
        .map(|mut t| read_footpaths(&mut t, &ctx, &mut report))
        .unwrap_or_default();
    let entry_rules = tables
        .remove("entry_rules.csv")
        .map(|mut t| read_entry_rules(&mut t, &mut report))
        .unwrap_or_default();
    let countries = tables
        .remove("countries.csv")
        .map(|mut t| read_countries(&mut t, &mut report))
        .unwrap_or_default();
    let clearances = tables
        .remove("clearances.csv")
        .map(|mut t| read_clearances(&mut t, &ctx, &mut report))
        .unwrap_or_default();
    let driving_rules = tables
        .remove("driving_rules.csv")
        .map(|mut t| read_driving_rules(&mut t, &mut report))
        .unwrap_or_default();
    let modes = tables
        .remove("modes.csv")
        .map(|mut t| read_modes(&mut t, &mut report))
        .unwrap_or_default();
    let cost_factors = tables
        .remove("cost_factors.csv")
        .map(|mut t| read_cost_factors(&mut t, &mut report))
        .unwrap_or_default();
    let emission_factors = tables
        .remove("emission_factors.csv")
        .map(|mut t| read_emission_factors(&mut t, &mut report))
        .unwrap_or_default();
    let reference_date = tables
        .remove("feed_info.csv")
        .and_then(|mut t| read_feed_info(&mut t, &mut report));
    let mut network = Network::new(
        places,
        links,
        borders,
        transfers,
        services,
        modes,
        cost_factors,
        emission_factors,
    );
    if let Some(d) = reference_date {
        network.reference_date = d;
    }
    network.countries = countries;
    network.clearances = clearances;
    network.driving_rules = driving_rules;
    network.footpaths = footpaths;
    network.entry_rules = entry_rules;
    network.passenger_factors = passenger_factors;
    validate::check(&network, &lines, &mut report);
    if report.has_errors() {
        Err(FeedError::Invalid(report))
    } else {
        Ok((network, report))
    }
}

struct Ctx<'a> {
    index: &'a HashMap<String, PlaceId>,
    places: &'a [Place],
}

impl Ctx<'_> {
    fn place(&self, row: &Row, col: &str, report: &mut Report) -> Option<PlaceId> {
        let id = row.required(col, report)?;
        match self.index.get(&id) {
            Some(&p) => Some(p),
            None => {
                report.error(
                    row.file(),
                    Some(row.line),
                    Some(col),
                    format!("unknown place id `{id}` (not in places.csv)"),
                );
                None
            }
        }
    }

    fn country(&self, p: PlaceId) -> &str {
        &self.places[p.index()].country
    }
}

/// Checks the id column for validity and uniqueness within the file.
fn unique_id(row: &Row, seen: &mut HashSet<String>, report: &mut Report) -> Option<String> {
    let id = row.slug("id", report)?;
    if !seen.insert(id.clone()) {
        report.error(
            row.file(),
            Some(row.line),
            Some("id"),
            format!("duplicate id `{id}`"),
        );
        return None;
    }
    Some(id)
}

fn status_and_year(row: &Row, report: &mut Report) -> Option<(Status, Option<u16>)> {
    let status: Status = row.parsed("status", report)?;
    let year = row
        .number_opt("opening_year", 1850.0, 2100.0, report)
        .ok()?;
    if status == Status::Planned && year.is_none() {
        report.error(
            row.file(),
            Some(row.line),
            Some("opening_year"),
            "a planned element needs its expected opening year",
        );
        return None;
    }
    Some((status, year.map(|y| y as u16)))
}

fn capacity(row: &Row, report: &mut Report) -> Option<Option<Capacity>> {
    let value = row.number_opt("capacity", 0.0, 1e12, report).ok()?;
    let unit: Option<CapacityUnit> = row.parsed_opt("capacity_unit", report).ok()?;
    match (value, unit) {
        (None, _) => Some(None),
        (Some(value), Some(unit)) => Some(Some(Capacity { value, unit })),
        (Some(_), None) => {
            report.error(
                row.file(),
                Some(row.line),
                Some("capacity_unit"),
                "a capacity needs its unit",
            );
            None
        }
    }
}

/// Reads a gauge column: required for rail, forbidden otherwise.
fn gauge(row: &Row, col: &str, mode: Mode, report: &mut Report) -> Option<Option<Gauge>> {
    let g = row.number_opt(col, 600.0, 1700.0, report).ok()?;
    match (mode, g) {
        (Mode::Rail, Some(g)) if g.fract() == 0.0 => Some(Some(Gauge(g as u16))),
        (Mode::Rail, Some(g)) => {
            report.error(
                row.file(),
                Some(row.line),
                Some(col),
                format!("gauge {g} is not a whole number of mm"),
            );
            None
        }
        (Mode::Rail, None) if row.file() == "links.csv" => Some(None),
        (Mode::Rail, None) => {
            report.error(
                row.file(),
                Some(row.line),
                Some(col),
                "a rail element needs a gauge in mm (1435 or 1520)",
            );
            None
        }
        (m, Some(_)) => {
            report.error(
                row.file(),
                Some(row.line),
                Some(col),
                format!("a {m} element cannot have a gauge; leave it empty"),
            );
            None
        }
        (_, None) => Some(None),
    }
}

fn read_places(t: &mut Table, lines: &mut Lines, report: &mut Report) -> Vec<Place> {
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    while let Some(row) = t.next_row(report) {
        let id = unique_id(&row, &mut seen, report);
        let name_en = row.required("name_en", report);
        let country = row.required("country", report).and_then(|c| {
            if c.len() == 2 && c.bytes().all(|b| b.is_ascii_uppercase()) {
                Some(c)
            } else {
                report.error(
                    row.file(),
                    Some(row.line),
                    Some("country"),
                    format!("`{c}` is not an ISO 3166-1 alpha-2 code like KZ"),
                );
                None
            }
        });
        let lat = row.number("lat", -90.0, 90.0, report);
        let lon = row.number("lon", -180.0, 180.0, report);
        let kind: Option<PlaceKind> = row.parsed("kind", report);
        let timezone = country
            .as_deref()
            .and_then(|c| place_timezone(&row, c, report));
        let src = row.source(report);
        let aliases = row
            .text("aliases")
            .split(';')
            .map(str::trim)
            .filter(|a| !a.is_empty())
            .map(str::to_string)
            .collect();
        if let (
            Some(id),
            Some(name_en),
            Some(country),
            Some(lat),
            Some(lon),
            Some(kind),
            Some(timezone),
            Some(source),
        ) = (id, name_en, country, lat, lon, kind, timezone, src)
        {
            lines.places.push(row.line);
            out.push(Place {
                id,
                name_en,
                name_zh: row.optional("name_zh"),
                name_ru: row.optional("name_ru"),
                aliases,
                country,
                lat,
                lon,
                kind,
                timezone,
                source,
            });
        }
    }
    out
}

fn read_links(t: &mut Table, ctx: &Ctx, lines: &mut Lines, report: &mut Report) -> Vec<Link> {
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    while let Some(row) = t.next_row(report) {
        let id = unique_id(&row, &mut seen, report);
        let from = ctx.place(&row, "from", report);
        let to = ctx.place(&row, "to", report);
        let mode: Option<Mode> = row.parsed("mode", report);
        let gauge = mode.and_then(|m| gauge(&row, "gauge_mm", m, report));
        let length_km = row.number("length_km", 0.001, 20_000.0, report);
        let speed = row.number_opt("speed_kmh", 1.0, 1000.0, report);
        let duration = row.number_opt("duration_h", 0.001, 2000.0, report);
        let track: Result<Option<Track>, ()> = row.parsed_opt("track", report);
        let electrified = row.yes_no_opt("electrified", report);
        let oneway = row.yes_no_opt("oneway", report);
        let geometry = linestring(&row, "geometry", report);
        let cap = capacity(&row, report);
        let st = status_and_year(&row, report);
        let src = row.source(report);
        if let (Some(from), Some(to), Some(mode)) = (from, to, mode) {
            if from == to {
                report.error(
                    row.file(),
                    Some(row.line),
                    Some("to"),
                    "a link must join two different places",
                );
                continue;
            }
            if matches!(mode, Mode::Rail | Mode::Road) && ctx.country(from) != ctx.country(to) {
                report.error(
                    row.file(),
                    Some(row.line),
                    Some("to"),
                    format!(
                        "a {mode} link cannot cross from {} to {}; model the crossing in borders.csv",
                        ctx.country(from),
                        ctx.country(to)
                    ),
                );
                continue;
            }
            if mode != Mode::Rail
                && (!row.text("track").is_empty() || !row.text("electrified").is_empty())
            {
                report.warning(
                    row.file(),
                    Some(row.line),
                    Some("track"),
                    format!("track and electrified apply to rail only; ignored on a {mode} link"),
                );
            }
        }
        if let (
            Some(id),
            Some(from),
            Some(to),
            Some(mode),
            Some(gauge),
            Some(length_km),
            Ok(speed_kmh),
            Ok(duration_h),
            Ok(track),
            Ok(electrified),
            Ok(oneway),
            Ok(geometry),
            Some(capacity),
            Some((status, opening_year)),
            Some(source),
        ) = (
            id,
            from,
            to,
            mode,
            gauge,
            length_km,
            speed,
            duration,
            track,
            electrified,
            oneway,
            geometry,
            cap,
            st,
            src,
        ) {
            lines.links.push(row.line);
            out.push(Link {
                id,
                from,
                to,
                mode,
                gauge,
                length_km,
                speed_kmh,
                duration_h,
                track,
                electrified,
                energy: row.optional("energy"),
                capacity,
                status,
                opening_year,
                oneway: oneway.unwrap_or(false),
                geometry,
                source,
            });
        }
    }
    out
}

/// A WKT `LINESTRING (lon lat, lon lat, …)` cell; empty means none.
fn linestring(row: &Row, col: &str, report: &mut Report) -> Result<Option<Vec<[f64; 2]>>, ()> {
    let text = row.text(col).trim();
    if text.is_empty() {
        return Ok(None);
    }
    let mut fail = |msg: String| {
        report.error(row.file(), Some(row.line), Some(col), msg);
        Err(())
    };
    let parsed = match wkt::Wkt::<f64>::from_str(text) {
        Ok(w) => w,
        Err(e) => return fail(format!("not a WKT LINESTRING ({e})")),
    };
    let wkt::Wkt::LineString(line) = parsed else {
        return fail("expected a WKT LINESTRING of lon lat points".into());
    };
    let points: Vec<[f64; 2]> = line.coords().iter().map(|c| [c.x, c.y]).collect();
    if points.len() < 2 {
        return fail("a LINESTRING needs at least two points".into());
    }
    if let Some(p) = points
        .iter()
        .find(|p| !(-180.0..=180.0).contains(&p[0]) || !(-90.0..=90.0).contains(&p[1]))
    {
        return fail(format!(
            "point ({} {}) is not lon lat in degrees",
            p[0], p[1]
        ));
    }
    Ok(Some(points))
}

fn clearance(row: &Row, dir: &str, report: &mut Report) -> Option<Clearance> {
    let p50_col = format!("{dir}_p50_h");
    let p90_col = format!("{dir}_p90_h");
    let p50 = row.number(&p50_col, 0.0, 2000.0, report);
    let p90 = row.number(&p90_col, 0.0, 2000.0, report);
    let fee = row.number_opt(&format!("{dir}_fee_usd"), 0.0, 1e6, report);
    let (p50, p90, fee) = (p50?, p90?, fee.ok()?);
    if !ordered(row, &p90_col, p50, p90, report) {
        return None;
    }
    Some(Clearance {
        p50_h: p50,
        p90_h: p90,
        fee_usd: fee.unwrap_or(0.0),
    })
}

/// Reports a bad case shorter than the typical case; true when the two are in order.
fn ordered(row: &Row, p90_col: &str, p50: f64, p90: f64, report: &mut Report) -> bool {
    if p90 < p50 {
        report.error(
            row.file(),
            Some(row.line),
            Some(p90_col),
            format!("p90 ({p90} h) is below p50 ({p50} h)"),
        );
    }
    p90 >= p50
}

fn read_borders(
    t: &mut Table,
    ctx: &Ctx,
    lines: &mut Lines,
    report: &mut Report,
) -> Vec<BorderCrossing> {
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    while let Some(row) = t.next_row(report) {
        let id = unique_id(&row, &mut seen, report);
        let from = ctx.place(&row, "from_post", report);
        let to = ctx.place(&row, "to_post", report);
        let mode: Option<Mode> = row.parsed("mode", report);
        if let Some(m @ (Mode::Sea | Mode::Air)) = mode {
            report.error(
                row.file(),
                Some(row.line),
                Some("mode"),
                format!("a border crossing is rail or road, not {m}"),
            );
            continue;
        }
        let gauge = mode.and_then(|m| gauge(&row, "gauge_mm", m, report));
        let gauge_change = row.yes_no("gauge_change", report);
        if gauge_change == Some(true) && mode == Some(Mode::Road) {
            report.error(
                row.file(),
                Some(row.line),
                Some("gauge_change"),
                "a road crossing cannot change gauge",
            );
            continue;
        }
        let length_km = row.number_opt("length_km", 0.0, 500.0, report);
        let forward = clearance(&row, "forward", report);
        let reverse = clearance(&row, "reverse", report);
        let cap = capacity(&row, report);
        let hours = opening_hours(&row, report);
        let change = row.parsed_opt::<VehicleChange>("vehicle_change", report);
        if matches!(change, Ok(Some(_))) && mode == Some(Mode::Rail) {
            row_error(
                &row,
                report,
                "vehicle_change",
                "only trucks change vehicles at a border (a rail crossing's change is a transfer)",
            );
            continue;
        }
        let travellers = row.parsed_opt::<TravellerAccess>("passengers", report);
        let st = status_and_year(&row, report);
        let src = row.source(report);
        if let (Some(from), Some(to)) = (from, to) {
            if ctx.country(from) == ctx.country(to) {
                report.error(
                    row.file(),
                    Some(row.line),
                    Some("to_post"),
                    format!(
                        "both posts are in {}; a border crossing joins two countries",
                        ctx.country(from)
                    ),
                );
                continue;
            }
        }
        if let (
            Some(id),
            Some(from_post),
            Some(to_post),
            Some(mode),
            Some(gauge),
            Some(gauge_change),
            Ok(length_km),
            Some(forward),
            Some(reverse),
            Some(capacity),
            Some(opening_hours),
            Ok(vehicle_change),
            Ok(travellers),
            Some((status, opening_year)),
            Some(source),
        ) = (
            id,
            from,
            to,
            mode,
            gauge,
            gauge_change,
            length_km,
            forward,
            reverse,
            cap,
            hours,
            change,
            travellers,
            st,
            src,
        ) {
            lines.borders.push(row.line);
            out.push(BorderCrossing {
                id,
                from_post,
                to_post,
                mode,
                gauge,
                gauge_change,
                length_km: length_km.unwrap_or(0.0),
                forward,
                reverse,
                capacity,
                opening_hours,
                vehicle_change,
                travellers,
                status,
                opening_year,
                source,
            });
        }
    }
    out
}

/// The opening hours of a border crossing from `open_days` (`mon-fri`, or days separated by
/// `;`), `open_hours` (`08:00-20:00`), `open_timezone` (IANA) and `closed_dates` (dates or
/// `first..last` ranges separated by `;`): `Some(None)` when the row gives none (open around
/// the clock), `None` after reporting an error.
fn opening_hours(row: &Row, report: &mut Report) -> Option<Option<OpeningHours>> {
    let cols = ["open_days", "open_hours", "open_timezone"];
    let given: Vec<Option<String>> = cols.iter().map(|c| row.optional(c)).collect();
    let closed_text = row.optional("closed_dates");
    if given.iter().all(Option::is_none) {
        if closed_text.is_some() {
            row_error(
                row,
                report,
                "closed_dates",
                "closed dates need open_days, open_hours and open_timezone",
            );
            return None;
        }
        return Some(None);
    }
    if let Some(i) = given.iter().position(Option::is_none) {
        row_error(
            row,
            report,
            cols[i],
            &format!(
                "opening hours need all of open_days, open_hours and open_timezone; `{}` is empty",
                cols[i]
            ),
        );
        return None;
    }
    let (days, hours, zone) = (given[0].clone()?, given[1].clone()?, given[2].clone()?);
    let mut weekdays = [false; 7];
    for part in days.split(';') {
        let range: Vec<&str> = part.split('-').collect();
        let parsed: Result<Vec<usize>, String> = range
            .iter()
            .map(|d| parse_weekday(d).map(|w| w.to_monday_zero_offset() as usize))
            .collect();
        match (parsed, range.len()) {
            (Ok(d), 1) => weekdays[d[0]] = true,
            (Ok(d), 2) if d[0] <= d[1] => (d[0]..=d[1]).for_each(|i| weekdays[i] = true),
            (Ok(_), _) => {
                row_error(
                    row,
                    report,
                    "open_days",
                    &format!("`{part}` is not a day or a range of days such as mon-fri"),
                );
                return None;
            }
            (Err(e), _) => {
                row_error(row, report, "open_days", &e);
                return None;
            }
        }
    }
    let times: Vec<Option<jiff::civil::Time>> = hours
        .split('-')
        .map(|t| t.trim().parse::<jiff::civil::Time>().ok())
        .collect();
    let (open, close) = match times.as_slice() {
        [Some(a), Some(b)] if a < b => (*a, *b),
        _ => {
            row_error(
                row,
                report,
                "open_hours",
                &format!(
                    "`{hours}` is not a daily window such as 08:00-20:00 (opening before closing)"
                ),
            );
            return None;
        }
    };
    if jiff::tz::TimeZone::get(&zone).is_err() {
        row_error(
            row,
            report,
            "open_timezone",
            &format!("`{zone}` is not an IANA time zone (e.g. Asia/Bishkek)"),
        );
        return None;
    }
    let mut closed = Vec::new();
    for part in closed_text.iter().flat_map(|t| t.split(';')) {
        let ends: Vec<Option<jiff::civil::Date>> =
            part.split("..").map(|d| d.trim().parse().ok()).collect();
        match ends.as_slice() {
            [Some(d)] => closed.push((*d, *d)),
            [Some(a), Some(b)] if a <= b => closed.push((*a, *b)),
            _ => {
                row_error(
                    row,
                    report,
                    "closed_dates",
                    &format!("`{part}` is not a date (YYYY-MM-DD) or a range first..last"),
                );
                return None;
            }
        }
    }
    Some(Some(OpeningHours {
        weekdays,
        open,
        close,
        timezone: zone,
        closed,
    }))
}

fn read_transfers(
    t: &mut Table,
    ctx: &Ctx,
    lines: &mut Lines,
    report: &mut Report,
) -> Vec<Transfer> {
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    while let Some(row) = t.next_row(report) {
        let id = unique_id(&row, &mut seen, report);
        let place = ctx.place(&row, "place", report);
        let from_mode: Option<Mode> = row.parsed("from_mode", report);
        let to_mode: Option<Mode> = row.parsed("to_mode", report);
        let from_gauge = from_mode.and_then(|m| gauge(&row, "from_gauge_mm", m, report));
        let to_gauge = to_mode.and_then(|m| gauge(&row, "to_gauge_mm", m, report));
        let both_ways = row.yes_no("both_ways", report);
        let p50 = row.number("handling_p50_h", 0.0, 2000.0, report);
        let p90 = row.number("handling_p90_h", 0.0, 2000.0, report);
        let cost = row.number("cost_usd", 0.0, 1e6, report);
        let hub = row.number("hub_co2e_kg_per_t", 0.0, 1000.0, report);
        let cap = capacity(&row, report);
        let st = status_and_year(&row, report);
        let src = row.source(report);
        if let (Some(p50), Some(p90)) = (p50, p90) {
            if !ordered(&row, "handling_p90_h", p50, p90, report) {
                continue;
            }
        }
        if let (
            Some(id),
            Some(place),
            Some(fm),
            Some(fg),
            Some(tm),
            Some(tg),
            Some(both_ways),
            Some(p50),
            Some(p90),
            Some(cost_usd),
            Some(hub),
            Some(capacity),
            Some((status, opening_year)),
            Some(source),
        ) = (
            id, place, from_mode, from_gauge, to_mode, to_gauge, both_ways, p50, p90, cost, hub,
            cap, st, src,
        ) {
            let from = Layer {
                mode: fm,
                gauge: fg,
            };
            let to = Layer {
                mode: tm,
                gauge: tg,
            };
            if from == to {
                report.error(
                    row.file(),
                    Some(row.line),
                    Some("to_mode"),
                    format!("a transfer must change mode or gauge (both sides are {from})"),
                );
                continue;
            }
            lines.transfers.push(row.line);
            out.push(Transfer {
                id,
                place,
                from,
                to,
                both_ways,
                handling_p50_h: p50,
                handling_p90_h: p90,
                cost_usd,
                hub_co2e_kg_per_t: hub,
                capacity,
                status,
                opening_year,
                source,
            });
        }
    }
    out
}

/// The reference date of feed_info.csv (its one row), moved to the Monday of its week.
fn read_feed_info(t: &mut Table, report: &mut Report) -> Option<jiff::civil::Date> {
    let mut out = None;
    while let Some(row) = t.next_row(report) {
        if out.is_some() {
            row_error(&row, report, "reference_date", "feed_info.csv has one row");
            return None;
        }
        let d = row.parsed_opt_with("reference_date", report, parse_date);
        row.source(report)?;
        out = Some(silkroute_model::week_start(d.ok().flatten()?));
    }
    out
}

/// The time zone of a place: the `timezone` column, or the zone of its country when the
/// country has one (docs/feed.md lists them).
fn place_timezone(row: &Row, country: &str, report: &mut Report) -> Option<String> {
    match row.optional("timezone") {
        Some(tz) => match jiff::tz::TimeZone::get(&tz) {
            Ok(_) => Some(tz),
            Err(_) => {
                report.error(
                    row.file(),
                    Some(row.line),
                    Some("timezone"),
                    format!("`{tz}` is not an IANA time zone name like Asia/Almaty"),
                );
                None
            }
        },
        None => match country_timezone(country) {
            Some(tz) => Some(tz.to_string()),
            None => {
                report.error(
                    row.file(),
                    Some(row.line),
                    Some("timezone"),
                    format!(
                        "empty, and country {country} has no default zone: give an IANA name like Asia/Almaty"
                    ),
                );
                None
            }
        },
    }
}

/// The zone a place of `country` takes when places.csv gives none: one zone per country of the
/// corridor. China uses Beijing time (Asia/Shanghai) everywhere, also in Xinjiang, because
/// China Railway and the airlines publish Beijing time; Kazakhstan has one zone (UTC+5) since
/// 1 March 2024. Countries with several zones (Russia) have no default.
pub fn country_timezone(country: &str) -> Option<&'static str> {
    Some(match country {
        "CN" => "Asia/Shanghai",
        "KZ" => "Asia/Almaty",
        "KG" => "Asia/Bishkek",
        "UZ" => "Asia/Tashkent",
        "TJ" => "Asia/Dushanbe",
        "TM" => "Asia/Ashgabat",
        "AZ" => "Asia/Baku",
        "GE" => "Asia/Tbilisi",
        "TR" => "Europe/Istanbul",
        "AF" => "Asia/Kabul",
        "PK" => "Asia/Karachi",
        "IR" => "Asia/Tehran",
        "MN" => "Asia/Ulaanbaatar",
        "BY" => "Europe/Minsk",
        "PL" => "Europe/Warsaw",
        "DE" => "Europe/Berlin",
        // Beyond the corridor: the extracts of the OpenStreetMap examples (Helsinki).
        "FI" => "Europe/Helsinki",
        "EE" => "Europe/Tallinn",
        _ => return None,
    })
}

/// A `;`-separated list column, items trimmed, empty items dropped.
fn list<'t>(row: &Row<'t>, col: &str) -> Vec<&'t str> {
    row.text(col)
        .split(';')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect()
}

/// Each item of a `;` list parsed by `parse`; `None` (with an error naming the item) when any
/// item is invalid.
fn parsed_list<T>(
    row: &Row,
    col: &str,
    report: &mut Report,
    parse: impl Fn(&str) -> Result<T, String>,
) -> Option<Vec<T>> {
    let mut out = Some(Vec::new());
    for item in list(row, col) {
        match parse(item) {
            Ok(v) => {
                if let Some(o) = out.as_mut() {
                    o.push(v)
                }
            }
            Err(e) => {
                report.error(row.file(), Some(row.line), Some(col), e);
                out = None;
            }
        }
    }
    out
}

fn parse_date(s: &str) -> Result<jiff::civil::Date, String> {
    s.parse()
        .map_err(|_| format!("`{s}` is not a date like 2025-05-20"))
}

fn parse_time(s: &str) -> Result<jiff::civil::Time, String> {
    s.parse()
        .map_err(|_| format!("`{s}` is not a time of day like 09:30"))
}

/// Reads a service's schedule: a timetable when `days` or `add_dates` is given (then `times`
/// is required), a frequency otherwise.
fn schedule(row: &Row, report: &mut Report) -> Option<Schedule> {
    let days = parsed_list(row, "days", report, |d| match d {
        "daily" => Ok(None),
        d => parse_weekday(d).map(Some),
    });
    let added = parsed_list(row, "add_dates", report, parse_date);
    let removed = parsed_list(row, "remove_dates", report, parse_date);
    let times = parsed_list(row, "times", report, parse_time);
    let start = row.parsed_opt_with("start_date", report, parse_date);
    let end = row.parsed_opt_with("end_date", report, parse_date);
    let freq = row.number_opt("frequency_per_week", 0.001, 10_000.0, report);
    let wait: Result<Option<WaitModel>, ()> = row.parsed_opt("wait_model", report);
    let (days, added, removed, times, start, end, freq, wait) = (
        days?,
        added?,
        removed?,
        times?,
        start.ok()?,
        end.ok()?,
        freq.ok()?,
        wait.ok()?,
    );
    let timetabled = !days.is_empty() || !added.is_empty();
    let err = |report: &mut Report, col: &str, msg: &str| {
        report.error(row.file(), Some(row.line), Some(col), msg);
        None
    };
    if timetabled {
        if times.is_empty() {
            return err(
                report,
                "times",
                "a timetabled service (with `days` or `add_dates`) needs its departure times at the first stop, like 09:30",
            );
        }
        if freq.is_some() {
            return err(
                report,
                "frequency_per_week",
                "give either a timetable (`days`/`add_dates` and `times`) or a frequency, not both",
            );
        }
        if let (Some(s), Some(e)) = (start, end) {
            if e < s {
                return err(report, "end_date", "the end date is before the start date");
            }
        }
        let mut weekdays = [false; 7];
        for d in days {
            match d {
                Some(w) => weekdays[w.to_monday_zero_offset() as usize] = true,
                None => weekdays = [true; 7],
            }
        }
        Some(Schedule::Timetable(Calendar {
            weekdays,
            times,
            start,
            end,
            added,
            removed,
        }))
    } else {
        match freq {
            Some(per_week) => Some(Schedule::Frequency {
                per_week,
                wait: wait.unwrap_or(WaitModel::Uniform),
            }),
            None => err(
                report,
                "frequency_per_week",
                "a service needs a frequency or a timetable (`days` or `add_dates`, and `times`)",
            ),
        }
    }
}

/// Default boarding rules of a stop: board anywhere but the last stop, alight anywhere but the
/// first, never at a border post.
fn default_stop(net_places: &[Place], place: PlaceId, i: usize, n: usize) -> ServiceStop {
    let post = net_places[place.index()].kind == PlaceKind::BorderPost;
    ServiceStop {
        place,
        arrive_h: None,
        depart_h: None,
        pickup: i + 1 < n && !post,
        dropoff: i > 0 && !post,
        via: Vec::new(),
    }
}

/// The stop patterns given in service_stops.csv, by service id, in `seq` order.
fn read_service_stops(
    t: &mut Table,
    ctx: &Ctx,
    links: &HashMap<&str, u32>,
    report: &mut Report,
) -> HashMap<String, Vec<(u64, f64, ServiceStop)>> {
    let mut out: HashMap<String, Vec<(u64, f64, ServiceStop)>> = HashMap::new();
    while let Some(row) = t.next_row(report) {
        let service = row.required("service", report);
        let seq = row.number("seq", 0.0, 1e9, report);
        let place = ctx.place(&row, "place", report);
        let arrive = row.number_opt("arrive_h", 0.0, 24.0 * 366.0, report);
        let depart = row.number_opt("depart_h", 0.0, 24.0 * 366.0, report);
        let pickup = row.yes_no_opt("pickup", report);
        let dropoff = row.yes_no_opt("dropoff", report);
        let via = parsed_list(&row, "via", report, |l| {
            links
                .get(l)
                .copied()
                .ok_or_else(|| format!("unknown link id `{l}` (not in links.csv)"))
        });
        if let (Ok(Some(a)), Ok(Some(d))) = (arrive, depart) {
            if d < a {
                row_error(&row, report, "depart_h", "departs before it arrives");
                continue;
            }
        }
        if let (
            Some(service),
            Some(seq),
            Some(place),
            Ok(arrive_h),
            Ok(depart_h),
            Ok(pickup),
            Ok(dropoff),
            Some(via),
        ) = (service, seq, place, arrive, depart, pickup, dropoff, via)
        {
            let post = ctx.places[place.index()].kind == PlaceKind::BorderPost;
            out.entry(service).or_default().push((
                row.line,
                seq,
                ServiceStop {
                    place,
                    arrive_h,
                    depart_h,
                    // Resolved against the stop's position once the pattern is complete.
                    pickup: pickup.unwrap_or(!post),
                    dropoff: dropoff.unwrap_or(!post),
                    via,
                },
            ));
        }
    }
    for stops in out.values_mut() {
        stops.sort_by(|a, b| a.1.total_cmp(&b.1));
    }
    out
}

/// The tariff tables of service_fares.csv, attached to their services: each row a ride between
/// two stops of the service, boarding before alighting, where the service takes and sets down
/// cargo; one price per pair.
fn read_fares(t: &mut Table, ctx: &Ctx, services: &mut [Service], report: &mut Report) {
    while let Some(row) = t.next_row(report) {
        let service = row.required("service", report);
        let from = ctx.place(&row, "from", report);
        let to = ctx.place(&row, "to", report);
        let usd = row.number("usd_per_feu", 0.0, 1e7, report);
        let source = row.source(report);
        let (Some(service), Some(from), Some(to), Some(usd_per_feu), Some(source)) =
            (service, from, to, usd, source)
        else {
            continue;
        };
        let Some((s, a, b)) = ride_of_fare(&row, report, ctx, services, &service, from, to) else {
            continue;
        };
        let name = |p: PlaceId| ctx.places[p.index()].id.clone();
        if !s.stops[a].pickup {
            row_error(
                &row,
                report,
                "from",
                &format!("`{service}` takes no cargo at `{}`", name(from)),
            );
        } else if !s.stops[b].dropoff {
            row_error(
                &row,
                report,
                "to",
                &format!("`{service}` sets no cargo down at `{}`", name(to)),
            );
        } else if s.fares.iter().any(|f| f.from == from && f.to == to) {
            row_error(
                &row,
                report,
                "to",
                &format!(
                    "a second price for `{}` → `{}` on `{service}`",
                    name(from),
                    name(to)
                ),
            );
        } else {
            s.fares.push(silkroute_model::Fare {
                from,
                to,
                usd_per_feu,
                source,
            });
        }
    }
}

/// The service a fares row names and the positions of its two stops, `to` after `from`
/// (service_fares.csv and passenger_fares.csv); `None` once what is wrong is reported.
fn ride_of_fare<'s>(
    row: &Row,
    report: &mut Report,
    ctx: &Ctx,
    services: &'s mut [Service],
    service: &str,
    from: PlaceId,
    to: PlaceId,
) -> Option<(&'s mut Service, usize, usize)> {
    let Some(s) = services.iter_mut().find(|s| s.id == service) else {
        row_error(
            row,
            report,
            "service",
            &format!("unknown service id `{service}` (not in services.csv)"),
        );
        return None;
    };
    let position = |p: PlaceId| s.stops.iter().position(|st| st.place == p);
    let name = |p: PlaceId| ctx.places[p.index()].id.clone();
    match (position(from), position(to)) {
        (None, _) => row_error(
            row,
            report,
            "from",
            &format!("`{}` is not a stop of `{service}`", name(from)),
        ),
        (_, None) => row_error(
            row,
            report,
            "to",
            &format!("`{}` is not a stop of `{service}`", name(to)),
        ),
        (Some(a), Some(b)) if a >= b => row_error(
            row,
            report,
            "to",
            &format!(
                "`{}` does not come after `{}` on `{service}`",
                name(to),
                name(from)
            ),
        ),
        (Some(a), Some(b)) => return Some((s, a, b)),
    }
    None
}

fn row_error(row: &Row, report: &mut Report, col: &str, msg: &str) {
    report.error(row.file(), Some(row.line), Some(col), msg);
}

fn read_services(
    t: &mut Table,
    stop_table: Option<&mut Table>,
    ctx: &Ctx,
    links: &[Link],
    lines: &mut Lines,
    report: &mut Report,
) -> Vec<Service> {
    let link_index: HashMap<&str, u32> = links
        .iter()
        .enumerate()
        .map(|(i, l)| (l.id.as_str(), i as u32))
        .collect();
    let mut patterns = stop_table
        .map(|st| read_service_stops(st, ctx, &link_index, report))
        .unwrap_or_default();
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    while let Some(row) = t.next_row(report) {
        let id = unique_id(&row, &mut seen, report);
        let name = row.required("name", report);
        let mode: Option<Mode> = row.parsed("mode", report);
        let carries: Result<Option<Carries>, ()> = row.parsed_opt("carries", report);
        let capacity = row.number_opt("capacity_per_departure", 0.0, 1e6, report);
        let listed = list(&row, "stops");
        let given = id.as_ref().and_then(|id| patterns.remove(id));
        let stops = match (listed.is_empty(), given) {
            (false, Some(_)) => {
                row_error(
                    &row,
                    report,
                    "stops",
                    "the stops are given in service_stops.csv too: leave this column empty",
                );
                None
            }
            (true, None) => {
                row_error(
                    &row,
                    report,
                    "stops",
                    "a service needs its stops: `a;b;c` here, or rows in service_stops.csv",
                );
                None
            }
            (true, Some(rows)) => {
                let n = rows.len();
                let mut stops: Vec<ServiceStop> = rows.into_iter().map(|r| r.2).collect();
                if let Some(first) = stops.first_mut() {
                    first.dropoff = false;
                }
                if let Some(last) = stops.last_mut() {
                    last.pickup = false;
                }
                (n >= 1).then_some(stops)
            }
            (false, None) => {
                let mut ok = true;
                let mut places = Vec::new();
                for stop in &listed {
                    match ctx.index.get(*stop) {
                        Some(&p) => places.push(p),
                        None => {
                            row_error(
                                &row,
                                report,
                                "stops",
                                &format!("unknown place id `{stop}` (not in places.csv)"),
                            );
                            ok = false;
                        }
                    }
                }
                let n = places.len();
                ok.then(|| {
                    places
                        .into_iter()
                        .enumerate()
                        .map(|(i, p)| default_stop(ctx.places, p, i, n))
                        .collect()
                })
            }
        };
        let stops = stops.and_then(|stops: Vec<ServiceStop>| {
            if stops.len() < 2 {
                row_error(
                    &row,
                    report,
                    "stops",
                    "a service needs at least two stops",
                );
                return None;
            }
            let mut last = 0.0;
            for (i, s) in stops.iter().enumerate() {
                for t in [s.arrive_h, s.depart_h].into_iter().flatten() {
                    if t < last {
                        row_error(
                            &row,
                            report,
                            "stops",
                            &format!(
                                "stop {} (`{}`) is timed before the stop before it (service_stops.csv)",
                                i + 1,
                                ctx.places[s.place.index()].id
                            ),
                        );
                        return None;
                    }
                    last = t;
                }
            }
            Some(stops)
        });
        let schedule = schedule(&row, report);
        let tariff = row.number_opt("tariff_usd_per_feu", 0.0, 1e6, report);
        let st = status_and_year(&row, report);
        let src = row.source(report);
        if let (
            Some(id),
            Some(name),
            Some(mode),
            Ok(carries),
            Ok(capacity_per_departure),
            Some(stops),
            Some(schedule),
            Ok(tariff_usd_per_feu),
            Some((status, opening_year)),
            Some(source),
        ) = (
            id, name, mode, carries, capacity, stops, schedule, tariff, st, src,
        ) {
            lines.services.push(row.line);
            out.push(Service {
                id,
                name,
                operator: row.optional("operator"),
                mode,
                carries: carries.unwrap_or(Carries::Cargo),
                capacity_per_departure,
                tariff_usd_per_feu,
                fares: Vec::new(),
                passenger_fares: Vec::new(),
                stops,
                schedule,
                status,
                opening_year,
                source,
            });
        }
    }
    let mut orphans: Vec<_> = patterns.into_iter().collect();
    orphans.sort_by_key(|(_, rows)| rows[0].0);
    for (service, rows) in orphans {
        report.error(
            "service_stops.csv",
            Some(rows[0].0),
            Some("service"),
            format!("unknown service id `{service}` (not in services.csv)"),
        );
    }
    out
}

fn read_modes(t: &mut Table, report: &mut Report) -> Vec<ModeDefaults> {
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    while let Some(row) = t.next_row(report) {
        let mode: Option<Mode> = row.parsed("mode", report);
        if let Some(m) = mode {
            if !seen.insert(m) {
                report.error(
                    row.file(),
                    Some(row.line),
                    Some("mode"),
                    format!("mode `{m}` appears twice"),
                );
                continue;
            }
        }
        let speed = row.number("default_speed_kmh", 1.0, 1000.0, report);
        let factor = row.number("run_p90_factor", 1.0, 10.0, report);
        let w50 = row.number("default_wait_p50_h", 0.0, 2000.0, report);
        let w90 = row.number("default_wait_p90_h", 0.0, 2000.0, report);
        let energy = row.required("default_energy", report);
        let connection = row.number_opt("min_connection_h", 0.0, 2000.0, report);
        if let (Ok(None), Some(m)) = (connection, mode) {
            report.warning(
                row.file(),
                Some(row.line),
                Some("min_connection_h"),
                format!("no minimum connection time for {m}: changes of service take no time"),
            );
        }
        let src = row.source(report);
        if let (Some(w50), Some(w90)) = (w50, w90) {
            if !ordered(&row, "default_wait_p90_h", w50, w90, report) {
                continue;
            }
        }
        if let (
            Some(mode),
            Some(default_speed_kmh),
            Some(run_p90_factor),
            Some(default_wait_p50_h),
            Some(default_wait_p90_h),
            Some(default_energy),
            Ok(connection),
            Some(source),
        ) = (mode, speed, factor, w50, w90, energy, connection, src)
        {
            out.push(ModeDefaults {
                mode,
                default_speed_kmh,
                run_p90_factor,
                default_wait_p50_h,
                default_wait_p90_h,
                min_connection_h: connection.unwrap_or(0.0),
                default_energy,
                source,
            });
        }
    }
    out
}

fn read_countries(t: &mut Table, report: &mut Report) -> Vec<Country> {
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    while let Some(row) = t.next_row(report) {
        let code = row.required("code", report);
        let name = row.required("name_en", report);
        let territory = row.required("customs_territory", report);
        let src = row.source(report);
        let (Some(code), Some(name_en), Some(customs_territory), Some(source)) =
            (code, name, territory, src)
        else {
            continue;
        };
        if code.len() != 2 || !code.chars().all(|c| c.is_ascii_uppercase()) {
            row_error(
                &row,
                report,
                "code",
                &format!("`{code}` is not an ISO 3166-1 alpha-2 code (two capital letters)"),
            );
            continue;
        }
        if !seen.insert(code.clone()) {
            row_error(&row, report, "code", &format!("`{code}` appears twice"));
            continue;
        }
        out.push(Country {
            code,
            name_en,
            customs_territory,
            source,
        });
    }
    out
}

/// Whether `code` looks like an ISO 3166-1 alpha-2 code (two capital letters).
fn is_country_code(code: &str) -> bool {
    code.len() == 2 && code.chars().all(|c| c.is_ascii_uppercase())
}

/// entry_rules.csv: dated entry rules by passport and destination. Two unconditional rules of
/// one pair may not overlap in time (which would apply would be a guess).
fn read_entry_rules(t: &mut Table, report: &mut Report) -> Vec<EntryRule> {
    let mut out: Vec<EntryRule> = Vec::new();
    let mut lines: Vec<u64> = Vec::new();
    while let Some(row) = t.next_row(report) {
        let code = |col: &str, report: &mut Report| {
            let c = row.required(col, report)?;
            if is_country_code(&c) {
                Some(c)
            } else {
                row_error(
                    &row,
                    report,
                    col,
                    &format!("`{c}` is not an ISO 3166-1 alpha-2 code (two capital letters)"),
                );
                None
            }
        };
        let passport = code("passport", report);
        let destination = code("destination", report);
        let valid_from = row.parsed_opt_with("valid_from", report, parse_date);
        let valid_to = row.parsed_opt_with("valid_to", report, parse_date);
        let regime = row.parsed::<Regime>("regime", report);
        let days = |col: &str, report: &mut Report| {
            row.number_opt(col, 1.0, 3650.0, report)
                .map(|d| d.map(|d| d.round() as u32))
        };
        let days_per_stay = days("days_per_stay", report);
        let per_period = days("days_per_period", report);
        let period = days("period_days", report);
        let lead = row
            .number_opt("visa_lead_days", 0.0, 365.0, report)
            .map(|d| d.map(|d| d.round() as u32));
        let fee = row.number_opt("visa_fee_usd", 0.0, 10_000.0, report);
        let purposes = parsed_list(&row, "purposes", report, |p| p.parse::<Purpose>());
        let src = row.source(report);
        let (
            Some(passport),
            Some(destination),
            Ok(valid_from),
            Ok(valid_to),
            Some(regime),
            Ok(days_per_stay),
            Ok(per_period),
            Ok(period),
            Ok(visa_lead_days),
            Ok(visa_fee_usd),
            Some(purposes),
            Some(source),
        ) = (
            passport,
            destination,
            valid_from,
            valid_to,
            regime,
            days_per_stay,
            per_period,
            period,
            lead,
            fee,
            purposes,
            src,
        )
        else {
            continue;
        };
        let mut ok = true;
        if passport == destination {
            row_error(
                &row,
                report,
                "destination",
                "a passport needs no rule for its own country",
            );
            ok = false;
        }
        if let (Some(f), Some(t)) = (valid_from, valid_to) {
            if t < f {
                row_error(
                    &row,
                    report,
                    "valid_to",
                    &format!("{t} is before valid_from {f}"),
                );
                ok = false;
            }
        }
        let days_per_period = match (per_period, period) {
            (Some(days), Some(period_days)) if days <= period_days => {
                Some(DaysInPeriod { days, period_days })
            }
            (Some(d), Some(p)) => {
                row_error(
                    &row,
                    report,
                    "days_per_period",
                    &format!("{d} days cannot fit in a period of {p}"),
                );
                ok = false;
                None
            }
            (None, None) => None,
            (Some(_), None) => {
                row_error(
                    &row,
                    report,
                    "period_days",
                    "days_per_period needs the period it counts in",
                );
                ok = false;
                None
            }
            (None, Some(_)) => {
                row_error(
                    &row,
                    report,
                    "days_per_period",
                    "period_days without the days allowed in it",
                );
                ok = false;
                None
            }
        };
        if purposes.is_empty() && regime != Regime::NoAdmission {
            row_error(
                &row,
                report,
                "purposes",
                "no purpose: list the purposes the rule allows",
            );
            ok = false;
        }
        if !ok {
            continue;
        }
        let condition = row.optional("condition");
        let id = format!(
            "{passport}-{destination}-{}",
            valid_from.map_or_else(|| "open".to_string(), |d| d.to_string())
        );
        let rule = EntryRule {
            id,
            passport,
            destination,
            valid_from,
            valid_to,
            regime,
            days_per_stay,
            days_per_period,
            purposes,
            visa_lead_days,
            visa_fee_usd,
            condition,
            source,
        };
        let overlapping = out.iter().zip(&lines).find(|(r, _)| {
            r.condition.is_none()
                && rule.condition.is_none()
                && r.passport == rule.passport
                && r.destination == rule.destination
                && r.valid_from
                    .is_none_or(|f| rule.valid_to.is_none_or(|t| f <= t))
                && rule
                    .valid_from
                    .is_none_or(|f| r.valid_to.is_none_or(|t| f <= t))
        });
        if let Some((_, line)) = overlapping {
            row_error(
                &row,
                report,
                "valid_from",
                &format!("overlaps the rule of line {line} for the same passport and destination"),
            );
            continue;
        }
        lines.push(row.line);
        out.push(rule);
    }
    // Rules of one pair starting on the same day (a conditional one beside another) get
    // distinct ids.
    let mut seen: HashMap<String, u32> = HashMap::new();
    for r in &mut out {
        let k = seen.entry(r.id.clone()).or_insert(0);
        *k += 1;
        if *k > 1 {
            r.id = format!("{}-{k}", r.id);
        }
    }
    out
}

/// footpaths.csv: walks between places, and (`from` = `to`) the minimum change time at a
/// station.
fn read_footpaths(t: &mut Table, ctx: &Ctx, report: &mut Report) -> Vec<Footpath> {
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    while let Some(row) = t.next_row(report) {
        let from = ctx.place(&row, "from", report);
        let to = ctx.place(&row, "to", report);
        let minutes = row.number("minutes", 0.0, 1440.0, report);
        let src = row.source(report);
        let (Some(from), Some(to), Some(minutes), Some(source)) = (from, to, minutes, src) else {
            continue;
        };
        if !seen.insert((from, to)) {
            row_error(
                &row,
                report,
                "to",
                "a second footpath between the same two places",
            );
            continue;
        }
        out.push(Footpath {
            from,
            to,
            minutes,
            source,
        });
    }
    out
}

fn read_driving_rules(t: &mut Table, report: &mut Report) -> Vec<DrivingRules> {
    let mut keys = HashSet::new();
    let mut out = Vec::new();
    while let Some(row) = t.next_row(report) {
        let country = row.required("country", report);
        let crew = row.number("crew", 1.0, 2.0, report);
        let cont = row.number_opt("continuous_driving_h", 0.25, 24.0, report);
        let brk = row.number("break_h", 0.0, 24.0, report);
        let daily = row.number("daily_driving_h", 0.25, 24.0, report);
        let rest = row.number("daily_rest_h", 0.0, 48.0, report);
        let spread = row.number("duty_spread_h", 0.25, 48.0, report);
        let src = row.source(report);
        let (
            Some(country),
            Some(crew),
            Ok(continuous_driving_h),
            Some(break_h),
            Some(daily_driving_h),
            Some(daily_rest_h),
            Some(duty_spread_h),
            Some(source),
        ) = (country, crew, cont, brk, daily, rest, spread, src)
        else {
            continue;
        };
        if crew.fract() != 0.0 {
            row_error(&row, report, "crew", "a crew is 1 or 2 drivers");
            continue;
        }
        let country = (country != "*").then_some(country);
        if let Some(c) = &country {
            if c.len() != 2 || !c.chars().all(|c| c.is_ascii_uppercase()) {
                row_error(
                    &row,
                    report,
                    "country",
                    &format!("`{c}` is not an ISO 3166-1 alpha-2 code or `*`"),
                );
                continue;
            }
        }
        if daily_driving_h > duty_spread_h {
            row_error(
                &row,
                report,
                "daily_driving_h",
                &format!(
                    "{daily_driving_h} h of driving do not fit in a spread of duty of {duty_spread_h} h"
                ),
            );
            continue;
        }
        if !keys.insert((country.clone(), crew as u8)) {
            row_error(
                &row,
                report,
                "country",
                "a second row for the same country and crew",
            );
            continue;
        }
        out.push(DrivingRules {
            country,
            crew: crew as u8,
            continuous_driving_h,
            break_h,
            daily_driving_h,
            daily_rest_h,
            duty_spread_h,
            source,
        });
    }
    out
}

fn read_clearances(t: &mut Table, ctx: &Ctx, report: &mut Report) -> Vec<CustomsClearance> {
    let mut seen = HashSet::new();
    let mut keys = HashSet::new();
    let mut out = Vec::new();
    while let Some(row) = t.next_row(report) {
        let id = unique_id(&row, &mut seen, report);
        let country = row.required("country", report);
        let place = match row.optional("place") {
            Some(_) => ctx.place(&row, "place", report).map(Some),
            None => Some(None),
        };
        let mode = match row.required("mode", report).as_deref() {
            Some("*") => Some(None),
            Some(_) => row.parsed::<Mode>("mode", report).map(Some),
            None => None,
        };
        let procedure: Option<Procedure> = row.parsed("procedure", report);
        let p50 = row.number("p50_h", 0.0, 2000.0, report);
        let p90 = row.number("p90_h", 0.0, 2000.0, report);
        let fee = row.number("fee_usd", 0.0, 1e6, report);
        let src = row.source(report);
        let (
            Some(id),
            Some(country),
            Some(place),
            Some(mode),
            Some(procedure),
            Some(p50_h),
            Some(p90_h),
            Some(fee_usd),
            Some(source),
        ) = (id, country, place, mode, procedure, p50, p90, fee, src)
        else {
            continue;
        };
        if p90_h < p50_h {
            row_error(
                &row,
                report,
                "p90_h",
                &format!("the bad case ({p90_h} h) is below the typical time ({p50_h} h)"),
            );
            continue;
        }
        if let Some(p) = place {
            if ctx.country(p) != country {
                row_error(
                    &row,
                    report,
                    "place",
                    &format!(
                        "`{}` is in {}, not in {country}",
                        ctx.places[p.index()].id,
                        ctx.country(p)
                    ),
                );
                continue;
            }
        }
        if !keys.insert((country.clone(), place, mode, procedure)) {
            row_error(
                &row,
                report,
                "procedure",
                &format!("a second {procedure} row for the same country, place and mode"),
            );
            continue;
        }
        out.push(CustomsClearance {
            id,
            country,
            place,
            mode,
            procedure,
            p50_h,
            p90_h,
            fee_usd,
            source,
        });
    }
    out
}

fn read_cost_factors(t: &mut Table, report: &mut Report) -> Vec<CostFactor> {
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    while let Some(row) = t.next_row(report) {
        let mode: Option<Mode> = row.parsed("mode", report);
        let country = row.required("country", report);
        let usd = row.number("usd_per_feu_km", 0.0, 1000.0, report);
        let src = row.source(report);
        if let (Some(mode), Some(country), Some(usd_per_feu_km), Some(source)) =
            (mode, country, usd, src)
        {
            if !seen.insert((mode, country.clone())) {
                report.error(
                    row.file(),
                    Some(row.line),
                    Some("country"),
                    format!("{mode} in `{country}` appears twice"),
                );
                continue;
            }
            out.push(CostFactor {
                mode,
                country: (country != "*").then_some(country),
                usd_per_feu_km,
                source,
            });
        }
    }
    out
}

/// passenger_fares.csv: one-way fares per passenger between two stops of a service that
/// carries people.
fn read_passenger_fares(t: &mut Table, ctx: &Ctx, services: &mut [Service], report: &mut Report) {
    let mut seen = HashSet::new();
    while let Some(row) = t.next_row(report) {
        let service = row.required("service", report);
        let from = ctx.place(&row, "from", report);
        let to = ctx.place(&row, "to", report);
        let usd = row.number("usd", 0.0, 1e6, report);
        let src = row.source(report);
        let (Some(service), Some(from), Some(to), Some(usd), Some(source)) =
            (service, from, to, usd, src)
        else {
            continue;
        };
        let Some((s, _, _)) = ride_of_fare(&row, report, ctx, services, &service, from, to) else {
            continue;
        };
        if !s.carries.passengers() {
            row_error(
                &row,
                report,
                "service",
                &format!("`{service}` does not carry passengers"),
            );
        } else if !seen.insert((service.clone(), from, to)) {
            row_error(&row, report, "to", "a second fare for the same ride");
        } else {
            s.passenger_fares.push(PassengerFare {
                from,
                to,
                usd,
                source,
            });
        }
    }
}

/// passenger_factors.csv: emissions per passenger-km by mode.
fn read_passenger_factors(t: &mut Table, report: &mut Report) -> Vec<PassengerFactor> {
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    while let Some(row) = t.next_row(report) {
        let mode: Option<Mode> = row.parsed("mode", report);
        let wtw = row.number("wtw_g_per_pkm", 0.0, 10_000.0, report);
        let src = row.source(report);
        if let (Some(mode), Some(wtw_g_per_pkm), Some(source)) = (mode, wtw, src) {
            if !seen.insert(mode) {
                row_error(&row, report, "mode", &format!("{mode} appears twice"));
                continue;
            }
            out.push(PassengerFactor {
                mode,
                wtw_g_per_pkm,
                source,
            });
        }
    }
    out
}

fn read_emission_factors(t: &mut Table, report: &mut Report) -> Vec<EmissionFactor> {
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    while let Some(row) = t.next_row(report) {
        let mode: Option<Mode> = row.parsed("mode", report);
        let energy = row.required("energy", report);
        let ttw = row.number("ttw_g_per_tkm", 0.0, 10_000.0, report);
        let wtw = row.number("wtw_g_per_tkm", 0.0, 10_000.0, report);
        let src = row.source(report);
        if let (Some(mode), Some(energy), Some(ttw_g_per_tkm), Some(wtw_g_per_tkm), Some(source)) =
            (mode, energy, ttw, wtw, src)
        {
            if !seen.insert((mode, energy.clone())) {
                report.error(
                    row.file(),
                    Some(row.line),
                    Some("energy"),
                    format!("{mode}/{energy} appears twice"),
                );
                continue;
            }
            out.push(EmissionFactor {
                mode,
                energy,
                ttw_g_per_tkm,
                wtw_g_per_tkm,
                source,
            });
        }
    }
    out
}
