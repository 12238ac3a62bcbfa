#!/usr/bin/env bash
# The seed tutorial end to end with protoc-rs as its only generator.
#
# 1. A clean virtualenv with only the runtimes, grpcio and protobuf, at the
#    versions the generated headers name (no grpcio-tools in it).
# 2. The seed's modules generated twice: by protoc-rs (through bare-run:
#    no protoc, no Python) and, for reference, by grpcio-tools' protoc.
# 3. With each set of modules: the seed's server.py, unchanged; then the
#    seed's client.py, unchanged but for which of its four calls is
#    enabled (its `run()` enables one and comments out the others), once
#    per call, and once exactly as shipped. The client's random numbers
#    are seeded, so that the two runs can be compared. Every printed line
#    must be the same with protoc-rs's modules as with grpcio-tools'.
#    (In GuessNumber the client prints its numbers from one thread while
#    the answers stream back on another, so the two interleave by timing,
#    even within a line; each kind is compared in its own order.)
# 4. The calculator's Rust client against the seed's Python server
#    (protoc-rs's modules), and the seed's Python client (protoc-rs's
#    modules) against the calculator's Rust server: the same lines again.
#
# Usage: scripts/seed-python-check.sh   (builds protoc-rs in release mode
# and the calculator in the test profile's debug mode, which `cargo test`
# has mostly built; uses port 8888, which the seed hard-codes)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

# shellcheck source=lib/protoc35.sh
. scripts/lib/protoc35.sh
protoc35_require
# shellcheck source=lib/python-versions.sh
. scripts/lib/python-versions.sh
python_versions

seed=${SEED:-$root/../shared/seed}
bare_run=${BARE_RUN:-$root/../shared/tools/bare-run}
venv=$root/target/seed-venv
# The runtimes the generated code was written for: `_pb2.py` checks
# protobuf's, `_pb2_grpc.py` grpcio's (src/codegen/python/mod.rs).
runtimes=("grpcio==$grpcio_version" "protobuf==$protobuf_python_version")

cargo build --release --quiet --features cli --bin protoc-rs
cargo build --quiet -p calculator
protoc_rs=$root/target/release/protoc-rs
calculator=$root/target/debug/calculator

# Made again when the pins change.
if [ "$(cat "$venv/pins" 2> /dev/null)" != "${runtimes[*]}" ]; then
  echo "== a clean virtualenv with ${runtimes[*]}" >&2
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "${runtimes[@]}"
  echo "${runtimes[*]}" > "$venv/pins"
fi
if "$venv/bin/python" -c 'import grpc_tools' 2> /dev/null; then
  echo "seed-python-check: the virtualenv has grpcio-tools; it must not" >&2
  exit 1
fi

scratch=$(mktemp -d)
server_pid=
stop_server() {
  if [ -n "$server_pid" ]; then
    kill "$server_pid" 2> /dev/null || true
    wait "$server_pid" 2> /dev/null || true
    server_pid=
  fi
}
trap 'stop_server; rm -rf "$scratch"' EXIT

# --- the modules ----------------------------------------------------------
mkdir -p "$scratch/protoc-rs" "$scratch/grpcio-tools"
cp "$seed/server.py" "$seed/client.py" "$scratch/protoc-rs/"
cp "$seed/server.py" "$seed/client.py" "$scratch/grpcio-tools/"
# The tutorial's command, with protoc-rs in place of grpc_tools.protoc.
(cd "$seed/protos" && "$bare_run" "$protoc_rs" -I. --python_out="$scratch/protoc-rs" \
  --grpc_python_out="$scratch/protoc-rs" test.proto)
(cd "$seed/protos" && "${protoc35[@]}" -I. --python_out="$scratch/grpcio-tools" \
  --grpc_python_out="$scratch/grpcio-tools" test.proto)
for module in test_pb2.py test_pb2_grpc.py; do
  cmp "$scratch/protoc-rs/$module" "$scratch/grpcio-tools/$module"
done
echo "modules: test_pb2.py and test_pb2_grpc.py byte-identical to grpcio-tools'"

# --- servers and clients --------------------------------------------------
wait_for_port() {
  for _ in $(seq 1 100); do
    if "$venv/bin/python" -c 'import socket; socket.create_connection(("127.0.0.1", 8888), 1)' 2> /dev/null; then
      return 0
    fi
    sleep 0.1
  done
  echo "seed-python-check: nothing listens on 127.0.0.1:8888" >&2
  exit 1
}

start_python_server() {
  (cd "$1" && exec "$venv/bin/python" -u server.py > "$1/server.log" 2>&1) &
  server_pid=$!
  wait_for_port
}

start_rust_server() {
  "$calculator" serve > "$scratch/rust-server.log" 2>&1 &
  server_pid=$!
  wait_for_port
}

calls=(invoke_calculate invoke_get_subjects invoke_accumulate invoke_guess_number)

# Runs the seed's client in DIR with only CALL enabled (or as shipped, for
# `shipped`), its random numbers seeded; prints what it printed.
run_client() {
  local dir=$1 call=$2 variant=$1/client-$2.py
  if [ "$call" = shipped ]; then
    cp "$dir/client.py" "$variant"
  else
    sed -E -e 's/^( *)(# )?(invoke_[a-z_]+\(stub\))$/\1# \3/' \
      -e "s/^( *)# ($call\\(stub\\))\$/\\1\\2/" "$dir/client.py" > "$variant"
    [ "$(grep -cE '^ *invoke_[a-z_]+\(stub\)$' "$variant")" -eq 1 ] ||
      { echo "seed-python-check: could not enable $call alone in client.py" >&2; exit 1; }
  fi
  (cd "$dir" && "$venv/bin/python" -c \
    'import random, runpy, sys; random.seed(2026); runpy.run_path(sys.argv[1], run_name="__main__")' \
    "$variant")
}

# GuessNumber's output as two sequences: the numbers sent, then the
# `bingo: N` answers (N is one digit: the server answers 0 to 9 only, and
# a number printed right after an answer may be glued to it).
untangle() {
  "$venv/bin/python" -c '
import re, sys
text = open(sys.argv[1], encoding="utf-8").read()
answers = re.findall(r"bingo: [0-9]", text)
sent = re.sub(r"bingo: [0-9]", " ", text).split()
print("\n".join(sent + answers))' "$1"
}

# All client runs against the server now listening: OUT gets one block
# per call.
run_clients() {
  local dir=$1 out=$2
  : > "$out"
  for call in "${calls[@]}" shipped; do
    echo "-- $call" >> "$out"
    run_client "$dir" "$call" > "$dir/printed"
    case $call in
      invoke_guess_number | shipped) untangle "$dir/printed" >> "$out" ;;
      *) cat "$dir/printed" >> "$out" ;;
    esac
  done
}

failed=0
same() {
  if [ ! -s "$2" ]; then
    echo "$1: nothing printed" >&2
    failed=1
  elif cmp -s "$2" "$3"; then
    echo "$1: same ($(grep -vc '^-- ' "$2") lines)"
  else
    echo "$1: DIFFERENT" >&2
    diff "$2" "$3" | head -20 >&2 || true
    failed=1
  fi
}

for modules in grpcio-tools protoc-rs; do
  start_python_server "$scratch/$modules"
  run_clients "$scratch/$modules" "$scratch/$modules.python-server"
  if [ "$modules" = protoc-rs ]; then
    # The calculator's Rust client against the seed's Python server.
    "$calculator" client > "$scratch/rust-client.out"
  fi
  stop_server
done
same "seed server and client, protoc-rs's modules against grpcio-tools'" \
  "$scratch/grpcio-tools.python-server" "$scratch/protoc-rs.python-server"

# The Rust client's random deltas and guesses are its own: compare the
# lines that do not depend on them.
grep -v '^-- ' "$scratch/grpcio-tools.python-server" |
  sed -n '1,5p' > "$scratch/expected-calculate"
head -5 "$scratch/rust-client.out" > "$scratch/rust-calculate"
same "Rust client against the seed's Python server (Calculate)" \
  "$scratch/expected-calculate" "$scratch/rust-calculate"
sed -n '/^-- invoke_get_subjects$/,/^-- invoke_accumulate$/p' "$scratch/grpcio-tools.python-server" |
  grep -v '^-- ' > "$scratch/expected-subjects"
sed -n "6,$((5 + $(wc -l < "$scratch/expected-subjects")))p" "$scratch/rust-client.out" > "$scratch/rust-subjects"
same "Rust client against the seed's Python server (GetSubjects)" \
  "$scratch/expected-subjects" "$scratch/rust-subjects"
grep -q '^sum=' "$scratch/rust-client.out" ||
  { echo "Rust client: no Accumulate result" >&2; failed=1; }

start_rust_server
run_clients "$scratch/protoc-rs" "$scratch/protoc-rs.rust-server"
stop_server
same "seed client (protoc-rs's modules) against the Rust server" \
  "$scratch/grpcio-tools.python-server" "$scratch/protoc-rs.rust-server"

exit "$failed"
