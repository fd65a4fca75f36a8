//! Diagnostics → text: the human report (miette's graphical layout, drawn
//! by `render/graphical.rs` for most reports), one short line per finding,
//! JSON, or for CI a SARIF log ([`sarif`]), GitHub Actions workflow commands
//! ([`github`]) or a JUnit XML report ([`junit`]). Renderers never invent wording: every word comes from the
//! [`Diagnostic`]. Line and column are computed here, 1-based, columns in
//! characters (as [`SourceFile::line_col`] counts them) in every format.
//!
//! Reports are safe to print on a terminal: no control character, terminal
//! escape or bidirectional override from a policy, a file name or a message
//! reaches the output raw ([`escape`]; JSON and SARIF escape them as `\uXXXX`), and a
//! long line is clipped around its labels, so a report's size does not grow
//! with the length of a line.

use std::borrow::Cow;
use std::fmt;
use std::io;

use miette::LabeledSpan;
use schemars::JsonSchema;
use serde::Serialize;

use crate::diag::{Diagnostic, Severity};
use crate::names::{self, Escape, needs_escape};
use crate::source::{SourceFile, SourceMap, Span};

pub mod github;
mod graphical;
pub mod junit;
pub mod sarif;
mod snippet;

use graphical::Layout;
#[cfg(test)]
use snippet::MAX_LINE_CHARS;
use snippet::Snippet;

/// How a batch of diagnostics is printed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Human,
    Short,
    Json,
    Sarif,
    Github,
    Junit,
}

impl Format {
    /// Whether the format is one document that a program parses whole, so
    /// that it is printed even when there is nothing to report.
    pub fn is_document(self) -> bool {
        matches!(self, Format::Json | Format::Sarif | Format::Junit)
    }
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
        Format::Human => {
            let layout = Layout::new(human);
            let mut out = String::with_capacity(diagnostics.len() * 1024);
            for diagnostic in diagnostics {
                report(&mut out, diagnostic, sources, &layout);
            }
            out
        }
        Format::Short => diagnostics
            .iter()
            .map(|d| short_line(d, sources) + "\n")
            .collect(),
        Format::Json => json(diagnostics, sources),
        Format::Sarif => sarif::sarif(diagnostics, sources),
        Format::Github => github::github(diagnostics, sources),
        Format::Junit => junit::junit(diagnostics, sources),
    }
}

/// `path:line:col: severity[CODE]: message`, for editors and grep.
pub fn short_line(diagnostic: &Diagnostic, sources: &SourceMap) -> String {
    let file = sources.get(diagnostic.span.file);
    let (line, column) = file.line_col(diagnostic.span.start);
    format!(
        "{}:{line}:{column}: {}[{}]: {}",
        escape(&file.display_path()),
        diagnostic.severity.as_str(),
        diagnostic.code.id,
        escape(&diagnostic.message)
    )
}

/// A message, label or path as a report shows it: see [`names::escape`].
pub fn escape(text: &str) -> Cow<'_, str> {
    if is_printable_ascii(text) {
        return Cow::Borrowed(text);
    }
    names::escape(text, Escape::Text)
}

/// Whether `text` is printable ASCII, which [`names::escape`] keeps as it is
/// in every mode: a quick test for the common case.
fn is_printable_ascii(text: &str) -> bool {
    text.bytes().all(|b| (b' '..=b'~').contains(&b))
}

/// How many columns apart the tab stops of a human report's source lines are.
pub const TAB_WIDTH: usize = 4;

/// miette's graphical report for one diagnostic, ending in a blank line.
pub fn human_report(diagnostic: &Diagnostic, sources: &SourceMap, options: HumanOptions) -> String {
    let mut out = String::new();
    report(&mut out, diagnostic, sources, &Layout::new(options));
    out
}

/// Appends the report of `diagnostic` and a blank line.
fn report(out: &mut String, diagnostic: &Diagnostic, sources: &SourceMap, layout: &Layout) {
    layout.render(out, &Report::new(diagnostic, sources));
    if !out.ends_with('\n') {
        out.push('\n');
    }
    out.push('\n');
}

/// A [`Diagnostic`] as miette sees it: its text escaped, its source reduced to
/// a [`Snippet`]. Related labels in the same file become secondary labels;
/// those in other files become related reports with their own snippet, so a
/// duplicate across files shows both definitions.
struct Report {
    message: String,
    code: String,
    severity: miette::Severity,
    help: Option<String>,
    source: Snippet,
    labels: Vec<LabeledSpan>,
    related: Vec<Report>,
}

impl Report {
    fn new(diagnostic: &Diagnostic, sources: &SourceMap) -> Report {
        let file = sources.get(diagnostic.span.file);
        let mut shown = Vec::new();
        if diagnostic.label.is_some() {
            shown.push(diagnostic.span);
        }
        let (here, elsewhere): (Vec<_>, Vec<_>) = diagnostic
            .related
            .iter()
            .partition(|label| label.span.file == diagnostic.span.file);
        shown.extend(here.iter().map(|label| label.span));
        let source = snippet(file, &shown);

        let mut labels = Vec::new();
        if let Some(label) = &diagnostic.label {
            labels.push(LabeledSpan::new_primary_with_span(
                Some(escape(label).into_owned()),
                source.span(diagnostic.span),
            ));
        }
        for label in here {
            labels.push(LabeledSpan::new_with_span(
                Some(escape(&label.message).into_owned()),
                source.span(label.span),
            ));
        }
        let related = elsewhere
            .into_iter()
            .map(|label| {
                let source = snippet(sources.get(label.span.file), &[label.span]);
                Report {
                    message: escape(&label.message).into_owned(),
                    code: String::new(),
                    severity: miette::Severity::Advice,
                    help: None,
                    labels: vec![LabeledSpan::new_primary_with_span(
                        None,
                        source.span(label.span),
                    )],
                    source,
                    related: Vec::new(),
                }
            })
            .collect();
        Report {
            message: escape(&diagnostic.message).into_owned(),
            code: diagnostic.code.id.to_string(),
            severity: match diagnostic.severity {
                Severity::Error => miette::Severity::Error,
                Severity::Warning => miette::Severity::Warning,
                Severity::Info => miette::Severity::Advice,
            },
            help: diagnostic.help.as_deref().map(|help| {
                if help.split('\n').all(is_printable_ascii) {
                    help.to_string()
                } else {
                    names::escape(help, Escape::Lines).into_owned()
                }
            }),
            source,
            labels,
            related,
        }
    }
}

fn snippet(file: &SourceFile, spans: &[Span]) -> Snippet {
    let name = escape(&file.display_path()).into_owned();
    Snippet::new(file, file.lines(), name, spans)
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
    let ((line, column), (end_line, end_column)) = positions(file, span);
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

/// The line and column of a span's start and of its end, as
/// [`SourceFile::line_col`] counts them. The end of a span that ends on the
/// line it starts on (nearly every span) lies as many characters to the
/// right as the span has, so the file's lines are searched once.
fn positions(file: &SourceFile, span: Span) -> ((usize, usize), (usize, usize)) {
    let (line, column) = file.line_col(span.start);
    let text = &*file.text;
    let boundary = |offset: usize| {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        offset
    };
    let (start, end) = (boundary(span.start), boundary(span.end));
    match file.lines().bounds(line - 1) {
        // No line break (and so no `\r`) lies between the two.
        Some((_, line_end)) if start <= end && end <= line_end => (
            (line, column),
            (line, column + text[start..end].chars().count()),
        ),
        _ => ((line, column), file.line_col(span.end)),
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
    let list = Seq(diagnostics.iter().map(|d| json_diagnostic(d, sources)));
    json_text(&list, diagnostics.len() * 1024)
}

/// Serializes the items of an iterator as a JSON array, each as it is
/// made, without collecting them first.
struct Seq<I>(I);

impl<I> Serialize for Seq<I>
where
    I: Iterator + Clone,
    I::Item: Serialize,
{
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.clone())
    }
}

/// `value` as pretty-printed JSON text, newline-terminated, safe on a
/// terminal (see [`SafeFormatter`]); `capacity` is a guess at its length.
pub(crate) fn json_text(value: &impl Serialize, capacity: usize) -> String {
    let mut out = Vec::with_capacity(capacity);
    let mut serializer = serde_json::Serializer::with_formatter(&mut out, SafeFormatter::default());
    value
        .serialize(&mut serializer)
        .expect("reports always serialize");
    out.push(b'\n');
    String::from_utf8(out).expect("serde_json writes UTF-8")
}

/// The text of serde_json's pretty printer (`PrettyFormatter`, two spaces
/// an indent), with two changes that leave the values as they are:
///
/// - DEL, the C1 controls and the bidirectional controls, which serde_json
///   leaves raw in strings, are written as `\uXXXX` too, so that the text
///   is safe on a terminal (serde_json escapes the C0 controls itself;
///   outside strings JSON text is ASCII);
/// - a line break and its indent are written at once, not one indent at a
///   time.
#[derive(Default)]
struct SafeFormatter {
    depth: usize,
    has_value: bool,
}

impl SafeFormatter {
    /// A line break and the indent of the current depth.
    fn new_line<W: ?Sized + io::Write>(&self, writer: &mut W) -> io::Result<()> {
        const LINE: [u8; 65] = {
            let mut line = [b' '; 65];
            line[0] = b'\n';
            line
        };
        match LINE.get(..1 + 2 * self.depth) {
            Some(line) => writer.write_all(line),
            None => {
                writer.write_all(b"\n")?;
                (0..self.depth).try_for_each(|_| writer.write_all(b"  "))
            }
        }
    }
}

impl serde_json::ser::Formatter for SafeFormatter {
    fn write_string_fragment<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        // ASCII other than DEL, the common case, is written as it is.
        let invisible = |c: char| c == '\u{7f}' || (!c.is_ascii() && needs_escape(c));
        if fragment.bytes().all(|b| b < 0x7f) || !fragment.contains(invisible) {
            return writer.write_all(fragment.as_bytes());
        }
        let mut rest = fragment;
        while let Some(at) = rest.find(invisible) {
            writer.write_all(&rest.as_bytes()[..at])?;
            let c = rest[at..].chars().next().expect("a character at a match");
            write!(writer, "\\u{:04x}", u32::from(c))?;
            rest = &rest[at + c.len_utf8()..];
        }
        writer.write_all(rest.as_bytes())
    }

    fn begin_array<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.open(writer, b"[")
    }

    fn end_array<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.close(writer, b"]")
    }

    fn begin_array_value<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.item(writer, first)
    }

    fn end_array_value<W: ?Sized + io::Write>(&mut self, _writer: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn begin_object<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.open(writer, b"{")
    }

    fn end_object<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.close(writer, b"}")
    }

    fn begin_object_key<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.item(writer, first)
    }

    fn begin_object_value<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        writer.write_all(b": ")
    }

    fn end_object_value<W: ?Sized + io::Write>(&mut self, _writer: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

impl SafeFormatter {
    /// `[` or `{`, one level deeper.
    fn open<W: ?Sized + io::Write>(&mut self, writer: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.depth += 1;
        self.has_value = false;
        writer.write_all(bracket)
    }

    /// `]` or `}`, on a line of its own when the array or object has items.
    fn close<W: ?Sized + io::Write>(&mut self, writer: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.depth -= 1;
        if self.has_value {
            self.new_line(writer)?;
        }
        writer.write_all(bracket)
    }

    /// What stands before an array item or an object key: a comma after the
    /// first, then a line break and the indent.
    fn item<W: ?Sized + io::Write>(&self, writer: &mut W, first: bool) -> io::Result<()> {
        if !first {
            writer.write_all(b",")?;
        }
        self.new_line(writer)
    }
}

/// The JSON Schema of `scalec check --format json`.
pub fn json_schema() -> String {
    let schema = schemars::schema_for!(Vec<JsonDiagnostic>);
    serde_json::to_string_pretty(&schema).expect("schemas always serialize") + "\n"
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::diag::codes;

    /// Findings whose text is hard on every format: line breaks, `%`, commas,
    /// colons, quotes, `<&>`, non-ASCII text and control characters, in files
    /// whose names have spaces, commas and colons; a finding over two lines;
    /// an info; a finding with no label at the start of a file; related
    /// places in the same and in another file; files without findings.
    pub(in crate::render) fn tricky() -> (SourceMap, Vec<Diagnostic>) {
        let mut sources = SourceMap::new();
        let odd = sources.add(
            "pol icy/50% off, v1:ñ.scale",
            "# café «menu» <&>\n\
             service api {\n\
             \x20 image    = \"ünï/漢字:1\"\n\
             \x20 replica  = 1\n\
             \x20 scale cpu { utilization = 95 %,\n\
             \x20   average = 2 }\n\
             }\n",
        );
        sources.add("pol icy/clean.scale", "metric rps { kind = pods }\n");
        let other = sources.add("other/a.scale", "service api {}\n");
        let text = sources.get(odd).text.clone();
        let at = |needle: &str| {
            let start = text.find(needle).expect("needle in text");
            Span::new(odd, start, start + needle.len())
        };
        let diagnostics = vec![
            Diagnostic::error(codes::UNREADABLE_FILE, "cannot read: 100% sure", Span::new(odd, 0, 0))
                .with_help("check the file's permissions, then run again"),
            Diagnostic::error(
                codes::TYPE_MISMATCH,
                "service `api` runs the image \"ünï/漢字:1\" \u{1b}[31mred\u{1b}[0m",
                at("\"ünï/漢字:1\""),
            )
            .with_label("ünï/漢字"),
            Diagnostic::error(
                codes::UNKNOWN_ATTRIBUTE,
                "unknown attribute `replica` in service \"api\": 50% off, <b>&amp;</b>\nsecond line\r\nthird",
                at("replica"),
            )
            .with_label("not an attribute: of `service`, here")
            .with_help("did you mean `replicas`?\nor remove it: 100%")
            .with_related(at("api"), "in this service, «api»")
            .with_related(Span::new(other, 8, 11), "also named `api`, here: a, b"),
            Diagnostic::new(
                crate::lint::find("M208").expect("M208").code(),
                Severity::Info,
                "an info: of no consequence, 1 < 2",
                at("scale"),
            ),
            Diagnostic::new(
                crate::lint::find("K106").expect("K106").code(),
                Severity::Warning,
                "service `api` targets 95 % cpu utilization, over two lines",
                at("utilization = 95 %,\n    average = 2"),
            )
            .with_label("95 %,"),
        ];
        (sources, diagnostics)
    }

    const PLAIN: HumanOptions = HumanOptions {
        color: false,
        width: 100,
    };

    /// One file `a.scale` holding `text`, and a diagnostic labelled at the
    /// first occurrence of `needle` (after `after`, a byte offset).
    fn one(text: &str, needle: &str, after: usize) -> (SourceMap, Diagnostic) {
        let mut sources = SourceMap::new();
        let id = sources.add("a.scale", text);
        let start = after + text[after..].find(needle).expect("needle in text");
        let diagnostic = Diagnostic::error(
            codes::UNKNOWN_ATTRIBUTE,
            "unknown attribute",
            Span::new(id, start, start + needle.len()),
        )
        .with_label("here");
        (sources, diagnostic)
    }

    fn human(sources: &SourceMap, diagnostic: &Diagnostic) -> String {
        render(
            std::slice::from_ref(diagnostic),
            sources,
            Format::Human,
            PLAIN,
        )
    }

    /// The display column (0-based, in the report) where `needle` starts on
    /// the first source line of the report containing it, and where the
    /// underline below that line starts. Wide characters count two.
    fn columns(report: &str, needle: &str) -> (usize, usize) {
        let lines: Vec<&str> = report.lines().collect();
        let at = lines
            .iter()
            .position(|l| l.contains(" │ ") && l.contains(needle))
            .unwrap_or_else(|| panic!("no source line with {needle:?} in\n{report}"));
        let width = |s: &str| {
            s.chars()
                .map(|c| match c {
                    '\u{1100}'..='\u{115F}' | '\u{2E80}'..='\u{A4CF}' | '\u{AC00}'..='\u{D7A3}' => {
                        2
                    }
                    _ => 1,
                })
                .sum::<usize>()
        };
        let source = lines[at];
        let text = width(&source[..source.find(needle).expect("needle on the line")]);
        let underline = lines[at + 1];
        let mark = underline
            .find(['─', '┬', '▲'])
            .unwrap_or_else(|| panic!("no underline below {source:?} in\n{report}"));
        (text, width(&underline[..mark]))
    }

    #[test]
    fn escape_writes_controls_and_bidi_overrides_as_escapes() {
        assert_eq!(
            escape("a\u{1b}[31mb\u{7}\u{0}\u{7f}\u{9b}\t\r\n\u{202e}\u{2066}é\\"),
            "a\\u{1b}[31mb\\u{7}\\u{0}\\u{7f}\\u{9b}\\t\\r\\n\\u{202e}\\u{2066}é\\"
        );
        assert!(matches!(escape("plain `text` é 漢"), Cow::Borrowed(_)));
    }

    #[test]
    fn a_finding_far_right_is_clipped_around_its_label() {
        let text = format!(
            "service api {{ x = 1;{} replica = 3 }}\n",
            " ".repeat(70_000)
        );
        let (sources, diagnostic) = one(&text, "replica", 0);
        let report = human(&sources, &diagnostic);
        assert!(report.len() < 1_000, "report is {} bytes", report.len());
        assert!(report.contains("[a.scale:1:70022]"), "{report}");
        assert!(report.contains(" 1 │ …"), "{report}");
        let (text_column, underline_column) = columns(&report, "replica");
        assert_eq!(text_column, underline_column, "{report}");
    }

    #[test]
    fn a_short_line_is_shown_whole() {
        let text = "service api { replica = 3 }\n";
        let (sources, diagnostic) = one(text, "replica", 0);
        let report = human(&sources, &diagnostic);
        assert!(
            report.contains(" 1 │ service api { replica = 3 }\n"),
            "{report}"
        );
        assert!(!report.contains('…'), "{report}");
    }

    #[test]
    fn a_long_label_shows_its_ends() {
        let value = format!("\"{}\"", "x".repeat(5_000));
        let text = format!("image = {value}\n");
        let (sources, diagnostic) = one(&text, &value, 0);
        let report = human(&sources, &diagnostic);
        assert!(report.len() < 1_000, "report is {} bytes", report.len());
        // `image = "xxx…xxx"`: the line's start is within reach, its middle
        // is left out.
        assert!(report.contains(" 1 │ image = \"xxx"), "{report}");
        assert_eq!(report.matches('…').count(), 1, "{report}");
        let (text_column, underline_column) = columns(&report, "\"xxx");
        assert_eq!(text_column, underline_column, "{report}");
    }

    #[test]
    fn labels_stay_under_their_characters_after_escapes_multibyte_and_wide_characters() {
        let text = "service api { image = \"\u{1b}[31mé漢字\u{202e}\t\"; replica = 3 }\n";
        let (sources, diagnostic) = one(text, "replica", 0);
        let report = human(&sources, &diagnostic);
        assert!(!report.contains('\u{1b}'), "{report}");
        assert!(!report.contains('\u{202e}'), "{report}");
        assert!(report.contains("\\u{1b}[31mé漢字\\u{202e}"), "{report}");
        let (text_column, underline_column) = columns(&report, "replica");
        assert_eq!(text_column, underline_column, "{report}");
    }

    #[test]
    fn a_clipped_line_with_wide_characters_keeps_labels_aligned() {
        let text = format!("x = \"{}\"; replica = 3\n", "漢".repeat(300));
        let (sources, diagnostic) = one(&text, "replica", 0);
        let report = human(&sources, &diagnostic);
        assert!(report.contains(" 1 │ …漢"), "{report}");
        let (text_column, underline_column) = columns(&report, "replica");
        assert_eq!(text_column, underline_column, "{report}");
    }

    #[test]
    fn a_label_on_a_control_character_covers_its_escape() {
        let text = "a = 1 \u{7}\n";
        let (sources, diagnostic) = one(text, "\u{7}", 0);
        let report = human(&sources, &diagnostic);
        assert!(report.contains(" 1 │ a = 1 \\u{7}\n"), "{report}");
        // The underline spans the five characters of `\u{7}`.
        assert!(report.contains("·       ──┬──\n"), "{report}");
    }

    #[test]
    fn a_related_label_on_another_long_line_is_clipped_too() {
        let pad = " ".repeat(10_000);
        let text = format!("service api {{}}\n\n\n\n\n\n{pad}service api {{}}\n");
        let (sources, diagnostic) = one(&text, "api", 20);
        let first = text.find("api").expect("first definition");
        let file = diagnostic.span.file;
        let diagnostic =
            diagnostic.with_related(Span::new(file, first, first + 3), "first defined here");
        let report = human(&sources, &diagnostic);
        assert!(report.len() < 2_000, "report is {} bytes", report.len());
        assert!(report.contains("[a.scale:7:10009]"), "{report}");
        assert!(report.contains(" 7 │ …"), "{report}");
        assert!(report.contains(" 1 │ service api {}"), "{report}");
    }

    /// A file of `lines` lines `a = N`, with a duplicate of line `first` on
    /// line `second` (1-based), the second labelled and the first related.
    fn duplicate(lines: usize, first: usize, second: usize) -> String {
        let text: String = (1..=lines).map(|n| format!("a{n} = {n}\n")).collect();
        let mut sources = SourceMap::new();
        let id = sources.add("a.scale", &text);
        let at = |n: usize| {
            let start = text.find(&format!("\na{n} = ")).map_or(0, |i| i + 1);
            Span::new(id, start, start + format!("a{n}").len())
        };
        let diagnostic = Diagnostic::error(codes::DUPLICATE_DEFINITION, "twice", at(second))
            .with_label("again")
            .with_related(at(first), "first");
        human(&sources, &diagnostic)
    }

    #[test]
    fn labels_far_apart_are_shown_apart_with_their_own_line_numbers() {
        let report = duplicate(100_000, 2, 90_000);
        assert!(report.len() < 1_000, "report is {} bytes", report.len());
        for line in [1, 2, 3, 89_999, 90_000, 90_001] {
            assert!(
                report.contains(&format!(" {line} │ a{line} = {line}\n")),
                "{line}: {report}"
            );
        }
        assert!(
            !report.contains(" 4 │") && !report.contains(" 89998 │"),
            "{report}"
        );
        assert!(
            report.contains("[a.scale:90000:1]") && report.contains("[a.scale:2:1]"),
            "{report}"
        );
    }

    #[test]
    fn labels_a_few_lines_apart_are_shown_with_the_lines_between() {
        // Lines 4 to 6 lie between the contexts (1–3 and 7–9): shown.
        let report = duplicate(20, 2, 8);
        for line in 1..=9 {
            assert!(
                report.contains(&format!(" {line} │ a{line} = {line}\n")),
                "{line}: {report}"
            );
        }
        assert_eq!(report.matches("╭─[").count(), 1, "{report}");
        // One more line between: two parts.
        let report = duplicate(20, 2, 9);
        assert_eq!(report.matches("╭─[").count(), 2, "{report}");
        assert!(!report.contains(" 7 │"), "{report}");
    }

    #[test]
    fn context_lines_that_are_long_are_clipped() {
        let long = "#".repeat(10_000);
        let text = format!("{long}\nreplica = 3\n{long}\n");
        let (sources, diagnostic) = one(&text, "replica", 0);
        let report = human(&sources, &diagnostic);
        assert!(report.len() < 1_000, "report is {} bytes", report.len());
        assert_eq!(
            report
                .matches(&format!("{}…", "#".repeat(MAX_LINE_CHARS)))
                .count(),
            2
        );
    }

    #[test]
    fn the_header_column_counts_characters_in_every_format() {
        let text = "service api { image = \"ééééé漢字\"; replica = 3 }\n";
        let (sources, diagnostic) = one(text, "replica", 0);
        let (line, column) = sources
            .get(diagnostic.span.file)
            .line_col(diagnostic.span.start);
        assert_eq!((line, column), (1, 34));
        let all = std::slice::from_ref(&diagnostic);
        let report = human(&sources, &diagnostic);
        assert!(report.contains("[a.scale:1:34]"), "{report}");
        let short = render(all, &sources, Format::Short, PLAIN);
        assert!(short.starts_with("a.scale:1:34: "), "{short}");
        let json: serde_json::Value =
            serde_json::from_str(&render(all, &sources, Format::Json, PLAIN)).expect("JSON");
        assert_eq!(json[0]["column"], 34);
    }

    #[test]
    fn line_breaks_of_every_kind_number_the_lines_alike() {
        for text in [
            "a = 1\nb = 2\nreplica = 3\nc = 4\n",
            "a = 1\r\nb = 2\r\nreplica = 3\r\nc = 4\r\n",
        ] {
            let (sources, diagnostic) = one(text, "replica", 0);
            let report = human(&sources, &diagnostic);
            assert!(report.contains("[a.scale:3:1]"), "{report}");
            assert!(
                report.contains(" 2 │ b = 2\n 3 │ replica = 3\n"),
                "{report}"
            );
            assert!(report.contains(" 4 │ c = 4\n"), "{report}");
            assert!(!report.contains('\r'), "{report:?}");
        }
    }

    #[test]
    fn a_lone_carriage_return_never_reaches_the_report() {
        let text = "a = 1\rreplica = 3\n";
        let (sources, diagnostic) = one(text, "replica", 0);
        let report = human(&sources, &diagnostic);
        assert!(!report.contains('\r'), "{report:?}");
        assert!(report.contains(" 1 │ a = 1\n"), "{report}");
        assert!(report.contains(" 2 │ replica = 3\n"), "{report}");
    }

    #[test]
    fn tabs_are_drawn_as_spaces_to_the_next_tab_stop() {
        let text = "\ta\treplica = 3\n";
        let (sources, diagnostic) = one(text, "replica", 0);
        let report = human(&sources, &diagnostic);
        assert!(report.contains(" 1 │     a   replica = 3\n"), "{report}");
        let (text_column, underline_column) = columns(&report, "replica");
        assert_eq!(text_column, underline_column, "{report}");
    }

    #[test]
    fn an_empty_span_at_the_end_of_the_file_is_shown() {
        let text = "service api {\n  a = 1";
        let mut sources = SourceMap::new();
        let id = sources.add("a.scale", text);
        let diagnostic = Diagnostic::error(
            codes::SYNTAX_ERROR,
            "expected `}`",
            Span::new(id, text.len(), text.len()),
        )
        .with_label("expected `}`");
        let report = human(&sources, &diagnostic);
        assert!(report.contains("[a.scale:2:8]"), "{report}");
        assert!(report.contains("╰── expected `}`"), "{report}");
    }

    #[test]
    fn an_empty_span_after_the_last_line_break_is_shown() {
        let text = "service api {\n";
        let mut sources = SourceMap::new();
        let id = sources.add("a.scale", text);
        let diagnostic = Diagnostic::error(
            codes::SYNTAX_ERROR,
            "expected `}`",
            Span::new(id, text.len(), text.len()),
        )
        .with_label("expected `}`");
        let report = human(&sources, &diagnostic);
        assert!(report.contains("[a.scale:2:1]"), "{report}");
        assert!(report.contains(" 2 │ \n   · ▲\n"), "{report}");
    }

    #[test]
    fn messages_labels_help_and_paths_are_escaped_in_every_format() {
        let mut sources = SourceMap::new();
        let id = sources.add("ev\u{1b}]0;x\u{7}il\u{202e}.scale", "a = 1\n");
        let diagnostic = Diagnostic::error(
            codes::UNKNOWN_ATTRIBUTE,
            "unknown `\u{1b}[2J`\nsecond line",
            Span::new(id, 0, 1),
        )
        .with_label("label \u{9b}31m")
        .with_help("help \u{7}\nnext \u{1b}");
        let all = std::slice::from_ref(&diagnostic);
        for format in [Format::Human, Format::Short, Format::Json] {
            let out = render(all, &sources, format, PLAIN);
            for bad in ['\u{1b}', '\u{7}', '\u{9b}', '\u{202e}'] {
                assert!(!out.contains(bad), "{format:?} has {bad:?}: {out}");
            }
        }
        let short = render(all, &sources, Format::Short, PLAIN);
        assert_eq!(
            short,
            "ev\\u{1b}]0;x\\u{7}il\\u{202e}.scale:1:1: error[E002]: unknown `\\u{1b}[2J`\\nsecond line\n"
        );
        let report = human(&sources, &diagnostic);
        assert!(
            report.contains("[ev\\u{1b}]0;x\\u{7}il\\u{202e}.scale:1:1]"),
            "{report}"
        );
        assert!(report.contains("label \\u{9b}31m"), "{report}");
        assert!(
            report.contains("help \\u{7}\n"),
            "help keeps its line break: {report}"
        );
        // JSON keeps the values and escapes them as `\uXXXX`.
        let json = render(all, &sources, Format::Json, PLAIN);
        assert!(
            json.contains("\\u202e") && json.contains("\\u009b"),
            "{json}"
        );
        let value: serde_json::Value = serde_json::from_str(&json).expect("valid JSON");
        assert_eq!(value[0]["file"], "ev\u{1b}]0;x\u{7}il\u{202e}.scale");
        assert_eq!(value[0]["label"], "label \u{9b}31m");
    }

    #[test]
    fn colour_codes_come_only_from_the_theme() {
        let text = "x = \"\u{1b}]0;pwned\u{7}\"; replica = 3\n";
        let (sources, diagnostic) = one(text, "replica", 0);
        let colored = HumanOptions {
            color: true,
            width: 100,
        };
        let report = render(
            std::slice::from_ref(&diagnostic),
            &sources,
            Format::Human,
            colored,
        );
        assert!(report.contains('\u{1b}'), "the theme colours: {report:?}");
        assert!(!report.contains("\u{1b}]0;"), "{report:?}");
        assert!(!report.contains('\u{7}'), "{report:?}");
    }

    #[test]
    fn json_text_is_serde_jsons_pretty_text() {
        // Empty and nested arrays and objects, numbers, escapes, and nesting
        // deeper than the indents written at once.
        let mut value = serde_json::json!({
            "a": [], "b": {}, "c": [1, 2.5, null, true], "d": "q\"\\\n\t\u{1}é",
            "e": [{"f": [[]], "g": {"h": {}}}],
        });
        for i in 0..40 {
            value = if i % 2 == 0 {
                serde_json::json!([value, i])
            } else {
                serde_json::json!({ "k": value, "l": [] })
            };
        }
        let pretty = serde_json::to_string_pretty(&value).expect("JSON") + "\n";
        assert_eq!(json_text(&value, 0), pretty);
        // Invisible characters are escaped, and only those.
        let text = json_text(&"a\u{7f}b\u{85}c\u{202e}d\u{1b}é漢", 0);
        assert_eq!(text, "\"a\\u007fb\\u0085c\\u202ed\\u001bé漢\"\n");
    }

    #[test]
    fn many_findings_on_one_long_line_stay_small() {
        let body = "replica = 3; ".repeat(5_000);
        let text = format!("service api {{ {body}}}\n");
        let mut sources = SourceMap::new();
        let id = sources.add("a.scale", &text);
        let diagnostics: Vec<Diagnostic> = text
            .match_indices("replica")
            .map(|(at, _)| {
                Diagnostic::error(
                    codes::UNKNOWN_ATTRIBUTE,
                    "unknown",
                    Span::new(id, at, at + 7),
                )
                .with_label("here")
            })
            .collect();
        let report = render(&diagnostics, &sources, Format::Human, PLAIN);
        assert!(
            report.len() < diagnostics.len() * 600,
            "{} bytes for {} findings",
            report.len(),
            diagnostics.len()
        );
    }
}
