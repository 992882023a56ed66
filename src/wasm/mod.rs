//! The wasm boundary: the only code that touches `JsValue`.
//!
//! `host` declares the Botpress objects we are handed, `fetch` implements
//! [`crate::http::Transport`] over the host's `fetch`, `exports` holds the package's
//! exports, `routes` those of the module backend.

mod exports;
mod fetch;
mod host;
mod routes;

pub use exports::{get_botpress_token, set_fetch, start_uipath_job, version};
pub use routes::{check_callback, internal_reply, issue_callback_token, route_settings};
