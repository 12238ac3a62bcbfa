//! The numeric and naming facts of a declaration that protoc derives while
//! building descriptors: where `max` ends a range, which messages are
//! MessageSets, and a field's default JSON name. Validation and the
//! descriptor builder both need them, so they live here, once.

use crate::source::SourceFile;
use crate::syntax::ast;

/// The largest field number: 2^29 - 1.
pub const MAX_FIELD_NUMBER: i32 = (1 << 29) - 1;

/// The first and last numbers protoc keeps for the protobuf implementation.
pub const IMPLEMENTATION_RESERVED: (i32, i32) = (19000, 19999);

/// protoc's `ToJsonName`: drop underscores, capitalizing what follows.
pub fn json_name(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut capitalize = false;
    for c in name.chars() {
        if c == '_' {
            capitalize = true;
        } else if capitalize {
            out.push(c.to_ascii_uppercase());
            capitalize = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// The exclusive end that `max` stands for in a message's ranges: one past
/// the largest field number, or 2^31-1 in a MessageSet.
pub fn range_max(message_set: bool) -> i32 {
    if message_set {
        i32::MAX
    } else {
        MAX_FIELD_NUMBER + 1
    }
}

/// A message range's exclusive end, as protoc stores it.
pub fn range_end(range: &ast::Range, max: i32) -> i32 {
    match range.end {
        ast::RangeEnd::Single => range.start.as_i32().wrapping_add(1),
        ast::RangeEnd::Int(end) => end.as_i32().wrapping_add(1),
        ast::RangeEnd::Max(_) => max,
    }
}

/// An enum range's inclusive end, as protoc stores it.
pub fn enum_range_end(range: &ast::Range) -> i32 {
    match range.end {
        ast::RangeEnd::Single => range.start.as_i32(),
        ast::RangeEnd::Int(end) => end.as_i32(),
        ast::RangeEnd::Max(_) => i32::MAX,
    }
}

/// `option message_set_wire_format = true;` in a message body, which moves
/// `max` to 2^31-1, as protoc's parser does.
pub fn is_message_set(source: &SourceFile, items: &[ast::MessageItem]) -> bool {
    items.iter().any(|item| match item {
        ast::MessageItem::Option(o) => {
            matches!(o.name.parts.as_slice(),
                [ast::OptionNamePart::Field(n)] if source.text(n.span) == "message_set_wire_format")
                && matches!(o.value.kind, ast::ValueKind::Ident(v) if source.text(v.span) == "true")
        }
        _ => false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_names_like_protoc() {
        assert_eq!(json_name("foo_bar_baz"), "fooBarBaz");
        assert_eq!(json_name("_foo"), "Foo");
        assert_eq!(json_name("foo__bar"), "fooBar");
        assert_eq!(json_name("FooBar"), "FooBar");
    }
}
