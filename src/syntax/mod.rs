//! Text → [`Ast`]: the parsers, the tree builder and syntax errors (E001).
//!
//! The grammar lives in `grammar/scale.pest`. A file that parses is read by
//! the hand-written parser in [`fast`], which gives the tree pest would give
//! at a fraction of its cost; every other file goes to pest, the reference,
//! whose tree builder and errors are what users see. pest errors are turned into
//! diagnostics in exactly one place, `errors::syntax_error`, which speaks in
//! user words (never a grammar rule name) and never embeds the offending line,
//! so a 1 MB line cannot become a 1 MB message.
//!
//! Nesting deeper than [`MAX_NESTING`] never reaches a tree: the fast
//! parser gives up past it, and a linear pass finds it before pest runs, so
//! no input deepens the recursion of the parsers, the tree builder or any
//! later stage past that bound.
//!
//! This stage is pure: no filesystem, terminal or environment.

mod build;
mod chunks;
mod directives;
mod errors;
mod fast;
mod nesting;
mod unclosed;

pub use unclosed::Nested;

use pest::Parser;
use pest_derive::Parser;

use crate::ast::{Ast, Block, Item};
use crate::diag::Diagnostic;
use crate::source::{SourceFile, Span, line_end, line_start};

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
/// Nesting deeper than [`MAX_NESTING`] makes the fast parser give up; it is
/// then found in one linear pass and never reaches pest or the tree builder;
/// the rest of such a file is still parsed for its other errors, but no tree
/// is returned.
///
/// After a syntax error the parser recovers by blanking the offending line and
/// parsing again, so one run reports the errors of every line (up to
/// [`MAX_SYNTAX_ERRORS`]). Statements end at line ends, which makes a line a
/// safe unit to skip; a line holding `{` or `}` is not skipped, since dropping
/// it would unbalance the blocks and report errors that are not there.
/// [`parse`] returns what that recovery kept, and what is known of a file
/// whose last top-level block is not closed.
pub fn parse_file(file: &SourceFile, sink: &mut Vec<Diagnostic>) -> Option<Ast> {
    match parse_outcome(file, sink) {
        Outcome::Parsed(ast) => Some(ast),
        Outcome::Recovered(_) | Outcome::Failed | Outcome::TooDeep => None,
    }
}

/// What [`parse`] makes of one file.
#[derive(Clone, Debug)]
pub enum Parsed {
    /// The file parsed without any error.
    Whole(Ast),
    /// The file has syntax errors, reported as E001, and the rest of it is
    /// known exactly: see [`Recovered`].
    Recovered(Recovered),
    /// The file has syntax errors and nothing of it is known for certain:
    /// nesting past [`MAX_NESTING`], a `}` that closes no block, an error on
    /// a line that holds `{` or `}`, or more than [`MAX_SYNTAX_ERRORS`]
    /// errors. When a top-level block is never closed, only such errors
    /// before it count: the rest of the file is in that block (see
    /// [`Recovered`]).
    Nothing,
}

/// A file with syntax errors, as far as the parser recovered it.
///
/// Recovery blanks each line that holds an error and never one that holds `{`
/// or `}`; strings and comments end with their line. So the blocks of the
/// recovered text are the blocks of the file as written, and a top-level item
/// that holds no error is exactly what was written. A top-level block that
/// holds an error is kept as a stub: its kind and label, which stand on its
/// first line with its `{` and so were never blanked, and no items.
///
/// A top-level block that is never closed runs, as far as the grammar goes,
/// to the end of the file, so everything after its `{` is unknown, even lines
/// its writer may have meant as more top-level blocks; the blocks before it
/// are not touched by the missing `}`. It is a stub too, from its kind to the
/// end of the file. The text after its `{` is read for its syntax errors
/// only (those of [`parse_file`]): none of its comments or directives are
/// kept.
#[derive(Clone, Debug)]
pub struct Recovered {
    /// The file's top-level items: blocks without an error as written, and a
    /// stub for each block with one. Top-level attributes with an error are
    /// left out. Comments and directives are those of the recovered text.
    pub ast: Ast,
    /// The spans of the stubs in `ast.items`: blocks whose items are unknown.
    pub broken: Vec<Span>,
    /// Whether an error lies outside every top-level block: a top-level line
    /// that did not parse, or a top-level attribute with an error. What it
    /// was meant to be is unknown.
    pub loose: bool,
    /// The blocks opened inside a top-level block that is never closed (a
    /// stub), with the kind of the block each opens in. Any of them may
    /// have been meant as a top-level block after a forgotten `}`: which
    /// kinds may stand at the top level is the language schema's to say
    /// (`compile` asks it), not the parser's.
    pub swallowed: Vec<Nested>,
}

/// Parses one file and keeps what is known of it despite its syntax errors
/// (see [`Recovered`]). Diagnostics are those of [`parse_file`]; a file with
/// an invalid string escape is [`Parsed::Recovered`] too, with the block that
/// holds the string as a stub, since the string's value is not what was meant.
pub fn parse(file: &SourceFile, sink: &mut Vec<Diagnostic>) -> Parsed {
    let start = sink.len();
    let ast = match parse_outcome(file, sink) {
        Outcome::Parsed(ast) if sink.len() == start => return Parsed::Whole(ast),
        Outcome::Parsed(ast) | Outcome::Recovered(ast) => ast,
        Outcome::Failed => {
            return recover_unclosed(file, &sink[start..])
                .map_or(Parsed::Nothing, Parsed::Recovered);
        }
        Outcome::TooDeep => return Parsed::Nothing,
    };
    let errors: Vec<usize> = sink[start..].iter().map(|d| d.span.start).collect();
    Parsed::Recovered(recovered(ast, &errors))
}

/// What is known of a file that did not parse (its syntax errors are
/// `errors`, the diagnostics of [`parse_file`]) because a top-level block is
/// never closed: the items before that block, recovered as usual, and a stub
/// for it (see [`Recovered`]). `None` when no block is left open, a `}`
/// closes none, or what comes before the block does not recover.
fn recover_unclosed(file: &SourceFile, errors: &[Diagnostic]) -> Option<Recovered> {
    let unclosed = unclosed::find(&file.text)?;
    let mut positions: Vec<usize> = errors.iter().map(|d| d.span.start).collect();
    // At the limit the parse stopped with errors left unreported, all after
    // its last one: none is before the block only if that one is not.
    let last = positions.iter().copied().max();
    if positions.len() >= MAX_SYNTAX_ERRORS && last.is_none_or(|p| p < unclosed.open) {
        return None;
    }
    // The same text up to the block's `{`, so the same errors before it; the
    // recovering parser reads that part as it reads any file. Its diagnostics
    // are dropped: `errors` are the file's.
    let closed = file.with_text(&unclosed::closed(&file.text, unclosed.open));
    let mut scratch = Vec::new();
    let outcome = match fast_parse(&closed) {
        Some(ast) => Outcome::Parsed(ast),
        None => parse_recovering(&closed, MAX_SYNTAX_ERRORS, &mut scratch),
    };
    let ast = match outcome {
        Outcome::Parsed(ast) | Outcome::Recovered(ast) => ast,
        Outcome::Failed | Outcome::TooDeep => return None,
    };
    // Every error either parse saw marks what holds it; the block's own `{`
    // makes it a stub whatever was reported.
    positions.extend(scratch.iter().map(|d| d.span.start));
    positions.push(unclosed.open);
    let mut recovered = recovered(ast, &positions);
    // The stub ends at the `}` added past the end of the text.
    let end = file.text.len();
    let clamp = |span: &mut Span| span.end = span.end.min(end);
    for item in &mut recovered.ast.items {
        if let Item::Block(block) = item {
            clamp(&mut block.span);
        }
    }
    recovered.broken.iter_mut().for_each(clamp);
    for directive in &mut recovered.ast.directives {
        if let crate::ast::DirectiveKind::Allow {
            target: Some(target),
            ..
        } = &mut directive.kind
        {
            clamp(target);
        }
    }
    debug_assert!(
        (recovered.broken.iter()).any(|s| s.start <= unclosed.open && unclosed.open < s.end),
        "the unclosed block is a stub"
    );
    recovered.swallowed = unclosed.nested;
    Some(recovered)
}

/// Turns the tree of a recovered text into a [`Recovered`], given the
/// positions of the file's syntax errors.
fn recovered(mut ast: Ast, errors: &[usize]) -> Recovered {
    let mut errors = errors.to_vec();
    errors.sort_unstable();
    // Items are in source order and do not overlap: one pass over both.
    let holds = |span: Span| {
        let first = errors.partition_point(|&p| p < span.start);
        errors.get(first).is_some_and(|&p| p < span.end)
    };
    let mut in_blocks = 0;
    let mut broken = Vec::new();
    for item in std::mem::take(&mut ast.items) {
        let span = item.span();
        if !holds(span) {
            ast.items.push(item);
        } else if let Item::Block(block) = item {
            in_blocks += errors.partition_point(|&p| p < span.end)
                - errors.partition_point(|&p| p < span.start);
            broken.push(span);
            ast.items.push(Item::Block(Block {
                items: Vec::new(),
                ..block
            }));
        }
    }
    let loose = in_blocks < errors.len();
    Recovered {
        ast,
        broken,
        loose,
        swallowed: Vec::new(),
    }
}

/// What parsing one file gave: the tree of the text as written, the tree of
/// the text with the lines that hold errors blanked, or nothing (because
/// recovery stopped, or because the file nests too deeply).
enum Outcome {
    Parsed(Ast),
    Recovered(Ast),
    Failed,
    TooDeep,
}

fn parse_outcome(file: &SourceFile, sink: &mut Vec<Diagnostic>) -> Outcome {
    if let Some(ast) = chunks::parse(file).or_else(|| fast_parse(file)) {
        return Outcome::Parsed(ast);
    }
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
    let flattened = file.with_text(&nesting::flatten(&file.text, &too_deep));
    let budget = MAX_SYNTAX_ERRORS.saturating_sub(too_deep.len());
    if budget > 0 {
        // The tree of what is left is built for its string errors, then
        // dropped: a file with a part cut out must not be checked further.
        let _ = parse_recovering(&flattened, budget, sink);
    }
    Outcome::TooDeep
}

/// [`parse_outcome`] by pest, on a file that nests at most one level past
/// [`MAX_NESTING`], reporting at most `budget` (at least 1) syntax errors.
fn parse_recovering(file: &SourceFile, budget: usize, sink: &mut Vec<Diagnostic>) -> Outcome {
    let error = match ScaleParser::parse(Rule::file, &file.text) {
        Ok(mut pairs) => {
            let root = pairs
                .next()
                .expect("the `file` rule always yields one pair");
            return Outcome::Parsed(build::build_file(file.id, root, sink));
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
        let error = match ScaleParser::parse(Rule::file, &text) {
            Ok(mut pairs) => {
                let root = pairs
                    .next()
                    .expect("the `file` rule always yields one pair");
                return Outcome::Recovered(build::build_file(file.id, root, sink));
            }
            Err(error) => error,
        };
        let next = errors::error_position(&error);
        if next <= position {
            break;
        }
        position = next;
        let recovered = file.with_text(&text);
        sink.push(errors::syntax_error(&recovered, &error));
    }
    Outcome::Failed
}

/// The tree of a whole file from the fast parser ([`fast`]), or `None`
/// when pest must read it.
fn fast_parse(file: &SourceFile) -> Option<Ast> {
    let (items, comments) = fast::parse(file.id, &file.text, 0)?;
    let directives = directives::read(&file.text, &comments, &items);
    Some(Ast {
        file: file.id,
        items,
        comments,
        directives,
    })
}

/// Checks the fast parser's contract ([`fast`]) on one text: when it gives
/// a tree, pest parses the text without a diagnostic to the same tree,
/// spans and comments included; when pest does, so does the fast parser.
/// Texts that nest past [`MAX_NESTING`] are never given to either parser
/// whole and are not judged. For the tests and the fuzz targets.
#[doc(hidden)]
pub fn check_fast_parser(text: &str) -> Result<(), String> {
    if !nesting::too_deep(text).is_empty() {
        return Ok(());
    }
    let file = crate::source::FileId(0);
    let fast = fast::parse(file, text, 0);
    let mut sink = Vec::new();
    let reference = ScaleParser::parse(Rule::file, text)
        .ok()
        .and_then(|mut pairs| pairs.next())
        .map(|root| build::build_file(file, root, &mut sink))
        .filter(|_| sink.is_empty());
    match (fast, reference) {
        (None, None) => Ok(()),
        (Some(_), None) => Err(format!(
            "the fast parser accepts what pest rejects: {text:?}"
        )),
        (None, Some(_)) => Err(format!(
            "the fast parser rejects what pest parses: {text:?}"
        )),
        (Some((items, comments)), Some(ast)) => {
            let fast = format!("{items:#?}\n{comments:#?}");
            let reference = format!("{:#?}\n{:#?}", ast.items, ast.comments);
            if fast == reference {
                Ok(())
            } else {
                let diff = similar::TextDiff::from_lines(&reference, &fast);
                Err(format!(
                    "the trees differ (- pest, + fast) for {text:?}:\n{}",
                    diff.unified_diff().context_radius(4)
                ))
            }
        }
    }
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
