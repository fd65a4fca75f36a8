//! Helpers that more than one rule needs.

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
/// inherited from `defaults`. Findings on such values also label the service,
/// so that a suppression above the service still matches them.
pub fn inherited(service: &Service, span: Span) -> bool {
    span.file != service.span.file || span.start < service.span.start || span.end > service.span.end
}
