use crate::diag::Diagnostic;
use crate::lint::Rule;
use crate::model::Project;
use crate::model::karpenter::Consolidation;

declare_rule! {
    /// ## What it does
    /// With a Karpenter node pool (`nodes { provisioner = karpenter }`) that
    /// consolidates underutilized nodes (`consolidation =
    /// when_underutilized`, Karpenter's default), flags every service that
    /// may run a single pod and has no PodDisruptionBudget: no `disruption`
    /// block, and a minimum below two replicas (scalec writes the default
    /// budget, `maxUnavailable: 1`, from two pods). A service without
    /// `replicas` runs one pod; one that scales to zero runs one when it
    /// wakes. Jobs are left out: their pods end by themselves.
    ///
    /// The criterion is the one Karpenter cannot help with. It evicts pods
    /// through the Eviction API, so a PodDisruptionBudget always holds
    /// however many nodes its `disruption_budget` lets it take at once; a
    /// budget that allows no eviction at all (K119) stalls consolidation
    /// rather than breaking the service. A service with no budget has no
    /// such protection.
    ///
    /// ## Why it is unsafe
    /// Consolidating underutilized nodes means moving running pods to fewer
    /// or cheaper nodes, again and again as load changes, not only during an
    /// upgrade. Each time the node holding the service's only pod goes, the
    /// pod is evicted before its replacement is ready: the service is down
    /// until the new pod starts, on an ordinary day, at a time nobody chose.
    ///
    /// ## Example
    /// ```scale
    /// cluster {
    ///   nodes {
    ///     count       = 1 .. 10
    ///     cpu         = 8
    ///     memory      = 32Gi
    ///     provisioner = karpenter
    ///   }
    /// }
    ///
    /// service api {
    ///   image    = "registry.example.com/api:1.0.0"
    ///   cpu      = 250m
    ///   replicas = 1 .. 6
    ///   scale cpu { utilization = 70% }
    /// }
    /// ```
    ///
    /// ## Fix
    /// Keep two pods, so scalec writes a budget and Karpenter moves one at a
    /// time:
    /// ```scale
    /// service api {
    ///   image    = "registry.example.com/api:1.0.0"
    ///   cpu      = 250m
    ///   replicas = 2 .. 6
    ///   scale cpu { utilization = 70% }
    /// }
    /// ```
    /// Or let Karpenter remove only empty nodes: `consolidation = when_empty`.
    ///
    /// ## See also
    /// K104 (single-replica), K119 (disruption-blocks-drain);
    /// <https://karpenter.sh/docs/concepts/disruption/#consolidation>.
    pub RULE {
        id: C307,
        name: "consolidation-evicts-single-pod",
        severity: Warning,
        summary: "Karpenter consolidates underutilized nodes while a service runs a single pod with no disruption budget",
        check: Some(check),
    }
}

fn check(rule: &Rule, project: &Project, out: &mut Vec<Diagnostic>) {
    let Some(nodes) = &project.cluster.nodes else {
        return;
    };
    let Some(karpenter) = &nodes.karpenter else {
        return;
    };
    if karpenter.consolidation() != Consolidation::WhenUnderutilized {
        return;
    }
    let (policy_span, policy_label) = match &karpenter.consolidation {
        Some(written) => (written.span, "consolidates underutilized nodes"),
        None => (
            karpenter.provisioner,
            "consolidates underutilized nodes by default",
        ),
    };
    for service in &project.services {
        if service.is_job() || service.disruption_budget().is_some() {
            continue;
        }
        let bounds = service.bounds();
        if bounds.as_ref().is_some_and(|b| b.max.value == 0) {
            // No pod ever runs.
            continue;
        }
        let name = &service.name.value;
        let (span, label) = match &bounds {
            Some(b) if b.fixed => (b.min.span, "always runs 1 pod".to_string()),
            Some(b) if b.min.value == 0 => (
                b.min.span,
                "scales to zero, then wakes with a single pod".to_string(),
            ),
            Some(b) => (b.min.span, "may scale down to 1 pod".to_string()),
            None => (
                service.name.span,
                "no `replicas`: Kubernetes runs 1 pod".to_string(),
            ),
        };
        let raise = match &bounds {
            Some(b) if !b.fixed => format!("`replicas = 2 .. {}`", b.max.value.max(2)),
            _ => "`replicas = 2`".to_string(),
        };
        out.push(
            rule.finding(
                format!(
                    "Karpenter's consolidation may evict the only pod of `{name}`, which has no disruption budget"
                ),
                span,
            )
            .with_label(label)
            .with_related(policy_span, policy_label)
            .with_help(format!(
                "keep two pods, {raise}, so scalec writes a budget and Karpenter moves one at a time; or remove only empty nodes: `consolidation = when_empty`"
            )),
        );
    }
}
