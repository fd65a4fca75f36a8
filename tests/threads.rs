//! scalec uses every core (projects, files and the parts of a large file are
//! parsed in parallel, services lowered and emitted in parallel); its output
//! must not show how many there were.

use std::path::Path;
use std::process::Command;

/// A policy tree with findings: a large file (parsed in parts), several
/// small files and a second project.
fn tree(root: &Path) {
    let big = root.join("big");
    std::fs::create_dir_all(&big).expect("dir");
    let mut text = String::from(
        "cluster big {\n  kubernetes = \"1.34\"\n\n  nodes {\n    count  = 20 .. 600\n    cpu    = 16\n    memory = 64Gi\n  }\n}\n\n\
         defaults {\n  port   = 8080\n  health = \"/healthz\"\n}\n\nmetric rps { kind = pods }\n\n",
    );
    let mut n = 0;
    while text.len() < 400 * 1024 {
        let min = if n % 7 == 0 { 1 } else { 2 };
        let window = if n % 3 == 0 { "30s" } else { "5m" };
        text.push_str(&format!(
            "# service {n} ✓\nservice svc-{n} {{\n  image    = \"registry.example.com/svc-{n}:1.{n}.0\"\n  cpu      = 250m .. 500m\n  memory   = 256Mi .. 512Mi\n  replicas = {min} .. 10\n\n  scale rps {{ average = 50 }}\n  scale_down {{ stabilization = {window} }}\n}}\n\n"
        ));
        n += 1;
    }
    std::fs::write(big.join("services.scale"), &text).expect("write");
    for i in 0..6 {
        std::fs::write(
            big.join(format!("more-{i}.scale")),
            format!("service more-{i} {{\n  image = \"registry.example.com/more:{i}\"\n  replicas = 1 .. 4\n  scale cpu {{ utilization = 70% }}\n}}\n"),
        )
        .expect("write");
    }
    let small = root.join("small");
    std::fs::create_dir_all(&small).expect("dir");
    std::fs::write(
        small.join("a.scale"),
        "service web {\n  image = \"registry.example.com/web:latest\"\n  port = 80\n}\n",
    )
    .expect("write");
}

fn run(threads: &str, args: &[&str], dir: &Path) -> Vec<u8> {
    let output = Command::new(env!("CARGO_BIN_EXE_scalec"))
        .args(args)
        .current_dir(dir)
        .env("RAYON_NUM_THREADS", threads)
        .output()
        .expect("scalec runs");
    assert!(
        output.status.code().is_some_and(|c| c <= 1),
        "{args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let mut all = output.stdout;
    all.extend(b"\n--- stderr ---\n");
    all.extend(output.stderr);
    all
}

#[test]
fn output_is_the_same_whatever_the_thread_count() {
    let temp = tempfile::Builder::new()
        .prefix("scalec-")
        .tempdir()
        .expect("temp dir");
    tree(temp.path());
    for args in [
        &["check", ".", "--format", "json"][..],
        &["check", "."],
        &["build", ".", "--stdout"],
    ] {
        let one = run("1", args, temp.path());
        let text = String::from_utf8_lossy(&one);
        assert!(text.contains("K115"), "{args:?} has findings: {text:.300}");
        for threads in ["2", "5"] {
            assert!(
                one == run(threads, args, temp.path()),
                "{args:?} with {threads} threads differs from one thread"
            );
        }
    }
}
