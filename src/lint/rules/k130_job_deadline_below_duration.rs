use crate::diag::Diagnostic;
use crate::lint::Rule;
use crate::model::Project;

declare_rule! {
    /// ## What it does
    /// Flags a service that runs as Jobs whose `deadline` is shorter than its
    /// `job_duration`, the time one job may take.
    ///
    /// ## Why it is unsafe
    /// `deadline` is the Job's `activeDeadlineSeconds`: once it passes,
    /// Kubernetes stops the Job's pods and marks it failed, whatever they are
    /// doing. A Job that needs longer is killed every time: its work is lost,
    /// its message returns to the queue, and the next Job is killed the same
    /// way. The queue never drains and the cluster pays for every attempt.
    /// The deadline counts from the Job's start and covers its retries too.
    ///
    /// ## Example
    /// ```scale
    /// service encoder {
    ///   image        = "registry.example.com/encoder:2.3.0"
    ///   replicas     = 0 .. 20
    ///   job_duration = 20m
    ///   scale videos { average = 1 }
    ///   job { deadline = 10m }
    /// }
    /// ```
    ///
    /// ## Fix
    /// Let every attempt finish:
    /// ```scale
    /// service encoder {
    ///   image        = "registry.example.com/encoder:2.3.0"
    ///   replicas     = 0 .. 20
    ///   job_duration = 20m
    ///   scale videos { average = 1 }
    ///   job {
    ///     deadline = 1h
    ///     retries  = 2
    ///   }
    /// }
    /// ```
    /// A 20-minute encode now completes, and a failed one has time for its
    /// two retries before Kubernetes gives up.
    ///
    /// ## See also
    /// K128 (job-without-deadline), K123 (job-outlives-grace-period).
    /// Kubernetes: "Job termination and cleanup"
    /// (https://kubernetes.io/docs/concepts/workloads/controllers/job/#job-termination-and-cleanup).
    pub RULE {
        id: K130,
        name: "job-deadline-below-duration",
        severity: Warning,
        summary: "a Job's `deadline` is shorter than its `job_duration`, so long jobs are always killed",
        check: Some(check),
    }
}

fn check(rule: &Rule, project: &Project, out: &mut Vec<Diagnostic>) {
    for service in &project.services {
        let (Some(job), Some(duration)) = (&service.job, &service.job_duration_millis) else {
            continue;
        };
        let Some(deadline) = &job.deadline_seconds else {
            continue;
        };
        let deadline_millis = u128::from(deadline.value.unsigned_abs()) * 1000;
        if deadline_millis >= duration.value {
            continue;
        }
        let name = &service.name.value;
        let deadline_text = crate::model::format_seconds(deadline.value);
        let enough = super::k128_job_without_deadline::every_attempt(duration.value, job.retries());
        out.push(
            rule.finding(
                format!(
                    "Jobs of service `{name}` are stopped after {deadline_text}, before one job can finish"
                ),
                deadline.span,
            )
            .with_label(format!("every Job is stopped after {deadline_text}"))
            .with_related(duration.span, "one job takes up to this")
            .with_help(format!(
                "write `deadline = {}`: time for every attempt (`job_duration` times 1 + `retries`)",
                crate::model::format_seconds(enough)
            )),
        );
    }
}
