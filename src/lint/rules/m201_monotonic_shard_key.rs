use crate::diag::{Diagnostic, Suggestion};
use crate::lint::Rule;
use crate::lint::shard_key::{
    Cardinality, Growth, article, cardinality, growth, key_text, namespace, type_word,
};
use crate::model::{Collection, Database, Project};

declare_rule! {
    /// ## What it does
    /// Flags a ranged (not hashed) shard key whose first field only grows: a
    /// field declared `monotonic = true`, or of type `objectid`, `date` or
    /// `timestamp`, or `_id` with nothing declared (MongoDB's `_id` is an
    /// ObjectId, whose leading bytes are a timestamp).
    ///
    /// A declared `monotonic = false` wins over the type: a `date` that holds
    /// a birthday does not grow. An `_id` declared with another type (`uuid`,
    /// `string`, ...) and no `monotonic` is taken as not growing, since only
    /// the ObjectId default grows by construction. A key that starts with
    /// `hashed(field)` is never flagged: hashing spreads growing values.
    ///
    /// ## Why it is unsafe
    /// MongoDB splits a ranged key into chunks of consecutive values. When
    /// every new value is larger than all the others, every insert lands in
    /// the last chunk (the one that ends at `MaxKey`), so one shard takes all
    /// the writes while the others idle, whatever the number of shards. The
    /// balancer keeps moving the filled chunks away behind it, which adds
    /// migration load on top of the hot shard. Adding shards does not raise the
    /// write capacity at all. This holds for a compound key too: a later field
    /// only orders documents that share the same leading value, and the leading
    /// value keeps growing.
    ///
    /// ## Example
    /// ```scale
    /// database events-db {
    ///   engine = mongodb
    ///   shards = 4
    ///
    ///   collection events {
    ///     shard_key = [created_at, device_id]
    ///     field created_at { type = date }
    ///   }
    /// }
    /// ```
    ///
    /// ## Fix
    /// Hash the growing field, or lead with a field whose values do not grow
    /// and have many distinct values:
    /// ```scale
    /// database events-db {
    ///   engine = mongodb
    ///   shards = 4
    ///
    ///   collection events {
    ///     shard_key = [device_id, created_at]
    ///     field created_at { type = date }
    ///     field device_id  { type = uuid; cardinality = 2M }
    ///   }
    /// }
    /// ```
    /// Inserts now spread over the chunks of all devices, so every shard takes
    /// its part of the writes, and range queries over one device's events stay
    /// on one shard. `hashed(created_at)` also spreads inserts, but turns every
    /// time-range query into a query on all shards.
    ///
    /// ## See also
    /// M202 (low-cardinality-shard-key), M203 (dominant-key-value),
    /// M204 (invalid-compound-key); MongoDB's "Choose a Shard Key" and
    /// `analyzeShardKey` (its monotonicity check).
    pub RULE {
        id: M201,
        name: "monotonic-shard-key",
        severity: Error,
        summary: "a ranged shard key starts with a field whose values only grow",
        check: Some(check),
    }
}

fn check(rule: &Rule, project: &Project, out: &mut Vec<Diagnostic>) {
    for database in &project.databases {
        for collection in &database.collections {
            let key = &collection.shard_key;
            let Some(first) = key.fields.first() else {
                continue;
            };
            if first.hashed {
                continue;
            }
            let Some(growth) = growth(collection, &first.name) else {
                continue;
            };
            let ns = namespace(database, collection);
            let field = &first.name;
            let shards = database.shards.value;
            let lands = if shards == 1 {
                "every insert lands in the last chunk".to_string()
            } else {
                format!("every insert lands on one of {shards} shards")
            };
            let label = match growth {
                Growth::Declared(_) => format!("declared to grow: {lands}"),
                Growth::Type(t, Some(_)) => {
                    format!("{} `{}` only grows: {lands}", article(t), type_word(t))
                }
                Growth::Type(_, None) => {
                    format!("an ObjectId by default, which only grows: {lands}")
                }
            };
            let mut finding = rule
                .finding(
                    format!("shard key of `{ns}` starts with `{field}`, which only grows"),
                    first.span,
                )
                .with_label(label);
            match growth {
                Growth::Declared(span) => {
                    finding = finding.with_related(span, "`monotonic = true` here")
                }
                Growth::Type(t, Some(span)) => {
                    finding = finding.with_related(span, format!("`type = {}` here", type_word(t)));
                }
                Growth::Type(_, None) => {}
            }
            let (help, fix) = help(database, collection);
            out.push(finding.with_help_opt(help).with_suggestion_opt(fix));
        }
    }
}

/// Hash the leading field (unless another field is hashed already), or lead
/// with a later field whose values do not grow and are many; the first of
/// these is also the suggestion.
fn help(database: &Database, collection: &Collection) -> (Option<String>, Option<Suggestion>) {
    let key = &collection.shard_key;
    let floor = u128::from(database.shards.value).saturating_mul(100);
    let fields: Vec<(&str, bool)> = key
        .fields
        .iter()
        .map(|f| (f.name.as_str(), f.hashed))
        .collect();
    let mut options = Vec::new();
    let mut fix = None;
    if !key.fields.iter().any(|f| f.hashed) {
        let mut hashed = fields.clone();
        if let Some(lead) = hashed.first_mut() {
            lead.1 = true;
        }
        let text = key_text(&hashed);
        options.push(format!("hash it: `shard_key = {text}`"));
        fix = Some(Suggestion::text(
            key.span,
            &text,
            format!("hash it: `shard_key = {text}`"),
        ));
    }
    let lead = key.fields.iter().skip(1).find(|f| {
        f.hashed
            || (growth(collection, &f.name).is_none()
                && !matches!(cardinality(collection, f).0, Cardinality::Known(n) if n < floor))
    });
    if let Some(lead) = lead {
        let mut reordered = vec![(lead.name.as_str(), lead.hashed)];
        reordered.extend(
            fields
                .iter()
                .copied()
                .filter(|(name, _)| *name != lead.name),
        );
        let text = key_text(&reordered);
        options.push(format!("lead with `{}`: `shard_key = {text}`", lead.name));
        fix = fix.or_else(|| {
            let title = format!("lead with `{}`: `shard_key = {text}`", lead.name);
            Some(Suggestion::text(key.span, &text, title))
        });
    }
    if options.is_empty() {
        return (None, None);
    }
    (Some(options.join(", or ")), fix)
}
