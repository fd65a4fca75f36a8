use crate::diag::Diagnostic;
use crate::lint::Rule;
use crate::model::{Autoscaler, Project, SignalSource};

declare_rule! {
    /// ## What it does
    /// Flags the options of a `queue` that only KEDA's scaler reads
    /// (`in_flight` and `delayed` of an `aws-sqs` queue) when only services
    /// scaled by the HPA scale on the queue.
    ///
    /// Under KEDA, `in_flight` and `delayed` become the `aws-sqs-queue`
    /// trigger's `scaleOnInFlight` and `scaleOnDelayed`: they decide which
    /// messages count towards the backlog. The HPA reads the queue as an
    /// External metric served by the cluster's metrics adapter, and that
    /// metric decides what counts: for
    /// `aws_sqs_approximate_number_of_messages_visible`, visible messages
    /// only. scalec writes neither option into an HPA.
    ///
    /// ## Why it is unsafe
    /// The policy reads as if the autoscaler counted what the options say.
    /// `in_flight = true` under the HPA still scales on visible messages only:
    /// while the workers hold long-running messages the backlog looks empty
    /// and the HPA scales them in mid-work; `delayed = true` still ignores
    /// the delayed messages about to arrive.
    ///
    /// ## Example
    /// ```scale
    /// queue jobs {
    ///   provider  = aws-sqs
    ///   url       = "https://sqs.us-east-1.amazonaws.com/123456789012/jobs"
    ///   in_flight = false
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
    /// Either let KEDA scale the service, which reads the options:
    /// ```scale
    /// service worker {
    ///   image      = "registry.example.com/worker:1.0.0"
    ///   autoscaler = keda
    ///   replicas   = 1 .. 20
    ///   scale jobs { average = 100 }
    /// }
    /// ```
    /// or remove the options and choose what counts with the queue's
    /// `metric` (the name the metrics adapter serves), e.g.
    /// `metric = "aws_sqs_approximate_number_of_messages_not_visible"` for
    /// in-flight messages.
    ///
    /// ## See also
    /// K125 (queue-auth-ignored), K124 (external-metrics-conflict).
    pub RULE {
        id: K126,
        name: "queue-option-ignored",
        severity: Warning,
        summary: "a queue option only KEDA reads, on a queue only HPAs scale on",
        every_service: true,
        check: Some(check),
    }
}

fn check(rule: &Rule, project: &Project, out: &mut Vec<Diagnostic>) {
    for queue in &project.queues {
        let options = queue.keda_only_options();
        if options.is_empty() {
            continue;
        }
        let name = &queue.name.value;
        let source = SignalSource::Queue(name.clone());
        let readers: Vec<_> = (project.services.iter())
            .flat_map(|service| {
                (service.scaling.iter())
                    .filter(|signal| signal.source.value == source)
                    .map(move |signal| (service, signal))
            })
            .collect();
        // Unused (K118), or read by KEDA, which reads the options.
        if readers.is_empty()
            || (readers.iter()).any(|(service, _)| service.autoscaler == Autoscaler::Keda)
        {
            continue;
        }
        for (option, span) in options {
            let mut d = rule
                .finding(
                    format!(
                        "queue `{name}` sets `{option}`, which only KEDA reads, but only the HPA \
                         reads the queue: the metrics adapter's metric decides what counts"
                    ),
                    span,
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
            out.push(d.with_help(format!(
                "let KEDA read the queue: `autoscaler = keda` in the services that scale on it; \
                 or remove `{option}` and choose what counts with the queue's `metric`"
            )));
        }
    }
}
