//! The settings of the queue-item calls (`API.md`, "Queue items"): the connection and
//! folder as for a job (module-config fallback, a connection travels whole), the item's
//! own fields for an add, the item's id for a read or a wait. Every check happens here,
//! before any request.

use serde_json::{Map, Value};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use super::jobs::{DEFAULT_POLL_MS, DEFAULT_WAIT_MS, MAX_WAIT_MS, MIN_POLL_MS};
use super::{Connection, DEFAULT_TIMEOUT_MS};
use crate::auth::{Auth, DEFAULT_SCOPE};
use crate::duration;
use crate::error::{Error, Result};
use crate::fields::{self, Layers};
use crate::types::Folder;

/// Scopes asked for by default for the queue calls (an external application's token).
pub const QUEUE_SCOPE: &str = "OR.Queues";

impl Connection {
    /// The connection for the queue calls: a client-credentials token asked with the
    /// default scopes of the jobs calls asks for [`QUEUE_SCOPE`] instead (an `auth.scope`
    /// that was given is kept as it is).
    pub fn for_queues(self) -> Connection {
        self.with_default_scope(QUEUE_SCOPE)
    }

    /// A client-credentials token asked with the jobs calls' default scopes asks for
    /// `wanted` instead; any other authentication, or a scope that was given, stays.
    pub(super) fn with_default_scope(mut self, wanted: &str) -> Connection {
        if let Auth::ClientCredentials { scope, .. } = &mut self.auth {
            if scope == DEFAULT_SCOPE {
                *scope = wanted.to_string();
            }
        }
        self
    }
}

/// Orchestrator's limit for a queue name.
pub const MAX_QUEUE_NAME: usize = 50;
/// Orchestrator's limit for a `Reference`.
pub const MAX_REFERENCE: usize = 128;
/// Characters a `SpecificContent` key may not hold (Orchestrator's rule).
const KEY_FORBIDDEN: [char; 5] = [':', '.', ',', '@', '"'];

/// An item's priority.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Priority {
    /// `High`
    High,
    /// `Normal` (the default)
    Normal,
    /// `Low`
    Low,
}

impl Priority {
    /// The name Orchestrator takes.
    pub fn as_str(self) -> &'static str {
        match self {
            Priority::High => "High",
            Priority::Normal => "Normal",
            Priority::Low => "Low",
        }
    }
}

/// A date of an item: as given (sent as is), and as seconds since the epoch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemDate {
    /// The RFC 3339 text, as given.
    pub text: String,
    /// Seconds since the epoch.
    pub epoch_seconds: i64,
}

/// Everything `addUiPathQueueItem` needs.
#[derive(Debug, Clone, PartialEq)]
pub struct QueueItemSettings {
    /// Orchestrator and credentials.
    pub connection: Connection,
    /// Folder for the folder header.
    pub folder: Option<Folder>,
    /// The queue's name.
    pub queue_name: String,
    /// The item's data, flat.
    pub specific_content: Map<String, Value>,
    /// The caller's `Reference`; `None`: the package sets its own.
    pub reference: Option<String>,
    /// `Priority`.
    pub priority: Priority,
    /// `DueDate`.
    pub due_date: Option<ItemDate>,
    /// `DeferDate`.
    pub defer_date: Option<ItemDate>,
    /// `RiskSlaDate`.
    pub risk_sla_date: Option<ItemDate>,
    /// Callback token: `None` sends none; `Some(None)` a lifetime to fit the due date
    /// (or the module's longest); `Some(Some(s))` the lifetime asked for.
    pub botpress_token: Option<Option<u64>>,
    /// Botpress external URL, passed to the performer as `botpressUrl`.
    pub external_url: Option<String>,
    /// Overall deadline in milliseconds.
    pub timeout_ms: u64,
}

/// The two calls on one item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueueItemCall {
    /// `getUiPathQueueItem`
    Get,
    /// `waitForUiPathQueueItem`
    Wait,
}

/// Everything a read or a wait of one item needs.
#[derive(Debug, Clone, PartialEq)]
pub struct QueueItemQuery {
    /// Orchestrator and credentials.
    pub connection: Connection,
    /// Folder for the folder header.
    pub folder: Option<Folder>,
    /// The item.
    pub item_id: i64,
    /// Overall deadline, milliseconds.
    pub timeout_ms: u64,
    /// A wait's longest pause between reads, milliseconds.
    pub poll_ms: u64,
}

impl QueueItemSettings {
    /// Parses `args` over `module_config`; the error names the first bad field.
    pub fn parse(args: &Value, module_config: &Value) -> Result<QueueItemSettings> {
        if !args.is_object() && !args.is_null() {
            return Err(Error::config("args must be an object"));
        }
        let l = Layers::new(args, module_config);
        let connection = Connection::parse(&l)?.for_queues();
        let folder = Folder::parse(&l)?;
        let queue_name = match l.get(&["queueName", "queue"]) {
            Some((n, v)) => fields::string(n, v)?,
            None => return Err(Error::config("queueName is missing")),
        };
        if queue_name.chars().count() > MAX_QUEUE_NAME {
            return Err(Error::config(format!(
                "queueName must be at most {MAX_QUEUE_NAME} characters"
            )));
        }
        let own = |name: &str| fields::present(args.get(name));
        let specific_content = match own("specificContent") {
            Some(v) => flat_content(&fields::object("specificContent", v)?)?,
            None => Map::new(),
        };
        let reference = match own("reference") {
            Some(v) => {
                let r = fields::string("reference", v)?;
                if r.chars().count() > MAX_REFERENCE {
                    return Err(Error::config(format!(
                        "reference must be at most {MAX_REFERENCE} characters"
                    )));
                }
                Some(r)
            }
            None => None,
        };
        let priority = match own("priority") {
            None => Priority::Normal,
            Some(v) => {
                let p = fields::string("priority", v)?;
                [Priority::High, Priority::Normal, Priority::Low]
                    .into_iter()
                    .find(|k| k.as_str().eq_ignore_ascii_case(&p))
                    .ok_or_else(|| Error::config("priority must be High, Normal or Low"))?
            }
        };
        let date = |name: &str| own(name).map(|v| item_date(name, v)).transpose();
        let timeout_ms = match l.get(&["timeoutMs"]) {
            Some((n, v)) => fields::integer(n, v, 1000, 600_000)? as u64,
            None => DEFAULT_TIMEOUT_MS,
        };
        Ok(QueueItemSettings {
            connection,
            folder,
            queue_name,
            specific_content,
            reference,
            priority,
            due_date: date("dueDate")?,
            defer_date: date("deferDate")?,
            risk_sla_date: date("riskSlaDate")?,
            botpress_token: botpress_token(&l)?,
            external_url: l
                .get(&["externalUrl"])
                .map(|(n, v)| fields::url(n, v))
                .transpose()?,
            timeout_ms,
        })
    }

    /// The callback token's lifetime, seconds, at `now_seconds`: the one asked for, else
    /// until an hour past the due date, else `longest` (the module's `maxExpiresIn`: an
    /// item may wait in its queue that long); never past `longest`, at least a minute.
    pub fn token_seconds(&self, now_seconds: u64, longest: u64) -> Option<u64> {
        let asked = self.botpress_token?;
        let wanted = match (asked, &self.due_date) {
            (Some(s), _) => s,
            (None, Some(due)) => (due.epoch_seconds + 3600 - now_seconds as i64).max(60) as u64,
            (None, None) => longest,
        };
        Some(wanted.min(longest).max(60))
    }
}

impl QueueItemQuery {
    /// Parses `args` over `module_config` for `call`: `queueItemId` from `args`.
    pub fn parse(call: QueueItemCall, args: &Value, module_config: &Value) -> Result<Self> {
        if !args.is_object() && !args.is_null() {
            return Err(Error::config("args must be an object"));
        }
        let own = |name: &str| fields::present(args.get(name));
        let item_id = match own("queueItemId") {
            Some(v) => fields::integer("queueItemId", v, 1, i64::MAX)?,
            None => {
                return Err(Error::config(
                    "queueItemId is missing: say which item, e.g. queueItemId: item.id",
                ))
            }
        };
        let l = Layers::new(args, module_config);
        let connection = Connection::parse(&l)?.for_queues();
        let folder = Folder::parse(&l)?;
        let timeout_ms = match call {
            QueueItemCall::Wait => match own("timeoutMs") {
                Some(v) => fields::integer("timeoutMs", v, 1000, MAX_WAIT_MS as i64)? as u64,
                None => DEFAULT_WAIT_MS,
            },
            QueueItemCall::Get => match l.get(&["timeoutMs"]) {
                Some((n, v)) => fields::integer(n, v, 1000, 600_000)? as u64,
                None => DEFAULT_TIMEOUT_MS,
            },
        };
        let poll_ms = match own("pollMs") {
            Some(v) => fields::integer("pollMs", v, MIN_POLL_MS as i64, 300_000)? as u64,
            None => DEFAULT_POLL_MS,
        };
        Ok(QueueItemQuery {
            connection,
            folder,
            item_id,
            timeout_ms,
            poll_ms,
        })
    }
}

/// `SpecificContent` as Orchestrator takes it: flat, keys without `:` `.` `,` `@` `"`,
/// values text, numbers, booleans or null (a string value may not hold a control
/// character either).
fn flat_content(map: &Map<String, Value>) -> Result<Map<String, Value>> {
    for (key, value) in map {
        let field = format!("specificContent.{}", crate::quote::escape(key, 60));
        if key.is_empty() || key.contains(KEY_FORBIDDEN) || key.chars().any(char::is_control) {
            return Err(Error::config(format!(
                "{field}: a key may not be empty or hold : . , @ \" or a control character"
            )));
        }
        match value {
            Value::Object(_) | Value::Array(_) => {
                return Err(Error::config(format!(
                    "{field} must be a text, a number, true, false or null: Orchestrator keeps a queue item's content flat"
                )))
            }
            _ => {}
        }
    }
    Ok(map.clone())
}

/// An RFC 3339 date-time (`2026-12-31T17:00:00Z`, `…+01:00`).
fn item_date(field: &str, value: &Value) -> Result<ItemDate> {
    let text = fields::string(field, value)?;
    let parsed = OffsetDateTime::parse(&text, &Rfc3339).map_err(|_| {
        Error::config(format!(
            "{field} must be an ISO 8601 date-time with its offset, like 2026-12-31T17:00:00Z, got {}",
            crate::quote::quote(&text, 40)
        ))
    })?;
    Ok(ItemDate {
        text,
        epoch_seconds: parsed.unix_timestamp(),
    })
}

/// `botpressToken`: `false` for none, `{ expiresIn }`, or absent (a lifetime to fit).
fn botpress_token(l: &Layers<'_>) -> Result<Option<Option<u64>>> {
    let Some((name, value)) = l.get(&["botpressToken"]) else {
        return Ok(Some(None));
    };
    match value {
        Value::Bool(false) => Ok(None),
        Value::String(s) if s.trim() == "false" => Ok(None),
        Value::Bool(true) => Ok(Some(None)),
        Value::String(s) if s.trim() == "true" => Ok(Some(None)),
        other => {
            let obj = fields::object(name, other)?;
            match fields::present(obj.get("expiresIn")) {
                None => Ok(Some(None)),
                Some(v) => Ok(Some(Some(duration::parse_value(
                    v,
                    "botpressToken.expiresIn",
                )?))),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn config() -> Value {
        json!({"orchestratorUrl": "https://o.local", "auth": {"accessToken": "tok-9876"}, "folder": "Shared"})
    }

    fn add(args: Value) -> Result<QueueItemSettings> {
        QueueItemSettings::parse(&args, &config())
    }

    #[test]
    fn an_item_with_its_defaults() {
        let s = add(json!({"queueName": "Invoices", "specificContent": "{\"invoice\": \"INV-1\", \"amount\": 12.5, \"paid\": false, \"note\": null}"})).unwrap();
        assert_eq!(s.queue_name, "Invoices");
        assert_eq!(s.specific_content["amount"], 12.5);
        assert_eq!(s.priority, Priority::Normal);
        assert_eq!((s.reference.clone(), s.due_date.clone()), (None, None));
        assert_eq!(s.botpress_token, Some(None));
        assert_eq!(
            s.token_seconds(1_000, 86_400),
            Some(86_400),
            "no due date: the longest"
        );
        let s = add(json!({"queue": "Invoices", "priority": "high", "reference": "INV-1", "dueDate": "2026-12-31T17:00:00Z", "botpressToken": "false"})).unwrap();
        assert_eq!(
            (s.priority, s.reference.as_deref()),
            (Priority::High, Some("INV-1"))
        );
        assert_eq!(s.due_date.as_ref().unwrap().epoch_seconds, 1_798_736_400);
        assert_eq!(s.botpress_token, None);
    }

    #[test]
    fn the_token_lives_until_an_hour_past_the_due_date_within_the_module_cap() {
        let s = add(json!({"queueName": "Q", "dueDate": "2026-12-31T17:00:00+01:00"})).unwrap();
        let due = s.due_date.as_ref().unwrap().epoch_seconds as u64;
        assert_eq!(s.token_seconds(due - 7200, 86_400), Some(3 * 3600));
        assert_eq!(
            s.token_seconds(due - 10 * 86_400, 86_400),
            Some(86_400),
            "capped"
        );
        assert_eq!(
            s.token_seconds(due + 86_400, 86_400),
            Some(60),
            "at least a minute"
        );
        let s = add(json!({"queueName": "Q", "botpressToken": {"expiresIn": "2h"}})).unwrap();
        assert_eq!(
            s.token_seconds(0, 3600),
            Some(3600),
            "what is asked, capped"
        );
    }

    #[test]
    fn bad_items_are_refused_naming_the_field() {
        let msg = |args: Value| add(args).unwrap_err().message();
        assert_eq!(msg(json!({})), "INVALID_CONFIG: queueName is missing");
        assert!(msg(json!({"queueName": "x".repeat(51)})).contains("queueName must be at most 50"));
        assert!(msg(json!({"queueName": "Q\nX: 1"})).contains("queueName must not hold control"));
        for (content, key) in [
            (json!({"a": {"b": 1}}), "specificContent.a must be"),
            (json!({"list": [1]}), "specificContent.list must be"),
            (json!({"a.b": 1}), "specificContent.a.b: a key"),
            (
                json!({"Name@odata.type": "x"}),
                "specificContent.Name@odata.type: a key",
            ),
        ] {
            let m = msg(json!({"queueName": "Q", "specificContent": content}));
            assert!(m.contains(key), "{m}");
        }
        assert!(msg(json!({"queueName": "Q", "specificContent": "[1]"}))
            .contains("specificContent must be an object"));
        assert!(msg(json!({"queueName": "Q", "reference": "r".repeat(129)}))
            .contains("reference must be at most 128"));
        assert!(msg(json!({"queueName": "Q", "priority": "Urgent"}))
            .contains("priority must be High, Normal or Low"));
        assert!(msg(json!({"queueName": "Q", "dueDate": "tomorrow"}))
            .contains("dueDate must be an ISO 8601"));
        assert!(
            msg(json!({"queueName": "Q", "deferDate": "2026-12-31"})).contains("deferDate must be")
        );
    }

    #[test]
    fn a_read_needs_the_item_id() {
        let q = QueueItemQuery::parse(
            QueueItemCall::Wait,
            &json!({"queueItemId": "9001", "timeoutMs": 3000}),
            &config(),
        )
        .unwrap();
        assert_eq!(
            (q.item_id, q.timeout_ms, q.poll_ms),
            (9001, 3000, DEFAULT_POLL_MS)
        );
        for bad in [
            json!({}),
            json!({"queueItemId": "x"}),
            json!({"queueItemId": 0}),
        ] {
            assert!(
                QueueItemQuery::parse(QueueItemCall::Get, &bad, &config()).is_err(),
                "{bad}"
            );
        }
    }
}
