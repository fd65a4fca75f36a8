//! Operational failures: scalec could not do its job (exit code 2). Problems in
//! the user's policies are never errors here; they are diagnostics.

use std::fmt;
use std::io;
use std::path::PathBuf;

use crate::source::display_path;

/// Why scalec could not run.
#[derive(Debug)]
pub enum Error {
    /// A path named on the command line does not exist or cannot be examined.
    Path { path: PathBuf, source: io::Error },
    /// Walking a directory failed.
    Walk { path: PathBuf, message: String },
    /// Writing output failed.
    Write { path: PathBuf, source: io::Error },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Path { path, source } => {
                write!(f, "cannot read `{}`: {source}", display_path(path))
            }
            Error::Walk { path, message } => {
                write!(f, "cannot walk `{}`: {message}", display_path(path))
            }
            Error::Write { path, source } => {
                write!(f, "cannot write `{}`: {source}", display_path(path))
            }
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Path { source, .. } | Error::Write { source, .. } => Some(source),
            Error::Walk { .. } => None,
        }
    }
}
