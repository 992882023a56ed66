//! Every `#[wasm_bindgen]` export of the package (API.md).

use wasm_bindgen::prelude::*;

use super::convert::{event_fields, free_form, to_js, to_js_error};
use super::host::Bp;
use super::transport::{has_local_issuer, set_host_transport, HostTransport};
use super::{state, tracker};
use crate::config::{
    Conversation, JobCall, JobQuery, JobSettings, DEFAULT_TIMEOUT_MS, DEFAULT_TOKEN_SECONDS,
};
use crate::duration;
use crate::error::Result;
use crate::fields;
use crate::flow;
use crate::orchestrator;

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
    let conversation = Conversation::from_event(&event_fields(event)?)?;
    let args = free_form(&args, "args")?;
    let module_config = bp.module_config(&conversation.bot_id).await?;
    let settings = JobSettings::parse(&args, &module_config)?;
    // With the module's issuer in this process, the token is issued here: no server
    // token (a JWT Botpress signs on every getAxiosConfigForBot) is needed.
    let botpress = match settings.botpress_token_seconds {
        Some(_) if !has_local_issuer() => bp.botpress_endpoint(&conversation.bot_id).await?,
        _ => None,
    };
    let logger = bp.bot_logger(&conversation.bot_id);
    let transport = HostTransport {
        logger: logger.clone(),
    };
    let cache = state::tokens();
    let mut started = flow::start_job(
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
    let tracked = tracker::track(
        &settings,
        &module_config,
        &conversation,
        &started,
        logger.as_ref(),
    )
    .await;
    started.tracked = Some(tracked);
    to_js(&started)
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
    let bot_id = event_fields(event)?.bot_id()?;
    let args = free_form(&args, "args")?;
    let module_config = bp.module_config(&bot_id).await?;
    let query = JobQuery::parse(call, &args, &module_config)?;
    let logger = bp.bot_logger(&bot_id);
    let transport = HostTransport {
        logger: logger.clone(),
    };
    let cache = state::tokens();
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
    to_js(&outcome.job)
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
    let conversation = Conversation::from_event(&event_fields(event)?)?;
    let options = free_form(&options, "options")?;
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
    let endpoint = if has_local_issuer() {
        None
    } else {
        bp.botpress_endpoint(&conversation.bot_id).await?
    };
    let transport = HostTransport {
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
/// proxy-aware one): `(method, url, headers, body, timeoutMs, maxBytes) → Promise<{
/// status, headers, body }>`, headers as flat arrays of name, value pairs; a rejection
/// named `TimeoutError` is a timeout, one named `AnswerTooLarge` an answer past
/// `maxBytes` (see `wasm/transport.rs`). Without one, requests fail with a clear error.
/// Nothing of the host is patched.
#[wasm_bindgen(js_name = setTransport)]
pub fn set_transport(transport: Option<js_sys::Function>) {
    set_host_transport(transport);
}

/// The name `setTransport` had up to 0.1 (the transport was once a `fetch`); the same.
#[wasm_bindgen(js_name = setFetch)]
pub fn set_fetch(transport: Option<js_sys::Function>) {
    set_host_transport(transport);
}

/// The package version, so a bot can log which build it runs.
#[wasm_bindgen]
pub fn version() -> String {
    crate::VERSION.to_string()
}

/// A random job-reference suffix (not a secret: it only tells calls apart).
pub(super) fn nonce() -> String {
    let a = (js_sys::Math::random() * 4_294_967_296.0) as u64;
    let b = js_sys::Date::now() as u64;
    format!("{b:x}{a:08x}")
}
