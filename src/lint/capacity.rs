//! Capacity arithmetic shared by the C rules: what each service and each
//! tier of a database's pods asks of the node pool, and exact, readable
//! formatting of the amounts.

use crate::model::{
    CountRange, Cpu, Database, DatabasePods, Load, Memory, NodePool, Project, Resource, Service,
    Target,
};
use crate::source::Span;
use std::borrow::Cow;

/// A resource the scheduler places pods by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Cpu,
    Memory,
    /// `nvidia.com/gpu`, whole devices.
    Gpu,
    EphemeralStorage,
}

impl Kind {
    /// Every kind, in the order findings report them.
    pub const ALL: [Kind; 4] = [Kind::Cpu, Kind::Memory, Kind::Gpu, Kind::EphemeralStorage];

    /// The attribute, and the word in messages.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Cpu => "cpu",
            Kind::Memory => "memory",
            Kind::Gpu => "gpu",
            Kind::EphemeralStorage => "ephemeral_storage",
        }
    }

    /// The resource in prose: `cpu`, `GPUs`, `ephemeral storage`.
    pub fn noun(self) -> &'static str {
        match self {
            Kind::Cpu => "cpu",
            Kind::Memory => "memory",
            Kind::Gpu => "GPUs",
            Kind::EphemeralStorage => "ephemeral storage",
        }
    }

    /// The service's request in thousandths (millicores, millibytes,
    /// thousandths of a GPU), its span and its text as written; `None`
    /// without a request.
    pub fn request(self, service: &Service) -> Option<(u128, Span, Cow<'_, str>)> {
        match self {
            Kind::Cpu | Kind::Memory => self.of(service.cpu.as_ref(), service.memory.as_ref()),
            Kind::Gpu => service.gpu.as_ref().map(|gpu| {
                (
                    u128::from(gpu.value.unsigned_abs()) * 1000,
                    gpu.span,
                    Cow::Owned(gpu.value.to_string()),
                )
            }),
            Kind::EphemeralStorage => service.ephemeral_storage.as_ref().map(|r| {
                let request = &r.request;
                (
                    request.value.millibytes,
                    request.span,
                    Cow::Borrowed(request.value.text.as_str()),
                )
            }),
        }
    }

    /// What one pod of a database tier requests, as [`Kind::request`]; a
    /// database's pods ask for no GPU and no ephemeral storage.
    pub fn pods_request(self, pods: &DatabasePods) -> Option<(u128, Span, Cow<'_, str>)> {
        self.of(pods.cpu.as_ref(), pods.memory.as_ref())
    }

    /// The request of this kind among a pod's cpu and memory.
    fn of<'r>(
        self,
        cpu: Option<&'r Resource<Cpu>>,
        memory: Option<&'r Resource<Memory>>,
    ) -> Option<(u128, Span, Cow<'r, str>)> {
        match self {
            Kind::Cpu => cpu.map(|r| {
                let request = &r.request;
                (
                    u128::from(request.value.millicores),
                    request.span,
                    Cow::Borrowed(request.value.text.as_str()),
                )
            }),
            Kind::Memory => memory.map(|r| {
                let request = &r.request;
                (
                    request.value.millibytes,
                    request.span,
                    Cow::Borrowed(request.value.text.as_str()),
                )
            }),
            Kind::Gpu | Kind::EphemeralStorage => None,
        }
    }

    /// What one node allocates, in thousandths, where it is written and its
    /// text as written (`8`, `32Gi`); `None` for GPUs or ephemeral storage
    /// when `nodes` does not state them (cpu and memory it always states).
    pub fn node(self, nodes: &NodePool) -> Option<(u128, Span, Cow<'_, str>)> {
        match self {
            Kind::Cpu => Some((
                u128::from(nodes.cpu.value.millicores),
                nodes.cpu.span,
                Cow::Borrowed(nodes.cpu.value.text.as_str()),
            )),
            Kind::Memory => Some((
                nodes.memory.value.millibytes,
                nodes.memory.span,
                Cow::Borrowed(nodes.memory.value.text.as_str()),
            )),
            Kind::Gpu => nodes.gpu.as_ref().map(|gpu| {
                (
                    u128::from(gpu.value.unsigned_abs()) * 1000,
                    gpu.span,
                    Cow::Owned(gpu.value.to_string()),
                )
            }),
            Kind::EphemeralStorage => nodes.ephemeral_storage.as_ref().map(|storage| {
                (
                    storage.value.millibytes,
                    storage.span,
                    Cow::Borrowed(storage.value.text.as_str()),
                )
            }),
        }
    }

    /// A readable, exact amount: `7.5 cores`, `96Gi`, `3 GPUs`.
    pub fn amount(self, milli: u128) -> String {
        match self {
            Kind::Cpu => format!(
                "{} {}",
                decimal(milli),
                if milli == 1000 { "core" } else { "cores" }
            ),
            Kind::Memory | Kind::EphemeralStorage => memory(milli),
            Kind::Gpu => format!(
                "{} {}",
                decimal(milli),
                if milli == 1000 { "GPU" } else { "GPUs" }
            ),
        }
    }

    /// An amount of this resource in prose: `20 cores of cpu`, `96Gi of
    /// memory`, `12 GPUs`, `40Gi of ephemeral storage`.
    pub fn quantity(self, milli: u128) -> String {
        match self {
            Kind::Gpu => self.amount(milli),
            _ => format!("{} of {}", self.amount(milli), self.noun()),
        }
    }
}

/// Who asks: a service, or one tier of a database's pods.
#[derive(Clone, Copy)]
pub enum Owner<'a> {
    Service(&'a Service),
    Database(&'a Database, Tier),
}

/// The three kinds of pods of a sharded database.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tier {
    Shards,
    ConfigServers,
    Routers,
}

impl Tier {
    pub const ALL: [Tier; 3] = [Tier::Shards, Tier::ConfigServers, Tier::Routers];

    /// The tier's pods in messages: `shard members`.
    pub fn name(self) -> &'static str {
        match self {
            Tier::Shards => "shard members",
            Tier::ConfigServers => "config servers",
            Tier::Routers => "routers",
        }
    }

    /// The block that sets the tier's requests.
    pub fn block(self) -> &'static str {
        match self {
            Tier::Shards => "shard",
            Tier::ConfigServers => "config_server",
            Tier::Routers => "router",
        }
    }

    pub fn pods(self, database: &Database) -> &DatabasePods {
        match self {
            Tier::Shards => &database.shard_pods,
            Tier::ConfigServers => &database.config_server_pods,
            Tier::Routers => &database.router_pods,
        }
    }

    /// How many pods of the tier the database runs, always: shards ×
    /// members, config servers, or routers.
    pub fn count(self, database: &Database) -> u32 {
        match self {
            Tier::Shards => database.shards.value.saturating_mul(database.members.value),
            Tier::ConfigServers => database.config_servers.value,
            Tier::Routers => database.routers.value,
        }
    }
}

impl Owner<'_> {
    /// How messages name it: `` `api` ``, `` the shard members of `orders` ``.
    pub fn describe(&self) -> String {
        match self {
            Owner::Service(service) => format!("`{}`", service.name.value),
            Owner::Database(database, tier) => {
                format!("the {} of `{}`", tier.name(), database.name.value)
            }
        }
    }

    /// Where it is named: the service's name, or the tier's block.
    pub fn span(&self) -> Span {
        match self {
            Owner::Service(service) => service.name.span,
            Owner::Database(database, tier) => {
                tier.pods(database).span.unwrap_or(database.name.span)
            }
        }
    }
}

/// What one service, or one tier of a database, asks of the pool for one
/// resource.
pub struct Demand<'a> {
    pub owner: Owner<'a>,
    pub pods: u32,
    /// One pod's request, in thousandths.
    pub request: u128,
    /// `pods × request`.
    pub total: u128,
}

/// Every service's demand, in model order, then every database tier's (a
/// database runs the same pods at its minimum and its maximum); services
/// and tiers without a request for `kind` count 0 and are left out.
pub fn demands(project: &Project, kind: Kind, pods: fn(&Service) -> u32) -> Vec<Demand<'_>> {
    let demand = |owner, pods: u32, request: u128| Demand {
        owner,
        pods,
        request,
        total: request.saturating_mul(u128::from(pods)),
    };
    let services = project.services.iter().filter_map(|service| {
        let (request, _, _) = kind.request(service)?;
        Some(demand(Owner::Service(service), pods(service), request))
    });
    let databases = project.databases.iter().flat_map(|database| {
        Tier::ALL.into_iter().filter_map(move |tier| {
            let (request, _, _) = kind.pods_request(tier.pods(database))?;
            Some(demand(
                Owner::Database(database, tier),
                tier.count(database),
                request,
            ))
        })
    });
    services.chain(databases).collect()
}

pub fn sum(demands: &[Demand<'_>]) -> u128 {
    demands
        .iter()
        .map(|d| d.total)
        .fold(0, u128::saturating_add)
}

/// The three largest non-zero demands, largest first; ties keep model order.
pub fn largest<'d, 'a>(demands: &'d [Demand<'a>]) -> Vec<&'d Demand<'a>> {
    let mut sorted: Vec<&Demand<'a>> = demands.iter().filter(|d| d.total > 0).collect();
    sorted.sort_by_key(|d| std::cmp::Reverse(d.total));
    sorted.truncate(3);
    sorted
}

/// The pods a service may run at most: a fixed count, the top of its range,
/// or 1 without `replicas` (what Kubernetes runs); for a job, times the pods
/// of each Job (`parallelism`).
pub fn max_pods(service: &Service) -> u32 {
    service
        .bounds()
        .map_or(1, |b| b.max.value)
        .saturating_mul(pods_per_replica(service))
}

/// The pods a service runs at least: a fixed count, the bottom of its range,
/// or 1 without `replicas`; for a job, times the pods of each Job.
pub fn min_pods(service: &Service) -> u32 {
    service
        .bounds()
        .map_or(1, |b| b.min.value)
        .saturating_mul(pods_per_replica(service))
}

/// The cpu `utilization` target a service's peak is judged at (C301,
/// C306): `Some(None)` without one (pods at full load), `Some(Some((written,
/// span)))` with one, `None` for a target of 0 % (K106's finding).
pub fn peak_target(service: &Service) -> Option<Option<(u32, Span)>> {
    match service.cpu_utilization() {
        Some(t) => match t.value {
            Target::Utilization(0) => None,
            Target::Utilization(percent) => Some(Some((percent.unsigned_abs(), t.span))),
            _ => Some(None),
        },
        None => Some(None),
    }
}

/// The replicas a declared peak needs: ⌈peak ÷ (per_pod × percent ÷ 100)⌉,
/// with `percent` capped at 100 (a pod serves at most its full load).
pub fn peak_replicas(load: &Load, target: Option<(u32, Span)>) -> u128 {
    let percent = target.map_or(100, |(p, _)| p.min(100));
    let peak = u128::from(load.peak_milli.value);
    let per_pod = u128::from(load.per_pod_milli.value);
    // per_pod > 0 (lowering rejects 0) and percent > 0, so the divisor is
    // positive.
    peak.saturating_mul(100)
        .div_ceil(per_pod.saturating_mul(u128::from(percent)).max(1))
}

/// The pods a service runs at its declared peak: the replicas its `load`
/// needs (C301's count, even above its maximum), else its maximum
/// ([`max_pods`]); for a job, times the pods of each Job.
pub fn peak_pods(service: &Service) -> u32 {
    let Some(load) = &service.load else {
        return max_pods(service);
    };
    match peak_target(service) {
        Some(target) => u32::try_from(peak_replicas(load, target))
            .unwrap_or(u32::MAX)
            .saturating_mul(pods_per_replica(service)),
        None => max_pods(service),
    }
}

/// The pods of one replica: 1, or a job's `parallelism` (a replica of a
/// ScaledJob is a Job).
fn pods_per_replica(service: &Service) -> u32 {
    (service.job.as_ref())
        .and_then(|job| job.parallelism.as_ref())
        .map_or(1, |p| p.value.unsigned_abs())
}

/// `part` as a whole percentage of `whole`, rounded: `67 %`, `<1 %`.
pub fn share(part: u128, whole: u128) -> String {
    if whole == 0 {
        return "0 %".into();
    }
    let percent = part.saturating_mul(200).saturating_add(whole) / whole.saturating_mul(2);
    if percent == 0 && part > 0 {
        "<1 %".into()
    } else {
        format!("{percent} %")
    }
}

/// `a`, `a and b`, `a, b and c`.
pub fn join(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// Thousandths as an exact decimal: 7500 → `7.5`, 250 → `0.25`, 8000 → `8`.
pub fn decimal(milli: u128) -> String {
    let (whole, frac) = (milli / 1000, milli % 1000);
    if frac == 0 {
        whole.to_string()
    } else {
        format!("{whole}.{frac:03}")
            .trim_end_matches('0')
            .to_string()
    }
}

/// Millibytes in the largest unit that shows them exactly with at most two
/// decimals: `32Gi`, `1.5Gi`, `1000Mi`, `2G`; otherwise in bytes.
fn memory(millibytes: u128) -> String {
    if !millibytes.is_multiple_of(1000) {
        return format!("{} bytes", decimal(millibytes));
    }
    let bytes = millibytes / 1000;
    const UNITS: [(&str, u128); 12] = [
        ("Ei", 1 << 60),
        ("E", 1_000_000_000_000_000_000),
        ("Pi", 1 << 50),
        ("P", 1_000_000_000_000_000),
        ("Ti", 1 << 40),
        ("T", 1_000_000_000_000),
        ("Gi", 1 << 30),
        ("G", 1_000_000_000),
        ("Mi", 1 << 20),
        ("M", 1_000_000),
        ("Ki", 1 << 10),
        ("k", 1_000),
    ];
    for (unit, size) in UNITS {
        let Some(hundredths) = bytes.checked_mul(100) else {
            continue;
        };
        if bytes >= size && hundredths % size == 0 {
            return format!("{}{unit}", decimal(hundredths / size * 10));
        }
    }
    format!("{} {}", bytes, if bytes == 1 { "byte" } else { "bytes" })
}

/// One resource whose summed requests exceed what a number of nodes allocate.
pub struct Shortfall<'a> {
    pub kind: Kind,
    pub demands: Vec<Demand<'a>>,
    /// Σ pods × request, in thousandths.
    pub total: u128,
    /// What one node allocates, in thousandths, and where it is written.
    pub node: u128,
    pub node_span: Span,
    /// `node × node_count`.
    pub capacity: u128,
    /// The nodes the total needs, rounded up.
    pub needed_nodes: u128,
}

/// The resources (cpu, memory, GPUs, ephemeral storage, in that order) that
/// `node_count` nodes of the pool cannot hold when every service runs
/// `pods(service)` pods. GPUs and ephemeral storage count only when `nodes`
/// states them: without, a pod that asks for any is C304's finding.
pub fn shortfalls<'a>(
    project: &'a Project,
    nodes: &NodePool,
    pods: fn(&Service) -> u32,
    node_count: u32,
) -> Vec<Shortfall<'a>> {
    Kind::ALL
        .into_iter()
        .filter_map(|kind| {
            let (node, node_span, _) = kind.node(nodes)?;
            let demands = demands(project, kind, pods);
            let total = sum(&demands);
            let capacity = node.saturating_mul(u128::from(node_count));
            (total > capacity).then(|| Shortfall {
                kind,
                demands,
                total,
                node,
                node_span,
                capacity,
                needed_nodes: total.div_ceil(node.max(1)),
            })
        })
        .collect()
}

impl Shortfall<'_> {
    /// Who asks, for a message: `the services`, or `the services and
    /// databases` when a database's pods count.
    pub fn who(&self) -> &'static str {
        if (self.demands.iter()).any(|d| matches!(d.owner, Owner::Database(..))) {
            "the services and databases"
        } else {
            "the services"
        }
    }

    /// Labels the services and database tiers that ask most (`bound` is
    /// "up to" or "at least").
    /// The label on the node's attribute: `N nodes × per node = capacity`.
    pub fn capacity_label(&self, node_count: u32) -> String {
        format!(
            "{} × {} = {}",
            crate::lint::util::plural(node_count, "node"),
            self.kind.amount(self.node),
            self.kind.amount(self.capacity)
        )
    }

    /// `finding` with, on a Karpenter pool, a note on its `provisioner`
    /// that the NodePool's limits are the pool's maximum.
    pub fn with_karpenter_limit(
        finding: crate::diag::Diagnostic,
        nodes: &NodePool,
    ) -> crate::diag::Diagnostic {
        match &nodes.karpenter {
            Some(karpenter) => finding.with_related(
                karpenter.provisioner,
                "Karpenter launches no node beyond its NodePool's limits",
            ),
            None => finding,
        }
    }

    pub fn label_largest(
        &self,
        mut finding: crate::diag::Diagnostic,
        bound: &str,
    ) -> crate::diag::Diagnostic {
        for demand in largest(&self.demands) {
            finding = finding.with_related(
                demand.owner.span(),
                format!(
                    "{bound} {} × {} = {}",
                    crate::lint::util::plural(demand.pods, "pod"),
                    self.kind.amount(demand.request),
                    self.kind.amount(demand.total)
                ),
            );
        }
        finding
    }

    /// Who takes most, as the start of a help (`which` is "maximum" or
    /// "minimum"): one service or database tier alone, or the three largest
    /// with their share.
    pub fn whose(&self, which: &str) -> String {
        let top = largest(&self.demands);
        match top.as_slice() {
            [only] => match only.owner {
                Owner::Service(service) => {
                    // The only one with a request: the pool holds this many of its pods.
                    // A job's replicas are Jobs of `parallelism` pods each.
                    let fits = self.capacity
                        / only.request.max(1)
                        / u128::from(pods_per_replica(service).max(1));
                    format!(
                        "`{}` takes it all: lower its {which} replicas to {fits}",
                        service.name.value
                    )
                }
                Owner::Database(_, tier) => format!(
                    "{} take it all: lower their `{}` in `{}`",
                    only.owner.describe(),
                    self.kind.name(),
                    tier.block()
                ),
            },
            _ => {
                let shares: Vec<String> = top
                    .iter()
                    .map(|d| format!("{} ({})", d.owner.describe(), share(d.total, self.total)))
                    .collect();
                let lower = if top.iter().any(|d| matches!(d.owner, Owner::Database(..))) {
                    format!("lower their {which} replicas or the database's requests")
                } else {
                    format!("lower their {which} replicas")
                };
                format!("most goes to {}: {lower}", join(&shares))
            }
        }
    }
}

/// The project's node pool and its node count, when one is declared with its
/// minimum at or below its maximum.
pub fn ordered_pool(project: &Project) -> Option<(&NodePool, CountRange)> {
    let nodes = project.cluster.nodes.as_ref()?;
    let count = nodes.count.value;
    (count.min <= count.max).then_some((nodes, count))
}
