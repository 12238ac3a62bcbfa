#!/usr/bin/env bash
# The editions equivalence oracle on real files: googleapis-mid (351
# proto3 files) and the codegen fixtures, each rewritten as edition 2023
# and as edition 2024 by the migration rewriter (xtask editions-rewrite,
# tests/support/editions_rewrite.rs), must be accepted by protoc 35 and
# give protoc-rs Rust equal, file for file, to the original's; protoc 35's
# descriptor sets of the originals and the rewrites must mean the same
# (scripts/editions-rewrite-check.py: every field's shape and resolved
# features, every comment).
# tests/editions.rs checks the fixtures the same way without protoc.
# Needs: pip install grpcio-tools (for protoc 35).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
corpus="$root/../shared/corpus"
# shellcheck source=lib/protoc35.sh
. "$root/scripts/lib/protoc35.sh"
protoc35_require

cargo build -q --release --features cli --bin protoc-rs --manifest-path "$root/Cargo.toml"
cargo build -q -p xtask --manifest-path "$root/Cargo.toml"
bin="$root/target/release/protoc-rs"
xtask="$root/target/debug/xtask"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Source retention options (2024's naming style) must stay in the sets.
protoc_flags="--include_imports --include_source_info --retain_options"

# check NAME ROOT INCLUDES FILES...: rewrite, protoc 35, Rust equality.
check() {
  local name=$1 src=$2 includes=$3
  shift 3
  local files=("$@")
  # shellcheck disable=SC2086
  (cd "$src" && "$bin" compile $includes --rust-out "$work/$name-original" "${files[@]}" 2> /dev/null)
  # shellcheck disable=SC2086
  if ! (cd "$src" && "${protoc35[@]}" $includes $protoc_flags -o "$work/$name-original.pb" \
    "${files[@]}" 2> "$work/protoc.err"); then
    echo "$name: protoc 35 rejects an original file:" >&2
    head -5 "$work/protoc.err" >&2
    exit 1
  fi
  for edition in 2023 2024; do
    local out="$work/$name-$edition"
    "$xtask" editions-rewrite "$edition" "$src" "$out" "${files[@]}"
    # Rewritten files first, so that they shadow the originals.
    # shellcheck disable=SC2086
    if ! (cd "$out" && "${protoc35[@]}" -I . $includes $protoc_flags -o "$out.pb" "${files[@]}" \
      2> "$work/protoc.err"); then
      echo "$name, edition $edition: protoc 35 rejects a rewritten file:" >&2
      head -5 "$work/protoc.err" >&2
      exit 1
    fi
    # shellcheck disable=SC2086
    (cd "$out" && "$bin" compile -I . $includes --rust-out "$work/$name-$edition-rust" "${files[@]}" 2> /dev/null)
    if ! diff -r -q "$work/$name-original" "$work/$name-$edition-rust" > "$work/diff"; then
      echo "$name, edition $edition: Rust differs from the original's:" >&2
      head "$work/diff" >&2
      exit 1
    fi
    if ! python3 "$root/scripts/editions-rewrite-check.py" "$work/$name-original.pb" "$out.pb" \
      > "$work/meaning" 2>&1; then
      echo "$name, edition $edition: the rewrite means something else:" >&2
      tail -20 "$work/meaning" >&2
      exit 1
    fi
    echo "$name, edition $edition: ${#files[@]} files rewritten, accepted by protoc 35," \
      "the same meaning ($(tail -1 "$work/meaning")), $(ls "$work/$name-original" | wc -l)" \
      "Rust files equal to the original's"
  done
}

mapfile -t mid < "$corpus/googleapis-mid.txt"
check googleapis-mid "$corpus/googleapis" "-I $corpus/googleapis -I $corpus/protobuf" "${mid[@]}"
mapfile -t fixtures < <(cd "$root/fixtures/codegen" && ls ./*.proto | sed 's|^\./||')
check fixtures "$root/fixtures/codegen" "-I $root/fixtures/codegen" "${fixtures[@]}"
