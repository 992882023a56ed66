//! The exports the module backend (`js-shim/module/`) calls for its routes: each takes one
//! plain object the backend read from the request and answers `{ status, body,
//! delivery?, log? }` from the rules in [`crate::module`]. Synchronous.

use std::cell::RefCell;

use crate::json::Value;
use wasm_bindgen::prelude::*;

use super::exports::{to_js, to_js_error};
use super::host;
use crate::error::Result;
use crate::json::ToJson;
use crate::jwt;
use crate::module::log::{Admission, RefusalLog};
use crate::module::{self, Body, CallbackRequest, Caller, Reply, RouteSettings, TokenRequest};

thread_local! {
    // Refusal log lines per source, for the whole process (wasm has one thread).
    static REFUSALS: RefCell<RefusalLog> = RefCell::new(RefusalLog::default());
}

/// The module config of the routes, parsed:
/// `{ defaultExpiresIn, maxExpiresIn, maxBodyBytes, bodyTimeoutMs }`.
#[wasm_bindgen(js_name = routeSettings)]
pub fn route_settings(config: JsValue) -> Result<JsValue, JsValue> {
    let parse = || -> Result<JsValue> {
        let s = RouteSettings::parse(&host::to_json(&config, "config")?)?;
        to_js(&crate::json!({
            "defaultExpiresIn": s.default_expires_in,
            "maxExpiresIn": s.max_expires_in,
            "maxBodyBytes": s.max_body_bytes,
            "bodyTimeoutMs": s.body_timeout_ms,
        }))
    };
    parse().map_err(to_js_error)
}

/// The token route: `{ config, secret, botId, query, now, jti, requestId, source,
/// caller: { email, strategy, isSuperAdmin, workspace }, botWorkspace,
/// workspaceMembers: [{ email, strategy }] }`.
#[wasm_bindgen(js_name = issueCallbackToken)]
pub fn issue_callback_token(input: JsValue) -> Result<JsValue, JsValue> {
    let run = || -> Result<JsValue> {
        let (input, settings) = route_input(&input)?;
        let caller = caller_of(&input);
        let query = input.get("query").cloned().unwrap_or_default();
        let request = TokenRequest {
            bot_id: text_of(&input, "botId"),
            query: &query,
            caller: &caller,
            now_seconds: now_ms(&input) / 1000,
            jti: text_of(&input, "jti"),
            request_id: text_of(&input, "requestId"),
        };
        let reply = module::issue_token(&settings, &key_of(&input), &request);
        to_js(&limit_log(reply, &input).to_json())
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
        let (input, settings) = route_input(&input)?;
        let body = body_of(&input);
        let request = CallbackRequest {
            url_bot_id: text_of(&input, "urlBotId"),
            authorization: input.get("authorization").and_then(Value::as_str),
            content_type: input.get("contentType").and_then(Value::as_str),
            body,
            now_seconds: now_ms(&input) / 1000,
            request_id: text_of(&input, "requestId"),
        };
        let reply = module::check_callback(&settings, &key_of(&input), &request);
        to_js(&limit_log(reply, &input).to_json())
    };
    run().map_err(to_js_error)
}

/// A 500 that tells the caller nothing but a correlation id: `{ requestId, detail }`.
#[wasm_bindgen(js_name = internalReply)]
pub fn internal_reply(input: JsValue) -> Result<JsValue, JsValue> {
    let run = || -> Result<JsValue> {
        let input = host::to_json(&input, "input")?;
        to_js(&Reply::internal(text_of(&input, "requestId"), text_of(&input, "detail")).to_json())
    };
    run().map_err(to_js_error)
}

pub(super) fn route_input(input: &JsValue) -> Result<(Value, RouteSettings)> {
    let input = host::to_json(input, "input")?;
    let settings = RouteSettings::parse(input.get("config").unwrap_or(&Value::Null))?;
    Ok((input, settings))
}

/// The body as the backend's `readBody` handed it over: `tooLarge`, `timedOut`,
/// `parsedBody` (what a Botpress parser left) or the raw `body` text.
pub(super) fn body_of(input: &Value) -> Body<'_> {
    let flag = |name: &str| input.get(name).and_then(Value::as_bool).unwrap_or(false);
    if flag("tooLarge") {
        Body::TooLarge
    } else if flag("timedOut") {
        Body::TimedOut
    } else if let Some(parsed) = input.get("parsedBody") {
        Body::Parsed(parsed)
    } else {
        Body::Text(text_of(input, "body"))
    }
}

pub(super) fn text_of<'a>(input: &'a Value, name: &str) -> &'a str {
    input.get(name).and_then(Value::as_str).unwrap_or_default()
}

fn now_ms(input: &Value) -> u64 {
    input
        .get("now")
        .and_then(Value::as_f64)
        .map_or(0, |ms| ms as u64)
}

/// The signing key for this purpose; empty when there is no secret, which the rules refuse.
/// The last derivation is kept (the secret rarely changes; HKDF is most of a token's cost).
fn key_of(input: &Value) -> Vec<u8> {
    thread_local! {
        static LAST: RefCell<Option<(Vec<u8>, [u8; 32])>> = const { RefCell::new(None) };
    }
    let secret = text_of(input, "secret").as_bytes();
    if secret.is_empty() {
        return Vec::new();
    }
    LAST.with(|last| {
        let mut last = last.borrow_mut();
        match &*last {
            Some((s, key)) if s.as_slice() == secret => key.to_vec(),
            _ => {
                let key = jwt::callback_key(secret);
                *last = Some((secret.to_vec(), key));
                key.to_vec()
            }
        }
    })
}

fn caller_of(input: &Value) -> Caller {
    let caller = input.get("caller").cloned().unwrap_or_default();
    let text = |v: &Value, name: &str| text_of(v, name).to_string();
    let members = input
        .get("workspaceMembers")
        .and_then(Value::as_array)
        .map(|list| {
            list.iter()
                .map(|m| (text(m, "email"), text(m, "strategy")))
                .collect()
        })
        .unwrap_or_default();
    Caller {
        email: text(&caller, "email"),
        strategy: text(&caller, "strategy"),
        is_super_admin: caller.get("isSuperAdmin").and_then(Value::as_bool) == Some(true),
        claimed_workspace: Some(text(&caller, "workspace")).filter(|w| !w.is_empty()),
        bot_workspace: Some(text(input, "botWorkspace")).filter(|w| !w.is_empty()),
        bot_workspace_members: members,
    }
}

/// Refusal log lines pass through the per-source limit; others are kept as they are.
pub(super) fn limit_log(mut reply: Reply, input: &Value) -> Reply {
    if reply.status < 400 || reply.status == 500 {
        return reply;
    }
    let source = text_of(input, "source");
    let admission = REFUSALS.with(|r| r.borrow_mut().admit(source, now_ms(input)));
    reply.log = match admission {
        Admission::Log => reply
            .log
            .map(|l| format!("{l} (from {})", module::log::quote(source, 60))),
        Admission::LogAfterSuppressed(n) => reply.log.map(|l| {
            format!(
                "{l} (from {}; {n} earlier refusals of this source were not logged)",
                module::log::quote(source, 60)
            )
        }),
        Admission::Suppress => None,
    };
    reply
}
