//! The jobs calls over a fake transport with a virtual clock: request shapes, the wait's
//! pacing and deadline, stopping by id and key, not-found answers, and no secret in errors.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "common/fake.rs"]
mod fake;

use std::cell::Cell;
use std::rc::Rc;

use botpress_uipath::config::{JobCall, JobQuery};
use botpress_uipath::error::ErrorCode;
use botpress_uipath::flow::{self, TokenCache};
use botpress_uipath::http::{Method, Response};
use fake::{ok, Fake};
use futures_executor::block_on;
use serde_json::json;
use serde_json::Value;

const KEY: &str = "0f8fad5b-d9cb-469f-a165-70867728950e";

fn query(call: JobCall, args: Value) -> JobQuery {
    let mut a = json!({
        "organization": "acme", "tenant": "Dev", "folder": "Shared",
        "auth": {"clientId": "app-id", "clientSecret": "CLIENT-SECRET-XYZ"}
    });
    for (k, v) in args.as_object().unwrap() {
        a[k] = v.clone();
    }
    JobQuery::parse(call, &a, &json!({})).unwrap()
}

fn job(id: i64, state: &str) -> Value {
    json!({"@odata.context": "…/$metadata#Jobs/$entity", "Id": id, "Key": format!("key-{id}"), "State": state,
           "Info": if state == "Faulted" { "Invoice not found" } else { "" },
           "OutputArguments": if state == "Successful" { json!("{\"paid\":true}") } else { Value::Null },
           "StartTime": "2026-11-27T10:00:00Z", "EndTime": Value::Null, "ReleaseName": "InvoiceBot_Prod", "Reference": "botpress:bot-1:x"})
}

fn identity() -> Fake {
    Fake::new().route(Method::Post, "/identity_/connect/token", |_, _| {
        ok(
            200,
            json!({"access_token": "AT-1", "expires_in": 3600, "token_type": "Bearer"}),
        )
    })
}

#[test]
fn get_reads_one_job_by_id_with_its_output() {
    let fake = identity().route(Method::Get, "/odata/Jobs(42)", |_, _| {
        ok(200, job(42, "Successful"))
    });
    let out = block_on(flow::get_job(
        &fake,
        &TokenCache::default(),
        &query(JobCall::Get, json!({"jobId": 42})),
    ))
    .unwrap();
    assert_eq!(out.job.state, "Successful");
    assert_eq!(out.job.output_arguments, Some(json!({"paid": true})));
    assert_eq!(out.job.release_name, "InvoiceBot_Prod");
    let r = fake.last("/odata/Jobs(42)");
    assert_eq!(
        r.url,
        "https://cloud.uipath.com/acme/Dev/orchestrator_/odata/Jobs(42)"
    );
    assert_eq!(r.header_value("X-UIPATH-FolderPath"), Some("Shared"));
    assert_eq!(r.header_value("Authorization"), Some("Bearer AT-1"));
    assert_eq!(fake.sent.borrow().len(), 2, "token + one read");
}

#[test]
fn get_by_key_uses_get_by_key() {
    let fake = identity().route(Method::Get, "GetByKey", |_, _| ok(200, job(5, "Running")));
    let out = block_on(flow::get_job(
        &fake,
        &TokenCache::default(),
        &query(JobCall::Get, json!({"jobKey": KEY})),
    ))
    .unwrap();
    assert_eq!(out.job.id, 5);
    assert!(fake.last("GetByKey").url.ends_with(&format!(
        "/odata/Jobs/UiPath.Server.Configuration.OData.GetByKey(identifier={KEY})"
    )));
}

#[test]
fn an_unknown_job_is_job_not_found_without_secrets() {
    let fake = identity().route(Method::Get, "/odata/Jobs(", |_, _| {
        ok(404, json!({"message": "Job does not exist. CLIENT-SECRET-XYZ", "errorCode": 1002, "traceId": "tr-1"}))
    });
    let err = block_on(flow::get_job(
        &fake,
        &TokenCache::default(),
        &query(JobCall::Get, json!({"jobId": 9})),
    ))
    .unwrap_err();
    assert_eq!(err.code, ErrorCode::JobNotFound);
    assert_eq!(
        (err.status, err.trace_id.as_deref()),
        (Some(404), Some("tr-1"))
    );
    assert!(
        err.message()
            .contains("job 9 does not exist in folder \"Shared\""),
        "{}",
        err.message()
    );
    assert!(
        !format!("{err:?}").contains("CLIENT-SECRET-XYZ") && !format!("{err:?}").contains("AT-1")
    );
}

#[test]
fn malformed_output_arguments_are_null_with_a_warning() {
    let fake = identity().route(Method::Get, "/odata/Jobs(", |_, _| {
        let mut j = job(3, "Successful");
        j["OutputArguments"] = json!("{oops");
        ok(200, j)
    });
    let out = block_on(flow::get_job(
        &fake,
        &TokenCache::default(),
        &query(JobCall::Get, json!({"jobId": 3})),
    ))
    .unwrap();
    assert_eq!(out.job.output_arguments, None);
    assert_eq!(out.warnings.len(), 1);
}

#[test]
fn wait_reads_after_a_second_then_less_often_up_to_poll_ms() {
    let states = [
        "Pending",
        "Running",
        "Running",
        "Running",
        "Running",
        "Successful",
    ];
    let fake = identity().route(Method::Get, "/odata/Jobs(", move |_, n| {
        ok(200, job(7, states[(n - 1).min(5)]))
    });
    let out = block_on(flow::wait_for_job(
        &fake,
        &TokenCache::default(),
        &query(JobCall::Wait, json!({"jobId": 7, "pollMs": 3000})),
    ))
    .unwrap();
    assert_eq!(out.job.state, "Successful");
    let times: Vec<u64> = fake.sent_at.borrow()[1..].to_vec();
    let gaps: Vec<u64> = times.windows(2).map(|w| w[1] - w[0]).collect();
    assert_eq!(gaps, vec![1000, 1500, 2250, 3000, 3000]);
}

#[test]
fn wait_past_its_deadline_is_a_timeout_carrying_the_last_state() {
    let fake = identity().route(Method::Get, "/odata/Jobs(", |_, _| {
        ok(200, job(7, "Running"))
    });
    let start = fake.clock.get();
    let err = block_on(flow::wait_for_job(
        &fake,
        &TokenCache::default(),
        &query(JobCall::Wait, json!({"jobId": 7, "timeoutMs": 10000})),
    ))
    .unwrap_err();
    assert_eq!(err.code, ErrorCode::Timeout);
    let last = err.job.as_ref().unwrap();
    assert_eq!((last.id, last.state.as_str()), (7, "Running"));
    assert!(fake.clock.get() - start <= 10000, "never past timeoutMs");
    let reads = fake.count("/odata/Jobs(");
    assert!((4..=6).contains(&reads), "{reads} reads in 10 s");
}

#[test]
fn a_short_wait_uses_its_whole_timeout_with_a_shorter_last_pause() {
    // timeoutMs 3000: reads at 0, 1 s and 2.5 s (the last pause cut from 1.5 s to what
    // leaves 500 ms for the read), not a TIMEOUT after the second read at 1 s.
    let fake = identity().route(Method::Get, "/odata/Jobs(", |_, _| {
        ok(200, job(7, "Running"))
    });
    let start = fake.clock.get();
    let err = block_on(flow::wait_for_job(
        &fake,
        &TokenCache::default(),
        &query(JobCall::Wait, json!({"jobId": 7, "timeoutMs": 3000})),
    ))
    .unwrap_err();
    assert_eq!(err.code, ErrorCode::Timeout);
    let reads: Vec<u64> = fake.sent_at.borrow()[1..]
        .iter()
        .map(|t| t - start)
        .collect();
    assert_eq!(reads, vec![0, 1000, 2500]);
}

#[test]
fn wait_honours_retry_after() {
    let fake = identity().route(Method::Get, "/odata/Jobs(", |_, n| match n {
        1 => Ok(Response {
            status: 429,
            headers: vec![("retry-after".into(), "4".into())],
            body: "{}".into(),
        }),
        _ => ok(200, job(7, "Faulted")),
    });
    let out = block_on(flow::wait_for_job(
        &fake,
        &TokenCache::default(),
        &query(JobCall::Wait, json!({"jobId": 7})),
    ))
    .unwrap();
    assert_eq!(
        (out.job.state.as_str(), out.job.info.as_deref()),
        ("Faulted", Some("Invoice not found"))
    );
    let t = fake.sent_at.borrow();
    assert_eq!(t[2] - t[1], 4000);
}

#[test]
fn concurrent_waits_each_get_their_own_job() {
    let fake = identity().route(Method::Get, "/odata/Jobs(", |r, n| {
        let id: i64 = r
            .url
            .rsplit('(')
            .next()
            .unwrap()
            .trim_end_matches(')')
            .parse()
            .unwrap();
        ok(200, job(id, if n > 4 { "Successful" } else { "Running" }))
    });
    let cache = TokenCache::default();
    let (qa, qb) = (
        query(JobCall::Wait, json!({"jobId": 1})),
        query(JobCall::Wait, json!({"jobId": 2})),
    );
    let (a, b) = block_on(futures_util::future::join(
        flow::wait_for_job(&fake, &cache, &qa),
        flow::wait_for_job(&fake, &cache, &qb),
    ));
    assert_eq!((a.unwrap().job.id, b.unwrap().job.id), (1, 2));
    assert_eq!(
        fake.count("/identity_/connect/token"),
        1,
        "one token request, shared"
    );
}

#[test]
fn stop_by_id_then_reads_the_job() {
    let stopped = Rc::new(Cell::new(false));
    let s2 = stopped.clone();
    let fake = identity()
        .route(Method::Post, "StopJobs", move |_, _| {
            s2.set(true);
            ok(200, json!({}))
        })
        .route(Method::Get, "/odata/Jobs(", {
            let s = stopped.clone();
            move |_, _| ok(200, job(11, if s.get() { "Stopping" } else { "Running" }))
        });
    let out = block_on(flow::stop_job(
        &fake,
        &TokenCache::default(),
        &query(JobCall::Stop, json!({"jobId": 11, "strategy": "Kill"})),
    ))
    .unwrap();
    assert_eq!(out.job.state, "Stopping");
    let r = fake.last("StopJobs");
    assert!(r
        .url
        .ends_with("/odata/Jobs/UiPath.Server.Configuration.OData.StopJobs"));
    let body: Value = serde_json::from_str(r.body.as_ref().unwrap().expose()).unwrap();
    assert_eq!(body, json!({"jobIds": [11], "strategy": "Kill"}));
    assert_eq!(r.header_value("X-UIPATH-FolderPath"), Some("Shared"));
}

#[test]
fn stop_by_key_looks_the_id_up_first() {
    let fake = identity()
        .route(Method::Get, "GetByKey", |_, _| ok(200, job(12, "Running")))
        .route(Method::Post, "StopJobs", |_, _| ok(200, json!({})))
        .route(Method::Get, "/odata/Jobs(12)", |_, _| {
            ok(200, job(12, "Stopped"))
        });
    let out = block_on(flow::stop_job(
        &fake,
        &TokenCache::default(),
        &query(JobCall::Stop, json!({"jobKey": KEY})),
    ))
    .unwrap();
    assert_eq!(out.job.state, "Stopped");
    let order: Vec<String> = fake.sent.borrow().iter().map(|r| r.describe()).collect();
    assert!(
        order[1].contains("GetByKey")
            && order[2].contains("StopJobs")
            && order[3].ends_with("Jobs(12)"),
        "{order:?}"
    );
    let body: Value =
        serde_json::from_str(fake.last("StopJobs").body.as_ref().unwrap().expose()).unwrap();
    assert_eq!(body, json!({"jobIds": [12], "strategy": "SoftStop"}));
}

#[test]
fn stopping_an_unknown_job_is_job_not_found() {
    let fake = identity().route(Method::Post, "StopJobs", |_, _| {
        ok(404, json!({"message": "not found", "errorCode": 1002}))
    });
    let err = block_on(flow::stop_job(
        &fake,
        &TokenCache::default(),
        &query(JobCall::Stop, json!({"jobId": 99})),
    ))
    .unwrap_err();
    assert_eq!(err.code, ErrorCode::JobNotFound);
}

#[test]
fn a_refused_cached_token_is_replaced_once() {
    let fake = Fake::new()
        .route(Method::Post, "/identity_/connect/token", |_, n| {
            ok(200, json!({"access_token": format!("AT-{n}"), "expires_in": 3600, "token_type": "Bearer"}))
        })
        .route(Method::Get, "/odata/Jobs(", |r, _| {
            if r.header_value("Authorization") == Some("Bearer AT-1") {
                ok(401, json!({"message": "revoked"}))
            } else {
                ok(200, job(1, "Running"))
            }
        });
    let cache = TokenCache::default();
    let q = query(JobCall::Get, json!({"jobId": 1}));
    // The first call gets AT-1 fresh: a 401 on a fresh token is not retried.
    let err = block_on(flow::get_job(&fake, &cache, &q)).unwrap_err();
    assert_eq!(err.code, ErrorCode::AuthFailed);
    // The second call has AT-1 from the cache: refused, replaced by AT-2, read again.
    let out = block_on(flow::get_job(&fake, &cache, &q)).unwrap();
    assert_eq!(out.job.state, "Running");
    assert_eq!(fake.count("/identity_/connect/token"), 2);
}
