//! `metrics { ... }` blocks, and the check that needs the whole service: the
//! port named is one the service declares (E004; E007 when it has none) and
//! one Prometheus can scrape over HTTP (E008), so the PodMonitor's or
//! ServiceMonitor's `port` names a port that exists.

use crate::ast::{Block, Value};
use crate::diag::{Diagnostic, codes};
use crate::model::{MetricsEndpoint, MonitorKind, Project, Protocol};

use super::{Lowerer, schema, values};

impl Lowerer<'_> {
    /// Lowers a `metrics` block; `None` when something in it is invalid (and
    /// reported).
    pub(super) fn metrics_endpoint(&mut self, block: &Block) -> Option<MetricsEndpoint> {
        let fields = self.fields(
            block,
            schema::block("metrics").expect("metrics has a schema"),
        );
        let port = self.get(&fields, "port", values::name);
        let path = self.get(&fields, "path", super::service::health_path);
        let interval_seconds = self.get(&fields, "interval", interval);
        let monitor = self.get(&fields, "monitor", values::keyword::<MonitorKind>);
        let mut prometheus_namespace = self.get(&fields, "prometheus_namespace", values::name);
        if let Some(namespace) = &prometheus_namespace
            && !self.check_dns_name(&namespace.value, namespace.span, "namespace")
        {
            prometheus_namespace = None;
        }
        let mut labels = std::collections::BTreeMap::new();
        for child in &fields.blocks {
            match child.kind.name.as_str() {
                "monitor_labels" => labels = self.labels(child),
                other => unreachable!("`{other}` is not in the metrics schema"),
            }
        }
        let lowered = [
            ("port", port.is_some()),
            ("path", path.is_some()),
            ("interval", interval_seconds.is_some()),
            ("monitor", monitor.is_some()),
            ("prometheus_namespace", prometheus_namespace.is_some()),
        ];
        // An attribute written but not lowered is reported: the endpoint is
        // incomplete.
        if (lowered.iter()).any(|(name, ok)| !ok && fields.attributes.contains_key(name)) {
            return None;
        }
        Some(MetricsEndpoint {
            port,
            path,
            interval_seconds,
            monitor,
            prometheus_namespace,
            labels,
            head: super::block_head(block),
            span: block.span,
        })
    }
}

/// `interval`: whole seconds, at least one (Prometheus cannot scrape every
/// 0s; prometheus-operator takes an empty interval as the global one).
fn interval(value: &Value) -> values::Conv<i32> {
    let seconds = values::duration_seconds(value, values::INT32_MAX)?;
    if seconds == 0 {
        return Err(Diagnostic::error(
            codes::TYPE_MISMATCH,
            "Prometheus cannot scrape every 0s",
            value.span,
        )
        .with_label("at least 1s")
        .with_help("write how often Prometheus scrapes, e.g. `interval = 30s`, or leave it out for Prometheus' global interval"));
    }
    Ok(seconds)
}

/// Checks each service's metrics endpoint against its ports, with what it
/// inherits: the port exists (E004, or E007 for a service without any port)
/// and is TCP (E008). `defaults_known` is false when the `defaults` block
/// does not parse: the port may be declared there.
pub(super) fn check(project: &Project, defaults_known: bool, sink: &mut Vec<Diagnostic>) {
    for service in &project.services {
        let Some(endpoint) = &service.metrics else {
            continue;
        };
        let name = &service.name.value;
        let wanted = endpoint.port_name();
        let span = endpoint.port_span();
        let inherited = !service.span.contains(endpoint.span);
        let in_service = |diagnostic: Diagnostic| {
            if inherited {
                diagnostic.with_related(
                    service.name.span,
                    format!("service `{name}` takes `metrics` from `defaults`"),
                )
            } else {
                diagnostic
            }
        };
        let ports = service.ports();
        if ports.is_empty() {
            if defaults_known {
                sink.push(in_service(
                    Diagnostic::error(
                        codes::MISSING_ATTRIBUTE,
                        format!("service `{name}` has a `metrics` block but no port to scrape"),
                        span,
                    )
                    .with_label("Prometheus scrapes a port of the container")
                    .with_help(if endpoint.port.is_some() {
                        format!("declare the port: `port {wanted} {{ number = 9090 }}`")
                    } else {
                        "add `port = 8080` (the port that serves the metrics), or a `port metrics { number = 9090 }` block and `port = metrics` here".to_string()
                    }),
                ));
            }
            continue;
        }
        let Some(port) = ports.iter().find(|p| p.name == wanted) else {
            if !defaults_known {
                continue;
            }
            let declared: Vec<String> = (ports.iter())
                .map(|p| format!("`port = {}` ({})", p.name, p.number))
                .collect();
            let declared = declared.join(" or ");
            let close = crate::names::did_you_mean(wanted, ports.iter().map(|p| p.name));
            let close = close.filter(|_| !inherited);
            let (label, help) = match (&endpoint.port, close) {
                // Renaming the port of `defaults` would move every service's.
                (written, _) if inherited => (
                    if written.is_some() {
                        "not a port of the service".to_string()
                    } else {
                        "scrapes `http` (of `port = N`) when `port` is not written".to_string()
                    },
                    format!(
                        "declare the port in service `{name}`: `port {wanted} {{ number = 9090 }}`; \
                         or give it a `metrics` block of its own that names one of its ports: {declared}"
                    ),
                ),
                (Some(_), Some(close)) => (
                    "not a port of the service".to_string(),
                    format!("did you mean `{close}`?"),
                ),
                (Some(_), None) => (
                    "not a port of the service".to_string(),
                    format!(
                        "name the port that serves the metrics: {declared}; or declare it: `port {wanted} {{ number = 9090 }}`"
                    ),
                ),
                (None, _) => (
                    "scrapes `http` (of `port = N`) when `port` is not written".to_string(),
                    format!("name the port that serves the metrics: {declared}"),
                ),
            };
            sink.push(in_service(
                Diagnostic::error(
                    codes::UNKNOWN_REFERENCE,
                    format!("service `{name}` has no port named `{wanted}` to scrape"),
                    span,
                )
                .with_label(label)
                .with_help(help)
                .with_suggestion_opt(
                    close
                        .filter(|_| endpoint.port.is_some())
                        .map(|close| crate::diag::Suggestion::name(span, close)),
                ),
            ));
            continue;
        };
        if port.protocol != Protocol::Tcp {
            sink.push(in_service(
                Diagnostic::error(
                    codes::CONFLICTING_ATTRIBUTES,
                    format!(
                        "Prometheus scrapes over HTTP, but port `{wanted}` of service `{name}` is {}",
                        port.protocol.kubernetes()
                    ),
                    span,
                )
                .with_label(format!("a {} port", port.protocol.kubernetes()))
                .with_help("serve the metrics on a TCP port and name it here"),
            ));
        }
    }
}
