//! `database { operator = atlas  atlas { ... } }`: what the Atlas Kubernetes
//! Operator (`atlas.mongodb.com/v1`) needs beyond what every operator shares.
//!
//! The shared part of a database (shards, members, version, storage, shard
//! keys) stays in [`super::Database`]; this holds only what is Atlas's own:
//! its project, cloud, region, instance sizes and autoscaling, and the Secret
//! of the shard-setup user's password. Lowering has already refused what
//! Atlas would refuse (E003/E007/E008), so every value here is one Atlas
//! accepts.

use crate::source::{Span, eq_ignoring_spans};

use super::{Keyword, Memory, Spanned};

keywords! {
    /// `provider`: the cloud Atlas runs the cluster on (`providerName`).
    pub enum AtlasProvider {
        Aws = "aws",
        Gcp = "gcp",
        Azure = "azure",
    }
}

impl AtlasProvider {
    /// The value of `providerName` and `backingProviderName`.
    pub fn atlas_name(self) -> &'static str {
        match self {
            AtlasProvider::Aws => "AWS",
            AtlasProvider::Gcp => "GCP",
            AtlasProvider::Azure => "AZURE",
        }
    }
}

/// The class of an instance size: Atlas scales compute only within a class,
/// and never scales NVMe clusters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InstanceClass {
    /// `M10` .. `M700`.
    General,
    /// `R40` .. `R700`: low CPU, the same memory.
    LowCpu,
    /// `M40_NVME` .. `M400_NVME`: local NVMe storage.
    Nvme,
}

impl InstanceClass {
    /// How the class reads in messages.
    pub fn describe(self) -> &'static str {
        match self {
            InstanceClass::General => "general (M)",
            InstanceClass::LowCpu => "low-CPU (R)",
            InstanceClass::Nvme => "NVMe",
        }
    }
}

/// One dedicated Atlas instance size.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InstanceSize {
    pub name: &'static str,
    pub class: InstanceClass,
    /// The tier's number (`M30` → 30); sizes of one class order by it.
    pub tier: u32,
}

const fn size(name: &'static str, class: InstanceClass, tier: u32) -> InstanceSize {
    InstanceSize { name, class, tier }
}

/// Atlas's dedicated instance sizes (AWS, GCP and Azure together; the
/// shared `M0`/`M2`/`M5` and Flex tiers cannot shard). Not every cloud
/// offers every size (`M140` is AWS's and GCP's), which Atlas reports when
/// the deployment is created.
pub const INSTANCE_SIZES: &[InstanceSize] = &[
    size("M10", InstanceClass::General, 10),
    size("M20", InstanceClass::General, 20),
    size("M30", InstanceClass::General, 30),
    size("M40", InstanceClass::General, 40),
    size("M50", InstanceClass::General, 50),
    size("M60", InstanceClass::General, 60),
    size("M80", InstanceClass::General, 80),
    size("M140", InstanceClass::General, 140),
    size("M200", InstanceClass::General, 200),
    size("M300", InstanceClass::General, 300),
    size("M400", InstanceClass::General, 400),
    size("M700", InstanceClass::General, 700),
    size("R40", InstanceClass::LowCpu, 40),
    size("R50", InstanceClass::LowCpu, 50),
    size("R60", InstanceClass::LowCpu, 60),
    size("R80", InstanceClass::LowCpu, 80),
    size("R200", InstanceClass::LowCpu, 200),
    size("R300", InstanceClass::LowCpu, 300),
    size("R400", InstanceClass::LowCpu, 400),
    size("R700", InstanceClass::LowCpu, 700),
    size("M40_NVME", InstanceClass::Nvme, 40),
    size("M50_NVME", InstanceClass::Nvme, 50),
    size("M60_NVME", InstanceClass::Nvme, 60),
    size("M80_NVME", InstanceClass::Nvme, 80),
    size("M200_NVME", InstanceClass::Nvme, 200),
    size("M400_NVME", InstanceClass::Nvme, 400),
];

/// Connections Atlas reserves on each node for its own services.
pub const RESERVED_CONNECTIONS_PER_NODE: u64 = 10;

impl InstanceSize {
    /// The incoming connections one node of this size accepts ("Atlas
    /// Service Limits": per node, and on a sharded cluster per `mongos`,
    /// one on each node of every shard). NVMe sizes have their general
    /// tier's limit; the largest tiers, 128000.
    pub fn max_connections(self) -> u64 {
        match (self.class, self.tier) {
            (InstanceClass::LowCpu, 40) => 4_000,
            (InstanceClass::LowCpu, 80) => 64_000,
            (_, 10) => 1_500,
            (_, 20 | 30) => 3_000,
            (_, 40) => 6_000,
            (_, 50) => 16_000,
            (_, 60) => 32_000,
            (_, 80 | 140) => 96_000,
            _ => 128_000,
        }
    }
}

/// The smallest tier Atlas deploys as a sharded cluster: `M30`.
pub const MIN_SHARDED_TIER: u32 = 30;

/// The most shards Atlas creates in a single-region cluster without MongoDB
/// Support raising the project's limit ("Atlas Service Limits").
pub const SUPPORTED_SHARDS: u32 = 80;

/// The node counts Atlas accepts for the electable nodes of one shard.
pub const ELECTABLE_NODE_COUNTS: [u32; 3] = [3, 5, 7];

/// The MongoDB versions Atlas creates clusters of (`mongoDBMajorVersion`);
/// 6.0 reached its end of life in July 2025. Atlas picks the patch release.
pub const MAJOR_VERSIONS: &[&str] = &["7.0", "8.0"];

/// The largest disk Atlas gives one node, in GB (`diskSizeGB`).
pub const MAX_DISK_GB: u64 = 4096;

/// `diskSizeGB` of a `storage`: whole GB, rounded up (Atlas's GB are 2^30
/// bytes, Kubernetes' `Gi`).
pub fn disk_gb(storage: &Memory) -> u64 {
    u64::try_from(storage.bytes().div_ceil(1 << 30)).unwrap_or(u64::MAX)
}

/// The size a word names, upper or lower case.
pub fn instance_size(word: &str) -> Option<InstanceSize> {
    let upper = word.to_ascii_uppercase();
    INSTANCE_SIZES.iter().copied().find(|s| s.name == upper)
}

/// `atlas { ... }` of a database run by the Atlas operator.
#[derive(Clone, Debug)]
pub struct Atlas {
    /// `project`: the AtlasProject's name, in Kubernetes and in Atlas.
    pub project: Spanned<String>,
    /// `create_project = true`: scalec emits the AtlasProject; otherwise it
    /// exists already and is only referenced.
    pub create_project: bool,
    pub provider: Spanned<AtlasProvider>,
    /// Atlas's region name, e.g. `US_EAST_1`.
    pub region: Spanned<String>,
    /// `instance = M30`, or the lower end of `M30 .. M60`.
    pub min_instance: Spanned<InstanceSize>,
    /// The upper end of `instance = M30 .. M60`: compute autoscaling.
    pub max_instance: Option<Spanned<InstanceSize>>,
    /// `scale_down`: whether compute autoscaling may scale down (default
    /// true); only meaningful with a range.
    pub scale_down: Option<Spanned<bool>>,
    /// `disk_autoscaling` (Atlas's default: true).
    pub disk_autoscaling: Option<Spanned<bool>>,
    /// `password_secret`: the Secret holding the shard-setup user's password.
    pub password_secret: Spanned<String>,
    pub span: Span,
}

impl Atlas {
    /// Whether disk autoscaling is on (Atlas's default when unset).
    pub fn disk_autoscaling(&self) -> bool {
        self.disk_autoscaling.as_ref().is_none_or(|d| d.value)
    }

    /// Whether compute autoscaling may scale down.
    pub fn scale_down(&self) -> bool {
        self.scale_down.as_ref().is_none_or(|d| d.value)
    }
}

eq_ignoring_spans! {
    Atlas {
        project, create_project, provider, region, min_instance, max_instance,
        scale_down, disk_autoscaling, password_secret,
    } ignoring { span }
}
