#!/usr/bin/env bash
# Side-by-side benchmarks of protoc-rs against protoc, on this machine:
# wall time with hyperfine (median of runs, after a warm-up) and peak memory
# with /usr/bin/time -v, for
#   1. all googleapis files to a descriptor set with --include-imports,
#   2. googleapis-mid to a descriptor set,
#   3. google/cloud/compute/v1/compute.proto alone,
#   4. the seed's small proto,
#   5. googleapis-mid to Rust code: protoc-rs --rust-out against protoc +
#      tonic-prost-build (through `xtask prost-build`, which is part of the
#      benchmark, not of the product).
# Tools: protoc (Debian's protobuf-compiler), `python3 -m grpc_tools.protoc`
# and protox when installed. Writes target/bench/results.md, the table
# BENCHMARKS.md quotes.
#
# Usage: scripts/bench.sh [RUNS]   (default 5)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
runs=${1:-5}
corpus=$(cd "${CORPUS:-../shared/corpus}" && pwd)
out="$root/target/bench"
mkdir -p "$out"
command -v hyperfine >/dev/null || { echo "bench: needs hyperfine (apt-get install hyperfine)" >&2; exit 1; }
cargo build --release --quiet --features cli --bin protoc-rs
cargo build --release --quiet -p xtask
ours="$root/target/release/protoc-rs"
xtask="$root/target/release/xtask"

tools=("protoc-rs=$ours compile")
command -v protoc >/dev/null && tools+=("protoc $(protoc --version | cut -d' ' -f2)=protoc")
python3 -c 'import grpc_tools' 2>/dev/null && tools+=("protoc 35 (grpcio-tools)=python3 -m grpc_tools.protoc")
command -v protox >/dev/null && tools+=("protox=protox")

# Each input as an argument file (one argument per line; protoc and
# protoc-rs both read `@FILE`): googleapis's file list is too long for one
# shell argument.
seed_dir="$root/fixtures"
args_for() {
  case "$1" in
    googleapis) printf -- '-Igoogleapis\n-Iprotobuf\n'; cat "$corpus/googleapis-files.txt" ;;
    googleapis-mid) printf -- '-Igoogleapis\n-Iprotobuf\n'; cat "$corpus/googleapis-mid.txt" ;;
    compute) printf -- '-Igoogleapis\n-Iprotobuf\ngoogle/cloud/compute/v1/compute.proto\n' ;;
    seed) printf -- '-I%s\n%s\n' "$seed_dir" "$seed_dir/calculator.proto" ;;
  esac
}
for input in googleapis googleapis-mid compute seed; do
  args_for "$input" > "$out/$input.args"
done

# Peak memory (MiB) of one run of a command.
peak() {
  /usr/bin/time -v "$@" 2>&1 >/dev/null | awk '/Maximum resident/ {printf "%.0f", $6 / 1024}'
}

{
  echo "| input | tool | median time | peak memory | time, memory against protoc 3.21 |"
  echo "|---|---|---|---|---|"
} > "$out/results.md"

# The table rows of one hyperfine export ($1) for tool names ($2, one per
# line) and peak memories ($3, MiB, one per line; empty when not measured),
# each with its ratios to the row of Debian's protoc 3.21 (or to the last
# row when there is none).
rows() {
  python3 - "$@" <<'PY'
import json, sys
export, label, names, memories = sys.argv[1], sys.argv[2], sys.argv[3].split("\n"), sys.argv[4].split("\n")
results = json.load(open(export))["results"]
base = next((i for i, n in enumerate(names) if n.startswith("protoc 3.")), len(names) - 1)
for i, (name, result) in enumerate(zip(names, results)):
    median = result["median"]
    memory = memories[i] if i < len(memories) else ""
    ratio = f"{median / results[base]['median']:.2f}×"
    if memory and memories[base]:
        ratio += f", {int(memory) / int(memories[base]):.2f}×"
    cells = [label, name, f"{median:.3f} s", f"{memory} MiB" if memory else "", "1" if i == base else ratio]
    print("| " + " | ".join(cells) + " |")
PY
}

cd "$corpus"
for input in googleapis googleapis-mid compute seed; do
  args="@$out/$input.args"
  commands=()
  for tool in "${tools[@]}"; do
    name=${tool%%=*}
    command=${tool#*=}
    if [ "$name" = protox ]; then
      commands+=("$command $args -o /tmp/bench-$input.pb --include-imports")
    else
      commands+=("$command $args --include_imports -o /tmp/bench-$input.pb")
    fi
  done
  hyperfine --warmup 1 --runs "$runs" --style none --export-json "$out/$input.json" \
    "${commands[@]}" > /dev/null
  names=""
  memories=""
  for i in "${!tools[@]}"; do
    names+="${tools[$i]%%=*}"$'\n'
    memories+="$(peak bash -c "${commands[$i]}")"$'\n'
  done
  rows "$out/$input.json" "$input" "${names%$'\n'}" "${memories%$'\n'}" >> "$out/results.md"
done

# Rust code for googleapis-mid.
mid="@$out/googleapis-mid.args"
hyperfine --warmup 1 --runs "$runs" --style none --export-json "$out/rust.json" \
  --prepare "rm -rf /tmp/bench-rust-ours /tmp/bench-rust-theirs" \
  "$ours compile $mid --rust-out /tmp/bench-rust-ours" \
  "protoc $mid --include_imports --include_source_info -o /tmp/bench-rust.pb && $xtask prost-build /tmp/bench-rust.pb /tmp/bench-rust-theirs" \
  > /dev/null
rows "$out/rust.json" "googleapis-mid to Rust" \
  "protoc-rs --rust-out"$'\n'"protoc + tonic-prost-build" "" >> "$out/results.md"
cat "$out/results.md"
