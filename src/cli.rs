//! The command line: clap types, subcommands, printing and exit codes.
//!
//! Exit codes are decided here and nowhere else:
//! 0 no errors; 1 errors found; 2 scalec could not run (bad flags, a missing
//! path, I/O). clap exits 2 on usage errors by itself.

use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use crate::diag::Severity;
use crate::render::{self, Format, HumanOptions};
use crate::{compile, discover, lint};

/// scalec: compile and lint declarative scaling policies.
#[derive(Debug, Parser)]
#[command(name = "scalec", version, about, max_term_width = 100)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Parse and check policies; print every finding.
    ///
    /// Each directory of `.scale` files is one project. Naming a file checks its
    /// whole directory, so references across files resolve.
    Check(CheckCommand),
    /// Check policies, then compile them into Kubernetes and MongoDB manifests.
    ///
    /// Nothing is written when a policy has an error. Writes are atomic per
    /// file; stale files are deleted only if scalec generated them.
    Build(BuildArgs),
    /// Rewrite policy files in the canonical layout.
    ///
    /// Comments are kept; meaning never changes. A file with a syntax error is
    /// reported and left as it is.
    Fmt(FmtArgs),
    /// Replay load against policies: how each autoscaler scales, what is
    /// served, how queues drain and the node pool fills.
    ///
    /// The load is the table of --load, a `loadtest` block (--loadtest), or
    /// else the `load` blocks of the policy. Prints a report per project and the findings of the replay
    /// rules (P codes); exits 1 when one is an error. See docs/plan.md.
    Plan(PlanArgs),
    /// Check policies, then print the resolved model of each project as JSON.
    ///
    /// One document (see `scalec schema model`): every service's values with
    /// `defaults` applied, in canonical units, and where each was written.
    /// Nothing is printed when a policy has an error.
    Export(ExportArgs),
    /// List the lint rules, or print one rule's documentation.
    Explain {
        /// A rule code or name, e.g. `K101` or `missing-max-replicas`.
        rule: Option<String>,
        /// Print as text or JSON.
        #[arg(long, value_enum, default_value_t = ExplainFormat::Text)]
        format: ExplainFormat,
    },
    /// Print a JSON Schema of scalec's machine-readable output.
    Schema {
        #[arg(value_enum)]
        which: SchemaKind,
    },
    /// Run the language server on standard input and output (for editors).
    ///
    /// Diagnostics as `check` reports them, for open documents with their
    /// unsaved text, and formatting as `fmt` does it.
    Lsp {
        /// Accepted and ignored: standard input and output are the only
        /// transport (some clients pass it).
        #[arg(long)]
        stdio: bool,
    },
}

/// What `check` and `build` read and how they report findings.
#[derive(Debug, clap::Args)]
struct CheckArgs {
    /// Files or directories to check [default: .]
    paths: Vec<PathBuf>,
    /// How to print findings.
    #[arg(long, value_enum, default_value_t = FormatArg::Human)]
    format: FormatArg,
    /// When to colour the human report.
    #[arg(long, value_enum, default_value_t = ColorArg::Auto)]
    color: ColorArg,
    #[command(flatten)]
    lint: LintArgs,
}

#[derive(Debug, clap::Args)]
struct CheckCommand {
    #[command(flatten)]
    input: CheckArgs,
    /// Check standard input as the text of the file named by --stdin-path (for
    /// editors checking an unsaved buffer).
    #[arg(long, requires = "stdin_path", conflicts_with = "paths")]
    stdin: bool,
    /// The `.scale` file standard input stands for; the rest of its directory
    /// is read from disk, and findings name this path. It need not exist.
    #[arg(long, value_name = "PATH", requires = "stdin")]
    stdin_path: Option<PathBuf>,
}

#[derive(Debug, clap::Args)]
struct FmtArgs {
    /// Files or directories to format [default: .]
    paths: Vec<PathBuf>,
    /// Write nothing: print a diff for each file that would change and exit 1
    /// if any would.
    #[arg(long, conflicts_with_all = ["stdout", "stdin"])]
    check: bool,
    /// Write nothing: print the formatted text of the one file named.
    #[arg(long, conflicts_with = "stdin")]
    stdout: bool,
    /// Format standard input and print it (for editors formatting a buffer).
    #[arg(long)]
    stdin: bool,
    /// When to colour reports of syntax errors.
    #[arg(long, value_enum, default_value_t = ColorArg::Auto)]
    color: ColorArg,
}

#[derive(Debug, clap::Args)]
struct PlanArgs {
    /// Files or directories of policies [default: .]
    paths: Vec<PathBuf>,
    /// A load table: a `time` column, then one column of rates per service
    /// (requests a second) or queue (messages a second). One project only.
    #[arg(long, value_name = "FILE", conflicts_with = "loadtest")]
    load: Option<PathBuf>,
    /// Replay the load a `loadtest` block drives, in each project that has
    /// one of this name (then 20 minutes at no load).
    #[arg(long, value_name = "NAME")]
    loadtest: Option<String>,
    /// Show every service at this time of the replay (`12m`, `1h30m`)
    /// instead of the timeline.
    #[arg(long, value_name = "TIME")]
    at: Option<String>,
    /// How to print the replay.
    #[arg(long, value_enum, default_value_t = PlanFormat::Human)]
    format: PlanFormat,
    /// Write an SVG chart of each simulated service (pods and load over
    /// time) into this directory, as PROJECT/SERVICE.svg; like `build`, it
    /// replaces only files it wrote.
    #[arg(long, value_name = "DIR")]
    chart: Option<PathBuf>,
    /// Replay only this environment of each project that declares
    /// environments.
    #[arg(long, value_name = "NAME")]
    env: Option<String>,
    /// When to colour the findings.
    #[arg(long, value_enum, default_value_t = ColorArg::Auto)]
    color: ColorArg,
    #[command(flatten)]
    lint: LintArgs,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum PlanFormat {
    /// Tables and a timeline, then the findings as `check` shows them.
    Human,
    /// One JSON document (see `scalec schema plan`).
    Json,
}

#[derive(Debug, clap::Args)]
struct BuildArgs {
    #[command(flatten)]
    input: CheckArgs,
    /// The output directory; each project builds into its own subdirectory.
    #[arg(
        short = 'o',
        long = "out",
        value_name = "DIR",
        required_unless_present = "stdout"
    )]
    out: Option<PathBuf>,
    /// Write nothing: show how DIR differs from a fresh build (diff, missing and
    /// stale files) and exit 1 if it does.
    #[arg(long, conflicts_with = "stdout")]
    check: bool,
    /// Write nothing: print every manifest as one YAML stream, for
    /// `kubectl apply -f -`.
    #[arg(long)]
    stdout: bool,
    /// Build only this environment of each project that declares
    /// environments (projects without any are built whole).
    #[arg(long, value_name = "NAME")]
    env: Option<String>,
}

/// Lint settings shared by `check` and `build`; they win over `lint { }` blocks.
#[derive(Debug, clap::Args)]
struct LintArgs {
    /// Report this rule (code or name) as an error; `--deny warnings` makes
    /// every warning an error. Repeatable.
    #[arg(long, value_name = "RULE")]
    deny: Vec<String>,
    /// Turn this rule (code or name) off. Repeatable.
    #[arg(long, value_name = "RULE")]
    allow: Vec<String>,
    /// Also show `info` findings.
    #[arg(long, short)]
    verbose: bool,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum ExplainFormat {
    Text,
    Json,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum FormatArg {
    /// miette's graphical report with source snippets.
    Human,
    /// One line per finding: `path:line:col: severity[CODE]: message`.
    Short,
    /// A JSON array of findings (see `scalec schema diagnostics`).
    Json,
    /// A SARIF 2.1.0 log, for GitHub code scanning (upload-sarif) and other
    /// SARIF viewers.
    Sarif,
    /// GitHub Actions workflow commands (`::error file=…::…`): annotations on
    /// the lines of a pull request.
    Github,
    /// A JUnit XML report: a testsuite per project, a testcase per file.
    Junit,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum ColorArg {
    /// Colour when standard output is a terminal and NO_COLOR is not set.
    Auto,
    Always,
    Never,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum SchemaKind {
    /// The findings printed by `scalec check --format json`.
    Diagnostics,
    /// The replay printed by `scalec plan --format json`.
    Plan,
    /// The model printed by `scalec export`.
    Model,
}

/// Parses the command line, runs the command and returns the exit code.
pub fn run() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Check(args) => check(args),
        Command::Build(args) => build(args),
        Command::Fmt(args) => fmt(args),
        Command::Explain { rule, format } => explain(rule.as_deref(), format),
        Command::Plan(args) => plan(args),
        Command::Export(args) => export(args),
        Command::Schema {
            which: SchemaKind::Model,
        } => print(&crate::export::schema()).map(|()| ExitCode::SUCCESS),
        Command::Schema {
            which: SchemaKind::Diagnostics,
        } => print(&render::json_schema()).map(|()| ExitCode::SUCCESS),
        Command::Schema {
            which: SchemaKind::Plan,
        } => print(&crate::plan::json::schema()).map(|()| ExitCode::SUCCESS),
        Command::Lsp { stdio: _ } => Ok(crate::lsp::run()),
    };
    match result {
        Ok(code) => code,
        Err(error) => {
            note(&format!("scalec: error: {error}"));
            ExitCode::from(2)
        }
    }
}

/// The result of reading and checking, or the exit code to stop with.
struct Checked {
    workspace: discover::Workspace,
    compilation: crate::Compilation,
}

/// Reads and checks the inputs, with `buffer` in place of its file, and prints
/// the findings (to standard error when standard output carries manifests).
/// `Err(code)` ends the run: `ExitCode::SUCCESS` when no policy file was
/// found (a warning said so), which `export` answers with an empty document.
fn read_and_check(
    args: &CheckArgs,
    findings_to_stderr: bool,
    buffer: Option<&discover::Buffer>,
) -> Result<Result<Checked, ExitCode>, crate::error::Error> {
    let paths = if args.paths.is_empty() && buffer.is_none() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    let options =
        match lint::Options::from_flags(&args.lint.deny, &args.lint.allow, args.lint.verbose) {
            Ok(options) => options,
            Err(problem) => {
                note(&format!("scalec: error: {problem}"));
                return Ok(Err(ExitCode::from(2)));
            }
        };
    let workspace = discover::load_with(&paths, buffer)?;
    let format = match args.format {
        FormatArg::Human => Format::Human,
        FormatArg::Short => Format::Short,
        FormatArg::Json => Format::Json,
        FormatArg::Sarif => Format::Sarif,
        FormatArg::Github => Format::Github,
        FormatArg::Junit => Format::Junit,
    };
    let human = HumanOptions {
        color: use_color(args.color),
        width: 100,
    };
    if workspace.sources.files().is_empty() {
        if format.is_document() {
            // A program reading the report gets one, with nothing in it.
            let report = render::render(&[], &workspace.sources, format, human);
            if findings_to_stderr {
                note_raw(&report);
            } else {
                print(&report)?;
            }
        }
        note(&format!(
            "scalec: warning: no .{} files found in {}",
            discover::EXTENSION,
            paths
                .iter()
                .map(|p| format!("`{}`", p.display()))
                .collect::<Vec<_>>()
                .join(", ")
        ));
        return Ok(Err(ExitCode::SUCCESS));
    }
    let compilation = compile(&workspace.sources, &workspace.projects, &options);
    let report = render::render(&compilation.diagnostics, &workspace.sources, format, human);
    if findings_to_stderr {
        note_raw(&report);
    } else {
        print(&report)?;
    }
    if format == Format::Human {
        note(&summary(
            &compilation.diagnostics,
            workspace.sources.files().len(),
        ));
    }
    Ok(Ok(Checked {
        workspace,
        compilation,
    }))
}

fn check(args: CheckCommand) -> Result<ExitCode, crate::error::Error> {
    let buffer = match args.stdin_path {
        Some(path) if args.stdin => {
            let mut bytes = Vec::new();
            if let Err(source) = std::io::Read::read_to_end(&mut io::stdin(), &mut bytes) {
                return Err(crate::error::Error::Path {
                    path: PathBuf::from("<stdin>"),
                    source,
                });
            }
            Some(discover::Buffer { path, bytes })
        }
        _ => None,
    };
    let checked = match read_and_check(&args.input, false, buffer.as_ref())? {
        Ok(checked) => checked,
        Err(code) => return Ok(code),
    };
    let code = if checked.compilation.has_errors() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    };
    // The process ends here: the system takes the memory back at once,
    // where freeing the sources and the model one allocation at a time
    // costs a large check several percent of its time.
    std::mem::forget(checked);
    Ok(code)
}

fn plan(args: PlanArgs) -> Result<ExitCode, crate::error::Error> {
    use crate::plan::profile::Profile;
    let options =
        match lint::Options::from_flags(&args.lint.deny, &args.lint.allow, args.lint.verbose) {
            Ok(options) => options,
            Err(problem) => {
                note(&format!("scalec: error: {problem}"));
                return Ok(ExitCode::from(2));
            }
        };
    let at = match args.at.as_deref().map(crate::plan::profile::parse_time) {
        None => None,
        Some(Some(at)) => Some(at),
        Some(None) => {
            note("scalec: error: --at takes a time of the replay, such as `12m` or `1h30m`");
            return Ok(ExitCode::from(2));
        }
    };
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    let mut workspace = discover::load_with(&paths, None)?;
    let human = HumanOptions {
        color: use_color(args.color),
        width: 100,
    };
    let compilation = compile(&workspace.sources, &workspace.projects, &options);
    // The replay needs the whole model: language errors stop it; lint
    // findings are `check`'s to show.
    let errors: Vec<_> = (compilation.diagnostics.iter())
        .filter(|d| d.severity == Severity::Error && d.code.rule.is_none())
        .cloned()
        .collect();
    if !errors.is_empty() || !compilation.partial.is_empty() {
        note_raw(&render::render(
            &errors,
            &workspace.sources,
            Format::Human,
            human,
        ));
        note("scalec: plan needs policies without errors; `scalec check` shows them");
        return Ok(ExitCode::from(1));
    }
    let mut compilation = compilation;
    if let Err(code) = narrow(&mut compilation, args.env.as_deref()) {
        return Ok(code);
    }
    if compilation.projects.is_empty() {
        note("scalec: warning: no projects to replay");
        return Ok(ExitCode::SUCCESS);
    }
    let table = match &args.load {
        None => None,
        Some(path) => {
            if compilation.projects.len() != 1 {
                note(
                    if compilation.projects.iter().any(|p| p.environment.is_some()) {
                        "scalec: error: --load names services of one project; plan one project \
                         at a time, and one of its environments with --env"
                    } else {
                        "scalec: error: --load names services of one project; plan one project at a time"
                    },
                );
                return Ok(ExitCode::from(2));
            }
            let text =
                std::fs::read_to_string(path).map_err(|source| crate::error::Error::Path {
                    path: path.clone(),
                    source,
                })?;
            Some(workspace.sources.add(path.clone(), &text))
        }
    };
    if let Some(name) = &args.loadtest
        && !(compilation.projects.iter()).any(|p| p.loadtests.iter().any(|t| &t.name.value == name))
    {
        note(&format!(
            "scalec: error: no project has a load test named `{name}`"
        ));
        return Ok(ExitCode::from(2));
    }
    let mut plans = Vec::new();
    for project in &compilation.projects {
        let profile = match (table, &args.loadtest) {
            (None, Some(name)) => {
                match project.loadtests.iter().find(|t| &t.name.value == name) {
                    Some(test) => Profile::from_loadtest(project, test),
                    // Only the projects that have it are replayed.
                    None => continue,
                }
            }
            (None, None) => Profile::from_load_blocks(project),
            (Some(file), _) => match Profile::parse_table(workspace.sources.get(file), project) {
                Ok(profile) => profile,
                Err(problems) => {
                    note_raw(&render::render(
                        &problems,
                        &workspace.sources,
                        Format::Human,
                        human,
                    ));
                    return Ok(ExitCode::from(1));
                }
            },
        };
        let output = (workspace.projects.iter())
            .find(|p| p.dir == project.dir)
            .map(|p| p.output.clone())
            .unwrap_or_else(|| project.dir.clone());
        let mut name =
            crate::emit::project_name(project, &output).unwrap_or_else(|| "project".into());
        if let Some(environment) = &project.environment {
            name = format!("{name}/{}", environment.name.value);
        }
        plans.push(crate::plan::plan(project, &name, profile, &options));
    }
    if let Some(dir) = &args.chart {
        // Charts are written as `build` writes manifests: one directory per
        // project, atomically, replacing only files scalec wrote there.
        let mut set = crate::emit::OutputSet::default();
        for plan in &plans {
            let project = PathBuf::from(&plan.project);
            for (file, svg) in crate::plan::chart::charts(&plan.project, &plan.replay) {
                set.files.insert(project.join(file), svg);
            }
            set.dirs.insert(project);
        }
        crate::output::write(dir, &set, &|text| note(text))?;
    }
    let findings: Vec<_> = plans
        .iter()
        .flat_map(|p| p.findings.iter().cloned())
        .collect();
    match args.format {
        PlanFormat::Json => print(&crate::plan::json::report(&plans, &workspace.sources))?,
        PlanFormat::Human => {
            for plan in &plans {
                print(&crate::plan::table::report(plan, at))?;
            }
            if !findings.is_empty() {
                print(&render::render(
                    &findings,
                    &workspace.sources,
                    Format::Human,
                    human,
                ))?;
            }
            let errors = findings
                .iter()
                .filter(|d| d.severity == Severity::Error)
                .count();
            note(&format!(
                "replayed {}: {}",
                crate::lint::util::plural(plans.len() as u128, "project"),
                match (findings.len(), errors) {
                    (0, _) => "no findings".to_string(),
                    (all, errors) => format!(
                        "{} ({} errors)",
                        crate::lint::util::plural(all as u128, "finding"),
                        errors
                    ),
                }
            ));
        }
    }
    let failed = findings.iter().any(|d| d.severity == Severity::Error);
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// Keeps, of the projects lowered per environment, those of environment
/// `env`; projects without environments stay. Exit 2 when `env` names no
/// environment of any project.
fn narrow(compilation: &mut crate::Compilation, env: Option<&str>) -> Result<(), ExitCode> {
    let Some(env) = env else {
        return Ok(());
    };
    let declared: std::collections::BTreeSet<&str> = (compilation.projects.iter())
        .filter_map(|p| p.environment.as_ref())
        .map(|e| e.name.value.as_str())
        .collect();
    if !declared.contains(env) {
        let known = if declared.is_empty() {
            "no project declares environments; leave out --env".to_string()
        } else {
            let names: Vec<String> = declared.iter().map(|n| format!("`{n}`")).collect();
            format!("the environments are {}", names.join(", "))
        };
        note(&crate::names::escape_controls(&format!(
            "scalec: error: no project has an environment `{env}`: {known}"
        )));
        return Err(ExitCode::from(2));
    }
    compilation
        .projects
        .retain(|p| p.environment.as_ref().is_none_or(|e| e.name.value == env));
    Ok(())
}

#[derive(Debug, clap::Args)]
struct ExportArgs {
    /// Files or directories of policies [default: .]
    paths: Vec<PathBuf>,
    /// Export only this environment of each project that declares
    /// environments (projects without any are exported whole).
    #[arg(long, value_name = "NAME")]
    env: Option<String>,
    /// How to print the model.
    #[arg(long, value_enum, default_value_t = ExportFormat::Json)]
    format: ExportFormat,
    /// When to colour the findings (printed to standard error).
    #[arg(long, value_enum, default_value_t = ColorArg::Auto)]
    color: ColorArg,
    #[command(flatten)]
    lint: LintArgs,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum ExportFormat {
    /// One JSON document (see `scalec schema model`).
    Json,
}

fn export(args: ExportArgs) -> Result<ExitCode, crate::error::Error> {
    let ExportFormat::Json = args.format;
    let input = CheckArgs {
        paths: args.paths,
        format: FormatArg::Human,
        color: args.color,
        lint: args.lint,
    };
    // Findings go to standard error: standard output carries the model.
    let Checked {
        workspace,
        compilation,
    } = match read_and_check(&input, true, None)? {
        Ok(checked) => checked,
        // No policy file (a warning said so): a document with no project.
        Err(code) if code == ExitCode::SUCCESS => Checked {
            workspace: discover::Workspace::default(),
            compilation: crate::Compilation {
                projects: Vec::new(),
                partial: Vec::new(),
                diagnostics: Vec::new(),
            },
        },
        Err(code) => return Ok(code),
    };
    if compilation.has_errors() {
        note("scalec: export failed: nothing was printed; fix the errors above and export again");
        return Ok(ExitCode::from(1));
    }
    let mut compilation = compilation;
    if let Err(code) = narrow(&mut compilation, args.env.as_deref()) {
        return Ok(code);
    }
    let selected: Vec<_> = (compilation.projects.iter())
        .map(|project| {
            let output = (workspace.projects.iter())
                .find(|files| files.dir == project.dir)
                .expect("every compiled project is one of the workspace's");
            (project, output.output.as_path())
        })
        .collect();
    print(&crate::export::report(&selected, &workspace.sources))?;
    Ok(ExitCode::SUCCESS)
}

fn build(args: BuildArgs) -> Result<ExitCode, crate::error::Error> {
    let checked = match read_and_check(&args.input, args.stdout, None)? {
        Ok(checked) => checked,
        Err(code) => return Ok(code),
    };
    if checked.compilation.has_errors() {
        note("scalec: build failed: nothing was written; fix the errors above and build again");
        return Ok(ExitCode::from(1));
    }
    let mut compilation = checked.compilation;
    if let Err(code) = narrow(&mut compilation, args.env.as_deref()) {
        return Ok(code);
    }
    if args.stdout
        && let Some(project) =
            (compilation.projects.iter()).find(|p| p.environment.is_some() && args.env.is_none())
    {
        note(&format!(
            "scalec: error: `{}` declares environments; --stdout writes one of them: name it with --env",
            crate::source::display_path(&project.dir)
        ));
        return Ok(ExitCode::from(2));
    }
    let set = crate::emit(
        &checked.workspace.sources,
        &checked.workspace.projects,
        &compilation,
    );
    if args.stdout {
        // Every Namespace first, so `kubectl apply -f -` creates it before
        // what goes in it.
        let is_namespace = |path: &Path| path.ends_with(crate::emit::layout::NAMESPACE_FILE);
        let yaml = set.files.iter().filter(|(path, _)| {
            path.extension().is_some_and(|e| e == "yaml")
                && !path.ends_with(crate::emit::KUSTOMIZATION)
        });
        let manifests: String = (yaml.clone())
            .filter(|(path, _)| is_namespace(path))
            .chain(yaml.filter(|(path, _)| !is_namespace(path)))
            .map(|(_, content)| content.as_str())
            .collect();
        print(&manifests)?;
        return Ok(ExitCode::SUCCESS);
    }
    let out = args.out.expect("clap requires --out unless --stdout");
    refuse_output_over_policies(&out, &checked.workspace)?;
    let shown = crate::source::display_path(&out);
    let shown_in = |path: &std::path::Path| crate::source::display_path(&out.join(path));
    if args.check {
        let changes = crate::output::check(&out, &set, &|text| note(text))?;
        let mut report = String::new();
        for (_, diff) in &changes.changed {
            report.push_str(diff);
        }
        for path in &changes.missing {
            report.push_str(&format!("missing: {}\n", shown_in(path)));
        }
        for path in &changes.stale {
            report.push_str(&format!("stale: {}\n", shown_in(path)));
        }
        for (path, reason) in &changes.conflicts {
            report.push_str(&format!("in the way: {}: {reason}\n", shown_in(path)));
        }
        print(&crate::names::escape(&report, crate::names::Escape::Lines))?;
        if changes.is_empty() {
            note(&format!(
                "{shown} is up to date ({} files)",
                changes.unchanged
            ));
            return Ok(ExitCode::SUCCESS);
        }
        note(&format!(
            "{shown} is out of date: {} changed, {} missing, {} stale{}; run `scalec build` to update it",
            changes.changed.len(),
            changes.missing.len(),
            changes.stale.len(),
            if changes.conflicts.is_empty() {
                String::new()
            } else {
                format!(", {} in the way", changes.conflicts.len())
            }
        ));
        return Ok(ExitCode::from(1));
    }
    let changes = crate::output::write(&out, &set, &|text| note(text))?;
    for path in &changes.kept {
        note(&format!(
            "scalec: warning: kept {}: scalec wrote it, but it was edited since; delete it if it is no longer needed",
            shown_in(path)
        ));
    }
    note(&format!(
        "built {shown}: {} written, {} deleted, {} unchanged",
        changes.changed.len() + changes.missing.len(),
        changes.stale.len(),
        changes.unchanged
    ));
    Ok(ExitCode::SUCCESS)
}

/// Refuses an output directory that is, or contains, a policy directory:
/// scalec would then write among the policies it reads.
fn refuse_output_over_policies(
    out: &std::path::Path,
    workspace: &discover::Workspace,
) -> Result<(), crate::error::Error> {
    let out_real = real_path(out);
    for project in &workspace.projects {
        let dir = if project.dir.as_os_str().is_empty() {
            std::path::Path::new(".")
        } else {
            &project.dir
        };
        if real_path(dir).starts_with(&out_real) {
            return Err(crate::error::Error::Refused {
                path: out.to_path_buf(),
                reason: format!(
                    "it holds the policies in `{}`; choose an output directory outside the policy tree, e.g. `-o out`",
                    crate::source::display_path(dir)
                ),
            });
        }
    }
    Ok(())
}

/// The absolute path with links resolved, also for a path that does not
/// exist yet (its nearest existing ancestor is resolved).
fn real_path(path: &std::path::Path) -> PathBuf {
    use std::path::Component;
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut real = PathBuf::new();
    for component in absolute.components() {
        match component {
            Component::CurDir => {}
            // `real` has its links resolved so far, so `..` is its parent.
            Component::ParentDir => {
                real.pop();
            }
            other => {
                real.push(other);
                if let Ok(resolved) = std::fs::canonicalize(&real) {
                    real = resolved;
                }
            }
        }
    }
    real
}

/// "checked 5 files: 2 errors, 1 warning" (and infos when there are any).
fn summary(diagnostics: &[crate::diag::Diagnostic], files: usize) -> String {
    let count = |severity| {
        diagnostics
            .iter()
            .filter(|d| d.severity == severity)
            .count()
    };
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    let (errors, warnings, infos) = (
        count(Severity::Error),
        count(Severity::Warning),
        count(Severity::Info),
    );
    let checked = plural(files, "file");
    if errors + warnings + infos == 0 {
        return format!("checked {checked}: no problems found");
    }
    let mut parts = vec![plural(errors, "error"), plural(warnings, "warning")];
    if infos > 0 {
        parts.push(plural(infos, "info"));
    }
    format!("checked {checked}: {}", parts.join(", "))
}

fn use_color(choice: ColorArg) -> bool {
    match choice {
        ColorArg::Always => true,
        ColorArg::Never => false,
        ColorArg::Auto => {
            io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    }
}

/// Writes a line to standard error, with any control character from a path
/// or a name escaped. A closed or broken standard error is ignored: the exit
/// code still tells the outcome.
fn note(text: &str) {
    let text = crate::names::escape(text, crate::names::Escape::Lines);
    let mut stderr = io::stderr().lock();
    let _ = writeln!(stderr, "{text}");
}

/// Writes text to standard error as it is, ignoring a closed stream.
fn note_raw(text: &str) {
    let mut stderr = io::stderr().lock();
    let _ = stderr.write_all(text.as_bytes());
}

/// Writes to standard output; a closed pipe (`scalec check | head`) ends quietly.
fn print(text: &str) -> Result<(), crate::error::Error> {
    let mut stdout = io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Err(e) if e.kind() != io::ErrorKind::BrokenPipe => Err(crate::error::Error::Write {
            path: PathBuf::from("<stdout>"),
            source: e,
        }),
        _ => Ok(()),
    }
}

/// A rule as `scalec explain --format json` prints it.
#[derive(serde::Serialize)]
struct RuleJson {
    code: &'static str,
    name: &'static str,
    severity: &'static str,
    summary: &'static str,
    doc: String,
}

fn rule_json(rule: &lint::Rule) -> RuleJson {
    RuleJson {
        code: rule.id.as_str(),
        name: rule.name,
        severity: rule.severity.as_str(),
        summary: rule.summary,
        doc: rule.doc(),
    }
}

fn explain(rule: Option<&str>, format: ExplainFormat) -> Result<ExitCode, crate::error::Error> {
    let text = match rule {
        None => match format {
            ExplainFormat::Text => lint::docs::list(),
            ExplainFormat::Json => {
                to_json(&lint::RULES.iter().map(|r| rule_json(r)).collect::<Vec<_>>())
            }
        },
        Some(name) => {
            let Some(rule) = lint::find(name) else {
                let candidates = lint::RULES.iter().flat_map(|r| [r.id.as_str(), r.name]);
                let hint = match crate::names::did_you_mean(name, candidates) {
                    Some(close) => format!("; did you mean `{close}`?"),
                    None => "; `scalec explain` lists the rules".to_string(),
                };
                note(&format!("scalec: error: no rule `{name}`{hint}"));
                return Ok(ExitCode::from(2));
            };
            match format {
                ExplainFormat::Text => lint::docs::explain(rule),
                ExplainFormat::Json => to_json(&rule_json(rule)),
            }
        }
    };
    print(&text)?;
    Ok(ExitCode::SUCCESS)
}

fn to_json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string_pretty(value).expect("rules always serialize") + "\n"
}

/// The file that formatting `path` may rewrite: `path` itself, or the file a
/// link at `path` points to when that lies inside one of the named `roots`
/// (the link stays a link). Anything else is refused with the reason.
fn writable_target(path: &std::path::Path, roots: &[PathBuf]) -> Result<PathBuf, String> {
    let metadata = std::fs::symlink_metadata(path).map_err(|e| e.to_string())?;
    if !metadata.file_type().is_symlink() {
        return Ok(path.to_path_buf());
    }
    let target = std::fs::canonicalize(path).map_err(|e| e.to_string())?;
    if roots.iter().any(|root| target.starts_with(root)) {
        Ok(target)
    } else {
        Err(format!(
            "it links to `{}`, outside the paths named",
            crate::source::display_path(&target)
        ))
    }
}

fn fmt(args: FmtArgs) -> Result<ExitCode, crate::error::Error> {
    let human = HumanOptions {
        color: use_color(args.color),
        width: 100,
    };
    if args.stdin {
        let mut text = String::new();
        if let Err(source) = std::io::Read::read_to_string(&mut io::stdin(), &mut text) {
            return Err(crate::error::Error::Path {
                path: PathBuf::from("<stdin>"),
                source,
            });
        }
        let mut sources = crate::source::SourceMap::new();
        let id = sources.add("<stdin>", &text);
        return Ok(match crate::format(sources.get(id)) {
            Ok(formatted) => {
                print(&formatted)?;
                ExitCode::SUCCESS
            }
            Err(diagnostics) => {
                note_raw(&render::render(
                    &diagnostics,
                    &sources,
                    Format::Human,
                    human,
                ));
                ExitCode::from(1)
            }
        });
    }
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths
    };
    let workspace = discover::load_files(&paths)?;
    let files = workspace.sources.files();
    if args.stdout && files.len() != 1 {
        note(&format!(
            "scalec: error: --stdout formats exactly one file, and {} were named: name one file, or drop --stdout to format them in place",
            files.len()
        ));
        return Ok(ExitCode::from(2));
    }
    let mut diagnostics = Vec::new();
    let (mut changed, mut unchanged) = (Vec::new(), 0);
    let mut skipped = Vec::new();
    let roots: Vec<PathBuf> = paths
        .iter()
        .filter_map(|p| std::fs::canonicalize(p).ok())
        .collect();
    let mut output = String::new();
    for file in files {
        let formatted = match crate::format(file) {
            Ok(formatted) => formatted,
            Err(found) => {
                diagnostics.extend(found);
                continue;
            }
        };
        if args.stdout {
            output.push_str(&formatted);
        } else if formatted == *file.text {
            unchanged += 1;
        } else if args.check {
            let name = file.display_path();
            let diff = similar::TextDiff::from_lines(&*file.text, &formatted)
                .unified_diff()
                .header(&name, &format!("{name} (formatted)"))
                .to_string();
            output.push_str(&crate::names::escape(&diff, crate::names::Escape::Lines));
            changed.push(name);
        } else {
            match writable_target(&file.path, &roots) {
                Err(why) => skipped.push(format!("{}: {why}", file.display_path())),
                Ok(target) => {
                    if crate::output::replace_file(&target, &file.text, &formatted)? {
                        changed.push(file.display_path());
                    } else {
                        skipped.push(format!(
                            "{}: it changed while scalec formatted it; run `scalec fmt` again",
                            file.display_path()
                        ));
                    }
                }
            }
        }
    }
    note_raw(&render::render(
        &diagnostics,
        &workspace.sources,
        Format::Human,
        human,
    ));
    print(&output)?;
    for skip in &skipped {
        note(&format!("scalec: warning: left {skip}"));
    }
    if !args.stdout {
        let verb = if args.check {
            "would reformat"
        } else {
            "reformatted"
        };
        note(&format!(
            "{verb} {}, {} already formatted",
            lint::util::plural(changed.len() as u128, "file"),
            unchanged
        ));
    }
    let failed =
        !diagnostics.is_empty() || !skipped.is_empty() || (args.check && !changed.is_empty());
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
