//! A `loadtest` block → a k6 script, `NAME.k6.js` beside the manifests.
//!
//! One scenario per target, so each endpoint gets its share of the load and
//! its own stages:
//! - `users`: a `ramping-vus` scenario whose virtual users (the target's
//!   share of `users`, at least 1) each send a request and pause `think`;
//! - `rate`: a `ramping-arrival-rate` scenario that starts the target's share
//!   of `rate` requests a second, with virtual users allocated as k6 needs
//!   them.
//!
//! Stages ramp to the peak over `ramp`, hold it for `hold` and ramp down
//! over `ramp_down`. Every request is tagged with its service and endpoint;
//! `expect` becomes thresholds on every request and on each service's. The
//! base URL comes from the environment variable `base_url` names, and the
//! script stops at once when it is unset.

use std::fmt::Write;
use std::path::PathBuf;

use super::{Context, OutputFile};
use crate::model::loadtest::{DEFAULT_CONTENT_TYPE, DEFAULT_THINK_MILLIS, Drive, LoadTest, Target};

/// The file of a load test.
pub fn loadtest_files(context: &Context<'_>, test: &LoadTest) -> OutputFile {
    OutputFile {
        path: PathBuf::from(super::layout::loadtest_file(&test.name.value)),
        content: format!("{}{}", context.header("//", test.span.file), script(test)),
    }
}

/// A duration as k6 reads it: `10m`, `1h`, `90s`, `1500ms`.
fn k6_duration(millis: u128) -> String {
    match i64::try_from(millis / 1000) {
        Ok(seconds) if millis.is_multiple_of(1000) => crate::model::format_seconds(seconds),
        _ => format!("{millis}ms"),
    }
}

/// A JavaScript string literal (JSON's escaping is JavaScript's).
fn js(text: &str) -> String {
    serde_json::to_string(text).expect("a string always serializes")
}

/// The exported function of a target: `target_0_prediction`.
fn function(index: usize, target: &Target) -> String {
    format!("target_{index}_{}", target.service.value.replace('-', "_"))
}

/// The stages from 0 to `peak` and back, as k6 `{ duration, target }`s.
fn stages(test: &LoadTest, peak: u128) -> String {
    let mut stages = vec![(test.ramp_millis.value, peak)];
    if test.hold_millis > 0 {
        stages.push((test.hold_millis, peak));
    }
    if test.ramp_down_millis > 0 {
        stages.push((test.ramp_down_millis, 0));
    }
    let items: Vec<String> = stages
        .iter()
        .map(|(millis, target)| {
            format!(
                "{{ duration: '{}', target: {target} }}",
                k6_duration(*millis)
            )
        })
        .collect();
    format!("[{}]", items.join(", "))
}

/// A rate in thousandths a second, as k6's whole iterations per `timeUnit`:
/// per second when whole, else per minute (rounded up).
fn arrival(milli: u128) -> (u128, &'static str) {
    if milli.is_multiple_of(1000) {
        (milli / 1000, "1s")
    } else {
        ((milli * 60).div_ceil(1000), "1m")
    }
}

pub fn script(test: &LoadTest) -> String {
    let mut out = String::new();
    let env = &test.base_url;
    let _ = writeln!(out, "// k6 load test `{}`.", test.name.value);
    let _ = writeln!(
        out,
        "// Run it: k6 run -e {env}=https://api.example.com {}",
        super::layout::loadtest_file(&test.name.value)
    );
    out.push_str("import http from 'k6/http';\n");
    if matches!(test.drive, Drive::Users { .. }) {
        out.push_str("import { sleep } from 'k6';\n");
    }
    out.push('\n');
    let _ = writeln!(out, "const BASE_URL = __ENV.{env};");
    out.push_str("if (!BASE_URL) {\n");
    let _ = writeln!(
        out,
        "  throw new Error({});",
        js(&format!(
            "set {env} to the base URL of the services, e.g. k6 run -e {env}=https://api.example.com"
        ))
    );
    out.push_str("}\n\n");

    out.push_str("export const options = {\n  scenarios: {\n");
    for (index, target) in test.targets.iter().enumerate() {
        let name = function(index, target);
        let _ = writeln!(out, "    {name}: {{");
        match &test.drive {
            Drive::Users { .. } => {
                let users = test.peak_users(target).unwrap_or(1);
                out.push_str("      executor: 'ramping-vus',\n");
                out.push_str("      startVUs: 0,\n");
                let _ = writeln!(out, "      stages: {},", stages(test, users));
            }
            Drive::Rate(_) => {
                let (rate, unit) = arrival(test.peak_rate(target));
                // Enough users for a second of requests of up to 1 s each.
                let per_second = test.peak_rate(target).div_ceil(1000).max(1);
                out.push_str("      executor: 'ramping-arrival-rate',\n");
                out.push_str("      startRate: 0,\n");
                let _ = writeln!(out, "      timeUnit: '{unit}',");
                let _ = writeln!(out, "      preAllocatedVUs: {},", per_second.min(1000));
                let _ = writeln!(out, "      maxVUs: {},", per_second * 2);
                let _ = writeln!(out, "      stages: {},", stages(test, rate));
            }
        }
        let _ = writeln!(out, "      exec: '{name}',");
        let _ = writeln!(
            out,
            "      tags: {{ service: {} }},",
            js(&target.service.value)
        );
        out.push_str("    },\n");
    }
    out.push_str("  },\n  thresholds: {\n");
    let mut thresholds = Vec::new();
    let expect = &test.expect;
    let mut duration = Vec::new();
    if let Some(p95) = &expect.p95_millis {
        duration.push(format!("'p(95)<{}'", p95.value));
    }
    if let Some(p99) = &expect.p99_millis {
        duration.push(format!("'p(99)<{}'", p99.value));
    }
    let failed = (expect.errors_ppm.as_ref())
        .map(|e| format!("'rate<{}'", super::autoscale::ppm_fraction(e.value)));
    let mut services: Vec<&str> = test
        .targets
        .iter()
        .map(|t| t.service.value.as_str())
        .collect();
    services.sort_unstable();
    services.dedup();
    if !duration.is_empty() {
        thresholds.push(format!("    http_req_duration: [{}],", duration.join(", ")));
        for service in &services {
            thresholds.push(format!(
                "    'http_req_duration{{service:{service}}}': [{}],",
                duration.join(", ")
            ));
        }
    }
    if let Some(failed) = &failed {
        thresholds.push(format!("    http_req_failed: [{failed}],"));
        for service in &services {
            thresholds.push(format!(
                "    'http_req_failed{{service:{service}}}': [{failed}],"
            ));
        }
    }
    for line in thresholds {
        out.push_str(&line);
        out.push('\n');
    }
    out.push_str("  },\n};\n");

    let think = match &test.drive {
        Drive::Users { think_millis, .. } => Some(
            think_millis
                .as_ref()
                .map_or(DEFAULT_THINK_MILLIS, |t| t.value),
        ),
        Drive::Rate(_) => None,
    };
    for (index, target) in test.targets.iter().enumerate() {
        let endpoint = format!("{} {}", target.method.word(), target.path.value);
        out.push('\n');
        let _ = writeln!(out, "export function {}() {{", function(index, target));
        let body = target
            .body
            .as_deref()
            .map_or_else(|| "null".to_string(), js);
        let _ = writeln!(
            out,
            "  http.request({}, BASE_URL + {}, {body}, {{",
            js(target.method.word()),
            js(&target.path.value)
        );
        if target.body.is_some() {
            let content_type = target
                .content_type
                .as_deref()
                .unwrap_or(DEFAULT_CONTENT_TYPE);
            let _ = writeln!(
                out,
                "    headers: {{ 'Content-Type': {} }},",
                js(content_type)
            );
        }
        let _ = writeln!(
            out,
            "    tags: {{ service: {}, endpoint: {} }},",
            js(&target.service.value),
            js(&endpoint)
        );
        out.push_str("  });\n");
        if let Some(think) = think {
            let _ = writeln!(out, "  sleep({});", crate::lint::capacity::decimal(think));
        }
        out.push_str("}\n");
    }
    out
}
