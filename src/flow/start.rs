//! Starting jobs: token → release → callback token → StartJobs, with the retry rule
//! that never starts a job twice.

use super::call::{retry_after_ms, Call, Redactor, MAX_ATTEMPTS};
use super::token::{self, Session, TokenCache};
use super::BotpressEndpoint;
use crate::config::{Conversation, JobSettings};
use crate::error::{Error, ErrorCode, Result};
use crate::http::{Request, Response, Transport};
use crate::orchestrator::{self, Job, JobEntity, JobStart, Release, Scope};
use crate::secret::Secret;
use futures_util::future::join;
use serde_json::{Map, Value};

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
    let call = Call::new(
        transport,
        settings.timeout_ms,
        settings.connection.max_answer_bytes,
    );
    let redactor = super::redactor_hiding(botpress);
    let result = start_job_inner(
        &call,
        cache,
        settings,
        conversation,
        botpress,
        nonce,
        &redactor,
    )
    .await;
    redactor.apply(result)
}

async fn start_job_inner<T: Transport>(
    call: &Call<'_, T>,
    cache: &TokenCache,
    settings: &JobSettings,
    conversation: &Conversation,
    botpress: Option<&BotpressEndpoint>,
    nonce: &str,
    redactor: &Redactor,
) -> Result<JobStart> {
    let folder = settings.folder.as_ref();
    // The Orchestrator side (token, release) and the Botpress side (callback token) do
    // not depend on each other: both at once, one round trip instead of two.
    let orchestrator_side = async {
        let mut session =
            Session::open(call, cache, &settings.connection, folder, redactor).await?;
        let release = release(call, cache, &mut session, settings, false).await?;
        Ok::<_, Error>((session, release))
    };
    let botpress_side = callback_token(call, settings, conversation, botpress, redactor);
    let (orchestrator_side, botpress_side) = join(orchestrator_side, botpress_side).await;
    let (mut session, (mut release, from_cache)) = orchestrator_side?;
    let callback_token = botpress_side?;

    let reference = make_reference(&conversation.bot_id, nonce);
    let input = orchestrator::input_arguments(settings, conversation, callback_token.as_ref());
    let mut info = orchestrator::start_info(settings, &release, &input, &reference);
    let mut outcome = start_jobs(call, &session.scope(), &info, &reference).await;
    // A 401 started nothing: with a token from the cache (revoked early), once more.
    if matches!(&outcome, Err(e) if e.status == Some(401)) && session.refresh().await? {
        outcome = start_jobs(call, &session.scope(), &info, &reference).await;
    }
    let jobs = match outcome {
        // A remembered release that Orchestrator no longer has (deleted, or replaced by a
        // new version): resolve it again and start once more. A 404 started nothing.
        Err(e) if from_cache && e.status == Some(404) && e.uipath_error_code == Some(1002) => {
            call.log("the remembered release is gone; resolving it again");
            (release, _) = self::release(call, cache, &mut session, settings, true).await?;
            info = orchestrator::start_info(settings, &release, &input, &reference);
            start_jobs(call, &session.scope(), &info, &reference).await?
        }
        other => other?,
    };
    Ok(JobStart {
        release_key: release.key,
        process_key: release.process_key,
        process_version: release.process_version,
        reference,
        jobs,
        tracked: None,
        token_id: callback_token
            .as_ref()
            .and_then(|t| crate::jwt::token_id(t.expose())),
    })
}

/// The release to start: remembered for `releaseCacheTtl` per connection, credentials,
/// folder, process and version, else listed (concurrent calls share one listing). The
/// flag says whether it was remembered.
async fn release<T: Transport>(
    call: &Call<'_, T>,
    cache: &TokenCache,
    session: &mut Session<'_, '_, T>,
    settings: &JobSettings,
    fresh: bool,
) -> Result<(Release, bool)> {
    let key = cache.release_key(settings);
    let now = call.transport.now_ms();
    if fresh || settings.release_cache_ms == 0 {
        cache.forget_release(&key);
    } else if let Some(hit) = cache.release(&key, now) {
        return Ok((hit, true));
    }
    let found = cache
        .release_flights()
        .run(&key, || list_release(call, session, settings))
        .await?;
    if settings.release_cache_ms > 0 {
        cache.put_release(key, found.clone(), now, now + settings.release_cache_ms);
    }
    Ok((found, false))
}

/// Lists the releases of the process and chooses one; on a failure, the message names
/// what exists.
async fn list_release<T: Transport>(
    call: &Call<'_, T>,
    session: &mut Session<'_, '_, T>,
    settings: &JobSettings,
) -> Result<Release> {
    let folder = settings.folder.as_ref();
    let response = session
        .send(|s| s.releases_request(&settings.process), "list releases")
        .await?;
    let scope = session.scope();
    if !response.is_success() {
        let mut err = orchestrator::parse_error(&response, "list the releases", folder);
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
    Ok(release)
}

/// The robot's callback token, when the settings ask for one.
async fn callback_token<T: Transport>(
    call: &Call<'_, T>,
    settings: &JobSettings,
    conversation: &Conversation,
    botpress: Option<&BotpressEndpoint>,
    redactor: &Redactor,
) -> Result<Option<Secret>> {
    let Some(seconds) = settings.botpress_token_seconds else {
        return Ok(None);
    };
    let t = token::callback_token(call, botpress, conversation, seconds)
        .await
        .map_err(|mut e| {
            if botpress.is_none() {
                e.detail += "; pass botpressToken: false to start the job without one";
            }
            e
        })?;
    redactor.add(t.expose());
    Ok(Some(t))
}

/// StartJobs with the retry rules of this module's header.
async fn start_jobs<T: Transport>(
    call: &Call<'_, T>,
    scope: &Scope<'_>,
    info: &orchestrator::StartInfo,
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
            Ok(r) if r.is_success() => return jobs_of(r, "StartJobs"),
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
                    let jobs = jobs_of(&r, "Jobs")?;
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

/// The jobs of a StartJobs or `Jobs` answer.
fn jobs_of(response: &Response, what: &str) -> Result<Vec<Job>> {
    let entities: Vec<JobEntity> = orchestrator::parse_collection(response, what)?;
    Ok(entities.into_iter().map(Job::from).collect())
}

/// `; found: A, B` from a listing, or nothing if the listing fails (it only improves a message).
pub(super) async fn suggest<T: Transport>(
    call: &Call<'_, T>,
    request: &Request,
    field: &str,
) -> String {
    let Ok(response) = call.send_once(request).await else {
        return String::new();
    };
    if !response.is_success() {
        return String::new();
    }
    let Ok(rows) = orchestrator::parse_collection::<Map<String, Value>>(&response, field) else {
        return String::new();
    };
    // Orchestrator's names are outside text: escaped, so none can break a log line.
    let mut names: Vec<String> = rows
        .iter()
        .filter_map(|r| r.get(field).and_then(|v| v.as_str()))
        .map(|n| crate::quote::escape(n, 100))
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
