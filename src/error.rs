//! The one error type of the package, with the stable codes of `shared/API.md`.

use std::fmt;

/// The stable error codes of the public contract (`API.md`, "Errors").
///
/// Bots branch on these strings, so a code never changes meaning once released.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorCode {
    /// A setting is missing or malformed; the message names the field.
    InvalidConfig,
    /// Orchestrator or its identity server refused the credentials or their scope.
    AuthFailed,
    /// The folder does not exist or the credentials cannot see it.
    FolderNotFound,
    /// No release matches the process key, name or version.
    ProcessNotFound,
    /// The Botpress server did not hand out a callback token.
    BotpressTokenFailed,
    /// Orchestrator answered with an error not covered by a more precise code.
    OrchestratorError,
    /// Orchestrator kept answering 429 until the deadline.
    RateLimited,
    /// The overall deadline (`timeoutMs`) passed.
    Timeout,
    /// A request never got an HTTP answer (DNS, connection refused, TLS, ...).
    Network,
    /// The job does not exist in that folder, or the credentials cannot see it.
    JobNotFound,
    /// No queue of that name in the folder (or the credentials cannot see it).
    QueueNotFound,
    /// The queue item does not exist in that folder, or the credentials cannot see it.
    QueueItemNotFound,
    /// A reference the caller gave is taken in a queue that enforces unique references.
    DuplicateReference,
    /// The Action Center task does not exist, or the credentials cannot see it.
    TaskNotFound,
    /// A callback token or callback request was refused (module backend).
    Unauthorized,
}

impl ErrorCode {
    /// The code as the string API.md lists.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::InvalidConfig => "INVALID_CONFIG",
            ErrorCode::AuthFailed => "AUTH_FAILED",
            ErrorCode::FolderNotFound => "FOLDER_NOT_FOUND",
            ErrorCode::ProcessNotFound => "PROCESS_NOT_FOUND",
            ErrorCode::BotpressTokenFailed => "BOTPRESS_TOKEN_FAILED",
            ErrorCode::OrchestratorError => "ORCHESTRATOR_ERROR",
            ErrorCode::RateLimited => "RATE_LIMITED",
            ErrorCode::Timeout => "TIMEOUT",
            ErrorCode::Network => "NETWORK",
            ErrorCode::JobNotFound => "JOB_NOT_FOUND",
            ErrorCode::QueueNotFound => "QUEUE_NOT_FOUND",
            ErrorCode::QueueItemNotFound => "QUEUE_ITEM_NOT_FOUND",
            ErrorCode::DuplicateReference => "DUPLICATE_REFERENCE",
            ErrorCode::TaskNotFound => "TASK_NOT_FOUND",
            ErrorCode::Unauthorized => "UNAUTHORIZED",
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A failure, with what a caller needs to act on it.
///
/// `Display` prints `CODE: detail`, the message format API.md promises.
#[derive(Debug, Clone, PartialEq)]
pub struct Error {
    /// The stable code.
    pub code: ErrorCode,
    /// What went wrong and what to change, without the code prefix.
    pub detail: String,
    /// HTTP status of the answer that caused it, if any.
    pub status: Option<u16>,
    /// Orchestrator's `errorCode`, if it gave one.
    pub uipath_error_code: Option<i64>,
    /// Orchestrator's `traceId`, if it gave one.
    pub trace_id: Option<String>,
    /// The `Reference` of a StartJobs call whose outcome is unknown.
    pub reference: Option<String>,
    /// The last state seen of the job a wait gave up on (`error.job` in JS).
    pub job: Option<Box<crate::types::JobDetails>>,
    /// The last state seen of the queue item a wait gave up on (`error.queueItem`).
    pub queue_item: Option<Box<crate::types::QueueItem>>,
    /// How long a 429 said to wait, seconds.
    pub retry_after_seconds: Option<u32>,
}

/// Shorthand for results of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// An error with a code and a message, and no HTTP details.
    pub fn new(code: ErrorCode, detail: impl Into<String>) -> Self {
        Error {
            code,
            detail: detail.into(),
            status: None,
            uipath_error_code: None,
            trace_id: None,
            reference: None,
            job: None,
            queue_item: None,
            retry_after_seconds: None,
        }
    }

    /// `INVALID_CONFIG` naming a field.
    pub fn config(detail: impl Into<String>) -> Self {
        Error::new(ErrorCode::InvalidConfig, detail)
    }

    /// Attaches the HTTP status.
    pub fn with_status(mut self, status: u16) -> Self {
        self.status = Some(status);
        self
    }

    /// The full message, `CODE: detail`.
    pub fn message(&self) -> String {
        self.to_string()
    }

    /// Replaces every occurrence of each secret in the text fields by `[redacted]`: as
    /// written, and in the forms a server may echo it back in (form-encoded,
    /// percent-encoded, escaped inside a JSON string, as quoted in a message).
    ///
    /// Defence in depth: messages are built without secrets, but an answer body
    /// quoted in a message could echo one back. Secrets shorter than
    /// [`MIN_SECRET_CHARS`] are refused when parsed, so none is too short to find.
    pub fn redact(mut self, secrets: &[&str]) -> Self {
        for secret in secrets
            .iter()
            .filter(|s| s.chars().count() >= MIN_SECRET_CHARS)
        {
            for form in encoded_forms(secret) {
                if self.detail.contains(&form) {
                    self.detail = self.detail.replace(&form, "[redacted]");
                }
                if let Some(trace) = &self.trace_id {
                    if trace.contains(&form) {
                        self.trace_id = Some(trace.replace(&form, "[redacted]"));
                    }
                }
            }
        }
        self
    }
}

/// The shortest secret the package accepts: one shorter could not be told apart from
/// ordinary text, so it could not be kept out of messages.
pub const MIN_SECRET_CHARS: usize = 4;

/// A secret as written and as a server may echo it: form-encoded (`+` for spaces),
/// percent-encoded, escaped in a JSON string, quoted for a message.
fn encoded_forms(secret: &str) -> Vec<String> {
    let json = crate::types::json_text(secret);
    let mut forms = vec![
        secret.to_string(),
        form_urlencoded::byte_serialize(secret.as_bytes()).collect::<String>(),
        percent_encoding::utf8_percent_encode(secret, percent_encoding::NON_ALPHANUMERIC)
            .to_string(),
        json[1..json.len() - 1].to_string(),
        crate::quote::escape(secret, usize::MAX),
    ];
    forms.sort();
    forms.dedup();
    // Longest first, so no shorter form leaves part of a longer one behind.
    forms.sort_by_key(|f| std::cmp::Reverse(f.len()));
    forms
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.detail)
    }
}

impl std::error::Error for Error {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_starts_with_the_stable_code() {
        let err = Error::config("auth.clientSecret is missing");
        assert_eq!(
            err.message(),
            "INVALID_CONFIG: auth.clientSecret is missing"
        );
    }

    #[test]
    fn redact_removes_secrets_from_detail() {
        let err = Error::new(
            ErrorCode::AuthFailed,
            "server said: bad secret s3cr3t-value",
        )
        .redact(&["s3cr3t-value", ""]);
        assert_eq!(err.detail, "server said: bad secret [redacted]");
    }

    #[test]
    fn redact_removes_the_forms_a_server_echoes_back() {
        let secret = "p@ss w+rd/\"ü&=\n";
        let form: String = form_urlencoded::byte_serialize(secret.as_bytes()).collect();
        let pct = percent_encoding::utf8_percent_encode(secret, percent_encoding::NON_ALPHANUMERIC)
            .to_string();
        let json = crate::types::json_text(secret);
        let quoted = crate::quote::quote(secret, 100);
        for echoed in [secret.to_string(), form, pct, json, quoted] {
            let err = Error::new(
                ErrorCode::AuthFailed,
                format!("the server said: {echoed} is wrong"),
            )
            .redact(&[secret]);
            assert!(
                err.detail.contains("[redacted]"),
                "{echoed} -> {}",
                err.detail
            );
            for piece in ["p@ss", "p%40ss", "w%2Brd", "w+rd"] {
                assert!(!err.detail.contains(piece), "{echoed} -> {}", err.detail);
            }
        }
    }
}
