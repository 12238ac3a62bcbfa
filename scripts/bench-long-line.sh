#!/usr/bin/env bash
# Diagnostics on one very long line: a generated proto whose second line is
# about 400 KB (20,000 fields) and ends in three errors. Times protoc-rs in
# each error format against protoc (protoc 35 from grpcio-tools, and
# Debian's protoc when installed), and prints each one's output size:
# every format must stay small and none may be slower than protoc.
#
# Usage: scripts/bench-long-line.sh [RUNS]   (default 10; needs hyperfine)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
runs=${1:-10}
command -v hyperfine > /dev/null || { echo "bench-long-line: needs hyperfine (apt-get install hyperfine)" >&2; exit 1; }
# shellcheck source=lib/protoc35.sh
. scripts/lib/protoc35.sh
protoc35_require
cargo build --release --quiet --features cli --bin protoc-rs
ours=$root/target/release/protoc-rs

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 - "$work/long.proto" << 'PY'
import sys
fields = " ".join(f"int32 f{i} = {i + 1};" for i in range(20000))
line = f"message M {{ {fields} int32 bad = 0; strng x = 1; }}"
open(sys.argv[1], "w").write(f'syntax = "proto3";\n{line}\n')
PY
echo "input: $(wc -c < "$work/long.proto") bytes, one line of $(sed -n 2p "$work/long.proto" | wc -c) bytes"

commands=()
names=()
add() { names+=("$1"); commands+=("$2"); }
for format in human json protoc; do
  add "protoc-rs --error-format $format" "$ours compile --error-format $format -I $work long.proto"
done
add "protoc 35 (grpcio-tools)" "${protoc35[*]} -I $work -o /dev/null long.proto"
command -v protoc > /dev/null && add "protoc $(protoc --version | cut -d' ' -f2)" "protoc -I $work -o /dev/null long.proto"

for i in "${!names[@]}"; do
  bytes=$(bash -c "${commands[$i]}" 2>&1 | wc -c || true)
  echo "${names[$i]}: $bytes bytes of output"
done
hyperfine_args=()
for i in "${!names[@]}"; do hyperfine_args+=(-n "${names[$i]}" "${commands[$i]}"); done
hyperfine --warmup 2 --runs "$runs" -i -N "${hyperfine_args[@]}" 2>&1 | grep -E "^Benchmark|Time \(mean|±" || true
