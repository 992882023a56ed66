//! The module's two routes as pure functions (`API.md`, "The Botpress module"): issuing a
//! callback token bound to a conversation, and checking a robot's callback before
//! anything reaches the user. The JS backend only reads the request, calls these, and
//! calls `bp.events.replyToEvent` with what [`check_callback`] approved.

use serde::Serialize;
use serde_json::{json, Map, Value};

use crate::duration;
use crate::error::{Error, Result};
use crate::fields;
use crate::jwt::{self, CallbackClaims, CALLBACK_AUDIENCE};

/// Botpress's id for "all bots", which the `Callback` activity posts to.
pub const ALL_BOTS: &str = "___";

/// Module config of the routes, with defaults (`assets/config.schema.json`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteSettings {
    /// Lifetime when the request names none, seconds.
    pub default_expires_in: u64,
    /// Longest lifetime a token may get, seconds; longer requests are capped.
    pub max_expires_in: u64,
    /// Largest callback body accepted, bytes.
    pub max_body_bytes: u64,
}

impl RouteSettings {
    /// Reads `defaultExpiresIn`, `maxExpiresIn` and `maxBodySize` (bytes, or `'64kb'`, `'1mb'`).
    pub fn parse(config: &Value) -> Result<RouteSettings> {
        let seconds = |name: &str, default: u64| -> Result<u64> {
            match fields::present(config.get(name)) {
                None => Ok(default),
                Some(v) => duration::parse_value(v, name),
            }
        };
        let max_body_bytes = match fields::present(config.get("maxBodySize")) {
            None => 64 * 1024,
            Some(v) => parse_size(&fields::string("maxBodySize", v)?)?,
        };
        Ok(RouteSettings {
            default_expires_in: seconds("defaultExpiresIn", 3600)?,
            max_expires_in: seconds("maxExpiresIn", 86_400)?,
            max_body_bytes,
        })
    }
}

/// What a route answers, and for the message route what to deliver.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Reply {
    /// HTTP status.
    pub status: u16,
    /// JSON body.
    pub body: Value,
    /// Set only when the callback may be delivered.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delivery: Option<Delivery>,
}

/// An approved callback: `bp.events.replyToEvent(destination, [message])`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Delivery {
    /// `{ botId, channel, target, threadId? }`
    pub destination: Value,
    /// The Botpress payload.
    pub message: Value,
}

/// `GET /mod/uipath/auth/token`: a token for `bot_id`, bound to the `channel`, `target`
/// and `threadId` of the query when given, living `expiresIn` capped by the config.
pub fn issue_token(
    settings: &RouteSettings,
    secret: &str,
    bot_id: &str,
    query: &Value,
    now_seconds: u64,
    jti: &str,
) -> Reply {
    if secret.is_empty() {
        return no_secret();
    }
    if bot_id.is_empty() || bot_id == ALL_BOTS {
        return refusal(400, "UIPATH_BAD_REQUEST", "BadRequestError", "a callback token is issued for one bot: use /api/v1/bots/{botId}/mod/uipath/auth/token");
    }
    let text = |name: &str| -> Result<Option<String>> {
        fields::present(query.get(name))
            .map(|v| fields::string(name, v))
            .transpose()
    };
    let claims = (|| -> Result<CallbackClaims> {
        let expires = match text("expiresIn")? {
            Some(t) => duration::parse_seconds(&t, "expiresIn")?,
            None => settings.default_expires_in,
        };
        Ok(CallbackClaims {
            aud: CALLBACK_AUDIENCE.into(),
            bot_id: bot_id.into(),
            channel: text("channel")?,
            target: text("target")?,
            thread_id: text("threadId")?,
            iat: now_seconds,
            exp: now_seconds + expires.min(settings.max_expires_in),
            jti: jti.into(),
        })
    })();
    let claims = match claims {
        Ok(c) => c,
        Err(e) => return refusal(400, "UIPATH_BAD_REQUEST", "BadRequestError", &e.detail),
    };
    Reply {
        status: 200,
        body: json!({ "token": jwt::sign(&claims, secret.as_bytes()) }),
        delivery: None,
    }
}

/// The body of a callback request, as the route read it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Body<'a> {
    /// The whole body.
    Text(&'a str),
    /// The body was longer than `max_body_bytes`; reading stopped.
    TooLarge,
}

/// `POST /mod/uipath/message`: authenticates the robot's token, checks that the bot and
/// conversation it names are the ones the token is bound to, validates the message, and
/// only then approves a delivery. A thread-bound token fills in the missing `threadId`.
pub fn check_callback(
    settings: &RouteSettings,
    secret: &str,
    url_bot_id: &str,
    authorization: Option<&str>,
    body: Body<'_>,
    now_seconds: u64,
) -> Reply {
    let text = match body {
        Body::TooLarge => {
            return refusal(
                413,
                "UIPATH_TOO_LARGE",
                "PayloadTooLargeError",
                &format!(
                    "the callback body is larger than maxBodySize ({} bytes)",
                    settings.max_body_bytes
                ),
            )
        }
        Body::Text(t) => t,
    };
    if secret.is_empty() {
        return no_secret();
    }
    let token = match authorization.map(str::trim).and_then(|h| h.split_once(' ')) {
        Some((scheme, token))
            if scheme.eq_ignore_ascii_case("bearer") && !token.trim().is_empty() =>
        {
            token.trim()
        }
        _ if authorization.is_none() => return unauthorized("the Authorization header is missing"),
        _ => return unauthorized("the Authorization header must be 'Bearer <token>'"),
    };
    let claims = match jwt::verify(token, secret.as_bytes(), now_seconds) {
        Ok(c) => c,
        Err(r) => return unauthorized(r.reason()),
    };
    if url_bot_id != ALL_BOTS && url_bot_id != claims.bot_id {
        return forbidden(&format!(
            "the token is for bot \"{}\", not \"{url_bot_id}\"",
            claims.bot_id
        ));
    }
    match approve(&claims, text) {
        Ok(delivery) => Reply {
            status: 200,
            body: json!({ "status": "delivered" }),
            delivery: Some(delivery),
        },
        Err((400, why)) => refusal(400, "UIPATH_BAD_REQUEST", "BadRequestError", &why),
        Err((_, why)) => forbidden(&why),
    }
}

/// Body checks after authentication: 400 for a malformed body, 403 for a mismatch.
fn approve(claims: &CallbackClaims, text: &str) -> Result<Delivery, (u16, String)> {
    let bad = |why: &str| (400, why.to_string());
    let body: Map<String, Value> = match serde_json::from_str(text) {
        Ok(Value::Object(m)) => m,
        _ => {
            return Err(bad(
                "the body must be a JSON object {botId, channel, target, message}",
            ))
        }
    };
    let field = |name: &str, required: bool| -> Result<Option<String>, (u16, String)> {
        match fields::present(body.get(name)) {
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(bad(&format!("{name} must be a string"))),
            None if required => Err(bad(&format!("{name} is missing"))),
            None => Ok(None),
        }
    };
    let (bot_id, channel, target, thread_id) = (
        field("botId", true)?,
        field("channel", true)?,
        field("target", true)?,
        field("threadId", false)?,
    );
    let (bot_id, channel, target) = (
        bot_id.unwrap_or_default(),
        channel.unwrap_or_default(),
        target.unwrap_or_default(),
    );
    if bot_id != claims.bot_id {
        return Err((
            403,
            format!(
                "the token is for bot \"{}\", not \"{bot_id}\"",
                claims.bot_id
            ),
        ));
    }
    for (name, bound, given) in [
        ("channel", &claims.channel, &channel),
        ("target", &claims.target, &target),
    ] {
        if let Some(b) = bound {
            if b != given {
                return Err((
                    403,
                    format!("the token is bound to another {name} than \"{given}\""),
                ));
            }
        }
    }
    let thread_id = match (&claims.thread_id, thread_id) {
        (Some(bound), Some(given)) if *bound != given => {
            return Err((
                403,
                format!("the token is bound to another threadId than \"{given}\""),
            ))
        }
        (Some(bound), _) => Some(bound.clone()),
        (None, given) => given,
    };
    // The activity sends an object; a JSON string holding one is accepted too.
    let message = match body.get("message") {
        Some(Value::Object(m)) => Some(m.clone()),
        Some(Value::String(s)) => match serde_json::from_str(s) {
            Ok(Value::Object(m)) => Some(m),
            _ => None,
        },
        _ => None,
    }
    .ok_or_else(|| bad("message must be an object like {\"type\": \"text\", \"text\": \"…\"}"))?;
    match message.get("type") {
        Some(Value::String(t)) if !t.is_empty() => {
            if t == "text"
                && !matches!(message.get("text"), Some(Value::String(s)) if !s.is_empty())
            {
                return Err(bad("a text message needs a non-empty text"));
            }
        }
        _ => return Err(bad("message.type is missing")),
    }
    let mut destination = json!({ "botId": bot_id, "channel": channel, "target": target });
    if let Some(t) = thread_id {
        destination["threadId"] = json!(t);
    }
    Ok(Delivery {
        destination,
        message: Value::Object(message),
    })
}

// Never sign or verify with an empty key: any token would pass.
fn no_secret() -> Reply {
    refusal(
        500,
        "UIPATH_NO_SECRET",
        "InternalError",
        "the uipath module has no signing secret (APP_SECRET or callbackSecret)",
    )
}

fn refusal(status: u16, code: &str, kind: &str, message: &str) -> Reply {
    Reply {
        status,
        body: json!({ "statusCode": status, "errorCode": code, "type": kind, "message": message }),
        delivery: None,
    }
}

// Botpress's own shape and code for a refused token (BP_0041), as the original module answers.
fn unauthorized(why: &str) -> Reply {
    refusal(
        401,
        "BP_0041",
        "UnauthorizedError",
        &format!("Unauthorized: {why}"),
    )
}

fn forbidden(why: &str) -> Reply {
    refusal(
        403,
        "UIPATH_FORBIDDEN",
        "ForbiddenError",
        &format!("Forbidden: {why}"),
    )
}

/// `65536`, `'64kb'`, `'1mb'` → bytes.
fn parse_size(text: &str) -> Result<u64> {
    let t = text.trim().to_ascii_lowercase();
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (n, unit) = t.split_at(split);
    let factor = match unit.trim() {
        "" | "b" => 1,
        "kb" => 1024,
        "mb" => 1024 * 1024,
        _ => 0,
    };
    match n.parse::<u64>() {
        Ok(v) if factor > 0 && v > 0 => Ok(v * factor),
        _ => Err(Error::config(format!(
            "maxBodySize must be a size like 65536, '64kb' or '1mb', got \"{text}\""
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "app-secret";

    fn settings() -> RouteSettings {
        RouteSettings::parse(&json!({})).unwrap()
    }

    fn token(query: Value) -> String {
        let r = issue_token(&settings(), SECRET, "bot-1", &query, 1000, "j");
        assert_eq!(r.status, 200, "{}", r.body);
        r.body["token"].as_str().unwrap().to_string()
    }

    fn post(url_bot: &str, auth: Option<&str>, body: Value) -> Reply {
        check_callback(
            &settings(),
            SECRET,
            url_bot,
            auth,
            Body::Text(&body.to_string()),
            1100,
        )
    }

    fn callback(extra: Value) -> Value {
        let mut b = json!({"botId": "bot-1", "channel": "web", "target": "u1", "message": {"type": "text", "text": "hi"}});
        for (k, v) in extra.as_object().unwrap() {
            b[k] = v.clone();
        }
        b
    }

    #[test]
    fn settings_defaults_and_errors() {
        let s = settings();
        assert_eq!(
            (s.default_expires_in, s.max_expires_in, s.max_body_bytes),
            (3600, 86_400, 65_536)
        );
        let s = RouteSettings::parse(&json!({"maxBodySize": "1mb", "maxExpiresIn": "2h"})).unwrap();
        assert_eq!((s.max_body_bytes, s.max_expires_in), (1 << 20, 7200));
        assert!(RouteSettings::parse(&json!({"maxBodySize": "huge"}))
            .unwrap_err()
            .message()
            .contains("maxBodySize"));
    }

    #[test]
    fn issued_tokens_are_capped_and_bound() {
        let t =
            token(json!({"expiresIn": "30d", "channel": "web", "target": "u1", "threadId": "t9"}));
        let c = jwt::verify(&t, SECRET.as_bytes(), 1000).unwrap();
        assert_eq!(c.exp - c.iat, 86_400, "capped at maxExpiresIn");
        assert_eq!(
            (c.channel.as_deref(), c.thread_id.as_deref()),
            (Some("web"), Some("t9"))
        );
        let r = issue_token(&settings(), SECRET, ALL_BOTS, &json!({}), 1000, "j");
        assert_eq!(r.status, 400);
        let r = issue_token(
            &settings(),
            SECRET,
            "bot-1",
            &json!({"expiresIn": "soon"}),
            1000,
            "j",
        );
        assert_eq!(r.status, 400);
        assert!(r.body["message"].as_str().unwrap().contains("expiresIn"));
        assert_eq!(
            issue_token(&settings(), "", "bot-1", &json!({}), 1000, "j").status,
            500
        );
    }

    #[test]
    fn the_callback_activity_request_is_delivered_with_the_bound_thread() {
        let t = token(json!({"channel": "web", "target": "u1", "threadId": "t9"}));
        let r = post(ALL_BOTS, Some(&format!("bearer {t}")), callback(json!({})));
        assert_eq!(r.status, 200);
        let d = r.delivery.unwrap();
        assert_eq!(
            d.destination,
            json!({"botId": "bot-1", "channel": "web", "target": "u1", "threadId": "t9"})
        );
        assert_eq!(d.message, json!({"type": "text", "text": "hi"}));
    }

    #[test]
    fn refusals_have_their_status_and_never_deliver() {
        let t = token(json!({"channel": "web", "target": "u1", "threadId": "t9"}));
        let auth = format!("Bearer {t}");
        let cases: Vec<(Reply, u16)> = vec![
            (post(ALL_BOTS, None, callback(json!({}))), 401),
            (post(ALL_BOTS, Some("Token abc"), callback(json!({}))), 401),
            (post(ALL_BOTS, Some("Bearer "), callback(json!({}))), 401),
            (
                post(ALL_BOTS, Some("Bearer x.y.z"), callback(json!({}))),
                401,
            ),
            (post("bot-2", Some(&auth), callback(json!({}))), 403),
            (
                post(ALL_BOTS, Some(&auth), callback(json!({"botId": "bot-2"}))),
                403,
            ),
            (
                post(ALL_BOTS, Some(&auth), callback(json!({"target": "u2"}))),
                403,
            ),
            (
                post(
                    ALL_BOTS,
                    Some(&auth),
                    callback(json!({"channel": "telegram"})),
                ),
                403,
            ),
            (
                post(ALL_BOTS, Some(&auth), callback(json!({"threadId": "t10"}))),
                403,
            ),
            (
                post(
                    ALL_BOTS,
                    Some(&auth),
                    callback(json!({"message": {"text": "no type"}})),
                ),
                400,
            ),
            (
                post(
                    ALL_BOTS,
                    Some(&auth),
                    callback(json!({"message": {"type": "text"}})),
                ),
                400,
            ),
            (
                post(ALL_BOTS, Some(&auth), callback(json!({"message": 5}))),
                400,
            ),
            (
                post(ALL_BOTS, Some(&auth), callback(json!({"target": null}))),
                400,
            ),
            (post(ALL_BOTS, Some(&auth), json!([1])), 400),
            (
                check_callback(
                    &settings(),
                    SECRET,
                    ALL_BOTS,
                    Some(&auth),
                    Body::TooLarge,
                    1100,
                ),
                413,
            ),
            (
                check_callback(
                    &settings(),
                    SECRET,
                    ALL_BOTS,
                    Some(&auth),
                    Body::Text(&callback(json!({})).to_string()),
                    1000 + 3600 + 31,
                ),
                401,
            ),
        ];
        for (i, (reply, status)) in cases.into_iter().enumerate() {
            assert_eq!(reply.status, status, "case {i}: {}", reply.body);
            assert!(reply.delivery.is_none(), "case {i}");
            assert!(reply.body["message"].is_string(), "case {i}");
        }
    }

    #[test]
    fn an_unbound_token_passes_the_bodys_thread_on() {
        let t = token(json!({}));
        let r = post(
            ALL_BOTS,
            Some(&format!("bearer {t}")),
            callback(json!({"threadId": "t1"})),
        );
        assert_eq!(r.delivery.unwrap().destination["threadId"], "t1");
    }
}
