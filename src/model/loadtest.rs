//! `loadtest NAME { ... }`: a k6 load test of the project's services, whose
//! numbers are the policy's. `scalec build` writes it as a k6 script
//! (`emit/k6.rs`), the C308, C309 and K131 rules hold it to the services it
//! targets, and `scalec plan --loadtest NAME` replays the load it drives.

use super::{Keyword, Project, Service, Spanned};
use crate::source::Span;
use crate::source::eq_ignoring_spans;

keywords! {
    /// `target { method }`.
    pub enum HttpMethod {
        Get = "GET",
        Post = "POST",
        Put = "PUT",
        Patch = "PATCH",
        Delete = "DELETE",
        Head = "HEAD",
    }
}

/// How a load test makes its load.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Drive {
    /// `users = N`: N virtual users at the peak, each sending a request,
    /// then pausing `think` milliseconds (k6 `ramping-vus`).
    Users {
        users: Spanned<u64>,
        think_millis: Option<Spanned<u128>>,
    },
    /// `rate = N`: N requests a second at the peak, in thousandths (k6
    /// `ramping-arrival-rate`).
    Rate(Spanned<u64>),
}

/// `target SERVICE { method, path, weight }`.
#[derive(Clone, Debug)]
pub struct Target {
    pub service: Spanned<String>,
    pub method: HttpMethod,
    pub path: Spanned<String>,
    /// `body`, sent as written, and its `content_type`.
    pub body: Option<String>,
    pub content_type: Option<String>,
    /// 1 or more.
    pub weight: u64,
    pub span: Span,
}

/// `expect { p95, p99, errors }`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Expect {
    pub p95_millis: Option<Spanned<u128>>,
    pub p99_millis: Option<Spanned<u128>>,
    /// Parts per million.
    pub errors_ppm: Option<Spanned<u32>>,
}

/// A `loadtest` block.
#[derive(Clone, Debug)]
pub struct LoadTest {
    pub name: Spanned<String>,
    /// The environment variable holding the base URL.
    pub base_url: String,
    pub drive: Drive,
    /// `ramp`, `hold` and `ramp_down`, in milliseconds.
    pub ramp_millis: Spanned<u128>,
    pub hold_millis: u128,
    pub ramp_down_millis: u128,
    /// In the order written; at least one, each service once.
    pub targets: Vec<Target>,
    pub expect: Expect,
    pub span: Span,
}

impl Project {
    /// Every target of every load test, with its test and the service it
    /// names; a target whose service the project lacks is left out.
    pub fn load_test_targets(&self) -> impl Iterator<Item = (&LoadTest, &Target, &Service)> {
        self.loadtests.iter().flat_map(move |test| {
            test.targets.iter().filter_map(move |target| {
                let service =
                    (self.services.iter()).find(|s| s.name.value == target.service.value)?;
                Some((test, target, service))
            })
        })
    }
}

/// `think` when not written: one second.
pub const DEFAULT_THINK_MILLIS: u128 = 1000;
/// `content_type` of a `body` when not written.
pub const DEFAULT_CONTENT_TYPE: &str = "application/json";

/// `base_url` when not written.
pub const DEFAULT_BASE_URL: &str = "BASE_URL";

impl LoadTest {
    fn total_weight(&self) -> u128 {
        self.targets
            .iter()
            .map(|t| u128::from(t.weight))
            .sum::<u128>()
            .max(1)
    }

    /// The requests a second it sends to `target` at its peak, in
    /// thousandths: its share of the rate, or its share of the users, each
    /// sending one request every `think` (the most a user can send; the time
    /// a request takes is not counted).
    pub fn peak_rate(&self, target: &Target) -> u128 {
        let weight = u128::from(target.weight);
        match &self.drive {
            Drive::Rate(rate) => u128::from(rate.value) * weight / self.total_weight(),
            Drive::Users {
                users,
                think_millis,
            } => {
                let think = think_millis
                    .as_ref()
                    .map_or(DEFAULT_THINK_MILLIS, |t| t.value);
                // users × weight ÷ total, each 1000 ÷ think (ms) a second, in
                // thousandths.
                u128::from(users.value) * weight * 1_000_000 / (self.total_weight() * think.max(1))
            }
        }
    }

    /// The virtual users of a target at the peak: its share of `users`, at
    /// least one. `None` for a test driven by `rate`.
    pub fn peak_users(&self, target: &Target) -> Option<u128> {
        match &self.drive {
            Drive::Users { users, .. } => Some(
                (u128::from(users.value) * u128::from(target.weight) / self.total_weight()).max(1),
            ),
            Drive::Rate(_) => None,
        }
    }

    /// The request rate it drives at each service over time, as
    /// `(service, [(second, thousandths a second)])`: from 0 to the peak over
    /// `ramp`, held for `hold`, back to 0 over `ramp_down`. Services
    /// targeted by several targets are summed; sorted by service.
    pub fn offered(&self) -> Vec<(String, Vec<(u64, u64)>)> {
        let seconds = |millis: u128| u64::try_from(millis / 1000).unwrap_or(u64::MAX);
        let ramp = seconds(self.ramp_millis.value);
        let hold = ramp.saturating_add(seconds(self.hold_millis));
        let down = hold.saturating_add(seconds(self.ramp_down_millis));
        let mut peaks: std::collections::BTreeMap<String, u128> = Default::default();
        for target in &self.targets {
            *peaks.entry(target.service.value.clone()).or_default() += self.peak_rate(target);
        }
        peaks
            .into_iter()
            .map(|(service, peak)| {
                let peak = u64::try_from(peak).unwrap_or(u64::MAX);
                let mut points = vec![(0, 0), (ramp.max(1), peak)];
                if hold > ramp {
                    points.push((hold, peak));
                }
                if down > hold {
                    points.push((down, 0));
                }
                (service, points)
            })
            .collect()
    }
}

eq_ignoring_spans! {
    Target { service, method, path, body, content_type, weight } ignoring { span }
    LoadTest {
        name, base_url, drive, ramp_millis, hold_millis, ramp_down_millis, targets, expect,
    } ignoring { span }
}
