//! Diagnostics → text: the human report (miette), one short line per finding,
//! or JSON. Renderers never invent wording: every word comes from the
//! [`Diagnostic`]. Line and column are computed here, 1-based, columns in
//! characters.

use std::fmt;
use std::sync::Arc;

use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, SourceSpan};
use schemars::JsonSchema;
use serde::Serialize;

use crate::diag::{Diagnostic, Severity};
use crate::source::{SourceMap, Span};

/// How a batch of diagnostics is printed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Human,
    Short,
    Json,
}

/// Options of the human report.
#[derive(Clone, Copy, Debug)]
pub struct HumanOptions {
    pub color: bool,
    pub width: usize,
}

pub fn render(
    diagnostics: &[Diagnostic],
    sources: &SourceMap,
    format: Format,
    human: HumanOptions,
) -> String {
    match format {
        Format::Human => diagnostics
            .iter()
            .map(|d| human_report(d, sources, human))
            .collect(),
        Format::Short => diagnostics
            .iter()
            .map(|d| short_line(d, sources) + "\n")
            .collect(),
        Format::Json => json(diagnostics, sources),
    }
}

/// `path:line:col: severity[CODE]: message`, for editors and grep.
pub fn short_line(diagnostic: &Diagnostic, sources: &SourceMap) -> String {
    let file = sources.get(diagnostic.span.file);
    let (line, column) = file.line_col(diagnostic.span.start);
    format!(
        "{}:{line}:{column}: {}[{}]: {}",
        file.display_path(),
        diagnostic.severity.as_str(),
        diagnostic.code.id,
        diagnostic.message
    )
}

/// miette's graphical report for one diagnostic, ending in a blank line.
pub fn human_report(diagnostic: &Diagnostic, sources: &SourceMap, options: HumanOptions) -> String {
    let theme = if options.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(options.width)
        .with_links(false)
        .with_show_related_as_nested(true);
    let report = Report::new(diagnostic, sources);
    let mut out = String::new();
    handler
        .render_report(&mut out, &report)
        .expect("rendering into a String cannot fail");
    if !out.ends_with('\n') {
        out.push('\n');
    }
    out.push('\n');
    out
}

fn source_span(span: Span) -> SourceSpan {
    SourceSpan::from(span.start..span.end)
}

fn named_source(sources: &SourceMap, span: Span) -> NamedSource<Arc<str>> {
    let file = sources.get(span.file);
    NamedSource::new(file.display_path(), Arc::clone(&file.text))
}

/// A [`Diagnostic`] as miette sees it. Related labels in the same file become
/// secondary labels; those in other files become related reports with their own
/// source, so a duplicate across files shows both definitions.
struct Report {
    message: String,
    code: String,
    severity: miette::Severity,
    help: Option<String>,
    source: NamedSource<Arc<str>>,
    labels: Vec<LabeledSpan>,
    related: Vec<Report>,
}

impl Report {
    fn new(diagnostic: &Diagnostic, sources: &SourceMap) -> Report {
        let mut labels = Vec::new();
        if let Some(label) = &diagnostic.label {
            labels.push(LabeledSpan::new_primary_with_span(
                Some(label.clone()),
                source_span(diagnostic.span),
            ));
        }
        let mut related = Vec::new();
        for label in &diagnostic.related {
            if label.span.file == diagnostic.span.file {
                labels.push(LabeledSpan::new_with_span(
                    Some(label.message.clone()),
                    source_span(label.span),
                ));
            } else {
                related.push(Report {
                    message: label.message.clone(),
                    code: String::new(),
                    severity: miette::Severity::Advice,
                    help: None,
                    source: named_source(sources, label.span),
                    labels: vec![LabeledSpan::new_primary_with_span(
                        None,
                        source_span(label.span),
                    )],
                    related: Vec::new(),
                });
            }
        }
        Report {
            message: diagnostic.message.clone(),
            code: diagnostic.code.id.to_string(),
            severity: match diagnostic.severity {
                Severity::Error => miette::Severity::Error,
                Severity::Warning => miette::Severity::Warning,
                Severity::Info => miette::Severity::Advice,
            },
            help: diagnostic.help.clone(),
            source: named_source(sources, diagnostic.span),
            labels,
            related,
        }
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl fmt::Debug for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Report {}

impl miette::Diagnostic for Report {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        (!self.code.is_empty()).then(|| Box::new(&self.code) as Box<dyn fmt::Display>)
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(self.severity)
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        (!self.labels.is_empty()).then_some(&self.source as &dyn miette::SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        (!self.labels.is_empty())
            .then(|| Box::new(self.labels.iter().cloned()) as Box<dyn Iterator<Item = _>>)
    }

    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn miette::Diagnostic> + 'a>> {
        (!self.related.is_empty()).then(|| {
            Box::new(self.related.iter().map(|r| r as &dyn miette::Diagnostic))
                as Box<dyn Iterator<Item = &'a dyn miette::Diagnostic>>
        })
    }
}

/// A position in a file, 1-based; the column counts characters.
#[derive(Serialize, JsonSchema)]
pub struct JsonLocation {
    /// The file, as named on the command line or found under a named directory.
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    /// Byte offsets `[start, end)` into the file (after a UTF-8 byte-order mark).
    pub byte_start: usize,
    pub byte_end: usize,
}

/// A secondary place that matters to a finding.
#[derive(Serialize, JsonSchema)]
pub struct JsonRelated {
    #[serde(flatten)]
    pub location: JsonLocation,
    pub message: String,
}

/// One finding of `scalec check --format json`.
#[derive(Serialize, JsonSchema)]
pub struct JsonDiagnostic {
    /// Where the finding is: the smallest span that is wrong.
    #[serde(flatten)]
    pub location: JsonLocation,
    /// `error`, `warning` or `info`.
    pub severity: String,
    /// The stable code, e.g. `E002`.
    pub code: String,
    /// The code's kebab-case name, e.g. `unknown-attribute`.
    pub name: String,
    pub message: String,
    /// The text shown at the location, if any.
    pub label: Option<String>,
    /// What to do about it, if scalec can say.
    pub help: Option<String>,
    /// Other places that matter, e.g. the first of two definitions.
    pub related: Vec<JsonRelated>,
}

fn location(span: Span, sources: &SourceMap) -> JsonLocation {
    let file = sources.get(span.file);
    let (line, column) = file.line_col(span.start);
    let (end_line, end_column) = file.line_col(span.end);
    JsonLocation {
        file: file.display_path(),
        line,
        column,
        end_line,
        end_column,
        byte_start: span.start,
        byte_end: span.end,
    }
}

pub fn json_diagnostic(diagnostic: &Diagnostic, sources: &SourceMap) -> JsonDiagnostic {
    JsonDiagnostic {
        location: location(diagnostic.span, sources),
        severity: diagnostic.severity.as_str().to_string(),
        code: diagnostic.code.id.to_string(),
        name: diagnostic.code.name.to_string(),
        message: diagnostic.message.clone(),
        label: diagnostic.label.clone(),
        help: diagnostic.help.clone(),
        related: diagnostic
            .related
            .iter()
            .map(|r| JsonRelated {
                location: location(r.span, sources),
                message: r.message.clone(),
            })
            .collect(),
    }
}

/// The findings as a pretty-printed JSON array, newline-terminated.
pub fn json(diagnostics: &[Diagnostic], sources: &SourceMap) -> String {
    let list: Vec<JsonDiagnostic> = diagnostics
        .iter()
        .map(|d| json_diagnostic(d, sources))
        .collect();
    serde_json::to_string_pretty(&list).expect("diagnostics always serialize") + "\n"
}

/// The JSON Schema of `scalec check --format json`.
pub fn json_schema() -> String {
    let schema = schemars::schema_for!(Vec<JsonDiagnostic>);
    serde_json::to_string_pretty(&schema).expect("schemas always serialize") + "\n"
}
