use crate::diag::Diagnostic;
use crate::lint::Rule;
use crate::lint::capacity::decimal;
use crate::model::{Project, SignalSource};

declare_rule! {
    /// ## What it does
    /// For each `target` of a `loadtest` on a service with a `load` block,
    /// computes the requests a second the test sends it at its peak and
    /// flags the target when that is below the service's `load { peak }`.
    ///
    /// A target receives its `weight`'s share of `rate`, or its share of
    /// `users`, each user sending one request every `think` (the most a user
    /// can send: the time a request takes only lowers it). A service that
    /// scales on a queue is skipped: its `peak` counts the queue's messages,
    /// not the requests it receives.
    ///
    /// ## Why it is unsafe
    /// A load test that never reaches the peak the policy is sized for passes
    /// without proving anything about that peak: the replicas, the node pool
    /// and the database connections the peak needs are never exercised, and
    /// the first time they are is in production.
    ///
    /// ## Example
    /// ```scale
    /// service api {
    ///   image    = "registry.example.com/api:1.0.0"
    ///   port     = 8080
    ///   replicas = 2 .. 20
    ///   load {
    ///     peak    = 1000
    ///     per_pod = 60
    ///   }
    /// }
    ///
    /// loadtest launch {
    ///   users = 1000
    ///   think = 2s
    ///   ramp  = 5m
    ///   target api { path = "/" }
    /// }
    /// ```
    /// 1,000 users pausing 2 s send 500 requests a second at most.
    ///
    /// ## Fix
    /// Drive the test to the peak: more users, a shorter pause, or a rate:
    /// ```scale
    /// service api {
    ///   image    = "registry.example.com/api:1.0.0"
    ///   port     = 8080
    ///   replicas = 2 .. 20
    ///   load {
    ///     peak    = 1000
    ///     per_pod = 60
    ///   }
    /// }
    ///
    /// loadtest launch {
    ///   rate = 1000
    ///   ramp = 5m
    ///   hold = 10m
    ///   target api { path = "/" }
    /// }
    /// ```
    ///
    /// ## See also
    /// C309 (loadtest-exceeds-capacity), C301 (peak-exceeds-max).
    pub RULE {
        id: C308,
        name: "loadtest-below-peak",
        severity: Warning,
        summary: "a load test never reaches the peak load of a service it targets",
        check: Some(check),
    }
}

fn check(rule: &Rule, project: &Project, out: &mut Vec<Diagnostic>) {
    for (test, target, service) in project.load_test_targets() {
        let Some(load) = &service.load else { continue };
        let on_queue = (service.scaling.iter())
            .any(|s| matches!(s.source.value, SignalSource::Queue(_)));
        let sent = test.peak_rate(target);
        let peak = u128::from(load.peak_milli.value);
        if on_queue || sent >= peak {
            continue;
        }
        out.push(
            rule.finding(
                format!(
                    "load test `{}` sends `{}` {} requests a second at most, below its peak of {}",
                    test.name.value,
                    target.service.value,
                    decimal(sent),
                    decimal(peak)
                ),
                target.service.span,
            )
            .with_label(format!("{} req/s at most", decimal(sent)))
            .with_related(load.peak_milli.span, format!("the peak it is sized for: {} req/s", decimal(peak)))
            .with_help("drive the test to the peak: more `users`, a shorter `think`, a larger `weight`, or a `rate`"),
        );
    }
}
