//! `--format sarif`: the findings as one SARIF 2.1.0 log, for GitHub code
//! scanning and other SARIF viewers.
//!
//! One run; its tool describes each code that fired (summary, what the rule
//! does, its whole documentation as help, a link into `docs/rules.md`), and
//! each finding is a result with its region (1-based; columns count
//! characters, as the run's `columnKind` says), its label, its related places
//! (also linked from the message) and a fingerprint that stays the same when
//! unrelated parts of the file change: a hash of the code, the path, the
//! message, the labelled text (trimmed, runs of white space as one space) and
//! how many findings with those four came before it. Line numbers are not
//! part of it; messages name what they are about and never a position.
//!
//! Paths are relative URIs, percent-encoded, as named on the command line
//! (an absolute path becomes a `file://` URI), so upload the log from the
//! directory scalec ran in. Like `--format json`, the text is escaped so it
//! is safe on a terminal; the values are the findings' own.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::path::Path;

use serde::ser::SerializeMap as _;
use serde::{Serialize, Serializer};
use sha2::{Digest, Sha256};

use super::{Seq, json_text, positions};
use crate::diag::{Code, Diagnostic, Severity, codes};
use crate::source::{FileId, SourceMap, Span};

/// The schema the log declares: the OASIS standard with its errata.
pub const SCHEMA_URI: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/// The key of scalec's fingerprint in each result's `partialFingerprints`.
pub const FINGERPRINT_KEY: &str = "scalec/v1";

/// The one key of `partialFingerprints` GitHub code scanning reads; when a
/// result has it, upload-sarif computes no line hash of its own. scalec
/// gives it the same value as [`FINGERPRINT_KEY`], which does not move with
/// the line.
pub const GITHUB_FINGERPRINT_KEY: &str = "primaryLocationLineHash";

/// GitHub code scanning shows at most this many characters of a rule's
/// `fullDescription`.
pub const FULL_DESCRIPTION_MAX: usize = 1000;

#[derive(Serialize)]
struct Log<R> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run<R>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<R> {
    tool: Tool,
    column_kind: &'static str,
    /// The results, serialized as they are made.
    results: R,
}

#[derive(Serialize)]
struct Tool {
    driver: Driver,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver {
    name: &'static str,
    version: &'static str,
    semantic_version: &'static str,
    information_uri: &'static str,
    rules: Vec<Rule>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Rule {
    id: &'static str,
    name: &'static str,
    short_description: Text,
    #[serde(skip_serializing_if = "Option::is_none")]
    full_description: Option<Text>,
    #[serde(skip_serializing_if = "Option::is_none")]
    help: Option<Help>,
    #[serde(skip_serializing_if = "Option::is_none")]
    help_uri: Option<String>,
    default_configuration: Configuration,
}

#[derive(Serialize)]
struct Text {
    text: String,
}

impl Text {
    fn new(text: impl Into<String>) -> Text {
        Text { text: text.into() }
    }
}

/// A text the log borrows from the findings.
#[derive(Serialize)]
struct TextRef<'a> {
    text: &'a str,
}

#[derive(Serialize)]
struct Help {
    text: String,
    markdown: String,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    rule_id: &'static str,
    rule_index: usize,
    level: &'static str,
    message: Text,
    locations: [Location<'a>; 1],
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related_locations: Vec<Location<'a>>,
    partial_fingerprints: Fingerprints<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<usize>,
    physical_location: PhysicalLocation<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<TextRef<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation<'a> {
    artifact_location: ArtifactLocation<'a>,
    region: Region,
}

#[derive(Serialize)]
struct ArtifactLocation<'a> {
    uri: &'a str,
}

/// A result's `partialFingerprints`: one fingerprint under both keys, in
/// the keys' order.
struct Fingerprints<'a>(&'a str);

impl Serialize for Fingerprints<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut keys = [GITHUB_FINGERPRINT_KEY, FINGERPRINT_KEY];
        keys.sort_unstable();
        let mut map = serializer.serialize_map(Some(keys.len()))?;
        for key in keys {
            map.serialize_entry(key, &self.0)?;
        }
        map.end()
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: usize,
    start_column: usize,
    end_line: usize,
    end_column: usize,
}

/// The SARIF level of a severity.
pub fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// The findings as a pretty-printed SARIF 2.1.0 log, newline-terminated.
pub fn sarif(diagnostics: &[Diagnostic], sources: &SourceMap) -> String {
    let mut fired: Vec<Code> = diagnostics.iter().map(|d| d.code).collect();
    fired.sort();
    fired.dedup();
    let index: BTreeMap<&str, usize> = fired.iter().enumerate().map(|(i, c)| (c.id, i)).collect();
    let paths = Paths::new(sources);
    let fingerprints = fingerprints(diagnostics, sources, &paths);
    let results = diagnostics
        .iter()
        .zip(&fingerprints)
        .map(|(d, fingerprint)| {
            let mut message = d.message.clone();
            if let Some(help) = &d.help {
                message.push_str("\nhelp: ");
                message.push_str(help);
            }
            // Links to the related locations, which viewers follow.
            for (i, label) in d.related.iter().enumerate() {
                write!(message, "\n[{}]({i})", link_text(&label.message))
                    .expect("writing to a String cannot fail");
            }
            SarifResult {
                rule_id: d.code.id,
                rule_index: index[d.code.id],
                level: level(d.severity),
                message: Text::new(message),
                locations: [Location {
                    id: None,
                    physical_location: physical(d.span, sources, &paths),
                    message: d.label.as_deref().map(|text| TextRef { text }),
                }],
                related_locations: d
                    .related
                    .iter()
                    .enumerate()
                    .map(|(i, label)| Location {
                        id: Some(i),
                        physical_location: physical(label.span, sources, &paths),
                        message: Some(TextRef {
                            text: &label.message,
                        }),
                    })
                    .collect(),
                partial_fingerprints: Fingerprints(fingerprint),
            }
        });
    let log = Log {
        schema: SCHEMA_URI,
        version: "2.1.0",
        runs: [Run {
            tool: Tool {
                driver: Driver {
                    name: "scalec",
                    version: env!("CARGO_PKG_VERSION"),
                    semantic_version: env!("CARGO_PKG_VERSION"),
                    information_uri: env!("CARGO_PKG_REPOSITORY"),
                    rules: fired.into_iter().map(rule).collect(),
                },
            },
            column_kind: "unicodeCodePoints",
            results: Seq(results),
        }],
    };
    json_text(&log, diagnostics.len() * 2048 + 64 * 1024)
}

/// Each finding's fingerprint, in order: see [`fingerprint`].
fn fingerprints(diagnostics: &[Diagnostic], sources: &SourceMap, paths: &Paths) -> Vec<String> {
    // How many findings with the same code, path, message and labelled text
    // came before: the fingerprint's occurrence.
    let mut seen: HashMap<(&str, &str, &str, Cow<'_, str>), usize> =
        HashMap::with_capacity(diagnostics.len());
    diagnostics
        .iter()
        .map(|d| {
            let key = (
                d.code.id,
                paths.shown(d.span.file),
                d.message.as_str(),
                labelled_text(&sources.get(d.span.file).text, d.span),
            );
            let occurrence = seen.get(&key).copied().unwrap_or(0);
            let fingerprint = fingerprint(&[key.0, key.1, key.2, &key.3], occurrence);
            seen.insert(key, occurrence + 1);
            fingerprint
        })
        .collect()
}

/// Each file's path as shown and as a URI, found once per log.
struct Paths {
    shown: Vec<String>,
    uris: Vec<String>,
}

impl Paths {
    fn new(sources: &SourceMap) -> Paths {
        let files = sources.files();
        Paths {
            shown: files.iter().map(|f| f.display_path()).collect(),
            uris: files.iter().map(|f| uri(&f.path)).collect(),
        }
    }

    fn shown(&self, file: FileId) -> &str {
        &self.shown[file.0 as usize]
    }

    fn uri(&self, file: FileId) -> &str {
        &self.uris[file.0 as usize]
    }
}

/// The description of one code that fired: a lint rule's summary, what it
/// does and its whole documentation, or a language error's name in words
/// and description.
fn rule(code: Code) -> Rule {
    if let Some(rule) = crate::lint::find(code.id) {
        let doc = rule.doc();
        return Rule {
            id: rule.id.as_str(),
            name: rule.name,
            short_description: Text::new(rule.summary),
            full_description: Some(Text::new(what_it_does(&doc))),
            help: Some(Help {
                text: doc.trim_end().to_string(),
                markdown: doc.trim_end().to_string(),
            }),
            help_uri: Some(help_uri(rule.id.as_str(), rule.name)),
            default_configuration: Configuration {
                level: level(rule.severity),
            },
        };
    }
    Rule {
        id: code.id,
        name: code.name,
        short_description: Text::new(code.name.replace('-', " ")),
        full_description: codes::description(code).map(Text::new),
        help: None,
        help_uri: None,
        default_configuration: Configuration {
            level: level(Severity::Error),
        },
    }
}

/// The `What it does` section of a rule's documentation, its paragraphs
/// unwrapped (list items keep their own lines), as many whole paragraphs as
/// fit in [`FULL_DESCRIPTION_MAX`] characters (at least the first, cut to
/// fit if it must be).
pub fn what_it_does(doc: &str) -> String {
    let section = doc
        .split_once("## What it does\n")
        .map_or(doc, |(_, rest)| rest);
    let section = section.split("\n## ").next().unwrap_or_default();
    let mut out = String::new();
    for paragraph in section
        .split("\n\n")
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        let mut unwrapped = String::new();
        for line in paragraph.lines().map(str::trim) {
            if !unwrapped.is_empty() {
                let item = line.starts_with("- ") || line.starts_with("* ");
                unwrapped.push(if item { '\n' } else { ' ' });
            }
            unwrapped.push_str(line);
        }
        let separator = if out.is_empty() { "" } else { "\n\n" };
        let length = out.chars().count() + separator.len() + unwrapped.chars().count();
        if length > FULL_DESCRIPTION_MAX {
            if out.is_empty() {
                out = unwrapped.chars().take(FULL_DESCRIPTION_MAX - 1).collect();
                out.push('…');
            }
            break;
        }
        out.push_str(separator);
        out.push_str(&unwrapped);
    }
    out
}

/// Text for the inside of an embedded link's brackets: `\`, `[` and `]`
/// escaped with a backslash, as SARIF requires of plain-text messages.
fn link_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '\\' | '[' | ']') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Where a rule is documented: its section of `docs/rules.md` in the
/// repository, at this version's tag.
pub fn help_uri(code: &str, name: &str) -> String {
    format!(
        "{}/blob/v{}/docs/rules.md#{}",
        env!("CARGO_PKG_REPOSITORY"),
        env!("CARGO_PKG_VERSION"),
        github_anchor(&format!("{code} {name}"))
    )
}

/// The anchor GitHub gives a Markdown heading (the first one with that
/// text): lower case, punctuation other than `-` and `_` dropped, each space
/// a `-`.
pub fn github_anchor(heading: &str) -> String {
    heading
        .trim()
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            '-' | '_' => Some(c),
            c if c.is_alphanumeric() => Some(c),
            _ => None,
        })
        .flat_map(char::to_lowercase)
        .collect()
}

fn physical<'a>(span: Span, sources: &SourceMap, paths: &'a Paths) -> PhysicalLocation<'a> {
    let ((start_line, start_column), (end_line, end_column)) =
        positions(sources.get(span.file), span);
    PhysicalLocation {
        artifact_location: ArtifactLocation {
            uri: paths.uri(span.file),
        },
        region: Region {
            start_line,
            start_column,
            end_line,
            end_column,
        },
    }
}

/// A path as a URI reference: relative stays relative, absolute becomes a
/// `file://` URI; every byte other than an unreserved character or `/` is
/// percent-encoded.
pub fn uri(path: &Path) -> String {
    let shown = crate::source::display_path(path);
    let mut out = String::with_capacity(shown.len());
    if path.is_absolute() {
        out.push_str("file://");
        if !shown.starts_with('/') {
            out.push('/');
        }
    }
    for byte in shown.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(char::from(byte));
        } else {
            write!(out, "%{byte:02X}").expect("writing to a String cannot fail");
        }
    }
    out
}

/// The text a finding marks, trimmed and with each run of white space as
/// one space, so that re-indenting it does not change its fingerprint.
fn labelled_text(text: &str, span: Span) -> Cow<'_, str> {
    let start = span.start.min(text.len());
    let end = span.end.clamp(start, text.len());
    let text = text.get(start..end).unwrap_or("");
    // Words of printable ASCII one space apart stay as they are.
    if text.bytes().all(|b| (b' '..=b'~').contains(&b))
        && !text.starts_with(' ')
        && !text.ends_with(' ')
        && !text.contains("  ")
    {
        return Cow::Borrowed(text);
    }
    let mut out = String::new();
    for word in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    Cow::Owned(out)
}

/// A hex SHA-256 of what identifies a finding apart from where it is, and
/// how many findings with the same `parts` came before it.
fn fingerprint(parts: &[&str], occurrence: usize) -> String {
    let mut hash = Sha256::new();
    let occurrence = occurrence.to_string();
    for part in parts.iter().chain([&occurrence.as_str()]) {
        hash.update(part.len().to_le_bytes());
        hash.update(part.as_bytes());
    }
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(64);
    for byte in hash.finalize() {
        out.push(char::from(HEX[usize::from(byte >> 4)]));
        out.push(char::from(HEX[usize::from(byte & 0xf)]));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::tests::tricky;

    fn validator() -> jsonschema::Validator {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/schemas/sarif-schema-2.1.0.json"
        );
        let text = std::fs::read_to_string(path).expect("the vendored SARIF schema");
        let schema: serde_json::Value = serde_json::from_str(&text).expect("schema is JSON");
        jsonschema::options()
            .should_validate_formats(true)
            .build(&schema)
            .expect("the SARIF schema compiles")
    }

    /// Every way `log` breaks the SARIF 2.1.0 schema, one per line.
    fn schema_errors(log: &serde_json::Value) -> String {
        validator()
            .iter_errors(log)
            .map(|e| format!("{}: {e}\n", e.instance_path()))
            .collect()
    }

    /// The log with each lint rule's documentation replaced by a mark: the
    /// documentation is pinned by `docs/rules.md`, the shape is pinned here.
    fn without_docs(log: &str, codes: &[&str]) -> String {
        let mut log = log.to_string();
        for code in codes {
            let doc = crate::lint::find(code).expect("a rule").doc();
            let encoded = serde_json::to_string(doc.trim_end()).expect("a string");
            assert_eq!(log.matches(&encoded).count(), 2, "help text and markdown");
            log = log.replace(&encoded, &format!("\"<the documentation of {code}>\""));
        }
        log
    }

    #[test]
    fn tricky_findings_make_a_valid_log() {
        let (sources, diagnostics) = tricky();
        let log = sarif(&diagnostics, &sources);
        let value: serde_json::Value = serde_json::from_str(&log).expect("SARIF is JSON");
        assert_eq!(schema_errors(&value), "");
        insta::assert_snapshot!(without_docs(&log, &["K106", "M208"]));
    }

    #[test]
    fn values_are_the_findings_own_and_the_text_is_safe_on_a_terminal() {
        let (sources, diagnostics) = tricky();
        let log = sarif(&diagnostics, &sources);
        assert!(
            !log.chars()
                .any(|c| crate::names::needs_escape(c) && c != '\n'),
            "{log}"
        );
        let value: serde_json::Value = serde_json::from_str(&log).expect("SARIF is JSON");
        let results = &value["runs"][0]["results"];
        assert_eq!(
            results[1]["message"]["text"],
            "service `api` runs the image \"ünï/漢字:1\" \u{1b}[31mred\u{1b}[0m"
        );
        assert_eq!(
            results[2]["message"]["text"],
            "unknown attribute `replica` in service \"api\": 50% off, <b>&amp;</b>\nsecond line\r\nthird\n\
             help: did you mean `replicas`?\nor remove it: 100%\n\
             [in this service, «api»](0)\n\
             [also named `api`, here: a, b](1)"
        );
        assert_eq!(results[2]["relatedLocations"][1]["id"], 1);
        assert_eq!(
            results[2]["relatedLocations"][1]["physicalLocation"]["artifactLocation"]["uri"],
            "other/a.scale"
        );
        // Columns count characters: `"ünï/漢字:1"` starts after `  image    = `.
        let region = &results[1]["locations"][0]["physicalLocation"]["region"];
        assert_eq!(
            (
                &region["startLine"],
                &region["startColumn"],
                &region["endColumn"]
            ),
            (&3.into(), &14.into(), &24.into())
        );
        assert_eq!(value["runs"][0]["columnKind"], "unicodeCodePoints");
    }

    #[test]
    fn link_text_escapes_brackets_and_backslashes() {
        assert_eq!(link_text(r"a[0]\b"), r"a\[0\]\\b");
    }

    #[test]
    fn paths_are_percent_encoded_uris() {
        assert_eq!(
            uri(Path::new("pol icy/50% off, v1:ñ.scale")),
            "pol%20icy/50%25%20off%2C%20v1%3A%C3%B1.scale"
        );
        assert_eq!(uri(Path::new("../a-b_c.~d.scale")), "../a-b_c.~d.scale");
        assert_eq!(
            uri(Path::new("/srv/p q/a.scale")),
            "file:///srv/p%20q/a.scale"
        );
    }

    #[test]
    fn one_finding_in_many_places_gets_a_fingerprint_per_place() {
        let mut sources = SourceMap::new();
        let id = sources.add("a.scale", "x = 1\nx = 1\ny = 1\n");
        let at = |start| Span::new(id, start, start + 5);
        let finding = |span| Diagnostic::error(codes::DUPLICATE_DEFINITION, "twice", span);
        let log = sarif(&[finding(at(0)), finding(at(6)), finding(at(12))], &sources);
        let value: serde_json::Value = serde_json::from_str(&log).expect("SARIF is JSON");
        let prints: Vec<&serde_json::Value> = (0..3)
            .map(|i| &value["runs"][0]["results"][i]["partialFingerprints"][FINGERPRINT_KEY])
            .collect();
        assert_ne!(
            prints[0], prints[1],
            "the same text twice: told apart by order"
        );
        assert_ne!(prints[0], prints[2], "other text");
        assert_eq!(
            value["runs"][0]["results"][0]["partialFingerprints"][GITHUB_FINGERPRINT_KEY],
            *prints[0]
        );
        // Moved down a line, re-indented: the same fingerprints.
        let mut moved = SourceMap::new();
        let text = "# new\n  x  =  1\nx = 1\ny = 1\n";
        let id = moved.add("a.scale", text);
        let spans = ["x  =  1", "x = 1", "y = 1"].map(|needle| {
            let start = text.find(needle).expect("needle in text");
            Span::new(id, start, start + needle.len())
        });
        let log = sarif(&spans.map(finding), &moved);
        let value: serde_json::Value = serde_json::from_str(&log).expect("SARIF is JSON");
        for (i, print) in prints.iter().enumerate() {
            assert_eq!(
                &&value["runs"][0]["results"][i]["partialFingerprints"][FINGERPRINT_KEY], print,
                "result {i}"
            );
        }
    }

    /// GitHub's anchors of the headings of a Markdown file, in order, the
    /// second of two equal ones with `-1` and so on; headings inside fenced
    /// code are not headings.
    fn anchors(markdown: &str) -> Vec<(String, String)> {
        let mut fenced = false;
        let mut seen: BTreeMap<String, usize> = BTreeMap::new();
        let mut out = Vec::new();
        for line in markdown.lines() {
            if line.starts_with("```") {
                fenced = !fenced;
                continue;
            }
            let Some(heading) = line.strip_prefix('#').filter(|_| !fenced) else {
                continue;
            };
            let heading = heading.trim_start_matches('#').trim();
            let anchor = github_anchor(heading);
            let count = seen.entry(anchor.clone()).or_insert(0);
            let unique = if *count == 0 {
                anchor.clone()
            } else {
                format!("{anchor}-{count}")
            };
            *count += 1;
            out.push((heading.to_string(), unique));
        }
        out
    }

    #[test]
    fn help_uris_point_at_the_rules_sections_of_docs_rules_md() {
        let markdown =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/rules.md"))
                .expect("docs/rules.md");
        let anchors = anchors(&markdown);
        for rule in crate::lint::RULES {
            let uri = help_uri(rule.id.as_str(), rule.name);
            let (page, anchor) = uri.split_once('#').expect("an anchor");
            assert_eq!(
                page,
                format!(
                    "https://github.com/scalec/scalec/blob/v{}/docs/rules.md",
                    env!("CARGO_PKG_VERSION")
                )
            );
            let heading = format!("{} {}", rule.id.as_str(), rule.name);
            assert!(
                anchors.iter().any(|(h, a)| *h == heading && a == anchor),
                "{uri}: no heading `{heading}` with that anchor in docs/rules.md"
            );
        }
    }

    #[test]
    fn github_anchors_drop_punctuation_and_join_words_with_hyphens() {
        assert_eq!(
            github_anchor("K101 missing-max-replicas"),
            "k101-missing-max-replicas"
        );
        assert_eq!(
            github_anchor("Turning rules up, off, or silencing one finding"),
            "turning-rules-up-off-or-silencing-one-finding"
        );
        assert_eq!(
            github_anchor("The `scalec` command_line"),
            "the-scalec-command_line"
        );
    }

    #[test]
    fn each_rule_says_what_it_does_in_what_github_shows() {
        for rule in crate::lint::RULES {
            let doc = rule.doc();
            let full = what_it_does(&doc);
            assert!(
                !full.is_empty() && full.chars().count() <= FULL_DESCRIPTION_MAX,
                "{}: {} characters",
                rule.id.as_str(),
                full.chars().count()
            );
            let section = doc.split_once("## What it does\n").expect("the section").1;
            let first_words: String = section
                .split_whitespace()
                .take(6)
                .collect::<Vec<_>>()
                .join(" ");
            assert!(
                full.starts_with(&first_words),
                "{}: {full}",
                rule.id.as_str()
            );
            assert!(!full.contains("## "), "{}: {full}", rule.id.as_str());
        }
    }

    #[test]
    fn every_language_error_is_described() {
        for code in codes::ALL {
            let described = rule(code);
            assert!(
                described
                    .full_description
                    .is_some_and(|d| d.text.ends_with('.')),
                "{}",
                code.id
            );
            assert_eq!(described.default_configuration.level, "error");
        }
    }

    #[test]
    fn no_findings_make_a_valid_log_with_no_results() {
        let log = sarif(&[], &SourceMap::new());
        let value: serde_json::Value = serde_json::from_str(&log).expect("SARIF is JSON");
        assert_eq!(schema_errors(&value), "");
        assert_eq!(value["runs"][0]["results"], serde_json::json!([]));
        assert_eq!(
            value["runs"][0]["tool"]["driver"]["rules"],
            serde_json::json!([])
        );
    }
}
