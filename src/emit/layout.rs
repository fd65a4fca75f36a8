//! Where each output of a project goes, decided in one place: emit names its
//! files with these functions, and [`collisions`] (run by `compile`, so
//! `check` reports it too) makes two outputs sharing a path an error (E010)
//! before anything is built.

use std::collections::BTreeMap;

use crate::diag::{Diagnostic, codes};
use crate::model::Project;
use crate::source::Span;

/// The file that lists a project's manifests for `kubectl apply -k`.
pub const KUSTOMIZATION: &str = "kustomization.yaml";

/// The project's Namespace and default-deny NetworkPolicy.
pub const NAMESPACE_FILE: &str = "namespace.yaml";

/// prometheus-adapter's rules ConfigMap, with `metrics_adapter =
/// prometheus-adapter`.
pub const ADAPTER_FILE: &str = "prometheus-adapter.yaml";

/// The Karpenter NodePool, with `nodes { provisioner = karpenter }`.
pub const NODEPOOL_FILE: &str = "nodepool.yaml";

/// `SERVICE.yaml`: the Deployment, autoscaler and budget of a service.
pub fn service_file(service: &str) -> String {
    format!("{service}.yaml")
}

/// `DATABASE.yaml`: the cluster, the shard-setup ConfigMap and Job.
pub fn database_file(database: &str) -> String {
    format!("{database}.yaml")
}

/// `TRIGGER_AUTH.yaml`: a KEDA TriggerAuthentication.
pub fn trigger_auth_file(name: &str) -> String {
    format!("{name}.yaml")
}

/// `DATABASE-shard-setup`: the name of the shard-setup ConfigMap, and the
/// stem of the script's file.
pub fn shard_setup_name(database: &str) -> String {
    format!("{database}-shard-setup")
}

/// `DATABASE-shard-setup.js`: the shard-setup script.
pub fn shard_script_file(database: &str) -> String {
    format!("{}.js", shard_setup_name(database))
}

/// `LOADTEST.k6.js`: the k6 script of a load test.
pub fn loadtest_file(name: &str) -> String {
    format!("{name}.k6.js")
}

/// Why a file name is reserved for scalec's own outputs, and what to do; `None` for a free one. A service or database named `default-deny`
/// would have a NetworkPolicy of that name, the project's default-deny.
fn reserved(file: &str) -> Option<(String, String)> {
    if file == KUSTOMIZATION {
        return Some((
            format!(
                "would be written to `{KUSTOMIZATION}`, the file scalec writes for `kubectl apply -k`"
            ),
            "`kustomization` is reserved for scalec's own file".to_string(),
        ));
    }
    if file == NAMESPACE_FILE {
        return Some((
            format!("would be written to `{NAMESPACE_FILE}`, the file of the project's Namespace"),
            "`namespace` is reserved for scalec's own file".to_string(),
        ));
    }
    let policy = crate::emit::network::DEFAULT_DENY;
    if file.strip_suffix(".yaml") == Some(policy) {
        return Some((
            format!(
                "would have a NetworkPolicy named `{policy}`, the project's default-deny policy"
            ),
            format!("`{policy}` is reserved for scalec's own policy"),
        ));
    }
    None
}

/// One file a project compiles to, and the name in the policy it comes from.
struct Planned {
    file: String,
    span: Span,
    what: String,
}

fn planned(project: &Project) -> Vec<Planned> {
    let mut files = Vec::new();
    // Planned first, whenever the pool is Karpenter's, so that a service or
    // database of that name is the one told to rename.
    if let Some(karpenter) = (project.cluster.nodes.as_ref()).and_then(|n| n.karpenter.as_ref()) {
        files.push(Planned {
            file: NODEPOOL_FILE.to_string(),
            span: karpenter.provisioner,
            what: "the Karpenter NodePool".to_string(),
        });
    }
    for service in &project.services {
        let name = &service.name.value;
        files.push(Planned {
            file: service_file(name),
            span: service.name.span,
            what: format!("service `{name}`"),
        });
    }
    for database in &project.databases {
        let name = &database.name.value;
        for file in [database_file(name), shard_script_file(name)] {
            files.push(Planned {
                file,
                span: database.name.span,
                what: format!("database `{name}`"),
            });
        }
    }
    for auth in project.trigger_auths.iter().filter(|a| !a.is_external()) {
        let name = &auth.name.value;
        files.push(Planned {
            file: trigger_auth_file(name),
            span: auth.name.span,
            what: format!("trigger_auth `{name}`"),
        });
    }
    for test in &project.loadtests {
        let name = &test.name.value;
        files.push(Planned {
            file: loadtest_file(name),
            span: test.name.span,
            what: format!("loadtest `{name}`"),
        });
    }
    // Planned whenever the policy chooses the adapter, so that adding the
    // first metric cannot make a name collide.
    if let Some(adapter) = &project.cluster.metrics_adapter
        && project.cluster.prometheus_adapter()
    {
        files.push(Planned {
            file: ADAPTER_FILE.to_string(),
            span: adapter.span,
            what: "prometheus-adapter's rules".to_string(),
        });
    }
    files
}

/// E010 for every output path of `project` that two of its entities would
/// share, or that is reserved for scalec's own files.
pub fn collisions(project: &Project) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();
    let mut first: BTreeMap<String, &Planned> = BTreeMap::new();
    let files = planned(project);
    for file in &files {
        if let Some((message, reserved)) = reserved(&file.file) {
            diagnostics.push(
                Diagnostic::error(
                    codes::OUTPUT_COLLISION,
                    format!("{} {message}", file.what),
                    file.span,
                )
                .with_label(format!("compiles to `{}`", file.file))
                .with_help(format!("rename it: {reserved}")),
            );
            continue;
        }
        match first.get(&file.file) {
            Some(earlier) => diagnostics.push(
                Diagnostic::error(
                    codes::OUTPUT_COLLISION,
                    format!(
                        "{} and {} would both be written to `{}`",
                        earlier.what, file.what, file.file
                    ),
                    file.span,
                )
                .with_label(format!("compiles to `{}`", file.file))
                .with_related(earlier.span, format!("also compiles to `{}`", file.file))
                .with_help("rename one of them: each output file belongs to one block"),
            ),
            None => {
                first.insert(file.file.clone(), file);
            }
        }
    }
    diagnostics
}

/// E010 for a cluster-scoped object two projects of one compilation would
/// both write: a ClusterTriggerAuthentication has one name in the whole
/// cluster, so the project applied last would silently replace the other's
/// (and its credentials). Read over the projects without errors, in order.
pub fn shared_cluster_objects(projects: &[Project]) -> Vec<Diagnostic> {
    let mut first: BTreeMap<&str, Span> = BTreeMap::new();
    let mut diagnostics = Vec::new();
    for project in projects {
        let written = (project.trigger_auths.iter()).filter(|auth| {
            auth.is_cluster_scoped() && crate::emit::trigger_auth::is_used(project, auth)
        });
        for auth in written {
            let name = auth.name.value.as_str();
            let Some(&earlier) = first.get(name) else {
                first.insert(name, auth.name.span);
                continue;
            };
            // One block in two environments of a project: environments
            // are built for clusters of their own.
            if earlier == auth.name.span {
                continue;
            }
            diagnostics.push(
                Diagnostic::error(
                    codes::OUTPUT_COLLISION,
                    format!("two projects would both write ClusterTriggerAuthentication `{name}`"),
                    auth.name.span,
                )
                .with_label("written by this project")
                .with_related(earlier, "and by this one")
                .with_help(
                    "its name is cluster-wide: declare it in one project and as `external = true` \
                     in the others, or give each project a trigger_auth of its own name",
                ),
            );
        }
    }
    diagnostics
}
