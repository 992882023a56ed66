//! A webhook is a signal, Orchestrator is the source (`API.md`, "The webhook is a
//! signal"): the tracked jobs a verified webhook named are read from Orchestrator, one
//! by one by id (`GET Jobs({id})`, not a filtered read, so outside the 100-a-minute
//! limit on `$filter` reads), with the bot's own connection; only the ends found there
//! are answered. A job Orchestrator says has not ended gives nothing; a queue item is
//! followed through Orchestrator's retries to its last attempt.

use super::call::{Call, Redactor};
use super::poll::PollOutcome;
use super::queue::{follow_retries, read_item};
use super::token::{Session, TokenCache};
use crate::config::{Connection, JobRef};
use crate::error::Result;
use crate::http::Transport;
use crate::module::{JobEnd, QueueItemEnd, TrackedJob, TrackedQueueItem};
use crate::orchestrator::{self, ParsedJob};

/// Reads each of `jobs` (all on `connection`'s Orchestrator) and answers their ends;
/// `running` and `missing` as a poll would, one line in `errors` per job that failed.
pub async fn read_signalled_jobs<T: Transport>(
    transport: &T,
    cache: &TokenCache,
    connection: &Connection,
    jobs: &[TrackedJob],
    timeout_ms: u64,
) -> PollOutcome {
    let mut outcome = PollOutcome::default();
    for job in jobs {
        outcome.pages += 1;
        match read(transport, cache, connection, job, timeout_ms).await {
            Ok(Some(parsed)) => {
                outcome.warnings.extend(parsed.warning);
                // The key guards against another tenant's job with the same id.
                if !parsed.job.key.eq_ignore_ascii_case(&job.job_key) {
                    outcome.missing.push(job.job_key.clone());
                    continue;
                }
                match JobEnd::of(&parsed.job) {
                    Some(end) => outcome.ends.push(end),
                    None => outcome.running.push(job.job_key.clone()),
                }
            }
            Ok(None) => outcome.missing.push(job.job_key.clone()),
            Err(e) => outcome.errors.push(format!(
                "could not read job {}: {}",
                job.job_id,
                e.message()
            )),
        }
    }
    outcome
}

/// One job by id; `None` when Orchestrator has no such job in its folder.
async fn read<T: Transport>(
    transport: &T,
    cache: &TokenCache,
    connection: &Connection,
    job: &TrackedJob,
    timeout_ms: u64,
) -> Result<Option<ParsedJob>> {
    let call = Call::new(transport, timeout_ms, connection.max_answer_bytes);
    let redactor = Redactor::default();
    let result = async {
        let folder = job.folder()?;
        let mut session =
            Session::open(&call, cache, connection, folder.as_ref(), &redactor).await?;
        let which = JobRef::Id(job.job_id);
        let response = session
            .send(|s| s.job_request(&which), "read the job a webhook named")
            .await?;
        if response.status == 404 {
            return Ok(None);
        }
        if !response.is_success() {
            let err = orchestrator::job_error(
                &response,
                &which,
                "read the job a webhook named",
                folder.as_ref(),
            );
            return if err.code == crate::error::ErrorCode::JobNotFound {
                Ok(None)
            } else {
                Err(err)
            };
        }
        orchestrator::parse_job(&response.body).map(Some)
    }
    .await;
    redactor.apply(result)
}

/// The tracked queue items a verified webhook named, each read by id
/// (`QueueItems({id})`) and followed through its retries (a filtered read, within the
/// budget): the ends of those whose last attempt ended.
pub async fn read_signalled_items<T: Transport>(
    transport: &T,
    cache: &TokenCache,
    context: &super::PollContext<'_>,
    items: &[TrackedQueueItem],
) -> PollOutcome<QueueItemEnd> {
    let mut outcome = PollOutcome::default();
    let tenant = context.connection.orchestrator_url.as_str();
    for tracked in items {
        outcome.pages += 1;
        let call = Call::new(
            transport,
            context.timeout_ms,
            context.connection.max_answer_bytes,
        );
        let redactor = Redactor::default();
        let result = async {
            let folder = tracked.folder()?;
            let mut session =
                Session::open(&call, cache, context.connection, folder.as_ref(), &redactor).await?;
            let mut item = read_item(&mut session, tracked.item_id).await?;
            if !item.key.eq_ignore_ascii_case(&tracked.item_key) {
                return Ok(None);
            }
            if item.status == "Retried"
                && context
                    .budget
                    .take(tenant, context.allowance, transport.now_ms())
            {
                item = follow_retries(&mut session, item).await?;
            }
            Ok(Some(item))
        }
        .await;
        match redactor.apply(result) {
            Ok(Some(item)) => match QueueItemEnd::of(tracked, &item) {
                Some(end) => outcome.ends.push(end),
                None => outcome.running.push(tracked.item_key.clone()),
            },
            Ok(None) => outcome.missing.push(tracked.item_key.clone()),
            Err(e) if e.code == crate::error::ErrorCode::QueueItemNotFound => {
                outcome.missing.push(tracked.item_key.clone())
            }
            Err(e) => outcome.errors.push(format!(
                "could not read queue item {}: {}",
                tracked.item_id,
                e.message()
            )),
        }
    }
    outcome
}
