//! `trigger_auth` blocks, and the checks of each queue that names one: what
//! KEDA's webhook would refuse, and what its scaler would fail on at every
//! poll, are errors here (E007, E008), never warnings.

use std::collections::BTreeMap;

use crate::ast::Block;
use crate::diag::{Diagnostic, codes};
use crate::model::{
    Autoscaler, IdentityOwner, KeyRef, Project, Queue, QueueAuth, QueueProvider, SignalSource,
    Spanned, TriggerAuth, TriggerAuthScope,
};

use super::{Lowerer, schema, values};

/// The authentication parameters KEDA's `aws-sqs-queue` scaler reads
/// (`pkg/scalers/aws/aws_common.go`).
pub const SQS_PARAMETERS: [&str; 4] = [
    "awsAccessKeyID",
    "awsSecretAccessKey",
    "awsSessionToken",
    "awsRoleArn",
];

/// The authentication parameters KEDA's `kafka` scaler reads
/// (`pkg/scalers/kafka_scaler.go`, `order=authParams`).
pub const KAFKA_PARAMETERS: [&str; 17] = [
    "sasl",
    "username",
    "password",
    "tls",
    "ca",
    "cert",
    "key",
    "keyPassword",
    "saslTokenProvider",
    "scopes",
    "oauthTokenEndpointUri",
    "oauthExtensions",
    "keytab",
    "realm",
    "kerberosConfig",
    "kerberosServiceName",
    "kerberosDisableFAST",
];

/// The authentication parameters KEDA's `rabbitmq` scaler reads
/// (`pkg/scalers/rabbitmq_scaler.go` and its OAuth settings).
pub const RABBITMQ_PARAMETERS: [&str; 16] = [
    "host",
    "protocol",
    "vhostName",
    "username",
    "password",
    "ca",
    "cert",
    "key",
    "keyPassword",
    "tls",
    "oauthTokenURI",
    "scope",
    "scopes",
    "clientID",
    "clientSecret",
    "endpointParams",
];

/// The authentication parameters KEDA's `redis` scaler reads
/// (`pkg/scalers/redis_scaler.go`).
pub const REDIS_PARAMETERS: [&str; 17] = [
    "address",
    "addresses",
    "host",
    "hosts",
    "port",
    "ports",
    "username",
    "password",
    "sentinelUsername",
    "sentinelPassword",
    "sentinelMaster",
    "cert",
    "Cert",
    "key",
    "keyPassword",
    "ca",
    "tls",
];

/// The authentication parameters the scaler of a queue provider reads.
pub fn parameters_read(provider: QueueProvider) -> &'static [&'static str] {
    match provider {
        QueueProvider::AwsSqs => &SQS_PARAMETERS,
        QueueProvider::Kafka => &KAFKA_PARAMETERS,
        QueueProvider::RabbitMq => &RABBITMQ_PARAMETERS,
        QueueProvider::Redis => &REDIS_PARAMETERS,
    }
}

impl Lowerer<'_> {
    /// Lowers a `trigger_auth` block; `None` when something in it is invalid
    /// (and reported).
    pub(super) fn trigger_auth(&mut self, block: &Block) -> Option<TriggerAuth> {
        let schema = schema::block("trigger_auth").expect("trigger_auth has a schema");
        let fields = self.fields(block, schema);
        let name = super::blocks::label(block);
        let valid_name = self.check_dns_name(&name.value, name.span, "TriggerAuthentication");
        let pod_identity = self.get(&fields, "pod_identity", values::keyword);
        let role = self.get(&fields, "role", super::security::aws_role_arn);
        let owner = self.get(&fields, "owner", values::keyword::<IdentityOwner>);
        let scope = self.get(&fields, "scope", values::keyword::<TriggerAuthScope>);
        let external = self.get(&fields, "external", values::boolean);
        let mut parameters = BTreeMap::new();
        let mut complete = valid_name
            && [
                ("pod_identity", pod_identity.is_some()),
                ("role", role.is_some()),
                ("owner", owner.is_some()),
                ("scope", scope.is_some()),
                ("external", external.is_some()),
            ]
            .iter()
            .all(|(attribute, lowered)| *lowered || !fields.attributes.contains_key(attribute));
        for child in &fields.blocks {
            match child.kind.name.as_str() {
                "parameters" => match self.parameters(child) {
                    Some(lowered) => parameters = lowered,
                    None => complete = false,
                },
                other => unreachable!("`{other}` is not in the trigger_auth schema"),
            }
        }
        if let (Some(role), Some(owner)) = (&role, &owner)
            && owner.value == IdentityOwner::Workload
        {
            self.report(
                Diagnostic::error(
                    codes::CONFLICTING_ATTRIBUTES,
                    "KEDA assumes a `role` with its own identity, not the workload's",
                    role.span,
                )
                .with_label("needs `owner = keda`")
                .with_related(owner.span, "the workload's identity")
                .with_help(
                    "remove `role` to use the role of each scaled service's `identity`, \
                     or remove `owner = workload` to have KEDA assume `role`",
                ),
            );
            complete = false;
        }
        if pod_identity.is_none() {
            for (attribute, value) in [
                ("role", role.as_ref().map(|r| r.span)),
                ("owner", owner.as_ref().map(|o| o.span)),
            ] {
                if let Some(span) = value {
                    self.report(
                        Diagnostic::error(
                            codes::CONFLICTING_ATTRIBUTES,
                            format!("`{attribute}` needs a `pod_identity`"),
                            span,
                        )
                        .with_label("of which identity?")
                        .with_help("add `pod_identity = aws`"),
                    );
                    complete = false;
                }
            }
        }
        let is_external = external.as_ref().is_some_and(|e| e.value);
        if let Some(external) = external.as_ref().filter(|_| is_external) {
            // What it holds is its provider's to write: scalec writes nothing.
            let written = [
                ("pod_identity", pod_identity.as_ref().map(|p| p.span)),
                ("role", role.as_ref().map(|r| r.span)),
                ("owner", owner.as_ref().map(|o| o.span)),
                (
                    "parameters",
                    (fields.blocks.iter())
                        .find(|b| b.kind.name == "parameters")
                        .map(|b| super::block_head(b)),
                ),
            ];
            for (attribute, span) in written {
                let Some(span) = span else { continue };
                self.report(
                    Diagnostic::error(
                        codes::CONFLICTING_ATTRIBUTES,
                        format!(
                            "trigger_auth `{}` is external: scalec does not write its `{attribute}`",
                            name.value
                        ),
                        span,
                    )
                    .with_label("never written")
                    .with_related(external.span, "provided by the platform or another project")
                    .with_help(format!(
                        "remove `{attribute}` (its provider states it), or remove `external = true` to have scalec write it"
                    )),
                );
                complete = false;
            }
        }
        // Nothing to authenticate with.
        if complete && !is_external && pod_identity.is_none() && parameters.is_empty() {
            self.report(
                Diagnostic::error(
                    codes::MISSING_ATTRIBUTE,
                    format!(
                        "trigger_auth `{}` names neither an identity nor parameters",
                        name.value
                    ),
                    super::block_head(block),
                )
                .with_label("nothing to authenticate with")
                .with_help(
                    "add `pod_identity = aws`, or a `parameters` block of Secret keys, \
                     e.g. `parameters { awsRoleArn = secret(\"sqs\", \"role-arn\") }`",
                ),
            );
            complete = false;
        }
        complete.then_some(TriggerAuth {
            name,
            scope,
            external,
            pod_identity,
            role,
            owner,
            parameters,
            span: block.span,
        })
    }

    /// `parameters { awsAccessKeyID = secret("aws-sqs", "access-key-id") }`.
    fn parameters(&mut self, block: &Block) -> Option<BTreeMap<String, Spanned<KeyRef>>> {
        let schema = schema::block("parameters").expect("parameters has a schema");
        let fields = self.fields(block, schema);
        let mut parameters = BTreeMap::new();
        let mut complete = true;
        for attribute in fields.free {
            match self.config_ref(&attribute.value, true) {
                Some((source, key)) => {
                    let key = KeyRef {
                        source: source.value,
                        key: key.expect("asked for a key"),
                    };
                    parameters.insert(
                        attribute.name.name.clone(),
                        Spanned::new(key, attribute.name.span),
                    );
                }
                None => complete = false,
            }
        }
        complete.then_some(parameters)
    }
}

/// Reports, for each queue whose `auth` names a `trigger_auth` of the
/// project, what its scaler would not read or could not read with (E008);
/// a workload identity for a service without an AWS role; and a rabbitmq
/// queue that KEDA reads with no `host` (E008).
pub(super) fn check(project: &Project, known: super::signals::Known, sink: &mut Vec<Diagnostic>) {
    for queue in &project.queues {
        let provider = queue.source.provider();
        let declared = match queue.auth.as_ref().map(|a| &a.value) {
            // An external one is checked as one the project does not declare:
            // what it holds is not known.
            Some(QueueAuth::TriggerAuthentication(name)) => {
                (project.trigger_auths.iter()).find(|t| t.name.value == *name && !t.is_external())
            }
            _ => None,
        };
        if provider == QueueProvider::RabbitMq {
            check_rabbitmq_host(project, queue, declared, known, sink);
        }
        let (Some(auth), Some(declared)) = (&queue.auth, declared) else {
            continue;
        };
        unread_parameters(queue, declared, auth.span, sink);
        match provider {
            QueueProvider::AwsSqs => check_sqs(project, queue, declared, auth.span, known, sink),
            _ => check_identity_and_pairs(queue, declared, auth.span, sink),
        }
    }
}

/// The services KEDA scales on `queue`, with the signal that reads it.
fn keda_readers<'p>(
    project: &'p Project,
    queue: &Queue,
    known: super::signals::Known,
) -> Vec<(&'p crate::model::Service, &'p crate::model::ScaleSignal)> {
    let source = SignalSource::Queue(queue.name.value.clone());
    (project.services.iter())
        .filter(|service| {
            service.autoscaler == Autoscaler::Keda
                && super::signals::autoscaler_known(&project.cluster, service, known)
        })
        .filter_map(|service| {
            (service.scaling.iter())
                .find(|s| s.source.value == source)
                .map(|signal| (service, signal))
        })
        .collect()
}

/// E008 for each parameter of `declared` that the queue's scaler does not
/// read.
fn unread_parameters(
    queue: &Queue,
    declared: &TriggerAuth,
    auth: crate::source::Span,
    sink: &mut Vec<Diagnostic>,
) {
    let provider = queue.source.provider();
    let read = parameters_read(provider);
    for (parameter, value) in &declared.parameters {
        if read.contains(&parameter.as_str()) {
            continue;
        }
        let help = match crate::names::did_you_mean(parameter, read.iter().copied()) {
            Some(close) => format!("did you mean `{close}`?"),
            None => format!("it reads {}", quoted_list(read)),
        };
        sink.push(
            Diagnostic::error(
                codes::CONFLICTING_ATTRIBUTES,
                format!(
                    "KEDA's {} scaler does not read `{parameter}`",
                    provider.keda_scaler()
                ),
                value.span,
            )
            .with_label("never read")
            .with_related(
                auth,
                format!(
                    "queue `{}` reads with `{}`",
                    queue.name.value, declared.name.value
                ),
            )
            .with_help(help),
        );
    }
}

/// For kafka, rabbitmq and redis: no AWS identity (E008: the scaler reads
/// none, or, for kafka's MSK IAM, needs an `awsRegion` scalec does not
/// write), and `cert` with `key` (the kafka and rabbitmq scalers refuse one
/// without the other).
fn check_identity_and_pairs(
    queue: &Queue,
    declared: &TriggerAuth,
    auth: crate::source::Span,
    sink: &mut Vec<Diagnostic>,
) {
    let provider = queue.source.provider();
    let queue_name = &queue.name.value;
    let name = &declared.name.value;
    if let Some(identity) = &declared.pod_identity {
        sink.push(
            Diagnostic::error(
                codes::CONFLICTING_ATTRIBUTES,
                format!(
                    "KEDA's {} scaler does not read with a pod identity",
                    provider.keda_scaler()
                ),
                identity.span,
            )
            .with_label("never used")
            .with_related(auth, format!("queue `{queue_name}` reads with `{name}`"))
            .with_help(format!(
                "remove `pod_identity` and give the scaler's credentials as `parameters`: it reads {}",
                quoted_list(parameters_read(provider))
            )),
        );
    }
    let has = |parameter: &str| declared.parameters.contains_key(parameter);
    if matches!(provider, QueueProvider::Kafka | QueueProvider::RabbitMq)
        && has("cert") != has("key")
    {
        let (given, missing) = match has("cert") {
            true => ("cert", "key"),
            false => ("key", "cert"),
        };
        sink.push(
            Diagnostic::error(
                codes::CONFLICTING_ATTRIBUTES,
                format!(
                    "trigger_auth `{name}` gives `{given}` without `{missing}`, which KEDA's {} \
                     scaler refuses",
                    provider.keda_scaler()
                ),
                declared.parameters[given].span,
            )
            .with_label(format!("no `{missing}`"))
            .with_related(auth, format!("queue `{queue_name}` reads with it"))
            .with_help(format!(
                "add `{missing} = secret(\"NAME\", \"KEY\")` to `parameters`, or remove `{given}`"
            )),
        );
    }
}

/// A rabbitmq queue that KEDA reads needs the connection string `host`
/// (with its password) from a TriggerAuthentication: without it the scaler
/// refuses the trigger. One that the project does not declare is trusted.
fn check_rabbitmq_host(
    project: &Project,
    queue: &Queue,
    declared: Option<&TriggerAuth>,
    known: super::signals::Known,
    sink: &mut Vec<Diagnostic>,
) {
    let external = matches!(
        queue.auth.as_ref().map(|a| &a.value),
        Some(QueueAuth::TriggerAuthentication(_))
    ) && declared.is_none();
    if external || declared.is_some_and(|d| d.parameters.contains_key("host")) {
        return;
    }
    let readers = keda_readers(project, queue, known);
    let Some((service, signal)) = readers.first() else {
        return;
    };
    let queue_name = &queue.name.value;
    let example = "host = secret(\"rabbitmq\", \"amqp-url\")";
    let (span, label, help) = match declared {
        Some(declared) => (
            declared.name.span,
            format!("trigger_auth `{}` gives no `host`", declared.name.value),
            format!(
                "the connection string holds a password: put it in a Secret and add `{example}` \
                 to the `parameters` of `{}`",
                declared.name.value
            ),
        ),
        None => (
            queue.name.span,
            "no `auth` gives `host`".to_string(),
            format!(
                "the connection string holds a password: put it in a Secret, name it in a \
                 `trigger_auth` (`parameters {{ {example} }}`), then `auth = NAME` in the queue"
            ),
        ),
    };
    sink.push(
        Diagnostic::error(
            codes::CONFLICTING_ATTRIBUTES,
            format!("KEDA has no `host` to reach rabbitmq queue `{queue_name}`"),
            span,
        )
        .with_label(label)
        .with_related(
            signal.source.span,
            format!("KEDA reads it to scale service `{}`", service.name.value),
        )
        .with_help(help),
    );
}

fn check_sqs(
    project: &Project,
    queue: &Queue,
    declared: &TriggerAuth,
    auth: crate::source::Span,
    known: super::signals::Known,
    sink: &mut Vec<Diagnostic>,
) {
    let queue_name = &queue.name.value;
    let name = &declared.name.value;
    let has = |parameter: &str| declared.parameters.contains_key(parameter);
    let keys = has("awsAccessKeyID") && has("awsSecretAccessKey");
    if declared.pod_identity.is_none() && !keys && !has("awsRoleArn") {
        let missing = if has("awsAccessKeyID") {
            "`awsSecretAccessKey`"
        } else {
            "credentials"
        };
        sink.push(
            Diagnostic::error(
                codes::CONFLICTING_ATTRIBUTES,
                format!("trigger_auth `{name}` gives queue `{queue_name}` no {missing}"),
                declared.name.span,
            )
            .with_label("KEDA fails every poll")
            .with_related(auth, format!("queue `{queue_name}` reads with it"))
            .with_help(
                "add `pod_identity = aws`, or `parameters` with `awsAccessKeyID` and \
                 `awsSecretAccessKey` (or `awsRoleArn`)",
            ),
        );
    }
    if !declared.uses_workload_identity() {
        return;
    }
    // KEDA reads the role from the scaled workload's ServiceAccount.
    for service in &project.services {
        let scales_on_it = service
            .scaling
            .iter()
            .find(|s| s.source.value == SignalSource::Queue(queue_name.clone()));
        let Some(signal) = scales_on_it else { continue };
        let keda = service.autoscaler == Autoscaler::Keda
            && super::signals::autoscaler_known(&project.cluster, service, known);
        let role = service.identity.as_ref().and_then(|i| i.aws_role.as_ref());
        if keda && role.is_none() {
            sink.push(
                Diagnostic::error(
                    codes::CONFLICTING_ATTRIBUTES,
                    format!(
                        "service `{}` has no AWS role for KEDA to read queue `{queue_name}` with",
                        service.name.value
                    ),
                    signal.source.span,
                )
                .with_label("no `identity { aws_role }`")
                .with_related(
                    declared.owner.as_ref().map_or(declared.name.span, |o| o.span),
                    format!("trigger_auth `{name}` uses the workload's identity"),
                )
                .with_help(
                    "KEDA reads the role from the service's ServiceAccount annotation \
                     `eks.amazonaws.com/role-arn`: add `identity { aws_role = \"arn:aws:iam::ACCOUNT:role/NAME\" }`",
                ),
            );
        }
    }
}

fn quoted_list(words: &[&str]) -> String {
    let quoted: Vec<String> = words.iter().map(|w| format!("`{w}`")).collect();
    quoted.join(", ")
}
