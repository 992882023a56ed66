//! JSON text in and out of the core. Natively, serde_json's parser and printer; in the
//! wasm, the host's own `JSON.parse` and `JSON.stringify` with serde-wasm-bindgen between
//! them and the Rust values, so the `.wasm` carries no JSON text parser or printer, nor
//! the float code they need. Values themselves stay `serde_json::Value`.

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{Number, Value};

/// Parses JSON text into `T`; the error says why, without echoing the text.
pub fn from_str<T: DeserializeOwned>(text: &str) -> Result<T, String> {
    imp::from_str(text)
}

/// A value as compact JSON text.
pub fn to_string<T: Serialize + ?Sized>(value: &T) -> String {
    imp::to_string(value)
}

/// A JSON number as text (`2`, `-7`, `0.5`), as `JSON.stringify` writes it.
pub fn number_text(n: &Number) -> String {
    match (n.as_i64(), n.as_u64()) {
        (Some(i), _) => i.to_string(),
        (None, Some(u)) => u.to_string(),
        _ => to_string(&Value::Number(n.clone())),
    }
}

#[cfg(not(target_arch = "wasm32"))]
mod imp {
    use super::*;

    pub fn from_str<T: DeserializeOwned>(text: &str) -> Result<T, String> {
        serde_json::from_str(text).map_err(|e| e.to_string())
    }

    pub fn to_string<T: Serialize + ?Sized>(value: &T) -> String {
        serde_json::to_string(value).unwrap_or_default()
    }
}

#[cfg(target_arch = "wasm32")]
mod imp {
    use super::*;

    pub fn from_str<T: DeserializeOwned>(text: &str) -> Result<T, String> {
        let parsed = js_sys::JSON::parse(text).map_err(|_| "not JSON".to_string())?;
        serde_wasm_bindgen::from_value(parsed).map_err(|e| e.to_string())
    }

    pub fn to_string<T: Serialize + ?Sized>(value: &T) -> String {
        value
            .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
            .ok()
            .and_then(|js| js_sys::JSON::stringify(&js).ok())
            .and_then(|s| s.as_string())
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn text_both_ways() {
        let v: Value = from_str(r#"{"b":[1,2.5,"x"],"a":null}"#).unwrap();
        assert_eq!(v, json!({"a": null, "b": [1, 2.5, "x"]}));
        assert_eq!(to_string(&v), r#"{"a":null,"b":[1,2.5,"x"]}"#);
        assert!(from_str::<Value>("{oops").is_err());
        assert_eq!(number_text(&Number::from(-7)), "-7");
        assert_eq!(number_text(&Number::from_f64(0.5).unwrap()), "0.5");
    }
}
