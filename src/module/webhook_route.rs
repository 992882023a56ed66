//! `POST /api/v1/bots/___/mod/uipath/webhook`: Orchestrator's webhook calls. Verifies
//! `X-UiPath-Signature` (base64 HMAC-SHA256 of the raw body under `webhookSecret`, in
//! constant time) before reading anything, then takes the job ends out of
//! `job.completed`, `job.faulted` and `job.stopped`. Any other event answers 200 and does
//! nothing: Orchestrator disables a webhook that fails.

use crate::json;
use crate::json::Value;
use hmac::Mac;

use super::body::{self, Body};
use super::job_end::{JobEnd, JobEndSettings};
use super::log::quote;
use super::reply::Reply;
use super::settings::RouteSettings;
use crate::json::ToJson;
use crate::jwt;
use crate::orchestrator::parse_job;

/// One webhook call, as the backend read it.
#[derive(Debug, Clone, Copy)]
pub struct WebhookRequest<'a> {
    /// `X-UiPath-Signature`.
    pub signature: Option<&'a str>,
    /// `Content-Type`.
    pub content_type: Option<&'a str>,
    /// The body: only raw text can be verified.
    pub body: Body<'a>,
}

/// The answer, and the job ends to deliver (only when the call was verified).
#[derive(Debug, Clone, PartialEq)]
pub struct WebhookReply {
    /// What the route answers.
    pub reply: Reply,
    /// The ends the event names; the backend delivers those it tracks.
    pub ends: Vec<JobEnd>,
}

impl ToJson for WebhookReply {
    /// The reply's fields, and `ends`.
    fn to_json(&self) -> Value {
        let mut out = self.reply.to_json();
        out["ends"] = self.ends.to_json();
        out
    }
}

impl From<Reply> for WebhookReply {
    fn from(reply: Reply) -> Self {
        WebhookReply {
            reply,
            ends: Vec::new(),
        }
    }
}

/// Checks a webhook call and reads the job ends out of it.
pub fn check_webhook(
    routes: &RouteSettings,
    settings: &JobEndSettings,
    request: &WebhookRequest<'_>,
) -> WebhookReply {
    let expected = "(an Orchestrator webhook event)";
    let text = match request.body {
        Body::TooLarge | Body::TimedOut => {
            return body::json_object(request.body, None, routes.max_body_bytes, expected)
                .err()
                .unwrap_or_else(|| Reply::bad_request("unreadable body"))
                .into()
        }
        // The raw bytes are gone: the signature cannot be checked.
        Body::Parsed(_) => return Reply::unauthorized(
            "the body was parsed before the module could verify its signature; register the webhook at /api/v1/bots/___/mod/uipath/webhook",
        )
        .into(),
        Body::Text(text) => text,
    };
    let Some(secret) = &settings.webhook_secret else {
        return Reply::unauthorized(
            "the module has no webhookSecret, so it accepts no webhook call",
        )
        .into();
    };
    match request.signature.map(str::trim) {
        None | Some("") => {
            return Reply::unauthorized("the X-UiPath-Signature header is missing").into()
        }
        Some(signature) if !signed(secret.expose().as_bytes(), text.as_bytes(), signature) => {
            return Reply::unauthorized("the X-UiPath-Signature does not match the body").into()
        }
        Some(_) => {}
    }
    let event = match body::json_object(
        Body::Text(text),
        request.content_type,
        routes.max_body_bytes,
        expected,
    ) {
        Ok(map) => map,
        Err(refusal) => return refusal.into(),
    };
    let kind = event
        .get("Type")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let Some(state) = end_state(kind) else {
        return WebhookReply::from(Reply::ok(json!({ "received": true, "delivered": 0 })));
    };
    let jobs: Vec<&Value> = match event.get("Job").or_else(|| event.get("Jobs")) {
        Some(Value::Array(list)) => list.iter().collect(),
        Some(job @ Value::Object(_)) => vec![job],
        _ => Vec::new(),
    };
    let mut ends = Vec::with_capacity(jobs.len());
    for job in jobs {
        match parse_job(job) {
            Ok(parsed) => {
                let mut details = parsed.job;
                // The event's type says how it ended, whatever State the copy carries.
                if !crate::orchestrator::is_final(&details.state) {
                    details.state = state.to_string();
                }
                ends.extend(JobEnd::of(&details));
            }
            Err(_) => {
                return Reply::bad_request(&format!(
                    "the {} event has a job without Id, Key and State",
                    quote(kind, 40)
                ))
                .into()
            }
        }
    }
    if ends.is_empty() {
        return Reply::bad_request(&format!("the {} event names no job", quote(kind, 40))).into();
    }
    WebhookReply {
        reply: Reply::ok(json!({ "received": true })),
        ends,
    }
}

/// The state a job event ends a job in, for the three events that end one.
fn end_state(kind: &str) -> Option<&'static str> {
    match kind.to_ascii_lowercase().as_str() {
        "job.completed" => Some("Successful"),
        "job.faulted" => Some("Faulted"),
        "job.stopped" => Some("Stopped"),
        _ => None,
    }
}

/// Whether `signature` is the base64 HMAC-SHA256 of `body` under `secret`; compared in
/// constant time.
pub fn signed(secret: &[u8], body: &[u8], signature: &str) -> bool {
    let Some(given) = crate::base64::decode(signature) else {
        return false;
    };
    jwt::mac(secret, body).verify_slice(&given).is_ok()
}

/// The signature Orchestrator sends for `body` (for the emulator's and the tests' use).
pub fn signature(secret: &[u8], body: &[u8]) -> String {
    crate::base64::encode(jwt::mac(secret, body).finalize().into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "whsec";

    fn settings() -> (RouteSettings, JobEndSettings) {
        (
            RouteSettings::parse(&json!({"maxBodySize": "2kb"})).unwrap(),
            JobEndSettings::parse(&json!({"webhookSecret": SECRET})).unwrap(),
        )
    }

    fn call(body: &str, signature: Option<&str>) -> WebhookReply {
        let (routes, s) = settings();
        check_webhook(
            &routes,
            &s,
            &WebhookRequest {
                signature,
                content_type: Some("application/json; charset=utf-8"),
                body: Body::Text(body),
            },
        )
    }

    fn signed_call(body: &str) -> WebhookReply {
        call(body, Some(&signature(SECRET.as_bytes(), body.as_bytes())))
    }

    #[test]
    fn a_signed_completed_event_gives_its_end() {
        let body = r#"{"Type":"job.completed","EventId":"e1","Job":{"Id":7,"Key":"0F8FAD5B-D9CB-469F-A165-70867728950E","State":"Successful","Info":"Job completed","OutputArguments":"{\"paid\":true}","Release":{"ProcessKey":"InvoiceBot"}},"TenantId":1}"#;
        let r = signed_call(body);
        assert_eq!(r.reply.status, 200);
        assert_eq!(r.ends.len(), 1);
        let end = &r.ends[0];
        assert_eq!(end.job_key, "0f8fad5b-d9cb-469f-a165-70867728950e");
        assert_eq!(end.output_arguments, Some(json!({"paid": true})));
    }

    #[test]
    fn jobs_as_a_list_or_an_object_and_outputs_of_every_shape() {
        for (jobs, n) in [
            (
                r#""Jobs":[{"Id":1,"Key":"a","State":"Faulted","OutputArguments":null},{"Id":2,"Key":"b","State":"Faulted","OutputArguments":{}}]"#,
                2,
            ),
            (r#""Jobs":{"Id":3,"Key":"c","State":"Stopping"}"#, 1),
        ] {
            let r = signed_call(&format!(r#"{{"Type":"job.stopped",{jobs}}}"#));
            assert_eq!((r.reply.status, r.ends.len()), (200, n), "{jobs}");
        }
        let r =
            signed_call(r#"{"Type":"job.stopped","Jobs":{"Id":3,"Key":"c","State":"Stopping"}}"#);
        assert_eq!(r.ends[0].state, "Stopped");
    }

    #[test]
    fn other_events_are_acknowledged_and_do_nothing() {
        let r = signed_call(r#"{"Type":"job.started","Job":{"Id":1,"Key":"a","State":"Running"}}"#);
        assert_eq!((r.reply.status, r.ends.len()), (200, 0));
        let r = signed_call(r#"{"Type":"queueItem.added"}"#);
        assert_eq!((r.reply.status, r.ends.len()), (200, 0));
    }

    #[test]
    fn refusals() {
        let body = r#"{"Type":"job.completed","Job":{"Id":1,"Key":"a","State":"Successful"}}"#;
        assert_eq!(call(body, None).reply.status, 401);
        assert_eq!(call(body, Some("bm9wZQ==")).reply.status, 401);
        assert_eq!(call(body, Some("not base64!")).reply.status, 401);
        let other = signature(b"other secret", body.as_bytes());
        assert_eq!(call(body, Some(&other)).reply.status, 401);
        // One byte more than what was signed.
        let sig = signature(SECRET.as_bytes(), body.as_bytes());
        assert_eq!(call(&format!("{body} "), Some(&sig)).reply.status, 401);
        assert_eq!(signed_call("{oops").reply.status, 400);
        assert_eq!(signed_call(r#"{"Type":"job.completed"}"#).reply.status, 400);
        assert_eq!(
            signed_call(r#"{"Type":"job.completed","Job":{"Id":1}}"#)
                .reply
                .status,
            400
        );
        let (routes, s) = settings();
        let status = |body: Body<'_>, ct: Option<&str>, s: &JobEndSettings| {
            check_webhook(
                &routes,
                s,
                &WebhookRequest {
                    signature: Some(&sig),
                    content_type: ct,
                    body,
                },
            )
            .reply
            .status
        };
        assert_eq!(status(Body::TooLarge, None, &s), 413);
        assert_eq!(status(Body::TimedOut, None, &s), 408);
        assert_eq!(status(Body::Parsed(&json!({})), None, &s), 401);
        assert_eq!(
            status(
                Body::Text(body),
                Some("application/x-www-form-urlencoded"),
                &s
            ),
            415
        );
        let unset = JobEndSettings::parse(&json!({})).unwrap();
        let r = check_webhook(
            &routes,
            &unset,
            &WebhookRequest {
                signature: Some(&sig),
                content_type: None,
                body: Body::Text(body),
            },
        );
        assert_eq!(r.reply.status, 401);
        assert!(r.reply.log.unwrap().contains("webhookSecret"));
    }
}
