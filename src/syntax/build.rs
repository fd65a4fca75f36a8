//! pest pairs → [`Ast`], for the files the fast parser ([`super::fast`])
//! leaves to pest. Only called on input that parsed, so the shape of each
//! pair is guaranteed by the grammar; the `expect`s state those guarantees.

use pest::iterators::Pair;

use super::Rule;
use crate::ast::{Ast, Attribute, Block, Comment, Ident, Item, Label, Quantity, Value, ValueKind};
use crate::diag::{Diagnostic, codes};
use crate::source::{FileId, Span, line_start};

struct Builder<'s> {
    file: FileId,
    sink: &'s mut Vec<Diagnostic>,
}

pub(super) fn build_file(file: FileId, root: Pair<'_, Rule>, sink: &mut Vec<Diagnostic>) -> Ast {
    let text = root.as_str();
    let comments: Vec<Comment> = root
        .clone()
        .into_inner()
        .flatten()
        .filter(|pair| pair.as_rule() == Rule::COMMENT)
        .map(|pair| {
            let start = pair.as_span().start();
            let line_start = line_start(text, start);
            Comment {
                text: pair.as_str().to_string(),
                span: Span::new(file, start, pair.as_span().end()),
                trailing: !text[line_start..start].trim().is_empty(),
            }
        })
        .collect();
    let mut builder = Builder { file, sink };
    let items = builder.items(root);
    let directives = super::directives::read(text, &comments, &items);
    Ast {
        file,
        items,
        comments,
        directives,
    }
}

impl Builder<'_> {
    fn span(&self, pair: &Pair<'_, Rule>) -> Span {
        let span = pair.as_span();
        Span::new(self.file, span.start(), span.end())
    }

    fn items(&mut self, parent: Pair<'_, Rule>) -> Vec<Item> {
        parent
            .into_inner()
            .filter_map(|pair| match pair.as_rule() {
                Rule::block => Some(Item::Block(self.block(pair))),
                Rule::attribute => Some(Item::Attribute(self.attribute(pair))),
                _ => None,
            })
            .collect()
    }

    fn block(&mut self, pair: Pair<'_, Rule>) -> Block {
        let span = self.span(&pair);
        let mut kind = None;
        let mut label = None;
        let mut items = Vec::new();
        for child in pair.into_inner() {
            match child.as_rule() {
                Rule::ident => kind = Some(self.ident(&child)),
                Rule::label => label = Some(self.label(child)),
                Rule::block => items.push(Item::Block(self.block(child))),
                Rule::attribute => items.push(Item::Attribute(self.attribute(child))),
                _ => {}
            }
        }
        Block {
            kind: kind.expect("a block starts with its kind"),
            label,
            items,
            span,
        }
    }

    fn attribute(&mut self, pair: Pair<'_, Rule>) -> Attribute {
        let span = self.span(&pair);
        let mut name = None;
        let mut quoted_name = false;
        let mut value = None;
        for child in pair.into_inner() {
            match child.as_rule() {
                Rule::ident => name = Some(self.ident(&child)),
                Rule::string => {
                    let span = self.span(&child);
                    quoted_name = true;
                    name = Some(Ident {
                        name: self.string(child),
                        span,
                    });
                }
                Rule::value => value = Some(self.value(child)),
                _ => {}
            }
        }
        let name = name.expect("an attribute starts with its name");
        let value: Value = value.expect("an attribute has a value");
        // The pair's span may run on over trailing blanks and a comment that
        // pest skipped looking for `..` or `per`; end at the value instead.
        let span = Span::new(span.file, span.start, value.span.end);
        Attribute {
            name,
            quoted_name,
            value,
            span,
        }
    }

    fn ident(&self, pair: &Pair<'_, Rule>) -> Ident {
        Ident {
            name: pair.as_str().to_string(),
            span: self.span(pair),
        }
    }

    fn label(&mut self, pair: Pair<'_, Rule>) -> Label {
        let span = self.span(&pair);
        let inner = pair
            .into_inner()
            .next()
            .expect("a label is a name or a string");
        match inner.as_rule() {
            Rule::string => Label {
                text: self.string(inner),
                quoted: true,
                span,
            },
            _ => Label {
                text: inner.as_str().to_string(),
                quoted: false,
                span,
            },
        }
    }

    /// `value = atom (range_tail | rate_tail)?`
    fn value(&mut self, pair: Pair<'_, Rule>) -> Value {
        let span = self.span(&pair);
        // A trailing comment may be attached inside the value by pest's implicit
        // COMMENT rule; comments are collected separately, so skip them here.
        let mut inner = pair.into_inner().filter(|p| p.as_rule() != Rule::COMMENT);
        let first = self.atom(inner.next().expect("a value starts with an atom"));
        let Some(tail) = inner.next() else {
            return first;
        };
        let is_range = tail.as_rule() == Rule::range_tail;
        let second_pair = tail
            .into_inner()
            .find(|p| !matches!(p.as_rule(), Rule::range_op | Rule::per | Rule::COMMENT))
            .expect("a range or rate has a second atom");
        let second = Box::new(self.atom(second_pair));
        // From the first atom to the second: the pair's own span may run on
        // over blanks and a comment pest skipped after a word.
        let span = Span::new(span.file, first.span.start, second.span.end);
        let first = Box::new(first);
        let kind = if is_range {
            ValueKind::Range(first, second)
        } else {
            ValueKind::Rate(first, second)
        };
        Value { kind, span }
    }

    fn atom(&mut self, pair: Pair<'_, Rule>) -> Value {
        let span = self.span(&pair);
        let kind = match pair.as_rule() {
            Rule::quantity => {
                let mut inner = pair.into_inner();
                let number = inner
                    .next()
                    .expect("a quantity has a number")
                    .as_str()
                    .to_string();
                let unit = inner
                    .next()
                    .map_or_else(String::new, |u| u.as_str().to_string());
                ValueKind::Quantity(Quantity { number, unit })
            }
            Rule::string => ValueKind::String(self.string(pair)),
            Rule::boolean => ValueKind::Bool(pair.as_str() == "true"),
            Rule::list => ValueKind::List(self.values(pair)),
            Rule::word => {
                // The word's own span runs on over the blanks (and a comment)
                // pest skipped while looking for call arguments: use the name's
                // span, or name to closing parenthesis.
                let mut inner = pair.into_inner();
                let name = self.ident(&inner.next().expect("a word starts with a name"));
                return match inner.find(|p| p.as_rule() == Rule::call_args) {
                    Some(args) => {
                        let span = name.span.to(self.span(&args));
                        Value {
                            kind: ValueKind::Call(name, self.values(args)),
                            span,
                        }
                    }
                    None => Value {
                        span: name.span,
                        kind: ValueKind::Ident(name.name),
                    },
                };
            }
            other => unreachable!("the grammar has no atom {other:?}"),
        };
        Value { kind, span }
    }

    /// The values of a list or of call arguments.
    fn values(&mut self, pair: Pair<'_, Rule>) -> Vec<Value> {
        pair.into_inner()
            .filter(|p| p.as_rule() == Rule::value)
            .map(|p| self.value(p))
            .collect()
    }

    /// Decodes a string literal's escapes. An escape that names no Unicode
    /// scalar value is reported and replaced by U+FFFD.
    fn string(&mut self, pair: Pair<'_, Rule>) -> String {
        let raw = pair.into_inner().next().expect("a string has a body");
        let base = raw.as_span().start();
        let body = raw.as_str();
        let mut out = String::with_capacity(body.len());
        let mut chars = body.char_indices();
        while let Some((i, c)) = chars.next() {
            if c != '\\' {
                out.push(c);
                continue;
            }
            match chars.next() {
                Some((_, 'n')) => out.push('\n'),
                Some((_, 't')) => out.push('\t'),
                Some((_, '"')) => out.push('"'),
                Some((_, '\\')) => out.push('\\'),
                Some((_, 'u')) => {
                    let close = body[i..].find('}').expect("the grammar closes \\u{...}") + i;
                    let hex = &body[i + 3..close];
                    let decoded = u32::from_str_radix(hex, 16).ok().and_then(char::from_u32);
                    match decoded {
                        Some(c) => out.push(c),
                        None => {
                            self.sink.push(
                                Diagnostic::error(
                                    codes::SYNTAX_ERROR,
                                    format!("`\\u{{{hex}}}` is not a Unicode character"),
                                    Span::new(self.file, base + i, base + close + 1),
                                )
                                .with_label("not a Unicode scalar value")
                                .with_help(
                                    "a `\\u{...}` escape takes 1 to 6 hex digits naming a \
                                     character up to 10FFFF, surrogates D800-DFFF excluded",
                                ),
                            );
                            out.push(char::REPLACEMENT_CHARACTER);
                        }
                    }
                    for (j, _) in chars.by_ref() {
                        if j == close {
                            break;
                        }
                    }
                }
                other => unreachable!("the grammar allows no escape {other:?}"),
            }
        }
        out
    }
}
