use crate::diag::Diagnostic;
use crate::lint::Rule;
use crate::model::{Autoscaler, Project, ScaleSignal, Service};

declare_rule! {
    /// ## What it does
    /// Flags a service whose HorizontalPodAutoscaler reads an external metric
    /// (a queue, or a metric of `kind = external`) in a project where another
    /// service is scaled by KEDA.
    ///
    /// ## Why it is unsafe
    /// The HPA reads every external metric from `external.metrics.k8s.io`,
    /// and a cluster serves that API from exactly one APIService,
    /// `v1beta1.external.metrics.k8s.io`. A project with any ScaledObject
    /// needs KEDA installed, and KEDA registers its own metrics server as that
    /// APIService: the HPAs KEDA creates read their triggers (all but cpu and
    /// memory) through it. The metrics adapter this service's HPA expects
    /// (prometheus-adapter, a CloudWatch adapter) cannot serve the same API in
    /// the same cluster. Whichever of the two is not registered goes
    /// unanswered: either this HPA reports `FailedGetExternalMetric` and
    /// keeps its replica count while the backlog grows, or the KEDA services
    /// stop scaling on their queues.
    ///
    /// ## Example
    /// ```scale
    /// queue jobs {
    ///   provider = aws-sqs
    ///   url      = "https://sqs.us-east-1.amazonaws.com/123456789012/jobs"
    ///   auth     = operator
    /// }
    ///
    /// service worker {
    ///   image    = "registry.example.com/worker:1.0.0"
    ///   replicas = 1 .. 20
    ///   scale jobs { average = 100 }
    /// }
    ///
    /// service mailer {
    ///   image      = "registry.example.com/mailer:1.0.0"
    ///   autoscaler = keda
    ///   replicas   = 0 .. 5
    ///   scale jobs { average = 50 }
    /// }
    /// ```
    ///
    /// ## Fix
    /// Let one server serve every external metric of the cluster. Either move
    /// both services to KEDA, which reads the queue itself:
    /// ```scale
    /// service worker {
    ///   image      = "registry.example.com/worker:1.0.0"
    ///   autoscaler = keda
    ///   replicas   = 1 .. 20
    ///   scale jobs { average = 100 }
    /// }
    /// ```
    /// or keep both on the HPA and the metrics adapter (`autoscaler = hpa`).
    /// A metric of `kind = external` moves to KEDA as a `prometheus` trigger
    /// (with `prometheus` set in `cluster`). Under KEDA a queue's `average`
    /// counts in-flight messages too (see `docs/language.md`).
    ///
    /// ## See also
    /// K121 (queue-without-auth), K125 (queue-auth-ignored),
    /// <https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/#scaling-on-metrics-not-related-to-kubernetes-objects>.
    pub RULE {
        id: K124,
        name: "external-metrics-conflict",
        severity: Warning,
        summary: "an HPA reads an external metric beside KEDA, which takes the cluster's one external metrics APIService",
        every_service: true,
        check: Some(check),
    }
}

/// The APIService every external metric is read through.
const API_SERVICE: &str = "v1beta1.external.metrics.k8s.io";

fn check(rule: &Rule, project: &Project, out: &mut Vec<Diagnostic>) {
    let keda: Vec<&Service> = crate::lint::util::autoscaled(project)
        .filter(|s| s.autoscaler == Autoscaler::Keda)
        .collect();
    let Some(first) = keda.first() else {
        return;
    };
    for service in crate::lint::util::autoscaled(project) {
        if service.autoscaler != Autoscaler::Hpa {
            continue;
        }
        let external: Vec<&ScaleSignal> = (service.scaling.iter())
            .filter(|signal| {
                (project.signal_kind(&signal.source.value)).is_some_and(|kind| kind.is_external())
            })
            .collect();
        if let Some((signal, rest)) = external.split_first() {
            out.push(finding(rule, project, service, signal, rest, &keda, first));
        }
    }
}

fn finding(
    rule: &Rule,
    project: &Project,
    service: &Service,
    signal: &ScaleSignal,
    rest: &[&ScaleSignal],
    keda: &[&Service],
    first: &Service,
) -> Diagnostic {
    let name = &service.name.value;
    let source = signal.source.value.name();
    let others = match keda.len() {
        1 => format!("service `{}`", first.name.value),
        n => format!("service `{}` and {} more", first.name.value, n - 1),
    };
    let mut d = rule
        .finding(
            format!(
                "the HPA of service `{name}` reads `{source}` from the external metrics API, \
                 which KEDA serves in this project for {others}: the cluster has one \
                 `{API_SERVICE}` APIService for both"
            ),
            signal.source.span,
        )
        .with_label("an external metric, read through the metrics adapter");
    if let Some(label) = crate::lint::util::inherits(project, service, signal.source.span, "this `scale` block") {
            d = d.with_related(service.name.span, label);
        }
    for other in rest {
        d = d.with_related(other.source.span, "another external metric");
    }
    d = d.with_related(
        first.name.span,
        "scaled by KEDA, whose metrics server takes the external metrics API",
    );
    if let Some((span, label)) = first.autoscaler_origin(&project.cluster) {
        d = d.with_related(span, label);
    }
    let queues_only = std::iter::once(signal).chain(rest.iter().copied()).all(|s| {
        matches!(
            project.signal_kind(&s.source.value),
            Some(crate::model::SignalKind::Queue)
        )
    });
    let keda_names = match keda {
        [one] => format!("service `{}`", one.name.value),
        _ => "the KEDA services".to_string(),
    };
    let reads = if queues_only {
        "KEDA reads the queue itself"
    } else {
        "KEDA queries Prometheus for the metric, from `cluster { prometheus }`"
    };
    let help = format!(
        "serve every external metric from one server: scale `{name}` with KEDA too \
         (`autoscaler = keda` in service `{name}`; {reads}), or scale {keda_names} with the HPA \
         and the metrics adapter (`autoscaler = hpa`)"
    );
    d.with_help(help)
}
