//! Attacks that try to make scalec write, or print, outside its output:
//! planted links, linked project directories, names that break headers.

use crate::sandbox::{DATABASE_POLICY, GOOD_POLICY, Sandbox, assert_unchanged_except};

#[test]
fn a_link_planted_at_the_old_temporary_name_is_not_followed() {
    let sandbox = Sandbox::new();
    sandbox.write("policies/web/app.scale", GOOD_POLICY);
    sandbox.write("victim.txt", "precious\n");
    // The name older scalec used for its temporary file, predictable.
    sandbox.symlink(sandbox.path("victim.txt"), "out/web/.api.yaml.scalec-tmp");
    sandbox
        .run(&["build", "policies", "-o", "out"])
        .expect_code(0);
    assert_eq!(sandbox.read("victim.txt"), "precious\n");
    assert!(
        sandbox
            .read("out/web/api.yaml")
            .contains("kind: Deployment")
    );
}

#[test]
fn a_linked_project_directory_inside_out_is_refused() {
    let sandbox = Sandbox::new();
    sandbox.write("policies/web/app.scale", GOOD_POLICY);
    sandbox.write("elsewhere/keep.txt", "mine\n");
    sandbox.mkdir("out");
    sandbox.symlink(sandbox.path("elsewhere"), "out/web");
    let before = sandbox.snapshot();
    let outcome = sandbox.run(&["build", "policies", "-o", "out"]);
    outcome.expect_code(2);
    outcome.expect_stderr("symbolic link");
    assert_unchanged_except(&before, &sandbox.snapshot(), &[]);
}

#[test]
fn a_linked_output_file_is_refused_and_never_overwritten() {
    let sandbox = Sandbox::new();
    sandbox.write("policies/web/app.scale", GOOD_POLICY);
    sandbox.write("victim.txt", "precious\n");
    sandbox.symlink(sandbox.path("victim.txt"), "out/web/api.yaml");
    let before = sandbox.snapshot();
    sandbox
        .run(&["build", "policies", "-o", "out"])
        .expect_code(2);
    assert_unchanged_except(&before, &sandbox.snapshot(), &[]);
}

#[test]
fn check_never_prints_what_a_linked_output_file_points_to() {
    let sandbox = Sandbox::new();
    sandbox.write("policies/web/app.scale", GOOD_POLICY);
    sandbox.write("secrets.env", "AWS_SECRET_ACCESS_KEY=hunter2\n");
    sandbox.symlink(sandbox.path("secrets.env"), "out/web/api.yaml");
    let outcome = sandbox.run(&["build", "policies", "-o", "out", "--check"]);
    outcome.expect_code(1);
    assert!(
        !outcome.all_output().contains("hunter2"),
        "{}",
        outcome.all_output()
    );
    outcome.expect_stdout("a symbolic link");
}

#[test]
fn a_newline_in_a_policy_file_name_stays_inside_the_header_comment() {
    let sandbox = Sandbox::new();
    sandbox.write("policies/web/x\nkind: Secret\n.scale", GOOD_POLICY);
    sandbox.write(
        "policies/web/y\nrequire('child_process').execSync('touch pwned')\n.scale",
        DATABASE_POLICY,
    );
    sandbox
        .run(&["build", "policies", "-o", "out"])
        .expect_code(0);
    let api = sandbox.read("out/web/api.yaml");
    let header = api.lines().next().expect("a header");
    assert!(header.contains("x\\nkind: Secret"), "{header}");
    assert!(!api.lines().any(|line| line == "kind: Secret"), "{api}");
    let script = sandbox.read("out/web/orders-shard-setup.js");
    assert!(
        !script
            .lines()
            .any(|line| line.starts_with("require('child_process')")),
        "{script}"
    );
    // The YAML has exactly the documents scalec meant: a ServiceAccount, a
    // Deployment, its Service, an HPA and a budget.
    let documents = serde_yaml::Deserializer::from_str(&api).count();
    assert_eq!(documents, 5, "{api}");
}
