//! Environments (scalec#17): one policy, each environment checked and built
//! as it will run.

mod common;

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

use scalec::model::environment::Origin;
use scalec::model::{Project, Replicas, Service};

const OVERRIDES: &str = "tests/fixtures/environments/overrides";
const FINDINGS: &str = "tests/fixtures/environments/findings";

fn scalec(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_scalec"))
        .args(args)
        .output()
        .expect("scalec runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).expect("UTF-8")
}

fn environment<'a>(projects: &'a [Project], name: &str) -> &'a Project {
    projects
        .iter()
        .find(|p| p.environment.as_ref().is_some_and(|e| e.name.value == name))
        .unwrap_or_else(|| panic!("no environment `{name}`"))
}

fn service<'a>(project: &'a Project, name: &str) -> &'a Service {
    (project.services.iter())
        .find(|s| s.name.value == name)
        .unwrap_or_else(|| panic!("no service `{name}`"))
}

fn range(service: &Service) -> (i32, i32) {
    service.replicas.as_ref().expect("replicas").range()
}

#[test]
fn a_project_is_lowered_once_per_environment_and_never_as_its_base() {
    let projects = common::projects_of(&[OVERRIDES]);
    let names: Vec<&str> = (projects.iter())
        .map(|p| {
            p.environment
                .as_ref()
                .expect("an environment")
                .name
                .value
                .as_str()
        })
        .collect();
    assert_eq!(names, ["staging", "prod"], "in the order they are declared");
}

/// Every top-level block kind overridden in staging, and prod unchanged.
#[test]
fn each_block_kind_is_overridden_in_its_environment_only() {
    let projects = common::projects_of(&[OVERRIDES]);
    let (staging, prod) = (
        environment(&projects, "staging"),
        environment(&projects, "prod"),
    );
    // cluster, and a block nested in it
    assert_eq!(staging.cluster.namespace, "shop-staging");
    assert_eq!(prod.cluster.namespace, "shop");
    let count = |p: &Project| {
        let nodes = p.cluster.nodes.as_ref().expect("nodes");
        (
            nodes.count.value.min,
            nodes.count.value.max,
            nodes.cpu.value.millicores,
        )
    };
    assert_eq!(count(staging), (1, 3, 8000), "cpu kept from the base");
    assert_eq!(count(prod), (4, 16, 8000));
    // defaults
    let memory = |p: &Project| {
        let memory = service(p, "worker")
            .memory
            .as_ref()
            .expect("memory from defaults");
        memory.request.value.text.clone()
    };
    assert_eq!(memory(staging), "128Mi");
    assert_eq!(memory(prod), "256Mi");
    // lint: the environment's `allow` beside the base's `deny`
    let words = |list: &[scalec::model::Spanned<String>]| -> Vec<String> {
        list.iter().map(|s| s.value.clone()).collect()
    };
    assert_eq!(words(&staging.lint.allow), ["K104"]);
    assert!(prod.lint.allow.is_empty());
    assert_eq!(words(&staging.lint.deny), ["K117"]);
    assert_eq!(words(&prod.lint.deny), ["K117"]);
    // metric
    assert_eq!(
        staging.metrics[0].prometheus.series.value,
        "staging_http_requests_total"
    );
    assert_eq!(
        prod.metrics[0].prometheus.series.value,
        "http_requests_total"
    );
    assert_eq!(staging.metrics[0].metric_name, prod.metrics[0].metric_name);
    // trigger_auth, through its nested `parameters`
    let secret = |p: &Project| format!("{:?}", p.trigger_auths[0].parameters["sasl"].value);
    assert!(
        secret(staging).contains("kafka-staging"),
        "{}",
        secret(staging)
    );
    assert!(!secret(prod).contains("kafka-staging"), "{}", secret(prod));
    // queue
    let topic = |p: &Project| match &p.queues[0].source {
        scalec::model::QueueSource::Kafka { topic, .. } => topic.value.clone(),
        other => panic!("a Kafka queue, not {other:?}"),
    };
    assert_eq!(topic(staging), "orders-staging");
    assert_eq!(topic(prod), "orders");
    // schedule
    assert_eq!(staging.schedules[0].start.value, "0 9 * * 1-5");
    assert_eq!(prod.schedules[0].start.value, "0 8 * * 1-5");
    assert_eq!(staging.schedules[0].end, prod.schedules[0].end);
    // service: an attribute, and a nested block merged by kind and name
    assert_eq!(range(service(staging, "storefront")), (1, 6));
    assert_eq!(range(service(prod, "storefront")), (4, 60));
    let signals = |p: &Project| format!("{:?}", service(p, "storefront").scaling);
    assert_eq!(
        service(staging, "storefront").scaling.len(),
        3,
        "{}",
        signals(staging)
    );
    assert!(
        signals(staging).contains("Utilization(80)"),
        "{}",
        signals(staging)
    );
    assert!(
        signals(prod).contains("Utilization(65)"),
        "{}",
        signals(prod)
    );
    // database
    assert_eq!(staging.databases[0].shards.value, 1);
    assert_eq!(prod.databases[0].shards.value, 2);
    assert_eq!(
        staging.databases[0].collections,
        prod.databases[0].collections
    );
    // loadtest
    let users = |p: &Project| match &p.loadtests[0].drive {
        scalec::model::loadtest::Drive::Users { users, .. } => users.value,
        other => panic!("users, not {other:?}"),
    };
    assert_eq!((users(staging), users(prod)), (50, 1000));
    // A service only production runs.
    assert!(staging.services.iter().all(|s| s.name.value != "canary"));
    assert_eq!(range(service(prod, "canary")), (2, 4));
    // What no environment changes is equal, spans aside.
    assert_eq!(
        service(staging, "worker").scaling,
        service(prod, "worker").scaling
    );
}

/// Each value knows whether the service, `defaults` or the environment set it.
#[test]
fn values_know_where_they_were_written() {
    let projects = common::projects_of(&[OVERRIDES]);
    let staging = environment(&projects, "staging");
    let storefront = service(staging, "storefront");
    let worker = service(staging, "worker");
    let span = |r: &Replicas| r.span();
    let origin = |s: &Service, at| staging.origin(s.span, at);
    assert_eq!(
        origin(
            storefront,
            span(storefront.replicas.as_ref().expect("replicas"))
        ),
        Origin::Environment("staging")
    );
    assert_eq!(
        origin(worker, span(worker.replicas.as_ref().expect("replicas"))),
        Origin::Own
    );
    let cpu = worker.cpu.as_ref().expect("cpu from defaults");
    assert_eq!(origin(worker, cpu.request.span), Origin::Inherited);
    let memory = worker
        .memory
        .as_ref()
        .expect("memory from staging's defaults");
    assert_eq!(
        origin(worker, memory.request.span),
        Origin::Environment("staging")
    );
}

#[test]
fn findings_name_the_environments_they_occur_in_and_repeat_nowhere() {
    let checked = common::check_paths(&[FINDINGS]);
    let lines = checked.short_lines();
    let with = |needle: &str| -> Vec<&str> {
        lines
            .iter()
            .copied()
            .filter(|l| l.contains(needle))
            .collect()
    };
    // In every environment: reported once, as it is.
    let everywhere = with("`api` may run a single pod");
    assert_eq!(everywhere.len(), 1, "{lines:#?}");
    assert!(!everywhere[0].contains("(in environment"), "{everywhere:?}");
    // Only in prod, where `web` may scale down to one pod.
    let prod_only = with("`web` may run a single pod");
    assert_eq!(prod_only.len(), 1, "{lines:#?}");
    assert!(
        prod_only[0].ends_with("(in environment `prod`)"),
        "{prod_only:?}"
    );
    // The suppression above `service batch` in the base holds everywhere.
    assert!(with("`batch`").is_empty(), "{lines:#?}");
    // The suppression in staging's `service web` holds in staging only.
    let tags = with("`web` runs the moving tag");
    assert_eq!(tags.len(), 1, "{lines:#?}");
    assert!(tags[0].ends_with("(in environment `prod`)"), "{tags:?}");
    // A suppression used in one environment is not unused in the other.
    assert!(with("S002").is_empty(), "{lines:#?}");
    // A value an environment sets is labelled so, not as `defaults`'.
    let api = with("`api` runs the moving tag");
    assert_eq!(api.len(), 1, "{lines:#?}");
    assert!(api[0].ends_with("(in environment `staging`)"), "{api:?}");
    assert!(
        checked.human.contains("environment `staging` sets `image`"),
        "{}",
        checked.human
    );
    assert!(
        !checked.human.contains("from `defaults`"),
        "{}",
        checked.human
    );
    assert_eq!(lines.len(), 4, "nothing else: {lines:#?}");
}

/// One policy text with two environments around the block under test.
fn policy(base: &str, environments: &str) -> String {
    format!(
        "service api {{\n  image    = \"registry.example.com/api:1.0.0\"\n  replicas = 2 .. 4\n}}\n\n\
         {base}\n\nenvironment staging {{\n  service api {{ replicas = 2 .. 3 }}\n}}\n\n{environments}\n"
    )
}

#[test]
fn every_misuse_of_an_environment_is_a_language_error() {
    let cases: &[(&str, &str, &str, &str)] = &[
        (
            "an override of a service the base lacks",
            "",
            "environment prod {\n  service apj { replicas = 3 .. 6 }\n}",
            "E004: environment `prod` overrides service `apj`, which the base does not declare",
        ),
        (
            "an environment named twice",
            "",
            "environment staging {\n  service api { replicas = 2 .. 5 }\n}",
            "E005: environment `staging` is defined twice",
        ),
        (
            "a value of the wrong type",
            "",
            "environment prod {\n  service api { replicas = \"many\" }\n}",
            "E003",
        ),
        (
            "a change of what a block is",
            "queue jobs {\n  provider = aws-sqs\n  url      = \"https://sqs.us-east-1.amazonaws.com/123456789012/jobs\"\n}",
            "environment prod {\n  queue jobs { provider = rabbitmq }\n}",
            "E008: environment `prod` changes the `provider` of queue `jobs`",
        ),
        (
            "an attribute outside any block",
            "",
            "environment prod {\n  replicas = 3\n}",
            "E002: `replicas` is set directly in environment `prod`",
        ),
        (
            "an environment in an environment",
            "",
            "environment prod {\n  environment eu { }\n}",
            "E002: `environment` cannot be overridden by an environment",
        ),
        (
            "a block overridden twice",
            "",
            "environment prod {\n  service api { replicas = 3 .. 6 }\n  service api { replicas = 3 .. 8 }\n}",
            "E005: service `api` is defined twice",
        ),
        (
            "a service in an environment no block declares",
            "service batch {\n  image        = \"registry.example.com/batch:1.0.0\"\n  replicas     = 2\n  environments = [prdo]\n}",
            "environment prod { }",
            "E004: no environment `prdo` is declared",
        ),
        (
            "`environments` on something else than a service",
            "defaults {\n  environments = [prod]\n}",
            "environment prod { }",
            "E002",
        ),
        (
            "`environments` in an environment",
            "",
            "environment prod {\n  service api { environments = [prod] }\n}",
            "E008: environment `prod` sets `environments`",
        ),
        (
            "a name that cannot be a directory of the output",
            "",
            "environment \"Prod/EU\" { }",
            "E006",
        ),
        (
            "an attribute an override sets twice",
            "",
            "environment prod {\n  service api {\n    replicas = 3 .. 6\n    replicas = 3 .. 8\n  }\n}",
            "E005: `replicas` is set twice",
        ),
        (
            "a nested block an override gives twice",
            "",
            "environment prod {\n  service api {\n    load { peak = 10 }\n    load { per_pod = 5 }\n  }\n}",
            "E005: a second `load` block in service `api`",
        ),
        (
            "one environment more than a project may declare",
            "",
            &(1..=32)
                .map(|i| format!("environment e{i} {{ }}\n"))
                .collect::<String>(),
            "E003: environment `e32` is one more than a project may declare",
        ),
        (
            "an environment without a name",
            "",
            "environment { }",
            "E007: `environment` needs a name",
        ),
    ];
    for (what, base, environments, expected) in cases {
        let checked = common::check_text(&policy(base, environments));
        let (code, message) = expected.split_once(": ").unwrap_or((expected, ""));
        let found = checked.diagnostics.iter().any(|d| {
            d.code.id == code
                && d.message.starts_with(message)
                && d.severity == scalec::diag::Severity::Error
        });
        assert!(
            found,
            "{what}: expected {expected}, got:\n{}",
            checked.short
        );
    }
}

#[test]
fn a_project_without_environments_rejects_a_service_that_names_one() {
    let checked = common::check_text(
        "service api {\n  image        = \"registry.example.com/api:1.0.0\"\n  replicas     = 2 .. 4\n  environments = [prod]\n}\n",
    );
    assert_eq!(checked.codes(), ["E004"], "{}", checked.short);
    assert!(
        checked.human.contains("declare it: `environment prod"),
        "{}",
        checked.human
    );
}

fn tree(dir: &Path) -> Vec<String> {
    let mut files: Vec<String> = walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.expect("walkable"))
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let path = e.path().strip_prefix(dir).expect("under dir");
            path.to_string_lossy().replace('\\', "/")
        })
        .collect();
    files.sort();
    files
}

#[test]
fn build_writes_each_environment_into_its_own_directory() {
    let out = tempfile::tempdir().expect("a temporary directory");
    let out_path = out.path().to_str().expect("UTF-8");
    let built = scalec(&["build", OVERRIDES, "-o", out_path]);
    assert!(built.status.success(), "{}", text(&built.stderr));
    let files = tree(out.path());
    for environment in ["staging", "prod"] {
        for file in [
            "kustomization.yaml",
            "namespace.yaml",
            "storefront.yaml",
            "checkout.k6.js",
        ] {
            let path = format!("overrides/{environment}/{file}");
            assert!(files.contains(&path), "{path} in {files:#?}");
        }
    }
    assert!(files.contains(&"overrides/prod/canary.yaml".to_string()));
    assert!(!files.contains(&"overrides/staging/canary.yaml".to_string()));
    assert!(
        files
            .iter()
            .all(|f| f.starts_with("overrides/staging/") || f.starts_with("overrides/prod/"))
    );
    // Each directory holds its environment's values; the headers name the
    // policy by the project's directory, whatever the environment.
    let staging =
        fs::read_to_string(out.path().join("overrides/staging/namespace.yaml")).expect("read");
    let prod = fs::read_to_string(out.path().join("overrides/prod/namespace.yaml")).expect("read");
    assert!(staging.contains("name: shop-staging"), "{staging}");
    assert!(prod.contains("name: shop\n"), "{prod}");
    let storefront =
        fs::read_to_string(out.path().join("overrides/prod/storefront.yaml")).expect("read");
    assert!(
        storefront.contains("from overrides/base.scale"),
        "{storefront}"
    );

    // --check covers every environment: drift in one is found.
    let check = scalec(&["build", OVERRIDES, "-o", out_path, "--check"]);
    assert!(check.status.success(), "{}", text(&check.stderr));
    let drifted = out.path().join("overrides/staging/storefront.yaml");
    fs::write(&drifted, staging.replace("shop", "shop2")).expect("write");
    let check = scalec(&["build", OVERRIDES, "-o", out_path, "--check"]);
    assert_eq!(check.status.code(), Some(1));
    assert!(
        text(&check.stdout).contains("overrides/staging/storefront.yaml"),
        "{}",
        text(&check.stdout)
    );
}

#[test]
fn env_narrows_build_to_one_environment() {
    let out = tempfile::tempdir().expect("a temporary directory");
    let out_path = out.path().to_str().expect("UTF-8");
    let built = scalec(&["build", OVERRIDES, "-o", out_path, "--env", "prod"]);
    assert!(built.status.success(), "{}", text(&built.stderr));
    assert!(
        tree(out.path())
            .iter()
            .all(|f| f.starts_with("overrides/prod/"))
    );

    let unknown = scalec(&["build", OVERRIDES, "-o", out_path, "--env", "qa"]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(
        text(&unknown.stderr)
            .contains("no project has an environment `qa`: the environments are `prod`, `staging`"),
        "{}",
        text(&unknown.stderr)
    );

    // One YAML stream holds one environment.
    let both = scalec(&["build", OVERRIDES, "--stdout"]);
    assert_eq!(both.status.code(), Some(2), "{}", text(&both.stderr));
    let staging = scalec(&["build", OVERRIDES, "--stdout", "--env", "staging"]);
    assert!(staging.status.success(), "{}", text(&staging.stderr));
    let yaml = text(&staging.stdout);
    assert!(yaml.contains("namespace: shop-staging"));
    assert!(!yaml.contains("namespace: shop\n"));
}

#[test]
fn output_does_not_depend_on_how_the_path_was_spelled() {
    let build = |path: &str| {
        let out = tempfile::tempdir().expect("a temporary directory");
        let built = scalec(&["build", path, "-o", out.path().to_str().expect("UTF-8")]);
        assert!(built.status.success(), "{}", text(&built.stderr));
        tree(out.path())
            .into_iter()
            .filter(|f| !f.ends_with(".scalec-manifest"))
            .map(|f| (fs::read(out.path().join(&f)).expect("read"), f))
            .collect::<Vec<_>>()
    };
    let plain = build(OVERRIDES);
    assert_eq!(plain, build(&format!("./{OVERRIDES}/")));
    let absolute = std::env::current_dir().expect("cwd").join(OVERRIDES);
    assert_eq!(plain, build(absolute.to_str().expect("UTF-8")));
}

#[test]
fn fmt_keeps_environments_and_their_comments() {
    let text = "# Staging is small.\nenvironment   staging {\n  # fewer pods\n  service api {   replicas = 1 .. 3 }  # on purpose\n}\n";
    let formatted = common::fmt_stdin(text);
    assert_eq!(
        formatted,
        "# Staging is small.\nenvironment staging {\n  # fewer pods\n  service api { replicas = 1 .. 3 }  # on purpose\n}\n"
    );
    assert_eq!(common::fmt_stdin(&formatted), formatted);
}

/// `plan` replays each environment, as `PROJECT/ENV`; a load table names
/// one project's services, so it needs one environment.
#[test]
fn plan_replays_each_environment_and_a_table_needs_one() {
    let both = scalec(&["plan", "policies/aether"]);
    assert!(both.status.success(), "{}", text(&both.stderr));
    let report = text(&both.stdout);
    assert!(report.starts_with("aether/staging: "), "{report}");
    assert!(report.contains("\naether/prod: "), "{report}");

    let dir = tempfile::tempdir().expect("a temporary directory");
    let table = dir.path().join("auth.load");
    fs::write(&table, "time  auth\n0s    10\n5m    100\n").expect("write");
    let table = table.to_str().expect("UTF-8");
    let refused = scalec(&["plan", "policies/aether", "--load", table]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(
        text(&refused.stderr).contains("with --env"),
        "{}",
        text(&refused.stderr)
    );
    let one = scalec(&[
        "plan",
        "policies/aether",
        "--load",
        table,
        "--env",
        "staging",
    ]);
    assert!(one.status.success(), "{}", text(&one.stderr));
    assert!(
        text(&one.stdout).starts_with("aether/staging: "),
        "{}",
        text(&one.stdout)
    );
}

/// When a project gains environments, what its earlier build wrote into
/// `OUT/PROJECT/` is stale: `--check` says so and `build` removes it, and
/// only what scalec wrote.
#[test]
fn a_project_that_gains_environments_retires_its_earlier_output() {
    let policies = tempfile::tempdir().expect("a temporary directory");
    let project = policies.path().join("shop");
    fs::create_dir(&project).expect("mkdir");
    let base = fs::read_to_string(Path::new(OVERRIDES).join("base.scale")).expect("read");
    // The base alone, without the canary only prod runs.
    let alone = base.replace("  environments = [prod]\n", "");
    fs::write(project.join("base.scale"), &alone).expect("write");
    let out = tempfile::tempdir().expect("a temporary directory");
    let (project_path, out_path) = (
        project.to_str().expect("UTF-8"),
        out.path().to_str().expect("UTF-8"),
    );
    let built = scalec(&["build", project_path, "-o", out_path]);
    assert!(built.status.success(), "{}", text(&built.stderr));
    assert!(out.path().join("shop/storefront.yaml").exists());
    fs::write(out.path().join("shop/notes.txt"), "mine").expect("write");

    fs::write(project.join("base.scale"), &base).expect("write");
    fs::copy(
        Path::new(OVERRIDES).join("environments.scale"),
        project.join("environments.scale"),
    )
    .expect("copy");
    let check = scalec(&["build", project_path, "-o", out_path, "--check"]);
    assert_eq!(check.status.code(), Some(1));
    let report = text(&check.stdout);
    assert!(report.contains("stale: "), "{report}");
    assert!(report.contains("shop/storefront.yaml"), "{report}");

    let built = scalec(&["build", project_path, "-o", out_path]);
    assert!(built.status.success(), "{}", text(&built.stderr));
    let files = tree(out.path());
    assert!(
        files.iter().all(|f| f.starts_with("shop/staging/")
            || f.starts_with("shop/prod/")
            || f == "shop/notes.txt"),
        "{files:#?}"
    );
    assert!(files.contains(&"shop/prod/storefront.yaml".to_string()));
    let check = scalec(&["build", project_path, "-o", out_path, "--check"]);
    assert!(check.status.success(), "{}", text(&check.stdout));
}
