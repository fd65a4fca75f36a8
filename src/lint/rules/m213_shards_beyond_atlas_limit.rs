use crate::diag::Diagnostic;
use crate::lint::Rule;
use crate::model::Project;
use crate::model::atlas::SUPPORTED_SHARDS;

declare_rule! {
    /// ## What it does
    /// Flags an Atlas database (`operator = atlas`) with more than 80
    /// `shards`.
    ///
    /// ## Why it is unsafe
    /// Atlas has no hard limit on the shards of a single-region cluster,
    /// but asks you to contact MongoDB Support beyond 80 ("Atlas Service
    /// Limits"): until Support has raised the project's limit, the operator
    /// cannot create or grow the cluster to that size, and the
    /// AtlasDeployment stays unready while the applications that need it
    /// wait. Found in a review, it is a ticket; found during a capacity
    /// emergency, it is an outage.
    ///
    /// ## Example
    /// ```scale
    /// database events {
    ///   engine   = mongodb
    ///   operator = atlas
    ///   shards   = 96
    ///   atlas {
    ///     project         = "aether"
    ///     provider        = aws
    ///     region          = "US_EAST_1"
    ///     instance        = M60
    ///     password_secret = "events-shard-setup-password"
    ///   }
    /// }
    /// ```
    ///
    /// ## Fix
    /// Ask MongoDB Support to raise the limit before applying, then allow
    /// the finding with that reason:
    /// ```scale
    /// # scalec: allow M213 support raised the limit to 100 shards (case 01234567)
    /// database events {
    ///   engine   = mongodb
    ///   operator = atlas
    ///   shards   = 96
    ///   # ...
    /// }
    /// ```
    /// Or use fewer, larger shards: `shards = 48` with `instance = M140`.
    ///
    /// ## See also
    /// M208 (single-shard); Atlas's documentation, "Atlas Service Limits".
    pub RULE {
        id: M213,
        name: "shards-beyond-atlas-limit",
        severity: Warning,
        summary: "an Atlas database has more shards than Atlas creates without Support",
        check: Some(check),
    }
}

fn check(rule: &Rule, project: &Project, out: &mut Vec<Diagnostic>) {
    for database in &project.databases {
        if database.atlas.is_none() || database.shards.value <= SUPPORTED_SHARDS {
            continue;
        }
        out.push(
            rule.finding(
                format!(
                    "database `{}` has {} shards, more than the {SUPPORTED_SHARDS} Atlas creates without MongoDB Support",
                    database.name.value, database.shards.value
                ),
                database.shards.span,
            )
            .with_label(format!("Atlas asks for a Support case beyond {SUPPORTED_SHARDS} shards"))
            .with_help(format!(
                "have MongoDB Support raise the project's limit first, or use at most {SUPPORTED_SHARDS} larger shards"
            )),
        );
    }
}
