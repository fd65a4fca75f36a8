use crate::diag::Diagnostic;
use crate::lint::Rule;
use crate::model::Project;
use crate::plan::clock;
use crate::plan::replay::Replay;

/// Two changes of direction closer than this are flapping.
pub const WINDOW_SECONDS: u64 = 300;

declare_rule! {
    /// ## What it does
    /// `scalec plan` replays load against the policy (see `docs/plan.md`).
    /// This rule flags a service whose replica count changes direction twice
    /// or more, each time less than 5 minutes after the change before it:
    /// up, then down, then up again.
    ///
    /// ## Why it is unsafe
    /// Every scale-down drops warm pods and every scale-up pays their start-up
    /// again: caches are cold, connections are re-opened, and requests wait
    /// for pods that were just removed. Flapping usually comes from a
    /// scale-down with no stabilization window, or a tolerance so small that
    /// the ordinary noise of the load moves the count.
    ///
    /// ## Example
    /// ```scale
    /// service api {
    ///   image    = "registry.example.com/api:1.0.0"
    ///   cpu      = 500m
    ///   replicas = 2 .. 20
    ///   scale cpu { utilization = 70% }
    ///   scale_down { stabilization = 0s }
    ///
    ///   load {
    ///     peak    = 600
    ///     per_pod = 60
    ///   }
    /// }
    /// ```
    ///
    /// ## Fix
    /// Keep Kubernetes' 5-minute window for scaling down (or longer), so a
    /// dip in the load does not remove pods the next minute needs:
    /// ```scale
    /// service api {
    ///   image    = "registry.example.com/api:1.0.0"
    ///   cpu      = 500m
    ///   replicas = 2 .. 20
    ///   scale cpu { utilization = 70% }
    ///   scale_down { stabilization = 5m }
    ///
    ///   load {
    ///     peak    = 600
    ///     per_pod = 60
    ///   }
    /// }
    /// ```
    ///
    /// ## See also
    /// K115 (scale-down-flapping), which judges the configuration alone.
    pub RULE {
        id: P403,
        name: "flapping",
        severity: Warning,
        summary: "in the replay, the replica count goes up and down within minutes",
        replay: true,
        check: None,
    }
}

/// Judges the replay: one finding per service that flaps.
pub fn judge(rule: &Rule, project: &Project, replay: &Replay, out: &mut Vec<Diagnostic>) {
    for run in &replay.services {
        let mut previous = run.initial;
        let mut last: Option<(u64, bool)> = None;
        let mut reversals = Vec::new();
        for &(at, count) in &run.changes {
            let up = count > previous;
            if let Some((then, was_up)) = last
                && was_up != up
                && at - then < WINDOW_SECONDS
            {
                reversals.push((then, at, up, count));
            }
            last = Some((at, up));
            previous = count;
        }
        if reversals.len() < 2 {
            continue;
        }
        let service = &project.services[run.index];
        let (then, at, up, count) = reversals[0];
        let span = service
            .scale_down
            .as_ref()
            .map_or(service.name.span, |b| b.span);
        let (now, before) = if up { ("up", "down") } else { ("down", "up") };
        out.push(
            rule.finding(
                format!(
                    "`{}` reverses its scaling {} times, each within {} of the change before: at {} it goes {now} to {count} pods {} after going {before}",
                    run.name,
                    reversals.len(),
                    clock(WINDOW_SECONDS),
                    clock(at),
                    clock(at - then),
                ),
                span,
            )
            .with_label("scales back within minutes")
            .with_help("scale down more slowly: `scale_down { stabilization = 5m }`, or a `tolerance` above the load's noise"),
        );
    }
}
