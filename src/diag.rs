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
