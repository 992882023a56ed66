//! Every conversion between JS values and the core's Rust values, in one place:
//!
//! - JS objects of a fixed shape (the event, the module's route inputs, the transport's
//!   answer) are read into typed structs with serde-wasm-bindgen, which reads only the
//!   fields a struct names (an event's circular `state` is never touched).
//! - Free-form data (`args`, the module config, options) is read as a
//!   `serde_json::Value` through the host's `JSON.stringify` (one crossing; `Date`s
//!   become their text, as in any JSON API).
//! - Results go back as JSON text through the host's `JSON.parse` (one crossing), which
//!   keeps a `__proto__` key that a robot put in its output an ordinary own key on every
//!   Node version (serde-wasm-bindgen would build the object with assignments, and
//!   `__proto__` would become its prototype).

use js_sys::Reflect;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::config::EventFields;
use crate::error::{Error, Result};

/// A JS object of a fixed shape as `T`; the error names `what` (and serde's message the
/// field, for a missing one).
pub fn typed<T: DeserializeOwned>(value: JsValue, what: &str) -> Result<T> {
    serde_wasm_bindgen::from_value(value)
        .map_err(|e| Error::config(format!("{what} is not what the package expects: {e}")))
}

/// The fields of a Botpress event the package reads.
pub fn event_fields(event: JsValue) -> Result<EventFields> {
    if !event.is_object() {
        return Err(Error::config("event must be the Botpress event object"));
    }
    typed(event, "event")
}

/// Plain JS data (args, options, module config) as JSON: `undefined` and `null` are `{}`.
pub fn free_form(value: &JsValue, what: &str) -> Result<Value> {
    if value.is_undefined() || value.is_null() {
        return Ok(Value::Object(Default::default()));
    }
    let fail = |why: String| Error::config(format!("{what} must be plain JSON data: {why}"));
    let text = js_sys::JSON::stringify(value)
        .map_err(|e| fail(js_message(&e)))?
        .as_string()
        .ok_or_else(|| fail("it has no JSON form".into()))?;
    serde_json::from_str(&text).map_err(|e| fail(e.to_string()))
}

/// A result for JS: JSON text, parsed by the host's `JSON.parse`.
pub fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue> {
    let text = serde_json::to_string(value)
        .map_err(|e| Error::config(format!("could not convert the result: {e}")))?;
    js_sys::JSON::parse(&text)
        .map_err(|e| Error::config(format!("could not convert the result: {}", js_message(&e))))
}

/// An `Error` with `name = 'UiPathError'`, `code`, and the HTTP details that exist.
pub fn to_js_error(error: Error) -> JsValue {
    let js = js_sys::Error::new(&error.message());
    js.set_name("UiPathError");
    let set = |k: &str, v: JsValue| {
        let _ = Reflect::set(&js, &k.into(), &v);
    };
    set("code", error.code.as_str().into());
    if let Some(s) = error.status {
        set("status", s.into());
    }
    if let Some(c) = error.uipath_error_code {
        set("uipathErrorCode", (c as f64).into());
    }
    if let Some(t) = &error.trace_id {
        set("traceId", t.into());
    }
    if let Some(r) = &error.reference {
        set("reference", r.into());
    }
    if let Some(job) = error.job.as_deref().and_then(|j| to_js(j).ok()) {
        set("job", job);
    }
    if let Some(item) = error.queue_item.as_deref().and_then(|i| to_js(i).ok()) {
        set("queueItem", item);
    }
    js.into()
}

/// The `message` of a thrown value, and of its `cause` when it has one.
pub fn js_message(error: &JsValue) -> String {
    let text = |v: &JsValue| -> Option<String> {
        v.dyn_ref::<js_sys::Error>()
            .map(|e| String::from(e.message()))
            .or_else(|| {
                Reflect::get(v, &"message".into())
                    .ok()
                    .and_then(|m| m.as_string())
            })
            .or_else(|| v.as_string())
    };
    let mut message = text(error).unwrap_or_else(|| "unknown error".into());
    if let Ok(cause) = Reflect::get(error, &"cause".into()) {
        if let Some(c) = text(&cause) {
            message = format!("{message} ({c})");
        }
    }
    message
}
