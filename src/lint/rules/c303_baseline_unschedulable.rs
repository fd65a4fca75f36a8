use crate::diag::Diagnostic;
use crate::lint::Rule;
use crate::lint::capacity::{Shortfall, min_pods, ordered_pool, shortfalls};
use crate::lint::util::plural;
use crate::model::Project;

declare_rule! {
    /// ## What it does
    /// With a `nodes` block in `cluster`, adds up what every service requests
    /// at its minimum replica count (minimum replicas × request), the
    /// baseline the cluster always runs, and flags cpu, memory, GPUs or
    /// ephemeral storage when that total exceeds what the node pool allocates
    /// at its smallest (minimum node count × per-node `cpu`, `memory`, `gpu`
    /// or `ephemeral_storage`). Each resource is reported on its own, on the
    /// node pool's attribute for it, and the three services (or database
    /// tiers) that take the largest share are named.
    ///
    /// The sum is counted as in C302: requests only (the scheduler ignores
    /// limits); a service with no request for a resource counts 0 for it;
    /// `replicas = N` counts N pods, a range its minimum, and no `replicas`
    /// 1 pod; a database's pods count as they always run, shards × members,
    /// config servers and routers, each with the request of its `shard`,
    /// `config_server` or `router` block; `gpu` and `ephemeral_storage`
    /// requests count only when `nodes` states the node's `gpu` or
    /// `ephemeral_storage` (without, C304 flags each GPU pod). It ignores how pods pack onto nodes and what daemon sets take,
    /// so it is a lower bound of what the baseline needs.
    ///
    /// Without `nodes` the rule is silent. A node range whose minimum is above
    /// its maximum is K102's finding; this rule waits until it is fixed. A pool
    /// that deliberately starts from zero nodes is flagged too: silence it with
    /// `# scalec: allow C303` and the reason above the pool's `count`. A
    /// Karpenter pool (`provisioner = karpenter`) is not judged: Karpenter
    /// keeps no minimum of nodes, it starts them for pending pods, up to the
    /// limits C302 judges.
    ///
    /// ## Why it is unsafe
    /// Minimum replicas are the capacity a service counts on when nothing
    /// happens: they must be running before any traffic arrives. If the pool
    /// at its minimum cannot hold them, some pods stay Pending. With a fixed
    /// pool they stay Pending for good; with an autoscaled pool they wait for
    /// new nodes to boot after every restore, zone loss or fresh environment,
    /// and the pool never actually runs at the minimum you planned and paid
    /// for. Either way the baseline your disruption budgets and capacity
    /// plans assume is not there.
    ///
    /// ## Example
    /// ```scale
    /// cluster {
    ///   nodes {
    ///     count  = 2 .. 10
    ///     cpu    = 8
    ///     memory = 32Gi
    ///   }
    /// }
    ///
    /// service api {
    ///   image    = "registry.example.com/api:1.0.0"
    ///   cpu      = 2
    ///   replicas = 10 .. 40
    ///   scale cpu { utilization = 70% }
    /// }
    /// ```
    /// 10 pods × 2 cores = 20 cores, but 2 nodes × 8 cores allocate 16.
    ///
    /// ## Fix
    /// Start the pool at what the baseline needs, or lower the minimums:
    /// ```scale
    /// cluster {
    ///   nodes {
    ///     count  = 3 .. 10
    ///     cpu    = 8
    ///     memory = 32Gi
    ///   }
    /// }
    /// ```
    /// Three nodes are always there, so all ten baseline pods of `api` are
    /// scheduled as soon as they are created.
    ///
    /// ## See also
    /// C302 (cluster-overcommit), C304 (pod-larger-than-node), K104
    /// (single-replica);
    /// <https://kubernetes.io/docs/concepts/scheduling-eviction/kube-scheduler/>.
    pub RULE {
        id: C303,
        name: "baseline-unschedulable",
        severity: Error,
        summary: "at minimum replicas the services request more cpu, memory, GPUs or ephemeral storage than the smallest node pool allocates",
        every_service: true,
        check: Some(check),
    }
}

fn check(rule: &Rule, project: &Project, out: &mut Vec<Diagnostic>) {
    // An upside-down range is K102's to report.
    let Some((nodes, count)) = ordered_pool(project) else {
        return;
    };
    if nodes.karpenter.is_some() {
        return;
    }
    for shortfall in shortfalls(project, nodes, min_pods, count.min) {
        let Shortfall {
            kind,
            total,
            node,
            node_span,
            capacity,
            needed_nodes,
            ..
        } = shortfall;
        let pool = if count.min == 0 {
            "the pool starts with no nodes".to_string()
        } else if count.min == count.max {
            plural(count.min, "node")
        } else if needed_nodes > u128::from(count.max) {
            format!(
                "at least {} and at most {}",
                plural(count.min, "node"),
                count.max
            )
        } else {
            format!("at least {}", plural(count.min, "node"))
        };
        let count_label = if node == 0 {
            pool
        } else {
            format!("{pool}; the baseline needs {needed_nodes}")
        };
        let request = format!(
            "at their minimum replicas {} request {}",
            shortfall.who(),
            kind.quantity(total)
        );
        let (message, label) = if count.min == 0 {
            (
                format!("{request}, but the node pool starts with no nodes"),
                format!("each node allocates {}", kind.amount(node)),
            )
        } else {
            (
                format!(
                    "{request}, more than the {} of {}",
                    kind.amount(capacity),
                    plural(count.min, "node")
                ),
                format!(
                    "{} × {} = {}",
                    plural(count.min, "node"),
                    kind.amount(node),
                    kind.amount(capacity)
                ),
            )
        };
        let finding = rule
            .finding(message, node_span)
            .with_label(label)
            .with_related(nodes.count.span, count_label);
        let finding = shortfall.label_largest(finding, "at least");
        let grow = if node == 0 {
            format!(", and give the nodes some {}", kind.noun())
        } else {
            let max = u128::from(count.max).max(needed_nodes);
            if count.min == count.max {
                format!(", or run more nodes: `count = {needed_nodes}`")
            } else {
                format!(", or start the pool larger: `count = {needed_nodes} .. {max}`")
            }
        };
        let whose = shortfall.whose("minimum");
        out.push(finding.with_help(format!("{whose}{grow}")));
    }
}
