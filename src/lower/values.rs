//! AST values → typed values, with units interpreted per attribute.
//!
//! Every conversion is exact: quantities become integers in a fixed unit
//! (millicores, millibytes, milliseconds, thousandths, parts per million) or an
//! E003 diagnostic that says what was expected and how to write it.

use crate::ast::{Quantity, Value, ValueKind};
use crate::diag::{Diagnostic, Suggestion, codes};
use crate::model::{Cpu, IntOrPercent, Memory, MetricValue, RateAmount, RatePolicy, Spanned};

use crate::names::did_you_mean;

pub type Conv<T> = Result<T, Diagnostic>;

/// E003 for a value of the wrong shape.
pub fn mismatch(value: &Value, expected: &str) -> Diagnostic {
    let found = value.kind.describe();
    Diagnostic::error(
        codes::TYPE_MISMATCH,
        format!("expected {expected}, found {found}"),
        value.span,
    )
    .with_label(format!("this is {found}"))
}

fn quantity<'v>(value: &'v Value, expected: &str) -> Conv<&'v Quantity> {
    match &value.kind {
        ValueKind::Quantity(q) => Ok(q),
        ValueKind::String(s) if looks_numeric(s) => {
            Err(mismatch(value, expected).with_help(format!("remove the quotes: `{s}`")))
        }
        _ => Err(mismatch(value, expected)),
    }
}

fn looks_numeric(s: &str) -> bool {
    s.starts_with(|c: char| c.is_ascii_digit())
}

/// A decimal number as written: `-1.50` is negative, mantissa 150, scale 2.
struct Decimal {
    negative: bool,
    mantissa: u128,
    scale: u32,
}

fn decimal(number: &str) -> Option<Decimal> {
    let (negative, digits) = match number.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, number),
    };
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    let mantissa = format!("{whole}{fraction}").parse::<u128>().ok()?;
    Some(Decimal {
        negative,
        mantissa,
        scale: u32::try_from(fraction.len()).ok()?,
    })
}

/// Why a number could not be scaled exactly.
enum Inexact {
    Negative,
    Fraction,
    TooLarge,
}

/// `number × multiplier`, exactly, as a non-negative integer.
fn scale(number: &str, multiplier: u128) -> Result<u128, Inexact> {
    let d = decimal(number).ok_or(Inexact::TooLarge)?;
    if d.negative && d.mantissa != 0 {
        return Err(Inexact::Negative);
    }
    let product = d
        .mantissa
        .checked_mul(multiplier)
        .ok_or(Inexact::TooLarge)?;
    let divisor = 10u128.checked_pow(d.scale).ok_or(Inexact::TooLarge)?;
    if product % divisor != 0 {
        return Err(Inexact::Fraction);
    }
    Ok(product / divisor)
}

/// Converts a quantity with a unit table into the table's base unit.
fn with_units(
    value: &Value,
    expected: &str,
    units: &[(&'static str, u128)],
    unit_help: &str,
    fraction_help: &str,
) -> Conv<u128> {
    let q = quantity(value, expected)?;
    let Some(&(_, multiplier)) = units.iter().find(|(u, _)| *u == q.unit) else {
        let message = if q.unit.is_empty() {
            format!("`{}` needs a unit", q.number)
        } else {
            format!("`{}` is not a unit of {expected}", q.unit)
        };
        let close = suggest_unit(&q.unit, units).map(|unit| format!("{}{unit}", q.number));
        let help = match &close {
            Some(close) => format!("did you mean `{close}`? {unit_help}"),
            None => unit_help.to_string(),
        };
        let label = if q.unit.is_empty() {
            "no unit"
        } else {
            "unknown unit"
        };
        let suggestion = close.map(|close| {
            let title = format!("change to `{close}`");
            Suggestion::text(value.span, close, title)
        });
        return Err(Diagnostic::error(codes::TYPE_MISMATCH, message, value.span)
            .with_label(label)
            .with_help(help)
            .with_suggestion_opt(suggestion));
    };
    scale(&q.number, multiplier).map_err(|e| inexact(value, e, expected, fraction_help))
}

/// The unit of `units` a user most likely meant by `unit`, if any: `MB` or
/// `mb` → `Mi` for memory, `sec` → `s`, `Mi` → `m` for time, `S` → `s`.
fn suggest_unit(unit: &str, units: &[(&'static str, u128)]) -> Option<&'static str> {
    let known = |u: &str| {
        units
            .iter()
            .map(|(k, _)| *k)
            .find(|k| !k.is_empty() && *k == u)
    };
    let lower = unit.to_ascii_lowercase();
    let first = lower.chars().next()?;
    // Memory written as bytes (`MB`, `mib`, `gb`): Kubernetes means `Mi`.
    let binary = format!("{}i", first.to_ascii_uppercase());
    if matches!(lower.get(1..), Some("" | "b" | "i" | "ib"))
        && let Some(u) = known(&binary)
    {
        return Some(u);
    }
    let word = match lower.as_str() {
        "sec" | "secs" | "second" | "seconds" => "s",
        "min" | "mins" | "minute" | "minutes" | "mi" => "m",
        "hr" | "hrs" | "hour" | "hours" => "h",
        "msec" | "millis" | "millisecond" | "milliseconds" => "ms",
        "mc" | "milli" | "millicore" | "millicores" => "m",
        _ => "",
    };
    if let Some(u) = known(word) {
        return Some(u);
    }
    // The same letters in another case, when only one unit matches.
    let mut matches = units
        .iter()
        .map(|(k, _)| *k)
        .filter(|k| !k.is_empty() && k.eq_ignore_ascii_case(unit));
    match (matches.next(), matches.next()) {
        (Some(u), None) => Some(u),
        _ => None,
    }
}

fn inexact(value: &Value, e: Inexact, expected: &str, fraction_help: &str) -> Diagnostic {
    let (message, help) = match e {
        Inexact::Negative => (
            format!("{expected} cannot be negative"),
            "use a positive number".to_string(),
        ),
        Inexact::Fraction => (
            format!("{expected} is more precise than it can be"),
            fraction_help.to_string(),
        ),
        Inexact::TooLarge => (
            format!("{expected} is too large"),
            "use a smaller number".to_string(),
        ),
    };
    Diagnostic::error(codes::TYPE_MISMATCH, message, value.span)
        .with_label("this value")
        .with_help(help)
}

const CPU_UNITS: &[(&str, u128)] = &[("", 1000), ("m", 1)];

const KILO: u128 = 1000;
/// Kubernetes quantity suffixes, in thousandths of the base unit.
const QUANTITY_UNITS: &[(&str, u128)] = &[
    ("", KILO),
    ("m", 1),
    ("k", KILO * 1_000),
    ("M", KILO * 1_000_000),
    ("G", KILO * 1_000_000_000),
    ("T", KILO * 1_000_000_000_000),
    ("P", KILO * 1_000_000_000_000_000),
    ("E", KILO * 1_000_000_000_000_000_000),
    ("Ki", KILO << 10),
    ("Mi", KILO << 20),
    ("Gi", KILO << 30),
    ("Ti", KILO << 40),
    ("Pi", KILO << 50),
    ("Ei", KILO << 60),
];

const DURATION_UNITS: &[(&str, u128)] = &[("ms", 1), ("s", 1000), ("m", 60_000), ("h", 3_600_000)];

const NUMBER_UNITS: &[(&str, u128)] = &[("", 1000), ("k", 1_000_000), ("M", 1_000_000_000)];

/// The text of a quantity as written, e.g. `512Mi`.
fn text(value: &Value) -> String {
    match &value.kind {
        ValueKind::Quantity(q) => format!("{}{}", q.number, q.unit),
        _ => String::new(),
    }
}

/// The largest Kubernetes quantity, 2^63 − 1 of its unit, in thousandths.
/// Kubernetes caps larger quantities silently (`resource.Quantity`), so
/// lowering rejects them instead.
pub const QUANTITY_MAX_MILLI: u128 = 9_223_372_036_854_775_807_000;

/// `milli`, read from `value`, if Kubernetes can hold it as a quantity.
fn kube_quantity(value: &Value, milli: u128, what: &str, unit: &str) -> Conv<u128> {
    if milli <= QUANTITY_MAX_MILLI {
        return Ok(milli);
    }
    Err(Diagnostic::error(
        codes::TYPE_MISMATCH,
        format!("{what} `{}` is more than Kubernetes can hold", text(value)),
        value.span,
    )
    .with_label("above 2^63 − 1")
    .with_help(format!(
        "Kubernetes quantities hold at most 2^63 − 1 (9223372036854775807) {unit} and cap larger \
         values silently: write at most `9223372036854775807`"
    )))
}

pub fn cpu(value: &Value) -> Conv<Cpu> {
    let millicores = with_units(
        value,
        "cpu",
        CPU_UNITS,
        "write cpu in cores (`1`, `0.5`) or millicores (`500m`)",
        "cpu is counted in whole millicores: `0.0005` is finer than `1m`",
    )?;
    // Kubernetes holds up to 2^63 − 1 cores; scalec keeps millicores in 64
    // bits, a smaller limit that is still far above any machine.
    let Ok(millicores) = u64::try_from(millicores) else {
        return Err(Diagnostic::error(
            codes::TYPE_MISMATCH,
            format!("cpu `{}` is more than scalec can hold", text(value)),
            value.span,
        )
        .with_label(format!("above {}m", u64::MAX))
        .with_help(format!(
            "scalec counts cpu in 64-bit millicores: write at most `{}m`",
            u64::MAX
        )));
    };
    Ok(Cpu {
        millicores,
        text: text(value),
    })
}

pub fn memory(value: &Value) -> Conv<Memory> {
    let millibytes = with_units(
        value,
        "memory",
        QUANTITY_UNITS,
        "write memory with a binary suffix: `512Mi`, `2Gi`",
        "Kubernetes counts memory in thousandths of a byte at most; write e.g. `512Mi`",
    )?;
    let millibytes = kube_quantity(value, millibytes, "memory", "bytes")?;
    let milli_unit = matches!(&value.kind, ValueKind::Quantity(q) if q.unit == "m");
    Ok(Memory {
        millibytes,
        text: text(value),
        milli_unit,
    })
}

/// A Kubernetes quantity used as a metric target.
pub fn metric_value(value: &Value) -> Conv<MetricValue> {
    let milli = with_units(
        value,
        "a metric value",
        QUANTITY_UNITS,
        "write a number, optionally with a Kubernetes suffix: `500`, `250m`, `2k`",
        "Kubernetes counts metric values in thousandths: use at most 3 decimals",
    )?;
    let milli = kube_quantity(value, milli, "the metric value", "units")?;
    Ok(MetricValue {
        milli,
        text: text(value),
    })
}

/// A duration in milliseconds.
pub fn duration_millis(value: &Value) -> Conv<u128> {
    with_units(
        value,
        "time",
        DURATION_UNITS,
        "write durations with `ms`, `s`, `m` or `h`: `30s`, `5m`",
        "durations are counted in whole milliseconds",
    )
}

/// A duration in whole seconds, at most `max_seconds`: an int32 field.
pub fn duration_seconds(value: &Value, max_seconds: u32) -> Conv<i32> {
    let millis = duration_millis(value)?;
    if millis % 1000 != 0 {
        return Err(Diagnostic::error(
            codes::TYPE_MISMATCH,
            "this duration must be whole seconds",
            value.span,
        )
        .with_label("not whole seconds")
        .with_help("Kubernetes counts this in seconds: round it, e.g. `1s`"));
    }
    let seconds = millis / 1000;
    match i32::try_from(seconds) {
        Ok(fits) if fits.unsigned_abs() <= max_seconds => Ok(fits),
        _ => Err(Diagnostic::error(
            codes::TYPE_MISMATCH,
            format!(
                "this duration is {seconds}s; the most Kubernetes accepts here is {max_seconds}s"
            ),
            value.span,
        )
        .with_label("too long")
        .with_help(format!(
            "use at most `{}`",
            crate::model::format_seconds(i64::from(max_seconds))
        ))),
    }
}

/// A plain number that may carry `k` or `M`, in thousandths.
pub fn number_milli(value: &Value) -> Conv<u64> {
    let milli = with_units(
        value,
        "a number",
        NUMBER_UNITS,
        "write a plain number, optionally with `k` (thousand) or `M` (million)",
        "use at most 3 decimals",
    )?;
    u64::try_from(milli).map_err(|_| {
        Diagnostic::error(
            codes::TYPE_MISMATCH,
            format!("`{}` is more than scalec can hold", text(value)),
            value.span,
        )
        .with_label("too large")
        .with_help(format!(
            "scalec keeps these numbers in 64-bit thousandths: write at most `{}.{:03}`",
            u64::MAX / 1000,
            u64::MAX % 1000
        ))
    })
}

/// A whole number that may carry `k` or `M`.
pub fn whole_number(value: &Value) -> Conv<u64> {
    let milli = number_milli(value)?;
    if milli % 1000 != 0 {
        return Err(inexact(
            value,
            Inexact::Fraction,
            "a count",
            "use a whole number",
        ));
    }
    Ok(milli / 1000)
}

/// The largest value of a Kubernetes int32 field.
pub const INT32_MAX: u32 = 2_147_483_647;

/// The most a count may be, and why: E003 states both.
#[derive(Clone, Copy, Debug)]
pub struct Limit {
    pub max: u32,
    /// What is counted, plural: `replicas`, `shards`.
    pub what: &'static str,
    /// Why the limit holds, in the user's terms.
    pub why: &'static str,
}

/// Replica counts: `spec.replicas`, `minReplicas`, `maxReplicas`, KEDA's
/// `minReplicaCount` and `maxReplicaCount` are all int32.
pub const REPLICAS: Limit = Limit {
    max: INT32_MAX,
    what: "replicas",
    why: "Kubernetes stores replica counts as 32-bit integers (int32)",
};

/// `nodes { gpu }`: GPUs per node, counted as a pod's are.
pub const NODE_GPUS: Limit = Limit {
    max: INT32_MAX,
    what: "GPUs per node",
    why: "scalec counts GPUs in 32-bit integers",
};

/// A toleration's `seconds`: `tolerationSeconds` is int64, but no pod waits
/// 68 years for its eviction; scalec keeps it in 32 bits.
pub const TOLERATION_SECONDS: Limit = Limit {
    max: INT32_MAX,
    what: "seconds",
    why: "scalec keeps `tolerationSeconds` in 32 bits (about 68 years)",
};

/// HPA scaling policies: `value` is int32.
pub const RATE_PODS: Limit = Limit {
    max: INT32_MAX,
    what: "pods per period",
    why: "Kubernetes stores a scaling policy's value as a 32-bit integer (int32)",
};

/// Percentages Kubernetes stores as int32 (utilization targets, scaling
/// policies). A percentage never gets near this; the limit keeps emit exact.
pub const PERCENT_INT32: Limit = Limit {
    max: INT32_MAX,
    what: "percent",
    why: "Kubernetes stores this percentage as a 32-bit integer (int32)",
};

/// PodDisruptionBudget `maxUnavailable`/`minAvailable` as a number: int32.
pub const DISRUPTION_PODS: Limit = Limit {
    max: INT32_MAX,
    what: "pods",
    why: "Kubernetes stores a disruption budget's pod count as a 32-bit integer (int32)",
};

/// Node counts feed only the capacity checks; 32 bits is what scalec keeps.
/// A probe's failure and success thresholds are int32.
pub const PROBE_THRESHOLD: Limit = Limit {
    max: INT32_MAX,
    what: "probes in a row",
    why: "Kubernetes stores a probe's thresholds as 32-bit integers (int32)",
};

pub const NODES: Limit = Limit {
    max: u32::MAX,
    what: "nodes",
    why: "scalec counts nodes in 32 bits (Kubernetes itself supports at most 5,000 nodes per cluster)",
};

/// A whole number with no unit; `None` if it has too many digits for any
/// count (it is then above every limit).
fn whole(value: &Value) -> Conv<Option<u128>> {
    let q = quantity(value, "a whole number")?;
    if !q.unit.is_empty() {
        return Err(Diagnostic::error(
            codes::TYPE_MISMATCH,
            format!("a count takes no unit, found `{}`", q.unit),
            value.span,
        )
        .with_label("expected a whole number")
        .with_help(format!("write `{}`", q.number)));
    }
    match scale(&q.number, 1) {
        Ok(n) => Ok(Some(n)),
        Err(Inexact::TooLarge) => Ok(None),
        Err(e) => Err(inexact(value, e, "a count", "use a whole number")),
    }
}

/// E003 for a number above `limit`, labelled at the value.
fn above(value: &Value, limit: &Limit) -> Diagnostic {
    let max = limit.max;
    Diagnostic::error(
        codes::TYPE_MISMATCH,
        format!(
            "{} {} is more than the {max} allowed",
            text(value),
            limit.what
        ),
        value.span,
    )
    .with_label(format!("at most {max}"))
    .with_help(format!("{}: write at most `{max}`", limit.why))
}

/// `n`, already read from `value`, if it is within `limit`.
fn within(value: &Value, n: Option<u128>, limit: &Limit) -> Conv<u32> {
    match n.map(u32::try_from) {
        Some(Ok(n)) if n <= limit.max => Ok(n),
        _ => Err(above(value, limit)),
    }
}

/// `n`, already read from `value`, as the int32 Kubernetes stores, if it is
/// within `limit` (whose `max` is at most [`INT32_MAX`]).
fn within_int32(value: &Value, n: Option<u128>, limit: &Limit) -> Conv<i32> {
    match n.map(i32::try_from) {
        Some(Ok(fits)) if fits.unsigned_abs() <= limit.max => Ok(fits),
        _ => Err(above(value, limit)),
    }
}

/// A whole number with no unit, at most `limit.max`.
pub fn count_within(value: &Value, limit: &Limit) -> Conv<u32> {
    within(value, whole(value)?, limit)
}

/// A whole number with no unit for an int32 field, at most `limit.max`.
pub fn int32_count(value: &Value, limit: &Limit) -> Conv<i32> {
    within_int32(value, whole(value)?, limit)
}

pub fn port(value: &Value) -> Conv<u16> {
    let port = whole(value)?.and_then(|n| u16::try_from(n).ok());
    match port {
        Some(port) if port > 0 => Ok(port),
        _ => Err(Diagnostic::error(
            codes::TYPE_MISMATCH,
            format!("port {} is out of range", text(value)),
            value.span,
        )
        .with_label("not a port")
        .with_help("a port is a number from 1 to 65535")),
    }
}

/// A percentage in parts per million: `4%` is 40 000.
pub fn percent_ppm(value: &Value) -> Conv<u32> {
    let q = quantity(value, "a percentage")?;
    if q.unit != "%" {
        let written = format!("{}{}", q.number, q.unit);
        return Err(Diagnostic::error(
            codes::TYPE_MISMATCH,
            format!("expected a percentage, found `{written}`"),
            value.span,
        )
        .with_label("not a percentage")
        .with_help(format!("write it with `%`, e.g. `{}%`", q.number)));
    }
    let ppm = scale(&q.number, 10_000)
        .map_err(|e| inexact(value, e, "a percentage", "use at most 4 decimals"))?;
    u32::try_from(ppm).map_err(|_| {
        Diagnostic::error(
            codes::TYPE_MISMATCH,
            format!("`{}` is more than scalec can hold", text(value)),
            value.span,
        )
        .with_label("too large")
        .with_help(format!(
            "scalec keeps percentages in 32-bit millionths: write at most `{}.{:04}%`",
            u32::MAX / 10_000,
            u32::MAX % 10_000
        ))
    })
}

/// A percentage in whole percent.
pub fn whole_percent(value: &Value) -> Conv<u32> {
    let ppm = percent_ppm(value)?;
    if ppm % 10_000 != 0 {
        return Err(inexact(
            value,
            Inexact::Fraction,
            "this percentage",
            "Kubernetes takes whole percents here",
        ));
    }
    Ok(ppm / 10_000)
}

/// A whole percentage for an int32 field.
pub fn int32_percent(value: &Value) -> Conv<i32> {
    let percent = whole_percent(value)?;
    within_int32(value, Some(u128::from(percent)), &PERCENT_INT32)
}

/// A pod count or a percentage of pods, for a disruption budget.
pub fn count_or_percent(value: &Value) -> Conv<IntOrPercent> {
    match &value.kind {
        ValueKind::Quantity(q) if q.unit == "%" => whole_percent(value).map(IntOrPercent::Percent),
        _ => int32_count(value, &DISRUPTION_PODS).map(IntOrPercent::Int),
    }
}

pub fn string(value: &Value) -> Conv<String> {
    match &value.kind {
        ValueKind::String(s) => Ok(s.clone()),
        ValueKind::Ident(name) => {
            Err(mismatch(value, "a string")
                .with_help(format!("put it in double quotes: \"{name}\"")))
        }
        ValueKind::Quantity(_) => Err(mismatch(value, "a string")
            .with_help(format!("put it in double quotes: \"{}\"", text(value)))),
        _ => Err(mismatch(value, "a string")),
    }
}

/// A command and its arguments: a non-empty list of strings.
pub fn command(value: &Value) -> Conv<Vec<String>> {
    let ValueKind::List(items) = &value.kind else {
        let help = match &value.kind {
            ValueKind::String(s) => format!("a command is a list: `[\"{s}\"]`, one string per argument"),
            _ => "write the command and its arguments as a list of strings: `[\"/bin/check\", \"--ready\"]`".into(),
        };
        return Err(mismatch(value, "a list of strings").with_help(help));
    };
    if items.is_empty() {
        return Err(Diagnostic::error(
            codes::TYPE_MISMATCH,
            "a command needs at least the program to run",
            value.span,
        )
        .with_label("empty command")
        .with_help("write the program and its arguments: `[\"/bin/check\", \"--ready\"]`"));
    }
    items.iter().map(string).collect()
}

/// A non-empty list of strings: `["a", "b"]`.
pub fn strings(value: &Value) -> Conv<Vec<Spanned<String>>> {
    let ValueKind::List(items) = &value.kind else {
        let help = match &value.kind {
            ValueKind::String(s) => format!("write a list: `[\"{s}\"]`"),
            _ => "write a list of strings: `[\"a\", \"b\"]`".into(),
        };
        return Err(mismatch(value, "a list of strings").with_help(help));
    };
    if items.is_empty() {
        return Err(
            Diagnostic::error(codes::TYPE_MISMATCH, "the list is empty", value.span)
                .with_label("empty list")
                .with_help("write at least one string: `[\"a\"]`"),
        );
    }
    (items.iter())
        .map(|item| string(item).map(|s| Spanned::new(s, item.span)))
        .collect()
}

/// A word or a string, as written: names of things.
pub fn name(value: &Value) -> Conv<String> {
    match &value.kind {
        ValueKind::String(s) | ValueKind::Ident(s) => Ok(s.clone()),
        _ => Err(mismatch(value, "a name")),
    }
}

/// One of a fixed set of words.
/// One of the words of a keyword enum, as its variant.
pub fn keyword<T: crate::model::Keyword>(value: &Value) -> Conv<T> {
    word(value, T::WORDS)
        .map(|w| T::from_word(w).expect("every word of a keyword enum names a variant"))
}

pub fn word(value: &Value, words: &[&'static str]) -> Conv<&'static str> {
    let choices = || {
        words
            .iter()
            .map(|w| format!("`{w}`"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let written = match &value.kind {
        ValueKind::Ident(s) | ValueKind::String(s) => s,
        _ => return Err(mismatch(value, &format!("one of {}", choices()))),
    };
    if let Some(w) = words.iter().find(|w| *w == written) {
        return Ok(w);
    }
    let close = did_you_mean(written, words.iter().copied());
    let help = match close {
        Some(close) => format!("did you mean `{close}`?"),
        None => format!("use one of {}", choices()),
    };
    Err(Diagnostic::error(
        codes::TYPE_MISMATCH,
        format!("`{written}` is not one of {}", choices()),
        value.span,
    )
    .with_label("unknown value")
    .with_help(help)
    .with_suggestion_opt(close.map(|close| Suggestion::name(value.span, close))))
}

pub fn boolean(value: &Value) -> Conv<bool> {
    match &value.kind {
        ValueKind::Bool(b) => Ok(*b),
        _ => Err(mismatch(value, "`true` or `false`")),
    }
}

/// The low end with its value, and the high end with its value if it is a range.
pub type OneOrRange<'v, T> = (T, &'v Value, Option<(T, &'v Value)>);

/// `a` or `a .. b`, converting each end with `convert`.
pub fn one_or_range<T>(
    value: &Value,
    convert: impl Fn(&Value) -> Conv<T>,
) -> Conv<OneOrRange<'_, T>> {
    match &value.kind {
        ValueKind::Range(low, high) => Ok((convert(low)?, &**low, Some((convert(high)?, &**high)))),
        ValueKind::Rate(..) => {
            Err(mismatch(value, "a value or a range `a .. b`")
                .with_help("a range is written `a .. b`"))
        }
        _ => Ok((convert(value)?, value, None)),
    }
}

/// `50% per 1m` (percent of pods) or `4 per 15s` (pods), at most 30 minutes.
pub fn rate(value: &Value) -> Conv<RatePolicy> {
    let ValueKind::Rate(amount, period) = &value.kind else {
        return Err(mismatch(
            value,
            "a rate such as `50% per 1m` or `4 per 15s`",
        ));
    };
    let amount = match &amount.kind {
        ValueKind::Quantity(q) if q.unit == "%" => RateAmount::Percent(int32_percent(amount)?),
        _ => RateAmount::Pods(int32_count(amount, &RATE_PODS)?),
    };
    let zero = matches!(amount, RateAmount::Percent(0) | RateAmount::Pods(0));
    if zero {
        return Err(Diagnostic::error(
            codes::TYPE_MISMATCH,
            "a rate of zero never lets the autoscaler act",
            value.span,
        )
        .with_label("zero")
        .with_help("to stop scaling in this direction write `select = disabled`"));
    }
    let period_seconds = duration_seconds(period, 1800)?;
    if period_seconds == 0 {
        return Err(Diagnostic::error(
            codes::TYPE_MISMATCH,
            "a rate's period must be at least 1s",
            period.span,
        )
        .with_label("zero period")
        .with_help("write a period such as `15s` or `1m`"));
    }
    Ok(RatePolicy {
        amount,
        period_seconds,
    })
}

/// One rate or a list of rates.
pub fn rates(value: &Value) -> Conv<Vec<(RatePolicy, &Value)>> {
    match &value.kind {
        ValueKind::List(items) => items.iter().map(|v| Ok((rate(v)?, v))).collect(),
        _ => Ok(vec![(rate(value)?, value)]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unit_suggestions_point_at_what_kubernetes_means() {
        assert_eq!(suggest_unit("MB", QUANTITY_UNITS), Some("Mi"));
        assert_eq!(suggest_unit("mb", QUANTITY_UNITS), Some("Mi"));
        assert_eq!(suggest_unit("GiB", QUANTITY_UNITS), Some("Gi"));
        assert_eq!(suggest_unit("k", CPU_UNITS), None);
        assert_eq!(suggest_unit("Mi", CPU_UNITS), Some("m"));
        assert_eq!(suggest_unit("Mi", DURATION_UNITS), Some("m"));
        assert_eq!(suggest_unit("sec", DURATION_UNITS), Some("s"));
        assert_eq!(suggest_unit("S", DURATION_UNITS), Some("s"));
        assert_eq!(suggest_unit("x", DURATION_UNITS), None);
    }
}
