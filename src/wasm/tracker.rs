//! Handing the jobs a start started to the `uipath` module's tracker in this process, if
//! the module registered one under `Symbol.for('botpress-uipath/job-tracker')`.

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
use crate::module::TrackedJob;
use crate::orchestrator::JobStart;

/// Answers whether the jobs are tracked; a tracker that fails is logged, never thrown:
/// the jobs have started.
pub async fn track(
    settings: &JobSettings,
    module_config: &Value,
    conversation: &Conversation,
    started: &JobStart,
    logger: Option<&Logger>,
) -> bool {
    let Some(tracker) = local_tracker() else {
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
    let result = async {
        let rows = to_js(&rows)?;
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
                    "the job(s) started, but the module could not track them, so their end will not be delivered: {}",
                    e.detail
                ));
            }
            false
        }
    }
}

fn local_tracker() -> Option<js_sys::Function> {
    let key = js_sys::Symbol::for_("botpress-uipath/job-tracker");
    Reflect::get(&js_sys::global(), &key)
        .ok()?
        .dyn_into::<js_sys::Function>()
        .ok()
}
