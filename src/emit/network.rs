//! NetworkPolicies: who may open a connection to the project's pods.
//!
//! The policy declares who calls whom (`calls`), so the namespace is closed
//! by default and opened exactly there:
//!
//! - `default-deny`: selects every pod of the namespace and admits nothing,
//!   so a pod no other policy selects takes no connection (the namespace is
//!   the project's; see `docs/build.md`);
//! - per service with a port: admits each service that calls it, from that
//!   service's pods, on the ports called (by name), the traffic from
//!   outside the project the policy states (`public`, `ingress_from`), and
//!   Prometheus on its `metrics` port (`emit::monitor`);
//! - per database: admits its own pods (replica sets, config servers and
//!   routers talk to each other), its operator (Percona's or the MongoDB
//!   Enterprise operator), and the services that call it and its
//!   shard-setup Job on the router port.
//!
//! Policies only admit ingress; egress stays open (DNS included). Kubelet
//! probes come from the pod's node, whose traffic to its own pods
//! NetworkPolicies always allow.

use std::collections::BTreeMap;

use k8s_openapi::api::networking::v1::{
    NetworkPolicy, NetworkPolicyIngressRule, NetworkPolicyPeer, NetworkPolicyPort,
    NetworkPolicySpec,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, LabelSelectorRequirement};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use super::Context;
use crate::model::{Database, PortRef, Service};

/// The name of the project's default-deny policy.
pub const DEFAULT_DENY: &str = "default-deny";

/// The labels the Percona operator sets on every pod of a cluster (mongod,
/// config server and mongos): `clusterLabels` of the operator, with the
/// cluster's name as `app.kubernetes.io/instance`.
pub fn percona_pod_labels(database: &str) -> BTreeMap<String, String> {
    BTreeMap::from([
        (
            "app.kubernetes.io/instance".to_string(),
            database.to_string(),
        ),
        (
            "app.kubernetes.io/name".to_string(),
            "percona-server-mongodb".to_string(),
        ),
    ])
}

/// The labels of the Percona operator's own pod, one per way it is
/// installed: the operator's `deploy/bundle.yaml` sets both `name` and
/// `app.kubernetes.io/name` to `percona-server-mongodb-operator`; the
/// `psmdb-operator` Helm chart sets `app.kubernetes.io/name` to its chart
/// name, `psmdb-operator`, unless `nameOverride` says otherwise.
const OPERATOR_LABELS: &[(&str, &str)] = &[
    ("app.kubernetes.io/name", "percona-server-mongodb-operator"),
    ("app.kubernetes.io/name", "psmdb-operator"),
    ("name", "percona-server-mongodb-operator"),
];

/// The port of a database's routers (and of every mongod).
const MONGODB_PORT: i32 = 27017;

fn pods(labels: BTreeMap<String, String>) -> LabelSelector {
    LabelSelector {
        match_labels: Some(labels),
        ..Default::default()
    }
}

fn peer(labels: BTreeMap<String, String>) -> NetworkPolicyPeer {
    NetworkPolicyPeer {
        pod_selector: Some(pods(labels)),
        ..Default::default()
    }
}

fn policy(
    context: &Context<'_>,
    name: &str,
    selector: LabelSelector,
    ingress: Vec<NetworkPolicyIngressRule>,
) -> NetworkPolicy {
    NetworkPolicy {
        metadata: context.metadata(name),
        spec: Some(NetworkPolicySpec {
            pod_selector: Some(selector),
            policy_types: Some(vec!["Ingress".to_string()]),
            ingress: (!ingress.is_empty()).then_some(ingress),
            ..Default::default()
        }),
    }
}

/// Selects every pod of the namespace and admits nothing.
pub fn default_deny(context: &Context<'_>) -> NetworkPolicy {
    policy(context, DEFAULT_DENY, LabelSelector::default(), Vec::new())
}

fn named_ports(ports: &[PortRef<'_>]) -> Vec<NetworkPolicyPort> {
    ports
        .iter()
        .map(|port| NetworkPolicyPort {
            port: Some(IntOrString::String(port.name.to_string())),
            protocol: Some(port.protocol.kubernetes().to_string()),
            ..Default::default()
        })
        .collect()
}

/// The policy of a service with a port: one rule per caller (in name order)
/// on the ports it calls, then `ingress_from`, then `public`, then
/// Prometheus on the `metrics` port. `None` for a
/// service without a port, or one nothing may reach (the default-deny
/// already closes it).
pub fn service_policy(context: &Context<'_>, service: &Service) -> Option<NetworkPolicy> {
    if !service.has_ports() {
        return None;
    }
    let name = &service.name.value;
    let all = service.ports();
    let mut ingress = Vec::new();
    for caller in &context.project.services {
        let Some(call) = caller.calls.iter().find(|c| c.target.value == *name) else {
            continue;
        };
        let ports: Vec<PortRef<'_>> = all
            .iter()
            .filter(|p| call.ports.is_empty() || call.ports.iter().any(|c| c.value == p.name))
            .copied()
            .collect();
        ingress.push(NetworkPolicyIngressRule {
            from: Some(vec![peer(context.selector(&caller.name.value))]),
            ports: Some(named_ports(&ports)),
        });
    }
    if !service.ingress_from.is_empty() {
        let from = service
            .ingress_from
            .iter()
            .map(|namespace| NetworkPolicyPeer {
                namespace_selector: Some(pods(BTreeMap::from([(
                    "kubernetes.io/metadata.name".to_string(),
                    namespace.value.clone(),
                )]))),
                ..Default::default()
            })
            .collect();
        ingress.push(NetworkPolicyIngressRule {
            from: Some(from),
            ports: Some(named_ports(&all)),
        });
    }
    if service.public.as_ref().is_some_and(|p| p.value) {
        ingress.push(NetworkPolicyIngressRule {
            from: None,
            ports: Some(named_ports(&all)),
        });
    }
    ingress.extend(super::monitor::scrape_rule(service));
    if ingress.is_empty() {
        return None;
    }
    Some(policy(context, name, pods(context.selector(name)), ingress))
}

/// The policy of a database's pods: its own pods and the operator on every
/// port; the services that call it and its shard-setup Job (whose pods are
/// labelled as the Job `setup_job` is named) on the MongoDB port.
pub fn database_policy(
    context: &Context<'_>,
    database: &Database,
    setup_job: &str,
) -> NetworkPolicy {
    let own = pods(percona_pod_labels(&database.name.value));
    operator_database_policy(context, database, setup_job, own, OPERATOR_LABELS)
}

/// The labels the MongoDB Enterprise operator sets on the pods of a sharded
/// cluster `NAME`: `controller: mongodb-enterprise-operator` on every pod,
/// and `app` = the tier's Service, `NAME-sh` (shard members), `NAME-cs`
/// (config servers) or `NAME-svc` (mongos) (`construct/database_construction.go`,
/// `api/mongodb/v1/mdb/mongodb_types.go`).
pub fn enterprise_pod_selector(database: &str) -> LabelSelector {
    LabelSelector {
        match_labels: Some(BTreeMap::from([(
            "controller".to_string(),
            "mongodb-enterprise-operator".to_string(),
        )])),
        match_expressions: Some(vec![LabelSelectorRequirement {
            key: "app".to_string(),
            operator: "In".to_string(),
            values: Some(
                ["cs", "sh", "svc"]
                    .iter()
                    .map(|suffix| format!("{database}-{suffix}"))
                    .collect(),
            ),
        }]),
    }
}

/// The labels of the MongoDB Enterprise operator's own pod, one per Helm
/// chart: MongoDB Controllers for Kubernetes, then the older Enterprise
/// operator.
pub const ENTERPRISE_OPERATOR_LABELS: &[(&str, &str)] = &[
    ("app.kubernetes.io/name", "mongodb-kubernetes-operator"),
    ("app.kubernetes.io/name", "mongodb-enterprise-operator"),
];

/// A database's policy, given how its operator labels the cluster's pods
/// (`own`) and its own pod (`operator_labels`).
pub fn operator_database_policy(
    context: &Context<'_>,
    database: &Database,
    setup_job: &str,
    own: LabelSelector,
    operator_labels: &[(&str, &str)],
) -> NetworkPolicy {
    let name = &database.name.value;
    let operator = operator_labels
        .iter()
        .map(|(key, value)| NetworkPolicyPeer {
            namespace_selector: Some(LabelSelector::default()),
            pod_selector: Some(pods(BTreeMap::from([(key.to_string(), value.to_string())]))),
            ..Default::default()
        })
        .collect();
    let clients = context
        .project
        .services
        .iter()
        .filter(|s| s.calls.iter().any(|c| c.target.value == *name))
        .map(|s| peer(context.selector(&s.name.value)))
        .chain([peer(context.selector(setup_job))])
        .collect();
    let ingress = vec![
        NetworkPolicyIngressRule {
            from: Some(vec![NetworkPolicyPeer {
                pod_selector: Some(own.clone()),
                ..Default::default()
            }]),
            ports: None,
        },
        NetworkPolicyIngressRule {
            from: Some(operator),
            ports: None,
        },
        NetworkPolicyIngressRule {
            from: Some(clients),
            ports: Some(vec![NetworkPolicyPort {
                port: Some(IntOrString::Int(MONGODB_PORT)),
                protocol: Some("TCP".to_string()),
                ..Default::default()
            }]),
        },
    ];
    policy(context, name, own, ingress)
}
