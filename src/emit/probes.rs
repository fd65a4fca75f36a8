//! A service's container probes: its `probe` blocks, and the `health`
//! shorthand for the kinds they do not write.
//!
//! `health = "/ready"` stays what it always was: an HTTP readiness probe
//! every 5 s and an HTTP liveness probe every 10 s after 15 s, three
//! failures each, on the service's port. A `probe readiness` or
//! `probe liveness` block replaces the probe `health` gives for its kind.
//! Lowering proved every probe valid (one handler, thresholds, ports), so
//! nothing here checks.

use k8s_openapi::api::core::v1::{
    ExecAction, GRPCAction, HTTPGetAction, Probe as KubeProbe, TCPSocketAction,
};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use crate::model::{Probe, ProbeHandler, ProbeKind, Service};

/// The container's readiness, liveness and startup probes.
pub struct ContainerProbes {
    pub readiness: Option<KubeProbe>,
    pub liveness: Option<KubeProbe>,
    pub startup: Option<KubeProbe>,
}

/// The probes of a service's container.
pub fn container_probes(service: &Service) -> ContainerProbes {
    let written = |kind: ProbeKind| {
        (service.probes.iter())
            .find(|p| p.kind.value == kind)
            .map(|p| probe(service, p))
    };
    ContainerProbes {
        readiness: written(ProbeKind::Readiness).or_else(|| health(service, None, 5)),
        liveness: written(ProbeKind::Liveness).or_else(|| health(service, Some(15), 10)),
        startup: written(ProbeKind::Startup),
    }
}

/// The probe `health` gives, when the service has a path and a port.
fn health(service: &Service, initial: Option<i32>, period: i32) -> Option<KubeProbe> {
    let (health, port) = (service.health.as_ref()?, service.port.as_ref()?);
    Some(KubeProbe {
        http_get: Some(HTTPGetAction {
            path: Some(health.value.clone()),
            port: IntOrString::Int(i32::from(port.value)),
            ..Default::default()
        }),
        initial_delay_seconds: initial,
        period_seconds: Some(period),
        failure_threshold: Some(3),
        ..Default::default()
    })
}

/// A `probe` block. Timing not written is left to Kubernetes' defaults.
fn probe(service: &Service, probe: &Probe) -> KubeProbe {
    // Lowering reports a probe that needs a port in a service without one.
    let service_port = || {
        let port = service
            .port
            .as_ref()
            .expect("lowering requires a port for a probe that connects");
        i32::from(port.value)
    };
    let mut out = KubeProbe {
        initial_delay_seconds: probe.initial_delay_seconds.as_ref().map(|s| s.value),
        period_seconds: probe.period_seconds.as_ref().map(|s| s.value),
        timeout_seconds: probe.timeout_seconds.as_ref().map(|s| s.value),
        failure_threshold: probe.failure_threshold.as_ref().map(|s| s.value),
        success_threshold: probe.success_threshold.as_ref().map(|s| s.value),
        ..Default::default()
    };
    match &probe.handler.value {
        ProbeHandler::Http { path, port } => {
            out.http_get = Some(HTTPGetAction {
                path: Some(path.clone()),
                port: IntOrString::Int(port.map_or_else(service_port, i32::from)),
                ..Default::default()
            });
        }
        ProbeHandler::Tcp { port } => {
            out.tcp_socket = Some(TCPSocketAction {
                port: IntOrString::Int(i32::from(*port)),
                ..Default::default()
            });
        }
        ProbeHandler::Exec { command } => {
            out.exec = Some(ExecAction {
                command: Some(command.clone()),
            });
        }
        ProbeHandler::Grpc { port, service } => {
            out.grpc = Some(GRPCAction {
                port: i32::from(*port),
                service: service.clone(),
            });
        }
    }
    out
}
