//! The wasm boundary: the only code that touches `JsValue`.
//!
//! `host` declares the Botpress objects we are handed, `fetch` implements
//! [`crate::http::Transport`] over the host's transport (`setFetch`), `exports` holds the package's
//! exports, `routes` and `job_ends` those of the module backend, `check` those of the check command.

mod check;
mod exports;
mod fetch;
mod host;
mod job_ends;
mod routes;

pub use check::{check_setup, module_config};
pub use exports::{
    get_botpress_token, get_uipath_job, set_fetch, start_uipath_job, stop_uipath_job, version,
    wait_for_uipath_job,
};
pub use job_ends::{check_webhook, job_end_delivery, job_end_settings, poll_jobs};
pub use routes::{check_callback, internal_reply, issue_callback_token, route_settings};
