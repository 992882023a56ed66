//! [`Transport`] over the host's `fetch`, built with gloo-net.
//!
//! The shim hands in its own transport (`setFetch`), which takes the request as plain
//! data; without one (the wasm tests), the global `fetch` gets a `Request`. The deadline
//! is a timer raced against the request; where the host has `AbortController`, the
//! request is also aborted so no socket lingers.

use std::cell::RefCell;

use futures_util::future::{select, Either};
use gloo_net::http::RequestBuilder;
use js_sys::{Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use super::host::{js_message, Logger};
use crate::http::{LocalTokenRequest, Method, Request, Response, Transport, TransportError};
use crate::secret::Secret;

#[wasm_bindgen]
extern "C" {
    // Our own binding (gloo-net has one too) so a rejection's `cause` — undici puts
    // `ECONNREFUSED` and DNS errors there — reaches the error message.
    #[wasm_bindgen(js_name = fetch, catch)]
    fn global_fetch(request: &web_sys::Request) -> Result<Promise, JsValue>;
    #[wasm_bindgen(js_name = setTimeout)]
    fn set_timeout(callback: &js_sys::Function, ms: f64) -> JsValue;
    #[wasm_bindgen(js_name = clearTimeout)]
    fn clear_timeout(handle: &JsValue);
}

thread_local! {
    // A host-provided fetch (the shim's proxy-aware one); the global `fetch` when unset.
    static CUSTOM_FETCH: RefCell<Option<js_sys::Function>> = const { RefCell::new(None) };
}

/// Replaces the global `fetch` for this package's requests (`None` restores it).
pub fn set_custom_fetch(fetch: Option<js_sys::Function>) {
    CUSTOM_FETCH.with(|f| *f.borrow_mut() = fetch);
}

/// The wasm transport: `fetch`, `Date.now`, `setTimeout`, and the bot's logger.
pub struct FetchTransport {
    /// Where debug lines go, when the host has a logger.
    pub logger: Option<Logger>,
}

impl Transport for FetchTransport {
    async fn send(&self, request: &Request, timeout_ms: u64) -> Result<Response, TransportError> {
        let controller = abort_controller();
        let signal = controller.as_ref().map(|c| c.signal());
        let pending = match CUSTOM_FETCH.with(|f| f.borrow().clone()) {
            // The shim's transport takes a plain object: no `Request` to build and read back.
            Some(custom) => custom
                .call1(&JsValue::NULL, &plain_request(request, signal.as_ref()))
                .map(|v| Promise::resolve(&v)),
            None => {
                let method = match request.method {
                    Method::Get => gloo_net::http::Method::GET,
                    Method::Post => gloo_net::http::Method::POST,
                };
                let mut builder = RequestBuilder::new(&request.url)
                    .method(method)
                    .abort_signal(signal.as_ref());
                for (name, value) in &request.headers {
                    builder = builder.header(name, value.expose());
                }
                let built = match &request.body {
                    Some(body) => builder.body(body.expose().to_string()),
                    None => builder.build(),
                }
                .map_err(|e| {
                    TransportError::Network(format!("could not build the request: {e}"))
                })?;
                let raw: web_sys::Request = built.into();
                global_fetch(&raw)
            }
        }
        .map_err(|e| TransportError::Network(js_message(&e)))?;

        let exchange = Box::pin(async move {
            let answer = JsFuture::from(pending)
                .await
                .map_err(|e| TransportError::Network(js_message(&e)))?;
            if !answer.is_object() {
                return Err(TransportError::Network(
                    "fetch resolved to something that is not a Response".into(),
                ));
            }
            // Not `dyn_into`: a proxied request is answered by node-fetch, whose Response is
            // not the runtime's class but has the same shape (status, headers, text()).
            let answer: web_sys::Response = answer.unchecked_into();
            let answer = gloo_net::http::Response::from(answer);
            let headers = answer
                .headers()
                .entries()
                .map(|(k, v)| (k.to_ascii_lowercase(), v))
                .collect();
            let body = answer
                .text()
                .await
                .map_err(|e| TransportError::Network(format!("reading the answer failed: {e}")))?;
            Ok(Response {
                status: answer.status(),
                headers,
                body,
            })
        });
        let timer = Timer::new(timeout_ms);
        let outcome = select(exchange, Box::pin(timer.wait())).await;
        match outcome {
            Either::Left((result, _)) => result,
            Either::Right(_) => {
                if let Some(c) = controller {
                    c.abort();
                }
                Err(TransportError::Timeout)
            }
        }
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

/// `{ url, method, headers: { name: value }, body?, signal? }` for the shim's transport.
fn plain_request(request: &Request, signal: Option<&web_sys::AbortSignal>) -> JsValue {
    let out = js_sys::Object::new();
    let set = |o: &js_sys::Object, k: &str, v: &JsValue| {
        let _ = Reflect::set(o, &k.into(), v);
    };
    set(&out, "url", &request.url.as_str().into());
    set(&out, "method", &request.method.as_str().into());
    let headers = js_sys::Object::new();
    for (name, value) in &request.headers {
        set(&headers, name, &value.expose().into());
    }
    set(&out, "headers", &headers);
    if let Some(body) = &request.body {
        set(&out, "body", &body.expose().into());
    }
    if let Some(s) = signal {
        set(&out, "signal", s);
    }
    out.into()
}

/// The callback-token issuer the `uipath` module registers in this process, under
/// `Symbol.for('botpress-uipath/callback-tokens')` of the global object, if any.
fn local_issuer() -> Option<js_sys::Function> {
    let key = js_sys::Symbol::for_("botpress-uipath/callback-tokens");
    let registered = Reflect::get(&js_sys::global(), &key).ok()?;
    registered.dyn_into::<js_sys::Function>().ok()
}

/// `new AbortController()` where the host has one (Node 15+).
fn abort_controller() -> Option<web_sys::AbortController> {
    let has = Reflect::get(&js_sys::global(), &"AbortController".into()).ok()?;
    if has.is_undefined() {
        return None;
    }
    web_sys::AbortController::new().ok()
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
