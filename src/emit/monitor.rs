//! prometheus-operator custom resources (monitoring.coreos.com/v1) for a
//! service's `metrics` block: a PodMonitor, or with `monitor = service` a
//! ServiceMonitor, last in `SERVICE.yaml`; and the NetworkPolicy rule that
//! lets Prometheus reach the port, which `network` adds to the service's
//! policy (the namespace denies every connection it does not admit).
//!
//! - A PodMonitor selects the service's pods by its Deployment's selector
//!   labels, and its `podMetricsEndpoints[].port` is the container port's
//!   name (`emit::service` names every container port).
//! - A ServiceMonitor selects the service's Service by the same labels (the
//!   Service carries them), and its `endpoints[].port` is the Service port's
//!   name, which is the container port's.
//! - Each monitor carries scalec's labels and those of `monitor_labels`,
//!   which is how a Prometheus that selects monitors by label finds it.
//! - `path` is always written (`/metrics` unless the policy says otherwise);
//!   `interval` only when written, so Prometheus' global interval applies
//!   otherwise. Neither monitor sets a `namespaceSelector`: it finds its
//!   targets in its own namespace, the project's.
//! - Prometheus scrapes the pod itself in both cases (a ServiceMonitor only
//!   finds the pods through the Service's endpoints), so the rule admits
//!   the pods of `prometheus_namespace` on the container port, by name.
//!
//! Lowering resolved the port (E004, E007) and refused one that is not TCP
//! (E008), so emit writes what it finds.

use std::collections::BTreeMap;

use k8s_openapi::api::networking::v1::{
    NetworkPolicyIngressRule, NetworkPolicyPeer, NetworkPolicyPort,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use serde::Serialize;

use super::Context;
use crate::model::{MetricsEndpoint, MonitorKind, Service};

/// The label the API server sets on every namespace to its name.
const NAMESPACE_NAME_LABEL: &str = "kubernetes.io/metadata.name";

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PodMonitor {
    api_version: &'static str,
    kind: &'static str,
    metadata: ObjectMeta,
    spec: PodMonitorSpec,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PodMonitorSpec {
    selector: LabelSelector,
    pod_metrics_endpoints: Vec<Endpoint>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ServiceMonitor {
    api_version: &'static str,
    kind: &'static str,
    metadata: ObjectMeta,
    spec: ServiceMonitorSpec,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ServiceMonitorSpec {
    selector: LabelSelector,
    endpoints: Vec<Endpoint>,
}

/// One scrape target: the same fields in a PodMonitor's
/// `podMetricsEndpoints` and a ServiceMonitor's `endpoints`.
#[derive(Serialize)]
struct Endpoint {
    port: String,
    path: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    interval: Option<String>,
}

/// The monitor of a service with a `metrics` block.
pub enum Monitor {
    Pod(PodMonitor),
    Service(ServiceMonitor),
}

const API_VERSION: &str = "monitoring.coreos.com/v1";

fn endpoint(metrics: &MetricsEndpoint, port: &str) -> Endpoint {
    Endpoint {
        port: port.to_string(),
        path: metrics.path().to_string(),
        interval: (metrics.interval_seconds.as_ref())
            .map(|seconds| crate::model::format_seconds(i64::from(seconds.value))),
    }
}

/// The PodMonitor or ServiceMonitor of `service`; `None` without a
/// `metrics` block.
pub fn monitor(context: &Context<'_>, service: &Service) -> Option<Monitor> {
    let metrics = service.metrics.as_ref()?;
    let port = service
        .metrics_port()
        .expect("lowering resolves the metrics port (E004, E007)");
    let name = &service.name.value;
    let selector = LabelSelector {
        match_labels: Some(context.selector(name)),
        ..Default::default()
    };
    let endpoints = vec![endpoint(metrics, port.name)];
    let mut metadata = context.metadata(name);
    // Lowering refuses scalec's own keys, so nothing written replaces them.
    let labels = metadata.labels.get_or_insert_with(BTreeMap::new);
    for (key, value) in &metrics.labels {
        labels.insert(key.clone(), value.value.clone());
    }
    Some(match metrics.monitor() {
        MonitorKind::Pod => Monitor::Pod(PodMonitor {
            api_version: API_VERSION,
            kind: "PodMonitor",
            metadata,
            spec: PodMonitorSpec {
                selector,
                pod_metrics_endpoints: endpoints,
            },
        }),
        MonitorKind::Service => Monitor::Service(ServiceMonitor {
            api_version: API_VERSION,
            kind: "ServiceMonitor",
            metadata,
            spec: ServiceMonitorSpec {
                selector,
                endpoints,
            },
        }),
    })
}

/// The ingress rule of the service's NetworkPolicy that admits Prometheus:
/// the pods of its namespace, on the metrics port; `None` without a
/// `metrics` block.
pub fn scrape_rule(service: &Service) -> Option<NetworkPolicyIngressRule> {
    let metrics = service.metrics.as_ref()?;
    let port = service
        .metrics_port()
        .expect("lowering resolves the metrics port (E004, E007)");
    Some(NetworkPolicyIngressRule {
        from: Some(vec![NetworkPolicyPeer {
            namespace_selector: Some(LabelSelector {
                match_labels: Some(BTreeMap::from([(
                    NAMESPACE_NAME_LABEL.to_string(),
                    metrics.prometheus_namespace().to_string(),
                )])),
                ..Default::default()
            }),
            ..Default::default()
        }]),
        ports: Some(vec![NetworkPolicyPort {
            port: Some(IntOrString::String(port.name.to_string())),
            protocol: Some(port.protocol.kubernetes().to_string()),
            ..Default::default()
        }]),
    })
}
