//! Errors of the feed loader.

use crate::report::Report;
use std::path::PathBuf;

/// Why a feed could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum FeedError {
    /// The folder could not be read.
    #[error("cannot read feed folder {path}: {source}")]
    Folder {
        /// The folder.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// A file exists but could not be read.
    #[error("cannot read {path}: {source}")]
    File {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The feed was read but is not valid; the report names every problem.
    #[error("the feed is not valid:\n{0}")]
    Invalid(Report),
}
