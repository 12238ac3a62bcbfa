#!/usr/bin/env bash
# Benchmarks for hostile input sizes (BENCHMARKS.md, "Hostile inputs"):
#   1. a chain of N messages, each holding the next, to Rust: protoc-rs's
#      --rust-out against prost-build (xtask prost-build, protoc 35), wall
#      time of each and whether the code is the same after the header line;
#   2. peak memory of one large generated .proto (SIZES, in MB), to a
#      descriptor set with and without source info and to Rust, as a
#      multiple of the input's size, and protoc 3.21's when installed.
#
# Usage: scripts/bench-hostile.sh [CHAIN_LENGTHS] [SIZES]
#   defaults: "400 800 1600" and "10 40"
# Needs: grpcio-tools (protoc 35, for prost-build), GNU time.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
lengths=${1:-"400 800 1600"}
sizes=${2:-"10 40"}
# shellcheck source=lib/protoc35.sh
. "$root/scripts/lib/protoc35.sh"
protoc35_require
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
protoc35_wrapper "$work"
cargo build -q --release --features cli --bin protoc-rs --manifest-path "$root/Cargo.toml"
cargo build -q --release -p xtask --manifest-path "$root/Cargo.toml"
bin="$root/target/release/protoc-rs"
xtask="$root/target/release/xtask"

# seconds and peak KiB of a command, as "S KIB".
measure() {
  /usr/bin/time -f "%e %M" -o "$work/time" "$@" > /dev/null 2> "$work/stderr" ||
    { cat "$work/stderr" >&2; exit 1; }
  cat "$work/time"
}

echo "| messages in the chain | protoc-rs --rust-out | prost-build + protoc 35 | ratio | same code |"
echo "|---|---|---|---|---|"
for n in $lengths; do
  python3 - "$n" > "$work/chain.proto" << 'EOF'
import sys
n = int(sys.argv[1])
print('syntax = "proto3";\npackage chain;')
for i in range(n):
    print(f"message M{i} {{ M{i + 1} next = 1; int32 v = 2; }}")
print(f"message M{n} {{ int32 v = 1; }}")
EOF
  rm -rf "$work/rs" "$work/pb" && mkdir "$work/pb"
  read -r ours _ < <(measure "$bin" compile -I "$work" --rust-out "$work/rs" "$work/chain.proto")
  read -r theirs _ < <(PROTOC="$work/protoc" measure "$xtask" prost-build "$work/pb" "$work" -- "$work/chain.proto")
  same=no
  cmp -s <(tail -n +2 "$work/rs/chain.rs") <(tail -n +2 "$work/pb/chain.rs") && same=yes
  ratio=$(python3 -c "print(f'{$ours / $theirs:.3f}x')")
  echo "| $n | ${ours} s | ${theirs} s | $ratio | $same |"
done

echo
echo "| input | -o --include_source_info | x input | -o | x input | --rust-out | x input | protoc 3.21 -o --include_source_info | x input |"
echo "|---|---|---|---|---|---|---|---|---|"
for mb in $sizes; do
  python3 "$root/scripts/lib/scale.py" big-stdout "$mb" > "$work/big.proto"
  bytes=$(stat -c %s "$work/big.proto")
  read -r _ info_kib < <(measure "$bin" compile -I "$work" --include_source_info -o "$work/big.pb" "$work/big.proto")
  read -r _ set_kib < <(measure "$bin" compile -I "$work" -o "$work/big.pb" "$work/big.proto")
  rm -rf "$work/big-rs"
  read -r _ rust_kib < <(measure "$bin" compile -I "$work" --rust-out "$work/big-rs" "$work/big.proto")
  rm -rf "$work/big-rs" "$work/big.pb"
  # protoc 3.21 (apt's protobuf-compiler), for scale, when installed.
  protoc_kib=0
  if command -v protoc > /dev/null; then
    read -r _ protoc_kib < <(measure protoc -I "$work" --include_source_info -o "$work/big.pb" "$work/big.proto")
    rm -f "$work/big.pb"
  fi
  python3 - "$bytes" "$info_kib" "$set_kib" "$rust_kib" "$protoc_kib" << 'EOF'
import sys
size, *kibs = (int(a) for a in sys.argv[1:])
cells = []
for kib in kibs:
    cells += ["-", "-"] if kib == 0 else [f"{kib / 1024:.0f} MiB", f"{kib * 1024 / size:.1f}x"]
print(f"| {size / 1048576:.0f} MiB | " + " | ".join(cells) + " |")
EOF
done
