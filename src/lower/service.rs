//! Lowering of `service` and `defaults` blocks, and of what they hold: scale
//! signals, scaling behaviour, load, disruption budget and environment; what
//! they say about pods beyond that (probes, stopping, Secret and ConfigMap
//! references, metadata) is lowered by `lower/pod.rs`.
//!
//! `defaults` is lowered once, into [`ServiceParts`]; each service lowers into
//! the same shape and then takes every part it does not set from the defaults.
//! `scale` blocks are inherited as a set: a service that declares none takes
//! those of `defaults`, unless its replica count is fixed (it does not scale).
//! `autoscaler` is the service's, else `defaults`', else the `cluster`'s.
//! `probe` blocks are inherited by kind; `env`, `files` and the label and
//! annotation blocks key by key; `env_from` and `image_pull_secrets` whole.

use std::collections::BTreeMap;

use rayon::prelude::*;

use super::schema;
use super::{Fields, Lowerer, describe_block, values};
use crate::ast::ValueKind;
use crate::ast::{Block, Value};
use crate::diag::{Diagnostic, codes};
use crate::model::{
    Autoscaler, Behavior, Call, ConfigSource, Cpu, Disruption, EnvValue, Identity, Load, Memory,
    MetricValue, NamedPort, Protocol, Replicas, Resource, ScaleSignal, Security, SelectPolicy,
    Service, SignalSource, Spanned, Spread, Target,
};

/// The first Kubernetes version whose API server takes any printable ASCII
/// environment variable name but `=`, from the one table.
const RELAXED_ENV_NAMES: crate::model::KubeVersion =
    crate::model::features::RELAXED_ENV_NAMES.since;

/// The names a `scale` block may refer to.
pub(super) struct Scope<'a> {
    pub metrics: Vec<&'a str>,
    pub queues: Vec<&'a str>,
    pub schedules: Vec<&'a str>,
}

/// Everything a service or `defaults` block sets, before merging.
#[derive(Clone, Default)]
pub(super) struct ServiceParts {
    image: Option<Spanned<String>>,
    port: Option<Spanned<u16>>,
    health: Option<Spanned<String>>,
    cpu: Option<Resource<Cpu>>,
    memory: Option<Resource<Memory>>,
    gpu: Option<Spanned<i32>>,
    ephemeral_storage: Option<Resource<Memory>>,
    replicas: Option<Replicas>,
    autoscaler: Option<Spanned<Autoscaler>>,
    spread: Option<Spanned<Spread>>,
    spread_strict: Option<Spanned<bool>>,
    priority_class: Option<Spanned<String>>,
    zones: Option<Vec<Spanned<String>>>,
    node_selector: Option<BTreeMap<String, Spanned<String>>>,
    tolerations: Option<Vec<crate::model::Toleration>>,
    node_affinity: Option<Vec<crate::model::NodeRequirement>>,
    scaling: Vec<ScaleSignal>,
    scale_up: Option<Behavior>,
    scale_down: Option<Behavior>,
    load: Option<Load>,
    disruption: Option<Disruption>,
    named_ports: BTreeMap<String, NamedPort>,
    calls: Option<Vec<Call>>,
    public: Option<Spanned<bool>>,
    ingress_from: Option<Vec<Spanned<String>>>,
    env: BTreeMap<String, Spanned<EnvValue>>,
    env_from: Option<Vec<Spanned<ConfigSource>>>,
    files: BTreeMap<String, super::pod::FileMount>,
    metadata: crate::model::Metadata,
    image_pull_secrets: Option<Vec<Spanned<String>>>,
    probes: Vec<crate::model::Probe>,
    grace_period_seconds: Option<Spanned<i64>>,
    pre_stop: Option<Spanned<crate::model::PreStop>>,
    job_duration_millis: Option<Spanned<u128>>,
    tmp: Option<Spanned<Memory>>,
    security: Option<Security>,
    identity: Option<Identity>,
    keda: Option<crate::model::KedaOptions>,
    job: Option<crate::model::Job>,
    connections: Vec<crate::model::Connection>,
    metrics: Option<crate::model::MetricsEndpoint>,
}

/// From this many services on, they are lowered in parallel: below it,
/// starting threads costs more than it saves.
const PARALLEL_SERVICES: usize = 64;

impl Lowerer<'_> {
    /// Lowers the `service` blocks that parsed, in order, with what
    /// [`Lowerer::service`] reports. Many are lowered in parallel, each
    /// reporting into a list of its own, and the lists are gathered in the
    /// blocks' order: the diagnostics are those of lowering one by one.
    pub(super) fn services(
        &mut self,
        blocks: &[&Block],
        defaults: Option<&ServiceParts>,
        scope: &Scope<'_>,
    ) -> Vec<Service> {
        if blocks.len() < PARALLEL_SERVICES {
            return (blocks.iter())
                .filter_map(|block| self.service(block, defaults, scope))
                .collect();
        }
        let (services, found): (Vec<Option<Service>>, Vec<Vec<Diagnostic>>) = blocks
            .par_iter()
            .map(|block| {
                let mut sink = Vec::new();
                let mut lower = Lowerer {
                    sink: &mut sink,
                    target: self.target.clone(),
                    broken: self.broken,
                    cluster_known: self.cluster_known,
                    defaults_known: self.defaults_known,
                };
                let service = lower.service(block, defaults, scope);
                (service, sink)
            })
            .unzip();
        self.sink.extend(found.into_iter().flatten());
        // `filter_map` (unlike `flatten`) collects in place, since an
        // `Option<Service>` is a `Service` in size: the services are never
        // held twice.
        #[allow(clippy::filter_map_identity)]
        services.into_iter().filter_map(|service| service).collect()
    }

    /// Lowers the attributes and blocks of a `service` or `defaults` block.
    pub(super) fn service_parts(
        &mut self,
        block: &Block,
        kind: &str,
        scope: &Scope<'_>,
    ) -> ServiceParts {
        let schema = schema::block(kind).expect("service and defaults have schemas");
        let fields = self.fields(block, schema);
        let mut parts = ServiceParts {
            image: self.get(&fields, "image", values::string),
            port: self.get(&fields, "port", values::port),
            health: self.get(&fields, "health", health_path),
            cpu: self.resource(&fields, "cpu", values::cpu),
            memory: self.resource(&fields, "memory", values::memory),
            gpu: self.get(&fields, "gpu", gpu_count),
            ephemeral_storage: self.ephemeral_storage(&fields),
            replicas: self.replicas(&fields),
            autoscaler: self.get(&fields, "autoscaler", values::keyword::<Autoscaler>),
            spread: self.get(&fields, "spread", values::keyword::<Spread>),
            spread_strict: self.get(&fields, "spread_strict", values::boolean),
            priority_class: self.priority_class(&fields),
            zones: self.zones(&fields),
            calls: self.calls(&fields),
            public: self.get(&fields, "public", values::boolean),
            ingress_from: self.ingress_from(&fields),
            grace_period_seconds: self.get(&fields, "grace_period", |v| {
                values::duration_seconds(v, super::pod::MAX_SECONDS).map(i64::from)
            }),
            pre_stop: self.get(&fields, "pre_stop", super::pod::pre_stop),
            job_duration_millis: self.get(&fields, "job_duration", values::duration_millis),
            tmp: self.get(&fields, "tmp", tmp_size),
            ..ServiceParts::default()
        };
        if let Some(attribute) = fields.attributes.get("env_from") {
            parts.env_from = self.env_from(&attribute.value);
        }
        if let Some(attribute) = fields.attributes.get("image_pull_secrets") {
            parts.image_pull_secrets = self.image_pull_secrets(&attribute.value);
        }
        for child in &fields.blocks {
            match child.kind.name.as_str() {
                "scale" => {
                    if let Some(signal) = self.scale_signal(child, scope) {
                        self.push_signal(&mut parts.scaling, signal, block);
                    }
                }
                "scale_up" => parts.scale_up = Some(self.behavior(child)),
                "scale_down" => parts.scale_down = Some(self.behavior(child)),
                "load" => parts.load = self.load(child),
                "disruption" => parts.disruption = self.disruption(child),
                "env" => parts.env = self.env(child),
                "port" => {
                    if let Some(port) = self.named_port(child) {
                        match parts.named_ports.get(&port.name.value) {
                            Some(first) => {
                                let first = first.name.span;
                                self.port_twice(&port, first);
                            }
                            None => {
                                parts.named_ports.insert(port.name.value.clone(), port);
                            }
                        }
                    }
                }
                "files" => parts.files = self.files(child),
                "labels" => parts.metadata.labels = self.labels(child),
                "pod_labels" => parts.metadata.pod_labels = self.labels(child),
                "annotations" => parts.metadata.annotations = self.annotations(child),
                "pod_annotations" => parts.metadata.pod_annotations = self.annotations(child),
                "probe" => {
                    if let Some(probe) = self.probe(child) {
                        self.push_probe(&mut parts.probes, probe);
                    }
                }
                "security" => parts.security = self.security(child),
                "identity" => parts.identity = self.identity(child),
                "keda" => parts.keda = self.keda(child),
                "job" => parts.job = self.job(child),
                "connections" => {
                    let connection = self.connection(child, &parts.connections);
                    parts.connections.extend(connection);
                }
                "metrics" => parts.metrics = self.metrics_endpoint(child),
                "node_selector" => parts.node_selector = Some(self.labels(child)),
                "toleration" => {
                    let toleration = self.toleration(child);
                    let tolerations = parts.tolerations.get_or_insert_default();
                    tolerations.extend(toleration);
                }
                "node_affinity" => {
                    let requirement = self.node_requirement(child);
                    let requirements = parts.node_affinity.get_or_insert_default();
                    requirements.extend(requirement);
                }
                other => unreachable!("`{other}` is not in the service schema"),
            }
        }
        parts
    }

    /// Lowers a service and fills in what it does not set from `defaults`.
    pub(super) fn service(
        &mut self,
        block: &Block,
        defaults: Option<&ServiceParts>,
        scope: &Scope<'_>,
    ) -> Option<Service> {
        let label = block
            .label
            .as_ref()
            .expect("labels are checked before lowering");
        let name = Spanned::new(label.text.clone(), label.span);
        let valid_name = self.check_dns_name(&name.value, name.span, "Deployment");
        let mut own = self.service_parts(block, "service", scope);
        let mut inherited = defaults.cloned().unwrap_or_default();
        let job = own.job.take();
        if let Some(job) = &job {
            self.job_conflicts(block, &own, job, &name.value);
            // A job takes none of what a Deployment's pods serve or how an
            // HPA scales them from `defaults`: its own were refused above.
            inherited.port = None;
            inherited.health = None;
            inherited.named_ports.clear();
            inherited.probes.clear();
            inherited.disruption = None;
            inherited.scale_up = None;
            inherited.scale_down = None;
            inherited.load = None;
        }
        let replicas = own.replicas.or(inherited.replicas);
        let fixed = matches!(replicas, Some(Replicas::Fixed(_)));
        let scaling = if !own.scaling.is_empty() || fixed || job.is_some() {
            own.scaling
        } else {
            inherited.scaling
        };
        let mut env = inherited.env;
        env.extend(own.env);
        let mut named_ports = inherited.named_ports;
        named_ports.extend(own.named_ports);
        let port = own.port.or(inherited.port);
        let named_ports = self.distinct_ports(port.as_ref(), named_ports.into_values().collect());
        let has_ports = port.is_some() || !named_ports.is_empty();
        let mut files = inherited.files;
        files.extend(own.files);
        let tmp = own.tmp.or(inherited.tmp);
        let files = self.mounts(files, tmp.as_ref());
        let metadata = super::pod::merge_metadata(own.metadata, inherited.metadata);
        let image = own.image.or(inherited.image);
        let Some(image) = image else {
            // A `defaults` that does not parse may set it.
            if self.defaults_known {
                self.missing(block, "image", "image = \"registry.example.com/app:1.0.0\"");
            }
            return None;
        };
        let (autoscaler, autoscaler_span) = match (&job, own.autoscaler.or(inherited.autoscaler)) {
            // A ScaledJob is KEDA's, whatever `defaults` or `cluster` choose
            // for Deployments.
            (Some(job), _) => (Autoscaler::Keda, Some(job.head)),
            (None, Some(written)) => (written.value, Some(written.span)),
            (None, None) => (self.target.autoscaler, self.target.autoscaler_span),
        };
        let spread = own.spread.or(inherited.spread);
        if let (Some(strict), None) = (&own.spread_strict, &spread) {
            self.report(
                Diagnostic::error(
                    codes::MISSING_ATTRIBUTE,
                    format!(
                        "{} sets `spread_strict` but no `spread`",
                        describe_block(block)
                    ),
                    strict.span,
                )
                .with_label("strict about which spread?")
                .with_help("add `spread = zone` (or `node`) to the service or to `defaults`"),
            );
        }
        if !valid_name {
            return None;
        }
        Some(Service {
            name,
            file: block.span.file,
            span: block.span,
            image,
            port,
            health: own.health.or(inherited.health),
            cpu: own.cpu.or(inherited.cpu),
            memory: own.memory.or(inherited.memory),
            gpu: own.gpu.or(inherited.gpu),
            ephemeral_storage: own.ephemeral_storage.or(inherited.ephemeral_storage),
            replicas,
            autoscaler,
            autoscaler_span,
            scaling,
            scale_up: own.scale_up.or(inherited.scale_up),
            scale_down: own.scale_down.or(inherited.scale_down),
            load: own.load.or(inherited.load),
            disruption: own.disruption.or(inherited.disruption),
            spread,
            spread_strict: own.spread_strict.or(inherited.spread_strict),
            scheduling: crate::model::Scheduling {
                priority_class: own.priority_class.or(inherited.priority_class),
                node_selector: (own.node_selector)
                    .or(inherited.node_selector)
                    .unwrap_or_default(),
                tolerations: own
                    .tolerations
                    .or(inherited.tolerations)
                    .unwrap_or_default(),
                zones: own.zones.or(inherited.zones).unwrap_or_default(),
                node_affinity: (own.node_affinity)
                    .or(inherited.node_affinity)
                    .unwrap_or_default(),
            },
            env,
            named_ports,
            calls: own.calls.or(inherited.calls).unwrap_or_default(),
            public: own.public.or(inherited.public),
            ingress_from: own
                .ingress_from
                .or(inherited.ingress_from)
                .unwrap_or_default(),
            env_from: own.env_from.or(inherited.env_from).unwrap_or_default(),
            files,
            metadata,
            image_pull_secrets: (own.image_pull_secrets)
                .or(inherited.image_pull_secrets)
                .unwrap_or_default(),
            probes: super::pod::merge_probes(own.probes, inherited.probes),
            grace_period_seconds: own.grace_period_seconds.or(inherited.grace_period_seconds),
            pre_stop: own.pre_stop.or(inherited.pre_stop),
            job_duration_millis: own.job_duration_millis.or(inherited.job_duration_millis),
            tmp,
            security: own.security.or(inherited.security),
            identity: own.identity.or(inherited.identity),
            keda: own.keda.or(inherited.keda),
            job,
            connections: own.connections,
            // A service without any port has nothing to scrape: it does not
            // take the `metrics` of `defaults` (its own is E007).
            metrics: own
                .metrics
                .or_else(|| inherited.metrics.filter(|_| has_ports)),
        })
    }

    /// `connections DATABASE { pool = N }`; E005 for a second block of one
    /// database.
    fn connection(
        &mut self,
        block: &Block,
        earlier: &[crate::model::Connection],
    ) -> Option<crate::model::Connection> {
        let schema = super::schema::block("connections").expect("connections has a schema");
        let fields = self.fields(block, schema);
        let complete = self.require(block, schema, &fields);
        let database = super::blocks::label(block);
        let pool = self.get(&fields, "pool", |v| {
            values::int32_count(v, &POOL).map(|n| n as u32)
        });
        if let Some(first) = earlier.iter().find(|c| c.database.value == database.value) {
            self.report(
                Diagnostic::error(
                    codes::DUPLICATE_DEFINITION,
                    format!("the connections to `{}` are stated twice", database.value),
                    database.span,
                )
                .with_label("stated again here")
                .with_related(first.database.span, "first stated here")
                .with_help("keep one `connections` block per database"),
            );
            return None;
        }
        if !complete {
            return None;
        }
        Some(crate::model::Connection {
            database,
            pool: pool?,
            span: block.span,
        })
    }

    /// Reports what a service with a `job` block says that a ScaledJob has no
    /// place for (E008), and a job with no queue to count (E007). Only what
    /// the service itself writes: what it would inherit from `defaults` is
    /// for Deployments, and a job does not take it.
    fn job_conflicts(
        &mut self,
        block: &Block,
        own: &ServiceParts,
        job: &crate::model::Job,
        name: &str,
    ) {
        let conflict = |message: String, span, label: &str, help: &str| {
            Diagnostic::error(codes::CONFLICTING_ATTRIBUTES, message, span)
                .with_label(label.to_string())
                .with_related(job.head, format!("service `{name}` runs as Jobs"))
                .with_help(help.to_string())
        };
        let serve = "a job takes its work from a queue, and a ScaledJob has no Service: \
                     remove `port`, or remove `job` to run a Deployment that serves it";
        let serve_block = "a job takes its work from a queue, and a ScaledJob has no Service: \
                           remove the `port` block, or remove `job` to run a Deployment that \
                           serves it";
        for item in &block.items {
            let found = match item {
                crate::ast::Item::Attribute(attribute) => {
                    let span = attribute.name.span;
                    match attribute.name.name.as_str() {
                        "port" => Some((span, "`port`", "no port on a job", serve)),
                        "health" => Some((
                            span,
                            "`health`",
                            "no probes on a job",
                            "a Job's pod is not load-balanced, so nothing reads its readiness: \
                             remove `health`, and give the Job a `deadline` to stop one that hangs",
                        )),
                        "autoscaler"
                            if own
                                .autoscaler
                                .as_ref()
                                .is_some_and(|a| a.value == Autoscaler::Hpa) =>
                        {
                            Some((
                                attribute.value.span,
                                "`autoscaler = hpa`",
                                "only KEDA runs Jobs",
                                "a ScaledJob is KEDA's: remove `autoscaler = hpa`, or remove `job` to \
                             run a Deployment the HPA scales",
                            ))
                        }
                        _ => None,
                    }
                }
                crate::ast::Item::Block(child) => {
                    let span = super::block_head(child);
                    match child.kind.name.as_str() {
                        "port" => Some((span, "a `port` block", "no port on a job", serve_block)),
                        "probe" => Some((
                            span,
                            "a `probe`",
                            "no probes on a job",
                            "a Job's pod is not load-balanced or restarted in place: remove the \
                             probe, and give the Job a `deadline` to stop one that hangs",
                        )),
                        "disruption" => Some((
                            span,
                            "`disruption`",
                            "no PodDisruptionBudget for a job",
                            "remove `disruption`: a Job's pod ends by itself, and `retries` \
                             replaces one a drain evicts",
                        )),
                        "scale_up" | "scale_down" => Some((
                            span,
                            "HPA behaviour",
                            "no HPA under a ScaledJob",
                            "remove `scale_up` and `scale_down`: KEDA starts Jobs at each `polling` \
                             (`keda { polling = 15s }`) as `job { strategy }` counts them",
                        )),
                        "load" => Some((
                            span,
                            "`load`",
                            "a job serves no requests",
                            "remove `load`: `scale QUEUE { average = N }` is how many messages one \
                             Job takes",
                        )),
                        "keda" => {
                            self.job_keda_conflicts(child, &conflict);
                            None
                        }
                        _ => None,
                    }
                }
            };
            if let Some((span, what, label, help)) = found {
                self.report(conflict(
                    format!("service `{name}` runs as Jobs, which take no {what}"),
                    span,
                    label,
                    help,
                ));
            }
        }
        for signal in &own.scaling {
            if !matches!(signal.source.value, SignalSource::Queue(_)) {
                self.report(conflict(
                    format!(
                        "a ScaledJob starts Jobs for messages waiting in a queue; `scale {}` counts no messages",
                        signal.source.value.name()
                    ),
                    signal.source.span,
                    "not a queue",
                    "scale on a declared `queue` (`scale jobs { average = 1 }`), or remove `job` \
                     to run a Deployment that scales on this",
                ));
            }
        }
        if own.scaling.is_empty() {
            self.report(
                Diagnostic::error(
                    codes::MISSING_ATTRIBUTE,
                    format!("service `{name}` runs as Jobs but scales on no queue"),
                    job.head,
                )
                .with_label("no `scale` block on a queue")
                .with_related(
                    block.label.as_ref().map_or(block.span, |l| l.span),
                    "in this service",
                )
                .with_help(
                    "add `scale QUEUE { average = 1 }` to the service: one Job per message \
                     waiting in the queue (its own: a job does not inherit `defaults`' signals)",
                ),
            );
        }
    }

    /// The options of a job's own `keda` block that a ScaledJob has no field
    /// for (E008); `polling` is its `pollingInterval`.
    fn job_keda_conflicts(
        &mut self,
        keda: &Block,
        conflict: &dyn Fn(String, crate::source::Span, &str, &str) -> Diagnostic,
    ) {
        for item in &keda.items {
            let (word, span) = match item {
                crate::ast::Item::Attribute(a) => (a.name.name.as_str(), a.name.span),
                crate::ast::Item::Block(b) => (b.kind.name.as_str(), super::block_head(b)),
            };
            if matches!(
                word,
                "cooldown" | "initial_cooldown" | "idle_replicas" | "fallback"
            ) {
                self.report(conflict(
                    format!("a ScaledJob has no `{word}`: it starts Jobs and never scales a Deployment down"),
                    span,
                    "ScaledObject only",
                    "remove it: a ScaledJob takes `polling` only; `replicas` bounds the Jobs \
                     and `job { deadline }` ends each one",
                ));
            }
        }
    }

    pub(super) fn resource<T>(
        &mut self,
        fields: &Fields<'_>,
        name: &str,
        convert: fn(&Value) -> values::Conv<T>,
    ) -> Option<Resource<T>> {
        let attribute = fields.attributes.get(name)?;
        let (request, request_value, limit) =
            self.convert(values::one_or_range(&attribute.value, convert))?;
        Some(Resource {
            request: Spanned::new(request, request_value.span),
            limit: limit.map(|(limit, value)| Spanned::new(limit, value.span)),
        })
    }

    /// `ephemeral_storage = request` or `request .. limit`: the API server
    /// refuses a limit below the request (E008).
    fn ephemeral_storage(&mut self, fields: &Fields<'_>) -> Option<Resource<Memory>> {
        let storage = self.resource(fields, "ephemeral_storage", values::memory)?;
        if let Some(limit) = &storage.limit
            && limit.value.millibytes < storage.request.value.millibytes
        {
            self.report(
                Diagnostic::error(
                    codes::CONFLICTING_ATTRIBUTES,
                    format!(
                        "the ephemeral storage limit `{}` is below its request `{}`",
                        limit.value.text, storage.request.value.text
                    ),
                    limit.span,
                )
                .with_label("below the request")
                .with_related(storage.request.span, "the request")
                .with_help("write the request first: `ephemeral_storage = 1Gi .. 4Gi`"),
            );
            return None;
        }
        Some(storage)
    }

    fn replicas(&mut self, fields: &Fields<'_>) -> Option<Replicas> {
        let attribute = fields.attributes.get("replicas")?;
        let (min, min_value, max) = self.convert(values::one_or_range(&attribute.value, |v| {
            values::int32_count(v, &values::REPLICAS)
        }))?;
        Some(match max {
            None => Replicas::Fixed(Spanned::new(min, min_value.span)),
            Some((max, max_value)) => Replicas::Range {
                min: Spanned::new(min, min_value.span),
                max: Spanned::new(max, max_value.span),
                span: attribute.value.span,
            },
        })
    }

    /// Adds a signal unless the service already scales on the same metric (E008).
    fn push_signal(&mut self, scaling: &mut Vec<ScaleSignal>, signal: ScaleSignal, owner: &Block) {
        if let Some(first) = scaling
            .iter()
            .find(|s| s.source.value == signal.source.value)
        {
            let first_span = first.source.span;
            self.report(
                Diagnostic::error(
                    codes::CONFLICTING_ATTRIBUTES,
                    format!(
                        "{} scales on `{}` twice",
                        describe_block(owner),
                        signal.source.value.name()
                    ),
                    signal.source.span,
                )
                .with_label("second `scale` block for this metric")
                .with_related(first_span, "first `scale` block")
                .with_help("keep one `scale` block per metric, with one target"),
            );
            return;
        }
        scaling.push(signal);
    }

    /// `scale METRIC { utilization | average | total = ... }`.
    fn scale_signal(&mut self, block: &Block, scope: &Scope<'_>) -> Option<ScaleSignal> {
        let schema = schema::block("scale").expect("scale has a schema");
        let fields = self.fields(block, schema);
        let label = block
            .label
            .as_ref()
            .expect("labels are checked before lowering");
        let source = match label.text.as_str() {
            "cpu" => SignalSource::Cpu,
            "memory" => SignalSource::Memory,
            name if scope.metrics.contains(&name) => SignalSource::Metric(name.to_string()),
            name if scope.queues.contains(&name) => SignalSource::Queue(name.to_string()),
            name if scope.schedules.contains(&name) => SignalSource::Schedule(name.to_string()),
            name => {
                self.unknown_signal(name, label.span, scope);
                return None;
            }
        };
        let targets: Vec<(&str, &Value)> = ["utilization", "average", "total", "replicas"]
            .into_iter()
            .filter_map(|t| fields.attributes.get(t).map(|a| (t, &a.value)))
            .collect();
        let resource = matches!(source, SignalSource::Cpu | SignalSource::Memory);
        let schedule = matches!(source, SignalSource::Schedule(_));
        let (target_name, value) = match targets.as_slice() {
            [] => {
                let example = if resource {
                    "utilization = 70%"
                } else if schedule {
                    "replicas = 10"
                } else {
                    "average = 100"
                };
                self.report(
                    Diagnostic::error(
                        codes::MISSING_ATTRIBUTE,
                        format!("`scale {}` has no target", label.text),
                        super::block_head(block),
                    )
                    .with_label("a target is required")
                    .with_help(if schedule {
                        format!(
                            "add how many pods to keep while the schedule is on, e.g. `{example}`"
                        )
                    } else {
                        format!("add one of `utilization`, `average` or `total`, e.g. `{example}`")
                    }),
                );
                return None;
            }
            [one] => *one,
            [first, second, ..] => {
                self.report(
                    Diagnostic::error(
                        codes::CONFLICTING_ATTRIBUTES,
                        format!("`scale {}` has two targets", label.text),
                        fields.attributes[second.0].name.span,
                    )
                    .with_label(format!("`{}` is a second target", second.0))
                    .with_related(fields.attributes[first.0].name.span, format!("`{}` is already the target", first.0))
                    .with_help("a `scale` block has exactly one target: `utilization`, `average` or `total`"),
                );
                return None;
            }
        };
        let target = match (target_name, &source) {
            ("replicas", SignalSource::Schedule(_)) => {
                Target::Replicas(self.convert(scheduled_replicas(value))?)
            }
            ("replicas", _) => {
                self.report(
                    Diagnostic::error(
                        codes::CONFLICTING_ATTRIBUTES,
                        format!(
                            "`replicas` applies only to a schedule, not to `{}`",
                            label.text
                        ),
                        fields.attributes["replicas"].name.span,
                    )
                    .with_label("a schedule's target")
                    .with_related(label.span, "not a schedule")
                    .with_help(if resource {
                        "write `utilization = 70%` or `average = ...` (per pod)"
                    } else {
                        "write `average = ...` (per pod) or `total = ...`"
                    }),
                );
                return None;
            }
            (name, SignalSource::Schedule(_)) => {
                self.report(
                    Diagnostic::error(
                        codes::CONFLICTING_ATTRIBUTES,
                        format!("schedule `{}` takes `replicas`, not `{name}`", label.text),
                        fields.attributes[name].name.span,
                    )
                    .with_label("not a schedule's target")
                    .with_related(label.span, "a schedule")
                    .with_help(
                        "a schedule keeps a number of pods while it is on: write `replicas = 10`",
                    ),
                );
                return None;
            }
            ("utilization", SignalSource::Cpu | SignalSource::Memory) => {
                Target::Utilization(self.convert(values::int32_percent(value))?)
            }
            ("utilization", _) => {
                self.report(
                    Diagnostic::error(
                        codes::CONFLICTING_ATTRIBUTES,
                        format!(
                            "`utilization` applies only to cpu and memory, not to `{}`",
                            label.text
                        ),
                        fields.attributes["utilization"].name.span,
                    )
                    .with_label("utilization of what request?")
                    .with_related(label.span, "a custom metric or queue")
                    .with_help("use `average = ...` (per pod) or `total = ...`"),
                );
                return None;
            }
            (kind, source) => {
                let value = self.convert(target_value(value, source))?;
                if kind == "average" {
                    Target::Average(value)
                } else {
                    Target::Total(value)
                }
            }
        };
        let activation = match fields.attributes.get("activation") {
            None => None,
            Some(attribute) if resource => {
                self.report(
                    Diagnostic::error(
                        codes::CONFLICTING_ATTRIBUTES,
                        format!("KEDA's `{}` trigger has no activation value", label.text),
                        attribute.name.span,
                    )
                    .with_label("not for cpu or memory")
                    .with_related(label.span, "a resource metric")
                    .with_help(
                        "the HPA KEDA creates reads cpu and memory itself; remove `activation`, \
                         or put it on a queue's `scale` block",
                    ),
                );
                return None;
            }
            Some(attribute) if schedule => {
                self.report(
                    Diagnostic::error(
                        codes::CONFLICTING_ATTRIBUTES,
                        "KEDA's `cron` trigger has no activation value",
                        attribute.name.span,
                    )
                    .with_label("not for a schedule")
                    .with_related(label.span, "a schedule")
                    .with_help("a schedule is active exactly while it is on; remove `activation`"),
                );
                return None;
            }
            Some(attribute) => Some(Spanned::new(
                self.convert(target_value(&attribute.value, &source))?,
                attribute.value.span,
            )),
        };
        Some(ScaleSignal {
            source: Spanned::new(source, label.span),
            target: Spanned::new(target, fields.attributes[target_name].value.span),
            activation,
            span: block.span,
        })
    }

    fn unknown_signal(&mut self, name: &str, span: crate::source::Span, scope: &Scope<'_>) {
        let candidates = ["cpu", "memory"]
            .into_iter()
            .chain(scope.metrics.iter().copied())
            .chain(scope.queues.iter().copied())
            .chain(scope.schedules.iter().copied());
        let close = crate::names::did_you_mean(name, candidates);
        let help = match close {
            Some(close) => format!("did you mean `{close}`?"),
            None => format!(
                "scale on `cpu`, `memory`, or declare it: `metric {name} {{ kind = pods }}`, `queue {name} {{ ... }}` or `schedule {name} {{ ... }}`"
            ),
        };
        self.report(
            Diagnostic::error(
                codes::UNKNOWN_REFERENCE,
                format!("no metric, queue or schedule named `{name}` in this project"),
                span,
            )
            .with_label("unknown metric")
            .with_help(help)
            .with_suggestion_opt(close.map(|close| crate::diag::Suggestion::name(span, close))),
        );
    }

    fn behavior(&mut self, block: &Block) -> Behavior {
        let schema = schema::block(&block.kind.name).expect("behaviour blocks have schemas");
        let fields = self.fields(block, schema);
        let rates = match fields.attributes.get("rate") {
            Some(attribute) => self
                .convert(values::rates(&attribute.value))
                .map(|rates| {
                    rates
                        .into_iter()
                        .map(|(r, v)| Spanned::new(r, v.span))
                        .collect()
                })
                .unwrap_or_default(),
            None => Vec::new(),
        };
        Behavior {
            stabilization_seconds: self.get(&fields, "stabilization", |v| {
                values::duration_seconds(v, 3600)
            }),
            rates,
            select: self.get(&fields, "select", values::keyword::<SelectPolicy>),
            tolerance_ppm: self.get(&fields, "tolerance", values::percent_ppm),
            span: block.span,
        }
    }

    fn load(&mut self, block: &Block) -> Option<Load> {
        let schema = schema::block("load").expect("load has a schema");
        let fields = self.fields(block, schema);
        let complete = self.require(block, schema, &fields);
        let peak = self.get(&fields, "peak", values::number_milli);
        let per_pod = self.get(&fields, "per_pod", values::number_milli);
        let startup = self.get(&fields, "startup", |v| values::duration_seconds(v, 3600));
        if let Some(per_pod) = &per_pod
            && per_pod.value == 0
        {
            self.report(
                Diagnostic::error(
                    codes::TYPE_MISMATCH,
                    "a pod that serves 0 requests per second",
                    per_pod.span,
                )
                .with_label("zero capacity")
                .with_help("write what one pod serves at full load, e.g. `per_pod = 60`"),
            );
            return None;
        }
        if !complete {
            return None;
        }
        Some(Load {
            peak_milli: peak?,
            per_pod_milli: per_pod?,
            startup_seconds: startup,
            span: block.span,
        })
    }

    fn disruption(&mut self, block: &Block) -> Option<Disruption> {
        let fields = self.fields(
            block,
            schema::block("disruption").expect("disruption has a schema"),
        );
        let max = self.get(&fields, "max_unavailable", values::count_or_percent);
        let min = self.get(&fields, "min_available", values::count_or_percent);
        match (max, min) {
            (Some(max), Some(min)) => {
                self.report(
                    Diagnostic::error(
                        codes::CONFLICTING_ATTRIBUTES,
                        "a disruption budget sets either `max_unavailable` or `min_available`, not both",
                        fields.attributes["min_available"].name.span,
                    )
                    .with_label("second bound")
                    .with_related(fields.attributes["max_unavailable"].name.span, "first bound")
                    .with_help(format!(
                        "keep one of `max_unavailable = {}` and `min_available = {}`; \
                         `max_unavailable` keeps working as the service scales",
                        describe_bound(max.value),
                        describe_bound(min.value)
                    )),
                );
                None
            }
            (Some(max), None) => Some(Disruption::MaxUnavailable(max)),
            (None, Some(min)) => Some(Disruption::MinAvailable(min)),
            // A bound was written but is invalid: it is already reported.
            (None, None)
                if ["max_unavailable", "min_available"]
                    .iter()
                    .any(|name| fields.attributes.contains_key(*name)) =>
            {
                None
            }
            (None, None) => {
                self.missing(block, "max_unavailable", "max_unavailable = 1");
                None
            }
        }
    }

    fn env(&mut self, block: &Block) -> BTreeMap<String, Spanned<EnvValue>> {
        let fields = self.fields(block, schema::block("env").expect("env has a schema"));
        let mut env = BTreeMap::new();
        // With a `cluster` that does not parse, the version is unknown: only
        // names that no version takes are reported.
        let relaxed = !self.cluster_known || self.target.kubernetes >= RELAXED_ENV_NAMES;
        for attribute in fields.free {
            let name = &attribute.name.name;
            let valid = self.check_name(
                crate::names::kubernetes::env_var_name(name, relaxed),
                attribute.name.span,
                || {
                    format!(
                        "{} cannot be the name of an environment variable",
                        crate::names::quoted(name)
                    )
                },
            );
            if let Some(value) = self.env_value(&attribute.value)
                && valid
            {
                env.insert(
                    attribute.name.name.clone(),
                    Spanned::new(value, attribute.value.span),
                );
            }
        }
        env
    }
}

impl Lowerer<'_> {
    /// `port NAME { number, protocol }`.
    fn named_port(&mut self, block: &Block) -> Option<NamedPort> {
        let schema = schema::block("port").expect("port has a schema");
        let fields = self.fields(block, schema);
        let label = block
            .label
            .as_ref()
            .expect("labels are checked before lowering");
        let valid = self.check_name(
            crate::names::kubernetes::port_name(&label.text),
            label.span,
            || {
                format!(
                    "{} cannot be the name of a port",
                    crate::names::quoted(&label.text)
                )
            },
        );
        let complete = self.require(block, schema, &fields);
        let number = self.get(&fields, "number", values::port);
        let protocol = self.get(&fields, "protocol", values::keyword::<Protocol>);
        let protocol_written = fields.attributes.contains_key("protocol");
        if !valid || !complete || (protocol_written && protocol.is_none()) {
            return None;
        }
        Some(NamedPort {
            name: Spanned::new(label.text.clone(), label.span),
            number: number?,
            protocol: protocol.map_or(Protocol::Tcp, |p| p.value),
            span: block.span,
        })
    }

    /// E005 for a second `port` block of one name in one block.
    fn port_twice(&mut self, port: &NamedPort, first: crate::source::Span) {
        self.report(
            Diagnostic::error(
                codes::DUPLICATE_DEFINITION,
                format!("port `{}` is defined twice", port.name.value),
                port.name.span,
            )
            .with_label("defined again here")
            .with_related(first, "first defined here")
            .with_help("give each port its own name"),
        );
    }

    /// The merged ports of a service, without those that repeat the name
    /// `http` of `port = N` or the number and protocol of an earlier port
    /// (E005: the API server refuses a Service with either).
    fn distinct_ports(
        &mut self,
        http: Option<&Spanned<u16>>,
        ports: Vec<NamedPort>,
    ) -> Vec<NamedPort> {
        let mut taken: Vec<(u16, Protocol, crate::source::Span, String)> = http
            .map(|p| {
                (
                    p.value,
                    Protocol::Tcp,
                    p.span,
                    crate::model::network::HTTP_PORT.to_string(),
                )
            })
            .into_iter()
            .collect();
        let mut kept = Vec::with_capacity(ports.len());
        for port in ports {
            if let (Some(http), crate::model::network::HTTP_PORT) = (http, port.name.value.as_str())
            {
                self.report(
                    Diagnostic::error(
                        codes::DUPLICATE_DEFINITION,
                        "port `http` is defined twice",
                        port.name.span,
                    )
                    .with_label("a second port named `http`")
                    .with_related(http.span, "`port = N` declares the port `http`")
                    .with_help("give this port another name, or drop `port = N`"),
                );
                continue;
            }
            let same = taken.iter().find(|(number, protocol, ..)| {
                *number == port.number.value && *protocol == port.protocol
            });
            if let Some((number, protocol, span, name)) = same {
                self.report(
                    Diagnostic::error(
                        codes::DUPLICATE_DEFINITION,
                        format!(
                            "ports `{name}` and `{}` are both {number}/{}",
                            port.name.value,
                            protocol.word()
                        ),
                        port.number.span,
                    )
                    .with_label("the same number and protocol again")
                    .with_related(*span, format!("port `{name}`"))
                    .with_help(
                        "a Service takes each number and protocol once: drop one of the ports",
                    ),
                );
                continue;
            }
            taken.push((
                port.number.value,
                port.protocol,
                port.number.span,
                port.name.value.clone(),
            ));
            kept.push(port);
        }
        kept
    }

    /// `calls = [cart, payments(grpc), shop-orders]`: names, resolved once
    /// the project is lowered (`lower::calls`).
    fn calls(&mut self, fields: &Fields<'_>) -> Option<Vec<Call>> {
        let attribute = fields.attributes.get("calls")?;
        let items = self.convert(list_items(&attribute.value, "cart, payments(grpc)"))?;
        let mut calls: Vec<Call> = Vec::with_capacity(items.len());
        for item in items {
            let (target, ports) = match &item.kind {
                ValueKind::Ident(name) => (Spanned::new(name.clone(), item.span), Vec::new()),
                ValueKind::Call(name, args) if args.is_empty() => {
                    self.report(
                        values::mismatch(item, "a service name with its ports").with_help(format!(
                            "name the ports called, e.g. `{}(grpc)`, or call every port: `{}`",
                            name.name, name.name
                        )),
                    );
                    continue;
                }
                ValueKind::Call(name, args) => {
                    let mut ports = Vec::with_capacity(args.len());
                    for arg in args {
                        match &arg.kind {
                            ValueKind::Ident(port) | ValueKind::String(port) => {
                                ports.push(Spanned::new(port.clone(), arg.span));
                            }
                            _ => {
                                self.report(
                                    values::mismatch(arg, "a port name")
                                        .with_help("name the ports called, e.g. `payments(grpc)`"),
                                );
                            }
                        }
                    }
                    if ports.is_empty() {
                        continue;
                    }
                    (Spanned::new(name.name.clone(), name.span), ports)
                }
                _ => {
                    self.report(
                        values::mismatch(item, "a service or database name").with_help(
                            "write the name, or the name and its ports: `cart`, `payments(grpc)`",
                        ),
                    );
                    continue;
                }
            };
            if let Some(first) = calls.iter().find(|c| c.target.value == target.value) {
                self.report(
                    Diagnostic::error(
                        codes::DUPLICATE_DEFINITION,
                        format!("`{}` is called twice", target.value),
                        target.span,
                    )
                    .with_label("called again here")
                    .with_related(first.target.span, "first called here")
                    .with_help(
                        "list each target once, with all the ports called: `payments(grpc, admin)`",
                    ),
                );
                continue;
            }
            calls.push(Call {
                target,
                ports,
                span: item.span,
            });
        }
        Some(calls)
    }

    /// `ingress_from = [ingress-nginx]`: namespace names.
    fn ingress_from(&mut self, fields: &Fields<'_>) -> Option<Vec<Spanned<String>>> {
        let attribute = fields.attributes.get("ingress_from")?;
        let items = self.convert(list_items(&attribute.value, "ingress-nginx"))?;
        let mut namespaces: Vec<Spanned<String>> = Vec::with_capacity(items.len());
        for item in items {
            let Some(name) = self.convert(values::name(item)) else {
                continue;
            };
            if !self.check_dns_name(&name, item.span, "namespace") {
                continue;
            }
            if !namespaces.iter().any(|n| n.value == name) {
                namespaces.push(Spanned::new(name, item.span));
            }
        }
        Some(namespaces)
    }
}

/// The items of a list value.
pub(super) fn list_items<'v>(
    value: &'v crate::ast::Value,
    example: &str,
) -> values::Conv<&'v [crate::ast::Value]> {
    match &value.kind {
        ValueKind::List(items) => Ok(items),
        _ => Err(values::mismatch(value, "a list")
            .with_help(format!("write a list in brackets: `[{example}]`"))),
    }
}

fn describe_bound(bound: crate::model::IntOrPercent) -> String {
    match bound {
        crate::model::IntOrPercent::Int(n) => n.to_string(),
        crate::model::IntOrPercent::Percent(p) => format!("{p}%"),
    }
}

/// An `average` or `total` target, in the unit of what is scaled on.
fn target_value(value: &Value, source: &SignalSource) -> values::Conv<MetricValue> {
    match source {
        SignalSource::Cpu => values::cpu(value).map(|cpu| MetricValue {
            milli: u128::from(cpu.millicores),
            text: cpu.text,
        }),
        SignalSource::Memory => values::memory(value).map(|memory| MetricValue {
            milli: memory.millibytes,
            text: memory.text,
        }),
        SignalSource::Queue(_) => values::whole_number(value).map(|messages| MetricValue {
            milli: u128::from(messages) * 1000,
            text: messages.to_string(),
        }),
        SignalSource::Metric(_) => values::metric_value(value),
        SignalSource::Schedule(_) => unreachable!("a schedule's target is `replicas`"),
    }
}

/// A schedule's `replicas`: KEDA's `desiredReplicas`, which it refuses at
/// 0; an int32 like every replica count.
fn scheduled_replicas(value: &Value) -> values::Conv<i32> {
    let replicas = values::int32_count(value, &values::REPLICAS)?;
    if replicas == 0 {
        return Err(Diagnostic::error(
            codes::TYPE_MISMATCH,
            "a schedule that keeps 0 pods",
            value.span,
        )
        .with_label("KEDA refuses `desiredReplicas: 0`")
        .with_help("keep 1 or more pods while the schedule is on, e.g. `replicas = 10`"));
    }
    Ok(replicas)
}

/// `tmp = SIZE`: a size Kubernetes can hold an emptyDir to, at least a byte.
fn tmp_size(value: &Value) -> values::Conv<Memory> {
    let size = values::memory(value)?;
    if size.bytes() == 0 {
        return Err(
            Diagnostic::error(codes::TYPE_MISMATCH, "a /tmp of no space", value.span)
                .with_label("0 bytes")
                .with_help("write what the service writes to /tmp at most, e.g. `tmp = 256Mi`"),
        );
    }
    Ok(size)
}

/// An HTTP path for the probes.
pub(super) fn health_path(value: &Value) -> values::Conv<String> {
    let path = values::string(value)?;
    if !path.starts_with('/') {
        return Err(Diagnostic::error(
            codes::TYPE_MISMATCH,
            format!("`{path}` is not an HTTP path"),
            value.span,
        )
        .with_label("a path starts with `/`")
        .with_help(format!("write `\"/{}\"`", path.trim_start_matches('/'))));
    }
    Ok(path)
}

/// `gpu = N`: whole GPUs, 1 to 2147483647 (a container asks for none by
/// leaving `gpu` out).
fn gpu_count(value: &Value) -> values::Conv<i32> {
    let gpus = values::int32_count(value, &GPUS)?;
    if gpus == 0 {
        return Err(Diagnostic::error(
            codes::TYPE_MISMATCH,
            "`gpu = 0` asks for no GPU",
            value.span,
        )
        .with_label("zero")
        .with_help("remove `gpu` for a pod without GPUs, or ask for 1 or more"));
    }
    Ok(gpus)
}

/// `gpu`: an extended resource count, which Kubernetes holds as an integer
/// quantity; scalec keeps it to int32 as it does every count.
const GPUS: values::Limit = values::Limit {
    max: values::INT32_MAX,
    what: "GPUs",
    why: "scalec counts GPUs per pod in 32-bit integers",
};

/// A connection pool's size: a count of connections.
const POOL: values::Limit = values::Limit {
    max: values::INT32_MAX,
    what: "connections",
    why: "no database accepts more",
};
