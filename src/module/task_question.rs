//! A robot's question as the module reads it from an Action Center task (`API.md`, "A
//! robot asks, the user answers in the conversation"): the task's data verified — its
//! `botpressToken` exactly as the callback route verifies a callback's — the question put
//! to the user, the user's answer matched, and the data the task is completed with.

use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use super::delivery::{incoming_event, Destination};
use super::log::quote;
use super::task_settings::TaskSettings;
use crate::jwt;

/// The data key the answer goes to unless the task names one.
pub const DEFAULT_ANSWER_FIELD: &str = "answer";
/// Longest question put to a user, in characters.
pub const MAX_QUESTION: usize = 2000;
/// Most choices (Botpress's single-choice takes at most 10).
pub const MAX_CHOICES: usize = 10;
/// Longest choice, in characters.
pub const MAX_CHOICE: usize = 100;
/// Longest free-text answer, in characters.
pub const MAX_ANSWER: usize = 4000;
/// How often an answer that matches no choice is followed by the question again.
pub const MAX_ASKS_AGAIN: u32 = 2;
/// The channels whose Botpress 12.31 renderers draw a `single-choice` (webchat, and the
/// messaging server's messenger, slack, smooch, teams, telegram, twilio, vonage); on
/// any other the choices are listed in the text.
pub const CHOICE_CHANNELS: [&str; 8] = [
    "web",
    "messenger",
    "slack",
    "smooch",
    "teams",
    "telegram",
    "twilio",
    "vonage",
];

/// A task the module may ask: where, what, and where the answer goes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Question {
    /// The task's id.
    pub task_id: i64,
    /// The task's GUID, lower-case.
    pub task_key: String,
    /// The task's folder.
    #[serde(default)]
    pub folder_id: Option<i64>,
    /// The bot its token is for.
    pub bot_id: String,
    /// The conversation its token is bound to.
    pub channel: String,
    /// The user its token is bound to.
    pub target: String,
    /// The thread its token is bound to, if any.
    #[serde(default)]
    pub thread_id: Option<String>,
    /// The question.
    pub text: String,
    /// The choices; empty: a free-text answer.
    #[serde(default)]
    pub choices: Vec<String>,
    /// The data key the answer is written to.
    pub answer_field: String,
    /// When its token expires, milliseconds since the epoch: the question is dropped then.
    pub expires_at_ms: u64,
    /// Its token's `jti`: the module asks only if a tracked job that has not ended was
    /// given that token.
    pub token_id: String,
}

/// The task, as read from Orchestrator: id, key, folder and data.
#[derive(Debug, Clone, Copy)]
pub struct TaskFound<'a> {
    /// The task's id.
    pub task_id: i64,
    /// Its GUID.
    pub task_key: &'a str,
    /// Its folder.
    pub folder_id: Option<i64>,
    /// Its data.
    pub data: &'a Map<String, Value>,
}

/// Reads a task's question: its token must verify (signature, audience, expiry), be for
/// one of `bots` (the bots whose connection found it) and name a conversation. `Err`
/// is the line to log, quoted, without the token.
pub fn read_question(
    task: &TaskFound<'_>,
    key: &[u8],
    bots: &[&str],
    now_ms: u64,
) -> Result<Question, String> {
    let refuse = |why: String| format!("task {} is not asked: {why}", task.task_id);
    let token = match task.data.get("botpressToken") {
        Some(Value::String(t)) if !t.trim().is_empty() => t.trim(),
        _ => return Err(refuse("its data has no botpressToken".into())),
    };
    if key.is_empty() {
        return Err(refuse(
            "the server has no secret to verify its botpressToken with".into(),
        ));
    }
    let claims = jwt::verify(token, key, now_ms / 1000).map_err(|r| {
        refuse(format!(
            "its botpressToken does not verify ({})",
            r.reason()
        ))
    })?;
    if !bots.contains(&claims.bot_id.as_str()) {
        return Err(refuse(format!(
            "its botpressToken is for bot {}, which does not read tasks with this connection",
            quote(&claims.bot_id, 60)
        )));
    }
    let (Some(channel), Some(target)) = (claims.channel.clone(), claims.target.clone()) else {
        return Err(refuse(
            "its botpressToken is not bound to a conversation (no channel and target)".into(),
        ));
    };
    let text = match task.data.get("question") {
        Some(Value::String(q)) if !q.trim().is_empty() => q.trim().to_string(),
        _ => return Err(refuse("its data has no question".into())),
    };
    if text.chars().count() > MAX_QUESTION {
        return Err(refuse(format!(
            "its question is longer than {MAX_QUESTION} characters"
        )));
    }
    let choices = choices_of(task.data.get("choices")).map_err(refuse)?;
    let answer_field = match task.data.get("answerField") {
        None | Some(Value::Null) => DEFAULT_ANSWER_FIELD.to_string(),
        Some(Value::String(f)) if f.trim().is_empty() => DEFAULT_ANSWER_FIELD.to_string(),
        Some(Value::String(f)) if is_field_name(f.trim()) => f.trim().to_string(),
        Some(_) => {
            return Err(refuse(
                "its answerField must be a name of letters, digits and _ (not botpressToken)"
                    .into(),
            ))
        }
    };
    Ok(Question {
        task_id: task.task_id,
        task_key: task.task_key.to_ascii_lowercase(),
        folder_id: task.folder_id,
        bot_id: claims.bot_id,
        channel,
        target,
        thread_id: claims.thread_id,
        text,
        choices,
        answer_field,
        expires_at_ms: claims.exp.saturating_mul(1000),
        token_id: claims.jti,
    })
}

/// `choices`: a list of texts, or one text of comma-separated choices.
fn choices_of(value: Option<&Value>) -> Result<Vec<String>, String> {
    let raw: Vec<String> = match value {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::String(s)) => s.split(',').map(str::to_string).collect(),
        Some(Value::Array(list)) => {
            let mut out = Vec::new();
            for c in list {
                match c {
                    Value::String(s) => out.push(s.clone()),
                    _ => return Err("its choices must be texts".into()),
                }
            }
            out
        }
        Some(_) => return Err("its choices must be a list or a comma-separated text".into()),
    };
    let mut choices: Vec<String> = Vec::new();
    for c in raw.iter().map(|c| c.trim()).filter(|c| !c.is_empty()) {
        if c.chars().count() > MAX_CHOICE || c.chars().any(char::is_control) {
            return Err(format!(
                "a choice is longer than {MAX_CHOICE} characters or holds a control character"
            ));
        }
        if !choices.iter().any(|x| same(x, c)) {
            choices.push(c.to_string());
        }
    }
    if choices.len() > MAX_CHOICES {
        return Err(format!("it has more than {MAX_CHOICES} choices"));
    }
    Ok(choices)
}

fn is_field_name(f: &str) -> bool {
    let mut chars = f.chars();
    f.len() <= 64
        && f != "botpressToken"
        && chars
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Two texts equal without regard to case.
fn same(a: &str, b: &str) -> bool {
    a.to_lowercase() == b.to_lowercase()
}

impl Question {
    /// Where it is asked: `{ botId, channel, target, threadId? }`.
    pub fn destination(&self) -> Destination<'_> {
        Destination {
            bot_id: &self.bot_id,
            channel: &self.channel,
            target: &self.target,
            thread_id: self.thread_id.as_deref(),
        }
    }

    /// The key of its conversation, as the module's middleware looks it up.
    pub fn conversation_key(&self) -> String {
        crate::types::json_text(&json!([
            self.bot_id,
            self.channel,
            self.target,
            self.thread_id
        ]))
    }
}

/// The question as the user sees it: a `single-choice` where the channel draws one, the
/// choices listed in a text elsewhere, a text without choices. `lead` goes before it
/// (the text that asks again).
pub fn question_message(q: &Question, lead: Option<&str>) -> Value {
    let text = match lead {
        Some(l) if !l.is_empty() => format!("{l}\n{}", q.text),
        _ => q.text.clone(),
    };
    if q.choices.is_empty() {
        return json!({ "type": "text", "text": text });
    }
    if CHOICE_CHANNELS.contains(&q.channel.as_str()) {
        let choices: Vec<Value> = q
            .choices
            .iter()
            .map(|c| json!({ "title": c, "value": c }))
            .collect();
        return json!({ "type": "single-choice", "text": text, "choices": choices });
    }
    json!({ "type": "text", "text": format!("{text}\n({})", q.choices.join(" / ")) })
}

/// What the user's message does to an open question.
#[derive(Debug, Clone, PartialEq)]
pub enum AnswerCheck {
    /// The answer, as the task receives it (a choice as the robot wrote it).
    Answer(String),
    /// Not an answer: ask again with this message.
    Again(Value),
    /// Asked too often: the task is left for Action Center; tell the user this.
    Leave(String),
}

/// Matches the user's `text` (a typed text, or a clicked choice's value) against the
/// question; `asked_again` is how often it was asked again already.
pub fn check_answer(
    q: &Question,
    settings: &TaskSettings,
    text: &str,
    asked_again: u32,
) -> AnswerCheck {
    let given = text.trim();
    let found = if q.choices.is_empty() {
        (!given.is_empty() && given.chars().count() <= MAX_ANSWER).then(|| given.to_string())
    } else {
        q.choices.iter().find(|c| same(c, given)).cloned()
    };
    match found {
        Some(answer) => AnswerCheck::Answer(answer),
        None if asked_again >= MAX_ASKS_AGAIN => {
            AnswerCheck::Leave(settings.text("leftForActionCenter", &q.choices))
        }
        None => {
            let lead = if q.choices.is_empty() {
                String::new()
            } else {
                settings.text("askAgain", &q.choices)
            };
            AnswerCheck::Again(question_message(q, Some(&lead)))
        }
    }
}

/// The data a task is completed with: its own data (its `botpressToken` left out, so no
/// token stays in Orchestrator), `extra` over it, and `answeredBy` / `answeredAt`.
pub fn completion_data(
    task_data: &Map<String, Value>,
    extra: &Map<String, Value>,
    answered_by: &str,
    answered_at: &str,
) -> Map<String, Value> {
    let mut data = task_data.clone();
    data.remove("botpressToken");
    for (k, v) in extra {
        data.insert(k.clone(), v.clone());
    }
    data.insert("answeredBy".into(), json!(answered_by));
    data.insert("answeredAt".into(), json!(answered_at));
    data
}

/// Who answered, as the task's data says it: the conversation's channel and user.
pub fn answered_by(q: &Question) -> String {
    format!("botpress:{}:{}", q.channel, q.target)
}

/// The `uipath-task` event a flow handles when `tasks.ask` is `'flow'`: `(event,
/// destination)`.
pub fn task_event(q: &Question) -> (Value, Value) {
    let payload = json!({
        "type": "uipath-task",
        "taskId": q.task_id,
        "taskKey": q.task_key,
        "folderId": q.folder_id,
        "question": q.text,
        "choices": q.choices,
        "answerField": q.answer_field,
    });
    incoming_event(&q.destination(), "uipath-task", payload)
}
