use crate::diag::Diagnostic;
use crate::lint::Rule;
use crate::model::Project;

declare_rule! {
    /// ## What it does
    /// Flags a database with `routers = 1`: a single mongos. The default, 2,
    /// never fires, nor does an Atlas database (`operator = atlas`), whose
    /// routers Atlas runs itself.
    ///
    /// ## Why it is unsafe
    /// Applications reach a sharded cluster only through mongos. With one
    /// router, its restart, its node's drain or an upgrade cuts every client
    /// off the whole cluster, however many healthy shards stand behind it; a
    /// busy router is also a throughput ceiling. The Percona Operator treats a
    /// single mongos as unsafe and refuses it unless `unsafeFlags.mongosSize`
    /// is set.
    ///
    /// ## Example
    /// ```scale
    /// database shop-orders {
    ///   engine  = mongodb
    ///   shards  = 2
    ///   routers = 1
    /// }
    /// ```
    ///
    /// ## Fix
    /// ```scale
    /// database shop-orders {
    ///   engine  = mongodb
    ///   shards  = 2
    ///   routers = 2
    /// }
    /// ```
    /// Clients connect through the router service (or list both routers in
    /// the connection string) and the drivers move to the other router when
    /// one goes away.
    ///
    /// ## See also
    /// M205 (small-replica-set), M209 (config-server-count).
    pub RULE {
        id: M207,
        name: "single-router",
        severity: Warning,
        summary: "a sharded cluster has a single mongos router",
        check: Some(check),
    }
}

fn check(rule: &Rule, project: &Project, out: &mut Vec<Diagnostic>) {
    for database in &project.databases {
        // Atlas runs the routers and sizes the members itself.
        if !database.operator.runs_in_cluster() {
            continue;
        }
        if database.routers.value >= 2 {
            continue;
        }
        let name = &database.name.value;
        out.push(
            rule.finding(
                format!("database `{name}` has a single mongos router"),
                database.routers.span,
            )
            .with_label("one router: when it restarts, every client loses the whole cluster")
            .with_help("set `routers = 2` or more; drivers fail over between routers"),
        );
    }
}
