//! The JSON text parser (RFC 8259) used natively and in the wasm alike, so the wasm
//! carries no serde machinery and the same code is tested in every tier.
//!
//! Bounded: nesting deeper than [`MAX_DEPTH`] is refused (attacker text reaches this
//! through the webhook route). Errors name the byte offset, never the text.

use super::{Map, Number, Value};

/// Arrays and objects nested deeper than this are refused (serde_json's limit too).
pub const MAX_DEPTH: usize = 128;

/// Parses one JSON value; whitespace around it is allowed, anything else is not.
pub fn parse(text: &str) -> Result<Value, String> {
    let mut p = Parser {
        bytes: text.as_bytes(),
        at: 0,
        depth: 0,
    };
    let value = p.value()?;
    p.space();
    if p.at != p.bytes.len() {
        return Err(p.fail("trailing characters"));
    }
    Ok(value)
}

struct Parser<'a> {
    bytes: &'a [u8],
    at: usize,
    depth: usize,
}

impl Parser<'_> {
    fn fail(&self, what: &str) -> String {
        format!("{what} at byte {}", self.at)
    }

    #[inline(always)]
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    fn space(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.at += 1;
        }
    }

    fn word(&mut self, word: &str, value: Value) -> Result<Value, String> {
        if self.bytes[self.at..].starts_with(word.as_bytes()) {
            self.at += word.len();
            Ok(value)
        } else {
            Err(self.fail("expected a value"))
        }
    }

    fn value(&mut self) -> Result<Value, String> {
        self.space();
        match self.peek() {
            Some(b'n') => self.word("null", Value::Null),
            Some(b't') => self.word("true", Value::Bool(true)),
            Some(b'f') => self.word("false", Value::Bool(false)),
            Some(b'"') => self.string().map(Value::String),
            Some(b'[') => self.nested(Parser::array),
            Some(b'{') => self.nested(Parser::object),
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(_) => Err(self.fail("expected a value")),
            None => Err(self.fail("unexpected end")),
        }
    }

    fn nested(&mut self, inner: fn(&mut Self) -> Result<Value, String>) -> Result<Value, String> {
        if self.depth == MAX_DEPTH {
            return Err(self.fail("nested too deeply"));
        }
        self.depth += 1;
        self.at += 1;
        let value = inner(self);
        self.depth -= 1;
        value
    }

    /// After `[`.
    fn array(&mut self) -> Result<Value, String> {
        let mut items = Vec::new();
        let mut more = !self.closes(b']');
        while more {
            items.push(self.value()?);
            more = self.then(b']', "expected , or ]")?;
        }
        Ok(Value::Array(items))
    }

    /// After `{`. A repeated key keeps its last value, as `JSON.parse` does. The members
    /// are sorted once at the end (an object of n members costs n log n, never n²).
    fn object(&mut self) -> Result<Value, String> {
        let mut members = Vec::new();
        let mut more = !self.closes(b'}');
        while more {
            self.space();
            if self.peek() != Some(b'"') {
                return Err(self.fail("expected a key"));
            }
            let key = self.string()?;
            self.space();
            if self.peek() != Some(b':') {
                return Err(self.fail("expected :"));
            }
            self.at += 1;
            let value = self.value()?;
            members.push((key, value));
            more = self.then(b'}', "expected , or }")?;
        }
        Ok(Value::Object(members.into_iter().collect::<Map<_, _>>()))
    }

    /// At the start of an array or object: whether it is empty (`close` is consumed).
    fn closes(&mut self, close: u8) -> bool {
        self.space();
        let empty = self.peek() == Some(close);
        if empty {
            self.at += 1;
        }
        empty
    }

    /// After an item: `,` (another follows: true) or `close` (the end: false).
    fn then(&mut self, close: u8, expected: &str) -> Result<bool, String> {
        self.space();
        match self.peek() {
            Some(b',') => {
                self.at += 1;
                Ok(true)
            }
            Some(b) if b == close => {
                self.at += 1;
                Ok(false)
            }
            _ => Err(self.fail(expected)),
        }
    }

    /// At `"`. A lone surrogate escape becomes U+FFFD (`JSON.stringify` writes them).
    fn string(&mut self) -> Result<String, String> {
        self.at += 1;
        let mut out = String::new();
        loop {
            // Copy the run up to the next quote, backslash or control character at once.
            let start = self.at;
            let rest = &self.bytes[start..];
            self.at += rest
                .iter()
                .position(|&b| b == b'"' || b == b'\\' || b < 0x20)
                .unwrap_or(rest.len());
            // The input is a &str and the run stops only at ASCII bytes: valid UTF-8.
            out.push_str(std::str::from_utf8(&self.bytes[start..self.at]).unwrap_or_default());
            match self.peek() {
                Some(b'"') => {
                    self.at += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    self.at += 1;
                    self.escape(&mut out)?;
                }
                Some(_) => return Err(self.fail("control character in a string")),
                None => return Err(self.fail("unterminated string")),
            }
        }
    }

    /// After a backslash.
    fn escape(&mut self, out: &mut String) -> Result<(), String> {
        let c = match self.peek() {
            Some(b'"') => '"',
            Some(b'\\') => '\\',
            Some(b'/') => '/',
            Some(b'b') => '\u{8}',
            Some(b'f') => '\u{c}',
            Some(b'n') => '\n',
            Some(b'r') => '\r',
            Some(b't') => '\t',
            Some(b'u') => {
                self.at += 1;
                let unit = self.hex4()?;
                let c = if (0xD800..0xDC00).contains(&unit)
                    && self.bytes[self.at..].starts_with(b"\\u")
                {
                    let back = self.at;
                    self.at += 2;
                    let low = self.hex4()?;
                    if (0xDC00..0xE000).contains(&low) {
                        char::from_u32(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00))
                    } else {
                        self.at = back;
                        None
                    }
                } else {
                    char::from_u32(unit)
                };
                out.push(c.unwrap_or('\u{FFFD}'));
                return Ok(());
            }
            _ => return Err(self.fail("bad escape")),
        };
        self.at += 1;
        out.push(c);
        Ok(())
    }

    fn hex4(&mut self) -> Result<u32, String> {
        let digits = self
            .bytes
            .get(self.at..self.at + 4)
            .ok_or_else(|| self.fail("bad \\u escape"))?;
        let mut unit = 0;
        for &d in digits {
            let v = (d as char)
                .to_digit(16)
                .ok_or_else(|| self.fail("bad \\u escape"))?;
            unit = unit * 16 + v;
        }
        self.at += 4;
        Ok(unit)
    }

    fn digits(&mut self) -> usize {
        let start = self.at;
        while let Some(b'0'..=b'9') = self.peek() {
            self.at += 1;
        }
        self.at - start
    }

    /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`: an integer when it fits i64 or
    /// u64, a float otherwise.
    fn number(&mut self) -> Result<Value, String> {
        let start = self.at;
        if self.peek() == Some(b'-') {
            self.at += 1;
        }
        let leading_zero = self.peek() == Some(b'0');
        match self.digits() {
            0 => return Err(self.fail("bad number")),
            n if n > 1 && leading_zero => return Err(self.fail("bad number")),
            _ => {}
        }
        let mut integer = true;
        if self.peek() == Some(b'.') {
            self.at += 1;
            integer = false;
            if self.digits() == 0 {
                return Err(self.fail("bad number"));
            }
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.at += 1;
            integer = false;
            if let Some(b'+' | b'-') = self.peek() {
                self.at += 1;
            }
            if self.digits() == 0 {
                return Err(self.fail("bad number"));
            }
        }
        let text = std::str::from_utf8(&self.bytes[start..self.at]).unwrap_or_default();
        if integer {
            if let Ok(u) = text.parse::<u64>() {
                return Ok(Value::Number(u.into()));
            }
            // `-0` stays a float, as JSON.parse and serde_json read it.
            if let Ok(i @ (..=-1 | 1..)) = text.parse::<i64>() {
                return Ok(Value::Number(i.into()));
            }
        }
        super::parse_f64(text)
            .and_then(Number::from_f64)
            .map(Value::Number)
            .ok_or_else(|| self.fail("number out of range"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json;

    /// serde_json is the oracle: every accepted text means what it means to serde_json.
    fn same(text: &str) {
        let ours = parse(text);
        let theirs =
            serde_json::from_str::<serde_json::Value>(text).map(super::super::value::from_serde);
        match (ours, theirs) {
            (Ok(a), Ok(b)) => assert_eq!(a, b, "{text}"),
            (Err(_), Err(_)) => {}
            (a, b) => panic!("{text}: ours {a:?}, serde_json {b:?}"),
        }
    }

    #[test]
    fn agrees_with_serde_json() {
        for text in [
            "null",
            " true ",
            "false",
            "0",
            "-0",
            "12",
            "-7",
            "1.5",
            "-0.25e3",
            "1E+2",
            "2e-7",
            "18446744073709551615",
            "18446744073709551616",
            "-9223372036854775808",
            "-9223372036854775809",
            "1e400",
            "01",
            "1.",
            ".5",
            "-",
            "+1",
            "1e",
            "--1",
            r#""""#,
            r#""a\"b\\c\/d\b\f\n\r\t""#,
            r#""\u00e9\u20ac\ud83d\ude00""#,
            r#""é ✅ 😀""#,
            "\"tab\tinside\"",
            r#""\x""#,
            r#""\u12""#,
            r#""open"#,
            "[]",
            "[1, [2, [3]], {}]",
            "[1,]",
            "[,1]",
            "[1 2]",
            "{}",
            r#"{"a":1,"b":[true]}"#,
            r#"{"a":1,}"#,
            r#"{"a" 1}"#,
            r#"{1:2}"#,
            r#"{"a":1}x"#,
            "",
            "   ",
            "nul",
            "truex",
            r#"{"__proto__":{"x":1},"a":null}"#,
        ] {
            same(text);
        }
    }

    #[test]
    fn agrees_with_serde_json_on_random_text() {
        // Short strings over JSON's own alphabet (a fixed LCG, so a failure reproduces):
        // every verdict and every value the same as serde_json's.
        const ALPHABET: &[u8] = b"[]{}\",:-+0123456789.eEtrufalsn\\u/ \tx\xc3\xa9";
        let mut seed: u64 = 0x5eed;
        let mut next = || {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 33) as usize
        };
        for _ in 0..50_000 {
            let len = next() % 14;
            let bytes: Vec<u8> = (0..len)
                .map(|_| ALPHABET[next() % ALPHABET.len()])
                .collect();
            if let Ok(text) = std::str::from_utf8(&bytes) {
                same(text);
            }
        }
    }

    #[test]
    fn repeated_keys_keep_the_last_value() {
        assert_eq!(parse(r#"{"a":1,"a":2}"#).unwrap(), json!({"a": 2}));
    }

    #[test]
    fn lone_surrogates_become_replacement_characters() {
        assert_eq!(parse(r#""a\ud800b""#).unwrap(), json!("a\u{FFFD}b"));
        assert_eq!(
            parse(r#""\udc00\ud800\u0041""#).unwrap(),
            json!("\u{FFFD}\u{FFFD}A")
        );
    }

    #[test]
    fn depth_is_bounded_and_errors_do_not_echo() {
        let deep = "[".repeat(MAX_DEPTH) + &"]".repeat(MAX_DEPTH);
        assert!(parse(&deep).is_ok());
        let deeper = "[".repeat(MAX_DEPTH + 1) + &"]".repeat(MAX_DEPTH + 1);
        assert_eq!(
            parse(&deeper).unwrap_err(),
            format!("nested too deeply at byte {MAX_DEPTH}")
        );
        let attack = "{\"secret-looking\": x}";
        assert!(!parse(attack).unwrap_err().contains("secret"));
        // A hundred thousand opening brackets fail fast, without recursion past the limit.
        assert!(parse(&"{\"a\":".repeat(100_000)).is_err());
    }
}
