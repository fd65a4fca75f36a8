use crate::diag::Diagnostic;
use crate::lint::Rule;
use crate::lint::capacity::{Shortfall, ordered_pool, peak_pods, shortfalls};
use crate::lint::util::plural;
use crate::model::Project;

declare_rule! {
    /// ## What it does
    /// With a `nodes` block and at least one service with a `load` block,
    /// adds up what the project requests at its declared peak and flags cpu,
    /// memory, GPUs or ephemeral storage when that total exceeds what the
    /// node pool allocates at its largest (maximum node count × per-node
    /// size; with `provisioner = karpenter`, the limits of its NodePool).
    ///
    /// How the peak is counted:
    /// - a service with `load` runs the replicas its peak needs, as C301
    ///   counts them: ⌈peak ÷ (per_pod × cpu target)⌉, even above its
    ///   maximum (C301 reports that on its own);
    /// - a service without `load` counts its maximum replicas, as in C302;
    /// - a database's pods count as they always run: shards × members,
    ///   config servers and routers, each with its tier's request;
    /// - requests only, and `gpu` and `ephemeral_storage` only when `nodes`
    ///   states them, as in C302.
    ///
    /// C302 asks whether every maximum fits at once, which services rarely
    /// reach together; this rule asks whether the peak the policy declares
    /// fits, with the databases that run through it. Without any `load` it
    /// would repeat C302, so it is silent. A node range whose minimum is above
    /// its maximum is K102's finding; this rule waits until it is fixed.
    ///
    /// ## Why it is unsafe
    /// The peak is the load you expect. When it arrives, the autoscalers ask
    /// for the pods it needs, the pool (or Karpenter, at its NodePool's
    /// limits) stops adding nodes, and the pods beyond it stay Pending while
    /// the running ones take more than they can serve. Database pods are
    /// already on the nodes and never make room.
    ///
    /// ## Example
    /// ```scale
    /// cluster {
    ///   nodes {
    ///     count       = 2 .. 3
    ///     cpu         = 8
    ///     memory      = 32Gi
    ///     provisioner = karpenter
    ///   }
    /// }
    ///
    /// service api {
    ///   image    = "registry.example.com/api:1.0.0"
    ///   cpu      = 1
    ///   replicas = 2 .. 30
    ///   scale cpu { utilization = 50% }
    ///   load { peak = 3000 per_pod = 200 }
    /// }
    /// ```
    /// The peak needs ⌈3000 ÷ (200 × 50 %)⌉ = 30 pods × 1 core = 30 cores;
    /// 3 nodes × 8 cores allocate 24.
    ///
    /// ## Fix
    /// Let the pool grow to what the peak needs:
    /// ```scale
    /// cluster {
    ///   nodes {
    ///     count       = 2 .. 4
    ///     cpu         = 8
    ///     memory      = 32Gi
    ///     provisioner = karpenter
    ///   }
    /// }
    /// ```
    /// Karpenter's NodePool then allows 32 cores, and the peak's 30 pods are
    /// scheduled.
    ///
    /// ## See also
    /// C301 (peak-exceeds-max), C302 (cluster-overcommit), C303
    /// (baseline-unschedulable);
    /// <https://karpenter.sh/docs/concepts/nodepools/#speclimits>.
    pub RULE {
        id: C306,
        name: "peak-exceeds-pool",
        severity: Warning,
        summary: "at their declared peak the services and databases request more than the node pool allocates at its largest",
        every_service: true,
        check: Some(check),
    }
}

fn check(rule: &Rule, project: &Project, out: &mut Vec<Diagnostic>) {
    // An upside-down range is K102's to report.
    let Some((nodes, count)) = ordered_pool(project) else {
        return;
    };
    // Without a declared peak the count is C302's.
    if !project.services.iter().any(|s| s.load.is_some()) {
        return;
    }
    for shortfall in shortfalls(project, nodes, peak_pods, count.max) {
        let Shortfall {
            kind,
            total,
            node,
            node_span,
            capacity,
            needed_nodes,
            ..
        } = shortfall;
        let count_label = if node == 0 {
            format!("at most {}", plural(count.max, "node"))
        } else {
            format!(
                "at most {}; the peak needs at least {needed_nodes}",
                plural(count.max, "node")
            )
        };
        let finding = rule
            .finding(
                format!(
                    "at their declared peak {} request {}, more than the {} of {}",
                    shortfall.who(),
                    kind.quantity(total),
                    kind.amount(capacity),
                    plural(count.max, "node")
                ),
                node_span,
            )
            .with_label(shortfall.capacity_label(count.max))
            .with_related(nodes.count.span, count_label);
        let finding = Shortfall::with_karpenter_limit(finding, nodes);
        let finding = shortfall.label_largest(finding, "at the peak");
        let help = if node == 0 {
            format!("give the nodes some {}", kind.noun())
        } else {
            format!(
                "let the pool grow to what the peak needs: `count = {} .. {needed_nodes}`",
                count.min
            )
        };
        out.push(finding.with_help(help));
    }
}
