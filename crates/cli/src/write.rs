//! Writing output files safely: a temporary file in the same folder, then a rename, so that a
//! failed write never leaves a half-written or lost file.

use anyhow::Context;
use std::io::Write;
use std::path::Path;

/// Writes `bytes` to `path` atomically. The file gets the permissions of the file it replaces,
/// or the usual `0644` for a new file (a temporary file alone would be `0600`).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let mut builder = tempfile::Builder::new();
    if let Some(p) = std::fs::metadata(path)
        .ok()
        .map(|m| m.permissions())
        .or_else(new_file_permissions)
    {
        builder.permissions(p);
    }
    let mut tmp = builder
        .tempfile_in(dir)
        .with_context(|| format!("cannot create a temporary file in {}", dir.display()))?;
    tmp.write_all(bytes)
        .and_then(|_| tmp.as_file().sync_all())
        .with_context(|| format!("cannot write {}", path.display()))?;
    tmp.persist(path)
        .map_err(|e| e.error)
        .with_context(|| format!("cannot replace {}", path.display()))?;
    Ok(())
}

/// `0644` on Unix; elsewhere the system's default for a new file.
fn new_file_permissions() -> Option<std::fs::Permissions> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        Some(std::fs::Permissions::from_mode(0o644))
    }
    #[cfg(not(unix))]
    {
        None
    }
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
