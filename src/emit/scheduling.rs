//! Where a service's pods run, on its pod spec: `priorityClassName`,
//! `nodeSelector`, `tolerations` and a node affinity: required, from the
//! zones (`topology.kubernetes.io/zone`) and every `node_affinity` without a
//! weight, and preferred, from those with one. Lowering has checked every
//! name, key, value, operator and weight, so they are written as they are.

use k8s_openapi::api::core::v1::{
    Affinity, NodeAffinity, NodeSelector, NodeSelectorRequirement, NodeSelectorTerm, PodSpec,
    PreferredSchedulingTerm, Toleration,
};

use crate::model::{NodeRequirement, Scheduling};

/// The well-known node label of a node's zone.
pub const ZONE_LABEL: &str = "topology.kubernetes.io/zone";

/// Writes what `scheduling` says onto `pod`; nothing when it says nothing.
pub fn apply(pod: &mut PodSpec, scheduling: &Scheduling) {
    pod.priority_class_name = (scheduling.priority_class.as_ref()).map(|c| c.value.clone());
    if !scheduling.node_selector.is_empty() {
        pod.node_selector = Some(
            (scheduling.node_selector.iter())
                .map(|(key, value)| (key.clone(), value.value.clone()))
                .collect(),
        );
    }
    if !scheduling.tolerations.is_empty() {
        pod.tolerations = Some(
            (scheduling.tolerations.iter())
                .map(|t| Toleration {
                    key: Some(t.key.value.clone()),
                    operator: Some(if t.value.is_some() { "Equal" } else { "Exists" }.into()),
                    value: t.value.as_ref().map(|v| v.value.clone()),
                    effect: t.effect.as_ref().map(|e| e.value.api_name().into()),
                    toleration_seconds: t.seconds.as_ref().map(|s| s.value),
                })
                .collect(),
        );
    }
    if let Some(node_affinity) = node_affinity(scheduling) {
        pod.affinity = Some(Affinity {
            node_affinity: Some(node_affinity),
            ..Default::default()
        });
    }
}

/// The zones and every required `node_affinity` as one node selector term
/// (its requirements are ANDed; terms would be ORed), and each weighted
/// `node_affinity` as a preferred term of its own; `None` when there is
/// neither.
fn node_affinity(scheduling: &Scheduling) -> Option<NodeAffinity> {
    let zones = (!scheduling.zones.is_empty()).then(|| NodeSelectorRequirement {
        key: ZONE_LABEL.into(),
        operator: "In".into(),
        values: Some(scheduling.zones.iter().map(|z| z.value.clone()).collect()),
    });
    let required: Vec<NodeSelectorRequirement> = zones
        .into_iter()
        .chain(
            (scheduling.node_affinity.iter())
                .filter(|r| r.weight.is_none())
                .map(requirement),
        )
        .collect();
    let preferred: Vec<PreferredSchedulingTerm> = (scheduling.node_affinity.iter())
        .filter_map(|r| {
            let weight = r.weight.as_ref()?;
            Some(PreferredSchedulingTerm {
                weight: weight.value,
                preference: NodeSelectorTerm {
                    match_expressions: Some(vec![requirement(r)]),
                    ..Default::default()
                },
            })
        })
        .collect();
    if required.is_empty() && preferred.is_empty() {
        return None;
    }
    Some(NodeAffinity {
        required_during_scheduling_ignored_during_execution: (!required.is_empty()).then(|| {
            NodeSelector {
                node_selector_terms: vec![NodeSelectorTerm {
                    match_expressions: Some(required),
                    ..Default::default()
                }],
            }
        }),
        preferred_during_scheduling_ignored_during_execution: (!preferred.is_empty())
            .then_some(preferred),
    })
}

/// One `node_affinity` as the API writes it: no `values` for `Exists` and
/// `DoesNotExist`.
fn requirement(r: &NodeRequirement) -> NodeSelectorRequirement {
    NodeSelectorRequirement {
        key: r.key.value.clone(),
        operator: r.operator.api_name().into(),
        values: (r.operator.takes_values())
            .then(|| r.values.iter().map(|v| v.value.clone()).collect()),
    }
}
