//! Pod hardening: the security contexts, the `/tmp` volume and the
//! ServiceAccount token setting of every pod scalec emits (a service's
//! Deployment and a database's shard-setup Job).
//!
//! What a pod gets unless its service's `security` block relaxes it, and why:
//! - `runAsNonRoot: true` with `runAsUser`/`runAsGroup` 10001
//!   ([`crate::model::security::DEFAULT_USER`]): the kubelet refuses to start
//!   the container as root, and the id is above those a node's users get.
//! - `allowPrivilegeEscalation: false`: no setuid binary or file capability
//!   raises a process above what it started with.
//! - `readOnlyRootFilesystem: true`: an intruder cannot change the image's
//!   files; what a service must write goes to its `tmp` volume.
//! - `capabilities.drop: [ALL]` (NET_RAW among them): no relaxation; a web
//!   service needs none, and listening above port 1024 avoids the one it
//!   might.
//! - `seccompProfile: RuntimeDefault`: the container runtime's syscall filter;
//!   no relaxation.
//! - `automountServiceAccountToken: false` unless `identity {
//!   kubernetes_api = true }`: a pod that does not call the API server holds
//!   no credential for it. Cloud identities do not need the token mounted:
//!   EKS's IRSA and Pod Identity webhooks project their own token, and GKE's
//!   metadata server answers for the pod's ServiceAccount.
//!
//! Emit only reads [`Hardening`]; it never decides a relaxation.

use k8s_openapi::api::core::v1::{
    Capabilities, EmptyDirVolumeSource, PodSecurityContext, PodSpec, SeccompProfile,
    SecurityContext, Volume, VolumeMount,
};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;

use crate::model::Hardening;

/// The name of the writable volume mounted at `/tmp`.
const TMP_VOLUME: &str = "tmp";

/// Hardens a pod spec: the pod's and every container's security context, the
/// token setting, and, with `tmp`, an emptyDir of that size at `/tmp` in
/// every container.
pub fn harden(spec: &mut PodSpec, hardening: Hardening, tmp: Option<Quantity>, mounts_token: bool) {
    spec.automount_service_account_token = Some(mounts_token);
    spec.security_context = Some(PodSecurityContext {
        run_as_non_root: hardening.user.map(|_| true),
        run_as_user: hardening.user,
        run_as_group: hardening.user,
        seccomp_profile: Some(SeccompProfile {
            type_: "RuntimeDefault".to_string(),
            ..Default::default()
        }),
        ..Default::default()
    });
    for container in &mut spec.containers {
        container.security_context = Some(SecurityContext {
            allow_privilege_escalation: Some(hardening.allows_escalation),
            capabilities: Some(Capabilities {
                drop: Some(vec!["ALL".to_string()]),
                ..Default::default()
            }),
            read_only_root_filesystem: Some(hardening.read_only_root),
            ..Default::default()
        });
        if tmp.is_some() {
            container
                .volume_mounts
                .get_or_insert_with(Vec::new)
                .push(VolumeMount {
                    name: TMP_VOLUME.to_string(),
                    mount_path: "/tmp".to_string(),
                    ..Default::default()
                });
        }
    }
    if let Some(size) = tmp {
        spec.volumes.get_or_insert_with(Vec::new).push(Volume {
            name: TMP_VOLUME.to_string(),
            empty_dir: Some(EmptyDirVolumeSource {
                size_limit: Some(size),
                ..Default::default()
            }),
            ..Default::default()
        });
    }
}
