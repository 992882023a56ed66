//! The job-start flow over a fake transport: request shapes, retries, the token cache,
//! and that failures start nothing and leak no secret.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "common/fake.rs"]
mod fake;

use botpress_uipath::config::{Conversation, JobSettings};
use botpress_uipath::error::ErrorCode;
use botpress_uipath::flow::{self, BotpressEndpoint, TokenCache};
use botpress_uipath::http::{Method, Request, Response, Transport, TransportError};
use botpress_uipath::secret::Secret;
use fake::{ok, Fake};
use futures_executor::block_on;
use serde_json::json;
use serde_json::Value;

fn settings(patch: Value) -> JobSettings {
    let mut args = json!({
        "organization": "acme", "tenant": "Dev", "folder": "Finance/Invoices", "processKey": "InvoiceBot",
        "auth": {"clientId": "app-id", "clientSecret": "CLIENT-SECRET-XYZ"},
        "inputArguments": {"amount": 12, "channel": "spoofed"},
        "externalUrl": "https://bot.acme.com"
    });
    for (k, v) in patch.as_object().unwrap() {
        args[k] = v.clone();
    }
    JobSettings::parse(&args, &json!({})).unwrap()
}

fn conversation() -> Conversation {
    Conversation {
        bot_id: "bot-1".into(),
        channel: "web".into(),
        target: "user-1".into(),
        thread_id: Some("thread-9".into()),
    }
}

fn botpress() -> BotpressEndpoint {
    BotpressEndpoint {
        base_url: "http://localhost:3000/api/v1/bots/bot-1".into(),
        headers: vec![("Authorization".into(), Secret::new("Bearer SERVER-JWT"))],
    }
}

fn run(
    fake: &Fake,
    cache: &TokenCache,
    s: &JobSettings,
) -> botpress_uipath::error::Result<botpress_uipath::orchestrator::JobStart> {
    block_on(flow::start_job(
        fake,
        cache,
        s,
        &conversation(),
        Some(&botpress()),
        "n1",
    ))
}

#[test]
fn happy_path_sends_the_real_request_shapes() {
    let fake = Fake::healthy();
    let started = run(&fake, &TokenCache::default(), &settings(json!({}))).unwrap();
    assert_eq!(started.release_key, "rel-new", "newest version wins");
    assert_eq!(started.process_version, "1.0.10");
    assert_eq!(started.jobs[0].id, 77);
    assert_eq!(started.reference, "botpress:bot-1:n1");
    assert_eq!(
        fake.sent.borrow().len(),
        4,
        "token, releases, callback token, StartJobs"
    );

    let token = fake.last("connect/token");
    assert_eq!(
        token.url,
        "https://cloud.uipath.com/identity_/connect/token"
    );

    let releases = fake.last("/odata/Releases");
    assert!(releases
        .url
        .starts_with("https://cloud.uipath.com/acme/Dev/orchestrator_/odata/Releases?"));
    assert_eq!(
        releases.header_value("X-UIPATH-FolderPath"),
        Some("Finance/Invoices")
    );
    assert_eq!(releases.header_value("X-UIPATH-TenantName"), Some("Dev"));
    assert_eq!(releases.header_value("Authorization"), Some("Bearer AT-1"));

    let bp = fake.last("/mod/uipath/auth/token");
    assert_eq!(bp.url, "http://localhost:3000/api/v1/bots/bot-1/mod/uipath/auth/token?expiresIn=3600s&channel=web&target=user-1&threadId=thread-9");
    assert_eq!(bp.header_value("Authorization"), Some("Bearer SERVER-JWT"));

    let start = fake.last("StartJobs");
    assert_eq!(
        start.header_value("X-UIPATH-FolderPath"),
        Some("Finance/Invoices")
    );
    let body: Value = serde_json::from_str(start.body.as_ref().unwrap().expose()).unwrap();
    let info = &body["startInfo"];
    assert_eq!(info["ReleaseKey"], "rel-new");
    assert_eq!(info["Strategy"], "ModernJobsCount");
    assert_eq!(info["JobsCount"], 1);
    assert_eq!(info["Reference"], "botpress:bot-1:n1");
    let input: Value = serde_json::from_str(
        info["InputArguments"]
            .as_str()
            .expect("InputArguments is a string"),
    )
    .unwrap();
    assert_eq!(
        input,
        json!({"amount": 12, "channel": "web", "target": "user-1", "botId": "bot-1",
        "threadId": "thread-9", "botpressToken": "BP-TOKEN", "botpressUrl": "https://bot.acme.com"})
    );
}

#[test]
fn token_cache_saves_a_request_and_recovers_from_revocation() {
    let fake = Fake::healthy();
    let cache = TokenCache::default();
    run(&fake, &cache, &settings(json!({}))).unwrap();
    run(&fake, &cache, &settings(json!({}))).unwrap();
    assert_eq!(
        fake.count("connect/token"),
        1,
        "second start reuses the token"
    );

    // Orchestrator revokes it: one 401, a fresh token, the same call again.
    let revoked = Fake::healthy().route(Method::Get, "/odata/Releases", |r, _| {
        if r.header_value("Authorization") == Some("Bearer AT-1") {
            ok(401, json!({"message": "expired"}))
        } else {
            ok(500, json!({}))
        }
    });
    let _ = run(
        &revoked,
        &cache,
        &settings(json!({"releaseCacheTtl": false})),
    );
    assert_eq!(revoked.count("connect/token"), 1);
    assert_eq!(revoked.count("/odata/Releases"), 2);
}

#[test]
fn a_warm_start_is_start_jobs_alone_beside_the_callback_token() {
    let fake = Fake::healthy();
    let cache = TokenCache::default();
    run(&fake, &cache, &settings(json!({}))).unwrap();
    let before = fake.sent.borrow().len();
    let started = run(&fake, &cache, &settings(json!({}))).unwrap();
    assert_eq!(started.release_key, "rel-new");
    let warm: Vec<String> = fake.sent.borrow()[before..]
        .iter()
        .map(|r| r.describe())
        .collect();
    assert_eq!(warm.len(), 2, "{warm:?}");
    assert!(
        warm[0].contains("/mod/uipath/auth/token") && warm[1].ends_with("StartJobs"),
        "{warm:?}"
    );
    // Overlapped: the callback token was asked at the same time as the releases (cold).
    let cold = Fake::healthy();
    run(&cold, &TokenCache::default(), &settings(json!({}))).unwrap();
    let order: Vec<String> = cold.sent.borrow().iter().map(|r| r.describe()).collect();
    assert!(
        order[0].contains("connect/token") && order[1].contains("auth/token"),
        "both sides start at once: {order:?}"
    );
}

#[test]
fn a_remembered_release_that_is_gone_is_resolved_again_and_started_once() {
    let gone = std::rc::Rc::new(std::cell::Cell::new(false));
    let g = gone.clone();
    let fake = Fake::healthy().route(Method::Post, "StartJobs", move |r, _| {
        let body = r.body.as_ref().unwrap().expose().to_string();
        if g.get() && body.contains("rel-new") {
            ok(
                404,
                json!({"message": "Release does not exist.", "errorCode": 1002}),
            )
        } else {
            ok(
                201,
                json!({"value": [{"Id": 78, "Key": "k", "State": "Pending"}]}),
            )
        }
    });
    let cache = TokenCache::default();
    run(&fake, &cache, &settings(json!({}))).unwrap();
    gone.set(true);
    // Resolving again finds the same release (the fake still lists it): the second
    // StartJobs fails too, and nothing is retried past that.
    let err = run(&fake, &cache, &settings(json!({}))).unwrap_err();
    assert_eq!(err.status, Some(404));
    assert_eq!(fake.count("/odata/Releases"), 2, "resolved once more");
    assert_eq!(fake.count("StartJobs"), 3);
}

#[test]
fn a_revoked_token_at_start_jobs_is_replaced_and_the_start_sent_once_more() {
    let fake = Fake::new()
        .route(Method::Post, "/identity_/connect/token", |_, n| ok(200, json!({"access_token": format!("AT-{n}"), "expires_in": 3600, "token_type": "Bearer"})))
        .route(Method::Get, "/odata/Releases", |_, _| ok(200, json!({"value": [{"Id": 2, "Key": "rel-new", "Name": "I", "ProcessKey": "InvoiceBot", "ProcessVersion": "1.0.10"}]})))
        .route(Method::Get, "/mod/uipath/auth/token", |_, _| ok(200, json!({"token": "BP-TOKEN"})))
        .route(Method::Post, "StartJobs", |r, n| {
            if n == 2 && r.header_value("Authorization") == Some("Bearer AT-1") {
                ok(401, json!({"message": "revoked"}))
            } else {
                ok(201, json!({"value": [{"Id": 79, "Key": "k", "State": "Pending"}]}))
            }
        });
    let cache = TokenCache::default();
    run(&fake, &cache, &settings(json!({}))).unwrap();
    let started = run(&fake, &cache, &settings(json!({}))).unwrap();
    assert_eq!(started.jobs[0].id, 79);
    assert_eq!(fake.count("connect/token"), 2);
    assert_eq!(
        fake.last("StartJobs").header_value("Authorization"),
        Some("Bearer AT-2")
    );
}

#[test]
fn rate_limit_waits_retry_after_then_succeeds() {
    let fake = Fake::healthy().route(Method::Get, "/odata/Releases", |_, n| {
        if n == 1 {
            Ok(Response { status: 429, headers: vec![("retry-after".into(), "2".into())], body: "{}".into() })
        } else {
            ok(200, json!({"value": [{"Id": 1, "Key": "k", "Name": "n", "ProcessKey": "InvoiceBot", "ProcessVersion": "1"}]}))
        }
    });
    let before = fake.now_ms();
    run(&fake, &TokenCache::default(), &settings(json!({}))).unwrap();
    assert_eq!(fake.count("/odata/Releases"), 2);
    assert!(fake.now_ms() - before >= 2000, "waited Retry-After");
}

#[test]
fn rate_limit_longer_than_the_deadline_gives_rate_limited() {
    let fake = Fake::new().route(Method::Get, "/odata/Releases", |_, _| {
        Ok(Response {
            status: 429,
            headers: vec![("retry-after".into(), "120".into())],
            body: r#"{"message":"slow down"}"#.into(),
        })
    });
    let err = run(
        &fake,
        &TokenCache::default(),
        &settings(json!({"auth": {"accessToken": "AT-token"}})),
    )
    .unwrap_err();
    assert_eq!(err.code, ErrorCode::RateLimited);
    assert_eq!(fake.count("StartJobs"), 0);
}

#[test]
fn lost_startjobs_answer_is_resolved_by_reference_not_by_a_second_start() {
    let fake = Fake::healthy()
        .route(Method::Post, "StartJobs", |_, _| {
            ok(503, json!({"message": "deploying"}))
        })
        .route(Method::Get, "/odata/Jobs", |r, _| {
            assert!(
                r.url
                    .contains("Reference%20eq%20%27botpress%3Abot-1%3An1%27"),
                "{}",
                r.url
            );
            ok(
                200,
                json!({"value": [{"Id": 5, "Key": "k5", "State": "Running"}]}),
            )
        });
    let started = run(&fake, &TokenCache::default(), &settings(json!({}))).unwrap();
    assert_eq!(started.jobs[0].id, 5);
    assert_eq!(fake.count("StartJobs"), 1, "never started twice");
}

#[test]
fn network_error_with_no_job_behind_it_is_retried() {
    let fake = Fake::healthy()
        .route(Method::Post, "StartJobs", |_, n| {
            if n == 1 {
                Err(TransportError::Network("socket hang up".into()))
            } else {
                ok(
                    201,
                    json!({"value": [{"Id": 8, "Key": "k8", "State": "Pending"}]}),
                )
            }
        })
        .route(Method::Get, "/odata/Jobs", |_, _| {
            ok(200, json!({"value": []}))
        });
    let started = run(&fake, &TokenCache::default(), &settings(json!({}))).unwrap();
    assert_eq!(started.jobs[0].id, 8);
    assert_eq!(fake.count("StartJobs"), 2);
    assert_eq!(fake.count("/odata/Jobs?"), 1);
}

#[test]
fn timeout_on_startjobs_names_the_reference() {
    let fake = Fake::healthy().route(Method::Post, "StartJobs", |_, _| {
        Err(TransportError::Timeout)
    });
    let err = run(&fake, &TokenCache::default(), &settings(json!({}))).unwrap_err();
    assert_eq!(err.code, ErrorCode::Timeout);
    assert_eq!(err.reference.as_deref(), Some("botpress:bot-1:n1"));
    assert!(err.detail.contains("may have started"));
}

#[test]
fn unknown_folder_lists_the_folders_there_are() {
    let fake = Fake::healthy()
        .route(Method::Get, "/odata/Releases", |_, _| ok(400, json!({"message": "Folder does not exist or the user does not have access to the folder.", "errorCode": 1100, "traceId": "tr-1"})))
        .route(Method::Get, "/odata/Folders", |r, _| {
            assert!(r.header_value("X-UIPATH-FolderPath").is_none());
            ok(200, json!({"value": [{"FullyQualifiedName": "Shared"}, {"FullyQualifiedName": "Finance"}]}))
        });
    let err = run(&fake, &TokenCache::default(), &settings(json!({}))).unwrap_err();
    assert_eq!(err.code, ErrorCode::FolderNotFound);
    assert_eq!(err.trace_id.as_deref(), Some("tr-1"));
    assert!(
        err.detail.contains("\"Finance/Invoices\"")
            && err.detail.ends_with("found: Shared, Finance"),
        "{}",
        err.detail
    );
    assert_eq!(fake.count("StartJobs"), 0);
}

#[test]
fn unknown_process_lists_the_processes_there_are() {
    let fake = Fake::healthy().route(Method::Get, "/odata/Releases", |r, _| {
        if r.url.contains("filter") {
            ok(200, json!({"value": []}))
        } else {
            ok(
                200,
                json!({"value": [{"ProcessKey": "A"}, {"ProcessKey": "B"}]}),
            )
        }
    });
    let err = run(
        &fake,
        &TokenCache::default(),
        &settings(json!({"processKey": "X"})),
    )
    .unwrap_err();
    assert_eq!(err.code, ErrorCode::ProcessNotFound);
    assert_eq!(err.message(), "PROCESS_NOT_FOUND: no release with process key or name \"X\" in folder \"Finance/Invoices\"; found: A, B");
}

#[test]
fn failures_start_nothing_and_never_show_a_secret() {
    let secret_echo = |_: &Request, _| {
        ok(
            400,
            json!({"error": "invalid_client", "error_description": "bad secret CLIENT-SECRET-XYZ"}),
        )
    };
    let cases: Vec<(Fake, ErrorCode)> = vec![
        (Fake::healthy().route(Method::Post, "connect/token", secret_echo), ErrorCode::AuthFailed),
        (Fake::healthy().route(Method::Get, "auth/token", |_, _| ok(404, json!({}))), ErrorCode::BotpressTokenFailed),
        (Fake::healthy().route(Method::Post, "StartJobs", |r, _| ok(400, json!({"message": format!("bad body {}", r.body.as_ref().unwrap().expose()), "errorCode": 2818}))), ErrorCode::OrchestratorError),
        (Fake::healthy().route(Method::Get, "Releases", |_, _| ok(403, json!({"message": "no permission for AT-1"}))), ErrorCode::AuthFailed),
    ];
    for (fake, code) in cases {
        let err = run(&fake, &TokenCache::default(), &settings(json!({}))).unwrap_err();
        assert_eq!(err.code, code, "{err}");
        let shown = format!("{err} {err:?}");
        for secret in ["CLIENT-SECRET-XYZ", "AT-1", "BP-TOKEN", "SERVER-JWT"] {
            assert!(!shown.contains(secret), "{secret} leaked in {shown}");
        }
        if code != ErrorCode::OrchestratorError {
            assert_eq!(fake.count("StartJobs"), 0, "{code}: nothing started");
        }
    }
}

#[test]
fn botpress_token_alone() {
    let fake = Fake::healthy();
    let t = block_on(flow::botpress_token(
        &fake,
        Some(&botpress()),
        &conversation(),
        5400,
        10_000,
    ))
    .unwrap();
    assert_eq!(t.expose(), "BP-TOKEN");
    assert!(fake.last("auth/token").url.contains("expiresIn=5400s"));
    // No endpoint and no issuer: a clear error, nothing sent.
    let none = Fake::healthy();
    let err = block_on(flow::botpress_token(
        &none,
        None,
        &conversation(),
        60,
        10_000,
    ))
    .unwrap_err();
    assert_eq!(err.code, ErrorCode::BotpressTokenFailed);
    assert!(err.detail.contains("getAxiosConfigForBot is not available"));
    assert!(none.sent.borrow().is_empty());
}

#[test]
fn with_the_modules_issuer_in_process_no_token_request_is_sent() {
    // getBotpressToken: the issuer's token, for this conversation and lifetime.
    let fake = Fake::healthy().with_issuer(Ok("LOCAL-TOKEN"));
    let t = block_on(flow::botpress_token(
        &fake,
        None,
        &conversation(),
        900,
        10_000,
    ))
    .unwrap();
    assert_eq!(t.expose(), "LOCAL-TOKEN");
    assert_eq!(
        fake.issued.borrow().as_slice(),
        [("bot-1".to_string(), Some("thread-9".to_string()), 900)]
    );
    assert!(fake.sent.borrow().is_empty());
    // A start: the token goes into the arguments; Botpress is never asked.
    let start_without_endpoint = |fake: &Fake| {
        block_on(flow::start_job(
            fake,
            &TokenCache::default(),
            &settings(json!({})),
            &conversation(),
            None,
            "n1",
        ))
    };
    let fake = Fake::healthy().with_issuer(Ok("LOCAL-TOKEN"));
    let started = start_without_endpoint(&fake).unwrap();
    assert_eq!(started.jobs[0].id, 77);
    assert_eq!(fake.count("auth/token"), 0);
    let body: Value =
        serde_json::from_str(fake.last("StartJobs").body.as_ref().unwrap().expose()).unwrap();
    let input: Value =
        serde_json::from_str(body["startInfo"]["InputArguments"].as_str().unwrap()).unwrap();
    assert_eq!(input["botpressToken"], "LOCAL-TOKEN");
    // An issuer that refuses: the start fails before anything is started, and says why.
    let fake = Fake::healthy().with_issuer(Err("bot-1 is disabled"));
    let err = start_without_endpoint(&fake).unwrap_err();
    assert_eq!(err.code, ErrorCode::BotpressTokenFailed);
    assert!(err
        .detail
        .contains("refused a callback token: bot-1 is disabled"));
    assert_eq!(fake.count("StartJobs"), 0);
}
