//! Lowering of the `security` and `identity` blocks of a service or
//! `defaults`: the relaxations of the hardened pod, each with its reason,
//! and the cloud identity written on the service's ServiceAccount.
//!
//! A relaxation without a `reason` is an error (E007), not a warning: the
//! reason is what a reviewer reads, so no setting of a pod is weakened
//! without one. Role ARNs and service-account emails are checked for shape
//! (E003), since a malformed annotation fails only at runtime, when the pod
//! first calls its cloud.

use super::schema;
use super::{Lowerer, block_head, describe_block, values};
use crate::ast::{Block, Value};
use crate::diag::{Diagnostic, codes};
use crate::model::{Identity, Security};

/// The user and group ids Kubernetes takes: `runAsUser` is validated from 0
/// to 2147483647; 0 (root) is written `run_as_root = true`.
const USER_ID: values::Limit = values::Limit {
    max: values::INT32_MAX,
    what: "as a user id",
    why: "Kubernetes takes user ids from 0 to 2147483647",
};

/// The attributes of `security` that relax a default.
const RELAXATIONS: [&str; 4] = [
    "run_as_root",
    "user",
    "writable_root",
    "privilege_escalation",
];

impl Lowerer<'_> {
    /// `security { ... }`; `None` after an error.
    pub(super) fn security(&mut self, block: &Block) -> Option<Security> {
        let fields = self.fields(
            block,
            schema::block("security").expect("security has a schema"),
        );
        let run_as_root = self.get(&fields, "run_as_root", values::boolean);
        let user = self.get(&fields, "user", user_id);
        let writable_root = self.get(&fields, "writable_root", values::boolean);
        let privilege_escalation = self.get(&fields, "privilege_escalation", values::boolean);
        let reason = self.get(&fields, "reason", reason);
        // The relaxation written first, where a missing reason is labelled.
        let first = RELAXATIONS
            .into_iter()
            .filter_map(|name| fields.attributes.get(name).map(|a| (name, a.name.span)))
            .min_by_key(|(_, span)| span.start);
        if let (Some(root), Some(user)) = (&run_as_root, &user)
            && root.value
        {
            self.report(
                Diagnostic::error(
                    codes::CONFLICTING_ATTRIBUTES,
                    "`run_as_root = true` runs as the image's user, so `user` cannot apply",
                    user.span,
                )
                .with_label("a user id")
                .with_related(root.span, "the image's user, root allowed")
                .with_help("keep `user = N` to run as that user, or `run_as_root = true` alone"),
            );
            return None;
        }
        let Some((first, first_span)) = first else {
            // `security { reason = "..." }` relaxes nothing; an empty block too.
            let span = fields
                .attributes
                .get("reason")
                .map_or(block_head(block), |a| a.name.span);
            self.report(
                Diagnostic::error(
                    codes::MISSING_ATTRIBUTE,
                    format!("{} relaxes nothing", describe_block(block)),
                    span,
                )
                .with_label("no relaxation here")
                .with_help(
                    "the pod is hardened without a `security` block: remove it, or set one of \
                     `run_as_root`, `user`, `writable_root`, `privilege_escalation`",
                ),
            );
            return None;
        };
        let Some(reason) = reason else {
            if !fields.attributes.contains_key("reason") {
                self.report(
                    Diagnostic::error(
                        codes::MISSING_ATTRIBUTE,
                        format!(
                            "{} relaxes the pod's hardening without a `reason`",
                            describe_block(block)
                        ),
                        first_span,
                    )
                    .with_label(format!("`{first}` relaxes a default"))
                    .with_help(
                        "add `reason = \"...\"` saying why the service needs it, \
                         e.g. `reason = \"the vendor image writes its cache under /var\"`",
                    ),
                );
            }
            return None;
        };
        let lowered = [&run_as_root, &writable_root, &privilege_escalation]
            .iter()
            .filter(|value| value.is_some())
            .count()
            + usize::from(user.is_some())
            + 1; // the reason
        if lowered < fields.attributes.len() {
            // A value is reported: the block is incomplete.
            return None;
        }
        Some(Security {
            run_as_root,
            user,
            writable_root,
            privilege_escalation,
            reason,
            span: block.span,
        })
    }

    /// `identity { ... }`; `None` after an error.
    pub(super) fn identity(&mut self, block: &Block) -> Option<Identity> {
        let fields = self.fields(
            block,
            schema::block("identity").expect("identity has a schema"),
        );
        let aws_role = self.get(&fields, "aws_role", aws_role_arn);
        let gcp_service_account = self.get(&fields, "gcp_service_account", gcp_service_account);
        let kubernetes_api = self.get(&fields, "kubernetes_api", values::boolean);
        // An attribute written but not lowered is reported: the identity is
        // incomplete.
        let written = fields.attributes.len();
        let lowered = usize::from(aws_role.is_some())
            + usize::from(gcp_service_account.is_some())
            + usize::from(kubernetes_api.is_some());
        if lowered < written {
            return None;
        }
        Some(Identity {
            aws_role,
            gcp_service_account,
            kubernetes_api,
            span: block.span,
        })
    }
}

/// `user = N`: 1 to 2147483647.
fn user_id(value: &Value) -> values::Conv<i64> {
    let user = values::int32_count(value, &USER_ID)?;
    if user == 0 {
        return Err(
            Diagnostic::error(codes::TYPE_MISMATCH, "user id 0 is root", value.span)
                .with_label("root")
                .with_help("write `run_as_root = true` to run as root, or a user id above 10000"),
        );
    }
    Ok(i64::from(user))
}

/// A `reason`: a string with some text in it.
fn reason(value: &Value) -> values::Conv<String> {
    let reason = values::string(value)?;
    if reason.trim().is_empty() {
        return Err(
            Diagnostic::error(codes::TYPE_MISMATCH, "an empty reason", value.span)
                .with_label("says nothing")
                .with_help("say why the service needs this, for whoever reviews the policy"),
        );
    }
    Ok(reason)
}

/// An IAM role ARN: `arn:PARTITION:iam::ACCOUNT:role/[PATH/]NAME`, the
/// shape IRSA's webhook reads from `eks.amazonaws.com/role-arn`.
pub(super) fn aws_role_arn(value: &Value) -> values::Conv<String> {
    let arn = values::string(value)?;
    if valid_role_arn(&arn) {
        return Ok(arn);
    }
    Err(Diagnostic::error(
        codes::TYPE_MISMATCH,
        format!("{} is not an IAM role ARN", crate::names::quoted(&arn)),
        value.span,
    )
    .with_label("expected `arn:aws:iam::ACCOUNT:role/NAME`")
    .with_help(
        "write the role's ARN as IAM shows it, e.g. \
         `\"arn:aws:iam::123456789012:role/orders-reader\"` (a 12-digit account id)",
    ))
}

fn valid_role_arn(arn: &str) -> bool {
    let mut parts = arn.splitn(6, ':');
    let (Some("arn"), Some(partition), Some("iam"), Some(""), Some(account), Some(resource)) = (
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
    ) else {
        return false;
    };
    let Some(path_and_name) = resource.strip_prefix("role/") else {
        return false;
    };
    // IAM role names: 1 to 64 of letters, digits and `+=,.@_-`; a path is
    // `/`-separated segments of printable ASCII.
    let name = path_and_name.rsplit('/').next().unwrap_or(path_and_name);
    let name_ok = (1..=64).contains(&name.len())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+=,.@_-".contains(c));
    let path_ok =
        path_and_name.len() <= 512 + 64 && path_and_name.chars().all(|c| c.is_ascii_graphic());
    ["aws", "aws-cn", "aws-us-gov"].contains(&partition)
        && account.len() == 12
        && account.chars().all(|c| c.is_ascii_digit())
        && name_ok
        && path_ok
}

/// A Google service account email: `NAME@PROJECT.iam.gserviceaccount.com`,
/// what GKE workload identity reads from `iam.gke.io/gcp-service-account`.
fn gcp_service_account(value: &Value) -> values::Conv<String> {
    let email = values::string(value)?;
    if valid_gcp_service_account(&email) {
        return Ok(email);
    }
    Err(Diagnostic::error(
        codes::TYPE_MISMATCH,
        format!(
            "{} is not a Google service account email",
            crate::names::quoted(&email)
        ),
        value.span,
    )
    .with_label("expected `NAME@PROJECT.iam.gserviceaccount.com`")
    .with_help(
        "write the service account's email, e.g. \
         `\"orders-reader@shop-prod.iam.gserviceaccount.com\"`",
    ))
}

fn valid_gcp_service_account(email: &str) -> bool {
    let Some((name, domain)) = email.split_once('@') else {
        return false;
    };
    let Some(project) = domain.strip_suffix(".iam.gserviceaccount.com") else {
        return false;
    };
    // Service account ids and project ids: 6 to 30 lower-case letters,
    // digits and hyphens, starting with a letter, not ending with a hyphen.
    // A domain-scoped project (`example.com:app`) appears as `app.example.com`.
    let id = |text: &str| {
        (6..=30).contains(&text.len())
            && text.starts_with(|c: char| c.is_ascii_lowercase())
            && !text.ends_with('-')
            && text
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    };
    let project_ok = match project.split_once('.') {
        None => id(project),
        Some((project, domain)) => {
            id(project)
                && !domain.is_empty()
                && domain.split('.').all(|label| {
                    !label.is_empty()
                        && label
                            .chars()
                            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
                })
        }
    };
    id(name) && project_ok
}

#[cfg(test)]
mod tests {
    use super::{valid_gcp_service_account, valid_role_arn};

    #[test]
    fn role_arns_are_checked_for_shape() {
        for good in [
            "arn:aws:iam::123456789012:role/orders-reader",
            "arn:aws:iam::123456789012:role/service-role/orders.reader@x",
            "arn:aws-cn:iam::123456789012:role/r",
            "arn:aws-us-gov:iam::123456789012:role/r_1+=,.@-",
        ] {
            assert!(valid_role_arn(good), "{good}");
        }
        for bad in [
            "",
            "orders-reader",
            "arn:aws:iam::12345678901:role/r",
            "arn:aws:iam::1234567890123:role/r",
            "arn:aws:iam::12345678901a:role/r",
            "arn:aws:iam:eu-west-1:123456789012:role/r",
            "arn:aws:iam::123456789012:user/r",
            "arn:aws:iam::123456789012:role/",
            "arn:aws:sts::123456789012:role/r",
            "arn:azure:iam::123456789012:role/r",
            "arn:aws:iam::123456789012:role/has space",
            &format!("arn:aws:iam::123456789012:role/{}", "r".repeat(65)),
        ] {
            assert!(!valid_role_arn(bad), "{bad}");
        }
    }

    #[test]
    fn gcp_service_accounts_are_checked_for_shape() {
        for good in [
            "orders-reader@shop-prod.iam.gserviceaccount.com",
            "reader@app-123.example.com.iam.gserviceaccount.com",
        ] {
            assert!(valid_gcp_service_account(good), "{good}");
        }
        for bad in [
            "",
            "orders-reader",
            "orders-reader@shop-prod",
            "orders-reader@shop-prod.gserviceaccount.com",
            "short@shop-prod.iam.gserviceaccount.com",
            "Orders-Reader@shop-prod.iam.gserviceaccount.com",
            "orders-reader-@shop-prod.iam.gserviceaccount.com",
            "1orders@shop-prod.iam.gserviceaccount.com",
            "orders-reader@.iam.gserviceaccount.com",
        ] {
            assert!(!valid_gcp_service_account(bad), "{bad}");
        }
    }
}
