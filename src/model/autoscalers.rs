//! What each autoscaler can compile, decided once.
//!
//! The HorizontalPodAutoscaler and KEDA accept different signals, targets and
//! minimums, and their API server or admission webhook rejects the rest. The
//! decisions live here and nowhere else: lowering reports a signal neither
//! can compile (E008), the guards K101, K102, K105 and K108 report what the
//! API server or KEDA's webhook would reject (they only word the finding), and
//! emit reads the replica range through [`AutoscaleRange`], which exists only
//! when [`autoscale_range`] accepts it.

use super::{Autoscaler, KubeVersion, MetricKind, Replicas, Target, features};

/// A scaling signal as an autoscaler sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SignalKind {
    Cpu,
    Memory,
    Metric(MetricKind),
    Queue,
    /// A `schedule`: KEDA's `cron` trigger, which reports its replicas
    /// whatever the number of pods.
    Schedule,
}

impl SignalKind {
    /// Why zero pods cannot report this signal, so it can never bring a
    /// service back from zero; `None` when it reports without pods.
    pub fn silent_at_zero(self) -> Option<&'static str> {
        match self {
            SignalKind::Cpu => Some("zero pods report no cpu"),
            SignalKind::Memory => Some("zero pods report no memory"),
            SignalKind::Metric(MetricKind::Pods) => {
                Some("a `kind = pods` metric: zero pods report nothing")
            }
            SignalKind::Metric(MetricKind::Object | MetricKind::External)
            | SignalKind::Queue
            | SignalKind::Schedule => None,
        }
    }

    /// Whether the HPA reads it from the cluster's external metrics API
    /// (`type: External`): a queue, or a `kind = external` metric.
    pub fn is_external(self) -> bool {
        matches!(
            self,
            SignalKind::Metric(MetricKind::External) | SignalKind::Queue
        )
    }

    fn is_resource(self) -> bool {
        matches!(self, SignalKind::Cpu | SignalKind::Memory)
    }
}

/// Why an autoscaler cannot compile a signal with its target (E008).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SignalRefusal {
    /// cpu or memory with `total`: resource metrics are per pod.
    TotalOnResource,
    /// A `kind = pods` metric with `total`: it is averaged over pods.
    TotalOnPodsMetric,
    /// KEDA with an `object` metric: KEDA reads pods and external metrics
    /// through its `prometheus` trigger, but has no trigger for a metric of a
    /// Kubernetes object.
    ObjectMetricUnderKeda,
    /// KEDA with a queue `total`: KEDA scales on messages per pod.
    QueueTotalUnderKeda,
    /// The HPA with a schedule: it has no clock; KEDA's `cron` trigger does.
    ScheduleUnderHpa,
}

/// Why a replica range cannot be written into an autoscaler (K101, K102).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RangeRefusal {
    /// No `replicas`: `maxReplicas` is required (K101).
    NoReplicas,
    /// `replicas = N`: a fixed size, no maximum to scale to (K101).
    Fixed,
    /// A maximum of 0, which the API server rejects (K101).
    ZeroMaximum,
    /// The minimum above the maximum (K102).
    MinAboveMax,
}

/// Why a minimum of zero replicas is rejected (K108).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ZeroRefusal {
    /// The HPA: `minReplicas: 0` needs HPAScaleToZero (`too_old`, before
    /// [`features::HPA_SCALE_TO_ZERO`]) and signals that report at zero pods
    /// (`silent`: some do not).
    Hpa { too_old: bool, silent: bool },
    /// KEDA's webhook: `minReplicaCount: 0` with only cpu and memory triggers.
    KedaResourceOnly,
}

/// Who rejects a cpu or memory signal on a container without that request
/// (K105).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RequestRefusal {
    /// The HPA (scalec's, or the one KEDA creates) computes utilization from
    /// the request and reports an error instead of scaling.
    Hpa,
    /// KEDA's admission webhook rejects the ScaledObject: a cpu or memory
    /// trigger needs a request or a limit above zero.
    Webhook,
}

impl Autoscaler {
    /// Whether this autoscaler can compile a signal of this kind with this
    /// target.
    pub fn signal(self, kind: SignalKind, target: &Target) -> Result<(), SignalRefusal> {
        let total = matches!(target, Target::Total(_));
        let keda = self == Autoscaler::Keda;
        match kind {
            SignalKind::Cpu | SignalKind::Memory if total => Err(SignalRefusal::TotalOnResource),
            SignalKind::Metric(MetricKind::Pods) if total => Err(SignalRefusal::TotalOnPodsMetric),
            SignalKind::Metric(MetricKind::Object) if keda => {
                Err(SignalRefusal::ObjectMetricUnderKeda)
            }
            SignalKind::Queue if keda && total => Err(SignalRefusal::QueueTotalUnderKeda),
            SignalKind::Schedule if !keda => Err(SignalRefusal::ScheduleUnderHpa),
            _ => Ok(()),
        }
    }

    /// Whether a service scaling on `signals` may have a minimum of zero
    /// replicas on Kubernetes `version`.
    pub fn zero_minimum(
        self,
        version: KubeVersion,
        signals: impl IntoIterator<Item = SignalKind>,
    ) -> Result<(), ZeroRefusal> {
        let signals: Vec<SignalKind> = signals.into_iter().collect();
        match self {
            Autoscaler::Hpa => {
                let too_old = version < features::HPA_SCALE_TO_ZERO.since;
                let silent = signals.iter().any(|s| s.silent_at_zero().is_some());
                if too_old || silent {
                    Err(ZeroRefusal::Hpa { too_old, silent })
                } else {
                    Ok(())
                }
            }
            Autoscaler::Keda if signals.iter().all(|s| s.is_resource()) => {
                Err(ZeroRefusal::KedaResourceOnly)
            }
            Autoscaler::Keda => Ok(()),
        }
    }

    /// Whether a cpu or memory signal with `target` compiles for a container
    /// whose request (`request`) and limit (`limit`) of that resource are
    /// above zero or not.
    pub fn resource_signal(
        self,
        target: &Target,
        request: bool,
        limit: bool,
    ) -> Result<(), RequestRefusal> {
        if request {
            return Ok(());
        }
        // KEDA's webhook accepts a request or a limit above zero; the HPA
        // computes utilization from the request alone.
        let webhook = self == Autoscaler::Keda && !limit;
        match target {
            _ if webhook => Err(RequestRefusal::Webhook),
            Target::Utilization(_) => Err(RequestRefusal::Hpa),
            Target::Average(_) | Target::Total(_) | Target::Replicas(_) => Ok(()),
        }
    }
}

/// The range an autoscaler is written with, from a service's `replicas`.
pub fn autoscale_range(replicas: Option<&Replicas>) -> Result<AutoscaleRange, RangeRefusal> {
    match replicas {
        None => Err(RangeRefusal::NoReplicas),
        Some(Replicas::Fixed(_)) => Err(RangeRefusal::Fixed),
        Some(Replicas::Range { min, max, .. }) => AutoscaleRange::new(min.value, max.value),
    }
}

/// The replica range of an autoscaled service as an autoscaler is written:
/// it exists only with a maximum of at least 1 and a minimum no greater, so
/// emit cannot write a range the API server rejects.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AutoscaleRange {
    min: i32,
    max: i32,
}

impl AutoscaleRange {
    /// The range `min .. max`, or why an autoscaler cannot be written with it.
    /// Lowering proved both are 0 or more.
    pub fn new(min: i32, max: i32) -> Result<AutoscaleRange, RangeRefusal> {
        if max < 1 {
            Err(RangeRefusal::ZeroMaximum)
        } else if min > max {
            Err(RangeRefusal::MinAboveMax)
        } else {
            Ok(AutoscaleRange { min, max })
        }
    }

    pub fn min(self) -> i32 {
        self.min
    }

    pub fn max(self) -> i32 {
        self.max
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::MetricValue;

    fn average() -> Target {
        Target::Average(MetricValue {
            milli: 1000,
            text: "1".into(),
        })
    }

    fn total() -> Target {
        Target::Total(MetricValue {
            milli: 1000,
            text: "1".into(),
        })
    }

    #[test]
    fn a_range_needs_a_maximum_of_one_and_the_minimum_below_it() {
        assert_eq!(AutoscaleRange::new(0, 0), Err(RangeRefusal::ZeroMaximum));
        assert_eq!(AutoscaleRange::new(3, 0), Err(RangeRefusal::ZeroMaximum));
        assert_eq!(AutoscaleRange::new(10, 4), Err(RangeRefusal::MinAboveMax));
        let range = AutoscaleRange::new(0, 1).expect("0 .. 1 is a range");
        assert_eq!((range.min(), range.max()), (0, 1));
        assert!(AutoscaleRange::new(4, 4).is_ok());
        assert_eq!(autoscale_range(None), Err(RangeRefusal::NoReplicas));
    }

    #[test]
    fn only_keda_follows_a_schedule_which_wakes_a_service_from_zero() {
        let replicas = Target::Replicas(4);
        assert_eq!(
            Autoscaler::Keda.signal(SignalKind::Schedule, &replicas),
            Ok(())
        );
        assert_eq!(
            Autoscaler::Hpa.signal(SignalKind::Schedule, &replicas),
            Err(SignalRefusal::ScheduleUnderHpa)
        );
        assert_eq!(SignalKind::Schedule.silent_at_zero(), None);
        let version = features::HPA_SCALE_TO_ZERO.since;
        let signals = [SignalKind::Cpu, SignalKind::Schedule];
        assert_eq!(Autoscaler::Keda.zero_minimum(version, signals), Ok(()));
        assert_eq!(
            Autoscaler::Keda.zero_minimum(version, [SignalKind::Cpu]),
            Err(ZeroRefusal::KedaResourceOnly)
        );
    }

    #[test]
    fn keda_compiles_what_its_triggers_read() {
        use SignalKind::*;
        let keda = Autoscaler::Keda;
        assert_eq!(keda.signal(Cpu, &Target::Utilization(70)), Ok(()));
        assert_eq!(keda.signal(Queue, &average()), Ok(()));
        assert_eq!(
            keda.signal(Queue, &total()),
            Err(SignalRefusal::QueueTotalUnderKeda)
        );
        for kind in [MetricKind::Pods, MetricKind::External] {
            assert_eq!(keda.signal(Metric(kind), &average()), Ok(()));
        }
        assert_eq!(keda.signal(Metric(MetricKind::External), &total()), Ok(()));
        assert_eq!(
            keda.signal(Metric(MetricKind::Object), &average()),
            Err(SignalRefusal::ObjectMetricUnderKeda)
        );
        let hpa = Autoscaler::Hpa;
        assert_eq!(hpa.signal(Queue, &total()), Ok(()));
        assert_eq!(hpa.signal(Metric(MetricKind::External), &total()), Ok(()));
        for autoscaler in [hpa, keda] {
            assert_eq!(
                autoscaler.signal(Memory, &total()),
                Err(SignalRefusal::TotalOnResource)
            );
        }
        assert_eq!(
            hpa.signal(Metric(MetricKind::Pods), &total()),
            Err(SignalRefusal::TotalOnPodsMetric)
        );
    }

    #[test]
    fn zero_minimum_needs_a_signal_that_reports_without_pods() {
        use SignalKind::*;
        let new = features::HPA_SCALE_TO_ZERO.since;
        let old = KubeVersion {
            major: 1,
            minor: 34,
        };
        let hpa = Autoscaler::Hpa;
        assert_eq!(hpa.zero_minimum(new, [Queue]), Ok(()));
        assert_eq!(
            hpa.zero_minimum(old, [Queue]),
            Err(ZeroRefusal::Hpa {
                too_old: true,
                silent: false
            })
        );
        assert_eq!(
            hpa.zero_minimum(new, [Queue, Cpu]),
            Err(ZeroRefusal::Hpa {
                too_old: false,
                silent: true
            })
        );
        let keda = Autoscaler::Keda;
        assert_eq!(
            keda.zero_minimum(old, [Cpu, Memory]),
            Err(ZeroRefusal::KedaResourceOnly)
        );
        assert_eq!(keda.zero_minimum(old, [Cpu, Queue]), Ok(()));
    }

    #[test]
    fn a_resource_signal_needs_a_request_for_utilization_and_under_keda() {
        let (hpa, keda) = (Autoscaler::Hpa, Autoscaler::Keda);
        let utilization = Target::Utilization(70);
        assert_eq!(hpa.resource_signal(&utilization, true, false), Ok(()));
        assert_eq!(
            hpa.resource_signal(&utilization, false, true),
            Err(RequestRefusal::Hpa)
        );
        assert_eq!(hpa.resource_signal(&average(), false, false), Ok(()));
        assert_eq!(
            keda.resource_signal(&average(), false, false),
            Err(RequestRefusal::Webhook)
        );
        assert_eq!(keda.resource_signal(&average(), false, true), Ok(()));
        assert_eq!(
            keda.resource_signal(&utilization, false, true),
            Err(RequestRefusal::Hpa)
        );
        assert_eq!(
            keda.resource_signal(&utilization, false, false),
            Err(RequestRefusal::Webhook)
        );
    }
}
