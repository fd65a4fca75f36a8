//! Hover: Markdown about what is under the cursor.
//!
//! - an attribute name: its documentation, value type and units, default and
//!   whether it is required, from the schema table that `docs/language.md`
//!   is generated from;
//! - a block kind: the block's documentation and attribute table;
//! - a service's name: what its policy amounts to, from the lowered model:
//!   its pods, the cpu and memory it requests at its minimum and maximum, and
//!   the signals that scale it; in a project with environments, once per
//!   environment (on an override, for its environment), saying which of
//!   `replicas`, `cpu` and `memory` come from `defaults` or the environment;
//! - a metric's or queue's name (declared or after `scale`): what it is and
//!   which services scale on it;
//! - anything a finding points at: the documentation of the finding's rule.

use crate::ast::Block;
use crate::diag::Diagnostic;
use crate::lint::capacity::Kind;
use crate::lower::schema::{self, AttributeSchema, BlockSchema, LabelRule};
use crate::model::{Autoscaler, Project, RangeRefusal, Service, SignalSource, Target as Goal};
use crate::names::capitalize;
use crate::source::{FileId, Span};

use super::completion::{Signal, signal_of, units};
use super::{Analysis, Target, find, on};

/// Markdown for a hover, and the span it is about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hover {
    pub markdown: String,
    pub span: Span,
}

/// The hover at `offset` in `file`. `diagnostics` are the findings the
/// editor shows (those of a [`crate::compile`] of the same workspace);
/// those at the cursor add their rule's documentation.
pub fn hover(
    analysis: &Analysis<'_>,
    file: FileId,
    offset: usize,
    diagnostics: &[Diagnostic],
) -> Option<Hover> {
    let element = analysis
        .ast(file)
        .and_then(|ast| find(ast, offset))
        .and_then(|found| {
            let markdown = describe(analysis, file, &found)?;
            Some(Hover {
                markdown,
                span: found.span(),
            })
        });
    let findings: Vec<&Diagnostic> = diagnostics
        .iter()
        .filter(|d| d.span.file == file && on(d.span, offset))
        .collect();
    let mut sections = Vec::new();
    let mut codes = Vec::new();
    for finding in &findings {
        if !codes.contains(&finding.code.id) {
            codes.push(finding.code.id);
            sections.push(code_doc(finding));
        }
    }
    match (element, findings.first()) {
        (Some(mut element), _) => {
            for section in sections {
                element.markdown.push_str("\n\n---\n\n");
                element.markdown.push_str(&section);
            }
            Some(element)
        }
        (None, Some(first)) => Some(Hover {
            markdown: sections.join("\n\n---\n\n"),
            span: first.span,
        }),
        (None, None) => None,
    }
}

fn describe(analysis: &Analysis<'_>, file: FileId, found: &super::Found<'_>) -> Option<String> {
    let parent = found.parents.last().copied();
    match found.target {
        Target::Kind(block) => {
            let schema = schema::block(&block.kind.name)?;
            let allowed = match parent {
                None => schema::TOP_LEVEL.contains(&schema.kind),
                Some(parent) => schema::block(&parent.kind.name)
                    .is_some_and(|p| p.blocks.contains(&schema.kind)),
            };
            allowed.then(|| block_doc(schema))
        }
        Target::AttributeName(attribute) | Target::Value(attribute, _) => {
            let schema = schema::block(&parent?.kind.name)?;
            if schema.free_form {
                return Some(format!(
                    "**`{}`** · a line of `{}`\n\n{}; every value is a string.",
                    attribute.name.name, schema.kind, schema.doc
                ));
            }
            let known = schema.attribute(&attribute.name.name)?;
            let signal = match (schema.kind, parent.and_then(|p| p.label.as_ref())) {
                ("scale", Some(label)) => signal_of(analysis, file, &label.text),
                _ => None,
            };
            Some(attribute_doc(schema, known, signal))
        }
        Target::Label(block) => label_doc(analysis, file, block, parent),
    }
}

/// The hover of an attribute: doc, value, units, default, required.
pub fn attribute_doc(
    schema: &BlockSchema,
    attribute: &AttributeSchema,
    signal: Option<Signal>,
) -> String {
    let mut out = format!(
        "**`{}`** · attribute of `{}`\n\n{}\n\n- value: {}",
        attribute.name,
        schema.kind,
        capitalize(attribute.doc),
        attribute.value.describe().replace("\\|", "|")
    );
    let units = units(attribute.value, signal, false);
    if !units.is_empty() {
        let list: Vec<String> = units
            .iter()
            .map(|u| format!("`{}` {}", u.unit, u.meaning))
            .collect();
        out.push_str(&format!("\n- units: {}", list.join("; ")));
    }
    if attribute.value == schema::ValueType::Rates {
        out.push_str("\n- period units: `s` seconds; `m` minutes");
    }
    let default = if attribute.default.is_empty() {
        "none"
    } else {
        attribute.default
    };
    out.push_str(&format!("\n- default: {default}"));
    out.push_str(if attribute.required {
        "\n- required"
    } else {
        "\n- optional"
    });
    out
}

/// The hover of a block kind: its doc and its table, as in the language
/// reference.
pub fn block_doc(schema: &BlockSchema) -> String {
    format!(
        "**`{}`** block\n\n{}.\n\n{}",
        schema.kind,
        capitalize(schema.doc),
        schema::markdown_table(schema).trim_end()
    )
}

fn label_doc(
    analysis: &Analysis<'_>,
    file: FileId,
    block: &Block,
    parent: Option<&Block>,
) -> Option<String> {
    let label = block.label.as_ref()?;
    let model = analysis.model(file)?;
    let name = label.text.as_str();
    let environments = analysis.environments(file);
    if !environments.is_empty() && block.kind.name == "service" {
        // A project with environments runs as each of them, never as its base.
        let in_one = parent
            .and_then(|p| p.label.as_ref())
            .map(|l| l.text.as_str());
        if parent.is_some_and(|p| p.kind.name != crate::lower::environments::KIND) {
            return None;
        }
        let sections: Vec<String> = (environments.iter())
            .filter(|p| {
                in_one.is_none_or(|one| p.environment.as_ref().is_some_and(|e| e.name.value == one))
            })
            .map(|project| {
                let environment = project
                    .environment
                    .as_ref()
                    .map_or("", |e| e.name.value.as_str());
                match project.services.iter().find(|s| s.name.value == name) {
                    Some(service) => format!(
                        "*In environment `{environment}`*\n\n{}{}",
                        service_summary(service),
                        set_by(project, service)
                    ),
                    None => {
                        format!("*In environment `{environment}`*: not run, or not checked yet")
                    }
                }
            })
            .collect();
        return Some(sections.join("\n\n---\n\n"));
    }
    match (block.kind.name.as_str(), parent) {
        ("service", None) => Some(match model.services.iter().find(|s| s.name.value == name) {
            Some(service) => service_summary(service),
            None => format!(
                "**service `{name}`**\n\nThe service does not check yet: its summary shows once its errors are fixed."
            ),
        }),
        ("metric" | "queue" | "schedule", None) => {
            Some(signal_summary(analysis, file, model, name))
        }
        ("scale", Some(_)) => match signal_of(analysis, file, name) {
            Some(Signal::Cpu) => Some(
                "**`cpu`** · resource metric\n\nThe containers' cpu: `utilization` is a percentage of the request, `average` and `total` are in cores (`m` for millicores).".into(),
            ),
            Some(Signal::Memory) => Some(
                "**`memory`** · resource metric\n\nThe containers' memory: `utilization` is a percentage of the request, `average` and `total` are in bytes (`Mi`, `Gi`).".into(),
            ),
            Some(Signal::Metric | Signal::Queue | Signal::Schedule) => {
                Some(signal_summary(analysis, file, model, name))
            }
            None => None,
        },
        (kind, _) => schema::block(kind).map(|schema| {
            let what = match schema.label {
                LabelRule::Required(what) | LabelRule::Optional(what) => what,
                LabelRule::None => "",
            };
            format!("**{kind} `{name}`**\n\n{}", capitalize(what))
        }),
    }
}

/// Where a service's replicas and requests come from, when not from its own
/// block: "- `replicas` set by environment `prod`".
fn set_by(project: &Project, service: &Service) -> String {
    use crate::model::environment::Origin;
    let mut written = Vec::new();
    if let Some(replicas) = &service.replicas {
        written.push(("`replicas`", replicas.span()));
    }
    if let Some(cpu) = &service.cpu {
        written.push(("`cpu`", cpu.request.span));
    }
    if let Some(memory) = &service.memory {
        written.push(("`memory`", memory.request.span));
    }
    let mut out = String::new();
    for (what, span) in written {
        match project.origin(service.span, span) {
            Origin::Own => {}
            Origin::Inherited => out.push_str(&format!("\n- {what} inherited from `defaults`")),
            Origin::Environment(name) => {
                out.push_str(&format!("\n- {what} set by environment `{name}`"))
            }
        }
    }
    out
}

/// What a metric, queue or schedule is, and who scales on it.
fn signal_summary(analysis: &Analysis<'_>, file: FileId, model: &Project, name: &str) -> String {
    let mut out = if let Some(metric) = model.metric(name) {
        let mut out = format!(
            "**metric `{name}`** · `{}` metric, served as `{}`",
            metric.kind.value.word(),
            metric.metric_name
        );
        if let Some(object) = &metric.object {
            out.push_str(&format!(
                "\n\nDescribes the {} `{}` (`{}`).",
                object.kind, object.name, object.api_version
            ));
        }
        let series = &metric.prometheus;
        let query = match series.rate_millis {
            Some(window) => format!(
                "`rate({}[{}])`",
                series.series.value,
                crate::names::prometheus::duration(window)
            ),
            None => format!("`{}`", series.series.value),
        };
        out.push_str(&format!("\n\nIn Prometheus: {query}."));
        out
    } else if let Some(queue) = model.queue(name) {
        use crate::model::QueueSource;
        match &queue.source {
            QueueSource::Sqs { url, region, .. } => format!(
                "**queue `{name}`** · SQS queue in `{region}`\n\n`{}`",
                url.value
            ),
            QueueSource::Kafka {
                brokers,
                topic,
                consumer_group,
            } => format!(
                "**queue `{name}`** · Kafka topic `{}`, consumer group `{}`\n\n`{}`",
                topic.value,
                consumer_group.value,
                brokers.join(",")
            ),
            QueueSource::RabbitMq { queue_name, vhost } => format!(
                "**queue `{name}`** · RabbitMQ queue `{}`{}",
                queue_name.value,
                vhost
                    .as_ref()
                    .map(|v| format!(" in vhost `{}`", v.value))
                    .unwrap_or_default()
            ),
            QueueSource::Redis { address, list, .. } => format!(
                "**queue `{name}`** · Redis list `{}`\n\n`{address}`",
                list.value
            ),
        }
    } else if let Some(schedule) = model.schedule(name) {
        format!(
            "**schedule `{name}`** · KEDA cron, `{}`\n\nFrom `{}` to `{}`.",
            schedule.timezone.value, schedule.start.value, schedule.end.value
        )
    } else {
        let declared = super::declarations(
            analysis,
            file,
            &[
                super::NameKind::Metric,
                super::NameKind::Queue,
                super::NameKind::Schedule,
            ],
            name,
        );
        match declared.is_empty() {
            true => format!(
                "**`{name}`**\n\nNo metric, queue or schedule of this project has this name."
            ),
            false => format!("**`{name}`**\n\nDeclared, but does not check yet."),
        }
    };
    let users: Vec<String> = model
        .services
        .iter()
        .filter(|s| {
            s.scaling
                .iter()
                .any(|signal| signal.source.value.name() == name)
        })
        .map(|s| format!("`{}`", s.name.value))
        .collect();
    if users.is_empty() {
        out.push_str("\n\nNo service scales on it.");
    } else {
        out.push_str(&format!(
            "\n\nScaled on by {}.",
            crate::lint::capacity::join(&users)
        ));
    }
    out
}

/// What a service's policy amounts to.
pub fn service_summary(service: &Service) -> String {
    let name = &service.name.value;
    let bounds = service.bounds();
    let (min, max) = bounds
        .as_ref()
        .map_or((1, 1), |b| (b.min.value, b.max.value));
    let autoscaler = match service.autoscaler {
        Autoscaler::Hpa => "a HorizontalPodAutoscaler",
        Autoscaler::Keda => "a KEDA ScaledObject",
    };
    let size = match (service.autoscale_range(), &bounds) {
        (None, Some(b)) if b.fixed => format!("{}, fixed", pods(max)),
        (None, Some(_)) => format!("{min} .. {max} pods, but nothing scales it: it runs {min}"),
        (None, None) => "1 pod (no `replicas`)".to_string(),
        (Some(Ok(_)), _) => format!("{min} .. {max} pods, autoscaled by {autoscaler}"),
        (Some(Err(refusal)), _) => {
            let why = match refusal {
                RangeRefusal::NoReplicas => "no `replicas`",
                RangeRefusal::Fixed => "a fixed `replicas`",
                RangeRefusal::ZeroMaximum => "a maximum of 0",
                RangeRefusal::MinAboveMax => "a minimum above its maximum",
            };
            format!("autoscales, but with {why}: no autoscaler can be written")
        }
    };
    let mut out = format!("**service `{name}`** · {size}\n");
    for kind in [Kind::Cpu, Kind::Memory] {
        let what = kind.name();
        let Some((request, _, text)) = kind.request(service) else {
            out.push_str(&format!("\n- {what}: no request"));
            continue;
        };
        let at = |n: u32| kind.amount(request.saturating_mul(u128::from(n)));
        if min == max {
            out.push_str(&format!(
                "\n- {what} requested: {} for {} (`{text}` each)",
                at(min),
                pods(min)
            ));
        } else {
            out.push_str(&format!(
                "\n- {what} requested: {} at {min} pods, {} at {max} (`{text}` each)",
                at(min),
                at(max)
            ));
        }
    }
    if service.scaling.is_empty() {
        out.push_str("\n- scales on nothing");
    } else {
        let signals: Vec<String> = service
            .scaling
            .iter()
            .map(|signal| {
                let source = &signal.source.value;
                let what = match source {
                    SignalSource::Cpu | SignalSource::Memory => format!("`{}`", source.name()),
                    SignalSource::Metric(n) => format!("metric `{n}`"),
                    SignalSource::Queue(n) => format!("queue `{n}`"),
                    SignalSource::Schedule(n) => format!("schedule `{n}`"),
                };
                let queue = matches!(source, SignalSource::Queue(_));
                let goal = match &signal.target.value {
                    Goal::Utilization(percent) => format!("{percent} % of the request"),
                    Goal::Average(v) if queue => format!("{} messages per pod", v.text),
                    Goal::Average(v) => format!("{} per pod on average", v.text),
                    Goal::Total(v) if queue => format!("{} messages in all", v.text),
                    Goal::Total(v) => format!("{} in total", v.text),
                    Goal::Replicas(n) => {
                        return format!("{what}: at least {} while on", pods(n.unsigned_abs()));
                    }
                };
                format!("{what} at {goal}")
            })
            .collect();
        out.push_str(&format!(
            "\n- scales on {}",
            crate::lint::capacity::join(&signals)
        ));
    }
    if let Some(metrics) = &service.metrics {
        let monitor = match metrics.monitor() {
            crate::model::MonitorKind::Pod => "a PodMonitor",
            crate::model::MonitorKind::Service => "a ServiceMonitor",
        };
        out.push_str(&format!(
            "\n- metrics: `{}` on port `{}`, scraped through {monitor} by Prometheus in `{}`",
            metrics.path(),
            metrics.port_name(),
            metrics.prometheus_namespace()
        ));
    }
    out
}

fn pods(n: u32) -> String {
    crate::lint::util::plural(n, "pod")
}

/// The documentation of a finding's code: a rule's whole documentation, or
/// what a language error means.
fn code_doc(finding: &Diagnostic) -> String {
    let code = finding.code;
    let head = format!("**{} {}**", code.id, code.name);
    match crate::lint::find(code.id) {
        Some(rule) => {
            let guard = rule.guard.map_or_else(String::new, |reason| {
                format!("\n\nThis rule cannot be allowed or suppressed: {reason}.")
            });
            format!(
                "{head} · {}\n\n{}.{guard}\n\n{}",
                rule.severity.as_str(),
                capitalize(rule.summary),
                demote_headings(&rule.doc()).trim_end()
            )
        }
        None => match crate::diag::codes::description(code) {
            Some(description) => format!("{head}\n\n{description}"),
            None => head,
        },
    }
}

/// Markdown headings one level down (`##` → `###`), outside code blocks.
fn demote_headings(markdown: &str) -> String {
    let mut fenced = false;
    let mut out = String::with_capacity(markdown.len() + 16);
    for line in markdown.lines() {
        if line.starts_with("```") {
            fenced = !fenced;
        }
        if !fenced && line.starts_with('#') {
            out.push('#');
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ide::testing::workspace;

    const SIGNALS: &str = "cluster {\n  autoscaler = hpa\n  metrics_adapter = other\n}\n\nmetric rps {\n  kind = pods\n}\n\nqueue jobs {\n  provider = aws-sqs\n  url = \"https://sqs.us-east-1.amazonaws.com/1/jobs\"\n  auth = operator\n}\n";
    const SERVICES: &str = "service api {\n  image = \"a:1\"\n  cpu = 500m\n  memory = 256Mi .. 1Gi\n  replicas = 2 .. 10\n  scale rps { average = 20 }\n  scale jobs { average = 5 }\n  scale cpu { utilization = 70% }\n}\n\nservice cron {\n  image = \"c:1\"\n  memory = 512m\n  replicas = 3\n}\n";

    #[test]
    fn a_service_of_a_project_with_environments_is_summed_up_per_environment() {
        let environments = "environment staging {\n  service api { replicas = 1 .. 3 }\n}\n\nenvironment prod { }\n";
        let ws = workspace(&[
            ("p/a.scale", SIGNALS),
            ("p/b.scale", SERVICES),
            ("p/c.scale", environments),
        ]);
        let analysis = Analysis::new(&ws.sources, &ws.projects);
        let base = hover(&analysis, FileId(1), SERVICES.find("api").unwrap(), &[])
            .expect("a hover")
            .markdown;
        assert!(base.contains("*In environment `staging`*"), "{base}");
        assert!(base.contains("1 .. 3 pods"), "{base}");
        assert!(
            base.contains("`replicas` set by environment `staging`"),
            "{base}"
        );
        assert!(base.contains("*In environment `prod`*"), "{base}");
        assert!(base.contains("2 .. 10 pods"), "{base}");
        // On the override: that environment only.
        let at = environments.find("api").unwrap();
        let one = hover(&analysis, FileId(2), at, &[])
            .expect("a hover")
            .markdown;
        assert!(
            one.contains("1 .. 3 pods") && !one.contains("prod"),
            "{one}"
        );
    }

    fn hover_at(needle: &str, nth: usize) -> Option<Hover> {
        let ws = workspace(&[("p/a.scale", SIGNALS), ("p/b.scale", SERVICES)]);
        let compiled = crate::compile(&ws.sources, &ws.projects, &crate::lint::Options::default());
        let analysis = Analysis::new(&ws.sources, &ws.projects);
        let (file, text) = if SERVICES.contains(needle) {
            (FileId(1), SERVICES)
        } else {
            (FileId(0), SIGNALS)
        };
        let at = text.match_indices(needle).nth(nth).expect("needle").0;
        hover(&analysis, file, at, &compiled.diagnostics)
    }

    #[test]
    fn an_attribute_shows_its_schema_row() {
        let hover = hover_at("replicas", 0).unwrap();
        assert!(
            hover
                .markdown
                .starts_with("**`replicas`** · attribute of `service`")
        );
        assert!(hover.markdown.contains("`min .. max` to autoscale"));
        assert!(
            hover
                .markdown
                .contains("- value: integer or range (`3 .. 10`)")
        );
        assert!(hover.markdown.contains("- default: none"));
        let text = &SERVICES[hover.span.start..hover.span.end];
        assert_eq!(text, "replicas");
        let memory = hover_at("memory = 256Mi", 0).unwrap().markdown;
        assert!(memory.contains("`Mi` mebibytes"), "{memory}");
        let autoscaler = hover_at("autoscaler", 0).unwrap().markdown;
        assert!(autoscaler.contains("`hpa` | `keda`") && autoscaler.contains("- default: `hpa`"));
        // The units of a target follow what the block scales on.
        let target = hover_at("average = 5", 0).unwrap().markdown;
        assert!(
            target.contains("- units: `k` thousand; `M` million"),
            "{target}"
        );
    }

    #[test]
    fn a_block_kind_shows_its_table() {
        let hover = hover_at("service", 0).unwrap().markdown;
        assert!(hover.starts_with("**`service`** block"));
        assert!(hover.contains("| `image` | string | — | yes |"), "{hover}");
        assert!(hover.contains("Nested blocks: `scale` (repeatable)"));
    }

    #[test]
    fn a_service_name_shows_what_the_policy_amounts_to() {
        let hover = hover_at("api", 0).unwrap().markdown;
        assert!(
            hover.starts_with(
                "**service `api`** · 2 .. 10 pods, autoscaled by a HorizontalPodAutoscaler"
            ),
            "{hover}"
        );
        assert!(
            hover.contains("- cpu requested: 1 core at 2 pods, 5 cores at 10 (`500m` each)"),
            "{hover}"
        );
        assert!(
            hover.contains("- memory requested: 512Mi at 2 pods, 2.5Gi at 10 (`256Mi` each)"),
            "{hover}"
        );
        assert!(
            hover.contains("- scales on metric `rps` at 20 per pod on average, queue `jobs` at 5 messages per pod and `cpu` at 70 % of the request"),
            "{hover}"
        );
        let cron = hover_at("cron", 0).unwrap().markdown;
        assert!(
            cron.starts_with("**service `cron`** · 3 pods, fixed"),
            "{cron}"
        );
        assert!(cron.contains("- cpu: no request"), "{cron}");
        assert!(cron.contains("- scales on nothing"), "{cron}");
    }

    #[test]
    fn a_service_with_metrics_says_how_prometheus_scrapes_it() {
        let policy =
            "service api {\n  image = \"a:1\"\n  port = 8080\n  metrics { monitor = service }\n}\n";
        let ws = workspace(&[("p/a.scale", policy)]);
        let compiled = crate::compile(&ws.sources, &ws.projects, &crate::lint::Options::default());
        let analysis = Analysis::new(&ws.sources, &ws.projects);
        let offset = policy.find("api").expect("needle");
        let service = (hover(&analysis, FileId(0), offset, &compiled.diagnostics))
            .expect("hover")
            .markdown;
        assert!(
            service.contains(
                "\n- metrics: `/metrics` on port `http`, scraped through a ServiceMonitor by Prometheus in `monitoring`"
            ),
            "{service}"
        );
    }

    #[test]
    fn a_schedule_shows_its_window_and_who_keeps_pods_on_it() {
        let policy = "schedule office {\n  timezone = \"Europe/Berlin\"\n  start = \"0 8 * * 1-5\"\n  end = \"0 18 * * 1-5\"\n}\n\nservice api {\n  image = \"a:1\"\n  autoscaler = keda\n  replicas = 2 .. 10\n  scale office { replicas = 4 }\n}\n";
        let ws = workspace(&[("p/a.scale", policy)]);
        let compiled = crate::compile(&ws.sources, &ws.projects, &crate::lint::Options::default());
        let analysis = Analysis::new(&ws.sources, &ws.projects);
        let at = |needle: &str| {
            let offset = policy.match_indices(needle).next().expect("needle").0;
            (hover(&analysis, FileId(0), offset, &compiled.diagnostics))
                .expect("hover")
                .markdown
        };
        let declared = at("office {");
        assert_eq!(
            declared,
            "**schedule `office`** · KEDA cron, `Europe/Berlin`\n\nFrom `0 8 * * 1-5` to `0 18 * * 1-5`.\n\nScaled on by `api`."
        );
        assert_eq!(at("office { replicas"), declared);
        let service = at("api");
        assert!(
            service.contains("- scales on schedule `office`: at least 4 pods while on"),
            "{service}"
        );
    }

    #[test]
    fn signals_show_what_they_are_and_who_scales_on_them() {
        let hover = hover_at("rps", 0).unwrap().markdown;
        assert!(
            hover.starts_with("**metric `rps`** · `pods` metric, served as `rps`"),
            "{hover}"
        );
        assert!(hover.contains("\n\nIn Prometheus: `rps`.\n\n"), "{hover}");
        assert!(hover.ends_with("Scaled on by `api`."), "{hover}");
        let on_reference = hover_at("jobs {", 0).unwrap().markdown;
        assert!(
            on_reference.starts_with("**queue `jobs`** · SQS queue in `us-east-1`"),
            "{on_reference}"
        );
    }

    #[test]
    fn a_finding_adds_its_rule_documentation() {
        // K112 on `512m`: no element hover for the value's attribute? There is
        // one (the attribute), and the rule's doc follows it.
        let hover = hover_at("512m", 0).unwrap();
        assert!(
            hover
                .markdown
                .contains("**K112 memory-milli-unit** · error"),
            "{}",
            hover.markdown
        );
        assert!(
            hover.markdown.contains("### Why it is unsafe"),
            "{}",
            hover.markdown
        );
        assert!(hover.markdown.contains("\n---\n"));
        // A language error on a name with no schema row.
        let text = "service api {\n  image = \"a:1\"\n  replica = 3\n}\n";
        let ws = workspace(&[("p/a.scale", text)]);
        let compiled = crate::compile(&ws.sources, &ws.projects, &crate::lint::Options::default());
        let analysis = Analysis::new(&ws.sources, &ws.projects);
        let hover = super::hover(
            &analysis,
            FileId(0),
            text.find("replica").unwrap(),
            &compiled.diagnostics,
        )
        .unwrap();
        assert!(
            hover
                .markdown
                .starts_with("**E002 unknown-attribute**\n\nA block has an attribute"),
            "{}",
            hover.markdown
        );
        assert_eq!(&text[hover.span.start..hover.span.end], "replica");
    }

    #[test]
    fn headings_in_code_blocks_stay() {
        assert_eq!(
            demote_headings("## A\n```scale\n# c\n```\n"),
            "### A\n```scale\n# c\n```\n"
        );
    }
}
