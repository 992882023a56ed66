//! `json!`: a [`Value`](super::Value) written as JSON, with Rust expressions for
//! values (anything [`ToJson`](super::ToJson); borrowed, never moved), as with
//! serde_json's macro of the same name.
//!
//! ```
//! use botpress_uipath::json;
//! let id = 7;
//! let v = json!({"job": {"id": id, "tags": ["a", null]}, "done": false});
//! assert_eq!(json::to_string(&v), r#"{"done":false,"job":{"id":7,"tags":["a",null]}}"#);
//! ```
//!
//! Keys are string literals or parenthesized expressions. A member's value is `null`, a
//! nested `{…}` or `[…]`, or one expression (up to the next comma).

/// A JSON [`Value`](crate::json::Value) from JSON-like syntax; see the module docs.
#[macro_export]
macro_rules! json {
    (null) => {
        $crate::json::Value::Null
    };
    ([ $($items:tt)* ]) => {
        $crate::json::Value::Array($crate::__json_items!([] $($items)*))
    };
    ({}) => {
        $crate::json::Value::Object($crate::json::Map::new())
    };
    ({ $($members:tt)+ }) => {
        $crate::json::Value::Object($crate::__json_members!([] $($members)+))
    };
    ($value:expr) => {
        $crate::json::ToJson::to_json(&$value)
    };
}

/// Array items for `json!`: `null`, `{…}`, `[…]` or an expression, comma separated,
/// gathered as expressions in the first group.
#[doc(hidden)]
#[macro_export]
macro_rules! __json_items {
    ([$($done:expr,)*]) => {
        ::std::vec![$($done),*]
    };
    ([$($done:expr,)*] null $(, $($rest:tt)*)?) => {
        $crate::__json_items!([$($done,)* $crate::json::Value::Null,] $($($rest)*)?)
    };
    ([$($done:expr,)*] { $($inner:tt)* } $(, $($rest:tt)*)?) => {
        $crate::__json_items!([$($done,)* $crate::json!({ $($inner)* }),] $($($rest)*)?)
    };
    ([$($done:expr,)*] [ $($inner:tt)* ] $(, $($rest:tt)*)?) => {
        $crate::__json_items!([$($done,)* $crate::json!([ $($inner)* ]),] $($($rest)*)?)
    };
    ([$($done:expr,)*] $value:expr $(, $($rest:tt)*)?) => {
        $crate::__json_items!([$($done,)* $crate::json!($value),] $($($rest)*)?)
    };
}

/// Object members for `json!`: `"key": value` or `(key): value`, comma separated,
/// gathered as `(key, value)` expressions in the first group.
#[doc(hidden)]
#[macro_export]
macro_rules! __json_members {
    ([$($done:expr,)*]) => {
        ::std::iter::IntoIterator::into_iter([$($done),*]).collect::<$crate::json::Map<_, _>>()
    };
    ([$($done:expr,)*] $key:literal : $($rest:tt)*) => {
        $crate::__json_member!([$($done,)*] ($key) $($rest)*)
    };
    ([$($done:expr,)*] ($key:expr) : $($rest:tt)*) => {
        $crate::__json_member!([$($done,)*] ($key) $($rest)*)
    };
}

/// One member's value for `json!`, then the members after it.
#[doc(hidden)]
#[macro_export]
macro_rules! __json_member {
    ([$($done:expr,)*] ($key:expr) null $(, $($rest:tt)*)?) => {
        $crate::__json_members!([$($done,)* (::std::string::String::from($key), $crate::json::Value::Null),] $($($rest)*)?)
    };
    ([$($done:expr,)*] ($key:expr) { $($inner:tt)* } $(, $($rest:tt)*)?) => {
        $crate::__json_members!([$($done,)* (::std::string::String::from($key), $crate::json!({ $($inner)* })),] $($($rest)*)?)
    };
    ([$($done:expr,)*] ($key:expr) [ $($inner:tt)* ] $(, $($rest:tt)*)?) => {
        $crate::__json_members!([$($done,)* (::std::string::String::from($key), $crate::json!([ $($inner)* ])),] $($($rest)*)?)
    };
    ([$($done:expr,)*] ($key:expr) $value:expr $(, $($rest:tt)*)?) => {
        $crate::__json_members!([$($done,)* (::std::string::String::from($key), $crate::json!($value)),] $($($rest)*)?)
    };
}

#[cfg(test)]
mod tests {
    use crate::json::{self, Map, Value};

    #[test]
    fn json_is_written_as_serde_json_writes_it() {
        let name = String::from("n");
        let none: Option<&str> = None;
        let parts = ["a", "b"];
        let v = json!({
            "null": null,
            "nested": {"list": [1, null, {"deep": [true]}, [], {}], "none": none},
            "call": parts.join(","),
            "list": [parts.concat(), parts.len(), -1, 0.5, i64::MIN,],
            (name): Some(3u16),
            "last": false,
        });
        assert_eq!(
            json::to_string(&v),
            concat!(
                r#"{"call":"a,b","last":false,"list":["ab",2,-1,0.5,-9223372036854775808],"#,
                r#""n":3,"nested":{"list":[1,null,{"deep":[true]},[],{}],"none":null},"null":null}"#
            )
        );
        assert_eq!(json!({}), Value::Object(Map::new()));
        assert_eq!(json!([]), Value::Array(vec![]));
        assert_eq!(json!(v["list"][1]), json!(2));
        let text = serde_json::json!({"a": [1, {"b": null}], "c": "d"}).to_string();
        assert_eq!(
            json::from_str(&text).unwrap(),
            json!({"a": [1, {"b": null}], "c": "d"})
        );
    }
}
