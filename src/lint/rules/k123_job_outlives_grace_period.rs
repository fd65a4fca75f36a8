use crate::diag::Diagnostic;
use crate::lint::Rule;
use crate::model::{Project, SignalSource};

declare_rule! {
    /// ## What it does
    /// Flags a service whose `job_duration` (how long one job or message
    /// takes) is longer than the time its pods get to stop: its
    /// `grace_period`, or Kubernetes' 30 seconds when it sets none.
    ///
    /// ## Why it is unsafe
    /// When a pod is stopped (a scale-down, a rollout, a node drain), the
    /// kubelet runs its `pre_stop`, sends SIGTERM, and kills the container
    /// when the grace period runs out, whatever it is doing. A queue worker
    /// scaled down by its backlog is stopped exactly while it works: a
    /// transcoding job of five minutes killed after 30 seconds is lost, the
    /// message comes back after its visibility timeout, and the work starts
    /// again from zero, possibly on a pod that is stopped the same way. Under
    /// steady scale-downs the queue never drains.
    ///
    /// ## Example
    /// ```scale
    /// service transcoder {
    ///   image        = "registry.example.com/transcoder:3.1.0"
    ///   replicas     = 1 .. 40
    ///   job_duration = 5m
    ///   scale videos { average = 2 }
    /// }
    /// ```
    ///
    /// ## Fix
    /// Give the pod time to finish the job it holds, and make the worker stop
    /// taking new messages on SIGTERM:
    /// ```scale
    /// service transcoder {
    ///   image        = "registry.example.com/transcoder:3.1.0"
    ///   replicas     = 1 .. 40
    ///   job_duration = 5m
    ///   grace_period = 6m
    ///   scale videos { average = 2 }
    /// }
    /// ```
    /// A stopping pod now has 6 minutes after its stop begins: enough to
    /// finish the job it is on before the kubelet kills it.
    ///
    /// ## See also
    /// K119 (disruption-blocks-drain). Kubernetes: "Termination of Pods"
    /// (https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/#pod-termination).
    pub RULE {
        id: K123,
        name: "job-outlives-grace-period",
        severity: Warning,
        summary: "one job takes longer than the grace period, so a stopping pod is killed mid-job",
        check: Some(check),
    }
}

fn check(rule: &Rule, project: &Project, out: &mut Vec<Diagnostic>) {
    for service in &project.services {
        let Some(job) = &service.job_duration_millis else {
            continue;
        };
        let grace = service.grace_period_seconds();
        let grace_millis = u128::from(grace.unsigned_abs()) * 1000;
        if job.value <= grace_millis {
            continue;
        }
        let name = &service.name.value;
        let job_text = format_millis(job.value);
        let grace_text = crate::model::format_seconds(grace);
        let worker = if (service.scaling.iter()).any(|s| matches!(s.source.value, SignalSource::Queue(_))) {
            "queue worker"
        } else {
            "service"
        };
        // Room for the job, rounded up to whole seconds, and a little more.
        let needed = i64::try_from(job.value.div_ceil(1000)).unwrap_or(i64::MAX).saturating_add(30);
        let finding = rule
            .finding(
                format!(
                    "{worker} `{name}` takes up to {job_text} per job but is given {grace_text} to stop"
                ),
                job.span,
            )
            .with_label(format!("one job takes up to {job_text}"))
            .with_help(format!(
                "write `grace_period = {}` (the job and 30s to spare) so a stopping pod finishes \
                 its job, and stop taking new work on SIGTERM",
                crate::model::format_seconds(needed)
            ));
        let finding = match &service.grace_period_seconds {
            Some(written) => finding.with_related(written.span, format!("{grace_text} to stop")),
            None => finding.with_related(
                service.name.span,
                "no `grace_period`: Kubernetes gives 30s",
            ),
        };
        // A value from `defaults` also labels the service, so a suppression
        // above the service matches.
        let inherited = crate::lint::util::inherited(project, service, job.span)
            && service.grace_period_seconds.is_some();
        out.push(if inherited {
            finding.with_related(service.name.span, "in this service")
        } else {
            finding
        });
    }
}

/// A duration in milliseconds as a policy writes it.
fn format_millis(millis: u128) -> String {
    if !millis.is_multiple_of(1000) {
        return format!("{millis}ms");
    }
    crate::model::format_seconds(i64::try_from(millis / 1000).unwrap_or(i64::MAX))
}
