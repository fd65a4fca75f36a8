use crate::diag::Diagnostic;
use crate::lint::Rule;
use crate::model::{JobStrategy, Project, QueueSource, SignalSource};

declare_rule! {
    /// ## What it does
    /// Flags a service that runs as Jobs on an SQS queue when its `job {
    /// strategy }` and the queue's `in_flight` count the messages running
    /// Jobs hold differently.
    ///
    /// ## Why it is unsafe
    /// KEDA's `default` strategy starts Jobs for the messages in the queue
    /// minus the Jobs already running: right when the count includes the
    /// messages those Jobs hold, as SQS's does by default (in-flight
    /// messages, `in_flight = true`). `accurate` and `eager` subtract only
    /// the Jobs not started yet: right when the count leaves those messages
    /// out (`in_flight = false`).
    ///
    /// Mixed up, the count is wrong every time KEDA polls:
    /// - `accurate` or `eager` with in-flight messages counted: every running
    ///   Job's message is counted again, so KEDA starts a Job for work
    ///   already being done, up to the maximum. The extra Jobs find nothing
    ///   or steal the next message, and the cluster pays for idle pods.
    /// - `default` with `in_flight = false`: running Jobs are subtracted from
    ///   a count that already left their messages out, so waiting messages
    ///   wait for running Jobs to end, with free slots left unused.
    ///
    /// ## Example
    /// ```scale
    /// queue videos {
    ///   provider = aws-sqs
    ///   url      = "https://sqs.us-east-1.amazonaws.com/123456789012/videos"
    ///   auth     = operator
    /// }
    ///
    /// service encoder {
    ///   image    = "registry.example.com/encoder:2.3.0"
    ///   replicas = 0 .. 20
    ///   scale videos { average = 1 }
    ///   job {
    ///     deadline = 45m
    ///     strategy = accurate
    ///   }
    /// }
    /// ```
    ///
    /// ## Fix
    /// Count only the messages waiting, which `accurate` expects:
    /// ```scale
    /// queue videos {
    ///   provider  = aws-sqs
    ///   url       = "https://sqs.us-east-1.amazonaws.com/123456789012/videos"
    ///   auth      = operator
    ///   in_flight = false
    /// }
    /// ```
    /// or keep the count and write `strategy = default`. KEDA then starts
    /// exactly one Job per waiting message, up to the maximum.
    ///
    /// Only SQS queues are judged: scalec knows whether their count includes
    /// messages being worked on.
    ///
    /// ## See also
    /// K126 (queue-option-ignored). KEDA: "ScaledJob specification,
    /// scalingStrategy" (https://keda.sh/docs/latest/reference/scaledjob-spec/#scalingstrategy),
    /// "AWS SQS Queue" (https://keda.sh/docs/latest/scalers/aws-sqs/).
    pub RULE {
        id: K129,
        name: "job-strategy-miscounts-queue",
        severity: Warning,
        summary: "a job's `strategy` and its SQS queue's `in_flight` disagree on whether running Jobs' messages are counted",
        check: Some(check),
    }
}

fn check(rule: &Rule, project: &Project, out: &mut Vec<Diagnostic>) {
    for service in &project.services {
        let Some(job) = &service.job else {
            continue;
        };
        let strategy = job.strategy();
        let name = &service.name.value;
        for signal in &service.scaling {
            let SignalSource::Queue(queue_name) = &signal.source.value else {
                continue;
            };
            let Some(queue) = project.queue(queue_name) else {
                continue;
            };
            let QueueSource::Sqs { in_flight, .. } = &queue.source else {
                continue;
            };
            let counted = in_flight.as_ref().is_none_or(|f| f.value);
            let in_flight_label = match in_flight {
                Some(written) => (written.span, "in-flight messages counted here".to_string()),
                None => (
                    queue.name.span,
                    format!("queue `{queue_name}` counts in-flight messages (KEDA's default)"),
                ),
            };
            let strategy_span = job.strategy.as_ref().map_or(job.head, |s| s.span);
            let finding = match (strategy, counted) {
                (JobStrategy::Accurate | JobStrategy::Eager, true) => rule
                    .finding(
                        format!(
                            "service `{name}` counts the messages its running Jobs hold as waiting in `{queue_name}`"
                        ),
                        strategy_span,
                    )
                    .with_label(format!(
                        "`{}` expects a count without running Jobs' messages",
                        strategy.word()
                    ))
                    .with_related(in_flight_label.0, in_flight_label.1)
                    .with_help(format!(
                        "write `in_flight = false` in queue `{queue_name}` (count waiting messages \
                         only), or `strategy = default` in `job`"
                    )),
                (JobStrategy::Default, false) => rule
                    .finding(
                        format!(
                            "service `{name}` subtracts running Jobs from the waiting messages of `{queue_name}`, which already leave them out"
                        ),
                        strategy_span,
                    )
                    .with_label(if job.strategy.is_some() {
                        "`default` expects running Jobs' messages in the count"
                    } else {
                        "KEDA's `default` strategy expects running Jobs' messages in the count"
                    })
                    .with_related(in_flight_label.0, "in-flight messages left out here")
                    .with_help(
                        "write `strategy = accurate` in `job`, or remove `in_flight = false` from \
                         the queue",
                    ),
                _ => continue,
            };
            out.push(finding);
        }
    }
}
