//! KEDA TriggerAuthentications (keda.sh/v1alpha1), one file per
//! `trigger_auth` a ScaledObject of the project uses: `NAME.yaml`.
//!
//! - `scope = cluster` makes it a ClusterTriggerAuthentication: the same
//!   spec, without a namespace (it is cluster-scoped). KEDA reads the
//!   Secrets and ConfigMaps it names in its cluster object namespace
//!   (`KEDA_CLUSTER_OBJECT_NAMESPACE`, by default the namespace the KEDA
//!   operator runs in; `pkg/scaling/resolver/scale_resolvers.go`,
//!   `getTriggerAuthSpec`), never in the project's.
//! - `pod_identity`, `role` and `owner` become `podIdentity`; `parameters`
//!   become `secretTargetRef` and `configMapTargetRef` entries, sorted by
//!   parameter. Only names and keys are written, never a value.
//! - An `external = true` one is never written: the platform or another
//!   project provides it, and queues only name it (with its kind).
//! - A `trigger_auth` no KEDA-scaled service reads through a queue is not
//!   written: on a cluster without KEDA its kind does not exist, and
//!   `kubectl apply` would fail on it.

use std::path::PathBuf;

use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use serde::Serialize;

use super::{Context, OutputFile, YamlFile};
use crate::model::{Autoscaler, ConfigSource, Project, QueueAuth, SignalSource, TriggerAuth};

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TriggerAuthentication {
    api_version: &'static str,
    kind: &'static str,
    metadata: ObjectMeta,
    spec: TriggerAuthenticationSpec,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct TriggerAuthenticationSpec {
    #[serde(skip_serializing_if = "Option::is_none")]
    pod_identity: Option<PodIdentitySpec>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    secret_target_ref: Vec<TargetRef>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    config_map_target_ref: Vec<TargetRef>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PodIdentitySpec {
    provider: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    role_arn: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    identity_owner: Option<&'static str>,
}

#[derive(Serialize)]
struct TargetRef {
    parameter: String,
    name: String,
    key: String,
}

/// Whether `auth` is written: it is not `external`, and a ScaledObject of
/// `project` reads through it (a KEDA-scaled service scales on a queue whose
/// `auth` names it).
pub fn is_used(project: &Project, auth: &TriggerAuth) -> bool {
    if auth.is_external() {
        return false;
    }
    let names_it = |queue: &str| {
        project.queue(queue).is_some_and(|queue| {
            matches!(&queue.auth, Some(a) if a.value == QueueAuth::TriggerAuthentication(auth.name.value.clone()))
        })
    };
    project.services.iter().any(|service| {
        service.is_autoscaled()
            && service.autoscaler == Autoscaler::Keda
            && (service.scaling.iter()).any(|signal| match &signal.source.value {
                SignalSource::Queue(queue) => names_it(queue),
                _ => false,
            })
    })
}

/// The TriggerAuthentication, or ClusterTriggerAuthentication, of `auth`.
pub fn trigger_authentication(context: &Context<'_>, auth: &TriggerAuth) -> TriggerAuthentication {
    let mut secret_target_ref = Vec::new();
    let mut config_map_target_ref = Vec::new();
    for (parameter, reference) in &auth.parameters {
        let (list, name) = match &reference.value.source {
            ConfigSource::Secret(name) => (&mut secret_target_ref, name),
            ConfigSource::ConfigMap(name) => (&mut config_map_target_ref, name),
        };
        list.push(TargetRef {
            parameter: parameter.clone(),
            name: name.clone(),
            key: reference.value.key.clone(),
        });
    }
    let mut metadata = context.metadata(&auth.name.value);
    if auth.is_cluster_scoped() {
        // Cluster-scoped: the API server refuses a namespace.
        metadata.namespace = None;
    }
    TriggerAuthentication {
        api_version: "keda.sh/v1alpha1",
        kind: auth.kind(),
        metadata,
        spec: TriggerAuthenticationSpec {
            pod_identity: auth.pod_identity.as_ref().map(|identity| PodIdentitySpec {
                provider: identity.value.word(),
                role_arn: auth.role.as_ref().map(|role| role.value.clone()),
                identity_owner: auth.owner.as_ref().map(|owner| owner.value.word()),
            }),
            secret_target_ref,
            config_map_target_ref,
        },
    }
}

/// `NAME.yaml`, holding the TriggerAuthentication of `auth`.
pub fn trigger_auth_file(context: &Context<'_>, auth: &TriggerAuth) -> OutputFile {
    let mut file = YamlFile::new(context.header("#", auth.span.file), 1024);
    file.push(&trigger_authentication(context, auth));
    OutputFile {
        path: PathBuf::from(super::layout::trigger_auth_file(&auth.name.value)),
        content: file.finish(),
    }
}
