//! The module config as Botpress v12 builds it for a bot (`core/modules/config-reader.ts`
//! of 12.31): a shallow merge where later wins — the schema's defaults, the global file
//! `data/global/config/uipath.json`, the variables `BP_MODULE_UIPATH_<OPTION>`, the bot's
//! file `data/bots/{botId}/config/uipath.json`. The `check` command reads a config this
//! way so it sees what the module will see.

use serde_json::{Map, Value};

/// The layers, as read from disk and the environment.
#[derive(Debug, Clone, Default)]
pub struct ConfigLayers {
    /// `assets/config.schema.json` of the module.
    pub schema: Value,
    /// `data/global/config/uipath.json`, or `{}`.
    pub global: Value,
    /// The process environment (only `BP_MODULE_UIPATH_*` matter).
    pub env: Vec<(String, String)>,
    /// `data/bots/{botId}/config/uipath.json`, or `{}`.
    pub bot: Value,
}

impl ConfigLayers {
    /// The merged config.
    pub fn merged(&self) -> Value {
        let mut config = Map::new();
        defaults(&self.schema, &mut config);
        shallow_merge(&mut config, &self.global);
        shallow_merge(&mut config, &Value::Object(self.env_layer()));
        shallow_merge(&mut config, &self.bot);
        Value::Object(config)
    }

    /// `BP_MODULE_UIPATH_<OPTION>` for each option of the schema (nested options joined with
    /// `_`); a value that parses as JSON is used parsed, as Botpress does.
    fn env_layer(&self) -> Map<String, Value> {
        let mut out = Map::new();
        for option in options(&self.schema, "") {
            let name = format!("uipath_{option}")
                .chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() || c == '_' {
                        c
                    } else {
                        '_'
                    }
                })
                .collect::<String>();
            let key = format!("BP_MODULE_{}", name.to_ascii_uppercase());
            let Some((_, raw)) = self.env.iter().find(|(k, _)| *k == key) else {
                continue;
            };
            let value =
                serde_json::from_str::<Value>(raw).unwrap_or_else(|_| Value::String(raw.clone()));
            set_path(&mut out, &option, value);
        }
        out
    }
}

fn defaults(schema: &Value, into: &mut Map<String, Value>) {
    let Some(props) = schema.get("properties").and_then(Value::as_object) else {
        return;
    };
    for (name, prop) in props {
        if let Some(d) = prop.get("default") {
            into.insert(name.clone(), d.clone());
        } else if prop.get("properties").is_some() {
            let mut nested = Map::new();
            defaults(prop, &mut nested);
            if !nested.is_empty() {
                into.insert(name.clone(), Value::Object(nested));
            }
        }
    }
}

/// The option paths of a schema: a property with its own `properties` is walked, any
/// other is a leaf (an `auth` object without listed properties is one option).
fn options(schema: &Value, prefix: &str) -> Vec<String> {
    let Some(props) = schema.get("properties").and_then(Value::as_object) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (name, prop) in props.iter().filter(|(k, _)| !k.starts_with('$')) {
        let path = if prefix.is_empty() {
            name.clone()
        } else {
            format!("{prefix}.{name}")
        };
        if prop.get("properties").is_some() {
            out.extend(options(prop, &path));
        } else {
            out.push(path);
        }
    }
    out
}

fn set_path(into: &mut Map<String, Value>, path: &str, value: Value) {
    match path.split_once('.') {
        None => {
            into.insert(path.to_string(), value);
        }
        Some((head, rest)) => {
            let entry = into
                .entry(head)
                .or_insert_with(|| Value::Object(Map::new()));
            if !entry.is_object() {
                *entry = Value::Object(Map::new());
            }
            if let Value::Object(m) = entry {
                set_path(m, rest, value);
            }
        }
    }
}

fn shallow_merge(into: &mut Map<String, Value>, layer: &Value) {
    if let Some(m) = layer.as_object() {
        for (k, v) in m {
            into.insert(k.clone(), v.clone());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn later_layers_win_field_by_field() {
        let layers = ConfigLayers {
            schema: json!({"properties": {"timeoutMs": {"type": "number", "default": 30000}, "folder": {"type": "string"}, "auth": {"type": "object"}, "tenant": {"type": "string", "default": "x"}}}),
            global: json!({"folder": "Shared", "tenant": "Global", "organization": "acme"}),
            env: vec![
                (
                    "BP_MODULE_UIPATH_AUTH".into(),
                    r#"{"clientId":"a","clientSecret":"s3cret"}"#.into(),
                ),
                ("BP_MODULE_UIPATH_TENANT".into(), "FromEnv".into()),
                (
                    "BP_MODULE_UIPATH_ORGANIZATION".into(),
                    "not-in-schema".into(),
                ),
                ("BP_MODULE_UIPATH_TIMEOUTMS".into(), "5000".into()),
            ],
            bot: json!({"folder": "Finance/Invoices"}),
        };
        assert_eq!(
            layers.merged(),
            json!({"timeoutMs": 5000, "tenant": "FromEnv", "folder": "Finance/Invoices", "organization": "acme", "auth": {"clientId": "a", "clientSecret": "s3cret"}})
        );
    }
}
