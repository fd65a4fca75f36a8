//! What lowering builds: units, defaults and inheritance, resolved references.

mod common;

use common::{project_of_text, projects_of};
use scalec::model::{
    Autoscaler, ConfigSource, Disruption, EnvValue, IntOrPercent, KeyRef, KubeVersion,
    ProbeHandler, ProbeKind, QueueAuth, QueueSource, RateAmount, Replicas, SignalSource, Target,
};

/// Aether as production runs it.
fn aether() -> scalec::model::Project {
    let projects = projects_of(&["policies/aether"]);
    assert_eq!(projects.len(), 2, "staging and prod");
    (projects.into_iter())
        .find(|p| {
            p.environment
                .as_ref()
                .is_some_and(|e| e.name.value == "prod")
        })
        .expect("a prod environment")
}

fn service<'p>(project: &'p scalec::model::Project, name: &str) -> &'p scalec::model::Service {
    project
        .services
        .iter()
        .find(|s| s.name.value == name)
        .expect("service exists")
}

#[test]
fn aether_has_four_services_sorted_by_name() {
    let project = aether();
    let names: Vec<&str> = project
        .services
        .iter()
        .map(|s| s.name.value.as_str())
        .collect();
    assert_eq!(names, ["auth", "ingestion", "prediction", "reporting"]);
    assert_eq!(project.cluster.namespace, "aether");
    assert_eq!(
        project.cluster.kubernetes,
        KubeVersion {
            major: 1,
            minor: 34
        }
    );
    assert_eq!(project.cluster.autoscaler, Autoscaler::Hpa);
}

#[test]
fn services_inherit_defaults_they_do_not_set() {
    let project = aether();
    let auth = service(&project, "auth");
    assert_eq!(auth.port.as_ref().map(|p| p.value), Some(8080));
    assert_eq!(
        auth.health.as_ref().map(|h| h.value.as_str()),
        Some("/healthz")
    );
    // The cpu signal comes from `defaults`.
    assert_eq!(auth.scaling.len(), 1);
    assert_eq!(auth.scaling[0].source.value, SignalSource::Cpu);
    assert_eq!(auth.scaling[0].target.value, Target::Utilization(70));
    let down = auth.scale_down.as_ref().expect("inherited scale_down");
    assert_eq!(
        down.stabilization_seconds.as_ref().map(|s| s.value),
        Some(300)
    );
    assert_eq!(down.rates[0].value.amount, RateAmount::Percent(50));
    assert_eq!(down.rates[0].value.period_seconds, 60);
}

#[test]
fn a_service_with_its_own_scale_blocks_replaces_the_defaults_set() {
    let project = aether();
    let ingestion = service(&project, "ingestion");
    let signals: Vec<(&SignalSource, &Target)> = ingestion
        .scaling
        .iter()
        .map(|s| (&s.source.value, &s.target.value))
        .collect();
    assert_eq!(signals.len(), 2);
    assert_eq!(signals[0].0, &SignalSource::Queue("ingest-events".into()));
    assert!(matches!(signals[0].1, Target::Average(v) if v.milli == 500_000));
    assert_eq!(signals[1], (&SignalSource::Cpu, &Target::Utilization(80)));
    let up = ingestion.scale_up.as_ref().expect("own scale_up");
    let rates: Vec<_> = up
        .rates
        .iter()
        .map(|r| (r.value.amount, r.value.period_seconds))
        .collect();
    assert_eq!(
        rates,
        [(RateAmount::Percent(100), 30), (RateAmount::Pods(8), 30)]
    );
}

#[test]
fn units_are_exact_integers() {
    let project = aether();
    let ingestion = service(&project, "ingestion");
    let cpu = ingestion.cpu.as_ref().expect("cpu");
    assert_eq!(cpu.request.value.millicores, 500);
    assert_eq!(cpu.limit.as_ref().map(|l| l.value.millicores), Some(1000));
    let memory = ingestion.memory.as_ref().expect("memory");
    assert_eq!(memory.request.value.bytes(), 512 << 20);
    assert_eq!(
        memory.limit.as_ref().map(|l| l.value.bytes()),
        Some(1 << 30)
    );
    assert!(
        matches!(ingestion.replicas, Some(Replicas::Range { ref min, ref max, .. }) if min.value == 2 && max.value == 60)
    );
    // The base's 4 .. 12 nodes, grown to 16 in production.
    let nodes = project.cluster.nodes.as_ref().expect("nodes");
    assert_eq!((nodes.count.value.min, nodes.count.value.max), (4, 16));
    assert_eq!(nodes.cpu.value.millicores, 8000);
}

#[test]
fn the_queue_and_the_database_are_lowered_with_their_defaults() {
    let project = aether();
    let queue = project.queue("ingest-events").expect("queue");
    let QueueSource::Sqs { region, .. } = &queue.source else {
        panic!("ingest-events is an SQS queue: {:?}", queue.source)
    };
    assert_eq!(region, "us-east-1");
    // The HPA reads it through the metrics adapter: no `auth` (K125).
    assert_eq!(queue.auth, None);
    let db = &project.databases[0];
    assert_eq!(
        (
            db.shards.value,
            db.members.value,
            db.config_servers.value,
            db.routers.value
        ),
        (3, 3, 3, 2)
    );
    assert_eq!(db.database_name, "aether");
    let predictions = db
        .collections
        .iter()
        .find(|c| c.name.value == "predictions")
        .expect("predictions");
    let key: Vec<(&str, bool)> = predictions
        .shard_key
        .fields
        .iter()
        .map(|f| (f.name.as_str(), f.hashed))
        .collect();
    assert_eq!(key, [("customer_id", false), ("_id", true)]);
    let customer = &predictions.fields["customer_id"];
    assert_eq!(customer.cardinality.as_ref().map(|c| c.value), Some(12_000));
    assert_eq!(
        customer.top_share_ppm.as_ref().map(|s| s.value),
        Some(40_000)
    );
    let readings = db
        .collections
        .iter()
        .find(|c| c.name.value == "sensor_readings")
        .expect("readings");
    assert_eq!(
        readings.fields["device_id"]
            .cardinality
            .as_ref()
            .map(|c| c.value),
        Some(2_000_000)
    );
}

#[test]
fn a_fixed_size_service_does_not_inherit_scale_blocks() {
    let project = project_of_text(
        "defaults {\n  scale cpu { utilization = 70% }\n}\n\
         service cron {\n  image = \"a:1\"\n  replicas = 1\n}\n",
    );
    assert!(project.services[0].scaling.is_empty());
    assert!(matches!(project.services[0].replicas, Some(Replicas::Fixed(ref n)) if n.value == 1));
}

#[test]
fn env_merges_key_by_key_and_the_service_wins() {
    let project = project_of_text(
        "defaults {\n  env {\n    A = \"1\"\n    B = \"2\"\n  }\n}\n\
         service api {\n  image = \"a:1\"\n  env { B = \"3\" }\n}\n",
    );
    let env: Vec<(&str, &EnvValue)> = project.services[0]
        .env
        .iter()
        .map(|(k, v)| (k.as_str(), &v.value))
        .collect();
    assert_eq!(
        env,
        [
            ("A", &EnvValue::Literal("1".into())),
            ("B", &EnvValue::Literal("3".into()))
        ]
    );
}

#[test]
fn env_values_from_secrets_name_the_key_and_never_a_value() {
    let project = project_of_text(
        "service api {\n  image = \"a:1\"\n  env {\n    P = secret(\"db\", \"password\")\n    R = config_map(settings, region)\n  }\n}\n",
    );
    let env = &project.services[0].env;
    assert_eq!(
        env["P"].value,
        EnvValue::From(KeyRef {
            source: ConfigSource::Secret("db".into()),
            key: "password".into()
        })
    );
    assert_eq!(
        env["R"].value,
        EnvValue::From(KeyRef {
            source: ConfigSource::ConfigMap("settings".into()),
            key: "region".into()
        })
    );
}

#[test]
fn probes_labels_and_files_merge_with_defaults_kind_by_kind_and_key_by_key() {
    let project = project_of_text(
        "defaults {\n  port = 8080\n  probe readiness { http = \"/ready\" }\n  probe liveness { tcp = 8080 }\n  \
         labels { team = \"a\"\n    tier = \"web\" }\n  files { \"/etc/a\" = secret(a) }\n}\n\
         service api {\n  image = \"a:1\"\n  probe liveness { exec = [\"/bin/ok\"] }\n  \
         labels { team = \"b\" }\n  files { \"/etc/b\" = config_map(b) }\n}\n",
    );
    let api = &project.services[0];
    let probes: Vec<(ProbeKind, &ProbeHandler)> = api
        .probes
        .iter()
        .map(|p| (p.kind.value, &p.handler.value))
        .collect();
    assert_eq!(
        probes,
        [
            (
                ProbeKind::Readiness,
                &ProbeHandler::Http {
                    path: "/ready".into(),
                    port: None
                }
            ),
            (
                ProbeKind::Liveness,
                &ProbeHandler::Exec {
                    command: vec!["/bin/ok".into()]
                }
            ),
        ]
    );
    let labels: Vec<(&str, &str)> = (api.metadata.labels.iter())
        .map(|(k, v)| (k.as_str(), v.value.as_str()))
        .collect();
    assert_eq!(labels, [("team", "b"), ("tier", "web")]);
    let files: Vec<(&str, &ConfigSource)> = (api.files.iter())
        .map(|(k, v)| (k.as_str(), &v.value))
        .collect();
    assert_eq!(
        files,
        [
            ("/etc/a", &ConfigSource::Secret("a".into())),
            ("/etc/b", &ConfigSource::ConfigMap("b".into()))
        ]
    );
}

#[test]
fn keda_project_lowers_percent_disruption_and_rates() {
    let mut projects = projects_of(&["policies/shop"]);
    let shop = projects.remove(0);
    assert_eq!(shop.cluster.autoscaler, Autoscaler::Keda);
    let worker = service(&shop, "order-worker");
    assert!(
        matches!(worker.disruption, Some(Disruption::MaxUnavailable(ref m)) if m.value == IntOrPercent::Percent(25))
    );
    let storefront = service(&shop, "storefront");
    let load = storefront.load.as_ref().expect("load");
    assert_eq!(load.peak_milli.value, 2_400_000);
    assert_eq!(
        shop.queue("orders").map(|q| match &q.source {
            QueueSource::Sqs { region, .. } => region.as_str(),
            other => panic!("orders is an SQS queue: {other:?}"),
        }),
        Some("eu-west-1")
    );
    assert_eq!(
        shop.queue("orders")
            .and_then(|q| q.auth.as_ref())
            .map(|a| &a.value),
        Some(&QueueAuth::TriggerAuthentication("shop-sqs-reader".into()))
    );
}

#[test]
fn labels_point_at_the_value_that_was_written() {
    let text = "service api {\n  image = \"a:1\"\n  replicas = 1 .. 5\n}\n";
    let project = project_of_text(text);
    let Some(Replicas::Range { min, .. }) = &project.services[0].replicas else {
        panic!("a range");
    };
    assert_eq!(&text[min.span.start..min.span.end], "1");
}

#[test]
fn selector_keys_may_be_quoted_label_keys() {
    let project = project_of_text(
        "metric rps {\n  kind = pods\n\n  selector {\n    \"app.kubernetes.io/name\" = \"api\"\n    tier = \"web\"\n  }\n}\n\n\
         service api {\n  image    = \"a:1.0\"\n  replicas = 2 .. 4\n\n  scale rps { average = 10 }\n}\n",
    );
    let selector: Vec<(&str, &str)> = project.metrics[0]
        .selector
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    assert_eq!(
        selector,
        [("app.kubernetes.io/name", "api"), ("tier", "web")]
    );
}

/// Lowers each set of files in turn in one directory, so the projects differ
/// only by what the files say: one project each, or one per environment.
fn lower_in_one_dir(versions: &[&[(&str, &str)]]) -> Vec<Vec<scalec::model::Project>> {
    let dir = common::project_dir();
    let mut projects = Vec::new();
    for files in versions {
        for entry in std::fs::read_dir(dir.path()).expect("readable temp dir") {
            std::fs::remove_file(entry.expect("entry").path()).expect("removable file");
        }
        for (name, text) in *files {
            std::fs::write(dir.path().join(name), text).expect("writable temp dir");
        }
        let lowered = projects_of(&[dir.path().to_str().expect("UTF-8 temp path")]);
        assert!(!lowered.is_empty());
        projects.push(lowered);
    }
    projects
}

const API: &str = "\
cluster { namespace = \"shop\" }

defaults {
  port   = 8080
  health = \"/healthz\"
}

service api {
  image    = \"registry.example.com/api:1.4.2\"
  cpu      = 250m
  memory   = 256Mi .. 512Mi
  replicas = 2 .. 10
  scale cpu { utilization = 70% }
}

service web {
  image    = \"registry.example.com/web:2.0.0\"
  cpu      = 100m
  memory   = 128Mi .. 256Mi
  replicas = 2
}
";

#[test]
fn model_equality_ignores_layout_file_split_and_block_order() {
    let moved = "\
# web first, then api, in another file; spans and file ids all differ
service web {
  image = \"registry.example.com/web:2.0.0\"; cpu = 100m
  memory = 128Mi .. 256Mi
  replicas = 2
  port = 8080; health = \"/healthz\"
}
";
    let api_alone = "\
cluster { namespace = \"shop\" }


service   api {
    replicas = 2..10
    image = \"registry.example.com/api:1.4.2\"
    scale cpu {
      utilization = 70%
    }
    cpu = 250m
    memory = 256Mi..512Mi
    port = 8080
    health = \"/healthz\"
}
";
    let projects = lower_in_one_dir(&[
        &[("policy.scale", API)],
        &[("a.scale", moved), ("b.scale", api_alone)],
    ]);
    assert_ne!(
        projects[0][0].services[0].span,
        projects[1][0].services[0].span
    );
    assert_eq!(projects[0], projects[1]);
}

#[test]
fn model_equality_sees_every_change_of_meaning() {
    for (from, to) in [
        ("replicas = 2 .. 10", "replicas = 2 .. 11"),
        ("utilization = 70%", "utilization = 71%"),
        ("cpu      = 250m", "cpu      = 300m"),
        ("namespace = \"shop\"", "namespace = \"store\""),
        ("port   = 8080", "port   = 8081"),
        ("  replicas = 2\n", "  replicas = 2 .. 2\n"),
    ] {
        assert!(API.contains(from), "{from}");
        let changed = API.replacen(from, to, 1);
        let projects = lower_in_one_dir(&[&[("policy.scale", API)], &[("policy.scale", &changed)]]);
        assert_ne!(
            projects[0], projects[1],
            "`{from}` → `{to}` must change the model"
        );
    }
}

#[test]
fn formatting_every_bundled_policy_keeps_its_model() {
    for project in [
        "policies/aether",
        "policies/shop",
        "policies/pulse",
        "policies/ledger",
    ] {
        let mut files: Vec<(String, String)> = std::fs::read_dir(project)
            .expect("bundled project")
            .map(|entry| {
                let path = entry.expect("entry").path();
                let name = path
                    .file_name()
                    .expect("a file")
                    .to_string_lossy()
                    .into_owned();
                (name, std::fs::read_to_string(&path).expect("UTF-8 policy"))
            })
            .collect();
        files.sort();
        let formatted: Vec<(String, String)> = files
            .iter()
            .map(|(name, text)| {
                // Loosen the layout first (indent every line, double every
                // line break), so formatting has work to do.
                let loose: String = text.lines().map(|line| format!("    {line}\n\n")).collect();
                let mut map = scalec::source::SourceMap::new();
                let id = map.add(name.as_str(), &loose);
                let ast = scalec::syntax::parse_file(map.get(id), &mut Vec::new()).expect("parses");
                let text = scalec::fmt::format(&ast, &loose).expect("formats");
                assert_ne!(text, loose);
                (name.clone(), text)
            })
            .collect();
        let original: Vec<(&str, &str)> = files
            .iter()
            .map(|(n, t)| (n.as_str(), t.as_str()))
            .collect();
        let again: Vec<(&str, &str)> = formatted
            .iter()
            .map(|(n, t)| (n.as_str(), t.as_str()))
            .collect();
        let projects = lower_in_one_dir(&[&original, &again]);
        assert_eq!(projects[0], projects[1], "{project}: fmt changed the model");
    }
}

/// Issue #14: `autoscaler` is the service's own, else `defaults`', else the
/// `cluster`'s, else the HPA.
#[test]
fn a_service_takes_its_autoscaler_from_itself_defaults_cluster_then_hpa() {
    const SERVICES: &str = "\
service own {
  image      = \"a:1\"
  autoscaler = hpa
  replicas   = 1 .. 5
  scale cpu { utilization = 70% }
}
service inherits {
  image    = \"a:1\"
  replicas = 1 .. 5
  scale cpu { utilization = 70% }
}
";
    let autoscalers = |text: String| {
        let project = project_of_text(&text);
        (
            service(&project, "own").autoscaler,
            service(&project, "inherits").autoscaler,
        )
    };
    let cluster = "cluster {\n  autoscaler = keda\n}\n";
    let defaults = "defaults {\n  autoscaler = keda\n  cpu = 250m\n}\n";
    assert_eq!(
        autoscalers(format!("{cluster}{defaults}{SERVICES}")),
        (Autoscaler::Hpa, Autoscaler::Keda)
    );
    assert_eq!(
        autoscalers(format!("{defaults}{SERVICES}")),
        (Autoscaler::Hpa, Autoscaler::Keda)
    );
    let cpu = "defaults {\n  cpu = 250m\n}\n";
    assert_eq!(
        autoscalers(format!("{cluster}{cpu}{SERVICES}")),
        (Autoscaler::Hpa, Autoscaler::Keda)
    );
    assert_eq!(
        autoscalers(format!("{cpu}{SERVICES}")),
        (Autoscaler::Hpa, Autoscaler::Hpa)
    );
    // The written value is part of the model's meaning, and where it came
    // from is not: `defaults` or the service itself mean the same.
    let projects = lower_in_one_dir(&[
        &[("policy.scale", &format!("{defaults}{SERVICES}"))],
        &[(
            "policy.scale",
            &format!(
                "{cpu}{}",
                SERVICES.replace(
                    "replicas = 1 .. 5",
                    "autoscaler = keda\n  replicas = 1 .. 5"
                )
            ),
        )],
        &[("policy.scale", &format!("{cpu}{SERVICES}"))],
    ]);
    assert_eq!(projects[0], projects[1]);
    assert_ne!(projects[0], projects[2]);
}

/// Issue #14: what a signal needs is checked against its own service's
/// autoscaler (E008), not the project's.
#[test]
fn signals_are_checked_against_their_services_autoscaler() {
    let text = "\
cluster {
  autoscaler = keda
}
metric lag {
  kind = object
  object {
    kind        = \"Ingress\"
    name        = \"main\"
    api_version = \"networking.k8s.io/v1\"
  }
}
service adapter {
  image      = \"a:1\"
  autoscaler = hpa
  replicas   = 1 .. 5
  scale lag { average = 30 }
}
service keda {
  image    = \"a:1\"
  replicas = 1 .. 5
  scale lag { average = 30 }
}
";
    let checked = common::check_text(text);
    let errors: Vec<_> = (checked.diagnostics.iter())
        .filter(|d| d.severity == scalec::diag::Severity::Error)
        .collect();
    assert_eq!(errors.len(), 1, "{}", checked.human);
    assert_eq!(errors[0].code.id, "E008");
    assert!(
        checked.human.contains("in service `keda`"),
        "{}",
        checked.human
    );
    assert!(
        checked.human.contains("the project uses KEDA"),
        "{}",
        checked.human
    );
    assert!(
        !checked.human.contains("in service `adapter`"),
        "{}",
        checked.human
    );
    // Moved to the HPA itself, it compiles, and no KEDA is left beside the
    // HPAs' external metric (K124).
    let fixed = text.replace(
        "service keda {\n  image    = \"a:1\"\n",
        "service keda {\n  image    = \"a:1\"\n  autoscaler = hpa\n",
    );
    let checked = common::check_text(&fixed);
    assert!(
        !checked
            .codes()
            .iter()
            .any(|c| c.starts_with('E') || *c == "K124"),
        "{}",
        checked.human
    );
}

/// Issue #14: a queue's name in its URL selects the HPA's external metric,
/// so it must be a label value when a service scaled by the HPA reads it,
/// even in a project whose autoscaler is KEDA; when only KEDA reads it, it
/// need not be.
#[test]
fn a_queue_read_by_an_hpa_needs_a_name_that_selects_its_metric() {
    let long = "q".repeat(70);
    let text = |autoscaler: &str| {
        format!(
            "\
cluster {{
  autoscaler = keda
}}
queue jobs {{
  provider = aws-sqs
  url      = \"https://sqs.us-east-1.amazonaws.com/123456789012/{long}\"
  auth     = operator
}}
service worker {{
  image      = \"a:1\"
  cpu        = 250m
  autoscaler = {autoscaler}
  replicas   = 1 .. 5
  scale jobs {{ average = 30 }}
}}
"
        )
    };
    let checked = common::check_text(&text("keda"));
    assert!(
        !checked.codes().iter().any(|c| c.starts_with('E')),
        "{}",
        checked.human
    );
    let checked = common::check_text(&text("hpa"));
    assert!(checked.codes().contains(&"E006"), "{}", checked.human);
    assert!(
        (checked.diagnostics.iter())
            .any(|d| d.message.contains("cannot select the external metric")),
        "{}",
        checked.human
    );
}
