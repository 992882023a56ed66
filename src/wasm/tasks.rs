//! The exports behind a robot's questions (`API.md`, "A robot asks, the user answers in
//! the conversation"): the settings the module's timer needs, what a question becomes in
//! its conversation, matching an answer, completing the task, and the package's
//! `answerUiPathTask`. Finding the open tasks is `task_find`'s.

use serde::Deserialize;
use serde_json::{json, Map, Value};
use wasm_bindgen::prelude::*;

use super::convert::{event_fields, free_form, to_js, to_js_error, typed};
use super::host::Bp;
use super::state;
use super::transport::HostTransport;
use crate::config::{Connection, TaskAnswer};
use crate::error::{ErrorCode, Result};
use crate::fields::Layers;
use crate::flow::{self, Completion};
use crate::module::task_question::{self, AnswerCheck, Question};
use crate::module::{Asker, TaskSettings};
use crate::types::json_text;

/// The deadline of one look for tasks, and of one completion, milliseconds.
const TASK_CALL_TIMEOUT_MS: u64 = 30_000;

fn settings_of(config: &Value) -> Result<TaskSettings> {
    TaskSettings::parse(config)
}

/// `{ catalog (null when off), pollIntervalMs (null when off), ask: 'module' | 'flow' }`.
#[wasm_bindgen(js_name = taskSettings)]
pub fn task_settings(config: JsValue) -> Result<JsValue, JsValue> {
    let run = || -> Result<JsValue> {
        let s = settings_of(&free_form(&config, "config")?)?;
        to_js(&json!({
            "catalog": s.catalog,
            "pollIntervalMs": s.poll_interval_ms,
            "ask": if s.ask == Asker::Flow { "flow" } else { "module" },
        }))
    };
    run().map_err(to_js_error)
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct QuestionInput {
    #[serde(default)]
    config: Value,
    question: Question,
    #[serde(default)]
    text: String,
    #[serde(default)]
    asked_again: u32,
}

/// What a question becomes in its conversation: `{ config, question }` → `{ destination,
/// message }` (the module asks) or `{ destination, event }` (`tasks.ask: 'flow'`), and
/// `conversation`, the key the middleware looks answers up by.
#[wasm_bindgen(js_name = taskQuestionDelivery)]
pub fn task_question_delivery(input: JsValue) -> Result<JsValue, JsValue> {
    let run = || -> Result<JsValue> {
        let input: QuestionInput = typed(input, "input")?;
        let s = settings_of(&input.config)?;
        let q = &input.question;
        let out = match s.ask {
            Asker::Flow => {
                let (event, destination) = task_question::task_event(q);
                json!({ "destination": destination, "event": event })
            }
            Asker::Module => {
                let (_, destination) = crate::module::delivery::incoming_event(
                    &q.destination(),
                    "uipath-task",
                    Value::Null,
                );
                json!({ "destination": destination, "message": task_question::question_message(q, None) })
            }
        };
        let mut out = out;
        out["conversation"] = json!(q.conversation_key());
        to_js(&out)
    };
    run().map_err(to_js_error)
}

/// The key of a Botpress event's conversation, as `taskQuestionDelivery` names it:
/// `{ botId, channel, target, threadId }` → text.
#[wasm_bindgen(js_name = taskConversationKey)]
pub fn task_conversation_key(event: JsValue) -> Result<JsValue, JsValue> {
    let run = || -> Result<JsValue> {
        let e = event_fields(event)?;
        let key = json_text(&json!([e.bot_id, e.channel, e.target, e.thread_id]));
        to_js(&key)
    };
    run().map_err(to_js_error)
}

/// The user's message against an open question: `{ config, question, text, askedAgain }`
/// → `{ kind: 'answer', answer } | { kind: 'again', message } | { kind: 'leave', text }`.
#[wasm_bindgen(js_name = taskAnswer)]
pub fn task_answer(input: JsValue) -> Result<JsValue, JsValue> {
    let run = || -> Result<JsValue> {
        let input: QuestionInput = typed(input, "input")?;
        let s = settings_of(&input.config)?;
        let out = match task_question::check_answer(
            &input.question,
            &s,
            &input.text,
            input.asked_again,
        ) {
            AnswerCheck::Answer(a) => json!({ "kind": "answer", "answer": a }),
            AnswerCheck::Again(m) => json!({ "kind": "again", "message": m }),
            AnswerCheck::Leave(t) => json!({ "kind": "leave", "text": t }),
        };
        to_js(&out)
    };
    run().map_err(to_js_error)
}

#[derive(Deserialize)]
struct TextInput {
    #[serde(default)]
    config: Value,
    question: Question,
    name: String,
}

/// One of the questions' texts (`messages`): `{ config, question, name }` → text.
#[wasm_bindgen(js_name = taskText)]
pub fn task_text(input: JsValue) -> Result<JsValue, JsValue> {
    let run = || -> Result<JsValue> {
        let input: TextInput = typed(input, "input")?;
        let s = settings_of(&input.config)?;
        to_js(&s.text(&input.name, &input.question.choices))
    };
    run().map_err(to_js_error)
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct CompleteInput {
    #[serde(default)]
    config: Value,
    question: Question,
    answer: String,
    /// ISO 8601, fixed when the answer was taken: a retried completion writes the same.
    answered_at: String,
}

/// Completes a question's task with the user's answer: `{ config, question, answer,
/// answeredAt }` → `{ outcome: 'completed' | 'elsewhere' | 'gone' | 'refused' | 'retry',
/// text (for the user, none on 'retry'), line (for the log) }`.
#[wasm_bindgen(js_name = completeTaskAnswer)]
pub async fn complete_task_answer(input: JsValue) -> Result<JsValue, JsValue> {
    complete_answer(input).await.map_err(to_js_error)
}

async fn complete_answer(input: JsValue) -> Result<JsValue> {
    let input: CompleteInput = typed(input, "input")?;
    let s = settings_of(&input.config)?;
    let connection = Connection::parse(&Layers::new(&json!({}), &input.config))?.for_tasks();
    let q = &input.question;
    let mut answer = Map::new();
    answer.insert(q.answer_field.clone(), json!(input.answer));
    let by = task_question::answered_by(q);
    let task = flow::CompleteTask {
        connection: &connection,
        folder_id: q.folder_id,
        task_id: q.task_id,
        action: crate::config::DEFAULT_TASK_ACTION,
        timeout_ms: TASK_CALL_TIMEOUT_MS,
    };
    let transport = HostTransport { logger: None };
    let done = flow::complete_task(&transport, &state::tokens(), &task, |data| {
        task_question::completion_data(data, &answer, &by, &input.answered_at)
    })
    .await;
    let id = q.task_id;
    let (outcome, text, line) = match done {
        Ok(Completion::Completed(_)) | Ok(Completion::AlreadyCompleted { ours: true, .. }) => (
            "completed",
            Some(s.text("answered", &q.choices)),
            format!("task {id} completed with the user's answer"),
        ),
        Ok(Completion::AlreadyCompleted { ours: false, .. }) => (
            "elsewhere",
            Some(s.text("answeredElsewhere", &q.choices)),
            format!("task {id} was completed elsewhere before the user's answer"),
        ),
        Err(e) if e.code == ErrorCode::TaskNotFound => (
            "gone",
            Some(s.text("answeredElsewhere", &q.choices)),
            format!("task {id} is gone: {}", e.message()),
        ),
        Err(e) if retryable(&e) => (
            "retry",
            None,
            format!(
                "task {id} could not be completed yet ({}); the next round tries again",
                e.message()
            ),
        ),
        Err(e) => (
            "refused",
            Some(s.text("answerRefused", &q.choices)),
            format!(
                "Orchestrator refused to complete task {id}: {}",
                e.message()
            ),
        ),
    };
    to_js(&json!({ "outcome": outcome, "text": text, "line": line }))
}

/// A failure another try may get past: the network, a deadline, a 5xx, a 429.
fn retryable(e: &crate::error::Error) -> bool {
    matches!(
        e.code,
        ErrorCode::Network | ErrorCode::Timeout | ErrorCode::RateLimited
    ) || e.status.is_some_and(|s| s >= 500)
}

/// `answerUiPathTask(bp, event, { taskId, data, action, folderId? }) → Promise<{ taskId,
/// status: 'Completed', action, data }>`.
#[wasm_bindgen(js_name = answerUiPathTask)]
pub async fn answer_uipath_task(
    bp: JsValue,
    event: JsValue,
    args: JsValue,
) -> Result<JsValue, JsValue> {
    answer(bp, event, args).await.map_err(to_js_error)
}

async fn answer(bp: JsValue, event: JsValue, args: JsValue) -> Result<JsValue> {
    let bp = Bp::from_js(bp)?;
    let conversation = crate::config::Conversation::from_event(&event_fields(event)?)?;
    let args = free_form(&args, "args")?;
    let module_config = bp.module_config(&conversation.bot_id).await?;
    let settings = TaskAnswer::parse(&args, &module_config)?;
    let transport = HostTransport {
        logger: bp.bot_logger(&conversation.bot_id),
    };
    let task = flow::CompleteTask {
        connection: &settings.connection,
        folder_id: settings.folder_id,
        task_id: settings.task_id,
        action: &settings.action,
        timeout_ms: settings.timeout_ms,
    };
    let by = format!("botpress:{}:{}", conversation.channel, conversation.target);
    let at = String::from(js_sys::Date::new_0().to_iso_string());
    let done = flow::complete_task(&transport, &state::tokens(), &task, |data| {
        task_question::completion_data(data, &settings.data, &by, &at)
    })
    .await?;
    match done {
        Completion::Completed(data) => to_js(&json!({
            "taskId": settings.task_id, "status": "Completed", "action": settings.action, "data": data
        })),
        Completion::AlreadyCompleted { action, .. } => Err(crate::error::Error::new(
            ErrorCode::OrchestratorError,
            format!(
                "task {} is completed already{}",
                settings.task_id,
                action
                    .map(|a| format!(" (action {})", crate::quote::quote(&a, 60)))
                    .unwrap_or_default()
            ),
        )),
    }
}
