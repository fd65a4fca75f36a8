//! Names that land in Kubernetes objects, each by the rule the API server
//! applies (`k8s.io/apimachinery/pkg/util/validation`):
//!
//! - object names and namespaces: DNS-1123 labels ([`dns_label`]); the
//!   names of StorageClasses: DNS-1123 subdomains ([`dns_subdomain`]);
//! - label keys and values ([`label_key`], [`label_value`]), also the
//!   project's name, which is the `app.kubernetes.io/part-of` label of every
//!   object and selector ([`project_name`]);
//! - container environment variable names ([`env_var_name`]);
//! - Secret and ConfigMap names ([`dns_subdomain`]) and keys ([`config_key`]);
//! - metric names of an HPA or of its `describedObject` ([`metric_name`]).

use super::{Invalid, first_refused};

/// The longest Kubernetes object name (a DNS-1123 label), label name or
/// label value.
pub const MAX_NAME_LEN: usize = 63;

/// The longest DNS-1123 subdomain (a label key's prefix).
pub const MAX_SUBDOMAIN_LEN: usize = 253;

const DNS_LABEL_RULE: &str = "Kubernetes names use lower-case letters, digits and `-` (at most 63)";

/// Why `name` is not a valid DNS-1123 label, or `None` if it is.
pub fn dns_label_problem(name: &str) -> Option<String> {
    if name.is_empty() {
        return Some("it is empty".into());
    }
    if name.len() > MAX_NAME_LEN {
        return Some(format!(
            "it is {} characters long; the limit is {MAX_NAME_LEN}",
            name.len()
        ));
    }
    if let Some(c) = name
        .chars()
        .find(|c| !matches!(c, 'a'..='z' | '0'..='9' | '-'))
    {
        return Some(if c.is_ascii_uppercase() {
            "it has upper-case letters".into()
        } else {
            first_refused(&c.to_string(), |_| false).unwrap_or_default()
        });
    }
    if name.starts_with('-') || name.ends_with('-') {
        return Some("it starts or ends with `-`".into());
    }
    None
}

/// The nearest valid DNS-1123 label: lower case, `-` for every other character,
/// no leading or trailing `-`, at most 63 characters.
pub fn dns_label_rewrite(name: &str) -> Option<String> {
    let mapped: String = name
        .chars()
        .map(|c| match c.to_ascii_lowercase() {
            c @ ('a'..='z' | '0'..='9') => c,
            _ => '-',
        })
        .collect();
    let mut collapsed = String::with_capacity(mapped.len());
    for c in mapped.chars() {
        if !(c == '-' && collapsed.ends_with('-')) {
            collapsed.push(c);
        }
    }
    let trimmed: String = collapsed
        .trim_matches('-')
        .chars()
        .take(MAX_NAME_LEN)
        .collect();
    let trimmed = trimmed.trim_end_matches('-');
    (!trimmed.is_empty()).then(|| trimmed.to_string())
}

/// A DNS-1123 label: the name of every object scalec writes, and of a
/// namespace or a TriggerAuthentication it refers to.
pub fn dns_label(name: &str) -> Result<(), Invalid> {
    match dns_label_problem(name) {
        None => Ok(()),
        Some(problem) => {
            Err(Invalid::new(problem, DNS_LABEL_RULE).rewrite(dns_label_rewrite(name)))
        }
    }
}

/// Why `name` is not a DNS-1123 subdomain (dot-separated labels, at most 253
/// characters), or `None`.
pub fn dns_subdomain_problem(name: &str) -> Option<String> {
    if name.len() > MAX_SUBDOMAIN_LEN {
        return Some(format!(
            "it is {} characters long; the limit is {MAX_SUBDOMAIN_LEN}",
            name.len()
        ));
    }
    name.split('.').find_map(dns_label_problem)
}

/// A Secret, ConfigMap, StorageClass or PriorityClass name: a DNS-1123 subdomain.
pub fn dns_subdomain(name: &str) -> Result<(), Invalid> {
    let Some(problem) = dns_subdomain_problem(name) else {
        return Ok(());
    };
    let rewrite: Option<Vec<String>> = name
        .split('.')
        .filter(|part| !part.is_empty())
        .map(|part| match dns_label_problem(part) {
            None => Some(part.to_string()),
            Some(_) => dns_label_rewrite(part),
        })
        .collect();
    let rewrite = rewrite
        .map(|parts| parts.join("."))
        .filter(|r| !r.is_empty() && r.len() <= MAX_SUBDOMAIN_LEN);
    Err(Invalid::new(
        problem,
        "these names (DNS subdomains) are lower-case letters, digits, `-` and `.` \
         (at most 253), each `.`-separated part starting and ending with a letter or digit",
    )
    .rewrite(rewrite))
}

/// A key of a Secret or ConfigMap: letters, digits, `-`, `_` and `.`, at
/// most 253, not `.` or `..`.
pub fn config_key(key: &str) -> Result<(), Invalid> {
    let rule = "a Secret or ConfigMap key is letters, digits, `-`, `_` and `.` (at most 253), \
                not `.` or `..`";
    let problem = if key.is_empty() {
        Some("it is empty".to_string())
    } else if key.len() > MAX_SUBDOMAIN_LEN {
        Some(format!(
            "it is {} characters long; the limit is {MAX_SUBDOMAIN_LEN}",
            key.len()
        ))
    } else if key == "." || key == ".." {
        Some(format!("`{key}` is not a key"))
    } else {
        first_refused(key, |c| {
            c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')
        })
    };
    match problem {
        None => Ok(()),
        Some(problem) => Err(Invalid::new(problem, rule)),
    }
}

/// Why `text` is not a label name segment (the part after an optional
/// prefix, or a label value when `allow_empty`), or `None`.
fn label_segment_problem(text: &str, allow_empty: bool) -> Option<String> {
    if text.is_empty() {
        return (!allow_empty).then(|| "it is empty".to_string());
    }
    if text.len() > MAX_NAME_LEN {
        return Some(format!(
            "it is {} characters long; the limit is {MAX_NAME_LEN}",
            text.len()
        ));
    }
    if let Some(problem) = first_refused(text, |c| {
        c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')
    }) {
        return Some(problem);
    }
    let edge_ok = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
    if !edge_ok(text.chars().next()) || !edge_ok(text.chars().last()) {
        return Some("it must start and end with a letter or digit".into());
    }
    None
}

/// The nearest label name segment or value: `-` for every character a label
/// refuses, letters or digits at both ends, at most 63 characters.
fn label_segment_rewrite(text: &str) -> Option<String> {
    let mapped: String = text
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '-'
            }
        })
        .collect();
    let edge = |c: char| !c.is_ascii_alphanumeric();
    let trimmed: String = mapped
        .trim_matches(edge)
        .chars()
        .take(MAX_NAME_LEN)
        .collect();
    let trimmed = trimmed.trim_end_matches(edge);
    (!trimmed.is_empty()).then(|| trimmed.to_string())
}

/// Why `key` is not a Kubernetes label key (`[prefix/]name`), or `None`.
pub fn label_key_problem(key: &str) -> Option<String> {
    let (prefix, name) = match key.rsplit_once('/') {
        Some((prefix, name)) => (Some(prefix), name),
        None => (None, key),
    };
    if let Some(prefix) = prefix
        && (prefix.is_empty() || dns_subdomain_problem(prefix).is_some())
    {
        return Some(format!("the prefix `{prefix}` is not a DNS subdomain"));
    }
    label_segment_problem(name, false)
}

/// Why `value` is not a Kubernetes label value, or `None`.
pub fn label_value_problem(value: &str) -> Option<String> {
    label_segment_problem(value, true)
}

const LABEL_RULE: &str =
    "up to 63 letters, digits, `-`, `_` or `.`, starting and ending with a letter or digit";

/// A label key: `[prefix/]name`, the prefix a DNS subdomain.
pub fn label_key(key: &str) -> Result<(), Invalid> {
    let Some(problem) = label_key_problem(key) else {
        return Ok(());
    };
    let rewrite = match key.rsplit_once('/') {
        Some((prefix, name)) if dns_subdomain_problem(prefix).is_none() => {
            label_segment_rewrite(name).map(|name| format!("{prefix}/{name}"))
        }
        Some(_) => None,
        None => label_segment_rewrite(key),
    };
    Err(Invalid::new(
        problem,
        format!(
            "a label key is {LABEL_RULE}, with an optional DNS prefix and `/` (`app.kubernetes.io/name`)"
        ),
    )
    .rewrite(rewrite))
}

/// An annotation key: the rule of a label key.
pub fn annotation_key(key: &str) -> Result<(), Invalid> {
    label_key(key).map_err(|mut invalid| {
        invalid.rule =
            invalid
                .rule
                .replacen("a label key", "an annotation key, like a label key,", 1);
        invalid
    })
}

/// A label value: empty, or up to 63 characters with alphanumeric ends.
pub fn label_value(value: &str) -> Result<(), Invalid> {
    match label_value_problem(value) {
        None => Ok(()),
        Some(problem) => Err(
            Invalid::new(problem, format!("a label value is {LABEL_RULE}"))
                .rewrite(label_segment_rewrite(value)),
        ),
    }
}

/// The project's name, the `app.kubernetes.io/part-of` label and selector of
/// every object: a label value that is not empty. The rewrite is a DNS-1123
/// label, so that it stays valid if the name ever names an object.
pub fn project_name(name: &str) -> Result<(), Invalid> {
    let problem = if name.is_empty() {
        Some("it is empty".to_string())
    } else {
        label_value_problem(name)
    };
    match problem {
        None => Ok(()),
        Some(problem) => Err(Invalid::new(
            problem,
            format!(
                "the project's name is the `app.kubernetes.io/part-of` label of every object, \
                 so it is {LABEL_RULE}"
            ),
        )
        .rewrite(dns_label_rewrite(name))),
    }
}

/// A container environment variable name.
///
/// With `relaxed` (Kubernetes 1.34 and later, where
/// `RelaxedEnvironmentVariableValidation` is GA), any printable ASCII
/// character but `=`; otherwise the classic `IsEnvVarName` rule,
/// `[-._a-zA-Z][-._a-zA-Z0-9]*`. Never empty.
pub fn env_var_name(name: &str, relaxed: bool) -> Result<(), Invalid> {
    let printable = |c: char| (' '..='~').contains(&c);
    let classic = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_');
    let problem = if name.is_empty() {
        Some("it is empty".to_string())
    } else if relaxed {
        first_refused(name, |c| printable(c) && c != '=')
    } else if name.starts_with(|c: char| c.is_ascii_digit()) {
        Some("it starts with a digit".to_string())
    } else {
        first_refused(name, classic)
    };
    let Some(problem) = problem else {
        return Ok(());
    };
    let rule = if relaxed {
        "an environment variable name is printable ASCII characters other than `=`"
    } else {
        "before Kubernetes 1.34 an environment variable name is letters, digits, `_`, `-` and `.`, \
         not starting with a digit"
    };
    let mut rewrite: String = name
        .chars()
        .map(|c| {
            let ok = if relaxed {
                printable(c) && c != '='
            } else {
                classic(c)
            };
            if ok { c } else { '_' }
        })
        .collect();
    if !relaxed && rewrite.starts_with(|c: char| c.is_ascii_digit()) {
        rewrite.insert(0, '_');
    }
    Err(Invalid::new(problem, rule).rewrite((!rewrite.is_empty()).then_some(rewrite)))
}

/// A metric name of an HPA (`pods`, `object` and `external` metrics), and
/// the kind and name of an `object` metric's described object: the API
/// server takes any text that can be one segment of a URL path: not empty,
/// not `.` or `..`, without `/` or `%` (`IsValidPathSegmentName`).
pub fn metric_name(name: &str) -> Result<(), Invalid> {
    let problem = match name {
        "" => Some("it is empty".to_string()),
        "." | ".." => Some(format!("it is `{name}`")),
        _ => first_refused(name, |c| c != '/' && c != '%'),
    };
    let Some(problem) = problem else {
        return Ok(());
    };
    let rewrite: String = name
        .chars()
        .map(|c| if c == '/' || c == '%' { '_' } else { c })
        .collect();
    let rewrite = (!matches!(rewrite.as_str(), "" | "." | "..")).then_some(rewrite);
    Err(Invalid::new(
        problem,
        "the metrics API reads the name as one segment of a URL path: not empty, not `.` or `..`, \
         without `/` or `%`",
    )
    .rewrite(rewrite))
}

/// The longest port name (an IANA service name).
pub const MAX_PORT_NAME_LEN: usize = 15;

/// A named port of a container or Service: an IANA service name, as the API
/// server checks it (`IsValidPortName`): 1 to 15 lower-case letters, digits
/// and `-`, at least one letter, no `-` at either end nor two in a row.
pub fn port_name(name: &str) -> Result<(), Invalid> {
    let problem = if name.is_empty() {
        Some("it is empty".to_string())
    } else if name.len() > MAX_PORT_NAME_LEN {
        Some(format!(
            "it is {} characters long; the limit is {MAX_PORT_NAME_LEN}",
            name.len()
        ))
    } else if let Some(c) = name
        .chars()
        .find(|c| !matches!(c, 'a'..='z' | '0'..='9' | '-'))
    {
        Some(if c.is_ascii_uppercase() {
            "it has upper-case letters".into()
        } else {
            first_refused(&c.to_string(), |_| false).unwrap_or_default()
        })
    } else if name.starts_with('-') || name.ends_with('-') {
        Some("it starts or ends with `-`".into())
    } else if name.contains("--") {
        Some("it has `--`".into())
    } else if !name.chars().any(|c| c.is_ascii_lowercase()) {
        Some("it has no letter".into())
    } else {
        None
    };
    let Some(problem) = problem else {
        return Ok(());
    };
    let rewrite = dns_label_rewrite(name).map(|label| {
        let mut rewrite = label.replace("--", "-");
        while rewrite.contains("--") {
            rewrite = rewrite.replace("--", "-");
        }
        let cut: String = rewrite.chars().take(MAX_PORT_NAME_LEN).collect();
        cut.trim_end_matches('-').to_string()
    });
    let rewrite = rewrite.filter(|r| !r.is_empty() && r.chars().any(|c| c.is_ascii_lowercase()));
    Err(Invalid::new(
        problem,
        "port names use at most 15 lower-case letters, digits and `-`, with at least one letter",
    )
    .rewrite(rewrite))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rewrite(result: Result<(), Invalid>) -> Option<String> {
        result.err().and_then(|invalid| invalid.rewrite)
    }

    #[test]
    fn port_names_follow_the_iana_service_name_rule() {
        for good in ["http", "grpc", "metrics-9090", "a1"] {
            assert!(port_name(good).is_ok(), "{good}");
        }
        for bad in [
            "",
            "9090",
            "Grpc",
            "-grpc",
            "grpc-",
            "gr--pc",
            "a-very-long-port-name",
        ] {
            assert!(port_name(bad).is_err(), "{bad}");
        }
        assert_eq!(rewrite(port_name("Grpc_Web")), Some("grpc-web".into()));
        assert_eq!(
            rewrite(port_name("a-very-long-port-name")),
            Some("a-very-long-por".into())
        );
        assert_eq!(rewrite(port_name("9090")), None);
    }

    #[test]
    fn project_names_are_label_values_with_dns_rewrites() {
        assert!(project_name("aether").is_ok());
        assert!(project_name("Shop_2").is_ok());
        assert_eq!(
            rewrite(project_name("my store")).as_deref(),
            Some("my-store")
        );
        assert_eq!(
            rewrite(project_name("Bad_Dir_")).as_deref(),
            Some("bad-dir")
        );
        let long = "a".repeat(70);
        let fixed = rewrite(project_name(&long)).unwrap_or_default();
        assert_eq!(fixed.len(), 63);
        assert!(project_name(&fixed).is_ok());
        assert!(project_name("").is_err());
        assert_eq!(rewrite(project_name("___")), None);
    }

    #[test]
    fn label_values_and_keys_rewrite_to_valid_ones() {
        assert!(label_value("").is_ok());
        assert_eq!(
            rewrite(label_value("front end")).as_deref(),
            Some("front-end")
        );
        assert_eq!(rewrite(label_value("-x-")).as_deref(), Some("x"));
        assert_eq!(
            rewrite(label_key("example.com/bad key")).as_deref(),
            Some("example.com/bad-key")
        );
        assert_eq!(rewrite(label_key("Bad_Prefix/x")), None);
        assert!(label_key("app.kubernetes.io/name").is_ok());
    }

    #[test]
    fn env_names_follow_the_relaxed_rule_from_1_34_and_the_classic_one_before() {
        assert!(env_var_name("LOG_LEVEL", false).is_ok());
        assert!(env_var_name("my.var-1", false).is_ok());
        assert!(env_var_name("A B", true).is_ok());
        assert!(env_var_name("1A", true).is_ok());
        assert_eq!(rewrite(env_var_name("A=B", true)).as_deref(), Some("A_B"));
        assert_eq!(rewrite(env_var_name("A B", false)).as_deref(), Some("A_B"));
        assert_eq!(rewrite(env_var_name("1A", false)).as_deref(), Some("_1A"));
        assert_eq!(rewrite(env_var_name("A\tB", true)).as_deref(), Some("A_B"));
        assert!(env_var_name("", true).is_err());
        assert!(env_var_name("é", true).is_err());
    }

    #[test]
    fn metric_names_are_url_path_segments() {
        assert!(metric_name("http_requests_total").is_ok());
        assert!(metric_name("nginx.net.request_per_s").is_ok());
        assert_eq!(
            rewrite(metric_name("bad/name%")).as_deref(),
            Some("bad_name_")
        );
        assert!(metric_name("..").is_err());
        assert_eq!(rewrite(metric_name("..")), None);
        assert!(metric_name("").is_err());
    }

    #[test]
    fn dns_labels_keep_their_rewrite() {
        assert!(dns_label("checkout-api").is_ok());
        assert_eq!(
            rewrite(dns_label("Checkout_API")).as_deref(),
            Some("checkout-api")
        );
        assert!(dns_subdomain_problem("a.b-c.d").is_none());
        assert!(dns_subdomain_problem("a..b").is_some());
    }
}
