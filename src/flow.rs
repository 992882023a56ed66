//! The two calls of the package, written once against [`Transport`]:
//! [`start_job`] (token → release → callback token → StartJobs) and [`botpress_token`].
//!
//! Retries follow what is safe: reads and token requests are retried on network errors,
//! 429 (honouring `Retry-After`) and 502/503/504; StartJobs is retried on 429 only, or
//! after a lost answer once a look-up by `Reference` shows that no job was created —
//! so a retry can never start a job twice.

use std::cell::RefCell;
use std::collections::HashMap;

use serde::Deserialize;

use crate::auth::Auth;
use crate::config::{Connection, Conversation, Folder, JobSettings};
use crate::duration;
use crate::error::{Error, ErrorCode, Result};
use crate::http::{Method, Request, Response, Transport, TransportError};
use crate::odata;
use crate::orchestrator::{self, Job, JobStart, Release, Scope};
use crate::secret::Secret;

/// Attempts per request, first one included.
const MAX_ATTEMPTS: u32 = 3;
/// First back-off; doubled on each retry.
const BACKOFF_MS: u64 = 400;
/// Cached tokens are dropped this long before they expire.
const TOKEN_MARGIN_MS: u64 = 60_000;

/// Where the bot's own Botpress server hands out callback tokens, from
/// `bp.http.getAxiosConfigForBot(botId, { localUrl: true })`.
#[derive(Debug, Clone, PartialEq)]
pub struct BotpressEndpoint {
    /// `{LOCAL_URL}/api/v1/bots/{botId}`
    pub base_url: String,
    /// `Authorization`, or `Cookie` + `CSRF-Token`: all forwarded, none logged.
    pub headers: Vec<(String, Secret)>,
}

/// Orchestrator access tokens by credentials, reused until a minute before expiry.
///
/// Shared by concurrent calls on one thread: every method borrows the map only for
/// its own duration, never across an `await`.
#[derive(Debug, Default)]
pub struct TokenCache {
    entries: RefCell<HashMap<String, (Secret, u64)>>,
}

impl TokenCache {
    fn get(&self, key: &str, now_ms: u64) -> Option<Secret> {
        self.entries
            .borrow()
            .get(key)
            .filter(|(_, until)| *until > now_ms)
            .map(|(t, _)| t.clone())
    }

    fn put(&self, key: String, token: Secret, now_ms: u64, until_ms: u64) {
        let mut entries = self.entries.borrow_mut();
        entries.retain(|_, (_, until)| *until > now_ms);
        entries.insert(key, (token, until_ms));
    }

    fn remove(&self, key: &str) {
        self.entries.borrow_mut().remove(key);
    }
}

/// Starts the job(s) of `settings` for `conversation`.
///
/// `nonce` makes the job `Reference` unique; `cache` keeps access tokens between calls.
pub async fn start_job<T: Transport>(
    transport: &T,
    cache: &TokenCache,
    settings: &JobSettings,
    conversation: &Conversation,
    botpress: Option<&BotpressEndpoint>,
    nonce: &str,
) -> Result<JobStart> {
    let call = Call::new(transport, settings.timeout_ms);
    let mut secrets: Vec<String> = settings
        .connection
        .auth
        .secrets()
        .iter()
        .map(|s| s.to_string())
        .collect();
    if let Some(b) = botpress {
        secrets.extend(b.headers.iter().map(|(_, v)| v.expose().to_string()));
    }
    let result = start_job_inner(
        &call,
        cache,
        settings,
        conversation,
        botpress,
        nonce,
        &mut secrets,
    )
    .await;
    let refs: Vec<&str> = secrets.iter().map(String::as_str).collect();
    result.map_err(|e| e.redact(&refs))
}

#[allow(clippy::too_many_arguments)]
async fn start_job_inner<T: Transport>(
    call: &Call<'_, T>,
    cache: &TokenCache,
    settings: &JobSettings,
    conversation: &Conversation,
    botpress: Option<&BotpressEndpoint>,
    nonce: &str,
    secrets: &mut Vec<String>,
) -> Result<JobStart> {
    let connection = &settings.connection;
    let folder = settings.folder.as_ref();
    let (mut token, from_cache) = access_token(call, cache, connection).await?;
    secrets.push(token.expose().to_string());

    let mut scope = scope_for(connection, &token, folder);
    let mut response = call
        .send_retrying(&scope.releases_request(&settings.process), "list releases")
        .await?;
    if response.status == 401 && from_cache {
        // A cached token can be revoked before its expiry: fetch a new one, once.
        if let Some(key) = connection.auth.cache_key(&connection.orchestrator_url) {
            cache.remove(&key);
        }
        (token, _) = access_token(call, cache, connection).await?;
        secrets.push(token.expose().to_string());
        scope = scope_for(connection, &token, folder);
        response = call
            .send_retrying(&scope.releases_request(&settings.process), "list releases")
            .await?;
    }
    let action = "list the releases";
    if !response.is_success() {
        let mut err = orchestrator::parse_error(&response, action, folder);
        if err.code == ErrorCode::FolderNotFound {
            err.detail.push_str(
                &suggest(call, &scope.folder_names_request(), "FullyQualifiedName").await,
            );
        }
        return Err(err);
    }
    let releases: Vec<Release> = orchestrator::parse_collection(&response, "Releases")?;
    let release = match orchestrator::choose_release(
        &releases,
        &settings.process,
        settings.process_version.as_deref(),
        folder,
    ) {
        Ok(r) => r,
        Err(mut err) if releases.is_empty() => {
            err.detail
                .push_str(&suggest(call, &scope.release_names_request(), "ProcessKey").await);
            return Err(err);
        }
        Err(err) => return Err(err),
    };
    call.log(&format!(
        "release {} ({} {}) chosen for \"{}\"",
        release.key, release.process_key, release.process_version, settings.process
    ));

    let callback_token = match (settings.botpress_token_seconds, botpress) {
        (None, _) => None,
        (Some(seconds), Some(endpoint)) => {
            let t = fetch_botpress_token(call, endpoint, conversation, seconds).await?;
            secrets.push(t.expose().to_string());
            Some(t)
        }
        (Some(_), None) => {
            return Err(Error::new(
                ErrorCode::BotpressTokenFailed,
                "bp.http.getAxiosConfigForBot is not available to ask Botpress for a callback token; pass botpressToken: false to start the job without one",
            ))
        }
    };

    let reference = make_reference(&conversation.bot_id, nonce);
    let input = orchestrator::input_arguments(settings, conversation, callback_token.as_ref());
    let info = orchestrator::start_info(settings, &release, &input, &reference);
    let jobs = start_jobs(call, &scope, &info, &reference).await?;
    Ok(JobStart {
        release_key: release.key,
        process_key: release.process_key,
        process_version: release.process_version,
        reference,
        jobs,
    })
}

/// Asks the bot's Botpress server for a callback token (API.md, `getBotpressToken`).
pub async fn botpress_token<T: Transport>(
    transport: &T,
    endpoint: &BotpressEndpoint,
    conversation: &Conversation,
    seconds: u64,
    timeout_ms: u64,
) -> Result<Secret> {
    let call = Call::new(transport, timeout_ms);
    let secrets: Vec<&str> = endpoint.headers.iter().map(|(_, v)| v.expose()).collect();
    fetch_botpress_token(&call, endpoint, conversation, seconds)
        .await
        .map_err(|e| e.redact(&secrets))
}

/// The token request of [`botpress_token`], as sent.
pub fn botpress_token_request(
    endpoint: &BotpressEndpoint,
    conversation: &Conversation,
    seconds: u64,
) -> Request {
    let expires = duration::to_query(seconds);
    let mut pairs = vec![
        ("expiresIn", expires.as_str()),
        ("channel", conversation.channel.as_str()),
        ("target", conversation.target.as_str()),
    ];
    if let Some(t) = &conversation.thread_id {
        pairs.push(("threadId", t.as_str()));
    }
    let url = format!(
        "{}/mod/uipath/auth/token?{}",
        endpoint.base_url.trim_end_matches('/'),
        odata::query(&pairs)
    );
    let mut req = Request::new(Method::Get, url).header("Accept", "application/json");
    for (name, value) in &endpoint.headers {
        req = req.secret_header(name, value.clone());
    }
    req
}

async fn fetch_botpress_token<T: Transport>(
    call: &Call<'_, T>,
    endpoint: &BotpressEndpoint,
    conversation: &Conversation,
    seconds: u64,
) -> Result<Secret> {
    #[derive(Deserialize)]
    struct Answer {
        token: Option<String>,
    }
    let request = botpress_token_request(endpoint, conversation, seconds);
    let response = match call
        .send_retrying(&request, "ask Botpress for a callback token")
        .await
    {
        Ok(r) => r,
        Err(e) if e.code == ErrorCode::Network => {
            return Err(Error::new(ErrorCode::BotpressTokenFailed, e.detail));
        }
        Err(e) => return Err(e),
    };
    let answer = serde_json::from_str::<Answer>(&response.body)
        .ok()
        .and_then(|a| a.token);
    match (response.is_success(), answer) {
        (true, Some(token)) if !token.is_empty() => Ok(Secret::new(token)),
        (ok, _) => {
            let hint = match response.status {
                404 => "; is the uipath module enabled on this Botpress server?",
                401 | 403 => "; the server token from getAxiosConfigForBot was refused",
                _ => "",
            };
            let what = if ok {
                "an answer without a token".to_string()
            } else {
                format!("HTTP {}", response.status)
            };
            Err(Error::new(
                ErrorCode::BotpressTokenFailed,
                format!(
                    "GET {}/mod/uipath/auth/token gave {what}{hint}",
                    endpoint.base_url
                ),
            )
            .with_status(response.status))
        }
    }
}

/// StartJobs with the retry rules of this module's header.
async fn start_jobs<T: Transport>(
    call: &Call<'_, T>,
    scope: &Scope<'_>,
    info: &serde_json::Value,
    reference: &str,
) -> Result<Vec<Job>> {
    let request = scope.start_jobs_request(info);
    let action = "start the job";
    let with_reference = |mut e: Error| {
        e.reference = Some(reference.to_string());
        e
    };
    let mut attempt = 1;
    loop {
        let outcome = call.send_once(&request).await;
        let retry_after = match &outcome {
            Ok(r) if r.is_success() => return orchestrator::parse_collection(r, "StartJobs"),
            Ok(r) if r.status == 429 => retry_after_ms(r),
            Ok(r) if matches!(r.status, 500 | 502 | 503 | 504) => None,
            Ok(r) => return Err(orchestrator::parse_error(r, action, scope.folder)),
            Err(e) if e.code == ErrorCode::Network => None,
            Err(e) => {
                let mut e = with_reference(e.clone());
                e.detail.push_str(&format!(
                    "; the job may have started: look for Reference \"{reference}\" in Orchestrator"
                ));
                return Err(e);
            }
        };
        let lost_answer = !matches!(&outcome, Ok(r) if r.status == 429);
        if lost_answer {
            // The start may have happened: ask before trying again.
            let lookup = call
                .send_retrying(
                    &scope.jobs_by_reference_request(reference),
                    "look up jobs by Reference",
                )
                .await;
            match lookup {
                Ok(r) if r.is_success() => {
                    let jobs: Vec<Job> = orchestrator::parse_collection(&r, "Jobs")?;
                    if !jobs.is_empty() {
                        call.log(&format!(
                            "StartJobs answer was lost, but {} job(s) carry its Reference",
                            jobs.len()
                        ));
                        return Ok(jobs);
                    }
                }
                _ => {
                    let e = match outcome {
                        Ok(r) => orchestrator::parse_error(&r, action, scope.folder),
                        Err(e) => e,
                    };
                    return Err(with_reference(e));
                }
            }
        }
        if attempt >= MAX_ATTEMPTS || !call.wait_before_retry(attempt, retry_after).await {
            let e = match outcome {
                Ok(r) => orchestrator::parse_error(&r, action, scope.folder),
                Err(e) => e,
            };
            return Err(with_reference(e));
        }
        attempt += 1;
    }
}

/// A token for `connection`: from the cache, or freshly requested (and cached).
/// The flag says whether it came from the cache.
async fn access_token<T: Transport>(
    call: &Call<'_, T>,
    cache: &TokenCache,
    connection: &Connection,
) -> Result<(Secret, bool)> {
    let auth: &Auth = &connection.auth;
    let Some(request) = auth.token_request(&connection.orchestrator_url) else {
        return match auth {
            Auth::AccessToken(t) => Ok((t.clone(), false)),
            _ => Err(Error::config("auth has no way to get a token")),
        };
    };
    let key = auth.cache_key(&connection.orchestrator_url);
    let now = call.transport.now_ms();
    if let Some(hit) = key.as_deref().and_then(|k| cache.get(k, now)) {
        return Ok((hit, true));
    }
    let response = match call.send_retrying(&request, "get an access token").await {
        Err(e) if e.code == ErrorCode::Network => {
            return Err(Error::new(
                ErrorCode::Network,
                format!("{}; check tokenUrl / orchestratorUrl", e.detail),
            ))
        }
        other => other?,
    };
    let token = auth.parse_token_response(&response)?;
    if let Some(k) = key {
        let until = now + (token.expires_in * 1000).saturating_sub(TOKEN_MARGIN_MS);
        cache.put(k, token.token.clone(), now, until);
    }
    Ok((token.token, false))
}

fn scope_for<'a>(
    connection: &'a Connection,
    token: &'a Secret,
    folder: Option<&'a Folder>,
) -> Scope<'a> {
    Scope {
        base_url: &connection.orchestrator_url,
        token,
        tenant: connection.tenant.as_deref(),
        folder,
    }
}

/// `; found: A, B` from a listing, or nothing if the listing fails (it only improves a message).
async fn suggest<T: Transport>(call: &Call<'_, T>, request: &Request, field: &str) -> String {
    let Ok(response) = call.send_once(request).await else {
        return String::new();
    };
    if !response.is_success() {
        return String::new();
    }
    let Ok(rows) = orchestrator::parse_collection::<serde_json::Map<String, serde_json::Value>>(
        &response, field,
    ) else {
        return String::new();
    };
    let mut names: Vec<&str> = rows
        .iter()
        .filter_map(|r| r.get(field).and_then(|v| v.as_str()))
        .collect();
    names.dedup();
    if names.is_empty() {
        "; found none".into()
    } else {
        format!("; found: {}", names.join(", "))
    }
}

/// `botpress:{botId}:{nonce}`, at most 128 characters (Orchestrator's limit for `Reference`).
fn make_reference(bot_id: &str, nonce: &str) -> String {
    let bot: String = bot_id.chars().take(64).collect();
    format!("botpress:{bot}:{nonce}")
        .chars()
        .take(128)
        .collect()
}

fn retry_after_ms(response: &Response) -> Option<u64> {
    response
        .header("retry-after")?
        .trim()
        .parse::<u64>()
        .ok()
        .map(|s| s * 1000)
}

/// One call's deadline and the transport it sends through.
struct Call<'a, T: Transport> {
    transport: &'a T,
    deadline_ms: u64,
    timeout_ms: u64,
}

impl<'a, T: Transport> Call<'a, T> {
    fn new(transport: &'a T, timeout_ms: u64) -> Self {
        Call {
            transport,
            deadline_ms: transport.now_ms() + timeout_ms,
            timeout_ms,
        }
    }

    fn log(&self, message: &str) {
        self.transport.log(message);
    }

    fn remaining(&self) -> u64 {
        self.deadline_ms.saturating_sub(self.transport.now_ms())
    }

    fn timeout_error(&self, request: &Request) -> Error {
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
    async fn send_once(&self, request: &Request) -> Result<Response> {
        let remaining = self.remaining();
        if remaining == 0 {
            return Err(self.timeout_error(request));
        }
        let result = self.transport.send(request, remaining).await;
        match result {
            Ok(r) => {
                self.log(&format!("{} -> {}", request.describe(), r.status));
                Ok(r)
            }
            Err(TransportError::Timeout) => Err(self.timeout_error(request)),
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
    async fn send_retrying(&self, request: &Request, what: &str) -> Result<Response> {
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
                        return Err(orchestrator::parse_error(r, what, None));
                    }
                }
                return outcome;
            }
            attempt += 1;
        }
    }

    /// Sleeps before retry number `attempt`; false when the deadline would pass first.
    async fn wait_before_retry(&self, attempt: u32, retry_after_ms: Option<u64>) -> bool {
        let wait = retry_after_ms.unwrap_or(BACKOFF_MS << (attempt - 1));
        // Keep at least a second for the retried request itself.
        if wait + 1000 >= self.remaining() {
            return false;
        }
        self.transport.sleep(wait).await;
        true
    }
}
