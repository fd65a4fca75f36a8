use crate::diag::Diagnostic;
use crate::lint::Rule;
use crate::model::{Behavior, KubeVersion, Project, Service, Spanned, features};

declare_rule! {
    /// ## What it does
    /// Flags a field that the target Kubernetes version (`cluster {
    /// kubernetes }`, 1.37 by default) does not serve by default. Today that is
    /// the per-direction `tolerance` of `scale_up` and `scale_down`: the
    /// HorizontalPodAutoscaler's `behavior.scaleUp/scaleDown.tolerance`, behind
    /// the `HPAConfigurableTolerance` feature gate, alpha (off by default) in
    /// 1.33 and 1.34 and beta (on by default) from 1.35.
    ///
    /// Only autoscaled services are checked: a service without `scale`
    /// blocks gets no autoscaler, so its `scale_up` and `scale_down` reach no
    /// API server. With `autoscaler = keda` the behaviour is passed through to
    /// the HorizontalPodAutoscaler KEDA creates, so the same versions apply.
    ///
    /// ## Why it is unsafe
    /// An API server whose feature gate is off silently drops the field when
    /// the object is written. The manifest applies cleanly, yet the autoscaler
    /// keeps the cluster-wide 10% tolerance: a service tuned to react to a 3%
    /// rise waits for 10%, and one meant to ignore 20% swings flaps on every
    /// one of them. Nothing in `kubectl apply` or the HPA's status says so;
    /// the only trace is the field missing when the object is read back.
    ///
    /// ## Example
    /// ```scale
    /// cluster {
    ///   kubernetes = "1.34"
    /// }
    ///
    /// service api {
    ///   image    = "registry.example.com/api:1.0.0"
    ///   cpu      = 250m
    ///   replicas = 2 .. 20
    ///   scale cpu { utilization = 70% }
    ///
    ///   scale_down { tolerance = 5% }
    /// }
    /// ```
    ///
    /// ## Fix
    /// Target a version that serves the field, once the cluster runs it:
    /// ```scale
    /// cluster {
    ///   kubernetes = "1.35"
    /// }
    ///
    /// service api {
    ///   image    = "registry.example.com/api:1.0.0"
    ///   cpu      = 250m
    ///   replicas = 2 .. 20
    ///   scale cpu { utilization = 70% }
    ///
    ///   scale_down { tolerance = 5% }
    /// }
    /// ```
    /// The autoscaler then ignores metric changes under 5% before it removes
    /// pods, as written. On an older cluster, remove `tolerance` instead, so
    /// the policy says what the cluster does (the 10% default); enabling an
    /// alpha feature gate on a production control plane is rarely possible on
    /// managed platforms.
    ///
    /// ## See also
    /// K108 (scale-to-zero-unsupported), K115 (scale-down-flapping),
    /// <https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/>.
    pub RULE {
        id: K120,
        name: "feature-not-in-version",
        severity: Warning,
        summary: "a field the target Kubernetes version does not serve by default",
        check: Some(check),
    }
}

/// The first version that serves it by default, from the one table.
const TOLERANCE_SINCE: KubeVersion = features::HPA_TOLERANCE.since;

fn check(rule: &Rule, project: &Project, out: &mut Vec<Diagnostic>) {
    let target = project.cluster.kubernetes;
    if target >= TOLERANCE_SINCE {
        return;
    }
    for service in crate::lint::util::autoscaled(project) {
        let directions = [
            ("scale_up", &service.scale_up),
            ("scale_down", &service.scale_down),
        ];
        for (direction, behavior) in directions {
            let Some(tolerance) = behavior
                .as_ref()
                .and_then(|b: &Behavior| b.tolerance_ppm.as_ref())
            else {
                continue;
            };
            out.push(finding(rule, project, service, direction, tolerance));
        }
    }
}

fn finding(
    rule: &Rule,
    project: &Project,
    service: &Service,
    direction: &str,
    tolerance: &Spanned<u32>,
) -> Diagnostic {
    let target = project.cluster.kubernetes;
    let name = &service.name.value;
    let mut finding = rule
        .finding(
            format!("`tolerance` in `{direction}` of service `{name}` needs Kubernetes {TOLERANCE_SINCE} or newer; the target is {target}"),
            tolerance.span,
        )
        .with_label(format!("alpha in {target}: feature gate `HPAConfigurableTolerance`, off by default"));
    if let Some(label) = crate::lint::util::inherits(project, service, tolerance.span, &format!("`{direction}`")) {
            finding = finding.with_related(service.name.span, label);
        }
    if let Some(span) = project.cluster.kubernetes_span {
        finding = finding.with_related(span, format!("targets Kubernetes {target}"));
    }
    finding.with_help(format!(
        "once the cluster runs {TOLERANCE_SINCE} or newer, write `kubernetes = \"{TOLERANCE_SINCE}\"` in `cluster`; \
         until then remove `tolerance = {}%`: the API server drops it and the autoscaler keeps the cluster-wide 10%",
        crate::lint::util::percent_of_ppm(tolerance.value)
    ))
}
