//! Handing the jobs a start started, and the queue items an add added, to the `uipath`
//! module's trackers in this process, if the module registered them under
//! `Symbol.for('botpress-uipath/job-tracker')` and `…/queue-item-tracker`.

use js_sys::{Promise, Reflect};
use serde_json::{json, Value};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use super::convert::{js_message, to_js};
use super::host::Logger;
use crate::config::{Connection, Conversation, JobSettings};
use crate::error::Error;
use crate::fields::Layers;
use crate::module::{TrackedJob, TrackedQueueItem};
use crate::orchestrator::JobStart;
use crate::types::{Folder, QueueItem};

/// Answers whether the jobs are tracked; a tracker that fails is logged, never thrown:
/// the jobs have started.
pub async fn track(
    settings: &JobSettings,
    module_config: &Value,
    conversation: &Conversation,
    started: &JobStart,
    logger: Option<&Logger>,
) -> bool {
    let Some(tracker) = local_tracker("botpress-uipath/job-tracker") else {
        return false;
    };
    // Only jobs of the bot's own module-config connection can be polled later.
    let own = Connection::parse(&Layers::new(&json!({}), module_config)).ok();
    let pollable = own.as_ref() == Some(&settings.connection);
    let rows = TrackedJob::of_start(
        conversation,
        settings.folder.as_ref(),
        &settings.connection.orchestrator_url,
        pollable,
        started,
    );
    hand_over(&tracker, &rows, logger, "the job(s) started").await
}

/// Answers whether the added item is tracked (see [`track`]).
pub async fn track_item(
    connection: &Connection,
    folder: Option<&Folder>,
    module_config: &Value,
    conversation: &Conversation,
    item: &QueueItem,
    logger: Option<&Logger>,
) -> bool {
    let Some(tracker) = local_tracker("botpress-uipath/queue-item-tracker") else {
        return false;
    };
    let own = Connection::parse(&Layers::new(&json!({}), module_config))
        .ok()
        .map(Connection::for_queues);
    let pollable = own.as_ref() == Some(connection);
    let row = TrackedQueueItem::of_add(
        conversation,
        folder,
        &connection.orchestrator_url,
        pollable,
        item,
    );
    hand_over(&tracker, &[row], logger, "the queue item was added").await
}

/// Calls a tracker with the rows; a failure is logged, never thrown.
async fn hand_over<R: serde::Serialize>(
    tracker: &js_sys::Function,
    rows: &[R],
    logger: Option<&Logger>,
    what: &str,
) -> bool {
    let result = async {
        let rows = to_js(rows)?;
        let promise = tracker
            .call1(&JsValue::UNDEFINED, &rows)
            .map_err(|e| Error::config(js_message(&e)))?;
        JsFuture::from(Promise::resolve(&promise))
            .await
            .map_err(|e| Error::config(js_message(&e)))
    }
    .await;
    match result {
        Ok(_) => true,
        Err(e) => {
            if let Some(l) = logger {
                l.warn_line(&format!(
                    "{what}, but the module could not track it, so its end will not be delivered: {}",
                    e.detail
                ));
            }
            false
        }
    }
}

fn local_tracker(name: &str) -> Option<js_sys::Function> {
    let key = js_sys::Symbol::for_(name);
    Reflect::get(&js_sys::global(), &key)
        .ok()?
        .dyn_into::<js_sys::Function>()
        .ok()
}
