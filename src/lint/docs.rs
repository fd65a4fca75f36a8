//! Rule documentation: `scalec explain` and the generated `docs/rules.md`.

use super::{RULES, Rule, RuleId};
use crate::model::{KubeVersion, features};
use crate::names::capitalize;

/// The headings every rule's documentation has, in this order (`Options` and
/// `See also` may be left out).
pub const HEADINGS: &[&str] = &[
    "## What it does",
    "## Why it is unsafe",
    "## Example",
    "## Fix",
];

/// `scalec explain`: one line per rule.
pub fn list() -> String {
    let mut out = String::new();
    for rule in RULES {
        out.push_str(&format!(
            "{:<5} {:<30} {:<8} {}\n",
            rule.id.as_str(),
            rule.name,
            rule.severity.as_str(),
            rule.summary
        ));
    }
    out
}

/// `scalec explain CODE`: the rule's whole documentation.
pub fn explain(rule: &Rule) -> String {
    format!(
        "# {} {}\n\nDefault severity: {}. {}.\n\n{}{}",
        rule.id.as_str(),
        rule.name,
        rule.severity.as_str(),
        capitalize(rule.summary),
        guard_note(rule),
        rule.doc()
    )
}

/// For a guard, the paragraph that says it cannot be turned off, and why.
fn guard_note(rule: &Rule) -> String {
    rule.guard.map_or_else(String::new, |reason| {
        format!("This rule cannot be allowed or suppressed: {reason}.\n\n")
    })
}

/// The whole of `docs/rules.md`.
pub fn rules_markdown() -> String {
    let mut out = String::from(
        "# Rules\n\n\
         <!-- Generated from the rule table in src/lint/rules/ by \
         `SCALEC_BLESS=1 cargo test --test rules`. Do not edit by hand. -->\n\n\
         Every rule has a stable code and a name; either can be used in \
         `lint { deny = [...] allow = [...] }`, in `--deny`/`--allow` and in \
         `# scalec: allow CODE reason` comments. `error` fails `check` and \
         `build`; `warning` is printed and passes unless `--deny warnings`; \
         `info` shows only with `--verbose`. The P rules judge the replay of \
         `scalec plan` (see [plan.md](plan.md)): they never run in `check` or \
         `build`, and an error among them fails `plan`.\n\n\
         | code | name | default | summary |\n|---|---|---|---|\n",
    );
    for rule in RULES {
        out.push_str(&format!(
            "| [{code}](#{anchor}) | `{name}` | {severity} | {summary} |\n",
            code = rule.id.as_str(),
            anchor = format!("{}-{}", rule.id.as_str(), rule.name).to_lowercase(),
            name = rule.name,
            severity = rule.severity.as_str(),
            summary = rule.summary,
        ));
    }
    out.push_str(SETTINGS_DOC);
    out.push_str(
        "\n## Rules that cannot be turned off\n\n\
         A few rules guard against output that Kubernetes, an operator's \
         admission webhook or MongoDB would reject. Their findings are errors \
         whatever `--allow`, `lint { allow }` or a suppression says (the \
         finding's help then says so), so `scalec build` never writes what \
         they catch:\n\n| rule | why it cannot be allowed |\n|---|---|\n",
    );
    // Rules that guard only some findings, as their documentation says.
    let partial = [(
        RuleId::K105,
        "| K105 `utilization-without-request` (under KEDA only) | KEDA's admission \
         webhook rejects a cpu or memory trigger on a container without that \
         request or limit |\n"
            .to_string(),
    )];
    let mut rows: Vec<(RuleId, String)> = RULES
        .iter()
        .filter_map(|rule| {
            let reason = rule.guard?;
            Some((
                rule.id,
                format!("| {} `{}` | {reason} |\n", rule.id, rule.name),
            ))
        })
        .chain(partial)
        .collect();
    rows.sort();
    for (_, row) in rows {
        out.push_str(&row);
    }
    out.push_str(&format!(
        "\n## Kubernetes versions\n\n\
         scalec targets Kubernetes {} to {}; `cluster {{ kubernetes = \"1.34\" }}` \
         picks the version, and the default is the newest. Rules that depend on \
         what the version serves read it:\n\n\
         | feature | served by default from | rule |\n|---|---|---|\n",
        KubeVersion::OLDEST,
        KubeVersion::NEWEST
    ));
    for feature in features::ALL {
        out.push_str(&format!(
            "| {} | {} ({}) | {} |\n",
            feature.name, feature.since, feature.history, feature.rule
        ));
    }
    for rule in RULES {
        let doc = rule.doc().replace("\n## ", "\n### ");
        let doc = doc
            .strip_prefix("## ")
            .map_or(doc.clone(), |d| format!("### {d}"));
        out.push_str(&format!(
            "\n## {} {}\n\nDefault severity: {}.\n\n{}{}",
            rule.id.as_str(),
            rule.name,
            rule.severity.as_str(),
            guard_note(rule),
            doc
        ));
    }
    out
}

/// How findings are turned up, off or silenced; part of `docs/rules.md`.
const SETTINGS_DOC: &str = r#"
## Turning rules up, off, or silencing one finding

A project turns rules up or off in a `lint` block, by code or name:

```scale
lint {
  deny  = [K104]               # single-replica is an error in this project
  allow = [memory-scaling]     # and K107 is off
}
```

On the command line, `--deny RULE` and `--allow RULE` (repeatable) win over
the `lint` block, and `--deny warnings` makes every warning an error. `info`
findings show only with `--verbose`. Language errors (E001–E010) cannot be
allowed or denied; an unknown rule is an error (E004) with the nearest name.
Nor can the guards listed below be turned off.

One finding is silenced with a comment on the line before the block or
attribute it is in, naming the rule and saying why:

```scale
# scalec: allow K104 nightly batch job, a restart only delays it
service batch {
  image    = "registry.example.com/batch:1.0.0"
  replicas = 1
}
```

The comment covers findings inside that block or attribute, including those
about values the service inherits from `defaults`. Comment lines may stand
between the suppression and its target; a blank line may not. A suppression
without a reason (S001), one that silences nothing (S002), and a `# scalec:`
comment that is not a valid directive (S003) are warnings themselves.
"#;
