//! `scalec fmt`: idempotent, meaning-preserving, comment-preserving, on every
//! policy and fixture, on messy inputs (snapshots) and on random policies.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use scalec::source::SourceMap;

/// Parses `text`; `None` when it does not parse.
fn parse(text: &str) -> Option<scalec::ast::Ast> {
    let mut map = SourceMap::new();
    let id = map.add("t.scale", text);
    let mut sink = Vec::new();
    let ast = scalec::syntax::parse_file(map.get(id), &mut sink)?;
    sink.is_empty().then_some(ast)
}

fn comment_texts(ast: &scalec::ast::Ast) -> Vec<String> {
    ast.comments
        .iter()
        .map(|c| c.text.trim_end().to_string())
        .collect()
}

/// Formats `text` and checks the three properties; returns the output.
fn format_checked(text: &str, what: &str) -> String {
    let ast = parse(text).unwrap_or_else(|| panic!("{what} must parse"));
    let formatted = scalec::fmt::format(&ast, text)
        .unwrap_or_else(|| panic!("{what}: a comment was not placed"));
    let again_ast = parse(&formatted)
        .unwrap_or_else(|| panic!("{what}: the output does not parse:\n{formatted}"));
    // Tree equality ignores spans (see `ast`).
    assert_eq!(
        again_ast.items, ast.items,
        "{what}: formatting changed the meaning:\n{formatted}"
    );
    assert_eq!(
        comment_texts(&again_ast),
        comment_texts(&ast),
        "{what}: comments changed:\n{formatted}"
    );
    let twice = scalec::fmt::format(&again_ast, &formatted).expect("formatted text formats");
    assert_eq!(twice, formatted, "{what}: formatting is not idempotent");
    formatted
}

fn scale_files(dir: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .map(|e| e.path().to_path_buf())
        .filter(|p| p.extension().is_some_and(|e| e == "scale"))
        .collect();
    files.sort();
    files
}

/// Every bundled policy and fixture that is UTF-8 text, with its path.
fn policy_and_fixture_texts() -> Vec<(PathBuf, String)> {
    scale_files("policies")
        .into_iter()
        .chain(scale_files("tests/fixtures"))
        .filter_map(|path| Some((path.clone(), fs::read_to_string(&path).ok()?)))
        .collect()
}

#[test]
fn every_policy_and_fixture_that_parses_formats_safely() {
    let mut checked = 0;
    for (path, text) in policy_and_fixture_texts() {
        if parse(&text).is_none() {
            continue;
        }
        format_checked(&text, &path.display().to_string());
        checked += 1;
    }
    assert!(checked > 50, "only {checked} files checked");
}

#[test]
fn the_bundled_policies_are_formatted() {
    for path in scale_files("policies") {
        let text = fs::read_to_string(&path).expect("readable");
        assert_eq!(
            format_checked(&text, &path.display().to_string()),
            text,
            "{} is not formatted",
            path.display()
        );
    }
}

#[test]
fn messy_inputs_format_to_the_canonical_layout() {
    for path in scale_files("tests/fixtures/fmt") {
        let text = fs::read_to_string(&path).expect("readable");
        let name = path
            .file_stem()
            .and_then(|s| s.to_str())
            .expect("a file name");
        insta::assert_snapshot!(name, format_checked(&text, name));
    }
}

/// A small deterministic random source (xorshift), so failures reproduce.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len() as u64) as usize]
    }
}

/// Generates random valid policy text, with random spacing, separators,
/// blank lines, comments, nesting, lists that span lines, and line endings.
struct Generator {
    random: Random,
    newline: &'static str,
}

impl Generator {
    fn space(&mut self) -> &'static str {
        self.random.pick(&["", " ", "  ", "\t", " \t "])
    }

    fn comment(&mut self) -> String {
        let words = [
            "why",
            "scalec: allow K104 reason",
            "TODO(#9)",
            "é ünïcode",
            "",
            "#",
            "a # b",
        ];
        format!(
            "#{}{}",
            self.random.pick(&["", " "]),
            self.random.pick(&words)
        )
    }

    fn name(&mut self) -> &'static str {
        self.random.pick(&[
            "api", "cpu", "replicas", "x", "_id", "aws-sqs", "k-1", "period", "trueish",
        ])
    }

    fn atom(&mut self, depth: u32) -> String {
        match self.random.below(if depth > 2 { 4 } else { 6 }) {
            0 => self
                .random
                .pick(&["3", "1.5", "-2", "70%", "250m", "512Mi", "30s", "10k", "0"])
                .to_string(),
            1 => format!(
                "\"{}\"",
                self.random.pick(&[
                    "a:1",
                    "",
                    "x\\\"y",
                    "tab\\there",
                    "\\u{e9}",
                    "#not a comment",
                    "line\\nbreak"
                ])
            ),
            2 => self.random.pick(&["true", "false"]).to_string(),
            3 => self.name().to_string(),
            4 => {
                let n = self.random.below(4);
                let items: Vec<String> = (0..n).map(|_| self.value(depth + 1)).collect();
                let mut out = String::from("[");
                for (i, item) in items.iter().enumerate() {
                    if self.random.chance(30) {
                        out.push_str(self.newline);
                    }
                    if self.random.chance(15) {
                        out.push_str(&self.comment());
                        out.push_str(self.newline);
                    }
                    out.push_str(self.space());
                    out.push_str(item);
                    if i + 1 < items.len() || self.random.chance(30) {
                        out.push(',');
                    }
                    if self.random.chance(15) {
                        out.push(' ');
                        out.push_str(&self.comment());
                        out.push_str(self.newline);
                    }
                }
                if self.random.chance(30) {
                    out.push_str(self.newline);
                }
                out.push(']');
                out
            }
            _ => format!("hashed({})", self.name()),
        }
    }

    fn value(&mut self, depth: u32) -> String {
        let atom = self.atom(depth);
        match self.random.below(5) {
            0 => format!(
                "{atom}{}..{}{}",
                self.space(),
                self.space(),
                self.atom(depth)
            ),
            1 => format!("{atom} per {}", self.atom(depth)),
            _ => atom,
        }
    }

    fn items(&mut self, depth: u32, out: &mut String) {
        let n = self.random.below(if depth > 3 { 2 } else { 5 });
        for _ in 0..n {
            if self.random.chance(20) {
                out.push_str(self.newline);
            }
            if self.random.chance(20) {
                out.push_str(&self.comment());
                out.push_str(self.newline);
            }
            out.push_str(self.space());
            if depth < 4 && self.random.chance(35) {
                out.push_str(self.name());
                if self.random.chance(60) {
                    out.push(' ');
                    out.push_str(self.name());
                }
                out.push_str(self.space());
                out.push('{');
                if self.random.chance(20) {
                    out.push(' ');
                    out.push_str(&self.comment());
                }
                out.push_str(self.newline);
                self.items(depth + 1, out);
                out.push('}');
            } else {
                let name = if self.random.chance(10) {
                    "\"app.kubernetes.io/name\""
                } else {
                    self.name()
                };
                let value = self.value(0);
                out.push_str(&format!("{name}{}={}{value}", self.space(), self.space()));
            }
            if self.random.chance(20) {
                out.push_str(self.space());
                out.push_str(&self.comment());
            }
            out.push_str(if self.random.chance(15) {
                ";"
            } else {
                self.newline
            });
        }
    }

    fn file(seed: u64) -> String {
        let mut generator = Generator {
            random: Random(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1),
            newline: "\n",
        };
        if generator.random.chance(20) {
            generator.newline = "\r\n";
        }
        let mut out = String::new();
        generator.items(0, &mut out);
        out
    }
}

#[test]
fn random_policies_format_idempotently_without_changing_meaning() {
    let mut parsed = 0;
    for seed in 1..=600 {
        let text = Generator::file(seed);
        if parse(&text).is_none() {
            // The generator aims for valid text; the few it gets wrong (a `;`
            // after a comment, say) prove nothing either way.
            continue;
        }
        format_checked(&text, &format!("random policy #{seed}:\n{text}"));
        parsed += 1;
    }
    assert!(
        parsed > 400,
        "only {parsed} random policies parsed: the generator drifted"
    );
}

fn scalec(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_scalec"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("scalec runs")
}

#[test]
fn fmt_rewrites_files_in_place_and_check_reports_a_diff() {
    let dir = tempfile::tempdir().expect("temp dir");
    let messy = "service api {image=\"a:1\";replicas=2..4}\n";
    let tidy = "service api {\n  image    = \"a:1\"\n  replicas = 2 .. 4\n}\n";
    fs::write(dir.path().join("a.scale"), messy).expect("write");
    fs::write(dir.path().join("b.scale"), tidy).expect("write");

    let check = scalec(&["fmt", "--check", "."], dir.path());
    assert_eq!(check.status.code(), Some(1));
    let diff = String::from_utf8_lossy(&check.stdout);
    assert!(
        diff.contains("+++ a.scale (formatted)") && diff.contains("+  replicas = 2 .. 4"),
        "{diff}"
    );
    assert!(
        !diff.contains("b.scale"),
        "an unchanged file shows no diff: {diff}"
    );
    assert_eq!(
        fs::read_to_string(dir.path().join("a.scale")).expect("read"),
        messy,
        "--check writes nothing"
    );

    let write = scalec(&["fmt", "."], dir.path());
    assert_eq!(write.status.code(), Some(0));
    assert_eq!(
        fs::read_to_string(dir.path().join("a.scale")).expect("read"),
        tidy
    );
    assert!(
        String::from_utf8_lossy(&write.stderr).contains("reformatted 1 file, 1 already formatted")
    );
    assert_eq!(
        scalec(&["fmt", "--check", "."], dir.path()).status.code(),
        Some(0)
    );
}

#[test]
fn a_file_with_a_syntax_error_is_reported_and_left_untouched() {
    let dir = tempfile::tempdir().expect("temp dir");
    let broken = "service api {\n  replicas = 2 ..\n}\n";
    fs::write(dir.path().join("a.scale"), broken).expect("write");
    let output = scalec(&["fmt", "--color", "never", "a.scale"], dir.path());
    assert_eq!(output.status.code(), Some(1));
    // Findings of fmt are errors: standard error, never mixed with a diff.
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("E001"),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(
        fs::read_to_string(dir.path().join("a.scale")).expect("read"),
        broken
    );
}

#[test]
fn fmt_stdin_formats_a_buffer() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_scalec"))
        .args(["fmt", "--stdin"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("scalec runs");
    std::io::Write::write_all(child.stdin.as_mut().expect("stdin"), b"x  {a=1}")
        .expect("write stdin");
    let output = child.wait_with_output().expect("scalec ends");
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&output.stdout), "x { a = 1 }\n");
}

#[test]
fn fmt_stdout_takes_one_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    fs::write(dir.path().join("a.scale"), "x{a=1}").expect("write");
    fs::write(dir.path().join("b.scale"), "x{a=1}").expect("write");
    let one = scalec(&["fmt", "--stdout", "a.scale"], dir.path());
    assert_eq!(String::from_utf8_lossy(&one.stdout), "x { a = 1 }\n");
    assert_eq!(
        fs::read_to_string(dir.path().join("a.scale")).expect("read"),
        "x{a=1}"
    );
    assert_eq!(
        scalec(&["fmt", "--stdout", "."], dir.path()).status.code(),
        Some(2)
    );
}

#[test]
fn every_line_break_spelling_formats_to_the_same_text() {
    // `\r\n`, `\n` and a lone `\r` are each one line break, for the formatter
    // as for the grammar: the three spellings of a file format alike, so
    // blank lines, trailing comments and alignment runs survive each.
    let mut checked = 0;
    for (path, text) in policy_and_fixture_texts() {
        let lf = text.replace("\r\n", "\n");
        if parse(&lf).is_none() {
            continue;
        }
        let what = path.display().to_string();
        let expected = format_checked(&lf, &what);
        for newline in ["\r\n", "\r"] {
            let spelled = lf.replace('\n', newline);
            assert_eq!(
                format_checked(&spelled, &format!("{what} with {newline:?}")),
                expected,
                "{what} with {newline:?} line breaks"
            );
        }
        checked += 1;
    }
    assert!(checked > 50, "only {checked} files checked");
}

#[test]
fn tree_equality_ignores_spans_but_not_meaning() {
    let tidy = parse("service api {\n  replicas = 2 .. 10\n}\n").expect("parses");
    let spread = parse("\n\nservice   api {\n\n    replicas =   2..10\n}\n").expect("parses");
    let other = parse("service api {\n  replicas = 2 .. 11\n}\n").expect("parses");
    assert_eq!(tidy.items, spread.items);
    assert_ne!(tidy.items, other.items);
}
