//! `scalec plan --chart DIR`: one SVG chart per simulated service, its
//! replicas and its load over the replay.
//!
//! Left axis: pods (the replica count as a step line, the ready pods under
//! it, the maximum dashed). Right axis: requests and messages a second
//! (offered, and served). Coordinates are written with one decimal, so a
//! chart is the same bytes on every machine.

use std::fmt::Write;

use super::clock;
use super::replay::{Replay, ServiceReplay};
use super::table::whole;

const WIDTH: f64 = 760.0;
const HEIGHT: f64 = 360.0;
const LEFT: f64 = 60.0;
const RIGHT: f64 = 70.0;
const TOP: f64 = 50.0;
const BOTTOM: f64 = 50.0;

const REPLICAS: &str = "#1f5fbf";
const READY: &str = "#7fa7e0";
const OFFERED: &str = "#d9731a";
const SERVED: &str = "#2e8b57";

/// The charts of a replay: `(file name, SVG text)`, one per simulated
/// service, named `SERVICE.svg`.
pub fn charts(project: &str, replay: &Replay) -> Vec<(String, String)> {
    replay
        .services
        .iter()
        .map(|run| {
            (
                format!("{}.svg", run.name),
                chart(project, run, replay.duration),
            )
        })
        .collect()
}

/// A scale from 0 to at least `top`, in round steps: the top and the step.
fn axis(top: u128) -> (u128, u128) {
    let top = top.max(1);
    let mut step = 1;
    loop {
        for factor in [1, 2, 5] {
            let candidate = step * factor;
            if top.div_ceil(candidate) <= 6 {
                return (top.div_ceil(candidate) * candidate, candidate);
            }
        }
        step *= 10;
    }
}

/// A time axis step of about six ticks, in round minutes.
fn time_step(duration: u64) -> u64 {
    [60, 120, 300, 600, 900, 1200, 1800, 3600, 7200, 14_400]
        .into_iter()
        .find(|step| duration / step <= 8)
        .unwrap_or(28_800)
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn chart(project: &str, run: &ServiceReplay, duration: u64) -> String {
    let plot_width = WIDTH - LEFT - RIGHT;
    let plot_height = HEIGHT - TOP - BOTTOM;
    let duration = duration.max(1);
    let x = |at: u64| LEFT + plot_width * at as f64 / duration as f64;
    let (pods_top, pods_step) = axis(u128::from(run.max.max(run.peak.0)));
    let load_peak = (run.samples.iter())
        .map(|s| whole(u128::from(s.offered) + u128::from(s.processed)))
        .max()
        .unwrap_or(0);
    let (load_top, load_step) = axis(load_peak);
    let y_pods = |pods: u128| TOP + plot_height * (1.0 - pods as f64 / pods_top as f64);
    let y_load = |load: u128| TOP + plot_height * (1.0 - load as f64 / load_top as f64);

    let mut svg = String::new();
    let _ = writeln!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" font-family="sans-serif" font-size="12">"#
    );
    let _ = writeln!(
        svg,
        r#"  <title>{}: {} replicas and load over {}</title>"#,
        escape(project),
        escape(&run.name),
        clock(duration)
    );
    let _ = writeln!(
        svg,
        r#"  <rect width="{WIDTH}" height="{HEIGHT}" fill="white"/>"#
    );
    let _ = writeln!(
        svg,
        r#"  <text x="{LEFT}" y="22" font-size="15" font-weight="bold">{} / {}: pods and load</text>"#,
        escape(project),
        escape(&run.name)
    );
    // Grid and axes.
    let _ = writeln!(
        svg,
        r##"  <g class="grid" stroke="#dddddd" stroke-width="1">"##
    );
    let mut pods = 0;
    while pods <= pods_top {
        let y = y_pods(pods);
        let _ = writeln!(
            svg,
            r#"    <line x1="{LEFT:.1}" y1="{y:.1}" x2="{:.1}" y2="{y:.1}"/>"#,
            WIDTH - RIGHT
        );
        pods += pods_step;
    }
    svg.push_str("  </g>\n");
    // The tick labels of a vertical axis, at `x`.
    let ticks = |svg: &mut String,
                 class: &str,
                 color: &str,
                 anchor: &str,
                 x: f64,
                 top: u128,
                 step: u128,
                 y: &dyn Fn(u128) -> f64| {
        let _ = writeln!(
            svg,
            r#"  <g class="{class}" fill="{color}" text-anchor="{anchor}">"#
        );
        let mut value = 0;
        while value <= top {
            let _ = writeln!(
                svg,
                r#"    <text x="{x:.1}" y="{:.1}">{value}</text>"#,
                y(value) + 4.0
            );
            value += step;
        }
        svg.push_str("  </g>\n");
    };
    ticks(
        &mut svg,
        "axis-pods",
        REPLICAS,
        "end",
        LEFT - 6.0,
        pods_top,
        pods_step,
        &y_pods,
    );
    ticks(
        &mut svg,
        "axis-load",
        OFFERED,
        "start",
        WIDTH - RIGHT + 6.0,
        load_top,
        load_step,
        &y_load,
    );
    let _ = writeln!(
        svg,
        r##"  <g class="axis-time" fill="#444444" text-anchor="middle">"##
    );
    let step = time_step(duration);
    let mut at = 0;
    while at <= duration {
        let _ = writeln!(
            svg,
            r#"    <text x="{:.1}" y="{:.1}">{}</text>"#,
            x(at),
            HEIGHT - BOTTOM + 18.0,
            clock(at)
        );
        at += step;
    }
    svg.push_str("  </g>\n");
    let _ = writeln!(
        svg,
        r##"  <rect class="frame" x="{LEFT}" y="{TOP}" width="{plot_width}" height="{plot_height}" fill="none" stroke="#888888"/>"##
    );
    // The maximum.
    let y_max = y_pods(u128::from(run.max));
    let _ = writeln!(
        svg,
        r#"  <line class="max" x1="{LEFT:.1}" y1="{y_max:.1}" x2="{:.1}" y2="{y_max:.1}" stroke="{REPLICAS}" stroke-dasharray="6 4"/>"#,
        WIDTH - RIGHT
    );
    // Series.
    let line = |points: Vec<(f64, f64)>, class: &str, color: &str, width: f64, dash: &str| {
        let mut text = format!(
            r#"  <polyline class="{class}" fill="none" stroke="{color}" stroke-width="{width}"{dash} points=""#
        );
        for (i, (px, py)) in points.iter().enumerate() {
            if i > 0 {
                text.push(' ');
            }
            let _ = write!(text, "{px:.1},{py:.1}");
        }
        text.push_str("\"/>\n");
        text
    };
    // A step line turns only where the count changes; a load line keeps a
    // point only where the load bends.
    let step_points = |value: &dyn Fn(&super::replay::Sample) -> u128, y: &dyn Fn(u128) -> f64| {
        let mut points: Vec<(f64, f64)> = Vec::new();
        let mut last = None;
        for sample in &run.samples {
            let now = value(sample);
            match last {
                None => points.push((x(sample.at), y(now))),
                Some(before) if before != now => {
                    points.push((x(sample.at), y(before)));
                    points.push((x(sample.at), y(now)));
                }
                Some(_) => {}
            }
            last = Some(now);
        }
        if let (Some(sample), Some(now)) = (run.samples.last(), last) {
            points.push((x(sample.at), y(now)));
        }
        points
    };
    let smooth_points = |value: &dyn Fn(&super::replay::Sample) -> u128| {
        let values: Vec<(u64, u128)> = run.samples.iter().map(|s| (s.at, value(s))).collect();
        (0..values.len())
            .filter(|&i| {
                // Keep the ends, and every point where the slope changes.
                i == 0
                    || i + 1 == values.len()
                    || values[i].1 * 2 != values[i - 1].1 + values[i + 1].1
            })
            .map(|i| (x(values[i].0), y_load(values[i].1)))
            .collect::<Vec<_>>()
    };
    svg.push_str(&line(
        smooth_points(&|s| whole(u128::from(s.offered) + u128::from(s.processed))),
        "offered",
        OFFERED,
        2.0,
        "",
    ));
    svg.push_str(&line(
        smooth_points(&|s| whole(u128::from(s.served) + u128::from(s.processed))),
        "served",
        SERVED,
        1.5,
        r#" stroke-dasharray="4 3""#,
    ));
    svg.push_str(&line(
        step_points(&|s| u128::from(s.ready), &y_pods),
        "ready",
        READY,
        1.5,
        "",
    ));
    svg.push_str(&line(
        step_points(&|s| u128::from(s.replicas), &y_pods),
        "replicas",
        REPLICAS,
        2.5,
        "",
    ));
    // Legend.
    let legend = [
        (REPLICAS, format!("replicas ({} .. {})", run.min, run.max)),
        (READY, "ready pods".to_string()),
        (OFFERED, "offered / s".to_string()),
        (SERVED, "served / s".to_string()),
    ];
    let _ = writeln!(svg, r#"  <g class="legend">"#);
    let mut lx = LEFT;
    for (color, label) in legend {
        let _ = writeln!(
            svg,
            r#"    <rect x="{lx:.1}" y="{:.1}" width="12" height="4" fill="{color}"/>"#,
            HEIGHT - 18.0
        );
        let _ = writeln!(
            svg,
            r#"    <text x="{:.1}" y="{:.1}">{}</text>"#,
            lx + 16.0,
            HEIGHT - 12.0,
            escape(&label)
        );
        lx += 16.0 + 7.0 * label.chars().count() as f64 + 18.0;
    }
    svg.push_str("  </g>\n</svg>\n");
    svg
}
