//! `editors/emacs/scale-mode.el` in the real Emacs (`emacs --batch`, Debian's
//! emacs-nox, installed by `.ci/install`): byte-compilation, highlighting,
//! `auto-mode-alist`, indentation against `scalec fmt`, Flymake against
//! `scalec check`, formatting, and a drift guard against the schema.

mod common;

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use scalec::lower::schema::{self, ValueType};

const MODE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/editors/emacs/scale-mode.el");
const SCALEC: &str = env!("CARGO_BIN_EXE_scalec");

fn temp_dir() -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix("scalec-")
        .tempdir()
        .expect("a temporary directory")
}

/// Runs `emacs --batch -Q` on `script` (Emacs Lisp, run after loading the
/// mode unless `load_mode` is false) with HOME in a temporary directory, and
/// returns its standard output. Fails with the output when Emacs fails.
fn emacs(script: &str, load_mode: bool) -> String {
    emacs_output(script, load_mode).0
}

/// Like [`emacs`], returning standard output and standard error.
fn emacs_output(script: &str, load_mode: bool) -> (String, String) {
    let home = temp_dir();
    let file = home.path().join("script.el");
    let load = if load_mode {
        format!("(load {} nil t t)\n", lisp_string(MODE))
    } else {
        String::new()
    };
    fs::write(&file, format!("{load}{script}")).unwrap();
    let output = Command::new("emacs")
        .args(["--batch", "-Q", "-l"])
        .arg(&file)
        .env("HOME", home.path())
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| {
            panic!("cannot run `emacs` ({e}); install it with `.ci/install` (Debian: emacs-nox)")
        });
    let (stdout, stderr) = output_text(&output);
    assert!(
        output.status.success(),
        "emacs failed ({}):\n{stdout}\n{stderr}",
        output.status
    );
    (stdout, stderr)
}

fn output_text(output: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// A Lisp string literal.
fn lisp_string(text: impl AsRef<str>) -> String {
    let mut out = String::from("\"");
    for c in text.as_ref().chars() {
        if c == '"' || c == '\\' {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
    out
}

fn path_string(path: &Path) -> String {
    lisp_string(path.to_str().expect("UTF-8 paths"))
}

/// The face Emacs gives each `(byte offset, _)` of `text`, in a file named
/// `name` (in a fresh directory), as Lisp prints it.
fn faces(name: &str, text: &str, offsets: &[usize]) -> Vec<String> {
    let dir = temp_dir();
    let file = dir.path().join(name);
    fs::write(&file, text).unwrap();
    let positions: Vec<String> = offsets
        .iter()
        .map(|&offset| (text[..offset].chars().count() + 1).to_string())
        .collect();
    let out = emacs(
        &format!(
            "(let ((coding-system-for-read 'utf-8-unix)) (find-file {}))
             (unless (eq major-mode 'scale-mode) (error \"not scale-mode: %s\" major-mode))
             (font-lock-ensure)
             (dolist (pos '({}))
               (princ (format \"%S\\n\" (get-text-property pos 'face))))",
            path_string(&file),
            positions.join(" ")
        ),
        true,
    );
    out.lines().map(str::to_string).collect()
}

/// Asserts the face at each `(needle, part, face)`: `part` is a piece of
/// the first occurrence of `needle` in `text` (so the needle gives context).
fn assert_faces(name: &str, text: &str, expected: &[(&str, &str, &str)]) {
    let offsets: Vec<usize> = expected
        .iter()
        .map(|(needle, part, _)| {
            let at = text
                .find(needle)
                .unwrap_or_else(|| panic!("`{needle}` is not in {name}"));
            at + needle
                .find(part)
                .unwrap_or_else(|| panic!("`{part}` is not in `{needle}`"))
        })
        .collect();
    let got = faces(name, text, &offsets);
    let wrong: Vec<String> = expected
        .iter()
        .zip(&got)
        .filter(|((_, _, face), got)| got != face)
        .map(|((needle, part, face), got)| {
            format!("`{part}` in `{needle}`: expected {face}, got {got}")
        })
        .collect();
    assert!(wrong.is_empty(), "{name}:\n{}", wrong.join("\n"));
}

fn repo_file(path: &str) -> String {
    fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(path)).unwrap()
}

#[test]
fn the_mode_byte_compiles_without_warnings() {
    let dir = temp_dir();
    let copy = dir.path().join("scale-mode.el");
    fs::copy(MODE, &copy).unwrap();
    let (out, log) = emacs_output(
        &format!(
            "(setq byte-compile-error-on-warn t)
             (princ (if (byte-compile-file {}) \"compiled\" \"failed\"))",
            path_string(&copy)
        ),
        false,
    );
    assert_eq!(out, "compiled", "{log}");
    assert!(!log.contains("arning"), "{log}");
    assert!(dir.path().join("scale-mode.elc").exists());
}

#[test]
fn a_real_policy_is_highlighted() {
    const KEY: &str = "font-lock-keyword-face";
    const NAME: &str = "font-lock-function-name-face";
    const ATTRIBUTE: &str = "font-lock-variable-name-face";
    const WORD: &str = "font-lock-builtin-face";
    const NUMBER: &str = "scale-number-face";
    const UNIT: &str = "scale-unit-face";
    const STRING: &str = "font-lock-string-face";
    const COMMENT: &str = "font-lock-comment-face";
    assert_faces(
        "services.scale",
        &repo_file("policies/aether/services.scale"),
        &[
            ("# The four Aether services.", "four", COMMENT),
            ("service auth {", "service", KEY),
            ("service auth {", "auth", NAME),
            ("  image    = \"ghcr", "image", ATTRIBUTE),
            (
                "\"ghcr.io/quantum-leap/aether-auth:3.2.0\"",
                "aether",
                STRING,
            ),
            ("cpu      = 250m .. 500m", "cpu", ATTRIBUTE),
            ("cpu      = 250m .. 500m", "250", NUMBER),
            ("cpu      = 250m .. 500m", "m ..", UNIT),
            ("cpu      = 250m .. 500m", "..", KEY),
            ("memory   = 256Mi", "Mi", UNIT),
            ("  env { LOG_LEVEL", "env", KEY),
            ("  env { LOG_LEVEL", "LOG_LEVEL", "nil"),
            ("scale ingest-events {", "scale", KEY),
            ("scale ingest-events {", "ingest-events", NAME),
            ("{ average = 500 }", "average", ATTRIBUTE),
            ("{ average = 500 }", "500", NUMBER),
            ("# queued messages per pod", "per", COMMENT),
            ("[100% per 30s, 8 per 30s]", "%", UNIT),
            ("[100% per 30s, 8 per 30s]", "per", KEY),
            ("[100% per 30s, 8 per 30s]", "8", NUMBER),
            ("scale_up { rate", "scale_up", KEY),
            (
                "disruption { max_unavailable = 1 }",
                "max_unavailable",
                ATTRIBUTE,
            ),
        ],
    );
    assert_faces(
        "data.scale",
        &repo_file("policies/aether/data.scale"),
        &[
            ("database aether-data {", "database", KEY),
            ("engine   = mongodb", "mongodb", WORD),
            (
                "shard_key = [customer_id, hashed(_id)]",
                "shard_key",
                ATTRIBUTE,
            ),
            (
                "shard_key = [customer_id, hashed(_id)]",
                "customer_id",
                "nil",
            ),
            ("shard_key = [customer_id, hashed(_id)]", "hashed", WORD),
            ("field customer_id {", "field", KEY),
            ("type        = string", "string", WORD),
            ("cardinality = 2M", "M", UNIT),
        ],
    );
    assert_faces(
        "cluster.scale",
        &repo_file("policies/aether/cluster.scale"),
        &[
            ("autoscaler = hpa", "hpa", WORD),
            ("spread = zone", "zone", WORD),
            ("  nodes {", "nodes", KEY),
            ("  scale cpu {", "cpu", NAME),
        ],
    );
    assert_faces(
        "bad.scale",
        &repo_file("tests/fixtures/lint/S001/bad.scale"),
        &[
            (
                "# scalec: allow K101",
                "scalec: allow",
                "font-lock-preprocessor-face",
            ),
            ("# scalec: allow K101", "K101", "font-lock-constant-face"),
            (
                "# scalec: allow missing-max-replicas, K104",
                "missing-max-replicas",
                "font-lock-constant-face",
            ),
            (
                "# scalec: allow missing-max-replicas, K104",
                "K104",
                "font-lock-constant-face",
            ),
            ("# expect-next: S001", "expect", COMMENT),
        ],
    );
    // What the bundled policies lack: a reason after the rules, booleans and
    // a directive that is not on a line of its own (scalec rejects it).
    assert_faces(
        "more.scale",
        "# scalec: allow K104 batch worker, restarts are fine\n\
         service worker {\n  replicas = 3  # scalec: allow K104\n}\n\
         field a { monotonic = true }\n",
        &[
            ("allow K104 batch", "K104", "font-lock-constant-face"),
            ("allow K104 batch", "batch", COMMENT),
            ("worker, restarts", "restarts", COMMENT),
            ("3  # scalec: allow K104", "scalec", COMMENT),
            ("monotonic = true", "true", "font-lock-constant-face"),
        ],
    );
}

#[test]
fn visiting_a_scale_file_selects_scale_mode_through_its_autoloads() {
    let dir = temp_dir();
    fs::copy(MODE, dir.path().join("scale-mode.el")).unwrap();
    let loaddefs = dir.path().join("scale-autoloads.el");
    let policy = dir.path().join("api.scale");
    fs::write(&policy, "service api {}\n").unwrap();
    let out = emacs(
        &format!(
            "(let ((dir {dir}) (out {loaddefs}))
               (if (fboundp 'loaddefs-generate)
                   (loaddefs-generate dir out)
                 (let ((generated-autoload-file out))
                   (update-directory-autoloads dir)))
               (add-to-list 'load-path dir)
               (load out nil t t))
             (princ (format \"before: %s\\n\" (featurep 'scale-mode)))
             (find-file {policy})
             (princ (format \"mode: %s\\n\" major-mode))",
            dir = path_string(dir.path()),
            loaddefs = path_string(&loaddefs),
            policy = path_string(&policy),
        ),
        false,
    );
    assert_eq!(out, "before: nil\nmode: scale-mode\n");
}

/// Every policy and fixture that `scalec fmt` formats, formatted.
fn formatted_policies() -> Vec<(PathBuf, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files: Vec<PathBuf> = ["policies", "tests/fixtures"]
        .iter()
        .flat_map(|dir| walkdir::WalkDir::new(root.join(dir)))
        .filter_map(Result::ok)
        .map(|e| e.into_path())
        .filter(|p| p.extension().is_some_and(|e| e == "scale"))
        .collect();
    files.sort();
    files
        .into_iter()
        .filter_map(|path| {
            let text = fs::read_to_string(&path).ok()?;
            let output = Command::new(SCALEC)
                .args(["fmt", "--stdout"])
                .arg(&path)
                .output()
                .unwrap();
            let formatted = String::from_utf8(output.stdout).unwrap();
            (output.status.success() && !text.trim().is_empty()).then_some((path, formatted))
        })
        .collect()
}

/// `text` with every line's indentation replaced by a wrong one.
fn misindent(text: &str) -> String {
    const WRONG: [&str; 5] = ["   ", "\t", "", "        ", " "];
    text.lines()
        .enumerate()
        .map(|(i, line)| {
            let content = line.trim_start();
            if content.is_empty() {
                "\n".to_string()
            } else {
                format!("{}{content}\n", WRONG[i % WRONG.len()])
            }
        })
        .collect()
}

#[test]
fn indentation_is_what_scalec_fmt_writes() {
    let mut policies = formatted_policies();
    assert!(policies.len() > 50, "only {} policies", policies.len());
    // A wrapped list with comments, which the bundled policies lack.
    let wrapped = "service api {\n  image = \"x\"\n\n  scale_up {\n    rate = [\n      \
                   # the first\n      100% per 30s,\n      8 per 30s,  # the second\n    ]\n  }\n}\n";
    assert_eq!(common::fmt_stdin(wrapped), wrapped);
    policies.push((PathBuf::from("wrapped list"), wrapped.to_string()));
    let dir = temp_dir();
    let mut files = String::new();
    for (i, (_, formatted)) in policies.iter().enumerate() {
        let wrong = misindent(formatted);
        assert_ne!(&wrong, formatted);
        // Only indentation differs: scalec fmt puts it back.
        assert_eq!(&common::fmt_stdin(&wrong), formatted);
        let input = dir.path().join(format!("{i}.scale"));
        fs::write(&input, wrong).unwrap();
        write!(files, " {}", path_string(&input)).unwrap();
    }
    emacs(
        &format!(
            "(let ((coding-system-for-read 'utf-8-unix)
                   (coding-system-for-write 'utf-8-unix))
               (dolist (file (list{files}))
                 (with-temp-buffer
                   (insert-file-contents file)
                   (scale-mode)
                   (indent-region (point-min) (point-max))
                   (write-region nil nil (concat file \".out\") nil 'quiet))))"
        ),
        true,
    );
    let mut wrong = Vec::new();
    for (i, (path, formatted)) in policies.iter().enumerate() {
        let indented = fs::read_to_string(dir.path().join(format!("{i}.scale.out"))).unwrap();
        if &indented != formatted {
            let diff = similar::TextDiff::from_lines(formatted, &indented)
                .unified_diff()
                .header("scalec fmt", "emacs")
                .to_string();
            wrong.push(format!("{}:\n{diff}", path.display()));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

const METRIC: &str =
    "cluster {\n  metrics_adapter = other\n}\n\nmetric requests-per-second {\n  kind = pods\n}\n";
const API: &str = "service api {\n  image    = \"registry.example.com/api:1.0.0\"\n  \
                   replicas = 2 .. 10\n  port     = 8080\n  health   = \"/ready\"\n\n  \
                   scale requests-per-second { average = 60 }\n}\n";

/// The findings of `scalec check --format short` for `file` in `dir`, as
/// `line:col: severity[CODE]: message` lines.
fn check_short(dir: &Path, file: &str) -> Vec<String> {
    let output = Command::new(SCALEC)
        .args(["check", "--format", "short", "."])
        .current_dir(dir)
        .output()
        .unwrap();
    let prefix = format!("{file}:");
    output_text(&output)
        .0
        .lines()
        .filter_map(|line| line.strip_prefix(&prefix).map(str::to_string))
        .collect()
}

/// `line:col: severity[CODE]: message` as the mode shows it:
/// `line:col: :severity: message [CODE]`.
fn as_flymake(finding: &str) -> String {
    let (place, rest) = finding.split_once(": ").unwrap();
    let (severity, rest) = rest.split_once('[').unwrap();
    let (code, message) = rest.split_once("]: ").unwrap();
    let kind = if severity == "info" { "note" } else { severity };
    format!("{place}: :{kind}: {message} [{code}]")
}

#[test]
fn flymake_reports_the_findings_of_scalec_check_on_the_unsaved_buffer() {
    // On disk the project is clean. The buffer is edited, not saved, twice:
    // first to two warnings (and one in the sibling file, which is not this
    // buffer's), then to an error.
    let project = temp_dir();
    fs::write(project.path().join("metrics.scale"), METRIC).unwrap();
    fs::write(project.path().join("api.scale"), API).unwrap();
    assert_eq!(
        check_short(project.path(), "api.scale"),
        Vec::<String>::new()
    );
    let warnings = "service api {\n  image    = \"registry.example.com/api:latest\"\n  \
                    replicas = 1 .. 10\n  cpu      = 100m\n  port     = 8080\n  \
                    health   = \"/ready\"\n\n  scale cpu { utilization = 70% }\n}\n";
    let error = API.replace("scale requests-per", "scale request-per");
    // What scalec check says about the edited texts, saved.
    let mut expected = Vec::new();
    let mut in_sibling = Vec::new();
    for text in [warnings, &error] {
        let saved = temp_dir();
        fs::write(saved.path().join("metrics.scale"), METRIC).unwrap();
        fs::write(saved.path().join("api.scale"), text).unwrap();
        expected.push(check_short(saved.path(), "api.scale"));
        in_sibling.push(check_short(saved.path(), "metrics.scale"));
    }
    assert_eq!(
        in_sibling[0].len(),
        1,
        "the unused metric: {:?}",
        in_sibling[0]
    );
    assert_eq!(expected[0].len(), 2, "{:?}", expected[0]);
    assert!(expected[0].iter().all(|f| f.contains(": warning[K")));
    assert_eq!(expected[1].len(), 1, "{:?}", expected[1]);
    assert!(expected[1][0].contains(": error[E004]: "));

    let out = emacs(
        &format!(
            "(setq scale-scalec-program {scalec})
             (defun check-buffer (text)
               (erase-buffer)
               (insert text)
               (flymake-start nil t)
               (let ((deadline (+ (float-time) 60)))
                 (while (and (< (float-time) deadline)
                             (not (memq 'scale-flymake (flymake-reporting-backends))))
                   (accept-process-output nil 0.1)))
               (unless (memq 'scale-flymake (flymake-reporting-backends))
                 (error \"the backend did not report within 60 s\"))
               (princ (format \"check (modified: %s)\\n\" (buffer-modified-p)))
               (dolist (diagnostic (sort (flymake-diagnostics)
                                         (lambda (a b) (< (flymake-diagnostic-beg a)
                                                          (flymake-diagnostic-beg b)))))
                 (goto-char (flymake-diagnostic-beg diagnostic))
                 (princ (format \"%d:%d: %s: %s\\n\"
                                (line-number-at-pos) (1+ (current-column))
                                (flymake-diagnostic-type diagnostic)
                                (flymake-diagnostic-text diagnostic)))))
             (find-file {file})
             (flymake-mode 1)
             (check-buffer {warnings})
             (check-buffer {error})
             (set-buffer-modified-p nil)",
            scalec = lisp_string(SCALEC),
            file = path_string(&project.path().join("api.scale")),
            warnings = lisp_string(warnings),
            error = lisp_string(&error),
        ),
        true,
    );
    let mut want = String::new();
    for findings in &expected {
        want.push_str("check (modified: t)\n");
        for finding in findings {
            want.push_str(&as_flymake(finding));
            want.push('\n');
        }
    }
    assert_eq!(out, want);
    // The file on disk was not touched.
    assert_eq!(
        fs::read_to_string(project.path().join("api.scale")).unwrap(),
        API
    );
}

#[test]
fn scale_format_buffer_formats_like_scalec_fmt() {
    let policy = repo_file("policies/shop/services.scale");
    let messy = misindent(&policy).replace(" = ", "=");
    let formatted = common::fmt_stdin(&messy);
    assert_ne!(messy, formatted);
    let out = emacs(
        &format!(
            "(setq scale-scalec-program {scalec})
             (with-temp-buffer
               (insert {messy})
               (scale-mode)
               (scale-format-buffer)
               (princ (buffer-string)))
             (with-temp-buffer
               (insert \"service {{\\n\")
               (scale-mode)
               (condition-case err (scale-format-buffer)
                 (user-error (princ (format \"\\nrefused: %s\\n%s\" (cadr err) (buffer-string))))))",
            scalec = lisp_string(SCALEC),
            messy = lisp_string(&messy),
        ),
        true,
    );
    let (buffer, refused) = out
        .split_once("\nrefused: ")
        .expect("a syntax error is refused");
    assert_eq!(buffer, formatted);
    assert!(refused.contains("E001"), "{refused}");
    assert!(
        refused.ends_with("\nservice {\n"),
        "the buffer is kept: {refused}"
    );
}

/// The words of the mode's Lisp list `name`.
fn lisp_words(name: &str) -> BTreeSet<String> {
    let out = emacs(&format!("(princ (string-join {name} \" \"))"), true);
    out.split_whitespace().map(str::to_string).collect()
}

/// Every enum word of the schema, with an attribute that takes it.
fn schema_enum_words() -> Vec<(&'static str, &'static str)> {
    let mut words = Vec::new();
    for block in schema::BLOCKS {
        for attribute in block.attributes {
            if let ValueType::Word(list) = attribute.value {
                words.extend(list.iter().map(|w| (attribute.name, *w)));
            }
        }
    }
    // The lists themselves, in case one is not (or no longer) any attribute's.
    for (_, list) in schema::WORD_LISTS {
        words.extend(list.iter().map(|w| ("value", *w)));
    }
    words
}

#[test]
fn the_mode_knows_exactly_the_words_of_the_schema() {
    let kinds: BTreeSet<String> = schema::BLOCKS.iter().map(|b| b.kind.to_string()).collect();
    assert!(schema::TOP_LEVEL.iter().all(|k| kinds.contains(*k)));
    let attributes: BTreeSet<String> = schema::BLOCKS
        .iter()
        .flat_map(|b| b.attributes.iter().map(|a| a.name.to_string()))
        .collect();
    let words: BTreeSet<String> = schema_enum_words()
        .into_iter()
        .map(|(_, w)| w.to_string())
        .collect();
    assert_eq!(lisp_words("scale-block-kinds"), kinds);
    assert_eq!(lisp_words("scale-attribute-names"), attributes);
    assert_eq!(lisp_words("scale-enum-words"), words);
    let functions: BTreeSet<String> = schema::FUNCTIONS.iter().map(|f| f.to_string()).collect();
    assert_eq!(lisp_words("scale-function-names"), functions);
}

#[test]
fn every_word_of_the_schema_is_highlighted_in_context() {
    // A policy using each block kind, attribute name and enum word where it
    // belongs, and the face each must get.
    let mut policy = String::new();
    let mut expected: Vec<(usize, String, &'static str)> = Vec::new();
    // `line` has `word` at `column`.
    let mut at = |policy: &mut String, line: &str, column: usize, word: &str, face| {
        assert_eq!(&line[column..column + word.len()], word);
        expected.push((policy.len() + column, word.to_string(), face));
        policy.push_str(line);
        policy.push('\n');
    };
    for block in schema::BLOCKS {
        let line = match block.label {
            schema::LabelRule::None => format!("{} {{", block.kind),
            _ => format!("{} x {{", block.kind),
        };
        at(&mut policy, &line, 0, block.kind, "font-lock-keyword-face");
        for attribute in block.attributes {
            let line = format!("  {} = 1", attribute.name);
            at(
                &mut policy,
                &line,
                2,
                attribute.name,
                "font-lock-variable-name-face",
            );
        }
        policy.push_str("}\n\n");
    }
    policy.push_str("service x {\n");
    for (attribute, word) in schema_enum_words() {
        let line = format!("  {attribute} = {word}");
        let column = line.len() - word.len();
        at(&mut policy, &line, column, word, "font-lock-builtin-face");
    }
    for function in schema::FUNCTIONS {
        let line = format!("  x = [{function}(a), {function} (b)]");
        at(&mut policy, &line, 7, function, "font-lock-builtin-face");
        let column = line.rfind(function).expect("the second call");
        at(
            &mut policy,
            &line,
            column,
            function,
            "font-lock-builtin-face",
        );
    }
    policy.push_str("}\n");
    let offsets: Vec<usize> = expected.iter().map(|(offset, ..)| *offset).collect();
    let got = faces("words.scale", &policy, &offsets);
    let wrong: Vec<String> = expected
        .iter()
        .zip(&got)
        .filter(|((.., face), got)| got != face)
        .map(|((_, word, face), got)| format!("`{word}`: expected {face}, got {got}"))
        .collect();
    assert!(
        wrong.is_empty(),
        "{} words are not highlighted right:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}
