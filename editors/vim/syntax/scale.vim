" Vim syntax file
" Language: scalec policy (.scale)
"
" The word lists below are the block kinds, attribute names and keyword
" values of scalec's schema (src/lower/schema.rs). tests/editor_vim.rs
" checks that every one of them is highlighted, so a word added to the
" schema and not here fails the tests.

if exists('b:current_syntax')
  finish
endif

let s:cpo_save = &cpo
set cpo&vim

" Identifiers hold letters, digits, `_` and `-` (`scale_up`, `aws-sqs`).
syntax iskeyword @,48-57,_,-

let s:blocks = [
      \ 'cluster', 'defaults', 'metric', 'queue', 'service', 'database', 'lint',
      \ 'nodes', 'selector', 'object', 'scale', 'scale_up', 'scale_down',
      \ 'load', 'disruption', 'env', 'port', 'collection', 'field',
      \ 'shard', 'config_server', 'router',
      \ 'probe', 'files', 'labels', 'annotations', 'pod_labels', 'node_selector', 'toleration', 'node_affinity',
      \ 'pod_annotations', 'security', 'identity', 'job_annotations',
      \ 'keda', 'fallback', 'trigger_auth', 'parameters', 'schedule', 'job', 'connections', 'loadtest', 'target', 'expect', 'environment',
      \ 'metrics', 'monitor_labels',
      \ 'atlas', 'enterprise',
      \ ]

let s:attributes = [
      \ 'kubernetes', 'namespace', 'autoscaler', 'project',
      \ 'image', 'port', 'health', 'cpu', 'memory', 'replicas', 'spread',
      \ 'calls', 'ingress_from', 'public',
      \ 'number', 'protocol',
      \ 'kind', 'name',
      \ 'provider', 'url', 'region', 'auth', 'metric',
      \ 'engine', 'operator', 'version', 'shards', 'members', 'config_servers',
      \ 'routers', 'storage', 'storage_class',
      \ 'create_project', 'instance', 'compute_scale_down', 'disk_autoscaling', 'password_secret',
      \ 'project_config_map', 'credentials', 'setup_secret',
      \ 'grace_period', 'pre_stop', 'job_duration', 'env_from',
      \ 'image_pull_secrets',
      \ 'gpu', 'ephemeral_storage',
      \ 'provisioner', 'node_class', 'arch', 'capacity', 'instance_families', 'instance_sizes', 'consolidation', 'consolidate_after', 'disruption_budget', 'expire_after',
      \ 'priority_class', 'zones', 'key', 'value', 'effect',
      \ 'spread_strict',
      \ 'values', 'weight',
      \ 'seconds',
      \ 'http', 'tcp', 'exec', 'grpc', 'grpc_service', 'initial_delay', 'period',
      \ 'timeout', 'failure_threshold', 'success_threshold',
      \ 'tmp', 'run_as_root', 'user', 'writable_root', 'privilege_escalation',
      \ 'reason', 'aws_role', 'gcp_service_account', 'kubernetes_api',
      \ 'pool', 'max_connections', 'reserved_connections',
      \ 'metrics_adapter', 'prometheus', 'adapter_namespace', 'series',
      \ 'polling', 'cooldown', 'initial_cooldown', 'idle_replicas', 'failures',
      \ 'behavior', 'activation', 'pod_identity', 'role', 'owner',
      \ 'deadline', 'retries', 'parallelism', 'strategy', 'successful_history', 'failed_history',
      \ 'timezone', 'start', 'end',
      \ 'brokers', 'topic', 'consumer_group', 'queue_name', 'vhost', 'address', 'list', 'database',
      \ 'in_flight', 'delayed',
      \ 'path', 'interval', 'monitor', 'prometheus_namespace', 'scope', 'external',
      \ 'deny', 'allow',
      \ 'count', 'api_version',
      \ 'utilization', 'average', 'total',
      \ 'stabilization', 'rate', 'select', 'tolerance',
      \ 'peak', 'per_pod', 'startup', 'base_url', 'users', 'think', 'ramp', 'hold', 'ramp_down', 'method', 'environments', 'p95', 'p99', 'errors', 'body', 'content_type',
      \ 'max_unavailable', 'min_available',
      \ 'shard_key',
      \ 'type', 'cardinality', 'top_share', 'monotonic',
      \ ]

" Keyword values: autoscalers, metric kinds, queue providers, select
" policies, spreads, database engines and operators, field types, port
" protocols, and
" `operator` as a queue's `auth`.
let s:words = [
      \ 'hpa', 'keda',
      \ 'pods', 'object', 'external',
      \ 'aws-sqs', 'kafka', 'rabbitmq', 'redis',
      \ 'max', 'min', 'disabled',
      \ 'zone', 'node',
      \ 'no_schedule', 'prefer_no_schedule', 'no_execute',
      \ 'static', 'current_replicas', 'current_replicas_if_higher',
      \ 'current_replicas_if_lower', 'aws', 'workload', 'postgresql', 'prometheus-adapter', 'other',
      \ 'default', 'accurate', 'eager',
      \ 'karpenter', 'amd64', 'arm64', 'on_demand', 'spot', 'reserved', 'when_empty', 'when_underutilized', 'GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD',
      \ 'in', 'not_in', 'exists', 'does_not_exist', 'gt', 'lt',
      \ 'pod', 'service', 'namespace', 'cluster',
      \ 'mongodb',
      \ 'percona', 'atlas', 'mongodb-enterprise', 'gcp', 'azure',
      \ 'string', 'int', 'long', 'double', 'decimal', 'bool', 'date',
      \ 'timestamp', 'objectid', 'uuid',
      \ 'tcp', 'udp', 'sctp',
      \ 'operator',
      \ ]

function! s:Alternatives(words) abort
  return '\<\%(' . join(a:words, '\|') . '\)\>'
endfunction

" A statement starts a line or follows `{` or `;`.
let s:statement_start = '\%(^\s*\|[{;]\s*\)\@<='
" A block's label, then its `{` on the same line.
let s:label_then_brace = '\ze\s*\%(\%(\k\+\|"\%([^"\\]\|\\.\)*"\)\s*\)\={'

" Keyword values, unless used as a name (`node = ...`).
execute 'syntax match scaleWord /' . s:Alternatives(s:words) . '\%(\s*=\)\@!/'

" Rule codes in `lint { deny = [...] }` and the like.
syntax match scaleRuleCode /\<[CEKMS]\d\{3}\>/

" Calls: `hashed(device_id)`.
syntax match scaleCall /\<\h\k*\ze(/

" Attribute names: a known name before `=`.
execute 'syntax match scaleAttribute /' . s:statement_start
      \ . s:Alternatives(s:attributes) . '\ze\s*=/'

" Block kinds: a known kind, a label, and `{`.
execute 'syntax match scaleBlock /' . s:statement_start
      \ . s:Alternatives(s:blocks) . s:label_then_brace . '/'
      \ . ' nextgroup=scaleLabel skipwhite'
syntax match scaleLabel /\<\h\k*\>/ contained

" Reserved words.
syntax keyword scaleBoolean true false
syntax keyword scalePer per
syntax match scaleRange /\.\./

" Numbers and their units: 3, 1.5, -2, 70%, 250m, 512Mi, 30s, 10k.
syntax match scaleNumber /\<-\=\d\+\%(\.\d\+\)\=/ nextgroup=scaleUnit
syntax match scaleUnit /%\|\a\+/ contained

" Strings: one line; escapes \" \\ \n \t \u{...}; any other is an error.
syntax region scaleString start=/"/ skip=/\\\\\|\\"/ end=/"/ oneline
      \ contains=scaleEscapeError,scaleEscape
syntax match scaleEscapeError /\\./ contained
syntax match scaleEscape /\\\%(["\\nt]\|u{\x\{1,6}}\)/ contained

" Comments, and `# scalec: allow CODE[, CODE] reason` directives.
syntax match scaleComment /#.*$/ contains=scaleDirective,scaleTodo,@Spell
syntax keyword scaleTodo TODO FIXME XXX NOTE contained
syntax match scaleDirective /\%(#\+\s*\)\@<=scalec:\s*allow\>/
      \ contained nextgroup=scaleDirectiveRule skipwhite
syntax match scaleDirectiveRule /[[:alnum:]_-]\+/ contained
      \ nextgroup=scaleDirectiveComma skipwhite
syntax match scaleDirectiveComma /,/ contained
      \ nextgroup=scaleDirectiveRule skipwhite

highlight default link scaleComment Comment
highlight default link scaleTodo Todo
highlight default link scaleDirective PreProc
highlight default link scaleDirectiveRule Special
highlight default link scaleDirectiveComma scaleDirective
highlight default link scaleBlock Structure
highlight default link scaleLabel Identifier
highlight default link scaleAttribute Keyword
highlight default link scaleWord Constant
highlight default link scaleRuleCode Special
highlight default link scaleCall Function
highlight default link scaleBoolean Boolean
highlight default link scalePer Operator
highlight default link scaleRange Operator
highlight default link scaleNumber Number
highlight default link scaleUnit Number
highlight default link scaleString String
highlight default link scaleEscape SpecialChar
highlight default link scaleEscapeError Error

let b:current_syntax = 'scale'

let &cpo = s:cpo_save
unlet s:cpo_save
