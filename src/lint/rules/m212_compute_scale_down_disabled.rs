use crate::diag::Diagnostic;
use crate::lint::Rule;
use crate::model::Project;

declare_rule! {
    /// ## What it does
    /// Flags an Atlas database whose compute autoscales over a range
    /// (`instance = M30 .. M60`) with `compute_scale_down = false`.
    ///
    /// ## Why it is unsafe
    /// Atlas then scales the cluster up under load but never back down: one
    /// busy hour, a backfill or an index build leaves every node of every
    /// shard at the larger size for good. The bill ratchets up to the
    /// maximum, and the range no longer says what the cluster costs.
    ///
    /// ## Example
    /// ```scale
    /// database orders {
    ///   engine   = mongodb
    ///   operator = atlas
    ///   shards   = 2
    ///   atlas {
    ///     project            = "aether"
    ///     provider           = aws
    ///     region             = "US_EAST_1"
    ///     instance           = M30 .. M60
    ///     compute_scale_down = false
    ///     password_secret    = "orders-shard-setup-password"
    ///   }
    /// }
    /// ```
    ///
    /// ## Fix
    /// ```scale
    ///   atlas {
    ///     # ... as above, without `compute_scale_down = false`
    ///     instance = M30 .. M60
    ///   }
    /// ```
    /// Atlas scales down again (not below M30) once the load has stayed low
    /// for a day; or write one size, `instance = M60`, when the cluster
    /// should stay large.
    ///
    /// ## See also
    /// M211 (disk-autoscaling-off); Atlas's documentation, "Configure
    /// Auto-Scaling".
    pub RULE {
        id: M212,
        name: "compute-scale-down-disabled",
        severity: Warning,
        summary: "an Atlas database autoscales compute up but never down",
        check: Some(check),
    }
}

fn check(rule: &Rule, project: &Project, out: &mut Vec<Diagnostic>) {
    for database in &project.databases {
        let Some(atlas) = &database.atlas else {
            continue;
        };
        let (Some(max), Some(off)) = (&atlas.max_instance, &atlas.scale_down) else {
            continue;
        };
        if off.value {
            continue;
        }
        out.push(
            rule.finding(
                format!(
                    "database `{}` autoscales up to {} but never down",
                    database.name.value, max.value.name
                ),
                off.span,
            )
            .with_label("scale-down is off")
            .with_related(max.span, "once here, every node stays at this size")
            .with_help(format!(
                "remove `compute_scale_down = false`, or write `instance = {}` to keep that size on purpose",
                max.value.name
            )),
        );
    }
}
