//! Where a service's pods may run: priority class, node selector,
//! tolerations and the zones of a required node affinity.
//!
//! Lowering proves what the API server would refuse (E006 for names, label
//! keys and values), so emit writes these as they are.

use std::collections::BTreeMap;

use crate::source::{Span, eq_ignoring_spans};

use super::Keyword;

use super::Spanned;

keywords! {
    /// The taint effect a `toleration` tolerates.
    pub enum TaintEffect {
        NoSchedule = "no_schedule",
        PreferNoSchedule = "prefer_no_schedule",
        NoExecute = "no_execute",
    }
}

impl TaintEffect {
    /// The API's spelling.
    pub fn api_name(self) -> &'static str {
        match self {
            TaintEffect::NoSchedule => "NoSchedule",
            TaintEffect::PreferNoSchedule => "PreferNoSchedule",
            TaintEffect::NoExecute => "NoExecute",
        }
    }
}

/// `toleration { key = "..." value = "..." effect = ... seconds = N }`:
/// `Equal` when it has a value, `Exists` otherwise; every effect when it
/// names none.
#[derive(Clone, Debug)]
pub struct Toleration {
    pub key: Spanned<String>,
    pub value: Option<Spanned<String>>,
    pub effect: Option<Spanned<TaintEffect>>,
    /// `seconds`: how long a running pod stays once a NoExecute taint
    /// appears (`tolerationSeconds`); lowering allows it only with
    /// `effect = no_execute`, as the API server does.
    pub seconds: Option<Spanned<i64>>,
    pub span: Span,
}

/// What a service says about where its pods run. Each part is inherited from
/// `defaults` as a whole when the service does not write it.
/// Equality ignores spans, as [`Spanned`]'s does.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Scheduling {
    /// `priority_class = "..."`: a PriorityClass the platform provides.
    pub priority_class: Option<Spanned<String>>,
    /// `node_selector { "key" = "value" }`.
    pub node_selector: BTreeMap<String, Spanned<String>>,
    /// `toleration { }` blocks, in order.
    pub tolerations: Vec<Toleration>,
    /// `zones = [...]`: the only zones the pods may run in.
    pub zones: Vec<Spanned<String>>,
}

impl Scheduling {
    /// Whether the service says nothing about where its pods run.
    pub fn is_empty(&self) -> bool {
        self.priority_class.is_none()
            && self.node_selector.is_empty()
            && self.tolerations.is_empty()
            && self.zones.is_empty()
    }
}

eq_ignoring_spans! {
    Toleration { key, value, effect, seconds } ignoring { span }
}
