use crate::diag::Diagnostic;
use crate::lint::Rule;
use crate::model::{Autoscaler, Project, SignalSource};

declare_rule! {
    /// ## What it does
    /// Flags `auth` in a `queue` that only services scaled by the HPA scale
    /// on: nothing scalec writes reads it.
    ///
    /// `auth` says how KEDA reads the queue (K121). The HPA reads a queue as
    /// an External metric, which the cluster's metrics adapter serves with its
    /// own credentials; scalec writes no credentials into an HPA.
    ///
    /// ## Why it is unsafe
    /// The policy reads as if the queue were read with the TriggerAuthentication
    /// (or KEDA's identity) it names, so nobody checks that the metrics
    /// adapter may read the queue at all. When it may not, the HPA reports
    /// `FailedGetExternalMetric`, keeps its replica count and the backlog
    /// grows unattended. The two autoscalers also count differently: the
    /// adapter's `aws_sqs_approximate_number_of_messages_visible` counts
    /// visible messages only, KEDA's `aws-sqs-queue` scaler visible and
    /// in-flight ones, so an `average` tuned under one scales differently
    /// under the other.
    ///
    /// ## Example
    /// ```scale
    /// queue jobs {
    ///   provider = aws-sqs
    ///   url      = "https://sqs.us-east-1.amazonaws.com/123456789012/jobs"
    ///   auth     = sqs-reader
    /// }
    ///
    /// service worker {
    ///   image    = "registry.example.com/worker:1.0.0"
    ///   replicas = 1 .. 20
    ///   scale jobs { average = 100 }
    /// }
    /// ```
    ///
    /// ## Fix
    /// Either let KEDA scale the service, which reads the queue with `auth`:
    /// ```scale
    /// service worker {
    ///   image      = "registry.example.com/worker:1.0.0"
    ///   autoscaler = keda
    ///   replicas   = 1 .. 20
    ///   scale jobs { average = 100 }
    /// }
    /// ```
    /// or remove `auth` from the queue and give the metrics adapter read
    /// access to it (for SQS, `sqs:GetQueueAttributes` for its identity).
    ///
    /// ## See also
    /// K121 (queue-without-auth), K124 (external-metrics-conflict).
    pub RULE {
        id: K125,
        name: "queue-auth-ignored",
        severity: Warning,
        summary: "a queue's `auth`, which no KEDA trigger reads because only HPAs scale on it",
        every_service: true,
        check: Some(check),
    }
}

fn check(rule: &Rule, project: &Project, out: &mut Vec<Diagnostic>) {
    for queue in &project.queues {
        let Some(auth) = &queue.auth else {
            continue;
        };
        let name = &queue.name.value;
        let source = SignalSource::Queue(name.clone());
        let readers: Vec<_> = (project.services.iter())
            .flat_map(|service| {
                (service.scaling.iter())
                    .filter(|signal| signal.source.value == source)
                    .map(move |signal| (service, signal))
            })
            .collect();
        // Unused (K118), or read by KEDA, which uses `auth`.
        if readers.is_empty()
            || (readers.iter()).any(|(service, _)| service.autoscaler == Autoscaler::Keda)
        {
            continue;
        }
        let mut d = rule
            .finding(
                format!(
                    "queue `{name}` says how KEDA authenticates, but only the HPA reads it: \
                     the metrics adapter uses its own credentials"
                ),
                auth.span,
            )
            .with_label("read by no KEDA trigger");
        for (service, signal) in &readers {
            d = d.with_related(
                signal.source.span,
                format!(
                    "the HPA of service `{}` reads it as an external metric",
                    service.name.value
                ),
            );
        }
        let mut services: Vec<String> = (readers.iter())
            .map(|(service, _)| format!("`{}`", service.name.value))
            .collect();
        services.dedup();
        let services = match services.split_last() {
            Some((last, [])) => format!("service {last}"),
            Some((last, rest)) => format!("services {} and {last}", rest.join(", ")),
            None => unreachable!("a queue with no readers is skipped"),
        };
        out.push(d.with_help(format!(
            "let KEDA read the queue with this `auth`: `autoscaler = keda` in {services}; or \
             remove `auth` and let the metrics adapter's identity read the queue"
        )));
    }
}
