use crate::diag::{Diagnostic, Suggestion};
use crate::lint::Rule;
use crate::model::{Memory, Project, Resource, Service, SignalSource, Spanned, Target};
use crate::source::Span;

declare_rule! {
    /// ## What it does
    /// Flags a memory quantity written with the milli suffix `m`: a service's
    /// `memory` request or limit (own or from `defaults`), the `memory` of
    /// `nodes`, a database's `storage`, and the `average` or `total` of a
    /// `scale memory` block.
    ///
    /// ## Why it is unsafe
    /// In Kubernetes quantities `m` means thousandths, for memory as for cpu:
    /// `memory = 512m` is 0.512 bytes, not 512 MiB. The API server accepts it,
    /// so nothing fails at `apply`: the scheduler reserves nothing for the pod
    /// and packs nodes until they run out of memory; a limit that small
    /// OOM-kills the container as it starts; a `scale memory { average = 512m }`
    /// is exceeded by every pod, so the service runs at its maximum; a volume of
    /// `100m` cannot be provisioned; and node sizes in `m` make every capacity
    /// check meaningless.
    ///
    /// ## Example
    /// ```scale
    /// service api {
    ///   image  = "registry.example.com/api:1.0.0"
    ///   memory = 512m .. 1Gi
    /// }
    /// ```
    ///
    /// ## Fix
    /// Use a binary suffix:
    /// ```scale
    /// service api {
    ///   image  = "registry.example.com/api:1.0.0"
    ///   memory = 512Mi .. 1Gi
    /// }
    /// ```
    /// The pod now reserves 512 MiB on its node and may use up to 1 GiB. `M`
    /// (10^6 bytes) is also valid but differs from `Mi` by about 5 %.
    ///
    /// ## See also
    /// K110 (missing-memory-limit), C302 (cluster-overcommit),
    /// C304 (pod-larger-than-node).
    pub RULE {
        id: K112,
        name: "memory-milli-unit",
        severity: Error,
        summary: "a memory quantity written with the milli suffix `m`",
        check: Some(check),
    }
}

fn check(rule: &Rule, project: &Project, out: &mut Vec<Diagnostic>) {
    if let Some(nodes) = &project.cluster.nodes {
        let memory = &nodes.memory;
        if memory.value.milli_unit {
            out.push(
                rule.finding(
                    format!(
                        "each node has {} of memory: `{}` means thousandths of a byte",
                        bytes(memory.value.millibytes),
                        memory.value.text
                    ),
                    memory.span,
                )
                .with_label(milli_label())
                .with_help(format!(
                    "write `memory = {}`",
                    mebibytes(&memory.value.text)
                ))
                .with_suggestion(to_mebibytes(memory.span, &memory.value.text)),
            );
        }
    }
    for service in &project.services {
        if let Some(memory) = &service.memory {
            resource(rule, project, service, memory, out);
        }
        for signal in &service.scaling {
            if signal.source.value != SignalSource::Memory {
                continue;
            }
            let (kind, value) = match &signal.target.value {
                Target::Average(v) => ("average", v),
                Target::Total(v) => ("total", v),
                Target::Utilization(_) | Target::Replicas(_) => continue,
            };
            if !value.text.ends_with('m') {
                continue;
            }
            let name = &service.name.value;
            let per_pod = if kind == "average" { " per pod" } else { "" };
            // Every pod uses more than a few bytes: the HPA asks for the maximum.
            let consequence = match service.bounds().filter(|b| !b.fixed) {
                Some(bounds) => format!(
                    ", so it runs at {}",
                    crate::lint::util::plural(bounds.max.value, "replica")
                ),
                None => ", so it runs at its maximum".to_string(),
            };
            let d = rule
                .finding(
                    format!(
                        "service `{name}` scales on {} {} of memory{per_pod}{consequence}",
                        if kind == "average" {
                            "an average of"
                        } else {
                            "a total of"
                        },
                        bytes(value.milli)
                    ),
                    signal.target.span,
                )
                .with_label(format!("`{}` is thousandths of a byte", value.text))
                .with_help(format!("write `{kind} = {}`", mebibytes(&value.text)))
                .with_suggestion(to_mebibytes(signal.target.span, &value.text));
            out.push(with_service(d, project, service, signal.target.span, "this target"));
        }
    }
    for database in &project.databases {
        let Some(storage) = &database.storage else {
            continue;
        };
        if storage.value.milli_unit {
            out.push(
                rule.finding(
                    format!(
                        "database `{}` gives each member {} of storage: `{}` means thousandths of a byte",
                        database.name.value,
                        bytes(storage.value.millibytes),
                        storage.value.text
                    ),
                    storage.span,
                )
                .with_label("no volume can be provisioned this small")
                .with_help(format!("write `storage = {}`", mebibytes(&storage.value.text)))
                .with_suggestion(to_mebibytes(storage.span, &storage.value.text)),
            );
        }
    }
}

/// The request and limit of a service's `memory`.
fn resource(
    rule: &Rule,
    project: &Project,
    service: &Service,
    memory: &Resource<Memory>,
    out: &mut Vec<Diagnostic>,
) {
    let fixed = |m: &Memory| {
        if m.milli_unit {
            mebibytes(&m.text)
        } else {
            m.text.clone()
        }
    };
    let written = match &memory.limit {
        Some(limit) => format!(
            "memory = {} .. {}",
            fixed(&memory.request.value),
            fixed(&limit.value)
        ),
        None => format!("memory = {}", fixed(&memory.request.value)),
    };
    let name = &service.name.value;
    let parts: [(Option<&Spanned<Memory>>, &str); 2] = [
        (Some(&memory.request), "requests"),
        (memory.limit.as_ref(), "is limited to"),
    ];
    for (part, verb) in parts {
        let Some(part) = part.filter(|p| p.value.milli_unit) else {
            continue;
        };
        let d = rule
            .finding(
                format!(
                    "service `{name}` {verb} {} of memory: `{}` means thousandths of a byte",
                    bytes(part.value.millibytes),
                    part.value.text
                ),
                part.span,
            )
            .with_label(milli_label())
            .with_help(format!("write `{written}`"))
            .with_suggestion(to_mebibytes(part.span, &part.value.text));
        out.push(with_service(d, project, service, part.span, "`memory`"));
    }
}

/// A suppression above the service must match a value inherited from
/// `defaults` or set by an environment.
fn with_service(
    d: Diagnostic,
    project: &Project,
    service: &Service,
    span: Span,
    what: &str,
) -> Diagnostic {
    match crate::lint::util::inherits(project, service, span, what) {
        None => d,
        Some(label) => d.with_related(service.name.span, label),
    }
}

fn milli_label() -> &'static str {
    "`m` is milli, not mebi: did you mean `Mi`?"
}

/// The fix of one quantity: `512m` at `span` → `512Mi`.
fn to_mebibytes(span: Span, text: &str) -> Suggestion {
    let fixed = mebibytes(text);
    Suggestion::text(span, &fixed, format!("change to `{fixed}`"))
}

/// `512m` → `512Mi`.
fn mebibytes(text: &str) -> String {
    format!("{}Mi", text.strip_suffix('m').unwrap_or(text))
}

/// Millibytes as a decimal number of bytes: `0.512 bytes`, `1 byte`.
fn bytes(millibytes: u128) -> String {
    let (whole, frac) = (millibytes / 1000, millibytes % 1000);
    let number = if frac == 0 {
        whole.to_string()
    } else {
        let digits = format!("{frac:03}");
        format!("{whole}.{}", digits.trim_end_matches('0'))
    };
    let noun = if millibytes == 1000 { "byte" } else { "bytes" };
    format!("{number} {noun}")
}
