use super::*;
use crate::module::token_route::{issue_token, Caller, TokenRequest, SERVER_USER};

const KEY: &[u8] = b"derived-key";

fn settings() -> RouteSettings {
    RouteSettings::parse(&json!({})).unwrap()
}

fn token(query: Value) -> String {
    let caller = Caller {
        email: SERVER_USER.into(),
        ..Caller::default()
    };
    let request = TokenRequest {
        bot_id: "bot-1",
        query: &query,
        caller: &caller,
        now_seconds: 1000,
        jti: "j",
        request_id: "r",
    };
    let r = issue_token(&settings(), KEY, &request);
    assert_eq!(r.status, 200, "{}", r.body);
    r.body["token"].as_str().unwrap().to_string()
}

fn request<'a>(url_bot: &'a str, auth: Option<&'a str>, body: Body<'a>) -> CallbackRequest<'a> {
    CallbackRequest {
        url_bot_id: url_bot,
        authorization: auth,
        content_type: Some("application/json"),
        body,
        now_seconds: 1100,
        request_id: "r",
    }
}

fn post_with(settings: &RouteSettings, auth: Option<&str>, body: Value) -> Reply {
    let text = body.to_string();
    check_callback(settings, KEY, &request(ALL_BOTS, auth, Body::Text(&text)))
}

fn post(url_bot: &str, auth: Option<&str>, body: Value) -> Reply {
    let text = body.to_string();
    check_callback(&settings(), KEY, &request(url_bot, auth, Body::Text(&text)))
}

fn callback(extra: Value) -> Value {
    let mut b = json!({"botId": "bot-1", "channel": "web", "target": "u1", "message": {"type": "text", "text": "hi"}});
    for (k, v) in extra.as_object().unwrap() {
        b[k] = v.clone();
    }
    b
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
fn a_robot_s_task_nudge_names_its_task_and_the_token_s_bot_and_delivers_nothing() {
    let t = token(json!({"channel": "web", "target": "u1"}));
    let auth = format!("bearer {t}");
    let r = post(
        ALL_BOTS,
        Some(&auth),
        json!({"type": "uipath-task", "taskId": 42}),
    );
    let nudge = Nudge {
        bot_id: "bot-1".into(),
        task_id: 42,
    };
    assert_eq!((r.status, r.nudge), (200, Some(nudge)));
    assert!(r.delivery.is_none());
    let bad = post(
        ALL_BOTS,
        Some(&auth),
        json!({"type": "uipath-task", "taskId": "x"}),
    );
    assert_eq!((bad.status, bad.nudge), (400, None));
    let forged = post(
        ALL_BOTS,
        Some("bearer a.b.c"),
        json!({"type": "uipath-task", "taskId": 42}),
    );
    assert_eq!((forged.status, forged.nudge), (401, None));
}

#[test]
fn a_plain_string_message_is_said_as_text() {
    let t = token(json!({"channel": "web", "target": "u1", "threadId": "t9"}));
    let auth = format!("bearer {t}");
    // What the activity's Newtonsoft.Json writes for a string Message: `text` null.
    let r = post(
        ALL_BOTS,
        Some(&auth),
        json!({"text": null, "message": "Invoice INV-0042 found", "channel": "web", "target": "u1", "botId": "bot-1"}),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(
        r.delivery.unwrap().message,
        json!({"type": "text", "text": "Invoice INV-0042 found"})
    );
    // A string holding a payload is that payload, as before.
    let r = post(
        ALL_BOTS,
        Some(&auth),
        callback(json!({"message": "{\"type\":\"image\",\"image\":\"x\"}"})),
    );
    assert_eq!(r.delivery.unwrap().message["type"], "image");
    for bad in [json!(""), json!(5), json!(null), json!(["a"])] {
        let r = post(ALL_BOTS, Some(&auth), callback(json!({ "message": bad })));
        assert_eq!(r.status, 400, "{bad}");
        assert!(r.delivery.is_none());
    }
}

#[test]
fn refusals_have_their_status_and_never_deliver() {
    let t = token(json!({"channel": "web", "target": "u1", "threadId": "t9"}));
    let auth = format!("Bearer {t}");
    let auth = Some(auth.as_str());
    let ok = callback(json!({})).to_string();
    let cases: Vec<(Reply, u16)> = vec![
        (post(ALL_BOTS, None, callback(json!({}))), 401),
        (post(ALL_BOTS, Some("Token abc"), callback(json!({}))), 401),
        (post(ALL_BOTS, Some("Bearer "), callback(json!({}))), 401),
        (
            post(ALL_BOTS, Some("Bearer x.y.z"), callback(json!({}))),
            401,
        ),
        (post("bot-2", auth, callback(json!({}))), 403),
        (
            post(ALL_BOTS, auth, callback(json!({"botId": "bot-2"}))),
            403,
        ),
        (post(ALL_BOTS, auth, callback(json!({"target": "u2"}))), 403),
        (
            post(ALL_BOTS, auth, callback(json!({"channel": "telegram"}))),
            403,
        ),
        (
            post(ALL_BOTS, auth, callback(json!({"threadId": "t10"}))),
            403,
        ),
        (
            post(
                ALL_BOTS,
                auth,
                callback(json!({"message": {"text": "no type"}})),
            ),
            400,
        ),
        (
            post(
                ALL_BOTS,
                auth,
                callback(json!({"message": {"type": "text"}})),
            ),
            400,
        ),
        (post(ALL_BOTS, auth, callback(json!({"message": 5}))), 400),
        (post(ALL_BOTS, auth, callback(json!({"target": null}))), 400),
        (post(ALL_BOTS, auth, json!([1])), 400),
        (
            check_callback(&settings(), KEY, &request(ALL_BOTS, auth, Body::TooLarge)),
            413,
        ),
        (
            check_callback(&settings(), KEY, &request(ALL_BOTS, None, Body::TimedOut)),
            408,
        ),
        (
            check_callback(
                &settings(),
                KEY,
                &CallbackRequest {
                    content_type: Some("application/x-www-form-urlencoded"),
                    ..request(ALL_BOTS, auth, Body::Text("botId=bot-1"))
                },
            ),
            415,
        ),
        (
            check_callback(
                &settings(),
                KEY,
                &CallbackRequest {
                    now_seconds: 1000 + 3600 + 31,
                    ..request(ALL_BOTS, auth, Body::Text(&ok))
                },
            ),
            401,
        ),
        (
            check_callback(&settings(), b"", &request(ALL_BOTS, auth, Body::Text(&ok))),
            500,
        ),
    ];
    for (i, (reply, status)) in cases.into_iter().enumerate() {
        assert_eq!(reply.status, status, "case {i}: {}", reply.body);
        assert!(reply.delivery.is_none(), "case {i}");
        assert!(reply.body["message"].is_string(), "case {i}");
        assert!(reply.log.is_some(), "case {i}: a refusal is logged");
    }
}

#[test]
fn a_body_botpress_already_parsed_is_used_when_it_is_json() {
    let t = token(json!({"channel": "web", "target": "u1"}));
    let auth = format!("bearer {t}");
    let parsed = callback(json!({}));
    let r = check_callback(
        &settings(),
        KEY,
        &request(ALL_BOTS, Some(&auth), Body::Parsed(&parsed)),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.delivery.is_some());
}

/// A parsed body that counts how often it is read.
struct Counted(std::cell::Cell<u32>, Value);

impl crate::module::body::ParsedBody for Counted {
    fn json_text(&self) -> Option<String> {
        self.0.set(self.0.get() + 1);
        Some(self.1.to_string())
    }
}

#[test]
fn a_parsed_body_is_not_read_before_the_token_is_verified() {
    let parsed = Counted(Default::default(), callback(json!({})));
    for auth in [None, Some("bearer nope"), Some("Basic x")] {
        let r = check_callback(
            &settings(),
            KEY,
            &request(ALL_BOTS, auth, Body::Parsed(&parsed)),
        );
        assert_eq!(r.status, 401);
    }
    assert_eq!(parsed.0.get(), 0, "no conversion for an anonymous request");
    // Nested far deeper than serde_json's limit of 128: refused as malformed, once
    // authenticated.
    let t = token(json!({"channel": "web", "target": "u1"}));
    let auth = format!("bearer {t}");
    let text = format!("{}{}{}", "[".repeat(5000), "1", "]".repeat(5000));
    struct Deep(String);
    impl crate::module::body::ParsedBody for Deep {
        fn json_text(&self) -> Option<String> {
            Some(self.0.clone())
        }
    }
    let r = check_callback(
        &settings(),
        KEY,
        &request(ALL_BOTS, Some(&auth), Body::Parsed(&Deep(text))),
    );
    assert_eq!(r.status, 400);
}

#[test]
fn a_token_without_a_thread_refuses_a_thread_in_the_body() {
    let t = token(json!({"channel": "web", "target": "u1"}));
    let auth = format!("bearer {t}");
    let r = post(ALL_BOTS, Some(&auth), callback(json!({"threadId": "t1"})));
    assert_eq!(r.status, 403);
    assert!(r.body["message"]
        .as_str()
        .unwrap()
        .contains("not bound to a thread"));
    let r = post(ALL_BOTS, Some(&auth), callback(json!({})));
    assert_eq!(r.status, 200);
    assert!(r.delivery.unwrap().destination.get("threadId").is_none());
}

#[test]
fn prototype_keys_never_reach_the_delivered_message() {
    let t = token(json!({}));
    let auth = format!("bearer {t}");
    let body = r#"{"botId":"bot-1","channel":"web","target":"u1","message":{"type":"text","text":"hi","__proto__":{"polluted":true},"nested":[{"__proto__":{"x":1},"ok":1}]}}"#;
    let r = check_callback(
        &settings(),
        KEY,
        &request(ALL_BOTS, Some(&auth), Body::Text(body)),
    );
    assert_eq!(
        r.delivery.unwrap().message,
        json!({"type": "text", "text": "hi", "nested": [{"ok": 1}]})
    );
}

#[test]
fn allowed_message_types_narrow_what_robots_post() {
    let t = token(json!({}));
    let auth = format!("bearer {t}");
    let narrow = RouteSettings::parse(&json!({"allowedMessageTypes": ["text"]})).unwrap();
    let custom = callback(json!({"message": {"type": "custom", "module": "x"}}));
    assert_eq!(
        post_with(&settings(), Some(&auth), custom.clone()).status,
        200
    );
    let r = post_with(&narrow, Some(&auth), custom);
    assert_eq!(r.status, 400);
    assert!(r.body["message"]
        .as_str()
        .unwrap()
        .contains("allowedMessageTypes"));
    assert_eq!(
        post_with(&narrow, Some(&auth), callback(json!({}))).status,
        200
    );
}

#[test]
fn attacker_text_is_quoted_in_messages_and_logs() {
    let t = token(json!({"channel": "web", "target": "u1"}));
    let auth = format!("bearer {t}");
    let r = post(
        ALL_BOTS,
        Some(&auth),
        callback(json!({"target": "u2\n[uipath] forged line"})),
    );
    assert_eq!(r.status, 403);
    let log = r.log.unwrap();
    assert!(!log.contains('\n'), "{log}");
    assert!(log.contains(r#""u2\n[uipath] forged line""#), "{log}");
}
