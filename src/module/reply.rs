//! What a route answers: a status, a JSON body in Botpress's error shape
//! (`{statusCode, errorCode, type, message}`), for the callback route what to deliver,
//! and what to log.

use serde::Serialize;
use serde_json::{json, Value};

/// What a route answers, and for the message route what to deliver.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Reply {
    /// HTTP status.
    pub status: u16,
    /// JSON body.
    pub body: Value,
    /// Set only when the callback may be delivered.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delivery: Option<Box<Delivery>>,
    /// A robot's nudge (`{ type: 'uipath-task', taskId }`): the task to look at now, and
    /// the bot whose catalog it should be in, the token's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nudge: Option<Nudge>,
    /// A line for the server log, already safe to write (attacker text quoted and cut).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub log: Option<String>,
}

/// A robot's word that it created a task: `{ botId, taskId }`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Nudge {
    /// The bot of the robot's token.
    pub bot_id: String,
    /// The task the robot names (a positive number; looked up, never trusted).
    pub task_id: i64,
}

/// An approved callback: `bp.events.replyToEvent(destination, [message])`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Delivery {
    /// `{ botId, channel, target, threadId? }`
    pub destination: Value,
    /// The Botpress payload, own data only (no `__proto__` keys).
    pub message: Value,
}

impl Reply {
    /// A 200 with a JSON body.
    pub fn ok(body: Value) -> Reply {
        Reply {
            status: 200,
            body,
            delivery: None,
            nudge: None,
            log: None,
        }
    }

    /// A refusal: `{statusCode, errorCode, type, message}`. The message is logged as it
    /// is, so every outside value in it must have gone through [`super::log::quote`].
    pub fn refusal(status: u16, code: &str, kind: &str, message: &str) -> Reply {
        Reply {
            status,
            body: json!({ "statusCode": status, "errorCode": code, "type": kind, "message": message }),
            delivery: None,
            nudge: None,
            log: Some(format!("refused ({status}): {message}")),
        }
    }

    /// 400 for a body or query that cannot be used.
    pub fn bad_request(message: &str) -> Reply {
        Reply::refusal(400, "UIPATH_BAD_REQUEST", "BadRequestError", message)
    }

    /// 401 in Botpress's own shape and code for a refused token (`BP_0041`), as the
    /// original module answers.
    pub fn unauthorized(why: &str) -> Reply {
        Reply::refusal(
            401,
            "BP_0041",
            "UnauthorizedError",
            &format!("Unauthorized: {why}"),
        )
    }

    /// 403 for a token or caller that may not act on this bot or conversation.
    pub fn forbidden(why: &str) -> Reply {
        Reply::refusal(
            403,
            "UIPATH_FORBIDDEN",
            "ForbiddenError",
            &format!("Forbidden: {why}"),
        )
    }

    /// 500 without details: the caller learns a correlation id, the log gets the rest.
    pub fn internal(correlation_id: &str, detail: &str) -> Reply {
        Reply {
            status: 500,
            body: json!({
                "statusCode": 500,
                "errorCode": "UIPATH_INTERNAL",
                "type": "InternalError",
                "message": format!("the uipath module could not handle this request (correlation id {correlation_id})"),
                "correlationId": correlation_id,
            }),
            delivery: None,
            nudge: None,
            log: Some(format!(
                "internal error (correlation id {correlation_id}): {}",
                super::log::quote(detail, 300)
            )),
        }
    }

    /// Never sign or verify with an empty key: any token would pass. The caller only
    /// learns that the module is not set up; the log says which setting is missing.
    pub fn no_secret(correlation_id: &str) -> Reply {
        Reply::internal(
            correlation_id,
            "the uipath module has no signing secret (APP_SECRET or callbackSecret)",
        )
    }
}
