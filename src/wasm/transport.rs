//! [`Transport`] over the host's transport function (`setTransport`; the shim hands in
//! its keep-alive `node:http` one). The contract is plain data both ways:
//!
//! - called as `transport(method, url, headers, body, timeoutMs, maxBytes)`, `headers`
//!   being a flat array of name, value pairs (`['Accept', 'application/json', …]`), never
//!   text to split, and `body` a string or `undefined`;
//! - resolves to `{ status, headers, body }`, `headers` a flat array of pairs again (as
//!   Node's `rawHeaders`);
//! - rejects with an `Error`: `name: 'TimeoutError'` when `timeoutMs` passed first (the
//!   transport destroys the request itself, so no socket lingers), `'AnswerTooLarge'`
//!   when the body passed `maxBytes` (it stops reading there).
//!
//! Why not gloo-net: it sends through the host's WHATWG `fetch`, which Node 12.18 (every
//! Botpress v12 binary) and Node 16 do not have, and the package patches nothing global;
//! where Node has one, it ignores `HTTPS_PROXY`/`NO_PROXY` by default and cannot stop
//! reading at a byte limit (gloo-net reads a body whole). README, "Dependencies", has
//! the measurement.

use std::cell::RefCell;

use js_sys::{Array, Promise, Reflect};
use serde::Deserialize;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use super::convert::{js_message, typed};
use super::host::Logger;
use crate::http::{LocalTokenRequest, Request, Response, Transport, TransportError};
use crate::secret::Secret;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = setTimeout)]
    fn set_timeout(callback: &js_sys::Function, ms: f64) -> JsValue;
    #[wasm_bindgen(js_name = clearTimeout)]
    fn clear_timeout(handle: &JsValue);

    /// The function `setTransport` was given.
    type TransportFn;
    #[wasm_bindgen(method, catch, js_name = call)]
    #[allow(clippy::too_many_arguments)]
    fn send(
        this: &TransportFn,
        context: &JsValue,
        method: &str,
        url: &str,
        headers: &Array,
        body: &JsValue,
        timeout_ms: f64,
        max_bytes: f64,
    ) -> Result<JsValue, JsValue>;
}

/// What the host's transport resolves to.
#[derive(Deserialize)]
struct Answer {
    status: u16,
    /// Name, value, name, value, …
    #[serde(default)]
    headers: Vec<String>,
    body: String,
}

thread_local! {
    // The host's transport (the shim's keep-alive node:http one).
    static HOST: RefCell<Option<js_sys::Function>> = const { RefCell::new(None) };
}

/// Sets the transport every request goes through (`None` removes it).
pub fn set_host_transport(transport: Option<js_sys::Function>) {
    HOST.with(|t| *t.borrow_mut() = transport);
}

/// The wasm transport: the host's transport, `Date.now`, `setTimeout`, and the bot's logger.
pub struct HostTransport {
    /// Where debug lines go, when the host has a logger.
    pub logger: Option<Logger>,
}

/// The request's headers as a flat array of name, value pairs.
fn header_pairs(request: &Request) -> Array {
    let out = Array::new();
    for (name, value) in &request.headers {
        out.push(&JsValue::from_str(name));
        out.push(&JsValue::from_str(value.expose()));
    }
    out
}

impl Transport for HostTransport {
    async fn send(
        &self,
        request: &Request,
        timeout_ms: u64,
        max_answer_bytes: u64,
    ) -> Result<Response, TransportError> {
        let Some(host) = HOST.with(|t| t.borrow().clone()) else {
            return Err(TransportError::Network(
                "no transport: load the package through its shim (require('botpress-uipath')), which calls setTransport".into(),
            ));
        };
        let body = match &request.body {
            Some(b) => JsValue::from_str(b.expose()),
            None => JsValue::UNDEFINED,
        };
        let failed = |e: JsValue| {
            let name = Reflect::get(&e, &"name".into())
                .ok()
                .and_then(|n| n.as_string());
            match name.as_deref() {
                Some("TimeoutError") => TransportError::Timeout,
                Some("AnswerTooLarge") => TransportError::TooLarge,
                _ => TransportError::Network(js_message(&e)),
            }
        };
        let pending = host
            .unchecked_ref::<TransportFn>()
            .send(
                &JsValue::NULL,
                request.method.as_str(),
                &request.url,
                &header_pairs(request),
                &body,
                timeout_ms as f64,
                max_answer_bytes as f64,
            )
            .map_err(failed)?;
        let answer = JsFuture::from(Promise::resolve(&pending))
            .await
            .map_err(failed)?;
        let answer: Answer = typed(answer, "the transport's answer")
            .map_err(|e| TransportError::Network(e.detail))?;
        if answer.body.len() as u64 > max_answer_bytes {
            return Err(TransportError::TooLarge);
        }
        let headers = answer
            .headers
            .chunks_exact(2)
            .map(|pair| (pair[0].to_ascii_lowercase(), pair[1].clone()))
            .collect();
        Ok(Response {
            status: answer.status,
            headers,
            body: answer.body,
        })
    }

    fn now_ms(&self) -> u64 {
        js_sys::Date::now() as u64
    }

    async fn sleep(&self, ms: u64) {
        Timer::new(ms).wait().await;
    }

    fn log(&self, message: &str) {
        if let Some(l) = &self.logger {
            l.debug_line(message);
        }
    }

    async fn local_callback_token(
        &self,
        request: &LocalTokenRequest<'_>,
    ) -> Option<Result<Secret, String>> {
        let issuer = local_issuer()?;
        let input = js_sys::Object::new();
        let set = |k: &str, v: JsValue| {
            let _ = Reflect::set(&input, &k.into(), &v);
        };
        set("botId", request.bot_id.into());
        set("channel", request.channel.into());
        set("target", request.target.into());
        if let Some(t) = request.thread_id {
            set("threadId", t.into());
        }
        set("expiresIn", format!("{}s", request.seconds).into());
        let pending = match issuer.call1(&JsValue::NULL, &input) {
            Ok(v) => Promise::resolve(&v),
            Err(e) => return Some(Err(js_message(&e))),
        };
        Some(match JsFuture::from(pending).await {
            Ok(v) => v
                .as_string()
                .filter(|t| !t.is_empty())
                .map(Secret::new)
                .ok_or_else(|| "the issuer gave no token".to_string()),
            Err(e) => Err(js_message(&e)),
        })
    }
}

/// Whether the `uipath` module of this process registered its callback-token issuer.
pub fn has_local_issuer() -> bool {
    local_issuer().is_some()
}

/// The callback-token issuer the `uipath` module registers in this process, under
/// `Symbol.for('botpress-uipath/callback-tokens')` of the global object, if any.
fn local_issuer() -> Option<js_sys::Function> {
    let key = js_sys::Symbol::for_("botpress-uipath/callback-tokens");
    let registered = Reflect::get(&js_sys::global(), &key).ok()?;
    registered.dyn_into::<js_sys::Function>().ok()
}

/// A `setTimeout` that is cleared when dropped, so a finished request does not keep
/// Node's event loop alive until its deadline.
struct Timer {
    handle: JsValue,
    promise: Promise,
}

impl Timer {
    fn new(ms: u64) -> Timer {
        let mut handle = JsValue::UNDEFINED;
        let promise = Promise::new(&mut |resolve, _| {
            handle = set_timeout(&resolve, ms as f64);
        });
        Timer { handle, promise }
    }

    async fn wait(&self) {
        let _ = JsFuture::from(self.promise.clone()).await;
    }
}

impl Drop for Timer {
    fn drop(&mut self) {
        clear_timeout(&self.handle);
    }
}
