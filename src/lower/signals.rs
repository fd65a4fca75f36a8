//! Checks that need the whole project: whether each scaling signal can be
//! compiled for its service's autoscaler (as `model::autoscalers` decides),
//! and whether probes have a port.

use crate::diag::{Diagnostic, codes};
use crate::model::autoscalers::SignalRefusal;
use crate::model::{Autoscaler, Cluster, Project, Replicas, Service, SignalSource, Target};

/// Whether the project-wide blocks these checks read are known: a `cluster`
/// or `defaults` block that does not parse is not (see
/// `lower::lower_recovered`).
#[derive(Clone, Copy)]
pub(super) struct Known {
    /// The project's autoscaler, from `cluster`.
    pub cluster: bool,
    /// What services inherit, from `defaults`.
    pub defaults: bool,
}

/// Whether a service's autoscaler is known: it may be set in a `cluster` or
/// `defaults` that does not parse, unless the service or a `defaults` that
/// parses sets it.
pub(super) fn autoscaler_known(cluster: &Cluster, service: &Service, known: Known) -> bool {
    let written =
        service.autoscaler_span.is_some() && service.autoscaler_span != cluster.autoscaler_span;
    written || (known.cluster && known.defaults)
}

/// Reports signals no autoscaler can serve as written (E008) and health
/// probes without a port (E007), each only when what it reads is known.
pub(super) fn check(project: &Project, known: Known, sink: &mut Vec<Diagnostic>) {
    for service in &project.services {
        let keda = service.autoscaler == Autoscaler::Keda;
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
        let signals = if autoscaler_known(&project.cluster, service, known) {
            service.scaling.as_slice()
        } else {
            &[]
        };
        for signal in signals {
            // Lowering reported a job's signals that are not queues (E008).
            if service.is_job() && !matches!(signal.source.value, SignalSource::Queue(_)) {
                continue;
            }
            let Some(kind) = project.signal_kind(&signal.source.value) else {
                continue;
            };
            let refusal = service.autoscaler.signal(kind, &signal.target.value);
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
                SignalRefusal::ObjectMetricUnderKeda => (
                    format!(
                        "KEDA cannot serve the object metric `{source}`: its `prometheus` trigger reads pods and external metrics, not a metric of a Kubernetes object"
                    ),
                    format!(
                        "scale service `{name}` with the HPA and a metrics adapter \
                         (`autoscaler = hpa` in the service), or declare the metric `kind = external` \
                         with the `series` Prometheus computes it from"
                    ),
                ),
                SignalRefusal::QueueTotalUnderKeda => (
                    format!(
                        "KEDA scales on queue `{source}` by messages per pod: it takes `average`, not `total`"
                    ),
                    "write `average = N`, the backlog one pod should handle".to_string(),
                ),
                SignalRefusal::ScheduleUnderHpa => (
                    format!(
                        "the HPA cannot follow schedule `{source}`: it has no clock, only KEDA's cron trigger has"
                    ),
                    format!("scale service `{name}` with KEDA: `autoscaler = keda` in the service"),
                ),
            });
            if let Some((message, help)) = problem {
                let mut diagnostic =
                    Diagnostic::error(codes::CONFLICTING_ATTRIBUTES, message, signal.target.span)
                        .with_label("cannot be compiled")
                        .with_related(service.name.span, format!("in service `{name}`"))
                        .with_help(help);
                if let (true, Some((span, label))) =
                    (keda, service.autoscaler_origin(&project.cluster))
                {
                    diagnostic = diagnostic.with_related(span, label);
                }
                sink.push(diagnostic);
            } else if let (Target::Replicas(wanted), Some(replicas @ Replicas::Range { max, .. })) =
                (&signal.target.value, &service.replicas)
            {
                // The HPA KEDA creates never goes above `maxReplicaCount`.
                let max = max.value;
                if *wanted > max {
                    sink.push(
                        Diagnostic::error(
                            codes::CONFLICTING_ATTRIBUTES,
                            format!(
                                "schedule `{source}` asks for {wanted} replicas, above service `{name}`'s maximum of {max}"
                            ),
                            signal.target.span,
                        )
                        .with_label("more than the service may have")
                        .with_related(replicas.span(), "the replica range")
                        .with_help(format!(
                            "KEDA would stop at {max}: lower `replicas` to {max} or less, or raise the maximum"
                        )),
                    );
                }
            }
        }
    }
}
