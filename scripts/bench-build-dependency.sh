#!/usr/bin/env bash
# bench-build-dependency.sh [RUNS]: what a project pays to have the build
# helper in [build-dependencies], cold: protoc-rs with default features
# against tonic-prost-build 0.14 (and prost-build 0.14 alone, for
# reference). For each, a fresh crate whose build.rs only names the
# dependency is built with an empty target directory RUNS times (default
# 3), sources already downloaded, the three crates taking turns in each
# round so that a machine that speeds up or slows down during the run
# treats them alike; the script prints the crates compiled
# (cargo tree, normal and build edges, the crate itself left out) and the
# median user CPU time, wall time and peak memory of `cargo build`, as a
# Markdown table for BENCHMARKS.md.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-3}
command -v /usr/bin/time > /dev/null || { echo "needs GNU time (apt-get install time)" >&2; exit 1; }
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

make_crate() { # name, dependency line, build.rs body
  local dir=$scratch/$1
  mkdir -p "$dir/src"
  cat > "$dir/Cargo.toml" <<EOF
[package]
name = "$1"
version = "0.1.0"
edition = "2021"
publish = false

[build-dependencies]
$2

[workspace]
EOF
  echo "fn main() { $3 }" > "$dir/build.rs"
  : > "$dir/src/lib.rs"
}
make_crate with-protoc-rs "protoc-rs = { path = \"$root\" }" "let _ = protoc_rs::tonic::configure;"
make_crate with-tonic-prost-build 'tonic-prost-build = "0.14"' "let _ = tonic_prost_build::configure;"
make_crate with-prost-build 'prost-build = "0.14"' "let _ = prost_build::Config::new;"

median() { sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }

names=(with-protoc-rs with-tonic-prost-build with-prost-build)
declare -A users walls rss
for name in "${names[@]}"; do
  (cd "$scratch/$name" && cargo fetch --quiet)
done
for round in $(seq "$runs"); do
  for name in "${names[@]}"; do
    dir=$scratch/$name
    rm -rf "$dir/target"
    stats=$( (cd "$dir" && /usr/bin/time -f '%U %S %e %M' cargo build --quiet --offline) 2>&1 | tail -n 1)
    read -r user system wall kib <<< "$stats"
    users[$name]+="$user "
    walls[$name]+="$wall "
    rss[$name]+="$((kib / 1024)) "
    echo "round $round: $name: $user s user, $wall s wall" >&2
  done
done

echo "| build dependency | crates | user CPU (s) | wall (s) | peak RSS (MiB) |"
echo "|---|---|---|---|---|"
for name in "${names[@]}"; do
  dir=$scratch/$name
  crates=$(cd "$dir" && cargo tree -e normal,build --prefix none 2>/dev/null |
    sed 's/ (\*)//; s/ (proc-macro)//' | sort -u | grep -vc "^$name v")
  user=$(tr ' ' '\n' <<< "${users[$name]}" | grep . | median)
  wall=$(tr ' ' '\n' <<< "${walls[$name]}" | grep . | median)
  peak=$(tr ' ' '\n' <<< "${rss[$name]}" | grep . | median)
  echo "| ${name#with-} | $crates | $user | $wall | $peak |"
done
