use crate::diag::Diagnostic;
use crate::lint::Rule;
use crate::model::Project;

declare_rule! {
    /// ## What it does
    /// Flags a database whose shards are replica sets of an even number of
    /// `members`, 4 or more. The default, 3, never fires. On Atlas
    /// (`operator = atlas`) lowering accepts only 3, 5 or 7 members (E003),
    /// so neither does an Atlas database.
    ///
    /// 2 members is left to M205 (small-replica-set), which says the same
    /// thing more urgently; one finding per problem.
    ///
    /// ## Why it is unsafe
    /// A primary needs a strict majority of the votes. An even count adds a
    /// member without adding fault tolerance: 4 members survive one failure,
    /// exactly as 3 do, and a network split into two equal halves leaves
    /// neither side with a majority, so the shard has no primary and takes no
    /// writes until the split heals. Every extra member also costs a pod, a
    /// volume and replication traffic.
    ///
    /// The usual remedy for an even set is one more member, or an arbiter. This
    /// language does not model arbiters, and MongoDB advises against them with
    /// majority writes: when a data-bearing member fails, an arbiter keeps a
    /// primary up whose majority writes cannot complete.
    ///
    /// ## Example
    /// ```scale
    /// database shop-orders {
    ///   engine  = mongodb
    ///   shards  = 2
    ///   members = 4
    /// }
    /// ```
    ///
    /// ## Fix
    /// ```scale
    /// database shop-orders {
    ///   engine  = mongodb
    ///   shards  = 2
    ///   members = 5
    /// }
    /// ```
    /// Each shard now survives two failed members instead of one. `members = 3`
    /// keeps the safety of 4 at less cost.
    ///
    /// ## See also
    /// M205 (small-replica-set), M209 (config-server-count); MongoDB's "Replica
    /// Set Elections" and "Replica Set Arbiter".
    pub RULE {
        id: M206,
        name: "even-replica-set",
        severity: Warning,
        summary: "shard replica sets have an even number of members",
        check: Some(check),
    }
}

fn check(rule: &Rule, project: &Project, out: &mut Vec<Diagnostic>) {
    for database in &project.databases {
        let members = database.members.value;
        if members < 4 || members % 2 != 0 {
            continue;
        }
        let name = &database.name.value;
        let survives = (members - 1) / 2;
        let up = members.saturating_add(1);
        let down = members - 1;
        out.push(
            rule.finding(
                format!("each shard of database `{name}` has an even number of members ({members})"),
                database.members.span,
            )
            .with_label(format!(
                "{members} members survive {}, as {down} do; an even split leaves no primary",
                crate::lint::util::plural(survives, "failure")
            ))
            .with_help(format!(
                "set `members = {up}` to survive {} failures, or `members = {down}` for the same safety at less cost",
                survives.saturating_add(1)
            )),
        );
    }
}
