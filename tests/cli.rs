//! The `scalec` binary: arguments, output formats and exit codes.

use std::path::Path;
use std::process::{Command, Output};

fn scalec(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_scalec"))
        .args(args)
        .env_remove("NO_COLOR")
        .output()
        .expect("scalec runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("UTF-8 output")
}

fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).expect("UTF-8 output")
}

#[test]
fn check_exits_0_on_the_bundled_policies() {
    let output = scalec(&["check", "policies/"]);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}{}",
        stdout(&output),
        stderr(&output)
    );
    assert_eq!(stdout(&output), "");
    assert!(stderr(&output).contains("no problems found"));
}

#[test]
fn check_exits_1_on_errors() {
    let output = scalec(&["check", "tests/fixtures/errors/E002-unknown-attribute"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(stdout(&output).contains("unknown attribute `replica`"));
    assert!(stderr(&output).contains("1 error"));
}

#[test]
fn check_exits_2_on_a_missing_path() {
    let output = scalec(&["check", "no/such/dir"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).starts_with("scalec: error: cannot read `no/such/dir`"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn check_exits_2_on_a_bad_flag() {
    let output = scalec(&["check", "--format", "xml", "policies/"]);
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn human_report_has_no_colour_when_not_a_terminal() {
    let output = scalec(&["check", "tests/fixtures/errors/E002-unknown-attribute"]);
    assert!(
        !stdout(&output).contains('\u{1b}'),
        "escape codes in piped output"
    );
}

#[test]
fn color_always_forces_colour() {
    let output = scalec(&[
        "check",
        "--color",
        "always",
        "tests/fixtures/errors/E002-unknown-attribute",
    ]);
    assert!(stdout(&output).contains('\u{1b}'));
}

#[test]
fn short_format_prints_one_line_per_finding() {
    let output = scalec(&[
        "check",
        "--format",
        "short",
        "tests/fixtures/errors/E003-type-mismatch",
    ]);
    let text = stdout(&output);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2);
    assert!(
        lines[0].starts_with(
            "tests/fixtures/errors/E003-type-mismatch/policy.scale:4:14: error[E003]: "
        )
    );
}

#[test]
fn naming_one_file_checks_its_whole_project() {
    // `a.scale` alone defines `api` once; the duplicate is in its sibling.
    let output = scalec(&[
        "check",
        "--format",
        "short",
        "tests/fixtures/errors/E005-duplicate-definition/a.scale",
    ]);
    assert_eq!(output.status.code(), Some(1));
    assert!(stdout(&output).contains("b.scale:5:9: error[E005]"));
}

#[test]
fn output_is_the_same_whatever_the_order_of_paths() {
    let a = "tests/fixtures/errors/E002-unknown-attribute";
    let b = "tests/fixtures/errors/E003-type-mismatch";
    let forward = stdout(&scalec(&["check", "--format", "short", a, b]));
    let backward = stdout(&scalec(&["check", "--format", "short", b, a]));
    assert_eq!(forward, backward);
    assert_eq!(forward.lines().count(), 3);
}

#[test]
fn json_format_matches_its_published_schema() {
    let output = scalec(&["check", "--format", "json", "tests/fixtures/errors"]);
    assert_eq!(output.status.code(), Some(1));
    let findings: serde_json::Value = serde_json::from_str(&stdout(&output)).expect("valid JSON");
    let schema: serde_json::Value =
        serde_json::from_str(&stdout(&scalec(&["schema", "diagnostics"])))
            .expect("the schema is JSON");
    let validator = jsonschema::validator_for(&schema).expect("the schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(&findings)
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "{errors:?}");

    let list = findings.as_array().expect("an array");
    let codes: Vec<&str> = list
        .iter()
        .map(|f| f["code"].as_str().unwrap_or(""))
        .collect();
    for code in [
        "E001", "E002", "E003", "E004", "E005", "E006", "E007", "E008", "E009", "E010",
    ] {
        assert!(codes.contains(&code), "{code} missing from {codes:?}");
    }
    let e005 = list
        .iter()
        .find(|f| f["code"] == "E005")
        .expect("E005 present");
    assert_eq!(e005["name"], "duplicate-definition");
    assert_eq!(e005["line"], 5);
    assert_eq!(e005["column"], 9);
    assert_eq!(e005["end_column"], 12);
    assert_eq!(e005["related"][0]["message"], "first defined here");
    assert!(
        e005["related"][0]["file"]
            .as_str()
            .unwrap_or("")
            .ends_with("a.scale")
    );
}

#[test]
fn an_empty_directory_warns_and_passes() {
    let dir = tempfile::tempdir().expect("temp dir");
    let output = scalec(&["check", dir.path().to_str().expect("UTF-8 temp path")]);
    assert_eq!(output.status.code(), Some(0));
    assert!(stderr(&output).contains("no .scale files found"));
}

#[test]
fn subdirectories_are_separate_projects() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    std::fs::create_dir(root.join("sub")).expect("mkdir");
    std::fs::write(root.join("m.scale"), "metric rps { kind = pods }\n").expect("write");
    let service =
        "service api {\n  image = \"a:1\"\n  replicas = 2 .. 4\n  scale rps { average = 5 }\n}\n";
    std::fs::write(root.join("sub/s.scale"), service).expect("write");
    let output = scalec(&["check", "--format", "short", root.to_str().expect("UTF-8")]);
    assert_eq!(output.status.code(), Some(1));
    assert!(stdout(&output).contains("error[E004]: no metric, queue or schedule named `rps`"));
    assert!(Path::new(env!("CARGO_BIN_EXE_scalec")).exists());
}
