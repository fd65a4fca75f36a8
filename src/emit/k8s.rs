//! Kubernetes built-ins for a service: Deployment, HorizontalPodAutoscaler,
//! PodDisruptionBudget, and the project's kustomization. The Service and
//! NetworkPolicy come from `service` and `network`.
//!
//! Choices an operator relies on:
//! - An autoscaled Deployment has no `spec.replicas`, so `kubectl apply` and
//!   GitOps never reset the autoscaler's choice (kubernetes/kubernetes#25238).
//!   A service that does not autoscale gets its fixed size, or the bottom of
//!   its range, or 1.
//! - Every HorizontalPodAutoscaler has an explicit `maxReplicas`.
//! - Probes come from `emit/probes.rs`: `health` becomes a readiness probe
//!   (every 5 s) and a liveness probe (every 10 s after 15 s, three
//!   failures) on the container port, unless a `probe` block replaces one.
//! - A `disruption` block is always written as a PodDisruptionBudget, at any
//!   replica count; a service without one gets `maxUnavailable: 1` when its
//!   minimum is 2 or more (`Service::disruption_budget` decides, and K119
//!   judges the same budget), with `unhealthyPodEvictionPolicy: AlwaysAllow`
//!   so a pod that is not Ready never blocks a drain.
//! - Every pod is hardened by `emit::security` and runs as the service's own
//!   ServiceAccount (`emit::identity`).

use std::collections::BTreeMap;
use std::path::PathBuf;

use k8s_openapi::api::apps::v1::{Deployment, DeploymentSpec};
use k8s_openapi::api::autoscaling::v2::{
    CrossVersionObjectReference, ExternalMetricSource, HorizontalPodAutoscaler,
    HorizontalPodAutoscalerSpec, MetricIdentifier, MetricSpec, MetricTarget, ObjectMetricSource,
    PodsMetricSource, ResourceMetricSource,
};
use k8s_openapi::api::core::v1::{
    Container, PodSpec, PodTemplateSpec, ResourceRequirements, TopologySpreadConstraint,
};
use k8s_openapi::api::policy::v1::{PodDisruptionBudget, PodDisruptionBudgetSpec};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use serde::Serialize;

use super::{Context, OutputFile, YamlFile, document, keda};
use crate::model::{
    Autoscaler, Disruption, DisruptionBudget, IntOrPercent, MetricKind, Project, Service,
    SignalSource, Spread, Target,
};

/// The label the Deployment controller puts on each ReplicaSet's pods, which
/// the topology spread constraint's `matchLabelKeys` names. Every target
/// Kubernetes version serves `matchLabelKeys` by default; this fails to
/// compile if the oldest target drops below the one that does.
const POD_TEMPLATE_HASH: &str = "pod-template-hash";

/// The extended resource of NVIDIA's device plugin, which `gpu` asks for.
pub const GPU_RESOURCE: &str = "nvidia.com/gpu";
const MATCH_LABEL_KEYS_SINCE: crate::model::KubeVersion =
    crate::model::features::SPREAD_MATCH_LABEL_KEYS.since;
const _: () = assert!(
    crate::model::KubeVersion::OLDEST.major > MATCH_LABEL_KEYS_SINCE.major
        || (crate::model::KubeVersion::OLDEST.major == MATCH_LABEL_KEYS_SINCE.major
            && crate::model::KubeVersion::OLDEST.minor >= MATCH_LABEL_KEYS_SINCE.minor),
    "every target Kubernetes version must serve topology spread matchLabelKeys"
);

/// `SERVICE.yaml`: the ServiceAccount, the Deployment, its autoscaler, its
/// disruption budget, its NetworkPolicy and its PodMonitor or
/// ServiceMonitor; for a job, the ServiceAccount and the ScaledJob.
pub fn service_file(context: &Context<'_>, service: &Service) -> OutputFile {
    // Room for a typical service's file, so the text is not copied as it grows.
    let mut file = YamlFile::new(context.header("#", service.file), 4096);
    file.push(&super::identity::service_account(context, service));
    if service.is_job() {
        // Jobs of a ScaledJob: no Deployment, Service, autoscaler or budget,
        // and no NetworkPolicy of its own: lowering refuses a job's ports,
        // so nothing may reach it and the default-deny covers it.
        file.push(&keda::scaled_job(context, service));
        return OutputFile {
            path: PathBuf::from(super::layout::service_file(&service.name.value)),
            content: file.finish(),
        };
    }
    file.push(&deployment(context, service));
    if let Some(kubernetes_service) = super::service::service(context, service) {
        file.push(&kubernetes_service);
    }
    if service.is_autoscaled() {
        match service.autoscaler {
            Autoscaler::Hpa => file.push(&hpa(context, service)),
            Autoscaler::Keda => file.push(&keda::scaled_object(context, service)),
        }
    }
    if let Some(pdb) = disruption_budget(context, service) {
        file.push(&pdb);
    }
    if let Some(policy) = super::network::service_policy(context, service) {
        file.push(&policy);
    }
    match super::monitor::monitor(context, service) {
        Some(super::monitor::Monitor::Pod(monitor)) => file.push(&monitor),
        Some(super::monitor::Monitor::Service(monitor)) => file.push(&monitor),
        None => {}
    }
    OutputFile {
        path: PathBuf::from(super::layout::service_file(&service.name.value)),
        content: file.finish(),
    }
}

fn selector(context: &Context<'_>, name: &str) -> LabelSelector {
    LabelSelector {
        match_labels: Some(context.selector(name)),
        ..Default::default()
    }
}

/// The replica count a Deployment states, or `None` when an autoscaler owns it.
fn fixed_replicas(service: &Service) -> Option<i32> {
    if service.is_autoscaled() {
        return None;
    }
    Some(service.replicas.as_ref().map_or(1, |r| r.range().0))
}

pub fn deployment(context: &Context<'_>, service: &Service) -> Deployment {
    let name = &service.name.value;
    Deployment {
        metadata: super::pod::deployment_metadata(context, service),
        spec: Some(DeploymentSpec {
            replicas: fixed_replicas(service),
            selector: selector(context, name),
            template: pod_template(context, service),
            ..Default::default()
        }),
        ..Default::default()
    }
}

/// The pod template of a service's Deployment, or of each Job of its
/// ScaledJob: one container, hardened, as its own ServiceAccount. A job's
/// pod is never restarted in place (`restartPolicy: Never`: a failed pod is
/// kept to read and the Job's `retries` start another), and its spread has
/// no `matchLabelKeys`, as Job pods carry no `pod-template-hash`.
pub fn pod_template(context: &Context<'_>, service: &Service) -> PodTemplateSpec {
    let name = &service.name.value;
    let job = service.is_job();
    let probes = super::probes::container_probes(service);
    let files = super::pod::files(service);
    let container = Container {
        name: name.clone(),
        image: Some(service.image.value.clone()),
        ports: super::service::container_ports(service),
        env: super::pod::env(service),
        env_from: super::pod::env_from(service),
        volume_mounts: files.mounts,
        resources: resources(service),
        readiness_probe: probes.readiness,
        liveness_probe: probes.liveness,
        startup_probe: probes.startup,
        lifecycle: super::pod::lifecycle(service),
        ..Default::default()
    };
    let spread = service.spread.as_ref().map(|spread| {
        vec![TopologySpreadConstraint {
            max_skew: 1,
            topology_key: match spread.value {
                Spread::Zone => super::scheduling::ZONE_LABEL.into(),
                Spread::Node => "kubernetes.io/hostname".into(),
            },
            // Spread as well as the zones allow, but never leave a pod pending
            // because one zone is short of nodes, unless the policy asks to.
            when_unsatisfiable: if service.spread_strict.as_ref().is_some_and(|s| s.value) {
                "DoNotSchedule".into()
            } else {
                "ScheduleAnyway".into()
            },
            label_selector: Some(selector(context, name)),
            // Each ReplicaSet of a rollout is spread on its own: the old
            // pods, about to go, do not skew where the new ones land.
            match_label_keys: (!job).then(|| vec![POD_TEMPLATE_HASH.into()]),
            ..Default::default()
        }]
    });
    let mut pod = PodSpec {
        service_account_name: Some(name.clone()),
        containers: vec![container],
        topology_spread_constraints: spread,
        termination_grace_period_seconds: super::pod::termination_grace_period(service),
        volumes: files.volumes,
        image_pull_secrets: super::pod::image_pull_secrets(service),
        restart_policy: job.then(|| "Never".into()),
        ..Default::default()
    };
    super::scheduling::apply(&mut pod, &service.scheduling);
    super::security::harden(
        &mut pod,
        service.hardening(),
        (service.tmp.as_ref()).map(|tmp| Quantity(tmp.value.text.clone())),
        service.mounts_token(),
    );
    PodTemplateSpec {
        metadata: Some(super::pod::pod_metadata(context, service)),
        spec: Some(pod),
    }
}

fn resources(service: &Service) -> Option<ResourceRequirements> {
    let mut requests = BTreeMap::new();
    let mut limits = BTreeMap::new();
    if let Some(cpu) = &service.cpu {
        requests.insert("cpu".to_string(), Quantity(cpu.request.value.text.clone()));
        if let Some(limit) = &cpu.limit {
            limits.insert("cpu".to_string(), Quantity(limit.value.text.clone()));
        }
    }
    if let Some(memory) = &service.memory {
        requests.insert(
            "memory".to_string(),
            Quantity(memory.request.value.text.clone()),
        );
        if let Some(limit) = &memory.limit {
            limits.insert("memory".to_string(), Quantity(limit.value.text.clone()));
        }
    }
    if let Some(gpu) = &service.gpu {
        // An extended resource is not overcommitted: Kubernetes requires its
        // request to equal its limit. Both are written, so they read alike.
        let gpus = Quantity(gpu.value.to_string());
        requests.insert(GPU_RESOURCE.to_string(), gpus.clone());
        limits.insert(GPU_RESOURCE.to_string(), gpus);
    }
    if let Some(storage) = &service.ephemeral_storage {
        requests.insert(
            "ephemeral-storage".to_string(),
            Quantity(storage.request.value.text.clone()),
        );
        if let Some(limit) = &storage.limit {
            limits.insert(
                "ephemeral-storage".to_string(),
                Quantity(limit.value.text.clone()),
            );
        }
    }
    if requests.is_empty() && limits.is_empty() {
        return None;
    }
    Some(ResourceRequirements {
        requests: (!requests.is_empty()).then_some(requests),
        limits: (!limits.is_empty()).then_some(limits),
        ..Default::default()
    })
}

pub fn hpa(context: &Context<'_>, service: &Service) -> HorizontalPodAutoscaler {
    let name = &service.name.value;
    let range = super::autoscale::range(service);
    HorizontalPodAutoscaler {
        metadata: context.metadata(name),
        spec: Some(HorizontalPodAutoscalerSpec {
            scale_target_ref: CrossVersionObjectReference {
                api_version: Some("apps/v1".into()),
                kind: "Deployment".into(),
                name: name.clone(),
            },
            min_replicas: Some(range.min()),
            max_replicas: range.max(),
            metrics: Some(
                service
                    .scaling
                    .iter()
                    .map(|s| metric(context.project, &s.source.value, &s.target.value))
                    .collect(),
            ),
            behavior: super::autoscale::behavior(context.project, service),
        }),
        ..Default::default()
    }
}

fn metric_target(target: &Target) -> MetricTarget {
    match target {
        Target::Utilization(percent) => MetricTarget {
            type_: "Utilization".into(),
            average_utilization: Some(*percent),
            ..Default::default()
        },
        Target::Average(value) => MetricTarget {
            type_: "AverageValue".into(),
            average_value: Some(Quantity(value.text.clone())),
            ..Default::default()
        },
        Target::Total(value) => MetricTarget {
            type_: "Value".into(),
            value: Some(Quantity(value.text.clone())),
            ..Default::default()
        },
        Target::Replicas(_) => unreachable!("lowering rejects schedules under the HPA"),
    }
}

fn label_selector(labels: &BTreeMap<String, String>) -> Option<LabelSelector> {
    (!labels.is_empty()).then(|| LabelSelector {
        match_labels: Some(labels.clone()),
        ..Default::default()
    })
}

/// One HPA metric for a signal.
fn metric(project: &Project, source: &SignalSource, target: &Target) -> MetricSpec {
    let target = metric_target(target);
    match source {
        SignalSource::Cpu | SignalSource::Memory => MetricSpec {
            type_: "Resource".into(),
            resource: Some(ResourceMetricSource {
                name: if *source == SignalSource::Cpu {
                    "cpu"
                } else {
                    "memory"
                }
                .into(),
                target,
            }),
            ..Default::default()
        },
        SignalSource::Metric(name) => {
            let metric = project
                .metric(name)
                .expect("lowering resolved every metric reference");
            let identifier = MetricIdentifier {
                name: metric.metric_name.clone(),
                selector: label_selector(&metric.selector),
            };
            match metric.kind.value {
                MetricKind::Pods => MetricSpec {
                    type_: "Pods".into(),
                    pods: Some(PodsMetricSource {
                        metric: identifier,
                        target,
                    }),
                    ..Default::default()
                },
                MetricKind::Object => {
                    let object = metric
                        .object
                        .as_ref()
                        .expect("lowering requires `object` for object metrics");
                    MetricSpec {
                        type_: "Object".into(),
                        object: Some(ObjectMetricSource {
                            described_object: CrossVersionObjectReference {
                                api_version: Some(object.api_version.clone()),
                                kind: object.kind.clone(),
                                name: object.name.clone(),
                            },
                            metric: identifier,
                            target,
                        }),
                        ..Default::default()
                    }
                }
                MetricKind::External => external(identifier, target),
            }
        }
        SignalSource::Queue(name) => {
            let queue = project
                .queue(name)
                .expect("lowering resolved every queue reference");
            let identifier = MetricIdentifier {
                name: queue.metric().to_string(),
                selector: label_selector(&queue.selector()),
            };
            external(identifier, target)
        }
        SignalSource::Schedule(_) => unreachable!("lowering rejects schedules under the HPA"),
    }
}

fn external(metric: MetricIdentifier, target: MetricTarget) -> MetricSpec {
    MetricSpec {
        type_: "External".into(),
        external: Some(ExternalMetricSource { metric, target }),
        ..Default::default()
    }
}

/// The PodDisruptionBudget that [`Service::disruption_budget`] decides: the
/// written `disruption` block always, the default only from two pods.
pub fn disruption_budget(context: &Context<'_>, service: &Service) -> Option<PodDisruptionBudget> {
    let int_or_percent = |bound: IntOrPercent| match bound {
        IntOrPercent::Int(n) => IntOrString::Int(n),
        IntOrPercent::Percent(p) => IntOrString::String(format!("{p}%")),
    };
    let (max_unavailable, min_available) = match service.disruption_budget()? {
        DisruptionBudget::Written(Disruption::MinAvailable(m)) => {
            (None, Some(int_or_percent(m.value)))
        }
        DisruptionBudget::Written(Disruption::MaxUnavailable(m)) => {
            (Some(int_or_percent(m.value)), None)
        }
        DisruptionBudget::Default => (Some(IntOrString::Int(1)), None),
    };
    let name = &service.name.value;
    Some(PodDisruptionBudget {
        metadata: context.metadata(name),
        spec: Some(PodDisruptionBudgetSpec {
            selector: Some(selector(context, name)),
            max_unavailable,
            min_available,
            // A pod that is not Ready protects nothing: evicting it costs no
            // availability, and a crash-looping pod would otherwise block
            // every drain while the budget has no room.
            unhealthy_pod_eviction_policy: Some("AlwaysAllow".into()),
        }),
        ..Default::default()
    })
}

/// `kustomization.yaml`, listing every manifest of the project.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Kustomization {
    api_version: &'static str,
    kind: &'static str,
    resources: Vec<String>,
}

/// The resources are sorted, after `namespace.yaml`: the Namespace exists
/// before anything is created in it.
pub fn kustomization(context: &Context<'_>, mut resources: Vec<String>) -> OutputFile {
    resources.sort();
    resources.insert(0, super::layout::NAMESPACE_FILE.to_string());
    let kustomization = Kustomization {
        api_version: "kustomize.config.k8s.io/v1beta1",
        kind: "Kustomization",
        resources,
    };
    let header = format!(
        "# {} for the project `{}`. Do not edit: change the policies and run `scalec build`.\n",
        super::GENERATED_MARK,
        context.part_of
    );
    OutputFile {
        path: PathBuf::from(super::layout::KUSTOMIZATION),
        content: header + &super::yaml::to_string(&document(&kustomization)),
    }
}
