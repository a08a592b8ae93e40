//! Writing output files safely: a temporary file in the same folder, fsynced, then renamed over
//! the old file (atomic-write-file), so that a failed or killed write never leaves a
//! half-written or lost file.

use anyhow::Context;
use std::io::Write;
use std::path::Path;

/// Writes `bytes` to `path` atomically: the old file stays whole until the new one is
/// complete and on disk. A replaced file keeps its permissions.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let mut file = atomic_write_file::AtomicWriteFile::open(path)
        .with_context(|| format!("cannot create a temporary file beside {}", path.display()))?;
    file.write_all(bytes)
        .with_context(|| format!("cannot write {}", path.display()))?;
    file.commit()
        .with_context(|| format!("cannot replace {}", path.display()))?;
    Ok(())
}

/// A GeoJSON feature of `geometry` whose properties are the fields of `properties`.
pub fn feature(
    geometry: geojson::GeometryValue,
    properties: &impl serde::Serialize,
) -> anyhow::Result<geojson::Feature> {
    let properties = match serde_json::to_value(properties)? {
        serde_json::Value::Object(map) => Some(map),
        other => anyhow::bail!("feature properties must be an object, not {other}"),
    };
    Ok(geojson::Feature {
        geometry: Some(geojson::Geometry::new(geometry)),
        properties,
        ..Default::default()
    })
}
