#!/usr/bin/env bash
# build-twins-check.sh [--no-hide] [--skip-real] [--descriptor-diff BINARY] [CRATE...]
#
# The build twins (tests/build-twins/): each crate in real/ has a twin in
# protoc-rs/ that differs only in its build dependency (prost-build or
# tonic-prost-build -> protoc-rs) and the crate path in build.rs
# (prost_build -> protoc_rs::prost, tonic_prost_build -> protoc_rs::tonic).
# This script
#   1. checks that the twins differ in nothing else, and prints the
#      `diff -u` of each pair's Cargo.toml and build.rs;
#   2. builds and tests the real half with the real protoc 35 (a wrapper
#      around `python3 -m grpc_tools.protoc`) and compares its OUT_DIRs
#      with fixtures/goldens/build-twins/ (are the goldens current?);
#   3. builds and tests the protoc-rs half inside scripts/bare-namespace.sh
#      --absent: no protoc on PATH or anywhere, no protobuf include
#      directory, no PROTOC or PROTOC_INCLUDE;
#   4. compares each protoc-rs twin's OUT_DIR with its real twin's golden,
#      file by file, byte for byte; descriptor sets (.bin, .pb) that differ
#      in bytes are compared decoded, the source info of protobuf's own
#      files aside (examples/descriptor_diff.rs --builtin-source-info-aside).
# Prints one line per file and a summary; exits 1 on any difference,
# missing or extra file, or failed build or test.
#
# --no-hide: build the protoc-rs half outside the namespace (testing this
#   script itself).
# --skip-real: skip step 2 (no grpcio-tools needed).
# --descriptor-diff BINARY: an already built descriptor_diff; without it,
#   `cargo build --example descriptor_diff` in the repository.
# CRATE...: only these twins.
# BUILD_TWINS_DIR (passed to tests/build-twins/build-twins.sh): build a copy
#   of tests/build-twins instead.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
twins=${BUILD_TWINS_DIR:-$root/tests/build-twins}
goldens=$root/fixtures/goldens/build-twins
hide=1 real=1 descriptor_diff=
only=()
usage() {
  echo "usage: $0 [--no-hide] [--skip-real] [--descriptor-diff BINARY] [CRATE...]" >&2
  exit 2
}
while [ $# -gt 0 ]; do
  case $1 in
    --no-hide) hide=; shift ;;
    --skip-real) real=; shift ;;
    --descriptor-diff) [ $# -ge 2 ] || usage; descriptor_diff=$(realpath -- "$2"); shift 2 ;;
    -h|--help) usage ;;
    -*) echo "$0: unknown option $1" >&2; usage ;;
    *) only+=("$1"); shift ;;
  esac
done
export BUILD_TWINS_DIR=$twins

fail() {
  echo "build-twins-check: FAIL: $*" >&2
  exit 1
}
problems=0

scratch=$(mktemp -d "${TMPDIR:-/tmp}/build-twins-check.XXXXXX")
trap 'rm -rf "$scratch"' EXIT

if [ ${#only[@]} -gt 0 ]; then
  crates=("${only[@]}")
else
  crates=()
  for dir in "$twins"/real/*/; do
    [ -f "$dir/Cargo.toml" ] && crates+=("$(basename "$dir")")
  done
fi

echo "== 1. the twins differ only in the build dependency and the crate path"
for crate in "${crates[@]}"; do
  a=$twins/real/$crate b=$twins/protoc-rs/$crate
  [ -d "$b" ] || { echo "MISSING  protoc-rs/$crate (no twin)"; problems=$((problems + 1)); continue; }
  if ! diff -r -x Cargo.toml -x build.rs "$a" "$b" > "$scratch/rest.diff"; then
    echo "DIFFERS  $crate: files other than Cargo.toml and build.rs differ:"
    sed 's/^/    /' "$scratch/rest.diff" | head -n 40
    problems=$((problems + 1))
  fi
  for file in Cargo.toml build.rs; do
    diff -u --label "real/$crate/$file" --label "protoc-rs/$crate/$file" "$a/$file" "$b/$file" \
      > "$scratch/twin.diff" || true
    cat "$scratch/twin.diff"
    # Every changed line is the dependency or a use of the crate path.
    unexpected=$(grep -E '^[-+]' "$scratch/twin.diff" | grep -vE '^(---|\+\+\+) ' |
      grep -vE '^-(prost-build|tonic-prost-build) = ' |
      grep -vE '^\+protoc-rs = \{ path = "\.\./\.\./\.\./\.\." \}$' |
      grep -vE '^-.*\b(prost_build|tonic_prost_build)::' |
      grep -vE '^\+.*\bprotoc_rs::(prost|tonic)::' || true)
    if [ -n "$unexpected" ]; then
      echo "DIFFERS  $crate/$file: lines other than the dependency and the crate path:"
      sed 's/^/    /' <<< "$unexpected"
      problems=$((problems + 1))
    elif [ "$(grep -cE '^[-+][^-+]' "$scratch/twin.diff" || true)" -gt 0 ]; then
      # The same lines once the crate path is put back.
      if ! diff <(sed -E 's/^protoc-rs = \{ path = "\.\.\/\.\.\/\.\.\/\.\." \}$/DEP/' "$b/$file" | sed -E 's/protoc_rs::prost::/prost_build::/g; s/protoc_rs::tonic::/tonic_prost_build::/g') \
                <(sed -E 's/^(prost-build|tonic-prost-build) = "[^"]*"$/DEP/' "$a/$file") > /dev/null; then
        echo "DIFFERS  $crate/$file: more than the crate path changed"
        problems=$((problems + 1))
      fi
    fi
  done
done

compare() { # LABEL OUT_LIST: each crate's OUT_DIR against its golden
  local label=$1 list=$2
  while IFS=$'\t' read -r crate out_dir; do
    [ -d "$goldens/$crate" ] || { echo "MISSING  $label $crate: no goldens (run scripts/regen-build-twins-goldens.sh)"; differ=$((differ + 1)); continue; }
    while IFS= read -r rel; do
      local golden=$goldens/$crate/$rel made=$out_dir/$rel name="$label $crate/$rel"
      if [ ! -f "$golden" ]; then
        printf 'EXTRA    %s (generated, no golden)\n' "$name"; extra=$((extra + 1))
      elif [ ! -f "$made" ]; then
        printf 'MISSING  %s (golden, not generated)\n' "$name"; missing=$((missing + 1))
      elif cmp -s -- "$golden" "$made"; then
        printf 'same     %s (%d bytes)\n' "$name" "$(wc -c < "$made")"; same=$((same + 1))
      elif [[ $rel == *.bin || $rel == *.pb ]] &&
          "$descriptor_diff" --builtin-source-info-aside "$golden" "$made" > "$scratch/dd" 2>&1; then
        printf 'same     %s (decoded; protobuf'"'"'s own files without source info)\n' "$name"
        same=$((same + 1)); decoded=$((decoded + 1))
      else
        printf 'DIFFERS  %s\n' "$name"; differ=$((differ + 1))
        if [[ $rel == *.bin || $rel == *.pb ]]; then
          sed 's/^/    /' "$scratch/dd" | head -n 20
        else
          diff -u --label "golden/$crate/$rel" --label "$label/$crate/$rel" "$golden" "$made" |
            head -n 40 | sed 's/^/    /' || true
        fi
      fi
    done < <( (cd "$goldens/$crate" && find . -type f ! -name PROVENANCE; cd "$out_dir" && find . -type f) |
      sed 's|^\./||' | LC_ALL=C sort -u)
  done < "$list"
}

if [ -z "$descriptor_diff" ]; then
  echo "== building the descriptor comparison (cargo build --example descriptor_diff)"
  (cd "$root" && cargo build --quiet --example descriptor_diff) ||
    fail "examples/descriptor_diff.rs did not build"
  descriptor_diff=${CARGO_TARGET_DIR:-$root/target}/debug/examples/descriptor_diff
fi

real_same=0 real_differ=0
if [ -n "$real" ]; then
  echo "== 2. the real half, with protoc 35: builds, tests, and matches the goldens"
  # shellcheck source=lib/protoc35.sh
  . "$root/scripts/lib/protoc35.sh"
  protoc35_wrapper "$scratch/bin"
  if ! env -u PROTOC_INCLUDE PROTOC="$scratch/bin/protoc" "$twins/build-twins.sh" real "$scratch/real-out" "${crates[@]}"; then
    echo "build-twins-check: the real half did not build or its tests failed (output above)" >&2
    problems=$((problems + 1))
  fi
  same=0 decoded=0 differ=0 missing=0 extra=0
  compare real "$scratch/real-out"
  real_same=$same real_differ=$((differ + missing + extra))
  if [ "$real_differ" -gt 0 ]; then
    echo "build-twins-check: the real half's output is not the goldens': run scripts/regen-build-twins-goldens.sh" >&2
    problems=$((problems + 1))
  fi
fi

echo "== 3. the protoc-rs half, with no protoc anywhere"
build=("$twins/build-twins.sh" protoc-rs "$scratch/protoc-rs-out" "${crates[@]}")
if [ -n "$hide" ]; then
  "$root/scripts/bare-namespace.sh" --absent -- "${build[@]}" || {
    echo "build-twins-check: the protoc-rs half did not build or its tests failed (output above)" >&2
    problems=$((problems + 1))
  }
else
  env -u PROTOC -u PROTOC_INCLUDE "${build[@]}" || {
    echo "build-twins-check: the protoc-rs half did not build or its tests failed (output above)" >&2
    problems=$((problems + 1))
  }
fi
[ -f "$scratch/protoc-rs-out" ] || : > "$scratch/protoc-rs-out"
for crate in "${crates[@]}"; do
  grep -q "^$crate	" "$scratch/protoc-rs-out" || echo "NOT BUILT protoc-rs $crate (its build script did not run to the end)"
done

echo "== 4. protoc-rs's OUT_DIRs against the real twins' goldens"
same=0 decoded=0 differ=0 missing=0 extra=0
compare protoc-rs "$scratch/protoc-rs-out"
not_built=0
for crate in "${crates[@]}"; do
  grep -q "^$crate	" "$scratch/protoc-rs-out" || not_built=$((not_built + 1))
done

total=$((same + differ + missing + extra))
[ -z "$real" ] || echo "build-twins: real half: $real_same files same as the goldens, $real_differ not"
echo "build-twins: protoc-rs half: $total files: $same same ($decoded decoded), $differ differ, $missing missing, $extra extra; $not_built of ${#crates[@]} twins not built"
if [ $((problems + differ + missing + extra + not_built)) -gt 0 ]; then
  fail "$((problems + differ + missing + extra + not_built)) problems (above)"
fi
echo "build-twins-check: PASS (${#crates[@]} twins: protoc-rs's generated files are the real crates' with protoc 35)"
