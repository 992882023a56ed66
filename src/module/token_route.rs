//! `GET /api/v1/bots/{botId}/mod/uipath/auth/token`: a callback token for one bot, bound
//! to the conversation the query names, for a caller who may act on that bot.

use serde_json::{json, Value};

use super::log::quote;
use super::reply::Reply;
use super::settings::RouteSettings;
use super::ALL_BOTS;
use crate::duration;
use crate::error::Result;
use crate::fields;
use crate::jwt::{self, CallbackClaims, CALLBACK_AUDIENCE};

/// Botpress's own identity behind `bp.http.getAxiosConfigForBot` (`SERVER_USER` in
/// `core/security/auth-service.ts`): the bot's server asking for itself.
pub const SERVER_USER: &str = "server::modules";

/// The caller as Botpress authenticated them, and what the backend looked up about the
/// bot's workspace (`bp.workspaces`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Caller {
    /// `req.tokenUser.email`.
    pub email: String,
    /// `req.tokenUser.strategy`.
    pub strategy: String,
    /// `req.tokenUser.isSuperAdmin`.
    pub is_super_admin: bool,
    /// The workspace the request named (`X-BP-Workspace`), if any.
    pub claimed_workspace: Option<String>,
    /// The workspace that owns the bot, if the SDK could tell.
    pub bot_workspace: Option<String>,
    /// The `(email, strategy)` of that workspace's members.
    pub bot_workspace_members: Vec<(String, String)>,
}

impl Caller {
    /// Botpress v12 checks a collaborator's permission in the workspace the request
    /// *names*, not in the bot's own, so a member of workspace A could ask for a token of
    /// a bot of workspace B. Only the server itself, super-admins and members of the bot's
    /// workspace may.
    fn may_act_on(&self, bot_id: &str) -> Result<(), Reply> {
        if self.email == SERVER_USER || self.is_super_admin {
            return Ok(());
        }
        let Some(owner) = &self.bot_workspace else {
            return Err(Reply::forbidden(&format!(
                "the workspace of bot {} could not be determined",
                quote(bot_id, 60)
            )));
        };
        if let Some(claimed) = &self.claimed_workspace {
            if claimed != owner {
                return Err(Reply::forbidden(&format!(
                    "bot {} is not in workspace {}",
                    quote(bot_id, 60),
                    quote(claimed, 60)
                )));
            }
        }
        let member = self
            .bot_workspace_members
            .iter()
            .any(|(e, s)| e.eq_ignore_ascii_case(&self.email) && *s == self.strategy);
        if member {
            Ok(())
        } else {
            Err(Reply::forbidden(&format!(
                "{} is not a member of the workspace of bot {}",
                quote(&self.email, 80),
                quote(bot_id, 60)
            )))
        }
    }
}

/// One token request, as the backend read it.
#[derive(Debug, Clone, Copy)]
pub struct TokenRequest<'a> {
    /// The bot of the URL.
    pub bot_id: &'a str,
    /// The query: `expiresIn`, `channel`, `target`, `threadId`.
    pub query: &'a Value,
    /// Who asks.
    pub caller: &'a Caller,
    /// The clock, seconds since the epoch.
    pub now_seconds: u64,
    /// A fresh random token id.
    pub jti: &'a str,
    /// A fresh random id that a 500 answer names.
    pub request_id: &'a str,
}

/// Issues a token for the request's bot, bound to the `channel`, `target` and `threadId` of the
/// query when given, living `expiresIn` (default `defaultExpiresIn`) capped by
/// `maxExpiresIn`; a capped lifetime is said in the reply's log line.
pub fn issue_token(settings: &RouteSettings, key: &[u8], request: &TokenRequest<'_>) -> Reply {
    let TokenRequest {
        bot_id,
        query,
        caller,
        now_seconds,
        jti,
        request_id,
    } = *request;
    if key.is_empty() {
        return Reply::no_secret(request_id);
    }
    if bot_id.is_empty() || bot_id == ALL_BOTS {
        return Reply::bad_request(
            "a callback token is issued for one bot: use /api/v1/bots/{botId}/mod/uipath/auth/token",
        );
    }
    if let Err(refusal) = caller.may_act_on(bot_id) {
        return refusal;
    }
    let text = |name: &str| -> Result<Option<String>> {
        fields::present(query.get(name))
            .map(|v| fields::string(name, v))
            .transpose()
    };
    let claims = (|| -> Result<(CallbackClaims, Option<String>)> {
        let (asked, expires) = match text("expiresIn")? {
            Some(t) => (Some(t.clone()), duration::parse_unbounded(&t, "expiresIn")?),
            None => (None, settings.default_expires_in),
        };
        let lifetime = expires.min(settings.max_expires_in);
        let capped = asked.filter(|_| lifetime < expires).map(|t| {
            format!(
                "callback token for bot {}: expiresIn {} capped to maxExpiresIn ({lifetime} s)",
                quote(bot_id, 60),
                quote(&t, 40)
            )
        });
        let claims = CallbackClaims {
            aud: CALLBACK_AUDIENCE.into(),
            bot_id: bot_id.into(),
            channel: text("channel")?,
            target: text("target")?,
            thread_id: text("threadId")?,
            iat: now_seconds,
            exp: now_seconds + lifetime,
            jti: jti.into(),
        };
        Ok((claims, capped))
    })();
    match claims {
        Ok((claims, capped)) => {
            let mut reply = Reply::ok(json!({ "token": jwt::sign(&claims, key) }));
            reply.log = capped;
            reply
        }
        Err(e) => Reply::bad_request(&e.detail),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &[u8] = b"derived-key";

    fn server() -> Caller {
        Caller {
            email: SERVER_USER.into(),
            ..Caller::default()
        }
    }

    fn member_of(workspace: &str, claimed: Option<&str>) -> Caller {
        Caller {
            email: "dev@acme.com".into(),
            strategy: "default".into(),
            claimed_workspace: claimed.map(str::to_string),
            bot_workspace: Some("ws-b".into()),
            bot_workspace_members: vec![
                ("other@acme.com".into(), "default".into()),
                (
                    "dev@acme.com".into(),
                    if workspace == "ws-b" {
                        "default"
                    } else {
                        "saml"
                    }
                    .into(),
                ),
            ],
            ..Caller::default()
        }
    }

    fn request<'a>(caller: &'a Caller, bot_id: &'a str, query: &'a Value) -> TokenRequest<'a> {
        TokenRequest {
            bot_id,
            query,
            caller,
            now_seconds: 1000,
            jti: "j",
            request_id: "req-1",
        }
    }

    fn issue(caller: &Caller, query: Value) -> Reply {
        let s = RouteSettings::parse(&json!({})).unwrap();
        issue_token(&s, KEY, &request(caller, "bot-1", &query))
    }

    #[test]
    fn lifetimes_are_capped_and_the_cap_is_logged() {
        for (asked, lifetime) in [("30d", 86_400), ("400d", 86_400), ("10m", 600)] {
            let r = issue(&server(), json!({"expiresIn": asked}));
            assert_eq!(r.status, 200, "{asked}: {}", r.body);
            let c = jwt::verify(r.body["token"].as_str().unwrap(), KEY, 1000).unwrap();
            assert_eq!(c.exp - c.iat, lifetime, "{asked}");
            assert_eq!(r.log.is_some(), lifetime == 86_400, "{asked}");
        }
        let r = issue(&server(), json!({"expiresIn": "soon"}));
        assert_eq!(r.status, 400);
        assert!(r.body["message"].as_str().unwrap().contains("expiresIn"));
    }

    #[test]
    fn only_the_server_super_admins_and_members_of_the_bots_workspace_get_tokens() {
        assert_eq!(issue(&member_of("ws-b", None), json!({})).status, 200);
        assert_eq!(
            issue(&member_of("ws-b", Some("ws-b")), json!({})).status,
            200
        );
        let admin = Caller {
            email: "root@acme.com".into(),
            is_super_admin: true,
            ..Caller::default()
        };
        assert_eq!(issue(&admin, json!({})).status, 200);
        let refused = [
            member_of("ws-a", None),
            member_of("ws-b", Some("ws-a")),
            Caller {
                email: "dev@acme.com".into(),
                ..Caller::default()
            },
        ];
        for caller in refused {
            let r = issue(&caller, json!({}));
            assert_eq!(r.status, 403, "{caller:?}");
            assert!(r.body.get("token").is_none());
        }
    }

    #[test]
    fn all_bots_and_a_missing_key_are_refused() {
        let s = RouteSettings::parse(&json!({})).unwrap();
        let (server, query) = (server(), json!({}));
        let r = issue_token(&s, KEY, &request(&server, ALL_BOTS, &query));
        assert_eq!(r.status, 400);
        let r = issue_token(&s, b"", &request(&server, "bot-1", &query));
        assert_eq!(r.status, 500);
        assert!(!r.body["message"].as_str().unwrap().contains("APP_SECRET"));
        assert!(r.log.unwrap().contains("APP_SECRET"));
    }
}
