use crate::diag::Diagnostic;
use crate::lint::Rule;
use crate::model::Project;

declare_rule! {
    /// ## What it does
    /// Flags a database whose shards are replica sets of fewer than 3
    /// `members` (1 or 2). The default, 3, never fires. On Atlas
    /// (`operator = atlas`) lowering accepts only 3, 5 or 7 members (E003),
    /// so neither does an Atlas database.
    ///
    /// With 2 members this rule alone fires, not M206 (even-replica-set): the
    /// count is even, but the problem and the fix are the same as for a
    /// single member, one finding says it.
    ///
    /// ## Why it is unsafe
    /// A replica set elects a primary only with a majority of its members. With
    /// one member there is nothing to fail over to: a crashed pod, a node drain
    /// or an upgrade takes the shard's data offline, and a lost volume loses it.
    /// With two members the majority is both of them: when either fails, the
    /// other steps down to secondary, the shard accepts no writes, and
    /// `w: "majority"` writes (the default since MongoDB 5.0) wait until the
    /// failed member returns. The Percona Operator treats such sizes as unsafe
    /// and refuses them unless `unsafeFlags.replsetSize` is set.
    ///
    /// ## Example
    /// ```scale
    /// database shop-orders {
    ///   engine  = mongodb
    ///   shards  = 2
    ///   members = 2
    /// }
    /// ```
    ///
    /// ## Fix
    /// ```scale
    /// database shop-orders {
    ///   engine  = mongodb
    ///   shards  = 2
    ///   members = 3
    /// }
    /// ```
    /// Each shard then survives the loss of one member: the other two elect a
    /// new primary within seconds and majority writes keep succeeding.
    ///
    /// ## See also
    /// M206 (even-replica-set), M209 (config-server-count); MongoDB's "Replica
    /// Set Deployment Architectures".
    pub RULE {
        id: M205,
        name: "small-replica-set",
        severity: Warning,
        summary: "shard replica sets have fewer than 3 members",
        check: Some(check),
    }
}

fn check(rule: &Rule, project: &Project, out: &mut Vec<Diagnostic>) {
    for database in &project.databases {
        let members = database.members.value;
        if members >= 3 {
            continue;
        }
        let name = &database.name.value;
        let label = if members == 1 {
            "no secondary: a crash or drain takes the shard offline, a lost volume loses its data"
        } else {
            "losing either member leaves no majority: no primary, no majority writes"
        };
        let pods = u64::from(database.shards.value).saturating_mul(3);
        out.push(
            rule.finding(
                format!(
                    "each shard of database `{name}` is a replica set of only {}",
                    crate::lint::util::plural(members, "member")
                ),
                database.members.span,
            )
            .with_label(label)
            .with_help(format!(
                "set `members = 3` ({} × 3 = {pods} shard pods in all): a shard then survives the loss of one member",
                crate::lint::util::plural(database.shards.value, "shard")
            )),
        );
    }
}
