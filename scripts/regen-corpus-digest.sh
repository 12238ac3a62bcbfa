#!/usr/bin/env bash
# Writes fixtures/goldens/protoc35/googleapis.digest: the digest of protoc
# 35's descriptor set for every googleapis file (--include_imports), which
# scripts/corpus-check.sh compares with protoc-rs's. Needs grpcio-tools.
set -euo pipefail
cd "$(dirname "$0")/.."
corpus=${CORPUS:-../shared/corpus}
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
(cd "$corpus" && python3 -m grpc_tools.protoc -I googleapis -I protobuf --include_imports \
  -o "$scratch/set.pb" $(cat googleapis-files.txt)) 2>/dev/null
cargo run --quiet --release --example descriptor_diff -- --digest "$scratch/set.pb" \
  > fixtures/goldens/protoc35/googleapis.digest
cat fixtures/goldens/protoc35/googleapis.digest
