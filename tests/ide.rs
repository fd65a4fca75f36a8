//! The editor features of `scalec::ide` on real projects: the sample policies
//! of `policies/`, loaded as the language server loads them (from disk, with
//! an unsaved buffer standing for one file), and the checker's fixtures for
//! the quick fixes. A renamed project is built by the real `scalec` binary.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use scalec::diag::Diagnostic;
use scalec::discover::{self, Buffer, Workspace};
use scalec::ide::completion::{self, CompletionKind};
use scalec::ide::tokens::{self, TokenType};
use scalec::ide::{Analysis, Edit, actions, hover, navigate, rename, symbols};
use scalec::source::{FileId, Span};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn aether() -> PathBuf {
    root().join("policies/aether")
}

fn load(paths: &[PathBuf], buffer: Option<&Buffer>) -> Workspace {
    discover::load_with(paths, buffer).expect("the paths exist")
}

fn diagnostics(workspace: &Workspace) -> Vec<Diagnostic> {
    scalec::compile(
        &workspace.sources,
        &workspace.projects,
        &scalec::lint::Options::default(),
    )
    .diagnostics
}

/// The id of the file whose path ends with `name`.
fn file(workspace: &Workspace, name: &str) -> FileId {
    workspace
        .sources
        .files()
        .iter()
        .find(|f| f.path.ends_with(name))
        .unwrap_or_else(|| panic!("no file {name}"))
        .id
}

/// The offset of the `nth` occurrence of `needle` in a file, plus `plus`.
fn offset(workspace: &Workspace, id: FileId, needle: &str, nth: usize) -> usize {
    let text = &workspace.sources.get(id).text;
    text.match_indices(needle)
        .nth(nth)
        .unwrap_or_else(|| panic!("no {needle} #{nth}"))
        .0
}

fn text_at(workspace: &Workspace, span: Span) -> String {
    workspace.sources.get(span.file).text[span.start..span.end].to_string()
}

fn apply(text: &str, edits: &[&Edit]) -> String {
    let mut out = text.to_string();
    let mut sorted = edits.to_vec();
    sorted.sort_by_key(|e| std::cmp::Reverse(e.span.start));
    for edit in sorted {
        out.replace_range(edit.span.start..edit.span.end, &edit.new_text);
    }
    out
}

/// The project copied into a temporary directory named like it.
fn copy_of(dir: &Path) -> (tempfile::TempDir, PathBuf) {
    let temp = common::project_dir();
    let copy = temp.path().join(dir.file_name().expect("a name"));
    copy_tree(dir, &copy);
    (temp, copy)
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir(to).expect("create the copy");
    for entry in std::fs::read_dir(from).expect("readable") {
        let path = entry.expect("entry").path();
        let target = to.join(path.file_name().expect("a name"));
        if path.is_dir() {
            copy_tree(&path, &target);
        } else {
            std::fs::copy(&path, target).expect("copy");
        }
    }
}

fn scalec(args: &[&str], path: &Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_scalec"))
        .args(args)
        .arg(path)
        .output()
        .expect("scalec runs")
}

#[test]
fn definition_and_references_cross_the_files_of_a_project() {
    let ws = load(&[aether()], None);
    let analysis = Analysis::new(&ws.sources, &ws.projects);
    let services = file(&ws, "services.scale");
    let signals = file(&ws, "signals.scale");

    let at = offset(&ws, services, "scale ingest-events", 0) + "scale ".len() + 3;
    let found = navigate::definition(&analysis, services, at);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].file, signals);
    assert_eq!(text_at(&ws, found[0]), "ingest-events");
    assert_eq!(found[0].start, offset(&ws, signals, "ingest-events", 0));

    let at = offset(&ws, signals, "requests-per-second", 0);
    let used = navigate::references(&analysis, signals, at, false);
    assert_eq!(used.len(), 1);
    assert_eq!(used[0].file, services);
    assert_eq!(text_at(&ws, used[0]), "requests-per-second");
    let all = navigate::references(&analysis, signals, at, true);
    assert_eq!(all.len(), 2);

    // `cpu` is the resource metric, declared nowhere.
    let at = offset(&ws, services, "scale cpu", 0) + "scale ".len();
    assert!(navigate::definition(&analysis, services, at).is_empty());

    // A `connections` block names a database, here a PostgreSQL one.
    let accounts = file(&ws, "accounts.scale");
    let at = offset(&ws, services, "connections aether-accounts", 0) + "connections ".len();
    let found = navigate::definition(&analysis, services, at);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].file, accounts);
    assert_eq!(text_at(&ws, found[0]), "aether-accounts");
    let at = offset(&ws, accounts, "aether-accounts", 0);
    assert_eq!(
        navigate::references(&analysis, accounts, at, false).len(),
        2
    );

    // A load test's `target` names a service: definition and references.
    let loadtest = file(&ws, "loadtest.scale");
    let at = offset(&ws, loadtest, "target prediction", 0) + "target ".len();
    let found = navigate::definition(&analysis, loadtest, at);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].file, services);
    assert_eq!(text_at(&ws, found[0]), "prediction");
    let declared = offset(&ws, services, "service prediction", 0) + "service ".len();
    let used = navigate::references(&analysis, services, declared, false);
    assert!(
        used.iter()
            .any(|span| span.file == loadtest && span.start == at),
        "{used:?}"
    );
}

/// A queue's `auth` leads to its `trigger_auth` whatever its `scope`: a
/// ClusterTriggerAuthentication is declared and named as a namespaced one.
#[test]
fn a_queue_auth_leads_to_a_cluster_scoped_trigger_auth_and_back() {
    let ws = load(
        &[root().join("tests/fixtures/attributes/cluster-trigger-auth")],
        None,
    );
    let analysis = Analysis::new(&ws.sources, &ws.projects);
    let policy = file(&ws, "policy.scale");
    let declared = offset(&ws, policy, "trigger_auth kafka-sasl", 0) + "trigger_auth ".len();
    let named = offset(&ws, policy, "= kafka-sasl", 0) + "= ".len();

    let found = navigate::definition(&analysis, policy, named + 2);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].start, declared);
    assert_eq!(text_at(&ws, found[0]), "kafka-sasl");

    let used = navigate::references(&analysis, policy, declared, false);
    assert_eq!(used.len(), 1);
    assert_eq!(used[0].start, named);
}

#[test]
fn hover_sums_up_a_service_with_what_it_inherits() {
    let ws = load(&[aether()], None);
    let analysis = Analysis::new(&ws.sources, &ws.projects);
    let found = diagnostics(&ws);
    let services = file(&ws, "services.scale");

    let at = offset(&ws, services, "ingestion", 0);
    let ingestion = hover::hover(&analysis, services, at, &found).expect("a hover");
    assert_eq!(text_at(&ws, ingestion.span), "ingestion");
    let markdown = ingestion.markdown;
    // Aether runs as staging and prod: one summary each, staging first.
    let (staging, prod) = markdown
        .split_once("*In environment `prod`*")
        .expect("a section for prod");
    assert!(
        staging.starts_with("*In environment `staging`*"),
        "{markdown}"
    );
    assert!(
        staging.contains("2 .. 6 pods")
            && staging.contains("`replicas` set by environment `staging`"),
        "{markdown}"
    );
    let markdown = prod.trim_start();
    // replicas = 2 .. 60, cpu = 500m .. 1, memory = 512Mi .. 1Gi.
    assert!(
        markdown.starts_with(
            "**service `ingestion`** · 2 .. 60 pods, autoscaled by a HorizontalPodAutoscaler"
        ),
        "{markdown}"
    );
    assert!(
        markdown.contains("- cpu requested: 1 core at 2 pods, 30 cores at 60 (`500m` each)"),
        "{markdown}"
    );
    assert!(
        markdown.contains("- memory requested: 1Gi at 2 pods, 30Gi at 60 (`512Mi` each)"),
        "{markdown}"
    );
    assert!(
        markdown.contains(
            "- scales on queue `ingest-events` at 500 messages per pod and `cpu` at 80 % of the request"
        ),
        "{markdown}"
    );

    // `auth` writes no `scale` block: it scales on the cpu of `defaults`.
    let at = offset(&ws, services, "service auth", 0) + "service ".len();
    let auth = hover::hover(&analysis, services, at, &found).expect("a hover");
    assert!(
        auth.markdown
            .contains("- scales on `cpu` at 70 % of the request"),
        "{}",
        auth.markdown
    );

    // An attribute: its schema row.
    let at = offset(&ws, services, "replicas", 0);
    let replicas = hover::hover(&analysis, services, at, &found).expect("a hover");
    assert!(
        replicas
            .markdown
            .starts_with("**`replicas`** · attribute of `service`")
    );
}

#[test]
fn hover_documents_the_rule_of_a_finding() {
    let services = aether().join("services.scale");
    let text = std::fs::read_to_string(&services)
        .expect("readable")
        .replace("memory   = 512Mi .. 1Gi", "memory   = 512m .. 1Gi");
    let buffer = Buffer {
        path: services.clone(),
        bytes: text.clone().into_bytes(),
    };
    let ws = load(&[services], Some(&buffer));
    let analysis = Analysis::new(&ws.sources, &ws.projects);
    let found = diagnostics(&ws);
    assert!(found.iter().any(|d| d.code.id == "K112"));
    let id = file(&ws, "services.scale");
    let at = text.find("512m").expect("the slip");
    let shown = hover::hover(&analysis, id, at, &found).expect("a hover");
    assert!(
        shown
            .markdown
            .contains("**K112 memory-milli-unit** · error"),
        "{}",
        shown.markdown
    );
    let rule = scalec::lint::find("K112").expect("K112");
    let first_line = rule.doc().lines().nth(1).expect("doc").to_string();
    assert!(shown.markdown.contains(&first_line));
}

#[test]
fn renaming_a_metric_and_a_queue_changes_no_manifest() {
    let (_temp, copy) = copy_of(&aether());
    let before = scalec(&["build", "--stdout", "--env", "prod"], &copy);
    assert!(before.status.success(), "{before:?}");

    for (declared_in, name, new_name) in [
        ("signals.scale", "requests-per-second", "rps"),
        ("signals.scale", "ingest-events", "ingest.events"),
    ] {
        let ws = load(std::slice::from_ref(&copy), None);
        let analysis = Analysis::new(&ws.sources, &ws.projects);
        let id = file(&ws, declared_in);
        let at = offset(&ws, id, name, 0);
        let edits = rename::rename(&analysis, id, at, new_name).expect("a valid name");
        // The queue's staging override names it too.
        let expected = if name == "ingest-events" { 3 } else { 2 };
        assert_eq!(
            edits.len(),
            expected,
            "the declaration, one `scale`, the overrides"
        );
        for source in ws.sources.files() {
            let mine: Vec<&Edit> = edits.iter().filter(|e| e.span.file == source.id).collect();
            if !mine.is_empty() {
                std::fs::write(&source.path, apply(&source.text, &mine)).expect("write");
            }
        }
    }
    let services = std::fs::read_to_string(copy.join("services.scale")).expect("readable");
    assert!(services.contains("scale rps {"));
    assert!(services.contains("scale \"ingest.events\" {"), "{services}");

    // Neither name reaches a manifest, so the build is the same.
    let after = scalec(&["build", "--stdout", "--env", "prod"], &copy);
    assert!(after.status.success(), "{after:?}");
    assert_eq!(
        String::from_utf8_lossy(&before.stdout),
        String::from_utf8_lossy(&after.stdout)
    );
}

#[test]
fn renaming_a_service_renames_its_deployment() {
    let (_temp, copy) = copy_of(&aether());
    let ws = load(std::slice::from_ref(&copy), None);
    let analysis = Analysis::new(&ws.sources, &ws.projects);
    let id = file(&ws, "services.scale");
    let at = offset(&ws, id, "reporting", 0);
    let refused = rename::rename(&analysis, id, at, "ingestion").expect_err("taken");
    assert_eq!(
        refused.reason,
        "this project already has a service named `ingestion`"
    );
    let refused = rename::rename(&analysis, id, at, "aether-data").expect_err("a database");
    assert!(
        refused.reason.contains("database named `aether-data`"),
        "{refused}"
    );
    let edits = rename::rename(&analysis, id, at, "reports").expect("valid");
    // The declaration, and staging's override in environments.scale.
    let overrides = file(&ws, "environments.scale");
    let mut files: Vec<_> = edits.iter().map(|e| e.span.file).collect();
    files.sort();
    let mut expected = vec![id, overrides];
    expected.sort();
    assert_eq!(files, expected);
    for source in [ws.sources.get(id), ws.sources.get(overrides)] {
        let mine: Vec<&Edit> = edits.iter().filter(|e| e.span.file == source.id).collect();
        std::fs::write(&source.path, apply(&source.text, &mine)).expect("write");
    }
    let built = scalec(&["build", "--stdout", "--env", "prod"], &copy);
    assert!(built.status.success(), "{built:?}");
    let manifests = String::from_utf8_lossy(&built.stdout);
    assert!(manifests.contains("name: reports"), "{manifests}");
    assert!(!manifests.contains("name: reporting"));
}

#[test]
fn symbols_outline_a_file_and_search_every_project() {
    let ws = load(&[root().join("policies")], None);
    let analysis = Analysis::new(&ws.sources, &ws.projects);
    let services = file(&ws, "aether/services.scale");
    let outline = symbols::document_symbols(&analysis, services);
    let names: Vec<&str> = outline.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["auth", "ingestion", "prediction", "reporting"]);
    for symbol in &outline {
        assert_eq!(symbol.kind, "service");
        assert_eq!(text_at(&ws, symbol.selection), symbol.name);
        let block = text_at(&ws, symbol.span);
        assert!(
            block.starts_with("service ") && block.ends_with('}'),
            "{block}"
        );
    }
    let ingestion = &outline[1];
    let children: Vec<&str> = ingestion.children.iter().map(|s| s.kind.as_str()).collect();
    assert_eq!(
        children,
        [
            "scale",
            "scale",
            "scale_up",
            "load",
            "files",
            "identity",
            "connections"
        ]
    );

    // Every project: the shop's too.
    let found = symbols::workspace_symbols(&analysis, "order");
    assert!(!found.is_empty());
    for symbol in &found {
        assert!(symbol.name.to_lowercase().contains("order"), "{symbol:?}");
        assert_eq!(text_at(&ws, symbol.span).trim_matches('"'), symbol.name);
    }
    let containers: Vec<&str> = found.iter().map(|s| s.container.as_str()).collect();
    assert!(
        containers
            .iter()
            .any(|c| c.ends_with("policies/shop") || c.starts_with("database")),
        "{containers:?}"
    );
    let all = symbols::workspace_symbols(&analysis, "");
    assert!(
        all.iter()
            .any(|s| s.name == "aether-data" && s.kind == "database")
    );
}

#[test]
fn an_unsaved_buffer_with_a_line_being_typed() {
    let path = aether().join("services.scale");
    let saved = std::fs::read_to_string(&path).expect("readable");
    let typing = saved.replace(
        "  env { LOG_LEVEL = \"info\" }\n",
        "  env { LOG_LEVEL = \"info\" }\n  scale \n",
    );
    assert_ne!(typing, saved);
    let buffer = Buffer {
        path: path.clone(),
        bytes: typing.clone().into_bytes(),
    };
    let ws = load(&[path], Some(&buffer));
    let found = diagnostics(&ws);
    assert!(
        found.iter().any(|d| d.code.id == "E001"),
        "the buffer does not parse"
    );
    let analysis = Analysis::new(&ws.sources, &ws.projects);
    let id = file(&ws, "services.scale");

    // Completion after `scale `: the project's signals, from the other files.
    let at = typing.find("  scale \n").expect("the new line") + "  scale ".len();
    let offered = completion::complete(&analysis, id, at);
    let labels: Vec<&str> = offered.iter().map(|c| c.label.as_str()).collect();
    assert_eq!(
        labels,
        ["cpu", "memory", "ingest-events", "requests-per-second"]
    );
    assert!(offered.iter().all(|c| c.kind == CompletionKind::Signal));

    // The rest of the file still navigates, hovers and outlines.
    let at = typing
        .find("scale requests-per-second")
        .expect("a reference")
        + "scale ".len();
    let found_at = navigate::definition(&analysis, id, at);
    assert_eq!(found_at.len(), 1);
    assert!(
        ws.sources
            .get(found_at[0].file)
            .path
            .ends_with("signals.scale")
    );
    let names: Vec<String> = symbols::document_symbols(&analysis, id)
        .into_iter()
        .map(|s| s.name)
        .collect();
    assert_eq!(names, ["auth", "ingestion", "prediction", "reporting"]);
    let at = typing.find("service prediction").expect("a service") + "service ".len();
    let shown = hover::hover(&analysis, id, at, &found).expect("a hover");
    assert!(
        shown.markdown.contains("3 .. 40 pods"),
        "{}",
        shown.markdown
    );
    // And its tokens are coloured, the unfinished line too.
    let colored = tokens::semantic_tokens(&analysis, id);
    let scale = typing.find("  scale \n").expect("the new line") + 2;
    assert!(
        colored
            .iter()
            .any(|t| t.span.start == scale && t.token_type == TokenType::Keyword)
    );
}

#[test]
fn semantic_tokens_agree_with_the_syntax_tree_on_every_sample() {
    let ws = load(&[root().join("policies")], None);
    let analysis = Analysis::new(&ws.sources, &ws.projects);
    for source in ws.sources.files() {
        let found = tokens::semantic_tokens(&analysis, source.id);
        for pair in found.windows(2) {
            assert!(pair[0].span.end <= pair[1].span.start, "{pair:?}");
        }
        // Every attribute the schema knows is a property; every block kind
        // a keyword.
        let ast = analysis.ast(source.id).expect("the samples parse");
        let mut expected = Vec::new();
        collect(&ast.items, None, &mut expected);
        for (span, token_type) in expected {
            let token = found.iter().find(|t| t.span == span);
            assert_eq!(
                token.map(|t| t.token_type),
                Some(token_type),
                "{}: `{}`",
                source.display_path(),
                &source.text[span.start..span.end]
            );
        }
    }
}

fn collect(items: &[scalec::ast::Item], parent: Option<&str>, out: &mut Vec<(Span, TokenType)>) {
    use scalec::ast::Item;
    use scalec::lower::schema;
    for item in items {
        match item {
            Item::Block(block) => {
                out.push((block.kind.span, TokenType::Keyword));
                collect(&block.items, Some(&block.kind.name), out);
            }
            Item::Attribute(attribute) => {
                let schema = parent.and_then(schema::block).expect("known blocks");
                if schema.free_form || schema.attribute(&attribute.name.name).is_some() {
                    out.push((attribute.name.span, TokenType::Property));
                }
            }
        }
    }
}

/// Every fix a finding suggests, applied alone, removes that finding and
/// adds no other error; every did-you-mean fixture has one.
#[test]
fn each_suggested_fix_removes_its_finding() {
    let mut projects: Vec<PathBuf> = Vec::new();
    for entry in std::fs::read_dir(root().join("tests/fixtures/did-you-mean")).expect("fixtures") {
        projects.push(entry.expect("entry").path());
    }
    projects.sort();
    for name in ["E002-unknown-attribute", "E004-unknown-reference"] {
        projects.push(root().join("tests/fixtures/errors").join(name));
    }
    let mut fixed = 0;
    for project in &projects {
        let (_temp, copy) = copy_of(project);
        let ws = load(std::slice::from_ref(&copy), None);
        let found = diagnostics(&ws);
        let suggested: Vec<&Diagnostic> = found.iter().filter(|d| d.suggestion.is_some()).collect();
        let directory_name = project.ends_with("rewrite-project-directory");
        assert_eq!(
            suggested.len(),
            usize::from(!directory_name),
            "{}: {found:?}",
            project.display()
        );
        fixed += check_fixes(&ws, &found);
    }
    for code in ["K101", "K112", "M201"] {
        let dir = root().join("tests/fixtures/lint").join(code);
        for entry in std::fs::read_dir(&dir).expect("fixtures") {
            let path = entry.expect("entry").path();
            if !path
                .file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("bad"))
            {
                continue;
            }
            // One file as a project of its own, as tests/rules.rs checks it.
            let temp = common::project_dir();
            let copy = temp.path().join(code.to_lowercase());
            std::fs::create_dir(&copy).expect("dir");
            std::fs::copy(&path, copy.join("bad.scale")).expect("copy");
            let ws = load(&[copy], None);
            let found = diagnostics(&ws);
            assert!(
                found
                    .iter()
                    .any(|d| d.code.id == code && d.suggestion.is_some()),
                "{}: no {code} fix",
                path.display()
            );
            fixed += check_fixes(&ws, &found);
        }
    }
    assert!(fixed >= projects.len() + 3, "{fixed} fixes");
}

/// Applies each fix of `found` alone through the code actions; returns how
/// many there were.
fn check_fixes(ws: &Workspace, found: &[Diagnostic]) -> usize {
    let analysis = Analysis::new(&ws.sources, &ws.projects);
    let mut count = 0;
    for (index, finding) in found.iter().enumerate() {
        if finding.suggestion.is_none() {
            continue;
        }
        let offered = actions::code_actions(&analysis, finding.span.file, finding.span, found);
        let fix = offered
            .iter()
            .find(|a| a.fixes == index && a.preferred)
            .expect("the fix is an action");
        let mut texts: Vec<(PathBuf, String)> = Vec::new();
        for source in ws.sources.files() {
            let mine: Vec<&Edit> = fix
                .edits
                .iter()
                .filter(|e| e.span.file == source.id)
                .collect();
            texts.push((source.path.clone(), apply(&source.text, &mine)));
        }
        let mut after = Workspace::default();
        for (path, text) in &texts {
            after.sources.add(path, text);
        }
        after.projects = ws.projects.clone();
        let now = diagnostics(&after);
        let code = finding.code.id;
        let before_count = found.iter().filter(|d| d.code.id == code).count();
        let after_count = now.iter().filter(|d| d.code.id == code).count();
        assert!(
            after_count < before_count,
            "{}: `{}` did not remove {code}: {now:?}",
            ws.sources.get(finding.span.file).display_path(),
            fix.title
        );
        let new_errors: Vec<&Diagnostic> = now
            .iter()
            .filter(|d| d.code.rule.is_none() && !found.iter().any(|f| f.code == d.code))
            .collect();
        assert!(
            new_errors.is_empty(),
            "`{}` added {new_errors:?}",
            fix.title
        );
        count += 1;
    }
    count
}

#[test]
fn allowing_a_finding_silences_it_in_a_real_project() {
    let (_temp, copy) = copy_of(&aether());
    let services = copy.join("services.scale");
    let text = std::fs::read_to_string(&services)
        .expect("readable")
        .replace("replicas = 2 .. 6", "replicas = 1");
    std::fs::write(&services, &text).expect("write");
    let ws = load(std::slice::from_ref(&copy), None);
    let found = diagnostics(&ws);
    let (index, k104) = found
        .iter()
        .enumerate()
        .find(|(_, d)| d.code.id == "K104")
        .expect("a single replica");
    let analysis = Analysis::new(&ws.sources, &ws.projects);
    let offered = actions::code_actions(&analysis, k104.span.file, k104.span, &found);
    let allow = offered
        .iter()
        .find(|a| a.fixes == index && !a.preferred)
        .expect("an allow action");
    let source = ws.sources.get(k104.span.file);
    let edits: Vec<&Edit> = allow.edits.iter().collect();
    let allowed = apply(&source.text, &edits);
    assert!(allowed.contains("  # scalec: allow K104\n"), "{allowed}");
    std::fs::write(&source.path, &allowed).expect("write");
    let checked = scalec(&["check", "--format", "short"], &copy);
    let report = String::from_utf8_lossy(&checked.stdout);
    assert!(!report.contains("[K104]"), "{report}");
    assert!(!report.contains("S002"), "{report}");
    // No reason is invented: S001 asks the user for one.
    assert!(report.contains("[S001]"), "{report}");
}

/// Every feature on every stage of typing a real file: each prefix of the
/// sample files (at every 7th byte and every line end), as an unsaved
/// buffer, the cursor at its end. Each prefix has a syntax tree, nothing
/// panics and every span lies in the text.
#[test]
fn every_stage_of_typing_a_file() {
    for name in ["services.scale", "data.scale"] {
        let path = aether().join(name);
        let full = std::fs::read_to_string(&path).expect("readable");
        let mut cuts: Vec<usize> = (0..full.len()).step_by(7).collect();
        cuts.extend(full.match_indices('\n').map(|(i, _)| i));
        cuts.sort();
        cuts.dedup();
        for cut in cuts.into_iter().filter(|c| full.is_char_boundary(*c)) {
            let text = &full[..cut];
            let buffer = Buffer {
                path: path.clone(),
                bytes: text.as_bytes().to_vec(),
            };
            let ws = load(std::slice::from_ref(&path), Some(&buffer));
            let analysis = Analysis::new(&ws.sources, &ws.projects);
            let found = diagnostics(&ws);
            let id = file(&ws, name);
            assert!(analysis.ast(id).is_some(), "no tree at cut {cut} of {name}");
            let within = |span: Span| {
                let len = ws.sources.get(span.file).text.len();
                assert!(
                    span.start <= span.end && span.end <= len,
                    "{span:?} at cut {cut}"
                );
            };
            for item in completion::complete(&analysis, id, cut) {
                within(item.replace);
            }
            for token in tokens::semantic_tokens(&analysis, id) {
                within(token.span);
            }
            fn outline(symbols: &[symbols::DocumentSymbol], within: &dyn Fn(Span)) {
                for symbol in symbols {
                    within(symbol.span);
                    within(symbol.selection);
                    outline(&symbol.children, within);
                }
            }
            outline(&symbols::document_symbols(&analysis, id), &within);
            for at in [cut.saturating_sub(1), cut / 2] {
                if let Some(shown) = hover::hover(&analysis, id, at, &found) {
                    within(shown.span);
                }
                for span in navigate::references(&analysis, id, at, true) {
                    within(span);
                }
                let range = Span::new(id, at, at);
                for action in actions::code_actions(&analysis, id, range, &found) {
                    action.edits.iter().for_each(|e| within(e.span));
                }
            }
        }
    }
}
