use crate::diag::Diagnostic;
use crate::lint::Rule;
use crate::model::Project;

declare_rule! {
    /// ## What it does
    /// Flags an Atlas database with `disk_autoscaling = false` that holds a
    /// growing collection: one whose shard key has a field with
    /// `monotonic = true` (a timestamp, a counter: data that is appended to
    /// and rarely deleted).
    ///
    /// ## Why it is unsafe
    /// Without disk autoscaling Atlas keeps each node's disk at its size.
    /// An append-only collection fills it; when a node's disk is full,
    /// mongod stops accepting writes and the shard becomes read-only, an
    /// outage that lasts until someone resizes the disk by hand (which on
    /// Atlas takes a rolling restart of every node).
    ///
    /// ## Example
    /// ```scale
    /// database events {
    ///   engine   = mongodb
    ///   operator = atlas
    ///   shards   = 2
    ///   atlas {
    ///     project          = "aether"
    ///     provider         = aws
    ///     region           = "US_EAST_1"
    ///     instance         = M30
    ///     disk_autoscaling = false
    ///     password_secret  = "events-shard-setup-password"
    ///   }
    ///   collection clicks {
    ///     shard_key = [site, at]
    ///     field at { monotonic = true }
    ///   }
    /// }
    /// ```
    ///
    /// ## Fix
    /// ```scale
    ///   atlas {
    ///     # ...
    ///     disk_autoscaling = true
    ///   }
    /// ```
    /// Atlas grows each node's disk when it is 90% full, without downtime.
    ///
    /// ## See also
    /// M201 (monotonic-shard-key), M212 (compute-scale-down-disabled);
    /// Atlas's documentation, "Configure Storage Auto-Scaling".
    pub RULE {
        id: M211,
        name: "disk-autoscaling-off",
        severity: Warning,
        summary: "an Atlas database with a growing collection has disk autoscaling off",
        check: Some(check),
    }
}

fn check(rule: &Rule, project: &Project, out: &mut Vec<Diagnostic>) {
    for database in &project.databases {
        let Some(atlas) = &database.atlas else {
            continue;
        };
        let Some(off) = atlas.disk_autoscaling.as_ref().filter(|d| !d.value) else {
            continue;
        };
        let growing = database.collections.iter().find_map(|collection| {
            let field = collection.shard_key.fields.iter().find_map(|key| {
                let facts = collection.fields.get(&key.name)?;
                facts.monotonic.as_ref().filter(|m| m.value)
            })?;
            Some((collection, field))
        });
        let Some((collection, monotonic)) = growing else {
            continue;
        };
        out.push(
            rule.finding(
                format!(
                    "database `{}` has disk autoscaling off, but collection `{}` keeps growing",
                    database.name.value, collection.name.value
                ),
                off.span,
            )
            .with_label("each node's disk stays at its size")
            .with_related(monotonic.span, "appended to: its data grows without bound")
            .with_help("set `disk_autoscaling = true`: a full disk stops every write to the shard"),
        );
    }
}
