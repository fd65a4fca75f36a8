//! `environment` blocks: the checks of the blocks themselves, and the trees
//! each environment is lowered from.
//!
//! An environment overrides the project's base blocks: its `service api { … }`
//! changes the base `service api`, attribute by attribute, and nested blocks
//! of the same kind and name merge the same way, to any depth. It adds what
//! the base does not set (an attribute, a nested block, a `cluster`,
//! `defaults` or `lint` block) but never a top-level entity: an override of a
//! service, queue, metric, schedule, database, trigger_auth or loadtest the
//! base does not declare is E004, because a misspelt name would otherwise
//! deploy a second service silently. A service that only some environments
//! run says so in the base, with `environments = [prod]`.
//!
//! The merged trees keep every span: a value an environment sets points
//! into the `environment` block, a value it leaves points into the base, so
//! findings, suppressions and [`crate::model::Project::origin`] tell them
//! apart. Lowering, lint and emit never see an `environment` block.

use std::collections::{BTreeMap, BTreeSet};

use crate::ast::{Ast, Attribute, Block, Item, ValueKind};
use crate::diag::{Diagnostic, codes};
use crate::lint::RuleId;
use crate::model::Spanned;
use crate::model::environment::Environment;
use crate::source::Span;

use super::{Lowerer, describe_block, label_span, label_text, schema};

/// The block kind.
pub const KIND: &str = "environment";

/// The service attribute that names the environments a service runs in.
pub const ONLY_IN: &str = "environments";

/// How many environments a project may declare: each is checked and built
/// whole, so their number multiplies the work; real projects have a few.
pub const MAX_ENVIRONMENTS: usize = 32;

/// The advice for a block an environment overrides twice.
const MERGE_OVERRIDES: &str = "an environment overrides each block once: merge the two into one";

/// Attributes that say what kind of thing a block is: an environment may
/// not change them (a MongoDB database cannot be PostgreSQL in staging).
const IDENTITY: &[(&str, &str)] = &[
    ("database", "engine"),
    ("database", "operator"),
    ("queue", "provider"),
    ("metric", "kind"),
];

/// One environment, ready to lower.
pub struct Resolved {
    pub environment: Environment,
    /// The project's trees with this environment's overrides applied and
    /// every `environment` block removed; directives of other environments
    /// are dropped.
    asts: Vec<Ast>,
    /// Each override block of this environment, with the base block it
    /// changes: a suppression on the override covers the merged block.
    overrides: Vec<(Span, Span)>,
    /// Whether the environment's block did not parse: its overrides are not
    /// known, so the environment is not lowered.
    pub stub: bool,
    /// The blocks of the other environments: what this one never sees.
    pub others: Vec<Span>,
}

impl Resolved {
    /// Whether what lies at `span` is part of this environment.
    pub fn sees(&self, span: Span) -> bool {
        sees(&self.others, span)
    }

    /// Lowers the project as this environment runs it (see
    /// [`super::lower_recovered`]): its [`crate::model::Project::environment`]
    /// set, and each suppression on an override covering the merged block.
    pub fn lower(
        self,
        dir: std::path::PathBuf,
        broken: &[Span],
        loose: bool,
        sink: &mut Vec<Diagnostic>,
    ) -> crate::model::Project {
        let mut project = super::lower_recovered(dir, &self.asts, broken, loose, sink);
        for suppression in &mut project.suppressions {
            suppression.overrides = (self.overrides.iter())
                .find(|(over, _)| Some(*over) == suppression.target)
                .map(|&(_, base)| base);
        }
        project.environment = Some(self.environment);
        project
    }
}

/// The environments of a project, checked; empty when it declares none (and
/// then every `environments` attribute is E004). `broken` are the stubs
/// among the top-level blocks (see [`super::lower_recovered`]).
pub fn resolve(asts: &[Ast], broken: &[Span], sink: &mut Vec<Diagnostic>) -> Vec<Resolved> {
    let broken: BTreeSet<Span> = broken.iter().copied().collect();
    let mut lower = Lowerer {
        sink,
        target: Default::default(),
        broken: &broken,
        cluster_known: true,
        defaults_known: true,
    };
    let blocks = || {
        asts.iter()
            .flat_map(|a| &a.items)
            .filter_map(|item| match item {
                Item::Block(block) => Some(block),
                Item::Attribute(_) => None,
            })
    };
    let schema = schema::block(KIND).expect("`environment` has a schema");
    let mut declared: Vec<&Block> = Vec::new();
    for block in blocks().filter(|b| b.kind.name == KIND) {
        if !lower.check_label(block, schema) {
            continue;
        }
        let name = label_text(block).unwrap_or_default();
        if let Some(first) = declared.iter().find(|b| label_text(b) == Some(name)) {
            lower.duplicate(block, first);
            continue;
        }
        let label = block.label.as_ref().expect("a checked label");
        lower.check_dns_name(
            name,
            label.span,
            "environment (a directory of the build's output)",
        );
        if declared.len() == MAX_ENVIRONMENTS {
            lower.report(
                Diagnostic::error(
                    codes::TYPE_MISMATCH,
                    format!("environment `{name}` is one more than a project may declare"),
                    label.span,
                )
                .with_label(format!("environment {}", MAX_ENVIRONMENTS + 1))
                .with_help(format!(
                    "a project has at most {MAX_ENVIRONMENTS} environments, each checked and built \
                     whole: split the project, or keep one environment per deployment target"
                )),
            );
            continue;
        }
        declared.push(block);
    }
    let names: Vec<&str> = declared.iter().filter_map(|b| label_text(b)).collect();
    let base: Vec<&Block> = blocks().filter(|b| b.kind.name != KIND).collect();
    for block in &base {
        lower.check_only_in(block, &names);
    }
    let mut resolved = Vec::new();
    // Every `environment` block, also one named twice or past the limit:
    // what lies in it is no other environment's.
    let all: Vec<Span> = (blocks().filter(|b| b.kind.name == KIND))
        .map(|b| b.span)
        .collect();
    for environment in declared {
        let stub = lower.is_stub(environment);
        let overrides = if stub {
            Vec::new()
        } else {
            lower.check_overrides(environment, &base)
        };
        let label = environment.label.as_ref().expect("a checked label");
        let name = label.text.clone();
        let others: Vec<Span> = (all.iter().copied())
            .filter(|&s| s != environment.span)
            .collect();
        let merged = merge_trees(asts, environment, &overrides, &others, &name);
        resolved.push(Resolved {
            environment: Environment {
                name: Spanned::new(name, label.span),
                span: environment.span,
            },
            asts: merged,
            overrides: (overrides.iter())
                .map(|(over, base)| (over.span, base.span))
                .collect(),
            stub,
            others,
        });
    }
    resolved
}

/// The base trees with `environment`'s overrides applied; top-level blocks
/// with `environments = [...]` not naming it are left out.
fn merge_trees(
    asts: &[Ast],
    environment: &Block,
    overrides: &[(&Block, &Block)],
    others: &[Span],
    name: &str,
) -> Vec<Ast> {
    let by_base: BTreeMap<Span, &Block> = overrides.iter().map(|(o, b)| (b.span, *o)).collect();
    let added: BTreeSet<Span> = (overrides.iter())
        .filter(|(o, b)| o.span == b.span)
        .map(|(o, _)| o.span)
        .collect();
    asts.iter()
        .map(|ast| {
            let mut items = Vec::with_capacity(ast.items.len());
            for item in &ast.items {
                match item {
                    Item::Block(block) if block.kind.name == KIND => {
                        // A singleton the base lacks stands where the
                        // environment wrote it.
                        if block.span == environment.span {
                            items.extend(
                                (block.items.iter())
                                    .filter(|i| added.contains(&i.span()))
                                    .cloned(),
                            );
                        }
                    }
                    Item::Block(block) if !runs_in(block, name) => {}
                    Item::Block(block) => match by_base.get(&block.span) {
                        Some(over) => items.push(Item::Block(merge(block, over))),
                        None => items.push(item.clone()),
                    },
                    Item::Attribute(_) => items.push(item.clone()),
                }
            }
            Ast {
                file: ast.file,
                items,
                comments: ast.comments.clone(),
                directives: (ast.directives.iter())
                    .filter(|d| sees(others, d.span))
                    .cloned()
                    .collect(),
            }
        })
        .collect()
}

/// Whether a top-level block is part of environment `name`: it does not
/// say `environments = [...]`, or the list names it.
fn runs_in(block: &Block, name: &str) -> bool {
    match only_in(block) {
        None => true,
        Some(attribute) => match &attribute.value.kind {
            ValueKind::List(values) => values.iter().any(|v| word(&v.kind) == Some(name)),
            _ => true,
        },
    }
}

/// A service's `environments` attribute (the schema refuses it elsewhere).
fn only_in(block: &Block) -> Option<&Attribute> {
    if block.kind.name != "service" {
        return None;
    }
    block.items.iter().find_map(|item| match item {
        Item::Attribute(a) if a.name.name == ONLY_IN => Some(a),
        _ => None,
    })
}

fn word(kind: &ValueKind) -> Option<&str> {
    match kind {
        ValueKind::Ident(word) | ValueKind::String(word) => Some(word),
        _ => None,
    }
}

/// `base` with `over`'s attributes in place of its own and `over`'s nested
/// blocks merged into those of the same kind and name (or added). The
/// merged block keeps `base`'s span and head.
fn merge(base: &Block, over: &Block) -> Block {
    let mut merged = base.clone();
    let repeatable = schema::block(&base.kind.name).map_or(&[][..], |s| s.repeatable);
    for item in &over.items {
        match item {
            Item::Attribute(attribute) => {
                let same = merged.items.iter_mut().find(
                    |i| matches!(i, Item::Attribute(a) if a.name.name == attribute.name.name),
                );
                match same {
                    Some(same) => *same = item.clone(),
                    None => merged.items.push(item.clone()),
                }
            }
            Item::Block(block) => {
                // Repeatable blocks without a name (a `toleration`) add one.
                let unnamed_repeat =
                    block.label.is_none() && repeatable.contains(&block.kind.name.as_str());
                let same = (!unnamed_repeat)
                    .then(|| {
                        merged.items.iter_mut().find(|i| {
                            matches!(i, Item::Block(b) if b.kind.name == block.kind.name
                                && label_text(b) == label_text(block))
                        })
                    })
                    .flatten();
                match same {
                    Some(Item::Block(same)) => *same = merge(same, block),
                    _ => merged.items.push(item.clone()),
                }
            }
        }
    }
    merged
}

impl Lowerer<'_> {
    /// E004 for a service's `environments` list naming no declared
    /// environment.
    fn check_only_in(&mut self, block: &Block, names: &[&str]) {
        let Some(attribute) = only_in(block) else {
            return;
        };
        let ValueKind::List(values) = &attribute.value.kind else {
            return;
        };
        for value in values {
            let Some(name) = word(&value.kind) else {
                continue;
            };
            if names.contains(&name) {
                continue;
            }
            let help = match crate::names::did_you_mean(name, names.iter().copied()) {
                Some(close) => format!("did you mean `{close}`?"),
                None if names.is_empty() => {
                    format!("declare it: `{KIND} {name} {{ ... }}`, with what it changes")
                }
                None => format!(
                    "the project's environments are {}",
                    names
                        .iter()
                        .map(|n| format!("`{n}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            };
            self.report(
                Diagnostic::error(
                    codes::UNKNOWN_REFERENCE,
                    format!("no environment `{name}` is declared"),
                    value.span,
                )
                .with_label("unknown environment")
                .with_help(help),
            );
        }
    }

    /// Checks the items of an `environment` block against the base blocks,
    /// and pairs each override with the block it changes (a singleton the
    /// base lacks is paired with itself: it is added).
    fn check_overrides<'a>(
        &mut self,
        environment: &'a Block,
        base: &[&'a Block],
    ) -> Vec<(&'a Block, &'a Block)> {
        let name = label_text(environment).unwrap_or_default();
        let mut pairs: Vec<(&'a Block, &'a Block)> = Vec::new();
        for item in &environment.items {
            let block = match item {
                Item::Attribute(attribute) => {
                    self.report(
                        Diagnostic::error(
                            codes::UNKNOWN_ATTRIBUTE,
                            format!("`{}` is set directly in environment `{name}`", attribute.name.name),
                            attribute.name.span,
                        )
                        .with_label("not inside a block")
                        .with_help(format!(
                            "an environment holds the blocks it changes, e.g. `service api {{ {} = ... }}`",
                            attribute.name.name
                        )),
                    );
                    continue;
                }
                Item::Block(block) => block,
            };
            let kind = block.kind.name.as_str();
            if kind == KIND || !schema::TOP_LEVEL.contains(&kind) {
                let close = crate::names::did_you_mean(
                    kind,
                    schema::TOP_LEVEL.iter().copied().filter(|k| *k != KIND),
                );
                self.report(
                    Diagnostic::error(
                        codes::UNKNOWN_ATTRIBUTE,
                        format!("`{kind}` cannot be overridden by an environment"),
                        block.kind.span,
                    )
                    .with_label("not a top-level block")
                    .with_help(match close {
                        Some(close) if close != kind => format!("did you mean `{close}`?"),
                        _ => "an environment holds top-level blocks of the base: `service NAME { ... }`, \
                              `queue NAME { ... }`, `cluster { ... }`, ..."
                            .to_string(),
                    }),
                );
                continue;
            }
            let schema = schema::block(kind).expect("top-level kinds have schemas");
            if !self.check_label(block, schema) {
                continue;
            }
            let singleton = schema::SINGLETONS.contains(&kind);
            let same = |b: &&&Block| {
                b.kind.name == kind && (singleton || label_text(b) == label_text(block))
            };
            if let Some((first, _)) = pairs.iter().find(|(o, _)| same(&o)) {
                if singleton {
                    self.second_block(block, first, &format!("environment `{name}`"));
                } else {
                    self.duplicate_with_help(block, first, MERGE_OVERRIDES);
                }
                continue;
            }
            for nested in &block.items {
                if let Item::Attribute(attribute) = nested
                    && attribute.name.name == ONLY_IN
                {
                    self.report(
                        Diagnostic::error(
                            codes::CONFLICTING_ATTRIBUTES,
                            format!("environment `{name}` sets `{ONLY_IN}`"),
                            attribute.name.span,
                        )
                        .with_label("set in an environment")
                        .with_help("say which environments run a service in its base block"),
                    );
                }
            }
            self.check_twice(block);
            match base.iter().find(same) {
                Some(original) => {
                    self.check_identity(block, original, name);
                    pairs.push((block, original));
                }
                None if singleton => pairs.push((block, block)),
                None => {
                    let label = block.label.as_ref().expect("a checked label");
                    let names = (base.iter())
                        .filter(|b| b.kind.name == kind)
                        .filter_map(|b| label_text(b));
                    let help = match crate::names::did_you_mean(&label.text, names) {
                        Some(close) => format!("did you mean `{close}`?"),
                        None => format!(
                            "declare {} in the base policy; an environment only changes what the \
                             base declares (a service only some environments run says \
                             `{ONLY_IN} = [{name}]`)",
                            describe_block(block)
                        ),
                    };
                    self.report(
                        Diagnostic::error(
                            codes::UNKNOWN_REFERENCE,
                            format!("environment `{name}` overrides {}, which the base does not declare", describe_block(block)),
                            label_span(block),
                        )
                        .with_label("nothing to override")
                        .with_help(help),
                    );
                }
            }
        }
        pairs
    }

    /// E005 for what an override writes twice, at any depth: merging would
    /// silently keep the last.
    fn check_twice(&mut self, block: &Block) {
        let repeatable = schema::block(&block.kind.name).map_or(&[][..], |s| s.repeatable);
        let mut attributes: Vec<&Attribute> = Vec::new();
        let mut blocks: Vec<&Block> = Vec::new();
        for item in &block.items {
            match item {
                Item::Attribute(attribute) => {
                    match attributes
                        .iter()
                        .find(|a| a.name.name == attribute.name.name)
                    {
                        Some(first) => self.attribute_twice(attribute, first),
                        None => attributes.push(attribute),
                    }
                }
                Item::Block(child) => {
                    let unnamed_repeat =
                        child.label.is_none() && repeatable.contains(&child.kind.name.as_str());
                    let first = blocks.iter().find(|b| {
                        b.kind.name == child.kind.name && label_text(b) == label_text(child)
                    });
                    match first {
                        Some(first) if !unnamed_repeat => match child.label {
                            Some(_) => self.duplicate_with_help(child, first, MERGE_OVERRIDES),
                            None => self.second_block(child, first, &describe_block(block)),
                        },
                        _ => blocks.push(child),
                    }
                    self.check_twice(child);
                }
            }
        }
    }

    /// E008 for an override of what makes a block what it is.
    fn check_identity(&mut self, over: &Block, base: &Block, environment: &str) {
        fn attribute<'a>(block: &'a Block, name: &str) -> Option<&'a Attribute> {
            block.items.iter().find_map(|item| match item {
                Item::Attribute(a) if a.name.name == name => Some(a),
                _ => None,
            })
        }
        for (kind, name) in IDENTITY {
            if over.kind.name != *kind {
                continue;
            }
            let Some(changed) = attribute(over, name) else {
                continue;
            };
            let original = attribute(base, name);
            if original.is_some_and(|o| o.value == changed.value) {
                continue;
            }
            let mut diagnostic = Diagnostic::error(
                codes::CONFLICTING_ATTRIBUTES,
                format!(
                    "environment `{environment}` changes the `{name}` of {}",
                    describe_block(base)
                ),
                changed.value.span,
            )
            .with_label("changes what the block is")
            .with_help(format!(
                "an environment changes sizes and settings, not the kind of thing a block is; \
                 declare a second {kind} with `{name}` set and use it from this environment"
            ));
            if let Some(original) = original {
                diagnostic = diagnostic.with_related(original.value.span, "set in the base");
            }
            self.report(diagnostic);
        }
    }
}

/// Whether the trees declare any `environment` block.
pub fn declared(asts: &[Ast]) -> bool {
    asts.iter()
        .flat_map(|a| &a.items)
        .any(|item| matches!(item, Item::Block(b) if b.kind.name == KIND))
}

fn inside(span: Span, block: Span) -> bool {
    span.file == block.file && span.start >= block.start && span.end <= block.end
}

/// Whether what lies at `span` is part of an environment whose `others` are
/// the other environments' blocks: it lies in the base or in its own block.
pub fn sees(others: &[Span], span: Span) -> bool {
    !others.iter().any(|&other| inside(span, other))
}

/// What one environment found: its name, the other environments' blocks,
/// and its findings.
pub struct Found {
    pub name: String,
    pub others: Vec<Span>,
    pub diagnostics: Vec<Diagnostic>,
}

/// The findings of a project's environments, each once: a finding every
/// environment makes is reported as it is; one only some make names them
/// ("in environment `prod`"). An unused suppression (S002) is unused only
/// if no environment that holds it used it.
pub fn settle(found: Vec<Found>) -> Vec<Diagnostic> {
    type Key = (crate::source::FileId, usize, usize, &'static str, String);
    let mut groups: BTreeMap<Key, Vec<(Diagnostic, BTreeSet<usize>)>> = BTreeMap::new();
    for (i, environment) in found.iter().enumerate() {
        for diagnostic in &environment.diagnostics {
            let (file, start, end, code, message) = diagnostic.sort_key();
            let group = groups
                .entry((file, start, end, code, message.to_string()))
                .or_default();
            match group.iter_mut().find(|(d, _)| d == diagnostic) {
                Some((_, environments)) => {
                    environments.insert(i);
                }
                None => group.push((diagnostic.clone(), BTreeSet::from([i]))),
            }
        }
    }
    let mut out = Vec::new();
    for (mut diagnostic, environments) in groups.into_values().flatten() {
        let everywhere = environments.len() == found.len();
        if !everywhere {
            let holding = (0..found.len()).filter(|&i| sees(&found[i].others, diagnostic.span));
            if diagnostic.code.rule == Some(RuleId::S002)
                && !holding.into_iter().all(|i| environments.contains(&i))
            {
                continue;
            }
            let names: Vec<String> = (environments.iter())
                .map(|&i| format!("`{}`", found[i].name))
                .collect();
            let (noun, list) = match names.split_last() {
                Some((last, rest)) if !rest.is_empty() => {
                    ("environments", format!("{} and {last}", rest.join(", ")))
                }
                _ => ("environment", names.join("")),
            };
            diagnostic.message = format!("{} (in {noun} {list})", diagnostic.message);
        }
        out.push(diagnostic);
    }
    out
}
