//! Every rule over policies at the edges of what lowering accepts: counts at
//! their limits (Kubernetes' int32 maximum, `u32::MAX` nodes), the largest
//! quantities each unit can hold, and zeros. Debug builds panic on integer
//! overflow, so `cargo test` proves no rule's arithmetic overflows or
//! divides by zero on any of them; emit must handle the same projects.

use std::path::{Path, PathBuf};

use crate::diag::{Diagnostic, Severity};
use crate::model::Project;
use crate::source::SourceMap;

/// The largest value each kind of number can take, as a policy writes it.
struct Max {
    /// Kubernetes' int32 maximum: replica counts, rate pods, disruption pods.
    int32: String,
    /// `u32::MAX`: node counts.
    nodes: String,
    /// `u64::MAX` millicores.
    cpu: String,
    /// 2^63 − 1 bytes: the largest Kubernetes quantity.
    memory: String,
    /// `u64::MAX` thousandths: load.
    number: String,
    /// `u64::MAX / 1000`: cardinality.
    whole: String,
    /// 2^63 − 1: the largest Kubernetes quantity, for metric targets.
    metric: String,
    /// `u32::MAX` parts per million.
    percent: String,
    /// The largest whole percentage.
    whole_percent: String,
}

fn max() -> Max {
    let thousandths = |n: u128| format!("{}.{:03}", n / 1000, n % 1000);
    Max {
        int32: i32::MAX.to_string(),
        nodes: u32::MAX.to_string(),
        cpu: format!("{}m", u64::MAX),
        memory: i64::MAX.to_string(),
        number: thousandths(u128::from(u64::MAX)),
        whole: (u64::MAX / 1000).to_string(),
        metric: i64::MAX.to_string(),
        percent: format!("{}.{:04}%", u32::MAX / 10_000, u32::MAX % 10_000),
        whole_percent: format!("{}%", u32::MAX / 10_000),
    }
}

/// Lowers one policy, which must lower cleanly.
fn lower(text: &str) -> (Project, SourceMap) {
    let mut sources = SourceMap::new();
    let file = sources.add("extreme/policy.scale", text);
    let mut sink: Vec<Diagnostic> = Vec::new();
    let ast = crate::syntax::parse_file(sources.get(file), &mut sink).expect("the policy parses");
    let project = crate::lower::lower_project(PathBuf::from("extreme"), &[ast], &mut sink);
    let errors: Vec<_> = sink
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .map(|d| d.message.clone())
        .collect();
    assert!(errors.is_empty(), "{text}\nlowering failed: {errors:#?}");
    (project, sources)
}

/// Runs every rule, then emit, over the policy; returns the findings.
///
/// Emit runs only where no finding is an error, as in a build, and where
/// databases are small: it writes one replica set per
/// shard, so 150,000 shards cost time (linear, not overflow) that this test
/// need not spend; its int32 fields are the same either way.
fn run_everything(text: &str) -> Vec<Diagnostic> {
    let (project, sources) = lower(text);
    let findings = super::run(&project, &super::Options::default());
    let clean = findings
        .iter()
        .all(|f| f.severity != crate::diag::Severity::Error);
    if clean && project.databases.iter().all(|d| d.shards.value <= 100) {
        let files = crate::emit::emit_project(&project, Path::new("out/extreme"), &sources);
        assert!(!files.is_empty());
    }
    findings
}

fn policies() -> Vec<String> {
    let m = max();
    let service = |name: &str, body: &str| {
        format!("service {name} {{\n  image = \"registry.example.com/{name}:1.0.0\"\n{body}\n}}\n")
    };
    let services = |replicas: &str, cpu: &str, memory: &str, percent: &str, rest: &str| {
        [
            service(
                "a",
                &format!(
                    "  port = 8080\n  health = \"/h\"\n  cpu = {cpu}\n  memory = {memory}\n  replicas = {replicas}\n  scale cpu {{ utilization = {percent} }}\n  scale memory {{ utilization = {percent} }}\n{rest}"
                ),
            ),
            service(
                "b",
                &format!(
                    "  cpu = {cpu} .. {cpu}\n  memory = {memory} .. {memory}\n  replicas = {replicas}\n  scale cpu {{ average = {cpu} }}\n  scale memory {{ average = {memory} }}\n  scale rps {{ average = {} }}\n  scale backlog {{ average = {} }}\n  scale hits {{ total = {} }}\n{rest}",
                    m.metric, m.whole, m.metric
                ),
            ),
            service("c", &format!("  replicas = {replicas}\n{rest}")),
        ]
        .concat()
    };
    let declarations = |nodes: &str, cpu: &str, memory: &str| {
        format!(
            "cluster prod {{\n  kubernetes = \"1.33\"\n  nodes {{\n    count = {nodes}\n    cpu = {cpu}\n    memory = {memory}\n  }}\n}}\nmetric rps {{ kind = pods }}\nmetric hits {{ kind = external }}\nqueue backlog {{\n  provider = aws-sqs\n  url = \"https://sqs.us-east-1.amazonaws.com/1/q\"\n}}\n"
        )
    };
    let behavior = |pods: &str, percent: &str, tolerance: &str, window: &str| {
        format!(
            "  scale_up {{\n    rate = [{percent} per 30m, {pods} per 1s]\n    tolerance = {tolerance}\n    stabilization = {window}\n  }}\n  scale_down {{\n    rate = {pods} per 1s\n    stabilization = {window}\n    select = min\n  }}\n"
        )
    };
    let load = |peak: &str, per_pod: &str| {
        format!("  load {{\n    peak = {peak}\n    per_pod = {per_pod}\n  }}\n")
    };
    let disruption = |bound: &str| format!("  disruption {{ min_available = {bound} }}\n");
    let database = |shards: &str,
                    members: &str,
                    config: &str,
                    routers: &str,
                    cardinality: &str,
                    share: &str| {
        format!(
            "database orders {{\n  engine = mongodb\n  shards = {shards}\n  members = {members}\n  config_servers = {config}\n  routers = {routers}\n  storage = {}\n  collection a {{\n    shard_key = [k, hashed(_id)]\n    field k {{\n      type = int\n      cardinality = {cardinality}\n      top_share = {share}\n    }}\n  }}\n  collection b {{\n    shard_key = created\n    field created {{ type = date }}\n  }}\n}}\n",
            m.memory
        )
    };
    let highest = format!("{} .. {}", m.int32, m.int32);
    let widest = format!("0 .. {}", m.int32);
    vec![
        // Everything at its largest.
        declarations(&m.nodes, &m.cpu, &m.memory)
            + &services(
                &highest,
                &m.cpu,
                &m.memory,
                &m.whole_percent,
                &(behavior(&m.int32, &m.whole_percent, &m.percent, "1h")
                    + &load(&m.number, &m.number)
                    + &disruption(&m.int32)),
            )
            + &database("1", "50", "50", "50", &m.whole, "100%"),
        // The widest ranges, the smallest pool.
        declarations(&format!("0 .. {}", m.nodes), "1m", "1")
            + &services(
                &widest,
                "1m",
                "1m",
                "1%",
                &(behavior("1", "1%", "0%", "0s")
                    + &load(&m.number, "0.001")
                    + &disruption(&m.whole_percent)),
            )
            + &database("2998", "50", "50", "50", "1", "0%"),
        // Zeros wherever lowering takes them.
        declarations("0", "0", "0")
            + &services(
                "0",
                "0",
                "0",
                "0%",
                &(behavior("1", "1%", "0%", "0s") + &load("0", "1") + &disruption("0")),
            )
            + &database("1", "1", "1", "1", "0", "0%"),
        // A fixed size at the int32 maximum, with huge requests and a tiny pool.
        declarations("1", "1m", "1")
            + &services(
                &m.int32,
                &m.cpu,
                &m.memory,
                "100%",
                &(load(&m.number, "0.001") + &disruption("100%")),
            )
            + &database("149997", "1", "1", "1", "1", "100%"),
    ]
}

#[test]
fn every_rule_survives_extreme_values() {
    for policy in policies() {
        let findings = run_everything(&policy);
        // The rules did look: extreme policies are unsafe in many ways.
        assert!(!findings.is_empty(), "{policy}");
        // No policy writes a number near u128::MAX (quantities stop at
        // 2^63 − 1), so one in a finding would be a saturated result: an
        // invented number, not a computed one.
        let saturated = u128::MAX.to_string()[..30].to_string();
        for finding in &findings {
            let texts = [
                Some(&finding.message),
                finding.label.as_ref(),
                finding.help.as_ref(),
            ]
            .into_iter()
            .flatten()
            .chain(finding.related.iter().map(|r| &r.message));
            for text in texts {
                assert!(!text.contains(&saturated), "{}: {text}", finding.code.id);
            }
        }
    }
}

#[test]
fn k103_suggests_a_range_within_the_int32_limit() {
    let m = max();
    let policy = format!(
        "service api {{\n  image = \"a:1\"\n  cpu = 1\n  replicas = {0} .. {0}\n  scale cpu {{ utilization = 70% }}\n}}\n",
        m.int32
    );
    let findings = run_everything(&policy);
    let k103 = findings
        .iter()
        .find(|d| d.code.rule == Some(crate::lint::RuleId::K103))
        .expect("K103 fires on min = max");
    let help = k103.help.as_deref().unwrap_or_default();
    assert!(
        help.contains("2147483647 is the most replicas Kubernetes allows"),
        "{help}"
    );
    assert!(!help.contains("2147483648"), "{help}");
}
