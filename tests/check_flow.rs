//! `check` over a fake transport: each step's finding, stopping at the first failure,
//! warnings that do not fail, and never a job started or a secret shown.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "common/fake.rs"]
mod fake;

use botpress_uipath::flow::{self, CheckInput, CheckReport};
use botpress_uipath::http::Method;
use fake::{ok, Fake};
use futures_executor::block_on;
use serde_json::json;
use serde_json::Value;

fn healthy() -> Fake {
    Fake::new()
        .route(Method::Post, "/identity_/connect/token", |_, _| ok(200, json!({"access_token": "AT-1", "expires_in": 3600, "token_type": "Bearer", "scope": "OR.Jobs OR.Execution.Read OR.Folders.Read"})))
        .route(Method::Get, "/odata/Folders", |r, _| {
            if r.url.contains("%24filter") && r.url.contains("Shared") {
                ok(200, json!({"value": [{"Id": 1, "FullyQualifiedName": "Shared"}]}))
            } else if r.url.contains("%24filter") {
                ok(200, json!({"value": []}))
            } else {
                ok(200, json!({"value": [{"FullyQualifiedName": "Shared"}, {"FullyQualifiedName": "Finance/Invoices"}]}))
            }
        })
        .route(Method::Get, "/odata/Releases", |r, _| {
            if r.url.contains("%24filter") && !r.url.contains("%27InvoiceBot%27") {
                ok(200, json!({"value": []}))
            } else if r.url.contains("%24filter") {
                ok(200, json!({"value": [{"Id": 2, "Key": "rel-2", "Name": "InvoiceBot_Shared", "ProcessKey": "InvoiceBot", "ProcessVersion": "1.0.10"}]}))
            } else {
                ok(200, json!({"value": [{"ProcessKey": "InvoiceBot"}, {"ProcessKey": "Report"}]}))
            }
        })
}

fn config(patch: Value) -> Value {
    let mut c = json!({
        "organization": "acme", "tenant": "Dev", "folder": "Shared", "processKey": "InvoiceBot",
        "auth": {"clientId": "app", "clientSecret": "CLIENT-SECRET-XYZ"},
        "externalUrl": "https://bot.acme.com", "maxBodySize": "64kb",
        "webhookSecret": "a-long-random-webhook-secret"
    });
    for (k, v) in patch.as_object().unwrap() {
        c[k] = v.clone();
    }
    c
}

fn run(fake: &Fake, config: Value) -> CheckReport {
    let input = CheckInput {
        config,
        process: None,
        external_url: None,
    };
    let report = block_on(flow::check(fake, &input));
    let shown = serde_json::to_string(&report).unwrap();
    assert!(
        !shown.contains("CLIENT-SECRET-XYZ") && !shown.contains("AT-1"),
        "{shown}"
    );
    assert_eq!(
        fake.count("StartJobs") + fake.count("StopJobs"),
        0,
        "a check changes nothing"
    );
    report
}

fn names(r: &CheckReport) -> Vec<&str> {
    r.steps.iter().map(|s| s.name).collect()
}

#[test]
fn a_working_setup_passes_every_step_with_what_it_found() {
    let fake = healthy();
    let r = run(&fake, config(json!({})));
    assert!(r.ok, "{r:#?}");
    assert_eq!(
        names(&r),
        ["settings", "token", "folder", "process", "module"]
    );
    assert!(r.steps[0]
        .detail
        .contains("https://cloud.uipath.com/acme/Dev/orchestrator_ with client credentials"));
    assert!(r.steps[1]
        .detail
        .contains("scopes: OR.Jobs OR.Execution.Read OR.Folders.Read"));
    assert_eq!(r.steps[2].detail, "folder \"Shared\" found (id 1)");
    assert!(r.steps[3].detail.contains("InvoiceBot 1.0.10"));
    assert!(r.steps[4].detail.contains("https://bot.acme.com"));
    assert!(r.steps[4].detail.contains(
        "job ends by webhook at https://bot.acme.com/api/v1/bots/___/mod/uipath/webhook, and polled every 30 s"
    ));
    assert!(r.steps.iter().all(|s| s.warnings.is_empty()));
}

#[test]
fn how_job_ends_are_heard_is_checked() {
    let warning = |patch: Value| {
        let r = run(&healthy(), config(patch));
        assert!(r.ok, "{r:#?}");
        r.steps[4].warnings.join(" | ")
    };
    assert!(warning(json!({"webhookSecret": null}))
        .contains("webhookSecret is not set: the webhook refuses Orchestrator's calls, so job ends are only polled every 30 s"));
    assert!(
        warning(json!({"webhookSecret": null, "pollInterval": false}))
            .contains("job ends are not heard")
    );
    // A short secret counts as none: the check fails, it does not merely warn.
    let r = run(&healthy(), config(json!({"webhookSecret": "short"})));
    assert!(!r.ok);
    let module = r.steps.iter().find(|s| s.name == "module").unwrap();
    assert!(
        module
            .detail
            .contains("shorter than 16 characters, so it counts as none"),
        "{}",
        module.detail
    );
    let r = run(&healthy(), config(json!({"pollInterval": "0s"})));
    assert!(!r.ok);
    let module = r.steps.iter().find(|s| s.name == "module").unwrap();
    assert!(module.detail.contains("pollInterval"), "{}", module.detail);
    assert!(!format!("{r:?}").contains("a-long-random-webhook-secret"));
}

#[test]
fn each_failure_stops_the_check_with_its_code() {
    let cases: Vec<(Fake, Value, &str, &str, &str)> = vec![
        (
            healthy(),
            json!({"tenant": null}),
            "settings",
            "INVALID_CONFIG",
            "tenant is missing",
        ),
        (
            healthy(),
            json!({"processKey": null}),
            "settings",
            "INVALID_CONFIG",
            "--process",
        ),
        (
            healthy().route(Method::Post, "/identity_/connect/token", |_, _| {
                ok(400, json!({"error": "invalid_client"}))
            }),
            json!({}),
            "token",
            "AUTH_FAILED",
            "check auth.clientId and auth.clientSecret",
        ),
        (
            healthy(),
            json!({"folder": "Finance/Invoicez"}),
            "folder",
            "FOLDER_NOT_FOUND",
            "found: Shared, Finance/Invoices",
        ),
        (
            healthy(),
            json!({"processKey": "InvoiceBott"}),
            "process",
            "PROCESS_NOT_FOUND",
            "found: InvoiceBot, Report",
        ),
        (
            healthy(),
            json!({"externalUrl": null}),
            "module",
            "INVALID_CONFIG",
            "externalUrl is not set",
        ),
        (
            healthy(),
            json!({"maxBodySize": "huge"}),
            "module",
            "INVALID_CONFIG",
            "maxBodySize",
        ),
    ];
    for (fake, patch, step, code, text) in cases {
        let r = run(&fake, config(patch.clone()));
        assert!(!r.ok, "{patch}");
        let last = r.steps.last().unwrap();
        assert_eq!(
            (last.name, last.code),
            (step, Some(code)),
            "{patch}: {r:#?}"
        );
        assert!(last.detail.contains(text), "{patch}: {}", last.detail);
        assert!(r.steps[..r.steps.len() - 1].iter().all(|s| s.ok));
    }
}

#[test]
fn missing_scopes_and_plain_http_warn_without_failing() {
    let fake = healthy()
        .route(Method::Post, "/identity_/connect/token", |_, _| ok(200, json!({"access_token": "AT-1", "expires_in": 3600, "scope": "OR.Jobs OR.Execution.Read"})))
        .route(Method::Get, "/odata/Folders", |_, _| ok(403, json!({"message": "forbidden"})));
    let r = run(&fake, config(json!({"externalUrl": "http://bot.acme.com"})));
    assert!(r.ok, "{r:#?}");
    assert!(r.steps[1].warnings[0].contains("OR.Folders.Read is missing"));
    assert!(!r.steps[2].warnings.is_empty());
    assert!(r.steps[4].warnings[0].contains("plain http"));
    let local = run(
        &healthy(),
        config(json!({"externalUrl": "http://localhost:3000"})),
    );
    assert!(local.steps[4].warnings.is_empty(), "loopback http is fine");
}

#[test]
fn a_task_look_that_takes_half_the_poll_budget_warns_and_a_wrong_task_setting_fails() {
    let often = run(
        &healthy(),
        config(json!({"externalUrl": "https://bot.acme.com", "taskPollInterval": "2s"})),
    );
    assert!(often.ok, "{often:#?}");
    let module = often.steps.iter().find(|s| s.name == "module").unwrap();
    assert!(
        module
            .warnings
            .iter()
            .any(|w| w.contains("takes 30 of pollBudget's 60")),
        "{module:#?}"
    );
    let default = run(
        &healthy(),
        config(json!({"externalUrl": "https://bot.acme.com"})),
    );
    let module = default.steps.iter().find(|s| s.name == "module").unwrap();
    assert!(module.warnings.is_empty(), "6 of 60: {module:#?}");
    let wrong = run(
        &healthy(),
        config(json!({"externalUrl": "https://bot.acme.com", "taskPollInterval": "soon"})),
    );
    assert!(!wrong.ok);
    assert!(
        wrong
            .steps
            .last()
            .unwrap()
            .detail
            .contains("taskPollInterval"),
        "{wrong:#?}"
    );
}

#[test]
fn a_configured_queue_is_looked_up_with_the_queue_scopes() {
    let fake = Fake::new()
        .route(Method::Post, "/identity_/connect/token", |r, _| {
            let body = r.body.as_ref().unwrap().expose().to_string();
            let scope = if body.contains("scope=OR.Queues") { "OR.Queues" } else { "OR.Jobs OR.Execution.Read OR.Folders.Read" };
            ok(200, json!({"access_token": "AT-1", "expires_in": 3600, "scope": scope}))
        })
        .route(Method::Get, "/odata/QueueDefinitions", |r, _| {
            if r.url.contains("Invoices") {
                ok(200, json!({"value": [{"Id": 21, "Name": "Invoices", "EnforceUniqueReference": true, "MaxNumberOfRetries": 1}]}))
            } else if r.url.contains("%24filter") {
                ok(200, json!({"value": []}))
            } else {
                ok(200, json!({"value": [{"Name": "Invoices"}, {"Name": "Refunds"}]}))
            }
        });
    let mut fake = fake;
    for route in healthy().routes.into_iter().rev() {
        if route.1 != "/identity_/connect/token" {
            fake.routes.push(route);
        }
    }
    let r = run(&fake, config(json!({"queueName": "Invoices"})));
    assert!(r.ok, "{r:#?}");
    let queue = r.steps.iter().find(|s| s.name == "queue").unwrap();
    assert!(queue.detail.contains("queue \"Invoices\" found (id 21; unique references; 1 automatic retry); the token's scopes allow adding items"), "{}", queue.detail);
    let r = run(&fake, config(json!({"queueName": "Invoicez"})));
    assert!(!r.ok);
    let queue = r.steps.last().unwrap();
    assert_eq!((queue.name, queue.code), ("queue", Some("QUEUE_NOT_FOUND")));
    assert!(
        queue.detail.contains("found: Invoices, Refunds"),
        "{}",
        queue.detail
    );
}
