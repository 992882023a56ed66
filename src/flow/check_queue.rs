//! The check's queue step (`botpress-uipath check`, the module's check route): when the
//! module config names a `queueName`, the queue is looked up (`GET QueueDefinitions`,
//! with a token asked afresh for the queue scopes) and the step says whether the token's
//! scopes allow adding items to it. It reads only.

use serde::Deserialize;

use super::call::{Call, Redactor};
use super::check::Step;
use super::start::suggest;
use super::token::request_token;
use crate::auth::Auth;
use crate::config::Connection;
use crate::error::{Error, ErrorCode, Result};
use crate::http::Transport;
use crate::odata;
use crate::orchestrator::{self, Scope};
use crate::types::Folder;
use crate::urlencode;

/// The scopes that let a token add queue items.
const ADDING_SCOPES: [&str; 2] = ["OR.Queues", "OR.Queues.Write"];

/// A queue as `GET QueueDefinitions` lists it.
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct QueueDefinition {
    id: i64,
    name: String,
    #[serde(default)]
    enforce_unique_reference: bool,
    #[serde(default)]
    max_number_of_retries: i64,
}

/// The queue step for `queue_name` in `folder`.
pub(super) async fn queue_step<T: Transport>(
    call: &Call<'_, T>,
    connection: &Connection,
    folder: Option<&Folder>,
    queue_name: &str,
    redactor: &Redactor,
) -> Result<Step> {
    let connection = connection.clone().for_queues();
    let (token, granted) = match connection.auth.token_request(&connection.orchestrator_url) {
        None => match &connection.auth {
            Auth::AccessToken(t) => (t.clone(), None),
            _ => return Err(Error::config("auth has no way to get a token")),
        },
        Some(request) => {
            let got = request_token(call, &connection.auth, &request).await?;
            redactor.add(got.token.expose());
            (got.token, got.scope)
        }
    };
    let scope = Scope {
        base_url: &connection.orchestrator_url,
        token: &token,
        tenant: connection.tenant.as_deref(),
        folder,
    };
    let filter = format!("Name eq {}", odata::literal(queue_name));
    let q = urlencode::query(&[
        ("$filter", &filter),
        (
            "$select",
            "Id,Name,EnforceUniqueReference,MaxNumberOfRetries",
        ),
    ]);
    let request = scope.request(crate::http::Method::Get, &format!("QueueDefinitions?{q}"));
    let response = call.send_retrying(&request, "look the queue up").await?;
    if !response.is_success() {
        return Err(orchestrator::queue_error(
            &response,
            "look the queue up",
            Some(queue_name),
            None,
            folder,
        ));
    }
    let found: Vec<QueueDefinition> =
        orchestrator::parse_collection(&response, "QueueDefinitions")?;
    let Some(queue) = found
        .into_iter()
        .find(|d| d.name.eq_ignore_ascii_case(queue_name))
    else {
        let names_request = scope.request(
            crate::http::Method::Get,
            &format!(
                "QueueDefinitions?{}",
                urlencode::query(&[("$select", "Name"), ("$top", "50")])
            ),
        );
        let in_folder = folder
            .map(|f| format!(" in folder {f}"))
            .unwrap_or_default();
        return Err(Error::new(
            ErrorCode::QueueNotFound,
            format!(
                "no queue named {}{in_folder}, or these credentials cannot see it{}",
                crate::quote::quote(queue_name, 60),
                suggest(call, &names_request, "Name").await
            ),
        ));
    };
    let mut warnings = Vec::new();
    let may_add = match &granted {
        Some(scopes) => {
            let ok = scopes.split(' ').any(|s| ADDING_SCOPES.contains(&s));
            if !ok {
                warnings.push(format!(
                    "the token's scopes ({}) do not allow adding queue items: grant OR.Queues or OR.Queues.Write to the external application",
                    crate::quote::escape(scopes, 200)
                ));
            }
            if ok { "the token's scopes allow adding items" } else { "the token's scopes do not allow adding items" }
        }
        None => "whether the credentials may add items shows at the first add (their scopes are not known)",
    };
    Ok(Step {
        name: "queue",
        ok: true,
        detail: format!(
            "queue {} found (id {}; {}; {} automatic retr{}); {may_add}",
            crate::quote::quote(&queue.name, 60),
            queue.id,
            if queue.enforce_unique_reference {
                "unique references"
            } else {
                "references may repeat"
            },
            queue.max_number_of_retries,
            if queue.max_number_of_retries == 1 {
                "y"
            } else {
                "ies"
            }
        ),
        code: None,
        warnings,
    })
}
