//! Names Prometheus reads: the series a metric is computed from and the
//! labels a selector matches, as they land in a PromQL query (KEDA's
//! `prometheus` trigger) or in prometheus-adapter's label matchers.
//!
//! Also [`quote`], the one way a label value is written into PromQL.

use super::{Invalid, first_refused};

/// A Prometheus metric name: `[a-zA-Z_:][a-zA-Z0-9_:]*`.
pub fn metric_name(name: &str) -> Result<(), Invalid> {
    name_of(name, true).map_err(|problem| {
        Invalid::new(
            problem,
            "a Prometheus metric name is letters, digits, `_` and `:`, not starting with a digit",
        )
        .rewrite(rewrite(name, true))
    })
}

/// A Prometheus label name: `[a-zA-Z_][a-zA-Z0-9_]*`, not starting with
/// `__` (reserved for Prometheus's own labels).
pub fn label_name(name: &str) -> Result<(), Invalid> {
    let problem = match name_of(name, false) {
        Err(problem) => Some(problem),
        Ok(()) if name.starts_with("__") => Some("it starts with `__`".to_string()),
        Ok(()) => None,
    };
    let Some(problem) = problem else {
        return Ok(());
    };
    let fixed = rewrite(name, false).unwrap_or_else(|| name.to_string());
    let fixed = fixed.trim_start_matches('_');
    let fixed = if fixed.starts_with(|c: char| c.is_ascii_digit()) {
        format!("_{fixed}")
    } else {
        fixed.to_string()
    };
    Err(Invalid::new(
        problem,
        "a Prometheus label name is letters, digits and `_`, not starting with a digit or `__`",
    )
    .rewrite((!fixed.is_empty() && fixed != name).then_some(fixed)))
}

fn name_of(name: &str, colon: bool) -> Result<(), String> {
    let allowed = |c: char| c.is_ascii_alphanumeric() || c == '_' || (colon && c == ':');
    if name.is_empty() {
        return Err("it is empty".to_string());
    }
    if let Some(problem) = first_refused(name, allowed) {
        return Err(problem);
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        return Err("it starts with a digit".to_string());
    }
    Ok(())
}

fn rewrite(name: &str, colon: bool) -> Option<String> {
    let mut fixed: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' || (colon && c == ':') {
                c
            } else {
                '_'
            }
        })
        .collect();
    if fixed.starts_with(|c: char| c.is_ascii_digit()) {
        fixed.insert(0, '_');
    }
    (!fixed.is_empty() && fixed != name).then_some(fixed)
}

/// A label value as a PromQL string literal: double-quoted, with `\` and
/// `"` escaped and control characters written as escapes.
pub fn quote(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A window of `rate()` as PromQL writes a duration: whole hours, minutes
/// or seconds where exact, milliseconds otherwise.
pub fn duration(millis: u128) -> String {
    match millis {
        m if m > 0 && m % 3_600_000 == 0 => format!("{}h", m / 3_600_000),
        m if m > 0 && m % 60_000 == 0 => format!("{}m", m / 60_000),
        m if m % 1_000 == 0 => format!("{}s", m / 1_000),
        m => format!("{m}ms"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metric_names() {
        assert!(metric_name("http_requests_total").is_ok());
        assert!(metric_name("job:requests:rate5m").is_ok());
        let invalid = metric_name("http-requests").unwrap_err();
        assert_eq!(invalid.problem, "it contains `-`");
        assert_eq!(invalid.rewrite.as_deref(), Some("http_requests"));
        assert_eq!(
            metric_name("5xx").unwrap_err().rewrite.as_deref(),
            Some("_5xx")
        );
        assert!(metric_name("").is_err());
    }

    #[test]
    fn label_names() {
        assert!(label_name("queue_name").is_ok());
        assert!(label_name("a:b").is_err());
        let reserved = label_name("__name__").unwrap_err();
        assert_eq!(reserved.problem, "it starts with `__`");
        assert_eq!(reserved.rewrite.as_deref(), Some("name__"));
        let dotted = label_name("app.kubernetes.io/name").unwrap_err();
        assert_eq!(dotted.rewrite.as_deref(), Some("app_kubernetes_io_name"));
        assert_eq!(
            label_name("1st").unwrap_err().rewrite.as_deref(),
            Some("_1st")
        );
    }

    #[test]
    fn quoting_and_durations() {
        assert_eq!(quote(r#"a"b\c"#), r#""a\"b\\c""#);
        assert_eq!(quote("x\ny"), r#""x\ny""#);
        assert_eq!(duration(120_000), "2m");
        assert_eq!(duration(90_000), "90s");
        assert_eq!(duration(7_200_000), "2h");
        assert_eq!(duration(1_500), "1500ms");
    }
}
