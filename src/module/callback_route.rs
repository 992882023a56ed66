//! `POST /api/v1/bots/{botId}/mod/uipath/message`: the robot's `Callback` activity.
//! Authenticates its token, checks that the bot and conversation it names are the ones
//! the token is bound to, validates the message, and only then approves a delivery.

use serde_json::{json, Map, Value};

use super::body::{self, Body};
use super::log::quote;
use super::reply::{Delivery, Nudge, Reply};
use super::settings::RouteSettings;
use super::ALL_BOTS;
use crate::fields;
use crate::jwt::{self, CallbackClaims};

/// One callback request, as the backend read it.
#[derive(Debug, Clone, Copy)]
pub struct CallbackRequest<'a> {
    /// The bot of the URL (`___` for "all bots", as the activity posts).
    pub url_bot_id: &'a str,
    /// The `Authorization` header.
    pub authorization: Option<&'a str>,
    /// The `Content-Type` header.
    pub content_type: Option<&'a str>,
    /// The body.
    pub body: Body<'a>,
    /// The clock, seconds since the epoch.
    pub now_seconds: u64,
    /// A fresh random id that a 500 answer names.
    pub request_id: &'a str,
}

/// Checks a callback. Only a reply with `delivery` set may reach the user; a
/// thread-bound token fills in the `threadId` the activity never sends.
pub fn check_callback(
    settings: &RouteSettings,
    key: &[u8],
    request: &CallbackRequest<'_>,
) -> Reply {
    let expected = "{botId, channel, target, message}";
    // Size and time first: they need no secret and must not wait for one.
    if matches!(request.body, Body::TooLarge | Body::TimedOut) {
        if let Err(refusal) =
            body::json_object(request.body, None, settings.max_body_bytes, expected)
        {
            return refusal;
        }
    }
    if key.is_empty() {
        return Reply::no_secret(request.request_id);
    }
    let authorization = request.authorization;
    let token = match authorization.map(str::trim).and_then(|h| h.split_once(' ')) {
        Some((scheme, token))
            if scheme.eq_ignore_ascii_case("bearer") && !token.trim().is_empty() =>
        {
            token.trim()
        }
        _ if authorization.is_none() => {
            return Reply::unauthorized("the Authorization header is missing")
        }
        _ => return Reply::unauthorized("the Authorization header must be 'Bearer <token>'"),
    };
    let claims = match jwt::verify(token, key, request.now_seconds) {
        Ok(c) => c,
        Err(r) => return Reply::unauthorized(r.reason()),
    };
    if request.url_bot_id != ALL_BOTS && request.url_bot_id != claims.bot_id {
        return Reply::forbidden(&format!(
            "the token is for bot {}, not {}",
            quote(&claims.bot_id, 60),
            quote(request.url_bot_id, 60)
        ));
    }
    let object = match body::json_object(
        request.body,
        request.content_type,
        settings.max_body_bytes,
        expected,
    ) {
        Ok(o) => o,
        Err(refusal) => return refusal,
    };
    // A robot that created a task says so, to be heard before the next poll: nothing is
    // delivered, the module looks at the token's bot's open tasks now.
    if object.get("type").and_then(Value::as_str) == Some("uipath-task") {
        return match object.get("taskId").and_then(Value::as_i64) {
            Some(id) if id > 0 => {
                let mut reply = Reply::ok(json!({ "status": "noted" }));
                reply.nudge = Some(Nudge {
                    bot_id: claims.bot_id.clone(),
                    task_id: id,
                });
                reply
            }
            _ => Reply::bad_request("a uipath-task nudge needs taskId, a positive number"),
        };
    }
    match approve(settings, &claims, &object) {
        Ok(delivery) => {
            let mut reply = Reply::ok(json!({ "status": "delivered" }));
            reply.delivery = Some(Box::new(delivery));
            reply
        }
        Err(Refusal::BadRequest(why)) => Reply::bad_request(&why),
        Err(Refusal::Forbidden(why)) => Reply::forbidden(&why),
    }
}

enum Refusal {
    BadRequest(String),
    Forbidden(String),
}

/// Body checks after authentication: 400 for a malformed body, 403 for a mismatch.
fn approve(
    settings: &RouteSettings,
    claims: &CallbackClaims,
    body: &Map<String, Value>,
) -> Result<Delivery, Refusal> {
    let bad = |why: String| Refusal::BadRequest(why);
    let field = |name: &str, required: bool| -> Result<Option<String>, Refusal> {
        match fields::present(body.get(name)) {
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(bad(format!("{name} must be a string"))),
            None if required => Err(bad(format!("{name} is missing"))),
            None => Ok(None),
        }
    };
    let (bot_id, channel, target, thread_id) = (
        field("botId", true)?.unwrap_or_default(),
        field("channel", true)?.unwrap_or_default(),
        field("target", true)?.unwrap_or_default(),
        field("threadId", false)?,
    );
    if bot_id != claims.bot_id {
        return Err(Refusal::Forbidden(format!(
            "the token is for bot {}, not {}",
            quote(&claims.bot_id, 60),
            quote(&bot_id, 60)
        )));
    }
    for (name, bound, given) in [
        ("channel", &claims.channel, &channel),
        ("target", &claims.target, &target),
    ] {
        if let Some(b) = bound {
            if b != given {
                return Err(Refusal::Forbidden(format!(
                    "the token is bound to another {name} than {}",
                    quote(given, 60)
                )));
            }
        }
    }
    // A token that names no thread speaks for the user's default conversation only: a
    // thread named in the body is refused rather than trusted.
    let thread_id = match (&claims.thread_id, thread_id) {
        (Some(bound), Some(given)) if *bound != given => {
            return Err(Refusal::Forbidden(format!(
                "the token is bound to another threadId than {}",
                quote(&given, 60)
            )))
        }
        (None, Some(given)) => {
            return Err(Refusal::Forbidden(format!(
                "the token is not bound to a thread, so threadId {} is not accepted",
                quote(&given, 60)
            )))
        }
        (bound, _) => bound.clone(),
    };
    // The activity's `Message` is an object argument: an object (a payload), a JSON
    // string holding one, or, as a UiPath developer first types it, a plain string,
    // which is said as text (an empty one is refused below, as an empty text is).
    let message = match body.get("message") {
        Some(Value::Object(m)) => Some(m.clone()),
        Some(Value::String(s)) => match serde_json::from_str::<Value>(s) {
            Ok(Value::Object(m)) => Some(m),
            _ => {
                let mut text = Map::new();
                text.insert("type".into(), json!("text"));
                text.insert("text".into(), json!(s));
                Some(text)
            }
        },
        _ => None,
    }
    .ok_or_else(|| {
        bad(
            "message must be an object like {\"type\": \"text\", \"text\": \"…\"}, or a text"
                .into(),
        )
    })?;
    match message.get("type") {
        Some(Value::String(t)) if !t.is_empty() => {
            if !settings.allows(t) {
                return Err(bad(format!(
                    "message.type {} is not in allowedMessageTypes",
                    quote(t, 40)
                )));
            }
            if t == "text"
                && !matches!(message.get("text"), Some(Value::String(s)) if !s.is_empty())
            {
                return Err(bad("a text message needs a non-empty text".into()));
            }
        }
        _ => return Err(bad("message.type is missing".into())),
    }
    let mut destination = json!({ "botId": bot_id, "channel": channel, "target": target });
    if let Some(t) = thread_id {
        destination["threadId"] = json!(t);
    }
    Ok(Delivery {
        destination,
        message: own_data(Value::Object(message)),
    })
}

/// The message with every `__proto__` key removed, at any depth: handed to JS, such a key
/// would become the prototype of the delivered payload instead of a field.
fn own_data(value: Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .filter(|(k, _)| k != "__proto__")
                .map(|(k, v)| (k, own_data(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.into_iter().map(own_data).collect()),
        other => other,
    }
}

#[cfg(test)]
mod tests;
