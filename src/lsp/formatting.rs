//! `textDocument/formatting`: the edits that turn a document into what
//! `scalec fmt` writes.
//!
//! The text is formatted by the same code as `scalec fmt` (the library's
//! formatter, behind the command's refusal of a file with a syntax error),
//! then compared line by line with the document, so that each changed run of
//! lines is one edit and the editor keeps its cursor, marks and folds on the
//! lines that did not change. The editor's tab and space options are not
//! read: the layout is canonical.

use std::time::Duration;

use lsp_types::{Position, Range, TextEdit};

use super::documents::Document;
use crate::source::{LineIndex, SourceMap};

/// The edits that format `document`, or why it is left as it is: the first
/// syntax error, as `check --format short` prints it.
pub fn format(document: &Document) -> Result<Vec<TextEdit>, String> {
    let mut sources = SourceMap::new();
    let id = sources.add(document.check_path(), &document.text);
    let file = sources.get(id);
    let formatted = crate::format(file).map_err(|diagnostics| {
        let first = diagnostics
            .first()
            .map(|d| crate::render::short_line(d, &sources))
            .unwrap_or_default();
        let more = match diagnostics.len() {
            0 | 1 => String::new(),
            n => format!(" (and {} more)", n - 1),
        };
        format!("scalec left the document as it is: fix its syntax first: {first}{more}")
    })?;
    // The source has no byte-order mark; the editor's text may: the mark
    // stays, one UTF-16 unit before the first line's text.
    let bom = document.text.starts_with('\u{FEFF}');
    Ok(edits(&file.text, &formatted, u32::from(bom)))
}

/// The edits that turn `old` into `new`, one per changed run of lines, in
/// UTF-16 positions of `old` (whose first line starts `shift` units in).
pub fn edits(old: &str, new: &str, shift: u32) -> Vec<TextEdit> {
    if old == new {
        return Vec::new();
    }
    let diff = similar::TextDiff::configure()
        .timeout(Duration::from_millis(200))
        .diff_lines(old, new);
    let (old_lines, new_lines) = (diff.old_slices(), diff.new_slices());
    // Where each old line starts: its offset in `old`.
    let mut starts = Vec::with_capacity(old_lines.len() + 1);
    let mut at = 0;
    for line in old_lines {
        starts.push(at);
        at += line.len();
    }
    starts.push(at);
    let index = LineIndex::new(old);
    let position = |offset: usize| {
        let (line, character) = index.utf16_position(old, offset);
        Position::new(
            line,
            if line == 0 {
                character + shift
            } else {
                character
            },
        )
    };
    diff.grouped_ops(0)
        .iter()
        .filter_map(|group| {
            let (first, last) = (group.first()?, group.last()?);
            let old_range = first.old_range().start..last.old_range().end;
            let new_range = first.new_range().start..last.new_range().end;
            Some(TextEdit {
                range: Range::new(
                    position(starts[old_range.start]),
                    position(starts[old_range.end]),
                ),
                new_text: new_lines[new_range].concat(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Applies edits (sorted, not overlapping) to `text`.
    fn apply(text: &str, edits: &[TextEdit]) -> String {
        let index = LineIndex::new(text);
        let mut out = text.to_string();
        for edit in edits.iter().rev() {
            let at = |p: Position| index.utf16_offset(text, p.line, p.character);
            out.replace_range(at(edit.range.start)..at(edit.range.end), &edit.new_text);
        }
        out
    }

    #[test]
    fn edits_cover_only_the_changed_lines() {
        let old = "a\nb  =  1\nc\r\nd\n😀 e\n";
        let new = "a\nb = 1\nc\nd\n😀 e\n";
        let found = edits(old, new, 0);
        assert_eq!(apply(old, &found), new);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(
            found[0].range,
            Range::new(Position::new(1, 0), Position::new(3, 0))
        );
        assert!(edits(new, new, 0).is_empty());
        // A missing final newline, text added at the end.
        assert_eq!(apply("x", &edits("x", "x\ny\n", 0)), "x\ny\n");
        assert_eq!(apply("", &edits("", "x\n", 0)), "x\n");
    }
}
