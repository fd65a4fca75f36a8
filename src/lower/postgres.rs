//! Lowering of `database` blocks with `engine = postgresql`: a PostgreSQL
//! server the services connect to, checked for connections (C305) and
//! emitted as nothing. MongoDB's attributes and blocks do not apply (E008).

use super::schema;
use super::{Lowerer, blocks::label, describe_block, values};
use crate::ast::{Block, Item};
use crate::diag::{Diagnostic, codes};
use crate::model::{DatabaseEngine, Postgres};

/// What a PostgreSQL database takes of the `database` block's schema.
const POSTGRES_ATTRIBUTES: &[&str] = &["engine", "max_connections", "reserved_connections"];

/// Whether `block` declares `engine = postgresql`.
pub(super) fn is_postgres(block: &Block) -> bool {
    block.items.iter().any(|item| {
        matches!(item, Item::Attribute(a) if a.name.name == "engine"
            && values::keyword::<DatabaseEngine>(&a.value) == Ok(DatabaseEngine::PostgreSql))
    })
}

impl Lowerer<'_> {
    pub(super) fn postgres(&mut self, block: &Block) -> Option<Postgres> {
        let schema = schema::block("database").expect("database has a schema");
        let fields = self.fields(block, schema);
        let name = label(block);
        let valid_name = self.check_dns_name(&name.value, name.span, "database");
        let mut valid = true;
        let engine_span = fields.attributes.get("engine").map(|a| a.value.span);
        let mongodb_only = (fields.attributes.iter())
            .filter(|(attribute, _)| !POSTGRES_ATTRIBUTES.contains(attribute))
            .map(|(attribute, a)| (format!("`{attribute}`"), a.name.span))
            .chain(
                (fields.blocks.iter()).map(|b| (format!("`{}` block", b.kind.name), b.kind.span)),
            )
            .collect::<Vec<_>>();
        for (what, span) in mongodb_only {
            valid = false;
            let mut diagnostic = Diagnostic::error(
                codes::CONFLICTING_ATTRIBUTES,
                format!(
                    "{} is a PostgreSQL database, which takes no {what}",
                    describe_block(block)
                ),
                span,
            )
            .with_label("MongoDB only")
            .with_help(
                "scalec checks a PostgreSQL database's connections and emits nothing for it: \
                 remove this, or write `engine = mongodb` for a sharded MongoDB cluster",
            );
            if let Some(engine) = engine_span {
                diagnostic = diagnostic.with_related(engine, "the engine is set here");
            }
            self.report(diagnostic);
        }
        let count = |v: &crate::ast::Value| values::int32_count(v, &MAX_CONNECTIONS);
        let max = self.get(&fields, "max_connections", count);
        let reserved = self.get(&fields, "reserved_connections", count);
        let max_connections = max
            .as_ref()
            .map_or(Postgres::DEFAULT_MAX_CONNECTIONS, |m| m.value as u32);
        let reserved_connections = reserved
            .as_ref()
            .map_or(Postgres::DEFAULT_RESERVED_CONNECTIONS, |r| r.value as u32);
        if reserved_connections >= max_connections {
            valid = false;
            let span = reserved
                .as_ref()
                .or(max.as_ref())
                .map_or(name.span, |s| s.span);
            self.report(
                Diagnostic::error(
                    codes::CONFLICTING_ATTRIBUTES,
                    format!(
                        "{} reserves {reserved_connections} of its {max_connections} connections: none are left for the services",
                        describe_block(block)
                    ),
                    span,
                )
                .with_label("PostgreSQL refuses to start")
                .with_help(
                    "`max_connections` must be above the reserved connections: raise it, or \
                     lower `reserved_connections`",
                ),
            );
        }
        if !valid || !valid_name {
            return None;
        }
        Some(Postgres {
            name,
            max_connections,
            max_connections_span: max.map(|m| m.span),
            reserved_connections,
            reserved_connections_span: reserved.map(|r| r.span),
            span: block.span,
        })
    }
}

/// PostgreSQL's `max_connections` is at most 262143 (`MAX_BACKENDS`).
const MAX_CONNECTIONS: values::Limit = values::Limit {
    max: 262_143,
    what: "connections",
    why: "PostgreSQL allows at most 262143 (`MAX_BACKENDS`)",
};
