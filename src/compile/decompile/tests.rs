use super::*;
use crate::pb::descriptor_proto::{ExtensionRange, ReservedRange};

fn field(
    name: &str,
    number: i32,
    label: Label,
    ty: Type,
    type_name: &str,
) -> pb::FieldDescriptorProto {
    pb::FieldDescriptorProto {
        name: Some(name.into()),
        number: Some(number),
        label: Some(label as i32),
        r#type: Some(ty as i32),
        type_name: (!type_name.is_empty()).then(|| type_name.into()),
        json_name: Some(shape::json_name(name)),
        ..Default::default()
    }
}

fn print(file: &pb::FileDescriptorProto) -> Decompiled {
    let universe = Universe::new(crate::builtin::files());
    decompile(file, &universe).unwrap()
}

#[test]
fn groups_and_map_entries_are_printed_at_their_fields() {
    let entry = pb::DescriptorProto {
        name: Some("TagsEntry".into()),
        field: vec![
            field("key", 1, Label::Optional, Type::String, ""),
            field("value", 2, Label::Optional, Type::Int32, ""),
        ],
        options: Some(Box::new(pb::WithUnknown {
            known: pb::MessageOptions {
                map_entry: Some(true),
                ..Default::default()
            },
            unknown: Vec::new(),
        })),
        ..Default::default()
    };
    let message = pb::DescriptorProto {
        name: Some("M".into()),
        field: vec![
            field("a", 1, Label::Optional, Type::Int32, ""),
            field("g", 2, Label::Optional, Type::Group, ".p.M.G"),
            field("tags", 3, Label::Repeated, Type::Message, ".p.M.TagsEntry"),
        ],
        nested_type: vec![
            pb::DescriptorProto {
                name: Some("Before".into()),
                ..Default::default()
            },
            pb::DescriptorProto {
                name: Some("G".into()),
                field: vec![field("x", 1, Label::Required, Type::Bool, "")],
                ..Default::default()
            },
            entry,
        ],
        extension_range: vec![ExtensionRange {
            start: Some(100),
            end: Some(536_870_912),
            options: None,
        }],
        reserved_range: vec![
            ReservedRange {
                start: Some(5),
                end: Some(6),
            },
            ReservedRange {
                start: Some(8),
                end: Some(11),
            },
        ],
        reserved_name: vec!["old".into()],
        ..Default::default()
    };
    let file = pb::FileDescriptorProto {
        name: Some("p.proto".into()),
        package: Some("p".into()),
        message_type: vec![message],
        ..Default::default()
    };
    assert_eq!(
        print(&file).text,
        "syntax = \"proto2\";\n\
         package p;\n\
         message M {\n  \
           message Before {\n  }\n  \
           optional int32 a = 1;\n  \
           optional group G = 2 {\n    \
             required bool x = 1;\n  \
           }\n  \
           map<string, int32> tags = 3;\n  \
           extensions 100 to max;\n  \
           reserved 5, 8 to 10;\n  \
           reserved \"old\";\n\
         }\n"
    );
}

#[test]
fn custom_options_are_kept_as_bytes_at_their_element() {
    let known = pb::FieldOptions {
        deprecated: Some(true),
        ..Default::default()
    };
    let mut f = field("a", 1, Label::Optional, Type::Int32, "");
    // Field 50000, varint 7: a custom option the text cannot name.
    f.options = Some(Box::new(pb::WithUnknown {
        known,
        unknown: vec![0x80, 0xb5, 0x18, 0x07],
    }));
    let file = pb::FileDescriptorProto {
        name: Some("p.proto".into()),
        syntax: Some("proto3".into()),
        message_type: vec![pb::DescriptorProto {
            name: Some("M".into()),
            field: vec![f],
            ..Default::default()
        }],
        ..Default::default()
    };
    let printed = print(&file);
    assert_eq!(
        printed.text,
        "syntax = \"proto3\";\nmessage M {\n  int32 a = 1 [deprecated = true];\n}\n"
    );
    let offset = printed.text.find("a = 1").unwrap() as u32;
    assert_eq!(
        printed.raw_options,
        vec![RawOptions {
            offset,
            target: Target::Field,
            bytes: vec![0x80, 0xb5, 0x18, 0x07],
        }]
    );
}

#[test]
fn values_that_need_escaping_or_exact_digits_read_back() {
    assert_eq!(quote(b"a\"b\\c\n\x01\xff"), "\"a\\\"b\\\\c\\n\\001\\377\"");
    assert_eq!(message_range(1, 2, 536_870_912), "1");
    assert_eq!(message_range(1, 536_870_912, 536_870_912), "1 to max");
    assert_eq!(message_range(1, 5, i32::MAX), "1 to 4");
}

#[test]
fn descriptors_protoc_would_not_print_the_same_way_are_errors() {
    let mut group = field("notg", 1, Label::Optional, Type::Group, ".G");
    group.type_name = Some(".G".into());
    let file = pb::FileDescriptorProto {
        name: Some("p.proto".into()),
        message_type: vec![pb::DescriptorProto {
            name: Some("M".into()),
            field: vec![group],
            ..Default::default()
        }],
        ..Default::default()
    };
    let universe = Universe::new(crate::builtin::files());
    assert!(decompile(&file, &universe).is_err());
    let odd_syntax = pb::FileDescriptorProto {
        syntax: Some("proto4".into()),
        ..Default::default()
    };
    assert!(decompile(&odd_syntax, &universe).is_err());
}
