//! The VS Code extension in `editors/vscode`, tested with the npm tools VS Code
//! itself is built on: `vscode-tmgrammar-test` for the annotated samples,
//! vscode-textmate with vscode-oniguruma for the drift guard, `vsce` for the
//! package, and node's RegExp for the problem matcher and indentation rules.
//! `bash .ci/install` installs them (`npm ci` in `editors/vscode`).

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use scalec::diag::Severity;
use scalec::lower::schema::{self, BlockSchema, LabelRule, ValueType};
use serde_json::{Value, json};

fn extension_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("editors/vscode")
}

/// Fails, naming `.ci/install`, when the extension's npm packages are missing.
fn require_node_modules() {
    let dir = extension_dir();
    let needed = [
        "node_modules/.bin/vscode-tmgrammar-test",
        "node_modules/.bin/vsce",
        "node_modules/vscode-textmate/package.json",
        "node_modules/vscode-oniguruma/package.json",
        "node_modules/vscode-languageclient/package.json",
        "node_modules/vscode-jsonrpc/package.json",
    ];
    for path in needed {
        assert!(
            dir.join(path).exists(),
            "editors/vscode/{path} is missing: run `bash .ci/install` (it runs `npm ci` in editors/vscode)"
        );
    }
}

/// An npm tool from the extension's `node_modules/.bin`.
fn npm_tool(name: &str) -> Command {
    require_node_modules();
    let mut command = Command::new(extension_dir().join("node_modules/.bin").join(name));
    command.current_dir(extension_dir());
    command
}

/// `node SCRIPT` in the extension's directory, with `input` on standard input.
fn node(script: &str, input: &str) -> Output {
    require_node_modules();
    let mut child = Command::new("node")
        .arg(script)
        .current_dir(extension_dir())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| {
            panic!("cannot run node ({e}): the VS Code tests need Node 20 and `bash .ci/install`")
        });
    child
        .stdin
        .take()
        .expect("piped stdin")
        .write_all(input.as_bytes())
        .expect("node reads its input");
    child.wait_with_output().expect("node runs")
}

fn utf8(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn read_json(relative: &str) -> Value {
    let path = extension_dir().join(relative);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{relative} is not JSON: {e}"))
}

/// The annotated samples `editors/vscode/test/*.test.scale`.
fn samples() -> Vec<PathBuf> {
    let mut samples: Vec<PathBuf> = std::fs::read_dir(extension_dir().join("test"))
        .expect("editors/vscode/test exists")
        .map(|entry| entry.expect("readable entry").path())
        .filter(|path| path.to_string_lossy().ends_with(".test.scale"))
        .collect();
    samples.sort();
    samples
}

/// Every scope name the grammar can assign.
fn grammar_scopes(node: &Value, out: &mut BTreeSet<String>) {
    match node {
        Value::Object(map) => {
            for (key, value) in map {
                if key == "name" {
                    if let Value::String(names) = value {
                        out.extend(names.split_whitespace().map(String::from));
                    }
                } else {
                    grammar_scopes(value, out);
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|item| grammar_scopes(item, out)),
        _ => {}
    }
}

#[test]
fn annotated_samples_pass_vscode_tmgrammar_test() {
    let samples = samples();
    assert!(
        samples.len() >= 3,
        "expected the annotated samples, found {samples:?}"
    );
    let output = npm_tool("vscode-tmgrammar-test")
        .arg("test/*.test.scale")
        .output()
        .expect("vscode-tmgrammar-test runs");
    let stdout = utf8(&output.stdout);
    assert!(
        output.status.success(),
        "vscode-tmgrammar-test failed:\n{stdout}{}",
        utf8(&output.stderr)
    );
    for sample in &samples {
        let name = sample.file_name().unwrap().to_string_lossy();
        assert!(
            stdout.contains(&format!("test/{name} run successfuly")),
            "vscode-tmgrammar-test did not run {name}:\n{stdout}"
        );
    }
}

#[test]
fn annotated_samples_assert_every_scope_of_the_grammar() {
    let mut scopes = BTreeSet::new();
    grammar_scopes(
        &read_json("syntaxes/scale.tmLanguage.json")["repository"],
        &mut scopes,
    );
    // The scopes required by assertion lines (`# ^^^ scope...` or `# <--- scope...`);
    // the ones after ` - ` are prohibited, which proves nothing here.
    let mut asserted = BTreeSet::new();
    for path in samples() {
        let sample = std::fs::read_to_string(&path).expect("readable sample");
        for line in sample.lines() {
            let Some(assertion) = line.strip_prefix('#') else {
                continue;
            };
            let assertion = assertion.trim_start();
            if !(assertion.starts_with('^') || assertion.starts_with("<-")) {
                continue;
            }
            let required = assertion.split(" - ").next().unwrap_or_default();
            asserted.extend(required.split_whitespace().skip(1).map(String::from));
        }
    }
    let unasserted: Vec<&String> = scopes.difference(&asserted).collect();
    assert!(
        unasserted.is_empty(),
        "no sample in editors/vscode/test asserts these scopes: {unasserted:?}"
    );
}

#[test]
fn annotated_samples_are_what_scalec_reads() {
    // The samples are policies: the valid ones check without language errors,
    // and the one with marked mistakes is rejected by the parser too.
    for sample in samples() {
        let name = sample.file_name().unwrap().to_string_lossy().into_owned();
        let checked = common::check_text(&std::fs::read_to_string(&sample).expect("readable"));
        let language_errors: Vec<&str> = checked
            .diagnostics
            .iter()
            .filter(|d| d.code.id.starts_with('E'))
            .map(|d| d.code.id)
            .collect();
        if name.starts_with("invalid") {
            assert!(
                language_errors.contains(&"E001"),
                "{name} marks syntax errors, but scalec finds none:\n{}",
                checked.short
            );
        } else {
            assert!(
                language_errors.is_empty(),
                "{name} should be a valid policy:\n{}",
                checked.short
            );
        }
    }
}

// ---- Packaging -------------------------------------------------------------

/// Every file of the extension outside `node_modules`, with its size and
/// modification time.
fn listing(dir: &Path, out: &mut BTreeMap<PathBuf, (u64, std::time::SystemTime)>) {
    for entry in std::fs::read_dir(dir).expect("readable directory") {
        let entry = entry.expect("readable entry");
        let path = entry.path();
        if path.file_name().is_some_and(|n| n == "node_modules") {
            continue;
        }
        let meta = entry.metadata().expect("metadata");
        if meta.is_dir() {
            listing(&path, out);
        } else {
            out.insert(path, (meta.len(), meta.modified().expect("mtime")));
        }
    }
}

/// The names and uncompressed sizes in a zip archive's central directory.
fn zip_entries(bytes: &[u8]) -> BTreeMap<String, u64> {
    let u16_at = |at: usize| u16::from_le_bytes([bytes[at], bytes[at + 1]]) as usize;
    let u32_at = |at: usize| u32::from_le_bytes(bytes[at..at + 4].try_into().unwrap()) as usize;
    let end = (0..=bytes.len() - 22)
        .rev()
        .find(|&at| bytes[at..at + 4] == [0x50, 0x4b, 0x05, 0x06])
        .expect("an end-of-central-directory record");
    let count = u16_at(end + 10);
    let mut at = u32_at(end + 16);
    let mut entries = BTreeMap::new();
    for _ in 0..count {
        assert_eq!(
            bytes[at..at + 4],
            [0x50, 0x4b, 0x01, 0x02],
            "a central directory entry"
        );
        let size = u32_at(at + 24) as u64;
        let (name_len, extra_len, comment_len) =
            (u16_at(at + 28), u16_at(at + 30), u16_at(at + 32));
        let name =
            String::from_utf8(bytes[at + 46..at + 46 + name_len].to_vec()).expect("UTF-8 name");
        entries.insert(name, size);
        at += 46 + name_len + extra_len + comment_len;
    }
    entries
}

#[test]
fn vsce_packages_the_extension_without_writing_to_the_repository() {
    let out = common::project_dir();
    let vsix = out.path().join("scale.vsix");
    let mut before = BTreeMap::new();
    listing(&extension_dir(), &mut before);

    let output = npm_tool("vsce")
        .arg("package")
        .arg("--out")
        .arg(&vsix)
        .output()
        .expect("vsce runs");
    assert!(
        output.status.success(),
        "vsce package failed:\n{}{}",
        utf8(&output.stdout),
        utf8(&output.stderr)
    );
    let mut after = BTreeMap::new();
    listing(&extension_dir(), &mut after);
    assert_eq!(
        before, after,
        "vsce package changed files in editors/vscode"
    );

    let bytes = std::fs::read(&vsix).expect("vsce wrote the .vsix");
    assert!(
        bytes.len() < 1_000_000,
        "the .vsix is {} bytes; check .vscodeignore",
        bytes.len()
    );
    let entries = zip_entries(&bytes);
    let manifest = read_json("package.json");
    let contributes = &manifest["contributes"];
    let mut shipped = vec![
        "package.json".to_string(),
        manifest["main"]
            .as_str()
            .expect("a main script")
            .trim_start_matches("./")
            .to_string(),
    ];
    for (list, key) in [
        ("languages", "configuration"),
        ("grammars", "path"),
        ("snippets", "path"),
    ] {
        for item in contributes[list].as_array().expect("a contribution list") {
            let path = item[key].as_str().expect("a path");
            shipped.push(path.trim_start_matches("./").to_string());
        }
    }
    for file in [
        "syntaxes/scale.tmLanguage.json",
        "language-configuration.json",
        "snippets/scale.json",
    ] {
        assert!(
            shipped.iter().any(|s| s == file),
            "package.json does not contribute {file}"
        );
    }
    for file in &shipped {
        let size = std::fs::metadata(extension_dir().join(file))
            .expect("a contributed file")
            .len();
        assert_eq!(
            entries.get(&format!("extension/{file}")),
            Some(&size),
            "the .vsix lacks {file} or holds another version of it: {entries:?}"
        );
    }
    // The language client and what it needs go in; no dev tool, no test.
    for dependency in manifest["dependencies"]
        .as_object()
        .expect("dependencies")
        .keys()
    {
        let package = format!("extension/node_modules/{dependency}/package.json");
        assert!(entries.contains_key(&package), "the .vsix lacks {package}");
    }
    for entry in entries.keys() {
        let dev = manifest["devDependencies"]
            .as_object()
            .expect("devDependencies")
            .keys()
            .any(|dev| entry.starts_with(&format!("extension/node_modules/{dev}/")));
        assert!(
            !dev && !entry.starts_with("extension/test/"),
            "the .vsix holds {entry}; .vscodeignore should leave it out"
        );
    }
    assert!(
        entries
            .keys()
            .any(|e| e.eq_ignore_ascii_case("extension/readme.md"))
    );
    assert!(
        entries
            .keys()
            .any(|e| e.to_ascii_lowercase().starts_with("extension/license"))
    );
}

// ---- Drift guard: the grammar knows every word of the schema ---------------

const BLOCK_KIND: &str = "storage.type.block.scale";
const ATTRIBUTE: &str = "support.type.property-name.scale";
const ENUM_WORD: &str = "constant.language.enum.scale";
const BUILTIN: &str = "support.function.builtin.scale";

/// A policy text and the scope each of its words must get.
#[derive(Default)]
struct Policy {
    lines: Vec<String>,
    expect: Vec<Value>,
    kinds: BTreeSet<&'static str>,
}

/// A piece of a line: its text and, when it is checked, the expected scope.
type Piece = (String, Option<&'static str>);

fn plain(text: &str) -> Piece {
    (text.to_string(), None)
}

fn scoped(text: &str, scope: &'static str) -> Piece {
    (text.to_string(), Some(scope))
}

impl Policy {
    fn line(&mut self, depth: usize, pieces: Vec<Piece>) {
        let mut line = "  ".repeat(depth);
        for (text, scope) in pieces {
            if let Some(scope) = scope {
                self.expect.push(json!({
                    "line": self.lines.len(),
                    "column": line.len(),
                    "text": text,
                    "scope": scope,
                }));
            }
            line.push_str(&text);
        }
        self.lines.push(line);
    }

    /// Writes a block of `kind` with every attribute and nested block the
    /// schema gives it. `variant` picks which word of each word list is used.
    fn block(&mut self, kind: &'static str, depth: usize, variant: usize) {
        let schema = schema::block(kind).unwrap_or_else(|| panic!("no schema for `{kind}`"));
        self.kinds.insert(kind);
        let mut header = vec![scoped(kind, BLOCK_KIND)];
        match schema.label {
            LabelRule::None => {}
            _ if kind == "scale" => {
                header.push(plain(" "));
                header.push(scoped("cpu", "support.constant.signal.scale"));
            }
            _ => {
                header.push(plain(" "));
                header.push(scoped(
                    &format!("sample-{variant}"),
                    "entity.name.section.scale",
                ));
            }
        }
        header.push(plain(" {"));
        self.line(depth, header);
        for attribute in schema.attributes {
            let mut pieces = vec![scoped(attribute.name, ATTRIBUTE), plain(" = ")];
            pieces.extend(value(attribute.value, variant));
            self.line(depth + 1, pieces);
        }
        if schema.free_form {
            self.line(
                depth + 1,
                vec![
                    scoped("SAMPLE_KEY", "variable.other.property.scale"),
                    plain(" = \"value\""),
                ],
            );
        }
        for nested in schema.blocks {
            self.block(nested, depth + 1, variant);
        }
        self.line(depth, vec![plain("}")]);
    }
}

/// A value of type `value`, with scopes for its words.
fn value(value: ValueType, variant: usize) -> Vec<Piece> {
    const NUMBER: &str = "constant.numeric.scale";
    const UNIT: &str = "keyword.other.unit.scale";
    const RANGE: &str = "keyword.operator.range.scale";
    const PER: &str = "keyword.operator.per.scale";
    const REFERENCE: &str = "variable.other.reference.scale";
    match value {
        ValueType::Word(words) => vec![scoped(words[variant % words.len()], ENUM_WORD)],
        ValueType::Words(words) => vec![
            plain("["),
            scoped(words[variant % words.len()], ENUM_WORD),
            plain("]"),
        ],
        ValueType::Bool => vec![scoped(
            ["true", "false"][variant % 2],
            "constant.language.boolean.scale",
        )],
        ValueType::String => vec![plain("\"sample text\"")],
        ValueType::Path => vec![plain("\"/healthz\"")],
        ValueType::Version => vec![plain("\"1.35\"")],
        ValueType::Name => vec![scoped("sample-name", REFERENCE)],
        ValueType::Port => vec![scoped("8080", NUMBER)],
        ValueType::Count => vec![scoped("3", NUMBER)],
        ValueType::CountOrRange => vec![
            scoped("2", NUMBER),
            plain(" "),
            scoped("..", RANGE),
            plain(" "),
            scoped("10", NUMBER),
        ],
        ValueType::Number => vec![scoped("1.5", NUMBER), scoped("k", UNIT)],
        ValueType::Cpu => vec![scoped("500", NUMBER), scoped("m", UNIT)],
        ValueType::CpuOrRange => vec![
            scoped("250", NUMBER),
            scoped("m", UNIT),
            plain(" "),
            scoped("..", RANGE),
            plain(" "),
            scoped("1", NUMBER),
        ],
        ValueType::Memory => vec![scoped("512", NUMBER), scoped("Mi", UNIT)],
        ValueType::MemoryOrRange => vec![
            scoped("256", NUMBER),
            scoped("Mi", UNIT),
            plain(" "),
            scoped("..", RANGE),
            plain(" "),
            scoped("1", NUMBER),
            scoped("Gi", UNIT),
        ],
        ValueType::Duration => vec![scoped("30", NUMBER), scoped("s", UNIT)],
        ValueType::Percent => vec![scoped("70", NUMBER), scoped("%", UNIT)],
        ValueType::CountOrPercent => vec![scoped("25", NUMBER), scoped("%", UNIT)],
        ValueType::Rates => vec![
            plain("["),
            scoped("50", NUMBER),
            scoped("%", UNIT),
            plain(" "),
            scoped("per", PER),
            plain(" 1m, 4 "),
            scoped("per", PER),
            plain(" 15s]"),
        ],
        ValueType::Quantity => vec![scoped("-2", NUMBER)],
        ValueType::ShardKey => vec![
            plain("["),
            scoped("customer_id", REFERENCE),
            plain(", "),
            scoped("hashed", BUILTIN),
            plain("("),
            scoped("_id", REFERENCE),
            plain(")]"),
        ],
        ValueType::RuleList => vec![
            plain("["),
            scoped("K104", "constant.other.rule-code.scale"),
            plain(", "),
            scoped("memory-scaling", REFERENCE),
            plain("]"),
        ],
        ValueType::NameList => vec![
            plain("["),
            scoped("ingress-nginx", REFERENCE),
            plain(", "),
            scoped("monitoring", REFERENCE),
            plain("]"),
        ],
        ValueType::Calls => vec![
            plain("["),
            scoped("cart", REFERENCE),
            plain(", "),
            scoped("payments", "entity.name.function.scale"),
            plain("("),
            scoped("grpc", REFERENCE),
            plain(")]"),
        ],
        ValueType::Command => vec![plain("[\"/bin/drain\", \"--wait\"]")],
        ValueType::Strings => vec![plain("[\"kafka-0.kafka:9092\"]")],
        ValueType::PreStop => vec![
            scoped("sleep", BUILTIN),
            plain("("),
            scoped("5", NUMBER),
            scoped("s", UNIT),
            plain(")"),
        ],
        ValueType::ConfigSources => vec![
            plain("["),
            scoped("secret", BUILTIN),
            plain("(\"shop-db\"), "),
            scoped("config_map", BUILTIN),
            plain(" (\"shop-settings\")]"),
        ],
        // Instance sizes are names, not words of a fixed list.
        ValueType::InstanceSizeOrRange => vec![
            scoped("M30", REFERENCE),
            plain(" "),
            scoped("..", RANGE),
            plain(" "),
            scoped("M60", REFERENCE),
        ],
    }
}

/// How many variants of a block it takes for every word of every word list
/// below it to appear once.
fn variants(schema: &BlockSchema) -> usize {
    let own = schema.attributes.iter().map(|a| match a.value {
        ValueType::Word(words) | ValueType::Words(words) => words.len(),
        ValueType::Bool => 2,
        _ => 1,
    });
    let nested = schema
        .blocks
        .iter()
        .map(|kind| variants(schema::block(kind).expect("nested kinds have a schema")));
    own.chain(nested).max().unwrap_or(1)
}

/// The policy that uses every block kind, every attribute in a block that
/// takes it, every word of every word list, and the keywords.
fn schema_policy() -> Policy {
    let mut policy = Policy::default();
    for &kind in schema::TOP_LEVEL {
        let schema = schema::block(kind).expect("top-level kinds have a schema");
        for variant in 0..variants(schema) {
            policy.block(kind, 0, variant);
        }
    }
    // `auth = operator`: the queue word for KEDA's own identity.
    policy.line(
        0,
        vec![scoped("queue", BLOCK_KIND), plain(" by-operator {")],
    );
    policy.line(
        1,
        vec![
            scoped("auth", ATTRIBUTE),
            plain(" = "),
            scoped(scalec::model::QueueAuth::OPERATOR, ENUM_WORD),
        ],
    );
    policy.line(0, vec![plain("}")]);
    policy
}

#[test]
fn the_grammar_scopes_every_word_of_the_schema() {
    let policy = schema_policy();
    let text = policy.lines.join("\n") + "\n";

    // The text uses the whole schema...
    let kinds: BTreeSet<&str> = schema::BLOCKS.iter().map(|b| b.kind).collect();
    assert_eq!(
        policy.kinds, kinds,
        "some block kinds are not reachable from the top level"
    );
    let words_of = |scope: &str| -> BTreeSet<String> {
        policy
            .expect
            .iter()
            .filter(|e| e["scope"] == scope)
            .map(|e| e["text"].as_str().unwrap().to_string())
            .collect()
    };
    let attributes: BTreeSet<String> = schema::BLOCKS
        .iter()
        .flat_map(|b| b.attributes.iter().map(|a| a.name.to_string()))
        .collect();
    assert_eq!(words_of(ATTRIBUTE), attributes);
    let mut enum_words: BTreeSet<String> = schema::WORD_LISTS
        .iter()
        .flat_map(|(_, words)| words.iter().map(|w| w.to_string()))
        .collect();
    enum_words.insert(scalec::model::QueueAuth::OPERATOR.to_string());
    assert_eq!(words_of(ENUM_WORD), enum_words);
    let functions: BTreeSet<String> = schema::FUNCTIONS.iter().map(|f| f.to_string()).collect();
    assert_eq!(words_of(BUILTIN), functions);
    for (keyword, scope) in [
        ("per", "keyword.operator.per.scale"),
        ("true", "constant.language.boolean.scale"),
        ("false", "constant.language.boolean.scale"),
    ] {
        assert!(
            words_of(scope).contains(keyword),
            "the policy never uses `{keyword}`"
        );
    }

    // ...with every attribute in a block that takes it: scalec parses it and
    // knows every name.
    let checked = common::check_text(&text);
    let unknown: Vec<&str> = checked
        .short_lines()
        .into_iter()
        .filter(|line| line.contains("[E001]") || line.contains("[E002]"))
        .collect();
    assert!(
        unknown.is_empty(),
        "the generated policy is not valid:\n{}\n{text}",
        unknown.join("\n")
    );

    // The real tokenizer gives each word its scope.
    let input = json!({ "text": text, "expect": policy.expect });
    let output = node("test/scopes.js", &input.to_string());
    let stdout = utf8(&output.stdout);
    assert!(
        output.status.success(),
        "the grammar misses words of the schema:\n{stdout}{}",
        utf8(&output.stderr)
    );
    assert!(
        stdout.contains(&format!("checked {} words: 0 failed", policy.expect.len())),
        "{stdout}"
    );
}

// ---- Problem matcher -------------------------------------------------------

/// Applies a regular expression from one of the extension's JSON files to
/// `lines` with node's RegExp; for each line, the match and its groups.
fn js_regexp(file: &str, pointer: &str, lines: &[&str]) -> Vec<Option<Vec<Option<String>>>> {
    let input = json!({ "file": file, "pointer": pointer, "lines": lines });
    let output = node("test/regexp.js", &input.to_string());
    assert!(output.status.success(), "{}", utf8(&output.stderr));
    serde_json::from_slice(&output.stdout).expect("regexp.js prints JSON")
}

/// Runs the problem matcher over what `scalec check` prints for `target`
/// (run in `cwd`) and compares each match with the JSON report.
fn assert_matcher_reads_check(cwd: &Path, target: &str) {
    let check = |format: &str| {
        let output = Command::new(env!("CARGO_BIN_EXE_scalec"))
            .args(["check", "--verbose", "--format", format, target])
            .current_dir(cwd)
            .output()
            .expect("scalec runs");
        assert_eq!(output.status.code(), Some(1), "the fixture has an error");
        utf8(&output.stdout)
    };
    let short = check("short");
    let findings: Vec<Value> = serde_json::from_str(&check("json")).expect("JSON findings");
    let lines: Vec<&str> = short.lines().collect();
    assert_eq!(
        lines.len(),
        findings.len(),
        "one short line per finding:\n{short}"
    );
    let severities: BTreeSet<&str> = findings
        .iter()
        .map(|f| f["severity"].as_str().unwrap())
        .collect();
    assert_eq!(
        severities,
        BTreeSet::from(["error", "warning", "info"]),
        "the fixture should give one finding of each severity:\n{short}"
    );

    let pattern = &read_json("package.json")["contributes"]["problemMatchers"][0]["pattern"];
    let matches = js_regexp(
        "package.json",
        "/contributes/problemMatchers/0/pattern/regexp",
        &lines,
    );
    for ((line, finding), matched) in lines.iter().zip(&findings).zip(matches) {
        let groups =
            matched.unwrap_or_else(|| panic!("the problem matcher does not match {line:?}"));
        let group = |field: &str| {
            let index = pattern[field]
                .as_u64()
                .unwrap_or_else(|| panic!("no `{field}` group")) as usize;
            groups[index].clone().unwrap_or_default()
        };
        let expected = |field: &str| match &finding[field] {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        for (field, json_field) in [
            ("file", "file"),
            ("line", "line"),
            ("column", "column"),
            ("severity", "severity"),
            ("code", "code"),
            ("message", "message"),
        ] {
            assert_eq!(group(field), expected(json_field), "`{field}` of {line:?}");
        }
    }
}

#[test]
fn the_problem_matcher_reads_scalec_check_short() {
    // As a task runs it: a path relative to the workspace folder.
    assert_matcher_reads_check(&extension_dir().join("test"), "problem-matcher");

    // An absolute path with a space and a colon in it.
    let dir = common::project_dir();
    let project = dir.path().join("my policies: v2").join("checkout");
    std::fs::create_dir_all(&project).unwrap();
    std::fs::copy(
        extension_dir().join("test/problem-matcher/services.scale"),
        project.join("services.scale"),
    )
    .unwrap();
    assert_matcher_reads_check(dir.path(), project.to_str().expect("UTF-8 temp path"));
}

#[test]
fn indentation_rules_follow_braces_brackets_and_parens() {
    let pointer = "/indentationRules/increaseIndentPattern";
    let increase = [
        ("service web {", true),
        ("  scale_up {  # how fast", true),
        ("    rate = [", true),
        ("      hashed(", true),
        ("  env { GREETING = \"{\" }", false),
        ("  GREETING = \"{\"", false),
        ("  image = \"x\"  # {", false),
        ("scale cpu { utilization = 70% }", false),
        ("}", false),
    ];
    let lines: Vec<&str> = increase.iter().map(|(l, _)| *l).collect();
    for ((line, indents), matched) in
        increase
            .iter()
            .zip(js_regexp("language-configuration.json", pointer, &lines))
    {
        assert_eq!(
            matched.is_some(),
            *indents,
            "increaseIndentPattern on {line:?}"
        );
    }
    let pointer = "/indentationRules/decreaseIndentPattern";
    let decrease = [
        ("}", true),
        ("    ]", true),
        ("  ),", true),
        ("  image = \"}\"", false),
    ];
    let lines: Vec<&str> = decrease.iter().map(|(l, _)| *l).collect();
    for ((line, outdents), matched) in
        decrease
            .iter()
            .zip(js_regexp("language-configuration.json", pointer, &lines))
    {
        assert_eq!(
            matched.is_some(),
            *outdents,
            "decreaseIndentPattern on {line:?}"
        );
    }
}

// ---- Snippets --------------------------------------------------------------

/// Expands a snippet body as VS Code inserts it when every placeholder keeps
/// its default: `${1:text}` is `text`, `${1|a,b|}` is `a`, `$1` repeats
/// placeholder 1, `$0` is empty. Tabs become the two-space indent.
fn expand_snippet(body: &str) -> String {
    fn expand(
        chars: &[char],
        at: &mut usize,
        stop: Option<char>,
        seen: &mut BTreeMap<String, String>,
    ) -> String {
        let mut out = String::new();
        while *at < chars.len() {
            let c = chars[*at];
            if Some(c) == stop {
                return out;
            }
            *at += 1;
            match c {
                '\\' if *at < chars.len() => {
                    out.push(chars[*at]);
                    *at += 1;
                }
                '$' if chars.get(*at) == Some(&'{') => {
                    *at += 1;
                    let start = *at;
                    while chars[*at].is_ascii_digit() {
                        *at += 1;
                    }
                    let number: String = chars[start..*at].iter().collect();
                    let text = match chars[*at] {
                        ':' => {
                            *at += 1;
                            expand(chars, at, Some('}'), seen)
                        }
                        '|' => {
                            *at += 1;
                            let choices: String = {
                                let start = *at;
                                while chars[*at] != '|' {
                                    *at += 1;
                                }
                                chars[start..*at].iter().collect()
                            };
                            *at += 1;
                            choices.split(',').next().unwrap().to_string()
                        }
                        _ => seen.get(&number).cloned().unwrap_or_default(),
                    };
                    assert_eq!(
                        chars[*at],
                        '}',
                        "unclosed placeholder in {:?}",
                        chars.iter().collect::<String>()
                    );
                    *at += 1;
                    seen.entry(number).or_insert_with(|| text.clone());
                    out.push_str(&text);
                }
                '$' if chars.get(*at).is_some_and(char::is_ascii_digit) => {
                    let start = *at;
                    while chars.get(*at).is_some_and(char::is_ascii_digit) {
                        *at += 1;
                    }
                    let number: String = chars[start..*at].iter().collect();
                    out.push_str(seen.get(&number).map(String::as_str).unwrap_or(""));
                }
                c => out.push(c),
            }
        }
        out
    }
    let chars: Vec<char> = body.chars().collect();
    expand(&chars, &mut 0, None, &mut BTreeMap::new()).replace('\t', "  ")
}

/// The block kinds from the top level down to `kind`, `kind` excluded.
fn parents(kind: &str) -> Vec<&'static str> {
    if schema::TOP_LEVEL.contains(&kind) {
        return Vec::new();
    }
    let parent = schema::BLOCKS
        .iter()
        .find(|b| b.blocks.contains(&kind))
        .unwrap_or_else(|| panic!("`{kind}` is no block kind"));
    let mut chain = parents(parent.kind);
    chain.push(parent.kind);
    chain
}

#[test]
fn snippets_expand_to_canonical_valid_policies() {
    let snippets = read_json("snippets/scale.json");
    let snippets = snippets.as_object().expect("an object of snippets");
    let mut kinds = BTreeSet::new();
    for (name, snippet) in snippets {
        let body: Vec<&str> = snippet["body"]
            .as_array()
            .unwrap_or_else(|| panic!("snippet {name} has no body"))
            .iter()
            .map(|line| line.as_str().expect("body lines are strings"))
            .collect();
        let text = expand_snippet(&body.join("\n")) + "\n";

        // scalec fmt leaves it as it is.
        let formatted = common::run_with_input(
            Command::new(env!("CARGO_BIN_EXE_scalec")).args(["fmt", "--stdin"]),
            text.as_bytes(),
        );
        assert!(
            formatted.status.success(),
            "snippet {name}:\n{text}{}",
            utf8(&formatted.stderr)
        );
        assert_eq!(
            utf8(&formatted.stdout),
            text,
            "snippet {name} is not in canonical layout"
        );

        // And checks without errors where it belongs.
        if let Some(directive) = text.strip_prefix("# scalec: allow ") {
            let rule = directive.split_whitespace().next().unwrap();
            assert_eq!(rule, "K104", "the suppression snippet's example rule");
            let policy = format!(
                "{text}service batch {{\n  image    = \"registry.example.com/batch:1.0.0\"\n  replicas = 1\n}}\n"
            );
            let checked = common::check_text(&policy);
            assert!(
                checked.diagnostics.is_empty(),
                "snippet {name}:\n{}",
                checked.short
            );
            continue;
        }
        let kind = text.split_whitespace().next().unwrap().to_string();
        let chain = parents(&kind);
        let mut policy = String::new();
        for parent in &chain {
            let label = match schema::block(parent).unwrap().label {
                LabelRule::None => String::new(),
                _ => " host".to_string(),
            };
            policy.push_str(&format!("{parent}{label} {{\n"));
        }
        policy.push_str(&text);
        policy.push_str(&"}\n".repeat(chain.len()));
        let checked = common::check_text(&policy);
        let errors: Vec<String> = checked
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            // The hosts of a nested snippet lack their required attributes.
            .filter(|d| chain.is_empty() || d.code.id != "E007")
            .map(|d| format!("{}: {}", d.code.id, d.message))
            .collect();
        assert!(
            errors.is_empty(),
            "snippet {name} in\n{policy}has errors: {errors:?}"
        );
        kinds.insert(kind);
    }
    for kind in [
        "service",
        "metric",
        "queue",
        "database",
        "cluster",
        "disruption",
        "scale",
    ] {
        assert!(kinds.contains(kind), "no snippet for `{kind}`");
    }
}

// ---- The language server, started as the extension starts it --------------

#[test]
fn the_extension_starts_scalec_lsp_and_gets_checks_findings() {
    require_node_modules();
    let dir = common::project_dir();
    let file = dir.path().join("api.scale");
    let text = "service api {\n  image    = \"registry.example.com/api:1.0.0\"\n  replica  = 2 .. 10\n  memory   = 512m\n}\n";
    std::fs::write(&file, text).expect("write the policy");
    let output = Command::new("node")
        .arg("test/lsp-client.js")
        .arg(env!("CARGO_BIN_EXE_scalec"))
        .arg(&file)
        .current_dir(extension_dir())
        .output()
        .expect("node runs");
    assert!(
        output.status.success(),
        "{}{}",
        utf8(&output.stdout),
        utf8(&output.stderr)
    );
    let answer: Value = serde_json::from_slice(&output.stdout).expect("JSON from the client");
    assert_eq!(
        answer["exit"],
        json!(0),
        "scalec lsp exits 0 after shutdown"
    );
    let mut from_server: Vec<(String, u64)> = answer["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|d| {
            let code = d["code"].as_str().expect("a code").to_string();
            (
                code,
                d["range"]["start"]["line"].as_u64().expect("a line") + 1,
            )
        })
        .collect();
    let check = Command::new(env!("CARGO_BIN_EXE_scalec"))
        .args(["check", "--format", "json"])
        .arg(&file)
        .output()
        .expect("scalec check runs");
    let findings: Value = serde_json::from_slice(&check.stdout).expect("check's JSON");
    let mut from_check: Vec<(String, u64)> = findings
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            let code = f["code"].as_str().expect("a code").to_string();
            (code, f["line"].as_u64().expect("a line"))
        })
        .collect();
    from_server.sort();
    from_check.sort();
    assert!(
        from_check.iter().any(|(code, _)| code == "E002"),
        "{from_check:?}"
    );
    assert_eq!(from_server, from_check);
}
