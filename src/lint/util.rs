//! Helpers that more than one rule needs.

use crate::model::environment::Origin;
use crate::model::{Project, Service};
use crate::source::Span;

/// The services that autoscale: they have `scale` signals.
pub fn autoscaled(project: &Project) -> impl Iterator<Item = &Service> {
    project.services.iter().filter(|s| s.is_autoscaled())
}

/// `n` with the noun in singular or plural: "1 pod", "3 pods".
pub fn plural(n: impl Into<u128>, noun: &str) -> String {
    let n = n.into();
    format!("{n} {noun}{}", if n == 1 { "" } else { "s" })
}

/// Whether `span` lies outside the service's own block: the value was
/// inherited from `defaults` or set by an environment. Findings on such
/// values also label the service, so that a suppression above the service
/// still matches them.
pub fn inherited(project: &Project, service: &Service, span: Span) -> bool {
    project.origin(service.span, span) != Origin::Own
}

/// The label of the service on a finding about `what`, written at `span`
/// outside the service's own block: "inherits `memory` from `defaults`", or
/// "environment `prod` sets `memory`". `None` when the service writes it.
pub fn inherits(project: &Project, service: &Service, span: Span, what: &str) -> Option<String> {
    match project.origin(service.span, span) {
        Origin::Own => None,
        Origin::Inherited => Some(format!("inherits {what} from `defaults`")),
        Origin::Environment(name) => Some(format!("environment `{name}` sets {what}")),
    }
}

/// The largest binary unit that divides `bytes`: `("Mi", 512)` for 512 MiB.
pub fn binary_unit(bytes: u128) -> Option<(&'static str, u128)> {
    [
        ("Ti", 1_u128 << 40),
        ("Gi", 1 << 30),
        ("Mi", 1 << 20),
        ("Ki", 1 << 10),
    ]
    .into_iter()
    .find(|(_, size)| bytes != 0 && bytes.is_multiple_of(*size))
    .map(|(unit, size)| (unit, bytes / size))
}

/// Memory as a user writes it: the largest binary unit that divides it
/// (`512Mi`), else whole bytes, else thousandths of a byte (`1500m`).
pub fn memory_as_written(millibytes: u128) -> String {
    if !millibytes.is_multiple_of(1000) {
        return format!("{millibytes}m");
    }
    let bytes = millibytes / 1000;
    match binary_unit(bytes) {
        Some((unit, count)) => format!("{count}{unit}"),
        None => bytes.to_string(),
    }
}

/// Cpu as a user writes it: whole cores (`2`) or millicores (`500m`, `0m`).
pub fn cpu_as_written(millicores: impl Into<u128>) -> String {
    let millicores = millicores.into();
    if millicores != 0 && millicores % 1000 == 0 {
        (millicores / 1000).to_string()
    } else {
        format!("{millicores}m")
    }
}

/// Parts per million as a percentage number, exact, without the `%`:
/// 50 000 is `5`, 1 045 000 is `104.5`, 125 is `0.0125`.
pub fn percent_of_ppm(ppm: impl Into<u128>) -> String {
    let ppm = ppm.into();
    let (whole, fraction) = (ppm / 10_000, ppm % 10_000);
    if fraction == 0 {
        return whole.to_string();
    }
    format!("{whole}.{}", format!("{fraction:04}").trim_end_matches('0'))
}
