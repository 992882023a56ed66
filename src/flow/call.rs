//! One call's deadline, the transport it sends through, and the retry rules for requests
//! that are safe to repeat; and the secrets a call's errors must never show.

use std::cell::RefCell;

use crate::error::{Error, ErrorCode, Result};
use crate::http::{Request, Response, Transport, TransportError};
use crate::orchestrator;

/// Attempts per request, first one included.
pub(super) const MAX_ATTEMPTS: u32 = 3;
/// First back-off; doubled on each retry.
const BACKOFF_MS: u64 = 400;
/// What a wait keeps for its last read before the deadline, milliseconds.
pub(super) const READ_RESERVE_MS: u64 = 500;

/// One call's deadline and the transport it sends through.
pub(super) struct Call<'a, T: Transport> {
    pub(super) transport: &'a T,
    deadline_ms: u64,
    timeout_ms: u64,
    max_answer_bytes: u64,
}

impl<'a, T: Transport> Call<'a, T> {
    /// A call that ends after `timeout_ms` and reads no answer past `max_answer_bytes`.
    pub(super) fn new(transport: &'a T, timeout_ms: u64, max_answer_bytes: u64) -> Self {
        Call {
            transport,
            deadline_ms: transport.now_ms() + timeout_ms,
            timeout_ms,
            max_answer_bytes,
        }
    }

    pub(super) fn log(&self, message: &str) {
        self.transport.log(message);
    }

    pub(super) fn remaining(&self) -> u64 {
        self.deadline_ms.saturating_sub(self.transport.now_ms())
    }

    pub(super) fn timeout_error(&self, request: &Request) -> Error {
        Error::new(
            ErrorCode::Timeout,
            format!(
                "no answer within timeoutMs ({} ms) to {}",
                self.timeout_ms,
                request.describe()
            ),
        )
    }

    /// One attempt; `Err` only when no HTTP answer came.
    pub(super) async fn send_once(&self, request: &Request) -> Result<Response> {
        // Settings are checked when parsed; this is the last line of defence.
        if let Some(name) = request.unsafe_header() {
            return Err(Error::config(format!(
                "{} was not sent: its {} header holds a control character",
                request.describe(),
                crate::quote::quote(name, 60)
            )));
        }
        let remaining = self.remaining();
        if remaining == 0 {
            return Err(self.timeout_error(request));
        }
        let result = self
            .transport
            .send(request, remaining, self.max_answer_bytes)
            .await;
        match result {
            Ok(r) => {
                self.log(&format!("{} -> {}", request.describe(), r.status));
                Ok(r)
            }
            Err(TransportError::Timeout) => Err(self.timeout_error(request)),
            Err(TransportError::TooLarge) => {
                self.log(&format!("{} -> answer too large", request.describe()));
                Err(Error::new(
                    ErrorCode::OrchestratorError,
                    format!(
                        "the answer to {} is larger than maxAnswerSize ({} bytes); it was not read",
                        request.describe(),
                        self.max_answer_bytes
                    ),
                ))
            }
            Err(TransportError::Network(why)) => {
                self.log(&format!("{} -> network error", request.describe()));
                Err(Error::new(
                    ErrorCode::Network,
                    format!("{} failed: {why}", request.describe()),
                ))
            }
        }
    }

    /// Up to [`MAX_ATTEMPTS`] for requests that are safe to repeat. Returns the last
    /// answer whatever its status; `Err` for no answer at all.
    pub(super) async fn send_retrying(&self, request: &Request, what: &str) -> Result<Response> {
        let mut attempt = 1;
        loop {
            let outcome = self.send_once(request).await;
            let retry_after = match &outcome {
                Ok(r) if r.status == 429 => retry_after_ms(r),
                Ok(r) if matches!(r.status, 502..=504) => None,
                Err(e) if e.code == ErrorCode::Network => None,
                _ => return outcome,
            };
            if attempt >= MAX_ATTEMPTS || !self.wait_before_retry(attempt, retry_after).await {
                if let Ok(r) = &outcome {
                    if r.status == 429 {
                        let mut e = orchestrator::parse_error(r, what, None);
                        e.retry_after_seconds =
                            retry_after.map(|ms| u32::try_from(ms / 1000).unwrap_or(u32::MAX));
                        return Err(e);
                    }
                }
                return outcome;
            }
            attempt += 1;
        }
    }

    /// Logs that `what` is still `state`, then sleeps before the wait's next read: the
    /// pacing's pause, or less so that the last read comes just before the deadline
    /// (with [`READ_RESERVE_MS`] left for it); false when not even that is left, and the
    /// wait gives up.
    pub(super) async fn pause_before_read(
        &self,
        pacing: &mut Pacing,
        what: &str,
        state: &str,
    ) -> bool {
        self.log(&format!(
            "{what} is {state}; next read in {} ms (or just before the deadline)",
            pacing.pause
        ));
        let remaining = self.remaining();
        if remaining <= READ_RESERVE_MS {
            return false;
        }
        self.transport
            .sleep(pacing.pause.min(remaining - READ_RESERVE_MS))
            .await;
        pacing.pause = (pacing.pause + pacing.pause / 2).min(pacing.longest);
        true
    }

    /// Sleeps before retry number `attempt`; false when the deadline would pass first.
    pub(super) async fn wait_before_retry(
        &self,
        attempt: u32,
        retry_after_ms: Option<u64>,
    ) -> bool {
        let wait = retry_after_ms.unwrap_or(BACKOFF_MS << (attempt - 1));
        // Keep at least a second for the retried request itself.
        if wait + 1000 >= self.remaining() {
            return false;
        }
        self.transport.sleep(wait).await;
        true
    }
}

pub(super) fn retry_after_ms(response: &Response) -> Option<u64> {
    response
        .header("retry-after")?
        .trim()
        .parse::<u64>()
        .ok()
        .map(|s| s * 1000)
}

/// The pauses between a wait's reads: the first at most [`FIRST_PAUSE_MS`], each half
/// again as long as the one before, none longer than `pollMs`.
#[derive(Debug, Clone, Copy)]
pub(super) struct Pacing {
    pause: u64,
    longest: u64,
}

/// A wait's first pause at most, milliseconds: a job or an item rarely ends in less.
const FIRST_PAUSE_MS: u64 = 1_000;

impl Pacing {
    pub(super) fn new(poll_ms: u64) -> Pacing {
        Pacing {
            pause: FIRST_PAUSE_MS.min(poll_ms),
            longest: poll_ms,
        }
    }
}

/// The secrets a call has seen (credentials, tokens), removed from its error's text
/// before it leaves the package.
#[derive(Debug, Default)]
pub(super) struct Redactor(RefCell<Vec<String>>);

impl Redactor {
    pub(super) fn add(&self, secret: &str) {
        self.0.borrow_mut().push(secret.to_string());
    }

    pub(super) fn redact(&self, error: Error) -> Error {
        let secrets = self.0.borrow();
        let refs: Vec<&str> = secrets.iter().map(String::as_str).collect();
        error.redact(&refs)
    }

    pub(super) fn apply<V>(&self, result: Result<V>) -> Result<V> {
        result.map_err(|e| self.redact(e))
    }
}
