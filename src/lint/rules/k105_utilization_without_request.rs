use crate::diag::Diagnostic;
use crate::lint::Rule;
use crate::model::{Project, Service, SignalSource, Target};

declare_rule! {
    /// ## What it does
    /// Flags a `scale cpu { utilization = ... }` on a service that requests no
    /// cpu, and a `scale memory { utilization = ... }` on a service that
    /// requests no memory, after the service has taken its `cpu` and `memory`
    /// from `defaults`.
    ///
    /// ## Why it is unsafe
    /// Utilization is a percentage of the pods' request. Without a request there
    /// is nothing to take the percentage of: the HorizontalPodAutoscaler reports
    /// `missing request for cpu` (kubernetes/kubernetes#79365), marks its
    /// `ScalingActive` condition false and never changes the replica count.
    /// Nothing fails at deploy time; the service simply stays at its minimum
    /// during the first traffic peak. KEDA's `cpu` and `memory` triggers build
    /// the same HPA metric and fail the same way.
    ///
    /// ## Example
    /// ```scale
    /// service api {
    ///   image    = "registry.example.com/api:1.0.0"
    ///   replicas = 2 .. 20
    ///   scale cpu { utilization = 70% }
    /// }
    /// ```
    ///
    /// ## Fix
    /// Request what one pod typically uses:
    /// ```scale
    /// service api {
    ///   image    = "registry.example.com/api:1.0.0"
    ///   cpu      = 250m
    ///   replicas = 2 .. 20
    ///   scale cpu { utilization = 70% }
    /// }
    /// ```
    /// The HPA now adds pods whenever they average more than 175m (70 % of
    /// 250m), and the scheduler reserves 250m for each pod it places. A request
    /// set once in `defaults` fixes every service that inherits it.
    ///
    /// `scale cpu { average = 175m }` (an absolute value per pod) needs no
    /// request and does not fire this rule, but a pod without a request is
    /// still placed blindly by the scheduler.
    ///
    /// ## See also
    /// K106 (utilization-out-of-range), K113 (tiny-cpu-request),
    /// https://github.com/kubernetes/kubernetes/issues/79365.
    pub RULE {
        code: "K105",
        name: "utilization-without-request",
        severity: Error,
        summary: "a service scales on cpu or memory utilization but requests none of it",
        check: Some(check),
    }
}

fn check(rule: &Rule, project: &Project, out: &mut Vec<Diagnostic>) {
    for service in &project.services {
        for signal in &service.scaling {
            let Target::Utilization(percent) = signal.target.value else {
                continue;
            };
            let resource = match signal.source.value {
                SignalSource::Cpu if service.cpu.is_none() => Resource::Cpu,
                SignalSource::Memory if service.memory.is_none() => Resource::Memory,
                _ => continue,
            };
            out.push(finding(
                rule,
                service,
                resource,
                percent.unsigned_abs(),
                signal.target.span,
            ));
        }
    }
}

#[derive(Clone, Copy)]
enum Resource {
    Cpu,
    Memory,
}

fn finding(
    rule: &Rule,
    service: &Service,
    resource: Resource,
    percent: u32,
    target: crate::source::Span,
) -> Diagnostic {
    let name = &service.name.value;
    let (word, example) = match resource {
        Resource::Cpu => ("cpu", "cpu = 250m"),
        Resource::Memory => ("memory", "memory = 512Mi"),
    };
    let inherited = target.file != service.span.file
        || target.start < service.span.start
        || target.start >= service.span.end;
    let place = if inherited {
        format!("service `{name}` (or to `defaults`)")
    } else {
        format!("service `{name}`")
    };
    let mut help = format!("add a {word} request to {place}, e.g. `{example}`");
    if percent > 0 {
        help.push_str(&format!(
            "; the HPA then adds pods when they average more than {}",
            threshold(resource, percent)
        ));
    }
    rule.finding(
        format!("service `{name}` scales on {word} utilization but requests no {word}, so the HPA never scales it"),
        target,
    )
    .with_label(format!(
        "{percent} % of a {word} request that is not set"
    ))
    .with_related(
        service.name.span,
        format!("no `{word}` here or in `defaults`"),
    )
    .with_help(help)
}

/// `percent` of the example request, as the user would write it.
fn threshold(resource: Resource, percent: u32) -> String {
    // The example requests are 250m and 512Mi: the threshold is exact in
    // thousandths of a millicore or of a MiB, shown rounded down.
    let (base, unit) = match resource {
        Resource::Cpu => (250_u64, "m"),
        Resource::Memory => (512_u64, "Mi"),
    };
    let scaled = base.saturating_mul(u64::from(percent));
    let whole = scaled / 100;
    let example = match resource {
        Resource::Cpu => "250m",
        Resource::Memory => "512Mi",
    };
    let about = if scaled % 100 == 0 { "" } else { "about " };
    format!("{about}{whole}{unit} ({percent} % of {example})")
}
