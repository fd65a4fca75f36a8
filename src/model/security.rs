//! What a service's pods may do and who they are: the `security` and
//! `identity` blocks, and the writable `tmp` volume.
//!
//! Pods are hardened unless the policy relaxes a setting, and every
//! relaxation carries its reason (lowering refuses one without, E007), so a
//! reviewer reads why next to what.

use super::Spanned;
use crate::source::{Span, eq_ignoring_spans};

/// The user id pods run as unless `security { user = N }` says otherwise:
/// above 10000, where a node's own users are unlikely to be, so a container
/// breakout is unlikely to land as one of them; the threshold of checkov's
/// CKV_K8S_40.
pub const DEFAULT_USER: i64 = 10001;

/// `security { ... }`: relaxations of the hardened defaults, with the reason.
/// Every field unset keeps its default: non-root as [`DEFAULT_USER`], no
/// privilege escalation, a read-only root filesystem.
#[derive(Clone, Debug)]
pub struct Security {
    /// `run_as_root = true`: no `runAsNonRoot`, no `runAsUser`: the image's
    /// user, which may be root.
    pub run_as_root: Option<Spanned<bool>>,
    /// `user = N`: the user and group id, instead of [`DEFAULT_USER`].
    pub user: Option<Spanned<i64>>,
    /// `writable_root = true`: the root filesystem is writable.
    pub writable_root: Option<Spanned<bool>>,
    /// `privilege_escalation = true`: setuid binaries (sudo, ping) work.
    pub privilege_escalation: Option<Spanned<bool>>,
    /// Why; lowering requires it whenever anything above is set.
    pub reason: Spanned<String>,
    pub span: Span,
}

impl Security {
    /// Whether the pod runs as root or as the image's user.
    pub fn runs_as_root(&self) -> bool {
        self.run_as_root.as_ref().is_some_and(|r| r.value)
    }

    /// Whether the root filesystem stays read-only.
    pub fn read_only_root(&self) -> bool {
        !self.writable_root.as_ref().is_some_and(|w| w.value)
    }

    /// Whether setuid binaries may raise privileges.
    pub fn allows_escalation(&self) -> bool {
        self.privilege_escalation.as_ref().is_some_and(|p| p.value)
    }

    /// The user id the pod runs as, `None` for the image's own (root allowed).
    pub fn user(&self) -> Option<i64> {
        if self.runs_as_root() {
            return None;
        }
        Some(self.user.as_ref().map_or(DEFAULT_USER, |u| u.value))
    }
}

/// What emit writes into a pod's security contexts: [`Hardening::DEFAULT`],
/// or a [`Security`] block's relaxations of it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Hardening {
    /// `runAsUser` and `runAsGroup` with `runAsNonRoot`; `None` runs as the
    /// image's user, root allowed.
    pub user: Option<i64>,
    pub read_only_root: bool,
    pub allows_escalation: bool,
}

impl Hardening {
    /// The settings of a pod without a `security` block.
    pub const DEFAULT: Hardening = Hardening {
        user: Some(DEFAULT_USER),
        read_only_root: true,
        allows_escalation: false,
    };
}

impl Security {
    /// The settings this block leaves the pod with.
    pub fn hardening(&self) -> Hardening {
        Hardening {
            user: self.user(),
            read_only_root: self.read_only_root(),
            allows_escalation: self.allows_escalation(),
        }
    }
}

/// `identity { ... }`: the service's cloud identity, written on its
/// ServiceAccount, and whether its pods get a Kubernetes API token.
#[derive(Clone, Debug)]
pub struct Identity {
    /// `aws_role`: an IAM role ARN for IRSA (`eks.amazonaws.com/role-arn`).
    pub aws_role: Option<Spanned<String>>,
    /// `gcp_service_account`: a Google service account email for GKE
    /// workload identity (`iam.gke.io/gcp-service-account`).
    pub gcp_service_account: Option<Spanned<String>>,
    /// `kubernetes_api = true`: mount the ServiceAccount token, for a pod
    /// that calls the Kubernetes API.
    pub kubernetes_api: Option<Spanned<bool>>,
    pub span: Span,
}

impl Identity {
    /// Whether the pod gets its ServiceAccount token mounted.
    pub fn mounts_token(&self) -> bool {
        self.kubernetes_api.as_ref().is_some_and(|k| k.value)
    }
}

eq_ignoring_spans! {
    Security {
        run_as_root, user, writable_root, privilege_escalation, reason,
    } ignoring { span }
    Identity { aws_role, gcp_service_account, kubernetes_api } ignoring { span }
}
