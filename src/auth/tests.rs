use super::*;
use serde_json::json;

fn parse(args: Value, cfg: Value) -> Result<Auth> {
    Auth::parse(
        &Layers::new(&args, &cfg),
        "https://cloud.uipath.com",
        Some("T"),
    )
}

#[test]
fn client_credentials_from_nested_auth_with_defaults() {
    let auth = parse(
        json!({"auth": {"clientId": "app", "clientSecret": "s3cret"}}),
        json!({}),
    )
    .unwrap();
    let Auth::ClientCredentials {
        token_url, scope, ..
    } = &auth
    else {
        panic!("{auth:?}")
    };
    assert_eq!(
        token_url,
        "https://cloud.uipath.com/identity_/connect/token"
    );
    assert_eq!(scope, DEFAULT_SCOPE);
    let req = auth.token_request("https://o").unwrap();
    let body = req.body.clone().unwrap();
    assert!(body.expose().contains("grant_type=client_credentials"));
    assert!(body
        .expose()
        .contains("scope=OR.Execution.Read+OR.Jobs+OR.Folders.Read"));
    assert_eq!(
        req.header_value("content-type"),
        Some("application/x-www-form-urlencoded")
    );
}

#[test]
fn seed_style_flat_refresh_token() {
    let auth = parse(
        json!({"clientId": "cid", "refreshToken": "refresh-rt"}),
        json!({}),
    )
    .unwrap();
    let req = auth.token_request("https://o").unwrap();
    assert_eq!(req.url, LEGACY_TOKEN_URL);
    let body: Value = serde_json::from_str::<Value>(req.body.unwrap().expose()).unwrap();
    assert_eq!(
        body,
        json!({"grant_type":"refresh_token","client_id":"cid","refresh_token":"refresh-rt"})
    );
}

#[test]
fn secret_in_module_config_completes_client_id_in_args() {
    let auth = parse(
        json!({"auth": "{\"clientId\":\"a\"}"}),
        json!({"auth": {"clientSecret": "s3cret"}}),
    )
    .unwrap();
    assert!(matches!(auth, Auth::ClientCredentials { ref client_id, .. } if client_id == "a"));
}

#[test]
fn password_mode_uses_tenant_as_tenancy_name() {
    let auth = parse(
        json!({"auth": {"username": "u", "password": "p4ssword"}}),
        json!({}),
    )
    .unwrap();
    let req = auth.token_request("https://o").unwrap();
    assert_eq!(req.url, "https://o/api/Account/Authenticate");
    let body: Value = serde_json::from_str::<Value>(req.body.unwrap().expose()).unwrap();
    assert_eq!(body["tenancyName"], "T");
}

#[test]
fn missing_parts_are_named() {
    let msg = |a, c| parse(a, c).unwrap_err().message();
    assert_eq!(msg(json!({"auth": {"clientId": "x"}}), json!({})),
        "INVALID_CONFIG: auth.clientSecret is missing (or give auth.refreshToken for the legacy flow)");
    assert_eq!(
        msg(json!({"auth": {"clientSecret": "x-secret"}}), json!({})),
        "INVALID_CONFIG: auth.clientId is missing"
    );
    assert_eq!(
        msg(json!({"auth": {"username": "x"}}), json!({})),
        "INVALID_CONFIG: auth.password is missing"
    );
    assert!(msg(json!({}), json!({})).starts_with("INVALID_CONFIG: auth is missing"));
    assert!(
        msg(json!({"auth": 5}), json!({})).starts_with("INVALID_CONFIG: auth must be an object")
    );
}

#[test]
fn token_answers_parse_and_failures_name_the_fields() {
    let auth = parse(
        json!({"clientId": "a", "clientSecret": "s3cret"}),
        json!({}),
    )
    .unwrap();
    let ok = Response {
        status: 200,
        headers: vec![],
        body: r#"{"access_token":"T","expires_in":3600,"token_type":"Bearer"}"#.into(),
    };
    assert_eq!(auth.parse_token_response(&ok).unwrap().token.expose(), "T");
    let bad = Response {
        status: 400,
        headers: vec![],
        body: r#"{"error":"invalid_client"}"#.into(),
    };
    let err = auth.parse_token_response(&bad).unwrap_err();
    assert_eq!(err.code, ErrorCode::AuthFailed);
    assert!(err.detail.contains("invalid_client") && err.detail.contains("auth.clientSecret"));
    assert_eq!(err.status, Some(400));
}

#[test]
fn abp_answer_parses() {
    let auth = parse(
        json!({"auth": {"username": "u", "password": "p4ssword"}}),
        json!({}),
    )
    .unwrap();
    let ok = Response {
        status: 200,
        headers: vec![],
        body: r#"{"result":"TOK","success":true,"error":null}"#.into(),
    };
    assert_eq!(
        auth.parse_token_response(&ok).unwrap().token.expose(),
        "TOK"
    );
    let bad = Response {
        status: 400,
        headers: vec![],
        body:
            r#"{"result":null,"success":false,"error":{"message":"Invalid user name or password"}}"#
                .into(),
    };
    assert!(auth
        .parse_token_response(&bad)
        .unwrap_err()
        .detail
        .contains("Invalid user name or password"));
}

#[test]
fn cache_key_changes_with_the_secret_and_never_shows_it() {
    let a = parse(
        json!({"clientId": "a", "clientSecret": "secret-one"}),
        json!({}),
    )
    .unwrap();
    let b = parse(
        json!({"clientId": "a", "clientSecret": "secret-two"}),
        json!({}),
    )
    .unwrap();
    let (ka, kb) = (a.cache_key("o").unwrap(), b.cache_key("o").unwrap());
    assert_ne!(ka, kb);
    assert!(!ka.contains("secret-one"));
}
