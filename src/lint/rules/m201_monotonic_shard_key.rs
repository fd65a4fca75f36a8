use crate::diag::Diagnostic;
use crate::lint::Rule;
use crate::model::{Collection, Database, FieldFacts, FieldType, Project, ShardKeyField};
use crate::source::Span;

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
        code: "M201",
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
            out.push(finding.with_help_opt(help(database, collection)));
        }
    }
}

/// Hash the leading field (unless another field is hashed already), or lead
/// with a later field whose values do not grow and are many.
fn help(database: &Database, collection: &Collection) -> Option<String> {
    let key = &collection.shard_key;
    let floor = u128::from(database.shards.value).saturating_mul(100);
    let fields: Vec<(&str, bool)> = key
        .fields
        .iter()
        .map(|f| (f.name.as_str(), f.hashed))
        .collect();
    let mut options = Vec::new();
    if !key.fields.iter().any(|f| f.hashed) {
        let mut hashed = fields.clone();
        if let Some(lead) = hashed.first_mut() {
            lead.1 = true;
        }
        options.push(format!("hash it: `shard_key = {}`", key_text(&hashed)));
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
        options.push(format!(
            "lead with `{}`: `shard_key = {}`",
            lead.name,
            key_text(&reordered)
        ));
    }
    if options.is_empty() {
        return None;
    }
    Some(options.join(", or "))
}

// Shared by M201–M203 (shard-key facts) and M204 (key rendering).

/// Why a field's values only grow.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Growth {
    /// `monotonic = true`, written here.
    Declared(Span),
    /// A growing type, declared here, or `None` for `_id`'s ObjectId default.
    Type(FieldType, Option<Span>),
}

/// Whether a field's values only grow, and why. An explicit `monotonic`
/// wins; else the declared type decides; else `_id` is an ObjectId.
pub(crate) fn growth(collection: &Collection, field: &str) -> Option<Growth> {
    let facts = collection.fields.get(field);
    if let Some(monotonic) = facts.and_then(|f| f.monotonic.as_ref()) {
        return monotonic.value.then_some(Growth::Declared(monotonic.span));
    }
    let (field_type, span) = match facts.and_then(|f| f.field_type.as_ref()) {
        Some(t) => (t.value, Some(t.span)),
        None if field == "_id" => (FieldType::ObjectId, None),
        None => return None,
    };
    matches!(
        field_type,
        FieldType::ObjectId | FieldType::Date | FieldType::Timestamp
    )
    .then_some(Growth::Type(field_type, span))
}

/// How many distinct values a field (or a whole key) has, as far as known.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Cardinality {
    /// Declared (or 2 for a `bool`).
    Known(u128),
    /// One value per document: `_id` with no declared cardinality.
    Unbounded,
    /// Nothing declared.
    Unknown,
}

/// A key field's cardinality and the span that declares it. Hashing does not
/// change it: `hashed(status)` has as many distinct values as `status`.
pub(crate) fn cardinality(
    collection: &Collection,
    field: &ShardKeyField,
) -> (Cardinality, Option<Span>) {
    let facts: Option<&FieldFacts> = collection.fields.get(&field.name);
    let bool_type = facts
        .and_then(|f| f.field_type.as_ref())
        .filter(|t| t.value == FieldType::Bool);
    match (facts.and_then(|f| f.cardinality.as_ref()), bool_type) {
        (Some(c), Some(_)) => (Cardinality::Known(u128::from(c.value).min(2)), Some(c.span)),
        (Some(c), None) => (Cardinality::Known(u128::from(c.value)), Some(c.span)),
        (None, Some(t)) => (Cardinality::Known(2), Some(t.span)),
        (None, None) if field.name == "_id" => (Cardinality::Unbounded, None),
        (None, None) => (Cardinality::Unknown, None),
    }
}

/// The MongoDB namespace of a collection: `aether.predictions`.
pub(crate) fn namespace(database: &Database, collection: &Collection) -> String {
    format!("{}.{}", database.database_name, collection.name.value)
}

/// A key as written in a policy: `device_id`, `hashed(_id)`,
/// `[customer_id, hashed(_id)]`; dotted paths are quoted.
pub(crate) fn key_text(fields: &[(&str, bool)]) -> String {
    let items: Vec<String> = fields
        .iter()
        .map(|(name, hashed)| {
            let name = field_text(name);
            if *hashed {
                format!("hashed({name})")
            } else {
                name
            }
        })
        .collect();
    match items.as_slice() {
        [one] => one.clone(),
        _ => format!("[{}]", items.join(", ")),
    }
}

/// A field name as the policy language writes it: bare if it is an
/// identifier, else a string.
fn field_text(name: &str) -> String {
    let mut chars = name.chars();
    let ident = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        && !matches!(name, "per" | "true" | "false");
    if ident {
        name.to_string()
    } else {
        format!("\"{}\"", name.replace('\\', "\\\\").replace('"', "\\\""))
    }
}

/// The key with a field appended that splits any one leading value:
/// `hashed(_id)`. A hashed field that does not grow is unhashed first (hashing
/// it spreads nothing that a ranged key would not, and a key holds one hashed
/// field); a hashed field that grows stays hashed, and `_id` is then appended
/// ranged. Each field is kept once. `None` if `_id` is in the key already.
pub(crate) fn with_splitting_suffix(collection: &Collection) -> Option<String> {
    let key = &collection.shard_key;
    if key.fields.iter().any(|f| f.name == "_id") {
        return None;
    }
    let mut fields: Vec<(&str, bool)> = Vec::new();
    for field in &key.fields {
        if fields.iter().any(|(name, _)| *name == field.name) {
            continue;
        }
        let keep_hashed = field.hashed
            && growth(collection, &field.name).is_some()
            && !fields.iter().any(|(_, hashed)| *hashed);
        fields.push((field.name.as_str(), keep_hashed));
    }
    let hashed = fields.iter().any(|(_, hashed)| *hashed);
    fields.push(("_id", !hashed));
    Some(key_text(&fields))
}

/// `numerator / denominator` as a percentage rounded to hundredths: `25%`,
/// `33.33%`, `0.01%`.
pub(crate) fn percent(numerator: u128, denominator: u128) -> String {
    let denominator = denominator.max(1);
    let hundredths = numerator.saturating_mul(20_000).saturating_add(denominator)
        / denominator.saturating_mul(2);
    let (whole, frac) = (hundredths / 100, hundredths % 100);
    match frac {
        0 => format!("{whole}%"),
        f if f % 10 == 0 => format!("{whole}.{}%", f / 10),
        f => format!("{whole}.{f:02}%"),
    }
}

fn article(field_type: FieldType) -> &'static str {
    match field_type {
        FieldType::Int | FieldType::ObjectId | FieldType::Uuid => "an",
        _ => "a",
    }
}

/// The type as the policy language writes it.
pub(crate) fn type_word(field_type: FieldType) -> &'static str {
    match field_type {
        FieldType::String => "string",
        FieldType::Int => "int",
        FieldType::Long => "long",
        FieldType::Double => "double",
        FieldType::Decimal => "decimal",
        FieldType::Bool => "bool",
        FieldType::Date => "date",
        FieldType::Timestamp => "timestamp",
        FieldType::ObjectId => "objectid",
        FieldType::Uuid => "uuid",
    }
}
