//! `--format github`: one GitHub Actions workflow command per finding, which
//! the runner turns into an annotation on the file and line:
//!
//! ```text
//! ::warning file=policies/api.scale,line=4,col=3,endLine=4,endColumn=15,title=K104::service `api` …
//! ```
//!
//! `error`, `warning` and `info` findings become `::error`, `::warning` and
//! `::notice`. The message carries the help and the related places on lines
//! of their own. Values are escaped as the runner reads them back
//! (`escapeData` and `escapeProperty` of actions/toolkit's `command.ts`):
//! `%`, CR and LF in the message (where every line break is sent as LF);
//! also `:` and `,` in a property. Columns are
//! given only for a finding on one line, as the runner requires. As in every
//! format, control characters from a policy are escaped first
//! ([`crate::names::escape`]), so the output is safe on a terminal.

use std::fmt::Write as _;

use super::location;
use crate::diag::{Diagnostic, Severity};
use crate::names::{self, Escape};
use crate::source::SourceMap;

/// The workflow commands for the findings, one line each.
pub fn github(diagnostics: &[Diagnostic], sources: &SourceMap) -> String {
    let mut out = String::new();
    for diagnostic in diagnostics {
        let at = location(diagnostic.span, sources);
        let command = match diagnostic.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "notice",
        };
        let mut properties = vec![
            ("file", names::escape(&at.file, Escape::Text).into_owned()),
            ("line", at.line.to_string()),
        ];
        if at.line == at.end_line {
            properties.push(("col", at.column.to_string()));
        }
        properties.push(("endLine", at.end_line.to_string()));
        if at.line == at.end_line {
            properties.push(("endColumn", at.end_column.to_string()));
        }
        properties.push(("title", diagnostic.code.id.to_string()));

        let mut message = diagnostic.message.clone();
        if let Some(help) = &diagnostic.help {
            message.push_str("\nhelp: ");
            message.push_str(help);
        }
        for label in &diagnostic.related {
            let related = location(label.span, sources);
            write!(
                message,
                "\n{}:{}:{}: {}",
                related.file, related.line, related.column, label.message
            )
            .expect("writing to a String cannot fail");
        }

        write!(out, "::{command} ").expect("writing to a String cannot fail");
        for (i, (key, value)) in properties.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            write!(out, "{key}={}", escape_property(value))
                .expect("writing to a String cannot fail");
        }
        out.push_str("::");
        // A line break is a line break however it is spelled.
        let message = message.replace("\r\n", "\n").replace('\r', "\n");
        out.push_str(&escape_data(&names::escape(&message, Escape::Lines)));
        out.push('\n');
    }
    out
}

/// A workflow command's message as the runner reads it back: `%`, CR and
/// LF percent-encoded.
pub fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A workflow command's property value: as [`escape_data`], and `:` and `,`
/// too, which would otherwise end the value.
pub fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::tests::tricky;

    /// What the runner reads back from an escaped value.
    fn unescape(text: &str) -> String {
        text.replace("%0D", "\r")
            .replace("%0A", "\n")
            .replace("%3A", ":")
            .replace("%2C", ",")
            .replace("%25", "%")
    }

    #[test]
    fn each_finding_is_one_workflow_command() {
        let (sources, diagnostics) = tricky();
        let out = github(&diagnostics, &sources);
        insta::assert_snapshot!(out);
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines.len(), diagnostics.len(), "{out}");
        let commands: Vec<&str> = lines
            .iter()
            .map(|l| l.split(' ').next().unwrap_or_default())
            .collect();
        assert_eq!(
            commands,
            ["::error", "::error", "::error", "::notice", "::warning"]
        );
        assert!(!out.contains('\r') && !out.contains('\u{1b}'), "{out:?}");
    }

    #[test]
    fn the_runner_reads_back_every_value() {
        let (sources, diagnostics) = tricky();
        let out = github(&diagnostics, &sources);
        let line = out.lines().nth(2).expect("the E002 line");
        let (properties, message) = line
            .strip_prefix("::error ")
            .and_then(|rest| rest.split_once("::"))
            .expect("::error properties::message");
        let properties: Vec<(String, String)> = properties
            .split(',')
            .map(|p| {
                let (key, value) = p.split_once('=').expect("key=value");
                (key.to_string(), unescape(value))
            })
            .collect();
        let expected = [
            ("file", "pol icy/50% off, v1:ñ.scale"),
            ("line", "4"),
            ("col", "3"),
            ("endLine", "4"),
            ("endColumn", "10"),
            ("title", "E002"),
        ]
        .map(|(k, v)| (k.to_string(), v.to_string()));
        assert_eq!(properties, expected);
        assert_eq!(
            unescape(message),
            "unknown attribute `replica` in service \"api\": 50% off, <b>&amp;</b>\n\
             second line\n\
             third\n\
             help: did you mean `replicas`?\n\
             or remove it: 100%\n\
             pol icy/50% off, v1:ñ.scale:2:9: in this service, «api»\n\
             other/a.scale:1:9: also named `api`, here: a, b"
        );
    }

    #[test]
    fn a_finding_over_several_lines_has_no_columns() {
        let (sources, diagnostics) = tricky();
        let out = github(&diagnostics, &sources);
        let last = out.lines().last().expect("the K106 line");
        assert!(
            last.starts_with(
                "::warning file=pol icy/50%25 off%2C v1%3Añ.scale,line=5,endLine=6,title=K106::"
            ),
            "{last}"
        );
    }

    #[test]
    fn escaping_follows_actions_toolkit() {
        assert_eq!(escape_data("50%\r\na:b,c"), "50%25%0D%0Aa:b,c");
        assert_eq!(escape_property("50%\r\na:b,c"), "50%25%0D%0Aa%3Ab%2Cc");
        // `%` first: an escape in the input is not read back as one.
        assert_eq!(escape_data("%0A"), "%250A");
        assert_eq!(unescape(&escape_property("%3A:%2C,")), "%3A:%2C,");
    }
}
