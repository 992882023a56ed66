//! The Botpress module's routes as pure functions (`API.md`, "The Botpress module"):
//! issuing a callback token bound to a conversation, and checking a robot's callback
//! before anything reaches the user; Orchestrator's webhook calls and what a job's end
//! becomes in the conversation; a robot's Action Center question, its answer and the
//! data the task is completed with. The JS backend (`js-shim/module/`) only reads the
//! request, calls these through the wasm exports, and does what the [`Reply`] says.

pub mod body;
pub mod callback_route;
pub mod delivery;
pub mod job_end;
pub mod log;
pub mod queue_item_end;
pub mod reply;
pub mod settings;
pub mod task_question;
pub mod task_settings;
pub mod token_route;
pub mod webhook_route;

pub use body::Body;
pub use callback_route::{check_callback, CallbackRequest};
pub use job_end::{delivery, JobEnd, JobEndDelivery, JobEndSettings, TrackedJob};
pub use queue_item_end::{item_delivery, QueueItemEnd, TrackedQueueItem};
pub use reply::{Delivery, Nudge, Reply};
pub use settings::RouteSettings;
pub use task_question::{Question, TaskFound};
pub use task_settings::{Asker, TaskSettings};
pub use token_route::{issue_token, Caller, TokenRequest};
pub use webhook_route::{check_webhook, WebhookReply, WebhookRequest};

/// Botpress's id for "all bots", which the `Callback` activity posts to.
pub const ALL_BOTS: &str = "___";
