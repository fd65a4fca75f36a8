use crate::diag::Diagnostic;
use crate::lint::Rule;
use crate::model::Project;

declare_rule! {
    /// ## What it does
    /// Flags a service that may run a single pod: `replicas = 1`, a range
    /// starting at 1, or no `replicas` at all (Kubernetes then runs one).
    ///
    /// ## Why it is unsafe
    /// With one pod, every rollout, node drain, eviction or crash is an outage
    /// until the replacement is ready. A disruption budget cannot help: it can
    /// either block the drain forever or allow the only pod to go.
    ///
    /// A minimum of 0 is not flagged: scaling to zero is a deliberate choice for
    /// queue workers (K108 checks that it is possible).
    ///
    /// ## Example
    /// ```scale
    /// service api {
    ///   image    = "registry.example.com/api:1.0.0"
    ///   replicas = 1 .. 10
    /// }
    /// ```
    ///
    /// ## Fix
    /// Run at least two pods, spread across zones:
    /// ```scale
    /// service api {
    ///   image    = "registry.example.com/api:1.0.0"
    ///   replicas = 2 .. 10
    ///   spread   = zone
    /// }
    /// ```
    /// A drain or a crash then takes one pod while the other keeps serving.
    ///
    /// ## See also
    /// K119 (disruption-blocks-drain), K108 (scale-to-zero-unsupported).
    pub RULE {
        id: K104,
        name: "single-replica",
        severity: Warning,
        summary: "a service may run a single pod",
        check: Some(check),
    }
}

fn check(rule: &Rule, project: &Project, out: &mut Vec<Diagnostic>) {
    // A job's `replicas` count Jobs, each ending by itself: one is no
    // outage.
    for service in project.services.iter().filter(|s| !s.is_job()) {
        let name = &service.name.value;
        match service.bounds() {
            None => out.push(
                rule.finding(
                    format!("service `{name}` runs a single pod"),
                    service.name.span,
                )
                .with_label("no `replicas`: Kubernetes runs one pod")
                .with_help("add `replicas = 2` (or a range such as `replicas = 2 .. 10`)"),
            ),
            Some(bounds) if bounds.min.value == 1 => {
                let fix = if bounds.fixed {
                    "write `replicas = 2`".to_string()
                } else {
                    format!("write `replicas = 2 .. {}`", bounds.max.value.max(2))
                };
                out.push(
                    rule.finding(
                        format!("service `{name}` may run a single pod"),
                        bounds.min.span,
                    )
                    .with_label("one pod: every rollout, drain or crash is an outage")
                    .with_related(service.name.span, "in this service")
                    .with_help(fix),
                );
            }
            Some(_) => {}
        }
    }
}
