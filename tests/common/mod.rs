//! The one way tests run scalec's checker: through the library's front door
//! (discover → compile → render), with the same renderers as the CLI.

#![allow(dead_code)] // each test binary uses part of this

use std::path::{Path, PathBuf};

use scalec::diag::Diagnostic;
use scalec::discover;
use scalec::render::{self, Format, HumanOptions};

/// What `scalec check` prints for some paths, in every format.
pub struct Checked {
    pub diagnostics: Vec<Diagnostic>,
    pub human: String,
    pub short: String,
    pub json: String,
}

impl Checked {
    /// The short lines, one per finding.
    pub fn short_lines(&self) -> Vec<&str> {
        self.short.lines().collect()
    }

    pub fn codes(&self) -> Vec<&'static str> {
        self.diagnostics.iter().map(|d| d.code.id).collect()
    }
}

const HUMAN: HumanOptions = HumanOptions {
    color: false,
    width: 100,
};

/// Checks paths relative to the crate root, as `scalec check PATHS` does.
pub fn check_paths(paths: &[&str]) -> Checked {
    // cargo runs integration tests from the crate root.
    assert!(
        Path::new("Cargo.toml").exists(),
        "tests run from the crate root"
    );
    let paths: Vec<PathBuf> = paths.iter().map(PathBuf::from).collect();
    let workspace = discover::load(&paths).expect("fixture paths exist");
    let compilation = scalec::compile(
        &workspace.sources,
        &workspace.projects,
        &scalec::lint::Options::default(),
    );
    let d = &compilation.diagnostics;
    Checked {
        human: render::render(d, &workspace.sources, Format::Human, HUMAN),
        short: render::render(d, &workspace.sources, Format::Short, HUMAN),
        json: render::render(d, &workspace.sources, Format::Json, HUMAN),
        diagnostics: compilation.diagnostics,
    }
}

/// A fresh temporary directory whose name is a valid project name (a label
/// value): `tempfile`'s default `.tmpXXXX` starts with `.`, which is E006.
pub fn project_dir() -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix("scalec-")
        .tempdir()
        .expect("a temporary directory")
}

/// Checks one policy text, written to a file `policy.scale` in a fresh directory.
pub fn check_text(text: &str) -> Checked {
    check_bytes(text.as_bytes())
}

pub fn check_bytes(bytes: &[u8]) -> Checked {
    let dir = project_dir();
    std::fs::write(dir.path().join("policy.scale"), bytes).expect("writable temp dir");
    let workspace = discover::load(&[dir.path().join("policy.scale")]).expect("the file exists");
    let compilation = scalec::compile(
        &workspace.sources,
        &workspace.projects,
        &scalec::lint::Options::default(),
    );
    let d = &compilation.diagnostics;
    let scrub = |s: String| s.replace(&scalec::source::display_path(dir.path()), "TMP");
    Checked {
        human: scrub(render::render(d, &workspace.sources, Format::Human, HUMAN)),
        short: scrub(render::render(d, &workspace.sources, Format::Short, HUMAN)),
        json: scrub(render::render(d, &workspace.sources, Format::Json, HUMAN)),
        diagnostics: compilation.diagnostics,
    }
}

/// The projects of a compilation that had no errors.
pub fn projects_of(paths: &[&str]) -> Vec<scalec::model::Project> {
    let paths: Vec<PathBuf> = paths.iter().map(PathBuf::from).collect();
    let workspace = discover::load(&paths).expect("paths exist");
    let compilation = scalec::compile(
        &workspace.sources,
        &workspace.projects,
        &scalec::lint::Options::default(),
    );
    assert!(
        !compilation.has_errors(),
        "{}",
        render::render(
            &compilation.diagnostics,
            &workspace.sources,
            Format::Short,
            HUMAN
        )
    );
    compilation.projects
}

/// The one project lowered from a policy text.
pub fn project_of_text(text: &str) -> scalec::model::Project {
    let dir = project_dir();
    let path = dir.path().join("policy.scale");
    std::fs::write(&path, text).expect("writable temp dir");
    let mut projects = projects_of(&[path.to_str().expect("UTF-8 temp path")]);
    assert_eq!(projects.len(), 1);
    projects.remove(0)
}

/// Runs `command` with `input` on its standard input and returns what it
/// printed. A program that ends before reading all of it is fine.
pub fn run_with_input(command: &mut std::process::Command, input: &[u8]) -> std::process::Output {
    use std::io::Write;
    use std::process::Stdio;
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {command:?}: {e}"));
    let mut stdin = child.stdin.take().expect("piped stdin");
    // A closed pipe means the program stopped reading; its output says why.
    let _ = stdin.write_all(input);
    drop(stdin);
    child.wait_with_output().expect("the program ends")
}

/// `scalec fmt --stdin` of `text`, which must succeed.
pub fn fmt_stdin(text: &str) -> String {
    let output = run_with_input(
        std::process::Command::new(env!("CARGO_BIN_EXE_scalec")).args(["fmt", "--stdin"]),
        text.as_bytes(),
    );
    assert!(
        output.status.success(),
        "scalec fmt --stdin failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("UTF-8")
}

/// The `(line, code)` pairs a fixture's text asks for with its marks:
/// `# expect: CODE[, CODE]` on the line, `# expect-next: CODE` on the next.
pub fn expectations(text: &str) -> Vec<(usize, String)> {
    let mut expected = Vec::new();
    for (i, line) in text.lines().enumerate() {
        for (marker, line_no) in [("# expect: ", i + 1), ("# expect-next: ", i + 2)] {
            if let Some(at) = line.find(marker) {
                let codes = line[at + marker.len()..]
                    .split([',', ' '])
                    .filter(|c| !c.is_empty());
                expected.extend(codes.map(|c| (line_no, c.to_string())));
            }
        }
    }
    expected.sort();
    expected
}
