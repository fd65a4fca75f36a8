;; Highlights for .scale files in Helix: editors/tree-sitter-scale/queries/
;; highlights.scm with Helix's capture names. tests/tree_sitter.rs checks that
;; the two stay the same apart from the names.

;; Block kinds scalec knows; any other kind is a plain name.
(block
  kind: (identifier) @keyword
  (#any-of? @keyword
    "cluster" "defaults" "metric" "queue" "service" "database" "lint" "nodes"
    "selector" "object" "scale" "scale_up" "scale_down" "load" "disruption"
    "env" "port" "collection" "field" "shard" "config_server" "router"
    "probe" "files" "labels" "annotations" "pod_labels" "node_selector" "toleration" "node_affinity" "pod_annotations"
    "security" "identity" "job_annotations" "keda" "fallback" "trigger_auth" "parameters" "schedule" "job" "connections" "metrics" "monitor_labels" "atlas" "enterprise" "loadtest" "target" "expect" "environment"))

(block
  kind: (identifier) @variable
  (#not-any-of? @variable
    "cluster" "defaults" "metric" "queue" "service" "database" "lint" "nodes"
    "selector" "object" "scale" "scale_up" "scale_down" "load" "disruption"
    "env" "port" "collection" "field" "shard" "config_server" "router"
    "probe" "files" "labels" "annotations" "pod_labels" "node_selector" "toleration" "node_affinity" "pod_annotations"
    "security" "identity" "job_annotations" "keda" "fallback" "trigger_auth" "parameters" "schedule" "job" "connections" "metrics" "monitor_labels" "atlas" "enterprise" "loadtest" "target" "expect" "environment"))

(block
  label: (identifier) @label)

;; Attribute names scalec knows; any other name (an `env` variable, a
;; `selector` key, a typo) is a plain name.
(attribute
  name: (identifier) @variable.other.member
  (#any-of? @variable.other.member
    "allow" "api_version" "auth" "autoscaler" "average" "calls" "cardinality"
    "config_servers" "count" "cpu" "deny" "engine" "health" "image"
    "ingress_from" "kind" "kubernetes" "max_unavailable" "members" "memory"
    "metric" "min_available" "monotonic" "name" "namespace" "number" "operator"
    "peak" "per_pod" "startup" "base_url" "users" "think" "ramp" "hold" "ramp_down" "method" "environments" "p95" "p99" "errors" "body" "content_type" "port" "project" "protocol" "provider" "public" "rate"
    "region" "replicas" "routers" "select" "shard_key" "shards" "spread"
    "stabilization" "storage" "storage_class" "tolerance" "top_share" "total" "type" "url"
    "utilization" "version"
    "grace_period" "pre_stop" "job_duration" "env_from" "image_pull_secrets" "gpu" "ephemeral_storage" "provisioner" "node_class" "arch" "capacity" "instance_families" "instance_sizes" "consolidation" "consolidate_after" "disruption_budget" "expire_after" "priority_class" "zones" "key" "value" "effect" "spread_strict" "values" "weight" "seconds" "http" "tcp" "exec" "grpc" "grpc_service" "initial_delay" "period" "timeout" "failure_threshold" "success_threshold"
    "tmp" "run_as_root" "user" "writable_root" "privilege_escalation" "reason" "aws_role" "gcp_service_account" "kubernetes_api"
    "polling" "cooldown" "initial_cooldown" "idle_replicas" "failures" "behavior" "activation"
    "pool" "max_connections" "reserved_connections"
    "metrics_adapter" "prometheus" "adapter_namespace" "series"
    "deadline" "retries" "parallelism" "strategy" "successful_history" "failed_history"
    "pod_identity" "role" "owner" "timezone" "start" "end"
    "in_flight" "delayed" "brokers" "topic" "consumer_group" "queue_name" "vhost" "address" "list" "database"
    "path" "interval" "monitor" "prometheus_namespace" "scope" "external" "create_project" "instance" "compute_scale_down" "disk_autoscaling" "password_secret" "project_config_map" "credentials" "setup_secret"))

(attribute
  name: (identifier) @variable
  (#not-any-of? @variable
    "allow" "api_version" "auth" "autoscaler" "average" "calls" "cardinality"
    "config_servers" "count" "cpu" "deny" "engine" "health" "image"
    "ingress_from" "kind" "kubernetes" "max_unavailable" "members" "memory"
    "metric" "min_available" "monotonic" "name" "namespace" "number" "operator"
    "peak" "per_pod" "startup" "base_url" "users" "think" "ramp" "hold" "ramp_down" "method" "environments" "p95" "p99" "errors" "body" "content_type" "port" "project" "protocol" "provider" "public" "rate"
    "region" "replicas" "routers" "select" "shard_key" "shards" "spread"
    "stabilization" "storage" "storage_class" "tolerance" "top_share" "total" "type" "url"
    "utilization" "version"
    "grace_period" "pre_stop" "job_duration" "env_from" "image_pull_secrets" "gpu" "ephemeral_storage" "provisioner" "node_class" "arch" "capacity" "instance_families" "instance_sizes" "consolidation" "consolidate_after" "disruption_budget" "expire_after" "priority_class" "zones" "key" "value" "effect" "spread_strict" "values" "weight" "seconds" "http" "tcp" "exec" "grpc" "grpc_service" "initial_delay" "period" "timeout" "failure_threshold" "success_threshold"
    "tmp" "run_as_root" "user" "writable_root" "privilege_escalation" "reason" "aws_role" "gcp_service_account" "kubernetes_api"
    "polling" "cooldown" "initial_cooldown" "idle_replicas" "failures" "behavior" "activation"
    "pool" "max_connections" "reserved_connections"
    "metrics_adapter" "prometheus" "adapter_namespace" "series"
    "deadline" "retries" "parallelism" "strategy" "successful_history" "failed_history"
    "pod_identity" "role" "owner" "timezone" "start" "end"
    "in_flight" "delayed" "brokers" "topic" "consumer_group" "queue_name" "vhost" "address" "list" "database"
    "path" "interval" "monitor" "prometheus_namespace" "scope" "external" "create_project" "instance" "compute_scale_down" "disk_autoscaling" "password_secret" "project_config_map" "credentials" "setup_secret"))

;; Words from scalec's fixed word lists (autoscalers, metric kinds, queue
;; providers, select policies, spreads, engines, operators, field types,
;; port protocols).
((word) @constant
  (#any-of? @constant
    "kafka" "rabbitmq" "redis"
    "aws-sqs" "bool" "date" "decimal" "disabled" "double" "external" "hpa" "int"
    "keda" "long" "max" "min" "mongodb" "node" "object" "objectid" "percona"
    "pods" "sctp" "string" "tcp" "timestamp" "udp" "uuid" "zone"
    "no_schedule" "prefer_no_schedule" "no_execute"
    "static" "current_replicas" "current_replicas_if_higher" "current_replicas_if_lower" "aws" "workload" "postgresql" "prometheus-adapter" "other" "default" "accurate" "eager" "karpenter" "amd64" "arm64" "on_demand" "spot" "reserved" "when_empty" "when_underutilized" "GET" "POST" "PUT" "PATCH" "DELETE" "HEAD"
    "in" "not_in" "exists" "does_not_exist" "gt" "lt"
    "pod" "service" "namespace" "cluster" "atlas" "mongodb-enterprise" "gcp" "azure"))

((word) @variable
  (#not-any-of? @variable
    "kafka" "rabbitmq" "redis"
    "aws-sqs" "bool" "date" "decimal" "disabled" "double" "external" "hpa" "int"
    "keda" "long" "max" "min" "mongodb" "node" "object" "objectid" "percona"
    "pods" "sctp" "string" "tcp" "timestamp" "udp" "uuid" "zone"
    "no_schedule" "prefer_no_schedule" "no_execute"
    "static" "current_replicas" "current_replicas_if_higher" "current_replicas_if_lower" "aws" "workload" "postgresql" "prometheus-adapter" "other" "default" "accurate" "eager" "karpenter" "amd64" "arm64" "on_demand" "spot" "reserved" "when_empty" "when_underutilized" "GET" "POST" "PUT" "PATCH" "DELETE" "HEAD"
    "in" "not_in" "exists" "does_not_exist" "gt" "lt"
    "pod" "service" "namespace" "cluster" "atlas" "mongodb-enterprise" "gcp" "azure"))

(call
  function: (identifier) @function)

(boolean) @constant.builtin.boolean

(quantity) @constant.numeric

(string) @string

(escape_sequence) @constant.character.escape

(comment) @comment

"per" @keyword.operator

[
  "="
  ".."
] @operator

[
  "{"
  "}"
  "["
  "]"
  "("
  ")"
] @punctuation.bracket

[
  ","
  ";"
] @punctuation.delimiter
