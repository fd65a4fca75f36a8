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
    /// scalec will not do what was asked with this path, and says why.
    Refused { path: PathBuf, reason: String },
    /// A build would have to replace files that scalec may not replace.
    Conflicts {
        out: PathBuf,
        conflicts: Vec<(PathBuf, String)>,
    },
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
            Error::Refused { path, reason } => {
                write!(f, "refusing to use `{}`: {reason}", display_path(path))
            }
            Error::Conflicts { out, conflicts } => {
                write!(
                    f,
                    "nothing was written: scalec may not replace {} in `{}`:",
                    crate::lint::util::plural(conflicts.len() as u128, "file"),
                    display_path(out)
                )?;
                for (path, reason) in conflicts {
                    write!(f, "\n  {}: {reason}", display_path(&out.join(path)))?;
                }
                write!(
                    f,
                    "\nscalec replaces only files it wrote and that are unchanged since \
                     (they are listed in `.scalec-manifest`); move these away, or delete them \
                     if they are output of an older scalec"
                )
            }
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Path { source, .. } | Error::Write { source, .. } => Some(source),
            Error::Walk { .. } | Error::Refused { .. } | Error::Conflicts { .. } => None,
        }
    }
}
