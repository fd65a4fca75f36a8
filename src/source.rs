//! Source files and spans.
//!
//! A [`SourceFile`] is a path plus its text, shared behind an `Arc` so that
//! diagnostics can point into it without copying. A [`Span`] is a byte range in
//! one file. Line and column are computed only when a diagnostic is rendered.
//!
//! Nothing here reads the filesystem: `discover` does that and hands over text.

use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Index of a file in a [`SourceMap`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FileId(pub u32);

/// A byte range `start..end` in one file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Span {
    pub file: FileId,
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(file: FileId, start: usize, end: usize) -> Self {
        debug_assert!(start <= end, "span start {start} after end {end}");
        Span { file, start, end }
    }

    /// The smallest span covering both `self` and `other` (same file).
    pub fn to(self, other: Span) -> Span {
        Span::new(
            self.file,
            self.start.min(other.start),
            self.end.max(other.end),
        )
    }

    pub fn len(&self) -> usize {
        self.end - self.start
    }

    pub fn is_empty(&self) -> bool {
        self.start == self.end
    }
}

/// One policy file: where it came from and its text.
///
/// A leading UTF-8 byte-order mark is removed when the file is read, so offsets
/// count from the first character after it.
#[derive(Clone, Debug)]
pub struct SourceFile {
    pub id: FileId,
    /// The path as the user named it (or as found under a named directory).
    pub path: PathBuf,
    pub text: Arc<str>,
}

impl SourceFile {
    pub fn new(id: FileId, path: impl Into<PathBuf>, text: &str) -> Self {
        let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
        SourceFile {
            id,
            path: path.into(),
            text: Arc::from(text),
        }
    }

    /// The path with `/` separators, as shown in diagnostics.
    pub fn display_path(&self) -> String {
        display_path(&self.path)
    }

    /// 1-based line and column of a byte offset. Columns count characters
    /// (Unicode scalar values), as rustc does. An offset past the end maps to
    /// the position after the last character.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = floor_char_boundary(&self.text, offset.min(self.text.len()));
        let before = &self.text[..offset];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let column = before[line_start..].trim_end_matches('\r').chars().count() + 1;
        (line, column)
    }
}

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// A path rendered with forward slashes, the same on every platform.
pub fn display_path(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}

/// Every file of one compilation, indexed by [`FileId`].
#[derive(Clone, Debug, Default)]
pub struct SourceMap {
    files: Vec<SourceFile>,
}

impl SourceMap {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a file and returns its id.
    pub fn add(&mut self, path: impl Into<PathBuf>, text: &str) -> FileId {
        let id = FileId(u32::try_from(self.files.len()).expect("fewer than 2^32 files"));
        self.files.push(SourceFile::new(id, path, text));
        id
    }

    pub fn get(&self, id: FileId) -> &SourceFile {
        &self.files[id.0 as usize]
    }

    pub fn files(&self) -> &[SourceFile] {
        &self.files
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters_and_ignores_carriage_returns() {
        let mut map = SourceMap::new();
        let id = map.add("a.scale", "ab\r\nçd = 1\n");
        let file = map.get(id);
        assert_eq!(file.line_col(0), (1, 1));
        assert_eq!(file.line_col(2), (1, 3));
        assert_eq!(file.line_col(4), (2, 1));
        // `ç` is two bytes: `d` is the second character of line 2.
        assert_eq!(file.line_col(6), (2, 2));
    }

    #[test]
    fn byte_order_mark_is_removed() {
        let mut map = SourceMap::new();
        let id = map.add("a.scale", "\u{FEFF}x = 1");
        assert_eq!(&*map.get(id).text, "x = 1");
    }
}
