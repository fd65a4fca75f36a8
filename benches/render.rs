//! How long rendering the findings takes in each `--format`, on one large
//! file with many findings, and the target it must meet (scalec#12): 5,000
//! findings in one 2.5 MB file render in under 50 ms in every format, so
//! that rendering costs a few microseconds per finding whatever the file's
//! size. Run with `cargo bench --bench render`. The machines are shared, so
//! each format reports the best of several runs (the verdict's), the median,
//! the first (in a fresh process, the first format's also builds the file's
//! line index, some 3 ms for this file), and the least CPU time
//! of the rendering thread, which waiting for a core does not inflate (Linux
//! only; the kernel may count it in whole ticks). Timing lives here, never in
//! tests (tests/render_large.rs checks what is rendered).
//!
//! Measured on 2026-12-02 on the 2-core development machine, load average
//! 1.2, best of 7: human 23.5 ms, short 4.1 ms, json 8.3 ms, sarif 17 ms,
//! github 19 ms, junit 17 ms (5,500 findings; before this bench's first
//! version of the renderers: human 94 to 135 ms, json 23 ms, sarif 56 ms).
//!
//! `cargo bench --bench render -- [DIR] [FORMAT…]` renders the findings of
//! the policy tree `DIR` instead (e.g. one written by `examples/gen`), and
//! only in the formats named (e.g. `json sarif`), for a profiler.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use scalec::discover::Workspace;
use scalec::render::{self, Format, HumanOptions};
use scalec::source::ProjectFiles;

const SERVICES: usize = 10_000;
const RUNS: usize = 7;
const TARGET: Duration = Duration::from_millis(50);

/// One project of one file of `SERVICES` services, like `examples/gen`
/// writes, where every other service scales down after 30 s (K115) and one in
/// twenty may run a single replica (K104): 5,500 findings in 2.6 MB.
fn workspace() -> Workspace {
    let mut text = String::from(
        "cluster big {\n  kubernetes = \"1.34\"\n  nodes {\n    count  = 420 .. 3200\n    cpu    = 16\n    memory = 64Gi\n  }\n}\n\n\
         defaults {\n  port   = 8080\n  health = \"/healthz\"\n  spread = zone\n}\n\n\
         queue jobs {\n  provider = aws-sqs\n  url      = \"https://sqs.us-east-1.amazonaws.com/123456789012/jobs\"\n  auth     = pod-identity\n}\n\n\
         metric rps { kind = pods }\n\n",
    );
    for n in 0..SERVICES {
        let signal = match n % 3 {
            0 => "scale jobs { average = 100 }",
            1 => "scale rps { average = 50 }",
            _ => "scale cpu { utilization = 60% }",
        };
        let min = if n % 20 == 7 { 1 } else { 2 };
        let window = if n % 2 == 0 {
            "  scale_down { stabilization = 30s }\n"
        } else {
            "  scale_down {\n    stabilization = 5m\n    rate          = [50% per 1m, 4 per 1m]\n  }\n"
        };
        text.push_str(&format!(
            "# service {n}\nservice svc-{n} {{\n  image    = \"registry.example.com/svc-{n}:1.{n}.0\"\n  cpu      = 250m .. 500m\n  memory   = 256Mi .. 512Mi\n  replicas = {min} .. 10\n\n  {signal}\n{window}}}\n\n"
        ));
    }
    let mut workspace = Workspace::default();
    let id = workspace.sources.add("bench/policy.scale", &text);
    workspace.projects.push(ProjectFiles {
        dir: PathBuf::from("bench"),
        output: PathBuf::from("bench"),
        files: vec![id],
    });
    workspace
}

const FORMATS: [(&str, Format); 6] = [
    ("human", Format::Human),
    ("short", Format::Short),
    ("json", Format::Json),
    ("sarif", Format::Sarif),
    ("github", Format::Github),
    ("junit", Format::Junit),
];

fn main() {
    // `cargo bench` passes `--bench`.
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    let (named, dirs): (Vec<&String>, Vec<&String>) = args
        .iter()
        .partition(|a| FORMATS.iter().any(|(label, _)| label == a));
    let workspace = match dirs.first() {
        Some(dir) => scalec::discover::load(&[PathBuf::from(dir)]).expect("a policy tree"),
        None => workspace(),
    };
    let bytes: usize = workspace.sources.files().iter().map(|f| f.text.len()).sum();
    let options = scalec::lint::Options::default();
    let compilation = scalec::compile(&workspace.sources, &workspace.projects, &options);
    let findings = compilation.diagnostics.len();
    println!(
        "{findings} findings in {} files, {:.1} MB of policy",
        workspace.sources.files().len(),
        bytes as f64 / 1e6
    );
    let human = HumanOptions {
        color: false,
        width: 100,
    };
    for (label, format) in FORMATS {
        if !named.is_empty() && !named.iter().any(|n| *n == label) {
            continue;
        }
        let mut times: Vec<(Duration, Option<Duration>)> = (0..RUNS)
            .map(|_| {
                let (start, cpu) = (Instant::now(), thread_cpu());
                let out =
                    render::render(&compilation.diagnostics, &workspace.sources, format, human);
                let elapsed = (start.elapsed(), thread_cpu().zip(cpu).map(|(b, a)| b - a));
                assert!(!out.is_empty());
                elapsed
            })
            .collect();
        let first = times[0].0;
        times.sort();
        let cpu = times.iter().filter_map(|t| t.1).min();
        let best = times[0].0;
        let per_finding = best.as_secs_f64() * 1e6 / findings.max(1) as f64;
        let verdict = if best <= TARGET {
            "ok"
        } else {
            "SLOWER THAN TARGET"
        };
        println!(
            "{label:<7} best {best:>8.1?} ({per_finding:>4.1} µs per finding)  median {:>8.1?}  first {first:>8.1?}  cpu {:>8.1?}  target {TARGET:?}  {verdict}",
            times[RUNS / 2].0,
            cpu.unwrap_or_default(),
        );
    }
}

/// The CPU time of this thread so far, which a busy machine does not
/// inflate as it does the wall-clock time (Linux only).
fn thread_cpu() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let nanos = stat.split_whitespace().next()?.parse().ok()?;
    Some(Duration::from_nanos(nanos))
}
