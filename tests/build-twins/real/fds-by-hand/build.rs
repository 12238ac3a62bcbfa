// No .proto files and no protoc: the descriptors are built in code, as a
// tool that makes its own schema would, and handed to compile_fds.
use prost_types::field_descriptor_proto::{Label, Type};
use prost_types::{
    DescriptorProto, EnumDescriptorProto, EnumValueDescriptorProto, FieldDescriptorProto,
    FileDescriptorProto, FileDescriptorSet, MessageOptions, MethodDescriptorProto,
    OneofDescriptorProto, ServiceDescriptorProto,
};

fn field(name: &str, number: i32, label: Label, ty: Type, type_name: &str) -> FieldDescriptorProto {
    FieldDescriptorProto {
        name: Some(name.to_string()),
        number: Some(number),
        label: Some(label as i32),
        r#type: Some(ty as i32),
        type_name: (!type_name.is_empty()).then(|| type_name.to_string()),
        ..FieldDescriptorProto::default()
    }
}

fn in_oneof(mut field: FieldDescriptorProto, index: i32) -> FieldDescriptorProto {
    field.oneof_index = Some(index);
    field
}

fn message(name: &str, field: Vec<FieldDescriptorProto>) -> DescriptorProto {
    DescriptorProto {
        name: Some(name.to_string()),
        field,
        ..DescriptorProto::default()
    }
}

fn method(name: &str, input: &str, output: &str, server_streaming: bool) -> MethodDescriptorProto {
    MethodDescriptorProto {
        name: Some(name.to_string()),
        input_type: Some(input.to_string()),
        output_type: Some(output.to_string()),
        server_streaming: Some(server_streaming),
        ..MethodDescriptorProto::default()
    }
}

fn main() -> std::io::Result<()> {
    use Label::{Optional, Repeated};

    let mut attributes_entry = message(
        "AttributesEntry",
        vec![
            field("key", 1, Optional, Type::String, ""),
            field("value", 2, Optional, Type::String, ""),
        ],
    );
    attributes_entry.options = Some(MessageOptions {
        map_entry: Some(true),
        ..MessageOptions::default()
    });

    let mut tool = message(
        "Tool",
        vec![
            field("name", 1, Optional, Type::String, ""),
            field("weight_grams", 2, Optional, Type::Uint32, ""),
            field("kind", 3, Optional, Type::Enum, ".workshop.v1.Tool.Kind"),
            field(
                "attributes",
                4,
                Repeated,
                Type::Message,
                ".workshop.v1.Tool.AttributesEntry",
            ),
            field("serial", 5, Optional, Type::Bytes, ""),
            field("parts", 6, Repeated, Type::Message, ".workshop.v1.Part"),
            in_oneof(field("battery_volts", 7, Optional, Type::Uint32, ""), 0),
            in_oneof(field("cord_meters", 8, Optional, Type::Float, ""), 0),
        ],
    );
    tool.nested_type.push(attributes_entry);
    tool.enum_type.push(EnumDescriptorProto {
        name: Some("Kind".to_string()),
        value: ["KIND_UNSPECIFIED", "KIND_HAND", "KIND_POWER"]
            .iter()
            .zip(0..)
            .map(|(name, number)| EnumValueDescriptorProto {
                name: Some(name.to_string()),
                number: Some(number),
                ..EnumValueDescriptorProto::default()
            })
            .collect(),
        ..EnumDescriptorProto::default()
    });
    tool.oneof_decl.push(OneofDescriptorProto {
        name: Some("power".to_string()),
        ..OneofDescriptorProto::default()
    });

    let file = FileDescriptorProto {
        name: Some("workshop/v1/tools.proto".to_string()),
        package: Some("workshop.v1".to_string()),
        syntax: Some("proto3".to_string()),
        message_type: vec![
            tool,
            message(
                "Part",
                vec![
                    field("name", 1, Optional, Type::String, ""),
                    field("subparts", 2, Repeated, Type::Message, ".workshop.v1.Part"),
                ],
            ),
            message(
                "LendRequest",
                vec![field("tool_name", 1, Optional, Type::String, "")],
            ),
        ],
        service: vec![ServiceDescriptorProto {
            name: Some("Toolbox".to_string()),
            method: vec![
                method(
                    "Lend",
                    ".workshop.v1.LendRequest",
                    ".workshop.v1.Tool",
                    false,
                ),
                method(
                    "Inventory",
                    ".workshop.v1.LendRequest",
                    ".workshop.v1.Tool",
                    true,
                ),
            ],
            ..ServiceDescriptorProto::default()
        }],
        ..FileDescriptorProto::default()
    };

    tonic_prost_build::configure()
        .build_transport(false)
        .compile_fds(FileDescriptorSet { file: vec![file] })
}
