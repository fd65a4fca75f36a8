//! Code actions: the quick fixes the findings know.
//!
//! A finding with a [`crate::diag::Suggestion`] (a did-you-mean, a name
//! rewrite, `512m` → `512Mi`, a range for a fixed `replicas`, a hashed shard
//! key) gets an action that applies it. Every lint finding that may be
//! silenced (not a guard, not about suppressions) also gets one that inserts
//! `# scalec: allow CODE` on the line above the block or attribute it is in,
//! indented like it, or adds the code to a suppression already there. It
//! writes no reason: S001 then asks the user for one.

use crate::ast::{Ast, DirectiveKind, Item};
use crate::diag::Diagnostic;
use crate::names::capitalize;
use crate::source::{FileId, Span, line_start};

use super::{Analysis, Edit, indentation};

/// One code action.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CodeAction {
    pub title: String,
    pub edits: Vec<Edit>,
    /// The index in the `diagnostics` given of the finding it fixes.
    pub fixes: usize,
    /// The finding's own fix (not a suppression): the one to apply first.
    pub preferred: bool,
}

/// The actions for the findings among `diagnostics` that touch `range` in
/// `file`, each finding's fix first.
pub fn code_actions(
    analysis: &Analysis<'_>,
    file: FileId,
    range: Span,
    diagnostics: &[Diagnostic],
) -> Vec<CodeAction> {
    let mut out = Vec::new();
    for (index, diagnostic) in diagnostics.iter().enumerate() {
        let span = diagnostic.span;
        if span.file != file || span.start > range.end || range.start > span.end {
            continue;
        }
        if let Some(suggestion) = &diagnostic.suggestion {
            let text = analysis.text(suggestion.span.file);
            out.push(CodeAction {
                title: capitalize(&suggestion.title),
                edits: vec![Edit {
                    span: suggestion.span,
                    new_text: suggestion.new_text(text),
                }],
                fixes: index,
                preferred: true,
            });
        }
        if let Some(action) = suppression(analysis, diagnostic, index) {
            out.push(action);
        }
    }
    out
}

/// `# scalec: allow CODE reason` above what the finding is in.
fn suppression(
    analysis: &Analysis<'_>,
    diagnostic: &Diagnostic,
    index: usize,
) -> Option<CodeAction> {
    let rule = crate::lint::find(diagnostic.code.id)?;
    if diagnostic.guard.is_some() || rule.id.as_str().starts_with('S') {
        return None;
    }
    let code = rule.id.as_str();
    let file = diagnostic.span.file;
    let ast = analysis.ast(file)?;
    let text = analysis.text(file);
    let target = target(ast, text, diagnostic.span.start)?;
    let title = format!(
        "Allow {code} ({}) here with a `# scalec: allow` comment",
        rule.name
    );
    // A suppression already above it takes one more code.
    let existing = ast.directives.iter().find_map(|d| match &d.kind {
        DirectiveKind::Allow {
            rules, target: t, ..
        } if *t == Some(target) => rules.last(),
        _ => None,
    });
    let edit = match existing {
        Some((_, last)) => Edit {
            span: Span::new(file, last.end, last.end),
            new_text: format!(", {code}"),
        },
        None => {
            let at = line_start(text, target.start);
            let newline = if text.contains("\r\n") { "\r\n" } else { "\n" };
            Edit {
                span: Span::new(file, at, at),
                new_text: format!(
                    // No reason is invented: S001 asks the user for one.
                    "{}# scalec: allow {code}{newline}",
                    indentation(text, target.start)
                ),
            }
        }
    };
    Some(CodeAction {
        title,
        edits: vec![edit],
        fixes: index,
        preferred: false,
    })
}

/// The block or attribute a suppression on the line above it would silence,
/// for a finding at `offset`: the innermost one holding the offset that is
/// the first to start on its line (a suppression targets the first item
/// after it).
fn target(ast: &Ast, text: &str, offset: usize) -> Option<Span> {
    let mut all = Vec::new();
    collect(&ast.items, &mut all);
    all.sort_by_key(|s| s.start);
    let mut holding: Vec<Span> = all
        .iter()
        .copied()
        .filter(|s| s.start <= offset && offset < s.end.max(s.start + 1))
        .collect();
    holding.sort_by_key(|s| std::cmp::Reverse(s.start));
    holding.into_iter().find(|candidate| {
        let line = line_start(text, candidate.start);
        all.iter().find(|s| s.start >= line) == Some(candidate)
    })
}

fn collect(items: &[Item], out: &mut Vec<Span>) {
    for item in items {
        out.push(item.span());
        if let Item::Block(block) = item {
            collect(&block.items, out);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ide::testing::workspace;

    fn apply(text: &str, edits: &[Edit]) -> String {
        let mut out = text.to_string();
        let mut sorted: Vec<&Edit> = edits.iter().collect();
        sorted.sort_by_key(|e| std::cmp::Reverse(e.span.start));
        for edit in sorted {
            out.replace_range(edit.span.start..edit.span.end, &edit.new_text);
        }
        out
    }

    /// The actions on the first finding with `code` in `text`, and the text
    /// after each.
    fn fixes(text: &str, code: &str) -> Vec<(String, bool, String)> {
        let ws = workspace(&[("p/a.scale", text)]);
        let compiled = crate::compile(&ws.sources, &ws.projects, &crate::lint::Options::default());
        let analysis = Analysis::new(&ws.sources, &ws.projects);
        let finding = compiled
            .diagnostics
            .iter()
            .position(|d| d.code.id == code)
            .unwrap_or_else(|| panic!("no {code} in {:?}", compiled.diagnostics));
        let span = compiled.diagnostics[finding].span;
        code_actions(&analysis, FileId(0), span, &compiled.diagnostics)
            .into_iter()
            .filter(|a| a.fixes == finding)
            .map(|a| (a.title, a.preferred, apply(text, &a.edits)))
            .collect()
    }

    fn codes_after(text: &str) -> Vec<&'static str> {
        let ws = workspace(&[("p/a.scale", text)]);
        let compiled = crate::compile(&ws.sources, &ws.projects, &crate::lint::Options::default());
        compiled.diagnostics.iter().map(|d| d.code.id).collect()
    }

    #[test]
    fn a_did_you_mean_becomes_the_preferred_fix() {
        let text = "service api {\n  image = \"a:1\"\n  replica = 3\n}\n";
        let actions = fixes(text, "E002");
        assert_eq!(actions.len(), 1, "a language error cannot be allowed");
        let (title, preferred, fixed) = &actions[0];
        assert_eq!(title, "Change to `replicas`");
        assert!(preferred);
        assert!(fixed.contains("  replicas = 3\n"));
        assert!(!codes_after(fixed).contains(&"E002"));
    }

    /// Fixes at each kind of site that computes one, each checked by the
    /// checker: the finding is gone and no other error came.
    #[test]
    fn fixes_of_names_words_and_units() {
        let service = |body: &str| format!("service api {{\n  image = \"a:1\"\n{body}\n}}\n");
        let cases = [
            (service("  \"replicas\" = 3"), "E002", "  replicas = 3\n"),
            (service("  scael cpu { utilization = 70% }"), "E002", "  scale cpu {"),
            (service("  memory = 1GB"), "E003", "memory = 1Gi\n"),
            (service("  spread = zones"), "E003", "spread = zone\n"),
            (service("  spread = \"zones\""), "E003", "spread = \"zone\"\n"),
            (service("  replicas = 1 .. 2\n  scale cpuu { utilization = 70% }"), "E004", "scale cpu {"),
            ("lint {\n  deny = [single-replcia]\n}\n".to_string(), "E004", "[single-replica]"),
            ("servce api {\n  image = \"a:1\"\n}\n".to_string(), "E002", "service api {"),
            ("service Api {\n  image = \"a:1\"\n}\n".to_string(), "E006", "service api {"),
            ("metric \"a/b\" {\n  kind = pods\n}\n".to_string(), "E006", "metric \"a_b\" {"),
            ("database d {\n  engine = mongodb\n  shards = 1\n  version = \"7\"\n}\n".to_string(), "E003", "version = \"7.0\"\n"),
            ("database d {\n  engine = mongodb\n  shards = 1\n  collection c { shard_key = hashd(x) }\n}\n".to_string(), "E003", "shard_key = hashed(x)"),
            ("database d {\n  engine = mongodb\n  shards = 1\n  collection c { shard_key = hashed(\"a..b\") }\n}\n".to_string(), "E006", "shard_key = hashed(\"a.b\")"),
        ];
        for (text, code, expected) in cases {
            let actions = fixes(&text, code);
            let Some((_, true, fixed)) = actions.first() else {
                panic!("no fix for {code} in {text}: {actions:?}");
            };
            assert!(fixed.contains(expected), "{code}: {fixed}");
            let after = codes_after(fixed);
            assert!(
                !after.iter().any(|c| c.starts_with('E')),
                "{fixed}: {after:?}"
            );
        }
    }

    #[test]
    fn a_lint_finding_can_be_allowed_on_the_line_above() {
        let text = "service api {\n  image = \"a:1\"\n  memory = 512m\n  replicas = 3\n}\n";
        let actions = fixes(text, "K112");
        let [(fix, true, fixed), (allow, false, allowed)] = actions.as_slice() else {
            panic!("{actions:?}");
        };
        assert_eq!(fix, "Change to `512Mi`");
        assert!(fixed.contains("memory = 512Mi\n"));
        assert!(!codes_after(fixed).contains(&"K112"));
        assert_eq!(
            allow,
            "Allow K112 (memory-milli-unit) here with a `# scalec: allow` comment"
        );
        assert!(
            allowed.contains("  # scalec: allow K112\n  memory = 512m\n"),
            "{allowed}"
        );
        let after = codes_after(allowed);
        assert!(
            !after.contains(&"K112") && !after.contains(&"S002"),
            "{after:?}"
        );
        // The suppression has no reason yet: S001 asks for one.
        assert!(after.contains(&"S001"), "{after:?}");
    }

    #[test]
    fn a_second_code_joins_the_suppression_already_there() {
        let text = "service api {\n  image = \"a:1\"\n  # scalec: allow K110 no limit wanted\n  memory = 512m\n}\n";
        let actions = fixes(text, "K112");
        let (_, _, allowed) = actions.iter().find(|a| !a.1).unwrap();
        assert!(
            allowed.contains("# scalec: allow K110, K112 no limit wanted\n"),
            "{allowed}"
        );
        assert!(!codes_after(allowed).contains(&"K112"));
    }

    #[test]
    fn a_statement_after_another_on_its_line_is_allowed_with_its_block() {
        // A suppression silences the first statement after it: here the
        // service, not `memory`, which follows `image` on its line.
        let text = "service api {\n  image = \"a:1\"; memory = 512m\n}\n";
        let actions = fixes(text, "K112");
        let (_, _, allowed) = actions.iter().find(|a| !a.1).unwrap();
        assert!(allowed.starts_with("# scalec: allow K112"), "{allowed}");
        assert!(!codes_after(allowed).contains(&"K112"), "{allowed}");
    }

    #[test]
    fn the_fixes_of_k101_and_m201() {
        let text = "service api {\n  image = \"a:1\"\n  replicas = 3\n  scale cpu { utilization = 70% }\n}\n";
        let (title, _, fixed) = &fixes(text, "K101")[0];
        assert_eq!(title, "Change to `replicas = 3 .. 12`");
        assert!(fixed.contains("replicas = 3 .. 12\n"));
        assert!(!codes_after(fixed).contains(&"K101"));
        assert_eq!(fixes(text, "K101").len(), 1, "a guard cannot be allowed");
        // No `replicas` at all: a range is added above the first `scale`,
        // indented like it (here with a tab), also when it follows `{`.
        for (text, expected) in [
            (
                "service api {\n\timage = \"a:1\"\n\tscale cpu { utilization = 70% }\n}\n",
                "\treplicas = 2 .. 20\n\tscale cpu",
            ),
            (
                "service api { scale cpu { utilization = 70% }\n  image = \"a:1\"\n}\n",
                "service api { replicas = 2 .. 20\nscale cpu",
            ),
        ] {
            let (title, _, fixed) = &fixes(text, "K101")[0];
            assert_eq!(title, "Add `replicas = 2 .. 20`");
            assert!(fixed.contains(expected), "{fixed}");
            assert!(!codes_after(fixed).contains(&"K101"), "{fixed}");
        }

        let text = "database d {\n  engine = mongodb\n  shards = 2\n  collection c {\n    shard_key = [created, device]\n    field created { type = date }\n  }\n}\n";
        let (title, _, fixed) = &fixes(text, "M201")[0];
        assert_eq!(title, "Hash it: `shard_key = [hashed(created), device]`");
        assert!(!codes_after(fixed).contains(&"M201"), "{fixed}");
    }

    #[test]
    fn only_findings_in_the_range_and_file() {
        let text = "service api {\n  image = \"a:1\"\n  replica = 3\n  memory = 512m\n}\n";
        let ws = workspace(&[("p/a.scale", text)]);
        let compiled = crate::compile(&ws.sources, &ws.projects, &crate::lint::Options::default());
        let analysis = Analysis::new(&ws.sources, &ws.projects);
        let line3 = text.find("replica").unwrap();
        let actions = code_actions(
            &analysis,
            FileId(0),
            Span::new(FileId(0), line3, line3),
            &compiled.diagnostics,
        );
        assert_eq!(actions.len(), 1);
        assert!(
            code_actions(
                &analysis,
                FileId(1),
                Span::new(FileId(1), 0, 0),
                &compiled.diagnostics
            )
            .is_empty()
        );
    }
}
