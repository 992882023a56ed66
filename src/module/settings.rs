//! The module config the routes read (`js-shim/module/assets/config.schema.json`), parsed
//! once with its defaults.

use serde_json::Value;

use crate::duration;
use crate::error::{Error, Result};
use crate::fields;

/// Module config of the routes, with defaults.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteSettings {
    /// Lifetime when the request names none, seconds.
    pub default_expires_in: u64,
    /// Longest lifetime a token may get, seconds; longer requests are capped.
    pub max_expires_in: u64,
    /// Largest callback body accepted, bytes.
    pub max_body_bytes: u64,
    /// How long reading a body may take before the route answers 408, milliseconds.
    pub body_timeout_ms: u64,
    /// The payload types robots may post; `None` lets every type through (the
    /// original module's behaviour, and the default).
    pub allowed_message_types: Option<Vec<String>>,
}

impl RouteSettings {
    /// Reads `defaultExpiresIn`, `maxExpiresIn`, `maxBodySize` (bytes, or `'64kb'`,
    /// `'1mb'`), `bodyTimeout` and `allowedMessageTypes` (a list, a comma-separated
    /// string as `BP_MODULE_UIPATH_ALLOWEDMESSAGETYPES` gives it, or `'*'`).
    pub fn parse(config: &Value) -> Result<RouteSettings> {
        let seconds = |name: &str, default: u64| -> Result<u64> {
            match fields::present(config.get(name)) {
                None => Ok(default),
                Some(v) => duration::parse_value(v, name),
            }
        };
        let max_body_bytes = match fields::present(config.get("maxBodySize")) {
            None => 64 * 1024,
            Some(v) => fields::size("maxBodySize", v, 64 * 1024 * 1024)?,
        };
        let body_timeout_seconds = seconds("bodyTimeout", 10)?;
        if body_timeout_seconds > 300 {
            return Err(Error::config("bodyTimeout must be at most 5 minutes"));
        }
        Ok(RouteSettings {
            default_expires_in: seconds("defaultExpiresIn", 3600)?,
            max_expires_in: seconds("maxExpiresIn", 86_400)?,
            max_body_bytes,
            body_timeout_ms: body_timeout_seconds * 1000,
            allowed_message_types: message_types(config.get("allowedMessageTypes"))?,
        })
    }

    /// Whether robots may post a payload of this type.
    pub fn allows(&self, message_type: &str) -> bool {
        self.allowed_message_types
            .as_ref()
            .is_none_or(|types| types.iter().any(|t| t == message_type))
    }
}

fn message_types(value: Option<&Value>) -> Result<Option<Vec<String>>> {
    const FIELD: &str = "allowedMessageTypes";
    let list: Vec<String> = match fields::present(value) {
        None => return Ok(None),
        Some(Value::Array(items)) => items
            .iter()
            .map(|v| match v {
                Value::String(s) if !s.trim().is_empty() => Ok(s.trim().to_string()),
                _ => Err(Error::config(format!(
                    "{FIELD} must list payload types as strings, e.g. [\"text\", \"image\"]"
                ))),
            })
            .collect::<Result<_>>()?,
        Some(Value::String(s)) => {
            // An environment variable gives a string: a JSON list or comma-separated names.
            if let Ok(v @ Value::Array(_)) = serde_json::from_str::<Value>(s) {
                return message_types(Some(&v));
            }
            s.split(',')
                .map(|t| t.trim().to_string())
                .filter(|t| !t.is_empty())
                .collect()
        }
        Some(_) => {
            return Err(Error::config(format!(
                "{FIELD} must be a list of payload types, e.g. [\"text\", \"image\"]"
            )))
        }
    };
    Ok(if list.iter().any(|t| t == "*") {
        None
    } else {
        Some(list)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn defaults_and_errors() {
        let s = RouteSettings::parse(&json!({})).unwrap();
        assert_eq!(
            (s.default_expires_in, s.max_expires_in, s.max_body_bytes),
            (3600, 86_400, 65_536)
        );
        assert_eq!(s.body_timeout_ms, 10_000);
        assert!(s.allows("anything"));
        let s = RouteSettings::parse(&json!({"maxBodySize": "1mb", "maxExpiresIn": "2h"})).unwrap();
        assert_eq!((s.max_body_bytes, s.max_expires_in), (1 << 20, 7200));
        for bad in [
            json!({"maxBodySize": "huge"}),
            json!({"maxBodySize": "65mb"}),
            json!({"bodyTimeout": "1h"}),
            json!({"allowedMessageTypes": 5}),
            json!({"allowedMessageTypes": ["text", 5]}),
        ] {
            let key = bad.as_object().unwrap().keys().next().unwrap().clone();
            let err = RouteSettings::parse(&bad).unwrap_err();
            assert!(err.message().contains(&key), "{err}");
        }
    }

    #[test]
    fn allowed_message_types_from_a_list_an_env_string_or_a_star() {
        let allows = |config: Value, t: &str| RouteSettings::parse(&config).unwrap().allows(t);
        assert!(allows(json!({"allowedMessageTypes": ["text"]}), "text"));
        assert!(!allows(json!({"allowedMessageTypes": ["text"]}), "custom"));
        assert!(allows(
            json!({"allowedMessageTypes": "text, image"}),
            "image"
        ));
        assert!(!allows(
            json!({"allowedMessageTypes": "text, image"}),
            "file"
        ));
        assert!(allows(json!({"allowedMessageTypes": "[\"card\"]"}), "card"));
        assert!(allows(json!({"allowedMessageTypes": "*"}), "custom"));
        assert!(allows(json!({"allowedMessageTypes": ""}), "custom"));
        assert!(!allows(json!({"allowedMessageTypes": []}), "text"));
    }
}
