#!/usr/bin/env bash
# Regenerates the goldens of tests/plugin_requests.rs: the exact
# CodeGeneratorRequest protoc 35 sends a plugin, for every case of
# fixtures/plugin-requests/cases/. A case NAME.args holds protoc's
# arguments, one per line; `$CAPTURE` stands for scripts/capture-plugin,
# whose plugin saves its request as $CAPTURE_DIR/NAME.bin. protoc runs in
# fixtures/plugin-requests/work, as a user runs it there; the golden
# fixtures/goldens/plugin-requests/NAME/ holds each saved request and the
# run's exit status.
#
# First it writes work/sets/*.pb, the descriptor sets the
# --descriptor_set_in cases read, with protoc 35 itself. Built-in files'
# SourceCodeInfo is removed from the sets and requests (their comments are
# protobuf's text; protoc-rs's built-in copies have none).
#
# Needs: pip install grpcio-tools (protoc 35). Tests never run protoc.
set -euo pipefail
cd "$(dirname "$0")/.."

# shellcheck source=lib/protoc35.sh
. scripts/lib/protoc35.sh
protoc35_require
protoc=("${protoc35[@]}")

fixtures=$PWD/fixtures/plugin-requests
goldens=$PWD/fixtures/goldens/plugin-requests
capture=$PWD/scripts/capture-plugin
work=$fixtures/work

mkdir -p "$work/sets"
"${protoc[@]}" -I "$work/set-sources" --include_imports \
  -o "$work/sets/only.pb" only-in-set.proto
"${protoc[@]}" -I "$work" --include_imports --include_source_info \
  -o "$work/sets/all.pb" basic.proto uses-retention.proto
python3 scripts/strip-builtin-source-info.py "$work/sets/all.pb"

rm -rf "$goldens"
mkdir -p "$goldens"
count=0
for case_file in "$fixtures"/cases/*.args; do
  name=$(basename "$case_file" .args)
  out="$goldens/$name"
  mkdir -p "$out"
  mapfile -t args < <(sed "s|\$CAPTURE|$capture|g" "$case_file")
  status=0
  (cd "$work" && CAPTURE_DIR="$out" "${protoc[@]}" "${args[@]}") 2> "$out/stderr" || status=$?
  echo "$status" > "$out/status"
  if [ -s "$out/stderr" ]; then
    echo "$name: protoc 35 says:" >&2
    cat "$out/stderr" >&2
  fi
  rm "$out/stderr"
  requests=("$out"/*.bin)
  if [ ! -e "${requests[0]}" ]; then
    echo "$name: no request was captured" >&2
    exit 1
  fi
  python3 scripts/strip-builtin-request-source-info.py "${requests[@]}"
  count=$((count + 1))
done
echo "wrote $count cases into $goldens ($("${protoc[@]}" --version))"
