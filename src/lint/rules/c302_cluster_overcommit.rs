use crate::diag::Diagnostic;
use crate::lint::Rule;
use crate::lint::capacity::{Shortfall, max_pods, ordered_pool, shortfalls};
use crate::lint::util::plural;
use crate::model::Project;

declare_rule! {
    /// ## What it does
    /// With a `nodes` block in `cluster`, adds up what every service requests
    /// when it runs at its maximum replica count (maximum replicas × request)
    /// and flags cpu, memory, GPUs or ephemeral storage when that total
    /// exceeds what the node pool can allocate at its largest (maximum node
    /// count × per-node `cpu`, `memory`, `gpu` or `ephemeral_storage`). Each
    /// resource is reported on its own, on the node pool's attribute for it,
    /// and the three services (or database tiers) that take the largest share
    /// are named.
    ///
    /// How the sum is counted:
    /// - requests only: the scheduler places pods by their request, so limits
    ///   do not count;
    /// - a service with no request for a resource counts 0 for it (it is
    ///   unbounded, which is K105's and K110's concern, not a capacity figure);
    /// - `replicas = N` counts N pods, a range counts its maximum, and a
    ///   service with no `replicas` counts 1 pod, as Kubernetes runs one;
    /// - a database's pods count as they always run: shards × members with
    ///   the request of its `shard` block, config servers with
    ///   `config_server`'s, routers with `router`'s (a tier without a request
    ///   counts 0, as a service does; M210 warns);
    /// - `gpu` and `ephemeral_storage` requests count only when `nodes` states
    ///   the node's `gpu` or `ephemeral_storage`, as in C304: without a `gpu`
    ///   the pool has no GPUs and each GPU pod is already C304's finding, and
    ///   ephemeral storage left unstated is not checked;
    /// - the sum is a lower bound of what the pool needs: it ignores how pods
    ///   pack onto nodes and what daemon sets take from each node.
    ///
    /// With `provisioner = karpenter` the pool's largest size is its
    /// NodePool's `limits`, and the finding also points there.
    ///
    /// Without `nodes` the rule is silent. A node range whose minimum is above
    /// its maximum is K102's finding; this rule waits until it is fixed.
    ///
    /// ## Why it is unsafe
    /// The replica maximums promise capacity the cluster does not have. On the
    /// day several services scale out together, which is exactly a traffic
    /// peak, the last pods stay Pending: the autoscalers think they added
    /// capacity, the load keeps rising on the pods that did start, and latency
    /// and errors climb while the pool is already at its largest. It is a
    /// warning because services rarely peak together; decide whether yours do.
    ///
    /// ## Example
    /// ```scale
    /// cluster {
    ///   nodes {
    ///     count  = 2 .. 4
    ///     cpu    = 8
    ///     memory = 32Gi
    ///   }
    /// }
    ///
    /// service api {
    ///   image    = "registry.example.com/api:1.0.0"
    ///   cpu      = 1
    ///   replicas = 4 .. 40
    ///   scale cpu { utilization = 70% }
    /// }
    /// ```
    /// 40 pods × 1 core = 40 cores, but 4 nodes × 8 cores allocate 32.
    ///
    /// ## Fix
    /// Let the pool grow to what the maximums need, or lower the maximums:
    /// ```scale
    /// cluster {
    ///   nodes {
    ///     count  = 2 .. 5
    ///     cpu    = 8
    ///     memory = 32Gi
    ///   }
    /// }
    /// ```
    /// The cluster autoscaler may then add a fifth node, so all 40 pods of
    /// `api` can be scheduled at its peak.
    ///
    /// ## See also
    /// C303 (baseline-unschedulable), C304 (pod-larger-than-node), C301
    /// (peak-exceeds-max), K101 (missing-max-replicas);
    /// <https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/#how-pods-with-resource-requests-are-scheduled>.
    pub RULE {
        id: C302,
        name: "cluster-overcommit",
        severity: Warning,
        summary: "at maximum replicas the services request more cpu, memory, GPUs or ephemeral storage than the node pool allocates",
        every_service: true,
        check: Some(check),
    }
}

fn check(rule: &Rule, project: &Project, out: &mut Vec<Diagnostic>) {
    // An upside-down range is K102's to report.
    let Some((nodes, count)) = ordered_pool(project) else {
        return;
    };
    for shortfall in shortfalls(project, nodes, max_pods, count.max) {
        let Shortfall {
            kind,
            total,
            node,
            node_span,
            capacity,
            needed_nodes,
            ..
        } = shortfall;
        let pool = if count.min == count.max {
            plural(count.max, "node")
        } else {
            format!("at most {}", plural(count.max, "node"))
        };
        let count_label = if node == 0 {
            pool
        } else {
            format!("{pool}; the maximums need at least {needed_nodes}")
        };
        let finding = rule
            .finding(
                format!(
                    "at their maximum replicas {} request {}, more than the {} of {}",
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
        let finding = shortfall.label_largest(finding, "up to");
        let grow = if node == 0 {
            format!(", and give the nodes some {}", kind.noun())
        } else {
            format!(
                ", or let the pool grow: `count = {} .. {needed_nodes}`",
                count.min
            )
        };
        let whose = shortfall.whose("maximum");
        out.push(finding.with_help(format!("{whose}{grow}")));
    }
}
