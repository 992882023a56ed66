//! The exports behind hearing a job's end (`API.md`, "Hearing back when a job ends"):
//! the settings the module's timers need, the webhook's check, a delivery's event and
//! text, and the batched poll.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use wasm_bindgen::prelude::*;

use super::allowance::read_allowance;
use super::convert::{free_form, to_js, to_js_error, typed};
use super::route_input::{self, body_of, limit_log, Common, WebhookInput};
use super::state;
use super::transport::HostTransport;
use crate::config::Connection;
use crate::error::Result;
use crate::fields::Layers;
use crate::flow;
use crate::module::webhook_route::{JobSignal, QueueItemSignal};
use crate::module::{
    self, JobEnd, JobEndSettings, QueueItemEnd, RouteSettings, TrackedJob, TrackedQueueItem,
    WebhookRequest,
};

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
    #[serde(rename = "queueItems")]
    queue_items: &'a [QueueItemSignal],
}

/// The webhook route: `{ config, signature, contentType, body | parsedBody | tooLarge |
/// timedOut, now, requestId, source }` → `{ status, body, log?, jobs: [{ jobId, jobKey }],
/// queueItems: [{ queueItemId, queueItemKey }] }`.
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
            queue_items: &answer.queue_items,
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

/// A poll's input: the bot's module config and its tracked rows.
#[derive(Deserialize)]
struct PollInput<R> {
    #[serde(default)]
    config: Value,
    #[serde(alias = "items")]
    jobs: Vec<R>,
}

impl<R> PollInput<R> {
    /// The connection and the budget of the bot's module config: `pollBudget`, less the
    /// reads its look for open tasks takes a minute.
    fn context(&self) -> Result<(Connection, flow::ReadAllowance)> {
        let connection = Connection::parse(&Layers::new(&json!({}), &self.config))?;
        Ok((connection, read_allowance(&self.config)?))
    }
}

/// One poll of a bot's tracked jobs: `{ config (the bot's module config), jobs:
/// [TrackedJob] }` → `{ ends, running, missing, deferred, skipped, errors, warnings,
/// pages }`. Jobs on another Orchestrator than the config's, or started with other
/// credentials, are `skipped`; those past the tenant's `pollBudget` are `deferred`.
#[wasm_bindgen(js_name = pollJobs)]
pub async fn poll_jobs(input: JsValue) -> Result<JsValue, JsValue> {
    poll_rows::<TrackedJob>(input, false)
        .await
        .map_err(to_js_error)
}

/// The tracked jobs a verified webhook named, read from Orchestrator one by one with the
/// bot's module-config connection: `{ config, jobs: [TrackedJob] }` → the same answer
/// as `pollJobs`. Only the ends found there are delivered; the webhook's own copy of the
/// job is never used. Jobs on another Orchestrator than the config's are `skipped`.
#[wasm_bindgen(js_name = readSignalledJobs)]
pub async fn read_signalled_jobs(input: JsValue) -> Result<JsValue, JsValue> {
    poll_rows::<TrackedJob>(input, true)
        .await
        .map_err(to_js_error)
}

/// One poll of a bot's tracked queue items: `{ config, items: [TrackedQueueItem] }` →
/// `{ ends: [QueueItemEnd], … }` as `pollJobs`; a `Retried` item is followed to its retry.
#[wasm_bindgen(js_name = pollQueueItems)]
pub async fn poll_queue_items(input: JsValue) -> Result<JsValue, JsValue> {
    poll_rows::<TrackedQueueItem>(input, false)
        .await
        .map_err(to_js_error)
}

/// The tracked queue items a verified webhook named, each read by id and followed
/// through its retries: `{ config, items }` → as `pollQueueItems`.
#[wasm_bindgen(js_name = readSignalledQueueItems)]
pub async fn read_signalled_queue_items(input: JsValue) -> Result<JsValue, JsValue> {
    poll_rows::<TrackedQueueItem>(input, true)
        .await
        .map_err(to_js_error)
}

/// A row the pollers read: where it runs and whether its connection is the bot's.
trait PollRow: serde::de::DeserializeOwned {
    /// The connection its reads need (a queue item's asks for the queue scopes).
    fn connection(of_config: Connection) -> Connection {
        of_config
    }
    fn orchestrator(&self) -> &str;
    fn pollable(&self) -> bool;
    fn key(&self) -> String;
    async fn read(context: &flow::PollContext<'_>, rows: &[Self], signalled: bool) -> JsValue;
}

impl PollRow for TrackedJob {
    fn orchestrator(&self) -> &str {
        &self.orchestrator
    }
    fn pollable(&self) -> bool {
        self.pollable
    }
    fn key(&self) -> String {
        self.job_key.clone()
    }
    async fn read(context: &flow::PollContext<'_>, rows: &[Self], signalled: bool) -> JsValue {
        let transport = HostTransport { logger: None };
        let tokens = state::tokens();
        let outcome = if signalled {
            flow::read_signalled_jobs(
                &transport,
                &tokens,
                context.connection,
                rows,
                POLL_PAGE_TIMEOUT_MS,
            )
            .await
        } else {
            flow::poll_jobs(&transport, &tokens, context, rows).await
        };
        to_js(&outcome).unwrap_or(JsValue::NULL)
    }
}

impl PollRow for TrackedQueueItem {
    fn connection(of_config: Connection) -> Connection {
        of_config.for_queues()
    }
    fn orchestrator(&self) -> &str {
        &self.orchestrator
    }
    fn pollable(&self) -> bool {
        self.pollable
    }
    fn key(&self) -> String {
        self.item_key.clone()
    }
    async fn read(context: &flow::PollContext<'_>, rows: &[Self], signalled: bool) -> JsValue {
        let transport = HostTransport { logger: None };
        let tokens = state::tokens();
        let outcome = if signalled {
            flow::read_signalled_items(&transport, &tokens, context, rows).await
        } else {
            flow::poll_queue_items(&transport, &tokens, context, rows).await
        };
        to_js(&outcome).unwrap_or(JsValue::NULL)
    }
}

/// Reads the rows the config's connection may read (all on its Orchestrator; only
/// pollable ones for a poll), and says which were skipped.
async fn poll_rows<R: PollRow>(input: JsValue, signalled: bool) -> Result<JsValue> {
    let input: PollInput<R> = typed(input, "input")?;
    let (connection, allowance) = input.context()?;
    let connection = R::connection(connection);
    let (readable, skipped): (Vec<R>, Vec<R>) = input.jobs.into_iter().partition(|r| {
        r.orchestrator() == connection.orchestrator_url && (signalled || r.pollable())
    });
    let budget = state::budget();
    let context = flow::PollContext {
        connection: &connection,
        timeout_ms: POLL_PAGE_TIMEOUT_MS,
        budget: &budget,
        allowance,
    };
    let out = R::read(&context, &readable, signalled).await;
    let skipped: Vec<String> = skipped.iter().map(R::key).collect();
    js_sys::Reflect::set(&out, &"skipped".into(), &to_js(&skipped)?)
        .map_err(|_| crate::error::Error::config("could not convert the result"))?;
    Ok(out)
}

/// `queueItemEndDelivery`'s input: the module config, the tracked row, the end.
#[derive(Deserialize)]
struct ItemDeliveryInput {
    #[serde(default)]
    config: Value,
    item: TrackedQueueItem,
    end: QueueItemEnd,
}

/// What a queue item's end becomes in its conversation: `{ config, item, end }` →
/// `{ event, destination, message? }`.
#[wasm_bindgen(js_name = queueItemEndDelivery)]
pub fn queue_item_end_delivery(input: JsValue) -> Result<JsValue, JsValue> {
    let run = || -> Result<JsValue> {
        let input: ItemDeliveryInput = typed(input, "input")?;
        let settings = JobEndSettings::parse(&input.config)?;
        to_js(&module::item_delivery(&settings, &input.item, &input.end))
    };
    run().map_err(to_js_error)
}
