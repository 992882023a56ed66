//! Every `#[wasm_bindgen]` export of the package (API.md).

use std::rc::Rc;

use crate::json::Value;
use js_sys::Reflect;
use wasm_bindgen::prelude::*;

use super::fetch::FetchTransport;
use super::host::{self, Bp};
use crate::config::{
    Conversation, JobCall, JobQuery, JobSettings, DEFAULT_TIMEOUT_MS, DEFAULT_TOKEN_SECONDS,
};
use crate::duration;
use crate::error::{Error, Result};
use crate::fields;
use crate::flow::{self, TokenCache};
use crate::json::{self, ToJson};
use crate::orchestrator;

thread_local! {
    // One cache per loaded package (one per Botpress process); wasm has one thread.
    pub(super) static TOKENS: Rc<TokenCache> = Rc::new(TokenCache::default());
}

/// `startUiPathJob(bp, event, args) → Promise<JobStart>` (API.md).
#[wasm_bindgen(js_name = startUiPathJob)]
pub async fn start_uipath_job(
    bp: JsValue,
    event: JsValue,
    args: JsValue,
) -> Result<JsValue, JsValue> {
    start(bp, event, args).await.map_err(to_js_error)
}

async fn start(bp: JsValue, event: JsValue, args: JsValue) -> Result<JsValue> {
    let bp = Bp::from_js(bp)?;
    let conversation = Conversation::from_event(&host::event_fields(&event)?)?;
    let args = host::to_json(&args, "args")?;
    let module_config = bp.module_config(&conversation.bot_id).await?;
    let settings = JobSettings::parse(&args, &module_config)?;
    // With the module's issuer in this process, the token is issued here: no server
    // token (a JWT Botpress signs on every getAxiosConfigForBot) is needed.
    let botpress = match settings.botpress_token_seconds {
        Some(_) if !super::fetch::has_local_issuer() => {
            bp.botpress_endpoint(&conversation.bot_id).await?
        }
        _ => None,
    };
    let logger = bp.bot_logger(&conversation.bot_id);
    let transport = FetchTransport {
        logger: logger.clone(),
    };
    let cache = TOKENS.with(Rc::clone);
    let started = flow::start_job(
        &transport,
        &cache,
        &settings,
        &conversation,
        botpress.as_ref(),
        &nonce(),
    )
    .await?;
    if let Some(l) = &logger {
        let ids = orchestrator::ids_text(started.jobs.iter().map(|j| j.id), ", ");
        l.info_line(&format!(
            "started {} job(s) of {} {} (ids {}), reference {}",
            started.jobs.len(),
            started.process_key,
            started.process_version,
            ids,
            started.reference
        ));
    }
    let tracked = super::job_ends::track(
        &settings,
        &module_config,
        &conversation,
        &started,
        logger.as_ref(),
    )
    .await;
    let mut out = started.to_json();
    out["tracked"] = Value::Bool(tracked);
    to_js(&out)
}

/// `getUiPathJob(bp, event, args) → Promise<Job>` (API.md, "Jobs after the start").
#[wasm_bindgen(js_name = getUiPathJob)]
pub async fn get_uipath_job(
    bp: JsValue,
    event: JsValue,
    args: JsValue,
) -> Result<JsValue, JsValue> {
    job_call(JobCall::Get, bp, event, args)
        .await
        .map_err(to_js_error)
}

/// `waitForUiPathJob(bp, event, args) → Promise<Job>`: until the job ends.
#[wasm_bindgen(js_name = waitForUiPathJob)]
pub async fn wait_for_uipath_job(
    bp: JsValue,
    event: JsValue,
    args: JsValue,
) -> Result<JsValue, JsValue> {
    job_call(JobCall::Wait, bp, event, args)
        .await
        .map_err(to_js_error)
}

/// `stopUiPathJob(bp, event, args) → Promise<Job>`: stops it, answers it as read after.
#[wasm_bindgen(js_name = stopUiPathJob)]
pub async fn stop_uipath_job(
    bp: JsValue,
    event: JsValue,
    args: JsValue,
) -> Result<JsValue, JsValue> {
    job_call(JobCall::Stop, bp, event, args)
        .await
        .map_err(to_js_error)
}

async fn job_call(call: JobCall, bp: JsValue, event: JsValue, args: JsValue) -> Result<JsValue> {
    let bp = Bp::from_js(bp)?;
    let event = host::event_fields(&event)?;
    let bot_id = match fields::present(event.get("botId")) {
        Some(v) => fields::string("event.botId", v)?,
        None => return Err(Error::config("event.botId is missing")),
    };
    let args = host::to_json(&args, "args")?;
    let module_config = bp.module_config(&bot_id).await?;
    let query = JobQuery::parse(call, &args, &module_config)?;
    let logger = bp.bot_logger(&bot_id);
    let transport = FetchTransport {
        logger: logger.clone(),
    };
    let cache = TOKENS.with(Rc::clone);
    let outcome = match call {
        JobCall::Get => flow::get_job(&transport, &cache, &query).await,
        JobCall::Wait => flow::wait_for_job(&transport, &cache, &query).await,
        JobCall::Stop => flow::stop_job(&transport, &cache, &query).await,
    }?;
    if let Some(l) = &logger {
        for w in &outcome.warnings {
            l.warn_line(w);
        }
    }
    to_js(&outcome.job.to_json())
}

/// `getBotpressToken(bp, event, options?) → Promise<string>` (API.md).
#[wasm_bindgen(js_name = getBotpressToken)]
pub async fn get_botpress_token(
    bp: JsValue,
    event: JsValue,
    options: JsValue,
) -> Result<JsValue, JsValue> {
    token(bp, event, options).await.map_err(to_js_error)
}

async fn token(bp: JsValue, event: JsValue, options: JsValue) -> Result<JsValue> {
    let bp = Bp::from_js(bp)?;
    let conversation = Conversation::from_event(&host::event_fields(&event)?)?;
    let options = host::to_json(&options, "options")?;
    let seconds = match fields::present(options.get("expiresIn")) {
        Some(v) => duration::parse_value(v, "options.expiresIn")?,
        None => DEFAULT_TOKEN_SECONDS,
    };
    let timeout_ms = match fields::present(options.get("timeoutMs")) {
        Some(v) => fields::integer("options.timeoutMs", v, 1000, 600_000)? as u64,
        None => DEFAULT_TIMEOUT_MS,
    };
    // With the module's issuer in this process, no server token (a JWT Botpress signs on
    // every getAxiosConfigForBot) and no request are needed.
    let endpoint = if super::fetch::has_local_issuer() {
        None
    } else {
        bp.botpress_endpoint(&conversation.bot_id).await?
    };
    let transport = FetchTransport {
        logger: bp.bot_logger(&conversation.bot_id),
    };
    let token = flow::botpress_token(
        &transport,
        endpoint.as_ref(),
        &conversation,
        seconds,
        timeout_ms,
    )
    .await?;
    Ok(JsValue::from_str(token.expose()))
}

/// Sets the transport this package sends requests through (the shim's keep-alive,
/// proxy-aware one): `(method, url, headers, body, timeoutMs) → Promise<{ status,
/// headers, body }>`, headers as `name: value` lines; a rejection named `TimeoutError`
/// is a timeout (see `wasm/fetch.rs`). Without one, requests fail with a clear error.
/// Nothing of the host is patched.
#[wasm_bindgen(js_name = setFetch)]
pub fn set_fetch(fetch: Option<js_sys::Function>) {
    super::fetch::set_custom_fetch(fetch);
}

/// The package version, so a bot can log which build it runs.
#[wasm_bindgen]
pub fn version() -> String {
    crate::VERSION.to_string()
}

/// A result for JS: our JSON text, parsed by the host's `JSON.parse` (one crossing; a
/// `__proto__` key stays an own property).
pub(super) fn to_js(value: &Value) -> Result<JsValue> {
    js_sys::JSON::parse(&json::to_string(value)).map_err(|e| {
        Error::config(format!(
            "could not convert the result: {}",
            host::js_message(&e)
        ))
    })
}

/// An `Error` with `name = 'UiPathError'`, `code`, and the HTTP details that exist.
pub(super) fn to_js_error(error: Error) -> JsValue {
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
    if let Some(job) = error.job.as_deref().and_then(|j| to_js(&j.to_json()).ok()) {
        set("job", job);
    }
    js.into()
}

/// A random job-reference suffix (not a secret: it only tells calls apart).
fn nonce() -> String {
    let a = (js_sys::Math::random() * 4_294_967_296.0) as u64;
    let b = js_sys::Date::now() as u64;
    format!("{b:x}{a:08x}")
}
