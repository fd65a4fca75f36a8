use crate::diag::Diagnostic;
use crate::lint::Rule;
use crate::lint::capacity::{Tier, Kind, max_pods};
use crate::model::{NodePool, Project, Service};

declare_rule! {
    /// ## What it does
    /// With a `nodes` block in `cluster`, flags a service whose pod requests
    /// more cpu or more memory than one node allocates (the `cpu` and `memory`
    /// of `nodes`), and a database whose shard members, config servers or
    /// routers each request more (their `shard`, `config_server` or
    /// `router` block). Each resource is reported on its own, on the request.
    /// A service's `gpu` is checked against the `gpu` of `nodes` (none when
    /// not written: a GPU service on a pool without GPUs is flagged), and
    /// its `ephemeral_storage` request against the `ephemeral_storage` of
    /// `nodes` when it is written.
    ///
    /// Only requests count: the scheduler places pods by request, and a limit
    /// above the node's size is legal (the pod is throttled or killed at the
    /// node's size). A request exactly equal to the node's allocatable is not
    /// flagged, though it only fits an empty node with no daemon sets. A
    /// service with `replicas = 0` runs no pod and is not flagged. Without
    /// `nodes` the rule is silent.
    ///
    /// ## Why it is unsafe
    /// The scheduler never splits a pod across nodes, so such a pod can never
    /// be scheduled: it stays Pending forever, however many nodes the cluster
    /// autoscaler adds (it will not even try, since no node of the pool would
    /// fit). The rollout of the service never completes and the old pods keep
    /// serving until they are gone, then the service is down.
    ///
    /// ## Example
    /// ```scale
    /// cluster {
    ///   nodes {
    ///     count  = 3 .. 10
    ///     cpu    = 8
    ///     memory = 32Gi
    ///   }
    /// }
    ///
    /// service trainer {
    ///   image    = "registry.example.com/trainer:1.0.0"
    ///   cpu      = 4
    ///   memory   = 48Gi
    ///   replicas = 2
    /// }
    /// ```
    ///
    /// ## Fix
    /// Request at most one node's allocatable, leaving room for the daemon
    /// sets every node runs, or use larger nodes:
    /// ```scale
    /// service trainer {
    ///   image    = "registry.example.com/trainer:1.0.0"
    ///   cpu      = 4
    ///   memory   = 24Gi
    ///   replicas = 2
    /// }
    /// ```
    /// Each pod then fits a node, so both pods are scheduled.
    ///
    /// ## See also
    /// C302 (cluster-overcommit), C303 (baseline-unschedulable);
    /// <https://kubernetes.io/docs/tasks/administer-cluster/reserve-compute-resources/#node-allocatable>.
    pub RULE {
        id: C304,
        name: "pod-larger-than-node",
        severity: Error,
        summary: "one pod requests more cpu or memory than one node allocates",
        check: Some(check),
    }
}

fn check(rule: &Rule, project: &Project, out: &mut Vec<Diagnostic>) {
    let Some(nodes) = &project.cluster.nodes else {
        return;
    };
    for service in &project.services {
        if max_pods(service) == 0 {
            continue;
        }
        let name = &service.name.value;
        for kind in [Kind::Cpu, Kind::Memory] {
            let Some((request, span, text)) = kind.request(service) else {
                continue;
            };
            let Some((node, node_span, node_text)) = kind.node(nodes) else {
                continue;
            };
            if request <= node {
                continue;
            }
            let word = kind.name();
            let mut finding = rule
                .finding(
                    format!(
                        "a pod of `{name}` requests {} of {word}, more than one node allocates ({})",
                        kind.amount(request),
                        kind.amount(node)
                    ),
                    span,
                )
                .with_label(format!("requests {}", kind.amount(request)))
                .with_related(node_span, format!("one node allocates {}", kind.amount(node)));
            let what = format!("this {word} request");
            if let Some(label) = crate::lint::util::inherits(project, service, span, &what) {
                finding = finding.with_related(service.name.span, format!("`{name}` {label}"));
            }
            out.push(finding.with_help(format!(
                "request at most what one node allocates (`{word} = {node_text}` in `nodes`), \
                 or use nodes with at least `{word} = {text}`",
            )));
        }
    }
    for service in &project.services {
        if max_pods(service) > 0 {
            extended(rule, nodes, service, out);
        }
    }
    for database in &project.databases {
        for tier in Tier::ALL {
            for kind in [Kind::Cpu, Kind::Memory] {
                let Some((request, span, text)) = kind.pods_request(tier.pods(database)) else {
                    continue;
                };
                let Some((node, node_span, node_text)) = kind.node(nodes) else {
                    continue;
                };
                if request <= node {
                    continue;
                }
                let word = kind.name();
                out.push(
                    rule.finding(
                        format!(
                            "each of the {} of database `{}` requests {} of {word}, more than one node allocates ({})",
                            tier.name(),
                            database.name.value,
                            kind.amount(request),
                            kind.amount(node)
                        ),
                        span,
                    )
                    .with_label(format!("requests {}", kind.amount(request)))
                    .with_related(node_span, format!("one node allocates {}", kind.amount(node)))
                    .with_help(format!(
                        "request at most what one node allocates (`{word} = {node_text}` in `nodes`), \
                         or use nodes with at least `{word} = {text}`",
                    )),
                );
            }
        }
    }
}

/// `gpu` against the node's (none unless `nodes` states them), and
/// `ephemeral_storage` against the node's when `nodes` states it.
fn extended(rule: &Rule, nodes: &NodePool, service: &Service, out: &mut Vec<Diagnostic>) {
    let name = &service.name.value;
    if let Some(gpu) = &service.gpu {
        let node = nodes.gpu.as_ref().map_or(0, |g| g.value);
        if gpu.value > node {
            let has = match node {
                0 => "no node has a GPU (`nodes` states no `gpu`)".to_string(),
                n => format!("one node has {n}"),
            };
            let mut finding = rule
                .finding(
                    format!(
                        "a pod of `{name}` requests {} {}; {has}",
                        gpu.value,
                        if gpu.value == 1 { "GPU" } else { "GPUs" }
                    ),
                    gpu.span,
                )
                .with_label(format!("requests {} `nvidia.com/gpu`", gpu.value));
            if let Some(node_gpu) = &nodes.gpu {
                finding = finding.with_related(node_gpu.span, format!("one node has {node}"));
            }
            let help = match node {
                0 => "run it on a pool with GPU nodes and state their count in `nodes` \
                      (`gpu = N`), or remove `gpu`"
                    .to_string(),
                n => format!("ask for at most `gpu = {n}`, or use nodes with more GPUs"),
            };
            out.push(finding.with_help(help));
        }
    }
    if let (Some(storage), Some(node)) = (&service.ephemeral_storage, &nodes.ephemeral_storage)
        && storage.request.value.millibytes > node.value.millibytes
    {
        let request = &storage.request.value.text;
        out.push(
            rule.finding(
                format!(
                    "a pod of `{name}` requests {request} of ephemeral storage, more than one node allocates ({})",
                    node.value.text
                ),
                storage.request.span,
            )
            .with_label(format!("requests {request}"))
            .with_related(node.span, format!("one node allocates {}", node.value.text))
            .with_help(format!(
                "request at most `ephemeral_storage = {}`, or use nodes with larger disks",
                node.value.text
            )),
        );
    }
}
