//! Hearing a job's end without the robot's help (`API.md`, "Hearing back when a job
//! ends"): the module config of it, the row a started job is tracked by, a job's end as
//! the webhook or the poller found it, and the event (and optional text) it becomes in
//! the conversation that started the job.

use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use super::delivery::{
    folder_text, incoming_event, output_value, render, stored_folder, Destination,
};
use crate::config::Conversation;
use crate::duration;
use crate::error::{Error, Result};
use crate::fields;
use crate::orchestrator::is_final;
use crate::secret::Secret;
use crate::types::{Folder, JobDetails};

/// The event type a job's end is delivered as.
pub const EVENT_TYPE: &str = "uipath-job";

/// The default `pollBudget`: filtered reads a minute per tenant, under UiPath's 100.
pub const DEFAULT_POLL_BUDGET: u32 = 60;

/// The shortest `webhookSecret` that counts, in characters.
pub const MIN_WEBHOOK_SECRET: usize = 16;

/// Module config of the job ends, with defaults.
#[derive(Debug, Clone, PartialEq)]
pub struct JobEndSettings {
    /// The webhook's secret; `None` refuses every webhook call.
    pub webhook_secret: Option<Secret>,
    /// A `webhookSecret` was set but is shorter than [`MIN_WEBHOOK_SECRET`] characters,
    /// so it counts as none (one-character guesses would find it in a few requests).
    pub webhook_secret_too_short: bool,
    /// Milliseconds between two polls of the unfinished jobs; `None` turns polling off.
    pub poll_interval_ms: Option<u64>,
    /// How long a started job is tracked, milliseconds.
    pub track_for_ms: u64,
    /// Text sent into the conversation for an end, by state (`Successful`, ...).
    pub messages: Map<String, Value>,
    /// `pollBudget`: filtered reads a minute per tenant for all pollers together.
    pub poll_budget: u32,
}

impl JobEndSettings {
    /// Reads `webhookSecret`, `pollInterval` (a duration, default `'30s'`, or `false`),
    /// `trackFor` (default `'1d'`) and `messages` (`{ Successful, Faulted, Stopped }`).
    pub fn parse(config: &Value) -> Result<JobEndSettings> {
        let given = match fields::present(config.get("webhookSecret")) {
            None => None,
            Some(v) => Some(Secret::new(fields::string("webhookSecret", v)?)),
        };
        let webhook_secret_too_short = given
            .as_ref()
            .is_some_and(|s| s.expose().chars().count() < MIN_WEBHOOK_SECRET);
        let webhook_secret = given.filter(|_| !webhook_secret_too_short);
        let poll_interval_ms = duration::interval_or_off(
            fields::present(config.get("pollInterval")),
            "pollInterval",
            30_000,
            (1, 86_400),
            "1s and 1d",
        )?;
        let track_for_ms = match fields::present(config.get("trackFor")) {
            None => 86_400_000,
            Some(v) => {
                let seconds = duration::parse_value(v, "trackFor")?;
                if !(60..=30 * 86_400).contains(&seconds) {
                    return Err(Error::config("trackFor must be between 1m and 30d"));
                }
                seconds * 1000
            }
        };
        let messages = match fields::present(config.get("messages")) {
            None => Map::new(),
            Some(v) => messages_of(
                fields::object("messages", v).map_err(|_| Error::config(MESSAGES_USE))?,
            )?,
        };
        let poll_budget = match fields::present(config.get("pollBudget")) {
            None => DEFAULT_POLL_BUDGET,
            Some(v) => fields::integer("pollBudget", v, 1, 1000)? as u32,
        };
        Ok(JobEndSettings {
            poll_budget,
            webhook_secret,
            webhook_secret_too_short,
            poll_interval_ms,
            track_for_ms,
            messages,
        })
    }
}

const MESSAGES_USE: &str = "messages must be an object of texts by state, e.g. {\"Successful\": \"{{processKey}} finished\"}";

/// The ends a `messages` text may be for: a job's (`Successful`, `Faulted`, `Stopped`)
/// and a queue item's (`Successful`, `Failed`, `Abandoned`).
pub const MESSAGE_STATES: [&str; 5] = ["Successful", "Faulted", "Stopped", "Failed", "Abandoned"];

/// `messages`, each key a final state (or one of the questions' texts, read by
/// [`TaskSettings`](super::task_settings::TaskSettings)) and each value a text.
fn messages_of(map: Map<String, Value>) -> Result<Map<String, Value>> {
    for (state, text) in &map {
        let task_text = super::task_settings::TASK_MESSAGES
            .iter()
            .any(|(name, _)| name == state);
        if !(MESSAGE_STATES.contains(&state.as_str()) || task_text) || !text.is_string() {
            return Err(Error::config(format!(
                "{MESSAGES_USE}; the states are {}, and the questions' texts {}",
                MESSAGE_STATES.join(", "),
                super::task_settings::TASK_MESSAGES
                    .iter()
                    .map(|(n, _)| *n)
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        }
    }
    Ok(map)
}

/// A started job as the module tracks it: where to deliver its end, and how to read it.
/// Nothing in it is secret. Its JSON form (camelCase) is what the module stores a row as
/// and hands back.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TrackedJob {
    /// The bot that started it.
    pub bot_id: String,
    /// Conversation: `event.channel`.
    pub channel: String,
    /// Conversation: `event.target`.
    pub target: String,
    /// Conversation: `event.threadId`.
    #[serde(default)]
    pub thread_id: Option<String>,
    /// Orchestrator's numeric id.
    pub job_id: i64,
    /// Orchestrator's GUID: what the webhook names the job by.
    pub job_key: String,
    /// The folder it runs in: `id:<n>`, `path:<path>`, or empty.
    #[serde(default)]
    pub folder: String,
    /// The Orchestrator it runs on (its OData base URL).
    pub orchestrator: String,
    /// Whether the bot's module-config connection started it, so the poller may read it.
    pub pollable: bool,
    /// The start's `Reference`.
    #[serde(default)]
    pub reference: String,
    /// The process.
    #[serde(default)]
    pub process_key: String,
    /// The `jti` of the callback token the job was given: a robot's question must carry
    /// the token of a job that is tracked and has not ended.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token_id: Option<String>,
}

impl TrackedJob {
    /// The rows of a start: one per job.
    pub fn of_start(
        conversation: &Conversation,
        folder: Option<&Folder>,
        orchestrator: &str,
        pollable: bool,
        start: &crate::orchestrator::JobStart,
    ) -> Vec<TrackedJob> {
        start
            .jobs
            .iter()
            .map(|job| TrackedJob {
                bot_id: conversation.bot_id.clone(),
                channel: conversation.channel.clone(),
                target: conversation.target.clone(),
                thread_id: conversation.thread_id.clone(),
                job_id: job.id,
                job_key: job.key.to_ascii_lowercase(),
                folder: folder_text(folder),
                orchestrator: orchestrator.to_string(),
                pollable,
                reference: start.reference.clone(),
                process_key: start.process_key.clone(),
                token_id: start.token_id.clone(),
            })
            .collect()
    }

    /// The folder the job was started in (see [`stored_folder`]).
    pub fn folder(&self) -> Result<Option<Folder>> {
        stored_folder(&self.folder)
    }
}

/// A job's end, as the webhook or a poll saw it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct JobEnd {
    /// Orchestrator's numeric id.
    pub job_id: i64,
    /// GUID, lower case.
    pub job_key: String,
    /// `Successful`, `Faulted` or `Stopped`.
    pub state: String,
    /// Orchestrator's `Info`.
    #[serde(default)]
    pub info: Option<String>,
    /// The output arguments, parsed.
    #[serde(default)]
    pub output_arguments: Option<Value>,
}

impl JobEnd {
    /// The end of a job as read, if it has ended.
    pub fn of(job: &JobDetails) -> Option<JobEnd> {
        is_final(&job.state).then(|| JobEnd {
            job_id: job.id,
            job_key: job.key.to_ascii_lowercase(),
            state: job.state.clone(),
            info: job.info.clone(),
            output_arguments: job.output_arguments.clone(),
        })
    }
}

/// What a delivery sends: the incoming event, and the text when `messages` has one.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct JobEndDelivery {
    /// The arguments of `bp.IO.Event(...)`.
    pub event: Value,
    /// The destination of the text reply (`{ botId, channel, target, threadId? }`).
    pub destination: Value,
    /// `{ type: 'text', text }`, when the config has a message for the state.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<Value>,
}

/// The event (and text) a tracked job's end becomes in its conversation.
pub fn delivery(settings: &JobEndSettings, job: &TrackedJob, end: &JobEnd) -> JobEndDelivery {
    let payload = json!({
        "type": EVENT_TYPE,
        "jobId": end.job_id,
        "jobKey": end.job_key,
        "state": end.state,
        "info": end.info,
        "outputArguments": end.output_arguments,
        "processKey": job.process_key,
        "reference": job.reference,
    });
    let to = Destination {
        bot_id: &job.bot_id,
        channel: &job.channel,
        target: &job.target,
        thread_id: job.thread_id.as_deref(),
    };
    let (event, destination) = incoming_event(&to, EVENT_TYPE, payload);
    let message = settings
        .messages
        .get(&end.state)
        .and_then(Value::as_str)
        .map(|template| json!({ "type": "text", "text": render_end(template, job, end) }));
    JobEndDelivery {
        event,
        destination,
        message,
    }
}

/// Fills `{{processKey}}`, `{{state}}`, `{{info}}`, `{{jobId}}`, `{{jobKey}}`,
/// `{{reference}}`, `{{output}}` and `{{output.NAME}}` in; anything unknown becomes
/// empty. Non-text values are JSON.
pub fn render_end(template: &str, job: &TrackedJob, end: &JobEnd) -> String {
    render(template, |name| match name {
        "processKey" => job.process_key.clone(),
        "state" => end.state.clone(),
        "info" => end.info.clone().unwrap_or_default(),
        "jobId" => end.job_id.to_string(),
        "jobKey" => end.job_key.clone(),
        "reference" => job.reference.clone(),
        _ => output_value(name, end.output_arguments.as_ref()).unwrap_or_default(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn job() -> TrackedJob {
        TrackedJob {
            bot_id: "bot-1".into(),
            channel: "web".into(),
            target: "u1".into(),
            thread_id: Some("t1".into()),
            job_id: 7,
            job_key: "k7".into(),
            folder: "path:Finance".into(),
            orchestrator: "https://o".into(),
            pollable: true,
            reference: "r".into(),
            process_key: "InvoiceBot".into(),
            token_id: None,
        }
    }

    fn end(state: &str) -> JobEnd {
        JobEnd {
            job_id: 7,
            job_key: "k7".into(),
            state: state.into(),
            info: Some("Job completed".into()),
            output_arguments: Some(json!({"paid": true, "invoice": "INV-1"})),
        }
    }

    #[test]
    fn defaults_and_refusals() {
        let s = JobEndSettings::parse(&json!({})).unwrap();
        assert_eq!(
            (s.webhook_secret, s.poll_interval_ms, s.track_for_ms),
            (None, Some(30_000), 86_400_000)
        );
        let s = JobEndSettings::parse(
            &json!({"pollInterval": false, "trackFor": "2h", "webhookSecret": "w", "messages": "{\"Faulted\": \"x\"}"}),
        )
        .unwrap();
        assert_eq!((s.poll_interval_ms, s.track_for_ms), (None, 7_200_000));
        assert!(
            s.webhook_secret.is_none() && s.webhook_secret_too_short,
            "a short secret counts as none"
        );
        assert_eq!(s.messages.get("Faulted"), Some(&json!("x")));
        for short in [
            json!(7),
            json!("k"),
            json!("fifteen-chars.."),
            json!("ééééééééééééééé"),
        ] {
            let s = JobEndSettings::parse(&json!({ "webhookSecret": short })).unwrap();
            assert!(s.webhook_secret.is_none(), "{short}");
        }
        let s = JobEndSettings::parse(&json!({"webhookSecret": "sixteen-chars..."})).unwrap();
        assert!(s.webhook_secret.is_some() && !s.webhook_secret_too_short);
        for bad in [
            json!({"pollInterval": "2d"}),
            json!({"trackFor": "90d"}),
            json!({"messages": {"Done": "x"}}),
            json!({"messages": {"Successful": 1}}),
            json!({"messages": "nope"}),
        ] {
            assert!(JobEndSettings::parse(&bad).is_err(), "{bad}");
        }
        let e = JobEndSettings::parse(&json!({"pollInterval": "0s"})).unwrap_err();
        assert!(e.message().contains("pollInterval"));
    }

    #[test]
    fn the_event_and_the_text() {
        let mut settings = JobEndSettings::parse(&json!({})).unwrap();
        let d = delivery(&settings, &job(), &end("Successful"));
        assert_eq!(d.event["type"], "uipath-job");
        assert_eq!(d.event["direction"], "incoming");
        assert!(d.event.get("preview").is_none());
        assert_eq!(d.event["threadId"], "t1");
        assert_eq!(d.event["payload"]["outputArguments"]["paid"], true);
        assert_eq!(d.event["payload"]["reference"], "r");
        assert_eq!(
            d.destination,
            json!({"botId": "bot-1", "channel": "web", "target": "u1", "threadId": "t1"})
        );
        assert!(d.message.is_none());
        settings.messages.insert(
            "Successful".into(),
            json!("{{processKey}} finished: {{ output.invoice }} paid={{output.paid}} ({{info}}){{nope}} {{output.missing}}|"),
        );
        let d = delivery(&settings, &job(), &end("Successful"));
        assert_eq!(
            d.message.unwrap()["text"],
            "InvoiceBot finished: INV-1 paid=true (Job completed) |"
        );
        assert!(delivery(&settings, &job(), &end("Faulted"))
            .message
            .is_none());
        assert_eq!(render_end("a {{ b", &job(), &end("Stopped")), "a {{ b");
    }
}
