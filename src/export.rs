//! `scalec export`: the resolved model of each project as one JSON document,
//! whose schema `scalec schema model` prints, so other tools can read the
//! policies without parsing the language.
//!
//! In: projects without errors ([`crate::Compilation::projects`]), each with
//! its output directory, and the [`SourceMap`]. Out: plain data that derives
//! `Serialize` and `JsonSchema`. The model itself derives neither: this is a
//! separate view, and a promise to users, so every field is made on purpose.
//! Pure: no IO, and nothing in it depends on the working directory or on how
//! a path was typed.
//!
//! Values are integers in the unit their field names: millicores,
//! millibytes (memory, kept exact: a quantity such as `512m` is not a whole
//! number of bytes), seconds, percent, and thousandths (`_milli`) of a
//! signal's own unit. Words (`hpa`, `aws-sqs`, `pods`) are the policy's.
//!
//! A service value that may be inherited carries its provenance: where it was
//! written, and whether in the service's block, elsewhere (`defaults`, the
//! `cluster`), or in the environment block the project was lowered for
//! ([`Project::origin`]).

use std::path::Path;

use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde::Serialize;

use crate::model::environment::Origin;
use crate::model::{
    self, Autoscaler, DatabaseOperator, Keyword, MetricKind, Project, Protocol, QueueSource,
    Replicas, Service, SignalSource, Target,
};
use crate::source::{SourceMap, Span};

/// The version of this document's shape; it changes when a field changes
/// meaning or goes away.
pub const VERSION: u32 = 1;

/// What `scalec export --format json` prints.
#[derive(Serialize, JsonSchema)]
pub struct ModelExport {
    pub version: u32,
    /// One entry per project (and environment), in the order `check` reads
    /// them.
    pub projects: Vec<ProjectModel>,
}

/// One project, as lowered for one environment.
#[derive(Serialize, JsonSchema)]
pub struct ProjectModel {
    /// `cluster { project }`, else the name of the project's output
    /// directory: the `app.kubernetes.io/part-of` label of its objects.
    pub name: String,
    /// The environment the project was lowered for; `null` for a project
    /// without `environment` blocks.
    pub environment: Option<String>,
    /// The targeted Kubernetes minor version, e.g. `1.34`.
    pub kubernetes_version: String,
    pub namespace: String,
    /// The `cluster`'s autoscaler, which a service uses unless it or
    /// `defaults` choose another.
    #[schemars(schema_with = "words::<Autoscaler>")]
    pub autoscaler: String,
    /// `cluster { nodes }`, when written.
    pub node_pool: Option<NodePoolModel>,
    /// Sorted by name.
    pub services: Vec<ServiceModel>,
    /// Sorted by name.
    pub queues: Vec<QueueModel>,
    /// Sorted by name.
    pub metrics: Vec<MetricModel>,
    /// MongoDB and PostgreSQL databases, sorted by name.
    pub databases: Vec<DatabaseModel>,
}

/// The node pool.
#[derive(Serialize, JsonSchema)]
pub struct NodePoolModel {
    pub count_min: u32,
    pub count_max: u32,
    /// Per node.
    pub cpu_millicores: u64,
    /// Per node.
    pub memory_millibytes: u128,
}

/// One service, with every value resolved (`defaults` applied).
#[derive(Serialize, JsonSchema)]
pub struct ServiceModel {
    pub name: String,
    pub image: String,
    /// `null` without `replicas`: Kubernetes runs one pod.
    pub replicas: Option<ReplicasModel>,
    pub cpu: Option<CpuModel>,
    pub memory: Option<MemoryModel>,
    /// What scales it: its own `autoscaler`, else `defaults`', else the
    /// `cluster`'s, else `hpa`.
    #[schemars(schema_with = "words::<Autoscaler>")]
    pub autoscaler: String,
    /// Its `scale` blocks (its own, or those of `defaults`), in the order
    /// written.
    pub scaling: Vec<SignalModel>,
    /// `load { }`, when written.
    pub load: Option<LoadModel>,
    /// Every port: `http` (from `port = N`) first, then the `port` blocks
    /// by name.
    pub ports: Vec<PortModel>,
    /// Where each value that may be inherited was written.
    pub provenance: ServiceProvenance,
}

/// `replicas`.
#[derive(Serialize, JsonSchema)]
pub struct ReplicasModel {
    pub min: u32,
    pub max: u32,
    /// `replicas = N`: a fixed count, not an autoscaling range.
    pub fixed: bool,
}

/// `cpu = REQUEST .. LIMIT`.
#[derive(Serialize, JsonSchema)]
pub struct CpuModel {
    pub request_millicores: u64,
    pub limit_millicores: Option<u64>,
}

/// `memory = REQUEST .. LIMIT`, in millibytes: exact, as Kubernetes
/// quantities may be fractional bytes.
#[derive(Serialize, JsonSchema)]
pub struct MemoryModel {
    pub request_millibytes: u128,
    pub limit_millibytes: Option<u128>,
}

/// What a `scale` block scales on.
#[derive(Clone, Copy, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum SignalKind {
    Cpu,
    Memory,
    Metric,
    Queue,
    Schedule,
}

/// One `scale` block.
#[derive(Serialize, JsonSchema)]
pub struct SignalModel {
    pub source: SignalKind,
    /// The name written after `scale`: `cpu`, `memory`, or the metric's,
    /// queue's or schedule's.
    pub name: String,
    pub target: TargetModel,
    /// `activation` (KEDA), in thousandths of the target's unit.
    pub activation_milli: Option<u128>,
    pub provenance: Provenance,
}

/// A signal's target. `value_milli` is in thousandths of the source's unit:
/// millicores for cpu, millibytes for memory, thousandths of a message for
/// a queue, of the metric's value for a metric.
#[derive(Serialize, JsonSchema)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum TargetModel {
    /// Percent of the request (cpu and memory).
    Utilization { percent: u32 },
    /// Per pod: HPA `AverageValue`; for a queue, messages per pod.
    Average { value_milli: u128 },
    /// Across all pods: HPA `Value`.
    Total { value_milli: u128 },
    /// A schedule's pods while its window is open.
    Replicas { replicas: u32 },
}

/// `load { peak, per_pod, startup }`: requests a second, in thousandths.
#[derive(Serialize, JsonSchema)]
pub struct LoadModel {
    pub peak_millirequests_per_second: u64,
    pub per_pod_millirequests_per_second: u64,
    pub startup_seconds: Option<u32>,
}

/// One port of a service.
#[derive(Serialize, JsonSchema)]
pub struct PortModel {
    pub name: String,
    pub number: u16,
    #[schemars(schema_with = "words::<Protocol>")]
    pub protocol: String,
}

/// Where a service's values were written. `null` for a value written
/// nowhere: absent, or (the autoscaler) scalec's default.
#[derive(Serialize, JsonSchema)]
pub struct ServiceProvenance {
    pub image: Provenance,
    pub replicas: Option<Provenance>,
    pub cpu: Option<Provenance>,
    pub memory: Option<Provenance>,
    pub autoscaler: Option<Provenance>,
}

/// Where a value was written, relative to the service that holds it.
#[derive(Clone, Copy, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum OriginModel {
    /// In the service's own block.
    Own,
    /// Outside it: in `defaults`, or (the autoscaler) the `cluster`.
    Inherited,
    /// In the `environment` block the project was lowered for.
    Environment,
}

/// Where a value was written.
#[derive(Serialize, JsonSchema)]
pub struct Provenance {
    pub origin: OriginModel,
    /// The environment, only when `origin` is `environment`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub environment: Option<String>,
    /// The policy file, named as manifest headers name it: the project's
    /// output directory and the file name (`aether/services.scale`).
    pub file: String,
    /// 1-based.
    pub line: usize,
    /// 1-based, in characters.
    pub column: usize,
}

/// `queue NAME { }`.
#[derive(Serialize, JsonSchema)]
pub struct QueueModel {
    pub name: String,
    #[serde(flatten)]
    pub source: QueueSourceModel,
}

/// What identifies a queue, by `provider`.
#[derive(Serialize, JsonSchema)]
#[serde(tag = "provider")]
pub enum QueueSourceModel {
    #[serde(rename = "aws-sqs")]
    AwsSqs { url: String, region: String },
    #[serde(rename = "kafka")]
    Kafka {
        brokers: Vec<String>,
        topic: String,
        consumer_group: String,
    },
    #[serde(rename = "rabbitmq")]
    RabbitMq {
        queue_name: String,
        vhost: Option<String>,
    },
    #[serde(rename = "redis")]
    Redis {
        address: String,
        list: String,
        database: Option<u32>,
    },
}

/// `metric NAME { }`.
#[derive(Serialize, JsonSchema)]
pub struct MetricModel {
    pub name: String,
    #[schemars(schema_with = "words::<MetricKind>")]
    pub kind: String,
}

/// `database NAME { }`, by `engine`.
#[derive(Serialize, JsonSchema)]
#[serde(tag = "engine")]
pub enum DatabaseModel {
    /// A sharded MongoDB cluster.
    #[serde(rename = "mongodb")]
    MongoDb {
        name: String,
        #[schemars(schema_with = "words::<DatabaseOperator>")]
        operator: String,
        shards: u32,
        /// Members of each shard's replica set.
        members: u32,
        collections: Vec<CollectionModel>,
    },
    /// A PostgreSQL server outside the cluster (checked, never emitted).
    #[serde(rename = "postgresql")]
    PostgreSql {
        name: String,
        max_connections: u32,
        reserved_connections: u32,
    },
}

/// A sharded collection.
#[derive(Serialize, JsonSchema)]
pub struct CollectionModel {
    pub name: String,
    /// The shard key's fields, in order.
    pub shard_key: Vec<ShardKeyFieldModel>,
}

#[derive(Serialize, JsonSchema)]
pub struct ShardKeyFieldModel {
    pub field: String,
    pub hashed: bool,
}

/// The schema of a policy word: a string, one of `T`'s words.
fn words<T: Keyword>(_: &mut SchemaGenerator) -> Schema {
    schemars::json_schema!({ "type": "string", "enum": T::WORDS })
}

/// The document of these projects, each with its output directory (which
/// names it and its files, as emit does).
pub fn export(projects: &[(&Project, &Path)], sources: &SourceMap) -> ModelExport {
    ModelExport {
        version: VERSION,
        projects: (projects.iter())
            .map(|&(project, output)| project_model(project, output, sources))
            .collect(),
    }
}

/// The JSON text of [`export`], as `scalec export` prints it.
pub fn report(projects: &[(&Project, &Path)], sources: &SourceMap) -> String {
    crate::render::json_text(&export(projects, sources), 16 * 1024)
}

/// `scalec schema model`.
pub fn schema() -> String {
    let schema = schemars::schema_for!(ModelExport);
    serde_json::to_string_pretty(&schema).expect("schemas always serialize") + "\n"
}

/// One project. `output` is its output directory (see
/// [`crate::source::ProjectFiles::output`]).
pub fn project_model(project: &Project, output: &Path, sources: &SourceMap) -> ProjectModel {
    let cluster = &project.cluster;
    let mut databases: Vec<DatabaseModel> = (project.databases.iter())
        .map(|database| DatabaseModel::MongoDb {
            name: database.name.value.clone(),
            operator: database.operator.word().to_string(),
            shards: database.shards.value,
            members: database.members.value,
            collections: (database.collections.iter())
                .map(|collection| CollectionModel {
                    name: collection.name.value.clone(),
                    shard_key: (collection.shard_key.fields.iter())
                        .map(|field| ShardKeyFieldModel {
                            field: field.name.clone(),
                            hashed: field.hashed,
                        })
                        .collect(),
                })
                .collect(),
        })
        .chain(
            project
                .postgres
                .iter()
                .map(|database| DatabaseModel::PostgreSql {
                    name: database.name.value.clone(),
                    max_connections: database.max_connections,
                    reserved_connections: database.reserved_connections,
                }),
        )
        .collect();
    databases.sort_by(|a, b| a.name().cmp(b.name()));
    ProjectModel {
        name: crate::emit::project_name(project, output)
            .expect("compile rejects a project without a name (E006)"),
        environment: (project.environment.as_ref()).map(|e| e.name.value.clone()),
        kubernetes_version: cluster.kubernetes.to_string(),
        namespace: cluster.namespace.clone(),
        autoscaler: cluster.autoscaler.word().to_string(),
        node_pool: cluster.nodes.as_ref().map(|nodes| NodePoolModel {
            count_min: nodes.count.value.min,
            count_max: nodes.count.value.max,
            cpu_millicores: nodes.cpu.value.millicores,
            memory_millibytes: nodes.memory.value.millibytes,
        }),
        services: (project.services.iter())
            .map(|service| service_model(project, service, output, sources))
            .collect(),
        queues: project.queues.iter().map(queue_model).collect(),
        metrics: (project.metrics.iter())
            .map(|metric| MetricModel {
                name: metric.name.value.clone(),
                kind: metric.kind.value.word().to_string(),
            })
            .collect(),
        databases,
    }
}

impl DatabaseModel {
    fn name(&self) -> &str {
        match self {
            DatabaseModel::MongoDb { name, .. } | DatabaseModel::PostgreSql { name, .. } => name,
        }
    }
}

fn service_model(
    project: &Project,
    service: &Service,
    output: &Path,
    sources: &SourceMap,
) -> ServiceModel {
    let provenance = |span: Span| provenance(project, service, span, output, sources);
    ServiceModel {
        name: service.name.value.clone(),
        image: service.image.value.clone(),
        replicas: service.replicas.as_ref().map(|replicas| {
            let bounds = replicas.bounds();
            ReplicasModel {
                min: bounds.min.value,
                max: bounds.max.value,
                fixed: bounds.fixed,
            }
        }),
        cpu: service.cpu.as_ref().map(|cpu| CpuModel {
            request_millicores: cpu.request.value.millicores,
            limit_millicores: cpu.limit.as_ref().map(|l| l.value.millicores),
        }),
        memory: service.memory.as_ref().map(|memory| MemoryModel {
            request_millibytes: memory.request.value.millibytes,
            limit_millibytes: memory.limit.as_ref().map(|l| l.value.millibytes),
        }),
        autoscaler: service.autoscaler.word().to_string(),
        scaling: (service.scaling.iter())
            .map(|signal| SignalModel {
                source: match signal.source.value {
                    SignalSource::Cpu => SignalKind::Cpu,
                    SignalSource::Memory => SignalKind::Memory,
                    SignalSource::Metric(_) => SignalKind::Metric,
                    SignalSource::Queue(_) => SignalKind::Queue,
                    SignalSource::Schedule(_) => SignalKind::Schedule,
                },
                name: signal.source.value.name().to_string(),
                target: match &signal.target.value {
                    // Lowering proves percents and counts are never negative.
                    Target::Utilization(percent) => TargetModel::Utilization {
                        percent: percent.unsigned_abs(),
                    },
                    Target::Average(value) => TargetModel::Average {
                        value_milli: value.milli,
                    },
                    Target::Total(value) => TargetModel::Total {
                        value_milli: value.milli,
                    },
                    Target::Replicas(replicas) => TargetModel::Replicas {
                        replicas: replicas.unsigned_abs(),
                    },
                },
                activation_milli: signal.activation.as_ref().map(|a| a.value.milli),
                provenance: provenance(signal.span),
            })
            .collect(),
        load: service.load.as_ref().map(|load| LoadModel {
            peak_millirequests_per_second: load.peak_milli.value,
            per_pod_millirequests_per_second: load.per_pod_milli.value,
            startup_seconds: (load.startup_seconds.as_ref()).map(|s| s.value.unsigned_abs()),
        }),
        ports: (service.ports().into_iter())
            .map(|port| PortModel {
                name: port.name.to_string(),
                number: port.number,
                protocol: port.protocol.word().to_string(),
            })
            .collect(),
        provenance: ServiceProvenance {
            image: provenance(service.image.span),
            replicas: service
                .replicas
                .as_ref()
                .map(Replicas::span)
                .map(provenance),
            cpu: service.cpu.as_ref().map(|cpu| provenance(cpu.request.span)),
            memory: (service.memory.as_ref()).map(|memory| provenance(memory.request.span)),
            autoscaler: service.autoscaler_span.map(provenance),
        },
    }
}

/// Where the value at `span`, held by `service`, was written.
fn provenance(
    project: &Project,
    service: &Service,
    span: Span,
    output: &Path,
    sources: &SourceMap,
) -> Provenance {
    let (origin, environment) = match project.origin(service.span, span) {
        Origin::Own => (OriginModel::Own, None),
        Origin::Inherited => (OriginModel::Inherited, None),
        Origin::Environment(name) => (OriginModel::Environment, Some(name.to_string())),
    };
    let file = sources.get(span.file);
    let (line, column) = file.line_col(span.start);
    Provenance {
        origin,
        environment,
        file: crate::emit::source_name(output, &file.path),
        line,
        column,
    }
}

fn queue_model(queue: &model::Queue) -> QueueModel {
    QueueModel {
        name: queue.name.value.clone(),
        source: match &queue.source {
            QueueSource::Sqs { url, region, .. } => QueueSourceModel::AwsSqs {
                url: url.value.clone(),
                region: region.clone(),
            },
            QueueSource::Kafka {
                brokers,
                topic,
                consumer_group,
            } => QueueSourceModel::Kafka {
                brokers: brokers.clone(),
                topic: topic.value.clone(),
                consumer_group: consumer_group.value.clone(),
            },
            QueueSource::RabbitMq { queue_name, vhost } => QueueSourceModel::RabbitMq {
                queue_name: queue_name.value.clone(),
                vhost: vhost.as_ref().map(|v| v.value.clone()),
            },
            QueueSource::Redis {
                address,
                list,
                database,
            } => QueueSourceModel::Redis {
                address: address.clone(),
                list: list.value.clone(),
                database: *database,
            },
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{DatabaseEngine, QueueProvider};

    /// The tags written by serde's attributes are the policy's words.
    #[test]
    fn tags_are_the_policy_words() {
        let tag = |value: serde_json::Value, key: &str| value[key].as_str().map(str::to_string);
        let queues = [
            (
                QueueSourceModel::AwsSqs {
                    url: String::new(),
                    region: String::new(),
                },
                QueueProvider::AwsSqs,
            ),
            (
                QueueSourceModel::Kafka {
                    brokers: Vec::new(),
                    topic: String::new(),
                    consumer_group: String::new(),
                },
                QueueProvider::Kafka,
            ),
            (
                QueueSourceModel::RabbitMq {
                    queue_name: String::new(),
                    vhost: None,
                },
                QueueProvider::RabbitMq,
            ),
            (
                QueueSourceModel::Redis {
                    address: String::new(),
                    list: String::new(),
                    database: None,
                },
                QueueProvider::Redis,
            ),
        ];
        assert_eq!(queues.len(), QueueProvider::WORDS.len());
        for (source, provider) in queues {
            let json = serde_json::to_value(source).expect("serializes");
            assert_eq!(tag(json, "provider").as_deref(), Some(provider.word()));
        }
        let databases = [
            (
                DatabaseModel::MongoDb {
                    name: String::new(),
                    operator: String::new(),
                    shards: 1,
                    members: 1,
                    collections: Vec::new(),
                },
                DatabaseEngine::MongoDb,
            ),
            (
                DatabaseModel::PostgreSql {
                    name: String::new(),
                    max_connections: 1,
                    reserved_connections: 0,
                },
                DatabaseEngine::PostgreSql,
            ),
        ];
        assert_eq!(databases.len(), DatabaseEngine::WORDS.len());
        for (database, engine) in databases {
            let json = serde_json::to_value(database).expect("serializes");
            assert_eq!(tag(json, "engine").as_deref(), Some(engine.word()));
        }
    }

    #[test]
    fn word_fields_list_the_policy_words() {
        let schema: serde_json::Value =
            serde_json::from_str(&schema()).expect("the schema is JSON");
        let project = &schema["$defs"]["ProjectModel"]["properties"]["autoscaler"];
        assert_eq!(project["enum"], serde_json::json!(Autoscaler::WORDS));
    }
}
