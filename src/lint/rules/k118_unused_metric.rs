use crate::diag::Diagnostic;
use crate::lint::Rule;
use crate::model::{Project, SignalSource};

declare_rule! {
    /// ## What it does
    /// Flags a `metric`, `queue` or `schedule` declaration that no service
    /// scales on, once `defaults` have been applied.
    ///
    /// A signal that only `defaults` scales on counts as unused when every
    /// service declares its own `scale` blocks or a fixed `replicas`, since
    /// none of them then inherits it.
    ///
    /// ## Why it is unsafe
    /// A declared but unused signal almost always means a `scale` block went
    /// missing: deleted in a refactor, left in a service that was renamed, or
    /// shadowed by a service's own `scale` blocks (which replace the inherited
    /// set as a whole). The service that was meant to follow the queue's
    /// backlog then scales on cpu alone, or not at all, and the backlog grows
    /// unattended while the policy still reads as if it were handled.
    ///
    /// ## Example
    /// ```scale
    /// queue ingest-events {
    ///   provider = aws-sqs
    ///   url      = "https://sqs.us-east-1.amazonaws.com/123456789012/ingest"
    /// }
    ///
    /// service ingestion {
    ///   image    = "registry.example.com/ingestion:2.4.1"
    ///   cpu      = 500m
    ///   replicas = 2 .. 60
    ///   scale cpu { utilization = 80% }
    /// }
    /// ```
    ///
    /// ## Fix
    /// Scale the consumer on the queue (or delete the declaration if nothing
    /// should follow it):
    /// ```scale
    /// queue ingest-events {
    ///   provider = aws-sqs
    ///   url      = "https://sqs.us-east-1.amazonaws.com/123456789012/ingest"
    /// }
    ///
    /// service ingestion {
    ///   image    = "registry.example.com/ingestion:2.4.1"
    ///   cpu      = 500m
    ///   replicas = 2 .. 60
    ///   scale ingest-events { average = 500 }
    ///   scale cpu { utilization = 80% }
    /// }
    /// ```
    /// `ingestion` now adds a pod for every 500 queued messages, as well as
    /// when its cpu runs hot.
    ///
    /// ## See also
    /// K109 (queue-total-target), E004 (unknown-reference).
    pub RULE {
        id: K118,
        name: "unused-metric",
        severity: Warning,
        summary: "a declared metric, queue or schedule that no service scales on",
        every_service: true,
        check: Some(check),
    }
}

fn check(rule: &Rule, project: &Project, out: &mut Vec<Diagnostic>) {
    let used = |source: &SignalSource| {
        project
            .services
            .iter()
            .flat_map(|s| &s.scaling)
            .any(|signal| signal.source.value == *source)
    };
    for metric in &project.metrics {
        let name = &metric.name.value;
        if used(&SignalSource::Metric(name.clone())) {
            continue;
        }
        out.push(
            rule.finding(
                format!("metric `{name}` is declared but no service scales on it"),
                metric.name.span,
            )
            .with_label("no service scales on this metric")
            .with_help(format!(
                "add `scale {name} {{ average = N }}` (N per pod) to the service it measures, \
                     or delete this `metric` block"
            )),
        );
    }
    for queue in &project.queues {
        let name = &queue.name.value;
        if used(&SignalSource::Queue(name.clone())) {
            continue;
        }
        out.push(
            rule.finding(format!("queue `{name}` is declared but no service scales on it"), queue.name.span)
                .with_label("no service scales on this queue")
                .with_help(format!(
                    "add `scale {name} {{ average = N }}` (N queued messages per pod) to the service that \
                     consumes it, or delete this `queue` block"
                )),
        );
    }
    for schedule in &project.schedules {
        let name = &schedule.name.value;
        if used(&SignalSource::Schedule(name.clone())) {
            continue;
        }
        out.push(
            rule.finding(
                format!("schedule `{name}` is declared but no service scales on it"),
                schedule.name.span,
            )
            .with_label("no service keeps pods on this schedule")
            .with_help(format!(
                "add `scale {name} {{ replicas = N }}` to the service that needs N pods while it is on \
                 (with `autoscaler = keda`), or delete this `schedule` block"
            )),
        );
    }
}
