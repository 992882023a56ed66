//! The calls of the package, written once against [`Transport`](crate::http::Transport): [`start_job`]
//! (token → release → callback token → StartJobs), [`botpress_token`], and the jobs
//! calls [`get_job`], [`wait_for_job`], [`stop_job`]; the module's batched [`poll_jobs`]
//! and [`read_signalled_jobs`] for the jobs a webhook named.
//!
//! Retries follow what is safe: reads and token requests are retried on network errors,
//! 429 (honouring `Retry-After`) and 502/503/504; StartJobs is retried on 429 only, or
//! after a lost answer once a look-up by `Reference` shows that no job was created —
//! so a retry can never start a job twice.

mod budget;
mod call;
mod check;
mod check_queue;
mod flight;
mod jobs;
mod poll;
mod queue;
mod signal;
mod start;
mod tasks;
mod token;

pub use budget::{reads_a_minute, PollBudget, ReadAllowance};
pub use check::{check, CheckInput, CheckReport, Step};
pub use jobs::{get_job, stop_job, wait_for_job, JobOutcome};
pub use poll::{poll_jobs, poll_queue_items, PollContext, PollOutcome};
pub use queue::{add_queue_item, get_queue_item, wait_for_queue_item};
pub use signal::{read_signalled_items, read_signalled_jobs};
pub use start::start_job;
pub use tasks::{
    complete_task, key_of as task_key_of, open_tasks, CompleteTask, Completion, OpenTasks, TaskLook,
};
pub use token::{botpress_token, botpress_token_request, TokenCache};

use crate::secret::Secret;

/// Where the bot's own Botpress server hands out callback tokens, from
/// `bp.http.getAxiosConfigForBot(botId, { localUrl: true })`.
#[derive(Debug, Clone, PartialEq)]
pub struct BotpressEndpoint {
    /// `{LOCAL_URL}/api/v1/bots/{botId}`
    pub base_url: String,
    /// `Authorization`, or `Cookie` + `CSRF-Token`: all forwarded, none logged.
    pub headers: Vec<(String, Secret)>,
}

/// A redactor that hides the Botpress endpoint's header values from every error of a
/// call that may ask it for a callback token.
fn redactor_hiding(botpress: Option<&BotpressEndpoint>) -> call::Redactor {
    let redactor = call::Redactor::default();
    for (_, v) in botpress.iter().flat_map(|b| &b.headers) {
        redactor.add(v.expose());
    }
    redactor
}
