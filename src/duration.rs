//! Durations in the syntax of the `ms` npm package, which Botpress and jsonwebtoken use.
//!
//! The callback token's lifetime is sent to the Botpress token route as `expiresIn`.
//! The original module hands it to jsonwebtoken unchanged, and jsonwebtoken reads a bare
//! number string as *milliseconds*, so we always send whole seconds with a unit.

use crate::error::{Error, Result};

/// Parses `'90s'`, `'15m'`, `'1h'`, `'2d'`, `'1.5h'`, `'500ms'` or a number of seconds
/// (`"3600"` as Studio passes it, or `3600`) into whole seconds, rounded up, between one
/// second and [`MAX_SECONDS`].
///
/// `field` names the setting in the error message.
pub fn parse_seconds(text: &str, field: &str) -> Result<u64> {
    let seconds = parse_unbounded(text, field)?;
    if seconds > MAX_SECONDS {
        return Err(Error::config(format!(
            "{field} must be between 1 second and 365 days, got {}",
            crate::quote::quote(text.trim(), 40)
        )));
    }
    Ok(seconds)
}

/// The longest duration a setting may name: 365 days.
pub const MAX_SECONDS: u64 = 31_536_000;

/// Like [`parse_seconds`] without the upper bound (durations past `u64` saturate), for a
/// request whose duration is capped rather than refused (the callback token's
/// `expiresIn`).
pub fn parse_unbounded(text: &str, field: &str) -> Result<u64> {
    let text = text.trim();
    let split = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let (digits, scale) = decimal(number).ok_or_else(|| bad_duration(field, text))?;
    // The unit in milliseconds: every unit is a whole number of them.
    let unit_ms: u128 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "s" | "sec" | "secs" | "second" | "seconds" => 1_000,
        "ms" | "msec" | "msecs" | "millisecond" | "milliseconds" => 1,
        "m" | "min" | "mins" | "minute" | "minutes" => 60_000,
        "h" | "hr" | "hrs" | "hour" | "hours" => 3_600_000,
        "d" | "day" | "days" => 86_400_000,
        "w" | "week" | "weeks" => 604_800_000,
        "y" | "yr" | "yrs" | "year" | "years" => 31_557_600_000,
        _ => return Err(bad_duration(field, text)),
    };
    // seconds = ⌈digits / 10^scale × unit_ms / 1000⌉, in integers (no float rounding:
    // "0.3h" is 1080 s exactly); past u64 it saturates, which callers cap.
    let divisor = 10u128.pow(scale) * 1000;
    let seconds = digits
        .saturating_mul(unit_ms)
        .div_ceil(divisor)
        .min(u128::from(u64::MAX)) as u64;
    if seconds < 1 {
        return Err(Error::config(format!(
            "{field} must be at least 1 second, got {}",
            crate::quote::quote(text, 40)
        )));
    }
    Ok(seconds)
}

/// `12`, `1.5`, `.25` (digits with at most one dot) as its digits and the number of them
/// after the dot; `None` otherwise. Digits past the 18th after the dot are dropped (they
/// change no whole second), and a number past u128 saturates.
fn decimal(text: &str) -> Option<(u128, u32)> {
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    let is_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if (whole.is_empty() && fraction.is_empty()) || !is_digits(whole) || !is_digits(fraction) {
        return None;
    }
    let fraction = &fraction[..fraction.len().min(18)];
    let digits = whole.bytes().chain(fraction.bytes()).fold(0u128, |n, b| {
        n.saturating_mul(10).saturating_add(u128::from(b - b'0'))
    });
    Some((digits, fraction.len() as u32))
}

/// [`parse_seconds`] of a JSON value: a duration string or a number of seconds.
pub fn parse_value(value: &serde_json::Value, field: &str) -> Result<u64> {
    match value {
        serde_json::Value::Number(n) => parse_seconds(&n.to_string(), field),
        serde_json::Value::String(s) => parse_seconds(s, field),
        _ => Err(Error::config(format!(
            "{field} must be a duration like '1h' or a number of seconds"
        ))),
    }
}

/// An interval setting that `false` turns off: absent → `default_ms`, `false` (or
/// `"false"`) → `None`, else a duration between `min_s` and `max_s` seconds, as
/// milliseconds. `range` is how the error says the bounds (`1s and 1d`).
pub fn interval_or_off(
    value: Option<&serde_json::Value>,
    field: &str,
    default_ms: u64,
    (min_s, max_s): (u64, u64),
    range: &str,
) -> Result<Option<u64>> {
    match value {
        None => Ok(Some(default_ms)),
        Some(serde_json::Value::Bool(false)) => Ok(None),
        Some(serde_json::Value::String(s)) if s.trim() == "false" => Ok(None),
        Some(v) => {
            let seconds = parse_value(v, field)?;
            if !(min_s..=max_s).contains(&seconds) {
                return Err(Error::config(format!(
                    "{field} must be between {range} (or false to turn it off)"
                )));
            }
            Ok(Some(seconds * 1000))
        }
    }
}

/// Formats seconds the way the token route must receive them: always with a unit.
pub fn to_query(seconds: u64) -> String {
    format!("{seconds}s")
}

fn bad_duration(field: &str, text: &str) -> Error {
    Error::config(format!(
        "{field} must be a duration like '90s', '15m', '1h', '2d' or a number of seconds, got {}",
        crate::quote::quote(text, 40)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_units_and_bare_seconds() {
        assert_eq!(parse_seconds("90s", "x").ok(), Some(90));
        assert_eq!(parse_seconds("15m", "x").ok(), Some(900));
        assert_eq!(parse_seconds("1h", "x").ok(), Some(3600));
        assert_eq!(parse_seconds("1.5h", "x").ok(), Some(5400));
        assert_eq!(parse_seconds("2d", "x").ok(), Some(172_800));
        assert_eq!(parse_seconds("3600", "x").ok(), Some(3600));
        assert_eq!(parse_seconds("1500ms", "x").ok(), Some(2));
        assert_eq!(parse_seconds("2 hours", "x").ok(), Some(7200));
        // Exact, not float-rounded: 0.3 h is 1080 s, not 1081.
        assert_eq!(parse_seconds("0.3h", "x").ok(), Some(1080));
        assert_eq!(parse_seconds(".5m", "x").ok(), Some(30));
        assert_eq!(parse_seconds("0.0001s", "x").ok(), Some(1), "rounded up");
        for bad in [".", "1..2h", "1.2.3s", "1e3s", "inf"] {
            assert!(parse_seconds(bad, "x").is_err(), "{bad}");
        }
    }

    #[test]
    fn rejects_garbage_naming_the_field() {
        let err = parse_seconds("soon", "botpressToken.expiresIn").unwrap_err();
        assert!(err.message().contains("botpressToken.expiresIn"));
        assert!(parse_seconds("0s", "x").is_err());
        assert!(parse_seconds("", "x").is_err());
        assert!(parse_seconds("-5m", "x").is_err());
    }

    #[test]
    fn unbounded_durations_saturate_instead_of_failing() {
        assert_eq!(parse_seconds("366d", "x").ok(), None);
        assert_eq!(parse_unbounded("366d", "x").ok(), Some(366 * 86_400));
        assert_eq!(parse_unbounded("2y", "x").ok(), Some(63_115_200));
        assert_eq!(parse_unbounded(&"9".repeat(400), "x").ok(), Some(u64::MAX));
        assert!(parse_unbounded("0s", "x").is_err());
        assert!(parse_unbounded("soon", "x").is_err());
    }

    #[test]
    fn query_form_always_has_a_unit() {
        assert_eq!(to_query(3600), "3600s");
    }
}
