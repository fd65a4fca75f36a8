//! Projects with errors: `check` still reports the findings of everything the
//! errors do not touch, and none that is an artefact of them.
//!
//! Each directory under `tests/fixtures/partial/` is one project. Every
//! diagnostic it must produce, errors included, is marked on its line with
//! `# expect: CODE` (or on the line before with `# expect-next: CODE`), as in
//! `tests/fixtures/lint`; a case passes when the project gives exactly those
//! (file, line, code) triples, with every rule enabled and `--verbose`.

mod common;

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use scalec::discover::{self, Workspace};
use scalec::lint::{Options, RULES};
use scalec::{Compilation, model::Project};

/// Every case, one per directory of `tests/fixtures/partial/`.
const CASES: &[&str] = &[
    "brace-line-error",
    "broken-cluster",
    "broken-defaults",
    "broken-metric",
    "capacity",
    "duplicate-service",
    "loose-line",
    "syntax-error-sibling",
    "unclosed-sibling",
    "unknown-block",
    "unused-suppression",
];

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/partial")
}

fn options() -> Options {
    Options {
        verbose: true,
        ..Options::default()
    }
}

fn compile(dir: &Path) -> (Workspace, Compilation) {
    let workspace = discover::load(&[dir.to_path_buf()]).expect("the directory exists");
    let compilation = scalec::compile(&workspace.sources, &workspace.projects, &options());
    (workspace, compilation)
}

/// A finding as (file name, line, column, code, message).
type Finding = (String, usize, usize, String, String);

fn findings(workspace: &Workspace, compilation: &Compilation) -> Vec<Finding> {
    compilation
        .diagnostics
        .iter()
        .map(|d| {
            let file = workspace.sources.get(d.span.file);
            let (line, column) = file.line_col(d.span.start);
            let name = file.path.file_name().expect("a file name");
            (
                name.to_string_lossy().into_owned(),
                line,
                column,
                d.code.id.to_string(),
                d.message.clone(),
            )
        })
        .collect()
}

/// The (file name, line, code) triples a project's `# expect:` marks ask for.
fn expected(dir: &Path) -> Vec<(String, usize, String)> {
    let mut expected = Vec::new();
    for entry in fs::read_dir(dir).expect("a fixture directory") {
        let path = entry.expect("a directory entry").path();
        if path.extension().is_none_or(|e| e != "scale") {
            continue;
        }
        let name = path.file_name().expect("a file name").to_string_lossy();
        let text = fs::read_to_string(&path).expect("a readable fixture");
        expected.extend(
            common::expectations(&text)
                .into_iter()
                .map(|(line, code)| (name.to_string(), line, code)),
        );
    }
    expected.sort();
    expected
}

/// Checks one case against its marks and returns its compilation.
fn case(name: &str) -> Compilation {
    let dir = fixtures().join(name);
    let (workspace, compilation) = compile(&dir);
    let mut found: Vec<(String, usize, String)> = findings(&workspace, &compilation)
        .into_iter()
        .map(|(file, line, _, code, _)| (file, line, code))
        .collect();
    found.sort();
    assert_eq!(
        found,
        expected(&dir),
        "{name}: the findings (left) differ from the `# expect:` marks (right)"
    );
    assert!(compilation.has_errors(), "{name}: every case has an error");
    assert!(
        compilation.projects.is_empty(),
        "{name}: a project with errors is never complete"
    );
    compilation
}

/// The one partial project of a case.
fn partial(name: &str) -> Project {
    let mut compilation = case(name);
    assert_eq!(compilation.partial.len(), 1, "{name}: one partial project");
    compilation.partial.remove(0)
}

fn names(list: &[&str]) -> BTreeSet<String> {
    list.iter().map(|s| s.to_string()).collect()
}

fn service_names(project: &Project) -> Vec<&str> {
    project
        .services
        .iter()
        .map(|s| s.name.value.as_str())
        .collect()
}

#[test]
fn every_fixture_directory_is_a_case() {
    let mut dirs: Vec<String> = fs::read_dir(fixtures())
        .expect("tests/fixtures/partial")
        .map(|e| {
            e.expect("an entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    dirs.sort();
    assert_eq!(dirs, CASES);
}

#[test]
fn a_syntax_error_leaves_the_rest_of_its_file_and_the_other_files_linted() {
    let project = partial("syntax-error-sibling");
    assert_eq!(project.omitted.services, names(&["api"]));
    assert!(!project.omitted.context);
    // The project holds only what is complete.
    assert_eq!(service_names(&project), ["cron", "worker"]);
}

#[test]
fn a_duplicate_service_hides_only_its_own_findings() {
    let project = partial("duplicate-service");
    assert_eq!(project.omitted.services, names(&["api"]));
    assert_eq!(service_names(&project), ["web"]);
}

#[test]
fn a_service_that_scales_on_a_broken_metric_gets_no_finding() {
    let project = partial("broken-metric");
    assert_eq!(project.omitted.metrics, names(&["rps"]));
    assert_eq!(project.omitted.services, names(&["api"]));
    assert_eq!(service_names(&project), ["web"]);
}

#[test]
fn an_unknown_context_stops_every_finding() {
    for (name, services) in [
        ("broken-cluster", &["web"][..]),
        ("broken-defaults", &["api", "web"]),
        ("unknown-block", &["web"]),
        ("loose-line", &["web"]),
    ] {
        let project = partial(name);
        assert!(project.omitted.context, "{name}");
        assert!(project.services.is_empty(), "{name}");
        assert_eq!(project.omitted.services, names(services), "{name}");
    }
}

#[test]
fn rules_over_every_service_and_s002_wait_for_every_service() {
    for name in ["capacity", "unused-suppression"] {
        let project = partial(name);
        assert_eq!(project.omitted.services.len(), 1, "{name}");
    }
    let every_service: Vec<&str> = RULES
        .iter()
        .filter(|r| r.every_service)
        .map(|r| r.id.as_str())
        .collect();
    assert_eq!(
        every_service,
        [
            "C302", "C303", "C305", "C306", "K118", "K121", "K122", "K124", "K125", "K126"
        ]
    );
}

#[test]
fn a_file_of_which_nothing_is_recovered_stops_its_project() {
    let compilation = case("brace-line-error");
    assert!(compilation.partial.is_empty());
}

#[test]
fn an_unclosed_block_leaves_the_blocks_before_it_and_the_other_files_linted() {
    let project = partial("unclosed-sibling");
    assert_eq!(project.omitted.services, names(&["api"]));
    assert!(!project.omitted.context);
    assert_eq!(service_names(&project), ["cron", "worker"]);
}

#[test]
fn an_unclosed_block_that_may_have_swallowed_a_top_level_block_stops_every_finding() {
    // `defaults` may have been meant after a forgotten `}`: what the other
    // services inherit is unknown.
    let unclosed = "service api {\n  image = \"registry.example.com/api:1.0.0\"\n\n\
                    defaults {\n  replicas = 2 .. 4\n}\n";
    let (_, sibling) = &scale_files(&fixtures().join("unclosed-sibling"))[1];
    let dir = project_with(&[
        ("a.scale".into(), unclosed.into()),
        ("b.scale".into(), sibling.clone()),
    ]);
    let (workspace, compilation) = compile(dir.path());
    let codes: Vec<String> = findings(&workspace, &compilation)
        .into_iter()
        .map(|f| f.3)
        .collect();
    assert_eq!(codes, ["E001"]);
    let [project] = compilation.partial.as_slice() else {
        panic!("one partial project")
    };
    assert!(project.omitted.context);
    assert_eq!(project.omitted.services, names(&["api", "worker"]));
}

#[test]
fn emit_reads_no_partial_project() {
    let (workspace, compilation) = compile(&fixtures().join("syntax-error-sibling"));
    assert_eq!(compilation.partial.len(), 1);
    let set = scalec::emit(&workspace.sources, &workspace.projects, &compilation);
    assert!(set.files.is_empty() && set.dirs.is_empty());
}

/// A temporary project directory (a valid project name) with `files`.
fn project_with(files: &[(String, String)]) -> tempfile::TempDir {
    let dir = tempfile::Builder::new()
        .prefix("scalec-")
        .tempdir()
        .expect("a temporary directory");
    for (name, text) in files {
        fs::write(dir.path().join(name), text).expect("a writable temporary directory");
    }
    dir
}

/// The `.scale` files of a directory, by name.
fn scale_files(dir: &Path) -> Vec<(String, String)> {
    let mut files: Vec<(String, String)> = fs::read_dir(dir)
        .expect("a directory")
        .map(|e| e.expect("an entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "scale"))
        .map(|p| {
            let name = p.file_name().expect("a file name").to_string_lossy().into();
            (name, fs::read_to_string(&p).expect("a readable file"))
        })
        .collect();
    files.sort();
    files
}

/// Every project without language errors that the repository holds: each
/// lint fixture file alone, and each sample policy.
fn clean_projects() -> Vec<(String, Vec<(String, String)>)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut projects = Vec::new();
    for rule in fs::read_dir(root.join("tests/fixtures/lint")).expect("lint fixtures") {
        let rule = rule.expect("an entry").path();
        for file in scale_files(&rule) {
            projects.push((format!("{}/{}", rule.display(), file.0), vec![file]));
        }
    }
    for policy in ["aether", "shop", "pulse", "ledger"] {
        let dir = root.join("policies").join(policy);
        projects.push((dir.display().to_string(), scale_files(&dir)));
    }
    projects
}

/// A sibling file with one service that uses everything `whole` declares
/// (it scales on its queues, and on its metrics under the HPA, and requests
/// cpu and memory), with `error` as one more line of the block.
fn sibling(whole: &Project, error: &str) -> String {
    let mut text = String::from(
        "service zz-sibling {\n  image    = \"registry.example.com/zz:1.0.0\"\n  \
         cpu      = 500m\n  memory   = 1Gi .. 1Gi\n  replicas = 2 .. 50\n  port     = 8080\n  \
         health   = \"/healthz\"\n  scale cpu { utilization = 70% }\n",
    );
    if whole.cluster.autoscaler == scalec::model::Autoscaler::Hpa {
        for metric in &whole.metrics {
            text += &format!("  scale {} {{ average = 10 }}\n", metric.name.value);
        }
    }
    for queue in &whole.queues {
        text += &format!("  scale {} {{ average = 10 }}\n", queue.name.value);
    }
    text + error + "}\n"
}

/// Errors that leave the sibling's service out: a syntax error (the block
/// becomes a stub) and a language error.
const ERRORS: &[(&str, &str)] = &[("  port = = 1\n", "E001"), ("  spread = \"x\"\n", "E003")];

/// Soundness and completeness in one. A project whose one service has an
/// error reports, beside the error, exactly the findings of the project with
/// the error fixed, less those about that service (in its file, or naming
/// it where it inherits from `defaults`) and those of
/// the rules over every service and S002. The service uses every metric and
/// queue, so a rule over every service that ran without it would report
/// them unused, and adds to the capacity sums.
#[test]
fn an_error_in_one_service_changes_no_finding_about_the_others() {
    let projects = clean_projects();
    assert!(projects.len() > 60, "every lint fixture is a project");
    let every_service: BTreeSet<&str> = RULES
        .iter()
        .filter(|r| r.every_service)
        .map(|r| r.id.as_str())
        .chain(["S002"])
        .collect();
    let language_errors = |c: &Compilation| {
        c.diagnostics
            .iter()
            .filter(|d| d.code.id.starts_with('E'))
            .count()
    };
    let mut compared = 0;
    for (name, files) in &projects {
        let dir = project_with(files);
        let (_, alone) = compile(dir.path());
        assert_eq!(language_errors(&alone), 0, "{name} has a language error");
        let whole = &alone.projects[0];
        fs::write(dir.path().join("zz.scale"), sibling(whole, "")).expect("writable");
        let (workspace, fixed) = compile(dir.path());
        assert_eq!(
            language_errors(&fixed),
            0,
            "{name} with the sibling has a language error"
        );
        let fixed: BTreeSet<Finding> = findings(&workspace, &fixed).into_iter().collect();
        for (error, code) in ERRORS {
            fs::write(dir.path().join("zz.scale"), sibling(whole, error)).expect("writable");
            let (workspace, broken) = compile(dir.path());
            // One partial project, or one per environment.
            assert!(
                broken.projects.is_empty() && !broken.partial.is_empty(),
                "{name}"
            );
            for partial in &broken.partial {
                assert_eq!(partial.omitted.services, names(&["zz-sibling"]), "{name}");
            }
            let broken: BTreeSet<Finding> = findings(&workspace, &broken).into_iter().collect();
            let added: Vec<&Finding> = broken.difference(&fixed).collect();
            assert!(
                added.len() == 1 && added[0].0 == "zz.scale" && added[0].3 == *code,
                "{name}: only the error is new: {added:#?}"
            );
            let lost: Vec<&Finding> = fixed
                .difference(&broken)
                .filter(|f| {
                    let about_it = f.0 == "zz.scale" || f.4.contains("`zz-sibling`");
                    !about_it && !every_service.contains(f.3.as_str())
                })
                .collect();
            assert!(lost.is_empty(), "{name}: findings lost: {lost:#?}");
            compared += 1;
        }
    }
    assert_eq!(compared, projects.len() * ERRORS.len());
}

fn scalec(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_scalec"))
        .args(args)
        .output()
        .expect("scalec runs")
}

#[test]
fn check_prints_the_findings_beside_the_error_and_exits_1() {
    let dir = fixtures().join("duplicate-service");
    let dir = dir.to_str().expect("a UTF-8 path");
    let output = scalec(&["check", "--format", "short", dir]);
    assert_eq!(output.status.code(), Some(1));
    let stdout = String::from_utf8(output.stdout).expect("UTF-8");
    let codes: Vec<&str> = stdout
        .lines()
        .map(|l| {
            let code = l.split('[').nth(1).expect("a code");
            &code[..4]
        })
        .collect();
    assert_eq!(codes, ["K117", "K104", "E005"], "{stdout}");
}

#[test]
fn check_reports_the_unclosed_block_and_the_sibling_findings_and_exits_1() {
    let dir = fixtures().join("unclosed-sibling");
    let output = scalec(&[
        "check",
        "--format",
        "short",
        dir.to_str().expect("a UTF-8 path"),
    ]);
    assert_eq!(output.status.code(), Some(1));
    let stdout = String::from_utf8(output.stdout).expect("UTF-8");
    let found: Vec<(&str, &str)> = stdout
        .lines()
        .map(|l| {
            let file = Path::new(l.split(':').next().expect("a path"));
            let name = file
                .file_name()
                .and_then(|n| n.to_str())
                .expect("a file name");
            let code = l.split('[').nth(1).expect("a code");
            (name, &code[..4])
        })
        .collect();
    assert_eq!(
        found,
        [
            ("a.scale", "K104"),
            ("a.scale", "E001"),
            ("b.scale", "K104"),
            ("b.scale", "K117")
        ],
        "{stdout}"
    );
    assert!(
        stdout.contains(
            "a.scale:12:1: error[E001]: expected a name or `}`, found the end of the file"
        ),
        "{stdout}"
    );
}

#[test]
fn build_writes_nothing_for_a_project_with_errors() {
    let out = tempfile::Builder::new()
        .prefix("scalec-")
        .tempdir()
        .expect("a temporary directory");
    let target = out.path().join("out");
    for name in [
        "syntax-error-sibling",
        "unclosed-sibling",
        "duplicate-service",
        "capacity",
    ] {
        let dir = fixtures().join(name);
        let output = scalec(&[
            "build",
            dir.to_str().expect("a UTF-8 path"),
            "-o",
            target.to_str().expect("a UTF-8 path"),
        ]);
        assert_eq!(output.status.code(), Some(1), "{name}");
        assert!(!target.exists(), "{name}: the output directory was created");
    }
}
