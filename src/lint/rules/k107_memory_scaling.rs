use crate::diag::Diagnostic;
use crate::lint::Rule;
use crate::model::{Project, ScaleSignal, Service, SignalSource};

declare_rule! {
    /// ## What it does
    /// Flags every `scale memory` block, whatever its target (`utilization`,
    /// `average` or `total`), in a service or inherited from `defaults`.
    ///
    /// ## Why it is unsafe
    /// An autoscaler works only if adding pods lowers the signal. Adding pods
    /// spreads cpu and requests, but not memory: each new pod loads the same
    /// code, caches and connection pools, and the old pods keep their heaps
    /// (garbage-collected runtimes rarely hand memory back to the kernel). Once
    /// memory drives a scale-out, the average stays above the target, so the
    /// service climbs to its maximum and stays there, paying for idle pods and
    /// crowding out other workloads. A memory leak becomes a replica leak.
    /// Because the HPA follows the largest count any signal asks for, a
    /// `scale memory` next to `scale cpu` still holds the replicas up.
    ///
    /// ## Example
    /// ```scale
    /// service cache {
    ///   image    = "registry.example.com/cache:1.0.0"
    ///   cpu      = 250m
    ///   memory   = 1Gi .. 1Gi
    ///   replicas = 2 .. 20
    ///   scale memory { utilization = 75% }
    /// }
    /// ```
    ///
    /// ## Fix
    /// Scale on what the load drives (cpu, request rate or queue backlog), and
    /// keep memory as a request and limit so each pod is placed and bounded:
    /// ```scale
    /// service cache {
    ///   image    = "registry.example.com/cache:1.0.0"
    ///   cpu      = 250m
    ///   memory   = 1Gi .. 1Gi
    ///   replicas = 2 .. 20
    ///   scale cpu { utilization = 70% }
    /// }
    /// ```
    /// The service now shrinks back when traffic falls. A workload whose memory
    /// truly grows with load (an in-memory queue per request) is better served
    /// by a larger limit, or by a `scale` on the metric that fills it.
    ///
    /// ## See also
    /// K110 (missing-memory-limit), K105 (utilization-without-request).
    pub RULE {
        id: K107,
        name: "memory-scaling",
        severity: Warning,
        summary: "a service scales on memory, which rarely falls after scale-out",
        check: Some(check),
    }
}

fn check(rule: &Rule, project: &Project, out: &mut Vec<Diagnostic>) {
    for service in &project.services {
        for signal in &service.scaling {
            if signal.source.value == SignalSource::Memory {
                out.push(finding(rule, project, service, signal));
            }
        }
    }
}

fn finding(rule: &Rule, project: &Project, service: &Service, signal: &ScaleSignal) -> Diagnostic {
    let name = &service.name.value;
    let max = service.bounds().filter(|b| !b.fixed).map(|b| b.max.value);
    let message = match max {
        Some(max) => format!(
            "service `{name}` scales on memory: usage rarely falls after scale-out, so it can climb to {} and stay there",
            crate::lint::util::plural(max, "replica")
        ),
        None => format!("service `{name}` scales on memory, which rarely falls after scale-out"),
    };
    let others: Vec<String> = service
        .scaling
        .iter()
        .filter(|s| s.source.value != SignalSource::Memory)
        .map(|s| format!("`{}`", s.source.value.name()))
        .collect();
    let help = if !others.is_empty() {
        format!(
            "remove `scale memory`: {} already {} the scaling, and the HPA follows the largest count any signal asks for, so memory alone would hold the replicas up",
            others.join(", "),
            if others.len() == 1 { "drives" } else { "drive" }
        )
    } else if service.cpu.is_some() {
        "scale on cpu instead, `scale cpu { utilization = 70% }`, or on a request-rate or queue metric; keep `memory` as the request and limit".to_string()
    } else {
        "scale on what the load drives: add `cpu = 250m` and `scale cpu { utilization = 70% }`, or scale on a request-rate or queue metric; keep `memory` as the request and limit".to_string()
    };
    let mut d = rule
        .finding(message, signal.source.span)
        .with_label("adding pods does not lower memory per pod")
        .with_help(help);
    if let Some(label) = crate::lint::util::inherits(project, service, signal.span, "`scale memory`") {
            d = d.with_related(service.name.span, label);
        }
    d
}
