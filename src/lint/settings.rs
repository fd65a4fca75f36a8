//! Which findings are reported, and at what severity: the project's
//! `lint { deny, allow }`, the command line's `--deny`/`--allow`, `--deny
//! warnings`, `--verbose`, and `# scalec: allow` suppressions.
//!
//! Precedence: a flag wins over the file, and the file over the rule's default.
//! Findings of the suppression rules (S001–S003) go through the same settings.

use std::collections::BTreeMap;

use super::rules::s003_malformed_directive as s003;
use super::rules::{s001_suppression_without_reason as s001, s002_unused_suppression as s002};
use super::{RULES, Rule, RuleId, find};
use crate::diag::{Diagnostic, Severity, codes};
use crate::model::{Project, Spanned};
use crate::names::did_you_mean;
use crate::source::Span;

/// Lint settings from the command line.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Rules raised to errors by `--deny`.
    pub deny: Vec<RuleId>,
    /// Rules turned off by `--allow`.
    pub allow: Vec<RuleId>,
    /// `--deny warnings`: every warning is an error.
    pub deny_warnings: bool,
    /// `--verbose`: show `info` findings.
    pub verbose: bool,
}

/// Why a rule named in a setting (a flag, a `lint` block, a suppression)
/// cannot be used.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SettingError {
    /// No rule has this code or name; the nearest one, if any is close.
    UnknownRule {
        name: String,
        nearest: Option<&'static str>,
    },
    /// A language error (E…): those cannot be allowed or denied.
    LanguageError { name: String },
    /// The same rule in `--deny` and `--allow`.
    DeniedAndAllowed { rule: RuleId },
    /// A flag's value was refused.
    Flag {
        flag: &'static str,
        value: String,
        problem: Box<SettingError>,
    },
}

impl SettingError {
    /// The message without the hint.
    fn message(&self) -> String {
        match self {
            SettingError::UnknownRule { name, .. } => format!("no rule `{name}`"),
            SettingError::LanguageError { name } => {
                format!("`{name}` is a language error; language errors cannot be allowed or denied")
            }
            SettingError::DeniedAndAllowed { rule } => format!("{rule} is both denied and allowed"),
            SettingError::Flag {
                flag,
                value,
                problem,
            } => format!("{flag} {value}: {}", problem.message()),
        }
    }

    /// What to do about it, if scalec can say.
    fn hint(&self) -> Option<String> {
        match self {
            SettingError::UnknownRule {
                nearest: Some(close),
                ..
            } => Some(format!("did you mean `{close}`?")),
            SettingError::UnknownRule { nearest: None, .. } => {
                Some("`scalec explain` lists the rules".to_string())
            }
            SettingError::Flag { problem, .. } => problem.hint(),
            SettingError::LanguageError { .. } | SettingError::DeniedAndAllowed { .. } => None,
        }
    }
}

impl std::fmt::Display for SettingError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.hint() {
            Some(hint) => write!(f, "{}; {hint}", self.message()),
            None => write!(f, "{}", self.message()),
        }
    }
}

impl std::error::Error for SettingError {}

impl Options {
    /// Builds options from flag values (codes or names; `warnings` in `deny`).
    pub fn from_flags(
        deny: &[String],
        allow: &[String],
        verbose: bool,
    ) -> Result<Options, SettingError> {
        let mut options = Options {
            verbose,
            ..Options::default()
        };
        for (list, flag, out) in [
            (deny, "--deny", &mut options.deny),
            (allow, "--allow", &mut options.allow),
        ] {
            for value in list {
                if flag == "--deny" && value == "warnings" {
                    options.deny_warnings = true;
                    continue;
                }
                let rule = resolve(value).map_err(|problem| SettingError::Flag {
                    flag,
                    value: value.clone(),
                    problem: Box::new(problem),
                })?;
                out.push(rule.id);
            }
        }
        if let Some(&rule) = options.deny.iter().find(|r| options.allow.contains(r)) {
            return Err(SettingError::DeniedAndAllowed { rule });
        }
        Ok(options)
    }
}

/// The rule a user named, or why there is none.
fn resolve(name: &str) -> Result<&'static Rule, SettingError> {
    if let Some(rule) = find(name) {
        return Ok(rule);
    }
    if codes::ALL
        .iter()
        .any(|c| c.id.eq_ignore_ascii_case(name) || c.name == name)
    {
        return Err(SettingError::LanguageError {
            name: name.to_string(),
        });
    }
    let candidates = RULES.iter().flat_map(|r| [r.id.as_str(), r.name]);
    Err(SettingError::UnknownRule {
        name: name.to_string(),
        nearest: did_you_mean(name, candidates),
    })
}

/// What a finding becomes: reported at a severity, or dropped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Level {
    Off,
    On(Severity),
}

/// Applies settings and suppressions to the raw findings of `project`.
pub(super) fn apply(
    project: &Project,
    options: &Options,
    findings: Vec<Diagnostic>,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let file_levels = file_levels(project, &mut out);
    let mut used: Vec<Vec<bool>> = project
        .suppressions
        .iter()
        .map(|s| vec![false; s.rules.len()])
        .collect();
    // A guard's finding stays, whatever silences it; what tried is named in
    // its help.
    let mut silenced = Vec::new();
    let mut kept: Vec<Diagnostic> = Vec::new();
    for finding in findings {
        let hit = suppressed(project, &finding, &mut used);
        if finding.guard.is_some() {
            silenced.push(hit);
            kept.push(finding);
        } else if !hit {
            kept.push(finding);
        }
    }
    judge_suppressions(project, &used, &mut kept, &mut out);
    settle(kept, silenced, &file_levels, options, &mut out);
    out
}

/// Applies settings and suppressions to findings of the replay rules; see
/// [`super::settle_replay`].
pub(super) fn apply_replay(
    project: &Project,
    options: &Options,
    findings: Vec<Diagnostic>,
) -> Vec<Diagnostic> {
    // Problems with the settings themselves are `check`'s to report.
    let file_levels = file_levels(project, &mut Vec::new());
    let mut used: Vec<Vec<bool>> = project
        .suppressions
        .iter()
        .map(|s| vec![false; s.rules.len()])
        .collect();
    let kept = findings
        .into_iter()
        .filter(|finding| !suppressed(project, finding, &mut used))
        .collect();
    let mut out = Vec::new();
    settle(kept, Vec::new(), &file_levels, options, &mut out);
    out
}

/// Gives each kept finding its level and notes; `silenced` says, for each
/// guard's finding in order, whether a suppression tried to silence it.
fn settle(
    kept: Vec<Diagnostic>,
    silenced: Vec<bool>,
    file_levels: &BTreeMap<RuleId, Level>,
    options: &Options,
    out: &mut Vec<Diagnostic>,
) {
    let mut silenced = silenced.into_iter();
    for mut finding in kept {
        let mut notes = Vec::new();
        let rule = finding.code.rule;
        if let Some(reason) = finding.guard {
            let code = finding.code.id;
            let suppressed = silenced.next().unwrap_or(false);
            let allowed = level(rule, finding.severity, file_levels, options) == Level::Off;
            finding.severity = Severity::Error;
            if suppressed || allowed {
                notes.push(format!("{code} cannot be allowed or suppressed: {reason}"));
            }
        } else {
            match level(rule, finding.severity, file_levels, options) {
                Level::Off => continue,
                Level::On(Severity::Info) if !options.verbose => continue,
                Level::On(severity) => finding.severity = severity,
            }
        }
        notes.push(format!("`scalec explain {}` tells more", finding.code.id));
        finding.help = Some(match finding.help.take() {
            Some(help) => format!("{help}\n{}", notes.join("\n")),
            None => notes.join("\n"),
        });
        out.push(finding);
    }
}

/// The level of a finding of `rule` (`None`: a language error, which no
/// setting changes).
fn level(
    rule: Option<RuleId>,
    default: Severity,
    file: &BTreeMap<RuleId, Level>,
    options: &Options,
) -> Level {
    let Some(rule) = rule else {
        return Level::On(default);
    };
    let level = if options.allow.contains(&rule) {
        Level::Off
    } else if options.deny.contains(&rule) {
        Level::On(Severity::Error)
    } else {
        file.get(&rule).copied().unwrap_or(Level::On(default))
    };
    match level {
        Level::On(Severity::Warning) if options.deny_warnings => Level::On(Severity::Error),
        other => other,
    }
}

/// The project's `lint { deny, allow }`, validated; problems go to `out`.
fn file_levels(project: &Project, out: &mut Vec<Diagnostic>) -> BTreeMap<RuleId, Level> {
    let mut levels: BTreeMap<RuleId, (Level, Span)> = BTreeMap::new();
    let lists = [
        (&project.lint.deny, Level::On(Severity::Error), "deny"),
        (&project.lint.allow, Level::Off, "allow"),
    ];
    for (list, level, verb) in lists {
        for entry in list {
            let rule = match resolve(&entry.value) {
                Ok(rule) => rule,
                Err(problem) => {
                    out.push(unknown_rule(entry, &problem));
                    continue;
                }
            };
            match levels.get(&rule.id) {
                Some((other, first)) if *other != level => out.push(
                    Diagnostic::error(
                        codes::CONFLICTING_ATTRIBUTES,
                        format!("{} is both denied and allowed", rule.id),
                        entry.span,
                    )
                    .with_label(format!("{verb}ed here"))
                    .with_related(*first, "and here")
                    .with_help("keep it in one of `deny` and `allow`"),
                ),
                _ => {
                    levels.insert(rule.id, (level, entry.span));
                }
            }
        }
    }
    levels
        .into_iter()
        .map(|(rule, (level, _))| (rule, level))
        .collect()
}

fn unknown_rule(entry: &Spanned<String>, problem: &SettingError) -> Diagnostic {
    let language = matches!(problem, SettingError::LanguageError { .. });
    let code = if language {
        codes::TYPE_MISMATCH
    } else {
        codes::UNKNOWN_REFERENCE
    };
    let suggestion = match problem {
        SettingError::UnknownRule {
            nearest: Some(close),
            ..
        } => Some(crate::diag::Suggestion::name(entry.span, *close)),
        _ => None,
    };
    Diagnostic::error(code, problem.message(), entry.span)
        .with_label(if language {
            "a language error"
        } else {
            "unknown rule"
        })
        .with_help_opt(problem.hint())
        .with_suggestion_opt(suggestion)
}

/// Whether a suppression covers `finding`; marks the suppression used.
fn suppressed(project: &Project, finding: &Diagnostic, used: &mut [Vec<bool>]) -> bool {
    let spans: Vec<Span> = std::iter::once(finding.span)
        .chain(finding.related.iter().map(|l| l.span))
        .collect();
    let mut hit = false;
    for (i, suppression) in project.suppressions.iter().enumerate() {
        let Some(target) = suppression.target else {
            continue;
        };
        let within = |target: Span| {
            spans.iter().any(|s| {
                s.file == target.file
                    && s.start >= target.start
                    && s.start < target.end.max(target.start + 1)
            })
        };
        let inside = within(target) || suppression.overrides.is_some_and(within);
        if !inside {
            continue;
        }
        for (j, rule) in suppression.rules.iter().enumerate() {
            if find(&rule.value).is_some_and(|r| Some(r.id) == finding.code.rule) {
                used[i][j] = true;
                hit = true;
            }
        }
    }
    hit
}

/// S001–S003 and unknown rules in suppressions.
fn judge_suppressions(
    project: &Project,
    used: &[Vec<bool>],
    kept: &mut Vec<Diagnostic>,
    out: &mut Vec<Diagnostic>,
) {
    // With something omitted, a finding a suppression was written for may
    // not have been looked for, and the line after it may not have parsed:
    // whether it silences nothing is unknown.
    let judge_use = project.omitted.is_empty();
    for (suppression, used) in project.suppressions.iter().zip(used) {
        let mut valid = 0;
        for (rule, used) in suppression.rules.iter().zip(used) {
            match resolve(&rule.value) {
                Err(problem) => out.push(unknown_rule(rule, &problem)),
                Ok(resolved) => {
                    valid += 1;
                    // A replay rule's findings come from `scalec plan`,
                    // never from `check`: its suppressions are not judged.
                    if judge_use && suppression.target.is_some() && !used && !resolved.replay {
                        kept.push(
                            s002::RULE
                                .finding(format!("`# scalec: allow {}` silences nothing here", rule.value), rule.span)
                                .with_label(format!("no {} finding in the next block or attribute", resolved.id))
                                .with_help("remove the suppression, or move it to the line before what it should silence"),
                        );
                    }
                }
            }
        }
        if judge_use && valid > 0 && suppression.target.is_none() {
            kept.push(
                s002::RULE
                    .finding(
                        "this suppression silences nothing: no block or attribute follows it",
                        suppression.span,
                    )
                    .with_label("nothing on the next line to silence")
                    .with_help("put the comment on the line right before the block or attribute"),
            );
        }
        if valid > 0 && suppression.reason.is_none() {
            kept.push(
                s001::RULE
                    .finding("suppression without a reason", suppression.span)
                    .with_label("why is this safe here?")
                    .with_help(format!(
                        "say why after the rule: `# scalec: allow {} batch job, restarts are fine`",
                        suppression.rules[0].value
                    )),
            );
        }
    }
    for directive in &project.malformed_directives {
        kept.push(
            s003::RULE
                .finding(directive.value.clone(), directive.span)
                .with_label("not a valid directive")
                .with_help("the directive is `# scalec: allow CODE reason`, on the line before a block or attribute"),
        );
    }
}
