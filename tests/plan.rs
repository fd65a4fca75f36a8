//! `scalec plan`: the replay as users run it, from the command line.
//!
//! The golden replay of `policies/aether` is in `tests/golden/plan/`
//! (`SCALEC_BLESS=1 cargo test --test plan` rewrites it; review the diff),
//! and its ingestion chart is the one the README shows.

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

const GOLDEN: &str = "tests/golden/plan";
const README_CHART: &str = "docs/plan-aether-ingestion.svg";
const WORKER: &str = "tests/fixtures/plan/worker";
const BURST: &str = "tests/fixtures/plan/worker/burst.load";

fn scalec(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_scalec"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("scalec runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("UTF-8")
}

fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).expect("UTF-8")
}

fn bless() -> bool {
    std::env::var_os("SCALEC_BLESS").is_some()
}

/// `actual` must equal the file at `path` (or replaces it when blessing).
fn golden(path: &str, actual: &str) {
    if bless() {
        if let Some(dir) = Path::new(path).parent() {
            fs::create_dir_all(dir).expect("the golden directory can be made");
        }
        fs::write(path, actual).expect("the golden file can be written");
        return;
    }
    let expected = fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("{path}: {e}; run with SCALEC_BLESS=1 to write it"));
    if expected != actual {
        let diff = similar::TextDiff::from_lines(expected.as_str(), actual)
            .unified_diff()
            .header(path, "actual")
            .to_string();
        panic!("{path} is stale (SCALEC_BLESS=1 rewrites it):\n{diff}");
    }
}

#[test]
fn aether_replay_of_its_load_blocks_is_golden() {
    let human = scalec(&["plan", "policies/aether"]);
    assert_eq!(human.status.code(), Some(0), "{}", stderr(&human));
    golden(&format!("{GOLDEN}/aether.txt"), &stdout(&human));
}

/// The founding scenario: its k6 load test (`policies/aether/loadtest.scale`,
/// 10,000 users for an hour), replayed in production.
#[test]
fn aether_replay_at_the_founding_load_is_golden() {
    let human = scalec(&[
        "plan",
        "policies/aether",
        "--env",
        "prod",
        "--loadtest",
        "founding",
    ]);
    assert_eq!(human.status.code(), Some(0), "{}", stderr(&human));
    golden(&format!("{GOLDEN}/aether-founding.txt"), &stdout(&human));
    let json = scalec(&[
        "plan",
        "policies/aether",
        "--env",
        "prod",
        "--loadtest",
        "founding",
        "--format",
        "json",
    ]);
    assert_eq!(json.status.code(), Some(0), "{}", stderr(&json));
    golden(&format!("{GOLDEN}/aether-founding.json"), &stdout(&json));

    // What the founding scenario needs: every request served, the ingest
    // backlog drained, the pool never full.
    let report: serde_json::Value = serde_json::from_str(&stdout(&json)).expect("JSON");
    let aether = &report["projects"][0];
    for service in aether["services"].as_array().expect("services") {
        // New pods take 30 s to start while the load ramps: a few requests
        // of the first minutes find every ready pod busy, no more.
        let offered = service["offered_requests"].as_f64().expect("a number");
        let served = service["served_requests"].as_f64().expect("a number");
        assert!(
            served >= offered * 0.999,
            "{}: {served} of {offered}",
            service["name"]
        );
        assert_eq!(service["pending_pod_seconds"], 0, "{}", service["name"]);
    }
    assert_eq!(aether["load"]["kind"], "loadtest");
    assert_eq!(aether["load"]["name"], "founding");
    let queue = &aether["queues"][0];
    assert_eq!(queue["name"], "ingest-events");
    // The test's event batches feed the queue: 1,000 a second for an hour.
    assert!(queue["arrived"].as_f64().expect("a number") > 3_600_000.0);
    assert_eq!(queue["backlog_at_end"], 0.0);
    assert_eq!(queue["arrived"], queue["processed"]);
    assert!(aether["findings"].as_array().expect("findings").is_empty());
}

#[test]
fn the_readme_chart_is_the_replay_of_aether() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let out = dir.path().to_str().expect("UTF-8 path");
    let output = scalec(&["plan", "policies/aether", "--env", "prod", "--chart", out]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let chart = fs::read_to_string(dir.path().join("aether/prod/ingestion.svg")).expect("a chart");
    golden(README_CHART, &chart);
    let readme = fs::read_to_string("README.md").expect("README");
    assert!(
        readme.contains(README_CHART),
        "the README shows {README_CHART}"
    );
}

/// Every chart parses as SVG, and its lines stay inside the plot.
#[test]
fn charts_are_well_formed_svg() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let out = dir.path().to_str().expect("UTF-8 path");
    let output = scalec(&["plan", WORKER, "--load", BURST, "--chart", out]);
    assert!(output.status.code().is_some(), "{}", stderr(&output));
    let json: serde_json::Value = serde_json::from_str(&stdout(&scalec(&[
        "plan", WORKER, "--load", BURST, "--format", "json",
    ])))
    .expect("JSON");
    let charts = dir.path().join("worker");
    let mut names: Vec<String> = fs::read_dir(&charts)
        .expect("the chart directory")
        .map(|e| {
            e.expect("an entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .filter(|name| !name.starts_with('.'))
        .collect();
    names.sort();
    assert_eq!(names, ["api.svg", "worker.svg"]);
    for name in names {
        let text = fs::read_to_string(charts.join(&name)).expect("readable");
        let doc = roxmltree::Document::parse(&text)
            .unwrap_or_else(|e| panic!("{name} is not well-formed XML: {e}"));
        let svg = doc.root_element();
        assert_eq!(svg.tag_name().name(), "svg");
        assert_eq!(
            svg.tag_name().namespace(),
            Some("http://www.w3.org/2000/svg")
        );
        let number = |node: roxmltree::Node<'_, '_>, attribute: &str| -> f64 {
            node.attribute(attribute)
                .and_then(|v| v.parse().ok())
                .unwrap_or_else(|| panic!("{name}: `{attribute}` is not a number"))
        };
        let (width, height) = (number(svg, "width"), number(svg, "height"));
        let title = svg
            .children()
            .find(|n| n.has_tag_name("title"))
            .and_then(|n| n.text())
            .expect("a title");
        let service = name.trim_end_matches(".svg");
        assert!(title.contains(service), "{name}: {title}");
        let frame = svg
            .descendants()
            .find(|n| n.attribute("class") == Some("frame"))
            .expect("the plot's frame");
        let lines: Vec<_> = svg
            .descendants()
            .filter(|n| n.has_tag_name("polyline"))
            .collect();
        let classes: Vec<&str> = lines.iter().filter_map(|l| l.attribute("class")).collect();
        assert_eq!(
            classes,
            ["offered", "served", "ready", "replicas"],
            "{name}"
        );
        let samples = json["projects"][0]["services"]
            .as_array()
            .expect("services")
            .iter()
            .find(|s| s["name"] == service)
            .expect("the service is in the JSON")["timeline"]
            .as_array()
            .expect("a timeline")
            .len();
        for line in lines {
            let points: Vec<(f64, f64)> = line
                .attribute("points")
                .expect("points")
                .split(' ')
                .map(|p| {
                    let (x, y) = p.split_once(',').expect("x,y");
                    (x.parse().expect("x"), y.parse().expect("y"))
                })
                .collect();
            // From the first sample to the last, left to right.
            let (first, last) = (points[0].0, points[points.len() - 1].0);
            assert_eq!(first, number(frame, "x"), "{name}");
            assert!(
                (last - (number(frame, "x") + number(frame, "width"))).abs() < 0.05,
                "{name}"
            );
            assert!(
                points.windows(2).all(|w| w[0].0 <= w[1].0),
                "{name}: x goes back"
            );
            assert!(points.len() <= 2 * samples, "{name}");
            for (x, y) in points {
                assert!(
                    (0.0..=width).contains(&x) && (0.0..=height).contains(&y),
                    "{name}: {x},{y}"
                );
            }
        }
    }
}

#[test]
fn json_matches_its_published_schema() {
    let schema: serde_json::Value =
        serde_json::from_str(&stdout(&scalec(&["schema", "plan"]))).expect("the schema is JSON");
    let validator = jsonschema::validator_for(&schema).expect("the schema compiles");
    for args in [
        vec!["plan", "policies/", "--format", "json"],
        vec!["plan", WORKER, "--load", BURST, "--format", "json"],
    ] {
        let output = scalec(&args);
        let report: serde_json::Value = serde_json::from_str(&stdout(&output)).expect("JSON");
        let errors: Vec<String> = validator
            .iter_errors(&report)
            .map(|e| e.to_string())
            .collect();
        assert!(errors.is_empty(), "{args:?}: {errors:?}");
    }
    // The worker fixture exercises every part: a KEDA service, a queue, the
    // pool and a finding.
    let output = scalec(&["plan", WORKER, "--load", BURST, "--format", "json"]);
    let report: serde_json::Value = serde_json::from_str(&stdout(&output)).expect("JSON");
    let project = &report["projects"][0];
    assert_eq!(project["load"]["kind"], "table");
    assert_eq!(project["load"]["name"], "burst.load");
    assert_eq!(project["services"][1]["autoscaler"], "keda");
    assert_eq!(project["services"][1]["timeline"][0]["replicas"], 0);
    assert!(project["node_pool"]["cpu_capacity_cores"] == 12.0);
    assert_eq!(project["findings"][0]["code"], "P403");
}

#[test]
fn at_shows_every_service_at_one_moment() {
    let output = scalec(&["plan", "policies/aether", "--env", "prod", "--at", "30m"]);
    assert_eq!(output.status.code(), Some(0));
    let text = stdout(&output);
    assert!(text.contains("at 30m:"), "{text}");
    assert!(!text.contains("timeline:"), "{text}");
    let prediction = text
        .lines()
        .skip_while(|l| !l.starts_with("at 30m:"))
        .find(|l| l.starts_with("prediction "))
        .expect("a row for prediction");
    // 1000 req/s at 70 % of 60 per pod, within the 10 % tolerance: 23 pods.
    let cells: Vec<&str> = prediction.split_whitespace().collect();
    assert_eq!(cells, ["prediction", "23", "23", "0", "1000", "1000", "0"]);
    let bad = scalec(&["plan", "policies/aether", "--at", "soon"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        stderr(&bad).contains("--at takes a time"),
        "{}",
        stderr(&bad)
    );
}

#[test]
fn the_report_does_not_depend_on_how_paths_are_spelled() {
    let plain = scalec(&["plan", WORKER, "--load", BURST, "--format", "json"]);
    let other_worker = format!("./{WORKER}/../worker/");
    let other_burst = format!("./tests/../{BURST}");
    let spelled = scalec(&[
        "plan",
        &other_worker,
        "--load",
        &other_burst,
        "--format",
        "json",
    ]);
    // Findings name their file as the command line did; the replay itself
    // is the same.
    let replay = |output: &Output| {
        let mut report: serde_json::Value = serde_json::from_str(&stdout(output)).expect("JSON");
        report["projects"][0]["findings"] = serde_json::Value::Null;
        report
    };
    assert_eq!(replay(&plain), replay(&spelled));
}

#[test]
fn table_errors_have_a_code_a_place_and_a_hint() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let cases = [
        (
            "time  api  job\n0s 1 2\n",
            "E004",
            "did you mean `jobs`?",
            "1:12",
        ),
        (
            "time api\n0s 10\n5m ten\n",
            "E003",
            "rates are numbers a second",
            "3:4",
        ),
        (
            "time api\n0s 10\n5 20\n",
            "E003",
            "write durations with",
            "3:1",
        ),
        (
            "time api\n0s 10\n5m 20\n2m 30\n",
            "E003",
            "order the rows by time",
            "4:1",
        ),
        (
            "time api\n1m 10\n",
            "E003",
            "start the table at `0s`",
            "2:1",
        ),
        (
            "time api\n0s 10 20\n",
            "E001",
            "one rate for each column",
            "2:1",
        ),
        ("time api api\n0s 10 20\n", "E005", "one column", "1:10"),
        ("# only a comment\n", "E001", "write a header row", "1:1"),
        ("time api\n0s 1\n169h 1\n", "E003", "a week at most", "3:1"),
    ];
    for (i, (table, code, hint, place)) in cases.into_iter().enumerate() {
        let path = dir.path().join(format!("case{i}.load"));
        fs::write(&path, table).expect("the table can be written");
        let output = scalec(&["plan", WORKER, "--load", path.to_str().expect("UTF-8")]);
        let report = stderr(&output);
        assert_eq!(output.status.code(), Some(1), "{table}\n{report}");
        assert!(report.contains(code), "{table}: no {code} in\n{report}");
        assert!(report.contains(hint), "{table}: no `{hint}` in\n{report}");
        assert!(
            report.contains(&format!("case{i}.load:{place}")),
            "{table}: not at {place}\n{report}"
        );
        assert!(stdout(&output).is_empty(), "nothing is replayed");
    }
}

#[test]
fn findings_follow_settings_and_suppressions() {
    let bad = "tests/fixtures/lint/P401/bad.scale";
    let dir = tempfile::tempdir().expect("a temporary directory");
    let text = fs::read_to_string(bad).expect("the fixture");
    // The project is named after its directory.
    let project = dir.path().join("api");
    fs::create_dir(&project).expect("a project directory");
    fs::write(project.join("policy.scale"), &text).expect("written");
    let project = project.to_str().expect("UTF-8");

    let output = scalec(&["plan", project]);
    assert_eq!(output.status.code(), Some(1), "P401 is an error");
    assert!(stdout(&output).contains("P401"));
    let allowed = scalec(&["plan", project, "--allow", "max-before-peak"]);
    assert_eq!(allowed.status.code(), Some(0));
    assert!(!stdout(&allowed).contains("P401"));

    // A suppression silences it; `check`, which never replays, does not call
    // it unused.
    let suppressed = text.replace(
        "  replicas = 2 .. 10  # expect: P401",
        "  # scalec: allow P401 the nightly batch tolerates dropped requests\n  replicas = 2 .. 10",
    );
    fs::write(Path::new(project).join("policy.scale"), suppressed).expect("written");
    let output = scalec(&["plan", project]);
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    let check = scalec(&["check", "--format", "short", project]);
    assert!(!stdout(&check).contains("S002"), "{}", stdout(&check));

    // Language errors stop the replay.
    fs::write(
        Path::new(project).join("policy.scale"),
        "service api { replica = 3 }\n",
    )
    .expect("written");
    let output = scalec(&["plan", project]);
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("E002"), "{}", stderr(&output));
    assert!(stdout(&output).is_empty());
}

/// The largest values the language holds replay in bounded time and memory:
/// two billion pods are counted in groups, not one by one. At 1 % of a pod
/// that serves almost nothing, each sync asks for 100 times the ready pods,
/// up to the maximum.
#[test]
fn extreme_values_replay() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let project = dir.path().join("extreme");
    fs::create_dir(&project).expect("a project directory");
    fs::write(
        project.join("policy.scale"),
        r#"
service api {
  image    = "registry.example.com/api:1.0.0"
  cpu      = 1m
  replicas = 1 .. 2147483647
  scale cpu { utilization = 1% }
  scale_up { rate = 2147483647 per 1s }
  load {
    peak    = 18000000000000000
    per_pod = 0.001
    startup = 1s
  }
}
"#,
    )
    .expect("written");
    let output = scalec(&["plan", project.to_str().expect("UTF-8"), "--format", "json"]);
    assert!(output.status.code().is_some(), "{}", stderr(&output));
    let report: serde_json::Value = serde_json::from_str(&stdout(&output)).expect("JSON");
    let api = &report["projects"][0]["services"][0];
    assert_eq!(api["max_replicas"], 2_147_483_647);
    assert_eq!(api["peak_replicas"], 2_147_483_647);
}

use proptest::prelude::*;

/// The project of one policy text, lowered whatever its lint findings.
fn lowered(text: &str) -> scalec::model::Project {
    let mut workspace = scalec::discover::Workspace::default();
    let id = workspace.sources.add("p/policy.scale", text);
    workspace.projects.push(scalec::source::ProjectFiles {
        dir: "p".into(),
        output: "p".into(),
        files: vec![id],
    });
    let options = scalec::lint::Options {
        allow: scalec::lint::RULES.iter().map(|r| r.id).collect(),
        ..Default::default()
    };
    let mut compilation = scalec::compile(&workspace.sources, &workspace.projects, &options);
    assert_eq!(
        compilation.projects.len(),
        1,
        "{:?}",
        compilation.diagnostics
    );
    compilation.projects.remove(0)
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 48,
        rng_seed: proptest::test_runner::RngSeed::Fixed(16),
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    /// Whatever the policy, the replay keeps the autoscaler's bounds, serves
    /// no more than is offered or than ready pods can, loses no message, and
    /// is the same twice.
    #[test]
    fn the_replay_keeps_its_invariants(
        min in 1u32..5,
        extra in 0u32..40,
        target in 10u32..=100,
        per_pod in 1u32..200,
        peak in 0u32..5000,
        startup in 0u32..120,
        stabilization in 0u32..600,
        on_queue in any::<bool>(),
    ) {
        let max = min + extra;
        let signal = if on_queue {
            "scale jobs { average = 100 }".to_string()
        } else {
            format!("scale cpu {{ utilization = {target}% }}")
        };
        let text = format!(
            r#"
queue jobs {{
  provider = aws-sqs
  url      = "https://sqs.us-east-1.amazonaws.com/123456789012/jobs"
  region   = "us-east-1"
}}
service api {{
  image    = "registry.example.com/api:1.0.0"
  cpu      = 100m
  replicas = {min} .. {max}
  {signal}
  scale_down {{ stabilization = {stabilization}s }}
  load {{
    peak    = {peak}
    per_pod = {per_pod}
    startup = {startup}s
  }}
}}
"#
        );
        let project = lowered(&text);
        let profile = scalec::plan::profile::Profile::from_load_blocks(&project);
        let options = scalec::lint::Options::default();
        let plan = scalec::plan::plan(&project, "p", profile.clone(), &options);
        let again = scalec::plan::plan(&project, "p", profile, &options);
        let api = &plan.replay.services[0];
        for s in &api.samples {
            prop_assert!((min..=max).contains(&s.replicas), "{s:?}");
            prop_assert!(s.ready + s.pending <= s.replicas, "{s:?}");
            prop_assert!(s.served <= s.offered, "{s:?}");
            let capacity = u64::from(s.ready) * u64::from(per_pod) * 1000;
            prop_assert!(s.served + s.processed <= capacity, "{s:?}");
        }
        prop_assert!(api.served_total <= api.offered_total);
        for queue in &plan.replay.queues {
            prop_assert_eq!(queue.arrived_total, queue.processed_total + u128::from(queue.last));
        }
        prop_assert_eq!(&api.samples, &again.replay.services[0].samples);
        prop_assert_eq!(&api.changes, &again.replay.services[0].changes);
    }
}

#[test]
fn an_unknown_load_test_is_refused() {
    let output = scalec(&["plan", "policies/aether", "--loadtest", "nightly"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("no project has a load test named `nightly`"));
}
