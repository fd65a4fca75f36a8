//! What a service's pod holds beyond its container's image, ports,
//! resources and probes: how it stops (`terminationGracePeriodSeconds`, a
//! `preStop` hook).
//!
//! Each function fills its own fields of the Deployment that `emit/k8s.rs`
//! builds. Lowering proved every value valid (a `sleep` within the grace
//! period), so nothing here checks.

use k8s_openapi::api::core::v1::{ExecAction, Lifecycle, LifecycleHandler, SleepAction};

use crate::model::{PreStop, Service};

/// The container's `lifecycle`: its `preStop` hook, if it has one.
pub fn lifecycle(service: &Service) -> Option<Lifecycle> {
    let pre_stop = match &service.pre_stop.as_ref()?.value {
        PreStop::Sleep(seconds) => LifecycleHandler {
            sleep: Some(SleepAction { seconds: *seconds }),
            ..Default::default()
        },
        PreStop::Exec(command) => LifecycleHandler {
            exec: Some(ExecAction {
                command: Some(command.clone()),
            }),
            ..Default::default()
        },
    };
    Some(Lifecycle {
        pre_stop: Some(pre_stop),
        ..Default::default()
    })
}

/// The pod's `terminationGracePeriodSeconds`, when written.
pub fn termination_grace_period(service: &Service) -> Option<i64> {
    service.grace_period_seconds.as_ref().map(|g| g.value)
}
