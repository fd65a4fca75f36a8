//! One file per rule, named after its code and hazard. Each file declares a
//! `RULE` with `declare_rule!` and holds nothing else but the check. [`ALL`]
//! lists every rule, sorted by code.

pub mod c301_peak_exceeds_max;
pub mod c302_cluster_overcommit;
pub mod c303_baseline_unschedulable;
pub mod c304_pod_larger_than_node;
pub mod k101_missing_max_replicas;
pub mod k102_min_above_max;
pub mod k103_no_scaling_range;
pub mod k104_single_replica;
pub mod k105_utilization_without_request;
pub mod k106_utilization_out_of_range;
pub mod k107_memory_scaling;
pub mod k108_scale_to_zero_unsupported;
pub mod k109_queue_total_target;
pub mod k110_missing_memory_limit;
pub mod k111_limit_below_request;
pub mod k112_memory_milli_unit;
pub mod k113_tiny_cpu_request;
pub mod k114_no_readiness_probe;
pub mod k115_scale_down_flapping;
pub mod k116_scale_up_disabled;
pub mod k117_mutable_image_tag;
pub mod k118_unused_metric;
pub mod k119_disruption_blocks_drain;
pub mod k120_feature_not_in_version;
pub mod k121_queue_without_auth;
pub mod m201_monotonic_shard_key;
pub mod m202_low_cardinality_shard_key;
pub mod m203_dominant_key_value;
pub mod m204_invalid_compound_key;
pub mod m205_small_replica_set;
pub mod m206_even_replica_set;
pub mod m207_single_router;
pub mod m208_single_shard;
pub mod m209_config_server_count;
pub mod s001_suppression_without_reason;
pub mod s002_unused_suppression;
pub mod s003_malformed_directive;

use super::Rule;

/// Every rule, sorted by code.
pub static ALL: &[&Rule] = &[
    &c301_peak_exceeds_max::RULE,
    &c302_cluster_overcommit::RULE,
    &c303_baseline_unschedulable::RULE,
    &c304_pod_larger_than_node::RULE,
    &k101_missing_max_replicas::RULE,
    &k102_min_above_max::RULE,
    &k103_no_scaling_range::RULE,
    &k104_single_replica::RULE,
    &k105_utilization_without_request::RULE,
    &k106_utilization_out_of_range::RULE,
    &k107_memory_scaling::RULE,
    &k108_scale_to_zero_unsupported::RULE,
    &k109_queue_total_target::RULE,
    &k110_missing_memory_limit::RULE,
    &k111_limit_below_request::RULE,
    &k112_memory_milli_unit::RULE,
    &k113_tiny_cpu_request::RULE,
    &k114_no_readiness_probe::RULE,
    &k115_scale_down_flapping::RULE,
    &k116_scale_up_disabled::RULE,
    &k117_mutable_image_tag::RULE,
    &k118_unused_metric::RULE,
    &k119_disruption_blocks_drain::RULE,
    &k120_feature_not_in_version::RULE,
    &k121_queue_without_auth::RULE,
    &m201_monotonic_shard_key::RULE,
    &m202_low_cardinality_shard_key::RULE,
    &m203_dominant_key_value::RULE,
    &m204_invalid_compound_key::RULE,
    &m205_small_replica_set::RULE,
    &m206_even_replica_set::RULE,
    &m207_single_router::RULE,
    &m208_single_shard::RULE,
    &m209_config_server_count::RULE,
    &s001_suppression_without_reason::RULE,
    &s002_unused_suppression::RULE,
    &s003_malformed_directive::RULE,
];
