//! [`Database`] → the files of one sharded MongoDB cluster.
//!
//! In: one `database` of the model and the project's [`Context`]. Out, by path
//! relative to the project's output directory:
//!
//! - `DATABASE.yaml`: a `PerconaServerMongoDB` for the Percona Operator for
//!   MongoDB (CRD `psmdb.percona.com/v1`, `crVersion` [`CR_VERSION`]), then a
//!   ConfigMap `DATABASE-shard-setup` and a Job `DATABASE-shard-setup-HASH`
//!   (HASH from the script) that run the shard setup script once the cluster
//!   is up;
//! - `DATABASE-shard-setup.js`: the same mongosh script, byte for byte, to read
//!   or to run by hand (`mongosh MONGOS_URI --file DATABASE-shard-setup.js`).
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
//! - **Storage.** Every shard member and config server gets a volume of
//!   `storage` as written (a Kubernetes quantity), or [`DEFAULT_STORAGE`].
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
//! - **Shard setup Job.** Runs `mongosh` from the cluster's own image against
//!   the mongos service as the operator's cluster admin (who may enable
//!   sharding and shard collections). The built-in `clusterAdmin` role may not
//!   create indexes in application databases, so the script creates the
//!   supporting indexes over a second connection as the operator's database
//!   admin when the secret has those keys (they are optional in the Job). The
//!   pod runs as the image's non-root user 1001 with a read-only root
//!   filesystem and the `restricted` Pod Security settings. `restartPolicy:
//!   Never` with `backoffLimit` [`JOB_BACKOFF_LIMIT`] retries while the cluster
//!   is still starting (about 20 minutes of exponential back-off); a
//!   `podFailurePolicy` fails the Job at once on the script's
//!   [`KEY_CONFLICT_EXIT`] (a collection sharded with another key, which a
//!   person must resolve), since retrying cannot fix that. A changed script gets a Job of a new name,
//!   so applying the new build runs it once (the script is idempotent); the
//!   old, finished Job is left for `kubectl apply --prune` or GitOps to remove.

use std::collections::BTreeMap;
use std::path::PathBuf;

use k8s_openapi::api::batch::v1::{
    Job, JobSpec, PodFailurePolicy, PodFailurePolicyOnExitCodesRequirement, PodFailurePolicyRule,
};
use k8s_openapi::api::core::v1::{
    Capabilities, ConfigMap, ConfigMapVolumeSource, Container, EmptyDirVolumeSource, EnvVar,
    EnvVarSource, PodSecurityContext, PodSpec, PodTemplateSpec, ResourceRequirements,
    SeccompProfile, SecretKeySelector, SecurityContext, Volume, VolumeMount,
};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use serde::Serialize;

use super::{Context, OutputFile, document, yaml_file};
use crate::model::{Collection, Database};

/// The Percona Operator release whose CRD the resource is written for.
pub const CR_VERSION: &str = "1.22.0";

/// The MongoDB version (and image tag) of a database that declares none.
pub const DEFAULT_VERSION: &str = "7.0";

/// The volume of each member when a database declares no `storage`.
pub const DEFAULT_STORAGE: &str = "10Gi";

/// The image repository of Percona Server for MongoDB; it also ships `mongosh`.
pub const IMAGE_REPOSITORY: &str = "percona/percona-server-mongodb";

/// How often the shard setup Job retries a failed run (an unreachable mongos
/// while the cluster starts, for example) before it gives up.
pub const JOB_BACKOFF_LIMIT: i32 = 8;

/// The shard setup script's exit status when a collection needs a person: it
/// is already sharded with a key other than the policy's, or its key has an
/// integer-like field name, whose place in the key JavaScript cannot keep.
/// The other collections are still sharded first.
pub const KEY_CONFLICT_EXIT: i32 = 3;

/// The port of the mongos service.
const MONGOS_PORT: u16 = 27017;

/// The user id of the `mongodb` user in Percona's images.
const IMAGE_USER: i64 = 1001;

/// The ConfigMap key, and file name under [`SCRIPT_DIR`], of the script.
const SCRIPT_KEY: &str = "shard-setup.js";
const SCRIPT_DIR: &str = "/etc/scalec";
const CONTAINER_NAME: &str = "mongosh";

/// The files of one database: `DATABASE.yaml` and `DATABASE-shard-setup.js`.
pub fn database_files(context: &Context<'_>, database: &Database) -> Vec<OutputFile> {
    let name = &database.name.value;
    let setup_name = super::layout::shard_setup_name(name);
    let script = format!(
        "{}{}",
        context.header("//", database.span.file),
        shard_script(database)
    );
    let image = image(database);
    let documents = [
        document(&perconaservermongodb(context, database, &image)),
        document(&script_config_map(context, &setup_name, &script)),
        document(&setup_job(
            context,
            database,
            &job_name(&setup_name, &script),
            &setup_name,
            &image,
        )),
    ];
    vec![
        OutputFile {
            path: PathBuf::from(super::layout::database_file(name)),
            content: yaml_file(context.header("#", database.span.file), &documents),
        },
        OutputFile {
            path: PathBuf::from(super::layout::shard_script_file(name)),
            content: script,
        },
    ]
}

/// The Job's name: `DATABASE-shard-setup-HASH`, HASH from the script. A Job's
/// pod template cannot change, and a finished Job never runs again; a new
/// name for every new script makes `kubectl apply` (or GitOps) run the new
/// script once, while an unchanged policy keeps the same, finished Job.
fn job_name(setup_name: &str, script: &str) -> String {
    // FNV-1a: small, stable across platforms and releases.
    let hash = script
        .bytes()
        .fold(0xcbf2_9ce4_8422_2325_u64, |hash, byte| {
            (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
        });
    format!("{setup_name}-{:08x}", hash as u32)
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
    volume_spec: VolumeSpec,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct VolumeSpec {
    persistent_volume_claim: PersistentVolumeClaim,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PersistentVolumeClaim {
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
    let volume = || VolumeSpec {
        persistent_volume_claim: PersistentVolumeClaim {
            resources: VolumeResources {
                requests: BTreeMap::from([("storage".to_string(), storage.to_string())]),
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
            volume_spec: volume(),
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
                    volume_spec: volume(),
                },
                mongos: Mongos { size: routers },
            },
        },
    }
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
fn image(database: &Database) -> String {
    let version = database.version.as_ref().map_or(DEFAULT_VERSION, |v| {
        let text = v.value.trim();
        text.strip_prefix('v').unwrap_or(text)
    });
    format!("{IMAGE_REPOSITORY}:{version}")
}

// --- Shard setup ConfigMap and Job -----------------------------------------

fn script_config_map(context: &Context<'_>, name: &str, script: &str) -> ConfigMap {
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
) -> Job {
    let users_secret = format!("{}-users", database.name.value);
    let mongos_uri = format!(
        "mongodb://{}-mongos.{}.svc.cluster.local:{MONGOS_PORT}/admin",
        database.name.value, context.namespace
    );
    let secret_env = |variable: &str, optional: bool| EnvVar {
        name: variable.to_string(),
        value_from: Some(EnvVarSource {
            secret_key_ref: Some(SecretKeySelector {
                name: users_secret.clone(),
                key: variable.to_string(),
                optional: optional.then_some(true),
            }),
            ..Default::default()
        }),
        ..Default::default()
    };
    let plain_env = |variable: &str, value: &str| EnvVar {
        name: variable.to_string(),
        value: Some(value.to_string()),
        ..Default::default()
    };
    let args = [
        "$(MONGOS_URI)",
        "--username",
        "$(MONGODB_CLUSTER_ADMIN_USER)",
        "--password",
        "$(MONGODB_CLUSTER_ADMIN_PASSWORD)",
        "--authenticationDatabase",
        "admin",
        "--quiet",
        "--file",
    ]
    .into_iter()
    .map(String::from)
    .chain([format!("{SCRIPT_DIR}/{SCRIPT_KEY}")])
    .collect();
    let container = Container {
        name: CONTAINER_NAME.to_string(),
        image: Some(image.to_string()),
        command: Some(vec!["mongosh".to_string()]),
        args: Some(args),
        env: Some(vec![
            // mongosh keeps its log and history under $HOME; the root
            // filesystem is read-only, so $HOME is the writable /tmp.
            plain_env("HOME", "/tmp"),
            plain_env("MONGOS_URI", &mongos_uri),
            secret_env("MONGODB_CLUSTER_ADMIN_USER", false),
            secret_env("MONGODB_CLUSTER_ADMIN_PASSWORD", false),
            secret_env("MONGODB_DATABASE_ADMIN_USER", true),
            secret_env("MONGODB_DATABASE_ADMIN_PASSWORD", true),
        ]),
        resources: Some(ResourceRequirements {
            requests: Some(BTreeMap::from([
                ("cpu".to_string(), Quantity("100m".to_string())),
                ("memory".to_string(), Quantity("128Mi".to_string())),
            ])),
            limits: Some(BTreeMap::from([(
                "memory".to_string(),
                Quantity("512Mi".to_string()),
            )])),
            ..Default::default()
        }),
        security_context: Some(SecurityContext {
            allow_privilege_escalation: Some(false),
            capabilities: Some(Capabilities {
                drop: Some(vec!["ALL".to_string()]),
                ..Default::default()
            }),
            read_only_root_filesystem: Some(true),
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
                name: "tmp".to_string(),
                mount_path: "/tmp".to_string(),
                ..Default::default()
            },
        ]),
        ..Default::default()
    };
    Job {
        metadata: context.metadata(name),
        spec: Some(JobSpec {
            backoff_limit: Some(JOB_BACKOFF_LIMIT),
            pod_failure_policy: Some(PodFailurePolicy {
                rules: vec![PodFailurePolicyRule {
                    action: "FailJob".to_string(),
                    on_exit_codes: Some(PodFailurePolicyOnExitCodesRequirement {
                        container_name: Some(CONTAINER_NAME.to_string()),
                        operator: "In".to_string(),
                        values: vec![KEY_CONFLICT_EXIT],
                    }),
                    ..Default::default()
                }],
            }),
            template: PodTemplateSpec {
                metadata: Some(ObjectMeta {
                    labels: Some(context.labels(name)),
                    ..Default::default()
                }),
                spec: Some(PodSpec {
                    // A pod failure policy requires `Never`; each retry is a
                    // new pod, so the logs of a failed run stay readable.
                    restart_policy: Some("Never".to_string()),
                    security_context: Some(PodSecurityContext {
                        run_as_non_root: Some(true),
                        run_as_user: Some(IMAGE_USER),
                        run_as_group: Some(IMAGE_USER),
                        seccomp_profile: Some(SeccompProfile {
                            type_: "RuntimeDefault".to_string(),
                            ..Default::default()
                        }),
                        ..Default::default()
                    }),
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
                        Volume {
                            name: "tmp".to_string(),
                            empty_dir: Some(EmptyDirVolumeSource::default()),
                            ..Default::default()
                        },
                    ]),
                    ..Default::default()
                }),
            },
            ..Default::default()
        }),
        ..Default::default()
    }
}

// --- The mongosh script -----------------------------------------------------

/// The script without its header: what it does, the database's plan, then
/// the fixed logic.
fn shard_script(database: &Database) -> String {
    let db = json_string(&database.database_name);
    let mut lines = vec![
        "//".to_string(),
        format!(
            "// Shards the collections of MongoDB database {db} (cluster `{}`)",
            database.name.value
        ),
        "// with the shard keys of the policy. Run it with mongosh against a mongos".into(),
        "// router, as a user who may shard collections. It is idempotent: a".into(),
        "// collection already sharded with its key is left alone. Exit status 0:".into(),
        format!(
            "// every collection is sharded with its key. {KEY_CONFLICT_EXIT}: a collection needs a"
        ),
        "// person, being sharded with another key (left unchanged: change a shard".into(),
        "// key on purpose, with reshardCollection) or having a key mongosh cannot".into(),
        "// express. Anything else: an error, safe to retry.".into(),
        String::new(),
        "(function () {".into(),
        "  \"use strict\";".into(),
        String::new(),
        format!("  const KEY_CONFLICT_EXIT = {KEY_CONFLICT_EXIT};"),
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

/// A JavaScript string literal: JSON escaping is valid JavaScript.
fn json_string(text: &str) -> String {
    serde_json::to_string(text).expect("a string always serializes to JSON")
}

/// The part of the script that is the same for every database. It reads
/// `plan` and `KEY_CONFLICT_EXIT`, and uses only mongosh's `db`, `sh`,
/// `Mongo`, `print` and `quit`, plus `process.env` when it exists.
const SCRIPT_LOGIC: &str = r#"
  const configDb = db.getSiblingDB("config");
  let shardingChecked = false;
  let indexDb = null;
  let failures = 0;

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

  // Before MongoDB 6.0 a database had to be enabled for sharding
  // (`partitioned: true`); from 6.0 the flag is gone and every database may
  // hold sharded collections, and enableSharding only picks a primary shard.
  function ensureShardingEnabled() {
    if (shardingChecked) {
      return;
    }
    shardingChecked = true;
    const entry = configDb.databases.findOne({ _id: plan.database });
    if (entry != null && entry.partitioned !== false) {
      print("database " + JSON.stringify(plan.database) + ": sharding already enabled");
      return;
    }
    try {
      sh.enableSharding(plan.database);
      print("database " + JSON.stringify(plan.database) + ": enabled sharding");
    } catch (error) {
      // AlreadyInitialized: another run got there first.
      if (error.code !== 23 && !/already enabled/i.test(String(error.message))) {
        throw error;
      }
      print("database " + JSON.stringify(plan.database) + ": sharding already enabled");
    }
  }

  // The built-in clusterAdmin role may shard collections but not create
  // indexes in application databases; the Percona operator's database admin
  // may. Use it when the environment names it, else this connection's user.
  function indexDatabase() {
    if (indexDb !== null) {
      return indexDb;
    }
    const env = typeof process === "object" && process.env ? process.env : {};
    if (env.MONGODB_DATABASE_ADMIN_USER && env.MONGOS_URI) {
      const connection = new Mongo(env.MONGOS_URI);
      connection.getDB("admin").auth(env.MONGODB_DATABASE_ADMIN_USER,
        env.MONGODB_DATABASE_ADMIN_PASSWORD);
      indexDb = connection.getDB(plan.database);
    } else {
      indexDb = db.getSiblingDB(plan.database);
    }
    return indexDb;
  }

  function ensureIndex(ns, name, key) {
    try {
      indexDatabase().getCollection(name).createIndex(key);
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
      failures += 1;
      print("ERROR " + ns + ": the shard key " + JSON.stringify(collection.key) +
        " has an integer-like field name, whose order mongosh cannot keep;" +
        " shard this collection by hand");
      continue;
    }
    const entry = configDb.collections.findOne({ _id: ns });
    // `dropped` marks a dropped collection (before MongoDB 5.0); `unsplittable`
    // a tracked but unsharded one (MongoDB 8.0). Neither is sharded.
    const sharded = entry != null && entry.dropped !== true && entry.unsplittable !== true;
    if (sharded && sameKey(entry.key, key)) {
      print(ns + ": already sharded with " + keyText(key) + "; nothing to do");
      continue;
    }
    if (sharded) {
      failures += 1;
      print("ERROR " + ns + ": sharded with " + keyText(entry.key) +
        " but the policy's shard key is " + keyText(key) +
        "; left unchanged (change a shard key deliberately, with reshardCollection)");
      continue;
    }
    ensureShardingEnabled();
    ensureIndex(ns, collection.name, key);
    sh.shardCollection(ns, key);
    print(ns + ": sharded with " + keyText(key));
  }

  if (failures > 0) {
    print("ERROR " + failures + " collection(s) of " + JSON.stringify(plan.database) +
      " not sharded as the policy says; see above");
    quit(KEY_CONFLICT_EXIT);
  }
})();
"#;
