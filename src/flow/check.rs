//! `botpress-uipath check` (API.md, "Checking a configuration"): one step after another,
//! each saying what it found, stopping at the first failure. It reads; it never starts,
//! stops or changes anything in Orchestrator.

use serde::Serialize;
use serde_json::{Map, Value};

use super::call::{Call, Redactor};
use super::start::suggest;
use super::token::request_token;
use crate::auth::Auth;
use crate::config::JobSettings;
use crate::error::{Error, ErrorCode, Result};
use crate::http::Transport;
use crate::module::{JobEndSettings, RouteSettings, TaskSettings};
use crate::orchestrator::{self, Release, Scope};
use crate::types::Folder;

/// The scopes the package's calls need, and what fails without each.
const NEEDED_SCOPES: [(&str, &str); 3] = [
    ("OR.Jobs", "starting, reading and stopping jobs"),
    ("OR.Execution.Read", "finding the process's release"),
    ("OR.Folders.Read", "finding folders by path"),
];

/// One step of the check.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Step {
    /// `settings`, `token`, `folder`, `process`, `module`.
    pub name: &'static str,
    /// Whether it passed (a step with warnings passes).
    pub ok: bool,
    /// What it found, or what to change.
    pub detail: String,
    /// The error code of API.md, on a failure.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<&'static str>,
    /// What works but should be changed.
    pub warnings: Vec<String>,
}

/// The whole check: `ok` when every step passed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CheckReport {
    /// Every step passed.
    pub ok: bool,
    /// The steps run, in order; the last one failed when `ok` is false.
    pub steps: Vec<Step>,
}

/// What is checked: the module config (merged as Botpress merges it) and what the
/// command line adds.
#[derive(Debug, Clone, Default)]
pub struct CheckInput {
    /// The module config.
    pub config: Value,
    /// A process key or name when the config has none (`--process`).
    pub process: Option<String>,
    /// The Botpress external URL (`EXTERNAL_URL` or `--external-url`), when the config
    /// has no `externalUrl`.
    pub external_url: Option<String>,
}

/// Runs the steps against the connection of `input.config`.
pub async fn check<T: Transport>(transport: &T, input: &CheckInput) -> CheckReport {
    let mut steps = Vec::new();
    let redactor = Redactor::default();
    if let Err(failed) = run(transport, input, &mut steps, &redactor).await {
        let error = redactor.redact(failed.error);
        steps.push(Step {
            name: failed.step,
            ok: false,
            detail: error.detail,
            code: Some(error.code.as_str()),
            warnings: Vec::new(),
        });
    }
    CheckReport {
        ok: steps.iter().all(|s| s.ok),
        steps,
    }
}

/// A failed step: its name and the error.
struct Failed {
    step: &'static str,
    error: Error,
}

impl Failed {
    fn at(step: &'static str) -> impl Fn(Error) -> Failed {
        move |error| Failed { step, error }
    }
}

async fn run<T: Transport>(
    transport: &T,
    input: &CheckInput,
    steps: &mut Vec<Step>,
    redactor: &Redactor,
) -> Result<(), Failed> {
    let ok = |name, detail: String, warnings: Vec<String>| Step {
        name,
        ok: true,
        detail,
        code: None,
        warnings,
    };
    // settings
    let mut config = input.config.clone();
    if let (Some(p), Some(obj)) = (&input.process, config.as_object_mut()) {
        obj.insert("processKey".into(), Value::String(p.clone()));
    }
    let settings = JobSettings::parse(&config, &Value::Null).map_err(|e| {
        let mut e = e;
        if e.detail == "processKey is missing" {
            e.detail
                .push_str(": give processKey in the config, or --process NAME");
        }
        Failed::at("settings")(e)
    })?;
    let connection = &settings.connection;
    for s in connection.auth.secrets() {
        redactor.add(s);
    }
    let folder_text = settings
        .folder
        .as_ref()
        .map(|f| format!("folder {f}"))
        .unwrap_or_else(|| "no folder".into());
    steps.push(ok(
        "settings",
        format!(
            "{} with {}, {folder_text}, process \"{}\"",
            connection.orchestrator_url,
            auth_kind(&connection.auth),
            settings.process
        ),
        Vec::new(),
    ));

    // token: asked afresh, so a wrong secret shows even when a token was cached.
    let call = Call::new(
        transport,
        settings.timeout_ms,
        settings.connection.max_answer_bytes,
    );
    let (token, detail, warnings) =
        match connection.auth.token_request(&connection.orchestrator_url) {
            None => match &connection.auth {
                Auth::AccessToken(t) => (
                    t.clone(),
                    "an access token is given; the next steps use it".to_string(),
                    Vec::new(),
                ),
                _ => {
                    return Err(Failed::at("token")(Error::config(
                        "auth has no way to get a token",
                    )))
                }
            },
            Some(request) => {
                let got = request_token(&call, &connection.auth, &request)
                    .await
                    .map_err(Failed::at("token"))?;
                redactor.add(got.token.expose());
                let (scope_text, warnings) = scopes(got.scope.as_deref());
                (
                    got.token,
                    format!(
                        "{} accepted the credentials; {scope_text}",
                        request.describe()
                    ),
                    warnings,
                )
            }
        };
    steps.push(ok("token", detail, warnings));
    let scope = Scope {
        base_url: &connection.orchestrator_url,
        token: &token,
        tenant: connection.tenant.as_deref(),
        folder: settings.folder.as_ref(),
    };

    // folder
    match &settings.folder {
        None => steps.push(ok(
            "folder",
            "no folder given: calls are made without a folder header (classic folders)".into(),
            Vec::new(),
        )),
        Some(folder) => steps.push(folder_step(&call, &scope, folder).await?),
    }

    // process
    let response = call
        .send_retrying(&scope.releases_request(&settings.process), "list releases")
        .await
        .map_err(Failed::at("process"))?;
    if !response.is_success() {
        let mut err =
            orchestrator::parse_error(&response, "list the releases", settings.folder.as_ref());
        if err.code == ErrorCode::FolderNotFound {
            err.detail.push_str(
                &suggest(&call, &scope.folder_names_request(), "FullyQualifiedName").await,
            );
        }
        return Err(Failed::at("process")(err));
    }
    let releases: Vec<Release> =
        orchestrator::parse_collection(&response, "Releases").map_err(Failed::at("process"))?;
    let release = match orchestrator::choose_release(
        &releases,
        &settings.process,
        settings.process_version.as_deref(),
        settings.folder.as_ref(),
    ) {
        Ok(r) => r,
        Err(mut err) => {
            if releases.is_empty() {
                err.detail
                    .push_str(&suggest(&call, &scope.release_names_request(), "ProcessKey").await);
            }
            return Err(Failed::at("process")(err));
        }
    };
    steps.push(ok(
        "process",
        format!(
            "release \"{}\" runs {} {} (key {})",
            release.name, release.process_key, release.process_version, release.key
        ),
        Vec::new(),
    ));

    // queue, when the config names one
    let queue_name = input
        .config
        .get("queueName")
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|q| !q.is_empty());
    if let Some(queue_name) = queue_name {
        let step = super::check_queue::queue_step(
            &call,
            connection,
            settings.folder.as_ref(),
            queue_name,
            redactor,
        )
        .await
        .map_err(Failed::at("queue"))?;
        steps.push(step);
    }

    // module
    steps.push(
        module_step(&input.config, input.external_url.as_deref()).map_err(Failed::at("module"))?,
    );
    Ok(())
}

async fn folder_step<T: Transport>(
    call: &Call<'_, T>,
    scope: &Scope<'_>,
    folder: &Folder,
) -> Result<Step, Failed> {
    let fail = Failed::at("folder");
    let response = call
        .send_retrying(&scope.folder_lookup_request(folder), "look the folder up")
        .await
        .map_err(&fail)?;
    if response.status == 403 {
        return Ok(Step {
            name: "folder",
            ok: true,
            detail: format!("folder {folder} not looked up: the credentials may not list folders"),
            code: None,
            warnings: vec![
                "OR.Folders.Read is missing: the process step checks the folder instead".into(),
            ],
        });
    }
    if !response.is_success() {
        return Err(fail(orchestrator::parse_error(
            &response,
            "look the folder up",
            Some(folder),
        )));
    }
    let rows: Vec<Map<String, Value>> =
        orchestrator::parse_collection(&response, "Folders").map_err(&fail)?;
    match rows
        .first()
        .and_then(|r| r.get("Id"))
        .and_then(Value::as_i64)
    {
        Some(id) => Ok(Step {
            name: "folder",
            ok: true,
            detail: format!("folder {folder} found (id {id})"),
            code: None,
            warnings: Vec::new(),
        }),
        None => {
            let found = suggest(call, &scope.folder_names_request(), "FullyQualifiedName").await;
            Err(fail(Error::new(
                ErrorCode::FolderNotFound,
                format!("folder {folder} does not exist or these credentials cannot see it{found}"),
            )))
        }
    }
}

/// The module's own settings: route limits parse, the callback secret, the external URL
/// robots call back to, and how job ends are heard (webhook secret, polling).
fn module_step(config: &Value, external_url: Option<&str>) -> Result<Step> {
    RouteSettings::parse(config)?;
    let ends = JobEndSettings::parse(config)?;
    if ends.webhook_secret_too_short {
        return Err(Error::config(
            "webhookSecret is shorter than 16 characters, so it counts as none (the webhook refuses every call): use a long random string",
        ));
    }
    let mut warnings = Vec::new();
    let secret = match config.get("callbackSecret").and_then(Value::as_str) {
        Some(s) if !s.trim().is_empty() => "callbackSecret is set",
        _ => "callback tokens are signed with a key derived from the server's APP_SECRET",
    };
    let url = config
        .get("externalUrl")
        .and_then(Value::as_str)
        .filter(|u| !u.trim().is_empty())
        .or(external_url)
        .ok_or_else(|| {
            Error::config("externalUrl is not set: robots cannot call back; set the Botpress server's EXTERNAL_URL (or externalUrl, or --external-url)")
        })?;
    let parsed = crate::fields::url("externalUrl", &Value::String(url.to_string()))?;
    let host = parsed
        .split("://")
        .nth(1)
        .unwrap_or_default()
        .split(['/', ':'])
        .next()
        .unwrap_or_default();
    let loopback = host == "localhost" || host.starts_with("127.") || host == "[";
    if parsed.starts_with("http://") && !loopback {
        warnings.push(format!(
            "externalUrl {parsed} is plain http: callback tokens cross the network unencrypted; use https"
        ));
    }
    let heard = job_ends_heard(&ends, &parsed, &mut warnings);
    warnings.extend(task_look_warning(&TaskSettings::parse(config)?, &ends));
    Ok(Step {
        name: "module",
        ok: true,
        detail: format!("robots call back to {parsed}; {secret}; {heard}"),
        code: None,
        warnings,
    })
}

/// A warning when the look for robots' questions takes half of `pollBudget` or more
/// (its reads are set aside from the job and queue-item pollers').
fn task_look_warning(tasks: &TaskSettings, ends: &JobEndSettings) -> Option<String> {
    tasks.catalog.as_ref()?;
    let ms = tasks.poll_interval_ms?;
    let reads = super::reads_a_minute(Some(ms));
    (reads * 2 >= ends.poll_budget).then(|| {
        format!(
            "taskPollInterval {ms} ms takes {reads} of pollBudget's {} filtered reads a minute, leaving {} for job and queue-item ends: lengthen taskPollInterval (a robot's nudge is heard at once anyway) or raise pollBudget (UiPath allows 100)",
            ends.poll_budget,
            ends.poll_budget.saturating_sub(reads).max(1)
        )
    })
}

/// How job ends reach conversations, with a warning for each way that is off.
fn job_ends_heard(ends: &JobEndSettings, external_url: &str, warnings: &mut Vec<String>) -> String {
    let webhook = format!("{external_url}/api/v1/bots/___/mod/uipath/webhook");
    let polling = ends
        .poll_interval_ms
        .map(|ms| format!("polled every {} s", ms / 1000));
    match (&ends.webhook_secret, &polling) {
        (None, Some(p)) => warnings.push(format!(
            "webhookSecret is not set: the webhook refuses Orchestrator's calls, so job ends are only {p}"
        )),
        (None, None) => warnings.push(
            "job ends are not heard: webhookSecret is not set and pollInterval is false".into(),
        ),
        _ => {}
    }
    let by_webhook = ends
        .webhook_secret
        .as_ref()
        .map(|_| format!("job ends by webhook at {webhook}"));
    match (by_webhook, polling) {
        (Some(w), Some(p)) => format!("{w}, and {p}"),
        (Some(w), None) => w,
        (None, Some(p)) => format!("job ends {p}"),
        (None, None) => "job ends are not heard".into(),
    }
}

fn auth_kind(auth: &Auth) -> &'static str {
    match auth {
        Auth::ClientCredentials { .. } => "client credentials",
        Auth::RefreshToken { .. } => "a refresh token",
        Auth::Password { .. } => "a user and password",
        Auth::AccessToken(_) => "an access token",
    }
}

/// `scopes: …` and a warning per needed scope that is missing.
fn scopes(granted: Option<&str>) -> (String, Vec<String>) {
    let Some(granted) = granted else {
        return (
            "the token endpoint did not list the scopes granted".into(),
            Vec::new(),
        );
    };
    let have: Vec<&str> = granted.split_whitespace().collect();
    let warnings = NEEDED_SCOPES
        .iter()
        .filter(|(s, _)| !have.contains(s))
        .map(|(s, what)| format!("scope {s} is missing: {what} will fail"))
        .collect();
    (format!("scopes: {granted}"), warnings)
}
