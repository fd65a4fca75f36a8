use crate::diag::Diagnostic;
use crate::lint::Rule;
use crate::model::{Project, SelectPolicy};

declare_rule! {
    /// ## What it does
    /// Flags an autoscaled service whose `scale_down { stabilization }` is
    /// explicitly set below 60 seconds, in the service or in the `scale_down`
    /// block it inherits from `defaults`.
    ///
    /// ## Why it is unsafe
    /// The scale-down stabilization window is how long the autoscaler remembers
    /// its recommendations before it removes pods: it only scales down to the
    /// highest replica count it recommended during the window. The autoscaler
    /// evaluates every 15 seconds, so a window under a minute spans at most
    /// three evaluations, and every short dip in traffic (a slow minute, a
    /// paused client, a metric scrape gap) removes pods that the next burst
    /// needs back. Replicas oscillate: pods are killed while they still hold
    /// connections and caches, new ones start cold, and each cycle costs
    /// failed requests and scheduling churn.
    ///
    /// Leaving `stabilization` out is fine: Kubernetes then uses 300 seconds.
    /// The rule stays silent when scale-down is disabled
    /// (`select = disabled`) or the replica range has a single value, since
    /// the replica count cannot oscillate then.
    ///
    /// ## Example
    /// ```scale
    /// service api {
    ///   image    = "registry.example.com/api:1.0.0"
    ///   cpu      = 250m
    ///   replicas = 2 .. 20
    ///   scale cpu { utilization = 70% }
    ///
    ///   scale_down { stabilization = 15s }
    /// }
    /// ```
    ///
    /// ## Fix
    /// Keep at least a minute of history, or remove `stabilization` to get the
    /// Kubernetes default of five minutes:
    /// ```scale
    /// service api {
    ///   image    = "registry.example.com/api:1.0.0"
    ///   cpu      = 250m
    ///   replicas = 2 .. 20
    ///   scale cpu { utilization = 70% }
    ///
    ///   scale_down { stabilization = 5m }
    /// }
    /// ```
    /// The service now sheds pods only after load has stayed low for five
    /// minutes. Scale-up has its own window, so the service still grows as
    /// fast as before. To shed pods gradually rather than late, add a `rate`
    /// such as `rate = 50% per 1m`.
    ///
    /// ## See also
    /// K116 (scale-up-disabled), K120 (feature-not-in-version).
    pub RULE {
        id: K115,
        name: "scale-down-flapping",
        severity: Warning,
        summary: "a scale-down stabilization window under 60 s makes replicas oscillate",
        check: Some(check),
    }
}

/// Windows shorter than this many seconds are flagged.
const MIN_WINDOW_SECONDS: u32 = 60;

fn check(rule: &Rule, project: &Project, out: &mut Vec<Diagnostic>) {
    for service in crate::lint::util::autoscaled(project) {
        let Some(scale_down) = &service.scale_down else {
            continue;
        };
        let Some(window) = &scale_down.stabilization_seconds else {
            continue;
        };
        if window.value.unsigned_abs() >= MIN_WINDOW_SECONDS {
            continue;
        }
        if scale_down
            .select
            .as_ref()
            .is_some_and(|s| s.value == SelectPolicy::Disabled)
        {
            continue;
        }
        if service.bounds().is_some_and(|b| b.min.value == b.max.value) {
            continue;
        }
        let name = &service.name.value;
        let seconds = window.value;
        let (message, label) = if seconds == 0 {
            (
                format!("service `{name}` scales down with no stabilization window"),
                "any dip removes pods at the next evaluation".to_string(),
            )
        } else {
            (
                format!("service `{name}` scales down after only {seconds}s of lower load"),
                format!("a dip longer than {seconds}s removes pods"),
            )
        };
        let mut finding = rule.finding(message, window.span).with_label(label);
        if let Some(label) = crate::lint::util::inherits(project, service, window.span, "`scale_down`") {
            finding = finding.with_related(service.name.span, label);
        }
        out.push(finding.with_help(format!(
            "remove `stabilization` to get the Kubernetes default of 5m, or write at least `stabilization = {}m`; \
             scale-up keeps its own window, so the service still grows as fast",
            MIN_WINDOW_SECONDS / 60
        )));
    }
}
