#!/usr/bin/env bash
# Regenerates the Rust goldens: for every fixtures/codegen/*.proto, the real
# tonic-prost-build 0.14 (and prost-build 0.14 through it) is called as a
# build script calls it, `configure().compile_protos(...)` with its defaults
# (cargo run -p xtask -- prost-build), with $PROTOC pointing at protoc 35,
# and writes fixtures/goldens/prost-build/<name>/. tests/codegen_parity.rs
# compares protoc_rs::tonic's output with these files.
# Needs: pip install grpcio-tools (protoc 35).
set -euo pipefail
cd "$(dirname "$0")/.."
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
# prost-build runs $PROTOC; this one is protoc 35.
# shellcheck source=lib/protoc35.sh
. scripts/lib/protoc35.sh
protoc35_wrapper "$scratch"
export PROTOC=$scratch/protoc
unset PROTOC_INCLUDE
cargo build --quiet -p xtask
xtask=$(realpath "${CARGO_TARGET_DIR:-target}/debug/xtask")
for proto in fixtures/codegen/*.proto; do
  name=$(basename "$proto" .proto)
  out="fixtures/goldens/prost-build/$name"
  rm -rf "$out"
  (cd fixtures/codegen && "$xtask" prost-build "$OLDPWD/$out" . -- "$name.proto")
done

# googleapis-mid: too large to commit, so one digest per generated file (its
# content after the first line), which scripts/corpus-check.sh compares.
corpus=${CORPUS:-../shared/corpus}
if [ -d "$corpus" ]; then
  root=$PWD
  (cd "$corpus" && "$xtask" prost-build "$scratch/mid" googleapis protobuf -- \
    $(cat googleapis-mid.txt)) 2>/dev/null
  (cd "$scratch/mid" && for f in *.rs; do
    echo "$f $(tail -n +2 "$f" | sha256sum | cut -d' ' -f1)"
  done) > fixtures/goldens/prost-build/googleapis-mid.digests
  wc -l fixtures/goldens/prost-build/googleapis-mid.digests
fi
echo "goldens written in fixtures/goldens/prost-build/"
