//! `loadtest` blocks → [`LoadTest`]: what k6 would refuse to run, or what
//! cannot be a test at all, is a language error here.

use super::{Lowerer, schema, values};
use crate::ast::Block;
use crate::diag::{Diagnostic, codes};
use crate::model::Project;
use crate::model::loadtest::{DEFAULT_BASE_URL, Drive, Expect, HttpMethod, LoadTest, Target};

/// An environment variable name k6's `__ENV` and every shell accept.
fn is_env_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

impl Lowerer<'_> {
    /// Lowers a `loadtest` block; `None` when something in it is invalid
    /// (and reported).
    pub(super) fn loadtest(&mut self, block: &Block) -> Option<LoadTest> {
        let schema = schema::block("loadtest").expect("loadtest has a schema");
        let fields = self.fields(block, schema);
        let mut complete = self.require(block, schema, &fields);
        let name = super::blocks::label(block);
        complete &= self.check_dns_name(&name.value, name.span, "object or file");
        let base_url = self.get(&fields, "base_url", values::string);
        if let Some(url) = &base_url
            && !is_env_name(&url.value)
        {
            self.report(
                Diagnostic::error(
                    codes::INVALID_NAME,
                    format!(
                        "{} cannot be the name of an environment variable",
                        crate::names::quoted(&url.value)
                    ),
                    url.span,
                )
                .with_label("letters, digits and `_`, not starting with a digit")
                .with_help(
                    "`base_url` names the variable that holds the URL, e.g. `base_url = \"API_URL\"`; \
                     run the test with `k6 run -e API_URL=https://… NAME.k6.js`",
                ),
            );
            complete = false;
        }
        let users = self.get(&fields, "users", values::whole_number);
        let rate = self.get(&fields, "rate", values::number_milli);
        let think = self.get(&fields, "think", values::duration_millis);
        let ramp = self.get(&fields, "ramp", values::duration_millis);
        let hold = self.get(&fields, "hold", values::duration_millis);
        let ramp_down = self.get(&fields, "ramp_down", values::duration_millis);
        complete &= [
            "users",
            "rate",
            "think",
            "ramp",
            "hold",
            "ramp_down",
            "base_url",
        ]
        .iter()
        .all(|attribute| {
            !fields.attributes.contains_key(attribute)
                || match *attribute {
                    "users" => users.is_some(),
                    "rate" => rate.is_some(),
                    "think" => think.is_some(),
                    "ramp" => ramp.is_some(),
                    "hold" => hold.is_some(),
                    "ramp_down" => ramp_down.is_some(),
                    _ => base_url.is_some(),
                }
        });
        for (attribute, value) in [
            ("users", users.as_ref().map(|u| (u.value, u.span))),
            ("rate", rate.as_ref().map(|r| (r.value, r.span))),
        ] {
            if let Some((0, span)) = value {
                self.report(
                    Diagnostic::error(
                        codes::TYPE_MISMATCH,
                        format!("a load test with no {attribute}"),
                        span,
                    )
                    .with_label("nothing is sent")
                    .with_help(format!("write the peak, e.g. `{attribute} = 1000`")),
                );
                complete = false;
            }
        }
        if let Some(ramp) = ramp.as_ref().filter(|r| r.value < 1000) {
            self.report(
                Diagnostic::error(
                    codes::TYPE_MISMATCH,
                    "a ramp shorter than a second",
                    ramp.span,
                )
                .with_label("too short")
                .with_help("ramp up over at least `1s`"),
            );
            complete = false;
        }
        let drive = match (&users, &rate) {
            (Some(users), None) => Some(Drive::Users {
                users: users.clone(),
                think_millis: think.clone(),
            }),
            (None, Some(rate)) => {
                if let Some(think) = &think {
                    self.report(
                        Diagnostic::error(
                            codes::CONFLICTING_ATTRIBUTES,
                            "`think` paces virtual users; a test driven by `rate` has none",
                            think.span,
                        )
                        .with_label("no users to pause")
                        .with_related(rate.span, "k6 starts requests at this rate")
                        .with_help(
                            "remove `think`, or drive the test with `users` instead of `rate`",
                        ),
                    );
                    complete = false;
                }
                Some(Drive::Rate(rate.clone()))
            }
            (Some(users), Some(rate)) => {
                self.report(
                    Diagnostic::error(
                        codes::CONFLICTING_ATTRIBUTES,
                        "a load test is driven by `users` or by `rate`, not both",
                        rate.span,
                    )
                    .with_label("a rate")
                    .with_related(users.span, "and users")
                    .with_help("keep `users` (virtual users that pause `think` between requests) or `rate` (requests a second)"),
                );
                None
            }
            (None, None) => {
                let users_or_rate = !fields.attributes.contains_key("users")
                    && !fields.attributes.contains_key("rate");
                if users_or_rate {
                    self.missing(block, "users", "users = 1000` or `rate = 500");
                }
                None
            }
        };
        let mut targets: Vec<Target> = Vec::new();
        let mut expect = Expect::default();
        for child in &fields.blocks {
            match child.kind.name.as_str() {
                "target" => match self.target(child, &targets) {
                    Some(target) => targets.push(target),
                    None => complete = false,
                },
                "expect" => match self.expect(child) {
                    Some(lowered) => expect = lowered,
                    None => complete = false,
                },
                other => unreachable!("`{other}` is not in the loadtest schema"),
            }
        }
        if targets.is_empty() && complete && fields.blocks_of("target").next().is_none() {
            self.missing(block, "target", "target SERVICE { path = \"/\" }");
            complete = false;
        }
        if !complete {
            return None;
        }
        Some(LoadTest {
            name,
            base_url: base_url.map_or_else(|| DEFAULT_BASE_URL.to_string(), |u| u.value),
            drive: drive?,
            ramp_millis: ramp?,
            hold_millis: hold.map_or(0, |h| h.value),
            ramp_down_millis: ramp_down.map_or(0, |r| r.value),
            targets,
            expect,
            span: block.span,
        })
    }

    fn target(&mut self, block: &Block, earlier: &[Target]) -> Option<Target> {
        let schema = schema::block("target").expect("target has a schema");
        let fields = self.fields(block, schema);
        let mut complete = self.require(block, schema, &fields);
        let service = super::blocks::label(block);
        let method = self.get(&fields, "method", values::keyword::<HttpMethod>);
        let path = self.get(&fields, "path", values::string);
        let weight = self.get(&fields, "weight", values::whole_number);
        let body = self.get(&fields, "body", values::string);
        let content_type = self.get(&fields, "content_type", values::string);
        complete &= ["method", "path", "weight", "body", "content_type"]
            .iter()
            .all(|a| {
                !fields.attributes.contains_key(a)
                    || match *a {
                        "method" => method.is_some(),
                        "path" => path.is_some(),
                        "body" => body.is_some(),
                        "content_type" => content_type.is_some(),
                        _ => weight.is_some(),
                    }
            });
        if let (Some(content_type), None) = (&content_type, &body) {
            self.report(
                Diagnostic::error(
                    codes::CONFLICTING_ATTRIBUTES,
                    "a `content_type` with no `body` to describe",
                    content_type.span,
                )
                .with_label("describes nothing")
                .with_help("add the `body` it describes, or remove `content_type`"),
            );
            complete = false;
        }
        if let (Some(body), Some(method)) = (&body, &method)
            && matches!(method.value, HttpMethod::Get | HttpMethod::Head)
        {
            self.report(
                Diagnostic::error(
                    codes::CONFLICTING_ATTRIBUTES,
                    format!("a {} request carries no body", method.value.word()),
                    body.span,
                )
                .with_label("not sent")
                .with_related(method.span, "this method")
                .with_help("send the body with `method = POST` (or PUT, PATCH), or remove it"),
            );
            complete = false;
        }
        if let Some(content_type) = &content_type
            && (content_type.value.is_empty() || content_type.value.chars().any(|c| c.is_control()))
        {
            self.report(
                Diagnostic::error(
                    codes::INVALID_NAME,
                    format!(
                        "{} is not a media type",
                        crate::names::quoted(&content_type.value)
                    ),
                    content_type.span,
                )
                .with_label("not a `Content-Type`")
                .with_help("write a media type, e.g. `content_type = \"application/json\"`"),
            );
            complete = false;
        }
        if let Some(path) = &path
            && (!path.value.starts_with('/')
                || path
                    .value
                    .chars()
                    .any(|c| c.is_whitespace() || c.is_control()))
        {
            self.report(
                Diagnostic::error(
                    codes::INVALID_NAME,
                    format!("{} is not a URL path", crate::names::quoted(&path.value)),
                    path.span,
                )
                .with_label("a path starts with `/` and has no spaces")
                .with_help("write the path from the base URL, e.g. `path = \"/v1/predict\"`"),
            );
            complete = false;
        }
        if let Some(weight) = weight.as_ref().filter(|w| w.value == 0) {
            self.report(
                Diagnostic::error(
                    codes::TYPE_MISMATCH,
                    "a target with a weight of 0",
                    weight.span,
                )
                .with_label("receives nothing")
                .with_help("give it a weight of 1 or more, or remove the target"),
            );
            complete = false;
        }
        if let Some(first) = earlier.iter().find(|t| t.service.value == service.value) {
            self.report(
                Diagnostic::error(
                    codes::DUPLICATE_DEFINITION,
                    format!("`{}` is targeted twice", service.value),
                    service.span,
                )
                .with_label("targeted again here")
                .with_related(first.service.span, "first targeted here")
                .with_help("keep one `target` per service; its `weight` is its share of the load"),
            );
            complete = false;
        }
        if !complete {
            return None;
        }
        Some(Target {
            service,
            method: method.map_or(
                if body.is_some() {
                    HttpMethod::Post
                } else {
                    HttpMethod::Get
                },
                |m| m.value,
            ),
            path: path?,
            body: body.map(|b| b.value),
            content_type: content_type.map(|c| c.value),
            weight: weight.map_or(1, |w| w.value),
            span: block.span,
        })
    }

    fn expect(&mut self, block: &Block) -> Option<Expect> {
        let schema = schema::block("expect").expect("expect has a schema");
        let fields = self.fields(block, schema);
        let p95 = self.get(&fields, "p95", values::duration_millis);
        let p99 = self.get(&fields, "p99", values::duration_millis);
        let errors = self.get(&fields, "errors", values::percent_ppm);
        let lowered = [
            ("p95", p95.is_some()),
            ("p99", p99.is_some()),
            ("errors", errors.is_some()),
        ];
        if lowered
            .iter()
            .any(|(a, ok)| fields.attributes.contains_key(a) && !ok)
        {
            return None;
        }
        Some(Expect {
            p95_millis: p95,
            p99_millis: p99,
            errors_ppm: errors,
        })
    }
}

/// E004 for a target naming no service of the project.
pub(super) fn check(project: &Project, declared: &[&str], sink: &mut Vec<Diagnostic>) {
    for test in &project.loadtests {
        for target in &test.targets {
            let name = &target.service.value;
            if declared.contains(&name.as_str()) {
                continue;
            }
            let help = match crate::names::did_you_mean(name, declared.iter().copied()) {
                Some(close) => format!("did you mean `{close}`?"),
                None => format!("declare it: `service {name} {{ ... }}`"),
            };
            sink.push(
                Diagnostic::error(
                    codes::UNKNOWN_REFERENCE,
                    format!(
                        "load test `{}` targets `{name}`, which is not a service",
                        test.name.value
                    ),
                    target.service.span,
                )
                .with_label("no such service")
                .with_help(help),
            );
        }
    }
}
