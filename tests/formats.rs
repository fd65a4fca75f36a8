//! `--format sarif`, `--format github` and `--format junit` on real runs of
//! the binary: the SARIF log against the OASIS schema, the JUnit report read
//! back by Python's XML parser, all three against `--format json` of the same
//! run, and SARIF fingerprints across edits.

use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use serde_json::Value;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// A project with warnings and an error across two directories.
const FIXTURES: [&str; 2] = [
    "tests/fixtures/showcase",
    "tests/fixtures/errors/E005-duplicate-definition",
];

fn scalec(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_scalec"))
        .args(args)
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .output()
        .expect("scalec runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("UTF-8 output")
}

/// `scalec check --format FORMAT` on the fixtures, from the crate root.
fn check_fixtures(format: &str) -> String {
    let mut args = vec!["check", "--format", format];
    args.extend(FIXTURES);
    let output = scalec(Path::new(ROOT), &args);
    assert_eq!(output.status.code(), Some(1), "{}", stdout(&output));
    stdout(&output)
}

fn sarif_validator() -> jsonschema::Validator {
    let text = std::fs::read_to_string(format!("{ROOT}/tests/schemas/sarif-schema-2.1.0.json"))
        .expect("the vendored SARIF schema");
    let schema: Value = serde_json::from_str(&text).expect("schema is JSON");
    jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("the SARIF schema compiles")
}

/// Parses a SARIF log and checks it against the SARIF 2.1.0 schema.
fn valid_sarif(log: &str) -> Value {
    let value: Value = serde_json::from_str(log).expect("SARIF is JSON");
    let errors: Vec<String> = sarif_validator()
        .iter_errors(&value)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{}", errors.join("\n"));
    value
}

/// A JUnit report as Python's `xml.etree` reads it: every suite, case,
/// failure and output, as JSON.
fn parse_junit(xml: &str) -> Value {
    const READ: &str = r#"
import json, sys, xml.etree.ElementTree as ET
root = ET.fromstring(sys.stdin.buffer.read())
def case(c):
    out = c.find("system-out")
    return {"attrib": c.attrib,
            "failures": [dict(f.attrib, text=f.text) for f in c.findall("failure")],
            "out": out.text if out is not None else None}
print(json.dumps({"attrib": root.attrib, "suites": [
    {"attrib": s.attrib, "cases": [case(c) for c in s.findall("testcase")]}
    for s in root.findall("testsuite")]}))
"#;
    let mut child = Command::new("python3")
        .args(["-c", READ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python3 runs (a base tool of .ci/install's machine)");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(xml.as_bytes())
        .expect("write the report");
    let output = child.wait_with_output().expect("python3 ends");
    assert!(
        output.status.success(),
        "Python's XML parser rejects the report: {}\n{xml}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("JSON from python3")
}

/// The log with each rule's documentation replaced by a mark (the
/// documentation is pinned by `docs/rules.md`), checking it is the rule's.
fn without_docs(log: &str, value: &Value) -> String {
    let mut log = log.to_string();
    for rule in value["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .expect("rules")
    {
        let code = rule["id"].as_str().expect("an id");
        let Some(found) = scalec::lint::find(code) else {
            assert!(code.starts_with('E'), "{code}");
            continue;
        };
        assert_eq!(rule["help"]["markdown"], found.doc().trim_end(), "{code}");
        let encoded = serde_json::to_string(found.doc().trim_end()).expect("a string");
        log = log.replace(&encoded, &format!("\"<the documentation of {code}>\""));
    }
    log
}

#[test]
fn findings_of_a_real_run_in_every_ci_format() {
    let json: Value = serde_json::from_str(&check_fixtures("json")).expect("JSON");
    let findings = json.as_array().expect("an array");
    assert!(findings.len() > 10, "{json}");

    // SARIF: valid, and one result per finding, in order, at its place.
    let log = check_fixtures("sarif");
    let sarif = valid_sarif(&log);
    let run = &sarif["runs"][0];
    let results = run["results"].as_array().expect("results");
    assert_eq!(results.len(), findings.len());
    let rules = run["tool"]["driver"]["rules"].as_array().expect("rules");
    for (result, finding) in results.iter().zip(findings) {
        assert_eq!(result["ruleId"], finding["code"]);
        let rule = &rules[result["ruleIndex"].as_u64().expect("an index") as usize];
        assert_eq!(rule["id"], finding["code"]);
        assert_eq!(rule["name"], finding["name"]);
        let level = match finding["severity"].as_str() {
            Some("info") => "note",
            other => other.expect("a severity"),
        };
        assert_eq!(result["level"], level);
        let text = result["message"]["text"].as_str().expect("text");
        assert!(
            text.starts_with(finding["message"].as_str().expect("a message")),
            "{text}"
        );
        let location = &result["locations"][0]["physicalLocation"];
        assert_eq!(location["artifactLocation"]["uri"], finding["file"]);
        let region = &location["region"];
        for (sarif_key, json_key) in [
            ("startLine", "line"),
            ("startColumn", "column"),
            ("endLine", "end_line"),
            ("endColumn", "end_column"),
        ] {
            assert_eq!(region[sarif_key], finding[json_key], "{sarif_key}");
        }
        let related = result["relatedLocations"].as_array().map_or(0, Vec::len);
        assert_eq!(
            related,
            finding["related"].as_array().expect("related").len()
        );
    }
    let mut fired: Vec<&Value> = findings.iter().map(|f| &f["code"]).collect();
    fired.sort_by_key(|c| c.as_str());
    fired.dedup();
    assert_eq!(rules.iter().map(|r| &r["id"]).collect::<Vec<_>>(), fired);
    insta::assert_snapshot!("sarif", without_docs(&log, &sarif));

    // GitHub: one command per finding.
    let github = check_fixtures("github");
    assert_eq!(github.lines().count(), findings.len());
    for (line, finding) in github.lines().zip(findings) {
        let command = match finding["severity"].as_str() {
            Some("info") => "notice",
            other => other.expect("a severity"),
        };
        let start = format!(
            "::{command} file={},line={},col={},endLine={},endColumn={},title={}::",
            finding["file"].as_str().expect("a file"),
            finding["line"],
            finding["column"],
            finding["end_line"],
            finding["end_column"],
            finding["code"].as_str().expect("a code"),
        );
        assert!(line.starts_with(&start), "{line}\n{start}");
    }
    insta::assert_snapshot!("github", github);

    // JUnit: a suite per project, a case per file, a failure per finding.
    let xml = check_fixtures("junit");
    let junit = parse_junit(&xml);
    let suites = junit["suites"].as_array().expect("suites");
    assert_eq!(
        suites
            .iter()
            .map(|s| s["attrib"]["name"].as_str().expect("a name"))
            .collect::<Vec<_>>(),
        {
            let mut dirs = FIXTURES.to_vec();
            dirs.sort();
            dirs
        }
    );
    let mut failures = Vec::new();
    let (mut tests, mut failed) = (0, 0);
    for suite in suites {
        let cases = suite["cases"].as_array().expect("cases");
        let failing = cases
            .iter()
            .filter(|c| !c["failures"].as_array().expect("failures").is_empty())
            .count();
        assert_eq!(suite["attrib"]["tests"], cases.len().to_string());
        assert_eq!(suite["attrib"]["failures"], failing.to_string());
        tests += cases.len();
        failed += failing;
        for case in cases {
            let file = case["attrib"]["name"].as_str().expect("a name");
            assert_eq!(case["attrib"]["file"], file);
            assert!(Path::new(ROOT).join(file).is_file(), "{file}");
            for failure in case["failures"].as_array().expect("failures") {
                failures.push((file.to_string(), failure.clone()));
            }
        }
    }
    assert_eq!(junit["attrib"]["tests"], tests.to_string());
    assert_eq!(junit["attrib"]["failures"], failed.to_string());
    assert_eq!(failures.len(), findings.len(), "no info in the fixtures");
    for ((file, failure), finding) in failures.iter().zip(findings) {
        assert_eq!(file, finding["file"].as_str().expect("a file"));
        assert_eq!(failure["type"], finding["code"]);
        assert_eq!(failure["message"], finding["message"]);
        let text = failure["text"].as_str().expect("text");
        assert!(
            text.starts_with(&format!(
                "{file}:{}:{}: ",
                finding["line"], finding["column"]
            )),
            "{text}"
        );
        if let Some(help) = finding["help"].as_str() {
            assert!(text.contains(&format!("\nhelp: {help}\n")), "{text}");
        }
    }
    insta::assert_snapshot!("junit", xml);
}

/// A temporary project directory named as a project may be.
fn project() -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix("scalec-")
        .tempdir()
        .expect("temp dir")
}

#[test]
fn odd_file_names_survive_every_format() {
    let dir = project();
    let name = "odd \"name\" & <x>, 50%: ü.scale";
    std::fs::write(
        dir.path().join(name),
        "service api {\n  image   = \"registry.example.com/api:1.0.0\"\n  replica = 2\n}\n",
    )
    .expect("write");
    let run = |format| {
        let output = scalec(dir.path(), &["check", "--format", format, "."]);
        assert_eq!(output.status.code(), Some(1), "{}", stdout(&output));
        stdout(&output)
    };
    let sarif = valid_sarif(&run("sarif"));
    assert_eq!(
        sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "odd%20%22name%22%20%26%20%3Cx%3E%2C%2050%25%3A%20%C3%BC.scale"
    );
    assert_eq!(
        run("github"),
        "::error file=odd \"name\" & <x>%2C 50%25%3A ü.scale,line=3,col=3,endLine=3,endColumn=10,\
         title=E002::unknown attribute `replica` in service `api`%0Ahelp: did you mean `replicas`?\n"
    );
    let junit = parse_junit(&run("junit"));
    let case = &junit["suites"][0]["cases"][0];
    assert_eq!(case["attrib"]["name"], name);
    assert_eq!(junit["suites"][0]["attrib"]["name"], ".");
    assert_eq!(
        case["failures"][0]["text"],
        format!(
            "{name}:3:3: error[E002]: unknown attribute `replica` in service `api`\n\
             label: not an attribute of `service`\n\
             help: did you mean `replicas`?\n"
        )
    );
}

/// Each result's fingerprint, by rule and the first line of its message.
fn fingerprints(dir: &Path) -> BTreeMap<(String, String), String> {
    let output = scalec(dir, &["check", "--format", "sarif", "."]);
    let log = valid_sarif(&stdout(&output));
    log["runs"][0]["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|r| {
            let prints = &r["partialFingerprints"];
            assert_eq!(prints["scalec/v1"], prints["primaryLocationLineHash"]);
            (
                (
                    r["ruleId"].as_str().expect("a rule").to_string(),
                    r["message"]["text"]
                        .as_str()
                        .and_then(|t| t.lines().next())
                        .expect("text")
                        .to_string(),
                ),
                prints["scalec/v1"]
                    .as_str()
                    .expect("a fingerprint")
                    .to_string(),
            )
        })
        .collect()
}

#[test]
fn fingerprints_do_not_move_with_unrelated_edits() {
    let dir = project();
    let policy = dir.path().join("p.scale");
    let write = |text: &str| std::fs::write(&policy, text).expect("write");
    let service = |name: &str, tag: &str, replicas: &str| {
        format!(
            "service {name} {{\n  image    = \"registry.example.com/{name}:{tag}\"\n  replicas = {replicas}\n}}\n"
        )
    };
    write(&format!(
        "{}\n{}",
        service("api", "1.0.0", "1 .. 10"),
        service("cron", "1.0.0", "1")
    ));
    let before = fingerprints(dir.path());
    assert_eq!(before.len(), 2, "{before:?}");
    let values: Vec<&String> = before.values().collect();
    assert_ne!(values[0], values[1]);

    // Lines above, another service edited: nothing moves.
    write(&format!(
        "# scaling for the api\n\n{}\n{}",
        service("api", "1.0.0", "1 .. 10"),
        service("cron", "2.0.0", "1")
    ));
    assert_eq!(fingerprints(dir.path()), before);

    // The services swapped: each keeps its fingerprint.
    write(&format!(
        "{}\n{}",
        service("cron", "1.0.0", "1"),
        service("api", "1.0.0", "1 .. 10")
    ));
    assert_eq!(fingerprints(dir.path()), before);

    // One renamed: a new finding; the other keeps its fingerprint.
    write(&format!(
        "{}\n{}",
        service("web", "1.0.0", "1 .. 10"),
        service("cron", "1.0.0", "1")
    ));
    let after = fingerprints(dir.path());
    let key = |name: &str| {
        (
            "K104".to_string(),
            format!("service `{name}` may run a single pod"),
        )
    };
    assert_eq!(
        after.keys().collect::<Vec<_>>(),
        [&key("cron"), &key("web")]
    );
    assert_eq!(after[&key("cron")], before[&key("cron")]);
    assert!(!before.values().any(|print| *print == after[&key("web")]));
}

#[test]
fn an_empty_directory_still_gives_a_document() {
    let dir = project();
    let run = |format| {
        let output = scalec(dir.path(), &["check", "--format", format, "."]);
        assert_eq!(output.status.code(), Some(0));
        assert!(String::from_utf8_lossy(&output.stderr).contains("no .scale files found"));
        stdout(&output)
    };
    let sarif = valid_sarif(&run("sarif"));
    assert_eq!(sarif["runs"][0]["results"], serde_json::json!([]));
    assert_eq!(run("json"), "[]\n");
    let junit = parse_junit(&run("junit"));
    assert_eq!(junit["attrib"]["tests"], "0");
    assert_eq!(run("github"), "");
    assert_eq!(run("short"), "");
}

#[test]
fn build_reports_in_ci_formats_on_standard_error_with_stdout() {
    let dir = project();
    std::fs::write(
        dir.path().join("p.scale"),
        "service cron {\n  image    = \"registry.example.com/cron:1.0.0\"\n  replicas = 1\n}\n",
    )
    .expect("write");
    let output = scalec(
        dir.path(),
        &["build", "--stdout", "--format", "github", "."],
    );
    assert_eq!(output.status.code(), Some(0));
    assert!(stdout(&output).contains("kind: Deployment"));
    assert_eq!(
        String::from_utf8_lossy(&output.stderr),
        "::warning file=p.scale,line=3,col=14,endLine=3,endColumn=15,title=K104::\
         service `cron` may run a single pod%0Ahelp: write `replicas = 2`%0A\
         `scalec explain K104` tells more%0Ap.scale:1:9: in this service\n"
    );
    let out = project();
    let output = scalec(
        dir.path(),
        &[
            "build",
            "--format",
            "sarif",
            "-o",
            out.path().to_str().expect("UTF-8 temp path"),
            ".",
        ],
    );
    assert_eq!(output.status.code(), Some(0));
    let sarif = valid_sarif(&stdout(&output));
    assert_eq!(sarif["runs"][0]["results"][0]["ruleId"], "K104");
}

#[test]
fn the_github_example_of_docs_cli_md_is_real_output() {
    let dir = project();
    std::fs::create_dir(dir.path().join("policies")).expect("mkdir");
    std::fs::write(
        dir.path().join("policies/cron.scale"),
        "service cron {\n  image    = \"registry.example.com/cron:1.0.0\"\n  replicas = 1\n}\n",
    )
    .expect("write");
    let output = scalec(dir.path(), &["check", "--format", "github", "policies"]);
    assert_eq!(output.status.code(), Some(0));
    let line = stdout(&output);
    let docs = std::fs::read_to_string(format!("{ROOT}/docs/cli.md")).expect("docs/cli.md");
    assert!(
        docs.contains(&format!("```text\n{line}```\n")),
        "docs/cli.md does not show this output:\n{line}"
    );
}
