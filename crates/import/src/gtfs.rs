//! A GTFS feed (a `.zip` or a folder, read with the `gtfs-structures` crate) → a silkroute
//! feed folder of passenger services.
//!
//! - **Places**: a station (`location_type` 1) is one place and its platforms are aggregated
//!   into it; a stop without a parent station is a place of its own; entrances, generic nodes
//!   and boarding areas are not places.
//! - **Links**: one per pair of consecutive places of any trip and mode, its length the
//!   great-circle distance (shapes are not read) and its time the fastest trip's.
//! - **Services**: trips with the same route, places, stop times relative to their first
//!   departure, pickup and drop-off rules and calendar are one service with several departure
//!   times; `frequencies.txt` is expanded into departures (start, start + headway, … before the
//!   end). Calendars come from `calendar.txt` and `calendar_dates.txt`; a trip that leaves after
//!   24:00 of its service day runs on the next calendar day. Missing stop times between timed
//!   stops are interpolated by distance.
//! - **Modes**: tram, subway, rail, funicular and cable services → rail (no gauge); bus, coach,
//!   trolleybus, taxi → road; ferry → sea; air → air. A station served by several modes gets a
//!   zero-time transfer between each pair (its change time applies to the travellers).
//! - **Footpaths** (`transfers.txt`): a `min_transfer_time` between two stops of one place is
//!   that station's minimum change time; between two places, a walk of that time. A
//!   recommended or timed transfer between two places without a time is a walk at 1.33 m/s
//!   (OpenTripPlanner's default walking speed) over the great-circle distance, labelled as an
//!   estimate. Where several pairs of platforms map to the same pair of places, the longest
//!   time is kept (a change the feed says takes that long is never promised in less).
//!   Impossible, stay-on-board and must-alight transfers are not footpaths and are left out.
//!
//! Not imported: shapes, fares, trip-to-trip transfers (`from_trip_id`).

use crate::write::{haversine_km, start_feed, FeedWriter, ImportError};
use gtfs_structures::{
    Exception, Gtfs, GtfsReader, LocationType, PickupDropOffType, RouteType, Trip,
};
use silkroute_feed::FeedFile;
use silkroute_model::Mode;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Write as _;
use std::path::Path;

/// Options of [`import`].
#[derive(Debug, Clone)]
pub struct GtfsOptions {
    /// ISO 3166-1 alpha-2 code given to every place (GTFS stops carry none).
    pub country: String,
}

/// What an import produced.
#[derive(Debug, Clone, Default)]
pub struct GtfsStats {
    /// Stops in the feed.
    pub stops: usize,
    /// Places written (stations and stand-alone stops).
    pub places: usize,
    /// Links written.
    pub links: usize,
    /// Trips imported (after expanding frequencies).
    pub trips: usize,
    /// Trips left out (no stop times, fewer than two places, no service day, untimed ends).
    pub skipped_trips: usize,
    /// Services written.
    pub services: usize,
    /// Stop events of the imported trips (a departure or arrival at a stop).
    pub stop_events: usize,
    /// Footpaths written: walks between places and change times at stations.
    pub footpaths: usize,
}

/// The error chain of a gtfs-structures error, which names the file (and the CSV line).
fn reason(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut cur = e.source();
    while let Some(c) = cur {
        let _ = write!(s, ": {c}");
        cur = c.source();
    }
    s
}

/// The mode of a GTFS route type (basic and extended types).
fn mode_of(t: RouteType) -> Result<Mode, i16> {
    Ok(match t {
        RouteType::Tramway
        | RouteType::Subway
        | RouteType::Rail
        | RouteType::CableCar
        | RouteType::Gondola
        | RouteType::Funicular => Mode::Rail,
        RouteType::Bus => Mode::Road,
        RouteType::Ferry => Mode::Sea,
        RouteType::Extended(e) => extended_mode(e as i16)?,
        RouteType::Other(n) => extended_mode(n)?,
    })
}

/// The mode of a basic type beyond 0–7 (11 trolleybus, 12 monorail) or an extended type
/// (Google Transit's hundreds: rail, coach, urban rail, bus, tram, water, air, cable, taxi).
fn extended_mode(n: i16) -> Result<Mode, i16> {
    Ok(match n {
        11 => Mode::Road,
        12 => Mode::Rail,
        100..=199 | 400..=499 | 900..=999 | 1300..=1499 => Mode::Rail,
        200..=299 | 700..=899 | 1500..=1599 => Mode::Road,
        1000..=1099 | 1200..=1299 => Mode::Sea,
        1100..=1199 => Mode::Air,
        n => return Err(n),
    })
}

/// A place id from a stop id: lowercase letters, digits and `-`.
fn slug(id: &str) -> String {
    let mut s: String = id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    while s.contains("--") {
        s = s.replace("--", "-");
    }
    let s = s.trim_matches('-').to_string();
    if s.is_empty() {
        "stop".into()
    } else {
        s
    }
}

fn hms(t: u32) -> String {
    format!("{:02}:{:02}:{:02}", t / 3600, (t / 60) % 60, t % 60)
}

/// One stop of a trip at the place level: place index, arrival and departure (seconds of the
/// service day), pickup and drop-off.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Call {
    place: usize,
    arrive: u32,
    depart: u32,
    pickup: bool,
    dropoff: bool,
}

/// A service's identity: route, mode, calendar (service id and a day shift), and the calls
/// relative to the first departure.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
struct PatternKey {
    route: String,
    calendar: String,
    shift_days: u32,
    calls: Vec<(usize, u32, u32, bool, bool)>,
}

/// Fills missing arrival or departure times: one side missing takes the other; stops without
/// either, between timed stops, by great-circle distance. `None` when the first or the last
/// stop has no time.
fn timed(trip: &Trip) -> Option<Vec<(u32, u32)>> {
    let st = &trip.stop_times;
    let mut times: Vec<Option<(u32, u32)>> = st
        .iter()
        .map(|s| match (s.arrival_time, s.departure_time) {
            (Some(a), Some(d)) => Some((a, d.max(a))),
            (Some(a), None) => Some((a, a)),
            (None, Some(d)) => Some((d, d)),
            (None, None) => None,
        })
        .collect();
    if times.first()?.is_none() || times.last()?.is_none() {
        return None;
    }
    let coord = |i: usize| {
        let s = &st[i].stop;
        [s.longitude.unwrap_or(0.0), s.latitude.unwrap_or(0.0)]
    };
    let mut i = 0;
    while i < times.len() {
        if times[i].is_some() {
            i += 1;
            continue;
        }
        let lo = i - 1;
        let mut hi = i;
        while times[hi].is_none() {
            hi += 1;
        }
        let mut cum = vec![0.0; hi - lo + 1];
        for k in lo + 1..=hi {
            cum[k - lo] = cum[k - lo - 1] + haversine_km(coord(k - 1), coord(k));
        }
        let (t0, t1) = (times[lo]?.1 as f64, times[hi]?.0 as f64);
        let total = cum[hi - lo];
        for k in i..hi {
            let f = if total > 0.0 {
                cum[k - lo] / total
            } else {
                (k - lo) as f64 / (hi - lo) as f64
            };
            let t = (t0 + f * (t1 - t0)).round() as u32;
            times[k] = Some((t, t));
        }
        i = hi;
    }
    times.into_iter().collect()
}

/// Reads `feed` (a GTFS `.zip` or folder) and writes `dir` (see the module documentation).
pub fn import(feed: &Path, dir: &Path, opts: &GtfsOptions) -> Result<GtfsStats, ImportError> {
    let gtfs = GtfsReader::default()
        .read_shapes(false)
        .read_from_path(feed)
        .map_err(|e| ImportError::BadInput {
            path: feed.to_path_buf(),
            reason: reason(&e),
        })?;
    let bad = |reason: String| ImportError::BadInput {
        path: feed.to_path_buf(),
        reason,
    };
    let zone = gtfs
        .agencies
        .first()
        .map(|a| a.timezone.clone())
        .ok_or_else(|| bad("agency.txt: no agency, so no time zone".into()))?;
    if jiff::tz::TimeZone::get(&zone).is_err() {
        return Err(bad(format!(
            "agency.txt: agency_timezone `{zone}` is not an IANA time zone"
        )));
    }
    let mut stats = GtfsStats {
        stops: gtfs.stops.len(),
        ..GtfsStats::default()
    };

    // Places: stations and stand-alone stops, in stop-id order.
    let mut stop_ids: Vec<&String> = gtfs.stops.keys().collect();
    stop_ids.sort();
    let mut place_of_stop: HashMap<&str, usize> = HashMap::new();
    let mut places: Vec<(String, String, [f64; 2], String)> = Vec::new();
    let mut used_ids: BTreeSet<String> = BTreeSet::new();
    for id in &stop_ids {
        let s = &gtfs.stops[*id];
        let is_place = match s.location_type {
            LocationType::StopArea => true,
            LocationType::StopPoint => s
                .parent_station
                .as_ref()
                .is_none_or(|p| !gtfs.stops.contains_key(p)),
            _ => false,
        };
        if !is_place {
            continue;
        }
        let (Some(lon), Some(lat)) = (s.longitude, s.latitude) else {
            return Err(bad(format!(
                "stops.txt: stop `{id}` has no stop_lat/stop_lon"
            )));
        };
        let mut pid = slug(id);
        if used_ids.contains(&pid) {
            let mut k = 2;
            while used_ids.contains(&format!("{pid}-{k}")) {
                k += 1;
            }
            pid = format!("{pid}-{k}");
        }
        used_ids.insert(pid.clone());
        place_of_stop.insert(id.as_str(), places.len());
        let tz = s.timezone.clone().unwrap_or_else(|| zone.clone());
        places.push((
            pid,
            s.name.clone().unwrap_or_else(|| id.to_string()),
            [lon, lat],
            tz,
        ));
    }
    // Platforms and other children: their station's place.
    for id in &stop_ids {
        if place_of_stop.contains_key(id.as_str()) {
            continue;
        }
        let mut cur = gtfs.stops[*id].parent_station.as_deref();
        for _ in 0..3 {
            let Some(p) = cur else { break };
            if let Some(&k) = place_of_stop.get(p) {
                place_of_stop.insert(id.as_str(), k);
                break;
            }
            cur = gtfs.stops.get(p).and_then(|s| s.parent_station.as_deref());
        }
    }

    // Trips at the place level, grouped into services.
    let mut trip_ids: Vec<&String> = gtfs.trips.keys().collect();
    trip_ids.sort();
    let mut groups: BTreeMap<PatternKey, Vec<u32>> = BTreeMap::new();
    let mut modes_at: Vec<BTreeSet<Mode>> = vec![BTreeSet::new(); places.len()];
    let mut fastest: HashMap<(usize, usize, Mode), u32> = HashMap::new();
    let mut mode_of_route: HashMap<&str, Mode> = HashMap::new();
    for tid in trip_ids {
        let trip = &gtfs.trips[tid];
        let Some(route) = gtfs.routes.get(&trip.route_id) else {
            stats.skipped_trips += 1;
            continue;
        };
        let mode = mode_of(route.route_type).map_err(|n| {
            bad(format!(
                "routes.txt: route `{}` has route_type {n}, which is not a known GTFS route type",
                route.id
            ))
        })?;
        mode_of_route.insert(route.id.as_str(), mode);
        let Some(times) = timed(trip) else {
            stats.skipped_trips += 1;
            continue;
        };
        let mut calls: Vec<Call> = Vec::with_capacity(times.len());
        for (st, &(arrive, depart)) in trip.stop_times.iter().zip(&times) {
            let Some(&place) = place_of_stop.get(st.stop.id.as_str()) else {
                continue;
            };
            let call = Call {
                place,
                arrive,
                depart,
                pickup: st.pickup_type != PickupDropOffType::NotAvailable,
                dropoff: st.drop_off_type != PickupDropOffType::NotAvailable,
            };
            match calls.last_mut() {
                // Two platforms of one station in a row: one call.
                Some(last) if last.place == place => {
                    last.depart = depart.max(last.depart);
                    last.pickup |= call.pickup;
                    last.dropoff |= call.dropoff;
                }
                _ => calls.push(call),
            }
        }
        if calls.len() < 2 {
            stats.skipped_trips += 1;
            continue;
        }
        // Departures: the trip's own, or each of its frequencies'.
        let t0 = calls[0].depart;
        let mut starts: Vec<u32> = Vec::new();
        if trip.frequencies.is_empty() {
            starts.push(t0);
        } else {
            for f in &trip.frequencies {
                let mut s = f.start_time;
                while s < f.end_time && f.headway_secs > 0 {
                    starts.push(s);
                    s += f.headway_secs;
                }
            }
        }
        let rel: Vec<(usize, u32, u32, bool, bool)> = calls
            .iter()
            .map(|c| {
                (
                    c.place,
                    c.arrive.saturating_sub(t0),
                    c.depart.saturating_sub(t0),
                    c.pickup,
                    c.dropoff,
                )
            })
            .collect();
        for w in calls.windows(2) {
            let run = w[1].arrive.saturating_sub(w[0].depart);
            let k = (w[0].place, w[1].place, mode);
            let e = fastest.entry(k).or_insert(run);
            *e = (*e).min(run);
        }
        for c in &calls {
            modes_at[c.place].insert(mode);
        }
        for s in starts {
            let key = PatternKey {
                route: route.id.clone(),
                calendar: trip.service_id.clone(),
                shift_days: s / 86_400,
                calls: rel.clone(),
            };
            groups.entry(key).or_default().push(s % 86_400);
            stats.trips += 1;
            stats.stop_events += 2 * (calls.len() - 1);
        }
    }

    start_feed(dir)?;
    write_places(dir, &places, &modes_at, &opts.country)?;
    stats.places = places.len();
    stats.links = write_links(dir, &places, &fastest, feed)?;
    write_transfers(dir, &places, &modes_at)?;
    stats.footpaths = write_footpaths(dir, &gtfs, &places, &place_of_stop)?;
    let (services, first_day) = write_services(dir, &gtfs, &places, &groups, &mode_of_route, feed)?;
    stats.services = services;
    write_feed_info(dir, first_day)?;
    Ok(stats)
}

fn kind_of(modes: &BTreeSet<Mode>) -> &'static str {
    if modes.contains(&Mode::Air) {
        "airport"
    } else if modes.contains(&Mode::Rail) {
        "rail_terminal"
    } else if modes.contains(&Mode::Sea) {
        "port"
    } else {
        "junction"
    }
}

fn write_places(
    dir: &Path,
    places: &[(String, String, [f64; 2], String)],
    modes_at: &[BTreeSet<Mode>],
    country: &str,
) -> Result<(), ImportError> {
    let mut w = FeedWriter::create(
        dir,
        FeedFile::Places,
        &[
            "id", "name_en", "country", "lat", "lon", "kind", "timezone", "source",
        ],
    )?;
    for (i, (id, name, [lon, lat], tz)) in places.iter().enumerate() {
        w.row([
            id.as_str(),
            name.as_str(),
            country,
            &format!("{lat:.7}"),
            &format!("{lon:.7}"),
            kind_of(&modes_at[i]),
            tz.as_str(),
            "GTFS stops.txt (a station with its platforms, or a stand-alone stop)",
        ])?;
    }
    w.finish()
}

fn write_links(
    dir: &Path,
    places: &[(String, String, [f64; 2], String)],
    fastest: &HashMap<(usize, usize, Mode), u32>,
    feed: &Path,
) -> Result<usize, ImportError> {
    let mut w = FeedWriter::create(
        dir,
        FeedFile::Links,
        &[
            "id",
            "from",
            "to",
            "mode",
            "length_km",
            "duration_h",
            "status",
            "source",
        ],
    )?;
    let mut keys: Vec<&(usize, usize, Mode)> = fastest.keys().collect();
    keys.sort();
    let name = feed
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    for &&(a, b, mode) in &keys {
        let km = haversine_km(places[a].2, places[b].2).max(0.001);
        let secs = fastest[&(a, b, mode)].max(1);
        w.row([
            format!("{}-{}-{mode}", places[a].0, places[b].0),
            places[a].0.clone(),
            places[b].0.clone(),
            mode.to_string(),
            format!("{km:.3}"),
            // The feed format's shortest link time is 0.001 h (3.6 s).
            format!("{:.6}", (secs as f64 / 3600.0).max(0.001)),
            "open".into(),
            format!("GTFS {name}: great-circle distance between the stops (shapes not read); time of the fastest trip (at least 3.6 s)"),
        ])?;
    }
    w.finish()?;
    Ok(keys.len())
}

fn write_transfers(
    dir: &Path,
    places: &[(String, String, [f64; 2], String)],
    modes_at: &[BTreeSet<Mode>],
) -> Result<(), ImportError> {
    let mut w = FeedWriter::create(
        dir,
        FeedFile::Transfers,
        &[
            "id",
            "place",
            "from_mode",
            "to_mode",
            "both_ways",
            "handling_p50_h",
            "handling_p90_h",
            "cost_usd",
            "hub_co2e_kg_per_t",
            "status",
            "source",
        ],
    )?;
    for (i, modes) in modes_at.iter().enumerate() {
        let modes: Vec<&Mode> = modes.iter().collect();
        for (k, a) in modes.iter().enumerate() {
            for b in &modes[k + 1..] {
                w.row([
                    format!("{}-{a}-{b}", places[i].0),
                    places[i].0.clone(),
                    a.to_string(),
                    b.to_string(),
                    "yes".into(),
                    "0".into(),
                    "0".into(),
                    "0".into(),
                    "0".into(),
                    "open".into(),
                    "GTFS: a station served by both modes; the change between them takes the station's change time (footpaths.csv)".into(),
                ])?;
            }
        }
    }
    w.finish()
}

/// OpenTripPlanner's default walking speed, m/s (`walkSpeed`), for transfers without a time.
const WALK_M_PER_S: f64 = 1.33;

/// footpaths.csv from `transfers.txt` (see the module doc); returns the rows written.
fn write_footpaths(
    dir: &Path,
    gtfs: &Gtfs,
    places: &[(String, String, [f64; 2], String)],
    place_of_stop: &HashMap<&str, usize>,
) -> Result<usize, ImportError> {
    use gtfs_structures::TransferType;
    // (from place, to place) → (seconds, stated by the feed or estimated)
    let mut walks: BTreeMap<(usize, usize), (u32, bool)> = BTreeMap::new();
    let mut stop_ids: Vec<&String> = gtfs.stops.keys().collect();
    stop_ids.sort();
    for id in stop_ids {
        let Some(&a) = place_of_stop.get(id.as_str()) else {
            continue;
        };
        for t in &gtfs.stops[id].transfers {
            let Some(&b) = place_of_stop.get(t.to_stop_id.as_str()) else {
                continue;
            };
            let secs = match (t.transfer_type, t.min_transfer_time) {
                (
                    TransferType::Impossible | TransferType::StayOnBoard | TransferType::MustAlight,
                    _,
                ) => continue,
                (_, Some(s)) => (s, true),
                (_, None) if a != b => {
                    let m = haversine_km(places[a].2, places[b].2) * 1000.0;
                    ((m / WALK_M_PER_S).round() as u32, false)
                }
                (_, None) => continue,
            };
            let e = walks.entry((a, b)).or_insert(secs);
            if secs.0 > e.0 {
                *e = secs;
            }
        }
    }
    let mut w = FeedWriter::create(
        dir,
        FeedFile::Footpaths,
        &["from", "to", "minutes", "source"],
    )?;
    for (&(a, b), &(secs, stated)) in &walks {
        let source = match (stated, a == b) {
            (true, true) => format!("GTFS transfers.txt: min_transfer_time {secs} s within the station (the longest of its platforms' rows)"),
            (true, false) => format!("GTFS transfers.txt: min_transfer_time {secs} s between the stations (the longest of their platforms' rows)"),
            (false, _) => format!("estimate: GTFS transfers.txt names the transfer without a time; great-circle distance at {WALK_M_PER_S} m/s (OpenTripPlanner's default walking speed)"),
        };
        w.row([
            places[a].0.clone(),
            places[b].0.clone(),
            format!("{:.2}", f64::from(secs) / 60.0),
            source,
        ])?;
    }
    w.finish()?;
    Ok(walks.len())
}

const WEEKDAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

/// Year, month and day of a gtfs-structures date (its own jiff version's `civil::Date`).
macro_rules! ymd {
    ($d:expr) => {
        ($d.year(), $d.month(), $d.day())
    };
}

/// `d` shifted by `days`.
fn shifted((year, month, day): (i16, i8, i8), days: u32) -> jiff::civil::Date {
    let date = jiff::civil::date(year, month, day);
    date.checked_add(jiff::Span::new().days(i64::from(days)))
        .unwrap_or(date)
}

/// A calendar as the feed's services.csv writes it: days, start and end dates, added and
/// removed dates.
type CalendarColumns = (
    String,
    String,
    String,
    Vec<jiff::civil::Date>,
    Vec<jiff::civil::Date>,
);

/// The calendar of GTFS service `id` shifted by `shift` days; `None` when it has no service
/// day.
fn calendar(gtfs: &Gtfs, id: &str, shift: u32) -> Option<CalendarColumns> {
    let (mut days, mut start, mut end) = (String::new(), String::new(), String::new());
    if let Some(c) = gtfs.calendar.get(id) {
        let flags = [
            c.monday,
            c.tuesday,
            c.wednesday,
            c.thursday,
            c.friday,
            c.saturday,
            c.sunday,
        ];
        let on: Vec<&str> = (0..7)
            .filter(|&i| flags[(i + 7 - shift as usize % 7) % 7])
            .map(|i| WEEKDAYS[i])
            .collect();
        days = on.join(";");
        start = shifted(ymd!(c.start_date), shift).to_string();
        end = shifted(ymd!(c.end_date), shift).to_string();
    }
    let (mut added, mut removed) = (Vec::new(), Vec::new());
    for d in gtfs.calendar_dates.get(id).into_iter().flatten() {
        match d.exception_type {
            Exception::Added => added.push(shifted(ymd!(d.date), shift)),
            Exception::Deleted => removed.push(shifted(ymd!(d.date), shift)),
        }
    }
    added.sort();
    removed.sort();
    if days.is_empty() && added.is_empty() {
        return None;
    }
    Some((days, start, end, added, removed))
}

fn dates(v: &[jiff::civil::Date]) -> String {
    v.iter()
        .map(|d| d.to_string())
        .collect::<Vec<_>>()
        .join(";")
}

fn write_services(
    dir: &Path,
    gtfs: &Gtfs,
    places: &[(String, String, [f64; 2], String)],
    groups: &BTreeMap<PatternKey, Vec<u32>>,
    mode_of_route: &HashMap<&str, Mode>,
    feed: &Path,
) -> Result<(usize, Option<jiff::civil::Date>), ImportError> {
    let mut services = FeedWriter::create(
        dir,
        FeedFile::Services,
        &[
            "id",
            "name",
            "operator",
            "mode",
            "carries",
            "days",
            "times",
            "start_date",
            "end_date",
            "add_dates",
            "remove_dates",
            "status",
            "source",
        ],
    )?;
    let mut stops = FeedWriter::create(
        dir,
        FeedFile::ServiceStops,
        &[
            "service", "seq", "place", "arrive_h", "depart_h", "pickup", "dropoff",
        ],
    )?;
    let name = feed
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    let mut count_of_route: HashMap<&str, usize> = HashMap::new();
    let mut written = 0;
    let mut first_day: Option<jiff::civil::Date> = None;
    for (key, starts) in groups {
        let Some((days, start, end, added, removed)) =
            calendar(gtfs, &key.calendar, key.shift_days)
        else {
            continue;
        };
        let first = start
            .parse::<jiff::civil::Date>()
            .ok()
            .into_iter()
            .chain(added.first().copied())
            .min();
        first_day = match (first_day, first) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        let route = &gtfs.routes[&key.route];
        let n = count_of_route.entry(key.route.as_str()).or_insert(0);
        *n += 1;
        let id = format!("{}-{}", slug(&key.route), n);
        let mut times: Vec<u32> = starts.clone();
        times.sort_unstable();
        times.dedup();
        let times: Vec<String> = times.into_iter().map(hms).collect();
        let label = route
            .short_name
            .clone()
            .filter(|s| !s.is_empty())
            .or_else(|| route.long_name.clone())
            .unwrap_or_else(|| key.route.clone());
        let (from, to) = (
            &places[key.calls[0].0].1,
            &places[key.calls[key.calls.len() - 1].0].1,
        );
        let operator = route
            .agency_id
            .as_ref()
            .and_then(|a| gtfs.agencies.iter().find(|g| g.id.as_ref() == Some(a)))
            .or(gtfs.agencies.first())
            .map(|a| a.name.clone())
            .unwrap_or_default();
        services.row([
            id.clone(),
            format!("{label} {from} → {to}"),
            operator,
            mode_of_route[key.route.as_str()].to_string(),
            "passengers".into(),
            days,
            times.join(";"),
            start,
            end,
            dates(&added),
            dates(&removed),
            "open".into(),
            format!(
                "GTFS {name}: route {}, service {}{}",
                key.route,
                key.calendar,
                if key.shift_days > 0 {
                    " (trips after 24:00 of the service day, on the next day)"
                } else {
                    ""
                }
            ),
        ])?;
        for (seq, &(place, arrive, depart, pickup, dropoff)) in key.calls.iter().enumerate() {
            let yes = |b: bool| if b { "yes" } else { "no" };
            stops.row([
                id.clone(),
                (seq + 1).to_string(),
                places[place].0.clone(),
                format!("{:.6}", arrive as f64 / 3600.0),
                format!("{:.6}", depart as f64 / 3600.0),
                yes(pickup).to_string(),
                yes(dropoff).to_string(),
            ])?;
        }
        written += 1;
    }
    services.finish()?;
    stops.finish()?;
    Ok((written, first_day))
}

fn write_feed_info(dir: &Path, first_day: Option<jiff::civil::Date>) -> Result<(), ImportError> {
    let mut w = FeedWriter::create(dir, FeedFile::FeedInfo, &["reference_date", "source"])?;
    if let Some(d) = first_day {
        let monday = silkroute_model::week_start(d);
        let monday = if monday < d {
            monday
                .checked_add(jiff::Span::new().days(7))
                .unwrap_or(monday)
        } else {
            monday
        };
        w.row([
            monday.to_string(),
            "GTFS import: the first full week from the feed's first service date".to_string(),
        ])?;
    }
    w.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stop_ids_become_place_ids() {
        assert_eq!(slug("101N"), "101n");
        assert_eq!(slug("Stop: Main St / 5th"), "stop-main-st-5th");
        assert_eq!(slug("__"), "stop");
    }

    #[test]
    fn route_types_map_to_modes() {
        assert_eq!(mode_of(RouteType::Subway), Ok(Mode::Rail));
        assert_eq!(mode_of(RouteType::Bus), Ok(Mode::Road));
        assert_eq!(mode_of(RouteType::Other(1000)), Ok(Mode::Sea));
        assert_eq!(mode_of(RouteType::Other(1100)), Ok(Mode::Air));
        assert_eq!(mode_of(RouteType::Other(42)), Err(42));
    }
}
