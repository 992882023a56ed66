//! Tier 2: the bindings in Node through the real wasm (`wasm-pack test --node`):
//! how host objects are read, how errors cross the boundary.
#![cfg(target_arch = "wasm32")]
#![allow(clippy::unwrap_used, clippy::expect_used)]

use botpress_uipath::wasm::{get_botpress_token, start_uipath_job, version};
use js_sys::{Function, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;

/// Evaluates a JS expression (test fixtures only).
fn js(source: &str) -> JsValue {
    Function::new_no_args(&format!("return ({source})"))
        .call0(&JsValue::NULL)
        .unwrap()
}

fn prop(v: &JsValue, name: &str) -> JsValue {
    Reflect::get(v, &name.into()).unwrap()
}

async fn start_error(bp: JsValue, event: JsValue, args: JsValue) -> JsValue {
    start_uipath_job(bp, event, args)
        .await
        .expect_err("should reject")
}

fn event() -> JsValue {
    js("{ botId: 'b1', channel: 'web', target: 'u1', createdOn: new Date(), state: { self: null } }")
}

#[wasm_bindgen_test]
async fn errors_are_js_errors_with_name_and_code() {
    let err = start_error(JsValue::from_str("nope"), event(), js("{}")).await;
    assert!(err.is_instance_of::<js_sys::Error>());
    assert_eq!(prop(&err, "name").as_string().unwrap(), "UiPathError");
    assert_eq!(prop(&err, "code").as_string().unwrap(), "INVALID_CONFIG");
    assert_eq!(
        prop(&err, "message").as_string().unwrap(),
        "INVALID_CONFIG: bp must be the Botpress SDK object"
    );
}

#[wasm_bindgen_test]
async fn a_throwing_module_config_is_wrapped_with_its_message() {
    let bp =
        js("{ config: { getModuleConfigForBot: () => { throw new Error('config store down') } } }");
    let err = start_error(bp, event(), js("{}")).await;
    let message = prop(&err, "message").as_string().unwrap();
    assert!(message.contains("config store down"), "{message}");
}

#[wasm_bindgen_test]
async fn module_config_promise_and_studio_strings_are_read() {
    // The config resolves asynchronously; the error proves it was merged (processKey from args,
    // connection from config) and that the string jobsCount was checked.
    let bp = js("{ config: { getModuleConfigForBot: async (m, id) => (m === 'uipath' && id === 'b1' ? { orchestratorUrl: 'https://o.example', auth: { accessToken: 'at' } } : {}) } }");
    let err = start_error(bp, event(), js("{ processKey: 'P', jobsCount: '0' }")).await;
    let message = prop(&err, "message").as_string().unwrap();
    assert!(
        message.starts_with("INVALID_CONFIG: jobsCount must be a whole number from 1"),
        "{message}"
    );
}

#[wasm_bindgen_test]
async fn event_class_instances_are_read_field_by_field() {
    let ev = js("new (class Event { constructor() { this.botId = 'b1'; this.channel = 'web'; this.createdOn = new Date() } })()");
    let err = start_error(js("{}"), ev, js("{}")).await;
    assert_eq!(
        prop(&err, "message").as_string().unwrap(),
        "INVALID_CONFIG: event.target is missing"
    );
}

#[wasm_bindgen_test]
async fn args_that_are_not_data_are_refused() {
    let err = start_error(js("{}"), event(), JsValue::from_f64(3.0)).await;
    let message = prop(&err, "message").as_string().unwrap();
    assert!(
        message.starts_with("INVALID_CONFIG: args must be"),
        "{message}"
    );
}

#[wasm_bindgen_test]
async fn botpress_token_failure_has_its_own_code_and_hides_headers() {
    let bp = js("{ http: { getAxiosConfigForBot: async () => ({ baseURL: 'http://127.0.0.1:1/api/v1/bots/b1', headers: { Authorization: 'Bearer very-secret-jwt' } }) } }");
    let err = get_botpress_token(bp, event(), js("{ expiresIn: '2m', timeoutMs: 2000 }"))
        .await
        .expect_err("rejects");
    assert_eq!(
        prop(&err, "code").as_string().unwrap(),
        "BOTPRESS_TOKEN_FAILED"
    );
    let message = prop(&err, "message").as_string().unwrap();
    assert!(!message.contains("very-secret-jwt"), "{message}");
    assert!(message.contains("/mod/uipath/auth/token"), "{message}");
}

#[wasm_bindgen_test]
async fn a_bad_expires_in_is_named() {
    let bp = js(
        "{ http: { getAxiosConfigForBot: async () => ({ baseURL: 'http://x', headers: {} }) } }",
    );
    let err = get_botpress_token(bp, event(), js("{ expiresIn: 'later' }"))
        .await
        .expect_err("rejects");
    assert!(prop(&err, "message")
        .as_string()
        .unwrap()
        .contains("options.expiresIn"));
}

#[wasm_bindgen_test]
fn version_is_the_crate_version() {
    assert_eq!(version(), env!("CARGO_PKG_VERSION"));
}
