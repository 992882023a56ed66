//! A request body as the module's route got it, and the rules for turning it into JSON.
//!
//! Botpress v12 runs two global body parsers (JSON and urlencoded) before a module's
//! routes. The module turns both off for itself, but Botpress matches its own route
//! pattern on the *raw* path, so a request to `/bots/%5F%5F%5F/mod/uipath/…` is still
//! parsed by them. The backend therefore hands over either the raw text it read itself
//! or the value a Botpress parser left, and these rules decide what can be used.
//! serde_json refuses nesting deeper than 128 levels, so a deep body is a 400.

use serde_json::{Map, Value};

use super::log::quote;
use super::reply::Reply;

/// The body of a request, as the backend read it.
#[derive(Clone, Copy)]
pub enum Body<'a> {
    /// The raw body, read by the module (never longer than the limit).
    Text(&'a str),
    /// A Botpress body parser had consumed the stream; this is what it parsed, read only
    /// when a rule needs it (after the caller was authenticated).
    Parsed(&'a dyn ParsedBody),
    /// The body was longer than the limit; reading stopped.
    TooLarge,
    /// The body did not arrive within `bodyTimeout`.
    TimedOut,
}

impl std::fmt::Debug for Body<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Body::Text(_) => "Body::Text",
            Body::Parsed(_) => "Body::Parsed",
            Body::TooLarge => "Body::TooLarge",
            Body::TimedOut => "Body::TimedOut",
        })
    }
}

/// What a Botpress body parser left, read on demand: a route converts it only once the
/// request is authenticated, so an anonymous request costs no conversion.
pub trait ParsedBody {
    /// The parsed value as JSON text, `None` when it cannot be written as JSON.
    fn json_text(&self) -> Option<String>;
}

impl ParsedBody for Value {
    fn json_text(&self) -> Option<String> {
        Some(crate::types::json_text(self))
    }
}

/// The body as a JSON object, or the refusal: 413 too large, 408 too slow, 415 not JSON,
/// 400 not an object.
pub fn json_object(
    body: Body<'_>,
    content_type: Option<&str>,
    max_bytes: u64,
    expected: &str,
) -> Result<Map<String, Value>, Reply> {
    match body {
        Body::TooLarge => return Err(too_large(max_bytes)),
        Body::TimedOut => {
            return Err(Reply::refusal(
                408,
                "UIPATH_TIMEOUT",
                "RequestTimeoutError",
                "the request body did not arrive in time",
            ))
        }
        _ => {}
    }
    if let Some(media) = content_type.map(media_type).filter(|m| !m.is_empty()) {
        if media != "application/json" && !media.ends_with("+json") {
            return Err(Reply::refusal(
                415,
                "UIPATH_UNSUPPORTED_MEDIA_TYPE",
                "UnsupportedMediaTypeError",
                &format!(
                    "the body must be JSON (Content-Type: application/json), not {}",
                    quote(&media, 60)
                ),
            ));
        }
    }
    let value = match body {
        Body::Text(text) => serde_json::from_str::<Value>(text).ok(),
        Body::Parsed(parsed) => match parsed.json_text() {
            // Botpress's parser has its own, larger limit: apply ours to what it kept.
            Some(text) if text.len() as u64 > max_bytes => return Err(too_large(max_bytes)),
            Some(text) => serde_json::from_str::<Value>(&text).ok(),
            None => None,
        },
        Body::TooLarge | Body::TimedOut => None,
    };
    match value {
        Some(Value::Object(map)) => Ok(map),
        _ => Err(Reply::bad_request(&format!(
            "the body must be a JSON object {expected}"
        ))),
    }
}

fn too_large(max_bytes: u64) -> Reply {
    Reply::refusal(
        413,
        "UIPATH_TOO_LARGE",
        "PayloadTooLargeError",
        &format!("the body is larger than maxBodySize ({max_bytes} bytes)"),
    )
}

/// `Application/JSON; charset=utf-8` → `application/json`.
fn media_type(content_type: &str) -> String {
    content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn status(r: Result<Map<String, Value>, Reply>) -> u16 {
        r.map(|_| 200).unwrap_or_else(|e| e.status)
    }

    #[test]
    fn each_kind_of_body_gets_its_answer() {
        let parsed = json!({"a": 1});
        let cases = [
            (Body::Text(r#"{"a":1}"#), None, 200),
            (
                Body::Text(r#"{"a":1}"#),
                Some("application/json; charset=utf-8"),
                200,
            ),
            (
                Body::Text(r#"{"a":1}"#),
                Some("Application/Vnd.Api+JSON"),
                200,
            ),
            (
                Body::Text("a=1"),
                Some("application/x-www-form-urlencoded"),
                415,
            ),
            (
                Body::Parsed(&parsed),
                Some("application/x-www-form-urlencoded"),
                415,
            ),
            (Body::Parsed(&parsed), Some("application/json"), 200),
            (Body::Text("[1]"), None, 400),
            (Body::Text("{oops"), None, 400),
            (Body::TooLarge, None, 413),
            (Body::TimedOut, None, 408),
        ];
        for (i, (body, ct, want)) in cases.into_iter().enumerate() {
            assert_eq!(status(json_object(body, ct, 100, "{}")), want, "case {i}");
        }
        let big = json!({"text": "x".repeat(200)});
        assert_eq!(
            status(json_object(
                Body::Parsed(&big),
                Some("application/json"),
                100,
                "{}"
            )),
            413
        );
    }

    #[test]
    fn a_hostile_content_type_is_quoted_in_the_refusal() {
        let r = json_object(Body::Text("x"), Some("text/plain\nforged"), 100, "{}").unwrap_err();
        assert!(!r.log.unwrap().contains('\n'));
    }
}
