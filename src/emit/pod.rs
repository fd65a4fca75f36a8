//! What a service's pod holds beyond its container's image, ports,
//! resources and probes: how it stops (`terminationGracePeriodSeconds`, a
//! `preStop` hook), where its configuration comes from (`env`, `envFrom`,
//! Secrets and ConfigMaps mounted read-only), and the labels, annotations
//! and image pull secrets written on the Deployment and its pods. Secrets
//! are referenced by name and key; scalec never writes a secret's value.
//!
//! Each function fills its own fields of the Deployment that `emit/k8s.rs`
//! builds. Lowering proved every value valid (a `sleep` within the grace
//! period), so nothing here checks.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{
    ConfigMapEnvSource, ConfigMapKeySelector, ConfigMapVolumeSource, EnvFromSource, EnvVar,
    EnvVarSource, ExecAction, Lifecycle, LifecycleHandler, LocalObjectReference, SecretEnvSource,
    SecretKeySelector, SecretVolumeSource, SleepAction, Volume, VolumeMount,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

use super::Context;
use crate::model::{ConfigSource, EnvValue, PreStop, Service, Spanned};

/// The container's `lifecycle`: its `preStop` hook, if it has one.
pub fn lifecycle(service: &Service) -> Option<Lifecycle> {
    let pre_stop = match &service.pre_stop.as_ref()?.value {
        PreStop::Sleep(seconds) => LifecycleHandler {
            sleep: Some(SleepAction { seconds: *seconds }),
            ..Default::default()
        },
        PreStop::Exec(command) => LifecycleHandler {
            exec: Some(ExecAction {
                command: Some(command.clone()),
            }),
            ..Default::default()
        },
    };
    Some(Lifecycle {
        pre_stop: Some(pre_stop),
        ..Default::default()
    })
}

/// The pod's `terminationGracePeriodSeconds`, when written.
pub fn termination_grace_period(service: &Service) -> Option<i64> {
    service.grace_period_seconds.as_ref().map(|g| g.value)
}

/// The container's `env`, sorted by name: values as written, or references
/// to a Secret or ConfigMap key.
pub fn env(service: &Service) -> Option<Vec<EnvVar>> {
    (!service.env.is_empty()).then(|| {
        (service.env.iter())
            .map(|(name, value)| match &value.value {
                EnvValue::Literal(text) => EnvVar {
                    name: name.clone(),
                    value: Some(text.clone()),
                    ..Default::default()
                },
                EnvValue::From(reference) => EnvVar {
                    name: name.clone(),
                    value_from: Some(match &reference.source {
                        ConfigSource::Secret(secret) => EnvVarSource {
                            secret_key_ref: Some(SecretKeySelector {
                                name: secret.clone(),
                                key: reference.key.clone(),
                                ..Default::default()
                            }),
                            ..Default::default()
                        },
                        ConfigSource::ConfigMap(map) => EnvVarSource {
                            config_map_key_ref: Some(ConfigMapKeySelector {
                                name: map.clone(),
                                key: reference.key.clone(),
                                ..Default::default()
                            }),
                            ..Default::default()
                        },
                    }),
                    ..Default::default()
                },
            })
            .collect()
    })
}

/// The container's `envFrom`, in the order written (a later source wins a
/// key both hold, as Kubernetes applies them).
pub fn env_from(service: &Service) -> Option<Vec<EnvFromSource>> {
    (!service.env_from.is_empty()).then(|| {
        (service.env_from.iter())
            .map(|source| match &source.value {
                ConfigSource::Secret(name) => EnvFromSource {
                    secret_ref: Some(SecretEnvSource {
                        name: name.clone(),
                        ..Default::default()
                    }),
                    ..Default::default()
                },
                ConfigSource::ConfigMap(name) => EnvFromSource {
                    config_map_ref: Some(ConfigMapEnvSource {
                        name: name.clone(),
                        ..Default::default()
                    }),
                    ..Default::default()
                },
            })
            .collect()
    })
}

/// The pod's volumes for `files` and the container's mounts of them, each
/// read-only, in path order. Volume `files-N` is the Nth path.
pub struct Files {
    pub volumes: Option<Vec<Volume>>,
    pub mounts: Option<Vec<VolumeMount>>,
}

pub fn files(service: &Service) -> Files {
    if service.files.is_empty() {
        return Files {
            volumes: None,
            mounts: None,
        };
    }
    let (volumes, mounts) = (service.files.iter().enumerate())
        .map(|(index, (path, source))| {
            let name = format!("files-{}", index + 1);
            let volume = match &source.value {
                ConfigSource::Secret(secret) => Volume {
                    name: name.clone(),
                    secret: Some(SecretVolumeSource {
                        secret_name: Some(secret.clone()),
                        ..Default::default()
                    }),
                    ..Default::default()
                },
                ConfigSource::ConfigMap(map) => Volume {
                    name: name.clone(),
                    config_map: Some(ConfigMapVolumeSource {
                        name: map.clone(),
                        ..Default::default()
                    }),
                    ..Default::default()
                },
            };
            let mount = VolumeMount {
                name,
                mount_path: path.clone(),
                read_only: Some(true),
                ..Default::default()
            };
            (volume, mount)
        })
        .unzip();
    Files {
        volumes: Some(volumes),
        mounts: Some(mounts),
    }
}

/// The Deployment's metadata: scalec's labels with the service's `labels`
/// beside them, and its `annotations`.
pub fn deployment_metadata(context: &Context<'_>, service: &Service) -> ObjectMeta {
    let mut metadata = context.metadata(&service.name.value);
    add_labels(&mut metadata, &service.metadata.labels);
    metadata.annotations = annotations(&service.metadata.annotations);
    metadata
}

/// The pod template's metadata: scalec's labels with `pod_labels` beside
/// them, and `pod_annotations`.
pub fn pod_metadata(context: &Context<'_>, service: &Service) -> ObjectMeta {
    let mut metadata = ObjectMeta {
        labels: Some(context.labels(&service.name.value)),
        ..Default::default()
    };
    add_labels(&mut metadata, &service.metadata.pod_labels);
    metadata.annotations = annotations(&service.metadata.pod_annotations);
    metadata
}

/// Lowering refuses scalec's own keys, so nothing written replaces them.
fn add_labels(metadata: &mut ObjectMeta, written: &BTreeMap<String, Spanned<String>>) {
    let labels = metadata.labels.get_or_insert_with(BTreeMap::new);
    for (key, value) in written {
        labels.insert(key.clone(), value.value.clone());
    }
}

fn annotations(written: &BTreeMap<String, Spanned<String>>) -> Option<BTreeMap<String, String>> {
    (!written.is_empty()).then(|| {
        (written.iter())
            .map(|(key, value)| (key.clone(), value.value.clone()))
            .collect()
    })
}

/// The pod's `imagePullSecrets`, in the order written.
pub fn image_pull_secrets(service: &Service) -> Option<Vec<LocalObjectReference>> {
    (!service.image_pull_secrets.is_empty()).then(|| {
        (service.image_pull_secrets.iter())
            .map(|name| LocalObjectReference {
                name: name.value.clone(),
            })
            .collect()
    })
}
