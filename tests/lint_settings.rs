//! Lint settings: `lint { deny, allow }`, `--deny`/`--allow`, `--deny warnings`,
//! `--verbose`, and the `explain` command.

use std::process::{Command, Output};

fn scalec_in(dir: &std::path::Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_scalec"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("scalec runs")
}

fn scalec(args: &[&str]) -> Output {
    scalec_in(std::path::Path::new(env!("CARGO_MANIFEST_DIR")), args)
}

fn out(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn err(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// A project with one policy file; returns the temporary directory.
fn project(text: &str) -> tempfile::TempDir {
    // Named `scalec-…`: the default `.tmp…` is not a valid project name (E006).
    let dir = tempfile::Builder::new()
        .prefix("scalec-")
        .tempdir()
        .expect("temp dir");
    std::fs::write(dir.path().join("policy.scale"), text).expect("write policy");
    dir
}

/// `check --format short` in `dir` with extra flags.
fn check(dir: &tempfile::TempDir, flags: &[&str]) -> Output {
    let mut args = vec!["check", "--format", "short"];
    args.extend_from_slice(flags);
    args.push(".");
    scalec_in(dir.path(), &args)
}

const SINGLE_POD: &str = "service api {\n  image    = \"a:1.0\"\n  replicas = 1\n}\n";

#[test]
fn a_warning_passes_by_default() {
    let dir = project(SINGLE_POD);
    let output = check(&dir, &[]);
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(
        out(&output),
        "policy.scale:3:14: warning[K104]: service `api` may run a single pod\n"
    );
}

#[test]
fn deny_warnings_turns_warnings_into_errors() {
    let dir = project(SINGLE_POD);
    let output = check(&dir, &["--deny", "warnings"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(out(&output).contains("error[K104]"));
}

#[test]
fn lint_block_denies_by_name_and_allows_by_code() {
    let denied = project(&format!("lint {{ deny = [single-replica] }}\n{SINGLE_POD}"));
    let output = check(&denied, &[]);
    assert_eq!(output.status.code(), Some(1));
    assert!(out(&output).contains("error[K104]"));

    let allowed = project(&format!("lint {{ allow = [K104] }}\n{SINGLE_POD}"));
    let output = check(&allowed, &[]);
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(out(&output), "");
}

#[test]
fn a_flag_wins_over_the_lint_block() {
    let dir = project(&format!("lint {{ deny = [K104] }}\n{SINGLE_POD}"));
    let output = check(&dir, &["--allow", "K104"]);
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(out(&output), "");

    let dir = project(&format!("lint {{ allow = [K104] }}\n{SINGLE_POD}"));
    let output = check(&dir, &["--deny", "single-replica"]);
    assert_eq!(output.status.code(), Some(1));
}

#[test]
fn an_unknown_rule_in_the_lint_block_suggests_the_nearest() {
    let dir = project(&format!(
        "lint {{ allow = [single-replicas] }}\n{SINGLE_POD}"
    ));
    let output = check(&dir, &[]);
    assert_eq!(output.status.code(), Some(1));
    let text = out(&output);
    assert!(
        text.contains("policy.scale:1:17: error[E004]: no rule `single-replicas`"),
        "{text}"
    );
    let human = scalec_in(dir.path(), &["check", "."]);
    assert!(
        out(&human).contains("did you mean `single-replica`?"),
        "{}",
        out(&human)
    );
}

#[test]
fn language_errors_cannot_be_allowed() {
    let dir = project(&format!("lint {{ allow = [E002] }}\n{SINGLE_POD}"));
    let output = check(&dir, &[]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        out(&output).contains("error[E003]: `E002` is a language error"),
        "{}",
        out(&output)
    );

    let output = check(&dir, &["--allow", "E001"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(err(&output).contains("language errors cannot be allowed or denied"));
}

#[test]
fn a_rule_both_denied_and_allowed_is_a_conflict() {
    let dir = project(&format!(
        "lint {{\n  deny  = [K104]\n  allow = [single-replica]\n}}\n{SINGLE_POD}"
    ));
    let output = check(&dir, &[]);
    assert!(
        out(&output).contains("error[E008]: K104 is both denied and allowed"),
        "{}",
        out(&output)
    );
}

#[test]
fn an_unknown_rule_flag_is_a_usage_error() {
    let output = scalec(&["check", "--deny", "K999", "policies/"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        err(&output).contains("--deny K999: no rule `K999`"),
        "{}",
        err(&output)
    );
}

#[test]
fn a_suppression_silences_only_its_block() {
    let text = format!(
        "# scalec: allow K104 nightly batch, a restart only delays it\n{SINGLE_POD}\
         service web {{\n  image    = \"a:1.0\"\n  replicas = 1\n}}\n"
    );
    let dir = project(&text);
    let output = check(&dir, &[]);
    assert_eq!(
        out(&output),
        "policy.scale:8:14: warning[K104]: service `web` may run a single pod\n"
    );
}

#[test]
fn a_suppression_before_a_service_covers_values_it_inherits() {
    let text = "defaults {\n  replicas = 1\n}\n\n\
                # scalec: allow K104 single consumer by design\n\
                service api {\n  image = \"a:1.0\"\n}\n";
    let dir = project(text);
    assert_eq!(out(&check(&dir, &[])), "");
}

#[test]
fn explain_lists_every_rule() {
    let output = scalec(&["explain"]);
    assert_eq!(output.status.code(), Some(0));
    let text = out(&output);
    assert_eq!(text.lines().count(), scalec::lint::RULES.len());
    assert!(text.contains("K101  missing-max-replicas"));
}

#[test]
fn explain_prints_a_rule_by_code_or_name() {
    let by_code = out(&scalec(&["explain", "K101"]));
    let by_name = out(&scalec(&["explain", "missing-max-replicas"]));
    assert_eq!(by_code, by_name);
    assert!(by_code.starts_with("# K101 missing-max-replicas\n"));
    assert!(by_code.contains("## Why it is unsafe"));
}

#[test]
fn explain_json_has_the_doc() {
    let output = scalec(&["explain", "K104", "--format", "json"]);
    let rule: serde_json::Value = serde_json::from_str(&out(&output)).expect("JSON");
    assert_eq!(rule["name"], "single-replica");
    assert_eq!(rule["severity"], "warning");
    assert!(rule["doc"].as_str().unwrap_or("").contains("## Fix"));
}

#[test]
fn explain_of_an_unknown_rule_suggests_one() {
    let output = scalec(&["explain", "K1O1"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        err(&output).contains("did you mean `K101`?"),
        "{}",
        err(&output)
    );
}

#[test]
fn info_findings_show_only_with_verbose() {
    let text = "database db {\n  engine = mongodb\n  shards = 1\n  shard { memory = 1Gi .. 1Gi }\n\n  collection c {\n    shard_key = hashed(x)\n  }\n}\n";
    let dir = project(text);
    assert_eq!(out(&check(&dir, &[])), "");
    let verbose = check(&dir, &["--verbose"]);
    assert_eq!(verbose.status.code(), Some(0));
    assert!(
        out(&verbose).contains("policy.scale:3:12: info[M208]"),
        "{}",
        out(&verbose)
    );
    // Denied, an info finding is an error and shows without --verbose.
    let denied = check(&dir, &["--deny", "single-shard"]);
    assert_eq!(denied.status.code(), Some(1));
    assert!(out(&denied).contains("error[M208]"));
}

#[test]
fn the_showcase_fails_with_every_kind_of_rule() {
    let output = scalec(&["check", "--format", "short", "tests/fixtures/showcase"]);
    assert_eq!(output.status.code(), Some(1));
    let text = out(&output);
    for code in ["K101", "K105", "K112", "K119", "M201", "C302"] {
        assert!(
            text.contains(&format!("[{code}]")),
            "{code} missing:\n{text}"
        );
    }
}

/// A service whose autoscaler has its minimum above its maximum (K102), which
/// the API server rejects.
const MIN_ABOVE_MAX: &str = "service api {\n  image    = \"a:1.0\"\n  cpu      = 250m\n  replicas = 10 .. 4\n  scale cpu { utilization = 70% }\n}\n";

#[test]
fn a_guard_stays_an_error_whatever_allows_it() {
    let allowed_in_file = format!("lint {{\n  allow = [K102]\n}}\n\n{MIN_ABOVE_MAX}");
    let suppressed = MIN_ABOVE_MAX.replace(
        "  replicas = 10 .. 4",
        "  # scalec: allow K102 the operator fixes it\n  replicas = 10 .. 4",
    );
    let cases: [(&str, &[&str]); 3] = [
        (MIN_ABOVE_MAX, &["--allow", "K102"]),
        (&allowed_in_file, &[]),
        (&suppressed, &[]),
    ];
    for (text, flags) in cases {
        let dir = project(text);
        let output = check(&dir, flags);
        assert_eq!(output.status.code(), Some(1), "{text}\n{}", out(&output));
        assert!(out(&output).contains("error[K102]"), "{}", out(&output));
        // Nor is the suppression reported as silencing nothing.
        assert!(!out(&output).contains("S002"), "{}", out(&output));
        let json = scalec_in(
            dir.path(),
            &[&["check", "--format", "json", "."], flags].concat(),
        );
        assert!(
            out(&json).contains("K102 cannot be allowed or suppressed: the API server rejects"),
            "{}",
            out(&json)
        );
        // And build writes nothing.
        let build = scalec_in(dir.path(), &[&["build", ".", "-o", "out"], flags].concat());
        assert_eq!(build.status.code(), Some(1), "{}", err(&build));
        assert!(!dir.path().join("out").exists());
    }
}

#[test]
fn explain_says_a_guard_cannot_be_allowed() {
    let output = scalec(&["explain", "K101"]);
    assert!(
        out(&output).contains("This rule cannot be allowed or suppressed: the API server rejects"),
        "{}",
        out(&output)
    );
    let output = scalec(&["explain", "K104"]);
    assert!(!out(&output).contains("cannot be allowed"));
}
