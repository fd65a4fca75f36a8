//! KEDA custom resources (keda.sh/v1alpha1) for `autoscaler = keda`: one
//! ScaledObject per autoscaled service, in place of its HPA.
//!
//! - `maxReplicaCount` is always explicit: KEDA silently defaults it to 100.
//! - A queue becomes a trigger of its provider's scaler (`aws-sqs-queue`,
//!   `kafka`, `rabbitmq` in `QueueLength` mode, `redis`) whose target
//!   (`queueLength`, `lagThreshold`, `value`, `listLength`) is the
//!   `average` per pod, with an `authenticationRef` when `auth` names a
//!   `trigger_auth` (with `kind: ClusterTriggerAuthentication` for one of
//!   `scope = cluster`), or `identityOwner: operator` in its metadata for
//!   `auth = operator` (SQS only). Nothing else is added: an SQS queue
//!   without `auth` is K121's finding, not a default invented here. cpu and
//!   memory become `cpu`/`memory` triggers. A `pods` or `external` metric
//!   becomes a `prometheus` trigger querying `cluster { prometheus }` (the
//!   query is `prometheus::keda_query`), `AverageValue` for `average` and
//!   `Value` for `total`, its threshold a plain decimal as the scaler parses
//!   it. Lowering rejects what KEDA cannot express (object metrics, a
//!   queue's `total`), so nothing is dropped here.
//! - `scale_up`/`scale_down` go to `advanced.horizontalPodAutoscalerConfig`.
//! - A `keda` block's options become `pollingInterval`, `cooldownPeriod`,
//!   `initialCooldownPeriod`, `idleReplicaCount` and `fallback`, each only
//!   when written (KEDA's defaults apply otherwise); a queue's `activation`
//!   becomes its scaler's activation threshold (`activationQueueLength`,
//!   `activationLagThreshold`, `activationValue`, `activationListLength`). Lowering refused what KEDA's webhook
//!   would (an idle count not below the minimum, a fallback with only cpu
//!   and memory triggers).
//! - A service with a `job` block becomes a ScaledJob instead: the pod
//!   template of `k8s::pod_template` in a Job spec (`deadline`, `retries`,
//!   `parallelism`), `replicas` as `minReplicaCount`/`maxReplicaCount` (the
//!   Jobs kept running, and the most at once), the queue triggers written as
//!   for a ScaledObject (`average` is then the messages one Job takes),
//!   `polling`, the history limits and `strategy` when written, and always
//!   `rollout.strategy: gradual`: KEDA's default deletes every running Job
//!   when the ScaledJob changes, so each build would kill the work in
//!   flight.

use std::collections::BTreeMap;

use k8s_openapi::api::autoscaling::v2::HorizontalPodAutoscalerBehavior;
use k8s_openapi::api::batch::v1::JobSpec;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use serde::Serialize;

use super::Context;
use crate::model::{
    KedaOptions, QueueAuth, QueueSource, ScaleSignal, Service, SignalSource, Target,
};

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ScaledObject {
    api_version: &'static str,
    kind: &'static str,
    metadata: ObjectMeta,
    spec: ScaledObjectSpec,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ScaledObjectSpec {
    scale_target_ref: ScaleTargetRef,
    #[serde(skip_serializing_if = "Option::is_none")]
    polling_interval: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    cooldown_period: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    initial_cooldown_period: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    idle_replica_count: Option<i32>,
    min_replica_count: i32,
    max_replica_count: i32,
    #[serde(skip_serializing_if = "Option::is_none")]
    fallback: Option<FallbackSpec>,
    #[serde(skip_serializing_if = "Option::is_none")]
    advanced: Option<Advanced>,
    triggers: Vec<Trigger>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct FallbackSpec {
    failure_threshold: i32,
    replicas: i32,
    #[serde(skip_serializing_if = "Option::is_none")]
    behavior: Option<&'static str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ScaleTargetRef {
    api_version: &'static str,
    kind: &'static str,
    name: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Advanced {
    horizontal_pod_autoscaler_config: HpaConfig,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct HpaConfig {
    behavior: HorizontalPodAutoscalerBehavior,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Trigger {
    #[serde(rename = "type")]
    type_: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    metric_type: Option<&'static str>,
    metadata: BTreeMap<&'static str, String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    authentication_ref: Option<AuthenticationRef>,
}

#[derive(Serialize)]
struct AuthenticationRef {
    name: String,
    /// `ClusterTriggerAuthentication` for a cluster-scoped one; KEDA's
    /// default, `TriggerAuthentication`, is not written.
    #[serde(skip_serializing_if = "Option::is_none")]
    kind: Option<&'static str>,
}

/// The ScaledJob of a service with a `job` block.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ScaledJob {
    api_version: &'static str,
    kind: &'static str,
    metadata: ObjectMeta,
    spec: ScaledJobSpec,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ScaledJobSpec {
    job_target_ref: JobSpec,
    #[serde(skip_serializing_if = "Option::is_none")]
    polling_interval: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    successful_jobs_history_limit: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    failed_jobs_history_limit: Option<i32>,
    rollout: Rollout,
    min_replica_count: i32,
    max_replica_count: i32,
    #[serde(skip_serializing_if = "Option::is_none")]
    scaling_strategy: Option<ScalingStrategy>,
    triggers: Vec<Trigger>,
}

#[derive(Serialize)]
struct Rollout {
    strategy: &'static str,
}

#[derive(Serialize)]
struct ScalingStrategy {
    strategy: &'static str,
}

/// The ScaledJob of a service that runs as Jobs. Lowering proved it has a
/// `job` block and only queue signals; the guards K101 and K102 a range.
pub fn scaled_job(context: &Context<'_>, service: &Service) -> ScaledJob {
    let job = service
        .job
        .as_ref()
        .expect("only a service with a `job` block is written as a ScaledJob");
    let range = super::autoscale::range(service);
    let polling = (service.keda.as_ref())
        .and_then(|o| o.polling_seconds.as_ref())
        .map(|s| s.value);
    let value = |v: &Option<crate::model::Spanned<i32>>| v.as_ref().map(|v| v.value);
    ScaledJob {
        api_version: "keda.sh/v1alpha1",
        kind: "ScaledJob",
        metadata: super::pod::deployment_metadata(context, service),
        spec: ScaledJobSpec {
            job_target_ref: JobSpec {
                active_deadline_seconds: job.deadline_seconds.as_ref().map(|d| d.value),
                backoff_limit: value(&job.retries),
                parallelism: value(&job.parallelism),
                template: super::k8s::pod_template(context, service),
                ..Default::default()
            },
            polling_interval: polling,
            successful_jobs_history_limit: value(&job.successful_history),
            failed_jobs_history_limit: value(&job.failed_history),
            rollout: Rollout {
                strategy: "gradual",
            },
            min_replica_count: range.min(),
            max_replica_count: range.max(),
            scaling_strategy: (job.strategy.as_ref()).map(|s| ScalingStrategy {
                strategy: s.value.api_name(),
            }),
            triggers: service
                .scaling
                .iter()
                .map(|signal| trigger(context, service, signal))
                .collect(),
        },
    }
}

/// The ScaledObject of an autoscaled service.
pub fn scaled_object(context: &Context<'_>, service: &Service) -> ScaledObject {
    let name = &service.name.value;
    let range = super::autoscale::range(service);
    let options = service.keda.as_ref();
    let option = |get: fn(&KedaOptions) -> Option<i32>| options.and_then(get);
    ScaledObject {
        api_version: "keda.sh/v1alpha1",
        kind: "ScaledObject",
        metadata: context.metadata(name),
        spec: ScaledObjectSpec {
            scale_target_ref: ScaleTargetRef {
                api_version: "apps/v1",
                kind: "Deployment",
                name: name.clone(),
            },
            polling_interval: option(|o| o.polling_seconds.as_ref().map(|s| s.value)),
            cooldown_period: option(|o| o.cooldown_seconds.as_ref().map(|s| s.value)),
            initial_cooldown_period: option(|o| {
                o.initial_cooldown_seconds.as_ref().map(|s| s.value)
            }),
            idle_replica_count: option(|o| o.idle_replicas.as_ref().map(|s| s.value)),
            min_replica_count: range.min(),
            max_replica_count: range.max(),
            fallback: options
                .and_then(|o| o.fallback.as_ref())
                .map(|fallback| FallbackSpec {
                    failure_threshold: fallback.failures.value,
                    replicas: fallback.replicas.value,
                    behavior: fallback.behavior.as_ref().map(|b| b.value.api_name()),
                }),
            advanced: super::autoscale::behavior(context.project, service).map(|behavior| {
                Advanced {
                    horizontal_pod_autoscaler_config: HpaConfig { behavior },
                }
            }),
            triggers: service
                .scaling
                .iter()
                .map(|signal| trigger(context, service, signal))
                .collect(),
        },
    }
}

fn trigger(context: &Context<'_>, service: &Service, signal: &ScaleSignal) -> Trigger {
    let (source, target) = (&signal.source.value, &signal.target.value);
    match source {
        SignalSource::Cpu | SignalSource::Memory => {
            let (metric_type, value) = match target {
                Target::Utilization(percent) => ("Utilization", percent.to_string()),
                Target::Average(value) | Target::Total(value) => {
                    ("AverageValue", value.text.clone())
                }
                Target::Replicas(_) => unreachable!("lowering allows `replicas` on schedules only"),
            };
            Trigger {
                type_: if *source == SignalSource::Cpu {
                    "cpu"
                } else {
                    "memory"
                },
                metric_type: Some(metric_type),
                metadata: BTreeMap::from([("value", value)]),
                authentication_ref: None,
            }
        }
        SignalSource::Queue(name) => {
            let queue = context
                .project
                .queue(name)
                .expect("lowering resolved every queue reference");
            let length = match target {
                Target::Average(value) | Target::Total(value) => value.text.clone(),
                Target::Utilization(_) => unreachable!("lowering rejects utilization on a queue"),
                Target::Replicas(_) => unreachable!("lowering allows `replicas` on schedules only"),
            };
            let activation = (signal.activation.as_ref()).map(|a| a.value.text.clone());
            let mut metadata = match &queue.source {
                QueueSource::Sqs {
                    url,
                    region,
                    in_flight,
                    delayed,
                } => {
                    let mut metadata = BTreeMap::from([
                        ("awsRegion", region.clone()),
                        ("queueLength", length),
                        ("queueURL", url.value.clone()),
                    ]);
                    // Written only when set: KEDA's defaults apply otherwise.
                    for (key, value) in
                        [("scaleOnInFlight", in_flight), ("scaleOnDelayed", delayed)]
                    {
                        if let Some(value) = value {
                            metadata.insert(key, value.value.to_string());
                        }
                    }
                    if let Some(activation) = activation {
                        metadata.insert("activationQueueLength", activation);
                    }
                    metadata
                }
                QueueSource::Kafka {
                    brokers,
                    topic,
                    consumer_group,
                } => {
                    let mut metadata = BTreeMap::from([
                        ("bootstrapServers", brokers.join(",")),
                        ("consumerGroup", consumer_group.value.clone()),
                        ("lagThreshold", length),
                        ("topic", topic.value.clone()),
                    ]);
                    if let Some(activation) = activation {
                        metadata.insert("activationLagThreshold", activation);
                    }
                    metadata
                }
                QueueSource::RabbitMq { queue_name, vhost } => {
                    // `host` (with its password) comes from the
                    // TriggerAuthentication: lowering made sure of it.
                    let mut metadata = BTreeMap::from([
                        ("mode", "QueueLength".to_string()),
                        ("queueName", queue_name.value.clone()),
                        ("value", length),
                    ]);
                    if let Some(vhost) = vhost {
                        metadata.insert("vhostName", vhost.value.clone());
                    }
                    if let Some(activation) = activation {
                        metadata.insert("activationValue", activation);
                    }
                    metadata
                }
                QueueSource::Redis {
                    address,
                    list,
                    database,
                } => {
                    let mut metadata = BTreeMap::from([
                        ("address", address.clone()),
                        ("listLength", length),
                        ("listName", list.value.clone()),
                    ]);
                    if let Some(database) = database {
                        metadata.insert("databaseIndex", database.to_string());
                    }
                    if let Some(activation) = activation {
                        metadata.insert("activationListLength", activation);
                    }
                    metadata
                }
            };
            let mut authentication_ref = None;
            match queue.auth.as_ref().map(|auth| &auth.value) {
                Some(QueueAuth::TriggerAuthentication(name)) => {
                    let cluster_scoped = (context.project.trigger_auths.iter())
                        .any(|auth| auth.name.value == *name && auth.is_cluster_scoped());
                    authentication_ref = Some(AuthenticationRef {
                        name: name.clone(),
                        kind: cluster_scoped.then_some("ClusterTriggerAuthentication"),
                    });
                }
                Some(QueueAuth::Operator) => {
                    metadata.insert("identityOwner", "operator".to_string());
                }
                // K121 reports it: KEDA then tries the pod's identity and fails.
                None => {}
            }
            Trigger {
                type_: queue.source.provider().keda_scaler(),
                metric_type: None,
                metadata,
                authentication_ref,
            }
        }
        SignalSource::Schedule(name) => {
            let schedule = context
                .project
                .schedule(name)
                .expect("lowering resolved every schedule reference");
            let Target::Replicas(replicas) = target else {
                unreachable!("lowering gives a schedule a `replicas` target")
            };
            Trigger {
                type_: "cron",
                metric_type: None,
                metadata: BTreeMap::from([
                    ("desiredReplicas", replicas.to_string()),
                    ("end", schedule.end.value.clone()),
                    ("start", schedule.start.value.clone()),
                    ("timezone", schedule.timezone.value.clone()),
                ]),
                authentication_ref: None,
            }
        }
        SignalSource::Metric(name) => {
            let metric = context
                .project
                .metric(name)
                .expect("lowering resolved every metric reference");
            let server = (context.project.cluster.prometheus.as_ref())
                .expect("lowering requires `prometheus` for a metric under KEDA");
            let (metric_type, value) = match target {
                Target::Average(value) => ("AverageValue", value),
                Target::Total(value) => ("Value", value),
                Target::Utilization(_) | Target::Replicas(_) => {
                    unreachable!("lowering allows `average` and `total` on metrics only")
                }
            };
            let mut metadata = BTreeMap::from([
                (
                    "query",
                    super::prometheus::keda_query(context.namespace, service, metric),
                ),
                ("serverAddress", server.value.clone()),
                ("threshold", super::prometheus::decimal(value.milli)),
            ]);
            if let Some(activation) = &signal.activation {
                metadata.insert(
                    "activationThreshold",
                    super::prometheus::decimal(activation.value.milli),
                );
            }
            Trigger {
                type_: "prometheus",
                metric_type: Some(metric_type),
                metadata,
                authentication_ref: None,
            }
        }
    }
}
