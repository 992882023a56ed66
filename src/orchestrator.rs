//! Orchestrator's OData API as pure request builders and answer parsers
//! (`shared/uipath-api.md`: Folders, Releases, StartJobs, Jobs, errors).

use std::cmp::Ordering;

use base64::Engine;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use crate::config::{Conversation, Folder, JobSettings};
use crate::error::{Error, ErrorCode, Result};
use crate::http::{Method, Request, Response};
use crate::odata;
use crate::secret::Secret;

/// A release (process) as `GET /odata/Releases` lists it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Release {
    /// Numeric id.
    pub id: i64,
    /// GUID sent as `ReleaseKey`.
    pub key: String,
    /// Display name.
    pub name: String,
    /// Package id.
    pub process_key: String,
    /// Package version.
    pub process_version: String,
}

/// A job as StartJobs and `Jobs` return it (the fields the package passes on).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct Job {
    /// Numeric id.
    #[serde(rename(deserialize = "Id"))]
    pub id: i64,
    /// GUID.
    #[serde(rename(deserialize = "Key"))]
    pub key: String,
    /// `Pending`, `Running`, ...
    #[serde(rename(deserialize = "State"))]
    pub state: String,
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
}

/// An authenticated client context: base URL, token, tenant and folder headers.
#[derive(Debug, Clone)]
pub struct Scope<'a> {
    /// Orchestrator base URL.
    pub base_url: &'a str,
    /// Bearer token.
    pub token: &'a Secret,
    /// `X-UIPATH-TenantName`.
    pub tenant: Option<&'a str>,
    /// Folder header source.
    pub folder: Option<&'a Folder>,
}

impl Scope<'_> {
    /// A request to `{base_url}/odata/{path}` with the auth, tenant and folder headers.
    pub fn request(&self, method: Method, path_and_query: &str) -> Request {
        let mut req = Request::new(method, format!("{}/odata/{path_and_query}", self.base_url))
            .header("Accept", "application/json")
            .secret_header(
                "Authorization",
                Secret::new(format!("Bearer {}", self.token.expose())),
            );
        if let Some(t) = self.tenant {
            req = req.header("X-UIPATH-TenantName", t);
        }
        match self.folder {
            Some(Folder::Id(id)) => req.header("X-UIPATH-OrganizationUnitId", id.to_string()),
            Some(Folder::Path(p)) if p.is_ascii() => req.header("X-UIPATH-FolderPath", p.as_str()),
            Some(Folder::Path(p)) => {
                req.header("X-UIPATH-FolderPath-Encoded", encode_folder_path(p))
            }
            None => req,
        }
    }

    /// Releases whose process key or name is `process` (all versions; chosen locally,
    /// so a missing version can list the ones that exist).
    pub fn releases_request(&self, process: &str) -> Request {
        let lit = odata::literal(process);
        let filter = format!("ProcessKey eq {lit} or Name eq {lit}");
        let q = odata::query(&[
            ("$filter", &filter),
            ("$select", "Id,Key,Name,ProcessKey,ProcessVersion"),
            ("$top", "100"),
        ]);
        self.request(Method::Get, &format!("Releases?{q}"))
    }

    /// Up to 50 releases of the folder, for the "found: ..." part of an error.
    pub fn release_names_request(&self) -> Request {
        let q = odata::query(&[
            ("$select", "ProcessKey"),
            ("$top", "50"),
            ("$orderby", "ProcessKey"),
        ]);
        self.request(Method::Get, &format!("Releases?{q}"))
    }

    /// Up to 50 folder paths the credentials see, for a `FOLDER_NOT_FOUND` message.
    pub fn folder_names_request(&self) -> Request {
        let q = odata::query(&[
            ("$select", "FullyQualifiedName"),
            ("$top", "50"),
            ("$orderby", "FullyQualifiedName"),
        ]);
        Scope {
            folder: None,
            ..self.clone()
        }
        .request(Method::Get, &format!("Folders?{q}"))
    }

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
        let q = odata::query(&[("$filter", &filter), ("$select", "Id,Key,State")]);
        self.request(Method::Get, &format!("Jobs?{q}"))
    }
}

/// `X-UIPATH-FolderPath-Encoded`: base64 of the path in UTF-16LE.
pub fn encode_folder_path(path: &str) -> String {
    let bytes: Vec<u8> = path.encode_utf16().flat_map(u16::to_le_bytes).collect();
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// Picks the release to run: process-key matches before name matches, then the exact
/// version if one is asked for, else the newest (versions compare part by part).
pub fn choose_release(
    releases: &[Release],
    process: &str,
    version: Option<&str>,
    folder: Option<&Folder>,
) -> Result<Release> {
    let by_key: Vec<&Release> = releases
        .iter()
        .filter(|r| r.process_key == process)
        .collect();
    let candidates = if by_key.is_empty() {
        releases.iter().filter(|r| r.name == process).collect()
    } else {
        by_key
    };
    let in_folder = folder
        .map(|f| format!(" in folder {f}"))
        .unwrap_or_default();
    if candidates.is_empty() {
        return Err(Error::new(
            ErrorCode::ProcessNotFound,
            format!("no release with process key or name \"{process}\"{in_folder}"),
        ));
    }
    let chosen = match version {
        Some(v) => candidates.iter().find(|r| r.process_version == v).copied(),
        None => candidates
            .iter()
            .copied()
            .max_by(|a, b| compare_versions(&a.process_version, &b.process_version)),
    };
    chosen.cloned().ok_or_else(|| {
        let mut found: Vec<&str> = candidates.iter().map(|r| r.process_version.as_str()).collect();
        found.sort_by(|a, b| compare_versions(a, b));
        Error::new(
            ErrorCode::ProcessNotFound,
            format!(
                "no release of \"{process}\" with processVersion \"{}\"{in_folder}; found versions: {}",
                version.unwrap_or_default(),
                found.join(", ")
            ),
        )
    })
}

/// Compares dotted versions numerically part by part (`1.0.10` > `1.0.9`); parts that
/// are not numbers compare as text, after numbers.
pub fn compare_versions(a: &str, b: &str) -> Ordering {
    let parts = |s: &str| -> Vec<String> { s.split(['.', '-', '+']).map(str::to_string).collect() };
    let (pa, pb) = (parts(a), parts(b));
    for i in 0..pa.len().max(pb.len()) {
        let (x, y) = (
            pa.get(i).map_or("0", String::as_str),
            pb.get(i).map_or("0", String::as_str),
        );
        let ord = match (x.parse::<u64>(), y.parse::<u64>()) {
            (Ok(m), Ok(n)) => m.cmp(&n),
            (Ok(_), Err(_)) => Ordering::Greater,
            (Err(_), Ok(_)) => Ordering::Less,
            (Err(_), Err(_)) => x.cmp(y),
        };
        if ord != Ordering::Equal {
            return ord;
        }
    }
    Ordering::Equal
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
        "InputArguments": Value::Object(input.clone()).to_string(),
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

/// Reads an OData collection answer's `value` array.
pub fn parse_collection<T: for<'de> Deserialize<'de>>(
    response: &Response,
    what: &str,
) -> Result<Vec<T>> {
    #[derive(Deserialize)]
    struct Collection<T> {
        value: Vec<T>,
    }
    serde_json::from_str::<Collection<T>>(&response.body)
        .map(|c| c.value)
        .map_err(|e| {
            Error::new(
                ErrorCode::OrchestratorError,
                format!(
                    "unexpected {what} answer from Orchestrator ({e}): {}",
                    excerpt(&response.body)
                ),
            )
            .with_status(response.status)
        })
}

/// Maps an Orchestrator error answer to the package's error, keeping status,
/// `errorCode` and `traceId`. `action` says what was being done, for the message.
pub fn parse_error(response: &Response, action: &str, folder: Option<&Folder>) -> Error {
    let body: Value = serde_json::from_str(&response.body).unwrap_or(Value::Null);
    // Orchestrator's own shape is {message, errorCode, traceId}; OData parse errors
    // come as {error: {code, message}}.
    let message = body["message"]
        .as_str()
        .or_else(|| body["error"]["message"].as_str())
        .map(str::to_string)
        .unwrap_or_else(|| excerpt(&response.body));
    let uipath_code = body["errorCode"].as_i64();
    let trace_id = body["traceId"].as_str().map(str::to_string);
    let status = response.status;
    let folder_text = folder
        .map(ToString::to_string)
        .unwrap_or_else(|| "(none)".into());
    let (code, detail) = match (status, uipath_code) {
        (_, Some(1100)) => (
            ErrorCode::FolderNotFound,
            format!("folder {folder_text} does not exist or these credentials cannot see it: {message}"),
        ),
        (_, Some(1101)) => (
            ErrorCode::InvalidConfig,
            format!("folder is missing: this Orchestrator needs a folder (folder or folderId) to {action}: {message}"),
        ),
        (401, _) => (
            ErrorCode::AuthFailed,
            format!("Orchestrator refused the access token while trying to {action}: {message}"),
        ),
        (403, _) => (
            ErrorCode::AuthFailed,
            format!("the credentials lack a permission or scope needed to {action} in folder {folder_text}: {message}"),
        ),
        (429, _) => (ErrorCode::RateLimited, format!("Orchestrator rate-limited the call to {action}: {message}")),
        _ => (
            ErrorCode::OrchestratorError,
            format!("Orchestrator answered HTTP {status} while trying to {action}: {message}"),
        ),
    };
    Error {
        code,
        detail,
        status: Some(status),
        uipath_error_code: uipath_code,
        trace_id,
        reference: None,
    }
}

/// The first 300 characters of a body, for messages.
fn excerpt(body: &str) -> String {
    let trimmed = body.trim();
    match trimmed.char_indices().nth(300) {
        Some((i, _)) => format!("{}…", &trimmed[..i]),
        None if trimmed.is_empty() => "(empty body)".into(),
        None => trimmed.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rel(key: &str, name: &str, pk: &str, v: &str) -> Release {
        Release {
            id: 1,
            key: key.into(),
            name: name.into(),
            process_key: pk.into(),
            process_version: v.into(),
        }
    }

    #[test]
    fn versions_compare_numerically() {
        assert_eq!(compare_versions("1.0.10", "1.0.9"), Ordering::Greater);
        assert_eq!(compare_versions("2.0", "2.0.0"), Ordering::Equal);
        assert_eq!(compare_versions("1.2.0", "1.10.0"), Ordering::Less);
    }

    #[test]
    fn newest_or_pinned_release_by_key_before_name() {
        let rs = vec![
            rel("a", "X", "P", "1.0.9"),
            rel("b", "Y", "P", "1.0.10"),
            rel("c", "P", "Q", "9.9"),
        ];
        assert_eq!(choose_release(&rs, "P", None, None).unwrap().key, "b");
        assert_eq!(
            choose_release(&rs, "P", Some("1.0.9"), None).unwrap().key,
            "a"
        );
        assert_eq!(choose_release(&rs, "X", None, None).unwrap().key, "a");
        let err = choose_release(&rs, "P", Some("2.0"), Some(&Folder::Path("Shared".into())))
            .unwrap_err();
        assert_eq!(err.code, ErrorCode::ProcessNotFound);
        assert!(
            err.detail.contains("found versions: 1.0.9, 1.0.10"),
            "{}",
            err.detail
        );
        assert!(err.detail.contains("in folder \"Shared\""));
    }

    #[test]
    fn folder_headers_by_kind() {
        let tok = Secret::new("t");
        let f = Folder::Path("Finanzen/Büro".into());
        let s = Scope {
            base_url: "https://o",
            token: &tok,
            tenant: Some("T"),
            folder: Some(&f),
        };
        let r = s.releases_request("P");
        assert_eq!(
            r.header_value("X-UIPATH-FolderPath-Encoded"),
            Some(encode_folder_path("Finanzen/Büro").as_str())
        );
        assert_eq!(r.header_value("X-UIPATH-TenantName"), Some("T"));
        assert_eq!(encode_folder_path("A"), "QQA=");
        let id = Folder::Id(7);
        let s = Scope {
            folder: Some(&id),
            ..s
        };
        assert_eq!(
            s.releases_request("P")
                .header_value("X-UIPATH-OrganizationUnitId"),
            Some("7")
        );
        assert_eq!(
            s.folder_names_request()
                .header_value("X-UIPATH-OrganizationUnitId"),
            None
        );
    }

    #[test]
    fn release_filter_is_escaped_and_encoded() {
        let tok = Secret::new("t");
        let s = Scope {
            base_url: "https://o",
            token: &tok,
            tenant: None,
            folder: None,
        };
        let url = s.releases_request("a' or 'x").url;
        assert!(
            url.contains("%24filter=ProcessKey%20eq%20%27a%27%27%20or%20%27%27x%27%20or%20Name"),
            "{url}"
        );
    }

    #[test]
    fn errors_map_to_codes_and_keep_details() {
        let resp = |status, body: &str| Response {
            status,
            headers: vec![],
            body: body.into(),
        };
        let e = parse_error(
            &resp(
                400,
                r#"{"message":"Folder does not exist","errorCode":1100,"traceId":"abc"}"#,
            ),
            "list releases",
            Some(&Folder::Path("X".into())),
        );
        assert_eq!(
            (e.code, e.uipath_error_code, e.trace_id.as_deref()),
            (ErrorCode::FolderNotFound, Some(1100), Some("abc"))
        );
        assert_eq!(
            parse_error(&resp(400, r#"{"errorCode":1101}"#), "x", None).code,
            ErrorCode::InvalidConfig
        );
        assert_eq!(
            parse_error(&resp(403, "{}"), "x", None).code,
            ErrorCode::AuthFailed
        );
        assert_eq!(
            parse_error(&resp(429, ""), "x", None).code,
            ErrorCode::RateLimited
        );
        let e = parse_error(&resp(503, "<html>down</html>"), "start the job", None);
        assert_eq!(e.code, ErrorCode::OrchestratorError);
        assert!(e.detail.contains("HTTP 503") && e.detail.contains("<html>down</html>"));
    }
}
