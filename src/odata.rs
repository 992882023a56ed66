//! OData query text: string literals and URL query strings.
//!
//! Orchestrator's OData endpoints take `$filter` expressions whose string literals are
//! single-quoted, with a quote inside doubled (`'O''Brien'`); the whole value is then
//! URL-encoded. See <https://docs.oasis-open.org/odata/odata/v4.01/odata-v4.01-part2-url-conventions.html>.

/// Quotes `value` as an OData string literal, doubling embedded single quotes so that
/// a process key like `x' or 1 eq 1 or 'y` stays one literal and cannot change the filter.
pub fn literal(value: &str) -> String {
    format!("'{}'", value.replace('\'', "''"))
}

/// Builds a URL query string (`a=1&b=2`), percent-encoding names and values.
pub fn query(pairs: &[(&str, &str)]) -> String {
    crate::urlencode::query(pairs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literal_doubles_quotes() {
        assert_eq!(literal("O'Brien"), "'O''Brien'");
        assert_eq!(literal("plain"), "'plain'");
    }

    #[test]
    fn injection_attempt_stays_inside_the_literal() {
        let filter = format!("ProcessKey eq {}", literal("x' or 1 eq 1 or 'y"));
        assert_eq!(filter, "ProcessKey eq 'x'' or 1 eq 1 or ''y'");
    }

    #[test]
    fn query_encodes_everything_that_needs_it() {
        assert_eq!(
            query(&[("$filter", "Name eq 'a&b+c'"), ("$top", "5")]),
            "%24filter=Name%20eq%20%27a%26b%2Bc%27&%24top=5"
        );
    }
}
