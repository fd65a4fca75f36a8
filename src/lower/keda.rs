//! `keda { ... }` blocks, and the checks that need the whole service: what
//! KEDA's CRD and admission webhook would refuse, and options the HPA has no
//! place for, are errors here (E003, E008), never warnings.

use crate::ast::{Block, Value};
use crate::diag::{Diagnostic, codes};
use crate::model::{Autoscaler, Fallback, KedaOptions, Project, Replicas, Service, SignalKind};

use super::{Lowerer, schema, values};

/// `failures` and `replicas` of a fallback: int32 fields.
const FALLBACK_COUNT: values::Limit = values::Limit {
    max: values::INT32_MAX,
    what: "a count",
    why: "KEDA stores it in an int32 field",
};

/// The longest `polling` and cooldowns: int32 seconds.
const MAX_SECONDS: u32 = values::INT32_MAX;

impl Lowerer<'_> {
    /// Lowers a `keda` block; `None` when something in it is invalid (and
    /// reported).
    pub(super) fn keda(&mut self, block: &Block) -> Option<KedaOptions> {
        let fields = self.fields(block, schema::block("keda").expect("keda has a schema"));
        let seconds = |v: &Value| values::duration_seconds(v, MAX_SECONDS);
        let polling_seconds = self.get(&fields, "polling", polling);
        let cooldown_seconds = self.get(&fields, "cooldown", seconds);
        let initial_cooldown_seconds = self.get(&fields, "initial_cooldown", seconds);
        let idle_replicas = self.get(&fields, "idle_replicas", idle_replicas);
        let mut fallback = None;
        let mut broken = false;
        for child in &fields.blocks {
            match child.kind.name.as_str() {
                "fallback" => {
                    fallback = self.fallback(child);
                    broken |= fallback.is_none();
                }
                other => unreachable!("`{other}` is not in the keda schema"),
            }
        }
        // An attribute written but not lowered is reported: the options are
        // incomplete.
        let lowered = [
            polling_seconds.is_some(),
            cooldown_seconds.is_some(),
            initial_cooldown_seconds.is_some(),
            idle_replicas.is_some(),
        ];
        if broken || lowered.iter().filter(|l| **l).count() < fields.attributes.len() {
            return None;
        }
        Some(KedaOptions {
            polling_seconds,
            cooldown_seconds,
            initial_cooldown_seconds,
            idle_replicas,
            fallback,
            head: super::block_head(block),
            span: block.span,
        })
    }

    fn fallback(&mut self, block: &Block) -> Option<Fallback> {
        let schema = schema::block("fallback").expect("fallback has a schema");
        let fields = self.fields(block, schema);
        let complete = self.require(block, schema, &fields);
        let count = |v: &Value| values::int32_count(v, &FALLBACK_COUNT);
        let failures = self.get(&fields, "failures", count);
        let replicas = self.get(&fields, "replicas", count);
        let behavior = self.get(&fields, "behavior", values::keyword);
        if !complete || (fields.attributes.contains_key("behavior") && behavior.is_none()) {
            return None;
        }
        Some(Fallback {
            failures: failures?,
            replicas: replicas?,
            behavior,
            head: super::block_head(block),
        })
    }
}

/// `polling`: KEDA's CRD wants at least one second.
fn polling(value: &Value) -> values::Conv<i32> {
    let seconds = values::duration_seconds(value, MAX_SECONDS)?;
    if seconds == 0 {
        return Err(Diagnostic::error(
            codes::TYPE_MISMATCH,
            "KEDA cannot poll every 0s",
            value.span,
        )
        .with_label("at least 1s")
        .with_help("write how often KEDA reads the triggers, e.g. `polling = 15s`"));
    }
    Ok(seconds)
}

/// `idle_replicas`: KEDA supports 0 only (kedacore/keda#2314: the HPA it
/// drives cannot hold another idle count).
fn idle_replicas(value: &Value) -> values::Conv<i32> {
    let count = values::whole_number(value)?;
    if count != 0 {
        return Err(Diagnostic::error(
            codes::TYPE_MISMATCH,
            format!("KEDA supports no idle count but 0, not {count}"),
            value.span,
        )
        .with_label("only 0")
        .with_help(
            "KEDA's HPA cannot hold a non-zero idle count (kedacore/keda#2314): write \
             `idle_replicas = 0`, or drop it and raise the `replicas` minimum",
        ));
    }
    Ok(0)
}

/// Reports KEDA options and activation values no autoscaler would accept
/// (E008). Only for a service whose autoscaler is known: a `cluster` or
/// `defaults` that does not parse may set it.
pub(super) fn check(project: &Project, known: super::signals::Known, sink: &mut Vec<Diagnostic>) {
    for service in &project.services {
        // A job's `keda` options are checked with the rest of the job
        // (`lower/service.rs`): a ScaledJob takes `polling` only.
        if service.is_job() {
            continue;
        }
        if super::signals::autoscaler_known(&project.cluster, service, known) {
            let keda = service.autoscaler == Autoscaler::Keda;
            check_service(project, service, keda, sink);
        }
    }
}

fn check_service(project: &Project, service: &Service, keda: bool, sink: &mut Vec<Diagnostic>) {
    let name = &service.name.value;
    let conflict = |message: String, span, label: &str, help: &str| {
        Diagnostic::error(codes::CONFLICTING_ATTRIBUTES, message, span)
            .with_label(label.to_string())
            .with_related(service.name.span, format!("in service `{name}`"))
            .with_help(help.to_string())
    };
    if !keda {
        for signal in &service.scaling {
            if let Some(activation) = &signal.activation {
                sink.push(conflict(
                    format!(
                        "the HPA has no activation value: `scale {}` cannot use `activation`",
                        signal.source.value.name()
                    ),
                    activation.span,
                    "KEDA only",
                    "set `autoscaler = keda` (in the service, `defaults` or `cluster`), or remove `activation`",
                ));
            }
        }
    }
    let Some(options) = &service.keda else {
        return;
    };
    // Options inherited from `defaults` apply to the services KEDA scales
    // and are ignored by the others; the service's own must apply.
    let own = service.span.contains(options.span);
    let autoscaled =
        service.is_autoscaled() && !matches!(service.replicas, Some(Replicas::Fixed(_)));
    if !keda || !autoscaled {
        if own {
            let (message, help) = if keda {
                (
                    format!(
                        "service `{name}` is not autoscaled: KEDA makes no ScaledObject for its `keda` options"
                    ),
                    "give it a `replicas` range and a `scale` block, or remove `keda`",
                )
            } else {
                (
                    format!("service `{name}` is scaled by the HPA, which has no `keda` options"),
                    "set `autoscaler = keda` (in the service, `defaults` or `cluster`), or remove `keda`",
                )
            };
            sink.push(conflict(message, options.head, "not applied", help));
        }
        return;
    }
    let resource_only = service.scaling.iter().all(|signal| {
        matches!(
            project.signal_kind(&signal.source.value),
            Some(SignalKind::Cpu | SignalKind::Memory)
        )
    });
    if let Some(idle) = &options.idle_replicas {
        if let Some(Replicas::Range { min, .. }) = &service.replicas
            && min.value == 0
        {
            sink.push(conflict(
                "`idle_replicas` must be below the `replicas` minimum, which is 0".to_string(),
                idle.span,
                "KEDA's webhook refuses this",
                "raise the minimum to 1 or more (`replicas = 1 .. N`): KEDA runs it while a trigger is active, and 0 pods while none is",
            ));
        } else if resource_only {
            sink.push(conflict(
                "`idle_replicas` never applies: with only cpu and memory triggers, KEDA holds the service active".to_string(),
                idle.span,
                "never idle",
                "KEDA cannot tell idle from cpu or memory, which zero pods would not report: scale on a queue too (the service idles while the queue is at or below `activation`), or remove `idle_replicas`",
            ));
        }
    }
    if let Some(fallback) = &options.fallback
        && resource_only
    {
        sink.push(conflict(
            "a fallback needs a trigger that is not cpu or memory".to_string(),
            fallback.head,
            "KEDA's webhook refuses this",
            "KEDA reads cpu and memory through the HPA, never through a scaler that can fail: scale on a queue too, or remove `fallback`",
        ));
    }
}
