//! Names that land in MongoDB through the shard script, each by the server's
//! rule, and the MongoDB version the Percona operator runs:
//!
//! - database names ([`database_name`]): under 64 bytes, none of
//!   ``/\. "$*<>:|?`` or NUL, and not `admin`, `local` or `config`, whose
//!   collections cannot be sharded;
//! - collection names ([`collection_name`]): not empty, no `$` or NUL, not
//!   starting with `.` or `system.`, and `database.collection` at most 255
//!   bytes;
//! - field paths of a shard key ([`field_path`]): no empty part, no part
//!   starting with `$`, no NUL;
//! - the server version ([`version`]): a series the operator release scalec
//!   writes for supports.

use super::{Invalid, did_you_mean, first_refused};

/// The longest database name, in bytes (MongoDB: "fewer than 64").
pub const MAX_DATABASE_NAME_BYTES: usize = 63;

/// The longest `database.collection` namespace, in bytes.
pub const MAX_NAMESPACE_BYTES: usize = 255;

/// The MongoDB series the Percona Operator for MongoDB 1.22.0 (the operator
/// `emit::mongo::CR_VERSION` writes for) is built and tested with: Percona
/// Server for MongoDB 6.0.27-21, 7.0.30-16 and 8.0.19-7, per the operator's
/// version compatibility table.
pub const OPERATOR_MONGODB_SERIES: &[&str] = &["6.0", "7.0", "8.0"];

/// The operator release [`OPERATOR_MONGODB_SERIES`] belongs to.
pub const OPERATOR_RELEASE: &str = "1.22.0";

/// Characters no database name may hold (the Windows set, which includes the
/// Unix one: a cluster's data may move between them).
const DATABASE_REFUSED: &str = "/\\. \"$*<>:|?\0";

/// Databases whose collections cannot be sharded.
const RESERVED_DATABASES: &[&str] = &["admin", "config", "local"];

/// Cuts `text` to at most `max` bytes, at a character boundary.
fn truncate_bytes(text: &str, max: usize) -> &str {
    let mut end = text.len().min(max);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// A MongoDB database name.
pub fn database_name(name: &str) -> Result<(), Invalid> {
    let rule = "a MongoDB database name is under 64 bytes, without `/\\. \"$*<>:|?` or NUL, \
                and not `admin`, `config` or `local`";
    let problem = if name.is_empty() {
        Some("it is empty".to_string())
    } else if let Some(problem) = first_refused(name, |c| !DATABASE_REFUSED.contains(c)) {
        Some(problem)
    } else if name.len() > MAX_DATABASE_NAME_BYTES {
        Some(format!(
            "it is {} bytes long; the limit is {MAX_DATABASE_NAME_BYTES}",
            name.len()
        ))
    } else if RESERVED_DATABASES.contains(&name) {
        return Err(Invalid::new(
            format!("`{name}` is MongoDB's own database; its collections cannot be sharded"),
            rule,
        ));
    } else {
        None
    };
    let Some(problem) = problem else {
        return Ok(());
    };
    let mapped: String = name
        .chars()
        .filter(|c| *c != '\0')
        .map(|c| if DATABASE_REFUSED.contains(c) { '_' } else { c })
        .collect();
    let fixed = truncate_bytes(&mapped, MAX_DATABASE_NAME_BYTES);
    let rewrite =
        (!fixed.is_empty() && !RESERVED_DATABASES.contains(&fixed)).then(|| fixed.to_string());
    Err(Invalid::new(problem, rule).rewrite(rewrite))
}

/// A collection of `database` that scalec shards.
pub fn collection_name(database: &str, name: &str) -> Result<(), Invalid> {
    let room = MAX_NAMESPACE_BYTES.saturating_sub(database.len() + 1);
    let problem = if name.is_empty() {
        Some("it is empty".to_string())
    } else if let Some(problem) = first_refused(name, |c| c != '$' && c != '\0') {
        Some(problem)
    } else if name.starts_with("system.") {
        Some("`system.` collections belong to MongoDB".to_string())
    } else if name.starts_with('.') {
        Some("it starts with `.`".to_string())
    } else if name.len() > room {
        Some(format!(
            "`{database}.{name}` is {} bytes long; the limit is {MAX_NAMESPACE_BYTES}",
            database.len() + 1 + name.len()
        ))
    } else {
        None
    };
    let Some(problem) = problem else {
        return Ok(());
    };
    let mapped: String = name
        .chars()
        .filter(|c| *c != '\0')
        .map(|c| if c == '$' { '_' } else { c })
        .collect();
    let mapped = match mapped.strip_prefix("system.") {
        Some(rest) => format!("system_{rest}"),
        None => mapped,
    };
    let fixed = truncate_bytes(mapped.trim_start_matches('.'), room);
    let rewrite = (!fixed.is_empty()).then(|| fixed.to_string());
    Err(Invalid::new(
        problem,
        format!(
            "a MongoDB collection name is not empty, has no `$` or NUL, does not start with `.` or \
             `system.`, and `database.collection` is at most {MAX_NAMESPACE_BYTES} bytes"
        ),
    )
    .rewrite(rewrite))
}

/// A field path of a shard key: dot-separated field names, none empty, none
/// starting with `$` (an operator), no NUL.
pub fn field_path(path: &str) -> Result<(), Invalid> {
    let problem = if path.is_empty() {
        Some("it is empty".to_string())
    } else if path.contains('\0') {
        Some("it contains NUL".to_string())
    } else if path.split('.').any(str::is_empty) {
        Some("it has an empty part between dots".to_string())
    } else {
        path.split('.')
            .find(|p| p.starts_with('$'))
            .map(|part| format!("`{part}` starts with `$`"))
    };
    let Some(problem) = problem else {
        return Ok(());
    };
    let fixed: Vec<String> = path
        .split('.')
        .map(|part| part.replace('\0', "").trim_start_matches('$').to_string())
        .filter(|part| !part.is_empty())
        .collect();
    let rewrite = (!fixed.is_empty()).then(|| fixed.join("."));
    Err(Invalid::new(
        problem,
        "a shard-key field is a field name or a dotted path (`address.city`): no empty part, \
         no part starting with `$`, no NUL",
    )
    .rewrite(rewrite))
}

/// The MongoDB version of a database: `"MAJOR.MINOR"` of a series the
/// operator supports (the image's floating tag), or an exact Percona build
/// of one, `"MAJOR.MINOR.PATCH-BUILD"` (`"7.0.30-16"`); a leading `v` is
/// accepted.
pub fn version(text: &str) -> Result<(), Invalid> {
    let bare = text.strip_prefix('v').unwrap_or(text);
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let mut parts = bare.splitn(3, '.');
    let (major, minor, rest) = (parts.next(), parts.next(), parts.next());
    let series = match (major, minor) {
        (Some(major), Some(minor)) if digits(major) && digits(minor) => {
            Some(format!("{major}.{minor}"))
        }
        _ => None,
    };
    let build_ok = rest.is_none_or(|rest| {
        rest.split_once('-')
            .is_some_and(|(patch, build)| digits(patch) && digits(build))
    });
    let supported = OPERATOR_MONGODB_SERIES
        .iter()
        .map(|s| format!("`\"{s}\"`"))
        .collect::<Vec<_>>()
        .join(", ");
    let rule = format!(
        "the Percona Operator for MongoDB {OPERATOR_RELEASE} runs MongoDB {supported}, or an exact \
         build of one such as `\"7.0.30-16\"`"
    );
    let newest = OPERATOR_MONGODB_SERIES.last().copied().unwrap_or_default();
    match series {
        Some(series) if OPERATOR_MONGODB_SERIES.contains(&series.as_str()) && build_ok => Ok(()),
        Some(series) if OPERATOR_MONGODB_SERIES.contains(&series.as_str()) => Err(Invalid::new(
            "not `MAJOR.MINOR` or `MAJOR.MINOR.PATCH-BUILD`",
            rule,
        )
        .rewrite(Some(series))),
        Some(series) => Err(Invalid::new(
            format!("MongoDB {series} is not supported by the operator"),
            rule,
        )),
        None => {
            // `7` means the 7.0 series; `latest` the newest one.
            let close = match bare {
                "latest" | "stable" => Some(newest.to_string()),
                _ => OPERATOR_MONGODB_SERIES
                    .iter()
                    .find(|s| s.split('.').next() == Some(bare))
                    .map(|s| s.to_string())
                    .or_else(|| {
                        did_you_mean(bare, OPERATOR_MONGODB_SERIES.iter().copied())
                            .map(str::to_string)
                    }),
            };
            Err(Invalid::new("not a MongoDB version", rule).rewrite(close))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rewrite(result: Result<(), Invalid>) -> Option<String> {
        result.err().and_then(|invalid| invalid.rewrite)
    }

    #[test]
    fn the_series_list_belongs_to_the_operator_emit_writes_for() {
        // Bumping the operator means checking which MongoDB it runs.
        assert_eq!(crate::emit::mongo::CR_VERSION, OPERATOR_RELEASE);
        assert!(version(crate::emit::mongo::DEFAULT_VERSION).is_ok());
    }

    #[test]
    fn versions_are_supported_series_or_exact_builds() {
        for ok in ["6.0", "7.0", "8.0", "v7.0", "7.0.30-16"] {
            assert!(version(ok).is_ok(), "{ok}");
        }
        for bad in [
            "banana", "latest", "5.0", "9.0", "7.0.30", "7.0-1", " 7.0", "7.0.x-1", "",
        ] {
            assert!(version(bad).is_err(), "{bad}");
        }
        assert_eq!(rewrite(version("latest")).as_deref(), Some("8.0"));
        assert_eq!(rewrite(version("7")).as_deref(), Some("7.0"));
        assert_eq!(rewrite(version("7.0.30")).as_deref(), Some("7.0"));
        assert_eq!(rewrite(version("5.0")), None);
    }

    #[test]
    fn database_names() {
        assert!(database_name("shop").is_ok());
        assert_eq!(rewrite(database_name("a.b")).as_deref(), Some("a_b"));
        assert_eq!(rewrite(database_name("a\0b")).as_deref(), Some("ab"));
        assert!(database_name("admin").is_err());
        assert_eq!(rewrite(database_name("admin")), None);
        let long = "d".repeat(64);
        assert_eq!(rewrite(database_name(&long)).map(|r| r.len()), Some(63));
        assert!(database_name("").is_err());
    }

    #[test]
    fn collection_names() {
        assert!(collection_name("shop", "orders").is_ok());
        assert!(collection_name("shop", "orders.archive").is_ok());
        assert_eq!(
            rewrite(collection_name("shop", "a$b")).as_deref(),
            Some("a_b")
        );
        assert_eq!(
            rewrite(collection_name("shop", "system.profile")).as_deref(),
            Some("system_profile")
        );
        assert!(collection_name("shop", "").is_err());
        assert!(collection_name("shop", ".x").is_err());
        let long = "c".repeat(251);
        assert!(collection_name("shop", &long).is_err());
        assert_eq!(
            rewrite(collection_name("shop", &long)).map(|r| r.len()),
            Some(250)
        );
        assert!(collection_name("shop", &"c".repeat(250)).is_ok());
    }

    #[test]
    fn field_paths() {
        assert!(field_path("_id").is_ok());
        assert!(field_path("address.city").is_ok());
        assert_eq!(rewrite(field_path("$weird")).as_deref(), Some("weird"));
        assert_eq!(rewrite(field_path("a..b")).as_deref(), Some("a.b"));
        assert_eq!(rewrite(field_path(".a")).as_deref(), Some("a"));
        assert_eq!(rewrite(field_path("")), None);
        assert!(field_path("a.$b").is_err());
        assert!(field_path("a\0").is_err());
    }
}
