#!/usr/bin/env bash
# Regenerates the wire-format goldens: each fixtures/codegen/encode/
# <file>.<Message>.txtpb is a text-format message of fixtures/codegen/<file>.proto,
# which protoc 35 (`--encode`) turns into fixtures/goldens/protoc-encode/
# <file>.<Message>.bin. The codegen-tests crate decodes and re-encodes them
# with the generated prost types. The editions fixtures
# (fixtures/codegen/editions/encode/) go the same way, their goldens named
# editions.<file>.<Message>.bin. Needs: pip install grpcio-tools.
set -euo pipefail
cd "$(dirname "$0")/.."
out=fixtures/goldens/protoc-encode
rm -rf "$out"
mkdir -p "$out"
for text in fixtures/codegen/encode/*.txtpb; do
  name=$(basename "$text" .txtpb)
  file=${name%%.*}
  message=${name#*.}
  python3 -m grpc_tools.protoc -I fixtures/codegen --encode="$message" "$file.proto" \
    < "$text" > "$out/$name.bin"
done
for text in fixtures/codegen/editions/encode/*.txtpb; do
  name=$(basename "$text" .txtpb)
  file=${name%%.*}
  message=${name#*.}
  python3 -m grpc_tools.protoc -I fixtures/codegen/editions --encode="$message" "$file.proto" \
    < "$text" > "$out/editions.$name.bin"
done
echo "goldens written in $out"
