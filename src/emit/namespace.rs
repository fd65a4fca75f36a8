//! `namespace.yaml`: the project's Namespace and its default-deny
//! NetworkPolicy, first in the kustomization so `kubectl apply -k` works on
//! an empty cluster.
//!
//! The Namespace is left out for the namespaces Kubernetes creates itself
//! (`default`, `kube-system`, `kube-public`, `kube-node-lease`): they always
//! exist, and `kubectl delete -k` must never try to delete one.

use std::path::PathBuf;

use k8s_openapi::api::core::v1::Namespace;

use super::{Context, OutputFile, YamlFile, network};

/// The namespaces every cluster has, which the project never owns.
pub const BUILT_IN: &[&str] = &["default", "kube-system", "kube-public", "kube-node-lease"];

/// The Namespace object of the project, or `None` for a built-in namespace.
pub fn namespace(context: &Context<'_>) -> Option<Namespace> {
    if BUILT_IN.contains(&context.namespace) {
        return None;
    }
    let mut metadata = context.metadata(context.namespace);
    // A Namespace has no namespace.
    metadata.namespace = None;
    Some(Namespace {
        metadata,
        ..Default::default()
    })
}

/// `namespace.yaml`: the Namespace (when the project owns it) and the
/// default-deny policy.
pub fn namespace_file(context: &Context<'_>) -> OutputFile {
    let header = format!(
        "# {} for the project `{}`. Do not edit: change the policies and run `scalec build`.\n",
        super::GENERATED_MARK,
        context.part_of
    );
    let mut file = YamlFile::new(header, 1024);
    if let Some(namespace) = namespace(context) {
        file.push(&namespace);
    }
    file.push(&network::default_deny(context));
    OutputFile {
        path: PathBuf::from(super::layout::NAMESPACE_FILE),
        content: file.finish(),
    }
}
