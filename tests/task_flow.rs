//! A robot's Action Center question: the task's data verified as a callback is (a forged
//! token, another bot's, one bound to no conversation are never asked), the question's
//! form per channel, the answer matched, and a completion that is never made twice —
//! a lost answer is told apart from Action Center's own completion.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "common/fake.rs"]
mod fake;

use std::cell::RefCell;
use std::rc::Rc;

use botpress_uipath::config::{Connection, TaskAnswer};
use botpress_uipath::error::ErrorCode;
use botpress_uipath::flow::{self, Completion, TokenCache};
use botpress_uipath::http::{Method, TransportError};
use botpress_uipath::jwt::{self, CallbackClaims};
use botpress_uipath::module::task_question::{self, AnswerCheck, Question, TaskFound};
use botpress_uipath::module::TaskSettings;
use fake::{ok, Fake};
use futures_executor::block_on;
use serde_json::{json, Map, Value};

const SECRET: &[u8] = b"bp-app-secret";
const NOW_MS: u64 = 1_800_000_000_000;

fn token(bot: &str, bound: bool, exp_from_now: i64) -> String {
    let now = NOW_MS / 1000;
    let claims = CallbackClaims {
        aud: jwt::CALLBACK_AUDIENCE.into(),
        bot_id: bot.into(),
        channel: bound.then(|| "web".into()),
        target: bound.then(|| "user-1".into()),
        thread_id: bound.then(|| "thread-1".into()),
        exp: (now as i64 + exp_from_now) as u64,
        iat: now,
        jti: "j1".into(),
    };
    jwt::sign(&claims, &jwt::callback_key(SECRET))
}

fn data(extra: Value) -> Map<String, Value> {
    let mut d = json!({"botpressToken": token("bot-1", true, 3600), "question": "Approve a payment of 12,400 EUR?", "choices": "Approve, Reject"});
    for (k, v) in extra.as_object().unwrap() {
        d[k] = v.clone();
    }
    d.as_object().unwrap().clone()
}

fn read(d: &Map<String, Value>) -> Result<Question, String> {
    let task = TaskFound {
        task_id: 42,
        task_key: "AB-CD",
        folder_id: Some(7),
        data: d,
    };
    task_question::read_question(
        &task,
        &jwt::callback_key(SECRET),
        &["bot-1", "bot-3"],
        NOW_MS,
    )
}

#[test]
fn a_task_s_question_is_read_from_a_verified_token_and_its_data() {
    let q = read(&data(json!({}))).unwrap();
    assert_eq!(
        (
            q.bot_id.as_str(),
            q.channel.as_str(),
            q.target.as_str(),
            q.thread_id.as_deref()
        ),
        ("bot-1", "web", "user-1", Some("thread-1"))
    );
    assert_eq!((q.task_key.as_str(), q.folder_id), ("ab-cd", Some(7)));
    assert_eq!(q.choices, vec!["Approve", "Reject"]);
    assert_eq!(q.answer_field, "answer");
    assert_eq!(q.expires_at_ms, NOW_MS + 3_600_000);
    let listed = read(&data(
        json!({"choices": ["A", " a ", "B"], "answerField": "decision"}),
    ))
    .unwrap();
    assert_eq!(
        (listed.choices, listed.answer_field.as_str()),
        (vec!["A".to_string(), "B".into()], "decision")
    );
}

#[test]
fn a_forged_expired_foreign_or_unbound_token_is_never_asked() {
    let forged = {
        let t = token("bot-1", true, 3600);
        let (rest, _) = t.rsplit_once('.').unwrap();
        format!("{rest}.AAAA")
    };
    let other_server = {
        let now = NOW_MS / 1000;
        let claims = CallbackClaims {
            aud: jwt::CALLBACK_AUDIENCE.into(),
            bot_id: "bot-1".into(),
            channel: Some("web".into()),
            target: Some("user-1".into()),
            thread_id: None,
            exp: now + 60,
            iat: now,
            jti: "j".into(),
        };
        jwt::sign(&claims, &jwt::callback_key(b"another-server-secret"))
    };
    for (token, why) in [
        (forged, "does not verify"),
        (other_server, "does not verify"),
        (token("bot-1", true, -3600), "expired"),
        (token("bot-2", true, 3600), "is for bot \"bot-2\""),
        (token("bot-1", false, 3600), "not bound to a conversation"),
    ] {
        let line = read(&data(json!({"botpressToken": token}))).unwrap_err();
        assert!(
            line.starts_with("task 42 is not asked") && line.contains(why),
            "{line}"
        );
        assert!(!line.contains("eyJ"), "no token in the log line: {line}");
    }
    for (extra, why) in [
        (json!({"botpressToken": null}), "no botpressToken"),
        (json!({"question": ""}), "no question"),
        (json!({"choices": 3}), "choices"),
        (json!({"answerField": "botpressToken"}), "answerField"),
        (json!({"answerField": "a b"}), "answerField"),
        (
            json!({"choices": (0..11).map(|i| format!("c{i}")).collect::<Vec<_>>()}),
            "more than 10",
        ),
    ] {
        let line = read(&data(extra)).unwrap_err();
        assert!(line.contains(why), "{line}");
    }
}

#[test]
fn the_question_is_a_single_choice_where_the_channel_draws_one_and_a_text_elsewhere() {
    let mut q = read(&data(json!({}))).unwrap();
    let m = task_question::question_message(&q, None);
    assert_eq!(m["type"], "single-choice");
    assert_eq!(
        m["choices"],
        json!([{"title": "Approve", "value": "Approve"}, {"title": "Reject", "value": "Reject"}])
    );
    q.channel = "api".into();
    let m = task_question::question_message(&q, None);
    assert_eq!(
        m,
        json!({"type": "text", "text": "Approve a payment of 12,400 EUR?\n(Approve / Reject)"})
    );
    q.choices.clear();
    assert_eq!(task_question::question_message(&q, None)["type"], "text");
}

#[test]
fn an_answer_matches_a_choice_without_regard_to_case_and_is_asked_again_twice() {
    let q = read(&data(json!({}))).unwrap();
    let s = TaskSettings::parse(&json!({})).unwrap();
    assert_eq!(
        task_question::check_answer(&q, &s, "  approve ", 0),
        AnswerCheck::Answer("Approve".into())
    );
    match task_question::check_answer(&q, &s, "maybe", 0) {
        AnswerCheck::Again(m) => assert!(m["text"]
            .as_str()
            .unwrap()
            .starts_with("Please answer with one of: Approve, Reject.\n")),
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        task_question::check_answer(&q, &s, "maybe", 1),
        AnswerCheck::Again(_)
    ));
    assert_eq!(
        task_question::check_answer(&q, &s, "maybe", 2),
        AnswerCheck::Leave("I'll leave that question for UiPath Action Center.".into())
    );
    let free = read(&data(json!({"choices": null}))).unwrap();
    assert_eq!(
        task_question::check_answer(&free, &s, " 12 units ", 0),
        AnswerCheck::Answer("12 units".into())
    );
}

#[test]
fn the_completion_data_keeps_the_task_s_data_without_its_token() {
    let mut answer = Map::new();
    answer.insert("decision".into(), json!("Approve"));
    let d = task_question::completion_data(
        &data(json!({})),
        &answer,
        "botpress:web:user-1",
        "2027-01-15T08:00:00.000Z",
    );
    assert!(!d.contains_key("botpressToken"));
    assert_eq!(d["decision"], "Approve");
    assert_eq!(d["question"], "Approve a payment of 12,400 EUR?");
    assert_eq!(
        (d["answeredBy"].as_str(), d["answeredAt"].as_str()),
        (
            Some("botpress:web:user-1"),
            Some("2027-01-15T08:00:00.000Z")
        )
    );
}

fn connection() -> Connection {
    TaskAnswer::parse(
        &json!({"taskId": 42, "organization": "acme", "tenant": "Dev", "auth": {"clientId": "app", "clientSecret": "CLIENT-SECRET-XYZ"}}),
        &json!({}),
    )
    .unwrap()
    .connection
}

/// An Orchestrator holding task 42 (`status` 0, 1 or 2 and its data); CompleteTask
/// answers `complete(attempt)`, and a success completes the task with the data sent.
fn tasks(
    status: i64,
    complete: fn(usize) -> Result<u16, TransportError>,
) -> (Fake, Rc<RefCell<(i64, Value)>>) {
    let task = Rc::new(RefCell::new((
        status,
        json!({"question": "Approve?", "botpressToken": "BP"}),
    )));
    let read = task.clone();
    let done = task.clone();
    let attempts = Rc::new(RefCell::new(0usize));
    let fake = Fake::healthy()
        .route(Method::Get, "/tasks/GenericTasks/GetTaskDataById", move |_, _| {
            let t = read.borrow();
            ok(200, json!({"id": 42, "status": t.0, "data": t.1, "action": if t.0 == 2 { json!("submit") } else { Value::Null }}))
        })
        .route(Method::Post, "/tasks/GenericTasks/CompleteTask", move |r, _| {
            *attempts.borrow_mut() += 1;
            let outcome = complete(*attempts.borrow());
            let body: Value = serde_json::from_str(r.body.as_ref().unwrap().expose()).unwrap();
            match outcome {
                Ok(204) => {
                    *done.borrow_mut() = (2, body["data"].clone());
                    ok(204, Value::Null)
                }
                Ok(599) => {
                    // Completed, and the answer lost on its way back.
                    *done.borrow_mut() = (2, body["data"].clone());
                    Err(TransportError::Network("connection reset".into()))
                }
                Ok(status) => ok(status, json!({"message": "The task is already completed.", "errorCode": 0})),
                Err(e) => Err(e),
            }
        });
    (fake, task)
}

fn complete(fake: &Fake) -> botpress_uipath::error::Result<Completion> {
    let c = connection();
    let task = flow::CompleteTask {
        connection: &c,
        folder_id: Some(7),
        task_id: 42,
        action: "submit",
        timeout_ms: 10_000,
    };
    block_on(flow::complete_task(
        fake,
        &TokenCache::default(),
        &task,
        |d| {
            let mut a = Map::new();
            a.insert("answer".into(), json!("Approve"));
            task_question::completion_data(d, &a, "botpress:web:user-1", "2027-01-15T08:00:00.000Z")
        },
    ))
}

#[test]
fn a_completion_reads_then_completes_once_in_the_task_s_folder() {
    let (fake, task) = tasks(0, |_| Ok(204));
    let done = complete(&fake).unwrap();
    assert!(matches!(done, Completion::Completed(ref d) if d["answer"] == "Approve"));
    assert_eq!(fake.count("CompleteTask"), 1);
    assert_eq!(
        fake.last("CompleteTask")
            .header_value("X-UIPATH-OrganizationUnitId"),
        Some("7")
    );
    assert_eq!(task.borrow().1["answer"], "Approve");
    assert!(
        task.borrow().1.get("botpressToken").is_none(),
        "the token is not written back"
    );
}

#[test]
fn a_lost_answer_is_ours_and_action_center_s_completion_is_not() {
    // The first CompleteTask completed and its answer was lost; the retry is refused as
    // completed, and the task read again carries our marks.
    let (fake, _) = tasks(0, |n| Ok(if n == 1 { 599 } else { 400 }));
    assert_eq!(
        complete(&fake).unwrap(),
        Completion::AlreadyCompleted {
            ours: true,
            action: Some("submit".into())
        }
    );
    assert_eq!(fake.count("CompleteTask"), 2);
    // Completed in Action Center before: nothing is sent.
    let (fake, _) = tasks(2, |_| Ok(204));
    assert_eq!(
        complete(&fake).unwrap(),
        Completion::AlreadyCompleted {
            ours: false,
            action: Some("submit".into())
        }
    );
    assert_eq!(fake.count("CompleteTask"), 0);
}

#[test]
fn a_refusal_for_good_and_a_task_that_is_gone_are_errors() {
    let (fake, _) = tasks(1, |_| Ok(403));
    let e = complete(&fake).unwrap_err();
    assert_eq!(e.code, ErrorCode::AuthFailed);
    assert!(!e.message().contains("CLIENT-SECRET-XYZ") && !e.message().contains("AT-1"));
    let gone = Fake::healthy().route(
        Method::Get,
        "/tasks/GenericTasks/GetTaskDataById",
        |_, _| {
            ok(
                404,
                json!({"message": "Task does not exist.", "errorCode": 0}),
            )
        },
    );
    assert_eq!(complete(&gone).unwrap_err().code, ErrorCode::TaskNotFound);
}

#[test]
fn open_tasks_are_listed_once_and_only_unknown_ones_read() {
    let fake = Fake::healthy()
        .route(Method::Get, "GetTasksAcrossFolders", |_, _| {
            ok(
                200,
                json!({"value": [
            {"Id": 41, "Key": "AB-41", "Status": "Unassigned", "OrganizationUnitId": 1},
            {"Id": 42, "Key": "AB-42", "Status": "Unassigned", "OrganizationUnitId": 7},
            {"Id": 43, "Key": "AB-43", "Status": "Pending", "OrganizationUnitId": 7}]}),
            )
        })
        .route(Method::Get, "GetTaskDataById", |r, _| {
            let id: i64 = r.url.rsplit('=').next().unwrap().parse().unwrap();
            ok(
                200,
                json!({"id": id, "status": 0, "data": {"question": "?"}}),
            )
        });
    let c = connection();
    let look = flow::TaskLook {
        connection: &c,
        catalog: "Botpress",
        only: &[],
        timeout_ms: 10_000,
    };
    let found = block_on(flow::open_tasks(
        &fake,
        &TokenCache::default(),
        &look,
        |k| k == "ab-41",
    ))
    .unwrap();
    assert!(found.complete);
    assert_eq!(found.listed.len(), 3);
    assert_eq!(
        found.read.len(),
        1,
        "ab-41 is known, ab-43 assigned to a person"
    );
    assert_eq!(found.read[0].0.id, 42);
    assert_eq!(
        fake.last("GetTaskDataById")
            .header_value("X-UIPATH-OrganizationUnitId"),
        Some("7")
    );
    assert_eq!(found.requests, 2);
    let odd: botpress_uipath::orchestrator::TaskEntity =
        serde_json::from_value(json!({"Id": 9, "Key": "x'); drop table --"})).unwrap();
    assert_eq!(
        flow::task_key_of(&odd),
        "id:9",
        "a key that is not a GUID's is not kept"
    );
    let token = fake.last("/identity_/connect/token");
    assert!(
        token.body.as_ref().unwrap().expose().contains("OR.Tasks"),
        "the task calls' scope"
    );
    let nudged = flow::TaskLook {
        only: &[42],
        ..look
    };
    let found = block_on(flow::open_tasks(
        &fake,
        &TokenCache::default(),
        &nudged,
        |_| false,
    ))
    .unwrap();
    assert!(!found.complete, "a nudge's look closes nothing");
    assert!(fake
        .last("GetTasksAcrossFolders")
        .url
        .contains("Id%20eq%2042"));
}
