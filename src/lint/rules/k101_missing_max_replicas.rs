use crate::diag::{Diagnostic, Suggestion};
use crate::lint::Rule;
use crate::model::{Project, RangeRefusal};

declare_rule! {
    /// ## What it does
    /// Flags a service that has `scale` blocks but no upper bound: no
    /// `replicas` at all (in the service or in `defaults`), a single number,
    /// or a maximum of 0.
    ///
    /// ## Why it is unsafe
    /// An autoscaler without a ceiling follows its metric wherever it goes. A
    /// traffic spike, a retry storm or a broken metric (a queue length stuck at
    /// a million) scales the service until the cluster runs out of nodes or the
    /// cloud budget runs out, and every other workload is starved on the way.
    /// scalec also has nothing to write into the HorizontalPodAutoscaler's
    /// required `maxReplicas` (and KEDA would silently pick 100).
    ///
    /// ## Example
    /// ```scale
    /// service api {
    ///   image = "registry.example.com/api:1.0.0"
    ///   cpu   = 250m
    ///   scale cpu { utilization = 70% }
    /// }
    /// ```
    ///
    /// ## Fix
    /// Give the service a range whose top is what the cluster can afford:
    /// ```scale
    /// service api {
    ///   image    = "registry.example.com/api:1.0.0"
    ///   cpu      = 250m
    ///   replicas = 2 .. 20
    ///   scale cpu { utilization = 70% }
    /// }
    /// ```
    /// The autoscaler then never runs more than 20 pods, whatever the metric says.
    ///
    /// ## See also
    /// K103 (no-scaling-range), C301 (peak-exceeds-max), C302 (cluster-overcommit).
    pub RULE {
        id: K101,
        name: "missing-max-replicas",
        severity: Error,
        summary: "a service autoscales but has no maximum replica count",
        guard: "the API server rejects a HorizontalPodAutoscaler without `maxReplicas`, and a KEDA ScaledObject would silently cap the service at 100",
        check: Some(check),
    }
}

fn check(rule: &Rule, project: &Project, out: &mut Vec<Diagnostic>) {
    for service in crate::lint::util::autoscaled(project) {
        let name = &service.name.value;
        let signal = service.scaling[0].source.span;
        // Whether an autoscaler can be written is decided by
        // `model::autoscalers`; this rule words its refusals but the one of
        // K102 (a minimum above the maximum).
        let refusal = match service.autoscale_range() {
            Some(Err(refusal)) if refusal != RangeRefusal::MinAboveMax => refusal,
            _ => continue,
        };
        match (refusal, &service.bounds()) {
            (RangeRefusal::NoReplicas, _) | (_, None) => out.push(
                rule.finding(
                    format!("service `{name}` autoscales with no maximum replica count"),
                    signal,
                )
                .with_label("scales on this with no upper bound")
                .with_related(
                    service.name.span,
                    "no `replicas` in this service or in `defaults`",
                )
                .with_help("add `replicas = MIN .. MAX`, e.g. `replicas = 2 .. 20`")
                .with_suggestion(Suggestion::line_before(
                    service.scaling[0].span,
                    "replicas = 2 .. 20",
                    "add `replicas = 2 .. 20`",
                )),
            ),
            (RangeRefusal::Fixed, Some(bounds)) => {
                let n = bounds.max.value;
                // Kubernetes stores the maximum as an int32.
                let max = n.saturating_mul(4).clamp(2, i32::MAX.unsigned_abs());
                let range = format!("{n} .. {max}");
                out.push(
                    rule.finding(
                        format!("service `{name}` autoscales but `replicas = {n}` sets no range"),
                        bounds.max.span,
                    )
                    .with_label("a single number is a fixed size")
                    .with_related(signal, "yet the service scales on this")
                    .with_help(format!("write a range: `replicas = {range}`"))
                    .with_suggestion(Suggestion::text(
                        bounds.max.span,
                        &range,
                        format!("change to `replicas = {range}`"),
                    )),
                );
            }
            (RangeRefusal::ZeroMaximum | RangeRefusal::MinAboveMax, Some(bounds)) => out.push(
                rule.finding(
                    format!("service `{name}` autoscales with a maximum of 0 replicas"),
                    bounds.max.span,
                )
                .with_label("the autoscaler may never run a pod")
                .with_related(signal, "yet the service scales on this")
                .with_help("raise the maximum, e.g. `replicas = 0 .. 10`, or drop the `scale` blocks to keep the service stopped"),
            ),
        }
    }
}
