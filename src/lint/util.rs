//! Helpers that more than one rule needs.

use crate::model::{Project, Service};

/// The services that autoscale: they have `scale` signals.
pub fn autoscaled(project: &Project) -> impl Iterator<Item = &Service> {
    project.services.iter().filter(|s| s.is_autoscaled())
}

/// `n` with the noun in singular or plural: "1 pod", "3 pods".
pub fn plural(n: impl Into<u128>, noun: &str) -> String {
    let n = n.into();
    format!("{n} {noun}{}", if n == 1 { "" } else { "s" })
}
