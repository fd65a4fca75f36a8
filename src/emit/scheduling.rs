//! Where a service's pods run, on its pod spec: `priorityClassName`,
//! `nodeSelector`, `tolerations` and a required node affinity on
//! `topology.kubernetes.io/zone`. Lowering has checked every name, key and
//! value, so they are written as they are.

use k8s_openapi::api::core::v1::{
    Affinity, NodeAffinity, NodeSelector, NodeSelectorRequirement, NodeSelectorTerm, PodSpec,
    Toleration,
};

use crate::model::Scheduling;

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
    if !scheduling.zones.is_empty() {
        let zones = NodeSelectorRequirement {
            key: ZONE_LABEL.into(),
            operator: "In".into(),
            values: Some(scheduling.zones.iter().map(|z| z.value.clone()).collect()),
        };
        pod.affinity = Some(Affinity {
            node_affinity: Some(NodeAffinity {
                required_during_scheduling_ignored_during_execution: Some(NodeSelector {
                    node_selector_terms: vec![NodeSelectorTerm {
                        match_expressions: Some(vec![zones]),
                        ..Default::default()
                    }],
                }),
                ..Default::default()
            }),
            ..Default::default()
        });
    }
}
