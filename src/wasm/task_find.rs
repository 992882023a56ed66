//! `findUiPathTasks`: the module's look for the open tasks of the bots' catalogs, on its
//! timer (every open task) or on a robot's nudge (the tasks it named), within the
//! tenant's poll budget; each new task verified into a question or refused.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use wasm_bindgen::prelude::*;

use super::allowance::read_allowance;
use super::convert::{to_js, to_js_error, typed};
use super::route_input::key_of;
use super::state;
use super::transport::HostTransport;
use crate::config::Connection;
use crate::error::{ErrorCode, Result};
use crate::fields::Layers;
use crate::flow::{self, OpenTasks, ReadAllowance};
use crate::http::Transport;
use crate::module::task_question::{self, Question, TaskFound};
use crate::module::TaskSettings;
use crate::types::json_text;

/// The deadline of one look for tasks, milliseconds.
const LOOK_TIMEOUT_MS: u64 = 30_000;

/// The task ids one nudged look names at most; more wait for the timer's look.
const NUDGED_AT_ONCE: usize = 20;

/// A bot and its module config.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct BotConfig {
    bot_id: String,
    #[serde(default)]
    config: Value,
}

/// A task the module holds open (asked, or handed to a flow), and its bot.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct HeldTask {
    task_key: String,
    bot_id: String,
}

/// Robots' nudges: the tasks they named, and the bot of their tokens.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Nudged {
    bot_id: String,
    task_ids: Vec<i64>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct FindInput {
    bots: Vec<BotConfig>,
    /// Every task key the module has a row for: not read again.
    #[serde(default)]
    known: Vec<String>,
    /// The rows it holds open: those no longer listed are `closed`.
    #[serde(default)]
    open: Vec<HeldTask>,
    /// Set for a nudge: look only for these tasks, with that bot's connection.
    #[serde(default)]
    nudged: Option<Nudged>,
    #[serde(default)]
    secret: String,
    now: u64,
}

#[derive(Serialize, Default)]
#[serde(rename_all = "camelCase")]
struct Found {
    questions: Vec<Question>,
    /// `{ taskKey, taskId, botId, line }`: tasks never asked, each logged once.
    refused: Vec<Value>,
    /// Keys of held tasks that are no longer open (completed or deleted elsewhere).
    closed: Vec<String>,
    /// `{ botId, line }`: a look that failed; the next round tries again.
    errors: Vec<Value>,
    requests: usize,
    /// A 429's wait, milliseconds: no server should look before it has passed.
    #[serde(skip_serializing_if = "Option::is_none")]
    rate_limited_ms: Option<u64>,
}

/// Bots that read tasks with one connection and catalog: one look serves them all.
struct Group {
    connection: Connection,
    catalog: String,
    /// The first bot's poll budget, which a nudged look takes from.
    allowance: ReadAllowance,
    bots: Vec<String>,
}

/// `{ bots: [{ botId, config }], known: [taskKey], open: [{ taskKey, botId }], nudged?:
/// { botId, taskIds }, secret, now }` → `{ questions, refused, closed, errors, requests,
/// rateLimitedMs? }`.
#[wasm_bindgen(js_name = findUiPathTasks)]
pub async fn find_uipath_tasks(input: JsValue) -> Result<JsValue, JsValue> {
    find(input).await.map_err(to_js_error)
}

async fn find(input: JsValue) -> Result<JsValue> {
    let input: FindInput = typed(input, "input")?;
    let mut found = Found::default();
    let groups = group_bots(&input.bots, &mut found);
    let nudged: Vec<i64> = input.nudged.as_ref().map_or(Vec::new(), |n| {
        n.task_ids
            .iter()
            .copied()
            .filter(|id| *id > 0)
            .take(NUDGED_AT_ONCE)
            .collect()
    });
    let transport = HostTransport { logger: None };
    let tokens = state::tokens();
    let budget = state::budget();
    for group in &groups {
        let tenant = group.connection.orchestrator_url.as_str();
        if let Some(n) = &input.nudged {
            // The robot's token names its bot: only that bot's look, and only what
            // the tenant's budget leaves (else the timer's look finds the task).
            if nudged.is_empty()
                || !group.bots.contains(&n.bot_id)
                || !budget.take(tenant, group.allowance, transport.now_ms())
            {
                continue;
            }
        } else if budget.is_blocked(tenant, transport.now_ms()) {
            found.errors.extend(group.bots.iter().map(|bot| json!({ "botId": bot, "line": "open tasks are not read: Orchestrator asked to wait (429)" })));
            continue;
        }
        let look = flow::TaskLook {
            connection: &group.connection,
            catalog: &group.catalog,
            only: &nudged,
            timeout_ms: LOOK_TIMEOUT_MS,
        };
        let is_known = |k: &str| input.known.iter().any(|x| x == k);
        match flow::open_tasks(&transport, &tokens, &look, is_known).await {
            Ok(open) => questions_of(&open, group, &input, &mut found),
            Err(e) => {
                if e.code == ErrorCode::RateLimited {
                    let wait = e
                        .retry_after_seconds
                        .map_or(60_000, |s| u64::from(s) * 1000);
                    budget.block(tenant, transport.now_ms() + wait);
                    found.rate_limited_ms = found.rate_limited_ms.max(Some(wait));
                }
                for bot in &group.bots {
                    found.errors.push(json!({ "botId": bot, "line": format!("could not look for open tasks: {}", e.message()) }));
                }
            }
        }
    }
    to_js(&found)
}

/// The bots that read tasks, grouped by Orchestrator, credentials and catalog; a bot
/// whose settings are wrong is an error line.
fn group_bots(bots: &[BotConfig], found: &mut Found) -> Vec<Group> {
    let mut groups: Vec<(String, Group)> = Vec::new();
    for bot in bots {
        let grouped = (|| -> Result<Option<(String, Group)>> {
            let Some(catalog) = TaskSettings::parse(&bot.config)?.catalog else {
                return Ok(None);
            };
            let connection = Connection::parse(&Layers::new(&json!({}), &bot.config))?.for_tasks();
            let who = connection.auth.cache_key(&connection.orchestrator_url);
            let key = json_text(&json!([connection.orchestrator_url, who, catalog]));
            let group = Group {
                connection,
                catalog,
                allowance: read_allowance(&bot.config)?,
                bots: vec![],
            };
            Ok(Some((key, group)))
        })();
        match grouped {
            Ok(Some((key, group))) => {
                let at = match groups.iter().position(|(k, _)| *k == key) {
                    Some(at) => at,
                    None => {
                        groups.push((key, group));
                        groups.len() - 1
                    }
                };
                groups[at].1.bots.push(bot.bot_id.clone());
            }
            Ok(None) => {}
            Err(e) => found.errors.push(json!({ "botId": bot.bot_id, "line": format!("tasks are not read: {}", e.message()) })),
        }
    }
    groups.into_iter().map(|(_, g)| g).collect()
}

/// What one look found for a group: each new task a question or a refusal; held tasks
/// no longer listed (by a complete look) closed.
fn questions_of(open: &OpenTasks, group: &Group, input: &FindInput, found: &mut Found) {
    found.requests += open.requests;
    let key = key_of(&input.secret);
    let bots: Vec<&str> = group.bots.iter().map(String::as_str).collect();
    for (task, data) in &open.read {
        let task_key = flow::task_key_of(task);
        let data = match data {
            Ok(d) if d.is_completed() => continue,
            Ok(d) => d.data_object(),
            Err(e) if e.code == ErrorCode::TaskNotFound => continue,
            Err(e) => {
                found.errors.push(json!({ "botId": bots[0], "line": format!("could not read task {}: {}", task.id, e.message()) }));
                continue;
            }
        };
        let seen = TaskFound {
            task_id: task.id,
            task_key: &task_key,
            folder_id: task.organization_unit_id,
            data: &data,
        };
        match task_question::read_question(&seen, &key, &bots, input.now) {
            Ok(q) => found.questions.push(q),
            Err(line) => found.refused.push(json!({
                "taskKey": task_key, "taskId": task.id, "botId": bots[0], "line": line
            })),
        }
    }
    if open.complete {
        let listed: Vec<String> = open.listed.iter().map(flow::task_key_of).collect();
        for held in &input.open {
            if bots.contains(&held.bot_id.as_str()) && !listed.contains(&held.task_key) {
                found.closed.push(held.task_key.clone());
            }
        }
    }
}
