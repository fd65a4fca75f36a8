//! `--format junit`: the findings as a JUnit XML report, for CI systems that
//! show test results (GitLab, Jenkins, Azure Pipelines and the like).
//!
//! One `<testsuite>` per project (a directory of policy files, as `discover`
//! defines it) and one `<testcase>` per file of it. A file without errors or
//! warnings passes; each error or warning in it is one `<failure>` whose type
//! is the code, whose message is the finding's, and whose text gives the
//! place, the help and the related places. `info` findings (shown with
//! `--verbose`) are the testcase's `<system-out>` and fail nothing. Counts:
//! `tests` is the number of files, `failures` the number of files that failed.
//!
//! Text is escaped for XML, and characters XML 1.0 cannot hold are replaced
//! by U+FFFD; as in every format, control characters from a policy are first
//! written as escapes ([`crate::names::escape`]).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::{location, short_line};
use crate::diag::{Diagnostic, Severity};
use crate::names::{self, Escape};
use crate::source::{FileId, SourceFile, SourceMap};

/// The JUnit XML report of the findings about the files in `sources`.
pub fn junit(diagnostics: &[Diagnostic], sources: &SourceMap) -> String {
    let mut by_file: BTreeMap<FileId, Vec<&Diagnostic>> = BTreeMap::new();
    for diagnostic in diagnostics {
        by_file
            .entry(diagnostic.span.file)
            .or_default()
            .push(diagnostic);
    }
    // A project is a directory: its files are those whose parent it is.
    let mut projects: BTreeMap<String, Vec<&SourceFile>> = BTreeMap::new();
    for file in sources.files() {
        let dir = file
            .path
            .parent()
            .map(crate::source::display_path)
            .filter(|d| !d.is_empty())
            .unwrap_or_else(|| ".".to_string());
        projects.entry(dir).or_default().push(file);
    }

    let mut suites = String::new();
    let (mut total_tests, mut total_failures) = (0, 0);
    for (dir, mut files) in projects {
        files.sort_by_key(|f| f.display_path());
        let mut cases = String::new();
        let mut failed = 0;
        for file in &files {
            let found = by_file.get(&file.id).map_or(&[][..], Vec::as_slice);
            let name = names::escape(&file.display_path(), Escape::Text).into_owned();
            write!(
                cases,
                "    <testcase name=\"{name}\" classname=\"{class}\" file=\"{name}\"",
                name = xml_attribute(&name),
                class = xml_attribute(&names::escape(&dir, Escape::Text)),
            )
            .expect("writing to a String cannot fail");
            if found.is_empty() {
                cases.push_str("/>\n");
                continue;
            }
            cases.push_str(">\n");
            let mut infos = String::new();
            let mut fails = false;
            for diagnostic in found {
                if diagnostic.severity == Severity::Info {
                    infos.push_str(&short_line(diagnostic, sources));
                    infos.push('\n');
                    continue;
                }
                fails = true;
                writeln!(
                    cases,
                    "      <failure type=\"{}\" message=\"{}\">{}</failure>",
                    xml_attribute(diagnostic.code.id),
                    xml_attribute(&names::escape(&diagnostic.message, Escape::Text)),
                    xml_text(&body(diagnostic, sources)),
                )
                .expect("writing to a String cannot fail");
            }
            if !infos.is_empty() {
                writeln!(cases, "      <system-out>{}</system-out>", xml_text(&infos))
                    .expect("writing to a String cannot fail");
            }
            cases.push_str("    </testcase>\n");
            failed += usize::from(fails);
        }
        writeln!(
            suites,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{failed}\" errors=\"0\" skipped=\"0\">",
            xml_attribute(&names::escape(&dir, Escape::Text)),
            files.len()
        )
        .expect("writing to a String cannot fail");
        suites.push_str(&cases);
        suites.push_str("  </testsuite>\n");
        total_tests += files.len();
        total_failures += failed;
    }
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <testsuites name=\"scalec\" tests=\"{total_tests}\" failures=\"{total_failures}\" errors=\"0\" skipped=\"0\">\n\
         {suites}</testsuites>\n"
    )
}

/// A failure's text: the short line, then the label, the help and each
/// related place, one to a line.
fn body(diagnostic: &Diagnostic, sources: &SourceMap) -> String {
    let mut out = short_line(diagnostic, sources);
    out.push('\n');
    if let Some(label) = &diagnostic.label {
        writeln!(out, "label: {}", names::escape(label, Escape::Text))
            .expect("writing to a String cannot fail");
    }
    if let Some(help) = &diagnostic.help {
        writeln!(out, "help: {}", names::escape(help, Escape::Lines))
            .expect("writing to a String cannot fail");
    }
    for label in &diagnostic.related {
        let at = location(label.span, sources);
        writeln!(
            out,
            "related: {}:{}:{}: {}",
            names::escape(&at.file, Escape::Text),
            at.line,
            at.column,
            names::escape(&label.message, Escape::Text)
        )
        .expect("writing to a String cannot fail");
    }
    out
}

/// Text as element content: `&`, `<` and `>` escaped, a carriage return
/// kept as a character reference, characters XML 1.0 cannot hold replaced.
pub fn xml_text(text: &str) -> String {
    escape(text, false)
}

/// Text as a double-quoted attribute value: as [`xml_text`], and quotes,
/// tabs and line breaks as character references, which attribute value
/// normalization would otherwise turn into spaces.
pub fn xml_attribute(text: &str) -> String {
    escape(text, true)
}

fn escape(text: &str, attribute: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if attribute => out.push_str("&quot;"),
            '\'' if attribute => out.push_str("&apos;"),
            '\n' if attribute => out.push_str("&#10;"),
            '\t' if attribute => out.push_str("&#9;"),
            '\r' => out.push_str("&#13;"),
            '\t' | '\n' => out.push(c),
            c if is_xml_char(c) => out.push(c),
            _ => out.push('\u{FFFD}'),
        }
    }
    out
}

/// Whether XML 1.0 allows `c` in a document (its production `Char`).
fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::tests::tricky;

    #[test]
    fn a_suite_per_directory_and_a_case_per_file() {
        let (sources, diagnostics) = tricky();
        let out = junit(&diagnostics, &sources);
        insta::assert_snapshot!(out);
        assert_eq!(out.matches("<testsuite ").count(), 2, "{out}");
        assert_eq!(out.matches("<testcase ").count(), 3, "{out}");
        assert_eq!(out.matches("<failure ").count(), 4, "{out}");
        assert!(
            out.contains(
                "<testsuites name=\"scalec\" tests=\"3\" failures=\"1\" errors=\"0\" skipped=\"0\">"
            ),
            "{out}"
        );
        assert!(!out.contains('\r') && !out.contains('\u{1b}'), "{out:?}");
    }

    #[test]
    fn text_and_attributes_are_escaped_for_xml_1_0() {
        let text = "a<b>&\"'\n\t\r\u{1}\u{1b}\u{FFFE}\u{FFFF}ü漢\u{10000}";
        assert_eq!(
            xml_attribute(text),
            "a&lt;b&gt;&amp;&quot;&apos;&#10;&#9;&#13;\u{FFFD}\u{FFFD}\u{FFFD}\u{FFFD}ü漢\u{10000}"
        );
        assert_eq!(
            xml_text(text),
            "a&lt;b&gt;&amp;\"'\n\t&#13;\u{FFFD}\u{FFFD}\u{FFFD}\u{FFFD}ü漢\u{10000}"
        );
    }

    #[test]
    fn no_files_make_an_empty_report() {
        assert_eq!(
            junit(&[], &SourceMap::new()),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
             <testsuites name=\"scalec\" tests=\"0\" failures=\"0\" errors=\"0\" skipped=\"0\">\n\
             </testsuites>\n"
        );
    }
}
