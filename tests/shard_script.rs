//! The shard setup script and manifests of a `database`: the mongosh script
//! runs under Node.js against a mock cluster (`db`, `sh`, `Mongo`, `print`,
//! `quit` and an in-memory `config.collections`), and the PerconaServerMongoDB,
//! ConfigMap and Job are checked against the vendored strict schemas.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{Value, json};

/// A mock of the mongosh globals the script uses. It runs the script at
/// argv[2] against the state in the JSON file at argv[3], with the directory
/// argv[4] standing for the Job's credential mount argv[5] (read through the
/// mock's `require("fs")`), and prints one JSON object: the exit status, the
/// lines printed, every call that reached the mock cluster (each with the
/// user its connection is logged in as), the files read, and the cluster's
/// state afterwards.
const HARNESS: &str = r#"
"use strict";
const fs = require("fs");
const path = require("path");
const vm = require("vm");

const [scriptPath, statePath, filesDir, mountDir] = process.argv.slice(2);
const state = JSON.parse(fs.readFileSync(statePath, "utf8"));
state.collections = state.collections || [];
state.databases = state.databases || [];
state.indexes = state.indexes || {};
// The cluster's users and passwords; `auth` checks them.
const users = state.users || {};
const calls = [];
const output = [];
const reads = [];

class Quit extends Error {
  constructor(code) {
    super("quit(" + code + ")");
    this.exitCode = code;
  }
}

class ServerError extends Error {
  constructor(code, message, codeName, errorLabels) {
    super(message);
    this.name = "MongoServerError";
    this.code = code;
    this.codeName = codeName;
    this.errorLabels = errorLabels || [];
  }
}

// `state.failures` injects errors: `{ op, target, error, times }` makes the
// next `times` calls (every call without `times`) of `op` on `target` (a
// namespace, a database, a user or a URI) throw `error` — a server error
// `{ code, codeName, message, labels }`, or a driver error `{ name, message }`
// without a code. `times` counts down in the state, so a later run started
// from this run's state sees the failure pass.
function maybeFail(op, target) {
  for (const failure of state.failures || []) {
    if (failure.op !== op || failure.target !== target) continue;
    if (failure.times !== undefined) {
      if (failure.times <= 0) continue;
      failure.times -= 1;
    }
    calls.push({ op: "failed", failed: op, target });
    const e = failure.error;
    if (e.code === undefined) {
      const error = new Error(e.message);
      error.name = e.name;
      throw error;
    }
    throw new ServerError(e.code, e.message, e.codeName, e.labels);
  }
}

// As mongos: a connection that has not logged in may run nothing.
function checkAuthenticated(connection, what) {
  if (connection.user === null) {
    throw new ServerError(13, "command " + what + " requires authentication", "Unauthorized");
  }
}

function pairs(key) {
  return Object.keys(key).map((field) => [field, key[field]]);
}

// The state keeps shard keys as [field, value] pairs, so that their order
// survives the trip through Rust; `{"$numberLong": "1"}` stands for a Long.
function keyObject(keyPairs) {
  const key = {};
  for (const [field, value] of keyPairs) {
    key[field] = value !== null && typeof value === "object" && "$numberLong" in value
      ? { toNumber: () => Number(value.$numberLong) }
      : value;
  }
  return key;
}

function collection(connection, dbName, name) {
  const ns = dbName + "." + name;
  return {
    findOne(filter) {
      checkAuthenticated(connection, "find");
      maybeFail("findOne", filter._id);
      calls.push({ op: "findOne", user: connection.user, ns, id: filter._id });
      let documents = [];
      if (dbName === "config" && name === "collections") documents = state.collections;
      if (dbName === "config" && name === "databases") documents = state.databases;
      const found = documents.find((d) => d._id === filter._id);
      if (found === undefined) return null;
      const copy = JSON.parse(JSON.stringify(found));
      if (Array.isArray(copy.key)) copy.key = keyObject(copy.key);
      return copy;
    },
    createIndex(key) {
      checkAuthenticated(connection, "createIndexes");
      maybeFail("createIndex", ns);
      calls.push({ op: "createIndex", user: connection.user, ns, key: pairs(key) });
      const existing = state.indexes[ns] || [];
      const text = JSON.stringify(pairs(key));
      if (!existing.some((k) => JSON.stringify(k) === text)) {
        existing.push(pairs(key));
      }
      state.indexes[ns] = existing;
      return "index";
    },
  };
}

function enableSharding(connection, dbName) {
  maybeFail("enableSharding", dbName);
  calls.push({ op: "enableSharding", user: connection.user, db: dbName });
  if (!state.databases.some((d) => d._id === dbName)) {
    state.databases.push({ _id: dbName });
  }
  return { ok: 1 };
}

function shardCollection(connection, ns, key) {
  maybeFail("shardCollection", ns);
  calls.push({ op: "shardCollection", user: connection.user, ns, key: pairs(key) });
  const existing = state.collections.find((c) => c._id === ns);
  if (existing && (existing.dropped || existing.unsplittable)) {
    state.collections = state.collections.filter((c) => c !== existing);
  } else if (existing) {
    if (JSON.stringify(existing.key) !== JSON.stringify(pairs(key))) {
      throw new ServerError(20, "already sharded with a different key", "IllegalOperation");
    }
    return { ok: 1 };
  }
  state.collections.push({ _id: ns, key: pairs(key) });
  return { ok: 1 };
}

function database(connection, name) {
  const target = {
    getSiblingDB: (other) => database(connection, other),
    getCollection: (other) => collection(connection, name, other),
    getMongo: () => mongo(connection),
    // As mongosh: logs in this database's connection, with it as authSource.
    auth(user, password) {
      if (!user || !password) {
        const error = new Error("auth expects user document with at least 'user' and 'pwd'");
        error.name = "MongoshInvalidInputError";
        throw error;
      }
      maybeFail("auth", user);
      if (name !== "admin" || users[user] === undefined || users[user] !== password) {
        throw new ServerError(18, "Authentication failed.", "AuthenticationFailed");
      }
      calls.push({ op: "auth", connection: connection.name, db: name, user });
      connection.user = user;
      return { ok: 1 };
    },
    // As mongosh: throws the server's error when the command fails.
    runCommand(command) {
      const [commandName] = Object.keys(command);
      checkAuthenticated(connection, commandName);
      if (name !== "admin") {
        throw new ServerError(13, commandName + " may only be run against the admin database.",
          "Unauthorized");
      }
      if (commandName === "enableSharding") return enableSharding(connection, command.enableSharding);
      if (commandName === "shardCollection") {
        return shardCollection(connection, command.shardCollection, command.key);
      }
      throw new ServerError(59, "no such command: '" + commandName + "'", "CommandNotFound");
    },
  };
  // mongosh: `db.someCollection` is the collection of that name.
  return new Proxy(target, {
    get: (t, property) => (property in t ? t[property] : collection(connection, name, String(property))),
  });
}

function mongo(connection) {
  return { getDB: (name) => database(connection, name) };
}

// Each `new Mongo(uri)` is a connection of its own, not logged in.
let connections = 0;
function Mongo(uri) {
  maybeFail("connect", uri);
  connections += 1;
  const connection = { name: "connection " + connections, user: null };
  calls.push({ op: "connect", uri, connection: connection.name });
  return mongo(connection);
}

// Node's `fs`, as far as the script may use it: the Job's credential files,
// read from `filesDir` in place of `mountDir`.
function mockRequire(module) {
  if (module !== "fs") {
    throw new Error("the mock provides only fs, not " + module);
  }
  return {
    readFileSync(file, encoding) {
      reads.push(file);
      if (!String(file).startsWith(mountDir + "/")) {
        throw new Error("the script read " + file + ", outside the credential mount");
      }
      return fs.readFileSync(path.join(filesDir, file.slice(mountDir.length + 1)), encoding);
    },
  };
}

const context = {
  // mongosh's own connection, run by hand: logged in as whoever ran it.
  db: database({ name: "shell", user: "shell" }, "test"),
  Mongo,
  require: mockRequire,
  print: (...args) => output.push(args.map(String).join(" ")),
  printjson: (value) => output.push(JSON.stringify(value)),
  quit: (code) => {
    throw new Quit(code === undefined ? 0 : code);
  },
  process: { env: state.env || {} },
};

let exitCode = 0;
try {
  vm.runInNewContext(fs.readFileSync(scriptPath, "utf8"), context, { filename: scriptPath });
} catch (error) {
  if (error instanceof Quit) {
    exitCode = error.exitCode;
  } else {
    // mongosh prints an uncaught error and exits with status 1.
    output.push("UNCAUGHT " + String(error && error.stack ? error.stack : error));
    exitCode = 1;
  }
}
delete state.env;
delete state.users;
process.stdout.write(JSON.stringify({ exitCode, output, calls, reads, state }));
"#;

/// What one run of the script did.
#[derive(Debug)]
struct Run {
    exit_code: i64,
    output: Vec<String>,
    calls: Vec<Value>,
    /// The files the script read.
    reads: Vec<String>,
    /// The mock cluster afterwards, to start the next run from.
    state: Value,
}

impl Run {
    fn calls_of(&self, op: &str) -> Vec<&Value> {
        self.calls.iter().filter(|c| c["op"] == op).collect()
    }

    /// The user each call of `op` ran as, in order.
    fn users_of(&self, op: &str) -> Vec<&str> {
        self.calls_of(op)
            .iter()
            .map(|c| c["user"].as_str().expect("a logged-in user"))
            .collect()
    }

    fn text(&self) -> String {
        self.output.join("\n")
    }
}

/// Where the Job mounts the users Secret (`USERS_DIR` in src/emit/mongo.rs).
const USERS_DIR: &str = "/etc/scalec-users";

const CLUSTER_ADMIN: &str = "cluster-admin-user-a1";
const CLUSTER_ADMIN_PASSWORD: &str = "cluster-pa55-b2";
const DATABASE_ADMIN: &str = "database-admin-user-c3";
const DATABASE_ADMIN_PASSWORD: &str = "database-pa55-d4";

/// Every credential of the tests: none may ever be printed.
const CREDENTIALS: [&str; 4] = [
    CLUSTER_ADMIN,
    CLUSTER_ADMIN_PASSWORD,
    DATABASE_ADMIN,
    DATABASE_ADMIN_PASSWORD,
];

/// `state` as the Job runs the script against it: its environment, the
/// users Secret as files (key → text), and the users the operator created.
fn job(mut state: Value) -> Value {
    state["env"] = json!({
        "MONGOS_URI": "mongodb://shop-mongos.shop.svc.cluster.local:27017/admin",
    });
    state["files"] = json!({
        "MONGODB_CLUSTER_ADMIN_USER": CLUSTER_ADMIN,
        "MONGODB_CLUSTER_ADMIN_PASSWORD": CLUSTER_ADMIN_PASSWORD,
        "MONGODB_DATABASE_ADMIN_USER": DATABASE_ADMIN,
        "MONGODB_DATABASE_ADMIN_PASSWORD": DATABASE_ADMIN_PASSWORD,
    });
    state["users"] = json!({
        CLUSTER_ADMIN: CLUSTER_ADMIN_PASSWORD,
        DATABASE_ADMIN: DATABASE_ADMIN_PASSWORD,
    });
    state
}

/// Runs `script` under Node.js against a mock cluster in `state`; its
/// `files` (key → text) are the credential files, in a temporary directory.
/// Whatever the run did, it printed no credential.
fn run_script(script: &str, state: &Value) -> Run {
    let node = Command::new("node").arg("--version").output();
    assert!(
        node.as_ref().is_ok_and(|o| o.status.success()),
        "these tests run the generated mongosh script under Node.js: install `node` \
         and put it on PATH ({node:?})"
    );
    let dir = tempfile::Builder::new()
        .prefix("scalec-")
        .tempdir()
        .expect("a temporary directory");
    let harness = dir.path().join("harness.js");
    let script_path = dir.path().join("shard-setup.js");
    let state_path = dir.path().join("state.json");
    let files_dir = dir.path().join("users");
    std::fs::create_dir(&files_dir).expect("writable temp dir");
    let mut state = state.clone();
    if let Some(files) = state.as_object_mut().and_then(|s| s.remove("files")) {
        for (key, text) in files.as_object().expect("files: key → text") {
            let text = text.as_str().expect("a file's text");
            std::fs::write(files_dir.join(key), text).expect("writable temp dir");
        }
    }
    std::fs::write(&harness, HARNESS).expect("writable temp dir");
    std::fs::write(&script_path, script).expect("writable temp dir");
    std::fs::write(&state_path, state.to_string()).expect("writable temp dir");
    let out = Command::new("node")
        .arg(&harness)
        .arg(&script_path)
        .arg(&state_path)
        .arg(&files_dir)
        .arg(USERS_DIR)
        .output()
        .expect("node runs");
    assert!(
        out.status.success(),
        "the harness failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let result: Value = serde_json::from_slice(&out.stdout).expect("the harness prints JSON");
    let strings = |field: &str| -> Vec<String> {
        result[field]
            .as_array()
            .unwrap_or_else(|| panic!("{field}: a list"))
            .iter()
            .map(|l| l.as_str().expect("a string").to_string())
            .collect()
    };
    let run = Run {
        exit_code: result["exitCode"].as_i64().expect("an exit code"),
        output: strings("output"),
        calls: result["calls"].as_array().expect("calls").clone(),
        reads: strings("reads"),
        state: result["state"].clone(),
    };
    for credential in CREDENTIALS {
        assert!(
            !run.text().contains(credential),
            "the script printed a credential:\n{}",
            run.text()
        );
    }
    run
}

/// Every file a policy text compiles to, by file name.
fn build_text(policy: &str) -> Vec<(String, String)> {
    // Named `scalec-…`: the default `.tmp…` is not a valid project name (E006).
    let dir = tempfile::Builder::new()
        .prefix("scalec-")
        .tempdir()
        .expect("a temporary directory");
    let path = dir.path().join("policy.scale");
    std::fs::write(&path, policy).expect("writable temp dir");
    build_paths(&[path])
}

fn build_paths(paths: &[PathBuf]) -> Vec<(String, String)> {
    let workspace = scalec::discover::load(paths).expect("the policy exists");
    let compilation = scalec::compile(
        &workspace.sources,
        &workspace.projects,
        &scalec::lint::Options::default(),
    );
    assert!(
        !compilation.has_errors(),
        "the policy has errors: {:?}",
        compilation.diagnostics
    );
    compilation
        .projects
        .iter()
        .flat_map(|project| scalec::emit::emit_project(project, Path::new("x"), &workspace.sources))
        .map(|file| {
            let name = file
                .path
                .file_name()
                .expect("a file name")
                .to_string_lossy()
                .into_owned();
            (name, file.content)
        })
        .collect()
}

fn file<'a>(files: &'a [(String, String)], name: &str) -> &'a str {
    files
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, content)| content.as_str())
        .unwrap_or_else(|| {
            panic!(
                "no file {name} among {:?}",
                files.iter().map(|f| &f.0).collect::<Vec<_>>()
            )
        })
}

const SHOP: &str = r#"
cluster {
  namespace = "shop"
}

database shop {
  engine  = mongodb
  version = "8.0"
  shards  = 2
  name    = "store"

  collection orders {
    shard_key = hashed(order_id)
  }

  collection carts {
    shard_key = [customer_id, hashed(_id)]
    field customer_id {
      cardinality = 5M
      top_share   = 0.01%
    }
  }

  collection "customer-addresses" {
    shard_key = ["address.city", "we\"ird", customer_id]
    field "address.city" { cardinality = 100k }
  }
}
"#;

fn shop_script() -> String {
    file(&build_text(SHOP), "shop-shard-setup.js").to_string()
}

fn empty_cluster() -> Value {
    job(json!({}))
}

/// The shard keys, as `[field, value]` pairs, that calls of `op` used, by namespace.
fn keys_of(run: &Run, op: &str) -> Vec<(String, Value)> {
    run.calls_of(op)
        .into_iter()
        .map(|c| {
            (
                c["ns"].as_str().expect("a namespace").to_string(),
                c["key"].clone(),
            )
        })
        .collect()
}

#[test]
fn first_run_shards_every_collection_with_its_exact_key() {
    let run = run_script(&shop_script(), &empty_cluster());
    assert_eq!(run.exit_code, 0, "{}", run.text());
    let expected = vec![
        (
            "store.carts".to_string(),
            json!([["customer_id", 1], ["_id", "hashed"]]),
        ),
        (
            "store.customer-addresses".to_string(),
            json!([["address.city", 1], ["we\"ird", 1], ["customer_id", 1]]),
        ),
        ("store.orders".to_string(), json!([["order_id", "hashed"]])),
    ];
    assert_eq!(keys_of(&run, "shardCollection"), expected);
    assert_eq!(keys_of(&run, "createIndex"), expected);
    assert_eq!(run.calls_of("enableSharding").len(), 1);
    assert_eq!(run.calls_of("enableSharding")[0]["db"], "store");
    for ns in ["store.carts", "store.customer-addresses", "store.orders"] {
        assert!(
            run.output
                .iter()
                .any(|l| l.starts_with(&format!("{ns}: sharded with"))),
            "no report for {ns}:\n{}",
            run.text()
        );
    }
}

#[test]
fn indexes_are_created_as_the_database_admin_when_the_job_provides_one() {
    let run = run_script(&shop_script(), &empty_cluster());
    assert_eq!(run.exit_code, 0, "{}", run.text());
    // The cluster admin shards and reads the config database...
    for op in ["findOne", "enableSharding", "shardCollection"] {
        let users = run.users_of(op);
        assert!(!users.is_empty(), "no {op}");
        assert!(users.iter().all(|u| *u == CLUSTER_ADMIN), "{op}: {users:?}");
    }
    // ...but clusterAdmin may not create indexes in application databases.
    assert_eq!(run.users_of("createIndex"), [DATABASE_ADMIN; 3]);
    // Two connections to the Job's mongos, each logged in once, in admin.
    let connects = run.calls_of("connect");
    assert_eq!(connects.len(), 2, "{:?}", run.calls);
    for connect in &connects {
        assert_eq!(
            connect["uri"],
            "mongodb://shop-mongos.shop.svc.cluster.local:27017/admin"
        );
    }
    let auth = run.calls_of("auth");
    let logins: Vec<(&Value, &Value, &Value)> = auth
        .iter()
        .map(|a| (&a["connection"], &a["user"], &a["db"]))
        .collect();
    assert_eq!(
        logins,
        [
            (
                &json!("connection 1"),
                &json!(CLUSTER_ADMIN),
                &json!("admin")
            ),
            (
                &json!("connection 2"),
                &json!(DATABASE_ADMIN),
                &json!("admin")
            ),
        ]
    );

    // Run by hand, without the Job's environment, it reads no file and uses
    // mongosh's own connection for everything.
    let by_hand = run_script(&shop_script(), &json!({}));
    assert_eq!(by_hand.exit_code, 0, "{}", by_hand.text());
    assert!(by_hand.reads.is_empty(), "{:?}", by_hand.reads);
    assert!(by_hand.calls_of("connect").is_empty());
    for op in [
        "findOne",
        "enableSharding",
        "createIndex",
        "shardCollection",
    ] {
        let users = by_hand.users_of(op);
        assert!(!users.is_empty(), "no {op}");
        assert!(users.iter().all(|u| *u == "shell"), "{op}: {users:?}");
    }
}

// --- Credentials: files the Job mounts, never printed -------------------------

/// `job(state)` with the credential file of `key` as `text`, or without it.
fn with_file(key: &str, text: Option<&str>) -> Value {
    let mut state = empty_cluster();
    let files = state["files"].as_object_mut().expect("files");
    match text {
        Some(text) => files.insert(key.to_string(), json!(text)),
        None => files.remove(key),
    };
    state
}

#[test]
fn the_job_logs_in_with_the_credential_files() {
    let run = run_script(&shop_script(), &empty_cluster());
    assert_eq!(run.exit_code, 0, "{}", run.text());
    let mut reads = run.reads.clone();
    reads.sort();
    let expected: Vec<String> = [
        "MONGODB_CLUSTER_ADMIN_PASSWORD",
        "MONGODB_CLUSTER_ADMIN_USER",
        "MONGODB_DATABASE_ADMIN_PASSWORD",
        "MONGODB_DATABASE_ADMIN_USER",
    ]
    .iter()
    .map(|key| format!("{USERS_DIR}/{key}"))
    .collect();
    assert_eq!(reads, expected);

    // A file written with a trailing line break (`kubectl create secret
    // --from-file`) holds the same password.
    let state = with_file(
        "MONGODB_CLUSTER_ADMIN_PASSWORD",
        Some(&format!("{CLUSTER_ADMIN_PASSWORD}\n")),
    );
    let run = run_script(&shop_script(), &state);
    assert_eq!(run.exit_code, 0, "{}", run.text());
    assert_eq!(run.users_of("shardCollection").len(), 3);

    // The password is the file's, not any other: a wrong one cannot log in,
    // and the run exits for a retry without touching the cluster.
    let state = with_file("MONGODB_CLUSTER_ADMIN_PASSWORD", Some("not-the-password"));
    let run = run_script(&shop_script(), &state);
    assert_eq!(run.exit_code, TRANSIENT, "{}", run.text());
    assert_eq!(
        run.output,
        [
            "ERROR connecting as the cluster admin failed: AuthenticationFailed (18): \
          Authentication failed.; nothing done [transient: a later run may succeed]"
        ]
    );
    for op in [
        "findOne",
        "enableSharding",
        "createIndex",
        "shardCollection",
    ] {
        assert!(run.calls_of(op).is_empty(), "{op}: {:?}", run.calls);
    }
}

#[test]
fn without_the_database_admin_files_the_cluster_admin_creates_the_indexes() {
    let mut state = empty_cluster();
    let files = state["files"].as_object_mut().expect("files");
    files.remove("MONGODB_DATABASE_ADMIN_USER");
    files.remove("MONGODB_DATABASE_ADMIN_PASSWORD");
    let run = run_script(&shop_script(), &state);
    assert_eq!(run.exit_code, 0, "{}", run.text());
    assert_eq!(run.users_of("createIndex"), [CLUSTER_ADMIN; 3]);
    assert_eq!(run.calls_of("connect").len(), 1, "{:?}", run.calls);
    let auth = run.calls_of("auth");
    assert_eq!(auth.len(), 1);
    assert_eq!(auth[0]["user"], CLUSTER_ADMIN);
}

#[test]
fn a_missing_or_empty_cluster_admin_file_fails_for_good_before_any_command() {
    let cases = [
        ("MONGODB_CLUSTER_ADMIN_USER", None, "missing"),
        ("MONGODB_CLUSTER_ADMIN_PASSWORD", None, "missing"),
        ("MONGODB_CLUSTER_ADMIN_USER", Some(""), "empty"),
        ("MONGODB_CLUSTER_ADMIN_PASSWORD", Some("\n"), "empty"),
    ];
    for (key, text, what) in cases {
        let run = run_script(&shop_script(), &with_file(key, text));
        assert_eq!(run.exit_code, PERMANENT, "{key} {what}:\n{}", run.text());
        assert_eq!(
            run.output,
            [format!(
                "ERROR the cluster admin's credential file {USERS_DIR}/{key} is {what}; \
                 nothing done [permanent: needs a person]"
            )],
            "{key} {what}"
        );
        assert!(run.calls.is_empty(), "{key} {what}: {:?}", run.calls);
    }
}

#[test]
fn a_database_admin_with_half_its_credentials_fails_for_good() {
    let state = with_file("MONGODB_DATABASE_ADMIN_PASSWORD", None);
    let run = run_script(&shop_script(), &state);
    assert_eq!(run.exit_code, PERMANENT, "{}", run.text());
    assert_eq!(
        run.output,
        [format!(
            "ERROR the database admin's credential file \
             {USERS_DIR}/MONGODB_DATABASE_ADMIN_PASSWORD is missing; \
             nothing done [permanent: needs a person]"
        )]
    );
    assert!(run.calls.is_empty(), "{:?}", run.calls);
}

#[test]
fn no_credential_is_printed_whatever_fails() {
    // run_script checks every run; these are the runs that print the most.
    let states = [
        failing(json!([{
            "op": "auth",
            "target": DATABASE_ADMIN,
            "error": server_error(18, "AuthenticationFailed", "Authentication failed."),
        }])),
        failing(json!([{
            "op": "connect",
            "target": "mongodb://shop-mongos.shop.svc.cluster.local:27017/admin",
            "error": { "name": "MongoServerSelectionError", "message": "connect ECONNREFUSED" },
        }])),
        with_file("MONGODB_CLUSTER_ADMIN_PASSWORD", Some("wrong")),
        with_file("MONGODB_CLUSTER_ADMIN_USER", None),
    ];
    let mut exits = Vec::new();
    for state in &states {
        let run = run_script(&shop_script(), state);
        assert!(!run.output.is_empty());
        assert!(
            !run.output.iter().any(|l| l.starts_with("UNCAUGHT")),
            "{}",
            run.text()
        );
        exits.push(run.exit_code);
    }
    assert_eq!(exits, [PERMANENT, TRANSIENT, TRANSIENT, PERMANENT]);
}

#[test]
fn second_run_changes_nothing_and_succeeds() {
    let first = run_script(&shop_script(), &empty_cluster());
    assert_eq!(first.exit_code, 0, "{}", first.text());
    let state = job(first.state.clone());
    let second = run_script(&shop_script(), &state);
    assert_eq!(second.exit_code, 0, "{}", second.text());
    for op in ["shardCollection", "createIndex", "enableSharding"] {
        assert!(
            second.calls_of(op).is_empty(),
            "{op} on the second run: {:?}",
            second.calls
        );
    }
    assert_eq!(second.state, first.state);
    for ns in ["store.carts", "store.customer-addresses", "store.orders"] {
        assert!(
            second
                .output
                .iter()
                .any(|l| l.starts_with(&format!("{ns}: already sharded with"))
                    && l.ends_with("nothing to do")),
            "no report for {ns}:\n{}",
            second.text()
        );
    }
}

#[test]
fn collection_sharded_with_another_key_fails_naming_both_keys() {
    let state = job(json!({
        "databases": [{ "_id": "store" }],
        "collections": [{ "_id": "store.carts", "key": [["customer_id", 1]] }],
    }));
    let run = run_script(&shop_script(), &state);
    assert_eq!(run.exit_code, 3, "{}", run.text());
    let error = run
        .output
        .iter()
        .find(|l| l.starts_with("ERROR store.carts"))
        .unwrap_or_else(|| panic!("no error for store.carts:\n{}", run.text()));
    assert!(error.contains(r#"{ "customer_id": 1 }"#), "{error}");
    assert!(
        error.contains(r#"{ "customer_id": 1, "_id": "hashed" }"#),
        "{error}"
    );
    // The conflicting collection is left alone; the others are still sharded.
    let sharded: Vec<String> = keys_of(&run, "shardCollection")
        .into_iter()
        .map(|k| k.0)
        .collect();
    assert_eq!(sharded, ["store.customer-addresses", "store.orders"]);
    assert!(
        keys_of(&run, "createIndex")
            .iter()
            .all(|k| k.0 != "store.carts")
    );
}

#[test]
fn key_values_as_the_server_returns_them_compare_equal() {
    // A Long or a double from config.collections is still the key value `1`.
    let state = job(json!({
        "databases": [{ "_id": "store", "partitioned": true }],
        "collections": [
            { "_id": "store.carts", "key": [["customer_id", { "$numberLong": "1" }], ["_id", "hashed"]] },
            { "_id": "store.orders", "key": [["order_id", "hashed"]] },
            { "_id": "store.customer-addresses",
              "key": [["address.city", 1.0], ["we\"ird", 1], ["customer_id", 1]] },
        ],
    }));
    let run = run_script(&shop_script(), &state);
    assert_eq!(run.exit_code, 0, "{}", run.text());
    assert!(run.calls_of("shardCollection").is_empty());
}

#[test]
fn dropped_and_unsplittable_entries_are_not_sharded_collections() {
    let state = job(json!({
        "collections": [
            { "_id": "store.carts", "key": [["other", 1]], "dropped": true },
            { "_id": "store.orders", "key": [["_id", 1]], "unsplittable": true },
        ],
    }));
    let run = run_script(&shop_script(), &state);
    assert_eq!(run.exit_code, 0, "{}", run.text());
    assert_eq!(run.calls_of("shardCollection").len(), 3);
}

#[test]
fn a_database_enabled_before_mongodb_6_is_not_enabled_again() {
    let state = job(json!({ "databases": [{ "_id": "store", "partitioned": true }] }));
    let run = run_script(&shop_script(), &state);
    assert_eq!(run.exit_code, 0, "{}", run.text());
    assert!(run.calls_of("enableSharding").is_empty());

    let state = job(json!({ "databases": [{ "_id": "store", "partitioned": false }] }));
    let run = run_script(&shop_script(), &state);
    assert_eq!(run.calls_of("enableSharding").len(), 1);
}

#[test]
fn a_key_with_an_integer_like_field_is_refused_rather_than_reordered() {
    let policy = r#"
database numbers {
  engine = mongodb
  shards = 2
  collection events {
    shard_key = [tenant, "2024"]
    field tenant { cardinality = 1M }
  }
  collection other {
    shard_key = hashed(tenant)
  }
}
"#;
    let script = file(&build_text(policy), "numbers-shard-setup.js").to_string();
    let run = run_script(&script, &empty_cluster());
    assert_eq!(run.exit_code, 3, "{}", run.text());
    assert!(
        run.output
            .iter()
            .any(|l| l.starts_with("ERROR numbers.events: the shard key")
                && l.contains("integer-like")),
        "{}",
        run.text()
    );
    assert_eq!(
        keys_of(&run, "shardCollection"),
        [("numbers.other".to_string(), json!([["tenant", "hashed"]]))]
    );
}

// --- Failures: every collection is tried, each failure is listed ------------

/// The script's exit status when every failure needs a person.
const PERMANENT: i64 = 3;
/// The script's exit status when a failure may pass (EX_TEMPFAIL).
const TRANSIENT: i64 = 75;

/// A cluster whose calls of `op` on `target` fail with `error` (see the
/// harness's `maybeFail`).
fn failing(failures: Value) -> Value {
    job(json!({ "failures": failures }))
}

fn server_error(code: i64, code_name: &str, message: &str) -> Value {
    json!({ "code": code, "codeName": code_name, "message": message })
}

/// The namespaces the mock cluster holds as sharded, with their keys.
fn sharded_in(state: &Value) -> Vec<(String, Value)> {
    state["collections"]
        .as_array()
        .expect("collections")
        .iter()
        .map(|c| {
            (
                c["_id"].as_str().expect("a namespace").to_string(),
                c["key"].clone(),
            )
        })
        .collect()
}

fn error_lines<'a>(run: &'a Run, ns: &str) -> Vec<&'a String> {
    run.output
        .iter()
        .filter(|l| l.starts_with(&format!("ERROR {ns}: ")))
        .collect()
}

fn summary(run: &Run) -> &str {
    run.output
        .iter()
        .find(|l| l.starts_with("summary \"store\": "))
        .unwrap_or_else(|| panic!("no summary:\n{}", run.text()))
}

// Issue 9, item 6: the first failure used to end the run, so the collections
// after it were never sharded.
#[test]
fn a_bad_collection_among_good_ones_leaves_the_good_ones_sharded() {
    // store.carts comes first, so nothing after it would run if it stopped.
    let state = failing(json!([{
        "op": "shardCollection",
        "target": "store.carts",
        "error": server_error(2, "BadValue", "shard key is invalid:\n  details"),
    }]));
    let run = run_script(&shop_script(), &state);
    assert_eq!(run.exit_code, PERMANENT, "{}", run.text());
    assert_eq!(
        sharded_in(&run.state),
        [
            (
                "store.customer-addresses".to_string(),
                json!([["address.city", 1], ["we\"ird", 1], ["customer_id", 1]])
            ),
            ("store.orders".to_string(), json!([["order_id", "hashed"]])),
        ]
    );
    assert_eq!(
        error_lines(&run, "store.carts"),
        [
            "ERROR store.carts: shardCollection failed: BadValue (2): shard key is invalid: \
             details [permanent: needs a person]"
        ]
    );
    for ns in ["store.customer-addresses", "store.orders"] {
        assert!(error_lines(&run, ns).is_empty(), "{}", run.text());
    }
    assert_eq!(
        summary(&run),
        "summary \"store\": 3 collection(s), 2 sharded now, 0 already sharded, \
         1 failed (0 transient, 1 permanent)"
    );
    assert!(
        run.output
            .last()
            .is_some_and(|l| l.starts_with("ERROR 1 collection(s)") && l.contains("exit 3")),
        "{}",
        run.text()
    );
}

#[test]
fn a_permanent_failure_in_any_step_is_reported_with_its_step_and_cause() {
    let cases = [
        (
            "createIndex",
            "store.orders",
            67,
            "CannotCreateIndex",
            "createIndex",
        ),
        (
            "shardCollection",
            "store.orders",
            13,
            "Unauthorized",
            "shardCollection",
        ),
        (
            "shardCollection",
            "store.orders",
            26,
            "NamespaceNotFound",
            "shardCollection",
        ),
        (
            "shardCollection",
            "store.orders",
            73,
            "InvalidNamespace",
            "shardCollection",
        ),
        (
            "findOne",
            "store.orders",
            13,
            "Unauthorized",
            "reading config.collections",
        ),
        // A server error scalec does not know is the server's answer: final.
        (
            "shardCollection",
            "store.orders",
            99999,
            "SomethingNew",
            "shardCollection",
        ),
    ];
    for (op, target, code, code_name, step) in cases {
        let state = failing(json!([{
            "op": op, "target": target, "error": server_error(code, code_name, "refused"),
        }]));
        let run = run_script(&shop_script(), &state);
        assert_eq!(
            run.exit_code,
            PERMANENT,
            "{op} {code_name}:\n{}",
            run.text()
        );
        assert_eq!(
            error_lines(&run, "store.orders"),
            [&format!(
                "ERROR store.orders: {step} failed: {code_name} ({code}): refused \
                 [permanent: needs a person]"
            )],
            "{op} {code_name}"
        );
        let sharded: Vec<String> = sharded_in(&run.state).into_iter().map(|c| c.0).collect();
        assert_eq!(
            sharded,
            ["store.carts", "store.customer-addresses"],
            "{op} {code_name}"
        );
    }
}

#[test]
fn a_failed_database_admin_login_fails_every_collection_that_needs_an_index() {
    let state = failing(json!([{
        "op": "auth",
        "target": DATABASE_ADMIN,
        "error": server_error(18, "AuthenticationFailed", "Authentication failed."),
    }]));
    let run = run_script(&shop_script(), &state);
    assert_eq!(run.exit_code, PERMANENT, "{}", run.text());
    for ns in ["store.carts", "store.customer-addresses", "store.orders"] {
        assert_eq!(
            error_lines(&run, ns),
            [&format!(
                "ERROR {ns}: connecting as the database admin failed: AuthenticationFailed \
                 (18): Authentication failed. [permanent: needs a person]"
            )]
        );
    }
    assert!(run.calls_of("shardCollection").is_empty());
}

#[test]
fn a_transient_failure_exits_75_and_the_next_run_finishes_the_work() {
    let state = failing(json!([{
        "op": "shardCollection",
        "target": "store.carts",
        "times": 1,
        "error": server_error(10107, "NotWritablePrimary", "not primary"),
    }]));
    let first = run_script(&shop_script(), &state);
    assert_eq!(first.exit_code, TRANSIENT, "{}", first.text());
    assert_eq!(
        error_lines(&first, "store.carts"),
        [
            "ERROR store.carts: shardCollection failed: NotWritablePrimary (10107): not primary \
             [transient: a later run may succeed]"
        ]
    );
    assert_eq!(sharded_in(&first.state).len(), 2, "{}", first.text());
    assert_eq!(
        summary(&first),
        "summary \"store\": 3 collection(s), 2 sharded now, 0 already sharded, \
         1 failed (1 transient, 0 permanent)"
    );

    // What the Job's retry does: the same script against the cluster as the
    // first run left it.
    let state = job(first.state.clone());
    let second = run_script(&shop_script(), &state);
    assert_eq!(second.exit_code, 0, "{}", second.text());
    assert_eq!(keys_of(&second, "shardCollection").len(), 1);
    assert_eq!(keys_of(&second, "shardCollection")[0].0, "store.carts");
    assert_eq!(
        summary(&second),
        "summary \"store\": 3 collection(s), 1 sharded now, 2 already sharded, \
         0 failed (0 transient, 0 permanent)"
    );
}

#[test]
fn transient_failures_are_known_by_code_label_or_driver_error() {
    let transient = [
        server_error(189, "PrimarySteppedDown", "stepped down"),
        server_error(11602, "InterruptedDueToReplStateChange", "interrupted"),
        server_error(6, "HostUnreachable", "unreachable"),
        server_error(262, "ExceededTimeLimit", "too slow"),
        server_error(46, "LockBusy", "busy"),
        server_error(117, "ConflictingOperationInProgress", "another operation"),
        // An unknown code with a label that says a retry may succeed.
        json!({ "code": 99999, "codeName": "SomethingNew", "message": "retry me",
                "labels": ["RetryableWriteError"] }),
        json!({ "code": 99999, "codeName": "SomethingNew", "message": "retry me",
                "labels": ["TransientTransactionError"] }),
        // Driver errors carry no server code.
        json!({ "name": "MongoNetworkError", "message": "connection 4 closed" }),
        json!({ "name": "MongoServerSelectionError", "message": "Server selection timed out" }),
    ];
    for op in ["findOne", "shardCollection"] {
        for error in &transient {
            let state = failing(json!([{ "op": op, "target": "store.orders", "error": error }]));
            let run = run_script(&shop_script(), &state);
            assert_eq!(run.exit_code, TRANSIENT, "{op} {error}:\n{}", run.text());
            let lines = error_lines(&run, "store.orders");
            assert_eq!(lines.len(), 1, "{op} {error}:\n{}", run.text());
            assert!(
                lines[0].ends_with("[transient: a later run may succeed]"),
                "{}",
                lines[0]
            );
            assert!(
                lines[0].contains(error["message"].as_str().expect("a message")),
                "{}",
                lines[0]
            );
        }
    }
    // A driver error the script does not know is not retried blindly.
    let state = failing(json!([{
        "op": "shardCollection",
        "target": "store.orders",
        "error": { "name": "TypeError", "message": "x is not a function" },
    }]));
    let run = run_script(&shop_script(), &state);
    assert_eq!(run.exit_code, PERMANENT, "{}", run.text());
}

#[test]
fn mixed_failures_are_retried_until_only_permanent_ones_remain() {
    let state = failing(json!([
        {
            "op": "shardCollection",
            "target": "store.carts",
            "error": server_error(13, "Unauthorized", "not authorized"),
        },
        {
            "op": "shardCollection",
            "target": "store.orders",
            "times": 1,
            "error": server_error(189, "PrimarySteppedDown", "stepped down"),
        },
    ]));
    let first = run_script(&shop_script(), &state);
    // A retry may still shard store.orders.
    assert_eq!(first.exit_code, TRANSIENT, "{}", first.text());
    assert_eq!(error_lines(&first, "store.carts").len(), 1);
    assert_eq!(error_lines(&first, "store.orders").len(), 1);

    let state = job(first.state.clone());
    let second = run_script(&shop_script(), &state);
    // Only the permanent failure is left: the Job stops retrying.
    assert_eq!(second.exit_code, PERMANENT, "{}", second.text());
    assert_eq!(error_lines(&second, "store.carts").len(), 1);
    assert!(error_lines(&second, "store.orders").is_empty());
    let sharded: Vec<String> = sharded_in(&second.state).into_iter().map(|c| c.0).collect();
    assert_eq!(sharded, ["store.customer-addresses", "store.orders"]);
}

#[test]
fn a_failed_enable_sharding_is_tried_again_for_the_next_collection() {
    let state = failing(json!([{
        "op": "enableSharding",
        "target": "store",
        "times": 1,
        "error": server_error(6, "HostUnreachable", "no route to shard"),
    }]));
    let run = run_script(&shop_script(), &state);
    assert_eq!(run.exit_code, TRANSIENT, "{}", run.text());
    assert_eq!(
        error_lines(&run, "store.carts"),
        [
            "ERROR store.carts: enableSharding failed: HostUnreachable (6): no route to shard \
             [transient: a later run may succeed]"
        ]
    );
    assert_eq!(
        run.calls_of("enableSharding").len(),
        1,
        "the second try succeeds"
    );
    let sharded: Vec<String> = sharded_in(&run.state).into_iter().map(|c| c.0).collect();
    assert_eq!(sharded, ["store.customer-addresses", "store.orders"]);
}

#[test]
fn a_clean_run_and_an_idempotent_rerun_summarize_and_exit_0() {
    let first = run_script(&shop_script(), &empty_cluster());
    assert_eq!(first.exit_code, 0, "{}", first.text());
    assert_eq!(
        summary(&first),
        "summary \"store\": 3 collection(s), 3 sharded now, 0 already sharded, \
         0 failed (0 transient, 0 permanent)"
    );
    assert!(
        !first.output.iter().any(|l| l.starts_with("ERROR")),
        "{}",
        first.text()
    );
    let state = job(first.state.clone());
    let second = run_script(&shop_script(), &state);
    assert_eq!(second.exit_code, 0, "{}", second.text());
    assert_eq!(
        summary(&second),
        "summary \"store\": 3 collection(s), 0 sharded now, 3 already sharded, \
         0 failed (0 transient, 0 permanent)"
    );
}

// --- The Job: fail fast on permanent failures, retry the rest ----------------

#[test]
fn the_job_fails_at_once_only_on_the_scripts_permanent_status() {
    let files = build_text(SHOP);
    let documents = assert_database_valid(file(&files, "shop.yaml"));
    let job = &documents[2];
    let spec = &job["spec"];
    assert_eq!(spec["template"]["spec"]["restartPolicy"], "Never");
    let container = spec["template"]["spec"]["containers"][0]["name"].clone();

    // The statuses the script really exits with.
    let permanent = run_script(
        &shop_script(),
        &failing(json!([{ "op": "shardCollection", "target": "store.orders",
                          "error": server_error(13, "Unauthorized", "no") }])),
    )
    .exit_code;
    let transient = run_script(
        &shop_script(),
        &failing(json!([{ "op": "shardCollection", "target": "store.orders",
                          "error": server_error(189, "PrimarySteppedDown", "no") }])),
    )
    .exit_code;
    assert_ne!(permanent, transient);

    let rules = spec["podFailurePolicy"]["rules"].as_array().expect("rules");
    let fail_job: Vec<&Value> = rules.iter().filter(|r| r["action"] == "FailJob").collect();
    assert_eq!(fail_job.len(), 1, "{rules:?}");
    let on_exit = &fail_job[0]["onExitCodes"];
    assert_eq!(on_exit["operator"], "In");
    assert_eq!(on_exit["containerName"], container);
    assert_eq!(on_exit["values"], json!([permanent]));
    // mongosh exits 1 by itself when it cannot connect yet: that is retried.
    for retried in [transient, 1] {
        assert!(
            !on_exit["values"]
                .as_array()
                .expect("values")
                .contains(&json!(retried)),
            "{retried} must be retried"
        );
    }
    assert!(spec["backoffLimit"].as_i64().expect("a backoffLimit") >= 1);
    // A drained node does not spend a retry.
    assert!(
        rules.iter().any(|r| r["action"] == "Ignore"
            && r["onPodConditions"] == json!([{ "type": "DisruptionTarget", "status": "True" }])),
        "{rules:?}"
    );
    // A TTL would delete the finished Job, and the next apply would run it again.
    assert!(spec.get("ttlSecondsAfterFinished").is_none());
}

// --- The Job's name --------------------------------------------------------

/// Every file a policy text compiles to when it is written as `dir/file`
/// and emitted into the output directory `out`.
fn build_as(file_name: &str, out: &str, policy: &str) -> Vec<(String, String)> {
    // The directory names the project, so it must be a label value.
    let dir = tempfile::Builder::new()
        .prefix("scalec-")
        .tempdir()
        .expect("a temporary directory");
    let path = dir.path().join(file_name);
    std::fs::write(&path, policy).expect("writable temp dir");
    let workspace = scalec::discover::load(&[path]).expect("the policy exists");
    let compilation = scalec::compile(
        &workspace.sources,
        &workspace.projects,
        &scalec::lint::Options::default(),
    );
    assert!(!compilation.has_errors(), "{:?}", compilation.diagnostics);
    compilation
        .projects
        .iter()
        .flat_map(|p| scalec::emit::emit_project(p, Path::new(out), &workspace.sources))
        .map(|f| {
            let name = f
                .path
                .file_name()
                .expect("a file name")
                .to_string_lossy()
                .into_owned();
            (name, f.content)
        })
        .collect()
}

fn job_name_of(files: &[(String, String)]) -> String {
    let documents = yaml_documents(file(files, "shop.yaml"));
    documents[2]["metadata"]["name"]
        .as_str()
        .expect("a Job name")
        .to_string()
}

// Issue 9, item 2: the name hashed the header, which names the policy file.
#[test]
fn the_job_name_ignores_the_header_and_follows_the_plan() {
    let original = build_as("policy.scale", "x", SHOP);
    let renamed = build_as("databases-renamed.scale", "x", SHOP);
    // The headers differ, so the scripts and ConfigMaps differ...
    assert_ne!(
        file(&original, "shop-shard-setup.js"),
        file(&renamed, "shop-shard-setup.js")
    );
    // ...and the Job, which would run again under a new name, does not.
    let name = job_name_of(&original);
    assert!(name.starts_with("shop-shard-setup-"), "{name}");
    assert_eq!(job_name_of(&renamed), name);
    let (_, body) = file(&original, "shop-shard-setup.js")
        .split_once('\n')
        .expect("a header line");
    assert_eq!(
        Some(body),
        file(&renamed, "shop-shard-setup.js")
            .split_once('\n')
            .map(|s| s.1)
    );

    // A new shard key is a new plan: a new Job runs it.
    let new_key = SHOP.replace("hashed(order_id)", "hashed(customer_id)");
    assert_ne!(job_name_of(&build_as("policy.scale", "x", &new_key)), name);
    // A new collection too.
    let new_collection = SHOP.replace(
        "  collection orders {",
        "  collection refunds {\n    shard_key = hashed(refund_id)\n  }\n\n  collection orders {",
    );
    assert_ne!(
        job_name_of(&build_as("policy.scale", "x", &new_collection)),
        name
    );
    // A new image changes the pod template, which a Job cannot change in place.
    let new_version = SHOP.replace("version = \"8.0\"", "version = \"7.0\"");
    assert_ne!(
        job_name_of(&build_as("policy.scale", "x", &new_version)),
        name
    );
}

#[test]
fn script_file_and_config_map_hold_the_same_script() {
    let files = build_text(SHOP);
    let script = file(&files, "shop-shard-setup.js");
    assert!(
        script.starts_with("// Generated by scalec from "),
        "{script}"
    );
    let documents = yaml_documents(file(&files, "shop.yaml"));
    let config_map = &documents[1];
    assert_eq!(config_map["kind"], "ConfigMap");
    assert_eq!(config_map["metadata"]["name"], "shop-shard-setup");
    assert_eq!(config_map["data"]["shard-setup.js"], script);
}

// --- Manifests against the schemas ------------------------------------------

fn schema_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/schemas")
}

fn yaml_documents(text: &str) -> Vec<Value> {
    text.split("\n---\n")
        .skip(1)
        .map(|d| {
            let yaml: serde_yaml::Value = serde_yaml::from_str(d).expect("valid YAML");
            serde_json::to_value(yaml).expect("YAML documents are JSON values")
        })
        .collect()
}

fn assert_valid(document: &Value, schema: &str) {
    let path = schema_dir().join(schema);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let schema: Value = serde_json::from_str(&text).expect("a JSON schema");
    let validator = jsonschema::validator_for(&schema).expect("the schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(document)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "{} {} is invalid:\n{}",
        document["kind"],
        document["metadata"]["name"],
        errors.join("\n")
    );
}

fn assert_database_valid(yaml: &str) -> Vec<Value> {
    let documents = yaml_documents(yaml);
    let kinds: Vec<&str> = documents
        .iter()
        .map(|d| d["kind"].as_str().expect("a kind"))
        .collect();
    assert_eq!(
        kinds,
        ["PerconaServerMongoDB", "ConfigMap", "Job", "NetworkPolicy"]
    );
    assert_valid(
        &documents[0],
        "crds/psmdb.percona.com/PerconaServerMongoDB_v1.json",
    );
    assert_valid(&documents[1], "k8s/v1.34/configmap-v1.json");
    assert_valid(&documents[2], "k8s/v1.34/job-batch-v1.json");
    assert_valid(&documents[3], "k8s/v1.34/networkpolicy-networking-v1.json");
    documents
}

/// Aether's data tier as it ran on the Percona operator, before it moved to
/// Atlas (`policies/aether/data.scale` then).
const PERCONA_AETHER: &str = r#"
cluster {
  namespace = "aether"
}

# Aether's data tier: one sharded MongoDB cluster.

database aether-data {
  engine  = mongodb
  version = "7.0"
  shards  = 3
  members = 3
  routers = 2
  storage = 100Gi
  name    = "aether"

  storage_class = "gp3"

  # Argo CD applies this project; the shard-setup Job waits for the wave
  # that creates the database.
  job_annotations { "argocd.argoproj.io/sync-wave" = "1" }

  # Each member keeps a WiredTiger cache of about 3.5 GiB; a limit equal to
  # the request makes the members the last pods a node evicts.
  shard {
    cpu    = 2 .. 4
    memory = 8Gi .. 8Gi
  }

  config_server {
    cpu     = 500m .. 1
    memory  = 1Gi .. 1Gi
    storage = 10Gi
  }

  router {
    cpu    = 1 .. 2
    memory = 1Gi .. 1Gi
  }

  # Per-customer predictions: customer first keeps one customer's documents
  # together; the hashed _id suffix lets a large customer's chunk split.
  collection predictions {
    shard_key = [customer_id, hashed(_id)]

    field customer_id {
      type        = string
      cardinality = 12000
      top_share   = 4%
    }
  }

  # Readings arrive from 2 million devices; hashing spreads inserts evenly.
  collection sensor_readings {
    shard_key = hashed(device_id)

    field device_id {
      type        = uuid
      cardinality = 2M
    }
  }
}
"#;

#[test]
fn a_percona_database_manifests_match_their_schemas() {
    let files = build_text(PERCONA_AETHER);
    let yaml = file(&files, "aether-data.yaml");
    assert!(yaml.starts_with("# Generated by scalec from "), "{yaml}");
    let documents = assert_database_valid(yaml);
    let cluster = &documents[0];
    let spec = &cluster["spec"];
    assert_eq!(spec["crVersion"], "1.22.0");
    assert_eq!(spec["image"], "percona/percona-server-mongodb:7.0");
    assert_eq!(spec["secrets"]["users"], "aether-data-users");
    assert!(
        spec.get("unsafeFlags").is_none(),
        "a safe policy needs no unsafe flags"
    );
    let replsets = spec["replsets"].as_array().expect("replsets");
    let names: Vec<&str> = replsets
        .iter()
        .map(|r| r["name"].as_str().expect("a name"))
        .collect();
    assert_eq!(names, ["rs0", "rs1", "rs2"]);
    for replset in replsets {
        assert_eq!(replset["size"], 3);
        assert_eq!(
            replset["volumeSpec"]["persistentVolumeClaim"]["resources"]["requests"]["storage"],
            "100Gi"
        );
    }
    assert_eq!(spec["sharding"]["enabled"], true);
    assert_eq!(spec["sharding"]["configsvrReplSet"]["size"], 3);
    assert_eq!(spec["sharding"]["mongos"]["size"], 2);

    let job = &documents[2];
    let pod = &job["spec"]["template"]["spec"];
    assert_eq!(pod["restartPolicy"], "Never");
    assert_eq!(pod["securityContext"]["runAsNonRoot"], true);
    let container = &pod["containers"][0];
    assert_eq!(container["image"], "percona/percona-server-mongodb:7.0");
    let env = container["env"].as_array().expect("env");
    let uri = env
        .iter()
        .find(|e| e["name"] == "MONGOS_URI")
        .expect("MONGOS_URI");
    assert_eq!(
        uri["value"],
        "mongodb://aether-data-mongos.aether.svc.cluster.local:27017/admin"
    );
    // No credential in the environment or the arguments: the script reads
    // them from the users Secret, mounted as files.
    assert!(env.iter().all(|e| e.get("valueFrom").is_none()), "{env:?}");
    assert_eq!(
        container["args"],
        json!(["--nodb", "--quiet", "--file", "/etc/scalec/shard-setup.js"])
    );
    let mount = (container["volumeMounts"].as_array().expect("mounts"))
        .iter()
        .find(|m| m["name"] == "users")
        .expect("the users mount");
    assert_eq!(mount["mountPath"], USERS_DIR);
    assert_eq!(mount["readOnly"], true);
    let volume = (pod["volumes"].as_array().expect("volumes"))
        .iter()
        .find(|v| v["name"] == "users")
        .expect("the users volume");
    // Readable by root, who owns the files, and the pod's group; no one else.
    assert_eq!(volume["projected"]["defaultMode"], 0o440);
    assert_eq!(pod["securityContext"]["fsGroup"], 10001);
    assert_eq!(pod["securityContext"]["runAsGroup"], 10001);
    // The cluster admin's keys are required: without them the pod waits. The
    // database admin's may be absent.
    let item = |key: &str| json!({ "key": key, "path": key });
    assert_eq!(
        volume["projected"]["sources"],
        json!([
            { "secret": {
                "name": "aether-data-users",
                "items": [item("MONGODB_CLUSTER_ADMIN_USER"), item("MONGODB_CLUSTER_ADMIN_PASSWORD")],
            } },
            { "secret": {
                "name": "aether-data-users",
                "items": [item("MONGODB_DATABASE_ADMIN_USER"), item("MONGODB_DATABASE_ADMIN_PASSWORD")],
                "optional": true,
            } },
        ])
    );
}

#[test]
fn unsafe_sizes_set_the_operator_flags_and_defaults_fill_the_rest() {
    let policy = r#"
database tiny {
  engine         = mongodb
  shards         = 1
  members        = 1
  config_servers = 1
  routers        = 1
}
"#;
    let files = build_text(policy);
    let documents = assert_database_valid(file(&files, "tiny.yaml"));
    let spec = &documents[0]["spec"];
    assert_eq!(
        spec["unsafeFlags"],
        json!({ "replsetSize": true, "mongosSize": true })
    );
    assert_eq!(spec["image"], "percona/percona-server-mongodb:7.0");
    assert_eq!(
        spec["replsets"][0]["volumeSpec"]["persistentVolumeClaim"]["resources"]["requests"]["storage"],
        "10Gi"
    );

    // The operator refuses an even member count too; these routers are fine.
    let even = build_text(
        r#"
database tiny {
  engine  = mongodb
  shards  = 1
  members = 4
  version = "v8.0.12-4"
}
"#,
    );
    let documents = assert_database_valid(file(&even, "tiny.yaml"));
    assert_eq!(
        documents[0]["spec"]["unsafeFlags"],
        json!({ "replsetSize": true })
    );
    // A version is the image tag as Percona publishes it, without a `v`.
    assert_eq!(
        documents[0]["spec"]["image"],
        "percona/percona-server-mongodb:8.0.12-4"
    );
}

// --- Atlas: the same script, through the operator's connection Secret --------
// scalec#15: on Atlas the Job reads its connection string and login from
// the Secret the Atlas operator writes for the shard-setup user.

const ATLAS_LEDGER: &str = r#"
cluster {
  namespace = "fintech"
}

database ledger {
  engine   = mongodb
  operator = atlas
  shards   = 2

  atlas {
    project         = "fintech"
    provider        = aws
    region          = "US_EAST_1"
    instance        = M30 .. M50
    password_secret = "ledger-shard-setup-password"
  }

  collection entries {
    shard_key = [account_id, hashed(_id)]
  }

  collection audit {
    shard_key = hashed(event_id)
  }
}
"#;

/// The login the Atlas operator writes into the connection Secret.
const ATLAS_USER: &str = "ledger-shard-setup";
const ATLAS_PASSWORD: &str = "atlas-pa55-e5";

#[test]
fn on_atlas_the_job_logs_in_with_the_operators_connection_secret() {
    let files = build_text(ATLAS_LEDGER);
    let script = file(&files, "ledger-shard-setup.js");
    let uri = "mongodb+srv://ledger.abcde.mongodb.net";
    let state = json!({
        "env": { "MONGOS_URI_FILE": format!("{USERS_DIR}/connectionStringStandardSrv") },
        "files": {
            "username": ATLAS_USER,
            "password": ATLAS_PASSWORD,
            "connectionStringStandardSrv": format!("{uri}\n"),
        },
        "users": { ATLAS_USER: ATLAS_PASSWORD },
    });
    let run = run_script(script, &state);
    assert_eq!(run.exit_code, 0, "{}", run.text());
    assert!(!run.text().contains(ATLAS_PASSWORD), "{}", run.text());
    let mut reads = run.reads.clone();
    reads.sort();
    reads.dedup();
    assert_eq!(
        reads,
        [
            format!("{USERS_DIR}/connectionStringStandardSrv"),
            format!("{USERS_DIR}/password"),
            format!("{USERS_DIR}/username")
        ]
    );
    // One user does everything the roles it is given allow: shard, and
    // create the supporting indexes.
    for op in ["shardCollection", "createIndex"] {
        assert_eq!(run.users_of(op), [ATLAS_USER; 2], "{op}");
    }
    for connect in run.calls_of("connect") {
        assert_eq!(connect["uri"], uri);
    }
    assert_eq!(
        sharded_in(&run.state),
        [
            ("ledger.audit".to_string(), json!([["event_id", "hashed"]])),
            (
                "ledger.entries".to_string(),
                json!([["account_id", 1], ["_id", "hashed"]])
            ),
        ]
    );

    // The Job takes both from the operator's Secret for this user.
    let yaml = file(&files, "ledger.yaml");
    let job: Value = yaml
        .split("\n---\n")
        .filter_map(|doc| serde_yaml::from_str::<Value>(doc).ok())
        .find(|doc| doc["kind"] == "Job")
        .expect("a Job");
    let pod = &job["spec"]["template"]["spec"];
    // The connection string holds the login: a file, never the environment.
    assert_eq!(
        pod["containers"][0]["env"][1],
        json!({ "name": "MONGOS_URI_FILE", "value": format!("{USERS_DIR}/connectionStringStandardSrv") })
    );
    assert_eq!(
        pod["volumes"][1]["projected"]["sources"],
        json!([{ "secret": {
            "name": "fintech-ledger-ledger-shard-setup",
            "items": [
                { "key": "username", "path": "username" },
                { "key": "password", "path": "password" },
                { "key": "connectionStringStandardSrv", "path": "connectionStringStandardSrv" },
            ],
        } }])
    );
}
