//! [`Transport`] over the host's transport function (`setFetch`; the shim hands in its
//! keep-alive `node:http` one). The contract is plain data both ways, so a request costs
//! a handful of boundary crossings and the wasm needs no `fetch`, `Request` or `Headers`:
//!
//! - called as `transport(method, url, headers, body, timeoutMs)`, `headers` being one
//!   `name: value` line per header and `body` a string or `undefined`;
//! - resolves to `{ status, headers, body }`, `headers` in the same line form;
//! - rejects with an `Error`; `name: 'TimeoutError'` when `timeoutMs` passed first. The
//!   transport owns the deadline: it aborts the request itself, so no socket lingers.

use std::cell::RefCell;

use js_sys::{Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use super::host::{js_message, Logger};
use crate::http::{LocalTokenRequest, Request, Response, Transport, TransportError};
use crate::secret::Secret;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = setTimeout)]
    fn set_timeout(callback: &js_sys::Function, ms: f64) -> JsValue;
    #[wasm_bindgen(js_name = clearTimeout)]
    fn clear_timeout(handle: &JsValue);

    /// The function `setFetch` was given.
    type HostTransport;
    #[wasm_bindgen(method, catch, js_name = call)]
    fn send(
        this: &HostTransport,
        context: &JsValue,
        method: &str,
        url: &str,
        headers: &str,
        body: &JsValue,
        timeout_ms: f64,
    ) -> Result<JsValue, JsValue>;

    /// What it resolves to.
    type Answer;
    #[wasm_bindgen(method, getter)]
    fn status(this: &Answer) -> JsValue;
    #[wasm_bindgen(method, getter)]
    fn headers(this: &Answer) -> JsValue;
    #[wasm_bindgen(method, getter)]
    fn body(this: &Answer) -> JsValue;
}

thread_local! {
    // The host's transport (the shim's keep-alive node:http one).
    static CUSTOM_FETCH: RefCell<Option<js_sys::Function>> = const { RefCell::new(None) };
}

/// Sets the transport every request goes through (`None` removes it).
pub fn set_custom_fetch(fetch: Option<js_sys::Function>) {
    CUSTOM_FETCH.with(|f| *f.borrow_mut() = fetch);
}

/// The wasm transport: the host's transport, `Date.now`, `setTimeout`, and the bot's logger.
pub struct FetchTransport {
    /// Where debug lines go, when the host has a logger.
    pub logger: Option<Logger>,
}

/// `name: value` lines, as the host's transport takes and gives headers.
fn header_lines(request: &Request) -> String {
    let mut out = String::new();
    for (name, value) in &request.headers {
        out.push_str(name);
        out.push_str(": ");
        out.push_str(value.expose());
        out.push('\n');
    }
    out
}

/// Header lines back into lower-case pairs.
fn header_pairs(lines: &str) -> Vec<(String, String)> {
    lines
        .lines()
        .filter_map(|line| line.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect()
}

impl Transport for FetchTransport {
    async fn send(&self, request: &Request, timeout_ms: u64) -> Result<Response, TransportError> {
        let Some(host) = CUSTOM_FETCH.with(|f| f.borrow().clone()) else {
            return Err(TransportError::Network(
                "no transport: load the package through its shim (require('botpress-uipath')), which calls setFetch".into(),
            ));
        };
        let body = match &request.body {
            Some(b) => JsValue::from_str(b.expose()),
            None => JsValue::UNDEFINED,
        };
        let failed = |e: JsValue| {
            let timeout = e.is_object()
                && Reflect::get(&e, &"name".into())
                    .ok()
                    .and_then(|n| n.as_string())
                    == Some("TimeoutError".into());
            if timeout {
                TransportError::Timeout
            } else {
                TransportError::Network(js_message(&e))
            }
        };
        let pending = host
            .unchecked_ref::<HostTransport>()
            .send(
                &JsValue::NULL,
                request.method.as_str(),
                &request.url,
                &header_lines(request),
                &body,
                timeout_ms as f64,
            )
            .map_err(failed)?;
        let answer = JsFuture::from(Promise::resolve(&pending))
            .await
            .map_err(failed)?;
        if !answer.is_object() {
            return Err(TransportError::Network(
                "the transport resolved to something that is not an answer".into(),
            ));
        }
        let answer: Answer = answer.unchecked_into();
        let (Some(status), Some(body)) = (answer.status().as_f64(), answer.body().as_string())
        else {
            return Err(TransportError::Network(
                "the transport's answer has no status or body".into(),
            ));
        };
        Ok(Response {
            status: status as u16,
            headers: header_pairs(&answer.headers().as_string().unwrap_or_default()),
            body,
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
