//! `scalec plan --format json`: the replays as one JSON document, whose
//! schema `scalec schema plan` prints.
//!
//! Rates and amounts are decimal numbers in their natural unit (requests or
//! messages per second, cores, bytes); times are whole seconds from the
//! start of the replay.

use schemars::JsonSchema;
use serde::Serialize;

use super::Plan;
use super::profile::Origin;
use crate::model::Autoscaler;
use crate::render::{JsonDiagnostic, json_diagnostic};
use crate::source::SourceMap;

/// The version of this document's shape; it changes when a field changes
/// meaning or goes away.
pub const VERSION: u32 = 1;

/// What `scalec plan --format json` prints.
#[derive(Serialize, JsonSchema)]
pub struct PlanReport {
    pub version: u32,
    /// One replay per project, in the order `check` reads them.
    pub projects: Vec<ProjectPlan>,
}

/// The replay of one project.
#[derive(Serialize, JsonSchema)]
pub struct ProjectPlan {
    pub project: String,
    /// The seconds the replay runs.
    pub duration_seconds: u64,
    pub load: LoadSource,
    pub services: Vec<ServicePlan>,
    pub queues: Vec<QueuePlan>,
    /// The node pool, when the project declares `nodes`.
    pub node_pool: Option<NodePoolPlan>,
    pub not_simulated: Vec<NotSimulated>,
    /// Findings of the replay rules (P codes).
    pub findings: Vec<JsonDiagnostic>,
}

/// Where the load came from.
#[derive(Serialize, JsonSchema)]
pub struct LoadSource {
    /// `load-blocks`, `table` or `loadtest`.
    pub kind: String,
    /// The table's path or the load test's name; none for `load-blocks`.
    pub name: Option<String>,
}

/// One simulated service.
#[derive(Serialize, JsonSchema)]
pub struct ServicePlan {
    pub name: String,
    /// `hpa`, `keda` or `fixed`.
    pub autoscaler: String,
    pub min_replicas: u32,
    pub max_replicas: u32,
    /// `load { startup }`: from scheduled to ready.
    pub startup_seconds: u64,
    /// `load { per_pod }`: what one ready pod serves a second.
    pub per_pod: f64,
    pub peak_replicas: u32,
    pub peak_at_seconds: u64,
    /// The first second at the maximum, if it was reached.
    pub first_at_max_seconds: Option<u64>,
    pub seconds_at_max: u64,
    /// Requests offered and served over the whole replay.
    pub offered_requests: f64,
    pub served_requests: f64,
    /// While at the maximum: requests not served, and messages that arrived
    /// beyond what its pods took from its queues.
    pub dropped_at_max: f64,
    pub queued_at_max: f64,
    /// Pod-seconds spent waiting for room on the nodes.
    pub pending_pod_seconds: u64,
    /// One point per HPA sync (every 15 s).
    pub timeline: Vec<ServicePoint>,
}

#[derive(Serialize, JsonSchema)]
pub struct ServicePoint {
    pub at_seconds: u64,
    pub replicas: u32,
    pub ready: u32,
    pub pending: u32,
    pub offered_per_second: f64,
    pub served_per_second: f64,
    /// Messages taken from its queues.
    pub processed_per_second: f64,
}

/// One queue.
#[derive(Serialize, JsonSchema)]
pub struct QueuePlan {
    pub name: String,
    pub arrived: f64,
    pub processed: f64,
    pub peak_backlog: f64,
    pub peak_at_seconds: u64,
    /// The first second after the peak with nothing waiting; none when the
    /// backlog never drained (or never formed).
    pub drained_at_seconds: Option<u64>,
    pub backlog_at_end: f64,
    pub timeline: Vec<QueuePoint>,
}

#[derive(Serialize, JsonSchema)]
pub struct QueuePoint {
    pub at_seconds: u64,
    pub backlog: f64,
    pub arrivals_per_second: f64,
}

/// The node pool at its maximum count, and what every pod requested of it.
#[derive(Serialize, JsonSchema)]
pub struct NodePoolPlan {
    pub cpu_capacity_cores: f64,
    pub memory_capacity_bytes: f64,
    pub peak_cpu_cores: f64,
    pub peak_memory_bytes: f64,
    pub timeline: Vec<NodePoolPoint>,
}

#[derive(Serialize, JsonSchema)]
pub struct NodePoolPoint {
    pub at_seconds: u64,
    pub cpu_cores: f64,
    pub memory_bytes: f64,
}

#[derive(Serialize, JsonSchema)]
pub struct NotSimulated {
    pub service: String,
    pub reason: String,
}

/// Thousandths as a decimal number.
fn units(milli: impl Into<u128>) -> f64 {
    // Exact for every amount below 2^53 thousandths.
    milli.into() as f64 / 1000.0
}

/// The JSON document of these plans.
pub fn report(plans: &[Plan], sources: &SourceMap) -> String {
    let report = PlanReport {
        version: VERSION,
        projects: plans.iter().map(|plan| project(plan, sources)).collect(),
    };
    crate::render::json_text(&report, 64 * 1024)
}

fn project(plan: &Plan, sources: &SourceMap) -> ProjectPlan {
    let replay = &plan.replay;
    let (kind, name) = match &plan.profile.origin {
        Origin::LoadBlocks => ("load-blocks", None),
        Origin::Table(path) => ("table", Some(path.clone())),
        Origin::LoadTest(name) => ("loadtest", Some(name.clone())),
    };
    ProjectPlan {
        project: plan.project.clone(),
        duration_seconds: replay.duration,
        load: LoadSource {
            kind: kind.to_string(),
            name,
        },
        services: replay
            .services
            .iter()
            .map(|run| ServicePlan {
                name: run.name.clone(),
                autoscaler: match run.autoscaler {
                    Some(Autoscaler::Hpa) => "hpa",
                    Some(Autoscaler::Keda) => "keda",
                    None => "fixed",
                }
                .to_string(),
                min_replicas: run.min,
                max_replicas: run.max,
                startup_seconds: run.startup_seconds,
                per_pod: units(run.per_pod),
                peak_replicas: run.peak.0,
                peak_at_seconds: run.peak.1,
                first_at_max_seconds: run.first_at_max,
                seconds_at_max: run.seconds_at_max,
                offered_requests: units(run.offered_total),
                served_requests: units(run.served_total),
                dropped_at_max: units(run.dropped_at_max),
                queued_at_max: units(run.queued_at_max),
                pending_pod_seconds: run.pending_seconds,
                timeline: run
                    .samples
                    .iter()
                    .map(|s| ServicePoint {
                        at_seconds: s.at,
                        replicas: s.replicas,
                        ready: s.ready,
                        pending: s.pending,
                        offered_per_second: units(s.offered),
                        served_per_second: units(s.served),
                        processed_per_second: units(s.processed),
                    })
                    .collect(),
            })
            .collect(),
        queues: replay
            .queues
            .iter()
            .map(|queue| QueuePlan {
                name: queue.name.clone(),
                arrived: units(queue.arrived_total),
                processed: units(queue.processed_total),
                peak_backlog: units(queue.peak.0),
                peak_at_seconds: queue.peak.1,
                drained_at_seconds: queue.drained_at,
                backlog_at_end: units(queue.last),
                timeline: queue
                    .samples
                    .iter()
                    .map(|&(at, backlog, arrivals)| QueuePoint {
                        at_seconds: at,
                        backlog: units(backlog),
                        arrivals_per_second: units(arrivals),
                    })
                    .collect(),
            })
            .collect(),
        node_pool: replay.cluster.as_ref().map(|cluster| NodePoolPlan {
            cpu_capacity_cores: units(cluster.cpu_capacity),
            memory_capacity_bytes: units(cluster.memory_capacity),
            peak_cpu_cores: units(cluster.peak_cpu),
            peak_memory_bytes: units(cluster.peak_memory),
            timeline: cluster
                .samples
                .iter()
                .map(|&(at, cpu, memory)| NodePoolPoint {
                    at_seconds: at,
                    cpu_cores: units(cpu),
                    memory_bytes: units(memory),
                })
                .collect(),
        }),
        not_simulated: replay
            .skipped
            .iter()
            .map(|s| NotSimulated {
                service: s.name.clone(),
                reason: s.reason.to_string(),
            })
            .collect(),
        findings: plan
            .findings
            .iter()
            .map(|d| json_diagnostic(d, sources))
            .collect(),
    }
}

/// `scalec schema plan`.
pub fn schema() -> String {
    let schema = schemars::schema_for!(PlanReport);
    serde_json::to_string_pretty(&schema).expect("schemas always serialize") + "\n"
}
