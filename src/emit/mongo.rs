//! [`Database`] → the files of one sharded MongoDB cluster.
//!
//! In: one `database` of the model and the project's [`Context`]. Out, by path
//! relative to the project's output directory:
//!
//! - `DATABASE.yaml`: a `PerconaServerMongoDB` for the Percona Operator for
//!   MongoDB (CRD `psmdb.percona.com/v1`, `crVersion` [`CR_VERSION`]), then a
//!   ConfigMap `DATABASE-shard-setup` and a Job `DATABASE-shard-setup-HASH`
//!   (HASH from the script without its header and the Job's spec) that run
//!   the shard setup script once the cluster is up;
//! - `DATABASE-shard-setup.js`: the same mongosh script, byte for byte, to read
//!   or to run by hand (`mongosh MONGOS_URI --file DATABASE-shard-setup.js`).
//!
//! The shard-setup script, its ConfigMap and the Job serve every operator:
//! another operator's module (`emit::atlas`) calls `shard_script`,
//! `script_config_map` and `named_setup_job` with its own
//! `SetupAccess`, which says where the Job finds the cluster and its
//! login. The Percona choices below are this module's own.
//!
//! This module must never assemble YAML by hand (the custom resource is a serde
//! struct, the built-ins are k8s-openapi types), read or write files, or
//! depend on anything but the model: the same database always gives
//! byte-identical files. The script is generated as text; every name in it
//! goes through JSON string escaping.
//!
//! Choices made here, each a promise about the emitted manifests:
//!
//! - **Image.** `percona/percona-server-mongodb:VERSION`, with `version` as
//!   written minus a leading `v` (`"v7.0"` → `7.0`). Percona publishes both
//!   floating `MAJOR.MINOR` tags (`7.0`, `8.0`), which follow that series'
//!   latest build, and exact build tags (`7.0.24-13`); write the exact tag to pin
//!   a deployment. Without a `version` the tag is [`DEFAULT_VERSION`].
//! - **Storage.** Every shard member gets a volume of `storage` as written
//!   (a Kubernetes quantity), or [`DEFAULT_STORAGE`]; every config server the
//!   same, unless `config_server { storage }` sets its own. With
//!   `storage_class`, every volume claims that StorageClass; without, the
//!   cluster's default.
//! - **Resources.** The `shard`, `config_server` and `router` blocks give the
//!   `resources` of the shard members (`replsets[].resources`), the config
//!   servers and the mongos routers, requests and limits as written. A tier
//!   without a block gets no `resources`, and its pods run BestEffort (lint
//!   warns for the shard members, whose `mongod` sizes its cache from its
//!   memory limit or, without one, from the node's memory).
//! - **Unsafe sizes.** The operator refuses a replica set that is smaller than
//!   2 members or has an even number of members, and a mongos tier of fewer
//!   than 2 routers or a config server replica set of fewer than 3 members,
//!   unless `unsafeFlags` allow it. `unsafeFlags.replsetSize` and
//!   `unsafeFlags.mongosSize` are set only when the policy asks for such sizes;
//!   lint has already warned (M205 small-replica-set, M206 even-replica-set,
//!   M207 single-router, M209 config-server-count). A safe policy's resource
//!   has no `unsafeFlags` at all.
//! - **Users secret.** `DATABASE-users`; the operator creates it with random
//!   passwords when it does not exist.
//! - **Shard setup Job.** Runs `mongosh --nodb` from the cluster's own image;
//!   the script logs in to the mongos service (`MONGOS_URI`, a plain
//!   variable) as the operator's cluster admin (who may enable sharding and
//!   shard collections). The built-in `clusterAdmin` role may not create
//!   indexes in application databases, so the script creates the supporting
//!   indexes over a second connection as the operator's database admin when
//!   the secret has those keys. No credential is in the environment or the
//!   arguments: a projected volume mounts the users secret's four keys as
//!   files under [`USERS_DIR`], the cluster admin's required (the pod waits
//!   for the secret and its keys), the database admin's optional; mode 0440
//!   and the pod's `fsGroup` let the pod's user read them, root owns them.
//!   The script fails for good when a cluster admin file is missing or
//!   empty. The pod is hardened as every pod scalec emits
//!   (`emit::security`): user 10001, not the image's 1001 (mongosh reads
//!   only its world-readable files, and keeps its history under
//!   `HOME=/tmp`), a read-only root filesystem with a 64Mi `/tmp`, and no
//!   ServiceAccount token: it talks to mongos with a password and needs no
//!   Kubernetes or cloud identity.
//!   The Job carries the database's `job_annotations`; they are not part of
//!   its name's hash, so changing one never runs the Job again.
//! - **Failures.** The script tries every collection, prints one `ERROR` line
//!   per collection it could not shard (the step, the server's code name,
//!   code and message, and whether a retry may help), a summary, and exits
//!   once at the end: 0 when every collection has its key,
//!   [`TRANSIENT_FAILURE_EXIT`] (75, `EX_TEMPFAIL`) when a failure may pass
//!   (an election, a network error, a lock; or, before any collection, no
//!   connection or login as the cluster admin), [`PERMANENT_FAILURE_EXIT`]
//!   when every failure needs a person (a collection sharded with another
//!   key, a refused key, missing privileges; or, before any collection, a
//!   missing or empty credential file). Mixed failures exit transient: the
//!   retry may shard the rest, and trying again what failed for good is safe
//!   (the script is idempotent). The Job (`restartPolicy: Never`, as a pod
//!   failure policy requires) fails at once on the permanent status, ignores
//!   pods a drain or preemption disrupted, and counts everything else,
//!   including mongosh's own status 1 on an unexpected error, against
//!   `backoffLimit`
//!   [`JOB_BACKOFF_LIMIT`] (about 20 minutes of exponential back-off while the
//!   cluster starts). There is no `ttlSecondsAfterFinished`: a deleted Job is
//!   created again by the next apply and reruns. There is no
//!   `activeDeadlineSeconds`: building the supporting index of a large
//!   collection may take hours, and every mongosh call has its own timeouts.
//! - **Job name.** `DATABASE-shard-setup-HASH`, HASH from the script without
//!   its header (the plan: database, collections, keys; and the logic) and
//!   from the Job's own spec (image, namespace, secrets, retry policy), whose
//!   pod template Kubernetes does not let change. A changed plan, logic or
//!   spec gets a Job of a new name, so applying the new build runs it once
//!   (the script is idempotent); the old, finished Job is left for `kubectl
//!   apply --prune` or GitOps to remove. Renaming a policy file or building
//!   from another directory changes only the header, never the name, so it
//!   never reruns the Job against a live cluster.

use std::collections::BTreeMap;
use std::path::PathBuf;

use k8s_openapi::api::batch::v1::{
    Job, JobSpec, PodFailurePolicy, PodFailurePolicyOnExitCodesRequirement,
    PodFailurePolicyOnPodConditionsPattern, PodFailurePolicyRule,
};
use k8s_openapi::api::core::v1::{
    ConfigMap, ConfigMapVolumeSource, Container, EnvVar, KeyToPath, PodSpec, PodTemplateSpec,
    ProjectedVolumeSource, ResourceRequirements, SecretProjection, Volume, VolumeMount,
    VolumeProjection,
};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use serde::Serialize;

use super::{Context, OutputFile, YamlFile};
use crate::model::{Collection, Database, DatabasePods, Hardening, KubeVersion};

/// The Percona Operator release whose CRD the resource is written for.
pub const CR_VERSION: &str = "1.22.0";

/// The MongoDB version (and image tag) of a database that declares none.
pub const DEFAULT_VERSION: &str = "7.0";

/// The volume of each member when a database declares no `storage`.
pub const DEFAULT_STORAGE: &str = "10Gi";

/// The image repository of Percona Server for MongoDB; it also ships `mongosh`.
pub const IMAGE_REPOSITORY: &str = "percona/percona-server-mongodb";

/// How often the shard setup Job retries a run that did not fail for good (an
/// unreachable mongos while the cluster starts, an election) before it gives
/// up.
pub const JOB_BACKOFF_LIMIT: i32 = 8;

/// The shard setup script's exit status when every collection it could not
/// shard needs a person: one is already sharded with a key other than the
/// policy's, has a key whose integer-like field name JavaScript would reorder,
/// or the server refused the step for a reason a retry cannot change (missing
/// privileges, an invalid key or namespace). The Job fails at once on it.
///
/// Not 1: mongosh exits 1 by itself when it cannot connect, which is the
/// usual transient failure while the cluster starts.
pub const PERMANENT_FAILURE_EXIT: i32 = 3;

/// The shard setup script's exit status when at least one collection failed
/// for a reason that may pass (a network error, an election, a lock, a
/// server's retryable error label): `EX_TEMPFAIL` of `sysexits.h`. The Job
/// retries it within [`JOB_BACKOFF_LIMIT`].
pub const TRANSIENT_FAILURE_EXIT: i32 = 75;

/// The first Kubernetes version whose Jobs honour `podFailurePolicy` without a
/// feature gate (stable in 1.31, beta and on by default from 1.26). Every
/// version scalec targets is at least this one, so the Job never needs
/// another shape; this fails to compile if the oldest target drops below it.
const POD_FAILURE_POLICY_SINCE: KubeVersion = crate::model::features::JOB_POD_FAILURE_POLICY.since;
const _: () = assert!(
    KubeVersion::OLDEST.major > POD_FAILURE_POLICY_SINCE.major
        || (KubeVersion::OLDEST.major == POD_FAILURE_POLICY_SINCE.major
            && KubeVersion::OLDEST.minor >= POD_FAILURE_POLICY_SINCE.minor),
    "every target Kubernetes version must serve the Job's podFailurePolicy"
);

/// The port of the mongos service.
pub(super) const MONGOS_PORT: u16 = 27017;

/// The writable `/tmp` of the shard-setup Job: mongosh's history and log.
const JOB_TMP: &str = "64Mi";

/// The ConfigMap key, and file name under [`SCRIPT_DIR`], of the script.
const SCRIPT_KEY: &str = "shard-setup.js";
const SCRIPT_DIR: &str = "/etc/scalec";
const CONTAINER_NAME: &str = "mongosh";

/// Where the Job mounts the users Secret's credentials, one file per key.
/// Not under [`SCRIPT_DIR`]: one read-only volume is not mounted inside
/// another.
const USERS_DIR: &str = "/etc/scalec-users";

/// The users Secret's keys of the operator's cluster admin, who may enable
/// sharding and shard collections; the script cannot run without them.
const CLUSTER_ADMIN_KEYS: [&str; 2] = [
    "MONGODB_CLUSTER_ADMIN_USER",
    "MONGODB_CLUSTER_ADMIN_PASSWORD",
];

/// The users Secret's keys of the operator's database admin, who may create
/// indexes; the Secret may lack them.
const DATABASE_ADMIN_KEYS: [&str; 2] = [
    "MONGODB_DATABASE_ADMIN_USER",
    "MONGODB_DATABASE_ADMIN_PASSWORD",
];

/// The credential files' mode: readable by their owner, root, and their
/// group, the pod's `fsGroup`; nobody else.
const USERS_MODE: i32 = 0o440;

/// How the shard-setup Job reaches the cluster and logs in: what differs
/// between operators, while the script, ConfigMap and Job are shared.
pub(super) struct SetupAccess {
    /// `MONGOS_URI`: the mongos service's address, or a key of `secret`
    /// (an operator's connection Secret).
    pub uri: SetupUri,
    /// The Secret whose keys the Job mounts as credential files.
    pub secret: String,
    /// The keys of the login that shards collections (user, password).
    pub cluster_admin_keys: [&'static str; 2],
    /// The keys of an optional second login that creates indexes; `None`
    /// when the first may (the script then reads the same files again).
    pub database_admin_keys: Option<[&'static str; 2]>,
    /// The script's comment on `CREDENTIALS`.
    pub comment: &'static str,
}

/// Where `MONGOS_URI` comes from.
pub(super) enum SetupUri {
    Plain(String),
    SecretKey(&'static str),
}

/// The Percona operator's access: the mongos service and the users Secret.
fn percona_access(context: &Context<'_>, database: &Database) -> SetupAccess {
    SetupAccess {
        uri: SetupUri::Plain(format!(
            "mongodb://{}-mongos.{}.svc.cluster.local:{MONGOS_PORT}/admin",
            database.name.value, context.namespace
        )),
        secret: format!("{}-users", database.name.value),
        cluster_admin_keys: CLUSTER_ADMIN_KEYS,
        database_admin_keys: Some(DATABASE_ADMIN_KEYS),
        comment: "Where the Job mounts the users Secret: one file per key.",
    }
}

/// A database's two files, whatever its operator: `DATABASE.yaml`, holding
/// `file`'s objects, and the shard-setup script `DATABASE-shard-setup.js`.
pub(super) fn database_outputs(name: &str, file: YamlFile, script: String) -> Vec<OutputFile> {
    vec![
        OutputFile {
            path: PathBuf::from(super::layout::database_file(name)),
            content: file.finish(),
        },
        OutputFile {
            path: PathBuf::from(super::layout::shard_script_file(name)),
            content: script,
        },
    ]
}

/// The files of one database: `DATABASE.yaml` and `DATABASE-shard-setup.js`.
pub fn database_files(context: &Context<'_>, database: &Database) -> Vec<OutputFile> {
    let name = &database.name.value;
    let setup_name = super::layout::shard_setup_name(name);
    let access = percona_access(context, database);
    let body = shard_script(database, &access);
    let script = format!("{}{body}", context.header("//", database.span.file));
    let image = image(database);
    let mut file = YamlFile::new(context.header("#", database.span.file), 4 * script.len());
    file.push(&perconaservermongodb(context, database, &image));
    file.push(&script_config_map(context, &setup_name, &script));
    let job = named_setup_job(context, database, &setup_name, &body, &image, &access);
    file.push(&job);
    let job_name = job.metadata.name.as_deref().expect("the Job is named");
    file.push(&super::network::database_policy(
        context, database, job_name,
    ));
    database_outputs(name, file, script)
}

/// The shard setup Job, named `DATABASE-shard-setup-HASH`.
///
/// A finished Job never runs again, so a new name for every new plan or logic
/// makes `kubectl apply` (or GitOps) run the new script once, while an
/// unchanged policy keeps the same, finished Job. HASH covers the script
/// `body` (the plan and the logic, without the header, which names the policy
/// file: hashing it would rerun the Job against a live cluster when a file is
/// renamed) and the Job's spec as it is without the name: a Job's pod
/// template cannot change, so a new image (a new `version`) or any other
/// change to it needs a new Job, or `kubectl apply` would refuse the update.
pub(super) fn named_setup_job(
    context: &Context<'_>,
    database: &Database,
    setup_name: &str,
    body: &str,
    image: &str,
    access: &SetupAccess,
) -> Job {
    let unnamed = setup_job(context, database, setup_name, setup_name, image, access);
    let spec = serde_json::to_string(&unnamed.spec).expect("a Job spec always serializes to JSON");
    let name = format!("{setup_name}-{}", hash_text(&[body, &spec]));
    setup_job(context, database, &name, setup_name, image, access)
}

/// Eight hex digits of the 32-bit FNV-1a hash of `parts`, each followed by a
/// NUL so that moving text from one part to the next changes the hash. FNV-1a
/// is small and stable across platforms and releases.
fn hash_text(parts: &[&str]) -> String {
    let hash = parts
        .iter()
        .flat_map(|part| part.bytes().chain([0]))
        .fold(0x811c_9dc5_u32, |hash, byte| {
            (hash ^ u32::from(byte)).wrapping_mul(0x0100_0193)
        });
    format!("{hash:08x}")
}

// --- PerconaServerMongoDB -------------------------------------------------

/// `psmdb.percona.com/v1` `PerconaServerMongoDB`: only the fields scalec sets.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PerconaServerMongoDb {
    api_version: &'static str,
    kind: &'static str,
    metadata: ObjectMeta,
    spec: PerconaSpec,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PerconaSpec {
    cr_version: &'static str,
    image: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    unsafe_flags: Option<UnsafeFlags>,
    secrets: Secrets,
    replsets: Vec<ReplicaSet>,
    sharding: Sharding,
}

/// The operator's escape hatches for sizes it considers unsafe.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct UnsafeFlags {
    #[serde(skip_serializing_if = "Option::is_none")]
    replset_size: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    mongos_size: Option<bool>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Secrets {
    users: String,
}

/// A shard's replica set (with a name) or the config server replica set
/// (whose name the operator fixes to `cfg`).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ReplicaSet {
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<String>,
    size: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    resources: Option<PodResources>,
    volume_spec: VolumeSpec,
}

/// What each pod of a tier requests and may use at most. Quantities as
/// written in the policy.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct PodResources {
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    limits: BTreeMap<&'static str, String>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    requests: BTreeMap<&'static str, String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct VolumeSpec {
    persistent_volume_claim: PersistentVolumeClaim,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PersistentVolumeClaim {
    #[serde(skip_serializing_if = "Option::is_none")]
    storage_class_name: Option<String>,
    resources: VolumeResources,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct VolumeResources {
    /// Quantities as strings: the CRD rejects a bare number where it says string.
    requests: BTreeMap<String, String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Sharding {
    enabled: bool,
    configsvr_repl_set: ReplicaSet,
    mongos: Mongos,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Mongos {
    size: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    resources: Option<PodResources>,
}

fn perconaservermongodb(
    context: &Context<'_>,
    database: &Database,
    image: &str,
) -> PerconaServerMongoDb {
    let name = &database.name.value;
    let storage = database
        .storage
        .as_ref()
        .map_or(DEFAULT_STORAGE, |s| s.value.text.as_str());
    let config_server_storage =
        (database.config_server_storage.as_ref()).map_or(storage, |s| s.value.text.as_str());
    let volume = |size: &str| VolumeSpec {
        persistent_volume_claim: PersistentVolumeClaim {
            storage_class_name: database.storage_class.as_ref().map(|c| c.value.clone()),
            resources: VolumeResources {
                requests: BTreeMap::from([("storage".to_string(), size.to_string())]),
            },
        },
    };
    let members = database.members.value;
    let config_servers = database.config_servers.value;
    let routers = database.routers.value;
    let replsets = (0..database.shards.value)
        .map(|shard| ReplicaSet {
            name: Some(format!("rs{shard}")),
            size: members,
            resources: pod_resources(&database.shard_pods),
            volume_spec: volume(storage),
        })
        .collect();
    PerconaServerMongoDb {
        api_version: "psmdb.percona.com/v1",
        kind: "PerconaServerMongoDB",
        metadata: context.metadata(name),
        spec: PerconaSpec {
            cr_version: CR_VERSION,
            image: image.to_string(),
            unsafe_flags: unsafe_flags(members, config_servers, routers),
            secrets: Secrets {
                users: format!("{name}-users"),
            },
            replsets,
            sharding: Sharding {
                enabled: true,
                configsvr_repl_set: ReplicaSet {
                    name: None,
                    size: config_servers,
                    resources: pod_resources(&database.config_server_pods),
                    volume_spec: volume(config_server_storage),
                },
                mongos: Mongos {
                    size: routers,
                    resources: pod_resources(&database.router_pods),
                },
            },
        },
    }
}

/// The resources of one tier's pods, or `None` when the policy sets none
/// (the operator then leaves the pods without requests).
pub(super) fn pod_resources(pods: &DatabasePods) -> Option<PodResources> {
    let mut resources = PodResources {
        limits: BTreeMap::new(),
        requests: BTreeMap::new(),
    };
    if let Some(cpu) = &pods.cpu {
        resources
            .requests
            .insert("cpu", cpu.request.value.text.clone());
        if let Some(limit) = &cpu.limit {
            resources.limits.insert("cpu", limit.value.text.clone());
        }
    }
    if let Some(memory) = &pods.memory {
        (resources.requests).insert("memory", memory.request.value.text.clone());
        if let Some(limit) = &memory.limit {
            resources.limits.insert("memory", limit.value.text.clone());
        }
    }
    (!resources.requests.is_empty()).then_some(resources)
}

/// The flags the operator needs to accept the policy's sizes, if any.
///
/// The operator's checks (v1.22): a replica set, shard or config server, needs
/// `replsetSize` unless it has an odd number of members, at least 3; the
/// documentation ties `mongosSize` to fewer than 2 routers or fewer than 3
/// config servers.
fn unsafe_flags(members: u32, config_servers: u32, routers: u32) -> Option<UnsafeFlags> {
    let safe_replica_set = |size: u32| size >= 3 && size % 2 == 1;
    let replset_size = !safe_replica_set(members) || !safe_replica_set(config_servers);
    let mongos_size = routers < 2 || config_servers < 3;
    (replset_size || mongos_size).then_some(UnsafeFlags {
        replset_size: replset_size.then_some(true),
        mongos_size: mongos_size.then_some(true),
    })
}

/// The image of the database's MongoDB version.
pub(super) fn image(database: &Database) -> String {
    let version = database.version.as_ref().map_or(DEFAULT_VERSION, |v| {
        let text = v.value.trim();
        text.strip_prefix('v').unwrap_or(text)
    });
    format!("{IMAGE_REPOSITORY}:{version}")
}

// --- Shard setup ConfigMap and Job -----------------------------------------

pub(super) fn script_config_map(context: &Context<'_>, name: &str, script: &str) -> ConfigMap {
    ConfigMap {
        metadata: context.metadata(name),
        data: Some(BTreeMap::from([(
            SCRIPT_KEY.to_string(),
            script.to_string(),
        )])),
        ..Default::default()
    }
}

fn setup_job(
    context: &Context<'_>,
    database: &Database,
    name: &str,
    config_map: &str,
    image: &str,
    access: &SetupAccess,
) -> Job {
    let users_secret = access.secret.clone();
    let mongos_uri = match &access.uri {
        SetupUri::Plain(uri) => EnvVar {
            name: "MONGOS_URI".to_string(),
            value: Some(uri.clone()),
            ..Default::default()
        },
        // The connection string holds the login too: it is mounted as a
        // file beside the credentials, and the environment names the file.
        SetupUri::SecretKey(key) => EnvVar {
            name: "MONGOS_URI_FILE".to_string(),
            value: Some(format!("{USERS_DIR}/{key}")),
            ..Default::default()
        },
    };
    let mut required_keys = access.cluster_admin_keys.to_vec();
    if let SetupUri::SecretKey(key) = &access.uri {
        required_keys.push(key);
    }
    let plain_env = |variable: &str, value: &str| EnvVar {
        name: variable.to_string(),
        value: Some(value.to_string()),
        ..Default::default()
    };
    // No connection of its own: the script reads the credentials from
    // USERS_DIR and logs in itself, so none is in an argument or the
    // environment.
    let args = ["--nodb", "--quiet", "--file"]
        .into_iter()
        .map(String::from)
        .chain([format!("{SCRIPT_DIR}/{SCRIPT_KEY}")])
        .collect();
    let users_items = |keys: &[&str], optional: bool| VolumeProjection {
        secret: Some(SecretProjection {
            name: users_secret.clone(),
            items: Some(
                (keys.iter())
                    .map(|key| KeyToPath {
                        key: key.to_string(),
                        path: key.to_string(),
                        ..Default::default()
                    })
                    .collect(),
            ),
            optional: optional.then_some(true),
        }),
        ..Default::default()
    };
    let container = Container {
        name: CONTAINER_NAME.to_string(),
        image: Some(image.to_string()),
        command: Some(vec!["mongosh".to_string()]),
        args: Some(args),
        env: Some(vec![
            // mongosh keeps its log and history under $HOME; the root
            // filesystem is read-only, so $HOME is the writable /tmp.
            plain_env("HOME", "/tmp"),
            mongos_uri,
        ]),
        resources: Some(ResourceRequirements {
            requests: Some(BTreeMap::from([
                ("cpu".to_string(), Quantity("100m".to_string())),
                ("memory".to_string(), Quantity("128Mi".to_string())),
            ])),
            limits: Some(BTreeMap::from([
                ("cpu".to_string(), Quantity("500m".to_string())),
                ("memory".to_string(), Quantity("512Mi".to_string())),
            ])),
            ..Default::default()
        }),
        volume_mounts: Some(vec![
            VolumeMount {
                name: "script".to_string(),
                mount_path: SCRIPT_DIR.to_string(),
                read_only: Some(true),
                ..Default::default()
            },
            VolumeMount {
                name: "users".to_string(),
                mount_path: USERS_DIR.to_string(),
                read_only: Some(true),
                ..Default::default()
            },
        ]),
        ..Default::default()
    };
    let mut pod = PodSpec {
        // A pod failure policy requires `Never`; each retry is a new pod, so
        // the logs of a failed run stay readable.
        restart_policy: Some("Never".to_string()),
        containers: vec![container],
        volumes: Some(vec![
            Volume {
                name: "script".to_string(),
                config_map: Some(ConfigMapVolumeSource {
                    name: config_map.to_string(),
                    ..Default::default()
                }),
                ..Default::default()
            },
            // Two sources of one Secret: a missing cluster admin key (or
            // Secret, before the operator creates it) keeps the pod waiting
            // for it, while the database admin's keys may be absent.
            Volume {
                name: "users".to_string(),
                projected: Some(ProjectedVolumeSource {
                    default_mode: Some(USERS_MODE),
                    sources: Some(
                        [Some(users_items(&required_keys, false))]
                            .into_iter()
                            .chain([
                                (access.database_admin_keys).map(|keys| users_items(&keys, true))
                            ])
                            .flatten()
                            .collect(),
                    ),
                }),
                ..Default::default()
            },
        ]),
        ..Default::default()
    };
    let hardening = Hardening::DEFAULT;
    super::security::harden(
        &mut pod,
        hardening,
        Some(Quantity(JOB_TMP.to_string())),
        false,
    );
    // The credential files belong to root; the fsGroup makes the pod's own
    // group theirs, so that USERS_MODE lets the non-root user read them.
    if let Some(context) = pod.security_context.as_mut() {
        context.fs_group = hardening.user;
    }
    let mut metadata = context.metadata(name);
    if !database.job_annotations.is_empty() {
        metadata.annotations = Some(
            (database.job_annotations.iter())
                .map(|(key, value)| (key.clone(), value.value.clone()))
                .collect(),
        );
    }
    Job {
        metadata,
        spec: Some(JobSpec {
            backoff_limit: Some(JOB_BACKOFF_LIMIT),
            pod_failure_policy: Some(PodFailurePolicy {
                rules: vec![
                    // A person must act: retrying cannot help.
                    PodFailurePolicyRule {
                        action: "FailJob".to_string(),
                        on_exit_codes: Some(PodFailurePolicyOnExitCodesRequirement {
                            container_name: Some(CONTAINER_NAME.to_string()),
                            operator: "In".to_string(),
                            values: vec![PERMANENT_FAILURE_EXIT],
                        }),
                        ..Default::default()
                    },
                    // A pod evicted by a drain or preempted did not fail: run
                    // it again without spending a retry.
                    PodFailurePolicyRule {
                        action: "Ignore".to_string(),
                        on_pod_conditions: Some(vec![PodFailurePolicyOnPodConditionsPattern {
                            type_: "DisruptionTarget".to_string(),
                            status: "True".to_string(),
                        }]),
                        ..Default::default()
                    },
                    // Everything else, TRANSIENT_FAILURE_EXIT and mongosh's
                    // own 1 included, counts against backoffLimit.
                ],
            }),
            template: PodTemplateSpec {
                metadata: Some(ObjectMeta {
                    labels: Some(context.labels(name)),
                    ..Default::default()
                }),
                spec: Some(pod),
            },
            ..Default::default()
        }),
        ..Default::default()
    }
}

// --- The mongosh script -----------------------------------------------------

/// The script without its header: what it does, the database's plan, then
/// the fixed logic.
pub(super) fn shard_script(database: &Database, access: &SetupAccess) -> String {
    let db = json_string(&database.database_name);
    let mut lines = vec![
        "//".to_string(),
        format!(
            "// Shards the collections of MongoDB database {db} (cluster `{}`)",
            database.name.value
        ),
        "// with the shard keys of the policy. The Job runs it with `mongosh --nodb`".into(),
        "// and MONGOS_URI set: it logs in to that mongos router with the credential".into(),
        "// files the Job mounts (CREDENTIALS below). By hand, without MONGOS_URI,".into(),
        "// run it with mongosh against a mongos router, as a user who may shard".into(),
        "// collections, and it uses mongosh's connection. It is idempotent: a".into(),
        "// collection already sharded with its key is left alone. It tries every".into(),
        "// collection, prints one ERROR line for each it could not shard, then a".into(),
        "// summary. Exit status 0: every collection is sharded with its key.".into(),
        format!(
            "// {TRANSIENT_FAILURE_EXIT}: a failure that may pass (network, election, lock, no login"
        ),
        "// yet); run it again.".into(),
        format!(
            "// {PERMANENT_FAILURE_EXIT}: every failure needs a person (a missing or empty credential file;"
        ),
        "// a collection sharded with another key, left unchanged: change a shard".into(),
        "// key on purpose, with reshardCollection; a key mongosh cannot express; a".into(),
        "// refused command).".into(),
        "// Anything else (mongosh could not connect, for one): safe to retry.".into(),
        String::new(),
        "(function () {".into(),
        "  \"use strict\";".into(),
        String::new(),
        format!("  const PERMANENT_FAILURE_EXIT = {PERMANENT_FAILURE_EXIT};"),
        format!("  const TRANSIENT_FAILURE_EXIT = {TRANSIENT_FAILURE_EXIT};"),
        format!("  // {}", access.comment),
        "  const CREDENTIALS = {".into(),
        format!("    directory: {},", json_string(USERS_DIR)),
        format!(
            "    clusterAdmin: {},",
            json_list(&access.cluster_admin_keys)
        ),
        format!(
            "    databaseAdmin: {},",
            json_list(
                &access
                    .database_admin_keys
                    .unwrap_or(access.cluster_admin_keys)
            )
        ),
        "  };".into(),
        "  // Each key is a list of [field, 1 | \"hashed\"] pairs, in key order.".into(),
        "  const plan = {".into(),
        format!("    database: {db},"),
        "    collections: [".into(),
    ];
    for collection in &database.collections {
        lines.push(format!(
            "      {{ name: {}, key: {} }},",
            json_string(&collection.name.value),
            key_pairs(collection)
        ));
    }
    lines.extend(["    ],".to_string(), "  };".to_string()]);
    let mut out = lines.join("\n");
    out.push('\n');
    out.push_str(SCRIPT_LOGIC);
    out
}

/// `[["customer_id", 1], ["_id", "hashed"]]`.
fn key_pairs(collection: &Collection) -> String {
    let pairs: Vec<String> = collection
        .shard_key
        .fields
        .iter()
        .map(|field| {
            let value = if field.hashed { "\"hashed\"" } else { "1" };
            format!("[{}, {value}]", json_string(&field.name))
        })
        .collect();
    format!("[{}]", pairs.join(", "))
}

/// `["A", "B"]`: a JavaScript array of string literals.
fn json_list(texts: &[&str]) -> String {
    let items: Vec<String> = texts.iter().map(|text| json_string(text)).collect();
    format!("[{}]", items.join(", "))
}

/// A JavaScript string literal: JSON escaping is valid JavaScript.
fn json_string(text: &str) -> String {
    serde_json::to_string(text).expect("a string always serializes to JSON")
}

/// The part of the script that is the same for every database. It reads
/// `plan`, `CREDENTIALS`, `PERMANENT_FAILURE_EXIT` and
/// `TRANSIENT_FAILURE_EXIT`, and uses only mongosh's `Mongo`, `print` and
/// `quit`, Node's `require("fs")` and `process.env`, and, run by hand, `db`
/// for mongosh's own connection. Every command goes through the connection
/// it names (`runCommand` on its `admin` database, as `sh.enableSharding`
/// and `sh.shardCollection` do), never through `db` or `sh`, which stay
/// bound to mongosh's connection: with `--nodb`, none. mongosh's `auth`
/// logs in the connection of the database it is called on. Shell calls stay
/// out of callbacks given to array methods, which mongosh's rewriting of
/// asynchronous calls does not reach, and `quit` out of `try`.
const SCRIPT_LOGIC: &str = r#"
  const env = typeof process === "object" && process.env ? process.env : {};
  // Run by the Job: MONGOS_URI and the credential files. By hand: mongosh's
  // own connection and login.
  const given = (name) => typeof env[name] === "string" && env[name] !== "";
  const byJob = given("MONGOS_URI") || given("MONGOS_URI_FILE");
  let shardingEnabled = false;
  let indexDb = null;
  // The step under way, to name in a failure.
  let step = "";
  const done = { sharded: 0, unchanged: 0, permanent: 0, transient: 0 };

  // Server errors that a later run may not meet: network errors, elections
  // and replica set state changes, shutdowns, time limits, locks and
  // concurrent metadata operations, stale routing tables, the start-up
  // window before every shard has joined (ShardNotFound) or the cluster has
  // signing keys (KeyNotFound), and overload. Any other server error is the
  // server's answer to this command, so it is permanent.
  const TRANSIENT_CODES = new Set([
    6, // HostUnreachable
    7, // HostNotFound
    24, // LockTimeout
    46, // LockBusy
    50, // MaxTimeMSExpired
    64, // WriteConcernTimeout
    70, // ShardNotFound
    89, // NetworkTimeout
    91, // ShutdownInProgress
    112, // WriteConflict
    117, // ConflictingOperationInProgress
    133, // FailedToSatisfyReadPreference
    134, // ReadConcernMajorityNotAvailableYet
    150, // StaleEpoch
    189, // PrimarySteppedDown
    202, // NetworkInterfaceExceededTimeLimit
    211, // KeyNotFound
    249, // StaleDbVersion
    262, // ExceededTimeLimit
    314, // ObjectIsBusy
    319, // MovePrimaryInProgress
    365, // TemporarilyUnavailable
    402, // ResourceExhausted
    414, // AddOrRemoveShardInProgress
    9001, // SocketException
    10058, // LegacyNotPrimary
    10107, // NotWritablePrimary
    11600, // InterruptedAtShutdown
    11602, // InterruptedDueToReplStateChange
    13388, // StaleConfig
    13435, // NotPrimaryNoSecondaryOk
    13436, // NotPrimaryOrSecondary
  ]);
  // Labels the server or the driver puts on an error worth retrying.
  const TRANSIENT_LABELS = [
    "RetryableWriteError",
    "TransientTransactionError",
    "RetryableError",
    "SystemOverloadedError",
  ];
  // Driver errors without a server code: the connection, not the command.
  const TRANSIENT_NAMES = [
    "MongoNetworkError",
    "MongoNetworkTimeoutError",
    "MongoServerSelectionError",
    "MongoPoolClearedError",
    "MongoOperationTimeoutError",
  ];
  // Socket errors, when one arrives unwrapped.
  const TRANSIENT_SOCKET_CODES = [
    "ECONNREFUSED",
    "ECONNRESET",
    "EPIPE",
    "ETIMEDOUT",
    "EHOSTUNREACH",
    "ENETUNREACH",
    "ENOTFOUND",
    "EAI_AGAIN",
  ];

  function isTransient(error) {
    if (error === null || typeof error !== "object") {
      return false;
    }
    const labels = Array.isArray(error.errorLabels) ? error.errorLabels : [];
    for (const label of TRANSIENT_LABELS) {
      if (labels.includes(label) ||
          (typeof error.hasErrorLabel === "function" && error.hasErrorLabel(label) === true)) {
        return true;
      }
    }
    if (typeof error.code === "number") {
      return TRANSIENT_CODES.has(error.code);
    }
    return TRANSIENT_NAMES.includes(error.name) || TRANSIENT_SOCKET_CODES.includes(error.code);
  }

  // `CodeName (code): message`, on one line.
  function cause(error) {
    if (error === null || typeof error !== "object") {
      return String(error).replace(/\s+/g, " ");
    }
    const name = error.codeName || error.name || "Error";
    const code = error.code === undefined || error.code === null ? "" : " (" + error.code + ")";
    const message = String(error.message || error.errmsg || "no message").replace(/\s+/g, " ");
    return name + code + ": " + message;
  }

  function fail(ns, transient, what) {
    if (transient) {
      done.transient += 1;
      print("ERROR " + ns + ": " + what + " [transient: a later run may succeed]");
    } else {
      done.permanent += 1;
      print("ERROR " + ns + ": " + what + " [permanent: needs a person]");
    }
  }

  // The key document, or null when JavaScript cannot keep its order: an
  // object puts integer-like property names first whatever the order they
  // were added in, which would silently shard on another key.
  function keyDocument(pairs) {
    const key = {};
    for (const [field, value] of pairs) {
      key[field] = value;
    }
    const order = Object.keys(key);
    if (order.length !== pairs.length || order.some((field, i) => field !== pairs[i][0])) {
      return null;
    }
    return key;
  }

  // 1 and "hashed" as the server may return them (a number, a Long, a Double).
  function keyValue(value) {
    if (value === "hashed") {
      return "hashed";
    }
    if (value !== null && typeof value === "object" && typeof value.toNumber === "function") {
      return value.toNumber();
    }
    return Number(value);
  }

  function pairsOf(key) {
    return Object.keys(key).map((field) => [field, keyValue(key[field])]);
  }

  function keyText(key) {
    return "{ " + pairsOf(key)
      .map(([field, value]) => JSON.stringify(field) + ": " + JSON.stringify(value))
      .join(", ") + " }";
  }

  function sameKey(a, b) {
    return JSON.stringify(pairsOf(a)) === JSON.stringify(pairsOf(b));
  }

  // A credential file's text without one trailing line break, or null when
  // the file does not exist (the Secret lacks an optional key). Its text is
  // never printed.
  function readCredential(key) {
    const path = CREDENTIALS.directory + "/" + key;
    try {
      return require("fs").readFileSync(path, "utf8").replace(/\r?\n$/, "");
    } catch (error) {
      if (error !== null && typeof error === "object" && error.code === "ENOENT") {
        return null;
      }
      const reason = error !== null && typeof error === "object" && error.code ? error.code : "error";
      throw new Error(path + " cannot be read (" + reason + ")");
    }
  }

  // `{ user, password }` from the files of `keys`, or null when neither
  // exists and the login is optional. Throws a message for a person when a
  // file is missing or empty.
  function readLogin(who, keys, required) {
    const user = readCredential(keys[0]);
    const password = readCredential(keys[1]);
    if (!required && user === null && password === null) {
      return null;
    }
    for (const [key, text] of [[keys[0], user], [keys[1], password]]) {
      if (text === null || text === "") {
        throw new Error("the " + who + "'s credential file " + CREDENTIALS.directory + "/" +
          key + " is " + (text === null ? "missing" : "empty"));
      }
    }
    return { user: user, password: password };
  }

  // The Job's mongos: MONGOS_URI, or the file MONGOS_URI_FILE names when
  // the address holds a login (Atlas's connection string). Never printed.
  function mongosUri() {
    if (!given("MONGOS_URI_FILE")) {
      return env.MONGOS_URI;
    }
    return require("fs").readFileSync(env.MONGOS_URI_FILE, "utf8").replace(/\r?\n$/, "");
  }

  // A new connection to the Job's mongos, logged in as `login`.
  function connectAs(login) {
    const connection = new Mongo(mongosUri());
    connection.getDB("admin").auth(login.user, login.password);
    return connection;
  }

  let clusterAdmin = null;
  let databaseAdmin = null;
  let unreadable = null;
  if (byJob) {
    try {
      clusterAdmin = readLogin("cluster admin", CREDENTIALS.clusterAdmin, true);
      databaseAdmin = readLogin("database admin", CREDENTIALS.databaseAdmin, false);
    } catch (error) {
      unreadable = error;
    }
  }
  if (unreadable !== null) {
    print("ERROR " + String(unreadable && unreadable.message ? unreadable.message : unreadable) +
      "; nothing done [permanent: needs a person]");
    quit(PERMANENT_FAILURE_EXIT);
  }

  // The connection that shards: the cluster admin's, or by hand mongosh's.
  let connection = null;
  let notConnected = null;
  step = "connecting as the cluster admin";
  try {
    connection = byJob ? connectAs(clusterAdmin) : db.getMongo();
  } catch (error) {
    notConnected = error;
  }
  if (notConnected !== null) {
    // The mongos may not be up yet, or the operator not have created the
    // user yet: a later run may succeed.
    print("ERROR " + step + " failed: " + cause(notConnected) +
      "; nothing done [transient: a later run may succeed]");
    quit(TRANSIENT_FAILURE_EXIT);
  }
  const adminDb = connection.getDB("admin");
  const configDb = connection.getDB("config");

  // Before MongoDB 6.0 a database had to be enabled for sharding
  // (`partitioned: true`); from 6.0 the flag is gone and every database may
  // hold sharded collections, and enableSharding only picks a primary shard.
  // Until it succeeds, every collection that needs it tries again.
  function ensureShardingEnabled() {
    if (shardingEnabled) {
      return;
    }
    step = "reading config.databases";
    const entry = configDb.getCollection("databases").findOne({ _id: plan.database });
    if (entry != null && entry.partitioned !== false) {
      print("database " + JSON.stringify(plan.database) + ": sharding already enabled");
      shardingEnabled = true;
      return;
    }
    step = "enableSharding";
    try {
      adminDb.runCommand({ enableSharding: plan.database });
      print("database " + JSON.stringify(plan.database) + ": enabled sharding");
    } catch (error) {
      // AlreadyInitialized: another run got there first.
      if (error.code !== 23 && !/already enabled/i.test(String(error.message))) {
        throw error;
      }
      print("database " + JSON.stringify(plan.database) + ": sharding already enabled");
    }
    shardingEnabled = true;
  }

  // The built-in clusterAdmin role may shard collections but not create
  // indexes in application databases; the Percona operator's database admin
  // may. Use it when the Job mounts its credentials, else `connection`.
  function indexDatabase() {
    if (indexDb !== null) {
      return indexDb;
    }
    if (databaseAdmin !== null) {
      step = "connecting as the database admin";
      indexDb = connectAs(databaseAdmin).getDB(plan.database);
    } else {
      indexDb = connection.getDB(plan.database);
    }
    return indexDb;
  }

  function ensureIndex(ns, name, key) {
    const target = indexDatabase();
    step = "createIndex";
    try {
      target.getCollection(name).createIndex(key);
      print(ns + ": supporting index " + keyText(key) + " is in place");
    } catch (error) {
      // IndexOptionsConflict: an index on the same key exists under another
      // name or with other options; it supports the shard key all the same.
      if (error.code !== 85) {
        throw error;
      }
      print(ns + ": an index on " + keyText(key) + " exists already");
    }
  }

  for (const collection of plan.collections) {
    const ns = plan.database + "." + collection.name;
    const key = keyDocument(collection.key);
    if (key === null) {
      fail(ns, false, "the shard key " + JSON.stringify(collection.key) +
        " has an integer-like field name, whose order mongosh cannot keep;" +
        " shard this collection by hand");
      continue;
    }
    try {
      step = "reading config.collections";
      const entry = configDb.getCollection("collections").findOne({ _id: ns });
      // `dropped` marks a dropped collection (before MongoDB 5.0); `unsplittable`
      // a tracked but unsharded one (MongoDB 8.0). Neither is sharded.
      const sharded = entry != null && entry.dropped !== true && entry.unsplittable !== true;
      if (sharded && sameKey(entry.key, key)) {
        done.unchanged += 1;
        print(ns + ": already sharded with " + keyText(key) + "; nothing to do");
        continue;
      }
      if (sharded) {
        fail(ns, false, "sharded with " + keyText(entry.key) +
          " but the policy's shard key is " + keyText(key) +
          "; left unchanged (change a shard key deliberately, with reshardCollection)");
        continue;
      }
      ensureShardingEnabled();
      ensureIndex(ns, collection.name, key);
      step = "shardCollection";
      adminDb.runCommand({ shardCollection: ns, key: key });
      done.sharded += 1;
      print(ns + ": sharded with " + keyText(key));
    } catch (error) {
      fail(ns, isTransient(error), step + " failed: " + cause(error));
    }
  }

  const failed = done.permanent + done.transient;
  print("summary " + JSON.stringify(plan.database) + ": " + plan.collections.length +
    " collection(s), " + done.sharded + " sharded now, " + done.unchanged +
    " already sharded, " + failed + " failed (" + done.transient + " transient, " +
    done.permanent + " permanent)");
  if (done.transient > 0) {
    // A retry may shard the rest; trying again what failed for good is safe.
    print("ERROR " + failed + " collection(s) of " + JSON.stringify(plan.database) +
      " not sharded yet; exit " + TRANSIENT_FAILURE_EXIT + ": run again");
    quit(TRANSIENT_FAILURE_EXIT);
  }
  if (done.permanent > 0) {
    print("ERROR " + failed + " collection(s) of " + JSON.stringify(plan.database) +
      " not sharded as the policy says; exit " + PERMANENT_FAILURE_EXIT +
      ": a person must act, see above");
    quit(PERMANENT_FAILURE_EXIT);
  }
})();
"#;
