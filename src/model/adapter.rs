//! The metrics a project's HPAs read from a metrics adapter, and what
//! prometheus-adapter needs to serve each: decided once, here, for the
//! lowering checks (E006, E008), rule K127 and the rules ConfigMap emit
//! writes.
//!
//! The HPA asks the custom metrics API (`pods` and `object` metrics) or the
//! external metrics API (queues and `external` metrics) for a metric by name,
//! with the signal's label selector. prometheus-adapter answers from one rule
//! per name: the Prometheus series it discovers (`seriesQuery`), the name it
//! serves the series as, which labels name Kubernetes objects, and the query
//! it runs, into which it puts the selector's labels (`<<.LabelMatchers>>`).

use super::{
    Autoscaler, Metric, MetricKind, Project, PrometheusSeries, Queue, QueueSource, ScaleSignal,
    Service, SignalSource, Spanned,
};

/// Which API serves a metric, and so which list of prometheus-adapter's
/// configuration holds its rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum AdapterApi {
    /// `custom.metrics.k8s.io`: `rules`.
    Custom,
    /// `external.metrics.k8s.io`: `externalRules`.
    External,
}

/// Which of a series' labels name Kubernetes objects.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AdapterResources {
    /// A `pods` metric: `namespace` and `pod`, as prometheus-operator's
    /// scrape configurations label every series.
    Pods,
    /// An `object` metric: `namespace` and the object's kind, lower-cased,
    /// as the label (`ingress="main"`), in its API group.
    Object { label: String, group: String },
    /// An external metric: from outside the cluster, not filtered by the
    /// HPA's namespace (`namespaced: false`).
    Unnamespaced,
}

/// One metric an HPA reads through the adapter.
#[derive(Clone, Debug)]
pub struct AdapterMetric<'a> {
    pub api: AdapterApi,
    /// The name the adapter serves and the HPA asks for.
    pub name: &'a str,
    /// The Prometheus series it is computed from, and over what window of
    /// `rate()` for a counter.
    pub series: PrometheusSeries,
    pub resources: AdapterResources,
    /// The label keys of the HPA's selector, which the adapter matches as
    /// Prometheus labels.
    pub selector_keys: Vec<&'a str>,
    /// The metric or queue it comes from: its name and declaration.
    pub origin: &'a Spanned<String>,
    pub service: &'a Service,
    pub signal: &'a ScaleSignal,
}

impl AdapterMetric<'_> {
    /// Whether two signals ask the adapter for the same thing, so one rule
    /// serves both.
    pub fn same_rule(&self, other: &AdapterMetric<'_>) -> bool {
        self.api == other.api
            && self.name == other.name
            && self.series == other.series
            && self.resources == other.resources
    }
}

/// The series cloudwatch_exporter exports an SQS queue's visible messages
/// as, with the `Average` statistic (label `queue_name`): the adapter serves
/// it under the HPA's default name.
pub const SQS_VISIBLE_SERIES: &str = "aws_sqs_approximate_number_of_messages_visible_average";

impl Queue {
    /// The series prometheus-adapter serves the queue's external metric
    /// from: the exporter's series for the default SQS metric, the metric's
    /// own name otherwise.
    pub fn adapter_series(&self) -> Spanned<String> {
        let series = match (&self.source, &self.metric_name) {
            (QueueSource::Sqs { .. }, None) => SQS_VISIBLE_SERIES,
            _ => self.metric(),
        };
        Spanned::new(series.to_string(), self.name.span)
    }
}

impl Queue {
    /// The label keys of the external metric's selector under the HPA.
    pub fn selector_keys(&self) -> Vec<&str> {
        match &self.selector {
            Some(selector) => selector.keys().map(String::as_str).collect(),
            None => (self.default_selector().into_iter())
                .map(|(key, _, _)| key)
                .collect(),
        }
    }
}

impl Metric {
    fn adapter_api(&self) -> (AdapterApi, AdapterResources) {
        match self.kind.value {
            MetricKind::Pods => (AdapterApi::Custom, AdapterResources::Pods),
            MetricKind::Object => {
                let object = self.object.as_ref();
                let label = object.map_or(String::new(), |o| o.kind.to_lowercase());
                // `networking.k8s.io/v1` is in a group; `v1` is the core one.
                let group = object
                    .and_then(|o| o.api_version.rsplit_once('/'))
                    .map_or(String::new(), |(group, _)| group.to_string());
                (
                    AdapterApi::Custom,
                    AdapterResources::Object { label, group },
                )
            }
            MetricKind::External => (AdapterApi::External, AdapterResources::Unnamespaced),
        }
    }
}

impl Project {
    /// Every signal an HPA-scaled service reads from a metrics adapter, in
    /// service and signal order.
    pub fn adapter_metrics(&self) -> Vec<AdapterMetric<'_>> {
        let mut metrics = Vec::new();
        for service in self
            .services
            .iter()
            .filter(|s| s.autoscaler == Autoscaler::Hpa)
        {
            for signal in &service.scaling {
                let metric = match &signal.source.value {
                    SignalSource::Metric(name) => self.metric(name).map(|metric| {
                        let (api, resources) = metric.adapter_api();
                        AdapterMetric {
                            api,
                            name: &metric.metric_name,
                            series: metric.prometheus.clone(),
                            resources,
                            selector_keys: metric.selector.keys().map(String::as_str).collect(),
                            origin: &metric.name,
                            service,
                            signal,
                        }
                    }),
                    SignalSource::Queue(name) => self.queue(name).map(|queue| AdapterMetric {
                        api: AdapterApi::External,
                        name: queue.metric(),
                        series: PrometheusSeries {
                            series: queue.adapter_series(),
                            rate_millis: None,
                        },
                        resources: AdapterResources::Unnamespaced,
                        selector_keys: queue.selector_keys(),
                        origin: &queue.name,
                        service,
                        signal,
                    }),
                    SignalSource::Cpu | SignalSource::Memory | SignalSource::Schedule(_) => None,
                };
                metrics.extend(metric);
            }
        }
        metrics
    }
}
