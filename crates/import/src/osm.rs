//! OpenStreetMap import: a `.osm.pbf` extract → a feed folder.
//!
//! Two passes over the file, each decoding blocks in parallel (rayon): the first keeps the
//! ways asked for (rail, road classes, ferries) with their tags; the second reads the
//! coordinates of the nodes those ways use. Graph nodes are made only where needed: where ways
//! meet, at way ends and at border posts; the points in between are kept as each link's
//! geometry. Memory grows with the kept ways and their nodes (see docs/osm.md for measured
//! figures).

use crate::write::{
    degrees, haversine_km, start_feed, wkt_linestring, FeedWriter, ImportError, LINK_HEADER,
};
use indicatif::{ProgressBar, ProgressStyle};
use osmpbf::{BlobDecode, BlobReader, Element};
use rayon::prelude::*;
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use silkroute_feed::FeedFile;
use std::path::Path;

/// What to import.
#[derive(Debug, Clone, PartialEq)]
pub struct OsmOptions {
    /// Railways (`railway=rail`).
    pub rail: bool,
    /// Road classes (`highway=…`); each includes its `_link` roads.
    pub roads: Vec<String>,
    /// Ferry routes (`route=ferry`).
    pub ferries: bool,
    /// ISO code given to every place; `None`: each place's own, from the country polygons
    /// (see [`crate::countries`]), and ways with a border post that cross a border become
    /// border crossings.
    pub country: Option<String>,
    /// IANA time zone given to every place; `None`: its country's zone
    /// (`silkroute_feed::country_timezone`), UTC where the country has none.
    pub timezone: Option<String>,
    /// Show a progress bar on standard error.
    pub progress: bool,
}

/// What was imported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct OsmStats {
    /// Bytes of PBF read (both passes count the file once).
    pub bytes: u64,
    /// Ways kept.
    pub ways: usize,
    /// Places written (graph nodes).
    pub places: usize,
    /// Links written.
    pub links: usize,
    /// Border posts among the places.
    pub border_posts: usize,
    /// Transfers written (road or rail to ferry).
    pub transfers: usize,
    /// Countries the places are in.
    pub countries: usize,
    /// Border crossings written: every rail or road segment that changes country.
    pub crossings: usize,
    /// Of those, crossings with no border post (`barrier=border_control`) at either end (a post
    /// missing in OpenStreetMap, or an open border): placed on the segment that changes
    /// country, between its two graph nodes.
    pub crossings_without_post: usize,
    /// Places in no country (out at sea, or in a territory without an ISO code): `ZZ`.
    pub without_country: usize,
    /// Places whose country has no default time zone: UTC (give `--timezone`).
    pub utc_assumed: usize,
}

/// The columns of the places.csv an importer writes: the required ones and the time zone.
pub const PLACE_COLUMNS: &[&str] = &[
    "id", "name_en", "country", "lat", "lon", "kind", "timezone", "source",
];

/// Road classes known to the importer, with a typical freight speed in km/h (an estimate: the
/// class's usual limit, trucks capped at 80 km/h).
pub const ROAD_CLASSES: [(&str, f64); 9] = [
    ("motorway", 80.0),
    ("trunk", 80.0),
    ("primary", 60.0),
    ("secondary", 50.0),
    ("tertiary", 40.0),
    ("unclassified", 30.0),
    ("residential", 30.0),
    ("living_street", 10.0),
    ("service", 20.0),
];

/// Trucks do not go faster than this, whatever `maxspeed` says (km/h; estimate).
const TRUCK_MAX_KMH: f64 = 80.0;

#[derive(Debug, Clone)]
enum WayKind {
    Rail {
        gauge_mm: Option<u16>,
        electrified: Option<bool>,
        speed_kmh: f64,
        speed_note: String,
    },
    Road {
        speed_kmh: f64,
        speed_note: String,
        /// 0 two-way, 1 forward only, -1 backward only.
        oneway: i8,
    },
    Ferry {
        duration_h: Option<f64>,
    },
}

#[derive(Debug, Clone)]
struct Way {
    id: i64,
    kind: WayKind,
    refs: Vec<i64>,
}

fn pbf_error(path: &Path, e: impl std::fmt::Display) -> ImportError {
    ImportError::BadPbf {
        path: path.to_path_buf(),
        reason: e.to_string(),
    }
}

/// Imports `pbf` into the feed folder `out`.
pub fn import(pbf: &Path, out: &Path, opts: &OsmOptions) -> Result<OsmStats, ImportError> {
    if !opts.rail && opts.roads.is_empty() && !opts.ferries {
        return Err(ImportError::Invalid(
            "nothing to import: give --rail, --roads CLASSES and/or --ferries".into(),
        ));
    }
    for r in &opts.roads {
        if !ROAD_CLASSES.iter().any(|(c, _)| c == r) {
            let known: Vec<&str> = ROAD_CLASSES.iter().map(|(c, _)| *c).collect();
            return Err(ImportError::Invalid(format!(
                "--roads: unknown road class `{r}` (known: {})",
                known.join(", ")
            )));
        }
    }
    if let Some(c) = &opts.country {
        if c.len() != 2 || !c.bytes().all(|b| b.is_ascii_uppercase()) {
            return Err(ImportError::Invalid(format!(
                "--country: `{c}` is not an ISO 3166-1 alpha-2 code like FI"
            )));
        }
    }
    if let Some(z) = &opts.timezone {
        if jiff::tz::TimeZone::get(z).is_err() {
            return Err(ImportError::Invalid(format!(
                "--timezone: `{z}` is not an IANA time zone name like Europe/Helsinki"
            )));
        }
    }
    let size = std::fs::metadata(pbf)
        .map_err(|source| ImportError::Io {
            path: pbf.to_path_buf(),
            source,
        })?
        .len();
    let bar = if opts.progress {
        let b = ProgressBar::new(size * 2);
        b.set_style(
            ProgressStyle::with_template(
                "{msg:>12} [{bar:30}] {bytes}/{total_bytes} {binary_bytes_per_sec} eta {eta}",
            )
            .expect("valid template")
            .progress_chars("=> "),
        );
        b
    } else {
        ProgressBar::hidden()
    };
    bar.set_message("ways");
    let ways = read_ways(pbf, opts, &bar)?;
    // How many times each node is used by the kept ways: the nodes to read, and (used more
    // than once) the junctions.
    let mut uses: HashMap<i64, u32> = HashMap::default();
    for r in ways.iter().flat_map(|w| &w.refs) {
        *uses.entry(*r).or_default() += 1;
    }
    bar.set_message("nodes");
    let (coords, border_names) = read_nodes(pbf, &uses, &bar)?;
    bar.finish_and_clear();
    start_feed(out)?;
    write_feed(out, opts, &ways, &uses, &coords, &border_names, size)
}

/// Reads every block of the file in parallel, mapping each element with `f`.
fn par_blocks<T, F>(path: &Path, bar: &ProgressBar, f: F) -> Result<Vec<T>, ImportError>
where
    T: Send,
    F: Fn(Element<'_>, &mut Vec<T>) + Sync,
{
    let file = std::fs::File::open(path).map_err(|source| ImportError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let reader = BlobReader::new(bar.wrap_read(std::io::BufReader::with_capacity(1 << 20, file)));
    let parts: Result<Vec<Vec<T>>, ImportError> = reader
        .par_bridge()
        .map(|blob| {
            let blob = blob.map_err(|e| pbf_error(path, e))?;
            let mut out = Vec::new();
            match blob.decode().map_err(|e| pbf_error(path, e))? {
                BlobDecode::OsmData(block) => block.for_each_element(|e| f(e, &mut out)),
                BlobDecode::OsmHeader(h) => {
                    if let Some(feature) = h
                        .required_features()
                        .iter()
                        .find(|f| !matches!(f.as_str(), "OsmSchema-V0.6" | "DenseNodes"))
                    {
                        return Err(pbf_error(
                            path,
                            format!("the file needs a reader feature silkroute lacks: {feature}"),
                        ));
                    }
                }
                BlobDecode::Unknown(_) => {}
            }
            Ok(out)
        })
        .collect();
    Ok(parts?.into_iter().flatten().collect())
}

fn read_ways(path: &Path, opts: &OsmOptions, bar: &ProgressBar) -> Result<Vec<Way>, ImportError> {
    let mut ways = par_blocks(path, bar, |e, out| {
        if let Element::Way(w) = e {
            if let Some(kind) = classify(&Tags(w.tags().collect()), opts) {
                out.push(Way {
                    id: w.id(),
                    kind,
                    refs: w.refs().collect(),
                });
            }
        }
    })?;
    ways.sort_by_key(|w| w.id);
    Ok(ways)
}

type Coordinates = HashMap<i64, [f64; 2]>;

fn read_nodes(
    path: &Path,
    uses: &HashMap<i64, u32>,
    bar: &ProgressBar,
) -> Result<(Coordinates, HashMap<i64, String>), ImportError> {
    let found = par_blocks(path, bar, |e, out| match e {
        Element::Node(n) if uses.contains_key(&n.id()) => {
            out.push((n.id(), [n.lon(), n.lat()], border_name(n.tags())))
        }
        Element::DenseNode(n) if uses.contains_key(&n.id()) => {
            out.push((n.id(), [n.lon(), n.lat()], border_name(n.tags())))
        }
        _ => {}
    })?;
    let mut coords = HashMap::with_capacity_and_hasher(found.len(), Default::default());
    let mut borders = HashMap::default();
    for (id, c, b) in found {
        coords.insert(id, c);
        if let Some(name) = b {
            borders.insert(id, name);
        }
    }
    Ok((coords, borders))
}

/// `Some(name)` for a `barrier=border_control` node (the name may be empty).
fn border_name<'a>(tags: impl Iterator<Item = (&'a str, &'a str)>) -> Option<String> {
    let mut border = false;
    let mut name = String::new();
    for (k, v) in tags {
        match k {
            "barrier" if v == "border_control" => border = true,
            "name:en" => name = v.to_string(),
            "name" if name.is_empty() => name = v.to_string(),
            _ => {}
        }
    }
    border.then_some(name)
}

/// A way's tags. Ways carry a handful, so a linear scan beats hashing them into a map for every
/// way of the file.
struct Tags<'a>(Vec<(&'a str, &'a str)>);

impl<'a> Tags<'a> {
    fn get(&self, key: &str) -> Option<&'a str> {
        self.0.iter().find(|(k, _)| *k == key).map(|(_, v)| *v)
    }
}

/// The kind of a way, if it is one of those asked for.
fn classify(tags: &Tags, opts: &OsmOptions) -> Option<WayKind> {
    if opts.rail && tags.get("railway") == Some("rail") {
        let gauge_mm = tags
            .get("gauge")
            .and_then(|g| g.split(';').next())
            .and_then(|g| g.trim().parse::<u16>().ok());
        let electrified = tags.get("electrified").map(|e| e != "no");
        let (speed_kmh, speed_note) = match maxspeed(tags.get("maxspeed")) {
            Some(s) => (
                s,
                format!("maxspeed={}", tags.get("maxspeed").unwrap_or_default()),
            ),
            None => {
                let (s, why) = match (tags.get("service"), tags.get("usage")) {
                    (Some(svc), _) => (15.0, format!("service={svc}")),
                    (None, Some("main")) => (80.0, "usage=main".to_string()),
                    (None, Some("branch")) => (50.0, "usage=branch".to_string()),
                    (None, Some(u)) => (30.0, format!("usage={u}")),
                    (None, None) => (60.0, "no usage tag".to_string()),
                };
                (s, format!("estimate: {s} km/h for {why}"))
            }
        };
        return Some(WayKind::Rail {
            gauge_mm,
            electrified,
            speed_kmh,
            speed_note,
        });
    }
    if opts.ferries && tags.get("route") == Some("ferry") {
        return Some(WayKind::Ferry {
            duration_h: tags.get("duration").and_then(parse_duration),
        });
    }
    let highway = tags.get("highway")?;
    let class = highway.strip_suffix("_link").unwrap_or(highway);
    if !opts.roads.iter().any(|r| r == class) {
        return None;
    }
    let default = ROAD_CLASSES
        .iter()
        .find(|(c, _)| *c == class)
        .map(|(_, s)| *s)?;
    let (speed_kmh, speed_note) = match maxspeed(tags.get("maxspeed")) {
        Some(s) => (
            s.min(TRUCK_MAX_KMH),
            format!(
                "maxspeed={}, trucks ≤ {TRUCK_MAX_KMH} km/h",
                tags.get("maxspeed").unwrap_or_default()
            ),
        ),
        None => (
            default,
            format!("estimate: {default} km/h typical for highway={class}"),
        ),
    };
    let oneway = match tags.get("oneway") {
        Some("yes" | "1" | "true") => 1,
        Some("-1" | "reverse") => -1,
        Some(_) => 0,
        None if tags.get("junction") == Some("roundabout") || class == "motorway" => 1,
        None => 0,
    };
    Some(WayKind::Road {
        speed_kmh,
        speed_note,
        oneway,
    })
}

/// A `maxspeed` value in km/h: `60`, `60 km/h`, `40 mph`; `None` for `none`, `signals`,
/// zone codes and the like.
fn maxspeed(v: Option<&str>) -> Option<f64> {
    let v = v?.trim();
    let (num, factor) = match v.strip_suffix("mph") {
        Some(n) => (n.trim(), 1.609_344),
        None => (v.trim_end_matches("km/h").trim(), 1.0),
    };
    let s: f64 = num.parse().ok()?;
    (s > 0.0 && s <= 400.0).then_some(s * factor)
}

/// A ferry `duration`: `hh:mm`, `hh:mm:ss` or ISO 8601 `PT1H30M`, in hours.
fn parse_duration(v: &str) -> Option<f64> {
    let v = v.trim();
    if let Some(iso) = v.strip_prefix("PT") {
        let mut h = 0.0;
        let mut num = String::new();
        for c in iso.chars() {
            match c {
                'H' => h += num.parse::<f64>().ok()?,
                'M' => h += num.parse::<f64>().ok()? / 60.0,
                'S' => h += num.parse::<f64>().ok()? / 3600.0,
                _ => {
                    num.push(c);
                    continue;
                }
            }
            num.clear();
        }
        return (h > 0.0).then_some(h);
    }
    let parts: Vec<f64> = v
        .split(':')
        .map(|p| p.parse().ok())
        .collect::<Option<_>>()?;
    let h = match parts.as_slice() {
        [h, m] => h + m / 60.0,
        [h, m, s] => h + m / 60.0 + s / 3600.0,
        [m] => m / 60.0,
        _ => return None,
    };
    (h > 0.0).then_some(h)
}

fn write_feed(
    out: &Path,
    opts: &OsmOptions,
    ways: &[Way],
    uses: &HashMap<i64, u32>,
    coords: &Coordinates,
    borders: &HashMap<i64, String>,
    bytes: u64,
) -> Result<OsmStats, ImportError> {
    // Graph nodes: way ends, nodes used more than once, border posts; a closed way also gets
    // its middle node so that no link starts and ends at the same place.
    let is_junction = |r: i64| uses.get(&r).copied().unwrap_or(0) > 1 || borders.contains_key(&r);
    let country_of = countries_of_nodes(opts, ways, coords, &is_junction)?;
    let country = |r: i64| -> &str { country_of.get(&r).map_or("ZZ", String::as_str) };
    let crossing_figures = Clearances::builtin()?;
    let mut border_file = FeedWriter::create(out, FeedFile::Borders, &BORDER_HEADER)?;
    let (mut crossings, mut crossings_without_post) = (0, 0);
    // Twin places on the far side of a crossing: (OSM node, place id, country).
    let mut twins: Vec<(i64, String, String)> = Vec::new();
    let mut places: Vec<i64> = Vec::new();
    let mut placed: HashSet<i64> = HashSet::default();
    let mut modes_at: HashMap<i64, u8> = HashMap::default();
    let mut links = FeedWriter::create(out, FeedFile::Links, &LINK_HEADER)?;
    let mut link_count = 0;
    for w in ways {
        let n = w.refs.len();
        let closed = n > 2 && w.refs[0] == w.refs[n - 1];
        let mut segment: Vec<[f64; 2]> = Vec::new();
        let mut start: Option<i64> = None;
        let mut k = 0;
        for (i, &r) in w.refs.iter().enumerate() {
            let Some(&c) = coords.get(&r) else {
                // Outside the extract: the way is cut here.
                start = None;
                segment.clear();
                continue;
            };
            let split = i == 0 || i == n - 1 || is_junction(r) || (closed && i == n / 2);
            if start.is_none() {
                start = Some(r);
                segment = vec![c];
                continue;
            }
            segment.push(c);
            if split {
                let from = start.expect("set");
                if from != r {
                    k += 1;
                    let (a, b) = (country(from), country(r));
                    let posted = borders.contains_key(&from) || borders.contains_key(&r);
                    let crosses = a != b && a != "ZZ" && b != "ZZ";
                    // A sailing between countries is cleared at its ports (the graph's
                    // international sides). A rail or road segment that changes country keeps
                    // its track as a link on one side and crosses at a post: a crossing of no
                    // length from the post (or, without one, the last node before the line) to
                    // its twin place on the other side, at the same point.
                    let (mut a_id, mut b_id) = (format!("n{from}"), format!("n{r}"));
                    if crosses && !matches!(w.kind, WayKind::Ferry { .. }) {
                        // At the far end when only the far end is a post.
                        let at_far_end = borders.contains_key(&r) && !borders.contains_key(&from);
                        let (post, post_country, other) =
                            if at_far_end { (r, b, a) } else { (from, a, b) };
                        let twin = format!("n{post}-{}", other.to_ascii_lowercase());
                        write_crossing(
                            &mut border_file,
                            &crossing_figures,
                            w,
                            k,
                            (format!("n{post}"), post_country),
                            (twin.clone(), other),
                            at_far_end,
                            posted,
                        )?;
                        twins.push((post, twin.clone(), other.to_string()));
                        if at_far_end {
                            b_id = twin;
                        } else {
                            a_id = twin;
                        }
                        crossings += 1;
                        crossings_without_post += usize::from(!posted);
                    }
                    write_link(&mut links, w, k, &a_id, &b_id, &segment)?;
                    link_count += 1;
                    for p in [from, r] {
                        if placed.insert(p) {
                            places.push(p);
                        }
                        *modes_at.entry(p).or_default() |= mode_bit(&w.kind);
                    }
                }
                start = Some(r);
                segment = vec![c];
            }
        }
    }
    links.finish()?;
    border_file.finish()?;
    let source = "© OpenStreetMap contributors, ODbL 1.0 (https://www.openstreetmap.org/copyright)";
    let mut place_file = FeedWriter::create(out, FeedFile::Places, PLACE_COLUMNS)?;
    let mut border_posts = 0;
    let (mut without_country, mut utc_assumed) = (0, 0);
    // A place's zone: `--timezone`, else its country's, else UTC (counted).
    let zone_of = |code: &str, utc_assumed: &mut usize| -> String {
        match (&opts.timezone, silkroute_feed::country_timezone(code)) {
            (Some(z), _) => z.clone(),
            (None, Some(z)) => z.to_string(),
            (None, None) => {
                *utc_assumed += 1;
                "UTC".to_string()
            }
        }
    };
    let mut seen_countries: Vec<&str> = Vec::new();
    // One text for every place: the node is the number in the place's id (`n123` is node 123),
    // so the feed's loader shares the text (a text per node cost 5.6 M strings at 2 M nodes).
    let place_source = format!(
        "{source}; the OpenStreetMap node is the number in the id (n<node>){}",
        if opts.country.is_some() {
            ""
        } else {
            "; country from Natural Earth 1:110m admin-0 polygons (public domain)"
        }
    );
    for &p in &places {
        let c = coords[&p];
        let (name, kind) = match borders.get(&p) {
            Some(b) => {
                border_posts += 1;
                let name = if b.is_empty() {
                    format!("border control {p}")
                } else {
                    b.clone()
                };
                (name, "border_post")
            }
            None => (format!("node {p}"), "junction"),
        };
        let code = country(p);
        without_country += usize::from(code == "ZZ");
        if !seen_countries.contains(&code) {
            seen_countries.push(code);
        }
        let zone = zone_of(code, &mut utc_assumed);
        place_file.row([
            format!("n{p}"),
            name,
            code.to_string(),
            degrees(c[1]),
            degrees(c[0]),
            kind.to_string(),
            zone,
            place_source.clone(),
        ])?;
    }
    twins.sort();
    twins.dedup();
    for (p, id, code) in &twins {
        let c = coords[p];
        let name = match borders.get(p) {
            Some(b) if !b.is_empty() => format!("{b} ({code} side)"),
            _ => format!("border at node {p} ({code} side)"),
        };
        let zone = zone_of(code, &mut utc_assumed);
        place_file.row([
            id.clone(),
            name,
            code.clone(),
            degrees(c[1]),
            degrees(c[0]),
            "border_post".to_string(),
            zone,
            format!("{source}, node {p}: the other side of the crossing at the same point"),
        ])?;
    }
    place_file.finish()?;
    let transfers = write_transfers(out, &places, &modes_at)?;
    if seen_countries.len() > 1 {
        // Cargo that leaves a customs territory is cleared: the parameter tables' figures.
        write_customs_tables(out)?;
    }
    Ok(OsmStats {
        bytes,
        ways: ways.len(),
        places: places.len() + twins.len(),
        links: link_count,
        border_posts,
        transfers,
        countries: seen_countries.len(),
        crossings,
        crossings_without_post,
        without_country,
        utc_assumed,
    })
}

/// The country (ISO code) of every node that becomes a place: `--country` for all, or each
/// node's own from the country polygons (in parallel); nodes in no country are left out (ZZ).
fn countries_of_nodes(
    opts: &OsmOptions,
    ways: &[Way],
    coords: &Coordinates,
    is_junction: &dyn Fn(i64) -> bool,
) -> Result<HashMap<i64, String>, ImportError> {
    let mut nodes: Vec<i64> = ways
        .iter()
        .flat_map(|w| {
            let n = w.refs.len();
            let closed = n > 2 && w.refs[0] == w.refs[n - 1];
            w.refs.iter().enumerate().filter_map(move |(i, &r)| {
                let ends = i == 0 || i == n - 1 || (closed && i == n / 2);
                (ends || is_junction(r)).then_some(r)
            })
        })
        .chain(ways.iter().flat_map(|w| {
            // A node next to one outside the extract starts or ends a segment.
            w.refs
                .windows(2)
                .filter(|p| coords.contains_key(&p[0]) != coords.contains_key(&p[1]))
                .flat_map(|p| [p[0], p[1]])
        }))
        .filter(|r| coords.contains_key(r))
        .collect();
    nodes.sort_unstable();
    nodes.dedup();
    if let Some(c) = &opts.country {
        return Ok(nodes.into_iter().map(|r| (r, c.clone())).collect());
    }
    let world = crate::countries::Countries::world()?;
    let points: Vec<[f64; 2]> = nodes.iter().map(|r| coords[r]).collect();
    let found = world.of_all(&points);
    Ok(nodes
        .into_iter()
        .zip(found)
        .filter_map(|(r, c)| c.map(|c| (r, c.to_string())))
        .collect())
}

/// The header of the borders.csv written for crossings found in the extract.
const BORDER_HEADER: [&str; 16] = [
    "id",
    "from_post",
    "to_post",
    "mode",
    "gauge_mm",
    "gauge_change",
    "length_km",
    "forward_p50_h",
    "forward_p90_h",
    "reverse_p50_h",
    "reverse_p90_h",
    "forward_fee_usd",
    "reverse_fee_usd",
    "passengers",
    "status",
    "source",
];

/// The exit and entry figures of the built-in parameter table (clearances.csv rows of a
/// country, not of one place): what a land crossing costs from one country into another.
struct Clearances {
    /// (country, mode or `*`, procedure) → its figures.
    rows: HashMap<(String, String, String), ClearanceRow>,
    /// Country → its customs territory (the built-in countries.csv).
    territory: HashMap<String, String>,
}

/// One clearances.csv row's figures.
struct ClearanceRow {
    p50_h: f64,
    p90_h: f64,
    fee_usd: f64,
    id: String,
}

impl Clearances {
    fn builtin() -> Result<Clearances, ImportError> {
        let text = silkroute_feed::BUILTIN_FILES
            .iter()
            .find(|(n, _)| *n == "clearances.csv")
            .map(|(_, t)| *t)
            .unwrap_or_default();
        let bad = |e: String| ImportError::Invalid(format!("built-in clearances.csv: {e}"));
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        let mut rows = HashMap::default();
        for r in reader.deserialize::<HashMap<String, String>>() {
            let r = r.map_err(|e| bad(e.to_string()))?;
            let get = |k: &str| r.get(k).cloned().unwrap_or_default();
            if !get("place").is_empty() {
                continue;
            }
            let num = |k: &str| get(k).parse::<f64>().map_err(|e| bad(format!("{k}: {e}")));
            rows.insert(
                (get("country"), get("mode"), get("procedure")),
                ClearanceRow {
                    p50_h: num("p50_h")?,
                    p90_h: num("p90_h")?,
                    fee_usd: num("fee_usd")?,
                    id: get("id"),
                },
            );
        }
        let text = silkroute_feed::BUILTIN_FILES
            .iter()
            .find(|(n, _)| *n == "countries.csv")
            .map(|(_, t)| *t)
            .unwrap_or_default();
        let mut territory = HashMap::default();
        for r in csv::Reader::from_reader(text.as_bytes()).deserialize::<HashMap<String, String>>()
        {
            let r = r.map_err(|e| ImportError::Invalid(format!("built-in countries.csv: {e}")))?;
            if let (Some(code), Some(t)) = (r.get("code"), r.get("customs_territory")) {
                territory.insert(code.clone(), t.clone());
            }
        }
        Ok(Clearances { rows, territory })
    }

    /// The row of `procedure` in `country` for `mode` (its own before `*`).
    fn row(&self, country: &str, mode: &str, procedure: &str) -> Option<&ClearanceRow> {
        let key = |m: &str| (country.to_string(), m.to_string(), procedure.to_string());
        self.rows
            .get(&key(mode))
            .or_else(|| self.rows.get(&key("*")))
    }

    /// Hours (p50, p90), fees and the source note of crossing from `from` into `to` by `mode`:
    /// `from`'s exit and `to`'s entry formalities added (the p90 as the sum of the two p90s,
    /// an upper bound); a country the table lacks adds nothing, and the note says so.
    fn crossing(&self, from: &str, to: &str, mode: &str) -> (f64, f64, f64, String) {
        if let (Some(a), Some(b)) = (self.territory.get(from), self.territory.get(to)) {
            if a == b {
                return (
                    0.0,
                    0.0,
                    0.0,
                    format!("one customs territory ({a}): no customs formalities at this border (countries.csv); other border checks are not in the parameter table"),
                );
            }
        }
        let (mut p50, mut p90, mut fee) = (0.0, 0.0, 0.0);
        let mut notes = Vec::new();
        for (country, procedure) in [(from, "exit"), (to, "entry")] {
            match self.row(country, mode, procedure) {
                Some(r) => {
                    p50 += r.p50_h;
                    p90 += r.p90_h;
                    fee += r.fee_usd;
                    notes.push(format!("{procedure} {country}: clearances.csv row {}", r.id));
                }
                None => notes.push(format!(
                    "{procedure} {country}: no figures in the parameter table, counted as 0 h and 0 USD (estimate missing: replace)"
                )),
            }
        }
        (p50, p90, fee, notes.join("; "))
    }
}

/// The crossing of way `w` (its `k`-th segment) at a post: from the post `(id, country)` to its
/// twin on the other side, at the same point, with the clearance figures of the parameter
/// table in both directions (written from the side the way comes from: `reversed` when the
/// post is at the segment's far end, so that forward is the way's direction).
#[allow(clippy::too_many_arguments)]
fn write_crossing(
    file: &mut FeedWriter,
    figures: &Clearances,
    w: &Way,
    k: usize,
    (post, post_country): (String, &str),
    (twin, twin_country): (String, &str),
    reversed: bool,
    posted: bool,
) -> Result<(), ImportError> {
    let (from, from_country, to, to_country) = if reversed {
        (twin, twin_country, post, post_country)
    } else {
        (post, post_country, twin, twin_country)
    };
    let placed = if posted {
        "at its border post (barrier=border_control)"
    } else {
        "no border_control node in OpenStreetMap: placed at the last node before the line"
    };
    let (mode, gauge) = match &w.kind {
        WayKind::Rail { gauge_mm, .. } => ("rail", gauge_mm.unwrap_or(1435).to_string()),
        _ => ("road", String::new()),
    };
    let (f50, f90, ffee, fnote) = figures.crossing(from_country, to_country, mode);
    let (r50, r90, rfee, rnote) = figures.crossing(to_country, from_country, mode);
    file.row([
        format!("w{}-{k}-border", w.id),
        from,
        to,
        mode.to_string(),
        gauge,
        "no".to_string(),
        "0".to_string(),
        format!("{f50}"),
        format!("{f90}"),
        format!("{r50}"),
        format!("{r90}"),
        format!("{ffee}"),
        format!("{rfee}"),
        String::new(),
        "open".to_string(),
        format!(
            "© OpenStreetMap contributors, ODbL 1.0, way {}, {placed} (countries from Natural Earth 1:110m polygons); clearance estimate = exit + entry formalities of the built-in parameter table, p90 = sum of the p90s (an upper bound); {from_country}→{to_country}: {fnote}; {to_country}→{from_country}: {rnote}",
            w.id
        ),
    ])
}

/// The built-in countries.csv and the clearances.csv rows of whole countries, so that cargo
/// leaving a customs territory in the imported network is cleared.
fn write_customs_tables(out: &Path) -> Result<(), ImportError> {
    for (name, text) in silkroute_feed::BUILTIN_FILES {
        // Rows of one place refer to built-in places; the country rows apply anywhere.
        let keep = |line: &str| match name {
            "countries.csv" => true,
            _ => line.split(',').nth(2) == Some(""),
        };
        if !matches!(name, "countries.csv" | "clearances.csv") {
            continue;
        }
        let path = out.join(name);
        let io = |source| ImportError::Io {
            path: path.clone(),
            source,
        };
        let mut lines = text.lines();
        let mut kept = String::new();
        if let Some(header) = lines.next() {
            kept.push_str(header);
            kept.push('\n');
        }
        for line in lines.filter(|l| keep(l)) {
            kept.push_str(line);
            kept.push('\n');
        }
        let mut file = atomic_write_file::AtomicWriteFile::open(&path).map_err(io)?;
        std::io::Write::write_all(&mut file, kept.as_bytes()).map_err(io)?;
        file.commit().map_err(io)?;
    }
    Ok(())
}

const RAIL: u8 = 1;
const ROAD: u8 = 2;
const SEA: u8 = 4;

fn mode_bit(kind: &WayKind) -> u8 {
    match kind {
        WayKind::Rail { .. } => RAIL,
        WayKind::Road { .. } => ROAD,
        WayKind::Ferry { .. } => SEA,
    }
}

fn write_link(
    links: &mut FeedWriter,
    w: &Way,
    k: usize,
    from: &str,
    to: &str,
    segment: &[[f64; 2]],
) -> Result<(), ImportError> {
    let km: f64 = segment
        .windows(2)
        .map(|p| haversine_km(p[0], p[1]))
        .sum::<f64>()
        .max(0.001);
    // The way and its segment are in the link's id (`w393-1`): the text is the same for every
    // way of a kind, so the feed's loader shares it.
    let osm = "© OpenStreetMap contributors, ODbL 1.0; the way is the first number in the id \
               (w<way>-<segment>)";
    let (mode, gauge, speed, duration, electrified, oneway, source) = match &w.kind {
        WayKind::Rail {
            gauge_mm,
            electrified,
            speed_kmh,
            speed_note,
        } => (
            "rail",
            gauge_mm.unwrap_or(1435).to_string(),
            format!("{speed_kmh:.0}"),
            String::new(),
            electrified.map_or("", |e| if e { "yes" } else { "no" }),
            false,
            format!(
                "{osm}; speed {speed_note}{}",
                if gauge_mm.is_none() {
                    "; gauge: estimate, not tagged, 1435 mm assumed"
                } else {
                    ""
                }
            ),
        ),
        WayKind::Road {
            speed_kmh,
            speed_note,
            oneway,
        } => (
            "road",
            String::new(),
            format!("{speed_kmh:.0}"),
            String::new(),
            "",
            *oneway != 0,
            format!("{osm}; speed {speed_note}"),
        ),
        WayKind::Ferry { duration_h } => (
            "sea",
            String::new(),
            String::new(),
            duration_h.map_or(String::new(), |d| format!("{d:.3}")),
            "",
            false,
            format!(
                "{osm}; {}",
                if duration_h.is_some() {
                    "duration tag"
                } else {
                    "no duration tag: the sea default speed applies (estimate)"
                }
            ),
        ),
    };
    // A backward one-way street is written in its direction of travel.
    let backward = matches!(w.kind, WayKind::Road { oneway: -1, .. });
    let (a, b, line) = if backward {
        let mut rev = segment.to_vec();
        rev.reverse();
        (to, from, rev)
    } else {
        (from, to, segment.to_vec())
    };
    links.row([
        format!("w{}-{k}", w.id),
        a.to_string(),
        b.to_string(),
        mode.to_string(),
        gauge,
        format!("{km:.4}"),
        speed,
        duration,
        electrified.to_string(),
        if oneway { "yes" } else { "no" }.to_string(),
        "open".to_string(),
        wkt_linestring(&line),
        source,
    ])
}

/// Road or rail ↔ ferry transfers where a ferry route ends on a road or railway node.
fn write_transfers(
    out: &Path,
    places: &[i64],
    modes_at: &HashMap<i64, u8>,
) -> Result<usize, ImportError> {
    let mut file = FeedWriter::create(
        out,
        FeedFile::Transfers,
        &[
            "id",
            "place",
            "from_mode",
            "from_gauge_mm",
            "to_mode",
            "to_gauge_mm",
            "both_ways",
            "handling_p50_h",
            "handling_p90_h",
            "cost_usd",
            "hub_co2e_kg_per_t",
            "status",
            "source",
        ],
    )?;
    let mut count = 0;
    for &p in places {
        let m = modes_at.get(&p).copied().unwrap_or(0);
        if m & SEA == 0 {
            continue;
        }
        if m & ROAD != 0 {
            count += 1;
            file.row([
                format!("n{p}-road-sea"),
                format!("n{p}"),
                "road".into(),
                String::new(),
                "sea".into(),
                String::new(),
                "yes".into(),
                "0.5".into(),
                "1.5".into(),
                "0".into(),
                "0".into(),
                "open".into(),
                "estimate: roll-on/roll-off boarding where an OpenStreetMap ferry route meets a road; 0.5 h typical, 1.5 h bad case, no charge known".to_string(),
            ])?;
        }
    }
    file.finish()?;
    Ok(count)
}

#[cfg(test)]
mod tests {
    use super::Clearances;

    #[test]
    fn a_border_inside_a_customs_union_has_no_customs_formalities() {
        let table = Clearances::builtin().unwrap();
        // Kazakhstan and Kyrgyzstan: both in the Eurasian Economic Union (countries.csv).
        let (p50, p90, fee, note) = table.crossing("KZ", "KG", "road");
        assert_eq!((p50, p90, fee), (0.0, 0.0, 0.0));
        assert!(note.contains("EAEU"), "{note}");
        // Kazakhstan to Kyrgyzstan's neighbour outside the union: Kazakhstan's exit row.
        let (p50, p90, fee, note) = table.crossing("KZ", "CN", "road");
        assert_eq!((p50, p90, fee), (4.2, 8.4, 317.0));
        assert!(note.contains("kz-exit"), "{note}");
    }
}
