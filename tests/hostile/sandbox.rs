//! A throw-away directory in which the real `scalec` binary is run as a
//! hostile or unlucky user would run it, and the means to prove afterwards
//! that nothing it should not touch was touched.
//!
//! Every run is bounded: a wall-clock limit (the process is killed past it)
//! and an address-space limit (`prlimit --as`), so a hang or a runaway
//! allocation fails the test instead of the machine.

#![allow(dead_code)] // each case uses part of this

use std::collections::BTreeMap;
use std::fs;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// How long one run may take before the test fails. Loose: the cases are
/// small, and a debug build on a loaded 2-core machine is slow.
pub const TIME_LIMIT: Duration = Duration::from_secs(60);

/// How much address space one run may reserve.
pub const MEMORY_LIMIT_BYTES: u64 = 4 << 30;

/// A policy that checks and builds clean.
pub const GOOD_POLICY: &str = r#"service api {
  image    = "registry.example.com/api:1.0.0"
  cpu      = 250m .. 500m
  memory   = 256Mi .. 512Mi
  replicas = 2 .. 6
  health   = "/healthz"
  port     = 8080

  scale cpu { utilization = 70% }
}
"#;

/// A sharded MongoDB database that checks and builds clean.
pub const DATABASE_POLICY: &str = r#"database orders {
  engine  = mongodb
  version = "8.0"
  shards  = 2

  collection items {
    shard_key = hashed(item_id)

    field item_id { type = uuid }
  }
}
"#;

/// A policy with a language error (E002).
pub const BAD_POLICY: &str =
    "service api {\n  image   = \"registry.example.com/api:1.0.0\"\n  replica = 2 .. 10\n}\n";

pub struct Sandbox {
    dir: tempfile::TempDir,
}

/// What one run of scalec did.
#[derive(Debug)]
pub struct Outcome {
    /// The exit code; `None` when a signal ended the process.
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
    pub elapsed: Duration,
}

impl Outcome {
    /// Fails the test unless the process exited with `code`.
    #[track_caller]
    pub fn expect_code(&self, code: i32) -> &Self {
        assert_eq!(
            self.code,
            Some(code),
            "expected exit code {code}\n--- stdout\n{}\n--- stderr\n{}",
            clip(&self.stdout),
            clip(&self.stderr)
        );
        self
    }

    /// Fails the test unless stdout or stderr names the diagnostic `code`.
    #[track_caller]
    pub fn expect_diagnostic(&self, code: &str) -> &Self {
        let needle = format!("[{code}]");
        assert!(
            self.stdout.contains(&needle)
                || self.stderr.contains(&needle)
                || self.all_output().lines().any(|l| l.trim() == code)
                || self.stdout.contains(&format!("\"code\": \"{code}\"")),
            "expected diagnostic {code}\n--- stdout\n{}\n--- stderr\n{}",
            clip(&self.stdout),
            clip(&self.stderr)
        );
        self
    }

    /// Fails the test unless standard output contains `text`.
    #[track_caller]
    pub fn expect_stdout(&self, text: &str) -> &Self {
        assert!(
            self.stdout.contains(text),
            "expected `{text}` on stdout:\n{}",
            clip(&self.stdout)
        );
        self
    }

    /// Fails the test unless standard error contains `text`.
    #[track_caller]
    pub fn expect_stderr(&self, text: &str) -> &Self {
        assert!(
            self.stderr.contains(text),
            "expected `{text}` on stderr:\n{}",
            clip(&self.stderr)
        );
        self
    }

    /// Both streams together, for `contains` checks.
    pub fn all_output(&self) -> String {
        format!("{}{}", self.stdout, self.stderr)
    }
}

fn clip(text: &str) -> &str {
    let mut end = text.len().min(4000);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// What a path in the sandbox is: enough to tell any change.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Entry {
    File { bytes: Vec<u8>, mode: u32 },
    Dir { mode: u32 },
    Link { target: PathBuf },
}

pub type Snapshot = BTreeMap<PathBuf, Entry>;

impl Sandbox {
    pub fn new() -> Sandbox {
        Sandbox {
            dir: tempfile::tempdir().expect("a temporary directory"),
        }
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn path(&self, relative: &str) -> PathBuf {
        self.root().join(relative)
    }

    /// Writes a file, creating its directories.
    pub fn write(&self, relative: &str, content: impl AsRef<[u8]>) -> PathBuf {
        let path = self.path(relative);
        fs::create_dir_all(path.parent().expect("inside the sandbox")).expect("mkdir");
        fs::write(&path, content).expect("write");
        path
    }

    pub fn mkdir(&self, relative: &str) -> PathBuf {
        let path = self.path(relative);
        fs::create_dir_all(&path).expect("mkdir");
        path
    }

    /// Creates a symbolic link at `relative` pointing at `target` (as given).
    pub fn symlink(&self, target: impl AsRef<Path>, relative: &str) -> PathBuf {
        let path = self.path(relative);
        fs::create_dir_all(path.parent().expect("inside the sandbox")).expect("mkdir");
        std::os::unix::fs::symlink(target, &path).expect("symlink");
        path
    }

    pub fn chmod(&self, relative: &str, mode: u32) {
        fs::set_permissions(self.path(relative), fs::Permissions::from_mode(mode)).expect("chmod");
    }

    pub fn read(&self, relative: &str) -> String {
        fs::read_to_string(self.path(relative)).expect("read")
    }

    pub fn exists(&self, relative: &str) -> bool {
        self.path(relative).symlink_metadata().is_ok()
    }

    /// Every path below the sandbox (symlinks not followed), relative to it.
    pub fn snapshot(&self) -> Snapshot {
        snapshot(self.root())
    }

    /// Runs `scalec ARGS` with the sandbox as working directory.
    pub fn run(&self, args: &[&str]) -> Outcome {
        self.run_in(self.root(), args)
    }

    /// Runs `scalec ARGS` in `dir`, bounded in time and memory.
    pub fn run_in(&self, dir: &Path, args: &[&str]) -> Outcome {
        run_scalec(dir, args, None)
    }

    /// Runs `scalec ARGS` with `input` on standard input.
    pub fn run_with_stdin(&self, args: &[&str], input: &[u8]) -> Outcome {
        run_scalec(self.root(), args, Some(input))
    }
}

/// Every path below `root`, symlinks not followed.
pub fn snapshot(root: &Path) -> Snapshot {
    let mut entries = Snapshot::new();
    for entry in walkdir::WalkDir::new(root).min_depth(1) {
        let entry = entry.expect("readable sandbox");
        let relative = entry
            .path()
            .strip_prefix(root)
            .expect("below the root")
            .to_path_buf();
        let metadata = entry.path().symlink_metadata().expect("metadata");
        let kind = if metadata.file_type().is_symlink() {
            Entry::Link {
                target: fs::read_link(entry.path()).expect("readlink"),
            }
        } else if metadata.is_dir() {
            Entry::Dir {
                mode: metadata.mode(),
            }
        } else {
            Entry::File {
                bytes: fs::read(entry.path()).expect("read"),
                mode: metadata.mode(),
            }
        };
        entries.insert(relative, kind);
    }
    entries
}

/// Fails unless every path of `before` outside the `allowed` prefixes is
/// still there, unchanged, and nothing new appeared outside them.
#[track_caller]
pub fn assert_unchanged_except(before: &Snapshot, after: &Snapshot, allowed: &[&str]) {
    let free = |path: &Path| allowed.iter().any(|prefix| path.starts_with(prefix));
    let mut problems = Vec::new();
    for (path, entry) in before {
        if free(path) {
            continue;
        }
        match after.get(path) {
            None => problems.push(format!("deleted: {}", path.display())),
            Some(now) if now != entry => problems.push(format!("changed: {}", path.display())),
            Some(_) => {}
        }
    }
    for path in after.keys() {
        if !free(path) && !before.contains_key(path) {
            problems.push(format!("created: {}", path.display()));
        }
    }
    assert!(
        problems.is_empty(),
        "scalec touched what it must not:\n{}",
        problems.join("\n")
    );
}

/// Fails unless every entry of `before` below `prefix` is unchanged afterwards
/// (new entries below it are allowed).
#[track_caller]
pub fn assert_kept(before: &Snapshot, after: &Snapshot, prefix: &str) {
    for (path, entry) in before.iter().filter(|(p, _)| p.starts_with(prefix)) {
        assert_eq!(
            after.get(path),
            Some(entry),
            "pre-existing {} was changed or deleted",
            path.display()
        );
    }
}

fn run_scalec(dir: &Path, args: &[&str], input: Option<&[u8]>) -> Outcome {
    let mut command = Command::new("prlimit");
    command
        .arg(format!("--as={MEMORY_LIMIT_BYTES}"))
        .arg("--")
        .arg(env!("CARGO_BIN_EXE_scalec"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .stdin(if input.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let start = Instant::now();
    let mut child = command.spawn().expect("prlimit and scalec run");
    if let Some(input) = input {
        use std::io::Write;
        let mut stdin = child.stdin.take().expect("piped stdin");
        let input = input.to_vec();
        std::thread::spawn(move || {
            let _ = stdin.write_all(&input);
        });
    }
    let stdout = reader(child.stdout.take().expect("piped stdout"));
    let stderr = reader(child.stderr.take().expect("piped stderr"));
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if start.elapsed() > TIME_LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            panic!("scalec {args:?} ran longer than {TIME_LIMIT:?}");
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let elapsed = start.elapsed();
    Outcome {
        code: status.code(),
        stdout: stdout.join().expect("stdout reader"),
        stderr: stderr.join().expect("stderr reader"),
        elapsed,
    }
}

fn reader(mut stream: impl std::io::Read + Send + 'static) -> std::thread::JoinHandle<String> {
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = stream.read_to_end(&mut bytes);
        String::from_utf8_lossy(&bytes).into_owned()
    })
}
