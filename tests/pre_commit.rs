//! The hooks of `.pre-commit-hooks.yaml`, run by the real pre-commit.
//!
//! The hook repository is a throwaway git repository holding the working
//! tree's tracked files (so the hooks file under test is this one, not an old
//! commit's), and a throwaway project repository uses it from its
//! `.pre-commit-config.yaml`. pre-commit builds scalec from it with cargo,
//! once: all scenarios run in one test, in sequence, with one PRE_COMMIT_HOME.
//! The release build goes to a target directory under cargo's scratch space
//! for tests, so later runs rebuild only scalec itself.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// Files in one project: more than pre-commit puts in one command when it
/// runs a hook in parallel, so without `require_serial` the project would
/// be checked (and its findings reported) twice.
const FILES: usize = 6;

fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// A command isolated from the user's git configuration and from any git
/// repository the test runs inside.
fn isolated(program: &str, dir: &Path) -> Command {
    let mut command = Command::new(program);
    command
        .current_dir(dir)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_NAME", "scalec tests")
        .env("GIT_AUTHOR_EMAIL", "tests@scalec.invalid")
        .env("GIT_COMMITTER_NAME", "scalec tests")
        .env("GIT_COMMITTER_EMAIL", "tests@scalec.invalid");
    for var in [
        "GIT_DIR",
        "GIT_WORK_TREE",
        "GIT_INDEX_FILE",
        "GIT_OBJECT_DIRECTORY",
    ] {
        command.env_remove(var);
    }
    command
}

fn git(dir: &Path, args: &[&str]) -> String {
    let output = isolated("git", dir)
        .args([
            "-c",
            "init.defaultBranch=main",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .output()
        .expect("git runs");
    assert!(output.status.success(), "git {args:?}: {}", text(&output));
    String::from_utf8(output.stdout).expect("UTF-8 from git")
}

/// A temporary directory named as a project may be.
fn temp_dir() -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix("scalec-")
        .tempdir()
        .expect("temp dir")
}

/// A git repository holding the working tree's tracked files, committed.
/// Returns its commit.
fn hook_repository(dir: &Path) -> String {
    let listed = git(Path::new(ROOT), &["ls-files", "-z"]);
    let mut copied = 0;
    for file in listed.split('\0').filter(|f| !f.is_empty()) {
        let from = Path::new(ROOT).join(file);
        if !from.is_file() {
            continue; // deleted in the working tree
        }
        let to = dir.join(file);
        std::fs::create_dir_all(to.parent().expect("a parent")).expect("mkdir");
        std::fs::copy(&from, &to).expect("copy a tracked file");
        copied += 1;
    }
    assert!(
        dir.join(".pre-commit-hooks.yaml").is_file(),
        ".pre-commit-hooks.yaml is not tracked: `git add` it"
    );
    assert!(copied > 10, "{copied} files");
    git(dir, &["init", "-q"]);
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-q", "-m", "the working tree of scalec"]);
    git(dir, &["rev-parse", "HEAD"]).trim().to_string()
}

struct PreCommit {
    home: PathBuf,
    target: PathBuf,
    project: PathBuf,
}

impl PreCommit {
    fn command(&self, program: &str, args: &[&str]) -> Output {
        isolated(program, &self.project)
            .args(args)
            .env("PRE_COMMIT_HOME", &self.home)
            .env("CARGO_TARGET_DIR", &self.target)
            .env_remove("PRE_COMMIT_COLOR")
            .env_remove("SKIP")
            .output()
            .unwrap_or_else(|e| panic!("{program} runs: {e}"))
    }

    /// `pre-commit ARGS`, as `python3 -m pre_commit`.
    fn run(&self, args: &[&str]) -> Output {
        let mut all = vec!["-m", "pre_commit"];
        all.extend(args);
        self.command("python3", &all)
    }

    fn write(&self, file: &str, content: &str) {
        let path = self.project.join(file);
        std::fs::create_dir_all(path.parent().expect("a parent")).expect("mkdir");
        std::fs::write(path, content).expect("write a policy");
    }

    fn read(&self, file: &str) -> String {
        std::fs::read_to_string(self.project.join(file)).expect("read a policy")
    }

    fn commits(&self) -> usize {
        git(&self.project, &["rev-list", "--all", "--count"])
            .trim()
            .parse()
            .expect("a count")
    }
}

/// A policy in the canonical layout; with a memory in `Mi`, it has no findings.
fn service(n: usize, memory: &str) -> String {
    format!(
        "service s{n} {{\n  image    = \"registry.example.com/s{n}:1.0.0\"\n  replicas = 2\n  cpu      = 250m\n  memory   = {memory}\n}}\n"
    )
}

/// What `scalec fmt --stdin` makes of `text`.
fn formatted(text: &str) -> String {
    use std::io::Write as _;
    let mut child = Command::new(env!("CARGO_BIN_EXE_scalec"))
        .args(["fmt", "--stdin"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("scalec runs");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(text.as_bytes())
        .expect("write stdin");
    let output = child.wait_with_output().expect("scalec ends");
    assert!(output.status.success());
    String::from_utf8(output.stdout).expect("UTF-8")
}

#[test]
fn the_hooks_check_and_format_staged_policies() {
    let version = Command::new("python3")
        .args(["-m", "pre_commit", "--version"])
        .output();
    assert!(
        version.as_ref().is_ok_and(|o| o.status.success()),
        "pre-commit is not installed: run `bash .ci/install` (its step .ci/install.d/20-pre-commit.sh installs it)"
    );

    let hooks = temp_dir();
    let rev = hook_repository(hooks.path());
    let project = temp_dir();
    let home = temp_dir();
    let pre_commit = PreCommit {
        home: home.path().to_path_buf(),
        target: Path::new(env!("CARGO_TARGET_TMPDIR")).join("pre-commit-build"),
        project: project.path().to_path_buf(),
    };
    git(project.path(), &["init", "-q"]);
    let repo = serde_json::to_string(&hooks.path().to_str().expect("UTF-8 temp path"))
        .expect("a YAML string");
    pre_commit.write(
        ".pre-commit-config.yaml",
        &format!(
            "repos:\n  - repo: {repo}\n    rev: {rev}\n    hooks:\n      \
             - id: scalec-check\n      - id: scalec-fmt\n      - id: scalec-fmt-fix\n"
        ),
    );
    let installed = pre_commit.run(&["install"]);
    assert!(installed.status.success(), "{}", text(&installed));

    // A good project: the commit goes through, past all three hooks. This
    // first run builds scalec.
    for n in 1..=FILES {
        pre_commit.write(&format!("shop/s{n}.scale"), &service(n, "256Mi .. 256Mi"));
    }
    git(project.path(), &["add", "-A"]);
    let commit = pre_commit.command("git", &["commit", "-m", "good policies"]);
    let out = text(&commit);
    assert!(commit.status.success(), "{out}");
    for hook in ["scalec check", "scalec fmt --check", "scalec fmt"] {
        assert!(
            out.lines()
                .any(|l| l.starts_with(&format!("{hook}.")) && l.ends_with("Passed")),
            "{hook} did not pass:\n{out}"
        );
    }
    assert_eq!(pre_commit.commits(), 1);
    let built: Vec<PathBuf> = walk(home.path())
        .into_iter()
        .filter(|p| p.ends_with("bin/scalec"))
        .collect();
    assert_eq!(built.len(), 1, "pre-commit built scalec once: {built:?}");

    // An unsafe change in one file, a harmless one in every other: the commit
    // is refused, the finding shown, and the project checked once.
    pre_commit.write("shop/s1.scale", &service(1, "256m"));
    for n in 2..=FILES {
        pre_commit.write(&format!("shop/s{n}.scale"), &service(n, "512Mi .. 512Mi"));
    }
    git(project.path(), &["add", "-A"]);
    let commit = pre_commit.command("git", &["commit", "-m", "unsafe"]);
    let out = text(&commit);
    assert!(!commit.status.success(), "{out}");
    assert!(
        out.lines()
            .any(|l| l.starts_with("scalec check.") && l.ends_with("Failed")),
        "{out}"
    );
    assert!(
        out.contains("service `s1` requests 0.256 bytes of memory"),
        "{out}"
    );
    assert!(out.contains("[shop/s1.scale:5:14]"), "{out}");
    assert_eq!(
        out.matches(&format!("checked {FILES} files: ")).count(),
        1,
        "the project is checked once:\n{out}"
    );
    assert_eq!(pre_commit.commits(), 1, "nothing was committed");

    // An unformatted policy: scalec-fmt fails with the diff and leaves it.
    git(project.path(), &["reset", "-q", "--hard"]);
    let messy = "service   s7 {\nimage=\"registry.example.com/s7:1.0.0\"\n    replicas =2\n cpu = 250m\n  memory=256Mi..256Mi }\n";
    pre_commit.write("shop/s7.scale", messy);
    git(project.path(), &["add", "-A"]);
    let run = pre_commit.run(&["run", "scalec-fmt"]);
    let out = text(&run);
    assert!(!run.status.success(), "{out}");
    assert!(out.contains("+++ shop/s7.scale (formatted)"), "{out}");
    assert!(out.contains("would reformat 1 file"), "{out}");
    assert_eq!(pre_commit.read("shop/s7.scale"), messy);

    // scalec-fmt-fix rewrites it as `scalec fmt` would; pre-commit fails the
    // run because a file changed, and passes once the result is staged.
    let run = pre_commit.run(&["run", "scalec-fmt-fix"]);
    let out = text(&run);
    assert!(!run.status.success(), "{out}");
    assert!(out.contains("files were modified by this hook"), "{out}");
    let fixed = pre_commit.read("shop/s7.scale");
    assert_ne!(fixed, messy);
    assert_eq!(fixed, formatted(messy));
    git(project.path(), &["add", "-A"]);
    for hook in ["scalec-fmt", "scalec-fmt-fix", "scalec-check"] {
        let run = pre_commit.run(&["run", hook]);
        assert!(run.status.success(), "{hook}: {}", text(&run));
    }
}

#[test]
fn several_files_of_one_project_are_checked_once() {
    // What pre-commit passes when both files of a project and one file of
    // another change; `./` as a shell glob might give it.
    let dir = "tests/fixtures/errors/E005-duplicate-definition";
    let output = Command::new(env!("CARGO_BIN_EXE_scalec"))
        .args([
            "check",
            &format!("{dir}/a.scale"),
            &format!("./{dir}/b.scale"),
            &format!("{dir}/a.scale"),
            "tests/fixtures/errors/E002-unknown-attribute/policy.scale",
        ])
        .current_dir(ROOT)
        .output()
        .expect("scalec runs");
    let out = text(&output);
    assert_eq!(output.status.code(), Some(1), "{out}");
    assert_eq!(
        out.matches("service `api` is defined twice").count(),
        1,
        "{out}"
    );
    assert_eq!(
        out.matches("unknown attribute `replica`").count(),
        1,
        "{out}"
    );
    // `worker`, beside the duplicate `api`, is linted: K104.
    assert!(
        out.ends_with("checked 3 files: 2 errors, 1 warning\n"),
        "{out}"
    );
}

/// Every file under `dir`.
fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("read a directory") {
            let path = entry.expect("an entry").path();
            if path.is_dir() {
                stack.push(path);
            } else {
                files.push(path);
            }
        }
    }
    files
}
