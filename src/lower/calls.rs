//! Resolves every service's `calls` once the whole project is lowered: each
//! target is a service or database of the project (E004, with a
//! did-you-mean), and each port called is one the service declares (E004);
//! and every `connections` block's database (E004).
//! A NetworkPolicy for a port that does not exist would admit nothing, so
//! these are errors, never warnings.

use crate::diag::{Diagnostic, Suggestion, codes};
use crate::model::{Call, Project, Service};

/// The names declared by `service` and `database` blocks, including those
/// that did not lower (their own errors are reported; calling them is not
/// an unknown reference).
pub(super) struct Declared<'a> {
    pub services: Vec<&'a str>,
    pub databases: Vec<&'a str>,
    /// Whether `defaults` parsed: when it does not, a service's inherited
    /// ports are unknown, and its ports are not checked.
    pub defaults_known: bool,
}

/// Reports calls to unknown targets and to ports a service does not have,
/// and connections to databases the project does not declare.
pub(super) fn check(project: &Project, declared: &Declared<'_>, sink: &mut Vec<Diagnostic>) {
    for service in &project.services {
        for connection in &service.connections {
            let name = connection.database.value.as_str();
            if declared.databases.contains(&name) {
                continue;
            }
            let span = connection.database.span;
            let close = crate::names::did_you_mean(name, declared.databases.iter().copied());
            let help = match close {
                Some(close) => format!("did you mean `{close}`?"),
                None => format!(
                    "declare it: `database {name} {{ engine = postgresql; max_connections = 200 }}`"
                ),
            };
            sink.push(
                Diagnostic::error(
                    codes::UNKNOWN_REFERENCE,
                    format!("no database named `{name}` in this project"),
                    span,
                )
                .with_label("unknown database")
                .with_related(
                    service.name.span,
                    format!("connected to by service `{}`", service.name.value),
                )
                .with_help(help)
                .with_suggestion_opt(close.map(|close| Suggestion::name(span, close))),
            );
        }
    }
    for service in &project.services {
        for call in &service.calls {
            if let Some(diagnostic) = resolve(project, declared, service, call) {
                sink.push(diagnostic);
            }
        }
    }
}

fn resolve(
    project: &Project,
    declared: &Declared<'_>,
    caller: &Service,
    call: &Call,
) -> Option<Diagnostic> {
    let name = call.target.value.as_str();
    if let Some(target) = project.services.iter().find(|s| s.name.value == name) {
        return declared
            .defaults_known
            .then(|| ports(caller, target, call))
            .flatten();
    }
    if project.database(name).is_some() {
        let port = call.ports.first()?;
        return Some(
            Diagnostic::error(
                codes::UNKNOWN_REFERENCE,
                format!("database `{name}` has no named ports"),
                port.span,
            )
            .with_label("a port of a database")
            .with_related(call.target.span, "a database")
            .with_help(format!(
                "call `{name}`: its router's port (27017) is the one a client uses"
            )),
        );
    }
    if declared.services.contains(&name) || declared.databases.contains(&name) {
        // Declared, with errors of its own.
        return None;
    }
    let candidates = (declared.services.iter())
        .chain(declared.databases.iter())
        .copied()
        .filter(|candidate| *candidate != caller.name.value);
    let close = crate::names::did_you_mean(name, candidates);
    let help = match close {
        Some(close) => format!("did you mean `{close}`?"),
        None => format!("declare it: `service {name} {{ ... }}` or `database {name} {{ ... }}`"),
    };
    Some(
        Diagnostic::error(
            codes::UNKNOWN_REFERENCE,
            format!("no service or database named `{name}` in this project"),
            call.target.span,
        )
        .with_label("unknown service")
        .with_related(
            caller.name.span,
            format!("called by service `{}`", caller.name.value),
        )
        .with_help(help)
        .with_suggestion_opt(close.map(|close| Suggestion::name(call.target.span, close))),
    )
}

/// The first port `call` names that `target` does not have, or a call of
/// every port of a service that has none.
fn ports(caller: &Service, target: &Service, call: &Call) -> Option<Diagnostic> {
    let name = &target.name.value;
    let available = target.ports();
    if call.ports.is_empty() {
        if !available.is_empty() {
            return None;
        }
        return Some(
            Diagnostic::error(
                codes::UNKNOWN_REFERENCE,
                format!("service `{name}` has no port to call"),
                call.target.span,
            )
            .with_label(format!("called by service `{}`", caller.name.value))
            .with_related(target.name.span, "declares no `port`")
            .with_help(format!(
                "give `{name}` a port: `port = 8080`, or `port grpc {{ number = 9090 }}`"
            )),
        );
    }
    let port = call
        .ports
        .iter()
        .find(|port| !available.iter().any(|a| a.name == port.value))?;
    let names = available.iter().map(|a| a.name);
    let close = crate::names::did_you_mean(&port.value, names);
    let list = available
        .iter()
        .map(|a| format!("`{}`", a.name))
        .collect::<Vec<_>>()
        .join(", ");
    let help = match (close, available.is_empty()) {
        (Some(close), _) => format!("did you mean `{close}`?"),
        (None, true) => format!(
            "`{name}` declares no port: add `port {} {{ number = ... }}`",
            port.value
        ),
        (None, false) => format!("`{name}` has the ports {list}"),
    };
    Some(
        Diagnostic::error(
            codes::UNKNOWN_REFERENCE,
            format!("service `{name}` has no port `{}`", port.value),
            port.span,
        )
        .with_label("unknown port")
        .with_related(target.name.span, format!("service `{name}`"))
        .with_help(help)
        .with_suggestion_opt(close.map(|close| Suggestion::name(port.span, close))),
    )
}
