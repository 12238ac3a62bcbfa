//! Messages encoded by the generated prost types are the bytes protoc
//! writes for the same message (`protoc --encode`, goldens by
//! scripts/regen-encode-goldens.sh): each golden decodes and encodes back
//! to itself, and a few are also built field by field.

use std::path::PathBuf;

use codegen_tests::codegen::{maps, nested, proto2, recursive, scalars};
use codegen_tests::{work, Work};
use prost::Message;

fn golden(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../fixtures/goldens/protoc-encode")
        .join(format!("{name}.bin"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Decoding a golden and encoding the result gives the golden back.
fn round_trips<M: Message + Default>(name: &str) -> M {
    let bytes = golden(name);
    let message = M::decode(bytes.as_slice()).unwrap();
    assert_eq!(
        message.encode_to_vec(),
        bytes,
        "{name} does not re-encode to protoc's bytes"
    );
    message
}

#[test]
fn calculator_work_is_protocs_bytes() {
    let work = Work {
        num1: 100,
        num2: 20,
        op: work::Operation::Divide as i32,
    };
    assert_eq!(work.encode_to_vec(), golden("calculator.Work"));
    assert_eq!(round_trips::<Work>("calculator.Work"), work);
}

#[test]
fn scalars_round_trip() {
    let message: scalars::Scalars = round_trips("scalars.codegen.scalars.Scalars");
    assert_eq!(message.a_string, "héllo");
    assert_eq!(message.a_uint64, 18_000_000_000_000_000_000);
    assert_eq!(message.maybe, Some(0));
    assert_eq!(message.packed_ints, vec![1, 2, 300]);
    assert_eq!(message.some_bytes, vec![1, 2, 255]);
}

#[test]
fn proto2_defaults_and_groups() {
    let message: proto2::Defaults = round_trips("proto2.codegen.proto2.Defaults");
    assert_eq!(message.id, 42);
    // Unset optional fields read as their declared defaults.
    assert_eq!(message.name(), "an \"escaped\"\nname");
    assert_eq!(message.data(), b"\x01\xffabc");
    assert_eq!(message.level, Some(proto2::Level::Low as i32));
    assert_eq!(message.ratio(), -1.5);
    assert!(message.flag());
    assert_eq!(message.big(), u64::MAX);
    assert_eq!(
        message.result.unwrap().url.as_deref(),
        Some("https://example.com")
    );
}

#[test]
fn nested_types_and_oneofs() {
    let message: nested::Outer = round_trips("nested.codegen.nested.Outer");
    assert_eq!(message.r#type, "t");
    assert_eq!(message.self_, 3);
    assert_eq!(
        message.choice,
        Some(nested::outer::Choice::Text("chosen".into()))
    );
    assert_eq!(
        nested::outer::Kind::from_str_name("KIND_A"),
        Some(nested::outer::Kind::A)
    );
    assert_eq!(nested::Status::Ok.as_str_name(), "STATUS_OK");
}

#[test]
fn maps_round_trip() {
    let message: maps::Maps = round_trips("maps.codegen.maps.Maps");
    assert_eq!(message.counts.get("one"), Some(&1));
    assert_eq!(message.values[&7].text, "seven");
    assert_eq!(message.colors[&true], maps::Color::Blue as i32);
}

#[test]
fn recursive_fields_are_boxed() {
    let message: recursive::Node = round_trips("recursive.codegen.recursive.Node");
    let parent: Box<recursive::Node> = message.parent.unwrap();
    assert_eq!(parent.leaf.unwrap().weight, 3);
    assert_eq!(message.children.len(), 2);
}
