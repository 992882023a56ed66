//! The module's poller (`API.md`, "Polling"): reads the tracked jobs and queue items
//! that have not ended, batched — one `Jobs?$filter=Id in (…)` or `QueueItems?$filter=Id
//! in (…)` per folder and page — with the bot's module-config connection, within the
//! tenant's [`PollBudget`], and answers the ends it finds. A `Retried` item is followed
//! to its newest retry.

use serde::Serialize;

use super::budget::{PollBudget, ReadAllowance};
use super::call::{Call, Redactor};
use super::queue::follow_retries;
use super::token::{Session, TokenCache};
use crate::config::Connection;
use crate::error::{ErrorCode, Result};
use crate::http::Transport;
use crate::module::{JobEnd, QueueItemEnd, TrackedJob, TrackedQueueItem};
use crate::orchestrator::{self, JobEntity, QueueItemEntity};
use crate::types::Folder;

/// Jobs or items per request: short enough for any URL limit.
pub const PAGE: usize = 50;

/// What a poll found; `E` is a job's end or a queue item's.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PollOutcome<E = JobEnd> {
    /// The ones that have ended.
    pub ends: Vec<E>,
    /// Keys of the ones read that have not ended yet.
    pub running: Vec<String>,
    /// Keys of the ones Orchestrator did not return (deleted, or not visible to these
    /// credentials).
    pub missing: Vec<String>,
    /// Keys of the ones not read this round: the tenant's budget was spent, or a 429
    /// said to wait. The next round reads them.
    pub deferred: Vec<String>,
    /// One line per page that failed (no secret in it); its rows are read next time.
    pub errors: Vec<String>,
    /// What could not be read in an answer (an unreadable `OutputArguments`).
    pub warnings: Vec<String>,
    /// Requests sent to Orchestrator, token requests included.
    pub pages: usize,
    /// When Orchestrator answered 429 past what the call could wait: how long its
    /// `Retry-After` still asks every reader of the tenant to wait, milliseconds.
    #[serde(rename = "rateLimitedMs", skip_serializing_if = "Option::is_none")]
    pub rate_limited_ms: Option<u64>,
    /// Keys of the ones that were not read (another Orchestrator, other credentials);
    /// filled in by the caller that chose them.
    pub skipped: Vec<String>,
}

impl<E> Default for PollOutcome<E> {
    fn default() -> Self {
        PollOutcome {
            ends: Vec::new(),
            running: Vec::new(),
            missing: Vec::new(),
            deferred: Vec::new(),
            errors: Vec::new(),
            warnings: Vec::new(),
            pages: 0,
            rate_limited_ms: None,
            skipped: Vec::new(),
        }
    }
}

/// What a poll needs besides the rows: the connection, a page's deadline, the budget.
pub struct PollContext<'a> {
    /// The bot's module-config connection; every row is on its Orchestrator.
    pub connection: &'a Connection,
    /// The deadline of one page, milliseconds.
    pub timeout_ms: u64,
    /// The server's filtered reads, per tenant.
    pub budget: &'a PollBudget,
    /// `pollBudget`, and a round's share of it.
    pub allowance: ReadAllowance,
}

/// A tracked row the poller reads, and how a page of them is read.
// The futures never cross threads (wasm has one), so no `Send` bound.
#[allow(async_fn_in_trait)]
trait Tracked: Sized {
    type End;
    /// What a row is called in a message: `job`, `queue item`.
    const NOUN: &'static str;
    fn key(&self) -> &str;
    fn id(&self) -> i64;
    fn folder_text(&self) -> &str;
    fn folder(&self) -> Result<Option<Folder>>;
    async fn read<T: Transport>(
        session: &mut Session<'_, '_, T>,
        page: &[&Self],
        context: &PollContext<'_>,
    ) -> Result<Page<Self::End>>;
}

impl Tracked for TrackedJob {
    type End = JobEnd;
    const NOUN: &'static str = "job";
    fn key(&self) -> &str {
        &self.job_key
    }
    fn id(&self) -> i64 {
        self.job_id
    }
    fn folder_text(&self) -> &str {
        &self.folder
    }
    fn folder(&self) -> Result<Option<Folder>> {
        TrackedJob::folder(self)
    }
    async fn read<T: Transport>(
        session: &mut Session<'_, '_, T>,
        page: &[&Self],
        _context: &PollContext<'_>,
    ) -> Result<Page<JobEnd>> {
        read_jobs(session, page).await
    }
}

impl Tracked for TrackedQueueItem {
    type End = QueueItemEnd;
    const NOUN: &'static str = "queue item";
    fn key(&self) -> &str {
        &self.item_key
    }
    fn id(&self) -> i64 {
        self.item_id
    }
    fn folder_text(&self) -> &str {
        &self.folder
    }
    fn folder(&self) -> Result<Option<Folder>> {
        TrackedQueueItem::folder(self)
    }
    async fn read<T: Transport>(
        session: &mut Session<'_, '_, T>,
        page: &[&Self],
        context: &PollContext<'_>,
    ) -> Result<Page<QueueItemEnd>> {
        read_items(session, page, context).await
    }
}

/// What a page read: per row, in order, its end if it ended; the ids Orchestrator
/// returned; warnings.
struct Page<E> {
    found: Vec<Option<E>>,
    seen: Vec<i64>,
    warnings: Vec<String>,
}

/// Reads `jobs` (all on the context's Orchestrator) and answers their ends.
pub async fn poll_jobs<T: Transport>(
    transport: &T,
    cache: &TokenCache,
    context: &PollContext<'_>,
    jobs: &[TrackedJob],
) -> PollOutcome {
    poll(transport, cache, context, jobs).await
}

/// Reads `items` (all on the context's Orchestrator) and answers their ends, following
/// retries.
pub async fn poll_queue_items<T: Transport>(
    transport: &T,
    cache: &TokenCache,
    context: &PollContext<'_>,
    items: &[TrackedQueueItem],
) -> PollOutcome<QueueItemEnd> {
    poll(transport, cache, context, items).await
}

/// The rows grouped by folder, the folders in the order their first row is given and
/// each folder's rows as given: rows come least recently polled first, so what a spent
/// budget leaves one round is read first the next, whatever its folder's name.
fn by_folder<R: Tracked>(rows: &[R]) -> Vec<Vec<&R>> {
    let mut groups: Vec<Vec<&R>> = Vec::new();
    for row in rows {
        match groups
            .iter_mut()
            .find(|g| g[0].folder_text() == row.folder_text())
        {
            Some(group) => group.push(row),
            None => groups.push(vec![row]),
        }
    }
    groups
}

async fn poll<T: Transport, R: Tracked>(
    transport: &T,
    cache: &TokenCache,
    context: &PollContext<'_>,
    rows: &[R],
) -> PollOutcome<R::End> {
    let tenant = context.connection.orchestrator_url.as_str();
    let mut outcome = PollOutcome::default();
    for group in by_folder(rows) {
        let group = group.as_slice();
        let folder = match group[0].folder() {
            Ok(f) => f,
            Err(e) => {
                outcome.errors.push(format!(
                    "could not read {} {}(s): {}",
                    group.len(),
                    R::NOUN,
                    e.message()
                ));
                continue;
            }
        };
        for page in group.chunks(PAGE) {
            let keys = || page.iter().map(|r| r.key().to_string());
            if !context
                .budget
                .take(tenant, context.allowance, transport.now_ms())
            {
                outcome.deferred.extend(keys());
                continue;
            }
            outcome.pages += 1;
            let call = Call::new(
                transport,
                context.timeout_ms,
                context.connection.max_answer_bytes,
            );
            let redactor = Redactor::default();
            let result = async {
                let mut session =
                    Session::open(&call, cache, context.connection, folder.as_ref(), &redactor)
                        .await?;
                R::read(&mut session, page, context).await
            }
            .await;
            match redactor.apply(result) {
                Ok(read) => {
                    for (row, found) in page.iter().zip(read.found) {
                        match found {
                            Some(end) => outcome.ends.push(end),
                            None if read.seen.contains(&row.id()) => {
                                outcome.running.push(row.key().to_string())
                            }
                            None => outcome.missing.push(row.key().to_string()),
                        }
                    }
                    for w in read.warnings {
                        if !outcome.warnings.contains(&w) {
                            outcome.warnings.push(w);
                        }
                    }
                }
                Err(e) if e.code == ErrorCode::RateLimited => {
                    // Every poller of this tenant waits it out; this page goes next round.
                    let wait = e
                        .retry_after_seconds
                        .map_or(60_000, |s| u64::from(s) * 1000);
                    context.budget.block(tenant, transport.now_ms() + wait);
                    outcome.rate_limited_ms = outcome.rate_limited_ms.max(Some(wait));
                    outcome.deferred.extend(keys());
                    outcome.errors.push(format!(
                        "Orchestrator rate-limited the poll: waiting {} s",
                        wait / 1000
                    ));
                }
                Err(e) => outcome.errors.push(format!(
                    "could not read {} {}(s){}: {}",
                    page.len(),
                    R::NOUN,
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

async fn read_jobs<T: Transport>(
    session: &mut Session<'_, '_, T>,
    page: &[&TrackedJob],
) -> Result<Page<JobEnd>> {
    let ids: Vec<i64> = page.iter().map(|j| j.job_id).collect();
    let response = session
        .send(|s| s.jobs_by_ids_request(&ids), "read the tracked jobs")
        .await?;
    if !response.is_success() {
        return Err(orchestrator::parse_error(
            &response,
            "read the tracked jobs",
            session.folder(),
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

async fn read_items<T: Transport>(
    session: &mut Session<'_, '_, T>,
    page: &[&TrackedQueueItem],
    context: &PollContext<'_>,
) -> Result<Page<QueueItemEnd>> {
    let ids: Vec<i64> = page.iter().map(|i| i.item_id).collect();
    let response = session
        .send(
            |s| s.queue_items_by_ids_request(&ids),
            "read the tracked queue items",
        )
        .await?;
    if !response.is_success() {
        return Err(orchestrator::parse_error(
            &response,
            "read the tracked queue items",
            session.folder(),
        ));
    }
    let entities: Vec<QueueItemEntity> = orchestrator::parse_collection(&response, "QueueItems")?;
    let mut read = Page {
        found: (0..page.len()).map(|_| None).collect(),
        seen: Vec::new(),
        warnings: Vec::new(),
    };
    let tenant = context.connection.orchestrator_url.as_str();
    for entity in entities {
        read.seen.push(entity.id);
        let Some(at) = page
            .iter()
            .position(|i| i.item_id == entity.id && i.item_key.eq_ignore_ascii_case(&entity.key))
        else {
            continue;
        };
        let mut item = entity.item(&page[at].queue_name);
        // A retry costs a filtered read: within the budget, else the next round.
        if item.status == "Retried"
            && context
                .budget
                .take(tenant, context.allowance, session.now_ms())
        {
            item = follow_retries(session, item).await?;
        }
        read.found[at] = QueueItemEnd::of(page[at], &item);
    }
    Ok(read)
}
