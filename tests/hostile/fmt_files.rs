//! `fmt` rewrites policy files in place: it must keep what it does not own
//! (permissions, links, files outside the tree, an edit saved meanwhile).

use std::os::unix::fs::PermissionsExt;

use crate::sandbox::{Sandbox, assert_unchanged_except};

/// A policy that `fmt` changes.
const MESSY: &str = "service api {\nimage=\"registry.example.com/api:1.0.0\"\nreplicas=2\n}\n";
const TIDY: &str =
    "service api {\n  image    = \"registry.example.com/api:1.0.0\"\n  replicas = 2\n}\n";

#[test]
fn fmt_keeps_permissions() {
    let sandbox = Sandbox::new();
    sandbox.write("policies/app.scale", MESSY);
    sandbox.chmod("policies/app.scale", 0o600);
    sandbox.run(&["fmt", "policies"]).expect_code(0);
    assert_eq!(sandbox.read("policies/app.scale"), TIDY);
    let mode = std::fs::metadata(sandbox.path("policies/app.scale"))
        .expect("metadata")
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600);
}

#[test]
fn fmt_keeps_a_linked_policy_a_link() {
    let sandbox = Sandbox::new();
    sandbox.write("policies/shared/base.scale", MESSY);
    sandbox.symlink("shared/base.scale", "policies/app.scale");
    sandbox.run(&["fmt", "policies/app.scale"]).expect_code(0);
    let link = std::fs::symlink_metadata(sandbox.path("policies/app.scale")).expect("exists");
    assert!(link.file_type().is_symlink(), "the link is still a link");
    assert_eq!(sandbox.read("policies/shared/base.scale"), TIDY);
}

#[test]
fn fmt_never_follows_a_linked_directory_out_of_the_tree() {
    let sandbox = Sandbox::new();
    sandbox.write("policies/app.scale", TIDY);
    sandbox.write("outside/other.scale", MESSY);
    sandbox.symlink(sandbox.path("outside"), "policies/ext");
    let before = sandbox.snapshot();
    sandbox.run(&["fmt", "policies"]).expect_code(0);
    assert_unchanged_except(&before, &sandbox.snapshot(), &[]);
}

#[test]
fn fmt_never_writes_through_a_link_out_of_the_tree() {
    let sandbox = Sandbox::new();
    sandbox.write("outside/other.scale", MESSY);
    sandbox.symlink(sandbox.path("outside/other.scale"), "policies/app.scale");
    let before = sandbox.snapshot();
    let outcome = sandbox.run(&["fmt", "policies"]);
    outcome.expect_code(1);
    outcome.expect_stderr("outside the paths named");
    assert_unchanged_except(&before, &sandbox.snapshot(), &[]);
}

#[test]
fn fmt_keeps_an_edit_saved_while_it_formats() {
    let sandbox = Sandbox::new();
    let path = sandbox.write("app.scale", MESSY);
    // What fmt read, then the user saves a new version before fmt writes.
    let saved = "service api {\nimage=\"registry.example.com/api:2.0.0\"\n}\n";
    std::fs::write(&path, saved).expect("write");
    let replaced = scalec::output::replace_file(&path, MESSY, TIDY).expect("no I/O error");
    assert!(!replaced, "a file changed since it was read is left alone");
    assert_eq!(sandbox.read("app.scale"), saved);
    // Nothing is left behind.
    let entries = std::fs::read_dir(sandbox.root()).expect("read_dir").count();
    assert_eq!(entries, 1);
}

#[test]
fn fmt_keeps_the_owner_of_a_file() {
    use std::os::unix::fs::MetadataExt;
    let sandbox = Sandbox::new();
    let path = sandbox.write("policies/app.scale", MESSY);
    // Only root may give a file away; elsewhere the owner is ours and kept
    // by construction, which the permissions test covers.
    if std::os::unix::fs::chown(&path, Some(65534), Some(65534)).is_err() {
        return;
    }
    sandbox.run(&["fmt", "policies"]).expect_code(0);
    assert_eq!(sandbox.read("policies/app.scale"), TIDY);
    let metadata = std::fs::metadata(&path).expect("metadata");
    assert_eq!((metadata.uid(), metadata.gid()), (65534, 65534));
}
