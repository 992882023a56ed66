//! botpress-uipath: start UiPath Orchestrator jobs from Botpress v12 bots, and let the
//! robots post back into the conversation.
//!
//! The crate is a sans-IO core (settings, requests, answers, JWTs) with one
//! [`http::Transport`] trait that the flows in [`flow`] are written against. The wasm
//! build adds the `fetch` transport and the JS bindings (module `wasm`, wasm32 only).

pub mod auth;
pub mod config;
pub mod duration;
pub mod error;
pub mod fields;
pub mod flow;
pub mod http;
pub mod jwt;
pub mod keyed;
pub mod module;
pub mod odata;
pub mod orchestrator;
pub mod quote;
pub mod secret;
pub mod types;
pub mod urlencode;

#[cfg(target_arch = "wasm32")]
pub mod wasm;

/// The crate version, exported to JS as `version` so a bot can log which build it runs.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The wasm build's allocator: talc, which is smaller than Rust's default for wasm32
/// (dlmalloc) and faster on the many small allocations of a call. The wasm runs on one
/// thread (no `atomics`).
#[cfg(target_arch = "wasm32")]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();
