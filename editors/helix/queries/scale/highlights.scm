;; Highlights for .scale files in Helix: editors/tree-sitter-scale/queries/
;; highlights.scm with Helix's capture names. tests/tree_sitter.rs checks that
;; the two stay the same apart from the names.

;; Block kinds scalec knows; any other kind is a plain name.
(block
  kind: (identifier) @keyword
  (#any-of? @keyword
    "cluster" "defaults" "metric" "queue" "service" "database" "lint" "nodes"
    "selector" "object" "scale" "scale_up" "scale_down" "load" "disruption"
    "env" "security" "identity" "collection" "field"))

(block
  kind: (identifier) @variable
  (#not-any-of? @variable
    "cluster" "defaults" "metric" "queue" "service" "database" "lint" "nodes"
    "selector" "object" "scale" "scale_up" "scale_down" "load" "disruption"
    "env" "security" "identity" "collection" "field"))

(block
  label: (identifier) @label)

;; Attribute names scalec knows; any other name (an `env` variable, a
;; `selector` key, a typo) is a plain name.
(attribute
  name: (identifier) @variable.other.member
  (#any-of? @variable.other.member
    "allow" "api_version" "auth" "autoscaler" "average" "aws_role" "cardinality"
    "config_servers" "count" "cpu" "deny" "engine" "gcp_service_account"
    "health" "image" "kind" "kubernetes" "kubernetes_api" "max_unavailable"
    "members" "memory" "metric" "min_available" "monotonic" "name" "namespace"
    "operator" "peak" "per_pod" "port" "privilege_escalation" "project"
    "provider" "rate" "reason" "region" "replicas" "routers" "run_as_root"
    "select" "shard_key" "shards" "spread" "stabilization" "storage" "tmp"
    "tolerance" "top_share" "total" "type" "url" "user" "utilization" "version"
    "writable_root"))

(attribute
  name: (identifier) @variable
  (#not-any-of? @variable
    "allow" "api_version" "auth" "autoscaler" "average" "aws_role" "cardinality"
    "config_servers" "count" "cpu" "deny" "engine" "gcp_service_account"
    "health" "image" "kind" "kubernetes" "kubernetes_api" "max_unavailable"
    "members" "memory" "metric" "min_available" "monotonic" "name" "namespace"
    "operator" "peak" "per_pod" "port" "privilege_escalation" "project"
    "provider" "rate" "reason" "region" "replicas" "routers" "run_as_root"
    "select" "shard_key" "shards" "spread" "stabilization" "storage" "tmp"
    "tolerance" "top_share" "total" "type" "url" "user" "utilization" "version"
    "writable_root"))

;; Words from scalec's fixed word lists (autoscalers, metric kinds, queue
;; providers, select policies, spreads, engines, operators, field types).
((word) @constant
  (#any-of? @constant
    "aws-sqs" "bool" "date" "decimal" "disabled" "double" "external" "hpa"
    "int" "keda" "long" "max" "min" "mongodb" "node" "object" "objectid"
    "percona" "pods" "string" "timestamp" "uuid" "zone"))

((word) @variable
  (#not-any-of? @variable
    "aws-sqs" "bool" "date" "decimal" "disabled" "double" "external" "hpa"
    "int" "keda" "long" "max" "min" "mongodb" "node" "object" "objectid"
    "percona" "pods" "string" "timestamp" "uuid" "zone"))

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
