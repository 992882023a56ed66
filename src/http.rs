//! Plain HTTP requests and responses, and the small trait the flows send them through.
//!
//! The flows (`flow/`) are written once against [`Transport`]; the wasm build
//! implements it over the host's transport (`wasm/transport.rs`), the native tests with a recording fake.

use serde::Serialize;

use crate::secret::Secret;

/// HTTP method; the package only ever needs these two.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// GET
    Get,
    /// POST
    Post,
}

impl Method {
    /// The method's name on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
        }
    }
}

/// A header value: plain, or a secret that must never be printed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HeaderValue {
    /// Safe to log.
    Plain(String),
    /// Sent, never logged (`Authorization`, `Cookie`, `CSRF-Token`).
    Secret(Secret),
}

impl HeaderValue {
    /// The value to put on the wire.
    pub fn expose(&self) -> &str {
        match self {
            HeaderValue::Plain(v) => v,
            HeaderValue::Secret(s) => s.expose(),
        }
    }
}

/// One request to send; the body, when present, is already serialised.
#[derive(Debug, Clone, PartialEq)]
pub struct Request {
    /// GET or POST.
    pub method: Method,
    /// Absolute URL including the query.
    pub url: String,
    /// Header name and value pairs.
    pub headers: Vec<(String, HeaderValue)>,
    /// Body text (JSON or form-encoded); may hold secrets, so it is never logged.
    pub body: Option<Secret>,
}

impl Request {
    /// A request without headers or body.
    pub fn new(method: Method, url: impl Into<String>) -> Self {
        Request {
            method,
            url: url.into(),
            headers: Vec::new(),
            body: None,
        }
    }

    /// Adds a plain header.
    pub fn header(mut self, name: &str, value: impl Into<String>) -> Self {
        self.headers
            .push((name.to_string(), HeaderValue::Plain(value.into())));
        self
    }

    /// Adds a header whose value is a secret.
    pub fn secret_header(mut self, name: &str, value: Secret) -> Self {
        self.headers
            .push((name.to_string(), HeaderValue::Secret(value)));
        self
    }

    /// Sets a JSON body and its content type.
    pub fn json<T: Serialize + ?Sized>(mut self, body: &T) -> Self {
        // The bodies are structs of strings and numbers, and maps with string keys:
        // serde_json cannot fail on them.
        self.body = Some(Secret::new(crate::types::json_text(body)));
        self.header("Content-Type", "application/json")
    }

    /// Sets a form-encoded body and its content type.
    pub fn form(mut self, pairs: &[(&str, &str)]) -> Self {
        self.body = Some(Secret::new(crate::urlencode::form(pairs)));
        self.header("Content-Type", "application/x-www-form-urlencoded")
    }

    /// The value of a header, by case-insensitive name.
    pub fn header_value(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.expose())
    }

    /// The name of the first header whose name or value holds a control character (a
    /// line break would start a header of its own), or whose name is not an HTTP token.
    /// The flows refuse such a request before it is sent; the transport refuses it again.
    pub fn unsafe_header(&self) -> Option<&str> {
        let token = |n: &str| {
            !n.is_empty()
                && n.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
        };
        self.headers
            .iter()
            .find(|(n, v)| !token(n) || v.expose().chars().any(char::is_control))
            .map(|(n, _)| n.as_str())
    }

    /// `METHOD url-without-query`, safe for logs (queries can hold conversation ids).
    pub fn describe(&self) -> String {
        let path = self.url.split('?').next().unwrap_or_default();
        format!("{} {}", self.method.as_str(), path)
    }
}

/// An HTTP answer, whatever its status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    /// Status code.
    pub status: u16,
    /// Header names in lower case.
    pub headers: Vec<(String, String)>,
    /// Body text.
    pub body: String,
}

impl Response {
    /// The value of a header, by case-insensitive name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// True for 2xx.
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }
}

/// Why a request got no answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TransportError {
    /// The per-request time limit passed first.
    Timeout,
    /// The answer grew past the byte limit the request was sent with; the transport
    /// stopped reading it.
    TooLarge,
    /// No HTTP answer: DNS, refused connection, TLS, ... with the host's description.
    Network(String),
}

/// What the flows need from the host: send a request, read the clock, wait.
///
/// Time is an argument of the core: the flows read it only through this trait, so
/// tests drive it with a fake clock.
// wasm is single-threaded and the futures never cross threads, so no `Send` bound.
#[allow(async_fn_in_trait)]
pub trait Transport {
    /// Sends one request, giving up after `timeout_ms`, and stops reading an answer
    /// whose body passes `max_answer_bytes` ([`TransportError::TooLarge`]).
    async fn send(
        &self,
        request: &Request,
        timeout_ms: u64,
        max_answer_bytes: u64,
    ) -> Result<Response, TransportError>;
    /// Milliseconds since the Unix epoch.
    fn now_ms(&self) -> u64;
    /// Waits `ms` milliseconds.
    async fn sleep(&self, ms: u64);
    /// A debug line for the bot's log; never called with a secret.
    fn log(&self, _message: &str) {}
    /// A callback token from an issuer in this very process (the `uipath` module of the
    /// Botpress server the package runs in), without a request; `None` when there is
    /// none, and the flow asks the token route over HTTP.
    async fn local_callback_token(
        &self,
        _request: &LocalTokenRequest<'_>,
    ) -> Option<Result<Secret, String>> {
        None
    }
}

/// The default cap on one answer's body: 4 MiB (`maxAnswerSize`).
pub const DEFAULT_MAX_ANSWER_BYTES: u64 = 4 * 1024 * 1024;

/// What a callback token is asked for: the bot, the conversation, the lifetime.
#[derive(Debug, Clone, Copy)]
pub struct LocalTokenRequest<'a> {
    /// The bot.
    pub bot_id: &'a str,
    /// The channel.
    pub channel: &'a str,
    /// The user.
    pub target: &'a str,
    /// The conversation, on messaging channels.
    pub thread_id: Option<&'a str>,
    /// Lifetime, seconds.
    pub seconds: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn describe_drops_the_query_and_debug_hides_secrets() {
        let req = Request::new(Method::Get, "https://h/odata/Releases?$filter=x")
            .secret_header("Authorization", Secret::new("Bearer abc"))
            .json(&serde_json::json!({"password": "pw"}));
        assert_eq!(req.describe(), "GET https://h/odata/Releases");
        let debug = format!("{req:?}");
        assert!(!debug.contains("abc") && !debug.contains("pw"), "{debug}");
        assert_eq!(req.header_value("authorization"), Some("Bearer abc"));
        assert_eq!(req.unsafe_header(), None);
    }

    #[test]
    fn a_header_with_a_line_break_is_found() {
        let req = Request::new(Method::Get, "https://h/").header(
            "X-UIPATH-FolderPath",
            "Shared\r\nAuthorization: Bearer injected",
        );
        assert_eq!(req.unsafe_header(), Some("X-UIPATH-FolderPath"));
        let req = Request::new(Method::Get, "https://h/").header("Bad Name", "v");
        assert_eq!(req.unsafe_header(), Some("Bad Name"));
    }
}
