//! The typed, validated model of one project: what `lint` reads and `emit`
//! compiles. Built by `lower` from the ASTs of a project's files.
//!
//! Every entity keeps the [`Span`]s it came from, so a rule can label the exact
//! value that is unsafe. Values inherited from `defaults` keep the span of the
//! `defaults` attribute. Quantities are exact integers in a fixed unit
//! (millicores, millibytes, milliseconds, parts per million), never floats.
//!
//! The model derives no `Serialize`: a serialized type is a promise to users.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::PathBuf;

use crate::source::{FileId, Span, eq_ignoring_spans};

pub mod adapter;
pub mod autoscalers;
pub mod connections;
pub mod security;

pub use autoscalers::{AutoscaleRange, RangeRefusal, SignalKind};
pub use security::{Hardening, Identity, Security};

/// A value and the span it was written at. Equality compares the values
/// only, as all of the model's equality ignores where things were written.
#[derive(Clone, Debug)]
pub struct Spanned<T> {
    pub value: T,
    pub span: Span,
}

impl<T: PartialEq> PartialEq for Spanned<T> {
    fn eq(&self, other: &Self) -> bool {
        self.value == other.value
    }
}

impl<T: Eq> Eq for Spanned<T> {}

impl<T> Spanned<T> {
    pub fn new(value: T, span: Span) -> Self {
        Spanned { value, span }
    }
}

/// One directory of `.scale` files: one namespace.
#[derive(Clone, Debug)]
pub struct Project {
    /// The directory, as named or found.
    pub dir: PathBuf,
    pub files: Vec<FileId>,
    pub cluster: Cluster,
    /// Sorted by name.
    pub services: Vec<Service>,
    pub metrics: Vec<Metric>,
    pub queues: Vec<Queue>,
    /// `schedule` blocks, sorted by name.
    pub schedules: Vec<Schedule>,
    pub databases: Vec<Database>,
    /// `database` blocks with `engine = postgresql`, sorted by name.
    pub postgres: Vec<Postgres>,
    /// `trigger_auth` blocks, sorted by name.
    pub trigger_auths: Vec<TriggerAuth>,
    /// `loadtest` blocks, sorted by name.
    pub loadtests: Vec<LoadTest>,
    pub lint: LintSettings,
    /// `# scalec: allow ...` comments, in file order.
    pub suppressions: Vec<Suppression>,
    /// `# scalec:` comments that are not valid directives.
    pub malformed_directives: Vec<Spanned<String>>,
    /// The environment this project was lowered for; `None` for a project
    /// without `environment` blocks.
    pub environment: Option<environment::Environment>,
    /// What lowering left out for language errors: empty for a project
    /// without any. The lists above hold only complete entities once
    /// [`Project::complete_part`] has dropped the rest.
    pub omitted: Omitted,
}

/// What a project with language errors leaves out, so that lint judges only
/// what is known exactly as written.
///
/// An entity is complete when its top-level block parsed and lowered without
/// an error, no other block shares its name (E005), the project-wide context
/// is known, and, for a service, every metric and queue it scales on is
/// complete. The rest is named here, by kind.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Omitted {
    /// The project-wide context is not known: a `cluster`, `defaults` or
    /// `lint` block has an error or does not parse, or a top-level item is
    /// of no known kind (an unknown block, an attribute outside any block, a
    /// top-level line that does not parse), which may be a misspelt one.
    /// Every entity reads the context, so all of them are omitted and
    /// nothing is linted.
    pub context: bool,
    /// The `cluster` block does not parse: the project's target and name
    /// are unknown.
    pub cluster_unparsed: bool,
    /// Names of omitted services; `""` for a block written without a name.
    pub services: BTreeSet<String>,
    pub metrics: BTreeSet<String>,
    pub queues: BTreeSet<String>,
    pub schedules: BTreeSet<String>,
    pub databases: BTreeSet<String>,
}

impl Omitted {
    /// Whether nothing is omitted.
    pub fn is_empty(&self) -> bool {
        *self == Omitted::default()
    }
}

/// `# scalec: allow CODE reason` on the line before a block or attribute.
#[derive(Clone, Debug)]
pub struct Suppression {
    /// Rule codes or names, as written.
    pub rules: Vec<Spanned<String>>,
    pub reason: Option<String>,
    /// The comment.
    pub span: Span,
    /// The block or attribute it silences findings in; `None` if no block or
    /// attribute follows on the next line.
    pub target: Option<Span>,
    /// For a suppression on an environment's override block, the base block
    /// it changes: the merged block's findings are silenced too, in this
    /// environment only.
    pub overrides: Option<Span>,
}

impl Project {
    /// The project without what [`Project::omitted`] names: only complete
    /// entities, which lint reads. When the context is unknown, no entity is
    /// left.
    pub fn complete_part(&self) -> Project {
        let omitted = &self.omitted;
        let keep = |names: &BTreeSet<String>, name: &Spanned<String>| {
            !omitted.context && !names.contains(&name.value)
        };
        Project {
            services: (self.services.iter())
                .filter(|s| keep(&omitted.services, &s.name))
                .cloned()
                .collect(),
            metrics: (self.metrics.iter())
                .filter(|m| keep(&omitted.metrics, &m.name))
                .cloned()
                .collect(),
            queues: (self.queues.iter())
                .filter(|q| keep(&omitted.queues, &q.name))
                .cloned()
                .collect(),
            schedules: (self.schedules.iter())
                .filter(|s| keep(&omitted.schedules, &s.name))
                .cloned()
                .collect(),
            databases: (self.databases.iter())
                .filter(|d| keep(&omitted.databases, &d.name))
                .cloned()
                .collect(),
            postgres: (self.postgres.iter())
                .filter(|d| keep(&omitted.databases, &d.name))
                .cloned()
                .collect(),
            ..self.clone()
        }
    }

    pub fn metric(&self, name: &str) -> Option<&Metric> {
        self.metrics.iter().find(|m| m.name.value == name)
    }

    pub fn queue(&self, name: &str) -> Option<&Queue> {
        self.queues.iter().find(|q| q.name.value == name)
    }

    /// The MongoDB database `name`, if declared.
    pub fn database(&self, name: &str) -> Option<&Database> {
        self.databases.iter().find(|d| d.name.value == name)
    }

    pub fn schedule(&self, name: &str) -> Option<&Schedule> {
        self.schedules.iter().find(|s| s.name.value == name)
    }

    /// What a signal is to an autoscaler; `None` for a metric the project
    /// does not declare (lowering reports it, E004).
    pub fn signal_kind(&self, source: &SignalSource) -> Option<SignalKind> {
        match source {
            SignalSource::Cpu => Some(SignalKind::Cpu),
            SignalSource::Memory => Some(SignalKind::Memory),
            SignalSource::Metric(name) => {
                self.metric(name).map(|m| SignalKind::Metric(m.kind.value))
            }
            SignalSource::Queue(_) => Some(SignalKind::Queue),
            SignalSource::Schedule(_) => Some(SignalKind::Schedule),
        }
    }
}

/// Declares an enum whose variants are the words of a policy attribute: the
/// enum, its `WORDS` (the schema's word list, in this order), `from_word` and
/// `word`. A word cannot exist without its variant, nor a variant without
/// its word, and lowering needs no `_ => default` arm.
macro_rules! keywords {
    (
        $(#[$meta:meta])*
        pub enum $name:ident { $($(#[$vmeta:meta])* $variant:ident = $word:literal),* $(,)? }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum $name {
            $($(#[$vmeta])* $variant),*
        }

        impl $name {
            /// Every word, as the schema lists them.
            pub const WORDS: &'static [&'static str] = &[$($word),*];

            /// The variant a word names.
            pub fn from_word(word: &str) -> Option<$name> {
                match word {
                    $($word => Some($name::$variant),)*
                    _ => None,
                }
            }

            /// The word that names the variant.
            pub fn word(self) -> &'static str {
                match self {
                    $($name::$variant => $word),*
                }
            }
        }

        impl Keyword for $name {
            const WORDS: &'static [&'static str] = $name::WORDS;

            fn from_word(word: &str) -> Option<$name> {
                $name::from_word(word)
            }
        }
    };
}

pub mod network;

pub use network::{Call, NamedPort, PortRef, Protocol};
pub mod atlas;
pub mod job;
pub mod karpenter;
pub mod keda;
pub mod monitor;
pub mod pod;
pub mod scheduling;
pub use atlas::{Atlas, AtlasProvider, InstanceClass, InstanceSize};
pub use connections::{Connection, Postgres};
pub use job::{Job, JobStrategy};
pub use karpenter::Karpenter;
pub use keda::{Fallback, FallbackBehavior, KedaOptions};
pub use monitor::{MetricsEndpoint, MonitorKind};
pub mod environment;
pub mod loadtest;
pub mod schedule;
pub mod trigger_auth;
pub use loadtest::LoadTest;
pub use schedule::Schedule;
pub use scheduling::{NodeOperator, NodeRequirement, Scheduling, TaintEffect, Toleration};
pub use trigger_auth::{IdentityOwner, PodIdentity, TriggerAuth, TriggerAuthScope};

pub use pod::{ConfigSource, EnvValue, KeyRef, Metadata, PreStop, Probe, ProbeHandler, ProbeKind};

/// An enum declared with `keywords!`, for code generic over them (lowering).
pub trait Keyword: Sized + Copy {
    const WORDS: &'static [&'static str];
    fn from_word(word: &str) -> Option<Self>;
}

/// A Kubernetes minor version, e.g. 1.34.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct KubeVersion {
    pub major: u32,
    pub minor: u32,
}

impl KubeVersion {
    /// The oldest version scalec targets.
    pub const OLDEST: KubeVersion = KubeVersion {
        major: 1,
        minor: 33,
    };
    /// The newest version scalec targets, and the default.
    pub const NEWEST: KubeVersion = KubeVersion {
        major: 1,
        minor: 37,
    };
}

/// A Kubernetes feature that some versions serve and others do not.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KubeFeature {
    /// What it is, for people.
    pub name: &'static str,
    /// The first version that serves it by default.
    pub since: KubeVersion,
    /// How it got there, for the docs.
    pub history: &'static str,
    /// The rule that reads it.
    pub rule: &'static str,
}

/// Whole seconds as a policy writes them: `90s`, `5m`, `1h`.
pub fn format_seconds(seconds: i64) -> String {
    if seconds != 0 && seconds % 3600 == 0 {
        format!("{}h", seconds / 3600)
    } else if seconds != 0 && seconds % 60 == 0 {
        format!("{}m", seconds / 60)
    } else {
        format!("{seconds}s")
    }
}

/// The one table of Kubernetes feature versions: lint (K108, K120), emit and
/// `docs/rules.md` all read these.
pub mod features {
    use super::{KubeFeature, KubeVersion};

    /// HPA `minReplicas: 0` (HPAScaleToZero).
    pub const HPA_SCALE_TO_ZERO: KubeFeature = KubeFeature {
        name: "HPA `minReplicas: 0` (HPAScaleToZero)",
        since: KubeVersion {
            major: 1,
            minor: 37,
        },
        history: "beta, on by default; earlier only behind the alpha feature gate",
        rule: "K108",
    };

    /// HPA per-direction `behavior.scaleUp/scaleDown.tolerance`.
    pub const HPA_TOLERANCE: KubeFeature = KubeFeature {
        name: "HPA per-direction `behavior.scaleUp/scaleDown.tolerance`",
        since: KubeVersion {
            major: 1,
            minor: 35,
        },
        history: "beta, on by default; alpha in 1.33 and 1.34",
        rule: "K120",
    };

    /// Any printable ASCII environment variable name but `=`
    /// (RelaxedEnvironmentVariableValidation); lowering checks env names by it.
    pub const RELAXED_ENV_NAMES: KubeFeature = KubeFeature {
        name: "env names of any printable ASCII but `=` (RelaxedEnvironmentVariableValidation)",
        since: KubeVersion {
            major: 1,
            minor: 34,
        },
        history: "GA; beta, and so possibly turned off, in 1.33",
        rule: "E006",
    };

    /// Job `podFailurePolicy`, which the shard-setup Job uses.
    pub const JOB_POD_FAILURE_POLICY: KubeFeature = KubeFeature {
        name: "Job `podFailurePolicy` (the shard-setup Job's)",
        since: KubeVersion {
            major: 1,
            minor: 31,
        },
        history: "stable; beta and on by default from 1.26",
        rule: "emit (every target serves it)",
    };

    /// Topology spread `matchLabelKeys` (MatchLabelKeysInPodTopologySpread),
    /// which spreads each ReplicaSet of a rollout on its own.
    pub const SPREAD_MATCH_LABEL_KEYS: KubeFeature = KubeFeature {
        name: "topology spread `matchLabelKeys` (MatchLabelKeysInPodTopologySpread)",
        since: KubeVersion {
            major: 1,
            minor: 27,
        },
        history: "beta, on by default; alpha in 1.25 and 1.26",
        rule: "emit (every target serves it)",
    };

    /// Every feature, for the docs.
    pub const ALL: &[KubeFeature] = &[
        HPA_SCALE_TO_ZERO,
        HPA_TOLERANCE,
        RELAXED_ENV_NAMES,
        JOB_POD_FAILURE_POLICY,
        SPREAD_MATCH_LABEL_KEYS,
    ];
}

impl fmt::Display for KubeVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.major, self.minor)
    }
}

keywords! {
    pub enum Autoscaler {
        Hpa = "hpa",
        Keda = "keda",
    }
}

keywords! {
    /// `cluster { metrics_adapter }`: what serves the custom and external
    /// metrics HPA-scaled services read.
    pub enum MetricsAdapter {
        /// prometheus-adapter: scalec writes its rules for exactly the
        /// metrics the project's HPAs read.
        PrometheusAdapter = "prometheus-adapter",
        /// An adapter the platform runs and configures (the Datadog Cluster
        /// Agent, a CloudWatch adapter, ...): trusted to serve every name.
        Other = "other",
    }
}

/// The `cluster` block, or its defaults when the project has none.
#[derive(Clone, Debug)]
pub struct Cluster {
    pub name: Option<Spanned<String>>,
    /// `project = NAME`: the project's name, which wins over its directory's
    /// (a DNS-1123 label, checked in lowering).
    pub project: Option<Spanned<String>>,
    /// `None` span parts mean the value is the default.
    pub kubernetes: KubeVersion,
    pub kubernetes_span: Option<Span>,
    pub namespace: String,
    pub namespace_span: Option<Span>,
    pub autoscaler: Autoscaler,
    pub autoscaler_span: Option<Span>,
    /// `metrics_adapter`: what serves HPA-scaled services' custom and
    /// external metrics; `None` when the policy does not say (K127).
    pub metrics_adapter: Option<Spanned<MetricsAdapter>>,
    /// `prometheus`: the Prometheus server KEDA's `prometheus` triggers
    /// query, an `http://` or `https://` URL.
    pub prometheus: Option<Spanned<String>>,
    /// `adapter_namespace`: where prometheus-adapter runs and reads its
    /// rules ConfigMap.
    pub adapter_namespace: String,
    pub nodes: Option<NodePool>,
    pub span: Option<Span>,
}

impl Cluster {
    /// prometheus-adapter's namespace when the policy does not say.
    pub const DEFAULT_ADAPTER_NAMESPACE: &'static str = "monitoring";

    /// Whether prometheus-adapter serves the HPAs' metrics, from rules
    /// scalec writes.
    pub fn prometheus_adapter(&self) -> bool {
        (self.metrics_adapter.as_ref())
            .is_some_and(|a| a.value == MetricsAdapter::PrometheusAdapter)
    }
}

impl Default for Cluster {
    fn default() -> Self {
        Cluster {
            name: None,
            project: None,
            kubernetes: KubeVersion::NEWEST,
            kubernetes_span: None,
            namespace: "default".into(),
            namespace_span: None,
            autoscaler: Autoscaler::Hpa,
            autoscaler_span: None,
            metrics_adapter: None,
            prometheus: None,
            adapter_namespace: Cluster::DEFAULT_ADAPTER_NAMESPACE.into(),
            nodes: None,
            span: None,
        }
    }
}

/// `nodes { count, cpu, memory }`: the node pool, for capacity checks.
#[derive(Clone, Debug)]
pub struct NodePool {
    pub count: Spanned<CountRange>,
    pub cpu: Spanned<Cpu>,
    pub memory: Spanned<Memory>,
    /// `gpu`: NVIDIA GPUs per node; none when not written.
    pub gpu: Option<Spanned<i32>>,
    /// `ephemeral_storage` per node; C302, C303 and C304 check it only when
    /// written.
    pub ephemeral_storage: Option<Spanned<Memory>>,
    /// `provisioner = karpenter` and what its NodePool says.
    pub karpenter: Option<karpenter::Karpenter>,
    pub span: Span,
}

/// `min .. max`, or one number for both.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CountRange {
    pub min: u32,
    pub max: u32,
}

/// CPU in millicores, with the text as written (`250m`, `1`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cpu {
    pub millicores: u64,
    pub text: String,
}

/// Memory in millibytes (Kubernetes quantities may be fractional: `512m` is
/// 0.512 bytes), with the text as written (`512Mi`). At most 2^63 − 1 bytes,
/// the largest Kubernetes quantity (lowering rejects more), so lint's u128
/// arithmetic on it (× replicas, × nodes) cannot overflow.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Memory {
    pub millibytes: u128,
    pub text: String,
    /// Written with the milli suffix `m`, which is almost always a slip for `Mi`.
    pub milli_unit: bool,
}

impl Memory {
    /// Whole bytes, rounded up.
    pub fn bytes(&self) -> u128 {
        self.millibytes.div_ceil(1000)
    }
}

/// A request and an optional limit: `cpu = 250m .. 1`.
#[derive(Clone, Debug, PartialEq)]
pub struct Resource<T> {
    pub request: Spanned<T>,
    pub limit: Option<Spanned<T>>,
}

/// `replicas`: a fixed count or an autoscaling range.
///
/// Counts are `i32` because Kubernetes stores them in int32 fields
/// (`spec.replicas`, `minReplicas`, `maxReplicas`): lowering proves every count
/// is from 0 to [`i32::MAX`] (E003 otherwise), so emit writes them as they
/// are and never converts, clamps or invents one. They are never negative.
#[derive(Clone, Debug)]
pub enum Replicas {
    Fixed(Spanned<i32>),
    Range {
        min: Spanned<i32>,
        max: Spanned<i32>,
        span: Span,
    },
}

/// A service's replica bounds and where they were written.
#[derive(Clone, Debug, PartialEq)]
pub struct ReplicaBounds {
    pub min: Spanned<u32>,
    pub max: Spanned<u32>,
    /// `replicas = N`: no autoscaling range.
    pub fixed: bool,
}

/// A count lowering proved to be 0 or more, as the unsigned number lint
/// computes with.
fn unsigned(n: &Spanned<i32>) -> Spanned<u32> {
    Spanned::new(n.value.unsigned_abs(), n.span)
}

impl Replicas {
    pub fn bounds(&self) -> ReplicaBounds {
        match self {
            Replicas::Fixed(n) => ReplicaBounds {
                min: unsigned(n),
                max: unsigned(n),
                fixed: true,
            },
            Replicas::Range { min, max, .. } => ReplicaBounds {
                min: unsigned(min),
                max: unsigned(max),
                fixed: false,
            },
        }
    }

    /// The lowest and highest count, as Kubernetes stores them.
    pub fn range(&self) -> (i32, i32) {
        match self {
            Replicas::Fixed(n) => (n.value, n.value),
            Replicas::Range { min, max, .. } => (min.value, max.value),
        }
    }

    /// The whole `replicas` value.
    pub fn span(&self) -> Span {
        match self {
            Replicas::Fixed(n) => n.span,
            Replicas::Range { span, .. } => *span,
        }
    }
}

impl Service {
    /// The range its autoscaler is written with, or why no autoscaler can be
    /// written with its `replicas` (the guards K101 and K102 report those);
    /// `None` when the service does not autoscale.
    pub fn autoscale_range(&self) -> Option<Result<AutoscaleRange, RangeRefusal>> {
        self.is_autoscaled()
            .then(|| autoscalers::autoscale_range(self.replicas.as_ref()))
    }

    /// Where its autoscaler was chosen, with a label naming it ("the project
    /// uses KEDA"), for findings that depend on it; `None` when no
    /// `autoscaler` is written (the HPA).
    pub fn autoscaler_origin(&self, cluster: &Cluster) -> Option<(Span, String)> {
        let span = self.autoscaler_span?;
        let name = match self.autoscaler {
            Autoscaler::Hpa => "the HPA",
            Autoscaler::Keda => "KEDA",
        };
        let label = if self.span.contains(span) {
            format!("service `{}` uses {name}", self.name.value)
        } else if cluster.autoscaler_span == Some(span) {
            format!("the project uses {name}")
        } else {
            format!("`defaults` chooses {name}")
        };
        Some((span, label))
    }

    /// Whether the service runs as a KEDA ScaledJob (`job { ... }`).
    pub fn is_job(&self) -> bool {
        self.job.is_some()
    }

    /// Whether the service has autoscaling signals.
    pub fn is_autoscaled(&self) -> bool {
        !self.scaling.is_empty()
    }

    pub fn bounds(&self) -> Option<ReplicaBounds> {
        self.replicas.as_ref().map(Replicas::bounds)
    }

    /// The disruption budget written for this service: its `disruption` block
    /// whenever it has one (a budget the user asked for is never dropped),
    /// otherwise the default `maxUnavailable: 1` when it keeps two pods or more
    /// (at its fixed size or the bottom of its range; 1 without `replicas`).
    /// A service below two pods without a `disruption` block gets none: a
    /// default budget could only allow its only pod to go.
    pub fn disruption_budget(&self) -> Option<DisruptionBudget<'_>> {
        // A job's pods end by themselves; lowering refuses its `disruption`.
        if self.is_job() {
            return None;
        }
        if let Some(disruption) = &self.disruption {
            return Some(DisruptionBudget::Written(disruption));
        }
        let min = self.bounds().map_or(1, |bounds| bounds.min.value);
        (min >= 2).then_some(DisruptionBudget::Default)
    }

    /// Kubernetes' grace period when a pod does not set one.
    pub const DEFAULT_GRACE_PERIOD_SECONDS: i64 = 30;

    /// The grace period its pods get: written, or Kubernetes' 30 s.
    pub fn grace_period_seconds(&self) -> i64 {
        (self.grace_period_seconds.as_ref()).map_or(Self::DEFAULT_GRACE_PERIOD_SECONDS, |g| g.value)
    }

    /// The pod's security settings: the hardened defaults, or what its
    /// `security` block relaxes.
    pub fn hardening(&self) -> Hardening {
        self.security
            .as_ref()
            .map_or(Hardening::DEFAULT, Security::hardening)
    }

    /// Whether the pod gets its ServiceAccount token mounted.
    pub fn mounts_token(&self) -> bool {
        self.identity.as_ref().is_some_and(Identity::mounts_token)
    }

    /// The cpu `utilization` target, if the service scales on one.
    pub fn cpu_utilization(&self) -> Option<&Spanned<Target>> {
        self.scaling
            .iter()
            .find(|s| {
                s.source.value == SignalSource::Cpu
                    && matches!(s.target.value, Target::Utilization(_))
            })
            .map(|s| &s.target)
    }
}

#[derive(Clone, Debug)]
pub struct Service {
    pub name: Spanned<String>,
    pub file: FileId,
    /// The whole `service` block.
    pub span: Span,
    pub image: Spanned<String>,
    pub port: Option<Spanned<u16>>,
    pub health: Option<Spanned<String>>,
    pub cpu: Option<Resource<Cpu>>,
    pub memory: Option<Resource<Memory>>,
    /// `gpu = N`: `nvidia.com/gpu`, requested and limited alike; 1 or more.
    pub gpu: Option<Spanned<i32>>,
    /// `ephemeral_storage`: request and optional limit, the limit no lower.
    pub ephemeral_storage: Option<Resource<Memory>>,
    pub replicas: Option<Replicas>,
    /// What scales it: its own `autoscaler`, else `defaults`', else the
    /// `cluster`'s, else the HPA.
    pub autoscaler: Autoscaler,
    /// The `autoscaler` attribute that chose [`Service::autoscaler`] (the
    /// service's, `defaults`' or `cluster`'s); `None` when none is written.
    pub autoscaler_span: Option<Span>,
    pub scaling: Vec<ScaleSignal>,
    pub scale_up: Option<Behavior>,
    pub scale_down: Option<Behavior>,
    pub load: Option<Load>,
    pub disruption: Option<Disruption>,
    pub spread: Option<Spanned<Spread>>,
    /// `spread_strict = true`: `whenUnsatisfiable: DoNotSchedule` rather
    /// than `ScheduleAnyway`.
    pub spread_strict: Option<Spanned<bool>>,
    /// Priority class, node selector, tolerations and zones.
    pub scheduling: Scheduling,
    /// `port NAME { ... }` blocks, by name; `port = N` is [`Service::port`].
    pub named_ports: Vec<NamedPort>,
    /// `calls = [...]`: the services and databases this one calls.
    pub calls: Vec<Call>,
    /// `public = true`: any source may reach every port.
    pub public: Option<Spanned<bool>>,
    /// `ingress_from = [...]`: namespaces whose pods may reach every port.
    pub ingress_from: Vec<Spanned<String>>,
    pub env: BTreeMap<String, Spanned<EnvValue>>,
    /// `env_from`: every key of these becomes a variable, in this order.
    pub env_from: Vec<Spanned<ConfigSource>>,
    /// `files`: mount path → the Secret or ConfigMap mounted there, read-only.
    pub files: BTreeMap<String, Spanned<ConfigSource>>,
    /// `labels`, `annotations`, `pod_labels`, `pod_annotations`.
    pub metadata: Metadata,
    /// `image_pull_secrets`: Secret names, as written.
    pub image_pull_secrets: Vec<Spanned<String>>,
    /// `probe` blocks, at most one of each kind, in the order readiness,
    /// liveness, startup. `health` is not among them.
    pub probes: Vec<Probe>,
    /// `grace_period`: `terminationGracePeriodSeconds`, whole seconds.
    pub grace_period_seconds: Option<Spanned<i64>>,
    pub pre_stop: Option<Spanned<PreStop>>,
    /// `job_duration`, in milliseconds: how long one job takes at most.
    pub job_duration_millis: Option<Spanned<u128>>,
    /// `tmp = SIZE`: a writable emptyDir of at most this size at `/tmp`.
    pub tmp: Option<Spanned<Memory>>,
    /// `security { ... }`: relaxations of the hardened pod, with a reason.
    pub security: Option<Security>,
    /// `identity { ... }`: cloud identity and Kubernetes API token.
    pub identity: Option<Identity>,
    /// `keda { ... }`: options of the ScaledObject.
    pub keda: Option<KedaOptions>,
    /// `job { ... }`: the service runs as Jobs of a KEDA ScaledJob, not as a
    /// Deployment.
    pub job: Option<Job>,
    /// `connections DATABASE { pool = N }`: the databases it holds
    /// connection pools to, in the order written.
    pub connections: Vec<Connection>,
    /// `metrics { ... }`: its own metrics endpoint, which Prometheus scrapes.
    pub metrics: Option<MetricsEndpoint>,
}

/// What a `scale` block scales on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SignalSource {
    Cpu,
    Memory,
    /// A declared `metric`, by name.
    Metric(String),
    /// A declared `queue`, by name.
    Queue(String),
    /// A declared `schedule`, by name.
    Schedule(String),
}

impl SignalSource {
    /// The name written after `scale`: `cpu`, `memory`, or the metric, queue
    /// or schedule.
    pub fn name(&self) -> &str {
        match self {
            SignalSource::Cpu => "cpu",
            SignalSource::Memory => "memory",
            SignalSource::Metric(name)
            | SignalSource::Queue(name)
            | SignalSource::Schedule(name) => name,
        }
    }
}

/// One `scale METRIC { target }` block.
#[derive(Clone, Debug)]
pub struct ScaleSignal {
    pub source: Spanned<SignalSource>,
    /// The target; its span is the value (`70%`), not the whole attribute.
    pub target: Spanned<Target>,
    /// `activation`: the value at or below which KEDA leaves the service at
    /// zero (or idle); in the target's unit. KEDA only.
    pub activation: Option<Spanned<MetricValue>>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    /// Percent of the request (resource metrics only): HPA `Utilization`,
    /// an int32 field; never negative.
    Utilization(i32),
    /// Per-pod average: HPA `AverageValue`; for a queue, messages per pod.
    Average(MetricValue),
    /// Total across pods: HPA `Value`.
    Total(MetricValue),
    /// A schedule's `replicas`: at least this many pods while the schedule's
    /// window is open (KEDA `desiredReplicas`); 1 to [`i32::MAX`].
    Replicas(i32),
}

/// A Kubernetes quantity used as a metric target, exact in thousandths, with the
/// text as written (`500`, `500m`, `1k`, `512Mi`). At most 2^63 − 1, the
/// largest Kubernetes quantity.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MetricValue {
    pub milli: u128,
    pub text: String,
}

/// `scale_up { ... }` or `scale_down { ... }`: HPA `behavior` for one direction.
#[derive(Clone, Debug)]
pub struct Behavior {
    /// At most 3600 (Kubernetes' limit); an int32 field.
    pub stabilization_seconds: Option<Spanned<i32>>,
    pub rates: Vec<Spanned<RatePolicy>>,
    pub select: Option<Spanned<SelectPolicy>>,
    /// Parts per million (`5%` is 50 000).
    pub tolerance_ppm: Option<Spanned<u32>>,
    pub span: Span,
}

/// `50% per 1m` or `4 per 15s`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RatePolicy {
    pub amount: RateAmount,
    /// 1 to 1800 (Kubernetes' limit); an int32 field.
    pub period_seconds: i32,
}

/// HPA scaling policy `value`s are int32: lowering proves each is from 1 to
/// [`i32::MAX`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RateAmount {
    Percent(i32),
    Pods(i32),
}

keywords! {
    pub enum SelectPolicy {
        Max = "max",
        Min = "min",
        Disabled = "disabled",
    }
}

/// `load { peak, per_pod }` in requests per second, in thousandths.
#[derive(Clone, Debug)]
pub struct Load {
    pub peak_milli: Spanned<u64>,
    pub per_pod_milli: Spanned<u64>,
    /// `startup`: whole seconds from scheduled to ready (`scalec plan`).
    pub startup_seconds: Option<Spanned<i32>>,
    pub span: Span,
}

/// A `disruption { max_unavailable | min_available }` block.
#[derive(Clone, Debug, PartialEq)]
pub enum Disruption {
    MaxUnavailable(Spanned<IntOrPercent>),
    MinAvailable(Spanned<IntOrPercent>),
}

/// The PodDisruptionBudget a service gets, as [`Service::disruption_budget`]
/// decides it: emit writes exactly this, and K119 judges exactly this.
#[derive(Clone, Copy, Debug)]
pub enum DisruptionBudget<'a> {
    /// The service's `disruption` block, or the one it inherits from
    /// `defaults`: always written, whatever the replica count.
    Written(&'a Disruption),
    /// No `disruption` and a minimum of 2 or more: `maxUnavailable: 1`, which
    /// never blocks a drain.
    Default,
}

/// A disruption budget bound. `Int` is an int32 field of the
/// PodDisruptionBudget: lowering proves it is from 0 to [`i32::MAX`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IntOrPercent {
    Int(i32),
    Percent(u32),
}

keywords! {
    pub enum Spread {
        Zone = "zone",
        Node = "node",
    }
}

keywords! {
    pub enum MetricKind {
        Pods = "pods",
        Object = "object",
        External = "external",
    }
}

/// `metric NAME { ... }`: a custom or external metric.
#[derive(Clone, Debug)]
pub struct Metric {
    pub name: Spanned<String>,
    pub kind: Spanned<MetricKind>,
    /// The name the metrics adapter serves; defaults to the block name.
    pub metric_name: String,
    pub selector: BTreeMap<String, String>,
    pub object: Option<ObjectRef>,
    /// What Prometheus computes the metric from, when it is read through
    /// Prometheus (KEDA's `prometheus` trigger, or prometheus-adapter).
    pub prometheus: PrometheusSeries,
    pub span: Span,
}

/// A metric as Prometheus computes it: `sum(SERIES{...})` for a gauge,
/// `sum(rate(SERIES{...}[WINDOW]))` for a counter.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PrometheusSeries {
    /// `series`, or the metric's `name`, with where it is written (the
    /// block's label when neither is).
    pub series: Spanned<String>,
    /// `rate`: the window of `rate()`, in milliseconds, for a counter.
    pub rate_millis: Option<u128>,
}

/// The object a `kind = object` metric describes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ObjectRef {
    pub kind: String,
    pub name: String,
    pub api_version: String,
}

keywords! {
    pub enum QueueProvider {
        AwsSqs = "aws-sqs",
        Kafka = "kafka",
        RabbitMq = "rabbitmq",
        Redis = "redis",
    }
}

/// How KEDA authenticates to a queue (`auth`). Read only with
/// `autoscaler = keda`: under the HPA the metrics adapter reads the queue with
/// its own credentials.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum QueueAuth {
    /// `auth = NAME`: a `trigger_auth` of the project (a TriggerAuthentication
    /// in its namespace, or a ClusterTriggerAuthentication) or one the
    /// platform provides, emitted as the trigger's `authenticationRef`.
    TriggerAuthentication(String),
    /// `auth = operator`: the KEDA operator reads the queue with its own
    /// identity, emitted as `identityOwner: operator` in the trigger.
    Operator,
}

impl QueueAuth {
    /// The word that selects [`QueueAuth::Operator`]; any other name is a
    /// TriggerAuthentication.
    pub const OPERATOR: &'static str = "operator";
}

/// `queue NAME { ... }`: a work queue whose backlog drives scaling.
#[derive(Clone, Debug)]
pub struct Queue {
    pub name: Spanned<String>,
    /// Where the backlog is read, with what that provider needs.
    pub source: QueueSource,
    /// How KEDA authenticates; `None` when `auth` is not written (K121).
    pub auth: Option<Spanned<QueueAuth>>,
    /// The external metric name under `autoscaler = hpa`, if overridden.
    pub metric_name: Option<String>,
    /// The external metric's label selector, if overridden.
    pub selector: Option<BTreeMap<String, String>>,
    pub span: Span,
}

/// Where a queue's backlog is read: one variant per `provider`, each with
/// what that provider needs, so emit cannot write a trigger without it.
#[derive(Clone, Debug, PartialEq)]
pub enum QueueSource {
    /// `provider = aws-sqs`.
    Sqs {
        url: Spanned<String>,
        /// Declared, or read from a standard SQS URL.
        region: String,
        /// `in_flight`: whether KEDA counts in-flight messages
        /// (`scaleOnInFlight`, KEDA's default `true`), when written.
        in_flight: Option<Spanned<bool>>,
        /// `delayed`: whether KEDA counts delayed messages
        /// (`scaleOnDelayed`, KEDA's default `false`), when written.
        delayed: Option<Spanned<bool>>,
    },
    /// `provider = kafka`: the lag of a consumer group on a topic.
    Kafka {
        /// `brokers`: `host:port` each, at least one.
        brokers: Vec<String>,
        topic: Spanned<String>,
        consumer_group: Spanned<String>,
    },
    /// `provider = rabbitmq`: the ready messages of a queue. The broker's
    /// address holds a password: KEDA reads it from the `trigger_auth`
    /// parameter `host`.
    RabbitMq {
        queue_name: Spanned<String>,
        vhost: Option<Spanned<String>>,
    },
    /// `provider = redis`: the length of a list.
    Redis {
        /// `host:port`.
        address: String,
        list: Spanned<String>,
        database: Option<u32>,
    },
}

impl QueueSource {
    /// The provider this source was declared with.
    pub fn provider(&self) -> QueueProvider {
        match self {
            QueueSource::Sqs { .. } => QueueProvider::AwsSqs,
            QueueSource::Kafka { .. } => QueueProvider::Kafka,
            QueueSource::RabbitMq { .. } => QueueProvider::RabbitMq,
            QueueSource::Redis { .. } => QueueProvider::Redis,
        }
    }
}

impl QueueProvider {
    /// The type of KEDA trigger (its scaler) that reads this provider.
    pub fn keda_scaler(self) -> &'static str {
        match self {
            QueueProvider::AwsSqs => "aws-sqs-queue",
            QueueProvider::Kafka => "kafka",
            QueueProvider::RabbitMq => "rabbitmq",
            QueueProvider::Redis => "redis",
        }
    }

    /// The external metric an adapter serves the backlog as, by default,
    /// under `autoscaler = hpa`: the name of the usual exporter's metric.
    pub fn default_metric(self) -> &'static str {
        match self {
            QueueProvider::AwsSqs => "aws_sqs_approximate_number_of_messages_visible",
            // kafka-exporter (danielqsj/kafka_exporter).
            QueueProvider::Kafka => "kafka_consumergroup_lag",
            // RabbitMQ's Prometheus plugin with per-object metrics.
            QueueProvider::RabbitMq => "rabbitmq_queue_messages_ready",
            // redis_exporter with `--check-keys`.
            QueueProvider::Redis => "redis_key_size",
        }
    }
}

impl Queue {
    /// The options written on the queue that only KEDA's scaler reads, with
    /// where they are written: under the HPA the metrics adapter's metric
    /// decides what counts.
    pub fn keda_only_options(&self) -> Vec<(&'static str, Span)> {
        match &self.source {
            QueueSource::Sqs {
                in_flight, delayed, ..
            } => [("in_flight", in_flight), ("delayed", delayed)]
                .into_iter()
                .filter_map(|(name, value)| value.as_ref().map(|v| (name, v.span)))
                .collect(),
            _ => Vec::new(),
        }
    }

    /// The external metric's name under `autoscaler = hpa`: `metric`, or
    /// the provider's default.
    pub fn metric(&self) -> &str {
        (self.metric_name.as_deref()).unwrap_or_else(|| self.source.provider().default_metric())
    }

    /// The external metric's default selector under `autoscaler = hpa`:
    /// label, value, and the span of what the value comes from.
    pub fn default_selector(&self) -> Vec<(&'static str, &str, Span)> {
        match &self.source {
            QueueSource::Sqs { url, .. } => {
                let name = url.value.trim_end_matches('/').rsplit('/').next();
                vec![("queue_name", name.unwrap_or(&url.value), url.span)]
            }
            QueueSource::Kafka {
                topic,
                consumer_group,
                ..
            } => vec![
                ("consumergroup", &consumer_group.value, consumer_group.span),
                ("topic", &topic.value, topic.span),
            ],
            QueueSource::RabbitMq { queue_name, vhost } => {
                let mut selector = vec![("queue", queue_name.value.as_str(), queue_name.span)];
                if let Some(vhost) = vhost {
                    selector.push(("vhost", &vhost.value, vhost.span));
                }
                selector
            }
            QueueSource::Redis { list, .. } => vec![("key", &list.value, list.span)],
        }
    }

    /// The external metric's selector under `autoscaler = hpa`: `selector`,
    /// or the provider's default.
    pub fn selector(&self) -> BTreeMap<String, String> {
        match &self.selector {
            Some(selector) => selector.clone(),
            None => (self.default_selector().into_iter())
                .map(|(label, value, _)| (label.to_string(), value.to_string()))
                .collect(),
        }
    }
}

/// MongoDB's limit on the members of one replica set (of which at most 7
/// vote; the operator makes the others non-voting).
pub const MAX_REPLICA_SET_MEMBERS: u32 = 50;

/// The most pods Kubernetes supports in one cluster ("Considerations for large
/// clusters": at most 150,000 pods, 5,000 nodes, 110 pods per node).
pub const MAX_CLUSTER_PODS: u32 = 150_000;

keywords! {
    /// `engine`: the database.
    pub enum DatabaseEngine {
        MongoDb = "mongodb",
        /// Checked for connections only (C305); nothing is emitted.
        PostgreSql = "postgresql",
    }
}

keywords! {
    /// `operator`: what runs the database in the cluster; emit dispatches on it.
    pub enum DatabaseOperator {
        Percona = "percona",
        Atlas = "atlas",
        MongoDbEnterprise = "mongodb-enterprise",
    }
}

impl DatabaseOperator {
    /// Whether the cluster's pods run in the project's Kubernetes cluster,
    /// sized by the policy (`shard`, `config_server`, `router`, `routers`,
    /// `config_servers`); Atlas runs them itself, out of the cluster.
    pub fn runs_in_cluster(self) -> bool {
        match self {
            DatabaseOperator::Percona => true,
            DatabaseOperator::Atlas => false,
            DatabaseOperator::MongoDbEnterprise => true,
        }
    }
}

/// `database NAME { ... }`: a sharded MongoDB cluster.
///
/// Lowering bounds the sizes (E003): `members` and `config_servers` are 1 to
/// [`MAX_REPLICA_SET_MEMBERS`], `shards` and `routers` at least 1, and the
/// whole cluster at most [`MAX_CLUSTER_PODS`] pods, so every size fits the
/// operator's int32 fields and emit can write one entry per shard.
#[derive(Clone, Debug)]
pub struct Database {
    pub name: Spanned<String>,
    pub engine: DatabaseEngine,
    pub operator: DatabaseOperator,
    pub version: Option<Spanned<String>>,
    pub shards: Spanned<u32>,
    pub members: Spanned<u32>,
    pub config_servers: Spanned<u32>,
    pub routers: Spanned<u32>,
    pub storage: Option<Spanned<Memory>>,
    /// The StorageClass of every member's volume; the cluster's default
    /// when `None`.
    pub storage_class: Option<Spanned<String>>,
    /// What each shard member, config server and router requests.
    pub shard_pods: DatabasePods,
    pub config_server_pods: DatabasePods,
    pub router_pods: DatabasePods,
    /// The config servers' volume size, when it differs from `storage`.
    pub config_server_storage: Option<Spanned<Memory>>,
    /// `job_annotations { }`: on the shard-setup Job.
    pub job_annotations: BTreeMap<String, Spanned<String>>,
    /// `atlas { }`: what `operator = atlas` needs; `Some` exactly then.
    pub atlas: Option<Atlas>,
    /// `enterprise { }`: what `operator = mongodb-enterprise` needs; `Some`
    /// exactly then.
    pub enterprise: Option<Enterprise>,
    /// The MongoDB database holding the collections; defaults to the block name.
    pub database_name: String,
    pub collections: Vec<Collection>,
    pub span: Span,
}

/// `enterprise { }`: where the MongoDB Enterprise Kubernetes operator finds
/// its Ops Manager (or Cloud Manager) project and API key, and the login of
/// the shard-setup Job.
#[derive(Clone, Debug)]
pub struct Enterprise {
    /// The ConfigMap naming the Ops Manager project (`opsManager.configMapRef`).
    pub project_config_map: Spanned<String>,
    /// The Secret holding the Ops Manager API key (`credentials`).
    pub credentials: Spanned<String>,
    /// The Secret with `username` and `password` of the user the shard-setup
    /// Job logs in as.
    pub setup_secret: Spanned<String>,
    pub span: Span,
}

/// What each pod of one tier of a database (shard members, config servers
/// or routers) requests: a `shard`, `config_server` or `router` block.
#[derive(Clone, Debug, Default)]
pub struct DatabasePods {
    pub cpu: Option<Resource<Cpu>>,
    pub memory: Option<Resource<Memory>>,
    /// The block, when the policy has one.
    pub span: Option<Span>,
}

#[derive(Clone, Debug)]
pub struct Collection {
    pub name: Spanned<String>,
    pub shard_key: ShardKey,
    pub fields: BTreeMap<String, FieldFacts>,
    pub span: Span,
}

/// A shard key: one or more fields, in order.
#[derive(Clone, Debug)]
pub struct ShardKey {
    pub fields: Vec<ShardKeyField>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct ShardKeyField {
    pub name: String,
    pub hashed: bool,
    pub span: Span,
}

keywords! {
    pub enum FieldType {
        String = "string",
        Int = "int",
        Long = "long",
        Double = "double",
        Decimal = "decimal",
        Bool = "bool",
        Date = "date",
        Timestamp = "timestamp",
        ObjectId = "objectid",
        Uuid = "uuid",
    }
}

/// `field NAME { type, cardinality, top_share, monotonic }`: what the user knows
/// about a field's values, read by the shard-key checks.
#[derive(Clone, Debug)]
pub struct FieldFacts {
    pub name: Spanned<String>,
    pub field_type: Option<Spanned<FieldType>>,
    pub cardinality: Option<Spanned<u64>>,
    /// Parts per million.
    pub top_share_ppm: Option<Spanned<u32>>,
    pub monotonic: Option<Spanned<bool>>,
    pub span: Span,
}

/// `lint { deny, allow }`: rule codes or names, as written.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LintSettings {
    pub deny: Vec<Spanned<String>>,
    pub allow: Vec<Spanned<String>>,
}

// The model's equality ignores spans and file ids (see `eq_ignoring_spans!`):
// two projects are equal when they mean the same, however they were written,
// so tests compare models directly.
eq_ignoring_spans! {
    Project {
        dir, cluster, services, metrics, queues, schedules, databases, postgres, trigger_auths,
        loadtests, lint,
        suppressions,
        malformed_directives, environment, omitted,
    } ignoring { files }
    Cluster {
        name, project, kubernetes, namespace, autoscaler, metrics_adapter, prometheus,
        adapter_namespace, nodes,
    } ignoring { kubernetes_span, namespace_span, autoscaler_span, span }
    NodePool { count, cpu, memory, gpu, ephemeral_storage, karpenter } ignoring { span }
    Karpenter {
        node_class, arch, capacity, instance_families, instance_sizes, consolidation,
        consolidate_after_seconds, disruption_budget, expire_after_seconds,
    } ignoring { provisioner }
    Service {
        name, image, port, health, cpu, memory, gpu, ephemeral_storage, replicas, autoscaler, scaling, scale_up,
        scale_down, load, disruption, spread, spread_strict, scheduling, env, named_ports, calls, public,
        ingress_from, probes, grace_period_seconds, pre_stop, job_duration_millis,
        env_from, files, metadata, image_pull_secrets, tmp, security, identity, keda, connections, job,
        metrics,
    } ignoring { file, span, autoscaler_span }
    ScaleSignal { source, target, activation } ignoring { span }
    Behavior { stabilization_seconds, rates, select, tolerance_ppm } ignoring { span }
    Load { peak_milli, per_pod_milli, startup_seconds } ignoring { span }
    Metric { name, kind, metric_name, selector, object, prometheus } ignoring { span }
    Connection { database, pool } ignoring { span }
    Postgres { name, max_connections, reserved_connections } ignoring {
        max_connections_span, reserved_connections_span, span
    }
    Queue { name, source, auth, metric_name, selector } ignoring { span }
    Database {
        name, engine, operator, version, shards, members, config_servers, routers,
        storage, storage_class, shard_pods, config_server_pods, router_pods,
        config_server_storage, job_annotations, atlas, enterprise, database_name, collections,
    } ignoring { span }
    DatabasePods { cpu, memory } ignoring { span }
    Enterprise { project_config_map, credentials, setup_secret } ignoring { span }
    Collection { name, shard_key, fields } ignoring { span }
    ShardKey { fields } ignoring { span }
    ShardKeyField { name, hashed } ignoring { span }
    FieldFacts { name, field_type, cardinality, top_share_ppm, monotonic } ignoring { span }
}

impl PartialEq for Suppression {
    fn eq(&self, other: &Self) -> bool {
        let Suppression {
            rules,
            reason,
            span: _,
            target,
            overrides,
        } = self;
        *rules == other.rules
            && *reason == other.reason
            && target.is_some() == other.target.is_some()
            && overrides.is_some() == other.overrides.is_some()
    }
}

impl PartialEq for Replicas {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Replicas::Fixed(a), Replicas::Fixed(b)) => a == b,
            (
                Replicas::Range { min, max, span: _ },
                Replicas::Range {
                    min: other_min,
                    max: other_max,
                    span: _,
                },
            ) => min == other_min && max == other_max,
            _ => false,
        }
    }
}
