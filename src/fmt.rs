//! [`Ast`] + its source text → the canonical text of a policy file.
//!
//! The layout, as `docs/language.md` describes it: two-space indent, one
//! statement per line, `=` aligned across consecutive attributes of a block
//! (a blank line or a nested block ends the run), a blank line between a
//! block's attributes and the nested blocks after them, `a .. b` and `x per y`
//! spaced, lists on one line when they fit in [`MAX_WIDTH`] columns and one
//! item per line (with a trailing comma) when not, a block whose only content
//! is one short attribute on one line, one blank line between top-level blocks,
//! at most one blank line anywhere, no `;`, `\n` line ends and a final newline.
//!
//! Every comment is kept where it was: an own-line comment stays above what
//! follows it, a trailing comment stays at the end of its line. The formatter
//! never changes meaning: the parsed tree of the output equals the input's,
//! spans aside. It reads the source text only to see where comments and blank
//! lines were; it does no IO.

use crate::ast::{Ast, Block, Comment, Item, Value, ValueKind};
use crate::source::Span;

/// Lines are kept within this many columns where the layout allows.
pub const MAX_WIDTH: usize = 80;

const INDENT: &str = "  ";

/// Formats a parsed file. `None` when a comment could not be placed, which
/// would be a bug: callers then leave the file as it is rather than lose it.
pub fn format(ast: &Ast, text: &str) -> Option<String> {
    let mut formatter = Formatter {
        text,
        comments: &ast.comments,
        used: vec![false; ast.comments.len()],
        line_starts: std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect(),
    };
    let mut out = String::new();
    formatter.body(&ast.items, 0, text.len(), 0, true, &mut out);
    if !formatter.used.iter().all(|u| *u) {
        return None;
    }
    let mut out = out.trim_end().to_string();
    if !out.is_empty() {
        out.push('\n');
    }
    Some(out)
}

struct Formatter<'a> {
    text: &'a str,
    /// In source order, as the parser collects them.
    comments: &'a [Comment],
    used: Vec<bool>,
    /// The offset at which each line starts.
    line_starts: Vec<usize>,
}

/// A statement of a body, or an own-line comment between statements.
enum Element<'a> {
    Item(&'a Item, Option<usize>),
    Comment(usize),
}

impl Formatter<'_> {
    /// The 0-based line of a byte offset.
    fn line(&self, pos: usize) -> usize {
        self.line_starts.partition_point(|&start| start <= pos) - 1
    }

    /// Whether an empty line stands between two offsets.
    fn blank_between(&self, from: usize, to: usize) -> bool {
        from < to && self.text[from..to].matches('\n').count() >= 2
    }

    /// Unprinted comments starting in `from..to`, in order.
    fn comments_in(&self, from: usize, to: usize) -> Vec<usize> {
        let first = self.comments.partition_point(|c| c.span.start < from);
        let end = self.comments.partition_point(|c| c.span.start < to);
        (first..end.max(first)).filter(|&i| !self.used[i]).collect()
    }

    fn take(&mut self, comment: usize) -> &str {
        self.used[comment] = true;
        self.comments[comment].text.trim_end()
    }

    /// The statements and comments of a body `from..to` (between braces, or
    /// the whole file), printed at `depth`. Returns nothing; a comment trailing
    /// the opening brace is printed by the caller before calling this.
    fn body(
        &mut self,
        items: &[Item],
        from: usize,
        to: usize,
        depth: usize,
        top: bool,
        out: &mut String,
    ) {
        let elements = self.elements(items, from, to);
        let widths = self.alignment(&elements, top);
        let indent = INDENT.repeat(depth);
        // (end offset, was an item, was an attribute)
        let mut previous: Option<(usize, bool, bool)> = None;
        for (element, width) in elements.iter().zip(widths) {
            let start = match element {
                Element::Item(item, _) => item.span().start,
                Element::Comment(c) => self.comments[*c].span.start,
            };
            let is_block = matches!(element, Element::Item(Item::Block(_), _));
            if let Some((end, was_item, was_attribute)) = previous {
                // Top-level blocks stand apart, and so do a block's attributes
                // from the nested blocks that follow them.
                if (top && was_item)
                    || (was_attribute && is_block)
                    || self.blank_between(end, start)
                {
                    out.push('\n');
                }
            }
            match element {
                Element::Comment(c) => {
                    let text = self.take(*c).to_string();
                    out.push_str(&indent);
                    out.push_str(&text);
                    out.push('\n');
                    previous = Some((self.comments[*c].span.end, false, false));
                }
                Element::Item(item, trailing) => {
                    out.push_str(&indent);
                    let line = self.item(item, depth, width);
                    out.push_str(&line);
                    let mut end = item.span().end;
                    if let Some(c) = trailing {
                        let text = self.take(*c).to_string();
                        out.push_str("  ");
                        out.push_str(&text);
                        end = self.comments[*c].span.end;
                    }
                    out.push('\n');
                    previous = Some((end, true, matches!(item, Item::Attribute(_))));
                }
            }
        }
    }

    /// Items and the own-line comments between them; a comment on the line an
    /// item ends on is that item's trailing comment.
    fn elements<'i>(&mut self, items: &'i [Item], from: usize, to: usize) -> Vec<Element<'i>> {
        // Items and comments are both in source order: one pass places each
        // comment after the item before it (or inside it, for that item's
        // own printer to place).
        let mut trailing: Vec<Option<usize>> = vec![None; items.len()];
        let mut loose: Vec<usize> = Vec::new();
        for c in self.comments_in(from, to) {
            let start = self.comments[c].span.start;
            let before = items.partition_point(|i| i.span().start < start);
            let Some(previous) = before.checked_sub(1) else {
                loose.push(c);
                continue;
            };
            let item = &items[previous];
            if start < item.span().end {
                continue;
            }
            let same_line = self.line(item.span().end) == self.line(start);
            if self.comments[c].trailing && same_line && trailing[previous].is_none() {
                trailing[previous] = Some(c);
            } else {
                loose.push(c);
            }
        }
        let mut elements = Vec::with_capacity(items.len() + loose.len());
        let mut comments = loose.into_iter().peekable();
        for (item, trailing) in items.iter().zip(trailing) {
            while let Some(c) =
                comments.next_if(|&c| self.comments[c].span.start < item.span().start)
            {
                elements.push(Element::Comment(c));
            }
            elements.push(Element::Item(item, trailing));
        }
        elements.extend(comments.map(Element::Comment));
        elements
    }

    /// The width to pad each attribute's name to: runs of attributes, broken
    /// by a blank line or a block, share the longest name's width. At the top
    /// level every statement stands alone (a blank line follows each).
    fn alignment(&self, elements: &[Element<'_>], top: bool) -> Vec<usize> {
        let mut widths = vec![0; elements.len()];
        let mut run: Vec<usize> = Vec::new();
        let mut previous_end: Option<usize> = None;
        let flush = |run: &mut Vec<usize>, widths: &mut Vec<usize>| {
            let width = run
                .iter()
                .map(|&i| match &elements[i] {
                    Element::Item(Item::Attribute(a), _) => attribute_name(a).len(),
                    _ => 0,
                })
                .max()
                .unwrap_or(0);
            for &i in run.iter() {
                widths[i] = width;
            }
            run.clear();
        };
        for (i, element) in elements.iter().enumerate() {
            let (start, end) = match element {
                Element::Item(item, _) => (item.span().start, item.span().end),
                Element::Comment(c) => (self.comments[*c].span.start, self.comments[*c].span.end),
            };
            if previous_end.is_some_and(|e| self.blank_between(e, start)) {
                flush(&mut run, &mut widths);
            }
            match element {
                Element::Item(Item::Attribute(_), _) if top => {
                    run.push(i);
                    flush(&mut run, &mut widths);
                }
                Element::Item(Item::Attribute(_), _) => run.push(i),
                Element::Item(Item::Block(_), _) => flush(&mut run, &mut widths),
                Element::Comment(_) => {}
            }
            previous_end = Some(end);
        }
        flush(&mut run, &mut widths);
        widths
    }

    /// One statement, without indent or line end; may span lines.
    fn item(&mut self, item: &Item, depth: usize, width: usize) -> String {
        match item {
            Item::Attribute(attribute) => {
                let name = attribute_name(attribute);
                let prefix = format!("{name}{} = ", " ".repeat(width.saturating_sub(name.len())));
                let column = depth * INDENT.len() + prefix.len();
                prefix + &self.value(&attribute.value, column, depth)
            }
            Item::Block(block) => self.block(block, depth),
        }
    }

    fn block(&mut self, block: &Block, depth: usize) -> String {
        let mut header = block.kind.name.clone();
        let mut header_end = block.kind.span.end;
        if let Some(label) = &block.label {
            header.push(' ');
            header.push_str(&if label.quoted {
                quote(&label.text)
            } else {
                label.text.clone()
            });
            header_end = label.span.end;
        }
        let open = header_end
            + self.text[header_end..]
                .find('{')
                .expect("a block header ends with `{`")
            + 1;
        let close = block.span.end - 1;
        let has_comments = !self.comments_in(open, close).is_empty();
        if !has_comments {
            if block.items.is_empty() {
                return format!("{header} {{}}");
            }
            if let [Item::Attribute(attribute)] = block.items.as_slice() {
                let prefix = format!("{header} {{ {} = ", attribute_name(attribute));
                let column = depth * INDENT.len() + prefix.len();
                let value = self.value(&attribute.value, column, depth);
                let line = format!("{prefix}{value} }}");
                if !value.contains('\n') && depth * INDENT.len() + line.len() <= MAX_WIDTH {
                    return line;
                }
                // Too long for one line: undo nothing (values mark no comments
                // when there are none) and lay it out below.
            }
        }
        let mut out = format!("{header} {{");
        // A comment on the line of `{`, before the first statement.
        let first = block.items.first().map_or(close, |i| i.span().start);
        for c in self.comments_in(open, first) {
            if self.comments[c].trailing
                && self.line(self.comments[c].span.start) == self.line(open)
            {
                let text = self.take(c).to_string();
                out.push_str("  ");
                out.push_str(&text);
            }
        }
        out.push('\n');
        self.body(&block.items, open, close, depth + 1, false, &mut out);
        out.push_str(&INDENT.repeat(depth));
        out.push('}');
        out
    }

    /// A value starting at `column`, at nesting `depth`; lists that do not fit
    /// (or hold comments) wrap, one item per line.
    fn value(&mut self, value: &Value, column: usize, depth: usize) -> String {
        match &value.kind {
            ValueKind::Range(low, high) => {
                let low = self.value(low, column, depth);
                let high_column = column + low.lines().last().map_or(0, str::len) + 4;
                format!("{low} .. {}", self.value(high, high_column, depth))
            }
            ValueKind::Rate(amount, period) => {
                let amount = self.value(amount, column, depth);
                let period_column = column + amount.lines().last().map_or(0, str::len) + 5;
                format!("{amount} per {}", self.value(period, period_column, depth))
            }
            ValueKind::Quantity(q) => format!("{}{}", q.number, q.unit),
            ValueKind::String(s) => quote(s),
            ValueKind::Bool(b) => b.to_string(),
            ValueKind::Ident(name) => name.clone(),
            ValueKind::List(items) => self.sequence("[", "]", items, value.span, column, depth),
            ValueKind::Call(name, args) => {
                let inner = self.sequence(
                    "(",
                    ")",
                    args,
                    Span::new(value.span.file, name.span.end, value.span.end),
                    column + name.name.len(),
                    depth,
                );
                format!("{}{inner}", name.name)
            }
        }
    }

    /// `[a, b]` or `(a, b)`: flat when it fits and holds no comment, else one
    /// item per line with a trailing comma and the comments in place.
    fn sequence(
        &mut self,
        open: &str,
        close: &str,
        items: &[Value],
        span: Span,
        column: usize,
        depth: usize,
    ) -> String {
        let comments = self.comments_in(span.start, span.end);
        if comments.is_empty() {
            let flat: Vec<String> = items.iter().map(|v| self.value(v, column, depth)).collect();
            let line = format!("{open}{}{close}", flat.join(", "));
            if !line.contains('\n') && column + line.len() <= MAX_WIDTH {
                return line;
            }
        }
        let inner = INDENT.repeat(depth + 1);
        let mut out = open.to_string();
        // A comment right after the opening bracket.
        let first = items.first().map_or(span.end, |v| v.span.start);
        for c in self.comments_in(span.start, first) {
            if self.comments[c].trailing
                && self.line(self.comments[c].span.start) == self.line(span.start)
            {
                let text = self.take(c).to_string();
                out.push_str("  ");
                out.push_str(&text);
            }
        }
        out.push('\n');
        let mut previous_end = span.start;
        for (i, item) in items.iter().enumerate() {
            for c in self.comments_in(previous_end, item.span.start) {
                let text = self.take(c).to_string();
                out.push_str(&inner);
                out.push_str(&text);
                out.push('\n');
            }
            out.push_str(&inner);
            let rendered = self.value(item, inner.len(), depth + 1);
            out.push_str(&rendered);
            out.push(',');
            // A comment on the line the item ends on (after its comma).
            let next = items.get(i + 1).map_or(span.end, |v| v.span.start);
            let item_line = self.line(item.span.end);
            for c in self.comments_in(item.span.end, next) {
                if self.line(self.comments[c].span.start) == item_line {
                    let text = self.take(c).to_string();
                    out.push_str("  ");
                    out.push_str(&text);
                }
            }
            out.push('\n');
            previous_end = item.span.end;
        }
        for c in self.comments_in(previous_end, span.end) {
            let text = self.take(c).to_string();
            out.push_str(&inner);
            out.push_str(&text);
            out.push('\n');
        }
        out.push_str(&INDENT.repeat(depth));
        out.push_str(close);
        out
    }
}

/// An attribute's name as written: quoted when it was.
fn attribute_name(attribute: &crate::ast::Attribute) -> String {
    if attribute.quoted_name {
        quote(&attribute.name.name)
    } else {
        attribute.name.name.clone()
    }
}

/// A string literal for `text`, escaping only what must be escaped.
pub fn quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
