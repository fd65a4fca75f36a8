use crate::diag::Diagnostic;
use crate::lint::Rule;
use crate::lint::capacity::{Kind, ordered_pool};
use crate::model::Project;
use crate::plan::clock;
use crate::lint::rules::p401_max_before_peak::needed_pods;
use crate::plan::replay::{Replay, ServiceReplay};

declare_rule! {
    /// ## What it does
    /// `scalec plan` replays load against the policy (see `docs/plan.md`).
    /// This rule flags a node pool that is full before the services reach
    /// the pods the load asks for: a new pod waits for room because the pool,
    /// at its maximum node count, has no cpu or memory left for its requests.
    ///
    /// The pool holds the database pods and the services the replay does not
    /// simulate (at their minimum) for the whole replay; the simulated
    /// services' pods are placed oldest first.
    ///
    /// ## Why it is unsafe
    /// The autoscaler asks for pods, and they stay Pending. The HPA sees
    /// that the ready pods are busy and asks for more, none of which start:
    /// the services are short of pods although their maximum would allow
    /// them. C302 compares the maxima with the pool; this rule shows when, in
    /// the replay, the pool runs out.
    ///
    /// ## Example
    /// ```scale
    /// cluster shop {
    ///   kubernetes = "1.34"
    ///   namespace  = "shop"
    ///
    ///   nodes {
    ///     count  = 2 .. 3
    ///     cpu    = 4
    ///     memory = 16Gi
    ///   }
    /// }
    ///
    /// service api {
    ///   image    = "registry.example.com/api:1.0.0"
    ///   cpu      = 1
    ///   memory   = 1Gi
    ///   replicas = 2 .. 20
    ///   scale cpu { utilization = 70% }
    ///
    ///   load {
    ///     peak    = 900
    ///     per_pod = 60
    ///   }
    /// }
    /// ```
    /// Three nodes of 4 cores hold 12 pods; the peak asks for 22.
    ///
    /// ## Fix
    /// Let the pool grow to what the peak needs:
    /// ```scale
    /// cluster shop {
    ///   kubernetes = "1.34"
    ///   namespace  = "shop"
    ///
    ///   nodes {
    ///     count  = 2 .. 6
    ///     cpu    = 4
    ///     memory = 16Gi
    ///   }
    /// }
    /// ```
    ///
    /// ## See also
    /// C302 (cluster-overcommit), C306 (peak-exceeds-pool), P401
    /// (max-before-peak).
    pub RULE {
        id: P404,
        name: "nodes-exhausted",
        severity: Error,
        summary: "in the replay, pods wait for room because the node pool is full",
        replay: true,
        check: None,
    }
}

/// Judges the replay: one finding for the pool when any pod waited.
pub fn judge(rule: &Rule, project: &Project, replay: &Replay, out: &mut Vec<Diagnostic>) {
    let (Some(cluster), Some((nodes, count))) = (&replay.cluster, ordered_pool(project)) else {
        return;
    };
    let mut waiting: Vec<_> = (replay.services.iter())
        .filter_map(|run| Some((run.first_pending?, run)))
        .collect();
    if waiting.is_empty() {
        return;
    }
    waiting.sort_by_key(|(at, run)| (*at, run.index));
    let first = waiting[0].0;
    let names: Vec<String> = waiting
        .iter()
        .map(|(at, run)| format!("`{}` from {}", run.name, clock(*at)))
        .collect();
    // The nodes the peak asks for: every simulated service at the pods its
    // busiest second needs, with what the pool holds all along.
    let per_node = |kind: Kind| kind.node(nodes).map_or(1, |(amount, _, _)| amount.max(1));
    let wanted = |fixed: u128, each: fn(&ServiceReplay) -> u128| {
        fixed
            + (replay.services.iter())
                .map(|run| each(run) * u128::from(needed_pods(project, run).min(run.max)))
                .sum::<u128>()
    };
    let cpu = wanted(cluster.fixed_cpu, |run| run.cpu);
    let memory = wanted(cluster.fixed_memory, |run| run.memory);
    let needed = cpu
        .div_ceil(per_node(Kind::Cpu))
        .max(memory.div_ceil(per_node(Kind::Memory)))
        .max(u128::from(count.max) + 1);
    out.push(
        rule.finding(
            format!(
                "the node pool is full at {}: pods wait for room ({})",
                clock(first),
                names.join(", ")
            ),
            nodes.count.span,
        )
        .with_label(format!("at most {} nodes", count.max))
        .with_help(format!(
            "the services at the pods their peak needs request what {needed} nodes hold: `count = {} .. {needed}`",
            count.min
        )),
    );
}
