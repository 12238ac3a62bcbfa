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

# googleapis-mid: too large to commit, so one digest per generated file (its
# content after the first line), which scripts/corpus-check.sh compares.
corpus=${CORPUS:-../shared/corpus}
if [ -d "$corpus" ]; then
  (cd "$corpus" && "${protoc[@]}" -I googleapis -I protobuf --include_imports \
    --include_source_info -o "$scratch/mid.pb" $(cat googleapis-mid.txt)) 2>/dev/null
  cargo run --quiet -p xtask -- prost-build "$scratch/mid.pb" "$scratch/mid"
  (cd "$scratch/mid" && for f in *.rs; do
    echo "$f $(tail -n +2 "$f" | sha256sum | cut -d' ' -f1)"
  done) > fixtures/goldens/prost-build/googleapis-mid.digests
  wc -l fixtures/goldens/prost-build/googleapis-mid.digests
fi
echo "goldens written in fixtures/goldens/prost-build/"
