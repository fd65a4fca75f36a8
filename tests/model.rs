//! What lowering builds: units, defaults and inheritance, resolved references.

mod common;

use common::{project_of_text, projects_of};
use scalec::model::{
    Autoscaler, Disruption, IntOrPercent, KubeVersion, QueueAuth, QueueSource, RateAmount,
    Replicas, SignalSource, Target,
};

fn aether() -> scalec::model::Project {
    let mut projects = projects_of(&["policies/aether"]);
    assert_eq!(projects.len(), 1);
    projects.remove(0)
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
    let nodes = project.cluster.nodes.as_ref().expect("nodes");
    assert_eq!((nodes.count.value.min, nodes.count.value.max), (4, 12));
    assert_eq!(nodes.cpu.value.millicores, 8000);
}

#[test]
fn the_queue_and_the_database_are_lowered_with_their_defaults() {
    let project = aether();
    let queue = project.queue("ingest-events").expect("queue");
    let QueueSource::Sqs { region, .. } = &queue.source;
    assert_eq!(region, "us-east-1");
    assert_eq!(
        queue.auth.as_ref().map(|a| &a.value),
        Some(&QueueAuth::TriggerAuthentication(
            "aether-sqs-reader".into()
        ))
    );
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
    let env: Vec<(&str, &str)> = project.services[0]
        .env
        .iter()
        .map(|(k, v)| (k.as_str(), v.value.as_str()))
        .collect();
    assert_eq!(env, [("A", "1"), ("B", "3")]);
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
        }),
        Some("eu-west-1")
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
