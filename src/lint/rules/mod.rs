//! One file per rule, named after its code and hazard. Each file declares a
//! `RULE` with `declare_rule!` and holds nothing else but the check.
//!
//! [`rules!`] below is the one list of rules: it declares their modules, the
//! [`RuleId`] type with one variant per code, and [`ALL`]. A rule file names
//! its id (`id: K101`); a compile-time assertion per entry proves that each
//! file declares the id it is listed under, so an id cannot be missing,
//! repeated or attached to the wrong rule.

use super::Rule;

/// Declares the rule modules, [`RuleId`], [`ALL`] and the id assertions.
macro_rules! rules {
    ($($id:ident => $module:ident,)*) => {
        $(pub mod $module;)*

        /// The code of a lint rule, e.g. [`RuleId::K101`]. Settings,
        /// suppressions and findings name rules by it; the text form
        /// (`"K101"`) is only for users.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum RuleId {
            $($id,)*
        }

        impl RuleId {
            /// Every id, sorted by code.
            pub const ALL: &[RuleId] = &[$(RuleId::$id,)*];

            /// The code as users write it: `K101`.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(RuleId::$id => stringify!($id),)*
                }
            }

            /// The rule with this id.
            pub fn rule(self) -> &'static Rule {
                match self {
                    $(RuleId::$id => &$module::RULE,)*
                }
            }

            /// The id written as `code`, in any case (`k101`, `K101`).
            pub fn from_code(code: &str) -> Option<RuleId> {
                RuleId::ALL
                    .iter()
                    .copied()
                    .find(|id| id.as_str().eq_ignore_ascii_case(code))
            }
        }

        /// Every rule, sorted by code.
        pub static ALL: &[&Rule] = &[$(&$module::RULE,)*];

        $(
            const _: () = assert!(
                $module::RULE.id as usize == RuleId::$id as usize,
                concat!(stringify!($module), " does not declare id ", stringify!($id)),
            );
        )*
    };
}

impl std::fmt::Display for RuleId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

rules! {
    C301 => c301_peak_exceeds_max,
    C302 => c302_cluster_overcommit,
    C303 => c303_baseline_unschedulable,
    C304 => c304_pod_larger_than_node,
    C305 => c305_connections_exceed_database,
    C306 => c306_peak_exceeds_pool,
    C307 => c307_consolidation_evicts_single_pod,
    C308 => c308_loadtest_below_peak,
    C309 => c309_loadtest_exceeds_capacity,
    K101 => k101_missing_max_replicas,
    K102 => k102_min_above_max,
    K103 => k103_no_scaling_range,
    K104 => k104_single_replica,
    K105 => k105_utilization_without_request,
    K106 => k106_utilization_out_of_range,
    K107 => k107_memory_scaling,
    K108 => k108_scale_to_zero_unsupported,
    K109 => k109_queue_total_target,
    K110 => k110_missing_memory_limit,
    K111 => k111_limit_below_request,
    K112 => k112_memory_milli_unit,
    K113 => k113_tiny_cpu_request,
    K114 => k114_no_readiness_probe,
    K115 => k115_scale_down_flapping,
    K116 => k116_scale_up_disabled,
    K117 => k117_mutable_image_tag,
    K118 => k118_unused_metric,
    K119 => k119_disruption_blocks_drain,
    K120 => k120_feature_not_in_version,
    K121 => k121_queue_without_auth,
    K122 => k122_unreachable_port,
    K123 => k123_job_outlives_grace_period,
    K124 => k124_external_metrics_conflict,
    K125 => k125_queue_auth_ignored,
    K126 => k126_queue_option_ignored,
    K127 => k127_unserved_metric,
    K128 => k128_job_without_deadline,
    K129 => k129_job_strategy_miscounts_queue,
    K130 => k130_job_deadline_below_duration,
    K131 => k131_endpoint_without_port,
    M201 => m201_monotonic_shard_key,
    M202 => m202_low_cardinality_shard_key,
    M203 => m203_dominant_key_value,
    M204 => m204_invalid_compound_key,
    M205 => m205_small_replica_set,
    M206 => m206_even_replica_set,
    M207 => m207_single_router,
    M208 => m208_single_shard,
    M209 => m209_config_server_count,
    M210 => m210_mongod_without_memory_limit,
    M211 => m211_disk_autoscaling_off,
    M212 => m212_compute_scale_down_disabled,
    M213 => m213_shards_beyond_atlas_limit,
    M214 => m214_storage_fights_disk_autoscaling,
    P401 => p401_max_before_peak,
    P402 => p402_backlog_never_drains,
    P403 => p403_flapping,
    P404 => p404_nodes_exhausted,
    S001 => s001_suppression_without_reason,
    S002 => s002_unused_suppression,
    S003 => s003_malformed_directive,
}
