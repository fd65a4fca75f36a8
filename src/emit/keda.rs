//! KEDA custom resources (keda.sh/v1alpha1) for `autoscaler = keda`: one
//! ScaledObject per autoscaled service, in place of its HPA.
//!
//! - `maxReplicaCount` is always explicit: KEDA silently defaults it to 100.
//! - A queue becomes an `aws-sqs-queue` trigger whose `queueLength` is the
//!   `average` (messages per pod), with an `authenticationRef` when `auth`
//!   names a TriggerAuthentication, or `identityOwner: operator` in its
//!   metadata for `auth = operator`. Nothing else is added: a queue without
//!   `auth` is K121's finding, not a default invented here. cpu and memory become `cpu`/`memory` triggers. Lowering
//!   rejects what KEDA cannot express (other metrics, `total` targets), so
//!   nothing is dropped here.
//! - `scale_up`/`scale_down` go to `advanced.horizontalPodAutoscalerConfig`.

use std::collections::BTreeMap;

use k8s_openapi::api::autoscaling::v2::HorizontalPodAutoscalerBehavior;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use serde::Serialize;

use super::Context;
use crate::model::{QueueAuth, QueueSource, Service, SignalSource, Target};

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
    min_replica_count: i32,
    max_replica_count: i32,
    #[serde(skip_serializing_if = "Option::is_none")]
    advanced: Option<Advanced>,
    triggers: Vec<Trigger>,
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
}

/// The ScaledObject of an autoscaled service.
pub fn scaled_object(context: &Context<'_>, service: &Service) -> ScaledObject {
    let name = &service.name.value;
    let range = super::autoscale::range(service);
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
            min_replica_count: range.min(),
            max_replica_count: range.max(),
            advanced: super::autoscale::behavior(context.project, service).map(|behavior| {
                Advanced {
                    horizontal_pod_autoscaler_config: HpaConfig { behavior },
                }
            }),
            triggers: service
                .scaling
                .iter()
                .map(|signal| trigger(context, &signal.source.value, &signal.target.value))
                .collect(),
        },
    }
}

fn trigger(context: &Context<'_>, source: &SignalSource, target: &Target) -> Trigger {
    match source {
        SignalSource::Cpu | SignalSource::Memory => {
            let (metric_type, value) = match target {
                Target::Utilization(percent) => ("Utilization", percent.to_string()),
                Target::Average(value) | Target::Total(value) => {
                    ("AverageValue", value.text.clone())
                }
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
            };
            let mut metadata = match &queue.source {
                QueueSource::Sqs { url, region } => BTreeMap::from([
                    ("awsRegion", region.clone()),
                    ("queueLength", length),
                    ("queueURL", url.value.clone()),
                ]),
            };
            let mut authentication_ref = None;
            match queue.auth.as_ref().map(|auth| &auth.value) {
                Some(QueueAuth::TriggerAuthentication(name)) => {
                    authentication_ref = Some(AuthenticationRef { name: name.clone() });
                }
                Some(QueueAuth::Operator) => {
                    metadata.insert("identityOwner", "operator".to_string());
                }
                // K121 reports it: KEDA then tries the pod's identity and fails.
                None => {}
            }
            Trigger {
                type_: "aws-sqs-queue",
                metric_type: None,
                metadata,
                authentication_ref,
            }
        }
        SignalSource::Metric(_) => {
            unreachable!("lowering rejects metrics under `autoscaler = keda`")
        }
    }
}
