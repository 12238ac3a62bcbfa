//! Text-format option values: the input is the body of an aggregate
//! option, `option (opt) = { ... };`, of a message with every kind of
//! field (scalars, repeated, nested, a group, a oneof, an enum, a map, an
//! extension, an Any), interpreted and encoded as protoc does.
#![no_main]

mod common;

use libfuzzer_sys::fuzz_target;

const BEFORE: &[u8] = b"syntax = \"proto2\";
package f;
import \"google/protobuf/any.proto\";
import \"google/protobuf/descriptor.proto\";
message Opt {
  optional int32 i = 1;
  repeated string s = 2;
  optional Opt o = 3;
  optional group G = 4 { optional int32 x = 5; }
  oneof k { int64 a = 6; bytes b = 7; }
  optional E e = 8;
  map<string, int32> m = 9;
  optional google.protobuf.Any any = 10;
  optional double d = 11;
  optional bool flag = 12;
  repeated fixed32 packed = 13 [packed = true];
  extensions 100 to 200;
}
enum E { Z = 0; O = 1; }
extend Opt { optional int32 ext = 100; repeated Opt subs = 101; }
extend google.protobuf.FileOptions { optional Opt opt = 50000; }
option (opt) = {";
const AFTER: &[u8] = b"};\n";

fuzz_target!(|data: &[u8]| {
    // No NUL: the whole input stays inside a.proto's aggregate.
    if data.contains(&0) {
        return;
    }
    let mut text = BEFORE.to_vec();
    text.extend_from_slice(data);
    text.extend_from_slice(AFTER);
    let compilation = common::compile_parts(&text);
    if !compilation.has_errors() {
        let _ = compilation.descriptor_set_with(protoc_rs::descriptors::SetOptions {
            include_imports: false,
            include_source_info: true,
            retain_options: true,
            ..Default::default()
        });
    }
});
