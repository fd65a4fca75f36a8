use crate::diag::{Diagnostic, Severity};
use crate::lint::Rule;
use crate::lint::util::plural;
use crate::model::Project;

use crate::lint::shard_key::{Cardinality, cardinality, namespace, percent, with_splitting_suffix};

declare_rule! {
    /// ## What it does
    /// Flags a shard key whose leading field has one value that holds too many
    /// of the collection's documents (its declared `top_share`), compared with
    /// a shard's fair share of `1 / shards`:
    /// - an error when the top value holds more than a fair share (more than
    ///   25 % with 4 shards);
    /// - a warning when it holds more than half a fair share (more than
    ///   12.5 % with 4 shards).
    ///
    /// The rule stays silent when a later field of the key splits that value's
    /// documents: a hashed field with no declared cardinality, `_id` with no
    /// declared cardinality, or later fields whose declared cardinalities
    /// multiply to at least 100 per shard (the bar M202 sets for a whole key).
    /// A later field with nothing declared is not assumed to split anything.
    /// Hashing the leading field does not help: every document with the same
    /// value has the same hash.
    ///
    /// ## Why it is unsafe
    /// MongoDB cannot split a chunk between documents with the same key value.
    /// When one value (a big tenant, a `status` everyone has, a null) holds more
    /// than a shard's fair share, its chunk alone outweighs a shard: it grows
    /// jumbo, the balancer cannot move it, and the shard that holds it carries
    /// more data and more traffic than the others, for as long as that value
    /// exists. Near half a fair share, two such values already unbalance a
    /// shard, and growth tips it over.
    ///
    /// ## Example
    /// ```scale
    /// database shop-orders {
    ///   engine = mongodb
    ///   shards = 4
    ///
    ///   collection carts {
    ///     shard_key = customer_id
    ///     field customer_id { type = string; cardinality = 5M; top_share = 30% }
    ///   }
    /// }
    /// ```
    ///
    /// ## Fix
    /// Add a field that splits one value's documents, such as a hashed `_id`:
    /// ```scale
    /// database shop-orders {
    ///   engine = mongodb
    ///   shards = 4
    ///
    ///   collection carts {
    ///     shard_key = [customer_id, hashed(_id)]
    ///     field customer_id { type = string; cardinality = 5M; top_share = 30% }
    ///   }
    /// }
    /// ```
    /// Queries by customer still go to the shards holding that customer, but the
    /// big customer's documents now split into many chunks that the balancer
    /// spreads over all four shards.
    ///
    /// ## See also
    /// M202 (low-cardinality-shard-key), M201 (monotonic-shard-key); MongoDB's
    /// "Choose a Shard Key" (frequency) and `analyzeShardKey`.
    pub RULE {
        id: M203,
        name: "dominant-key-value",
        severity: Error,
        summary: "one value of the leading shard-key field holds too many documents",
        check: Some(check),
    }
}

fn check(rule: &Rule, project: &Project, out: &mut Vec<Diagnostic>) {
    for database in &project.databases {
        let shards = u128::from(database.shards.value);
        let floor = shards.saturating_mul(100);
        for collection in &database.collections {
            let key = &collection.shard_key;
            let Some(first) = key.fields.first() else {
                continue;
            };
            let Some(top) = collection
                .fields
                .get(&first.name)
                .and_then(|f| f.top_share_ppm.as_ref())
            else {
                continue;
            };
            let top_ppm = u128::from(top.value);
            // top / 1e6 > 1 / shards, and top / 1e6 > 1 / (2 × shards), exactly.
            let severity = if top_ppm.saturating_mul(shards) > 1_000_000 {
                Severity::Error
            } else if top_ppm.saturating_mul(shards).saturating_mul(2) > 1_000_000 {
                Severity::Warning
            } else {
                continue;
            };
            // How many ways the later fields split one leading value.
            let mut split: u128 = 1;
            let mut unbounded = false;
            for later in key.fields.iter().skip(1).filter(|f| f.name != first.name) {
                match cardinality(collection, later).0 {
                    Cardinality::Known(n) => split = split.saturating_mul(n),
                    Cardinality::Unbounded => unbounded = true,
                    Cardinality::Unknown if later.hashed => unbounded = true,
                    Cardinality::Unknown => {}
                }
            }
            if unbounded || split >= floor {
                continue;
            }
            let ns = namespace(database, collection);
            let name = &first.name;
            let top_text = percent(top_ppm, 1_000_000);
            let fair = percent(1, shards);
            let message = match severity {
                Severity::Error => format!(
                    "one `{name}` value holds {top_text} of `{ns}`, more than a shard's fair share of {fair}"
                ),
                _ => format!(
                    "one `{name}` value holds {top_text} of `{ns}`, more than half a shard's fair share of {fair}"
                ),
            };
            let key_label = if key.fields.len() == 1 {
                "the whole shard key: one value's documents cannot split".to_string()
            } else if split == 1 {
                "leads the shard key, and no later field splits one value's documents".to_string()
            } else {
                format!("later fields split one value at most {split} ways; {floor} wanted")
            };
            let mut finding = rule
                .finding(message, top.span)
                .with_label(match severity {
                    Severity::Error => format!("{top_text} of the documents share one value"),
                    _ => format!(
                        "{top_text} of the documents share one value; half a fair share is {}",
                        percent(1, shards.saturating_mul(2))
                    ),
                })
                .with_related(first.span, key_label)
                .with_related(
                    database.shards.span,
                    format!("{}: a fair share is {fair} each", plural(shards, "shard")),
                );
            finding.severity = severity;
            let help = match with_splitting_suffix(collection) {
                Some(fixed) => {
                    format!("add a field that splits one value's documents: `shard_key = {fixed}`")
                }
                None => format!("add a field with at least {floor} distinct values after `{name}`"),
            };
            out.push(finding.with_help(help));
        }
    }
}
