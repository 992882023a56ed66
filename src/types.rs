//! Plain types that several layers share (settings, request builders, flows, errors):
//! the folder a call runs in, a job and a queue item as the package hands them out, how
//! to stop a job. This
//! module imports nothing of the crate, so nothing above it can form a cycle through it.

use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The JSON text of a value (compact). serde_json cannot fail on the package's values
/// (structs of strings and numbers, maps with string keys). One printer for every value,
/// rather than `Value`'s `Display` beside it, keeps one copy of the code in the `.wasm`.
pub fn json_text<T: Serialize + ?Sized>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_default()
}

/// The folder every folder-scoped call is made in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Folder {
    /// `X-UIPATH-FolderPath` (or its encoded form for non-ASCII paths).
    Path(String),
    /// `X-UIPATH-OrganizationUnitId`.
    Id(i64),
}

impl fmt::Display for Folder {
    /// `"Finance/Invoices"` (quoted, control characters escaped) or `id 7`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Folder::Path(p) => f.write_str(&json_text(p)),
            Folder::Id(id) => write!(f, "id {id}"),
        }
    }
}

/// A job as `getUiPathJob`, `waitForUiPathJob` and `stopUiPathJob` resolve it (API.md).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct JobDetails {
    /// Numeric id.
    pub id: i64,
    /// GUID.
    pub key: String,
    /// `Pending`, `Running`, ..., `Successful`, `Faulted`, `Stopped`.
    pub state: String,
    /// Orchestrator's `Info` (the fault message of a faulted job).
    pub info: Option<String>,
    /// `OutputArguments`, parsed from the JSON string Orchestrator gives.
    pub output_arguments: Option<Value>,
    /// ISO 8601, as Orchestrator gave it.
    pub start_time: Option<String>,
    /// ISO 8601, as Orchestrator gave it.
    pub end_time: Option<String>,
    /// The release's name.
    pub release_name: String,
    /// The `Reference` the job was started with.
    pub reference: Option<String>,
}

/// `SoftStop` (the default: the robot finishes its current activity) or `Kill`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum StopStrategy {
    /// Ask the process to stop.
    SoftStop,
    /// End it at once.
    Kill,
}

/// `ProcessingException { Reason, Details, Type }` of a failed item (read from
/// Orchestrator's PascalCase, and back from the module's camelCase).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProcessingException {
    /// Why.
    #[serde(
        rename(deserialize = "Reason", serialize = "reason"),
        alias = "reason",
        default
    )]
    pub reason: Option<String>,
    /// More of it.
    #[serde(
        rename(deserialize = "Details", serialize = "details"),
        alias = "details",
        default
    )]
    pub details: Option<String>,
    /// `ApplicationException` or `BusinessException`.
    #[serde(
        rename(deserialize = "Type", serialize = "type"),
        alias = "type",
        default
    )]
    pub kind: Option<String>,
}

/// A queue item as `addUiPathQueueItem` and the other calls resolve it (API.md).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct QueueItem {
    /// Numeric id.
    pub id: i64,
    /// GUID.
    pub key: String,
    /// The queue's name.
    pub queue_name: String,
    /// `Reference`.
    pub reference: Option<String>,
    /// `High`, `Normal`, `Low`.
    pub priority: String,
    /// `New`, `InProgress`, `Failed`, `Successful`, `Abandoned`, `Retried`, `Deleted`.
    pub status: String,
    /// The transaction's output.
    pub output: Option<Value>,
    /// Why it failed.
    pub processing_exception: Option<ProcessingException>,
    /// How often it was retried.
    pub retry_number: i64,
    /// The item this one is a retry of.
    pub ancestor_id: Option<i64>,
    /// ISO 8601.
    pub creation_time: Option<String>,
    /// ISO 8601.
    pub start_processing: Option<String>,
    /// ISO 8601.
    pub end_processing: Option<String>,
}
