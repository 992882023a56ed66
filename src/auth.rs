//! The four ways to get an Orchestrator access token (`shared/uipath-api.md`,
//! "Authentication"), each as a pure request builder and a pure answer parser.

use base64::Engine;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::{Error, ErrorCode, Result};
use crate::fields::{self, Layers};
use crate::http::{Method, Request, Response};
use crate::secret::Secret;

/// The client id of the original Botpress docs' refresh-token flow.
pub const LEGACY_CLIENT_ID: &str = "5v7PmPJL6FOGu6RB8I1Y4adLBhIwovQN";
/// Where the legacy refresh-token flow asks for tokens.
pub const LEGACY_TOKEN_URL: &str = "https://account.uipath.com/oauth/token";
/// Scopes asked for by default: read releases and folders, start jobs.
pub const DEFAULT_SCOPE: &str = "OR.Execution.Read OR.Jobs OR.Folders.Read";

/// How to authenticate, parsed once from the settings.
#[derive(Debug, Clone, PartialEq)]
pub enum Auth {
    /// External application, `grant_type=client_credentials` (Automation Cloud, on-prem identity).
    ClientCredentials {
        /// Application id.
        client_id: String,
        /// Application secret.
        client_secret: Secret,
        /// Space-separated scopes.
        scope: String,
        /// Identity server token endpoint.
        token_url: String,
    },
    /// Legacy `grant_type=refresh_token` against account.uipath.com.
    RefreshToken {
        /// Client id (the seed's fixed one by default).
        client_id: String,
        /// The user's refresh token.
        refresh_token: Secret,
        /// Token endpoint.
        token_url: String,
    },
    /// On-premises `POST /api/Account/Authenticate`.
    Password {
        /// Orchestrator tenant name.
        tenancy_name: String,
        /// User name or e-mail address.
        username: String,
        /// Password.
        password: Secret,
    },
    /// A bearer token the caller already has.
    AccessToken(Secret),
}

impl Auth {
    /// Reads `auth` (object or JSON string) and the flat seed-style fields, args before
    /// module config, field by field. The first complete mode wins, in the order
    /// access token, client credentials, refresh token, password.
    ///
    /// `base_origin` is the origin used for the client-credentials token URL default.
    pub fn parse(layers: &Layers<'_>, base_origin: &str, tenant: Option<&str>) -> Result<Auth> {
        let sources = layers.nested("auth")?;
        let get = |names: &[&str]| -> Result<Option<String>> {
            for source in &sources {
                for name in names {
                    if let Some(v) = fields::present(source.get(*name)) {
                        return fields::string(&format!("auth.{name}"), v).map(Some);
                    }
                }
            }
            Ok(None)
        };
        let token_url = match layers.get(&["tokenUrl"]) {
            Some((name, v)) => Some(fields::url(name, v)?),
            None => match get(&["tokenUrl"])? {
                Some(u) => Some(fields::url("auth.tokenUrl", &Value::String(u))?),
                None => None,
            },
        };

        // A secret too short to find in a message could not be kept out of one.
        let get_secret = |names: &[&str], field: &str| -> Result<Option<String>> {
            let value = get(names)?;
            if let Some(v) = &value {
                if v.chars().count() < crate::error::MIN_SECRET_CHARS {
                    return Err(Error::config(format!(
                        "{field} is too short: a secret needs at least {} characters",
                        crate::error::MIN_SECRET_CHARS
                    )));
                }
            }
            Ok(value)
        };
        if let Some(token) = get_secret(&["accessToken"], "auth.accessToken")? {
            return Ok(Auth::AccessToken(Secret::new(token)));
        }
        let client_id = get(&["clientId", "client_id"])?;
        if let Some(secret) = get_secret(&["clientSecret", "client_secret"], "auth.clientSecret")? {
            let client_id = client_id.ok_or_else(|| Error::config("auth.clientId is missing"))?;
            return Ok(Auth::ClientCredentials {
                client_id,
                client_secret: Secret::new(secret),
                scope: get(&["scope"])?.unwrap_or_else(|| DEFAULT_SCOPE.to_string()),
                token_url: token_url
                    .unwrap_or_else(|| format!("{base_origin}/identity_/connect/token")),
            });
        }
        if let Some(refresh) = get_secret(&["refreshToken", "refresh_token"], "auth.refreshToken")?
        {
            return Ok(Auth::RefreshToken {
                client_id: client_id.unwrap_or_else(|| LEGACY_CLIENT_ID.to_string()),
                refresh_token: Secret::new(refresh),
                token_url: token_url.unwrap_or_else(|| LEGACY_TOKEN_URL.to_string()),
            });
        }
        let username = get(&["username", "usernameOrEmailAddress"])?;
        let password = get_secret(&["password"], "auth.password")?;
        match (username, password) {
            (Some(username), Some(password)) => Ok(Auth::Password {
                tenancy_name: get(&["tenancyName"])?
                    .or_else(|| tenant.map(str::to_string))
                    .unwrap_or_else(|| "Default".to_string()),
                username,
                password: Secret::new(password),
            }),
            (Some(_), None) => Err(Error::config("auth.password is missing")),
            (None, Some(_)) => Err(Error::config("auth.username is missing")),
            (None, None) if client_id.is_some() => Err(Error::config(
                "auth.clientSecret is missing (or give auth.refreshToken for the legacy flow)",
            )),
            (None, None) => Err(Error::config(
                "auth is missing: give auth.clientId + auth.clientSecret (external application), \
                 auth.refreshToken, auth.username + auth.password (on-premises) or auth.accessToken",
            )),
        }
    }

    /// The secret values, for scrubbing messages.
    pub fn secrets(&self) -> Vec<&str> {
        match self {
            Auth::ClientCredentials { client_secret, .. } => vec![client_secret.expose()],
            Auth::RefreshToken { refresh_token, .. } => vec![refresh_token.expose()],
            Auth::Password { password, .. } => vec![password.expose()],
            Auth::AccessToken(t) => vec![t.expose()],
        }
    }

    /// A key that tells cached tokens apart: endpoint and identity, never the secret itself
    /// in clear (a changed secret gets its own entry through its hash).
    pub fn cache_key(&self, orchestrator_url: &str) -> Option<String> {
        use sha2::{Digest, Sha256};
        let (endpoint, who, secret) = match self {
            Auth::ClientCredentials {
                client_id,
                client_secret,
                scope,
                token_url,
            } => (
                token_url.as_str(),
                format!("{client_id} {scope}"),
                client_secret,
            ),
            Auth::RefreshToken {
                client_id,
                refresh_token,
                token_url,
            } => (token_url.as_str(), client_id.clone(), refresh_token),
            Auth::Password {
                tenancy_name,
                username,
                password,
            } => (
                orchestrator_url,
                format!("{tenancy_name}/{username}"),
                password,
            ),
            Auth::AccessToken(_) => return None,
        };
        let digest = Sha256::digest(secret.expose().as_bytes());
        let hash = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&digest[..8]);
        Some(format!("{endpoint} {who} {hash}"))
    }

    /// The request that exchanges the credentials for an access token, or `None` when
    /// the caller already gave one.
    pub fn token_request(&self, orchestrator_url: &str) -> Option<Request> {
        match self {
            Auth::ClientCredentials {
                client_id,
                client_secret,
                scope,
                token_url,
            } => Some(
                Request::new(Method::Post, token_url.as_str())
                    .header("Accept", "application/json")
                    .form(&[
                        ("grant_type", "client_credentials"),
                        ("client_id", client_id),
                        ("client_secret", client_secret.expose()),
                        ("scope", scope),
                    ]),
            ),
            Auth::RefreshToken {
                client_id,
                refresh_token,
                token_url,
            } => Some(
                Request::new(Method::Post, token_url.as_str())
                    .header("Accept", "application/json")
                    .json(&RefreshTokenBody {
                        grant_type: "refresh_token",
                        client_id,
                        refresh_token: refresh_token.expose(),
                    }),
            ),
            Auth::Password {
                tenancy_name,
                username,
                password,
            } => Some(
                Request::new(
                    Method::Post,
                    format!("{orchestrator_url}/api/Account/Authenticate"),
                )
                .header("Accept", "application/json")
                .json(&AuthenticateBody {
                    tenancy_name,
                    username_or_email_address: username,
                    password: password.expose(),
                }),
            ),
            Auth::AccessToken(_) => None,
        }
    }

    /// Reads the token endpoint's answer: the token and how long it lives, in seconds.
    pub fn parse_token_response(&self, response: &Response) -> Result<AccessToken> {
        if let Auth::Password {
            tenancy_name,
            username,
            ..
        } = self
        {
            let body: TokenAnswer = serde_json::from_str(&response.body).unwrap_or_default();
            let token = body
                .result
                .as_ref()
                .and_then(Value::as_str)
                .map(str::to_string);
            return match (response.is_success(), body.success, token) {
                (true, Some(true), Some(token)) => Ok(AccessToken {
                    token: Secret::new(token),
                    // Orchestrator's classic tokens live 30 minutes unless configured otherwise.
                    expires_in: 30 * 60,
                    scope: None,
                }),
                _ => {
                    let why = body
                        .error
                        .as_ref()
                        .and_then(|e| e.get("message"))
                        .and_then(Value::as_str)
                        .map(|m| crate::quote::quote(m, 200))
                        .unwrap_or_else(|| format!("HTTP {}", response.status));
                    Err(Error::new(
                        ErrorCode::AuthFailed,
                        format!(
                            "Orchestrator refused user {} in tenant {}: {why}; check auth.username, auth.password and auth.tenancyName",
                            crate::quote::quote(username, 100),
                            crate::quote::quote(tenancy_name, 100)
                        ),
                    )
                    .with_status(response.status))
                }
            };
        }
        let body: TokenAnswer = serde_json::from_str(&response.body).unwrap_or_default();
        match (response.is_success(), body.access_token) {
            (true, Some(token)) => Ok(AccessToken {
                token: Secret::new(token),
                expires_in: body.expires_in.and_then(|v| v.as_u64()).unwrap_or(3600),
                scope: body.scope,
            }),
            _ => {
                let code = body
                    .error
                    .as_ref()
                    .and_then(Value::as_str)
                    .map(|e| crate::quote::escape(e, 60))
                    .unwrap_or_else(|| format!("HTTP {}", response.status));
                let hint = match (self, code.as_str()) {
                    (Auth::ClientCredentials { .. }, "invalid_scope") => {
                        "check auth.scope against the external application's scopes"
                    }
                    (Auth::ClientCredentials { .. }, _) => {
                        "check auth.clientId and auth.clientSecret (and tokenUrl)"
                    }
                    (_, _) => "check auth.refreshToken and auth.clientId",
                };
                let description = body
                    .error_description
                    .map(|d| format!(" ({})", crate::quote::quote(&d, 200)))
                    .unwrap_or_default();
                Err(Error::new(
                    ErrorCode::AuthFailed,
                    format!("the token endpoint answered {code}{description}; {hint}"),
                )
                .with_status(response.status))
            }
        }
    }
}

/// The JSON body of the legacy refresh-token flow.
#[derive(Serialize)]
struct RefreshTokenBody<'a> {
    grant_type: &'a str,
    client_id: &'a str,
    refresh_token: &'a str,
}

/// The JSON body of on-premises `/api/Account/Authenticate`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct AuthenticateBody<'a> {
    tenancy_name: &'a str,
    username_or_email_address: &'a str,
    password: &'a str,
}

/// An access token and its lifetime in seconds.
#[derive(Debug, Clone, PartialEq)]
pub struct AccessToken {
    /// The bearer token.
    pub token: Secret,
    /// Seconds it stays valid from when it was issued.
    pub expires_in: u64,
    /// The scopes granted, when the token endpoint says (OAuth `scope`).
    pub scope: Option<String>,
}

/// A token endpoint's answer, success or error, in any of the two shapes: OAuth's
/// (RFC 6749, 5.1 and 5.2: `access_token`, `expires_in`, `scope`, or `error` and
/// `error_description`) and `/api/Account/Authenticate`'s ABP one (`result`,
/// `success`, `error: { message }`). One struct reads both.
#[derive(Debug, Default, Deserialize)]
struct TokenAnswer {
    access_token: Option<String>,
    /// A number; some servers write it as a string, which counts as absent.
    expires_in: Option<Value>,
    scope: Option<String>,
    /// OAuth: a code (text). ABP: `{ message, details }`.
    error: Option<Value>,
    error_description: Option<String>,
    result: Option<Value>,
    success: Option<bool>,
}

#[cfg(test)]
mod tests;
