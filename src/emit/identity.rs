//! A service's ServiceAccount, named after the service, with the cloud
//! identity its `identity` block states as annotations:
//! - `aws_role`: `eks.amazonaws.com/role-arn`, read by IRSA's webhook on EKS,
//!   which gives the pod a web-identity token for that IAM role;
//! - `gcp_service_account`: `iam.gke.io/gcp-service-account`, read by GKE
//!   workload identity's metadata server.
//!
//! EKS Pod Identity needs no annotation: its association (cluster,
//! namespace, ServiceAccount name → IAM role) is made in the EKS API, outside
//! Kubernetes, naming this ServiceAccount.
//!
//! Every service has its own ServiceAccount, so no two services share a cloud
//! role by accident and a role's trust policy names exactly one workload.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::ServiceAccount;

use super::Context;
use crate::model::Service;

/// The IRSA annotation on a ServiceAccount.
const AWS_ROLE: &str = "eks.amazonaws.com/role-arn";
/// The GKE workload identity annotation on a ServiceAccount.
const GCP_SERVICE_ACCOUNT: &str = "iam.gke.io/gcp-service-account";

/// The service's ServiceAccount.
pub fn service_account(context: &Context<'_>, service: &Service) -> ServiceAccount {
    let mut annotations = BTreeMap::new();
    if let Some(identity) = &service.identity {
        if let Some(role) = &identity.aws_role {
            annotations.insert(AWS_ROLE.to_string(), role.value.clone());
        }
        if let Some(account) = &identity.gcp_service_account {
            annotations.insert(GCP_SERVICE_ACCOUNT.to_string(), account.value.clone());
        }
    }
    let mut metadata = context.metadata(&service.name.value);
    metadata.annotations = (!annotations.is_empty()).then_some(annotations);
    ServiceAccount {
        metadata,
        // Pods say for themselves (`automountServiceAccountToken` in their
        // spec wins); the account adds nothing.
        ..Default::default()
    }
}
