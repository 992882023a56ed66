//! The exports behind hearing a job's end (`API.md`, "Hearing back when a job ends"):
//! the settings the module's timers need, the webhook's check, a delivery's event and
//! text, and the batched poll.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use wasm_bindgen::prelude::*;

use super::convert::{free_form, to_js, to_js_error, typed};
use super::route_input::{self, body_of, limit_log, Common, WebhookInput};
use super::state;
use super::transport::HostTransport;
use crate::config::Connection;
use crate::error::Result;
use crate::fields::Layers;
use crate::flow;
use crate::module::webhook_route::JobSignal;
use crate::module::{self, JobEnd, JobEndSettings, RouteSettings, TrackedJob, WebhookRequest};

/// The deadline of one poll page, milliseconds.
const POLL_PAGE_TIMEOUT_MS: u64 = 30_000;

/// What the module's timers need of the job-end settings.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Timers {
    /// `null` when polling is off.
    poll_interval_ms: Option<u64>,
    track_for_ms: u64,
    /// Whether a webhookSecret is set.
    webhook: bool,
}

/// The module config of job ends, parsed: `{ pollIntervalMs (null when off), trackForMs,
/// webhook (whether a webhookSecret is set) }`.
#[wasm_bindgen(js_name = jobEndSettings)]
pub fn job_end_settings(config: JsValue) -> Result<JsValue, JsValue> {
    let parse = || -> Result<JsValue> {
        let s = JobEndSettings::parse(&free_form(&config, "config")?)?;
        to_js(&Timers {
            poll_interval_ms: s.poll_interval_ms,
            track_for_ms: s.track_for_ms,
            webhook: s.webhook_secret.is_some(),
        })
    };
    parse().map_err(to_js_error)
}

/// The webhook route's answer: the reply's fields and the jobs to look at.
#[derive(Serialize)]
struct WebhookAnswer<'a> {
    status: u16,
    body: &'a Value,
    #[serde(skip_serializing_if = "Option::is_none")]
    log: Option<&'a str>,
    jobs: &'a [JobSignal],
}

/// The webhook route: `{ config, signature, contentType, body | parsedBody | tooLarge |
/// timedOut, now, requestId, source }` → `{ status, body, log?, jobs: [{ jobId, jobKey }] }`.
#[wasm_bindgen(js_name = checkWebhook)]
pub fn check_webhook(input: JsValue) -> Result<JsValue, JsValue> {
    let run = || -> Result<JsValue> {
        let (common, webhook): (Common, WebhookInput) = route_input::read(&input)?;
        let body = body_of(&input)?;
        let routes = RouteSettings::parse(&common.config)?;
        let settings = JobEndSettings::parse(&common.config)?;
        let request = WebhookRequest {
            signature: webhook.signature.as_deref(),
            content_type: webhook.content_type.as_deref(),
            body: body.body(),
        };
        let answer = module::check_webhook(&routes, &settings, &request);
        let reply = limit_log(answer.reply, &common);
        to_js(&WebhookAnswer {
            status: reply.status,
            body: &reply.body,
            log: reply.log.as_deref(),
            jobs: &answer.jobs,
        })
    };
    run().map_err(to_js_error)
}

/// `jobEndDelivery`'s input: the module config, the tracked row, the end.
#[derive(Deserialize)]
struct DeliveryInput {
    #[serde(default)]
    config: Value,
    job: TrackedJob,
    end: JobEnd,
}

/// What an end becomes in its conversation: `{ config, job: TrackedJob, end: JobEnd }` →
/// `{ event, destination, message? }` (`bp.IO.Event(event)`, then the text, if any).
#[wasm_bindgen(js_name = jobEndDelivery)]
pub fn job_end_delivery(input: JsValue) -> Result<JsValue, JsValue> {
    let run = || -> Result<JsValue> {
        let input: DeliveryInput = typed(input, "input")?;
        let settings = JobEndSettings::parse(&input.config)?;
        to_js(&module::delivery(&settings, &input.job, &input.end))
    };
    run().map_err(to_js_error)
}

/// `pollJobs`' input: the bot's module config and its tracked jobs.
#[derive(Deserialize)]
struct PollInput {
    #[serde(default)]
    config: Value,
    jobs: Vec<TrackedJob>,
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
    let input: PollInput = typed(input, "input")?;
    let connection = Connection::parse(&Layers::new(&json!({}), &input.config))?;
    let (readable, skipped): (Vec<TrackedJob>, Vec<TrackedJob>) = input
        .jobs
        .into_iter()
        .partition(|j| j.pollable && j.orchestrator == connection.orchestrator_url);
    let transport = HostTransport { logger: None };
    let mut outcome = flow::poll_jobs(
        &transport,
        &state::tokens(),
        &connection,
        &readable,
        POLL_PAGE_TIMEOUT_MS,
    )
    .await;
    outcome.skipped = skipped.into_iter().map(|j| j.job_key).collect();
    to_js(&outcome)
}

/// The tracked jobs a verified webhook named, read from Orchestrator one by one with the
/// bot's module-config connection: `{ config, jobs: [TrackedJob] }` → the same answer
/// as `pollJobs`. Only the ends found there are delivered; the webhook's own copy of the
/// job is never used. Jobs on another Orchestrator than the config's are `skipped`.
#[wasm_bindgen(js_name = readSignalledJobs)]
pub async fn read_signalled_jobs(input: JsValue) -> Result<JsValue, JsValue> {
    read_signalled(input).await.map_err(to_js_error)
}

async fn read_signalled(input: JsValue) -> Result<JsValue> {
    let input: PollInput = typed(input, "input")?;
    let connection = Connection::parse(&Layers::new(&json!({}), &input.config))?;
    let (readable, skipped): (Vec<TrackedJob>, Vec<TrackedJob>) = input
        .jobs
        .into_iter()
        .partition(|j| j.orchestrator == connection.orchestrator_url);
    let transport = HostTransport { logger: None };
    let mut outcome = flow::read_signalled_jobs(
        &transport,
        &state::tokens(),
        &connection,
        &readable,
        POLL_PAGE_TIMEOUT_MS,
    )
    .await;
    outcome.skipped = skipped.into_iter().map(|j| j.job_key).collect();
    to_js(&outcome)
}
