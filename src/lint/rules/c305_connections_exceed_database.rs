use crate::diag::Diagnostic;
use crate::lint::Rule;
use crate::lint::capacity::max_pods;
use crate::model::{Connection, Project, Service};

declare_rule! {
    /// ## What it does
    /// Adds up the connections the services open to one database when each
    /// runs at its maximum replica count (`connections DATABASE { pool = N }`
    /// × maximum pods) and flags the database when the total is more than it
    /// accepts:
    /// - a PostgreSQL database (`engine = postgresql`): `max_connections`
    ///   (PostgreSQL's default 100) less the connections reserved for
    ///   superusers (`reserved_connections`, default 3);
    /// - a MongoDB cluster: its routers × 65536, the incoming connection
    ///   limit of each `mongos` (`net.maxIncomingConnections`), which scalec
    ///   leaves at MongoDB's default;
    /// - a MongoDB Atlas cluster: a `mongos` on every node of every shard
    ///   (shards × members), each accepting the limit of the smallest
    ///   instance size it may run at (3000 at `M30`, 6000 at `M40`, …) less
    ///   the 10 Atlas reserves ("Atlas Service Limits").
    ///
    /// A pod's pool is its most: a pool that opens connections lazily may
    /// hold fewer, but a pool sized N will open N under the load that drives
    /// the service to its maximum. A job's pods are its Jobs × `parallelism`.
    ///
    /// ## Why it is unsafe
    /// Autoscaling multiplies connections. Each new pod opens its pool, and
    /// the database refuses the ones past its limit (`FATAL: sorry, too many
    /// clients already` from PostgreSQL): the new pods fail their requests or
    /// their readiness, and at the peak that caused the scale-out, the
    /// database is saturated by idle connections. "Database connection pools
    /// maxed out" is the first failure of a platform that grows overnight. It
    /// is a warning because services rarely reach their maximums together;
    /// decide whether yours do.
    ///
    /// ## Example
    /// ```scale
    /// database orders {
    ///   engine          = postgresql
    ///   max_connections = 200
    /// }
    ///
    /// service api {
    ///   image    = "registry.example.com/api:1.0.0"
    ///   replicas = 2 .. 20
    ///   scale cpu { utilization = 70% }
    ///   connections orders { pool = 20 }
    /// }
    /// ```
    /// 20 pods × 20 connections = 400, but the server accepts 197.
    ///
    /// ## Fix
    /// Lower the services' maximums, shrink their pools, or put a connection
    /// pooler (PgBouncer in transaction mode, or RDS Proxy) in front of
    /// PostgreSQL and count the pooler's connections instead:
    /// ```scale
    /// service api {
    ///   image    = "registry.example.com/api:1.0.0"
    ///   replicas = 2 .. 20
    ///   scale cpu { utilization = 70% }
    ///   connections orders { pool = 8 }
    /// }
    /// ```
    ///
    /// ## See also
    /// C302 (cluster-overcommit),
    /// <https://www.postgresql.org/docs/current/runtime-config-connection.html#GUC-MAX-CONNECTIONS>,
    /// <https://www.mongodb.com/docs/manual/reference/configuration-options/#mongodb-setting-net.maxIncomingConnections>.
    pub RULE {
        id: C305,
        name: "connections-exceed-database",
        severity: Warning,
        summary: "at their maximum replicas, the services' connection pools add up to more than a database accepts",
        every_service: true,
        check: Some(check),
    }
}

fn check(rule: &Rule, project: &Project, out: &mut Vec<Diagnostic>) {
    let mut names: Vec<&str> = (project.services.iter())
        .flat_map(|s| s.connections.iter().map(|c| c.database.value.as_str()))
        .collect();
    names.sort_unstable();
    names.dedup();
    for name in names {
        let Some(limit) = project.connection_limit(name) else {
            continue; // The database has errors of its own.
        };
        let users: Vec<(&Service, &Connection, u64)> = (project.services.iter())
            .flat_map(|service| {
                (service.connections.iter())
                    .filter(move |c| c.database.value == name)
                    .map(move |c| {
                        let opened = u64::from(c.pool.value) * u64::from(max_pods(service));
                        (service, c, opened)
                    })
            })
            .collect();
        let total: u64 = users.iter().map(|(_, _, n)| n).sum();
        if total <= limit.accepts {
            continue;
        }
        let (first, rest) = users.split_first().expect("a database with connections");
        let parts: Vec<String> = (users.iter())
            .map(|(service, c, _)| {
                format!(
                    "`{}` {} × {}",
                    service.name.value,
                    max_pods(service),
                    c.pool.value
                )
            })
            .collect();
        let mut d = rule
            .finding(
                format!(
                    "at their maximum replicas, the services open {total} connections to `{name}` \
                     ({}), more than the {} it accepts",
                    parts.join(" + "),
                    limit.accepts
                ),
                first.1.database.span,
            )
            .with_label(format!(
                "{} pods × {} connections",
                max_pods(first.0),
                first.1.pool.value
            ));
        for (service, c, _) in rest {
            d = d.with_related(
                c.database.span,
                format!(
                    "service `{}`: {} pods × {} connections",
                    service.name.value,
                    max_pods(service),
                    c.pool.value
                ),
            );
        }
        d = d.with_related(limit.span, format!("accepts {}: {}", limit.accepts, limit.why));
        let fitting = limit.accepts / u64::from(max_pods(first.0)).max(1);
        out.push(d.with_help(format!(
            "lower the maximums or shrink the pools (at its maximum, `{}` alone fits {} \
             connections per pod), or {}",
            first.0.name.value, fitting, limit.remedy
        )));
    }
}
