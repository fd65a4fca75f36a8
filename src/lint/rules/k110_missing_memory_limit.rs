use crate::diag::Diagnostic;
use crate::lint::Rule;
use crate::model::Project;

declare_rule! {
    /// ## What it does
    /// Flags an autoscaled service (one with `scale` blocks) that requests
    /// memory but sets no memory limit: `memory = 512Mi` instead of
    /// `memory = 512Mi .. 1Gi`, in the service or in `defaults`.
    ///
    /// Services without `scale` blocks are left alone: their pod count is
    /// fixed, so the risk does not grow with load. A service with no memory
    /// request at all is not this rule's business.
    ///
    /// ## Why it is unsafe
    /// The scheduler packs pods by their request. A pod without a limit may
    /// grow past its request into memory the node promised to other pods; when
    /// the node runs out, the kubelet evicts pods and the kernel OOM-kills
    /// processes, often neighbours that behaved. An autoscaled service makes
    /// this worse exactly when it matters: under load it packs more of the
    /// same pods onto the same nodes, all growing at once, so one leak or one
    /// traffic spike takes down whole nodes instead of one pod.
    ///
    /// ## Example
    /// ```scale
    /// service api {
    ///   image    = "registry.example.com/api:1.0.0"
    ///   cpu      = 250m
    ///   memory   = 512Mi
    ///   replicas = 2 .. 20
    ///   scale cpu { utilization = 70% }
    /// }
    /// ```
    ///
    /// ## Fix
    /// Give memory a limit, written after the request:
    /// ```scale
    /// service api {
    ///   image    = "registry.example.com/api:1.0.0"
    ///   cpu      = 250m
    ///   memory   = 512Mi .. 512Mi
    ///   replicas = 2 .. 20
    ///   scale cpu { utilization = 70% }
    /// }
    /// ```
    /// A pod that outgrows 512Mi is now OOM-killed and restarted on its own,
    /// and the node's other pods keep their memory. A limit equal to the
    /// request is the safest choice, because memory cannot be throttled; a
    /// higher limit (`512Mi .. 1Gi`) suits a bursty heap but again lets pods
    /// use memory the scheduler did not reserve.
    ///
    /// ## See also
    /// K107 (memory-scaling), K111 (limit-below-request),
    /// C302 (cluster-overcommit).
    pub RULE {
        id: K110,
        name: "missing-memory-limit",
        severity: Warning,
        summary: "an autoscaled service requests memory but sets no memory limit",
        check: Some(check),
    }
}

fn check(rule: &Rule, project: &Project, out: &mut Vec<Diagnostic>) {
    for service in crate::lint::util::autoscaled(project) {
        let Some(memory) = &service.memory else {
            continue;
        };
        if memory.limit.is_some() {
            continue;
        }
        let name = &service.name.value;
        let request = &memory.request;
        let text = &request.value.text;
        // `512m` is a slip for `512Mi` (K112): suggest the corrected quantity.
        let (written, twice) = if request.value.milli_unit {
            (format!("{}Mi", text.trim_end_matches('m')), None)
        } else {
            (text.clone(), double(request.value.millibytes))
        };
        let mut d = rule
            .finding(
                format!("service `{name}` autoscales with a {text} memory request and no memory limit"),
                request.span,
            )
            .with_label("a request without a limit")
            .with_help(format!(
                "write `memory = {written} .. {written}`: a pod that outgrows it is OOM-killed alone, instead of the node evicting its neighbours{}",
                twice
                    .map(|twice| format!("; `{written} .. {twice}` allows a bursty heap"))
                    .unwrap_or_default()
            ));
        let span = request.span;
        if let Some(label) = crate::lint::util::inherits(project, service, span, "`memory`") {
            d = d.with_related(service.name.span, label);
        }
        out.push(d);
    }
}

/// Twice the request in a binary unit (`512Mi` → `1Gi`), when it has one.
fn double(millibytes: u128) -> Option<String> {
    let doubled = millibytes.checked_mul(2)?;
    let binary = doubled % 1000 == 0 && crate::lint::util::binary_unit(doubled / 1000).is_some();
    binary.then(|| crate::lint::util::memory_as_written(doubled))
}
