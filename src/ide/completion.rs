//! Completion at a cursor, in text that is being typed and need not parse.
//!
//! It reads the loose statement tree of [`super::lex`], so `  repl`,
//! `scale ` and `memory = 512` are understood as they stand:
//!
//! - at the start of a statement: the block kinds valid at that nesting level
//!   and the attributes of the enclosing block that are not set yet (a
//!   nested block that may appear once is not offered twice, nor `cluster`,
//!   `defaults` or `lint` when the project has one);
//! - after `scale `: the metrics, queues and schedules the project declares, and `cpu`
//!   and `memory`, less those the block already scales on;
//! - after `NAME = `: the words of a word attribute (`autoscaler = hpa`),
//!   `true` and `false`, rule codes in `lint` lists, the fields of a
//!   collection in its `shard_key`;
//! - right after a number: the units of the attribute's value type.
//!
//! Nothing is offered inside comments and strings. Items are not filtered by
//! what is typed: editors do that against [`Completion::replace`].

use crate::lower::schema::{self, BlockSchema, ValueType};
use crate::source::{FileId, Span};

use super::lex::{self, Stmt, Token, TokenKind};
use super::{Analysis, NameKind};

/// What an item completes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CompletionKind {
    BlockKind,
    Attribute,
    /// A metric or queue of the project, or `cpu` or `memory`, after `scale`.
    Signal,
    /// A word value: `hpa`, `true`, a rule code, a field.
    Word,
    Unit,
}

/// One completion item.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Completion {
    pub label: String,
    pub kind: CompletionKind,
    /// One line shown next to the label.
    pub detail: String,
    /// Markdown documentation, when there is more to say.
    pub documentation: Option<String>,
    /// The text written in place of `replace`.
    pub insert: String,
    /// What the item replaces: the word at the cursor, or an empty span at it.
    pub replace: Span,
}

/// A unit a value may carry, and what it means there.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Unit {
    pub unit: &'static str,
    pub meaning: &'static str,
}

const fn unit(unit: &'static str, meaning: &'static str) -> Unit {
    Unit { unit, meaning }
}

const CPU_UNITS: &[Unit] = &[unit(
    "m",
    "millicores: `500m` is half a core (no unit: cores)",
)];

const MEMORY_UNITS: &[Unit] = &[
    unit("Ki", "kibibytes, 1024 bytes"),
    unit("Mi", "mebibytes, 1024² bytes"),
    unit("Gi", "gibibytes, 1024³ bytes"),
    unit("Ti", "tebibytes, 1024⁴ bytes"),
    unit("Pi", "pebibytes, 1024⁵ bytes"),
    unit("Ei", "exbibytes, 1024⁶ bytes"),
    unit("k", "kilobytes, 1000 bytes"),
    unit("M", "megabytes, 1000² bytes"),
    unit("G", "gigabytes, 1000³ bytes"),
    unit("T", "terabytes, 1000⁴ bytes"),
    unit("P", "petabytes, 1000⁵ bytes"),
    unit("E", "exabytes, 1000⁶ bytes"),
];

const DURATION_UNITS: &[Unit] = &[
    unit("s", "seconds"),
    unit("m", "minutes"),
    unit("h", "hours"),
];

const RATE_PERIOD_UNITS: &[Unit] = &[unit("s", "seconds"), unit("m", "minutes")];

const PERCENT_UNITS: &[Unit] = &[unit("%", "percent")];

const NUMBER_UNITS: &[Unit] = &[unit("k", "thousand"), unit("M", "million")];

const METRIC_UNITS: &[Unit] = &[
    unit("m", "thousandths: `250m` is 0.25"),
    unit("k", "thousand"),
    unit("M", "million"),
    unit("G", "10⁹"),
    unit("T", "10¹²"),
    unit("P", "10¹⁵"),
    unit("E", "10¹⁸"),
    unit("Ki", "1024"),
    unit("Mi", "1024²"),
    unit("Gi", "1024³"),
    unit("Ti", "1024⁴"),
    unit("Pi", "1024⁵"),
    unit("Ei", "1024⁶"),
];

/// What a `scale` block scales on, which decides the unit of its target.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Signal {
    Cpu,
    Memory,
    Metric,
    Queue,
    Schedule,
}

/// The units a value of type `value` takes. For `average` and `total` of a
/// `scale` block the signal decides (`None`: a metric's units). `after_per`
/// is for rates: the period's units rather than the amount's. Memory's `m`
/// (thousandths of a byte) is left out: it is almost always a slip (K112).
pub fn units(value: ValueType, signal: Option<Signal>, after_per: bool) -> &'static [Unit] {
    match value {
        ValueType::Cpu | ValueType::CpuOrRange => CPU_UNITS,
        ValueType::Memory | ValueType::MemoryOrRange => MEMORY_UNITS,
        ValueType::Duration => DURATION_UNITS,
        ValueType::Percent | ValueType::CountOrPercent => PERCENT_UNITS,
        ValueType::Number => NUMBER_UNITS,
        ValueType::Rates if after_per => RATE_PERIOD_UNITS,
        ValueType::Rates => PERCENT_UNITS,
        ValueType::Quantity => match signal {
            Some(Signal::Cpu) => CPU_UNITS,
            Some(Signal::Memory) => MEMORY_UNITS,
            Some(Signal::Queue | Signal::Schedule) => NUMBER_UNITS,
            Some(Signal::Metric) | None => METRIC_UNITS,
        },
        ValueType::String
        | ValueType::Path
        | ValueType::Word(_)
        | ValueType::Words(_)
        | ValueType::Name
        | ValueType::Version
        | ValueType::Port
        | ValueType::Count
        | ValueType::CountOrRange
        | ValueType::Bool
        | ValueType::ShardKey
        | ValueType::RuleList
        | ValueType::NameList
        | ValueType::Calls
        | ValueType::Command
        | ValueType::Strings
        | ValueType::PreStop
        | ValueType::ConfigSources
        | ValueType::InstanceSizeOrRange => &[],
    }
}

/// The signal a `scale` block with this label scales on, by the names the
/// project declares.
pub(crate) fn signal_of(analysis: &Analysis<'_>, file: FileId, label: &str) -> Option<Signal> {
    match label {
        "cpu" => Some(Signal::Cpu),
        "memory" => Some(Signal::Memory),
        _ => {
            let metric = super::declarations(analysis, file, &[NameKind::Metric], label);
            let queue = super::declarations(analysis, file, &[NameKind::Queue], label);
            let schedule = super::declarations(analysis, file, &[NameKind::Schedule], label);
            match (metric.is_empty(), queue.is_empty(), schedule.is_empty()) {
                (false, _, _) => Some(Signal::Metric),
                (true, false, _) => Some(Signal::Queue),
                (true, true, false) => Some(Signal::Schedule),
                (true, true, true) => None,
            }
        }
    }
}

/// The completions at `offset` in `file`.
pub fn complete(analysis: &Analysis<'_>, file: FileId, offset: usize) -> Vec<Completion> {
    let text = analysis.text(file);
    let offset = offset.min(text.len());
    let tokens = lex::lex(text);
    let inside_text = tokens.iter().any(|t| match t.kind {
        TokenKind::Comment => t.start < offset,
        TokenKind::String { terminated } => {
            t.start < offset && (offset < t.end || (!terminated && offset == t.end))
        }
        _ => false,
    } && offset <= t.end);
    if inside_text {
        return Vec::new();
    }
    let items = lex::statements(&tokens);
    let path = lex::enclosing(&items, offset);
    let siblings: &[Stmt] = match path.last() {
        Some(Stmt::Block { items, .. }) => items,
        _ => &items,
    };
    let context = Context {
        analysis,
        file,
        text,
        offset,
        top: &items,
        path: &path,
        siblings,
    };
    let current = current(siblings, &tokens, offset);
    let empty = Span::new(file, offset, offset);
    match current {
        None => context.statement_start(None, empty, true),
        Some(stmt) => context.within(stmt),
    }
}

/// The statement of `siblings` the cursor is in: the last one starting
/// before it, if nothing has ended it between its last token and the cursor.
fn current<'s>(siblings: &'s [Stmt], tokens: &[Token], offset: usize) -> Option<&'s Stmt> {
    let stmt = siblings.iter().rev().find(|s| s.range().0 <= offset)?;
    let (_, end) = stmt.range();
    if offset <= end {
        return Some(stmt);
    }
    let open_lists = match stmt {
        Stmt::Block { .. } => return None,
        Stmt::Attribute { value, .. } => value.iter().fold(0i32, |depth, t| match t.kind {
            TokenKind::LBracket | TokenKind::LParen => depth + 1,
            TokenKind::RBracket | TokenKind::RParen => depth - 1,
            _ => depth,
        }),
        Stmt::Other(_) => 0,
    };
    let ended = tokens
        .iter()
        .filter(|t| t.start >= end && t.start < offset)
        .any(|t| match t.kind {
            TokenKind::Semi | TokenKind::LBrace | TokenKind::RBrace => true,
            TokenKind::Newline => open_lists <= 0,
            _ => false,
        });
    (!ended).then_some(stmt)
}

struct Context<'a, 'w> {
    analysis: &'a Analysis<'w>,
    file: FileId,
    text: &'a str,
    offset: usize,
    /// The file's top-level statements.
    top: &'a [Stmt],
    /// The blocks around the cursor, outermost first.
    path: &'a [&'a Stmt],
    /// The statements of the innermost of them (or the file's).
    siblings: &'a [Stmt],
}

impl Context<'_, '_> {
    fn span(&self, token: &Token) -> Span {
        Span::new(self.file, token.start, token.end)
    }

    fn empty(&self) -> Span {
        Span::new(self.file, self.offset, self.offset)
    }

    /// The word at the cursor, as the span to replace.
    fn word(&self, token: &Token) -> Span {
        if token.touches(self.offset) {
            self.span(token)
        } else {
            self.empty()
        }
    }

    /// The kind of the innermost enclosing block, `None` at the top level.
    fn enclosing_kind(&self) -> Option<&str> {
        match self.path.last() {
            Some(Stmt::Block { kind, .. }) => Some(kind.text(self.text)),
            _ => None,
        }
    }

    fn within(&self, stmt: &Stmt) -> Vec<Completion> {
        match stmt {
            Stmt::Block {
                kind, label, open, ..
            } => {
                if self.offset > open.start {
                    return Vec::new();
                }
                if kind.touches(self.offset) {
                    return self.statement_start(Some(stmt), self.span(kind), false);
                }
                if kind.text(self.text) == "scale" && label.is_none_or(|l| self.offset <= l.end) {
                    let replace = label.map_or(self.empty(), |l| self.word(&l));
                    return self.signals(stmt, replace);
                }
                Vec::new()
            }
            Stmt::Attribute { name, eq, value } => {
                if self.offset <= name.end {
                    return self.statement_start(Some(stmt), self.span(name), false);
                }
                if self.offset >= eq.end {
                    return self.value(name, value);
                }
                Vec::new()
            }
            Stmt::Other(tokens) => {
                let Some(first) = tokens.first() else {
                    return Vec::new();
                };
                if first.touches(self.offset) {
                    let replace = match first.kind {
                        TokenKind::Ident | TokenKind::Per | TokenKind::Bool => self.span(first),
                        _ => return Vec::new(),
                    };
                    return self.statement_start(Some(stmt), replace, true);
                }
                let second = tokens.get(1);
                if first.text(self.text) == "scale"
                    && self.offset > first.end
                    && second.is_none_or(|t| t.touches(self.offset))
                    && tokens.len() <= 2
                {
                    let replace = second.map_or(self.empty(), |t| self.word(t));
                    return self.signals(stmt, replace);
                }
                Vec::new()
            }
        }
    }

    /// Block kinds and attributes that may start a statement here, less
    /// those already written (`current` itself aside). `with_equals`: an
    /// attribute is inserted with ` = `.
    fn statement_start(
        &self,
        current: Option<&Stmt>,
        replace: Span,
        with_equals: bool,
    ) -> Vec<Completion> {
        let others = || {
            self.siblings
                .iter()
                .filter(move |s| current.is_none_or(|c| !std::ptr::eq(*s, c)))
        };
        let written_blocks: Vec<&str> = others()
            .filter_map(|s| match s {
                Stmt::Block { kind, .. } => Some(kind.text(self.text)),
                _ => None,
            })
            .collect();
        let written_attributes: Vec<String> = others()
            .filter_map(|s| match s {
                Stmt::Attribute { name, .. } => Some(lex::name_text(self.text, name)),
                _ => None,
            })
            .collect();
        let mut out = Vec::new();
        let Some(kind) = self.enclosing_kind() else {
            let present = self.singletons_in_project(current);
            for kind in schema::TOP_LEVEL {
                if present.contains(kind) {
                    continue;
                }
                out.push(block_item(kind, replace));
            }
            return out;
        };
        let Some(schema) = schema::block(kind) else {
            return out;
        };
        if schema.free_form {
            return out;
        }
        for attribute in schema.attributes {
            if written_attributes.iter().any(|w| w == attribute.name) {
                continue;
            }
            let insert = if with_equals {
                format!("{} = ", attribute.name)
            } else {
                attribute.name.to_string()
            };
            out.push(Completion {
                label: attribute.name.to_string(),
                kind: CompletionKind::Attribute,
                detail: attribute.value.describe().replace("\\|", "|"),
                documentation: Some(super::hover::attribute_doc(schema, attribute, None)),
                insert,
                replace,
            });
        }
        for child in schema.blocks {
            if !schema.repeatable.contains(child) && written_blocks.contains(child) {
                continue;
            }
            out.push(block_item(child, replace));
        }
        out
    }

    /// `cluster`, `defaults` and `lint` blocks of the project, but `current`.
    fn singletons_in_project(&self, current: Option<&Stmt>) -> Vec<&'static str> {
        let singletons = crate::lower::schema::SINGLETONS;
        let mut present = Vec::new();
        for stmt in self.top {
            if current.is_some_and(|c| std::ptr::eq(stmt, c)) {
                continue;
            }
            if let Stmt::Block { kind, .. } = stmt
                && let Some(s) = singletons.iter().find(|s| **s == kind.text(self.text))
            {
                present.push(*s);
            }
        }
        for other in self.analysis.project_files(self.file) {
            if other == self.file {
                continue;
            }
            let Some(ast) = self.analysis.ast(other) else {
                continue;
            };
            for item in &ast.items {
                if let crate::ast::Item::Block(block) = item
                    && let Some(s) = singletons.iter().find(|s| **s == block.kind.name)
                {
                    present.push(*s);
                }
            }
        }
        present
    }

    /// What a `scale` block may scale on, less what its siblings already do.
    fn signals(&self, current: &Stmt, replace: Span) -> Vec<Completion> {
        if !matches!(self.enclosing_kind(), Some("service" | "defaults")) {
            return Vec::new();
        }
        let taken: Vec<String> = self
            .siblings
            .iter()
            .filter(|s| !std::ptr::eq(*s, current))
            .filter_map(|s| match s {
                Stmt::Block {
                    kind,
                    label: Some(label),
                    ..
                } if kind.text(self.text) == "scale" => Some(lex::name_text(self.text, label)),
                _ => None,
            })
            .collect();
        let mut names: Vec<(String, &str, String)> = vec![
            (
                "cpu".into(),
                "resource",
                "the containers' cpu: `utilization`, or `average` or `total` in cores".into(),
            ),
            (
                "memory".into(),
                "resource",
                "the containers' memory: `utilization`, or `average` or `total` in bytes".into(),
            ),
        ];
        for (kind, name) in self.declared_signals() {
            if !names.iter().any(|(n, _, _)| *n == name) {
                let doc = match kind {
                    "metric" => format!("metric `{name}`: `average` or `total` in its unit"),
                    "schedule" => {
                        format!("schedule `{name}`: `replicas` to keep while it is on (KEDA)")
                    }
                    _ => format!("queue `{name}`: `average` or `total` messages"),
                };
                names.push((name, kind, doc));
            }
        }
        names
            .into_iter()
            .filter(|(name, _, _)| !taken.contains(name))
            .map(|(name, kind, doc)| Completion {
                insert: crate::diag::Suggestion::name(replace, name.clone()).new_text(self.text),
                label: name,
                kind: CompletionKind::Signal,
                detail: kind.to_string(),
                documentation: Some(doc),
                replace,
            })
            .collect()
    }

    /// The metrics, queues and schedules of the project: this file's from its text (it
    /// may not parse), the other files' from their trees.
    fn declared_signals(&self) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        for stmt in self.top {
            if let Stmt::Block {
                kind,
                label: Some(label),
                ..
            } = stmt
            {
                match kind.text(self.text) {
                    "metric" => out.push(("metric", lex::name_text(self.text, label))),
                    "queue" => out.push(("queue", lex::name_text(self.text, label))),
                    "schedule" => out.push(("schedule", lex::name_text(self.text, label))),
                    _ => {}
                }
            }
        }
        for other in self.analysis.project_files(self.file) {
            if other == self.file {
                continue;
            }
            let Some(ast) = self.analysis.ast(other) else {
                continue;
            };
            for item in &ast.items {
                if let crate::ast::Item::Block(block) = item
                    && let Some(label) = &block.label
                {
                    match block.kind.name.as_str() {
                        "metric" => out.push(("metric", label.text.clone())),
                        "queue" => out.push(("queue", label.text.clone())),
                        "schedule" => out.push(("schedule", label.text.clone())),
                        _ => {}
                    }
                }
            }
        }
        out
    }

    /// After `name =`: units right after a number, else words.
    fn value(&self, name: &Token, value: &[Token]) -> Vec<Completion> {
        let Some(schema) = self.enclosing_kind().and_then(schema::block) else {
            return Vec::new();
        };
        let Some(attribute) = schema.attribute(&lex::name_text(self.text, name)) else {
            return Vec::new();
        };
        let before: Vec<&Token> = value.iter().filter(|t| t.start < self.offset).collect();
        let last = before.last().copied();
        // `512|` or `512M|`: units.
        let number = match last {
            Some(t) if t.kind == TokenKind::Number && t.end == self.offset => Some((*t, None)),
            Some(t) if t.kind == TokenKind::Unit && t.touches(self.offset) => before
                .iter()
                .rev()
                .nth(1)
                .filter(|n| n.kind == TokenKind::Number && n.end == t.start)
                .map(|n| (**n, Some(*t))),
            _ => None,
        };
        if let Some((_, unit_token)) = number {
            let after_per = before
                .iter()
                .rev()
                .take_while(|t| !matches!(t.kind, TokenKind::Comma | TokenKind::LBracket))
                .any(|t| t.kind == TokenKind::Per);
            let signal = self.scale_signal(schema);
            let replace = unit_token.map_or(self.empty(), |u| self.span(&u));
            return units(attribute.value, signal, after_per)
                .iter()
                .map(|u| Completion {
                    label: u.unit.to_string(),
                    kind: CompletionKind::Unit,
                    detail: u.meaning.to_string(),
                    documentation: None,
                    insert: u.unit.to_string(),
                    replace,
                })
                .collect();
        }
        // A word: right after `=`, `[`, `,` or `(`, or on a word.
        let replace = match last {
            None => self.empty(),
            Some(t)
                if matches!(
                    t.kind,
                    TokenKind::LBracket | TokenKind::Comma | TokenKind::LParen
                ) && t.end <= self.offset =>
            {
                self.empty()
            }
            // The upper end of an instance size range.
            Some(t)
                if t.kind == TokenKind::DotDot
                    && attribute.value == ValueType::InstanceSizeOrRange
                    && t.end <= self.offset =>
            {
                self.empty()
            }
            Some(t)
                if matches!(t.kind, TokenKind::Ident | TokenKind::Bool | TokenKind::Per)
                    && t.touches(self.offset) =>
            {
                self.span(t)
            }
            _ => return Vec::new(),
        };
        let in_list = before.iter().any(|t| t.kind == TokenKind::LBracket);
        self.words(attribute.name, attribute.value, replace, in_list)
    }

    /// The signal of the enclosing `scale` block, if that is where we are.
    fn scale_signal(&self, schema: &BlockSchema) -> Option<Signal> {
        if schema.kind != "scale" {
            return None;
        }
        let Some(Stmt::Block {
            label: Some(label), ..
        }) = self.path.last()
        else {
            return None;
        };
        signal_of(self.analysis, self.file, &lex::name_text(self.text, label))
    }

    fn words(&self, name: &str, value: ValueType, replace: Span, in_list: bool) -> Vec<Completion> {
        let item = |label: &str, detail: String| Completion {
            label: label.to_string(),
            kind: CompletionKind::Word,
            detail,
            documentation: None,
            insert: label.to_string(),
            replace,
        };
        match value {
            ValueType::Word(words) => words.iter().map(|w| item(w, format!("`{name}`"))).collect(),
            ValueType::Words(words) => words
                .iter()
                .map(|w| {
                    let mut completion = item(w, format!("`{name}`"));
                    if !in_list {
                        completion.insert = format!("[{w}]");
                    }
                    completion
                })
                .collect(),
            ValueType::Bool => ["true", "false"]
                .iter()
                .map(|w| item(w, format!("`{name}`")))
                .collect(),
            // The sizes Atlas shards on; a range is two of them.
            ValueType::InstanceSizeOrRange => (crate::model::atlas::INSTANCE_SIZES.iter())
                .filter(|size| size.tier >= crate::model::atlas::MIN_SHARDED_TIER)
                .map(|size| {
                    item(
                        size.name,
                        format!("Atlas instance size, {}", size.class.describe()),
                    )
                })
                .collect(),
            ValueType::Name if name == "auth" => vec![item(
                crate::model::QueueAuth::OPERATOR,
                "KEDA reads the queue with its own identity".into(),
            )],
            ValueType::RuleList => crate::lint::RULES
                .iter()
                .map(|rule| {
                    let code = rule.id.as_str();
                    let mut completion = item(code, format!("{}: {}", rule.name, rule.summary));
                    if !in_list {
                        completion.insert = format!("[{code}]");
                    }
                    completion
                })
                .collect(),
            ValueType::ShardKey => {
                let mut fields: Vec<String> = self
                    .siblings
                    .iter()
                    .filter_map(|s| match s {
                        Stmt::Block {
                            kind,
                            label: Some(label),
                            ..
                        } if kind.text(self.text) == "field" => {
                            Some(lex::name_text(self.text, label))
                        }
                        _ => None,
                    })
                    .collect();
                if !fields.iter().any(|f| f == "_id") {
                    fields.push("_id".into());
                }
                let mut out: Vec<Completion> = fields
                    .iter()
                    .map(|f| {
                        let mut c = item(f, "field".into());
                        c.insert = crate::lint::shard_key::field_text(f);
                        c
                    })
                    .collect();
                out.push(item("hashed", "hash a field: `hashed(field)`".into()));
                out
            }
            _ => Vec::new(),
        }
    }
}

fn block_item(kind: &'static str, replace: Span) -> Completion {
    let schema = schema::block(kind).expect("every kind offered has a schema");
    Completion {
        label: kind.to_string(),
        kind: CompletionKind::BlockKind,
        detail: schema.doc.to_string(),
        documentation: Some(super::hover::block_doc(schema)),
        insert: kind.to_string(),
        replace,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ide::testing::{cursor, workspace};

    const SIGNALS: &str = "metric rps {\n  kind = pods\n}\n\nqueue jobs {\n  provider = aws-sqs\n  url = \"https://sqs.us-east-1.amazonaws.com/1/jobs\"\n}\n";

    /// The labels offered at `|` in `text`, the file `p/b.scale` of a project
    /// with SIGNALS in `p/a.scale`.
    fn labels(text: &str) -> Vec<String> {
        items(text).into_iter().map(|c| c.label).collect()
    }

    fn items(text: &str) -> Vec<Completion> {
        let (text, at) = cursor(text);
        let ws = workspace(&[("p/a.scale", SIGNALS), ("p/b.scale", &text)]);
        let analysis = Analysis::new(&ws.sources, &ws.projects);
        complete(&analysis, FileId(1), at)
    }

    #[test]
    fn top_level_kinds_less_the_singletons_already_written() {
        let found = labels("cluster {}\n|");
        assert_eq!(
            found,
            [
                "defaults",
                "metric",
                "queue",
                "service",
                "database",
                "lint",
                "trigger_auth",
                "schedule",
                "loadtest",
                "environment"
            ]
        );
        let found = labels("ser|");
        assert!(found.contains(&"service".to_string()) && found.contains(&"cluster".to_string()));
    }

    #[test]
    fn a_schedule_is_offered_after_scale_with_its_target() {
        let schedule = "schedule office {\n  timezone = \"UTC\"\n  start = \"0 8 * * *\"\n  end = \"0 18 * * *\"\n}\n";
        let found = items(&format!("{schedule}service api {{\n  scale |\n}}\n"));
        let office = found.iter().find(|c| c.label == "office").expect("office");
        assert_eq!(office.detail, "schedule");
        assert_eq!(
            office.documentation.as_deref(),
            Some("schedule `office`: `replicas` to keep while it is on (KEDA)")
        );
        let found = labels(&format!(
            "{schedule}service api {{\n  scale office {{ |\n}}\n"
        ));
        assert!(found.contains(&"replicas".to_string()), "{found:?}");
    }

    #[test]
    fn attributes_not_yet_set_and_blocks_that_may_still_appear() {
        let found =
            labels("service api {\n  image = \"a:1\"\n  scale_up { select = max }\n  rep|\n}\n");
        assert!(!found.contains(&"image".into()), "{found:?}");
        assert!(!found.contains(&"scale_up".into()), "{found:?}");
        for expected in ["replicas", "cpu", "memory", "scale", "scale_down", "env"] {
            assert!(found.contains(&expected.into()), "{expected}: {found:?}");
        }
        // The word being typed is replaced, and ` = ` follows an attribute.
        let (text, at) = cursor("service api {\n  rep|\n}\n");
        let replicas = items("service api {\n  rep|\n}\n")
            .into_iter()
            .find(|c| c.label == "replicas")
            .unwrap();
        assert_eq!((replicas.replace.start, replicas.replace.end), (at - 3, at));
        assert_eq!(replicas.insert, "replicas = ");
        assert_eq!(&text[replicas.replace.start..replicas.replace.end], "rep");
        // Editing the name of an attribute that has a value.
        let found = items("service api {\n  rep| = 3\n}\n");
        let replicas = found.iter().find(|c| c.label == "replicas").unwrap();
        assert_eq!(replicas.insert, "replicas");
        // Blocks nested in an unclosed block of an unparsable file.
        let found = labels("database d {\n  collection c {\n    |\n");
        assert_eq!(found, ["shard_key", "field"]);
    }

    #[test]
    fn signals_after_scale_less_those_already_used() {
        let found = labels("service api {\n  scale cpu { utilization = 50% }\n  scale |\n}\n");
        assert_eq!(found, ["memory", "rps", "jobs"]);
        let found = labels("service api {\n  scale r| { average = 3 }\n}\n");
        assert_eq!(found, ["cpu", "memory", "rps", "jobs"]);
        // In this file too, even unfinished.
        let found = labels("queue \"a.b\" {\n}\ndefaults {\n  scale |");
        assert!(found.contains(&"a.b".into()), "{found:?}");
        let quoted = items("queue \"a.b\" {\n}\ndefaults {\n  scale |")
            .into_iter()
            .find(|c| c.label == "a.b")
            .unwrap();
        assert_eq!(quoted.insert, "\"a.b\"");
        assert!(labels("metric m {\n  scale |\n}\n").is_empty());
    }

    #[test]
    fn atlas_instance_sizes_that_can_shard_after_equals_and_range() {
        let found =
            labels("database d {\n  operator = atlas\n  atlas {\n    instance = |\n  }\n}\n");
        assert_eq!(found.first().map(String::as_str), Some("M30"), "{found:?}");
        assert!(found.contains(&"R40".into()) && found.contains(&"M40_NVME".into()));
        assert!(!found.contains(&"M10".into()) && !found.contains(&"M20".into()));
        let found = labels(
            "database d {\n  operator = atlas\n  atlas {\n    instance = M30 .. |\n  }\n}\n",
        );
        assert!(found.contains(&"M60".into()), "{found:?}");
    }

    #[test]
    fn words_after_equals() {
        assert_eq!(labels("cluster {\n  autoscaler = |\n}\n"), ["hpa", "keda"]);
        assert_eq!(labels("cluster {\n  autoscaler = k|\n}\n"), ["hpa", "keda"]);
        assert_eq!(
            labels("database d {\n  collection c {\n    field f {\n      monotonic = |"),
            ["true", "false"]
        );
        let first = crate::lint::RULES[0].id.as_str();
        let rules = items("lint {\n  deny = |\n}\n");
        assert_eq!(rules.len(), crate::lint::RULES.len());
        assert_eq!(rules[0].insert, format!("[{first}]"));
        let rules = items("lint {\n  deny = [K101, |]\n}\n");
        assert_eq!(rules[0].insert, first);
        // A list of words: brackets added outside a list.
        let arch = items("cluster {\n  nodes {\n    arch = |\n  }\n}\n");
        let inserts: Vec<&str> = arch.iter().map(|c| c.insert.as_str()).collect();
        assert_eq!(inserts, ["[amd64]", "[arm64]"]);
        let arch = items("cluster {\n  nodes {\n    arch = [amd64, |]\n  }\n}\n");
        let inserts: Vec<&str> = arch.iter().map(|c| c.insert.as_str()).collect();
        assert_eq!(inserts, ["amd64", "arm64"]);
        let keys = labels(
            "database d {\n  collection c {\n    shard_key = [|]\n    field \"a.b\" { type = string }\n  }\n}\n",
        );
        assert_eq!(keys, ["a.b", "_id", "hashed"]);
        assert!(labels("service a {\n  image = |\n}\n").is_empty());
    }

    #[test]
    fn units_after_a_number_follow_the_value_type() {
        let units_at = |text: &str| labels(text).join(" ");
        assert_eq!(units_at("service a {\n  cpu = 250|\n}\n"), "m");
        assert!(units_at("service a {\n  memory = 512|\n}\n").starts_with("Ki Mi Gi"));
        assert!(units_at("service a {\n  memory = 512M|\n}\n").starts_with("Ki Mi Gi"));
        assert_eq!(
            units_at("service a {\n  scale_down { stabilization = 5| }\n}\n"),
            "s m h"
        );
        assert_eq!(
            units_at("service a {\n  scale_up { rate = [50| per 1m] }\n}\n"),
            "%"
        );
        assert_eq!(
            units_at("service a {\n  scale_up { rate = [50% per 1| ] }\n}\n"),
            "s m"
        );
        assert_eq!(
            units_at("service a {\n  scale jobs { average = 5| }\n}\n"),
            "k M"
        );
        assert_eq!(
            units_at("service a {\n  scale cpu { average = 5| }\n}\n"),
            "m"
        );
        assert!(units_at("service a {\n  scale rps { average = 5| }\n}\n").starts_with("m k M G"));
        assert_eq!(units_at("service a {\n  replicas = 2|\n}\n"), "");
        // The replaced unit is the one being typed.
        let (_, at) = cursor("service a {\n  memory = 512M|\n}\n");
        let mi = items("service a {\n  memory = 512M|\n}\n").remove(1);
        assert_eq!(
            (mi.label.as_str(), mi.replace.start, mi.replace.end),
            ("Mi", at - 1, at)
        );
    }

    #[test]
    fn nothing_inside_comments_and_strings() {
        assert!(labels("# ser|\n").is_empty());
        assert!(labels("service a {\n  image = \"re|\"\n}\n").is_empty());
        assert!(labels("service a {\n  image = \"re|").is_empty());
        assert!(labels("service a {\n  replicas = 3 |\n}\n").is_empty());
    }

    /// Each unit offered is one the checker takes for that value.
    #[test]
    fn every_unit_offered_is_accepted_by_the_checker() {
        let cases: &[(&str, ValueType, Option<Signal>, bool)] = &[
            (
                "service a {\n  image = \"a:1\"\n  cpu = 1U\n}\n",
                ValueType::Cpu,
                None,
                false,
            ),
            (
                "service a {\n  image = \"a:1\"\n  memory = 1U\n}\n",
                ValueType::Memory,
                None,
                false,
            ),
            (
                "service a {\n  image = \"a:1\"\n  scale_down { stabilization = 1U }\n}\n",
                ValueType::Duration,
                None,
                false,
            ),
            (
                "service a {\n  image = \"a:1\"\n  replicas = 1 .. 2\n  scale cpu { utilization = 1U }\n}\n",
                ValueType::Percent,
                None,
                false,
            ),
            (
                "service a {\n  image = \"a:1\"\n  scale_up { rate = 1U per 1m }\n}\n",
                ValueType::Rates,
                None,
                false,
            ),
            (
                "service a {\n  image = \"a:1\"\n  scale_up { rate = 1% per 1U }\n}\n",
                ValueType::Rates,
                None,
                true,
            ),
            (
                "service a {\n  image = \"a:1\"\n  load { peak = 1U; per_pod = 1 }\n}\n",
                ValueType::Number,
                None,
                false,
            ),
            (
                "service a {\n  image = \"a:1\"\n  replicas = 1 .. 2\n  scale rps { average = 1U }\n}\n",
                ValueType::Quantity,
                Some(Signal::Metric),
                false,
            ),
            (
                "service a {\n  image = \"a:1\"\n  replicas = 1 .. 2\n  scale jobs { average = 1U }\n}\n",
                ValueType::Quantity,
                Some(Signal::Queue),
                false,
            ),
            (
                "service a {\n  image = \"a:1\"\n  replicas = 1 .. 2\n  scale cpu { average = 1U }\n}\n",
                ValueType::Quantity,
                Some(Signal::Cpu),
                false,
            ),
            (
                "service a {\n  image = \"a:1\"\n  replicas = 1 .. 2\n  scale memory { average = 1U }\n}\n",
                ValueType::Quantity,
                Some(Signal::Memory),
                false,
            ),
            (
                "service a {\n  image = \"a:1\"\n  disruption { max_unavailable = 1U }\n}\n",
                ValueType::CountOrPercent,
                None,
                false,
            ),
        ];
        for (template, value, signal, after_per) in cases {
            let offered = units(*value, *signal, *after_per);
            assert!(!offered.is_empty(), "{template}");
            for unit in offered {
                let text = template.replace('U', unit.unit);
                let ws = workspace(&[("p/a.scale", SIGNALS), ("p/b.scale", &text)]);
                let compiled =
                    crate::compile(&ws.sources, &ws.projects, &crate::lint::Options::default());
                let errors: Vec<_> = compiled
                    .diagnostics
                    .iter()
                    .filter(|d| d.code == crate::diag::codes::TYPE_MISMATCH)
                    .collect();
                assert!(errors.is_empty(), "{text}: {errors:?}");
            }
        }
    }
}
