//! Queue items (`shared/uipath-api.md`, "Queues"): adding one (`AddQueueItem`), reading
//! one by id, finding one by its `Reference`, finding the retry of a `Retried` one, and
//! the item as the package hands it out.

use serde::Deserialize;
use serde_json::{json, Map, Value};

use super::{parse_error, Scope};
use crate::config::QueueItemSettings;
use crate::error::{Error, ErrorCode};
use crate::http::{Method, Request, Response};
use crate::odata;
use crate::types::{Folder, ProcessingException, QueueItem};
use crate::urlencode;

/// The statuses an item does not leave; a `Retried` one is followed to its retry.
pub const FINAL_ITEM_STATUSES: [&str; 4] = ["Successful", "Failed", "Abandoned", "Deleted"];
/// Orchestrator's errorCode for a duplicate reference on a unique-reference queue.
pub const DUPLICATE_REFERENCE_CODE: i64 = 1016;

/// Whether an item in `status` has ended (not counting `Retried`).
pub fn is_final_item(status: &str) -> bool {
    FINAL_ITEM_STATUSES.contains(&status)
}

/// A queue item as Orchestrator writes it (PascalCase), in an answer to AddQueueItem,
/// `QueueItems({id})`, a `QueueItems` collection, or a webhook event.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct QueueItemEntity {
    /// Numeric id.
    pub id: i64,
    /// GUID.
    pub key: String,
    /// `New`, `InProgress`, …
    pub status: String,
    /// The queue's id.
    #[serde(default)]
    pub queue_definition_id: Option<i64>,
    /// The queue's name, where Orchestrator gives it.
    #[serde(default)]
    pub queue_definition_name: Option<String>,
    /// `Reference`.
    #[serde(default)]
    pub reference: Option<String>,
    /// `Priority`.
    #[serde(default)]
    pub priority: Option<String>,
    /// The transaction's output (an object), when it succeeded.
    #[serde(default)]
    pub output: Option<Value>,
    /// The same as a JSON string, where `Output` is missing.
    #[serde(default)]
    pub output_data: Option<String>,
    /// Why it failed.
    #[serde(default)]
    pub processing_exception: Option<ProcessingException>,
    /// How often it was retried.
    #[serde(default)]
    pub retry_number: Option<i64>,
    /// The item this one is a retry of.
    #[serde(default)]
    pub ancestor_id: Option<i64>,
    /// ISO 8601.
    #[serde(default)]
    pub creation_time: Option<String>,
    /// ISO 8601.
    #[serde(default)]
    pub start_processing: Option<String>,
    /// ISO 8601.
    #[serde(default)]
    pub end_processing: Option<String>,
}

impl QueueItemEntity {
    /// The item as the package hands it out; `queue_name` when the entity names none.
    pub fn item(self, queue_name: &str) -> QueueItem {
        let output = match (self.output, self.output_data) {
            (Some(Value::Null) | None, Some(text)) => serde_json::from_str(&text).ok(),
            (Some(Value::Null), None) => None,
            (other, _) => other,
        };
        QueueItem {
            id: self.id,
            key: self.key,
            queue_name: self
                .queue_definition_name
                .unwrap_or_else(|| queue_name.to_string()),
            reference: self.reference,
            priority: self.priority.unwrap_or_else(|| "Normal".into()),
            status: self.status,
            output,
            processing_exception: self.processing_exception,
            retry_number: self.retry_number.unwrap_or(0),
            ancestor_id: self.ancestor_id,
            creation_time: self.creation_time,
            start_processing: self.start_processing,
            end_processing: self.end_processing,
        }
    }
}

impl Scope<'_> {
    /// `AddQueueItem` with `itemData`: the settings' fields, `content` (the caller's
    /// content and the callback fields) and `reference`.
    pub fn add_queue_item_request(
        &self,
        settings: &QueueItemSettings,
        content: &Map<String, Value>,
        reference: &str,
    ) -> Request {
        let mut item = json!({
            "Name": settings.queue_name,
            "Priority": settings.priority.as_str(),
            "SpecificContent": content,
            "Reference": reference,
        });
        for (name, date) in [
            ("DueDate", &settings.due_date),
            ("DeferDate", &settings.defer_date),
            ("RiskSlaDate", &settings.risk_sla_date),
        ] {
            if let Some(d) = date {
                item[name] = json!(d.text);
            }
        }
        self.request(Method::Post, "Queues/UiPathODataSvc.AddQueueItem")
            .json(&json!({ "itemData": item }))
    }

    /// One item: `QueueItems({id})`.
    pub fn queue_item_request(&self, id: i64) -> Request {
        self.request(Method::Get, &format!("QueueItems({id})"))
    }

    /// The items of a queue carrying `reference`, newest first.
    pub fn queue_items_by_reference_request(&self, queue_name: &str, reference: &str) -> Request {
        let filter = format!(
            "QueueDefinitionName eq {} and Reference eq {}",
            odata::literal(queue_name),
            odata::literal(reference)
        );
        self.items_request(&filter, 10)
    }

    /// The retry of `item`, whichever item its `AncestorId` names (the previous attempt
    /// or the first one: the newest attempt that followed wins).
    pub fn queue_item_retry_request(&self, item: &QueueItem) -> Request {
        let filter = match item.ancestor_id {
            Some(first) => format!("AncestorId eq {} or AncestorId eq {first}", item.id),
            None => format!("AncestorId eq {}", item.id),
        };
        self.items_request(&filter, 10)
    }

    /// Several items by id: `QueueItems?$filter=Id in (…)`, one page of `ids.len()`.
    pub fn queue_items_by_ids_request(&self, ids: &[i64]) -> Request {
        let filter = format!("Id in ({})", super::ids_text(ids.iter().copied(), ","));
        self.items_request(&filter, ids.len())
    }

    fn items_request(&self, filter: &str, top: usize) -> Request {
        let top = top.to_string();
        let q = urlencode::query(&[("$filter", filter), ("$orderby", "Id desc"), ("$top", &top)]);
        self.request(Method::Get, &format!("QueueItems?{q}"))
    }
}

/// The newest retry among `candidates` of `item`: an attempt with a higher
/// `RetryNumber` (or, failing that, a higher id) than `item`.
pub fn newest_retry(item: &QueueItem, candidates: Vec<QueueItem>) -> Option<QueueItem> {
    candidates
        .into_iter()
        .filter(|c| c.id != item.id && (c.retry_number, c.id) > (item.retry_number, item.id))
        .max_by_key(|c| (c.retry_number, c.id))
}

/// A failed queue request: an unknown queue (errorCode 1002 on an add) is
/// `QUEUE_NOT_FOUND`, an unknown item `QUEUE_ITEM_NOT_FOUND`, a duplicate reference
/// `DUPLICATE_REFERENCE`; the rest as any Orchestrator error.
pub fn queue_error(
    response: &Response,
    action: &str,
    queue_name: Option<&str>,
    item_id: Option<i64>,
    folder: Option<&Folder>,
) -> Error {
    let err = parse_error(response, action, folder);
    let in_folder = folder
        .map(|f| format!(" in folder {f}"))
        .unwrap_or_default();
    let not_found = response.status == 404 || err.uipath_error_code == Some(1002);
    let (code, detail) = match (item_id, queue_name) {
        (_, _) if err.uipath_error_code == Some(DUPLICATE_REFERENCE_CODE) => (
            ErrorCode::DuplicateReference,
            format!(
                "queue {} enforces unique references, and this reference is taken",
                crate::quote::quote(queue_name.unwrap_or_default(), 60)
            ),
        ),
        (Some(id), _) if not_found => (
            ErrorCode::QueueItemNotFound,
            format!("queue item {id} does not exist{in_folder} or these credentials cannot see it"),
        ),
        (None, Some(name)) if not_found => (
            ErrorCode::QueueNotFound,
            format!(
                "no queue named {}{in_folder}, or these credentials cannot see it",
                crate::quote::quote(name, 60)
            ),
        ),
        _ => return err,
    };
    Error {
        code,
        detail,
        ..err
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::QueueItemSettings;
    use crate::secret::Secret;

    fn scope_test(f: impl FnOnce(&Scope<'_>)) {
        let token = Secret::new("tok-1234");
        let folder = Folder::Path("Shared".into());
        f(&Scope {
            base_url: "https://o/org/ten/orchestrator_",
            token: &token,
            tenant: None,
            folder: Some(&folder),
        });
    }

    fn item(id: i64, retry: i64, ancestor: Option<i64>) -> QueueItem {
        serde_json::from_value::<QueueItemEntity>(json!({"Id": id, "Key": "k", "Status": "New", "RetryNumber": retry, "AncestorId": ancestor}))
            .unwrap()
            .item("Invoices")
    }

    #[test]
    fn the_add_is_flat_with_the_dates_as_given() {
        scope_test(|s| {
            let settings = QueueItemSettings::parse(
                &json!({"queueName": "Invoices", "priority": "High", "dueDate": "2026-12-31T17:00:00Z"}),
                &json!({"orchestratorUrl": "https://o", "auth": {"accessToken": "tok-9876"}}),
            )
            .unwrap();
            let mut content = Map::new();
            content.insert("invoice".into(), json!("INV-1"));
            let r = s.add_queue_item_request(&settings, &content, "botpress:b:1");
            assert!(r.url.ends_with("/odata/Queues/UiPathODataSvc.AddQueueItem"));
            assert_eq!(r.header_value("X-UIPATH-FolderPath"), Some("Shared"));
            let body: Value = serde_json::from_str(r.body.unwrap().expose()).unwrap();
            assert_eq!(
                body,
                json!({"itemData": {"Name": "Invoices", "Priority": "High", "SpecificContent": {"invoice": "INV-1"}, "Reference": "botpress:b:1", "DueDate": "2026-12-31T17:00:00Z"}})
            );
        });
    }

    #[test]
    fn reads_by_id_reference_and_ancestor() {
        scope_test(|s| {
            assert!(s
                .queue_item_request(9)
                .url
                .ends_with("/odata/QueueItems(9)"));
            let url = s.queue_items_by_reference_request("Invoices", "r'1").url;
            assert!(url.contains("QueueDefinitionName%20eq%20%27Invoices%27%20and%20Reference%20eq%20%27r%27%271%27"), "{url}");
            let url = s.queue_item_retry_request(&item(7, 1, Some(5))).url;
            assert!(
                url.contains("AncestorId%20eq%207%20or%20AncestorId%20eq%205"),
                "{url}"
            );
        });
    }

    #[test]
    fn the_newest_retry_is_found_whichever_item_the_ancestor_id_names() {
        // AncestorId = the first attempt (5): retries 7 and 9 both name it.
        let from7 = newest_retry(
            &item(7, 1, Some(5)),
            vec![item(9, 2, Some(5)), item(7, 1, Some(5))],
        );
        assert_eq!(from7.map(|i| i.id), Some(9));
        // AncestorId = the previous attempt: 9 names 7.
        let from7 = newest_retry(&item(7, 1, Some(5)), vec![item(9, 2, Some(7))]);
        assert_eq!(from7.map(|i| i.id), Some(9));
        assert_eq!(
            newest_retry(&item(9, 2, Some(5)), vec![item(7, 1, Some(5))]),
            None
        );
    }

    #[test]
    fn errors_map_to_their_codes() {
        let resp = |status, body: Value| Response {
            status,
            headers: vec![],
            body: body.to_string(),
        };
        let folder = Folder::Path("Shared".into());
        let e = queue_error(
            &resp(
                404,
                json!({"message": "Queue does not exist.", "errorCode": 1002}),
            ),
            "add",
            Some("Nope"),
            None,
            Some(&folder),
        );
        assert_eq!(e.code, ErrorCode::QueueNotFound);
        assert!(
            e.detail
                .contains("no queue named \"Nope\" in folder \"Shared\""),
            "{}",
            e.detail
        );
        let e = queue_error(
            &resp(
                409,
                json!({"message": "Error creating Transaction. Duplicate Reference.", "errorCode": 1016}),
            ),
            "add",
            Some("Invoices"),
            None,
            None,
        );
        assert_eq!(e.code, ErrorCode::DuplicateReference);
        let e = queue_error(
            &resp(404, json!({"errorCode": 1002})),
            "read",
            None,
            Some(9),
            None,
        );
        assert_eq!(e.code, ErrorCode::QueueItemNotFound);
        assert_eq!(
            queue_error(&resp(500, json!({})), "add", Some("Q"), None, None).code,
            ErrorCode::OrchestratorError
        );
    }

    #[test]
    fn output_from_the_object_or_its_text() {
        let i = serde_json::from_value::<QueueItemEntity>(json!({"Id": 1, "Key": "k", "Status": "Successful", "Output": null, "OutputData": "{\"paid\":true}"})).unwrap().item("Q");
        assert_eq!(i.output, Some(json!({"paid": true})));
        let i = serde_json::from_value::<QueueItemEntity>(json!({"Id": 1, "Key": "k", "Status": "Failed", "ProcessingException": {"Reason": "No such invoice", "Type": "BusinessException"}})).unwrap().item("Q");
        assert_eq!(
            serde_json::to_value(&i.processing_exception).unwrap(),
            json!({"reason": "No such invoice", "details": null, "type": "BusinessException"})
        );
    }
}
