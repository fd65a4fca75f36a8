//! One fixture per language error (E001–E009) under `tests/fixtures/errors/`:
//! each test pins the short line (code, line, column) and snapshots the human
//! report. Did-you-mean suggestions each have their own test.

mod common;

use common::{check_paths, check_text};

/// Checks one fixture directory and snapshots its human report.
fn fixture(name: &str) -> common::Checked {
    let checked = check_paths(&[&format!("tests/fixtures/errors/{name}")]);
    insta::assert_snapshot!(name, checked.human);
    checked
}

#[test]
fn e001_syntax_error_is_reported_at_the_end_of_the_unfinished_line() {
    let checked = fixture("E001-syntax-error");
    assert_eq!(
        checked.short_lines(),
        [
            "tests/fixtures/errors/E001-syntax-error/policy.scale:5:18: error[E001]: expected a value after `..`, found the end of the line"
        ]
    );
}

#[test]
fn e002_unknown_attribute_suggests_the_nearest_name() {
    let checked = fixture("E002-unknown-attribute");
    assert_eq!(
        checked.short_lines(),
        [
            "tests/fixtures/errors/E002-unknown-attribute/policy.scale:4:3: error[E002]: unknown attribute `replica` in service `api`"
        ]
    );
    assert_eq!(
        checked.diagnostics[0].help.as_deref(),
        Some("did you mean `replicas`?")
    );
}

#[test]
fn e003_type_mismatch_labels_each_wrong_value() {
    let checked = fixture("E003-type-mismatch");
    let path = "tests/fixtures/errors/E003-type-mismatch/policy.scale";
    assert_eq!(
        checked.short_lines(),
        [
            format!("{path}:4:14: error[E003]: expected a whole number, found a string"),
            format!("{path}:7:21: error[E003]: `Mi` is not a unit of time"),
        ]
    );
    assert_eq!(
        checked.diagnostics[0].help.as_deref(),
        Some("remove the quotes: `3`")
    );
}

#[test]
fn e004_unknown_reference_suggests_a_declared_metric() {
    let checked = fixture("E004-unknown-reference");
    assert_eq!(
        checked.short_lines(),
        [
            "tests/fixtures/errors/E004-unknown-reference/policy.scale:11:9: error[E004]: no metric or queue named `request-per-second` in this project"
        ]
    );
    assert_eq!(
        checked.diagnostics[0].help.as_deref(),
        Some("did you mean `requests-per-second`?")
    );
}

#[test]
fn e005_duplicate_definition_labels_both_files() {
    let checked = fixture("E005-duplicate-definition");
    assert_eq!(
        checked.short_lines(),
        [
            "tests/fixtures/errors/E005-duplicate-definition/b.scale:5:9: error[E005]: service `api` is defined twice"
        ]
    );
    let related = &checked.diagnostics[0].related;
    assert_eq!(related.len(), 1);
    assert!(
        checked
            .human
            .contains("E005-duplicate-definition/a.scale:3:9"),
        "{}",
        checked.human
    );
}

#[test]
fn e006_invalid_name_offers_the_dns_rewrite() {
    let checked = fixture("E006-invalid-name");
    assert_eq!(
        checked.short_lines(),
        [
            "tests/fixtures/errors/E006-invalid-name/policy.scale:2:9: error[E006]: `Checkout_API` cannot be the name of a Kubernetes Deployment"
        ]
    );
    assert!(
        checked.diagnostics[0]
            .help
            .as_deref()
            .unwrap_or("")
            .contains("write `checkout-api`")
    );
}

#[test]
fn e007_missing_attribute_points_at_the_block() {
    let checked = fixture("E007-missing-attribute");
    assert_eq!(
        checked.short_lines(),
        [
            "tests/fixtures/errors/E007-missing-attribute/policy.scale:2:1: error[E007]: service `api` has no `image`"
        ]
    );
}

#[test]
fn e008_conflicting_targets_label_both() {
    let checked = fixture("E008-conflicting-attributes");
    assert_eq!(
        checked.short_lines(),
        [
            "tests/fixtures/errors/E008-conflicting-attributes/policy.scale:9:5: error[E008]: `scale cpu` has two targets"
        ]
    );
    assert_eq!(checked.diagnostics[0].related.len(), 1);
}

#[test]
fn e009_unreadable_file_is_reported_and_the_other_file_still_read() {
    let checked = fixture("E009-unreadable-file");
    assert_eq!(
        checked.short_lines(),
        [
            "tests/fixtures/errors/E009-unreadable-file/latin1.scale:1:1: error[E009]: cannot read `tests/fixtures/errors/E009-unreadable-file/latin1.scale`: it is not UTF-8 text (invalid byte at offset 53)"
        ]
    );
}

/// The help of the only finding for `text`.
fn help_of(text: &str) -> String {
    let checked = check_text(text);
    assert_eq!(checked.diagnostics.len(), 1, "{}", checked.human);
    checked.diagnostics[0].help.clone().unwrap_or_default()
}

#[test]
fn did_you_mean_unknown_block_kind() {
    assert_eq!(
        help_of("serivce api {\n  image = \"a:1\"\n}\n"),
        "did you mean `service`?"
    );
}

#[test]
fn did_you_mean_unknown_nested_block() {
    let text = "service api {\n  image = \"a:1\"\n  scael cpu { utilization = 70% }\n}\n";
    assert_eq!(help_of(text), "did you mean `scale`?");
}

#[test]
fn did_you_mean_word_value() {
    assert_eq!(
        help_of("cluster prod {\n  autoscaler = kedda\n}\n"),
        "did you mean `keda`?"
    );
}

#[test]
fn did_you_mean_unit() {
    let help = help_of("service api {\n  image = \"a:1\"\n  cpu = 5Mi\n}\n");
    assert!(help.starts_with("did you mean `5m`?"), "{help}");
}

#[test]
fn did_you_mean_shard_key_function() {
    let text = "database db {\n  engine = mongodb\n  shards = 2\n  collection c { shard_key = hashd(x) }\n}\n";
    assert_eq!(help_of(text), "did you mean `hashed`?");
}

#[test]
fn did_you_mean_scale_signal_for_cpu() {
    let text = "service api {\n  image = \"a:1\"\n  scale cpuu { utilization = 70% }\n}\n";
    assert_eq!(help_of(text), "did you mean `cpu`?");
}
