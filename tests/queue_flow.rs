//! Queue items over a fake transport with a virtual clock: the add's shape and callback
//! fields, an add never made twice whatever answer was lost, the error codes, a wait
//! that follows retries and resolves a failed item.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "common/fake.rs"]
mod fake;

use std::cell::RefCell;
use std::rc::Rc;

use botpress_uipath::config::{Conversation, QueueItemCall, QueueItemQuery, QueueItemSettings};
use botpress_uipath::error::ErrorCode;
use botpress_uipath::flow::{self, TokenCache};
use botpress_uipath::http::{Method, Request, TransportError};
use fake::{ok, Fake};
use futures_executor::block_on;
use serde_json::{json, Value};

fn connection() -> Value {
    json!({"organization": "acme", "tenant": "Dev", "folder": "Shared",
           "auth": {"clientId": "app-id", "clientSecret": "CLIENT-SECRET-XYZ"}})
}

fn settings(args: Value) -> QueueItemSettings {
    let mut a = connection();
    for (k, v) in args.as_object().unwrap() {
        a[k] = v.clone();
    }
    QueueItemSettings::parse(&a, &json!({})).unwrap()
}

fn conversation() -> Conversation {
    Conversation {
        bot_id: "bot-1".into(),
        channel: "web".into(),
        target: "user-1".into(),
        thread_id: Some("thread-1".into()),
    }
}

fn entity(id: i64, status: &str, reference: &str) -> Value {
    json!({"Id": id, "Key": format!("key-{id}"), "Status": status, "Reference": reference, "Priority": "Normal",
           "RetryNumber": 0, "AncestorId": null, "CreationTime": "2026-12-02T10:00:00Z"})
}

fn identity() -> Fake {
    Fake::new().with_issuer(Ok("CALLBACK-TOKEN")).route(
        Method::Post,
        "/identity_/connect/token",
        |_, _| ok(200, json!({"access_token": "AT-1", "expires_in": 3600})),
    )
}

fn add(
    fake: &Fake,
    args: Value,
) -> Result<botpress_uipath::types::QueueItem, botpress_uipath::error::Error> {
    block_on(flow::add_queue_item(
        fake,
        &TokenCache::default(),
        &settings(args),
        &conversation(),
        None,
        "n0nce",
        86_400,
    ))
}

/// The `itemData` of an add.
fn item_data(r: &Request) -> Value {
    serde_json::from_str::<Value>(r.body.as_ref().unwrap().expose()).unwrap()["itemData"].clone()
}

#[test]
fn an_add_is_flat_with_the_callback_fields_and_the_package_s_own_reference() {
    let fake = identity().route(Method::Post, "AddQueueItem", |r, _| {
        ok(
            201,
            entity(9001, "New", item_data(r)["Reference"].as_str().unwrap()),
        )
    });
    let item = add(
        &fake,
        json!({"queueName": "Invoices", "specificContent": {"invoice": "INV-1", "amount": 5}}),
    )
    .unwrap();
    assert_eq!(
        (item.id, item.status.as_str(), item.queue_name.as_str()),
        (9001, "New", "Invoices")
    );
    let data = item_data(&fake.last("AddQueueItem"));
    assert_eq!(data["Name"], "Invoices");
    assert_eq!(data["Reference"], "botpress:bot-1:n0nce");
    let content = &data["SpecificContent"];
    assert_eq!(
        (content["invoice"].as_str(), content["amount"].as_i64()),
        (Some("INV-1"), Some(5))
    );
    assert_eq!(content["botpressToken"], "CALLBACK-TOKEN");
    assert_eq!(
        (
            content["channel"].as_str(),
            content["target"].as_str(),
            content["threadId"].as_str()
        ),
        (Some("web"), Some("user-1"), Some("thread-1"))
    );
    // No due date: the token lives as long as the module allows.
    assert_eq!(fake.issued.borrow()[0].2, 86_400);
}

#[test]
fn a_lost_answer_is_looked_up_by_reference_and_never_added_twice() {
    // The first add is committed, but its answer is lost; the lookup finds the item.
    let stored = Rc::new(RefCell::new(Vec::<Value>::new()));
    let s = stored.clone();
    let fake = identity().route(Method::Post, "AddQueueItem", move |r, _| {
        s.borrow_mut().push(entity(
            9002,
            "New",
            item_data(r)["Reference"].as_str().unwrap(),
        ));
        Err(TransportError::Network("connection reset".into()))
    });
    let s = stored.clone();
    let fake = fake.route(Method::Get, "/odata/QueueItems?", move |_, _| {
        ok(200, json!({"value": *s.borrow()}))
    });
    let item = add(&fake, json!({"queueName": "Invoices"})).unwrap();
    assert_eq!(item.id, 9002);
    assert_eq!(fake.count("AddQueueItem"), 1, "never sent twice");
    assert_eq!(stored.borrow().len(), 1);
}

#[test]
fn a_lost_add_that_did_not_happen_is_sent_again_with_the_same_reference() {
    let fake = identity()
        .route(Method::Post, "AddQueueItem", |r, n| match n {
            1 => ok(503, json!({"message": "deploying"})),
            _ => ok(
                201,
                entity(9003, "New", item_data(r)["Reference"].as_str().unwrap()),
            ),
        })
        .route(Method::Get, "/odata/QueueItems?", |_, _| {
            ok(200, json!({"value": []}))
        });
    let item = add(&fake, json!({"queueName": "Invoices"})).unwrap();
    assert_eq!(item.id, 9003);
    let refs: Vec<Value> = fake
        .sent
        .borrow()
        .iter()
        .filter(|r| r.url.contains("AddQueueItem"))
        .map(|r| item_data(r)["Reference"].clone())
        .collect();
    assert_eq!(refs.len(), 2);
    assert_eq!(refs[0], refs[1], "the retry carries the same reference");
}

#[test]
fn a_duplicate_of_our_own_reference_resolves_to_the_existing_item() {
    let fake = identity()
        .route(Method::Post, "AddQueueItem", |_, n| match n {
            1 => Err(TransportError::Timeout),
            _ => ok(409, json!({"message": "Error creating Transaction. Duplicate Reference.", "errorCode": 1016})),
        })
        .route(Method::Get, "/odata/QueueItems?", |_, n| match n {
            // Not listed yet right after the lost add; there once Orchestrator says it is taken.
            1 => ok(200, json!({"value": []})),
            _ => ok(200, json!({"value": [entity(9004, "New", "botpress:bot-1:n0nce")]})),
        });
    let item = add(&fake, json!({"queueName": "Invoices"})).unwrap();
    assert_eq!(item.id, 9004);
    assert_eq!(fake.count("AddQueueItem"), 2);
}

#[test]
fn errors_have_their_codes_and_a_caller_s_reference_is_never_retried() {
    let fake = identity().route(Method::Post, "AddQueueItem", |_, _| {
        ok(409, json!({"message": "Error creating Transaction. Duplicate Reference.", "errorCode": 1016}))
    });
    let err = add(
        &fake,
        json!({"queueName": "Invoices", "reference": "INV-1"}),
    )
    .unwrap_err();
    assert_eq!(err.code, ErrorCode::DuplicateReference);
    let fake = identity().route(Method::Post, "AddQueueItem", |_, _| {
        ok(
            404,
            json!({"message": "Queue does not exist.", "errorCode": 1002}),
        )
    });
    let err = add(&fake, json!({"queueName": "Nope"})).unwrap_err();
    assert_eq!(err.code, ErrorCode::QueueNotFound);
    assert!(
        err.detail
            .contains("no queue named \"Nope\" in folder \"Shared\""),
        "{}",
        err.detail
    );
    let fake = identity().route(Method::Post, "AddQueueItem", |_, _| {
        Err(TransportError::Network("reset".into()))
    });
    let err = add(
        &fake,
        json!({"queueName": "Invoices", "reference": "INV-2"}),
    )
    .unwrap_err();
    assert_eq!(
        (err.code, err.reference.as_deref()),
        (ErrorCode::Network, Some("INV-2"))
    );
    assert!(
        err.detail.contains("look for Reference \"INV-2\""),
        "{}",
        err.detail
    );
    assert_eq!(fake.count("AddQueueItem"), 1);
    assert!(!format!("{err:?}").contains("CLIENT-SECRET-XYZ"));
}

fn query(call: QueueItemCall, args: Value) -> QueueItemQuery {
    let mut a = connection();
    for (k, v) in args.as_object().unwrap() {
        a[k] = v.clone();
    }
    QueueItemQuery::parse(call, &a, &json!({})).unwrap()
}

#[test]
fn a_wait_follows_a_retried_item_to_its_last_attempt() {
    let fake = identity()
        .route(Method::Get, "/odata/QueueItems(", |r, _| {
            if r.url.contains("QueueItems(5)") {
                ok(200, entity(5, "Retried", "r"))
            } else {
                let mut e = entity(7, "Failed", "r");
                e["RetryNumber"] = json!(1);
                e["AncestorId"] = json!(5);
                e["ProcessingException"] = json!({"Reason": "No such invoice", "Details": "INV-9", "Type": "BusinessException"});
                ok(200, e)
            }
        })
        .route(Method::Get, "/odata/QueueItems?", |_, _| {
            let mut e = entity(7, "InProgress", "r");
            e["RetryNumber"] = json!(1);
            e["AncestorId"] = json!(5);
            ok(200, json!({"value": [e]}))
        });
    let item = block_on(flow::wait_for_queue_item(
        &fake,
        &TokenCache::default(),
        &query(QueueItemCall::Wait, json!({"queueItemId": 5})),
    ))
    .unwrap();
    assert_eq!(
        (
            item.id,
            item.status.as_str(),
            item.retry_number,
            item.ancestor_id
        ),
        (7, "Failed", 1, Some(5))
    );
    let exception = item.processing_exception.unwrap();
    assert_eq!(
        (exception.reason.as_deref(), exception.kind.as_deref()),
        (Some("No such invoice"), Some("BusinessException"))
    );
}

#[test]
fn a_wait_past_its_deadline_carries_the_last_state_and_an_unknown_item_is_not_found() {
    let fake = identity().route(Method::Get, "/odata/QueueItems(", |_, _| {
        ok(200, entity(8, "InProgress", "r"))
    });
    let start = fake.clock.get();
    let err = block_on(flow::wait_for_queue_item(
        &fake,
        &TokenCache::default(),
        &query(
            QueueItemCall::Wait,
            json!({"queueItemId": 8, "timeoutMs": 3000}),
        ),
    ))
    .unwrap_err();
    assert_eq!(err.code, ErrorCode::Timeout);
    assert_eq!(err.queue_item.as_ref().unwrap().status, "InProgress");
    let reads: Vec<u64> = fake.sent_at.borrow()[1..]
        .iter()
        .map(|t| t - start)
        .collect();
    assert_eq!(
        reads,
        vec![0, 1000, 2500],
        "the whole timeout, the last read just before it"
    );
    let fake = identity().route(Method::Get, "/odata/QueueItems(", |_, _| {
        ok(
            404,
            json!({"message": "Queue item does not exist.", "errorCode": 1002}),
        )
    });
    let err = block_on(flow::get_queue_item(
        &fake,
        &TokenCache::default(),
        &query(QueueItemCall::Get, json!({"queueItemId": 99})),
    ))
    .unwrap_err();
    assert_eq!(err.code, ErrorCode::QueueItemNotFound);
}
