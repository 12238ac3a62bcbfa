#!/usr/bin/env bash
# Runs protoc-rs over the shared corpus (../shared/corpus): every googleapis
# file in one run, and every protobuf test file on its own, as protoc 35
# accepts them. Fails if any run reports an error. Kept out of `cargo test`
# so that the test suite stays self-contained.
set -euo pipefail
cd "$(dirname "$0")/.."
corpus=${CORPUS:-../shared/corpus}
if [ ! -d "$corpus" ]; then
  if [ "${CI:-}" = true ]; then
    echo "corpus-check: $corpus is missing" >&2
    exit 1
  fi
  echo "corpus-check: $corpus not found; skipped (it is required under CI=true)"
  exit 0
fi

cargo build --release --quiet --features cli --bin protoc-rs --example descriptor_diff
bin=$PWD/target/release/protoc-rs
diff_tool=$PWD/target/release/examples/descriptor_diff
root=$PWD
corpus=$(cd "$corpus" && pwd)

echo "googleapis: $(wc -l < "$corpus/googleapis-files.txt") files in one run"
start=$(date +%s%N)
log=$(mktemp)
if ! (cd "$corpus" && "$bin" compile --error-format protoc -I googleapis -I protobuf \
    --include-imports -o "$log.pb" $(cat googleapis-files.txt)) 2> "$log"; then
  grep -v ': warning: ' "$log" | head -50
  exit 1
fi
end=$(date +%s%N)
echo "googleapis: ok in $(( (end - start) / 1000000 )) ms, descriptor set $(wc -c < "$log.pb") bytes," \
  "$(grep -c ': warning: ' "$log") warnings (protoc 35 reports the same unused imports)"
# protoc 35's descriptor set is too large to commit; its digest stands in
# (scripts/regen-corpus-digest.sh writes it).
expected=$(cat "$root/fixtures/goldens/protoc35/googleapis.digest")
actual=$("$diff_tool" --digest "$log.pb")
rm -f "$log" "$log.pb"
if [ "$expected" != "$actual" ]; then
  echo "googleapis: descriptor set differs from protoc 35's: expected $expected, got $actual" >&2
  exit 1
fi
echo "googleapis: descriptor set equal to protoc 35's ($actual)"

# Files that arrive as descriptors go through the same stages: the whole
# googleapis set, source info included, given back as --descriptor_set_in
# (no -I, so nothing but the set), compiles to the same bytes.
echo "googleapis: round trip through --descriptor_set_in"
first=$(mktemp) second=$(mktemp)
(cd "$corpus" && "$bin" -I googleapis -I protobuf --include_imports --include_source_info \
  -o "$first" $(cat googleapis-files.txt) 2>/dev/null)
(cd "$corpus" && "$bin" --descriptor_set_in="$first" --include_imports --include_source_info \
  -o "$second" $(cat googleapis-files.txt) 2>/dev/null)
if ! cmp -s "$first" "$second"; then
  "$diff_tool" --builtin-source-info-aside "$first" "$second" | tail -5 >&2
  echo "googleapis: the set compiled from --descriptor_set_in differs" >&2
  exit 1
fi
echo "googleapis: $(wc -c < "$first") bytes, identical after the round trip"
rm -f "$first" "$second"

echo "protobuf: $(wc -l < "$corpus/protobuf-files.txt") files, one run each"
failed=0
while read -r file expected; do
  out=$(mktemp)
  if ! (cd "$corpus/protobuf" && "$bin" compile -I . --include-imports --include-source-info \
      -o "$out" "$file" 2>/tmp/protoc-rs-corpus.err); then
    echo "FAILED: $file"; cat /tmp/protoc-rs-corpus.err; failed=$((failed + 1))
  elif [ "$("$diff_tool" --digest-all "$out")" != "$expected" ]; then
    echo "DIFFERS from protoc 35: $file"; failed=$((failed + 1))
  else
    # The round trip through --descriptor_set_in, source-retention options
    # kept: the same bytes again.
    (cd "$corpus/protobuf" && "$bin" -I . --include_imports --include_source_info \
      --retain_options -o "$out.full" "$file" 2>/dev/null)
    if ! (cd "$corpus/protobuf" && "$bin" --descriptor_set_in="$out.full" --include_imports \
        --include_source_info --retain_options -o "$out.again" "$file" 2>/dev/null) ||
        ! cmp -s "$out.full" "$out.again"; then
      echo "ROUND TRIP through --descriptor_set_in differs: $file"; failed=$((failed + 1))
    fi
    rm -f "$out.full" "$out.again"
  fi
  rm -f "$out"
done < "$root/fixtures/goldens/protoc35/protobuf.digests"
if [ "$failed" -ne 0 ]; then
  echo "protobuf: $failed files failed" >&2
  exit 1
fi
echo "protobuf: ok, every descriptor set equal to protoc 35's, SourceCodeInfo included," \
  "and again after a round trip through --descriptor_set_in"

echo "googleapis-mid: $(wc -l < "$corpus/googleapis-mid.txt") files with SourceCodeInfo"
out=$(mktemp)
(cd "$corpus" && "$bin" compile -I googleapis -I protobuf --include-imports --include-source-info \
  -o "$out" $(cat googleapis-mid.txt) 2>/dev/null)
expected=$(cat "$root/fixtures/goldens/protoc35/googleapis-mid-source-info.digest")
actual=$("$diff_tool" --digest "$out")
rm -f "$out"
if [ "$expected" != "$actual" ]; then
  echo "googleapis-mid: differs from protoc 35's: expected $expected, got $actual" >&2
  exit 1
fi
echo "googleapis-mid: equal to protoc 35's ($actual)"

# Fixtures that import well-known types are checked here, with the corpus's
# copies (tests do not depend on an installed protobuf), against protoc 35's
# committed descriptor sets.
for proto in "$root"/fixtures/options/valid/*.proto; do
  name=$(basename "$proto" .proto)
  out=$(mktemp)
  "$bin" compile -I "$root/fixtures/options/valid" -I "$corpus/protobuf" --include-imports \
    --include-source-info -o "$out" "$proto"
  echo -n "options/$name: "
  "$diff_tool" "$root/fixtures/goldens/protoc35/options/valid/$name.pb" "$out"
  rm -f "$out"
done

# Rejected option fixtures: the first error line must be protoc 35's.
failed=0
for proto in "$root"/fixtures/options/invalid/*.proto; do
  name=$(basename "$proto" .proto)
  expected=$(sed -n 's/^first-error: //p' "$root/fixtures/goldens/protoc35/options/invalid/$name.txt")
  actual=$(cd "$root/fixtures/options/invalid" && "$bin" compile --error-format protoc \
    -I . -I ../valid -I "$corpus/protobuf" "$name.proto" 2>&1 >/dev/null \
    | grep -v ': warning: ' | head -n 1 || true)
  if [ "$actual" != "$expected" ]; then
    echo "options/invalid/$name: protoc: $expected"
    echo "options/invalid/$name: ours:   $actual"
    failed=$((failed + 1))
  fi
done
if [ "$failed" -ne 0 ]; then
  echo "options: $failed rejected fixtures differ from protoc 35" >&2
  exit 1
fi
echo "options: every rejected fixture's first error equals protoc 35's"

# Rust code for googleapis-mid: every file equal to prost-build's, first
# line aside (digests by scripts/regen-rust-goldens.sh).
out=$(mktemp -d)
(cd "$corpus" && "$bin" compile -I googleapis -I protobuf --rust-out "$out" \
  $(cat googleapis-mid.txt) 2>/dev/null)
actual=$(cd "$out" && for f in *.rs; do
  echo "$f $(tail -n +2 "$f" | sha256sum | cut -d' ' -f1)"
done)
rm -rf "$out"
if [ "$actual" != "$(cat "$root/fixtures/goldens/prost-build/googleapis-mid.digests")" ]; then
  echo "googleapis-mid Rust: differs from prost-build's" >&2
  diff <(echo "$actual") "$root/fixtures/goldens/prost-build/googleapis-mid.digests" | head >&2
  exit 1
fi
echo "googleapis-mid Rust: $(echo "$actual" | wc -l) files equal to prost-build's"

# That code builds against prost and tonic 0.14 with warnings denied.
bash "$root/scripts/check-generated-compiles.sh"
