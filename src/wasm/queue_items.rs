//! The package's queue-item exports (API.md, "Queue items"): `addUiPathQueueItem`,
//! `getUiPathQueueItem`, `waitForUiPathQueueItem`.

use wasm_bindgen::prelude::*;

use super::convert::{event_fields, free_form, to_js, to_js_error};
use super::host::Bp;
use super::transport::{has_local_issuer, HostTransport};
use super::{exports::nonce, state, tracker};
use crate::config::{Conversation, QueueItemCall, QueueItemQuery, QueueItemSettings};
use crate::error::Result;
use crate::flow;
use crate::module::RouteSettings;

/// `addUiPathQueueItem(bp, event, args) → Promise<QueueItem>`.
#[wasm_bindgen(js_name = addUiPathQueueItem)]
pub async fn add_uipath_queue_item(
    bp: JsValue,
    event: JsValue,
    args: JsValue,
) -> Result<JsValue, JsValue> {
    add(bp, event, args).await.map_err(to_js_error)
}

async fn add(bp: JsValue, event: JsValue, args: JsValue) -> Result<JsValue> {
    let bp = Bp::from_js(bp)?;
    let conversation = Conversation::from_event(&event_fields(event)?)?;
    let args = free_form(&args, "args")?;
    let module_config = bp.module_config(&conversation.bot_id).await?;
    let settings = QueueItemSettings::parse(&args, &module_config)?;
    // The callback token's cap: the module's maxExpiresIn (an item may wait that long).
    let longest = RouteSettings::parse(&module_config)
        .map(|r| r.max_expires_in)
        .unwrap_or(86_400);
    let botpress = match settings.botpress_token {
        Some(_) if !has_local_issuer() => bp.botpress_endpoint(&conversation.bot_id).await?,
        _ => None,
    };
    let logger = bp.bot_logger(&conversation.bot_id);
    let transport = HostTransport {
        logger: logger.clone(),
    };
    let item = flow::add_queue_item(
        &transport,
        &state::tokens(),
        &settings,
        &conversation,
        botpress.as_ref(),
        &nonce(),
        longest,
    )
    .await?;
    if let Some(l) = &logger {
        l.info_line(&format!(
            "added queue item {} to {}, reference {}",
            item.id,
            crate::quote::quote(&item.queue_name, 60),
            crate::quote::quote(item.reference.as_deref().unwrap_or_default(), 128)
        ));
    }
    let tracked = tracker::track_item(
        &settings.connection,
        settings.folder.as_ref(),
        &module_config,
        &conversation,
        &item,
        logger.as_ref(),
    )
    .await;
    let mut out = serde_json::to_value(&item)
        .map_err(|e| crate::error::Error::config(format!("could not convert the result: {e}")))?;
    out["tracked"] = serde_json::Value::Bool(tracked);
    to_js(&out)
}

/// `getUiPathQueueItem(bp, event, args) → Promise<QueueItem>`: one read.
#[wasm_bindgen(js_name = getUiPathQueueItem)]
pub async fn get_uipath_queue_item(
    bp: JsValue,
    event: JsValue,
    args: JsValue,
) -> Result<JsValue, JsValue> {
    item_call(QueueItemCall::Get, bp, event, args)
        .await
        .map_err(to_js_error)
}

/// `waitForUiPathQueueItem(bp, event, args) → Promise<QueueItem>`: until it ends.
#[wasm_bindgen(js_name = waitForUiPathQueueItem)]
pub async fn wait_for_uipath_queue_item(
    bp: JsValue,
    event: JsValue,
    args: JsValue,
) -> Result<JsValue, JsValue> {
    item_call(QueueItemCall::Wait, bp, event, args)
        .await
        .map_err(to_js_error)
}

async fn item_call(
    call: QueueItemCall,
    bp: JsValue,
    event: JsValue,
    args: JsValue,
) -> Result<JsValue> {
    let bp = Bp::from_js(bp)?;
    let bot_id = event_fields(event)?.bot_id()?;
    let args = free_form(&args, "args")?;
    let module_config = bp.module_config(&bot_id).await?;
    let query = QueueItemQuery::parse(call, &args, &module_config)?;
    let transport = HostTransport {
        logger: bp.bot_logger(&bot_id),
    };
    let item = match call {
        QueueItemCall::Get => flow::get_queue_item(&transport, &state::tokens(), &query).await,
        QueueItemCall::Wait => {
            flow::wait_for_queue_item(&transport, &state::tokens(), &query).await
        }
    }?;
    to_js(&item)
}
