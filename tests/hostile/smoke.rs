//! The harness itself: a clean build writes only into OUT, and a broken
//! policy writes nothing.

use crate::sandbox::{BAD_POLICY, GOOD_POLICY, Sandbox, assert_unchanged_except};

#[test]
fn clean_build_writes_only_into_out() {
    let sandbox = Sandbox::new();
    sandbox.write("policies/web/app.scale", GOOD_POLICY);
    let before = sandbox.snapshot();
    sandbox
        .run(&["build", "policies", "-o", "out"])
        .expect_code(0);
    assert_unchanged_except(&before, &sandbox.snapshot(), &["out"]);
    assert!(
        sandbox
            .read("out/web/api.yaml")
            .contains("kind: Deployment")
    );
}

#[test]
fn failed_build_writes_nothing() {
    let sandbox = Sandbox::new();
    sandbox.write("policies/web/app.scale", BAD_POLICY);
    let before = sandbox.snapshot();
    sandbox
        .run(&["build", "policies", "-o", "out"])
        .expect_code(1)
        .expect_diagnostic("E002");
    assert_unchanged_except(&before, &sandbox.snapshot(), &[]);
}
