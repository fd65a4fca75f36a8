//! Lowering of where a service's pods run: `priority_class`, `zones`,
//! `node_selector { }`, `toleration { }` and `node_affinity { }` blocks.
//!
//! Everything the API server would refuse is an error here (E003, E006,
//! E007, E008), so emit can write what it is given.

use super::schema;
use super::{Fields, Lowerer, values};
use crate::ast::{Block, Value, ValueKind};
use crate::diag::{Diagnostic, codes};
use crate::model::{NodeOperator, NodeRequirement, Spanned, TaintEffect, Toleration};

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

    /// `node_affinity { key  operator  values  weight }`: a label key (E006),
    /// the values its operator needs and no others (E003, E007, E008), and a
    /// weight of 1 to 100 (E003), as the API server checks a node selector
    /// requirement and a preferred scheduling term.
    pub(super) fn node_requirement(&mut self, block: &Block) -> Option<NodeRequirement> {
        let schema = schema::block("node_affinity").expect("node_affinity has a schema");
        let fields = self.fields(block, schema);
        let complete = self.require(block, schema, &fields);
        let key = self.get(&fields, "key", values::string);
        let operator = self.get(&fields, "operator", values::keyword::<NodeOperator>);
        let weight = self.get(&fields, "weight", node_weight);
        let key_ok = key.as_ref().is_none_or(|key| {
            self.check_name(
                crate::names::kubernetes::label_key(&key.value),
                key.span,
                || {
                    format!(
                        "{} cannot be a node label key",
                        crate::names::quoted(&key.value)
                    )
                },
            )
        });
        if operator.is_none() && fields.attributes.contains_key("operator") {
            // Reported; which values it needs is unknown.
            return None;
        }
        let (op, operator_span) = match &operator {
            Some(o) => (o.value, Some(o.span)),
            None => (NodeOperator::In, None),
        };
        let values = self.node_values(block, &fields, op, operator_span);
        let lowered = usize::from(key.is_some())
            + usize::from(operator.is_some())
            + usize::from(weight.is_some())
            + usize::from(fields.attributes.contains_key("values"));
        if !complete || !key_ok || lowered < fields.attributes.len() {
            return None;
        }
        Some(NodeRequirement {
            key: key?,
            operator: op,
            operator_span,
            values: values?,
            weight,
            span: block.span,
        })
    }

    /// The `values` of a `node_affinity`, checked against its operator.
    fn node_values(
        &mut self,
        block: &Block,
        fields: &Fields<'_>,
        operator: NodeOperator,
        operator_span: Option<crate::source::Span>,
    ) -> Option<Vec<Spanned<String>>> {
        let word = operator.word();
        let Some(attribute) = fields.attributes.get("values") else {
            if !operator.takes_values() {
                return Some(Vec::new());
            }
            let example = match operator {
                NodeOperator::Gt | NodeOperator::Lt => "values = [\"4\"]",
                _ => "values = [\"g5.xlarge\"]",
            };
            let mut diagnostic = Diagnostic::error(
                codes::MISSING_ATTRIBUTE,
                format!("`node_affinity` with `operator = {word}` has no `values`"),
                super::block_head(block),
            );
            diagnostic = match operator_span {
                Some(span) => diagnostic
                    .with_label("`values` is missing")
                    .with_related(span, format!("`{word}` compares the label with values")),
                None => diagnostic
                    .with_label("`values` is missing, and the operator is `in` when not written"),
            };
            self.report(diagnostic.with_help(format!(
                "add `{example}`, or write `operator = exists` to require the label with any value"
            )));
            return None;
        };
        if !operator.takes_values() {
            let mut diagnostic = Diagnostic::error(
                codes::CONFLICTING_ATTRIBUTES,
                format!("`operator = {word}` takes no `values`"),
                attribute.value.span,
            )
            .with_label("values are not allowed here");
            if let Some(span) = operator_span {
                diagnostic =
                    diagnostic.with_related(span, format!("`{word}` only looks at the key"));
            }
            self.report(diagnostic.with_help(format!(
                "remove `values`, or write `operator = {}` to compare the label's value",
                if operator == NodeOperator::Exists {
                    "in"
                } else {
                    "not_in"
                }
            )));
            return None;
        }
        let items = self.convert(super::service::list_items(
            &attribute.value,
            "\"g5.xlarge\"",
        ))?;
        let integer = matches!(operator, NodeOperator::Gt | NodeOperator::Lt);
        if items.is_empty() || (integer && items.len() != 1) {
            let (message, help) = if integer {
                (
                    format!(
                        "`operator = {word}` compares with exactly one integer, not {}",
                        items.len()
                    ),
                    format!(
                        "write one value, e.g. `values = [\"4\"]`: the node's label must be {} it",
                        if operator == NodeOperator::Gt {
                            "greater than"
                        } else {
                            "less than"
                        }
                    ),
                )
            } else {
                (
                    "`values = []` matches no node".to_string(),
                    format!(
                        "name one or more values, or write `operator = {}` for the label with any value",
                        if operator == NodeOperator::In {
                            "exists"
                        } else {
                            "does_not_exist"
                        }
                    ),
                )
            };
            self.report(
                Diagnostic::error(codes::TYPE_MISMATCH, message, attribute.value.span)
                    .with_label(match items.len() {
                        0 => "no value".to_string(),
                        1 => "1 value".to_string(),
                        n => format!("{n} values"),
                    })
                    .with_help(help),
            );
            return None;
        }
        let mut values: Vec<Spanned<String>> = Vec::with_capacity(items.len());
        let mut ok = true;
        for item in items {
            let Some(value) = self.convert(node_value(item)) else {
                ok = false;
                continue;
            };
            let valid = if integer {
                self.check_integer(&value, item.span, operator)
            } else {
                self.check_name(
                    crate::names::kubernetes::label_value(&value),
                    item.span,
                    || {
                        format!(
                            "{} cannot be a node label value",
                            crate::names::quoted(&value)
                        )
                    },
                )
            };
            ok &= valid;
            if valid && !values.iter().any(|v| v.value == value) {
                values.push(Spanned::new(value, item.span));
            }
        }
        ok.then_some(values)
    }

    /// `gt` and `lt` compare the label as a 64-bit integer: the API server
    /// refuses a value that does not parse as one.
    fn check_integer(
        &mut self,
        value: &str,
        span: crate::source::Span,
        operator: NodeOperator,
    ) -> bool {
        if value.parse::<i64>().is_ok() && !value.starts_with('+') {
            return true;
        }
        self.report(
            Diagnostic::error(
                codes::TYPE_MISMATCH,
                format!(
                    "`operator = {}` compares with an integer, not {}",
                    operator.word(),
                    crate::names::quoted(value)
                ),
                span,
            )
            .with_label("not an integer")
            .with_help("write a whole number, e.g. `values = [\"4\"]`, or use `in` to match text"),
        );
        false
    }
}

/// A label value as written: a string, a word or a bare whole number.
fn node_value(value: &Value) -> values::Conv<String> {
    match &value.kind {
        ValueKind::String(s) | ValueKind::Ident(s) => Ok(s.clone()),
        ValueKind::Quantity(q) if q.unit.is_empty() => Ok(q.number.clone()),
        _ => Err(values::mismatch(value, "a label value")),
    }
}

/// A preferred term's `weight`: 1 to 100, as the API server requires.
fn node_weight(value: &Value) -> values::Conv<i32> {
    let weight = values::whole_number(value)?;
    match i32::try_from(weight) {
        Ok(w @ 1..=100) => Ok(w),
        _ => Err(Diagnostic::error(
            codes::TYPE_MISMATCH,
            format!("a weight of {weight} is out of range"),
            value.span,
        )
        .with_label("not 1 to 100")
        .with_help(
            "the scheduler adds the weight, 1 to 100, of every preferred term a node \
             matches to its score: write 1 to 100, or remove `weight` to require the label",
        )),
    }
}
