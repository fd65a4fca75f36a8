use crate::diag::Diagnostic;
use crate::lint::Rule;
use crate::model::{Cpu, Memory, Project, Resource, Spanned};

declare_rule! {
    /// ## What it does
    /// Flags a cpu or memory limit lower than its request, `cpu = 1 .. 500m` or
    /// `memory = 1Gi .. 512Mi`, in any service (autoscaled or not) or inherited
    /// from `defaults`, and in a database's `shard`, `config_server` or
    /// `router` block. The comparison is exact: `1 .. 1000m` is equal, not
    /// lower.
    ///
    /// ## Why it is unsafe
    /// Kubernetes requires every request to be at most its limit. The API
    /// server rejects the Deployment's pod template (`must be less than or
    /// equal to cpu limit`), so the rollout never starts: a new service never
    /// comes up, and a change to a running one is stuck on the old version
    /// while the pipeline reports a failed apply. The usual cause is the two
    /// values written the wrong way round: the request comes first.
    ///
    /// ## Example
    /// ```scale
    /// service api {
    ///   image  = "registry.example.com/api:1.0.0"
    ///   cpu    = 1 .. 500m
    ///   memory = 512Mi .. 1Gi
    /// }
    /// ```
    ///
    /// ## Fix
    /// Write the request, then the limit:
    /// ```scale
    /// service api {
    ///   image  = "registry.example.com/api:1.0.0"
    ///   cpu    = 500m .. 1
    ///   memory = 512Mi .. 1Gi
    /// }
    /// ```
    /// The scheduler reserves 500m for each pod, which may burst to one core.
    /// If the larger number was the intended reservation, raise the limit to
    /// at least the request instead (`cpu = 1 .. 1`).
    ///
    /// ## See also
    /// K110 (missing-memory-limit), K106 (utilization-out-of-range).
    pub RULE {
        id: K111,
        name: "limit-below-request",
        severity: Error,
        summary: "a cpu or memory limit lower than its request",
        guard: "the API server rejects a container whose limit is below its request",
        check: Some(check),
    }
}

fn check(rule: &Rule, project: &Project, out: &mut Vec<Diagnostic>) {
    let cpu = |c: &Cpu| u128::from(c.millicores);
    let memory = |m: &Memory| m.millibytes;
    for service in &project.services {
        let who = format!("service `{}`", service.name.value);
        let found = [
            ("cpu", (service.cpu.as_ref()).and_then(|r| compare(rule, &who, false, "cpu", r, cpu, |c| &c.text))),
            ("memory", (service.memory.as_ref())
                .and_then(|r| compare(rule, &who, false, "memory", r, memory, |m| &m.text))),
        ];
        for (word, finding) in found {
            let Some(mut d) = finding else {
                continue;
            };
            if let Some(label) = crate::lint::util::inherits(project, service, d.span, &format!("`{word}`")) {
            d = d.with_related(service.name.span, label);
        }
            out.push(d);
        }
    }
    for database in &project.databases {
        let name = &database.name.value;
        for (tier, pods) in [
            ("shard members", &database.shard_pods),
            ("config servers", &database.config_server_pods),
            ("routers", &database.router_pods),
        ] {
            let who = format!("the {tier} of database `{name}`");
            let found = [
                (pods.cpu.as_ref()).and_then(|r| compare(rule, &who, true, "cpu", r, cpu, |c| &c.text)),
                (pods.memory.as_ref())
                    .and_then(|r| compare(rule, &who, true, "memory", r, memory, |m| &m.text)),
            ];
            out.extend(found.into_iter().flatten());
        }
    }
}

/// The finding for `who` (`service `api``, or `the routers of database
/// `orders``, a `plural` subject) when `resource`'s limit is below its request.
fn compare<T>(
    rule: &Rule,
    who: &str,
    plural: bool,
    word: &str,
    resource: &Resource<T>,
    amount: impl Fn(&T) -> u128,
    text: impl Fn(&T) -> &str,
) -> Option<Diagnostic> {
    let limit: &Spanned<T> = resource.limit.as_ref()?;
    let request = &resource.request;
    if amount(&limit.value) >= amount(&request.value) {
        return None;
    }
    let (req, lim) = (text(&request.value), text(&limit.value));
    // "the routers of database `x`" is plural.
    let (have, its) = if plural {
        ("have", "their")
    } else {
        ("has", "its")
    };
    Some(
        rule.finding(
            format!("{who} {have} a {word} limit of {lim}, below {its} request of {req}: the API server rejects the pod"),
            limit.span,
        )
        .with_label(format!("limit {lim} < request {req}"))
        .with_related(request.span, "the request comes first")
        .with_help(format!(
            "write the request first: `{word} = {lim} .. {req}`; or, to reserve {req}, `{word} = {req} .. {req}`"
        )),
    )
}
