//! `operator = mongodb-enterprise`: the `enterprise` block of a database, and
//! what the MongoDB Enterprise Kubernetes operator's `MongoDB` resource
//! would refuse in the rest of it.
//!
//! Everything refused here is a language error: E007 for a missing
//! `enterprise` block or `version` (the CRD requires `credentials`,
//! `opsManager.configMapRef` and `version`), E003 for a version that is not
//! `MAJOR.MINOR.PATCH` with an optional suffix (the CRD's pattern), E008 for
//! an `enterprise` block under another operator.

use crate::ast::{Block, Value};
use crate::diag::{Diagnostic, codes};
use crate::model::{DatabaseOperator, Enterprise, Spanned};

use super::{Fields, Lowerer, schema, values};

/// The version the examples suggest: an Enterprise build of MongoDB 8.0.
pub const EXAMPLE_VERSION: &str = "8.0.12-ent";

/// Whether `text` matches the CRD's `version` pattern,
/// `^[0-9]+.[0-9]+.[0-9]+(-.+)?$` (the operator reads the dots as dots).
pub fn full_version(text: &str) -> bool {
    let (numbers, suffix) = match text.split_once('-') {
        Some((numbers, suffix)) => (numbers, Some(suffix)),
        None => (text, None),
    };
    let parts: Vec<&str> = numbers.split('.').collect();
    parts.len() == 3
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
        && suffix.is_none_or(|s| !s.is_empty())
}

impl Lowerer<'_> {
    /// The `enterprise` block of `block` when its operator is the MongoDB
    /// Enterprise operator. `Err` when something is refused (and reported);
    /// `Ok(None)` under another operator.
    pub(super) fn database_enterprise(
        &mut self,
        block: &Block,
        fields: &Fields<'_>,
        operator: Option<&Spanned<DatabaseOperator>>,
        version: Option<&Spanned<String>>,
    ) -> Result<Option<Enterprise>, ()> {
        if operator.is_none() && fields.attributes.contains_key("operator") {
            return Err(());
        }
        let is_enterprise =
            operator.is_some_and(|o| o.value == DatabaseOperator::MongoDbEnterprise);
        let enterprise_block = fields.block("enterprise");
        if !is_enterprise {
            if let Some(enterprise_block) = enterprise_block {
                let mut diagnostic = Diagnostic::error(
                    codes::CONFLICTING_ATTRIBUTES,
                    "an `enterprise` block needs `operator = mongodb-enterprise`",
                    super::block_head(enterprise_block),
                )
                .with_label("MongoDB Enterprise operator settings");
                if let Some(operator) = operator {
                    diagnostic = diagnostic.with_related(operator.span, "another operator");
                }
                self.report(diagnostic.with_help(
                    "add `operator = mongodb-enterprise`, or remove the `enterprise` block",
                ));
                return Err(());
            }
            return Ok(None);
        }
        let mut ok = true;
        match version {
            None => {
                ok = false;
                self.missing(
                    block,
                    "version",
                    &format!("version = \"{EXAMPLE_VERSION}\""),
                );
            }
            Some(version) if !full_version(version.value.trim()) => {
                ok = false;
                let text = version.value.trim();
                let bare = text.strip_prefix('v').unwrap_or(text);
                let help = if full_version(bare) {
                    format!("write `version = \"{bare}\"`")
                } else {
                    format!("write a full version such as `version = \"{EXAMPLE_VERSION}\"`")
                };
                self.report(
                    Diagnostic::error(
                        codes::TYPE_MISMATCH,
                        format!(
                            "`{}` is not a MongoDB version the Enterprise operator takes",
                            version.value
                        ),
                        version.span,
                    )
                    .with_label("the operator wants `MAJOR.MINOR.PATCH`, optionally with a suffix such as `-ent`")
                    .with_help(help),
                );
            }
            Some(_) => {}
        }
        let Some(enterprise_block) = enterprise_block else {
            self.missing(
                block,
                "enterprise",
                "enterprise { project_config_map = \"...\" credentials = \"...\" setup_secret = \"...\" }",
            );
            return Err(());
        };
        let schema = schema::block("enterprise").expect("enterprise has a schema");
        let enterprise_fields = self.fields(enterprise_block, schema);
        let complete = self.require(enterprise_block, schema, &enterprise_fields);
        let mut name = |attribute: &str, what: &str| {
            self.get(&enterprise_fields, attribute, |v: &Value| values::string(v))
                .filter(|n| {
                    self.check_name(
                        crate::names::kubernetes::dns_subdomain(&n.value),
                        n.span,
                        || {
                            format!(
                                "{} cannot be a {what}'s name",
                                crate::names::quoted(&n.value)
                            )
                        },
                    )
                })
        };
        let project_config_map = name("project_config_map", "ConfigMap");
        let credentials = name("credentials", "Secret");
        let setup_secret = name("setup_secret", "Secret");
        let (Some(project_config_map), Some(credentials), Some(setup_secret)) =
            (project_config_map, credentials, setup_secret)
        else {
            return Err(());
        };
        if !complete || !ok {
            return Err(());
        }
        Ok(Some(Enterprise {
            project_config_map,
            credentials,
            setup_secret,
            span: enterprise_block.span,
        }))
    }
}
