//! The schema of every block kind: which attributes and nested blocks it takes,
//! the shape and unit of each value, defaults and whether it is required.
//!
//! The grammar is generic; this table gives it meaning. `lower` uses it to report
//! unknown attributes (E002, with a did-you-mean over these names) and missing
//! ones (E007), and `docs/language.md` documents exactly these rows: a test
//! compares the doc's tables with [`BLOCKS`].

/// The shape and unit a value must have.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ValueType {
    String,
    /// An HTTP path starting with `/`.
    Path,
    /// One of a fixed set of words.
    Word(&'static [&'static str]),
    /// A non-empty list of words from a fixed set.
    Words(&'static [&'static str]),
    /// A Kubernetes name: a word or string, DNS-1123 label.
    Name,
    /// A `"MAJOR.MINOR"` Kubernetes version string.
    Version,
    Port,
    /// A whole number ≥ 0.
    Count,
    /// A whole number, or a range `min .. max` of whole numbers.
    CountOrRange,
    /// A number that may carry `k` or `M`, e.g. requests per second.
    Number,
    Cpu,
    CpuOrRange,
    Memory,
    MemoryOrRange,
    Duration,
    Percent,
    CountOrPercent,
    /// `50% per 1m`, `4 per 15s`, or a list of them.
    Rates,
    /// A metric target: a number with an optional Kubernetes unit.
    Quantity,
    Bool,
    /// `field`, `hashed(field)` or a list of them.
    ShardKey,
    /// A list of rule codes or names.
    RuleList,
    /// A list of names.
    NameList,
    /// A list of `service`, `service(port, ...)` or `database`.
    Calls,
    /// A command and its arguments: a non-empty list of strings.
    Command,
    /// A non-empty list of strings.
    Strings,
    /// `sleep(5s)`, or a command.
    PreStop,
    /// A list of `secret("name")` and `config_map("name")`.
    ConfigSources,
    /// An Atlas instance size (`M30`), or a range of them (`M30 .. M60`).
    InstanceSizeOrRange,
}

impl ValueType {
    /// How the type reads in docs and in "expected ..." messages.
    pub fn describe(self) -> String {
        match self {
            ValueType::String => "string".into(),
            ValueType::Path => "string path (`\"/healthz\"`)".into(),
            ValueType::Word(words) => words
                .iter()
                .map(|w| format!("`{w}`"))
                .collect::<Vec<_>>()
                .join(" \\| "),
            ValueType::Words(words) => format!(
                "list of {}",
                words
                    .iter()
                    .map(|w| format!("`{w}`"))
                    .collect::<Vec<_>>()
                    .join(" \\| ")
            ),
            ValueType::Name => "name (DNS-1123 label)".into(),
            ValueType::Version => "string (`\"1.34\"`)".into(),
            ValueType::Port => "integer 1-65535".into(),
            ValueType::Count => "integer".into(),
            ValueType::CountOrRange => "integer or range (`3 .. 10`)".into(),
            ValueType::Number => "number (`k`, `M` allowed)".into(),
            ValueType::Cpu => "cpu (`500m`, `2`)".into(),
            ValueType::CpuOrRange => "cpu, or request `..` limit".into(),
            ValueType::Memory => "memory (`512Mi`, `2Gi`)".into(),
            ValueType::MemoryOrRange => "memory, or request `..` limit".into(),
            ValueType::Duration => "duration (`30s`, `5m`)".into(),
            ValueType::Percent => "percentage (`70%`)".into(),
            ValueType::CountOrPercent => "integer or percentage".into(),
            ValueType::Rates => "rate (`50% per 1m`, `4 per 15s`) or list of rates".into(),
            ValueType::Quantity => "quantity (`500`, `250m`, `1k`)".into(),
            ValueType::Bool => "`true` \\| `false`".into(),
            ValueType::ShardKey => "field, `hashed(field)`, or list of them".into(),
            ValueType::RuleList => "list of rule codes or names".into(),
            ValueType::NameList => "list of names".into(),
            ValueType::Calls => "list of `service`, `service(port, ...)` or `database`".into(),
            ValueType::Command => "list of strings (`[\"/bin/check\", \"--ready\"]`)".into(),
            ValueType::Strings => "list of strings".into(),
            ValueType::PreStop => "`sleep(5s)`, or a command (list of strings)".into(),
            ValueType::ConfigSources => {
                "list of `secret(\"name\")` and `config_map(\"name\")`".into()
            }
            ValueType::InstanceSizeOrRange => {
                "Atlas instance size (`M30`), or range (`M30 .. M60`)".into()
            }
        }
    }
}

/// One attribute of a block kind.
#[derive(Clone, Copy, Debug)]
pub struct AttributeSchema {
    pub name: &'static str,
    pub value: ValueType,
    /// The default as documented; empty when there is none.
    pub default: &'static str,
    pub required: bool,
    pub doc: &'static str,
}

/// Whether a block kind takes a label (`service auth`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LabelRule {
    Required(&'static str),
    Optional(&'static str),
    None,
}

/// One block kind.
#[derive(Clone, Copy, Debug)]
pub struct BlockSchema {
    pub kind: &'static str,
    pub label: LabelRule,
    pub doc: &'static str,
    pub attributes: &'static [AttributeSchema],
    /// Kinds of nested blocks allowed inside.
    pub blocks: &'static [&'static str],
    /// Kinds of nested blocks that may appear more than once.
    pub repeatable: &'static [&'static str],
    /// Any attribute name is allowed, with a string value (`env`, `selector`).
    pub free_form: bool,
}

const fn attr(
    name: &'static str,
    value: ValueType,
    default: &'static str,
    doc: &'static str,
) -> AttributeSchema {
    AttributeSchema {
        name,
        value,
        default,
        required: false,
        doc,
    }
}

const fn required(name: &'static str, value: ValueType, doc: &'static str) -> AttributeSchema {
    AttributeSchema {
        name,
        value,
        default: "",
        required: true,
        doc,
    }
}

/// `cpu` of a service and of each database tier: a request, or request and
/// limit.
const CPU_ATTRIBUTE: AttributeSchema = attr(
    "cpu",
    ValueType::CpuOrRange,
    "",
    "cpu request, or request `..` limit",
);

/// `memory` of a service and of each database tier but `shard`, whose limit
/// also sizes mongod's cache.
const MEMORY_ATTRIBUTE: AttributeSchema = attr(
    "memory",
    ValueType::MemoryOrRange,
    "",
    "memory request, or request `..` limit",
);

// The word lists come from the model's keyword enums, so a word without a
// variant cannot compile.
pub const AUTOSCALERS: &[&str] = crate::model::Autoscaler::WORDS;
pub const METRIC_KINDS: &[&str] = crate::model::MetricKind::WORDS;
pub const PROVIDERS: &[&str] = crate::model::QueueProvider::WORDS;
pub const SELECT_POLICIES: &[&str] = crate::model::SelectPolicy::WORDS;
pub const SPREADS: &[&str] = crate::model::Spread::WORDS;
pub const ENGINES: &[&str] = crate::model::DatabaseEngine::WORDS;
pub const OPERATORS: &[&str] = crate::model::DatabaseOperator::WORDS;
pub const FIELD_TYPES: &[&str] = crate::model::FieldType::WORDS;
pub const PROTOCOLS: &[&str] = crate::model::Protocol::WORDS;
pub const TAINT_EFFECTS: &[&str] = crate::model::TaintEffect::WORDS;
pub const FALLBACK_BEHAVIORS: &[&str] = crate::model::FallbackBehavior::WORDS;
pub const POD_IDENTITIES: &[&str] = crate::model::PodIdentity::WORDS;
pub const IDENTITY_OWNERS: &[&str] = crate::model::IdentityOwner::WORDS;
pub const NODE_OPERATORS: &[&str] = crate::model::NodeOperator::WORDS;
pub const METRICS_ADAPTERS: &[&str] = crate::model::MetricsAdapter::WORDS;
pub const JOB_STRATEGIES: &[&str] = crate::model::JobStrategy::WORDS;
pub const MONITORS: &[&str] = crate::model::MonitorKind::WORDS;
pub const TRIGGER_AUTH_SCOPES: &[&str] = crate::model::TriggerAuthScope::WORDS;
pub const HTTP_METHODS: &[&str] = crate::model::loadtest::HttpMethod::WORDS;

/// `nodes { provisioner }`.
pub const PROVISIONERS: &[&str] = crate::model::karpenter::Provisioner::WORDS;
/// `nodes { arch }`: a list of these.
pub const ARCHES: &[&str] = crate::model::karpenter::Arch::WORDS;
/// `nodes { capacity }`: a list of these.
pub const CAPACITY_TYPES: &[&str] = crate::model::karpenter::CapacityType::WORDS;
/// `nodes { consolidation }`.
pub const CONSOLIDATIONS: &[&str] = crate::model::karpenter::Consolidation::WORDS;
pub const ATLAS_PROVIDERS: &[&str] = crate::model::AtlasProvider::WORDS;

/// The attributes of `nodes` that only a Karpenter NodePool reads: each
/// needs `provisioner = karpenter`.
pub const KARPENTER_ATTRIBUTES: &[&str] = &[
    "node_class",
    "arch",
    "capacity",
    "instance_families",
    "instance_sizes",
    "consolidation",
    "consolidate_after",
    "disruption_budget",
    "expire_after",
];

/// Every word list above, by the name the schema gives it: what editor
/// grammars must know (their drift tests read this, so a new list is
/// checked as soon as it is added here).
pub const WORD_LISTS: &[(&str, &[&str])] = &[
    ("AUTOSCALERS", AUTOSCALERS),
    ("METRIC_KINDS", METRIC_KINDS),
    ("PROVIDERS", PROVIDERS),
    ("SELECT_POLICIES", SELECT_POLICIES),
    ("SPREADS", SPREADS),
    ("ENGINES", ENGINES),
    ("OPERATORS", OPERATORS),
    ("FIELD_TYPES", FIELD_TYPES),
    ("PROTOCOLS", PROTOCOLS),
    ("TAINT_EFFECTS", TAINT_EFFECTS),
    ("FALLBACK_BEHAVIORS", FALLBACK_BEHAVIORS),
    ("POD_IDENTITIES", POD_IDENTITIES),
    ("IDENTITY_OWNERS", IDENTITY_OWNERS),
    ("NODE_OPERATORS", NODE_OPERATORS),
    ("METRICS_ADAPTERS", METRICS_ADAPTERS),
    ("JOB_STRATEGIES", JOB_STRATEGIES),
    ("MONITORS", MONITORS),
    ("TRIGGER_AUTH_SCOPES", TRIGGER_AUTH_SCOPES),
    ("HTTP_METHODS", HTTP_METHODS),
    ("PROVISIONERS", PROVISIONERS),
    ("ARCHES", ARCHES),
    ("CAPACITY_TYPES", CAPACITY_TYPES),
    ("CONSOLIDATIONS", CONSOLIDATIONS),
    ("ATLAS_PROVIDERS", ATLAS_PROVIDERS),
];

/// The functions a value may call: `hashed(field)` in a shard key,
/// `secret(...)` and `config_map(...)` in `env` and `env_from`, and
/// `sleep(duration)` in `pre_stop`. Editor grammars highlight exactly these
/// as built-in (their drift tests read this list).
pub const FUNCTIONS: &[&str] = &["config_map", "hashed", "secret", "sleep"];

/// The attributes a service takes.
const SERVICE_ATTRIBUTES: &[AttributeSchema] = &SERVICE_ATTRIBUTE_ARRAY;

/// `defaults` takes the attributes of a service, none of them required,
/// but the last, `environments`: what runs where is each service's own.
const DEFAULTS_ATTRIBUTES: &[AttributeSchema] = optional_all(SERVICE_ATTRIBUTE_ARRAY)
    .split_at(SERVICE_ATTRIBUTE_ARRAY.len() - 1)
    .0;

// `DEFAULTS_ATTRIBUTES` leaves out the last attribute of a service.
const _: () = {
    let name = SERVICE_ATTRIBUTE_ARRAY[SERVICE_ATTRIBUTE_ARRAY.len() - 1]
        .name
        .as_bytes();
    let expected = b"environments";
    assert!(name.len() == expected.len());
    let mut i = 0;
    while i < name.len() {
        assert!(
            name[i] == expected[i],
            "`environments` is a service's last attribute"
        );
        i += 1;
    }
};

const fn optional_all<const N: usize>(
    mut attributes: [AttributeSchema; N],
) -> [AttributeSchema; N] {
    let mut i = 0;
    while i < N {
        attributes[i].required = false;
        i += 1;
    }
    attributes
}

const SERVICE_ATTRIBUTE_ARRAY: [AttributeSchema; 23] = [
    required(
        "image",
        ValueType::String,
        "container image, with a tag or digest",
    ),
    attr(
        "port",
        ValueType::Port,
        "",
        "container port named `http`; also the probe port",
    ),
    attr(
        "health",
        ValueType::Path,
        "",
        "HTTP path of the readiness and liveness probes",
    ),
    CPU_ATTRIBUTE,
    MEMORY_ATTRIBUTE,
    attr(
        "gpu",
        ValueType::Count,
        "",
        "NVIDIA GPUs per pod (`nvidia.com/gpu`, request and limit), 1 to 2147483647",
    ),
    attr(
        "ephemeral_storage",
        ValueType::MemoryOrRange,
        "",
        "local disk (logs, `emptyDir`, writable layer) request, or request `..` limit",
    ),
    attr(
        "replicas",
        ValueType::CountOrRange,
        "",
        "`min .. max` to autoscale, or one number for a fixed size; at most 2147483647",
    ),
    attr(
        "autoscaler",
        ValueType::Word(AUTOSCALERS),
        "the `cluster`'s",
        "what scales this service: a HorizontalPodAutoscaler or a KEDA ScaledObject",
    ),
    attr(
        "spread",
        ValueType::Word(SPREADS),
        "",
        "spread pods across zones or nodes",
    ),
    attr(
        "spread_strict",
        ValueType::Bool,
        "`false`",
        "`true`: leave a pod pending rather than break the `spread` (`DoNotSchedule`)",
    ),
    attr(
        "priority_class",
        ValueType::String,
        "",
        "the pods' PriorityClass, which the platform provides",
    ),
    attr(
        "zones",
        ValueType::NameList,
        "",
        "the only zones the pods may run in (`topology.kubernetes.io/zone`, required)",
    ),
    attr(
        "calls",
        ValueType::Calls,
        "`[]`",
        "services (every port, or the named ones) and databases this service calls; the only pods of the project its NetworkPolicy admits",
    ),
    attr(
        "ingress_from",
        ValueType::NameList,
        "`[]`",
        "namespaces (e.g. an ingress controller's) whose pods may reach every port",
    ),
    attr(
        "public",
        ValueType::Bool,
        "`false`",
        "any source, inside or outside the cluster, may reach every port",
    ),
    attr(
        "grace_period",
        ValueType::Duration,
        "Kubernetes: `30s`",
        "time a stopping pod has, from `pre_stop` to SIGKILL; whole seconds",
    ),
    attr(
        "pre_stop",
        ValueType::PreStop,
        "",
        "what runs before the container is sent SIGTERM: a pause, or a command",
    ),
    attr(
        "job_duration",
        ValueType::Duration,
        "",
        "how long one job or message takes at most; K123 compares it with `grace_period`, K130 with a `job`'s `deadline`",
    ),
    attr(
        "env_from",
        ValueType::ConfigSources,
        "",
        "Secrets and ConfigMaps whose every key becomes an environment variable",
    ),
    attr(
        "image_pull_secrets",
        ValueType::NameList,
        "",
        "Secrets with the registry credentials that pull `image`",
    ),
    attr(
        "tmp",
        ValueType::Memory,
        "",
        "a writable `emptyDir` of at most this size at `/tmp` (the root filesystem is read-only)",
    ),
    attr(
        "environments",
        ValueType::NameList,
        "every environment",
        "the only environments that run this service",
    ),
];

/// The blocks of `defaults`, then `extra`: one list for both, so a block
/// added to `defaults` is a service's too.
macro_rules! service_blocks {
    ($($extra:literal),*) => {
        &[
            "scale",
            "scale_up",
            "scale_down",
            "load",
            "disruption",
            "env",
            "port",
            "probe",
            "files",
            "labels",
            "annotations",
            "pod_labels",
            "pod_annotations",
            "security",
            "identity",
            "node_selector",
            "toleration",
            "keda",
            "node_affinity",
            "metrics",
            $($extra),*
        ]
    };
}

const SERVICE_BLOCKS: &[&str] = service_blocks!();

/// The blocks of a service: those of `defaults`, `job`, which makes one
/// service a ScaledJob (in `defaults` it would make every service one), and
/// `connections`, which state the service's own pools.
const SERVICE_OWN_BLOCKS: &[&str] = service_blocks!("job", "connections");

/// The blocks of a service that may appear more than once.
/// The blocks of `defaults` that may appear more than once, then `extra`.
macro_rules! service_repeatable {
    ($($extra:literal),*) => {
        &["scale", "port", "probe", "toleration", "node_affinity", $($extra),*]
    };
}

const SERVICE_REPEATABLE: &[&str] = service_repeatable!();

/// The blocks of a service (not of `defaults`) that may appear more than once.
const SERVICE_OWN_REPEATABLE: &[&str] = service_repeatable!("connections");

/// Every block kind, top-level kinds first.
pub const BLOCKS: &[BlockSchema] = &[
    BlockSchema {
        kind: "cluster",
        label: LabelRule::Optional("the cluster's name"),
        doc: "the target cluster; at most one per project",
        attributes: &[
            attr(
                "kubernetes",
                ValueType::Version,
                "`\"1.37\"`",
                "target Kubernetes version, 1.33 to 1.37",
            ),
            attr(
                "namespace",
                ValueType::Name,
                "`default`",
                "namespace of every object",
            ),
            attr(
                "autoscaler",
                ValueType::Word(AUTOSCALERS),
                "`hpa`",
                "what scales a service that does not set its own `autoscaler`",
            ),
            attr(
                "metrics_adapter",
                ValueType::Word(METRICS_ADAPTERS),
                "",
                "what serves the custom and external metrics of HPA-scaled services",
            ),
            attr(
                "prometheus",
                ValueType::String,
                "",
                "the Prometheus server KEDA's `prometheus` triggers query, an `http(s)://` URL",
            ),
            attr(
                "adapter_namespace",
                ValueType::Name,
                "`monitoring`",
                "namespace of prometheus-adapter and its rules ConfigMap",
            ),
            attr(
                "project",
                ValueType::Name,
                "directory name",
                "the project's name: the `app.kubernetes.io/part-of` label of every object",
            ),
        ],
        blocks: &["nodes"],
        repeatable: &[],
        free_form: false,
    },
    BlockSchema {
        kind: "defaults",
        label: LabelRule::None,
        doc: "attributes and blocks every service of the project inherits",
        attributes: DEFAULTS_ATTRIBUTES,
        blocks: SERVICE_BLOCKS,
        repeatable: SERVICE_REPEATABLE,
        free_form: false,
    },
    BlockSchema {
        kind: "metric",
        label: LabelRule::Required("the metric's name"),
        doc: "a custom or external metric that services scale on",
        attributes: &[
            required(
                "kind",
                ValueType::Word(METRIC_KINDS),
                "HPA metric source type",
            ),
            attr(
                "name",
                ValueType::String,
                "block name",
                "metric name as the metrics adapter serves it",
            ),
            attr(
                "series",
                ValueType::String,
                "`name`",
                "the Prometheus series the metric is computed from",
            ),
            attr(
                "rate",
                ValueType::Duration,
                "",
                "for a counter: the window of `rate()` over the series",
            ),
        ],
        blocks: &["selector", "object"],
        repeatable: &[],
        free_form: false,
    },
    BlockSchema {
        kind: "queue",
        label: LabelRule::Required("the queue's name"),
        doc: "a work queue whose backlog drives scaling",
        attributes: &[
            required("provider", ValueType::Word(PROVIDERS), "queue system"),
            attr(
                "url",
                ValueType::String,
                "",
                "aws-sqs (required): queue URL",
            ),
            attr(
                "region",
                ValueType::String,
                "from `url`",
                "aws-sqs: cloud region of the queue",
            ),
            attr(
                "in_flight",
                ValueType::Bool,
                "`true`",
                "aws-sqs, KEDA: count in-flight (received, not yet deleted) messages",
            ),
            attr(
                "delayed",
                ValueType::Bool,
                "`false`",
                "aws-sqs, KEDA: count delayed messages",
            ),
            attr(
                "brokers",
                ValueType::Strings,
                "",
                "kafka (required): bootstrap brokers, `\"host:port\"` each",
            ),
            attr(
                "topic",
                ValueType::String,
                "",
                "kafka (required): the topic",
            ),
            attr(
                "consumer_group",
                ValueType::String,
                "",
                "kafka (required): the consumer group whose lag counts",
            ),
            attr(
                "queue_name",
                ValueType::String,
                "",
                "rabbitmq (required): the queue's name",
            ),
            attr(
                "vhost",
                ValueType::String,
                "the one in `host`",
                "rabbitmq: the virtual host",
            ),
            attr(
                "address",
                ValueType::String,
                "",
                "redis (required): the server, `\"host:port\"`",
            ),
            attr(
                "list",
                ValueType::String,
                "",
                "redis (required): the list's key",
            ),
            attr(
                "database",
                ValueType::Count,
                "`0`",
                "redis: the database index",
            ),
            attr(
                "auth",
                ValueType::Name,
                "",
                "how KEDA reads the queue: a TriggerAuthentication's name, or `operator` (KEDA's own identity; aws-sqs)",
            ),
            attr(
                "metric",
                ValueType::String,
                "per `provider`",
                "external metric name with `autoscaler = hpa`",
            ),
        ],
        blocks: &["selector"],
        repeatable: &[],
        free_form: false,
    },
    BlockSchema {
        kind: "service",
        label: LabelRule::Required("the service's name, also its Deployment's"),
        doc: "one workload: a Deployment, its autoscaler and its disruption budget; with `job`, a KEDA ScaledJob",
        attributes: SERVICE_ATTRIBUTES,
        blocks: SERVICE_OWN_BLOCKS,
        repeatable: SERVICE_OWN_REPEATABLE,
        free_form: false,
    },
    BlockSchema {
        kind: "database",
        label: LabelRule::Required("the database cluster's name"),
        doc: "a sharded MongoDB cluster, or a PostgreSQL server checked for connections",
        attributes: &[
            required("engine", ValueType::Word(ENGINES), "database engine"),
            attr(
                "operator",
                ValueType::Word(OPERATORS),
                "`percona`",
                "Kubernetes operator whose resources are emitted: `percona` (a PerconaServerMongoDB), `atlas` (MongoDB Atlas, with an `atlas` block) or `mongodb-enterprise` (a MongoDB resource, with an `enterprise` block)",
            ),
            attr(
                "version",
                ValueType::String,
                "`\"7.0\"`",
                "MongoDB version: `\"6.0\"`, `\"7.0\"`, `\"8.0\"` or an exact build of one",
            ),
            attr(
                "shards",
                ValueType::Count,
                "",
                "mongodb (required): number of shards, 1 to 150000",
            ),
            attr(
                "max_connections",
                ValueType::Count,
                "`100`",
                "postgresql: the server's `max_connections`",
            ),
            attr(
                "reserved_connections",
                ValueType::Count,
                "`3`",
                "postgresql: connections reserved for superusers (`superuser_reserved_connections` plus `reserved_connections`)",
            ),
            attr(
                "members",
                ValueType::Count,
                "`3`",
                "replica-set members per shard, 1 to 50",
            ),
            attr(
                "config_servers",
                ValueType::Count,
                "`3`",
                "config server replica-set size, 1 to 50",
            ),
            attr(
                "routers",
                ValueType::Count,
                "`2`",
                "number of mongos routers, 1 to 150000",
            ),
            attr(
                "storage",
                ValueType::Memory,
                "`10Gi`",
                "volume size per shard member, and per config server unless `config_server` sets one",
            ),
            attr(
                "storage_class",
                ValueType::String,
                "the cluster's default",
                "StorageClass of every member's volume",
            ),
            attr(
                "name",
                ValueType::String,
                "block name",
                "the MongoDB database that holds the collections",
            ),
        ],
        blocks: &[
            "collection",
            "shard",
            "config_server",
            "router",
            "job_annotations",
            "atlas",
            "enterprise",
        ],
        repeatable: &["collection"],
        free_form: false,
    },
    BlockSchema {
        kind: "lint",
        label: LabelRule::None,
        doc: "project lint settings",
        attributes: &[
            attr(
                "deny",
                ValueType::RuleList,
                "`[]`",
                "rules raised to errors",
            ),
            attr("allow", ValueType::RuleList, "`[]`", "rules turned off"),
        ],
        blocks: &[],
        repeatable: &[],
        free_form: false,
    },
    // Nested blocks.
    BlockSchema {
        kind: "enterprise",
        label: LabelRule::None,
        doc: "MongoDB Enterprise operator settings of a database with `operator = mongodb-enterprise`",
        attributes: &[
            required(
                "project_config_map",
                ValueType::String,
                "ConfigMap naming the Ops Manager or Cloud Manager project (`opsManager.configMapRef`)",
            ),
            required(
                "credentials",
                ValueType::String,
                "Secret holding the Ops Manager API key the operator uses",
            ),
            required(
                "setup_secret",
                ValueType::String,
                "Secret (keys `username`, `password`) of the user the shard-setup Job logs in as",
            ),
        ],
        blocks: &[],
        repeatable: &[],
        free_form: false,
    },
    BlockSchema {
        kind: "atlas",
        label: LabelRule::None,
        doc: "MongoDB Atlas settings of a database with `operator = atlas`",
        attributes: &[
            required(
                "project",
                ValueType::String,
                "the AtlasProject the cluster belongs to (its Kubernetes and Atlas name)",
            ),
            attr(
                "create_project",
                ValueType::Bool,
                "`false`",
                "emit the AtlasProject; otherwise it exists and is referenced by name",
            ),
            required(
                "provider",
                ValueType::Word(ATLAS_PROVIDERS),
                "cloud provider of the cluster",
            ),
            required(
                "region",
                ValueType::String,
                "Atlas region name, e.g. `\"US_EAST_1\"`",
            ),
            required(
                "instance",
                ValueType::InstanceSizeOrRange,
                "instance size of every node, M30 or larger; a range turns on compute autoscaling",
            ),
            attr(
                "compute_scale_down",
                ValueType::Bool,
                "`true`",
                "whether compute autoscaling may scale down (with a range)",
            ),
            attr(
                "disk_autoscaling",
                ValueType::Bool,
                "`true`",
                "whether Atlas grows the disk as it fills",
            ),
            required(
                "password_secret",
                ValueType::String,
                "Secret (key `password`) of the shard-setup user's password",
            ),
        ],
        blocks: &[],
        repeatable: &[],
        free_form: false,
    },
    BlockSchema {
        kind: "trigger_auth",
        label: LabelRule::Required(
            "the TriggerAuthentication's name, which a queue's `auth` names",
        ),
        doc: "how KEDA authenticates to what a queue's trigger reads: an identity, or Secret and ConfigMap keys",
        attributes: &[
            attr(
                "pod_identity",
                ValueType::Word(POD_IDENTITIES),
                "",
                "the platform identity KEDA reads with (`podIdentity.provider`)",
            ),
            attr(
                "role",
                ValueType::String,
                "",
                "an IAM role ARN KEDA assumes with its own identity (`podIdentity.roleArn`)",
            ),
            attr(
                "owner",
                ValueType::Word(IDENTITY_OWNERS),
                "`keda`",
                "whose identity: KEDA's own, or the scaled service's (`podIdentity.identityOwner`)",
            ),
            attr(
                "scope",
                ValueType::Word(TRIGGER_AUTH_SCOPES),
                "`namespace`",
                "`namespace`: a TriggerAuthentication in the project's namespace; `cluster`: a cluster-scoped ClusterTriggerAuthentication, whose Secrets and ConfigMaps KEDA reads in its own namespace",
            ),
            attr(
                "external",
                ValueType::Bool,
                "`false`",
                "`true`: the platform or another project provides it; queues name it (with its `scope`'s kind) and scalec does not write it. Takes no identity and no `parameters`",
            ),
        ],
        blocks: &["parameters"],
        repeatable: &[],
        free_form: false,
    },
    BlockSchema {
        kind: "environment",
        label: LabelRule::Required(
            "the environment's name: `scalec build` writes it to `OUT/PROJECT/NAME/`",
        ),
        doc: "what one environment changes in the project's blocks: each block in it overrides the base block of the same kind and name",
        attributes: &[],
        blocks: ENVIRONMENT_BLOCKS,
        // All but the singletons: one block per name.
        repeatable: ENVIRONMENT_BLOCKS.split_at(SINGLETONS.len()).1,
        free_form: false,
    },
    BlockSchema {
        kind: "loadtest",
        label: LabelRule::Required(
            "the load test's name: `scalec build` writes it as `NAME.k6.js`",
        ),
        doc: "a k6 load test of the project's services, from the policy's own numbers",
        attributes: &[
            attr(
                "base_url",
                ValueType::String,
                "`\"BASE_URL\"`",
                "the environment variable that holds the base URL the requests go to",
            ),
            attr(
                "users",
                ValueType::Number,
                "",
                "virtual users at the peak (k6 `ramping-vus`); give `users` or `rate`",
            ),
            attr(
                "rate",
                ValueType::Number,
                "",
                "requests per second at the peak (k6 `ramping-arrival-rate`); give `users` or `rate`",
            ),
            attr(
                "think",
                ValueType::Duration,
                "`1s`",
                "with `users`: each user's pause after a request",
            ),
            required("ramp", ValueType::Duration, "from none to the peak"),
            attr("hold", ValueType::Duration, "`0s`", "at the peak"),
            attr(
                "ramp_down",
                ValueType::Duration,
                "`0s`",
                "from the peak to none",
            ),
        ],
        blocks: &["target", "expect"],
        repeatable: &["target"],
        free_form: false,
    },
    BlockSchema {
        kind: "target",
        label: LabelRule::Required("the service the requests go to"),
        doc: "an endpoint the load test sends requests to, and its share of them",
        attributes: &[
            attr(
                "method",
                ValueType::Word(HTTP_METHODS),
                "`GET`; `POST` with a `body`",
                "the HTTP method",
            ),
            required("path", ValueType::String, "the path, from `/`"),
            attr(
                "body",
                ValueType::String,
                "",
                "the request body, sent as written (with `content_type`)",
            ),
            attr(
                "content_type",
                ValueType::String,
                "`\"application/json\"` with a `body`",
                "the request's `Content-Type`",
            ),
            attr(
                "weight",
                ValueType::Count,
                "`1`",
                "the share of the users (or of the rate) that send to it, against the other targets' weights",
            ),
        ],
        blocks: &[],
        repeatable: &[],
        free_form: false,
    },
    BlockSchema {
        kind: "expect",
        label: LabelRule::None,
        doc: "the load test's thresholds: k6 fails the test when one is crossed",
        attributes: &[
            attr(
                "p95",
                ValueType::Duration,
                "",
                "the 95th percentile of request durations stays below this",
            ),
            attr(
                "p99",
                ValueType::Duration,
                "",
                "the 99th percentile of request durations stays below this",
            ),
            attr(
                "errors",
                ValueType::Percent,
                "",
                "the share of failed requests stays below this",
            ),
        ],
        blocks: &[],
        repeatable: &[],
        free_form: false,
    },
    BlockSchema {
        kind: "schedule",
        label: LabelRule::Required("the schedule's name, which a service's `scale` block names"),
        doc: "a recurring window during which a service keeps at least some pods (KEDA's `cron` trigger)",
        attributes: &[
            required(
                "timezone",
                ValueType::String,
                "IANA time zone of `start` and `end`, e.g. `\"Europe/Berlin\"` or `\"UTC\"`",
            ),
            required(
                "start",
                ValueType::String,
                "when the window opens: cron, five fields (minute hour day-of-month month day-of-week)",
            ),
            required(
                "end",
                ValueType::String,
                "when the window closes: cron, five fields, not the same as `start`",
            ),
        ],
        blocks: &[],
        repeatable: &[],
        free_form: false,
    },
    BlockSchema {
        kind: "nodes",
        label: LabelRule::None,
        doc: "the node pool, for capacity checks, and with `provisioner = karpenter` a Karpenter NodePool",
        attributes: &[
            required(
                "count",
                ValueType::CountOrRange,
                "number of nodes, or `min .. max`",
            ),
            required("cpu", ValueType::Cpu, "allocatable cpu per node"),
            required("memory", ValueType::Memory, "allocatable memory per node"),
            attr(
                "gpu",
                ValueType::Count,
                "`0`",
                "allocatable NVIDIA GPUs (`nvidia.com/gpu`) per node",
            ),
            attr(
                "ephemeral_storage",
                ValueType::Memory,
                "",
                "allocatable ephemeral storage per node; unchecked when not stated",
            ),
            attr(
                "provisioner",
                ValueType::Word(PROVISIONERS),
                "",
                "`karpenter`: `build` writes the pool as a Karpenter NodePool (`nodepool.yaml`)",
            ),
            attr(
                "node_class",
                ValueType::Name,
                "`default`",
                "with Karpenter: the EC2NodeClass its nodes are launched from",
            ),
            attr(
                "arch",
                ValueType::Words(ARCHES),
                "",
                "with Karpenter: the CPU architectures its nodes may have (`kubernetes.io/arch`)",
            ),
            attr(
                "capacity",
                ValueType::Words(CAPACITY_TYPES),
                "",
                "with Karpenter: how its instances may be bought (`karpenter.sh/capacity-type`)",
            ),
            attr(
                "instance_families",
                ValueType::Strings,
                "",
                "with Karpenter: the only EC2 instance families, e.g. `[\"m7g\", \"c7g\"]`",
            ),
            attr(
                "instance_sizes",
                ValueType::Strings,
                "",
                "with Karpenter: the only EC2 instance sizes, e.g. `[\"2xlarge\"]`",
            ),
            attr(
                "consolidation",
                ValueType::Word(CONSOLIDATIONS),
                "`when_underutilized`",
                "with Karpenter: remove only empty nodes, or also repack underutilized ones",
            ),
            attr(
                "consolidate_after",
                ValueType::Duration,
                "`0s`",
                "with Karpenter: how long a node stays empty or underutilized before it goes",
            ),
            attr(
                "disruption_budget",
                ValueType::CountOrPercent,
                "`10%`",
                "with Karpenter: how many of its nodes may be disrupted at once",
            ),
            attr(
                "expire_after",
                ValueType::Duration,
                "`720h`",
                "with Karpenter: the age at which a node is replaced",
            ),
        ],
        blocks: &[],
        repeatable: &[],
        free_form: false,
    },
    BlockSchema {
        kind: "shard",
        label: LabelRule::None,
        doc: "what each shard member (a `mongod` pod) requests",
        attributes: &[
            CPU_ATTRIBUTE,
            attr(
                "memory",
                ValueType::MemoryOrRange,
                "",
                "memory request, or request `..` limit; `mongod` sizes its cache from the limit",
            ),
        ],
        blocks: &[],
        repeatable: &[],
        free_form: false,
    },
    BlockSchema {
        kind: "job_annotations",
        label: LabelRule::None,
        doc: "annotations of the shard-setup Job (an Argo CD sync wave, say): `\"key\" = \"value\"` lines",
        attributes: &[],
        blocks: &[],
        repeatable: &[],
        free_form: true,
    },
    BlockSchema {
        kind: "config_server",
        label: LabelRule::None,
        doc: "what each config server (a `mongod` pod) requests",
        attributes: &[
            CPU_ATTRIBUTE,
            MEMORY_ATTRIBUTE,
            attr(
                "storage",
                ValueType::Memory,
                "the database's `storage`",
                "volume size per config server",
            ),
        ],
        blocks: &[],
        repeatable: &[],
        free_form: false,
    },
    BlockSchema {
        kind: "router",
        label: LabelRule::None,
        doc: "what each router (a `mongos` pod) requests",
        attributes: &[CPU_ATTRIBUTE, MEMORY_ATTRIBUTE],
        blocks: &[],
        repeatable: &[],
        free_form: false,
    },
    BlockSchema {
        kind: "selector",
        label: LabelRule::None,
        doc: "label selector of a metric: `key = \"value\"` lines",
        attributes: &[],
        blocks: &[],
        repeatable: &[],
        free_form: true,
    },
    BlockSchema {
        kind: "object",
        label: LabelRule::None,
        doc: "the object an `object` metric describes",
        attributes: &[
            required("kind", ValueType::String, "object kind, e.g. `\"Ingress\"`"),
            required("name", ValueType::String, "object name"),
            required(
                "api_version",
                ValueType::String,
                "object API version, e.g. `\"networking.k8s.io/v1\"`",
            ),
        ],
        blocks: &[],
        repeatable: &[],
        free_form: false,
    },
    BlockSchema {
        kind: "scale",
        label: LabelRule::Required(
            "what to scale on: `cpu`, `memory`, or a declared metric, queue or schedule",
        ),
        doc: "one autoscaling signal, with exactly one target",
        attributes: &[
            attr(
                "utilization",
                ValueType::Percent,
                "",
                "percent of the request (cpu and memory only)",
            ),
            attr(
                "average",
                ValueType::Quantity,
                "",
                "per-pod average; for a queue, messages per pod",
            ),
            attr("total", ValueType::Quantity, "", "total across all pods"),
            attr(
                "replicas",
                ValueType::Count,
                "",
                "a schedule's target: at least this many pods while it is on (KEDA only)",
            ),
            attr(
                "activation",
                ValueType::Quantity,
                "KEDA: `0`",
                "KEDA only: at or below this value the service stays at zero (or `idle_replicas`); in the target's unit",
            ),
        ],
        blocks: &[],
        repeatable: &[],
        free_form: false,
    },
    BlockSchema {
        kind: "scale_up",
        label: LabelRule::None,
        doc: "how fast the autoscaler adds pods",
        attributes: BEHAVIOR_ATTRIBUTES,
        blocks: &[],
        repeatable: &[],
        free_form: false,
    },
    BlockSchema {
        kind: "scale_down",
        label: LabelRule::None,
        doc: "how fast the autoscaler removes pods",
        attributes: BEHAVIOR_ATTRIBUTES,
        blocks: &[],
        repeatable: &[],
        free_form: false,
    },
    BlockSchema {
        kind: "load",
        label: LabelRule::None,
        doc: "declared peak load and one pod's capacity, in requests per second",
        attributes: &[
            required(
                "peak",
                ValueType::Number,
                "peak requests per second for the service",
            ),
            required(
                "per_pod",
                ValueType::Number,
                "requests per second one pod serves at full load",
            ),
            attr(
                "startup",
                ValueType::Duration,
                "30s",
                "how long a new pod takes from scheduled to ready, for `scalec plan`",
            ),
        ],
        blocks: &[],
        repeatable: &[],
        free_form: false,
    },
    BlockSchema {
        kind: "disruption",
        label: LabelRule::None,
        doc: "the disruption budget; set one of the two",
        attributes: &[
            attr(
                "max_unavailable",
                ValueType::CountOrPercent,
                "`1`",
                "pods that may be down at once",
            ),
            attr(
                "min_available",
                ValueType::CountOrPercent,
                "",
                "pods that must stay up",
            ),
        ],
        blocks: &[],
        repeatable: &[],
        free_form: false,
    },
    BlockSchema {
        kind: "env",
        label: LabelRule::None,
        doc: "container environment: `KEY = \"value\"`, `KEY = secret(\"name\", \"key\")` or `KEY = config_map(\"name\", \"key\")` lines",
        attributes: &[],
        blocks: &[],
        repeatable: &[],
        free_form: true,
    },
    BlockSchema {
        kind: "connections",
        label: LabelRule::Required("the database, by the name of its `database` block"),
        doc: "the connection pool each pod of the service holds to a database",
        attributes: &[required(
            "pool",
            ValueType::Count,
            "connections each pod holds open at most",
        )],
        blocks: &[],
        repeatable: &[],
        free_form: false,
    },
    BlockSchema {
        kind: "port",
        label: LabelRule::Required(
            "the port's name (an IANA service name: at most 15 lower-case letters, digits and `-`)",
        ),
        doc: "a named container port, also a port of the service's Kubernetes Service",
        attributes: &[
            required("number", ValueType::Port, "the port number"),
            attr(
                "protocol",
                ValueType::Word(PROTOCOLS),
                "`tcp`",
                "transport protocol",
            ),
        ],
        blocks: &[],
        repeatable: &[],
        free_form: false,
    },
    BlockSchema {
        kind: "labels",
        label: LabelRule::None,
        doc: "labels of the Deployment, beside scalec's own: `\"key\" = \"value\"` lines",
        attributes: &[],
        blocks: &[],
        repeatable: &[],
        free_form: true,
    },
    BlockSchema {
        kind: "annotations",
        label: LabelRule::None,
        doc: "annotations of the Deployment, beside scalec's own: `\"key\" = \"value\"` lines",
        attributes: &[],
        blocks: &[],
        repeatable: &[],
        free_form: true,
    },
    BlockSchema {
        kind: "node_selector",
        label: LabelRule::None,
        doc: "node labels the pods' nodes must have: `\"key\" = \"value\"` lines",
        attributes: &[],
        blocks: &[],
        repeatable: &[],
        free_form: true,
    },
    BlockSchema {
        kind: "toleration",
        label: LabelRule::None,
        doc: "a node taint the pods tolerate",
        attributes: &[
            required("key", ValueType::String, "the taint's key"),
            attr(
                "value",
                ValueType::String,
                "",
                "the taint's value; without it, any value (`Exists`)",
            ),
            attr(
                "effect",
                ValueType::Word(TAINT_EFFECTS),
                "",
                "the taint's effect; without it, every effect",
            ),
            attr(
                "seconds",
                ValueType::Count,
                "forever",
                "how long a running pod stays after a `no_execute` taint appears (`tolerationSeconds`); only with `effect = no_execute`",
            ),
        ],
        blocks: &[],
        repeatable: &[],
        free_form: false,
    },
    BlockSchema {
        kind: "node_affinity",
        label: LabelRule::None,
        doc: "a node label the pods require, or prefer with a `weight`",
        attributes: &[
            required("key", ValueType::String, "the node label's key"),
            attr(
                "operator",
                ValueType::Word(NODE_OPERATORS),
                "`in`",
                "how the node's label compares with `values`",
            ),
            attr(
                "values",
                ValueType::NameList,
                "",
                "label values: one or more for `in` and `not_in`, one integer for `gt` and `lt`, none for `exists` and `does_not_exist`",
            ),
            attr(
                "weight",
                ValueType::Count,
                "",
                "1 to 100: only prefer nodes that match, with this weight; without it, they are required",
            ),
        ],
        blocks: &[],
        repeatable: &[],
        free_form: false,
    },
    BlockSchema {
        kind: "pod_labels",
        label: LabelRule::None,
        doc: "labels of every pod, beside scalec's own: `\"key\" = \"value\"` lines",
        attributes: &[],
        blocks: &[],
        repeatable: &[],
        free_form: true,
    },
    BlockSchema {
        kind: "pod_annotations",
        label: LabelRule::None,
        doc: "annotations of every pod, beside scalec's own: `\"key\" = \"value\"` lines",
        attributes: &[],
        blocks: &[],
        repeatable: &[],
        free_form: true,
    },
    BlockSchema {
        kind: "files",
        label: LabelRule::None,
        doc: "files mounted read-only: `\"/path\" = secret(\"name\")` or `config_map(\"name\")` lines",
        attributes: &[],
        blocks: &[],
        repeatable: &[],
        free_form: true,
    },
    BlockSchema {
        kind: "probe",
        label: LabelRule::Required("`readiness`, `liveness` or `startup`"),
        doc: "one container probe, with exactly one of `http`, `tcp`, `exec` and `grpc`",
        attributes: &[
            attr(
                "http",
                ValueType::Path,
                "",
                "HTTP GET this path; healthy on a 2xx or 3xx answer",
            ),
            attr(
                "port",
                ValueType::Port,
                "the service's `port`",
                "port of the `http` probe; must be the service's `port`",
            ),
            attr(
                "tcp",
                ValueType::Port,
                "",
                "open a TCP connection to this port (the service's `port`)",
            ),
            attr(
                "exec",
                ValueType::Command,
                "",
                "run this command in the container; healthy when it exits 0",
            ),
            attr(
                "grpc",
                ValueType::Port,
                "",
                "call the gRPC health service on this port (the service's `port`)",
            ),
            attr(
                "grpc_service",
                ValueType::String,
                "`\"\"`",
                "the gRPC health service name asked for, with `grpc`",
            ),
            attr(
                "initial_delay",
                ValueType::Duration,
                "`0s`",
                "wait this long after the container starts; whole seconds",
            ),
            attr(
                "period",
                ValueType::Duration,
                "`10s`",
                "probe this often; whole seconds from `1s`",
            ),
            attr(
                "timeout",
                ValueType::Duration,
                "`1s`",
                "a probe that takes longer fails; whole seconds from `1s`",
            ),
            attr(
                "failure_threshold",
                ValueType::Count,
                "`3`",
                "failures in a row before the probe counts as failed; from 1",
            ),
            attr(
                "success_threshold",
                ValueType::Count,
                "`1`",
                "successes in a row before a failed probe counts as passing; only `readiness` may set more than 1",
            ),
        ],
        blocks: &[],
        repeatable: &[],
        free_form: false,
    },
    BlockSchema {
        kind: "security",
        label: LabelRule::None,
        doc: "relaxations of the hardened pod; each needs a `reason`",
        attributes: &[
            attr(
                "run_as_root",
                ValueType::Bool,
                "`false`",
                "run as the image's user, root allowed: no `runAsNonRoot`, no `runAsUser`",
            ),
            attr(
                "user",
                ValueType::Count,
                "`10001`",
                "user and group id of the pod, 1 to 2147483647",
            ),
            attr(
                "writable_root",
                ValueType::Bool,
                "`false`",
                "a writable root filesystem",
            ),
            attr(
                "privilege_escalation",
                ValueType::Bool,
                "`false`",
                "let setuid binaries raise privileges",
            ),
            attr(
                "reason",
                ValueType::String,
                "",
                "why the service needs this; required with any other attribute",
            ),
        ],
        blocks: &[],
        repeatable: &[],
        free_form: false,
    },
    BlockSchema {
        kind: "identity",
        label: LabelRule::None,
        doc: "the service's ServiceAccount: cloud identity and API token",
        attributes: &[
            attr(
                "aws_role",
                ValueType::String,
                "",
                "IAM role ARN for IRSA: `eks.amazonaws.com/role-arn` on the ServiceAccount",
            ),
            attr(
                "gcp_service_account",
                ValueType::String,
                "",
                "Google service account email for GKE workload identity: `iam.gke.io/gcp-service-account`",
            ),
            attr(
                "kubernetes_api",
                ValueType::Bool,
                "`false`",
                "mount the ServiceAccount token, for a pod that calls the Kubernetes API",
            ),
        ],
        blocks: &[],
        repeatable: &[],
        free_form: false,
    },
    BlockSchema {
        kind: "parameters",
        label: LabelRule::None,
        doc: "scaler parameters read from Secret or ConfigMap keys: `awsAccessKeyID = secret(\"name\", \"key\")` lines",
        attributes: &[],
        blocks: &[],
        repeatable: &[],
        free_form: true,
    },
    BlockSchema {
        kind: "keda",
        label: LabelRule::None,
        doc: "options of the service's KEDA ScaledObject (`autoscaler = keda` only)",
        attributes: &[
            attr(
                "polling",
                ValueType::Duration,
                "KEDA: `30s`",
                "how often KEDA reads each trigger (`pollingInterval`), at least `1s`",
            ),
            attr(
                "cooldown",
                ValueType::Duration,
                "KEDA: `5m`",
                "how long after the last active trigger KEDA scales to zero or `idle_replicas` (`cooldownPeriod`)",
            ),
            attr(
                "initial_cooldown",
                ValueType::Duration,
                "KEDA: `0s`",
                "how long after the ScaledObject is created KEDA may first scale to zero (`initialCooldownPeriod`)",
            ),
            attr(
                "idle_replicas",
                ValueType::Count,
                "",
                "`0`: no pods while no trigger is active, and at least the `replicas` minimum (1 or more) while one is (`idleReplicaCount`)",
            ),
        ],
        blocks: &["fallback"],
        repeatable: &[],
        free_form: false,
    },
    BlockSchema {
        kind: "job",
        label: LabelRule::None,
        doc: "runs the service as queue-driven batch Jobs of a KEDA ScaledJob instead of a Deployment",
        attributes: &[
            attr(
                "deadline",
                ValueType::Duration,
                "none: a Job may run forever",
                "how long one Job may run, retries included, before Kubernetes stops it (`activeDeadlineSeconds`); whole seconds",
            ),
            attr(
                "retries",
                ValueType::Count,
                "Kubernetes: `6`",
                "failed pods a Job replaces before it fails (`backoffLimit`)",
            ),
            attr(
                "parallelism",
                ValueType::Count,
                "Kubernetes: `1`",
                "pods of one Job running at once, 1 or more (`parallelism`)",
            ),
            attr(
                "strategy",
                ValueType::Word(JOB_STRATEGIES),
                "KEDA: `default`",
                "how KEDA counts the Jobs to start (`scalingStrategy.strategy`): `default` subtracts running Jobs from the queue, `accurate` only Jobs not started yet, `eager` fills every free slot",
            ),
            attr(
                "successful_history",
                ValueType::Count,
                "KEDA: `100`",
                "finished Jobs kept for inspection (`successfulJobsHistoryLimit`)",
            ),
            attr(
                "failed_history",
                ValueType::Count,
                "KEDA: `100`",
                "failed Jobs kept for inspection (`failedJobsHistoryLimit`)",
            ),
        ],
        blocks: &[],
        repeatable: &[],
        free_form: false,
    },
    BlockSchema {
        kind: "fallback",
        label: LabelRule::None,
        doc: "the replicas KEDA asks for while a trigger cannot be read",
        attributes: &[
            required(
                "failures",
                ValueType::Count,
                "failed reads of a trigger in a row before the fallback applies (`failureThreshold`)",
            ),
            required(
                "replicas",
                ValueType::Count,
                "the replicas to run meanwhile; the HPA keeps them within `replicas`",
            ),
            attr(
                "behavior",
                ValueType::Word(FALLBACK_BEHAVIORS),
                "`static`",
                "`static`: run `replicas`; `current_replicas`: keep what runs; `current_replicas_if_higher` or `_if_lower`: keep what runs if more (or fewer) than `replicas`",
            ),
        ],
        blocks: &[],
        repeatable: &[],
        free_form: false,
    },
    BlockSchema {
        kind: "metrics",
        label: LabelRule::None,
        doc: "the service's own Prometheus metrics endpoint: a PodMonitor or ServiceMonitor, and a NetworkPolicy rule that admits Prometheus to the port",
        attributes: &[
            attr(
                "port",
                ValueType::Name,
                "`http`",
                "the name of the service's port that serves the metrics: `http` (of `port = N`) or a `port` block's",
            ),
            attr(
                "path",
                ValueType::Path,
                "`\"/metrics\"`",
                "the HTTP path Prometheus scrapes",
            ),
            attr(
                "interval",
                ValueType::Duration,
                "Prometheus' global interval",
                "how often Prometheus scrapes; whole seconds from `1s`",
            ),
            attr(
                "monitor",
                ValueType::Word(MONITORS),
                "`pod`",
                "`pod`: a PodMonitor finds the pods by label; `service`: a ServiceMonitor finds them through the service's Service",
            ),
            attr(
                "prometheus_namespace",
                ValueType::Name,
                "`monitoring`",
                "the namespace Prometheus runs in, whose pods the NetworkPolicy admits to the port",
            ),
        ],
        blocks: &["monitor_labels"],
        repeatable: &[],
        free_form: false,
    },
    BlockSchema {
        kind: "monitor_labels",
        label: LabelRule::None,
        doc: "labels of the PodMonitor or ServiceMonitor, beside scalec's own (the label your Prometheus selects monitors by, e.g. kube-prometheus-stack's `release`): `\"key\" = \"value\"` lines",
        attributes: &[],
        blocks: &[],
        repeatable: &[],
        free_form: true,
    },
    BlockSchema {
        kind: "collection",
        label: LabelRule::Required("the collection's name"),
        doc: "a sharded collection",
        attributes: &[required(
            "shard_key",
            ValueType::ShardKey,
            "the shard key, in order",
        )],
        blocks: &["field"],
        repeatable: &["field"],
        free_form: false,
    },
    BlockSchema {
        kind: "field",
        label: LabelRule::Required("the field's name"),
        doc: "facts about a field's values, read by the shard-key checks",
        attributes: &[
            attr(
                "type",
                ValueType::Word(FIELD_TYPES),
                "`objectid` for `_id`",
                "BSON type of the field",
            ),
            attr(
                "cardinality",
                ValueType::Number,
                "",
                "expected number of distinct values",
            ),
            attr(
                "top_share",
                ValueType::Percent,
                "",
                "share of documents holding the most frequent value",
            ),
            attr(
                "monotonic",
                ValueType::Bool,
                "`true` for `objectid`, `date`, `timestamp`",
                "whether new values only grow",
            ),
        ],
        blocks: &[],
        repeatable: &[],
        free_form: false,
    },
];

const BEHAVIOR_ATTRIBUTES: &[AttributeSchema] = &[
    attr(
        "stabilization",
        ValueType::Duration,
        "Kubernetes: `0s` up, `5m` down",
        "window over which the autoscaler takes the safest recommendation",
    ),
    attr(
        "rate",
        ValueType::Rates,
        "Kubernetes defaults",
        "at most this many pods (or percent) per period",
    ),
    attr(
        "select",
        ValueType::Word(SELECT_POLICIES),
        "`max`",
        "which rate applies when several do; `disabled` stops this direction",
    ),
    attr(
        "tolerance",
        ValueType::Percent,
        "`10%`",
        "ignore metric changes smaller than this (Kubernetes 1.35+)",
    ),
];

/// The kinds allowed at the top level of a file.
pub const TOP_LEVEL: &[&str] = &[
    "cluster",
    "defaults",
    "metric",
    "queue",
    "service",
    "database",
    "lint",
    "trigger_auth",
    "schedule",
    "loadtest",
    "environment",
];

/// Top-level kinds of which a project has at most one.
pub const SINGLETONS: [&str; 3] = ["cluster", "defaults", "lint"];

/// What an `environment` may override: every top-level kind but its own,
/// the [`SINGLETONS`] first.
const ENVIRONMENT_BLOCKS: &[&str] = &[
    "cluster",
    "defaults",
    "lint",
    "metric",
    "queue",
    "service",
    "database",
    "trigger_auth",
    "schedule",
    "loadtest",
];

/// The schema of a block kind.
pub fn block(kind: &str) -> Option<&'static BlockSchema> {
    BLOCKS.iter().find(|b| b.kind == kind)
}

/// Whether a block of `kind`, opened inside a block of kind `parent`, may
/// have been meant to stand at the top level: its kind may stand there, and
/// may not be nested in `parent`. Asked of the blocks inside a block that is
/// never closed (`syntax::Recovered::swallowed`).
pub fn may_be_meant_for_top_level(kind: &str, parent: &str) -> bool {
    let nested = block(parent).map_or(&[][..], |s| s.blocks);
    TOP_LEVEL.contains(&kind) && !nested.contains(&kind)
}

impl BlockSchema {
    pub fn attribute(&self, name: &str) -> Option<&'static AttributeSchema> {
        // `attributes` is 'static in every table above.
        let attributes: &'static [AttributeSchema] = self.attributes;
        attributes.iter().find(|a| a.name == name)
    }
}

/// The Markdown table documenting a block kind's attributes, as it stands in
/// `docs/language.md` between `<!-- schema: KIND -->` and `<!-- /schema -->`.
pub fn markdown_table(schema: &BlockSchema) -> String {
    let mut out = String::new();
    if !schema.attributes.is_empty() {
        out.push_str("| attribute | value | default | required | meaning |\n");
        out.push_str("|---|---|---|---|---|\n");
        for a in schema.attributes {
            let default = if a.default.is_empty() {
                "—"
            } else {
                a.default
            };
            let required = if a.required { "yes" } else { "no" };
            out.push_str(&format!(
                "| `{}` | {} | {default} | {required} | {} |\n",
                a.name,
                a.value.describe(),
                a.doc
            ));
        }
    }
    if schema.free_form {
        out.push_str(&format!("Any line of the block's kind: {}.\n", schema.doc));
    }
    if !schema.blocks.is_empty() {
        let blocks: Vec<String> = schema
            .blocks
            .iter()
            .map(|b| {
                let repeat = if schema.repeatable.contains(b) {
                    " (repeatable)"
                } else {
                    ""
                };
                format!("`{b}`{repeat}")
            })
            .collect();
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(&format!("Nested blocks: {}.\n", blocks.join(", ")));
    }
    let label = match schema.label {
        LabelRule::Required(what) => format!("Label (required): {what}."),
        LabelRule::Optional(what) => format!("Label (optional): {what}."),
        LabelRule::None => "Takes no label.".to_string(),
    };
    if !out.is_empty() {
        out.push('\n');
    }
    out.push_str(&label);
    out.push('\n');
    out
}
