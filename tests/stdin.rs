//! `scalec check --stdin --stdin-path PATH`: standard input checked as the file
//! PATH, in PATH's project, through the real binary.

mod common;

use std::path::Path;
use std::process::{Command, Output};

/// Runs scalec in `dir` with `input` on standard input.
fn scalec_in(dir: &Path, args: &[&str], input: &[u8]) -> Output {
    common::run_with_input(
        Command::new(env!("CARGO_BIN_EXE_scalec"))
            .args(args)
            .current_dir(dir)
            .env_remove("NO_COLOR"),
        input,
    )
}

/// `check --format FORMAT --stdin --stdin-path PATH` in `dir`.
fn check_stdin(dir: &Path, format: &str, path: &str, input: &str) -> Output {
    scalec_in(
        dir,
        &[
            "check",
            "--format",
            format,
            "--color",
            "never",
            "--stdin",
            "--stdin-path",
            path,
        ],
        input.as_bytes(),
    )
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("UTF-8 output")
}

fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).expect("UTF-8 output")
}

fn project_dir() -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix("scalec-")
        .tempdir()
        .expect("a temporary directory")
}

const METRIC: &str =
    "cluster {\n  metrics_adapter = other\n}\n\nmetric requests-per-second {\n  kind = pods\n}\n";

/// A service scaling on the metric of `METRIC`, with a readiness probe so it
/// is clean on its own.
fn service(metric: &str) -> String {
    format!(
        "service api {{\n  image    = \"registry.example.com/api:1.0.0\"\n  replicas = 2 .. 10\n  \
         port     = 8080\n  health   = \"/ready\"\n\n  scale {metric} {{ average = 60 }}\n}}\n"
    )
}

const GOOD: &str = "requests-per-second";
const TYPO: &str = "request-per-second";

/// A project with the metric in `metrics.scale` and the service, using
/// `metric`, in `api.scale`.
fn project(metric: &str) -> tempfile::TempDir {
    let dir = project_dir();
    std::fs::write(dir.path().join("metrics.scale"), METRIC).unwrap();
    std::fs::write(dir.path().join("api.scale"), service(metric)).unwrap();
    dir
}

/// The plain `check --format short` of the project as it is on disk.
fn check_disk(dir: &Path) -> Output {
    scalec_in(dir, &["check", "--format", "short", "."], b"")
}

#[test]
fn the_project_on_disk_is_what_the_tests_assume() {
    let broken = project(TYPO);
    let output = check_disk(broken.path());
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert_eq!(
        stdout(&output),
        "api.scale:7:9: error[E004]: no metric, queue or schedule named `request-per-second` in this project\n"
    );
    let fine = project(GOOD);
    let output = check_disk(fine.path());
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    assert_eq!(stdout(&output), "");
}

#[test]
fn the_buffer_overrides_a_broken_file_on_disk() {
    let dir = project(TYPO);
    let output = check_stdin(dir.path(), "short", "api.scale", &service(GOOD));
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    assert_eq!(stdout(&output), "");
}

#[test]
fn a_broken_buffer_overrides_a_good_file_and_findings_name_the_path_as_given() {
    let dir = project(GOOD);
    for path in ["api.scale", "./api.scale"] {
        let output = check_stdin(dir.path(), "short", path, &service(TYPO));
        assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
        assert_eq!(
            stdout(&output),
            format!(
                "{path}:7:9: error[E004]: no metric, queue or schedule named `request-per-second` in this project\n"
            )
        );
    }
}

#[test]
fn a_path_given_from_elsewhere_reads_that_project() {
    let dir = project(GOOD);
    let name = dir
        .path()
        .file_name()
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    let path = format!("{name}/api.scale");
    let parent = dir.path().parent().unwrap();
    let output = check_stdin(parent, "short", &path, &service(TYPO));
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(
        stdout(&output).starts_with(&format!("{path}:7:9: error[E004]")),
        "{}",
        stdout(&output)
    );
}

#[test]
fn a_reference_to_a_sibling_on_disk_resolves_in_a_new_file() {
    let dir = project_dir();
    std::fs::write(dir.path().join("metrics.scale"), METRIC).unwrap();
    assert!(!dir.path().join("new.scale").exists());
    let output = check_stdin(dir.path(), "short", "new.scale", &service(GOOD));
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    assert_eq!(stdout(&output), "");
    // Without the sibling, the same text has an unknown reference.
    std::fs::remove_file(dir.path().join("metrics.scale")).unwrap();
    let output = check_stdin(dir.path(), "short", "new.scale", &service(GOOD));
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stdout(&output).starts_with("new.scale:7:9: error[E004]"),
        "{}",
        stdout(&output)
    );
    assert!(!dir.path().join("new.scale").exists(), "nothing is written");
}

#[test]
fn a_new_file_in_a_subdirectory_joins_that_project() {
    let root = project_dir();
    let sub = root.path().join("shop");
    std::fs::create_dir(&sub).unwrap();
    std::fs::write(sub.join("metrics.scale"), METRIC).unwrap();
    let output = check_stdin(root.path(), "short", "shop/new.scale", &service(GOOD));
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    let output = check_stdin(root.path(), "short", "shop/new.scale", &service(TYPO));
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stdout(&output).starts_with("shop/new.scale:7:9: error[E004]"),
        "{}",
        stdout(&output)
    );
}

#[test]
fn a_duplicate_between_the_buffer_and_a_sibling_is_reported() {
    let dir = project(GOOD);
    let output = check_stdin(dir.path(), "json", "new.scale", &service(GOOD));
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let findings: serde_json::Value = serde_json::from_str(&stdout(&output)).expect("JSON");
    let findings = findings.as_array().expect("an array");
    assert_eq!(findings.len(), 1, "{findings:#?}");
    let finding = &findings[0];
    assert_eq!(finding["code"], "E005");
    assert_eq!(finding["message"], "service `api` is defined twice");
    let mut places = vec![
        finding["file"].as_str().unwrap().to_string(),
        finding["related"][0]["file"].as_str().unwrap().to_string(),
    ];
    places.sort();
    assert_eq!(places, ["api.scale", "new.scale"]);
}

#[test]
fn every_format_names_the_path() {
    let dir = project(GOOD);
    let path = "./api.scale";
    let short = check_stdin(dir.path(), "short", path, &service(TYPO));
    let json = check_stdin(dir.path(), "json", path, &service(TYPO));
    let human = check_stdin(dir.path(), "human", path, &service(TYPO));
    for output in [&short, &json, &human] {
        assert_eq!(output.status.code(), Some(1), "{}", stderr(output));
    }
    let findings: serde_json::Value = serde_json::from_str(&stdout(&json)).expect("JSON");
    assert_eq!(findings[0]["file"], path);
    assert_eq!(findings[0]["line"], 7);
    assert_eq!(findings[0]["code"], "E004");
    assert!(
        stdout(&human).contains(&format!("[{path}:7:9]")),
        "{}",
        stdout(&human)
    );
    assert!(
        stderr(&human).contains("checked 2 files: 1 error, 0 warnings"),
        "{}",
        stderr(&human)
    );
}

#[test]
fn a_buffer_that_is_not_utf8_is_e009() {
    let dir = project(GOOD);
    let mut bytes = service(GOOD).into_bytes();
    bytes.insert(3, 0xff);
    let args = [
        "check",
        "--format",
        "short",
        "--stdin",
        "--stdin-path",
        "api.scale",
    ];
    let output = scalec_in(dir.path(), &args, &bytes);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        stdout(&output),
        "api.scale:1:1: error[E009]: cannot read `api.scale`: it is not UTF-8 text (invalid byte at offset 3)\n"
    );
}

#[test]
fn usage_errors_exit_2() {
    let dir = project(GOOD);
    let cases: [(&[&str], &str); 7] = [
        (&["check", "--stdin"], "--stdin-path"),
        (&["check", "--stdin-path", "api.scale"], "--stdin"),
        (
            &["check", "--stdin", "--stdin-path", "api.scale", "."],
            "cannot be used with",
        ),
        (
            &["check", "--stdin", "--stdin-path", "api.txt"],
            "refusing to use `api.txt`: it is not a policy file",
        ),
        (
            &["check", "--stdin", "--stdin-path", "nowhere/api.scale"],
            "cannot read `nowhere`",
        ),
        (
            &["check", "--stdin", "--stdin-path", "dir.scale"],
            "refusing to use `dir.scale`: it is a directory",
        ),
        (
            &["build", "--stdin", "--stdin-path", "api.scale", "--stdout"],
            "unexpected argument '--stdin'",
        ),
    ];
    std::fs::create_dir(dir.path().join("dir.scale")).unwrap();
    for (args, message) in cases {
        let output = scalec_in(dir.path(), args, service(GOOD).as_bytes());
        assert_eq!(
            output.status.code(),
            Some(2),
            "{args:?}: {}",
            stderr(&output)
        );
        assert!(
            stderr(&output).contains(message),
            "{args:?}: {}",
            stderr(&output)
        );
        assert_eq!(stdout(&output), "", "{args:?}");
    }
}
