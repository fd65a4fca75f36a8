use crate::diag::{Diagnostic, Severity};
use crate::lint::Rule;
use crate::lint::util::plural;
use crate::model::Project;
use crate::source::Span;

use crate::lint::shard_key::{
    Cardinality, cardinality, key_text, namespace, with_splitting_suffix,
};

declare_rule! {
    /// ## What it does
    /// Flags a shard key with too few distinct values for the cluster: an
    /// error when it has fewer distinct values than there are shards, a
    /// warning when it has fewer than 100 per shard.
    ///
    /// The key's cardinality is judged from the declared `field` facts:
    /// - a field's cardinality is its declared `cardinality`; a `bool` has 2
    ///   values (or fewer, if so declared), so a key of a `bool` alone always
    ///   fires;
    /// - hashing does not add values: `hashed(status)` has as many distinct
    ///   values as `status`;
    /// - `_id` with no declared cardinality is unbounded (one value per
    ///   document);
    /// - a compound key has at most the product of its fields' cardinalities,
    ///   and that product is what is judged (a field repeated counts once);
    /// - a key with an unbounded field, or a field with nothing declared, is
    ///   not judged: no facts, no finding.
    ///
    /// ## Why it is unsafe
    /// MongoDB never splits a chunk between two documents with the same key
    /// value, so a key with N distinct values makes at most N chunks. With
    /// fewer values than shards, some shards stay empty forever. With a few
    /// values per shard, each chunk keeps growing with its value's documents
    /// until it is marked jumbo: the balancer can no longer move it, shards
    /// drift apart in size and load, and adding shards does not help.
    ///
    /// ## Example
    /// ```scale
    /// database shop-orders {
    ///   engine = mongodb
    ///   shards = 4
    ///
    ///   collection orders {
    ///     shard_key = status
    ///     field status { type = string; cardinality = 5 }
    ///   }
    /// }
    /// ```
    ///
    /// ## Fix
    /// Add a field with many distinct values after the low-cardinality one
    /// (or lead with such a field):
    /// ```scale
    /// database shop-orders {
    ///   engine = mongodb
    ///   shards = 4
    ///
    ///   collection orders {
    ///     shard_key = [status, hashed(_id)]
    ///     field status { type = string; cardinality = 5 }
    ///   }
    /// }
    /// ```
    /// Each status's documents can now split into as many chunks as needed, and
    /// the balancer spreads them over all four shards.
    ///
    /// ## See also
    /// M203 (dominant-key-value), M201 (monotonic-shard-key); MongoDB's
    /// "Choose a Shard Key" (cardinality) and "Clear jumbo Flag".
    pub RULE {
        id: M202,
        name: "low-cardinality-shard-key",
        severity: Error,
        summary: "a shard key has too few distinct values for the shards",
        check: Some(check),
    }
}

fn check(rule: &Rule, project: &Project, out: &mut Vec<Diagnostic>) {
    for database in &project.databases {
        let shards = u128::from(database.shards.value);
        let floor = shards.saturating_mul(100);
        for collection in &database.collections {
            let key = &collection.shard_key;
            let mut total: u128 = 1;
            let mut judged = true;
            let mut parts: Vec<(&str, u128, Option<Span>)> = Vec::new();
            for (i, field) in key.fields.iter().enumerate() {
                if key.fields[..i].iter().any(|f| f.name == field.name) {
                    continue;
                }
                match cardinality(collection, field) {
                    (Cardinality::Known(n), span) => {
                        total = total.saturating_mul(n);
                        parts.push((field.name.as_str(), n, span));
                    }
                    (Cardinality::Unbounded | Cardinality::Unknown, _) => judged = false,
                }
            }
            if !judged || total >= floor {
                continue;
            }
            let ns = namespace(database, collection);
            let fields: Vec<(&str, bool)> = key
                .fields
                .iter()
                .map(|f| (f.name.as_str(), f.hashed))
                .collect();
            let text = key_text(&fields);
            let amount = if parts.len() == 1 {
                format!("about {}", plural(total, "distinct value"))
            } else {
                let factors: Vec<String> = parts.iter().map(|(_, n, _)| n.to_string()).collect();
                format!(
                    "at most {} ({})",
                    plural(total, "distinct value"),
                    factors.join(" × ")
                )
            };
            let message = format!(
                "shard key `{text}` of `{ns}` has {amount} for {}",
                plural(shards, "shard")
            );
            let (label, severity) = if total < shards {
                (
                    format!(
                        "{} can fill at most {total} of {shards} shards",
                        plural(total, "value")
                    ),
                    Severity::Error,
                )
            } else {
                (
                    format!(
                        "{} make at most {total} chunks, and each keeps growing",
                        plural(total, "value")
                    ),
                    Severity::Warning,
                )
            };
            let mut finding = rule.finding(message, key.span).with_label(label);
            finding.severity = severity;
            for (name, n, span) in &parts {
                if let Some(span) = span {
                    finding = finding
                        .with_related(*span, format!("`{name}`: {}", plural(*n, "distinct value")));
                }
            }
            finding = finding.with_related(
                database.shards.span,
                format!(
                    "at least {floor} distinct values wanted for {}",
                    plural(shards, "shard")
                ),
            );
            let help = match with_splitting_suffix(collection) {
                Some(fixed) => {
                    format!("add a field with many distinct values after it: `shard_key = {fixed}`")
                }
                None => format!(
                    "add a field to the key so that it has at least {floor} distinct values"
                ),
            };
            out.push(finding.with_help(help));
        }
    }
}
