//! Action Center tasks over the wire (`API.md`, "A robot asks, the user answers in the
//! conversation"): the open tasks of a catalog and the data of those not seen before,
//! and completing one — never twice, and a completion whose answer was lost is told
//! apart from one made in Action Center by the `answeredBy` / `answeredAt` it wrote.

use futures_util::future::join_all;
use serde_json::{Map, Value};

use super::call::{Call, Redactor};
use super::token::{Session, TokenCache};
use crate::config::Connection;
use crate::error::Result;
use crate::http::Transport;
use crate::orchestrator::{self, TaskData, TaskEntity, OPEN_TASKS_PAGE};

/// Task data read at once.
const CONCURRENT_READS: usize = 8;

/// One look for open tasks: with which connection, in which catalog.
#[derive(Debug, Clone, Copy)]
pub struct TaskLook<'a> {
    /// The bots' module-config connection, for tasks.
    pub connection: &'a Connection,
    /// The task catalog the robots create their tasks in.
    pub catalog: &'a str,
    /// Only these task ids (a robot's nudge); every open task when empty.
    pub only: &'a [i64],
    /// The look's deadline, milliseconds.
    pub timeout_ms: u64,
}

/// What one look for open tasks found.
#[derive(Debug, Default)]
pub struct OpenTasks {
    /// Every open task listed (at most [`OPEN_TASKS_PAGE`]).
    pub listed: Vec<TaskEntity>,
    /// Whether that is all of them: a task not listed is not open (never for a nudge's
    /// look).
    pub complete: bool,
    /// The data of the listed tasks `is_known` did not know, or why it could not be read.
    pub read: Vec<(TaskEntity, Result<TaskData>)>,
    /// Requests sent to Orchestrator, not counting a token request.
    pub requests: usize,
}

/// Lists the open external tasks of `catalog` across folders (with `only`, just those
/// ids: a robot's nudge) and reads the data of each that `is_known` does not know and
/// nobody took in Action Center, in its folder.
pub async fn open_tasks<T: Transport>(
    transport: &T,
    cache: &TokenCache,
    look: &TaskLook<'_>,
    is_known: impl Fn(&str) -> bool,
) -> Result<OpenTasks> {
    let connection = look.connection;
    let call = Call::new(transport, look.timeout_ms, connection.max_answer_bytes);
    let redactor = Redactor::default();
    let result = async {
        let mut session = Session::open(&call, cache, connection, None, &redactor).await?;
        let response = session
            .send(
                |s| s.open_tasks_request(look.catalog, look.only),
                "list the open tasks",
            )
            .await?;
        if !response.is_success() {
            return Err(orchestrator::parse_error(
                &response,
                "list the open tasks",
                None,
            ));
        }
        let listed: Vec<TaskEntity> = orchestrator::parse_collection(&response, "Tasks")?;
        let complete = look.only.is_empty() && listed.len() < OPEN_TASKS_PAGE;
        // A task someone took in Action Center is theirs to complete: not read, not
        // asked, while it stays assigned.
        let new: Vec<TaskEntity> = listed
            .iter()
            .filter(|t| !t.is_assigned() && !is_known(&key_of(t)))
            .cloned()
            .collect();
        let mut read = Vec::new();
        for chunk in new.chunks(CONCURRENT_READS) {
            let reads = chunk.iter().map(|t| {
                read_task(
                    &call,
                    cache,
                    connection,
                    t.organization_unit_id,
                    t.id,
                    &redactor,
                )
            });
            for (t, data) in chunk.iter().zip(join_all(reads).await) {
                read.push((t.clone(), data.map_err(|e| redactor.redact(e))));
            }
        }
        let requests = 1 + read.len();
        Ok(OpenTasks {
            listed,
            complete,
            read,
            requests,
        })
    }
    .await;
    redactor.apply(result)
}

/// A task's key as the module stores it: its GUID, lower-case; its id when Orchestrator
/// gives none, or one that is not a GUID's letters (an answer's text never becomes a
/// database key as it is).
pub fn key_of(t: &TaskEntity) -> String {
    t.key
        .as_deref()
        .filter(|k| {
            !k.is_empty() && k.len() <= 40 && k.chars().all(|c| c.is_ascii_hexdigit() || c == '-')
        })
        .map(str::to_ascii_lowercase)
        .unwrap_or_else(|| format!("id:{}", t.id))
}

/// One task's data, in its folder.
async fn read_task<T: Transport>(
    call: &Call<'_, T>,
    cache: &TokenCache,
    connection: &Connection,
    folder_id: Option<i64>,
    task_id: i64,
    redactor: &Redactor,
) -> Result<TaskData> {
    let folder = orchestrator::task_folder(folder_id);
    let mut session = Session::open(call, cache, connection, folder.as_ref(), redactor).await?;
    read_in(&mut session, task_id).await
}

async fn read_in<T: Transport>(session: &mut Session<'_, '_, T>, task_id: i64) -> Result<TaskData> {
    let response = session
        .send(|s| s.task_data_request(task_id), "read a task")
        .await?;
    if !response.is_success() {
        return Err(orchestrator::task_error(&response, "read a task", task_id));
    }
    orchestrator::parse_task_data(&response)
}

/// How a completion ended.
#[derive(Debug, Clone, PartialEq)]
pub enum Completion {
    /// This call completed it, with this data.
    Completed(Map<String, Value>),
    /// It was completed already: by this package before (`ours`: its data carries the
    /// same `answeredBy` and `answeredAt`, a completion whose answer was lost), or
    /// elsewhere, with `action`.
    AlreadyCompleted {
        /// Whether the completion found is this answer's.
        ours: bool,
        /// The action it was completed with.
        action: Option<String>,
    },
}

/// What to complete a task with.
pub struct CompleteTask<'a> {
    /// The bot's connection.
    pub connection: &'a Connection,
    /// The task's folder (its id).
    pub folder_id: Option<i64>,
    /// The task.
    pub task_id: i64,
    /// `submit`, or the action the caller names.
    pub action: &'a str,
    /// The deadline of the whole completion, milliseconds.
    pub timeout_ms: u64,
}

/// Reads the task, then completes it with `data_for(its data)` unless it is completed
/// already. A refusal is read again: a task completed meanwhile (a lost answer of ours
/// repeated, or Action Center) is not an error.
pub async fn complete_task<T: Transport>(
    transport: &T,
    cache: &TokenCache,
    task: &CompleteTask<'_>,
    data_for: impl Fn(&Map<String, Value>) -> Map<String, Value>,
) -> Result<Completion> {
    let call = Call::new(transport, task.timeout_ms, task.connection.max_answer_bytes);
    let redactor = Redactor::default();
    let result = async {
        let folder_id = match task.folder_id {
            Some(id) => Some(id),
            None => folder_of(&call, cache, task.connection, task.task_id, &redactor).await?,
        };
        let folder = orchestrator::task_folder(folder_id);
        let mut session =
            Session::open(&call, cache, task.connection, folder.as_ref(), &redactor).await?;
        let current = read_in(&mut session, task.task_id).await?;
        let data = data_for(&current.data_object());
        if current.is_completed() {
            return Ok(already(&current, &data));
        }
        let response = session
            .send(
                |s| s.complete_task_request(task.task_id, &data, task.action),
                "complete a task",
            )
            .await?;
        if response.is_success() {
            return Ok(Completion::Completed(data));
        }
        let refused = orchestrator::task_error(&response, "complete a task", task.task_id);
        if response.status == 404 {
            return Err(refused);
        }
        match read_in(&mut session, task.task_id).await {
            Ok(now) if now.is_completed() => Ok(already(&now, &data)),
            _ => Err(refused),
        }
    }
    .await;
    redactor.apply(result)
}

/// The folder of task `task_id`, looked up across folders.
async fn folder_of<T: Transport>(
    call: &Call<'_, T>,
    cache: &TokenCache,
    connection: &Connection,
    task_id: i64,
    redactor: &Redactor,
) -> Result<Option<i64>> {
    let mut session = Session::open(call, cache, connection, None, redactor).await?;
    let response = session
        .send(|s| s.task_lookup_request(task_id), "find a task")
        .await?;
    if !response.is_success() {
        return Err(orchestrator::task_error(&response, "find a task", task_id));
    }
    let found: Vec<TaskEntity> = orchestrator::parse_collection(&response, "Tasks")?;
    match found.into_iter().find(|t| t.id == task_id) {
        Some(t) => Ok(t.organization_unit_id),
        None => Err(crate::error::Error::new(
            crate::error::ErrorCode::TaskNotFound,
            format!("task {task_id} does not exist or these credentials cannot see it"),
        )),
    }
}

/// A completed task: ours when its data carries the marks this completion writes.
fn already(task: &TaskData, ours: &Map<String, Value>) -> Completion {
    let data = task.data_object();
    let mark = |name: &str| ours.get(name).is_some() && data.get(name) == ours.get(name);
    Completion::AlreadyCompleted {
        ours: mark("answeredBy") && mark("answeredAt"),
        action: task.action.clone(),
    }
}
