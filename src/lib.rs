//! scalec: a declarative scaling-policy compiler and linter.
//!
//! Data flows one way: read ([`discover`]) → parse ([`syntax`]) → model
//! ([`lower`]) → check → emit → write. [`compile`] is the pure core that every
//! front end (the CLI, the language server) calls. See ARCHITECTURE.md.

// pest_derive without `std` (see Cargo.toml) names `alloc` in the code it writes.
extern crate alloc;

pub mod ast;
pub mod cli;
pub mod diag;
pub mod discover;
pub mod emit;
pub mod error;
pub mod export;
pub mod fmt;
pub mod ide;
pub mod lint;
pub mod lower;
pub mod lsp;
pub mod model;
pub mod names;
pub mod output;
pub mod plan;
pub mod render;
pub mod source;
pub mod syntax;

use diag::Diagnostic;
use model::Project;
use rayon::prelude::*;
use source::{ProjectFiles, SourceMap};

/// The result of checking a workspace.
#[derive(Debug)]
pub struct Compilation {
    /// Projects that lowered without language errors, in directory order:
    /// the only ones [`emit`] compiles.
    pub projects: Vec<Project>,
    /// Projects with language errors, in directory order, each holding only
    /// its complete entities ([`Project::complete_part`]; `omitted` names
    /// the rest). Lint judged them; nothing emits them. A project with a
    /// file that could not be read, or of which the parser recovered
    /// nothing, is in neither list.
    pub partial: Vec<Project>,
    /// Every finding, sorted by file, position and code.
    pub diagnostics: Vec<Diagnostic>,
}

impl Compilation {
    pub fn has_errors(&self) -> bool {
        self.diagnostics
            .iter()
            .any(|d| d.severity == diag::Severity::Error)
    }
}

/// Parses, lowers and lints every project, each the files of `sources` it
/// names. Pure: it reads only the text already in `sources`, so any front
/// end can call it: the CLI with what `discover` read, the language server
/// with its open documents in place of their files. Every file of `sources`
/// that could not be read ([`source::Unreadable`]) is reported as E009.
///
/// A file with syntax errors contributes what the parser recovered
/// ([`syntax::Recovered`]): its blocks without an error, and the kind and name
/// of each block with one. A project with a file that could not be read, or
/// of which nothing was recovered, is not lowered: its other files would
/// report references to what that file may declare. A project with language
/// errors is linted on its complete part (see [`model::Omitted`] and
/// [`lint::run`]), so `check` shows the findings of everything the errors do
/// not touch; it goes to [`Compilation::partial`], never to `projects`.
pub fn compile(
    sources: &SourceMap,
    projects_files: &[ProjectFiles],
    options: &lint::Options,
) -> Compilation {
    let mut diagnostics: Vec<Diagnostic> = sources.files().iter().filter_map(unreadable).collect();
    let mut projects = Vec::new();
    let mut partial = Vec::new();
    // Projects, and the files of each, are parsed, lowered and linted in
    // parallel; results are gathered in their order, and the diagnostics
    // sorted, so the thread count never shows.
    // Decided once: summing every file's size per project would cost
    // projects × files.
    let threads = worth_threads(sources);
    let compile_one = |project| compile_project(sources, project, options, threads);
    let checked: Vec<(Vec<Checked>, Vec<Diagnostic>)> = if threads {
        projects_files.par_iter().map(compile_one).collect()
    } else {
        projects_files.iter().map(compile_one).collect()
    };
    for (checked, found) in checked {
        diagnostics.extend(found);
        for checked in checked {
            match checked {
                Checked::Complete(project) => projects.push(project),
                Checked::Partial(project) => partial.push(project),
                Checked::Unknown => {}
            }
        }
    }
    diagnostics.extend(shared_outputs(projects_files));
    diagnostics.extend(emit::layout::shared_cluster_objects(&projects));
    diagnostics.par_sort_by(|a, b| {
        let path = |d: &Diagnostic| &sources.get(d.span.file).path;
        path(a)
            .cmp(path(b))
            .then_with(|| a.sort_key().cmp(&b.sort_key()))
    });
    diagnostics.dedup();
    Compilation {
        projects,
        partial,
        diagnostics,
    }
}

/// Whether the policies are large enough for threads to pay: starting them
/// costs more than checking a few small files (a pre-commit hook's usual
/// job) takes.
fn worth_threads(sources: &SourceMap) -> bool {
    const MIN_BYTES: usize = 64 * 1024;
    sources.files().iter().map(|f| f.text.len()).sum::<usize>() >= MIN_BYTES
}

/// One project as [`compile`] judged it.
enum Checked {
    /// Lowered without language errors.
    Complete(Project),
    /// With language errors: its complete part.
    Partial(Project),
    /// A file could not be read, or nothing of one was recovered.
    Unknown,
}

/// Parses (each file in parallel when `threads`), lowers and lints one
/// project.
fn compile_project(
    sources: &SourceMap,
    project: &ProjectFiles,
    options: &lint::Options,
    threads: bool,
) -> (Vec<Checked>, Vec<Diagnostic>) {
    let parse_one = |&file: &source::FileId| {
        let source = sources.get(file);
        if source.unreadable.is_some() {
            return None;
        }
        let mut sink = Vec::new();
        let parsed = syntax::parse(source, &mut sink);
        Some((parsed, sink))
    };
    let parsed: Vec<Option<(syntax::Parsed, Vec<Diagnostic>)>> = if threads {
        project.files.par_iter().map(parse_one).collect()
    } else {
        project.files.iter().map(parse_one).collect()
    };
    let mut diagnostics = Vec::new();
    let mut asts = Vec::with_capacity(project.files.len());
    let mut broken = Vec::new();
    let mut loose = false;
    let mut known = true;
    for parsed in parsed {
        let Some((parsed, found)) = parsed else {
            known = false;
            continue;
        };
        diagnostics.extend(found);
        match parsed {
            syntax::Parsed::Whole(ast) => asts.push(ast),
            syntax::Parsed::Recovered(recovered) => {
                broken.extend(recovered.broken);
                loose |= recovered.loose
                    || recovered.swallowed.iter().any(|nested| {
                        lower::schema::may_be_meant_for_top_level(&nested.kind, &nested.parent)
                    });
                asts.push(recovered.ast);
            }
            syntax::Parsed::Nothing => known = false,
        }
    }
    if !known {
        return (vec![Checked::Unknown], diagnostics);
    }
    let mut structure = Vec::new();
    let environments = lower::environments::resolve(&asts, &broken, &mut structure);
    if environments.is_empty() {
        diagnostics.extend(structure);
        let lowered =
            lower::lower_recovered(project.dir.clone(), &asts, &broken, loose, &mut diagnostics);
        // Nothing past lowering reads the trees: their memory serves the rest.
        drop(asts);
        let (checked, found) = finish(lowered, diagnostics, false, project, options);
        return (vec![checked], found);
    }
    drop(asts);
    let is_error = |d: &&Diagnostic| d.severity == diag::Severity::Error;
    let mut checked = Vec::new();
    let mut found = Vec::new();
    for environment in environments.into_iter().filter(|e| !e.stub) {
        // Errors already reported count where they may have changed
        // something: in the base, or in this environment's block.
        let errors = |list: &[Diagnostic]| {
            (list.iter())
                .filter(is_error)
                .any(|d| environment.sees(d.span))
        };
        // An error in the environments' blocks, or in what names them, may
        // have changed anything this environment holds.
        let context_unknown = errors(&structure);
        let earlier_errors = context_unknown || errors(&diagnostics);
        let name = environment.environment.name.value.clone();
        let others = environment.others.clone();
        let mut sink = Vec::new();
        let mut lowered = environment.lower(project.dir.clone(), &broken, loose, &mut sink);
        lowered.omitted.context |= context_unknown;
        let (one, diagnostics) = finish(lowered, sink, earlier_errors, project, options);
        checked.push(one);
        found.push(lower::environments::Found {
            name,
            others,
            diagnostics,
        });
    }
    diagnostics.extend(structure);
    diagnostics.extend(lower::environments::settle(found));
    (checked, diagnostics)
}

/// The checks after lowering: output collisions, the project's name and
/// lint, on the whole project or, when `diagnostics` or the findings before
/// them (`earlier_errors`) hold an error, its complete part.
fn finish(
    lowered: Project,
    mut diagnostics: Vec<Diagnostic>,
    earlier_errors: bool,
    project: &ProjectFiles,
    options: &lint::Options,
) -> (Checked, Vec<Diagnostic>) {
    diagnostics.extend(emit::layout::collisions(&lowered));
    // A `cluster` that does not parse may name the project.
    if !lowered.omitted.cluster_unparsed {
        diagnostics.extend(project_name_problem(&lowered, project));
    }
    let without_errors =
        !earlier_errors && (diagnostics.iter()).all(|d| d.severity != diag::Severity::Error);
    if without_errors {
        debug_assert!(
            lowered.omitted.is_empty(),
            "only language errors omit anything"
        );
        diagnostics.extend(lint::run(&lowered, options));
        (Checked::Complete(lowered), diagnostics)
    } else {
        let complete = lowered.complete_part();
        diagnostics.extend(lint::run(&complete, options));
        (Checked::Partial(complete), diagnostics)
    }
}

/// E009 for a file or directory that could not be read.
fn unreadable(file: &source::SourceFile) -> Option<Diagnostic> {
    let why = file.unreadable.as_ref()?;
    let message = format!("cannot read `{}`: {}", file.display_path(), why.problem);
    Some(
        Diagnostic::error(
            diag::codes::UNREADABLE_FILE,
            message,
            source::Span::new(file.id, 0, 0),
        )
        .with_help(why.help.clone()),
    )
}

/// E006 at the first file of a project whose name, taken from its
/// directory, cannot be the `app.kubernetes.io/part-of` label of its objects.
/// A name set with `cluster { project = NAME }` is checked where it is read.
fn project_name_problem(lowered: &model::Project, files: &ProjectFiles) -> Option<Diagnostic> {
    if lowered.cluster.project.is_some() {
        return None;
    }
    let &first = files.files.first()?;
    let name = emit::project_name(lowered, &files.output);
    let invalid = match &name {
        Some(name) => names::kubernetes::project_name(name).err()?,
        None => names::Invalid {
            problem: "the directory has no name".into(),
            rule: "the project's name is the `app.kubernetes.io/part-of` label of every object"
                .into(),
            rewrite: None,
        },
    };
    let example = invalid.rewrite.as_deref().unwrap_or("my-project");
    let message = match &name {
        Some(name) => format!(
            "the project `{name}` is named after its directory, which is not a Kubernetes label value"
        ),
        None => "the project has no directory name to be named after".to_string(),
    };
    Some(
        Diagnostic::error(
            diag::codes::INVALID_NAME,
            message,
            source::Span::new(first, 0, 0),
        )
        .with_label(invalid.problem.clone())
        .with_help(format!(
            "{}: rename the directory, or name the project in its `cluster` block: \
             `cluster {{ project = \"{example}\" }}`",
            invalid.rule
        )),
    )
}

/// E010 for projects that would be built into one output directory (`a/web`
/// and `b/web` both build into `web`), at the first file of each.
fn shared_outputs(projects: &[ProjectFiles]) -> Vec<Diagnostic> {
    let mut first: std::collections::BTreeMap<&std::path::Path, &ProjectFiles> =
        std::collections::BTreeMap::new();
    let mut diagnostics = Vec::new();
    for project in projects {
        let (Some(&file), Some(earlier)) = (project.files.first(), first.get(&*project.output))
        else {
            first.entry(&project.output).or_insert(project);
            continue;
        };
        let show = source::display_path;
        let mut diagnostic = Diagnostic::error(
            diag::codes::OUTPUT_COLLISION,
            format!(
                "projects `{}` and `{}` would both be built into `{}`",
                show(&earlier.dir),
                show(&project.dir),
                show(&project.output)
            ),
            source::Span::new(file, 0, 0),
        )
        .with_help(
            "build them in separate runs with separate output directories, or rename one directory",
        );
        if let Some(&other) = earlier.files.first() {
            diagnostic = diagnostic.with_related(
                source::Span::new(other, 0, 0),
                "a file of the other project",
            );
        }
        diagnostics.push(diagnostic);
    }
    diagnostics
}

/// The canonical text of a file (`scalec fmt`, and the language server's
/// formatting), or the diagnostics that stop it: the file could not be read
/// (E009), a syntax error, or a comment the formatter could not place.
/// Pure, like [`compile`].
pub fn format(file: &source::SourceFile) -> Result<String, Vec<Diagnostic>> {
    if let Some(e009) = unreadable(file) {
        return Err(vec![e009]);
    }
    let mut diagnostics = Vec::new();
    let Some(ast) = syntax::parse_file(file, &mut diagnostics) else {
        return Err(diagnostics);
    };
    if !diagnostics.is_empty() {
        return Err(diagnostics);
    }
    fmt::format(&ast, &file.text).ok_or_else(|| {
        vec![
            Diagnostic::error(
                diag::codes::SYNTAX_ERROR,
                "scalec cannot format this file without moving a comment; it was left as it is",
                source::Span::new(file.id, 0, 0),
            )
            .with_help("please report this file to the scalec maintainers"),
        ]
    })
}

/// Compiles every project of a compilation into one set of files, each
/// project under its output directory. Call only when the compilation has
/// no errors. Only [`Compilation::projects`] is read: a partial project is
/// never emitted, whatever the caller does.
pub fn emit(
    sources: &SourceMap,
    projects: &[ProjectFiles],
    compilation: &Compilation,
) -> emit::OutputSet {
    let mut set = emit::OutputSet::default();
    let mut files = Vec::new();
    for project in &compilation.projects {
        let output = projects
            .iter()
            .find(|p| p.dir == project.dir)
            .map(|p| p.output.clone())
            .expect("every compiled project is one of `projects`");
        // A project with environments writes nothing into its own
        // directory: what an earlier build wrote there is stale.
        if project.environment.is_some() {
            set.dirs.insert(output.clone());
        }
        set.dirs.insert(emit::output_dir(project, &output));
        files.extend(
            emit::emit_project(project, &output, sources)
                .into_iter()
                .map(|file| (file.path, file.content)),
        );
    }
    // Each project's files come sorted: the map is built from sorted runs
    // instead of one search per file.
    let count = files.len();
    set.files = files.into_iter().collect();
    debug_assert_eq!(
        set.files.len(),
        count,
        "compile reports colliding outputs (E010)"
    );
    set
}
