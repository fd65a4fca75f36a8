//! [`Project`] → findings about unsafe scaling rules (K, M and C codes).
//!
//! One rule per file under `rules/`, each declared with [`declare_rule!`]: its
//! doc comment is the user documentation `scalec explain` prints. [`RULES`] is
//! the one table of every rule, sorted by code. [`run`] runs them over a
//! project, then applies the project's `lint { deny, allow }` settings, the
//! command-line overrides and the `# scalec: allow` suppressions.
//!
//! Lint reads only the [`Project`]; it never sees pest pairs or raw text, and
//! it does no IO.

pub mod capacity;
pub mod docs;
#[cfg(test)]
mod extremes;
mod settings;
pub mod shard_key;
pub mod util;

use crate::diag::{Code, Diagnostic, Severity};
use crate::model::Project;

pub use settings::{Options, SettingError};

/// One lint rule: its stable code and name, default severity, documentation
/// and check.
pub struct Rule {
    /// Stable code, e.g. [`RuleId::K101`].
    pub id: RuleId,
    /// Kebab-case name of the hazard, e.g. `missing-max-replicas`.
    pub name: &'static str,
    /// The default severity. Some rules report a lower severity for milder
    /// cases, as their documentation says.
    pub severity: Severity,
    /// One line for `scalec explain`'s list.
    pub summary: &'static str,
    /// The doc comment, as `///` lines give it (each line starts with a space).
    raw_doc: &'static str,
    /// The check; `None` for the rules about suppressions, which the runner
    /// itself applies because they judge the other rules' findings.
    check: Option<fn(&Rule, &Project, &mut Vec<Diagnostic>)>,
    /// For a guard: what would reject the output if the rule were off. A
    /// guard's findings are errors that no `--allow`, `lint { allow }` or
    /// suppression can silence, so nothing it guards against is ever emitted.
    pub guard: Option<&'static str>,
    /// Whether a finding may depend on every service at once (a sum over the
    /// services, whether any service uses something, a label in each reader
    /// that a suppression may match): the rule then runs only when no
    /// service is omitted (see [`crate::model::Omitted`]).
    pub every_service: bool,
    /// Whether `scalec plan` judges it, from a replay of load against the
    /// policy, rather than `check` (see [`crate::plan`]). Its file holds
    /// the judgement in place of the check.
    pub replay: bool,
}

impl Rule {
    pub const fn new(
        id: RuleId,
        name: &'static str,
        severity: Severity,
        summary: &'static str,
        raw_doc: &'static str,
        check: Option<fn(&Rule, &Project, &mut Vec<Diagnostic>)>,
    ) -> Rule {
        Rule {
            id,
            name,
            severity,
            summary,
            raw_doc,
            check,
            guard: None,
            every_service: false,
            replay: false,
        }
    }

    /// Sets [`Rule::replay`].
    pub const fn judged_by_replay(mut self, replay: bool) -> Rule {
        self.replay = replay;
        self
    }

    /// Makes the rule a guard: see [`Rule::guard`].
    pub const fn guarding(mut self, reason: &'static str) -> Rule {
        self.guard = Some(reason);
        self
    }

    /// Sets [`Rule::every_service`].
    pub const fn over_every_service(mut self, every_service: bool) -> Rule {
        self.every_service = every_service;
        self
    }

    pub fn code(&self) -> Code {
        Code {
            id: self.id.as_str(),
            name: self.name,
            rule: Some(self.id),
        }
    }

    /// A finding of this rule at its default severity; a guard's findings
    /// carry its reason (see [`Diagnostic::guard`]).
    pub fn finding(&self, message: impl Into<String>, span: crate::source::Span) -> Diagnostic {
        let mut finding = Diagnostic::new(self.code(), self.severity, message, span);
        finding.guard = self.guard;
        finding
    }

    /// The Markdown documentation, from the rule's doc comment.
    pub fn doc(&self) -> String {
        let mut doc: String = self
            .raw_doc
            .lines()
            .map(|line| line.strip_prefix(' ').unwrap_or(line))
            .collect::<Vec<_>>()
            .join("\n");
        doc.push('\n');
        doc
    }
}

/// Declares a rule whose documentation is its doc comment:
///
/// ```text
/// declare_rule! {
///     /// ## What it does
///     /// ...
///     pub RULE { id: K104, name: "single-replica", severity: Warning,
///                summary: "...", check: check }
/// ```
///
/// A rule `scalec plan` judges (see [`Rule::replay`]) adds `replay: true`
/// before `check: None`.
///
/// A rule whose findings depend on every service (see
/// [`Rule::every_service`]) adds `every_service: true` after `summary` (and
/// `guard`). A guard (see [`Rule::guard`]) adds `guard: "what rejects the
/// output"` after `summary`:
///
/// ```text
/// pub RULE { id: K101, ..., summary: "...",
///            guard: "the API server rejects an autoscaler without `maxReplicas`",
///            check: check }
/// }
/// ```
macro_rules! declare_rule {
    (
        $(#[doc = $doc:expr])*
        pub $ident:ident {
            id: $id:ident,
            name: $name:literal,
            severity: $severity:ident,
            summary: $summary:literal,
            $(guard: $guard:literal,)?
            $(every_service: $every:literal,)?
            $(replay: $replay:literal,)?
            check: $check:expr $(,)?
        }
    ) => {
        $(#[doc = $doc])*
        pub static $ident: $crate::lint::Rule = $crate::lint::Rule::new(
            $crate::lint::RuleId::$id,
            $name,
            $crate::diag::Severity::$severity,
            $summary,
            concat!($($doc, "\n"),*),
            $check,
        )$(.guarding($guard))?$(.over_every_service($every))?$(.judged_by_replay($replay))?;
    };
}

pub mod rules;

pub use rules::RuleId;

/// Every rule, sorted by code.
pub static RULES: &[&Rule] = rules::ALL;

/// The rule with this code or name (`K101` or `missing-max-replicas`).
pub fn find(code_or_name: &str) -> Option<&'static Rule> {
    match RuleId::from_code(code_or_name) {
        Some(id) => Some(id.rule()),
        None => RULES.iter().copied().find(|r| r.name == code_or_name),
    }
}

/// Runs every rule over a project and applies settings and suppressions.
/// The result is unsorted.
///
/// A project with language errors is judged on its complete part only
/// ([`Project::complete_part`]): nothing when its context is unknown, and
/// no rule over [`Rule::every_service`] while a service is omitted. Whether a
/// suppression silences nothing (S002) is judged only when nothing is
/// omitted. So each finding is one the project would also have if its
/// errors were fixed without touching the blocks the finding reads.
pub fn run(project: &Project, options: &Options) -> Vec<Diagnostic> {
    let omitted = &project.omitted;
    if omitted.context {
        return Vec::new();
    }
    let complete;
    let project = if omitted.is_empty() {
        project
    } else {
        complete = project.complete_part();
        &complete
    };
    let mut findings = Vec::new();
    for rule in RULES {
        if rule.every_service && !omitted.services.is_empty() {
            continue;
        }
        if let Some(check) = rule.check {
            check(rule, project, &mut findings);
        }
    }
    settings::apply(project, options, findings)
}

/// Applies the project's settings, the command-line overrides and the
/// suppressions to findings of the replay rules ([`Rule::replay`]), which
/// `scalec plan` judges. Whether a suppression silences anything is `check`'s
/// to say, which never sees these findings: it is not judged here.
pub fn settle_replay(
    project: &Project,
    options: &Options,
    findings: Vec<Diagnostic>,
) -> Vec<Diagnostic> {
    settings::apply_replay(project, options, findings)
}
