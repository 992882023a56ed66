//! Hearing a queue item's end (`API.md`, "Queue items"): the row an added item is
//! tracked by, its end as the webhook or the poller found it (the last attempt's, after
//! Orchestrator's retries), and the event (and optional text) it becomes in the
//! conversation that added it.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::delivery::{
    folder_text, incoming_event, output_value, render, stored_folder, Destination,
};
use super::job_end::{JobEndDelivery, JobEndSettings};
use crate::config::Conversation;
use crate::error::Result;
use crate::types::{Folder, ProcessingException, QueueItem};

/// The event type a queue item's end is delivered as.
pub const ITEM_EVENT_TYPE: &str = "uipath-queue-item";

/// The statuses an end is delivered for.
pub const DELIVERED_STATUSES: [&str; 3] = ["Successful", "Failed", "Abandoned"];

/// An added item as the module tracks it: where to deliver its end, how to read it.
/// Nothing in it is secret.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TrackedQueueItem {
    /// The bot that added it.
    pub bot_id: String,
    /// Conversation: `event.channel`.
    pub channel: String,
    /// Conversation: `event.target`.
    pub target: String,
    /// Conversation: `event.threadId`.
    #[serde(default)]
    pub thread_id: Option<String>,
    /// The id of the item as added (its retries get ids of their own).
    pub item_id: i64,
    /// Its GUID, lower case.
    pub item_key: String,
    /// The queue.
    pub queue_name: String,
    /// The folder: `id:<n>`, `path:<path>`, or empty.
    #[serde(default)]
    pub folder: String,
    /// The Orchestrator (its OData base URL).
    pub orchestrator: String,
    /// Whether the bot's module-config connection added it, so the poller may read it.
    pub pollable: bool,
    /// The item's `Reference`.
    #[serde(default)]
    pub reference: String,
}

impl TrackedQueueItem {
    /// The row of an add.
    pub fn of_add(
        conversation: &Conversation,
        folder: Option<&Folder>,
        orchestrator: &str,
        pollable: bool,
        item: &QueueItem,
    ) -> TrackedQueueItem {
        TrackedQueueItem {
            bot_id: conversation.bot_id.clone(),
            channel: conversation.channel.clone(),
            target: conversation.target.clone(),
            thread_id: conversation.thread_id.clone(),
            item_id: item.id,
            item_key: item.key.to_ascii_lowercase(),
            queue_name: item.queue_name.clone(),
            folder: folder_text(folder),
            orchestrator: orchestrator.to_string(),
            pollable,
            reference: item.reference.clone().unwrap_or_default(),
        }
    }

    /// The folder it was added in.
    pub fn folder(&self) -> Result<Option<Folder>> {
        stored_folder(&self.folder)
    }
}

/// A queue item's end: the last attempt's status and output.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct QueueItemEnd {
    /// The tracked item's id (the one the add answered).
    pub tracked_id: i64,
    /// The last attempt's id.
    pub queue_item_id: i64,
    /// The tracked item's key, lower case.
    pub queue_item_key: String,
    /// `Successful`, `Failed` or `Abandoned`.
    pub status: String,
    /// The transaction's output.
    #[serde(default)]
    pub output: Option<Value>,
    /// Why it failed.
    #[serde(default)]
    pub processing_exception: Option<ProcessingException>,
}

impl QueueItemEnd {
    /// The end of a tracked item, read as `last` (the item or its last retry), if
    /// Orchestrator says it has ended with a status that is delivered.
    pub fn of(tracked: &TrackedQueueItem, last: &QueueItem) -> Option<QueueItemEnd> {
        DELIVERED_STATUSES
            .contains(&last.status.as_str())
            .then(|| QueueItemEnd {
                tracked_id: tracked.item_id,
                queue_item_id: last.id,
                queue_item_key: tracked.item_key.clone(),
                status: last.status.clone(),
                output: last.output.clone(),
                processing_exception: last.processing_exception.clone(),
            })
    }
}

/// The event (and text) a tracked item's end becomes in its conversation: `{ type:
/// 'uipath-queue-item', queueItemId, queueItemKey, queueName, status, output,
/// processingException, reference }`, and `messages[status]` with `{{queueName}}`,
/// `{{status}}`, `{{reference}}`, `{{reason}}` and `{{output.NAME}}` filled in.
pub fn item_delivery(
    settings: &JobEndSettings,
    item: &TrackedQueueItem,
    end: &QueueItemEnd,
) -> JobEndDelivery {
    let payload = json!({
        "type": ITEM_EVENT_TYPE,
        "queueItemId": end.queue_item_id,
        "queueItemKey": end.queue_item_key,
        "queueName": item.queue_name,
        "status": end.status,
        "output": end.output,
        "processingException": end.processing_exception,
        "reference": item.reference,
    });
    let to = Destination {
        bot_id: &item.bot_id,
        channel: &item.channel,
        target: &item.target,
        thread_id: item.thread_id.as_deref(),
    };
    let (event, destination) = incoming_event(&to, ITEM_EVENT_TYPE, payload);
    let message = settings
        .messages
        .get(&end.status)
        .and_then(Value::as_str)
        .map(|template| {
            let text = render(template, |name| match name {
                "queueName" => item.queue_name.clone(),
                "status" => end.status.clone(),
                "reference" => item.reference.clone(),
                "queueItemId" => end.queue_item_id.to_string(),
                "reason" => end
                    .processing_exception
                    .as_ref()
                    .and_then(|e| e.reason.clone())
                    .unwrap_or_default(),
                _ => output_value(name, end.output.as_ref()).unwrap_or_default(),
            });
            json!({ "type": "text", "text": text })
        });
    JobEndDelivery {
        event,
        destination,
        message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tracked() -> TrackedQueueItem {
        TrackedQueueItem {
            bot_id: "bot-1".into(),
            channel: "web".into(),
            target: "u1".into(),
            thread_id: Some("t1".into()),
            item_id: 5,
            item_key: "k5".into(),
            queue_name: "Invoices".into(),
            folder: "path:Shared".into(),
            orchestrator: "https://o".into(),
            pollable: true,
            reference: "INV-1".into(),
        }
    }

    fn last(status: &str) -> QueueItem {
        serde_json::from_value::<crate::orchestrator::QueueItemEntity>(json!({"Id": 7, "Key": "k5", "Status": status, "Output": {"paid": true}, "RetryNumber": 1, "AncestorId": 5, "ProcessingException": if status == "Failed" { json!({"Reason": "No such invoice", "Type": "BusinessException"}) } else { Value::Null }}))
            .unwrap()
            .item("Invoices")
    }

    #[test]
    fn only_the_delivered_statuses_end_an_item() {
        assert!(QueueItemEnd::of(&tracked(), &last("InProgress")).is_none());
        assert!(QueueItemEnd::of(&tracked(), &last("Retried")).is_none());
        let end = QueueItemEnd::of(&tracked(), &last("Successful")).unwrap();
        assert_eq!(
            (
                end.tracked_id,
                end.queue_item_id,
                end.queue_item_key.as_str()
            ),
            (5, 7, "k5")
        );
    }

    #[test]
    fn the_event_and_the_text() {
        let mut settings = JobEndSettings::parse(&json!({"messages": {"Failed": "{{queueName}} {{reference}}: {{reason}}", "Successful": "paid={{output.paid}}"}})).unwrap();
        let d = item_delivery(
            &settings,
            &tracked(),
            &QueueItemEnd::of(&tracked(), &last("Failed")).unwrap(),
        );
        assert_eq!(d.event["type"], "uipath-queue-item");
        assert_eq!(d.event["threadId"], "t1");
        let p = &d.event["payload"];
        assert_eq!(
            (
                p["queueItemId"].as_i64(),
                p["status"].as_str(),
                p["queueName"].as_str()
            ),
            (Some(7), Some("Failed"), Some("Invoices"))
        );
        assert_eq!(p["processingException"]["reason"], "No such invoice");
        assert_eq!(
            d.message.unwrap()["text"],
            "Invoices INV-1: No such invoice"
        );
        let d = item_delivery(
            &settings,
            &tracked(),
            &QueueItemEnd::of(&tracked(), &last("Successful")).unwrap(),
        );
        assert_eq!(d.message.unwrap()["text"], "paid=true");
        settings.messages.clear();
        assert!(item_delivery(
            &settings,
            &tracked(),
            &QueueItemEnd::of(&tracked(), &last("Abandoned")).unwrap()
        )
        .message
        .is_none());
    }
}
