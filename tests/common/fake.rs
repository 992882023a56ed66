//! A recording fake of [`Transport`] with a virtual clock, shared by the flow tests.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::cell::{Cell, RefCell};

use botpress_uipath::http::{
    LocalTokenRequest, Method, Request, Response, Transport, TransportError,
};
use botpress_uipath::secret::Secret;
use serde_json::json;
use serde_json::Value;

pub type Handler = Box<dyn Fn(&Request, usize) -> Result<Response, TransportError>>;

/// Answers by the first route whose path fragment the URL contains; records everything.
pub struct Fake {
    pub routes: Vec<(Method, &'static str, Handler)>,
    pub sent: RefCell<Vec<Request>>,
    pub clock: Cell<u64>,
    /// The clock when each request was sent.
    pub sent_at: RefCell<Vec<u64>>,
    /// An in-process callback-token issuer (the module's), when there is one: what it
    /// answers, and the requests it was given (bot, thread, lifetime).
    pub issuer: Option<Result<String, String>>,
    pub issued: RefCell<Vec<(String, Option<String>, u64)>>,
}

impl Fake {
    pub fn new() -> Fake {
        Fake {
            routes: Vec::new(),
            sent: RefCell::new(Vec::new()),
            clock: Cell::new(1_000_000),
            sent_at: RefCell::new(Vec::new()),
            issuer: None,
            issued: RefCell::new(Vec::new()),
        }
    }

    /// With an in-process issuer that answers `answer`.
    pub fn with_issuer(mut self, answer: Result<&str, &str>) -> Fake {
        self.issuer = Some(answer.map(str::to_string).map_err(str::to_string));
        self
    }

    /// Adds a route that takes precedence over the ones already there.
    pub fn route(
        mut self,
        method: Method,
        fragment: &'static str,
        h: impl Fn(&Request, usize) -> Result<Response, TransportError> + 'static,
    ) -> Fake {
        self.routes.insert(0, (method, fragment, Box::new(h)));
        self
    }

    /// Routes for a working Orchestrator, the identity server and Botpress.
    pub fn healthy() -> Fake {
        Fake::new()
            .route(Method::Post, "/identity_/connect/token", |_, _| ok(200, json!({"access_token": "AT-1", "expires_in": 3600, "token_type": "Bearer"})))
            .route(Method::Get, "/odata/Releases", |_, _| ok(200, json!({"value": [
                {"Id": 1, "Key": "rel-old", "Name": "Invoice", "ProcessKey": "InvoiceBot", "ProcessVersion": "1.0.9"},
                {"Id": 2, "Key": "rel-new", "Name": "Invoice 2", "ProcessKey": "InvoiceBot", "ProcessVersion": "1.0.10"}]})))
            .route(Method::Get, "/mod/uipath/auth/token", |_, _| ok(200, json!({"token": "BP-TOKEN"})))
            .route(Method::Post, "StartJobs", |_, _| ok(201, json!({"value": [{"Id": 77, "Key": "job-key", "State": "Pending"}]})))
    }

    pub fn count(&self, fragment: &str) -> usize {
        self.sent
            .borrow()
            .iter()
            .filter(|r| r.url.contains(fragment))
            .count()
    }

    pub fn last(&self, fragment: &str) -> Request {
        self.sent
            .borrow()
            .iter()
            .rev()
            .find(|r| r.url.contains(fragment))
            .cloned()
            .expect("no such request")
    }
}

/// Pending once, then ready: a request in flight lets other futures of the call run, as
/// a real one does (so overlapped requests are sent before either is answered).
struct YieldOnce(bool);

impl std::future::Future for YieldOnce {
    type Output = ();
    fn poll(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<()> {
        if self.0 {
            return std::task::Poll::Ready(());
        }
        self.0 = true;
        cx.waker().wake_by_ref();
        std::task::Poll::Pending
    }
}

impl Transport for Fake {
    async fn send(
        &self,
        request: &Request,
        _timeout_ms: u64,
        max_answer_bytes: u64,
    ) -> Result<Response, TransportError> {
        self.sent.borrow_mut().push(request.clone());
        YieldOnce(false).await;
        self.sent_at.borrow_mut().push(self.clock.get());
        let n = self.count(request.url.split('?').next().unwrap_or_default());
        let answer = self
            .routes
            .iter()
            .find(|(m, frag, _)| *m == request.method && request.url.contains(frag))
            .map(|(_, _, h)| h(request, n))
            .unwrap_or_else(|| ok(404, json!({"message": "no route", "errorCode": 1002})));
        // As the host's transport does: an answer past the cap is not read.
        match answer {
            Ok(r) if r.body.len() as u64 > max_answer_bytes => Err(TransportError::TooLarge),
            other => other,
        }
    }
    fn now_ms(&self) -> u64 {
        self.clock.get()
    }
    async fn sleep(&self, ms: u64) {
        self.clock.set(self.clock.get() + ms);
    }
    async fn local_callback_token(
        &self,
        request: &LocalTokenRequest<'_>,
    ) -> Option<Result<Secret, String>> {
        let answer = self.issuer.clone()?;
        self.issued.borrow_mut().push((
            request.bot_id.to_string(),
            request.thread_id.map(str::to_string),
            request.seconds,
        ));
        YieldOnce(false).await;
        Some(answer.map(Secret::new))
    }
}

pub fn ok(status: u16, body: Value) -> Result<Response, TransportError> {
    Ok(Response {
        status,
        headers: vec![],
        body: body.to_string(),
    })
}
