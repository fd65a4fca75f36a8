//! `job { ... }`: a service that runs as queue-driven batch work, one
//! Kubernetes Job per batch of messages, which KEDA's ScaledJob creates. Such
//! a service has no Deployment, Service, HPA, ScaledObject or
//! PodDisruptionBudget; its `replicas = MIN .. MAX` are the Jobs KEDA keeps
//! running and the most it runs at once, its `scale QUEUE { average = N }`
//! the messages one Job takes.
//!
//! Lowering refuses what a ScaledJob cannot hold (E008: ports, probes,
//! `disruption`, `scale_up`/`scale_down`, `load`, cpu, memory, metric and
//! schedule signals, `autoscaler = hpa`, ScaledObject-only `keda` options)
//! and requires a queue signal (E007), so emit writes these as they are.

use crate::source::{Span, eq_ignoring_spans};

use super::{Keyword, Spanned};

keywords! {
    /// How KEDA counts the Jobs to start (`scalingStrategy.strategy`); see
    /// `pkg/scaling/executor/scale_jobs.go`. `custom` is not offered: it
    /// needs two tuning numbers and falls back to `default` without them.
    pub enum JobStrategy {
        /// Jobs for the queue's messages minus the Jobs running: right when
        /// the queue length counts the messages running Jobs hold.
        Default = "default",
        /// Jobs for the queue's messages minus the Jobs not started yet,
        /// capped by the maximum: right when the queue length leaves out the
        /// messages running Jobs hold.
        Accurate = "accurate",
        /// Every free slot up to the maximum while messages wait.
        Eager = "eager",
    }
}

impl JobStrategy {
    /// KEDA's spelling.
    pub fn api_name(self) -> &'static str {
        self.word()
    }
}

/// What a service's `job` block says about each Job and the ScaledJob.
#[derive(Clone, Debug)]
pub struct Job {
    /// `deadline`: `activeDeadlineSeconds`, whole seconds, 1 or more: how
    /// long one Job may run, retries included, before Kubernetes stops it.
    pub deadline_seconds: Option<Spanned<i64>>,
    /// `retries`: `backoffLimit`, the failed pods a Job retries (Kubernetes:
    /// 6).
    pub retries: Option<Spanned<i32>>,
    /// `parallelism`: pods per Job, 1 or more (Kubernetes: 1).
    pub parallelism: Option<Spanned<i32>>,
    /// `strategy`: `scalingStrategy.strategy` (KEDA: `default`).
    pub strategy: Option<Spanned<JobStrategy>>,
    /// `successful_history`: `successfulJobsHistoryLimit` (KEDA: 100).
    pub successful_history: Option<Spanned<i32>>,
    /// `failed_history`: `failedJobsHistoryLimit` (KEDA: 100).
    pub failed_history: Option<Spanned<i32>>,
    /// The word `job`, for findings about the block.
    pub head: Span,
    pub span: Span,
}

impl Job {
    /// Kubernetes' `backoffLimit` when none is written.
    pub const DEFAULT_RETRIES: i32 = 6;

    /// The failed pods a Job replaces: written, or Kubernetes' 6.
    pub fn retries(&self) -> i32 {
        self.retries
            .as_ref()
            .map_or(Self::DEFAULT_RETRIES, |r| r.value)
    }

    /// The strategy KEDA applies: written, or its `default`.
    pub fn strategy(&self) -> JobStrategy {
        self.strategy
            .as_ref()
            .map_or(JobStrategy::Default, |s| s.value)
    }
}

eq_ignoring_spans! {
    Job {
        deadline_seconds, retries, parallelism, strategy, successful_history, failed_history,
    } ignoring { head, span }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::{FileId, Span};

    fn job() -> Job {
        let span = Span::new(FileId(0), 0, 0);
        Job {
            deadline_seconds: None,
            retries: None,
            parallelism: None,
            strategy: None,
            successful_history: None,
            failed_history: None,
            head: span,
            span,
        }
    }

    #[test]
    fn an_unwritten_strategy_and_retries_are_kedas_and_kubernetes_defaults() {
        let mut job = job();
        assert_eq!(job.strategy(), JobStrategy::Default);
        assert_eq!(job.retries(), 6);
        let span = job.head;
        job.strategy = Some(Spanned::new(JobStrategy::Accurate, span));
        job.retries = Some(Spanned::new(0, span));
        assert_eq!(job.strategy(), JobStrategy::Accurate);
        assert_eq!(job.strategy().api_name(), "accurate");
        assert_eq!(job.retries(), 0);
    }
}
