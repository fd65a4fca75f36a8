use crate::diag::Diagnostic;
use crate::lint::Rule;
use crate::model::{Project, SelectPolicy};

declare_rule! {
    /// ## What it does
    /// Flags a service that has `scale` blocks but whose `scale_up` sets
    /// `select = disabled`, in the service or in the `scale_up` block it
    /// inherits from `defaults`.
    ///
    /// ## Why it is unsafe
    /// `select = disabled` tells the autoscaler never to add pods. The service
    /// still looks autoscaled (it has signals, a replica range, an autoscaler
    /// object), so everyone reading the policy, and every capacity plan built
    /// on it, assumes it grows under load. It does not: at the next traffic
    /// peak the existing pods saturate and requests fail while the metric
    /// shows the autoscaler should act. Disabling scale-up is sometimes done
    /// during an incident to stop a runaway; left in place, it turns the next
    /// peak into an outage.
    ///
    /// When scale-down is disabled too, the autoscaler can never act at all;
    /// the finding says so.
    ///
    /// ## Example
    /// ```scale
    /// service api {
    ///   image    = "registry.example.com/api:1.0.0"
    ///   cpu      = 250m
    ///   replicas = 2 .. 20
    ///   scale cpu { utilization = 70% }
    ///
    ///   scale_up { select = disabled }
    /// }
    /// ```
    ///
    /// ## Fix
    /// Remove `select = disabled`, and limit the growth rate instead if
    /// scale-up was too aggressive:
    /// ```scale
    /// service api {
    ///   image    = "registry.example.com/api:1.0.0"
    ///   cpu      = 250m
    ///   replicas = 2 .. 20
    ///   scale cpu { utilization = 70% }
    ///
    ///   scale_up { rate = 4 per 1m }
    /// }
    /// ```
    /// The autoscaler now adds up to 4 pods a minute when cpu rises. If the
    /// service really should not grow, say so plainly: write a fixed
    /// `replicas = N` and drop the `scale` blocks.
    ///
    /// ## See also
    /// K103 (no-scaling-range), K115 (scale-down-flapping).
    pub RULE {
        id: K116,
        name: "scale-up-disabled",
        severity: Warning,
        summary: "an autoscaled service has scale-up disabled, so it cannot grow under load",
        check: Some(check),
    }
}

fn check(rule: &Rule, project: &Project, out: &mut Vec<Diagnostic>) {
    for service in crate::lint::util::autoscaled(project) {
        let Some(select) = service.scale_up.as_ref().and_then(|b| b.select.as_ref()) else {
            continue;
        };
        if select.value != SelectPolicy::Disabled {
            continue;
        }
        let name = &service.name.value;
        let signal = service.scaling[0].source.span;
        let down_disabled = service
            .scale_down
            .as_ref()
            .and_then(|b| b.select.as_ref())
            .filter(|s| s.value == SelectPolicy::Disabled);
        let message = if down_disabled.is_some() {
            format!(
                "service `{name}` has `scale` blocks but scale-up and scale-down are both disabled"
            )
        } else {
            format!("service `{name}` has `scale` blocks but scale-up is disabled")
        };
        let mut finding = rule
            .finding(message, select.span)
            .with_label("the autoscaler never adds pods")
            .with_related(signal, "a rise in this never adds pods");
        if let Some(label) = crate::lint::util::inherits(project, service, select.span, "`scale_up`") {
            finding = finding.with_related(service.name.span, label);
        }
        if let Some(down) = down_disabled {
            finding =
                finding.with_related(down.span, "nor removes any: the autoscaler can never act");
        }
        let hold = match service.bounds() {
            Some(bounds) if bounds.fixed => {
                format!(
                    "drop the `scale` blocks: `replicas = {}` already fixes its size",
                    bounds.min.value
                )
            }
            Some(bounds) => format!(
                "write `replicas = {}` and drop the `scale` blocks",
                bounds.min.value
            ),
            None => "write a fixed `replicas = N` and drop the `scale` blocks".to_string(),
        };
        out.push(finding.with_help(format!(
            "remove `select = disabled` from `scale_up` (add a `rate` to limit growth instead); \
             if the service should not grow, {hold}"
        )));
    }
}
