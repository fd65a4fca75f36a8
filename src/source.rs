//! Source files and spans.
//!
//! A [`SourceFile`] is a path plus its text, shared behind an `Arc` so that
//! diagnostics can point into it without copying. A [`Span`] is a byte range in
//! one file. Line and column are computed only when a diagnostic is rendered.
//!
//! Where lines break is decided here once ([`line_breaks`]): `\r\n`, `\n` and
//! a lone `\r` each end a line, for the grammar, positions, directives and the
//! formatter alike, so that no two stages disagree on which line is which.
//!
//! Nothing here reads the filesystem: `discover` does that and hands over text.

use std::borrow::Cow;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

/// Implements `PartialEq` for structs whose equality ignores where they were
/// written: the fields in `ignoring` (spans, file ids) are skipped, the others
/// compared. Two syntax trees or models are then equal when they say the same
/// thing, so tests compare `parse(fmt(x))` with `parse(x)` directly.
///
/// The pattern names every field, so a field added later must be put in one
/// of the two lists, or the crate does not compile.
macro_rules! eq_ignoring_spans {
    ($($type:ident { $($field:ident),* $(,)? } ignoring { $($ignored:ident),* $(,)? })*) => {
        $(
            impl PartialEq for $type {
                fn eq(&self, other: &Self) -> bool {
                    let $type { $($field,)* $($ignored: _,)* } = self;
                    true $(&& *$field == other.$field)*
                }
            }
        )*
    };
}
pub(crate) use eq_ignoring_spans;

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

    /// Whether `other` lies within `self` (same file).
    pub fn contains(&self, other: Span) -> bool {
        self.file == other.file && self.start <= other.start && other.end <= self.end
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
/// count from the first character after it. The file's [`LineIndex`] is built
/// the first time a position is asked for, and kept: a file's text never
/// changes ([`SourceMap::replace`] makes a new file).
#[derive(Clone, Debug)]
pub struct SourceFile {
    pub id: FileId,
    /// The path as the user named it (or as found under a named directory).
    pub path: PathBuf,
    pub text: Arc<str>,
    /// Why the file could not be read; its text is then empty.
    pub unreadable: Option<Unreadable>,
    lines: OnceLock<LineIndex>,
}

/// Why a file (or a directory of the policy tree) could not be read: an
/// E009 finding, reported by [`crate::compile`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unreadable {
    /// What went wrong, completing "cannot read `PATH`: ".
    pub problem: String,
    /// What the user can do about it.
    pub help: String,
}

impl SourceFile {
    pub fn new(id: FileId, path: impl Into<PathBuf>, text: &str) -> Self {
        let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
        SourceFile {
            id,
            path: path.into(),
            text: Arc::from(text),
            unreadable: None,
            lines: OnceLock::new(),
        }
    }

    /// This file with other text, taken as it is (no byte-order mark is
    /// removed): the parser's recovery passes, which blank or close parts
    /// of the text, parse the result as this file.
    pub fn with_text(&self, text: &str) -> Self {
        SourceFile {
            id: self.id,
            path: self.path.clone(),
            text: Arc::from(text),
            unreadable: self.unreadable.clone(),
            lines: OnceLock::new(),
        }
    }

    /// The path with `/` separators, as shown in diagnostics.
    pub fn display_path(&self) -> String {
        display_path(&self.path)
    }

    /// Where the lines of this file start and end, found once.
    pub fn lines(&self) -> &LineIndex {
        self.lines.get_or_init(|| LineIndex::new(&self.text))
    }

    /// 1-based line and column of a byte offset. Lines are broken by
    /// [`line_breaks`]; columns count characters (Unicode scalar values), as
    /// rustc does. An offset past the end maps to the position after the last
    /// character; an offset inside a line break to the end of its line.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        self.lines().line_col(&self.text, offset)
    }

    /// 0-based line and UTF-16 column of a byte offset: a Language Server
    /// Protocol position (see [`LineIndex::utf16_position`]).
    pub fn utf16_position(&self, offset: usize) -> (u32, u32) {
        self.lines().utf16_position(&self.text, offset)
    }
}

/// The line breaks of `text`, as byte ranges in order. This is the one rule
/// for where lines end, shared by the grammar (`line_end`), positions,
/// suppression directives and the formatter: `\r\n`, `\n` and a lone `\r` are
/// each one line break.
pub fn line_breaks(text: &str) -> impl Iterator<Item = Range<usize>> + '_ {
    let bytes = text.as_bytes();
    let mut at = 0;
    std::iter::from_fn(move || {
        let found = bytes[at..]
            .iter()
            .position(|b| matches!(b, b'\r' | b'\n'))?
            + at;
        let end = if bytes[found] == b'\r' && bytes.get(found + 1) == Some(&b'\n') {
            found + 2
        } else {
            found + 1
        };
        at = end;
        Some(found..end)
    })
}

/// `text` with each lone `\r` turned into `\n`, byte for byte: the same lines
/// at the same offsets, spelled for tools that break lines only at `\n`
/// (miette's snippets among them). `\r\n` is kept as it is.
pub fn lone_cr_as_lf(text: &str) -> Cow<'_, str> {
    let bytes = text.as_bytes();
    let lone = |i: usize| bytes[i] == b'\r' && bytes.get(i + 1) != Some(&b'\n');
    if !(0..bytes.len()).any(lone) {
        return Cow::Borrowed(text);
    }
    let mut out = bytes.to_vec();
    for (i, byte) in out.iter_mut().enumerate() {
        if lone(i) {
            *byte = b'\n';
        }
    }
    Cow::Owned(String::from_utf8(out).expect("one ASCII byte replaced by another"))
}

/// The offset at which each line of `text` starts: 0, then the end of each
/// of its [`line_breaks`].
pub fn line_starts(text: &str) -> impl Iterator<Item = usize> + '_ {
    std::iter::once(0).chain(line_breaks(text).map(|b| b.end))
}

/// The lines of `text` without their [`line_breaks`]. Unlike [`str::lines`],
/// a lone `\r` ends a line, and text ending in a line break has an empty last
/// line.
pub fn lines(text: &str) -> impl Iterator<Item = &str> + '_ {
    let mut starts = line_starts(text);
    let mut breaks = line_breaks(text)
        .map(|b| b.start)
        .chain(std::iter::once(text.len()));
    std::iter::from_fn(move || Some(&text[starts.next()?..breaks.next()?]))
}

/// The offset at which the line holding `offset` starts. An offset inside a
/// `\r\n` belongs to the line the break ends.
pub fn line_start(text: &str, offset: usize) -> usize {
    let bytes = text.as_bytes();
    let mut offset = offset.min(text.len());
    if offset > 0 && bytes.get(offset) == Some(&b'\n') && bytes[offset - 1] == b'\r' {
        offset -= 1;
    }
    // Every `\r` and `\n` is part of a line break, and the last one before
    // `offset` ends one (the `\n` of a `\r\n` comes after its `\r`).
    bytes[..offset]
        .iter()
        .rposition(|b| matches!(b, b'\r' | b'\n'))
        .map_or(0, |i| i + 1)
}

/// The offset at which the line holding `offset` ends: where its line break
/// starts, or the end of the text.
pub fn line_end(text: &str, offset: usize) -> usize {
    let offset = offset.min(text.len());
    text.as_bytes()[offset..]
        .iter()
        .position(|b| matches!(b, b'\r' | b'\n'))
        .map_or(text.len(), |i| offset + i)
}

/// The lines of one text, found once, for callers that ask many times (the
/// renderers): line, column and line bounds by binary search over its
/// [`line_breaks`].
#[derive(Clone, Debug)]
pub struct LineIndex {
    /// Where each line starts.
    starts: Vec<usize>,
    /// Where each line's text ends (its line break starts, or the text ends).
    ends: Vec<usize>,
}

impl LineIndex {
    /// Finds the lines of `text`, in one pass.
    pub fn new(text: &str) -> Self {
        let (mut starts, mut ends) = (vec![0], Vec::new());
        for line_break in line_breaks(text) {
            ends.push(line_break.start);
            starts.push(line_break.end);
        }
        ends.push(text.len());
        LineIndex { starts, ends }
    }

    /// How many lines the text has (text ending in a line break has an empty
    /// last line).
    pub fn len(&self) -> usize {
        self.starts.len()
    }

    pub fn is_empty(&self) -> bool {
        self.starts.is_empty()
    }

    /// The 0-based line holding `offset`; an offset inside a line break
    /// belongs to the line the break ends.
    pub fn line(&self, offset: usize) -> usize {
        self.starts.partition_point(|&start| start <= offset) - 1
    }

    /// Where the 0-based `line` starts and where its text ends, if it exists.
    pub fn bounds(&self, line: usize) -> Option<(usize, usize)> {
        Some((*self.starts.get(line)?, *self.ends.get(line)?))
    }

    /// 1-based line and column of a byte offset of `text` (the text this
    /// index was built from): see [`SourceFile::line_col`].
    pub fn line_col(&self, text: &str, offset: usize) -> (usize, usize) {
        let offset = floor_char_boundary(text, offset.min(text.len()));
        let line = self.line(offset);
        let start = self.starts[line].min(offset);
        let column = text[start..offset].trim_end_matches('\r').chars().count() + 1;
        (line + 1, column)
    }

    /// 0-based line and column of a byte offset of `text`, the column
    /// counted in UTF-16 code units: a Language Server Protocol position.
    /// Like [`LineIndex::line_col`], an offset past the end maps to the end
    /// of the text and an offset inside a line break to the end of its line.
    pub fn utf16_position(&self, text: &str, offset: usize) -> (u32, u32) {
        let offset = floor_char_boundary(text, offset.min(text.len()));
        let line = self.line(offset);
        let start = self.starts[line].min(offset);
        let end = offset.min(self.ends[line]).max(start);
        let column = text[start..end].encode_utf16().count();
        (saturate(line), saturate(column))
    }

    /// The byte offset of `text` at a 0-based line and UTF-16 column (a
    /// Language Server Protocol position), the inverse of
    /// [`LineIndex::utf16_position`]. Positions outside the text are clamped
    /// as the protocol asks: a line past the last is the end of the text, a
    /// column past the end of its line is the end of that line (before its
    /// line break); a column inside a surrogate pair is the start of its
    /// character.
    pub fn utf16_offset(&self, text: &str, line: u32, column: u32) -> usize {
        let Some((start, end)) = self.bounds(line as usize) else {
            return text.len();
        };
        let mut units = 0;
        for (at, c) in text[start..end].char_indices() {
            units += c.len_utf16();
            if units > column as usize {
                return start + at;
            }
        }
        end
    }
}

/// A count as the `u32` of a protocol position; no text scalec reads has
/// 2^32 lines or columns, and a larger one would saturate rather than wrap.
fn saturate(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
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
        let id = self.next_id();
        self.files.push(SourceFile::new(id, path, text));
        id
    }

    /// Adds a file (or directory) that could not be read, with empty text,
    /// and returns its id.
    pub fn add_unreadable(&mut self, path: impl Into<PathBuf>, why: Unreadable) -> FileId {
        let id = self.add(path, "");
        self.files[id.0 as usize].unreadable = Some(why);
        id
    }

    /// Replaces the text of one file, which keeps its id and path (an
    /// editor's unsaved text, or the file read again); a file that could
    /// not be read is readable from now on.
    pub fn replace(&mut self, id: FileId, text: &str) {
        let file = &mut self.files[id.0 as usize];
        *file = SourceFile::new(id, std::mem::take(&mut file.path), text);
    }

    fn next_id(&self) -> FileId {
        FileId(u32::try_from(self.files.len()).expect("fewer than 2^32 files"))
    }

    pub fn get(&self, id: FileId) -> &SourceFile {
        &self.files[id.0 as usize]
    }

    pub fn files(&self) -> &[SourceFile] {
        &self.files
    }

    /// The file added under `path`, if any.
    pub fn find(&self, path: &Path) -> Option<FileId> {
        self.files.iter().find(|f| f.path == path).map(|f| f.id)
    }
}

/// The files of one project, in path order: what [`crate::compile`] checks
/// together, so that references and duplicates resolve across them.
#[derive(Clone, Debug)]
pub struct ProjectFiles {
    pub dir: PathBuf,
    /// Where the project's output goes, relative to the output directory
    /// (see `discover`, which decides it from how the project was named).
    pub output: PathBuf,
    pub files: Vec<FileId>,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Line and column found by scanning the text from its start: what the
    /// index must agree with.
    fn line_col(text: &str, offset: usize) -> (usize, usize) {
        let offset = floor_char_boundary(text, offset.min(text.len()));
        let start = line_start(text, offset);
        let line = line_breaks(&text[..start]).count() + 1;
        let column = text[start..offset].trim_end_matches('\r').chars().count() + 1;
        (line, column)
    }

    #[test]
    fn replacing_a_file_keeps_its_id_and_path_and_renews_its_lines() {
        let mut map = SourceMap::new();
        let a = map.add("a.scale", "x = 1\ny = 2\n");
        let why = Unreadable {
            problem: "gone".into(),
            help: "put it back".into(),
        };
        let b = map.add_unreadable("b.scale", why.clone());
        assert_eq!(map.get(b).unreadable, Some(why));
        // Positions are asked for (the index is built) before the text changes.
        assert_eq!(map.get(a).line_col(8), (2, 3));
        map.replace(a, "\u{FEFF}\n\nx = 1\n");
        let file = map.get(a);
        assert_eq!((file.id, file.path.as_path()), (a, Path::new("a.scale")));
        assert_eq!(&*file.text, "\n\nx = 1\n");
        assert_eq!(file.line_col(4), (3, 3));
        assert_eq!(file.utf16_position(4), (2, 2));
        map.replace(b, "z = 3");
        assert_eq!(map.get(b).unreadable, None);
        assert_eq!(map.find(Path::new("b.scale")), Some(b));
        assert_eq!(map.find(Path::new("c.scale")), None);
        assert_eq!(map.files().len(), 2);
    }

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
    fn crlf_lf_and_lone_cr_are_each_one_line_break() {
        let text = "a\r\nb\nc\rd\r\re\n\r";
        let breaks: Vec<Range<usize>> = line_breaks(text).collect();
        assert_eq!(breaks, [1..3, 4..5, 6..7, 8..9, 9..10, 11..12, 12..13]);
        let all: Vec<&str> = lines(text).collect();
        assert_eq!(all, ["a", "b", "c", "d", "", "e", "", ""]);
        assert_eq!(lines("").collect::<Vec<_>>(), [""]);
    }

    #[test]
    fn positions_agree_in_every_line_break_spelling() {
        for newline in ["\n", "\r\n", "\r"] {
            let text = ["ab", "", "çd = 1", ""].join(newline);
            let d = text.find('d').expect("a d");
            assert_eq!(line_col(&text, d), (3, 2), "{newline:?}");
            assert_eq!(line_col(&text, 2), (1, 3), "{newline:?}");
            let index = LineIndex::new(&text);
            assert_eq!(index.line(d), 2, "{newline:?}");
            assert_eq!(line_start(&text, d), d - 'ç'.len_utf8(), "{newline:?}");
            assert_eq!(
                line_end(&text, d),
                text.len() - newline.len(),
                "{newline:?}"
            );
        }
    }

    #[test]
    fn lone_cr_as_lf_keeps_offsets_and_lines() {
        let text = "a\rb\r\nc\r";
        let spelled = lone_cr_as_lf(text);
        assert_eq!(spelled, "a\nb\r\nc\n");
        assert_eq!(
            line_breaks(&spelled).collect::<Vec<_>>(),
            line_breaks(text).collect::<Vec<_>>()
        );
        assert!(matches!(lone_cr_as_lf("a\r\nb\n"), Cow::Borrowed(_)));
    }

    #[test]
    fn an_offset_inside_crlf_belongs_to_the_line_it_ends() {
        let text = "ab\r\ncd";
        assert_eq!(line_col(text, 3), (1, 3));
        assert_eq!(line_start(text, 3), 0);
        assert_eq!(LineIndex::new(text).line(3), 0);
        assert_eq!(line_col(text, 4), (2, 1));
        assert_eq!(line_col(text, 99), (2, 3));
    }

    #[test]
    fn byte_order_mark_is_removed() {
        let mut map = SourceMap::new();
        let id = map.add("a.scale", "\u{FEFF}x = 1");
        assert_eq!(&*map.get(id).text, "x = 1");
    }

    #[test]
    fn utf16_positions_count_surrogate_pairs_as_two() {
        // `é` is 2 bytes and 1 unit; `😀` 4 bytes and 2 units.
        let text = "é😀x\r\n😀\ry";
        let index = LineIndex::new(text);
        assert_eq!(index.utf16_position(text, 0), (0, 0));
        assert_eq!(index.utf16_position(text, 2), (0, 1));
        assert_eq!(index.utf16_position(text, 6), (0, 3));
        // Inside the `\r\n`: the end of line 0.
        assert_eq!(index.utf16_position(text, 8), (0, 4));
        assert_eq!(index.utf16_position(text, 9), (1, 0));
        assert_eq!(index.utf16_position(text, 13), (1, 2));
        assert_eq!(index.utf16_position(text, 14), (2, 0));
        assert_eq!(index.utf16_position(text, 99), (2, 1));
        // Inside `😀`: its start.
        assert_eq!(index.utf16_position(text, 4), (0, 1));
        for offset in [0, 2, 6, 7, 9, 13, 14, 15] {
            let (line, column) = index.utf16_position(text, offset);
            assert_eq!(index.utf16_offset(text, line, column), offset, "{offset}");
        }
        // Between the two units of `😀`: the start of the character.
        assert_eq!(index.utf16_offset(text, 0, 2), 2);
        // Past the end of a line, of the text.
        assert_eq!(index.utf16_offset(text, 0, 40), 7);
        assert_eq!(index.utf16_offset(text, 7, 0), text.len());
    }

    #[test]
    fn line_index_agrees_with_line_col_at_every_offset() {
        let text = "a\r\nçé\rx\n\n\r\ry = 1\r\n\u{1b}[31m z";
        let index = LineIndex::new(text);
        for offset in 0..=text.len() + 2 {
            assert_eq!(
                index.line_col(text, offset),
                line_col(text, offset),
                "offset {offset}"
            );
        }
        assert_eq!(index.len(), line_starts(text).count());
        assert_eq!(index.bounds(1), Some((3, 7)));
        assert_eq!(index.bounds(index.len()), None);
    }
}
