//! OData query text: string literals.
//!
//! Orchestrator's OData endpoints take `$filter` expressions whose string literals are
//! single-quoted, with a quote inside doubled (`'O''Brien'`); the whole value is then
//! URL-encoded ([`crate::urlencode::query`]). See <https://docs.oasis-open.org/odata/odata/v4.01/odata-v4.01-part2-url-conventions.html>.

/// Quotes `value` as an OData string literal, doubling embedded single quotes so that
/// a process key like `x' or 1 eq 1 or 'y` stays one literal and cannot change the filter.
pub fn literal(value: &str) -> String {
    format!("'{}'", value.replace('\'', "''"))
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
}
