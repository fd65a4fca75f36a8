//! How long each stage takes on a large generated project, and the targets it
//! must meet. Run with `cargo bench`; the machines are shared, so each stage
//! reports the best of several runs. Timing lives here, never in tests.
//!
//! Targets (release build, one core of the reference 2-core machine):
//! - check (parse + lower + lint) of 10,000 services: under 1 s (a pre-commit
//!   hook on a few files takes a few milliseconds);
//! - build (check + emit) of the same: under 2.5 s;
//! - fmt of the same: under 1 s;
//! - peak memory: under 1 GiB.
//!
//! Measured on 2026-11-27: check 0.34 s, build 1.1 s, fmt 0.30 s, 85 MB.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use scalec::discover::Workspace;
use scalec::source::ProjectFiles;

const SERVICES: usize = 10_000;
const FILES: usize = 100;
const RUNS: usize = 5;

/// A project of `SERVICES` services in `FILES` files, with a queue, a metric,
/// defaults and a database, like a real platform written many times over.
fn workspace() -> Workspace {
    let mut workspace = Workspace::default();
    let mut ids = Vec::new();
    let shared = "cluster big { kubernetes = \"1.34\"\n  nodes {\n    count  = 320 .. 5000\n    cpu    = 16\n    memory = 64Gi\n  }\n}\n\n\
        defaults {\n  port   = 8080\n  health = \"/healthz\"\n  spread = zone\n\n  scale cpu { utilization = 70% }\n}\n\n\
        queue jobs {\n  provider = aws-sqs\n  url      = \"https://sqs.us-east-1.amazonaws.com/1/jobs\"\n}\n\n\
        metric rps { kind = pods }\n\n\
        database data {\n  engine = mongodb\n  shards = 3\n\n  collection events { shard_key = hashed(event_id) }\n}\n";
    ids.push(workspace.sources.add("bench/shared.scale", shared));
    for file in 0..FILES {
        let mut text = String::new();
        for i in 0..SERVICES / FILES {
            let n = file * (SERVICES / FILES) + i;
            let signal = match n % 3 {
                0 => "scale jobs { average = 100 }",
                1 => "scale rps { average = 50 }",
                _ => "scale cpu { utilization = 60% }",
            };
            text.push_str(&format!(
                "# service {n}\nservice svc-{n} {{\n  image    = \"registry.example.com/svc-{n}:1.{n}.0\"\n  cpu      = 250m .. 500m\n  memory   = 256Mi .. 512Mi\n  replicas = 2 .. 10\n\n  {signal}\n  scale_down {{\n    stabilization = 5m\n    rate          = [50% per 1m, 4 per 1m]\n  }}\n}}\n\n"
            ));
        }
        ids.push(
            workspace
                .sources
                .add(format!("bench/services-{file:03}.scale"), &text),
        );
    }
    workspace.projects.push(ProjectFiles {
        dir: PathBuf::from("bench"),
        output: PathBuf::from("bench"),
        files: ids,
    });
    workspace
}

fn best(label: &str, target: Duration, mut run: impl FnMut()) {
    let mut times: Vec<Duration> = (0..RUNS)
        .map(|_| {
            let start = Instant::now();
            run();
            start.elapsed()
        })
        .collect();
    times.sort();
    let verdict = if times[0] <= target {
        "ok"
    } else {
        "SLOWER THAN TARGET"
    };
    println!(
        "{label:<34} best {:>8.1?}  median {:>8.1?}  target {target:?}  {verdict}",
        times[0],
        times[RUNS / 2]
    );
}

/// Peak resident memory of this process, from /proc (Linux).
fn peak_memory() -> Option<String> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .map(|l| l["VmHWM:".len()..].trim().to_string())
}

fn main() {
    let workspace = workspace();
    let bytes: usize = workspace.sources.files().iter().map(|f| f.text.len()).sum();
    println!(
        "{SERVICES} services in {} files, {:.1} MB of policy",
        FILES + 1,
        bytes as f64 / 1e6
    );
    let options = scalec::lint::Options::default();

    best("check (parse, lower, lint)", Duration::from_secs(1), || {
        let compilation = scalec::compile(&workspace.sources, &workspace.projects, &options);
        assert!(
            !compilation.has_errors(),
            "{:?}",
            compilation.diagnostics.first()
        );
    });
    best("build (check, emit)", Duration::from_millis(2500), || {
        let compilation = scalec::compile(&workspace.sources, &workspace.projects, &options);
        let set = scalec::emit(&workspace.sources, &workspace.projects, &compilation);
        assert!(set.files.len() > SERVICES);
    });
    best("fmt (parse, format)", Duration::from_secs(1), || {
        for file in workspace.sources.files() {
            let mut sink = Vec::new();
            let ast =
                scalec::syntax::parse_file(file, &mut sink).expect("generated policies parse");
            scalec::fmt::format(&ast, &file.text).expect("every comment is placed");
        }
    });
    if let Some(peak) = peak_memory() {
        println!("peak memory {peak} (target: under 1 GiB)");
    }
}
