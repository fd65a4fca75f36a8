//! What a service says about its pods beyond scaling: probes, how a pod
//! stops, where its configuration comes from, and the metadata written on
//! its Deployment and pods.
//!
//! Lowering proves what the API server would refuse (E003, E006, E008), so
//! emit writes these as they are. Secrets are only ever named here, never
//! their values.

use std::collections::BTreeMap;

use crate::source::{Span, eq_ignoring_spans};

use super::Keyword;

use super::Spanned;

keywords! {
    /// Which of a container's probes a `probe` block is.
    pub enum ProbeKind {
        Readiness = "readiness",
        Liveness = "liveness",
        Startup = "startup",
    }
}

/// `probe KIND { ... }`: one probe, with exactly one handler.
#[derive(Clone, Debug)]
pub struct Probe {
    pub kind: Spanned<ProbeKind>,
    /// Spans the handler's value, or an `http` probe's `port` when written.
    pub handler: Spanned<ProbeHandler>,
    /// `initial_delay`, whole seconds; an int32 field.
    pub initial_delay_seconds: Option<Spanned<i32>>,
    /// `period`, whole seconds from 1.
    pub period_seconds: Option<Spanned<i32>>,
    /// `timeout`, whole seconds from 1.
    pub timeout_seconds: Option<Spanned<i32>>,
    /// From 1.
    pub failure_threshold: Option<Spanned<i32>>,
    /// From 1; only a readiness probe may have more than 1.
    pub success_threshold: Option<Spanned<i32>>,
    /// The whole block.
    pub span: Span,
}

/// How a probe checks the container.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ProbeHandler {
    /// `http = "/path"`, on `port` (the service's port when not written).
    Http { path: String, port: Option<u16> },
    /// `tcp = PORT`: the port accepts a connection.
    Tcp { port: u16 },
    /// `exec = ["cmd", "arg"]`: the command exits 0.
    Exec { command: Vec<String> },
    /// `grpc = PORT`, with `service` the gRPC health service name.
    Grpc { port: u16, service: Option<String> },
}

impl ProbeHandler {
    /// The port the probe connects to, as written; `None` for `exec` and for
    /// `http` without `port` (the service's port).
    pub fn port(&self) -> Option<u16> {
        match self {
            ProbeHandler::Http { port, .. } => *port,
            ProbeHandler::Tcp { port } | ProbeHandler::Grpc { port, .. } => Some(*port),
            ProbeHandler::Exec { .. } => None,
        }
    }

    /// Whether the handler needs a container port.
    pub fn needs_port(&self) -> bool {
        !matches!(self, ProbeHandler::Exec { .. })
    }
}

/// What a container runs before it is sent SIGTERM (`pre_stop`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PreStop {
    /// `sleep(5s)`: the kubelet waits, so endpoints drop the pod before the
    /// process hears about it. Whole seconds.
    Sleep(i64),
    /// `["/bin/drain", "--wait"]`: a command run in the container.
    Exec(Vec<String>),
}

/// A reference to a key of a Secret or ConfigMap: `secret("db", "password")`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyRef {
    pub source: ConfigSource,
    pub key: String,
}

/// A Secret or a ConfigMap, by name. Never its content.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum ConfigSource {
    Secret(String),
    ConfigMap(String),
}

impl ConfigSource {
    pub fn name(&self) -> &str {
        match self {
            ConfigSource::Secret(name) | ConfigSource::ConfigMap(name) => name,
        }
    }
}

/// One environment variable's value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EnvValue {
    /// Written into the manifest as it is.
    Literal(String),
    /// Read by the kubelet from a Secret or ConfigMap key.
    From(KeyRef),
}

/// Labels and annotations written on top of scalec's own.
#[derive(Clone, Debug, Default)]
pub struct Metadata {
    /// `labels { }`: on the Deployment.
    pub labels: BTreeMap<String, Spanned<String>>,
    /// `annotations { }`: on the Deployment.
    pub annotations: BTreeMap<String, Spanned<String>>,
    /// `pod_labels { }`: on the pod template.
    pub pod_labels: BTreeMap<String, Spanned<String>>,
    /// `pod_annotations { }`: on the pod template.
    pub pod_annotations: BTreeMap<String, Spanned<String>>,
}

eq_ignoring_spans! {
    Probe {
        kind, handler, initial_delay_seconds, period_seconds, timeout_seconds,
        failure_threshold, success_threshold,
    } ignoring { span }
    Metadata { labels, annotations, pod_labels, pod_annotations } ignoring {}
}
