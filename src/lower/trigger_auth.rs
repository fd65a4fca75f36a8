//! `trigger_auth` blocks, and the checks of each queue that names one: what
//! KEDA's webhook would refuse, and what its scaler would fail on at every
//! poll, are errors here (E007, E008), never warnings.

use std::collections::BTreeMap;

use crate::ast::Block;
use crate::diag::{Diagnostic, codes};
use crate::model::{
    Autoscaler, IdentityOwner, KeyRef, Project, QueueAuth, QueueSource, SignalSource, Spanned,
    TriggerAuth,
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
        let mut parameters = BTreeMap::new();
        let mut complete = valid_name
            && [
                ("pod_identity", pod_identity.is_some()),
                ("role", role.is_some()),
                ("owner", owner.is_some()),
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
        // Nothing to authenticate with.
        if complete && pod_identity.is_none() && parameters.is_empty() {
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
/// and a workload identity for a service without an AWS role.
pub(super) fn check(project: &Project, known: super::signals::Known, sink: &mut Vec<Diagnostic>) {
    for queue in &project.queues {
        let Some(auth) = &queue.auth else { continue };
        let QueueAuth::TriggerAuthentication(name) = &auth.value else {
            continue;
        };
        let Some(declared) = project.trigger_auths.iter().find(|t| t.name.value == *name) else {
            continue;
        };
        match &queue.source {
            QueueSource::Sqs { .. } => check_sqs(project, queue, declared, auth.span, known, sink),
        }
    }
}

fn check_sqs(
    project: &Project,
    queue: &crate::model::Queue,
    declared: &TriggerAuth,
    auth: crate::source::Span,
    known: super::signals::Known,
    sink: &mut Vec<Diagnostic>,
) {
    let queue_name = &queue.name.value;
    let name = &declared.name.value;
    for (parameter, value) in &declared.parameters {
        if SQS_PARAMETERS.contains(&parameter.as_str()) {
            continue;
        }
        let close = crate::names::did_you_mean(parameter, SQS_PARAMETERS);
        let help = match close {
            Some(close) => format!("did you mean `{close}`?"),
            None => format!("it reads {}", quoted_list(&SQS_PARAMETERS)),
        };
        sink.push(
            Diagnostic::error(
                codes::CONFLICTING_ATTRIBUTES,
                format!("KEDA's aws-sqs-queue scaler does not read `{parameter}`"),
                value.span,
            )
            .with_label("never read")
            .with_related(auth, format!("queue `{queue_name}` reads with `{name}`"))
            .with_help(help),
        );
    }
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
