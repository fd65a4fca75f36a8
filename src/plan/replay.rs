//! The replay: every simulated service's pods, second by second, under a
//! [`Profile`].
//!
//! Each second:
//! 1. pods waiting for room are scheduled, oldest first, while the node pool
//!    (at its maximum count, less the database pods) has room for their cpu
//!    and memory requests; without `nodes` there is always room;
//! 2. a pod is ready `startup` seconds after it is scheduled, and only ready
//!    pods serve: each serves up to `per_pod` requests (or messages) a
//!    second, requests first, then its queues' backlog. Requests beyond that
//!    are not served (dropped); messages wait in the queue;
//! 3. every 15 s the HPA syncs ([`super::hpa`]) on what its metrics read:
//!    cpu is busy work over `per_pod` (a pod serving `per_pod` is at 100 %
//!    of its request); a metric is the service's offered request rate; a
//!    queue is its backlog with the messages in flight (SQS counts them by
//!    default; a pod works one message at a time). Memory and schedules are
//!    not simulated;
//! 4. for a KEDA service that may scale to zero (or to its idle count),
//!    every polling interval KEDA checks whether a trigger other than cpu
//!    and memory is above its activation value; it wakes the service from
//!    zero to its minimum (at least 1), and returns it to zero when no
//!    trigger has been active for `cooldown`.
//!
//! Services without a `load` block run at their minimum and count only
//! towards the node pool; ScaledJob services are not simulated.

use std::collections::BTreeMap;

use super::hpa::{Direction, Hpa, Reading, Spec};
use super::profile::{Profile, Sink};
use crate::lint::capacity::{self, Kind};
use crate::model::{
    Autoscaler, Behavior, MetricKind, Project, Service, SignalSource, Target, features,
};

/// The HPA's sync period.
pub const SYNC_SECONDS: u64 = 15;
/// `load { startup }` when not written.
pub const DEFAULT_STARTUP_SECONDS: u64 = 30;
/// KEDA's `pollingInterval` and `cooldownPeriod` defaults.
pub const KEDA_POLLING_SECONDS: u64 = 30;
pub const KEDA_COOLDOWN_SECONDS: u64 = 300;

/// One service in the second of a sync, before the autoscalers act on it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Sample {
    pub at: u64,
    /// Pods the autoscaler asks for.
    pub replicas: u32,
    pub ready: u32,
    /// Pods waiting for room on the nodes.
    pub pending: u32,
    /// Requests per second offered and served, in thousandths.
    pub offered: u64,
    pub served: u64,
    /// Messages per second taken from its queues, in thousandths.
    pub processed: u64,
}

/// How a service fared over the replay.
#[derive(Clone, Debug)]
pub struct ServiceReplay {
    /// The index of the service in [`Project::services`].
    pub index: usize,
    pub name: String,
    pub autoscaler: Option<Autoscaler>,
    pub min: u32,
    pub max: u32,
    /// One pod's cpu and memory requests, in thousandths.
    pub cpu: u128,
    pub memory: u128,
    pub startup_seconds: u64,
    pub per_pod: u64,
    pub samples: Vec<Sample>,
    /// The replicas at the start, and every change of the count:
    /// `(second, new count)`.
    pub initial: u32,
    pub changes: Vec<(u64, u32)>,
    /// The most replicas, and the first second it was reached.
    pub peak: (u32, u64),
    /// The first second at the maximum, and the seconds spent there.
    pub first_at_max: Option<u64>,
    pub seconds_at_max: u64,
    /// Requests offered and served over the replay, in thousandths.
    pub offered_total: u128,
    pub served_total: u128,
    /// While at the maximum: requests not served, and messages that
    /// arrived beyond what the pods took from its queues, in thousandths.
    pub dropped_at_max: u128,
    pub queued_at_max: u128,
    /// The most work offered in one second (requests and queue arrivals), in
    /// thousandths, and its first second.
    pub peak_demand: (u64, u64),
    /// The first second at the maximum with work it could not do.
    pub short_at_max_from: Option<u64>,
    /// Pod-seconds spent waiting for room on the nodes, and the first second
    /// a pod waited.
    pub pending_seconds: u64,
    pub first_pending: Option<u64>,
}

/// A queue over the replay.
#[derive(Clone, Debug)]
pub struct QueueReplay {
    pub name: String,
    /// `(second, backlog, arrivals per second)`, in thousandths, at each sync.
    pub samples: Vec<(u64, u64, u64)>,
    /// The largest backlog (thousandths of messages) and its first second.
    pub peak: (u64, u64),
    /// The first second after the peak with nothing waiting.
    pub drained_at: Option<u64>,
    /// The backlog when the replay ends.
    pub last: u64,
    pub arrived_total: u128,
    pub processed_total: u128,
}

/// The node pool over the replay.
#[derive(Clone, Debug)]
pub struct ClusterReplay {
    /// The pool at its maximum count, in millicores and millibytes.
    pub cpu_capacity: u128,
    pub memory_capacity: u128,
    /// `(second, cpu requested, memory requested)` by every pod, pending
    /// ones included, and the databases, at each sync.
    pub samples: Vec<(u64, u128, u128)>,
    /// What the databases and the services not simulated request all along.
    pub fixed_cpu: u128,
    pub fixed_memory: u128,
    /// The most cpu and memory requested.
    pub peak_cpu: u128,
    pub peak_memory: u128,
}

/// A service the replay leaves out, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Skipped {
    pub name: String,
    pub reason: &'static str,
}

/// The whole replay of one project.
#[derive(Clone, Debug)]
pub struct Replay {
    pub duration: u64,
    pub services: Vec<ServiceReplay>,
    pub queues: Vec<QueueReplay>,
    pub cluster: Option<ClusterReplay>,
    pub skipped: Vec<Skipped>,
}

/// Pods made in the same second that share their fate: when they were
/// created, and once they found room, when they are ready. Kept in groups so
/// that a service of thousands of pods costs what one of a few does.
#[derive(Clone, Copy, Debug)]
struct Cohort {
    created: u64,
    ready_from: Option<u64>,
    count: u32,
}

/// KEDA's activation state for a service that may scale to zero.
struct Keda {
    polling: u64,
    cooldown: u64,
    /// The pods while inactive: 0, or `idle_replicas`.
    idle: u32,
    last_active: Option<u64>,
    /// Each trigger other than cpu and memory: what it reads and its
    /// activation value, in thousandths.
    triggers: Vec<(SignalSource, u64)>,
}

/// A service as the replay runs it.
struct Running<'a> {
    service: &'a Service,
    hpa: Option<Hpa>,
    keda: Option<Keda>,
    /// Oldest first.
    pods: Vec<Cohort>,
    out: ServiceReplay,
    /// Queues it reads, by name.
    queues: Vec<String>,
    /// The kinds of the metrics it reads, by name.
    metric_kinds: BTreeMap<String, MetricKind>,
}

impl Running<'_> {
    fn count(&self, which: impl Fn(&Cohort) -> bool) -> u32 {
        (self.pods.iter())
            .filter(|c| which(c))
            .fold(0, |sum, c| sum.saturating_add(c.count))
    }

    fn ready(&self, now: u64) -> u32 {
        self.count(|c| c.ready_from.is_some_and(|ready| now >= ready))
    }

    fn pending(&self) -> u32 {
        self.count(|c| c.ready_from.is_none())
    }

    fn replicas(&self) -> u32 {
        self.count(|_| true)
    }

    /// Creates or removes pods for `count` replicas. Removal takes pods
    /// waiting for room first, then pods not ready, then the newest, as a
    /// ReplicaSet does.
    fn resize(&mut self, now: u64, count: u32) {
        let current = self.replicas();
        if count == current {
            return;
        }
        if count > current {
            self.pods.push(Cohort {
                created: now,
                ready_from: None,
                count: count - current,
            });
        } else {
            let mut remove = current - count;
            for stage in 0..3 {
                for cohort in self.pods.iter_mut().rev() {
                    let rank = match cohort.ready_from {
                        None => 0,
                        Some(ready) if now < ready => 1,
                        Some(_) => 2,
                    };
                    if rank == stage {
                        let taken = remove.min(cohort.count);
                        cohort.count -= taken;
                        remove -= taken;
                    }
                }
            }
            self.pods.retain(|c| c.count > 0);
        }
        self.out.changes.push((now, count));
        if let Some(hpa) = &mut self.hpa {
            hpa.replicas = count;
        }
    }
}

/// Replays `profile` against `project`.
pub fn replay(project: &Project, profile: &Profile) -> Replay {
    let mut skipped = Vec::new();
    let mut running: Vec<Running<'_>> = Vec::new();
    for (index, service) in project.services.iter().enumerate() {
        let skip = |reason| Skipped {
            name: service.name.value.clone(),
            reason,
        };
        if service.is_job() {
            skipped.push(skip("a ScaledJob: jobs are not simulated"));
            continue;
        }
        let Some(load) = &service.load else {
            skipped.push(skip(
                "no `load { per_pod }`: what one pod serves is unknown; counted at its minimum",
            ));
            continue;
        };
        running.push(start(project, index, service, load));
    }
    let mut queues: BTreeMap<String, QueueReplay> = BTreeMap::new();
    let mut backlog: BTreeMap<String, u128> = BTreeMap::new();
    for series in &profile.series {
        if let Sink::Queue(name) = &series.sink {
            backlog.insert(name.clone(), 0);
        }
    }
    for run in &running {
        for queue in &run.queues {
            backlog.insert(queue.clone(), 0);
        }
    }
    for name in backlog.keys() {
        queues.insert(
            name.clone(),
            QueueReplay {
                name: name.clone(),
                samples: Vec::new(),
                peak: (0, 0),
                drained_at: None,
                last: 0,
                arrived_total: 0,
                processed_total: 0,
            },
        );
    }

    // The pool, and what the databases and the services not simulated take
    // of it for the whole replay.
    let pool = capacity::ordered_pool(project).map(|(nodes, count)| {
        let per_node = |kind: Kind| kind.node(nodes).map_or(0, |(amount, _, _)| amount);
        let count = u128::from(count.max);
        (per_node(Kind::Cpu) * count, per_node(Kind::Memory) * count)
    });
    let simulated: std::collections::BTreeSet<usize> =
        running.iter().map(|r| r.out.index).collect();
    let fixed = |kind: Kind| {
        let databases = capacity::sum(&capacity::demands(project, kind, |_| 0));
        let others: u128 = (project.services.iter().enumerate())
            .filter(|(i, _)| !simulated.contains(i))
            .map(|(_, s)| s)
            .filter_map(|s| {
                let (request, _, _) = kind.request(s)?;
                Some(request * u128::from(capacity::min_pods(s)))
            })
            .sum();
        databases + others
    };
    let (fixed_cpu, fixed_memory) = (fixed(Kind::Cpu), fixed(Kind::Memory));
    let mut cluster = pool.map(|(cpu, memory)| ClusterReplay {
        cpu_capacity: cpu,
        memory_capacity: memory,
        samples: Vec::new(),
        fixed_cpu,
        fixed_memory,
        peak_cpu: 0,
        peak_memory: 0,
    });

    // Looked up once: the load of each service, and the services reading
    // each queue.
    let offered_series: Vec<Option<&super::profile::Series>> = (running.iter())
        .map(|r| profile.series(&Sink::Service(r.out.name.clone())))
        .collect();
    let queue_series: BTreeMap<String, Option<&super::profile::Series>> = (backlog.keys())
        .map(|name| (name.clone(), profile.series(&Sink::Queue(name.clone()))))
        .collect();
    let readers: BTreeMap<String, Vec<usize>> = (backlog.keys())
        .map(|name| {
            let reading = (0..running.len()).filter(|&i| running[i].queues.contains(name));
            (name.clone(), reading.collect())
        })
        .collect();

    for now in 0..=profile.duration {
        schedule(&mut running, pool, fixed_cpu, fixed_memory, now);

        // Requests first, then the queues, each pod up to `per_pod`.
        let mut spare: Vec<u128> = Vec::with_capacity(running.len());
        let mut work: Vec<(u64, u64)> = Vec::with_capacity(running.len());
        for (run, series) in running.iter_mut().zip(&offered_series) {
            let ready = u128::from(run.ready(now));
            let capacity = ready * u128::from(run.out.per_pod);
            let offered = series.map_or(0, |s| s.at(now));
            let served = u128::from(offered).min(capacity);
            run.out.offered_total += u128::from(offered);
            run.out.served_total += served;
            spare.push(capacity - served);
            work.push((offered, u64::try_from(served).unwrap_or(u64::MAX)));
        }
        let mut processed = vec![0u128; running.len()];
        let mut arrived_now: BTreeMap<String, u128> = BTreeMap::new();
        // What the queue's metric reads: the messages waiting and those in
        // flight (SQS counts them by default).
        let mut readings: BTreeMap<String, u128> = BTreeMap::new();
        for (name, waiting) in &mut backlog {
            let arrivals = queue_series[name].map_or(0, |s| s.at(now));
            *waiting += u128::from(arrivals);
            arrived_now.insert(name.clone(), u128::from(arrivals));
            let mut in_flight = 0;
            for &i in &readers[name] {
                let taken = (*waiting).min(spare[i]);
                *waiting -= taken;
                spare[i] -= taken;
                processed[i] += taken;
                // A pod works one message at a time: its share of the
                // second spent on messages is the messages it holds.
                in_flight += taken * 1000 / u128::from(running[i].out.per_pod).max(1);
            }
            readings.insert(name.clone(), *waiting + in_flight);
            let queue = queues.get_mut(name).expect("every backlog has a queue");
            queue.arrived_total += u128::from(arrivals);
            let left = u64::try_from(*waiting).unwrap_or(u64::MAX);
            if left > queue.peak.0 {
                queue.peak = (left, now);
                queue.drained_at = None;
            } else if left == 0 && queue.peak.0 > 0 && queue.drained_at.is_none() {
                queue.drained_at = Some(now);
            }
            queue.last = left;
            if now % SYNC_SECONDS == 0 {
                queue.samples.push((now, left, arrivals));
            }
        }
        for (i, run) in running.iter_mut().enumerate() {
            for queue in &run.queues {
                queues
                    .get_mut(queue)
                    .expect("read queues exist")
                    .processed_total += processed[i];
            }
            let (offered, served) = work[i];
            let incoming: u128 = run.queues.iter().map(|q| arrived_now[q]).sum();
            if run.replicas() >= run.out.max {
                run.out.first_at_max.get_or_insert(now);
                run.out.seconds_at_max += 1;
            }
            // Every pod it may have is ready, and still requests are
            // dropped, or the backlog grows.
            if run.ready(now) >= run.out.max {
                let dropped = u128::from(offered - served);
                let queued = incoming.saturating_sub(processed[i]);
                if dropped + queued > 0 {
                    run.out.dropped_at_max += dropped;
                    run.out.queued_at_max += queued;
                    run.out.short_at_max_from.get_or_insert(now);
                }
            }
            let demand = u64::try_from(u128::from(offered) + incoming).unwrap_or(u64::MAX);
            if demand > run.out.peak_demand.0 {
                run.out.peak_demand = (demand, now);
            }
            let pending = run.pending();
            if pending > 0 {
                run.out.pending_seconds += u64::from(pending);
                run.out.first_pending.get_or_insert(now);
            }
            // The second as the pods lived it, before the autoscalers act on
            // it.
            let sample = Sample {
                at: now,
                replicas: run.replicas(),
                ready: run.ready(now),
                pending,
                offered,
                served,
                processed: u64::try_from(processed[i]).unwrap_or(u64::MAX),
            };
            let busy = u128::from(served) + processed[i];
            if now % SYNC_SECONDS == 0 {
                sync(run, now, offered, busy, &readings);
                run.out.samples.push(sample);
            }
            if let Some(keda) = &run.keda
                && now % keda.polling == 0
            {
                poll(run, now, offered, &readings);
            }
            let replicas = run.replicas();
            if replicas > run.out.peak.0 {
                run.out.peak = (replicas, now);
            }
        }
        if let Some(cluster) = &mut cluster {
            let requested = |kind: Kind| -> u128 {
                running
                    .iter()
                    .map(|r| {
                        let each = if kind == Kind::Cpu {
                            r.out.cpu
                        } else {
                            r.out.memory
                        };
                        each * u128::from(r.replicas())
                    })
                    .sum()
            };
            let cpu = fixed_cpu + requested(Kind::Cpu);
            let memory = fixed_memory + requested(Kind::Memory);
            cluster.peak_cpu = cluster.peak_cpu.max(cpu);
            cluster.peak_memory = cluster.peak_memory.max(memory);
            if now % SYNC_SECONDS == 0 {
                cluster.samples.push((now, cpu, memory));
            }
        }
    }
    Replay {
        duration: profile.duration,
        services: running.into_iter().map(|r| r.out).collect(),
        queues: queues.into_values().collect(),
        cluster,
        skipped,
    }
}

/// A service at the start of the replay: its minimum, or zero when KEDA may
/// scale it there.
fn start<'a>(
    project: &Project,
    index: usize,
    service: &'a Service,
    load: &crate::model::Load,
) -> Running<'a> {
    let range = service.autoscale_range().and_then(Result::ok);
    let autoscaled = service.is_autoscaled() && range.is_some();
    let (min, max) = match (autoscaled, range) {
        (true, Some(range)) => (range.min().unsigned_abs(), range.max().unsigned_abs()),
        _ => {
            let pods = capacity::min_pods(service);
            (pods, pods)
        }
    };
    let autoscaler = autoscaled.then_some(service.autoscaler);
    let keda_options = service.keda.as_ref();
    let idle = keda_options
        .and_then(|k| k.idle_replicas.as_ref())
        .map(|i| i.value.unsigned_abs());
    let keda = (autoscaler == Some(Autoscaler::Keda) && (min == 0 || idle.is_some())).then(|| {
        let seconds = |value: Option<&crate::model::Spanned<i32>>, default| {
            value.map_or(default, |v| u64::from(v.value.unsigned_abs()).max(1))
        };
        Keda {
            polling: seconds(
                keda_options.and_then(|k| k.polling_seconds.as_ref()),
                KEDA_POLLING_SECONDS,
            ),
            cooldown: seconds(
                keda_options.and_then(|k| k.cooldown_seconds.as_ref()),
                KEDA_COOLDOWN_SECONDS,
            ),
            idle: idle.unwrap_or(0),
            last_active: None,
            triggers: (service.scaling.iter())
                .filter(|s| {
                    matches!(
                        s.source.value,
                        SignalSource::Metric(_) | SignalSource::Queue(_)
                    )
                })
                .map(|s| {
                    let activation = s
                        .activation
                        .as_ref()
                        .map_or(0, |a| u64::try_from(a.value.milli).unwrap_or(u64::MAX));
                    (s.source.value.clone(), activation)
                })
                .collect(),
        }
    });
    let hpa = autoscaled.then(|| Hpa::new(spec(project, service, min.max(1), max), min));
    let request = |kind: Kind| kind.request(service).map_or(0, |(amount, _, _)| amount);
    let startup = load
        .startup_seconds
        .as_ref()
        .map_or(DEFAULT_STARTUP_SECONDS, |s| {
            u64::from(s.value.unsigned_abs())
        });
    let initial = if keda.is_some() {
        keda.as_ref().map_or(0, |k| k.idle)
    } else {
        min
    };
    let mut run = Running {
        service,
        hpa,
        keda,
        pods: Vec::new(),
        queues: (service.scaling.iter())
            .filter_map(|s| match &s.source.value {
                SignalSource::Queue(queue) => Some(queue.clone()),
                _ => None,
            })
            .collect(),
        metric_kinds: (service.scaling.iter())
            .filter_map(|s| match &s.source.value {
                SignalSource::Metric(name) => {
                    Some((name.clone(), project.metric(name)?.kind.value))
                }
                _ => None,
            })
            .collect(),
        out: ServiceReplay {
            index,
            name: service.name.value.clone(),
            autoscaler,
            min,
            max,
            cpu: request(Kind::Cpu),
            memory: request(Kind::Memory),
            startup_seconds: startup,
            per_pod: load.per_pod_milli.value,
            samples: Vec::new(),
            initial,
            changes: Vec::new(),
            peak: (initial, 0),
            first_at_max: None,
            seconds_at_max: 0,
            offered_total: 0,
            served_total: 0,
            dropped_at_max: 0,
            queued_at_max: 0,
            peak_demand: (0, 0),
            short_at_max_from: None,
            pending_seconds: 0,
            first_pending: None,
        },
    };
    run.queues.sort();
    run.queues.dedup();
    // The pods that run before the replay starts are ready at once.
    if initial > 0 {
        run.pods.push(Cohort {
            created: 0,
            ready_from: Some(0),
            count: initial,
        });
    }
    if let Some(hpa) = &mut run.hpa {
        hpa.replicas = initial;
    }
    run
}

/// The HPA's configuration for a service: its range (at least 1: KEDA
/// handles zero), and each direction's `behavior` over Kubernetes' defaults.
pub fn spec(project: &Project, service: &Service, min: u32, max: u32) -> Spec {
    let tolerance = project.cluster.kubernetes >= features::HPA_TOLERANCE.since;
    let direction = |written: &Option<Behavior>, default: Direction| {
        let Some(behavior) = written else {
            return default;
        };
        Direction {
            stabilization_seconds: behavior
                .stabilization_seconds
                .as_ref()
                .map_or(default.stabilization_seconds, |s| {
                    u64::from(s.value.unsigned_abs())
                }),
            tolerance_ppm: behavior
                .tolerance_ppm
                .as_ref()
                .filter(|_| tolerance)
                .map_or(default.tolerance_ppm, |t| u64::from(t.value)),
            policies: if behavior.rates.is_empty() {
                default.policies
            } else {
                behavior.rates.iter().map(|r| r.value).collect()
            },
            select: behavior.select.as_ref().map_or(default.select, |s| s.value),
        }
    };
    Spec {
        min,
        max,
        up: direction(&service.scale_up, Direction::default_up()),
        down: direction(&service.scale_down, Direction::default_down()),
    }
}

/// Schedules waiting pods, oldest first (services in model order at a tie),
/// while the pool has room for their requests.
fn schedule(
    running: &mut [Running<'_>],
    pool: Option<(u128, u128)>,
    fixed_cpu: u128,
    fixed_memory: u128,
    now: u64,
) {
    let Some((cpu_capacity, memory_capacity)) = pool else {
        for run in running.iter_mut() {
            let ready = now + run.out.startup_seconds;
            for cohort in &mut run.pods {
                cohort.ready_from.get_or_insert(ready);
            }
        }
        return;
    };
    let mut used_cpu = fixed_cpu;
    let mut used_memory = fixed_memory;
    let mut waiting = Vec::new();
    for (s, run) in running.iter().enumerate() {
        for (c, cohort) in run.pods.iter().enumerate() {
            match cohort.ready_from {
                Some(_) => {
                    used_cpu += run.out.cpu * u128::from(cohort.count);
                    used_memory += run.out.memory * u128::from(cohort.count);
                }
                None => waiting.push((cohort.created, s, c)),
            }
        }
    }
    if waiting.is_empty() {
        return;
    }
    waiting.sort_unstable();
    let mut split = Vec::new();
    for (_, s, c) in waiting {
        let run = &mut running[s];
        let (cpu, memory) = (run.out.cpu, run.out.memory);
        // As many of the cohort as the room left holds.
        let fits = |free: u128, each: u128| free.checked_div(each).unwrap_or(u128::MAX);
        let room = fits(cpu_capacity.saturating_sub(used_cpu), cpu)
            .min(fits(memory_capacity.saturating_sub(used_memory), memory));
        let cohort = &mut run.pods[c];
        let placed = u32::try_from(room.min(u128::from(cohort.count))).unwrap_or(u32::MAX);
        if placed == 0 {
            continue;
        }
        used_cpu += cpu * u128::from(placed);
        used_memory += memory * u128::from(placed);
        if placed < cohort.count {
            cohort.count -= placed;
            split.push((
                s,
                Cohort {
                    created: cohort.created,
                    ready_from: Some(now + run.out.startup_seconds),
                    count: placed,
                },
            ));
        } else {
            cohort.ready_from = Some(now + run.out.startup_seconds);
        }
    }
    for (s, cohort) in split {
        let pods = &mut running[s].pods;
        let at = pods.partition_point(|c| c.created <= cohort.created);
        pods.insert(at, cohort);
    }
}

/// One HPA sync: readings from what the service did this second.
fn sync(
    run: &mut Running<'_>,
    now: u64,
    offered: u64,
    busy: u128,
    backlog: &BTreeMap<String, u128>,
) {
    let ready = u128::from(run.ready(now));
    let per_pod = u128::from(run.out.per_pod).max(1);
    let current = u128::from(run.replicas());
    let service = run.service;
    let Some(hpa) = &mut run.hpa else { return };
    if run.keda.is_some() && current == 0 {
        // KEDA holds the service at zero; the HPA does not act.
        return;
    }
    let mut readings = Vec::new();
    for signal in &service.scaling {
        let offered = u128::from(offered);
        let reading = match (&signal.source.value, &signal.target.value) {
            (SignalSource::Cpu, Target::Utilization(percent)) if ready > 0 => Reading {
                total_milli: busy * 100_000 / per_pod,
                target_milli: u128::from(percent.unsigned_abs()) * 1000,
            },
            (SignalSource::Cpu, Target::Average(value)) if ready > 0 => Reading {
                total_milli: busy * run.out.cpu / per_pod,
                target_milli: value.milli,
            },
            (SignalSource::Metric(name), target) => {
                let pods_metric = run.metric_kinds.get(name) == Some(&MetricKind::Pods);
                if pods_metric && ready == 0 {
                    continue;
                }
                match target {
                    Target::Average(value) => Reading {
                        total_milli: offered,
                        target_milli: value.milli,
                    },
                    Target::Total(value) => Reading {
                        total_milli: offered * current,
                        target_milli: value.milli,
                    },
                    _ => continue,
                }
            }
            (SignalSource::Queue(name), target) => {
                let waiting = backlog.get(name).copied().unwrap_or(0);
                match target {
                    Target::Average(value) => Reading {
                        total_milli: waiting,
                        target_milli: value.milli,
                    },
                    Target::Total(value) => Reading {
                        total_milli: waiting * current,
                        target_milli: value.milli,
                    },
                    _ => continue,
                }
            }
            _ => continue,
        };
        readings.push(reading);
    }
    if readings.is_empty() {
        return;
    }
    let desired = hpa.sync(now, &readings);
    run.resize(now, desired);
}

/// One KEDA poll: wake the service from idle, or return it there.
fn poll(run: &mut Running<'_>, now: u64, offered: u64, backlog: &BTreeMap<String, u128>) {
    let replicas = run.replicas();
    let Some(keda) = &mut run.keda else { return };
    let active = keda.triggers.iter().any(|(source, activation)| {
        let value = match source {
            SignalSource::Queue(name) => backlog.get(name).copied().unwrap_or(0),
            _ => u128::from(offered),
        };
        value > u128::from(*activation)
    });
    let idle = keda.idle;
    if active {
        keda.last_active = Some(now);
        if replicas <= idle {
            let wake = run.out.min.max(1);
            run.resize(now, wake);
        }
    } else if replicas > idle && now >= keda.last_active.map_or(0, |at| at + keda.cooldown) {
        run.resize(now, idle);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::{Diagnostic, Severity};
    use crate::plan::profile::Series;
    use crate::source::SourceMap;
    use std::path::PathBuf;

    fn lower(text: &str) -> Project {
        let mut sources = SourceMap::new();
        let file = sources.add("replay/policy.scale", text);
        let mut sink: Vec<Diagnostic> = Vec::new();
        let ast = crate::syntax::parse_file(sources.get(file), &mut sink).expect("parses");
        let project = crate::lower::lower_project(PathBuf::from("replay"), &[ast], &mut sink);
        assert!(
            sink.iter().all(|d| d.severity != Severity::Error),
            "{sink:#?}"
        );
        project
    }

    fn profile(sink: Sink, points: &[(u64, u64)]) -> Profile {
        Profile::new(
            crate::plan::profile::Origin::LoadBlocks,
            vec![Series {
                sink,
                points: points.iter().map(|&(t, r)| (t, r * 1000)).collect(),
            }],
        )
    }

    fn at(run: &ServiceReplay, second: u64) -> Sample {
        *run.samples
            .iter()
            .find(|s| s.at == second)
            .expect("a sample every 15 s")
    }

    const API: &str = r#"
service api {
  image    = "registry.example.com/api:1.0.0"
  cpu      = 500m
  replicas = 2 .. 20
  scale cpu { utilization = 50% }
  load {
    peak    = 400
    per_pod = 100
    startup = 60s
  }
}
"#;

    #[test]
    fn pods_that_are_not_ready_serve_nothing_and_count_for_nothing() {
        let project = lower(API);
        // A step from 0 to 400 req/s at 15 s.
        let load = profile(
            Sink::Service("api".into()),
            &[(0, 0), (14, 0), (15, 400), (600, 400)],
        );
        let replay = replay(&project, &load);
        let api = &replay.services[0];
        // At 15 s two ready pods serve 200 of 400; cpu reads 200 % of 50 %:
        // ⌈2 × 100 % ÷ 50 %⌉ = 4 is wanted by the ready pods' usage, within
        // the default policies (double, or + 4).
        let s = at(api, 15);
        assert_eq!((s.replicas, s.ready, s.served), (2, 2, 200_000));
        assert_eq!(api.changes[0], (15, 4));
        // The two new pods are not ready for 60 s and count for nothing: at
        // 30 s the two ready pods' usage still asks for ⌈200 % ÷ 50 %⌉ = 4,
        // which it has; the HPA waits for them rather than adding more.
        let s = at(api, 30);
        assert_eq!((s.replicas, s.ready, s.served), (4, 2, 200_000));
        // The pods made at 15 s find room the next second and are ready 60 s
        // later: not at 75 s, but at 90 s.
        assert_eq!(at(api, 75).ready, 2);
        assert!(at(api, 90).ready >= 4);
        // 400 req/s at 50 % needs 8 pods: the count settles there.
        assert_eq!(at(api, 600).replicas, 8);
        assert_eq!(at(api, 600).served, 400_000);
        assert!(api.served_total < api.offered_total);
    }

    #[test]
    fn a_full_node_pool_leaves_pods_pending() {
        let project = lower(&format!(
            r#"
cluster c {{
  kubernetes = "1.34"
  namespace  = "c"
  nodes {{
    count  = 1 .. 2
    cpu    = 2
    memory = 8Gi
  }}
}}
{API}"#
        ));
        let load = profile(Sink::Service("api".into()), &[(0, 600), (600, 600)]);
        let replay = replay(&project, &load);
        let api = &replay.services[0];
        // 600 req/s at 50 % asks for 12 pods; two nodes of 2 cores hold 8
        // pods of 500m, and the rest wait.
        let last = api.samples.last().expect("samples");
        assert_eq!(last.replicas - last.pending, 8);
        assert!(last.pending > 0);
        assert!(api.first_pending.is_some());
        let cluster = replay.cluster.as_ref().expect("a pool");
        assert_eq!(cluster.cpu_capacity, 4000);
    }

    const WORKER: &str = r#"
cluster c {
  kubernetes = "1.34"
  namespace  = "c"
  autoscaler = keda
}
queue jobs {
  provider = aws-sqs
  url      = "https://sqs.us-east-1.amazonaws.com/123456789012/jobs"
  region   = "us-east-1"
  auth     = keda
}
service worker {
  image    = "registry.example.com/worker:1.0.0"
  cpu      = 250m
  replicas = 0 .. 10
  scale jobs { average = 50 }
  keda { polling = 20s; cooldown = 120s }
  load {
    peak    = 100
    per_pod = 20
    startup = 10s
  }
}
"#;

    #[test]
    fn keda_wakes_a_service_from_zero_and_returns_it_after_the_cooldown() {
        let project = lower(WORKER);
        // 100 messages a second from 100 s to 400 s, then none.
        let load = profile(
            Sink::Queue("jobs".into()),
            &[(0, 0), (99, 0), (100, 100), (400, 100), (401, 0), (1200, 0)],
        );
        let replay = replay(&project, &load);
        let worker = &replay.services[0];
        assert_eq!(worker.initial, 0);
        // KEDA polls every 20 s: the first poll with messages is at 100 s,
        // which wakes the service to 1 pod.
        assert_eq!(worker.changes[0], (100, 1));
        // Then the HPA scales on the backlog, 50 per pod.
        assert!(worker.peak.0 >= 5, "{:?}", worker.peak);
        // The backlog drains after the load ends.
        let queue = &replay.queues[0];
        assert_eq!(queue.last, 0);
        assert!(queue.drained_at.is_some());
        // Back to zero only once no message has waited for 120 s, at a poll.
        let (last_at, last_count) = *worker.changes.last().expect("changes");
        assert_eq!(last_count, 0);
        assert_eq!(last_at % 20, 0);
        assert!(last_at >= 400 + 120, "{last_at}");
        assert_eq!(at(worker, 1200).replicas, 0);
    }

    #[test]
    fn activation_keeps_a_small_backlog_at_zero() {
        let project = lower(&WORKER.replace(
            "scale jobs { average = 50 }",
            "scale jobs {\n    average    = 50\n    activation = 5000\n  }",
        ));
        // 10 messages a second for 300 s: 3,000 at most, below the activation.
        let load = profile(
            Sink::Queue("jobs".into()),
            &[(0, 10), (300, 10), (301, 0), (600, 0)],
        );
        let replay = replay(&project, &load);
        assert!(replay.services[0].changes.is_empty());
        assert_eq!(replay.queues[0].last, 3_010_000);
    }
}
