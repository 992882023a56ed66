//! HS256 JSON Web Tokens for UiPath callbacks (RFC 7519), sans-IO: the clock is an argument.
//!
//! A callback token carries the audience [`CALLBACK_AUDIENCE`], so the other tokens a
//! Botpress server signs with the same secret (login tokens, the 5-minute server tokens
//! of `getAxiosConfigForBot`) are refused where a callback token is expected.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hkdf::Hkdf;
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::Sha256;

/// The `aud` of every callback token.
pub const CALLBACK_AUDIENCE: &str = "botpress-uipath/callback";
/// The HKDF salt that makes the callback signing key this feature's alone (version 1).
pub const KEY_LABEL: &str = "botpress-uipath/callback/v1";

/// How far a token's `exp`/`iat` may be off the verifier's clock, in seconds.
pub const CLOCK_SKEW_SECONDS: u64 = 30;

/// The claims of a callback token. The fields are in alphabetical order of their JSON
/// names, and absent bindings are left out: the payload is byte for byte what earlier
/// versions wrote, so the same claims give the same token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CallbackClaims {
    /// Audience; [`CALLBACK_AUDIENCE`].
    pub aud: String,
    /// The bot the token speaks for.
    pub bot_id: String,
    /// Channel the token is bound to, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel: Option<String>,
    /// Expires at, seconds since the epoch.
    pub exp: u64,
    /// Issued at, seconds since the epoch.
    pub iat: u64,
    /// Token id.
    pub jti: String,
    /// Target (user) the token is bound to, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    /// Thread (conversation) the token is bound to, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thread_id: Option<String>,
}

/// What is read of a token's header (`alg`) and, before the claims, of its payload
/// (`aud`), whatever else they hold.
#[derive(Deserialize)]
struct Marks {
    alg: Option<Value>,
    aud: Option<Value>,
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
pub fn callback_key(secret: &[u8]) -> [u8; 32] {
    let mut key = [0u8; 32];
    Hkdf::<Sha256>::new(Some(KEY_LABEL.as_bytes()), secret)
        .expand(b"hs256 signing key", &mut key)
        // 32 bytes is one block, far below HKDF-SHA256's limit of 255 blocks.
        .unwrap_or_else(|_| unreachable!());
    key
}

/// The base64url of `{"alg":"HS256","typ":"JWT"}`, every token's first part.
const HS256_HEADER: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9";

/// Signs `claims` with HS256.
pub fn sign(claims: &CallbackClaims, secret: &[u8]) -> String {
    // A struct of strings and integers: serde_json cannot fail on it.
    let payload = URL_SAFE_NO_PAD.encode(crate::types::json_text(claims));
    let signing_input = format!("{HS256_HEADER}.{payload}");
    let signature = URL_SAFE_NO_PAD.encode(
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
    let header: Marks = serde_json::from_str(&decode_text(h)?).map_err(|_| Rejection::Malformed)?;
    if header.alg.as_ref().and_then(Value::as_str) != Some("HS256") {
        return Err(Rejection::Algorithm);
    }
    let signature = URL_SAFE_NO_PAD
        .decode(s)
        .map_err(|_| Rejection::Malformed)?;
    let signing_input = &token[..h.len() + 1 + p.len()];
    mac(secret, signing_input.as_bytes())
        .verify_slice(&signature)
        .map_err(|_| Rejection::Signature)?;
    let payload = decode_text(p)?;
    // The audience first, so a login or server token of the same secret says what it is.
    let audience: Marks = serde_json::from_str(&payload).map_err(|_| Rejection::Malformed)?;
    if audience.aud.as_ref().and_then(Value::as_str) != Some(CALLBACK_AUDIENCE) {
        return Err(Rejection::Audience);
    }
    let claims: CallbackClaims =
        serde_json::from_str(&payload).map_err(|_| Rejection::Malformed)?;
    if now_seconds > claims.exp + CLOCK_SKEW_SECONDS {
        return Err(Rejection::Expired);
    }
    if claims.iat > now_seconds + CLOCK_SKEW_SECONDS {
        return Err(Rejection::NotYetValid);
    }
    Ok(claims)
}

/// The `jti` of a token this package was handed by its own issuer, read without
/// verifying it (it is never trusted for anything but naming that token again); `None`
/// for anything that is not a token with a `jti`.
pub fn token_id(token: &str) -> Option<String> {
    #[derive(Deserialize)]
    struct Id {
        jti: Option<String>,
    }
    let payload = token.split('.').nth(1)?;
    let id: Id = serde_json::from_str(&decode_text(payload).ok()?).ok()?;
    id.jti.filter(|j| !j.is_empty() && j.len() <= 64)
}

/// HMAC-SHA256 of `data` under `secret`, ready to finalize or verify (also the webhook
/// signature's).
pub(crate) fn mac(secret: &[u8], data: &[u8]) -> Hmac<Sha256> {
    // HMAC accepts keys of any length, so `new_from_slice` cannot fail.
    let mut m = <Hmac<Sha256> as Mac>::new_from_slice(secret).unwrap_or_else(|_| unreachable!());
    m.update(data);
    m
}

/// A token part's text: base64url of UTF-8.
fn decode_text(part: &str) -> Result<String, Rejection> {
    let bytes = URL_SAFE_NO_PAD
        .decode(part)
        .map_err(|_| Rejection::Malformed)?;
    String::from_utf8(bytes).map_err(|_| Rejection::Malformed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_key_is_hkdf_of_the_label_and_the_secret() {
        // HKDF (RFC 5869) with one output block is two HMACs; the key is what it was.
        for secret in [&b""[..], b"s", &[7u8; 200]] {
            let prk = mac(KEY_LABEL.as_bytes(), secret).finalize().into_bytes();
            let mut expand = mac(&prk, b"hs256 signing key");
            expand.update(&[1]);
            let two_hmacs: [u8; 32] = expand.finalize().into_bytes().into();
            assert_eq!(callback_key(secret), two_hmacs);
        }
    }

    #[test]
    fn the_header_is_hs256() {
        assert_eq!(
            HS256_HEADER,
            URL_SAFE_NO_PAD.encode(br#"{"alg":"HS256","typ":"JWT"}"#)
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
            URL_SAFE_NO_PAD.encode(header),
            URL_SAFE_NO_PAD.encode(payload.to_string())
        );
        let sig = URL_SAFE_NO_PAD.encode(mac(secret, input.as_bytes()).finalize().into_bytes());
        format!("{input}.{sig}")
    }

    #[test]
    fn a_token_s_id_is_read_without_verifying() {
        assert_eq!(token_id(&sign(&claims(), SECRET)).as_deref(), Some("j1"));
        for not_one in ["", "a.b.c", "x", "eyJ.eyJ.x"] {
            assert_eq!(token_id(not_one), None);
        }
    }

    /// Tokens issued by the hand-written JSON, base64 and HKDF of 0.1 (commit 428ea11),
    /// for these claims under this secret: still issued byte for byte, still verified.
    #[test]
    fn tokens_of_earlier_versions_are_unchanged() {
        const BOUND: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJhdWQiOiJib3RwcmVzcy11aXBhdGgvY2FsbGJhY2siLCJib3RJZCI6ImJvdC0xIiwiY2hhbm5lbCI6IndlYiIsImV4cCI6MTcwMDAwMzYwMCwiaWF0IjoxNzAwMDAwMDAwLCJqdGkiOiJhMWIyYzNkNGU1ZjZhN2I4YzlkMGUxZjIiLCJ0YXJnZXQiOiJ1MSIsInRocmVhZElkIjoiY29udi03In0.N38lCDjQJsSg3pJRw3C2GqjKpkG5U9tCRusczZizPmw";
        const UNBOUND: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJhdWQiOiJib3RwcmVzcy11aXBhdGgvY2FsbGJhY2siLCJib3RJZCI6ImJvdC0xIiwiZXhwIjoxNzAwMDAzNjAwLCJpYXQiOjE3MDAwMDAwMDAsImp0aSI6ImExYjJjM2Q0ZTVmNmE3YjhjOWQwZTFmMiJ9.6vyJ20GYi-kvZ5mlwqYr5o15_xw7o91B8XrU81d0ibk";
        let key = callback_key(b"pinned APP_SECRET");
        let bound = CallbackClaims {
            aud: CALLBACK_AUDIENCE.into(),
            bot_id: "bot-1".into(),
            channel: Some("web".into()),
            target: Some("u1".into()),
            thread_id: Some("conv-7".into()),
            iat: 1_700_000_000,
            exp: 1_700_003_600,
            jti: "a1b2c3d4e5f6a7b8c9d0e1f2".into(),
        };
        let unbound = CallbackClaims {
            channel: None,
            target: None,
            thread_id: None,
            ..bound.clone()
        };
        assert_eq!(sign(&bound, &key), BOUND);
        assert_eq!(sign(&unbound, &key), UNBOUND);
        assert_eq!(verify(BOUND, &key, 1_700_000_100), Ok(bound));
        assert_eq!(verify(UNBOUND, &key, 1_700_000_100), Ok(unbound));
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

        let payload = serde_json::to_value(claims()).unwrap();
        let none = format!(
            "{}.{}.",
            URL_SAFE_NO_PAD.encode(r#"{"alg":"none","typ":"JWT"}"#),
            URL_SAFE_NO_PAD.encode(payload.to_string())
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
        let payload = serde_json::to_value(claims()).unwrap();
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
            serde_json::json!({"email": "admin", "aud": "collaborators", "iat": 1000, "exp": 4600});
        assert_eq!(
            verify(&forge(r#"{"alg":"HS256"}"#, &login, SECRET), SECRET, 2000),
            Err(Rejection::Audience)
        );
        let original_module = serde_json::json!({"iat": 1000, "exp": 4600});
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
