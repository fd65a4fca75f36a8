//! The README quotes real output; this test keeps the quotes true.
//!
//! Each block between `<!-- readme: NAME -->` and `<!-- /readme -->` is the
//! output of a command. `SCALEC_BLESS=1 cargo test --test readme` rewrites
//! them (review the diff).

use std::process::Command;

fn scalec(args: &[&str]) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_scalec"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("scalec runs");
    String::from_utf8(output.stdout).expect("UTF-8 output")
}

const E002: &str = "tests/fixtures/errors/E002-unknown-attribute";

fn scalec_stderr(args: &[&str]) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_scalec"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("scalec runs");
    String::from_utf8(output.stderr).expect("UTF-8 output")
}

/// The human report of one finding of the showcase.
fn showcase_finding(code: &str) -> String {
    let report = scalec(&["check", "tests/fixtures/showcase"]);
    let start = report
        .find(&format!("{code}\n\n"))
        .expect("the showcase has this finding");
    let rest = &report[start..];
    let end = rest
        .find("\n\n\n")
        .or_else(|| rest[1..].find("\n\nK").map(|i| i + 1))
        .unwrap_or(rest.len());
    rest[..end].trim_end().to_string()
}

/// The YAML document of `kind` in a generated file, as written there.
fn golden_document(path: &str, kind: &str) -> String {
    let text = std::fs::read_to_string(path).expect("golden/ is checked in");
    text.split("---\n")
        .find(|document| document.contains(&format!("\nkind: {kind}\n")))
        .expect("the file holds that kind")
        .to_string()
}

/// The `plan` of a shard script: the database and each collection's key.
fn shard_plan(path: &str) -> String {
    let text = std::fs::read_to_string(path).expect("golden/ is checked in");
    let start = text
        .find("  const plan = {")
        .expect("the script has a plan");
    let end =
        start + text[start..].find("\n  };\n").expect("the plan is closed") + "\n  };\n".len();
    let plan: String = text[start..end]
        .lines()
        .map(|l| format!("{}\n", l.strip_prefix("  ").unwrap_or(l)))
        .collect();
    plan
}

fn expected_blocks() -> Vec<(&'static str, String)> {
    let short = scalec(&["check", "--format", "short", "tests/fixtures/showcase"]);
    vec![
        (
            "check-e002",
            format!(
                "```console\n$ scalec check {E002}\n{}\n\n{}\n```\n",
                scalec(&["check", E002]).trim_end(),
                scalec_stderr(&["check", E002]).trim_end()
            ),
        ),
        (
            "check-e002-short",
            format!(
                "```console\n$ scalec check --format short {E002}\n{}```\n",
                scalec(&["check", "--format", "short", E002])
            ),
        ),
        (
            "showcase",
            format!(
                "```console\n$ scalec check --format short tests/fixtures/showcase\n{short}```\n"
            ),
        ),
        (
            "showcase-k105",
            format!("```text\n{}\n```\n", showcase_finding("K105")),
        ),
        (
            "golden-hpa",
            format!(
                "```yaml\n{}```\n",
                golden_document(
                    "golden/aether/prod/ingestion.yaml",
                    "HorizontalPodAutoscaler"
                )
            ),
        ),
        (
            "golden-shard-plan",
            format!(
                "```js\n{}```\n",
                shard_plan("golden/aether/prod/aether-data-shard-setup.js")
            ),
        ),
        (
            "plan-aether",
            format!(
                "```console\n$ scalec plan policies/aether --env prod --at 30m\n{}```\n",
                scalec(&["plan", "policies/aether", "--env", "prod", "--at", "30m"])
            ),
        ),
        (
            "explain-k104",
            format!(
                "```console\n$ scalec explain K104\n{}```\n",
                scalec(&["explain", "K104"])
            ),
        ),
    ]
}

#[test]
fn readme_quotes_real_output() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/README.md");
    let mut readme = std::fs::read_to_string(path).expect("README.md exists");
    let mut stale = Vec::new();
    let blocks = expected_blocks();
    for marker in readme.match_indices("<!-- readme: ") {
        let name = readme[marker.0 + marker.1.len()..]
            .split(' ')
            .next()
            .unwrap_or("");
        assert!(
            blocks.iter().any(|(n, _)| *n == name),
            "README.md quotes `{name}`, which no test produces"
        );
    }
    for (name, expected) in blocks {
        let marker = format!("<!-- readme: {name} -->\n");
        let start = readme
            .find(&marker)
            .map(|i| i + marker.len())
            .unwrap_or_else(|| panic!("no {marker}"));
        let end = start
            + readme[start..]
                .find("<!-- /readme -->")
                .expect("closed block");
        if readme[start..end] != expected {
            stale.push(name);
            readme.replace_range(start..end, &expected);
        }
    }
    if std::env::var_os("SCALEC_BLESS").is_some_and(|v| v == "1") {
        std::fs::write(path, readme).expect("README.md is writable");
        return;
    }
    assert!(
        stale.is_empty(),
        "README.md quotes stale output for {stale:?}: run `SCALEC_BLESS=1 cargo test --test readme`"
    );
}
