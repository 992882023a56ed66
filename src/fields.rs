//! Reading loosely typed settings: the action's `args` first, the bot's module config second.
//!
//! Botpress renders every flow-node argument with Mustache, so values arrive as strings
//! (`"2"`, `"false"`, `'{"a":1}'`), and a missing Mustache variable renders as `""`.
//! These helpers read both the typed and the string forms and treat `null` and blank
//! strings as absent, naming the field in every error.

use serde_json::{Map, Value};

use crate::error::{Error, Result};

/// The two layers settings come from, looked up field by field (API.md: "falling back
/// field by field to the bot's module config").
#[derive(Debug, Clone, Copy)]
pub struct Layers<'a> {
    layers: [&'a Value; 2],
}

impl<'a> Layers<'a> {
    /// `args` win over `module_config`.
    pub fn new(args: &'a Value, module_config: &'a Value) -> Self {
        Layers {
            layers: [args, module_config],
        }
    }

    /// The first present value among the given spellings, searching `args` first,
    /// with the spelling it was found under.
    pub fn get(&self, names: &[&'static str]) -> Option<(&'static str, &'a Value)> {
        self.layers.iter().find_map(|layer| {
            names
                .iter()
                .find_map(|n| present(layer.get(*n)).map(|v| (*n, v)))
        })
    }

    /// The spellings among `names` that `args` itself holds (not blank).
    pub fn in_args(&self, names: &[&'static str]) -> Vec<&'static str> {
        names
            .iter()
            .copied()
            .filter(|n| present(self.layers[0].get(*n)).is_some())
            .collect()
    }

    /// These layers with `args` alone: nothing falls back to the module config.
    pub fn args_only(&self) -> Layers<'a> {
        static NONE: Value = Value::Null;
        Layers {
            layers: [self.layers[0], &NONE],
        }
    }

    /// Each layer's object under `name` (an object, or a string holding one), then the
    /// layer itself, in priority order: `args.auth`, `args`, `config.auth`, `config`.
    pub fn nested(&self, name: &str) -> Result<Vec<Value>> {
        let mut out = Vec::new();
        for layer in self.layers {
            if let Some(v) = present(layer.get(name)) {
                out.push(Value::Object(object(name, v)?));
            }
            out.push(layer.clone());
        }
        Ok(out)
    }
}

/// `Some` unless the value is absent, `null` or a blank string.
pub fn present(value: Option<&Value>) -> Option<&Value> {
    match value {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) if s.trim().is_empty() => None,
        Some(v) => Some(v),
    }
}

/// A string setting; numbers are accepted and printed. A control character (CR, LF,
/// NUL, tab, …) anywhere in it is refused: settings go into headers, URLs and OData
/// literals, where a line break would start a header of the caller's choosing. The
/// error names the field, never the value (it may be a secret).
pub fn string(field: &str, value: &Value) -> Result<String> {
    let text = match value {
        Value::String(s) => s.trim().to_string(),
        Value::Number(n) => n.to_string(),
        _ => return Err(Error::config(format!("{field} must be a string"))),
    };
    refuse_control(field, &text)?;
    Ok(text)
}

/// `INVALID_CONFIG` naming `field` when `text` holds a control character.
pub fn refuse_control(field: &str, text: &str) -> Result<()> {
    if text.chars().any(char::is_control) {
        return Err(Error::config(format!(
            "{field} must not hold control characters (CR, LF, NUL, tab, …)"
        )));
    }
    Ok(())
}

/// A whole number in `min..=max`, as a number or a numeric string.
pub fn integer(field: &str, value: &Value, min: i64, max: i64) -> Result<i64> {
    let parsed = match value {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    };
    match parsed {
        Some(n) if (min..=max).contains(&n) => Ok(n),
        _ => Err(Error::config(format!(
            "{field} must be a whole number from {min} to {max}, got {}",
            crate::quote::cut(&crate::types::json_text(value), 40)
        ))),
    }
}

/// A JSON object, given as an object or as a string holding one.
pub fn object(field: &str, value: &Value) -> Result<Map<String, Value>> {
    match value {
        Value::Object(m) => Ok(m.clone()),
        Value::String(s) => match serde_json::from_str::<Value>(s) {
            Ok(Value::Object(m)) => Ok(m),
            _ => Err(Error::config(format!(
                "{field} must be an object (or a string holding a JSON object)"
            ))),
        },
        _ => Err(Error::config(format!("{field} must be an object"))),
    }
}

/// A list of whole numbers, given as an array or a JSON string holding one.
pub fn id_list(field: &str, value: &Value) -> Result<Vec<i64>> {
    let owned;
    let array = match value {
        Value::Array(a) => a,
        Value::String(s) => {
            owned = match serde_json::from_str::<Value>(s) {
                Ok(Value::Array(items)) => items,
                _ => return Err(Error::config(format!("{field} must be an array of ids"))),
            };
            &owned
        }
        _ => return Err(Error::config(format!("{field} must be an array of ids"))),
    };
    array
        .iter()
        .enumerate()
        .map(|(i, v)| integer(&format!("{field}[{i}]"), v, 1, i64::MAX))
        .collect()
}

/// A size in bytes from 1 to `max`: a number, or text like `65536`, `'64kb'`, `'4mb'`.
pub fn size(field: &str, value: &Value, max: u64) -> Result<u64> {
    let text = string(field, value)?;
    let t = text.to_ascii_lowercase();
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (n, unit) = t.split_at(split);
    let factor = match unit.trim() {
        "" | "b" => 1,
        "kb" => 1024,
        "mb" => 1024 * 1024,
        _ => 0,
    };
    match n.parse::<u64>() {
        Ok(v) if factor > 0 && v > 0 && v <= max / factor => Ok(v * factor),
        _ => Err(Error::config(format!(
            "{field} must be a size from 1 byte to {}mb like 65536, '64kb' or '1mb', got {}",
            max / (1024 * 1024),
            crate::quote::quote(&text, 40)
        ))),
    }
}

/// An `http(s)://` URL without a trailing slash.
pub fn url(field: &str, value: &Value) -> Result<String> {
    let text = string(field, value)?;
    let rest = text
        .strip_prefix("https://")
        .or_else(|| text.strip_prefix("http://"));
    match rest {
        Some(r) if !r.is_empty() && !r.starts_with('/') && !text.contains(char::is_whitespace) => {
            Ok(text.trim_end_matches('/').to_string())
        }
        _ => Err(Error::config(format!(
            "{field} must be an http:// or https:// URL, got {}",
            crate::quote::quote(&text, 80)
        ))),
    }
}

/// `scheme://host[:port]` of a URL that [`url`] accepted.
pub fn origin(url: &str) -> &str {
    let after_scheme = url.find("://").map_or(0, |i| i + 3);
    match url[after_scheme..].find('/') {
        Some(i) => &url[..after_scheme + i],
        None => url,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn args_win_and_blank_means_absent() {
        let args = json!({"tenant": "", "folder": "A"});
        let cfg = json!({"tenant": "T", "folder": "B", "serviceLogicalName": "S"});
        let l = Layers::new(&args, &cfg);
        assert_eq!(
            l.get(&["tenant", "serviceLogicalName"]),
            Some(("tenant", &json!("T")))
        );
        assert_eq!(l.get(&["folder"]).map(|x| x.1), Some(&json!("A")));
        assert_eq!(l.get(&["nope"]), None);
    }

    #[test]
    fn numbers_from_strings() {
        assert_eq!(integer("jobsCount", &json!("3"), 1, 10).ok(), Some(3));
        let err = integer("jobsCount", &json!("x"), 1, 10).unwrap_err();
        assert!(err.message().contains("jobsCount must be a whole number"));
        assert!(integer("jobsCount", &json!(11), 1, 10).is_err());
    }

    #[test]
    fn objects_and_lists_from_json_strings() {
        assert_eq!(
            object("a", &json!("{\"x\":1}")).ok(),
            json!({"x":1}).as_object().cloned()
        );
        assert!(object("a", &json!("[1]")).is_err());
        assert_eq!(id_list("robotIds", &json!("[1,2]")).ok(), Some(vec![1, 2]));
        assert!(id_list("robotIds", &json!([1, "x"])).is_err());
    }

    #[test]
    fn control_characters_are_refused_and_never_echoed() {
        for bad in [
            "Shared\nAuthorization: Bearer x",
            "a\rb",
            "nul\u{0}",
            "tab\there",
            "a\u{85}b",
        ] {
            let err = string("folder", &json!(bad)).unwrap_err().message();
            assert_eq!(
                err,
                "INVALID_CONFIG: folder must not hold control characters (CR, LF, NUL, tab, …)"
            );
        }
        assert_eq!(
            string("folder", &json!("  Finance/Büro ")).unwrap(),
            "Finance/Büro"
        );
    }

    #[test]
    fn urls_are_checked_and_origin_found() {
        assert_eq!(
            url("u", &json!("https://h.x/a/b/")).ok().as_deref(),
            Some("https://h.x/a/b")
        );
        assert!(url("u", &json!("ftp://h")).is_err());
        assert!(url("u", &json!("https://")).is_err());
        assert_eq!(origin("https://h.x:8443/a/b"), "https://h.x:8443");
        assert_eq!(origin("http://h"), "http://h");
    }
}
