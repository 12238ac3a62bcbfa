#!/usr/bin/env bash
# Rewrites proto2/proto3 files as the same files in edition 2023 or 2024,
# by protobuf's migration rules (tests/support/editions_rewrite.rs says
# which), keeping every comment attached where it was.
#
# Usage: scripts/editions-rewrite.sh --edition 2023|2024 --out OUT_DIR [-I ROOT] FILE...
#    or: scripts/editions-rewrite.sh 2023|2024 ROOT OUT_DIR FILE...
#   FILE is relative to ROOT (default .); each is written at the same path
#   under OUT_DIR. A file that cannot be rewritten (already in editions, a
#   weak import in 2024, descriptor.proto) is named on stderr and skipped,
#   and the exit status is 1.
#
# Check the result with protoc 35 and scripts/editions-rewrite-check.py,
# e.g. for googleapis-mid (c=$PWD/../shared/corpus, p="python3 -m grpc_tools.protoc",
# o="--include_imports --include_source_info --retain_options"):
#   scripts/editions-rewrite.sh --edition 2024 --out /tmp/out -I $c/googleapis $(cat $c/googleapis-mid.txt)
#   (cd $c/googleapis && $p -I . -I ../protobuf $o -o /tmp/original.pb $(cat ../googleapis-mid.txt))
#   (cd /tmp/out && $p -I . -I $c/googleapis -I $c/protobuf $o -o /tmp/rewritten.pb $(cat $c/googleapis-mid.txt))
#   scripts/editions-rewrite-check.py /tmp/original.pb /tmp/rewritten.pb
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cargo build -q -p xtask --manifest-path "$root/Cargo.toml"
exec "$root/target/debug/xtask" editions-rewrite "$@"
