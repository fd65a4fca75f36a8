use crate::diag::Diagnostic;
use crate::lint::Rule;
use crate::model::{MetricKind, MetricValue, Project, ScaleSignal, Service, SignalSource, Target};

declare_rule! {
    /// ## What it does
    /// Flags a `total` target on a queue (`scale jobs { total = 1000 }`) or on a
    /// metric of `kind = external`.
    ///
    /// ## Why it is unsafe
    /// A `total` becomes an HPA `Value` target: the autoscaler multiplies the
    /// current replica count by backlog ÷ total on every sync, whatever the
    /// count already is. A backlog of 2000 against `total = 1000` doubles the
    /// pods, then doubles them again 15 s later while the new pods are still
    /// starting, until the backlog drops below the total or the service hits
    /// its maximum. Any sustained backlog above the total therefore pins the
    /// service at max replicas, and a small one sends it through oscillating
    /// doublings and halvings. `average` (an `AverageValue` target; with KEDA
    /// the `queueLength` per pod) asks for backlog ÷ average pods instead: a
    /// stable count that follows the backlog.
    ///
    /// `total` on a `kind = object` metric is left alone: for a value that
    /// describes one object, such as latency at an ingress, a total target is
    /// the usual choice.
    ///
    /// ## Example
    /// ```scale
    /// queue jobs {
    ///   provider = aws-sqs
    ///   url      = "https://sqs.us-east-1.amazonaws.com/123456789012/jobs"
    /// }
    ///
    /// service worker {
    ///   image    = "registry.example.com/worker:1.0.0"
    ///   replicas = 2 .. 20
    ///   scale jobs { total = 1000 }
    /// }
    /// ```
    ///
    /// ## Fix
    /// Say how many messages one pod should have waiting:
    /// ```scale
    /// service worker {
    ///   image    = "registry.example.com/worker:1.0.0"
    ///   replicas = 2 .. 20
    ///   scale jobs { average = 50 }
    /// }
    /// ```
    /// The suggested average is the total divided by the maximum (1000 ÷ 20),
    /// so a backlog of 1000 still runs 20 pods, a backlog of 100 runs 2, and the
    /// count no longer compounds from one sync to the next. A better average is
    /// what one pod drains in the time you accept a message to wait.
    ///
    /// ## See also
    /// K101 (missing-max-replicas), K118 (unused-metric).
    pub RULE {
        id: K109,
        name: "queue-total-target",
        severity: Warning,
        summary: "a queue or external metric scales on a total instead of a per-pod average",
        check: Some(check),
    }
}

fn check(rule: &Rule, project: &Project, out: &mut Vec<Diagnostic>) {
    for service in &project.services {
        for signal in &service.scaling {
            let Target::Total(total) = &signal.target.value else {
                continue;
            };
            let what = match &signal.source.value {
                SignalSource::Queue(name) => What::Queue(name),
                SignalSource::Metric(name)
                    if project
                        .metric(name)
                        .is_some_and(|m| m.kind.value == MetricKind::External) =>
                {
                    What::External(name)
                }
                _ => continue,
            };
            out.push(finding(rule, project, service, signal, &what, total));
        }
    }
}

enum What<'a> {
    Queue(&'a str),
    External(&'a str),
}

fn finding(
    rule: &Rule,
    project: &Project,
    service: &Service,
    signal: &ScaleSignal,
    what: &What<'_>,
    total: &MetricValue,
) -> Diagnostic {
    let name = &service.name.value;
    let (subject, noun) = match what {
        What::Queue(queue) => (format!("the total backlog of queue `{queue}`"), "backlog"),
        What::External(metric) => (format!("the total of external metric `{metric}`"), "value"),
    };
    let max = service.bounds().filter(|b| !b.fixed).map(|b| b.max.value);
    let text = &total.text;
    let message = match max {
        Some(max) => format!(
            "service `{name}` scales on {subject}: any {noun} above {text} pins it at {}",
            crate::lint::util::plural(max, "replica")
        ),
        None => format!(
            "service `{name}` scales on {subject}: any {noun} above {text} keeps adding pods"
        ),
    };
    let help = match max.filter(|m| *m > 0) {
        Some(max) => {
            let (average, average_milli) =
                per_pod(total.milli, max, matches!(what, What::Queue(_)));
            let pods = total.milli.div_ceil(average_milli.max(1));
            let rounded = if average_milli.saturating_mul(u128::from(max)) == total.milli {
                ""
            } else {
                ", rounded up"
            };
            format!(
                "scale per pod: `average = {average}` ({text} ÷ {}{rounded}), so a {noun} of {text} runs {} and a smaller one proportionally fewer",
                crate::lint::util::plural(max, "replica"),
                crate::lint::util::plural(pods, "pod")
            )
        }
        None => format!(
            "scale per pod: `average = N`, where N is what one pod handles in the time a {} may wait",
            if matches!(what, What::Queue(_)) {
                "message"
            } else {
                "unit of work"
            }
        ),
    };
    let mut d = rule
        .finding(message, signal.target.span)
        .with_label(format!(
            "a total: each sync multiplies the replicas by {noun} ÷ {text}"
        ))
        .with_help(help);
    let target = signal.target.span;
    if let Some(label) = crate::lint::util::inherits(project, service, target, "this target") {
            d = d.with_related(service.name.span, label);
        }
    d
}

/// `total ÷ max`, rounded up, as the user would write it, and in thousandths:
/// whole messages for a queue; for a metric whole units, or thousandths
/// (`250m`) below 1.
fn per_pod(total_milli: u128, max: u32, whole: bool) -> (String, u128) {
    let max = u128::from(max);
    if whole || total_milli >= max.saturating_mul(1000) {
        let units = total_milli.div_ceil(max.saturating_mul(1000)).max(1);
        return (units.to_string(), units.saturating_mul(1000));
    }
    let milli = total_milli.div_ceil(max).max(1);
    (format!("{milli}m"), milli)
}
