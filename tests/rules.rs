//! The rule table and every rule's fixtures.
//!
//! Each rule has `tests/fixtures/lint/CODE/bad.scale`, where every expected
//! finding is marked on its line with `# expect: CODE` (or on the line before
//! with `# expect-next: CODE`), and `good.scale`, with near misses that must
//! stay silent. The fixtures are checked with only that rule enabled, and the
//! human report of `bad.scale` is an insta snapshot.

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use scalec::diag::Diagnostic;
use scalec::discover::Workspace;
use scalec::lint::{self, Options, RULES, RuleId};
use scalec::render::{self, Format, HumanOptions};
use scalec::source::ProjectFiles;

const FIXTURES: &str = "tests/fixtures/lint";
const RULES_DOC: &str = "docs/rules.md";

/// Checks one file as a project of its own, with only `code` enabled.
fn check_file(path: &Path, code: RuleId) -> (Vec<Diagnostic>, String) {
    let text = fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut workspace = Workspace::default();
    let id = workspace.sources.add(path, &text);
    workspace.projects.push(ProjectFiles {
        dir: path
            .parent()
            .expect("fixtures are in a directory")
            .to_path_buf(),
        output: PathBuf::from(code.as_str()),
        files: vec![id],
    });
    let options = Options {
        allow: RULES
            .iter()
            .map(|r| r.id)
            .filter(|id| *id != code)
            .collect(),
        verbose: true,
        ..Options::default()
    };
    let mut compilation = scalec::compile(&workspace.sources, &workspace.projects, &options);
    // A replay rule judges `scalec plan`'s replay of the `load` blocks.
    if code.rule().replay {
        for project in &compilation.projects {
            // A load table beside the fixture (`bad.load`) replaces them.
            let table = path.with_extension("load");
            let profile = if table.exists() {
                let text = fs::read_to_string(&table).expect("the load table is readable");
                let id = workspace.sources.add(&table, &text);
                scalec::plan::profile::Profile::parse_table(workspace.sources.get(id), project)
                    .unwrap_or_else(|e| panic!("{}: {e:?}", table.display()))
            } else {
                scalec::plan::profile::Profile::from_load_blocks(project)
            };
            let plan = scalec::plan::plan(project, code.as_str(), profile, &options);
            compilation.diagnostics.extend(plan.findings);
        }
    }
    // Guards cannot be allowed: leave out those of other rules.
    compilation
        .diagnostics
        .retain(|d| d.code.rule == Some(code) || d.guard.is_none());
    let human = render::render(
        &compilation.diagnostics,
        &workspace.sources,
        Format::Human,
        HumanOptions {
            color: false,
            width: 100,
        },
    );
    (compilation.diagnostics, human)
}

/// The `(line, code)` pairs a fixture expects, from its `# expect:` marks.
fn expectations(path: &Path) -> Vec<(usize, String)> {
    common::expectations(&fs::read_to_string(path).expect("fixture is readable"))
}

fn line_of(path: &Path, offset: usize) -> usize {
    let text = fs::read_to_string(path).expect("fixture is readable");
    text[..offset].matches('\n').count() + 1
}

#[test]
fn rule_table_is_sorted_with_unique_codes_and_names() {
    let codes: Vec<&str> = RULES.iter().map(|r| r.id.as_str()).collect();
    let mut sorted = codes.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(codes, sorted, "codes must be unique and sorted");
    let mut names: Vec<&str> = RULES.iter().map(|r| r.name).collect();
    names.sort();
    names.dedup();
    assert_eq!(names.len(), RULES.len(), "names must be unique");
    for rule in RULES {
        assert!(
            rule.name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c == '-'),
            "{} is not kebab-case",
            rule.name
        );
    }
}

#[test]
fn every_rule_file_is_in_the_table() {
    let mut files: Vec<String> = fs::read_dir("src/lint/rules")
        .expect("rules directory")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|name| name != "mod.rs")
        .collect();
    files.sort();
    let table: Vec<String> = RULES
        .iter()
        .map(|r| {
            format!(
                "{}_{}.rs",
                r.id.as_str().to_lowercase(),
                r.name.replace('-', "_")
            )
        })
        .collect();
    assert_eq!(files, table, "one file per rule, named CODE_NAME.rs");
}

#[test]
fn every_rule_doc_has_the_headings_in_order() {
    for rule in RULES {
        let doc = rule.doc();
        let mut at = 0;
        for heading in lint::docs::HEADINGS {
            let found = doc[at..].find(heading);
            assert!(
                found.is_some(),
                "{} lacks `{heading}` (in this order)",
                rule.id.as_str()
            );
            at += found.unwrap_or(0) + heading.len();
        }
        assert!(
            doc.contains("```scale"),
            "{}'s example is not a scale snippet",
            rule.id.as_str()
        );
        assert!(
            !doc.contains("TODO"),
            "{} has a placeholder",
            rule.id.as_str()
        );
    }
}

/// The fixture files of a rule whose names start with `kind` (`bad`, `good`):
/// `bad.scale`, `bad-defaults.scale`, ... Each file is a project of its own.
fn fixtures(code: &str, kind: &str) -> Vec<PathBuf> {
    let dir = Path::new(FIXTURES).join(code);
    let mut files: Vec<PathBuf> = fs::read_dir(&dir)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok())
                .map(|e| e.path())
                .filter(|p| {
                    let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
                    name.starts_with(kind) && name.ends_with(".scale")
                })
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
}

/// The rules under test: all, or those named in `SCALEC_RULE` (`K105,K106`),
/// for working on a few rules at a time.
fn rules_under_test() -> Vec<&'static lint::Rule> {
    let only = std::env::var("SCALEC_RULE").unwrap_or_default();
    RULES
        .iter()
        .copied()
        .filter(|r| only.is_empty() || only.split(',').any(|c| c.trim() == r.id.as_str()))
        .collect()
}

/// Checks one rule's fixtures: every `bad*.scale` fires exactly where it is
/// marked (and its report is snapshotted), every `good*.scale` is silent.
fn check_rule(rule: &lint::Rule) {
    let mut failures = Vec::new();
    let (bad, good) = (
        fixtures(rule.id.as_str(), "bad"),
        fixtures(rule.id.as_str(), "good"),
    );
    assert!(
        !bad.is_empty() && !good.is_empty(),
        "{}: needs bad*.scale and good*.scale in {FIXTURES}/{}",
        rule.id.as_str(),
        rule.id.as_str()
    );
    let mut snapshots = Vec::new();
    for path in &bad {
        let expected = expectations(path);
        if expected.is_empty() {
            failures.push(format!(
                "{}: marks no `# expect: {}`",
                path.display(),
                rule.id.as_str()
            ));
        }
        let (found, human) = check_file(path, rule.id);
        let mut actual: Vec<(usize, String)> = found
            .iter()
            .map(|d| (line_of(path, d.span.start), d.code.id.to_string()))
            .collect();
        actual.sort();
        if actual != expected {
            failures.push(format!(
                "{}\n  expected {expected:?}\n  found    {actual:?}\n{human}",
                path.display()
            ));
        }
        let stem = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or("bad")
            .to_string();
        snapshots.push((format!("{}-{stem}", rule.id.as_str()), human));
    }
    for path in &good {
        let (found, human) = check_file(path, rule.id);
        if !found.is_empty() {
            failures.push(format!("{} must be silent:\n{human}", path.display()));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    for (name, human) in snapshots {
        insta::assert_snapshot!(name, human);
    }
}

/// One test per rule, so a failure names its rule. The list must name every
/// [`RuleId`]: `tested` matches on all of them, so a rule without a test does
/// not compile.
macro_rules! rule_tests {
    ($($test:ident => $id:ident),* $(,)?) => {
        $(
            #[test]
            fn $test() {
                let rule = RuleId::$id.rule();
                if rules_under_test().iter().any(|r| r.id == rule.id) {
                    check_rule(rule);
                }
            }
        )*

        #[allow(dead_code)]
        fn tested(id: RuleId) {
            match id {
                $(RuleId::$id => {})*
            }
        }
    };
}

rule_tests! {
    k101 => K101, k102 => K102, k103 => K103, k104 => K104, k105 => K105,
    k106 => K106, k107 => K107, k108 => K108, k109 => K109, k110 => K110,
    k111 => K111, k112 => K112, k113 => K113, k114 => K114, k115 => K115,
    k116 => K116, k117 => K117, k118 => K118, k119 => K119, k120 => K120,
    k121 => K121, k122 => K122, k123 => K123, k124 => K124, k125 => K125,
    k126 => K126,
    k127 => K127,
    k128 => K128, k129 => K129, k130 => K130, k131 => K131,
    m201 => M201, m202 => M202, m203 => M203, m204 => M204, m205 => M205,
    m206 => M206, m207 => M207, m208 => M208, m209 => M209, m210 => M210,
    m211 => M211, m212 => M212, m213 => M213, m214 => M214,
    c301 => C301, c302 => C302, c303 => C303, c304 => C304, c305 => C305, c306 => C306, c307 => C307,
    c308 => C308, c309 => C309,
    p401 => P401, p402 => P402, p403 => P403, p404 => P404,
    s001 => S001, s002 => S002, s003 => S003,
}

#[test]
fn findings_use_the_rule_severities() {
    // Every finding is at the rule's default severity or milder, as documented.
    for rule in rules_under_test() {
        for path in fixtures(rule.id.as_str(), "bad") {
            let (found, _) = check_file(&path, rule.id);
            for finding in found {
                assert!(
                    finding.severity >= rule.severity,
                    "{}: {:?} above default",
                    rule.id.as_str(),
                    finding.severity
                );
            }
        }
    }
}

#[test]
fn rules_doc_is_current() {
    let expected = lint::docs::rules_markdown();
    if std::env::var_os("SCALEC_BLESS").is_some_and(|v| v == "1") {
        fs::write(RULES_DOC, &expected).expect("docs/rules.md is writable");
        return;
    }
    let actual = fs::read_to_string(RULES_DOC).unwrap_or_default();
    assert!(
        actual == expected,
        "docs/rules.md is stale: run `SCALEC_BLESS=1 cargo test --test rules` and review the diff"
    );
}
