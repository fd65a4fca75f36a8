//! `scalec export`: the resolved model as users read it, from the command
//! line, checked against its published schema (`scalec schema model`).

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::{Value, json};

const AETHER: &str = "policies/aether";

fn scalec_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_scalec"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("scalec runs")
}

fn scalec(args: &[&str]) -> Output {
    scalec_in(Path::new(env!("CARGO_MANIFEST_DIR")), args)
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("UTF-8")
}

fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).expect("UTF-8")
}

/// The document `scalec export ARGS` prints; it must succeed.
fn export(args: &[&str]) -> Value {
    let output = scalec(&[&["export"], args].concat());
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    serde_json::from_str(&stdout(&output)).expect("export prints JSON")
}

fn service<'a>(project: &'a Value, name: &str) -> &'a Value {
    (project["services"].as_array().expect("services"))
        .iter()
        .find(|s| s["name"] == name)
        .unwrap_or_else(|| panic!("no service `{name}`"))
}

fn signal<'a>(service: &'a Value, name: &str) -> &'a Value {
    (service["scaling"].as_array().expect("scaling"))
        .iter()
        .find(|s| s["name"] == name)
        .unwrap_or_else(|| panic!("no signal `{name}` in {}", service["name"]))
}

fn assert_valid(document: &Value, what: &str) {
    let schema: Value =
        serde_json::from_str(&stdout(&scalec(&["schema", "model"]))).expect("the schema is JSON");
    let validator = jsonschema::validator_for(&schema).expect("the schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(document)
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "{what}: {errors:?}");
}

/// A fresh directory whose name is a valid project name.
fn project_dir() -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix("scalec-")
        .tempdir()
        .expect("a temporary directory")
}

#[test]
fn export_matches_its_published_schema() {
    assert_valid(&export(&[AETHER]), AETHER);
    // Every sample policy: KEDA, Kafka, Percona, PostgreSQL, schedules, and
    // Aether's two environments.
    let all = export(&["policies"]);
    assert_eq!(all["projects"].as_array().map(Vec::len), Some(5));
    assert_valid(&all, "policies");
}

/// Aether as production runs it.
fn prod(document: &Value) -> &Value {
    let projects = document["projects"].as_array().expect("projects");
    let environments: Vec<&Value> = projects.iter().map(|p| &p["environment"]).collect();
    assert_eq!(environments, [&json!("staging"), &json!("prod")]);
    &projects[1]
}

#[test]
fn aether_holds_its_resolved_values() {
    let document = export(&[AETHER]);
    assert_eq!(document["version"], 1);
    let project = prod(&document);
    assert_eq!(project["name"], "aether");
    assert_eq!(project["kubernetes_version"], "1.34");
    assert_eq!(project["namespace"], "aether");
    // The base's 4 .. 12 nodes, grown to 16 in production.
    assert_eq!(
        project["node_pool"],
        json!({
            "count_min": 4,
            "count_max": 16,
            "cpu_millicores": 8000,
            "memory_millibytes": 32u64 * 1024 * 1024 * 1024 * 1000,
        })
    );
    let names: Vec<&str> = (project["services"].as_array().expect("services"))
        .iter()
        .map(|s| s["name"].as_str().expect("a name"))
        .collect();
    assert_eq!(names, ["auth", "ingestion", "prediction", "reporting"]);

    let ingestion = service(project, "ingestion");
    assert_eq!(
        ingestion["replicas"],
        json!({"min": 2, "max": 60, "fixed": false})
    );
    assert_eq!(
        ingestion["cpu"],
        json!({"request_millicores": 500, "limit_millicores": 1000})
    );
    assert_eq!(
        ingestion["memory"]["request_millibytes"],
        json!(512u64 * 1024 * 1024 * 1000)
    );
    // `scale ingest-events { average = 500 }`: 500 messages per pod.
    let queue = signal(ingestion, "ingest-events");
    assert_eq!(queue["source"], "queue");
    assert_eq!(
        queue["target"],
        json!({"type": "average", "value_milli": 500_000})
    );
    assert_eq!(queue["provenance"]["origin"], "own");
    assert_eq!(
        ingestion["load"],
        json!({
            "peak_millirequests_per_second": 2_000_000,
            "per_pod_millirequests_per_second": 50_000,
            "startup_seconds": 20,
        })
    );

    // auth writes no `scale` block: it takes `defaults`' cpu at 70 %.
    let auth_cpu = signal(service(project, "auth"), "cpu");
    assert_eq!(
        auth_cpu["target"],
        json!({"type": "utilization", "percent": 70})
    );
    assert_eq!(
        auth_cpu["provenance"],
        json!({"origin": "inherited", "file": "aether/cluster.scale", "line": 40, "column": 3})
    );
    // prediction writes its own `scale cpu { utilization = 70% }`.
    let prediction = service(project, "prediction");
    let prediction_cpu = signal(prediction, "cpu");
    assert_eq!(
        prediction_cpu["target"],
        json!({"type": "utilization", "percent": 70})
    );
    assert_eq!(prediction_cpu["provenance"]["origin"], "own");
    assert_eq!(
        prediction_cpu["provenance"]["file"],
        "aether/services.scale"
    );
    // `image = "…"` on line 62 of services.scale, the value at column 14;
    // `autoscaler = hpa` is the cluster's.
    assert_eq!(
        prediction["provenance"]["image"],
        json!({"origin": "own", "file": "aether/services.scale", "line": 62, "column": 14})
    );
    assert_eq!(
        prediction["provenance"]["autoscaler"],
        json!({"origin": "inherited", "file": "aether/cluster.scale", "line": 8, "column": 16})
    );
    assert_eq!(
        prediction["ports"],
        json!([{"name": "http", "number": 8080, "protocol": "tcp"}])
    );

    assert_eq!(
        project["queues"],
        json!([{
            "name": "ingest-events",
            "provider": "aws-sqs",
            "url": "https://sqs.us-east-1.amazonaws.com/123456789012/aether-ingest",
            "region": "us-east-1",
        }])
    );
    assert_eq!(
        project["metrics"],
        json!([{"name": "requests-per-second", "kind": "pods"}])
    );
    let databases = project["databases"].as_array().expect("databases");
    assert_eq!(databases[0]["engine"], "postgresql");
    assert_eq!(databases[0]["name"], "aether-accounts");
    assert_eq!(databases[1]["engine"], "mongodb");
    assert_eq!(databases[1]["operator"], "atlas");
    assert_eq!(databases[1]["shards"], 3);
    assert_eq!(
        databases[1]["collections"][0]["shard_key"],
        json!([
            {"field": "customer_id", "hashed": false},
            {"field": "_id", "hashed": true},
        ])
    );
}

#[test]
fn format_json_is_the_default() {
    let plain = scalec(&["export", AETHER]);
    let explicit = scalec(&["export", AETHER, "--format", "json"]);
    assert_eq!(explicit.status.code(), Some(0), "{}", stderr(&explicit));
    assert_eq!(stdout(&plain), stdout(&explicit));
}

#[test]
fn export_is_the_same_however_the_path_is_written() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let absolute = root.join(AETHER);
    let absolute = absolute.to_str().expect("a UTF-8 path");
    let expected = stdout(&scalec(&["export", AETHER]));
    let elsewhere = project_dir();
    let runs: [(PathBuf, &str); 6] = [
        (root.to_path_buf(), "policies/aether/"),
        (root.to_path_buf(), "./policies/aether"),
        (root.to_path_buf(), absolute),
        (root.join("policies"), "aether"),
        (root.join(AETHER), "."),
        (elsewhere.path().to_path_buf(), absolute),
    ];
    for (dir, path) in runs {
        let output = scalec_in(&dir, &["export", path]);
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
        assert_eq!(
            stdout(&output),
            expected,
            "`scalec export {path}` in {}",
            dir.display()
        );
    }
}

#[test]
fn a_policy_with_an_error_prints_no_model() {
    let dir = project_dir();
    fs::write(
        dir.path().join("policy.scale"),
        "service api {\n  image = \"api:1\"\n  replicas = 2 .. 4\n  scale nope { average = 5 }\n}\n",
    )
    .expect("writable");
    let output = scalec(&["export", dir.path().to_str().expect("UTF-8")]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(stdout(&output), "");
    assert!(stderr(&output).contains("E004"), "{}", stderr(&output));
}

#[test]
fn an_environment_no_project_has_exits_2() {
    let output = scalec(&["export", AETHER, "--env", "nope"]);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(stdout(&output), "");
    let message = stderr(&output);
    assert!(
        message.contains(
            "no project has an environment `nope`: the environments are `prod`, `staging`"
        ),
        "{message}"
    );
    let output = scalec(&["export", "policies/shop", "--env", "prod"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("no project declares environments"),
        "{}",
        stderr(&output)
    );
}

/// `--env` keeps that environment of each project that has environments,
/// and every project that has none.
#[test]
fn env_narrows_the_export_to_one_environment() {
    let document = export(&["policies", "--env", "staging"]);
    let projects: Vec<(&str, &Value)> = (document["projects"].as_array().expect("projects"))
        .iter()
        .map(|p| (p["name"].as_str().expect("a name"), &p["environment"]))
        .collect();
    assert_eq!(
        projects,
        [
            ("aether", &json!("staging")),
            ("ledger", &Value::Null),
            ("pulse", &Value::Null),
            ("shop", &Value::Null),
        ]
    );
}

#[test]
fn no_policy_files_is_a_document_without_projects() {
    let dir = project_dir();
    let output = scalec(&["export", dir.path().to_str().expect("UTF-8")]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let document: Value = serde_json::from_str(&stdout(&output)).expect("JSON");
    assert_eq!(document, json!({"version": 1, "projects": []}));
}

/// A value an environment sets names it; one the base sets does not.
#[test]
fn values_set_by_an_environment_name_it() {
    let document = export(&[AETHER, "--env", "staging"]);
    let projects = document["projects"].as_array().expect("projects");
    assert_eq!(projects.len(), 1);
    let project = &projects[0];
    assert_eq!(project["environment"], "staging");
    assert_eq!(project["namespace"], "aether-staging");
    let auth = service(project, "auth");
    assert_eq!(
        auth["replicas"],
        json!({"min": 2, "max": 3, "fixed": false})
    );
    assert_eq!(
        auth["provenance"]["replicas"],
        json!({
            "origin": "environment",
            "environment": "staging",
            "file": "aether/environments.scale",
            "line": 15,
            "column": 16,
        })
    );
    // Only an environment's values name one.
    let image = &auth["provenance"]["image"];
    assert_eq!(image["origin"], "own");
    assert!(image.get("environment").is_none(), "{image}");
    assert_valid(&document, "staging");
}

/// docs/cli.md shows the aether export with each list cut to its first
/// entry: real output.
#[test]
fn the_example_of_docs_cli_md_is_real_output() {
    fn first_entries(value: &Value) -> Value {
        match value {
            Value::Array(items) => Value::Array(items.iter().take(1).map(first_entries).collect()),
            Value::Object(fields) => Value::Object(
                (fields.iter())
                    .map(|(key, field)| (key.clone(), first_entries(field)))
                    .collect(),
            ),
            other => other.clone(),
        }
    }
    let docs = fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/cli.md"))
        .expect("docs/cli.md");
    let section = &docs[docs.find("## `scalec export").expect("an export section")..];
    let start = section.find("```json\n").expect("a JSON example") + "```json\n".len();
    let end = start + section[start..].find("```").expect("the example ends");
    let shown: Value = serde_json::from_str(&section[start..end]).expect("the example is JSON");
    assert_eq!(shown, first_entries(&export(&[AETHER, "--env", "staging"])));
}
