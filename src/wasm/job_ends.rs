//! The exports behind hearing a job's end (`API.md`, "Hearing back when a job ends"):
//! the settings the module's timers need, the webhook's check, a delivery's event and
//! text, the batched poll, and the tracking of a job `startUiPathJob` started.

use std::rc::Rc;

use crate::json;
use crate::json::Value;
use js_sys::{Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use super::exports::{to_js, to_js_error, TOKENS};
use super::fetch::FetchTransport;
use super::host::{self, Logger};
use super::routes::{body_of, limit_log, route_input};
use crate::config::{Connection, Conversation, JobSettings};
use crate::error::{Error, Result};
use crate::fields::Layers;
use crate::flow;
use crate::json::{FromJson, ToJson};
use crate::module::{self, JobEnd, JobEndSettings, TrackedJob, WebhookRequest};
use crate::orchestrator::JobStart;

/// The deadline of one poll page, milliseconds.
const POLL_PAGE_TIMEOUT_MS: u64 = 30_000;

/// The module config of job ends, parsed: `{ pollIntervalMs (null when off), trackForMs,
/// webhook (whether a webhookSecret is set) }`.
#[wasm_bindgen(js_name = jobEndSettings)]
pub fn job_end_settings(config: JsValue) -> Result<JsValue, JsValue> {
    let parse = || -> Result<JsValue> {
        let s = JobEndSettings::parse(&host::to_json(&config, "config")?)?;
        to_js(&json!({
            "pollIntervalMs": s.poll_interval_ms,
            "trackForMs": s.track_for_ms,
            "webhook": s.webhook_secret.is_some(),
        }))
    };
    parse().map_err(to_js_error)
}

/// The webhook route: `{ config, signature, contentType, body | parsedBody | tooLarge |
/// timedOut, now, requestId, source }` → `{ status, body, log?, ends: [JobEnd] }`.
#[wasm_bindgen(js_name = checkWebhook)]
pub fn check_webhook(input: JsValue) -> Result<JsValue, JsValue> {
    let run = || -> Result<JsValue> {
        let (input, routes) = route_input(&input)?;
        let settings = JobEndSettings::parse(input.get("config").unwrap_or(&Value::Null))?;
        let body = body_of(&input);
        let request = WebhookRequest {
            signature: input.get("signature").and_then(Value::as_str),
            content_type: input.get("contentType").and_then(Value::as_str),
            body,
        };
        let mut answer = module::check_webhook(&routes, &settings, &request);
        answer.reply = limit_log(answer.reply, &input);
        to_js(&answer.to_json())
    };
    run().map_err(to_js_error)
}

/// What an end becomes in its conversation: `{ config, job: TrackedJob, end: JobEnd }` →
/// `{ event, destination, message? }` (`bp.IO.Event(event)`, then the text, if any).
#[wasm_bindgen(js_name = jobEndDelivery)]
pub fn job_end_delivery(input: JsValue) -> Result<JsValue, JsValue> {
    let run = || -> Result<JsValue> {
        let input = host::to_json(&input, "input")?;
        let settings = JobEndSettings::parse(input.get("config").unwrap_or(&Value::Null))?;
        let job: TrackedJob = field(&input, "job")?;
        let end: JobEnd = field(&input, "end")?;
        to_js(&module::delivery(&settings, &job, &end).to_json())
    };
    run().map_err(to_js_error)
}

/// One poll of a bot's tracked jobs: `{ config (the bot's module config), jobs:
/// [TrackedJob] }` → `{ ends, running, missing, skipped, errors, warnings, pages }`.
/// Jobs on another Orchestrator than the config's, or started with other credentials,
/// are `skipped` (the webhook still delivers them).
#[wasm_bindgen(js_name = pollJobs)]
pub async fn poll_jobs(input: JsValue) -> Result<JsValue, JsValue> {
    poll(input).await.map_err(to_js_error)
}

async fn poll(input: JsValue) -> Result<JsValue> {
    let input = host::to_json(&input, "input")?;
    let config = input.get("config").cloned().unwrap_or_default();
    let jobs: Vec<TrackedJob> = field(&input, "jobs")?;
    let connection = Connection::parse(&Layers::new(&json!({}), &config))?;
    let (readable, skipped): (Vec<TrackedJob>, Vec<TrackedJob>) = jobs
        .into_iter()
        .partition(|j| j.pollable && j.orchestrator == connection.orchestrator_url);
    let transport = FetchTransport { logger: None };
    let cache = TOKENS.with(Rc::clone);
    let outcome = flow::poll_jobs(
        &transport,
        &cache,
        &connection,
        &readable,
        POLL_PAGE_TIMEOUT_MS,
    )
    .await;
    let mut out = outcome.to_json();
    out["skipped"] = skipped.iter().map(|j| json!(j.job_key)).collect();
    to_js(&out)
}

fn field<T: FromJson>(input: &Value, name: &str) -> Result<T> {
    T::from_json(input.get(name).unwrap_or(&Value::Null))
        .map_err(|e| Error::config(format!("{name} is not what the module stored: {e}")))
}

/// Hands the jobs a start started to the module's tracker in this process, if the
/// `uipath` module registered one under `Symbol.for('botpress-uipath/job-tracker')`.
/// Answers whether they are tracked; a tracker that fails is logged, never thrown: the
/// jobs have started.
pub(super) async fn track(
    settings: &JobSettings,
    module_config: &Value,
    conversation: &Conversation,
    started: &JobStart,
    logger: Option<&Logger>,
) -> bool {
    let Some(tracker) = local_tracker() else {
        return false;
    };
    // Only jobs of the bot's own module-config connection can be polled later.
    let own = Connection::parse(&Layers::new(&json!({}), module_config)).ok();
    let pollable = own.as_ref() == Some(&settings.connection);
    let rows = TrackedJob::of_start(
        conversation,
        settings.folder.as_ref(),
        &settings.connection.orchestrator_url,
        pollable,
        started,
    );
    let result = async {
        let rows = to_js(&rows.to_json())?;
        let promise = tracker
            .call1(&JsValue::UNDEFINED, &rows)
            .map_err(|e| Error::config(host::js_message(&e)))?;
        JsFuture::from(Promise::resolve(&promise))
            .await
            .map_err(|e| Error::config(host::js_message(&e)))
    }
    .await;
    match result {
        Ok(_) => true,
        Err(e) => {
            if let Some(l) = logger {
                l.warn_line(&format!(
                    "the job(s) started, but the module could not track them, so their end will not be delivered: {}",
                    e.detail
                ));
            }
            false
        }
    }
}

fn local_tracker() -> Option<js_sys::Function> {
    let key = js_sys::Symbol::for_("botpress-uipath/job-tracker");
    Reflect::get(&js_sys::global(), &key)
        .ok()?
        .dyn_into::<js_sys::Function>()
        .ok()
}
