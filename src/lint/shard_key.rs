//! Shard-key facts shared by the M rules: whether a field's values only grow,
//! how many distinct values a key has, and how keys and shares are written.

use crate::model::{Collection, Database, FieldFacts, FieldType, ShardKeyField};
use crate::source::Span;

/// Why a field's values only grow.
#[derive(Clone, Copy, Debug)]
pub enum Growth {
    /// `monotonic = true`, written here.
    Declared(Span),
    /// A growing type, declared here, or `None` for `_id`'s ObjectId default.
    Type(FieldType, Option<Span>),
}

/// Whether a field's values only grow, and why. An explicit `monotonic`
/// wins; else the declared type decides; else `_id` is an ObjectId.
pub fn growth(collection: &Collection, field: &str) -> Option<Growth> {
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
pub enum Cardinality {
    /// Declared (or 2 for a `bool`).
    Known(u128),
    /// One value per document: `_id` with no declared cardinality.
    Unbounded,
    /// Nothing declared.
    Unknown,
}

/// A key field's cardinality and the span that declares it. Hashing does not
/// change it: `hashed(status)` has as many distinct values as `status`.
pub fn cardinality(collection: &Collection, field: &ShardKeyField) -> (Cardinality, Option<Span>) {
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
pub fn namespace(database: &Database, collection: &Collection) -> String {
    format!("{}.{}", database.database_name, collection.name.value)
}

/// A key as written in a policy: `device_id`, `hashed(_id)`,
/// `[customer_id, hashed(_id)]`; dotted paths are quoted.
pub fn key_text(fields: &[(&str, bool)]) -> String {
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
pub fn field_text(name: &str) -> String {
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
pub fn with_splitting_suffix(collection: &Collection) -> Option<String> {
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
pub fn percent(numerator: u128, denominator: u128) -> String {
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

pub fn article(field_type: FieldType) -> &'static str {
    match field_type {
        FieldType::Int | FieldType::ObjectId | FieldType::Uuid => "an",
        _ => "a",
    }
}

/// The type as the policy language writes it.
pub fn type_word(field_type: FieldType) -> &'static str {
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
