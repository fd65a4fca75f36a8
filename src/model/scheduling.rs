//! Where a service's pods may run: priority class, node selector,
//! tolerations, the zones of a required node affinity and `node_affinity`
//! requirements.
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

keywords! {
    /// How a `node_affinity` compares a node label with its `values`.
    pub enum NodeOperator {
        In = "in",
        NotIn = "not_in",
        Exists = "exists",
        DoesNotExist = "does_not_exist",
        Gt = "gt",
        Lt = "lt",
    }
}

impl NodeOperator {
    /// The API's spelling.
    pub fn api_name(self) -> &'static str {
        match self {
            NodeOperator::In => "In",
            NodeOperator::NotIn => "NotIn",
            NodeOperator::Exists => "Exists",
            NodeOperator::DoesNotExist => "DoesNotExist",
            NodeOperator::Gt => "Gt",
            NodeOperator::Lt => "Lt",
        }
    }

    /// How many values the API server requires: `in` and `not_in` one or
    /// more, `exists` and `does_not_exist` none, `gt` and `lt` exactly one
    /// integer.
    pub fn takes_values(self) -> bool {
        !matches!(self, NodeOperator::Exists | NodeOperator::DoesNotExist)
    }
}

/// `node_affinity { key = "..." operator = ... values = [...] weight = N }`:
/// one requirement on a node label. Without `weight` it is required (every
/// required one and `zones` are ANDed in one node selector term); with one
/// it is preferred, a term of its own with that weight.
#[derive(Clone, Debug)]
pub struct NodeRequirement {
    pub key: Spanned<String>,
    /// `in` unless written; the span is `None` then.
    pub operator: NodeOperator,
    pub operator_span: Option<Span>,
    /// Label values for `in` and `not_in` (one or more), one integer for
    /// `gt` and `lt`, none for `exists` and `does_not_exist`.
    pub values: Vec<Spanned<String>>,
    /// 1 to 100: preferred with this weight; `None`: required.
    pub weight: Option<Spanned<i32>>,
    pub span: Span,
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
    /// `node_affinity { }` blocks, in order.
    pub node_affinity: Vec<NodeRequirement>,
}

impl Scheduling {
    /// Whether the service says nothing about where its pods run.
    pub fn is_empty(&self) -> bool {
        self.priority_class.is_none()
            && self.node_selector.is_empty()
            && self.tolerations.is_empty()
            && self.zones.is_empty()
            && self.node_affinity.is_empty()
    }
}

eq_ignoring_spans! {
    Toleration { key, value, effect, seconds } ignoring { span }
    NodeRequirement { key, operator, values, weight } ignoring { operator_span, span }
}
