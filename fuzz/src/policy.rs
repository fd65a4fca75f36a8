//! A generator of plausible policy projects, driven by `arbitrary` bytes.
//!
//! The fuzz targets (`*_policy`) and the proptest properties in
//! `tests/properties.rs` share this file (the tests include it with
//! `#[path]`), so both explore the same space: the block kinds and attributes
//! of `lower::schema::BLOCKS` with values of the right shape most of the time,
//! odd numbers (zero, negatives, past `u64`, long fractions, every unit), odd
//! strings (escapes, unicode, quotes, long), names that do and do not resolve,
//! nested lists, comments and `# scalec:` directives, and line endings that
//! mix `\n`, `\r\n` and stray `\r`. Sizes stay small (nesting depth, list
//! length, string length) so that the known slow or deep inputs do not drown
//! everything else; the byte targets explore those.

use arbitrary::{Arbitrary, Result, Unstructured};
use scalec::lower::schema::{self, BlockSchema, LabelRule, ValueType};

/// A generated project: the texts of one to four files. Where each file
/// lives is [`crate::properties::path_of`], as for the byte targets, so a
/// generated project and its bytes (files joined by `0xFF`) are the same input.
#[derive(Clone, Debug)]
pub struct Project {
    pub files: Vec<String>,
}

impl<'a> Arbitrary<'a> for Project {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        let count = u.int_in_range(1..=4)?;
        let tidy = u.ratio(1, 2)?;
        let mut files = Vec::with_capacity(count);
        for i in 0..count {
            let mut writer = Writer::new(u)?;
            writer.tidy = tidy;
            writer.labels = i * 100;
            writer.hostile &= !tidy;
            writer.file(u)?;
            files.push(writer.out);
        }
        Ok(Project { files })
    }
}

/// One generated file's text, for targets that take a single file.
#[derive(Clone, Debug)]
pub struct File(pub String);

impl<'a> Arbitrary<'a> for File {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        let mut writer = Writer::new(u)?;
        writer.file(u)?;
        Ok(File(writer.out))
    }
}

/// Names shared across a project, so references (`scale jobs`, `auth = x`)
/// often resolve and sometimes do not.
const NAMES: &[&str] = &[
    "api",
    "web",
    "worker",
    "jobs",
    "rps",
    "db",
    "cpu",
    "memory",
    "orders",
    "x",
    "_id",
    "customer_id",
    "Bad_Name",
    "a-",
    "k-1",
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
];

/// Names that are not identifiers: they must be quoted (or are a syntax
/// error in a hostile file).
const ODD_NAMES: &[&str] = &["é", "-a", "1x", "a.b", "", " "];

/// Numbers as written, from ordinary to hostile.
const NUMBERS: &[&str] = &[
    "0",
    "1",
    "2",
    "3",
    "10",
    "65535",
    "65536",
    "-1",
    "-0",
    "0.5",
    "1.5",
    "0.0001",
    "007",
    "4294967295",
    "4294967296",
    "9007199254740993",
    "18446744073709551615",
    "18446744073709551616",
    "99999999999999999999999999999999",
    "1.000000000000000000001",
    "0.000000000000000000001",
    "123456789012345678901234567890.5",
];

const UNITS: &[&str] = &[
    "", "", "", "m", "Mi", "Gi", "Ki", "Ti", "Pi", "Ei", "k", "M", "G", "%", "s", "h", "ms", "d",
    "x", "MiB",
];

/// String contents as written between the quotes (escapes included).
const STRINGS: &[&str] = &[
    "",
    "a:1",
    "registry.example/app:1.2.3",
    "ghcr.io/x/y@sha256:4f6d3c2b1a0e9f8d7c6b5a4e3d2c1b0a9f8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c",
    "/healthz",
    "healthz",
    "1.34",
    "1.33",
    "1.99",
    "2",
    "https://sqs.us-east-1.amazonaws.com/123456789012/q",
    "https://sqs..amazonaws.com/",
    "us-east-1",
    "x\\\"y",
    "tab\\there",
    "\\u{e9}",
    "\\u{0}",
    "\\u{10FFFF}",
    "line\\nbreak",
    "#not a comment",
    "é ünïcode 🚀",
    "\u{200B}zero width",
    "../../etc/passwd",
    "/abs/path",
    "a/b",
    "C:\\\\x",
    "true",
    "null",
    "~",
    "- item",
    ": colon",
    "yes",
    "on",
    "0x1F",
    "1e3",
    "{{ template }}",
    "*alias",
    "&anchor",
    "!tag",
    "%percent",
    "@at",
    "`tick`",
    "'single'",
];

/// String contents with an invalid escape: an E001, used in hostile files.
const BAD_STRINGS: &[&str] = &["\\u{D800}", "\\u{110000}", "\\q", "\\u{}", "\\", "\\u{e9"];

/// Comments, including directives well and badly formed.
const COMMENTS: &[&str] = &[
    "#",
    "# why",
    "#no space",
    "# a # b",
    "# é ünïcode",
    "# scalec: allow K104 batch worker, restart is fine",
    "# scalec: allow K101, K102 reason",
    "# scalec: allow single-replica reason",
    "# scalec: allow K104",
    "# scalec: allow",
    "# scalec: allow ZZ999 nothing",
    "# scalec: allow E001 language errors cannot be allowed",
    "# scalec: deny K104",
    "# scalec:",
    "# scalec: allow K104 \u{7f}",
];

/// Words for `Word` attributes that are never right.
const WRONG_WORDS: &[&str] = &["yes", "HPA", "none", "zone-x", "percona2", "sqs"];

/// Rule codes and names for `lint { deny = [...] }`.
const RULES: &[&str] = &[
    "K101",
    "K104",
    "M201",
    "C301",
    "S001",
    "E001",
    "warnings",
    "single-replica",
    "nonsense",
];

/// Writes one file's text; the choices all come from the bytes.
struct Writer {
    out: String,
    /// `None`: mix line endings line by line.
    newline: Option<&'static str>,
    /// A hostile file also gets what is usually a syntax error: stray `\r`,
    /// no-break spaces, invalid escapes, unquoted odd names, trailing junk.
    hostile: bool,
    /// A tidy file has values that are valid (see [`Writer::tidy_value`]),
    /// so that whole projects compile and reach `emit`.
    tidy: bool,
    /// Labels written so far, so a tidy file names each block once.
    labels: usize,
}

impl Writer {
    fn new(u: &mut Unstructured<'_>) -> Result<Self> {
        let newline = *u.choose(&[Some("\n"), Some("\n"), Some("\r\n"), None])?;
        let hostile = u.ratio(1, 8)?;
        Ok(Writer {
            out: String::new(),
            newline,
            hostile,
            tidy: false,
            labels: 0,
        })
    }

    fn newline(&mut self, u: &mut Unstructured<'_>) -> Result<()> {
        let newline = match self.newline {
            Some(newline) => newline,
            // A lone `\r` is rare: most of the time it is a syntax error.
            None if self.hostile && u.ratio(1, 10)? => "\r",
            None => *u.choose(&["\n", "\r\n", "\n\n", "\r\n\r\n"])?,
        };
        self.out.push_str(newline);
        Ok(())
    }

    fn space(&mut self, u: &mut Unstructured<'_>) -> Result<()> {
        // A no-break space is rare: most of the time it is a syntax error.
        let space = if self.hostile && u.ratio(1, 20)? {
            "\u{a0}"
        } else {
            *u.choose(&[" ", " ", " ", "", "  ", "\t", " \t "])?
        };
        self.out.push_str(space);
        Ok(())
    }

    fn comments(&self) -> &'static [&'static str] {
        if self.tidy { &COMMENTS[..5] } else { COMMENTS }
    }

    fn maybe_comment(&mut self, u: &mut Unstructured<'_>) -> Result<()> {
        if u.ratio(1, 8)? {
            self.out.push_str(u.choose(self.comments())?);
            self.newline(u)?;
        }
        Ok(())
    }

    fn file(&mut self, u: &mut Unstructured<'_>) -> Result<()> {
        if u.ratio(1, 20)? {
            self.out.push('\u{FEFF}');
        }
        let blocks = u.int_in_range(0..=5)?;
        for _ in 0..blocks {
            self.maybe_comment(u)?;
            if !self.tidy && u.ratio(1, 25)? {
                // A top-level attribute or an unknown block kind.
                self.attribute(u, None)?;
                self.newline(u)?;
                continue;
            }
            // A tidy project repeats no block that must be unique.
            let kinds: &[&str] = if self.tidy {
                &["service", "service", "queue", "metric", "database"]
            } else {
                schema::TOP_LEVEL
            };
            if self.tidy && u.ratio(1, 8)? {
                self.tidy_job(u)?;
                self.newline(u)?;
                continue;
            }
            if self.tidy && u.ratio(1, 10)? {
                self.tidy_atlas_database(u)?;
                self.newline(u)?;
                continue;
            }
            if self.tidy && u.ratio(1, 12)? {
                self.tidy_enterprise_database(u)?;
                self.newline(u)?;
                continue;
            }
            if self.tidy && u.ratio(1, 10)? {
                self.tidy_loadtest(u)?;
                self.newline(u)?;
                continue;
            }
            let kind = *u.choose(kinds)?;
            self.block(u, kind, 0)?;
            self.newline(u)?;
            if u.ratio(1, 4)? {
                self.newline(u)?;
            }
        }
        if self.hostile && u.ratio(1, 2)? {
            // A file that ends without a final line break, or with junk.
            let tail = *u.choose(&["", "}", "{", "x =", "\"", "[", "# end"])?;
            self.out.push_str(tail);
        }
        Ok(())
    }

    /// A valid service that runs as Jobs, with the SQS queue it counts: a
    /// job refuses too much of what a tidy service may hold to come from
    /// [`Writer::block`].
    fn tidy_job(&mut self, u: &mut Unstructured<'_>) -> Result<()> {
        self.labels += 1;
        let n = self.labels;
        let in_flight = *u.choose(&["", "\n  in_flight = false"])?;
        let strategy = *u.choose(&["", " strategy = accurate;", " strategy = eager;"])?;
        let deadline = *u.choose(&["", " deadline = 10m;"])?;
        let range = *u.choose(&["0 .. 4", "1 .. 10"])?;
        self.out.push_str(&format!(
            "queue queue-{n} {{\n  provider = aws-sqs\n  \
             url = \"https://sqs.us-east-1.amazonaws.com/123456789012/q\"\n  \
             auth = operator{in_flight}\n}}\n\n\
             service job-{n} {{\n  image = \"registry.example.com/job:1.0.0\"\n  \
             replicas = {range}\n  scale queue-{n} {{ average = 1 }}\n  \
             job {{{deadline}{strategy} retries = 2 }}\n}}"
        ));
        Ok(())
    }

    /// A valid load test with the service it targets: a target names a
    /// service by its generated name, which [`Writer::block`] cannot know.
    fn tidy_loadtest(&mut self, u: &mut Unstructured<'_>) -> Result<()> {
        self.labels += 1;
        let n = self.labels;
        let drive = *u.choose(&[
            "users = 50",
            "users = 10k\n  think = 5s",
            "rate = 200",
            "rate = 0.5",
        ])?;
        let stages = *u.choose(&["ramp = 1s", "ramp = 10m\n  hold = 1h\n  ramp_down = 5m"])?;
        let request = *u.choose(&[
            "path = \"/\"",
            "method = POST; path = \"/v1/x\"; body = \"{\\\"a\\\": 1}\"",
            "method = DELETE; path = \"/v1/x?id=1\"; weight = 3",
        ])?;
        let expect = *u.choose(&["", "\n  expect { p95 = 400ms; p99 = 1s; errors = 1% }"])?;
        self.out.push_str(&format!(
            "service web-{n} {{\n  image = \"registry.example.com/web:1.0.0\"\n  \
             port = 8080\n  replicas = 2 .. 4\n  ingress_from = [ingress-nginx]\n}}\n\n\
             loadtest test-{n} {{\n  {drive}\n  {stages}\n  target web-{n} {{ {request} }}{expect}\n}}"
        ));
        // Sometimes an environment that resizes the service.
        if u.ratio(1, 2)? {
            let size = *u.choose(&["2 .. 3", "3 .. 8", "4"])?;
            self.out.push_str(&format!(
                "\n\nenvironment env-{n} {{\n  service web-{n} {{ replicas = {size} }}\n}}"
            ));
        }
        Ok(())
    }

    /// A valid database on MongoDB Atlas: Atlas refuses too much of what a
    /// tidy database may hold (routers, pod sizes, even member counts) to
    /// come from [`Writer::block`]. Its project is its own, so no two
    /// databases create one.
    fn tidy_atlas_database(&mut self, u: &mut Unstructured<'_>) -> Result<()> {
        self.labels += 1;
        let n = self.labels;
        let members = *u.choose(&["", "\n  members  = 5", "\n  members  = 7"])?;
        let version = *u.choose(&["", "\n  version  = \"8.0\""])?;
        let create = *u.choose(&["", "\n    create_project = true"])?;
        let instance = *u.choose(&["M30", "M40 .. M80", "R50 .. R80", "M60_NVME"])?;
        let disk = *u.choose(&["", "\n    disk_autoscaling = false"])?;
        self.out.push_str(&format!(
            "database atlas-{n} {{\n  engine   = mongodb\n  operator = atlas\n  \
             shards   = 2{members}{version}\n\n  atlas {{\n    project = \"p-{n}\"{create}\n    \
             provider = aws\n    region = \"US_EAST_1\"\n    instance = {instance}{disk}\n    \
             password_secret = \"atlas-{n}-password\"\n  }}\n\n  \
             collection c {{ shard_key = hashed(k) }}\n}}"
        ));
        Ok(())
    }

    /// A valid database on the MongoDB Enterprise operator, which needs a
    /// full `version` and its `enterprise` block.
    fn tidy_enterprise_database(&mut self, u: &mut Unstructured<'_>) -> Result<()> {
        self.labels += 1;
        let n = self.labels;
        let version = *u.choose(&["8.0.12-ent", "7.0.14"])?;
        let routers = *u.choose(&["", "\n  routers  = 3"])?;
        let shard = *u.choose(&["", "\n\n  shard { cpu = 1 .. 2; memory = 4Gi .. 4Gi }"])?;
        self.out.push_str(&format!(
            "database enterprise-{n} {{\n  engine   = mongodb\n  operator = mongodb-enterprise\n  \
             version  = \"{version}\"\n  shards   = 2{routers}\n\n  enterprise {{\n    \
             project_config_map = \"om-{n}\"\n    credentials = \"om-{n}-key\"\n    \
             setup_secret = \"enterprise-{n}-setup\"\n  }}{shard}\n\n  \
             collection c {{ shard_key = hashed(k) }}\n}}"
        ));
        Ok(())
    }

    fn label(&mut self, u: &mut Unstructured<'_>) -> Result<()> {
        if u.ratio(1, 6)? {
            self.string(u)
        } else {
            self.name(u)
        }
    }

    /// A name; an odd one is quoted, unless the file is hostile.
    fn name(&mut self, u: &mut Unstructured<'_>) -> Result<()> {
        if u.ratio(1, 10)? {
            let name = *u.choose(ODD_NAMES)?;
            if self.hostile && u.ratio(1, 2)? {
                self.out.push_str(name);
            } else {
                self.out.push('"');
                self.out.push_str(name);
                self.out.push('"');
            }
        } else {
            self.out.push_str(u.choose(NAMES)?);
        }
        Ok(())
    }

    fn block(&mut self, u: &mut Unstructured<'_>, kind: &str, depth: u32) -> Result<()> {
        let schema = schema::block(kind);
        self.out.push_str(kind);
        let labelled = match schema.map(|s| s.label) {
            Some(LabelRule::Required(_)) => !u.ratio(1, 30)?,
            Some(LabelRule::Optional(_)) => u.ratio(1, 2)?,
            Some(LabelRule::None) => u.ratio(1, 30)?,
            None => u.ratio(1, 2)?,
        };
        if self.tidy {
            if let Some(LabelRule::Required(_) | LabelRule::Optional(_)) = schema.map(|s| s.label) {
                self.out.push(' ');
                self.labels += 1;
                match kind {
                    "scale" => self.out.push_str(u.choose(&["cpu", "memory"])?),
                    "probe" => self.out.push_str("readiness"),
                    _ => self.out.push_str(&format!("{kind}-{}", self.labels)),
                }
            }
        } else if labelled {
            self.out.push(' ');
            self.label(u)?;
        }
        self.space(u)?;
        self.out.push('{');
        let one_line = u.ratio(1, 4)?;
        if one_line {
            self.space(u)?;
        } else {
            self.newline(u)?;
        }
        if let Some(schema) = schema {
            self.block_body(u, schema, depth, one_line)?;
        }
        if !one_line {
            self.maybe_comment(u)?;
        }
        self.out.push('}');
        // A comment after `}` would swallow the rest of a one-line parent.
        if depth == 0 && u.ratio(1, 10)? {
            self.space(u)?;
            self.out.push_str(u.choose(self.comments())?);
        }
        Ok(())
    }

    fn block_body(
        &mut self,
        u: &mut Unstructured<'_>,
        schema: &BlockSchema,
        depth: u32,
        one_line: bool,
    ) -> Result<()> {
        let mut statements = 0;
        let separator = |writer: &mut Writer, u: &mut Unstructured<'_>| -> Result<()> {
            if one_line {
                writer.out.push_str(u.choose(&["; ", ";", " ; "])?);
                Ok(())
            } else {
                writer.newline(u)
            }
        };
        // `scale`, `disruption` and `probe` take exactly one of their
        // attributes (a probe's handler: `exec`, which needs no port).
        let exclusive = matches!(schema.kind, "scale" | "disruption" | "probe");
        let only = if exclusive && self.tidy {
            // `cpu` and `memory` take no `total`.
            let names: &[&str] = match schema.kind {
                "scale" => &["utilization", "average"],
                "probe" => &["exec"],
                _ => &["max_unavailable"],
            };
            Some(*u.choose(names)?)
        } else {
            None
        };
        let mut karpenter = false;
        for attribute in schema.attributes {
            // Required attributes are usually there; others half the time.
            let present = if let Some(only) = only {
                attribute.name == only
            } else if self.tidy && attribute.name == "health" {
                // A health path needs a port, which may be left out.
                false
            } else if self.tidy && attribute.name == "external" {
                // An external trigger_auth takes no identity or parameters,
                // which the generated one may have.
                false
            } else if self.tidy && attribute.name == "activation" {
                // KEDA's only, and the generated cluster may use the HPA.
                false
            } else if self.tidy && attribute.name == "autoscaler" && schema.kind != "cluster" {
                // KEDA in a service needs what the cluster's KEDA needs
                // (requests, a trigger that wakes at zero); once per project
                // is enough.
                false
            } else if self.tidy && schema.kind == "security" {
                // A relaxation needs its reason, and root takes no user id.
                match attribute.name {
                    "reason" | "writable_root" => true,
                    "run_as_root" => false,
                    _ => u.ratio(1, 2)?,
                }
            } else if self.tidy && schema.kind == "database" {
                // A MongoDB cluster: its `shards` always, and none of
                // PostgreSQL's attributes.
                match attribute.name {
                    "shards" => true,
                    "max_connections" | "reserved_connections" => false,
                    _ if attribute.required => true,
                    _ => u.ratio(1, 2)?,
                }
            } else if self.tidy && schema.kind == "queue" {
                // An aws-sqs queue: its `url` always, and none of the other
                // providers' attributes.
                match attribute.name {
                    "provider" | "url" => true,
                    "region" | "in_flight" | "delayed" | "auth" | "metric" => u.ratio(1, 2)?,
                    _ => false,
                }
            } else if self.tidy && schema.kind == "nodes" && attribute.name == "provisioner" {
                // Karpenter's attributes come only with it (E008 otherwise).
                karpenter = u.ratio(1, 2)?;
                karpenter
            } else if self.tidy
                && schema.kind == "nodes"
                && schema::KARPENTER_ATTRIBUTES.contains(&attribute.name)
            {
                karpenter && u.ratio(1, 2)?
            } else if self.tidy && schema.kind == "toleration" && attribute.name == "effect" {
                // `seconds` needs `effect = no_execute`.
                true
            } else if self.tidy
                && schema.kind == "node_affinity"
                && matches!(attribute.name, "operator" | "values")
            {
                // Which values an operator takes depends on it: both are
                // written, as `tidy_value` pairs them.
                true
            } else if attribute.required {
                self.tidy || !u.ratio(1, 15)?
            } else {
                u.ratio(1, 2)?
            };
            if !present {
                continue;
            }
            if !one_line {
                self.maybe_comment(u)?;
                self.out.push_str("  ");
            } else if statements > 0 {
                separator(self, u)?;
            }
            self.out.push_str(attribute.name);
            self.space(u)?;
            self.out.push('=');
            self.space(u)?;
            if self.tidy {
                self.tidy_value(u, schema.kind, attribute.name, attribute.value)?;
            } else {
                self.value_of(u, attribute.value, 0)?;
            }
            if !one_line {
                if u.ratio(1, 12)? {
                    self.out.push_str("  ");
                    self.out.push_str(u.choose(self.comments())?);
                }
                separator(self, u)?;
            }
            statements += 1;
        }
        let free_form = schema.free_form || (!self.tidy && u.ratio(1, 20)?);
        if free_form {
            let count = if self.tidy { 1 } else { u.int_in_range(0..=3)? };
            for _ in 0..count {
                if one_line && statements > 0 {
                    separator(self, u)?;
                }
                if self.tidy && schema.kind == "files" {
                    self.out.push_str("\"/etc/a\" = secret(a)");
                } else if self.tidy {
                    self.out.push_str("KEY = \"a\"");
                } else {
                    self.attribute(u, Some(ValueType::String))?;
                }
                if !one_line {
                    separator(self, u)?;
                }
                statements += 1;
            }
        }
        if depth < 3 {
            for &nested in schema.blocks {
                let repeat = if self.tidy && matches!(nested, "keda" | "metrics") {
                    // KEDA's options need `autoscaler = keda`, a range and
                    // signals the generated service may not have; `metrics`
                    // a port it may not have.
                    0
                } else if self.tidy && nested == "connections" {
                    // Its label must name a database of the project.
                    0
                } else if self.tidy && matches!(nested, "atlas" | "enterprise") {
                    // Atlas needs `operator = atlas` and refuses routers,
                    // config servers and pod sizes, which a tidy database
                    // may have; `enterprise` needs `operator =
                    // mongodb-enterprise`; `tidy_value` writes `operator =
                    // percona`.
                    0
                } else if self.tidy && nested == "job" {
                    // A job needs a queue signal and refuses ports, probes,
                    // `disruption` and HPA behaviour, which a tidy service
                    // may have; untidy files still write it.
                    0
                } else if self.tidy && matches!(nested, "scale" | "object" | "probe") {
                    // `object` needs `kind = object`; a second `scale`
                    // may name the same resource, a second `probe` be of
                    // the same kind.
                    u8::from(matches!(nested, "scale" | "probe") && u.ratio(1, 2)?)
                } else if schema.repeatable.contains(&nested) {
                    u.int_in_range(0..=2)?
                } else {
                    u8::from(u.ratio(1, 2)?)
                };
                for _ in 0..repeat {
                    if one_line && statements > 0 {
                        separator(self, u)?;
                    }
                    let kind = if !self.tidy && u.ratio(1, 30)? {
                        *u.choose(schema::TOP_LEVEL)?
                    } else {
                        nested
                    };
                    self.block(u, kind, depth + 1)?;
                    if !one_line {
                        separator(self, u)?;
                    }
                    statements += 1;
                }
            }
        }
        if one_line {
            self.space(u)?;
        }
        Ok(())
    }

    /// A valid value for attribute `name` of a `kind` block.
    fn tidy_value(
        &mut self,
        u: &mut Unstructured<'_>,
        kind: &str,
        name: &str,
        value: ValueType,
    ) -> Result<()> {
        // Now and then a number at the edge, so lint and emit see them too.
        let numeric = matches!(
            value,
            ValueType::Count | ValueType::Number | ValueType::Quantity | ValueType::Cpu
        );
        // A user id of 0 is root, which `security` writes otherwise.
        // A weight is 1 to 100; `seconds` at an edge shows nothing new.
        let bounded = matches!(kind, "security" | "node_affinity" | "toleration");
        if numeric && !bounded && u.ratio(1, 20)? {
            return self.number(u, &[""]);
        }
        if let ValueType::Words(words) = value {
            self.out.push('[');
            self.out.push_str(u.choose(words)?);
            self.out.push(']');
            return Ok(());
        }
        let text: &str = match (kind, name, value) {
            (_, "image", _) => "\"registry.example/app:1.2.3\"",
            (_, "url", _) => "\"https://sqs.us-east-1.amazonaws.com/123456789012/q\"",
            (_, "region", _) => "\"us-east-1\"",
            // Only aws-sqs takes `url` and `region`; `presence` writes no
            // other provider's attributes.
            ("queue", "provider", _) => "aws-sqs",
            (_, "aws_role", _) => "\"arn:aws:iam::123456789012:role/app\"",
            (_, "gcp_service_account", _) => "\"app-reader@shop-prod.iam.gserviceaccount.com\"",
            (_, "kubernetes", _) => u.choose(&["\"1.33\"", "\"1.34\"", "\"1.37\""])?,
            (_, "version", _) => "\"7.0\"",
            // Atlas needs its `atlas` block, which tidy files leave out.
            ("database", "operator", _) => "percona",
            ("object", "kind", _) => "\"Ingress\"",
            ("metric", "kind", _) => u.choose(&["pods", "external"])?,
            // PostgreSQL takes none of the MongoDB attributes `presence` writes.
            ("database", "engine", _) if self.tidy => "mongodb",
            ("cluster", "prometheus", _) => "\"http://prometheus.monitoring:9090\"",
            // prometheus-adapter also needs metric and label names that
            // Prometheus reads, which generated labels are not.
            ("cluster", "metrics_adapter", _) if self.tidy => "other",
            ("metric", "series", _) => "\"http_requests_total\"",
            ("metric", "rate", _) => u.choose(&["30s", "2m"])?,
            ("object", "api_version", _) => "\"networking.k8s.io/v1\"",
            (_, "metric" | "name", _) => "\"http_requests\"",
            ("toleration", "effect", _) => "no_execute",
            // A value that is both a label value and an integer suits
            // every operator that takes one.
            ("node_affinity", "operator", _) => u.choose(&["in", "not_in", "gt", "lt"])?,
            ("node_affinity", "values", _) => "[\"4\"]",
            ("node_affinity", "weight", _) => u.choose(&["1", "50", "100"])?,
            // Longer than a `pre_stop` sleep.
            (_, "grace_period", _) => u.choose(&["30s", "5m"])?,
            (_, _, ValueType::String) => "\"a\"",
            (_, _, ValueType::Path) => "\"/healthz\"",
            (_, _, ValueType::Version) => "\"1.34\"",
            (_, _, ValueType::Word(words)) => u.choose(words)?,
            (_, _, ValueType::Name) => u.choose(&["reader", "\"reader-2\""])?,
            (_, _, ValueType::Port) => u.choose(&["8080", "1", "65535"])?,
            (_, _, ValueType::Count) => u.choose(&["1", "2", "3", "5"])?,
            (_, _, ValueType::CountOrRange) => u.choose(&["2 .. 10", "3 .. 3", "2 .. 4"])?,
            (_, _, ValueType::Number) => u.choose(&["1", "1.0"])?,
            (_, _, ValueType::Quantity) => u.choose(&["1", "60", "250m"])?,
            (_, _, ValueType::Cpu) => u.choose(&["8", "500m"])?,
            (_, _, ValueType::CpuOrRange) => u.choose(&["250m .. 500m", "1", "100m"])?,
            (_, _, ValueType::Memory) => u.choose(&["32Gi", "512Mi"])?,
            (_, _, ValueType::MemoryOrRange) => u.choose(&["256Mi .. 512Mi", "1Gi"])?,
            (_, _, ValueType::Duration) => u.choose(&["0s", "30s", "5m"])?,
            (_, _, ValueType::Percent) => u.choose(&["70%", "1%", "100%"])?,
            (_, _, ValueType::CountOrPercent) => u.choose(&["1", "25%"])?,
            (_, _, ValueType::Rates) => {
                u.choose(&["50% per 1m", "4 per 15s", "[100% per 15s, 4 per 15s]"])?
            }
            (_, _, ValueType::Bool) => u.choose(&["true", "false"])?,
            (_, _, ValueType::ShardKey) => {
                u.choose(&["hashed(_id)", "[customer_id, hashed(_id)]", "_id"])?
            }
            (_, _, ValueType::RuleList) => u.choose(&["[]", "[K104]", "[single-replica]"])?,
            (_, _, ValueType::NameList) => u.choose(&["[]", "[ingress-nginx]", "[a, \"b-2\"]"])?,
            // A call must name a service or database of the project.
            (_, _, ValueType::Calls) => "[]",
            (_, _, ValueType::Command) => {
                u.choose(&["[\"/bin/check\"]", "[\"sh\", \"-c\", \"true\"]"])?
            }
            ("nodes", "instance_families", _) => u.choose(&["[\"m7g\"]", "[\"m7g\", \"c7g\"]"])?,
            ("nodes", "instance_sizes", _) => {
                u.choose(&["[\"2xlarge\"]", "[\"large\", \"xlarge\"]"])?
            }
            (_, _, ValueType::Strings) => {
                u.choose(&["[\"kafka-0.kafka:9092\"]", "[\"k:1\", \"k:2\"]"])?
            }
            (_, _, ValueType::Words(_)) => unreachable!("written above"),
            (_, _, ValueType::PreStop) => u.choose(&["sleep(5s)", "[\"/bin/drain\"]"])?,
            (_, _, ValueType::ConfigSources) => {
                u.choose(&["[secret(\"a\")]", "[config_map(b), secret(c)]"])?
            }
            (_, _, ValueType::InstanceSizeOrRange) => u.choose(&["M30", "M40 .. M80", "R50"])?,
        };
        self.out.push_str(text);
        Ok(())
    }

    /// `name = value` with a name that may be unknown, quoted or odd.
    fn attribute(&mut self, u: &mut Unstructured<'_>, value: Option<ValueType>) -> Result<()> {
        if u.ratio(1, 5)? {
            self.out.push('"');
            self.out.push_str(u.choose(&[
                "app.kubernetes.io/name",
                "",
                "a b",
                "x\\\"",
                "é",
                "Ünï",
                "KEY",
            ])?);
            self.out.push('"');
        } else {
            let name = *u.choose(&[
                "LOG_LEVEL",
                "KEY_2",
                "replicas",
                "replica",
                "imagee",
                "x",
                "_",
                "a-b",
            ])?;
            self.out.push_str(name);
        }
        self.space(u)?;
        self.out.push('=');
        self.space(u)?;
        match value {
            Some(value) => self.value_of(u, value, 0),
            None => self.any_value(u, 0),
        }
    }

    fn number(&mut self, u: &mut Unstructured<'_>, units: &[&str]) -> Result<()> {
        self.out.push_str(u.choose(NUMBERS)?);
        let unit = if u.ratio(1, 10)? {
            u.choose(UNITS)?
        } else {
            u.choose(units)?
        };
        self.out.push_str(unit);
        Ok(())
    }

    fn string(&mut self, u: &mut Unstructured<'_>) -> Result<()> {
        self.out.push('"');
        let contents = if self.hostile && u.ratio(1, 5)? {
            BAD_STRINGS
        } else {
            STRINGS
        };
        self.out.push_str(u.choose(contents)?);
        if u.ratio(1, 20)? {
            let repeat = u.int_in_range(1..=200)?;
            self.out.push_str(&"ab".repeat(repeat));
        }
        self.out.push('"');
        Ok(())
    }

    fn range(&mut self, u: &mut Unstructured<'_>, units: &[&str]) -> Result<()> {
        self.number(u, units)?;
        self.space(u)?;
        self.out.push_str("..");
        self.space(u)?;
        self.number(u, units)
    }

    /// A value of the type the schema asks for, or (rarely) of any type.
    fn value_of(&mut self, u: &mut Unstructured<'_>, value: ValueType, depth: u32) -> Result<()> {
        if u.ratio(1, 12)? {
            return self.any_value(u, depth);
        }
        match value {
            ValueType::String | ValueType::Path | ValueType::Version => self.string(u),
            ValueType::Word(words) => {
                let word = if u.ratio(1, 15)? {
                    u.choose(WRONG_WORDS)?
                } else {
                    u.choose(words)?
                };
                self.out.push_str(word);
                Ok(())
            }
            ValueType::Name => {
                if u.ratio(1, 4)? {
                    self.string(u)
                } else {
                    self.name(u)
                }
            }
            ValueType::Port | ValueType::Count | ValueType::Number | ValueType::Quantity => {
                self.number(u, &["", "", "k", "M", "m"])
            }
            ValueType::CountOrRange => {
                if u.ratio(2, 3)? {
                    self.range(u, &[""])
                } else {
                    self.number(u, &[""])
                }
            }
            ValueType::Cpu => self.number(u, &["", "m"]),
            ValueType::CpuOrRange => {
                if u.ratio(1, 2)? {
                    self.range(u, &["", "m"])
                } else {
                    self.number(u, &["", "m"])
                }
            }
            ValueType::Memory => self.number(u, &["Mi", "Gi", "Ki", "M", "G"]),
            ValueType::MemoryOrRange => {
                if u.ratio(1, 2)? {
                    self.range(u, &["Mi", "Gi", "Ki"])
                } else {
                    self.number(u, &["Mi", "Gi"])
                }
            }
            ValueType::Duration => self.number(u, &["s", "m", "h"]),
            ValueType::Percent => self.number(u, &["%"]),
            ValueType::CountOrPercent => self.number(u, &["", "%"]),
            ValueType::Rates => {
                let rate = |writer: &mut Writer, u: &mut Unstructured<'_>| -> Result<()> {
                    writer.number(u, &["", "%"])?;
                    writer.out.push_str(" per ");
                    writer.number(u, &["s", "m"])
                };
                if u.ratio(1, 2)? {
                    rate(self, u)
                } else {
                    self.list(u, depth, |writer, u, _| rate(writer, u))
                }
            }
            ValueType::Bool => {
                self.out
                    .push_str(u.choose(&["true", "false", "True", "1"])?);
                Ok(())
            }
            ValueType::ShardKey => {
                let key = |writer: &mut Writer, u: &mut Unstructured<'_>| -> Result<()> {
                    let field = *u.choose(NAMES)?;
                    if u.ratio(1, 3)? {
                        writer.out.push_str("hashed(");
                        writer.out.push_str(field);
                        writer.out.push(')');
                    } else {
                        writer.out.push_str(field);
                    }
                    Ok(())
                };
                if u.ratio(1, 2)? {
                    key(self, u)
                } else {
                    self.list(u, depth, |writer, u, _| key(writer, u))
                }
            }
            ValueType::NameList => self.list(u, depth, |writer, u, _| writer.name(u)),
            ValueType::Words(words) => self.list(u, depth, |writer, u, _| {
                writer.out.push_str(u.choose(words)?);
                Ok(())
            }),
            ValueType::Calls => self.list(u, depth, |writer, u, _| {
                if u.ratio(1, 3)? {
                    // `service(port)`: a word, then port names.
                    writer.out.push_str(u.choose(NAMES)?);
                    writer.out.push('(');
                    writer.out.push_str(u.choose(NAMES)?);
                    writer.out.push(')');
                    Ok(())
                } else {
                    writer.name(u)
                }
            }),
            ValueType::RuleList => self.list(u, depth, |writer, u, _| {
                let rule = *u.choose(RULES)?;
                if u.ratio(1, 5)? {
                    writer.out.push('"');
                    writer.out.push_str(rule);
                    writer.out.push('"');
                } else {
                    writer.out.push_str(rule);
                }
                Ok(())
            }),
            ValueType::Command | ValueType::Strings => {
                self.list(u, depth, |writer, u, _| writer.string(u))
            }
            ValueType::PreStop => {
                if u.ratio(1, 2)? {
                    self.out.push_str("sleep(");
                    self.number(u, &["s", "m", ""])?;
                    self.out.push(')');
                    Ok(())
                } else {
                    self.list(u, depth, |writer, u, _| writer.string(u))
                }
            }
            ValueType::InstanceSizeOrRange => {
                self.out.push_str(u.choose(&[
                    "M30",
                    "M10",
                    "M30 .. M60",
                    "M60 .. M30",
                    "R40 .. M80",
                    "m40_nvme",
                    "M35",
                ])?);
                Ok(())
            }
            ValueType::ConfigSources => self.list(u, depth, |writer, u, _| {
                writer
                    .out
                    .push_str(u.choose(&["secret(", "config_map(", "secrets("])?);
                writer.string(u)?;
                writer.out.push(')');
                Ok(())
            }),
        }
    }

    /// A value of any shape: what a user might write anywhere.
    fn any_value(&mut self, u: &mut Unstructured<'_>, depth: u32) -> Result<()> {
        let choices = if depth >= 3 { 5 } else { 8 };
        match u.int_in_range(0..=choices)? {
            0 => self.number(u, UNITS),
            1 => self.string(u),
            2 => {
                self.out.push_str(u.choose(&["true", "false"])?);
                Ok(())
            }
            3 => self.name(u),
            4 => {
                self.number(u, UNITS)?;
                self.out.push_str(" per ");
                self.number(u, UNITS)
            }
            5 => self.range(u, UNITS),
            6 | 7 => self.list(u, depth, |writer, u, depth| writer.any_value(u, depth + 1)),
            _ => {
                self.out.push_str(u.choose(&["hashed", "max", "f"])?);
                self.out.push('(');
                if u.ratio(2, 3)? {
                    self.any_value(u, depth + 1)?;
                }
                self.out.push(')');
                Ok(())
            }
        }
    }

    /// `[a, b, ...]`, sometimes over several lines, with trailing commas and
    /// comments between items.
    fn list(
        &mut self,
        u: &mut Unstructured<'_>,
        depth: u32,
        mut item: impl FnMut(&mut Writer, &mut Unstructured<'_>, u32) -> Result<()>,
    ) -> Result<()> {
        let count = u.int_in_range(0..=4)?;
        self.out.push('[');
        for i in 0..count {
            if u.ratio(1, 4)? {
                self.newline(u)?;
                if u.ratio(1, 4)? {
                    self.out.push_str(u.choose(COMMENTS)?);
                    self.newline(u)?;
                }
            }
            self.space(u)?;
            item(self, u, depth)?;
            if i + 1 < count || u.ratio(1, 4)? {
                self.out.push(',');
            }
        }
        if u.ratio(1, 5)? {
            self.newline(u)?;
        }
        self.out.push(']');
        Ok(())
    }
}
