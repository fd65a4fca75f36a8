//! [`OutputSet`] → a directory: write it, or compare it with what is there.
//!
//! Writes are atomic per file (a temporary file in the same directory, then a
//! rename), and a file is rewritten only when its text changes. A file that
//! is in the directory but not in the set is deleted only when its first line
//! says scalec generated it: a file scalec did not write is never touched.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use similar::TextDiff;
use walkdir::WalkDir;

use crate::emit::{GENERATED_MARK, OutputSet};
use crate::error::Error;

/// What a write or a comparison found.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Changes {
    /// Files whose text differs, with a unified diff (old → new).
    pub changed: Vec<(PathBuf, String)>,
    /// Files the set has and the directory lacks.
    pub missing: Vec<PathBuf>,
    /// Generated files the directory has and the set no longer does.
    pub stale: Vec<PathBuf>,
    /// Files already up to date.
    pub unchanged: usize,
}

impl Changes {
    pub fn is_empty(&self) -> bool {
        self.changed.is_empty() && self.missing.is_empty() && self.stale.is_empty()
    }
}

/// Compares `set` with the directory `out` without writing anything.
pub fn compare(out: &Path, set: &OutputSet) -> Result<Changes, Error> {
    let mut changes = Changes::default();
    for (path, content) in &set.files {
        let full = out.join(path);
        match fs::read_to_string(&full) {
            Ok(existing) if existing == *content => changes.unchanged += 1,
            Ok(existing) => {
                let name = crate::source::display_path(&full);
                let diff = TextDiff::from_lines(&existing, content)
                    .unified_diff()
                    .context_radius(3)
                    .header(&name, &name)
                    .to_string();
                changes.changed.push((path.clone(), diff));
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                changes.missing.push(path.clone())
            }
            Err(source) => return Err(Error::Path { path: full, source }),
        }
    }
    changes.stale = stale_files(out, set)?;
    Ok(changes)
}

/// Writes `set` into `out` and deletes stale generated files.
pub fn write(out: &Path, set: &OutputSet) -> Result<Changes, Error> {
    let changes = compare(out, set)?;
    let to_write = changes
        .changed
        .iter()
        .map(|(path, _)| path)
        .chain(&changes.missing);
    for path in to_write {
        write_atomically(&out.join(path), &set.files[path])?;
    }
    for path in &changes.stale {
        let full = out.join(path);
        fs::remove_file(&full).map_err(|source| Error::Write {
            path: full.clone(),
            source,
        })?;
        remove_empty_parents(out, &full);
    }
    Ok(changes)
}

/// Files under `out`, relative to it, that scalec generated and `set` lacks.
fn stale_files(out: &Path, set: &OutputSet) -> Result<Vec<PathBuf>, Error> {
    if !out.is_dir() {
        return Ok(Vec::new());
    }
    let mut stale = Vec::new();
    for entry in WalkDir::new(out).sort_by_file_name() {
        let entry = entry.map_err(|e| Error::Walk {
            path: e.path().unwrap_or(out).to_path_buf(),
            message: e.to_string(),
        })?;
        if !entry.file_type().is_file() {
            continue;
        }
        let relative = entry
            .path()
            .strip_prefix(out)
            .expect("walkdir yields paths below its root")
            .to_path_buf();
        if !set.files.contains_key(&relative) && is_generated(entry.path()) {
            stale.push(relative);
        }
    }
    Ok(stale)
}

/// Whether a file's first line carries scalec's generated mark.
fn is_generated(path: &Path) -> bool {
    let Ok(mut file) = fs::File::open(path) else {
        return false;
    };
    let mut head = [0u8; 256];
    let n = std::io::Read::read(&mut file, &mut head).unwrap_or(0);
    let first_line = head[..n].split(|b| *b == b'\n').next().unwrap_or(&[]);
    String::from_utf8_lossy(first_line).contains(GENERATED_MARK)
}

/// Writes a complete file or nothing: a temporary file beside it, then a rename.
pub fn write_atomically(path: &Path, content: &str) -> Result<(), Error> {
    let error = |source| Error::Write {
        path: path.to_path_buf(),
        source,
    };
    let dir = path.parent().expect("output files live in a directory");
    fs::create_dir_all(dir).map_err(error)?;
    let name = path
        .file_name()
        .expect("output files have names")
        .to_string_lossy();
    let temporary = dir.join(format!(".{name}.scalec-tmp"));
    let result = fs::File::create(&temporary)
        .and_then(|mut file| {
            file.write_all(content.as_bytes())?;
            file.sync_all()
        })
        .and_then(|()| fs::rename(&temporary, path));
    if result.is_err() {
        let _ = fs::remove_file(&temporary);
    }
    result.map_err(error)
}

/// Removes the directories above a deleted file that it left empty, up to `out`.
fn remove_empty_parents(out: &Path, file: &Path) {
    let mut dir = file.parent();
    while let Some(current) = dir {
        if current == out || !current.starts_with(out) || fs::remove_dir(current).is_err() {
            break;
        }
        dir = current.parent();
    }
}
