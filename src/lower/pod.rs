//! Lowering of what a service says about its pods beyond scaling: `probe`
//! blocks, and (after the service has taken its `defaults`) the checks that
//! need the whole service, such as a probe's port against the service's.
//!
//! Everything the API server would refuse is an error here (E003, E005,
//! E007, E008), so emit can write what it is given.

use super::schema;
use super::{Lowerer, values};
use crate::ast::Block;
use crate::ast::{Value, ValueKind};
use crate::diag::{Diagnostic, codes};
use std::collections::BTreeMap;

use crate::model::{
    ConfigSource, EnvValue, KeyRef, Metadata, PreStop, Probe, ProbeHandler, ProbeKind, Project,
    Spanned,
};

/// The handler attributes of a `probe`, in the order the docs give them.
const HANDLERS: [&str; 4] = ["http", "tcp", "exec", "grpc"];

/// Whole seconds an int32 timing may hold.
pub(super) const MAX_SECONDS: u32 = i32::MAX.unsigned_abs();

impl Lowerer<'_> {
    /// `probe KIND { HANDLER = ...  timing... }`.
    pub(super) fn probe(&mut self, block: &Block) -> Option<Probe> {
        let schema = schema::block("probe").expect("probe has a schema");
        let fields = self.fields(block, schema);
        let label = block
            .label
            .as_ref()
            .expect("labels are checked before lowering");
        let kind = match ProbeKind::from_word(&label.text) {
            Some(kind) => Spanned::new(kind, label.span),
            None => {
                let close =
                    crate::names::did_you_mean(&label.text, ProbeKind::WORDS.iter().copied());
                let help = match close {
                    Some(close) => format!("did you mean `{close}`?"),
                    None => "a probe is `readiness`, `liveness` or `startup`".into(),
                };
                self.report(
                    Diagnostic::error(
                        codes::TYPE_MISMATCH,
                        format!("`{}` is not a kind of probe", label.text),
                        label.span,
                    )
                    .with_label("not `readiness`, `liveness` or `startup`")
                    .with_help(help)
                    .with_suggestion_opt(
                        close.map(|close| crate::diag::Suggestion::name(label.span, close)),
                    ),
                );
                return None;
            }
        };
        let written: Vec<&str> = HANDLERS
            .into_iter()
            .filter(|h| fields.attributes.contains_key(h))
            .collect();
        let handler_name = match written.as_slice() {
            [] => {
                self.report(
                    Diagnostic::error(
                        codes::MISSING_ATTRIBUTE,
                        format!(
                            "`probe {}` does not say how to check the container",
                            label.text
                        ),
                        super::block_head(block),
                    )
                    .with_label("no handler")
                    .with_help(
                        "add one of `http = \"/healthz\"`, `tcp = 8080`, \
                         `exec = [\"/bin/check\"]` or `grpc = 9090`",
                    ),
                );
                return None;
            }
            [one] => *one,
            [first, second, ..] => {
                self.report(
                    Diagnostic::error(
                        codes::CONFLICTING_ATTRIBUTES,
                        format!("`probe {}` has two handlers", label.text),
                        fields.attributes[second].name.span,
                    )
                    .with_label(format!("`{second}` is a second handler"))
                    .with_related(
                        fields.attributes[first].name.span,
                        format!("`{first}` is already the handler"),
                    )
                    .with_help(
                        "Kubernetes runs exactly one handler per probe: keep one of them, \
                         or write a second kind of probe",
                    ),
                );
                return None;
            }
        };
        // `port` belongs to `http`, `service` to `grpc`.
        for (attribute, owner) in [("port", "http"), ("grpc_service", "grpc")] {
            if let Some(written) = fields.attributes.get(attribute)
                && handler_name != owner
            {
                self.report(
                    Diagnostic::error(
                        codes::CONFLICTING_ATTRIBUTES,
                        format!("`{attribute}` applies only to an `{owner}` probe"),
                        written.name.span,
                    )
                    .with_label(format!("not used by `{handler_name}`"))
                    .with_related(
                        fields.attributes[handler_name].name.span,
                        format!("this probe is `{handler_name}`"),
                    )
                    .with_help(match handler_name {
                        "tcp" | "grpc" => format!(
                            "the port is the value of `{handler_name}`: remove `{attribute}`"
                        ),
                        _ => format!("remove `{attribute}`"),
                    }),
                );
                return None;
            }
        }
        let handler_value = &fields.attributes[handler_name].value;
        let handler = match handler_name {
            "http" => ProbeHandler::Http {
                path: self.convert(super::service::health_path(handler_value))?,
                port: match fields.attributes.get("port") {
                    Some(port) => Some(self.convert(values::port(&port.value))?),
                    None => None,
                },
            },
            "tcp" => ProbeHandler::Tcp {
                port: self.convert(values::port(handler_value))?,
            },
            "exec" => ProbeHandler::Exec {
                command: self.convert(values::command(handler_value))?,
            },
            "grpc" => ProbeHandler::Grpc {
                port: self.convert(values::port(handler_value))?,
                service: match fields.attributes.get("grpc_service") {
                    Some(service) => Some(self.convert(values::string(&service.value))?),
                    None => None,
                },
            },
            other => unreachable!("`{other}` is not a probe handler"),
        };
        let seconds = |lower: &mut Self, name: &str, min: i32| {
            let value = lower.get(&fields, name, |v| values::duration_seconds(v, MAX_SECONDS))?;
            if value.value < min {
                lower.report(
                    Diagnostic::error(
                        codes::TYPE_MISMATCH,
                        format!("a probe's `{name}` is at least {min}s"),
                        value.span,
                    )
                    .with_label("too short")
                    .with_help(format!(
                        "Kubernetes counts `{name}` in whole seconds from 1: write `1s` or more"
                    )),
                );
                return None;
            }
            Some(value)
        };
        let initial_delay_seconds = seconds(self, "initial_delay", 0);
        let period_seconds = seconds(self, "period", 1);
        let timeout_seconds = seconds(self, "timeout", 1);
        let threshold = |lower: &mut Self, name: &str| {
            let value = lower.get(&fields, name, |v| {
                values::int32_count(v, &values::PROBE_THRESHOLD)
            })?;
            if value.value == 0 {
                lower.report(
                    Diagnostic::error(
                        codes::TYPE_MISMATCH,
                        format!("a probe's `{name}` is at least 1"),
                        value.span,
                    )
                    .with_label("zero")
                    .with_help(format!("write `{name} = 1` or more")),
                );
                return None;
            }
            Some(value)
        };
        let failure_threshold = threshold(self, "failure_threshold");
        let success_threshold = threshold(self, "success_threshold");
        if let Some(success) = &success_threshold
            && success.value != 1
            && kind.value != ProbeKind::Readiness
        {
            self.report(
                Diagnostic::error(
                    codes::TYPE_MISMATCH,
                    format!(
                        "a {} probe's `success_threshold` must be 1, not {}",
                        label.text, success.value
                    ),
                    success.span,
                )
                .with_label("the API server accepts only 1 here")
                .with_help(format!(
                    "one success ends a failing {} probe: remove `success_threshold`, \
                     or move it to `probe readiness`",
                    label.text
                )),
            );
            return None;
        }
        Some(Probe {
            kind,
            // An `http` probe's `port` is where it connects: errors about the
            // port point at it.
            handler: Spanned::new(
                handler,
                fields
                    .attributes
                    .get("port")
                    .map_or(handler_value.span, |port| port.value.span),
            ),
            initial_delay_seconds,
            period_seconds,
            timeout_seconds,
            failure_threshold,
            success_threshold,
            span: block.span,
        })
    }

    /// Adds a probe unless the service or `defaults` block already has one
    /// of its kind (E005).
    pub(super) fn push_probe(&mut self, probes: &mut Vec<Probe>, probe: Probe) {
        if let Some(first) = probes.iter().find(|p| p.kind.value == probe.kind.value) {
            let first_span = first.kind.span;
            let kind = probe.kind.value.word();
            self.report(
                Diagnostic::error(
                    codes::DUPLICATE_DEFINITION,
                    format!("`probe {kind}` is written twice"),
                    probe.kind.span,
                )
                .with_label("second probe of this kind")
                .with_related(first_span, "first one")
                .with_help(format!(
                    "a container has one {kind} probe: keep one of the two blocks"
                )),
            );
            return;
        }
        probes.push(probe);
        probes.sort_by_key(|p| p.kind.value as u8);
    }
}

/// The probes of a service after its `defaults`: its own, and those of
/// `defaults` of a kind it does not write.
pub(super) fn merge_probes(own: Vec<Probe>, inherited: Vec<Probe>) -> Vec<Probe> {
    let mut probes = own;
    for probe in inherited {
        if !probes.iter().any(|p| p.kind.value == probe.kind.value) {
            probes.push(probe);
        }
    }
    probes.sort_by_key(|p| p.kind.value as u8);
    probes
}

/// `pre_stop = sleep(5s)` or `pre_stop = ["/bin/drain"]`.
pub(super) fn pre_stop(value: &Value) -> values::Conv<PreStop> {
    let expected = "`sleep(5s)` or a command";
    match &value.kind {
        ValueKind::List(_) => values::command(value).map(PreStop::Exec),
        ValueKind::Call(function, args) if function.name == "sleep" => match args.as_slice() {
            [duration] => {
                let seconds = values::duration_seconds(duration, MAX_SECONDS)?;
                if seconds == 0 {
                    return Err(Diagnostic::error(
                        codes::TYPE_MISMATCH,
                        "a `sleep` of 0s does not delay the stop",
                        duration.span,
                    )
                    .with_label("zero")
                    .with_help("sleep long enough for endpoints to drop the pod, e.g. `sleep(5s)`, or remove `pre_stop`"));
                }
                Ok(PreStop::Sleep(i64::from(seconds)))
            }
            _ => Err(Diagnostic::error(
                codes::TYPE_MISMATCH,
                format!("`sleep` takes one duration, found {}", args.len()),
                value.span,
            )
            .with_label("expected one duration")
            .with_help("write `sleep(5s)`")),
        },
        ValueKind::Call(function, _) => {
            let close = crate::names::did_you_mean(&function.name, ["sleep"]);
            Err(Diagnostic::error(
                codes::TYPE_MISMATCH,
                format!("unknown `pre_stop` action `{}`", function.name),
                function.span,
            )
            .with_label("not `sleep`")
            .with_help(match close {
                Some(close) => format!("did you mean `{close}`?"),
                None => "write `sleep(5s)`, or a command: `[\"/bin/drain\"]`".into(),
            })
            .with_suggestion_opt(
                close.map(|close| crate::diag::Suggestion::name(function.span, close)),
            ))
        }
        ValueKind::String(s) => Err(values::mismatch(value, expected).with_help(format!(
            "a command is a list: `[\"{s}\"]`; a pause is `sleep(5s)`"
        ))),
        _ => Err(values::mismatch(value, expected)
            .with_help("write `sleep(5s)`, or a command: `[\"/bin/drain\"]`")),
    }
}

/// Checks that read a whole service, with what it inherits: every probe
/// that connects to a port connects to the service's `port` (E008), the
/// only port the container declares; a `pre_stop` sleep fits in the grace
/// period (E008). `defaults_known` is false when the `defaults` block does
/// not parse: the port may be set there.
pub(super) fn check(project: &Project, defaults_known: bool, sink: &mut Vec<Diagnostic>) {
    for service in &project.services {
        let name = &service.name.value;
        if let Some(pre_stop) = &service.pre_stop
            && let PreStop::Sleep(seconds) = pre_stop.value
            && seconds > service.grace_period_seconds()
            && (defaults_known || service.grace_period_seconds.is_some())
        {
            let grace = service.grace_period_seconds();
            let mut diagnostic = Diagnostic::error(
                codes::CONFLICTING_ATTRIBUTES,
                format!(
                    "service `{name}` sleeps {seconds}s before it stops, longer than its {grace}s grace period"
                ),
                pre_stop.span,
            )
            .with_label(format!("{seconds}s"))
            .with_help(format!(
                "the API server refuses a `sleep` longer than the grace period: write \
                 `grace_period = {}` (the sleep, then 30s for the process to stop), or sleep less",
                crate::model::format_seconds(seconds + crate::model::Service::DEFAULT_GRACE_PERIOD_SECONDS)
            ));
            diagnostic = match &service.grace_period_seconds {
                Some(written) => diagnostic.with_related(written.span, format!("{grace}s here")),
                None => {
                    diagnostic.with_related(service.name.span, "the default grace period is 30s")
                }
            };
            sink.push(diagnostic);
        }
        for probe in &service.probes {
            let handler = &probe.handler;
            if !handler.value.needs_port() {
                continue;
            }
            let kind = probe.kind.value.word();
            match (&service.port, handler.value.port()) {
                (None, _) if defaults_known => sink.push(
                    Diagnostic::error(
                        codes::MISSING_ATTRIBUTE,
                        format!("service `{name}` has a `probe {kind}` but no `port` to probe"),
                        handler.span,
                    )
                    .with_label("this probe connects to the container")
                    .with_related(service.name.span, "in this service")
                    .with_help("add `port = 8080` (the container port that answers the probe)"),
                ),
                (Some(port), Some(probed)) if port.value != probed => sink.push(
                    Diagnostic::error(
                        codes::CONFLICTING_ATTRIBUTES,
                        format!(
                            "`probe {kind}` of service `{name}` checks port {probed}, \
                             but the container serves port {}",
                            port.value
                        ),
                        handler.span,
                    )
                    .with_label(format!("port {probed}"))
                    .with_related(port.span, format!("the service's port is {}", port.value))
                    .with_help(format!(
                        "probe the port the container declares: write {}, \
                         or change the service's `port` to {probed}",
                        match &handler.value {
                            ProbeHandler::Http { .. } =>
                                format!("`port = {}` or leave it out", port.value),
                            ProbeHandler::Tcp { .. } => format!("`tcp = {}`", port.value),
                            ProbeHandler::Grpc { .. } => format!("`grpc = {}`", port.value),
                            ProbeHandler::Exec { .. } => unreachable!("exec needs no port"),
                        }
                    )),
                ),
                _ => {}
            }
        }
    }
}

/// The functions that name a Secret or ConfigMap.
const CONFIG_FUNCTIONS: [&str; 2] = ["secret", "config_map"];

impl Lowerer<'_> {
    /// `secret("name")`, `config_map("name")`, or with a key as the second
    /// argument when `with_key`: a reference, never a value. E003 for another
    /// shape, E006 for a name or key Kubernetes refuses.
    pub(super) fn config_ref(
        &mut self,
        value: &Value,
        with_key: bool,
    ) -> Option<(Spanned<ConfigSource>, Option<String>)> {
        let example = if with_key {
            "`secret(\"shop-db\", \"password\")` or `config_map(\"shop-settings\", \"region\")`"
        } else {
            "`secret(\"shop-tls\")` or `config_map(\"shop-settings\")`"
        };
        let ValueKind::Call(function, args) = &value.kind else {
            let mut diagnostic = values::mismatch(value, example);
            if !with_key || !matches!(value.kind, ValueKind::String(_)) {
                diagnostic = diagnostic.with_help(format!("write {example}"));
            }
            self.report(diagnostic);
            return None;
        };
        if !CONFIG_FUNCTIONS.contains(&function.name.as_str()) {
            let close = crate::names::did_you_mean(&function.name, CONFIG_FUNCTIONS);
            self.report(
                Diagnostic::error(
                    codes::TYPE_MISMATCH,
                    format!("unknown function `{}`", function.name),
                    function.span,
                )
                .with_label("not `secret` or `config_map`")
                .with_help(match close {
                    Some(close) => format!("did you mean `{close}`?"),
                    None => format!("write {example}"),
                })
                .with_suggestion_opt(
                    close.map(|close| crate::diag::Suggestion::name(function.span, close)),
                ),
            );
            return None;
        }
        let wanted = if with_key { 2 } else { 1 };
        if args.len() != wanted {
            let takes = if with_key {
                "a name and a key"
            } else {
                "a name"
            };
            self.report(
                Diagnostic::error(
                    codes::TYPE_MISMATCH,
                    format!(
                        "`{}` here takes {takes}, found {} argument{}",
                        function.name,
                        args.len(),
                        if args.len() == 1 { "" } else { "s" }
                    ),
                    value.span,
                )
                .with_label(format!("expected {takes}"))
                .with_help(format!(
                    "write {example}; scalec only names Secrets and ConfigMaps, it never writes their values"
                )),
            );
            return None;
        }
        let name_value = &args[0];
        let name = self.convert(values::name(name_value))?;
        let kind = if function.name == "secret" {
            "Secret"
        } else {
            "ConfigMap"
        };
        let valid = self.check_name(
            crate::names::kubernetes::dns_subdomain(&name),
            name_value.span,
            || {
                format!(
                    "{} cannot be the name of a Kubernetes {kind}",
                    crate::names::quoted(&name)
                )
            },
        );
        let key = match args.get(1) {
            Some(key_value) => {
                let key = self.convert(values::name(key_value))?;
                let valid_key = self.check_name(
                    crate::names::kubernetes::config_key(&key),
                    key_value.span,
                    || format!("{} cannot be a key of a {kind}", crate::names::quoted(&key)),
                );
                if !valid_key {
                    return None;
                }
                Some(key)
            }
            None => None,
        };
        if !valid {
            return None;
        }
        let source = if function.name == "secret" {
            ConfigSource::Secret(name)
        } else {
            ConfigSource::ConfigMap(name)
        };
        Some((Spanned::new(source, value.span), key))
    }

    /// An `env` value: a string, or a Secret or ConfigMap key.
    pub(super) fn env_value(&mut self, value: &Value) -> Option<EnvValue> {
        match &value.kind {
            ValueKind::Call(..) => {
                let (source, key) = self.config_ref(value, true)?;
                Some(EnvValue::From(KeyRef {
                    source: source.value,
                    key: key.expect("asked for a key"),
                }))
            }
            _ => self.convert(values::string(value)).map(EnvValue::Literal),
        }
    }

    /// `env_from = [secret("name"), config_map("name")]`.
    pub(super) fn env_from(&mut self, value: &Value) -> Option<Vec<Spanned<ConfigSource>>> {
        let items: Vec<&Value> = match &value.kind {
            ValueKind::List(items) => items.iter().collect(),
            _ => vec![value],
        };
        let mut sources = Vec::new();
        let mut complete = true;
        for item in items {
            match self.config_ref(item, false) {
                Some((source, _)) => sources.push(source),
                None => complete = false,
            }
        }
        complete.then_some(sources)
    }

    /// `files { "/path" = secret("name") }`: whole Secrets and ConfigMaps
    /// mounted read-only, by path. Paths are kept normalized (no trailing
    /// `/`, no empty or `.` parts), so two ways of writing one directory
    /// are one key: a second mount there is E005, as the API server refuses
    /// two mounts at one path.
    pub(super) fn files(&mut self, block: &Block) -> BTreeMap<String, FileMount> {
        let fields = self.fields(block, schema::block("files").expect("files has a schema"));
        let mut files: BTreeMap<String, FileMount> = BTreeMap::new();
        for attribute in fields.free {
            let path = &attribute.name.name;
            let problem = if !path.starts_with('/') {
                Some((
                    "not an absolute path",
                    format!("write `\"/{}\"`", path.trim_start_matches('/')),
                ))
            } else if path.split('/').any(|part| part == "..") {
                Some((
                    "it holds `..`",
                    "Kubernetes refuses `..` in a mount path: write the path without it".into(),
                ))
            } else if path.contains(':') {
                Some((
                    "it holds `:`",
                    "Kubernetes refuses `:` in a mount path".into(),
                ))
            } else {
                None
            };
            if let Some((label, help)) = problem {
                self.report(
                    Diagnostic::error(
                        codes::TYPE_MISMATCH,
                        format!("{} cannot be a mount path", crate::names::quoted(path)),
                        attribute.name.span,
                    )
                    .with_label(label)
                    .with_help(help),
                );
                continue;
            }
            let normal = normalize_mount_path(path);
            if let Some(first) = files.get(&normal) {
                self.report(
                    Diagnostic::error(
                        codes::DUPLICATE_DEFINITION,
                        format!("two `files` are mounted at `{normal}`"),
                        attribute.name.span,
                    )
                    .with_label(format!("`{normal}` again"))
                    .with_related(first.path_span, "mounted here first")
                    .with_help(
                        "the API server refuses two mounts at one path: keep one, or mount \
                         the other at a path of its own",
                    ),
                );
                continue;
            }
            if let Some((source, _)) = self.config_ref(&attribute.value, false) {
                let path_span = attribute.name.span;
                files.insert(normal, FileMount { path_span, source });
            }
        }
        files
    }

    /// The mounts a service ends with, after `defaults`: a `files` mount at
    /// `/tmp` beside `tmp` is E008 (the API server refuses two mounts at one
    /// path) and is left out. A mount under another (`/tmp/certs` beside
    /// `tmp`, `/etc/app/tls` beside `/etc/app`) is allowed: it is laid over
    /// that directory of the other, as Kubernetes does.
    pub(super) fn mounts(
        &mut self,
        mut files: BTreeMap<String, FileMount>,
        tmp: Option<&Spanned<crate::model::Memory>>,
    ) -> BTreeMap<String, Spanned<ConfigSource>> {
        if let Some(tmp) = tmp
            && let Some(mount) = files.remove(TMP_PATH)
        {
            self.report(
                Diagnostic::error(
                    codes::CONFLICTING_ATTRIBUTES,
                    format!(
                        "`files` mounts {} `{}` at `/tmp`, where `tmp` is mounted",
                        match mount.source.value {
                            ConfigSource::Secret(_) => "Secret",
                            ConfigSource::ConfigMap(_) => "ConfigMap",
                        },
                        mount.source.value.name()
                    ),
                    mount.path_span,
                )
                .with_label("`/tmp` is `tmp`'s")
                .with_related(tmp.span, "`tmp` mounts a writable volume at `/tmp`")
                .with_help(
                    "the API server refuses two mounts at one path: mount the files under \
                     it (`\"/tmp/files\"`) or elsewhere, or remove `tmp`",
                ),
            );
        }
        files
            .into_iter()
            .map(|(path, mount)| (path, mount.source))
            .collect()
    }
}

/// Where `tmp` mounts its volume.
const TMP_PATH: &str = "/tmp";

/// One `files` entry while a service is lowered: where its path is written,
/// for the errors that compare mounts.
#[derive(Clone)]
pub(super) struct FileMount {
    pub path_span: crate::source::Span,
    pub source: Spanned<ConfigSource>,
}

/// `path` without empty or `.` parts: `/etc/app/`, `//etc/./app` and
/// `/etc/app` are one directory. `path` is absolute and holds no `..`.
fn normalize_mount_path(path: &str) -> String {
    let parts: Vec<&str> = (path.split('/'))
        .filter(|part| !part.is_empty() && *part != ".")
        .collect();
    format!("/{}", parts.join("/"))
}

/// The labels scalec writes and selects pods by: a policy cannot set them.
pub(crate) const RESERVED_LABELS: [&str; 3] = [
    "app.kubernetes.io/name",
    "app.kubernetes.io/part-of",
    "app.kubernetes.io/managed-by",
];

/// The most the API server takes of an object's annotations, keys and
/// values together.
const MAX_ANNOTATION_BYTES: usize = 256 * 1024;

/// The metadata of a service after its `defaults`: each map merged key by
/// key, the service's own keys winning.
pub(super) fn merge_metadata(own: Metadata, inherited: Metadata) -> Metadata {
    let merge = |mut base: BTreeMap<String, Spanned<String>>, over| {
        base.extend(over);
        base
    };
    Metadata {
        labels: merge(inherited.labels, own.labels),
        annotations: merge(inherited.annotations, own.annotations),
        pod_labels: merge(inherited.pod_labels, own.pod_labels),
        pod_annotations: merge(inherited.pod_annotations, own.pod_annotations),
    }
}

impl Lowerer<'_> {
    /// `labels { }`, `pod_labels { }` or `node_selector { }`: label keys and
    /// values as the API server checks them (E006), none of scalec's own
    /// (E008) but in a node selector.
    pub(super) fn labels(&mut self, block: &Block) -> BTreeMap<String, Spanned<String>> {
        let schema = schema::block(&block.kind.name).expect("label blocks have schemas");
        let fields = self.fields(block, schema);
        let mut labels = BTreeMap::new();
        // A node selector names node labels, which scalec never sets.
        let reserved: &[&str] = match block.kind.name.as_str() {
            "node_selector" => &[],
            _ => &RESERVED_LABELS,
        };
        for attribute in fields.free {
            let key = &attribute.name.name;
            if reserved.contains(&key.as_str()) {
                self.report(
                    Diagnostic::error(
                        codes::CONFLICTING_ATTRIBUTES,
                        format!("`{key}` is a label scalec sets itself"),
                        attribute.name.span,
                    )
                    .with_label("scalec's own label")
                    .with_help(
                        "scalec selects pods by `app.kubernetes.io/name` and `app.kubernetes.io/part-of` \
                         and marks its objects with `app.kubernetes.io/managed-by`: \
                         use another key, e.g. `app.kubernetes.io/component`",
                    ),
                );
                continue;
            }
            let valid_key = self.check_name(
                crate::names::kubernetes::label_key(key),
                attribute.name.span,
                || format!("{} cannot be a label key", crate::names::quoted(key)),
            );
            let Some(value) = self.convert(values::string(&attribute.value)) else {
                continue;
            };
            let valid_value = self.check_name(
                crate::names::kubernetes::label_value(&value),
                attribute.value.span,
                || format!("{} cannot be a label value", crate::names::quoted(&value)),
            );
            if valid_key && valid_value {
                labels.insert(key.clone(), Spanned::new(value, attribute.value.span));
            }
        }
        labels
    }

    /// `annotations { }` or `pod_annotations { }`: keys as the API server
    /// checks them (E006), any string values, 256 KiB in all (E003).
    pub(super) fn annotations(&mut self, block: &Block) -> BTreeMap<String, Spanned<String>> {
        let schema = schema::block(&block.kind.name).expect("annotation blocks have schemas");
        let fields = self.fields(block, schema);
        let mut annotations = BTreeMap::new();
        let mut bytes = 0;
        for attribute in fields.free {
            let key = &attribute.name.name;
            let valid_key = self.check_name(
                crate::names::kubernetes::annotation_key(key),
                attribute.name.span,
                || format!("{} cannot be an annotation key", crate::names::quoted(key)),
            );
            let Some(value) = self.convert(values::string(&attribute.value)) else {
                continue;
            };
            bytes += key.len() + value.len();
            if bytes > MAX_ANNOTATION_BYTES {
                self.report(
                    Diagnostic::error(
                        codes::TYPE_MISMATCH,
                        format!(
                            "the annotations of {} pass the {MAX_ANNOTATION_BYTES} bytes the API server takes",
                            super::describe_block(block)
                        ),
                        attribute.value.span,
                    )
                    .with_label(format!("{bytes} bytes up to here"))
                    .with_help("keys and values together are at most 256 KiB: move large data to a ConfigMap"),
                );
                return annotations;
            }
            if valid_key {
                annotations.insert(key.clone(), Spanned::new(value, attribute.value.span));
            }
        }
        annotations
    }

    /// `image_pull_secrets = [name, ...]`: Secret names (E006).
    pub(super) fn image_pull_secrets(&mut self, value: &Value) -> Option<Vec<Spanned<String>>> {
        let items: Vec<&Value> = match &value.kind {
            ValueKind::List(items) => items.iter().collect(),
            _ => vec![value],
        };
        let mut names = Vec::new();
        let mut complete = true;
        for item in items {
            let Some(name) = self.convert(values::name(item)) else {
                complete = false;
                continue;
            };
            let valid = self.check_name(
                crate::names::kubernetes::dns_subdomain(&name),
                item.span,
                || {
                    format!(
                        "{} cannot be the name of a Kubernetes Secret",
                        crate::names::quoted(&name)
                    )
                },
            );
            if !valid {
                complete = false;
            } else if names.iter().any(|n: &Spanned<String>| n.value == name) {
                self.report(
                    Diagnostic::error(
                        codes::DUPLICATE_DEFINITION,
                        format!("`{name}` is listed twice"),
                        item.span,
                    )
                    .with_label("listed again here")
                    .with_help("the API server refuses a pull secret named twice: keep one"),
                );
                complete = false;
            } else {
                names.push(Spanned::new(name, item.span));
            }
        }
        complete.then_some(names)
    }
}
