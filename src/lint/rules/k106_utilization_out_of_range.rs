use crate::diag::{Diagnostic, Severity};
use crate::lint::{Rule, util};
use crate::model::{Project, Service, SignalSource, Spanned, Target};
use crate::source::Span;

declare_rule! {
    /// ## What it does
    /// Checks the `utilization` target of `scale cpu` and `scale memory`:
    ///
    /// - `0%` is an error: the API server rejects a HorizontalPodAutoscaler
    ///   whose `averageUtilization` is below 1.
    /// - Above `90%` is a warning: there is no headroom left.
    /// - A target the pods can never reach is a warning at any percentage: when
    ///   the limit caps usage at or below the target plus the HPA's tolerance
    ///   (10 %, or the `tolerance` of `scale_up`), the HPA never sees enough
    ///   usage to add a pod.
    ///
    /// ## Why it is unsafe
    /// Scaling out is not instant: the HPA samples every 15 s, the scheduler may
    /// need a new node, the image is pulled and the readiness probe must pass,
    /// often a minute or more. A target near 100 % means the autoscaler acts
    /// only once the pods are already saturated; during that minute they queue
    /// requests, time out and fail health checks, which takes even more
    /// capacity away. With a cpu limit the pods are throttled at the limit; with
    /// a memory limit they are OOM-killed at it, so a target the limit does not
    /// leave room for is never reached and the service never scales.
    ///
    /// ## Example
    /// ```scale
    /// service api {
    ///   image    = "registry.example.com/api:1.0.0"
    ///   cpu      = 500m .. 500m
    ///   replicas = 2 .. 20
    ///   scale cpu { utilization = 95% }
    /// }
    /// ```
    ///
    /// ## Fix
    /// Leave the pods room to absorb load while new ones start:
    /// ```scale
    /// service api {
    ///   image    = "registry.example.com/api:1.0.0"
    ///   cpu      = 500m .. 500m
    ///   replicas = 2 .. 20
    ///   scale cpu { utilization = 70% }
    /// }
    /// ```
    /// The HPA adds pods when they average 350m instead of 475m, so the 30 %
    /// left over carries the extra traffic until the new pods are ready. A
    /// higher target saves money only for load that ramps slower than pods
    /// start.
    ///
    /// ## See also
    /// K105 (utilization-without-request), K111 (limit-below-request),
    /// C301 (peak-exceeds-max).
    pub RULE {
        id: K106,
        name: "utilization-out-of-range",
        severity: Error,
        summary: "a cpu or memory utilization target of 0 %, above 90 %, or above what the limit allows",
        check: Some(check),
    }
}

/// Above this, a target leaves no headroom.
const MAX_SAFE_PERCENT: u32 = 90;
/// What the help suggests when the target is too high.
const SUGGESTED_PERCENT: u32 = 80;
/// The HPA's default tolerance, in parts per million (10 %).
const DEFAULT_TOLERANCE_PPM: u32 = 100_000;
const PPM: u128 = 1_000_000;

fn check(rule: &Rule, project: &Project, out: &mut Vec<Diagnostic>) {
    for service in &project.services {
        for signal in &service.scaling {
            let Target::Utilization(percent) = signal.target.value else {
                continue;
            };
            let percent = percent.unsigned_abs();
            let Some(usage) = Usage::of(service, &signal.source.value) else {
                continue;
            };
            let target = signal.target.span;
            let finding = if percent == 0 {
                Some(zero(rule, service, usage.kind.word(), target))
            } else if let Some(cap) = usage.cap(service, percent) {
                Some(out_of_reach(rule, service, &usage, &cap, percent, target))
            } else if percent > MAX_SAFE_PERCENT {
                Some(no_headroom(rule, service, &usage, percent, target))
            } else {
                None
            };
            if let Some(finding) = finding {
                out.push(with_service(finding, project, service, target));
            }
        }
    }
}

/// A suppression above the service must match a target inherited from
/// `defaults` or set by an environment.
fn with_service(
    finding: Diagnostic,
    project: &Project,
    service: &Service,
    target: Span,
) -> Diagnostic {
    match crate::lint::util::inherits(project, service, target, "this target") {
        None => finding,
        Some(label) => finding.with_related(service.name.span, label),
    }
}

fn zero(rule: &Rule, service: &Service, word: &str, target: Span) -> Diagnostic {
    let name = &service.name.value;
    rule.finding(
        format!("service `{name}` targets 0 % {word} utilization, which the API server rejects"),
        target,
    )
    .with_label("`averageUtilization` must be at least 1")
    .with_help(format!(
        "write the share of the {word} request the pods should average, e.g. `utilization = 70%`"
    ))
}

fn no_headroom(
    rule: &Rule,
    service: &Service,
    usage: &Usage,
    percent: u32,
    target: Span,
) -> Diagnostic {
    let name = &service.name.value;
    let word = usage.kind.word();
    let label = match &usage.request {
        Some(request) => format!(
            "{percent} % of the {} request: pods are added only once they average {}",
            usage.kind.format(request.value),
            usage.kind.share(request.value, percent)
        ),
        None => format!("{percent} % of the {word} request"),
    };
    let mut d = rule
        .finding(
            format!("service `{name}` targets {percent} % {word} utilization, leaving no headroom while new pods start"),
            target,
        )
        .with_label(label)
        .with_help(format!(
            "write `utilization = {SUGGESTED_PERCENT}%` or lower: the last {} % carries the load until new pods are ready",
            100 - SUGGESTED_PERCENT
        ));
    d.severity = Severity::Warning;
    d
}

fn out_of_reach(
    rule: &Rule,
    service: &Service,
    usage: &Usage,
    cap: &Cap,
    percent: u32,
    target: Span,
) -> Diagnostic {
    let name = &service.name.value;
    let word = usage.kind.word();
    let tolerance = util::percent_of_ppm(cap.tolerance_ppm);
    let ceiling = util::percent_of_ppm(cap.ceiling_ppm);
    let lower = cap.highest_percent.map(|highest| {
        format!(
            "lower the target to `utilization = {}%`",
            highest.min(SUGGESTED_PERCENT)
        )
    });
    let raise = format!(
        "raise the limit: `{word} = {} .. {}`",
        usage.kind.format(cap.request),
        usage.kind.format(cap.suggested_limit)
    );
    // Above 90 % a higher limit would make the target reachable but still
    // leave no headroom: suggest only the lower target then.
    let help = match lower {
        Some(lower) if percent > MAX_SAFE_PERCENT => lower,
        Some(lower) => format!("{lower}, or {raise}"),
        None => raise,
    };
    let mut d = rule
        .finding(
            format!(
                "service `{name}` can never reach its {percent} % {word} utilization target: the limit stops usage at {ceiling} % of the request"
            ),
            target,
        )
        .with_label(format!(
            "scales out only above {} % ({percent} % plus the HPA's {tolerance} % tolerance)",
            util::percent_of_ppm(
                u128::from(percent).saturating_mul(PPM + u128::from(cap.tolerance_ppm)) / 100
            )
        ))
        .with_related(
            cap.limit_span,
            format!(
                "usage stops at {} ({ceiling} % of {})",
                usage.kind.format(cap.limit),
                usage.kind.format(cap.request)
            ),
        )
        .with_help(help);
    d.severity = Severity::Warning;
    d
}

/// The request and limit of the resource a utilization target is about, in
/// its exact unit (millicores or millibytes).
struct Usage {
    kind: Kind,
    request: Option<Spanned<u128>>,
    limit: Option<Spanned<u128>>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Cpu,
    Memory,
}

/// Why a target is out of the pods' reach.
struct Cap {
    request: u128,
    limit: u128,
    limit_span: Span,
    tolerance_ppm: u32,
    /// The limit in parts per million of the request (100 % is 1 000 000).
    ceiling_ppm: u128,
    /// The smallest limit at which the target can trigger a scale-out, rounded
    /// up to a value people write.
    suggested_limit: u128,
    /// The highest whole target the limit still lets the HPA act on.
    highest_percent: Option<u32>,
}

impl Usage {
    fn of(service: &Service, source: &SignalSource) -> Option<Usage> {
        match source {
            SignalSource::Cpu => {
                let amount = |c: &Spanned<crate::model::Cpu>| {
                    Spanned::new(u128::from(c.value.millicores), c.span)
                };
                Some(Usage {
                    kind: Kind::Cpu,
                    request: service.cpu.as_ref().map(|r| amount(&r.request)),
                    limit: service
                        .cpu
                        .as_ref()
                        .and_then(|r| r.limit.as_ref())
                        .map(amount),
                })
            }
            SignalSource::Memory => {
                let amount =
                    |m: &Spanned<crate::model::Memory>| Spanned::new(m.value.millibytes, m.span);
                Some(Usage {
                    kind: Kind::Memory,
                    request: service.memory.as_ref().map(|r| amount(&r.request)),
                    limit: service
                        .memory
                        .as_ref()
                        .and_then(|r| r.limit.as_ref())
                        .map(amount),
                })
            }
            SignalSource::Metric(_) | SignalSource::Queue(_) | SignalSource::Schedule(_) => None,
        }
    }

    /// `Some` when the limit keeps average usage at or below what the HPA needs
    /// to see before it adds a pod: more than target × (1 + tolerance).
    fn cap(&self, service: &Service, percent: u32) -> Option<Cap> {
        let request = self.request.as_ref()?.value;
        let limit = self.limit.as_ref()?;
        if request == 0 {
            return None;
        }
        let tolerance_ppm = service
            .scale_up
            .as_ref()
            .and_then(|b| b.tolerance_ppm.as_ref())
            .map_or(DEFAULT_TOLERANCE_PPM, |t| t.value);
        let factor = PPM.saturating_add(u128::from(tolerance_ppm));
        // Usage ≤ limit; scale-out needs usage > request × percent/100 × factor/PPM.
        let needed_scaled = request
            .saturating_mul(u128::from(percent))
            .saturating_mul(factor);
        let limit_scaled = limit.value.saturating_mul(100).saturating_mul(PPM);
        if limit_scaled > needed_scaled {
            return None;
        }
        // The highest p with limit × 100 × PPM > request × p × factor.
        let per_percent = request.saturating_mul(factor);
        let highest = limit_scaled.saturating_sub(1) / per_percent;
        let highest_percent = u32::try_from(highest).ok().filter(|p| *p >= 1);
        let needed = needed_scaled / (100 * PPM) + 1;
        Some(Cap {
            request,
            limit: limit.value,
            limit_span: limit.span,
            tolerance_ppm,
            ceiling_ppm: limit.value.saturating_mul(PPM) / request,
            suggested_limit: self.kind.round_up(needed),
            highest_percent,
        })
    }
}

impl Kind {
    fn word(self) -> &'static str {
        match self {
            Kind::Cpu => "cpu",
            Kind::Memory => "memory",
        }
    }

    /// An exact amount as written in a policy: `1`, `250m`, `512Mi`.
    fn format(self, amount: u128) -> String {
        match self {
            Kind::Cpu => util::cpu_as_written(amount),
            Kind::Memory => util::memory_as_written(amount),
        }
    }

    /// `percent` of `amount`, readable: `475m`, `237.5m`, `about 1.2Gi`.
    fn share(self, amount: u128, percent: u32) -> String {
        let scaled = amount.saturating_mul(u128::from(percent));
        let (whole, hundredths) = (scaled / 100, scaled % 100);
        match self {
            Kind::Cpu if hundredths == 0 => self.format(whole),
            Kind::Cpu => {
                let digits = format!("{hundredths:02}");
                format!("{whole}.{}m", digits.trim_end_matches('0'))
            }
            Kind::Memory => {
                let bytes = whole / 1000;
                let exact =
                    hundredths == 0 && whole % 1000 == 0 && util::binary_unit(bytes).is_some();
                if exact {
                    return self.format(whole);
                }
                let (unit, size) = [("Gi", 1_u128 << 30), ("Mi", 1 << 20), ("Ki", 1 << 10)]
                    .into_iter()
                    .find(|(_, size)| bytes >= *size)
                    .unwrap_or(("", 1));
                let tenths = bytes.saturating_mul(10).saturating_add(size / 2) / size;
                let unit = if unit.is_empty() { " bytes" } else { unit };
                format!("about {}.{}{unit}", tenths / 10, tenths % 10)
            }
        }
    }

    /// Rounds a limit up to what people write: 100m steps for cpu, MiB for memory.
    fn round_up(self, amount: u128) -> u128 {
        let step: u128 = match self {
            Kind::Cpu => 100,
            Kind::Memory => (1 << 20) * 1000,
        };
        amount.div_ceil(step).saturating_mul(step)
    }
}
