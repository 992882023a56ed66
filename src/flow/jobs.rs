//! Jobs after the start (`API.md`): one read, a wait until the job ends, a stop.

use super::call::{Call, Pacing, Redactor};
use super::token::{Session, TokenCache};
use crate::config::{JobCall, JobQuery, JobRef};
use crate::error::{Error, ErrorCode, Result};
use crate::http::Transport;
use crate::orchestrator::{self, is_final};
use crate::types::JobDetails;

/// A job as read, and the warnings to log about it (an unreadable `OutputArguments`).
#[derive(Debug, Clone, PartialEq)]
pub struct JobOutcome {
    /// The job.
    pub job: JobDetails,
    /// What could not be read in the answer; log them, they are not errors.
    pub warnings: Vec<String>,
}

/// `getUiPathJob`: one read of the job.
pub async fn get_job<T: Transport>(
    transport: &T,
    cache: &TokenCache,
    query: &JobQuery,
) -> Result<JobOutcome> {
    job_call(transport, cache, query, JobCall::Get).await
}

/// `waitForUiPathJob`: reads until the job is `Successful`, `Faulted` or `Stopped`, first
/// at once, then after a second, then half as long again each time up to `pollMs`. A 429
/// waits its `Retry-After` (inside one read). Past `timeoutMs` it fails with `TIMEOUT`
/// and the last state seen as `error.job`.
pub async fn wait_for_job<T: Transport>(
    transport: &T,
    cache: &TokenCache,
    query: &JobQuery,
) -> Result<JobOutcome> {
    job_call(transport, cache, query, JobCall::Wait).await
}

/// `stopUiPathJob`: StopJobs with the query's strategy (a key is read first, for its id),
/// then the job as read right after.
pub async fn stop_job<T: Transport>(
    transport: &T,
    cache: &TokenCache,
    query: &JobQuery,
) -> Result<JobOutcome> {
    job_call(transport, cache, query, JobCall::Stop).await
}

/// What the three calls share: the deadline, the session, the warnings, and no secret
/// in an error.
async fn job_call<T: Transport>(
    transport: &T,
    cache: &TokenCache,
    query: &JobQuery,
    kind: JobCall,
) -> Result<JobOutcome> {
    let call = Call::new(
        transport,
        query.timeout_ms,
        query.connection.max_answer_bytes,
    );
    let redactor = Redactor::default();
    let result = async {
        let folder = query.folder.as_ref();
        let mut session = Session::open(&call, cache, &query.connection, folder, &redactor).await?;
        let mut warnings = Vec::new();
        let job = match kind {
            JobCall::Get => read(&mut session, &query.job, &mut warnings).await?,
            JobCall::Wait => wait(&call, &mut session, query, &mut warnings).await?,
            JobCall::Stop => stop(&call, &mut session, query, &mut warnings).await?,
        };
        Ok(JobOutcome { job, warnings })
    }
    .await;
    redactor.apply(result)
}

async fn wait<T: Transport>(
    call: &Call<'_, T>,
    session: &mut Session<'_, '_, T>,
    query: &JobQuery,
    warnings: &mut Vec<String>,
) -> Result<JobDetails> {
    let mut pacing = Pacing::new(query.poll_ms);
    loop {
        let job = read(session, &query.job, warnings).await?;
        if is_final(&job.state) {
            return Ok(job);
        }
        let what = format!("job {}", job.id);
        if !call.pause_before_read(&mut pacing, &what, &job.state).await {
            let mut e = Error::new(
                ErrorCode::Timeout,
                format!(
                    "job {} is still {} after timeoutMs ({} ms); error.job has its last state",
                    job.id, job.state, query.timeout_ms
                ),
            );
            e.job = Some(Box::new(job));
            return Err(e);
        }
    }
}

async fn stop<T: Transport>(
    call: &Call<'_, T>,
    session: &mut Session<'_, '_, T>,
    query: &JobQuery,
    warnings: &mut Vec<String>,
) -> Result<JobDetails> {
    let id = match &query.job {
        JobRef::Id(id) => *id,
        key @ JobRef::Key(_) => read(session, key, warnings).await?.id,
    };
    let job = JobRef::Id(id);
    // Stopping twice is harmless, so StopJobs is retried like a read.
    let response = session
        .send(
            |s| s.stop_jobs_request(&[id], query.stop_strategy),
            "stop the job",
        )
        .await?;
    if !response.is_success() {
        return Err(orchestrator::job_error(
            &response,
            &job,
            "stop the job",
            query.folder.as_ref(),
        ));
    }
    call.log(&format!(
        "job {id}: {} requested",
        query.stop_strategy.as_str()
    ));
    read(session, &job, warnings).await
}

async fn read<T: Transport>(
    session: &mut Session<'_, '_, T>,
    job: &JobRef,
    warnings: &mut Vec<String>,
) -> Result<JobDetails> {
    let response = session.send(|s| s.job_request(job), "read the job").await?;
    if !response.is_success() {
        return Err(orchestrator::job_error(
            &response,
            job,
            "read the job",
            session.folder(),
        ));
    }
    let parsed =
        orchestrator::parse_job(&response.body).map_err(|e| e.with_status(response.status))?;
    if let Some(w) = parsed.warning {
        if !warnings.contains(&w) {
            warnings.push(w);
        }
    }
    Ok(parsed.job)
}
