//! The diagnostic model shared by every stage: code, severity, message, labels
//! and help. Stages push [`Diagnostic`]s into a `Vec`; they never print and never
//! choose exit codes. Rendering (miette, short lines, JSON) lives in `render`.
//!
//! A rendered example (`scalec check`, human format):
//!
//! ```text
//!   × unknown attribute `replica` in service `auth`
//!    ╭─[policies/aether/services.scale:12:3]
//!  12 │   replica = 2 .. 10
//!     ·   ───┬───
//!     ·      ╰── not an attribute of `service`
//!    ╰────
//!   help: did you mean `replicas`?
//! ```

use crate::lint::RuleId;
use crate::source::Span;

/// How serious a finding is. Ordered from most to least serious.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Error,
    Warning,
    Info,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

/// A stable diagnostic code and its kebab-case name, e.g. `E002`
/// `unknown-attribute`. Codes are never renumbered or reused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Code {
    pub id: &'static str,
    pub name: &'static str,
    /// The lint rule, for K, M, C and S codes; `None` for language errors.
    pub rule: Option<RuleId>,
}

/// The language errors (E codes). They are always errors and cannot be allowed.
pub mod codes {
    use super::Code;

    pub const SYNTAX_ERROR: Code = Code {
        id: "E001",
        name: "syntax-error",
        rule: None,
    };
    pub const UNKNOWN_ATTRIBUTE: Code = Code {
        id: "E002",
        name: "unknown-attribute",
        rule: None,
    };
    pub const TYPE_MISMATCH: Code = Code {
        id: "E003",
        name: "type-mismatch",
        rule: None,
    };
    pub const UNKNOWN_REFERENCE: Code = Code {
        id: "E004",
        name: "unknown-reference",
        rule: None,
    };
    pub const DUPLICATE_DEFINITION: Code = Code {
        id: "E005",
        name: "duplicate-definition",
        rule: None,
    };
    pub const INVALID_NAME: Code = Code {
        id: "E006",
        name: "invalid-name",
        rule: None,
    };
    pub const MISSING_ATTRIBUTE: Code = Code {
        id: "E007",
        name: "missing-attribute",
        rule: None,
    };
    pub const CONFLICTING_ATTRIBUTES: Code = Code {
        id: "E008",
        name: "conflicting-attributes",
        rule: None,
    };
    pub const UNREADABLE_FILE: Code = Code {
        id: "E009",
        name: "unreadable-file",
        rule: None,
    };

    pub const OUTPUT_COLLISION: Code = Code {
        id: "E010",
        name: "output-collision",
        rule: None,
    };

    /// Every language error, in code order.
    pub const ALL: [Code; 10] = [
        SYNTAX_ERROR,
        UNKNOWN_ATTRIBUTE,
        TYPE_MISMATCH,
        UNKNOWN_REFERENCE,
        DUPLICATE_DEFINITION,
        INVALID_NAME,
        MISSING_ATTRIBUTE,
        CONFLICTING_ATTRIBUTES,
        UNREADABLE_FILE,
        OUTPUT_COLLISION,
    ];

    /// What a language error means, in a sentence, for reports that describe
    /// each code that fired (SARIF); `None` for any other code.
    pub fn description(code: Code) -> Option<&'static str> {
        Some(match code.id {
            "E001" => {
                "The file does not follow the grammar of the policy language: something is missing, misplaced or unknown, or blocks are nested too deeply."
            }
            "E002" => "A block has an attribute or a nested block that its kind does not take.",
            "E003" => {
                "A value has the wrong type or unit, or lies outside the range its attribute takes."
            }
            "E004" => {
                "A name refers to something the project does not define, or a lint setting names a rule that does not exist."
            }
            "E005" => {
                "Something is defined twice: two blocks of one kind with one name, an attribute set twice, or a single block repeated."
            }
            "E006" => {
                "A name cannot be used where it ends up, e.g. as a Kubernetes object name, a label value or a MongoDB name."
            }
            "E007" => "A required attribute or block is missing.",
            "E008" => "Attributes or blocks that exclude each other are set together.",
            "E009" => {
                "A policy file or directory cannot be read: no permission, not UTF-8 text, or a dangling link."
            }
            "E010" => {
                "Two outputs would share a path, two projects one output directory, or two projects one cluster-scoped object."
            }
            _ => return None,
        })
    }
}

/// A secondary place that matters to a finding, possibly in another file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Label {
    pub span: Span,
    pub message: String,
}

/// One finding about the user's policies.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub code: Code,
    pub severity: Severity,
    /// What is wrong, naming the thing; lower case, no trailing period.
    pub message: String,
    /// The smallest span that is wrong.
    pub span: Span,
    /// Text shown at `span`. `None` draws no snippet (e.g. an unreadable file).
    pub label: Option<String>,
    /// Other places that matter, e.g. the first of two duplicate definitions.
    pub related: Vec<Label>,
    /// What to do about it, computed from the data.
    pub help: Option<String>,
    /// Set on a finding that no lint setting or suppression may silence,
    /// because scalec's output would be rejected without it: what rejects it.
    pub guard: Option<&'static str>,
    /// A fix computed with the finding (a did-you-mean, a corrected unit),
    /// for editors to offer as a quick fix. Not part of any report format.
    pub suggestion: Option<Suggestion>,
}

/// A fix for a finding: replace the text at `span`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Suggestion {
    /// What the fix does, for a menu: "change to `replicas`".
    pub title: String,
    pub span: Span,
    pub replacement: Replacement,
}

/// The text a [`Suggestion`] writes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Replacement {
    /// Exactly this text.
    Text(String),
    /// A name or word, unquoted. It is written as a string literal where the
    /// text it replaces is one (`"shop.orders"` → `"shop_orders"`) or where
    /// it is not an identifier, and bare otherwise.
    Name(String),
    /// A line of its own, written at the (empty) span before what stands
    /// there and indented like the line it is written into: an attribute
    /// added to a block, above the attribute or block the span starts.
    LineBefore(String),
}

impl Suggestion {
    /// Replaces `span` with exactly `text`.
    pub fn text(span: Span, text: impl Into<String>, title: impl Into<String>) -> Self {
        Suggestion {
            title: title.into(),
            span,
            replacement: Replacement::Text(text.into()),
        }
    }

    /// Writes `line` as a line of its own just before `at` (the start of an
    /// attribute or block), indented alike.
    pub fn line_before(at: Span, line: impl Into<String>, title: impl Into<String>) -> Self {
        Suggestion {
            title: title.into(),
            span: Span::new(at.file, at.start, at.start),
            replacement: Replacement::LineBefore(line.into()),
        }
    }

    /// Replaces the name at `span` with `name`, titled "change to `name`".
    pub fn name(span: Span, name: impl Into<String>) -> Self {
        let name = name.into();
        Suggestion {
            title: format!("change to `{name}`"),
            span,
            replacement: Replacement::Name(name),
        }
    }

    /// The text to write over `span` in `source`, the whole text of the
    /// span's file.
    pub fn new_text(&self, source: &str) -> String {
        match &self.replacement {
            Replacement::Text(text) => text.clone(),
            Replacement::Name(name) => {
                let replaced = source.get(self.span.start..self.span.end).unwrap_or("");
                if replaced.starts_with('"') || !is_identifier(name) {
                    crate::fmt::quote(name)
                } else {
                    name.clone()
                }
            }
            Replacement::LineBefore(line) => {
                let at = self.span.start.min(source.len());
                let start = crate::source::line_start(source, at);
                let indent = source[start..at]
                    .find(|c: char| c != ' ' && c != '\t')
                    .map_or(&source[start..at], |end| &source[start..start + end]);
                format!("{line}\n{indent}")
            }
        }
    }
}

/// Whether `text` can be written bare as an identifier: an ASCII letter or
/// `_`, then letters, digits, `_` and `-`, and not a reserved word.
pub fn is_identifier(text: &str) -> bool {
    let mut chars = text.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        && !matches!(text, "per" | "true" | "false")
}

impl Diagnostic {
    pub fn new(code: Code, severity: Severity, message: impl Into<String>, span: Span) -> Self {
        Diagnostic {
            code,
            severity,
            message: message.into(),
            span,
            label: None,
            related: Vec::new(),
            help: None,
            guard: None,
            suggestion: None,
        }
    }

    pub fn error(code: Code, message: impl Into<String>, span: Span) -> Self {
        Self::new(code, Severity::Error, message, span)
    }

    pub fn with_label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    pub fn with_related(mut self, span: Span, message: impl Into<String>) -> Self {
        self.related.push(Label {
            span,
            message: message.into(),
        });
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Makes this finding impossible to silence: see [`Diagnostic::guard`].
    pub fn guarded(mut self, reason: &'static str) -> Self {
        self.guard = Some(reason);
        self
    }

    pub fn with_help_opt(mut self, help: Option<String>) -> Self {
        self.help = help;
        self
    }

    pub fn with_suggestion(mut self, suggestion: Suggestion) -> Self {
        self.suggestion = Some(suggestion);
        self
    }

    pub fn with_suggestion_opt(mut self, suggestion: Option<Suggestion>) -> Self {
        self.suggestion = suggestion;
        self
    }

    /// The order in which findings are printed: file, position, then code.
    pub fn sort_key(&self) -> (crate::source::FileId, usize, usize, &'static str, &str) {
        (
            self.span.file,
            self.span.start,
            self.span.end,
            self.code.id,
            &self.message,
        )
    }
}
