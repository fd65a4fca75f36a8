//! The command line: clap types, subcommands, printing and exit codes.
//!
//! Exit codes are decided here and nowhere else:
//! 0 no errors; 1 errors found; 2 scalec could not run (bad flags, a missing
//! path, I/O). clap exits 2 on usage errors by itself.

use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;
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
    Check(CheckArgs),
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
}

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
}

/// Parses the command line, runs the command and returns the exit code.
pub fn run() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Check(args) => check(args),
        Command::Explain { rule, format } => explain(rule.as_deref(), format),
        Command::Schema {
            which: SchemaKind::Diagnostics,
        } => print(&render::json_schema()).map(|()| ExitCode::SUCCESS),
    };
    match result {
        Ok(code) => code,
        Err(error) => {
            eprintln!("scalec: error: {error}");
            ExitCode::from(2)
        }
    }
}

fn check(args: CheckArgs) -> Result<ExitCode, crate::error::Error> {
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths
    };
    let options =
        match lint::Options::from_flags(&args.lint.deny, &args.lint.allow, args.lint.verbose) {
            Ok(options) => options,
            Err(problem) => {
                eprintln!("scalec: error: {problem}");
                return Ok(ExitCode::from(2));
            }
        };
    let workspace = discover::load(&paths)?;
    if workspace.sources.files().is_empty() {
        eprintln!(
            "scalec: warning: no .{} files found in {}",
            discover::EXTENSION,
            paths
                .iter()
                .map(|p| format!("`{}`", p.display()))
                .collect::<Vec<_>>()
                .join(", ")
        );
        return Ok(ExitCode::SUCCESS);
    }
    let compilation = compile(&workspace, &options);
    let format = match args.format {
        FormatArg::Human => Format::Human,
        FormatArg::Short => Format::Short,
        FormatArg::Json => Format::Json,
    };
    let human = HumanOptions {
        color: use_color(args.color),
        width: 100,
    };
    print(&render::render(
        &compilation.diagnostics,
        &workspace.sources,
        format,
        human,
    ))?;
    if format == Format::Human {
        eprintln!(
            "{}",
            summary(&compilation.diagnostics, workspace.sources.files().len())
        );
    }
    Ok(if compilation.has_errors() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
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
        code: rule.code,
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
                let candidates = lint::RULES.iter().flat_map(|r| [r.code, r.name]);
                let hint = match crate::names::did_you_mean(name, candidates) {
                    Some(close) => format!("; did you mean `{close}`?"),
                    None => "; `scalec explain` lists the rules".to_string(),
                };
                eprintln!("scalec: error: no rule `{name}`{hint}");
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
