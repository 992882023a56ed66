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
    let bp = js("{ config: { getModuleConfigForBot: async (m, id) => (m === 'uipath' && id === 'b1' ? { orchestratorUrl: 'https://o.example', auth: { accessToken: 'at-0123' } } : {}) } }");
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

#[wasm_bindgen_test]
fn a_signed_webhook_names_its_job_and_a_delivery_crosses_the_boundary() {
    use botpress_uipath::module::webhook_route::signature;
    use botpress_uipath::wasm::{check_webhook, job_end_delivery};
    let body = r#"{"Type":"job.faulted","Job":{"Id":5,"Key":"K-5","State":"Faulted","Info":"Machine lost","OutputArguments":null}}"#;
    let sig = signature(b"whsec-wasm-0123456789", body.as_bytes());
    let input = js(&format!(
        "({{ config: {{ webhookSecret: 'whsec-wasm-0123456789' }}, signature: '{sig}', contentType: 'application/json', body: {}, now: 1, requestId: 'r', source: '127.0.0.1' }})",
        serde_json::Value::from(body)
    ));
    let answer = check_webhook(input).unwrap();
    assert_eq!(prop(&answer, "status").as_f64(), Some(200.0));
    let jobs = js_sys::Array::from(&prop(&answer, "jobs"));
    assert_eq!(jobs.length(), 1);
    let signal = jobs.get(0);
    assert_eq!(prop(&signal, "jobKey").as_string().as_deref(), Some("k-5"));
    assert_eq!(prop(&signal, "jobId").as_f64(), Some(5.0));
    assert!(
        prop(&signal, "state").is_undefined(),
        "a webhook is only a signal"
    );
    // The end as Orchestrator gives it (the module reads it before delivering).
    let end = js("({ jobId: 5, jobKey: 'k-5', state: 'Faulted', info: 'Machine lost', outputArguments: null })");
    let job = js("({ botId: 'b', channel: 'web', target: 'u', jobId: 5, jobKey: 'k-5', folder: '', orchestrator: 'https://o', pollable: true, reference: 'r', processKey: 'P' })");
    let config = js("({ messages: { Faulted: '{{processKey}} failed: {{info}}' } })");
    let input = js_sys::Object::new();
    Reflect::set(&input, &"config".into(), &config).unwrap();
    Reflect::set(&input, &"job".into(), &job).unwrap();
    Reflect::set(&input, &"end".into(), &end).unwrap();
    let d = job_end_delivery(input.into()).unwrap();
    let event = prop(&d, "event");
    assert_eq!(
        prop(&event, "type").as_string().as_deref(),
        Some("uipath-job")
    );
    assert!(prop(&event, "threadId").is_undefined());
    assert_eq!(
        prop(&prop(&d, "message"), "text").as_string().as_deref(),
        Some("P failed: Machine lost")
    );
    // Unsigned: refused, nothing to deliver.
    let refused = check_webhook(js(&format!(
        "({{ config: {{ webhookSecret: 'whsec-wasm-0123456789' }}, body: {} }})",
        serde_json::Value::from(body)
    )))
    .unwrap();
    assert_eq!(prop(&refused, "status").as_f64(), Some(401.0));
    assert_eq!(js_sys::Array::from(&prop(&refused, "jobs")).length(), 0);
}

#[wasm_bindgen_test]
fn json_through_the_boundary_keeps_every_key_and_value() {
    use botpress_uipath::wasm::job_end_delivery;
    let text = r#"{"__proto__":{"x":1},"a":[1,2.5,-3,"é\n\"q\""],"big":9007199254740991,"n":null}"#;
    let v: serde_json::Value = serde_json::from_str(text).unwrap();
    assert_eq!(v["__proto__"]["x"], 1);
    assert_eq!(v["big"].as_i64(), Some(9_007_199_254_740_991));
    assert_eq!(v.to_string(), text);
    assert!(serde_json::from_str::<serde_json::Value>("{oops").is_err());
    // In (serde-wasm-bindgen, which reads own keys) and out (serde_json's text, the host's
    // JSON.parse): a robot's `__proto__` output stays an own key, and no prototype is set
    // anywhere.
    let input = js(&format!(
        "({{ config: {{}}, job: {{ botId: 'b', channel: 'web', target: 'u', jobId: 5, jobKey: 'k-5', orchestrator: 'https://o', pollable: true }}, end: {{ jobId: 5, jobKey: 'k-5', state: 'Successful', outputArguments: JSON.parse({}) }} }})",
        serde_json::Value::from(text)
    ));
    let d = job_end_delivery(input).unwrap();
    let out = prop(&prop(&prop(&d, "event"), "payload"), "outputArguments");
    let own = js_sys::Object::get_own_property_descriptor(
        out.unchecked_ref::<js_sys::Object>(),
        &"__proto__".into(),
    );
    assert!(prop(&own, "value").is_object());
    assert_eq!(prop(&prop(&own, "value"), "x").as_f64(), Some(1.0));
    assert!(prop(&out, "x").is_undefined(), "no prototype was set");
    assert_eq!(prop(&out, "big").as_f64(), Some(9_007_199_254_740_991.0));
    assert_eq!(
        js_sys::JSON::stringify(&out)
            .unwrap()
            .as_string()
            .as_deref(),
        Some(text)
    );
}

#[wasm_bindgen_test]
fn floats_read_back_the_same_in_the_wasm() {
    for text in [
        "0.5",
        "-2.25",
        "1e-7",
        "6.02e23",
        "1.7976931348623157e308",
        "5e-324",
    ] {
        let v: serde_json::Value = serde_json::from_str(text).unwrap();
        let printed = v.to_string();
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(&printed).unwrap(),
            v,
            "{text} -> {printed}"
        );
    }
    assert!(
        serde_json::from_str::<serde_json::Value>("1e400").is_err(),
        "out of range"
    );
    assert_eq!(
        botpress_uipath::duration::parse_unbounded("1.5h", "expiresIn").unwrap(),
        5400
    );
    assert!(botpress_uipath::duration::parse_unbounded("h", "expiresIn").is_err());
    assert!(botpress_uipath::duration::parse_unbounded("1..2h", "expiresIn").is_err());
}
