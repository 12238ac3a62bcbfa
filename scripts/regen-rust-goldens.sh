#!/usr/bin/env bash
# Regenerates the Rust goldens: for every fixtures/codegen/*.proto, protoc 35
# (python3 -m grpc_tools.protoc) writes its descriptor set with imports and
# source info, and the real prost-build 0.14 (cargo run -p xtask --
# prost-build) turns it into Rust, into fixtures/goldens/prost-build/<name>/.
# tests/codegen_parity.rs compares protoc-rs's output with these files.
# Needs: pip install grpcio-tools.
set -euo pipefail
cd "$(dirname "$0")/.."
protoc=(python3 -m grpc_tools.protoc)
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
for proto in fixtures/codegen/*.proto; do
  name=$(basename "$proto" .proto)
  out="fixtures/goldens/prost-build/$name"
  rm -rf "$out"
  (cd fixtures/codegen && "${protoc[@]}" -I . --include_imports --include_source_info \
    -o "$scratch/$name.pb" "$name.proto")
  cargo run --quiet -p xtask -- prost-build "$scratch/$name.pb" "$out"
done
echo "goldens written in fixtures/goldens/prost-build/"
