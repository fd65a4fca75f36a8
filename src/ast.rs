//! The syntax tree of one `.scale` file.
//!
//! The tree is generic, like the grammar: blocks, attributes and values. Every
//! node carries the [`Span`] it was parsed from, so later stages can label the
//! exact token that is wrong. Comments are not nodes; they are kept in
//! [`Ast::comments`] in source order (as Go's `ast.File.Comments` does), and the
//! formatter and the suppression reader place them by position.
//!
//! The tree knows nothing about what a `service` or `replicas` is: that is the
//! schema's job in `lower`.

use crate::source::{FileId, Span, eq_ignoring_spans};

/// A parsed file.
#[derive(Clone, Debug)]
pub struct Ast {
    pub file: FileId,
    pub items: Vec<Item>,
    /// Every comment of the file, in source order.
    pub comments: Vec<Comment>,
    /// `# scalec: ...` directive comments, read from `comments`.
    pub directives: Vec<Directive>,
}

/// A comment of the form `# scalec: VERB ...`.
#[derive(Clone, Debug)]
pub struct Directive {
    /// The whole comment.
    pub span: Span,
    pub kind: DirectiveKind,
}

#[derive(Clone, Debug)]
pub enum DirectiveKind {
    /// `# scalec: allow CODE[, CODE...] reason`: silences findings of these
    /// rules inside the block or attribute on the next line.
    Allow {
        /// Rule codes or names, as written, with their spans.
        rules: Vec<(String, Span)>,
        /// The text after the rules; `None` when there is none.
        reason: Option<String>,
        /// The block or attribute that starts on the next line (comment lines
        /// in between are skipped); `None` when there is none.
        target: Option<Span>,
    },
    /// A `# scalec:` comment that is not a valid directive, and why.
    Malformed(String),
}

/// A statement: a block or an attribute.
#[derive(Clone, Debug, PartialEq)]
pub enum Item {
    Block(Block),
    Attribute(Attribute),
}

impl Item {
    pub fn span(&self) -> Span {
        match self {
            Item::Block(block) => block.span,
            Item::Attribute(attribute) => attribute.span,
        }
    }
}

/// `kind label { items }`, e.g. `service auth { ... }`.
#[derive(Clone, Debug)]
pub struct Block {
    pub kind: Ident,
    pub label: Option<Label>,
    pub items: Vec<Item>,
    /// From the kind to the closing brace.
    pub span: Span,
}

/// `name = value`.
#[derive(Clone, Debug)]
pub struct Attribute {
    /// The name; for a quoted name, its decoded text.
    pub name: Ident,
    /// Whether the name was written as a string (`"app.kubernetes.io/name"`).
    pub quoted_name: bool,
    pub value: Value,
    pub span: Span,
}

/// An identifier: `replicas`, `aws-sqs`, `customer_id`.
#[derive(Clone, Debug)]
pub struct Ident {
    pub name: String,
    pub span: Span,
}

/// A block label, written as an identifier or a string.
#[derive(Clone, Debug)]
pub struct Label {
    pub text: String,
    pub quoted: bool,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct Value {
    pub kind: ValueKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ValueKind {
    /// `a .. b`
    Range(Box<Value>, Box<Value>),
    /// `a per b`
    Rate(Box<Value>, Box<Value>),
    Quantity(Quantity),
    /// The decoded text of a string literal (escapes resolved).
    String(String),
    Bool(bool),
    Ident(String),
    List(Vec<Value>),
    /// `name(args)`, e.g. `hashed(device_id)`.
    Call(Ident, Vec<Value>),
}

/// A number as written, with its unit kept apart: `512Mi` is `512` and `Mi`.
/// The checker decides what the unit means for the attribute it is in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Quantity {
    /// Optional `-`, digits, optional `.digits`: exactly as written.
    pub number: String,
    /// Letters or `%` right after the number; empty when there is none.
    pub unit: String,
}

/// A `#` comment, from `#` to the end of its line (the line break excluded).
#[derive(Clone, Debug)]
pub struct Comment {
    pub text: String,
    pub span: Span,
    /// Whether code stands before the comment on its line (`x = 1  # why`).
    pub trailing: bool,
}

impl ValueKind {
    /// How the value is described to users in type errors: "a string", "a range".
    pub fn describe(&self) -> &'static str {
        match self {
            ValueKind::Range(..) => "a range",
            ValueKind::Rate(..) => "a rate",
            ValueKind::Quantity(_) => "a number",
            ValueKind::String(_) => "a string",
            ValueKind::Bool(_) => "a boolean",
            ValueKind::Ident(_) => "a name",
            ValueKind::List(_) => "a list",
            ValueKind::Call(..) => "a function call",
        }
    }
}

// Equality of syntax trees ignores spans and the file (see
// `eq_ignoring_spans!`).
eq_ignoring_spans! {
    Ast { items, comments, directives } ignoring { file }
    Directive { kind } ignoring { span }
    Block { kind, label, items } ignoring { span }
    Attribute { name, quoted_name, value } ignoring { span }
    Ident { name } ignoring { span }
    Label { text, quoted } ignoring { span }
    Value { kind } ignoring { span }
    Comment { text, trailing } ignoring { span }
}

impl PartialEq for DirectiveKind {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (
                DirectiveKind::Allow {
                    rules,
                    reason,
                    target,
                },
                DirectiveKind::Allow {
                    rules: other_rules,
                    reason: other_reason,
                    target: other_target,
                },
            ) => {
                rules.len() == other_rules.len()
                    && rules.iter().zip(other_rules).all(|(a, b)| a.0 == b.0)
                    && reason == other_reason
                    && target.is_some() == other_target.is_some()
            }
            (DirectiveKind::Malformed(a), DirectiveKind::Malformed(b)) => a == b,
            _ => false,
        }
    }
}
