//! scalec's findings as the protocol's diagnostics.
//!
//! One finding is one diagnostic, with the code, severity and words `check`
//! prints: the message, then the label, then `help: ` and the help, as the
//! human report shows them (escaped as every report is). Its range is the
//! finding's span in UTF-16 positions of the editor's text; its secondary
//! labels are its `relatedInformation`; a lint rule's code links the rule's
//! section of `docs/rules.md`, as SARIF's `helpUri` does. Only open
//! documents get diagnostics.
//!
//! A finding that also points into another open document (a service defined
//! in two files: the finding sits at the second definition) is shown there
//! too, whether its own file is open or not, as a hint with the same code that links back to the finding, as
//! rust-analyzer does with rustc's notes in other files. The hint does not
//! count the finding twice in an editor's error count.

use std::collections::{BTreeMap, HashMap};
use std::str::FromStr;

use lsp_types::{
    CodeDescription, DiagnosticRelatedInformation, DiagnosticSeverity, Location, NumberOrString,
    Position, Range, Uri,
};

use super::documents::Document;
use crate::diag::{Diagnostic, Severity};
use crate::discover::Workspace;
use crate::names::{Escape, escape};
use crate::source::{FileId, LineIndex, Span};

/// The `source` of every diagnostic.
pub const SOURCE: &str = "scalec";

/// The diagnostics of each open document of a project checked as
/// `workspace`, with the version they were computed for; every document in
/// `open` gets an entry, empty when it has no findings.
pub fn for_documents(
    workspace: &Workspace,
    findings: &[Diagnostic],
    open: &[&Document],
) -> BTreeMap<Uri, (i32, Vec<lsp_types::Diagnostic>)> {
    let mut positions = Positions::new(workspace, open);
    let mut out: BTreeMap<Uri, (i32, Vec<lsp_types::Diagnostic>)> = open
        .iter()
        .map(|d| (d.uri.clone(), (d.version, Vec::new())))
        .collect();
    for finding in findings {
        let primary = positions.open_uri(finding.span.file);
        let mirrored = finding.related.iter().any(|label| {
            label.span.file != finding.span.file && positions.open_uri(label.span.file).is_some()
        });
        if primary.is_none() && !mirrored {
            continue;
        }
        let converted = convert(finding, &mut positions);
        let Some(uri) = positions.uri(finding.span.file) else {
            continue;
        };
        for label in &finding.related {
            if label.span.file == finding.span.file {
                continue;
            }
            let Some(other) = positions.open_uri(label.span.file) else {
                continue;
            };
            let hint = lsp_types::Diagnostic {
                range: positions.range(label.span),
                severity: Some(DiagnosticSeverity::HINT),
                message: format!(
                    "{}\n{}",
                    escape(&finding.message, Escape::Text),
                    escape(&label.message, Escape::Text)
                ),
                related_information: Some(vec![DiagnosticRelatedInformation {
                    location: Location::new(uri.clone(), converted.range),
                    message: escape(
                        finding.label.as_deref().unwrap_or(&finding.message),
                        Escape::Text,
                    )
                    .into_owned(),
                }]),
                ..converted.clone()
            };
            if let Some((_, list)) = out.get_mut(&other) {
                list.push(hint);
            }
        }
        if let Some((_, list)) = primary.and_then(|uri| out.get_mut(&uri)) {
            list.push(converted);
        }
    }
    for (_, list) in out.values_mut() {
        list.sort_by_key(|d| {
            (
                d.range.start,
                d.range.end,
                d.severity.map(|s| -severity_rank(s)),
            )
        });
    }
    out
}

fn severity_rank(severity: DiagnosticSeverity) -> i32 {
    match severity {
        DiagnosticSeverity::ERROR => 4,
        DiagnosticSeverity::WARNING => 3,
        DiagnosticSeverity::INFORMATION => 2,
        _ => 1,
    }
}

/// One finding as a diagnostic of its own file.
pub fn convert(finding: &Diagnostic, positions: &mut Positions) -> lsp_types::Diagnostic {
    let mut message = escape(&finding.message, Escape::Text).into_owned();
    if let Some(label) = &finding.label
        && !label.is_empty()
    {
        message.push('\n');
        message.push_str(&escape(label, Escape::Text));
    }
    if let Some(help) = &finding.help {
        message.push_str("\nhelp: ");
        message.push_str(&escape(help, Escape::Lines));
    }
    let related: Vec<DiagnosticRelatedInformation> = finding
        .related
        .iter()
        .filter_map(|label| {
            Some(DiagnosticRelatedInformation {
                location: Location::new(
                    positions.uri(label.span.file)?,
                    positions.range(label.span),
                ),
                message: escape(&label.message, Escape::Text).into_owned(),
            })
        })
        .collect();
    lsp_types::Diagnostic {
        range: positions.range(finding.span),
        severity: Some(severity(finding.severity)),
        code: Some(NumberOrString::String(finding.code.id.to_string())),
        code_description: code_description(finding),
        source: Some(SOURCE.to_string()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        tags: tags(finding),
        data: None,
    }
}

/// `unnecessary` for what can simply be deleted, which editors fade: a
/// metric no service scales on (K118), a suppression that silences nothing
/// (S002). scalec deprecates nothing, so no finding is `deprecated`.
fn tags(finding: &Diagnostic) -> Option<Vec<lsp_types::DiagnosticTag>> {
    use crate::lint::RuleId;
    matches!(finding.code.rule, Some(RuleId::K118 | RuleId::S002))
        .then(|| vec![lsp_types::DiagnosticTag::UNNECESSARY])
}

pub fn severity(severity: Severity) -> DiagnosticSeverity {
    match severity {
        Severity::Error => DiagnosticSeverity::ERROR,
        Severity::Warning => DiagnosticSeverity::WARNING,
        Severity::Info => DiagnosticSeverity::INFORMATION,
    }
}

/// The rule's section of `docs/rules.md`, for lint findings.
fn code_description(finding: &Diagnostic) -> Option<CodeDescription> {
    finding.code.rule?;
    let rule = crate::lint::find(finding.code.id)?;
    let href = crate::render::sarif::help_uri(rule.id.as_str(), rule.name);
    Some(CodeDescription {
        href: Uri::from_str(&href).ok()?,
    })
}

/// Protocol positions of a workspace's files: each file's line index built
/// once, and the URI of each (the open document's own for open files). What
/// a request handler uses to turn a span, in any file of a project, into a
/// location the editor can show.
pub struct Positions<'a> {
    workspace: &'a Workspace,
    /// The open document each file is, if any.
    open: HashMap<FileId, &'a Document>,
    lines: HashMap<FileId, LineIndex>,
    uris: HashMap<FileId, Option<Uri>>,
}

impl<'a> Positions<'a> {
    /// Positions in `workspace`, whose files among `documents` are named by
    /// the documents' URIs.
    pub fn new(workspace: &'a Workspace, documents: &[&'a Document]) -> Self {
        let by_path: HashMap<std::path::PathBuf, &Document> =
            documents.iter().map(|d| (d.check_path(), *d)).collect();
        let open = workspace
            .sources
            .files()
            .iter()
            .filter_map(|f| Some((f.id, *by_path.get(&f.path)?)))
            .collect();
        Positions {
            workspace,
            open,
            lines: HashMap::new(),
            uris: HashMap::new(),
        }
    }

    fn open_uri(&self, file: FileId) -> Option<Uri> {
        self.open.get(&file).map(|d| d.uri.clone())
    }

    /// The URI of a file: its open document's, or a `file:` URI of its
    /// path; `None` for a path no URI can name.
    pub fn uri(&mut self, file: FileId) -> Option<Uri> {
        if let Some(document) = self.open.get(&file) {
            return Some(document.uri.clone());
        }
        let path = &self.workspace.sources.get(file).path;
        self.uris
            .entry(file)
            .or_insert_with(|| super::uri::from_path(path))
            .clone()
    }

    /// Where a span is, for the editor.
    pub fn location(&mut self, span: Span) -> Option<Location> {
        Some(Location::new(self.uri(span.file)?, self.range(span)))
    }

    pub fn range(&mut self, span: Span) -> Range {
        Range::new(
            self.position(span.file, span.start),
            self.position(span.file, span.end),
        )
    }

    pub fn position(&mut self, file: FileId, offset: usize) -> Position {
        let text = &self.workspace.sources.get(file).text;
        let lines = self
            .lines
            .entry(file)
            .or_insert_with(|| LineIndex::new(text));
        let (line, mut character) = lines.utf16_position(text, offset);
        // The source's offsets start after a byte-order mark; the editor's
        // text may still have it, one UTF-16 unit on the first line.
        if line == 0
            && self
                .open
                .get(&file)
                .is_some_and(|d| d.text.starts_with('\u{FEFF}'))
        {
            character += 1;
        }
        Position::new(line, character)
    }
}
