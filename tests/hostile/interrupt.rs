//! Builds that are killed, fail half-way, or run at the same time: the output
//! directory is always the whole old build or the whole new one.

use std::path::{Path, PathBuf};

use crate::sandbox::{Sandbox, Snapshot, snapshot};

/// A project of `services` services whose images carry `version`.
fn project(services: usize, version: &str) -> String {
    (0..services)
        .map(|i| {
            format!(
                "service svc-{i} {{\n  image    = \"registry.example.com/svc-{i}:{version}\"\n  replicas = 3\n}}\n"
            )
        })
        .collect()
}

/// The generated files of `out` (scalec's bookkeeping aside).
fn build_files(out: &Path) -> Snapshot {
    snapshot(out)
        .into_iter()
        .filter(|(path, _)| {
            !path
                .file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with(".scalec"))
        })
        .collect()
}

fn compiled(dir: &Path) -> scalec::emit::OutputSet {
    let workspace = scalec::discover::load(&[dir.to_path_buf()]).expect("policies");
    let compilation = scalec::compile(
        &workspace.sources,
        &workspace.projects,
        &scalec::lint::Options::default(),
    );
    assert!(!compilation.has_errors());
    scalec::emit(&workspace.sources, &workspace.projects, &compilation)
}

/// Every file the kustomization lists exists.
fn kustomization_consistent(out: &Path) -> bool {
    let Ok(text) = std::fs::read_to_string(out.join("p/kustomization.yaml")) else {
        return true;
    };
    text.lines()
        .filter_map(|line| line.strip_prefix("- "))
        .all(|file| out.join("p").join(file).exists())
}

#[test]
fn a_build_stopped_after_any_step_leaves_the_old_or_the_new_build() {
    let sandbox = Sandbox::new();
    // Old: services 0..6 at 1.0; new: services 2..9 at 2.0 (changes,
    // additions and deletions).
    sandbox.write("old/p/app.scale", project(6, "1.0"));
    let new_text: String = project(9, "2.0").split_inclusive("}\n").skip(2).collect();
    sandbox.write("new/p/app.scale", new_text);
    let old_set = compiled(&sandbox.path("old/p"));
    let new_set = compiled(&sandbox.path("new/p"));

    let reference = |set: &scalec::emit::OutputSet, name: &str| {
        let out = sandbox.path(name);
        scalec::output::write(&out, set, &|_| {}).expect("writes");
        build_files(&out)
    };
    let old = reference(&old_set, "ref-old");
    let new = reference(&new_set, "ref-new");
    assert_ne!(old, new);

    let mut stopped = 0;
    for steps in 0.. {
        let out: PathBuf = sandbox.path(&format!("out-{steps}"));
        scalec::output::write(&out, &old_set, &|_| {}).expect("writes");
        let done =
            scalec::output::write_stopping_after(&out, &new_set, steps).expect("no I/O error");
        assert!(kustomization_consistent(&out), "after {steps} steps");
        if done {
            assert_eq!(build_files(&out), new);
            break;
        }
        stopped += 1;
        // What the next run finds: it finishes (or forgets) the stopped one.
        let state = build_files(&out);
        let recovered = scalec::output::check(&out, &new_set, &|_| {}).expect("reads");
        let _ = recovered;
        assert!(
            state == old || state == new || {
                // Between the commit point and the end the journal finishes it:
                // a build of the old set after recovery must be all old, and the
                // journal must be there.
                out.join(scalec::output::JOURNAL).exists()
            },
            "after {steps} steps OUT is mixed and has no journal"
        );
        // The next build (of the old set, to prove the recovery is not just
        // the new build overwriting everything) ends whole.
        scalec::output::write(&out, &old_set, &|_| {}).expect("recovers and writes");
        assert_eq!(build_files(&out), old, "after {steps} steps and a rebuild");
        assert!(!out.join(scalec::output::JOURNAL).exists());
        let leftovers: Vec<_> = snapshot(&out)
            .into_keys()
            .filter(|p| p.to_string_lossy().contains(scalec::output::TEMP_PREFIX))
            .collect();
        assert!(leftovers.is_empty(), "{leftovers:?}");
        std::fs::remove_dir_all(&out).expect("clean");
    }
    assert!(
        stopped > 10,
        "the write has many steps to stop at: {stopped}"
    );
}

/// The files of `out` outside scalec's bookkeeping, temporary files and
/// temporary directories.
fn visible_files(out: &Path) -> Snapshot {
    snapshot(out)
        .into_iter()
        .filter(|(path, _)| {
            !path
                .components()
                .any(|c| c.as_os_str().to_string_lossy().starts_with(".scalec"))
        })
        .collect()
}

/// A first build writes a new project directory whole, in a temporary
/// directory that one rename puts in place: stopped after any step, the
/// output has no project directory or the whole new one, and the next build
/// finishes or sweeps what is left. When something made the project
/// directory between the commit point and that rename, the files are moved
/// into it one by one, and what was there is kept.
#[test]
fn a_first_build_stopped_after_any_step_leaves_nothing_or_the_whole_build() {
    let sandbox = Sandbox::new();
    sandbox.write("new/p/app.scale", project(5, "2.0"));
    let set = compiled(&sandbox.path("new/p"));
    let reference = sandbox.path("ref");
    scalec::output::write(&reference, &set, &|_| {}).expect("writes");
    let new = visible_files(&reference);
    assert!(new.len() > 5, "{:?}", new.keys());

    let (mut stopped, mut moved) = (0, 0);
    for steps in 0.. {
        let out: PathBuf = sandbox.path(&format!("out-{steps}"));
        let done = scalec::output::write_stopping_after(&out, &set, steps).expect("no I/O error");
        let state = visible_files(&out);
        if done {
            assert_eq!(state, new);
            break;
        }
        stopped += 1;
        assert!(
            state.is_empty() || state == new,
            "after {steps} steps OUT is partial: {:?}",
            state.keys()
        );
        let committed = out.join(scalec::output::JOURNAL).exists();
        let made_meanwhile = committed && state.is_empty();
        if made_meanwhile {
            sandbox.write(&format!("out-{steps}/p/notes.txt"), "mine");
            moved += 1;
        }
        scalec::output::write(&out, &set, &|_| {}).expect("recovers and writes");
        let mut state = visible_files(&out);
        if made_meanwhile {
            assert!(state.remove(Path::new("p/notes.txt")).is_some());
        }
        assert_eq!(state, new, "after {steps} steps and a rebuild");
        assert!(!out.join(scalec::output::JOURNAL).exists());
        let leftovers: Vec<_> = snapshot(&out)
            .into_keys()
            .filter(|p| p.to_string_lossy().contains(scalec::output::TEMP_PREFIX))
            .collect();
        assert!(leftovers.is_empty(), "after {steps} steps: {leftovers:?}");
    }
    assert!(stopped > 5, "the write has steps to stop at: {stopped}");
    assert_eq!(
        moved, 1,
        "one stop falls between the commit point and the rename"
    );
}

#[test]
fn a_killed_build_is_finished_by_the_next_one() {
    let sandbox = Sandbox::new();
    sandbox.write("policies/p/app.scale", project(400, "1.0"));
    sandbox
        .run(&["build", "policies", "-o", "out"])
        .expect_code(0);
    let old = build_files(&sandbox.path("out"));
    sandbox.write("policies/p/app.scale", project(400, "2.0"));
    let reference = Sandbox::new();
    reference.write("policies/p/app.scale", project(400, "2.0"));
    reference
        .run(&["build", "policies", "-o", "out"])
        .expect_code(0);
    let new = build_files(&reference.path("out"));

    for delay_ms in [2, 10, 40] {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_scalec"))
            .args(["build", "policies", "-o", "out"])
            .current_dir(sandbox.root())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("scalec runs");
        std::thread::sleep(std::time::Duration::from_millis(delay_ms));
        let _ = child.kill();
        let _ = child.wait();
        assert!(
            kustomization_consistent(&sandbox.path("out")),
            "killed after {delay_ms} ms"
        );
        // The next build ends with the whole new output and no leftovers.
        sandbox
            .run(&["build", "policies", "-o", "out"])
            .expect_code(0);
        assert_eq!(
            build_files(&sandbox.path("out")),
            new,
            "killed after {delay_ms} ms"
        );
        assert!(!sandbox.exists("out/.scalec-journal"));
        sandbox
            .run(&["build", "policies", "-o", "out", "--check"])
            .expect_code(0);
        // Back to the old build for the next round.
        sandbox.write("policies/p/app.scale", project(400, "1.0"));
        sandbox
            .run(&["build", "policies", "-o", "out"])
            .expect_code(0);
        assert_eq!(build_files(&sandbox.path("out")), old);
        sandbox.write("policies/p/app.scale", project(400, "2.0"));
    }
}

#[test]
fn concurrent_builds_into_one_directory_each_end_whole() {
    let sandbox = Sandbox::new();
    sandbox.write("a/p/app.scale", project(100, "1.0"));
    sandbox.write("b/p/app.scale", project(100, "2.0"));
    let whole = |dir: &str| {
        let reference = Sandbox::new();
        reference.write(
            "policies/p/app.scale",
            sandbox.read(&format!("{dir}/p/app.scale")),
        );
        reference
            .run(&["build", "policies", "-o", "out"])
            .expect_code(0);
        build_files(&reference.path("out"))
    };
    let (a, b) = (whole("a"), whole("b"));
    for round in 0..4 {
        let spawn = |dir: &str| {
            std::process::Command::new(env!("CARGO_BIN_EXE_scalec"))
                .args(["build", dir, "-o", "out"])
                .current_dir(sandbox.root())
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .expect("scalec runs")
        };
        let (first, second) = (spawn("a/p"), spawn("b/p"));
        for child in [first, second] {
            let output = child.wait_with_output().expect("waits");
            assert_eq!(
                output.status.code(),
                Some(0),
                "round {round}: {}",
                String::from_utf8_lossy(&output.stderr)
            );
        }
        let state = build_files(&sandbox.path("out"));
        assert!(state == a || state == b, "round {round}: a mixed output");
    }
}
