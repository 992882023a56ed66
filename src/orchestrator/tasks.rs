//! Action Center tasks (`shared/uipath-api.md`, "Action Center tasks"): the open tasks of
//! a catalog across folders, one task's data, and completing an external task.
//!
//! Two shapes: the OData list (`/odata/Tasks/…GetTasksAcrossFolders`) is PascalCase with
//! `Status` a string (`Unassigned`, `Pending`, `Completed`); the generic-task API
//! (`/tasks/GenericTasks/…`) answers camelCase with `status` a number (0 Unassigned,
//! 1 Pending, 2 Completed). Both are read here, and nothing else needs to know.

use serde::de::Deserializer;
use serde::Deserialize;
use serde_json::{json, Map, Value};

use super::{parse_error, Scope};
use crate::error::{Error, ErrorCode};
use crate::http::{Method, Request, Response};
use crate::odata;
use crate::types::Folder;
use crate::urlencode;

/// Open tasks read per request; the rest come in the next round.
pub const OPEN_TASKS_PAGE: usize = 100;

/// A task as the OData list gives it.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct TaskEntity {
    /// Numeric id.
    pub id: i64,
    /// GUID.
    #[serde(default)]
    pub key: Option<String>,
    /// `Unassigned`, `Pending`, `Completed` (a number on some versions).
    #[serde(default, deserialize_with = "status_text")]
    pub status: String,
    /// The task's folder.
    #[serde(default)]
    pub organization_unit_id: Option<i64>,
}

impl TaskEntity {
    /// Whether someone took the task in Action Center (`Pending`: assigned, not done):
    /// only that account may complete it now.
    pub fn is_assigned(&self) -> bool {
        self.status == "Pending"
    }
}

/// A task's data as `GetTaskDataById` answers it.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TaskData {
    /// Numeric id.
    pub id: i64,
    /// GUID.
    #[serde(default)]
    pub key: Option<String>,
    /// 0 `Unassigned`, 1 `Pending`, 2 `Completed` (a text on some versions).
    #[serde(default, deserialize_with = "status_text")]
    pub status: String,
    /// The task's data: what the robot's `TaskData` holds.
    #[serde(default)]
    pub data: Option<Value>,
    /// The action it was completed with, once completed.
    #[serde(default)]
    pub action: Option<String>,
    /// The task's catalog.
    #[serde(default)]
    pub task_catalog_name: Option<String>,
    /// The task's folder.
    #[serde(default)]
    pub organization_unit_id: Option<i64>,
}

impl TaskData {
    /// Whether the task is completed.
    pub fn is_completed(&self) -> bool {
        self.status == "Completed"
    }

    /// The task's data as an object (an absent or non-object data is empty).
    pub fn data_object(&self) -> Map<String, Value> {
        match &self.data {
            Some(Value::Object(m)) => m.clone(),
            _ => Map::new(),
        }
    }
}

/// A status as its name, whether Orchestrator wrote the name or its number.
fn status_text<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::Number(n) => match n.as_i64() {
            Some(0) => "Unassigned".into(),
            Some(1) => "Pending".into(),
            Some(2) => "Completed".into(),
            _ => format!("status {n}"),
        },
        Value::String(s) => s,
        _ => String::new(),
    })
}

impl Scope<'_> {
    /// The open external tasks of `catalog` in every folder the credentials see, oldest
    /// first: `Tasks/UiPath.Server.Configuration.OData.GetTasksAcrossFolders`. With
    /// `only`, just those ids (a robot's nudge), if they are open tasks of `catalog`.
    pub fn open_tasks_request(&self, catalog: &str, only: &[i64]) -> Request {
        let mut filter = format!(
            "TaskCatalogName eq {} and Type eq 'ExternalTask' and Status ne 'Completed' and IsDeleted eq false",
            odata::literal(catalog)
        );
        if !only.is_empty() {
            let ids: Vec<String> = only.iter().map(|id| format!("Id eq {id}")).collect();
            filter = format!("{filter} and ({})", ids.join(" or "));
        }
        let top = OPEN_TASKS_PAGE.to_string();
        let q = urlencode::query(&[
            ("$filter", &filter),
            ("$select", "Id,Key,Status,OrganizationUnitId"),
            ("$orderby", "Id asc"),
            ("$top", &top),
        ]);
        Scope {
            folder: None,
            ..self.clone()
        }
        .request(
            Method::Get,
            &format!("Tasks/UiPath.Server.Configuration.OData.GetTasksAcrossFolders?{q}"),
        )
    }

    /// One task by id across folders, for its folder: `GetTasksAcrossFolders` filtered by `Id`.
    pub fn task_lookup_request(&self, task_id: i64) -> Request {
        let filter = format!("Id eq {task_id}");
        let q = urlencode::query(&[
            ("$filter", &filter),
            ("$select", "Id,Key,Status,OrganizationUnitId"),
        ]);
        Scope {
            folder: None,
            ..self.clone()
        }
        .request(
            Method::Get,
            &format!("Tasks/UiPath.Server.Configuration.OData.GetTasksAcrossFolders?{q}"),
        )
    }

    /// One task's data: `GET /tasks/GenericTasks/GetTaskDataById?taskId=` in its folder.
    pub fn task_data_request(&self, task_id: i64) -> Request {
        let q = urlencode::query(&[("taskId", &task_id.to_string())]);
        self.request_at(
            Method::Get,
            &format!("tasks/GenericTasks/GetTaskDataById?{q}"),
        )
    }

    /// Completes an external task: `POST /tasks/GenericTasks/CompleteTask` `{ taskId,
    /// data, action }` in its folder.
    pub fn complete_task_request(
        &self,
        task_id: i64,
        data: &Map<String, Value>,
        action: &str,
    ) -> Request {
        self.request_at(Method::Post, "tasks/GenericTasks/CompleteTask")
            .json(&json!({ "taskId": task_id, "data": data, "action": action }))
    }
}

/// The folder of a task, for its requests' header.
pub fn task_folder(organization_unit_id: Option<i64>) -> Option<Folder> {
    organization_unit_id.map(Folder::Id)
}

/// Reads the answer of `GetTaskDataById`.
pub fn parse_task_data(response: &Response) -> Result<TaskData, Error> {
    serde_json::from_str::<TaskData>(&response.body).map_err(|e| {
        Error::new(
            ErrorCode::OrchestratorError,
            format!(
                "unexpected task answer from Orchestrator ({e}): {}",
                super::excerpt(&response.body)
            ),
        )
        .with_status(response.status)
    })
}

/// An error answer about task `task_id`: `TASK_NOT_FOUND` for a 404.
pub fn task_error(response: &Response, action: &str, task_id: i64) -> Error {
    let err = parse_error(response, action, None);
    if response.status != 404 {
        return err;
    }
    Error {
        code: ErrorCode::TaskNotFound,
        detail: format!("task {task_id} does not exist or these credentials cannot see it"),
        ..err
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secret::Secret;

    fn scope(token: &Secret) -> Scope<'_> {
        Scope {
            base_url: "https://o/acme/T/orchestrator_",
            token,
            tenant: None,
            folder: None,
        }
    }

    #[test]
    fn the_open_tasks_of_a_catalog_with_its_name_quoted() {
        let t = Secret::new("AT");
        let r = scope(&t).open_tasks_request("Bot'press", &[]);
        assert!(r.url.starts_with("https://o/acme/T/orchestrator_/odata/Tasks/UiPath.Server.Configuration.OData.GetTasksAcrossFolders?"));
        let q: String = form_urlencoded::parse(r.url.split_once('?').unwrap().1.as_bytes())
            .map(|(k, v)| format!("{k}={v}&"))
            .collect();
        assert!(q.contains("TaskCatalogName eq 'Bot''press' and Type eq 'ExternalTask' and Status ne 'Completed'"), "{q}");
        assert!(q.contains("$top=100"));
        assert!(!q.contains("Id eq"));
        let nudged = scope(&t).open_tasks_request("Botpress", &[7, 9]);
        let q: String = form_urlencoded::parse(nudged.url.split_once('?').unwrap().1.as_bytes())
            .map(|(k, v)| format!("{k}={v}&"))
            .collect();
        assert!(
            q.contains("IsDeleted eq false and (Id eq 7 or Id eq 9)&"),
            "{q}"
        );
    }

    #[test]
    fn task_data_and_completion_go_to_the_task_s_folder() {
        let t = Secret::new("AT");
        let f = Folder::Id(7);
        let s = Scope {
            folder: Some(&f),
            ..scope(&t)
        };
        let read = s.task_data_request(42);
        assert_eq!(
            read.url,
            "https://o/acme/T/orchestrator_/tasks/GenericTasks/GetTaskDataById?taskId=42"
        );
        assert_eq!(read.header_value("X-UIPATH-OrganizationUnitId"), Some("7"));
        let mut data = Map::new();
        data.insert("answer".into(), json!("Approve"));
        let done = s.complete_task_request(42, &data, "submit");
        assert!(done.url.ends_with("/tasks/GenericTasks/CompleteTask"));
        let body: Value = serde_json::from_str(done.body.as_ref().unwrap().expose()).unwrap();
        assert_eq!(
            body,
            json!({"taskId": 42, "data": {"answer": "Approve"}, "action": "submit"})
        );
    }

    #[test]
    fn a_status_is_read_as_a_name_or_a_number() {
        let d: TaskData =
            serde_json::from_str(r#"{"id": 1, "status": 2, "data": {"a": 1}}"#).unwrap();
        assert!(d.is_completed());
        let e: TaskEntity = serde_json::from_str(r#"{"Id": 1, "Status": "Pending"}"#).unwrap();
        assert_eq!(e.status, "Pending");
    }
}
