use crate::diag::Diagnostic;
use crate::lint::Rule;
use crate::model::network::HTTP_PORT;
use crate::model::{Project, Service};

declare_rule! {
    /// ## What it does
    /// Flags a port of a service that nothing may reach: no service `calls`
    /// it, the service states no `ingress_from` and is not `public`, the
    /// health probes do not use it, and it is not the port of the service's
    /// `metrics` block (which admits Prometheus).
    ///
    /// ## Why it is unsafe
    /// scalec closes the project's namespace with a default-deny
    /// NetworkPolicy and opens exactly the connections the policy declares.
    /// A port no declaration opens takes no connection once the policies
    /// apply: the service deploys, its Service resolves, and every request
    /// to the port times out. Most often a caller forgot `calls`, or the
    /// ingress controller's namespace is missing from `ingress_from`, and the
    /// outage starts when a network plugin that enforces NetworkPolicies is
    /// installed.
    ///
    /// ## Example
    /// ```scale
    /// service api {
    ///   image    = "registry.example.com/api:1.0.0"
    ///   replicas = 2
    ///   port     = 8080
    /// }
    /// ```
    ///
    /// ## Fix
    /// Declare who connects: the services that call it, or the traffic from
    /// outside the project.
    /// ```scale
    /// service api {
    ///   image        = "registry.example.com/api:1.0.0"
    ///   replicas     = 2
    ///   port         = 8080
    ///   ingress_from = [ingress-nginx]
    /// }
    ///
    /// service web {
    ///   image    = "registry.example.com/web:1.0.0"
    ///   replicas = 2
    ///   calls    = [api]
    /// }
    /// ```
    /// The service's NetworkPolicy now admits the ingress controller's pods
    /// and `web`'s on the port. A port nobody needs is better removed.
    ///
    /// ## See also
    /// `calls`, `ingress_from` and `public` in `docs/language.md`; the
    /// NetworkPolicies in `docs/build.md`.
    pub RULE {
        id: K122,
        name: "unreachable-port",
        severity: Warning,
        summary: "a port that no caller, `ingress_from` or `public` opens: the default-deny NetworkPolicy closes it",
        every_service: true,
        check: Some(check),
    }
}

/// Whether a service of the project calls `port` of `service`.
fn called(project: &Project, service: &Service, port: &str) -> bool {
    project.services.iter().any(|caller| {
        caller.calls.iter().any(|call| {
            call.target.value == service.name.value
                && (call.ports.is_empty() || call.ports.iter().any(|p| p.value == port))
        })
    })
}

fn check(rule: &Rule, project: &Project, out: &mut Vec<Diagnostic>) {
    for service in &project.services {
        let opened = service.public.as_ref().is_some_and(|p| p.value)
            || !service.ingress_from.is_empty();
        if opened {
            continue;
        }
        let name = &service.name.value;
        // `port = N` is the probe port when `health` is set.
        let http = service
            .port
            .as_ref()
            .filter(|_| service.health.is_none())
            .map(|port| (HTTP_PORT, port.span));
        let blocks = (service.named_ports.iter()).map(|port| (port.name.value.as_str(), port.name.span));
        let scraped = service.metrics_port().map(|port| port.name);
        for (port, span) in http.into_iter().chain(blocks) {
            if called(project, service, port) || scraped == Some(port) {
                continue;
            }
            out.push(
                rule.finding(
                    format!("port `{port}` of service `{name}` takes no connection"),
                    span,
                )
                .with_label("no service calls it, and no traffic from outside is stated")
                .with_related(service.name.span, "the default-deny NetworkPolicy closes it")
                .with_help(format!(
                    "declare who connects: `calls = [{name}({port})]` in a calling service, or \
                     `ingress_from = [NAMESPACE]` or `public = true` here; or remove the port"
                )),
            );
        }
    }
}
