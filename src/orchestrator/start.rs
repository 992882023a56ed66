//! Starting jobs: the `InputArguments` with the callback fields, the `startInfo` of
//! StartJobs, and the look-up by `Reference` that tells whether a lost start happened.

use crate::json::{Map, Value};

use super::{Release, Scope};
use crate::config::{Conversation, JobSettings};
use crate::http::{Method, Request};
use crate::json;
use crate::json::{FromJson, ToJson};
use crate::odata;
use crate::secret::Secret;
use crate::urlencode;

/// A job as StartJobs and `Jobs` return it (the fields the package passes on).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Job {
    /// Numeric id.
    pub id: i64,
    /// GUID.
    pub key: String,
    /// `Pending`, `Running`, ...
    pub state: String,
}

impl FromJson for Job {
    /// Orchestrator's entity (`Id`, `Key`, `State`).
    fn from_json(entity: &Value) -> Result<Job, String> {
        Ok(Job {
            id: json::required_integer(entity, "Id")?,
            key: json::required_text(entity, "Key")?,
            state: json::required_text(entity, "State")?,
        })
    }
}

impl ToJson for Job {
    fn to_json(&self) -> Value {
        json!({ "id": self.id, "key": self.key, "state": self.state })
    }
}

/// What `startUiPathJob` resolves to (API.md).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobStart {
    /// The release's GUID.
    pub release_key: String,
    /// The release's package id.
    pub process_key: String,
    /// The version that was started.
    pub process_version: String,
    /// The `Reference` stored on every job, to find them again.
    pub reference: String,
    /// One entry per job Orchestrator created.
    pub jobs: Vec<Job>,
}

impl ToJson for JobStart {
    fn to_json(&self) -> Value {
        json!({
            "releaseKey": self.release_key,
            "processKey": self.process_key,
            "processVersion": self.process_version,
            "reference": self.reference,
            "jobs": self.jobs,
        })
    }
}

impl Scope<'_> {
    /// The StartJobs call.
    pub fn start_jobs_request(&self, start_info: &Value) -> Request {
        self.request(
            Method::Post,
            "Jobs/UiPath.Server.Configuration.OData.StartJobs",
        )
        .json(&json!({ "startInfo": start_info }))
    }

    /// Jobs carrying `reference`: tells whether a StartJobs whose answer was lost happened.
    pub fn jobs_by_reference_request(&self, reference: &str) -> Request {
        let filter = format!("Reference eq {}", odata::literal(reference));
        let q = urlencode::query(&[("$filter", &filter), ("$select", "Id,Key,State")]);
        self.request(Method::Get, &format!("Jobs?{q}"))
    }
}

/// The `InputArguments` object: the caller's arguments, then the callback fields the
/// Botpress `Callback` activity needs (these win over same-named caller arguments,
/// so a robot always reports back to the conversation that started it).
pub fn input_arguments(
    settings: &JobSettings,
    conversation: &Conversation,
    botpress_token: Option<&Secret>,
) -> Map<String, Value> {
    let mut args = settings.input_arguments.clone();
    args.insert("channel".into(), json!(conversation.channel));
    args.insert("target".into(), json!(conversation.target));
    args.insert("botId".into(), json!(conversation.bot_id));
    if let Some(t) = &conversation.thread_id {
        args.insert("threadId".into(), json!(t));
    }
    if let Some(t) = botpress_token {
        args.insert("botpressToken".into(), json!(t.expose()));
    }
    if let Some(u) = &settings.external_url {
        args.insert("botpressUrl".into(), json!(u));
    }
    args
}

/// The `startInfo` of a StartJobs call; `InputArguments` is a JSON *string*.
pub fn start_info(
    settings: &JobSettings,
    release: &Release,
    input: &Map<String, Value>,
    reference: &str,
) -> Value {
    let mut info = json!({
        "ReleaseKey": release.key,
        "Strategy": settings.strategy,
        "JobsCount": settings.jobs_count,
        "InputArguments": json::map_to_string(input),
        "Reference": reference,
    });
    if !settings.robot_ids.is_empty() {
        info["RobotIds"] = json!(settings.robot_ids);
    }
    if !settings.machine_session_ids.is_empty() {
        info["MachineSessionIds"] = json!(settings.machine_session_ids);
    }
    if settings.strategy == "RobotCount" {
        info["NoOfRobots"] = json!(settings.jobs_count);
    }
    info
}
