//! [`Database`] with `operator = atlas` → the files of a sharded MongoDB
//! Atlas cluster, for the Atlas Kubernetes Operator (`atlas.mongodb.com/v1`).
//!
//! In: one database of the model whose [`Database::atlas`] is set, and the
//! project's [`Context`]. Out, at the same paths as every operator's
//! (`emit::layout`):
//!
//! - `DATABASE.yaml`: the AtlasProject (only with `create_project = true`;
//!   otherwise the AtlasProject named `project` exists and is referenced),
//!   an AtlasDeployment, an AtlasDatabaseUser for the shard-setup Job, then
//!   the shard-setup ConfigMap and Job that `emit::mongo` builds for every
//!   operator;
//! - `DATABASE-shard-setup.js`: the same script.
//!
//! Like `emit::mongo`, this module builds serde structs, never YAML text, and
//! reads nothing but the model. Choices made here, each a promise about the
//! emitted manifests:
//!
//! - **Deployment.** `deploymentSpec.name` is the database's name,
//!   `clusterType: SHARDED`, one `replicationSpecs` entry with `numShards`
//!   = `shards` and one region (`priority: 7`, `providerName` and
//!   `backingProviderName` = `provider`) whose `electableSpecs` have
//!   `instanceSize` (the lower end of a range) and `nodeCount` = `members`.
//!   `mongoDBMajorVersion` is `version` (without a leading `v`); without a
//!   `version` Atlas chooses. `diskSizeGB` is `storage` in whole Gi,
//!   rounded up; without `storage`, Atlas's default for the size.
//! - **Autoscaling.** `autoScaling.compute` is enabled, with
//!   `minInstanceSize`/`maxInstanceSize` and `scaleDownEnabled`
//!   (`compute_scale_down`, default true), exactly when `instance` is a range;
//!   otherwise `enabled: false`. `autoScaling.diskGB.enabled` is
//!   `disk_autoscaling` (default true), always written: the operator
//!   normalizes a missing `diskGB` to disabled, though Atlas's own default
//!   is on (`internal/translation/deployment/conversion.go`).
//! - **Database user.** `DATABASE-shard-setup`, authenticating against
//!   `admin` with the password in the `password` key of `password_secret`
//!   (a Secret the policy names and the operator reads: it must carry the
//!   label `atlas.mongodb.com/type: credentials`), scoped to this cluster,
//!   with only the roles the script needs: `enableSharding` on `admin`
//!   (enable sharding, shard collections), `readWrite` on the database
//!   (create the supporting indexes) and `read` on `config` (see what is
//!   sharded already).
//! - **Shard setup.** The operator writes the user's connection Secret,
//!   `PROJECT-DATABASE-DATABASE-shard-setup` (each part a DNS subdomain,
//!   so the operator's normalization leaves it as is), with the keys
//!   `connectionStringStandardSrv`, `username` and `password`. The Job
//!   mounts all three as files: `username` and `password` are the script's
//!   credential files, and `connectionStringStandardSrv` (which holds the
//!   credentials too: the operator writes no other form) is named by
//!   `MONGOS_URI_FILE`, so no credential is in the environment; until the
//!   operator has written the Secret the pod waits. The AtlasProject's name
//!   in Atlas is taken to be its Kubernetes name, `project`: the operator
//!   names the Secret after the Atlas name.
//! - **Deletion.** The AtlasProject and AtlasDeployment carry
//!   `mongodb.com/atlas-resource-policy: keep`: deleting the resource (a
//!   database removed from the policy, then `kubectl apply --prune` or
//!   GitOps pruning) leaves the cluster and its data in Atlas, whatever the
//!   operator's deletion-protection flag says. Delete it in Atlas on purpose.
//! - No NetworkPolicy: no pod of the cluster runs in Kubernetes, and the
//!   project's policies restrict only ingress.

use std::collections::BTreeMap;

use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

use serde::Serialize;

use super::mongo::{SetupAccess, SetupUri};
use super::{Context, OutputFile, YamlFile};
use crate::model::{Atlas, Database};

/// The API version of every Atlas resource.
pub const API_VERSION: &str = "atlas.mongodb.com/v1";

/// The connection Secret's key the Job mounts as its `MONGOS_URI_FILE`.
pub const CONNECTION_STRING_KEY: &str = "connectionStringStandardSrv";

/// The connection Secret's keys of the user's login.
const LOGIN_KEYS: [&str; 2] = ["username", "password"];

/// The annotation that keeps an Atlas project or cluster in Atlas when its
/// resource is deleted (`internal/controller/customresource`).
const RESOURCE_POLICY: (&str, &str) = ("mongodb.com/atlas-resource-policy", "keep");

/// `metadata` of an Atlas resource whose deletion must not delete data.
fn kept(context: &Context<'_>, name: &str) -> ObjectMeta {
    let mut metadata = context.metadata(name);
    metadata.annotations = Some(BTreeMap::from([(
        RESOURCE_POLICY.0.to_string(),
        RESOURCE_POLICY.1.to_string(),
    )]));
    metadata
}

/// The highest election priority, that of the only region.
const REGION_PRIORITY: u32 = 7;

/// The files of one Atlas database: `DATABASE.yaml` and
/// `DATABASE-shard-setup.js`.
pub fn database_files(context: &Context<'_>, database: &Database) -> Vec<OutputFile> {
    let atlas = database
        .atlas
        .as_ref()
        .expect("lowering gives every `operator = atlas` database its `atlas` block");
    let name = &database.name.value;
    let setup_name = super::layout::shard_setup_name(name);
    let access = SetupAccess {
        uri: SetupUri::SecretKey(CONNECTION_STRING_KEY),
        secret: connection_secret(atlas, database),
        cluster_admin_keys: LOGIN_KEYS,
        database_admin_keys: None,
        comment: "Where the Job mounts the Atlas operator's connection Secret: one file per key.",
    };
    let body = super::mongo::shard_script(database, &access);
    let script = format!("{}{body}", context.header("//", database.span.file));
    let image = super::mongo::image(database);
    let mut file = YamlFile::new(context.header("#", database.span.file), 4 * script.len());
    if atlas.create_project {
        file.push(&project(context, atlas));
    }
    file.push(&deployment(context, database, atlas));
    file.push(&database_user(context, database, atlas, &setup_name));
    file.push(&super::mongo::script_config_map(
        context,
        &setup_name,
        &script,
    ));
    file.push(&super::mongo::named_setup_job(
        context,
        database,
        &setup_name,
        &body,
        &image,
        &access,
    ));
    super::mongo::database_outputs(name, file, script)
}

/// The Secret the operator writes for the shard-setup user:
/// `PROJECT-CLUSTER-USER` (`internal/controller/secretservice`).
pub fn connection_secret(atlas: &Atlas, database: &Database) -> String {
    format!(
        "{}-{}-{}",
        atlas.project.value,
        database.name.value,
        super::layout::shard_setup_name(&database.name.value)
    )
}

// --- AtlasProject -----------------------------------------------------------

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct AtlasProject {
    api_version: &'static str,
    kind: &'static str,
    metadata: ObjectMeta,
    spec: ProjectSpec,
}

#[derive(Serialize)]
struct ProjectSpec {
    name: String,
}

fn project(context: &Context<'_>, atlas: &Atlas) -> AtlasProject {
    AtlasProject {
        api_version: API_VERSION,
        kind: "AtlasProject",
        metadata: kept(context, &atlas.project.value),
        spec: ProjectSpec {
            name: atlas.project.value.clone(),
        },
    }
}

#[derive(Serialize)]
struct ResourceRef {
    name: String,
}

// --- AtlasDeployment --------------------------------------------------------

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct AtlasDeployment {
    api_version: &'static str,
    kind: &'static str,
    metadata: ObjectMeta,
    spec: DeploymentSpecWrapper,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct DeploymentSpecWrapper {
    project_ref: ResourceRef,
    deployment_spec: DeploymentSpec,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct DeploymentSpec {
    name: String,
    cluster_type: &'static str,
    #[serde(
        rename = "mongoDBMajorVersion",
        skip_serializing_if = "Option::is_none"
    )]
    mongodb_major_version: Option<String>,
    #[serde(rename = "diskSizeGB", skip_serializing_if = "Option::is_none")]
    disk_size_gb: Option<u64>,
    replication_specs: Vec<ReplicationSpec>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ReplicationSpec {
    num_shards: u32,
    region_configs: Vec<RegionConfig>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RegionConfig {
    provider_name: &'static str,
    backing_provider_name: &'static str,
    region_name: String,
    priority: u32,
    electable_specs: ElectableSpecs,
    auto_scaling: AutoScaling,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ElectableSpecs {
    instance_size: &'static str,
    node_count: u32,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct AutoScaling {
    compute: ComputeAutoScaling,
    #[serde(rename = "diskGB")]
    disk_gb: Enabled,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ComputeAutoScaling {
    enabled: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    scale_down_enabled: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    min_instance_size: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    max_instance_size: Option<&'static str>,
}

#[derive(Serialize)]
struct Enabled {
    enabled: bool,
}

fn deployment(context: &Context<'_>, database: &Database, atlas: &Atlas) -> AtlasDeployment {
    let name = &database.name.value;
    let provider = atlas.provider.value.atlas_name();
    let min = atlas.min_instance.value.name;
    let compute = match &atlas.max_instance {
        Some(max) => ComputeAutoScaling {
            enabled: true,
            scale_down_enabled: Some(atlas.scale_down()),
            min_instance_size: Some(min),
            max_instance_size: Some(max.value.name),
        },
        None => ComputeAutoScaling {
            enabled: false,
            scale_down_enabled: None,
            min_instance_size: None,
            max_instance_size: None,
        },
    };
    AtlasDeployment {
        api_version: API_VERSION,
        kind: "AtlasDeployment",
        metadata: kept(context, name),
        spec: DeploymentSpecWrapper {
            project_ref: ResourceRef {
                name: atlas.project.value.clone(),
            },
            deployment_spec: DeploymentSpec {
                name: name.clone(),
                cluster_type: "SHARDED",
                mongodb_major_version: database.version.as_ref().map(|v| {
                    let text = v.value.trim();
                    text.strip_prefix('v').unwrap_or(text).to_string()
                }),
                disk_size_gb: (database.storage.as_ref())
                    .map(|s| crate::model::atlas::disk_gb(&s.value)),
                replication_specs: vec![ReplicationSpec {
                    num_shards: database.shards.value,
                    region_configs: vec![RegionConfig {
                        provider_name: provider,
                        backing_provider_name: provider,
                        region_name: atlas.region.value.clone(),
                        priority: REGION_PRIORITY,
                        electable_specs: ElectableSpecs {
                            instance_size: min,
                            node_count: database.members.value,
                        },
                        auto_scaling: AutoScaling {
                            compute,
                            disk_gb: Enabled {
                                enabled: atlas.disk_autoscaling(),
                            },
                        },
                    }],
                }],
            },
        },
    }
}

// --- AtlasDatabaseUser ------------------------------------------------------

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct AtlasDatabaseUser {
    api_version: &'static str,
    kind: &'static str,
    metadata: ObjectMeta,
    spec: UserSpec,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct UserSpec {
    project_ref: ResourceRef,
    username: String,
    database_name: &'static str,
    password_secret_ref: ResourceRef,
    roles: Vec<Role>,
    scopes: Vec<Scope>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Role {
    role_name: &'static str,
    database_name: String,
}

#[derive(Serialize)]
struct Scope {
    name: String,
    #[serde(rename = "type")]
    type_: &'static str,
}

fn database_user(
    context: &Context<'_>,
    database: &Database,
    atlas: &Atlas,
    setup_name: &str,
) -> AtlasDatabaseUser {
    let role = |role_name, database_name: &str| Role {
        role_name,
        database_name: database_name.to_string(),
    };
    AtlasDatabaseUser {
        api_version: API_VERSION,
        kind: "AtlasDatabaseUser",
        metadata: context.metadata(setup_name),
        spec: UserSpec {
            project_ref: ResourceRef {
                name: atlas.project.value.clone(),
            },
            username: setup_name.to_string(),
            database_name: "admin",
            password_secret_ref: ResourceRef {
                name: atlas.password_secret.value.clone(),
            },
            roles: vec![
                role("enableSharding", "admin"),
                role("read", "config"),
                role("readWrite", &database.database_name),
            ],
            scopes: vec![Scope {
                name: database.name.value.clone(),
                type_: "CLUSTER",
            }],
        },
    }
}
