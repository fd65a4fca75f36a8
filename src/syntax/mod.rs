//! Text → [`Ast`]: the pest parser, the tree builder and syntax errors (E001).
//!
//! The grammar lives in `grammar/scale.pest`. pest errors are turned into
//! diagnostics in exactly one place, [`syntax_error`], which speaks in user words
//! (never a grammar rule name) and never embeds the offending line, so a 1 MB
//! line cannot become a 1 MB message.
//!
//! This stage is pure: no filesystem, terminal or environment.

mod build;
mod errors;

use pest::Parser;
use pest_derive::Parser;

use crate::ast::Ast;
use crate::diag::Diagnostic;
use crate::source::SourceFile;

#[derive(Parser)]
#[grammar = "../grammar/scale.pest"]
struct ScaleParser;

/// Parses one file. Returns `None`, with an E001 diagnostic in `sink`, when the
/// file does not parse; invalid string escapes are reported too, and the tree is
/// still returned so the rest of the file can be checked.
pub fn parse_file(file: &SourceFile, sink: &mut Vec<Diagnostic>) -> Option<Ast> {
    match ScaleParser::parse(Rule::file, &file.text) {
        Ok(mut pairs) => {
            let root = pairs
                .next()
                .expect("the `file` rule always yields one pair");
            Some(build::build_file(file.id, root, sink))
        }
        Err(error) => {
            sink.push(errors::syntax_error(file, &error));
            None
        }
    }
}

#[cfg(test)]
mod tests;
