//! JSON text in and out of the core. Natively, serde_json's parser and printer. In the
//! wasm, the host's own `JSON.parse` with serde-wasm-bindgen after it, and the small
//! printer below (not `JSON.stringify`: a JS object would turn a `__proto__` key into a
//! prototype and drop it), so the `.wasm` carries no serde_json text parser or printer.
//! Values themselves stay `serde_json::Value`.

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

/// A JSON number as text (`2`, `-7`, `0.5`).
pub fn number_text(n: &Number) -> String {
    match (n.as_i64(), n.as_u64(), n.as_f64()) {
        (Some(i), _, _) => i.to_string(),
        (None, Some(u), _) => u.to_string(),
        (None, None, Some(f)) => f.to_string(),
        _ => "null".into(),
    }
}

/// Compact JSON text of a value: keys in the map's order, strings escaped as JSON
/// requires (quote, backslash, control characters), everything else as is.
pub fn write_value(out: &mut String, value: &Value) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => out.push_str(&number_text(n)),
        Value::String(s) => write_str(out, s),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_value(out, item);
            }
            out.push(']');
        }
        Value::Object(map) => {
            out.push('{');
            for (i, (k, v)) in map.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_str(out, k);
                out.push(':');
                write_value(out, v);
            }
            out.push('}');
        }
    }
}

fn write_str(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        push_escaped(out, c);
    }
    out.push('"');
}

/// One character of a JSON string: quote, backslash and control characters escaped (the
/// Unicode line and paragraph separators too, so the text is safe in a log line or a JS
/// source), everything else as is.
pub fn push_escaped(out: &mut String, c: char) {
    match c {
        '"' => out.push_str("\\\""),
        '\\' => out.push_str("\\\\"),
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        c if c.is_control() || c == '\u{2028}' || c == '\u{2029}' => {
            const HEX: &[u8; 16] = b"0123456789abcdef";
            out.push_str("\\u");
            for shift in [12, 8, 4, 0] {
                out.push(HEX[((c as usize) >> shift) & 15] as char);
            }
        }
        c => out.push(c),
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
        let mut out = String::new();
        if let Ok(v) = serde_json::to_value(value) {
            write_value(&mut out, &v);
        }
        out
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

    #[test]
    fn the_wasm_printer_writes_what_serde_json_writes() {
        let values = [
            json!({"__proto__": {"x": 1}, "a": [true, false, null], "b": "q\"uote\\ back\nline\ttab\u{1}\u{1f} é ✅"}),
            json!([1, -2, 3.25, 1e-7, u64::MAX, i64::MIN, "", {}]),
            json!("plain"),
        ];
        // Escaped beyond what serde_json escapes (DEL, C1, line separators): the same string.
        let mut out = String::new();
        write_value(&mut out, &json!("a\u{7f}\u{2028}b"));
        assert_eq!(out, r#""a\u007f\u2028b""#);
        assert_eq!(from_str::<Value>(&out).unwrap(), json!("a\u{7f}\u{2028}b"));
        for v in values {
            let mut out = String::new();
            write_value(&mut out, &v);
            assert_eq!(from_str::<Value>(&out).unwrap(), v, "{out}");
            // Floats may be spelled otherwise (0.0000001 for 1e-7): the same number.
            let theirs = serde_json::to_string(&v).unwrap();
            if !theirs.contains("e-") {
                assert_eq!(out, theirs);
            }
        }
    }
}
