//! `schedule NAME { timezone, start, end }`: hours during which a service
//! keeps at least some pods, compiled to KEDA's `cron` trigger.
//!
//! KEDA parses `start` and `end` with robfig/cron (five fields: minute, hour,
//! day of month, month, day of week; no descriptors such as `@daily`),
//! loads `timezone` with Go's `time.LoadLocation`, and refuses a start equal
//! to the end. [`check_cron`] and [`check_timezone`] decide the same here, so
//! lowering reports what KEDA would refuse.

use super::Spanned;
use crate::source::{Span, eq_ignoring_spans};

/// `schedule NAME { ... }`: a recurring window, in a time zone.
#[derive(Clone, Debug)]
pub struct Schedule {
    pub name: Spanned<String>,
    /// An IANA zone name (`Europe/Berlin`, `UTC`).
    pub timezone: Spanned<String>,
    /// When the window opens: five cron fields.
    pub start: Spanned<String>,
    /// When it closes: five cron fields, not the same text as `start`.
    pub end: Spanned<String>,
    pub span: Span,
}

eq_ignoring_spans! {
    Schedule { name, timezone, start, end } ignoring { span }
}

/// One cron field: its name and the values it may take.
struct Field {
    name: &'static str,
    min: u32,
    max: u32,
    /// Names robfig/cron accepts for values, from `min`.
    names: &'static [&'static str],
}

const FIELDS: [Field; 5] = [
    Field {
        name: "minute",
        min: 0,
        max: 59,
        names: &[],
    },
    Field {
        name: "hour",
        min: 0,
        max: 23,
        names: &[],
    },
    Field {
        name: "day of month",
        min: 1,
        max: 31,
        names: &[],
    },
    Field {
        name: "month",
        min: 1,
        max: 12,
        names: &[
            "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
        ],
    },
    Field {
        name: "day of week",
        min: 0,
        max: 6,
        names: &["sun", "mon", "tue", "wed", "thu", "fri", "sat"],
    },
];

/// Whether `spec` is a cron schedule KEDA's parser accepts: five fields of
/// comma-separated `*`, `?`, `N`, `N-M`, each optionally `/STEP`, within the
/// field's range. The error says what is wrong.
pub fn check_cron(spec: &str) -> Result<(), String> {
    if spec.trim_start().starts_with('@') {
        return Err("descriptors such as `@daily` are not accepted".to_string());
    }
    let fields: Vec<&str> = spec.split_whitespace().collect();
    if fields.len() != FIELDS.len() {
        return Err(format!(
            "{} field{}, where KEDA expects exactly 5 (minute hour day-of-month month day-of-week)",
            fields.len(),
            if fields.len() == 1 { "" } else { "s" }
        ));
    }
    for (text, field) in fields.iter().zip(&FIELDS) {
        for part in text.split(',') {
            check_part(part, field).map_err(|e| format!("{} `{text}`: {e}", field.name))?;
        }
    }
    Ok(())
}

fn check_part(part: &str, field: &Field) -> Result<(), String> {
    let (range, step) = match part.split_once('/') {
        Some((range, step)) => (range, Some(step)),
        None => (part, None),
    };
    if let Some(step) = step {
        match step.parse::<u32>() {
            Ok(0) => return Err("a step of 0".to_string()),
            Ok(_) => {}
            Err(_) => return Err(format!("`{step}` is not a step")),
        }
    }
    if range == "*" || range == "?" {
        return Ok(());
    }
    let (low, high) = match range.split_once('-') {
        Some((low, high)) => (value(low, field)?, value(high, field)?),
        None => {
            let low = value(range, field)?;
            (low, low)
        }
    };
    if low > high {
        return Err(format!("the range starts after it ends ({low} > {high})"));
    }
    Ok(())
}

fn value(text: &str, field: &Field) -> Result<u32, String> {
    let lower = text.to_ascii_lowercase();
    if let Some(i) = field.names.iter().position(|n| *n == lower) {
        return Ok(field.min + i as u32);
    }
    match text.parse::<u32>() {
        Ok(n) if (field.min..=field.max).contains(&n) => Ok(n),
        Ok(n) => Err(format!("{n} is outside {} to {}", field.min, field.max)),
        Err(_) if text.is_empty() => Err("an empty value".to_string()),
        Err(_) => Err(format!("`{text}` is not a value")),
    }
}

/// The areas of the IANA time zone database, the first part of every zone
/// name but `UTC`.
const AREAS: &[&str] = &[
    "Africa",
    "America",
    "Antarctica",
    "Arctic",
    "Asia",
    "Atlantic",
    "Australia",
    "Europe",
    "Indian",
    "Pacific",
    "Etc",
];

/// Whether `zone` has the form of an IANA zone name: `UTC`, or an area and
/// a location (`Europe/Berlin`, `America/Argentina/Buenos_Aires`). Whether
/// the location exists is up to the operator's time zone database; `Local`
/// (the operator's own zone) and abbreviations such as `CET` are refused.
pub fn check_timezone(zone: &str) -> Result<(), String> {
    if zone == "UTC" {
        return Ok(());
    }
    let Some((area, location)) = zone.split_once('/') else {
        return Err(format!(
            "`{zone}` is not an IANA zone name: write an area and a city, e.g. `Europe/Berlin`, or `UTC`"
        ));
    };
    if !AREAS.contains(&area) {
        return Err(format!(
            "`{area}` is not an IANA area (one of {})",
            AREAS.join(", ")
        ));
    }
    let valid = |part: &str| {
        !part.is_empty()
            && part
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphanumeric())
            && part
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '+'))
    };
    if !location.split('/').all(valid) {
        return Err(format!("`{location}` is not a location name"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cron_accepts_what_robfig_accepts() {
        for spec in [
            "0 8 * * 1-5",
            "*/15 * * * *",
            "0 18 * * MON-FRI",
            "30 6,18 1-15/2 jan-jun ?",
            "5/10 0 1 12 0",
        ] {
            assert_eq!(check_cron(spec), Ok(()), "{spec}");
        }
    }

    #[test]
    fn cron_refuses_what_robfig_refuses() {
        for (spec, why) in [
            ("0 8 * *", "4 fields"),
            ("0 0 8 * * 1-5", "6 fields"),
            ("@daily", "descriptors"),
            ("60 8 * * *", "minute `60`: 60 is outside 0 to 59"),
            ("0 24 * * *", "hour"),
            ("0 8 0 * *", "day of month"),
            ("0 8 * 13 *", "month"),
            ("0 8 * * 7", "day of week `7`"),
            ("0 8 * * 5-1", "starts after it ends"),
            ("*/0 8 * * *", "a step of 0"),
            ("0 8 * * mon-", "an empty value"),
            ("0 8 * * x", "`x` is not a value"),
        ] {
            let error = check_cron(spec).expect_err(spec);
            assert!(error.contains(why), "{spec}: {error}");
        }
    }

    #[test]
    fn timezones() {
        for zone in [
            "UTC",
            "Europe/Berlin",
            "America/Argentina/Buenos_Aires",
            "Etc/GMT+2",
        ] {
            assert_eq!(check_timezone(zone), Ok(()), "{zone}");
        }
        for zone in [
            "Berlin",
            "Local",
            "CET",
            "Mars/Olympus",
            "Europe/",
            "Europe/ Berlin",
            "",
        ] {
            assert!(check_timezone(zone).is_err(), "{zone}");
        }
    }
}
