//! `trigger_auth NAME { ... }`: how KEDA authenticates to what a queue's
//! trigger reads, written as a TriggerAuthentication. It names an identity
//! or Secret and ConfigMap keys, never a secret value.
//!
//! Lowering proves what KEDA's webhook would refuse (a role with the
//! workload as identity owner) and, for each queue that names it, that the
//! queue's scaler reads every parameter and has credentials to read with
//! (E008), so emit writes it as it is.

use std::collections::BTreeMap;

use crate::source::{Span, eq_ignoring_spans};

use super::{KeyRef, Keyword, Spanned};

keywords! {
    /// The platform identity KEDA uses (`podIdentity.provider`).
    pub enum PodIdentity {
        /// AWS: KEDA's own IAM role, a role it assumes, or the workload's.
        Aws = "aws",
    }
}

keywords! {
    /// Whose identity KEDA uses (`podIdentity.identityOwner`).
    pub enum IdentityOwner {
        /// The KEDA operator's own identity.
        Keda = "keda",
        /// The scaled workload's: for AWS, the role in its ServiceAccount's
        /// `eks.amazonaws.com/role-arn` annotation.
        Workload = "workload",
    }
}

keywords! {
    /// `scope`: where the authentication lives, and who may use it.
    pub enum TriggerAuthScope {
        /// A TriggerAuthentication in the project's namespace; its Secrets
        /// and ConfigMaps are the namespace's.
        Namespace = "namespace",
        /// A ClusterTriggerAuthentication, cluster-scoped, which any
        /// namespace's ScaledObjects may use; KEDA reads its Secrets and
        /// ConfigMaps in its cluster object namespace
        /// (`KEDA_CLUSTER_OBJECT_NAMESPACE`, by default the namespace KEDA
        /// runs in).
        Cluster = "cluster",
    }
}

/// A TriggerAuthentication (or ClusterTriggerAuthentication) the project
/// declares.
#[derive(Clone, Debug)]
pub struct TriggerAuth {
    pub name: Spanned<String>,
    /// `scope`, when written; a namespaced TriggerAuthentication otherwise.
    pub scope: Option<Spanned<TriggerAuthScope>>,
    /// `external = true`: provided by the platform or another project, so
    /// named but never written (it then has no identity and no parameters).
    pub external: Option<Spanned<bool>>,
    pub pod_identity: Option<Spanned<PodIdentity>>,
    /// `role`: an IAM role ARN KEDA assumes with its own identity.
    pub role: Option<Spanned<String>>,
    pub owner: Option<Spanned<IdentityOwner>>,
    /// `parameters { NAME = secret("name", "key") }`: scaler parameters
    /// read from Secret or ConfigMap keys, by parameter name; each span is
    /// the parameter's name.
    pub parameters: BTreeMap<String, Spanned<KeyRef>>,
    /// The whole block.
    pub span: Span,
}

impl TriggerAuth {
    /// Whether something else provides it (`external = true`): queues name
    /// it, scalec does not write it.
    pub fn is_external(&self) -> bool {
        self.external
            .as_ref()
            .is_some_and(|external| external.value)
    }

    /// Whether it is a ClusterTriggerAuthentication (`scope = cluster`).
    pub fn is_cluster_scoped(&self) -> bool {
        (self.scope.as_ref()).is_some_and(|scope| scope.value == TriggerAuthScope::Cluster)
    }

    /// The KEDA kind it is written as, which a trigger's
    /// `authenticationRef.kind` names.
    pub fn kind(&self) -> &'static str {
        if self.is_cluster_scoped() {
            "ClusterTriggerAuthentication"
        } else {
            "TriggerAuthentication"
        }
    }

    /// Whether KEDA reads with the scaled workload's own identity.
    pub fn uses_workload_identity(&self) -> bool {
        self.owner
            .as_ref()
            .is_some_and(|owner| owner.value == IdentityOwner::Workload)
    }
}

eq_ignoring_spans! {
    TriggerAuth { name, scope, external, pod_identity, role, owner, parameters } ignoring { span }
}
