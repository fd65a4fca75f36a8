//! [`Database`] with `operator = mongodb-enterprise` → the files of a
//! sharded cluster run by the MongoDB Enterprise Kubernetes operator
//! (`mongodb.com/v1` `MongoDB`, now MongoDB Controllers for Kubernetes).
//!
//! In: one database of the model whose [`Database::enterprise`] is set, and
//! the project's [`Context`]. Out, at the same paths as every operator's
//! (`emit::layout`):
//!
//! - `DATABASE.yaml`: the `MongoDB` resource, then the shard-setup
//!   ConfigMap and Job that `emit::mongo` builds for every operator, and the
//!   database's NetworkPolicy;
//! - `DATABASE-shard-setup.js`: the same script.
//!
//! Like `emit::mongo`, this module builds serde structs, never YAML text, and
//! reads nothing but the model. Choices made here, each a promise about the
//! emitted manifests:
//!
//! - **Topology.** `type: ShardedCluster`, `shardCount` = `shards`,
//!   `mongodsPerShardCount` = `members`, `mongosCount` = `routers`,
//!   `configServerCount` = `config_servers`; `version` as written (lowering
//!   requires the full `MAJOR.MINOR.PATCH`, as the CRD does).
//! - **Ops Manager.** `opsManager.configMapRef.name` is
//!   `enterprise.project_config_map` and `credentials` is
//!   `enterprise.credentials`: both exist beforehand (the operator's setup).
//! - **Pods.** `shardPodSpec`, `configSrvPodSpec` and `mongosPodSpec` carry a
//!   `podTemplate` whose database container, [`DATABASE_CONTAINER`], has the
//!   `resources` of the `shard`, `config_server` and `router` blocks; a tier
//!   without a block gets no pod spec. Persistence (`persistent: true`) is a
//!   single volume per member of `storage` (or `emit::mongo`'s default), the
//!   config servers' own `config_server { storage }` when set, in
//!   `storage_class` when set.
//! - **Security.** SCRAM authentication is on
//!   (`security.authentication.modes: [SCRAM]`).
//! - **Shard setup.** The Job reaches the mongos routers through the
//!   operator's headless Service `NAME-svc`, naming every router pod
//!   (`NAME-mongos-I.NAME-svc.NAMESPACE.svc.cluster.local:27017`), and logs in
//!   with the `username` and `password` keys of `enterprise.setup_secret`
//!   (create that user, e.g. with a MongoDBUser, with `clusterManager` and
//!   `readWrite` on the database). Its image is Percona's server image of the
//!   version's series, which carries `mongosh`.
//! - **NetworkPolicy.** As for Percona (`emit::network`), over the pods the
//!   operator labels `controller: mongodb-enterprise-operator` with `app`
//!   one of `NAME-sh`, `NAME-cs`, `NAME-svc`, admitting the operator's pod
//!   by the labels of its Helm charts. The Ops Manager the agents report to
//!   is reached by egress, which stays open.

use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use serde::Serialize;

use super::mongo::{MONGOS_PORT, PodResources, SetupAccess, SetupUri};
use super::{Context, OutputFile, YamlFile};
use crate::model::{Database, DatabasePods, Enterprise};

/// The API version of the `MongoDB` resource.
pub const API_VERSION: &str = "mongodb.com/v1";

/// The operator's name for the container running `mongod` or `mongos` in
/// every database pod, which a `podTemplate` must use to reach it.
pub const DATABASE_CONTAINER: &str = "mongodb-enterprise-database";

/// The setup Secret's keys of the user's login.
const LOGIN_KEYS: [&str; 2] = ["username", "password"];

/// The files of one Enterprise database: `DATABASE.yaml` and
/// `DATABASE-shard-setup.js`.
pub fn database_files(context: &Context<'_>, database: &Database) -> Vec<OutputFile> {
    let enterprise = database.enterprise.as_ref().expect(
        "lowering gives every `operator = mongodb-enterprise` database its `enterprise` block",
    );
    let name = &database.name.value;
    let setup_name = super::layout::shard_setup_name(name);
    let access = SetupAccess {
        uri: SetupUri::Plain(mongos_uri(context, database)),
        secret: enterprise.setup_secret.value.clone(),
        cluster_admin_keys: LOGIN_KEYS,
        database_admin_keys: None,
        comment: "Where the Job mounts the policy's setup Secret: one file per key.",
    };
    let body = super::mongo::shard_script(database, &access);
    let script = format!("{}{body}", context.header("//", database.span.file));
    let image = image(database);
    let mut file = YamlFile::new(context.header("#", database.span.file), 4 * script.len());
    file.push(&mongodb(context, database, enterprise));
    file.push(&super::mongo::script_config_map(
        context,
        &setup_name,
        &script,
    ));
    let job = super::mongo::named_setup_job(context, database, &setup_name, &body, &image, &access);
    file.push(&job);
    let job_name = job.metadata.name.as_deref().expect("the Job is named");
    file.push(&super::network::operator_database_policy(
        context,
        database,
        job_name,
        super::network::enterprise_pod_selector(name),
        super::network::ENTERPRISE_OPERATOR_LABELS,
    ));
    super::mongo::database_outputs(name, file, script)
}

/// Every mongos router by its pod's name in the operator's headless Service.
fn mongos_uri(context: &Context<'_>, database: &Database) -> String {
    let name = &database.name.value;
    let hosts: Vec<String> = (0..database.routers.value)
        .map(|i| {
            format!(
                "{name}-mongos-{i}.{name}-svc.{}.svc.cluster.local:{MONGOS_PORT}",
                context.namespace
            )
        })
        .collect();
    format!("mongodb://{}/admin", hosts.join(","))
}

/// Percona's server image of the version's `MAJOR.MINOR` series: only the
/// Job runs it, for `mongosh`.
fn image(database: &Database) -> String {
    let version = database
        .version
        .as_ref()
        .map_or(super::mongo::DEFAULT_VERSION, |v| {
            let text = v.value.trim();
            let text = text.strip_prefix('v').unwrap_or(text);
            let end = text
                .match_indices('.')
                .nth(1)
                .map_or(text.len(), |(i, _)| i);
            &text[..end]
        });
    format!("{}:{version}", super::mongo::IMAGE_REPOSITORY)
}

/// `mongodb.com/v1` `MongoDB`: only the fields scalec sets.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct MongoDb {
    api_version: &'static str,
    kind: &'static str,
    metadata: ObjectMeta,
    spec: MongoDbSpec,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct MongoDbSpec {
    #[serde(rename = "type")]
    kind: &'static str,
    version: String,
    ops_manager: OpsManager,
    credentials: String,
    shard_count: u32,
    mongods_per_shard_count: u32,
    mongos_count: u32,
    config_server_count: u32,
    persistent: bool,
    shard_pod_spec: PodSpec,
    config_srv_pod_spec: PodSpec,
    #[serde(skip_serializing_if = "Option::is_none")]
    mongos_pod_spec: Option<PodSpec>,
    security: Security,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct OpsManager {
    config_map_ref: ConfigMapRef,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ConfigMapRef {
    name: String,
}

/// One tier's `*PodSpec`: its volume (not for mongos) and its pods.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PodSpec {
    #[serde(skip_serializing_if = "Option::is_none")]
    persistence: Option<Persistence>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pod_template: Option<PodTemplate>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Persistence {
    single: SingleVolume,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SingleVolume {
    /// A quantity, as written: the CRD says string.
    storage: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    storage_class: Option<String>,
}

#[derive(Serialize)]
struct PodTemplate {
    spec: PodTemplateSpec,
}

#[derive(Serialize)]
struct PodTemplateSpec {
    containers: Vec<Container>,
}

#[derive(Serialize)]
struct Container {
    name: &'static str,
    resources: PodResources,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Security {
    authentication: Authentication,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Authentication {
    enabled: bool,
    modes: Vec<&'static str>,
}

fn pod_template(pods: &DatabasePods) -> Option<PodTemplate> {
    super::mongo::pod_resources(pods).map(|resources| PodTemplate {
        spec: PodTemplateSpec {
            containers: vec![Container {
                name: DATABASE_CONTAINER,
                resources,
            }],
        },
    })
}

fn mongodb(context: &Context<'_>, database: &Database, enterprise: &Enterprise) -> MongoDb {
    let storage = database
        .storage
        .as_ref()
        .map_or(super::mongo::DEFAULT_STORAGE, |s| s.value.text.as_str());
    let config_server_storage =
        (database.config_server_storage.as_ref()).map_or(storage, |s| s.value.text.as_str());
    let persistence = |size: &str| {
        Some(Persistence {
            single: SingleVolume {
                storage: size.to_string(),
                storage_class: database.storage_class.as_ref().map(|c| c.value.clone()),
            },
        })
    };
    let version = database
        .version
        .as_ref()
        .expect("lowering requires `version` for the Enterprise operator");
    let mongos_template = pod_template(&database.router_pods);
    MongoDb {
        api_version: API_VERSION,
        kind: "MongoDB",
        metadata: context.metadata(&database.name.value),
        spec: MongoDbSpec {
            kind: "ShardedCluster",
            version: version.value.trim().to_string(),
            ops_manager: OpsManager {
                config_map_ref: ConfigMapRef {
                    name: enterprise.project_config_map.value.clone(),
                },
            },
            credentials: enterprise.credentials.value.clone(),
            shard_count: database.shards.value,
            mongods_per_shard_count: database.members.value,
            mongos_count: database.routers.value,
            config_server_count: database.config_servers.value,
            persistent: true,
            shard_pod_spec: PodSpec {
                persistence: persistence(storage),
                pod_template: pod_template(&database.shard_pods),
            },
            config_srv_pod_spec: PodSpec {
                persistence: persistence(config_server_storage),
                pod_template: pod_template(&database.config_server_pods),
            },
            mongos_pod_spec: mongos_template.map(|template| PodSpec {
                persistence: None,
                pod_template: Some(template),
            }),
            security: Security {
                authentication: Authentication {
                    enabled: true,
                    modes: vec!["SCRAM"],
                },
            },
        },
    }
}
