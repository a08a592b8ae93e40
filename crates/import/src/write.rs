//! Writing feed folders: CSV files through temporary files renamed into place.

use silkroute_feed::{FeedFile, BUILTIN_FILES};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

/// Why an import or generation failed.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The error.
        source: std::io::Error,
    },
    /// The input file is not a readable OpenStreetMap PBF file.
    #[error("{path}: not a readable .osm.pbf file (truncated or corrupt?): {reason}")]
    BadPbf {
        /// The file.
        path: PathBuf,
        /// What the reader said.
        reason: String,
    },
    /// The input feed (GTFS) is unreadable or inconsistent.
    #[error("{path}: {reason}")]
    BadInput {
        /// The file.
        path: PathBuf,
        /// What is wrong, with the file and line inside the feed where known.
        reason: String,
    },
    /// A CSV record could not be written.
    #[error("{path}: {source}")]
    Csv {
        /// The file.
        path: PathBuf,
        /// The error.
        source: csv::Error,
    },
    /// The request itself is wrong (an empty selection, a bad option).
    #[error("{0}")]
    Invalid(String),
}

/// A CSV file of a feed being written; [`FeedWriter::finish`] renames it into place.
pub struct FeedWriter {
    path: PathBuf,
    csv: csv::Writer<BufWriter<atomic_write_file::AtomicWriteFile>>,
}

impl FeedWriter {
    /// Starts `dir/name` with a header row.
    pub fn create(dir: &Path, file: FeedFile, header: &[&str]) -> Result<FeedWriter, ImportError> {
        let path = dir.join(file.name());
        file.check_header(header)
            .map_err(|message| ImportError::Io {
                path: path.clone(),
                source: std::io::Error::new(std::io::ErrorKind::InvalidInput, message),
            })?;
        let tmp =
            atomic_write_file::AtomicWriteFile::open(&path).map_err(|source| ImportError::Io {
                path: path.clone(),
                source,
            })?;
        let mut csv = csv::Writer::from_writer(BufWriter::with_capacity(1 << 20, tmp));
        csv.write_record(header)
            .map_err(|source| ImportError::Csv {
                path: path.clone(),
                source,
            })?;
        Ok(FeedWriter { path, csv })
    }

    /// Writes one row.
    pub fn row<I, T>(&mut self, fields: I) -> Result<(), ImportError>
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

    /// Flushes the file and renames it into place.
    pub fn finish(self) -> Result<(), ImportError> {
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

/// Creates `dir` if needed and copies the built-in parameter tables into it.
pub(crate) fn start_feed(dir: &Path) -> Result<(), ImportError> {
    std::fs::create_dir_all(dir).map_err(|source| ImportError::Io {
        path: dir.to_path_buf(),
        source,
    })?;
    for (name, text) in BUILTIN_FILES {
        if matches!(
            name,
            "modes.csv" | "cost_factors.csv" | "emission_factors.csv"
        ) {
            let path = dir.join(name);
            let io = |source| ImportError::Io {
                path: path.clone(),
                source,
            };
            let mut file = atomic_write_file::AtomicWriteFile::open(&path).map_err(io)?;
            file.write_all(text.as_bytes()).map_err(io)?;
            file.commit().map_err(io)?;
        }
    }
    Ok(())
}

/// The header of `links.csv` as written by importers (checked against [`FeedFile::Links`]).
pub(crate) const LINK_HEADER: [&str; 13] = [
    "id",
    "from",
    "to",
    "mode",
    "gauge_mm",
    "length_km",
    "speed_kmh",
    "duration_h",
    "electrified",
    "oneway",
    "status",
    "geometry",
    "source",
];

/// Great-circle distance in km between `[lon, lat]` points (geo's haversine, mean Earth radius).
pub(crate) fn haversine_km(a: [f64; 2], b: [f64; 2]) -> f64 {
    use geo::{Distance, Haversine, Point};
    Haversine.distance(Point::new(a[0], a[1]), Point::new(b[0], b[1])) / 1000.0
}

/// A WKT LINESTRING of `[lon, lat]` points, 7 decimals (about 1 cm).
pub(crate) fn wkt_linestring(points: &[[f64; 2]]) -> String {
    let mut s = String::with_capacity(points.len() * 24 + 12);
    s.push_str("LINESTRING(");
    for (i, p) in points.iter().enumerate() {
        if i > 0 {
            s.push(',');
        }
        push_degrees(&mut s, p[0]);
        s.push(' ');
        push_degrees(&mut s, p[1]);
    }
    s.push(')');
    s
}

/// Appends `deg` with exactly 7 decimals (OpenStreetMap's precision), as `{:.7}` would but
/// without the general float formatter, which dominated import time.
pub(crate) fn push_degrees(s: &mut String, deg: f64) {
    use std::fmt::Write;
    let units = (deg * 1e7).round() as i64;
    let (sign, units) = if units < 0 {
        ("-", -units)
    } else {
        ("", units)
    };
    let _ = write!(s, "{sign}{}.{:07}", units / 10_000_000, units % 10_000_000);
}

/// `deg` with exactly 7 decimals.
pub(crate) fn degrees(deg: f64) -> String {
    let mut s = String::with_capacity(12);
    push_degrees(&mut s, deg);
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn degrees_are_written_like_the_float_formatter_would() {
        for x in [
            0.0,
            24.9384,
            -0.0000001,
            -12.5,
            179.9999999,
            -89.1234567,
            60.16995,
        ] {
            assert_eq!(
                degrees(x),
                format!("{x:.7}").replace("-0.0000000", "0.0000000"),
                "{x}"
            );
        }
    }
}
