use crate::diag::Diagnostic;
use crate::lint::Rule;
use crate::model::Project;

declare_rule! {
    /// ## What it does
    /// Flags a database whose shard members have no memory limit: no `shard`
    /// block, no `memory` in it, or a `memory` with a request only
    /// (`memory = 8Gi` rather than `memory = 8Gi .. 8Gi`).
    ///
    /// ## Why it is unsafe
    /// Each shard member is a `mongod`, and `mongod` sizes its WiredTiger
    /// cache from the memory it can see: half of it less 1 GB. In a container
    /// with a memory limit that is the limit; without one, it is the whole
    /// node's memory. On a 64 GiB node every member then plans a 31 GiB cache,
    /// whatever else runs there, and grows into it as the data set grows,
    /// until the kernel kills it or the node evicts its neighbours. Without
    /// requests the pods are also BestEffort: the scheduler places them
    /// anywhere and they are the first evicted when a node runs short.
    ///
    /// ## Example
    /// ```scale
    /// database shop-orders {
    ///   engine = mongodb
    ///   shards = 2
    /// }
    /// ```
    ///
    /// ## Fix
    /// Give the members a request and a limit; a limit equal to the request
    /// makes them Guaranteed, the last pods a node evicts:
    /// ```scale
    /// database shop-orders {
    ///   engine = mongodb
    ///   shards = 2
    ///
    ///   shard {
    ///     cpu    = 2 .. 4
    ///     memory = 8Gi .. 8Gi
    ///   }
    /// }
    /// ```
    /// Each `mongod` then keeps a cache of about 3.5 GiB.
    ///
    /// ## See also
    /// K110 (missing-memory-limit), K111 (limit-below-request);
    /// <https://www.mongodb.com/docs/manual/core/wiredtiger/#memory-use>.
    pub RULE {
        id: M210,
        name: "mongod-without-memory-limit",
        severity: Warning,
        summary: "a database's shard members have no memory limit, so mongod sizes its cache from the node",
        check: Some(check),
    }
}

fn check(rule: &Rule, project: &Project, out: &mut Vec<Diagnostic>) {
    for database in &project.databases {
        // Atlas runs the routers and sizes the members itself.
        if !database.operator.runs_in_cluster() {
            continue;
        }
        let pods = &database.shard_pods;
        let memory = pods.memory.as_ref();
        if memory.is_some_and(|m| m.limit.is_some()) {
            continue;
        }
        let name = &database.name.value;
        let (span, label, help) = match (memory, pods.span) {
            (Some(memory), _) => (
                memory.request.span,
                "a request without a limit".to_string(),
                format!(
                    "give a limit after the request: `memory = {} .. {}`",
                    memory.request.value.text, memory.request.value.text
                ),
            ),
            (None, Some(block)) => (
                block,
                "no `memory` here".to_string(),
                "add `memory = REQUEST .. LIMIT` to the `shard` block, e.g. `memory = 8Gi .. 8Gi`"
                    .to_string(),
            ),
            (None, None) => (
                database.name.span,
                "no `shard` block: the members request nothing".to_string(),
                "add `shard { cpu = 2 .. 4; memory = 8Gi .. 8Gi }` (sized for your data) to the database"
                    .to_string(),
            ),
        };
        out.push(
            rule.finding(
                format!(
                    "the shard members of database `{name}` have no memory limit: mongod sizes its cache from the node's memory"
                ),
                span,
            )
            .with_label(label)
            .with_help(help),
        );
    }
}
