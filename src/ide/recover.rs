//! A syntax tree for a file that does not parse, for the features that read
//! the tree (hover, navigation, rename, symbols).
//!
//! [`syntax::parse_file`] comes first: whatever tree it gives is used as it
//! is. When it gives none, the text is repaired in place and parsed again:
//! blocks left open are closed where the indentation says they end, and the
//! line of each syntax error is blanked (a line with braces keeps its braces
//! and the kind and label before `{`, so the blocks stay balanced). Blanking
//! keeps every offset; the closing braces are insertions, and every span of
//! the tree is mapped back to the original text, so the tree points into the
//! text the editor holds.

use crate::ast::{Ast, DirectiveKind, Item, Value, ValueKind};
use crate::diag::codes;
use crate::source::{SourceFile, Span, line_end, line_start, line_starts};
use crate::syntax;

use super::lex::{self, TokenKind};

/// How many repairs are tried before giving up.
const MAX_REPAIRS: usize = 64;

/// The syntax tree of `file`, repaired if it does not parse; `None` when no
/// repair makes it parse.
pub fn parse_tolerant(file: &SourceFile) -> Option<Ast> {
    let mut sink = Vec::new();
    if let Some(ast) = syntax::parse_file(file, &mut sink) {
        return Some(ast);
    }
    let (mut text, inserts) = close_open_blocks(&file.text);
    for _ in 0..MAX_REPAIRS {
        let repaired = file.with_text(&text);
        sink.clear();
        if let Some(mut ast) = syntax::parse_file(&repaired, &mut sink) {
            let map = |offset: usize| to_original(offset, &inserts);
            remap(&mut ast, &map);
            return Some(ast);
        }
        let position = sink
            .iter()
            .filter(|d| d.code == codes::SYNTAX_ERROR)
            .map(|d| d.span.start)
            .min()?;
        if !repair_line(&mut text, position) {
            return None;
        }
    }
    None
}

/// What is open at a point of the text, and the indentation of the line
/// that opened it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Open {
    Brace(usize),
    Bracket(usize),
    Paren(usize),
}

impl Open {
    fn indent(self) -> usize {
        match self {
            Open::Brace(i) | Open::Bracket(i) | Open::Paren(i) => i,
        }
    }

    fn closer(self) -> &'static str {
        match self {
            Open::Brace(_) => "}",
            Open::Bracket(_) => "]",
            Open::Paren(_) => ")",
        }
    }
}

/// `text` with the braces, brackets and parentheses it leaves open closed,
/// and the insertions as (offset in the new text, length). A block or list
/// ends before the first line indented no deeper than the line that opened
/// it (unless that line closes it), a list also before a `}`, and whatever
/// is still open at the end of the text. Nothing is inserted when every
/// kind of bracket balances.
fn close_open_blocks(text: &str) -> (String, Vec<(usize, usize)>) {
    let tokens = lex::lex(text);
    let count = |kind: TokenKind| tokens.iter().filter(|t| t.kind == kind).count();
    let balanced = count(TokenKind::LBrace) <= count(TokenKind::RBrace)
        && count(TokenKind::LBracket) <= count(TokenKind::RBracket)
        && count(TokenKind::LParen) <= count(TokenKind::RParen);
    if balanced {
        return (text.to_string(), Vec::new());
    }
    let mut open: Vec<Open> = Vec::new();
    // What to insert where, in the original text, in order.
    let mut closers: Vec<(usize, String)> = Vec::new();
    let mut tokens = tokens.iter().peekable();
    for start in line_starts(text) {
        let end = line_end(text, start);
        let line = &text[start..end];
        let indent = line.len() - line.trim_start_matches([' ', '\t']).len();
        let mut on_line = Vec::new();
        while let Some(token) = tokens.next_if(|t| t.start < end.max(start + 1)) {
            if !matches!(token.kind, TokenKind::Newline | TokenKind::Comment) {
                on_line.push(*token);
            }
        }
        let Some(first) = on_line.first() else {
            continue;
        };
        // A line at or left of the line that opened something ends it,
        // unless it starts with its closer.
        let closes = |top: Open| match top {
            Open::Brace(_) => first.kind == TokenKind::RBrace,
            Open::Bracket(_) => first.kind == TokenKind::RBracket,
            Open::Paren(_) => first.kind == TokenKind::RParen,
        };
        while let Some(&top) = open.last() {
            if top.indent() < indent || closes(top) {
                break;
            }
            open.pop();
            closers.push((start, format!("{}\n", top.closer())));
        }
        for token in &on_line {
            match token.kind {
                TokenKind::LBrace => open.push(Open::Brace(indent)),
                TokenKind::LBracket => open.push(Open::Bracket(indent)),
                TokenKind::LParen => open.push(Open::Paren(indent)),
                TokenKind::RBrace | TokenKind::RBracket | TokenKind::RParen => {
                    let wanted = |o: &Open| match token.kind {
                        TokenKind::RBrace => matches!(o, Open::Brace(_)),
                        TokenKind::RBracket => matches!(o, Open::Bracket(_)),
                        _ => matches!(o, Open::Paren(_)),
                    };
                    // What is open inside the one this closes ends here; a
                    // closer with nothing of its kind open is left alone.
                    if let Some(at) = open.iter().rposition(wanted) {
                        for inner in open.drain(at + 1..).rev() {
                            closers.push((token.start, inner.closer().to_string()));
                        }
                        open.pop();
                    }
                }
                _ => {}
            }
        }
    }
    let mut out = String::with_capacity(text.len() + 4 * open.len());
    let mut inserts = Vec::new();
    let mut copied = 0;
    for (at, closer) in closers {
        out.push_str(&text[copied..at]);
        copied = at;
        inserts.push((out.len(), closer.len()));
        out.push_str(&closer);
    }
    out.push_str(&text[copied..]);
    for top in open.into_iter().rev() {
        let closer = match top {
            Open::Brace(_) => "\n}",
            other => other.closer(),
        };
        inserts.push((out.len(), closer.len()));
        out.push_str(closer);
    }
    (out, inserts)
}

/// The offset in the original text of `offset` in the repaired one. An
/// offset inside an insertion maps to where it was inserted.
fn to_original(offset: usize, inserts: &[(usize, usize)]) -> usize {
    let mut shift = 0;
    for &(at, len) in inserts {
        if offset < at {
            break;
        }
        if offset < at + len {
            return at - shift;
        }
        shift += len;
    }
    offset - shift
}

/// Blanks what makes the line at `position` fail. A line without braces is
/// blanked whole. A line with braces keeps them, and the kind and label
/// before its first `{`; if that changes nothing the whole line goes.
/// Returns whether the text changed.
fn repair_line(text: &mut String, position: usize) -> bool {
    let start = line_start(text, position);
    let end = line_end(text, start);
    let line = &text[start..end];
    if line.trim().is_empty() {
        return false;
    }
    let kept = keep_braces(line);
    let repaired = if kept != line {
        kept
    } else {
        " ".repeat(line.len())
    };
    if repaired == line {
        return false;
    }
    text.replace_range(start..end, &repaired);
    true
}

/// `line` with only its braces and, before the first `{`, the block's kind
/// and label; every other byte becomes a space.
fn keep_braces(line: &str) -> String {
    let mut out: Vec<u8> = vec![b' '; line.len()];
    let tokens = lex::lex(line);
    let first_open = tokens.iter().position(|t| t.kind == TokenKind::LBrace);
    if let Some(open) = first_open {
        let head = &tokens[..open];
        let kind = head.first().filter(|t| t.kind == TokenKind::Ident);
        let label = head.get(1).filter(|t| {
            matches!(
                t.kind,
                TokenKind::Ident | TokenKind::String { terminated: true }
            )
        });
        for token in kind.into_iter().chain(kind.and(label)) {
            out[token.start..token.end].copy_from_slice(&line.as_bytes()[token.start..token.end]);
        }
    }
    for token in &tokens {
        if matches!(token.kind, TokenKind::LBrace | TokenKind::RBrace) {
            out[token.start] = line.as_bytes()[token.start];
        }
    }
    // Every byte is a space or a byte of a whole token copied as it is, so
    // the result is UTF-8, as long as the line.
    String::from_utf8(out).expect("whole tokens and spaces")
}

/// Maps every span of `ast` with `map`.
fn remap(ast: &mut Ast, map: &dyn Fn(usize) -> usize) {
    let fix = |span: &mut Span| {
        span.start = map(span.start);
        span.end = map(span.end).max(span.start);
    };
    fn items(list: &mut [Item], fix: &dyn Fn(&mut Span)) {
        for item in list {
            match item {
                Item::Block(block) => {
                    fix(&mut block.span);
                    fix(&mut block.kind.span);
                    if let Some(label) = &mut block.label {
                        fix(&mut label.span);
                    }
                    items(&mut block.items, fix);
                }
                Item::Attribute(attribute) => {
                    fix(&mut attribute.span);
                    fix(&mut attribute.name.span);
                    value(&mut attribute.value, fix);
                }
            }
        }
    }
    fn value(value_: &mut Value, fix: &dyn Fn(&mut Span)) {
        fix(&mut value_.span);
        match &mut value_.kind {
            ValueKind::Range(a, b) | ValueKind::Rate(a, b) => {
                value(a, fix);
                value(b, fix);
            }
            ValueKind::List(list) => list.iter_mut().for_each(|v| value(v, fix)),
            ValueKind::Call(function, args) => {
                fix(&mut function.span);
                args.iter_mut().for_each(|v| value(v, fix));
            }
            ValueKind::Quantity(_)
            | ValueKind::String(_)
            | ValueKind::Bool(_)
            | ValueKind::Ident(_) => {}
        }
    }
    items(&mut ast.items, &fix);
    for comment in &mut ast.comments {
        fix(&mut comment.span);
    }
    for directive in &mut ast.directives {
        fix(&mut directive.span);
        if let DirectiveKind::Allow { rules, target, .. } = &mut directive.kind {
            for (_, span) in rules {
                fix(span);
            }
            if let Some(target) = target {
                fix(target);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ast::Block;
    use crate::source::SourceMap;

    fn parse(text: &str) -> Option<Ast> {
        let mut map = SourceMap::new();
        let id = map.add("a.scale", text);
        parse_tolerant(map.get(id))
    }

    fn blocks(items: &[Item]) -> Vec<&Block> {
        items
            .iter()
            .filter_map(|i| match i {
                Item::Block(b) => Some(b),
                Item::Attribute(_) => None,
            })
            .collect()
    }

    #[test]
    fn a_file_that_parses_is_parsed_as_it_is() {
        let text = "service api {\n  image = \"a:1\"\n}\n";
        let ast = parse(text).expect("parses");
        let mut sink = Vec::new();
        let mut map = SourceMap::new();
        let id = map.add("a.scale", text);
        let strict = syntax::parse_file(map.get(id), &mut sink).expect("parses");
        assert_eq!(ast, strict);
        assert_eq!(ast.items[0].span(), strict.items[0].span());
    }

    #[test]
    fn a_bad_line_is_left_out_and_the_rest_kept_at_its_offsets() {
        let text = "service api {\n  image = \"a:1\"\n  repl\n  replicas = 2 .. 4\n}\n";
        let ast = parse(text).expect("repaired");
        let service = blocks(&ast.items)[0];
        let names: Vec<&str> = service
            .items
            .iter()
            .map(|i| match i {
                Item::Attribute(a) => &text[a.name.span.start..a.name.span.end],
                Item::Block(_) => "",
            })
            .collect();
        assert_eq!(names, ["image", "replicas"]);
    }

    #[test]
    fn an_unclosed_block_ends_where_the_indentation_does() {
        let text =
            "service api {\n  image = \"a:1\"\n  scale cpu {\n}\nservice b {\n  image = \"b:1\"\n";
        let ast = parse(text).expect("repaired");
        let top = blocks(&ast.items);
        let labels: Vec<&str> = top
            .iter()
            .map(|b| b.label.as_ref().map_or("", |l| l.text.as_str()))
            .collect();
        assert_eq!(labels, ["api", "b"]);
        let scale = blocks(&top[0].items)[0];
        assert_eq!(scale.kind.name, "scale");
        for block in top {
            assert!(block.span.end <= text.len(), "{block:?}");
            let label = block.label.as_ref().expect("label");
            assert_eq!(&text[label.span.start..label.span.end], label.text);
        }
    }

    #[test]
    fn a_bad_line_with_braces_keeps_its_block() {
        let text =
            "service api {\n  scale cpu { utilization = }\n  scale memory x { average = 1Gi }\n}\n";
        let ast = parse(text).expect("repaired");
        let service = blocks(&ast.items)[0];
        let kinds: Vec<String> = blocks(&service.items)
            .iter()
            .map(|b| format!("{} {}", b.kind.name, b.label.as_ref().unwrap().text))
            .collect();
        assert_eq!(kinds, ["scale cpu", "scale memory"]);
    }

    #[test]
    fn offsets_map_back_across_insertions() {
        let inserts = [(4, 2), (10, 2)];
        assert_eq!(to_original(3, &inserts), 3);
        assert_eq!(to_original(4, &inserts), 4);
        assert_eq!(to_original(5, &inserts), 4);
        assert_eq!(to_original(6, &inserts), 4);
        assert_eq!(to_original(9, &inserts), 7);
        assert_eq!(to_original(12, &inserts), 8);
    }

    #[test]
    fn lists_left_open_are_closed() {
        let text = "service api {\n  image = \"a:1\"\n  scale_up { rate = [100% per 30s, 8";
        let ast = parse(text).expect("repaired");
        let service = blocks(&ast.items)[0];
        assert_eq!(blocks(&service.items)[0].kind.name, "scale_up");
        let text = "database d {\n  collection c {\n    shard_key = [a, hashed(b\n    field a { type = string }\n  }\n}\n";
        let ast = parse(text).expect("repaired");
        let database = blocks(&ast.items)[0];
        let collection = blocks(&database.items)[0];
        assert_eq!(blocks(&collection.items)[0].kind.name, "field");
    }

    #[test]
    fn stray_closing_braces_are_dropped() {
        let text = "service api {\n  image = \"a:1\"\n}\n}\nqueue q {\n  provider = aws-sqs\n}\n";
        let ast = parse(text).expect("repaired");
        assert_eq!(blocks(&ast.items).len(), 2);
    }
}
