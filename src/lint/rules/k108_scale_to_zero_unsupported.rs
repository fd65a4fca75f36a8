use crate::diag::Diagnostic;
use crate::lint::Rule;
use crate::model::autoscalers::ZeroRefusal;
use crate::model::{
    Autoscaler, KubeVersion, Project, ScaleSignal, Service, SignalKind, features,
};

declare_rule! {
    /// ## What it does
    /// Flags an autoscaled service whose minimum is 0 (`replicas = 0 .. N`)
    /// when its autoscaler cannot scale it to zero. With `autoscaler = hpa`
    /// (the default) scaling to zero needs both:
    ///
    /// - Kubernetes 1.37 or newer (`kubernetes` in `cluster`), where the
    ///   `HPAScaleToZero` feature is beta and on by default; and
    /// - only signals that still report with zero pods: queues, and metrics of
    ///   `kind = object` or `kind = external`. `cpu`, `memory` and
    ///   `kind = pods` metrics are measured on the pods themselves.
    ///
    /// With `autoscaler = keda` it needs one trigger that is not `cpu` or
    /// `memory`: KEDA activates and deactivates the workload itself on any
    /// Kubernetes version, but a minimum of 0 with only cpu and memory
    /// triggers is what KEDA's admission webhook rejects.
    ///
    /// ## Why it is unsafe
    /// Before 1.37 the API server rejects `minReplicas: 0` unless the alpha
    /// feature gate is on, so the autoscaler is never created and the service
    /// keeps whatever replica count it had. From 1.37 the HPA accepts it only
    /// with object and external metrics: with zero pods there is no cpu, memory
    /// or per-pod metric to read, so a service at zero could never come back
    /// when traffic arrives.
    ///
    /// KEDA's admission webhook, installed with KEDA by default, refuses a
    /// ScaledObject whose only triggers are `cpu` or `memory` and whose
    /// `minReplicaCount` is 0 ("scale to zero doesn't work in this case"):
    /// `kubectl apply` or the GitOps sync fails, and the service keeps no
    /// autoscaler at all.
    ///
    /// ## Example
    /// ```scale
    /// cluster {
    ///   kubernetes = "1.34"
    /// }
    ///
    /// service worker {
    ///   image    = "registry.example.com/worker:1.0.0"
    ///   cpu      = 250m
    ///   replicas = 0 .. 10
    ///   scale cpu { utilization = 70% }
    /// }
    /// ```
    ///
    /// ## Fix
    /// Keep one pod, or let an idle signal scale the service to zero where the
    /// autoscaler supports it:
    /// ```scale
    /// cluster {
    ///   kubernetes = "1.37"
    /// }
    ///
    /// queue jobs {
    ///   provider = aws-sqs
    ///   url      = "https://sqs.us-east-1.amazonaws.com/123456789012/jobs"
    /// }
    ///
    /// service worker {
    ///   image    = "registry.example.com/worker:1.0.0"
    ///   cpu      = 250m
    ///   replicas = 0 .. 10
    ///   scale jobs { average = 20 }
    /// }
    /// ```
    /// The HPA now reads the queue's backlog even with no pods running, starts
    /// the first pod when messages arrive and removes the last one when the
    /// queue is empty. `replicas = 1 .. 10` is the fix when the cluster is
    /// older or the service must scale on cpu; `autoscaler = keda` is the
    /// other way to scale to zero on a queue.
    ///
    /// Under KEDA the same fix applies: a queue trigger wakes the service at
    /// zero, and `cpu` or `memory` triggers may stand beside it (they scale
    /// the running pods); with only `cpu` and `memory`, keep one pod.
    ///
    /// ## See also
    /// K104 (single-replica), K120 (feature-not-in-version),
    /// https://kubernetes.io/docs/reference/command-line-tools-reference/feature-gates/
    /// (`HPAScaleToZero`).
    pub RULE {
        id: K108,
        name: "scale-to-zero-unsupported",
        severity: Error,
        summary: "a minimum of 0 replicas that the HorizontalPodAutoscaler or KEDA rejects",
        guard: "the API server rejects `minReplicas: 0` unless the HPA can scale to zero on these signals, and KEDA's admission webhook rejects `minReplicaCount: 0` with only cpu or memory triggers",
        check: Some(check),
    }
}

/// The first version that serves it by default, from the one table.
const SCALE_TO_ZERO: KubeVersion = features::HPA_SCALE_TO_ZERO.since;

fn check(rule: &Rule, project: &Project, out: &mut Vec<Diagnostic>) {
    for service in crate::lint::util::autoscaled(project) {
        let found = match service.autoscaler {
            Autoscaler::Hpa => check_hpa(rule, project, service),
            Autoscaler::Keda => check_keda(rule, project, service),
        };
        out.extend(found);
    }
}

/// KEDA's webhook (`verifyCPUMemoryScalers`) rejects `minReplicaCount: 0`
/// when every trigger is `cpu` or `memory`; scalec writes the bottom of
/// `replicas` as `minReplicaCount`, fixed or not.
fn check_keda(rule: &Rule, project: &Project, service: &Service) -> Option<Diagnostic> {
    let bounds = service.bounds()?;
    if bounds.min.value != 0 || zero_minimum(project, service).is_ok() {
        return None;
    }
    let name = &service.name.value;
    let mut d = rule
        .finding(
            format!(
                "service `{name}` may scale to 0 replicas on cpu and memory alone, \
                 which KEDA's admission webhook rejects"
            ),
            bounds.min.span,
        )
        .with_label("`minReplicaCount: 0` with only cpu and memory triggers");
    if let Some(label) = crate::lint::util::inherits(project, service, bounds.min.span, "`replicas`") {
            d = d.with_related(service.name.span, label);
        }
    if let Some((span, label)) = service.autoscaler_origin(&project.cluster) {
        d = d.with_related(span, label);
    }
    for signal in &service.scaling {
        if let Some(why) = blocker(project, signal) {
            d = d.with_related(signal.source.span, why);
        }
    }
    let queue = match project.queues.first() {
        Some(queue) => format!(
            "queue `{}` (`scale {} {{ average = ... }}`)",
            queue.name.value, queue.name.value
        ),
        None => "a `queue` (`scale QUEUE { average = ... }`)".to_string(),
    };
    Some(d.with_help(format!(
        "keep one pod: `replicas = 1 .. {}`; or also scale on {queue}, which wakes it at zero",
        bounds.max.value.max(1)
    )))
}

/// The HPA scales to zero from Kubernetes 1.37, on signals that report with
/// zero pods.
fn check_hpa(rule: &Rule, project: &Project, service: &Service) -> Option<Diagnostic> {
    let bounds = service.bounds()?;
    if bounds.fixed || bounds.min.value != 0 {
        return None;
    }
    let too_old = match zero_minimum(project, service) {
        Ok(()) => return None,
        Err(ZeroRefusal::Hpa { too_old, .. }) => too_old,
        Err(ZeroRefusal::KedaResourceOnly) => false,
    };
    let blockers: Vec<(&ScaleSignal, &'static str)> = service
        .scaling
        .iter()
        .filter_map(|s| blocker(project, s).map(|why| (s, why)))
        .collect();
    Some(finding(
        rule,
        project,
        service,
        bounds.max.value,
        too_old,
        &blockers,
        bounds.min.span,
    ))
}

/// Whether the service's autoscaler accepts a minimum of zero for `service`,
/// as `model::autoscalers` decides.
fn zero_minimum(project: &Project, service: &Service) -> Result<(), ZeroRefusal> {
    let signals = service
        .scaling
        .iter()
        .filter_map(|s| project.signal_kind(&s.source.value));
    (service.autoscaler).zero_minimum(project.cluster.kubernetes, signals)
}

/// Why a signal cannot bring a service back from zero pods.
fn blocker(project: &Project, signal: &ScaleSignal) -> Option<&'static str> {
    project
        .signal_kind(&signal.source.value)
        .and_then(SignalKind::silent_at_zero)
}

fn finding(
    rule: &Rule,
    project: &Project,
    service: &Service,
    max: u32,
    too_old: bool,
    blockers: &[(&ScaleSignal, &'static str)],
    min: crate::source::Span,
) -> Diagnostic {
    let name = &service.name.value;
    let version = project.cluster.kubernetes;
    let names: Vec<String> = blockers
        .iter()
        .map(|(s, _)| format!("`{}`", s.source.value.name()))
        .collect();
    let names = match names.split_last() {
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
        None => String::new(),
    };
    let message = match (too_old, blockers.is_empty()) {
        (true, true) => format!(
            "service `{name}` may scale to 0 replicas, which the HPA of Kubernetes {version} rejects"
        ),
        (true, false) => format!(
            "service `{name}` may scale to 0 replicas, which the HPA of Kubernetes {version} rejects; \
             from {SCALE_TO_ZERO} it still cannot scale to zero on {names}"
        ),
        (false, _) => format!(
            "service `{name}` may scale to 0 replicas, but the HPA scales to zero only on queues and \
             object or external metrics, not on {names}"
        ),
    };
    let label = if too_old {
        format!(
            "a minimum of 0 needs HPAScaleToZero, on by default from Kubernetes {SCALE_TO_ZERO}"
        )
    } else {
        "a minimum of 0".to_string()
    };
    let mut d = rule.finding(message, min).with_label(label);
    if let Some(label) = crate::lint::util::inherits(project, service, min, "`replicas`") {
            d = d.with_related(service.name.span, label);
        }
    if too_old && let Some(span) = project.cluster.kubernetes_span {
        d = d.with_related(span, format!("targets Kubernetes {version}"));
    }
    for (signal, why) in blockers {
        d = d.with_related(signal.source.span, *why);
    }
    d.with_help(help(service, max, too_old, blockers))
}

fn help(
    service: &Service,
    max: u32,
    too_old: bool,
    blockers: &[(&ScaleSignal, &'static str)],
) -> String {
    let mut options = vec![format!("keep one pod: `replicas = 1 .. {}`", max.max(1))];
    let others = service.scaling.len().saturating_sub(blockers.len());
    // KEDA also needs a trigger that reports with zero pods: its cpu and
    // memory triggers never wake a workload at zero.
    let wakes = others > 0;
    match (too_old, blockers.is_empty(), others > 0) {
        (true, true, _) => options.push(format!(
            "if the cluster runs Kubernetes {SCALE_TO_ZERO} or newer, write `kubernetes = \"{SCALE_TO_ZERO}\"` in `cluster`"
        )),
        (true, false, true) => options.push(format!(
            "on Kubernetes {SCALE_TO_ZERO} or newer, write `kubernetes = \"{SCALE_TO_ZERO}\"` in `cluster` and remove {}",
            scale_blocks(blockers)
        )),
        (false, false, true) => options.push(format!("remove {}", scale_blocks(blockers))),
        // Every signal needs pods, or the version alone is not the problem.
        (_, false, false) | (false, true, _) => {}
    }
    if wakes {
        options.push(format!(
            "let KEDA scale it to zero: `autoscaler = keda` in service `{}`",
            service.name.value
        ));
    }
    options.join("; or ")
}

fn scale_blocks(blockers: &[(&ScaleSignal, &'static str)]) -> String {
    let blocks: Vec<String> = blockers
        .iter()
        .map(|(s, _)| format!("`scale {}`", s.source.value.name()))
        .collect();
    blocks.join(" and ")
}
