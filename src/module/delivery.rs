//! What a job's and a queue item's end share on their way into a conversation: the
//! folder as a tracked row stores it, the incoming event and its destination, and the
//! `messages` text with its `{{…}}` filled in.

use serde_json::{json, Value};

use crate::error::{Error, Result};
use crate::fields;
use crate::types::Folder;

/// The conversation a tracked row names.
#[derive(Debug, Clone, Copy)]
pub struct Destination<'a> {
    /// The bot.
    pub bot_id: &'a str,
    /// `event.channel`
    pub channel: &'a str,
    /// `event.target`
    pub target: &'a str,
    /// `event.threadId`
    pub thread_id: Option<&'a str>,
}

/// A folder as a tracked row stores it: `id:<n>`, `path:<path>`, or empty.
pub fn folder_text(folder: Option<&Folder>) -> String {
    match folder {
        Some(Folder::Id(id)) => format!("id:{id}"),
        Some(Folder::Path(p)) => format!("path:{p}"),
        None => String::new(),
    }
}

/// A stored folder read again as a setting is: one that holds a control character (a
/// row written by another version, or by hand) is refused, so it never reaches a header.
pub fn stored_folder(text: &str) -> Result<Option<Folder>> {
    fields::refuse_control("the tracked row's folder", text)?;
    if let Some(id) = text.strip_prefix("id:") {
        return id
            .parse()
            .map(|id| Some(Folder::Id(id)))
            .map_err(|_| Error::config("the tracked row's folder id is not a number"));
    }
    Ok(text
        .strip_prefix("path:")
        .map(|p| Folder::Path(p.to_string())))
}

/// The arguments of `bp.IO.Event(…)` for an incoming event of `kind` into the
/// destination's conversation, and that destination (`{ botId, channel, target,
/// threadId? }`) for the text reply.
pub fn incoming_event(to: &Destination<'_>, kind: &str, payload: Value) -> (Value, Value) {
    let mut destination = json!({
        "botId": to.bot_id,
        "channel": to.channel,
        "target": to.target,
    });
    if let Some(t) = to.thread_id {
        destination["threadId"] = json!(t);
    }
    let mut event = destination.clone();
    event["type"] = json!(kind);
    event["direction"] = json!("incoming");
    // No `preview`: NLU and QnA would read it as if the user had typed it.
    event["payload"] = payload;
    (event, destination)
}

/// Fills each `{{name}}` with what `value_of(name)` says (empty for an unknown name).
pub fn render(template: &str, value_of: impl Fn(&str) -> String) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(open) = rest.find("{{") {
        let Some(close) = rest[open..].find("}}") else {
            break;
        };
        out.push_str(&rest[..open]);
        out.push_str(&value_of(rest[open + 2..open + close].trim()));
        rest = &rest[open + close + 2..];
    }
    out.push_str(rest);
    out
}

/// A value for a text: a string as it is, null as nothing, anything else as JSON.
pub fn text_of(value: Option<&Value>) -> String {
    match value {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(other) => crate::types::json_text(other),
    }
}

/// `{{output}}` and `{{output.NAME}}` of an output object; `None` for other names.
pub fn output_value(name: &str, output: Option<&Value>) -> Option<String> {
    if name == "output" {
        return Some(text_of(output));
    }
    let field = name.strip_prefix("output.")?;
    Some(text_of(output.and_then(|o| o.get(field))))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_folder_goes_both_ways_and_a_bad_one_is_refused() {
        for f in [Some(Folder::Id(5)), Some(Folder::Path("A/B".into())), None] {
            assert_eq!(stored_folder(&folder_text(f.as_ref())).unwrap(), f);
        }
        for bad in ["path:Shared\r\nX-UIPATH-OrganizationUnitId: 7", "id:x"] {
            assert!(stored_folder(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn templates_and_events() {
        let out = json!({"paid": true, "n": "INV-1"});
        let value_of = |n: &str| output_value(n, Some(&out)).unwrap_or_default();
        assert_eq!(
            render("{{output.n}} paid={{ output.paid }}{{x}}|", value_of),
            "INV-1 paid=true|"
        );
        assert_eq!(render("a {{ b", value_of), "a {{ b");
        let to = Destination {
            bot_id: "b",
            channel: "web",
            target: "u",
            thread_id: None,
        };
        let (event, destination) = incoming_event(&to, "uipath-job", json!({"x": 1}));
        assert_eq!(
            destination,
            json!({"botId": "b", "channel": "web", "target": "u"})
        );
        assert_eq!(
            (event["type"].as_str(), event["direction"].as_str()),
            (Some("uipath-job"), Some("incoming"))
        );
        assert!(event.get("preview").is_none());
    }
}
