//! What `scalec build` writes for disruption budgets and KEDA queue triggers
//! (issue #9, items 4 and 5): a written `disruption` block is always emitted,
//! and a queue's `auth` becomes exactly an `authenticationRef` or
//! `identityOwner: operator`. Every document checked here is validated against
//! its vendored schema, as `tests/manifests.rs` does for `golden/`.

use std::path::Path;

use serde::Deserialize;
use serde_json::{Value, json};

/// The documents of `SERVICE.yaml` for each service of a one-file policy,
/// which must check without errors.
fn build(text: &str) -> Vec<(String, Vec<Value>)> {
    let dir = tempfile::Builder::new()
        .prefix("scalec-")
        .tempdir()
        .expect("a temporary directory");
    let path = dir.path().join("policy.scale");
    std::fs::write(&path, text).expect("writable temp dir");
    let workspace = scalec::discover::load(&[path]).expect("the file exists");
    let compilation = scalec::compile(
        &workspace.sources,
        &workspace.projects,
        &scalec::lint::Options::default(),
    );
    assert!(
        !compilation.has_errors(),
        "the policy has errors: {:#?}",
        compilation.diagnostics
    );
    compilation
        .projects
        .iter()
        .flat_map(|project| {
            scalec::emit::emit_project(project, Path::new("shop"), &workspace.sources)
        })
        .filter(|file| {
            file.path
                .file_name()
                .is_some_and(|n| n != "kustomization.yaml")
        })
        .map(|file| {
            let name = file
                .path
                .file_stem()
                .expect("a file name")
                .to_string_lossy()
                .into_owned();
            let documents = serde_yaml::Deserializer::from_str(&file.content)
                .map(|document| {
                    let value = serde_yaml::Value::deserialize(document).expect("emit writes YAML");
                    serde_json::to_value(value).expect("YAML maps to JSON")
                })
                .collect();
            (name, documents)
        })
        .collect()
}

/// The documents emitted for one service.
fn service<'a>(files: &'a [(String, Vec<Value>)], name: &str) -> &'a [Value] {
    files
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, documents)| documents.as_slice())
        .unwrap_or_else(|| panic!("no file for service `{name}`"))
}

fn of_kind<'a>(documents: &'a [Value], kind: &str) -> Option<&'a Value> {
    documents.iter().find(|d| d["kind"] == kind)
}

/// Asserts that `document` matches the vendored schema `file` (under
/// `tests/schemas/`).
fn assert_valid(document: &Value, file: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/schemas")
        .join(file);
    let text = std::fs::read_to_string(&path).expect("the schema is vendored");
    let schema: Value = serde_json::from_str(&text).expect("the schema is JSON");
    let validator = jsonschema::validator_for(&schema).expect("the schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(document)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{file}: {errors:#?}\n{document:#}");
}

const PDB_SCHEMA: &str = "k8s/v1.34/poddisruptionbudget-policy-v1.json";
const SCALED_OBJECT_SCHEMA: &str = "crds/keda.sh/ScaledObject_v1alpha1.json";

#[test]
fn a_written_disruption_block_below_two_pods_is_emitted_and_valid() {
    // Issue #9: `replicas = 1 .. 20` with `max_unavailable = 1` emitted no
    // budget at all.
    let files = build(
        r#"
service reports {
  image    = "registry.example.com/reports:1.0.0"
  cpu      = 250m
  replicas = 1 .. 20
  scale cpu { utilization = 70% }

  disruption { max_unavailable = 1 }
}

service admin {
  image = "registry.example.com/admin:1.0.0"

  disruption { max_unavailable = 50% }
}
"#,
    );
    let reports = service(&files, "reports");
    let budget = of_kind(reports, "PodDisruptionBudget").expect("the written budget");
    assert_valid(budget, PDB_SCHEMA);
    assert_eq!(budget["spec"]["maxUnavailable"], json!(1));
    assert!(budget["spec"].get("minAvailable").is_none());
    let deployment = of_kind(reports, "Deployment").expect("a Deployment");
    assert_eq!(
        budget["spec"]["selector"], deployment["spec"]["selector"],
        "the budget selects the service's pods"
    );

    // No `replicas`: one pod, and the percentage as written.
    let admin = of_kind(service(&files, "admin"), "PodDisruptionBudget").expect("a budget");
    assert_valid(admin, PDB_SCHEMA);
    assert_eq!(admin["spec"]["maxUnavailable"], json!("50%"));
}

#[test]
fn the_default_budget_is_written_from_two_pods_only() {
    let files = build(
        r#"
service api {
  image    = "registry.example.com/api:1.0.0"
  cpu      = 250m
  replicas = 2 .. 20
  scale cpu { utilization = 70% }
}

service notes {
  image    = "registry.example.com/notes:1.0.0"
  cpu      = 250m
  replicas = 1 .. 20
  scale cpu { utilization = 70% }
}
"#,
    );
    let api = of_kind(service(&files, "api"), "PodDisruptionBudget").expect("the default");
    assert_valid(api, PDB_SCHEMA);
    assert_eq!(api["spec"]["maxUnavailable"], json!(1));
    assert!(
        of_kind(service(&files, "notes"), "PodDisruptionBudget").is_none(),
        "a single pod without `disruption` gets no budget"
    );
}

const KEDA_QUEUES: &str = r#"
cluster {
  autoscaler = keda
}

queue orders {
  provider = aws-sqs
  url      = "https://sqs.eu-west-1.amazonaws.com/123456789012/shop-orders"
  auth     = sqs-reader
}

queue emails {
  provider = aws-sqs
  url      = "https://sqs.eu-west-1.amazonaws.com/123456789012/shop-emails"
  auth     = "operator"
}

service worker {
  image    = "registry.example.com/worker:1.0.0"
  cpu      = 250m
  replicas = 0 .. 20
  scale orders { average = 100 }
}

service mailer {
  image    = "registry.example.com/mailer:1.0.0"
  cpu      = 250m
  replicas = 0 .. 5
  scale emails { average = 50 }
}
"#;

/// The one trigger of a service's ScaledObject, after validating the object.
fn trigger(files: &[(String, Vec<Value>)], name: &str) -> Value {
    let object = of_kind(service(files, name), "ScaledObject").expect("a ScaledObject");
    assert_valid(object, SCALED_OBJECT_SCHEMA);
    let triggers = object["spec"]["triggers"].as_array().expect("triggers");
    assert_eq!(triggers.len(), 1, "{triggers:#?}");
    triggers[0].clone()
}

#[test]
fn a_trigger_authentication_becomes_the_authentication_ref() {
    let files = build(KEDA_QUEUES);
    assert_eq!(
        trigger(&files, "worker"),
        json!({
            "type": "aws-sqs-queue",
            "metadata": {
                "awsRegion": "eu-west-1",
                "queueLength": "100",
                "queueURL": "https://sqs.eu-west-1.amazonaws.com/123456789012/shop-orders",
            },
            "authenticationRef": { "name": "sqs-reader" },
        })
    );
}

#[test]
fn auth_operator_becomes_identity_owner_operator_and_no_reference() {
    let files = build(KEDA_QUEUES);
    assert_eq!(
        trigger(&files, "mailer"),
        json!({
            "type": "aws-sqs-queue",
            "metadata": {
                "awsRegion": "eu-west-1",
                "identityOwner": "operator",
                "queueLength": "50",
                "queueURL": "https://sqs.eu-west-1.amazonaws.com/123456789012/shop-emails",
            },
        })
    );
}

#[test]
fn an_allowed_queue_without_auth_gets_no_invented_identity() {
    let files = build(
        r#"
cluster {
  autoscaler = keda
}

lint {
  allow = [K121]
}

queue orders {
  provider = aws-sqs
  url      = "https://sqs.eu-west-1.amazonaws.com/123456789012/shop-orders"
}

service worker {
  image    = "registry.example.com/worker:1.0.0"
  cpu      = 250m
  replicas = 1 .. 20
  scale orders { average = 100 }
}
"#,
    );
    let trigger = trigger(&files, "worker");
    assert!(trigger.get("authenticationRef").is_none(), "{trigger:#}");
    assert!(
        trigger["metadata"].get("identityOwner").is_none(),
        "{trigger:#}"
    );
}

#[test]
fn every_budget_lets_an_unhealthy_pod_be_evicted() {
    // Issue #13: a crash-looping pod must not block a drain, whatever the
    // budget: written (either bound) or the default.
    let files = build(
        r#"
service written-max {
  image    = "registry.example.com/a:1.0.0"
  replicas = 3
  disruption { max_unavailable = 1 }
}

service written-min {
  image    = "registry.example.com/b:1.0.0"
  replicas = 3
  disruption { min_available = 2 }
}

service default-budget {
  image    = "registry.example.com/c:1.0.0"
  replicas = 2
}
"#,
    );
    for name in ["written-max", "written-min", "default-budget"] {
        let budget =
            of_kind(service(&files, name), "PodDisruptionBudget").expect("a budget for each");
        assert_valid(budget, PDB_SCHEMA);
        assert_eq!(
            budget["spec"]["unhealthyPodEvictionPolicy"],
            json!("AlwaysAllow"),
            "{name}"
        );
    }
}
