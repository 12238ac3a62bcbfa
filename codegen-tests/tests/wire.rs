//! Messages encoded by the generated prost types are the bytes protoc
//! writes for the same message (`protoc --encode`, goldens by
//! scripts/regen-encode-goldens.sh): each golden decodes and encodes back
//! to itself, and a few are also built field by field.

use std::path::PathBuf;

use codegen_tests::codegen::{editions, maps, nested, proto2, recursive, scalars};
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

/// protoc encoded this from an edition 2023 file; the types generated from
/// the same file read it back field by field and write the same bytes, so
/// presence, packing, delimited encoding and closed enums follow the
/// features, not proto3's rules.
#[test]
fn editions_features_round_trip() {
    use editions::features::{Choice, Inner};
    let message: editions::Features = round_trips("editions.wire.codegen.editions.Features");
    // Implicit presence: a zero is not kept; explicit presence: it is.
    assert_eq!(message.implicit_zero, 0);
    assert_eq!(message.implicit_set, 7);
    assert_eq!(message.explicit_zero, Some(0));
    assert_eq!(message.explicit_text.as_deref(), Some(""));
    assert_eq!(message.packed, vec![1, 2, 300]);
    assert_eq!(message.expanded, vec![-1, 5]);
    assert_eq!(
        message.colors,
        vec![
            editions::Color::Red as i32,
            editions::Color::Unspecified as i32
        ]
    );
    assert_eq!(message.level, Some(editions::Level::High as i32));
    assert_eq!(
        message.levels,
        vec![editions::Level::Low as i32, editions::Level::High as i32]
    );
    assert_eq!(message.needed, 9_000_000_000);
    let inner = |value: i32, note: &str| Inner {
        value,
        note: note.into(),
    };
    assert_eq!(message.delimited, Some(inner(3, "grp")));
    assert_eq!(message.delimited_list, vec![inner(1, ""), inner(0, "two")]);
    assert_eq!(message.prefixed, Some(inner(4, "")));
    assert_eq!(message.choice, Some(Choice::DelimitedChoice(inner(5, ""))));

    // Built by hand, the message encodes to protoc's bytes too.
    let built = editions::Features {
        implicit_zero: 0,
        implicit_set: 7,
        explicit_zero: Some(0),
        explicit_text: Some(String::new()),
        packed: vec![1, 2, 300],
        expanded: vec![-1, 5],
        colors: vec![1, 0],
        level: Some(2),
        levels: vec![1, 2],
        needed: 9_000_000_000,
        delimited: Some(inner(3, "grp")),
        delimited_list: vec![inner(1, ""), inner(0, "two")],
        prefixed: Some(inner(4, "")),
        choice: Some(Choice::DelimitedChoice(inner(5, ""))),
    };
    assert_eq!(
        built.encode_to_vec(),
        golden("editions.wire.codegen.editions.Features")
    );
}
