//! The module's poller over a fake transport: one `Jobs?$filter=Id in (…)` per folder and
//! page of 50, ends parsed, running and missing jobs told apart, a failed page reported
//! without stopping the others, one token for the whole round, no secret in an error.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "common/fake.rs"]
mod fake;

use botpress_uipath::config::Connection;
use botpress_uipath::fields::Layers;
use botpress_uipath::flow::{self, TokenCache};
use botpress_uipath::http::{Method, Request};
use botpress_uipath::module::TrackedJob;
use fake::{ok, Fake};
use futures_executor::block_on;
use serde_json::json;
use serde_json::Value;

fn connection() -> Connection {
    let config = json!({
        "organization": "acme", "tenant": "Dev",
        "auth": {"clientId": "app-id", "clientSecret": "CLIENT-SECRET-XYZ"}
    });
    Connection::parse(&Layers::new(&json!({}), &config)).unwrap()
}

fn tracked(id: i64, folder: &str) -> TrackedJob {
    TrackedJob {
        bot_id: "bot-1".into(),
        channel: "web".into(),
        target: format!("user-{id}"),
        thread_id: None,
        job_id: id,
        job_key: format!("key-{id}"),
        folder: folder.into(),
        orchestrator: connection().orchestrator_url,
        pollable: true,
        reference: "r".into(),
        process_key: "InvoiceBot".into(),
        token_id: None,
    }
}

fn poll(fake: &Fake, jobs: &[TrackedJob]) -> flow::PollOutcome {
    poll_within(fake, jobs, &flow::PollBudget::default(), 60)
}

fn poll_within(
    fake: &Fake,
    jobs: &[TrackedJob],
    budget: &flow::PollBudget,
    per_minute: u32,
) -> flow::PollOutcome {
    let connection = connection();
    let context = flow::PollContext {
        connection: &connection,
        timeout_ms: 5000,
        budget,
        allowance: flow::ReadAllowance::new(per_minute, None),
    };
    block_on(flow::poll_jobs(
        fake,
        &TokenCache::default(),
        &context,
        jobs,
    ))
}

/// The ids of a `Jobs?$filter=Id in (…)` request.
fn ids_of(r: &Request) -> Vec<i64> {
    let query = r.url.split_once('?').unwrap().1.replace("%20", " ");
    let decoded: String = form_decode(&query);
    let list = decoded
        .split("Id in (")
        .nth(1)
        .unwrap()
        .split(')')
        .next()
        .unwrap();
    list.split(',').map(|n| n.parse().unwrap()).collect()
}

fn form_decode(q: &str) -> String {
    let mut out = Vec::new();
    let b = q.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            out.push(u8::from_str_radix(&q[i + 1..i + 3], 16).unwrap());
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

/// Jobs whose id is a multiple of 3 have ended (faulted at 9), others run; 13 is gone.
fn orchestrator() -> Fake {
    Fake::new()
        .route(Method::Post, "/identity_/connect/token", |_, _| ok(200, json!({"access_token": "AT-1", "expires_in": 3600})))
        .route(Method::Get, "/odata/Jobs?", |r, _| {
            let value: Vec<Value> = ids_of(r)
                .into_iter()
                .filter(|id| *id != 13)
                .map(|id| {
                    let state = match id {
                        9 => "Faulted",
                        i if i % 3 == 0 => "Successful",
                        _ => "Running",
                    };
                    json!({"Id": id, "Key": format!("KEY-{id}"), "State": state, "Info": if id == 9 { "Machine lost" } else { "" },
                           "OutputArguments": if state == "Successful" { json!(format!("{{\"n\":{id}}}")) } else { Value::Null }})
                })
                .collect();
            ok(200, json!({"@odata.context": "…/$metadata#Jobs", "value": value}))
        })
}

#[test]
fn one_read_per_folder_and_page_of_fifty() {
    let fake = orchestrator();
    let mut jobs: Vec<TrackedJob> = (1..=120).map(|i| tracked(i, "path:Shared")).collect();
    jobs.extend((200..203).map(|i| tracked(i, "id:7")));
    let out = poll(&fake, &jobs);
    assert!(out.errors.is_empty(), "{:?}", out.errors);
    assert_eq!(
        fake.count("/identity_/connect/token"),
        1,
        "one token for the round"
    );
    let reads: Vec<Request> = fake
        .sent
        .borrow()
        .iter()
        .filter(|r| r.url.contains("/odata/Jobs?"))
        .cloned()
        .collect();
    assert_eq!(reads.len(), 4, "3 pages in Shared, 1 in folder 7");
    assert_eq!(out.pages, 4);
    let sizes: Vec<usize> = reads.iter().map(|r| ids_of(r).len()).collect();
    assert_eq!(sizes, vec![50, 50, 20, 3], "folders in the order given");
    assert_eq!(
        reads[3].header_value("X-UIPATH-OrganizationUnitId"),
        Some("7")
    );
    assert_eq!(reads[0].header_value("X-UIPATH-FolderPath"), Some("Shared"));
    assert!(reads[0].url.contains("%24top=50"));
    // 1..=120 and 200..=202: the multiples of 3 ended.
    let ended: Vec<i64> = out.ends.iter().map(|e| e.job_id).collect();
    let expected: Vec<i64> = (1..=120).chain(200..203).filter(|i| i % 3 == 0).collect();
    let mut sorted = ended.clone();
    sorted.sort_unstable();
    assert_eq!(sorted, expected);
    let nine = out.ends.iter().find(|e| e.job_id == 9).unwrap();
    assert_eq!(
        (
            nine.state.as_str(),
            nine.info.as_deref(),
            &nine.output_arguments
        ),
        ("Faulted", Some("Machine lost"), &None)
    );
    let six = out.ends.iter().find(|e| e.job_id == 6).unwrap();
    assert_eq!(
        (six.job_key.as_str(), &six.output_arguments),
        ("key-6", &Some(json!({"n": 6})))
    );
    assert_eq!(out.missing, vec!["key-13".to_string()]);
    assert_eq!(out.running.len(), 123 - expected.len() - 1);
}

#[test]
fn a_failed_page_is_reported_and_the_others_still_read() {
    let fake = orchestrator().route(Method::Get, "/odata/Jobs?", |r, _| {
        if r.header_value("X-UIPATH-FolderPath") == Some("Broken") {
            ok(
                403,
                json!({"message": "You are not authorized.", "errorCode": 0}),
            )
        } else {
            ok(
                200,
                json!({"value": [{"Id": 3, "Key": "key-3", "State": "Successful"}]}),
            )
        }
    });
    let jobs = vec![tracked(3, "path:Shared"), tracked(4, "path:Broken")];
    let out = poll(&fake, &jobs);
    assert_eq!(out.ends.len(), 1);
    assert_eq!(out.errors.len(), 1);
    assert!(
        out.errors[0].contains("could not read 1 job(s) in folder \"Broken\""),
        "{}",
        out.errors[0]
    );
    assert!(!out.errors[0].contains("CLIENT-SECRET-XYZ") && !out.errors[0].contains("AT-1"));
}

#[test]
fn a_job_with_the_same_id_but_another_key_is_not_taken_for_ours() {
    let fake = orchestrator().route(Method::Get, "/odata/Jobs?", |_, _| {
        ok(
            200,
            json!({"value": [{"Id": 3, "Key": "someone-else", "State": "Successful"}]}),
        )
    });
    let out = poll(&fake, &[tracked(3, "")]);
    assert!(out.ends.is_empty());
    assert_eq!(
        fake.last("/odata/Jobs?")
            .header_value("X-UIPATH-FolderPath"),
        None
    );
}

#[test]
fn a_round_stays_within_the_budget_and_a_429_stops_the_tenant_until_its_retry_after() {
    let fake = Fake::healthy().route(Method::Get, "/odata/Jobs?", |r, _| {
        let ids = ids_of(r);
        ok(200, json!({"value": ids.iter().map(|id| json!({"Id": id, "Key": format!("key-{id}"), "State": "Running"})).collect::<Vec<_>>()}))
    });
    // 5 folders of 120 jobs: 15 pages; a budget of 4 a minute reads 4 of them.
    let jobs: Vec<TrackedJob> = (0..600)
        .map(|i| tracked(i + 1, &format!("path:F{}", i / 120)))
        .collect();
    let budget = flow::PollBudget::default();
    let out = poll_within(&fake, &jobs, &budget, 4);
    assert_eq!(out.pages, 4);
    // F0: pages of 50, 50 and 20; F1: 50.
    assert_eq!(out.running.len(), 170);
    assert_eq!(out.deferred.len(), 430, "the rest waits for the next round");
    // The next minute, more is read: the rows as the module gives them then, least
    // recently polled first, so F1's rest and the folders after it, whatever their names.
    fake.clock.set(fake.clock.get() + 60_000);
    let mut next: Vec<TrackedJob> = jobs[170..].to_vec();
    next.extend_from_slice(&jobs[..170]);
    let out = poll_within(&fake, &next, &budget, 4);
    assert_eq!(out.pages, 4);
    let read: Vec<i64> = fake
        .sent
        .borrow()
        .iter()
        .rev()
        .take(4)
        .flat_map(ids_of)
        .collect();
    assert!(read.iter().all(|id| *id > 120), "not F0 again: {read:?}");
    assert!(read.contains(&241), "F2 is read: {read:?}");
    // A 429: the tenant waits out its Retry-After (here 120 s), whatever the budget.
    let limited = Fake::healthy().route(Method::Get, "/odata/Jobs?", |_, _| {
        Ok(botpress_uipath::http::Response {
            status: 429,
            headers: vec![("retry-after".into(), "120".into())],
            body: "{}".into(),
        })
    });
    let budget = flow::PollBudget::default();
    let out = poll_within(&limited, &jobs[..60], &budget, 60);
    assert_eq!(out.deferred.len(), 60);
    let out = poll_within(&limited, &jobs[..60], &budget, 60);
    assert_eq!(
        (out.pages, out.deferred.len()),
        (0, 60),
        "nothing is sent while the 429 lasts"
    );
}
