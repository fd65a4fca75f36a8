//! Many findings in one large file, in every `scalec check --format`, each
//! checked against the position the test computes itself from the generated
//! text (scalec#12). The file mixes `\n`, `\r\n` and lone `\r` line breaks,
//! lines of many lengths, and non-ASCII text (2-, 3- and 4-byte characters)
//! before each finding on its line, so character, UTF-16 and byte columns all
//! differ.
//!
//! Nothing here measures time. The size is what makes a renderer that finds
//! each position by scanning the file from its start (instead of the file's
//! one `LineIndex`) take minutes in a debug build, where this takes seconds
//! (measured on two busy cores: 140 s with `LineIndex::line_col` scanning
//! from the start of the file, 14 s as it is).

use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;

use serde_json::Value;

mod common;

/// Services in the generated file: 20,001 lines, 2,625 findings.
const SERVICES: usize = 2500;

/// The file's name, relative to the directory scalec runs in.
const FILE: &str = "policy.scale";

/// The snippet of a human report clips lines longer than this many
/// characters; the generated lines are shorter, so each shows whole.
const MAX_SHOWN_LINE: usize = 120;

/// One finding the generated file must produce.
#[derive(Clone, Debug)]
struct Finding {
    code: &'static str,
    service: usize,
    /// The marked token's byte range.
    byte_start: usize,
    byte_end: usize,
    /// Where the service's name is: K104's related place.
    name_start: usize,
    name_end: usize,
    // Filled in by `locate`.
    at: Position,
    end: Position,
    name_at: Position,
    name_end_at: Position,
    /// The text of the finding's line, without its line break.
    line_text: String,
    /// The text of the service's first line: K104's related place.
    name_line_text: String,
}

/// 1-based line and column; the column in characters (what scalec prints),
/// in UTF-16 code units and in bytes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Position {
    line: usize,
    column: usize,
    utf16_column: usize,
    byte_column: usize,
}

impl Finding {
    fn service_name(&self) -> String {
        format!("`svc-{}`", self.service)
    }

    /// What the short format prints before the message.
    fn short_prefix(&self) -> String {
        format!(
            "{FILE}:{}:{}: warning[{}]: ",
            self.at.line, self.at.column, self.code
        )
    }
}

/// The policy text of `services` services and the findings it must produce,
/// in order of position.
///
/// Service `n` breaks its lines with `\n`, `\r\n` or `\r` (`n % 3`). Its
/// image and health strings carry `n`-dependent runs of `x`, `é` (2 bytes),
/// `漢` (3 bytes) and `😀` (4 bytes, 2 UTF-16 units) before the statement
/// that draws a finding on the same line. Every service but one in five has a
/// 30 s scale-down window (K115, at `30s`); one in four may run a single
/// replica (K104, at the `1` of `replicas = 1 .. 10`, related to the
/// service's name).
fn generate(services: usize) -> (String, Vec<Finding>) {
    let mut text = String::new();
    let mut findings = Vec::new();
    let finding = |code, service, start, len: usize, name: (usize, usize)| Finding {
        code,
        service,
        byte_start: start,
        byte_end: start + len,
        name_start: name.0,
        name_end: name.1,
        at: Position::default(),
        end: Position::default(),
        name_at: Position::default(),
        name_end_at: Position::default(),
        line_text: String::new(),
        name_line_text: String::new(),
    };
    for n in 0..services {
        let nl = ["\n", "\r\n", "\r"][n % 3];
        let pad = format!(
            "{}{}{}{}",
            "x".repeat(n % 23),
            "é".repeat(n % 7),
            "漢".repeat(n % 3),
            "😀".repeat(n % 5)
        );
        write!(text, "# service {n} — café{nl}service ").expect("writing to a String");
        let name = (text.len(), text.len() + format!("svc-{n}").len());
        write!(
            text,
            "svc-{n} {{{nl}  image = \"registry.example.com/{pad}svc-{n}:1.{n}.0\"; replicas = "
        )
        .expect("writing to a String");
        if n % 4 == 1 {
            findings.push(finding("K104", n, text.len(), 1, name));
            text.push('1');
        } else {
            text.push('2');
        }
        write!(
            text,
            " .. 10{nl}  cpu = 250m .. 500m; memory = 256Mi .. 512Mi{nl}  scale cpu {{ utilization = 60% }}{nl}  port = 8080; health = \"/h{pad}\"; scale_down {{ stabilization = "
        )
        .expect("writing to a String");
        if n % 5 == 3 {
            text.push_str("5m");
        } else {
            findings.push(finding("K115", n, text.len(), "30s".len(), name));
            text.push_str("30s");
        }
        write!(text, " }} # ünï 😀{nl}}}{nl}{nl}").expect("writing to a String");
    }
    locate(&text, &mut findings);
    (text, findings)
}

/// Each line's byte range (without its line break), found by reading the
/// text once: `\r\n`, `\n` and a lone `\r` each end a line.
fn line_ranges(text: &str) -> Vec<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut ranges = Vec::new();
    let (mut start, mut i) = (0, 0);
    while i < bytes.len() {
        match bytes[i] {
            b'\n' => {
                ranges.push((start, i));
                start = i + 1;
            }
            b'\r' => {
                ranges.push((start, i));
                if bytes.get(i + 1) == Some(&b'\n') {
                    i += 1;
                }
                start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    ranges.push((start, text.len()));
    ranges
}

/// Fills in each finding's positions and line text: the line is the number
/// of line breaks before the offset plus one, the column the number of
/// characters (or UTF-16 units) between the line's start and the offset
/// plus one.
fn locate(text: &str, findings: &mut [Finding]) {
    let lines = line_ranges(text);
    let position = |offset: usize| {
        let line = lines.partition_point(|&(start, _)| start <= offset) - 1;
        let before = &text[lines[line].0..offset];
        Position {
            line: line + 1,
            column: before.chars().count() + 1,
            utf16_column: before.encode_utf16().count() + 1,
            byte_column: before.len() + 1,
        }
    };
    let line_text = |offset: usize| {
        let (start, end) = lines[lines.partition_point(|&(start, _)| start <= offset) - 1];
        text[start..end].to_string()
    };
    for f in findings {
        f.at = position(f.byte_start);
        f.end = position(f.byte_end);
        f.name_at = position(f.name_start);
        f.name_end_at = position(f.name_end);
        f.line_text = line_text(f.byte_start);
        f.name_line_text = line_text(f.name_start);
    }
}

/// A directory holding the generated file, and its findings.
fn generated() -> (tempfile::TempDir, Vec<Finding>) {
    let (text, findings) = generate(SERVICES);
    // The file is as hard as it claims: all three line breaks, and columns
    // in characters, UTF-16 units and bytes that differ.
    assert!(text.contains("\r\n") && text.contains("\r#") && text.contains("\n#"));
    let differ = |p: Position| p.column < p.utf16_column && p.utf16_column < p.byte_column;
    assert!(findings.iter().filter(|f| differ(f.at)).count() > findings.len() / 2);
    let lines = line_ranges(&text);
    assert!(lines.len() == 8 * SERVICES + 1, "{} lines", lines.len());
    let longest = lines.iter().map(|&(a, b)| text[a..b].chars().count()).max();
    assert!(
        longest <= Some(MAX_SHOWN_LINE),
        "a line of {longest:?} characters"
    );
    for pair in findings.windows(2) {
        assert!(pair[0].byte_start < pair[1].byte_start, "{pair:?}");
    }
    let k104 = findings.iter().filter(|f| f.code == "K104").count();
    assert!(k104 > SERVICES / 5 && findings.len() - k104 > SERVICES / 2);

    let dir = common::project_dir();
    std::fs::write(dir.path().join(FILE), &text).expect("writable temp dir");
    (dir, findings)
}

/// `scalec check --format FORMAT policy.scale`, run in `dir`: its output.
fn check(dir: &Path, format: &str) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_scalec"))
        .args(["check", "--color", "never", "--format", format, FILE])
        .current_dir(dir)
        .output()
        .expect("scalec runs");
    // Warnings only: scalec succeeds.
    assert!(
        output.status.success(),
        "{format}: {:?}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("UTF-8 output")
}

/// Positions as `(line, column)`, in the order they were printed, must be
/// those of the findings, in order of position.
fn assert_positions(format: &str, printed: &[(usize, usize)], findings: &[Finding]) {
    assert_positions_in(format, printed, findings, |p| p.column);
}

/// [`assert_positions`] with columns counted by `column`.
fn assert_positions_in(
    format: &str,
    printed: &[(usize, usize)],
    findings: &[Finding],
    column: fn(Position) -> usize,
) {
    assert_eq!(
        printed.len(),
        findings.len(),
        "{format}: findings printed, findings generated"
    );
    for pair in printed.windows(2) {
        assert!(pair[0] < pair[1], "{format}: out of order: {pair:?}");
    }
    for (i, (p, f)) in printed.iter().zip(findings).enumerate() {
        assert_eq!(
            *p,
            (f.at.line, column(f.at)),
            "{format}: finding {i} ({} of svc-{})",
            f.code,
            f.service
        );
    }
}

#[test]
fn short_gives_every_position() {
    let (dir, findings) = generated();
    let out = check(dir.path(), "short");
    let mut printed = Vec::new();
    for (line, f) in out.lines().zip(&findings) {
        let (path, rest) = line.split_once(':').expect("path:line:col:");
        let (l, rest) = rest.split_once(':').expect("line:col:");
        let (c, rest) = rest.split_once(':').expect("col:");
        assert_eq!(path, FILE, "{line}");
        printed.push((l.parse().expect("a line"), c.parse().expect("a column")));
        // The whole line, once its position is right.
        assert!(line.starts_with(&f.short_prefix()), "{line}\n{f:?}");
        assert!(rest.contains(&f.service_name()), "{line}\n{f:?}");
    }
    assert_eq!(out.lines().count(), findings.len());
    assert_positions("short", &printed, &findings);
}

#[test]
fn json_gives_every_location() {
    let (dir, findings) = generated();
    let out = check(dir.path(), "json");
    let list: Vec<Value> = serde_json::from_str(&out).expect("a JSON array");
    assert_eq!(list.len(), findings.len());
    let n = |v: &Value, key: &str| v[key].as_u64().map(|n| n as usize);
    let printed: Vec<(usize, usize)> = list
        .iter()
        .map(|d| (n(d, "line").unwrap_or(0), n(d, "column").unwrap_or(0)))
        .collect();
    assert_positions("json", &printed, &findings);
    for (d, f) in list.iter().zip(&findings) {
        let location = |v: &Value| {
            (
                v["file"].as_str().map(str::to_string),
                [
                    n(v, "line"),
                    n(v, "column"),
                    n(v, "end_line"),
                    n(v, "end_column"),
                    n(v, "byte_start"),
                    n(v, "byte_end"),
                ],
            )
        };
        let expected = |at: Position, end: Position, start: usize, stop: usize| {
            (
                Some(FILE.to_string()),
                [at.line, at.column, end.line, end.column, start, stop].map(Some),
            )
        };
        assert_eq!(
            location(d),
            expected(f.at, f.end, f.byte_start, f.byte_end),
            "{d}"
        );
        assert_eq!(d["code"], f.code, "{d}");
        let message = d["message"].as_str().expect("a message");
        assert!(message.contains(&f.service_name()), "{d}");
        let related = d["related"].as_array().expect("related places");
        if f.code == "K104" {
            assert_eq!(related.len(), 1, "{d}");
            assert_eq!(
                location(&related[0]),
                expected(f.name_at, f.name_end_at, f.name_start, f.name_end),
                "{d}"
            );
        } else {
            assert!(related.is_empty(), "{d}");
        }
    }
}

#[test]
fn sarif_gives_every_region_in_its_column_kind() {
    let (dir, findings) = generated();
    let out = check(dir.path(), "sarif");
    let log: Value = serde_json::from_str(&out).expect("SARIF is JSON");
    let run = &log["runs"][0];
    // The log says what its columns count; the test follows it.
    let column: fn(Position) -> usize = match run["columnKind"].as_str() {
        Some("unicodeCodePoints") => |p| p.column,
        Some("utf16CodeUnits") => |p| p.utf16_column,
        other => panic!("columnKind {other:?}"),
    };
    let results = run["results"].as_array().expect("results");
    assert_eq!(results.len(), findings.len());
    let n = |v: &Value, key: &str| v[key].as_u64().map_or(0, |n| n as usize);
    let region = |location: &Value| {
        let physical = &location["physicalLocation"];
        assert_eq!(physical["artifactLocation"]["uri"], FILE, "{location}");
        let r = &physical["region"];
        [
            n(r, "startLine"),
            n(r, "startColumn"),
            n(r, "endLine"),
            n(r, "endColumn"),
        ]
    };
    let printed: Vec<(usize, usize)> = results
        .iter()
        .map(|r| {
            let [line, column, ..] = region(&r["locations"][0]);
            (line, column)
        })
        .collect();
    assert_positions_in("sarif", &printed, &findings, column);
    for (r, f) in results.iter().zip(&findings) {
        assert_eq!(
            region(&r["locations"][0]),
            [f.at.line, column(f.at), f.end.line, column(f.end)],
            "{r}"
        );
        assert_eq!(r["ruleId"], f.code, "{r}");
        assert_eq!(r["level"], "warning", "{r}");
        let message = r["message"]["text"].as_str().expect("a message");
        assert!(message.contains(&f.service_name()), "{r}");
        let related = r["relatedLocations"]
            .as_array()
            .map_or(&[][..], Vec::as_slice);
        if f.code == "K104" {
            assert_eq!(related.len(), 1, "{r}");
            assert_eq!(
                region(&related[0]),
                [
                    f.name_at.line,
                    column(f.name_at),
                    f.name_end_at.line,
                    column(f.name_end_at)
                ],
                "{r}"
            );
        } else {
            assert!(related.is_empty(), "{r}");
        }
    }
}

#[test]
fn github_gives_every_annotation() {
    let (dir, findings) = generated();
    let out = check(dir.path(), "github");
    let mut printed = Vec::new();
    for (line, f) in out.lines().zip(&findings) {
        let (properties, message) = line
            .strip_prefix("::warning ")
            .and_then(|rest| rest.split_once("::"))
            .unwrap_or_else(|| panic!("not a ::warning command: {line}"));
        let properties: Vec<(&str, &str)> = properties
            .split(',')
            .map(|p| p.split_once('=').expect("key=value"))
            .collect();
        let get = |key: &str| -> usize {
            let value = properties.iter().find(|(k, _)| *k == key);
            value.map_or(0, |(_, v)| v.parse().expect("a number"))
        };
        printed.push((get("line"), get("col")));
        let keys: Vec<&str> = properties.iter().map(|(k, _)| *k).collect();
        assert_eq!(
            keys,
            ["file", "line", "col", "endLine", "endColumn", "title"],
            "{line}"
        );
        assert_eq!(properties[0].1, FILE, "{line}");
        assert_eq!(properties[5].1, f.code, "{line}");
        assert_eq!(
            [get("line"), get("col"), get("endLine"), get("endColumn")],
            [f.at.line, f.at.column, f.end.line, f.end.column],
            "{line}"
        );
        assert!(message.starts_with(&format!("service {}", f.service_name())));
        // K104's related place, as `path:line:col: message` on a line of its own.
        let related = format!("%0A{FILE}:{}:{}: ", f.name_at.line, f.name_at.column);
        assert_eq!(message.contains(&related), f.code == "K104", "{line}");
    }
    assert_eq!(out.lines().count(), findings.len());
    assert_positions("github", &printed, &findings);
}

#[test]
fn junit_names_every_place() {
    let (dir, findings) = generated();
    let out = check(dir.path(), "junit");
    // One file with warnings: one testcase, which fails.
    let head: String = out.lines().take(4).collect::<Vec<_>>().join("\n");
    assert_eq!(out.matches("<testcase ").count(), 1, "{head}");
    assert!(
        head.contains("<testsuites name=\"scalec\" tests=\"1\" failures=\"1\""),
        "{head}"
    );
    let failures: Vec<&str> = out.split("<failure ").skip(1).collect();
    assert_eq!(failures.len(), findings.len());
    let mut printed = Vec::new();
    for (failure, f) in failures.iter().zip(&findings) {
        let (attributes, body) = failure.split_once('>').expect("a start tag");
        let body = body.split_once("</failure>").expect("an end tag").0;
        assert!(
            attributes.starts_with(&format!("type=\"{}\"", f.code)),
            "{failure}"
        );
        // The text starts with the finding's short line.
        let first = body.lines().next().unwrap_or_default();
        let position = first
            .strip_prefix(&format!("{FILE}:"))
            .and_then(|rest| rest.split_once(": warning["))
            .and_then(|(at, _)| at.split_once(':'))
            .unwrap_or_else(|| panic!("not a short line: {first}"));
        printed.push((
            position.0.parse().expect("a line"),
            position.1.parse().expect("a column"),
        ));
        assert!(first.starts_with(&f.short_prefix()), "{failure}");
        assert!(first.contains(&f.service_name()), "{failure}");
        let related = format!(
            "\nrelated: {FILE}:{}:{}: ",
            f.name_at.line, f.name_at.column
        );
        assert_eq!(body.contains(&related), f.code == "K104", "{failure}");
    }
    assert_positions("junit", &printed, &findings);
}

#[test]
fn human_reports_show_every_position_and_line() {
    let (dir, findings) = generated();
    let out = check(dir.path(), "human");
    let lines: Vec<&str> = out.lines().collect();
    // Each report's header, `╭─[path:line:col]`, and where it is.
    let headers: Vec<usize> = (0..lines.len())
        .filter(|&i| lines[i].contains("╭─["))
        .collect();
    assert_eq!(headers.len(), findings.len());
    assert_eq!(
        lines
            .iter()
            .filter(|l| l.trim_start().starts_with("⚠ "))
            .count(),
        findings.len()
    );
    let mut printed = Vec::new();
    for (k, (&at, f)) in headers.iter().zip(&findings).enumerate() {
        let header = lines[at];
        let place = header
            .split_once("╭─[")
            .and_then(|(_, rest)| rest.strip_suffix(']'))
            .unwrap_or_else(|| panic!("not a header: {header}"));
        let (path, position) = place.split_once(':').expect("path:line:col");
        assert_eq!(path, FILE, "{header}");
        let (line, column) = position.split_once(':').expect("line:col");
        printed.push((
            line.parse().expect("a line"),
            column.parse().expect("a column"),
        ));
        assert_eq!(
            place,
            format!("{FILE}:{}:{}", f.at.line, f.at.column),
            "{f:?}"
        );
        // The message above the header names the service.
        let message = lines[at - 1].trim_start();
        assert!(
            message.starts_with(&format!("⚠ service {}", f.service_name())),
            "{message}\n{f:?}"
        );
        // The report, up to the next one's message, shows the finding's
        // source line whole, with its number; K104's also the service's line.
        let end = headers.get(k + 1).map_or(lines.len(), |&next| next - 1);
        let report = &lines[at + 1..end];
        let shows = |number: usize, text: &str| {
            let want = format!("{number} │ {text}");
            report.iter().any(|l| l.trim_start() == want)
        };
        assert!(
            shows(f.at.line, &f.line_text),
            "line {} not shown: {:?}\n{}",
            f.at.line,
            f.line_text,
            report.join("\n")
        );
        if f.code == "K104" {
            assert!(
                shows(f.name_at.line, &f.name_line_text),
                "{}",
                report.join("\n")
            );
        }
    }
    assert_positions("human", &printed, &findings);
}

/// The test's own positions, on a text small enough to count by hand.
#[test]
fn the_expected_positions_are_counted_by_hand() {
    let (text, findings) = generate(6);
    // svc-1, in `\r\n` lines: its K104 on line 11 after 1 × x, é, 漢 and 😀.
    let f = &findings[1];
    assert_eq!((f.code, f.service), ("K104", 1));
    assert_eq!(
        f.line_text,
        "  image = \"registry.example.com/xé漢😀svc-1:1.1.0\"; replicas = 1 .. 10"
    );
    assert_eq!(&text[f.byte_start..f.byte_end], "1");
    // 32 characters to `/`, 4 of padding (10 bytes, 5 UTF-16 units), 12 to
    // `"`, 13 to `1`.
    let at = Position {
        line: 11,
        column: 62,
        utf16_column: 63,
        byte_column: 68,
    };
    let end = Position {
        column: 63,
        utf16_column: 64,
        byte_column: 69,
        ..at
    };
    assert_eq!((f.at, f.end), (at, end));
    assert_eq!((f.name_at.line, f.name_at.column), (10, 9));
    // svc-3 (n % 5 == 3) has a 5 m window: no K115; svc-2's K115 is in `\r`
    // lines, the 6th line of the third service: 2 × 8 lines before it.
    let codes: Vec<(&str, usize)> = findings.iter().map(|f| (f.code, f.service)).collect();
    assert_eq!(
        codes,
        [
            ("K115", 0),
            ("K104", 1),
            ("K115", 1),
            ("K115", 2),
            ("K115", 4),
            ("K104", 5),
            ("K115", 5)
        ]
    );
    let f = &findings[3];
    assert_eq!(f.at.line, 2 * 8 + 6);
    assert_eq!(&text[f.byte_start..f.byte_end], "30s");
}
