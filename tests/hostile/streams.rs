//! Closed streams, broken entries in the policy tree, and named paths that
//! are not policies.

use crate::sandbox::{BAD_POLICY, GOOD_POLICY, Sandbox, assert_unchanged_except};

/// Runs scalec through `sh` so a stream can be closed (`>&-`, `2>&-`).
fn run_with_closed(sandbox: &Sandbox, args: &str, redirect: &str) -> Option<i32> {
    std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("\"$0\" {args} {redirect}",))
        .arg(env!("CARGO_BIN_EXE_scalec"))
        .current_dir(sandbox.root())
        .status()
        .expect("sh runs")
        .code()
}

#[test]
fn a_closed_stderr_ends_quietly_with_the_documented_code() {
    let sandbox = Sandbox::new();
    sandbox.write("bad/app.scale", BAD_POLICY);
    sandbox.write("good/app.scale", GOOD_POLICY);
    sandbox.write(
        "messy/app.scale",
        "service api {\nimage=\"a:1\"\nreplicas=2\n}\n",
    );
    assert_eq!(run_with_closed(&sandbox, "check bad", "2>&-"), Some(1));
    assert_eq!(run_with_closed(&sandbox, "check good", "2>&-"), Some(0));
    assert_eq!(
        run_with_closed(&sandbox, "build bad -o out", "2>&-"),
        Some(1)
    );
    assert_eq!(
        run_with_closed(&sandbox, "build good -o out", "2>&-"),
        Some(0)
    );
    assert_eq!(
        run_with_closed(&sandbox, "fmt --check messy", "2>&-"),
        Some(1)
    );
    assert_eq!(
        run_with_closed(&sandbox, "check missing-dir", "2>&-"),
        Some(2)
    );
}

#[test]
fn a_closed_stdout_ends_quietly_with_the_documented_code() {
    let sandbox = Sandbox::new();
    sandbox.write("bad/app.scale", BAD_POLICY);
    sandbox.write("good/app.scale", GOOD_POLICY);
    assert_eq!(run_with_closed(&sandbox, "check bad", ">&-"), Some(1));
    assert_eq!(
        run_with_closed(&sandbox, "check --format json bad", ">&-"),
        Some(1)
    );
    assert_eq!(
        run_with_closed(&sandbox, "build good --stdout", ">&-"),
        Some(0)
    );
    assert_eq!(run_with_closed(&sandbox, "explain", ">&-"), Some(0));
}

#[test]
fn a_dangling_link_in_the_tree_is_a_finding_for_that_file() {
    let sandbox = Sandbox::new();
    sandbox.write("policies/web/app.scale", GOOD_POLICY);
    sandbox.symlink("nowhere.scale", "policies/web/gone.scale");
    sandbox.symlink("nowhere", "policies/web/notes.txt");
    let before = sandbox.snapshot();
    let outcome = sandbox.run(&["check", "policies", "--format", "short"]);
    outcome.expect_code(1).expect_diagnostic("E009");
    outcome
        .expect_stdout("gone.scale")
        .expect_stdout("does not exist");
    sandbox
        .run(&["build", "policies", "-o", "out"])
        .expect_code(1)
        .expect_diagnostic("E009");
    sandbox
        .run(&["fmt", "policies"])
        .expect_code(1)
        .expect_diagnostic("E009");
    assert_unchanged_except(&before, &sandbox.snapshot(), &[]);
}

#[test]
fn an_editor_lock_link_is_ignored() {
    let sandbox = Sandbox::new();
    sandbox.write("policies/web/app.scale", GOOD_POLICY);
    // Emacs's lock file: a dangling link named `.#FILE`.
    sandbox.symlink("user@host.1234:1700000000", "policies/web/.#app.scale");
    sandbox.run(&["check", "policies"]).expect_code(0);
    sandbox.run(&["fmt", "--check", "policies"]).expect_code(0);
    sandbox
        .run(&["build", "policies", "-o", "out"])
        .expect_code(0);
}

#[test]
fn fmt_refuses_a_named_file_that_is_not_a_policy() {
    let sandbox = Sandbox::new();
    sandbox.write(".env", "service api { image = \"x:1\" }\n");
    sandbox.write("notes.txt", "service api { image = \"x:1\" }\n");
    let before = sandbox.snapshot();
    for name in [".env", "notes.txt"] {
        let outcome = sandbox.run(&["fmt", name]);
        outcome.expect_code(2);
        outcome.expect_stderr("not a policy file");
    }
    sandbox.run(&["check", "notes.txt"]).expect_code(2);
    assert_unchanged_except(&before, &sandbox.snapshot(), &[]);
}
