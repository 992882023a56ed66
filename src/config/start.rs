//! The settings of one job start (`API.md`, `startUiPathJob`).

use serde_json::{Map, Value};

use super::{Connection, Folder, DEFAULT_TIMEOUT_MS, DEFAULT_TOKEN_SECONDS};

/// How long a resolved release is remembered by default: 5 minutes.
pub const DEFAULT_RELEASE_CACHE_MS: u64 = 300_000;
use crate::duration;
use crate::error::{Error, Result};
use crate::fields::{self, Layers};

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
    /// How long a resolved release is remembered, milliseconds; 0 never.
    pub release_cache_ms: u64,
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
        let folder = Folder::parse(&l)?;
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
            release_cache_ms: parse_release_cache(&l)?,
        })
    }
}

/// `releaseCacheTtl`: a duration (default 5 minutes), or `false` / `0` to resolve the
/// release on every start.
fn parse_release_cache(l: &Layers<'_>) -> Result<u64> {
    let Some((name, value)) = l.get(&["releaseCacheTtl"]) else {
        return Ok(DEFAULT_RELEASE_CACHE_MS);
    };
    match value {
        Value::Bool(false) => Ok(0),
        Value::String(s) if matches!(s.trim(), "false" | "0") => Ok(0),
        Value::Number(n) if n.as_u64() == Some(0) => Ok(0),
        other => Ok(duration::parse_value(other, name)? * 1000),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::Auth;
    use serde_json::json;

    fn base() -> Value {
        json!({"organization": "acme", "tenant": "Dev", "auth": {"clientId": "a", "clientSecret": "s3cret"}, "processKey": "InvoiceBot"})
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
        assert_eq!(s.release_cache_ms, 300_000);
        let mut a = base();
        a["releaseCacheTtl"] = json!("false");
        assert_eq!(
            JobSettings::parse(&a, &json!({})).unwrap().release_cache_ms,
            0
        );
        a["releaseCacheTtl"] = json!("30s");
        assert_eq!(
            JobSettings::parse(&a, &json!({})).unwrap().release_cache_ms,
            30_000
        );
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
        let cfg = json!({"orchestratorUrl": "https://orch.acme.local/", "auth": {"accessToken": "tok-1234"}, "folder": "Other"});
        let s = JobSettings::parse(&args, &cfg).unwrap();
        assert_eq!(s.connection.orchestrator_url, "https://orch.acme.local");
        assert_eq!(s.folder, Some(Folder::Path("Shared".into())));
        assert!(matches!(s.connection.auth, Auth::AccessToken(_)));
    }

    #[test]
    fn a_connection_travels_whole() {
        let secrets = [
            json!({"orchestratorUrl": "https://orch.acme.local", "auth": {"clientId": "a", "clientSecret": "config-secret"}}),
            json!({"organization": "acme", "tenant": "T", "auth": {"refreshToken": "config-refresh"}}),
            json!({"orchestratorUrl": "https://orch.acme.local", "auth": {"username": "u", "password": "config-password"}}),
            json!({"orchestratorUrl": "https://orch.acme.local", "accessToken": "config-access"}),
            json!({"orchestratorUrl": "https://orch.acme.local", "tokenUrl": "https://id.acme.local/connect/token", "auth": {"clientId": "a", "clientSecret": "config-secret"}}),
        ];
        let elsewhere = [
            json!({"orchestratorUrl": "https://capture.example"}),
            json!({"cloudUrl": "https://capture.example"}),
            json!({"tokenUrl": "https://capture.example/token"}),
            json!({"organization": "other", "tenant": "T2"}),
            json!({"tenant": "Other"}),
        ];
        for config in &secrets {
            for endpoint in &elsewhere {
                let mut args = endpoint.clone();
                args["processKey"] = json!("P");
                let err = JobSettings::parse(&args, config).unwrap_err().message();
                assert!(
                    err.starts_with(
                        "INVALID_CONFIG: auth is missing in args: args name the endpoint"
                    ),
                    "{endpoint} over {config}: {err}"
                );
                assert!(!err.contains("config-"), "{err}");
            }
        }
        // With their own credentials, args may name any endpoint.
        let args = json!({"orchestratorUrl": "https://o2.example", "auth": {"accessToken": "mine"}, "processKey": "P"});
        let s = JobSettings::parse(&args, &secrets[0]).unwrap();
        assert_eq!(s.connection.orchestrator_url, "https://o2.example");
        assert!(matches!(&s.connection.auth, Auth::AccessToken(t) if t.expose() == "mine"));
        // Without an endpoint, the config's connection, and args' own credentials may be
        // sent to the config's endpoint.
        let s =
            JobSettings::parse(&json!({"processKey": "P", "folder": "F"}), &secrets[0]).unwrap();
        assert_eq!(s.connection.orchestrator_url, "https://orch.acme.local");
        let s = JobSettings::parse(
            &json!({"processKey": "P", "auth": {"accessToken": "mine"}}),
            &secrets[0],
        )
        .unwrap();
        assert!(matches!(&s.connection.auth, Auth::AccessToken(_)));
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
}
