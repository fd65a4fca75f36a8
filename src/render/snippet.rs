//! The source lines a human report shows, made safe to print: what miette is
//! given instead of the whole file.
//!
//! A [`Snippet`] holds only the lines around the labelled spans of one report,
//! each long line clipped to windows around its labels (the rest replaced by
//! `…`) and every control or bidirectional character escaped (see
//! [`crate::names::push_escaped`]). Labels are moved onto the snippet's text with
//! [`Snippet::span`], so they stay under the characters they mark. Line
//! numbers and the header's column are those of the real file, the column as
//! [`SourceFile::line_col`] counts it, so every format agrees. Lines end at
//! `\n`, `\r\n` or a lone `\r`, as in the grammar.
//!
//! Why not hand miette the file: miette prints a line whole for every label on
//! it (a 64 KB line per finding), panics past column 65,535, prints control
//! characters raw and counts header columns in bytes.

use miette::{MietteError, MietteSpanContents, SourceCode, SourceSpan, SpanContents};

use crate::names::{Escape, needs_escape, push_escaped};
use crate::source::{LineIndex, SourceFile, Span};

/// A line of at most this many characters is shown whole.
pub const MAX_LINE_CHARS: usize = 120;
/// Characters kept either side of a labelled span on a clipped line.
pub const CONTEXT_CHARS: usize = 40;
/// Characters kept at each end of a labelled span too long to show whole.
pub const SPAN_END_CHARS: usize = 30;
/// Two parts of a report with at most this many lines between them are
/// shown as one, those lines included.
pub const MERGE_GAP: usize = 3;
/// What stands for the characters left out of a clipped line.
pub const ELLIPSIS: char = '…';

/// The lines of one file that a report shows, clipped and escaped, with the
/// map from file offsets to snippet offsets.
pub struct Snippet {
    /// The file's path, escaped, for the report's header.
    name: String,
    /// The shown lines, joined by `\n`. Lines not shown are left out, so
    /// that the work and the size do not grow with the distance between labels.
    text: String,
    /// `(snippet line, file line)`, 0-based, where each run of consecutive
    /// shown lines starts. miette never reads across two runs (see
    /// [`line_count`]), so a snippet line's file line follows from its run.
    runs: Vec<(usize, usize)>,
    /// Where file offsets land in the snippet, increasing in both.
    anchors: Vec<Anchor>,
    /// `(snippet offset, 0-based line, 0-based column)` of each span's start,
    /// the position miette prints in the header.
    starts: Vec<(usize, usize, usize)>,
}

/// A file offset and the snippet offset it lands on. Between a `verbatim`
/// anchor and the next, the snippet holds the file's bytes as they are, so
/// every offset between lands as far from the anchor in both; between
/// other anchors (a character written as an escape, a `…`, a line break),
/// offsets land on one of the two.
#[derive(Clone, Copy, Debug)]
struct Anchor {
    at: usize,
    to: usize,
    verbatim: bool,
}

impl Snippet {
    /// The snippet of `file` that shows `spans` (all in `file`), named `name`.
    pub fn new(file: &SourceFile, index: &LineIndex, name: String, spans: &[Span]) -> Snippet {
        let text = &*file.text;
        let clamp = |offset: usize| floor_boundary(text, offset.min(text.len()));
        let spans: Vec<(usize, usize)> = spans
            .iter()
            .map(|s| (clamp(s.start), clamp(s.end.max(s.start))))
            .collect();
        // The first and last line of each span.
        let span_lines: Vec<(usize, usize)> = spans
            .iter()
            .map(|&(start, end)| (index.line(start), index.line(end)))
            .collect();
        let last_line = index.len() - 1;
        // Each span shows its lines and one line either side (miette's context).
        let shown: Vec<(usize, usize)> = span_lines
            .iter()
            .map(|&(first, last)| (first.saturating_sub(1), (last + 1).min(last_line)))
            .collect();
        let shown = merge_close(shown);

        let mut builder = Builder {
            source: text,
            text: String::with_capacity(256),
            anchors: Vec::with_capacity(16),
        };
        let mut runs = Vec::new();
        let mut snippet_line = 0;
        let mut previous_end = None;
        for &(first, last) in &shown {
            runs.push((snippet_line, first));
            for line in first..=last {
                let (start, end) = index.bounds(line).expect("a shown line exists");
                if let Some(previous_end) = previous_end {
                    builder.anchor(previous_end);
                    builder.text.push('\n');
                }
                builder.anchor(start);
                // The parts of labelled spans on this line.
                let marks = || {
                    spans
                        .iter()
                        .zip(&span_lines)
                        .filter(|(_, (first, last))| (*first..=*last).contains(&line))
                        .map(|(&(a, b), _)| {
                            let from = a.clamp(start, end);
                            (from, b.clamp(from, end))
                        })
                        .collect::<Vec<_>>()
                };
                builder.line(start, end, marks);
                previous_end = Some(end);
            }
            snippet_line += last - first + 1;
        }
        let end_line = shown.last().map_or(0, |r| r.1);
        let (last_start, end) = index.bounds(end_line).expect("a shown line exists");
        builder.anchor(end);
        if let Some((next_start, _)) = index.bounds(end_line + 1) {
            // The last shown line's break, so that miette sees an empty last
            // line as a line, as it does in the whole file.
            builder.text.push('\n');
            builder.anchor(next_start);
        } else if end > last_start || spans.iter().any(|&(a, _)| a == text.len()) {
            // miette draws no label at the very end of its text: end the last
            // line, so that a label at the end of the file shows.
            builder.text.push('\n');
        }

        let mut snippet = Snippet {
            name,
            text: builder.text,
            runs,
            anchors: builder.anchors,
            starts: Vec::new(),
        };
        for &(start, _) in &spans {
            let (line, column) = index.line_col(text, start);
            let at = snippet.floor(start);
            snippet.starts.push((at, line - 1, column - 1));
        }
        snippet
    }

    /// Where a span of the file lies in the snippet. A span that starts or
    /// ends in a left-out part covers its `…`.
    pub fn span(&self, span: Span) -> SourceSpan {
        let start = self.floor(span.start);
        let end = self.ceil(span.end.max(span.start)).max(start);
        SourceSpan::from(start..end)
    }

    /// Where `offset` lands in the snippet, or the last place before it
    /// that a file offset lands on (the start of its escape, of its `…` or
    /// of its character).
    fn floor(&self, offset: usize) -> usize {
        let i = self.anchors.partition_point(|a| a.at <= offset);
        let Some(anchor) = i.checked_sub(1).map(|i| self.anchors[i]) else {
            return 0;
        };
        if !anchor.verbatim {
            return anchor.to;
        }
        let mut to = anchor.to + offset - anchor.at;
        while !self.text.is_char_boundary(to) {
            to -= 1;
        }
        to
    }

    /// Where `offset` lands in the snippet, or the first place after it
    /// that a file offset lands on.
    fn ceil(&self, offset: usize) -> usize {
        let i = self.anchors.partition_point(|a| a.at < offset);
        let next = self.anchors.get(i).map_or(self.text.len(), |a| a.to);
        match i.checked_sub(1).map(|i| self.anchors[i]) {
            Some(anchor) if anchor.verbatim => {
                let mut to = anchor.to + offset - anchor.at;
                while !self.text.is_char_boundary(to) {
                    to += 1;
                }
                to.min(next)
            }
            _ => next,
        }
    }

    /// The file's path, escaped.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The file's line and column (0-based, the column in characters) of
    /// the start of one of the snippet's spans, by its snippet offset: what
    /// a report's header shows for a label that starts there.
    pub fn start(&self, offset: usize) -> Option<(usize, usize)> {
        self.starts
            .iter()
            .find(|&&(at, ..)| at == offset)
            .map(|&(_, line, column)| (line, column))
    }

    /// The file line (0-based) of a snippet line.
    fn file_line(&self, snippet_line: usize) -> usize {
        let run = self
            .runs
            .partition_point(|&(first, _)| first <= snippet_line)
            .saturating_sub(1);
        self.runs
            .get(run)
            .map_or(snippet_line, |&(first, file_first)| {
                file_first + snippet_line - first
            })
    }
}

impl SourceCode for Snippet {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let inner =
            self.text
                .as_str()
                .read_span(span, context_lines_before, context_lines_after)?;
        // Without context, miette asks for a label's own position (the header):
        // give the file's line and column as `line_col` counts them.
        let label_start = self
            .start(span.offset())
            .filter(|_| context_lines_before == 0 && context_lines_after == 0);
        let (line, column) = match label_start {
            Some(start) => start,
            None => (self.file_line(inner.line()), inner.column()),
        };
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            inner.data(),
            *inner.span(),
            line,
            column,
            line_count(inner.data()),
        )))
    }
}

/// What miette should take for the number of lines in `data`. miette merges
/// two snippets when the first's line plus this count reaches the second's
/// line: counting [`MERGE_GAP`] more than there are merges them when at most
/// that many lines lie between, as [`merge_close`] does. (miette's own sources
/// return the number of line breaks from the start of the file instead, which
/// merges snippets hundreds of lines apart and shows every line between.)
fn line_count(data: &[u8]) -> usize {
    let breaks = data.iter().filter(|&&b| b == b'\n').count();
    breaks + usize::from(!data.ends_with(b"\n")) + MERGE_GAP
}

/// Sorts ranges of lines and merges those at most [`MERGE_GAP`] lines apart.
fn merge_close(mut ranges: Vec<(usize, usize)>) -> Vec<(usize, usize)> {
    ranges.sort_unstable();
    let mut merged: Vec<(usize, usize)> = Vec::new();
    for (first, last) in ranges {
        match merged.last_mut() {
            Some(previous) if first <= previous.1 + 1 + MERGE_GAP => {
                previous.1 = previous.1.max(last);
            }
            _ => merged.push((first, last)),
        }
    }
    merged
}

/// Writes the snippet's text and its anchors.
struct Builder<'s> {
    source: &'s str,
    text: String,
    anchors: Vec<Anchor>,
}

impl Builder<'_> {
    fn anchor(&mut self, offset: usize) {
        self.anchors.push(Anchor {
            at: offset,
            to: self.text.len(),
            verbatim: false,
        });
    }

    /// Writes the line `start..end` of the source, clipped to windows around
    /// the `marks` (byte ranges inside the line) when it is long.
    fn line(&mut self, start: usize, end: usize, marks: impl FnOnce() -> Vec<(usize, usize)>) {
        let line = &self.source[start..end];
        // (A line of no more bytes than that has no more characters.)
        if line.len() <= MAX_LINE_CHARS || line.chars().nth(MAX_LINE_CHARS).is_none() {
            self.keep(start, end);
            return;
        }
        let marks = marks();
        let windows = if marks.is_empty() {
            vec![(start, start + advance(line, 0, MAX_LINE_CHARS))]
        } else {
            windows(line, start, &marks)
        };
        let mut at = start;
        for (from, to) in windows {
            if from > at {
                self.elide(at, from);
            }
            self.keep(from, to);
            at = to;
        }
        if at < end {
            self.elide(at, end);
        }
    }

    /// Writes the text `from..to` of the source, escaped: the runs of
    /// characters that need no escape as they are, under one anchor each.
    fn keep(&mut self, from: usize, to: usize) {
        let mut run = from;
        let text = &self.source[from..to];
        // Printable ASCII and tabs, the common case, need no escape.
        if text
            .bytes()
            .all(|b| b == b'\t' || (b' '..=b'~').contains(&b))
        {
            self.verbatim(from, to);
            self.anchor(to);
            return;
        }
        for (i, c) in text.char_indices() {
            if needs_escape(c) && c != '\t' {
                self.verbatim(run, from + i);
                self.anchor(from + i);
                push_escaped(&mut self.text, c, Escape::Snippet);
                run = from + i + c.len_utf8();
            }
        }
        self.verbatim(run, to);
        self.anchor(to);
    }

    /// Writes the text `from..to` of the source as it is.
    fn verbatim(&mut self, from: usize, to: usize) {
        if from < to {
            self.anchors.push(Anchor {
                at: from,
                to: self.text.len(),
                verbatim: true,
            });
            self.text.push_str(&self.source[from..to]);
        }
    }

    fn elide(&mut self, from: usize, to: usize) {
        self.anchor(from);
        self.text.push(ELLIPSIS);
        self.anchor(to);
    }
}

/// The parts of a long line to keep, as sorted, disjoint byte ranges in the
/// file: some context around each mark, and only the ends of a long mark.
fn windows(line: &str, line_start: usize, marks: &[(usize, usize)]) -> Vec<(usize, usize)> {
    let mut windows = Vec::new();
    for &(from, to) in marks {
        let (from, to) = (from - line_start, to - line_start);
        let before = retreat(line, from, CONTEXT_CHARS);
        let after = advance(line, to, CONTEXT_CHARS);
        if line[from..to].chars().nth(2 * SPAN_END_CHARS + 1).is_some() {
            windows.push((before, advance(line, from, SPAN_END_CHARS)));
            windows.push((retreat(line, to, SPAN_END_CHARS), after));
        } else {
            windows.push((before, after));
        }
    }
    windows.sort_unstable();
    let mut merged: Vec<(usize, usize)> = Vec::new();
    for (from, to) in windows {
        match merged.last_mut() {
            // Leaving out a character or two would not make the line shorter.
            Some(last) if from <= last.1 + 2 => last.1 = last.1.max(to),
            _ => merged.push((from, to)),
        }
    }
    merged
        .into_iter()
        .map(|(from, to)| (line_start + from, line_start + to))
        .collect()
}

/// The offset `n` characters after `offset` in `text`, or its end.
fn advance(text: &str, offset: usize, n: usize) -> usize {
    text[offset..]
        .char_indices()
        .nth(n)
        .map_or(text.len(), |(i, _)| offset + i)
}

/// The offset `n` characters before `offset` in `text`, or its start.
fn retreat(text: &str, offset: usize, n: usize) -> usize {
    if n == 0 {
        return offset;
    }
    text[..offset]
        .char_indices()
        .rev()
        .nth(n - 1)
        .map_or(0, |(i, _)| i)
}

fn floor_boundary(text: &str, mut offset: usize) -> usize {
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::source::SourceMap;

    /// `text` as a snippet writes it: each character escaped, each line
    /// break as `\n`.
    fn escaped(text: &str) -> String {
        let mut out = String::new();
        for line in crate::source::lines(text)
            .collect::<Vec<_>>()
            .join("\n")
            .chars()
        {
            if line == '\n' {
                out.push('\n');
            } else {
                push_escaped(&mut out, line, Escape::Snippet);
            }
        }
        out
    }

    fn config() -> ProptestConfig {
        ProptestConfig {
            rng_seed: proptest::test_runner::RngSeed::Fixed(0x5419),
            failure_persistence: None,
            ..ProptestConfig::with_cases(512)
        }
    }

    proptest! {
        #![proptest_config(config())]

        /// On lines short enough to show whole, the snippet's text under
        /// any span of the file is that span's text, escaped: offsets land
        /// where their characters are written, after escapes, multi-byte
        /// characters and line breaks of every kind.
        #[test]
        fn a_span_covers_its_own_text(
            lines in proptest::collection::vec("([a-z =]{0,6}|\t|é|漢|😀|\u{7}|\u{1b}|\u{202e}|\u{85}){0,8}", 1..12),
            breaks in proptest::collection::vec(prop_oneof!["\n", "\r\n", "\r"], 12),
            labelled in proptest::collection::vec((0usize..1000, 0usize..1000), 1..4),
            probes in proptest::collection::vec((0usize..1000, 0usize..1000), 8),
        ) {
            let mut text = String::new();
            for (line, line_break) in lines.iter().zip(&breaks) {
                text.push_str(line);
                text.push_str(line_break);
            }
            let boundary = |n: usize| floor_boundary(&text, n * text.len() / 999);
            let span = |(a, b): (usize, usize)| {
                let (a, b) = (boundary(a), boundary(b));
                Span::new(crate::source::FileId(0), a.min(b), a.max(b))
            };
            let mut sources = SourceMap::new();
            let id = sources.add("a.scale", &text);
            let file = sources.get(id);
            let spans: Vec<Span> = labelled.into_iter().map(span).collect();
            let snippet = Snippet::new(file, file.lines(), "a.scale".into(), &spans);
            let index = file.lines();
            // Every labelled span, and any span on the lines around them that
            // the snippet shows without a gap.
            // (An offset between the `\r` and the `\n` of a line break lands
            // on both sides of its `\n`.)
            let inside_break = |o: usize| text[..o].ends_with('\r') && text[o..].starts_with('\n');
            let shown = |s: &Span| {
                !inside_break(s.start) && !inside_break(s.end) && spans.iter().any(|l| {
                    let (first, last) = (index.line(l.start).saturating_sub(1), index.line(l.end) + 1);
                    (first..=last).contains(&index.line(s.start)) && (first..=last).contains(&index.line(s.end))
                })
            };
            for s in spans.iter().copied().chain(probes.into_iter().map(span)).filter(|s| shown(s)) {
                let at = snippet.span(s);
                prop_assert_eq!(
                    &snippet.text[at.offset()..at.offset() + at.len()],
                    escaped(&text[s.start..s.end]),
                    "{:?} in {:?}", s, text
                );
            }
        }
    }
}
