//! Rename a metric, queue, service, database or trigger_auth across the
//! files of its project: its declaration and every reference (`scale` labels
//! for metrics and queues, `calls` for services and databases, a queue's
//! `auth` for a trigger_auth).
//!
//! The new name is refused, with the reason, when the checker would refuse
//! it where it lands: a service or database name must be a DNS-1123 label
//! (it names the Deployment or the database cluster; a database's also fits
//! its shard-setup Job's name), a metric whose block name is its metric name
//! must be one segment of a URL path, neither a metric nor a queue may be
//! called `cpu` or `memory`, a trigger_auth `operator`, a name written in
//! `calls` must stay a bare word, and no two of the names that share a
//! namespace may be equal (metrics with queues; services, databases and
//! trigger_auths, which build into files of their names).

use crate::diag::Suggestion;
use crate::source::{FileId, Span};

use super::{Analysis, Edit, NameKind, declarations, name_at, references_to};
use crate::lower::MAX_DATABASE_NAME;

/// Why a rename was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refused {
    pub reason: String,
}

impl Refused {
    fn new(reason: impl Into<String>) -> Refused {
        Refused {
            reason: reason.into(),
        }
    }
}

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.reason)
    }
}

/// The name under the cursor that can be renamed, and its span: for an
/// editor to check before asking for the new name.
pub fn prepare(analysis: &Analysis<'_>, file: FileId, offset: usize) -> Option<(Span, String)> {
    let name = name_at(analysis, file, offset)?;
    let declared = declarations(analysis, file, &name.kinds, &name.name);
    (!declared.is_empty()).then_some((name.span, name.name))
}

/// The edits that rename what the cursor at `offset` in `file` is on to
/// `new_name`, in every file of its project: each declaration and each
/// reference. A label written as a string stays one; a bare label becomes a
/// string only when the new name is not an identifier.
pub fn rename(
    analysis: &Analysis<'_>,
    file: FileId,
    offset: usize,
    new_name: &str,
) -> Result<Vec<Edit>, Refused> {
    let Some(at) = name_at(analysis, file, offset) else {
        return Err(Refused::new(
            "only metrics, queues, services, databases and trigger_auths can be renamed: put the cursor on one's name",
        ));
    };
    let declared = declarations(analysis, file, &at.kinds, &at.name);
    let Some(&first) = declared.first() else {
        return Err(Refused::new(format!(
            "no {} named `{}` is declared in this project",
            kinds_text(&at.kinds),
            at.name
        )));
    };
    // What the name is, from its declaration (a reference may be either).
    let kind = kind_at(analysis, first).expect("a declaration's block has a kind");
    if new_name == at.name {
        return Ok(Vec::new());
    }
    check(analysis, file, kind, first, &at.name, new_name)?;
    let mut spans = declared;
    spans.extend(references_to(analysis, file, &[kind], &at.name));
    spans.sort();
    spans.dedup();
    Ok(spans
        .into_iter()
        .map(|span| Edit {
            span,
            new_text: Suggestion::name(span, new_name).new_text(analysis.text(span.file)),
        })
        .collect())
}

/// "metric or queue", "service or database".
fn kinds_text(kinds: &[NameKind]) -> String {
    let names: Vec<&str> = kinds.iter().map(|k| k.block_kind()).collect();
    names.join(" or ")
}

/// The kind of the top-level block whose label is at `label`.
fn kind_at(analysis: &Analysis<'_>, label: Span) -> Option<NameKind> {
    let ast = analysis.ast(label.file)?;
    ast.items.iter().find_map(|item| match item {
        crate::ast::Item::Block(block) if block.label.as_ref()?.span == label => {
            NameKind::of_block(&block.kind.name)
        }
        _ => None,
    })
}

/// Whether `new_name` may name the `kind` declared at `declaration`.
fn check(
    analysis: &Analysis<'_>,
    file: FileId,
    kind: NameKind,
    declaration: Span,
    old_name: &str,
    new_name: &str,
) -> Result<(), Refused> {
    let what = kind.block_kind();
    if new_name.is_empty() {
        return Err(Refused::new(format!("a {what} needs a name")));
    }
    if new_name.chars().any(crate::names::needs_escape) {
        return Err(Refused::new(
            "a name cannot hold control characters or line breaks",
        ));
    }
    let invalid = match kind {
        NameKind::Service => crate::names::kubernetes::dns_label(new_name).err(),
        NameKind::Metric | NameKind::Queue | NameKind::Schedule
            if matches!(new_name, "cpu" | "memory") =>
        {
            return Err(Refused::new(format!(
                "`scale {new_name}` always means the container resource: a {what} cannot be named `{new_name}`"
            )));
        }
        // The block name is the metric's name unless `name` says otherwise.
        NameKind::Metric if !has_name_attribute(analysis, declaration) => {
            crate::names::kubernetes::metric_name(new_name).err()
        }
        NameKind::Metric | NameKind::Queue | NameKind::Schedule => None,
        NameKind::Database => crate::names::kubernetes::dns_label(new_name).err(),
        NameKind::TriggerAuth if new_name == crate::model::QueueAuth::OPERATOR => {
            return Err(Refused::new(format!(
                "`auth = {new_name}` always means KEDA's own identity: a trigger_auth cannot be named `{new_name}`"
            )));
        }
        NameKind::TriggerAuth => crate::names::kubernetes::dns_label(new_name).err(),
    };
    if let Some(invalid) = invalid {
        return Err(Refused::new(format!(
            "{} cannot name a {what}: {}; {}",
            crate::names::quoted(new_name),
            invalid.problem,
            invalid.help()
        )));
    }
    if kind == NameKind::Database && new_name.len() > MAX_DATABASE_NAME {
        return Err(Refused::new(format!(
            "a database name has at most {MAX_DATABASE_NAME} characters: its shard-setup Job is named after it"
        )));
    }
    // Services, databases and trigger_auths build into files of their
    // names; services and databases are both named in `calls`.
    let rivals: &[NameKind] = match kind {
        NameKind::Metric | NameKind::Queue | NameKind::Schedule => {
            &[NameKind::Metric, NameKind::Queue, NameKind::Schedule]
        }
        NameKind::Service | NameKind::Database | NameKind::TriggerAuth => {
            &[NameKind::Service, NameKind::Database, NameKind::TriggerAuth]
        }
    };
    if let Some(taken) = declarations(analysis, file, rivals, new_name).first() {
        let other = kind_at(analysis, *taken).map_or(what, NameKind::block_kind);
        return Err(Refused::new(format!(
            "this project already has a {other} named `{new_name}`"
        )));
    }
    // `calls` names services and databases as bare words.
    if matches!(kind, NameKind::Service | NameKind::Database)
        && !crate::diag::is_identifier(new_name)
        && !references_to(analysis, file, &[kind], old_name).is_empty()
    {
        return Err(Refused::new(format!(
            "`calls` names a {what} as a bare word, and `{new_name}` cannot be one"
        )));
    }
    Ok(())
}

/// Whether the block whose label is at `label` sets `name`.
fn has_name_attribute(analysis: &Analysis<'_>, label: Span) -> bool {
    let Some(ast) = analysis.ast(label.file) else {
        return false;
    };
    ast.items.iter().any(|item| match item {
        crate::ast::Item::Block(block) => {
            block.label.as_ref().is_some_and(|l| l.span == label)
                && block
                    .items
                    .iter()
                    .any(|i| matches!(i, crate::ast::Item::Attribute(a) if a.name.name == "name"))
        }
        crate::ast::Item::Attribute(_) => false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ide::testing::workspace;

    const SIGNALS: &str = "metric rps {\n  kind = pods\n}\n\nqueue jobs {\n  provider = aws-sqs\n  url = \"https://sqs.us-east-1.amazonaws.com/1/jobs\"\n}\n\nmetric \"named\" {\n  kind = pods\n  name = \"http_rps\"\n}\n";
    const SERVICES: &str = "defaults {\n  scale rps { average = 10 }\n}\n\nservice api {\n  image = \"a:1\"\n  replicas = 2 .. 8\n  scale jobs { average = 5 }\n  scale rps { average = 20 }\n  scale \"named\" { average = 1 }\n}\n\ndatabase store {\n  engine = mongodb\n  shards = 1\n}\n";

    fn apply(text: &str, file: FileId, edits: &[Edit]) -> String {
        let mut out = text.to_string();
        let mut mine: Vec<&Edit> = edits.iter().filter(|e| e.span.file == file).collect();
        mine.sort_by_key(|e| std::cmp::Reverse(e.span.start));
        for edit in mine {
            out.replace_range(edit.span.start..edit.span.end, &edit.new_text);
        }
        out
    }

    fn renamed(file: FileId, needle: &str, new_name: &str) -> Result<(String, String), Refused> {
        let ws = workspace(&[("p/signals.scale", SIGNALS), ("p/services.scale", SERVICES)]);
        let analysis = Analysis::new(&ws.sources, &ws.projects);
        let text = if file == FileId(0) { SIGNALS } else { SERVICES };
        let edits = rename(
            &analysis,
            file,
            text.find(needle).expect("needle"),
            new_name,
        )?;
        Ok((
            apply(SIGNALS, FileId(0), &edits),
            apply(SERVICES, FileId(1), &edits),
        ))
    }

    #[test]
    fn renaming_a_metric_renames_its_references_in_every_file() {
        let (signals, services) = renamed(FileId(1), "rps { average = 20", "requests").unwrap();
        assert!(signals.starts_with("metric requests {"), "{signals}");
        assert_eq!(services.matches("scale requests").count(), 2, "{services}");
        assert!(!services.contains("rps"));
        // Checked as the checker would: the result checks cleanly.
        let ws = workspace(&[
            ("p/signals.scale", &signals),
            ("p/services.scale", &services),
        ]);
        let compiled = crate::compile(&ws.sources, &ws.projects, &crate::lint::Options::default());
        assert!(!compiled.has_errors(), "{:?}", compiled.diagnostics);
    }

    #[test]
    fn a_name_that_is_not_an_identifier_is_written_as_a_string() {
        let (signals, services) = renamed(FileId(0), "jobs", "jobs.v2").unwrap();
        assert!(signals.contains("queue \"jobs.v2\" {"), "{signals}");
        assert!(services.contains("scale \"jobs.v2\" {"), "{services}");
        // A quoted label stays quoted.
        let (signals, services) = renamed(FileId(0), "\"named\"", "plain").unwrap();
        assert!(signals.contains("metric \"plain\" {"), "{signals}");
        assert!(services.contains("scale \"plain\" {"), "{services}");
    }

    #[test]
    fn renaming_a_service_checks_the_kubernetes_rule() {
        let (_, services) = renamed(FileId(1), "api", "web").unwrap();
        assert!(services.contains("service web {"));
        let refused = renamed(FileId(1), "api", "Web_API").unwrap_err();
        assert!(refused.reason.contains("lower-case letters"), "{refused}");
        assert!(refused.reason.contains("write `web-api`"), "{refused}");
        let refused = renamed(FileId(1), "api", "store").unwrap_err();
        assert!(
            refused.reason.contains("database named `store`"),
            "{refused}"
        );
    }

    #[test]
    fn names_that_collide_or_are_reserved_are_refused() {
        let refused = renamed(FileId(0), "rps", "jobs").unwrap_err();
        assert_eq!(
            refused.reason,
            "this project already has a queue named `jobs`"
        );
        let refused = renamed(FileId(0), "jobs", "cpu").unwrap_err();
        assert!(refused.reason.contains("container resource"), "{refused}");
        let refused = renamed(FileId(0), "rps", "a/b").unwrap_err();
        assert!(refused.reason.contains("URL path"), "{refused}");
        // A metric with its own `name` only needs a unique block name.
        assert!(renamed(FileId(0), "\"named\"", "a/b").is_ok());
        assert!(renamed(FileId(0), "rps", "").is_err());
        assert!(renamed(FileId(1), "image", "x").is_err());
    }

    const CALLS: &str = "service cart {\n  image = \"a:1\"\n  port http { number = 8080 }\n}\n\ndatabase orders {\n  engine = mongodb\n  shards = 1\n}\n";
    const CALLERS: &str = "defaults {\n  calls = [orders]\n}\n\nservice web {\n  image = \"a:1\"\n  calls = [cart(http), orders]\n}\n";

    /// Renames what `needle` in file `file` names to `new_name`: both texts.
    fn renamed_calls(
        file: FileId,
        needle: &str,
        new_name: &str,
    ) -> Result<(String, String), Refused> {
        let ws = workspace(&[("p/a.scale", CALLS), ("p/b.scale", CALLERS)]);
        let analysis = Analysis::new(&ws.sources, &ws.projects);
        let text = [CALLS, CALLERS][file.0 as usize];
        let edits = rename(&analysis, file, text.find(needle).unwrap(), new_name)?;
        Ok((
            apply(CALLS, FileId(0), &edits),
            apply(CALLERS, FileId(1), &edits),
        ))
    }

    #[test]
    fn renaming_a_service_or_database_renames_its_calls() {
        let (calls, callers) = renamed_calls(FileId(1), "cart(", "basket").unwrap();
        assert_eq!(calls, CALLS.replace("service cart", "service basket"));
        assert_eq!(callers, CALLERS.replace("cart(http)", "basket(http)"));
        let (calls, callers) = renamed_calls(FileId(0), "orders", "sales").unwrap();
        assert_eq!(calls, CALLS.replace("orders", "sales"));
        assert_eq!(callers, CALLERS.replace("orders", "sales"));
    }

    #[test]
    fn a_called_name_stays_a_valid_bare_word() {
        // A valid service name, but `calls` cannot write it.
        let refused = renamed_calls(FileId(0), "cart", "1cart").unwrap_err();
        assert!(refused.reason.contains("bare word"), "{refused}");
        // A database's name also names its shard-setup Job.
        let long = "d".repeat(MAX_DATABASE_NAME + 1);
        let refused = renamed_calls(FileId(0), "orders", &long).unwrap_err();
        assert!(refused.reason.contains("shard-setup Job"), "{refused}");
        assert!(renamed_calls(FileId(0), "orders", &long[1..]).is_ok());
        let refused = renamed_calls(FileId(0), "orders", "cart").unwrap_err();
        assert!(
            refused
                .reason
                .contains("already has a service named `cart`"),
            "{refused}"
        );
        let refused = renamed_calls(FileId(1), "cart(", "Cart").unwrap_err();
        assert!(refused.reason.contains("lower-case"), "{refused}");
    }

    #[test]
    fn renaming_a_trigger_auth_renames_the_auth_of_its_queues() {
        let auths = "trigger_auth sqs-reader {\n  pod_identity = aws\n}\n";
        let queues = "queue jobs {\n  provider = aws-sqs\n  url = \"https://sqs.us-east-1.amazonaws.com/1/jobs\"\n  auth = sqs-reader\n}\n\nqueue mails {\n  provider = aws-sqs\n  url = \"https://sqs.us-east-1.amazonaws.com/1/mails\"\n  auth = \"sqs-reader\"\n}\n\nservice web {\n  image = \"a:1\"\n}\n";
        let ws = workspace(&[("p/a.scale", auths), ("p/b.scale", queues)]);
        let analysis = Analysis::new(&ws.sources, &ws.projects);
        let from_use = queues.find("sqs-reader").unwrap() + 1;
        let edits = rename(&analysis, FileId(1), from_use, "queue-reader").unwrap();
        assert_eq!(
            apply(auths, FileId(0), &edits),
            auths.replace("sqs-reader", "queue-reader")
        );
        assert_eq!(
            apply(queues, FileId(1), &edits),
            queues.replace("sqs-reader", "queue-reader")
        );
        let refused = rename(&analysis, FileId(0), 14, "operator").unwrap_err();
        assert!(refused.reason.contains("KEDA's own identity"), "{refused}");
        // It builds into a file of its name, as a service does.
        let refused = rename(&analysis, FileId(0), 14, "web").unwrap_err();
        assert!(
            refused.reason.contains("already has a service named `web`"),
            "{refused}"
        );
    }

    #[test]
    fn prepare_finds_the_name() {
        let ws = workspace(&[("p/signals.scale", SIGNALS), ("p/services.scale", SERVICES)]);
        let analysis = Analysis::new(&ws.sources, &ws.projects);
        let at = SERVICES.find("jobs").unwrap();
        let (span, name) = prepare(&analysis, FileId(1), at + 1).unwrap();
        assert_eq!((span.start, name.as_str()), (at, "jobs"));
        assert!(prepare(&analysis, FileId(1), 0).is_none());
    }
}
