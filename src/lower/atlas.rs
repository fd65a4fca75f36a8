//! `operator = atlas`: the `atlas` block of a database, and what Atlas or
//! the Atlas Kubernetes Operator would refuse in the rest of it.
//!
//! Everything refused here is a language error: E003 for a value Atlas does
//! not take (an unknown instance size, one too small to shard, a range Atlas
//! cannot autoscale over, a member count other than 3, 5 or 7, a disk over
//! 4 TB, a version with a patch number), E007 for a missing `atlas` block,
//! E008 for what Atlas runs itself (config servers, routers, pod sizes,
//! StorageClass) or an `atlas` block under another operator.

use crate::ast::{Block, Value, ValueKind};
use crate::diag::{Diagnostic, codes};
use crate::model::atlas::{
    ELECTABLE_NODE_COUNTS, INSTANCE_SIZES, MAJOR_VERSIONS, MAX_DISK_GB, MIN_SHARDED_TIER, disk_gb,
    instance_size,
};
use crate::model::{Atlas, DatabaseOperator, InstanceClass, InstanceSize, Memory, Spanned};

use super::{Fields, Lowerer, schema, values};

/// What a database block says that `atlas` lowering checks beside its block.
pub(super) struct AtlasContext<'a> {
    pub operator: Option<&'a Spanned<DatabaseOperator>>,
    pub members: Option<&'a Spanned<u32>>,
    pub version: Option<&'a Spanned<String>>,
    pub storage: Option<&'a Spanned<Memory>>,
}

/// Attributes and blocks of a database that Atlas manages itself.
const MANAGED: &[(&str, &str)] = &[
    ("config_servers", "Atlas runs the config servers itself"),
    ("routers", "Atlas runs the mongos routers itself"),
    ("storage_class", "Atlas chooses the cluster's disks"),
];
const MANAGED_BLOCKS: &[(&str, &str)] = &[
    ("shard", "on Atlas, `instance` sizes the nodes"),
    ("config_server", "Atlas runs the config servers itself"),
    ("router", "Atlas runs the mongos routers itself"),
];

impl Lowerer<'_> {
    /// The `atlas` block of `block` when its operator is Atlas. `Err` when
    /// something is refused (and reported); `Ok(None)` under another
    /// operator.
    pub(super) fn database_atlas(
        &mut self,
        block: &Block,
        fields: &Fields<'_>,
        context: AtlasContext<'_>,
    ) -> Result<Option<Atlas>, ()> {
        // An `operator` written but refused is reported already; which
        // operator was meant is unknown, so nothing more is said.
        if context.operator.is_none() && fields.attributes.contains_key("operator") {
            return Err(());
        }
        let is_atlas = context
            .operator
            .is_some_and(|o| o.value == DatabaseOperator::Atlas);
        let atlas_block = fields.block("atlas");
        if !is_atlas {
            if let Some(atlas_block) = atlas_block {
                let mut diagnostic = Diagnostic::error(
                    codes::CONFLICTING_ATTRIBUTES,
                    "an `atlas` block needs `operator = atlas`",
                    super::block_head(atlas_block),
                )
                .with_label("Atlas settings");
                if let Some(operator) = context.operator {
                    diagnostic = diagnostic.with_related(operator.span, "another operator");
                }
                self.report(diagnostic.with_help(
                    "add `operator = atlas` to run the database on MongoDB Atlas, or remove the `atlas` block",
                ));
                return Err(());
            }
            return Ok(None);
        }
        let operator = context.operator.expect("is_atlas");
        let mut ok = true;
        for (name, why) in MANAGED {
            if let Some(attribute) = fields.attributes.get(name) {
                ok = false;
                self.report(
                    Diagnostic::error(
                        codes::CONFLICTING_ATTRIBUTES,
                        format!("`{name}` cannot be set on an Atlas database"),
                        attribute.name.span,
                    )
                    .with_label(*why)
                    .with_related(operator.span, "Atlas runs the cluster")
                    .with_help(format!("remove `{name}`")),
                );
            }
        }
        for (kind, why) in MANAGED_BLOCKS {
            if let Some(child) = fields.block(kind) {
                ok = false;
                self.report(
                    Diagnostic::error(
                        codes::CONFLICTING_ATTRIBUTES,
                        format!("a `{kind}` block cannot be set on an Atlas database"),
                        super::block_head(child),
                    )
                    .with_label(*why)
                    .with_related(operator.span, "Atlas runs the cluster")
                    .with_help(format!(
                        "remove the `{kind}` block; size the nodes with `atlas {{ instance = M30 }}`"
                    )),
                );
            }
        }
        if let Some(members) = context.members
            && !ELECTABLE_NODE_COUNTS.contains(&members.value)
        {
            ok = false;
            self.report(
                Diagnostic::error(
                    codes::TYPE_MISMATCH,
                    format!("Atlas does not run shards of {} members", members.value),
                    members.span,
                )
                .with_label("Atlas takes 3, 5 or 7 electable nodes per shard")
                .with_help(format!(
                    "write `members = {}`",
                    nearest_node_count(members.value)
                )),
            );
        }
        if let Some(version) = context.version {
            let text = version.value.trim();
            let text = text.strip_prefix('v').unwrap_or(text);
            if !MAJOR_VERSIONS.contains(&text) {
                ok = false;
                let major: Vec<&str> = text.split('.').take(2).collect();
                let major = major.join(".");
                let choices = MAJOR_VERSIONS
                    .iter()
                    .map(|v| format!("`\"{v}\"`"))
                    .collect::<Vec<_>>()
                    .join(" or ");
                self.report(
                    Diagnostic::error(
                        codes::TYPE_MISMATCH,
                        format!("`{}` is not a MongoDB version Atlas runs", version.value),
                        version.span,
                    )
                    .with_label(if MAJOR_VERSIONS.contains(&major.as_str()) {
                        "Atlas takes a major version and picks the patch release itself"
                    } else {
                        "not a version Atlas creates clusters of"
                    })
                    .with_help(if MAJOR_VERSIONS.contains(&major.as_str()) {
                        format!("write `version = \"{major}\"`")
                    } else {
                        format!("Atlas creates clusters of MongoDB {choices}")
                    }),
                );
            }
        }
        if let Some(storage) = context.storage
            && disk_gb(&storage.value) > MAX_DISK_GB
        {
            ok = false;
            self.report(
                Diagnostic::error(
                    codes::TYPE_MISMATCH,
                    format!("Atlas gives a node at most {MAX_DISK_GB} GB of disk"),
                    storage.span,
                )
                .with_label(format!("{} GB", disk_gb(&storage.value)))
                .with_help(format!(
                    "write `storage = {MAX_DISK_GB}Gi` or less, and add shards for more data"
                )),
            );
        }
        let Some(atlas_block) = atlas_block else {
            self.missing(block, "atlas", "atlas { project = \"...\" provider = aws region = \"US_EAST_1\" instance = M30 password_secret = \"...\" }");
            return Err(());
        };
        let schema = schema::block("atlas").expect("atlas has a schema");
        let atlas_fields = self.fields(atlas_block, schema);
        let complete = self.require(atlas_block, schema, &atlas_fields);
        let name = |v: &Value| values::string(v);
        let project = self.get(&atlas_fields, "project", name).filter(|p| {
            self.check_name(
                crate::names::kubernetes::dns_subdomain(&p.value),
                p.span,
                || {
                    format!(
                        "{} cannot be an AtlasProject's name",
                        crate::names::quoted(&p.value)
                    )
                },
            ) && self.check_atlas_project_name(p)
        });
        let create_project = self.get(&atlas_fields, "create_project", values::boolean);
        let provider = self.get(&atlas_fields, "provider", values::keyword);
        let region = self.get(&atlas_fields, "region", region);
        let instance = (atlas_fields.attributes.get("instance"))
            .and_then(|a| self.convert(instances(&a.value)));
        let scale_down = self.get(&atlas_fields, "compute_scale_down", values::boolean);
        let disk_autoscaling = self.get(&atlas_fields, "disk_autoscaling", values::boolean);
        let password_secret = self
            .get(&atlas_fields, "password_secret", name)
            .filter(|p| {
                self.check_name(
                    crate::names::kubernetes::dns_subdomain(&p.value),
                    p.span,
                    || {
                        format!(
                            "{} cannot be a Secret's name",
                            crate::names::quoted(&p.value)
                        )
                    },
                )
            });
        if let (Some(scale_down), Some((_, None))) = (&scale_down, &instance) {
            ok = false;
            self.report(
                Diagnostic::error(
                    codes::CONFLICTING_ATTRIBUTES,
                    "`compute_scale_down` needs an instance range",
                    scale_down.span,
                )
                .with_label("no compute autoscaling without a range")
                .with_help(
                    "write `instance = M30 .. M60` to autoscale, or remove `compute_scale_down`",
                ),
            );
        }
        let (
            Some(project),
            Some(provider),
            Some(region),
            Some((min_instance, max_instance)),
            Some(password_secret),
        ) = (project, provider, region, instance, password_secret)
        else {
            return Err(());
        };
        // An optional attribute written but not lowered has been reported.
        let optional_failed = [
            ("create_project", create_project.is_none()),
            ("compute_scale_down", scale_down.is_none()),
            ("disk_autoscaling", disk_autoscaling.is_none()),
        ]
        .iter()
        .any(|(name, missing)| *missing && atlas_fields.attributes.contains_key(name));
        if !complete || !ok || optional_failed {
            return Err(());
        }
        Ok(Some(Atlas {
            project,
            create_project: create_project.is_some_and(|c| c.value),
            provider,
            region,
            min_instance,
            max_instance,
            scale_down,
            disk_autoscaling,
            password_secret,
            span: atlas_block.span,
        }))
    }
}

impl Lowerer<'_> {
    /// E005 when two databases both create one AtlasProject: the project is
    /// a single object, which one database writes and the others reference.
    pub(super) fn check_created_projects(&mut self, databases: &[crate::model::Database]) {
        let mut first: std::collections::BTreeMap<&str, &Spanned<String>> =
            std::collections::BTreeMap::new();
        // In source order, so "first" is the one written first.
        let mut creating: Vec<&Atlas> = (databases.iter())
            .filter_map(|d| d.atlas.as_ref())
            .filter(|a| a.create_project)
            .collect();
        creating.sort_by_key(|a| a.project.span);
        for atlas in creating {
            let Some(earlier) = first.get(atlas.project.value.as_str()) else {
                first.insert(&atlas.project.value, &atlas.project);
                continue;
            };
            let earlier_span = earlier.span;
            self.report(
                Diagnostic::error(
                    codes::DUPLICATE_DEFINITION,
                    format!(
                        "AtlasProject `{}` is created by two databases",
                        atlas.project.value
                    ),
                    atlas.project.span,
                )
                .with_label("created again here")
                .with_related(earlier_span, "first created here")
                .with_help(
                    "keep `create_project = true` in one database; the others reference the project by name",
                ),
            );
        }
    }
}

impl Lowerer<'_> {
    /// E006 unless `project`, already a Kubernetes name, is also one Atlas
    /// takes for a project: at most 64 characters, without `.`.
    fn check_atlas_project_name(&mut self, project: &Spanned<String>) -> bool {
        let text = &project.value;
        let problem = if text.len() > MAX_PROJECT_NAME {
            format!(
                "{} characters; Atlas takes at most {MAX_PROJECT_NAME}",
                text.len()
            )
        } else if text.contains('.') {
            "Atlas project names have no `.`".to_string()
        } else {
            return true;
        };
        let fixed: String = (text.chars().take(MAX_PROJECT_NAME))
            .map(|c| if c == '.' { '-' } else { c })
            .collect();
        let fixed = fixed.trim_end_matches('-');
        self.report(
            Diagnostic::error(
                codes::INVALID_NAME,
                format!("{} cannot be an Atlas project name", crate::names::quoted(text)),
                project.span,
            )
            .with_label(problem)
            .with_help(format!(
                "the AtlasProject's name is also its name in Atlas: letters, digits and `-`, at most {MAX_PROJECT_NAME} characters, e.g. `\"{fixed}\"`"
            )),
        );
        false
    }
}

/// The longest Atlas project name.
const MAX_PROJECT_NAME: usize = 64;

/// The Atlas node count nearest to `members`.
fn nearest_node_count(members: u32) -> u32 {
    ELECTABLE_NODE_COUNTS
        .into_iter()
        .min_by_key(|n| n.abs_diff(members))
        .expect("three counts")
}

/// Atlas's region name: upper case, digits and `_` (`US_EAST_1`,
/// `EUROPE_WEST_1`, `EUROPE_NORTH`).
fn region(value: &Value) -> values::Conv<String> {
    let text = values::string(value)?;
    let valid = !text.is_empty()
        && text.starts_with(|c: char| c.is_ascii_uppercase())
        && text
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
    if valid {
        return Ok(text);
    }
    let fixed = text.to_ascii_uppercase().replace('-', "_");
    Err(Diagnostic::error(
        codes::TYPE_MISMATCH,
        format!("`{text}` is not an Atlas region name"),
        value.span,
    )
    .with_label("Atlas names regions in upper case with `_`")
    .with_help(format!(
        "write Atlas's name of the region, e.g. `\"{fixed}\"`"
    )))
}

/// `M30` or `M30 .. M60`: the sizes, each checked alone and the range as a
/// whole.
fn instances(
    value: &Value,
) -> values::Conv<(Spanned<InstanceSize>, Option<Spanned<InstanceSize>>)> {
    let (min, max) = match &value.kind {
        ValueKind::Range(low, high) => (one_instance(low)?, Some(one_instance(high)?)),
        _ => (one_instance(value)?, None),
    };
    let Some(max) = max else {
        return Ok((min, None));
    };
    let refuse = |message: String, label: &str, help: String| {
        Diagnostic::error(codes::TYPE_MISMATCH, message, value.span)
            .with_label(label.to_string())
            .with_help(help)
    };
    if min.value.class == InstanceClass::Nvme || max.value.class == InstanceClass::Nvme {
        return Err(refuse(
            "Atlas does not autoscale NVMe instance sizes".into(),
            "an NVMe size in a range",
            format!("write one size, `instance = {}`", min.value.name),
        ));
    }
    if min.value.class != max.value.class {
        return Err(refuse(
            format!(
                "`{}` and `{}` are of different classes",
                min.value.name, max.value.name
            ),
            "Atlas autoscales within one class",
            format!(
                "use two {} sizes, e.g. `{} .. {}`",
                min.value.class.describe(),
                min.value.name,
                next_size(min.value).name
            ),
        ));
    }
    if max.value.tier <= min.value.tier {
        return Err(refuse(
            format!(
                "the largest size `{}` is not above the smallest `{}`",
                max.value.name, min.value.name
            ),
            "Atlas refuses a maximum at or below the minimum",
            if max.value.tier == min.value.tier {
                format!(
                    "write one size, `instance = {}`, or a larger maximum",
                    min.value.name
                )
            } else {
                format!(
                    "write the smaller size first: `{} .. {}`",
                    max.value.name, min.value.name
                )
            },
        ));
    }
    Ok((min, Some(max)))
}

/// The next larger size of the same class, or the size itself when it is
/// the largest.
fn next_size(size: InstanceSize) -> InstanceSize {
    INSTANCE_SIZES
        .iter()
        .copied()
        .filter(|s| s.class == size.class && s.tier > size.tier)
        .min_by_key(|s| s.tier)
        .unwrap_or(size)
}

/// One instance size that may run a sharded cluster.
fn one_instance(value: &Value) -> values::Conv<Spanned<InstanceSize>> {
    let written = match &value.kind {
        ValueKind::Ident(s) | ValueKind::String(s) => s,
        _ => {
            return Err(values::mismatch(
                value,
                "an Atlas instance size such as `M30`",
            ));
        }
    };
    let Some(size) = instance_size(written) else {
        let close = crate::names::did_you_mean(
            &written.to_ascii_uppercase(),
            INSTANCE_SIZES.iter().map(|s| s.name),
        );
        return Err(Diagnostic::error(
            codes::TYPE_MISMATCH,
            format!("`{written}` is not an Atlas instance size"),
            value.span,
        )
        .with_label("unknown instance size")
        .with_help(match close {
            Some(close) => format!("did you mean `{close}`?"),
            None => "use a dedicated size of M30 or larger: M30, M40, M50, M60, M80, M140, M200, M300, M400, M700, R40 .. R700 or M40_NVME .. M400_NVME".into(),
        }));
    };
    if size.tier < MIN_SHARDED_TIER {
        return Err(Diagnostic::error(
            codes::TYPE_MISMATCH,
            format!("Atlas does not shard on `{}`", size.name),
            value.span,
        )
        .with_label(format!(
            "sharded clusters need M{MIN_SHARDED_TIER} or larger"
        ))
        .with_help(format!("write `M{MIN_SHARDED_TIER}` or a larger size")));
    }
    Ok(Spanned::new(size, value.span))
}
