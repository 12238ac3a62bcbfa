#!/usr/bin/env bash
# Rewrites proto2/proto3 files as the same files in edition 2023 or 2024,
# by protobuf's migration rules (tests/support/editions_migration.rs says
# which), keeping every comment in place.
#
# Usage: scripts/editions-rewrite.sh 2023|2024 ROOT OUT_DIR FILE...
#   FILE is relative to ROOT; each is written at the same path under
#   OUT_DIR. A file that cannot be rewritten is named, and the exit status
#   is 1.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cargo build -q -p xtask --manifest-path "$root/Cargo.toml"
exec "$root/target/debug/xtask" editions-rewrite "$@"
