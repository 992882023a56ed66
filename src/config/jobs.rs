//! The settings of the jobs calls (`API.md`, "Jobs after the start"): the connection
//! and folder as for a start (module-config fallback), the job by id or key, and each
//! call's own fields, which come from `args` only (the module config's `strategy` and
//! `timeoutMs` are a start's).

use std::fmt;

use serde_json::Value;

use super::{Connection, Folder, DEFAULT_TIMEOUT_MS};
use crate::error::{Error, Result};
use crate::fields::{self, Layers};
use crate::types::StopStrategy;

/// Default deadline of a wait, milliseconds.
pub const DEFAULT_WAIT_MS: u64 = 60_000;
/// Longest wait, milliseconds (15 minutes).
pub const MAX_WAIT_MS: u64 = 900_000;
/// Default longest pause between two reads of a wait, milliseconds.
pub const DEFAULT_POLL_MS: u64 = 5_000;
/// Shortest pause between two reads: never more than once a second.
pub const MIN_POLL_MS: u64 = 1_000;

/// Which job: `jobId` (as in `JobStart.jobs[i].id`) or `jobKey` (its GUID).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JobRef {
    /// Numeric id.
    Id(i64),
    /// GUID, lower or upper case as given.
    Key(String),
}

impl fmt::Display for JobRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            JobRef::Id(id) => write!(f, "{id}"),
            JobRef::Key(key) => write!(f, "{key}"),
        }
    }
}

/// The three calls, which differ in their deadline and own fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobCall {
    /// `getUiPathJob`
    Get,
    /// `waitForUiPathJob`
    Wait,
    /// `stopUiPathJob`
    Stop,
}

/// Everything a jobs call needs.
#[derive(Debug, Clone, PartialEq)]
pub struct JobQuery {
    /// Orchestrator and credentials.
    pub connection: Connection,
    /// Folder for the folder header.
    pub folder: Option<Folder>,
    /// The job.
    pub job: JobRef,
    /// Overall deadline, milliseconds.
    pub timeout_ms: u64,
    /// A wait's longest pause between reads, milliseconds.
    pub poll_ms: u64,
    /// A stop's strategy.
    pub stop_strategy: StopStrategy,
}

impl JobQuery {
    /// Parses `args` over `module_config` for `call`. Every check happens here, before
    /// any request: a bad strategy, a missing job, an id that is not a positive integer,
    /// a key that is not a GUID.
    pub fn parse(call: JobCall, args: &Value, module_config: &Value) -> Result<JobQuery> {
        if !args.is_object() && !args.is_null() {
            return Err(Error::config("args must be an object"));
        }
        let own = |name: &str| fields::present(args.get(name));
        let stop_strategy = match (call, own("strategy")) {
            (JobCall::Stop, Some(v)) => {
                let s = fields::string("strategy", v)?;
                if s.eq_ignore_ascii_case("SoftStop") {
                    StopStrategy::SoftStop
                } else if s.eq_ignore_ascii_case("Kill") {
                    StopStrategy::Kill
                } else {
                    return Err(Error::config(format!(
                        "strategy must be \"SoftStop\" or \"Kill\", got \"{s}\""
                    )));
                }
            }
            _ => StopStrategy::SoftStop,
        };
        let job = match (own("jobId"), own("jobKey")) {
            (Some(v), _) => JobRef::Id(fields::integer("jobId", v, 1, i64::MAX)?),
            (None, Some(v)) => {
                let key = fields::string("jobKey", v)?;
                if !is_guid(&key) {
                    return Err(Error::config(format!(
                        "jobKey must be the job's GUID (like 0f8fad5b-d9cb-469f-a165-70867728950e), got \"{}\"",
                        key.chars().take(60).collect::<String>()
                    )));
                }
                JobRef::Key(key)
            }
            (None, None) => {
                return Err(Error::config(
                    "jobId is missing (or give jobKey): say which job, e.g. jobId: job.jobs[0].id",
                ))
            }
        };
        let l = Layers::new(args, module_config);
        let connection = Connection::parse(&l)?;
        let folder = Folder::parse(&l)?;
        let timeout_ms = match call {
            JobCall::Wait => match own("timeoutMs") {
                Some(v) => fields::integer("timeoutMs", v, 1000, MAX_WAIT_MS as i64)? as u64,
                None => DEFAULT_WAIT_MS,
            },
            _ => match l.get(&["timeoutMs"]) {
                Some((n, v)) => fields::integer(n, v, 1000, 600_000)? as u64,
                None => DEFAULT_TIMEOUT_MS,
            },
        };
        let poll_ms = match own("pollMs") {
            Some(v) => fields::integer("pollMs", v, MIN_POLL_MS as i64, 300_000)? as u64,
            None => DEFAULT_POLL_MS,
        };
        Ok(JobQuery {
            connection,
            folder,
            job,
            timeout_ms,
            poll_ms,
            stop_strategy,
        })
    }
}

/// `8-4-4-4-12` hexadecimal digits.
fn is_guid(text: &str) -> bool {
    let groups: Vec<&str> = text.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(g, n)| g.len() == n && g.chars().all(|c| c.is_ascii_hexdigit()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const KEY: &str = "0f8fad5b-d9cb-469f-a165-70867728950e";

    fn config() -> Value {
        json!({"orchestratorUrl": "https://o.local", "auth": {"accessToken": "tok-9876"}, "folder": "Shared", "timeoutMs": 30000, "strategy": "ModernJobsCount"})
    }

    fn parse(call: JobCall, args: Value) -> Result<JobQuery> {
        JobQuery::parse(call, &args, &config())
    }

    #[test]
    fn ids_keys_and_defaults() {
        let q = parse(JobCall::Get, json!({"jobId": "42"})).unwrap();
        assert_eq!((q.job.clone(), q.timeout_ms), (JobRef::Id(42), 30_000));
        assert_eq!(q.folder, Some(Folder::Path("Shared".into())));
        let q = parse(JobCall::Wait, json!({"jobKey": KEY})).unwrap();
        assert_eq!(q.job, JobRef::Key(KEY.into()));
        assert_eq!(
            (q.timeout_ms, q.poll_ms),
            (DEFAULT_WAIT_MS, DEFAULT_POLL_MS),
            "the module config's timeoutMs is a start's"
        );
        let q = parse(JobCall::Stop, json!({"jobId": 7, "strategy": "kill"})).unwrap();
        assert_eq!(q.stop_strategy, StopStrategy::Kill);
        assert_eq!(
            parse(JobCall::Stop, json!({"jobId": 7}))
                .unwrap()
                .stop_strategy,
            StopStrategy::SoftStop
        );
        assert_eq!(
            parse(JobCall::Get, json!({"jobId": 7, "strategy": "x"}))
                .unwrap()
                .stop_strategy,
            StopStrategy::SoftStop,
            "only a stop reads strategy"
        );
    }

    #[test]
    fn bad_input_is_refused_naming_the_field() {
        let msg = |call, args| parse(call, args).unwrap_err().message();
        assert!(msg(JobCall::Get, json!({})).contains("jobId is missing"));
        for bad in [json!(0), json!(-3), json!(1.5), json!("12a"), json!(true)] {
            assert!(
                msg(JobCall::Get, json!({"jobId": bad})).contains("jobId must be a whole number"),
                "{bad}"
            );
        }
        assert!(msg(JobCall::Get, json!({"jobKey": "abc'); drop"}))
            .contains("jobKey must be the job's GUID"));
        assert!(msg(
            JobCall::Get,
            json!({"jobKey": "0f8fad5b-d9cb-469f-a165-70867728950"})
        )
        .contains("GUID"));
        assert!(msg(JobCall::Stop, json!({"jobId": 1, "strategy": "Nuke"}))
            .contains("strategy must be \"SoftStop\" or \"Kill\""));
        assert!(msg(JobCall::Wait, json!({"jobId": 1, "pollMs": 200}))
            .contains("pollMs must be a whole number from 1000"));
        assert!(
            msg(JobCall::Wait, json!({"jobId": 1, "timeoutMs": 900_001})).contains("timeoutMs")
        );
        assert!(
            JobQuery::parse(JobCall::Get, &json!({"jobId": 1}), &json!({}))
                .unwrap_err()
                .message()
                .contains("orchestratorUrl is missing")
        );
    }
}
