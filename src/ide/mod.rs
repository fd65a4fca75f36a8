//! Editor features, as plain functions over a workspace's text: hover, go to
//! definition, references, rename, document and workspace symbols,
//! completion, code actions and semantic tokens. The language server
//! (`src/lsp/`) calls them and speaks the protocol; nothing here knows it.
//!
//! Positions are byte offsets into a file's text and results are
//! [`Span`]s; the server converts to and from the client's UTF-16 positions.
//!
//! Everything starts from an [`Analysis`] of sources and projects, as
//! [`crate::compile`] takes them: the syntax tree
//! of each file, repaired when it does not parse ([`recover`]), and the model
//! of each project lowered from those trees even when it has errors, so the
//! features keep working while a file is broken. Completion and semantic
//! tokens read the text itself through a forgiving lexer ([`lex`]), since
//! they work on exactly the line being typed.

pub mod actions;
pub mod completion;
pub mod hover;
pub mod lex;
pub mod navigate;
pub mod recover;
pub mod rename;
pub mod symbols;
pub mod tokens;

use crate::ast::{Ast, Attribute, Block, Item, Value, ValueKind};
use crate::model::Project;
use crate::source::{FileId, ProjectFiles, SourceFile, SourceMap, Span};

/// A text edit: replace `span` with `new_text`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edit {
    pub span: Span,
    pub new_text: String,
}

/// What the features read: the files' text, each file's syntax tree and
/// each project's model.
pub struct Analysis<'w> {
    sources: &'w SourceMap,
    projects: &'w [ProjectFiles],
    /// By file id: the tree, repaired if need be; `None` for a file that
    /// could not be read or repaired.
    asts: Vec<Option<Ast>>,
    /// By project, in workspace order: the model lowered from the trees,
    /// errors and all; for a project with environments, its base.
    models: Vec<Project>,
    /// By project: the model of each of its environments, in the order they
    /// are declared (none for a project without).
    environments: Vec<Vec<Project>>,
}

impl<'w> Analysis<'w> {
    /// Parses every file (repairing those that do not parse) and lowers every
    /// project. Pure, like [`crate::compile`].
    pub fn new(sources: &'w SourceMap, projects: &'w [ProjectFiles]) -> Self {
        let asts: Vec<Option<Ast>> = sources
            .files()
            .iter()
            .map(|file| {
                if file.unreadable.is_some() {
                    None
                } else {
                    recover::parse_tolerant(file)
                }
            })
            .collect();
        let (models, environments) = projects
            .iter()
            .map(|project| {
                let trees: Vec<Ast> = project
                    .files
                    .iter()
                    .filter_map(|f| asts[f.0 as usize].clone())
                    .collect();
                let mut ignored = Vec::new();
                let environments = (crate::lower::environments::resolve(&trees, &[], &mut ignored)
                    .into_iter())
                .filter(|resolved| !resolved.stub)
                .map(|resolved| resolved.lower(project.dir.clone(), &[], false, &mut ignored))
                .collect();
                let base = crate::lower::lower_project(project.dir.clone(), &trees, &mut ignored);
                (base, environments)
            })
            .unzip();
        Analysis {
            sources,
            projects,
            asts,
            models,
            environments,
        }
    }

    pub fn sources(&self) -> &'w SourceMap {
        self.sources
    }

    /// The projects, in the order they were given.
    pub fn projects(&self) -> &'w [ProjectFiles] {
        self.projects
    }

    pub fn file(&self, file: FileId) -> &'w SourceFile {
        self.sources.get(file)
    }

    pub fn text(&self, file: FileId) -> &'w str {
        &self.file(file).text
    }

    /// The syntax tree of `file`, if it could be read and parsed or repaired.
    pub fn ast(&self, file: FileId) -> Option<&Ast> {
        self.asts.get(file.0 as usize)?.as_ref()
    }

    /// The index of the project `file` belongs to.
    pub fn project_of(&self, file: FileId) -> Option<usize> {
        self.projects.iter().position(|p| p.files.contains(&file))
    }

    /// The files of the project `file` belongs to (just `file` when it
    /// belongs to none).
    pub fn project_files(&self, file: FileId) -> Vec<FileId> {
        match self.project_of(file) {
            Some(project) => self.projects[project].files.clone(),
            None => vec![file],
        }
    }

    /// The model of the project `file` belongs to.
    pub fn model(&self, file: FileId) -> Option<&Project> {
        self.models.get(self.project_of(file)?)
    }

    /// The models of the environments of the project `file` belongs to.
    pub fn environments(&self, file: FileId) -> &[Project] {
        match self.project_of(file) {
            Some(project) => &self.environments[project],
            None => &[],
        }
    }

    /// The trees of the project `file` belongs to.
    pub fn project_asts(&self, file: FileId) -> Vec<&Ast> {
        self.project_files(file)
            .into_iter()
            .filter_map(|f| self.ast(f))
            .collect()
    }
}

/// What a cursor is on, in a syntax tree.
#[derive(Clone, Copy, Debug)]
pub enum Target<'a> {
    /// The kind of a block: `service` of `service api { }`.
    Kind(&'a Block),
    /// The label of a block: `api`.
    Label(&'a Block),
    /// The name of an attribute.
    AttributeName(&'a Attribute),
    /// A value of an attribute: the innermost one under the cursor.
    Value(&'a Attribute, &'a Value),
}

/// A [`Target`] and the blocks around it, outermost first.
#[derive(Clone, Debug)]
pub struct Found<'a> {
    pub target: Target<'a>,
    /// The enclosing blocks, outermost first; for a kind or label, the
    /// blocks around its block (not the block itself).
    pub parents: Vec<&'a Block>,
}

impl Found<'_> {
    /// The span of what the cursor is on.
    pub fn span(&self) -> Span {
        match self.target {
            Target::Kind(block) => block.kind.span,
            Target::Label(block) => block.label.as_ref().map_or(block.kind.span, |l| l.span),
            Target::AttributeName(attribute) => attribute.name.span,
            Target::Value(_, value) => value.span,
        }
    }
}

/// Whether a cursor at `offset` is on `span` (its end included, so that a
/// cursor right after a word is on it).
pub fn on(span: Span, offset: usize) -> bool {
    span.start <= offset && offset <= span.end
}

/// What the cursor at `offset` is on in `ast`.
pub fn find(ast: &Ast, offset: usize) -> Option<Found<'_>> {
    let mut parents = Vec::new();
    find_in(&ast.items, offset, &mut parents)
}

fn find_in<'a>(
    items: &'a [Item],
    offset: usize,
    parents: &mut Vec<&'a Block>,
) -> Option<Found<'a>> {
    for item in items {
        match item {
            Item::Block(block) => {
                if !on(block.span, offset) {
                    continue;
                }
                if on(block.kind.span, offset) {
                    return Some(Found {
                        target: Target::Kind(block),
                        parents: parents.clone(),
                    });
                }
                if let Some(label) = &block.label
                    && on(label.span, offset)
                {
                    return Some(Found {
                        target: Target::Label(block),
                        parents: parents.clone(),
                    });
                }
                parents.push(block);
                if let Some(found) = find_in(&block.items, offset, parents) {
                    return Some(found);
                }
                parents.pop();
            }
            Item::Attribute(attribute) => {
                if !on(attribute.span, offset) {
                    continue;
                }
                if on(attribute.name.span, offset) {
                    return Some(Found {
                        target: Target::AttributeName(attribute),
                        parents: parents.clone(),
                    });
                }
                if on(attribute.value.span, offset) {
                    return Some(Found {
                        target: Target::Value(attribute, innermost(&attribute.value, offset)),
                        parents: parents.clone(),
                    });
                }
            }
        }
    }
    None
}

/// The innermost value of `value` under the cursor.
fn innermost(value: &Value, offset: usize) -> &Value {
    let inner: Vec<&Value> = match &value.kind {
        ValueKind::Range(a, b) | ValueKind::Rate(a, b) => vec![a, b],
        ValueKind::List(items) => items.iter().collect(),
        ValueKind::Call(_, args) => args.iter().collect(),
        _ => Vec::new(),
    };
    inner
        .into_iter()
        .find(|v| on(v.span, offset))
        .map_or(value, |v| innermost(v, offset))
}

/// The kinds of names the language refers to by name: what go to
/// definition, references and rename work on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum NameKind {
    Metric,
    Queue,
    Schedule,
    Service,
    Database,
    TriggerAuth,
}

impl NameKind {
    /// The block kind that declares the name.
    pub fn block_kind(self) -> &'static str {
        match self {
            NameKind::Metric => "metric",
            NameKind::Queue => "queue",
            NameKind::Schedule => "schedule",
            NameKind::Service => "service",
            NameKind::Database => "database",
            NameKind::TriggerAuth => "trigger_auth",
        }
    }

    fn of_block(kind: &str) -> Option<NameKind> {
        match kind {
            "metric" => Some(NameKind::Metric),
            "queue" => Some(NameKind::Queue),
            "schedule" => Some(NameKind::Schedule),
            "service" => Some(NameKind::Service),
            "database" => Some(NameKind::Database),
            "trigger_auth" => Some(NameKind::TriggerAuth),
            _ => None,
        }
    }
}

/// A name under the cursor: a declaration's label or a reference to one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NameAt {
    /// What the name can refer to: a `scale` reference may be a metric or a
    /// queue (they share one namespace), a `calls` reference a service or a
    /// database.
    pub kinds: Vec<NameKind>,
    pub name: String,
    /// The label under the cursor.
    pub span: Span,
}

/// The declaration or reference under the cursor at `offset` in `file`.
pub fn name_at(analysis: &Analysis<'_>, file: FileId, offset: usize) -> Option<NameAt> {
    let found = find(analysis.ast(file)?, offset)?;
    let block = match found.target {
        Target::Label(block) => block,
        Target::Value(attribute, _)
            if attribute.name.name == "calls" && refers_by_name(found.parents.last()?) =>
        {
            let (name, span) = called(&attribute.value).find(|(_, span)| on(*span, offset))?;
            return Some(NameAt {
                kinds: vec![NameKind::Service, NameKind::Database],
                name: name.to_string(),
                span,
            });
        }
        Target::Value(attribute, _)
            if attribute.name.name == "auth" && is_queue(found.parents.last()?) =>
        {
            let (name, span) = authenticated_by(&attribute.value)?;
            return Some(NameAt {
                kinds: vec![NameKind::TriggerAuth],
                name: name.to_string(),
                span,
            });
        }
        _ => return None,
    };
    let label = block.label.as_ref()?;
    // An environment's override names the base block it changes.
    let overrides = found.parents.len() == 1 && found.parents[0].kind.name == ENVIRONMENT;
    let kinds = if found.parents.is_empty() || overrides {
        vec![NameKind::of_block(&block.kind.name)?]
    } else if block.kind.name == "scale" && refers_by_name(found.parents.last()?) {
        if matches!(label.text.as_str(), "cpu" | "memory") {
            return None;
        }
        vec![NameKind::Metric, NameKind::Queue, NameKind::Schedule]
    } else if block.kind.name == "connections" && refers_by_name(found.parents.last()?) {
        vec![NameKind::Database]
    } else if block.kind.name == "target" && found.parents.last()?.kind.name == "loadtest" {
        vec![NameKind::Service]
    } else {
        return None;
    };
    Some(NameAt {
        kinds,
        name: label.text.clone(),
        span: label.span,
    })
}

/// Blocks that refer to others by name: services and `defaults`, whose
/// `scale` blocks name metrics and queues, whose `calls` name services
/// and databases and whose `connections` blocks name databases.
fn refers_by_name(block: &Block) -> bool {
    matches!(block.kind.name.as_str(), "service" | "defaults")
}

/// A top-level `queue` block, whose `auth` names a `trigger_auth`.
fn is_queue(block: &Block) -> bool {
    block.kind.name == "queue"
}

/// The TriggerAuthentication a queue's `auth` value names, with its span:
/// none for `operator`, KEDA's own identity.
fn authenticated_by(value: &Value) -> Option<(&str, Span)> {
    match &value.kind {
        ValueKind::Ident(name) | ValueKind::String(name)
            if name != crate::model::QueueAuth::OPERATOR =>
        {
            Some((name.as_str(), value.span))
        }
        _ => None,
    }
}

/// The names a `calls` value refers to, with their spans: `cart` and the
/// `payments` of `payments(grpc)` (a port inside the parentheses is not a
/// service's name).
fn called(value: &Value) -> impl Iterator<Item = (&str, Span)> {
    let items = match &value.kind {
        ValueKind::List(items) => items.as_slice(),
        _ => std::slice::from_ref(value),
    };
    items.iter().filter_map(|item| match &item.kind {
        ValueKind::Ident(name) => Some((name.as_str(), item.span)),
        ValueKind::Call(function, _) => Some((function.name.as_str(), function.span)),
        _ => None,
    })
}

/// Every declaration of `name` as one of `kinds` in the project of `file`:
/// the labels of top-level blocks, in file order.
pub fn declarations(
    analysis: &Analysis<'_>,
    file: FileId,
    kinds: &[NameKind],
    name: &str,
) -> Vec<Span> {
    let mut out = Vec::new();
    for ast in analysis.project_asts(file) {
        for item in &ast.items {
            let Item::Block(block) = item else { continue };
            let Some(label) = &block.label else { continue };
            let kind = NameKind::of_block(&block.kind.name);
            if kind.is_some_and(|k| kinds.contains(&k)) && label.text == name {
                out.push(label.span);
            }
        }
    }
    out
}

/// Every reference to `name` in the project of `file`, in file order: for
/// a metric or a queue, the labels of the `scale` blocks of services and
/// `defaults`; for a service or a database, the names in their `calls`, and
/// for a database the labels of `connections` blocks, and for a service the
/// labels of load tests' `target` blocks; for a `trigger_auth`,
/// the `auth` of queues.
pub fn references_to(
    analysis: &Analysis<'_>,
    file: FileId,
    kinds: &[NameKind],
    name: &str,
) -> Vec<Span> {
    let signals = (kinds.iter())
        .any(|k| matches!(k, NameKind::Metric | NameKind::Queue | NameKind::Schedule));
    let auths = kinds.contains(&NameKind::TriggerAuth);
    let callees = (kinds.iter()).any(|k| matches!(k, NameKind::Service | NameKind::Database));
    let mut out = Vec::new();
    for ast in analysis.project_asts(file) {
        for owner in top_level_and_overrides(ast) {
            if owner.overrides {
                let kind = NameKind::of_block(&owner.block.kind.name);
                if let Some(label) = owner.block.label.as_ref()
                    && kind.is_some_and(|k| kinds.contains(&k))
                    && label.text == name
                {
                    out.push(label.span);
                }
            }
            let owner = owner.block;
            for child in &owner.items {
                match child {
                    Item::Block(scale)
                        if signals && scale.kind.name == "scale" && refers_by_name(owner) =>
                    {
                        if let Some(label) = scale.label.as_ref().filter(|l| l.text == name) {
                            out.push(label.span);
                        }
                    }
                    Item::Block(connections)
                        if kinds.contains(&NameKind::Database)
                            && connections.kind.name == "connections"
                            && refers_by_name(owner) =>
                    {
                        if let Some(label) = connections.label.as_ref().filter(|l| l.text == name) {
                            out.push(label.span);
                        }
                    }
                    Item::Block(target)
                        if kinds.contains(&NameKind::Service)
                            && target.kind.name == "target"
                            && owner.kind.name == "loadtest" =>
                    {
                        if let Some(label) = target.label.as_ref().filter(|l| l.text == name) {
                            out.push(label.span);
                        }
                    }
                    Item::Attribute(auth)
                        if auths && auth.name.name == "auth" && is_queue(owner) =>
                    {
                        if let Some((_, span)) =
                            authenticated_by(&auth.value).filter(|(named, _)| *named == name)
                        {
                            out.push(span);
                        }
                    }
                    Item::Attribute(calls)
                        if callees && calls.name.name == "calls" && refers_by_name(owner) =>
                    {
                        (called(&calls.value))
                            .filter(|(called, _)| *called == name)
                            .for_each(|(_, span)| out.push(span));
                    }
                    _ => {}
                }
            }
        }
    }
    out
}

const ENVIRONMENT: &str = crate::lower::environments::KIND;

/// A block that may refer to others: a top-level block, or one in an
/// `environment` (an override, which also names the block it changes).
struct Owner<'a> {
    block: &'a Block,
    overrides: bool,
}

/// The top-level blocks of a file but `environment`s, and the blocks in
/// each `environment`, in file order.
fn top_level_and_overrides(ast: &Ast) -> impl Iterator<Item = Owner<'_>> {
    ast.items.iter().flat_map(|item| {
        let blocks: Vec<Owner<'_>> = match item {
            Item::Block(block) if block.kind.name == ENVIRONMENT => (block.items.iter())
                .filter_map(|item| match item {
                    Item::Block(block) => Some(Owner {
                        block,
                        overrides: true,
                    }),
                    Item::Attribute(_) => None,
                })
                .collect(),
            Item::Block(block) => vec![Owner {
                block,
                overrides: false,
            }],
            Item::Attribute(_) => Vec::new(),
        };
        blocks
    })
}

/// The indentation (spaces and tabs) of the line holding `offset`.
pub(crate) fn indentation(text: &str, offset: usize) -> &str {
    let start = crate::source::line_start(text, offset);
    let line = &text[start..crate::source::line_end(text, start)];
    &line[..line.len() - line.trim_start_matches([' ', '\t']).len()]
}

#[cfg(test)]
pub(crate) mod testing {
    //! A workspace made by hand from (path, text) pairs, one project per
    //! directory, as `discover` would make it.

    use std::collections::BTreeMap;
    use std::path::{Path, PathBuf};

    use crate::discover::Workspace;
    use crate::source::FileId;
    use crate::source::ProjectFiles;

    pub fn workspace(files: &[(&str, &str)]) -> Workspace {
        let mut workspace = Workspace::default();
        let mut projects: BTreeMap<PathBuf, Vec<FileId>> = BTreeMap::new();
        for (path, text) in files {
            let id = workspace.sources.add(*path, text);
            let dir = Path::new(path)
                .parent()
                .unwrap_or(Path::new(""))
                .to_path_buf();
            projects.entry(dir).or_default().push(id);
        }
        for (dir, files) in projects {
            let output = PathBuf::from(dir.file_name().unwrap_or_default());
            workspace.projects.push(ProjectFiles { dir, output, files });
        }
        workspace
    }

    /// `text` with the first `|` removed, and its offset.
    pub fn cursor(text: &str) -> (String, usize) {
        let at = text.find('|').expect("a `|` marks the cursor");
        (text.replacen('|', "", 1), at)
    }
}

#[cfg(test)]
mod tests {
    use super::testing::workspace;
    use super::*;

    #[test]
    fn find_names_what_the_cursor_is_on() {
        let text = "service api {\n  replicas = 2 .. 10\n  scale cpu { utilization = 70% }\n}\n";
        let ws = workspace(&[("p/a.scale", text)]);
        let analysis = Analysis::new(&ws.sources, &ws.projects);
        let ast = analysis.ast(FileId(0)).expect("parses");
        let at = |needle: &str| text.find(needle).expect("in text");
        assert!(
            matches!(find(ast, 0).unwrap().target, Target::Kind(b) if b.kind.name == "service")
        );
        assert!(matches!(
            find(ast, at("api") + 3).unwrap().target,
            Target::Label(_)
        ));
        let found = find(ast, at("replicas") + 2).unwrap();
        assert!(matches!(found.target, Target::AttributeName(a) if a.name.name == "replicas"));
        assert_eq!(found.parents.len(), 1);
        let found = find(ast, at("10")).unwrap();
        assert_eq!(&text[found.span().start..found.span().end], "10");
        let found = find(ast, at("70%")).unwrap();
        assert_eq!(found.parents.len(), 2);
        assert!(find(ast, at("\n}")).is_none());
    }

    #[test]
    fn names_and_their_references_across_files() {
        let a = "service api {\n  image = \"a:1\"\n  replicas = 1 .. 3\n  scale rps { average = 5 }\n}\n";
        let b = "metric rps { kind = pods }\ndefaults {\n  scale rps { average = 1 }\n}\n";
        let ws = workspace(&[("p/a.scale", a), ("p/b.scale", b), ("q/c.scale", b)]);
        let analysis = Analysis::new(&ws.sources, &ws.projects);
        let on_reference = name_at(&analysis, FileId(0), a.find("rps").unwrap()).unwrap();
        assert_eq!(on_reference.name, "rps");
        assert_eq!(
            on_reference.kinds,
            [NameKind::Metric, NameKind::Queue, NameKind::Schedule]
        );
        let declared = declarations(&analysis, FileId(0), &on_reference.kinds, "rps");
        assert_eq!(declared, [Span::new(FileId(1), 7, 10)]);
        let used = references_to(&analysis, FileId(1), &[NameKind::Metric], "rps");
        assert_eq!(used.len(), 2, "the other project's use is not counted");
        assert!(name_at(&analysis, FileId(0), a.find("cpu").unwrap_or(0)).is_none());
        let service = name_at(&analysis, FileId(0), 9).unwrap();
        assert_eq!(service.kinds, [NameKind::Service]);
    }

    #[test]
    fn a_scale_block_refers_to_a_schedule() {
        let a = "service api {\n  scale office { replicas = 2 }\n}\n";
        let b = "schedule office {\n  timezone = \"UTC\"\n}\n";
        let ws = workspace(&[("p/a.scale", a), ("p/b.scale", b)]);
        let analysis = Analysis::new(&ws.sources, &ws.projects);
        let on_reference = name_at(&analysis, FileId(0), a.find("office").unwrap()).unwrap();
        let declared = declarations(&analysis, FileId(0), &on_reference.kinds, "office");
        assert_eq!(declared, [Span::new(FileId(1), 9, 15)]);
        let on_declaration = name_at(&analysis, FileId(1), 10).unwrap();
        assert_eq!(on_declaration.kinds, [NameKind::Schedule]);
        let used = references_to(&analysis, FileId(1), &on_declaration.kinds, "office");
        assert_eq!(used, [Span::new(FileId(0), 22, 28)]);
    }
}
