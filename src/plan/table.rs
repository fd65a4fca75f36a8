//! The human report of a replay: one table per project, then a timeline.

use std::fmt::Write;

use super::profile::{Origin, Profile};
use super::replay::{Replay, Sample, ServiceReplay};
use super::{Plan, clock, profile};
use crate::lint::capacity::{Kind, share};
use crate::model::Autoscaler;

/// Rows of the timeline: one every this many seconds.
const TIMELINE_STEP: u64 = 300;

/// Thousandths rounded to a whole number.
pub fn whole(milli: u128) -> u128 {
    (milli + 500) / 1000
}

/// Thousandths rounded to a whole number, in groups of three digits:
/// `4,200,000`.
pub fn grouped(milli: u128) -> String {
    let digits = whole(milli).to_string();
    let mut out = String::new();
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

/// The report of one project; `at` shows the state at that second instead
/// of the timeline.
pub fn report(plan: &Plan, at: Option<u64>) -> String {
    let mut out = String::new();
    let replay = &plan.replay;
    let _ = writeln!(
        out,
        "{}: {} of load {}",
        plan.project,
        clock(replay.duration),
        origin(&plan.profile)
    );
    out.push('\n');
    services(&mut out, replay);
    queues(&mut out, replay);
    cluster(&mut out, replay);
    if !replay.skipped.is_empty() {
        out.push_str("not simulated:\n");
        for skipped in &replay.skipped {
            let _ = writeln!(out, "  {}: {}", skipped.name, skipped.reason);
        }
        out.push('\n');
    }
    match at {
        Some(at) => moment(&mut out, replay, at),
        None => timeline(&mut out, replay),
    }
    out
}

/// Where the load came from, in words.
fn origin(profile: &Profile) -> String {
    match &profile.origin {
        Origin::LoadBlocks => format!(
            "from the `load` blocks: a ramp to each peak over {}, {} at it, {} down, {} after",
            clock(profile::RAMP_SECONDS),
            clock(profile::HOLD_SECONDS),
            clock(profile::RAMP_DOWN_SECONDS),
            clock(profile::TAIL_SECONDS)
        ),
        Origin::Table(path) => format!("from `{path}`"),
        Origin::LoadTest(name) => format!("from load test `{name}`"),
    }
}

/// Left-aligned columns, two spaces apart.
fn columns(out: &mut String, rows: &[Vec<String>]) {
    let count = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..count)
        .map(|c| {
            rows.iter()
                .filter_map(|r| r.get(c))
                .map(|cell| cell.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    for row in rows {
        let mut line = String::new();
        for (c, cell) in row.iter().enumerate() {
            line.push_str(cell);
            if c + 1 < row.len() {
                let pad = widths[c] - cell.chars().count() + 2;
                line.extend(std::iter::repeat_n(' ', pad));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out.push('\n');
}

fn scaler(run: &ServiceReplay) -> &'static str {
    match run.autoscaler {
        Some(Autoscaler::Hpa) => "hpa",
        Some(Autoscaler::Keda) => "keda",
        None => "fixed",
    }
}

fn services(out: &mut String, replay: &Replay) {
    if replay.services.is_empty() {
        out.push_str("no service has a `load` block: nothing to simulate\n\n");
        return;
    }
    let mut rows = vec![
        [
            "service",
            "scaler",
            "replicas",
            "start",
            "peak pods",
            "at max",
            "offered",
            "served",
        ]
        .map(String::from)
        .to_vec(),
    ];
    for run in &replay.services {
        let at_max = match run.first_at_max {
            Some(from) => format!("{} from {}", clock(run.seconds_at_max), clock(from)),
            None => "never".to_string(),
        };
        let offered = run.offered_total;
        rows.push(vec![
            run.name.clone(),
            scaler(run).to_string(),
            format!("{} .. {}", run.min, run.max),
            clock(run.startup_seconds),
            format!("{} at {}", run.peak.0, clock(run.peak.1)),
            at_max,
            if offered == 0 {
                "-".to_string()
            } else {
                format!("{} req", grouped(offered))
            },
            if offered == 0 {
                "-".to_string()
            } else {
                share(run.served_total, offered)
            },
        ]);
    }
    columns(out, &rows);
}

fn queues(out: &mut String, replay: &Replay) {
    if replay.queues.is_empty() {
        return;
    }
    let mut rows = vec![
        [
            "queue",
            "arrived",
            "processed",
            "peak backlog",
            "drained",
            "at the end",
        ]
        .map(String::from)
        .to_vec(),
    ];
    for queue in &replay.queues {
        let drained = match (queue.peak.0, queue.drained_at) {
            (0, _) => "-".to_string(),
            (_, Some(at)) => format!("{} after the peak", clock(at - queue.peak.1)),
            (_, None) => "never".to_string(),
        };
        rows.push(vec![
            queue.name.clone(),
            format!("{} msg", grouped(queue.arrived_total)),
            format!("{} msg", grouped(queue.processed_total)),
            format!(
                "{} at {}",
                grouped(u128::from(queue.peak.0)),
                clock(queue.peak.1)
            ),
            drained,
            grouped(u128::from(queue.last)),
        ]);
    }
    columns(out, &rows);
}

fn cluster(out: &mut String, replay: &Replay) {
    let Some(cluster) = &replay.cluster else {
        return;
    };
    let rows = vec![
        ["node pool", "peak requested", "of the pool at its maximum"]
            .map(String::from)
            .to_vec(),
        vec![
            "cpu".into(),
            format!(
                "{} ({})",
                Kind::Cpu.amount(cluster.peak_cpu),
                share(cluster.peak_cpu, cluster.cpu_capacity)
            ),
            Kind::Cpu.amount(cluster.cpu_capacity),
        ],
        vec![
            "memory".into(),
            format!(
                "{} ({})",
                Kind::Memory.amount(cluster.peak_memory),
                share(cluster.peak_memory, cluster.memory_capacity)
            ),
            Kind::Memory.amount(cluster.memory_capacity),
        ],
    ];
    columns(out, &rows);
}

/// The sample at or before `at`.
fn sample_at(run: &ServiceReplay, at: u64) -> Option<&Sample> {
    run.samples.iter().rev().find(|s| s.at <= at)
}

fn timeline(out: &mut String, replay: &Replay) {
    if replay.services.is_empty() {
        return;
    }
    out.push_str("timeline: pods (ready) and requests + messages per second\n");
    let mut rows = vec![
        std::iter::once("time".to_string())
            .chain(replay.services.iter().map(|r| r.name.clone()))
            .collect::<Vec<_>>(),
    ];
    let mut at = 0;
    while at <= replay.duration {
        let mut row = vec![clock(at)];
        for run in &replay.services {
            row.push(match sample_at(run, at) {
                Some(s) => format!(
                    "{} ({}) {}/s",
                    s.replicas,
                    s.ready,
                    whole(u128::from(s.offered) + u128::from(s.processed))
                ),
                None => "-".into(),
            });
        }
        rows.push(row);
        at += TIMELINE_STEP;
    }
    columns(out, &rows);
}

fn moment(out: &mut String, replay: &Replay, at: u64) {
    let at = at.min(replay.duration);
    let _ = writeln!(out, "at {}:", clock(at));
    let mut rows = vec![
        [
            "service",
            "pods",
            "ready",
            "pending",
            "offered/s",
            "served/s",
            "from queues/s",
        ]
        .map(String::from)
        .to_vec(),
    ];
    for run in &replay.services {
        if let Some(s) = sample_at(run, at) {
            rows.push(vec![
                run.name.clone(),
                s.replicas.to_string(),
                s.ready.to_string(),
                s.pending.to_string(),
                whole(u128::from(s.offered)).to_string(),
                whole(u128::from(s.served)).to_string(),
                whole(u128::from(s.processed)).to_string(),
            ]);
        }
    }
    columns(out, &rows);
    let waiting: Vec<String> = (replay.queues.iter())
        .filter_map(|q| {
            let &(_, backlog, arrivals) = q.samples.iter().rev().find(|s| s.0 <= at)?;
            Some(format!(
                "{}: {} waiting, {} arriving a second",
                q.name,
                whole(u128::from(backlog)),
                whole(u128::from(arrivals))
            ))
        })
        .collect();
    for line in waiting {
        let _ = writeln!(out, "{line}");
    }
}
