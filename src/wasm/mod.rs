//! The wasm boundary: the only code that touches `JsValue`.
//!
//! `host` declares the Botpress objects we are handed, `fetch` implements
//! [`crate::http::Transport`] over the host's `fetch`, `exports` holds every
//! `#[wasm_bindgen]` export.

mod exports;
mod fetch;
mod host;

pub use exports::{get_botpress_token, set_fetch, start_uipath_job, version};
