//! The Botpress module's routes as pure functions (`API.md`, "The Botpress module"):
//! issuing a callback token bound to a conversation, and checking a robot's callback
//! before anything reaches the user. The JS backend (`js-shim/module/`) only reads the
//! request, calls these through the wasm exports, and does what the [`Reply`] says.

pub mod body;
pub mod callback_route;
pub mod log;
pub mod reply;
pub mod settings;
pub mod token_route;

pub use body::Body;
pub use callback_route::{check_callback, CallbackRequest};
pub use reply::{Delivery, Reply};
pub use settings::RouteSettings;
pub use token_route::{issue_token, Caller, TokenRequest};

/// Botpress's id for "all bots", which the `Callback` activity posts to.
pub const ALL_BOTS: &str = "___";
