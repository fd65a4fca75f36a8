use crate::diag::Diagnostic;
use crate::lint::Rule;
use crate::model::{Project, SignalSource, Target};

declare_rule! {
    /// ## What it does
    /// Flags a service whose cpu request is below 10m (a hundredth of a core),
    /// own or inherited from `defaults`. Such a value is almost always a unit
    /// slip: `5m` written for `500m`, or `0.005` for `0.5`.
    ///
    /// ## Why it is unsafe
    /// The request is the yardstick of cpu `utilization`: at `cpu = 5m` and
    /// `utilization = 70%`, a pod counts as busy once it uses 3.5 millicores,
    /// which an idle runtime's garbage collector alone exceeds. The autoscaler
    /// then sits at its maximum whatever the traffic, and the signal carries no
    /// information. The scheduler also reserves almost nothing for each pod, so
    /// it packs far too many onto one node, and under contention the kernel
    /// gives them the smallest cpu share there is: the pods starve exactly when
    /// load rises.
    ///
    /// The rule fires for every service, autoscaled or not, because the
    /// scheduling half of the hazard does not depend on the autoscaler. When
    /// the service scales on cpu `utilization`, the finding also shows the
    /// per-pod usage at which the autoscaler adds pods. A request of `0` fires
    /// too: it reserves nothing at all, and the autoscaler cannot compute a
    /// utilization of it, so it never scales.
    ///
    /// ## Example
    /// ```scale
    /// service api {
    ///   image    = "registry.example.com/api:1.0.0"
    ///   cpu      = 5m
    ///   replicas = 2 .. 20
    ///   scale cpu { utilization = 70% }
    /// }
    /// ```
    ///
    /// ## Fix
    /// Request what one pod uses at its usual load; here the intended value was
    /// `500m`:
    /// ```scale
    /// service api {
    ///   image    = "registry.example.com/api:1.0.0"
    ///   cpu      = 500m
    ///   replicas = 2 .. 20
    ///   scale cpu { utilization = 70% }
    /// }
    /// ```
    /// The autoscaler now adds pods when a pod averages more than 350m, and the
    /// scheduler reserves half a core for every pod.
    ///
    /// The help suggests the value with two more zeros (`5m` → `500m`), the
    /// most common slip. When that would exceed the service's cpu limit, it
    /// suggests ten times the request, or else a request equal to the limit; a
    /// limit below 10m is taken to be the same slip and is raised as well.
    ///
    /// ## See also
    /// K105 (utilization-without-request), K106 (utilization-out-of-range),
    /// K111 (limit-below-request), K112 (memory-milli-unit).
    pub RULE {
        id: K113,
        name: "tiny-cpu-request",
        severity: Warning,
        summary: "a cpu request below 10m, usually a unit slip that makes utilization meaningless",
        check: Some(check),
    }
}

/// Requests below this many millicores are flagged.
const FLOOR_MILLICORES: u64 = 10;

/// What a request of 0 is raised to when nothing better is known.
const ZERO_REQUEST_SUGGESTION: u64 = 100;

fn check(rule: &Rule, project: &Project, out: &mut Vec<Diagnostic>) {
    for service in &project.services {
        let Some(cpu) = &service.cpu else { continue };
        let request = &cpu.request;
        let millicores = request.value.millicores;
        if millicores >= FLOOR_MILLICORES {
            continue;
        }
        let name = &service.name.value;
        let written = &request.value.text;
        let limit = cpu.limit.as_ref().map(|l| l.value.millicores);
        let message = if millicores == 0 {
            format!("service `{name}` requests no cpu (`cpu = {written}`)")
        } else {
            format!(
                "service `{name}` requests {} of cpu, less than {FLOOR_MILLICORES}m",
                crate::lint::util::cpu_as_written(millicores)
            )
        };
        let mut finding = rule
            .finding(message, request.span)
            .with_label(if millicores == 0 {
                "reserves no cpu at all".to_string()
            } else {
                format!("{} of one core", percent_of_core(millicores))
            });
        if let Some(label) = crate::lint::util::inherits(project, service, request.span, &format!("`cpu = {written}`")) {
            finding = finding.with_related(service.name.span, label);
        }
        if let Some(signal) = service
            .scaling
            .iter()
            .find(|s| s.source.value == SignalSource::Cpu)
        {
            if let Target::Utilization(_) = signal.target.value
                && millicores == 0
            {
                finding = finding.with_related(
                    signal.target.span,
                    "utilization of a 0 request cannot be computed: the autoscaler never scales",
                );
            } else if let Target::Utilization(percent) = signal.target.value {
                let threshold =
                    u128::from(millicores).saturating_mul(u128::from(percent.unsigned_abs()));
                finding = finding.with_related(
                    signal.target.span,
                    format!(
                        "{percent}% of {written}: the autoscaler adds pods once a pod uses {}",
                        hundredths_of_millicores(threshold)
                    ),
                );
            }
        }
        let (new_request, new_limit) = suggestion(millicores, limit);
        let value = match new_limit {
            Some(l) => format!(
                "{} .. {}",
                crate::lint::util::cpu_as_written(new_request),
                crate::lint::util::cpu_as_written(l)
            ),
            None => crate::lint::util::cpu_as_written(new_request),
        };
        let tiny_limit = cpu
            .limit
            .as_ref()
            .filter(|l| l.value.millicores < FLOOR_MILLICORES)
            .map(|l| l.value.text.as_str());
        let help = if millicores == 0 {
            format!(
                "request what one pod uses at its usual load, at least {FLOOR_MILLICORES}m, e.g. `cpu = {value}`"
            )
        } else if let (Some(old), Some(new)) = (tiny_limit, new_limit) {
            format!(
                "if `{written}` and `{old}` are slips for `{}` and `{}`, write `cpu = {value}`; otherwise request what one pod uses at its usual load, at least {FLOOR_MILLICORES}m",
                crate::lint::util::cpu_as_written(new_request),
                crate::lint::util::cpu_as_written(new)
            )
        } else if new_request == millicores.saturating_mul(100) {
            format!(
                "if `{written}` is a slip for `{}`, write `cpu = {value}`; otherwise request what one pod uses at its usual load, at least {FLOOR_MILLICORES}m",
                crate::lint::util::cpu_as_written(new_request)
            )
        } else {
            let wanted = crate::lint::util::cpu_as_written(millicores.saturating_mul(100));
            let limit_text = cpu.limit.as_ref().map_or("", |l| l.value.text.as_str());
            format!(
                "`{wanted}` would exceed the {limit_text} limit; write `cpu = {value}`, or request what one pod uses at its usual load, at least {FLOOR_MILLICORES}m"
            )
        };
        out.push(finding.with_help(help));
    }
}

/// The request (and limit, when one is written) the help suggests, in
/// millicores. The usual slip drops two zeros, so the first guess is a
/// hundred times the request; it must not exceed the limit.
fn suggestion(request: u64, limit: Option<u64>) -> (u64, Option<u64>) {
    let base = if request == 0 {
        ZERO_REQUEST_SUGGESTION
    } else {
        request.saturating_mul(100)
    };
    match limit {
        None => (base, None),
        // The limit is as tiny as the request: the same slip, twice.
        Some(limit) if limit < FLOOR_MILLICORES => {
            (base, Some(limit.saturating_mul(100).max(base)))
        }
        Some(limit) if base <= limit => (base, Some(limit)),
        Some(limit) => {
            let tenfold = request.saturating_mul(10);
            if (FLOOR_MILLICORES..=limit).contains(&tenfold) {
                (tenfold, Some(limit))
            } else {
                (limit, Some(limit))
            }
        }
    }
}

/// `5` → `0.5%`: a millicore is a tenth of a percent of one core.
fn percent_of_core(millicores: u64) -> String {
    match millicores % 10 {
        0 => format!("{}%", millicores / 10),
        tenth => format!("{}.{tenth}%", millicores / 10),
    }
}

/// `350` → `3.5m`: a value in hundredths of a millicore.
fn hundredths_of_millicores(hundredths: u128) -> String {
    let (whole, fraction) = (hundredths / 100, hundredths % 100);
    match fraction {
        0 => format!("{whole}m"),
        f if f % 10 == 0 => format!("{whole}.{}m", f / 10),
        f => format!("{whole}.{f:02}m"),
    }
}
