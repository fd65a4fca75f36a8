//! Checks of what Prometheus reads: the metrics KEDA's `prometheus` trigger
//! queries, and the rules prometheus-adapter serves the HPAs' metrics from
//! (`model::adapter`). What Prometheus or the adapter would refuse is a
//! language error, whatever lint settings say.

use std::collections::{BTreeMap, BTreeSet};

use super::signals::{Known, autoscaler_known};
use crate::diag::{Diagnostic, codes};
use crate::model::adapter::AdapterMetric;
use crate::model::{Autoscaler, MetricKind, Project, SignalSource, Spanned};
use crate::names::prometheus as names;

/// Reports a KEDA service's metric with no Prometheus server to query
/// (E007), names Prometheus cannot read (E006), and two metrics that
/// prometheus-adapter would have to serve under one name from different
/// series (E008).
pub(super) fn check(project: &Project, known: Known, sink: &mut Vec<Diagnostic>) {
    let cluster = &project.cluster;
    // Each metric or queue is judged once, however many services read it.
    let mut judged: BTreeSet<&str> = BTreeSet::new();
    for service in &project.services {
        if service.autoscaler != Autoscaler::Keda || !autoscaler_known(cluster, service, known) {
            continue;
        }
        for signal in &service.scaling {
            let SignalSource::Metric(name) = &signal.source.value else {
                continue;
            };
            let Some(metric) = project.metric(name) else {
                continue;
            };
            if metric.kind.value == MetricKind::Object {
                continue; // E008 from `signals`.
            }
            if cluster.prometheus.is_none() && known.cluster {
                let mut diagnostic = Diagnostic::error(
                    codes::MISSING_ATTRIBUTE,
                    format!(
                        "KEDA reads metric `{name}` from Prometheus, but `cluster` names no `prometheus` server"
                    ),
                    signal.source.span,
                )
                .with_label("KEDA's `prometheus` trigger needs a server to query")
                .with_related(service.name.span, format!("service `{}` is scaled by KEDA", service.name.value))
                .with_help(
                    "add `prometheus = \"http://prometheus-operated.monitoring.svc:9090\"` \
                     (the server's address as KEDA reaches it) to `cluster`",
                );
                if let Some(span) = cluster.span {
                    diagnostic = diagnostic.with_related(span, "the cluster");
                }
                sink.push(diagnostic);
            }
            if judged.insert(&metric.name.value) {
                let keys = metric.selector.keys().map(String::as_str);
                names_prometheus_reads(
                    &metric.prometheus.series,
                    keys,
                    &metric.name,
                    "KEDA's `prometheus` trigger",
                    METRIC_RENAME,
                    sink,
                );
            }
        }
    }
    if !cluster.prometheus_adapter() || !known.cluster {
        return;
    }
    let mut judged: BTreeSet<&str> = BTreeSet::new();
    let mut first: BTreeMap<(crate::model::adapter::AdapterApi, &str), AdapterMetric<'_>> =
        BTreeMap::new();
    for metric in project.adapter_metrics() {
        if !autoscaler_known(cluster, metric.service, known) {
            continue;
        }
        if judged.insert(&metric.origin.value) {
            names_prometheus_reads(
                &metric.series.series,
                metric.selector_keys.iter().copied(),
                metric.origin,
                "prometheus-adapter",
                match metric.signal.source.value {
                    SignalSource::Queue(_) => "or write the series' name as the queue's `metric`",
                    _ => METRIC_RENAME,
                },
                sink,
            );
        }
        match first.get(&(metric.api, metric.name)) {
            None => {
                first.insert((metric.api, metric.name), metric);
            }
            Some(earlier) if !earlier.same_rule(&metric) => {
                if earlier.origin.value != metric.origin.value {
                    sink.push(conflict(earlier, &metric));
                }
            }
            Some(_) => {}
        }
    }
}

const METRIC_RENAME: &str = "or name the series with `series = \"...\"`";

/// E006 for a series or selector key that is no Prometheus name.
fn names_prometheus_reads<'a>(
    series: &Spanned<String>,
    keys: impl Iterator<Item = &'a str>,
    origin: &Spanned<String>,
    reader: &str,
    rename: &str,
    sink: &mut Vec<Diagnostic>,
) {
    if let Err(invalid) = names::metric_name(&series.value) {
        let mut diagnostic = Diagnostic::error(
            codes::INVALID_NAME,
            format!(
                "{} cannot be the name of a Prometheus series, which {reader} reads",
                crate::names::quoted(&series.value)
            ),
            series.span,
        )
        .with_label(invalid.problem.clone())
        .with_help(format!("{}; {rename}", invalid.help()));
        if series.span != origin.span {
            diagnostic = diagnostic.with_related(origin.span, format!("`{}`", origin.value));
        }
        sink.push(diagnostic);
    }
    for key in keys {
        if let Err(invalid) = names::label_name(key) {
            sink.push(
                Diagnostic::error(
                    codes::INVALID_NAME,
                    format!(
                        "the selector of `{}` has the key `{key}`, which is no Prometheus label and which {reader} matches as one",
                        origin.value
                    ),
                    origin.span,
                )
                .with_label(format!("selector key `{key}`: {}", invalid.problem))
                .with_help(invalid.help()),
            );
        }
    }
}

/// E008: two signals prometheus-adapter would serve under one name, each
/// computed differently; the adapter serves one rule per name.
fn conflict(earlier: &AdapterMetric<'_>, later: &AdapterMetric<'_>) -> Diagnostic {
    let describe = |m: &AdapterMetric<'_>| {
        let rate = m
            .series
            .rate_millis
            .map(|r| format!(" over `rate()` of {}", names::duration(r)))
            .unwrap_or_default();
        format!("series `{}`{rate}", m.series.series.value)
    };
    Diagnostic::error(
        codes::CONFLICTING_ATTRIBUTES,
        format!(
            "`{}` and `{}` are both served as metric `{}` by prometheus-adapter, from different sources",
            earlier.origin.value, later.origin.value, later.name
        ),
        later.origin.span,
    )
    .with_label(format!("computed from {}", describe(later)))
    .with_related(earlier.origin.span, format!("computed from {}", describe(earlier)))
    .with_help(
        "prometheus-adapter serves one rule per metric name: give one of them another `name` \
         (or `metric`, for a queue)",
    )
}
