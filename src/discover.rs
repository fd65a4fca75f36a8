//! Paths → projects and their source files. The only code that reads input.
//!
//! A project is one directory: every `.scale` file directly inside it, except
//! hidden ones (`.#a.scale` editor locks and the like). A named directory is
//! walked (walkdir, skipping hidden directories) and every directory holding
//! `.scale` files is a project. `check` and `build` follow symlinked
//! directories (reading is harmless); `fmt`, which writes, does not. A named
//! file stands for its whole directory's project, so cross-file references
//! still resolve; a named file must be a `.scale` file.
//! Files are sorted by path, so the order of the walk never shows in the output.
//!
//! A file that cannot be read, is not UTF-8, or is a dangling link is added
//! to the source map with no text, marked [`Unreadable`] with the reason, and
//! so is a directory that cannot be read; the other files are still read.
//! [`crate::compile`] reports each as E009. A named path that does not
//! exist is an [`Error`].
//!
//! [`load_with`] also takes a [`Buffer`]: text that stands for one file (an
//! editor's unsaved buffer, `check --stdin`; [`load_buffers`] takes several,
//! the language server's open documents). That file is named as if on the
//! command line, its text replaces whatever is on disk, and the file need not
//! exist, though its directory must; the rest of its project is read from disk.
//! It is reported under its path as given, and text that is not UTF-8 is E009
//! as for a file.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Component, Path, PathBuf};

use walkdir::WalkDir;

use crate::error::Error;
use crate::source::{FileId, ProjectFiles, SourceMap, Unreadable};

/// The extension of policy files.
pub const EXTENSION: &str = "scale";

/// Everything read from disk for one run: what [`crate::compile`] takes.
/// A file or directory that could not be read is in `sources`, marked
/// [`Unreadable`](crate::source::Unreadable).
#[derive(Debug, Default)]
pub struct Workspace {
    pub sources: SourceMap,
    pub projects: Vec<ProjectFiles>,
}

/// Text that stands for the file at `path`, whatever is on disk there.
#[derive(Clone, Debug)]
pub struct Buffer {
    pub path: PathBuf,
    pub bytes: Vec<u8>,
}

/// Finds the projects under `paths` and reads their files.
pub fn load(paths: &[PathBuf]) -> Result<Workspace, Error> {
    load_with(paths, None)
}

/// Like [`load`], with `buffer` named too and read in place of its file.
pub fn load_with(paths: &[PathBuf], buffer: Option<&Buffer>) -> Result<Workspace, Error> {
    load_buffers(paths, buffer.map(std::slice::from_ref).unwrap_or_default())
}

/// Like [`load`], with each of `buffers` named too and read in place of its
/// file (the language server's open documents). Two buffers for one path:
/// the last wins.
pub fn load_buffers(paths: &[PathBuf], buffers: &[Buffer]) -> Result<Workspace, Error> {
    let mut projects: BTreeMap<PathBuf, Vec<PathBuf>> = BTreeMap::new();
    let mut broken = Vec::new();
    let mut outputs: BTreeMap<PathBuf, PathBuf> = BTreeMap::new();
    let by_path: BTreeMap<PathBuf, &Buffer> =
        buffers.iter().map(|b| (normalize(&b.path), b)).collect();
    let named = paths.iter().map(|p| (p, false));
    let named = named.chain(buffers.iter().map(|b| (&b.path, true)));
    for (path, is_buffer) in named {
        if !is_buffer && is_dir(path)? {
            let before: Vec<PathBuf> = projects.keys().cloned().collect();
            walk(path, true, &mut projects, &mut broken);
            let root = normalize(path);
            for dir in projects.keys().filter(|d| !before.contains(d)) {
                let below = dir.strip_prefix(&root).unwrap_or(dir);
                outputs.entry(dir.clone()).or_insert_with(|| {
                    if below.as_os_str().is_empty() {
                        PathBuf::from(dir_name(&root))
                    } else {
                        below.to_path_buf()
                    }
                });
            }
        } else {
            require_policy_file(path)?;
            if is_buffer && fs::metadata(path).is_ok_and(|m| m.is_dir()) {
                return Err(Error::Refused {
                    path: path.clone(),
                    reason: "it is a directory; name the file the text stands for".to_string(),
                });
            }
            let dir = normalize(path.parent().unwrap_or(Path::new("")));
            outputs
                .entry(dir.clone())
                .or_insert_with(|| PathBuf::from(dir_name(&dir)));
            let files = project_files(&dir)?;
            let entry = projects.entry(dir).or_default();
            entry.extend(files);
            entry.push(normalize(path));
        }
    }
    let mut workspace = Workspace::default();
    unreadable_dirs(&mut workspace, broken);
    for (dir, mut files) in projects {
        files.sort();
        files.dedup();
        let ids = files
            .iter()
            .map(|file| match by_path.get(file) {
                Some(buffer) => add_bytes(&mut workspace, &buffer.path, buffer.bytes.clone()),
                None => read(&mut workspace, file),
            })
            .collect();
        let output = outputs
            .get(&dir)
            .cloned()
            .unwrap_or_else(|| PathBuf::from(dir_name(&dir)));
        workspace.projects.push(ProjectFiles {
            dir,
            output,
            files: ids,
        });
    }
    Ok(workspace)
}

/// Reads the `.scale` files under `paths` one by one, for commands that work
/// on files rather than projects (`fmt`): a named file is read alone, a named
/// directory is walked. Each file is a project of its own in the result.
pub fn load_files(paths: &[PathBuf]) -> Result<Workspace, Error> {
    let mut files = Vec::new();
    let mut broken = Vec::new();
    for path in paths {
        if is_dir(path)? {
            let mut projects = BTreeMap::new();
            walk(path, false, &mut projects, &mut broken);
            files.extend(projects.into_values().flatten());
        } else {
            require_policy_file(path)?;
            files.push(normalize(path));
        }
    }
    files.sort();
    files.dedup();
    let mut workspace = Workspace::default();
    unreadable_dirs(&mut workspace, broken);
    for file in files {
        let id = read(&mut workspace, &file);
        let dir = file.parent().map(Path::to_path_buf).unwrap_or_default();
        workspace.projects.push(ProjectFiles {
            output: PathBuf::new(),
            dir,
            files: vec![id],
        });
    }
    Ok(workspace)
}

/// Whether a named path is a directory; a path that cannot be examined (does
/// not exist, no permission) is an error: scalec cannot do what was asked.
fn is_dir(path: &Path) -> Result<bool, Error> {
    fs::metadata(path)
        .map(|metadata| metadata.is_dir())
        .map_err(|source| Error::Path {
            path: path.to_path_buf(),
            source,
        })
}

/// A named file must be a policy file: `fmt .env` must not rewrite `.env`.
fn require_policy_file(path: &Path) -> Result<(), Error> {
    if has_extension(path) {
        Ok(())
    } else {
        Err(Error::Refused {
            path: path.to_path_buf(),
            reason: format!("it is not a policy file: scalec reads only `.{EXTENSION}` files"),
        })
    }
}

/// Adds every directory under `root` that holds `.scale` files. An entry
/// that cannot be examined does not end the walk: a `.scale` file (say, a
/// dangling link) joins its project and is reported when read; any other
/// unreadable directory is added to `broken` with the reason.
fn walk(
    root: &Path,
    follow_links: bool,
    projects: &mut BTreeMap<PathBuf, Vec<PathBuf>>,
    broken: &mut Vec<(PathBuf, String)>,
) {
    let walker = WalkDir::new(root)
        .follow_links(follow_links)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|entry| entry.depth() == 0 || !is_hidden(entry.file_name()));
    for entry in walker {
        let entry = match entry {
            Ok(entry) => entry,
            Err(error) => {
                let Some(path) = error.path() else { continue };
                if path.file_name().is_some_and(is_hidden) {
                    continue;
                }
                if has_extension(path) {
                    let dir = normalize(path.parent().unwrap_or(Path::new("")));
                    projects.entry(dir).or_default().push(normalize(path));
                } else if error.loop_ancestor().is_none()
                    && error
                        .io_error()
                        .is_some_and(|e| e.kind() != std::io::ErrorKind::NotFound)
                {
                    broken.push((normalize(path), error.to_string()));
                }
                continue;
            }
        };
        if !entry.file_type().is_dir()
            && has_extension(entry.path())
            && !is_hidden(entry.file_name())
        {
            let dir = normalize(entry.path().parent().unwrap_or(Path::new("")));
            projects
                .entry(dir)
                .or_default()
                .push(normalize(entry.path()));
        }
    }
}

/// Each directory that could not be read, as an unreadable source (E009).
fn unreadable_dirs(workspace: &mut Workspace, broken: Vec<(PathBuf, String)>) {
    for (path, problem) in broken {
        let help = "give scalec permission to read it, or move it out of the policy tree; \
                    the other files were still read";
        workspace.sources.add_unreadable(
            &path,
            Unreadable {
                problem,
                help: help.to_string(),
            },
        );
    }
}

/// The `.scale` files directly inside `dir`.
fn project_files(dir: &Path) -> Result<Vec<PathBuf>, Error> {
    let read_dir = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    let entries = fs::read_dir(read_dir).map_err(|source| Error::Path {
        path: read_dir.to_path_buf(),
        source,
    })?;
    Ok(entries
        .filter_map(Result::ok)
        .map(|entry| dir.join(entry.file_name()))
        .filter(|path| has_extension(path) && !path.is_dir())
        .filter(|path| !path.file_name().is_some_and(is_hidden))
        .collect())
}

/// A directory's own name, also for `.` and `` (the current directory).
fn dir_name(dir: &Path) -> String {
    let named = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    named
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .or_else(|| {
            fs::canonicalize(named)
                .ok()?
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
        })
        .unwrap_or_else(|| "project".to_string())
}

fn has_extension(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == EXTENSION)
}

fn is_hidden(name: &std::ffi::OsStr) -> bool {
    name.to_str()
        .is_some_and(|n| n.starts_with('.') && n != "." && n != "..")
}

/// Drops `.` components and trailing separators, so one directory named two
/// ways is one project.
fn normalize(path: &Path) -> PathBuf {
    path.components()
        .filter(|c| !matches!(c, Component::CurDir))
        .collect()
}

/// Reads one file into the source map, or records E009.
fn read(workspace: &mut Workspace, path: &Path) -> FileId {
    let problem = match fs::metadata(path) {
        Ok(metadata) if !metadata.is_file() => "it is not a regular file".to_string(),
        Ok(_) => match fs::read(path) {
            Ok(bytes) => return add_bytes(workspace, path, bytes),
            Err(e) => e.to_string(),
        },
        Err(_) if fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) => {
            "it is a symbolic link to a file that does not exist".to_string()
        }
        Err(e) => e.to_string(),
    };
    unreadable(workspace, path, problem)
}

/// Adds a file's bytes to the source map, or records E009 if they are not UTF-8.
fn add_bytes(workspace: &mut Workspace, path: &Path, bytes: Vec<u8>) -> FileId {
    match String::from_utf8(bytes) {
        Ok(text) => workspace.sources.add(path, &text),
        Err(e) => unreadable(
            workspace,
            path,
            format!(
                "it is not UTF-8 text (invalid byte at offset {})",
                e.utf8_error().valid_up_to()
            ),
        ),
    }
}

/// Adds a file that could not be read, with empty text (E009).
fn unreadable(workspace: &mut Workspace, path: &Path, problem: String) -> FileId {
    let help = if problem.contains("UTF-8") {
        "save the file as UTF-8 text; the other files were still parsed"
    } else if problem.contains("symbolic link") {
        "remove the link or point it at a policy file; the other files were still parsed"
    } else {
        "make the file readable, or move it out of the policy tree; the other files were still parsed"
    };
    workspace.sources.add_unreadable(
        path,
        Unreadable {
            problem,
            help: help.to_string(),
        },
    )
}
