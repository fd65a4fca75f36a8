use crate::diag::Diagnostic;
use crate::lint::Rule;
use crate::lint::util::plural;
use crate::model::{Disruption, DisruptionBudget, IntOrPercent, Project, Spanned};

declare_rule! {
    /// ## What it does
    /// Flags a `disruption` block whose PodDisruptionBudget lets no pod be
    /// evicted when the service runs at its minimum size: `max_unavailable = 0`
    /// (or `0%`), or a `min_available` that requires as many pods as the
    /// service may run.
    ///
    /// scalec writes a `disruption` block as a PodDisruptionBudget at any
    /// replica count, so every budget this rule judges is one `scalec build`
    /// emits. The minimum size is the low end of `replicas = MIN .. MAX`, the
    /// count of a fixed `replicas = N`, or 1 when the service sets no
    /// `replicas` (what Kubernetes runs then). A service that scales to zero is
    /// judged at one pod, the size it runs at when it wakes; one that never
    /// runs a pod (`replicas = 0`) has nothing to evict. A percentage is turned
    /// into pods as the disruption controller does, rounding up:
    /// `min_available = 60%` of 2 pods requires 2. A service with no
    /// `disruption` block gets the default budget `max_unavailable = 1` when
    /// its minimum is 2 or more, and no budget below that: neither can block.
    ///
    /// ## Why it is unsafe
    /// `kubectl drain`, node auto-repair, cluster autoscaler scale-down and
    /// managed cluster upgrades all evict pods through the eviction API, which
    /// refuses any eviction that would break a PodDisruptionBudget. When the
    /// budget allows zero disruptions, the drain retries forever: the node
    /// never empties and the upgrade stalls, or, where a managed platform
    /// forces the drain after a timeout, the pods are deleted anyway with no
    /// budget at all.
    /// Autoscaled services spend quiet hours at their minimum, which is when
    /// maintenance usually runs.
    ///
    /// ## Example
    /// ```scale
    /// service api {
    ///   image    = "registry.example.com/api:1.0.0"
    ///   cpu      = 250m
    ///   replicas = 2 .. 20
    ///   scale cpu { utilization = 70% }
    ///
    ///   disruption { min_available = 2 }
    /// }
    /// ```
    ///
    /// ## Fix
    /// Bound what may be down rather than what must be up:
    /// ```scale
    /// service api {
    ///   image    = "registry.example.com/api:1.0.0"
    ///   cpu      = 250m
    ///   replicas = 2 .. 20
    ///   scale cpu { utilization = 70% }
    ///
    ///   disruption { max_unavailable = 1 }
    /// }
    /// ```
    /// A drain now evicts one pod at a time and waits until its replacement is
    /// ready before evicting the next, at any replica count. A service that
    /// runs a single pod cannot both keep it up and let it be evicted: give it
    /// at least two (see K104).
    ///
    /// ## See also
    /// K104 (single-replica),
    /// <https://kubernetes.io/docs/tasks/run-application/configure-pdb/>.
    pub RULE {
        id: K119,
        name: "disruption-blocks-drain",
        severity: Error,
        summary: "a disruption budget that lets no pod be evicted, so node drains and upgrades hang",
        check: Some(check),
    }
}

/// Where a service's smallest size comes from.
enum Floor<'a> {
    /// `replicas = MIN .. MAX`.
    Range { min: &'a Spanned<u32>, max: u32 },
    /// `replicas = N`.
    Fixed(&'a Spanned<u32>),
    /// No `replicas`: Kubernetes runs one pod.
    Unset,
}

fn check(rule: &Rule, project: &Project, out: &mut Vec<Diagnostic>) {
    for service in &project.services {
        // Judge the budget emit writes, as it writes it; the default
        // (`maxUnavailable: 1`) always lets a pod go.
        let Some(DisruptionBudget::Written(disruption)) = service.disruption_budget() else {
            continue;
        };
        let bounds = service.bounds();
        let floor = match &bounds {
            Some(b) if b.fixed => Floor::Fixed(&b.max),
            Some(b) => Floor::Range {
                min: &b.min,
                max: b.max.value,
            },
            None => Floor::Unset,
        };
        let (min, max) = match &floor {
            Floor::Range { min, max } => (min.value, *max),
            Floor::Fixed(n) => (n.value, n.value),
            Floor::Unset => (1, 1),
        };
        if max == 0 {
            // No pod ever runs: nothing to evict, nothing to block.
            continue;
        }
        // A service that scales to zero has nothing to evict at zero; judge
        // the single pod it runs when it wakes.
        let pods = min.max(1);
        let (bound, label) = match disruption {
            Disruption::MaxUnavailable(bound) => match bound.value {
                IntOrPercent::Int(0) | IntOrPercent::Percent(0) => {
                    (bound, "no pod may be down".to_string())
                }
                _ => continue,
            },
            Disruption::MinAvailable(bound) => {
                let required = required_pods(bound.value, pods);
                if required < u64::from(pods) {
                    continue;
                }
                let label = match bound.value {
                    IntOrPercent::Int(n) if n.unsigned_abs() > pods => {
                        format!("{n} pods must stay up, more than the {pods} it may run")
                    }
                    IntOrPercent::Int(n) => format!("{n} of {pods} must stay up"),
                    IntOrPercent::Percent(p) => {
                        let exact = (u64::from(p) * u64::from(pods)) % 100 == 0;
                        let verb = if exact { "is" } else { "rounds up to" };
                        format!(
                            "{p}% of {} {verb} {required}, all of them",
                            plural(pods, "pod")
                        )
                    }
                };
                (bound, label)
            }
        };
        let never = match disruption {
            Disruption::MaxUnavailable(_) => true,
            Disruption::MinAvailable(b) => required_pods(b.value, max) >= u64::from(max),
        };
        let name = &service.name.value;
        let message = if never {
            format!("the disruption budget of service `{name}` never lets a pod be evicted")
        } else {
            format!(
                "the disruption budget of service `{name}` lets no pod be evicted at {}",
                plural(pods, "replica")
            )
        };
        let mut finding = rule.finding(message, bound.span).with_label(label);
        let mut name_notes = Vec::new();
        if let Some(label) =
            crate::lint::util::inherits(project, service, bound.span, "`disruption`")
        {
            name_notes.push(label);
        }
        match &floor {
            Floor::Range { min, .. } if min.value == 0 => {
                finding =
                    finding.with_related(min.span, "scales to zero, then wakes with a single pod");
            }
            Floor::Range { min, .. } => {
                finding = finding.with_related(
                    min.span,
                    format!("may scale down to {}", plural(min.value, "replica")),
                );
            }
            Floor::Fixed(n) => {
                finding = finding.with_related(
                    n.span,
                    format!("always runs {}", plural(n.value, "replica")),
                );
            }
            Floor::Unset => name_notes.push("no `replicas`: Kubernetes runs 1 pod".to_string()),
        }
        if !name_notes.is_empty() {
            finding = finding.with_related(service.name.span, name_notes.join("; "));
        }
        out.push(finding.with_help(help(disruption, &floor, pods)));
    }
}

/// Pods a `min_available` requires at `pods` replicas; percentages round up,
/// as the disruption controller rounds them.
/// In `u64`, where a percentage (below 2^32) times pods (below 2^32) fits.
fn required_pods(bound: IntOrPercent, pods: u32) -> u64 {
    match bound {
        IntOrPercent::Int(n) => u64::from(n.unsigned_abs()),
        IntOrPercent::Percent(p) => (u64::from(p) * u64::from(pods)).div_ceil(100),
    }
}

fn help(disruption: &Disruption, floor: &Floor<'_>, pods: u32) -> String {
    let drain = "a drain then evicts one pod at a time and waits until its replacement is ready";
    if pods >= 2 {
        let alternative = match disruption {
            Disruption::MinAvailable(b) => match b.value {
                IntOrPercent::Int(_) => format!(" (or at most `min_available = {}`)", pods - 1),
                IntOrPercent::Percent(_) => {
                    let largest = 100 * u64::from(pods - 1) / u64::from(pods);
                    format!(" (or at most `min_available = {largest}%`)")
                }
            },
            Disruption::MaxUnavailable(_) => String::new(),
        };
        return format!("write `max_unavailable = 1`{alternative}: {drain}");
    }
    let raise = match floor {
        Floor::Range { min, max } if min.value == 1 => {
            format!("`replicas = 2 .. {}`", (*max).max(2))
        }
        Floor::Fixed(_) | Floor::Unset => "`replicas = 2`".to_string(),
        // Scales to zero: a single pod is its normal state when busy.
        Floor::Range { .. } => return format!("write `max_unavailable = 1`: {drain}"),
    };
    format!(
        "write `max_unavailable = 1`: {drain}; with a single pod that is a brief outage, so also raise the minimum: {raise}"
    )
}
