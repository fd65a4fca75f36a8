//! Checks that need the whole project: whether each scaling signal can be
//! compiled for the project's autoscaler, and whether probes have a port.

use crate::diag::{Diagnostic, codes};
use crate::model::{Autoscaler, MetricKind, Project, SignalSource, Target};

/// Reports signals no autoscaler can serve as written (E008) and health
/// probes without a port (E007).
pub(super) fn check(project: &Project, sink: &mut Vec<Diagnostic>) {
    let keda = project.cluster.autoscaler == Autoscaler::Keda;
    for service in &project.services {
        let name = &service.name.value;
        if let (Some(health), None) = (&service.health, &service.port) {
            sink.push(
                Diagnostic::error(
                    codes::MISSING_ATTRIBUTE,
                    format!("service `{name}` has a `health` path but no `port` to probe it on"),
                    health.span,
                )
                .with_label("the probe needs a port")
                .with_related(service.name.span, "in this service")
                .with_help("add `port = 8080` (the container port that serves the path)"),
            );
        }
        for signal in &service.scaling {
            let total = matches!(signal.target.value, Target::Total(_));
            let problem = match &signal.source.value {
                SignalSource::Cpu | SignalSource::Memory if total => Some((
                    "a resource metric takes `utilization` or `average`, not `total`".to_string(),
                    "write `utilization = 70%`, or `average = ...` per pod".to_string(),
                )),
                SignalSource::Metric(metric) => {
                    match project.metric(metric).map(|m| m.kind.value) {
                        Some(MetricKind::Pods) if total => Some((
                            format!(
                                "pods metric `{metric}` is averaged over pods: it takes `average`, not `total`"
                            ),
                            "write `average = ...`, the value per pod".to_string(),
                        )),
                        Some(kind) if keda => Some((
                            format!(
                                "KEDA cannot serve the {} metric `{metric}`: scalec compiles KEDA triggers for cpu, memory and queues",
                                match kind {
                                    MetricKind::Pods => "pods",
                                    MetricKind::Object => "object",
                                    MetricKind::External => "external",
                                }
                            ),
                            "use `autoscaler = hpa` with a metrics adapter, or scale on a queue"
                                .to_string(),
                        )),
                        _ => None,
                    }
                }
                SignalSource::Queue(queue) if keda && total => Some((
                    format!(
                        "KEDA scales on queue `{queue}` by messages per pod: it takes `average`, not `total`"
                    ),
                    "write `average = N`, the backlog one pod should handle".to_string(),
                )),
                _ => None,
            };
            if let Some((message, help)) = problem {
                let mut diagnostic =
                    Diagnostic::error(codes::CONFLICTING_ATTRIBUTES, message, signal.target.span)
                        .with_label("cannot be compiled")
                        .with_related(service.name.span, format!("in service `{name}`"))
                        .with_help(help);
                if let (true, Some(span)) = (keda, project.cluster.autoscaler_span) {
                    diagnostic = diagnostic.with_related(span, "the project uses KEDA");
                }
                sink.push(diagnostic);
            }
        }
    }
}
