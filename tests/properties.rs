//! Properties of the whole pipeline on arbitrary and generated input, and the
//! replay of every crash the fuzzers found.
//!
//! The properties and the policy generator are those of the fuzz targets
//! (`fuzz/src/properties.rs`, `fuzz/src/policy.rs`, included here), so a
//! failure here and a fuzzer crash mean the same thing. proptest runs a
//! modest number of cases so `cargo test` stays fast; the fuzzers go deeper
//! (docs/fuzzing.md).

#[path = "../fuzz/src/policy.rs"]
mod policy;
#[path = "../fuzz/src/properties.rs"]
mod properties;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use arbitrary::{Arbitrary, Unstructured};
use proptest::prelude::*;
use proptest::test_runner::RngSeed;

/// Cases per property: enough to catch a regression in the common paths,
/// few enough that the whole file runs in seconds in a debug build.
/// `PROPTEST_CASES=10000` explores further.
const CASES: u32 = 64;

/// The seed of the cases, so a run is the same on every machine; set
/// `PROPTEST_RNG_SEED` to explore other cases.
const SEED: u64 = 8;

fn config() -> ProptestConfig {
    // `default()` reads the `PROPTEST_*` variables; they win over our values.
    let default = ProptestConfig::default();
    let set = |name: &str| std::env::var_os(name).is_some();
    ProptestConfig {
        cases: if set("PROPTEST_CASES") {
            default.cases
        } else {
            CASES
        },
        rng_seed: if set("PROPTEST_RNG_SEED") {
            default.rng_seed
        } else {
            RngSeed::Fixed(SEED)
        },
        failure_persistence: None,
        ..default
    }
}

/// Text that looks a little like a policy: its punctuation and words, with
/// odd characters and every line ending.
const POLICY_ALPHABET: &str = "[a-z0-9_ {}\\[\\]=.,;\"#%()\n\r\t\\\\-]{0,120}|(service|scale|replicas|\\.\\.|per|hashed|Mi|é|\u{FEFF}| |\n|\r\n|\\{|\\}|\\[|\\]|=|\"|#|,|1|0\\.5|-2|70%){0,60}";

/// A generated project from bytes, as the `*_policy` fuzz targets see it.
fn project(bytes: &[u8]) -> policy::Project {
    policy::Project::arbitrary(&mut Unstructured::new(bytes))
        .expect("the generator never runs out of choices")
}

fn file(bytes: &[u8]) -> String {
    policy::File::arbitrary(&mut Unstructured::new(bytes))
        .expect("the generator never runs out of choices")
        .0
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn parse_never_panics_on_arbitrary_text(text in any::<String>()) {
        properties::parse(&text);
    }

    #[test]
    fn parse_never_panics_on_policy_like_text(text in POLICY_ALPHABET) {
        properties::parse(&text);
    }

    #[test]
    fn check_and_render_never_panic_on_arbitrary_files(
        files in proptest::collection::vec(any::<String>(), 1..4)
    ) {
        properties::check(&files);
    }

    #[test]
    fn check_and_render_never_panic_on_policy_like_files(
        files in proptest::collection::vec(POLICY_ALPHABET, 1..4)
    ) {
        properties::check(&files);
    }

    #[test]
    fn check_and_render_never_panic_on_generated_policies(
        bytes in proptest::collection::vec(any::<u8>(), 0..2048)
    ) {
        properties::check(&project(&bytes).files);
    }

    #[test]
    fn fmt_is_idempotent_and_keeps_meaning_on_policy_like_text(text in POLICY_ALPHABET) {
        properties::fmt(&text);
    }

    #[test]
    fn fmt_is_idempotent_and_keeps_meaning_on_generated_policies(
        bytes in proptest::collection::vec(any::<u8>(), 0..2048)
    ) {
        properties::fmt(&file(&bytes));
    }

    #[test]
    fn build_never_panics_and_its_yaml_parses_on_generated_policies(
        bytes in proptest::collection::vec(any::<u8>(), 0..2048)
    ) {
        properties::build(&project(&bytes).files);
    }
}

/// A fixed pseudo-random byte stream (xorshift), so the next test does not
/// depend on proptest's seed.
fn pseudo_random_bytes(seed: u64, len: usize) -> Vec<u8> {
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state.to_le_bytes()[0]
        })
        .collect()
}

/// The properties above prove little if the generator only makes broken
/// files: most generated files must format, and some projects must compile
/// cleanly all the way to manifests. This counts with the library directly,
/// not through the properties, so that it measures only the generator.
#[test]
fn the_generator_reaches_fmt_and_emit() {
    let (mut formatted, mut built, mut built_atlas, mut built_enterprise, mut built_loadtest) =
        (0, 0, 0, 0, 0);
    let mut built_environments = 0;
    for seed in 1..=200 {
        let bytes = pseudo_random_bytes(seed, 2048);
        let text = file(&bytes);
        let mut sources = scalec::source::SourceMap::new();
        let id = sources.add("t.scale", &text);
        let mut diagnostics = Vec::new();
        let ast = scalec::syntax::parse_file(sources.get(id), &mut diagnostics);
        if let Some(ast) = ast.filter(|_| diagnostics.is_empty())
            && scalec::fmt::format(&ast, &sources.get(id).text).is_some()
        {
            formatted += 1;
        }
        let workspace = properties::workspace(&project(&bytes).files);
        let compilation = scalec::compile(
            &workspace.sources,
            &workspace.projects,
            &scalec::lint::Options::default(),
        );
        if !compilation.has_errors()
            && !scalec::emit(&workspace.sources, &workspace.projects, &compilation)
                .files
                .is_empty()
        {
            built += 1;
            let atlas = |p: &scalec::model::Project| p.databases.iter().any(|d| d.atlas.is_some());
            built_atlas += usize::from(compilation.projects.iter().any(atlas));
            let enterprise =
                |p: &scalec::model::Project| p.databases.iter().any(|d| d.enterprise.is_some());
            built_enterprise += usize::from(compilation.projects.iter().any(enterprise));
            let loadtest = |p: &scalec::model::Project| !p.loadtests.is_empty();
            built_loadtest += usize::from(compilation.projects.iter().any(loadtest));
            let environment = |p: &scalec::model::Project| p.environment.is_some();
            built_environments += usize::from(compilation.projects.iter().any(environment));
        }
    }
    assert!(
        formatted >= 120,
        "only {formatted} of 200 generated files formatted: the generator drifted"
    );
    assert!(
        built >= 10,
        "only {built} of 200 generated projects built: the generator drifted"
    );
    // Some reach emit with an Atlas database (scalec#15).
    assert!(
        built_atlas >= 1,
        "no generated project with an Atlas database built: the generator drifted"
    );
    // And some with a MongoDB Enterprise operator database.
    assert!(
        built_enterprise >= 1,
        "no generated project with an Enterprise database built: the generator drifted"
    );
    // And some with a load test, which emit turns into a k6 script (scalec#16).
    assert!(
        built_loadtest >= 1,
        "no generated project with a load test built: the generator drifted"
    );
    // And some with environments, each built into a directory of its own (scalec#17).
    assert!(
        built_environments >= 1,
        "no generated project with environments built: the generator drifted"
    );
}

/// The seed corpus of the multi-file targets holds projects that build, so
/// the fuzzers start from inputs that reach `emit`.
#[test]
fn the_seed_projects_build() {
    let mut projects = 0;
    for entry in fs::read_dir("fuzz/seeds").expect("the seed corpus") {
        let path = entry.expect("a seed").path();
        if path.extension().is_some_and(|e| e == "bin") {
            let bytes = fs::read(&path).expect("a readable seed");
            let set = properties::build(&properties::split_files(&bytes));
            assert!(
                set.is_some_and(|set| set.files.len() > 3),
                "{} does not build",
                path.display()
            );
            projects += 1;
        }
    }
    assert!(projects >= 2, "only {projects} seed projects");
}

#[test]
fn files_survive_the_byte_encoding_of_a_project() {
    let files = vec!["a = 1\n".to_string(), String::new(), "é\r\n".to_string()];
    assert_eq!(
        properties::split_files(&properties::join_files(&files)),
        files
    );
}

/// Where the fuzzers' crashes are kept, one folder per property.
const FIXTURES: &str = "tests/fixtures/fuzz";

/// How long one fixture may take. A debug build is slow, but a fixed input
/// should take well under a second; past this it is the hang it records.
const FIXTURE_TIME_LIMIT: Duration = Duration::from_secs(30);

/// A fixture's process may use this much address space, so a runaway
/// allocation fails the replay instead of the machine.
const FIXTURE_MEMORY_LIMIT_BYTES: u64 = 2 << 30;

/// The environment variable that makes [`fuzz_crash_fixtures_replay_cleanly`]
/// replay one fixture in this process (set when it runs itself as a child).
const FIXTURE_VARIABLE: &str = "SCALEC_FUZZ_FIXTURE";

/// Runs one fixture through its property: the folder names the property.
fn replay(path: &Path) {
    let bytes = fs::read(path).expect("a readable fixture");
    let property = path
        .parent()
        .and_then(Path::file_name)
        .and_then(|name| name.to_str())
        .expect("fixtures live in a property's folder");
    match property {
        "parse" => properties::parse(&String::from_utf8_lossy(&bytes)),
        "check" => {
            properties::check(&properties::split_files(&bytes));
        }
        "fmt" => {
            properties::fmt(&String::from_utf8_lossy(&bytes));
        }
        "build" => {
            properties::build(&properties::split_files(&bytes));
        }
        other => panic!("{}: no property named `{other}`", path.display()),
    }
}

fn fixtures() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(FIXTURES)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|entry| entry.file_type().is_file())
        .map(|entry| entry.into_path())
        .collect();
    files.sort();
    files
}

/// Every crash a fuzzer found, minimized, replays through the property it
/// broke. Each fixture runs in a child process (this test binary, running
/// only this test, told which fixture by [`FIXTURE_VARIABLE`]), bounded in
/// time and memory, so a stack overflow, a hang or a runaway allocation is
/// reported as that fixture's failure instead of killing the run.
#[test]
fn fuzz_crash_fixtures_replay_cleanly() {
    if let Some(path) = std::env::var_os(FIXTURE_VARIABLE) {
        replay(Path::new(&path));
        return;
    }
    let fixtures = fixtures();
    assert!(
        !fixtures.is_empty(),
        "no fixtures under {FIXTURES}: the replay would prove nothing"
    );
    let test_binary = std::env::current_exe().expect("the test binary's path");
    let mut failures = Vec::new();
    for fixture in &fixtures {
        let mut child = Command::new("prlimit")
            .arg(format!("--as={FIXTURE_MEMORY_LIMIT_BYTES}"))
            .arg("--")
            .arg(&test_binary)
            .args([
                "--exact",
                "fuzz_crash_fixtures_replay_cleanly",
                "--nocapture",
            ])
            .env(FIXTURE_VARIABLE, fixture)
            .env("RUST_BACKTRACE", "0")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("prlimit and the test binary run");
        let stderr = child.stderr.take().expect("piped stderr");
        let reader = std::thread::spawn(move || {
            let mut text = String::new();
            let _ = std::io::Read::read_to_string(&mut { stderr }, &mut text);
            text
        });
        let start = Instant::now();
        let status = loop {
            if let Some(status) = child.try_wait().expect("wait") {
                break Some(status);
            }
            if start.elapsed() > FIXTURE_TIME_LIMIT {
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        let stderr = reader.join().expect("stderr reader");
        match status {
            Some(status) if status.success() => {}
            Some(status) => {
                failures.push(format!("{}: {status}\n{}", fixture.display(), why(&stderr)))
            }
            None => failures.push(format!(
                "{}: still running after {FIXTURE_TIME_LIMIT:?}",
                fixture.display()
            )),
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} fuzz fixtures fail:\n\n{}",
        failures.len(),
        fixtures.len(),
        failures.join("\n\n")
    );
}

/// The part of a child's stderr that says why it failed: the panic message,
/// or the last lines (a stack overflow or a signal has no panic message).
fn why(stderr: &str) -> String {
    let lines: Vec<&str> = stderr.lines().collect();
    let from = lines
        .iter()
        .position(|line| line.contains("panicked at"))
        .unwrap_or(lines.len().saturating_sub(6));
    lines[from..]
        .iter()
        .take(16)
        .copied()
        .collect::<Vec<_>>()
        .join("\n")
}
