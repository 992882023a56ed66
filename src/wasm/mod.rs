//! The wasm boundary: the only code that touches `JsValue`.
//!
//! `host` declares the Botpress objects we are handed, `convert` is every conversion
//! between JS and Rust values, `transport` implements [`crate::http::Transport`] over
//! the host's transport (`setTransport`), `state` is what the loaded package keeps
//! between calls, `tracker` hands started jobs and added items to the module, `allowance`
//! reads a bot's poll budget; `exports` and `queue_items` hold the package's exports,
//! `routes`, `job_ends`, `tasks`, `task_find` and `route_input` those of the module backend, `check`
//! those of the check command.

mod allowance;
mod check;
mod convert;
mod exports;
mod host;
mod job_ends;
mod queue_items;
mod route_input;
mod routes;
mod state;
mod task_find;
mod tasks;
mod tracker;
mod transport;

pub use check::{check_setup, module_config};
pub use exports::{
    get_botpress_token, get_uipath_job, set_fetch, set_transport, start_uipath_job,
    stop_uipath_job, version, wait_for_uipath_job,
};
pub use job_ends::{
    check_webhook, job_end_delivery, job_end_settings, poll_jobs, poll_queue_items,
    queue_item_end_delivery, read_signalled_jobs, read_signalled_queue_items,
};
pub use queue_items::{add_uipath_queue_item, get_uipath_queue_item, wait_for_uipath_queue_item};
pub use routes::{check_callback, internal_reply, issue_callback_token, route_settings};
pub use task_find::find_uipath_tasks;
pub use tasks::{
    answer_uipath_task, complete_task_answer, task_answer, task_conversation_key,
    task_question_delivery, task_settings, task_text,
};
