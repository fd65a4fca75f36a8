//! The HorizontalPodAutoscaler's algorithm, one sync at a time, as the
//! controller computes it (`pkg/controller/podautoscaler`: the replica
//! calculator, `stabilizeRecommendationWithBehaviors` and
//! `convertDesiredReplicasWithBehaviorRate`):
//!
//! 1. each metric proposes `ceil(total / target)` replicas, or keeps the
//!    current count while `total / (current × target)` is within the
//!    tolerance of 1 (10 % by default); the largest proposal wins;
//! 2. stabilization: a scale-up takes the smallest recommendation of its
//!    window (0 s by default), a scale-down the largest of its (300 s);
//! 3. rate policies: from the replicas at the start of each policy's period
//!    (less what was added, or plus what was removed, within it), `Pods`
//!    adds or removes that many and `Percent` that share (rounded up when
//!    adding, down when removing); `select` takes the largest change (`max`),
//!    the smallest (`min`), or none (`disabled`);
//! 4. the result stays within `min .. max`.
//!
//! Values are exact: metric values and targets in thousandths, times in
//! whole seconds, so a replay is the same on every machine.

use crate::model::{RateAmount, RatePolicy, SelectPolicy};

/// Kubernetes' default tolerance, 10 %, in parts per million.
pub const DEFAULT_TOLERANCE_PPM: u64 = 100_000;

/// How one direction (up or down) may change the replica count.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Direction {
    pub stabilization_seconds: u64,
    /// Parts per million: how far the metrics may be from their targets in
    /// this direction before the count changes (100 000, Kubernetes'
    /// default 10 %, unless `tolerance` says otherwise).
    pub tolerance_ppm: u64,
    pub policies: Vec<RatePolicy>,
    pub select: SelectPolicy,
}

impl Direction {
    /// Kubernetes' default for scaling up: no window, at most double or
    /// add 4 pods every 15 s, whichever is more.
    pub fn default_up() -> Direction {
        Direction {
            stabilization_seconds: 0,
            tolerance_ppm: DEFAULT_TOLERANCE_PPM,
            policies: vec![
                RatePolicy {
                    amount: RateAmount::Percent(100),
                    period_seconds: 15,
                },
                RatePolicy {
                    amount: RateAmount::Pods(4),
                    period_seconds: 15,
                },
            ],
            select: SelectPolicy::Max,
        }
    }

    /// Kubernetes' default for scaling down: a 300 s window, then any
    /// number of pods every 15 s.
    pub fn default_down() -> Direction {
        Direction {
            stabilization_seconds: 300,
            tolerance_ppm: DEFAULT_TOLERANCE_PPM,
            policies: vec![RatePolicy {
                amount: RateAmount::Percent(100),
                period_seconds: 15,
            }],
            select: SelectPolicy::Max,
        }
    }
}

/// What the simulated HPA is configured with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Spec {
    pub min: u32,
    pub max: u32,
    pub up: Direction,
    pub down: Direction,
}

/// One metric at one sync: the total over the ready pods (or the external
/// value) and the per-pod target, both in thousandths.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Reading {
    pub total_milli: u128,
    pub target_milli: u128,
}

/// A change of the replica count, for the rate policies' periods.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Event {
    at: u64,
    change: i64,
}

/// The controller's memory of one HPA: past recommendations and changes.
#[derive(Clone, Debug)]
pub struct Hpa {
    pub spec: Spec,
    pub replicas: u32,
    recommendations: Vec<(u64, u32)>,
    events: Vec<Event>,
}

impl Hpa {
    pub fn new(spec: Spec, replicas: u32) -> Hpa {
        Hpa {
            spec,
            replicas,
            recommendations: Vec::new(),
            events: Vec::new(),
        }
    }

    /// What one metric proposes at `current` replicas.
    fn proposal(&self, current: u32, reading: Reading) -> u32 {
        let current_total = u128::from(current) * reading.target_milli;
        let difference = reading.total_milli.abs_diff(current_total);
        // |total / (current × target) − 1| ≤ the tolerance of the direction
        // the count would move in, exactly.
        let tolerance = if reading.total_milli > current_total {
            self.spec.up.tolerance_ppm
        } else {
            self.spec.down.tolerance_ppm
        };
        if current > 0 && difference * 1_000_000 <= current_total * u128::from(tolerance) {
            return current;
        }
        let wanted = reading.total_milli.div_ceil(reading.target_milli.max(1));
        u32::try_from(wanted).unwrap_or(u32::MAX)
    }

    /// One sync at second `now` with the metrics' readings: the new replica
    /// count, which it also keeps.
    pub fn sync(&mut self, now: u64, readings: &[Reading]) -> u32 {
        let current = self.replicas;
        let desired = (readings.iter())
            .map(|r| self.proposal(current, *r))
            .max()
            .unwrap_or(current);
        let stabilized = self.stabilize(now, current, desired);
        let limited = self.limit(now, current, stabilized);
        let next = limited.clamp(self.spec.min, self.spec.max);
        if next != current {
            self.events.push(Event {
                at: now,
                change: i64::from(next) - i64::from(current),
            });
        }
        self.replicas = next;
        next
    }

    fn stabilize(&mut self, now: u64, current: u32, desired: u32) -> u32 {
        let within = |at: u64, window: u64| at + window > now;
        let (mut up, mut down) = (desired, desired);
        for &(at, recommendation) in &self.recommendations {
            if within(at, self.spec.up.stabilization_seconds) {
                up = up.min(recommendation);
            }
            if within(at, self.spec.down.stabilization_seconds) {
                down = down.max(recommendation);
            }
        }
        let longest =
            (self.spec.up.stabilization_seconds).max(self.spec.down.stabilization_seconds);
        self.recommendations.retain(|&(at, _)| within(at, longest));
        self.recommendations.push((now, desired));
        current.max(up).min(down)
    }

    /// Replicas added (positive) or removed (negative, as a positive count)
    /// within the `period` seconds before `now`.
    fn changed(&self, now: u64, period: u64, up: bool) -> i64 {
        (self.events.iter())
            .filter(|e| e.at + period > now && (e.change > 0) == up)
            .map(|e| e.change.abs())
            .sum()
    }

    fn limit(&self, now: u64, current: u32, desired: u32) -> u32 {
        let current_i = i64::from(current);
        if desired > current {
            let direction = &self.spec.up;
            if direction.select == SelectPolicy::Disabled {
                return current;
            }
            let proposals = direction.policies.iter().map(|policy| {
                let period = u64::try_from(policy.period_seconds).unwrap_or(0);
                let start = current_i - self.changed(now, period, true);
                match policy.amount {
                    RateAmount::Pods(n) => start + i64::from(n),
                    // Rounded up, so a small count can still grow.
                    RateAmount::Percent(p) => {
                        (start * (100 + i64::from(p))).div_euclid(100)
                            + i64::from((start * (100 + i64::from(p))).rem_euclid(100) != 0)
                    }
                }
            });
            let limit = match direction.select {
                SelectPolicy::Min => proposals.min(),
                _ => proposals.max(),
            }
            .unwrap_or(current_i)
            .max(current_i);
            let limit = u32::try_from(limit).unwrap_or(u32::MAX);
            desired.min(limit)
        } else if desired < current {
            let direction = &self.spec.down;
            if direction.select == SelectPolicy::Disabled {
                return current;
            }
            let proposals = direction.policies.iter().map(|policy| {
                let period = u64::try_from(policy.period_seconds).unwrap_or(0);
                let start =
                    current_i + self.changed(now, period, false) - self.changed(now, period, true);
                match policy.amount {
                    RateAmount::Pods(n) => start - i64::from(n),
                    // Rounded down, as the controller truncates.
                    RateAmount::Percent(p) => (start * (100 - i64::from(p))).div_euclid(100),
                }
            });
            // `max` is the largest change: the fewest replicas.
            let limit = match direction.select {
                SelectPolicy::Min => proposals.max(),
                _ => proposals.min(),
            }
            .unwrap_or(current_i)
            .min(current_i);
            let limit = u32::try_from(limit.max(0)).unwrap_or(0);
            desired.max(limit)
        } else {
            desired
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(min: u32, max: u32) -> Spec {
        Spec {
            min,
            max,
            up: Direction::default_up(),
            down: Direction::default_down(),
        }
    }

    /// A total of `total` against a target of `target` per pod.
    fn load(total: u128, target: u128) -> Reading {
        Reading {
            total_milli: total * 1000,
            target_milli: target * 1000,
        }
    }

    #[test]
    fn within_the_tolerance_nothing_changes() {
        let mut hpa = Hpa::new(spec(1, 100), 10);
        // 10 pods at 70 each: 700; a total of 770 is exactly 10 % above.
        assert_eq!(hpa.sync(0, &[load(770, 70)]), 10);
        // 771 is outside: ceil(771 / 70) = 12.
        assert_eq!(hpa.sync(15, &[load(771, 70)]), 12);
    }

    #[test]
    fn scale_up_is_limited_by_the_larger_of_the_default_policies() {
        let mut hpa = Hpa::new(spec(1, 100), 4);
        // Wants ceil(2000 / 50) = 40; 100 % of 4 is 8 and 4 + 4 is 8.
        assert_eq!(hpa.sync(0, &[load(2000, 50)]), 8);
        // Within the same 15 s the period started at 4: still 8.
        assert_eq!(hpa.sync(10, &[load(2000, 50)]), 8);
        // A new period from 8: 16 (100 %) beats 12 (4 pods).
        assert_eq!(hpa.sync(15, &[load(2000, 50)]), 16);
        assert_eq!(hpa.sync(30, &[load(2000, 50)]), 32);
        assert_eq!(hpa.sync(45, &[load(2000, 50)]), 40);
    }

    #[test]
    fn min_select_takes_the_smaller_change() {
        let mut s = spec(1, 100);
        s.up.select = SelectPolicy::Min;
        let mut hpa = Hpa::new(s, 10);
        // 100 % would give 20, 4 pods 14: `min` takes 14.
        assert_eq!(hpa.sync(0, &[load(5000, 50)]), 14);
    }

    #[test]
    fn scale_down_waits_for_the_largest_recommendation_of_its_window() {
        let mut hpa = Hpa::new(spec(1, 100), 10);
        assert_eq!(hpa.sync(0, &[load(500, 50)]), 10);
        // The load halves: 5 wanted, but the window holds 10 until 300 s.
        for t in (15..300).step_by(15) {
            assert_eq!(hpa.sync(t, &[load(250, 50)]), 10, "at {t}s");
        }
        assert_eq!(hpa.sync(300, &[load(250, 50)]), 5);
    }

    #[test]
    fn a_rate_policy_slows_scale_down() {
        let mut s = spec(1, 100);
        s.down = Direction {
            stabilization_seconds: 0,
            tolerance_ppm: DEFAULT_TOLERANCE_PPM,
            policies: vec![RatePolicy {
                amount: RateAmount::Percent(50),
                period_seconds: 60,
            }],
            select: SelectPolicy::Max,
        };
        let mut hpa = Hpa::new(s, 20);
        // Wants 2; 50 % of 20 leaves 10.
        assert_eq!(hpa.sync(0, &[load(100, 50)]), 10);
        // Within the minute the period still starts at 20: no further.
        assert_eq!(hpa.sync(30, &[load(100, 50)]), 10);
        // A new minute from 10: 5.
        assert_eq!(hpa.sync(60, &[load(100, 50)]), 5);
    }

    #[test]
    fn the_largest_metric_wins_and_min_and_max_bound_it() {
        let mut hpa = Hpa::new(spec(3, 12), 6);
        // cpu wants 4 (within its tolerance it would keep 6), the queue 11.
        assert_eq!(hpa.sync(0, &[load(280, 70), load(1100, 100)]), 11);
        // The queue alone wants 30: the maximum is 12.
        assert_eq!(hpa.sync(15, &[load(3000, 100)]), 12);
        let mut hpa = Hpa::new(spec(3, 12), 3);
        // Nothing to do, but never below the minimum.
        assert_eq!(hpa.sync(0, &[load(0, 100)]), 3);
    }

    #[test]
    fn disabled_keeps_the_count() {
        let mut s = spec(1, 100);
        s.down.select = SelectPolicy::Disabled;
        s.down.stabilization_seconds = 0;
        let mut hpa = Hpa::new(s, 10);
        assert_eq!(hpa.sync(0, &[load(100, 50)]), 10);
    }

    /// The example of "Scaling policies" in the Kubernetes documentation
    /// (Horizontal Pod Autoscaling): with a Pods policy of 4 and a Percent
    /// policy of 10 %, each per 60 s, 80 replicas scaled down to 10 first
    /// lose 8, then at 72 "10% of the pods is 7.2 but the number is rounded
    /// up to 8", and below 40 replicas the Pods policy removes 4 at a time.
    #[test]
    fn the_documented_scale_down_example() {
        let mut s = spec(10, 100);
        s.down = Direction {
            stabilization_seconds: 0,
            tolerance_ppm: DEFAULT_TOLERANCE_PPM,
            policies: vec![
                RatePolicy {
                    amount: RateAmount::Pods(4),
                    period_seconds: 60,
                },
                RatePolicy {
                    amount: RateAmount::Percent(10),
                    period_seconds: 60,
                },
            ],
            select: SelectPolicy::Max,
        };
        let mut hpa = Hpa::new(s, 80);
        let mut counts = vec![80];
        // The load asks for 10 pods at every 15 s sync for 15 minutes.
        for t in (0..900).step_by(15) {
            let count = hpa.sync(t, &[load(500, 50)]);
            if counts.last() != Some(&count) {
                counts.push(count);
            }
        }
        assert_eq!(
            counts,
            [80, 72, 64, 57, 51, 45, 40, 36, 32, 28, 24, 20, 16, 12, 10]
        );
    }
}
