//! Seeded synthetic road networks for benchmarks: a square grid of junctions about 1 km apart
//! with local roads (30–60 km/h, a share deleted at random) and a highway layer (100 km/h)
//! along every Nth row and column with junctions every N cells, like the trunk roads of a
//! region over its local streets.

use crate::write::{start_feed, wkt_linestring, FeedWriter, ImportError, LINK_HEADER};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use silkroute_feed::FeedFile;
use std::path::Path;

/// What to generate.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GenOptions {
    /// About this many junctions (rounded up to a square).
    pub nodes: usize,
    /// Seed: the same seed (and silkroute version) gives the same network.
    pub seed: u64,
    /// Share of local road segments deleted.
    pub deletion: f64,
    /// Highway spacing in cells.
    pub highway_every: u32,
}

/// What was generated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GenStats {
    /// Junctions written.
    pub places: usize,
    /// Links written (local and highway).
    pub links: usize,
}

/// Grid cell size in degrees of latitude (about 1 km).
const CELL_LAT: f64 = 0.009;
/// Grid cell size in degrees of longitude (about 1 km at 41° N).
const CELL_LON: f64 = 0.0119;

/// Writes a synthetic feed into `dir`.
pub fn generate(opts: GenOptions, dir: &Path) -> Result<GenStats, ImportError> {
    if opts.nodes < 4 {
        return Err(ImportError::Invalid("--nodes must be at least 4".into()));
    }
    let side = (opts.nodes as f64).sqrt().ceil() as u32;
    let k = opts.highway_every;
    start_feed(dir)?;
    let source = format!(
        "estimate: synthetic network (silkroute gen --nodes {} --seed {} --deletion {} --highway-every {k}), not a real place",
        opts.nodes, opts.seed, opts.deletion
    );
    let id = |x: u32, y: u32| format!("g{x}-{y}");
    let at = |x: u32, y: u32| [60.0 + x as f64 * CELL_LON, 40.0 + y as f64 * CELL_LAT];
    let mut places = FeedWriter::create(dir, FeedFile::Places, crate::osm::PLACE_COLUMNS)?;
    for y in 0..side {
        for x in 0..side {
            let p = at(x, y);
            places.row([
                id(x, y),
                format!("junction {x},{y}"),
                "ZZ".into(),
                format!("{:.6}", p[1]),
                format!("{:.6}", p[0]),
                "junction".into(),
                "UTC".into(),
                source.clone(),
            ])?;
        }
    }
    places.finish()?;
    let mut rng = StdRng::seed_from_u64(opts.seed);
    let mut links = FeedWriter::create(dir, FeedFile::Links, &LINK_HEADER)?;
    let mut count = 0;
    let mut link = |links: &mut FeedWriter,
                    a: (u32, u32),
                    b: (u32, u32),
                    km: f64,
                    speed: f64,
                    highway: bool|
     -> Result<(), ImportError> {
        count += 1;
        let geometry = if highway {
            wkt_linestring(&[at(a.0, a.1), at(b.0, b.1)])
        } else {
            String::new()
        };
        links.row([
            format!(
                "{}{}-{}",
                if highway { "h" } else { "r" },
                id(a.0, a.1),
                id(b.0, b.1)
            ),
            id(a.0, a.1),
            id(b.0, b.1),
            "road".into(),
            String::new(),
            format!("{km:.3}"),
            format!("{speed}"),
            String::new(),
            String::new(),
            "no".into(),
            "open".into(),
            geometry,
            source.clone(),
        ])
    };
    for y in 0..side {
        for x in 0..side {
            for (nx, ny) in [(x + 1, y), (x, y + 1)] {
                if nx >= side || ny >= side {
                    continue;
                }
                let on_highway_line = (ny == y && y % k == 0) || (nx == x && x % k == 0);
                // Draw every random number in a fixed order so the seed fixes the network.
                let drop = rng.random::<f64>() < opts.deletion;
                let km = 1.0 + rng.random::<f64>() * 0.3;
                let speed = [30.0, 40.0, 50.0, 60.0][rng.random_range(0..4)];
                if drop && !on_highway_line {
                    continue;
                }
                link(&mut links, (x, y), (nx, ny), km, speed, false)?;
            }
            if x % k == 0 && y % k == 0 {
                for (nx, ny) in [(x + k, y), (x, y + k)] {
                    if nx < side && ny < side {
                        let km = k as f64 * (1.0 + rng.random::<f64>() * 0.1);
                        link(&mut links, (x, y), (nx, ny), km, 100.0, true)?;
                    }
                }
            }
        }
    }
    links.finish()?;
    Ok(GenStats {
        places: (side * side) as usize,
        links: count,
    })
}

/// What timetable to generate ([`generate_timetable`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TimetableOptions {
    /// About this many stations (rounded up to a square grid).
    pub stations: usize,
    /// Seed: the same seed gives the same timetable.
    pub seed: u64,
    /// Mean minutes between trips of a line (each line draws its own, 0.5× to 1.5× this).
    pub headway_min: f64,
}

/// What was generated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimetableStats {
    /// Stations (GTFS stops).
    pub stations: usize,
    /// Lines in each direction (GTFS routes × 2).
    pub lines: usize,
    /// Trips.
    pub trips: usize,
    /// Stop events: a departure or an arrival at a stop (2 per hop of a trip).
    pub stop_events: usize,
}

/// A GTFS text file written through a temporary file renamed into place.
struct GtfsFile {
    path: std::path::PathBuf,
    csv: csv::Writer<std::io::BufWriter<atomic_write_file::AtomicWriteFile>>,
}

impl GtfsFile {
    fn create(dir: &Path, name: &str, header: &[&str]) -> Result<GtfsFile, ImportError> {
        let path = dir.join(name);
        let io = |source| ImportError::Io {
            path: path.clone(),
            source,
        };
        let tmp = atomic_write_file::AtomicWriteFile::open(&path).map_err(io)?;
        let mut csv = csv::Writer::from_writer(std::io::BufWriter::with_capacity(1 << 20, tmp));
        csv.write_record(header)
            .map_err(|source| ImportError::Csv {
                path: path.clone(),
                source,
            })?;
        Ok(GtfsFile { path, csv })
    }

    fn row<I, T>(&mut self, fields: I) -> Result<(), ImportError>
    where
        I: IntoIterator<Item = T>,
        T: AsRef<[u8]>,
    {
        self.csv
            .write_record(fields)
            .map_err(|source| ImportError::Csv {
                path: self.path.clone(),
                source,
            })
    }

    fn finish(self) -> Result<(), ImportError> {
        use std::io::Write;
        let io = |path: &Path, source| ImportError::Io {
            path: path.to_path_buf(),
            source,
        };
        let buf = self
            .csv
            .into_inner()
            .map_err(|e| io(&self.path, e.into_error()))?;
        let mut file = buf
            .into_inner()
            .map_err(|e| io(&self.path, e.into_error()))?;
        file.flush().map_err(|e| io(&self.path, e))?;
        // fsync, rename over the old file, fsync the folder
        file.commit().map_err(|e| io(&self.path, e))?;
        Ok(())
    }
}

fn hms(t: u32) -> String {
    format!("{:02}:{:02}:{:02}", t / 3600, (t / 60) % 60, t % 60)
}

/// Writes a synthetic GTFS feed (a folder of .txt files) into `dir`, for benchmarks: a square
/// grid of stations about 1 km apart, a line along every row and every column running both
/// ways with a stop at every station, each line with its own seeded running times (1.5–4 min
/// per hop, 30 s dwell) and headway, from 05:00 to midnight every day of 2026.
pub fn generate_timetable(
    opts: TimetableOptions,
    dir: &Path,
) -> Result<TimetableStats, ImportError> {
    if opts.stations < 4 {
        return Err(ImportError::Invalid("--nodes must be at least 4".into()));
    }
    if !(opts.headway_min.is_finite() && opts.headway_min >= 1.0) {
        return Err(ImportError::Invalid(
            "--headway-min must be at least 1 minute".into(),
        ));
    }
    std::fs::create_dir_all(dir).map_err(|source| ImportError::Io {
        path: dir.to_path_buf(),
        source,
    })?;
    let side = (opts.stations as f64).sqrt().ceil() as u32;
    let mut rng = StdRng::seed_from_u64(opts.seed);
    let mut agency = GtfsFile::create(
        dir,
        "agency.txt",
        &["agency_id", "agency_name", "agency_url", "agency_timezone"],
    )?;
    agency.row([
        "gen",
        "silkroute gen --timetable (synthetic, not a real operator)",
        "https://example.org/",
        "Asia/Almaty",
    ])?;
    agency.finish()?;
    let mut calendar = GtfsFile::create(
        dir,
        "calendar.txt",
        &[
            "service_id",
            "monday",
            "tuesday",
            "wednesday",
            "thursday",
            "friday",
            "saturday",
            "sunday",
            "start_date",
            "end_date",
        ],
    )?;
    calendar.row([
        "daily", "1", "1", "1", "1", "1", "1", "1", "20260101", "20261231",
    ])?;
    calendar.finish()?;
    let mut stops = GtfsFile::create(
        dir,
        "stops.txt",
        &["stop_id", "stop_name", "stop_lat", "stop_lon"],
    )?;
    for y in 0..side {
        for x in 0..side {
            stops.row([
                format!("s{x}-{y}"),
                format!("Station {x},{y}"),
                format!("{:.6}", 43.0 + f64::from(y) * CELL_LAT),
                format!("{:.6}", 76.0 + f64::from(x) * CELL_LON),
            ])?;
        }
    }
    stops.finish()?;
    let mut routes = GtfsFile::create(
        dir,
        "routes.txt",
        &["route_id", "agency_id", "route_short_name", "route_type"],
    )?;
    let mut trips = GtfsFile::create(dir, "trips.txt", &["route_id", "service_id", "trip_id"])?;
    let mut times = GtfsFile::create(
        dir,
        "stop_times.txt",
        &[
            "trip_id",
            "arrival_time",
            "departure_time",
            "stop_id",
            "stop_sequence",
        ],
    )?;
    let mut stats = TimetableStats {
        stations: (side * side) as usize,
        lines: 0,
        trips: 0,
        stop_events: 0,
    };
    for (axis, count) in [("row", side), ("col", side)] {
        for k in 0..count {
            let route = format!("{axis}{k}");
            routes.row([route.as_str(), "gen", route.as_str(), "1"])?;
            let line: Vec<String> = (0..side)
                .map(|i| match axis {
                    "row" => format!("s{i}-{k}"),
                    _ => format!("s{k}-{i}"),
                })
                .collect();
            let hops: Vec<u32> = (1..side).map(|_| rng.random_range(90..=240)).collect();
            let headway = (opts.headway_min * 60.0 * rng.random_range(0.5..1.5)).round() as u32;
            for (dir_name, forward) in [("a", true), ("b", false)] {
                stats.lines += 1;
                let order: Vec<usize> = if forward {
                    (0..line.len()).collect()
                } else {
                    (0..line.len()).rev().collect()
                };
                let mut start = 5 * 3600 + rng.random_range(0..headway.max(1));
                let mut n = 0;
                while start < 24 * 3600 {
                    let trip = format!("{route}{dir_name}-{n}");
                    trips.row([route.as_str(), "daily", trip.as_str()])?;
                    let mut clock = start;
                    for (seq, &i) in order.iter().enumerate() {
                        let arrive = clock;
                        let depart = if seq + 1 < order.len() && seq > 0 {
                            arrive + 30
                        } else {
                            arrive
                        };
                        times.row([
                            trip.clone(),
                            hms(arrive),
                            hms(depart),
                            line[i].clone(),
                            (seq + 1).to_string(),
                        ])?;
                        if seq + 1 < order.len() {
                            let hop = if forward { hops[i] } else { hops[i - 1] };
                            clock = depart + hop;
                        }
                    }
                    stats.trips += 1;
                    stats.stop_events += 2 * (order.len() - 1);
                    n += 1;
                    start += headway;
                }
            }
        }
    }
    routes.finish()?;
    trips.finish()?;
    times.finish()?;
    Ok(stats)
}
