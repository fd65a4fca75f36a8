//! How long `scalec plan` takes to replay a large project, and the target it
//! must meet. Run with `cargo bench --bench plan`; the machines are shared,
//! so it reports the best of several runs. Timing lives here, never in tests.
//!
//! Target (release build, one core of the reference 2-core machine): the
//! replay and its rules over 1,000 services (a third of them on queues) and
//! a node pool, under the default 100-minute load: under 2 s.
//!
//! Measured on 2026-12-02: 0.64 s.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use scalec::discover::Workspace;
use scalec::plan::profile::Profile;
use scalec::source::ProjectFiles;

const SERVICES: usize = 1_000;
const RUNS: usize = 3;
const TARGET: Duration = Duration::from_secs(2);

fn workspace() -> Workspace {
    let mut workspace = Workspace::default();
    let mut text = String::from(
        "cluster big {\n  kubernetes = \"1.34\"\n  nodes {\n    count  = 10 .. 400\n    cpu    = 16\n    memory = 64Gi\n  }\n}\n\n\
         queue jobs {\n  provider = aws-sqs\n  url      = \"https://sqs.us-east-1.amazonaws.com/1/jobs\"\n}\n\n",
    );
    for n in 0..SERVICES {
        let signal = if n % 3 == 0 {
            "scale jobs { average = 100 }"
        } else {
            "scale cpu { utilization = 70% }"
        };
        text.push_str(&format!(
            "service svc-{n} {{\n  image    = \"registry.example.com/svc-{n}:1.0.0\"\n  cpu      = 250m\n  memory   = 256Mi\n  replicas = 2 .. 30\n  {signal}\n  load {{\n    peak    = {}\n    per_pod = 40\n  }}\n}}\n\n",
            200 + n % 7 * 50
        ));
    }
    let id = workspace.sources.add("bench/policy.scale", &text);
    workspace.projects.push(ProjectFiles {
        dir: PathBuf::from("bench"),
        output: PathBuf::from("bench"),
        files: vec![id],
    });
    workspace
}

fn main() {
    let workspace = workspace();
    let options = scalec::lint::Options::default();
    let compilation = scalec::compile(&workspace.sources, &workspace.projects, &options);
    let project = compilation
        .projects
        .first()
        .expect("the generated project lowers");
    let mut best = Duration::MAX;
    for _ in 0..RUNS {
        let start = Instant::now();
        let profile = Profile::from_load_blocks(project);
        let plan = scalec::plan::plan(project, "bench", profile, &options);
        std::hint::black_box(&plan);
        best = best.min(start.elapsed());
    }
    println!(
        "plan of {SERVICES} services: {:.2} s (target {:.1} s)",
        best.as_secs_f64(),
        TARGET.as_secs_f64()
    );
    assert!(best < TARGET, "plan is slower than its target");
}
