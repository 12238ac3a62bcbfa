#!/usr/bin/env bash
# regen-drop-in-goldens.sh
#
# Regenerates fixtures/goldens/drop-in/: builds the crates in tests/drop-in/
# (ordinary prost-build and tonic-prost-build users) from a clean state with
# the real protoc 35, driven exactly as prost-build drives any protoc: PROTOC
# names an executable, here a wrapper around `python3 -m grpc_tools.protoc`
# (grpcio-tools bundles protoc 35 and its well-known types). Then every file
# the build scripts wrote to each crate's OUT_DIR is copied into
# fixtures/goldens/drop-in/<crate>/. scripts/drop-in-check.sh compares
# protoc-rs's output with these files.
#
# Installs grpcio-tools with pip when python3 lacks it.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
goldens=$root/fixtures/goldens/drop-in

scratch=$(mktemp -d "${TMPDIR:-/tmp}/regen-drop-in.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
# shellcheck source=lib/protoc35.sh
. "$root/scripts/lib/protoc35.sh"
protoc35_wrapper "$scratch/bin"

version=$("$scratch/bin/protoc" --version)
python=$protoc35_python
echo "== protoc: $version ($python -m grpc_tools.protoc)"

unset PROTOC_INCLUDE
PROTOC=$scratch/bin/protoc "$root/tests/drop-in/build-apps.sh" "$scratch/out-dirs"

rm -rf "$goldens"
mkdir -p "$goldens"
while IFS=$'\t' read -r crate out_dir; do
  mkdir "$goldens/$crate"
  cp -R "$out_dir/." "$goldens/$crate/"
  # The descriptor sets prost-build writes carry protobuf's own comments
  # (the well-known types' SourceCodeInfo), which the project does not
  # carry; the check compares those files' source info aside.
  find "$goldens/$crate" -name '*.bin' -exec "$root/scripts/strip-builtin-source-info.py" {} +
  (cd "$goldens/$crate" && find . -type f | sed 's|^\./||' | sort | while read -r f; do
    printf '  %-14s %-28s %8d bytes\n' "$crate" "$f" "$(wc -c < "$f")"
  done)
done < "$scratch/out-dirs"

lock=$root/tests/drop-in/Cargo.lock
locked() { # the version Cargo.lock pins for crate $1
  awk -v name="$1" '$1 == "name" && $3 == "\"" name "\"" { getline; gsub(/"/, "", $3); print $3 }' "$lock"
}
cat > "$goldens/PROVENANCE" <<EOF
Written by scripts/regen-drop-in-goldens.sh from tests/drop-in/.
protoc: $version (grpcio-tools $("$python" -c 'import importlib.metadata as m; print(m.version("grpcio-tools"))'))
prost-build: $(locked prost-build)
tonic-prost-build: $(locked tonic-prost-build)
EOF
echo "== goldens written in fixtures/goldens/drop-in/ ($(find "$goldens" -mindepth 2 -type f | wc -l) files)"
