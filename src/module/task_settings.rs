//! The module config of the robots' questions (`API.md`, "A robot asks, the user answers
//! in the conversation"): the task catalog, how often open tasks are looked for, who asks
//! (the module, or the bot's flow), and the texts the user reads.

use serde_json::Value;

use crate::duration;
use crate::error::{Error, Result};
use crate::fields;

/// The catalog the robot's *Create External Task* names, by default.
pub const DEFAULT_TASK_CATALOG: &str = "Botpress";
/// Orchestrator's limit for a catalog name.
pub const MAX_TASK_CATALOG: usize = 50;

/// The texts of the questions' side of `messages`, with their defaults.
pub const TASK_MESSAGES: [(&str, &str); 5] = [
    ("answered", "Thanks, I passed that on."),
    (
        "answeredElsewhere",
        "That question was answered in UiPath Action Center already.",
    ),
    ("askAgain", "Please answer with one of: {{choices}}."),
    (
        "leftForActionCenter",
        "I'll leave that question for UiPath Action Center.",
    ),
    (
        "answerRefused",
        "UiPath did not take that answer; the question stays open in UiPath Action Center.",
    ),
];

/// Who puts a robot's question to the user.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Asker {
    /// The module asks, takes the answer and completes the task.
    Module,
    /// The module sends a `uipath-task` event; the flow asks and calls `answerUiPathTask`.
    Flow,
}

/// The questions' settings of one bot's module config.
#[derive(Debug, Clone, PartialEq)]
pub struct TaskSettings {
    /// `taskCatalog`; `None` (`false`) turns the questions off.
    pub catalog: Option<String>,
    /// `taskPollInterval` (default `'10s'`); `None` (`false`): only the robot's nudge.
    pub poll_interval_ms: Option<u64>,
    /// `tasks.ask`: `'module'` (default) or `'flow'`.
    pub ask: Asker,
    /// The texts, by name, defaults filled in.
    pub messages: Vec<(String, String)>,
}

impl TaskSettings {
    /// Reads `taskCatalog`, `taskPollInterval`, `tasks.ask` and the texts of `messages`.
    pub fn parse(config: &Value) -> Result<TaskSettings> {
        let catalog = match fields::present(config.get("taskCatalog")) {
            None => Some(DEFAULT_TASK_CATALOG.to_string()),
            Some(Value::Bool(false)) => None,
            Some(v) => {
                let c = fields::string("taskCatalog", v)?;
                if c.trim().is_empty() || c.chars().count() > MAX_TASK_CATALOG {
                    return Err(Error::config(format!(
                        "taskCatalog must be a name of 1 to {MAX_TASK_CATALOG} characters, or false"
                    )));
                }
                Some(c)
            }
        };
        let poll_interval_ms = duration::interval_or_off(
            fields::present(config.get("taskPollInterval")),
            "taskPollInterval",
            10_000,
            (1, 3_600),
            "1s and 1h",
        )?;
        let ask = match config
            .get("tasks")
            .and_then(|t| fields::present(t.get("ask")))
        {
            None => Asker::Module,
            Some(Value::String(s)) if s == "module" => Asker::Module,
            Some(Value::String(s)) if s == "flow" => Asker::Flow,
            Some(_) => return Err(Error::config("tasks.ask must be 'module' or 'flow'")),
        };
        if let Some(t) = fields::present(config.get("tasks")) {
            fields::object("tasks", t)?;
        }
        let given = config.get("messages");
        let mut messages = Vec::new();
        for (name, default) in TASK_MESSAGES {
            let text = match given.and_then(|m| fields::present(m.get(name))) {
                Some(v) => fields::string(&format!("messages.{name}"), v)?,
                None => default.to_string(),
            };
            messages.push((name.to_string(), text));
        }
        Ok(TaskSettings {
            catalog,
            poll_interval_ms,
            ask,
            messages,
        })
    }

    /// The text named `name`, with `{{choices}}` filled in.
    pub fn text(&self, name: &str, choices: &[String]) -> String {
        let template = self
            .messages
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, t)| t.as_str())
            .unwrap_or_default();
        super::delivery::render(template, |field| match field {
            "choices" => choices.join(", "),
            _ => String::new(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn defaults_and_choices() {
        let s = TaskSettings::parse(&json!({})).unwrap();
        assert_eq!(s.catalog.as_deref(), Some("Botpress"));
        assert_eq!(s.poll_interval_ms, Some(10_000));
        assert_eq!(s.ask, Asker::Module);
        assert_eq!(s.text("answered", &[]), "Thanks, I passed that on.");
        assert_eq!(
            s.text("askAgain", &["Approve".into(), "Reject".into()]),
            "Please answer with one of: Approve, Reject."
        );
    }

    #[test]
    fn each_setting_is_checked_by_name() {
        let off = TaskSettings::parse(
            &json!({"taskCatalog": false, "taskPollInterval": false, "tasks": {"ask": "flow"}}),
        )
        .unwrap();
        assert_eq!(
            (off.catalog, off.poll_interval_ms, off.ask),
            (None, None, Asker::Flow)
        );
        for (config, field) in [
            (json!({"taskCatalog": "x".repeat(51)}), "taskCatalog"),
            (json!({"taskPollInterval": "2h"}), "taskPollInterval"),
            (json!({"tasks": {"ask": "robot"}}), "tasks.ask"),
            (
                json!({"messages": {"answered": {"a": 1}}}),
                "messages.answered",
            ),
        ] {
            let e = TaskSettings::parse(&config).unwrap_err();
            assert!(e.message().contains(field), "{}", e.message());
        }
    }
}
