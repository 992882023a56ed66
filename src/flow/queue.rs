//! Queue items (`API.md`, "Queue items"): adding one that is never added twice, reading
//! one, waiting for one to end through its retries.
//!
//! Never twice: an add whose answer was lost (a network error, a 5xx, the deadline) is
//! looked up by its `Reference` before anything else happens; only when Orchestrator has
//! no item with it is the add sent again, with the same reference. With the package's own
//! reference (`botpress:{botId}:{random}`), a duplicate-reference answer (errorCode
//! 1016, on a queue that enforces unique references) means the lost add happened, and
//! the existing item is read by that reference. A reference the caller chose cannot be
//! told apart from an older item's: a lost add with one is not retried, and the error
//! carries the reference to look for.

use serde_json::Map;

use super::call::{retry_after_ms, Call, Pacing, Redactor, MAX_ATTEMPTS};
use super::token::{self, Session, TokenCache};
use super::BotpressEndpoint;
use crate::config::{Conversation, QueueItemQuery, QueueItemSettings};
use crate::error::{Error, ErrorCode, Result};
use crate::http::{Response, Transport};
use crate::orchestrator::{self, QueueItemEntity, DUPLICATE_REFERENCE_CODE};
use crate::types::QueueItem;

/// Retries followed at most in one read (`Retried` → its retry → …).
const MAX_RETRY_HOPS: usize = 10;

/// `addUiPathQueueItem`: the item, with the callback fields in its content.
/// `longest_token_seconds` is the module's `maxExpiresIn` (the callback token's cap).
pub async fn add_queue_item<T: Transport>(
    transport: &T,
    cache: &TokenCache,
    settings: &QueueItemSettings,
    conversation: &Conversation,
    botpress: Option<&BotpressEndpoint>,
    nonce: &str,
    longest_token_seconds: u64,
) -> Result<QueueItem> {
    let call = Call::new(
        transport,
        settings.timeout_ms,
        settings.connection.max_answer_bytes,
    );
    let redactor = super::redactor_hiding(botpress);
    let result = async {
        let folder = settings.folder.as_ref();
        let now_seconds = transport.now_ms() / 1000;
        let seconds = settings.token_seconds(now_seconds, longest_token_seconds);
        let orchestrator_side =
            Session::open(&call, cache, &settings.connection, folder, &redactor);
        let botpress_side = async {
            match seconds {
                Some(s) => token::callback_token(&call, botpress, conversation, s)
                    .await
                    .map(Some),
                None => Ok(None),
            }
        };
        let (session, callback) =
            futures_util::future::join(orchestrator_side, botpress_side).await;
        let mut session = session?;
        let callback = callback?;
        if let Some(t) = &callback {
            redactor.add(t.expose());
        }
        let mut content: Map<String, serde_json::Value> = settings.specific_content.clone();
        if seconds.is_some() {
            orchestrator::add_callback_fields(
                &mut content,
                conversation,
                callback.as_ref(),
                settings.external_url.as_deref(),
            );
        }
        let (reference, own) = match &settings.reference {
            Some(r) => (r.clone(), false),
            None => (own_reference(&conversation.bot_id, nonce), true),
        };
        add(&call, &mut session, settings, &content, &reference, own).await
    }
    .await;
    redactor.apply(result)
}

/// `getUiPathQueueItem`: one read, the item as it is (a `Retried` one included).
pub async fn get_queue_item<T: Transport>(
    transport: &T,
    cache: &TokenCache,
    query: &QueueItemQuery,
) -> Result<QueueItem> {
    item_call(transport, cache, query, false).await
}

/// `waitForUiPathQueueItem`: reads until the item (or the retry it was followed to) is
/// `Successful`, `Failed`, `Abandoned` or `Deleted`, as the job wait does; a `Failed`
/// item resolves, with its `processingException`. Past `timeoutMs`: `TIMEOUT`, with the
/// last state seen as `error.queueItem`.
pub async fn wait_for_queue_item<T: Transport>(
    transport: &T,
    cache: &TokenCache,
    query: &QueueItemQuery,
) -> Result<QueueItem> {
    item_call(transport, cache, query, true).await
}

async fn item_call<T: Transport>(
    transport: &T,
    cache: &TokenCache,
    query: &QueueItemQuery,
    wait: bool,
) -> Result<QueueItem> {
    let call = Call::new(
        transport,
        query.timeout_ms,
        query.connection.max_answer_bytes,
    );
    let redactor = Redactor::default();
    let result = async {
        let mut session =
            Session::open(&call, cache, &query.connection, query.folder.as_ref(), &redactor)
                .await?;
        let mut item = read_item(&mut session, query.item_id).await?;
        if !wait {
            return Ok(item);
        }
        let mut pacing = Pacing::new(query.poll_ms);
        loop {
            item = follow_retries(&mut session, item).await?;
            if orchestrator::is_final_item(&item.status) {
                return Ok(item);
            }
            let what = format!("queue item {}", item.id);
            if !call.pause_before_read(&mut pacing, &what, &item.status).await {
                let mut e = Error::new(
                    ErrorCode::Timeout,
                    format!(
                        "queue item {} is still {} after timeoutMs ({} ms); error.queueItem has its last state",
                        item.id, item.status, query.timeout_ms
                    ),
                );
                e.queue_item = Some(Box::new(item));
                return Err(e);
            }
            item = read_item(&mut session, item.id).await?;
        }
    }
    .await;
    redactor.apply(result)
}

/// From a `Retried` item to its newest retry, as far as Orchestrator has made them.
pub(super) async fn follow_retries<T: Transport>(
    session: &mut Session<'_, '_, T>,
    mut item: QueueItem,
) -> Result<QueueItem> {
    for _ in 0..MAX_RETRY_HOPS {
        if item.status != "Retried" {
            return Ok(item);
        }
        let queue = item.queue_name.clone();
        let response = session
            .send(
                |s| s.queue_item_retry_request(&item),
                "find the retry of a queue item",
            )
            .await?;
        if !response.is_success() {
            return Err(orchestrator::queue_error(
                &response,
                "find the retry of a queue item",
                None,
                None,
                session.folder(),
            ));
        }
        let found: Vec<QueueItemEntity> = orchestrator::parse_collection(&response, "QueueItems")?;
        let candidates = found.into_iter().map(|e| e.item(&queue)).collect();
        match orchestrator::newest_retry(&item, candidates) {
            Some(next) => item = next,
            // Orchestrator has not made the retry yet: the item is still on its way.
            None => return Ok(item),
        }
    }
    Ok(item)
}

/// One item by id.
pub(super) async fn read_item<T: Transport>(
    session: &mut Session<'_, '_, T>,
    id: i64,
) -> Result<QueueItem> {
    let response = session
        .send(|s| s.queue_item_request(id), "read the queue item")
        .await?;
    if !response.is_success() {
        return Err(orchestrator::queue_error(
            &response,
            "read the queue item",
            None,
            Some(id),
            session.folder(),
        ));
    }
    entity(&response, "").map_err(|e| e.with_status(response.status))
}

fn entity(response: &Response, queue_name: &str) -> Result<QueueItem> {
    serde_json::from_str::<QueueItemEntity>(&response.body)
        .map(|e| e.item(queue_name))
        .map_err(|_| {
            Error::new(
                ErrorCode::OrchestratorError,
                format!(
                    "unexpected queue item answer from Orchestrator (no Id, Key and Status): {}",
                    orchestrator::excerpt(&response.body)
                ),
            )
        })
}

/// AddQueueItem with the rules of this module's header.
async fn add<T: Transport>(
    call: &Call<'_, T>,
    session: &mut Session<'_, '_, T>,
    settings: &QueueItemSettings,
    content: &Map<String, serde_json::Value>,
    reference: &str,
    own: bool,
) -> Result<QueueItem> {
    let queue = settings.queue_name.as_str();
    let action = "add the queue item";
    let mut attempt = 1;
    loop {
        let scope = session.scope();
        let outcome = call
            .send_once(&scope.add_queue_item_request(settings, content, reference))
            .await;
        let retry_after = match &outcome {
            Ok(r) if r.is_success() => return entity(r, queue),
            Ok(r) if r.status == 401 && session.refresh().await? => None,
            Ok(r) if r.status == 429 => retry_after_ms(r),
            Ok(r)
                if own
                    && orchestrator::queue_error(r, action, Some(queue), None, None)
                        .uipath_error_code
                        == Some(DUPLICATE_REFERENCE_CODE) =>
            {
                // Our own reference is taken: the add whose answer was lost happened.
                call.log(
                    "AddQueueItem answered a duplicate of our own reference: the lost add happened",
                );
                return by_reference(session, queue, reference).await?.ok_or_else(|| {
                    Error::new(ErrorCode::OrchestratorError, format!("Orchestrator says reference {reference} is taken, but lists no item with it"))
                });
            }
            Ok(r) if matches!(r.status, 500 | 502 | 503 | 504) => None,
            Ok(r) => {
                return Err(orchestrator::queue_error(
                    r,
                    action,
                    Some(queue),
                    None,
                    session.folder(),
                ))
            }
            Err(e) if e.code == ErrorCode::Network || e.code == ErrorCode::Timeout => None,
            Err(e) => return Err(e.clone()),
        };
        let lost = !matches!(&outcome, Ok(r) if r.status == 429 || r.status == 401);
        if lost {
            if !own {
                let mut e = match outcome {
                    Err(e) => e,
                    Ok(r) => {
                        orchestrator::queue_error(&r, action, Some(queue), None, session.folder())
                    }
                };
                e.reference = Some(reference.to_string());
                e.detail.push_str(&format!(
                    "; the item may have been added: look for Reference {} in queue {}",
                    crate::quote::quote(reference, 128),
                    crate::quote::quote(queue, 60)
                ));
                return Err(e);
            }
            // The add may have happened: ask before sending it again.
            if let Some(existing) = by_reference(session, queue, reference).await? {
                call.log("the AddQueueItem answer was lost, but the item is there");
                return Ok(existing);
            }
        }
        if attempt >= MAX_ATTEMPTS || !call.wait_before_retry(attempt, retry_after).await {
            let mut e = match outcome {
                Err(e) => e,
                Ok(r) => orchestrator::queue_error(&r, action, Some(queue), None, session.folder()),
            };
            e.reference = Some(reference.to_string());
            return Err(e);
        }
        attempt += 1;
    }
}

/// The newest item of `queue` with `reference`, if any.
async fn by_reference<T: Transport>(
    session: &mut Session<'_, '_, T>,
    queue: &str,
    reference: &str,
) -> Result<Option<QueueItem>> {
    let response = session
        .send(
            |s| s.queue_items_by_reference_request(queue, reference),
            "look up a queue item by Reference",
        )
        .await?;
    if !response.is_success() {
        return Err(orchestrator::queue_error(
            &response,
            "look up a queue item by Reference",
            Some(queue),
            None,
            session.folder(),
        ));
    }
    let found: Vec<QueueItemEntity> = orchestrator::parse_collection(&response, "QueueItems")?;
    Ok(found
        .into_iter()
        .filter(|e| e.reference.as_deref() == Some(reference))
        .max_by_key(|e| e.id)
        .map(|e| e.item(queue)))
}

/// `botpress:{botId}:{nonce}`, at most 128 characters (Orchestrator's limit).
fn own_reference(bot_id: &str, nonce: &str) -> String {
    let bot: String = bot_id.chars().take(64).collect();
    format!("botpress:{bot}:{nonce}")
        .chars()
        .take(128)
        .collect()
}
