#!/usr/bin/env bash
# no-protoc-check.sh [PROTOC_RS_BINARY]: protoc-rs needs nothing installed.
#
# Inside scripts/bare-namespace.sh (protoc, /usr/include/google and Python's
# grpc_tools/_proto hidden), fixtures/builtin/all.proto, which imports every
# built-in file, compiles with no -I beyond its own directory, both through
# protoc's command line and through `protoc-rs compile`. Its
# --include_imports descriptor set equals protoc 35's
# (fixtures/goldens/builtin/all.pb, by scripts/regen-builtin.sh) file for
# file, and strace shows that no other process is started.
#
# Needs root (unshare -m) and strace. Without a binary, the release build is
# made and used.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
binary=${1:-}
if [ -z "$binary" ]; then
  cargo build --release --quiet --features cli --bin protoc-rs
  binary=${CARGO_TARGET_DIR:-$root/target}/release/protoc-rs
fi
binary=$(realpath -- "$binary")
command -v strace > /dev/null || { echo "no-protoc-check: strace is not installed" >&2; exit 1; }
cargo build --quiet --example descriptor_diff
descriptor_diff=${CARGO_TARGET_DIR:-$root/target}/debug/examples/descriptor_diff

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
golden=fixtures/goldens/builtin/all.pb
status=0
for form in protoc compile; do
  out=$scratch/$form.pb
  trace=$scratch/$form.strace
  if [ "$form" = protoc ]; then
    args=(-I fixtures/builtin --include_imports -o "$out" fixtures/builtin/all.proto)
  else
    args=(compile -I fixtures/builtin --include-imports -o "$out" fixtures/builtin/all.proto)
  fi
  if ! scripts/bare-namespace.sh -- strace -f -qq -e trace=execve -o "$trace" "$binary" "${args[@]}"; then
    echo "no-protoc-check: $form form: protoc-rs failed with nothing installed" >&2
    status=1
    continue
  fi
  execs=$(grep -c 'execve(' "$trace" || true)
  if [ "$execs" -ne 1 ]; then
    echo "no-protoc-check: $form form: $execs execve calls, expected only protoc-rs's own:" >&2
    grep 'execve(' "$trace" >&2
    status=1
  fi
  if ! "$descriptor_diff" --builtin-source-info-aside "$golden" "$out"; then
    echo "no-protoc-check: $form form: the descriptor set differs from protoc 35's" >&2
    status=1
  elif ! cmp -s "$golden" "$out"; then
    echo "no-protoc-check: $form form: equal when decoded, but not byte for byte" >&2
    status=1
  else
    echo "no-protoc-check: $form form: $(grep -c . <<< "$(grep -o 'import "[^"]*"' fixtures/builtin/all.proto)") built-in imports," \
      "set byte-identical to protoc 35's, 1 execve (protoc-rs itself)"
  fi
done
exit $status
