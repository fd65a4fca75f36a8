//! A file whose last top-level block is never closed: the state of most files
//! while they are typed.
//!
//! Everything after that block's `{` belongs to it as far as the grammar goes,
//! so it is all unknown; what comes before it is not touched by the missing
//! `}`. [`find`] locates the block with a brace scan that reads strings and
//! comments as the grammar does, and [`closed`] makes a text the recovering
//! parser can read: the same text up to the `{`, blanks after it, and a `}`
//! at the end.

use super::nesting::code_bytes;

/// The top-level block of a file that is never closed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Unclosed {
    /// The offset of its `{`.
    pub open: usize,
    /// Each block opened inside it: its kind and the kind of the block it
    /// opens in. `compile` asks the language's schema whether one of them
    /// may have been meant as a top-level block after a forgotten `}`.
    pub nested: Vec<Nested>,
}

/// A block opened inside a block that is never closed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Nested {
    pub kind: String,
    /// The kind of the block it opens in.
    pub parent: String,
}

/// The top-level block of `text` that is never closed, if braces, read
/// outside strings and comments, leave one open and never close one that
/// was not opened. The block is the last one opened at the top level: the
/// blocks before it were closed.
pub(super) fn find(text: &str) -> Option<Unclosed> {
    // The kinds of the blocks open at `i`, outermost first.
    let mut open_kinds: Vec<&str> = Vec::new();
    let mut open = 0;
    let mut nested = Vec::new();
    // Where the statement at `i` starts: after a line break, `;`, `{` or `}`.
    let mut statement = 0;
    for (i, byte) in code_bytes(text) {
        match byte {
            b'{' => {
                let kind = head_kind(&text[statement..i]);
                match open_kinds.last() {
                    None => {
                        open = i;
                        nested.clear();
                    }
                    Some(parent) => nested.push(Nested {
                        kind: kind.to_string(),
                        parent: parent.to_string(),
                    }),
                }
                open_kinds.push(kind);
                statement = i + 1;
            }
            b'}' => {
                open_kinds.pop()?;
                statement = i + 1;
            }
            b';' | b'\r' | b'\n' => statement = i + 1,
            _ => {}
        }
    }
    (!open_kinds.is_empty()).then_some(Unclosed { open, nested })
}

/// The kind a block's head names: its first word.
fn head_kind(head: &str) -> &str {
    let head = head.trim_start();
    let end = head
        .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '-')))
        .unwrap_or(head.len());
    &head[..end]
}

/// `text` with everything after `open` blanked (byte for byte, line breaks
/// kept, so offsets and lines stay valid) and a `}` appended: the block that
/// opens at `open` is closed, empty, and ends one byte past the end of `text`.
pub(super) fn closed(text: &str, open: usize) -> String {
    let mut bytes = Vec::with_capacity(text.len() + 1);
    bytes.extend_from_slice(&text.as_bytes()[..=open]);
    bytes.extend(
        text.as_bytes()[open + 1..]
            .iter()
            .map(|&b| if matches!(b, b'\r' | b'\n') { b } else { b' ' }),
    );
    bytes.push(b'}');
    String::from_utf8(bytes).expect("whole characters after an ASCII `{` are blanked")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The text from the unclosed block's `{`, and whether a block inside
    /// it may have been meant for the top level.
    fn open_of(text: &str) -> Option<(&str, bool)> {
        find(text).map(|u| (&text[u.open..], swallows_top_level(&u.nested)))
    }

    fn swallows_top_level(nested: &[Nested]) -> bool {
        use crate::lower::schema;
        nested
            .iter()
            .any(|n| schema::may_be_meant_for_top_level(&n.kind, &n.parent))
    }

    #[test]
    fn the_last_block_opened_at_the_top_level_is_the_unclosed_one() {
        assert_eq!(
            open_of("a {\n}\nb {\n  c {\n  }\n"),
            Some(("{\n  c {\n  }\n", false))
        );
        assert_eq!(open_of("a {\n  c {\n"), Some(("{\n  c {\n", false)));
        assert_eq!(open_of("a {\n}\n"), None);
        assert_eq!(open_of("x = 1\n"), None);
    }

    #[test]
    fn a_brace_that_closes_nothing_is_not_an_unclosed_block() {
        assert_eq!(open_of("}\na {\n"), None);
        assert_eq!(open_of("a {\n}\n}\nb {\n"), None);
    }

    #[test]
    fn braces_in_strings_and_comments_do_not_count() {
        assert_eq!(open_of("a = \"{\"\n# {\n"), None);
        assert_eq!(
            open_of("a \"}\" {\n  b = \"\\\"}\" # }\n"),
            Some(("{\n  b = \"\\\"}\" # }\n", false))
        );
        // An unclosed string ends at its line end, as in the grammar.
        assert_eq!(open_of("a = \"x\nb {\n"), Some(("{\n", false)));
    }

    #[test]
    fn a_top_level_kind_inside_the_block_is_noticed_at_any_depth() {
        assert_eq!(
            open_of("service a {\nservice b {\n}\n").map(|o| o.1),
            Some(true)
        );
        assert_eq!(
            open_of("service a {\n  health {\n  metric m {}\n").map(|o| o.1),
            Some(true)
        );
        assert_eq!(
            open_of("service a {\n  scale cpu { x = 1 }\n").map(|o| o.1),
            Some(false)
        );
        assert_eq!(
            open_of("metric m {\n  selector {\n").map(|o| o.1),
            Some(false)
        );
        // Only blocks inside the unclosed one count.
        assert_eq!(
            open_of("service a { service b {} }\nservice c {\n").map(|o| o.1),
            Some(false)
        );
        // `a; service b {` opens `service`; a kind that only looks alike does not count.
        assert_eq!(
            open_of("x {\n  a = 1; service b {}\n").map(|o| o.1),
            Some(true)
        );
        assert_eq!(
            open_of("service a {\n  services b {}\n").map(|o| o.1),
            Some(false)
        );
    }

    #[test]
    fn closing_keeps_every_offset_and_line_break() {
        let text = "a {\r\n  é = \"}\"\n";
        let closed = closed(text, 2);
        let blanked = " ".repeat("  é = \"}\"".len());
        assert_eq!(closed, format!("a {{\r\n{blanked}\n}}"));
        assert_eq!(closed.len(), text.len() + 1);
    }
}
