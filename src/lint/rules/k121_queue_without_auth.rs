use crate::diag::Diagnostic;
use crate::lint::Rule;
use crate::model::{Autoscaler, Project, QueueSource, SignalSource};

declare_rule! {
    /// ## What it does
    /// Flags an `aws-sqs` `queue` without `auth` that a service scaled by
    /// KEDA (`autoscaler = keda`, its own or the project's) scales on: its
    /// KEDA trigger has no way to authenticate. (A kafka or redis queue may
    /// be read without credentials; a rabbitmq queue without a `host`
    /// parameter is an error, E008.)
    ///
    /// `auth` says how KEDA reads the queue. Either it names a
    /// TriggerAuthentication (`auth = sqs-reader`), which scalec writes as the
    /// trigger's `authenticationRef`, or it is the word `operator`
    /// (`auth = operator`): the KEDA operator reads the queue with its own
    /// identity (for example its IAM role for service accounts), written as
    /// `identityOwner: operator` in the trigger.
    ///
    /// Services scaled by the HPA are left out: the HPA reads a queue as an
    /// External metric that the metrics adapter serves with its own
    /// credentials, and scalec writes no `auth` there (K125 reports an `auth`
    /// only the HPA would read).
    ///
    /// ## Why it is unsafe
    /// KEDA's admission webhook accepts the ScaledObject, so nothing fails at
    /// deploy time. But a trigger with no `authenticationRef` and the default
    /// `identityOwner: pod` looks for keys in the trigger itself, finds none
    /// and fails on every poll with `awsAccessKeyID not found`. KEDA never
    /// learns the backlog: a worker that scales to zero never wakes, and one
    /// at its minimum never grows while the queue fills up.
    ///
    /// ## Example
    /// ```scale
    /// cluster {
    ///   autoscaler = keda
    /// }
    ///
    /// queue jobs {
    ///   provider = aws-sqs
    ///   url      = "https://sqs.us-east-1.amazonaws.com/123456789012/jobs"
    /// }
    ///
    /// service worker {
    ///   image    = "registry.example.com/worker:1.0.0"
    ///   replicas = 0 .. 20
    ///   scale jobs { average = 100 }
    /// }
    /// ```
    ///
    /// ## Fix
    /// Name the TriggerAuthentication that holds the queue's credentials (it
    /// lives in the project's namespace; scalec does not write it):
    /// ```scale
    /// queue jobs {
    ///   provider = aws-sqs
    ///   url      = "https://sqs.us-east-1.amazonaws.com/123456789012/jobs"
    ///   auth     = sqs-reader
    /// }
    /// ```
    /// or, when the KEDA operator's own identity may read the queue, say so:
    /// ```scale
    /// queue jobs {
    ///   provider = aws-sqs
    ///   url      = "https://sqs.us-east-1.amazonaws.com/123456789012/jobs"
    ///   auth     = operator
    /// }
    /// ```
    /// KEDA now reads the queue's length on every poll and starts the first
    /// worker when messages arrive. The name `operator` always means KEDA's
    /// own identity: a TriggerAuthentication must be called something else.
    ///
    /// ## See also
    /// K108 (scale-to-zero-unsupported), K109 (queue-total-target),
    /// <https://keda.sh/docs/latest/scalers/aws-sqs/>,
    /// <https://keda.sh/docs/latest/concepts/authentication/>.
    pub RULE {
        id: K121,
        name: "queue-without-auth",
        severity: Error,
        summary: "a KEDA queue trigger with no TriggerAuthentication and no `auth = operator`, so it never authenticates",
        every_service: true,
        check: Some(check),
    }
}

fn check(rule: &Rule, project: &Project, out: &mut Vec<Diagnostic>) {
    let unauthenticated_sqs =
        |q: &&crate::model::Queue| q.auth.is_none() && matches!(q.source, QueueSource::Sqs { .. });
    for queue in project.queues.iter().filter(unauthenticated_sqs) {
        let name = &queue.name.value;
        let source = SignalSource::Queue(name.clone());
        let readers: Vec<_> = project
            .services
            .iter()
            .filter(|service| service.autoscaler == Autoscaler::Keda)
            .flat_map(|service| {
                service
                    .scaling
                    .iter()
                    .filter(|signal| signal.source.value == source)
                    .map(move |signal| (service, signal))
            })
            .collect();
        if readers.is_empty() {
            // No trigger is written for it (K118 reports the unused queue).
            continue;
        }
        let mut d = rule
            .finding(
                format!("KEDA has no way to authenticate to queue `{name}`, so it never reads its backlog"),
                queue.name.span,
            )
            .with_label("no `auth` in this queue");
        for (service, signal) in &readers {
            d = d.with_related(
                signal.source.span,
                format!("KEDA reads it to scale service `{}`", service.name.value),
            );
        }
        let mut origins: Vec<_> = (readers.iter())
            .filter_map(|(service, _)| service.autoscaler_origin(&project.cluster))
            .collect();
        origins.sort_by_key(|(span, _)| *span);
        origins.dedup_by_key(|(span, _)| *span);
        for (span, label) in origins {
            d = d.with_related(span, label);
        }
        out.push(d.with_help(format!(
            "name the TriggerAuthentication that holds the queue's credentials, e.g. `auth = {name}-reader` \
             (written as `authenticationRef`); or, if the KEDA operator's own identity may read the \
             queue, write `auth = operator` (written as `identityOwner: operator`)"
        )));
    }
}
