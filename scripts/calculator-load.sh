#!/usr/bin/env bash
# calculator-load.sh [CALCULATOR-LOAD ARGS...]
#
# Load figures for the calculator demo's server (demo/calculator), the ones
# quoted in the README's demo section. Builds the server and the load tool
# in release, then runs the tool, which starts `calculator serve` on an
# ephemeral port of 127.0.0.1 for each scenario and prints one line each:
#   - unary Calculate throughput and latency, 50 and 200 clients;
#   - a 1,000,000-message Accumulate stream, packed and one message per
#     DATA frame;
#   - 10,000 GuessNumber streams open at once (50 connections x 200), with
#     the server's RSS and descriptors from /proc;
#   - 1,000 stalled sockets (handshake timeout and keepalive), and 300 idle
#     connections against a server limited to 256 descriptors;
#   - SIGTERM with 50 streams open, and a second signal.
# Every loop is bounded (in time or count); the whole run takes about a
# minute. Linux only (/proc, setrlimit). Pass `--only SCENARIO` (unary,
# client-stream, bidi, idle, descriptors, shutdown) or `--seconds N` (each
# unary run, default 5) through to the tool. Exits non-zero if a scenario
# fails.
set -euo pipefail

cd "$(dirname "$0")/.."
cargo build --release -p calculator --bins
target_dir=${CARGO_TARGET_DIR:-target}
exec "$target_dir/release/calculator-load" --server "$target_dir/release/calculator" "$@"
