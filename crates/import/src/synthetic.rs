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
