use crate::diag::Diagnostic;
use crate::lint::Rule;
use crate::lint::capacity::decimal;
use crate::model::Project;
use crate::plan::clock;
use crate::plan::replay::Replay;
use crate::plan::table::grouped;

declare_rule! {
    /// ## What it does
    /// `scalec plan` replays load against the policy (see `docs/plan.md`).
    /// This rule flags a queue whose backlog has not drained when the replay
    /// ends: messages still wait after the load is over.
    ///
    /// Each ready pod of a service that scales on the queue takes up to
    /// `load { per_pod }` messages a second, after any requests it serves.
    ///
    /// ## Why it is unsafe
    /// A backlog that outlives the load means the consumers never caught up:
    /// every message waits longer than the last, and a queue's retention
    /// period eventually deletes messages nobody processed. The usual causes
    /// are a maximum too low for the arrival rate, or a target per pod so high
    /// that the autoscaler never adds the pods the backlog needs.
    ///
    /// ## Example
    /// ```scale
    /// queue orders {
    ///   provider = aws-sqs
    ///   url      = "https://sqs.us-east-1.amazonaws.com/123456789012/orders"
    ///   region   = "us-east-1"
    /// }
    ///
    /// service worker {
    ///   image    = "registry.example.com/worker:1.0.0"
    ///   replicas = 1 .. 4
    ///   scale orders { average = 100 }
    ///
    ///   load {
    ///     peak    = 500
    ///     per_pod = 50
    ///   }
    /// }
    /// ```
    /// Four pods take 200 messages a second; at 500 a second the backlog grows
    /// for the whole hour and is still there 20 minutes after.
    ///
    /// ## Fix
    /// Let the consumers reach what the arrival rate needs, 500 ÷ 50 = 10
    /// pods, with room to work the backlog off:
    /// ```scale
    /// queue orders {
    ///   provider = aws-sqs
    ///   url      = "https://sqs.us-east-1.amazonaws.com/123456789012/orders"
    ///   region   = "us-east-1"
    /// }
    ///
    /// service worker {
    ///   image    = "registry.example.com/worker:1.0.0"
    ///   replicas = 1 .. 14
    ///   scale orders { average = 100 }
    ///
    ///   load {
    ///     peak    = 500
    ///     per_pod = 50
    ///   }
    /// }
    /// ```
    ///
    /// ## See also
    /// P401 (max-before-peak), K109 (queue-total-target).
    pub RULE {
        id: P402,
        name: "backlog-never-drains",
        severity: Error,
        summary: "in the replay, a queue's backlog is still waiting when the load is over",
        replay: true,
        check: None,
    }
}

/// Judges the replay: one finding per queue with messages left at the end.
pub fn judge(rule: &Rule, project: &Project, replay: &Replay, out: &mut Vec<Diagnostic>) {
    for queue in &replay.queues {
        if queue.last == 0 {
            continue;
        }
        let Some(declared) = project.queues.iter().find(|q| q.name.value == queue.name) else {
            continue;
        };
        let mut finding = rule
            .finding(
                format!(
                    "the backlog of `{}` never drains: {} messages still wait when the replay ends at {}",
                    queue.name,
                    grouped(u128::from(queue.last)),
                    clock(replay.duration)
                ),
                declared.name.span,
            )
            .with_label(format!(
                "at most {} messages waiting, at {}",
                grouped(u128::from(queue.peak.0)),
                clock(queue.peak.1)
            ));
        let mut consumers = Vec::new();
        for run in &replay.services {
            let service = &project.services[run.index];
            if !(service.scaling.iter()).any(|s| s.source.value.name() == queue.name) {
                continue;
            }
            if let Some(bounds) = service.bounds() {
                finding = finding.with_related(
                    bounds.max.span,
                    format!(
                        "at most {} pods of `{}` take {} messages a second",
                        run.max,
                        run.name,
                        decimal(u128::from(run.per_pod) * u128::from(run.max))
                    ),
                );
            }
            consumers.push(format!("`{}`", run.name));
        }
        let help = if consumers.is_empty() {
            "no simulated service reads this queue: give its consumer a `load { per_pod }`".to_string()
        } else {
            format!(
                "raise the maximum of {} until its pods take more than the arrival rate, or lower the target per pod",
                consumers.join(", ")
            )
        };
        out.push(finding.with_help(help));
    }
}
