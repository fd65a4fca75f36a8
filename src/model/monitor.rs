//! `metrics { ... }`: a service's own Prometheus metrics endpoint, which
//! prometheus-operator scrapes through a PodMonitor or a ServiceMonitor.
//!
//! Lowering resolves the port to one the service declares (E004, E007) and
//! refuses one Prometheus cannot scrape (E008: not TCP), so emit writes the
//! monitor and the NetworkPolicy rule that admits Prometheus as they are.

use std::collections::BTreeMap;

use crate::source::{Span, eq_ignoring_spans};

use super::network::{HTTP_PORT, PortRef};
use super::{Keyword, Service, Spanned};

keywords! {
    /// `monitor`: which prometheus-operator object finds the pods.
    pub enum MonitorKind {
        /// A PodMonitor: Prometheus finds the pods by their labels.
        Pod = "pod",
        /// A ServiceMonitor: Prometheus finds the pods through the service's
        /// Kubernetes Service.
        Service = "service",
    }
}

/// A service's metrics endpoint.
#[derive(Clone, Debug)]
pub struct MetricsEndpoint {
    /// The name of the port Prometheus scrapes, when written; `http` (the
    /// port of `port = N`) otherwise.
    pub port: Option<Spanned<String>>,
    /// The HTTP path, starting with `/`, when written.
    pub path: Option<Spanned<String>>,
    /// `interval`: whole seconds, 1 or more, when written; Prometheus'
    /// global scrape interval otherwise.
    pub interval_seconds: Option<Spanned<i32>>,
    pub monitor: Option<Spanned<MonitorKind>>,
    /// The namespace Prometheus runs in, when written.
    pub prometheus_namespace: Option<Spanned<String>>,
    /// `monitor_labels { }`: labels of the monitor beside scalec's own.
    pub labels: BTreeMap<String, Spanned<String>>,
    /// `metrics` and its opening brace, where findings about the block point.
    pub head: Span,
    /// The whole block.
    pub span: Span,
}

impl MetricsEndpoint {
    /// The path Prometheus scrapes when none is written (also Prometheus'
    /// own default).
    pub const DEFAULT_PATH: &'static str = "/metrics";
    /// The namespace Prometheus runs in when none is written: where
    /// kube-prometheus and most installation guides put it.
    pub const DEFAULT_PROMETHEUS_NAMESPACE: &'static str = "monitoring";

    /// The name of the port scraped.
    pub fn port_name(&self) -> &str {
        self.port.as_ref().map_or(HTTP_PORT, |p| p.value.as_str())
    }

    /// The path scraped.
    pub fn path(&self) -> &str {
        self.path
            .as_ref()
            .map_or(Self::DEFAULT_PATH, |p| p.value.as_str())
    }

    /// Which monitor is written: a PodMonitor unless `monitor = service`.
    pub fn monitor(&self) -> MonitorKind {
        self.monitor.as_ref().map_or(MonitorKind::Pod, |m| m.value)
    }

    /// The namespace whose pods may scrape the port.
    pub fn prometheus_namespace(&self) -> &str {
        (self.prometheus_namespace.as_ref())
            .map_or(Self::DEFAULT_PROMETHEUS_NAMESPACE, |n| n.value.as_str())
    }

    /// Where a finding about the port points: the written port, or the
    /// block's head when `http` is implied.
    pub fn port_span(&self) -> Span {
        self.port.as_ref().map_or(self.head, |p| p.span)
    }
}

impl Service {
    /// The port its metrics endpoint is scraped on; `None` without a
    /// `metrics` block, or (in a project lowering rejected, E004) when the
    /// service has no port of that name.
    pub fn metrics_port(&self) -> Option<PortRef<'_>> {
        let endpoint = self.metrics.as_ref()?;
        let name = endpoint.port_name();
        self.ports().into_iter().find(|port| port.name == name)
    }
}

eq_ignoring_spans! {
    MetricsEndpoint {
        port, path, interval_seconds, monitor, prometheus_namespace, labels,
    } ignoring { head, span }
}
