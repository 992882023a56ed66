//! The module's poller (`API.md`, "Polling"): reads the tracked jobs that have not ended,
//! batched — one `Jobs?$filter=Id in (…)` per folder and page — with the bot's
//! module-config connection, and answers the ends it finds.

use serde::Serialize;

use super::call::{Call, Redactor};
use super::token::{Session, TokenCache};
use crate::config::Connection;
use crate::error::Result;
use crate::http::Transport;
use crate::module::{JobEnd, TrackedJob};
use crate::orchestrator::{self, JobEntity};
use crate::types::Folder;

/// Jobs per request: short enough for any URL limit.
pub const PAGE: usize = 50;

/// What a poll found.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct PollOutcome {
    /// The jobs that have ended.
    pub ends: Vec<JobEnd>,
    /// Keys of the jobs read that have not ended yet.
    pub running: Vec<String>,
    /// Keys of the jobs Orchestrator did not return (deleted, or not visible to these
    /// credentials).
    pub missing: Vec<String>,
    /// One line per page that failed (no secret in it); its jobs are read next time.
    pub errors: Vec<String>,
    /// What could not be read in an answer (an unreadable `OutputArguments`).
    pub warnings: Vec<String>,
    /// Requests sent to Orchestrator, token requests included.
    pub pages: usize,
    /// Keys of the jobs that were not read (another Orchestrator, other credentials);
    /// filled in by the caller that chose them.
    pub skipped: Vec<String>,
}

/// Reads `jobs` (all on `connection`'s Orchestrator) and answers their ends.
pub async fn poll_jobs<T: Transport>(
    transport: &T,
    cache: &TokenCache,
    connection: &Connection,
    jobs: &[TrackedJob],
    timeout_ms: u64,
) -> PollOutcome {
    // Grouped by folder (in folder order; within a folder, as given).
    let mut by_folder: Vec<&TrackedJob> = jobs.iter().collect();
    by_folder.sort_by(|a, b| a.folder.cmp(&b.folder));
    let mut outcome = PollOutcome::default();
    for group in by_folder.chunk_by(|a, b| a.folder == b.folder) {
        let folder = match group[0].folder() {
            Ok(f) => f,
            Err(e) => {
                outcome.errors.push(format!(
                    "could not read {} job(s): {}",
                    group.len(),
                    e.message()
                ));
                continue;
            }
        };
        for page in group.chunks(PAGE) {
            outcome.pages += 1;
            match read_page(
                transport,
                cache,
                connection,
                folder.as_ref(),
                page,
                timeout_ms,
            )
            .await
            {
                Ok(read) => {
                    for (job, found) in page.iter().zip(read.found) {
                        match found {
                            Some(end) => outcome.ends.push(end),
                            None if read.seen.contains(&job.job_id) => {
                                outcome.running.push(job.job_key.clone())
                            }
                            None => outcome.missing.push(job.job_key.clone()),
                        }
                    }
                    for w in read.warnings {
                        if !outcome.warnings.contains(&w) {
                            outcome.warnings.push(w);
                        }
                    }
                }
                Err(e) => outcome.errors.push(format!(
                    "could not read {} job(s){}: {}",
                    page.len(),
                    folder
                        .as_ref()
                        .map(|f| format!(" in folder {f}"))
                        .unwrap_or_default(),
                    e.message()
                )),
            }
        }
    }
    outcome
}

struct Page {
    /// Per job of the page, in order: its end, if it has ended.
    found: Vec<Option<JobEnd>>,
    /// Ids Orchestrator returned.
    seen: Vec<i64>,
    warnings: Vec<String>,
}

async fn read_page<T: Transport>(
    transport: &T,
    cache: &TokenCache,
    connection: &Connection,
    folder: Option<&Folder>,
    page: &[&TrackedJob],
    timeout_ms: u64,
) -> Result<Page> {
    let call = Call::new(transport, timeout_ms, connection.max_answer_bytes);
    let redactor = Redactor::default();
    let result = async {
        let mut session = Session::open(&call, cache, connection, folder, &redactor).await?;
        let ids: Vec<i64> = page.iter().map(|j| j.job_id).collect();
        let response = session
            .send(|s| s.jobs_by_ids_request(&ids), "read the tracked jobs")
            .await?;
        if !response.is_success() {
            return Err(orchestrator::parse_error(
                &response,
                "read the tracked jobs",
                folder,
            ));
        }
        let entities: Vec<JobEntity> = orchestrator::parse_collection(&response, "jobs")?;
        let mut read = Page {
            found: vec![None; page.len()],
            seen: Vec::new(),
            warnings: Vec::new(),
        };
        for parsed in entities.into_iter().map(JobEntity::parsed) {
            read.warnings.extend(parsed.warning);
            read.seen.push(parsed.job.id);
            // Match by id and key: the key guards against another tenant's job with the id.
            let at = page.iter().position(|j| {
                j.job_id == parsed.job.id && j.job_key.eq_ignore_ascii_case(&parsed.job.key)
            });
            if let Some(at) = at {
                read.found[at] = JobEnd::of(&parsed.job);
            }
        }
        Ok(read)
    }
    .await;
    redactor.apply(result)
}
