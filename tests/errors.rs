//! One fixture per language error (E001–E010) under `tests/fixtures/errors/`:
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
            "tests/fixtures/errors/E004-unknown-reference/policy.scale:11:9: error[E004]: no metric, queue or schedule named `request-per-second` in this project"
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
            // `worker` is complete, so it is linted despite the error.
            "tests/fixtures/errors/E005-duplicate-definition/b.scale:1:9: warning[K104]: service `worker` runs a single pod",
            "tests/fixtures/errors/E005-duplicate-definition/b.scale:5:9: error[E005]: service `api` is defined twice",
        ]
    );
    let related = &checked.diagnostics[1].related;
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

#[test]
fn e010_outputs_sharing_a_path_label_both_sources() {
    let checked = fixture("E010-output-collision");
    let path = "tests/fixtures/errors/E010-output-collision/policy.scale";
    assert_eq!(
        checked.short_lines(),
        [
            // An output collision leaves every entity complete: each is linted.
            format!("{path}:3:9: warning[K104]: service `orders` runs a single pod"),
            format!(
                "{path}:7:9: error[E010]: service `kustomization` would be written to `kustomization.yaml`, the file scalec writes for `kubectl apply -k`"
            ),
            format!("{path}:7:9: warning[K104]: service `kustomization` runs a single pod"),
            format!(
                "{path}:11:10: error[E010]: service `orders` and database `orders` would both be written to `orders.yaml`"
            ),
            format!(
                "{path}:11:10: warning[M210]: the shard members of database `orders` have no memory limit: mongod sizes its cache from the node's memory"
            ),
        ]
    );
    assert_eq!(checked.diagnostics[3].related.len(), 1);
}

// Issue #9: every name that reaches Kubernetes or MongoDB is checked by the
// rule of the system that reads it (E006), and the MongoDB version against
// what the operator runs (E003); each help gives the rule and the rewrite.

#[test]
fn e006_project_directory_that_is_not_a_label_value() {
    let checked = fixture("E006-project-directory");
    let path = "tests/fixtures/errors/E006-project-directory";
    assert_eq!(
        checked.short_lines(),
        [
            format!(
                "{path}/Bad_Dir_/policy.scale:1:1: error[E006]: the project `Bad_Dir_` is named after its directory, which is not a Kubernetes label value"
            ),
            // The project's name is not lint's concern: its services are linted.
            format!(
                "{path}/Bad_Dir_/policy.scale:4:9: warning[K104]: service `api` runs a single pod"
            ),
            format!(
                "{path}/my store/policy.scale:1:1: error[E006]: the project `my store` is named after its directory, which is not a Kubernetes label value"
            ),
            format!(
                "{path}/my store/policy.scale:2:9: warning[K104]: service `api` runs a single pod"
            ),
        ]
    );
    let help = |i: usize| checked.diagnostics[i].help.clone().unwrap_or_default();
    assert!(
        help(0).ends_with("`cluster { project = \"bad-dir\" }`"),
        "{}",
        help(0)
    );
    assert!(
        help(2).ends_with("`cluster { project = \"my-store\" }`"),
        "{}",
        help(2)
    );
}

#[test]
fn e006_project_without_a_directory_name_and_none_set() {
    // Only a library caller can build a project without an output name.
    let policy = "service api {\n  image    = \"a:1\"\n  replicas = 3\n}\n";
    let build = |text: &str| {
        let mut workspace = scalec::discover::Workspace::default();
        let id = workspace
            .sources
            .add(std::path::PathBuf::from("policy.scale"), text);
        workspace.projects.push(scalec::source::ProjectFiles {
            dir: std::path::PathBuf::new(),
            output: std::path::PathBuf::new(),
            files: vec![id],
        });
        scalec::compile(
            &workspace.sources,
            &workspace.projects,
            &scalec::lint::Options::default(),
        )
    };
    let unnamed = build(policy);
    let messages: Vec<&str> = unnamed
        .diagnostics
        .iter()
        .map(|d| d.message.as_str())
        .collect();
    assert_eq!(
        messages,
        ["the project has no directory name to be named after"]
    );
    assert!(unnamed.projects.is_empty());
    let named = build(&format!("cluster c {{ project = \"shop\" }}\n{policy}"));
    assert!(named.diagnostics.is_empty(), "{:?}", named.diagnostics);
    assert_eq!(named.projects.len(), 1);
}

#[test]
fn e006_project_name_set_in_the_cluster_block() {
    let checked = fixture("E006-project-name");
    assert_eq!(
        checked.short_lines(),
        [
            "tests/fixtures/errors/E006-project-name/policy.scale:3:13: error[E006]: `My Store` cannot be the name of a project"
        ]
    );
    let help = checked.diagnostics[0].help.as_deref().unwrap_or_default();
    assert!(help.ends_with("write `my-store`"), "{help}");
}

#[test]
fn e006_project_name_wins_over_the_directory_and_names_every_object() {
    let projects =
        common::projects_of(&["tests/fixtures/errors/E006-project-directory/named_Explicitly_"]);
    let project = &projects[0];
    assert_eq!(
        project.cluster.project.as_ref().map(|p| p.value.as_str()),
        Some("shop")
    );
    let name = scalec::emit::project_name(project, std::path::Path::new("named_Explicitly_"));
    assert_eq!(name.as_deref(), Some("shop"));
}

#[test]
fn e006_environment_variable_names_by_the_target_kubernetes() {
    let checked = fixture("E006-env-name");
    let path = "tests/fixtures/errors/E006-env-name/policy.scale";
    assert_eq!(
        checked.short_lines(),
        [
            format!(
                "{path}:11:5: error[E006]: `A=B` cannot be the name of an environment variable"
            ),
            format!(
                "{path}:12:5: error[E006]: `my var` cannot be the name of an environment variable"
            ),
            format!(
                "{path}:13:5: error[E006]: an empty name cannot be the name of an environment variable"
            ),
        ]
    );
    // From 1.34 the API server takes any printable ASCII name but `=`.
    let relaxed = check_text(
        "service api {\n  image = \"a:1\"\n  replicas = 3\n  env { \"my var\" = \"y\" }\n}\n",
    );
    assert!(relaxed.diagnostics.is_empty(), "{}", relaxed.short);
}

#[test]
fn e006_metric_names_are_url_path_segments() {
    let checked = fixture("E006-metric-name");
    let path = "tests/fixtures/errors/E006-metric-name/policy.scale";
    assert_eq!(
        checked.short_lines(),
        [
            format!("{path}:5:10: error[E006]: `bad/name%` cannot be the name of a metric"),
            format!("{path}:12:19: error[E006]: `..` cannot be the name of a described object"),
            format!("{path}:20:14: error[E006]: `sqs/visible` cannot be the name of a metric"),
        ]
    );
}

#[test]
fn e006_queue_name_too_long_for_the_default_selector() {
    let checked = fixture("E006-queue-selector");
    assert_eq!(checked.codes(), ["E006"]);
    let help = checked.diagnostics[0].help.as_deref().unwrap_or_default();
    assert!(help.contains("add a `selector` block"), "{help}");
    // With KEDA the queue name is not a label: no finding.
    let keda = check_text(
        "cluster c { autoscaler = keda }\nqueue q {\n  provider = aws-sqs\n  url = \"https://sqs.us-east-1.amazonaws.com/1/orders-created-by-the-checkout-service-awaiting-fulfilment-and-shipping.fifo\"\n}\n",
    );
    assert!(!keda.codes().contains(&"E006"), "{}", keda.short);
}

#[test]
fn e006_mongodb_database_names() {
    let checked = fixture("E006-database-name");
    let path = "tests/fixtures/errors/E006-database-name/policy.scale";
    assert_eq!(
        checked.short_lines(),
        [
            format!("{path}:6:12: error[E006]: `shop.orders` cannot be a MongoDB database name"),
            format!("{path}:9:10: error[E006]: `local` cannot be a MongoDB database name"),
        ]
    );
}

#[test]
fn e006_storage_class_names() {
    let checked = fixture("E006-storage-class");
    let path = "tests/fixtures/errors/E006-storage-class/policy.scale";
    assert_eq!(
        checked.short_lines(),
        [format!(
            "{path}:6:19: error[E006]: `GP3_fast` cannot be the name of a StorageClass"
        )]
    );
}

#[test]
fn e006_mongodb_collection_names() {
    let checked = fixture("E006-collection-name");
    let path = "tests/fixtures/errors/E006-collection-name/policy.scale";
    assert_eq!(
        checked.short_lines(),
        [
            format!(
                "{path}:7:14: error[E006]: an empty name cannot be the name of a MongoDB collection"
            ),
            format!("{path}:8:14: error[E006]: `a$b` cannot be the name of a MongoDB collection"),
            format!(
                "{path}:9:14: error[E006]: `system.profile` cannot be the name of a MongoDB collection"
            ),
        ]
    );
}

#[test]
fn e006_shard_key_fields() {
    let checked = fixture("E006-shard-key-field");
    let path = "tests/fixtures/errors/E006-shard-key-field/policy.scale";
    assert_eq!(
        checked.short_lines(),
        [
            format!("{path}:6:36: error[E006]: `$weird` cannot be a shard-key field"),
            format!("{path}:6:46: error[E006]: `a..b` cannot be a shard-key field"),
            format!("{path}:7:34: error[E006]: an empty name cannot be a shard-key field"),
        ]
    );
}

#[test]
fn e003_mongodb_version_the_operator_does_not_run() {
    let checked = fixture("E003-database-version");
    let path = "tests/fixtures/errors/E003-database-version/policy.scale";
    assert_eq!(
        checked.short_lines(),
        [
            format!(
                "{path}:6:13: error[E003]: `banana` is not a MongoDB version the Percona operator runs"
            ),
            format!(
                "{path}:12:13: error[E003]: `latest` is not a MongoDB version the Percona operator runs"
            ),
            format!(
                "{path}:18:13: error[E003]: `5.0` is not a MongoDB version the Percona operator runs"
            ),
        ]
    );
    for d in &checked.diagnostics {
        let help = d.help.as_deref().unwrap_or_default();
        assert!(help.contains("`\"6.0\"`, `\"7.0\"`, `\"8.0\"`"), "{help}");
    }
}

// Issue #8: counts are bounded where they are read, with the real limit in the
// message and help, so `build` never multiplies or clamps an absurd number.

#[test]
fn e003_shards_beyond_what_kubernetes_can_run() {
    let checked = fixture("E003-too-many-shards");
    assert_eq!(
        checked.short_lines(),
        [
            "tests/fixtures/errors/E003-too-many-shards/policy.scale:5:12: error[E003]: 4294967295 shards is more than the 150000 allowed"
        ]
    );
    let help = checked.diagnostics[0].help.as_deref().unwrap_or_default();
    assert!(help.contains("at most 150000 pods in a cluster"), "{help}");
}

#[test]
fn e003_replica_sets_above_mongodb_limit_of_50_members() {
    let checked = fixture("E003-too-many-members");
    let path = "tests/fixtures/errors/E003-too-many-members/policy.scale";
    assert_eq!(
        checked.short_lines(),
        [
            format!("{path}:6:20: error[E003]: 51 members is more than the 50 allowed"),
            format!("{path}:7:20: error[E003]: 99 config servers is more than the 50 allowed"),
        ]
    );
    let help = checked.diagnostics[0].help.as_deref().unwrap_or_default();
    assert!(
        help.contains("at most 50 members, of which at most 7 vote"),
        "{help}"
    );
}

#[test]
fn e003_replica_counts_above_kubernetes_int32() {
    let checked = fixture("E003-replicas-above-int32");
    let path = "tests/fixtures/errors/E003-replicas-above-int32/policy.scale";
    assert_eq!(
        checked.short_lines(),
        [
            format!(
                "{path}:5:19: error[E003]: 2147483648 replicas is more than the 2147483647 allowed"
            ),
            format!(
                "{path}:11:14: error[E003]: 4294967296 replicas is more than the 2147483647 allowed"
            ),
        ]
    );
    for d in &checked.diagnostics {
        assert_eq!(d.label.as_deref(), Some("at most 2147483647"));
        let help = d.help.as_deref().unwrap_or_default();
        assert!(help.contains("32-bit integers (int32)"), "{help}");
    }
}

#[test]
fn e003_sharded_cluster_needing_more_pods_than_kubernetes_supports() {
    let checked = fixture("E003-cluster-too-many-pods");
    assert_eq!(
        checked.short_lines(),
        [
            "tests/fixtures/errors/E003-cluster-too-many-pods/policy.scale:5:13: error[E003]: database `orders` needs 150055 pods, more than the 150000 Kubernetes supports in one cluster"
        ]
    );
    assert_eq!(checked.diagnostics[0].related.len(), 1);
}

/// The help of the only finding in `tests/fixtures/did-you-mean/NAME`.
fn help_of(name: &str) -> String {
    let checked = check_paths(&[&format!("tests/fixtures/did-you-mean/{name}")]);
    assert_eq!(checked.diagnostics.len(), 1, "{}", checked.human);
    checked.diagnostics[0].help.clone().unwrap_or_default()
}

#[test]
fn did_you_mean_unknown_block_kind() {
    assert_eq!(help_of("block-kind"), "did you mean `service`?");
}

#[test]
fn did_you_mean_unknown_nested_block() {
    assert_eq!(help_of("nested-block"), "did you mean `scale`?");
}

#[test]
fn did_you_mean_word_value() {
    assert_eq!(help_of("word-value"), "did you mean `keda`?");
}

#[test]
fn did_you_mean_unit() {
    let help = help_of("unit");
    assert!(help.starts_with("did you mean `512Mi`?"), "{help}");
}

#[test]
fn did_you_mean_shard_key_function() {
    assert_eq!(help_of("shard-key-function"), "did you mean `hashed`?");
}

#[test]
fn did_you_mean_scale_signal_for_cpu() {
    assert_eq!(help_of("scale-signal"), "did you mean `cpu`?");
}

// Issue #9: the rewrite each kind of name check computes.

#[test]
fn rewrite_project_directory() {
    assert!(
        help_of("rewrite-project-directory").ends_with(
            "name the project in its `cluster` block: `cluster { project = \"my-shop\" }`"
        )
    );
}

#[test]
fn rewrite_project_name() {
    assert!(help_of("rewrite-project-name").ends_with(": write `my-shop`"));
}

#[test]
fn rewrite_env_name() {
    assert!(help_of("rewrite-env-name").ends_with(": write `JAVA_OPTS_XMX`"));
}

#[test]
fn rewrite_metric_name() {
    assert!(help_of("rewrite-metric-name").ends_with(": write `http_requests_per_second`"));
}

#[test]
fn rewrite_label_value() {
    assert!(help_of("rewrite-label-value").ends_with(": write `front-end`"));
}

#[test]
fn rewrite_label_key() {
    assert!(help_of("rewrite-label-key").ends_with(": write `example.com/tier`"));
}

#[test]
fn rewrite_database_name() {
    assert!(help_of("rewrite-database-name").ends_with(": write `shop_orders`"));
}

#[test]
fn rewrite_collection_name() {
    assert!(help_of("rewrite-collection-name").ends_with(": write `orders_v2`"));
}

#[test]
fn rewrite_shard_key_field() {
    assert!(help_of("rewrite-shard-key-field").ends_with(": write `address.city`"));
}

#[test]
fn rewrite_mongodb_version() {
    assert!(help_of("rewrite-mongodb-version").ends_with(": write `\"7.0\"`"));
}

// The did-you-mean of unknown attributes (`replica`) and of unknown metric
// references (`request-per-second`) are pinned by the E002 and E004 fixtures.

/// Many small mistakes, each with the code it must get and part of its message.
#[test]
fn each_mistake_gets_its_code() {
    let service = |body: &str| format!("service api {{\n  image = \"a:1\"\n{body}\n}}\n");
    let loadtest = |body: &str| {
        format!(
            "service api {{\n  image = \"a:1\"\n  port = 8080\n  ingress_from = [web]\n}}\nloadtest t {{\n{body}\n}}\n"
        )
    };
    let cases: Vec<(String, &str, &str)> = vec![
        (loadtest("  users = 10\n  rate = 10\n  ramp = 1m\n  target api { path = \"/\" }"), "E008", "driven by `users` or by `rate`, not both"),
        (loadtest("  ramp = 1m\n  target api { path = \"/\" }"), "E007", "loadtest `t` has no `users`"),
        (loadtest("  rate = 10\n  think = 1s\n  ramp = 1m\n  target api { path = \"/\" }"), "E008", "`think` paces virtual users"),
        (loadtest("  rate = 10\n  ramp = 1m"), "E007", "loadtest `t` has no `target`"),
        (loadtest("  rate = 10\n  ramp = 1m\n  target apx { path = \"/\" }"), "E004", "targets `apx`, which is not a service"),
        (loadtest("  rate = 10\n  ramp = 1m\n  target api { path = \"x\" }"), "E006", "`x` is not a URL path"),
        (loadtest("  rate = 10\n  ramp = 1m\n  target api { path = \"/\"; weight = 0 }"), "E003", "a target with a weight of 0"),
        (loadtest("  rate = 10\n  ramp = 1m\n  target api { path = \"/\" }\n  target api { path = \"/b\" }"), "E005", "`api` is targeted twice"),
        (loadtest("  base_url = \"1X\"\n  rate = 10\n  ramp = 1m\n  target api { path = \"/\" }"), "E006", "cannot be the name of an environment variable"),
        (loadtest("  rate = 10\n  ramp = 500ms\n  target api { path = \"/\" }"), "E003", "a ramp shorter than a second"),
        (loadtest("  rate = 0\n  ramp = 1m\n  target api { path = \"/\" }"), "E003", "a load test with no rate"),
        (loadtest("  rate = 10\n  ramp = 1m\n  target api { path = \"/\"; method = FETCH }"), "E003", "`FETCH` is not one of `GET`"),
        (loadtest("  rate = 10\n  target api { path = \"/\" }"), "E007", "loadtest `t` has no `ramp`"),
        (loadtest("  rate = 10\n  ramp = 1m\n  target api { method = GET }"), "E007", "target `api` has no `path`"),
        (loadtest("  rate = 10\n  ramp = 1m\n  target api { path = \"/\"; method = HEAD; body = \"{}\" }"), "E008", "a HEAD request carries no body"),
        (loadtest("  rate = 10\n  ramp = 1m\n  target api { path = \"/\"; method = POST; content_type = \"text/plain\" }"), "E008", "a `content_type` with no `body`"),
        (service("  cpu = 1.0005"), "E003", "cpu is more precise than it can be"),
        (service("  memory = 1.0005"), "E003", "memory is more precise than it can be"),
        (service("  port = 70000"), "E003", "port 70000 is out of range"),
        (service("  health = \"healthz\""), "E003", "`healthz` is not an HTTP path"),
        (service("  replicas = -1 .. 3"), "E003", "a count cannot be negative"),
        (service("  replicas = 2 per 3"), "E003", "expected a value or a range"),
        (service("  scale_down { stabilization = 2h }"), "E003", "the most Kubernetes accepts here is 3600s"),
        (service("  scale_down { stabilization = 1500ms }"), "E003", "must be whole seconds"),
        (service("  scale_up { rate = 0 per 1m }"), "E003", "a rate of zero"),
        (service("  scale_up { rate = 4 per 1h }"), "E003", "the most Kubernetes accepts here is 1800s"),
        (service("  scale_up { select = maximum }"), "E003", "`maximum` is not one of"),
        (service("  scale cpu { utilization = 70 }"), "E003", "expected a percentage, found `70`"),
        (service("  scale cpu { utilization = 70.5% }"), "E003", "this percentage is more precise"),
        (service("  env { PORT = 8080 }"), "E003", "expected a string, found a number"),
        (service("  load { peak = 100; per_pod = 0 }"), "E003", "0 requests per second"),
        (service("  scale cpu { }"), "E007", "`scale cpu` has no target"),
        (service("  load { peak = 100 }"), "E007", "`load` has no `per_pod`"),
        (service("  disruption { }"), "E007", "`disruption` has no `max_unavailable`"),
        (service("  scale cpu { utilization = 70% }\n  scale cpu { utilization = 60% }"), "E008", "scales on `cpu` twice"),
        (service("  disruption { max_unavailable = 1; min_available = 2 }"), "E008", "not both"),
        (service("  image = \"b:2\""), "E005", "`image` is set twice"),
        (service("  env { A = \"1\"; A = \"2\" }"), "E005", "`A` is set twice"),
        (service("  scale_up { }\n  scale_up { }"), "E005", "a second `scale_up` block in service `api`"),
        (service("  scale_up = 3"), "E002", "unknown attribute `scale_up`"),
        (service("  replicas { }"), "E002", "unknown block `replicas`"),
        ("replicas = 3\n".into(), "E002", "`replicas` is set outside any block"),
        ("scale cpu { utilization = 70% }\n".into(), "E002", "unknown block `scale`"),
        ("service { image = \"a:1\" }\n".into(), "E007", "`service` needs a name"),
        ("defaults x { }\n".into(), "E003", "`defaults` takes no name"),
        ("cluster a { }\ncluster b { }\n".into(), "E005", "a second `cluster` block in this project"),
        ("cluster a { kubernetes = \"1.20\" }\n".into(), "E003", "does not target Kubernetes 1.20"),
        ("cluster a { kubernetes = \"latest\" }\n".into(), "E003", "not a Kubernetes version"),
        ("cluster a { namespace = Prod }\n".into(), "E006", "Kubernetes namespace"),
        ("cluster a { nodes { count = 3; memory = 8Gi } }\n".into(), "E007", "`nodes` has no `cpu`"),
        ("metric m { kind = object }\n".into(), "E007", "metric `m` has no `object`"),
        ("database pg {\n  engine = postgresql\n  max_connections = 50\n}\nservice api {\n  image = \"a:1\"\n  connections pgx { pool = 5 }\n}\n".into(), "E004", "no database named `pgx` in this project"),
        ("database pg {\n  engine = postgresql\n  max_connections = 50\n}\nservice api {\n  image = \"a:1\"\n  connections pg { pool = 5 }\n  connections pg { pool = 6 }\n}\n".into(), "E005", "the connections to `pg` are stated twice"),
        ("database pg {\n  engine = postgresql\n  shards = 2\n}\n".into(), "E008", "database `pg` is a PostgreSQL database, which takes no `shards`"),
        ("database pg {\n  engine = postgresql\n  collection c { shard_key = a }\n}\n".into(), "E008", "database `pg` is a PostgreSQL database, which takes no `collection` block"),
        ("database pg {\n  engine = postgresql\n  max_connections = 3\n}\n".into(), "E008", "database `pg` reserves 3 of its 3 connections"),
        ("database db {\n  engine = mongodb\n  shards = 2\n  max_connections = 500\n}\n".into(), "E008", "database `db` is a MongoDB cluster, which takes no `max_connections`"),
        ("cluster c { autoscaler = keda }\nmetric m { kind = pods }\nservice api {\n  image = \"a:1\"\n  replicas = 2 .. 4\n  scale m { average = 10 }\n}\n".into(), "E007", "KEDA reads metric `m` from Prometheus, but `cluster` names no `prometheus` server"),
        ("cluster c { prometheus = \"prom:9090\" }\n".into(), "E003", "`prometheus` is the URL of a Prometheus server"),
        ("metric m {\n  kind = pods\n  series = \"http-requests\"\n}\n".into(), "E006", "`http-requests` cannot be the name of a Prometheus series"),
        ("metric m {\n  kind = pods\n  rate = 0s\n}\n".into(), "E003", "the window of `rate()` cannot be zero"),
        ("cluster c { metrics_adapter = prometheus-adapter }\nmetric m {\n  kind = pods\n  name = \"http-rps\"\n}\nservice api {\n  image = \"a:1\"\n  replicas = 2 .. 4\n  scale m { average = 10 }\n}\n".into(), "E006", "`http-rps` cannot be the name of a Prometheus series, which prometheus-adapter reads"),
        ("cluster c {\n  autoscaler = keda\n  prometheus = \"http://prom:9090\"\n}\nmetric m {\n  kind = external\n  selector { \"app.kubernetes.io/name\" = \"x\" }\n}\nservice api {\n  image = \"a:1\"\n  replicas = 2 .. 4\n  scale m { average = 10 }\n}\n".into(), "E006", "the selector of `m` has the key `app.kubernetes.io/name`, which is no Prometheus label"),
        ("cluster c { metrics_adapter = prometheus-adapter }\nmetric m {\n  kind = external\n  name = \"backlog\"\n}\nmetric n {\n  kind = external\n  name = \"backlog\"\n  series = \"jobs_pending\"\n}\nservice api {\n  image = \"a:1\"\n  replicas = 2 .. 4\n  scale m { average = 10 }\n  scale n { average = 10 }\n}\n".into(), "E008", "`m` and `n` are both served as metric `backlog` by prometheus-adapter"),
        ("cluster c { metrics_adapter = prometheus-adapter }\nqueue q {\n  provider = aws-sqs\n  url = \"https://sqs.us-east-1.amazonaws.com/1/q\"\n  metric = \"sqs-backlog\"\n}\nservice api {\n  image = \"a:1\"\n  replicas = 2 .. 4\n  scale q { average = 10 }\n}\n".into(), "E006", "`sqs-backlog` cannot be the name of a Prometheus series"),
        ("metric m {\n  kind = pods\n  object { kind = \"A\"; name = \"b\"; api_version = \"v1\" }\n}\n".into(), "E008", "not `kind = object`"),
        ("metric m { kind = pods }\nqueue m { provider = aws-sqs; url = \"https://sqs.us-east-1.amazonaws.com/1/q\" }\n".into(), "E005", "has the name of metric `m`"),
        ("queue q { provider = aws-sqs; url = \"https://example.com/q\" }\n".into(), "E007", "queue `q` has no `region`"),
        ("queue q {\n  provider = aws-sqs\n  url = \"https://sqs.us-east-1.amazonaws.com/1/q\"\n  region = \"eu-west-1\"\n}\n".into(), "E008", "is in `us-east-1` by its URL"),
        ("queue q { provider = nats; url = \"x\"; region = \"r\" }\n".into(), "E003", "`nats` is not one of"),
        ("queue q { provider = kafka; topic = \"t\"; consumer_group = \"g\" }\n".into(), "E007", "queue `q` has no `brokers`"),
        ("queue q { provider = kafka; brokers = [\"http://kafka:9092\"]; topic = \"t\"; consumer_group = \"g\" }\n".into(), "E003", "is not `host:port`"),
        ("queue q { provider = kafka; brokers = []; topic = \"t\"; consumer_group = \"g\" }\n".into(), "E003", "the list is empty"),
        ("queue q { provider = kafka; brokers = [\"k:9092\"]; topic = \"a/b\"; consumer_group = \"g\" }\n".into(), "E003", "cannot be a topic"),
        ("queue q { provider = kafka; brokers = [\"k:9092\"]; topic = \"t\"; consumer_group = \"g\"; in_flight = false }\n".into(), "E008", "`in_flight` is for `provider = aws-sqs`, not `kafka`"),
        ("queue q { provider = rabbitmq }\n".into(), "E007", "queue `q` has no `queue_name`"),
        ("queue q { provider = rabbitmq; queue_name = \"q\"; list = \"l\" }\n".into(), "E008", "`list` is for `provider = redis`, not `rabbitmq`"),
        ("queue q { provider = redis; address = \"redis\"; list = \"l\" }\n".into(), "E003", "address `redis` is not `host:port`"),
        ("queue q { provider = redis; address = \"redis:6379\"; list = \"l\"; database = 4294967296 }\n".into(), "E003", "database index 4294967296 is too large"),
        ("queue q { provider = aws-sqs; region = \"us-east-1\" }\n".into(), "E007", "queue `q` has no `url`"),
        ("metric m { kind = pods }\nservice api {\n  image = \"a:1\"\n  scale m { utilization = 50% }\n}\n".into(), "E008", "`utilization` applies only to cpu and memory"),
        ("database db { engine = mongodb }\n".into(), "E007", "database `db` has no `shards`"),
        ("database db { engine = mongodb; shards = 0 }\n".into(), "E003", "must be at least 1"),
        ("database db_1 { engine = mongodb; shards = 2 }\n".into(), "E006", "database cluster"),
        ("database db {\n  engine = mongodb\n  shards = 2\n  name = \"a.b\"\n}\n".into(), "E006", "MongoDB database name"),
        ("database db {\n  engine = mongodb\n  shards = 2\n  collection c { }\n}\n".into(), "E007", "collection `c` has no `shard_key`"),
        ("database db {\n  engine = mongodb\n  shards = 2\n  collection c { shard_key = [] }\n}\n".into(), "E003", "at least one field"),
        ("database db {\n  engine = mongodb\n  shards = 2\n  collection c { shard_key = hashed(a, b) }\n}\n".into(), "E003", "`hashed` takes one field"),
        ("database db {\n  engine = mongodb\n  shards = 2\n  collection c {\n    shard_key = a\n    field a { top_share = 120% }\n  }\n}\n".into(), "E003", "cannot exceed 100%"),
        ("database db {\n  engine = mongodb\n  shards = 2\n  collection c { shard_key = a }\n  collection c { shard_key = b }\n}\n".into(), "E005", "collection `c` is defined twice"),
        ("metric cpu { kind = pods }\n".into(), "E006", "a metric cannot be named `cpu`"),
        ("cluster a { project = Shop }\n".into(), "E006", "`Shop` cannot be the name of a project"),
        (service("  env { \"A=B\" = \"1\" }"), "E006", "`A=B` cannot be the name of an environment variable"),
        ("metric m { kind = pods; name = \"a/b\" }\n".into(), "E006", "`a/b` cannot be the name of a metric"),
        ("database db {\n  engine = mongodb\n  shards = 2\n  version = \"latest\"\n}\n".into(), "E003", "not a MongoDB version the Percona operator runs"),
        ("database admin { engine = mongodb; shards = 2 }\n".into(), "E006", "`admin` cannot be a MongoDB database name"),
        ("database \"a.b\" { engine = mongodb; shards = 2 }\n".into(), "E006", "`a.b` cannot be the name of a Kubernetes database cluster"),
        ("database db {\n  engine = mongodb\n  shards = 2\n  collection \"system.js\" { shard_key = a }\n}\n".into(), "E006", "name of a MongoDB collection"),
        ("database db {\n  engine = mongodb\n  shards = 2\n  collection c { shard_key = \"a.$b\" }\n}\n".into(), "E006", "`a.$b` cannot be a shard-key field"),
        (service("  health = \"/ready\""), "E007", "has a `health` path but no `port`"),
        (service("  cpu = 250m\n  replicas = 2 .. 4\n  scale cpu { total = 2 }"), "E008", "not `total`"),
        ("metric rps { kind = pods }\nservice api {\n  image = \"a:1\"\n  replicas = 2 .. 4\n  scale rps { total = 100 }\n}\n".into(), "E008", "pods metric `rps` is averaged over pods"),
        ("cluster c { autoscaler = keda }\nmetric rps {\n  kind = object\n  object { kind = \"Ingress\"; name = \"main\"; api_version = \"networking.k8s.io/v1\" }\n}\nservice api {\n  image = \"a:1\"\n  replicas = 2 .. 4\n  scale rps { average = 10 }\n}\n".into(), "E008", "KEDA cannot serve the object metric `rps`"),
        ("cluster c { autoscaler = keda }\nqueue q { provider = aws-sqs; url = \"https://sqs.us-east-1.amazonaws.com/1/q\" }\nservice api {\n  image = \"a:1\"\n  replicas = 2 .. 4\n  scale q { total = 10 }\n}\n".into(), "E008", "KEDA scales on queue `q` by messages per pod"),
        (format!("database {} {{ engine = mongodb; shards = 2 }}\n", "d".repeat(43)), "E006", "is too long for the objects named after it"),
        (service("  \"replicas\" = 2 .. 4"), "E002", "attribute names of service `api` are not quoted"),
        ("metric m {\n  kind = pods\n  selector { \"Bad Key\" = \"x\" }\n}\n".into(), "E006", "not a Kubernetes label key"),
        ("metric m {\n  kind = pods\n  selector { tier = \"front end\" }\n}\n".into(), "E006", "not a Kubernetes label value"),
        ("lint { deny = K101 }\n".into(), "E003", "expected a list of rule codes or names"),
        (service("  replicas = 2147483648"), "E003", "2147483648 replicas is more than the 2147483647 allowed"),
        (service("  replicas = 0 .. 99999999999999999999999999999999999999999"), "E003", "replicas is more than the 2147483647 allowed"),
        (service("  scale_up { rate = 2147483648 per 1m }"), "E003", "2147483648 pods per period is more than the 2147483647 allowed"),
        (service("  disruption { min_available = 2147483648 }"), "E003", "2147483648 pods is more than the 2147483647 allowed"),
        ("database db { engine = mongodb; shards = 2; routers = 150001 }\n".into(), "E003", "150001 routers is more than the 150000 allowed"),
        ("cluster c { nodes { count = 4294967296; cpu = 8; memory = 32Gi } }\n".into(), "E003", "4294967296 nodes is more than the 4294967295 allowed"),
        (service("  memory = 8Ei"), "E003", "memory `8Ei` is more than Kubernetes can hold"),
        (service("  cpu = 18446744073709552"), "E003", "cpu `18446744073709552` is more than scalec can hold"),
        ("metric m { kind = pods }\nservice api {\n  image = \"a:1\"\n  replicas = 2 .. 4\n  scale m { average = 9223372036854775808 }\n}\n".into(), "E003", "the metric value `9223372036854775808` is more than Kubernetes can hold"),
        (service("  load { peak = 18446744073709552; per_pod = 1 }"), "E003", "`18446744073709552` is more than scalec can hold"),
    ];
    let mut failures = Vec::new();
    for (text, code, message) in &cases {
        let checked = check_text(text);
        let found = checked
            .diagnostics
            .iter()
            .any(|d| d.code.id == *code && d.message.contains(message));
        if !found || checked.diagnostics.len() != 1 {
            failures.push(format!(
                "{text:?}\n  want {code} `{message}`\n  got {}",
                checked.short
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn e004_a_call_names_an_unknown_service_or_port_with_the_nearest_one() {
    let checked = fixture("E004-unknown-call");
    let path = "tests/fixtures/errors/E004-unknown-call/policy.scale";
    assert_eq!(
        checked.short_lines(),
        [
            format!(
                "{path}:14:15: error[E004]: no service or database named `carts` in this project"
            ),
            format!("{path}:20:20: error[E004]: service `cart` has no port `grcp`"),
        ]
    );
    let helps: Vec<_> = checked
        .diagnostics
        .iter()
        .map(|d| d.help.as_deref())
        .collect();
    assert_eq!(
        helps,
        [Some("did you mean `cart`?"), Some("did you mean `grpc`?")]
    );
}

#[test]
fn e004_a_call_of_a_service_without_a_port_or_a_named_port_of_a_database() {
    let checked = check_text(
        r#"
service worker {
  image    = "registry.example.com/worker:1.0.0"
  replicas = 2
}

database orders {
  engine = mongodb
  shards = 1
}

service api {
  image    = "registry.example.com/api:1.0.0"
  replicas = 2
  calls    = [worker, orders(mongos)]
}
"#,
    );
    let messages: Vec<&str> = checked
        .diagnostics
        .iter()
        .filter(|d| d.code.id == "E004")
        .map(|d| d.message.as_str())
        .collect();
    assert_eq!(
        messages,
        [
            "service `worker` has no port to call",
            "database `orders` has no named ports"
        ]
    );
}

#[test]
fn e005_a_port_named_twice_or_numbered_twice() {
    let checked = fixture("E005-duplicate-port");
    let path = "tests/fixtures/errors/E005-duplicate-port/policy.scale";
    assert_eq!(
        checked.short_lines(),
        [
            format!("{path}:8:8: error[E005]: port `http` is defined twice"),
            format!("{path}:10:25: error[E005]: ports `http` and `admin` are both 8080/tcp"),
        ]
    );
}

#[test]
fn e006_a_port_name_that_is_not_an_iana_service_name_gets_a_rewrite() {
    let checked = fixture("E006-port-name");
    assert_eq!(
        checked.short_lines(),
        [
            "tests/fixtures/errors/E006-port-name/policy.scale:7:8: error[E006]: `Grpc_Web` cannot be the name of a port"
        ]
    );
    assert!(
        checked.diagnostics[0]
            .help
            .as_deref()
            .is_some_and(|help| help.contains("grpc-web")),
        "{:?}",
        checked.diagnostics[0].help
    );
}

#[test]
fn e010_a_service_named_after_scalecs_own_namespace_file_or_policy() {
    let checked = check_text(
        r#"
service namespace {
  image    = "registry.example.com/namespace:1.0.0"
  replicas = 2
}

service default-deny {
  image    = "registry.example.com/deny:1.0.0"
  replicas = 2
}
"#,
    );
    let messages: Vec<&str> = checked
        .diagnostics
        .iter()
        .filter(|d| d.code.id == "E010")
        .map(|d| d.message.as_str())
        .collect();
    assert_eq!(
        messages,
        [
            "service `namespace` would be written to `namespace.yaml`, the file of the project's Namespace",
            "service `default-deny` would have a NetworkPolicy named `default-deny`, the project's default-deny policy",
        ]
    );
}

#[test]
fn calls_are_not_checked_against_ports_a_broken_defaults_may_give() {
    let checked = check_text(
        r#"
defaults {
  port     = 8080
  replicas = 2 ..
}

service cart {
  image = "registry.example.com/cart:1.0.0"
}

service web {
  image = "registry.example.com/web:1.0.0"
  calls = [cart(http), carts]
}
"#,
    );
    let e004: Vec<&str> = checked
        .diagnostics
        .iter()
        .filter(|d| d.code.id == "E004")
        .map(|d| d.message.as_str())
        .collect();
    // The unknown service is still reported; the port is not.
    assert_eq!(
        e004,
        ["no service or database named `carts` in this project"]
    );
    assert!(checked.diagnostics.iter().any(|d| d.code.id == "E001"));
}

#[test]
fn e003_probe_timing_refuses_what_the_api_server_refuses() {
    let checked = fixture("E003-probe-timing");
    let path = "tests/fixtures/errors/E003-probe-timing/policy.scale";
    assert_eq!(
        checked.short_lines(),
        [
            format!(
                "{path}:7:25: error[E003]: a liveness probe's `success_threshold` must be 1, not 2"
            ),
            format!("{path}:12:14: error[E003]: a probe's `period` is at least 1s"),
        ]
    );
}

#[test]
fn e007_probe_without_handler_lists_the_handlers() {
    let checked = fixture("E007-probe-without-handler");
    assert_eq!(
        checked.short_lines(),
        [
            "tests/fixtures/errors/E007-probe-without-handler/policy.scale:5:3: error[E007]: `probe startup` does not say how to check the container"
        ]
    );
    assert!(
        checked.diagnostics[0]
            .help
            .as_deref()
            .is_some_and(|h| h.contains("`tcp = 8080`"))
    );
}

#[test]
fn e008_probe_handlers_one_per_probe_on_the_service_port() {
    let checked = fixture("E008-probe-handlers");
    let path = "tests/fixtures/errors/E008-probe-handlers/policy.scale";
    assert_eq!(
        checked.short_lines(),
        [
            format!("{path}:7:5: error[E008]: `probe readiness` has two handlers"),
            format!(
                "{path}:11:11: error[E008]: `probe liveness` of service `api` checks port 9090, but the container serves port 8080"
            ),
            format!("{path}:16:5: error[E008]: `port` applies only to an `http` probe"),
            format!(
                "{path}:26:12: error[E008]: `probe readiness` of service `admin` checks port 8081, but the container serves port 8080"
            ),
        ]
    );
}

#[test]
fn e008_pre_stop_sleep_longer_than_the_grace_period() {
    let checked = fixture("E008-pre-stop-sleep");
    let path = "tests/fixtures/errors/E008-pre-stop-sleep/policy.scale";
    assert_eq!(
        checked.short_lines(),
        [
            format!(
                "{path}:4:18: error[E008]: service `worker` sleeps 25s before it stops, longer than its 20s grace period"
            ),
            format!(
                "{path}:9:14: error[E008]: service `api` sleeps 45s before it stops, longer than its 30s grace period"
            ),
        ]
    );
}

#[test]
fn e006_secret_and_config_map_names_and_keys_are_checked() {
    let checked = fixture("E006-config-names");
    let path = "tests/fixtures/errors/E006-config-names/policy.scale";
    assert_eq!(
        checked.short_lines(),
        [
            format!(
                "{path}:3:22: error[E006]: `API_Keys` cannot be the name of a Kubernetes Secret"
            ),
            format!("{path}:6:36: error[E006]: `pass word` cannot be a key of a Secret"),
            format!(
                "{path}:9:35: error[E006]: `tls_bundle` cannot be the name of a Kubernetes ConfigMap"
            ),
        ]
    );
}

#[test]
fn e003_secret_references_take_a_name_and_a_key_where_needed() {
    let checked = fixture("E003-config-references");
    let path = "tests/fixtures/errors/E003-config-references/policy.scale";
    assert_eq!(
        checked.short_lines(),
        [
            format!("{path}:3:15: error[E003]: `secret` here takes a name, found 2 arguments"),
            format!(
                "{path}:6:19: error[E003]: `secret` here takes a name and a key, found 1 argument"
            ),
            format!("{path}:7:19: error[E003]: unknown function `secrets`"),
            format!("{path}:10:11: error[E003]: `etc/tls` cannot be a mount path"),
        ]
    );
}

#[test]
fn e008_labels_scalec_selects_by_cannot_be_set() {
    let checked = fixture("E008-reserved-label");
    let path = "tests/fixtures/errors/E008-reserved-label/policy.scale";
    assert_eq!(
        checked.short_lines(),
        [
            format!(
                "{path}:4:12: error[E008]: `app.kubernetes.io/name` is a label scalec sets itself"
            ),
            format!(
                "{path}:6:16: error[E008]: `app.kubernetes.io/part-of` is a label scalec sets itself"
            ),
        ]
    );
}

#[test]
fn e006_label_keys_values_annotation_keys_and_pull_secrets_are_checked() {
    let checked = fixture("E006-label-keys");
    let path = "tests/fixtures/errors/E006-label-keys/policy.scale";
    assert_eq!(
        checked.short_lines(),
        [
            format!(
                "{path}:3:25: error[E006]: `Registry` cannot be the name of a Kubernetes Secret"
            ),
            format!("{path}:5:12: error[E006]: `team/` cannot be a label key"),
            format!("{path}:7:23: error[E006]: `front end` cannot be a label value"),
            format!("{path}:9:17: error[E006]: `-sync-wave` cannot be an annotation key"),
        ]
    );
    assert!(
        checked.diagnostics[3]
            .help
            .as_deref()
            .is_some_and(|h| h.starts_with("an annotation key"))
    );
}

#[test]
fn e007_a_security_relaxation_needs_a_reason() {
    let checked = fixture("E007-security-without-reason");
    let path = "tests/fixtures/errors/E007-security-without-reason/policy.scale";
    assert_eq!(
        checked.short_lines(),
        [
            // Labelled at the relaxation written first.
            format!(
                "{path}:7:5: error[E007]: `security` relaxes the pod's hardening without a `reason`"
            ),
            format!("{path}:15:14: error[E007]: `security` relaxes nothing"),
        ]
    );
    let help = checked.diagnostics[0].help.as_deref().unwrap_or_default();
    assert!(help.contains("reason = "), "{help}");
}

#[test]
fn e006_scheduling_names_are_checked_as_the_api_server_does() {
    let checked = fixture("E006-scheduling-names");
    let path = "tests/fixtures/errors/E006-scheduling-names/policy.scale";
    assert_eq!(
        checked.short_lines(),
        [
            format!(
                "{path}:4:20: error[E006]: `Business_Critical` cannot be the name of a Kubernetes PriorityClass"
            ),
            format!("{path}:5:21: error[E006]: `eu west 1a` cannot be a zone label value"),
            format!("{path}:8:5: error[E006]: `-pool` cannot be a label key"),
            format!("{path}:12:13: error[E006]: `dedicated/` cannot be a taint key"),
            format!("{path}:13:13: error[E006]: `in ference` cannot be a taint value"),
        ]
    );
}

#[test]
fn e003_a_gpu_count_is_a_whole_number_from_one() {
    let checked = fixture("E003-gpu");
    let path = "tests/fixtures/errors/E003-gpu/policy.scale";
    let lines = checked.short_lines();
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert_eq!(
        lines[0],
        format!("{path}:4:11: error[E003]: `gpu = 0` asks for no GPU")
    );
    assert!(
        lines[1].starts_with(&format!("{path}:9:11: error[E003]")),
        "{lines:?}"
    );
}

#[test]
fn e008_ephemeral_storage_limit_below_its_request() {
    let checked = fixture("E008-ephemeral-storage-limit");
    let path = "tests/fixtures/errors/E008-ephemeral-storage-limit/policy.scale";
    assert_eq!(
        checked.short_lines(),
        [format!(
            "{path}:4:30: error[E008]: the ephemeral storage limit `1Gi` is below its request `4Gi`"
        )]
    );
}

#[test]
fn e007_a_toleration_needs_a_key() {
    let checked = fixture("E007-toleration-without-key");
    let path = "tests/fixtures/errors/E007-toleration-without-key/policy.scale";
    assert_eq!(
        checked.short_lines(),
        [format!(
            "{path}:6:3: error[E007]: `toleration` has no `key`"
        )]
    );
}

#[test]
fn e007_spread_strict_needs_a_spread() {
    let checked = fixture("E007-spread-strict-without-spread");
    let path = "tests/fixtures/errors/E007-spread-strict-without-spread/policy.scale";
    // `defaults` may set it alone; `worker` inherits it with a spread of its own.
    assert_eq!(
        checked.short_lines(),
        [format!(
            "{path}:10:19: error[E007]: service `api` sets `spread_strict` but no `spread`"
        )]
    );
    let help = checked.diagnostics[0].help.as_deref().unwrap_or_default();
    assert!(help.contains("spread = zone"), "{help}");
}

#[test]
fn e003_cloud_identities_are_checked_for_shape() {
    let checked = fixture("E003-identity");
    let path = "tests/fixtures/errors/E003-identity/policy.scale";
    assert_eq!(
        checked.short_lines(),
        [
            format!(
                "{path}:5:25: error[E003]: `arn:aws:iam::21098765432:role/orders` is not an IAM role ARN"
            ),
            format!(
                "{path}:11:36: error[E003]: `billing@shop-prod` is not a Google service account email"
            ),
        ]
    );
}

#[test]
fn e003_user_ids_reasons_and_tmp_sizes_kubernetes_would_not_take() {
    let checked = fixture("E003-security-user");
    let path = "tests/fixtures/errors/E003-security-user/policy.scale";
    assert_eq!(
        checked.short_lines(),
        [
            format!("{path}:6:14: error[E003]: user id 0 is root"),
            format!("{path}:13:11: error[E003]: a /tmp of no space"),
            format!(
                "{path}:16:14: error[E003]: 4294967296 as a user id is more than the 2147483647 allowed"
            ),
            format!("{path}:17:14: error[E003]: an empty reason"),
            // Its only error: no E007 for a relaxation that did not lower.
            format!("{path}:26:21: error[E003]: expected `true` or `false`, found a string"),
        ]
    );
    let help = checked.diagnostics[0].help.as_deref().unwrap_or_default();
    assert!(help.contains("run_as_root = true"), "{help}");
}

#[test]
fn e008_root_and_a_user_id_conflict() {
    let checked = fixture("E008-root-and-user");
    let path = "tests/fixtures/errors/E008-root-and-user/policy.scale";
    assert_eq!(
        checked.short_lines(),
        [format!(
            "{path}:7:19: error[E008]: `run_as_root = true` runs as the image's user, so `user` cannot apply"
        )]
    );
}

#[test]
fn e008_keda_options_that_keda_refuses_or_nothing_applies() {
    let checked = fixture("E008-keda-options");
    let path = "tests/fixtures/errors/E008-keda-options/policy.scale";
    assert_eq!(
        checked.short_lines(),
        [
            format!(
                "{path}:17:26: error[E008]: `idle_replicas` must be below the `replicas` minimum, which is 0"
            ),
            format!(
                "{path}:28:21: error[E008]: `idle_replicas` never applies: with only cpu and memory triggers, KEDA holds the service active"
            ),
            format!(
                "{path}:29:5: error[E008]: a fallback needs a trigger that is not cpu or memory"
            ),
            format!("{path}:43:5: error[E008]: KEDA's `cpu` trigger has no activation value"),
            format!(
                "{path}:51:3: error[E008]: service `cron` is not autoscaled: KEDA makes no ScaledObject for its `keda` options"
            ),
            format!("{path}:60:21: error[E003]: KEDA cannot poll every 0s"),
            format!("{path}:61:21: error[E003]: KEDA supports no idle count but 0, not 1"),
        ]
    );
}

#[test]
fn e008_the_hpa_has_no_keda_options_or_activation() {
    let checked = fixture("E008-keda-under-hpa");
    let path = "tests/fixtures/errors/E008-keda-under-hpa/policy.scale";
    // `defaults`' options are not reported: they apply to KEDA's services.
    assert_eq!(
        checked.short_lines(),
        [
            format!(
                "{path}:17:18: error[E008]: the HPA has no activation value: `scale jobs` cannot use `activation`"
            ),
            format!(
                "{path}:19:3: error[E008]: service `worker` is scaled by the HPA, which has no `keda` options"
            ),
        ]
    );
}

#[test]
fn e008_trigger_auths_keda_refuses_or_fails_with() {
    let checked = fixture("E008-trigger-auth");
    let path = "tests/fixtures/errors/E008-trigger-auth/policy.scale";
    assert_eq!(
        checked.short_lines(),
        [
            format!(
                "{path}:8:18: error[E008]: KEDA assumes a `role` with its own identity, not the workload's"
            ),
            format!("{path}:14:10: error[E008]: `role` needs a `pod_identity`"),
            format!(
                "{path}:19:1: error[E007]: trigger_auth `empty` names neither an identity nor parameters"
            ),
            format!(
                "{path}:23:14: error[E008]: trigger_auth `typo` gives queue `jobs` no `awsSecretAccessKey`"
            ),
            format!(
                "{path}:26:5: error[E008]: KEDA's aws-sqs-queue scaler does not read `awsSecretKey`"
            ),
            format!(
                "{path}:52:9: error[E008]: service `worker` has no AWS role for KEDA to read queue `mails` with"
            ),
        ]
    );
}

#[test]
fn e008_toleration_seconds_need_the_no_execute_effect() {
    let checked = fixture("E008-toleration-seconds");
    let path = "tests/fixtures/errors/E008-toleration-seconds/policy.scale";
    assert_eq!(
        checked.short_lines(),
        [
            format!("{path}:9:15: error[E008]: `seconds` needs `effect = no_execute`"),
            format!("{path}:14:15: error[E008]: `seconds` needs `effect = no_execute`"),
        ]
    );
    assert!(
        (checked.diagnostics[1].help.as_deref())
            .is_some_and(|help| help.contains("without `effect`"))
    );
}

#[test]
fn e003_node_affinity_weights_and_values_the_api_server_refuses() {
    let checked = fixture("E003-node-affinity");
    let path = "tests/fixtures/errors/E003-node-affinity/policy.scale";
    assert_eq!(
        checked.short_lines(),
        [
            format!("{path}:10:14: error[E003]: a weight of 0 is out of range"),
            format!("{path}:16:14: error[E003]: a weight of 150 is out of range"),
            format!(
                "{path}:23:16: error[E003]: `operator = gt` compares with exactly one integer, not 2"
            ),
            format!(
                "{path}:29:17: error[E003]: `operator = lt` compares with an integer, not `large`"
            ),
            format!("{path}:35:14: error[E003]: `values = []` matches no node"),
        ]
    );
}

#[test]
fn e007_node_affinity_comparing_values_needs_them() {
    let checked = fixture("E007-node-affinity-without-values");
    let path = "tests/fixtures/errors/E007-node-affinity-without-values/policy.scale";
    assert_eq!(
        checked.short_lines(),
        [
            format!(
                "{path}:6:3: error[E007]: `node_affinity` with `operator = in` has no `values`"
            ),
            format!(
                "{path}:10:3: error[E007]: `node_affinity` with `operator = gt` has no `values`"
            ),
        ]
    );
}

#[test]
fn e008_node_affinity_exists_takes_no_values() {
    let checked = fixture("E008-node-affinity-values");
    let path = "tests/fixtures/errors/E008-node-affinity-values/policy.scale";
    assert_eq!(
        checked.short_lines(),
        [
            format!("{path}:9:16: error[E008]: `operator = exists` takes no `values`"),
            format!("{path}:15:16: error[E008]: `operator = does_not_exist` takes no `values`"),
        ]
    );
}

#[test]
fn e006_node_affinity_keys_and_values_follow_the_label_rules() {
    let checked = fixture("E006-node-affinity-names");
    let path = "tests/fixtures/errors/E006-node-affinity-names/policy.scale";
    assert_eq!(
        checked.short_lines(),
        [
            format!("{path}:6:14: error[E006]: `node example/arch` cannot be a node label key"),
            format!("{path}:12:24: error[E006]: `not a value` cannot be a node label value"),
        ]
    );
}

#[test]
fn e005_two_files_at_one_mount_path_however_spelled() {
    let checked = fixture("E005-duplicate-mount");
    let path = "tests/fixtures/errors/E005-duplicate-mount/policy.scale";
    assert_eq!(
        checked.short_lines(),
        [
            format!("{path}:8:5: error[E005]: two `files` are mounted at `/etc/app`"),
            format!("{path}:9:5: error[E005]: two `files` are mounted at `/etc/app`"),
        ]
    );
}

#[test]
fn e008_files_at_tmp_beside_the_tmp_volume() {
    let checked = fixture("E008-mount-at-tmp");
    let path = "tests/fixtures/errors/E008-mount-at-tmp/policy.scale";
    assert_eq!(
        checked.short_lines(),
        [
            format!(
                "{path}:11:5: error[E008]: `files` mounts Secret `api-scratch` at `/tmp`, where `tmp` is mounted"
            ),
            format!(
                "{path}:20:11: error[E008]: `files` mounts ConfigMap `worker-settings` at `/tmp`, where `tmp` is mounted"
            ),
        ]
    );
}

#[test]
fn e003_schedules_keda_cannot_parse() {
    let checked = fixture("E003-schedule");
    let path = "tests/fixtures/errors/E003-schedule/policy.scale";
    assert_eq!(
        checked.short_lines(),
        [
            format!(
                "{path}:2:14: error[E003]: `timezone`: `Berlin` is not an IANA zone name: write an area and a city, e.g. `Europe/Berlin`, or `UTC`"
            ),
            format!(
                "{path}:3:14: error[E003]: `start`: 6 fields, where KEDA expects exactly 5 (minute hour day-of-month month day-of-week)"
            ),
            format!("{path}:4:14: error[E003]: `end`: day of week `7`: 7 is outside 0 to 6"),
            format!("{path}:17:28: error[E003]: a schedule that keeps 0 pods"),
        ]
    );
}

#[test]
fn e008_schedules_need_keda_a_window_and_replicas_in_range() {
    let checked = fixture("E008-schedule");
    let path = "tests/fixtures/errors/E008-schedule/policy.scale";
    assert_eq!(
        checked.short_lines(),
        [
            format!(
                "{path}:10:14: error[E008]: schedule `always` starts and ends at the same time"
            ),
            format!(
                "{path}:17:29: error[E008]: the HPA cannot follow schedule `office`: it has no clock, only KEDA's cron trigger has"
            ),
            format!(
                "{path}:24:29: error[E008]: schedule `office` asks for 12 replicas, above service `web`'s maximum of 10"
            ),
            format!(
                "{path}:25:15: error[E008]: `replicas` applies only to a schedule, not to `cpu`"
            ),
            format!("{path}:32:18: error[E008]: schedule `office` takes `replicas`, not `average`"),
        ]
    );
    assert_eq!(
        checked.diagnostics[1].help.as_deref(),
        Some("scale service `api` with KEDA: `autoscaler = keda` in the service")
    );
}

#[test]
fn e008_queue_providers_keda_refuses_or_never_reads() {
    let checked = fixture("E008-queue-providers");
    let path = "tests/fixtures/errors/E008-queue-providers/policy.scale";
    assert_eq!(
        checked.short_lines(),
        [
            format!(
                "{path}:6:5: error[E008]: trigger_auth `kafka-tls` gives `cert` without `key`, which KEDA's kafka scaler refuses"
            ),
            format!("{path}:7:5: error[E008]: KEDA's kafka scaler does not read `awsRoleArn`"),
            format!(
                "{path}:11:14: error[E008]: KEDA has no `host` to reach rabbitmq queue `thumbnails`"
            ),
            format!(
                "{path}:19:18: error[E008]: KEDA's redis scaler does not read with a pod identity"
            ),
            format!("{path}:24:3: error[E008]: `url` is for `provider = aws-sqs`, not `kafka`"),
            format!(
                "{path}:38:7: error[E008]: KEDA has no `host` to reach rabbitmq queue `emails`"
            ),
            format!(
                "{path}:53:14: error[E008]: KEDA's redis scaler has no operator identity to read with"
            ),
        ]
    );
}

/// What a ScaledJob has no place for, in a service with `job` (scalec#14):
/// each E008 points at what is written and names the job.
#[test]
fn e008_job_refuses_what_a_scaled_job_has_no_place_for() {
    let checked = fixture("E008-job");
    let path = "tests/fixtures/errors/E008-job/policy.scale";
    assert_eq!(
        checked.short_lines(),
        [
            format!(
                "{path}:11:16: error[E008]: service `encoder` runs as Jobs, which take no `autoscaler = hpa`"
            ),
            format!(
                "{path}:12:3: error[E008]: service `encoder` runs as Jobs, which take no `port`"
            ),
            format!(
                "{path}:13:3: error[E008]: service `encoder` runs as Jobs, which take no `health`"
            ),
            format!(
                "{path}:16:9: error[E008]: a ScaledJob starts Jobs for messages waiting in a queue; `scale cpu` counts no messages"
            ),
            format!(
                "{path}:17:3: error[E008]: service `encoder` runs as Jobs, which take no HPA behaviour"
            ),
            format!(
                "{path}:18:3: error[E008]: service `encoder` runs as Jobs, which take no `disruption`"
            ),
            format!(
                "{path}:21:5: error[E008]: a ScaledJob has no `cooldown`: it starts Jobs and never scales a Deployment down"
            ),
        ]
    );
    assert!(
        checked.diagnostics.iter().all(|d| d
            .related
            .iter()
            .any(|r| r.message == "service `encoder` runs as Jobs")),
        "every refusal names the job"
    );
}

/// A job needs a queue of its own: it does not inherit `defaults`' signals.
#[test]
fn e007_job_without_a_queue() {
    let checked = fixture("E007-job-without-queue");
    assert_eq!(
        checked.short_lines(),
        [
            "tests/fixtures/errors/E007-job-without-queue/policy.scale:9:3: error[E007]: service `encoder` runs as Jobs but scales on no queue"
        ]
    );
}

/// Values the Job API or KEDA's CRD refuse.
#[test]
fn e003_job_values_a_job_refuses() {
    let checked = fixture("E003-job");
    let path = "tests/fixtures/errors/E003-job/policy.scale";
    assert_eq!(
        checked.short_lines(),
        [
            format!("{path}:14:19: error[E003]: a Job's deadline must be at least 1s"),
            format!("{path}:15:19: error[E003]: a Job with `parallelism = 0` never starts a pod"),
            format!(
                "{path}:16:19: error[E003]: `custom` is not one of `default`, `accurate`, `eager`"
            ),
        ]
    );
}

#[test]
fn e003_metrics_values_prometheus_cannot_use() {
    let checked = fixture("E003-metrics");
    let path = "tests/fixtures/errors/E003-metrics/policy.scale";
    assert_eq!(
        checked.short_lines(),
        [
            format!("{path}:7:16: error[E003]: Prometheus cannot scrape every 0s"),
            format!("{path}:8:16: error[E003]: `metrics` is not an HTTP path"),
            format!("{path}:9:16: error[E003]: `pods` is not one of `pod`, `service`"),
        ]
    );
}

#[test]
fn e004_metrics_port_must_be_a_port_of_the_service() {
    let checked = fixture("E004-metrics-port");
    let path = "tests/fixtures/errors/E004-metrics-port/policy.scale";
    assert_eq!(
        checked.short_lines(),
        [
            format!("{path}:9:20: error[E004]: service `api` has no port named `metric` to scrape"),
            format!(
                "{path}:17:3: error[E004]: service `worker` has no port named `http` to scrape"
            ),
        ]
    );
    let helps: Vec<_> = (checked.diagnostics.iter())
        .map(|d| d.help.as_deref())
        .collect();
    assert_eq!(
        helps,
        [
            Some("did you mean `metrics`?"),
            Some("name the port that serves the metrics: `port = admin` (9000)"),
        ]
    );
}

#[test]
fn e007_metrics_without_any_port() {
    let checked = fixture("E007-metrics-without-port");
    assert_eq!(
        checked.short_lines(),
        [
            "tests/fixtures/errors/E007-metrics-without-port/policy.scale:5:20: error[E007]: service `worker` has a `metrics` block but no port to scrape"
        ]
    );
    assert_eq!(
        checked.diagnostics[0].help.as_deref(),
        Some("declare the port: `port metrics { number = 9090 }`")
    );
}

#[test]
fn e008_metrics_port_must_be_tcp() {
    let checked = fixture("E008-metrics-port-protocol");
    assert_eq!(
        checked.short_lines(),
        [
            "tests/fixtures/errors/E008-metrics-port-protocol/policy.scale:10:20: error[E008]: Prometheus scrapes over HTTP, but port `statsd` of service `collector` is UDP"
        ]
    );
}

#[test]
fn e004_metrics_port_inherited_from_defaults_names_the_service() {
    let checked = fixture("E004-metrics-port-inherited");
    assert_eq!(
        checked.short_lines(),
        [
            "tests/fixtures/errors/E004-metrics-port-inherited/policy.scale:5:20: error[E004]: service `worker` has no port named `metrics` to scrape"
        ]
    );
    let related: Vec<_> = (checked.diagnostics[0].related.iter())
        .map(|r| r.message.as_str())
        .collect();
    assert_eq!(
        related,
        ["service `worker` takes `metrics` from `defaults`"]
    );
}

#[test]
fn e008_an_external_trigger_auth_states_nothing_scalec_would_write() {
    let checked = fixture("E008-external-trigger-auth");
    let path = "tests/fixtures/errors/E008-external-trigger-auth/policy.scale";
    assert_eq!(
        checked.short_lines(),
        [
            format!(
                "{path}:7:18: error[E008]: trigger_auth `shared-kafka` is external: scalec does not write its `pod_identity`"
            ),
            format!(
                "{path}:9:3: error[E008]: trigger_auth `shared-kafka` is external: scalec does not write its `parameters`"
            ),
        ]
    );
}

#[test]
fn e010_two_projects_writing_one_cluster_trigger_auth() {
    let checked = fixture("E010-cluster-trigger-auth");
    assert_eq!(
        checked.short_lines(),
        [
            "tests/fixtures/errors/E010-cluster-trigger-auth/shipping/policy.scale:8:14: error[E010]: two projects would both write ClusterTriggerAuthentication `kafka-sasl`"
        ]
    );
    let related = &checked.diagnostics[0].related;
    assert_eq!(related.len(), 1);
    assert_eq!(related[0].message, "and by this one");
}

/// Values Karpenter's NodePool CRD refuses (scalec#15).
#[test]
fn e003_karpenter_values_the_nodepool_refuses() {
    let checked = fixture("E003-karpenter");
    let path = "tests/fixtures/errors/E003-karpenter/policy.scale";
    assert_eq!(
        checked.short_lines(),
        [
            format!("{path}:8:33: error[E003]: `x86` is not one of `amd64`, `arm64`"),
            format!("{path}:9:25: error[E003]: `capacity = []` leaves Karpenter nothing to launch"),
            format!(
                "{path}:10:25: error[E003]: `always` is not one of `when_empty`, `when_underutilized`"
            ),
            format!(
                "{path}:11:25: error[E003]: Karpenter counts `consolidate_after` in whole seconds"
            ),
            format!(
                "{path}:12:25: error[E003]: a disruption budget of 150% is more than all the nodes"
            ),
        ]
    );
}

/// A NodeClass name and instance families are names Karpenter matches.
#[test]
fn e006_karpenter_node_class_and_instance_family_names() {
    let checked = fixture("E006-karpenter-names");
    let path = "tests/fixtures/errors/E006-karpenter-names/policy.scale";
    assert_eq!(
        checked.short_lines(),
        [
            format!(
                "{path}:8:25: error[E006]: `Default_Class` cannot be the name of an EC2NodeClass"
            ),
            format!(
                "{path}:9:33: error[E006]: `m7g/large` cannot be an instance family: Karpenter matches it as a label value"
            ),
        ]
    );
}

/// Karpenter's settings without `provisioner = karpenter` would do nothing.
#[test]
fn e008_karpenter_settings_without_the_provisioner() {
    let checked = fixture("E008-karpenter-without-provisioner");
    let path = "tests/fixtures/errors/E008-karpenter-without-provisioner/policy.scale";
    assert_eq!(
        checked.short_lines(),
        [
            format!(
                "{path}:7:5: error[E008]: `arch` configures a Karpenter NodePool, and this pool has none"
            ),
            format!(
                "{path}:8:5: error[E008]: `consolidation` configures a Karpenter NodePool, and this pool has none"
            ),
        ]
    );
    assert!(
        checked.human.contains("add `provisioner = karpenter`"),
        "{}",
        checked.human
    );
}

/// The NodePool's file is reserved once the pool is Karpenter's.
#[test]
fn e010_a_service_named_nodepool_beside_a_karpenter_pool() {
    let checked = fixture("E010-nodepool-collision");
    let path = "tests/fixtures/errors/E010-nodepool-collision/policy.scale";
    assert_eq!(
        checked.short_lines(),
        [format!(
            "{path}:12:9: error[E010]: the Karpenter NodePool and service `nodepool` would both be written to `nodepool.yaml`"
        )]
    );
    assert_eq!(checked.diagnostics[0].related.len(), 1);
}

#[test]
fn e003_atlas_refuses_sizes_ranges_members_versions_regions_and_disks() {
    let checked = fixture("E003-atlas");
    let path = "tests/fixtures/errors/E003-atlas/policy.scale";
    assert_eq!(
        checked.short_lines(),
        [
            format!("{path}:15:23: error[E003]: `M35` is not an Atlas instance size"),
            format!("{path}:29:23: error[E003]: Atlas does not shard on `M20`"),
            format!("{path}:43:23: error[E003]: Atlas does not autoscale NVMe instance sizes"),
            format!("{path}:57:23: error[E003]: `M40` and `R80` are of different classes"),
            format!(
                "{path}:71:23: error[E003]: the largest size `M30` is not above the smallest `M60`"
            ),
            format!("{path}:80:14: error[E003]: Atlas does not run shards of 4 members"),
            format!("{path}:95:14: error[E003]: `7.0.12` is not a MongoDB version Atlas runs"),
            format!("{path}:114:23: error[E003]: `us-east-1` is not an Atlas region name"),
            format!("{path}:124:14: error[E003]: Atlas gives a node at most 4096 GB of disk"),
            format!("{path}:139:14: error[E003]: `6.0` is not a MongoDB version Atlas runs"),
        ]
    );
    let helps: Vec<&str> = (checked.diagnostics.iter())
        .map(|d| d.help.as_deref().unwrap_or_default())
        .collect();
    assert_eq!(helps[0], "did you mean `M30`?");
    assert_eq!(helps[4], "write the smaller size first: `M30 .. M60`");
    assert_eq!(helps[5], "write `members = 3`");
    assert_eq!(helps[6], "write `version = \"7.0\"`");
}

#[test]
fn e007_atlas_database_without_its_block_or_password_secret() {
    let checked = fixture("E007-atlas");
    let path = "tests/fixtures/errors/E007-atlas/policy.scale";
    assert_eq!(
        checked.short_lines(),
        [
            format!("{path}:3:1: error[E007]: database `orders` has no `atlas`"),
            format!("{path}:14:3: error[E007]: `atlas` has no `password_secret`"),
        ]
    );
}

#[test]
fn e008_atlas_runs_routers_and_sizes_nodes_itself() {
    let checked = fixture("E008-atlas");
    let path = "tests/fixtures/errors/E008-atlas/policy.scale";
    assert_eq!(
        checked.short_lines(),
        [
            format!("{path}:7:3: error[E008]: `routers` cannot be set on an Atlas database"),
            format!("{path}:9:3: error[E008]: a `shard` block cannot be set on an Atlas database"),
            format!("{path}:24:3: error[E008]: an `atlas` block needs `operator = atlas`"),
            format!("{path}:43:26: error[E008]: `compute_scale_down` needs an instance range"),
        ]
    );
}

#[test]
fn e003_enterprise_takes_only_a_full_version() {
    let checked = fixture("E003-enterprise");
    let path = "tests/fixtures/errors/E003-enterprise/policy.scale";
    assert_eq!(
        checked.short_lines(),
        [
            format!(
                "{path}:6:14: error[E003]: `8.0` is not a MongoDB version the Enterprise operator takes"
            ),
            format!(
                "{path}:19:14: error[E003]: `v8.0.12-ent` is not a MongoDB version the Enterprise operator takes"
            ),
        ]
    );
}

#[test]
fn e007_enterprise_database_without_its_block_version_or_credentials() {
    let checked = fixture("E007-enterprise");
    let path = "tests/fixtures/errors/E007-enterprise/policy.scale";
    assert_eq!(
        checked.short_lines(),
        [
            format!("{path}:4:1: error[E007]: database `orders` has no `enterprise`"),
            format!("{path}:11:1: error[E007]: database `carts` has no `version`"),
            format!("{path}:29:3: error[E007]: `enterprise` has no `credentials`"),
        ]
    );
}

#[test]
fn e008_an_enterprise_block_under_another_operator() {
    let checked = fixture("E008-enterprise");
    let path = "tests/fixtures/errors/E008-enterprise/policy.scale";
    assert_eq!(
        checked.short_lines(),
        [format!(
            "{path}:7:3: error[E008]: an `enterprise` block needs `operator = mongodb-enterprise`"
        )]
    );
}

#[test]
fn e005_an_atlas_project_created_by_two_databases() {
    let checked = fixture("E005-project-created-twice");
    let path = "tests/fixtures/errors/E005-project-created-twice/policy.scale";
    assert_eq!(
        checked.short_lines(),
        [format!(
            "{path}:24:23: error[E005]: AtlasProject `aether` is created by two databases"
        )]
    );
}

#[test]
fn e006_an_atlas_project_name_atlas_refuses() {
    let checked = fixture("E006-atlas-project");
    let path = "tests/fixtures/errors/E006-atlas-project/policy.scale";
    assert_eq!(
        checked.short_lines(),
        [format!(
            "{path}:9:23: error[E006]: `shop.prod` cannot be an Atlas project name"
        )]
    );
    let help = checked.diagnostics[0].help.as_deref().unwrap_or_default();
    assert!(help.ends_with("e.g. `\"shop-prod\"`"), "{help}");
}
