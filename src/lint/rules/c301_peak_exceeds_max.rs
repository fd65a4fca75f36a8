use crate::diag::Diagnostic;
use crate::lint::Rule;
use crate::lint::capacity::{decimal, peak_replicas, peak_target};
use crate::lint::util::plural;
use crate::model::Project;

declare_rule! {
    /// ## What it does
    /// For a service with a `load` block, computes how many pods its declared
    /// peak needs and flags the service when its maximum replica count is
    /// smaller:
    ///
    /// pods needed = ⌈peak ÷ (per_pod × target utilization)⌉
    ///
    /// The target utilization is the service's cpu `utilization` target: the
    /// autoscaler keeps pods at that share of their capacity, so each serves
    /// `per_pod × target` at the peak. Without a cpu utilization signal the
    /// target is 100 % (pods run at full load). A target above 100 % counts
    /// as 100 %: a pod cannot serve more than its full load. A target of 0 %
    /// is K106's finding and is skipped here. Other signals (memory, metrics,
    /// queues) are not taken into account; the autoscaler follows the one
    /// asking for the most pods, so the count above is what the service needs
    /// at least.
    ///
    /// The maximum is the top of a `replicas` range, or N for a fixed
    /// `replicas = N`. A service with `load` but no `replicas` at all counts
    /// as a maximum of 1, because Kubernetes runs one pod; the finding then
    /// sits on `peak`. The arithmetic is exact.
    ///
    /// ## Why it is unsafe
    /// The autoscaler stops at the maximum. At the peak you declared, the
    /// pods that do run take more load than they can serve: latency climbs,
    /// requests time out, health checks fail under load and pods restart,
    /// which puts even more load on the rest. The outage happens on the
    /// busiest day, when it costs most.
    ///
    /// ## Example
    /// ```scale
    /// service prediction {
    ///   image    = "registry.example.com/prediction:1.0.0"
    ///   cpu      = 1
    ///   replicas = 3 .. 80
    ///   scale cpu { utilization = 70% }
    ///
    ///   load {
    ///     peak    = 4000
    ///     per_pod = 60
    ///   }
    /// }
    /// ```
    /// At 70 % each pod serves 42 req/s, so 4000 req/s need ⌈4000 ÷ 42⌉ = 96
    /// pods.
    ///
    /// ## Fix
    /// Raise the maximum to at least what the peak needs:
    /// ```scale
    /// service prediction {
    ///   image    = "registry.example.com/prediction:1.0.0"
    ///   cpu      = 1
    ///   replicas = 3 .. 96
    ///   scale cpu { utilization = 70% }
    ///
    ///   load {
    ///     peak    = 4000
    ///     per_pod = 60
    ///   }
    /// }
    /// ```
    /// The autoscaler can then add pods until the peak is served at the
    /// target utilization. Check with C302 that the cluster can hold them.
    ///
    /// ## See also
    /// K101 (missing-max-replicas), C302 (cluster-overcommit), K106
    /// (utilization-out-of-range).
    pub RULE {
        id: C301,
        name: "peak-exceeds-max",
        severity: Error,
        summary: "the declared peak load needs more pods than the maximum replica count",
        check: Some(check),
    }
}

fn check(rule: &Rule, project: &Project, out: &mut Vec<Diagnostic>) {
    for service in &project.services {
        let Some(load) = &service.load else { continue };
        let Some(target) = peak_target(service) else {
            continue;
        };
        let percent = target.map_or(100, |(p, _)| p.min(100));
        let peak = u128::from(load.peak_milli.value);
        let per_pod = u128::from(load.per_pod_milli.value);
        let needed = peak_replicas(load, target);
        let bounds = service.bounds();
        let max = bounds.as_ref().map_or(1, |b| b.max.value);
        if needed <= u128::from(max) {
            continue;
        }
        let name = &service.name.value;
        let at = match target {
            Some(_) => format!("at {percent} % utilization"),
            None => "at full load".to_string(),
        };
        let head = format!(
            "at a peak of {} req/s with {} req/s per pod {at}, `{name}` needs {}",
            decimal(peak),
            decimal(per_pod),
            plural(needed, "pod")
        );
        let peak_label = format!("peak of {} req/s", decimal(peak));
        let mut finding = match &bounds {
            Some(b) => {
                let label = if b.fixed {
                    format!("a fixed size of {}", plural(b.max.value, "pod"))
                } else {
                    format!("max is {}", b.max.value)
                };
                rule.finding(format!("{head}; max is {max}"), b.max.span)
                    .with_label(label)
                    .with_related(load.peak_milli.span, peak_label)
            }
            None => rule
                .finding(
                    format!("{head}; with no `replicas` it runs 1"),
                    load.peak_milli.span,
                )
                .with_label(format!("{peak_label} needs {}", plural(needed, "pod"))),
        };
        finding = finding.with_related(
            load.per_pod_milli.span,
            format!("{} req/s per pod at full load", decimal(per_pod)),
        );
        if let Some((written, span)) = target {
            let label = if written > 100 {
                format!("a target of {written} % counts as 100 %")
            } else {
                format!("pods kept at {written} % of their capacity")
            };
            finding = finding.with_related(span, label);
        }
        if crate::lint::util::inherited(project, service, finding.span) {
            use crate::model::environment::Origin;
            let mut from: Vec<(Origin<'_>, &str)> = Vec::new();
            let mut note = |span: crate::source::Span, what| {
                let origin = project.origin(service.span, span);
                if origin != Origin::Own {
                    from.push((origin, what));
                }
            };
            if let Some(b) = &bounds {
                note(b.max.span, "`replicas`");
            }
            note(load.span, "`load`");
            if let Some((_, span)) = target {
                note(span, "its cpu target");
            }
            let list = |origin: Origin<'_>| {
                let whats: Vec<&str> = (from.iter())
                    .filter(|(o, _)| *o == origin)
                    .map(|(_, w)| *w)
                    .collect();
                match whats.as_slice() {
                    [] => None,
                    [one] => Some((*one).to_string()),
                    [init @ .., last] => Some(format!("{} and {last}", init.join(", "))),
                }
            };
            let mut labels = Vec::new();
            if let Some(what) = list(Origin::Inherited) {
                labels.push(format!("`{name}` inherits {what} from `defaults`"));
            }
            if let Some(environment) = &project.environment
                && let Some(what) = list(Origin::Environment(&environment.name.value))
            {
                labels.push(format!("environment `{}` sets {what}", environment.name.value));
            }
            if labels.is_empty() {
                labels.push(format!("`{name}` inherits it from `defaults`"));
            }
            finding = finding.with_related(service.name.span, labels.join("; "));
        }
        let help = match &bounds {
            Some(b) if b.fixed => format!(
                "write `replicas = {needed}`, or autoscale up to it: `replicas = {} .. {needed}` with a `scale` block",
                b.min.value
            ),
            Some(b) => format!(
                "raise the maximum: `replicas = {} .. {}`",
                b.min.value,
                needed.max(u128::from(b.min.value))
            ),
            None if service.is_autoscaled() => format!("add `replicas = 2 .. {needed}`"),
            None => format!("add `replicas = {needed}`"),
        };
        out.push(finding.with_help(help));
    }
}
