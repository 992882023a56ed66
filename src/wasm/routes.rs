//! The exports the module backend (`js-shim/module/`) calls for its token and callback
//! routes: each takes one plain object the backend read from the request (typed in
//! [`super::route_input`]) and answers `{ status, body, delivery?, log? }` from the
//! rules in [`crate::module`]. Synchronous.

use serde::{Deserialize, Serialize};

use wasm_bindgen::prelude::*;

use super::convert::{free_form, to_js, to_js_error, typed};
use super::route_input::{self, body_of, key_of, limit_log, CallbackInput, Common, TokenInput};
use crate::error::Result;
use crate::module::{self, CallbackRequest, Reply, RouteSettings, TokenRequest};

/// The route settings the backend needs before it reads a body.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Limits {
    default_expires_in: u64,
    max_expires_in: u64,
    max_body_bytes: u64,
    body_timeout_ms: u64,
}

/// The module config of the routes, parsed:
/// `{ defaultExpiresIn, maxExpiresIn, maxBodyBytes, bodyTimeoutMs }`.
#[wasm_bindgen(js_name = routeSettings)]
pub fn route_settings(config: JsValue) -> Result<JsValue, JsValue> {
    let parse = || -> Result<JsValue> {
        let s = RouteSettings::parse(&free_form(&config, "config")?)?;
        to_js(&Limits {
            default_expires_in: s.default_expires_in,
            max_expires_in: s.max_expires_in,
            max_body_bytes: s.max_body_bytes,
            body_timeout_ms: s.body_timeout_ms,
        })
    };
    parse().map_err(to_js_error)
}

/// The token route: `{ config, secret, botId, query, now, jti, requestId, source,
/// caller: { email, strategy, isSuperAdmin, workspace }, botWorkspace,
/// workspaceMembers: [{ email, strategy }] }`.
#[wasm_bindgen(js_name = issueCallbackToken)]
pub fn issue_callback_token(input: JsValue) -> Result<JsValue, JsValue> {
    let run = || -> Result<JsValue> {
        let (common, input): (Common, TokenInput) = route_input::read(&input)?;
        let settings = RouteSettings::parse(&common.config)?;
        let caller = input.caller();
        let request = TokenRequest {
            bot_id: &input.bot_id,
            query: &input.query,
            caller: &caller,
            now_seconds: common.now_ms() / 1000,
            jti: &input.jti,
            request_id: &common.request_id,
        };
        let reply = module::issue_token(&settings, &key_of(&input.secret), &request);
        to_js(&limit_log(reply, &common))
    };
    run().map_err(to_js_error)
}

/// The callback route: `{ config, secret, urlBotId, authorization, contentType, body }`
/// with `body` the raw text, or `parsedBody` (what a Botpress parser left), or
/// `tooLarge` / `timedOut`; plus `now`, `requestId`, `source`. Deliver only when the
/// answer has `delivery`.
#[wasm_bindgen(js_name = checkCallback)]
pub fn check_callback(input: JsValue) -> Result<JsValue, JsValue> {
    let run = || -> Result<JsValue> {
        let (common, callback): (Common, CallbackInput) = route_input::read(&input)?;
        let body = body_of(&input)?;
        let settings = RouteSettings::parse(&common.config)?;
        let request = CallbackRequest {
            url_bot_id: &callback.url_bot_id,
            authorization: callback.authorization.as_deref(),
            content_type: callback.content_type.as_deref(),
            body: body.body(),
            now_seconds: common.now_ms() / 1000,
            request_id: &common.request_id,
        };
        let reply = module::check_callback(&settings, &key_of(&callback.secret), &request);
        to_js(&limit_log(reply, &common))
    };
    run().map_err(to_js_error)
}

/// A 500 that tells the caller nothing but a correlation id: `{ requestId, detail }`.
#[wasm_bindgen(js_name = internalReply)]
pub fn internal_reply(input: JsValue) -> Result<JsValue, JsValue> {
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Internal {
        #[serde(default)]
        request_id: String,
        #[serde(default)]
        detail: String,
    }
    let run = || -> Result<JsValue> {
        let input: Internal = typed(input, "input")?;
        to_js(&Reply::internal(&input.request_id, &input.detail))
    };
    run().map_err(to_js_error)
}
