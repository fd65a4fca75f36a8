//! `# scalec: ...` comments → [`Directive`]s.
//!
//! The only directive is `allow`: `# scalec: allow K104 batch worker, restarts
//! are fine` on the line before a block or attribute. This module only reads
//! the comment and finds its target; whether the rules exist and whether the
//! suppression silenced anything is judged by `lint`.

use crate::ast::{Comment, Directive, DirectiveKind, Item};
use crate::source::{Span, lines};

const PREFIX: &str = "scalec:";

/// Reads the directives among `comments`.
pub(super) fn read(text: &str, comments: &[Comment], items: &[Item]) -> Vec<Directive> {
    let is_directive = |comment: &Comment| {
        let body = comment.text.trim_start_matches('#').trim_start();
        body.starts_with(PREFIX)
    };
    // Most files have none: then the items' spans are not needed.
    if !comments.iter().any(is_directive) {
        return Vec::new();
    }
    let mut starts = Vec::new();
    collect_items(items, &mut starts);
    starts.sort_by_key(|span| span.start);
    comments
        .iter()
        .filter_map(|comment| {
            let body = comment.text.trim_start_matches('#').trim_start();
            let rest = body.strip_prefix(PREFIX)?;
            let offset = comment.span.start + (comment.text.len() - rest.len());
            Some(Directive {
                span: comment.span,
                kind: parse(text, comment, rest, offset, &starts),
            })
        })
        .collect()
}

fn collect_items(items: &[Item], out: &mut Vec<Span>) {
    for item in items {
        out.push(item.span());
        if let Item::Block(block) = item {
            collect_items(&block.items, out);
        }
    }
}

fn parse(
    text: &str,
    comment: &Comment,
    rest: &str,
    offset: usize,
    starts: &[Span],
) -> DirectiveKind {
    let verb_start = rest.len() - rest.trim_start().len();
    let after_verb = rest.trim_start();
    let verb: String = after_verb
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect();
    if verb != "allow" {
        let problem = if verb.is_empty() {
            "a `# scalec:` comment names no directive".to_string()
        } else {
            format!("unknown directive `{verb}`")
        };
        return DirectiveKind::Malformed(problem);
    }
    if comment.trailing {
        return DirectiveKind::Malformed(
            "a suppression goes on its own line, before the block or attribute it silences".into(),
        );
    }
    // Rules: words separated by commas (and spaces); the reason is what follows.
    let mut cursor = offset + verb_start + verb.len();
    let mut rules = Vec::new();
    loop {
        let remaining = &text[cursor..comment.span.end];
        let skipped = remaining.len() - remaining.trim_start_matches([' ', '\t']).len();
        let word_start = cursor + skipped;
        let word: String = text[word_start..comment.span.end]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'))
            .collect();
        if word.is_empty() {
            break;
        }
        rules.push((
            word.clone(),
            Span::new(comment.span.file, word_start, word_start + word.len()),
        ));
        cursor = word_start + word.len();
        let after = &text[cursor..comment.span.end];
        let trimmed = after.trim_start_matches([' ', '\t']);
        if !trimmed.starts_with(',') {
            break;
        }
        cursor += after.len() - trimmed.len() + 1;
    }
    if rules.is_empty() {
        return DirectiveKind::Malformed(
            "`allow` names no rule: write `# scalec: allow CODE reason`".into(),
        );
    }
    let reason = text[cursor..comment.span.end].trim();
    DirectiveKind::Allow {
        rules,
        reason: (!reason.is_empty()).then(|| reason.to_string()),
        target: target(text, comment.span.end, starts),
    }
}

/// The first block or attribute after `from` with only blanks and comment
/// lines between (no empty line). Lines break as everywhere else: see
/// [`crate::source::line_breaks`].
fn target(text: &str, from: usize, starts: &[Span]) -> Option<Span> {
    let item = starts.iter().find(|span| span.start >= from)?;
    let gap = &text[from..item.start];
    let gap_lines: Vec<&str> = lines(gap).collect();
    // The first line is the rest of the comment's line; the last is the
    // item's indent.
    let between = &gap_lines[1..gap_lines.len().saturating_sub(1).max(1)];
    let attached = gap_lines.len() >= 2 && between.iter().all(|l| l.trim_start().starts_with('#'));
    attached.then_some(*item)
}
