#!/usr/bin/env bash
# Regenerates src/pb/generated/google.protobuf.rs, the prost types
# of descriptor.proto as protoc 35 ships it. Needs: pip install grpcio-tools.
set -euo pipefail
cd "$(dirname "$0")/.."
include=$(python3 -c 'import grpc_tools, os; print(os.path.join(os.path.dirname(grpc_tools.__file__), "_proto"))')
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
python3 -m grpc_tools.protoc -I "$include" -o "$scratch/descriptor.pb" google/protobuf/descriptor.proto
cargo run --quiet -p xtask -- gen-descriptor-types "$scratch/descriptor.pb" src/pb/generated
# The schema of the options messages, for interpreting built-in options.
cp "$scratch/descriptor.pb" src/pb/generated/descriptor.pb
echo "wrote src/pb/generated/"
