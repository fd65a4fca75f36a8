//! checkov, the policy scanner, over the committed manifests: every check it
//! fails on `golden/` must be listed, with its reason, in docs/build.md's
//! "Deliberate checkov findings" table, and every row there must still fail.
//! The test reads the table, so the docs and the gate cannot drift apart.
//!
//! checkov runs offline (`--skip-download`); `.ci/install.d/60-checkov.sh`
//! installs the pinned version.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::Command;

const BUILD_DOC: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/build.md");
const HEADING: &str = "### Deliberate checkov findings";

/// A check and the kind of object it fails on: `("CKV_K8S_43", "Deployment")`.
type Finding = (String, String);

/// The rows of the table under [`HEADING`]: finding → why.
fn deliberate() -> BTreeMap<Finding, String> {
    let doc = std::fs::read_to_string(BUILD_DOC).expect("docs/build.md exists");
    let table = doc
        .split_once(HEADING)
        .unwrap_or_else(|| panic!("docs/build.md has no `{HEADING}` section"))
        .1;
    let mut rows = BTreeMap::new();
    for line in table
        .lines()
        .skip_while(|line| !line.starts_with('|'))
        .take_while(|line| line.starts_with('|'))
        .skip(2)
    {
        let cells: Vec<&str> = line.trim_matches('|').split('|').map(str::trim).collect();
        let [check, kind, why] = cells[..] else {
            panic!("a row of three cells (check, kind, why) expected: {line}");
        };
        assert!(!why.is_empty(), "the row of {check} on {kind} says no why");
        let previous = rows.insert((check.to_string(), kind.to_string()), why.to_string());
        assert!(previous.is_none(), "{check} on {kind} is listed twice");
    }
    assert!(!rows.is_empty(), "the `{HEADING}` table has no rows");
    rows
}

/// checkov's summary and failed checks over `dir`.
fn checkov(dir: &Path) -> (serde_json::Value, Vec<serde_json::Value>) {
    let output = Command::new("checkov")
        .args([
            "--framework",
            "kubernetes",
            "--skip-download",
            "-o",
            "json",
            "-d",
        ])
        .arg(dir)
        .output();
    let output = match output {
        Ok(output) => output,
        Err(error) => panic!(
            "checkov is not installed ({error}): run `bash .ci/install` \
             (its step .ci/install.d/60-checkov.sh installs it)"
        ),
    };
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "checkov wrote no JSON report ({e}); stderr:\n{}",
            String::from_utf8_lossy(&output.stderr)
        )
    });
    // One framework gives one report; checkov lists several as an array.
    let report = match report {
        serde_json::Value::Array(mut reports) => {
            assert_eq!(reports.len(), 1, "one framework, one report");
            reports.remove(0)
        }
        report => report,
    };
    let failed = report["results"]["failed_checks"]
        .as_array()
        .expect("a report lists its failed checks")
        .clone();
    (report["summary"].clone(), failed)
}

/// The check and the kind of object of a failed check: checkov names a
/// resource `KIND.NAMESPACE.NAME`.
fn finding(failed: &serde_json::Value) -> Finding {
    let check = failed["check_id"].as_str().expect("a check id").to_string();
    let resource = failed["resource"].as_str().expect("a resource");
    let kind = resource.split('.').next().unwrap_or(resource).to_string();
    (check, kind)
}

#[test]
fn golden_fails_only_the_deliberate_checkov_checks() {
    let deliberate = deliberate();
    let golden = Path::new(env!("CARGO_MANIFEST_DIR")).join("golden");
    let (summary, failed) = checkov(&golden);
    assert_eq!(
        summary["parsing_errors"], 0,
        "checkov could not parse golden/: {summary}"
    );
    assert!(
        summary["passed"].as_u64().is_some_and(|n| n > 0),
        "checkov checked nothing in golden/: {summary}"
    );
    let mut found: BTreeMap<Finding, Vec<String>> = BTreeMap::new();
    for check in &failed {
        found.entry(finding(check)).or_default().push(format!(
            "{} ({}): {}",
            check["resource"].as_str().unwrap_or(""),
            check["file_path"].as_str().unwrap_or(""),
            check["check_name"].as_str().unwrap_or("")
        ));
    }
    let unexpected: Vec<String> = (found.iter())
        .filter(|(finding, _)| !deliberate.contains_key(*finding))
        .flat_map(|(_, resources)| resources.clone())
        .collect();
    assert!(
        unexpected.is_empty(),
        "checkov fails checks on golden/ that docs/build.md does not list as deliberate; \
         fix the manifests, or add a row with the reason:\n{}",
        unexpected.join("\n")
    );
    let stale: BTreeSet<&Finding> = (deliberate.keys())
        .filter(|finding| !found.contains_key(*finding))
        .collect();
    assert!(
        stale.is_empty(),
        "docs/build.md lists deliberate checkov findings that no longer fail; remove their rows: {stale:?}"
    );
}

/// The gate is not vacuous: a policy that relaxes the pod's hardening fails
/// the checks its relaxations weaken.
#[test]
fn a_relaxed_pod_fails_the_checks_it_relaxes() {
    let dir = tempfile::Builder::new()
        .prefix("scalec-")
        .tempdir()
        .expect("a temporary directory");
    let policies = dir.path().join("relaxed");
    std::fs::create_dir(&policies).expect("policy directory");
    std::fs::write(
        policies.join("app.scale"),
        r#"
cluster { namespace = "relaxed" }

service legacy {
  image    = "registry.example.com/legacy:1.0.0"
  cpu      = 100m .. 200m
  memory   = 128Mi .. 256Mi
  replicas = 2

  security {
    run_as_root   = true
    writable_root = true
    reason        = "a vendor image that runs as root and writes under /var"
  }
  identity { kubernetes_api = true }
}
"#,
    )
    .expect("policy written");
    let out = dir.path().join("out");
    let build = Command::new(env!("CARGO_BIN_EXE_scalec"))
        .arg("build")
        .arg(&policies)
        .arg("-o")
        .arg(&out)
        .output()
        .expect("scalec runs");
    assert!(
        build.status.success(),
        "{}",
        String::from_utf8_lossy(&build.stderr)
    );
    let (_, failed) = checkov(&out);
    let checks: BTreeSet<String> = failed.iter().map(|f| finding(f).0).collect();
    // Root (CKV_K8S_23), a low user (CKV_K8S_40), a writable root
    // (CKV_K8S_22) and a mounted token (CKV_K8S_38).
    for check in ["CKV_K8S_22", "CKV_K8S_23", "CKV_K8S_38", "CKV_K8S_40"] {
        assert!(checks.contains(check), "{check} should fail: {checks:?}");
    }
    // What no relaxation touches still passes.
    for check in ["CKV_K8S_20", "CKV_K8S_28", "CKV_K8S_31", "CKV_K8S_37"] {
        assert!(!checks.contains(check), "{check} should pass: {checks:?}");
    }
}
