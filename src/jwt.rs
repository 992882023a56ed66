//! HS256 JSON Web Tokens for UiPath callbacks (RFC 7519), sans-IO: the clock is an argument.
//!
//! A callback token carries the audience [`CALLBACK_AUDIENCE`], so the other tokens a
//! Botpress server signs with the same secret (login tokens, the 5-minute server tokens
//! of `getAxiosConfigForBot`) are refused where a callback token is expected.

use crate::base64;
use crate::json::Value;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::json;
use crate::json::ToJson;

/// The `aud` of every callback token.
pub const CALLBACK_AUDIENCE: &str = "botpress-uipath/callback";
/// The HKDF salt that makes the callback signing key this feature's alone (version 1).
pub const KEY_LABEL: &str = "botpress-uipath/callback/v1";

/// How far a token's `exp`/`iat` may be off the verifier's clock, in seconds.
pub const CLOCK_SKEW_SECONDS: u64 = 30;

/// The claims of a callback token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallbackClaims {
    /// Audience; [`CALLBACK_AUDIENCE`].
    pub aud: String,
    /// The bot the token speaks for.
    pub bot_id: String,
    /// Channel the token is bound to, if any.
    pub channel: Option<String>,
    /// Target (user) the token is bound to, if any.
    pub target: Option<String>,
    /// Thread (conversation) the token is bound to, if any.
    pub thread_id: Option<String>,
    /// Issued at, seconds since the epoch.
    pub iat: u64,
    /// Expires at, seconds since the epoch.
    pub exp: u64,
    /// Token id.
    pub jti: String,
}

impl ToJson for CallbackClaims {
    /// The payload: absent bindings are left out.
    fn to_json(&self) -> Value {
        let mut out = json!({
            "aud": self.aud,
            "botId": self.bot_id,
            "iat": self.iat,
            "exp": self.exp,
            "jti": self.jti,
        });
        for (name, value) in [
            ("channel", &self.channel),
            ("target", &self.target),
            ("threadId", &self.thread_id),
        ] {
            if let Some(v) = value {
                out[name] = json!(v);
            }
        }
        out
    }
}

impl CallbackClaims {
    /// Reads a payload; a binding that is there must be a string (or null).
    fn from_json(payload: &Value) -> Option<CallbackClaims> {
        let binding = |name: &str| match payload.get(name) {
            None | Some(Value::Null) => Some(None),
            Some(Value::String(s)) => Some(Some(s.clone())),
            Some(_) => None,
        };
        Some(CallbackClaims {
            aud: json::text(payload, "aud")?,
            bot_id: json::text(payload, "botId")?,
            channel: binding("channel")?,
            target: binding("target")?,
            thread_id: binding("threadId")?,
            iat: payload.get("iat")?.as_u64()?,
            exp: payload.get("exp")?.as_u64()?,
            jti: json::text(payload, "jti")?,
        })
    }
}

/// Why a token was refused; each has its own message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rejection {
    /// Not three base64url parts of JSON.
    Malformed,
    /// `alg` other than HS256, including `none`.
    Algorithm,
    /// The signature does not match.
    Signature,
    /// `exp` has passed (beyond the clock skew).
    Expired,
    /// `iat` is in the future (beyond the clock skew).
    NotYetValid,
    /// Not a callback token (`aud` missing or different).
    Audience,
}

impl Rejection {
    /// A short reason, safe to send back to the caller.
    pub fn reason(self) -> &'static str {
        match self {
            Rejection::Malformed => "the token is malformed",
            Rejection::Algorithm => "the token is not signed with HS256",
            Rejection::Signature => "the token's signature is invalid",
            Rejection::Expired => "the token has expired",
            Rejection::NotYetValid => "the token is not valid yet",
            Rejection::Audience => "the token is not a UiPath callback token",
        }
    }
}

/// The key callback tokens are signed with, derived from the server secret for this one
/// purpose: HKDF-SHA256 with [`KEY_LABEL`] as the salt and the secret as the input key.
///
/// Botpress hands out `HMAC-SHA256(APP_SECRET, message)` for any message
/// (`bp.security.getMessageSignature`, `POST /api/v1/sdk/security/getMessageSignature`).
/// Signing with `APP_SECRET` itself would let anyone with that oracle mint callback
/// tokens; so would a key of the form `HMAC(APP_SECRET, label)`, which the oracle returns
/// when asked for the label. HKDF-Extract keys the HMAC with the *label* and feeds the
/// secret in as data, which no Botpress feature computes.
///
/// One output block is all a 32-byte key needs, so HKDF (RFC 5869) is two HMACs:
/// `PRK = HMAC(label, secret)`, then `key = HMAC(PRK, info || 0x01)`.
pub fn callback_key(secret: &[u8]) -> [u8; 32] {
    let prk = mac(KEY_LABEL.as_bytes(), secret).finalize().into_bytes();
    let mut expand = mac(&prk, b"hs256 signing key");
    expand.update(&[1]);
    expand.finalize().into_bytes().into()
}

/// The base64url of `{"alg":"HS256","typ":"JWT"}`, every token's first part.
const HS256_HEADER: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9";

/// Signs `claims` with HS256.
pub fn sign(claims: &CallbackClaims, secret: &[u8]) -> String {
    let header = HS256_HEADER;
    // Serialising a struct of strings and integers cannot fail.
    let payload = base64::encode_url(json::to_string(&claims.to_json()));
    let signing_input = format!("{header}.{payload}");
    let signature = base64::encode_url(
        mac(secret, signing_input.as_bytes())
            .finalize()
            .into_bytes(),
    );
    format!("{signing_input}.{signature}")
}

/// Verifies a callback token: structure, algorithm, signature (in constant time),
/// audience, then time with [`CLOCK_SKEW_SECONDS`] of tolerance.
pub fn verify(token: &str, secret: &[u8], now_seconds: u64) -> Result<CallbackClaims, Rejection> {
    let mut parts = token.split('.');
    let (Some(h), Some(p), Some(s), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(Rejection::Malformed);
    };
    let header: Value = decode_json(h)?;
    if header.get("alg").and_then(Value::as_str) != Some("HS256") {
        return Err(Rejection::Algorithm);
    }
    let signature = base64::decode_url(s).ok_or(Rejection::Malformed)?;
    let signing_input = &token[..h.len() + 1 + p.len()];
    mac(secret, signing_input.as_bytes())
        .verify_slice(&signature)
        .map_err(|_| Rejection::Signature)?;
    let payload: Value = decode_json(p)?;
    if payload.get("aud").and_then(Value::as_str) != Some(CALLBACK_AUDIENCE) {
        return Err(Rejection::Audience);
    }
    let claims = CallbackClaims::from_json(&payload).ok_or(Rejection::Malformed)?;
    if now_seconds > claims.exp + CLOCK_SKEW_SECONDS {
        return Err(Rejection::Expired);
    }
    if claims.iat > now_seconds + CLOCK_SKEW_SECONDS {
        return Err(Rejection::NotYetValid);
    }
    Ok(claims)
}

/// HMAC-SHA256 of `data` under `secret`, ready to finalize or verify (also the webhook
/// signature's).
pub(crate) fn mac(secret: &[u8], data: &[u8]) -> Hmac<Sha256> {
    // HMAC accepts keys of any length, so `new_from_slice` cannot fail.
    let mut m = <Hmac<Sha256> as Mac>::new_from_slice(secret).unwrap_or_else(|_| unreachable!());
    m.update(data);
    m
}

fn decode_json(part: &str) -> Result<Value, Rejection> {
    let bytes = base64::decode_url(part).ok_or(Rejection::Malformed)?;
    std::str::from_utf8(&bytes)
        .ok()
        .and_then(|text| crate::json::from_str(text).ok())
        .ok_or(Rejection::Malformed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_key_is_hkdf_sha256_as_the_hkdf_crate_derives_it() {
        for secret in [&b""[..], b"s", &[7u8; 200]] {
            let mut theirs = [0u8; 32];
            hkdf::Hkdf::<Sha256>::new(Some(KEY_LABEL.as_bytes()), secret)
                .expand(b"hs256 signing key", &mut theirs)
                .unwrap();
            assert_eq!(callback_key(secret), theirs);
        }
    }

    #[test]
    fn the_header_is_hs256() {
        assert_eq!(
            HS256_HEADER,
            base64::encode_url(br#"{"alg":"HS256","typ":"JWT"}"#)
        );
    }

    const SECRET: &[u8] = b"server-secret";

    fn claims() -> CallbackClaims {
        CallbackClaims {
            aud: CALLBACK_AUDIENCE.into(),
            bot_id: "bot-1".into(),
            channel: Some("web".into()),
            target: Some("u1".into()),
            thread_id: None,
            iat: 1000,
            exp: 4600,
            jti: "j1".into(),
        }
    }

    fn forge(header: &str, payload: &Value, secret: &[u8]) -> String {
        let input = format!(
            "{}.{}",
            base64::encode_url(header),
            base64::encode_url(crate::json::to_string(payload))
        );
        let sig = base64::encode_url(mac(secret, input.as_bytes()).finalize().into_bytes());
        format!("{input}.{sig}")
    }

    #[test]
    fn round_trip() {
        let t = sign(&claims(), SECRET);
        assert_eq!(verify(&t, SECRET, 2000), Ok(claims()));
    }

    #[test]
    fn each_refusal_has_its_reason() {
        let t = sign(&claims(), SECRET);
        assert_eq!(verify(&t, b"other", 2000), Err(Rejection::Signature));
        assert_eq!(
            verify(&t, SECRET, 4600 + CLOCK_SKEW_SECONDS + 1),
            Err(Rejection::Expired)
        );
        assert_eq!(
            verify(&t, SECRET, 4600 + CLOCK_SKEW_SECONDS),
            Ok(claims()),
            "inside the skew"
        );
        assert_eq!(
            verify(&t, SECRET, 1000 - CLOCK_SKEW_SECONDS - 1),
            Err(Rejection::NotYetValid)
        );
        assert_eq!(verify("a.b", SECRET, 2000), Err(Rejection::Malformed));
        assert_eq!(verify("a.b.c.d", SECRET, 2000), Err(Rejection::Malformed));
        assert_eq!(verify("!!.??.##", SECRET, 2000), Err(Rejection::Malformed));

        let mut tampered = t.clone();
        tampered.replace_range(t.find('.').unwrap() + 2..t.find('.').unwrap() + 3, "A");
        assert!(matches!(
            verify(&tampered, SECRET, 2000),
            Err(Rejection::Signature | Rejection::Malformed)
        ));

        let payload = claims().to_json();
        let none = format!(
            "{}.{}.",
            base64::encode_url(r#"{"alg":"none","typ":"JWT"}"#),
            base64::encode_url(crate::json::to_string(&payload))
        );
        assert_eq!(verify(&none, SECRET, 2000), Err(Rejection::Algorithm));
        let hs512 = forge(r#"{"alg":"HS512"}"#, &payload, SECRET);
        assert_eq!(verify(&hs512, SECRET, 2000), Err(Rejection::Algorithm));
    }

    #[test]
    fn botpress_message_signatures_cannot_forge_a_token() {
        let app_secret = b"APP_SECRET of the server";
        let key = callback_key(app_secret);
        assert_ne!(key.as_slice(), app_secret.as_slice());
        let payload = claims().to_json();
        // What getMessageSignature gives: HMAC(APP_SECRET, chosen text).
        let with_app_secret = forge(r#"{"alg":"HS256"}"#, &payload, app_secret);
        assert_eq!(
            verify(&with_app_secret, &key, 2000),
            Err(Rejection::Signature)
        );
        let oracle_key = mac(app_secret, KEY_LABEL.as_bytes())
            .finalize()
            .into_bytes();
        let with_oracle_key = forge(r#"{"alg":"HS256"}"#, &payload, &oracle_key);
        assert_eq!(
            verify(&with_oracle_key, &key, 2000),
            Err(Rejection::Signature)
        );
        assert_eq!(verify(&sign(&claims(), &key), &key, 2000), Ok(claims()));
        assert_ne!(callback_key(b"another secret"), key);
    }

    #[test]
    fn other_tokens_of_the_same_secret_are_not_callback_tokens() {
        let login =
            crate::json!({"email": "admin", "aud": "collaborators", "iat": 1000, "exp": 4600});
        assert_eq!(
            verify(&forge(r#"{"alg":"HS256"}"#, &login, SECRET), SECRET, 2000),
            Err(Rejection::Audience)
        );
        let original_module = crate::json!({"iat": 1000, "exp": 4600});
        assert_eq!(
            verify(
                &forge(r#"{"alg":"HS256"}"#, &original_module, SECRET),
                SECRET,
                2000
            ),
            Err(Rejection::Audience)
        );
    }
}
