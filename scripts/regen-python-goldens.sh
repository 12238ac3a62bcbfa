#!/usr/bin/env bash
# Regenerates the goldens of tests/python.rs: what grpcio-tools' protoc
# (protoc 35 with grpcio-tools' gRPC generator built in) writes for
#   - every fixture under fixtures/python/FOLDER/, run on its own in that
#     folder with -I. --python_out --pyi_out --grpc_python_out;
#   - every case of fixtures/python/cases.txt (generator parameters,
#     archives, several files at once).
# Each golden fixtures/goldens/python/NAME/ holds the run (`dir`: the
# folder; `args`: the arguments, one per line, `$OUT` for the output
# directory), its exit status and standard error, and the files written
# (under files/).
#
# To follow a newer grpcio-tools: change the pin in scripts/lib/protoc35.sh
# and the versions in src/codegen/python/mod.rs (the one place protoc-rs
# keeps them), then rerun this script; it stops when the two disagree.
#
# Needs: pip install grpcio-tools (protoc 35). Tests never run Python.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

# shellcheck source=lib/protoc35.sh
. scripts/lib/protoc35.sh
protoc35_require
# grpcio-tools runs protoc as this script, which is the name protoc prints.
program=$(python3 -c 'import grpc_tools.protoc as p; print(p.__file__)')

# The versions grpcio-tools stamps must be the ones protoc-rs stamps.
# shellcheck source=lib/python-versions.sh
. scripts/lib/python-versions.sh
python_versions
probe=$(mktemp -d)
"${protoc35[@]}" -I fixtures/python/seed --python_out="$probe" --grpc_python_out="$probe" test.proto
stamped_protobuf=$(sed -n 's/^# Protobuf Python Version: //p' "$probe/test_pb2.py")
stamped_grpc=$(sed -n "s/^GRPC_GENERATED_VERSION = '\(.*\)'\$/\1/p" "$probe/test_pb2_grpc.py")
rm -rf "$probe"
if [ "$stamped_protobuf" != "$protobuf_python_version" ] || [ "$stamped_grpc" != "$grpcio_version" ]; then
  echo "regen-python-goldens: grpcio-tools stamps protobuf $stamped_protobuf and grpc $stamped_grpc;" \
    "src/codegen/python/mod.rs says $protobuf_python_version and $grpcio_version: update it first" >&2
  exit 1
fi

goldens=fixtures/goldens/python
rm -rf "$goldens"
mkdir -p "$goldens"
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

# One golden: NAME FOLDER ARGUMENT...
record() {
  local name=$1 folder=$2
  shift 2
  local golden=$goldens/$name out=$scratch/$name
  mkdir -p "$golden/files" "$out"
  echo "$folder" > "$golden/dir"
  printf '%s\n' "$@" > "$golden/args"
  local args=() status=0
  for arg in "$@"; do args+=("${arg//\$OUT/$out}"); done
  (cd "fixtures/python/$folder" && "${protoc35[@]}" "${args[@]}") > /dev/null 2> "$golden/stderr" || status=$?
  echo "$status" > "$golden/status"
  sed -i -e "s|$out|\$OUT|g" -e "s|$program|protoc|g" "$golden/stderr"
  cp -a "$out/." "$golden/files/"
}

count=0
for folder in fixtures/python/*/; do
  folder=$(basename "$folder")
  while IFS= read -r file; do
    record "$folder/$file" "$folder" -I. '--python_out=$OUT' '--pyi_out=$OUT' '--grpc_python_out=$OUT' "$file"
    count=$((count + 1))
  done < <(cd "fixtures/python/$folder" && find . -name '*.proto' | sed 's|^\./||' | LC_ALL=C sort)
done
while read -r name folder rest; do
  case $name in '' | '#'*) continue ;; esac
  # shellcheck disable=SC2086 # the arguments are a word list
  record "cases/$name" "$folder" -I. $rest
  count=$((count + 1))
done < fixtures/python/cases.txt
echo "regen-python-goldens: $count runs recorded under $goldens"
