//! Checks that need the whole project: whether each scaling signal can be
//! compiled for the project's autoscaler (as `model::autoscalers` decides),
//! and whether probes have a port.

use crate::diag::{Diagnostic, codes};
use crate::model::autoscalers::SignalRefusal;
use crate::model::{Autoscaler, Project};

/// Whether the project-wide blocks these checks read are known: a `cluster`
/// or `defaults` block that does not parse is not (see
/// `lower::lower_recovered`).
#[derive(Clone, Copy)]
pub(super) struct Known {
    /// The autoscaler, from `cluster`.
    pub cluster: bool,
    /// What services inherit, from `defaults`.
    pub defaults: bool,
}

/// Reports signals no autoscaler can serve as written (E008) and health
/// probes without a port (E007), each only when what it reads is known.
pub(super) fn check(project: &Project, known: Known, sink: &mut Vec<Diagnostic>) {
    let keda = project.cluster.autoscaler == Autoscaler::Keda;
    for service in &project.services {
        let name = &service.name.value;
        // The port may be inherited from a `defaults` that does not parse.
        if let (Some(health), None, true) = (&service.health, &service.port, known.defaults) {
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
        // The autoscaler is set in a `cluster` that does not parse.
        let signals = if known.cluster {
            service.scaling.as_slice()
        } else {
            &[]
        };
        for signal in signals {
            let Some(kind) = project.signal_kind(&signal.source.value) else {
                continue;
            };
            let refusal = project
                .cluster
                .autoscaler
                .signal(kind, &signal.target.value);
            let source = signal.source.value.name();
            let problem = refusal.err().map(|refusal| match refusal {
                SignalRefusal::TotalOnResource => (
                    "a resource metric takes `utilization` or `average`, not `total`".to_string(),
                    "write `utilization = 70%`, or `average = ...` per pod".to_string(),
                ),
                SignalRefusal::TotalOnPodsMetric => (
                    format!(
                        "pods metric `{source}` is averaged over pods: it takes `average`, not `total`"
                    ),
                    "write `average = ...`, the value per pod".to_string(),
                ),
                SignalRefusal::MetricUnderKeda(kind) => (
                    format!(
                        "KEDA cannot serve the {} metric `{source}`: scalec compiles KEDA triggers for cpu, memory and queues",
                        kind.word()
                    ),
                    "use `autoscaler = hpa` with a metrics adapter, or scale on a queue".to_string(),
                ),
                SignalRefusal::QueueTotalUnderKeda => (
                    format!(
                        "KEDA scales on queue `{source}` by messages per pod: it takes `average`, not `total`"
                    ),
                    "write `average = N`, the backlog one pod should handle".to_string(),
                ),
            });
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
