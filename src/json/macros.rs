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
        $crate::json::Value::Array({
            #[allow(unused_mut)]
            let mut items = ::std::vec::Vec::<$crate::json::Value>::new();
            $crate::__json_items!(items $($items)*);
            items
        })
    };
    ({ $($members:tt)* }) => {
        $crate::json::Value::Object({
            #[allow(unused_mut)]
            let mut members = ::std::vec::Vec::<(::std::string::String, $crate::json::Value)>::new();
            $crate::__json_members!(members $($members)*);
            members.into_iter().collect::<$crate::json::Map<_, _>>()
        })
    };
    ($value:expr) => {
        $crate::json::ToJson::to_json(&$value)
    };
}

/// Array items for `json!`: `null`, `{…}`, `[…]` or an expression, comma separated.
#[doc(hidden)]
#[macro_export]
macro_rules! __json_items {
    ($items:ident) => {};
    ($items:ident null $(, $($rest:tt)*)?) => {
        $items.push($crate::json::Value::Null);
        $crate::__json_items!($items $($($rest)*)?);
    };
    ($items:ident { $($inner:tt)* } $(, $($rest:tt)*)?) => {
        $items.push($crate::json!({ $($inner)* }));
        $crate::__json_items!($items $($($rest)*)?);
    };
    ($items:ident [ $($inner:tt)* ] $(, $($rest:tt)*)?) => {
        $items.push($crate::json!([ $($inner)* ]));
        $crate::__json_items!($items $($($rest)*)?);
    };
    ($items:ident $value:expr $(, $($rest:tt)*)?) => {
        $items.push($crate::json!($value));
        $crate::__json_items!($items $($($rest)*)?);
    };
}

/// Object members for `json!`: `"key": value` or `(key): value`, comma separated.
#[doc(hidden)]
#[macro_export]
macro_rules! __json_members {
    ($members:ident) => {};
    ($members:ident $key:literal : $($rest:tt)*) => {
        $crate::__json_member!($members ($key) $($rest)*);
    };
    ($members:ident ($key:expr) : $($rest:tt)*) => {
        $crate::__json_member!($members ($key) $($rest)*);
    };
}

/// One member's value for `json!`, then the members after it.
#[doc(hidden)]
#[macro_export]
macro_rules! __json_member {
    ($members:ident ($key:expr) null $(, $($rest:tt)*)?) => {
        $members.push((::std::string::String::from($key), $crate::json::Value::Null));
        $crate::__json_members!($members $($($rest)*)?);
    };
    ($members:ident ($key:expr) { $($inner:tt)* } $(, $($rest:tt)*)?) => {
        $members.push((::std::string::String::from($key), $crate::json!({ $($inner)* })));
        $crate::__json_members!($members $($($rest)*)?);
    };
    ($members:ident ($key:expr) [ $($inner:tt)* ] $(, $($rest:tt)*)?) => {
        $members.push((::std::string::String::from($key), $crate::json!([ $($inner)* ])));
        $crate::__json_members!($members $($($rest)*)?);
    };
    ($members:ident ($key:expr) $value:expr $(, $($rest:tt)*)?) => {
        $members.push((::std::string::String::from($key), $crate::json!($value)));
        $crate::__json_members!($members $($($rest)*)?);
    };
}
