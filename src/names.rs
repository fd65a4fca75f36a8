//! Names: did-you-mean suggestions and Kubernetes (DNS-1123 label) names,
//! shared by the stages that report unknown or invalid names.

/// The candidate closest to `name`, if it is close enough to be a likely typo:
/// same letters in another case, or an edit distance of at most a third of the
/// length (and at least 1).
pub fn did_you_mean<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let lower = name.to_lowercase();
    let limit = (name.chars().count() / 3).max(1);
    candidates
        .into_iter()
        .filter(|c| *c != name)
        .map(|c| {
            let distance = if c.to_lowercase() == lower {
                0
            } else {
                edit_distance(&lower, &c.to_lowercase())
            };
            (distance, c)
        })
        .filter(|(distance, _)| *distance <= limit)
        .min()
        .map(|(_, c)| c)
}

/// Edit distance over characters, counting a swap of two neighbours as one
/// edit (optimal string alignment), since `scael` for `scale` is one slip.
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut rows = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in rows.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in rows[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (rows[i - 1][j] + 1)
                .min(rows[i][j - 1] + 1)
                .min(rows[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(rows[i - 2][j - 2] + 1);
            }
            rows[i][j] = best;
        }
    }
    rows[a.len()][b.len()]
}

/// The longest Kubernetes object name (a DNS-1123 label).
pub const MAX_NAME_LEN: usize = 63;

/// Why `name` is not a valid DNS-1123 label, or `None` if it is.
pub fn dns_label_problem(name: &str) -> Option<String> {
    if name.is_empty() {
        return Some("it is empty".into());
    }
    if name.len() > MAX_NAME_LEN {
        return Some(format!(
            "it is {} characters long; the limit is {MAX_NAME_LEN}",
            name.len()
        ));
    }
    if let Some(c) = name
        .chars()
        .find(|c| !matches!(c, 'a'..='z' | '0'..='9' | '-'))
    {
        return Some(if c.is_ascii_uppercase() {
            "it has upper-case letters".into()
        } else {
            format!("it contains `{c}`")
        });
    }
    if name.starts_with('-') || name.ends_with('-') {
        return Some("it starts or ends with `-`".into());
    }
    None
}

/// The nearest valid DNS-1123 label: lower case, `-` for every other character,
/// no leading or trailing `-`, at most 63 characters.
pub fn dns_label_rewrite(name: &str) -> Option<String> {
    let mapped: String = name
        .chars()
        .map(|c| match c.to_ascii_lowercase() {
            c @ ('a'..='z' | '0'..='9') => c,
            _ => '-',
        })
        .collect();
    let mut collapsed = String::with_capacity(mapped.len());
    for c in mapped.chars() {
        if !(c == '-' && collapsed.ends_with('-')) {
            collapsed.push(c);
        }
    }
    let trimmed: String = collapsed
        .trim_matches('-')
        .chars()
        .take(MAX_NAME_LEN)
        .collect();
    let trimmed = trimmed.trim_end_matches('-');
    (!trimmed.is_empty()).then(|| trimmed.to_string())
}

/// Why `text` is not a label name segment (the part after an optional
/// prefix, or a label value when `allow_empty`), or `None`.
fn label_segment_problem(text: &str, allow_empty: bool) -> Option<String> {
    if text.is_empty() {
        return (!allow_empty).then(|| "it is empty".to_string());
    }
    if text.len() > MAX_NAME_LEN {
        return Some(format!(
            "it is {} characters long; the limit is {MAX_NAME_LEN}",
            text.len()
        ));
    }
    if let Some(c) = text
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
    {
        return Some(format!("it contains `{c}`"));
    }
    let edge_ok = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
    if !edge_ok(text.chars().next()) || !edge_ok(text.chars().last()) {
        return Some("it must start and end with a letter or digit".into());
    }
    None
}

/// Why `key` is not a Kubernetes label key (`[prefix/]name`), or `None`.
pub fn label_key_problem(key: &str) -> Option<String> {
    let (prefix, name) = match key.rsplit_once('/') {
        Some((prefix, name)) => (Some(prefix), name),
        None => (None, key),
    };
    if let Some(prefix) = prefix {
        let bad = prefix.is_empty()
            || prefix.len() > 253
            || prefix
                .split('.')
                .any(|part| dns_label_problem(part).is_some());
        if bad {
            return Some(format!("the prefix `{prefix}` is not a DNS subdomain"));
        }
    }
    label_segment_problem(name, false)
}

/// Why `value` is not a Kubernetes label value, or `None`.
pub fn label_value_problem(value: &str) -> Option<String> {
    label_segment_problem(value, true)
}

/// How [`escape`] treats the whitespace controls of a text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Escape {
    /// One line (a message, a label, a path, a header): every control
    /// character is escaped, tabs and line breaks too.
    Text,
    /// Several lines (a help, a diff): line breaks and tabs stay as they are.
    Lines,
    /// A line of source under a report's labels: tabs stay (the renderer
    /// expands them), line breaks are escaped.
    Snippet,
}

/// `text` with every character that must not reach a terminal or a generated
/// file raw written as an escape, in the notation of `.scale` strings: `\t`,
/// `\n`, `\r`, and `\u{1b}` for the others. Those are the control
/// characters (C0, DEL, C1), the invisible bidirectional controls (U+061C,
/// U+200E, U+200F, U+202A–U+202E, U+2066–U+2069) and the line and paragraph
/// separators U+2028 and U+2029. Anything else, backslashes included, is kept.
///
/// Reports (`render`), generated headers (`emit`) and the CLI's own messages
/// put text from the policy tree through this, so a name can never start a
/// new line or recolour a terminal.
pub fn escape(text: &str, mode: Escape) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(|c| needs_escape(c) && !kept(c, mode)) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        push_escaped(&mut out, c, mode);
    }
    std::borrow::Cow::Owned(out)
}

/// [`escape`] for one line of text.
pub fn escape_controls(text: &str) -> std::borrow::Cow<'_, str> {
    escape(text, Escape::Text)
}

/// Whether [`escape`] writes `c` as an escape in some mode.
pub fn needs_escape(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061C}'
                | '\u{200E}'
                | '\u{200F}'
                | '\u{2028}'
                | '\u{2029}'
                | '\u{202A}'..='\u{202E}'
                | '\u{2066}'..='\u{2069}'
        )
}

fn kept(c: char, mode: Escape) -> bool {
    match mode {
        Escape::Text => false,
        Escape::Lines => c == '\n' || c == '\t',
        Escape::Snippet => c == '\t',
    }
}

/// Appends `c` to `out`, escaped as [`escape`] would.
pub fn push_escaped(out: &mut String, c: char, mode: Escape) {
    use std::fmt::Write as _;
    if kept(c, mode) {
        out.push(c);
        return;
    }
    match c {
        '\t' => out.push_str("\\t"),
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        c if needs_escape(c) => {
            write!(out, "\\u{{{:x}}}", u32::from(c)).expect("writing to a String cannot fail");
        }
        c => out.push(c),
    }
}
