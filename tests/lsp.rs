//! `scalec lsp` spoken to over its standard input and output, as an editor
//! does: the real binary, a small JSON-RPC client with `Content-Length`
//! framing, and a timeout on every wait so that a hang fails the test.
//!
//! Diagnostics are compared with what `scalec check --format json --stdin
//! --stdin-path` prints for the same text: the same findings, with the same
//! codes and words, at the same places (converted here, independently of
//! the server, from byte offsets to UTF-16 positions).

mod common;

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

const SCALEC: &str = env!("CARGO_BIN_EXE_scalec");

/// How long any one answer may take (debug build, shared machine).
const TIMEOUT: Duration = Duration::from_secs(30);

/// A valid service, with no finding of any kind.
const GOOD: &str =
    "service api {\n  image    = \"registry.example.com/api:1.0.0\"\n  replicas = 2 .. 10\n}\n";

/// The same service with an unknown attribute (E002) on line 3.
const BAD: &str =
    "service api {\n  image   = \"registry.example.com/api:1.0.0\"\n  replica = 2 .. 10\n}\n";

fn tempdir() -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix("scalec-")
        .tempdir()
        .expect("temp dir")
}

/// A project directory (a valid label: `scalec-…`) inside a temp dir.
fn project(files: &[(&str, &str)]) -> (tempfile::TempDir, PathBuf) {
    let temp = tempdir();
    let dir = temp.path().join("shop");
    std::fs::create_dir(&dir).expect("project dir");
    for (name, text) in files {
        std::fs::write(dir.join(name), text).expect("write policy");
    }
    (temp, dir)
}

fn uri(path: &Path) -> String {
    let mut out = String::from("file://");
    for byte in path.to_str().expect("UTF-8 temp path").bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~/".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// The server, and what it said.
struct Client {
    child: Child,
    stdin: Option<ChildStdin>,
    messages: Receiver<Value>,
    /// Messages read but not yet asked for.
    pending: VecDeque<Value>,
    stderr: Arc<Mutex<String>>,
    next_id: i64,
}

impl Client {
    fn start() -> Client {
        Client::start_with(&[])
    }

    fn start_with(env: &[(&str, &str)]) -> Client {
        let mut command = Command::new(SCALEC);
        command
            .arg("lsp")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .env_remove("SCALEC_LSP_TEST_PANIC");
        for (key, value) in env {
            command.env(key, value);
        }
        let mut child = command.spawn().expect("scalec lsp starts");
        let stdout = child.stdout.take().expect("piped stdout");
        let (sender, messages) = channel();
        std::thread::spawn(move || {
            let mut input = BufReader::new(stdout);
            while let Some(body) = read_frame(&mut input) {
                let value: Value = serde_json::from_slice(&body).expect("the server writes JSON");
                if sender.send(value).is_err() {
                    break;
                }
            }
        });
        let stderr = Arc::new(Mutex::new(String::new()));
        let mut pipe = child.stderr.take().expect("piped stderr");
        let sink = Arc::clone(&stderr);
        std::thread::spawn(move || {
            let mut text = String::new();
            let _ = pipe.read_to_string(&mut text);
            sink.lock().expect("stderr lock").push_str(&text);
        });
        Client {
            stdin: child.stdin.take(),
            child,
            messages,
            pending: VecDeque::new(),
            stderr,
            next_id: 0,
        }
    }

    /// Starts a server and initializes it with `capabilities`.
    fn initialized(capabilities: Value) -> Client {
        let mut client = Client::start();
        client.initialize(capabilities);
        client
    }

    fn initialize(&mut self, capabilities: Value) -> Value {
        let result = self
            .request(
                "initialize",
                json!({ "processId": null, "rootUri": null, "capabilities": capabilities }),
            )
            .get("result")
            .cloned()
            .unwrap_or_else(|| panic!("initialize failed"));
        self.notify("initialized", json!({}));
        result
    }

    fn send_raw(&mut self, bytes: &[u8]) {
        let stdin = self.stdin.as_mut().expect("stdin open");
        stdin.write_all(bytes).expect("write to the server");
        stdin.flush().expect("flush");
    }

    fn send(&mut self, message: Value) {
        let body = message.to_string();
        self.send_raw(format!("Content-Length: {}\r\n\r\n{body}", body.len()).as_bytes());
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({ "jsonrpc": "2.0", "method": method, "params": params }));
    }

    /// Sends a request; returns its whole response (`result` or `error`).
    fn request(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        self.send(json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }));
        self.wait(&format!("the response to {method}"), |m| {
            m["id"] == json!(id) && m.get("method").is_none()
        })
    }

    /// The first message (read before or after) that `wanted` accepts.
    fn wait(&mut self, what: &str, wanted: impl Fn(&Value) -> bool) -> Value {
        if let Some(at) = self.pending.iter().position(&wanted) {
            return self.pending.remove(at).expect("found");
        }
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.messages.recv_timeout(left) {
                Ok(message) if wanted(&message) => return message,
                Ok(message) => self.pending.push_back(message),
                Err(RecvTimeoutError::Timeout) => panic!(
                    "no {what} within {TIMEOUT:?}; got {:#?}\nstderr: {}",
                    self.pending,
                    self.stderr()
                ),
                Err(RecvTimeoutError::Disconnected) => panic!(
                    "the server ended before {what}; got {:#?}\nstderr: {}",
                    self.pending,
                    self.stderr()
                ),
            }
        }
    }

    /// The next diagnostics published for `uri`.
    fn diagnostics(&mut self, uri: &str) -> Vec<Value> {
        let message = self.wait(&format!("diagnostics for {uri}"), |m| {
            m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri
        });
        message["params"]["diagnostics"]
            .as_array()
            .expect("an array of diagnostics")
            .clone()
    }

    fn open(&mut self, uri: &str, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({ "textDocument": { "uri": uri, "languageId": "scale", "version": 1, "text": text } }),
        );
    }

    fn stderr(&self) -> String {
        // The server's standard error is complete only once it has ended.
        self.stderr.lock().expect("stderr lock").clone()
    }

    /// Waits for the server to end.
    fn wait_exit(&mut self) -> ExitStatus {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                return status;
            }
            assert!(
                Instant::now() < deadline,
                "the server did not exit within {TIMEOUT:?}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// `shutdown`, then `exit`: the exit code.
    fn shutdown(mut self) -> ExitStatus {
        let response = self.request("shutdown", Value::Null);
        assert_eq!(response["result"], Value::Null, "{response}");
        assert!(response.get("error").is_none(), "{response}");
        self.notify("exit", Value::Null);
        self.wait_exit()
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One frame's body from the server; `None` when its output ends.
fn read_frame(input: &mut impl BufRead) -> Option<Vec<u8>> {
    let mut length = None;
    loop {
        let mut line = String::new();
        if input.read_line(&mut line).ok()? == 0 {
            return None;
        }
        assert!(
            line.ends_with("\r\n"),
            "a header line ends in CRLF: {line:?}"
        );
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        let (name, value) = line.split_once(": ").expect("`Name: value` header");
        if name.eq_ignore_ascii_case("content-length") {
            length = Some(value.parse::<usize>().expect("a length"));
        }
    }
    let mut body = vec![0; length.expect("Content-Length header")];
    input.read_exact(&mut body).ok()?;
    Some(body)
}

/// What `scalec check --format json --stdin --stdin-path PATH` reports for
/// `text` standing for PATH.
fn check(path: &Path, text: &str) -> Vec<Value> {
    let output = common::run_with_input(
        Command::new(SCALEC)
            .args(["check", "--format", "json", "--stdin", "--stdin-path"])
            .arg(path),
        text.as_bytes(),
    );
    serde_json::from_slice::<Value>(&output.stdout)
        .expect("JSON findings")
        .as_array()
        .expect("an array")
        .clone()
}

/// The protocol position of a byte offset: 0-based line, UTF-16 column.
/// Lines break at `\r\n`, `\n` or a lone `\r`.
fn position(text: &str, offset: usize) -> Value {
    let before = &text[..offset];
    let line_start = before.rfind(['\n', '\r']).map_or(0, |i| i + 1);
    let line = before
        .char_indices()
        .filter(|&(i, c)| c == '\n' || (c == '\r' && text.as_bytes().get(i + 1) != Some(&b'\n')))
        .count();
    json!({ "line": line, "character": before[line_start..].encode_utf16().count() })
}

fn codes(diagnostics: &[Value]) -> Vec<&str> {
    diagnostics
        .iter()
        .map(|d| d["code"].as_str().expect("a code"))
        .collect()
}

/// Asserts that the server's diagnostics are check's findings for `text`:
/// same codes, severities, places (in UTF-16) and words.
fn assert_same_as_check(diagnostics: &[Value], path: &Path, text: &str) {
    let findings: Vec<Value> = check(path, text)
        .into_iter()
        .filter(|f| f["file"] == path.to_str().expect("UTF-8"))
        .collect();
    assert!(!findings.is_empty(), "the test needs findings");
    assert_eq!(
        diagnostics.len(),
        findings.len(),
        "{diagnostics:#?}\n{findings:#?}"
    );
    for (diagnostic, finding) in diagnostics.iter().zip(&findings) {
        assert_eq!(diagnostic["code"], finding["code"]);
        assert_eq!(diagnostic["source"], "scalec");
        let severity = match finding["severity"].as_str() {
            Some("error") => 1,
            Some("warning") => 2,
            _ => 3,
        };
        assert_eq!(diagnostic["severity"], severity);
        let start = finding["byte_start"].as_u64().expect("offset") as usize;
        let end = finding["byte_end"].as_u64().expect("offset") as usize;
        assert_eq!(
            diagnostic["range"],
            json!({ "start": position(text, start), "end": position(text, end) }),
            "{diagnostic:#}\n{finding:#}"
        );
        let mut message = finding["message"].as_str().expect("message").to_string();
        if let Some(label) = finding["label"].as_str() {
            message = format!("{message}\n{label}");
        }
        if let Some(help) = finding["help"].as_str() {
            message = format!("{message}\nhelp: {help}");
        }
        assert_eq!(diagnostic["message"], message);
    }
}

#[test]
fn diagnostics_come_on_open_and_go_when_an_edit_fixes_the_problem() {
    // The file on disk is valid: the editor's unsaved text is what counts.
    let (_temp, dir) = project(&[("services.scale", GOOD)]);
    let path = dir.join("services.scale");
    let uri = uri(&path);
    let mut client = Client::initialized(json!({}));
    client.open(&uri, BAD);
    let diagnostics = client.diagnostics(&uri);
    assert_eq!(codes(&diagnostics), ["E002"]);
    assert_same_as_check(&diagnostics, &path, BAD);
    assert!(
        diagnostics[0]["message"]
            .as_str()
            .is_some_and(|m| m.ends_with("\nhelp: did you mean `replicas`?")),
        "{diagnostics:#?}"
    );

    // Type the missing `s` (an incremental change at line 2, after `replica`).
    client.notify(
        "textDocument/didChange",
        json!({
            "textDocument": { "uri": uri, "version": 2 },
            "contentChanges": [{
                "range": { "start": { "line": 2, "character": 9 }, "end": { "line": 2, "character": 9 } },
                "text": "s"
            }]
        }),
    );
    let message = client.wait("diagnostics after the fix", |m| {
        m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri
    });
    assert_eq!(message["params"]["version"], 2);
    assert_eq!(message["params"]["diagnostics"], json!([]), "{message:#}");

    // Break it again with a whole-text change; a lint finding this time,
    // with its rule's documentation linked.
    let unbounded = GOOD.replace(
        "replicas = 2 .. 10",
        "replicas = 2 .. 10\n  scale cpu { utilization = 5% }",
    );
    client.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": uri, "version": 3 }, "contentChanges": [{ "text": unbounded }] }),
    );
    let diagnostics = client.diagnostics(&uri);
    assert_same_as_check(&diagnostics, &path, &unbounded);
    let lint = diagnostics
        .iter()
        .find(|d| d["code"].as_str().is_some_and(|c| !c.starts_with('E')))
        .unwrap_or_else(|| panic!("a lint finding: {diagnostics:#?}"));
    let code = lint["code"].as_str().expect("code");
    let href = lint["codeDescription"]["href"].as_str().expect("a link");
    assert!(
        href.contains("/docs/rules.md#") && href.contains(&code.to_lowercase()),
        "{href}"
    );

    // Closing the document clears its diagnostics.
    client.notify(
        "textDocument/didClose",
        json!({ "textDocument": { "uri": uri } }),
    );
    assert_eq!(client.diagnostics(&uri), Vec::<Value>::new());
    assert!(client.shutdown().success());
}

#[test]
fn references_resolve_in_files_that_are_not_open_and_follow_them_on_disk() {
    let metrics = "cluster { metrics_adapter = other }\nmetric rps { kind = pods }\n";
    let services = "service api {\n  image    = \"registry.example.com/api:1.0.0\"\n  replicas = 2 .. 10\n  port     = 8080\n  health   = \"/healthz\"\n\n  scale rps { average = 50 }\n}\n";
    let (_temp, dir) = project(&[("metrics.scale", metrics)]);
    let path = dir.join("services.scale");
    let uri = uri(&path);
    let mut client = Client::start();
    client.initialize(
        json!({ "workspace": { "didChangeWatchedFiles": { "dynamicRegistration": true } } }),
    );

    // The server asks to watch `.scale` files, and is answered.
    let register = client.wait("client/registerCapability", |m| {
        m["method"] == "client/registerCapability"
    });
    let registration = &register["params"]["registrations"][0];
    assert_eq!(registration["method"], "workspace/didChangeWatchedFiles");
    assert_eq!(
        registration["registerOptions"]["watchers"][0]["globPattern"],
        "**/*.scale"
    );
    client.send(json!({ "jsonrpc": "2.0", "id": register["id"], "result": null }));

    // `services.scale` is not even on disk: a new, unsaved file.
    client.open(&uri, services);
    let diagnostics = client.diagnostics(&uri);
    assert!(!codes(&diagnostics).contains(&"E004"), "{diagnostics:#?}");

    // Alone in another directory, the same text does not resolve `rps`.
    let (_other, lonely) = project(&[]);
    let lonely_uri = self::uri(&lonely.join("services.scale"));
    client.open(&lonely_uri, services);
    assert_eq!(codes(&client.diagnostics(&lonely_uri)), ["E004"]);

    // The metric's file is deleted on disk: the project is checked again.
    std::fs::remove_file(dir.join("metrics.scale")).expect("remove");
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": [{ "uri": self::uri(&dir.join("metrics.scale")), "type": 3 }] }),
    );
    let diagnostics = client.diagnostics(&uri);
    assert_eq!(codes(&diagnostics), ["E004"]);
    assert_same_as_check(&diagnostics, &path, services);

    // And created again.
    std::fs::write(dir.join("metrics.scale"), metrics).expect("write");
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": [{ "uri": self::uri(&dir.join("metrics.scale")), "type": 1 }] }),
    );
    assert_eq!(client.diagnostics(&uri), Vec::<Value>::new());
    assert!(client.shutdown().success());
}

#[test]
fn a_duplicate_across_files_shows_in_both_open_files() {
    let a = "service api {\n  image = \"registry.example.com/api:1.0.0\"\n}\n";
    let b = "service worker {\n  image    = \"registry.example.com/worker:1.0.0\"\n  replicas = 2 .. 10\n}\n\nservice api {\n  image = \"registry.example.com/api:2.0.0\"\n}\n";
    let (_temp, dir) = project(&[("a.scale", a), ("b.scale", b)]);
    let (a_uri, b_uri) = (uri(&dir.join("a.scale")), uri(&dir.join("b.scale")));
    let mut client = Client::initialized(json!({}));
    client.open(&a_uri, a);
    // With only `a` open, the duplicate in `b` (on disk) already shows in `a`.
    let in_a = client.diagnostics(&a_uri);
    assert_eq!(codes(&in_a), ["E005"], "{in_a:#?}");
    client.open(&b_uri, b);
    let in_b = client.diagnostics(&b_uri);
    assert_eq!(codes(&in_b), ["E005"]);
    assert_same_as_check(&in_b, &dir.join("b.scale"), b);

    // In `b`, the error, pointing at the first definition in `a`...
    let a_api =
        json!({ "start": { "line": 0, "character": 8 }, "end": { "line": 0, "character": 11 } });
    let b_api =
        json!({ "start": { "line": 5, "character": 8 }, "end": { "line": 5, "character": 11 } });
    assert_eq!(in_b[0]["severity"], 1);
    assert_eq!(in_b[0]["range"], b_api);
    assert_eq!(
        in_b[0]["relatedInformation"],
        json!([{ "location": { "uri": a_uri, "range": a_api }, "message": "first defined here" }])
    );
    // ...and in `a`, a hint with the same code and words, pointing back.
    let hint = &in_a[0];
    assert_eq!(hint["severity"], 4);
    assert_eq!(hint["range"], a_api);
    assert!(
        hint["message"]
            .as_str()
            .is_some_and(|m| m.starts_with("service `api` is defined twice\nfirst defined here")),
        "{hint:#}"
    );
    assert_eq!(hint["relatedInformation"][0]["location"]["uri"], b_uri);
    assert_eq!(hint["relatedInformation"][0]["location"]["range"], b_api);

    // Renaming the second one in the editor clears both of it.
    client.notify(
        "textDocument/didChange",
        json!({
            "textDocument": { "uri": b_uri, "version": 2 },
            "contentChanges": [{ "text": b.replace("service api", "service web") }]
        }),
    );
    // (Lint findings may remain: `api` has no replicas.)
    assert!(!codes(&client.diagnostics(&a_uri)).contains(&"E005"));
    assert!(!codes(&client.diagnostics(&b_uri)).contains(&"E005"));
    assert!(client.shutdown().success());
}

#[test]
fn ranges_are_utf16_with_emoji_and_crlf() {
    // `replica` after two characters outside the Basic Multilingual Plane
    // (two UTF-16 units each), in a CRLF file.
    let text = "# 😀 ok\r\nservice api {\r\n  image = \"registry.example.com/api:1.0.0\" # 😀😀\r\n  env { GREETING = \"😀 hi 👋\" }; replica = 2 .. 10\r\n}\r\n";
    let (_temp, dir) = project(&[]);
    let path = dir.join("emoji.scale");
    let uri = uri(&path);
    let mut client = Client::initialized(json!({}));
    client.open(&uri, text);
    let diagnostics = client.diagnostics(&uri);
    assert_eq!(codes(&diagnostics), ["E002"], "{diagnostics:#?}");
    assert_same_as_check(&diagnostics, &path, text);
    // The column is in UTF-16 units, not characters or bytes.
    let line = text.split("\r\n").nth(3).expect("line 4");
    let before = &line[..line.find("replica").expect("replica")];
    let start = &diagnostics[0]["range"]["start"];
    assert_eq!(start["line"], 3);
    assert_eq!(start["character"], before.encode_utf16().count());
    assert_ne!(before.encode_utf16().count(), before.chars().count());

    // An edit by UTF-16 position after the emoji: `replica` → `replicas`.
    let end = &diagnostics[0]["range"]["end"];
    client.notify(
        "textDocument/didChange",
        json!({
            "textDocument": { "uri": uri, "version": 2 },
            "contentChanges": [{ "range": { "start": end, "end": end }, "text": "s" }]
        }),
    );
    assert!(!codes(&client.diagnostics(&uri)).contains(&"E002"));

    // A byte-order mark is one UTF-16 unit of the editor's first line;
    // check's offsets start after it.
    let bom = "\u{FEFF}service own { image = \"😀\"; replica = 2 .. 10 }\n";
    let bom_path = dir.join("bom.scale");
    let bom_uri = self::uri(&bom_path);
    client.open(&bom_uri, bom);
    let diagnostics = client.diagnostics(&bom_uri);
    assert_eq!(codes(&diagnostics), ["E002"]);
    let finding = &check(&bom_path, bom)[0];
    let mark = '\u{FEFF}'.len_utf8();
    let at = |key: &str| finding[key].as_u64().expect("offset") as usize + mark;
    assert_eq!(
        diagnostics[0]["range"],
        json!({ "start": position(bom, at("byte_start")), "end": position(bom, at("byte_end")) })
    );
    // The mark, 23 characters, the emoji (2 units), 3 more.
    assert_eq!(diagnostics[0]["range"]["start"]["character"], 29);
    assert!(client.shutdown().success());
}

/// Applies protocol edits to `text`, positions in UTF-16.
fn apply(text: &str, edits: &[Value]) -> String {
    let offset = |p: &Value| {
        let (line, character) = (
            p["line"].as_u64().expect("line"),
            p["character"].as_u64().expect("character"),
        );
        let mut at = 0;
        for _ in 0..line {
            at += text[at..].find('\n').expect("the line exists") + 1;
        }
        let mut units = 0;
        for (i, c) in text[at..].char_indices() {
            if units >= character || c == '\n' {
                return at + i;
            }
            units += c.len_utf16() as u64;
        }
        text.len()
    };
    let mut edits: Vec<&Value> = edits.iter().collect();
    edits.sort_by_key(|e| offset(&e["range"]["start"]));
    let mut out = text.to_string();
    for edit in edits.iter().rev() {
        let (start, end) = (
            offset(&edit["range"]["start"]),
            offset(&edit["range"]["end"]),
        );
        out.replace_range(start..end, edit["newText"].as_str().expect("text"));
    }
    out
}

#[test]
fn formatting_gives_what_fmt_writes_and_refuses_a_syntax_error() {
    let messy = "# the shop\nservice api {\n    image=\"registry.example.com/api:1.0.0\"   # pinned 😀\n  replicas = 2..10\n\n\n\n  scale cpu {utilization=70%}\n}\nservice web { image = \"registry.example.com/web:1.0.0\"; replicas = 2 .. 4 }\n";
    let (_temp, dir) = project(&[]);
    let uri = uri(&dir.join("shop.scale"));
    let mut client = Client::start();
    let result = client.initialize(json!({}));
    assert_eq!(result["capabilities"]["documentFormattingProvider"], true);
    assert_eq!(result["serverInfo"]["name"], "scalec");
    client.open(&uri, messy);
    let options = json!({ "tabSize": 8, "insertSpaces": false });
    let response = client.request(
        "textDocument/formatting",
        json!({ "textDocument": { "uri": uri }, "options": options }),
    );
    let edits = response["result"].as_array().expect("edits").clone();
    let expected = common::fmt_stdin(messy);
    assert_ne!(expected, messy);
    assert_eq!(apply(messy, &edits), expected);
    // Only the changed lines are replaced: the first line is no edit's.
    assert!(
        edits
            .iter()
            .all(|e| e["range"]["start"]["line"].as_u64() > Some(0)),
        "{edits:#?}"
    );

    // A byte-order mark stays where it is.
    let marked = format!("\u{FEFF}{messy}");
    let marked_uri = self::uri(&dir.join("marked.scale"));
    client.open(&marked_uri, &marked);
    let response = client.request(
        "textDocument/formatting",
        json!({ "textDocument": { "uri": marked_uri }, "options": options }),
    );
    let edits = response["result"].as_array().expect("edits").clone();
    assert_eq!(apply(&marked, &edits), format!("\u{FEFF}{expected}"));

    // Formatted text needs no edit.
    client.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": uri, "version": 2 }, "contentChanges": [{ "text": expected }] }),
    );
    let response = client.request(
        "textDocument/formatting",
        json!({ "textDocument": { "uri": uri }, "options": options }),
    );
    assert_eq!(response["result"], json!([]));

    // A syntax error: no edits, and the reason.
    let broken = "service api {\n  image = \n}\n";
    client.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": uri, "version": 3 }, "contentChanges": [{ "text": broken }] }),
    );
    let response = client.request(
        "textDocument/formatting",
        json!({ "textDocument": { "uri": uri }, "options": options }),
    );
    assert!(response.get("result").is_none(), "{response:#}");
    assert_eq!(response["error"]["code"], -32803);
    let message = response["error"]["message"].as_str().expect("a message");
    assert!(message.contains("error[E001]"), "{message}");

    // A document that is not open cannot be formatted, and the server goes on.
    let response = client.request(
        "textDocument/formatting",
        json!({ "textDocument": { "uri": self::uri(&dir.join("closed.scale")) }, "options": options }),
    );
    assert_eq!(response["error"]["code"], -32803, "{response:#}");
    assert!(client.shutdown().success());
}

#[test]
fn malformed_messages_and_unknown_methods_are_answered_and_the_server_goes_on() {
    let mut client = Client::start();
    // Before `initialize`.
    let response = client.request("textDocument/formatting", json!({}));
    assert_eq!(response["error"]["code"], -32002, "{response:#}");
    client.initialize(json!({}));

    // Not JSON.
    client.send_raw(b"Content-Length: 11\r\n\r\n{\"id\": 1, ]");
    let response = client.wait("a parse error", |m| m["error"]["code"] == -32700);
    assert_eq!(response["id"], Value::Null);
    // JSON, but not a message.
    client.send(json!([1, 2, 3]));
    let response = client.wait("an invalid request", |m| m["error"]["code"] == -32600);
    assert_eq!(response["id"], Value::Null);
    client.send(json!({ "jsonrpc": "2.0", "id": 77, "method": 5 }));
    let response = client.wait("an invalid request", |m| m["error"]["code"] == -32600);
    assert_eq!(response["id"], 77);
    // A header block without a length, then a body that is never framed.
    client.send_raw(b"Content-Type: nothing\r\nX-Junk\r\n\r\n{\"junk\": true}");
    // Parameters of the wrong shape.
    let response = client.request("textDocument/formatting", json!(42));
    assert_eq!(response["error"]["code"], -32602, "{response:#}");
    // A notification's method sent as a request is no request scalec knows.
    let unknown = client.request("textDocument/didOpen", json!({}));
    assert_eq!(unknown["error"]["code"], -32601, "{unknown:#}");
    assert!(
        unknown["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("textDocument/didOpen"))
    );
    let response = client.request("scalec/noSuchThing", json!({}));
    assert_eq!(response["error"]["code"], -32601);
    // Notifications with bad parameters, or unknown ones, are not answered.
    client.notify("textDocument/didOpen", json!({ "textDocument": 1 }));
    client.notify("textDocument/didChange", json!({ "textDocument": { "uri": "file:///nowhere/x.scale", "version": 1 }, "contentChanges": [] }));
    client.notify("scalec/noSuchNotification", json!({}));
    client.notify("$/cancelRequest", json!({ "id": 1 }));
    // The hidden panic request exists only for the tests.
    let response = client.request("scalec/testPanic", json!({}));
    assert_eq!(response["error"]["code"], -32601);
    let response = client.request("initialize", json!({ "capabilities": {} }));
    assert_eq!(response["error"]["code"], -32600);

    // Still serving: diagnostics for a document after all that.
    let (_temp, dir) = project(&[]);
    let uri = uri(&dir.join("a.scale"));
    client.open(&uri, BAD);
    assert_eq!(codes(&client.diagnostics(&uri)), ["E002"]);
    assert!(
        client.pending.iter().all(|m| m.get("error").is_none()),
        "{:#?}",
        client.pending
    );
    assert!(client.shutdown().success());
}

#[test]
fn documents_outside_any_project_are_checked_alone() {
    let mut client = Client::initialized(json!({}));
    // Not a file URI.
    let untitled = "untitled:Untitled-1";
    client.open(untitled, BAD);
    let diagnostics = client.diagnostics(untitled);
    assert_eq!(codes(&diagnostics), ["E002"]);
    assert_eq!(
        diagnostics[0]["range"]["start"],
        json!({ "line": 2, "character": 2 })
    );
    let response = client.request(
        "textDocument/formatting",
        json!({ "textDocument": { "uri": untitled }, "options": { "tabSize": 2, "insertSpaces": true } }),
    );
    assert!(response["result"].is_array(), "{response:#}");
    // A file whose directory does not exist.
    let temp = tempdir();
    let gone = uri(&temp.path().join("no/such/dir/a.scale"));
    client.open(&gone, BAD);
    assert_eq!(codes(&client.diagnostics(&gone)), ["E002"]);
    // A file that is not a policy file.
    let notes = uri(&temp.path().join("notes.txt"));
    client.open(&notes, BAD);
    assert_eq!(codes(&client.diagnostics(&notes)), ["E002"]);
    assert!(client.shutdown().success());
}

#[test]
fn a_panic_in_a_handler_is_answered_and_the_server_goes_on() {
    let mut client = Client::start_with(&[("SCALEC_LSP_TEST_PANIC", "1")]);
    client.initialize(json!({}));
    let response = client.request("scalec/testPanic", json!({}));
    assert_eq!(response["error"]["code"], -32603, "{response:#}");
    assert!(
        response["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("internal error") && m.contains("scalec/testPanic")),
        "{response:#}"
    );
    // A notification that panics is shown to the user.
    client.notify("scalec/testPanic", json!({}));
    let shown = client.wait("window/showMessage", |m| {
        m["method"] == "window/showMessage"
    });
    assert_eq!(shown["params"]["type"], 1, "{shown:#}");

    let (_temp, dir) = project(&[]);
    let uri = uri(&dir.join("a.scale"));
    client.open(&uri, BAD);
    assert_eq!(codes(&client.diagnostics(&uri)), ["E002"]);
    assert!(client.shutdown().success());
}

#[test]
fn exit_codes_follow_the_protocol() {
    // `exit` without `shutdown`: 1.
    let mut client = Client::initialized(json!({}));
    client.notify("exit", Value::Null);
    assert_eq!(client.wait_exit().code(), Some(1));

    // `shutdown`, requests refused, then `exit`: 0.
    let mut client = Client::initialized(json!({}));
    let response = client.request("shutdown", Value::Null);
    assert_eq!(response["result"], Value::Null);
    let response = client.request("textDocument/formatting", json!({}));
    assert_eq!(response["error"]["code"], -32600, "{response:#}");
    client.notify("exit", Value::Null);
    assert_eq!(client.wait_exit().code(), Some(0));

    // The input ends without `exit`: 1.
    let mut client = Client::initialized(json!({}));
    client.stdin.take();
    assert_eq!(client.wait_exit().code(), Some(1));

    // `exit` before `initialize`: 1.
    let mut client = Client::start();
    client.notify("exit", Value::Null);
    assert_eq!(client.wait_exit().code(), Some(1));
}

#[test]
fn lint_settings_come_from_initialization_options() {
    let unbounded = GOOD.replace(
        "replicas = 2 .. 10",
        "replicas = 2 .. 10\n  scale cpu { utilization = 5% }",
    );
    let (_temp, dir) = project(&[]);
    let uri = uri(&dir.join("a.scale"));
    let mut client = Client::initialized(json!({}));
    client.open(&uri, &unbounded);
    let diagnostics = client.diagnostics(&uri);
    let code = diagnostics
        .iter()
        .find_map(|d| (d["severity"] == 2).then(|| d["code"].as_str().expect("code").to_string()))
        .unwrap_or_else(|| panic!("a warning: {diagnostics:#?}"));
    assert!(client.shutdown().success());

    // Denied, the rule's finding is an error; allowed, it is gone.
    let mut client = Client::start();
    client.request(
        "initialize",
        json!({ "capabilities": {}, "initializationOptions": { "deny": [code] } }),
    );
    client.notify("initialized", json!({}));
    client.open(&uri, &unbounded);
    let diagnostics = client.diagnostics(&uri);
    assert!(
        diagnostics
            .iter()
            .any(|d| d["code"] == code && d["severity"] == 1),
        "{diagnostics:#?}"
    );
    assert!(client.shutdown().success());

    let mut client = Client::start();
    client.request(
        "initialize",
        json!({ "capabilities": {}, "initializationOptions": { "allow": [code] } }),
    );
    client.notify("initialized", json!({}));
    client.open(&uri, &unbounded);
    assert!(!codes(&client.diagnostics(&uri)).contains(&code.as_str()));
    assert!(client.shutdown().success());

    // An unknown rule: the user is told, and the defaults apply.
    let mut client = Client::start();
    client.request(
        "initialize",
        json!({ "capabilities": {}, "initializationOptions": { "deny": ["no-such-rule"] } }),
    );
    let shown = client.wait("window/showMessage", |m| {
        m["method"] == "window/showMessage"
    });
    assert!(
        shown["params"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("no-such-rule")),
        "{shown:#}"
    );
    client.notify("initialized", json!({}));
    client.open(&uri, &unbounded);
    assert!(codes(&client.diagnostics(&uri)).contains(&code.as_str()));
    assert!(client.shutdown().success());
}

// ---------------------------------------------------------------------------
// Editor features: hover, navigation, rename, completion, code actions,
// symbols and semantic tokens, through the real server.
// ---------------------------------------------------------------------------

const API: &str = "service api {\n  image    = \"registry.example.com/api:1.0.0\"\n  cpu      = 250m\n  memory   = 512m .. 1Gi\n  replicas = 2 .. 10\n  scale rps { average = 100 }\n\n}\n";
const RPS: &str = "metric rps {\n  kind = pods\n}\n";

/// A client with `a.scale` (the API service) open and `b.scale` (the metric
/// it scales on) on disk only.
fn features() -> (tempfile::TempDir, PathBuf, Client, String) {
    let (temp, dir) = project(&[("a.scale", API), ("b.scale", RPS)]);
    let mut client = Client::initialized(json!({}));
    let a = uri(&dir.join("a.scale"));
    client.open(&a, API);
    client.diagnostics(&a);
    (temp, dir, client, a)
}

fn at(uri: &str, text: &str, needle: &str, nth: usize) -> Value {
    let offset = text
        .match_indices(needle)
        .nth(nth)
        .unwrap_or_else(|| panic!("`{needle}` #{nth} in the text"))
        .0;
    json!({ "textDocument": { "uri": uri }, "position": position(text, offset + 1) })
}

#[test]
fn hover_documents_attributes_and_sums_up_services() {
    let (_temp, _dir, mut client, a) = features();
    let on_replicas = client.request("textDocument/hover", at(&a, API, "replicas", 0));
    let text = on_replicas["result"]["contents"]["value"]
        .as_str()
        .expect("markdown");
    assert!(text.contains("replicas"), "{text}");
    let on_api = client.request("textDocument/hover", at(&a, API, "api", 0));
    let text = on_api["result"]["contents"]["value"]
        .as_str()
        .expect("markdown");
    assert!(
        text.contains("2") && text.contains("10") && text.contains("rps"),
        "{text}"
    );
    client.shutdown();
}

#[test]
fn definition_references_and_rename_reach_files_that_are_not_open() {
    let (_temp, dir, mut client, a) = features();
    let b = uri(&dir.join("b.scale"));
    let definition = client.request("textDocument/definition", at(&a, API, "rps", 0));
    let found = definition["result"].as_array().expect("locations");
    assert_eq!(found.len(), 1, "{definition}");
    assert_eq!(found[0]["uri"], b.as_str());
    assert_eq!(
        found[0]["range"]["start"],
        json!({ "line": 0, "character": 7 })
    );

    let mut params = at(&a, API, "rps", 0);
    params["context"] = json!({ "includeDeclaration": true });
    let references = client.request("textDocument/references", params);
    let mut uris: Vec<&str> = references["result"]
        .as_array()
        .expect("locations")
        .iter()
        .map(|l| l["uri"].as_str().expect("uri"))
        .collect();
    uris.sort();
    assert_eq!(uris, [a.as_str(), b.as_str()]);

    let mut params = at(&a, API, "rps", 0);
    params["newName"] = json!("requests");
    let rename = client.request("textDocument/rename", params);
    let changes = &rename["result"]["changes"];
    let edits_a = changes[a.as_str()].as_array().expect("edits in a.scale");
    let edits_b = changes[b.as_str()].as_array().expect("edits in b.scale");
    assert!(apply(API, edits_a).contains("scale requests {"));
    assert!(apply(RPS, edits_b).starts_with("metric requests {"));

    let mut params = at(&a, API, "rps", 0);
    params["newName"] = json!("bad/name");
    let refused = client.request("textDocument/rename", params);
    assert!(refused["error"]["message"].is_string(), "{refused}");
    client.shutdown();
}

#[test]
fn completion_offers_the_attributes_not_yet_set() {
    let (_temp, _dir, mut client, a) = features();
    // The blank line before the closing brace.
    let offset = API.find("\n\n}").expect("a blank line") + 1;
    let params = json!({ "textDocument": { "uri": a }, "position": position(API, offset) });
    let items = client.request("textDocument/completion", params);
    let labels: Vec<&str> = items["result"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| i["label"].as_str().expect("label"))
        .collect();
    assert!(
        labels.contains(&"port") && labels.contains(&"env"),
        "{labels:?}"
    );
    assert!(
        !labels.contains(&"replicas") && !labels.contains(&"image"),
        "{labels:?}"
    );
    client.shutdown();
}

#[test]
fn a_quick_fix_applied_removes_its_diagnostic() {
    let (_temp, _dir, mut client, a) = features();
    let params = json!({
        "textDocument": { "uri": a },
        "range": { "start": position(API, API.find("512m").expect("512m")), "end": position(API, API.find("512m").expect("512m") + 4) },
        "context": { "diagnostics": [] },
    });
    let actions = client.request("textDocument/codeAction", params);
    let fix = actions["result"]
        .as_array()
        .expect("actions")
        .iter()
        .find(|action| {
            action["isPreferred"] == json!(true) && action["diagnostics"][0]["code"] == "K112"
        })
        .unwrap_or_else(|| panic!("a K112 fix in {actions:#}"))
        .clone();
    let fixed = apply(
        API,
        fix["edit"]["changes"][a.as_str()]
            .as_array()
            .expect("edits"),
    );
    assert!(fixed.contains("memory   = 512Mi .. 1Gi"), "{fixed}");
    client.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": a, "version": 2 }, "contentChanges": [{ "text": fixed }] }),
    );
    let after = client.diagnostics(&a);
    assert!(!codes(&after).contains(&"K112"), "{after:#?}");
    client.shutdown();
}

#[test]
fn symbols_and_semantic_tokens_cover_the_document() {
    let (_temp, _dir, mut client, a) = features();
    let symbols = client.request(
        "textDocument/documentSymbol",
        json!({ "textDocument": { "uri": a } }),
    );
    assert_eq!(symbols["result"][0]["name"], "api", "{symbols}");
    let found = client.request("workspace/symbol", json!({ "query": "rp" }));
    assert_eq!(found["result"][0]["name"], "rps", "{found}");
    let tokens = client.request(
        "textDocument/semanticTokens/full",
        json!({ "textDocument": { "uri": a } }),
    );
    let data = tokens["result"]["data"].as_array().expect("data");
    assert!(!data.is_empty() && data.len() % 5 == 0, "{tokens}");
    // The first token is `service`, a keyword (type 0 in the legend).
    assert_eq!(
        &data[..5],
        &[json!(0), json!(0), json!(7), json!(0), json!(0)]
    );
    client.shutdown();
}

#[test]
fn an_unused_metric_is_tagged_unnecessary() {
    let (_temp, dir) = project(&[("a.scale", API)]);
    let mut client = Client::initialized(json!({}));
    let b = uri(&dir.join("b.scale"));
    let unused = "metric rps {\n  kind = pods\n}\n\nmetric spare {\n  kind = pods\n}\n";
    client.open(&b, unused);
    let found = client.diagnostics(&b);
    let k118 = found
        .iter()
        .find(|d| d["code"] == "K118")
        .unwrap_or_else(|| panic!("K118 in {found:#?}"));
    assert_eq!(k118["tags"], json!([1]), "{k118}");
    assert!(
        found
            .iter()
            .filter(|d| d["code"] != "K118")
            .all(|d| d.get("tags").is_none()),
        "{found:#?}"
    );
    client.shutdown();
}

/// An environment's override leads to the base block it changes, and the
/// finding only one environment makes is the editor's too, naming it
/// (scalec#17).
#[test]
fn environments_resolve_definitions_and_name_their_findings() {
    const ENVIRONMENTS: &str =
        "environment prod {\n  service api { replicas = 1 .. 10 }\n}\n\nenvironment staging { }\n";
    let (_temp, dir) = project(&[
        ("a.scale", API),
        ("b.scale", RPS),
        ("c.scale", ENVIRONMENTS),
    ]);
    let mut client = Client::initialized(json!({}));
    let a = uri(&dir.join("a.scale"));
    let c = uri(&dir.join("c.scale"));
    client.open(&c, ENVIRONMENTS);
    let diagnostics = client.diagnostics(&c);
    let messages: Vec<&str> = (diagnostics.iter())
        .filter_map(|d| d["message"].as_str())
        .collect();
    assert!(
        messages
            .iter()
            .any(|m| m.starts_with("service `api` may run a single pod (in environment `prod`)")),
        "{messages:?}"
    );
    let definition = client.request("textDocument/definition", at(&c, ENVIRONMENTS, "api", 0));
    let found = definition["result"].as_array().expect("locations");
    assert_eq!(found.len(), 1, "{definition}");
    assert_eq!(found[0]["uri"], a.as_str());
    assert_eq!(
        found[0]["range"]["start"],
        json!({ "line": 0, "character": 8 })
    );
}
