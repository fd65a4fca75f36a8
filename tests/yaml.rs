//! YAML that every reader reads back as written (issue #9, item 7).
//!
//! A plain scalar such as `1:30`, `1_000` or `2001-12-14` is a string to a
//! YAML 1.2 reader and a number or timestamp to a YAML 1.1 one (kubectl's
//! go-yaml v2, PyYAML in kubernetes-validate and checkov), so scalec writes
//! every such string quoted. Each edge case below goes through the real
//! binary (as an env value, an env name or a label value) and through
//! `emit::yaml` directly, and is read back by PyYAML (YAML 1.1) and serde_yaml
//! (YAML 1.2): each must come back as the same string.
//!
//! PyYAML is required (`pip install pyyaml`): without it these tests fail,
//! they never pass silently.

use std::io::Write;
use std::process::{Command, Stdio};

use scalec::emit::yaml::{self, Node};
use serde_json::{Value as Json, json};

/// Which of the two readers here takes a string, written plain, for
/// something other than that string.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Misread {
    PyYaml,
    SerdeYaml,
    Both,
    /// Only a reader not run here: go-yaml v2, which kubectl uses (`y`, `n`,
    /// one-digit months), as the YAML 1.1 types define them.
    Neither,
}

use Misread::{Both, Neither, PyYaml, SerdeYaml};

/// The edge cases, each with the readers that misread it when plain.
const CASES: &[(&str, Misread)] = &[
    // Booleans: YAML 1.1 (`y`/`n` only in go-yaml v2 and the 1.1 spec) and 1.2.
    ("y", Neither),
    ("Y", Neither),
    ("n", Neither),
    ("N", Neither),
    ("yes", PyYaml),
    ("Yes", PyYaml),
    ("YES", PyYaml),
    ("no", PyYaml),
    ("No", PyYaml),
    ("NO", PyYaml),
    ("on", PyYaml),
    ("On", PyYaml),
    ("ON", PyYaml),
    ("off", PyYaml),
    ("Off", PyYaml),
    ("OFF", PyYaml),
    ("true", Both),
    ("True", Both),
    ("TRUE", Both),
    ("false", Both),
    ("False", Both),
    ("FALSE", Both),
    // Nulls.
    ("~", Both),
    ("null", Both),
    ("Null", Both),
    ("NULL", Both),
    ("", Both),
    // Integers: `_`, base prefixes, YAML 1.1 octal, sign, base 60.
    ("0", Both),
    ("12", Both),
    ("+12", Both),
    ("-12", Both),
    ("1_000", PyYaml),
    ("0x1F", Both),
    ("-0x1F", Both),
    ("0o17", SerdeYaml),
    ("0b101", Both),
    ("017", PyYaml),
    ("1:30", PyYaml),
    ("-1:30:00", PyYaml),
    ("190:20:30", PyYaml),
    // Floats: exponents, leading dot, `_`, base 60, infinities, NaN.
    ("1.5", Both),
    ("-1.5", Both),
    (".5", Both),
    ("1.", Both),
    ("1e3", SerdeYaml),
    ("1.0e3", SerdeYaml),
    ("6.8523015e+5", Both),
    ("1_000.5", PyYaml),
    ("190:20:30.15", PyYaml),
    (".inf", Both),
    ("-.Inf", Both),
    ("+.INF", Both),
    (".nan", Both),
    (".NaN", Both),
    (".NAN", Both),
    // Timestamps.
    ("2001-12-14", PyYaml),
    ("2001-12-14t21:59:43.10-05:00", PyYaml),
    ("2001-12-14 21:59:43.10 -5", PyYaml),
    ("2001-12-15T02:59:43.1Z", PyYaml),
    ("2001-1-2", Neither),
    // The merge key and the YAML 1.1 value key: PyYAML has no constructor
    // for either as a value, and fails.
    ("<<", PyYaml),
    ("=", PyYaml),
];

/// Strings no reader takes for another type: they stay plain.
const PLAIN: &[&str] = &[
    "1.2.3",
    "10.0.0.1",
    "500m",
    "v1.2",
    "on-call",
    "yes please",
    "nope",
    "1:30am",
    "2001-12-14x",
    "0x",
    "1e",
    "e3",
    "Yes!",
];

/// Runs PyYAML's `safe_load_all` on each text: its documents as JSON, or the
/// error PyYAML raised. Values JSON cannot hold (dates, infinities, keys
/// that are not strings) come back as strings starting with `!`, so they
/// never equal the string that was written.
fn pyyaml(texts: &[String]) -> Vec<Result<Json, String>> {
    const SCRIPT: &str = r#"
import json, math, sys, yaml
def plain(x):
    if isinstance(x, dict):
        return {(k if isinstance(k, str) else "!key " + repr(k)): plain(v) for k, v in x.items()}
    if isinstance(x, list):
        return [plain(v) for v in x]
    if isinstance(x, float) and not math.isfinite(x):
        return "!float " + repr(x)
    if x is None or isinstance(x, (str, bool, int, float)):
        return x
    return "!" + type(x).__name__ + " " + repr(x)
results = []
for text in json.load(sys.stdin):
    try:
        results.append({"ok": [plain(d) for d in yaml.safe_load_all(text)]})
    except Exception as e:
        results.append({"error": type(e).__name__ + ": " + str(e)})
json.dump(results, sys.stdout, allow_nan=False)
"#;
    let mut child = Command::new("python3")
        .args(["-c", SCRIPT])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python3 with PyYAML is required for tests/yaml.rs (`pip install pyyaml`)");
    let input = serde_json::to_vec(texts).expect("texts are JSON");
    child
        .stdin
        .take()
        .expect("stdin is piped")
        .write_all(&input)
        .expect("python3 reads its input");
    let output = child.wait_with_output().expect("python3 runs");
    assert!(
        output.status.success(),
        "PyYAML is required for tests/yaml.rs (`pip install pyyaml`); python3 said:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let results: Vec<Json> = serde_json::from_slice(&output.stdout).expect("python3 wrote JSON");
    assert_eq!(results.len(), texts.len(), "one result per text");
    results
        .into_iter()
        .map(|r| match r.get("ok") {
            Some(docs) => Ok(docs.clone()),
            None => Err(r["error"].to_string()),
        })
        .collect()
}

/// serde_yaml's reading of a YAML stream, documents as JSON.
fn serde_yaml_docs(text: &str) -> Result<Json, String> {
    let mut docs = Vec::new();
    for document in serde_yaml::Deserializer::from_str(text) {
        let value: serde_yaml::Value =
            serde::Deserialize::deserialize(document).map_err(|e| e.to_string())?;
        docs.push(json_of(value));
    }
    Ok(Json::Array(docs))
}

/// A serde_yaml value as JSON; anything but a string key becomes a `!`
/// string, as in [`pyyaml`].
fn json_of(value: serde_yaml::Value) -> Json {
    use serde_yaml::Value;
    match value {
        Value::Null => Json::Null,
        Value::Bool(b) => Json::Bool(b),
        Value::Number(n) if n.as_f64().is_some_and(|f| !f.is_finite()) => {
            Json::String(format!("!float {n}"))
        }
        Value::Number(n) => serde_json::to_value(&n).expect("finite numbers are JSON"),
        Value::String(s) => Json::String(s),
        Value::Sequence(items) => Json::Array(items.into_iter().map(json_of).collect()),
        Value::Mapping(entries) => Json::Object(
            entries
                .into_iter()
                .map(|(k, v)| {
                    let key = match k {
                        Value::String(s) => s,
                        other => format!("!key {other:?}"),
                    };
                    (key, json_of(v))
                })
                .collect(),
        ),
        Value::Tagged(tagged) => Json::String(format!("!tagged {tagged:?}")),
    }
}

fn string_map(pairs: &[(&str, &str)]) -> Node {
    Node::Mapping(
        pairs
            .iter()
            .map(|(k, v)| (Node::String((*k).into()), Node::String((*v).into())))
            .collect(),
    )
}

/// The table is right about each reader: written plain (`value: S`), each
/// case is misread by exactly the readers it names. So the cases are real
/// hazards, and the readers below are the ones that would fail on them.
#[test]
fn each_case_is_misread_when_plain_by_the_readers_it_names() {
    let texts: Vec<String> = CASES.iter().map(|(s, _)| format!("value: {s}\n")).collect();
    let python = pyyaml(&texts);
    let mut wrong = Vec::new();
    for (((case, expected), text), python) in CASES.iter().zip(&texts).zip(python) {
        let written = json!([{ "value": case }]);
        let py = python.as_ref() != Ok(&written);
        let serde = serde_yaml_docs(text).as_ref() != Ok(&written);
        let found = match (py, serde) {
            (true, true) => Both,
            (true, false) => PyYaml,
            (false, true) => SerdeYaml,
            (false, false) => Neither,
        };
        if found != *expected {
            wrong.push(format!(
                "{case:?}: table says {expected:?}, readers say {found:?}"
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// Each case as a mapping value, a mapping key and a sequence item, written
/// by `emit::yaml` and read by both readers: the same strings come back,
/// and every case is quoted.
#[test]
fn each_case_reads_back_as_written_directly() {
    let mut texts = Vec::new();
    let mut expected = Vec::new();
    for (value, _) in CASES {
        let text = yaml::to_string(&string_map(&[("value", value)]));
        assert!(
            text.starts_with("value: '") || text.starts_with("value: \""),
            "{value:?} is not quoted: {text:?}"
        );
        texts.push(text);
        expected.push(json!([{ "value": value }]));
    }
    let keys: Vec<(&str, &str)> = CASES.iter().map(|(s, _)| (*s, *s)).collect();
    texts.push(yaml::to_string(&string_map(&keys)));
    expected.push(json!([keys
        .iter()
        .map(|(k, v)| ((*k).to_string(), json!(v)))
        .collect::<serde_json::Map<_, _>>()]));
    let items: Vec<Node> = CASES
        .iter()
        .map(|(s, _)| Node::String((*s).into()))
        .collect();
    texts.push(yaml::to_string(&Node::Sequence(items)));
    expected.push(json!([CASES.iter().map(|(s, _)| *s).collect::<Vec<_>>()]));

    let python = pyyaml(&texts);
    for ((text, expected), python) in texts.iter().zip(&expected).zip(python) {
        assert_eq!(python.as_ref(), Ok(expected), "PyYAML read\n{text}");
        assert_eq!(
            serde_yaml_docs(text).as_ref(),
            Ok(expected),
            "serde_yaml read\n{text}"
        );
    }
}

/// Strings no reader misreads are written plain, as before, and read back.
#[test]
fn strings_no_reader_misreads_stay_plain() {
    let texts: Vec<String> = PLAIN
        .iter()
        .map(|s| yaml::to_string(&string_map(&[("value", s)])))
        .collect();
    let python = pyyaml(&texts);
    for ((case, text), python) in PLAIN.iter().zip(&texts).zip(python) {
        assert_eq!(text, &format!("value: {case}\n"));
        let written = json!([{ "value": case }]);
        assert_eq!(python.as_ref(), Ok(&written), "PyYAML read {text}");
        assert_eq!(
            serde_yaml_docs(text).as_ref(),
            Ok(&written),
            "serde_yaml read {text}"
        );
    }
}

/// A label value: at most 63 characters, alphanumeric at both ends, `-_.`
/// inside.
fn is_label_value(s: &str) -> bool {
    let bytes = s.as_bytes();
    !s.is_empty()
        && s.len() <= 63
        && bytes[0].is_ascii_alphanumeric()
        && bytes[bytes.len() - 1].is_ascii_alphanumeric()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

/// Env names some YAML 1.1 reader takes for booleans or nulls.
const ENV_NAMES: &[&str] = &[
    "Y", "N", "y", "n", "ON", "on", "YES", "NO", "OFF", "TRUE", "NULL",
];

/// The real binary: every case as an env value, the risky env names, the
/// label-value cases in a metric selector, a project directory and a
/// service named like a timestamp and a boolean. Both readers read the whole
/// output identically, and each string comes back where it was put.
#[test]
fn each_case_reads_back_from_a_built_manifest() {
    let dir = tempfile::tempdir().expect("temp dir");
    let project = dir.path().join("policies/2001-12-14");
    std::fs::create_dir_all(&project).expect("mkdir");
    let labels: Vec<&str> = CASES
        .iter()
        .map(|(s, _)| *s)
        .filter(|s| is_label_value(s))
        .collect();
    let selector: Vec<String> = labels
        .iter()
        .enumerate()
        .map(|(i, s)| format!("    \"k{i}\" = \"{s}\"\n"))
        .collect();
    let env: Vec<String> = CASES
        .iter()
        .enumerate()
        .map(|(i, (s, _))| format!("    E{i:02} = \"{s}\"\n"))
        .chain(ENV_NAMES.iter().map(|n| format!("    \"{n}\" = \"x\"\n")))
        .collect();
    let policy = format!(
        "metric rps {{\n  kind = pods\n  name = \"http_requests_per_second\"\n  selector {{\n{}  }}\n}}\n\n\
         service on {{\n  image    = \"registry.example.com/api:1.0.0\"\n  port     = 8080\n  \
         health   = \"/ready\"\n  cpu      = 250m .. 500m\n  memory   = 256Mi .. 512Mi\n  \
         replicas = 2 .. 10\n\n  scale rps {{ average = 10 }}\n\n  env {{\n{}  }}\n}}\n",
        selector.concat(),
        env.concat()
    );
    std::fs::write(project.join("api.scale"), &policy).expect("write");
    let output = Command::new(env!("CARGO_BIN_EXE_scalec"))
        .args(["build", "policies", "--stdout"])
        .current_dir(dir.path())
        .output()
        .expect("scalec runs");
    let stdout = String::from_utf8(output.stdout).expect("UTF-8 output");
    assert!(
        output.status.success(),
        "build failed:\n{}\n{policy}",
        String::from_utf8_lossy(&output.stderr)
    );

    let python = pyyaml(std::slice::from_ref(&stdout))
        .pop()
        .expect("one result");
    let docs = serde_yaml_docs(&stdout).expect("serde_yaml reads the build");
    assert_eq!(python.as_ref(), Ok(&docs), "PyYAML and serde_yaml disagree");

    // The default-deny policy of `namespace.yaml` comes first; then the
    // service's ServiceAccount, Deployment, Service and HPA.
    assert_eq!(docs[0]["kind"], "NetworkPolicy");
    assert_eq!(docs[1]["kind"], "ServiceAccount");
    let deployment = &docs[2];
    assert_eq!(deployment["kind"], "Deployment");
    let container = &deployment["spec"]["template"]["spec"]["containers"][0];
    let env = container["env"].as_array().expect("an env list");
    let value_of = |name: &str| {
        env.iter()
            .find(|e| e["name"] == name)
            .map(|e| e["value"].clone())
    };
    for (i, (case, _)) in CASES.iter().enumerate() {
        assert_eq!(
            value_of(&format!("E{i:02}")),
            Some(json!(case)),
            "env value {case:?}"
        );
    }
    for name in ENV_NAMES {
        assert_eq!(value_of(name), Some(json!("x")), "env name {name:?}");
    }

    let labels_of = |doc: &Json| doc["metadata"]["labels"].clone();
    for doc in docs.as_array().expect("documents") {
        assert_eq!(labels_of(doc)["app.kubernetes.io/part-of"], "2001-12-14");
        // Every object but the project's default-deny is the service's.
        let name = if doc["kind"] == "NetworkPolicy" {
            "default-deny"
        } else {
            "on"
        };
        assert_eq!(labels_of(doc)["app.kubernetes.io/name"], name);
        assert_eq!(doc["metadata"]["name"], name);
    }
    let hpa = &docs[4];
    assert_eq!(hpa["kind"], "HorizontalPodAutoscaler");
    let match_labels = &hpa["spec"]["metrics"][0]["pods"]["metric"]["selector"]["matchLabels"];
    for (i, label) in labels.iter().enumerate() {
        assert_eq!(
            match_labels[format!("k{i}")],
            json!(label),
            "label value {label:?}"
        );
    }
}

/// Strings from an alphabet of YAML's special characters (quotes, `#`,
/// `:`, dashes, blanks, line breaks, control and non-ASCII characters), as
/// keys, values and items: PyYAML and serde_yaml read each back as written.
#[test]
fn random_strings_read_back_in_both_readers() {
    const ALPHABET: &[&str] = &[
        "a",
        "Z",
        "0",
        "1",
        "9",
        " ",
        "  ",
        ":",
        ": ",
        "#",
        " #",
        "-",
        "- ",
        "?",
        ".",
        "_",
        "'",
        "\"",
        "\\",
        "|",
        ">",
        "!",
        "&",
        "*",
        "%",
        "@",
        "`",
        ",",
        "[",
        "]",
        "{",
        "}",
        "~",
        "<<",
        "=",
        "\n",
        "\n\n",
        "\t",
        "\r",
        "\u{0}",
        "\u{7}",
        "\u{1b}",
        "\u{7f}",
        "\u{85}",
        "\u{a0}",
        "é",
        "→",
        "\u{2028}",
        "\u{feff}",
        "\u{1f600}",
        "e",
        "x",
        "y",
        "on",
        "1:30",
        "2001-12-14",
        "---",
        "...",
    ];
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move |n: usize| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        usize::try_from(state % n as u64).expect("below n")
    };
    let mut texts = Vec::new();
    let mut expected = Vec::new();
    for _ in 0..200 {
        let strings: Vec<String> = (0..6)
            .map(|_| {
                (0..next(7))
                    .map(|_| ALPHABET[next(ALPHABET.len())])
                    .collect()
            })
            .collect();
        let mut keys = std::collections::BTreeSet::new();
        let entries: Vec<(&str, &str)> = strings
            .chunks(2)
            .filter(|pair| keys.insert(pair[0].clone()))
            .map(|pair| (pair[0].as_str(), pair[1].as_str()))
            .collect();
        let node = Node::Mapping(vec![
            (Node::String("map".into()), string_map(&entries)),
            (
                Node::String("list".into()),
                Node::Sequence(strings.iter().map(|s| Node::String(s.clone())).collect()),
            ),
        ]);
        texts.push(yaml::to_string(&node));
        let map: serde_json::Map<String, Json> = entries
            .iter()
            .map(|(k, v)| ((*k).to_string(), json!(v)))
            .collect();
        expected.push(json!([{ "map": map, "list": strings }]));
    }
    let python = pyyaml(&texts);
    for ((text, expected), python) in texts.iter().zip(&expected).zip(python) {
        assert_eq!(python.as_ref(), Ok(expected), "PyYAML read\n{text:?}");
        assert_eq!(
            serde_yaml_docs(text).as_ref(),
            Ok(expected),
            "serde_yaml read\n{text:?}"
        );
    }
}
