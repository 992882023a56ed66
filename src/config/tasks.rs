//! The settings of completing an Action Center task from action code
//! (`answerUiPathTask`, API.md), and the connection the task calls use.

use serde_json::{Map, Value};

use super::{Connection, DEFAULT_TIMEOUT_MS};
use crate::error::{Error, Result};
use crate::fields::{self, Layers};

/// The scope a client-credentials token for the task calls asks for, unless
/// `auth.scope` says otherwise.
pub const TASK_SCOPE: &str = "OR.Tasks";
/// The action a task is completed with unless the caller names one.
pub const DEFAULT_TASK_ACTION: &str = "submit";

impl Connection {
    /// The connection for the task calls: a client-credentials token asked with the
    /// default scopes of the jobs calls asks for [`TASK_SCOPE`] instead.
    pub fn for_tasks(self) -> Connection {
        self.with_default_scope(TASK_SCOPE)
    }
}

/// `answerUiPathTask`'s args, read over the module config.
#[derive(Debug, Clone)]
pub struct TaskAnswer {
    /// The connection (`OR.Tasks`).
    pub connection: Connection,
    /// `taskId`.
    pub task_id: i64,
    /// `folderId`, the task's folder (the `uipath-task` event carries it); without it the
    /// task is looked up across folders first.
    pub folder_id: Option<i64>,
    /// `data`: written over the task's own data.
    pub data: Map<String, Value>,
    /// `action`, default `submit`.
    pub action: String,
    /// `timeoutMs`, the whole call's deadline.
    pub timeout_ms: u64,
}

impl TaskAnswer {
    /// Parses `{ taskId, data, action?, folderId?, timeoutMs? }` and the connection.
    pub fn parse(args: &Value, module_config: &Value) -> Result<TaskAnswer> {
        if !args.is_object() {
            return Err(Error::config(
                "args must be an object like { taskId, data, action }",
            ));
        }
        let own = |name: &str| fields::present(args.get(name));
        let task_id = match own("taskId") {
            Some(v) => fields::integer("taskId", v, 1, i64::MAX)?,
            None => {
                return Err(Error::config(
                    "taskId is missing: say which task, e.g. taskId: event.payload.taskId",
                ))
            }
        };
        let folder_id = own("folderId")
            .map(|v| fields::integer("folderId", v, 1, i64::MAX))
            .transpose()?;
        let data = match own("data") {
            Some(v) => fields::object("data", v)?,
            None => Map::new(),
        };
        if data.contains_key("botpressToken") {
            return Err(Error::config(
                "data.botpressToken is not written back to a task: leave it out",
            ));
        }
        let action = match own("action") {
            Some(v) => {
                let a = fields::string("action", v)?;
                if a.trim().is_empty() || a.chars().count() > 100 {
                    return Err(Error::config(
                        "action must be a name of 1 to 100 characters",
                    ));
                }
                a
            }
            None => DEFAULT_TASK_ACTION.to_string(),
        };
        let l = Layers::new(args, module_config);
        let connection = Connection::parse(&l)?.for_tasks();
        let timeout_ms = match l.get(&["timeoutMs"]) {
            Some((n, v)) => fields::integer(n, v, 1000, 600_000)? as u64,
            None => DEFAULT_TIMEOUT_MS,
        };
        Ok(TaskAnswer {
            connection,
            task_id,
            folder_id,
            data,
            action,
            timeout_ms,
        })
    }
}
