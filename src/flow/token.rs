//! Access tokens (cached per credentials, refreshed once when a cached one is refused),
//! the authenticated session a call sends its Orchestrator requests through, and the
//! Botpress callback token.

use std::cell::RefCell;

use super::call::{Call, Redactor};
use super::flight::Flights;
use super::BotpressEndpoint;
use crate::auth::{AccessToken, Auth};
use crate::config::{Connection, Conversation, JobSettings};
use crate::duration;
use crate::error::{Error, ErrorCode, Result};
use crate::http::{
    LocalTokenRequest, Method, Request, Response, Transport, DEFAULT_MAX_ANSWER_BYTES,
};
use crate::keyed::Keyed;
use crate::orchestrator::{Release, Scope};
use crate::secret::Secret;
use crate::types::Folder;
use crate::urlencode;

/// Cached tokens are dropped this long before they expire.
const TOKEN_MARGIN_MS: u64 = 60_000;

/// Orchestrator access tokens by credentials, reused until a minute before expiry;
/// concurrent calls that need the same token share one token request.
///
/// Shared by concurrent calls on one thread: every method borrows the map only for
/// its own duration, never across an `await`.
///
/// It also remembers resolved releases (`releaseCacheTtl`), so a warm start sends
/// StartJobs alone.
#[derive(Debug, Default)]
pub struct TokenCache {
    entries: RefCell<Keyed<(Secret, u64)>>,
    flights: Flights<(Secret, u64)>,
    releases: RefCell<Keyed<(Release, u64)>>,
    release_flights: Flights<Release>,
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

    /// What a resolved release is remembered under: connection, credentials, folder,
    /// process and version (each credential may see other releases), as the JSON text of
    /// a list, so that no two of them can spell the same key.
    pub(super) fn release_key(&self, s: &JobSettings) -> String {
        let c = &s.connection;
        let who = c.auth.cache_key(&c.orchestrator_url);
        let (path, id) = match &s.folder {
            Some(Folder::Path(p)) => (Some(p.as_str()), None),
            Some(Folder::Id(id)) => (None, Some(*id)),
            None => (None, None),
        };
        let key = serde_json::json!([
            c.orchestrator_url,
            who,
            path,
            id,
            s.process,
            s.process_version
        ]);
        crate::types::json_text(&key)
    }

    pub(super) fn release(&self, key: &str, now_ms: u64) -> Option<Release> {
        self.releases
            .borrow()
            .get(key)
            .filter(|(_, until)| *until > now_ms)
            .map(|(r, _)| r.clone())
    }

    pub(super) fn put_release(&self, key: String, release: Release, now_ms: u64, until_ms: u64) {
        let mut releases = self.releases.borrow_mut();
        releases.retain(|_, (_, until)| *until > now_ms);
        releases.insert(key, (release, until_ms));
    }

    pub(super) fn forget_release(&self, key: &str) {
        self.releases.borrow_mut().remove(key);
    }

    pub(super) fn release_flights(&self) -> &Flights<Release> {
        &self.release_flights
    }
}

/// A call's access to Orchestrator: its token, and the folder its requests are made in.
pub(super) struct Session<'c, 'a, T: Transport> {
    call: &'c Call<'a, T>,
    cache: &'c TokenCache,
    connection: &'c Connection,
    folder: Option<&'c Folder>,
    redactor: &'c Redactor,
    token: Secret,
    from_cache: bool,
}

impl<'c, 'a, T: Transport> Session<'c, 'a, T> {
    /// Gets a token (from the cache when there is one).
    pub(super) async fn open(
        call: &'c Call<'a, T>,
        cache: &'c TokenCache,
        connection: &'c Connection,
        folder: Option<&'c Folder>,
        redactor: &'c Redactor,
    ) -> Result<Self> {
        for s in connection.auth.secrets() {
            redactor.add(s);
        }
        let (token, from_cache) = access_token(call, cache, connection).await?;
        redactor.add(token.expose());
        Ok(Session {
            call,
            cache,
            connection,
            folder,
            redactor,
            token,
            from_cache,
        })
    }

    /// The folder of the call.
    pub(super) fn folder(&self) -> Option<&'c Folder> {
        self.folder
    }

    /// The call's clock, milliseconds.
    pub(super) fn now_ms(&self) -> u64 {
        self.call.transport.now_ms()
    }

    /// The request context: URL, token, tenant and folder headers.
    pub(super) fn scope(&self) -> Scope<'_> {
        Scope {
            base_url: &self.connection.orchestrator_url,
            token: &self.token,
            tenant: self.connection.tenant.as_deref(),
            folder: self.folder,
        }
    }

    /// After a 401 on a request that is not repeated on its own (StartJobs): when the
    /// token came from the cache, drops it and gets a new one. False when there is
    /// nothing better to try.
    pub(super) async fn refresh(&mut self) -> Result<bool> {
        if !self.from_cache {
            return Ok(false);
        }
        if let Some(key) = self
            .connection
            .auth
            .cache_key(&self.connection.orchestrator_url)
        {
            self.cache.remove(&key);
        }
        let (token, _) = access_token(self.call, self.cache, self.connection).await?;
        self.redactor.add(token.expose());
        self.token = token;
        self.from_cache = false;
        Ok(true)
    }

    /// Sends a request that is safe to repeat, with the retry rules of
    /// [`Call::send_retrying`]. A cached token can be revoked before its expiry: on a 401
    /// it is dropped, a new one fetched, and the request sent again, once.
    pub(super) async fn send(
        &mut self,
        build: impl Fn(&Scope<'_>) -> Request,
        what: &str,
    ) -> Result<Response> {
        let response = self.call.send_retrying(&build(&self.scope()), what).await?;
        if response.status != 401 || !self.refresh().await? {
            return Ok(response);
        }
        self.call.send_retrying(&build(&self.scope()), what).await
    }
}

/// A callback token for the conversation (API.md, `getBotpressToken`): issued in process
/// by the `uipath` module when it runs in this server, else asked of the bot's Botpress
/// server at `endpoint`.
pub async fn botpress_token<T: Transport>(
    transport: &T,
    endpoint: Option<&BotpressEndpoint>,
    conversation: &Conversation,
    seconds: u64,
    timeout_ms: u64,
) -> Result<Secret> {
    let call = Call::new(transport, timeout_ms, DEFAULT_MAX_ANSWER_BYTES);
    let secrets: Vec<&str> = endpoint
        .iter()
        .flat_map(|e| e.headers.iter().map(|(_, v)| v.expose()))
        .collect();
    callback_token(&call, endpoint, conversation, seconds)
        .await
        .map_err(|e| e.redact(&secrets))
}

/// A callback token: from the issuer the `uipath` module registered in this process (no
/// request, no server token), else from the module's token route at `endpoint`.
pub(super) async fn callback_token<T: Transport>(
    call: &Call<'_, T>,
    endpoint: Option<&BotpressEndpoint>,
    conversation: &Conversation,
    seconds: u64,
) -> Result<Secret> {
    let local = LocalTokenRequest {
        bot_id: &conversation.bot_id,
        channel: &conversation.channel,
        target: &conversation.target,
        thread_id: conversation.thread_id.as_deref(),
        seconds,
    };
    if let Some(issued) = call.transport.local_callback_token(&local).await {
        let t = issued.map_err(|why| {
            Error::new(
                ErrorCode::BotpressTokenFailed,
                format!("the uipath module of this server refused a callback token: {why}"),
            )
        })?;
        call.log("callback token issued in process by the uipath module");
        return Ok(t);
    }
    match endpoint {
        Some(endpoint) => fetch_botpress_token(call, endpoint, conversation, seconds).await,
        None => Err(Error::new(
            ErrorCode::BotpressTokenFailed,
            "bp.http.getAxiosConfigForBot is not available to ask Botpress for a callback token",
        )),
    }
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
        urlencode::query(&pairs)
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
    /// The token route's answer (ours and the original module's): `{ token }`.
    #[derive(serde::Deserialize)]
    struct TokenAnswer {
        token: String,
    }
    let answer = serde_json::from_str::<TokenAnswer>(&response.body)
        .ok()
        .map(|a| a.token);
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

/// A token for `connection`: from the cache, or freshly requested (and cached).
/// The flag says whether it came from the cache.
pub(super) async fn access_token<T: Transport>(
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
    let fetch = || async {
        let token = request_token(call, auth, &request).await?;
        Ok((token.token, token.expires_in))
    };
    let Some(k) = key else {
        return Ok((fetch().await?.0, false));
    };
    let (token, expires_in) = cache.flights.run(&k, fetch).await?;
    let until = now + (expires_in * 1000).saturating_sub(TOKEN_MARGIN_MS);
    cache.put(k, token.clone(), now, until);
    Ok((token, false))
}

/// Sends a token request (retried like a read) and reads the answer; no cache.
pub(super) async fn request_token<T: Transport>(
    call: &Call<'_, T>,
    auth: &Auth,
    request: &Request,
) -> Result<AccessToken> {
    let response = match call.send_retrying(request, "get an access token").await {
        Err(e) if e.code == ErrorCode::Network => {
            return Err(Error::new(
                ErrorCode::Network,
                format!("{}; check tokenUrl / orchestratorUrl", e.detail),
            ))
        }
        other => other?,
    };
    auth.parse_token_response(&response)
}
