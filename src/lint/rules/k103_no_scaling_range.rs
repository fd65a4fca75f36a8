use crate::diag::Diagnostic;
use crate::lint::{Rule, util};
use crate::lower::values::INT32_MAX;
use crate::model::{Project, Replicas};

declare_rule! {
    /// ## What it does
    /// Flags an autoscaled service whose replica range has the same minimum and
    /// maximum, such as `replicas = 4 .. 4` with `scale` blocks.
    ///
    /// ## Why it is unsafe
    /// The autoscaler can never act: it computes a recommendation and clamps it
    /// to the one allowed size. The policy reads as if the service absorbs load
    /// spikes, but at peak it stays at its size and saturates, and the
    /// autoscaler's status hides the problem as "ScalingLimited".
    ///
    /// ## Example
    /// ```scale
    /// service api {
    ///   image    = "registry.example.com/api:1.0.0"
    ///   cpu      = 250m
    ///   replicas = 4 .. 4
    ///   scale cpu { utilization = 70% }
    /// }
    /// ```
    ///
    /// ## Fix
    /// Give the autoscaler room, or drop the `scale` blocks and write a fixed size:
    /// ```scale
    /// service api {
    ///   image    = "registry.example.com/api:1.0.0"
    ///   cpu      = 250m
    ///   replicas = 4 .. 12
    ///   scale cpu { utilization = 70% }
    /// }
    /// ```
    /// The service then grows to 12 pods under load and shrinks back to 4.
    ///
    /// ## See also
    /// K101 (missing-max-replicas), K102 (min-above-max).
    pub RULE {
        id: K103,
        name: "no-scaling-range",
        severity: Warning,
        summary: "an autoscaled service's minimum equals its maximum",
        check: Some(check),
    }
}

fn check(rule: &Rule, project: &Project, out: &mut Vec<Diagnostic>) {
    for service in util::autoscaled(project) {
        let Some(Replicas::Range { min, max, span }) = &service.replicas else {
            continue;
        };
        if min.value == max.value {
            let n = min.value.unsigned_abs();
            out.push(
                rule.finding(
                    format!("service `{}` autoscales between {n} and {n} replicas: the autoscaler can never act", service.name.value),
                    *span,
                )
                .with_label(format!("min and max are both {n}"))
                .with_related(service.scaling[0].source.span, "scales on this")
                .with_help(help(n)),
            );
        }
    }
}

/// A wider range to suggest: three times the size, within the most
/// Kubernetes allows; at that most, a lower minimum.
fn help(n: u32) -> String {
    let fixed = format!("or write `replicas = {n}` and remove the `scale` blocks");
    if n >= INT32_MAX {
        return format!(
            "{n} is the most replicas Kubernetes allows, so the maximum cannot rise: lower the minimum \
             (e.g. `replicas = {} .. {n}`), {fixed}",
            n / 3
        );
    }
    // n < INT32_MAX, so n + 1 cannot overflow and the suggestion is above n.
    let suggested = n.saturating_mul(3).clamp(n + 1, INT32_MAX);
    format!("raise the maximum (e.g. `replicas = {n} .. {suggested}`), {fixed}")
}
