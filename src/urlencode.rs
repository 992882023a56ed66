//! Percent-encoding (RFC 3986) of the three places text goes into a request: a URL path
//! segment, a URL query string and a form body (`application/x-www-form-urlencoded`).
//! Every byte but ASCII letters, digits and a few safe marks becomes `%XX`.

const HEX: &[u8; 16] = b"0123456789ABCDEF";

/// A URL path segment: everything but letters, digits and `-._~` encoded.
pub fn path_segment(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    push_encoded(&mut out, text, b"-._~", "%20");
    out
}

/// A URL query string (`a=1&b=2`). Spaces become `%20`, which every server reads as a
/// space in a query (a `+` is read so only by form decoders).
pub fn query(pairs: &[(&str, &str)]) -> String {
    joined(pairs, "%20")
}

/// A form body, as browsers write one (spaces as `+`; `*-._` as they are).
pub fn form(pairs: &[(&str, &str)]) -> String {
    joined(pairs, "+")
}

fn joined(pairs: &[(&str, &str)], space: &str) -> String {
    let mut out = String::new();
    for (i, (name, value)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        push_encoded(&mut out, name, b"*-._", space);
        out.push('=');
        push_encoded(&mut out, value, b"*-._", space);
    }
    out
}

fn push_encoded(out: &mut String, text: &str, keep: &[u8], space: &str) {
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || keep.contains(&b) {
            out.push(char::from(b));
        } else if b == b' ' {
            out.push_str(space);
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 15)]));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLES: [&str; 6] = [
        "",
        "plain",
        "a b+c&d=e/f?g#h%i",
        "$filter",
        "ProcessKey eq 'O''Brien' and x~y*z-._!()",
        "é ✅ \u{0}\n\u{7f}",
    ];

    #[test]
    fn forms_are_written_as_the_form_urlencoded_crate_writes_them() {
        for a in SAMPLES {
            for b in SAMPLES {
                let theirs = form_urlencoded::Serializer::new(String::new())
                    .append_pair(a, b)
                    .append_pair("k", a)
                    .finish();
                assert_eq!(form(&[(a, b), ("k", a)]), theirs);
                assert_eq!(query(&[(a, b), ("k", a)]), theirs.replace('+', "%20"));
            }
        }
    }

    #[test]
    fn query_encodes_everything_that_needs_it() {
        assert_eq!(
            query(&[("$filter", "Name eq 'a&b+c'"), ("$top", "5")]),
            "%24filter=Name%20eq%20%27a%26b%2Bc%27&%24top=5"
        );
    }

    #[test]
    fn path_segments_keep_only_unreserved_characters() {
        assert_eq!(path_segment("Default-Tenant_1.~"), "Default-Tenant_1.~");
        assert_eq!(path_segment("a b/c?é*"), "a%20b%2Fc%3F%C3%A9%2A");
    }
}
