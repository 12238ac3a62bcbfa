//! prost-build's naming rules, the compatibility target: heck casing,
//! raw identifiers for keywords, `_` suffixes for the few names a raw
//! identifier cannot carry, and enum prefix stripping.

use heck::{ToSnakeCase, ToUpperCamelCase};

/// A name made a valid Rust identifier: keywords become raw identifiers
/// (`r#type`), `self`-like names get a `_` suffix, a leading digit a `_`
/// prefix.
pub fn sanitize_identifier(ident: &str) -> String {
    match ident {
        "as" | "break" | "const" | "continue" | "else" | "enum" | "false" | "fn" | "for" | "if"
        | "impl" | "in" | "let" | "loop" | "match" | "mod" | "move" | "mut" | "pub" | "ref"
        | "return" | "static" | "struct" | "trait" | "true" | "type" | "unsafe" | "use"
        | "where" | "while" | "dyn" | "abstract" | "become" | "box" | "do" | "final" | "macro"
        | "override" | "priv" | "typeof" | "unsized" | "virtual" | "yield" | "async" | "await"
        | "try" | "gen" => format!("r#{ident}"),
        "_" | "super" | "self" | "Self" | "extern" | "crate" => format!("{ident}_"),
        s if s.starts_with(|c: char| c.is_numeric()) => format!("_{ident}"),
        _ => ident.to_owned(),
    }
}

/// `FooBar` to `foo_bar`, sanitized.
pub fn to_snake(name: &str) -> String {
    sanitize_identifier(&name.to_snake_case())
}

/// `foo_bar` to `FooBar`, sanitized.
pub fn to_upper_camel(name: &str) -> String {
    sanitize_identifier(&name.to_upper_camel_case())
}

/// An enum variant without its enum's name in front (`ColorRed` in
/// `Color` becomes `Red`), unless what remains would not start with an
/// upper-case letter.
pub fn strip_enum_prefix(prefix: &str, name: &str) -> String {
    let stripped = name.strip_prefix(prefix).unwrap_or(name);
    let stripped = if stripped.chars().next().is_some_and(char::is_uppercase) {
        stripped
    } else {
        name
    };
    sanitize_identifier(stripped)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_like_prost_build() {
        assert_eq!(sanitize_identifier("type"), "r#type");
        assert_eq!(sanitize_identifier("self"), "self_");
        assert_eq!(sanitize_identifier("0foo"), "_0foo");
        assert_eq!(to_snake("XMLHttpRequest"), "xml_http_request");
        assert_eq!(to_snake("While"), "r#while");
        assert_eq!(to_upper_camel("foo_bar"), "FooBar");
        assert_eq!(strip_enum_prefix("Color", "ColorRed"), "Red");
        assert_eq!(strip_enum_prefix("Color", "Colorful"), "Colorful");
        assert_eq!(strip_enum_prefix("Foo", "FooSelf"), "Self_");
    }
}
