//! The nesting limit, checked in one linear pass before pest and the tree
//! builder see the text.
//!
//! pest, the tree builder, lowering and the formatter all recurse once per
//! level of `{`, `[` or `(`, so input that nests deeply enough would overflow
//! the stack. Nesting is the only way input deepens any recursion in scalec,
//! and this pass bounds it: a file that nests more than [`MAX_NESTING`] levels
//! is reported (E001) and its too-deep parts are never parsed.

use std::ops::Range;

use crate::diag::{Diagnostic, codes};
use crate::source::{SourceFile, Span, line_end};

/// The deepest nesting of `{`, `[` and `(` (counted together) a file may
/// have. Real policies nest three or four levels; the limit leaves room for
/// any hand-written policy while keeping every recursive stage far from the
/// end of its stack, debug builds and 2 MiB test threads included.
pub const MAX_NESTING: usize = 64;

/// A part of a file nested deeper than [`MAX_NESTING`]: from the first
/// bracket past the limit to the bracket that closes it (or to the end of the
/// file, when nothing does).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct TooDeep {
    /// The opening bracket at level `MAX_NESTING + 1`.
    pub open: usize,
    /// The bracket that closes it, if any.
    pub close: Option<usize>,
}

/// Every part of `text` nested deeper than [`MAX_NESTING`], in order. Strings
/// and comments are skipped as the grammar reads them: a string ends at its
/// closing quote or at the end of its line, a comment at the end of its line.
/// Bracket kinds are not matched; pest reports a mismatch.
pub(super) fn too_deep(text: &str) -> Vec<TooDeep> {
    let mut found = Vec::new();
    let mut depth = 0usize;
    let mut open: Option<usize> = None;
    for (i, byte) in code_bytes(text) {
        match byte {
            b'{' | b'[' | b'(' => {
                depth += 1;
                if depth == MAX_NESTING + 1 {
                    open = Some(i);
                }
            }
            b'}' | b']' | b')' => {
                if depth == MAX_NESTING + 1
                    && let Some(open) = open.take()
                {
                    found.push(TooDeep {
                        open,
                        close: Some(i),
                    });
                }
                depth = depth.saturating_sub(1);
            }
            _ => {}
        }
    }
    if let Some(open) = open {
        found.push(TooDeep { open, close: None });
    }
    found
}

/// The bytes of `text` outside strings and comments, with their offsets,
/// read as the grammar reads them: a comment ends at its line end (the
/// line break is code again), a string at its closing quote or its line
/// end. The scans before pest (nesting, blocks left open, where a large
/// file may be cut) act only on ASCII bytes, so walking bytes never splits
/// a character in a way that matters.
pub(super) fn code_bytes(text: &str) -> impl Iterator<Item = (usize, u8)> + '_ {
    let bytes = text.as_bytes();
    let mut i = 0;
    std::iter::from_fn(move || {
        loop {
            let &byte = bytes.get(i)?;
            match byte {
                b'#' => i = line_end(text, i),
                b'"' => i = string_end(bytes, i),
                _ => {
                    i += 1;
                    return Some((i - 1, byte));
                }
            }
        }
    })
}

/// The offset just after the string starting at `start`: after its closing
/// quote, or at the end of its line when it is not closed.
fn string_end(bytes: &[u8], start: usize) -> usize {
    let mut i = start + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => return i + 1,
            b'\r' | b'\n' => return i,
            b'\\' if matches!(bytes.get(i + 1), Some(b'"' | b'\\')) => i += 2,
            _ => i += 1,
        }
    }
    i
}

/// The E001 for one too-deep part, on its first bracket past the limit.
pub(super) fn diagnostic(file: &SourceFile, part: &TooDeep) -> Diagnostic {
    Diagnostic::error(
        codes::SYNTAX_ERROR,
        format!("blocks, lists or calls are nested too deeply: more than {MAX_NESTING} levels"),
        Span::new(file.id, part.open, part.open + 1),
    )
    .with_label(format!("level {} starts here", MAX_NESTING + 1))
    .with_help(format!(
        "flatten the structure: policies need only a few levels of `{{`, `[` and `(`, \
         and scalec reads at most {MAX_NESTING}"
    ))
}

/// `text` with the inside of every too-deep part blanked (byte for byte, line
/// breaks kept, so offsets and lines stay valid): what remains nests at most
/// [`MAX_NESTING`] + 1 levels and can be parsed for the file's other errors.
pub(super) fn flatten(text: &str, parts: &[TooDeep]) -> String {
    let mut bytes = text.as_bytes().to_vec();
    for part in parts {
        let inside: Range<usize> = part.open + 1..part.close.unwrap_or(bytes.len());
        for byte in &mut bytes[inside] {
            if !matches!(byte, b'\r' | b'\n') {
                *byte = b' ';
            }
        }
    }
    String::from_utf8(bytes).expect("only whole characters between ASCII brackets are blanked")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nested(open: &str, close: &str, depth: usize) -> String {
        format!("a = {}1{}\n", open.repeat(depth), close.repeat(depth))
    }

    #[test]
    fn nesting_up_to_the_limit_passes() {
        assert!(too_deep(&nested("[", "]", MAX_NESTING)).is_empty());
        assert!(too_deep(&nested("f(", ")", MAX_NESTING)).is_empty());
    }

    #[test]
    fn the_first_bracket_past_the_limit_is_found_with_its_closer() {
        let text = nested("[", "]", MAX_NESTING + 3);
        let open = "a = ".len() + MAX_NESTING;
        // After the closer: `MAX_NESTING` closers and the line break.
        let close = text.len() - 2 - MAX_NESTING;
        assert_eq!(
            too_deep(&text),
            [TooDeep {
                open,
                close: Some(close)
            }]
        );
        let flat = flatten(&text, &too_deep(&text));
        assert_eq!(flat.len(), text.len());
        let inside = &flat[open..=close];
        assert!(inside.starts_with('[') && inside.ends_with(']'), "{inside}");
        assert!(inside[1..inside.len() - 1].trim().is_empty(), "{inside}");
        // The part's own brackets stay, so the file still reads the same
        // around it: it nests one level past the limit, and no further.
        assert_eq!(too_deep(&flat).len(), 1);
    }

    #[test]
    fn brackets_in_strings_and_comments_do_not_count() {
        let deep = "[".repeat(MAX_NESTING + 1);
        let text = format!("a = \"{deep}\" # {deep}\nb = \"\\\"{deep}\n");
        assert!(too_deep(&text).is_empty());
    }

    #[test]
    fn an_unclosed_part_runs_to_the_end_of_the_file() {
        let text = "a = ".to_string() + &"[".repeat(10_000);
        let parts = too_deep(&text);
        assert_eq!(
            parts,
            [TooDeep {
                open: 4 + MAX_NESTING,
                close: None
            }]
        );
        let flat = flatten(&text, &parts);
        assert_eq!(
            flat.trim_end(),
            "a = ".to_string() + &"[".repeat(MAX_NESTING + 1)
        );
    }
}
