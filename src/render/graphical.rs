//! The layout of a human report: what miette's `GraphicalReportHandler`
//! draws, written out here for the reports scalec makes nearly always.
//!
//! miette lays out each report from scratch: it wraps every message and
//! help with textwrap, reads the snippet again for each step and allocates
//! for every styled piece, about 25 µs a report, four times the budget of
//! issue #12. [`Layout`] draws the same bytes itself for a report whose
//! labels each lie on one line and whose related places are all in its own
//! file, with the settings of [`Layout::new`]: the code, the message, each
//! part of the snippet with its line numbers, underlines and labels, and
//! the help. A message or help line of printable ASCII that fits is written
//! as it is, which is what textwrap makes of it; any other text goes
//! through textwrap with miette's options, once per batch. miette draws the
//! other reports (a label over several lines, which it draws with a gutter,
//! or a related place in another file, which it nests and wraps). The tests
//! hold the two to the same bytes on every report of the fixtures and on
//! random ones.
//!
//! Each step names, in its comment, the miette 7 function it stands for, so
//! that the two can be compared.

use std::cell::RefCell;
use std::collections::HashMap;
use std::fmt::{self, Write as _};

use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, SourceCode, SourceSpan, SpanContents,
};
use unicode_width::UnicodeWidthChar as _;

use super::snippet::Snippet;
use super::{HumanOptions, Report, TAB_WIDTH};

/// Lines of context miette shows around a label (`with_context_lines`).
const CONTEXT_LINES: usize = 1;

/// What the human format draws with: the theme, the width, the indents of
/// messages and helps, and miette's handler for the reports [`Layout`]
/// leaves to it.
pub struct Layout {
    theme: GraphicalTheme,
    width: usize,
    miette: GraphicalReportHandler,
    /// The message's indents, by severity (error, warning, advice).
    messages: [Indent; 3],
    help: Indent,
}

/// How the lines of a message or help are indented (the first line
/// differently), and the texts wrapped with them so far: findings of one
/// rule often share their help.
struct Indent {
    first: String,
    rest: String,
    wrapped: RefCell<HashMap<String, String>>,
}

impl Indent {
    fn new(first: String, rest: String) -> Indent {
        Indent {
            first,
            rest,
            wrapped: RefCell::default(),
        }
    }
}

impl Layout {
    pub fn new(options: HumanOptions) -> Layout {
        let theme = if options.color {
            GraphicalTheme::unicode()
        } else {
            GraphicalTheme::unicode_nocolor()
        };
        let (styles, chars) = (&theme.styles, &theme.characters);
        // `render_causes`: the severity's icon, then its bar.
        macro_rules! message {
            ($severity:ident) => {
                Indent::new(
                    format!("  {} ", styles.$severity.style(&chars.$severity)),
                    format!("  {} ", styles.$severity.style(chars.vbar)),
                )
            };
        }
        Layout {
            miette: GraphicalReportHandler::new_themed(theme.clone())
                .with_width(options.width)
                .with_links(false)
                .with_context_lines(CONTEXT_LINES)
                .tab_width(TAB_WIDTH)
                .with_show_related_as_nested(true),
            messages: [message!(error), message!(warning), message!(advice)],
            // `render_footer`
            help: Indent::new(styles.help.style("  help: ").to_string(), " ".repeat(8)),
            width: options.width,
            theme,
        }
    }

    /// Appends the report as miette draws it.
    pub fn render(&self, out: &mut String, report: &Report) {
        let start = out.len();
        if self.draw(out, report).is_none() {
            out.truncate(start);
            self.miette
                .render_report(out, report)
                .expect("rendering into a String cannot fail");
        }
    }

    /// Appends the report; `None` (and part of it) when it is one that
    /// miette must draw. (`render_report_inner`)
    fn draw(&self, out: &mut String, report: &Report) -> Option<()> {
        if !report.related.is_empty() {
            return None;
        }
        let styles = &self.theme.styles;
        let (style, message) = match report.severity {
            miette::Severity::Error => (styles.error, &self.messages[0]),
            miette::Severity::Warning => (styles.warning, &self.messages[1]),
            miette::Severity::Advice => (styles.advice, &self.messages[2]),
        };
        // `render_header`: the code, then a blank line.
        if !report.code.is_empty() {
            writeln!(out, "{}\n", style.style(&report.code)).ok()?;
        }
        // `render_causes`: the message.
        self.wrap(out, &report.message, message);
        out.push('\n');
        if !report.labels.is_empty() {
            self.snippets(out, &report.source, &report.labels)?;
        }
        // `render_footer`: the help.
        if let Some(help) = &report.help {
            self.wrap(out, help, &self.help);
            out.push('\n');
        }
        Some(())
    }

    /// Appends `text` wrapped as miette wraps a message or help (`wrap`): to
    /// the width less two, each line of it indented. A line of printable
    /// ASCII that fits in the width less its indent is its own line, with
    /// trailing spaces removed: textwrap's first fit puts all its words on
    /// one line. Any other text goes through textwrap, once.
    fn wrap(&self, out: &mut String, text: &str, indent: &Indent) {
        let width = self.width.saturating_sub(2);
        let room = width.saturating_sub(textwrap::core::display_width(&indent.first));
        let fits = |line: &str| {
            line.bytes().all(|b| (b' '..=b'~').contains(&b))
                && line.trim_end_matches(' ').len() <= room
        };
        if room == width.saturating_sub(textwrap::core::display_width(&indent.rest))
            && text.split('\n').all(fits)
        {
            for (i, line) in text.split('\n').enumerate() {
                if i > 0 {
                    out.push('\n');
                }
                out.push_str(if i == 0 { &indent.first } else { &indent.rest });
                out.push_str(line.trim_end_matches(' '));
            }
            return;
        }
        let mut wrapped = indent.wrapped.borrow_mut();
        if let Some(lines) = wrapped.get(text) {
            out.push_str(lines);
            return;
        }
        let options = textwrap::Options::new(width)
            .initial_indent(&indent.first)
            .subsequent_indent(&indent.rest)
            .break_words(true);
        let lines = textwrap::fill(text, options);
        out.push_str(&lines);
        wrapped.insert(text.to_string(), lines);
    }

    /// The parts of the snippet around the labels, close ones merged.
    /// (`render_snippets`)
    fn snippets(&self, out: &mut String, source: &Snippet, labels: &[LabeledSpan]) -> Option<()> {
        // Sorted as miette sorts them: labels at one offset keep the order
        // this sort, on this type, gives them.
        let mut labels = labels.to_vec();
        labels.sort_unstable_by_key(|l| l.inner().offset());
        // Each part's span and its contents, read with the context lines.
        let mut contexts: Vec<(SourceSpan, Box<dyn SpanContents<'_> + '_>)> =
            Vec::with_capacity(labels.len());
        for right in &labels {
            // miette prints a note where a label cannot be read: let it.
            let right_contents = source
                .read_span(right.inner(), CONTEXT_LINES, CONTEXT_LINES)
                .ok()?;
            if let Some((left, left_contents)) = contexts.last()
                && left_contents.line() + left_contents.line_count() >= right_contents.line()
            {
                let new_end = (left.offset() + left.len()).max(right.offset() + right.len());
                let merged = SourceSpan::new(left.offset().into(), new_end - left.offset());
                if let Ok(merged_contents) = source.read_span(&merged, CONTEXT_LINES, CONTEXT_LINES)
                {
                    contexts.pop();
                    contexts.push((merged, merged_contents));
                    continue;
                }
            }
            contexts.push((*right.inner(), right_contents));
        }
        // The labels take the theme's highlight styles in turn.
        let styles = self.theme.styles.highlights.len();
        let highlights: Vec<Highlight> = labels
            .iter()
            .enumerate()
            .map(|(i, label)| Highlight::new(label, i % styles))
            .collect();
        for (context, contents) in contexts {
            self.context(out, source, context, contents, &labels, &highlights)?;
        }
        Some(())
    }

    /// One part of the snippet, whose `contents` were read for `context`:
    /// its header, its lines and the labels under them. `None` if a label
    /// spans lines. (`render_context`)
    fn context<'a>(
        &self,
        out: &mut String,
        source: &'a Snippet,
        context: SourceSpan,
        contents: Box<dyn SpanContents<'a> + 'a>,
        labels: &[LabeledSpan],
        highlights: &[Highlight],
    ) -> Option<()> {
        let lines = lines(&*contents);
        let (start, end) = (context.offset(), context.offset() + context.len());
        let mut in_context = labels
            .iter()
            .filter(|l| start <= l.offset() && l.offset() + l.len() <= end);
        let primary = in_context
            .clone()
            .find(|l| l.primary())
            .or_else(|| in_context.next());
        // A label over several lines needs miette's gutter.
        let gutter = lines.iter().any(|line| {
            highlights
                .iter()
                .any(|hl| !line.span_line_only(hl) && line.span_applies(hl))
        });
        if gutter {
            return None;
        }
        let chars = &self.theme.characters;
        let linum_width = lines
            .last()
            .map_or(0, |line| line.line_number)
            .to_string()
            .len();
        // The header names the file and where the primary label starts, as
        // the snippet tells miette.
        let (line, column) = match primary.and_then(|label| source.start(label.offset())) {
            Some(start) => start,
            None => {
                let header = match primary {
                    Some(label) => source.read_span(label.inner(), 0, 0).ok()?,
                    None => contents,
                };
                (header.line(), header.column())
            }
        };
        writeln!(
            out,
            "{:indent$}{}{}[{}]",
            "",
            chars.ltop,
            chars.hbar,
            self.theme.styles.link.style(format_args!(
                "{}:{}:{}",
                source.name(),
                line + 1,
                column + 1
            )),
            indent = linum_width + 2,
        )
        .ok()?;
        let mut here = Vec::with_capacity(highlights.len());
        for line in &lines {
            // `write_linum`, `render_line_text`
            write!(
                out,
                " {:linum_width$} {} ",
                self.theme.styles.linum.style(line.line_number),
                chars.vbar,
            )
            .ok()?;
            self.line_text(out, &line.text);
            here.clear();
            here.extend(highlights.iter().filter(|hl| line.span_applies(hl)));
            if !here.is_empty() {
                self.no_linum(out, linum_width);
                self.highlights(out, line, linum_width, &here);
            }
        }
        writeln!(
            out,
            "{:indent$}{}{}",
            "",
            chars.lbot,
            Repeat(chars.hbar, 4),
            indent = linum_width + 2,
        )
        .ok()
    }

    /// `write_no_linum`
    fn no_linum(&self, out: &mut String, linum_width: usize) {
        let _ = write!(
            out,
            " {:linum_width$} {} ",
            "", self.theme.characters.vbar_break
        );
    }

    /// A line of the snippet, its tabs drawn as spaces to the next tab stop.
    /// (`render_line_text`)
    fn line_text(&self, out: &mut String, text: &str) {
        if text.contains('\t') {
            for (c, width) in text.chars().zip(self.char_widths(text)) {
                if c == '\t' {
                    out.extend(std::iter::repeat_n(' ', width));
                } else {
                    out.push(c);
                }
            }
        } else {
            out.push_str(text);
        }
        out.push('\n');
    }

    /// The columns each character of a line takes. (`line_visual_char_width`)
    fn char_widths<'a>(&self, text: &'a str) -> impl Iterator<Item = usize> + 'a {
        let mut column = 0;
        let mut escaped = false;
        text.chars().map(move |c| {
            let width = match (escaped, c) {
                (false, '\t') => TAB_WIDTH - column % TAB_WIDTH,
                (false, '\x1b') => {
                    escaped = true;
                    0
                }
                (false, c) => c.width().unwrap_or(0),
                (true, 'm') => {
                    escaped = false;
                    0
                }
                (true, _) => 0,
            };
            column += width;
            width
        })
    }

    /// The column at which a byte offset of the snippet is drawn on its
    /// line. (`visual_offset`)
    fn visual_offset(&self, line: &Line, offset: usize, start: bool) -> usize {
        let mut index = offset - line.offset;
        while index <= line.text.len() && !line.text.is_char_boundary(index) {
            if start {
                index -= 1;
            } else {
                index += 1;
            }
        }
        let width: usize = self
            .char_widths(&line.text[..index.min(line.text.len())])
            .sum();
        if index > line.text.len() {
            width + 1
        } else {
            width
        }
    }

    /// The underlines of the labels on one line, then each label's text,
    /// the last label first. (`render_single_line_highlights`,
    /// `write_label_text`)
    fn highlights(&self, out: &mut String, line: &Line, linum_width: usize, here: &[&Highlight]) {
        let chars = &self.theme.characters;
        let styles = &self.theme.styles.highlights;
        let mut highest = 0;
        let mut bars = Vec::with_capacity(here.len());
        for &hl in here {
            let start = self.visual_offset(line, hl.offset(), true).max(highest);
            let end = if hl.len() == 0 {
                start + 1
            } else {
                self.visual_offset(line, hl.offset() + hl.len(), false)
                    .max(start + 1)
            };
            let bar = (start + end) / 2;
            let mark = if hl.len() == 0 {
                chars.uarrow
            } else if hl.label.is_some() {
                chars.underbar
            } else {
                chars.underline
            };
            let underline = format_args!(
                "{:pad$}{}{mark}{}",
                "",
                Repeat(chars.underline, bar - start),
                Repeat(chars.underline, end - bar - 1),
                pad = start.saturating_sub(highest),
            );
            let _ = write!(out, "{}", styles[hl.style].style(underline));
            highest = highest.max(end);
            bars.push((hl, bar));
        }
        out.push('\n');
        for &hl in here.iter().rev() {
            let Some(label) = hl.label else { continue };
            let style = styles[hl.style];
            let one_line = !label.contains('\n');
            for (i, part) in label.split('\n').enumerate() {
                self.no_linum(out, linum_width);
                let mut column = 1;
                for &(other, bar) in &bars {
                    while column < bar + 1 {
                        out.push(' ');
                        column += 1;
                    }
                    if other != hl {
                        let _ = write!(out, "{}", styles[other.style].style(chars.vbar));
                        column += 1;
                        continue;
                    }
                    let part = style.style(part);
                    let _ = if one_line {
                        let text = format_args!("{}{} {part}", chars.lbot, Repeat(chars.hbar, 2));
                        writeln!(out, "{}", style.style(text))
                    } else if i == 0 {
                        let text =
                            format_args!("{}{}{} {part}", chars.lbot, chars.hbar, chars.rcross);
                        writeln!(out, "{}", style.style(text))
                    } else {
                        let text = format_args!("  {} {part}", chars.vbar);
                        writeln!(out, "{}", style.style(text))
                    };
                    break;
                }
            }
        }
    }
}

/// A character written `n` times.
struct Repeat(char, usize);

impl fmt::Display for Repeat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        (0..self.1).try_for_each(|_| f.write_char(self.0))
    }
}

/// A label as miette draws it (`FancySpan`): its text, drawn line by line,
/// its span in the snippet and which of the theme's highlight styles it
/// takes. Two are equal when their texts and spans are, as in miette.
struct Highlight<'a> {
    label: Option<&'a str>,
    span: SourceSpan,
    style: usize,
}

impl PartialEq for Highlight<'_> {
    fn eq(&self, other: &Highlight<'_>) -> bool {
        self.label == other.label && self.span == other.span
    }
}

impl Highlight<'_> {
    fn new(label: &LabeledSpan, style: usize) -> Highlight<'_> {
        Highlight {
            label: label.label(),
            span: *label.inner(),
            style,
        }
    }

    fn offset(&self) -> usize {
        self.span.offset()
    }

    fn len(&self) -> usize {
        self.span.len()
    }
}

/// One line of a part of the snippet (`Line`): where it starts in the
/// snippet, its length with its line break, and its text without it.
struct Line {
    line_number: usize,
    offset: usize,
    length: usize,
    text: String,
}

impl Line {
    /// Whether the label starts and ends on this line (`span_line_only`).
    fn span_line_only(&self, hl: &Highlight) -> bool {
        hl.offset() >= self.offset && hl.offset() + hl.len() <= self.offset + self.length
    }

    /// Whether the label shows on this line (`span_applies`).
    fn span_applies(&self, hl: &Highlight) -> bool {
        let len = hl.len().max(1);
        let end = self.offset + self.length;
        (hl.offset() >= self.offset && hl.offset() < end)
            || (hl.offset() < self.offset && hl.offset() + len > end)
            || (hl.offset() + len > self.offset && hl.offset() + len <= end)
    }
}

/// The lines of a part of the snippet, read with its context lines, as
/// miette splits them (`get_lines`).
fn lines(contents: &dyn SpanContents<'_>) -> Vec<Line> {
    let text = String::from_utf8_lossy(contents.data());
    let mut line = contents.line();
    let mut column = contents.column();
    let mut offset = contents.span().offset();
    let mut line_offset = offset;
    let mut line_text = String::with_capacity(text.len());
    let mut lines = Vec::with_capacity(4);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        offset += c.len_utf8();
        let mut at_end_of_file = false;
        match c {
            '\r' => {
                if chars.next_if_eq(&'\n').is_some() {
                    offset += 1;
                    line += 1;
                    column = 0;
                } else {
                    line_text.push(c);
                    column += 1;
                }
                at_end_of_file = chars.peek().is_none();
            }
            '\n' => {
                at_end_of_file = chars.peek().is_none();
                line += 1;
                column = 0;
            }
            _ => {
                line_text.push(c);
                column += 1;
            }
        }
        if chars.peek().is_none() && !at_end_of_file {
            line += 1;
        }
        if column == 0 || chars.peek().is_none() {
            lines.push(Line {
                line_number: line,
                offset: line_offset,
                length: offset - line_offset,
                text: std::mem::take(&mut line_text),
            });
            line_offset = offset;
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    use proptest::prelude::*;

    use super::*;
    use crate::diag::{Diagnostic, codes};
    use crate::source::{SourceMap, Span};

    const OPTIONS: [HumanOptions; 2] = [
        HumanOptions {
            color: false,
            width: 100,
        },
        HumanOptions {
            color: true,
            width: 100,
        },
    ];

    /// What miette draws for the report.
    fn miette(layout: &Layout, report: &Report) -> String {
        let mut out = String::new();
        layout
            .miette
            .render_report(&mut out, report)
            .expect("rendering into a String cannot fail");
        out
    }

    /// What [`Layout`] draws for the report, if it draws it.
    fn draw(layout: &Layout, report: &Report) -> Option<String> {
        let mut out = String::new();
        layout.draw(&mut out, report).map(|()| out)
    }

    /// `text` as [`Layout`] wraps it.
    fn wrap(layout: &Layout, text: &str, first: &str, rest: &str) -> String {
        let mut out = String::new();
        layout.wrap(&mut out, text, &Indent::new(first.into(), rest.into()));
        out
    }

    /// Whether [`Layout`] draws the report of `diagnostic` (and then as
    /// miette does: the test fails if not).
    fn drawn_alike(layout: &Layout, diagnostic: &Diagnostic, sources: &SourceMap) -> bool {
        let report = Report::new(diagnostic, sources);
        let Some(drawn) = draw(layout, &report) else {
            return false;
        };
        assert_eq!(drawn, miette(layout, &report), "{diagnostic:?}");
        true
    }

    /// Every directory under `dir` that holds `.scale` files.
    fn projects(dir: &Path, out: &mut Vec<PathBuf>) {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
            .expect("a readable directory")
            .map(|e| e.expect("an entry").path())
            .collect();
        entries.sort();
        if entries
            .iter()
            .any(|p| p.extension().is_some_and(|e| e == "scale"))
        {
            out.push(dir.to_path_buf());
        }
        for entry in entries.iter().filter(|p| p.is_dir()) {
            projects(entry, out);
        }
    }

    #[test]
    fn every_report_of_the_fixtures_and_policies_is_drawn_as_miette_draws_it() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut dirs = Vec::new();
        projects(&root.join("tests/fixtures"), &mut dirs);
        projects(&root.join("policies"), &mut dirs);
        let (mut drawn, mut elsewhere) = (0, 0);
        for dir in &dirs {
            let Ok(workspace) = crate::discover::load(std::slice::from_ref(dir)) else {
                continue;
            };
            let compilation = crate::compile(
                &workspace.sources,
                &workspace.projects,
                &crate::lint::Options::default(),
            );
            for options in OPTIONS {
                let layout = Layout::new(options);
                for diagnostic in &compilation.diagnostics {
                    if drawn_alike(&layout, diagnostic, &workspace.sources) {
                        drawn += 1;
                    } else {
                        // Only a related place in another file is left to
                        // miette: no fixture has a label over several lines.
                        assert!(
                            diagnostic
                                .related
                                .iter()
                                .any(|r| r.span.file != diagnostic.span.file),
                            "{diagnostic:?}"
                        );
                        elsewhere += 1;
                    }
                }
            }
        }
        // The fixtures of a rule share a directory, so their duplicates
        // across files are many.
        assert!(
            drawn > 300 && elsewhere > 0,
            "{drawn} drawn, {elsewhere} left"
        );
    }

    #[test]
    fn the_tricky_findings_are_drawn_as_miette_draws_them() {
        let (sources, diagnostics) = crate::render::tests::tricky();
        for options in OPTIONS {
            let layout = Layout::new(options);
            let drawn = diagnostics
                .iter()
                .filter(|d| drawn_alike(&layout, d, &sources))
                .count();
            // The finding over two lines and the one with a related place in
            // another file are left to miette.
            assert_eq!(drawn, diagnostics.len() - 2);
        }
    }

    #[test]
    fn labels_at_one_place_are_drawn_in_miettes_order() {
        let mut sources = SourceMap::new();
        let id = sources.add("a.scale", "service api {\n  replicas = 1\n}\n");
        let at = Span::new(id, 16, 24);
        let diagnostic = Diagnostic::error(codes::SYNTAX_ERROR, "bad", at)
            .with_label("first")
            .with_related(at, "second")
            .with_related(at, "third")
            .with_related(Span::new(id, 8, 11), "name");
        for options in OPTIONS {
            assert!(drawn_alike(&Layout::new(options), &diagnostic, &sources));
        }
    }

    #[test]
    fn a_label_over_two_lines_is_left_to_miette() {
        let mut sources = SourceMap::new();
        let id = sources.add("a.scale", "service api {\n  x = 1\n}\n");
        let diagnostic =
            Diagnostic::error(codes::SYNTAX_ERROR, "bad", Span::new(id, 8, 20)).with_label("here");
        let report = Report::new(&diagnostic, &sources);
        let layout = Layout::new(OPTIONS[0]);
        assert!(draw(&layout, &report).is_none());
        let mut out = String::new();
        layout.render(&mut out, &report);
        assert!(out.contains("╭─▶"), "miette's gutter: {out}");
    }

    #[test]
    fn a_help_wrapped_once_is_the_same_the_second_time() {
        let layout = Layout::new(OPTIONS[0]);
        let help = "word ".repeat(40) + "ünï";
        let mut once = String::new();
        layout.wrap(&mut once, &help, &layout.help);
        let mut twice = String::new();
        layout.wrap(&mut twice, &help, &layout.help);
        assert_eq!(once, twice);
        assert!(once.lines().count() > 2, "{once}");
        assert_eq!(layout.help.wrapped.borrow().len(), 1);
    }

    /// Text with what makes wrapping hard: spaces in runs, hyphens between
    /// words and not, slashes and other break points, tabs, wide and
    /// combining characters, long words and line breaks.
    const TEXT: &str =
        "([a-z`'\"/.,;:()-]{1,12}|[a-z]{20,120}| {1,3}|-{1,2}|\t|é|漢字|e\u{301}|😀|\n){0,40}";

    fn config() -> ProptestConfig {
        ProptestConfig {
            rng_seed: proptest::test_runner::RngSeed::Fixed(0x0012),
            failure_persistence: None,
            ..ProptestConfig::with_cases(256)
        }
    }

    proptest! {
        #![proptest_config(config())]

        /// The quick path of `wrap` gives textwrap's text.
        #[test]
        fn wrap_is_textwraps_fill(text in TEXT, width in 10usize..120, color: bool) {
            let layout = Layout::new(HumanOptions { color, width });
            for (first, rest) in [
                ("  × ".to_string(), "  │ ".to_string()),
                (layout.theme.styles.help.style("  help: ").to_string(), " ".repeat(8)),
                ("  help: ".to_string(), "  ".to_string()),
            ] {
                let options = textwrap::Options::new(width.saturating_sub(2))
                    .initial_indent(&first)
                    .subsequent_indent(&rest)
                    .break_words(true);
                prop_assert_eq!(
                    wrap(&layout, &text, &first, &rest),
                    textwrap::fill(&text, options)
                );
            }
        }

        /// Any report [`Layout`] draws is drawn as miette draws it: labels
        /// anywhere (empty, on a line break, at the end of the file, on
        /// tabs, wide characters or escapes, on long lines, several on a
        /// line, far apart or close), with any message and help.
        #[test]
        fn reports_are_drawn_as_miette_draws_them(
            lines in proptest::collection::vec("([a-z =;{}\"]{0,12}|\t|é|漢|😀|\u{1b}|\u{202e}|[x]{100,300}){0,6}", 1..30),
            breaks in proptest::collection::vec(prop_oneof!["\n", "\r\n", "\r"], 30),
            mut spans in proptest::collection::vec((0usize..10_000, 0usize..40), 1..5),
            again in any::<bool>(),
            labelled in proptest::collection::vec(any::<bool>(), 5),
            message in TEXT,
            help in proptest::option::of(TEXT),
            severity in 0usize..3,
            color: bool,
        ) {
            if again && spans.len() > 1 {
                // Two labels at one place.
                spans[1] = spans[0];
            }
            let mut text = String::new();
            for (line, line_break) in lines.iter().zip(&breaks) {
                text.push_str(line);
                text.push_str(line_break);
            }
            // Spans on character boundaries, some at the very end.
            let boundary = |offset: usize| {
                let mut offset = offset.min(text.len());
                while !text.is_char_boundary(offset) {
                    offset -= 1;
                }
                offset
            };
            let mut sources = SourceMap::new();
            let id = sources.add("p/a.scale", &text);
            let span = |(start, len): (usize, usize)| {
                let start = boundary(start * text.len() / 9_999);
                Span::new(id, start, boundary(start + len).max(start))
            };
            let code = [codes::SYNTAX_ERROR, codes::UNKNOWN_ATTRIBUTE, codes::DUPLICATE_DEFINITION][severity];
            let mut diagnostic = Diagnostic::new(code, [crate::diag::Severity::Error, crate::diag::Severity::Warning, crate::diag::Severity::Info][severity], message, span(spans[0]));
            if labelled[0] {
                diagnostic = diagnostic.with_label("label, here");
            }
            for (i, &related) in spans.iter().enumerate().skip(1) {
                diagnostic = diagnostic.with_related(span(related), ["related", "", "a label\nof two lines", "related"][i % 4]);
            }
            let diagnostic = diagnostic.with_help_opt(help);
            let layout = Layout::new(HumanOptions { color, width: 100 });
            drawn_alike(&layout, &diagnostic, &sources);
        }
    }
}
