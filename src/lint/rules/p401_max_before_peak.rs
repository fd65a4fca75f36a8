use crate::diag::Diagnostic;
use crate::lint::Rule;
use crate::lint::capacity::{decimal, peak_target};
use crate::model::Project;
use crate::plan::clock;
use crate::plan::replay::{Replay, ServiceReplay};
use crate::plan::table::grouped;

declare_rule! {
    /// ## What it does
    /// `scalec plan` replays load against the policy (see `docs/plan.md`).
    /// This rule flags a service that reaches its maximum replica count while
    /// the load still needs more pods: with every pod it may have ready,
    /// requests arrive that no pod can serve, or messages arrive in its queue
    /// faster than its pods take them.
    ///
    /// Each ready pod serves `load { per_pod }` requests (or messages) a
    /// second. The help names the maximum the replay's busiest second needs
    /// at the service's cpu target, as C301 counts it.
    ///
    /// ## Why it is unsafe
    /// The maximum is reached before the peak: from then on the autoscaler can
    /// do nothing, and what the pods cannot serve times out or piles up. C301
    /// judges the declared `peak`; this rule judges the load of the replay,
    /// with pods that take time to start and a node pool that may be full, so
    /// it also catches a maximum that would do at a steady peak but not on
    /// the way there.
    ///
    /// ## Example
    /// ```scale
    /// service api {
    ///   image    = "registry.example.com/api:1.0.0"
    ///   cpu      = 500m
    ///   replicas = 2 .. 10
    ///   scale cpu { utilization = 70% }
    ///
    ///   load {
    ///     peak    = 900
    ///     per_pod = 60
    ///   }
    /// }
    /// ```
    /// Under a ramp to 900 requests per second, ten pods serve 600 at most.
    ///
    /// ## Fix
    /// Raise the maximum to what the peak needs, ⌈900 ÷ (60 × 70 %)⌉ = 22:
    /// ```scale
    /// service api {
    ///   image    = "registry.example.com/api:1.0.0"
    ///   cpu      = 500m
    ///   replicas = 2 .. 22
    ///   scale cpu { utilization = 70% }
    ///
    ///   load {
    ///     peak    = 900
    ///     per_pod = 60
    ///   }
    /// }
    /// ```
    ///
    /// ## See also
    /// C301 (peak-exceeds-max), P404 (nodes-exhausted).
    pub RULE {
        id: P401,
        name: "max-before-peak",
        severity: Error,
        summary: "in the replay, the service reaches its maximum while the load needs more pods",
        replay: true,
        check: None,
    }
}

/// Judges the replay: one finding per service short of pods at its maximum.
pub fn judge(rule: &Rule, project: &Project, replay: &Replay, out: &mut Vec<Diagnostic>) {
    for run in &replay.services {
        let Some(from) = run.short_at_max_from else {
            continue;
        };
        let service = &project.services[run.index];
        let name = &service.name.value;
        let mut shortfalls = Vec::new();
        if run.dropped_at_max > 0 {
            shortfalls.push(format!(
                "{} requests were not served",
                grouped(run.dropped_at_max)
            ));
        }
        if run.queued_at_max > 0 {
            shortfalls.push(format!(
                "{} messages arrived beyond what its pods took from the queue",
                grouped(run.queued_at_max)
            ));
        }
        let message = format!(
            "`{name}` cannot keep up at its maximum of {} pods from {}: {}",
            run.max,
            clock(from),
            shortfalls.join("; ")
        );
        let (demand, demand_at) = run.peak_demand;
        let needed = needed_pods(project, run);
        let mut finding = match service.bounds() {
            Some(bounds) => rule
                .finding(message, bounds.max.span)
                .with_label(format!("reached at {}", clock(run.first_at_max.unwrap_or(from)))),
            None => rule.finding(message, service.name.span),
        };
        if let Some(load) = &service.load {
            finding = finding.with_related(
                load.per_pod_milli.span,
                format!(
                    "{} per second per pod; {} at {}",
                    decimal(u128::from(run.per_pod)),
                    decimal(u128::from(demand)),
                    clock(demand_at)
                ),
            );
        }
        let percent = target_percent(service);
        out.push(finding.with_help(format!(
            "raise the maximum to serve {} a second at {percent} %: `replicas = {} .. {needed}`",
            decimal(u128::from(demand)),
            run.min
        )));
    }
}

/// The cpu target the replay's peak is served at: the service's cpu
/// `utilization` (at most 100 %), else 100 %.
fn target_percent(service: &crate::model::Service) -> u32 {
    peak_target(service)
        .flatten()
        .map_or(100, |(p, _)| p.min(100))
}

/// The pods the replay's busiest second needs at the service's cpu target,
/// as C301 counts them: ⌈demand ÷ (per_pod × target)⌉, at least its minimum.
pub fn needed_pods(project: &Project, run: &ServiceReplay) -> u32 {
    let percent = target_percent(&project.services[run.index]);
    let needed = (u128::from(run.peak_demand.0) * 100)
        .div_ceil(u128::from(run.per_pod).max(1) * u128::from(percent))
        .max(u128::from(run.min));
    u32::try_from(needed).unwrap_or(u32::MAX)
}
