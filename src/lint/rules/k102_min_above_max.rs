use crate::diag::Diagnostic;
use crate::lint::Rule;
use crate::model::{Project, Replicas};

declare_rule! {
    /// ## What it does
    /// Flags a replica range whose minimum is above its maximum, such as
    /// `replicas = 10 .. 4`, and a node pool written the same way.
    ///
    /// ## Why it is unsafe
    /// The API server rejects a HorizontalPodAutoscaler whose `minReplicas`
    /// exceeds `maxReplicas`, so the deploy fails, or, applied in parts, the
    /// Deployment lands without its autoscaler and stays at whatever size it had.
    /// The range is almost always two numbers swapped or a typo in one of them.
    ///
    /// ## Example
    /// ```scale
    /// service api {
    ///   image    = "registry.example.com/api:1.0.0"
    ///   replicas = 10 .. 4
    /// }
    /// ```
    ///
    /// ## Fix
    /// Write the smaller number first:
    /// ```scale
    /// service api {
    ///   image    = "registry.example.com/api:1.0.0"
    ///   replicas = 4 .. 10
    /// }
    /// ```
    /// The service then runs between 4 and 10 pods.
    ///
    /// ## See also
    /// K103 (no-scaling-range), K101 (missing-max-replicas).
    pub RULE {
        id: K102,
        name: "min-above-max",
        severity: Error,
        summary: "a replica or node range has its minimum above its maximum",
        guard: "the API server rejects an autoscaler whose minimum is above its maximum",
        check: Some(check),
    }
}

fn check(rule: &Rule, project: &Project, out: &mut Vec<Diagnostic>) {
    for service in &project.services {
        if let Some(Replicas::Range { min, max, .. }) = &service.replicas
            && min.value > max.value
        {
            out.push(
                rule.finding(
                    format!(
                        "service `{}` has a minimum of {} replicas above its maximum of {}",
                        service.name.value, min.value, max.value
                    ),
                    min.span,
                )
                .with_label(format!("min {} is above max {}", min.value, max.value))
                .with_related(max.span, "the maximum")
                .with_related(service.name.span, "in this service")
                .with_help(format!("write `replicas = {} .. {}`", max.value, min.value)),
            );
        }
    }
    if let Some(nodes) = &project.cluster.nodes {
        let count = nodes.count.value;
        if count.min > count.max {
            out.push(
                rule.finding(
                    format!(
                        "the node pool's minimum of {} nodes is above its maximum of {}",
                        count.min, count.max
                    ),
                    nodes.count.span,
                )
                .with_label("min is above max")
                .with_help(format!("write `count = {} .. {}`", count.max, count.min)),
            );
        }
    }
}
