use crate::diag::Diagnostic;
use crate::lint::Rule;
use crate::model::Project;

declare_rule! {
    /// ## What it does
    /// Flags a `target` of a `loadtest` on a service that serves no port:
    /// one with neither `port` (its own or from `defaults`) nor a `port`
    /// block, or one that runs as Jobs (`job { }`).
    ///
    /// ## Why it is unsafe
    /// Nothing listens where the test sends its requests. The service has no
    /// Kubernetes Service to route them to, so every request fails and the
    /// test measures the ingress's error page, not the service.
    ///
    /// ## Example
    /// ```scale
    /// service worker {
    ///   image    = "registry.example.com/worker:1.0.0"
    ///   replicas = 1 .. 10
    /// }
    ///
    /// loadtest launch {
    ///   rate = 100
    ///   ramp = 5m
    ///   target worker { path = "/" }
    /// }
    /// ```
    ///
    /// ## Fix
    /// Target the service that receives the requests, or give this one its
    /// port:
    /// ```scale
    /// service worker {
    ///   image    = "registry.example.com/worker:1.0.0"
    ///   port     = 8080
    ///   replicas = 1 .. 10
    /// }
    ///
    /// loadtest launch {
    ///   rate = 100
    ///   ramp = 5m
    ///   target worker { path = "/" }
    /// }
    /// ```
    ///
    /// ## See also
    /// K122 (unreachable-port).
    pub RULE {
        id: K131,
        name: "endpoint-without-port",
        severity: Error,
        summary: "a load test targets a service that serves no port",
        check: Some(check),
    }
}

fn check(rule: &Rule, project: &Project, out: &mut Vec<Diagnostic>) {
    for (test, target, service) in project.load_test_targets() {
        let why = if service.is_job() {
            "runs as Jobs, which serve no port"
        } else if service.port.is_none() && service.named_ports.is_empty() {
            "has no `port`"
        } else {
            continue;
        };
        out.push(
            rule.finding(
                format!(
                    "load test `{}` sends requests to `{}`, which {why}",
                    test.name.value, target.service.value
                ),
                target.service.span,
            )
            .with_label("nothing listens here")
            .with_related(service.name.span, format!("`{}` {why}", service.name.value))
            .with_help("target the service that receives these requests, or give this one a `port`"),
        );
    }
}
