//! `job { ... }` blocks: a service that runs as the Jobs of a KEDA
//! ScaledJob. The values here are checked as Kubernetes' Job API and KEDA's
//! CRD would (E003); what the rest of the service may not say beside a
//! `job` is checked in `lower/service.rs` (E007, E008).

use crate::ast::{Block, Value};
use crate::diag::{Diagnostic, codes};
use crate::model::Job;

use super::{Lowerer, schema, values};

/// `retries` and the history counts: int32 fields.
const JOB_COUNT: values::Limit = values::Limit {
    max: values::INT32_MAX,
    what: "a count",
    why: "Kubernetes and KEDA store it in an int32 field",
};

/// The longest `deadline`: int32 seconds (68 years), like every other
/// duration scalec writes, though the field is an int64.
const MAX_DEADLINE_SECONDS: u32 = values::INT32_MAX;

impl Lowerer<'_> {
    /// Lowers a `job` block; `None` when something in it is invalid (and
    /// reported).
    pub(super) fn job(&mut self, block: &Block) -> Option<Job> {
        let fields = self.fields(block, schema::block("job").expect("job has a schema"));
        let count = |v: &Value| values::int32_count(v, &JOB_COUNT);
        let deadline_seconds = self.get(&fields, "deadline", deadline);
        let retries = self.get(&fields, "retries", count);
        let parallelism = self.get(&fields, "parallelism", parallelism);
        let strategy = self.get(&fields, "strategy", values::keyword);
        let successful_history = self.get(&fields, "successful_history", count);
        let failed_history = self.get(&fields, "failed_history", count);
        let lowered = [
            deadline_seconds.is_some(),
            retries.is_some(),
            parallelism.is_some(),
            strategy.is_some(),
            successful_history.is_some(),
            failed_history.is_some(),
        ];
        // An attribute written but not lowered is reported: the job is
        // incomplete.
        if lowered.iter().filter(|l| **l).count() < fields.attributes.len() {
            return None;
        }
        Some(Job {
            deadline_seconds,
            retries,
            parallelism,
            strategy,
            successful_history,
            failed_history,
            head: super::block_head(block),
            span: block.span,
        })
    }
}

/// `deadline`: `activeDeadlineSeconds`, which the API server wants positive.
fn deadline(value: &Value) -> values::Conv<i64> {
    let seconds = values::duration_seconds(value, MAX_DEADLINE_SECONDS)?;
    if seconds == 0 {
        return Err(Diagnostic::error(
            codes::TYPE_MISMATCH,
            "a Job's deadline must be at least 1s",
            value.span,
        )
        .with_label("the API server refuses 0")
        .with_help("write how long one Job may run, e.g. `deadline = 30m`"));
    }
    Ok(i64::from(seconds))
}

/// `parallelism`: 0 would create Jobs that never start a pod.
fn parallelism(value: &Value) -> values::Conv<i32> {
    let pods = values::int32_count(value, &JOB_COUNT)?;
    if pods == 0 {
        return Err(Diagnostic::error(
            codes::TYPE_MISMATCH,
            "a Job with `parallelism = 0` never starts a pod",
            value.span,
        )
        .with_label("at least 1")
        .with_help("write `parallelism = 1` (one pod per Job), or remove it"));
    }
    Ok(pods)
}
