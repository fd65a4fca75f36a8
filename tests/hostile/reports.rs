//! Reports on hostile text: a finding far right on a huge line, a huge line
//! full of findings, terminal escapes in a string, a comment, a name and a
//! file name. Every case runs `scalec check` in every format with colour off
//! and on, and asserts the exit code, the diagnostic, that scalec did not
//! panic, that the report stays small, and that nothing from the policy
//! reaches the terminal raw.

use crate::sandbox::{Outcome, Sandbox};

const FORMATS: [&str; 3] = ["human", "short", "json"];
const COLORS: [&str; 2] = ["never", "always"];

/// A one-line service with an unknown attribute (E002) after `padding`.
fn far_right_policy(padding: usize) -> String {
    format!(
        "service api {{ image = \"registry.example.com/api:1.0.0\"; replicas = 2 .. 10;{} replica = 3 }}\n",
        " ".repeat(padding)
    )
}

/// Runs `scalec check ARGS --format F --color C` for every format and colour.
fn check_every_way(sandbox: &Sandbox, args: &[&str]) -> Vec<(String, String, Outcome)> {
    let mut runs = Vec::new();
    for format in FORMATS {
        for color in COLORS {
            let mut all = vec!["check"];
            all.extend_from_slice(args);
            all.extend_from_slice(&["--format", format, "--color", color]);
            runs.push((format.to_string(), color.to_string(), sandbox.run(&all)));
        }
    }
    runs
}

/// The outcome with the theme's colour codes (`ESC [ … m`) taken out, so
/// that `expect_diagnostic` finds the code in a coloured report.
fn without_colour(outcome: &Outcome) -> Outcome {
    let strip = |text: &str| {
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        while let Some(at) = rest.find("\u{1b}[") {
            out.push_str(&rest[..at]);
            let after = &rest[at + 2..];
            match after.find(|c: char| !(c.is_ascii_digit() || c == ';')) {
                Some(end) if after[end..].starts_with('m') => rest = &after[end + 1..],
                // Not a colour code: keep it, for the checks to find.
                _ => {
                    out.push_str("\u{1b}[");
                    rest = after;
                }
            }
        }
        out.push_str(rest);
        out
    };
    Outcome {
        code: outcome.code,
        stdout: strip(&outcome.stdout),
        stderr: strip(&outcome.stderr),
        elapsed: outcome.elapsed,
    }
}

#[track_caller]
fn assert_no_panic(outcome: &Outcome, how: &str) {
    assert!(
        !outcome.stderr.contains("panicked"),
        "{how}: scalec panicked\n{}",
        &outcome.stderr[..outcome.stderr.len().min(2000)]
    );
}

/// The column of the first finding as each format prints it.
fn columns(sandbox: &Sandbox, path: &str) -> (String, String, String) {
    let human = sandbox.run(&["check", path, "--format", "human", "--color", "never"]);
    let header = human
        .stdout
        .lines()
        .find_map(|l| l.trim().strip_prefix("╭─["))
        .expect("a header in the human report");
    let human_column = header
        .trim_end_matches(']')
        .rsplit(':')
        .next()
        .expect("file:line:col")
        .to_string();
    let short = sandbox.run(&["check", path, "--format", "short"]);
    let short_column = short
        .stdout
        .split(':')
        .nth(2)
        .expect("path:line:col")
        .to_string();
    let json = sandbox.run(&["check", path, "--format", "json"]);
    let value: serde_json::Value = serde_json::from_str(&json.stdout).expect("valid JSON");
    (human_column, short_column, value[0]["column"].to_string())
}

#[test]
fn finding_past_column_70000_is_reported_without_panic() {
    let sandbox = Sandbox::new();
    sandbox.write("policies/far.scale", far_right_policy(70_000));
    for (format, color, outcome) in check_every_way(&sandbox, &["policies"]) {
        let how = format!("--format {format} --color {color}");
        assert_no_panic(&outcome, &how);
        without_colour(&outcome)
            .expect_code(1)
            .expect_diagnostic("E002");
        let size = outcome.stdout.len() + outcome.stderr.len();
        assert!(size < 8_000, "{how}: {size} bytes of report");
    }
    let (human, short, json) = columns(&sandbox, "policies");
    assert_eq!(human, "70077");
    assert_eq!((&human, &human), (&short, &json));
}

#[test]
fn line_of_64k_with_a_thousand_findings_gives_a_bounded_report() {
    let sandbox = Sandbox::new();
    // 1,000 unknown attributes on one 64 KB line, one every 64 bytes.
    let findings = 1_000;
    let body = format!("replica = 3;{}", " ".repeat(52)).repeat(findings);
    let policy = format!(
        "service api {{ image = \"registry.example.com/api:1.0.0\"; replicas = 2 .. 10; {body}}}\n"
    );
    assert!(policy.len() > 64_000);
    sandbox.write("policies/wide.scale", policy);
    for (format, color, outcome) in check_every_way(&sandbox, &["policies"]) {
        let how = format!("--format {format} --color {color}");
        assert_no_panic(&outcome, &how);
        without_colour(&outcome)
            .expect_code(1)
            .expect_diagnostic("E002");
        let size = outcome.stdout.len() + outcome.stderr.len();
        // Each finding reprinting the line would be 64 MB.
        assert!(size < 1_000_000, "{how}: {size} bytes of report");
        assert_eq!(
            outcome.stdout.matches("E002").count(),
            findings,
            "{how}: every finding reported"
        );
    }
}

/// A policy that hides terminal escapes in a string, a comment and a quoted
/// name, with findings on their lines so the reports show them.
const ESCAPES: &str = "service \"ev\u{1b}]0;pwned\u{7}il\u{202e}\" {\n  image = \"registry.example.com/api\u{1b}[5;31m\u{9b}2J\u{0}\u{7f}:1.0.0\"; replica = 3\n  replicas = 2 .. 10 # \u{1b}[2J\u{1b}]8;;http://x\u{7}\u{2066}\n  \"\u{1b}[1;1H\" = 1\n}\n";

/// The raw sequences of [`ESCAPES`] (and of the file name below).
const RAW: [&str; 8] = [
    "\u{1b}]0;",
    "\u{1b}[5;31m",
    "\u{1b}[2J",
    "\u{1b}]8;",
    "\u{1b}[1;1H",
    "\u{1b}[4m",
    "\u{9b}",
    "\u{7}",
];

/// Characters that must never be printed raw, colour or not.
const INVISIBLE: [char; 6] = ['\u{0}', '\u{7f}', '\u{9b}', '\u{202e}', '\u{2066}', '\r'];

#[track_caller]
fn assert_nothing_raw(outcome: &Outcome, color: &str, how: &str) {
    let all = outcome.all_output();
    for sequence in RAW {
        assert!(
            !all.contains(sequence),
            "{how}: {sequence:?} reached the output\n{all}"
        );
    }
    for c in INVISIBLE {
        assert!(!all.contains(c), "{how}: {c:?} reached the output\n{all}");
    }
    if color == "never" {
        assert!(
            !all.contains('\u{1b}'),
            "{how}: ESC reached the output\n{all}"
        );
    }
}

#[test]
fn terminal_escapes_in_strings_comments_and_names_never_reach_the_output() {
    let sandbox = Sandbox::new();
    sandbox.write("policies/app.scale", ESCAPES);
    for (format, color, outcome) in check_every_way(&sandbox, &["policies"]) {
        let how = format!("--format {format} --color {color}");
        assert_no_panic(&outcome, &how);
        without_colour(&outcome)
            .expect_code(1)
            .expect_diagnostic("E002");
        assert_nothing_raw(&outcome, &color, &how);
        if format == "human" {
            // The snippet shows them escaped, in the notation of `.scale` strings.
            assert!(outcome.stdout.contains("\\u{1b}]0;pwned\\u{7}"), "{how}");
            assert!(outcome.stdout.contains("\\u{1b}[2J"), "{how}: the comment");
        }
    }
}

#[test]
fn terminal_escapes_in_a_file_name_never_reach_the_output() {
    let sandbox = Sandbox::new();
    sandbox.write(
        "policies/ev\u{1b}[4mil\u{9b}\u{202e}\u{7}.scale",
        far_right_policy(0),
    );
    for (format, color, outcome) in check_every_way(&sandbox, &["policies"]) {
        let how = format!("--format {format} --color {color}");
        assert_no_panic(&outcome, &how);
        without_colour(&outcome)
            .expect_code(1)
            .expect_diagnostic("E002");
        assert_nothing_raw(&outcome, &color, &how);
    }
    let short = sandbox.run(&["check", "policies", "--format", "short"]);
    assert!(
        short
            .stdout
            .starts_with("policies/ev\\u{1b}[4mil\\u{9b}\\u{202e}\\u{7}.scale:1:"),
        "{}",
        short.stdout
    );
    let json = sandbox.run(&["check", "policies", "--format", "json"]);
    let value: serde_json::Value = serde_json::from_str(&json.stdout).expect("valid JSON");
    assert_eq!(
        value[0]["file"], "policies/ev\u{1b}[4mil\u{9b}\u{202e}\u{7}.scale",
        "JSON keeps the name, escaped as JSON"
    );
}

#[test]
fn columns_agree_across_formats_after_multibyte_text() {
    let sandbox = Sandbox::new();
    // `é` is two bytes and `漢` three: the finding is at character 56, byte 65.
    sandbox.write(
        "policies/app.scale",
        "service api { image = \"r/é漢é漢é漢:1\"; replicas = 2 .. 3; replica = 3 }\n",
    );
    sandbox
        .run(&["check", "policies"])
        .expect_code(1)
        .expect_diagnostic("E002");
    let (human, short, json) = columns(&sandbox, "policies");
    assert_eq!(human, "56");
    assert_eq!((&human, &human), (&short, &json));
}
