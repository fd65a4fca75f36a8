use crate::diag::Diagnostic;
use crate::lint::Rule;
use crate::model::autoscalers::RequestRefusal;
use crate::model::{Autoscaler, Project, Service, SignalSource, Target};
use crate::source::Span;

declare_rule! {
    /// ## What it does
    /// Flags a `scale cpu { utilization = ... }` on a service that requests no
    /// cpu, and a `scale memory { utilization = ... }` on a service that
    /// requests no memory, after the service has taken its `cpu` and `memory`
    /// from `defaults`. A request of 0 counts as none.
    ///
    /// With `autoscaler = keda` it also flags `scale cpu { average = ... }`
    /// and `scale memory { average = ... }` on a service that neither requests
    /// nor limits that resource: KEDA refuses any `cpu` or `memory` trigger on
    /// such a container, whatever its target.
    ///
    /// ## Why it is unsafe
    /// Utilization is a percentage of the pods' request. Without a request there
    /// is nothing to take the percentage of: the HorizontalPodAutoscaler reports
    /// `missing request for cpu` (kubernetes/kubernetes#79365), marks its
    /// `ScalingActive` condition false and never changes the replica count.
    /// Nothing fails at deploy time; the service simply stays at its minimum
    /// during the first traffic peak.
    ///
    /// KEDA fails earlier: its admission webhook, installed with KEDA by
    /// default, rejects a ScaledObject with a `cpu` or `memory` trigger when
    /// the target's containers have no request (or limit) for that resource,
    /// for `Utilization` and `AverageValue` alike. `kubectl apply` or the
    /// GitOps sync fails and the service is left without an autoscaler. So
    /// under KEDA the finding cannot be allowed or suppressed, and `build`
    /// never writes such a ScaledObject; under the HPA it can be allowed (a
    /// namespace `LimitRange` may supply the request).
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
    /// Under the HPA, `scale cpu { average = 175m }` (an absolute value per
    /// pod) needs no request and does not fire this rule, but a pod without a
    /// request is still placed blindly by the scheduler. Under KEDA it needs
    /// the request too.
    ///
    /// ## See also
    /// K106 (utilization-out-of-range), K113 (tiny-cpu-request),
    /// https://github.com/kubernetes/kubernetes/issues/79365.
    pub RULE {
        id: K105,
        name: "utilization-without-request",
        severity: Error,
        summary: "a service scales on cpu or memory it does not request (utilization, or any target under KEDA)",
        check: Some(check),
    }
}

fn check(rule: &Rule, project: &Project, out: &mut Vec<Diagnostic>) {
    for service in &project.services {
        for signal in &service.scaling {
            let resource = match signal.source.value {
                SignalSource::Cpu => Resource::Cpu,
                SignalSource::Memory => Resource::Memory,
                _ => continue,
            };
            let request = request(service, resource);
            // Who refuses it is decided by `model::autoscalers`.
            let why = match service.autoscaler.resource_signal(
                &signal.target.value,
                request.positive,
                request.positive_limit,
            ) {
                Ok(()) => continue,
                Err(refusal) => refusal,
            };
            let percent = match signal.target.value {
                Target::Utilization(percent) => Some(percent.unsigned_abs()),
                Target::Average(_) | Target::Total(_) | Target::Replicas(_) => None,
            };
            out.push(finding(
                rule,
                project,
                service,
                Found {
                    resource,
                    percent,
                    request: request.zero,
                    why,
                },
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

/// What a service requests of a resource.
struct Request {
    /// A request above zero.
    positive: bool,
    /// A limit above zero.
    positive_limit: bool,
    /// Where a request of zero was written.
    zero: Option<Span>,
}

fn request(service: &Service, resource: Resource) -> Request {
    let (request, limit) = match resource {
        Resource::Cpu => match &service.cpu {
            Some(cpu) => (
                Some((cpu.request.value.millicores > 0, cpu.request.span)),
                cpu.limit.as_ref().is_some_and(|l| l.value.millicores > 0),
            ),
            None => (None, false),
        },
        Resource::Memory => match &service.memory {
            Some(memory) => (
                Some((memory.request.value.millibytes > 0, memory.request.span)),
                memory
                    .limit
                    .as_ref()
                    .is_some_and(|l| l.value.millibytes > 0),
            ),
            None => (None, false),
        },
    };
    Request {
        positive: request.is_some_and(|(positive, _)| positive),
        positive_limit: limit,
        zero: request.and_then(|(positive, span)| (!positive).then_some(span)),
    }
}

struct Found {
    resource: Resource,
    /// The utilization target; `None` for an `average` under KEDA.
    percent: Option<u32>,
    /// The request, when it is written as 0.
    request: Option<Span>,
    why: RequestRefusal,
}

fn finding(
    rule: &Rule,
    project: &Project,
    service: &Service,
    found: Found,
    target: crate::source::Span,
) -> Diagnostic {
    let name = &service.name.value;
    let resource = found.resource;
    let (word, example) = match resource {
        Resource::Cpu => ("cpu", "cpu = 250m"),
        Resource::Memory => ("memory", "memory = 512Mi"),
    };
    let inherited = crate::lint::util::inherited(project, service, target);
    let place = if inherited {
        format!("service `{name}` (or to `defaults`)")
    } else {
        format!("service `{name}`")
    };
    let scales_on = match found.percent {
        Some(_) => format!("{word} utilization"),
        None => format!("its average {word} per pod"),
    };
    let requests = if found.request.is_some() {
        format!("requests 0 {word}")
    } else {
        format!("requests no {word}")
    };
    let consequence = match found.why {
        RequestRefusal::Hpa => "so the HPA never scales it",
        RequestRefusal::Webhook => "so KEDA's admission webhook rejects its ScaledObject",
    };
    let label = match found.percent {
        Some(percent) if found.request.is_some() => format!("{percent} % of a {word} request of 0"),
        Some(percent) => format!("{percent} % of a {word} request that is not set"),
        None => format!("a `{word}` trigger on a container without a {word} request"),
    };
    let mut help = match found.request {
        Some(_) => format!("raise the {word} request above 0, e.g. `{example}`"),
        None => format!("add a {word} request to {place}, e.g. `{example}`"),
    };
    match found.percent {
        Some(percent) if percent > 0 => {
            let who = match service.autoscaler {
                Autoscaler::Hpa => "the HPA",
                Autoscaler::Keda => "KEDA",
            };
            help.push_str(&format!(
                "; {who} then adds pods when they average more than {}",
                threshold(resource, percent)
            ));
        }
        Some(_) => {}
        None => help.push_str(&format!(
            "; KEDA accepts a `{word}` trigger only on a container that requests {word}"
        )),
    }
    let mut d = rule
        .finding(
            format!("service `{name}` scales on {scales_on} but {requests}, {consequence}"),
            target,
        )
        .with_label(label);
    d = match found.request {
        Some(span) => d.with_related(span, format!("requests 0 {word}")),
        None => d.with_related(
            service.name.span,
            format!("no `{word}` here or in `defaults`"),
        ),
    };
    if found.why == RequestRefusal::Webhook {
        // The object would be rejected: this finding cannot be silenced.
        d = d.guarded(
            "KEDA's admission webhook rejects a cpu or memory trigger on a container without that request or limit",
        );
        if let Some((span, label)) = service.autoscaler_origin(&project.cluster) {
            d = d.with_related(span, label);
        }
    }
    d.with_help(help)
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
