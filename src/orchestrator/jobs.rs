//! Jobs after the start (`API.md`, "Jobs after the start"): reading one by id
//! (`GET Jobs({id})`) or by key (`GetByKey(identifier=…)`), stopping it (`StopJobs`), and
//! the job as the package hands it on, with `OutputArguments` parsed.

use serde_json::Value;

use super::{parse_error, Scope};
use crate::config::JobRef;
use crate::error::{Error, ErrorCode, Result};
use crate::http::{Method, Request, Response};
use crate::types::{Folder, JobDetails, StopStrategy};
use serde::Deserialize;
use serde_json::json;

/// The states a job does not leave.
pub const FINAL_STATES: [&str; 3] = ["Successful", "Faulted", "Stopped"];

/// Whether a job in `state` has ended.
pub fn is_final(state: &str) -> bool {
    FINAL_STATES.contains(&state)
}

/// A parsed job, and what could not be read in it (a warning to log, not an error).
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedJob {
    /// The job.
    pub job: JobDetails,
    /// Set when `OutputArguments` was not JSON (`outputArguments` is then null).
    pub warning: Option<String>,
}

/// A job entity as Orchestrator writes it (PascalCase): in `Jobs` collections, in a read
/// by id or key, and in webhook events (which carry `Release.Name` instead of
/// `ReleaseName`, and `OutputArguments` as a string, an object, `{}` or null).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct JobEntity {
    /// Numeric id.
    pub id: i64,
    /// GUID.
    pub key: String,
    /// State.
    pub state: String,
    /// The fault message of a faulted job.
    #[serde(default)]
    pub info: Option<String>,
    /// A JSON string (an object or `{}` in webhook events), or null.
    #[serde(default)]
    pub output_arguments: Option<Value>,
    /// ISO 8601.
    #[serde(default)]
    pub start_time: Option<String>,
    /// ISO 8601.
    #[serde(default)]
    pub end_time: Option<String>,
    /// The release's name, in reads.
    #[serde(default)]
    pub release_name: Option<String>,
    /// The release, in webhook events.
    #[serde(default)]
    pub release: Option<ReleaseName>,
    /// The start's `Reference`.
    #[serde(default)]
    pub reference: Option<String>,
}

/// `Release: { Name }` of a webhook's job.
#[derive(Debug, Clone, Deserialize)]
pub struct ReleaseName {
    /// The release's name.
    #[serde(rename = "Name", default)]
    pub name: Option<String>,
}

impl JobEntity {
    /// The job as the package hands it out, `OutputArguments` parsed.
    pub fn parsed(self) -> ParsedJob {
        let mut warning = None;
        let output_arguments = match self.output_arguments {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) if s.trim().is_empty() => None,
            Some(Value::String(s)) => match serde_json::from_str::<Value>(&s) {
                Ok(v) => Some(v),
                Err(_) => {
                    warning = Some(format!(
                        "OutputArguments of job {} is not JSON; outputArguments is null",
                        self.id
                    ));
                    None
                }
            },
            Some(other) => Some(other),
        };
        ParsedJob {
            job: JobDetails {
                id: self.id,
                key: self.key,
                state: self.state,
                info: self.info,
                output_arguments,
                start_time: self.start_time,
                end_time: self.end_time,
                release_name: self
                    .release_name
                    .or_else(|| self.release.and_then(|r| r.name))
                    .unwrap_or_default(),
                reference: self.reference,
            },
            warning,
        }
    }
}

impl StopStrategy {
    /// The name Orchestrator takes.
    pub fn as_str(self) -> &'static str {
        match self {
            StopStrategy::SoftStop => "SoftStop",
            StopStrategy::Kill => "Kill",
        }
    }
}

impl Scope<'_> {
    /// Reads one job: `Jobs({id})`, or `GetByKey(identifier={key})` for a key.
    pub fn job_request(&self, job: &JobRef) -> Request {
        match job {
            JobRef::Id(id) => self.request(Method::Get, &format!("Jobs({id})")),
            // The key is a GUID (checked when parsed), so it goes in the path as is.
            JobRef::Key(key) => self.request(
                Method::Get,
                &format!("Jobs/UiPath.Server.Configuration.OData.GetByKey(identifier={key})"),
            ),
        }
    }

    /// Reads several jobs at once: `Jobs?$filter=Id in (…)`, one page of `ids.len()`.
    pub fn jobs_by_ids_request(&self, ids: &[i64]) -> Request {
        let filter = format!("Id in ({})", super::ids_text(ids.iter().copied(), ","));
        let top = ids.len().to_string();
        self.request(
            Method::Get,
            &format!(
                "Jobs?{}",
                crate::urlencode::query(&[("$filter", &filter), ("$top", &top)])
            ),
        )
    }

    /// `StopJobs` for these job ids.
    pub fn stop_jobs_request(&self, ids: &[i64], strategy: StopStrategy) -> Request {
        self.request(
            Method::Post,
            "Jobs/UiPath.Server.Configuration.OData.StopJobs",
        )
        .json(&json!({ "jobIds": ids, "strategy": strategy.as_str() }))
    }
}

/// Reads a job from an answer's body: the entity, or `{ value: entity }`.
pub fn parse_job(body: &str) -> Result<ParsedJob> {
    /// An entity wrapped in `value`, as some OData answers have it.
    #[derive(Deserialize)]
    struct Wrapped {
        value: JobEntity,
    }
    serde_json::from_str::<JobEntity>(body)
        .or_else(|_| serde_json::from_str::<Wrapped>(body).map(|w| w.value))
        .map(JobEntity::parsed)
        .map_err(|_| {
            Error::new(
                ErrorCode::OrchestratorError,
                format!(
                    "unexpected job answer from Orchestrator (no Id, Key and State): {}",
                    super::excerpt(body)
                ),
            )
        })
}

/// A failed job request: 404 or OData error 1002 is `JOB_NOT_FOUND`; the rest as any
/// Orchestrator error.
pub fn job_error(
    response: &Response,
    job: &JobRef,
    action: &str,
    folder: Option<&Folder>,
) -> Error {
    let err = parse_error(response, action, folder);
    if response.status == 404 || err.uipath_error_code == Some(1002) {
        let in_folder = folder
            .map(|f| format!(" in folder {f}"))
            .unwrap_or_default();
        return Error {
            code: ErrorCode::JobNotFound,
            detail: format!(
                "job {job} does not exist{in_folder} or these credentials cannot see it"
            ),
            ..err
        };
    }
    err
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secret::Secret;

    fn scope_test(f: impl FnOnce(&Scope<'_>)) {
        let token = Secret::new("t");
        let folder = Folder::Path("Shared".into());
        f(&Scope {
            base_url: "https://o/org/ten/orchestrator_",
            token: &token,
            tenant: None,
            folder: Some(&folder),
        });
    }

    #[test]
    fn requests_by_id_key_and_stop() {
        scope_test(|s| {
            let r = s.job_request(&JobRef::Id(42));
            assert_eq!(r.url, "https://o/org/ten/orchestrator_/odata/Jobs(42)");
            assert_eq!(r.header_value("X-UIPATH-FolderPath"), Some("Shared"));
            let key = "0f8fad5b-d9cb-469f-a165-70867728950e";
            let r = s.job_request(&JobRef::Key(key.into()));
            assert!(r.url.ends_with(&format!(
                "/odata/Jobs/UiPath.Server.Configuration.OData.GetByKey(identifier={key})"
            )));
            let r = s.jobs_by_ids_request(&[4, 5]);
            assert!(
                r.url
                    .ends_with("/odata/Jobs?%24filter=Id%20in%20%284%2C5%29&%24top=2"),
                "{}",
                r.url
            );
            let r = s.stop_jobs_request(&[42], StopStrategy::Kill);
            assert_eq!(r.method, Method::Post);
            assert!(r
                .url
                .ends_with("/odata/Jobs/UiPath.Server.Configuration.OData.StopJobs"));
            let body: Value = serde_json::from_str(r.body.unwrap().expose()).unwrap();
            assert_eq!(body, json!({"jobIds": [42], "strategy": "Kill"}));
        });
    }

    #[test]
    fn output_arguments_as_string_object_empty_null_or_malformed() {
        let job = |out: Value| {
            parse_job(&json!({"@odata.context": "x", "Id": 7, "Key": "k", "State": "Successful", "OutputArguments": out, "ReleaseName": "InvoiceBot", "Info": "Job completed"}).to_string())
                .unwrap()
        };
        let p = job(json!("{\"paid\":true}"));
        assert_eq!(p.job.output_arguments, Some(json!({"paid": true})));
        assert_eq!(
            (p.job.id, p.job.release_name.as_str(), p.job.info.as_deref()),
            (7, "InvoiceBot", Some("Job completed"))
        );
        assert!(p.warning.is_none());
        assert_eq!(
            job(json!({"paid": true})).job.output_arguments,
            Some(json!({"paid": true}))
        );
        assert_eq!(job(json!({})).job.output_arguments, Some(json!({})));
        assert_eq!(job(Value::Null).job.output_arguments, None);
        let bad = job(json!("{not json"));
        assert_eq!(bad.job.output_arguments, None);
        assert!(bad.warning.unwrap().contains("job 7"));
        assert!(parse_job(r#"{"message": "x"}"#).is_err());
        let webhook =
            parse_job(r#"{"Id": 8, "Key": "k8", "State": "Faulted", "Release": {"Name": "R"}}"#)
                .unwrap();
        assert!(parse_job(r#"{"value": {"Id": 9, "Key": "k9", "State": "Running"}}"#).is_ok());
        assert_eq!(webhook.job.release_name, "R");
    }

    #[test]
    fn not_found_answers_become_job_not_found() {
        let resp = |status, body: &str| Response {
            status,
            headers: vec![],
            body: body.into(),
        };
        let job = JobRef::Id(9);
        let e = job_error(
            &resp(
                404,
                r#"{"message":"Job does not exist.","errorCode":1002,"traceId":"t"}"#,
            ),
            &job,
            "read the job",
            None,
        );
        assert_eq!(
            (e.code, e.trace_id.as_deref()),
            (ErrorCode::JobNotFound, Some("t"))
        );
        assert!(e.detail.contains("job 9"), "{}", e.detail);
        assert_eq!(
            job_error(&resp(400, r#"{"errorCode":1002}"#), &job, "x", None).code,
            ErrorCode::JobNotFound
        );
        assert_eq!(
            job_error(&resp(500, "{}"), &job, "x", None).code,
            ErrorCode::OrchestratorError
        );
    }
}
