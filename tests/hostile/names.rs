//! Names that Kubernetes or MongoDB would reject (issue #9): a project
//! directory that is not a label value, and names in the policy that the
//! shard script or an object would carry. Each is E006 (or E003) and the
//! build writes nothing; a project named explicitly builds with that name.

use crate::sandbox::{GOOD_POLICY, Sandbox, assert_unchanged_except};

/// A build of `policies` whose only project lives in `dir` fails with E006,
/// offers `rewrite`, and writes nothing.
#[track_caller]
fn refused(dir: &str, rewrite: &str) {
    let sandbox = Sandbox::new();
    sandbox.write(&format!("policies/{dir}/app.scale"), GOOD_POLICY);
    let before = sandbox.snapshot();
    sandbox
        .run(&["build", "--format", "json", "policies", "-o", "out"])
        .expect_code(1)
        .expect_diagnostic("E006")
        .expect_stdout(&format!("cluster {{ project = \\\"{rewrite}\\\" }}"));
    assert_unchanged_except(&before, &sandbox.snapshot(), &[]);
}

#[test]
fn project_directory_with_a_space() {
    refused("my store", "my-store");
}

#[test]
fn project_directory_ending_in_underscore() {
    refused("Bad_Dir_", "bad-dir");
}

#[test]
fn project_directory_longer_than_a_label() {
    refused(&"a".repeat(70), &"a".repeat(63));
}

#[test]
fn project_directory_built_as_dot_from_inside() {
    let sandbox = Sandbox::new();
    let dir = sandbox.mkdir("Bad_Dir_");
    sandbox.write("Bad_Dir_/app.scale", GOOD_POLICY);
    let before = sandbox.snapshot();
    sandbox
        .run_in(&dir, &["build", ".", "-o", "../out"])
        .expect_code(1)
        .expect_diagnostic("E006");
    assert_unchanged_except(&before, &sandbox.snapshot(), &[]);
}

#[test]
fn explicit_project_name_labels_and_selects_every_object() {
    let sandbox = Sandbox::new();
    let policy = format!("cluster prod {{\n  project = \"my-store\"\n}}\n\n{GOOD_POLICY}");
    sandbox.write("policies/my store/app.scale", policy);
    let before = sandbox.snapshot();
    sandbox
        .run(&["build", "policies", "-o", "out"])
        .expect_code(0);
    assert_unchanged_except(&before, &sandbox.snapshot(), &["out"]);
    let deployment = sandbox.read("out/my store/api.yaml");
    assert!(
        deployment.contains("app.kubernetes.io/part-of: my-store"),
        "{deployment}"
    );
    assert!(!deployment.contains("part-of: my store"), "{deployment}");
}

#[test]
fn mongodb_names_never_reach_the_shard_script() {
    let sandbox = Sandbox::new();
    sandbox.write(
        "policies/shop/db.scale",
        "database orders {\n  engine  = mongodb\n  shards  = 2\n  version = \"latest\"\n\n  \
         collection \"system.profile\" { shard_key = \"$weird\" }\n}\n",
    );
    let before = sandbox.snapshot();
    let outcome = sandbox.run(&["build", "policies", "-o", "out"]);
    outcome
        .expect_code(1)
        .expect_diagnostic("E006")
        .expect_diagnostic("E003");
    assert_unchanged_except(&before, &sandbox.snapshot(), &[]);
}

#[test]
fn environment_name_with_equals_sign() {
    let sandbox = Sandbox::new();
    let policy = GOOD_POLICY.replace(
        "  port     = 8080\n",
        "  port     = 8080\n  env { \"A=B\" = \"x\" }\n",
    );
    assert_ne!(policy, GOOD_POLICY);
    sandbox.write("policies/web/app.scale", policy);
    let before = sandbox.snapshot();
    sandbox
        .run(&["build", "--format", "json", "policies", "-o", "out"])
        .expect_code(1)
        .expect_diagnostic("E006")
        .expect_stdout("write `A_B`");
    assert_unchanged_except(&before, &sandbox.snapshot(), &[]);
}
