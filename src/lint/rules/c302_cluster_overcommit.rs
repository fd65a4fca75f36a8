use crate::diag::Diagnostic;
use crate::lint::Rule;
use crate::lint::util::plural;
use crate::model::{NodePool, Project, Service};
use crate::source::Span;

declare_rule! {
    /// ## What it does
    /// With a `nodes` block in `cluster`, adds up what every service requests
    /// when it runs at its maximum replica count (maximum replicas × request)
    /// and flags cpu or memory when that total exceeds what the node pool can
    /// allocate at its largest (maximum node count × per-node `cpu` or
    /// `memory`). Each resource is reported on its own, on the node pool's
    /// `cpu` or `memory`, and the three services that take the largest share
    /// are named.
    ///
    /// How the sum is counted:
    /// - requests only: the scheduler places pods by their request, so limits
    ///   do not count;
    /// - a service with no request for a resource counts 0 for it (it is
    ///   unbounded, which is K105's and K110's concern, not a capacity figure);
    /// - `replicas = N` counts N pods, a range counts its maximum, and a
    ///   service with no `replicas` counts 1 pod, as Kubernetes runs one;
    /// - the sum is a lower bound of what the pool needs: it ignores how pods
    ///   pack onto nodes and what daemon sets take from each node.
    ///
    /// Without `nodes` the rule is silent. A node range whose minimum is above
    /// its maximum is K102's finding; this rule waits until it is fixed.
    ///
    /// ## Why it is unsafe
    /// The replica maximums promise capacity the cluster does not have. On the
    /// day several services scale out together, which is exactly a traffic
    /// peak, the last pods stay Pending: the autoscalers think they added
    /// capacity, the load keeps rising on the pods that did start, and latency
    /// and errors climb while the pool is already at its largest. It is a
    /// warning because services rarely peak together; decide whether yours do.
    ///
    /// ## Example
    /// ```scale
    /// cluster {
    ///   nodes {
    ///     count  = 2 .. 4
    ///     cpu    = 8
    ///     memory = 32Gi
    ///   }
    /// }
    ///
    /// service api {
    ///   image    = "registry.example.com/api:1.0.0"
    ///   cpu      = 1
    ///   replicas = 4 .. 40
    ///   scale cpu { utilization = 70% }
    /// }
    /// ```
    /// 40 pods × 1 core = 40 cores, but 4 nodes × 8 cores allocate 32.
    ///
    /// ## Fix
    /// Let the pool grow to what the maximums need, or lower the maximums:
    /// ```scale
    /// cluster {
    ///   nodes {
    ///     count  = 2 .. 5
    ///     cpu    = 8
    ///     memory = 32Gi
    ///   }
    /// }
    /// ```
    /// The cluster autoscaler may then add a fifth node, so all 40 pods of
    /// `api` can be scheduled at its peak.
    ///
    /// ## See also
    /// C303 (baseline-unschedulable), C304 (pod-larger-than-node), C301
    /// (peak-exceeds-max), K101 (missing-max-replicas);
    /// <https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/#how-pods-with-resource-requests-are-scheduled>.
    pub RULE {
        code: "C302",
        name: "cluster-overcommit",
        severity: Warning,
        summary: "at maximum replicas the services request more cpu or memory than the node pool allocates",
        check: Some(check),
    }
}

fn check(rule: &Rule, project: &Project, out: &mut Vec<Diagnostic>) {
    let Some(nodes) = &project.cluster.nodes else {
        return;
    };
    let count = nodes.count.value;
    if count.min > count.max {
        return;
    }
    for kind in [Kind::Cpu, Kind::Memory] {
        let demands = demands(project, kind, max_pods);
        let total = sum(&demands);
        let (node, node_span) = kind.node(nodes);
        let capacity = node.saturating_mul(u128::from(count.max));
        if total <= capacity {
            continue;
        }
        let needed_nodes = total.div_ceil(node.max(1));
        let pool = if count.min == count.max {
            plural(count.max, "node")
        } else {
            format!("at most {}", plural(count.max, "node"))
        };
        let count_label = if node == 0 {
            pool
        } else {
            format!("{pool}; the maximums need at least {needed_nodes}")
        };
        let mut finding = rule
            .finding(
                format!(
                    "at their maximum replicas the services request {} of {}, more than the {} of {}",
                    kind.amount(total),
                    kind.name(),
                    kind.amount(capacity),
                    plural(count.max, "node")
                ),
                node_span,
            )
            .with_label(format!(
                "{} × {} = {}",
                plural(count.max, "node"),
                kind.amount(node),
                kind.amount(capacity)
            ))
            .with_related(nodes.count.span, count_label);
        let top = largest(&demands);
        for demand in &top {
            finding = finding.with_related(
                demand.service.name.span,
                format!(
                    "up to {} × {} = {}",
                    plural(demand.pods, "pod"),
                    kind.amount(demand.request),
                    kind.amount(demand.total)
                ),
            );
        }
        let shares = top
            .iter()
            .map(|d| format!("`{}` ({})", d.service.name.value, share(d.total, total)))
            .collect::<Vec<_>>();
        let grow = if node == 0 {
            format!(", and give the nodes some {}", kind.name())
        } else {
            format!(
                ", or let the pool grow: `count = {} .. {needed_nodes}`",
                count.min
            )
        };
        let whose = match shares.as_slice() {
            [_] => {
                // The only service with a request: the pool holds this many of its pods.
                let fits = capacity / top[0].request.max(1);
                format!(
                    "`{}` takes it all: lower its maximum replicas to {fits}",
                    top[0].service.name.value
                )
            }
            _ => format!(
                "most goes to {}: lower their maximum replicas",
                join(&shares)
            ),
        };
        out.push(finding.with_help(format!("{whose}{grow}")));
    }
}

// Helpers shared with C301, C303 and C304 (they live here, in one rule file,
// because the rule files are the only place these capacity checks own).

/// A resource the scheduler places pods by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    Cpu,
    Memory,
}

impl Kind {
    /// The attribute, and the word in messages.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Kind::Cpu => "cpu",
            Kind::Memory => "memory",
        }
    }

    /// The service's request in thousandths (millicores, millibytes), its
    /// span and its text as written; `None` without a request.
    pub(crate) fn request(self, service: &Service) -> Option<(u128, Span, &str)> {
        match self {
            Kind::Cpu => service.cpu.as_ref().map(|r| {
                (
                    u128::from(r.request.value.millicores),
                    r.request.span,
                    r.request.value.text.as_str(),
                )
            }),
            Kind::Memory => service.memory.as_ref().map(|r| {
                (
                    r.request.value.millibytes,
                    r.request.span,
                    r.request.value.text.as_str(),
                )
            }),
        }
    }

    /// What one node allocates, in thousandths, and where it is written.
    pub(crate) fn node(self, nodes: &NodePool) -> (u128, Span) {
        match self {
            Kind::Cpu => (u128::from(nodes.cpu.value.millicores), nodes.cpu.span),
            Kind::Memory => (nodes.memory.value.millibytes, nodes.memory.span),
        }
    }

    /// The node pool's per-node value as written (`8`, `32Gi`).
    pub(crate) fn node_text(self, nodes: &NodePool) -> &str {
        match self {
            Kind::Cpu => &nodes.cpu.value.text,
            Kind::Memory => &nodes.memory.value.text,
        }
    }

    /// A readable, exact amount: `7.5 cores`, `96Gi`.
    pub(crate) fn amount(self, milli: u128) -> String {
        match self {
            Kind::Cpu => format!(
                "{} {}",
                decimal(milli),
                if milli == 1000 { "core" } else { "cores" }
            ),
            Kind::Memory => memory(milli),
        }
    }
}

/// What one service asks of the pool for one resource.
pub(crate) struct Demand<'a> {
    pub service: &'a Service,
    pub pods: u32,
    /// One pod's request, in thousandths.
    pub request: u128,
    /// `pods × request`.
    pub total: u128,
}

/// Every service's demand, in model order; services without a request for
/// `kind` count 0 and are left out.
pub(crate) fn demands(project: &Project, kind: Kind, pods: fn(&Service) -> u32) -> Vec<Demand<'_>> {
    project
        .services
        .iter()
        .filter_map(|service| {
            let (request, _, _) = kind.request(service)?;
            let pods = pods(service);
            Some(Demand {
                service,
                pods,
                request,
                total: request.saturating_mul(u128::from(pods)),
            })
        })
        .collect()
}

pub(crate) fn sum(demands: &[Demand<'_>]) -> u128 {
    demands
        .iter()
        .map(|d| d.total)
        .fold(0, u128::saturating_add)
}

/// The three largest non-zero demands, largest first; ties keep model order.
pub(crate) fn largest<'d, 'a>(demands: &'d [Demand<'a>]) -> Vec<&'d Demand<'a>> {
    let mut sorted: Vec<&Demand<'a>> = demands.iter().filter(|d| d.total > 0).collect();
    sorted.sort_by_key(|d| std::cmp::Reverse(d.total));
    sorted.truncate(3);
    sorted
}

/// The pods a service may run at most: a fixed count, the top of its range,
/// or 1 without `replicas` (what Kubernetes runs).
pub(crate) fn max_pods(service: &Service) -> u32 {
    service.bounds().map_or(1, |b| b.max.value)
}

/// The pods a service runs at least: a fixed count, the bottom of its range,
/// or 1 without `replicas`.
pub(crate) fn min_pods(service: &Service) -> u32 {
    service.bounds().map_or(1, |b| b.min.value)
}

/// `part` as a whole percentage of `whole`, rounded: `67 %`, `<1 %`.
pub(crate) fn share(part: u128, whole: u128) -> String {
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
pub(crate) fn join(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// Thousandths as an exact decimal: 7500 → `7.5`, 250 → `0.25`, 8000 → `8`.
pub(crate) fn decimal(milli: u128) -> String {
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
    if millibytes % 1000 != 0 {
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
