use crate::diag::Diagnostic;
use crate::lint::Rule;
use crate::lint::capacity::{decimal, max_pods};
use crate::model::Project;

declare_rule! {
    /// ## What it does
    /// For each `target` of a `loadtest` on a service with a `load` block,
    /// flags the target when the requests a second the test sends it at its
    /// peak exceed what the service serves at its maximum: max replicas ×
    /// `per_pod`. The rate is counted as for C308.
    ///
    /// ## Why it is unsafe
    /// The test fails by design: at its peak the service's pods are all busy
    /// and the rest of the requests time out, whatever the code does. The
    /// failure then says nothing about the code, and a team that raises the
    /// maximum to pass the test may raise it past what the node pool or the
    /// database can hold. Either the test asks for more than production will,
    /// or the policy is sized for less than production needs.
    ///
    /// ## Example
    /// ```scale
    /// service api {
    ///   image    = "registry.example.com/api:1.0.0"
    ///   port     = 8080
    ///   replicas = 2 .. 10
    ///   load {
    ///     peak    = 500
    ///     per_pod = 60
    ///   }
    /// }
    ///
    /// loadtest launch {
    ///   rate = 1000
    ///   ramp = 5m
    ///   target api { path = "/" }
    /// }
    /// ```
    /// Ten pods serve 600 requests a second; the test sends 1,000.
    ///
    /// ## Fix
    /// Test what the policy promises, or size the policy for what the test
    /// sends:
    /// ```scale
    /// service api {
    ///   image    = "registry.example.com/api:1.0.0"
    ///   port     = 8080
    ///   replicas = 2 .. 24
    ///   load {
    ///     peak    = 1000
    ///     per_pod = 60
    ///   }
    /// }
    ///
    /// loadtest launch {
    ///   rate = 1000
    ///   ramp = 5m
    ///   target api { path = "/" }
    /// }
    /// ```
    ///
    /// ## See also
    /// C308 (loadtest-below-peak), C301 (peak-exceeds-max).
    pub RULE {
        id: C309,
        name: "loadtest-exceeds-capacity",
        severity: Warning,
        summary: "a load test sends a service more than its maximum replicas can serve",
        check: Some(check),
    }
}

fn check(rule: &Rule, project: &Project, out: &mut Vec<Diagnostic>) {
    for (test, target, service) in project.load_test_targets() {
        let Some(load) = &service.load else { continue };
        let max = max_pods(service);
        let capacity = u128::from(max) * u128::from(load.per_pod_milli.value);
        let sent = test.peak_rate(target);
        if sent <= capacity {
            continue;
        }
        let mut finding = rule
            .finding(
                format!(
                    "load test `{}` sends `{}` {} requests a second, more than its {max} pods serve at most ({})",
                    test.name.value,
                    target.service.value,
                    decimal(sent),
                    decimal(capacity)
                ),
                target.service.span,
            )
            .with_label(format!("{} req/s", decimal(sent)))
            .with_related(
                load.per_pod_milli.span,
                format!("{} req/s per pod", decimal(u128::from(load.per_pod_milli.value))),
            );
        if let Some(bounds) = service.bounds() {
            finding = finding.with_related(bounds.max.span, format!("at most {max} pods"));
        }
        out.push(finding.with_help(
            "lower the test's load to the service's peak, or raise the service's maximum (and its `load { peak }`) to what the test sends",
        ));
    }
}
