//! Text → [`Ast`]: the pest parser, the tree builder and syntax errors (E001).
//!
//! The grammar lives in `grammar/scale.pest`. pest errors are turned into
//! diagnostics in exactly one place, `errors::syntax_error`, which speaks in
//! user words (never a grammar rule name) and never embeds the offending line,
//! so a 1 MB line cannot become a 1 MB message.
//!
//! Nesting deeper than [`MAX_NESTING`] is rejected by a linear pass before pest
//! runs, so no input deepens the recursion of pest, the tree builder or any
//! later stage past that bound.
//!
//! This stage is pure: no filesystem, terminal or environment.

mod build;
mod directives;
mod errors;
mod nesting;

use pest::Parser;
use pest_derive::Parser;

use crate::ast::Ast;
use crate::diag::Diagnostic;
use crate::source::{SourceFile, line_end, line_start};

#[derive(Parser)]
#[grammar = "../grammar/scale.pest"]
struct ScaleParser;

/// The most syntax errors reported for one file.
const MAX_SYNTAX_ERRORS: usize = 10;

pub use nesting::MAX_NESTING;

/// Parses one file. Returns `None`, with E001 diagnostics in `sink`, when the
/// file does not parse; invalid string escapes are reported too, and the tree is
/// still returned so the rest of the file can be checked.
///
/// Nesting deeper than [`MAX_NESTING`] is found first, in one linear pass, and
/// never reaches pest or the tree builder; the rest of such a file is still
/// parsed for its other errors, but no tree is returned.
///
/// After a syntax error the parser recovers by blanking the offending line and
/// parsing again, so one run reports the errors of every line (up to
/// [`MAX_SYNTAX_ERRORS`]). Statements end at line ends, which makes a line a
/// safe unit to skip; a line holding `{` or `}` is not skipped, since dropping
/// it would unbalance the blocks and report errors that are not there.
pub fn parse_file(file: &SourceFile, sink: &mut Vec<Diagnostic>) -> Option<Ast> {
    let too_deep = nesting::too_deep(&file.text);
    if too_deep.is_empty() {
        return parse_recovering(file, MAX_SYNTAX_ERRORS, sink);
    }
    sink.extend(
        too_deep
            .iter()
            .take(MAX_SYNTAX_ERRORS)
            .map(|part| nesting::diagnostic(file, part)),
    );
    let flattened = SourceFile {
        text: nesting::flatten(&file.text, &too_deep).into(),
        ..file.clone()
    };
    let budget = MAX_SYNTAX_ERRORS.saturating_sub(too_deep.len());
    if budget > 0 {
        // The tree of what is left is built for its string errors, then
        // dropped: a file with a part cut out must not be checked further.
        let _ = parse_recovering(&flattened, budget, sink);
    }
    None
}

/// [`parse_file`] on a file that nests at most one level past
/// [`MAX_NESTING`], reporting at most `budget` (at least 1) syntax errors.
fn parse_recovering(file: &SourceFile, budget: usize, sink: &mut Vec<Diagnostic>) -> Option<Ast> {
    let error = match ScaleParser::parse(Rule::file, &file.text) {
        Ok(mut pairs) => {
            let root = pairs
                .next()
                .expect("the `file` rule always yields one pair");
            return Some(build::build_file(file.id, root, sink));
        }
        Err(error) => error,
    };
    sink.push(errors::syntax_error(file, &error));
    let mut text = file.text.to_string();
    let mut position = errors::error_position(&error);
    for _ in 1..budget {
        if !blank_line_at(&mut text, position) {
            break;
        }
        let Err(error) = ScaleParser::parse(Rule::file, &text) else {
            break;
        };
        let next = errors::error_position(&error);
        if next <= position {
            break;
        }
        position = next;
        let recovered = SourceFile {
            text: text.as_str().into(),
            ..file.clone()
        };
        sink.push(errors::syntax_error(&recovered, &error));
    }
    None
}

/// Replaces the line holding `position` with spaces (byte for byte, so offsets
/// stay valid), unless it is blank or holds a brace. Returns whether it did.
fn blank_line_at(text: &mut String, position: usize) -> bool {
    let start = line_start(text, position);
    let end = line_end(text, start);
    let line = &text[start..end];
    if line.trim().is_empty() || line.contains(['{', '}']) {
        return false;
    }
    let blank = " ".repeat(line.len());
    text.replace_range(start..end, &blank);
    true
}

#[cfg(test)]
mod tests;
