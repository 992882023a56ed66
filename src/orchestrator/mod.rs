//! Orchestrator's OData API as pure request builders and answer parsers
//! (`shared/uipath-api.md`): the authenticated [`Scope`] every request starts from,
//! collections and errors here; releases, job starts and jobs in their own files.

mod jobs;
mod queues;
mod releases;
mod start;
mod tasks;

pub use jobs::{is_final, job_error, parse_job, JobEntity, ParsedJob, FINAL_STATES};
pub use queues::{
    is_final_item, newest_retry, queue_error, QueueItemEntity, DUPLICATE_REFERENCE_CODE,
    FINAL_ITEM_STATUSES,
};
pub use releases::{choose_release, compare_versions, Release};
pub use start::{add_callback_fields, input_arguments, start_info, Job, JobStart, StartInfo};
pub use tasks::{parse_task_data, task_error, task_folder, TaskData, TaskEntity, OPEN_TASKS_PAGE};

use base64::Engine;
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::Value;

use crate::error::{Error, ErrorCode, Result};
use crate::http::{Method, Request, Response};
use crate::odata;
use crate::secret::Secret;
use crate::types::Folder;
use crate::urlencode;

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
        self.request_at(method, &format!("odata/{path_and_query}"))
    }

    /// A request to `{base_url}/{path}` (an API outside `odata/`, such as `tasks/…`)
    /// with the auth, tenant and folder headers.
    pub fn request_at(&self, method: Method, path_and_query: &str) -> Request {
        let mut req = Request::new(method, format!("{}/{path_and_query}", self.base_url))
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

    /// The folder of this scope, by path or id, among those the credentials see.
    pub fn folder_lookup_request(&self, folder: &Folder) -> Request {
        let filter = match folder {
            Folder::Path(p) => format!("FullyQualifiedName eq {}", odata::literal(p)),
            Folder::Id(id) => format!("Id eq {id}"),
        };
        let q = urlencode::query(&[("$filter", &filter), ("$select", "Id,FullyQualifiedName")]);
        Scope {
            folder: None,
            ..self.clone()
        }
        .request(Method::Get, &format!("Folders?{q}"))
    }

    /// Up to 50 folder paths the credentials see, for a `FOLDER_NOT_FOUND` message.
    pub fn folder_names_request(&self) -> Request {
        let q = urlencode::query(&[
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
}

/// Job ids as text with `separator` between them (`4,5` in a filter, `4, 5` in a log
/// line).
pub fn ids_text(ids: impl IntoIterator<Item = i64>, separator: &str) -> String {
    let mut out = String::new();
    for (i, id) in ids.into_iter().enumerate() {
        if i > 0 {
            out.push_str(separator);
        }
        out += &id.to_string();
    }
    out
}

/// `X-UIPATH-FolderPath-Encoded`: base64 of the path in UTF-16LE.
pub fn encode_folder_path(path: &str) -> String {
    let bytes: Vec<u8> = path.encode_utf16().flat_map(u16::to_le_bytes).collect();
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// An OData collection answer: `{ "@odata.context": …, "value": [ … ] }`.
#[derive(Debug, Deserialize)]
pub struct Collection<T> {
    /// The entities.
    pub value: Vec<T>,
}

/// Reads an OData collection answer's `value` array; an entity that is not a `T` fails
/// the whole answer.
pub fn parse_collection<T: DeserializeOwned>(response: &Response, what: &str) -> Result<Vec<T>> {
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
    let body: Value = serde_json::from_str::<Value>(&response.body).unwrap_or(Value::Null);
    // Orchestrator's own shape is {message, errorCode, traceId}; OData parse errors
    // come as {error: {code, message}}.
    let message = body["message"]
        .as_str()
        .or_else(|| body["error"]["message"].as_str())
        .map(|m| crate::quote::quote(m, 300))
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
        job: None,
        queue_item: None,
        retry_after_seconds: None,
    }
}

/// The first 300 characters of a body, quoted (control characters escaped), for
/// messages and log lines: Orchestrator's text is outside text.
pub fn excerpt(body: &str) -> String {
    let trimmed = body.trim();
    if trimmed.is_empty() {
        return "(empty body)".into();
    }
    crate::quote::quote(trimmed, 300)
}

#[cfg(test)]
mod tests {
    use super::*;

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
