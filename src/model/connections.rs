//! Who connects to which database, and how many connections each database
//! accepts: what C305 compares.
//!
//! A service states its connection pool per database (`connections DB {
//! pool = N }`): each of its pods holds up to `pool` connections. A database
//! accepts a fixed number: a PostgreSQL server its `max_connections` less
//! the ones reserved for superusers; a sharded MongoDB cluster, whose clients
//! connect to its routers, each router's incoming connection limit; on
//! Atlas, a router on every node, with its instance size's limit.

use super::{Database, DatabaseEngine, Project, Spanned};
use crate::source::Span;

/// `connections DATABASE { pool = N }` in a service.
#[derive(Clone, Debug)]
pub struct Connection {
    /// The database, by the name of its `database` block.
    pub database: Spanned<String>,
    /// Connections each pod holds open at most.
    pub pool: Spanned<u32>,
    pub span: Span,
}

/// `database NAME { engine = postgresql }`: a PostgreSQL server the services
/// connect to. scalec emits nothing for it; C305 reads its limit.
#[derive(Clone, Debug)]
pub struct Postgres {
    pub name: Spanned<String>,
    /// `max_connections`: PostgreSQL's own default is 100. `None` span when
    /// not written.
    pub max_connections: u32,
    pub max_connections_span: Option<Span>,
    /// `reserved_connections`: `superuser_reserved_connections` plus
    /// `reserved_connections`, which ordinary roles cannot use; PostgreSQL's
    /// default is 3.
    pub reserved_connections: u32,
    pub reserved_connections_span: Option<Span>,
    pub span: Span,
}

impl Postgres {
    pub const DEFAULT_MAX_CONNECTIONS: u32 = 100;
    pub const DEFAULT_RESERVED_CONNECTIONS: u32 = 3;
}

/// How a MongoDB router (`mongos`) limits incoming connections by default
/// (`net.maxIncomingConnections`), which scalec leaves as it is.
pub const MONGOS_MAX_INCOMING: u64 = 65_536;

/// How many connections a database accepts from the services, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConnectionLimit {
    pub accepts: u64,
    /// How the number comes about, for the message: "`max_connections` 100
    /// less 3 reserved".
    pub why: String,
    /// Where the limit is written, or the database's name.
    pub span: Span,
    /// How to accept more, for the help.
    pub remedy: &'static str,
}

impl Postgres {
    pub fn limit(&self) -> ConnectionLimit {
        let accepts = self
            .max_connections
            .saturating_sub(self.reserved_connections);
        let max = match self.max_connections_span {
            Some(_) => format!("`max_connections` {}", self.max_connections),
            None => format!(
                "PostgreSQL's default `max_connections` of {}",
                self.max_connections
            ),
        };
        ConnectionLimit {
            accepts: accepts.into(),
            why: format!(
                "{max} less {} reserved for superusers",
                self.reserved_connections
            ),
            span: self.max_connections_span.unwrap_or(self.name.span),
            remedy: "put a pooler such as PgBouncer in front of the database and count its connections instead",
        }
    }
}

impl Database {
    /// What a sharded MongoDB cluster accepts: clients connect to its
    /// routers, each of which accepts [`MONGOS_MAX_INCOMING`].
    pub fn connection_limit(&self) -> ConnectionLimit {
        if let Some(atlas) = &self.atlas {
            // A mongos on every node of every shard, each with the limit of
            // the smallest size the cluster may run at, less Atlas's own.
            let size = atlas.min_instance.value;
            let nodes = u64::from(self.shards.value) * u64::from(self.members.value);
            let per_node = size.max_connections() - super::atlas::RESERVED_CONNECTIONS_PER_NODE;
            return ConnectionLimit {
                accepts: nodes * per_node,
                why: format!(
                    "{nodes} Atlas nodes (a mongos on each) of {} connections at `{}`, less {} each that Atlas reserves",
                    size.max_connections(),
                    size.name,
                    super::atlas::RESERVED_CONNECTIONS_PER_NODE
                ),
                span: atlas.min_instance.span,
                remedy: "raise the instance size, whose tier sets the connections each node accepts",
            };
        }
        let routers = self.routers.value;
        let accepts = u64::from(routers) * MONGOS_MAX_INCOMING;
        debug_assert_eq!(self.engine, DatabaseEngine::MongoDb);
        ConnectionLimit {
            accepts,
            why: format!(
                "{routers} mongos router{} of {MONGOS_MAX_INCOMING} incoming connections each (`net.maxIncomingConnections`)",
                if routers == 1 { "" } else { "s" }
            ),
            span: self.routers.span,
            remedy: "add routers, each of which accepts 65536 more",
        }
    }
}

impl Project {
    /// The PostgreSQL database `name`, if declared.
    pub fn postgres(&self, name: &str) -> Option<&Postgres> {
        self.postgres.iter().find(|p| p.name.value == name)
    }

    /// How many connections the database `name` accepts, if it is declared.
    pub fn connection_limit(&self, name: &str) -> Option<ConnectionLimit> {
        if let Some(postgres) = self.postgres(name) {
            return Some(postgres.limit());
        }
        self.database(name).map(Database::connection_limit)
    }
}
