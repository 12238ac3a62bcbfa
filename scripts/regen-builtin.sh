#!/usr/bin/env bash
# Regenerates src/builtin/protoc35.pb: the descriptors of every .proto file
# protoc 35 ships in its own include directory (the well-known types,
# descriptor.proto, compiler/plugin.proto and the language feature files),
# as protoc 35 itself writes them. protoc-rs serves imports of these files
# from that set when no include path has them.
#
# Facts only: names, numbers, types, options (source-retention ones kept,
# so --retain_options can give them back) and json names. No
# SourceCodeInfo, so no comments: the project carries no other project's
# text.
#
# Needs: pip install grpcio-tools (which bundles protoc 35 and its include
# directory). For a new protoc release: install the matching grpcio-tools,
# change the pin and version check in scripts/lib/protoc35.sh, run this
# script, then `cargo test builtin` and scripts/regen-goldens.sh.
set -euo pipefail
cd "$(dirname "$0")/.."

# shellcheck source=lib/protoc35.sh
. scripts/lib/protoc35.sh
protoc35_require
protoc=("${protoc35[@]}")
version=$("${protoc[@]}" --version)
include=$(python3 -c 'import grpc_tools, os; print(os.path.join(os.path.dirname(grpc_tools.__file__), "_proto"))')

# Every file of the include directory, in a stable order.
mapfile -t files < <(cd "$include" && find google -name '*.proto' | LC_ALL=C sort)
[ ${#files[@]} -gt 0 ] || { echo "no .proto files under $include" >&2; exit 1; }

"${protoc[@]}" -I "$include" --include_imports --retain_options \
  -o src/builtin/protoc35.pb "${files[@]}"
echo "wrote src/builtin/protoc35.pb (${#files[@]} files, $version)"

# The goldens of tests/descriptor_set_in.rs: a proto importing every
# built-in file, compiled by protoc 35 with nothing but its own directory.
golden=fixtures/goldens/builtin
mkdir -p "$golden"
"${protoc[@]}" -I fixtures/builtin --include_imports -o "$golden/all.pb" all.proto
"${protoc[@]}" -I fixtures/builtin --include_imports --retain_options \
  -o "$golden/all-retain.pb" all.proto
echo "wrote $golden/"
