use crate::diag::Diagnostic;
use crate::lint::Rule;
use crate::model::{Collection, Project};

use crate::lint::shard_key::{growth, key_text, namespace};

declare_rule! {
    /// ## What it does
    /// Flags a shard key that MongoDB rejects:
    /// - more than one `hashed` field in one key (MongoDB allows one);
    /// - a field that appears twice in one key (also as `[a, hashed(a)]`).
    ///
    /// Each extra hashed field and each repeat is its own finding, on the
    /// offending item. (Compound keys with a hashed field need MongoDB 4.4;
    /// every `version` scalec accepts is newer.) The finding cannot be
    /// allowed or suppressed: the shard-setup Job would fail on it.
    ///
    /// ## Why it is unsafe
    /// `sh.shardCollection` fails on such a key, so the collection stays
    /// unsharded on its primary shard: every read and write of it goes to one
    /// replica set, and it keeps growing there until someone notices. A rollout
    /// script that stops at the first error also leaves the collections after
    /// it unsharded.
    ///
    /// ## Example
    /// ```scale
    /// database shop-orders {
    ///   engine = mongodb
    ///   shards = 4
    ///
    ///   collection carts {
    ///     shard_key = [hashed(customer_id), hashed(_id)]
    ///   }
    /// }
    /// ```
    ///
    /// ## Fix
    /// Hash one field only, and name each field once:
    /// ```scale
    /// database shop-orders {
    ///   engine = mongodb
    ///   shards = 4
    ///
    ///   collection carts {
    ///     shard_key = [customer_id, hashed(_id)]
    ///   }
    /// }
    /// ```
    /// `sh.shardCollection` accepts the key, and the collection is spread over
    /// all four shards.
    ///
    /// ## See also
    /// M201 (monotonic-shard-key), M202 (low-cardinality-shard-key); MongoDB's
    /// "Hashed Sharding" (compound hashed indexes, 4.4+).
    pub RULE {
        id: M204,
        name: "invalid-compound-key",
        severity: Error,
        summary: "a shard key that MongoDB rejects: two hashed fields, a repeated field",
        guard: "MongoDB rejects the shard key, so the shard-setup Job fails on that collection",
        check: Some(check),
    }
}

fn check(rule: &Rule, project: &Project, out: &mut Vec<Diagnostic>) {
    for database in &project.databases {
        for collection in &database.collections {
            let key = &collection.shard_key;
            let ns = namespace(database, collection);
            let fixed = fixed_key(collection);
            for (i, field) in key.fields.iter().enumerate() {
                let name = &field.name;
                if let Some(first) = key.fields[..i].iter().find(|f| f.name == field.name) {
                    out.push(
                        rule.finding(
                            format!("field `{name}` appears twice in the shard key of `{ns}`"),
                            field.span,
                        )
                        .with_label("repeated here")
                        .with_related(first.span, "first here")
                        .with_help(format!("name each field once: `shard_key = {fixed}`")),
                    );
                } else if let Some(first) = key.fields[..i]
                    .iter()
                    .enumerate()
                    .find(|(j, f)| f.hashed && !key.fields[..*j].iter().any(|g| g.name == f.name))
                    .map(|(_, f)| f)
                    .filter(|_| field.hashed)
                {
                    out.push(
                        rule.finding(
                            format!(
                                "shard key of `{ns}` hashes `{name}` as well as `{}`; MongoDB allows one hashed field",
                                first.name
                            ),
                            field.span,
                        )
                        .with_label("a second hashed field")
                        .with_related(first.span, "first hashed field")
                        .with_help(format!("hash one field only: `shard_key = {fixed}`")),
                    );
                }
            }
        }
    }
}

/// The key with each field once (its first occurrence) and one field hashed:
/// the first hashed field whose values grow (it needs the hash most), else
/// the first hashed field.
fn fixed_key(collection: &Collection) -> String {
    let key = &collection.shard_key;
    let mut fields: Vec<(&str, bool)> = Vec::new();
    for field in &key.fields {
        if !fields.iter().any(|(name, _)| *name == field.name) {
            fields.push((field.name.as_str(), field.hashed));
        }
    }
    let keep = fields
        .iter()
        .position(|(name, hashed)| *hashed && growth(collection, name).is_some())
        .or_else(|| fields.iter().position(|(_, hashed)| *hashed));
    for (i, field) in fields.iter_mut().enumerate() {
        field.1 = Some(i) == keep;
    }
    key_text(&fields)
}
