//! `keda { ... }`: what a service says about the ScaledObject KEDA makes of
//! it, beside its replicas and signals.
//!
//! Lowering proves what KEDA's CRD and admission webhook would refuse (E003
//! for values, E008 for combinations: an idle count not below the minimum,
//! a fallback with only cpu and memory signals, options on a service KEDA
//! does not scale), so emit writes these as they are.

use crate::source::{Span, eq_ignoring_spans};

use super::Keyword;

use super::Spanned;

keywords! {
    /// What KEDA does with the replica count while a scaler keeps failing.
    pub enum FallbackBehavior {
        /// Run `replicas` pods.
        Static = "static",
        /// Keep the pods that run now.
        CurrentReplicas = "current_replicas",
        /// Keep the pods that run now if more than `replicas`, else `replicas`.
        CurrentReplicasIfHigher = "current_replicas_if_higher",
        /// Keep the pods that run now if fewer than `replicas`, else `replicas`.
        CurrentReplicasIfLower = "current_replicas_if_lower",
    }
}

impl FallbackBehavior {
    /// KEDA's spelling.
    pub fn api_name(self) -> &'static str {
        match self {
            FallbackBehavior::Static => "static",
            FallbackBehavior::CurrentReplicas => "currentReplicas",
            FallbackBehavior::CurrentReplicasIfHigher => "currentReplicasIfHigher",
            FallbackBehavior::CurrentReplicasIfLower => "currentReplicasIfLower",
        }
    }
}

/// The options of a service's ScaledObject. Inherited from `defaults` as a
/// whole when the service has no `keda` block.
#[derive(Clone, Debug)]
pub struct KedaOptions {
    /// `polling`: `pollingInterval`, whole seconds, at least 1.
    pub polling_seconds: Option<Spanned<i32>>,
    /// `cooldown`: `cooldownPeriod`, whole seconds: how long after the last
    /// active trigger KEDA waits before scaling to zero (or to `idle`).
    pub cooldown_seconds: Option<Spanned<i32>>,
    /// `initial_cooldown`: `initialCooldownPeriod`, whole seconds: how long
    /// after the ScaledObject is created KEDA waits before scaling to zero.
    pub initial_cooldown_seconds: Option<Spanned<i32>>,
    /// `idle_replicas = 0`: `idleReplicaCount`, the pods while no trigger is
    /// active; KEDA supports 0 only, below a minimum of at least 1.
    pub idle_replicas: Option<Spanned<i32>>,
    pub fallback: Option<Fallback>,
    /// The word `keda`, for findings about the block.
    pub head: Span,
    /// The whole `keda` block: the service holds it unless it comes from
    /// `defaults`.
    pub span: Span,
}

/// `fallback { failures = N  replicas = N  behavior = ... }`: the replicas
/// KEDA asks for after `failures` failed reads of a scaler in a row.
#[derive(Clone, Debug)]
pub struct Fallback {
    pub failures: Spanned<i32>,
    pub replicas: Spanned<i32>,
    pub behavior: Option<Spanned<FallbackBehavior>>,
    /// The word `fallback`, for findings about the block.
    pub head: Span,
}

eq_ignoring_spans! {
    KedaOptions {
        polling_seconds, cooldown_seconds, initial_cooldown_seconds, idle_replicas, fallback,
    } ignoring { head, span }
    Fallback { failures, replicas, behavior } ignoring { head }
}
