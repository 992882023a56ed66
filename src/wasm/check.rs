//! The exports of `botpress-uipath check` and of the module's check route.

use wasm_bindgen::prelude::*;

use super::convert::{free_form, to_js, to_js_error};
use super::transport::HostTransport;
use crate::config::ConfigLayers;
use crate::error::Result;
use crate::flow::{self, CheckInput};

/// `moduleConfig({ schema, global, env, bot })` → the config the module sees, merged as
/// Botpress v12 merges it (`env` is the process environment as an object).
#[wasm_bindgen(js_name = moduleConfig)]
pub fn module_config(layers: JsValue) -> Result<JsValue, JsValue> {
    let run = || -> Result<JsValue> {
        let layers = free_form(&layers, "layers")?;
        let env = layers
            .get("env")
            .and_then(|e| e.as_object())
            .map(|m| {
                m.iter()
                    .filter_map(|(k, v)| v.as_str().map(|s| (k.clone(), s.to_string())))
                    .collect()
            })
            .unwrap_or_default();
        let merged = ConfigLayers {
            schema: layers.get("schema").cloned().unwrap_or_default(),
            global: layers.get("global").cloned().unwrap_or_default(),
            env,
            bot: layers.get("bot").cloned().unwrap_or_default(),
        }
        .merged();
        to_js(&merged)
    };
    run().map_err(to_js_error)
}

/// `checkSetup(config, { process?, externalUrl? })` → `Promise<{ ok, steps }>`: the steps
/// of API.md's "Checking a configuration". It starts no job; a failed step is in the
/// report, not thrown.
#[wasm_bindgen(js_name = checkSetup)]
pub async fn check_setup(config: JsValue, options: JsValue) -> Result<JsValue, JsValue> {
    let config = free_form(&config, "config").map_err(to_js_error)?;
    let options = free_form(&options, "options").map_err(to_js_error)?;
    let text = |name: &str| {
        options
            .get(name)
            .and_then(|v| v.as_str())
            .map(str::to_string)
            .filter(|s| !s.trim().is_empty())
    };
    let input = CheckInput {
        config,
        process: text("process"),
        external_url: text("externalUrl"),
    };
    let report = flow::check(&HostTransport { logger: None }, &input).await;
    to_js(&report).map_err(to_js_error)
}
