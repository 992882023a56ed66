//! What the module backend (`js-shim/module/`) passes to the route exports, as typed
//! structs read with serde-wasm-bindgen, and what every route does with its answer's
//! log line (the per-source limit).
//!
//! A body that a Botpress parser already consumed (`parsedBody`) is kept as the JS value
//! it is, unconverted: the rules read it only once the request is authenticated, so an
//! anonymous 10 MB array costs nothing but its refusal. (No `#[serde(flatten)]` here:
//! it would make serde read every field of the object, that body included; the parts of
//! one input are read from it one struct at a time instead, each reading its own fields.)

use std::cell::RefCell;

use serde::Deserialize;
use serde_json::Value;
use wasm_bindgen::prelude::*;

use super::convert::typed;
use super::state;
use crate::error::{Error, Result};
use crate::jwt;
use crate::module::body::ParsedBody;
use crate::module::log::{quote, Admission};
use crate::module::{Body, Caller, Reply};

/// The fields every route input has.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Common {
    /// The module config (global, or the bot's).
    #[serde(default)]
    pub config: Value,
    /// `Date.now()`.
    #[serde(default)]
    pub now: f64,
    /// A fresh random id that a 500 answer names.
    #[serde(default)]
    pub request_id: String,
    /// The caller's address, for the refusal log's limit.
    #[serde(default)]
    pub source: String,
}

impl Common {
    /// The clock, milliseconds.
    pub fn now_ms(&self) -> u64 {
        self.now.max(0.0) as u64
    }
}

/// A request body as the backend's `readBody` handed it over.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BodyInput {
    /// The raw text, when the module read it.
    #[serde(default)]
    pub body: Option<String>,
    /// What a Botpress parser left (`null` for no body), kept as a JS value.
    #[serde(default, with = "serde_wasm_bindgen::preserve")]
    pub parsed_body: JsValue,
    /// Larger than the limit.
    #[serde(default)]
    pub too_large: bool,
    /// Not complete within `bodyTimeout`.
    #[serde(default)]
    pub timed_out: bool,
}

impl BodyInput {
    /// The body for the rules.
    pub fn body(&self) -> Body<'_> {
        if self.too_large {
            Body::TooLarge
        } else if self.timed_out {
            Body::TimedOut
        } else if !self.parsed_body.is_undefined() {
            Body::Parsed(self)
        } else {
            Body::Text(self.body.as_deref().unwrap_or_default())
        }
    }
}

impl ParsedBody for BodyInput {
    /// `JSON.stringify` of what the parser left: one crossing, and its length is
    /// checked against `maxBodySize` before anything parses it.
    fn json_text(&self) -> Option<String> {
        js_sys::JSON::stringify(&self.parsed_body)
            .ok()
            .and_then(|t| t.as_string())
    }
}

/// `caller` of the token route: `req.tokenUser` and `X-BP-Workspace`.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CallerInput {
    #[serde(default)]
    email: String,
    #[serde(default)]
    strategy: String,
    #[serde(default)]
    is_super_admin: bool,
    #[serde(default)]
    workspace: String,
}

/// One member of the bot's workspace.
#[derive(Debug, Default, Deserialize)]
pub struct MemberInput {
    #[serde(default)]
    email: String,
    #[serde(default)]
    strategy: String,
}

/// The token route's input.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TokenInput {
    /// The signing secret (`callbackSecret`, else `APP_SECRET`).
    #[serde(default)]
    pub secret: String,
    /// The bot of the URL.
    #[serde(default)]
    pub bot_id: String,
    /// The query: `expiresIn`, `channel`, `target`, `threadId`.
    #[serde(default)]
    pub query: Value,
    /// A fresh random token id.
    #[serde(default)]
    pub jti: String,
    #[serde(default)]
    caller: CallerInput,
    #[serde(default)]
    bot_workspace: Option<String>,
    #[serde(default)]
    workspace_members: Vec<MemberInput>,
}

impl TokenInput {
    /// The caller as the rule sees them.
    pub fn caller(&self) -> Caller {
        let c = &self.caller;
        Caller {
            email: c.email.clone(),
            strategy: c.strategy.clone(),
            is_super_admin: c.is_super_admin,
            claimed_workspace: Some(c.workspace.clone()).filter(|w| !w.is_empty()),
            bot_workspace: self.bot_workspace.clone().filter(|w| !w.is_empty()),
            bot_workspace_members: self
                .workspace_members
                .iter()
                .map(|m| (m.email.clone(), m.strategy.clone()))
                .collect(),
        }
    }
}

/// The callback route's input.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CallbackInput {
    /// The signing secret.
    #[serde(default)]
    pub secret: String,
    /// The bot of the URL (`___` for all bots).
    #[serde(default)]
    pub url_bot_id: String,
    /// `Authorization`.
    #[serde(default)]
    pub authorization: Option<String>,
    /// `Content-Type`.
    #[serde(default)]
    pub content_type: Option<String>,
}

/// The webhook route's input.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WebhookInput {
    /// `X-UiPath-Signature`.
    #[serde(default)]
    pub signature: Option<String>,
    /// `Content-Type`.
    #[serde(default)]
    pub content_type: Option<String>,
}

/// A route's input: the common fields and the route's own, read from one object.
pub fn read<T: serde::de::DeserializeOwned>(input: &JsValue) -> Result<(Common, T)> {
    if !input.is_object() {
        return Err(Error::config("input must be an object"));
    }
    Ok((
        typed(input.clone(), "input")?,
        typed(input.clone(), "input")?,
    ))
}

/// A request body's part of a route's input.
pub fn body_of(input: &JsValue) -> Result<BodyInput> {
    typed(input.clone(), "input")
}

/// The signing key for this purpose; empty when there is no secret, which the rules
/// refuse. The last derivation is kept (the secret rarely changes; HKDF is most of a
/// token's cost).
pub fn key_of(secret: &str) -> Vec<u8> {
    thread_local! {
        static LAST: RefCell<Option<(String, [u8; 32])>> = const { RefCell::new(None) };
    }
    if secret.is_empty() {
        return Vec::new();
    }
    LAST.with(|last| {
        let mut last = last.borrow_mut();
        match &*last {
            Some((s, key)) if s == secret => key.to_vec(),
            _ => {
                let key = jwt::callback_key(secret.as_bytes());
                *last = Some((secret.to_string(), key));
                key.to_vec()
            }
        }
    })
}

/// Refusal log lines pass through the per-source limit; others are kept as they are.
pub fn limit_log(mut reply: Reply, common: &Common) -> Reply {
    if reply.status < 400 || reply.status == 500 {
        return reply;
    }
    let source = common.source.as_str();
    let admission = state::with_refusals(|r| r.admit(source, common.now_ms()));
    reply.log = match admission {
        Admission::Log => reply
            .log
            .map(|l| format!("{l} (from {})", quote(source, 60))),
        Admission::LogAfterSuppressed(n) => reply.log.map(|l| {
            format!(
                "{l} (from {}; {n} earlier refusals of this source were not logged)",
                quote(source, 60)
            )
        }),
        Admission::Suppress => None,
    };
    reply
}
