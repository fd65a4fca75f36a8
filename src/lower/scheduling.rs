//! Lowering of where a service's pods run: `priority_class`, `zones`,
//! `node_selector { }` and `toleration { }` blocks.
//!
//! Everything the API server would refuse is an error here (E006, E007), so
//! emit can write what it is given.

use super::schema;
use super::{Fields, Lowerer, values};
use crate::ast::Block;
use crate::diag::{Diagnostic, codes};
use crate::model::{Spanned, TaintEffect, Toleration};

impl Lowerer<'_> {
    /// `priority_class = "..."`: a PriorityClass name (E006 otherwise).
    pub(super) fn priority_class(&mut self, fields: &Fields<'_>) -> Option<Spanned<String>> {
        let class = self.get(fields, "priority_class", values::string)?;
        let valid = self.check_name(
            crate::names::kubernetes::dns_subdomain(&class.value),
            class.span,
            || {
                format!(
                    "{} cannot be the name of a Kubernetes PriorityClass",
                    crate::names::quoted(&class.value)
                )
            },
        );
        valid.then_some(class)
    }

    /// `zones = [...]`: label values (E006), each once.
    pub(super) fn zones(&mut self, fields: &Fields<'_>) -> Option<Vec<Spanned<String>>> {
        let attribute = fields.attributes.get("zones")?;
        let items = self.convert(super::service::list_items(
            &attribute.value,
            "\"eu-west-1a\"",
        ))?;
        if items.is_empty() {
            self.report(
                Diagnostic::error(
                    codes::TYPE_MISMATCH,
                    "`zones = []` leaves the pods no zone to run in",
                    attribute.value.span,
                )
                .with_label("no zone")
                .with_help("name the zones, e.g. `zones = [\"eu-west-1a\", \"eu-west-1b\"]`, or remove `zones` to allow every zone"),
            );
            return None;
        }
        let mut zones: Vec<Spanned<String>> = Vec::with_capacity(items.len());
        for item in items {
            let Some(zone) = self.convert(values::name(item)) else {
                continue;
            };
            let valid = self.check_name(
                crate::names::kubernetes::label_value(&zone),
                item.span,
                || {
                    format!(
                        "{} cannot be a zone label value",
                        crate::names::quoted(&zone)
                    )
                },
            );
            if valid && !zones.iter().any(|z| z.value == zone) {
                zones.push(Spanned::new(zone, item.span));
            }
        }
        Some(zones)
    }

    /// `toleration { key  value  effect }`: a label key and, when written, a
    /// label value, as the API server checks a toleration's (E006).
    pub(super) fn toleration(&mut self, block: &Block) -> Option<Toleration> {
        let schema = schema::block("toleration").expect("toleration has a schema");
        let fields = self.fields(block, schema);
        let complete = self.require(block, schema, &fields);
        let key = self.get(&fields, "key", values::string);
        let value = self.get(&fields, "value", values::string);
        let effect = self.get(&fields, "effect", values::keyword::<TaintEffect>);
        let seconds = self.get(&fields, "seconds", |v| {
            values::int32_count(v, &values::TOLERATION_SECONDS).map(i64::from)
        });
        let seconds_ok = seconds
            .as_ref()
            .is_none_or(|seconds| self.toleration_seconds(seconds, &fields, effect.as_ref()));
        let key_ok = key.as_ref().is_none_or(|key| {
            self.check_name(
                crate::names::kubernetes::label_key(&key.value),
                key.span,
                || format!("{} cannot be a taint key", crate::names::quoted(&key.value)),
            )
        });
        let value_ok = value.as_ref().is_none_or(|value| {
            self.check_name(
                crate::names::kubernetes::label_value(&value.value),
                value.span,
                || {
                    format!(
                        "{} cannot be a taint value",
                        crate::names::quoted(&value.value)
                    )
                },
            )
        });
        // An attribute written but not lowered is reported: the toleration
        // would tolerate more than it says.
        let lowered = usize::from(key.is_some())
            + usize::from(value.is_some())
            + usize::from(effect.is_some())
            + usize::from(seconds.is_some());
        if !complete || !key_ok || !value_ok || !seconds_ok || lowered < fields.attributes.len() {
            return None;
        }
        let key = key?;
        Some(Toleration {
            key,
            value,
            effect,
            seconds,
            span: block.span,
        })
    }

    /// `seconds` only with `effect = no_execute` (E008): the API server
    /// refuses `tolerationSeconds` with any other effect, or with none, since
    /// only a NoExecute taint evicts pods that already run.
    fn toleration_seconds(
        &mut self,
        seconds: &Spanned<i64>,
        fields: &Fields<'_>,
        effect: Option<&Spanned<TaintEffect>>,
    ) -> bool {
        if effect.is_some_and(|e| e.value == TaintEffect::NoExecute) {
            return true;
        }
        // An effect that did not lower is reported already.
        if effect.is_none() && fields.attributes.contains_key("effect") {
            return false;
        }
        let mut diagnostic = Diagnostic::error(
            codes::CONFLICTING_ATTRIBUTES,
            "`seconds` needs `effect = no_execute`",
            seconds.span,
        )
        .with_label(format!(
            "a running pod would stay {} after the taint appears",
            crate::model::format_seconds(seconds.value)
        ));
        let help = match effect {
            Some(effect) => {
                diagnostic = diagnostic.with_related(
                    effect.span,
                    format!(
                        "a `{}` taint never evicts a running pod",
                        effect.value.word()
                    ),
                );
                "only a `no_execute` taint evicts pods that already run, so only it has a \
                 time to wait: write `effect = no_execute`, or remove `seconds`"
            }
            None => {
                "without `effect` the toleration covers every effect, and the API server \
                 refuses `seconds` then: add `effect = no_execute`, or remove `seconds`"
            }
        };
        self.report(diagnostic.with_help(help));
        false
    }
}
