//! Names: the one place that knows what a name may be where it lands, plus
//! did-you-mean suggestions and [`escape`] for text from the policy tree.
//!
//! Every name scalec writes into a Kubernetes object, a custom resource or
//! the shard script is checked here, each kind by the rule of the system that
//! reads it: [`kubernetes`] (object names, label keys and values, environment
//! variable names, metric names, the project name), [`mongodb`] (database,
//! collection and field names, and the server version the operator runs) and
//! [`prometheus`] (series and label names in PromQL).
//! A check returns `Err(Invalid)`: why the name is wrong, the rule, and the
//! nearest valid name when one can be computed. `lower` turns that into an
//! E006 (or, for the version, E003) with a span; nothing here reports.
//!
//! Pure: no IO, no diagnostics.

pub mod kubernetes;
pub mod mongodb;
pub mod prometheus;

pub use kubernetes::{
    MAX_NAME_LEN, dns_label_problem, dns_label_rewrite, label_key_problem, label_value_problem,
};

/// Why a name cannot be used where it lands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Invalid {
    /// What is wrong with this name, for the label: "it contains `$`".
    pub problem: String,
    /// The rule, in the user's words, for the help.
    pub rule: String,
    /// The nearest valid name, when one can be computed.
    pub rewrite: Option<String>,
}

impl Invalid {
    pub(crate) fn new(problem: impl Into<String>, rule: impl Into<String>) -> Invalid {
        Invalid {
            problem: problem.into(),
            rule: rule.into(),
            rewrite: None,
        }
    }

    pub(crate) fn rewrite(mut self, rewrite: Option<String>) -> Invalid {
        self.rewrite = rewrite;
        self
    }

    /// The help line: the rule, then the rewrite: "...: write `my-store`".
    pub fn help(&self) -> String {
        match &self.rewrite {
            Some(fixed) => format!("{}: write `{fixed}`", self.rule),
            None => self.rule.clone(),
        }
    }
}

/// A name as a message quotes it: `` `orders` ``, or "an empty name".
pub fn quoted(name: &str) -> String {
    if name.is_empty() {
        "an empty name".to_string()
    } else {
        format!("`{name}`")
    }
}

/// The first character of `name` that `allowed` refuses, as the label says
/// it: "it contains `/`" (control characters escaped).
pub(crate) fn first_refused(name: &str, allowed: impl Fn(char) -> bool) -> Option<String> {
    name.chars().find(|c| !allowed(*c)).map(|c| {
        let shown: String = c.escape_debug().collect();
        if c == ' ' {
            "it contains a space".to_string()
        } else {
            format!("it contains `{shown}`")
        }
    })
}

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

/// `text` with its first letter in upper case, for a sentence built from a
/// documentation fragment.
pub fn capitalize(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map_or_else(String::new, |c| c.to_uppercase().chain(chars).collect())
}
