use crate::diag::Diagnostic;
use crate::lint::Rule;
use crate::model::{ProbeKind, Project, SignalSource};

declare_rule! {
    /// ## What it does
    /// Flags an autoscaled service with no `health` path and no
    /// `probe readiness` block, in the service or in `defaults`: its pods get
    /// no readiness probe.
    ///
    /// ## Why it is unsafe
    /// Without a readiness probe, Kubernetes marks a pod ready as soon as its
    /// container starts, and the Service sends it traffic while the process is
    /// still loading its configuration, warming caches or opening database
    /// connections. Scale-out happens exactly when the service is under load,
    /// so every new pod fails or times out its first requests at the worst
    /// moment, and the extra errors and retries push the load higher still. The
    /// same happens on every rollout and every rescheduled pod.
    ///
    /// A service with no `port` that scales only on queues is left alone: it
    /// pulls its work from the queue, so nothing routes requests to a pod that
    /// is not ready yet. A service with no `port` that scales on anything else
    /// still fires, and the help asks for the port the probe needs too.
    ///
    /// ## Example
    /// ```scale
    /// service api {
    ///   image    = "registry.example.com/api:1.0.0"
    ///   port     = 8080
    ///   cpu      = 250m
    ///   replicas = 2 .. 20
    ///   scale cpu { utilization = 70% }
    /// }
    /// ```
    ///
    /// ## Fix
    /// Point `health` at a path that answers 200 only once the pod can serve:
    /// ```scale
    /// service api {
    ///   image    = "registry.example.com/api:1.0.0"
    ///   port     = 8080
    ///   health   = "/healthz"
    ///   cpu      = 250m
    ///   replicas = 2 .. 20
    ///   scale cpu { utilization = 70% }
    /// }
    /// ```
    /// New pods now receive traffic only after `GET /healthz` on port 8080
    /// succeeds; until then the existing pods keep serving. Put `health` in
    /// `defaults` to give every service a probe.
    ///
    /// ## See also
    /// K104 (single-replica), K117 (mutable-image-tag).
    pub RULE {
        id: K114,
        name: "no-readiness-probe",
        severity: Warning,
        summary: "an autoscaled service has no readiness probe, so new pods get traffic before they are ready",
        check: Some(check),
    }
}

fn check(rule: &Rule, project: &Project, out: &mut Vec<Diagnostic>) {
    for service in crate::lint::util::autoscaled(project) {
        let readiness = (service.probes.iter()).any(|p| p.kind.value == ProbeKind::Readiness);
        if service.health.is_some() || readiness {
            continue;
        }
        let only_queues = service
            .scaling
            .iter()
            .all(|s| matches!(s.source.value, SignalSource::Queue(_)));
        if service.port.is_none() && only_queues {
            continue;
        }
        let name = &service.name.value;
        // Point at a signal that grows with traffic rather than a queue's backlog.
        let signal = service
            .scaling
            .iter()
            .find(|s| !matches!(s.source.value, SignalSource::Queue(_)))
            .unwrap_or(&service.scaling[0])
            .source
            .span;
        let help = match &service.port {
            Some(port) => format!(
                "add `health = \"/healthz\"` (a path that answers 200 only once the pod can serve); \
                 Kubernetes then probes it on port {} before sending the pod traffic",
                port.value
            ),
            None => {
                "add the port the pod listens on and a path that answers 200 only once the pod \
                     can serve, e.g. `port = 8080` and `health = \"/healthz\"`"
                    .to_string()
            }
        };
        out.push(
            rule.finding(
                format!("service `{name}` autoscales without a readiness probe"),
                service.name.span,
            )
            .with_label("no `health` or `probe readiness` in this service or in `defaults`")
            .with_related(
                signal,
                "pods added for this get traffic before they are ready",
            )
            .with_help(help),
        );
    }
}
