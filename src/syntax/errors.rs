//! pest errors → E001 diagnostics, in user words.

use pest::error::{Error, ErrorVariant, InputLocation};

use super::Rule;
use crate::diag::{Diagnostic, codes};
use crate::source::{SourceFile, Span, line_end, line_start};

/// The byte offset a pest error points at.
pub(super) fn error_position(error: &Error<Rule>) -> usize {
    match error.location {
        InputLocation::Pos(pos) => pos,
        InputLocation::Span((start, _)) => start,
    }
}

/// Converts a pest error into one E001 diagnostic. This is the only place that
/// reads pest errors: it maps grammar rules to what a user would call them and
/// labels the token found where something else was expected.
pub(super) fn syntax_error(file: &SourceFile, error: &Error<Rule>) -> Diagnostic {
    let text = &*file.text;
    let pos = error_position(error).min(text.len());
    let found = found_at(text, pos);
    let span = Span::new(file.id, pos, pos + found.len);

    if found.description == "a string"
        && let Some(diagnostic) = string_error(file, pos)
    {
        return diagnostic;
    }
    let expected = match &error.variant {
        ErrorVariant::ParsingError { positives, .. } => {
            expected_words(positives, at_statement_start(text, pos))
        }
        ErrorVariant::CustomError { message } => {
            // pest's own limits: the stack or call budget ran out on deep nesting.
            return Diagnostic::error(
                codes::SYNTAX_ERROR,
                "blocks or lists are nested too deeply to parse",
                span,
            )
            .with_label(format!("nesting gives up here ({message})"))
            .with_help("flatten the structure: policies need only a few levels of nesting");
        }
    };

    let after = previous_token(text, pos)
        .map(|token| format!(" after `{token}`"))
        .unwrap_or_default();
    let message = format!("expected {expected}{after}, found {}", found.description);
    Diagnostic::error(codes::SYNTAX_ERROR, message, span)
        .with_label(format!("expected {expected}"))
        .with_help_opt(hint(text, pos, &found, &expected))
}

/// What stands at the error position, in user words.
struct Found {
    description: String,
    /// Bytes to underline (0 at the end of a line or of the file).
    len: usize,
    kind: FoundKind,
}

#[derive(PartialEq)]
enum FoundKind {
    EndOfFile,
    EndOfLine,
    Token,
}

fn found_at(text: &str, pos: usize) -> Found {
    let rest = &text[pos..];
    let Some(first) = rest.chars().next() else {
        return Found {
            description: "the end of the file".into(),
            len: 0,
            kind: FoundKind::EndOfFile,
        };
    };
    if first == '\n' || first == '\r' {
        return Found {
            description: "the end of the line".into(),
            len: 0,
            kind: FoundKind::EndOfLine,
        };
    }
    let is_word = |c: char| c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | '%');
    let len = if is_word(first) {
        rest.find(|c: char| !is_word(c)).unwrap_or(rest.len())
    } else {
        first.len_utf8()
    };
    // Keep the message short even if the "word" is a megabyte long.
    let token: String = rest[..len].chars().take(40).collect();
    let description = match first {
        '"' => "a string".to_string(),
        c if c.is_control() => format!("the character U+{:04X}", c as u32),
        _ => format!("`{token}`"),
    };
    Found {
        description,
        len,
        kind: FoundKind::Token,
    }
}

/// The punctuation or keyword just before `pos` on the same line, when it helps
/// to say "after `..`".
fn previous_token(text: &str, pos: usize) -> Option<&'static str> {
    let before = text[..pos].trim_end_matches([' ', '\t']);
    ["..", "=", "per", ",", "(", "["]
        .into_iter()
        .find(|token| before.ends_with(token))
}

/// Whether only blanks, `{` or `;` stand before `pos` on its line: a new
/// statement would start here.
fn at_statement_start(text: &str, pos: usize) -> bool {
    let before = text[line_start(text, pos)..pos].trim_end_matches([' ', '\t']);
    before.is_empty() || before.ends_with(['{', ';'])
}

/// Turns the rules pest expected into "`=` or `{`", deduplicated, in a fixed order.
fn expected_words(positives: &[Rule], statement_start: bool) -> String {
    let mut words: Vec<&str> = Vec::new();
    for rule in positives {
        if let Some(word) = describe_rule(*rule)
            && !words.contains(&word)
        {
            words.push(word);
        }
    }
    if statement_start && (words.is_empty() || words.contains(&END_OF_STATEMENT)) {
        // Nothing was left unfinished: a statement could start here.
        words.retain(|w| *w != END_OF_STATEMENT);
        words.push("a name");
    }
    // "a value" covers every kind of literal.
    if words.contains(&"a value") {
        words.retain(|w| !matches!(*w, "a name" | "a number" | "a string" | "a list"));
    }
    // A complete value may be followed by `..` or `per`; listing them after every
    // value is noise. Inside a list or call the separators are what matter, and
    // elsewhere the statement could simply end.
    let continues = |w: &&str| matches!(*w, "`..`" | "`per`");
    if words.iter().any(continues) {
        words.retain(|w| !continues(w));
        if !words.iter().any(|w| matches!(*w, "`,`" | "`]`" | "`)`")) {
            words.retain(|w| !matches!(*w, "`}`" | END_OF_STATEMENT));
            words.push(END_OF_STATEMENT);
        }
    }
    words.sort_by_key(|word| WORD_ORDER.iter().position(|w| w == word));
    match words.as_slice() {
        [] => END_OF_STATEMENT.to_string(),
        [one] => (*one).to_string(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

/// The fixed order in which expected things are listed.
const WORD_ORDER: &[&str] = &[
    "a value",
    "a name",
    "a number",
    "a string",
    "a list",
    "`=`",
    "`{`",
    "`}`",
    "`..`",
    "`per`",
    "`,`",
    "`]`",
    "`)`",
    END_OF_STATEMENT,
];

const END_OF_STATEMENT: &str = "a new line or `;`";

/// The user's word for a grammar rule; `None` for rules users never type alone.
pub(super) fn describe_rule(rule: Rule) -> Option<&'static str> {
    Some(match rule {
        Rule::value | Rule::word | Rule::boolean | Rule::list | Rule::quantity => {
            if rule == Rule::list {
                "a list"
            } else {
                "a value"
            }
        }
        Rule::ident | Rule::label | Rule::attribute | Rule::block => "a name",
        Rule::number => "a number",
        Rule::string | Rule::string_raw => "a string",
        Rule::assign => "`=`",
        Rule::open_brace => "`{`",
        Rule::close_brace => "`}`",
        Rule::range_op | Rule::range_tail => "`..`",
        Rule::per | Rule::rate_tail => "`per`",
        Rule::comma => "`,`",
        Rule::close_bracket => "`]`",
        Rule::close_paren => "`)`",
        Rule::EOI => END_OF_STATEMENT,
        _ => return None,
    })
}

/// Units a user may have separated from their number by a space.
const UNITS: &[&str] = &[
    "%", "m", "ms", "s", "h", "k", "M", "G", "T", "Ki", "Mi", "Gi", "Ti",
];

/// A hint for the common slips, computed from what was found and expected.
fn hint(text: &str, pos: usize, found: &Found, expected: &str) -> Option<String> {
    let unit_after_space = text[..pos]
        .trim_end_matches([' ', '\t'])
        .ends_with(|c: char| c.is_ascii_digit())
        && text[..pos].ends_with([' ', '\t'])
        && UNITS.contains(&&text[pos..pos + found.len]);
    if unit_after_space {
        return Some(
            "write a unit right after its number, with no space: `5m`, `512Mi`, `70%`".into(),
        );
    }
    if found.kind == FoundKind::EndOfLine && expected.contains("a value") {
        return Some(
            "a statement ends at the end of its line: finish the value on this line \
             (lists in `[...]` may span lines)"
                .into(),
        );
    }
    if found.kind == FoundKind::EndOfFile && expected.contains("`}`") {
        return Some("a block is not closed: add `}`".into());
    }
    if found.description == "`:`" && expected.contains("`=`") {
        return Some("attributes are set with `=`, not `:`".into());
    }
    if expected == END_OF_STATEMENT && found.kind == FoundKind::Token {
        return Some("put each statement on its own line, or separate them with `;`".into());
    }
    if found.description.starts_with("`'") {
        return Some("strings use double quotes: \"...\"".into());
    }
    None
}

/// A string literal starting at `pos` that did not parse: either an escape the
/// language does not know or a missing closing quote. Labels the exact place.
fn string_error(file: &SourceFile, pos: usize) -> Option<Diagnostic> {
    let text = &*file.text;
    let line_end = line_end(text, pos);
    let body = &text[pos + 1..line_end];
    let mut chars = body.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return None,
            '\\' => {
                let start = pos + 1 + i;
                let escape: String = body[i..].chars().take(2).collect();
                let valid = match chars.next().map(|(_, c)| c) {
                    Some('"' | '\\' | 'n' | 't') => true,
                    Some('u') => {
                        body[i + 2..].starts_with('{') && {
                            let digits =
                                body[i + 3..].find('}').map(|end| &body[i + 3..i + 3 + end]);
                            digits.is_some_and(|d| {
                                (1..=6).contains(&d.len())
                                    && d.chars().all(|c| c.is_ascii_hexdigit())
                            })
                        }
                    }
                    _ => false,
                };
                if !valid {
                    return Some(
                        Diagnostic::error(
                            codes::SYNTAX_ERROR,
                            format!("unknown escape `{escape}` in a string"),
                            Span::new(file.id, start, start + escape.len()),
                        )
                        .with_label("not an escape")
                        .with_help(
                            "the escapes are `\\\"`, `\\\\`, `\\n`, `\\t` and `\\u{...}` \
                             (1 to 6 hex digits); write `\\\\` for a backslash",
                        ),
                    );
                }
            }
            _ => {}
        }
    }
    Some(
        Diagnostic::error(
            codes::SYNTAX_ERROR,
            "this string is not closed",
            Span::new(file.id, pos, pos + 1),
        )
        .with_label("the string starts here")
        .with_related(
            Span::new(file.id, line_end, line_end),
            "the line ends before a closing `\"`",
        )
        .with_help("close the string with `\"` on the same line; write `\\n` for a line break"),
    )
}
