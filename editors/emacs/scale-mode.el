;;; scale-mode.el --- Major mode for scalec policy files -*- lexical-binding: t; -*-

;; Version: 0.1.0
;; Package-Requires: ((emacs "28.1"))
;; Keywords: languages
;; SPDX-License-Identifier: Apache-2.0

;;; Commentary:

;; Editing support for `.scale' policy files of scalec, the scaling-policy
;; compiler and linter:
;;
;; - highlighting of block kinds, attribute names, keyword values, numbers
;;   and their units, `per', `..', booleans, strings, comments and
;;   `# scalec: allow' directives;
;; - indentation by brace depth, as `scalec fmt' indents;
;; - a Flymake backend that runs `scalec check' on the buffer, saved or not,
;;   in the context of the file's project (`M-x flymake-mode');
;; - `scale-format-buffer' (C-c C-f), which formats the buffer with
;;   `scalec fmt --stdin'.
;;
;; The word lists below are those of scalec's schema (src/lower/schema.rs);
;; tests/editor_emacs.rs fails when they drift apart.

;;; Code:

(require 'flymake)
(require 'subr-x)

(defgroup scale nil
  "Editing scalec policy files."
  :group 'languages
  :prefix "scale-")

(defcustom scale-indent-offset 2
  "Columns of indentation per level of nesting."
  :type 'integer
  :safe #'integerp)

(defcustom scale-scalec-program "scalec"
  "The scalec program used for checking and formatting."
  :type 'string)

(defcustom scale-scalec-check-arguments nil
  "Extra arguments to `scalec check', e.g. (\"--verbose\")."
  :type '(repeat string))

(defface scale-number-face
  '((t :inherit font-lock-constant-face))
  "Face for numbers.")

(defface scale-unit-face
  '((t :inherit font-lock-type-face))
  "Face for the unit written right after a number (`%', `Mi', `s').")

;;;; Words of the schema

(defconst scale-block-kinds
  '("cluster" "defaults" "metric" "queue" "service" "database" "lint"
    "nodes" "selector" "object" "scale" "scale_up" "scale_down" "load"
    "disruption" "env" "port" "collection" "field" "shard" "config_server"
    "router" "probe" "files" "labels" "annotations" "pod_labels" "node_selector" "toleration" "node_affinity"
    "pod_annotations" "security" "identity" "job_annotations"
    "keda" "fallback" "trigger_auth" "parameters" "schedule" "job" "connections" "metrics" "monitor_labels" "atlas" "enterprise" "loadtest" "target" "expect" "environment")
  "Every block kind scalec knows.")

(defconst scale-attribute-names
  '(;; service and defaults
    "image" "port" "health" "cpu" "memory" "replicas" "spread"
    "calls" "ingress_from" "public"
    ;; port
    "number" "protocol"
    ;; cluster
    "kubernetes" "namespace" "autoscaler" "project"
    ;; metric, object
    "kind" "name" "api_version"
    ;; queue
    "provider" "url" "region" "auth" "metric" "in_flight" "delayed" "brokers" "topic"
    "consumer_group" "queue_name" "vhost" "address" "list" "database"
    ;; database
    "engine" "operator" "version" "shards" "members" "config_servers"
    "routers" "storage" "storage_class"
    ;; atlas
    "create_project" "instance" "compute_scale_down" "disk_autoscaling" "password_secret"
    "project_config_map" "credentials" "setup_secret"
    ;; service: lifecycle, configuration
    "grace_period" "pre_stop" "job_duration" "env_from" "image_pull_secrets"
    "gpu" "ephemeral_storage"
    ;; nodes: Karpenter
    "provisioner" "node_class" "arch" "capacity" "instance_families" "instance_sizes" "consolidation" "consolidate_after" "disruption_budget" "expire_after"
    "priority_class" "zones" "key" "value" "effect"
    "spread_strict"
    "values" "weight"
    "seconds"
    ;; probe
    "http" "tcp" "exec" "grpc" "grpc_service" "initial_delay" "period"
    "timeout" "failure_threshold" "success_threshold"
    ;; security
    "tmp" "run_as_root" "user" "writable_root" "privilege_escalation" "reason"
    ;; identity
    "aws_role" "gcp_service_account" "kubernetes_api"
    ;; keda and fallback
    "pool" "max_connections" "reserved_connections"
    "metrics_adapter" "prometheus" "adapter_namespace" "series"
    "polling" "cooldown" "initial_cooldown" "idle_replicas" "failures" "behavior"
    ;; job
    "deadline" "retries" "parallelism" "strategy" "successful_history" "failed_history"
    ;; scale
    "activation"
    ;; trigger_auth
    "pod_identity" "role" "owner" "scope" "external"
    ;; metrics
    "path" "interval" "monitor" "prometheus_namespace"
    ;; schedule
    "timezone" "start" "end"
    ;; lint
    "deny" "allow"
    ;; nodes
    "count"
    ;; scale
    "utilization" "average" "total"
    ;; scale_up, scale_down
    "stabilization" "rate" "select" "tolerance"
    ;; load
    "peak" "per_pod" "startup" "base_url" "users" "think" "ramp" "hold" "ramp_down" "method" "environments" "p95" "p99" "errors" "body" "content_type"
    ;; disruption
    "max_unavailable" "min_available"
    ;; collection, field
    "shard_key" "type" "cardinality" "top_share" "monotonic")
  "Every attribute name of every block kind.")

(defconst scale-enum-words
  '(;; autoscaler
    "hpa" "keda"
    ;; metric kind
    "pods" "object" "external"
    ;; queue provider
    "aws-sqs" "kafka" "rabbitmq" "redis"
    ;; select
    "max" "min" "disabled"
    ;; spread
    "zone" "node"
    ;; taint effect
    "no_schedule" "prefer_no_schedule" "no_execute"
    ;; fallback behavior
    "static" "current_replicas" "current_replicas_if_higher" "current_replicas_if_lower"
    ;; job strategy
    "default" "accurate" "eager"
    ;; Karpenter: provisioner, arch, capacity, consolidation
    "karpenter" "amd64" "arm64" "on_demand" "spot" "reserved" "when_empty" "when_underutilized" "GET" "POST" "PUT" "PATCH" "DELETE" "HEAD"
    ;; pod identity and its owner
    "aws" "workload" "postgresql" "prometheus-adapter" "other"
    ;; node affinity operator
    "in" "not_in" "exists" "does_not_exist" "gt" "lt"
    ;; metrics monitor, trigger_auth scope
    "pod" "service" "namespace" "cluster"
    ;; database engine and operator
    "mongodb" "percona" "atlas" "mongodb-enterprise"
    ;; atlas provider
    "gcp" "azure"
    ;; field type
    "string" "int" "long" "double" "decimal" "bool" "date" "timestamp"
    "objectid" "uuid"
    ;; port protocol
    "tcp" "udp" "sctp")
  "Every word an attribute may take as its value.")

(defconst scale-function-names
  '("config_map" "hashed" "secret" "sleep")
  "Every function a value may call, as in `hashed(device_id)'.")

;;;; Syntax

(defvar scale-mode-syntax-table
  (let ((table (make-syntax-table)))
    (modify-syntax-entry ?# "<" table)
    (modify-syntax-entry ?\n ">" table)
    (modify-syntax-entry ?\" "\"" table)
    (modify-syntax-entry ?\\ "\\" table)
    (modify-syntax-entry ?_ "_" table)
    (modify-syntax-entry ?- "_" table)
    (dolist (char '(?= ?. ?, ?\; ?% ?' ?/ ?: ?+ ?* ?< ?> ?& ?| ?!))
      (modify-syntax-entry char "." table))
    table)
  "Syntax table of `scale-mode'.")

;;;; Highlighting

(defun scale--words (words)
  "A regexp matching any of WORDS as a whole symbol, in group 1."
  (concat "\\_<" (regexp-opt words t) "\\_>"))

(defun scale--statement-matcher (regexp)
  "A font-lock matcher for REGEXP where it starts a statement.
A statement starts a line, or follows `;' or `{'."
  (lambda (limit)
    (let (found)
      (while (and (not found) (re-search-forward regexp limit t))
        (setq found (save-excursion
                      (save-match-data
                        (goto-char (match-beginning 0))
                        (looking-back "\\(?:^\\|[;{]\\)[ \t]*"
                                      (line-beginning-position))))))
      found)))

(defconst scale--identifier "[A-Za-z_][A-Za-z0-9_-]*")

(defconst scale--string "\"\\(?:[^\"\\\n]\\|\\\\.\\)*\"")

(defconst scale--directive-regexp
  "#+[ \t]*\\(scalec:[ \t]*allow\\)\\_>"
  "A `# scalec: allow' directive up to its verb.")

(defun scale--match-directive (limit)
  "Find the next suppression directive before LIMIT.
A directive is a comment of its own line that starts with it."
  (let (found)
    (while (and (not found)
                (re-search-forward scale--directive-regexp limit t))
      (let ((start (match-beginning 0)))
        (setq found (save-excursion
                      (save-match-data
                        (and (eql (nth 8 (syntax-ppss (match-end 0))) start)
                             (progn (goto-char start)
                                    (skip-chars-backward " \t")
                                    (bolp))))))))
    found))

(defvar scale--first-rule nil
  "Non-nil while the next rule of a directive is its first.")

(defun scale--match-rule (limit)
  "Match the next rule named by a directive, before LIMIT.
Rules are separated by commas; the first word after that is the reason."
  (when (and (looking-at (if scale--first-rule
                             "[ \t]+\\([A-Za-z0-9_-]+\\)"
                           "[ \t]*,[ \t]*\\([A-Za-z0-9_-]+\\)"))
             (<= (match-end 0) limit))
    (setq scale--first-rule nil)
    (goto-char (match-end 0))
    t))

(defconst scale-font-lock-keywords
  `(;; `service api {': the block kind, and its label when it is a word.
    (,(scale--statement-matcher
       (concat (scale--words scale-block-kinds)
               "[ \t]*\\(?:\\(" scale--identifier "\\)[ \t]*\\|"
               scale--string "[ \t]*\\)?{"))
     (1 font-lock-keyword-face)
     (2 font-lock-function-name-face nil t))
    ;; `replicas = ...'
    (,(scale--statement-matcher
       (concat (scale--words scale-attribute-names) "[ \t]*="))
     1 font-lock-variable-name-face)
    ;; `spread = zone'
    (,(concat "=[ \t]*" (scale--words scale-enum-words))
     1 font-lock-builtin-face)
    (,(concat (scale--words scale-function-names) "[ \t]*(")
     1 font-lock-builtin-face)
    ("\\_<\\(?:true\\|false\\)\\_>" . font-lock-constant-face)
    ("\\_<per\\_>" . font-lock-keyword-face)
    ("\\.\\." . font-lock-keyword-face)
    ;; `512Mi', `70%', `-1.5'
    ("\\_<\\(-?[0-9]+\\(?:\\.[0-9]+\\)?\\)\\([A-Za-z]+\\|%\\)?"
     (1 'scale-number-face)
     (2 'scale-unit-face nil t))
    ;; `# scalec: allow K104, K105 the reason'
    (scale--match-directive
     (1 font-lock-preprocessor-face t)
     (scale--match-rule (progn (setq scale--first-rule t) nil) nil
                        (1 font-lock-constant-face t))))
  "Highlighting of `scale-mode'.")

;;;; Indentation

(defun scale--indentation ()
  "The indentation of the current line: its depth in brackets.
Closing brackets at the start of the line count as already closed."
  (save-excursion
    (back-to-indentation)
    (skip-chars-forward "]})")
    (* scale-indent-offset (max 0 (car (syntax-ppss))))))

(defun scale-indent-line ()
  "Indent the current line by its depth in braces and brackets."
  (interactive)
  (let ((indent (scale--indentation)))
    (if (<= (current-column) (current-indentation))
        (indent-line-to indent)
      (save-excursion (indent-line-to indent)))))

;;;; Checking with Flymake

(defvar-local scale--flymake-process nil
  "The running `scalec check' of this buffer.")

(defconst scale--short-line-regexp
  (concat "^\\(.+\\):\\([0-9]+\\):\\([0-9]+\\): "
          "\\(error\\|warning\\|info\\)\\[\\([A-Z][0-9]+\\)\\]: \\(.*\\)$")
  "A line of `scalec check --format short'.")

(defun scale--flymake-diagnostics (source file)
  "The findings for FILE in the current buffer's output, for buffer SOURCE."
  (let ((wanted (replace-regexp-in-string "\\\\" "/" file))
        diagnostics)
    (goto-char (point-min))
    (while (re-search-forward scale--short-line-regexp nil t)
      (when (string= (match-string 1) wanted)
        (let* ((line (string-to-number (match-string 2)))
               (column (string-to-number (match-string 3)))
               (type (pcase (match-string 4)
                       ("error" :error)
                       ("warning" :warning)
                       (_ :note)))
               (text (format "%s [%s]" (match-string 6) (match-string 5)))
               (region (flymake-diag-region source line column)))
          (when region
            (push (flymake-make-diagnostic source (car region) (cdr region)
                                           type text)
                  diagnostics)))))
    (nreverse diagnostics)))

(defun scale-flymake (report-fn &rest _args)
  "Flymake backend: check the buffer with `scalec check'.
The buffer's text stands for its file, and the file's project is read
from disk, so references to its other files resolve.  Calls REPORT-FN."
  (unless (executable-find scale-scalec-program)
    (error "Cannot find `%s'; set `scale-scalec-program'"
           scale-scalec-program))
  (when (process-live-p scale--flymake-process)
    (kill-process scale--flymake-process))
  (let ((source (current-buffer))
        (file buffer-file-name))
    (if (not (and file (file-directory-p (file-name-directory file))))
        ;; Without a file, or before its directory exists, there is no
        ;; project to check the buffer in.
        (funcall report-fn nil)
      (save-restriction
        (widen)
        (let ((process
               (make-process
                :name "scale-flymake"
                :noquery t
                :connection-type 'pipe
                :coding 'utf-8-unix
                :buffer (generate-new-buffer " *scale-flymake*")
                :command `(,scale-scalec-program
                           "check" "--format" "short"
                           ,@scale-scalec-check-arguments
                           "--stdin" "--stdin-path" ,file)
                :sentinel
                (lambda (process _event)
                  (when (memq (process-status process) '(exit signal))
                    (unwind-protect
                        (scale--flymake-report process source file report-fn)
                      (kill-buffer (process-buffer process))))))))
          (setq scale--flymake-process process)
          (process-send-region process (point-min) (point-max))
          (process-send-eof process))))))

(defun scale--flymake-report (process source file report-fn)
  "Report the findings of the finished PROCESS for FILE in SOURCE.
REPORT-FN is Flymake's callback."
  (cond
   ((not (and (buffer-live-p source)
              (eq process (buffer-local-value 'scale--flymake-process source))))
    (flymake-log :debug "ignoring an obsolete check"))
   ((memq (process-exit-status process) '(0 1))
    (with-current-buffer (process-buffer process)
      (funcall report-fn (scale--flymake-diagnostics source file))))
   (t
    (funcall report-fn :panic
             :explanation
             (format "%s check exited with %s: %s"
                     scale-scalec-program
                     (process-exit-status process)
                     (with-current-buffer (process-buffer process)
                       (string-trim (buffer-string))))))))

;;;; Formatting

(defun scale-format-buffer ()
  "Format the buffer with `scalec fmt --stdin'.
A buffer with a syntax error is left as it is and the error shown."
  (interactive)
  (let ((output (generate-new-buffer " *scalec fmt*"))
        (errors (make-temp-file "scalec-fmt-"))
        (coding-system-for-read 'utf-8-unix)
        (coding-system-for-write 'utf-8-unix))
    (unwind-protect
        (save-restriction
          (widen)
          (let ((status (call-process-region
                         (point-min) (point-max) scale-scalec-program
                         nil (list output errors) nil
                         "fmt" "--stdin" "--color" "never")))
            (if (eql status 0)
                (replace-buffer-contents output)
              (user-error "%s fmt failed: %s" scale-scalec-program
                          (with-temp-buffer
                            (insert-file-contents errors)
                            (string-trim (buffer-string)))))))
      (kill-buffer output)
      (delete-file errors))))

;;;; The mode

(defvar scale-mode-map
  (let ((map (make-sparse-keymap)))
    (define-key map (kbd "C-c C-f") #'scale-format-buffer)
    map)
  "Keymap of `scale-mode'.")

;;;###autoload
(define-derived-mode scale-mode prog-mode "Scale"
  "Major mode for scalec policy files (`.scale').

\\{scale-mode-map}"
  (setq-local comment-start "# ")
  (setq-local comment-end "")
  (setq-local comment-start-skip "#+[ \t]*")
  (setq-local font-lock-defaults '(scale-font-lock-keywords))
  (setq-local indent-line-function #'scale-indent-line)
  (setq-local indent-tabs-mode nil)
  (setq-local electric-indent-chars
              (append "}])" electric-indent-chars))
  (setq-local imenu-generic-expression
              `((nil ,(concat "^" (scale--words
                                   '("cluster" "metric" "queue" "service"
                                     "database"))
                              "[ \t]+\\(" scale--identifier "\\)")
                     2)))
  (add-hook 'flymake-diagnostic-functions #'scale-flymake nil t))

;;;###autoload
(add-to-list 'auto-mode-alist '("\\.scale\\'" . scale-mode))

(provide 'scale-mode)

;;; scale-mode.el ends here
