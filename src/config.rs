//! Settings for one job start, parsed once from the action's `args` and the bot's
//! module config (`API.md`, `startUiPathJob`). Everything after this sees typed values.

use serde_json::{Map, Value};

use crate::auth::Auth;
use crate::duration;
use crate::error::{Error, Result};
use crate::fields::{self, Layers};

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

impl Conversation {
    /// Reads the fields a job needs from a Botpress event.
    pub fn from_event(event: &Value) -> Result<Conversation> {
        let required = |name: &str| -> Result<String> {
            match fields::present(event.get(name)) {
                Some(v) => fields::string(&format!("event.{name}"), v),
                None => Err(Error::config(format!("event.{name} is missing"))),
            }
        };
        Ok(Conversation {
            bot_id: required("botId")?,
            channel: required("channel")?,
            target: required("target")?,
            thread_id: match fields::present(event.get("threadId")) {
                Some(v) => Some(fields::string("event.threadId", v)?),
                None => None,
            },
        })
    }
}

/// The folder every folder-scoped call is made in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Folder {
    /// `X-UIPATH-FolderPath` (or its encoded form for non-ASCII paths).
    Path(String),
    /// `X-UIPATH-OrganizationUnitId`.
    Id(i64),
}

impl std::fmt::Display for Folder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Folder::Path(p) => write!(f, "\"{p}\""),
            Folder::Id(id) => write!(f, "id {id}"),
        }
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
}

/// Everything `startUiPathJob` needs.
#[derive(Debug, Clone, PartialEq)]
pub struct JobSettings {
    /// Orchestrator and credentials.
    pub connection: Connection,
    /// Folder for the folder header; `None` for classic (folderless) tenants.
    pub folder: Option<Folder>,
    /// Process key or name of the release.
    pub process: String,
    /// Exact version wanted; newest when `None`.
    pub process_version: Option<String>,
    /// Caller's input arguments, merged under the callback fields.
    pub input_arguments: Map<String, Value>,
    /// `JobsCount`.
    pub jobs_count: i64,
    /// `Strategy`.
    pub strategy: String,
    /// `RobotIds`.
    pub robot_ids: Vec<i64>,
    /// `MachineSessionIds`.
    pub machine_session_ids: Vec<i64>,
    /// Callback token lifetime in seconds; `None` sends no token.
    pub botpress_token_seconds: Option<u64>,
    /// Botpress external URL, passed to the robot as `botpressUrl`.
    pub external_url: Option<String>,
    /// Overall deadline in milliseconds.
    pub timeout_ms: u64,
}

/// The strategies Orchestrator knows, canonical spelling.
const STRATEGIES: [&str; 5] = [
    "ModernJobsCount",
    "All",
    "Specific",
    "RobotCount",
    "JobsCount",
];

impl JobSettings {
    /// Parses `args` over `module_config`; the error names the first bad field.
    pub fn parse(args: &Value, module_config: &Value) -> Result<JobSettings> {
        if !args.is_object() && !args.is_null() {
            return Err(Error::config("args must be an object"));
        }
        let l = Layers::new(args, module_config);
        let connection = Connection::parse(&l)?;
        let folder = match l.get(&["folder", "folderId"]) {
            None => None,
            Some((name, v)) => {
                let text = fields::string(name, v)?;
                if name == "folderId" || text.chars().all(|c| c.is_ascii_digit()) {
                    Some(Folder::Id(fields::integer(name, v, 1, i64::MAX)?))
                } else {
                    Some(Folder::Path(text.trim_matches('/').to_string()))
                }
            }
        };
        let process = match l.get(&["processKey", "process"]) {
            Some((name, v)) => fields::string(name, v)?,
            None => return Err(Error::config("processKey is missing")),
        };
        let process_version = l
            .get(&["processVersion"])
            .map(|(n, v)| fields::string(n, v))
            .transpose()?;
        let input_arguments = match l.get(&["inputArguments"]) {
            Some((n, v)) => fields::object(n, v)?,
            None => Map::new(),
        };
        let jobs_count = match l.get(&["jobsCount"]) {
            Some((n, v)) => fields::integer(n, v, 1, 1000)?,
            None => 1,
        };
        let strategy = match l.get(&["strategy"]) {
            Some((n, v)) => {
                let s = fields::string(n, v)?;
                STRATEGIES
                    .iter()
                    .find(|k| k.eq_ignore_ascii_case(&s))
                    .map(|k| k.to_string())
                    .ok_or_else(|| {
                        Error::config(format!(
                            "strategy must be one of {}, got \"{s}\"",
                            STRATEGIES.join(", ")
                        ))
                    })?
            }
            None if folder.is_some() => "ModernJobsCount".to_string(),
            None => "All".to_string(),
        };
        let robot_ids = match l.get(&["robotIds"]) {
            Some((n, v)) => fields::id_list(n, v)?,
            None => Vec::new(),
        };
        if strategy == "Specific" && robot_ids.is_empty() {
            return Err(Error::config(
                "robotIds is missing: strategy \"Specific\" needs at least one robot id",
            ));
        }
        let machine_session_ids = match l.get(&["machineSessionIds"]) {
            Some((n, v)) => fields::id_list(n, v)?,
            None => Vec::new(),
        };
        let botpress_token_seconds = parse_botpress_token(&l)?;
        let external_url = l
            .get(&["externalUrl"])
            .map(|(n, v)| fields::url(n, v))
            .transpose()?;
        let timeout_ms = match l.get(&["timeoutMs"]) {
            Some((n, v)) => fields::integer(n, v, 1000, 600_000)? as u64,
            None => DEFAULT_TIMEOUT_MS,
        };
        Ok(JobSettings {
            connection,
            folder,
            process,
            process_version,
            input_arguments,
            jobs_count,
            strategy,
            robot_ids,
            machine_session_ids,
            botpress_token_seconds,
            external_url,
            timeout_ms,
        })
    }
}

impl Connection {
    /// Orchestrator URL (given, or built from cloud URL, organization and tenant) and auth.
    pub fn parse(l: &Layers<'_>) -> Result<Connection> {
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
                    (Some(org), Some(t)) => format!("{cloud_url}/{}/{}/orchestrator_", path_segment(&org), path_segment(t)),
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
        Ok(Connection {
            orchestrator_url,
            tenant,
            auth,
        })
    }
}

/// `botpressToken`: `false` (or `"false"`) for none, `{ expiresIn }`, or absent for 1 hour.
fn parse_botpress_token(l: &Layers<'_>) -> Result<Option<u64>> {
    let Some((name, value)) = l.get(&["botpressToken"]) else {
        return Ok(Some(DEFAULT_TOKEN_SECONDS));
    };
    match value {
        Value::Bool(false) => Ok(None),
        Value::Bool(true) => Ok(Some(DEFAULT_TOKEN_SECONDS)),
        Value::String(s) if s.trim() == "false" => Ok(None),
        Value::String(s) if s.trim() == "true" => Ok(Some(DEFAULT_TOKEN_SECONDS)),
        other => {
            let obj = fields::object(name, other)?;
            match fields::present(obj.get("expiresIn")) {
                None => Ok(Some(DEFAULT_TOKEN_SECONDS)),
                Some(v) => duration::parse_value(v, "botpressToken.expiresIn").map(Some),
            }
        }
    }
}

/// Percent-encodes characters that would break a URL path segment.
fn path_segment(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn base() -> Value {
        json!({"organization": "acme", "tenant": "Dev", "auth": {"clientId": "a", "clientSecret": "s"}, "processKey": "InvoiceBot"})
    }

    #[test]
    fn cloud_url_is_built_and_defaults_apply() {
        let s = JobSettings::parse(&base(), &json!({})).unwrap();
        assert_eq!(
            s.connection.orchestrator_url,
            "https://cloud.uipath.com/acme/Dev/orchestrator_"
        );
        assert_eq!(s.strategy, "All");
        assert_eq!(s.jobs_count, 1);
        assert_eq!(s.botpress_token_seconds, Some(3600));
        assert_eq!(s.timeout_ms, 30_000);
    }

    #[test]
    fn studio_strings_are_read() {
        let mut a = base();
        a["folder"] = json!("/Finance/Invoices/");
        a["jobsCount"] = json!("2");
        a["botpressToken"] = json!("false");
        a["inputArguments"] = json!("{\"amount\": 5}");
        a["strategy"] = json!("modernjobscount");
        let s = JobSettings::parse(&a, &json!({})).unwrap();
        assert_eq!(s.folder, Some(Folder::Path("Finance/Invoices".into())));
        assert_eq!(s.jobs_count, 2);
        assert_eq!(s.botpress_token_seconds, None);
        assert_eq!(s.input_arguments["amount"], 5);
        assert_eq!(s.strategy, "ModernJobsCount");
    }

    #[test]
    fn folder_ids_and_modern_default() {
        let mut a = base();
        a["folderId"] = json!(42);
        let s = JobSettings::parse(&a, &json!({})).unwrap();
        assert_eq!(s.folder, Some(Folder::Id(42)));
        assert_eq!(s.strategy, "ModernJobsCount");
        a["folderId"] = Value::Null;
        a["folder"] = json!("17");
        assert_eq!(
            JobSettings::parse(&a, &json!({})).unwrap().folder,
            Some(Folder::Id(17))
        );
    }

    #[test]
    fn module_config_fills_gaps_field_by_field() {
        let args = json!({"processKey": "P", "folder": "Shared"});
        let cfg = json!({"orchestratorUrl": "https://orch.acme.local/", "auth": {"accessToken": "tok"}, "folder": "Other"});
        let s = JobSettings::parse(&args, &cfg).unwrap();
        assert_eq!(s.connection.orchestrator_url, "https://orch.acme.local");
        assert_eq!(s.folder, Some(Folder::Path("Shared".into())));
        assert!(matches!(s.connection.auth, Auth::AccessToken(_)));
    }

    #[test]
    fn bad_fields_are_named() {
        let msg = |patch: Value| {
            let mut a = base();
            for (k, v) in patch.as_object().unwrap() {
                a[k] = v.clone();
            }
            JobSettings::parse(&a, &json!({})).unwrap_err().message()
        };
        assert_eq!(
            msg(json!({"processKey": ""})),
            "INVALID_CONFIG: processKey is missing"
        );
        assert!(msg(json!({"jobsCount": 0})).starts_with("INVALID_CONFIG: jobsCount must be"));
        assert!(
            msg(json!({"strategy": "Fast"})).starts_with("INVALID_CONFIG: strategy must be one of")
        );
        assert!(
            msg(json!({"strategy": "Specific"})).starts_with("INVALID_CONFIG: robotIds is missing")
        );
        assert!(msg(json!({"botpressToken": {"expiresIn": "soon"}}))
            .contains("botpressToken.expiresIn"));
        assert!(msg(json!({"externalUrl": "bp.local"})).contains("externalUrl must be"));
        assert!(msg(json!({"inputArguments": "[1]"})).contains("inputArguments must be an object"));
        assert!(msg(json!({"organization": null})).contains("orchestratorUrl is missing"));
        assert!(msg(json!({"tenant": null})).contains("tenant is missing"));
    }

    #[test]
    fn conversation_requires_the_reply_fields() {
        let c = Conversation::from_event(
            &json!({"botId": "b", "channel": "web", "target": "u", "threadId": "t"}),
        )
        .unwrap();
        assert_eq!(c.thread_id.as_deref(), Some("t"));
        let err = Conversation::from_event(&json!({"botId": "b", "channel": "web"})).unwrap_err();
        assert_eq!(err.message(), "INVALID_CONFIG: event.target is missing");
    }
}
