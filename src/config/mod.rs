//! Settings parsed once from the action's `args` and the bot's module config
//! (`API.md`): what every call shares (the conversation, the connection, the folder)
//! here; a job start's settings in `start`, the jobs calls' in `jobs`. Everything after
//! this sees typed values.

mod jobs;
mod module;
mod queue;
mod start;
mod tasks;

pub use jobs::{JobCall, JobQuery, JobRef};
pub use module::ConfigLayers;
pub use queue::{ItemDate, Priority, QueueItemCall, QueueItemQuery, QueueItemSettings};
pub use start::JobSettings;
pub use tasks::{TaskAnswer, DEFAULT_TASK_ACTION, TASK_SCOPE};

use serde::Deserialize;

use crate::auth::Auth;
use crate::error::{Error, Result};
use crate::fields::{self, Layers};
use crate::http::DEFAULT_MAX_ANSWER_BYTES;
use crate::types::Folder;
use crate::urlencode;

/// Default Automation Cloud address.
pub const DEFAULT_CLOUD_URL: &str = "https://cloud.uipath.com";
/// Default overall deadline of one call, in milliseconds.
pub const DEFAULT_TIMEOUT_MS: u64 = 30_000;
/// Default callback token lifetime, in seconds.
pub const DEFAULT_TOKEN_SECONDS: u64 = 3600;

/// The conversation a job is started for, from Botpress's `event`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conversation {
    /// `event.botId`
    pub bot_id: String,
    /// `event.channel`
    pub channel: String,
    /// `event.target`
    pub target: String,
    /// `event.threadId`, the conversation id on messaging channels (12.24+).
    pub thread_id: Option<String>,
}

/// The fields of a Botpress event the package reads (an event is a class instance with
/// dates and circular state: only these are read from it).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EventFields {
    /// `event.botId`
    #[serde(default)]
    pub bot_id: Option<String>,
    /// `event.channel`
    #[serde(default)]
    pub channel: Option<String>,
    /// `event.target`
    #[serde(default)]
    pub target: Option<String>,
    /// `event.threadId`
    #[serde(default)]
    pub thread_id: Option<String>,
}

impl EventFields {
    /// `event.botId`, which every call needs.
    pub fn bot_id(&self) -> Result<String> {
        required("botId", &self.bot_id)
    }
}

/// `event.{name}`, present and not blank, without control characters.
fn required(name: &str, value: &Option<String>) -> Result<String> {
    match optional(name, value)? {
        Some(v) => Ok(v),
        None => Err(Error::config(format!("event.{name} is missing"))),
    }
}

fn optional(name: &str, value: &Option<String>) -> Result<Option<String>> {
    match value.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
        Some(v) => {
            fields::refuse_control(&format!("event.{name}"), v)?;
            Ok(Some(v.to_string()))
        }
        None => Ok(None),
    }
}

impl Conversation {
    /// Reads the fields a job needs from a Botpress event.
    pub fn from_event(event: &EventFields) -> Result<Conversation> {
        Ok(Conversation {
            bot_id: event.bot_id()?,
            channel: required("channel", &event.channel)?,
            target: required("target", &event.target)?,
            thread_id: optional("threadId", &event.thread_id)?,
        })
    }
}

/// Where Orchestrator is and how to log in.
#[derive(Debug, Clone, PartialEq)]
pub struct Connection {
    /// Base URL without trailing slash; OData paths are appended to it.
    pub orchestrator_url: String,
    /// Tenant name for `X-UIPATH-TenantName`.
    pub tenant: Option<String>,
    /// Credentials.
    pub auth: Auth,
    /// The largest answer body read from any endpoint of this connection, bytes.
    pub max_answer_bytes: u64,
}

impl Folder {
    /// `folder` (a path, or digits for an id) or `folderId`; `None` when neither is set.
    pub fn parse(l: &Layers<'_>) -> Result<Option<Folder>> {
        let Some((name, v)) = l.get(&["folder", "folderId"]) else {
            return Ok(None);
        };
        let text = fields::string(name, v)?;
        Ok(Some(
            if name == "folderId" || text.chars().all(|c| c.is_ascii_digit()) {
                Folder::Id(fields::integer(name, v, 1, i64::MAX)?)
            } else {
                Folder::Path(text.trim_matches('/').to_string())
            },
        ))
    }
}

/// The fields that say where a connection goes. When `args` name any of them, the whole
/// connection, credentials included, comes from `args` (API.md, "A connection travels
/// whole"): the module config's secrets are only ever sent to the module config's
/// endpoints.
pub const ENDPOINT_FIELDS: [&str; 7] = [
    "orchestratorUrl",
    "cloudUrl",
    "organization",
    "accountLogicalName",
    "tenant",
    "serviceLogicalName",
    "tokenUrl",
];

/// The credential fields, nested (`auth`) and flat (the seed's style).
const AUTH_FIELDS: [&str; 10] = [
    "auth",
    "accessToken",
    "clientId",
    "client_id",
    "clientSecret",
    "client_secret",
    "refreshToken",
    "refresh_token",
    "username",
    "password",
];

impl Connection {
    /// Orchestrator URL (given, or built from cloud URL, organization and tenant) and
    /// auth, from `args` alone when they name an endpoint, else field by field.
    pub fn parse(layers: &Layers<'_>) -> Result<Connection> {
        let named = layers.in_args(&ENDPOINT_FIELDS);
        if named.is_empty() {
            return Self::parse_fields(layers);
        }
        if layers.in_args(&AUTH_FIELDS).is_empty() {
            return Err(Error::config(format!(
                "auth is missing in args: args name the endpoint ({}), so they must bring its credentials too; the module config's credentials are only sent to the module config's endpoint",
                named.join(", ")
            )));
        }
        Self::parse_fields(&layers.args_only())
    }

    fn parse_fields(l: &Layers<'_>) -> Result<Connection> {
        let tenant = l
            .get(&["tenant", "serviceLogicalName"])
            .map(|(n, v)| fields::string(n, v))
            .transpose()?;
        let cloud_url = match l.get(&["cloudUrl"]) {
            Some((n, v)) => fields::url(n, v)?,
            None => DEFAULT_CLOUD_URL.to_string(),
        };
        let orchestrator_url = match l.get(&["orchestratorUrl"]) {
            Some((n, v)) => fields::url(n, v)?,
            None => {
                let organization = l
                    .get(&["organization", "accountLogicalName"])
                    .map(|(n, v)| fields::string(n, v))
                    .transpose()?;
                match (organization, &tenant) {
                    (Some(org), Some(t)) => format!("{cloud_url}/{}/{}/orchestrator_", urlencode::path_segment(&org), urlencode::path_segment(t)),
                    (None, _) => return Err(Error::config(
                        "orchestratorUrl is missing (or give organization and tenant for Automation Cloud)",
                    )),
                    (Some(_), None) => return Err(Error::config(
                        "tenant is missing: Automation Cloud needs organization and tenant (or give orchestratorUrl)",
                    )),
                }
            }
        };
        let base_origin = fields::origin(if l.get(&["orchestratorUrl"]).is_some() {
            &orchestrator_url
        } else {
            &cloud_url
        })
        .to_string();
        let auth = Auth::parse(l, &base_origin, tenant.as_deref())?;
        let max_answer_bytes = match l.get(&["maxAnswerSize"]) {
            Some((n, v)) => fields::size(n, v, 256 * 1024 * 1024)?,
            None => DEFAULT_MAX_ANSWER_BYTES,
        };
        Ok(Connection {
            orchestrator_url,
            tenant,
            auth,
            max_answer_bytes,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn conversation_requires_the_reply_fields() {
        let event = |v: serde_json::Value| EventFields::deserialize(v).unwrap();
        let c = Conversation::from_event(&event(
            json!({"botId": "b", "channel": "web", "target": "u", "threadId": "t"}),
        ))
        .unwrap();
        assert_eq!(c.thread_id.as_deref(), Some("t"));
        let err =
            Conversation::from_event(&event(json!({"botId": "b", "channel": "web"}))).unwrap_err();
        assert_eq!(err.message(), "INVALID_CONFIG: event.target is missing");
        let err = Conversation::from_event(&event(
            json!({"botId": "b", "channel": "web", "target": "u\nX-Injected: 1"}),
        ))
        .unwrap_err();
        assert!(err.message().contains("event.target must not hold control"));
    }
}
