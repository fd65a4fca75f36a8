use crate::diag::Diagnostic;
use crate::lint::Rule;
use crate::model::Project;

declare_rule! {
    /// ## What it does
    /// Notes a database with `shards = 1`. This is information, not a
    /// problem: shown with `--verbose`, or raised with `lint { deny = [M208] }`.
    ///
    /// ## Why it is unsafe
    /// A sharded cluster with one shard pays for sharding without getting any of
    /// it: the config server replica set and the mongos routers cost pods and
    /// volumes, every query takes an extra network hop through a router, and
    /// yet all data and all writes still sit on one replica set. It is a fine
    /// starting point when more shards are planned (adding one later needs no
    /// migration of the application), but worth a conscious choice.
    ///
    /// ## Example
    /// ```scale
    /// database shop-orders {
    ///   engine = mongodb
    ///   shards = 1
    /// }
    /// ```
    ///
    /// ## Fix
    /// ```scale
    /// database shop-orders {
    ///   engine = mongodb
    ///   shards = 2
    /// }
    /// ```
    /// Data and writes of the sharded collections now spread over two replica
    /// sets; or keep one shard and silence this note with a reason.
    ///
    /// ## See also
    /// M202 (low-cardinality-shard-key), M207 (single-router).
    pub RULE {
        id: M208,
        name: "single-shard",
        severity: Info,
        summary: "a sharded cluster has a single shard",
        check: Some(check),
    }
}

fn check(rule: &Rule, project: &Project, out: &mut Vec<Diagnostic>) {
    for database in &project.databases {
        if database.shards.value != 1 {
            continue;
        }
        let name = &database.name.value;
        let overhead = database
            .config_servers
            .value
            .saturating_add(database.routers.value);
        out.push(
            rule.finding(format!("database `{name}` is sharded but has a single shard"), database.shards.span)
                .with_label(format!(
                    "one shard: {} and {} add {overhead} pods but no capacity",
                    crate::lint::util::plural(database.config_servers.value, "config server"),
                    crate::lint::util::plural(database.routers.value, "router"),
                ))
                .with_help("set `shards = 2` or more once one replica set no longer holds the data or the writes"),
        );
    }
}
