//! `nodes { provisioner = karpenter ... }`: what a Karpenter NodePool of the
//! node pool says beyond its size (the instances it may launch and how it
//! consolidates them). Lowering checks every value against what Karpenter's
//! CRD accepts; emit writes the NodePool (`emit::nodepool`).

use super::{IntOrPercent, Keyword, Spanned};
use crate::source::Span;

keywords! {
    /// `nodes { provisioner }`: what adds and removes the pool's nodes.
    pub enum Provisioner {
        /// Karpenter: scalec writes a `karpenter.sh/v1` NodePool.
        Karpenter = "karpenter",
    }
}

keywords! {
    /// `arch`: a CPU architecture (`kubernetes.io/arch`).
    pub enum Arch {
        Amd64 = "amd64",
        Arm64 = "arm64",
    }
}

impl Arch {
    /// The value of the well-known label.
    pub fn label(self) -> &'static str {
        self.word()
    }
}

keywords! {
    /// `capacity`: how the instances are bought (`karpenter.sh/capacity-type`).
    pub enum CapacityType {
        OnDemand = "on_demand",
        Spot = "spot",
        Reserved = "reserved",
    }
}

impl CapacityType {
    /// The value of `karpenter.sh/capacity-type`.
    pub fn label(self) -> &'static str {
        match self {
            CapacityType::OnDemand => "on-demand",
            CapacityType::Spot => "spot",
            CapacityType::Reserved => "reserved",
        }
    }
}

keywords! {
    /// `consolidation`: which nodes Karpenter may remove or replace.
    pub enum Consolidation {
        /// Only nodes that run no pods (`WhenEmpty`).
        WhenEmpty = "when_empty",
        /// Also nodes whose pods fit elsewhere or on a cheaper node
        /// (`WhenEmptyOrUnderutilized`, Karpenter's default).
        WhenUnderutilized = "when_underutilized",
    }
}

impl Consolidation {
    /// The NodePool's `consolidationPolicy`.
    pub fn policy(self) -> &'static str {
        match self {
            Consolidation::WhenEmpty => "WhenEmpty",
            Consolidation::WhenUnderutilized => "WhenEmptyOrUnderutilized",
        }
    }
}

/// What a Karpenter NodePool says beyond the pool's size. Only
/// `provisioner = karpenter` gives one; lowering refuses these attributes
/// without it (E008).
#[derive(Clone, Debug)]
pub struct Karpenter {
    /// Where `provisioner = karpenter` is written.
    pub provisioner: Span,
    /// `node_class`: the EC2NodeClass the nodes are launched from.
    pub node_class: Option<Spanned<String>>,
    pub arch: Vec<Spanned<Arch>>,
    pub capacity: Vec<Spanned<CapacityType>>,
    pub instance_families: Vec<Spanned<String>>,
    pub instance_sizes: Vec<Spanned<String>>,
    pub consolidation: Option<Spanned<Consolidation>>,
    /// `consolidate_after`, in whole seconds.
    pub consolidate_after_seconds: Option<Spanned<u64>>,
    /// `disruption_budget`: how many nodes may be disrupted at once.
    pub disruption_budget: Option<Spanned<IntOrPercent>>,
    /// `expire_after`, in whole seconds.
    pub expire_after_seconds: Option<Spanned<u64>>,
}

impl Karpenter {
    /// The EC2NodeClass when the policy does not name one.
    pub const DEFAULT_NODE_CLASS: &'static str = "default";
    /// Karpenter's default budget: 10 % of the nodes at once.
    pub const DEFAULT_BUDGET: IntOrPercent = IntOrPercent::Percent(10);

    pub fn node_class(&self) -> &str {
        self.node_class
            .as_ref()
            .map_or(Self::DEFAULT_NODE_CLASS, |n| n.value.as_str())
    }

    /// The consolidation policy, written or Karpenter's default.
    pub fn consolidation(&self) -> Consolidation {
        self.consolidation
            .as_ref()
            .map_or(Consolidation::WhenUnderutilized, |c| c.value)
    }
}
