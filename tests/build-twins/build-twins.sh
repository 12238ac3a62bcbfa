#!/usr/bin/env bash
# build-twins.sh HALF OUT_LIST [CRATE...]
#
# Builds and tests the crates of one half of the build twins, HALF = real
# (build.rs uses prost-build / tonic-prost-build; needs PROTOC) or protoc-rs
# (build.rs uses protoc_rs::prost / protoc_rs::tonic), from a clean state,
# one crate at a time (`-p`, so that cargo does not unify prost-build's
# features across crates: tonic-prost-build turns on cleanup-markdown, which
# a prost-build-only crate does not get). Writes "CRATE<TAB>OUT_DIR" lines
# to OUT_LIST, for each crate whose build script ran; every file in each
# OUT_DIR is checked to be from this run. A crate that fails does not stop
# the others; the exit status is 1 if any failed.
#
# CRATE...: only these (default: every member of HALF's workspace).
# The target directory is $BUILD_TWINS_TARGET_DIR, or tests/build-twins/target
# (shared by both halves). The real half builds with --locked. The
# protoc-rs half's lock also holds protoc-rs's own dependencies, which move
# with protoc-rs: cargo may add to it (commit the change), but the crates
# both halves use must keep the real half's versions (checked).
# BUILD_TWINS_DIR: a copy of this directory to build instead (for testing
# the scripts against a stand-in protoc-rs).
set -euo pipefail
[ $# -ge 2 ] || { echo "usage: $0 real|protoc-rs OUT_LIST [CRATE...]" >&2; exit 2; }
half=$1
out_list=$(realpath -m -- "$2")
shift 2
here=${BUILD_TWINS_DIR:-$(cd "$(dirname "$0")" && pwd)}
case $half in
  real) : "${PROTOC:?build-twins.sh: the real half needs PROTOC}"; locked=(--locked) ;;
  protoc-rs) locked=() ;;
  *) echo "$0: HALF is real or protoc-rs, not $half" >&2; exit 2 ;;
esac
ws=$here/$half
export CARGO_TARGET_DIR=${BUILD_TWINS_TARGET_DIR:-$here/target}
export CARGO_TERM_COLOR=${CARGO_TERM_COLOR:-never}

cd "$ws"
if [ $# -gt 0 ]; then
  crates=("$@")
else
  mapfile -t crates < <(cargo metadata "${locked[@]}" --no-deps --format-version 1 |
    python3 -c 'import json, sys; [print(p["name"]) for p in json.load(sys.stdin)["packages"]]')
fi

scratch=$(mktemp -d "${TMPDIR:-/tmp}/build-twins.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
cat > "$scratch/out-dir.py" <<'PY'
import json, os, sys
metadata, messages, marker, crate = sys.argv[1:]
meta = json.load(open(metadata))
ids = {p["id"]: p["name"] for p in meta["packages"]}
members = set(meta["workspace_members"])
dirs = set()
for line in open(messages):
    if line.startswith("{"):
        msg = json.loads(line)
        if (msg.get("reason") == "build-script-executed" and msg["package_id"] in members
                and ids.get(msg["package_id"]) == crate):
            dirs.add(msg["out_dir"])
if len(dirs) != 1:
    sys.exit(f"build-twins.sh: {crate}: expected one build-script OUT_DIR, cargo reported {sorted(dirs)}")
(out_dir,) = dirs
since = os.stat(marker).st_mtime
for root, _, files in os.walk(out_dir):
    for f in files:
        if os.stat(os.path.join(root, f)).st_mtime < since:
            sys.exit(f"build-twins.sh: {crate}: {os.path.join(root, f)} is older than this build (stale)")
print(f"{crate}\t{out_dir}")
PY

# build_one CRATE: clean, build (runs build.rs), record OUT_DIR, test.
build_one() {
  local crate=$1
  cargo clean "${locked[@]}" --quiet -p "$crate" || return 1
  touch "$scratch/started"
  sleep 1 # a file this run writes is strictly newer than the marker
  cargo test "${locked[@]}" -p "$crate" --no-run \
    --message-format=json-render-diagnostics > "$scratch/messages.json" || return 1
  cargo metadata "${locked[@]}" --format-version 1 > "$scratch/metadata.json" || return 1
  python3 "$scratch/out-dir.py" "$scratch/metadata.json" "$scratch/messages.json" \
    "$scratch/started" "$crate" >> "$out_list" || return 1
  cargo test "${locked[@]}" -p "$crate" || return 1
}

: > "$out_list"
failed=()
for crate in "${crates[@]}"; do
  if [ "$half" = real ]; then
    echo "== build-twins: $half/$crate: cargo test (build.rs: the real crate, PROTOC=$PROTOC)"
  else
    echo "== build-twins: $half/$crate: cargo test (build.rs: protoc-rs)"
  fi
  if ! build_one "$crate"; then
    echo "build-twins.sh: $half/$crate: the build or its tests failed (output above)" >&2
    failed+=("$crate")
  fi
done

if [ "$half" = protoc-rs ]; then
  # The crates both halves depend on: the same versions.
  python3 - "$here/real/Cargo.lock" "$ws/Cargo.lock" <<'PY'
import sys, tomllib
def versions(path):
    return {p["name"]: p["version"] for p in tomllib.load(open(path, "rb"))["package"] if "source" in p}
real, ours = versions(sys.argv[1]), versions(sys.argv[2])
shared = ["prost", "prost-types", "tonic", "tonic-prost", "tonic-reflection", "tokio", "tokio-stream", "bytes"]
bad = [f"{n}: real {real.get(n)}, protoc-rs {ours.get(n)}" for n in shared if real.get(n) != ours.get(n)]
if bad:
    sys.exit("build-twins.sh: the two halves' locks disagree:\n  " + "\n  ".join(bad))
PY
fi
echo "== build-twins: $half: OUT_DIRs written to $out_list"
if [ ${#failed[@]} -gt 0 ]; then
  echo "build-twins.sh: $half: failed: ${failed[*]}" >&2
  exit 1
fi
