#!/usr/bin/env bash
# Regenerates the goldens of tests/protoc_cli.rs: protoc 35's answer to
# every case of fixtures/protoc-cli/cases/. A case NAME.args holds protoc's
# arguments, one per line (as an @file does); NAME.stdin, when present, is
# its standard input. Each case runs in a fresh copy of
# fixtures/protoc-cli/work/, as a user runs protoc there; the golden
# fixtures/goldens/protoc-cli/NAME/ records the exit status, standard
# output and error (the copy's path written $WORK, the program's name
# protoc), and every file the run created or changed (under files/).
#
# First it writes work/sets/base.pb, the descriptor set the
# --descriptor_set_in cases read, and the canned plugins' answers, with
# protoc 35 itself.
#
# Needs: pip install grpcio-tools (protoc 35). Tests never run protoc.
set -euo pipefail
cd "$(dirname "$0")/.."

# shellcheck source=lib/protoc35.sh
. scripts/lib/protoc35.sh
protoc35_require
protoc=("${protoc35[@]}")
version=$("${protoc[@]}" --version)
# grpcio-tools runs protoc as this script, which is the name protoc prints.
program=$(python3 -c 'import grpc_tools.protoc as p; print(p.__file__)')

fixtures=fixtures/protoc-cli
goldens=fixtures/goldens/protoc-cli
mkdir -p "$fixtures/work/sets"
"${protoc[@]}" -I "$fixtures/set-sources" -I "$fixtures/work" --include_imports \
  -o "$fixtures/work/sets/base.pb" only-in-set.proto

# The canned plugins' answers (work/plugins/NAME.response), encoded by
# protoc 35 from their text (responses/NAME.txt).
for text in "$fixtures"/responses/*.txt; do
  "${protoc[@]}" --encode=google.protobuf.compiler.CodeGeneratorResponse \
    google/protobuf/compiler/plugin.proto < "$text" \
    > "$fixtures/work/plugins/$(basename "$text" .txt).response"
done

rm -rf "$goldens"
mkdir -p "$goldens"
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
count=0
for case_file in "$fixtures"/cases/*.args; do
  name=$(basename "$case_file" .args)
  work="$scratch/$name"
  cp -a "$fixtures/work" "$work"
  mapfile -t args < "$case_file"
  stdin=/dev/null
  [ -f "$fixtures/cases/$name.stdin" ] && stdin="$fixtures/cases/$name.stdin"
  out="$goldens/$name"
  mkdir -p "$out"
  status=0
  (cd "$work" && "${protoc[@]}" "${args[@]}") < "$stdin" > "$out/stdout" 2> "$out/stderr" || status=$?
  echo "$status" > "$out/status"
  for stream in stdout stderr; do
    sed -i -e "s|$work|\$WORK|g" -e "s|$program|protoc|g" "$out/$stream"
  done
  # Every file the run made or changed.
  (cd "$work" && find . -type f | sed 's|^\./||' | LC_ALL=C sort) | while IFS= read -r rel; do
    if ! cmp -s "$work/$rel" "$fixtures/work/$rel" 2>/dev/null; then
      mkdir -p "$out/files/$(dirname "$rel")"
      cp "$work/$rel" "$out/files/$rel"
    fi
  done
  count=$((count + 1))
done
echo "wrote $count cases into $goldens ($version)"
