//! The node pool as a Karpenter NodePool (`karpenter.sh/v1`), with
//! `nodes { provisioner = karpenter }`: `nodepool.yaml`.
//!
//! - `spec.limits`: what the pool holds at its largest, the per-node size
//!   times the maximum `count`: cpu in whole vCPUs (the instances' size,
//!   which Karpenter counts), memory, and `nvidia.com/gpu` with a `gpu`.
//! - `spec.template.spec.requirements`: `arch` (`kubernetes.io/arch`),
//!   `capacity` (`karpenter.sh/capacity-type`), `instance_families` and
//!   `instance_sizes` (`karpenter.k8s.aws/instance-family`, `-size`) as
//!   written, then the per-node size: `karpenter.k8s.aws/instance-cpu` in
//!   the whole vCPUs of `cpu`, `instance-memory` above the MiB of `memory`
//!   less one, so every node has at least the size the capacity rules count.
//! - `nodeClassRef`: the `EC2NodeClass` `node_class` (`default`).
//! - `spec.disruption`: `consolidation`, `consolidate_after` and
//!   `disruption_budget` (one budget), each written or Karpenter's default;
//!   `expireAfter` only when `expire_after` is written.
//!
//! A NodePool is cluster-scoped: it has no namespace, and it is named after
//! the project, so two projects on one cluster keep theirs apart.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::Serialize;

use super::{Context, OutputFile, YamlFile};
use crate::model::{IntOrPercent, Karpenter, NodePool as Pool};

/// The NodeClass API group and kind of the AWS provider.
pub const NODE_CLASS_GROUP: &str = "karpenter.k8s.aws";
pub const NODE_CLASS_KIND: &str = "EC2NodeClass";

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct NodePool {
    api_version: &'static str,
    kind: &'static str,
    metadata: Metadata,
    spec: NodePoolSpec,
}

#[derive(Serialize)]
struct Metadata {
    name: String,
    labels: BTreeMap<String, String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct NodePoolSpec {
    template: Template,
    limits: BTreeMap<&'static str, String>,
    disruption: Disruption,
}

#[derive(Serialize)]
struct Template {
    spec: TemplateSpec,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct TemplateSpec {
    node_class_ref: NodeClassRef,
    requirements: Vec<Requirement>,
    #[serde(skip_serializing_if = "Option::is_none")]
    expire_after: Option<String>,
}

#[derive(Serialize)]
struct NodeClassRef {
    group: &'static str,
    kind: &'static str,
    name: String,
}

#[derive(Serialize)]
struct Requirement {
    key: &'static str,
    operator: &'static str,
    values: Vec<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Disruption {
    consolidation_policy: &'static str,
    consolidate_after: String,
    budgets: Vec<Budget>,
}

#[derive(Serialize)]
struct Budget {
    nodes: String,
}

/// Whole vCPUs of a node of `millicores` allocatable: the instance's size.
pub fn instance_cpus(millicores: u64) -> u64 {
    millicores.div_ceil(1000).max(1)
}

/// A memory quantity from millibytes: the largest binary unit that shows
/// it exactly (`384Gi`), else bytes, else millibytes (`512m`).
fn memory_quantity(millibytes: u128) -> String {
    if !millibytes.is_multiple_of(1000) {
        return format!("{millibytes}m");
    }
    let bytes = millibytes / 1000;
    for (unit, shift) in [
        ("Ei", 60),
        ("Pi", 50),
        ("Ti", 40),
        ("Gi", 30),
        ("Mi", 20),
        ("Ki", 10),
    ] {
        let size = 1u128 << shift;
        if bytes >= size && bytes.is_multiple_of(size) {
            return format!("{}{unit}", bytes / size);
        }
    }
    bytes.to_string()
}

fn seconds(seconds: u64) -> String {
    crate::model::format_seconds(i64::try_from(seconds).unwrap_or(i64::MAX))
}

fn requirement(key: &'static str, operator: &'static str, values: Vec<String>) -> Requirement {
    Requirement {
        key,
        operator,
        values,
    }
}

fn requirements(pool: &Pool, karpenter: &Karpenter) -> Vec<Requirement> {
    let mut out = Vec::new();
    let words = |items: Vec<&str>| {
        let mut items: Vec<String> = items.into_iter().map(str::to_string).collect();
        items.sort();
        items.dedup();
        items
    };
    if !karpenter.arch.is_empty() {
        let values = words(karpenter.arch.iter().map(|a| a.value.label()).collect());
        out.push(requirement("kubernetes.io/arch", "In", values));
    }
    if !karpenter.capacity.is_empty() {
        let values = words(karpenter.capacity.iter().map(|c| c.value.label()).collect());
        out.push(requirement("karpenter.sh/capacity-type", "In", values));
    }
    if !karpenter.instance_families.is_empty() {
        let values = words(
            karpenter
                .instance_families
                .iter()
                .map(|f| f.value.as_str())
                .collect(),
        );
        out.push(requirement(
            "karpenter.k8s.aws/instance-family",
            "In",
            values,
        ));
    }
    if !karpenter.instance_sizes.is_empty() {
        let values = words(
            karpenter
                .instance_sizes
                .iter()
                .map(|s| s.value.as_str())
                .collect(),
        );
        out.push(requirement("karpenter.k8s.aws/instance-size", "In", values));
    }
    out.push(requirement(
        "karpenter.k8s.aws/instance-cpu",
        "In",
        vec![instance_cpus(pool.cpu.value.millicores).to_string()],
    ));
    let mebibytes = pool.memory.value.millibytes / 1000 / (1 << 20);
    out.push(requirement(
        "karpenter.k8s.aws/instance-memory",
        "Gt",
        vec![mebibytes.saturating_sub(1).to_string()],
    ));
    out
}

/// `spec.limits`: the per-node size times the maximum node count.
fn limits(pool: &Pool) -> BTreeMap<&'static str, String> {
    let max = pool.count.value.max;
    let mut limits = BTreeMap::from([
        (
            "cpu",
            (u128::from(instance_cpus(pool.cpu.value.millicores)) * u128::from(max)).to_string(),
        ),
        (
            "memory",
            memory_quantity(pool.memory.value.millibytes.saturating_mul(u128::from(max))),
        ),
    ]);
    if let Some(gpu) = &pool.gpu
        && gpu.value > 0
    {
        limits.insert(
            "nvidia.com/gpu",
            (u128::from(gpu.value.unsigned_abs()) * u128::from(max)).to_string(),
        );
    }
    limits
}

/// `nodepool.yaml`, when the pool has `provisioner = karpenter`.
pub fn nodepool_file(context: &Context<'_>) -> Option<OutputFile> {
    let pool = context.project.cluster.nodes.as_ref()?;
    let karpenter = pool.karpenter.as_ref()?;
    let name = context.part_of.clone();
    let budget = match karpenter
        .disruption_budget
        .as_ref()
        .map_or(Karpenter::DEFAULT_BUDGET, |b| b.value)
    {
        IntOrPercent::Int(n) => n.to_string(),
        IntOrPercent::Percent(p) => format!("{p}%"),
    };
    let object = NodePool {
        api_version: "karpenter.sh/v1",
        kind: "NodePool",
        metadata: Metadata {
            labels: context.labels(&name),
            name,
        },
        spec: NodePoolSpec {
            template: Template {
                spec: TemplateSpec {
                    node_class_ref: NodeClassRef {
                        group: NODE_CLASS_GROUP,
                        kind: NODE_CLASS_KIND,
                        name: karpenter.node_class().to_string(),
                    },
                    requirements: requirements(pool, karpenter),
                    expire_after: karpenter
                        .expire_after_seconds
                        .as_ref()
                        .map(|s| seconds(s.value)),
                },
            },
            limits: limits(pool),
            disruption: Disruption {
                consolidation_policy: karpenter.consolidation().policy(),
                consolidate_after: seconds(
                    karpenter
                        .consolidate_after_seconds
                        .as_ref()
                        .map_or(0, |s| s.value),
                ),
                budgets: vec![Budget { nodes: budget }],
            },
        },
    };
    let mut yaml = YamlFile::new(context.header("#", pool.span.file), 1024);
    yaml.push(&object);
    Some(OutputFile {
        path: PathBuf::from(super::layout::NODEPOOL_FILE),
        content: yaml.finish(),
    })
}

#[cfg(test)]
mod tests {
    use super::{instance_cpus, memory_quantity};

    #[test]
    fn memory_quantities_are_exact() {
        assert_eq!(memory_quantity(384 * (1 << 30) * 1000), "384Gi");
        assert_eq!(memory_quantity(1_500 * 1000), "1500");
        assert_eq!(memory_quantity(512), "512m");
        assert_eq!(memory_quantity(3 * (1 << 29) * 1000), "1536Mi");
    }

    #[test]
    fn instance_cpus_round_up() {
        assert_eq!(instance_cpus(8000), 8);
        assert_eq!(instance_cpus(7910), 8);
        assert_eq!(instance_cpus(500), 1);
    }
}
