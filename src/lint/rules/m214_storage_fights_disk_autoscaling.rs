use crate::diag::Diagnostic;
use crate::lint::Rule;
use crate::model::Project;

declare_rule! {
    /// ## What it does
    /// Flags an Atlas database that sets `storage` while disk autoscaling is
    /// on (`disk_autoscaling = true`, the default).
    ///
    /// ## Why it is unsafe
    /// `storage` becomes the AtlasDeployment's `diskSizeGB`, and the Atlas
    /// Kubernetes Operator compares it with the cluster on every
    /// reconciliation: when Atlas has grown a disk that was filling up, the
    /// operator sees a difference and sends `diskSizeGB` back to Atlas
    /// (`internal/translation/deployment/compare.go`). Each step the
    /// autoscaler takes is undone or refused, the AtlasDeployment flaps
    /// between ready and failing, and the disk the autoscaler was meant to
    /// grow fills up.
    ///
    /// ## Example
    /// ```scale
    /// database orders {
    ///   engine   = mongodb
    ///   operator = atlas
    ///   shards   = 2
    ///   storage  = 200Gi
    ///   atlas {
    ///     project         = "aether"
    ///     provider        = aws
    ///     region          = "US_EAST_1"
    ///     instance        = M40
    ///     password_secret = "orders-shard-setup-password"
    ///   }
    /// }
    /// ```
    ///
    /// ## Fix
    /// Leave the size to Atlas: remove `storage`, and each node starts at
    /// the tier's default disk and grows as it fills. Or keep `storage` and
    /// set `disk_autoscaling = false` to size the disks yourself (M211 warns
    /// when a collection keeps growing).
    ///
    /// ## See also
    /// M211 (disk-autoscaling-off); Atlas's documentation, "Configure
    /// Storage Auto-Scaling".
    pub RULE {
        id: M214,
        name: "storage-fights-disk-autoscaling",
        severity: Warning,
        summary: "an Atlas database fixes its disk size while disk autoscaling is on",
        check: Some(check),
    }
}

fn check(rule: &Rule, project: &Project, out: &mut Vec<Diagnostic>) {
    for database in &project.databases {
        let (Some(atlas), Some(storage)) = (&database.atlas, &database.storage) else {
            continue;
        };
        if !atlas.disk_autoscaling() {
            continue;
        }
        let mut finding = rule
            .finding(
                format!(
                    "database `{}` fixes its disk at {} while Atlas autoscales it",
                    database.name.value, storage.value.text
                ),
                storage.span,
            )
            .with_label("the operator sets the disk back to this size after Atlas grows it")
            .with_help(
                "remove `storage` and let Atlas size the disk, or set `disk_autoscaling = false`",
            );
        if let Some(on) = &atlas.disk_autoscaling {
            finding = finding.with_related(on.span, "disk autoscaling is on");
        }
        out.push(finding);
    }
}
