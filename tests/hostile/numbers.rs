//! Absurd numbers: counts that used to make `build` allocate without bound
//! (one replica set per shard) or that Kubernetes cannot store (int32 replica
//! counts), and rule help that did arithmetic on them. Each is an E003 at the
//! value, stating the real limit, or a clean finding; never an abort.

use crate::sandbox::{GOOD_POLICY, Sandbox, assert_unchanged_except};

const SHARDS_U32_MAX: &str = "database orders {\n  engine = mongodb\n  shards = 4294967295\n}\n";

fn service_with_replicas(replicas: &str) -> String {
    format!(
        "service api {{\n  image    = \"registry.example.com/api:1.0.0\"\n  cpu      = 250m\n  replicas = {replicas}\n  scale cpu {{ utilization = 70% }}\n}}\n"
    )
}

#[test]
fn check_rejects_u32_max_shards_with_the_limit() {
    let sandbox = Sandbox::new();
    sandbox.write("policies/db/db.scale", SHARDS_U32_MAX);
    let outcome = sandbox.run(&["check", "policies", "--format", "short"]);
    outcome.expect_code(1).expect_diagnostic("E003");
    assert!(
        outcome.stdout.contains(
            "db.scale:3:12: error[E003]: 4294967295 shards is more than the 150000 allowed"
        ),
        "{}",
        outcome.all_output()
    );
}

#[test]
fn build_with_u32_max_shards_fails_without_allocating_or_writing() {
    let sandbox = Sandbox::new();
    sandbox.write("policies/db/db.scale", SHARDS_U32_MAX);
    // A good project beside it: a failed build writes nothing at all.
    sandbox.write("policies/web/app.scale", GOOD_POLICY);
    let before = sandbox.snapshot();
    sandbox
        .run(&["build", "policies", "-o", "out"])
        .expect_code(1)
        .expect_diagnostic("E003");
    assert_unchanged_except(&before, &sandbox.snapshot(), &[]);
    assert!(!sandbox.exists("out"));
}

#[test]
fn build_at_the_int32_replica_limit_writes_it_unclamped() {
    let sandbox = Sandbox::new();
    let policy = service_with_replicas("2 .. 2147483647");
    sandbox.write("policies/web/app.scale", policy);
    sandbox
        .run(&["build", "policies", "-o", "out"])
        .expect_code(0);
    let manifest = sandbox.read("out/web/api.yaml");
    assert!(manifest.contains("maxReplicas: 2147483647"), "{manifest}");
}

#[test]
fn replicas_one_above_int32_are_rejected_not_clamped() {
    let sandbox = Sandbox::new();
    sandbox.write(
        "policies/web/app.scale",
        service_with_replicas("2 .. 2147483648"),
    );
    let before = sandbox.snapshot();
    let outcome = sandbox.run(&["build", "policies", "-o", "out"]);
    outcome.expect_code(1).expect_diagnostic("E003");
    assert!(
        outcome
            .all_output()
            .contains("2147483648 replicas is more than the 2147483647 allowed"),
        "{}",
        outcome.all_output()
    );
    assert_unchanged_except(&before, &sandbox.snapshot(), &[]);
}

#[test]
fn fixed_replicas_at_u32_max_are_rejected_not_clamped() {
    let sandbox = Sandbox::new();
    sandbox.write(
        "policies/web/app.scale",
        "service api {\n  image    = \"registry.example.com/api:1.0.0\"\n  replicas = 4294967295\n}\n",
    );
    sandbox
        .run(&["check", "policies"])
        .expect_code(1)
        .expect_diagnostic("E003");
}

#[test]
fn k103_help_at_the_largest_replica_count_does_not_overflow() {
    let sandbox = Sandbox::new();
    sandbox.write(
        "policies/web/app.scale",
        service_with_replicas("2147483647 .. 2147483647"),
    );
    let outcome = sandbox.run(&["check", "policies", "--format", "json"]);
    // Warnings only: exit 0, and no panic (101) from the help's arithmetic.
    outcome.expect_code(0).expect_diagnostic("K103");
    let output = outcome.all_output();
    assert!(
        output.contains("2147483647 is the most replicas Kubernetes allows"),
        "{output}"
    );
    assert!(!output.contains("2147483648"), "{output}");
}

#[test]
fn k103_with_u32_max_replicas_is_an_error_first() {
    let sandbox = Sandbox::new();
    sandbox.write(
        "policies/web/app.scale",
        service_with_replicas("4294967295 .. 4294967295"),
    );
    sandbox
        .run(&["check", "policies"])
        .expect_code(1)
        .expect_diagnostic("E003");
}

#[test]
fn memory_beyond_the_largest_kubernetes_quantity_is_rejected_not_capped() {
    let sandbox = Sandbox::new();
    sandbox.write(
        "policies/web/app.scale",
        "service api {\n  image  = \"registry.example.com/api:1.0.0\"\n  memory = 8Ei\n}\n",
    );
    let outcome = sandbox.run(&["check", "policies"]);
    outcome.expect_code(1).expect_diagnostic("E003");
    assert!(
        outcome.all_output().contains("9223372036854775807"),
        "{}",
        outcome.all_output()
    );
}

#[test]
fn capacity_rules_at_every_limit_at_once_do_not_overflow() {
    // The largest pool and the largest pods: node count × node size and
    // replicas × request are computed exactly, not wrapped or saturated.
    let sandbox = Sandbox::new();
    sandbox.write(
        "policies/web/app.scale",
        "cluster prod {\n  nodes {\n    count  = 4294967295\n    cpu    = 18446744073709551615m\n    memory = 9223372036854775807\n  }\n}\n\
         service api {\n  image    = \"registry.example.com/api:1.0.0\"\n  cpu      = 18446744073709551615m\n  memory   = 9223372036854775807\n  replicas = 2147483647\n  load {\n    peak    = 18446744073709551.615\n    per_pod = 0.001\n  }\n}\n",
    );
    let outcome = sandbox.run(&["check", "policies", "--format", "json"]);
    // C301 is an error: the peak needs u64::MAX pods, computed exactly.
    outcome.expect_code(1).expect_diagnostic("C301");
    assert!(
        outcome
            .all_output()
            .contains("needs 18446744073709551615 pods"),
        "{}",
        outcome.all_output()
    );
    assert!(
        !outcome
            .all_output()
            .contains("340282366920938463463374607431768211"),
        "a saturated u128 in the output\n{}",
        outcome.all_output()
    );
}
