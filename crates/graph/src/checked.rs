//! Graph files checked once: the first opening of a file reads every byte (each section's
//! checksum, every record decoded, every index checked); a later opening of the same bytes
//! skips that and reads only the pages a query touches.
//!
//! What counts as "the same bytes" is the file's identity: device, inode, size, modification
//! and status-change times (to the nanosecond) and the checksum of its section table, with the
//! silkroute version that checked it. Any write to the file changes its status-change time,
//! which no program can set back, and `silkroute build` writes a new file (a new inode); so a
//! file that changed is checked again. A file changed *while* it is mapped is outside this (and
//! outside every mapped-file reader's contract: see docs/big-networks.md).
//!
//! File times have the resolution of the kernel's clock tick (a few milliseconds), so a file
//! written twice within one tick at the same size could keep its times. As git does for its
//! index ("racy git"), a file changed less than [`SETTLED`] before it was checked is not
//! remembered: it is checked at every opening until its times are older than that.
//!
//! The stamps are small text files, one per file (device and inode), in
//! `$SILKROUTE_CHECKED_DIR`, else `$XDG_CACHE_HOME/silkroute/checked`, else
//! `$HOME/.cache/silkroute/checked`. When none can be written, every opening checks.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

/// How long ago a file must have changed for its check to be remembered.
pub(crate) const SETTLED: Duration = Duration::from_secs(2);

/// The identity of a file's bytes as checked (see the module's documentation).
pub(crate) struct Identity {
    /// The stamp's file name: device and inode.
    name: String,
    /// The stamp's text: everything that must match.
    text: String,
    /// When the file last changed (its status-change time).
    changed: SystemTime,
}

/// The identity of the open `file`, whose section table has checksum `table_crc`; `None`
/// where the platform gives no inode and status-change time.
pub(crate) fn identity(file: &std::fs::File, table_crc: u32) -> Option<Identity> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let m = file.metadata().ok()?;
        Some(Identity {
            name: format!("{:x}-{:x}", m.dev(), m.ino()),
            text: format!(
                "silkroute {} graph file format {}: checked\n\
                 device {} inode {} size {} modified {}.{:09} changed {}.{:09} table {:08x}\n",
                env!("CARGO_PKG_VERSION"),
                crate::file::FORMAT_VERSION,
                m.dev(),
                m.ino(),
                m.size(),
                m.mtime(),
                m.mtime_nsec(),
                m.ctime(),
                m.ctime_nsec(),
                table_crc
            ),
            changed: SystemTime::UNIX_EPOCH
                + Duration::new(
                    m.ctime().max(0) as u64,
                    m.ctime_nsec().clamp(0, 999_999_999) as u32,
                ),
        })
    }
    #[cfg(not(unix))]
    {
        let _ = (file, table_crc);
        None
    }
}

/// The folder of the stamps.
fn folder() -> Option<PathBuf> {
    let var = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty());
    var("SILKROUTE_CHECKED_DIR")
        .map(PathBuf::from)
        .or_else(|| var("XDG_CACHE_HOME").map(|d| Path::new(&d).join("silkroute/checked")))
        .or_else(|| var("HOME").map(|d| Path::new(&d).join(".cache/silkroute/checked")))
}

/// Whether these exact bytes were checked before.
pub(crate) fn remembered(id: &Identity) -> bool {
    folder()
        .and_then(|f| std::fs::read_to_string(f.join(&id.name)).ok())
        .is_some_and(|text| text == id.text)
}

/// Remembers that these bytes passed every check. Best effort: a stamp that cannot be written
/// only means that the next opening checks again.
pub(crate) fn remember(id: &Identity) {
    let settled = SystemTime::now()
        .duration_since(id.changed)
        .is_ok_and(|age| age >= SETTLED);
    let Some(folder) = folder().filter(|_| settled) else {
        return;
    };
    if std::fs::create_dir_all(&folder).is_err() {
        return;
    }
    if let Ok(mut stamp) = atomic_write_file::AtomicWriteFile::open(folder.join(&id.name)) {
        use std::io::Write;
        if stamp.write_all(id.text.as_bytes()).is_ok() {
            let _ = stamp.commit();
        }
    }
}
