use crate::diag::Diagnostic;
use crate::lint::Rule;
use crate::model::Project;

declare_rule! {
    /// ## What it does
    /// Flags a database whose config server replica set does not have 3
    /// members (`config_servers`). The default, 3, never fires, nor does an
    /// Atlas database (`operator = atlas`), whose config servers Atlas runs.
    ///
    /// ## Why it is unsafe
    /// The config servers hold the cluster's metadata: which chunk lives on
    /// which shard. Without a config server primary, chunks cannot split or
    /// move, collections cannot be created or sharded, and a restarted router
    /// cannot load the routing table, so it cannot serve.
    /// - 1 config server has no failover: its restart stops all of that.
    /// - 2 need both for a majority: losing either one does the same.
    /// - 4 (or any even count) survive one failure, like 3, and an even split
    ///   leaves no primary.
    /// - 5 or more survive more failures only if they run in as many failure
    ///   zones; otherwise they slow every metadata write (it waits for a
    ///   majority) and cost pods for nothing. 3 is MongoDB's production layout.
    ///
    /// ## Example
    /// ```scale
    /// database shop-orders {
    ///   engine         = mongodb
    ///   shards         = 2
    ///   config_servers = 1
    /// }
    /// ```
    ///
    /// ## Fix
    /// ```scale
    /// database shop-orders {
    ///   engine         = mongodb
    ///   shards         = 2
    ///   config_servers = 3
    /// }
    /// ```
    /// (or leave `config_servers` out: 3 is the default). The metadata then
    /// survives the loss of one config server.
    ///
    /// ## See also
    /// M205 (small-replica-set), M206 (even-replica-set), M207 (single-router);
    /// MongoDB's "Config Servers".
    pub RULE {
        id: M209,
        name: "config-server-count",
        severity: Warning,
        summary: "the config server replica set does not have 3 members",
        check: Some(check),
    }
}

fn check(rule: &Rule, project: &Project, out: &mut Vec<Diagnostic>) {
    for database in &project.databases {
        // Atlas runs the config servers itself.
        if !database.operator.runs_in_cluster() {
            continue;
        }
        let count = database.config_servers.value;
        if count == 3 {
            continue;
        }
        let name = &database.name.value;
        let label = match count {
            1 => "no failover: while it is down, chunks cannot move and restarted routers cannot serve".to_string(),
            2 => "losing either one leaves no majority: the cluster metadata freezes".to_string(),
            n if n % 2 == 0 => format!(
                "{n} survive {}, as {} do; an even split leaves no primary",
                crate::lint::util::plural((n - 1) / 2, "failure"),
                n - 1
            ),
            n => format!("every metadata write waits for {} of {n}", n / 2 + 1),
        };
        out.push(
            rule.finding(
                format!("database `{name}` has {}; a sharded cluster wants 3", crate::lint::util::plural(count, "config server")),
                database.config_servers.span,
            )
            .with_label(label)
            .with_help(if count > 3 && count % 2 == 1 {
                format!("set `config_servers = 3` unless the {count} run in {count} separate failure zones")
            } else {
                "set `config_servers = 3` (or leave it out: 3 is the default)".to_string()
            }),
        );
    }
}
