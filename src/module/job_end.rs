//! Hearing a job's end without the robot's help (`API.md`, "Hearing back when a job
//! ends"): the module config of it, the row a started job is tracked by, a job's end as
//! the webhook or the poller found it, and the event (and optional text) it becomes in
//! the conversation that started the job.

use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use crate::config::Conversation;
use crate::duration;
use crate::error::{Error, Result};
use crate::fields;
use crate::orchestrator::is_final;
use crate::secret::Secret;
use crate::types::{Folder, JobDetails};

/// The event type a job's end is delivered as.
pub const EVENT_TYPE: &str = "uipath-job";

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
        let poll_interval_ms = match fields::present(config.get("pollInterval")) {
            None => Some(30_000),
            Some(Value::Bool(false)) => None,
            Some(Value::String(s)) if s.trim() == "false" => None,
            Some(v) => {
                let seconds = duration::parse_value(v, "pollInterval")?;
                if !(1..=86_400).contains(&seconds) {
                    return Err(Error::config(
                        "pollInterval must be between 1s and 1d (or false to turn polling off)",
                    ));
                }
                Some(seconds * 1000)
            }
        };
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
        Ok(JobEndSettings {
            webhook_secret,
            webhook_secret_too_short,
            poll_interval_ms,
            track_for_ms,
            messages,
        })
    }
}

const MESSAGES_USE: &str = "messages must be an object of texts by state, e.g. {\"Successful\": \"{{processKey}} finished\"}";

/// `messages`, each key a final state and each value a text.
fn messages_of(map: Map<String, Value>) -> Result<Map<String, Value>> {
    for (state, text) in &map {
        if !is_final(state) || !text.is_string() {
            return Err(Error::config(format!(
                "{MESSAGES_USE}; the states are Successful, Faulted and Stopped"
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
            })
            .collect()
    }

    /// The folder the job was started in. A stored folder is read again as a setting
    /// is: one that holds a control character (a row written by another version, or by
    /// hand) is refused, so it never reaches a header.
    pub fn folder(&self) -> Result<Option<Folder>> {
        fields::refuse_control("the tracked job's folder", &self.folder)?;
        if let Some(id) = self.folder.strip_prefix("id:") {
            return id
                .parse()
                .map(|id| Some(Folder::Id(id)))
                .map_err(|_| Error::config("the tracked job's folder id is not a number"));
        }
        Ok(self
            .folder
            .strip_prefix("path:")
            .map(|p| Folder::Path(p.to_string())))
    }
}

fn folder_text(folder: Option<&Folder>) -> String {
    match folder {
        Some(Folder::Id(id)) => format!("id:{id}"),
        Some(Folder::Path(p)) => format!("path:{p}"),
        None => String::new(),
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
    let mut destination = json!({
        "botId": job.bot_id,
        "channel": job.channel,
        "target": job.target,
    });
    if let Some(t) = &job.thread_id {
        destination["threadId"] = json!(t);
    }
    let mut event = destination.clone();
    event["type"] = json!(EVENT_TYPE);
    event["direction"] = json!("incoming");
    // No `preview`: NLU and QnA read it as if the user had typed it.
    event["payload"] = payload;
    let message = settings
        .messages
        .get(&end.state)
        .and_then(Value::as_str)
        .map(|template| json!({ "type": "text", "text": render(template, job, end) }));
    JobEndDelivery {
        event,
        destination,
        message,
    }
}

/// Fills `{{processKey}}`, `{{state}}`, `{{info}}`, `{{jobId}}`, `{{reference}}` and
/// `{{output.NAME}}` in; anything unknown becomes empty. Non-text values are JSON.
pub fn render(template: &str, job: &TrackedJob, end: &JobEnd) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(open) = rest.find("{{") {
        let Some(close) = rest[open..].find("}}") else {
            break;
        };
        out.push_str(&rest[..open]);
        let name = rest[open + 2..open + close].trim();
        out.push_str(&value_of(name, job, end));
        rest = &rest[open + close + 2..];
    }
    out.push_str(rest);
    out
}

fn value_of(name: &str, job: &TrackedJob, end: &JobEnd) -> String {
    let text = |v: Option<&Value>| match v {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(other) => crate::types::json_text(other),
    };
    match name {
        "processKey" => job.process_key.clone(),
        "state" => end.state.clone(),
        "info" => end.info.clone().unwrap_or_default(),
        "jobId" => end.job_id.to_string(),
        "jobKey" => end.job_key.clone(),
        "reference" => job.reference.clone(),
        "output" => text(end.output_arguments.as_ref()),
        _ => match name.strip_prefix("output.") {
            Some(field) => text(end.output_arguments.as_ref().and_then(|o| o.get(field))),
            None => String::new(),
        },
    }
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
    fn the_folder_goes_both_ways() {
        for f in [Some(Folder::Id(5)), Some(Folder::Path("A/B".into())), None] {
            let mut j = job();
            j.folder = folder_text(f.as_ref());
            assert_eq!(j.folder().unwrap(), f);
        }
        for bad in ["path:Shared\r\nX-UIPATH-OrganizationUnitId: 7", "id:x"] {
            let mut j = job();
            j.folder = bad.into();
            assert!(j.folder().is_err(), "{bad}");
        }
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
        assert_eq!(render("a {{ b", &job(), &end("Stopped")), "a {{ b");
    }
}
