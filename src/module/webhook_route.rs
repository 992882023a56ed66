//! `POST /api/v1/bots/___/mod/uipath/webhook`: Orchestrator's webhook calls. Verifies
//! `X-UiPath-Signature` (base64 HMAC-SHA256 of the raw body under `webhookSecret`, in
//! constant time) before reading anything, then takes the jobs that `job.completed`,
//! `job.faulted` and `job.stopped` name. Any other event answers 200 and does nothing:
//! Orchestrator disables a webhook that fails.
//!
//! **A webhook is a signal, Orchestrator is the source.** One secret signs for every
//! tenant that uses it, and UiPath documents that the events' argument fields may be
//! `null` or `{}`: so only the job's id and key are taken from the body. The module reads
//! the job from Orchestrator, with the bot's own connection, before it delivers anything
//! (`js-shim/module/src/backend/job-ends.js`).

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use hmac::Mac;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::body::{self, Body};
use super::job_end::JobEndSettings;
use super::log::quote;
use super::reply::Reply;
use super::settings::RouteSettings;
use crate::jwt;

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

/// The answer, and the jobs and queue items to look at (only when the call was verified).
#[derive(Debug, Clone, PartialEq)]
pub struct WebhookReply {
    /// What the route answers.
    pub reply: Reply,
    /// The jobs an ending event names; the backend reads those it tracks from
    /// Orchestrator and delivers the ends it finds there.
    pub jobs: Vec<JobSignal>,
    /// The queue items an ending event names, likewise.
    pub queue_items: Vec<QueueItemSignal>,
}

/// A queue item a webhook says has ended: which one, nothing else.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct QueueItemSignal {
    /// Orchestrator's numeric id.
    pub queue_item_id: i64,
    /// The GUID, lower case.
    pub queue_item_key: String,
}

/// A job a webhook says has ended: which one, nothing else.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct JobSignal {
    /// Orchestrator's numeric id.
    pub job_id: i64,
    /// The GUID, lower case.
    pub job_key: String,
}

/// The fields of a webhook event the route reads; the rest of Orchestrator's envelope
/// is ignored. `Job` (one job) or `Jobs` (one, or a list) are read for `Id` and `Key`
/// alone: their state and arguments are never used.
#[derive(Debug, Deserialize)]
struct Event {
    #[serde(rename = "Type", default)]
    kind: Option<String>,
    #[serde(rename = "Job", default)]
    job: Option<Value>,
    #[serde(rename = "Jobs", default)]
    jobs: Option<Value>,
    #[serde(rename = "QueueItem", default)]
    queue_item: Option<Value>,
    #[serde(rename = "QueueItems", default)]
    queue_items: Option<Value>,
}

/// `{ Id, Key }` of each entity of `Job`/`Jobs` (or `QueueItem`/`QueueItems`): one, or
/// a list; `None` when one of them has no `Id` and `Key`.
fn ids_and_keys(one: Option<Value>, many: Option<Value>) -> Option<Vec<(i64, String)>> {
    let entities = match one.or(many) {
        Some(Value::Array(list)) => list,
        Some(single) => vec![single],
        None => Vec::new(),
    };
    entities
        .iter()
        .map(|e| {
            Some((
                e.get("Id")?.as_i64()?,
                e.get("Key")?.as_str()?.to_ascii_lowercase(),
            ))
        })
        .collect()
}

impl From<Reply> for WebhookReply {
    fn from(reply: Reply) -> Self {
        WebhookReply {
            reply,
            jobs: Vec::new(),
            queue_items: Vec::new(),
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
        return Reply::unauthorized(if settings.webhook_secret_too_short {
            "the module's webhookSecret is shorter than 16 characters, so it accepts no webhook call"
        } else {
            "the module has no webhookSecret, so it accepts no webhook call"
        })
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
    // Content type, size and shape as for any JSON body; then the fields we read.
    if let Err(refusal) = body::json_object(
        Body::Text(text),
        request.content_type,
        routes.max_body_bytes,
        expected,
    ) {
        return refusal.into();
    }
    let Ok(event) = serde_json::from_str::<Event>(text) else {
        return Reply::bad_request("the body is not an Orchestrator webhook event").into();
    };
    let kind = event.kind.unwrap_or_default();
    let (one, many) = match Ends::of(&kind) {
        Some(Ends::Jobs) => (event.job, event.jobs),
        Some(Ends::QueueItems) => (event.queue_item, event.queue_items),
        None => return WebhookReply::from(Reply::ok(json!({ "received": true, "delivered": 0 }))),
    };
    match ids_and_keys(one, many) {
        Some(named) if !named.is_empty() => {
            let mut reply = WebhookReply::from(Reply::ok(json!({ "received": true })));
            for (id, key) in named {
                match Ends::of(&kind) {
                    Some(Ends::Jobs) => reply.jobs.push(JobSignal {
                        job_id: id,
                        job_key: key,
                    }),
                    _ => reply.queue_items.push(QueueItemSignal {
                        queue_item_id: id,
                        queue_item_key: key,
                    }),
                }
            }
            reply
        }
        Some(_) => {
            Reply::bad_request(&format!("the {} event names no job", quote(&kind, 40))).into()
        }
        None => Reply::bad_request(&format!(
            "the {} event has a job without Id and Key",
            quote(&kind, 40)
        ))
        .into(),
    }
}

/// What an event says has ended.
enum Ends {
    /// `job.completed`, `job.faulted`, `job.stopped`.
    Jobs,
    /// `queueItem.transactionCompleted`, `.transactionFailed`, `.transactionAbandoned`.
    QueueItems,
}

impl Ends {
    fn of(kind: &str) -> Option<Ends> {
        match kind.to_ascii_lowercase().as_str() {
            "job.completed" | "job.faulted" | "job.stopped" => Some(Ends::Jobs),
            "queueitem.transactioncompleted"
            | "queueitem.transactionfailed"
            | "queueitem.transactionabandoned" => Some(Ends::QueueItems),
            _ => None,
        }
    }
}

/// Whether `signature` is the base64 HMAC-SHA256 of `body` under `secret`; compared in
/// constant time.
pub fn signed(secret: &[u8], body: &[u8], signature: &str) -> bool {
    let Ok(given) = STANDARD.decode(signature) else {
        return false;
    };
    jwt::mac(secret, body).verify_slice(&given).is_ok()
}

/// The signature Orchestrator sends for `body` (for the emulator's and the tests' use).
pub fn signature(secret: &[u8], body: &[u8]) -> String {
    STANDARD.encode(jwt::mac(secret, body).finalize().into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "whsec-0123456789abcdef";

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
    fn a_signed_completed_event_names_its_job_and_nothing_else() {
        let body = r#"{"Type":"job.completed","EventId":"e1","Job":{"Id":7,"Key":"0F8FAD5B-D9CB-469F-A165-70867728950E","State":"Successful","Info":"Job completed","OutputArguments":"{\"paid\":true}","Release":{"ProcessKey":"InvoiceBot"}},"TenantId":1}"#;
        let r = signed_call(body);
        assert_eq!(r.reply.status, 200);
        assert_eq!(
            r.jobs,
            vec![JobSignal {
                job_id: 7,
                job_key: "0f8fad5b-d9cb-469f-a165-70867728950e".into()
            }]
        );
        // State, Info and OutputArguments are not taken from the body.
        let out = serde_json::to_value(&r.jobs).unwrap();
        assert_eq!(
            out,
            json!([{"jobId": 7, "jobKey": "0f8fad5b-d9cb-469f-a165-70867728950e"}])
        );
    }

    #[test]
    fn jobs_as_a_list_or_an_object_whatever_their_arguments() {
        for (jobs, n) in [
            (
                r#""Jobs":[{"Id":1,"Key":"a","State":"Faulted","OutputArguments":null},{"Id":2,"Key":"b","State":"Faulted","OutputArguments":{}}]"#,
                2,
            ),
            (r#""Jobs":{"Id":3,"Key":"c","State":"Stopping"}"#, 1),
        ] {
            let r = signed_call(&format!(r#"{{"Type":"job.stopped",{jobs}}}"#));
            assert_eq!((r.reply.status, r.jobs.len()), (200, n), "{jobs}");
        }
    }

    #[test]
    fn other_events_are_acknowledged_and_do_nothing() {
        let r = signed_call(r#"{"Type":"job.started","Job":{"Id":1,"Key":"a","State":"Running"}}"#);
        assert_eq!((r.reply.status, r.jobs.len()), (200, 0));
        let r = signed_call(r#"{"Type":"queueItem.added","QueueItems":[{"Id":1,"Key":"a"}]}"#);
        assert_eq!(
            (r.reply.status, r.jobs.len(), r.queue_items.len()),
            (200, 0, 0)
        );
    }

    #[test]
    fn a_queue_item_s_end_names_the_item_and_nothing_else() {
        for kind in [
            "queueItem.transactionCompleted",
            "queueItem.transactionFailed",
        ] {
            let r = signed_call(&format!(
                r#"{{"Type":"{kind}","QueueItem":{{"Id":9001,"Key":"AB-C","Status":"Successful","Output":{{"paid":true}}}},"Queue":{{"Id":1,"Name":"Invoices"}}}}"#
            ));
            assert_eq!(r.reply.status, 200);
            assert_eq!(
                r.queue_items,
                vec![QueueItemSignal {
                    queue_item_id: 9001,
                    queue_item_key: "ab-c".into()
                }]
            );
            assert!(r.jobs.is_empty());
        }
        let r = signed_call(
            r#"{"Type":"queueItem.transactionAbandoned","QueueItems":[{"Id":1,"Key":"a"},{"Id":2,"Key":"b"}]}"#,
        );
        assert_eq!(r.queue_items.len(), 2);
        assert_eq!(
            signed_call(r#"{"Type":"queueItem.transactionFailed","QueueItem":{"Id":1}}"#)
                .reply
                .status,
            400
        );
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
