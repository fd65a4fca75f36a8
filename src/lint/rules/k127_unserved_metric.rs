use crate::diag::Diagnostic;
use crate::lint::Rule;
use crate::model::Project;
use crate::model::adapter::AdapterApi;

declare_rule! {
    /// ## What it does
    /// Flags an HorizontalPodAutoscaler metric that nothing is known to
    /// serve: a service scaled by the HPA scales on a `pods`, `object` or
    /// `external` metric, or on a queue, and `cluster` names no
    /// `metrics_adapter`.
    ///
    /// ## Why it is unsafe
    /// The HPA computes cpu and memory from the resource metrics API
    /// (metrics-server), but every other metric comes from the custom or
    /// external metrics API, which a cluster serves only when an adapter
    /// is installed and configured to serve that exact metric name. Nothing
    /// serves them out of the box: the default SQS metric,
    /// `aws_sqs_approximate_number_of_messages_visible`, is not even the name
    /// the CloudWatch exporters give it (they add `_average` or `_sum`). The
    /// HPA is accepted, reports the metric as `<unknown>` with
    /// `FailedGetExternalMetric` or `FailedGetPodsMetric`, and never scales on
    /// it: the backlog grows while the replica count stays where it is.
    ///
    /// ## Example
    /// ```scale
    /// queue ingest {
    ///   provider = aws-sqs
    ///   url      = "https://sqs.us-east-1.amazonaws.com/123456789012/ingest"
    /// }
    ///
    /// service ingestion {
    ///   image    = "registry.example.com/ingestion:2.4.1"
    ///   replicas = 2 .. 60
    ///   scale ingest { average = 500 }
    /// }
    /// ```
    ///
    /// ## Fix
    /// Say what serves the metric. With prometheus-adapter, scalec writes its
    /// rules for exactly the metrics the HPAs read
    /// (`prometheus-adapter.yaml`):
    /// ```scale
    /// cluster {
    ///   metrics_adapter = prometheus-adapter
    /// }
    /// ```
    /// With another adapter your platform runs and configures (the Datadog
    /// Cluster Agent, a CloudWatch adapter), write `metrics_adapter = other`
    /// and make sure it serves the metric under the name the HPA asks for.
    /// Or scale the service with KEDA (`autoscaler = keda`), which reads the
    /// queue, or the metric from Prometheus, itself.
    ///
    /// ## See also
    /// K124 (external-metrics-conflict),
    /// <https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/#support-for-metrics-apis>.
    pub RULE {
        id: K127,
        name: "unserved-metric",
        severity: Warning,
        summary: "an HPA metric that no metrics adapter is known to serve",
        every_service: false,
        check: Some(check),
    }
}

fn check(rule: &Rule, project: &Project, out: &mut Vec<Diagnostic>) {
    if project.cluster.metrics_adapter.is_some() {
        return;
    }
    for metric in project.adapter_metrics() {
        let service = metric.service;
        if !service.is_autoscaled() {
            continue;
        }
        let api = match metric.api {
            AdapterApi::Custom => "custom.metrics.k8s.io",
            AdapterApi::External => "external.metrics.k8s.io",
        };
        let name = &service.name.value;
        let mut d = rule
            .finding(
                format!(
                    "the HPA of service `{name}` reads `{}` from `{api}`, but no metrics adapter \
                     is known to serve it: the HPA would report it `<unknown>` and never scale on it",
                    metric.name
                ),
                metric.signal.source.span,
            )
            .with_label("served by no adapter the policy names")
            .with_related(metric.origin.span, format!("`{}` is declared here", metric.origin.value));
        if let Some(label) = crate::lint::util::inherits(project, service, metric.signal.source.span, "this `scale` block") {
            d = d.with_related(service.name.span, label);
        }
        out.push(d.with_help(
            "set `metrics_adapter = prometheus-adapter` in `cluster` (scalec writes its rules), or \
             `metrics_adapter = other` if the cluster runs an adapter that serves this metric; \
             or scale the service with KEDA (`autoscaler = keda`)",
        ));
    }
}
