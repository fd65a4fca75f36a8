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
//! lines were, with lines broken as everywhere else (`source::line_breaks`:
//! `\r\n`, `\n` or a lone `\r`); it does no IO. Its time is linear in its output.

use std::collections::HashMap;

use crate::ast::{Ast, Attribute, Block, Comment, Item, Value, ValueKind};
use crate::source::{LineIndex, Span};

/// Lines are kept within this many columns where the layout allows.
pub const MAX_WIDTH: usize = 80;

const INDENT: &str = "  ";

/// Formats a parsed file. `None` when a comment could not be placed, which
/// would be a bug: callers then leave the file as it is rather than lose it.
///
/// Time and memory are linear in the output: everything is written once into
/// one buffer, and the one-line width of each value is measured once (and
/// remembered), so deciding whether a nested list fits never prints it.
pub fn format(ast: &Ast, text: &str) -> Option<String> {
    let mut formatter = Formatter {
        text,
        comments: &ast.comments,
        used: vec![false; ast.comments.len()],
        lines: LineIndex::new(text),
        widths: HashMap::new(),
    };
    let mut out = String::new();
    formatter.body(&ast.items, 0, text.len(), 0, true, &mut out);
    if !formatter.used.iter().all(|u| *u) {
        return None;
    }
    out.truncate(out.trim_end().len());
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
    /// Lines as the grammar breaks them: `\r\n`, `\n` or a lone `\r`.
    lines: LineIndex,
    /// The one-line width of each value measured so far, by address (the tree
    /// is borrowed for the whole run): `None` when it holds a comment and so
    /// cannot be one line.
    widths: HashMap<*const Value, Option<usize>>,
}

/// The bracketed part of a list or a call, as [`Formatter::sequence`] prints it.
struct Sequence<'v> {
    brackets: (&'static str, &'static str),
    items: &'v [Value],
    /// From the opening bracket to the closing one.
    span: Span,
    /// The one-line width, `None` when a comment is inside.
    width: Option<usize>,
}

/// A statement of a body, or an own-line comment between statements.
enum Element<'a> {
    Item(&'a Item, Option<usize>),
    Comment(usize),
}

impl Formatter<'_> {
    /// The 0-based line of a byte offset.
    fn line(&self, pos: usize) -> usize {
        self.lines.line(pos)
    }

    /// Whether an empty line stands between two offsets.
    fn blank_between(&self, from: usize, to: usize) -> bool {
        from < to && self.line(to) - self.line(from) >= 2
    }

    /// The comments starting in `from..to`, as a range of indices.
    fn comment_range(&self, from: usize, to: usize) -> std::ops::Range<usize> {
        let first = self.comments.partition_point(|c| c.span.start < from);
        let end = self.comments.partition_point(|c| c.span.start < to);
        first..end.max(first)
    }

    /// Unprinted comments starting in `from..to`, in order.
    fn comments_in(&self, from: usize, to: usize) -> Vec<usize> {
        self.comment_range(from, to)
            .filter(|&i| !self.used[i])
            .collect()
    }

    /// Whether an unprinted comment starts in `from..to`.
    fn any_comment_in(&self, from: usize, to: usize) -> bool {
        self.comment_range(from, to).any(|i| !self.used[i])
    }

    /// Prints an unprinted comment.
    fn print_comment(&mut self, comment: usize, out: &mut String) {
        self.used[comment] = true;
        out.push_str(self.comments[comment].text.trim_end());
    }

    /// The statements and comments of a body `from..to` (between braces, or
    /// the whole file), printed at `depth`. A comment trailing the opening
    /// brace is printed by the caller before calling this.
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
            indent(depth, out);
            match element {
                Element::Comment(c) => {
                    self.print_comment(*c, out);
                    out.push('\n');
                    previous = Some((self.comments[*c].span.end, false, false));
                }
                Element::Item(item, trailing) => {
                    self.item(item, depth, width, out);
                    let mut end = item.span().end;
                    if let Some(c) = trailing {
                        out.push_str("  ");
                        self.print_comment(*c, out);
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
        // comment after the item before it, and skips the comments inside an
        // item (that item's own printer places them) in one step.
        let mut trailing: Vec<Option<usize>> = vec![None; items.len()];
        let mut loose: Vec<usize> = Vec::new();
        let range = self.comment_range(from, to);
        let mut c = range.start;
        while c < range.end {
            if self.used[c] {
                c += 1;
                continue;
            }
            let start = self.comments[c].span.start;
            let before = items.partition_point(|i| i.span().start < start);
            let Some(previous) = before.checked_sub(1) else {
                loose.push(c);
                c += 1;
                continue;
            };
            let item = &items[previous];
            if start < item.span().end {
                let end = item.span().end;
                c = self.comments.partition_point(|c| c.span.start < end);
                continue;
            }
            let same_line = self.line(item.span().end) == self.line(start);
            if self.comments[c].trailing && same_line && trailing[previous].is_none() {
                trailing[previous] = Some(c);
            } else {
                loose.push(c);
            }
            c += 1;
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
    fn item(&mut self, item: &Item, depth: usize, width: usize, out: &mut String) {
        match item {
            Item::Attribute(attribute) => {
                let line_start = out.len();
                let name = attribute_name(attribute);
                out.push_str(&name);
                pad(width.saturating_sub(name.len()), out);
                out.push_str(" = ");
                let column = depth * INDENT.len() + out.len() - line_start;
                self.value(&attribute.value, column, depth, out);
            }
            Item::Block(block) => self.block(block, depth, out),
        }
    }

    fn block(&mut self, block: &Block, depth: usize, out: &mut String) {
        let line_start = out.len();
        out.push_str(&block.kind.name);
        let mut header_end = block.kind.span.end;
        if let Some(label) = &block.label {
            out.push(' ');
            if label.quoted {
                out.push_str(&quote(&label.text));
            } else {
                out.push_str(&label.text);
            }
            header_end = label.span.end;
        }
        let open = header_end
            + self.text[header_end..]
                .find('{')
                .expect("a block header ends with `{`")
            + 1;
        let close = block.span.end - 1;
        if !self.any_comment_in(open, close) {
            if block.items.is_empty() {
                out.push_str(" {}");
                return;
            }
            // A block whose only content is one short attribute: one line.
            if let [Item::Attribute(attribute)] = block.items.as_slice() {
                let name = attribute_name(attribute);
                let prefix = out.len() - line_start + " {  = ".len() + name.len();
                let fits = self.flat_width(&attribute.value).is_some_and(|width| {
                    depth * INDENT.len() + prefix + width + " }".len() <= MAX_WIDTH
                });
                if fits {
                    out.push_str(" { ");
                    out.push_str(&name);
                    out.push_str(" = ");
                    self.flat(&attribute.value, out);
                    out.push_str(" }");
                    return;
                }
            }
        }
        out.push_str(" {");
        // A comment on the line of `{`, before the first statement.
        let first = block.items.first().map_or(close, |i| i.span().start);
        for c in self.comments_in(open, first) {
            if self.comments[c].trailing
                && self.line(self.comments[c].span.start) == self.line(open)
            {
                out.push_str("  ");
                self.print_comment(c, out);
            }
        }
        out.push('\n');
        self.body(&block.items, open, close, depth + 1, false, out);
        indent(depth, out);
        out.push('}');
    }

    /// The one-line width of a value, measured once; `None` when it holds a
    /// comment. The widths of its parts are remembered too, so each value of
    /// the file is measured once in all.
    fn flat_width(&mut self, value: &Value) -> Option<usize> {
        let key = std::ptr::from_ref(value);
        if let Some(width) = self.widths.get(&key) {
            return *width;
        }
        let width = match &value.kind {
            ValueKind::Range(low, high) => {
                let (low, high) = (self.flat_width(low), self.flat_width(high));
                low.zip(high).map(|(low, high)| low + " .. ".len() + high)
            }
            ValueKind::Rate(amount, period) => {
                let (amount, period) = (self.flat_width(amount), self.flat_width(period));
                amount
                    .zip(period)
                    .map(|(amount, period)| amount + " per ".len() + period)
            }
            ValueKind::Quantity(q) => Some(q.number.len() + q.unit.len()),
            ValueKind::String(s) => Some(quote(s).len()),
            ValueKind::Bool(b) => Some(if *b { 4 } else { 5 }),
            ValueKind::Ident(name) => Some(name.len()),
            ValueKind::List(items) => self.sequence_width(items, value.span),
            ValueKind::Call(name, args) => self
                .sequence_width(args, call_args_span(name.span, value.span))
                .map(|width| name.name.len() + width),
        };
        self.widths.insert(key, width);
        width
    }

    /// The one-line width of `[a, b]` or `(a, b)` spanning `span`.
    fn sequence_width(&mut self, items: &[Value], span: Span) -> Option<usize> {
        let mut width = Some("[]".len() + ", ".len() * items.len().saturating_sub(1));
        for item in items {
            let item = self.flat_width(item);
            width = width.zip(item).map(|(width, item)| width + item);
        }
        if self.any_comment_in(span.start, span.end) {
            return None;
        }
        width
    }

    /// A value on one line; only for values that hold no comment (their
    /// [`Self::flat_width`] is known), and for single tokens.
    fn flat(&self, value: &Value, out: &mut String) {
        match &value.kind {
            ValueKind::Range(low, high) => {
                self.flat(low, out);
                out.push_str(" .. ");
                self.flat(high, out);
            }
            ValueKind::Rate(amount, period) => {
                self.flat(amount, out);
                out.push_str(" per ");
                self.flat(period, out);
            }
            ValueKind::List(items) => self.flat_sequence("[", "]", items, out),
            ValueKind::Call(name, args) => {
                out.push_str(&name.name);
                self.flat_sequence("(", ")", args, out);
            }
            ValueKind::Quantity(q) => {
                out.push_str(&q.number);
                out.push_str(&q.unit);
            }
            ValueKind::String(s) => out.push_str(&quote(s)),
            ValueKind::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            ValueKind::Ident(name) => out.push_str(name),
        }
    }

    fn flat_sequence(&self, open: &str, close: &str, items: &[Value], out: &mut String) {
        out.push_str(open);
        for (i, item) in items.iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            self.flat(item, out);
        }
        out.push_str(close);
    }

    /// A value starting at `column`, at nesting `depth`; lists that do not fit
    /// (or hold comments) wrap, one item per line.
    fn value(&mut self, value: &Value, column: usize, depth: usize, out: &mut String) {
        match &value.kind {
            ValueKind::Range(low, high) => {
                let start = out.len();
                self.value(low, column, depth, out);
                let high_column = column + last_line_len(&out[start..]) + " .. ".len();
                out.push_str(" .. ");
                self.value(high, high_column, depth, out);
            }
            ValueKind::Rate(amount, period) => {
                let start = out.len();
                self.value(amount, column, depth, out);
                let period_column = column + last_line_len(&out[start..]) + " per ".len();
                out.push_str(" per ");
                self.value(period, period_column, depth, out);
            }
            ValueKind::List(items) => {
                let list = Sequence {
                    brackets: ("[", "]"),
                    items,
                    span: value.span,
                    width: self.flat_width(value),
                };
                self.sequence(&list, column, depth, out);
            }
            ValueKind::Call(name, args) => {
                out.push_str(&name.name);
                let args = Sequence {
                    brackets: ("(", ")"),
                    items: args,
                    span: call_args_span(name.span, value.span),
                    width: self.flat_width(value).map(|width| width - name.name.len()),
                };
                self.sequence(&args, column + name.name.len(), depth, out);
            }
            _ => self.flat(value, out),
        }
    }

    /// `[a, b]` or `(a, b)`: flat when it fits and holds no comment, else one
    /// item per line with a trailing comma and the comments in place.
    fn sequence(&mut self, sequence: &Sequence<'_>, column: usize, depth: usize, out: &mut String) {
        let Sequence {
            brackets: (open, close),
            items,
            span,
            width,
        } = *sequence;
        if width.is_some_and(|width| column + width <= MAX_WIDTH) {
            self.flat_sequence(open, close, items, out);
            return;
        }
        out.push_str(open);
        // A comment right after the opening bracket.
        let first = items.first().map_or(span.end, |v| v.span.start);
        for c in self.comments_in(span.start, first) {
            if self.comments[c].trailing
                && self.line(self.comments[c].span.start) == self.line(span.start)
            {
                out.push_str("  ");
                self.print_comment(c, out);
            }
        }
        out.push('\n');
        let mut previous_end = span.start;
        for (i, item) in items.iter().enumerate() {
            for c in self.comments_in(previous_end, item.span.start) {
                indent(depth + 1, out);
                self.print_comment(c, out);
                out.push('\n');
            }
            indent(depth + 1, out);
            self.value(item, (depth + 1) * INDENT.len(), depth + 1, out);
            out.push(',');
            // A comment on the line the item ends on (after its comma).
            let next = items.get(i + 1).map_or(span.end, |v| v.span.start);
            let item_line = self.line(item.span.end);
            for c in self.comments_in(item.span.end, next) {
                if self.line(self.comments[c].span.start) == item_line {
                    out.push_str("  ");
                    self.print_comment(c, out);
                }
            }
            out.push('\n');
            previous_end = item.span.end;
        }
        for c in self.comments_in(previous_end, span.end) {
            indent(depth + 1, out);
            self.print_comment(c, out);
            out.push('\n');
        }
        indent(depth, out);
        out.push_str(close);
    }
}

/// The span of a call's arguments, from after its name to `)`.
fn call_args_span(name: Span, call: Span) -> Span {
    Span::new(call.file, name.end, call.end)
}

/// The length in bytes of the last line of printed text.
fn last_line_len(printed: &str) -> usize {
    printed.len() - printed.rfind('\n').map_or(0, |i| i + 1)
}

fn indent(depth: usize, out: &mut String) {
    for _ in 0..depth {
        out.push_str(INDENT);
    }
}

fn pad(spaces: usize, out: &mut String) {
    out.extend(std::iter::repeat_n(' ', spaces));
}

/// An attribute's name as written: quoted when it was.
fn attribute_name(attribute: &Attribute) -> String {
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
