#!/usr/bin/env bash
# Writes fixtures/goldens/protoc35/googleapis.digest, the digest of protoc
# 35's descriptor set for every googleapis file (--include_imports), and
# googleapis-mid-source-info.digest (googleapis-mid with SourceCodeInfo),
# and fixtures/goldens/protoc35/protobuf.digests, one digest per protobuf
# test file compiled alone with SourceCodeInfo; scripts/corpus-check.sh compares protoc-rs's output
# with them. Needs grpcio-tools.
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

# googleapis-mid with SourceCodeInfo.
(cd "$corpus" && python3 -m grpc_tools.protoc -I googleapis -I protobuf --include_imports \
  --include_source_info -o "$scratch/mid.pb" $(cat googleapis-mid.txt)) 2>/dev/null
cargo run --quiet --release --example descriptor_diff -- --digest "$scratch/mid.pb" \
  > fixtures/goldens/protoc35/googleapis-mid-source-info.digest
cat fixtures/goldens/protoc35/googleapis-mid-source-info.digest

# protobuf's own test protos, each compiled alone with its imports and
# SourceCodeInfo: one digest per file, of every file of its set.
while read -r file; do
  (cd "$corpus/protobuf" && python3 -m grpc_tools.protoc -I . --include_imports \
    --include_source_info -o "$scratch/one.pb" "$file") 2>/dev/null
  echo "$file $(cargo run --quiet --release --example descriptor_diff -- --digest-all "$scratch/one.pb")"
done < "$corpus/protobuf-files.txt" > fixtures/goldens/protoc35/protobuf.digests
wc -l fixtures/goldens/protoc35/protobuf.digests
