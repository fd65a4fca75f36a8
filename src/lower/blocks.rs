//! Lowering of every block kind except services: cluster, lint, metric, queue,
//! database, collection and field.

use std::collections::{BTreeMap, BTreeSet};

use super::schema::{self, ValueType};
use super::{Fields, Lowerer, describe_block, label_span, values};
use crate::ast::{Block, Value, ValueKind};
use crate::diag::{Diagnostic, Suggestion, codes};
use crate::model::{
    Autoscaler, Cluster, Collection, CountRange, Database, DatabaseEngine, DatabaseOperator,
    DatabasePods, FieldFacts, FieldType, KubeVersion, LintSettings, MAX_CLUSTER_PODS,
    MAX_REPLICA_SET_MEMBERS, Memory, Metric, MetricKind, NodePool, ObjectRef, Queue, QueueAuth,
    QueueProvider, QueueSource, ShardKey, ShardKeyField, Spanned, karpenter::Karpenter,
};

/// The longest database name: its Job, `NAME-shard-setup-XXXXXXXX`, must fit
/// in a 63-character Kubernetes name.
pub(crate) const MAX_DATABASE_NAME: usize = 63 - "-shard-setup-".len() - 8;

fn schema_of(kind: &str) -> &'static schema::BlockSchema {
    schema::block(kind).expect("lowered kinds have schemas")
}

pub(super) fn label(block: &Block) -> Spanned<String> {
    let label = block
        .label
        .as_ref()
        .expect("labels are checked before lowering");
    Spanned::new(label.text.clone(), label.span)
}

impl Lowerer<'_> {
    pub(super) fn cluster(&mut self, block: &Block) -> Cluster {
        let schema = schema_of("cluster");
        let fields = self.fields(block, schema);
        let mut cluster = Cluster {
            name: block
                .label
                .as_ref()
                .map(|l| Spanned::new(l.text.clone(), l.span)),
            span: Some(block.span),
            ..Cluster::default()
        };
        if let Some(version) = self.get(&fields, "kubernetes", kube_version) {
            cluster.kubernetes = version.value;
            cluster.kubernetes_span = Some(version.span);
        }
        if let Some(namespace) = self.get(&fields, "namespace", values::name)
            && self.check_dns_name(&namespace.value, namespace.span, "namespace")
        {
            cluster.namespace = namespace.value;
            cluster.namespace_span = Some(namespace.span);
        }
        if let Some(project) = self.get(&fields, "project", values::name)
            && self.check_name(
                crate::names::kubernetes::dns_label(&project.value),
                project.span,
                || {
                    format!(
                        "{} cannot be the name of a project",
                        crate::names::quoted(&project.value)
                    )
                },
            )
        {
            cluster.project = Some(project);
        }
        if let Some(autoscaler) = self.get(&fields, "autoscaler", values::keyword::<Autoscaler>) {
            cluster.autoscaler = autoscaler.value;
            cluster.autoscaler_span = Some(autoscaler.span);
        }
        cluster.metrics_adapter = self.get(
            &fields,
            "metrics_adapter",
            values::keyword::<crate::model::MetricsAdapter>,
        );
        if let Some(url) = self.get(&fields, "prometheus", values::string) {
            if url.value.starts_with("http://") || url.value.starts_with("https://") {
                cluster.prometheus = Some(url);
            } else {
                self.report(
                    Diagnostic::error(
                        codes::TYPE_MISMATCH,
                        "`prometheus` is the URL of a Prometheus server",
                        url.span,
                    )
                    .with_label("not an `http://` or `https://` URL")
                    .with_help(
                        "write the server's address as KEDA reaches it, e.g. \
                         `\"http://prometheus-operated.monitoring.svc:9090\"`",
                    ),
                );
            }
        }
        if let Some(namespace) = self.get(&fields, "adapter_namespace", values::name)
            && self.check_dns_name(&namespace.value, namespace.span, "namespace")
        {
            cluster.adapter_namespace = namespace.value;
        }
        if let Some(nodes) = fields.block("nodes") {
            cluster.nodes = self.nodes(nodes);
        }
        cluster
    }

    fn nodes(&mut self, block: &Block) -> Option<NodePool> {
        let schema = schema_of("nodes");
        let fields = self.fields(block, schema);
        let complete = self.require(block, schema, &fields);
        let count = self.get(&fields, "count", count_range);
        let cpu = self.get(&fields, "cpu", values::cpu);
        let memory = self.get(&fields, "memory", values::memory);
        let gpu = self.get(&fields, "gpu", |v| {
            values::int32_count(v, &values::NODE_GPUS)
        });
        let ephemeral_storage = self.get(&fields, "ephemeral_storage", values::memory);
        let karpenter = self.karpenter(&fields);
        if !complete {
            return None;
        }
        Some(NodePool {
            count: count?,
            cpu: cpu?,
            memory: memory?,
            gpu,
            ephemeral_storage,
            karpenter: karpenter?,
            span: block.span,
        })
    }

    /// The Karpenter attributes of a `nodes` block: `Some(None)` without
    /// `provisioner`, `None` when one of them is in error. Each value is
    /// checked against what the NodePool CRD accepts (E003, E006); without
    /// `provisioner = karpenter` nothing would read them (E008).
    fn karpenter(&mut self, fields: &Fields<'_>) -> Option<Option<Karpenter>> {
        use crate::model::karpenter::{Arch, CapacityType, Consolidation, Provisioner};
        let provisioner = fields.attributes.get("provisioner");
        let Some(provisioner) = provisioner else {
            let mut ok = true;
            for name in schema::KARPENTER_ATTRIBUTES {
                if let Some(attribute) = fields.attributes.get(name) {
                    ok = false;
                    self.report(
                        Diagnostic::error(
                            codes::CONFLICTING_ATTRIBUTES,
                            format!("`{name}` configures a Karpenter NodePool, and this pool has none"),
                            attribute.name.span,
                        )
                        .with_label("read only with `provisioner = karpenter`")
                        .with_help(format!(
                            "add `provisioner = karpenter` to `nodes` to have `build` write the NodePool, or remove `{name}`"
                        )),
                    );
                }
            }
            return ok.then_some(None);
        };
        let written = self.convert(values::keyword::<Provisioner>(&provisioner.value));
        let mut ok = written.is_some();
        let node_class = self.get(fields, "node_class", values::name);
        if let Some(class) = &node_class {
            ok &= self.check_name(
                crate::names::kubernetes::dns_label(&class.value),
                class.span,
                || {
                    format!(
                        "{} cannot be the name of an EC2NodeClass",
                        crate::names::quoted(&class.value)
                    )
                },
            );
        }
        if fields.attributes.contains_key("node_class") && node_class.is_none() {
            ok = false;
        }
        let arch = self.keyword_list::<Arch>(fields, "arch", "amd64, arm64");
        let capacity = self.keyword_list::<CapacityType>(fields, "capacity", "on_demand, spot");
        let instance_families =
            self.label_values(fields, "instance_families", "an instance family");
        let instance_sizes = self.label_values(fields, "instance_sizes", "an instance size");
        let consolidation = self.get(fields, "consolidation", values::keyword::<Consolidation>);
        let consolidate_after = self.whole_seconds(fields, "consolidate_after");
        let expire_after = self.whole_seconds(fields, "expire_after");
        let disruption_budget = self.get(fields, "disruption_budget", values::count_or_percent);
        if let Some(budget) = &disruption_budget
            && let crate::model::IntOrPercent::Percent(percent) = budget.value
            && percent > 100
        {
            ok = false;
            self.report(
                Diagnostic::error(
                    codes::TYPE_MISMATCH,
                    format!("a disruption budget of {percent}% is more than all the nodes"),
                    budget.span,
                )
                .with_label("above 100%")
                .with_help("Karpenter takes 0% to 100%: write e.g. `disruption_budget = 10%`"),
            );
        }
        // The lists are `None` only after an error; the single values also
        // when they are not written.
        ok &= arch.is_some()
            && capacity.is_some()
            && instance_families.is_some()
            && instance_sizes.is_some();
        for (name, lowered) in [
            ("consolidation", consolidation.is_some()),
            ("consolidate_after", consolidate_after.is_some()),
            ("expire_after", expire_after.is_some()),
            ("disruption_budget", disruption_budget.is_some()),
        ] {
            ok &= lowered || !fields.attributes.contains_key(name);
        }
        if !ok {
            return None;
        }
        Some(Some(Karpenter {
            provisioner: provisioner.value.span,
            node_class,
            arch: arch.unwrap_or_default(),
            capacity: capacity.unwrap_or_default(),
            instance_families: instance_families.unwrap_or_default(),
            instance_sizes: instance_sizes.unwrap_or_default(),
            consolidation,
            consolidate_after_seconds: consolidate_after,
            disruption_budget,
            expire_after_seconds: expire_after,
        }))
    }

    /// A non-empty list of keywords, each once; `Some(empty)` when not
    /// written, `None` after an error.
    fn keyword_list<T: crate::model::Keyword + PartialEq>(
        &mut self,
        fields: &Fields<'_>,
        name: &str,
        example: &str,
    ) -> Option<Vec<Spanned<T>>> {
        let Some(attribute) = fields.attributes.get(name) else {
            return Some(Vec::new());
        };
        let items = self.convert(super::service::list_items(&attribute.value, example))?;
        if items.is_empty() {
            self.report(
                Diagnostic::error(
                    codes::TYPE_MISMATCH,
                    format!("`{name} = []` leaves Karpenter nothing to launch"),
                    attribute.value.span,
                )
                .with_label("empty list")
                .with_help(format!(
                    "write at least one, e.g. `{name} = [{example}]`, or remove `{name}` to allow all"
                )),
            );
            return None;
        }
        let mut out: Vec<Spanned<T>> = Vec::with_capacity(items.len());
        let mut ok = true;
        for item in items {
            match self.convert(values::keyword::<T>(item)) {
                Some(word) => out.push(Spanned::new(word, item.span)),
                None => ok = false,
            }
        }
        ok.then_some(out)
    }

    /// A non-empty list of strings that are label values (`instance_families`,
    /// `instance_sizes`); `Some(empty)` when not written, `None` after an
    /// error.
    fn label_values(
        &mut self,
        fields: &Fields<'_>,
        name: &str,
        what: &str,
    ) -> Option<Vec<Spanned<String>>> {
        let Some(attribute) = fields.attributes.get(name) else {
            return Some(Vec::new());
        };
        let items = self.convert(values::strings(&attribute.value))?;
        let mut ok = true;
        for item in &items {
            ok &= self.check_name(
                crate::names::kubernetes::label_value(&item.value),
                item.span,
                || {
                    format!(
                        "{} cannot be {what}: Karpenter matches it as a label value",
                        crate::names::quoted(&item.value)
                    )
                },
            );
        }
        ok.then_some(items)
    }

    /// A duration in whole seconds, as Karpenter writes them (`5m`, `720h`).
    fn whole_seconds(&mut self, fields: &Fields<'_>, name: &str) -> Option<Spanned<u64>> {
        let millis = self.get(fields, name, values::duration_millis)?;
        if millis.value % 1000 != 0 {
            self.report(
                Diagnostic::error(
                    codes::TYPE_MISMATCH,
                    format!("Karpenter counts `{name}` in whole seconds"),
                    millis.span,
                )
                .with_label("not whole seconds")
                .with_help("round it to seconds, minutes or hours, e.g. `30s` or `5m`"),
            );
            return None;
        }
        let seconds = u64::try_from(millis.value / 1000).unwrap_or(u64::MAX);
        Some(Spanned::new(seconds, millis.span))
    }

    pub(super) fn lint(&mut self, block: &Block) -> LintSettings {
        let fields = self.fields(block, schema_of("lint"));
        let deny = self
            .get(&fields, "deny", rule_list)
            .map(|s| s.value)
            .unwrap_or_default();
        let allow = self
            .get(&fields, "allow", rule_list)
            .map(|s| s.value)
            .unwrap_or_default();
        LintSettings { deny, allow }
    }

    pub(super) fn metric(&mut self, block: &Block) -> Option<Metric> {
        let schema = schema_of("metric");
        let fields = self.fields(block, schema);
        let complete = self.require(block, schema, &fields);
        let name = label(block);
        let kind = self.get(&fields, "kind", values::keyword::<MetricKind>);
        let metric_name = self
            .get(&fields, "name", values::string)
            .unwrap_or_else(|| name.clone());
        let valid_name = self.check_name(
            crate::names::kubernetes::metric_name(&metric_name.value),
            metric_name.span,
            || {
                format!(
                    "{} cannot be the name of a metric",
                    crate::names::quoted(&metric_name.value)
                )
            },
        );
        let series = self
            .get(&fields, "series", values::string)
            .unwrap_or_else(|| metric_name.clone());
        // A `name` that is no Prometheus series is fine for an adapter other
        // than Prometheus: only a written `series` must be one here; the
        // project-wide check judges the default where Prometheus reads it.
        let valid_series = !fields.attributes.contains_key("series")
            || self.check_name(
                crate::names::prometheus::metric_name(&series.value),
                series.span,
                || {
                    format!(
                        "{} cannot be the name of a Prometheus series",
                        crate::names::quoted(&series.value)
                    )
                },
            );
        let rate = self.get(&fields, "rate", values::duration_millis);
        let rate_valid = match &rate {
            Some(rate) if rate.value == 0 => {
                self.report(
                    Diagnostic::error(
                        codes::TYPE_MISMATCH,
                        "the window of `rate()` cannot be zero",
                        rate.span,
                    )
                    .with_label("an empty window")
                    .with_help("write a window of a few scrape intervals, e.g. `rate = 2m`"),
                );
                false
            }
            _ => true,
        };
        let metric_name = metric_name.value;
        let selector = match fields.block("selector") {
            Some(selector) => self.string_map(selector, "selector"),
            None => BTreeMap::new(),
        };
        let object_block = fields.block("object");
        let object = object_block.and_then(|b| self.object(b));
        let kind = kind?;
        match (kind.value, object_block) {
            (MetricKind::Object, None) => {
                self.missing(block, "object", "object { kind = \"Ingress\" name = \"main\" api_version = \"networking.k8s.io/v1\" }");
                return None;
            }
            (MetricKind::Pods | MetricKind::External, Some(object)) => {
                self.report(
                    Diagnostic::error(
                        codes::CONFLICTING_ATTRIBUTES,
                        format!(
                            "{} describes an object but is not `kind = object`",
                            describe_block(block)
                        ),
                        object.kind.span,
                    )
                    .with_label("only for `kind = object`")
                    .with_related(kind.span, "the metric's kind is set here")
                    .with_help("remove the `object` block, or set `kind = object`"),
                );
                return None;
            }
            _ => {}
        }
        if !complete || !valid_name || !valid_series || !rate_valid {
            return None;
        }
        Some(Metric {
            name,
            kind,
            metric_name,
            selector,
            object,
            prometheus: crate::model::PrometheusSeries {
                series,
                rate_millis: rate.map(|r| r.value),
            },
            span: block.span,
        })
    }

    fn object(&mut self, block: &Block) -> Option<ObjectRef> {
        let schema = schema_of("object");
        let fields = self.fields(block, schema);
        let complete = self.require(block, schema, &fields);
        let kind = self.get(&fields, "kind", values::string);
        let name = self.get(&fields, "name", values::string);
        let api_version = self.get(&fields, "api_version", values::string);
        let mut valid = true;
        for (part, what) in [(&kind, "kind"), (&name, "name")] {
            if let Some(part) = part {
                valid &= self.check_name(
                    crate::names::kubernetes::metric_name(&part.value),
                    part.span,
                    || {
                        format!(
                            "{} cannot be the {what} of a described object",
                            crate::names::quoted(&part.value)
                        )
                    },
                );
            }
        }
        if !complete || !valid {
            return None;
        }
        Some(ObjectRef {
            kind: kind?.value,
            name: name?.value,
            api_version: api_version?.value,
        })
    }

    /// The `key = "value"` lines of a free-form block.
    pub(super) fn string_map(&mut self, block: &Block, kind: &str) -> BTreeMap<String, String> {
        let fields = self.fields(block, schema_of(kind));
        let mut map = BTreeMap::new();
        for attribute in fields.free {
            let Some(value) = self.convert(values::string(&attribute.value)) else {
                continue;
            };
            if kind == "selector" {
                let key = &attribute.name.name;
                let valid_key = self.check_name(
                    crate::names::kubernetes::label_key(key),
                    attribute.name.span,
                    || "not a Kubernetes label key".to_string(),
                );
                let valid_value = self.check_name(
                    crate::names::kubernetes::label_value(&value),
                    attribute.value.span,
                    || "not a Kubernetes label value".to_string(),
                );
                if !(valid_key && valid_value) {
                    continue;
                }
            }
            map.insert(attribute.name.name.clone(), value);
        }
        map
    }

    /// Lowers a `queue`; `hpa_reads` are the queues a service scaled by the
    /// HPA scales on.
    pub(super) fn queue(&mut self, block: &Block, hpa_reads: &BTreeSet<&str>) -> Option<Queue> {
        let schema = schema_of("queue");
        let fields = self.fields(block, schema);
        let complete = self.require(block, schema, &fields);
        let name = label(block);
        let provider = self.get(&fields, "provider", values::keyword::<QueueProvider>);
        let auth = self.get(&fields, "auth", values::name);
        let metric_name = self.get(&fields, "metric", values::string);
        let valid = metric_name.as_ref().is_none_or(|m| {
            self.check_name(
                crate::names::kubernetes::metric_name(&m.value),
                m.span,
                || {
                    format!(
                        "{} cannot be the name of a metric",
                        crate::names::quoted(&m.value)
                    )
                },
            )
        });
        let metric_name = metric_name.map(|m| m.value);
        let selector = fields
            .block("selector")
            .map(|b| self.string_map(b, "selector"));
        // `operator` is KEDA's own identity; any other name is a
        // TriggerAuthentication, and must be a Kubernetes name.
        let auth = auth.map(|auth| {
            let value = if auth.value == QueueAuth::OPERATOR {
                QueueAuth::Operator
            } else {
                self.check_dns_name(&auth.value, auth.span, "TriggerAuthentication");
                QueueAuth::TriggerAuthentication(auth.value)
            };
            Spanned::new(value, auth.span)
        });
        let provider = provider?;
        if !self.provider_attributes(block, &fields, provider.value) {
            return None;
        }
        // `identityOwner: operator` is read by KEDA's AWS scalers only.
        if let Some(auth) = &auth
            && auth.value == QueueAuth::Operator
            && provider.value != QueueProvider::AwsSqs
        {
            self.report(
                Diagnostic::error(
                    codes::CONFLICTING_ATTRIBUTES,
                    format!(
                        "KEDA's {} scaler has no operator identity to read with",
                        provider.value.keda_scaler()
                    ),
                    auth.span,
                )
                .with_label("only for aws-sqs")
                .with_related(provider.span, "the queue's provider")
                .with_help(
                    "name a `trigger_auth` with the scaler's credentials, e.g. `auth = queue-reader`, \
                     or remove `auth` if the server needs none",
                ),
            );
            return None;
        }
        let source = match provider.value {
            QueueProvider::AwsSqs => self.sqs(block, &fields, &name)?,
            QueueProvider::Kafka => self.kafka(block, &fields)?,
            QueueProvider::RabbitMq => self.rabbitmq(block, &fields)?,
            QueueProvider::Redis => self.redis(block, &fields)?,
        };
        if !complete || !valid {
            return None;
        }
        let queue = Queue {
            name,
            source,
            auth,
            metric_name,
            selector,
            span: block.span,
        };
        // With an HPA and no `selector`, the default selector's values come
        // from the queue (the name in its URL, the topic, ...) and must be
        // label values: checked when an HPA reads the queue, or may (the
        // project's default autoscaler is the HPA; not when the `cluster`
        // that sets it does not parse).
        let project_hpa = self.cluster_known && self.target.autoscaler == Autoscaler::Hpa;
        if queue.selector.is_none()
            && (project_hpa || hpa_reads.contains(queue.name.value.as_str()))
        {
            let mut valid = true;
            for (label, value, span) in queue.default_selector() {
                let what = match label {
                    "queue_name" => "the queue's name in its URL",
                    "consumergroup" => "the consumer group",
                    "topic" => "the topic",
                    "queue" => "the queue name",
                    "vhost" => "the virtual host",
                    _ => "the list key",
                };
                valid &= self.check_name(
                    crate::names::kubernetes::label_value(value).map_err(|mut invalid| {
                        invalid.rule = format!(
                            "with `autoscaler = hpa` {what} selects the external metric as \
                             the label `{label}`, and {}; add a `selector` block, e.g. \
                             `selector {{ {label} = \"{}\" }}`",
                            invalid.rule,
                            invalid.rewrite.take().unwrap_or_else(|| "my-queue".into())
                        );
                        invalid
                    }),
                    span,
                    || format!("{what} `{value}` cannot select the external metric"),
                );
            }
            if !valid {
                return None;
            }
        }
        Some(queue)
    }

    /// E008 for each attribute of another provider, E007 for each one this
    /// provider requires but is missing; `false` when any is reported.
    fn provider_attributes(
        &mut self,
        block: &Block,
        fields: &Fields<'_>,
        provider: QueueProvider,
    ) -> bool {
        let own = queue_attributes(provider);
        let mut ok = true;
        let others = (QueueProvider::WORDS.iter())
            .filter_map(|word| QueueProvider::from_word(word))
            .filter(|p| *p != provider);
        for other in others {
            for (attribute, _, _) in queue_attributes(other) {
                if own.iter().any(|(a, _, _)| a == attribute) {
                    continue;
                }
                let Some(written) = fields.attributes.get(attribute) else {
                    continue;
                };
                let takes: Vec<String> = own.iter().map(|(a, _, _)| format!("`{a}`")).collect();
                self.report(
                    Diagnostic::error(
                        codes::CONFLICTING_ATTRIBUTES,
                        format!(
                            "`{attribute}` is for `provider = {}`, not `{}`",
                            other.word(),
                            provider.word()
                        ),
                        written.name.span,
                    )
                    .with_label(format!("not read for `provider = {}`", provider.word()))
                    .with_help(format!(
                        "a `{}` queue takes {}; remove `{attribute}`",
                        provider.word(),
                        takes.join(", ")
                    )),
                );
                ok = false;
            }
        }
        for (attribute, required, example) in own {
            if *required && !fields.attributes.contains_key(attribute) {
                self.missing(block, attribute, example);
                ok = false;
            }
        }
        ok
    }

    /// `provider = aws-sqs`: `url`, `region` (or from the URL), `in_flight`,
    /// `delayed`.
    fn sqs(
        &mut self,
        block: &Block,
        fields: &Fields<'_>,
        name: &Spanned<String>,
    ) -> Option<QueueSource> {
        let url = self.get(fields, "url", values::string);
        let region = self.get(fields, "region", values::string);
        let in_flight = self.get(fields, "in_flight", values::boolean);
        let delayed = self.get(fields, "delayed", values::boolean);
        let url = url?;
        let from_url = sqs_region(&url.value);
        let region = match (region, from_url) {
            (Some(region), Some(from_url)) if region.value != from_url => {
                self.report(
                    Diagnostic::error(
                        codes::CONFLICTING_ATTRIBUTES,
                        format!(
                            "queue `{}` is in `{from_url}` by its URL, not `{}`",
                            name.value, region.value
                        ),
                        region.span,
                    )
                    .with_label("region set here")
                    .with_related(url.span, format!("the URL names `{from_url}`"))
                    .with_help(format!(
                        "write `region = \"{from_url}\"`, or remove `region`"
                    )),
                );
                return None;
            }
            (Some(region), _) => region.value,
            (None, Some(from_url)) => from_url.to_string(),
            (None, None) => {
                self.missing(block, "region", "region = \"us-east-1\"");
                return None;
            }
        };
        Some(QueueSource::Sqs {
            url,
            region,
            in_flight,
            delayed,
        })
    }

    /// `provider = kafka`: `brokers`, `topic`, `consumer_group`.
    fn kafka(&mut self, _block: &Block, fields: &Fields<'_>) -> Option<QueueSource> {
        let brokers = self.get(fields, "brokers", values::strings);
        let topic = self.get(fields, "topic", values::string);
        let consumer_group = self.get(fields, "consumer_group", values::string);
        let mut valid = true;
        for broker in brokers.iter().flat_map(|b| &b.value) {
            valid &= self.check_host_port(broker, "broker", "kafka-0.kafka:9092");
        }
        if let Some(topic) = &topic {
            valid &= self.check_queue_value(topic, kafka_topic(&topic.value), "topic");
        }
        if let Some(group) = &consumer_group {
            valid &= self.check_queue_value(group, not_empty(&group.value), "consumer group");
        }
        let (brokers, topic, consumer_group) = (brokers?, topic?, consumer_group?);
        valid.then(|| QueueSource::Kafka {
            brokers: brokers.value.into_iter().map(|b| b.value).collect(),
            topic,
            consumer_group,
        })
    }

    /// `provider = rabbitmq`: `queue_name`, `vhost`.
    fn rabbitmq(&mut self, _block: &Block, fields: &Fields<'_>) -> Option<QueueSource> {
        let queue_name = self.get(fields, "queue_name", values::string);
        let vhost = self.get(fields, "vhost", values::string);
        let mut valid = true;
        if let Some(queue_name) = &queue_name {
            valid &= self.check_queue_value(queue_name, not_empty(&queue_name.value), "queue name");
        }
        if let Some(vhost) = &vhost {
            valid &= self.check_queue_value(vhost, not_empty(&vhost.value), "virtual host");
        }
        let queue_name = queue_name?;
        if fields.attributes.contains_key("vhost") && vhost.is_none() {
            return None;
        }
        valid.then_some(QueueSource::RabbitMq { queue_name, vhost })
    }

    /// `provider = redis`: `address`, `list`, `database`.
    fn redis(&mut self, _block: &Block, fields: &Fields<'_>) -> Option<QueueSource> {
        let address = self.get(fields, "address", values::string);
        let list = self.get(fields, "list", values::string);
        let database = self.get(fields, "database", values::whole_number);
        let mut valid = true;
        if let Some(address) = &address {
            valid &= self.check_host_port(address, "address", "redis:6379");
        }
        if let Some(list) = &list {
            valid &= self.check_queue_value(list, not_empty(&list.value), "list key");
        }
        // KEDA reads `databaseIndex` as a Go `int`; Redis's own limit is
        // its `databases` setting.
        let database = match database {
            Some(d) if d.value > i32::MAX as u64 => {
                self.report(
                    Diagnostic::error(
                        codes::TYPE_MISMATCH,
                        format!("database index {} is too large", d.value),
                        d.span,
                    )
                    .with_label("not a Redis database index")
                    .with_help(
                        "Redis numbers its databases from 0 (16 by default): e.g. `database = 1`",
                    ),
                );
                return None;
            }
            Some(d) => Some(d.value as u32),
            None if fields.attributes.contains_key("database") => return None,
            None => None,
        };
        let (address, list) = (address?, list?);
        valid.then_some(QueueSource::Redis {
            address: address.value,
            list,
            database,
        })
    }

    /// E003 unless `value` is `host:port` with a port from 1 to 65535.
    fn check_host_port(&mut self, value: &Spanned<String>, what: &str, example: &str) -> bool {
        let ok = value.value.rsplit_once(':').is_some_and(|(host, port)| {
            !host.is_empty()
                && !host.contains(['/', ' ', ','])
                && port.parse::<u16>().is_ok_and(|p| p > 0)
        });
        if !ok {
            self.report(
                Diagnostic::error(
                    codes::TYPE_MISMATCH,
                    format!("{what} `{}` is not `host:port`", value.value),
                    value.span,
                )
                .with_label("expected `host:port`")
                .with_help(format!(
                    "write the host and its port, without a scheme: `\"{example}\"`"
                )),
            );
        }
        ok
    }

    /// E003 with `problem`, when there is one, about the queue's `what`.
    fn check_queue_value(
        &mut self,
        value: &Spanned<String>,
        problem: Result<(), String>,
        what: &str,
    ) -> bool {
        let Err(problem) = problem else { return true };
        self.report(
            Diagnostic::error(
                codes::TYPE_MISMATCH,
                format!("`{}` cannot be a {what}", value.value),
                value.span,
            )
            .with_label(format!("not a {what}"))
            .with_help(problem),
        );
        false
    }

    pub(super) fn database(&mut self, block: &Block) -> Option<Database> {
        let schema = schema_of("database");
        let fields = self.fields(block, schema);
        let complete = self.require(block, schema, &fields);
        let name = label(block);
        let mut valid_name = self.check_dns_name(&name.value, name.span, "database cluster");
        if valid_name && name.value.len() > MAX_DATABASE_NAME {
            valid_name = false;
            self.report(
                Diagnostic::error(
                    codes::INVALID_NAME,
                    format!("database name `{}` is too long for the objects named after it", name.value),
                    name.span,
                )
                .with_label(format!("{} characters; at most {MAX_DATABASE_NAME}", name.value.len()))
                .with_help(format!(
                    "its shard-setup Job is `NAME-shard-setup-` plus an 8-character hash, and \
                     Kubernetes names stop at 63 characters: shorten the name to {MAX_DATABASE_NAME} or fewer"
                )),
            );
        }
        let engine = self.get(&fields, "engine", values::keyword::<DatabaseEngine>);
        let operator = self.get(&fields, "operator", values::keyword::<DatabaseOperator>);
        let version = self
            .get(&fields, "version", values::string)
            .filter(|version| self.check_version(version, operator.as_ref().map(|o| o.value)));
        let shards = self.get(&fields, "shards", |v| positive_count(v, &SHARDS));
        if !fields.attributes.contains_key("shards") {
            self.missing(block, "shards", "shards = 3");
        }
        for attribute in ["max_connections", "reserved_connections"] {
            if let Some(written) = fields.attributes.get(attribute) {
                self.report(
                    Diagnostic::error(
                        codes::CONFLICTING_ATTRIBUTES,
                        format!(
                            "{} is a MongoDB cluster, which takes no `{attribute}`",
                            describe_block(block)
                        ),
                        written.name.span,
                    )
                    .with_label("PostgreSQL only")
                    .with_help(
                        "a MongoDB cluster's clients connect to its routers, each of which \
                         accepts 65536 connections: remove this, or add routers",
                    ),
                );
            }
        }
        let members = self.get(&fields, "members", |v| positive_count(v, &MEMBERS));
        let config_servers = self.get(&fields, "config_servers", |v| {
            positive_count(v, &CONFIG_SERVERS)
        });
        let routers = self.get(&fields, "routers", |v| positive_count(v, &ROUTERS));
        let storage = self.get(&fields, "storage", values::memory);
        let storage_class = self
            .get(&fields, "storage_class", values::string)
            .filter(|class| {
                self.check_name(
                    crate::names::kubernetes::dns_subdomain(&class.value),
                    class.span,
                    || {
                        format!(
                            "{} cannot be the name of a StorageClass",
                            crate::names::quoted(&class.value)
                        )
                    },
                )
            });
        let (shard_pods, _) = self.database_pods(&fields, "shard");
        let (config_server_pods, config_server_storage) =
            self.database_pods(&fields, "config_server");
        let (router_pods, _) = self.database_pods(&fields, "router");
        let job_annotations = (fields.block("job_annotations"))
            .map(|b| self.annotations(b))
            .unwrap_or_default();
        let database_name = self.get(&fields, "name", values::string);
        let mongo_name = database_name.clone().unwrap_or_else(|| name.clone());
        // A block name already reported as a Kubernetes name is not reported
        // again as the database name it defaults to.
        let valid_database = (database_name.is_none() && !valid_name)
            || self.check_name(
                crate::names::mongodb::database_name(&mongo_name.value),
                mongo_name.span,
                || {
                    format!(
                        "{} cannot be a MongoDB database name",
                        crate::names::quoted(&mongo_name.value)
                    )
                },
            );
        let mut collections: Vec<Collection> = Vec::new();
        for child in fields.blocks_of("collection") {
            let Some(collection) = self.collection(child, &mongo_name.value) else {
                continue;
            };
            if let Some(first) = collections
                .iter()
                .find(|c| c.name.value == collection.name.value)
            {
                let first_span = first.name.span;
                self.report(
                    Diagnostic::error(
                        codes::DUPLICATE_DEFINITION,
                        format!(
                            "collection `{}` is defined twice in {}",
                            collection.name.value,
                            describe_block(block)
                        ),
                        collection.name.span,
                    )
                    .with_label("defined again here")
                    .with_related(first_span, "first defined here")
                    .with_help("merge the two `collection` blocks"),
                );
                continue;
            }
            collections.push(collection);
        }
        collections.sort_by(|a, b| a.name.value.cmp(&b.name.value));
        let atlas = self.database_atlas(
            block,
            &fields,
            super::atlas::AtlasContext {
                operator: operator.as_ref(),
                members: members.as_ref(),
                version: version.as_ref(),
                storage: storage.as_ref(),
            },
        );
        let enterprise =
            self.database_enterprise(block, &fields, operator.as_ref(), version.as_ref());
        if !complete || !valid_name || !valid_database {
            return None;
        }
        let atlas = atlas.ok()?;
        let enterprise = enterprise.ok()?;
        let default = |n: u32| Spanned::new(n, label_span(block));
        let database = Database {
            database_name: database_name.map_or_else(|| name.value.clone(), |d| d.value),
            name,
            engine: engine.map_or(DatabaseEngine::MongoDb, |e| e.value),
            operator: operator.map_or(DatabaseOperator::Percona, |o| o.value),
            version,
            shards: shards?,
            members: members.unwrap_or_else(|| default(3)),
            config_servers: config_servers.unwrap_or_else(|| default(3)),
            routers: routers.unwrap_or_else(|| default(2)),
            storage,
            storage_class,
            shard_pods,
            config_server_pods,
            router_pods,
            config_server_storage,
            job_annotations,
            atlas,
            enterprise,
            collections,
            span: block.span,
        };
        self.check_cluster_pods(&database).then_some(database)
    }

    /// What each pod of one tier of a database requests, from its `shard`,
    /// `config_server` or `router` block (nothing without one), and the
    /// volume size the block sets (only `config_server` may).
    fn database_pods(
        &mut self,
        fields: &Fields<'_>,
        kind: &str,
    ) -> (DatabasePods, Option<Spanned<Memory>>) {
        let Some(block) = fields.block(kind) else {
            return (DatabasePods::default(), None);
        };
        let fields = self.fields(block, schema_of(kind));
        let pods = DatabasePods {
            cpu: self.resource(&fields, "cpu", values::cpu),
            memory: self.resource(&fields, "memory", values::memory),
            span: Some(block.span),
        };
        (pods, self.get(&fields, "storage", values::memory))
    }

    /// E003 unless the whole cluster fits in [`MAX_CLUSTER_PODS`] pods. Each
    /// size is bounded alone; their product is checked here, in `u64`, where
    /// it cannot overflow.
    fn check_cluster_pods(&mut self, database: &Database) -> bool {
        if !database.operator.runs_in_cluster() {
            return true;
        }
        let (shards, members) = (database.shards.value, database.members.value);
        let pods = u64::from(shards) * u64::from(members)
            + u64::from(database.config_servers.value)
            + u64::from(database.routers.value);
        if pods <= u64::from(MAX_CLUSTER_PODS) {
            return true;
        }
        self.report(
            Diagnostic::error(
                codes::TYPE_MISMATCH,
                format!(
                    "database `{}` needs {pods} pods, more than the {MAX_CLUSTER_PODS} Kubernetes supports in one cluster",
                    database.name.value
                ),
                database.shards.span,
            )
            .with_label(format!("{shards} shards of {members} members each"))
            .with_related(database.members.span, "members per shard")
            .with_help(format!(
                "a sharded cluster runs shards × members + config servers + routers pods, and \
                 Kubernetes supports at most {MAX_CLUSTER_PODS} pods in a cluster: use fewer shards or members"
            )),
        );
        false
    }

    /// E003 unless `version` is a MongoDB version the operator runs.
    fn check_version(
        &mut self,
        version: &Spanned<String>,
        operator: Option<DatabaseOperator>,
    ) -> bool {
        // Atlas's versions are checked with the rest of the `atlas` block.
        // So are the Enterprise operator's, with its `enterprise` block.
        if matches!(
            operator,
            Some(DatabaseOperator::Atlas | DatabaseOperator::MongoDbEnterprise)
        ) {
            return true;
        }
        let Err(invalid) = crate::names::mongodb::version(&version.value) else {
            return true;
        };
        self.report(
            Diagnostic::error(
                codes::TYPE_MISMATCH,
                format!(
                    "`{}` is not a MongoDB version {} runs",
                    version.value,
                    match operator.unwrap_or(DatabaseOperator::Percona) {
                        DatabaseOperator::Percona => "the Percona operator",
                        DatabaseOperator::Atlas => "Atlas",
                        DatabaseOperator::MongoDbEnterprise => "the MongoDB Enterprise operator",
                    }
                ),
                version.span,
            )
            .with_label(invalid.problem.clone())
            .with_help(match &invalid.rewrite {
                Some(fixed) => format!("{}: write `\"{fixed}\"`", invalid.rule),
                None => invalid.rule.clone(),
            })
            .with_suggestion_opt(invalid.rewrite.as_ref().map(|fixed| {
                Suggestion::text(
                    version.span,
                    crate::fmt::quote(fixed),
                    format!("change to `\"{fixed}\"`"),
                )
            })),
        );
        false
    }

    /// A `collection` of the MongoDB database `database`.
    fn collection(&mut self, block: &Block, database: &str) -> Option<Collection> {
        let schema = schema_of("collection");
        let fields = self.fields(block, schema);
        let complete = self.require(block, schema, &fields);
        let name = label(block);
        let valid_name = self.check_name(
            crate::names::mongodb::collection_name(database, &name.value),
            name.span,
            || {
                format!(
                    "{} cannot be the name of a MongoDB collection",
                    crate::names::quoted(&name.value)
                )
            },
        );
        let shard_key = self.get(&fields, "shard_key", shard_key);
        let mut valid_key = true;
        for field in shard_key.iter().flat_map(|key| &key.value.fields) {
            valid_key &= self.check_name_fixed(
                crate::names::mongodb::field_path(&field.name),
                field.span,
                || {
                    format!(
                        "{} cannot be a shard-key field",
                        crate::names::quoted(&field.name)
                    )
                },
                // The span of a hashed field is the whole `hashed(...)`.
                |rewrite| {
                    if field.hashed {
                        let text = crate::lint::shard_key::key_text(&[(&rewrite, true)]);
                        Suggestion::text(field.span, text, format!("change to `{rewrite}`"))
                    } else {
                        Suggestion::name(field.span, rewrite)
                    }
                },
            );
        }
        let mut facts: BTreeMap<String, FieldFacts> = BTreeMap::new();
        for child in fields.blocks_of("field") {
            let Some(field) = self.field(child) else {
                continue;
            };
            if let Some(first) = facts.get(&field.name.value) {
                let first_span = first.name.span;
                self.report(
                    Diagnostic::error(
                        codes::DUPLICATE_DEFINITION,
                        format!("field `{}` is described twice", field.name.value),
                        field.name.span,
                    )
                    .with_label("described again here")
                    .with_related(first_span, "first described here")
                    .with_help("merge the two `field` blocks"),
                );
                continue;
            }
            facts.insert(field.name.value.clone(), field);
        }
        if !complete || !valid_name || !valid_key {
            return None;
        }
        Some(Collection {
            name,
            shard_key: shard_key?.value,
            fields: facts,
            span: block.span,
        })
    }

    fn field(&mut self, block: &Block) -> Option<FieldFacts> {
        let fields = self.fields(block, schema_of("field"));
        let field_type = self.get(&fields, "type", values::keyword::<FieldType>);
        let cardinality = self.get(&fields, "cardinality", values::whole_number);
        let top_share_ppm = self.get(&fields, "top_share", share);
        let monotonic = self.get(&fields, "monotonic", values::boolean);
        Some(FieldFacts {
            name: label(block),
            field_type,
            cardinality,
            top_share_ppm,
            monotonic,
            span: block.span,
        })
    }
}

/// A share of documents: a percentage from 0 % to 100 %.
fn share(value: &Value) -> values::Conv<u32> {
    let ppm = values::percent_ppm(value)?;
    if ppm > 1_000_000 {
        return Err(Diagnostic::error(
            codes::TYPE_MISMATCH,
            "a share cannot exceed 100%",
            value.span,
        )
        .with_label("more than 100%")
        .with_help("write the share of documents the most frequent value holds, e.g. `4%`"));
    }
    Ok(ppm)
}

/// Shards: each runs at least one pod (and emit writes one replica set each).
const SHARDS: values::Limit = values::Limit {
    max: MAX_CLUSTER_PODS,
    what: "shards",
    why: "each shard runs at least one pod, and Kubernetes supports at most 150000 pods in a cluster",
};

const MEMBERS: values::Limit = values::Limit {
    max: MAX_REPLICA_SET_MEMBERS,
    what: "members",
    why: "a MongoDB replica set has at most 50 members, of which at most 7 vote",
};

const CONFIG_SERVERS: values::Limit = values::Limit {
    max: MAX_REPLICA_SET_MEMBERS,
    what: "config servers",
    why: "the config servers form one MongoDB replica set, which has at most 50 members (at most 7 voting)",
};

const ROUTERS: values::Limit = values::Limit {
    max: MAX_CLUSTER_PODS,
    what: "routers",
    why: "each router is a pod, and Kubernetes supports at most 150000 pods in a cluster",
};

fn positive_count(value: &Value, limit: &values::Limit) -> values::Conv<u32> {
    let n = values::count_within(value, limit)?;
    if n == 0 {
        return Err(Diagnostic::error(
            codes::TYPE_MISMATCH,
            "this count must be at least 1",
            value.span,
        )
        .with_label("zero")
        .with_help("a cluster needs at least one of each"));
    }
    Ok(n)
}

fn count_range(value: &Value) -> values::Conv<CountRange> {
    let (min, _, max) = values::one_or_range(value, |v| values::count_within(v, &values::NODES))?;
    Ok(CountRange {
        min,
        max: max.map_or(min, |(max, _)| max),
    })
}

/// `"1.34"` → 1.34, within the versions scalec supports.
fn kube_version(value: &Value) -> values::Conv<KubeVersion> {
    let text = values::string(value)?;
    let parsed = text
        .strip_prefix('v')
        .unwrap_or(&text)
        .split_once('.')
        .and_then(|(major, minor)| {
            Some(KubeVersion {
                major: major.parse().ok()?,
                minor: minor.parse().ok()?,
            })
        });
    let range = format!("{} to {}", KubeVersion::OLDEST, KubeVersion::NEWEST);
    match parsed {
        Some(version) if (KubeVersion::OLDEST..=KubeVersion::NEWEST).contains(&version) => {
            Ok(version)
        }
        Some(version) => Err(Diagnostic::error(
            codes::TYPE_MISMATCH,
            format!("scalec does not target Kubernetes {version}"),
            value.span,
        )
        .with_label("unsupported version")
        .with_help(format!("scalec targets Kubernetes {range}"))),
        None => Err(Diagnostic::error(
            codes::TYPE_MISMATCH,
            format!("`{text}` is not a Kubernetes version"),
            value.span,
        )
        .with_label(format!("expected {}", ValueType::Version.describe()))
        .with_help(format!(
            "write `\"MAJOR.MINOR\"`, e.g. `\"{}\"`",
            KubeVersion::NEWEST
        ))),
    }
}

/// A list of rule codes or names, as written.
fn rule_list(value: &Value) -> values::Conv<Vec<Spanned<String>>> {
    let ValueKind::List(items) = &value.kind else {
        return Err(values::mismatch(value, "a list of rule codes or names")
            .with_help("write a list: `[K104, single-replica]`"));
    };
    items
        .iter()
        .map(|item| values::name(item).map(|name| Spanned::new(name, item.span)))
        .collect()
}

/// `field`, `"a.b"`, `hashed(field)`, or a list of them.
fn shard_key(value: &Value) -> values::Conv<ShardKey> {
    let items: Vec<&Value> = match &value.kind {
        ValueKind::List(items) => items.iter().collect(),
        _ => vec![value],
    };
    if items.is_empty() {
        return Err(Diagnostic::error(
            codes::TYPE_MISMATCH,
            "a shard key needs at least one field",
            value.span,
        )
        .with_label("empty")
        .with_help("write a field, e.g. `shard_key = [customer_id, hashed(_id)]`"));
    }
    let fields = items
        .into_iter()
        .map(shard_key_field)
        .collect::<Result<_, _>>()?;
    Ok(ShardKey {
        fields,
        span: value.span,
    })
}

fn shard_key_field(value: &Value) -> values::Conv<ShardKeyField> {
    let expected = "a field or `hashed(field)`";
    match &value.kind {
        ValueKind::Ident(name) | ValueKind::String(name) => Ok(ShardKeyField {
            name: name.clone(),
            hashed: false,
            span: value.span,
        }),
        ValueKind::Call(function, args) => {
            if function.name != "hashed" {
                let close = crate::names::did_you_mean(&function.name, ["hashed"]);
                let help = match close {
                    Some(close) => format!("did you mean `{close}`?"),
                    None => "the only shard-key function is `hashed(field)`".into(),
                };
                return Err(Diagnostic::error(
                    codes::TYPE_MISMATCH,
                    format!("unknown shard-key function `{}`", function.name),
                    function.span,
                )
                .with_label("not a shard-key function")
                .with_help(help)
                .with_suggestion_opt(close.map(|close| Suggestion::name(function.span, close))));
            }
            match args.as_slice() {
                [arg] => match &arg.kind {
                    ValueKind::Ident(name) | ValueKind::String(name) => Ok(ShardKeyField {
                        name: name.clone(),
                        hashed: true,
                        span: value.span,
                    }),
                    _ => Err(values::mismatch(arg, "a field name")),
                },
                _ => Err(Diagnostic::error(
                    codes::TYPE_MISMATCH,
                    format!("`hashed` takes one field, found {}", args.len()),
                    value.span,
                )
                .with_label("expected one field")
                .with_help("write `hashed(field)`; a compound key is a list: `[a, hashed(b)]`")),
            }
        }
        _ => Err(values::mismatch(value, expected)),
    }
}

/// The provider-specific attributes of a queue: name, whether required, and
/// an example for E007.
fn queue_attributes(provider: QueueProvider) -> &'static [(&'static str, bool, &'static str)] {
    match provider {
        QueueProvider::AwsSqs => &[
            (
                "url",
                true,
                "url = \"https://sqs.us-east-1.amazonaws.com/123456789012/jobs\"",
            ),
            ("region", false, ""),
            ("in_flight", false, ""),
            ("delayed", false, ""),
        ],
        QueueProvider::Kafka => &[
            ("brokers", true, "brokers = [\"kafka-0.kafka:9092\"]"),
            ("topic", true, "topic = \"orders\""),
            ("consumer_group", true, "consumer_group = \"order-workers\""),
        ],
        QueueProvider::RabbitMq => &[
            ("queue_name", true, "queue_name = \"orders\""),
            ("vhost", false, ""),
        ],
        QueueProvider::Redis => &[
            ("address", true, "address = \"redis:6379\""),
            ("list", true, "list = \"jobs\""),
            ("database", false, ""),
        ],
    }
}

fn not_empty(value: &str) -> Result<(), String> {
    match value.is_empty() {
        true => Err("write it, e.g. `\"orders\"`".into()),
        false => Ok(()),
    }
}

/// Kafka's topic names: 1 to 249 of `[a-zA-Z0-9._-]`, not `.` or `..`.
fn kafka_topic(topic: &str) -> Result<(), String> {
    let legal = topic
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
    if topic.is_empty() || topic.len() > 249 || !legal || topic == "." || topic == ".." {
        return Err(
            "Kafka names topics with 1 to 249 letters, digits, `.`, `_` and `-` (not `.` or `..`)"
                .into(),
        );
    }
    Ok(())
}

/// The region in a standard SQS URL: `https://sqs.us-east-1.amazonaws.com/...`.
fn sqs_region(url: &str) -> Option<&str> {
    let host = url.split_once("://").map_or(url, |(_, rest)| rest);
    let host = host.split('/').next()?;
    let region = host.strip_prefix("sqs.")?.strip_suffix(".amazonaws.com")?;
    (!region.is_empty() && !region.contains('.')).then_some(region)
}

impl Lowerer<'_> {
    /// `schedule NAME { timezone, start, end }`: what KEDA's `cron` trigger
    /// would refuse is an error here (E003, E008).
    pub(super) fn schedule(&mut self, block: &Block) -> Option<crate::model::Schedule> {
        use crate::model::schedule::{check_cron, check_timezone};
        let schema = schema_of("schedule");
        let fields = self.fields(block, schema);
        let complete = self.require(block, schema, &fields);
        let checked = |check: fn(&str) -> Result<(), String>, example: &'static str| {
            move |value: &Value| -> values::Conv<String> {
                let text = values::string(value)?;
                let attribute = example.split(' ').next().unwrap_or_default();
                check(&text).map_err(|why| {
                    Diagnostic::error(
                        codes::TYPE_MISMATCH,
                        format!("`{attribute}`: {why}"),
                        value.span,
                    )
                    .with_label("KEDA's cron trigger refuses this")
                    .with_help(format!("write e.g. `{example}`"))
                })?;
                Ok(text)
            }
        };
        let timezone = self.get(
            &fields,
            "timezone",
            checked(check_timezone, "timezone = \"Europe/Berlin\""),
        );
        let start = self.get(
            &fields,
            "start",
            checked(check_cron, "start = \"0 8 * * 1-5\""),
        );
        let end = self.get(
            &fields,
            "end",
            checked(check_cron, "end = \"0 18 * * 1-5\""),
        );
        let (timezone, start, end) = (timezone?, start?, end?);
        if start
            .value
            .split_whitespace()
            .eq(end.value.split_whitespace())
        {
            self.report(
                Diagnostic::error(
                    codes::CONFLICTING_ATTRIBUTES,
                    format!("{} starts and ends at the same time", describe_block(block)),
                    end.span,
                )
                .with_label("the same as `start`")
                .with_related(start.span, "`start`")
                .with_help("KEDA refuses a window that opens and closes at once; give `end` the time the window closes"),
            );
            return None;
        }
        if !complete {
            return None;
        }
        Some(crate::model::Schedule {
            name: label(block),
            timezone,
            start,
            end,
            span: block.span,
        })
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn region_is_read_from_standard_sqs_urls() {
        assert_eq!(
            super::sqs_region("https://sqs.us-east-1.amazonaws.com/1/q"),
            Some("us-east-1")
        );
        assert_eq!(super::sqs_region("https://example.com/q"), None);
    }
}
