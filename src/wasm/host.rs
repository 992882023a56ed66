//! Typed declarations of the Botpress v12 objects the package is handed (`bp`, `event`,
//! the axios config), per `shared/botpress-v12.md`. Every call that may throw is `catch`.

use js_sys::{Object, Promise, Reflect};
use serde_json::{json, Value};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use super::convert::{free_form, js_message};
use crate::error::{Error, ErrorCode, Result};
use crate::flow::BotpressEndpoint;
use crate::secret::Secret;

#[wasm_bindgen]
extern "C" {
    /// Botpress's SDK object `bp`.
    pub type Bp;
    #[wasm_bindgen(method, getter)]
    fn http(this: &Bp) -> Option<BpHttp>;
    #[wasm_bindgen(method, getter)]
    fn config(this: &Bp) -> Option<BpConfig>;
    #[wasm_bindgen(method, getter)]
    fn logger(this: &Bp) -> Option<Logger>;

    /// `bp.http`
    pub type BpHttp;
    #[wasm_bindgen(method, catch, js_name = getAxiosConfigForBot)]
    fn get_axios_config_for_bot(
        this: &BpHttp,
        bot_id: &str,
        options: &JsValue,
    ) -> Result<JsValue, JsValue>;

    /// `bp.config`
    pub type BpConfig;
    #[wasm_bindgen(method, catch, js_name = getModuleConfigForBot)]
    fn get_module_config_for_bot(
        this: &BpConfig,
        module: &str,
        bot_id: &str,
    ) -> Result<JsValue, JsValue>;

    /// `bp.logger`, and what `forBot` returns (the same kind of object).
    #[derive(Clone)]
    pub type Logger;
    #[wasm_bindgen(method, catch, js_name = forBot)]
    fn for_bot(this: &Logger, bot_id: &str) -> Result<Logger, JsValue>;
    #[wasm_bindgen(method, catch)]
    fn debug(this: &Logger, message: &str) -> Result<(), JsValue>;
    #[wasm_bindgen(method, catch)]
    fn info(this: &Logger, message: &str) -> Result<(), JsValue>;
    #[wasm_bindgen(method, catch)]
    fn warn(this: &Logger, message: &str) -> Result<(), JsValue>;
}

impl Bp {
    /// Checks that the caller passed an object as `bp`.
    pub fn from_js(value: JsValue) -> Result<Bp> {
        if value.is_object() {
            Ok(value.unchecked_into())
        } else {
            Err(Error::config("bp must be the Botpress SDK object"))
        }
    }

    /// `bp.config.getModuleConfigForBot('uipath', botId)`, or `{}` when `bp` has no config API.
    pub async fn module_config(&self, bot_id: &str) -> Result<Value> {
        let Some(config) = self.config() else {
            return Ok(json!({}));
        };
        let pending = config
            .get_module_config_for_bot("uipath", bot_id)
            .map_err(|e| {
                js_failure(
                    ErrorCode::InvalidConfig,
                    "bp.config.getModuleConfigForBot failed",
                    &e,
                )
            })?;
        let value = settle(pending).await.map_err(|e| {
            js_failure(
                ErrorCode::InvalidConfig,
                "bp.config.getModuleConfigForBot failed",
                &e,
            )
        })?;
        if value.is_undefined() || value.is_null() {
            return Ok(json!({}));
        }
        free_form(&value, "the uipath module config")
    }

    /// The bot's own server address and credentials, from `getAxiosConfigForBot`.
    pub async fn botpress_endpoint(&self, bot_id: &str) -> Result<Option<BotpressEndpoint>> {
        let Some(http) = self.http() else {
            return Ok(None);
        };
        let options = Object::new();
        let _ = Reflect::set(&options, &"localUrl".into(), &JsValue::TRUE);
        let fail = |e: &JsValue| {
            js_failure(
                ErrorCode::BotpressTokenFailed,
                "bp.http.getAxiosConfigForBot failed",
                e,
            )
        };
        let pending = http
            .get_axios_config_for_bot(bot_id, &options)
            .map_err(|e| fail(&e))?;
        let config = settle(pending).await.map_err(|e| fail(&e))?;
        let base_url = Reflect::get(&config, &"baseURL".into())
            .ok()
            .and_then(|v| v.as_string())
            .ok_or_else(|| {
                Error::new(
                    ErrorCode::BotpressTokenFailed,
                    "getAxiosConfigForBot gave no baseURL",
                )
            })?;
        let mut headers = Vec::new();
        if let Ok(h) = Reflect::get(&config, &"headers".into()) {
            if h.is_object() {
                for key in Object::keys(h.unchecked_ref::<Object>()).iter() {
                    let (Some(name), Some(value)) = (
                        key.as_string(),
                        Reflect::get(&h, &key).ok().and_then(|v| v.as_string()),
                    ) else {
                        continue;
                    };
                    headers.push((name, Secret::new(value)));
                }
            }
        }
        Ok(Some(BotpressEndpoint { base_url, headers }))
    }

    /// `bp.logger.forBot(botId)`, when the host has a logger.
    pub fn bot_logger(&self, bot_id: &str) -> Option<Logger> {
        let logger = self.logger()?;
        logger.for_bot(bot_id).ok().or(Some(logger))
    }
}

impl Logger {
    /// Logs at debug level; a logger that throws is ignored (logging must not fail a job).
    pub fn debug_line(&self, message: &str) {
        let _ = self.debug(&format!("[uipath] {message}"));
    }

    /// Logs at warning level.
    pub fn warn_line(&self, message: &str) {
        let _ = self.warn(&format!("[uipath] {message}"));
    }

    /// Logs at info level.
    pub fn info_line(&self, message: &str) {
        let _ = self.info(&format!("[uipath] {message}"));
    }
}

/// Awaits a value that may or may not be a promise.
async fn settle(value: JsValue) -> Result<JsValue, JsValue> {
    JsFuture::from(Promise::resolve(&value)).await
}

/// Wraps a caught JS error with its message, never dropping it.
fn js_failure(code: ErrorCode, what: &str, error: &JsValue) -> Error {
    Error::new(code, format!("{what}: {}", js_message(error)))
}
