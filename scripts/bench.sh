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
# Tools: protoc (Debian's protobuf-compiler), `python3 -m grpc_tools.protoc`,
# protox 0.10 and buf 1.75 (see below). Then the targets of the issue
# "Speed, round 2", each as the median ratio of paired runs, with the
# build-script runs (scripts/bench-build-script.sh) and the scale series
# (scripts/bench-scale.sh) and whether each target is met. Writes
# target/bench/results.md and targets.md, the tables BENCHMARKS.md quotes.
#
# Usage: scripts/bench.sh [RUNS]   (default 5)
# BENCH_TARGETS_ONLY=1 measures the targets only (target/bench/targets.md).
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

# buf 1.75 (npm's @bufbuild/buf; its platform binary is called directly, as
# the npm wrapper would add a Node.js start) and protox 0.10 (cargo
# install), taken from PATH or installed under target/bench when their
# registries answer; left out of the table otherwise.
buf=$(command -v buf || true)
if [ -z "$buf" ] && command -v npm > /dev/null; then
  buf_glob=("$out"/npm/node_modules/@bufbuild/buf-*/bin/buf)
  [ -x "${buf_glob[0]}" ] || npm install --silent --prefix "$out/npm" @bufbuild/buf@1.75.0 > /dev/null 2>&1 || true
  buf_glob=("$out"/npm/node_modules/@bufbuild/buf-*/bin/buf)
  [ -x "${buf_glob[0]}" ] && buf=${buf_glob[0]}
fi
protox=$(command -v protox || true)
if [ -z "$protox" ]; then
  [ -x "$out/protox/bin/protox" ] || cargo install --quiet --locked --features bin --root "$out/protox" protox --version '~0.10' > /dev/null 2>&1 || true
  [ -x "$out/protox/bin/protox" ] && protox=$out/protox/bin/protox
fi

tools=("protoc-rs=$ours compile")
command -v protoc >/dev/null && tools+=("protoc $(protoc --version | cut -d' ' -f2)=protoc")
python3 -c 'import grpc_tools' 2>/dev/null && tools+=("protoc 35 (grpcio-tools)=python3 -m grpc_tools.protoc")
[ -n "$protox" ] && tools+=("protox=$protox")
[ -n "$buf" ] && tools+=("buf $("$buf" --version)=$buf")

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
# buf reads no argument file and takes a module directory and its files
# (`--path`, relative to the working directory), not include paths: each
# input is a script that runs it from the module's root.
buf_script_for() {
  local dir files
  case "$1" in
    googleapis) dir=$corpus/googleapis; files=$(cat "$corpus/googleapis-files.txt") ;;
    googleapis-mid) dir=$corpus/googleapis; files=$(cat "$corpus/googleapis-mid.txt") ;;
    compute) dir=$corpus/googleapis; files=google/cloud/compute/v1/compute.proto ;;
    seed) dir=$seed_dir; files=calculator.proto ;;
  esac
  printf '#!/bin/sh\ncd %q && exec %q build . --exclude-source-info -o /tmp/bench-%s.binpb' "$dir" "$buf" "$1"
  for file in $files; do printf ' --path %q' "$file"; done
  echo
}
# protox reads no argument file either: a script passes the file's lines.
# protox 0.10 cannot parse the corpus's newer descriptor.proto (extension
# declarations), so it is given no -Iprotobuf and uses its own built-in
# google/protobuf files.
protox_script_for() {
  printf '#!/usr/bin/env bash\nmapfile -t args < <(grep -vx -- -Iprotobuf %q)\nexec %q "${args[@]}" --include-imports -o /tmp/bench-%s.pb\n' \
    "$out/$1.args" "$protox" "$1"
}
for input in googleapis googleapis-mid compute seed; do
  args_for "$input" > "$out/$input.args"
  [ -z "$buf" ] || { buf_script_for "$input" > "$out/buf-$input.sh" && chmod +x "$out/buf-$input.sh"; }
  [ -z "$protox" ] || { protox_script_for "$input" > "$out/protox-$input.sh" && chmod +x "$out/protox-$input.sh"; }
done

# Peak memory (MiB) of one run of a command.
peak() {
  /usr/bin/time -v "$@" 2>&1 >/dev/null | awk '/Maximum resident/ {printf "%.0f", $6 / 1024}'
}

[ -n "${BENCH_TARGETS_ONLY:-}" ] || {
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

# Rust code for googleapis-mid: protoc-rs against tonic-prost-build's
# `configure().compile_protos` with its defaults, as a build script calls
# it, running Debian's protoc (`xtask prost-build`).
mid="@$out/googleapis-mid.args"
theirs_rust="PROTOC=$(command -v protoc || echo protoc) $xtask prost-build /tmp/bench-rust-theirs googleapis protobuf -- $(tr '\n' ' ' < "$corpus/googleapis-mid.txt")"

cd "$corpus"
if [ -z "${BENCH_TARGETS_ONLY:-}" ]; then
  for input in googleapis googleapis-mid compute seed; do
    args="@$out/$input.args"
    commands=()
    names=""
    for tool in "${tools[@]}"; do
      name=${tool%%=*}
      command=${tool#*=}
      if [ "${name%% *}" = protox ]; then
        command="$out/protox-$input.sh"
      elif [ "${name%% *}" = buf ]; then
        command="$out/buf-$input.sh"
      else
        command="$command $args --include_imports -o /tmp/bench-$input.pb"
      fi
      # A tool that rejects an input (or crashes on it) is left out of that
      # input's rows, and said so.
      if bash -c "$command" > /dev/null 2>&1; then
        commands+=("$command")
        names+="$name"$'\n'
      else
        echo "bench: $name fails on $input; left out of its rows" >&2
      fi
    done
    hyperfine --warmup 1 --runs "$runs" --style none --export-json "$out/$input.json" \
      "${commands[@]}" > /dev/null
    memories=""
    for command in "${commands[@]}"; do
      memories+="$(peak bash -c "$command")"$'\n'
    done
    rows "$out/$input.json" "$input" "${names%$'\n'}" "${memories%$'\n'}" >> "$out/results.md"
  done

  # Rust code for googleapis-mid.
  hyperfine --warmup 1 --runs "$runs" --style none --export-json "$out/rust.json" \
    --prepare "rm -rf /tmp/bench-rust-ours /tmp/bench-rust-theirs" \
    "$ours compile $mid --rust-out /tmp/bench-rust-ours" \
    "$theirs_rust" \
    > /dev/null
  rows "$out/rust.json" "googleapis-mid to Rust" \
    "protoc-rs --rust-out"$'\n'"protoc + tonic-prost-build" "" >> "$out/results.md"
fi

# The targets: medians of paired runs (scripts/lib/paired.py), the
# build-script runs (scripts/bench-build-script.sh) and the scale series
# (scripts/bench-scale.sh, which also writes docs/benchmarks/scale-*.svg).
paired() { python3 "$root/scripts/lib/paired.py" "$runs" "$@"; }
target_row() { # what, ratio, limit
  python3 -c 'import sys; what, value, limit = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]); met = "yes" if value <= limit else "no"; print(f"| {what} | {value:.2f}× | at most {limit:g}× | {met} |")' "$@"
}
{
  echo
  echo "| target | median ratio of paired runs | limit | met |"
  echo "|---|---|---|---|"
  if command -v protoc > /dev/null; then
    read -r _ _ time_ratio _ _ memory_ratio < <(paired \
      "$ours compile @$out/googleapis.args --include_imports -o /tmp/bench-target-ours.pb" \
      "protoc @$out/googleapis.args --include_imports -o /tmp/bench-target-theirs.pb")
    target_row "googleapis descriptor set, wall time against protoc 3.21" "$time_ratio" 0.12
    target_row "googleapis descriptor set, peak memory against protoc 3.21" "$memory_ratio" 0.35
    read -r _ _ rust_ratio _ < <(paired \
      "$ours compile $mid --rust-out /tmp/bench-rust-ours" \
      "$theirs_rust" \
      --prepare-ours "rm -rf /tmp/bench-rust-ours" --prepare-theirs "rm -rf /tmp/bench-rust-theirs")
    target_row "googleapis-mid to Rust against protoc + tonic-prost-build" "$rust_ratio" 0.12
    # The same files, byte for byte after the first line, which names the
    # generator (`@generated by protoc-rs` from the command line).
    same=yes
    [ "$(ls /tmp/bench-rust-ours)" = "$(ls /tmp/bench-rust-theirs)" ] || same=no
    for file in /tmp/bench-rust-theirs/*.rs; do
      cmp -s <(tail -n +2 "$file") <(tail -n +2 "/tmp/bench-rust-ours/${file##*/}") || same=no
    done
    echo "| googleapis-mid to Rust, the same code as tonic-prost-build's | $same | yes | $same |"
    "$root/scripts/bench-build-script.sh" "$((runs * 2))" > "$out/build-script.md"
    while IFS='|' read -r _ app _ _ ratio _; do
      app=${app# } && app=${app% }
      target_row "build.rs run, $app app, against tonic-prost-build + protoc 3.21" "${ratio//[× ]/}" 1
    done < <(grep -E '^\| (seed|four-file) ' "$out/build-script.md")
  fi
  "$root/scripts/bench-scale.sh" 3 > "$out/scale.md" 2> /dev/null || true
  worst=$(sed -n 's/^worst step: \([0-9.]*\)× .*/\1/p' "$out/scale.md")
  target_row "scale series, worst growth beyond linear per doubling" "${worst:-99}" 1.2
} > "$out/targets.md"
# The full table is not made when only the targets are measured.
[ -n "${BENCH_TARGETS_ONLY:-}" ] || cat "$out/results.md"
cat "$out/targets.md"
echo
cat "$out/build-script.md" "$out/scale.md" 2> /dev/null || true
