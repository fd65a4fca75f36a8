//! Writes a synthetic policy tree for measuring scalec on large inputs.
//!
//! ```text
//! cargo run --release --example gen -- N DIR [--files M] [--projects P] [--clean]
//! ```
//!
//! N services split evenly over P projects (directories `DIR/p000`, …), each
//! project's services over M files. Every project also has a `cluster` (with
//! a node pool large enough for its services), `defaults`, a queue, a metric
//! and a sharded database. Each service has an image, cpu and memory ranges,
//! a replica range, one scaling signal (cpu, the metric or the queue, in
//! turn) and a scale-down window.
//!
//! Without `--clean` the tree has findings, as real trees do: one service in
//! three has a 30 s scale-down window (K115), and one in twenty a single
//! replica at minimum (K104). With `--clean` there are none.
//! The output depends on the arguments alone.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

struct Args {
    services: usize,
    dir: PathBuf,
    files: usize,
    projects: usize,
    clean: bool,
}

fn parse() -> Result<Args, String> {
    let mut args = std::env::args().skip(1);
    let mut positional = Vec::new();
    let (mut files, mut projects, mut clean) = (1, 1, false);
    while let Some(arg) = args.next() {
        let mut number = |name: &str| -> Result<usize, String> {
            args.next()
                .and_then(|n| n.parse().ok())
                .filter(|&n| n > 0)
                .ok_or(format!("{name} takes a positive number"))
        };
        match arg.as_str() {
            "--files" => files = number("--files")?,
            "--projects" => projects = number("--projects")?,
            "--clean" => clean = true,
            _ => positional.push(arg),
        }
    }
    let [services, dir] = <[String; 2]>::try_from(positional)
        .map_err(|_| "usage: gen N DIR [--files M] [--projects P] [--clean]".to_string())?;
    let services = services
        .parse()
        .map_err(|_| format!("N must be a number, not `{services}`"))?;
    Ok(Args {
        services,
        dir: PathBuf::from(dir),
        files,
        projects,
        clean,
    })
}

/// The shared blocks of one project, sized for `services` services.
fn shared(project: usize, services: usize) -> String {
    // Each service asks for 2 × 250m cpu at minimum and 10 × 500m at most:
    // 16-core nodes hold 32 minimums and 3.2 maximums.
    let min = services.div_ceil(24) + 3;
    let max = (services * 5 / 16 + 3).max(min);
    format!(
        "cluster p{project:03} {{\n  kubernetes = \"1.34\"\n\n  nodes {{\n    count  = {min} .. {max}\n    cpu    = 16\n    memory = 64Gi\n  }}\n}}\n\n\
         defaults {{\n  port   = 8080\n  health = \"/healthz\"\n  spread = zone\n}}\n\n\
         queue jobs {{\n  provider = aws-sqs\n  url      = \"https://sqs.us-east-1.amazonaws.com/123456789012/jobs-{project}\"\n  auth     = pod-identity\n}}\n\n\
         metric rps {{ kind = pods }}\n\n\
         database data {{\n  engine = mongodb\n  shards = 3\n\n  collection events {{\n    shard_key = hashed(event_id)\n  }}\n}}\n"
    )
}

fn service(out: &mut String, n: usize, clean: bool) {
    let signal = match n % 3 {
        0 => "scale jobs { average = 100 }",
        1 => "scale rps { average = 50 }",
        _ => "scale cpu { utilization = 60% }",
    };
    let min = if !clean && n % 20 == 7 { 1 } else { 2 };
    write!(
        out,
        "# service {n}\nservice svc-{n} {{\n  image    = \"registry.example.com/svc-{n}:1.{n}.0\"\n  cpu      = 250m .. 500m\n  memory   = 256Mi .. 512Mi\n  replicas = {min} .. 10\n\n  {signal}\n"
    )
    .expect("writing to a String");
    if clean || !n.is_multiple_of(3) {
        out.push_str("  scale_down {\n    stabilization = 5m\n    rate          = [50% per 1m, 4 per 1m]\n  }\n");
    } else {
        out.push_str("  scale_down { stabilization = 30s }\n");
    }
    out.push_str("}\n\n");
}

fn main() -> ExitCode {
    let args = match parse() {
        Ok(args) => args,
        Err(e) => {
            eprintln!("gen: {e}");
            return ExitCode::from(2);
        }
    };
    let mut n = 0;
    for project in 0..args.projects {
        let in_project =
            args.services / args.projects + usize::from(project < args.services % args.projects);
        let dir = args.dir.join(format!("p{project:03}"));
        if let Err(e) = std::fs::create_dir_all(&dir) {
            eprintln!("gen: cannot create {}: {e}", dir.display());
            return ExitCode::FAILURE;
        }
        let mut texts = vec![shared(project, in_project)];
        texts.resize(args.files.max(1), String::new());
        for i in 0..in_project {
            let file = i * args.files / in_project.max(1);
            service(&mut texts[file], n, args.clean);
            n += 1;
        }
        for (i, text) in texts.iter().enumerate() {
            let path = dir.join(format!("f{i:04}.scale"));
            if let Err(e) = std::fs::write(&path, text) {
                eprintln!("gen: cannot write {}: {e}", path.display());
                return ExitCode::FAILURE;
            }
        }
    }
    ExitCode::SUCCESS
}
