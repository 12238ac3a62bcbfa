#!/usr/bin/env bash
# bench-scale.sh [RUNS]: how protoc-rs's time and peak memory grow with its
# input, writing a descriptor set with --include_imports, for three series
# (inputs made by scripts/lib/scale.py):
#   googleapis: all of googleapis 1, 2, 4 and 8 times over (copies under
#               renamed packages);
#   big-file:   one file of 1, 10 and 100 MB;
#   tiny-files: 1,250, 2,500, 5,000 and 10,000 tiny files.
# Time is the median of RUNS hyperfine runs (default 3) after a warm-up,
# memory the peak resident set of one run (GNU time). Prints the table
# BENCHMARKS.md quotes, with each step's growth beyond linear per doubling
# of the input, writes docs/benchmarks/scale-SERIES.svg, and fails when a
# step grows more than 1.2x per doubling beyond linear.
# SCALE_SERIES="googleapis big-file tiny-files" picks series.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-3}
series=${SCALE_SERIES:-"googleapis big-file tiny-files"}
corpus=$(cd "${CORPUS:-$root/../shared/corpus}" && pwd)
command -v hyperfine > /dev/null || { echo "needs hyperfine (apt-get install hyperfine)" >&2; exit 1; }
command -v /usr/bin/time > /dev/null || { echo "needs GNU time (apt-get install time)" >&2; exit 1; }
cargo build -q --release --features cli --bin protoc-rs --manifest-path "$root/Cargo.toml"
bin="$root/target/release/protoc-rs"
scale="$root/scripts/lib/scale.py"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
results="$root/target/bench/scale.txt"
mkdir -p "$root/target/bench" "$root/docs/benchmarks"
: > "$results"

# measure SERIES SIZE UNIT DIR: time and memory of one input (DIR/args).
measure() {
  local command=("$bin" compile "@$4/args" --include_imports -o "$work/out.pb")
  hyperfine --warmup 1 --runs "$runs" --style none --export-json "$work/time.json" \
    "$(printf '%q ' "${command[@]}")" > /dev/null
  local seconds kib
  seconds=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["results"][0]["median"])' "$work/time.json")
  /usr/bin/time -f "%M" -o "$work/memory" "${command[@]}" 2> /dev/null
  kib=$(cat "$work/memory")
  echo "$1 $2 $3 $seconds $kib" | tee -a "$results" >&2
}

for name in $series; do
  case "$name" in
    googleapis)
      for copies in 1 2 4 8; do
        rm -rf "$work/input" && mkdir "$work/input"
        python3 "$scale" googleapis "$corpus" "$copies" "$work/input"
        measure googleapis "$copies" copies "$work/input"
      done ;;
    big-file)
      for megabytes in 1 10 100; do
        rm -rf "$work/input" && mkdir "$work/input"
        python3 "$scale" big "$megabytes" "$work/input"
        measure big-file "$megabytes" MB "$work/input"
      done ;;
    tiny-files)
      for files in 1250 2500 5000 10000; do
        rm -rf "$work/input" && mkdir "$work/input"
        python3 "$scale" tiny "$files" "$work/input"
        measure tiny-files "$files" files "$work/input"
      done ;;
    *) echo "unknown series $name" >&2; exit 1 ;;
  esac
done
python3 "$scale" report "$results" "$root/docs/benchmarks"
