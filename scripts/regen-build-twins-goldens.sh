#!/usr/bin/env bash
# regen-build-twins-goldens.sh [CRATE...]
#
# Regenerates fixtures/goldens/build-twins/: builds and tests the real half
# of the build twins (tests/build-twins/real/: build.rs with prost-build
# 0.14.6 / tonic-prost-build 0.14.9, pinned by tests/build-twins/real/
# Cargo.lock) with the real protoc 35 as PROTOC (a wrapper around
# `python3 -m grpc_tools.protoc`), one crate at a time, and copies every
# file each build script wrote to OUT_DIR into
# fixtures/goldens/build-twins/<crate>/. Descriptor sets lose the source
# info of protobuf's own files (scripts/strip-builtin-source-info.py).
# scripts/build-twins-check.sh compares the protoc-rs half with these.
#
# CRATE...: only these twins (default: all).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
goldens=$root/fixtures/goldens/build-twins
twins=$root/tests/build-twins

scratch=$(mktemp -d "${TMPDIR:-/tmp}/regen-build-twins.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
# shellcheck source=lib/protoc35.sh
. "$root/scripts/lib/protoc35.sh"
protoc35_wrapper "$scratch/bin"
version=$("$scratch/bin/protoc" --version)
python=$protoc35_python
echo "== protoc: $version ($python -m grpc_tools.protoc)"

unset PROTOC_INCLUDE
PROTOC=$scratch/bin/protoc "$twins/build-twins.sh" real "$scratch/out-dirs" "$@"

mkdir -p "$goldens"
if [ $# -eq 0 ]; then
  rm -rf "${goldens:?}"/*/
fi
while IFS=$'\t' read -r crate out_dir; do
  rm -rf "${goldens:?}/$crate"
  mkdir -p "$goldens/$crate"
  cp -R "$out_dir/." "$goldens/$crate/"
  find "$goldens/$crate" -type f \( -name '*.bin' -o -name '*.pb' \) \
    -exec "$root/scripts/strip-builtin-source-info.py" {} +
  (cd "$goldens/$crate" && find . -type f | sed 's|^\./||' | LC_ALL=C sort | while read -r f; do
    printf '  %-12s %-28s %8d bytes\n' "$crate" "$f" "$(wc -c < "$f")"
  done)
done < "$scratch/out-dirs"

locked() { # the version tests/build-twins/real/Cargo.lock pins for crate $1
  awk -v name="$1" '$1 == "name" && $3 == "\"" name "\"" { getline; gsub(/"/, "", $3); print $3 }' "$twins/real/Cargo.lock"
}
cat > "$goldens/PROVENANCE" <<EOF
Written by scripts/regen-build-twins-goldens.sh from tests/build-twins/real/.
protoc: $version (grpcio-tools $("$python" -c 'import importlib.metadata as m; print(m.version("grpcio-tools"))'))
prost-build: $(locked prost-build)
tonic-prost-build: $(locked tonic-prost-build)
Each crate built on its own: prost-plain has prost-build without cleanup-markdown.
EOF
echo "== goldens written in fixtures/goldens/build-twins/ ($(find "$goldens" -mindepth 2 -type f | wc -l) files)"
