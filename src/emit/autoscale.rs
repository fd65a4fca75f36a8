//! What an HorizontalPodAutoscaler and a KEDA ScaledObject share: the replica
//! range and the scaling behaviour. Both `k8s` (HPA) and `keda` read these,
//! so neither imports the other for them.

use k8s_openapi::api::autoscaling::v2::{
    HPAScalingPolicy, HPAScalingRules, HorizontalPodAutoscalerBehavior,
};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;

use crate::model::{
    AutoscaleRange, Behavior, Project, RateAmount, SelectPolicy, Service, features,
};

/// The replica range of an autoscaled service. Emit runs only on a
/// compilation without errors, and the guards K101 and K102 (which no setting
/// can silence) report every refusal of `model::autoscalers::autoscale_range`,
/// so there is one.
pub fn range(service: &Service) -> AutoscaleRange {
    service
        .autoscale_range()
        .and_then(Result::ok)
        .expect("guards K101 and K102 keep an autoscaled service without a valid range from emit")
}

/// HPA `behavior` from `scale_up` and `scale_down`; `tolerance` only where the
/// target Kubernetes version serves it (lint K120 warns otherwise).
pub fn behavior(project: &Project, service: &Service) -> Option<HorizontalPodAutoscalerBehavior> {
    let tolerance = project.cluster.kubernetes >= features::HPA_TOLERANCE.since;
    let rules =
        |behavior: &Option<Behavior>| behavior.as_ref().map(|b| scaling_rules(b, tolerance));
    let (up, down) = (rules(&service.scale_up), rules(&service.scale_down));
    (up.is_some() || down.is_some()).then_some(HorizontalPodAutoscalerBehavior {
        scale_up: up,
        scale_down: down,
    })
}

fn scaling_rules(behavior: &Behavior, tolerance: bool) -> HPAScalingRules {
    HPAScalingRules {
        stabilization_window_seconds: behavior.stabilization_seconds.as_ref().map(|s| s.value),
        policies: (!behavior.rates.is_empty()).then(|| {
            behavior
                .rates
                .iter()
                .map(|rate| {
                    let (type_, value) = match rate.value.amount {
                        RateAmount::Percent(p) => ("Percent", p),
                        RateAmount::Pods(n) => ("Pods", n),
                    };
                    HPAScalingPolicy {
                        type_: type_.into(),
                        value,
                        period_seconds: rate.value.period_seconds,
                    }
                })
                .collect()
        }),
        select_policy: behavior.select.as_ref().map(|s| {
            match s.value {
                SelectPolicy::Max => "Max",
                SelectPolicy::Min => "Min",
                SelectPolicy::Disabled => "Disabled",
            }
            .into()
        }),
        tolerance: behavior
            .tolerance_ppm
            .as_ref()
            .filter(|_| tolerance)
            .map(|t| Quantity(ppm_fraction(t.value))),
    }
}

/// Parts per million as a decimal fraction: 50 000 → `0.05`.
pub(super) fn ppm_fraction(ppm: u32) -> String {
    let (whole, fraction) = (ppm / 1_000_000, ppm % 1_000_000);
    if fraction == 0 {
        return whole.to_string();
    }
    format!("{whole}.{}", format!("{fraction:06}").trim_end_matches('0'))
}
