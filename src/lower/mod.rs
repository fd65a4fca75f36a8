//! [`Ast`]s of one project → [`Project`], reporting language errors E002–E008.
//!
//! Lowering resolves names across the project's files, applies `defaults`,
//! interprets units per attribute ([`values`]) and checks every block against
//! its [`schema`]. It never stops at the first error: each bad value is reported
//! and left out, and the rest of the project is still checked. A project with
//! errors is returned whole, with [`Project::omitted`] naming what its errors
//! leave incomplete: lint reads only its complete part, and it is never
//! emitted.
//!
//! Pure: no filesystem, terminal or environment.

// Conversions return `Result<T, Diagnostic>`: the error is a finding made once
// per bad value, on a cold path, so its size does not matter.
#![allow(clippy::result_large_err)]

mod atlas;
mod blocks;
mod calls;
mod enterprise;
pub mod environments;
mod job;
mod keda;
mod loadtest;
mod monitor;
mod pod;
mod postgres;
mod prometheus;
mod scheduling;
pub mod schema;
mod security;
mod service;
mod signals;
mod trigger_auth;
pub mod values;

pub(crate) use blocks::MAX_DATABASE_NAME;

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::sync::Arc;

use crate::ast::{Ast, Attribute, Block, DirectiveKind, Item};
use crate::diag::{Diagnostic, Severity, Suggestion, codes};
use crate::model::{
    Autoscaler, Cluster, LintSettings, Omitted, Project, SignalSource, Spanned, Suppression,
};
use crate::source::Span;

use schema::{BlockSchema, LabelRule};

/// Lowers the files of one project. Diagnostics go to `sink`.
pub fn lower_project(dir: PathBuf, asts: &[Ast], sink: &mut Vec<Diagnostic>) -> Project {
    lower_recovered(dir, asts, &[], false, sink)
}

/// Lowers the files of one project, some of which may have been recovered
/// from syntax errors (`syntax::Recovered`): `broken` are the spans of the
/// stubs among the top-level blocks of `asts`, and `loose` tells whether a
/// syntax error lay outside every top-level block. A stub's name is known
/// (it is declared, so references to it resolve and duplicates are found)
/// but not its contents, so it is not lowered, and checks that would read
/// what a stub `cluster` or `defaults` may set are left out rather than
/// guessed. The project's [`Project::omitted`] names what is not complete.
pub fn lower_recovered(
    dir: PathBuf,
    asts: &[Ast],
    broken: &[Span],
    loose: bool,
    sink: &mut Vec<Diagnostic>,
) -> Project {
    let start = sink.len();
    let broken: BTreeSet<Span> = broken.iter().copied().collect();
    let mut lower = Lowerer {
        sink,
        target: Arc::default(),
        broken: &broken,
        cluster_known: true,
        defaults_known: true,
    };
    let top = lower.top_level(asts);

    let cluster = match top.of_kind("cluster").first() {
        Some(block) if lower.is_stub(block) => {
            lower.cluster_known = false;
            Cluster::default()
        }
        Some(block) => lower.cluster(block),
        None => Cluster::default(),
    };
    // What the rest is checked against: env names by the Kubernetes version,
    // a queue's default selector by the autoscaler.
    lower.target = Arc::new(cluster.clone());
    let lint = match top.of_kind("lint").first() {
        Some(block) if !lower.is_stub(block) => lower.lint(block),
        _ => LintSettings::default(),
    };
    let (metric_blocks, _) = lower.split_stubs(top.of_kind("metric"));
    let metrics: Vec<_> = metric_blocks
        .iter()
        .filter_map(|b| lower.metric(b))
        .collect();
    // Every metric and queue block declares its name, even a stub or one
    // with an error: a `scale` block naming it is not an unknown reference,
    // though the service that holds it is not complete.
    let declared = |kind: &str| {
        (top.of_kind(kind).iter())
            .filter_map(|b| label_text(b))
            .collect()
    };
    let scope = service::Scope {
        metrics: declared("metric"),
        queues: declared("queue"),
        schedules: declared("schedule"),
    };
    let defaults = match top.of_kind("defaults").first() {
        Some(block) if lower.is_stub(block) => {
            lower.defaults_known = false;
            None
        }
        Some(block) => Some(lower.service_parts(block, "defaults", &scope)),
        None => None,
    };
    let (service_blocks, _) = lower.split_stubs(top.of_kind("service"));
    let mut services = lower.services(&service_blocks, defaults.as_ref(), &scope);
    // Unstable, so no buffer as large as the services is allocated; names
    // declared twice are ordered by where they are declared.
    services.sort_unstable_by(|a, b| {
        (a.name.value.cmp(&b.name.value)).then_with(|| a.name.span.cmp(&b.name.span))
    });
    // Queues after services: what an HPA reads is checked more strictly.
    let known = signals::Known {
        cluster: lower.cluster_known,
        defaults: lower.defaults_known,
    };
    let hpa_reads: BTreeSet<&str> = (services.iter())
        .filter(|s| {
            s.autoscaler == Autoscaler::Hpa && signals::autoscaler_known(&cluster, s, known)
        })
        .flat_map(|s| &s.scaling)
        .filter_map(|signal| match &signal.source.value {
            SignalSource::Queue(name) => Some(name.as_str()),
            _ => None,
        })
        .collect();
    let (queue_blocks, _) = lower.split_stubs(top.of_kind("queue"));
    let queues: Vec<_> = (queue_blocks.iter())
        .filter_map(|b| lower.queue(b, &hpa_reads))
        .collect();
    let (schedule_blocks, _) = lower.split_stubs(top.of_kind("schedule"));
    let mut schedules: Vec<_> = (schedule_blocks.iter())
        .filter_map(|b| lower.schedule(b))
        .collect();
    schedules.sort_by(|a, b| a.name.value.cmp(&b.name.value));
    let (database_blocks, _) = lower.split_stubs(top.of_kind("database"));
    let (postgres_blocks, mongodb_blocks): (Vec<&Block>, Vec<&Block>) =
        (database_blocks.iter()).partition(|b| postgres::is_postgres(b));
    let mut databases: Vec<_> = mongodb_blocks
        .iter()
        .filter_map(|b| lower.database(b))
        .collect();
    databases.sort_by(|a, b| a.name.value.cmp(&b.name.value));
    lower.check_created_projects(&databases);
    let mut postgres: Vec<_> = (postgres_blocks.iter())
        .filter_map(|b| lower.postgres(b))
        .collect();
    postgres.sort_by(|a, b| a.name.value.cmp(&b.name.value));
    let (trigger_auth_blocks, _) = lower.split_stubs(top.of_kind("trigger_auth"));
    let mut trigger_auths: Vec<_> = (trigger_auth_blocks.iter())
        .filter_map(|b| lower.trigger_auth(b))
        .collect();
    trigger_auths.sort_by(|a, b| a.name.value.cmp(&b.name.value));
    let (loadtest_blocks, _) = lower.split_stubs(top.of_kind("loadtest"));
    let mut loadtests: Vec<_> = (loadtest_blocks.iter())
        .filter_map(|b| lower.loadtest(b))
        .collect();
    loadtests.sort_by(|a, b| a.name.value.cmp(&b.name.value));

    let mut metrics = metrics;
    metrics.sort_by(|a, b| a.name.value.cmp(&b.name.value));
    let mut queues = queues;
    queues.sort_by(|a, b| a.name.value.cmp(&b.name.value));

    let (suppressions, malformed_directives) = directives(asts);
    let mut project = Project {
        dir,
        suppressions,
        malformed_directives,
        files: asts.iter().map(|a| a.file).collect(),
        cluster,
        services,
        metrics,
        queues,
        schedules,
        databases,
        postgres,
        trigger_auths,
        loadtests,
        lint,
        environment: None,
        omitted: Omitted::default(),
    };
    signals::check(&project, known, lower.sink);
    keda::check(&project, known, lower.sink);
    prometheus::check(&project, known, lower.sink);
    trigger_auth::check(&project, known, lower.sink);
    let declared = calls::Declared {
        services: declared("service"),
        databases: declared("database"),
        defaults_known: lower.defaults_known,
    };
    calls::check(&project, &declared, lower.sink);
    loadtest::check(&project, &declared.services, lower.sink);
    pod::check(&project, lower.defaults_known, lower.sink);
    monitor::check(&project, lower.defaults_known, lower.sink);
    project.omitted = omitted(&project, asts, &broken, loose, &lower.sink[start..]);
    project
}

/// What a project leaves out (see [`Omitted`]), from its stubs and the
/// language errors lowering reported (`errors`). An error marks the
/// top-level block it is reported in; a duplicate definition (E005) marks
/// the first definition too. An error outside every block, and a marked
/// block that is not a service, metric, queue or database, make the context
/// unknown.
fn omitted(
    project: &Project,
    asts: &[Ast],
    broken: &BTreeSet<Span>,
    loose: bool,
    errors: &[Diagnostic],
) -> Omitted {
    let blocks: Vec<&Block> = asts
        .iter()
        .flat_map(|a| &a.items)
        .filter_map(|item| match item {
            Item::Block(block) => Some(block),
            Item::Attribute(_) => None,
        })
        .collect();
    // Top-level blocks do not overlap: sorted by file and start, the block
    // that may hold a span is the last one starting at or before it.
    let mut order: Vec<usize> = (0..blocks.len()).collect();
    order.sort_by_key(|&i| (blocks[i].span.file, blocks[i].span.start));
    let holding = |span: Span| {
        let after = order.partition_point(|&i| {
            (blocks[i].span.file, blocks[i].span.start) <= (span.file, span.start)
        });
        let &i = order.get(after.checked_sub(1)?)?;
        let block = blocks[i].span;
        (block.file == span.file && span.start < block.end).then_some(i)
    };
    let mut marked: Vec<bool> = blocks.iter().map(|b| broken.contains(&b.span)).collect();
    let mut omitted = Omitted {
        context: loose,
        cluster_unparsed: blocks
            .iter()
            .any(|b| b.kind.name == "cluster" && broken.contains(&b.span)),
        ..Omitted::default()
    };
    for error in errors.iter().filter(|d| d.severity == Severity::Error) {
        match holding(error.span) {
            Some(i) => marked[i] = true,
            None => omitted.context = true,
        }
        if error.code == codes::DUPLICATE_DEFINITION {
            for related in &error.related {
                if let Some(i) = holding(related.span) {
                    marked[i] = true;
                }
            }
        }
    }
    let entity_kinds = ["service", "metric", "queue", "schedule", "database"];
    for (block, marked) in blocks.iter().zip(&marked) {
        if *marked && !entity_kinds.contains(&block.kind.name.as_str()) {
            omitted.context = true;
        }
    }
    for (block, marked) in blocks.iter().zip(&marked) {
        let names = match block.kind.name.as_str() {
            "service" => &mut omitted.services,
            "metric" => &mut omitted.metrics,
            "queue" => &mut omitted.queues,
            "schedule" => &mut omitted.schedules,
            "database" => &mut omitted.databases,
            _ => continue,
        };
        if *marked || omitted.context {
            names.insert(label_text(block).unwrap_or_default().to_string());
        }
    }
    // A service is complete only if what it scales on is.
    let incomplete: Vec<String> = project
        .services
        .iter()
        .filter(|service| {
            service
                .scaling
                .iter()
                .any(|signal| match &signal.source.value {
                    SignalSource::Cpu | SignalSource::Memory => false,
                    SignalSource::Metric(name) => {
                        omitted.metrics.contains(name) || project.metric(name).is_none()
                    }
                    SignalSource::Queue(name) => {
                        omitted.queues.contains(name) || project.queue(name).is_none()
                    }
                    SignalSource::Schedule(name) => {
                        omitted.schedules.contains(name) || project.schedule(name).is_none()
                    }
                })
        })
        .map(|service| service.name.value.clone())
        .collect();
    omitted.services.extend(incomplete);
    omitted
}

/// The `# scalec:` directives of every file, for `lint` to judge.
fn directives(asts: &[Ast]) -> (Vec<Suppression>, Vec<Spanned<String>>) {
    let mut suppressions = Vec::new();
    let mut malformed = Vec::new();
    for directive in asts.iter().flat_map(|a| &a.directives) {
        match &directive.kind {
            DirectiveKind::Allow {
                rules,
                reason,
                target,
            } => suppressions.push(Suppression {
                rules: rules
                    .iter()
                    .map(|(r, span)| Spanned::new(r.clone(), *span))
                    .collect(),
                reason: reason.clone(),
                span: directive.span,
                target: *target,
                overrides: None,
            }),
            DirectiveKind::Malformed(problem) => {
                malformed.push(Spanned::new(problem.clone(), directive.span))
            }
        }
    }
    (suppressions, malformed)
}

pub(crate) struct Lowerer<'s> {
    pub(crate) sink: &'s mut Vec<Diagnostic>,
    /// The project's `cluster`, once lowered (the default before); shared
    /// by the lowerers of services lowered in parallel.
    pub(crate) target: Arc<Cluster>,
    /// The spans of the top-level blocks that are stubs (see
    /// [`lower_recovered`]).
    broken: &'s BTreeSet<Span>,
    /// Whether the `cluster` block, if any, parsed: when not, `target` is a
    /// guess, and nothing that depends on it is reported.
    pub(crate) cluster_known: bool,
    /// Whether the `defaults` block, if any, parsed: when not, what a
    /// service lacks may be inherited, and is not reported.
    pub(crate) defaults_known: bool,
}

/// The project's top-level blocks by kind, duplicates already reported.
struct TopLevel<'a> {
    blocks: BTreeMap<&'static str, Vec<&'a Block>>,
}

impl<'a> TopLevel<'a> {
    fn of_kind(&self, kind: &str) -> &[&'a Block] {
        self.blocks.get(kind).map_or(&[], Vec::as_slice)
    }
}

/// The items of one block, sorted out against its schema.
pub(crate) struct Fields<'a> {
    pub attributes: BTreeMap<&'static str, &'a Attribute>,
    pub blocks: Vec<&'a Block>,
    /// Attributes of a free-form block (`env`, `selector`).
    pub free: Vec<&'a Attribute>,
}

impl<'a> Fields<'a> {
    pub fn blocks_of<'k>(&'k self, kind: &'k str) -> impl Iterator<Item = &'a Block> + 'k {
        self.blocks
            .iter()
            .copied()
            .filter(move |b| b.kind.name == kind)
    }

    pub fn block(&self, kind: &str) -> Option<&'a Block> {
        self.blocks_of(kind).next()
    }
}

/// What a block is called in messages: "service `auth`", "`defaults`".
pub(crate) fn describe_block(block: &Block) -> String {
    match &block.label {
        Some(label) => format!("{} `{}`", block.kind.name, label.text),
        None => format!("`{}`", block.kind.name),
    }
}

impl Lowerer<'_> {
    /// Whether a top-level block is a stub of a block that did not parse.
    fn is_stub(&self, block: &Block) -> bool {
        self.broken.contains(&block.span)
    }

    /// The blocks that parsed, and the stubs.
    fn split_stubs<'a>(&self, blocks: &[&'a Block]) -> (Vec<&'a Block>, Vec<&'a Block>) {
        blocks.iter().partition(|b| !self.is_stub(b))
    }

    pub(crate) fn report(&mut self, diagnostic: Diagnostic) {
        self.sink.push(diagnostic);
    }

    /// Converts a value, reporting a failure and returning `None`.
    pub(crate) fn convert<T>(&mut self, result: values::Conv<T>) -> Option<T> {
        result.map_err(|d| self.report(d)).ok()
    }

    /// Converts an attribute's value, if present, keeping its span.
    pub(crate) fn get<T>(
        &mut self,
        fields: &Fields<'_>,
        name: &str,
        convert: impl Fn(&crate::ast::Value) -> values::Conv<T>,
    ) -> Option<Spanned<T>> {
        let attribute = fields.attributes.get(name)?;
        let value = self.convert(convert(&attribute.value))?;
        Some(Spanned::new(value, attribute.value.span))
    }

    /// Sorts the top-level items of every file by kind; reports unknown kinds,
    /// stray attributes, bad labels and duplicate definitions across files.
    fn top_level<'a>(&mut self, asts: &'a [Ast]) -> TopLevel<'a> {
        let mut blocks: BTreeMap<&'static str, Vec<&'a Block>> = BTreeMap::new();
        for item in asts.iter().flat_map(|ast| &ast.items) {
            match item {
                Item::Attribute(attribute) => self.report(
                    Diagnostic::error(
                        codes::UNKNOWN_ATTRIBUTE,
                        format!("`{}` is set outside any block", attribute.name.name),
                        attribute.name.span,
                    )
                    .with_label("not inside a block")
                    .with_help("put attributes inside a block, e.g. `defaults { ... }` or `service NAME { ... }`"),
                ),
                // Checked by `environments`, which lowers each one.
                Item::Block(block) if block.kind.name == environments::KIND => {}
                Item::Block(block) => {
                    let kind = block.kind.name.as_str();
                    match schema::TOP_LEVEL.iter().find(|k| **k == kind) {
                        Some(kind) => {
                            if self.check_label(block, schema::block(kind).expect("top-level kinds have schemas")) {
                                blocks.entry(kind).or_default().push(block);
                            }
                        }
                        None => self.unknown_top_level(block),
                    }
                }
            }
        }
        for (kind, list) in &mut blocks {
            let singleton = schema::SINGLETONS.contains(kind);
            let mut kept: Vec<&'a Block> = Vec::new();
            // The first block of each name; a singleton kind has one name.
            let mut first_of: BTreeMap<Option<&'a str>, &'a Block> = BTreeMap::new();
            for block in list.drain(..) {
                let name = if singleton { None } else { label_text(block) };
                match first_of.get(&name) {
                    Some(first) if singleton => self.second_block(block, first, "this project"),
                    Some(first) => self.duplicate(block, first),
                    None => {
                        first_of.insert(name, block);
                        kept.push(block);
                    }
                }
            }
            *list = kept;
        }
        // `cpu` and `memory` are the resource metrics; a metric, queue or
        // schedule of that name could never be scaled on.
        for kind in ["metric", "queue", "schedule"] {
            for block in blocks.get(kind).into_iter().flatten() {
                if let Some(label) = block
                    .label
                    .as_ref()
                    .filter(|l| matches!(l.text.as_str(), "cpu" | "memory"))
                {
                    self.report(
                        Diagnostic::error(
                            codes::INVALID_NAME,
                            format!("a {kind} cannot be named `{}`", label.text),
                            label.span,
                        )
                        .with_label("reserved for the resource metric")
                        .with_help(format!(
                            "`scale {}` always means the container resource; rename the {kind}",
                            label.text
                        )),
                    );
                }
            }
        }
        // Metrics, queues and schedules share the namespace of `scale`
        // references: each later kind is checked against the earlier ones.
        let signal_kinds = ["metric", "queue", "schedule"];
        for (i, kind) in signal_kinds.iter().enumerate() {
            for block in blocks.get(kind).into_iter().flatten() {
                let earlier = (signal_kinds[..i].iter())
                    .flat_map(|k| blocks.get(k).into_iter().flatten())
                    .find(|first| label_text(first) == label_text(block));
                if let Some(first) = earlier {
                    self.duplicate(block, first);
                }
            }
        }
        TopLevel { blocks }
    }

    fn duplicate(&mut self, block: &Block, first: &Block) {
        self.duplicate_with_help(
            block,
            first,
            "rename one of them; all files of a directory share one namespace",
        );
    }

    /// [`Self::duplicate`] with its own advice.
    fn duplicate_with_help(&mut self, block: &Block, first: &Block, help: &str) {
        let (span, first_span) = (label_span(block), label_span(first));
        let what = describe_block(block);
        let message = if block.kind.name == first.kind.name {
            format!("{what} is defined twice")
        } else {
            format!("{what} has the name of {}", describe_block(first))
        };
        self.report(
            Diagnostic::error(codes::DUPLICATE_DEFINITION, message, span)
                .with_label("defined again here")
                .with_related(first_span, "first defined here")
                .with_help(help),
        );
    }

    /// E005 for a second block of a kind that may appear once in `place`.
    fn second_block(&mut self, block: &Block, first: &Block, place: &str) {
        let kind = &block.kind.name;
        self.report(
            Diagnostic::error(
                codes::DUPLICATE_DEFINITION,
                format!("a second `{kind}` block in {place}"),
                block.kind.span,
            )
            .with_label("second block")
            .with_related(first.kind.span, "first block")
            .with_help(format!("merge the two `{kind}` blocks into one")),
        );
    }

    fn unknown_top_level(&mut self, block: &Block) {
        let kind = &block.kind.name;
        let nested = schema::BLOCKS
            .iter()
            .find(|b| b.kind == kind && !schema::TOP_LEVEL.contains(&b.kind));
        let close = match nested {
            Some(_) => None,
            None => crate::names::did_you_mean(kind, schema::TOP_LEVEL.iter().copied()),
        };
        let help = match nested {
            Some(_) => {
                let parent = schema::BLOCKS
                    .iter()
                    .find(|b| b.blocks.contains(&kind.as_str()))
                    .map_or("another block", |b| b.kind);
                format!("`{kind}` goes inside a `{parent}` block")
            }
            None => match close {
                Some(close) => format!("did you mean `{close}`?"),
                None => format!(
                    "a file holds these blocks: {}",
                    schema::TOP_LEVEL
                        .iter()
                        .map(|k| format!("`{k}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            },
        };
        self.report(
            Diagnostic::error(
                codes::UNKNOWN_ATTRIBUTE,
                format!("unknown block `{kind}`"),
                block.kind.span,
            )
            .with_label("not a block kind")
            .with_help(help)
            .with_suggestion_opt(close.map(|close| Suggestion::name(block.kind.span, close))),
        );
    }

    /// Checks that a block has a label exactly when its kind takes one.
    /// Returns whether the block can be lowered.
    pub(crate) fn check_label(&mut self, block: &Block, schema: &BlockSchema) -> bool {
        match (schema.label, &block.label) {
            (LabelRule::Required(what), None) => {
                self.report(
                    Diagnostic::error(
                        codes::MISSING_ATTRIBUTE,
                        format!("`{}` needs a name", block.kind.name),
                        block.kind.span,
                    )
                    .with_label(format!("expected the {what} after `{}`", block.kind.name))
                    .with_help(format!("write `{} NAME {{ ... }}`", block.kind.name)),
                );
                false
            }
            (LabelRule::None, Some(label)) => {
                self.report(
                    Diagnostic::error(
                        codes::TYPE_MISMATCH,
                        format!("`{}` takes no name", block.kind.name),
                        label.span,
                    )
                    .with_label("unexpected name")
                    .with_help(format!("write `{} {{ ... }}`", block.kind.name)),
                );
                true
            }
            _ => true,
        }
    }

    /// Sorts a block's items against its schema: unknown attributes and blocks
    /// (E002), attributes set twice and single blocks repeated (E005).
    pub(crate) fn fields<'a>(&mut self, block: &'a Block, schema: &BlockSchema) -> Fields<'a> {
        let mut fields = Fields {
            attributes: BTreeMap::new(),
            blocks: Vec::new(),
            free: Vec::new(),
        };
        for item in &block.items {
            match item {
                Item::Attribute(attribute) if schema.free_form => {
                    if let Some(first) = fields
                        .free
                        .iter()
                        .find(|a| a.name.name == attribute.name.name)
                    {
                        self.attribute_twice(attribute, first);
                    } else {
                        fields.free.push(attribute);
                    }
                }
                Item::Attribute(attribute) if attribute.quoted_name => self.report(
                    Diagnostic::error(
                        codes::UNKNOWN_ATTRIBUTE,
                        format!("attribute names of {} are not quoted", describe_block(block)),
                        attribute.name.span,
                    )
                    .with_label("a quoted name")
                    .with_help(match schema.attribute(&attribute.name.name) {
                        Some(known) => format!("write `{} = ...` without quotes", known.name),
                        None => "quoted names are for keys that are not identifiers, in `env` and `selector`".into(),
                    })
                    .with_suggestion_opt(schema.attribute(&attribute.name.name).map(|known| {
                        Suggestion::text(
                            attribute.name.span,
                            known.name,
                            format!("write `{}` without quotes", known.name),
                        )
                    })),
                ),
                Item::Attribute(attribute) => match schema.attribute(&attribute.name.name) {
                    Some(known) => match fields.attributes.get(known.name) {
                        Some(first) => self.attribute_twice(attribute, first),
                        None => {
                            fields.attributes.insert(known.name, attribute);
                        }
                    },
                    None => self.unknown_attribute(attribute, block, schema),
                },
                Item::Block(child) => {
                    let kind = child.kind.name.as_str();
                    if !schema.blocks.contains(&kind) {
                        self.unknown_child(child, block, schema);
                        continue;
                    }
                    let child_schema = schema::block(kind).expect("every nested kind has a schema");
                    if !self.check_label(child, child_schema) {
                        continue;
                    }
                    let repeated = !schema.repeatable.contains(&kind)
                        && fields.blocks.iter().any(|b| b.kind.name == kind);
                    if repeated {
                        let first = fields.block(kind).expect("just found");
                        self.second_block(child, first, &describe_block(block));
                    } else {
                        fields.blocks.push(child);
                    }
                }
            }
        }
        fields
    }

    fn attribute_twice(&mut self, attribute: &Attribute, first: &Attribute) {
        self.report(
            Diagnostic::error(
                codes::DUPLICATE_DEFINITION,
                format!("`{}` is set twice", attribute.name.name),
                attribute.name.span,
            )
            .with_label("set again here")
            .with_related(first.name.span, "first set here")
            .with_help("keep one of the two"),
        );
    }

    fn unknown_attribute(&mut self, attribute: &Attribute, block: &Block, schema: &BlockSchema) {
        let name = &attribute.name.name;
        let is_block = schema.blocks.contains(&name.as_str());
        let close = (!is_block)
            .then(|| crate::names::did_you_mean(name, schema.attributes.iter().map(|a| a.name)))
            .flatten();
        let help = if is_block {
            Some(format!("`{name}` is a block: write `{name} {{ ... }}`"))
        } else {
            close
                .map(|close| format!("did you mean `{close}`?"))
                .or_else(|| known_list(schema))
        };
        self.report(
            Diagnostic::error(
                codes::UNKNOWN_ATTRIBUTE,
                format!("unknown attribute `{name}` in {}", describe_block(block)),
                attribute.name.span,
            )
            .with_label(format!("not an attribute of `{}`", block.kind.name))
            .with_help_opt(help)
            .with_suggestion_opt(close.map(|close| Suggestion::name(attribute.name.span, close))),
        );
    }

    fn unknown_child(&mut self, child: &Block, parent: &Block, schema: &BlockSchema) {
        let kind = &child.kind.name;
        let is_attribute = schema.attribute(kind).is_some();
        let close = (!is_attribute)
            .then(|| crate::names::did_you_mean(kind, schema.blocks.iter().copied()))
            .flatten();
        let help = if is_attribute {
            Some(format!("`{kind}` is an attribute: write `{kind} = ...`"))
        } else {
            close
                .map(|close| format!("did you mean `{close}`?"))
                .or_else(|| known_list(schema))
        };
        self.report(
            Diagnostic::error(
                codes::UNKNOWN_ATTRIBUTE,
                format!("unknown block `{kind}` in {}", describe_block(parent)),
                child.kind.span,
            )
            .with_label(format!("not a block of `{}`", parent.kind.name))
            .with_help_opt(help)
            .with_suggestion_opt(close.map(|close| Suggestion::name(child.kind.span, close))),
        );
    }

    /// Reports E007 for each required attribute of `schema` that `fields` lacks.
    pub(crate) fn require(
        &mut self,
        block: &Block,
        schema: &BlockSchema,
        fields: &Fields<'_>,
    ) -> bool {
        let mut complete = true;
        for attribute in schema.attributes.iter().filter(|a| a.required) {
            if !fields.attributes.contains_key(attribute.name) {
                self.missing(block, attribute.name, &format!("{} = ...", attribute.name));
                complete = false;
            }
        }
        complete
    }

    /// E007: `block` lacks `name`; `example` shows what to add.
    pub(crate) fn missing(&mut self, block: &Block, name: &str, example: &str) {
        self.report(
            Diagnostic::error(
                codes::MISSING_ATTRIBUTE,
                format!("{} has no `{name}`", describe_block(block)),
                block_head(block),
            )
            .with_label(format!("`{name}` is required"))
            .with_help(format!("add `{example}` inside the block")),
        );
    }

    /// E006 unless `name` is a valid Kubernetes object name.
    pub(crate) fn check_dns_name(&mut self, name: &str, span: Span, what: &str) -> bool {
        self.check_name(crate::names::kubernetes::dns_label(name), span, || {
            format!(
                "{} cannot be the name of a Kubernetes {what}",
                crate::names::quoted(name)
            )
        })
    }

    /// E006 for a name that [`crate::names`] refuses: the label says why,
    /// the help gives the rule and the rewrite, which is also the finding's
    /// suggestion. Returns whether it is valid.
    pub(crate) fn check_name(
        &mut self,
        result: Result<(), crate::names::Invalid>,
        span: Span,
        message: impl FnOnce() -> String,
    ) -> bool {
        self.check_name_fixed(result, span, message, |rewrite| {
            Suggestion::name(span, rewrite)
        })
    }

    /// [`Self::check_name`] with the suggestion that writes the rewrite made
    /// by `fix`.
    pub(crate) fn check_name_fixed(
        &mut self,
        result: Result<(), crate::names::Invalid>,
        span: Span,
        message: impl FnOnce() -> String,
        fix: impl FnOnce(String) -> Suggestion,
    ) -> bool {
        let Err(invalid) = result else {
            return true;
        };
        let suggestion = invalid.rewrite.clone().map(fix);
        self.report(
            Diagnostic::error(codes::INVALID_NAME, message(), span)
                .with_label(invalid.problem.clone())
                .with_help(invalid.help())
                .with_suggestion_opt(suggestion),
        );
        false
    }
}

fn known_list(schema: &BlockSchema) -> Option<String> {
    let names: Vec<String> = schema
        .attributes
        .iter()
        .map(|a| a.name)
        .chain(schema.blocks.iter().copied())
        .map(|n| format!("`{n}`"))
        .collect();
    (!names.is_empty()).then(|| format!("`{}` takes: {}", schema.kind, names.join(", ")))
}

fn label_text(block: &Block) -> Option<&str> {
    block.label.as_ref().map(|l| l.text.as_str())
}

/// The label if there is one, else the kind: where "this block" is pointed at.
pub(crate) fn label_span(block: &Block) -> Span {
    block.label.as_ref().map_or(block.kind.span, |l| l.span)
}

/// The kind and label of a block: `service auth`.
pub(crate) fn block_head(block: &Block) -> Span {
    block.kind.span.to(label_span(block))
}
