//! Starting jobs: the `InputArguments` with the callback fields, the `startInfo` of
//! StartJobs, and the look-up by `Reference` that tells whether a lost start happened.

use serde_json::{Map, Value};

use super::{JobEntity, Release, Scope};
use crate::config::{Conversation, JobSettings};
use crate::http::{Method, Request};
use crate::odata;
use crate::secret::Secret;
use crate::urlencode;
use serde::Serialize;
use serde_json::json;

/// A job as StartJobs and `Jobs` return it (the fields the package passes on), and as
/// `JobStart.jobs` hands it out (`id`, `key`, `state`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Job {
    /// Numeric id.
    pub id: i64,
    /// GUID.
    pub key: String,
    /// `Pending`, `Running`, ...
    pub state: String,
}

impl From<JobEntity> for Job {
    fn from(e: JobEntity) -> Job {
        Job {
            id: e.id,
            key: e.key,
            state: e.state,
        }
    }
}

/// What `startUiPathJob` resolves to (API.md).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
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
    /// Whether the `uipath` module in this process tracks the jobs for their end; set by
    /// the boundary, which knows whether there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tracked: Option<bool>,
    /// The `jti` of the callback token the jobs were given, if any: the module binds a
    /// robot's Action Center question to it. Not part of the result.
    #[serde(skip)]
    pub token_id: Option<String>,
}

/// The `startInfo` of a StartJobs call (`shared/uipath-api.md`, "Starting jobs").
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct StartInfo {
    /// The release's GUID.
    pub release_key: String,
    /// `ModernJobsCount`, `All`, ...
    pub strategy: String,
    /// How many jobs.
    pub jobs_count: i64,
    /// A JSON *string* holding the input arguments object.
    pub input_arguments: String,
    /// The caller-chosen id stored on every job.
    pub reference: String,
    /// `Specific`: the robots.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub robot_ids: Vec<i64>,
    /// Machine sessions to run on.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub machine_session_ids: Vec<i64>,
    /// `RobotCount`: how many robots.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub no_of_robots: Option<i64>,
}

impl Scope<'_> {
    /// The StartJobs call.
    pub fn start_jobs_request(&self, start_info: &StartInfo) -> Request {
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
    add_callback_fields(
        &mut args,
        conversation,
        botpress_token,
        settings.external_url.as_deref(),
    );
    args
}

/// The fields the Botpress UiPath component's `Callback` activity needs, into `args` (a
/// job's input arguments, a queue item's content): `channel`, `target`, `botId`,
/// `threadId`, `botpressToken`, `botpressUrl`. They win over same-named fields.
pub fn add_callback_fields(
    args: &mut Map<String, Value>,
    conversation: &Conversation,
    botpress_token: Option<&Secret>,
    external_url: Option<&str>,
) {
    args.insert("channel".into(), json!(conversation.channel));
    args.insert("target".into(), json!(conversation.target));
    args.insert("botId".into(), json!(conversation.bot_id));
    if let Some(t) = &conversation.thread_id {
        args.insert("threadId".into(), json!(t));
    }
    if let Some(t) = botpress_token {
        args.insert("botpressToken".into(), json!(t.expose()));
    }
    if let Some(u) = external_url {
        args.insert("botpressUrl".into(), json!(u));
    }
}

/// The `startInfo` of a StartJobs call; `InputArguments` is a JSON *string*.
pub fn start_info(
    settings: &JobSettings,
    release: &Release,
    input: &Map<String, Value>,
    reference: &str,
) -> StartInfo {
    StartInfo {
        release_key: release.key.clone(),
        strategy: settings.strategy.clone(),
        jobs_count: settings.jobs_count,
        input_arguments: crate::types::json_text(input),
        reference: reference.to_string(),
        robot_ids: settings.robot_ids.clone(),
        machine_session_ids: settings.machine_session_ids.clone(),
        no_of_robots: (settings.strategy == "RobotCount").then_some(settings.jobs_count),
    }
}
