//! Outside text (from `args`, a request, an Orchestrator answer) as it may appear in a log
//! line or an error message: quoted, control characters escaped, cut to a length, so a
//! newline can never start a forged line and a huge value never floods a log.

/// `text` in double quotes, escaped as a JSON string (quote, backslash, control
/// characters), and beyond JSON also DEL, the C1 controls and the Unicode line and
/// paragraph separators; cut after `max_chars` characters with `…`.
pub fn quote(text: &str, max_chars: usize) -> String {
    let kept: String = text.chars().take(max_chars).collect();
    let mut out = String::with_capacity(kept.len() + 8);
    // serde_json escapes `"`, `\` and U+0000–U+001F; the rest are escaped below.
    let json = crate::types::json_text(&kept);
    for c in json.chars() {
        if c.is_control() || c == '\u{2028}' || c == '\u{2029}' {
            out.push_str(&format!("\\u{:04x}", c as u32));
        } else {
            out.push(c);
        }
    }
    if text.chars().nth(max_chars).is_some() {
        out.insert(out.len() - 1, '…');
    }
    out
}

/// [`quote`] without the quotes: for names listed in a message (`found: A, B`).
pub fn escape(text: &str, max_chars: usize) -> String {
    let quoted = quote(text, max_chars);
    quoted[1..quoted.len() - 1].to_string()
}

/// Text that is already safe (JSON, digits) cut after `max_chars` characters with `…`.
pub fn cut(text: &str, max_chars: usize) -> String {
    match text.char_indices().nth(max_chars) {
        Some((i, _)) => format!("{}…", &text[..i]),
        None => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting_escapes_line_breaks_and_cuts() {
        assert_eq!(quote("a\nb", 10), r#""a\nb""#);
        assert_eq!(
            quote("x\"y\\z\r\u{1b}[31m\u{2028}\u{7f}\u{85}", 20),
            r#""x\"y\\z\r\u001b[31m\u2028\u007f\u0085""#
        );
        assert_eq!(quote(&"é".repeat(10), 3), "\"ééé…\"");
        assert_eq!(quote("abc", 3), "\"abc\"");
        assert!(!quote("line\nforged: [uipath] ok", 100).contains('\n'));
        assert_eq!(escape("a\nb", 10), r"a\nb");
        assert_eq!(cut("12345", 3), "123…");
        assert_eq!(cut("12", 3), "12");
    }
}
