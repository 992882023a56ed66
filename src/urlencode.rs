//! Percent-encoding (RFC 3986) of the three places text goes into a request: a URL path
//! segment, a URL query string and a form body (`application/x-www-form-urlencoded`),
//! with the `percent-encoding` and `form_urlencoded` crates. Every byte but ASCII
//! letters, digits and a few safe marks becomes `%XX`.

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

/// What a path segment keeps: RFC 3986's unreserved marks.
const PATH_SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// What a query keeps: the marks a form keeps (`*-._`); a space is `%20`, which every
/// server reads as a space in a query (a `+` is read so only by form decoders).
const QUERY: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'*')
    .remove(b'-')
    .remove(b'.')
    .remove(b'_');

/// A URL path segment: everything but letters, digits and `-._~` encoded.
pub fn path_segment(text: &str) -> String {
    utf8_percent_encode(text, PATH_SEGMENT).to_string()
}

/// A URL query string (`a=1&b=2`).
pub fn query(pairs: &[(&str, &str)]) -> String {
    let mut out = String::new();
    for (i, (name, value)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        out.extend(utf8_percent_encode(name, QUERY));
        out.push('=');
        out.extend(utf8_percent_encode(value, QUERY));
    }
    out
}

/// A form body, as browsers write one (spaces as `+`; `*-._` as they are).
pub fn form(pairs: &[(&str, &str)]) -> String {
    form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish()
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
    fn a_query_is_a_form_with_spaces_as_percent_20() {
        for a in SAMPLES {
            for b in SAMPLES {
                let form = form(&[(a, b), ("k", a)]);
                assert_eq!(query(&[(a, b), ("k", a)]), form.replace('+', "%20"));
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
