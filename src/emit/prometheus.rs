//! Prometheus: the PromQL query of a KEDA `prometheus` trigger, and
//! prometheus-adapter's rules for exactly the metrics a project's HPAs read
//! (`model::adapter`), as the ConfigMap the adapter mounts.
//!
//! The adapter's configuration is its `config.yaml`: `rules` for the custom
//! metrics API (`pods` and `object` metrics), `externalRules` for the
//! external one (queues, `external` metrics). Each rule discovers one series
//! (`seriesQuery`), serves it under the name the HPA asks for (`name`), says
//! which labels name Kubernetes objects (`resources`) and computes the value
//! with a query into which the adapter puts the HPA's selector
//! (`<<.LabelMatchers>>`) and, for per-object metrics, the grouping
//! (`<<.GroupBy>>`).

use std::collections::BTreeMap;
use std::path::PathBuf;

use k8s_openapi::api::core::v1::ConfigMap;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use serde::Serialize;

use super::{Context, OutputFile, YamlFile, document};
use crate::model::adapter::{AdapterApi, AdapterMetric, AdapterResources};
use crate::model::{Metric, MetricKind, Project, Service};
use crate::names::prometheus::{duration, quote};

/// The name of prometheus-adapter's rules ConfigMap, as the
/// prometheus-community chart reads it with `rules.existing`.
pub const ADAPTER_CONFIG_MAP: &str = "prometheus-adapter";

/// The key of the ConfigMap the adapter reads as `--config`.
pub const ADAPTER_CONFIG_KEY: &str = "config.yaml";

/// `sum(SERIES{matchers})`, or `sum(rate(SERIES{matchers}[WINDOW]))` for a
/// counter; `matchers` already written (`a="b",c=~"d"`), may be empty.
/// `series` is a series name, or the adapter's `<<.Series>>` template.
fn sum(series: &str, rate_millis: Option<u128>, matchers: &str, by: Option<&str>) -> String {
    let selected = if matchers.is_empty() {
        series.to_string()
    } else {
        format!("{series}{{{matchers}}}")
    };
    let value = match rate_millis {
        Some(window) => format!("rate({selected}[{}])", duration(window)),
        None => selected,
    };
    match by {
        Some(by) => format!("sum({value}) by ({by})"),
        None => format!("sum({value})"),
    }
}

/// The query of KEDA's `prometheus` trigger for `service` scaling on
/// `metric`: one number, the total over what the metric covers. For a
/// `pods` metric that is the service's pods, by namespace and the names a
/// Deployment gives its pods (`SERVICE-HASH-SUFFIX`); KEDA's `AverageValue`
/// target divides it by the pods, as the HPA's `Pods` metric averages.
pub fn keda_query(namespace: &str, service: &Service, metric: &Metric) -> String {
    let mut matchers = Vec::new();
    if metric.kind.value == MetricKind::Pods {
        matchers.push(format!("namespace={}", quote(namespace)));
        matchers.push(format!(
            "pod=~{}",
            quote(&format!("{}-[a-z0-9]+-[a-z0-9]+", service.name.value))
        ));
    }
    for (key, value) in &metric.selector {
        matchers.push(format!("{key}={}", quote(value)));
    }
    sum(
        &metric.prometheus.series.value,
        metric.prometheus.rate_millis,
        &matchers.join(","),
        None,
    )
}

/// A decimal number KEDA's scalers parse as a float (`threshold`), from a
/// value in thousandths: `250` → `0.25`.
pub fn decimal(milli: u128) -> String {
    let (whole, fraction) = (milli / 1000, milli % 1000);
    if fraction == 0 {
        whole.to_string()
    } else {
        let fraction = format!("{fraction:03}");
        format!("{whole}.{}", fraction.trim_end_matches('0'))
    }
}

/// prometheus-adapter's configuration: its `config.yaml`.
#[derive(Serialize, Debug, Default)]
#[serde(rename_all = "camelCase")]
pub struct AdapterConfig {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    rules: Vec<Rule>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    external_rules: Vec<Rule>,
}

#[derive(Serialize, Debug)]
#[serde(rename_all = "camelCase")]
struct Rule {
    series_query: String,
    resources: Resources,
    name: NameRule,
    metrics_query: String,
}

#[derive(Serialize, Debug)]
struct Resources {
    #[serde(skip_serializing_if = "Option::is_none")]
    overrides: Option<BTreeMap<String, GroupResource>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    namespaced: Option<bool>,
}

#[derive(Serialize, Debug)]
struct GroupResource {
    #[serde(skip_serializing_if = "Option::is_none")]
    group: Option<String>,
    resource: String,
}

#[derive(Serialize, Debug)]
struct NameRule {
    matches: String,
    #[serde(rename = "as")]
    as_: String,
}

fn resource(group: &str, resource: &str) -> GroupResource {
    GroupResource {
        group: (!group.is_empty()).then(|| group.to_string()),
        resource: resource.to_string(),
    }
}

/// The rule that serves `metric`.
fn rule(metric: &AdapterMetric<'_>) -> Rule {
    let series = &metric.series.series.value;
    let (labels, overrides): (Vec<&str>, Option<BTreeMap<String, GroupResource>>) =
        match &metric.resources {
            AdapterResources::Pods => (
                vec!["namespace", "pod"],
                Some(BTreeMap::from([
                    ("namespace".into(), resource("", "namespace")),
                    ("pod".into(), resource("", "pod")),
                ])),
            ),
            AdapterResources::Object { label, group } => (
                vec!["namespace", label],
                Some(BTreeMap::from([
                    ("namespace".into(), resource("", "namespace")),
                    (label.clone(), resource(group, label)),
                ])),
            ),
            AdapterResources::Unnamespaced => (Vec::new(), None),
        };
    let present: Vec<String> = labels.iter().map(|l| format!("{l}!=\"\"")).collect();
    let series_query = if present.is_empty() {
        series.clone()
    } else {
        format!("{series}{{{}}}", present.join(","))
    };
    let by = (metric.api == AdapterApi::Custom).then_some("<<.GroupBy>>");
    Rule {
        series_query,
        resources: Resources {
            namespaced: overrides.is_none().then_some(false),
            overrides,
        },
        name: NameRule {
            // A series name is letters, digits, `_` and `:`: no regex syntax.
            matches: format!("^{series}$"),
            as_: metric.name.to_string(),
        },
        metrics_query: sum(
            "<<.Series>>",
            metric.series.rate_millis,
            "<<.LabelMatchers>>",
            by,
        ),
    }
}

/// The adapter's configuration for the project: one rule per metric name
/// the HPAs read, in name order. Lowering made sure that signals sharing a
/// name share its rule (E008).
pub fn adapter_config(project: &Project) -> AdapterConfig {
    let mut rules: BTreeMap<(AdapterApi, &str), Rule> = BTreeMap::new();
    for metric in project.adapter_metrics() {
        rules
            .entry((metric.api, metric.name))
            .or_insert_with(|| rule(&metric));
    }
    let mut config = AdapterConfig::default();
    for ((api, _), rule) in rules {
        match api {
            AdapterApi::Custom => config.rules.push(rule),
            AdapterApi::External => config.external_rules.push(rule),
        }
    }
    config
}

/// `prometheus-adapter.yaml`, the ConfigMap holding the adapter's rules, when
/// the project's HPAs read any metric through prometheus-adapter.
pub fn adapter_file(context: &Context<'_>) -> Option<OutputFile> {
    let project = context.project;
    if !project.cluster.prometheus_adapter() {
        return None;
    }
    let config = adapter_config(project);
    if config.rules.is_empty() && config.external_rules.is_empty() {
        return None;
    }
    let config = super::yaml::to_string(&document(&config));
    let name = ADAPTER_CONFIG_MAP;
    let config_map = ConfigMap {
        metadata: ObjectMeta {
            name: Some(name.to_string()),
            namespace: Some(project.cluster.adapter_namespace.clone()),
            labels: Some(context.labels(name)),
            ..Default::default()
        },
        data: Some(BTreeMap::from([(ADAPTER_CONFIG_KEY.to_string(), config)])),
        ..Default::default()
    };
    let file = project
        .cluster
        .metrics_adapter
        .as_ref()
        .map(|a| a.span.file)
        .expect("prometheus_adapter() means `metrics_adapter` is written");
    let mut yaml = YamlFile::new(context.header("#", file), 2048);
    yaml.push(&config_map);
    Some(OutputFile {
        path: PathBuf::from(super::layout::ADAPTER_FILE),
        content: yaml.finish(),
    })
}

#[cfg(test)]
mod tests {
    use super::decimal;

    #[test]
    fn decimals() {
        assert_eq!(decimal(60_000), "60");
        assert_eq!(decimal(250), "0.25");
        assert_eq!(decimal(1_500), "1.5");
        assert_eq!(decimal(1), "0.001");
    }
}
