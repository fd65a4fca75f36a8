use crate::diag::Diagnostic;
use crate::lint::Rule;
use crate::model::Project;

declare_rule! {
    /// ## What it does
    /// Flags a service that runs as Jobs (`job { ... }`) with no `deadline`,
    /// so Kubernetes never stops a Job that hangs.
    ///
    /// ## Why it is unsafe
    /// A ScaledJob never runs more Jobs at once than the `replicas` maximum,
    /// and a running Job holds one of those slots until it ends. A Job whose
    /// pod hangs (a dead connection, a lock never released, a prompt waiting
    /// for input) runs forever: it holds its slot and its message. A few such
    /// Jobs and KEDA starts no more, while the queue grows and every
    /// dashboard shows Jobs "running".
    ///
    /// ## Example
    /// ```scale
    /// service encoder {
    ///   image    = "registry.example.com/encoder:2.3.0"
    ///   replicas = 0 .. 20
    ///   scale videos { average = 1 }
    ///   job { retries = 2 }
    /// }
    /// ```
    ///
    /// ## Fix
    /// Give each Job a deadline longer than it ever needs, retries included:
    /// ```scale
    /// service encoder {
    ///   image    = "registry.example.com/encoder:2.3.0"
    ///   replicas = 0 .. 20
    ///   scale videos { average = 1 }
    ///   job {
    ///     retries  = 2
    ///     deadline = 45m
    ///   }
    /// }
    /// ```
    /// Kubernetes now fails a Job still running after 45 minutes
    /// (`activeDeadlineSeconds`), stops its pods, and frees its slot; the
    /// message returns to the queue for another Job.
    ///
    /// ## See also
    /// K130 (job-deadline-below-duration). Kubernetes: "Job termination and
    /// cleanup"
    /// (https://kubernetes.io/docs/concepts/workloads/controllers/job/#job-termination-and-cleanup).
    pub RULE {
        id: K128,
        name: "job-without-deadline",
        severity: Warning,
        summary: "a service that runs as Jobs has no `deadline`, so a hung Job holds its slot forever",
        check: Some(check),
    }
}

fn check(rule: &Rule, project: &Project, out: &mut Vec<Diagnostic>) {
    for service in &project.services {
        let Some(job) = &service.job else {
            continue;
        };
        if job.deadline_seconds.is_some() {
            continue;
        }
        let name = &service.name.value;
        let help = match &service.job_duration_millis {
            Some(duration) => format!(
                "write `deadline = {}` in `job`: time for every attempt of a Job (`job_duration` \
                 times 1 + `retries`)",
                crate::model::format_seconds(every_attempt(duration.value, job.retries()))
            ),
            None => "write `deadline = 30m` in `job`, longer than one Job ever runs with its \
                     retries, so Kubernetes stops a Job that hangs"
                .to_string(),
        };
        out.push(
            rule.finding(
                format!("Jobs of service `{name}` have no deadline"),
                job.head,
            )
            .with_label("no `deadline`: a hung Job runs forever")
            .with_related(service.name.span, "in this service")
            .with_help(help),
        );
    }
}

/// Whole seconds for `attempts` runs of `millis` each, rounded up.
pub(crate) fn every_attempt(millis: u128, retries: i32) -> i64 {
    let attempts = u128::from(retries.unsigned_abs()) + 1;
    i64::try_from((millis * attempts).div_ceil(1000)).unwrap_or(i64::MAX)
}
